//! ComputeLedger: harvested yield becomes compute credits, kept per account.
//!
//! Credits are units of the payment token and are always backed by payment tokens the
//! ledger holds. The job market (a separate contract, `job-market`, because one contract
//! would not fit the 24 KiB limit) reserves, releases and charges credits through the
//! market-only functions and pays providers through [`ComputeLedger::pay`].
//!
//! # Accounting: harvest epochs
//!
//! The vault *attributes* yield (in its asset) before every share balance change, through
//! `onSharesChanged`, and hands the tokens over only at `onHarvest`, where they may be
//! swapped into the payment token at that harvest's rate. Credits must be backed, so yield
//! attributed but not yet harvested and converted is *pending accrual*, not spendable.
//!
//! - `yield_per_share`: asset units scaled by 1e27, cumulative. Each attribution of `y`
//!   over `S > 0` shares adds `floor(y * 1e27 / S)` and adds `y` to the open epoch's
//!   member yield `Y`. With `S == 0` the yield is the pool's (`pool_yield`).
//! - A harvest seals the open epoch (everything attributed in it is harvested now) and
//!   opens the next, so later yield never joins a harvest whose assets are already
//!   counted. A sealed epoch is closed by a successful conversion of exactly its assets
//!   (`A` assets become `P` payment tokens). The pool takes `pool_bps` of `P`; of the rest,
//!   members get `M = R * Y / max(A, Y + pool_yield)`, the pool the remainder. The credits
//!   accumulator `credits_per_share` (payment units per share, scaled 1e27) advances by
//!   `floor(Δyield_per_share_epoch * M / Y)`. Each closed epoch stores its
//!   `end_yield_per_share`, `end_credits_per_share`, `member_output` (`M`) and
//!   `member_yield` (`Y`).
//! - An account stores `credits`, `reserved`, the `settled_yield_per_share` and
//!   `settled_epoch` of its last settlement, and `pending_yield` (scaled asset yield
//!   accrued in the open epoch of its last settlement). Settling with the balance `b`
//!   held since then: if its epoch `e` has closed, its partial first epoch
//!   `pending_yield + b * (end_yield_per_share[e] - settled_yield_per_share)` converts at
//!   `M_e / Y_e`, whole epochs `e+1 .. now-1` at
//!   `b * (credits_per_share - end_credits_per_share[e])`, and the open epoch's
//!   `b * (yield_per_share - end_yield_per_share[now-1])` stays pending. O(1) whatever
//!   the number of epochs.
//! - Everything rounds down on what accounts get: the sum of all accounts' shares of an
//!   epoch is at most `M` (each `b * floor(Δyield_per_share)` sums to at most `Y`), so
//!   the ledger's balance always covers claims; dust stays in the ledger.
//! - If the conversion is refused (stale, zero or out-of-bounds price, sequencer down, a
//!   router revert or short output, keeper-only), the harvested asset stays in the ledger
//!   and the epoch stays sealed, waiting; [`ComputeLedger::convert`] or the next harvest
//!   retries. At most one epoch waits: a harvest while one waits keeps its assets in the
//!   open epoch, which seals at the first harvest after the waiting one closed. An
//!   account settled while an epoch waits keeps that epoch's yield apart
//!   (`sealed_yield`) from the open epoch's.
//!
//! # Balances: what the hooks cannot tell
//!
//! `onSharesChanged` passes balances *before* a change, never the amount, so the ledger
//! cannot know a balance after a change. Within the hooks it uses the balances passed in
//! (it never calls the vault back: that would be reentrancy). Outside the hooks
//! (transfers, reservations, views) it reads `vault.balanceOf(account)`: as the vault calls
//! the hook before every balance change, that balance is exactly the one held since the
//! account's last settlement.
//!
//! # Roles
//!
//! OpenZeppelin AccessControl's vocabulary: `ADMIN_ROLE` (community governance)
//! configures and grants and revokes the role (`hasRole`, `grantRole`, `revokeRole`,
//! `RoleGranted`, `RoleRevoked`); only the vault calls the hooks and only the market moves
//! reservations. Every refusal is `AccessControlUnauthorizedAccount(caller, neededRole)`
//! (see [`roles`]).
//!
//! # Modules
//!
//! - [`accumulator`]: yield per share, credits per share, epochs; settling an account.
//! - [`conversion`]: the harvested asset into payment tokens (price feed, swap router,
//!   bounds).
//! - [`vault_hooks`]: `onSharesChanged` and `onHarvest`; how balances are known.
//! - [`credits`]: top-ups, transfers, debits.
//! - [`market_hooks`]: reserve, release, charge, pay for the job market.
//! - [`roles`]: who may call what.
//! - [`setup`]: one-time setup, pool and market configuration.
//! - [`errors`], [`events`]: the ABI's errors and events.
//!
//! # What motsu cannot show (local chain)
//!
//! Reentrancy denial (the SDK's guard), a feed or token that is not a contract
//! (`ReadFailed`), real tokens that return no boolean, and anything time-dependent beyond
//! the feed age (motsu fixes the clock; the feed's `updatedAt` is settable instead).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use compute_fi_contracts::access::Roles;
use roles::KNOWN_ROLES;
use stylus_sdk::{
    alloy_primitives::{uint, Address, Uint, B256, U256},
    prelude::*,
    storage::{
        StorageAddress, StorageBool, StorageMap, StorageU16, StorageU256, StorageU64, StorageUint,
    },
};

pub mod accumulator;
pub mod conversion;
pub mod credits;
pub mod errors;
pub mod events;
pub mod market_hooks;
pub mod roles;
pub mod setup;
pub mod vault_hooks;

#[cfg(test)]
mod tests;

use accumulator::portion;
pub use conversion::reason;
use conversion::ConversionSettings;
pub use errors::*;
pub use events::*;
pub use market_hooks::kind;
pub use setup::{MARKET_DELAY, MARKET_GRACE};

/// Fixed-point scale of the per-share accumulators.
pub const SCALE: U256 = uint!(1_000_000_000_000_000_000_000_000_000_U256);

/// Per-account state.
#[storage]
pub struct Account {
    /// Spendable credits (payment units), settled.
    credits: StorageU256,
    /// Credits reserved by open jobs.
    reserved: StorageU256,
    /// Scaled asset yield accrued in `settled_epoch` and not yet converted.
    pending_yield: StorageU256,
    /// `yield_per_share` at the last settlement.
    settled_yield_per_share: StorageU256,
    /// Open epoch at the last settlement.
    settled_epoch: StorageU64,
    /// Whether `sealed_yield` holds yield of the sealed epoch `settled_epoch - 1`, which
    /// was waiting for its conversion at the last settlement (else it is stale).
    has_sealed_yield: StorageBool,
    /// Scaled asset yield accrued in that sealed epoch.
    sealed_yield: StorageU256,
}

/// A closed epoch.
#[storage]
pub struct Epoch {
    /// `yield_per_share` when it closed.
    end_yield_per_share: StorageU256,
    /// `credits_per_share` after it closed.
    end_credits_per_share: StorageU256,
    /// Payment tokens it gave share holders (`M`).
    member_output: StorageU256,
    /// Yield attributed to share holders in it (`Y`, asset units).
    member_yield: StorageU256,
}

/// The ledger.
#[entrypoint]
#[storage]
pub struct ComputeLedger {
    /// Who holds the admin role (community governance).
    roles: Roles,
    vault: StorageAddress,
    asset: StorageAddress,
    payment: StorageAddress,
    pool: StorageAddress,
    pool_bps: StorageU16,
    market: StorageAddress,
    router: StorageAddress,
    fee: StorageUint<24, 1>,
    feed: StorageAddress,
    max_age: StorageU64,
    slippage_bps: StorageU16,
    /// Only a keeper converts: a harvest leaves the swap to [`ComputeLedger::convert`].
    keeper_only: StorageBool,
    /// Chainlink L2 sequencer uptime feed (zero: no check) and the time the sequencer
    /// must have been up before a price is trusted.
    sequencer_feed: StorageAddress,
    grace_period: StorageU64,
    min_answer: StorageU256,
    max_answer: StorageU256,
    /// Price scaling: output = input * answer * `price_num` / `price_den`
    /// (10^payment decimals over 10^(feed decimals + asset decimals)).
    price_num: StorageU256,
    price_den: StorageU256,
    accounts: StorageMap<Address, Account>,
    epochs: StorageMap<u64, Epoch>,
    /// Open epoch index.
    epoch: StorageU64,
    /// Whether epoch `epoch - 1` is sealed and waiting for its conversion (its figures
    /// are the `sealed_*` fields).
    sealed: StorageBool,
    /// `yield_per_share` when the waiting sealed epoch began (it ended where the open
    /// epoch began).
    sealed_start_yield_per_share: StorageU256,
    /// Member yield, pool yield and harvested assets of the waiting sealed epoch.
    sealed_member_yield: StorageU256,
    sealed_pool_yield: StorageU256,
    sealed_assets: StorageU256,
    /// Yield per share (asset units scaled by [`SCALE`]), cumulative.
    yield_per_share: StorageU256,
    /// Credits per share (payment units scaled by [`SCALE`]), cumulative over closed
    /// epochs.
    credits_per_share: StorageU256,
    /// `yield_per_share` when the open epoch began.
    epoch_start_yield_per_share: StorageU256,
    /// Member yield attributed in the open epoch (asset units).
    epoch_member_yield: StorageU256,
    /// Pool yield (attributed with no shares) in the open epoch.
    pool_yield: StorageU256,
    /// Harvested assets waiting for conversion: the sealed epoch's and those harvested
    /// in the open epoch while it waits.
    unconverted: StorageU256,
    /// Payment tokens the ledger has taken into its books (converted output, top-ups)
    /// less what it paid out.
    accounted: StorageU256,
    /// Charged credits owed to the market (providers' earnings).
    owed: StorageU256,
    /// The market scheduled to replace `market`, and from when (0: none scheduled).
    pending_market: StorageAddress,
    pending_market_at: StorageU64,
}

#[public]
impl ComputeLedger {
    /// One-time setup, at deployment or, for an ERC-1167 clone, by the factory in the
    /// transaction that creates it (the Stylus constructor's once-only flag lives in the
    /// caller's storage). `admin` gets the admin role; `market` (zero: none yet) is the
    /// first market, set at once.
    #[constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn constructor(
        &mut self,
        admin: Address,
        vault: Address,
        asset: Address,
        payment: Address,
        pool: Address,
        pool_bps: u16,
        market: Address,
    ) -> Result<(), Error> {
        self.setup(admin, vault, asset, payment, pool, pool_bps)?;
        if !market.is_zero() {
            self.configure_market(market);
        }
        Ok(())
    }

    // ---------------------------------------------------------------- vault hooks

    /// Vault hook before a share balance change: attributes `yield_attributed` over
    /// `total_supply_before`, then settles `from` and `to` on their balances before.
    #[selector(name = "onSharesChanged")]
    pub fn on_shares_changed(
        &mut self,
        from: Address,
        from_balance_before: U256,
        to: Address,
        to_balance_before: U256,
        total_supply_before: U256,
        yield_attributed: U256,
    ) -> Result<(), Error> {
        self.shares_changing(
            from,
            from_balance_before,
            to,
            to_balance_before,
            total_supply_before,
            yield_attributed,
        )
    }

    /// Vault hook after it transferred `assets` of its asset to the ledger: attributes
    /// the last yield, then converts and closes the epoch (or defers the conversion).
    #[selector(name = "onHarvest")]
    pub fn on_harvest(
        &mut self,
        yield_attributed: U256,
        total_supply: U256,
        assets: U256,
    ) -> Result<(), Error> {
        self.harvested(yield_attributed, total_supply, assets)
    }

    /// Converts the sealed epoch waiting for its conversion and closes it. Anyone may
    /// call it, or only a keeper with the keeper-only option.
    pub fn convert(&mut self) -> Result<(), Error> {
        self.only_keeper_when_set()?;
        if !self.sealed.get() {
            return Err(Error::NothingToConvert(NothingToConvert {}));
        }
        let s = self.load_sealed();
        self.convert_and_close(&s, true)
    }

    // ---------------------------------------------------------------- accounts

    /// Pays `amount` payment tokens from the caller into `account`'s credits.
    #[selector(name = "topUp")]
    pub fn top_up(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.top_up_credits(account, amount)
    }

    /// Moves `amount` of the caller's spendable credits to `to`.
    #[selector(name = "transferCredits")]
    pub fn transfer_credits(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        self.transfer_spendable(to, amount)
    }

    /// Settles `account` (turns accrual of closed epochs into credits). Anyone may call.
    pub fn settle(&mut self, account: Address) -> Result<(), Error> {
        let balance = self.shares_of(account)?;
        self.settle_with(account, balance)
    }

    /// Spendable credits of `account`, including accrual of closed epochs.
    pub fn spendable(&self, account: Address) -> Result<U256, Error> {
        let balance = self.shares_of(account)?;
        Ok(self.settled(account, balance)?.credits)
    }

    /// Credits of `account` reserved by open jobs.
    pub fn reserved(&self, account: Address) -> U256 {
        self.accounts.getter(account).reserved.get()
    }

    /// Pending accrual of `account`: yield attributed to it (asset units) not yet
    /// converted (in the open epoch, or in a sealed epoch waiting for its conversion).
    pub fn pending(&self, account: Address) -> Result<U256, Error> {
        let balance = self.shares_of(account)?;
        let s = self.settled(account, balance)?;
        portion(s.pending_yield.saturating_add(s.sealed_yield), U256::from(1u8), SCALE)
    }

    // ---------------------------------------------------------------- market

    /// Market: reserves `amount` of `account`'s spendable credits.
    pub fn reserve(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.reserve_credits(account, amount)
    }

    /// Market: releases `amount` of `account`'s reservation back to its credits.
    pub fn release(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.release_credits(account, amount)
    }

    /// Market: charges `amount` of `account`'s reservation; it becomes owed to the market.
    pub fn charge(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.charge_credits(account, amount)
    }

    /// Market: pays `amount` of what it is owed to `to` (a provider's withdrawal).
    pub fn pay(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        self.pay_owed(to, amount)
    }

    // ---------------------------------------------------------------- admin

    /// Admin: conversion settings (router, pool fee, price feed, maximum price age,
    /// slippage, accepted price bounds).
    #[selector(name = "setConversion")]
    #[allow(clippy::too_many_arguments)]
    pub fn set_conversion(
        &mut self,
        router: Address,
        fee: Uint<24, 1>,
        feed: Address,
        max_age: u64,
        slippage_bps: u16,
        min_answer: U256,
        max_answer: U256,
    ) -> Result<(), Error> {
        self.only_admin()?;
        self.configure_conversion(ConversionSettings {
            router,
            fee,
            feed,
            max_age,
            slippage_bps,
            min_answer,
            max_answer,
        })
    }

    /// Admin: whether only a `KEEPER_ROLE` holder converts (harvests then leave the swap
    /// to `convert`), and the Chainlink L2 sequencer uptime feed (zero: no check) with
    /// the grace period after the sequencer comes back.
    #[selector(name = "setConversionGuards")]
    pub fn set_conversion_guards(
        &mut self,
        keeper_only: bool,
        sequencer_feed: Address,
        grace_period: u64,
    ) -> Result<(), Error> {
        self.only_admin()?;
        self.configure_guards(keeper_only, sequencer_feed, grace_period);
        Ok(())
    }

    /// Admin: the community pool account and its share of each harvest.
    #[selector(name = "setPool")]
    pub fn set_pool(&mut self, pool: Address, pool_bps: u16) -> Result<(), Error> {
        self.only_admin()?;
        self.configure_pool(pool, pool_bps)
    }

    /// Admin: schedules a new job market. The market moves every account's credits, so
    /// only setup's takes effect at once; a change waits [`MARKET_DELAY`]: it is scheduled
    /// (`MarketChangeScheduled`, replacing any earlier schedule) and `applyMarket` makes it
    /// the market once due, within [`MARKET_GRACE`].
    #[selector(name = "setMarket")]
    pub fn set_market(&mut self, market: Address) -> Result<(), Error> {
        self.only_admin()?;
        self.schedule_market(market);
        Ok(())
    }

    /// Anyone, once due and before it expires: makes the scheduled market the market.
    #[selector(name = "applyMarket")]
    pub fn apply_market(&mut self) -> Result<(), Error> {
        self.apply_scheduled_market()
    }

    /// The scheduled market and when it may be applied (zero and 0: none).
    #[selector(name = "pendingMarket")]
    pub fn pending_market(&self) -> (Address, u64) {
        (self.pending_market.get(), self.pending_market_at.get().to::<u64>())
    }

    // ---------------------------------------------------------------- roles

    /// Whether `account` holds `role` (the ledger grants `ADMIN_ROLE` only).
    #[selector(name = "hasRole")]
    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.roles.has(&KNOWN_ROLES, role, account)
    }

    /// Admin: gives `role` to `account`.
    #[selector(name = "grantRole")]
    pub fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.only_admin()?;
        self.set_role(role, account, true)
    }

    /// Admin: takes `role` from `account`.
    #[selector(name = "revokeRole")]
    pub fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.only_admin()?;
        self.set_role(role, account, false)
    }

    // ---------------------------------------------------------------- views

    /// The vault, its asset, the payment token, the pool account, the market.
    pub fn addresses(&self) -> (Address, Address, Address, Address, Address) {
        (self.vault.get(), self.asset.get(), self.payment.get(), self.pool.get(), self.market.get())
    }

    /// The keeper-only option, the sequencer uptime feed and its grace period.
    #[selector(name = "conversionGuards")]
    pub fn conversion_guards(&self) -> (bool, Address, u64) {
        (self.keeper_only.get(), self.sequencer_feed.get(), self.grace_period.get().to::<u64>())
    }

    /// The open epoch (a harvest seals it and opens the next).
    pub fn epoch(&self) -> u64 {
        self.epoch.get().to::<u64>()
    }

    /// Payment tokens in the books (backing of credits, reservations and market debt),
    /// owed to the market, and harvested assets waiting for conversion.
    pub fn totals(&self) -> (U256, U256, U256) {
        (self.accounted.get(), self.owed.get(), self.unconverted.get())
    }
}
