//! Attacks: donation / first-depositor inflation, deposit right before harvest, exit
//! around a loss, a manipulated source rate. (Reentrancy through the asset token: see
//! `reentrant_asset_sees_a_consistent_vault`.)

use std::collections::HashMap;

use alloy_sol_types::SolError;

use super::{unit::assert_err, *};

type V = Contract<YieldVault>;
type T = Contract<MockErc20>;
type S = Contract<MockYieldSource>;
type L = Contract<RecordingLedger>;

/// Credits a reward-per-share ledger would give each account from the recorded hook
/// calls (the bookkeeping the real ledger does), settled on the final balances.
pub(super) fn credits(e: &Env, accounts: &[Address]) -> HashMap<Address, U256> {
    let one = U256::from(E18) * U256::from(E18);
    let mut acc = U256::ZERO;
    let mut debt: HashMap<Address, U256> = HashMap::new();
    let mut credit: HashMap<Address, U256> = HashMap::new();
    let settle = |who: Address,
                  bal: U256,
                  acc: U256,
                  debt: &mut HashMap<Address, U256>,
                  credit: &mut HashMap<Address, U256>| {
        if who.is_zero() {
            return;
        }
        let d = debt.get(&who).copied().unwrap_or_default();
        *credit.entry(who).or_default() += bal * (acc - d) / one;
        debt.insert(who, acc);
    };
    let log = e.ledger.sender(e.admin).shares_log();
    for c in log {
        if !c.supply.is_zero() {
            acc += c.yield_attributed * one / c.supply;
        }
        settle(c.from, c.from_balance, acc, &mut debt, &mut credit);
        settle(c.to, c.to_balance, acc, &mut debt, &mut credit);
    }
    for (y, supply, _) in e.ledger.sender(e.admin).harvest_log() {
        if !supply.is_zero() {
            acc += y * one / supply;
        }
    }
    for a in accounts {
        settle(*a, e.shares_of(*a), acc, &mut debt, &mut credit);
    }
    credit
}

#[motsu::test]
fn donations_cannot_inflate_the_price_or_rob_the_next_depositor(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    attacker: Address,
    victim: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.seed_source(u(1_000 * E18));
    // Classic setup: one wei of shares, then a huge donation of asset and of source shares.
    assert_eq!(e.deposit(attacker, u(1)), u(1));
    token.sender(attacker).mint(vault.address(), u(1_000 * E18)).motsu_unwrap();
    token.sender(attacker).mint(attacker, u(500 * E18)).motsu_unwrap();
    token.sender(attacker).approve(source.address(), u(500 * E18)).motsu_unwrap();
    let src_shares = source.sender(attacker).deposit(u(500 * E18), attacker).motsu_unwrap();
    source.sender(attacker).transfer(vault.address(), src_shares).motsu_unwrap();
    // The price has not moved: the victim gets one share per asset.
    assert_eq!(vault.sender(victim).convert_to_shares(u(10 * E18)).motsu_unwrap(), u(10 * E18));
    let shares = e.deposit(victim, u(10 * E18));
    assert!(shares >= u(10 * E18) - u(2));
    // The attacker's wei is worth a wei; the victim takes out what it put in.
    assert_eq!(vault.sender(attacker).redeem(u(1), attacker, attacker).motsu_unwrap(), u(1));
    let out = vault.sender(victim).redeem(shares, victim, victim).motsu_unwrap();
    assert_eq!(out, shares);
    // The donation became yield for the ledger, bounded per harvest by the profit limit.
    assert!(e.pending() > U256::ZERO);
    assert!(e.value() >= e.supply() + e.pending());
}

#[motsu::test]
fn a_deposit_right_before_harvest_earns_nothing_of_earlier_yield(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.seed_source(u(1_000 * E18));
    e.deposit(alice, u(100 * E18));
    e.gain(u(5 * E18)); // about 0.45 of it is the vault's
    let earlier = e.accruable();
    assert!(earlier > U256::ZERO);
    let big = e.deposit(bob, u(10_000 * E18)); // a whale right before the harvest
    let paid = vault.sender(bob).harvest().motsu_unwrap();
    assert!(paid >= earlier);
    let c = credits(&e, &[alice, bob]);
    let (a, b) =
        (c.get(&alice).copied().unwrap_or_default(), c.get(&bob).copied().unwrap_or_default());
    // Alice gets all the earlier yield; bob only a share of the few wei of rounding left
    // over after his own deposit.
    assert!(a + U256::from(2) >= earlier, "alice {a} < {earlier}");
    assert!(b <= U256::from(2), "bob earned {b}");
    assert!(big > U256::ZERO);
}

#[motsu::test]
fn no_one_exits_ahead_of_a_loss_at_the_others_expense(
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
    e.harvest_rules(U256::ZERO, 0, false, 1_000, 10_000);
    e.deposit(alice, u(1_000 * E18));
    e.deposit(bob, u(1_000 * E18));
    e.deposit(carol, u(1_000 * E18));
    // Carol leaves before the loss: at par, which costs the others nothing.
    assert_eq!(
        vault.sender(carol).redeem(u(1_000 * E18), carol, carol).motsu_unwrap(),
        u(1_000 * E18)
    );
    let before = e.value();
    e.lose(u(200 * E18)); // the source drops 10%
    let after = e.value();
    // Alice exits first after the loss: she gets exactly her pro-rata part...
    let out = vault.sender(alice).redeem(u(1_000 * E18), alice, alice).motsu_unwrap();
    assert_eq!(out, mul_div(u(1_000 * E18), after, u(2_000 * E18), Rounding::Down).unwrap());
    // ...and bob, who stays, is left with the same rate: no one ran ahead of him.
    let bob_claim = vault.sender(bob).max_withdraw(bob).motsu_unwrap();
    assert!(bob_claim + u(2) >= out && bob_claim <= out + u(2));
    assert!(after < before);
    // No harvest while in deficit.
    let err: Vec<u8> = vault.sender(bob).harvest().motsu_unwrap_err().into();
    assert_eq!(&err[..4], &InDeficit::SELECTOR);
}

#[motsu::test]
fn a_manipulated_source_rate_is_bounded(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    attacker: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.harvest_rules(U256::ZERO, 86_400, false, 1_000, 100);
    e.deposit(alice, u(1_000 * E18));
    // Pump the source 100x (e.g. a flash-loan donation) and harvest.
    e.gain(u(100_000 * E18));
    let paid = vault.sender(attacker).harvest().motsu_unwrap();
    assert_eq!(paid, u(100 * E18)); // 10% of principal, the bound
                                    // Not again before the interval.
    let err: Vec<u8> = vault.sender(attacker).harvest().motsu_unwrap_err().into();
    assert_eq!(err, HarvestTooSoon { now: NOW, next: NOW + 86_400 }.abi_encode());
    // Crash the rate instead: entries are refused, so no one buys in cheap.
    e.lose(token.sender(admin).balance_of(source.address()) * u(995) / u(1_000));
    e.fund(attacker, u(1_000 * E18));
    let err: Vec<u8> =
        vault.sender(attacker).deposit(u(1_000 * E18), attacker).motsu_unwrap_err().into();
    assert_eq!(&err[..4], &LossBeyondBound::SELECTOR);
    assert_eq!(vault.sender(attacker).max_deposit(attacker), U256::ZERO);
}

mod reentrant {
    //! An asset whose `transferFrom` into the vault calls back into the vault before it
    //! moves the tokens (an ERC-777 `tokensToSend`-style hook): it reads the vault's books
    //! and makes a deposit of its own from inside the outer deposit.
    use alloc::vec::Vec;

    use alloy_sol_types::{sol, SolCall};
    use openzeppelin_stylus::token::erc20::{Erc20, IErc20};
    use stylus_sdk::{
        alloy_primitives::{Address, U256},
        prelude::*,
        storage::{StorageAddress, StorageBool, StorageU256},
    };

    sol! {
        interface IVaultCalls {
            function deposit(uint256 assets, address receiver) external returns (uint256);
            function totalAssets() external view returns (uint256);
        }
    }

    #[storage]
    pub struct HookToken {
        erc20: Erc20,
        vault: StorageAddress,
        armed: StorageBool,
        pub seen_total_assets: StorageU256,
        pub reentrant_shares: StorageU256,
    }

    unsafe impl TopLevelStorage for HookToken {}

    #[allow(deprecated)]
    fn raw(target: Address, data: &[u8]) -> Vec<u8> {
        unsafe { stylus_sdk::call::RawCall::new().call(target, data) }.unwrap_or_default()
    }

    #[public]
    impl HookToken {
        pub fn decimals(&self) -> u8 {
            18
        }
        pub fn arm(&mut self, vault: Address) {
            self.vault.set(vault);
            self.armed.set(true);
        }
        pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Vec<u8>> {
            self.erc20._mint(to, amount).map_err(Vec::from)
        }
        pub fn burn(&mut self, from: Address, amount: U256) -> Result<(), Vec<u8>> {
            self.erc20._burn(from, amount).map_err(Vec::from)
        }
        pub fn total_supply(&self) -> U256 {
            self.erc20.total_supply()
        }
        pub fn balance_of(&self, account: Address) -> U256 {
            self.erc20.balance_of(account)
        }
        pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
            self.erc20.allowance(owner, spender)
        }
        pub fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Vec<u8>> {
            self.erc20.approve(spender, value).map_err(Vec::from)
        }
        pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Vec<u8>> {
            self.erc20.transfer(to, value).map_err(Vec::from)
        }
        pub fn transfer_from(
            &mut self,
            from: Address,
            to: Address,
            value: U256,
        ) -> Result<bool, Vec<u8>> {
            let vault = self.vault.get();
            if self.armed.get() && to == vault {
                self.armed.set(false);
                let ret = raw(vault, &IVaultCalls::totalAssetsCall {}.abi_encode());
                self.seen_total_assets.set(
                    U256::try_from_be_slice(ret.get(..32).unwrap_or_default()).unwrap_or_default(),
                );
                // A deposit of its own, made from inside the outer one.
                let me = self.vm().contract_address();
                self.erc20._mint(me, value).map_err(Vec::from)?;
                let ret = raw(
                    vault,
                    &IVaultCalls::depositCall { assets: value, receiver: me }.abi_encode(),
                );
                self.reentrant_shares.set(
                    U256::try_from_be_slice(ret.get(..32).unwrap_or_default()).unwrap_or_default(),
                );
            }
            // The token's own coins move without an allowance (it cannot approve itself
            // from inside a call it did not make).
            if from == self.vm().contract_address() {
                self.erc20._update(from, to, value).map_err(Vec::from)?;
                return Ok(true);
            }
            self.erc20.transfer_from(from, to, value).map_err(Vec::from)
        }
    }
}

#[motsu::test]
fn reentrant_asset_sees_a_consistent_vault(
    vault: V,
    token: Contract<reentrant::HookToken>,
    source: S,
    ledger: L,
    admin: Address,
    alice: Address,
    bob: Address,
) {
    let _turn = serial();
    source.sender(admin).constructor(token.address(), "Source".into(), "SRC".into());
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
    for (who, amount) in [(alice, u(1_000)), (bob, u(300))] {
        token.sender(who).mint(who, amount).motsu_unwrap();
        token.sender(who).approve(vault.address(), U256::MAX).motsu_unwrap();
    }
    vault.sender(alice).deposit(u(1_000), alice).motsu_unwrap();
    // Bob's deposit triggers the hook: it reads the books and deposits 300 of its own.
    token.sender(admin).arm(vault.address());
    let shares = vault.sender(bob).deposit(u(300), bob).motsu_unwrap();
    // Mid-transfer the vault looked as it was (alice's 1,000), not richer or poorer.
    assert_eq!(token.sender(admin).seen_total_assets.get(), u(1_000));
    // Both deposits were priced 1:1 and nothing turned into phantom yield.
    assert_eq!(shares, u(300));
    assert_eq!(token.sender(admin).reentrant_shares.get(), u(300));
    assert_eq!(vault.sender(admin).balance_of(token.address()), u(300));
    assert_eq!(vault.sender(admin).total_supply(), u(1_600));
    assert_eq!(vault.sender(admin).total_assets().motsu_unwrap(), u(1_600));
    assert_eq!(vault.sender(admin).config().12, U256::ZERO);
    assert_eq!(ledger.sender(admin).total_attributed(), U256::ZERO);
    // Everyone gets exactly their principal back.
    assert_eq!(vault.sender(alice).redeem(u(1_000), alice, alice).motsu_unwrap(), u(1_000));
    assert_eq!(vault.sender(bob).redeem(u(300), bob, bob).motsu_unwrap(), u(300));
}

/// A thin source: the vault and an attacker are its only holders, with a few source
/// shares each, and a donation into the source makes each share worth 83,334 units. A
/// deposit of 100,000 would be credited one share: 17% lost to the source's rounding. It is refused instead, with the share's worth and the bound.
#[motsu::test]
fn a_deposit_into_a_source_too_coarse_to_credit_it_is_refused(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    attacker: Address,
    victim: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.deposit(victim, u(10));
    token.sender(attacker).mint(attacker, u(1)).motsu_unwrap();
    token.sender(attacker).approve(source.address(), u(1)).motsu_unwrap();
    source.sender(attacker).deposit(u(1), attacker).motsu_unwrap();
    e.gain(u(1_000_000));
    let share = source.sender(admin).convert_to_assets(u(1)).motsu_unwrap();
    assert_eq!(share, u(83_334));
    e.fund(victim, u(100_000));
    let err = vault.sender(victim).deposit(u(100_000), victim).motsu_unwrap_err();
    assert_err(
        err,
        SourceTooCoarse { source: source.address(), shareWorth: share, bound: u(1_000) },
    );
    assert_eq!(e.shares_of(victim), u(10));
    // Mints as small as this are refused too: the room for them is no room.
    e.limits(U256::MAX, u(100_010), U256::ZERO, false, 0);
    assert_eq!(vault.sender(victim).max_mint(victim), U256::ZERO);
    // Once the source is fine-grained again (the donation gone), the same deposit is
    // taken whole.
    e.lose(u(1_000_000));
    assert!(source.sender(admin).convert_to_assets(u(1)).motsu_unwrap() <= u(1_000));
    assert_eq!(vault.sender(victim).deposit(u(100_000), victim).motsu_unwrap(), u(100_000));
}

/// The same thin source: a harvest of 1 unit would burn a whole source share worth
/// 83,334 and hand the rest to the source's other holder. It is refused. The guardian's
/// emergency withdrawal redeems every source share (exactly, losing nothing); `unpause`
/// still lifts the pause (a donation must not keep the vault paused) but keeps the asset
/// idle while the source is coarse, and a later pause and unpause goes back in.
#[motsu::test]
fn a_harvest_that_would_burn_a_coarse_source_share_is_refused(
    vault: V,
    token: T,
    source: S,
    ledger: L,
    admin: Address,
    attacker: Address,
    victim: Address,
) {
    let e = Env::plain(&vault, &token, &source, &ledger, admin);
    e.harvest_rules(U256::ZERO, 0, false, 1_000, 100);
    e.deposit(victim, u(10));
    token.sender(attacker).mint(attacker, u(1)).motsu_unwrap();
    token.sender(attacker).approve(source.address(), u(1)).motsu_unwrap();
    source.sender(attacker).deposit(u(1), attacker).motsu_unwrap();
    e.gain(u(1_000_000));
    e.poke(victim);
    assert_eq!(e.pending(), u(1));
    let share = source.sender(admin).convert_to_assets(u(1)).motsu_unwrap();
    let err = vault.sender(admin).harvest().motsu_unwrap_err();
    assert_err(
        err,
        SourceTooCoarse { source: source.address(), shareWorth: share, bound: u(1_000) },
    );
    let before = e.value();
    e.grant(GUARDIAN_ROLE, admin);
    vault.sender(admin).emergency_withdraw().motsu_unwrap();
    assert_eq!(e.value(), before, "redeeming every source share loses nothing");
    let idle = token.sender(admin).balance_of(vault.address());
    vault.sender(admin).unpause().motsu_unwrap();
    assert!(!vault.sender(admin).paused());
    assert_eq!(vault.sender(admin).config().14 & 4, 4, "still idle only");
    assert_eq!(token.sender(admin).balance_of(vault.address()), idle);
    // Harvests now come from idle asset, with nothing through the source.
    vault.sender(admin).harvest().motsu_unwrap();
    // The source healthy again (the donation gone: one share worth a few hundred), a
    // pause and unpause goes back in.
    e.lose(source.sender(admin).total_assets().motsu_unwrap() - u(500));
    vault.sender(admin).pause().motsu_unwrap();
    vault.sender(admin).unpause().motsu_unwrap();
    assert_eq!(vault.sender(admin).config().14 & 4, 0);
    assert!(token.sender(admin).balance_of(vault.address()) < idle);
}
