//! Every public function: success, each revert (exact error and values), events.

use alloy_sol_types::SolError;
use openzeppelin_stylus::{
    access::control::{AccessControlUnauthorizedAccount, RoleGranted, RoleRevoked},
    token::erc20::{ERC20InsufficientAllowance, ERC20InvalidReceiver, Transfer},
    utils::pausable::{EnforcedPause, ExpectedPause, Paused, Unpaused},
};

use super::*;

/// Amounts in these tests are multiples of K, so yields stand well above the rounding
/// reserve (1,000 units).
const K: u128 = 1_000;

type V = Contract<YieldVault>;
type T = Contract<MockErc20>;
type S = Contract<MockYieldSource>;
type L = Contract<RecordingLedger>;

/// Asserts `err` is exactly `expected` (selector and every value).
pub(crate) fn assert_err<E: SolError>(err: Error, expected: E) {
    let got: Vec<u8> = err.into();
    assert_eq!(got, expected.abi_encode(), "wrong error");
}

fn admin_role() -> B256 {
    B256::ZERO
}

#[motsu::test]
fn role_ids_are_the_keccak_of_their_names() {
    assert_eq!(KEEPER_ROLE, stylus_sdk::alloy_primitives::keccak256("KEEPER_ROLE"));
    assert_eq!(GUARDIAN_ROLE, stylus_sdk::alloy_primitives::keccak256("GUARDIAN_ROLE"));
}

// ---------------------------------------------------------------- setup

#[motsu::test]
fn constructor_sets_everything(vault: V, token: T, source: S, ledger: L, admin: Address) {
    let e = Env::new(&vault, &token, &source, &ledger, admin, 3_600, u(10), true, true);
    let v = e.vault.sender(admin);
    assert_eq!(v.asset(), token.address());

    assert_eq!(e.vault.sender(admin).name(), "Vault Share");
    assert_eq!(e.vault.sender(admin).symbol(), "vWETH");
    assert_eq!(e.vault.sender(admin).decimals(), U8::from(18));

    assert!(e.vault.sender(admin).has_role(admin_role(), admin));
    let c = e.vault.sender(admin).config();
    assert_eq!(
        (c.0, c.1, c.2, c.3, c.4, c.5, c.6, c.7, c.8, c.9),
        (U256::MAX, U256::MAX, u(10), true, 3_600, U256::ZERO, 0, false, 1_000, 100)
    );
    assert_eq!(
        (c.10, c.11, c.12, c.13, c.14),
        (source.address(), ledger.address(), U256::ZERO, 0, 1 | 2 | 16)
    );
    assert_eq!(token.sender(admin).allowance(vault.address(), source.address()), U256::MAX);
    vault.assert_emitted(&LedgerSet { ledger: ledger.address() });
    vault.assert_emitted(&Configured {
        totalCap: U256::MAX,
        accountCap: U256::MAX,
        minStake: u(10),
        exactStake: true,
        lockDuration: 3_600,
        minHarvest: U256::ZERO,
        harvestInterval: 0,
        keeperOnly: false,
        maxProfitBps: 1_000,
        maxLossBps: 100,
    });
    vault.assert_emitted(&RoleGranted { role: admin_role(), account: admin, sender: admin });
}

#[motsu::test]
fn the_constructor_sets_up_once_per_clone(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    clone: V,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    let err = e
        .vault
        .sender(admin)
        .constructor(
            token.address(),
            source.address(),
            ledger.address(),
            admin,
            b32("x"),
            b32("x"),
            false,
            0,
            U256::ZERO,
            false,
        )
        .motsu_unwrap_err();
    assert_err(err, AlreadyInitialized {});
    // A clone (its own storage) is set up through the same constructor, once.
    clone
        .sender(admin)
        .constructor(
            token.address(),
            source.address(),
            ledger.address(),
            admin,
            b32("Clone"),
            b32("c"),
            false,
            5,
            u(1),
            false,
        )
        .motsu_unwrap();
    assert_eq!(clone.sender(admin).name(), "Clone");
    let c = clone.sender(admin).config();
    assert_eq!((c.0, c.1, c.2, c.3, c.4, c.14), (U256::MAX, U256::MAX, u(1), false, 5, 1));
    assert!(clone.sender(admin).has_role(admin_role(), admin));
    let err = clone
        .sender(admin)
        .constructor(
            token.address(),
            source.address(),
            ledger.address(),
            admin,
            b32("x"),
            b32("x"),
            false,
            0,
            U256::ZERO,
            false,
        )
        .motsu_unwrap_err();
    assert_err(err, AlreadyInitialized {});
}

#[motsu::test]
fn setup_refuses_zero_addresses(vault: V, token: T, admin: Address, other: Address) {
    token.sender(admin).constructor("A".into(), "A".into(), U8::from(6));
    for (a, s, l, ad) in [
        (Address::ZERO, other, other, admin),
        (token.address(), Address::ZERO, other, admin),
        (token.address(), other, Address::ZERO, admin),
        (token.address(), other, other, Address::ZERO),
    ] {
        let err = vault
            .sender(admin)
            .constructor(a, s, l, ad, b32("x"), b32("x"), false, 0, U256::ZERO, false)
            .motsu_unwrap_err();
        assert_err(err, InvalidSetup { asset: a, source: s, ledger: l, maxLossBps: 0 });
    }
}

#[motsu::test]
fn setup_refuses_a_non_ascii_name_or_symbol(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
) {
    token.sender(admin).constructor("A".into(), "A".into(), U8::from(6));
    let utf8 = b32("Stake \u{1F680}");
    for (name, symbol) in
        [(utf8, b32("S")), (b32("Stake"), utf8), (B256::repeat_byte(0x80), b32("S"))]
    {
        let err = vault
            .sender(admin)
            .constructor(
                token.address(),
                source.address(),
                ledger.address(),
                admin,
                name,
                symbol,
                false,
                0,
                U256::ZERO,
                false,
            )
            .motsu_unwrap_err();
        assert_err(err, InvalidName { name, symbol });
    }
    // ASCII with its zero padding is taken, and read back as it was given.
    vault
        .sender(admin)
        .constructor(
            token.address(),
            source.address(),
            ledger.address(),
            admin,
            b32("Community Stake"),
            b32("cSTAKE"),
            false,
            0,
            U256::ZERO,
            false,
        )
        .motsu_unwrap();
    assert_eq!(vault.sender(admin).name(), "Community Stake");
    assert_eq!(vault.sender(admin).symbol(), "cSTAKE");
}

// ---------------------------------------------------------------- deposit / mint

#[motsu::test]
fn deposit_mints_one_to_one_invests_and_tells_the_ledger(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    let a = u(5 * E18);
    assert_eq!(vault.sender(alice).preview_deposit(a).motsu_unwrap(), a);
    e.fund(alice, a);
    let shares = vault.sender(alice).deposit(a, alice).motsu_unwrap();
    assert_eq!(shares, a);
    assert_eq!(e.shares_of(alice), a);
    assert_eq!(e.supply(), a);
    assert_eq!(vault.sender(alice).total_assets().motsu_unwrap(), a);
    assert_eq!(e.asset_of(alice), U256::ZERO);
    // Invested: nothing idle, the source holds it.
    assert_eq!(token.sender(alice).balance_of(vault.address()), U256::ZERO);
    assert_eq!(token.sender(alice).balance_of(source.address()), a);
    assert_eq!(vault.sender(alice).unlock_time(alice), NOW);
    vault.assert_emitted(&Deposit { sender: alice, owner: alice, assets: a, shares });
    vault.assert_emitted(&Transfer { from: Address::ZERO, to: alice, value: a });
    assert_eq!(
        ledger.sender(admin).last_shares(),
        Some(SharesCall {
            from: Address::ZERO,
            from_balance: U256::ZERO,
            to: alice,
            to_balance: U256::ZERO,
            supply: U256::ZERO,
            yield_attributed: U256::ZERO
        })
    );
}

#[motsu::test]
fn deposit_for_another_receiver(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    tba: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.fund(alice, u(100));
    vault.sender(alice).deposit(u(100), tba).motsu_unwrap();
    assert_eq!(e.shares_of(tba), u(100));
    assert_eq!(e.shares_of(alice), U256::ZERO);
    vault.assert_emitted(&Deposit { sender: alice, owner: tba, assets: u(100), shares: u(100) });
}

#[motsu::test]
fn deposit_reverts(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::new(&vault, &token, &source, &ledger, admin, 0, u(10), false, false);
    e.fund(alice, u(1_000));
    assert_err(
        vault.sender(alice).deposit(u(9), alice).motsu_unwrap_err(),
        StakeRejected { assets: u(9), stake: u(10), exact: false },
    );
    assert_err(
        vault.sender(alice).deposit(u(10), Address::ZERO).motsu_unwrap_err(),
        ERC20InvalidReceiver { receiver: Address::ZERO },
    );
    // No allowance / no balance: the asset refuses.
    assert_err(
        vault.sender(bob).deposit(u(10), bob).motsu_unwrap_err(),
        CallFailed { target: token.address(), amount: u(10) },
    );
    e.limits(u(100), u(60), u(10), false, 0);
    assert_err(
        vault.sender(alice).deposit(u(61), alice).motsu_unwrap_err(),
        CapExceeded { account: alice, held: U256::ZERO, shares: u(61), cap: u(60) },
    );
    vault.sender(alice).deposit(u(60), alice).motsu_unwrap();
    e.fund(bob, u(100));
    assert_err(
        vault.sender(bob).deposit(u(41), bob).motsu_unwrap_err(),
        CapExceeded { account: Address::ZERO, held: u(60), shares: u(41), cap: u(100) },
    );
    e.limits(U256::MAX, U256::MAX, u(10), true, 0);
    assert_err(
        vault.sender(bob).deposit(u(11), bob).motsu_unwrap_err(),
        StakeRejected { assets: u(11), stake: u(10), exact: true },
    );
    vault.sender(bob).deposit(u(10), bob).motsu_unwrap();
    e.grant(GUARDIAN_ROLE, admin);
    vault.sender(admin).pause().motsu_unwrap();
    assert_err(vault.sender(bob).deposit(u(10), bob).motsu_unwrap_err(), EnforcedPause {});
}

#[motsu::test]
fn zero_deposit_and_zero_mint_revert(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.fund(alice, u(10));
    assert_err(
        vault.sender(alice).deposit(U256::ZERO, alice).motsu_unwrap_err(),
        ZeroAmount { assets: U256::ZERO, shares: U256::ZERO },
    );
    assert_err(
        vault.sender(alice).mint(U256::ZERO, alice).motsu_unwrap_err(),
        ZeroAmount { assets: U256::ZERO, shares: U256::ZERO },
    );
}

#[motsu::test]
fn mint_takes_assets_one_to_one(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.fund(alice, u(50));
    assert_eq!(vault.sender(alice).preview_mint(u(40)).motsu_unwrap(), u(40));
    assert_eq!(vault.sender(alice).mint(u(40), alice).motsu_unwrap(), u(40));
    assert_eq!(e.asset_of(alice), u(10));
    assert_eq!(e.shares_of(alice), u(40));
    vault.assert_emitted(&Deposit { sender: alice, owner: alice, assets: u(40), shares: u(40) });
    assert_eq!(ledger.sender(admin).last_shares().map(|c| c.to), Some(alice));
}

#[motsu::test]
fn mint_reverts(vault: V, token: T, source: S, ledger: L, admin: Address, alice: Address) {
    let e = Env::new(&vault, &token, &source, &ledger, admin, 0, u(10), true, false);
    e.fund(alice, u(100));
    assert_err(
        vault.sender(alice).mint(u(9), alice).motsu_unwrap_err(),
        StakeRejected { assets: u(9), stake: u(10), exact: true },
    );
    e.limits(u(5), U256::MAX, U256::ZERO, false, 0);
    assert_err(
        vault.sender(alice).mint(u(6), alice).motsu_unwrap_err(),
        CapExceeded { account: Address::ZERO, held: U256::ZERO, shares: u(6), cap: u(5) },
    );
    e.grant(GUARDIAN_ROLE, admin);
    vault.sender(admin).pause().motsu_unwrap();
    assert_err(vault.sender(alice).mint(u(1), alice).motsu_unwrap_err(), EnforcedPause {});
}

// ---------------------------------------------------------------- native ETH

#[motsu::test]
fn deposit_eth_wraps_into_weth(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::new(&vault, &token, &source, &ledger, admin, 0, U256::ZERO, false, true);
    alice.fund(u(3 * E18));
    let shares = vault.sender_and_value(alice, u(2 * E18)).deposit_eth(alice).motsu_unwrap();
    assert_eq!(shares, u(2 * E18));
    assert_eq!(alice.balance(), u(E18));
    assert_eq!(token.sender(alice).balance_of(source.address()), u(2 * E18));
    vault.assert_emitted(&Deposit { sender: alice, owner: alice, assets: u(2 * E18), shares });
    // `redeem` pays WETH. (`redeemEth` pays ETH: motsu cannot send ETH to an account
    // without code, so its success path runs on the local chain, tests/vault_eth.rs.)
    let out = vault.sender(alice).redeem(u(E18), alice, alice).motsu_unwrap();
    assert_eq!(out, u(E18));
    assert_eq!(e.asset_of(alice), u(E18));
    let _ = bob;
}

#[motsu::test]
fn eth_paths_need_a_weth_vault(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    alice.fund(u(10));
    assert_err(
        vault.sender_and_value(alice, u(10)).deposit_eth(alice).motsu_unwrap_err(),
        NativeNotSupported {},
    );
    e.deposit(alice, u(10));
    assert_err(
        vault.sender(alice).redeem_eth(u(10), alice, alice).motsu_unwrap_err(),
        NativeNotSupported {},
    );
    assert_eq!(e.shares_of(alice), u(10));
    // Plain ETH is refused, even from the asset, when the asset is not WETH.
    let from = token.address();
    from.fund(u(1));
    let err: Vec<u8> = vault.sender_and_value(from, u(1)).receive().motsu_unwrap_err();
    assert_eq!(err, UnexpectedEth { from, amount: u(1) }.abi_encode());
}

#[motsu::test]
fn receive_takes_eth_only_from_weth(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let _e = Env::new(&vault, &token, &source, &ledger, admin, 0, U256::ZERO, false, true);
    alice.fund(u(5));
    let err: Vec<u8> = vault.sender_and_value(alice, u(5)).receive().motsu_unwrap_err();
    assert_eq!(err, UnexpectedEth { from: alice, amount: u(5) }.abi_encode());
    assert_eq!(alice.balance(), u(5));
    let weth = token.address();
    weth.fund(u(3));
    vault.sender_and_value(weth, u(3)).receive().motsu_unwrap();
    assert_eq!(vault.address().balance(), u(3));
}

#[motsu::test]
fn redeem_eth_reverts_like_redeem(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::new(&vault, &token, &source, &ledger, admin, 3_600, U256::ZERO, false, true);
    alice.fund(u(E18));
    vault.sender_and_value(alice, u(E18)).deposit_eth(alice).motsu_unwrap();
    assert_err(
        vault.sender(alice).redeem_eth(u(E18), alice, alice).motsu_unwrap_err(),
        SharesLocked { owner: alice, locked: u(E18), unlockTime: NOW + 3_600 },
    );
    // Alice's lot stays locked (its unlock time was fixed at deposit); bob's, under a lock
    // of zero, is free: the other refusals on his.
    e.limits(U256::MAX, U256::MAX, U256::ZERO, false, 0);
    bob.fund(u(E18));
    vault.sender_and_value(bob, u(E18)).deposit_eth(bob).motsu_unwrap();
    assert_err(
        vault.sender(bob).redeem_eth(U256::ZERO, bob, bob).motsu_unwrap_err(),
        ZeroAmount { assets: U256::ZERO, shares: U256::ZERO },
    );
    assert_err(
        vault.sender(bob).redeem_eth(u(E18 + 1), bob, bob).motsu_unwrap_err(),
        InsufficientShares { owner: bob, shares: u(E18 + 1), balance: u(E18) },
    );
    assert_err(
        vault.sender(alice).redeem_eth(u(E18), alice, bob).motsu_unwrap_err(),
        erc20::ERC20InsufficientAllowance { spender: alice, allowance: U256::ZERO, needed: u(E18) },
    );
    assert_err(
        vault.sender(bob).redeem_eth(u(E18), Address::ZERO, bob).motsu_unwrap_err(),
        erc20::ERC20InvalidReceiver { receiver: Address::ZERO },
    );
    assert_eq!(e.shares_of(alice), u(E18));
    assert_eq!(e.shares_of(bob), u(E18));
}

#[motsu::test]
fn deposit_eth_reverts_like_deposit(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let _e = Env::new(&vault, &token, &source, &ledger, admin, 0, u(10), true, true);
    alice.fund(u(100));
    assert_err(
        vault.sender_and_value(alice, u(9)).deposit_eth(alice).motsu_unwrap_err(),
        StakeRejected { assets: u(9), stake: u(10), exact: true },
    );
    assert_eq!(alice.balance(), u(100));
}

#[motsu::test]
fn withdraw_burns_and_pays_and_tells_the_ledger(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(100));
    assert_eq!(vault.sender(alice).preview_withdraw(u(30)).motsu_unwrap(), u(30));
    assert_eq!(vault.sender(alice).max_withdraw(alice).motsu_unwrap(), u(100));
    let shares = vault.sender(alice).withdraw(u(30), bob, alice).motsu_unwrap();
    assert_eq!(shares, u(30));
    assert_eq!(e.asset_of(bob), u(30));
    assert_eq!(e.shares_of(alice), u(70));
    vault.assert_emitted(&Withdraw {
        sender: alice,
        receiver: bob,
        owner: alice,
        assets: u(30),
        shares,
    });
    vault.assert_emitted(&Transfer { from: alice, to: Address::ZERO, value: u(30) });
    assert_eq!(
        ledger.sender(admin).last_shares(),
        Some(SharesCall {
            from: alice,
            from_balance: u(100),
            to: Address::ZERO,
            to_balance: U256::ZERO,
            supply: u(100),
            yield_attributed: U256::ZERO
        })
    );
}

#[motsu::test]
fn redeem_burns_and_pays(vault: V, token: T, source: S, ledger: L, admin: Address, alice: Address) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(100));
    assert_eq!(vault.sender(alice).preview_redeem(u(100)).motsu_unwrap(), u(100));
    assert_eq!(vault.sender(alice).max_redeem(alice), u(100));
    let assets = vault.sender(alice).redeem(u(100), alice, alice).motsu_unwrap();
    assert_eq!(assets, u(100));
    assert_eq!(e.asset_of(alice), u(100));
    assert_eq!(e.supply(), U256::ZERO);
    vault.assert_emitted(&Withdraw {
        sender: alice,
        receiver: alice,
        owner: alice,
        assets,
        shares: u(100),
    });
}

#[motsu::test]
fn exits_through_an_allowance(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(100));
    assert_err(
        vault.sender(bob).redeem(u(10), bob, alice).motsu_unwrap_err(),
        ERC20InsufficientAllowance { spender: bob, allowance: U256::ZERO, needed: u(10) },
    );
    vault.sender(alice).approve(bob, u(25)).motsu_unwrap();
    vault.sender(bob).redeem(u(10), bob, alice).motsu_unwrap();
    vault.sender(bob).withdraw(u(15), bob, alice).motsu_unwrap();
    assert_eq!(e.asset_of(bob), u(25));
    assert_eq!(vault.sender(alice).allowance(alice, bob), U256::ZERO);
}

#[motsu::test]
fn exit_reverts(vault: V, token: T, source: S, ledger: L, admin: Address, alice: Address) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(100));
    assert_err(
        vault.sender(alice).redeem(u(101), alice, alice).motsu_unwrap_err(),
        InsufficientShares { owner: alice, shares: u(101), balance: u(100) },
    );
    assert_err(
        vault.sender(alice).withdraw(u(101), alice, alice).motsu_unwrap_err(),
        InsufficientShares { owner: alice, shares: u(101), balance: u(100) },
    );
    assert_err(
        vault.sender(alice).redeem(U256::ZERO, alice, alice).motsu_unwrap_err(),
        ZeroAmount { assets: U256::ZERO, shares: U256::ZERO },
    );
    assert_err(
        vault.sender(alice).withdraw(U256::ZERO, alice, alice).motsu_unwrap_err(),
        ZeroAmount { assets: U256::ZERO, shares: U256::ZERO },
    );
    assert_err(
        vault.sender(alice).redeem(u(1), Address::ZERO, alice).motsu_unwrap_err(),
        ERC20InvalidReceiver { receiver: Address::ZERO },
    );
}

#[motsu::test]
fn the_lock_blocks_exits_and_transfers_and_zeroes_max(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::new(&vault, &token, &source, &ledger, admin, 3_600, U256::ZERO, false, false);
    e.deposit(alice, u(100));
    let until = NOW + 3_600;
    assert_eq!(vault.sender(alice).unlock_time(alice), until);
    assert_eq!(vault.sender(alice).max_withdraw(alice).motsu_unwrap(), U256::ZERO);
    assert_eq!(vault.sender(alice).max_redeem(alice), U256::ZERO);
    let locked = SharesLocked { owner: alice, locked: u(100), unlockTime: until };
    assert_err(vault.sender(alice).redeem(u(1), alice, alice).motsu_unwrap_err(), locked.clone());
    assert_err(vault.sender(alice).withdraw(u(1), alice, alice).motsu_unwrap_err(), locked.clone());
    assert_err(vault.sender(alice).transfer(bob, u(1)).motsu_unwrap_err(), locked.clone());
    vault.sender(alice).approve(bob, u(1)).motsu_unwrap();
    assert_err(
        vault.sender(bob).transfer_from(alice, bob, u(1)).motsu_unwrap_err(),
        locked.clone(),
    );
    // The unlock time is fixed when the deposit lands: a shorter lock configured later
    // frees no existing lot (the admin cannot move anyone's lock either way).
    e.limits(U256::MAX, U256::MAX, U256::ZERO, false, 0);
    assert_eq!(vault.sender(alice).unlock_time(alice), until);
    assert_eq!(vault.sender(alice).max_redeem(alice), U256::ZERO);
    assert_err(vault.sender(alice).redeem(u(1), alice, alice).motsu_unwrap_err(), locked);
    // A lot under a lock of zero is free at once.
    e.deposit(bob, u(30));
    assert_eq!(vault.sender(bob).max_redeem(bob), u(30));
    vault.sender(bob).redeem(u(30), bob, bob).motsu_unwrap();
}

#[motsu::test]
fn a_deposit_into_an_unlocked_holding_locks_only_its_own_shares(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    // Alice's holding is free (its lot ran out: a lock of zero when it landed).
    let e = Env::new(&vault, &token, &source, &ledger, admin, 0, U256::ZERO, false, false);
    e.deposit(alice, u(100));
    assert_eq!(vault.sender(alice).max_redeem(alice), u(100));
    // Bob deposits for her under a lock of an hour: his shares cannot leave at once (no
    // lock bypass through someone else's expired holding)...
    e.limits(U256::MAX, U256::MAX, U256::ZERO, false, 3_600);
    token.sender(admin).mint(bob, u(50)).motsu_unwrap();
    token.sender(bob).approve(vault.address(), u(50)).motsu_unwrap();
    vault.sender(bob).deposit(u(50), alice).motsu_unwrap();
    let until = NOW + 3_600;
    assert_eq!(vault.sender(alice).unlock_time(alice), until);
    assert_eq!(vault.sender(alice).max_redeem(alice), u(100));
    assert_eq!(vault.sender(alice).max_withdraw(alice).motsu_unwrap(), u(100));
    assert_err(
        vault.sender(alice).redeem(u(101), alice, alice).motsu_unwrap_err(),
        SharesLocked { owner: alice, locked: u(50), unlockTime: until },
    );
    assert_err(
        vault.sender(alice).transfer(bob, u(101)).motsu_unwrap_err(),
        SharesLocked { owner: alice, locked: u(50), unlockTime: until },
    );
    // ...and her own 100 stay free (no grief).
    vault.sender(alice).transfer(bob, u(40)).motsu_unwrap();
    vault.sender(alice).redeem(u(60), alice, alice).motsu_unwrap();
    assert_eq!(e.shares_of(alice), u(50));
    assert_eq!(vault.sender(alice).max_redeem(alice), U256::ZERO);
}

#[motsu::test]
fn a_deposit_into_an_empty_address_locks_nothing_it_receives_later(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::new(&vault, &token, &source, &ledger, admin, 0, U256::ZERO, false, false);
    e.deposit(alice, u(30));
    e.limits(U256::MAX, U256::MAX, U256::ZERO, false, 3_600);
    // Someone deposits 10 for bob, who held nothing: those 10 are locked...
    token.sender(admin).mint(admin, u(10)).motsu_unwrap();
    token.sender(admin).approve(vault.address(), u(10)).motsu_unwrap();
    vault.sender(admin).deposit(u(10), bob).motsu_unwrap();
    assert_eq!(vault.sender(bob).max_redeem(bob), U256::ZERO);
    // ...but what bob receives afterwards moves freely.
    vault.sender(alice).transfer(bob, u(30)).motsu_unwrap();
    assert_eq!(vault.sender(bob).max_redeem(bob), u(30));
    assert_err(
        vault.sender(bob).transfer(alice, u(31)).motsu_unwrap_err(),
        SharesLocked { owner: bob, locked: u(10), unlockTime: NOW + 3_600 },
    );
    vault.sender(bob).transfer(alice, u(30)).motsu_unwrap();
    assert_eq!(e.shares_of(bob), u(10));
}

#[motsu::test]
fn a_deposit_into_a_live_lot_merges_its_lock_time_and_never_shortens_it(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::new(&vault, &token, &source, &ledger, admin, 3_600, U256::ZERO, false, false);
    e.deposit(alice, u(100));
    // A longer lock: 100 more shares locked 7,200 s merge with 100 locked 3,600 s into
    // 200 locked 5,400 s (the share-weighted mean, so both lots' lock time is kept).
    e.limits(U256::MAX, U256::MAX, U256::ZERO, false, 7_200);
    e.deposit(alice, u(100));
    assert_eq!(vault.sender(alice).unlock_time(alice), NOW + 5_400);
    // Rounded down: 3 more shares at 7,200 s into 200 at 5,400 s: 5,400 + 1,800 * 3 / 203
    // = 5,426.6 -> 5,426 (up, a dust deposit would add a second each time: see below).
    e.deposit(alice, u(3));
    assert_eq!(vault.sender(alice).unlock_time(alice), NOW + 5_426);
    // A shorter lock: the deposit joins the lot at its later unlock time (no shortening).
    e.limits(U256::MAX, U256::MAX, U256::ZERO, false, 60);
    e.deposit(alice, u(97));
    assert_eq!(vault.sender(alice).unlock_time(alice), NOW + 5_426);
    assert_err(
        vault.sender(alice).redeem(u(1), alice, alice).motsu_unwrap_err(),
        SharesLocked { owner: alice, locked: u(300), unlockTime: NOW + 5_426 },
    );
}

#[motsu::test]
fn dust_deposits_cannot_hold_a_lot_locked(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    // Alice's large lot; a one-share gift under a longer lock would add a second per gift
    // if the merge rounded up, so gifts at every second could hold her lot for ever.
    let e = Env::new(&vault, &token, &source, &ledger, admin, 3_600, U256::ZERO, false, false);
    e.deposit(alice, u(100 * E18));
    e.limits(U256::MAX, U256::MAX, U256::ZERO, false, 7_200);
    token.sender(admin).mint(bob, u(10)).motsu_unwrap();
    token.sender(bob).approve(vault.address(), u(10)).motsu_unwrap();
    for _ in 0..10 {
        vault.sender(bob).deposit(u(1), alice).motsu_unwrap();
    }
    assert_eq!(vault.sender(alice).unlock_time(alice), NOW + 3_600);
}

#[motsu::test]
fn pause_never_blocks_exits(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(100));
    e.grant(GUARDIAN_ROLE, admin);
    vault.sender(admin).pause().motsu_unwrap();
    assert_eq!(vault.sender(alice).max_deposit(alice), U256::ZERO);
    assert_eq!(vault.sender(alice).max_mint(alice), U256::ZERO);
    assert_eq!(vault.sender(alice).max_redeem(alice), u(100));
    vault.sender(alice).withdraw(u(40), alice, alice).motsu_unwrap();
    vault.sender(alice).redeem(u(60), alice, alice).motsu_unwrap();
    assert_eq!(e.asset_of(alice), u(100));
}

// ---------------------------------------------------------------- ERC-20 shares

#[motsu::test]
fn transfers_tell_the_ledger_balances_before(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(100));
    e.deposit(bob, u(50));
    assert!(vault.sender(alice).transfer(bob, u(30)).motsu_unwrap());
    vault.assert_emitted(&Transfer { from: alice, to: bob, value: u(30) });
    assert_eq!(
        ledger.sender(admin).last_shares(),
        Some(SharesCall {
            from: alice,
            from_balance: u(100),
            to: bob,
            to_balance: u(50),
            supply: u(150),
            yield_attributed: U256::ZERO
        })
    );
    assert!(vault.sender(bob).approve(carol, u(20)).motsu_unwrap());
    assert_eq!(vault.sender(bob).allowance(bob, carol), u(20));
    assert!(vault.sender(carol).transfer_from(bob, carol, u(20)).motsu_unwrap());
    assert_eq!((e.shares_of(alice), e.shares_of(bob), e.shares_of(carol)), (u(70), u(60), u(20)));
    assert_eq!(
        ledger.sender(admin).last_shares().map(|c| (c.from, c.from_balance, c.to, c.to_balance)),
        Some((bob, u(80), carol, U256::ZERO))
    );
    // Reverts: balance and allowance.
    assert!(vault.sender(carol).transfer(alice, u(21)).is_err());
    assert!(vault.sender(carol).transfer_from(alice, carol, u(1)).is_err());
}

#[motsu::test]
fn erc165_and_access_control(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let _e = Env::plain(&vault, &token, &source, &ledger, admin);
    assert!(vault.sender(alice).supports_interface(<YieldVault as IErc4626>::interface_id()));
    assert!(vault.sender(alice).supports_interface(<YieldVault as IErc20>::interface_id()));
    assert!(vault.sender(alice).supports_interface(<YieldVault as IErc20Metadata>::interface_id()));
    assert!(!vault.sender(alice).supports_interface(B32::ZERO));
    assert_err(
        vault.sender(alice).grant_role(KEEPER_ROLE, alice).motsu_unwrap_err(),
        AccessControlUnauthorizedAccount { account: alice, needed_role: admin_role() },
    );
    vault.sender(admin).grant_role(KEEPER_ROLE, alice).motsu_unwrap();
    assert!(vault.sender(alice).has_role(KEEPER_ROLE, alice));
    vault.assert_emitted(&RoleGranted { role: KEEPER_ROLE, account: alice, sender: admin });
    vault.sender(admin).revoke_role(KEEPER_ROLE, alice).motsu_unwrap();
    assert!(!vault.sender(alice).has_role(KEEPER_ROLE, alice));
    vault.assert_emitted(&RoleRevoked { role: KEEPER_ROLE, account: alice, sender: admin });
    // Only the three roles exist.
    let other = B256::repeat_byte(7);
    assert_err(
        vault.sender(admin).grant_role(other, alice).motsu_unwrap_err(),
        UnknownRole { role: other },
    );
    assert!(!vault.sender(admin).has_role(other, admin));
    // Granting twice is a no-op; the admin can hand over its own role.
    vault.sender(admin).grant_role(GUARDIAN_ROLE, alice).motsu_unwrap();
    vault.sender(admin).grant_role(GUARDIAN_ROLE, alice).motsu_unwrap();
    assert!(vault.sender(alice).has_role(GUARDIAN_ROLE, alice));
    assert_err(
        vault.sender(alice).revoke_role(GUARDIAN_ROLE, alice).motsu_unwrap_err(),
        AccessControlUnauthorizedAccount { account: alice, needed_role: admin_role() },
    );
    vault.sender(admin).grant_role(KEEPER_ROLE, alice).motsu_unwrap();
    vault.sender(admin).revoke_role(KEEPER_ROLE, alice).motsu_unwrap();
    vault.assert_emitted(&RoleRevoked { role: KEEPER_ROLE, account: alice, sender: admin });
    assert!(!vault.sender(alice).has_role(KEEPER_ROLE, alice));
    // The admin cannot drop its own role: the next admin does, once granted.
    assert_err(
        vault.sender(admin).revoke_role(admin_role(), admin).motsu_unwrap_err(),
        AdminHandoverUnconfirmed { admin },
    );
    vault.sender(admin).grant_role(admin_role(), alice).motsu_unwrap();
    vault.sender(alice).revoke_role(admin_role(), admin).motsu_unwrap();
    assert!(!vault.sender(alice).has_role(admin_role(), admin));
}

// ---------------------------------------------------------------- yield and harvest

#[motsu::test]
fn yield_is_attributed_before_a_balance_change(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(1_000 * K));
    e.gain(u(50 * K));
    let accruable = e.accruable();
    assert!(accruable > U256::ZERO && accruable <= u(50 * K) - rounding_reserve(e.supply()));
    assert_eq!(e.pending(), U256::ZERO);
    let credited_by_source = {
        let sh = source.sender(admin).preview_deposit(u(500 * K)).motsu_unwrap();
        source.sender(admin).convert_to_assets(sh).motsu_unwrap()
    };
    let value_before = e.value();
    e.deposit(bob, u(500 * K));
    // The source's rounding of bob's deposit (a wei here) is paid out of the rounding
    // reserve, so bob gets exactly his shares and all the yield above the reserve is
    // attributed; the reserve is a wei short until the next accrual refills it.
    let cover = u(500 * K) - credited_by_source;
    assert!(cover > U256::ZERO && cover <= u(2));
    assert!(e.value() >= value_before + credited_by_source);
    assert_eq!(e.pending(), accruable);
    vault.assert_emitted(&YieldAttributed { amount: accruable, totalSupply: u(1_000 * K) });
    assert_eq!(
        ledger.sender(admin).last_shares(),
        Some(SharesCall {
            from: Address::ZERO,
            from_balance: U256::ZERO,
            to: bob,
            to_balance: U256::ZERO,
            supply: u(1_000 * K),
            yield_attributed: accruable
        })
    );
    // Price stays 1:1 and both take out exactly their principal.
    assert_eq!(e.shares_of(bob), u(500 * K));
    assert_eq!(vault.sender(bob).max_withdraw(bob).motsu_unwrap(), u(500 * K));
    assert_eq!(vault.sender(alice).max_withdraw(alice).motsu_unwrap(), u(1_000 * K));
    assert_eq!(vault.sender(admin).total_assets().motsu_unwrap(), u(1_500 * K));
    // Solvent, and the reserve gave at most the rounding.
    assert!(e.value() >= e.supply() + e.pending());
    assert!(e.value() + cover >= e.supply() + e.pending() + rounding_reserve(e.supply()));
}

#[motsu::test]
fn harvest_sends_attributed_yield_to_the_ledger(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    anyone: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(1_000 * K));
    e.gain(u(50 * K));
    let y = e.accruable();
    assert!(y > U256::ZERO);
    let paid = vault.sender(anyone).harvest().motsu_unwrap();
    assert_eq!(paid, y);
    assert_eq!(token.sender(admin).balance_of(ledger.address()), y);
    assert_eq!(e.pending(), U256::ZERO);
    assert_eq!(ledger.sender(admin).harvest_log(), vec![(y, u(1_000 * K), y)]);
    vault.assert_emitted(&Harvested {
        ledger: ledger.address(),
        yieldAttributed: y,
        assets: y,
        totalSupply: u(1_000 * K),
    });
    assert_eq!(vault.sender(admin).config().13, NOW);
    // Principal untouched.
    assert!(e.value() >= u(1_000 * K));
    assert_eq!(vault.sender(alice).redeem(u(1_000 * K), alice, alice).motsu_unwrap(), u(1_000 * K));
}

#[motsu::test]
fn harvest_pays_pending_yield_attributed_earlier(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(1_000 * K));
    e.gain(u(40 * K));
    let bob_shares = e.deposit(bob, u(1_000 * K)); // attributes the first yield
    let first = e.pending();
    assert!(first > U256::ZERO);
    // The source rounds bob's deposit; the rounding reserve pays for it.
    assert_eq!(bob_shares, u(1_000 * K));
    let paid = vault.sender(bob).harvest().motsu_unwrap();
    // Harvesting right after attributes nothing new (the reserve is refilled first).
    assert_eq!(paid, first);
    // All yield before bob's deposit was attributed before it.
    assert_eq!(ledger.sender(admin).harvest_log(), vec![(U256::ZERO, u(2_000 * K), paid)]);
    assert_eq!(ledger.sender(admin).total_attributed(), paid);
}

#[motsu::test]
fn harvest_reverts(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    keeper: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    assert_err(
        vault.sender(alice).harvest().motsu_unwrap_err(),
        HarvestBelowMinimum { pending: U256::ZERO, minimum: U256::ZERO },
    );
    e.deposit(alice, u(1_000 * K));
    // Yield within the rounding reserve is not attributed: nothing to harvest.
    e.gain(rounding_reserve(e.supply()));
    assert_err(
        vault.sender(alice).harvest().motsu_unwrap_err(),
        HarvestBelowMinimum { pending: U256::ZERO, minimum: U256::ZERO },
    );
    e.gain(u(30 * K));
    e.harvest_rules(u(1_000 * K), 3_600, true, 1_000, 100);
    assert_err(
        vault.sender(alice).harvest().motsu_unwrap_err(),
        AccessControlUnauthorizedAccount { account: alice, needed_role: KEEPER_ROLE },
    );
    e.grant(KEEPER_ROLE, keeper);
    let y = e.accruable();
    assert_err(
        vault.sender(keeper).harvest().motsu_unwrap_err(),
        HarvestBelowMinimum { pending: y, minimum: u(1_000 * K) },
    );
    e.harvest_rules(U256::ZERO, 3_600, true, 1_000, 100);
    vault.sender(keeper).harvest().motsu_unwrap();
    // The interval has not passed since (motsu's clock stands still).
    e.gain(u(30 * K));
    assert_err(
        vault.sender(keeper).harvest().motsu_unwrap_err(),
        HarvestTooSoon { now: NOW, next: NOW + 3_600 },
    );
    e.grant(GUARDIAN_ROLE, admin);
    vault.sender(admin).pause().motsu_unwrap();
    assert_err(vault.sender(keeper).harvest().motsu_unwrap_err(), EnforcedPause {});
}

#[motsu::test]
fn harvest_refuses_a_deficit(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(1_000 * K));
    e.gain(u(20 * K));
    e.poke(alice); // attribute
    let pending = e.pending();
    assert!(pending > U256::ZERO);
    e.lose(u(200 * K));
    let free = e.value() - pending;
    assert_err(
        vault.sender(alice).harvest().motsu_unwrap_err(),
        InDeficit { value: free, principal: u(1_000 * K) },
    );
}

#[motsu::test]
fn profit_bound_caps_pending_yield(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(1_000 * K));
    e.gain(u(500 * K)); // 50%: far above the 10% bound
    assert_eq!(e.accruable(), u(100 * K));
    assert_eq!(vault.sender(alice).harvest().motsu_unwrap(), u(100 * K));
    // The rest is attributed in later rounds, each bounded.
    assert_eq!(e.accruable(), u(100 * K));
}

// ---------------------------------------------------------------- deficit

#[motsu::test]
fn deficit_prices_exits_and_entries_pro_rata(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.harvest_rules(U256::ZERO, 0, false, 1_000, 5_000);
    e.deposit(alice, u(1_000));
    e.lose(u(100));
    let value = e.value();
    assert!(value < u(1_000));
    assert_eq!(vault.sender(admin).total_assets().motsu_unwrap(), value);
    assert_eq!(vault.sender(admin).convert_to_assets(u(1_000)).motsu_unwrap(), value);
    assert_eq!(vault.sender(admin).convert_to_shares(value).motsu_unwrap(), u(1_000));
    // Entry at value/principal: more shares than assets.
    // (The source's own rounding of bob's deposit, at most a wei here, is bob's.)
    let preview = vault.sender(bob).preview_deposit(u(100)).motsu_unwrap();
    assert!(preview <= mul_div(u(100), u(1_000), value, Rounding::Down).unwrap());
    assert!(preview >= mul_div(u(99), u(1_000), value, Rounding::Down).unwrap());
    assert!(preview > u(100));
    assert_eq!(e.deposit(bob, u(100)), preview);
    // Exit pro rata; no one is paid ahead of the loss.
    let out = vault.sender(alice).redeem(u(500), alice, alice).motsu_unwrap();
    assert!(out < u(500));
    assert_eq!(ledger.sender(admin).total_attributed(), U256::ZERO);
}

#[motsu::test]
fn loss_beyond_the_bound_stops_entries_not_exits(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin); // loss bound 1%
    e.deposit(alice, u(1_000));
    e.lose(u(50));
    let value = e.value();
    e.fund(bob, u(100));
    assert_err(
        vault.sender(bob).deposit(u(100), bob).motsu_unwrap_err(),
        LossBeyondBound { value, principal: u(1_000), maxLossBps: 100 },
    );
    assert_err(
        vault.sender(bob).mint(u(100), bob).motsu_unwrap_err(),
        LossBeyondBound { value, principal: u(1_000), maxLossBps: 100 },
    );
    assert_eq!(vault.sender(bob).max_deposit(bob), U256::ZERO);
    assert_eq!(vault.sender(bob).max_mint(bob), U256::ZERO);
    assert_eq!(vault.sender(alice).redeem(u(1_000), alice, alice).motsu_unwrap(), value);
}

#[motsu::test]
fn yield_counts_again_only_above_the_high_water_mark(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(1_000 * K));
    e.lose(u(100 * K));
    e.gain(u(60 * K)); // still below principal
    assert_eq!(e.accruable(), U256::ZERO);
    e.gain(u(60 * K)); // back above by about 20 K
    let y = e.accruable();
    assert!(y > U256::ZERO);
    assert_eq!(y, e.value() - u(1_000 * K) - rounding_reserve(e.supply()));
    assert!(y <= u(20 * K));
}

// ---------------------------------------------------------------- admin

#[motsu::test]
fn configure_works_and_checks(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let _e = Env::plain(&vault, &token, &source, &ledger, admin);
    vault
        .sender(admin)
        .configure(u(1), u(2), u(3), true, 4, u(7), 60, true, 2_000, 300)
        .motsu_unwrap();
    let c = vault.sender(admin).config();
    assert_eq!(
        (c.0, c.1, c.2, c.3, c.4, c.5, c.6, c.7, c.8, c.9),
        (u(1), u(2), u(3), true, 4, u(7), 60, true, 2_000, 300)
    );
    assert_eq!(c.14, 1 | 8 | 16);
    vault.assert_emitted(&Configured {
        totalCap: u(1),
        accountCap: u(2),
        minStake: u(3),
        exactStake: true,
        lockDuration: 4,
        minHarvest: u(7),
        harvestInterval: 60,
        keeperOnly: true,
        maxProfitBps: 2_000,
        maxLossBps: 300,
    });
    assert_err(
        vault
            .sender(admin)
            .configure(u(1), u(2), u(3), true, 4, u(7), 60, true, 2_000, 10_001)
            .motsu_unwrap_err(),
        InvalidSetup {
            asset: token.address(),
            source: source.address(),
            ledger: ledger.address(),
            maxLossBps: 10_001,
        },
    );
    assert_err(
        vault
            .sender(alice)
            .configure(u(1), u(2), u(3), true, 4, u(7), 60, true, 2_000, 300)
            .motsu_unwrap_err(),
        AccessControlUnauthorizedAccount { account: alice, needed_role: admin_role() },
    );
    // A lock may not freeze exits for ever (pause never does): at most a year.
    let max = crate::config::MAX_LOCK_DURATION;
    assert_err(
        vault
            .sender(admin)
            .configure(u(1), u(2), u(3), true, u64::MAX, u(7), 60, true, 2_000, 300)
            .motsu_unwrap_err(),
        LockTooLong { lockDuration: u64::MAX, limit: max },
    );
    vault
        .sender(admin)
        .configure(u(1), u(2), u(3), true, max, u(7), 60, true, 2_000, 300)
        .motsu_unwrap();
}

#[motsu::test]
fn pause_and_unpause_by_the_guardian(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    guardian: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    assert_err(
        vault.sender(admin).pause().motsu_unwrap_err(),
        AccessControlUnauthorizedAccount { account: admin, needed_role: GUARDIAN_ROLE },
    );
    e.grant(GUARDIAN_ROLE, guardian);
    assert_err(vault.sender(guardian).unpause().motsu_unwrap_err(), ExpectedPause {});
    vault.sender(guardian).pause().motsu_unwrap();
    assert!(vault.sender(guardian).paused());
    vault.assert_emitted(&Paused { account: guardian });
    assert_err(vault.sender(guardian).pause().motsu_unwrap_err(), EnforcedPause {});
    assert_err(
        vault.sender(admin).unpause().motsu_unwrap_err(),
        AccessControlUnauthorizedAccount { account: admin, needed_role: GUARDIAN_ROLE },
    );
    vault.sender(guardian).unpause().motsu_unwrap();
    vault.assert_emitted(&Unpaused { account: guardian });
    assert!(!vault.sender(guardian).paused());
}

#[motsu::test]
fn emergency_withdraw_pulls_everything_idle(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    guardian: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(1_000));
    assert_err(
        vault.sender(alice).emergency_withdraw().motsu_unwrap_err(),
        AccessControlUnauthorizedAccount { account: alice, needed_role: GUARDIAN_ROLE },
    );
    e.grant(GUARDIAN_ROLE, guardian);
    let out = vault.sender(guardian).emergency_withdraw().motsu_unwrap();
    assert_eq!(out, u(1_000));
    assert_eq!(source.sender(admin).balance_of(vault.address()), U256::ZERO);
    assert_eq!(token.sender(admin).balance_of(vault.address()), u(1_000));
    assert!(vault.sender(admin).paused());
    assert_eq!(vault.sender(admin).config().14 & (4 | 32), 4 | 32);
    vault.assert_emitted(&EmergencyWithdrawn { sourceShares: u(1_000), assets: u(1_000) });
    // Twice: nothing left to pull, still fine.
    assert_eq!(vault.sender(guardian).emergency_withdraw().motsu_unwrap(), U256::ZERO);
    // Exits go on from idle.
    vault.sender(alice).withdraw(u(300), alice, alice).motsu_unwrap();
    assert_eq!(e.asset_of(alice), u(300));
    // Unpausing ends the emergency: idle goes back into the source.
    vault.sender(guardian).unpause().motsu_unwrap();
    vault.assert_emitted(&Unpaused { account: guardian });
    assert_eq!(token.sender(admin).balance_of(vault.address()), U256::ZERO);
    assert_eq!(source.sender(admin).balance_of(vault.address()), u(700));
    assert_eq!(vault.sender(admin).config().14 & (4 | 32), 0);
    e.deposit(alice, u(100));
    assert_eq!(source.sender(admin).balance_of(vault.address()), u(800));
}

// ---------------------------------------------------------------- max*

#[motsu::test]
fn max_functions_follow_caps_and_stakes(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    assert_eq!(vault.sender(alice).max_deposit(alice), U256::MAX);
    assert_eq!(vault.sender(alice).max_mint(alice), U256::MAX);
    e.limits(u(1_000), u(300), U256::ZERO, false, 0);
    assert_eq!(vault.sender(alice).max_deposit(alice), u(300));
    e.deposit(alice, u(250));
    assert_eq!(vault.sender(alice).max_deposit(alice), u(50));
    assert_eq!(vault.sender(alice).max_mint(alice), u(50));
    // Minimum stake above the room: nothing fits.
    e.limits(u(1_000), u(300), u(60), false, 0);
    assert_eq!(vault.sender(alice).max_deposit(alice), U256::ZERO);
    // Exact stake: the stake when it fits.
    e.limits(u(1_000), u(300), u(40), true, 0);
    assert_eq!(vault.sender(alice).max_deposit(alice), u(40));
    assert_eq!(vault.sender(alice).max_withdraw(alice).motsu_unwrap(), u(250));
    assert_eq!(vault.sender(alice).max_redeem(alice), u(250));
}

#[motsu::test]
fn ledger_hook_calls_match_the_shared_interface() {
    use alloy_sol_types::SolCall;
    // The vault encodes the hooks itself (size); they must stay the shared file's.
    let shared =
        include_str!("../../../../contracts/compute-fi-contracts/src/interfaces/ledger_hooks.rs");
    for line in [
        "function onSharesChanged(address from, uint256 from_balance_before, address to, uint256 to_balance_before, uint256 total_supply_before, uint256 yield_attributed) external;",
        "function onHarvest(uint256 yield_attributed, uint256 total_supply, uint256 assets) external;",
    ] {
        assert!(shared.contains(line), "ledger_hooks.rs changed: {line}");
    }
    let sel = |sig: &str| {
        <[u8; 4]>::try_from(&stylus_sdk::alloy_primitives::keccak256(sig)[..4]).unwrap()
    };
    assert_eq!(
        ILedgerHooks::onSharesChangedCall::SELECTOR,
        sel("onSharesChanged(address,uint256,address,uint256,uint256,uint256)")
    );
    assert_eq!(ILedgerHooks::onHarvestCall::SELECTOR, sel("onHarvest(uint256,uint256,uint256)"));
}

// ---------------------------------------------------------------- rounding reserve

#[motsu::test]
fn rounding_reserve_is_a_floor_plus_a_part_per_billion() {
    assert_eq!(rounding_reserve(U256::ZERO), u(1_000));
    assert_eq!(rounding_reserve(u(200 * E18)), u(1_000) + (u(200 * E18) >> 30usize));
    assert_eq!(rounding_reserve(U256::MAX), u((u128::MAX >> 30) + 1_000));
}

/// A burst of exact stakes right after a harvest (no yield left to pay the source's
/// rounding): each gets exactly its shares, paid from the reserve, and the vault stays
/// solvent throughout.
#[motsu::test]
fn exact_stakes_right_after_a_harvest_get_exactly_their_shares(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
) {
    let e = Env::new(&vault, &token, &source, &ledger, admin, 0, u(E18 / 10), true, false);
    e.seed_source(u(1_000 * E18));
    let stakers: Vec<Address> = (0..40).map(|_| Address::random()).collect();
    for who in &stakers[..10] {
        assert_eq!(e.deposit(*who, u(E18 / 10)), u(E18 / 10));
    }
    // The source's rate moves to an uneven 1.0333...: every deposit now rounds.
    e.gain(u(1_010 * E18 / 30));
    vault.sender(admin).harvest().motsu_unwrap();
    assert_eq!(e.pending(), U256::ZERO);
    let mut rounded = 0;
    for who in &stakers[10..] {
        let sh = source.sender(admin).preview_deposit(u(E18 / 10)).motsu_unwrap();
        if source.sender(admin).convert_to_assets(sh).motsu_unwrap() < u(E18 / 10) {
            rounded += 1;
        }
        assert_eq!(e.deposit(*who, u(E18 / 10)), u(E18 / 10));
        assert!(e.value() >= e.supply() + e.pending(), "solvent");
    }
    assert!(rounded > 0, "the source rounded some deposits");
    for who in &stakers {
        assert_eq!(vault.sender(*who).max_withdraw(*who).motsu_unwrap(), u(E18 / 10));
    }
}

#[motsu::test]
fn a_lot_past_192_bits_of_shares_is_refused(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    // A lot's shares share its storage word with its unlock time.
    let e = Env::new(&vault, &token, &source, &ledger, admin, 3_600, U256::ZERO, false, false);
    let too_many = U256::from(1u8) << 192;
    e.fund(alice, too_many);
    assert_err(vault.sender(alice).deposit(too_many, alice).motsu_unwrap_err(), MathOverflow {});
    e.deposit(alice, too_many - u(1));
    assert_eq!(e.shares_of(alice), too_many - u(1));
    assert_eq!(vault.sender(alice).max_redeem(alice), U256::ZERO);
}
