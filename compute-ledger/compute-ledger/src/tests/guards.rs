//! Conversion guards: the keeper-only option, the slippage limit and the L2 sequencer
//! uptime check.
use alloy_primitives::{Address, I256, U256, U8};
use compute_fi_contracts::access::{ADMIN_ROLE, KEEPER_ROLE};
use mock_price_feed::MockPriceFeed;
use motsu::prelude::*;

use super::harness::*;
use crate::*;

fn alice() -> Address {
    Address::repeat_byte(0xA1)
}
fn keeper() -> Address {
    Address::repeat_byte(0x4E)
}

fn refused_for(err: &Error, account: Address, role: alloy_primitives::B256) -> bool {
    matches!(err, Error::UnauthorizedAccount(e) if e.account == account && e.needed_role == role)
}

/// A Chainlink L2 sequencer uptime feed: answer 0 (up) or 1 (down) since `started_at`.
fn sequencer(h: &H, answer: i64, started_at: u64) -> Contract<MockPriceFeed> {
    let f = Contract::<MockPriceFeed>::new();
    f.sender(h.admin).constructor(
        U8::ZERO,
        I256::try_from(answer).unwrap(),
        U256::from(started_at),
    );
    f
}

#[motsu::test]
fn guards_are_admin_only_and_logged() {
    let h = H::new(true, 0);
    assert_eq!(h.ledger.sender(alice()).conversion_guards(), (false, Address::ZERO, 0));
    let err =
        h.ledger.sender(alice()).set_conversion_guards(true, Address::ZERO, 0).motsu_unwrap_err();
    assert!(refused_for(&err, alice(), ADMIN_ROLE));
    let feed = Address::repeat_byte(0x5E);
    h.ledger.sender(h.admin).set_conversion_guards(true, feed, 3600).motsu_unwrap();
    h.ledger.assert_emitted(&ConversionGuardsConfigured {
        keeperOnly: true,
        sequencerFeed: feed,
        gracePeriod: 3600,
    });
    assert_eq!(h.ledger.sender(alice()).conversion_guards(), (true, feed, 3600));
}

#[motsu::test]
fn keeper_only_harvest_leaves_the_swap_to_a_keeper() {
    let h = H::new(true, 0);
    h.ledger.sender(h.admin).set_conversion_guards(true, Address::ZERO, 0).motsu_unwrap();
    h.ledger.sender(h.admin).grant_role(KEEPER_ROLE, keeper()).motsu_unwrap();
    assert!(h.ledger.sender(alice()).has_role(KEEPER_ROLE, keeper()));
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(e18(1), e18(1));
    h.ledger.assert_emitted(&ConversionDeferred {
        epoch: U256::ZERO,
        assets: e18(1),
        reason: reason::KEEPER_ONLY,
    });
    assert_eq!(h.spendable(alice()), U256::ZERO);
    let err = h.ledger.sender(alice()).convert().motsu_unwrap_err();
    assert!(refused_for(&err, alice(), KEEPER_ROLE));
    h.ledger.sender(keeper()).convert().motsu_unwrap();
    assert_eq!(h.spendable(alice()), u(3_000_000_000));
    // Nothing waits now; the keeper is told so.
    let err = h.ledger.sender(keeper()).convert().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToConvert(_)));
    // Without the option anyone converts again, and a harvest swaps at once.
    h.ledger.sender(h.admin).set_conversion_guards(false, Address::ZERO, 0).motsu_unwrap();
    h.harvest(e18(1), e18(1));
    assert_eq!(h.spendable(alice()), u(6_000_000_000));
}

#[motsu::test]
fn keeper_only_does_not_hold_back_a_same_token_harvest() {
    // No swap, nothing to sandwich: the harvest closes its epoch.
    let h = H::new(false, 0);
    h.ledger.sender(h.admin).set_conversion_guards(true, Address::ZERO, 0).motsu_unwrap();
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(u(100), u(100));
    assert_eq!(h.spendable(alice()), u(100));
}

#[motsu::test]
fn slippage_is_capped() {
    let h = H::new(true, 0);
    let one = U256::from(1u8);
    let set = |bps: u16| {
        h.ledger.sender(h.admin).set_conversion(
            h.router.address(),
            alloy_primitives::aliases::U24::from(500),
            h.feed.address(),
            3600,
            bps,
            one,
            U256::from(1_000_000_000_000_u64),
        )
    };
    let err = set(conversion::MAX_SLIPPAGE_BPS + 1).motsu_unwrap_err();
    assert!(
        matches!(err, Error::SlippageAboveLimit(SlippageAboveLimit { slippageBps, limitBps }) if slippageBps == 101 && limitBps == 100)
    );
    set(conversion::MAX_SLIPPAGE_BPS).motsu_unwrap();
}

#[motsu::test]
fn sequencer_down_defers_the_conversion() {
    let h = H::new(true, 0);
    let seq = sequencer(&h, 1, NOW - 10_000);
    h.ledger.sender(h.admin).set_conversion_guards(false, seq.address(), 3600).motsu_unwrap();
    h.deposit(alice(), e18(1), U256::ZERO);
    h.harvest(e18(1), e18(1));
    h.ledger.assert_emitted(&ConversionDeferred {
        epoch: U256::ZERO,
        assets: e18(1),
        reason: reason::SEQUENCER_DOWN,
    });
    let err = h.ledger.sender(alice()).convert().motsu_unwrap_err();
    assert!(
        matches!(err, Error::ConversionRefused(ConversionRefused { reason: r, answer, updatedAt }) if r == reason::SEQUENCER_DOWN && answer == I256::ONE && updatedAt == U256::from(NOW - 10_000))
    );
    // A feed with no round yet (startedAt 0) counts as down.
    seq.sender(h.admin).set_answer(I256::ZERO, U256::ZERO);
    let err = h.ledger.sender(alice()).convert().motsu_unwrap_err();
    assert!(
        matches!(err, Error::ConversionRefused(ConversionRefused { reason: r, .. }) if r == reason::SEQUENCER_DOWN)
    );
    // Back up for less than the grace period: still refused.
    seq.sender(h.admin).set_answer(I256::ZERO, U256::from(NOW - 3599));
    let err = h.ledger.sender(alice()).convert().motsu_unwrap_err();
    assert!(
        matches!(err, Error::ConversionRefused(ConversionRefused { reason: r, .. }) if r == reason::SEQUENCER_GRACE)
    );
    // Up for the whole grace period: converts.
    seq.sender(h.admin).set_answer(I256::ZERO, U256::from(NOW - 3600));
    h.ledger.sender(alice()).convert().motsu_unwrap();
    assert_eq!(h.spendable(alice()), u(3_000_000_000));
    // No feed configured: no check.
    seq.sender(h.admin).set_answer(I256::ONE, U256::from(NOW));
    h.ledger.sender(h.admin).set_conversion_guards(false, Address::ZERO, 3600).motsu_unwrap();
    h.harvest(e18(1), e18(1));
    assert_eq!(h.spendable(alice()), u(6_000_000_000));
}
