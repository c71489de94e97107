//! Motsu tests of the vault against the real mock ERC-20 and mock ERC-4626 source, with a
//! recording mock ledger.
#![allow(clippy::too_many_arguments)]
#![allow(deprecated)] // motsu 0.10 reads test balances through the deprecated `AddressVM::balance`

use alloc::vec::Vec;

#[allow(unused_imports)]
pub(crate) use compute_fi_contracts::math::{mul_div, Rounding};
use mock_erc20::MockErc20;
use mock_yield_source::MockYieldSource;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20 as _;
#[allow(unused_imports)]
pub(crate) use openzeppelin_stylus::token::erc20::{
    self,
    extensions::erc4626::{Deposit, Withdraw},
};
#[allow(unused_imports)]
pub(crate) use stylus_sdk::alloy_primitives::aliases::B32;
use stylus_sdk::{
    alloy_primitives::{Address, U256, U8},
    prelude::*,
    storage::{StorageAddress, StorageU256, StorageVec},
};

use super::*;
// What the tests name from the vault's modules and the shared library.
#[allow(unused_imports)]
pub(crate) use crate::attribution::ILedgerHooks;

mod attacks;
mod bounds;
mod props;
mod unit;

/// Fixed block timestamp of motsu 0.10.
pub(crate) const NOW: u64 = 1_735_689_600;

/// One `onSharesChanged` call as the ledger saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SharesCall {
    pub from: Address,
    pub from_balance: U256,
    pub to: Address,
    pub to_balance: U256,
    pub supply: U256,
    pub yield_attributed: U256,
}

/// Test-only ledger: records every hook call (flattened into storage vectors) and checks
/// that only the vault calls it.
#[storage]
pub struct RecordingLedger {
    vault: StorageAddress,
    shares_calls: StorageVec<StorageU256>,
    harvest_calls: StorageVec<StorageU256>,
    /// Sum of `yield_attributed` over both hooks.
    total_attributed: StorageU256,
}

unsafe impl TopLevelStorage for RecordingLedger {}

#[public]
impl RecordingLedger {
    pub fn set_vault(&mut self, vault: Address) {
        self.vault.set(vault);
    }

    pub fn on_shares_changed(
        &mut self,
        from: Address,
        from_balance_before: U256,
        to: Address,
        to_balance_before: U256,
        total_supply_before: U256,
        yield_attributed: U256,
    ) -> Result<(), Vec<u8>> {
        if self.vm().msg_sender() != self.vault.get() {
            return Err(b"not the vault".to_vec());
        }
        for v in [
            U256::from_be_slice(from.as_slice()),
            from_balance_before,
            U256::from_be_slice(to.as_slice()),
            to_balance_before,
            total_supply_before,
            yield_attributed,
        ] {
            self.shares_calls.push(v);
        }
        let t = self.total_attributed.get() + yield_attributed;
        self.total_attributed.set(t);
        Ok(())
    }

    pub fn on_harvest(
        &mut self,
        yield_attributed: U256,
        total_supply: U256,
        assets: U256,
    ) -> Result<(), Vec<u8>> {
        if self.vm().msg_sender() != self.vault.get() {
            return Err(b"not the vault".to_vec());
        }
        for v in [yield_attributed, total_supply, assets] {
            self.harvest_calls.push(v);
        }
        let t = self.total_attributed.get() + yield_attributed;
        self.total_attributed.set(t);
        Ok(())
    }
}

impl RecordingLedger {
    pub fn shares_log(&self) -> Vec<SharesCall> {
        let n = self.shares_calls.len() / 6;
        (0..n)
            .map(|i| {
                let g = |k: usize| self.shares_calls.get(i * 6 + k).unwrap_or_default();
                SharesCall {
                    from: Address::from_word(g(0).into()),
                    from_balance: g(1),
                    to: Address::from_word(g(2).into()),
                    to_balance: g(3),
                    supply: g(4),
                    yield_attributed: g(5),
                }
            })
            .collect()
    }

    pub fn last_shares(&self) -> Option<SharesCall> {
        self.shares_log().pop()
    }

    /// (yield_attributed, total_supply, assets) of every harvest.
    pub fn harvest_log(&self) -> Vec<(U256, U256, U256)> {
        let n = self.harvest_calls.len() / 3;
        (0..n)
            .map(|i| {
                let g = |k: usize| self.harvest_calls.get(i * 3 + k).unwrap_or_default();
                (g(0), g(1), g(2))
            })
            .collect()
    }

    pub fn total_attributed(&self) -> U256 {
        self.total_attributed.get()
    }
}

/// motsu keeps every contract's storage in one shared map and panics ("storage is
/// locked") when a long test holds a shard another thread needs; the tests of this crate
/// take turns instead.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub(crate) fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The contracts of one test.
pub(crate) struct Env<'a> {
    _turn: std::sync::MutexGuard<'static, ()>,
    pub vault: &'a Contract<YieldVault>,
    pub token: &'a Contract<MockErc20>,
    pub source: &'a Contract<MockYieldSource>,
    pub ledger: &'a Contract<RecordingLedger>,
    pub admin: Address,
}

/// A short string as the constructor takes it.
pub(crate) fn b32(s: &str) -> B256 {
    B256::right_padding_from(s.as_bytes())
}

pub(crate) fn u(x: u128) -> U256 {
    U256::from(x)
}

/// One whole token (18 decimals).
pub(crate) const E18: u128 = 1_000_000_000_000_000_000;

impl<'a> Env<'a> {
    /// Deploys token, source, ledger and the vault (constructor), with `lock` seconds of
    /// lock and a minimum stake.
    pub fn new(
        vault: &'a Contract<YieldVault>,
        token: &'a Contract<MockErc20>,
        source: &'a Contract<MockYieldSource>,
        ledger: &'a Contract<RecordingLedger>,
        admin: Address,
        lock: u64,
        min_stake: U256,
        exact: bool,
        native: bool,
    ) -> Self {
        let turn = serial();
        token.sender(admin).constructor("Wrapped Ether".into(), "WETH".into(), U8::from(18));
        source.sender(admin).constructor(token.address(), "Source".into(), "SRC".into());
        ledger.sender(admin).set_vault(vault.address());
        vault
            .sender(admin)
            .constructor(
                token.address(),
                source.address(),
                ledger.address(),
                admin,
                b32("Vault Share"),
                b32("vWETH"),
                native,
                lock,
                min_stake,
                exact,
            )
            .motsu_unwrap();
        Env { _turn: turn, vault, token, source, ledger, admin }
    }

    /// Plain setup: no lock, no minimum.
    pub fn plain(
        vault: &'a Contract<YieldVault>,
        token: &'a Contract<MockErc20>,
        source: &'a Contract<MockYieldSource>,
        ledger: &'a Contract<RecordingLedger>,
        admin: Address,
    ) -> Self {
        Self::new(vault, token, source, ledger, admin, 0, U256::ZERO, false, false)
    }

    /// Mints `amount` of asset to `who` and approves the vault for everything.
    pub fn fund(&self, who: Address, amount: U256) {
        self.token.sender(who).mint(who, amount).motsu_unwrap();
        self.token.sender(who).approve(self.vault.address(), U256::MAX).motsu_unwrap();
    }

    pub fn deposit(&self, who: Address, amount: U256) -> U256 {
        self.fund(who, amount);
        self.vault.sender(who).deposit(amount, who).motsu_unwrap()
    }

    /// Someone else holds `amount` in the source (a live source is never empty: an empty
    /// OpenZeppelin 4626 with no offset can be inflated until one share is worth a fortune,
    /// and then every exchange rounds by that much).
    pub fn seed_source(&self, amount: U256) {
        let whale = Address::random();
        self.token.sender(whale).mint(whale, amount).motsu_unwrap();
        self.token.sender(whale).approve(self.source.address(), amount).motsu_unwrap();
        self.source.sender(whale).deposit(amount, whale).motsu_unwrap();
    }

    /// A zero self-transfer: makes the vault attribute what accrued (and tell the ledger).
    pub fn poke(&self, who: Address) {
        self.vault.sender(who).transfer(who, U256::ZERO).motsu_unwrap();
    }

    /// Raises the source's rate: asset minted straight into it.
    pub fn gain(&self, amount: U256) {
        self.token.sender(self.admin).mint(self.source.address(), amount).motsu_unwrap();
    }

    /// Cuts the source's rate.
    pub fn lose(&self, amount: U256) {
        self.source.sender(self.admin).simulate_loss(amount).motsu_unwrap();
    }

    /// Position value + idle, as the vault computes it.
    pub fn value(&self) -> U256 {
        let shares = self.source.sender(self.admin).balance_of(self.vault.address());
        let pos = self.source.sender(self.admin).convert_to_assets(shares).motsu_unwrap();
        pos + self.token.sender(self.admin).balance_of(self.vault.address())
    }

    pub fn asset_of(&self, who: Address) -> U256 {
        self.token.sender(who).balance_of(who)
    }

    pub fn shares_of(&self, who: Address) -> U256 {
        self.vault.sender(who).balance_of(who)
    }

    pub fn supply(&self) -> U256 {
        self.vault.sender(self.admin).total_supply()
    }

    pub fn pending(&self) -> U256 {
        self.vault.sender(self.admin).config().12
    }

    /// Yield a balance change would attribute now, from the mocks' own numbers: value
    /// above principal, pending and the rounding reserve, capped so pending stays within
    /// the profit bound.
    pub fn accruable(&self) -> U256 {
        let c = self.vault.sender(self.admin).config();
        let supply = self.supply();
        let free = self.value().saturating_sub(c.12);
        if free <= supply {
            return U256::ZERO;
        }
        let bound = supply * U256::from(c.8) / U256::from(10_000u64);
        (free - supply)
            .saturating_sub(crate::rounding_reserve(supply))
            .min(bound.saturating_sub(c.12))
    }

    /// Sets caps, stake and lock, keeping the harvest settings.
    pub fn limits(
        &self,
        total_cap: U256,
        account_cap: U256,
        min_stake: U256,
        exact: bool,
        lock: u64,
    ) {
        let c = self.vault.sender(self.admin).config();
        self.vault
            .sender(self.admin)
            .configure(total_cap, account_cap, min_stake, exact, lock, c.5, c.6, c.7, c.8, c.9)
            .motsu_unwrap();
    }

    /// Sets the harvest settings, keeping caps, stake and lock.
    pub fn harvest_rules(
        &self,
        min_harvest: U256,
        interval: u64,
        keeper_only: bool,
        max_profit_bps: u16,
        max_loss_bps: u16,
    ) {
        let c = self.vault.sender(self.admin).config();
        self.vault
            .sender(self.admin)
            .configure(
                c.0,
                c.1,
                c.2,
                c.3,
                c.4,
                min_harvest,
                interval,
                keeper_only,
                max_profit_bps,
                max_loss_bps,
            )
            .motsu_unwrap();
    }

    pub fn grant(&self, role: B256, who: Address) {
        self.vault.sender(self.admin).grant_role(role, who).motsu_unwrap();
    }

    /// Opens the profit bound fully (pending may reach 100x principal).
    pub fn open_bounds(&self) {
        self.harvest_rules(U256::ZERO, 0, false, u16::MAX, 10_000);
    }
}
