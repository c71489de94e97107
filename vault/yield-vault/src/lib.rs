//! YieldVault: a principal-protected ERC-4626 vault whose yield funds compute credits.
//!
//! Shares are 1:1 with principal while the vault is solvent. The capital sits in one yield
//! source (an ERC-4626 vault over the same asset, or an adapter with the same interface);
//! the vault's value is the source position plus idle asset. Everything above principal
//! (and above yield already attributed) is yield: before any share balance changes, the
//! vault attributes the yield accrued so far and tells the compute ledger
//! (`IComputeLedgerHooks`), so credits are accounted O(1) per member. `harvest` moves only
//! attributed yield to the ledger.
//!
//! Accounting, with `S` = total supply (principal owed), `A` = yield attributed and not yet
//! harvested (owed to the ledger, senior to principal), `V` = source position + idle and
//! `F = V - A` (what belongs to holders):
//! - solvent (`F >= S`): every conversion is 1:1; the surplus `F - S` beyond a small
//!   rounding reserve (`rounding_reserve`, which pays for the source's rounding) is
//!   attributed as yield, but only while the pending `A` stays within `maxProfitBps` of `S`
//!   (the profit bound: a manipulated source rate can move at most that much per harvest).
//! - deficit (`F < S`): no yield, no harvest; conversions price at `F / S` pro rata (the
//!   high-water mark is one asset per share: yield counts again only once `F` is back above
//!   `S`). Deposits revert when the deficit exceeds `maxLossBps` of `S` (the loss bound, so
//!   a manipulated low rate cannot be bought into); exits always proceed pro rata.
//!
//! Donations (asset or source shares) raise `V`, so they become yield and never move the
//! share price; the price is fixed at 1 while solvent, so there is no first-depositor
//! inflation.
//!
//! Where each rule lives:
//! - [`attribution`]: the books (`S`, `F`, yield accruing now), attributing yield, telling
//!   the ledger, the rounding reserve and the loss bound.
//! - [`deposit`] and [`exit`]: the paths shares are minted and burnt by (stake, caps, the
//!   source's rounding paid from yield; lock, balance and allowance).
//! - [`harvest`]: when attributed yield may go to the ledger.
//! - [`grain`]: no deposit or harvest through a source too coarse to round it finely.
//! - [`lock`]: the holder lock, per deposit lot.
//! - [`roles`]: who may configure, harvest, pause; the pause itself.
//! - [`emergency`]: pulling everything back from the source, and going back in.
//! - [`config`]: setup, configuration and the flag bits.
//! - [`calls`]: the raw calls to the asset, the source and the ledger.
//! - [`erc4626`] and [`erc20`]: the standard surfaces.
//! - [`errors`] and [`events`]: every failure and every event.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

mod attribution;
mod calls;
mod config;
mod deposit;
mod emergency;
mod erc20;
mod erc4626;
pub mod errors;
pub mod events;
mod exit;
mod grain;
mod harvest;
mod lock;
mod roles;

use alloc::vec::Vec;

pub use attribution::rounding_reserve;
use compute_fi_contracts::access::Roles;
pub use compute_fi_contracts::access::{ADMIN_ROLE, GUARDIAN_ROLE, KEEPER_ROLE};
use config::NATIVE;
pub use errors::*;
pub use events::*;
use openzeppelin_stylus::{
    token::erc20::{
        extensions::{IErc20Metadata, IErc4626},
        Erc20, IErc20,
    },
    utils::introspection::erc165::IErc165,
};
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageMap, StorageU16, StorageU256, StorageU64, StorageU8,
    },
};

#[storage]
pub struct YieldVault {
    erc20: Erc20,
    /// Name and symbol, left-aligned and zero-padded (at most 32 bytes each).
    name: StorageB256,
    symbol: StorageB256,
    /// Per account: its role bits (see [`roles::KNOWN_ROLES`]).
    roles: Roles,
    // Packed in three slots, so a deposit and a harvest read three words of
    // configuration rather than four (each slot's first read costs 2,100 gas).
    asset: StorageAddress,
    decimals: StorageU8,
    /// The flag bits of [`config`]: initialized, native ETH, idle only, keeper-only
    /// harvest, exact stake, paused.
    flags: StorageU8,
    harvest_interval: StorageU64,
    source: StorageAddress,
    lock_duration: StorageU64,
    max_profit_bps: StorageU16,
    max_loss_bps: StorageU16,
    ledger: StorageAddress,
    last_harvest: StorageU64,
    /// Yield attributed to holders (and told to the ledger) but not yet harvested.
    pending_yield: StorageU256,
    total_cap: StorageU256,
    account_cap: StorageU256,
    min_stake: StorageU256,
    min_harvest: StorageU256,
    /// Per account: its live deposit lot (see [`lock`]).
    lots: StorageMap<Address, StorageU256>,
}

// SAFETY: the vault is the top-level storage of this program (what `#[entrypoint]` would
// declare; the entrypoint is written out below).
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for YieldVault {}

/// The SDK's entrypoint with one narrower reentrancy rule. The SDK refuses every reentrant
/// call; `redeemEth` needs exactly one: WETH paying the unwrapped ETH back to the vault
/// mid-call (empty calldata). So a reentrant call is refused unless its calldata is
/// empty, and an empty-calldata call only reaches `receive`, which changes no state and
/// accepts ETH from the WETH asset alone. Every other reentrant call (a hook of the
/// asset, a contract receiving ETH from `redeemEth`) is refused as before.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[no_mangle]
pub extern "C" fn user_entrypoint(len: usize) -> usize {
    compute_fi_contracts::entrypoint::run::<YieldVault>(
        len,
        compute_fi_contracts::entrypoint::Reentrancy::EmptyCalldataOnly,
    )
}

/// Prints the Solidity interface (what `#[entrypoint]` would generate).
#[cfg(feature = "export-abi")]
pub fn print_from_args() {
    stylus_sdk::abi::export::print_from_args::<YieldVault>();
}

#[public]
#[implements(IErc4626<Error = Error>, IErc20<Error = Error>, IErc20Metadata, IErc165)]
impl YieldVault {
    /// One-time setup, at deployment or, for an ERC-1167 clone, by the factory in the
    /// transaction that creates it: the Stylus constructor's once-only flag lives in the
    /// caller's storage, so each clone runs it once (the implementation ran it at its own
    /// deployment, so nobody can take it over). `admin` gets the admin role; caps start
    /// unlimited, harvest is open with no minimum and no interval, the profit bound is 10%
    /// of principal per harvest and the loss bound 1%. `name` and `symbol` are ASCII,
    /// left-aligned and zero-padded in a bytes32 each (a short string: 32 bytes at most),
    /// which keeps string decoding out of the artifact.
    #[constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn constructor(
        &mut self,
        asset: Address,
        source: Address,
        ledger: Address,
        admin: Address,
        name: B256,
        symbol: B256,
        native: bool,
        lock_duration: u64,
        min_stake: U256,
        exact_stake: bool,
    ) -> Result<(), Error> {
        self.setup(
            asset,
            source,
            ledger,
            admin,
            name,
            symbol,
            native,
            lock_duration,
            min_stake,
            exact_stake,
        )
    }

    /// Payable deposit of native ETH, wrapped into the WETH asset.
    #[payable]
    pub fn deposit_eth(&mut self, receiver: Address) -> Result<U256, Error> {
        self.only_native()?;
        let assets = self.vm().msg_value();
        self.deposit_to(assets, receiver, deposit::Payment::WrapEth)
    }

    /// `redeem` paying native ETH: the WETH asset is unwrapped and the ETH sent to
    /// `receiver` with all gas left (a token-bound account's `receive` needs more than a
    /// stipend). Shares are burnt before any call; a receiver calling back into the vault
    /// is refused (see `user_entrypoint`). WETH must send the ETH with enough gas to enter
    /// a Stylus program (Arbitrum's aeWETH forwards all gas).
    pub fn redeem_eth(
        &mut self,
        shares: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Error> {
        self.only_native()?;
        self.redeem_to(shares, receiver, owner, exit::Payout::UnwrapToEth)
    }

    /// Accepts ETH only from the WETH asset (unwrapping for `redeemEth`); changes nothing.
    #[receive]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        let from = self.vm().msg_sender();
        if !self.flag(NATIVE) || from != self.asset.get() {
            return Err(Error::UnexpectedEth(UnexpectedEth {
                from,
                amount: self.vm().msg_value(),
            })
            .into());
        }
        Ok(())
    }

    /// Moves attributed yield to the ledger. Open to anyone unless keeper-only; needs the
    /// interval since the last harvest, no deficit and at least the minimum pending.
    pub fn harvest(&mut self) -> Result<U256, Error> {
        self.harvest_pending_yield()
    }

    /// Admin: caps (in principal), minimum or exact stake, lock of each deposit's shares
    /// (seconds, at most a year; fixed per lot when it lands), harvest minimum and interval, keeper-only switch, profit bound
    /// (pending yield at most `maxProfitBps` of principal) and loss bound (deposits refused
    /// past a deficit of `maxLossBps` of principal, at most 10,000).
    #[allow(clippy::too_many_arguments)]
    pub fn configure(
        &mut self,
        total_cap: U256,
        account_cap: U256,
        min_stake: U256,
        exact_stake: bool,
        lock_duration: u64,
        min_harvest: U256,
        harvest_interval: u64,
        keeper_only: bool,
        max_profit_bps: u16,
        max_loss_bps: u16,
    ) -> Result<(), Error> {
        self.only_role(ADMIN_ROLE)?;
        self.store_config(
            total_cap,
            account_cap,
            min_stake,
            exact_stake,
            lock_duration,
            min_harvest,
            harvest_interval,
            keeper_only,
            max_profit_bps,
            max_loss_bps,
        )
    }

    /// (totalCap, accountCap, minStake, exactStake, lockDuration, minHarvest,
    /// harvestInterval, keeperOnly, maxProfitBps, maxLossBps, yieldSource, ledger,
    /// pendingYield, lastHarvest, flags): pending yield is attributed and not yet
    /// harvested; flags = 2 native ETH | 4 idle only (emergency) | 32 paused.
    #[allow(clippy::type_complexity)]
    pub fn config(
        &self,
    ) -> (U256, U256, U256, bool, u64, U256, u64, bool, u16, u16, Address, Address, U256, u64, u8)
    {
        self.config_tuple()
    }

    /// When `owner`'s latest deposit lot unlocks (0 if it never held one); `maxRedeem`
    /// gives the shares free now.
    pub fn unlock_time(&self, owner: Address) -> u64 {
        self.unlock_time_of(owner)
    }

    /// Whether `account` holds `role` (admin = zero, `KEEPER_ROLE`, `GUARDIAN_ROLE`).
    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.roles.has(&roles::KNOWN_ROLES, role, account)
    }

    /// Admin: gives `role` to `account`.
    pub fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.only_role(ADMIN_ROLE)?;
        self.set_role(role, account, true)
    }

    /// Admin: takes `role` from `account`.
    pub fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.only_role(ADMIN_ROLE)?;
        self.set_role(role, account, false)
    }

    /// Whether the contract is paused.
    pub fn paused(&self) -> bool {
        self.flag(config::PAUSED)
    }

    /// Guardian: stops deposits, mints and harvests. Exits of unlocked shares go on.
    pub fn pause(&mut self) -> Result<(), Error> {
        self.only_role(GUARDIAN_ROLE)?;
        self.set_paused(true)
    }

    /// Guardian: lifts the pause; after an emergency, idle asset goes back into the source.
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.only_role(GUARDIAN_ROLE)?;
        self.set_paused(false)?;
        self.reinvest_after_emergency()
    }

    /// Guardian: redeems the whole source position to idle and pauses (if not already):
    /// exits go on from idle, deposits stay idle until `unpause`.
    pub fn emergency_withdraw(&mut self) -> Result<U256, Error> {
        self.only_role(GUARDIAN_ROLE)?;
        self.withdraw_all_to_idle()
    }
}

#[cfg(test)]
mod tests;
