//! Unit tests of the ComputeLedger: each function's success, reverts and events.
use alloy_primitives::{aliases::U24, Address, B256, I256, U256};
use compute_fi_contracts::access::{
    AdminHandoverUnconfirmed, RoleGranted, RoleRevoked, UnknownRole, ADMIN_ROLE, KEEPER_ROLE,
    MARKET_ROLE, VAULT_ROLE,
};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;

use super::harness::*;
use crate::*;

fn alice() -> Address {
    Address::repeat_byte(0xA1)
}
fn bob() -> Address {
    Address::repeat_byte(0xB2)
}

/// Whether `err` refuses `account` for want of `role`.
fn refused(err: &Error, account: Address, role: B256) -> bool {
    matches!(err, Error::UnauthorizedAccount(e) if e.account == account && e.needed_role == role)
}

#[motsu::test]
fn the_constructor_sets_up_once() {
    let h = H::new(false, 1000);
    let (v, a, p, pool, m) = h.ledger.sender(h.admin).addresses();
    assert_eq!(
        (v, a, p, pool, m),
        (h.vault.address(), h.asset.address(), h.pay.address(), h.pool, h.market)
    );
    assert!(h.ledger.sender(alice()).has_role(ADMIN_ROLE, h.admin));
    assert!(!h.ledger.sender(alice()).has_role(ADMIN_ROLE, alice()));
    h.ledger.assert_emitted(&RoleGranted { role: ADMIN_ROLE, account: h.admin, sender: h.admin });
    h.ledger.assert_emitted(&PoolConfigured { pool: h.pool, poolBps: 1000 });
    let err = h
        .ledger
        .sender(h.admin)
        .constructor(
            h.admin,
            h.vault.address(),
            h.asset.address(),
            h.pay.address(),
            h.pool,
            0,
            Address::ZERO,
        )
        .motsu_unwrap_err();
    assert!(matches!(err, Error::AlreadyInitialized(_)));
}

#[motsu::test]
fn setup_refuses_zero_addresses_and_bad_bps() {
    let l = Contract::<ComputeLedger>::new();
    let a = alice();
    let err =
        l.sender(a).constructor(Address::ZERO, a, a, a, a, 0, Address::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    let err = l.sender(a).constructor(a, a, a, a, a, 10_001, Address::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    let err =
        l.sender(a).constructor(a, a, a, a, Address::ZERO, 0, Address::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    l.sender(a).constructor(a, a, a, a, a, 10_000, Address::ZERO).motsu_unwrap();
}

#[motsu::test]
fn hooks_only_from_the_vault() {
    let h = H::new(false, 0);
    let err = h
        .ledger
        .sender(alice())
        .on_shares_changed(Address::ZERO, U256::ZERO, alice(), U256::ZERO, U256::ZERO, U256::ZERO)
        .motsu_unwrap_err();
    assert!(refused(&err, alice(), VAULT_ROLE));
    let err =
        h.ledger.sender(alice()).on_harvest(U256::ZERO, U256::ZERO, U256::ZERO).motsu_unwrap_err();
    assert!(refused(&err, alice(), VAULT_ROLE));
}

#[motsu::test]
fn harvest_credits_pro_rata_with_pool_share() {
    let h = H::new(false, 1000); // 10% to the pool
    h.deposit(alice(), e18(1), U256::ZERO);
    h.deposit(bob(), e18(3), U256::ZERO);
    // 400 wei of yield accrues, harvested.
    h.harvest(u(400), u(400));
    h.ledger.assert_emitted(&YieldAttributed { amount: u(400), totalSupply: e18(4) });
    h.ledger.assert_emitted(&Harvested { epoch: U256::ZERO, assets: u(400) });
    h.ledger.assert_emitted(&EpochClosed {
        epoch: U256::ZERO,
        assets: u(400),
        output: u(400),
        members: u(360),
        pool: u(40),
    });
    assert_eq!(h.spendable(alice()), u(90));
    assert_eq!(h.spendable(bob()), u(270));
    assert_eq!(h.spendable(h.pool), u(40));
    assert_eq!(h.ledger.sender(h.admin).epoch(), 1);
    // Settling writes the credits and emits Accrued.
    h.ledger.sender(bob()).settle(alice()).motsu_unwrap();
    h.ledger.assert_emitted(&Accrued { account: alice(), amount: u(90) });
    assert_eq!(h.spendable(alice()), u(90));
}

#[motsu::test]
fn late_depositor_gets_nothing_of_earlier_yield() {
    let h = H::new(false, 0);
    h.deposit(alice(), e18(1), U256::ZERO);
    // 100 accrued to alice before bob deposits.
    h.deposit(bob(), e18(1), u(100));
    h.harvest(u(50), u(150));
    assert_eq!(h.spendable(alice()), u(125));
    assert_eq!(h.spendable(bob()), u(25));
}

#[motsu::test]
fn yield_with_no_shares_goes_to_the_pool() {
    let h = H::new(false, 0);
    h.harvest(u(77), u(77));
    assert_eq!(h.spendable(h.pool), u(77));
}

#[motsu::test]
fn pending_until_harvest_then_spendable() {
    let h = H::new(false, 0);
    h.deposit(alice(), e18(2), U256::ZERO);
    h.deposit(bob(), e18(2), u(1000));
    assert_eq!(h.ledger.sender(alice()).pending(alice()).motsu_unwrap(), u(1000));
    assert_eq!(h.spendable(alice()), U256::ZERO);
    h.harvest(U256::ZERO, u(1000));
    assert_eq!(h.ledger.sender(alice()).pending(alice()).motsu_unwrap(), U256::ZERO);
    assert_eq!(h.spendable(alice()), u(1000));
}

#[motsu::test]
fn share_transfer_settles_both_sides() {
    let h = H::new(false, 0);
    h.deposit(alice(), e18(1), U256::ZERO);
    h.transfer_shares(alice(), bob(), e18(1), u(60));
    h.harvest(u(30), u(90));
    assert_eq!(h.spendable(alice()), u(60));
    assert_eq!(h.spendable(bob()), u(30));
}

#[motsu::test]
fn harvest_refuses_assets_that_did_not_arrive() {
    let h = H::new(false, 0);
    let err = h
        .ledger
        .sender(h.vault.address())
        .on_harvest(U256::ZERO, U256::ZERO, u(5))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::AssetsNotReceived(AssetsNotReceived { expected, balance, .. }) if expected == u(5) && balance == U256::ZERO)
    );
}

#[motsu::test]
fn swap_converts_at_the_router_rate() {
    let h = H::new(true, 0);
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(e18(1), e18(1));
    // 1 WETH -> 3000 USDC (6 decimals).
    h.ledger.assert_emitted(&EpochClosed {
        epoch: U256::ZERO,
        assets: e18(1),
        output: u(3_000_000_000),
        members: u(3_000_000_000),
        pool: U256::ZERO,
    });
    assert_eq!(h.spendable(alice()), u(3_000_000_000));
    assert_eq!(h.pay_balance(), u(3_000_000_000));
    assert_eq!(h.asset.sender(h.admin).balance_of(h.ledger.address()), U256::ZERO);
    assert_eq!(
        h.asset.sender(h.admin).allowance(h.ledger.address(), h.router.address()),
        U256::ZERO
    );
}

fn refused_then_retried(h: &H, fix: impl Fn(&H), reason: u8) {
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(e18(1), e18(1));
    h.ledger.assert_emitted(&ConversionDeferred { epoch: U256::ZERO, assets: e18(1), reason });
    assert_eq!(h.spendable(alice()), U256::ZERO);
    assert_eq!(h.ledger.sender(h.admin).totals().2, e18(1));
    // The harvest sealed epoch 0: later yield belongs to epoch 1.
    assert_eq!(h.ledger.sender(h.admin).epoch(), 1);
    let err = h.ledger.sender(bob()).convert().motsu_unwrap_err();
    assert!(
        matches!(err, Error::ConversionRefused(ConversionRefused { reason: r, .. }) if r == reason)
    );
    fix(h);
    h.ledger.sender(bob()).convert().motsu_unwrap();
    assert_eq!(h.spendable(alice()), u(3_000_000_000));
    let err = h.ledger.sender(bob()).convert().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToConvert(_)));
}

fn good_price(h: &H) {
    h.feed.sender(bob()).set_answer(I256::try_from(3000_0000_0000i64).unwrap(), U256::from(NOW));
}

#[motsu::test]
fn stale_price_defers_the_conversion() {
    let h = H::new(true, 0);
    h.feed
        .sender(bob())
        .set_answer(I256::try_from(3000_0000_0000i64).unwrap(), U256::from(NOW - 3601));
    refused_then_retried(&h, good_price, reason::STALE_PRICE);
}

#[motsu::test]
fn zero_price_defers_the_conversion() {
    let h = H::new(true, 0);
    h.feed.sender(bob()).set_answer(I256::ZERO, U256::from(NOW));
    refused_then_retried(&h, good_price, reason::ZERO_PRICE);
}

#[motsu::test]
fn manipulated_price_out_of_bounds_defers_the_conversion() {
    let h = H::new(true, 0);
    h.feed.sender(bob()).set_answer(I256::try_from(2_000_000_000_000i64).unwrap(), U256::from(NOW));
    refused_then_retried(&h, good_price, reason::OUT_OF_BOUNDS);
}

#[motsu::test]
fn router_paying_below_the_minimum_defers_the_conversion() {
    let h = H::new(true, 0);
    // The pool pays 2% under the feed: beyond the 1% slippage.
    h.router.sender(bob()).set_rate(U256::from(2_940_000_000u64));
    refused_then_retried(
        &h,
        |h| {
            h.router.sender(bob()).set_rate(U256::from(3_000_000_000u64));
        },
        reason::SWAP_FAILED,
    );
    assert_eq!(
        h.asset.sender(h.admin).allowance(h.ledger.address(), h.router.address()),
        U256::ZERO
    );
}

#[motsu::test]
fn router_succeeding_below_the_minimum_reverts_the_harvest() {
    // A router that ignores `amountOutMinimum` took the asset and paid 2% under the feed:
    // deferring would leave the ledger counting an asset it no longer holds.
    let h = H::new(true, 0);
    h.deposit(alice(), e18(1), U256::ZERO);
    h.router.sender(bob()).set_rate(U256::from(2_940_000_000u64));
    h.router.sender(bob()).set_ignore_minimum(true);
    h.asset.sender(h.admin).mint(h.ledger.address(), e18(1)).motsu_unwrap();
    let s = h.supply();
    let err = h.ledger.sender(h.vault.address()).on_harvest(e18(1), s, e18(1)).motsu_unwrap_err();
    assert!(
        matches!(&err, Error::SwapShortPaid(SwapShortPaid { router, paid, minimum })
            if *router == h.router.address() && *paid == u(2_940_000_000)
                && *minimum == u(2_970_000_000)),
        "{err:?}"
    );
    // Nothing of the harvest stayed: the epoch is still open and the asset still here.
    assert_eq!(h.ledger.sender(h.admin).epoch(), 0);
    assert_eq!(h.asset.sender(h.admin).balance_of(h.ledger.address()), e18(1));
    // An honest router then converts the same harvest in full.
    h.router.sender(bob()).set_ignore_minimum(false);
    h.router.sender(bob()).set_rate(U256::from(3_000_000_000u64));
    h.ledger.sender(h.vault.address()).on_harvest(e18(1), s, e18(1)).motsu_unwrap();
    assert_eq!(h.spendable(alice()), u(3_000_000_000));
}

#[motsu::test]
fn router_succeeding_below_the_minimum_reverts_a_retried_conversion() {
    let h = H::new(true, 0);
    h.feed.sender(bob()).set_answer(I256::ZERO, U256::from(NOW));
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(e18(1), e18(1));
    good_price(&h);
    h.router.sender(bob()).set_rate(U256::from(1_500_000_000u64));
    h.router.sender(bob()).set_ignore_minimum(true);
    let err = h.ledger.sender(bob()).convert().motsu_unwrap_err();
    assert!(matches!(err, Error::SwapShortPaid(_)), "{err:?}");
    assert_eq!(h.asset.sender(h.admin).balance_of(h.ledger.address()), e18(1));
    assert_eq!(h.ledger.sender(h.admin).totals().2, e18(1));
}

#[motsu::test]
fn dust_conversion_at_half_the_price_is_refused() {
    // 666,666,667 units expect 2 at the feed's price; 99% of that is 1.98. A floored
    // minimum of 1 would take the router's 1: the minimum rounds up to 2.
    let h = H::new(true, 0);
    h.router.sender(bob()).set_rate(U256::from(1_500_000_000u64));
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(U256::from(666_666_667u64), U256::from(666_666_667u64));
    h.ledger.assert_emitted(&ConversionDeferred {
        epoch: U256::ZERO,
        assets: U256::from(666_666_667u64),
        reason: reason::SWAP_FAILED,
    });
}

#[motsu::test]
fn unconfigured_conversion_defers() {
    let h = H::new(true, 0);
    h.ledger
        .sender(h.admin)
        .set_conversion(Address::ZERO, U24::ZERO, h.feed.address(), 0, 0, U256::ZERO, U256::ZERO)
        .motsu_unwrap();
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(e18(1), e18(1));
    h.ledger.assert_emitted(&ConversionDeferred {
        epoch: U256::ZERO,
        assets: e18(1),
        reason: reason::NOT_CONFIGURED,
    });
}

#[motsu::test]
fn deferred_epoch_accumulates_later_harvests() {
    let h = H::new(true, 0);
    h.feed.sender(bob()).set_answer(I256::ZERO, U256::from(NOW));
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(e18(1), e18(1));
    good_price(&h);
    h.deposit(bob(), e18(1), U256::ZERO);
    h.harvest(e18(2), e18(2));
    // alice: 1 + 1 WETH, bob: 1 WETH, all at the closing harvest's rate.
    assert_eq!(h.spendable(alice()), u(6_000_000_000));
    assert_eq!(h.spendable(bob()), u(3_000_000_000));
}

#[motsu::test]
fn top_up_credits_any_account() {
    let h = H::new(false, 0);
    h.fund(alice(), u(500));
    h.ledger.sender(alice()).top_up(bob(), u(500)).motsu_unwrap();
    h.ledger.assert_emitted(&ToppedUp { from: alice(), account: bob(), amount: u(500) });
    assert_eq!(h.spendable(bob()), u(500));
    assert_eq!(h.pay_balance(), u(500));
    let err = h.ledger.sender(alice()).top_up(bob(), U256::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    let err = h.ledger.sender(alice()).top_up(Address::ZERO, u(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    // No allowance left: the pull fails and nothing is credited.
    let err = h.ledger.sender(alice()).top_up(bob(), u(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::TokenFailed(_)));
    assert_eq!(h.spendable(bob()), u(500));
}

#[motsu::test]
fn credits_transfer_between_accounts() {
    let h = H::new(false, 0);
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(u(100), u(100));
    h.ledger.sender(alice()).transfer_credits(bob(), u(40)).motsu_unwrap();
    h.ledger.assert_emitted(&CreditsTransferred { from: alice(), to: bob(), amount: u(40) });
    assert_eq!(h.spendable(alice()), u(60));
    assert_eq!(h.spendable(bob()), u(40));
    let err = h.ledger.sender(alice()).transfer_credits(bob(), u(61)).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientCredits(InsufficientCredits { available, needed, .. }) if available == u(60) && needed == u(61))
    );
    let err = h.ledger.sender(alice()).transfer_credits(bob(), U256::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    let err = h.ledger.sender(alice()).transfer_credits(Address::ZERO, u(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
}

#[motsu::test]
fn market_reserves_releases_charges_and_pays() {
    let h = H::new(false, 0);
    h.fund(alice(), u(100));
    h.ledger.sender(alice()).top_up(alice(), u(100)).motsu_unwrap();
    let m = h.market;
    h.ledger.sender(m).reserve(alice(), u(70)).motsu_unwrap();
    h.ledger.assert_emitted(&MarketMoved { kind: kind::RESERVE, account: alice(), amount: u(70) });
    assert_eq!((h.spendable(alice()), h.ledger.sender(m).reserved(alice())), (u(30), u(70)));
    h.ledger.sender(m).release(alice(), u(20)).motsu_unwrap();
    h.ledger.assert_emitted(&MarketMoved { kind: kind::RELEASE, account: alice(), amount: u(20) });
    h.ledger.sender(m).charge(alice(), u(50)).motsu_unwrap();
    h.ledger.assert_emitted(&MarketMoved { kind: kind::CHARGE, account: alice(), amount: u(50) });
    assert_eq!((h.spendable(alice()), h.ledger.sender(m).reserved(alice())), (u(50), U256::ZERO));
    assert_eq!(h.ledger.sender(m).totals(), (u(100), u(50), U256::ZERO));
    h.ledger.sender(m).pay(bob(), u(50)).motsu_unwrap();
    h.ledger.assert_emitted(&MarketMoved { kind: kind::PAY, account: bob(), amount: u(50) });
    assert_eq!(h.pay.sender(bob()).balance_of(bob()), u(50));
    assert_eq!(h.ledger.sender(m).totals(), (u(50), U256::ZERO, U256::ZERO));
    // Reverts.
    let err = h.ledger.sender(m).pay(bob(), u(1)).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InsufficientOwed(InsufficientOwed { owed, needed }) if owed.is_zero() && needed == u(1))
    );
    let err = h.ledger.sender(m).charge(alice(), u(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::InsufficientReserved(_)));
    let err = h.ledger.sender(m).release(alice(), u(1)).motsu_unwrap_err();
    assert!(matches!(err, Error::InsufficientReserved(_)));
    let err = h.ledger.sender(m).reserve(alice(), u(51)).motsu_unwrap_err();
    assert!(matches!(err, Error::InsufficientCredits(_)));
    let err = h.ledger.sender(m).reserve(alice(), U256::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    for f in [0u8, 1, 2, 3] {
        let mut l = h.ledger.sender(alice());
        let err = match f {
            0 => l.reserve(alice(), u(1)),
            1 => l.release(alice(), u(1)),
            2 => l.charge(alice(), u(1)),
            _ => l.pay(alice(), u(1)),
        }
        .motsu_unwrap_err();
        assert!(refused(&err, alice(), MARKET_ROLE));
    }
}

#[motsu::test]
fn admin_setters_are_guarded_and_logged() {
    let h = H::new(true, 0);
    let err = h.ledger.sender(alice()).set_market(bob()).motsu_unwrap_err();
    assert!(refused(&err, alice(), ADMIN_ROLE));
    let err = h.ledger.sender(alice()).set_pool(bob(), 1).motsu_unwrap_err();
    assert!(refused(&err, alice(), ADMIN_ROLE));
    let one = U256::from(1u8);
    let err = h
        .ledger
        .sender(alice())
        .set_conversion(bob(), U24::ZERO, h.feed.address(), 1, 1, one, one)
        .motsu_unwrap_err();
    assert!(refused(&err, alice(), ADMIN_ROLE));
    let err = h
        .ledger
        .sender(h.admin)
        .set_conversion(bob(), U24::ZERO, h.feed.address(), 1, 101, one, one)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::SlippageAboveLimit(SlippageAboveLimit { slippageBps, limitBps }) if slippageBps == 101 && limitBps == 100)
    );
    let err = h
        .ledger
        .sender(h.admin)
        .set_conversion(bob(), U24::ZERO, h.feed.address(), 1, 1, one, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    // A feed that is not a contract (ReadFailed) needs the local chain: motsu aborts on
    // calls to addresses without a contract.
    h.ledger
        .sender(h.admin)
        .set_conversion(bob(), U24::from(3000), h.feed.address(), 60, 50, one, one)
        .motsu_unwrap();
    h.ledger.assert_emitted(&ConversionConfigured {
        router: bob(),
        fee: U24::from(3000),
        feed: h.feed.address(),
        maxAge: 60,
        slippageBps: 50,
        minAnswer: one,
        maxAnswer: one,
    });
    h.ledger.sender(h.admin).set_pool(bob(), 250).motsu_unwrap();
    h.ledger.assert_emitted(&PoolConfigured { pool: bob(), poolBps: 250 });
    let err = h.ledger.sender(h.admin).set_pool(bob(), 10_001).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    let err = h.ledger.sender(alice()).grant_role(ADMIN_ROLE, bob()).motsu_unwrap_err();
    assert!(refused(&err, alice(), ADMIN_ROLE));
    let err = h.ledger.sender(alice()).revoke_role(ADMIN_ROLE, h.admin).motsu_unwrap_err();
    assert!(refused(&err, alice(), ADMIN_ROLE));
    let other = B256::repeat_byte(7);
    let err = h.ledger.sender(h.admin).grant_role(other, bob()).motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownRole(UnknownRole { role }) if role == other));
    // The admin hands the role on: grant to bob, bob revokes the old admin.
    h.ledger.sender(h.admin).grant_role(ADMIN_ROLE, bob()).motsu_unwrap();
    h.ledger.assert_emitted(&RoleGranted { role: ADMIN_ROLE, account: bob(), sender: h.admin });
    h.ledger.sender(bob()).revoke_role(ADMIN_ROLE, h.admin).motsu_unwrap();
    h.ledger.assert_emitted(&RoleRevoked { role: ADMIN_ROLE, account: h.admin, sender: bob() });
    assert!(h.ledger.sender(bob()).has_role(ADMIN_ROLE, bob()));
    assert!(!h.ledger.sender(bob()).has_role(ADMIN_ROLE, h.admin));
    let err = h.ledger.sender(h.admin).set_market(bob()).motsu_unwrap_err();
    assert!(refused(&err, h.admin, ADMIN_ROLE));
    h.ledger.sender(bob()).set_market(alice()).motsu_unwrap();
}

#[motsu::test]
fn an_admin_cannot_revoke_itself_so_a_handover_needs_the_next_admin() {
    let h = H::new(false, 0);
    // A handover to a mistyped address: the old admin stays, since it cannot drop its
    // own role; only the next admin, by revoking it, ends its tenure.
    let typo = Address::repeat_byte(0x77);
    h.ledger.sender(h.admin).grant_role(ADMIN_ROLE, typo).motsu_unwrap();
    let err = h.ledger.sender(h.admin).revoke_role(ADMIN_ROLE, h.admin).motsu_unwrap_err();
    assert!(
        matches!(&err, Error::AdminHandoverUnconfirmed(AdminHandoverUnconfirmed { admin }) if *admin == h.admin),
        "{err:?}"
    );
    assert!(h.ledger.sender(h.admin).has_role(ADMIN_ROLE, h.admin));
    h.ledger.sender(h.admin).revoke_role(ADMIN_ROLE, typo).motsu_unwrap();
    assert!(!h.ledger.sender(h.admin).has_role(ADMIN_ROLE, typo));
    // Other roles a holder may drop itself.
    h.ledger.sender(h.admin).grant_role(KEEPER_ROLE, h.admin).motsu_unwrap();
    h.ledger.sender(h.admin).revoke_role(KEEPER_ROLE, h.admin).motsu_unwrap();
}

#[motsu::test]
fn changing_the_market_waits_two_days() {
    let h = H::new(false, 0);
    let (old, new) = (h.market, bob());
    h.ledger.sender(h.admin).set_market(new).motsu_unwrap();
    let ready = NOW + MARKET_DELAY;
    h.ledger.assert_emitted(&MarketChangeScheduled { market: new, readyAt: ready });
    assert_eq!(h.ledger.sender(alice()).pending_market(), (new, ready));
    assert_eq!(h.ledger.sender(alice()).addresses().4, old, "the old market stays meanwhile");
    warp(MARKET_DELAY - 1);
    let err = h.ledger.sender(alice()).apply_market().motsu_unwrap_err();
    assert!(
        matches!(&err, Error::MarketChangeNotReady(MarketChangeNotReady { market, readyAt })
            if *market == new && *readyAt == ready),
        "{err:?}"
    );
    warp(1);
    // Anyone applies it once due; the old market is refused from then on.
    h.ledger.sender(alice()).apply_market().motsu_unwrap();
    h.ledger.assert_emitted(&MarketConfigured { market: new });
    assert_eq!(h.ledger.sender(alice()).addresses().4, new);
    assert_eq!(h.ledger.sender(alice()).pending_market(), (Address::ZERO, 0));
    let err = h.ledger.sender(old).release(alice(), U256::from(1u8)).motsu_unwrap_err();
    assert!(refused(&err, old, MARKET_ROLE));
    // Nothing scheduled: nothing to apply.
    let err = h.ledger.sender(alice()).apply_market().motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    // A second schedule replaces the first (the admin's way to cancel one).
    h.ledger.sender(h.admin).set_market(alice()).motsu_unwrap();
    h.ledger.sender(h.admin).set_market(new).motsu_unwrap();
    assert_eq!(h.ledger.sender(alice()).pending_market().0, new);
    let err = h.ledger.sender(alice()).set_market(alice()).motsu_unwrap_err();
    assert!(refused(&err, alice(), ADMIN_ROLE));
}

#[motsu::test]
fn a_market_change_through_zero_waits_as_long() {
    // Going to no market first must not make the next market immediate.
    let h = H::new(false, 0);
    h.ledger.sender(h.admin).set_market(Address::ZERO).motsu_unwrap();
    warp(MARKET_DELAY);
    h.ledger.sender(alice()).apply_market().motsu_unwrap();
    assert_eq!(h.ledger.sender(alice()).addresses().4, Address::ZERO);
    let evil = Address::repeat_byte(0xEE);
    h.ledger.sender(h.admin).set_market(evil).motsu_unwrap();
    assert_eq!(h.ledger.sender(alice()).addresses().4, Address::ZERO, "scheduled, not set");
    h.ledger
        .assert_emitted(&MarketChangeScheduled { market: evil, readyAt: NOW + 2 * MARKET_DELAY });
}

#[motsu::test]
fn a_market_change_not_applied_in_time_expires() {
    let h = H::new(false, 0);
    h.ledger.sender(h.admin).set_market(bob()).motsu_unwrap();
    let ready = NOW + MARKET_DELAY;
    warp(MARKET_DELAY + MARKET_GRACE + 1);
    let err = h.ledger.sender(alice()).apply_market().motsu_unwrap_err();
    assert!(
        matches!(&err, Error::MarketChangeExpired(MarketChangeExpired { market, expiredAt })
            if *market == bob() && *expiredAt == ready + MARKET_GRACE),
        "{err:?}"
    );
    assert_eq!(h.ledger.sender(alice()).addresses().4, h.market);
}

#[motsu::test]
fn harvest_surplus_goes_to_the_pool_and_shortfall_is_shared() {
    let h = H::new(false, 0);
    h.deposit(alice(), e18(1), U256::ZERO);
    // 100 attributed, 150 arrive (50 donated): members get their 100, the pool 50.
    h.harvest(u(100), u(150));
    h.ledger.assert_emitted(&EpochClosed {
        epoch: U256::ZERO,
        assets: u(150),
        output: u(150),
        members: u(100),
        pool: u(50),
    });
    // 100 attributed (plus 20 with no shares, the pool's), only 60 arrive: shared pro rata.
    h.withdraw(alice(), e18(1), u(100));
    h.harvest(u(20), u(60));
    h.ledger.assert_emitted(&EpochClosed {
        epoch: U256::from(1),
        assets: u(60),
        output: u(60),
        members: u(50),
        pool: u(10),
    });
    assert_eq!(h.spendable(alice()), u(150));
    assert_eq!(h.spendable(h.pool), u(60));
}

#[motsu::test]
fn deferred_conversion_credits_later_yield_at_its_own_harvest() {
    let h = H::new(true, 1000); // 10% to the pool
    h.feed.sender(bob()).set_answer(I256::ZERO, U256::from(NOW));
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(e18(1), e18(1));
    h.ledger.assert_emitted(&ConversionDeferred {
        epoch: U256::ZERO,
        assets: e18(1),
        reason: reason::ZERO_PRICE,
    });
    // 1 WETH more accrues to alice (the only holder) while the first harvest waits; its
    // assets stay in the vault until the next harvest.
    h.deposit(bob(), e18(1), e18(1));
    assert_eq!(h.ledger.sender(alice()).pending(alice()).motsu_unwrap(), e18(2));
    good_price(&h);
    h.ledger.sender(bob()).convert().motsu_unwrap();
    // Only the harvested WETH converted: 3000 USDC, 10% of it to the pool.
    h.ledger.assert_emitted(&EpochClosed {
        epoch: U256::ZERO,
        assets: e18(1),
        output: u(3_000_000_000),
        members: u(2_700_000_000),
        pool: u(300_000_000),
    });
    assert_eq!(h.spendable(alice()), u(2_700_000_000));
    assert_eq!(h.ledger.sender(alice()).pending(alice()).motsu_unwrap(), e18(1));
    // The next harvest brings the 1 WETH attributed to alice and 2 WETH more (1 each).
    h.harvest(e18(2), e18(3));
    assert_eq!(h.spendable(alice()), u(8_100_000_000));
    assert_eq!(h.spendable(bob()), u(2_700_000_000));
    assert_eq!(h.spendable(h.pool), u(1_200_000_000));
    assert_eq!(h.pay_balance(), u(12_000_000_000));
}

#[motsu::test]
fn balance_changes_while_a_conversion_waits_keep_each_harvest_apart() {
    let h = H::new(true, 0);
    let carol = Address::repeat_byte(0xC3);
    h.feed.sender(bob()).set_answer(I256::ZERO, U256::from(NOW));
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(e18(1), e18(1)); // deferred: alice's 1 WETH waits
                               // alice moves half her shares to carol after 2 WETH more accrued to her, then 1 WETH
                               // accrues over alice and carol.
    h.transfer_shares(alice(), carol, e18(1) / u(2), e18(2));
    h.ledger.sender(bob()).settle(alice()).motsu_unwrap();
    h.deposit(bob(), e18(1), e18(1));
    assert_eq!(h.ledger.sender(alice()).pending(alice()).motsu_unwrap(), e18(1) * u(7) / u(2));
    assert_eq!(h.ledger.sender(carol).pending(carol).motsu_unwrap(), e18(1) / u(2));
    // A second harvest while the first waits: still refused, its assets wait too.
    h.harvest(U256::ZERO, e18(3));
    assert_eq!(h.ledger.sender(h.admin).totals().2, e18(4));
    good_price(&h);
    h.ledger.sender(bob()).convert().motsu_unwrap();
    assert_eq!(h.spendable(alice()), u(3_000_000_000));
    assert_eq!(h.spendable(carol), U256::ZERO);
    assert_eq!(h.ledger.sender(h.admin).totals().2, e18(3));
    // Yield after the second harvest belongs to the harvest after it.
    h.withdraw(alice(), e18(1) / u(2), e18(3));
    h.harvest(U256::ZERO, e18(3));
    // 3 WETH over alice 0.5, carol 0.5, bob 1 shares. alice: 1 + 2 + 0.5 + 0.75 WETH;
    // carol 0.5 + 0.75; bob 1.5.
    assert_eq!(h.spendable(alice()), u(12_750_000_000));
    assert_eq!(h.spendable(carol), u(3_750_000_000));
    assert_eq!(h.spendable(bob()), u(4_500_000_000));
    assert_eq!(h.spendable(h.pool), U256::ZERO);
    assert_eq!(h.ledger.sender(h.admin).totals().2, U256::ZERO);
}
