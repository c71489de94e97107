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
//! - `yps`: yield per share, asset units scaled by 1e27, cumulative. Each attribution of
//!   `y` over `S > 0` shares adds `floor(y * 1e27 / S)` and adds `y` to the open epoch's
//!   member yield `Y`. With `S == 0` the yield is the pool's (`pool_yield`).
//! - An epoch is closed by a successful conversion of everything harvested in it
//!   (`A` assets become `P` payment tokens). The pool takes `pool_bps` of `P`; of the rest,
//!   members get `M = R * Y / max(A, Y + pool_yield)`, the pool the remainder. The credits
//!   accumulator `cps` (payment units per share, scaled 1e27) advances by
//!   `floor(Δyps_epoch * M / Y)`. Each closed epoch stores `yps_end`, `cps_end`, `M`, `Y`.
//! - An account stores `credits`, `reserved`, the `yps` and epoch of its last settlement,
//!   and `pend` (scaled asset yield accrued in the open epoch of its last settlement).
//!   Settling with the balance `b` held since then: if its epoch `e` has closed, its
//!   partial first epoch `pend + b * (yps_end[e] - yps_acc)` converts at `M_e / Y_e`,
//!   whole epochs `e+1 .. now-1` at `b * (cps - cps_end[e])`, and the open epoch's
//!   `b * (yps - yps_end[now-1])` stays pending. O(1) whatever the number of epochs.
//! - Everything rounds down on what accounts get: the sum of all accounts' shares of an
//!   epoch is at most `M` (each `b * floor(Δyps)` sums to at most `Y`), so the ledger's
//!   balance always covers claims; dust stays in the ledger.
//! - If the conversion is refused (stale, zero or out-of-bounds price, a router revert or
//!   short output), the harvested asset stays in the ledger and the epoch stays open;
//!   [`ComputeLedger::convert`] retries (anyone may call it).
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
//! One role: the admin (community governance), a plain address with `setAdmin`.
//! OpenZeppelin's AccessControl cost ~1.3 KB compressed, which this contract does not
//! have under the 24 KiB limit; the ledger needs no other role (the vault and the market
//! are configured addresses).
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

use alloy_sol_types::SolCall;
use compute_fi_contracts::{
    interfaces::ledger::{
        exactInputSingleCall, ExactInputSingleParams, IAggregatorV3, IErc20Calls, IErc20View,
    },
    math::{bps_of, mul_div, Rounding, BPS},
};
use stylus_sdk::{
    alloy_primitives::{uint, Address, Uint, I256, U256},
    alloy_sol_types::sol,
    call,
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU16, StorageU256, StorageU64, StorageUint},
};

#[cfg(test)]
mod tests;

/// Fixed-point scale of the per-share accumulators.
pub const SCALE: U256 = uint!(1_000_000_000_000_000_000_000_000_000_U256);

/// Why a conversion was refused (the `reason` of [`PriceRefused`] and
/// [`ConversionDeferred`]).
pub mod reason {
    /// The feed answered zero or a negative price.
    pub const ZERO_PRICE: u8 = 1;
    /// The feed's last update is older than the configured maximum age.
    pub const STALE_PRICE: u8 = 2;
    /// The price is outside the configured bounds.
    pub const OUT_OF_BOUNDS: u8 = 3;
    /// The feed could not be read.
    pub const FEED_FAILED: u8 = 4;
    /// The router reverted or paid less than the minimum output.
    pub const SWAP_FAILED: u8 = 5;
    /// No router or feed is configured.
    pub const NOT_CONFIGURED: u8 = 6;
}

/// Kinds of [`MarketMoved`].
pub mod kind {
    /// Spendable credits became reserved.
    pub const RESERVE: u8 = 1;
    /// Reserved credits went back to spendable.
    pub const RELEASE: u8 = 2;
    /// Reserved credits were charged: now owed to the market.
    pub const CHARGE: u8 = 3;
    /// Owed tokens were paid out (to a provider).
    pub const PAY: u8 = 4;
}

sol! {
    /// Yield was attributed to share holders (`totalSupply` > 0) or to the pool.
    #[derive(Debug)]
    event YieldAttributed(uint256 amount, uint256 totalSupply);
    /// The vault handed over `assets` of its asset for epoch `epoch`.
    #[derive(Debug)]
    event Harvested(uint256 indexed epoch, uint256 assets);
    /// Epoch `epoch` closed: `assets` became `output` payment tokens, `members` of them
    /// for share holders, `pool` for the community pool account.
    #[derive(Debug)]
    event EpochClosed(uint256 indexed epoch, uint256 assets, uint256 output, uint256 members, uint256 pool);
    /// The conversion of the open epoch's assets was refused; they stay for a retry.
    #[derive(Debug)]
    event ConversionDeferred(uint256 indexed epoch, uint256 assets, uint8 reason);
    /// Accrued yield of closed epochs became `amount` spendable credits of `account`.
    #[derive(Debug)]
    event Accrued(address indexed account, uint256 amount);
    /// `from` paid `amount` payment tokens into `account`'s credits.
    #[derive(Debug)]
    event ToppedUp(address indexed from, address indexed account, uint256 amount);
    /// Credits moved between accounts.
    #[derive(Debug)]
    event CreditsTransferred(address indexed from, address indexed to, uint256 amount);
    /// A market operation (see [`kind`]) moved `amount` for `account`.
    #[derive(Debug)]
    event MarketMoved(uint8 indexed kind, address indexed account, uint256 amount);
    /// The admin (community governance) changed.
    #[derive(Debug)]
    event AdminChanged(address indexed previous, address indexed admin);
    /// Conversion settings changed.
    #[derive(Debug)]
    event ConversionConfigured(address router, uint24 fee, address feed, uint64 maxAge, uint16 slippageBps, uint256 minAnswer, uint256 maxAnswer);
    /// Pool account or share changed.
    #[derive(Debug)]
    event PoolConfigured(address pool, uint16 poolBps);
    /// The job market allowed to move reservations changed.
    #[derive(Debug)]
    event MarketConfigured(address market);

    /// Only the configured vault (hooks) or job market (market functions) may call this.
    #[derive(Debug)]
    error NotAllowed(address caller);
    /// An amount overflowed 256 bits.
    #[derive(Debug)]
    error Overflow();
    /// Zero amount or zero address where one is needed.
    #[derive(Debug)]
    error InvalidArgument();
    /// Setup was already done.
    #[derive(Debug)]
    error AlreadyInitialized();
    /// Not enough spendable credits.
    #[derive(Debug)]
    error InsufficientCredits(address account, uint256 available, uint256 needed);
    /// Not enough reserved credits.
    #[derive(Debug)]
    error InsufficientReserved(address account, uint256 reserved, uint256 needed);
    /// The market asked for more than it is owed.
    #[derive(Debug)]
    error InsufficientOwed(uint256 owed, uint256 needed);
    /// The vault's hand-over did not arrive: the ledger's balance of `token` is short.
    #[derive(Debug)]
    error AssetsNotReceived(address token, uint256 expected, uint256 balance);
    /// Only the admin may call this.
    #[derive(Debug)]
    error Unauthorized(address caller);
    /// A token call reverted or did not return `true`.
    #[derive(Debug)]
    error TokenCallFailed(address token);
    /// A balance read failed.
    #[derive(Debug)]
    error ReadFailed(address target);
    /// Nothing is waiting for conversion.
    #[derive(Debug)]
    error NothingToConvert();
    /// The conversion was refused (see [`reason`]).
    #[derive(Debug)]
    error ConversionRefused(uint8 reason, int256 answer, uint256 updatedAt);
}

/// Every error of the ledger.
#[derive(SolidityError, Debug)]
pub enum Error {
    NotAllowed(NotAllowed),
    Overflow(Overflow),
    InvalidArgument(InvalidArgument),
    AlreadyInitialized(AlreadyInitialized),
    InsufficientCredits(InsufficientCredits),
    InsufficientReserved(InsufficientReserved),
    InsufficientOwed(InsufficientOwed),
    AssetsNotReceived(AssetsNotReceived),
    ReadFailed(ReadFailed),
    NothingToConvert(NothingToConvert),
    ConversionRefused(ConversionRefused),
    Unauthorized(Unauthorized),
    TokenFailed(TokenCallFailed),
}

fn token_ok<E>(r: Result<bool, E>, token: Address) -> Result<(), Error> {
    match r {
        Ok(true) => Ok(()),
        _ => Err(Error::TokenFailed(TokenCallFailed { token })),
    }
}

fn overflow() -> Error {
    Error::Overflow(Overflow {})
}

fn add(a: U256, b: U256) -> Result<U256, Error> {
    a.checked_add(b).ok_or_else(overflow)
}

fn sub(a: U256, b: U256) -> Result<U256, Error> {
    a.checked_sub(b).ok_or_else(overflow)
}

fn mul(a: U256, b: U256) -> Result<U256, Error> {
    a.checked_mul(b).ok_or_else(overflow)
}

/// `10^n`, checked.
fn pow10(n: u8) -> Result<U256, Error> {
    let mut x = U256::from(1u8);
    for _ in 0..n {
        x = mul(x, U256::from(10u8))?;
    }
    Ok(x)
}

/// `x * y / d` rounded down; zero when `d` is zero (an empty epoch).
fn frac(x: U256, y: U256, d: U256) -> Result<U256, Error> {
    if d.is_zero() || x.is_zero() || y.is_zero() {
        return Ok(U256::ZERO);
    }
    mul_div(x, y, d, Rounding::Down).ok_or_else(overflow)
}

/// Per-account state.
#[storage]
pub struct Account {
    /// Spendable credits (payment units), settled.
    credits: StorageU256,
    /// Credits reserved by open jobs.
    reserved: StorageU256,
    /// Scaled asset yield accrued in `epoch` and not yet converted.
    pend: StorageU256,
    /// `yps` at the last settlement.
    yps: StorageU256,
    /// Open epoch at the last settlement.
    epoch: StorageU64,
}

/// A closed epoch.
#[storage]
pub struct Epoch {
    yps_end: StorageU256,
    cps_end: StorageU256,
    members_out: StorageU256,
    members_yield: StorageU256,
}

/// Settled view of an account: (credits, pend, newly accrued).
struct Settled {
    credits: U256,
    pend: U256,
    accrued: U256,
}

/// The ledger.
#[entrypoint]
#[storage]
pub struct ComputeLedger {
    admin: StorageAddress,
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
    yps: StorageU256,
    cps: StorageU256,
    /// `yps` when the open epoch began.
    epoch_yps: StorageU256,
    /// Member yield attributed in the open epoch (asset units).
    epoch_yield: StorageU256,
    /// Pool yield (attributed with no shares) in the open epoch.
    pool_yield: StorageU256,
    /// Assets harvested in the open epoch, waiting for conversion.
    unconverted: StorageU256,
    /// Payment tokens the ledger has taken into its books (converted output, top-ups)
    /// less what it paid out.
    accounted: StorageU256,
    /// Charged credits owed to the market (providers' earnings).
    owed: StorageU256,
}

#[public]
impl ComputeLedger {
    /// Direct deployment: sets everything up (see [`Self::initialize`]).
    #[constructor]
    pub fn constructor(
        &mut self,
        admin: Address,
        vault: Address,
        asset: Address,
        payment: Address,
        pool: Address,
        pool_bps: u16,
    ) -> Result<(), Error> {
        self.setup(admin, vault, asset, payment, pool, pool_bps)
    }

    /// One-time setup for a clone, called in the transaction that creates it.
    pub fn initialize(
        &mut self,
        admin: Address,
        vault: Address,
        asset: Address,
        payment: Address,
        pool: Address,
        pool_bps: u16,
    ) -> Result<(), Error> {
        self.setup(admin, vault, asset, payment, pool, pool_bps)
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
        self.only_vault()?;
        self.attribute(yield_attributed, total_supply_before)?;
        if !from.is_zero() {
            self.settle_with(from, from_balance_before)?;
        }
        if !to.is_zero() {
            self.settle_with(to, to_balance_before)?;
        }
        Ok(())
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
        self.only_vault()?;
        self.attribute(yield_attributed, total_supply)?;
        let asset = self.asset.get();
        let unconverted = add(self.unconverted.get(), assets)?;
        // Tokens held for the books: for the payment token everything accounted, else the
        // waiting assets.
        let expected = if asset == self.payment.get() {
            add(self.accounted.get(), unconverted)?
        } else {
            unconverted
        };
        let balance = self.balance_of(asset, self.vm().contract_address())?;
        if balance < expected {
            return Err(Error::AssetsNotReceived(AssetsNotReceived {
                token: asset,
                expected,
                balance,
            }));
        }
        self.unconverted.set(unconverted);
        let epoch = U256::from(self.epoch.get());
        log(self.vm(), Harvested { epoch, assets });
        if unconverted.is_zero() {
            return Ok(());
        }
        match self.convert_and_close() {
            Ok(()) => Ok(()),
            Err(Error::ConversionRefused(r)) => {
                log(self.vm(), ConversionDeferred { epoch, assets: unconverted, reason: r.reason });
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Retries the conversion of the open epoch's harvested assets. Anyone may call it.
    pub fn convert(&mut self) -> Result<(), Error> {
        if self.unconverted.get().is_zero() {
            return Err(Error::NothingToConvert(NothingToConvert {}));
        }
        self.convert_and_close()
    }

    // ---------------------------------------------------------------- accounts

    /// Pays `amount` payment tokens from the caller into `account`'s credits.
    #[selector(name = "topUp")]
    pub fn top_up(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() || account.is_zero() {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        let from = self.vm().msg_sender();
        let mut acc = self.accounts.setter(account);
        let credits = add(acc.credits.get(), amount)?;
        acc.credits.set(credits);
        self.accounted.set(add(self.accounted.get(), amount)?);
        log(self.vm(), ToppedUp { from, account, amount });
        let me = self.vm().contract_address();
        let token = self.payment.get();
        let r = IErc20Calls::new(token).transfer_from(&mut *self, from, me, amount);
        token_ok(r, token)
    }

    /// Moves `amount` of the caller's spendable credits to `to`.
    #[selector(name = "transferCredits")]
    pub fn transfer_credits(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() || to.is_zero() {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        let from = self.vm().msg_sender();
        self.debit(from, amount)?;
        let mut acc = self.accounts.setter(to);
        let credits = add(acc.credits.get(), amount)?;
        acc.credits.set(credits);
        log(self.vm(), CreditsTransferred { from, to, amount });
        Ok(())
    }

    /// Settles `account` (turns accrual of closed epochs into credits). Anyone may call.
    pub fn settle(&mut self, account: Address) -> Result<(), Error> {
        let b = self.shares_of(account)?;
        self.settle_with(account, b)
    }

    /// Spendable credits of `account`, including accrual of closed epochs.
    pub fn spendable(&self, account: Address) -> Result<U256, Error> {
        let b = self.shares_of(account)?;
        Ok(self.compute(account, b)?.credits)
    }

    /// Credits of `account` reserved by open jobs.
    pub fn reserved(&self, account: Address) -> U256 {
        self.accounts.getter(account).reserved.get()
    }

    /// Pending accrual of `account`: yield attributed in the open epoch (asset units),
    /// not yet harvested or converted.
    pub fn pending(&self, account: Address) -> Result<U256, Error> {
        let b = self.shares_of(account)?;
        frac(self.compute(account, b)?.pend, U256::from(1u8), SCALE)
    }

    // ---------------------------------------------------------------- market

    /// Market: reserves `amount` of `account`'s spendable credits.
    pub fn reserve(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.only_market()?;
        self.debit(account, amount)?;
        let mut acc = self.accounts.setter(account);
        let r = add(acc.reserved.get(), amount)?;
        acc.reserved.set(r);
        log(self.vm(), MarketMoved { kind: kind::RESERVE, account, amount });
        Ok(())
    }

    /// Market: releases `amount` of `account`'s reservation back to its credits.
    pub fn release(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.only_market()?;
        self.unreserve(account, amount)?;
        let mut acc = self.accounts.setter(account);
        let c = add(acc.credits.get(), amount)?;
        acc.credits.set(c);
        log(self.vm(), MarketMoved { kind: kind::RELEASE, account, amount });
        Ok(())
    }

    /// Market: charges `amount` of `account`'s reservation; it becomes owed to the market.
    pub fn charge(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.only_market()?;
        self.unreserve(account, amount)?;
        self.owed.set(add(self.owed.get(), amount)?);
        log(self.vm(), MarketMoved { kind: kind::CHARGE, account, amount });
        Ok(())
    }

    /// Market: pays `amount` of what it is owed to `to` (a provider's withdrawal).
    pub fn pay(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        self.only_market()?;
        let owed = self.owed.get();
        let Some(left) = owed.checked_sub(amount) else {
            return Err(Error::InsufficientOwed(InsufficientOwed { owed, needed: amount }));
        };
        self.owed.set(left);
        self.accounted.set(sub(self.accounted.get(), amount)?);
        log(self.vm(), MarketMoved { kind: kind::PAY, account: to, amount });
        let token = self.payment.get();
        let r = IErc20Calls::new(token).transfer(&mut *self, to, amount);
        token_ok(r, token)
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
        if u64::from(slippage_bps) > BPS || min_answer > max_answer {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        let dec = |s: &Self, a: Address| {
            IErc20View::new(a).decimals(s).map_err(|_| Error::ReadFailed(ReadFailed { target: a }))
        };
        let feed_dec = IAggregatorV3::new(feed)
            .decimals(&*self)
            .map_err(|_| Error::ReadFailed(ReadFailed { target: feed }))?;
        let asset_dec = dec(self, self.asset.get())?;
        let pay_dec = dec(self, self.payment.get())?;
        self.price_num.set(pow10(pay_dec)?);
        self.price_den.set(pow10(feed_dec.saturating_add(asset_dec))?);
        self.router.set(router);
        self.fee.set(fee);
        self.feed.set(feed);
        self.max_age.set(Uint::from(max_age));
        self.slippage_bps.set(Uint::from(slippage_bps));
        self.min_answer.set(min_answer);
        self.max_answer.set(max_answer);
        log(
            self.vm(),
            ConversionConfigured {
                router,
                fee,
                feed,
                maxAge: max_age,
                slippageBps: slippage_bps,
                minAnswer: min_answer,
                maxAnswer: max_answer,
            },
        );
        Ok(())
    }

    /// Admin: the community pool account and its share of each harvest.
    #[selector(name = "setPool")]
    pub fn set_pool(&mut self, pool: Address, pool_bps: u16) -> Result<(), Error> {
        self.only_admin()?;
        self.set_pool_inner(pool, pool_bps)
    }

    /// Admin: the job market contract.
    #[selector(name = "setMarket")]
    pub fn set_market(&mut self, market: Address) -> Result<(), Error> {
        self.only_admin()?;
        self.market.set(market);
        log(self.vm(), MarketConfigured { market });
        Ok(())
    }

    // ---------------------------------------------------------------- admin role

    /// The admin (community governance: multisig, timelock or governor).
    pub fn admin(&self) -> Address {
        self.admin.get()
    }

    /// Admin: hands the role to `admin` (nonzero).
    #[selector(name = "setAdmin")]
    pub fn set_admin(&mut self, admin: Address) -> Result<(), Error> {
        self.only_admin()?;
        self.set_admin_inner(admin)
    }

    // ---------------------------------------------------------------- views

    /// The vault, its asset, the payment token, the pool account, the market.
    pub fn addresses(&self) -> (Address, Address, Address, Address, Address) {
        (self.vault.get(), self.asset.get(), self.payment.get(), self.pool.get(), self.market.get())
    }

    /// The open epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch.get().to::<u64>()
    }

    /// Payment tokens in the books (backing of credits, reservations and market debt),
    /// owed to the market, and harvested assets waiting for conversion.
    pub fn totals(&self) -> (U256, U256, U256) {
        (self.accounted.get(), self.owed.get(), self.unconverted.get())
    }
}

impl ComputeLedger {
    fn setup(
        &mut self,
        admin: Address,
        vault: Address,
        asset: Address,
        payment: Address,
        pool: Address,
        pool_bps: u16,
    ) -> Result<(), Error> {
        // The vault is never zero once set up: it is the initialised flag.
        if !self.vault.get().is_zero() {
            return Err(Error::AlreadyInitialized(AlreadyInitialized {}));
        }
        if admin.is_zero() || vault.is_zero() || asset.is_zero() || payment.is_zero() {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        self.set_admin_inner(admin)?;
        self.vault.set(vault);
        self.asset.set(asset);
        self.payment.set(payment);
        self.set_pool_inner(pool, pool_bps)
    }

    fn set_pool_inner(&mut self, pool: Address, pool_bps: u16) -> Result<(), Error> {
        if pool.is_zero() || u64::from(pool_bps) > BPS {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        self.pool.set(pool);
        self.pool_bps.set(Uint::from(pool_bps));
        log(self.vm(), PoolConfigured { pool, poolBps: pool_bps });
        Ok(())
    }

    fn only_admin(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.admin.get() {
            return Err(Error::Unauthorized(Unauthorized { caller }));
        }
        Ok(())
    }

    fn set_admin_inner(&mut self, admin: Address) -> Result<(), Error> {
        if admin.is_zero() {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        let previous = self.admin.get();
        self.admin.set(admin);
        log(self.vm(), AdminChanged { previous, admin });
        Ok(())
    }

    fn only_vault(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.vault.get() {
            return Err(Error::NotAllowed(NotAllowed { caller }));
        }
        Ok(())
    }

    fn only_market(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.market.get() {
            return Err(Error::NotAllowed(NotAllowed { caller }));
        }
        Ok(())
    }

    fn balance_of(&self, token: Address, who: Address) -> Result<U256, Error> {
        IErc20View::new(token)
            .balance_of(self, who)
            .map_err(|_| Error::ReadFailed(ReadFailed { target: token }))
    }

    /// Vault shares of `account` now (outside the hooks only).
    fn shares_of(&self, account: Address) -> Result<U256, Error> {
        self.balance_of(self.vault.get(), account)
    }

    fn attribute(&mut self, y: U256, supply: U256) -> Result<(), Error> {
        if y.is_zero() {
            return Ok(());
        }
        if supply.is_zero() {
            self.pool_yield.set(add(self.pool_yield.get(), y)?);
        } else {
            let d = mul_div(y, SCALE, supply, Rounding::Down).ok_or_else(overflow)?;
            self.yps.set(add(self.yps.get(), d)?);
            self.epoch_yield.set(add(self.epoch_yield.get(), y)?);
        }
        log(self.vm(), YieldAttributed { amount: y, totalSupply: supply });
        Ok(())
    }

    /// What settling `account` with balance `b` (held since its last settlement) gives.
    fn compute(&self, account: Address, b: U256) -> Result<Settled, Error> {
        let acc = self.accounts.getter(account);
        let mut credits = acc.credits.get();
        let mut pend = acc.pend.get();
        let mut from_yps = acc.yps.get();
        let e = acc.epoch.get().to::<u64>();
        let now = self.epoch.get().to::<u64>();
        let yps = self.yps.get();
        let mut accrued = U256::ZERO;
        if e < now {
            let ep = self.epochs.getter(e);
            let y_end = ep.yps_end.get();
            pend = add(pend, mul(b, sub(y_end, from_yps)?)?)?;
            let first = frac(pend, ep.members_out.get(), mul(ep.members_yield.get(), SCALE)?)?;
            let whole = frac(b, sub(self.cps.get(), ep.cps_end.get())?, SCALE)?;
            accrued = add(first, whole)?;
            credits = add(credits, accrued)?;
            pend = U256::ZERO;
            from_yps = self.epoch_yps.get();
        }
        pend = add(pend, mul(b, sub(yps, from_yps)?)?)?;
        Ok(Settled { credits, pend, accrued })
    }

    fn settle_with(&mut self, account: Address, b: U256) -> Result<(), Error> {
        let s = self.compute(account, b)?;
        let yps = self.yps.get();
        let now = self.epoch.get();
        let mut acc = self.accounts.setter(account);
        acc.credits.set(s.credits);
        acc.pend.set(s.pend);
        acc.yps.set(yps);
        acc.epoch.set(now);
        if !s.accrued.is_zero() {
            log(self.vm(), Accrued { account, amount: s.accrued });
        }
        Ok(())
    }

    /// Settles `account` and takes `amount` from its spendable credits.
    fn debit(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        self.settle(account)?;
        let mut acc = self.accounts.setter(account);
        let available = acc.credits.get();
        let Some(left) = available.checked_sub(amount) else {
            return Err(Error::InsufficientCredits(InsufficientCredits {
                account,
                available,
                needed: amount,
            }));
        };
        acc.credits.set(left);
        Ok(())
    }

    fn unreserve(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        let mut acc = self.accounts.setter(account);
        let reserved = acc.reserved.get();
        let Some(left) = reserved.checked_sub(amount).filter(|_| !amount.is_zero()) else {
            return Err(Error::InsufficientReserved(InsufficientReserved {
                account,
                reserved,
                needed: amount,
            }));
        };
        acc.reserved.set(left);
        Ok(())
    }

    fn refused(reason: u8, answer: I256, updated_at: U256) -> Error {
        Error::ConversionRefused(ConversionRefused { reason, answer, updatedAt: updated_at })
    }

    /// Converts every unconverted asset and closes the open epoch.
    fn convert_and_close(&mut self) -> Result<(), Error> {
        let assets = self.unconverted.get();
        let payment = self.payment.get();
        let asset = self.asset.get();
        let output = if asset == payment { assets } else { self.swap(asset, payment, assets)? };
        self.close(assets, output)
    }

    /// Swaps `amount_in` of `asset` into `payment` through the router with a minimum
    /// output from the price feed; returns what arrived.
    fn swap(&mut self, asset: Address, payment: Address, amount_in: U256) -> Result<U256, Error> {
        let router = self.router.get();
        let feed_addr = self.feed.get();
        if router.is_zero() || feed_addr.is_zero() {
            return Err(Self::refused(reason::NOT_CONFIGURED, I256::ZERO, U256::ZERO));
        }
        let Ok((_, answer, _, updated_at, _)) =
            IAggregatorV3::new(feed_addr).latest_round_data(&*self)
        else {
            return Err(Self::refused(reason::FEED_FAILED, I256::ZERO, U256::ZERO));
        };
        if answer.is_negative() || answer.is_zero() {
            return Err(Self::refused(reason::ZERO_PRICE, answer, updated_at));
        }
        // answer > 0 here, so its two's complement is its value.
        let price = answer.into_raw();
        let now = U256::from(self.vm().block_timestamp());
        let max_age = U256::from(self.max_age.get());
        if updated_at > now || now.saturating_sub(updated_at) > max_age {
            return Err(Self::refused(reason::STALE_PRICE, answer, updated_at));
        }
        if price < self.min_answer.get() || price > self.max_answer.get() {
            return Err(Self::refused(reason::OUT_OF_BOUNDS, answer, updated_at));
        }
        let expected = mul_div(
            mul(amount_in, self.price_num.get())?,
            price,
            self.price_den.get(),
            Rounding::Down,
        )
        .ok_or_else(overflow)?;
        let min_out =
            bps_of(expected, (BPS as u16).saturating_sub(self.slippage_bps.get().to::<u16>()))
                .ok_or_else(overflow)?;
        let me = self.vm().contract_address();
        let before = self.balance_of(payment, me)?;
        let r = IErc20Calls::new(asset).approve(&mut *self, router, amount_in);
        token_ok(r, asset)?;
        let params = ExactInputSingleParams {
            tokenIn: asset,
            tokenOut: payment,
            fee: self.fee.get(),
            recipient: me,
            deadline: now,
            amountIn: amount_in,
            amountOutMinimum: min_out,
            sqrtPriceLimitX96: Uint::ZERO,
        };
        let data = exactInputSingleCall { params }.abi_encode();
        // stylus-sdk 0.9 offers no non-deprecated raw mutating call from `&mut self`.
        #[allow(deprecated)]
        let swapped = call::call(call::Call::new_in(self), router, &data).is_ok();
        let r = IErc20Calls::new(asset).approve(&mut *self, router, U256::ZERO);
        token_ok(r, asset)?;
        let after = self.balance_of(payment, me)?;
        let out = after.saturating_sub(before);
        if !swapped || out < min_out || out.is_zero() {
            // A failed call reverted the router's effects; a short payer is refused too.
            return Err(Self::refused(reason::SWAP_FAILED, answer, updated_at));
        }
        Ok(out)
    }

    fn close(&mut self, assets: U256, output: U256) -> Result<(), Error> {
        let y = self.epoch_yield.get();
        let py = self.pool_yield.get();
        let rest =
            sub(output, bps_of(output, self.pool_bps.get().to::<u16>()).ok_or_else(overflow)?)?;
        let base = core::cmp::max(assets, add(y, py)?);
        let members = frac(rest, y, base)?;
        let pool_part = sub(output, members)?;
        let yps = self.yps.get();
        let dcps = frac(sub(yps, self.epoch_yps.get())?, members, y)?;
        let cps = add(self.cps.get(), dcps)?;
        let e = self.epoch.get().to::<u64>();
        let mut ep = self.epochs.setter(e);
        ep.yps_end.set(yps);
        ep.cps_end.set(cps);
        ep.members_out.set(members);
        ep.members_yield.set(y);
        self.cps.set(cps);
        self.epoch.set(Uint::from(e + 1));
        self.epoch_yps.set(yps);
        self.epoch_yield.set(U256::ZERO);
        self.pool_yield.set(U256::ZERO);
        self.unconverted.set(U256::ZERO);
        self.accounted.set(add(self.accounted.get(), output)?);
        let pool = self.pool.get();
        let mut acc = self.accounts.setter(pool);
        let c = add(acc.credits.get(), pool_part)?;
        acc.credits.set(c);
        log(
            self.vm(),
            EpochClosed { epoch: U256::from(e), assets, output, members, pool: pool_part },
        );
        Ok(())
    }
}

/// Solidity text the SDK export omits: the events.
pub const ABI_EXTRA: &str = "
interface IComputeLedgerEvents {
    event YieldAttributed(uint256 amount, uint256 totalSupply);
    event Harvested(uint256 indexed epoch, uint256 assets);
    event EpochClosed(uint256 indexed epoch, uint256 assets, uint256 output, uint256 members, uint256 pool);
    event ConversionDeferred(uint256 indexed epoch, uint256 assets, uint8 reason);
    event Accrued(address indexed account, uint256 amount);
    event ToppedUp(address indexed from, address indexed account, uint256 amount);
    event CreditsTransferred(address indexed from, address indexed to, uint256 amount);
    event MarketMoved(uint8 indexed kind, address indexed account, uint256 amount);
    event ConversionConfigured(address router, uint24 fee, address feed, uint64 maxAge, uint16 slippageBps, uint256 minAnswer, uint256 maxAnswer);
    event PoolConfigured(address pool, uint16 poolBps);
    event MarketConfigured(address market);
    event AdminChanged(address indexed previous, address indexed admin);
}
";
