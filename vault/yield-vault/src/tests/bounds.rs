//! The bounds on yield and on what a depositor may take from it: yield held back by the
//! profit bound is never shared with a later depositor, the bound holds per harvest period
//! (not per call), the source's deposit rounding is covered only up to its rounding, and
//! every `max*` view is a call that succeeds.

use super::{attacks::credits, unit::assert_err, *};

type V = Contract<YieldVault>;
type T = Contract<MockErc20>;
type S = Contract<MockYieldSource>;
type L = Contract<RecordingLedger>;

// ---------------------------------------------------------------- profit bound

/// 100 in, the source gains 15% (above the 10% bound), a transfer attributes the bounded
/// part: a second 100 cannot come in while the rest is held back; once a harvest made room
/// for it, the rest goes to the first holder before the second deposit, so the second
/// depositor earns nothing of the earlier 15%.
#[motsu::test]
fn a_late_deposit_earns_nothing_of_yield_held_back_by_the_profit_bound(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(100 * E18));
    e.gain(u(15 * E18));
    e.poke(alice);
    let bound = u(10 * E18);
    assert_eq!(e.pending(), bound);
    let held_back = e.value() - e.supply() - bound - rounding_reserve(e.supply());
    assert!(held_back > u(4 * E18));
    e.fund(bob, u(100 * E18));
    assert_err(
        vault.sender(bob).deposit(u(100 * E18), bob).motsu_unwrap_err(),
        YieldHeldBack { unattributed: held_back, profitBound: bound },
    );
    assert_err(
        vault.sender(bob).mint(u(100 * E18), bob).motsu_unwrap_err(),
        YieldHeldBack { unattributed: held_back, profitBound: bound },
    );
    assert_eq!(vault.sender(bob).max_deposit(bob), U256::ZERO);
    assert_eq!(vault.sender(bob).max_mint(bob), U256::ZERO);
    assert_eq!(vault.sender(bob).harvest().motsu_unwrap(), bound);
    // The harvest made room: the deposit attributes the rest to alice, then bob comes in.
    assert_eq!(vault.sender(bob).max_deposit(bob), U256::MAX - u(100 * E18));
    e.deposit(bob, u(100 * E18));
    assert_eq!(e.pending(), held_back);
    let c = credits(&e, &[alice, bob]);
    assert_eq!(c.get(&bob).copied().unwrap_or_default(), U256::ZERO);
    assert_eq!(c.get(&alice).copied().unwrap_or_default(), bound + held_back);
}

/// The other side of the profit bound: 100 and 100 in, the source gains 15%, only 10% of
/// principal is attributed per period. A holder who leaves before the next period has its
/// share of the attributed 10% and forfeits its share of the rest (2.5% of its principal
/// here), which goes to those who stay. The bound is the defence against a manipulated
/// source rate (attributed yield is senior to principal), so an exit cannot lift it: what
/// an early exit can forfeit is at most its share of the yield above one period's bound,
/// and a harvest before the exit (open to anyone unless keeper-only) gives it its share of
/// the rest.
#[motsu::test]
fn an_early_exit_forfeits_at_most_its_share_of_yield_above_the_bound(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(100 * E18));
    e.deposit(bob, u(100 * E18));
    e.gain(u(30 * E18));
    let bound = u(20 * E18);
    let out = vault.sender(alice).redeem(u(100 * E18), alice, alice).motsu_unwrap();
    assert_eq!(out, u(100 * E18), "the principal, whole");
    assert_eq!(e.pending(), bound);
    let held_back = e.value() - e.supply() - bound - rounding_reserve(e.supply());
    assert!(held_back > u(9 * E18) && held_back <= u(10 * E18));
    vault.sender(bob).harvest().motsu_unwrap();
    e.poke(bob);
    let c = credits(&e, &[alice, bob]);
    let (got_a, got_b) =
        (c.get(&alice).copied().unwrap_or_default(), c.get(&bob).copied().unwrap_or_default());
    assert_eq!(got_a, bound / u(2), "alice: her half of the bounded part");
    assert_eq!(got_b, bound / u(2) + held_back, "bob: his half, and the rest as he stayed");
    // What alice forfeited is her share of the yield above the bound.
    let fair = (bound + held_back) / u(2);
    assert!(fair - got_a <= held_back / u(2) + u(1));
}

/// Surplus far beyond what a harvest period clears (a donation) does not freeze entries:
/// refusing them would let a donor keep everyone out for many periods, or for ever with a
/// bound of zero (a principal of a few wei).
#[motsu::test]
fn a_donation_beyond_the_bound_does_not_freeze_entries(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(5));
    token.sender(admin).mint(vault.address(), u(10 * E18)).motsu_unwrap();
    assert_eq!(vault.sender(bob).max_deposit(bob), U256::MAX - u(5));
    assert_eq!(e.deposit(bob, u(100 * E18)), u(100 * E18));
}

/// With no interval, `harvest` is still once per block timestamp: calling it again in the
/// same transaction cannot move the bound a second time.
#[motsu::test]
fn the_profit_bound_holds_per_period_not_per_call(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    anyone: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(100 * E18));
    e.gain(u(50 * E18));
    assert_eq!(vault.sender(anyone).harvest().motsu_unwrap(), u(10 * E18));
    assert_err(
        vault.sender(anyone).harvest().motsu_unwrap_err(),
        HarvestTooSoon { now: NOW, next: NOW + 1 },
    );
    assert_eq!(token.sender(admin).balance_of(ledger.address()), u(10 * E18));
}

// ---------------------------------------------------------------- deposit rounding cover

mod fee_source {
    //! A yield source that keeps 1% of every deposit as an entry fee (shares 1:1 with
    //! assets after the fee): what it credits falls short of a deposit by far more than
    //! any rounding.
    use alloc::vec::Vec;

    use alloy_sol_types::{sol, SolCall};
    use stylus_sdk::{
        alloy_primitives::{Address, U256},
        prelude::*,
        storage::{StorageAddress, StorageMap, StorageU256},
    };

    sol! {
        interface IToken {
            function transferFrom(address from, address to, uint256 value) external returns (bool);
            function transfer(address to, uint256 value) external returns (bool);
        }
    }

    #[storage]
    pub struct FeeSource {
        asset: StorageAddress,
        shares: StorageMap<Address, StorageU256>,
    }

    unsafe impl TopLevelStorage for FeeSource {}

    #[allow(deprecated)]
    fn call(target: Address, data: &[u8]) -> Result<(), Vec<u8>> {
        unsafe { stylus_sdk::call::RawCall::new().call(target, data) }.map(|_| ())
    }

    #[public]
    impl FeeSource {
        pub fn set_asset(&mut self, asset: Address) {
            self.asset.set(asset);
        }
        pub fn balance_of(&self, account: Address) -> U256 {
            self.shares.get(account)
        }
        /// Yield: `shares` more for `account` (their assets minted to the source apart).
        pub fn credit(&mut self, account: Address, shares: U256) {
            let held = self.shares.get(account);
            self.shares.setter(account).set(held + shares);
        }
        pub fn convert_to_assets(&self, shares: U256) -> U256 {
            shares
        }
        pub fn preview_deposit(&self, assets: U256) -> U256 {
            assets - assets / U256::from(100)
        }
        pub fn deposit(&mut self, assets: U256, receiver: Address) -> Result<U256, Vec<u8>> {
            let from = self.vm().msg_sender();
            let to = self.vm().contract_address();
            call(
                self.asset.get(),
                &IToken::transferFromCall { from, to, value: assets }.abi_encode(),
            )?;
            let shares = self.preview_deposit(assets);
            let held = self.shares.get(receiver);
            self.shares.setter(receiver).set(held + shares);
            Ok(shares)
        }
        pub fn withdraw(
            &mut self,
            assets: U256,
            receiver: Address,
            owner: Address,
        ) -> Result<U256, Vec<u8>> {
            let held = self.shares.get(owner);
            self.shares.setter(owner).set(held - assets);
            call(
                self.asset.get(),
                &IToken::transferCall { to: receiver, value: assets }.abi_encode(),
            )?;
            Ok(assets)
        }
    }
}

/// A source with a 1% entry fee: the fee is the depositor's, not the other holders'
/// yield; only the source's rounding (at most 1,000 units and a part per billion of the
/// deposit) is covered from yield.
#[motsu::test]
fn an_entry_fee_is_the_depositors_not_the_other_holders(
    vault: V,
    token: T,
    source: Contract<fee_source::FeeSource>,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let _turn = serial();
    token.sender(admin).constructor("Wrapped Ether".into(), "WETH".into(), U8::from(18));
    source.sender(admin).set_asset(token.address());
    ledger.sender(admin).set_vault(vault.address());
    vault
        .sender(admin)
        .constructor(
            token.address(),
            source.address(),
            ledger.address(),
            admin,
            b32("V"),
            b32("V"),
            false,
            0,
            U256::ZERO,
            false,
        )
        .motsu_unwrap();
    for who in [alice, bob] {
        token.sender(who).mint(who, u(1_000 * E18)).motsu_unwrap();
        token.sender(who).approve(vault.address(), U256::MAX).motsu_unwrap();
    }
    assert_eq!(vault.sender(alice).deposit(u(1_000 * E18), alice).motsu_unwrap(), u(990 * E18));
    // Yield: 50 more source shares' worth for the vault, attributed by a transfer.
    token.sender(admin).mint(source.address(), u(50 * E18)).motsu_unwrap();
    source.sender(admin).credit(vault.address(), u(50 * E18));
    vault.sender(alice).transfer(alice, U256::ZERO).motsu_unwrap();
    let pending = vault.sender(admin).config().12;
    assert!(pending > U256::ZERO);
    let preview = vault.sender(bob).preview_deposit(u(1_000 * E18)).motsu_unwrap();
    assert_eq!(preview, u(990 * E18));
    let shares = vault.sender(bob).deposit(u(1_000 * E18), bob).motsu_unwrap();
    // The 10-asset fee is bob's: his shares are what the source credited, plus at most the
    // rounding reserve's measure of his deposit (about 1e12 here) of cover.
    assert!(
        shares >= preview && shares <= preview + rounding_reserve(u(1_000 * E18)),
        "bob got {shares}"
    );
    let cover = shares - preview;
    // The others' yield paid at most that cover.
    assert!(vault.sender(admin).config().12 + cover >= pending);
}

// ---------------------------------------------------------------- max* views

/// In deficit, a dust holding worth nothing cannot be redeemed or withdrawn: both maxima
/// say 0; every other holder's maxima are calls that succeed.
#[motsu::test]
fn max_exits_are_exact_at_dust_in_deficit(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    dust: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.harvest_rules(U256::ZERO, 0, false, 1_000, 10_000);
    e.deposit(alice, u(1_000));
    e.deposit(dust, u(1));
    e.lose(u(100));
    assert_eq!(vault.sender(dust).preview_redeem(u(1)).motsu_unwrap(), U256::ZERO);
    assert_eq!(vault.sender(dust).max_redeem(dust), U256::ZERO);
    assert_eq!(vault.sender(dust).max_withdraw(dust).motsu_unwrap(), U256::ZERO);
    let max_w = vault.sender(alice).max_withdraw(alice).motsu_unwrap();
    let burnt = vault.sender(alice).withdraw(max_w, alice, alice).motsu_unwrap();
    assert!(burnt <= u(1_000));
    let max_r = vault.sender(alice).max_redeem(alice);
    assert_eq!(max_r, u(1_000) - burnt);
    if !max_r.is_zero() {
        vault.sender(alice).redeem(max_r, alice, alice).motsu_unwrap();
    }
}

/// A minimum stake bounds `maxMint` as it bounds `mint`: room for fewer shares than the
/// stake buys is no room at all.
#[motsu::test]
fn max_mint_is_zero_when_the_room_is_below_the_stake(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.limits(U256::MAX, u(50), u(100), false, 0);
    assert_eq!(vault.sender(alice).max_mint(alice), U256::ZERO);
    assert_eq!(vault.sender(alice).max_deposit(alice), U256::ZERO);
    // With room for the stake, the maximum is the room, and minting it succeeds.
    e.limits(U256::MAX, u(150), u(100), false, 0);
    let max = vault.sender(alice).max_mint(alice);
    assert_eq!(max, u(150));
    e.fund(alice, u(150));
    vault.sender(alice).mint(max, alice).motsu_unwrap();
    assert_eq!(vault.sender(alice).max_mint(alice), U256::ZERO);
}

/// With exact stakes, `maxMint` is the shares the stake buys (a mint of any other number
/// is refused), and `maxDeposit` the stake.
#[motsu::test]
fn max_mint_with_exact_stakes_is_what_the_stake_buys(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.limits(U256::MAX, U256::MAX, u(100), true, 0);
    let max = vault.sender(alice).max_mint(alice);
    assert_eq!(max, u(100));
    assert_eq!(vault.sender(alice).max_deposit(alice), u(100));
    e.fund(alice, u(100));
    assert_eq!(vault.sender(alice).mint(max, alice).motsu_unwrap(), u(100));
    // The account cap leaves no room for another stake: both maxima say 0.
    e.limits(U256::MAX, u(150), u(100), true, 0);
    assert_eq!(vault.sender(alice).max_mint(alice), U256::ZERO);
    assert_eq!(vault.sender(alice).max_deposit(alice), U256::ZERO);
}

/// In deficit, with the source pricing a share under one unit, a deposit of 1 is worth no
/// source asset and mints nothing: the room for it is no room (`maxDeposit` 0, where the
/// deposit would revert `ZeroAmount`).
#[motsu::test]
fn max_deposit_is_zero_where_the_deposit_would_mint_nothing(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(alice, u(1_000));
    e.lose(u(5));
    // Room for 2 shares, worth 1 unit in deficit.
    e.limits(U256::MAX, u(2), U256::ZERO, false, 0);
    e.fund(bob, u(1));
    assert_err(
        vault.sender(bob).deposit(u(1), bob).motsu_unwrap_err(),
        ZeroAmount { assets: u(1), shares: U256::ZERO },
    );
    assert_eq!(vault.sender(bob).max_deposit(bob), U256::ZERO);
}
