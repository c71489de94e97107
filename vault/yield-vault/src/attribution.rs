//! Yield attribution, the vault's central rule: what of the vault's value is principal,
//! what is yield, and when yield becomes the ledger's.
//!
//! [`Books`] is the vault's accounting at one moment (principal `S`, holders' value `F`,
//! the yield accruing now). Before any share balance changes, [`YieldVault::accrue`]
//! stores the accruing yield as pending (senior to principal: it is owed to the ledger)
//! and [`YieldVault::notify`] tells the ledger the balances before the change, so credits
//! are accounted per member in O(1). Yield is attributed only above a rounding reserve
//! ([`rounding_reserve`]) and within the profit bound; entries are refused while the
//! profit bound holds yield back and past the loss bound ([`YieldVault::check_entry`]);
//! the source's rounding of a deposit, and no more, is paid from yield
//! ([`YieldVault::pay_rounding_from_yield`]).

use alloy_sol_types::{SolCall, SolEvent};
use compute_fi_contracts::{
    interfaces::vault::IYieldSource,
    math::{bps_of, mul_div, Rounding},
};
use openzeppelin_stylus::token::erc20::IErc20;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    alloy_sol_types::sol,
};

use crate::{
    calls::first_word,
    errors::{overflow, Error, LossBeyondBound, YieldHeldBack},
    events::YieldAttributed,
    YieldVault,
};

sol! {
    /// The calls of `compute_fi_contracts::interfaces::ledger_hooks::IComputeLedgerHooks`,
    /// encoded here and sent through the vault's one raw-call helper (the `sol_interface!`
    /// wrappers cost ~1.4 KiB of WASM). A test checks both declarations stay the same.
    interface ILedgerHooks {
        function onSharesChanged(address from, uint256 from_balance_before, address to, uint256 to_balance_before, uint256 total_supply_before, uint256 yield_attributed) external;
        function onHarvest(uint256 yield_attributed, uint256 total_supply, uint256 assets) external;
    }
}

/// Surplus (in asset units) kept unattributed as a rounding reserve with `supply` shares
/// outstanding: 1,000 units plus `supply / 2^30` (about one part per billion of principal).
/// A source rounds every deposit and withdrawal against the vault by about one share's
/// worth (a wei or two for a source with the asset's decimals); this buffer, refilled
/// from yield before any yield is attributed, pays for that rounding, so principal stays
/// exactly 1:1 between accruals: exact stakes joining right after a harvest get exactly
/// their shares, and exits do not shave the remaining holders. The part proportional to
/// principal covers bursts of joins (2,000 members joining after a harvest use about
/// 2,000 wei; 200 ETH of principal keeps about 1.9e11 wei); the fixed part covers a small
/// vault. It is never lost: it stays in the vault, as value behind the shares.
pub fn rounding_reserve(supply: U256) -> U256 {
    // u128 arithmetic (a principal past 2^128 units keeps the reserve at 2^98): 100 B
    // less WASM than a 256-bit shift.
    U256::from((supply.saturating_to::<u128>() >> 30).saturating_add(1_000))
}

/// `bps` basis points of `principal`, rounded down (the profit and loss bounds), by
/// `math::bps_of`'s limb division: 107 B more of this artifact than going through
/// `mul_div`, which a deposit and a harvest would run one to two times for ~1,500 gas
/// more each (measured on the local chain).
fn part_of(principal: U256, bps: u16) -> Result<U256, Error> {
    bps_of(principal, bps).ok_or_else(overflow)
}

/// The vault's accounting at one moment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Books {
    /// `S`: principal owed, the total supply of shares.
    pub principal: U256,
    /// `F`: value belonging to holders (position + idle − attributed yield), with
    /// `new_yield` already taken out.
    pub holders_value: U256,
    /// Yield attributable now and not yet stored as pending.
    pub new_yield: U256,
}

impl Books {
    pub fn solvent(&self) -> bool {
        self.holders_value >= self.principal
    }

    /// Shares worth `assets`: 1:1 while solvent, `assets * S / F` in deficit.
    pub fn shares_for(&self, assets: U256, rounding: Rounding) -> Result<U256, Error> {
        if self.solvent() {
            return Ok(assets);
        }
        mul_div(assets, self.principal, self.holders_value, rounding).ok_or_else(overflow)
    }

    /// Assets worth `shares`: 1:1 while solvent, `shares * F / S` in deficit.
    pub fn assets_for(&self, shares: U256, rounding: Rounding) -> Result<U256, Error> {
        if self.solvent() {
            return Ok(shares);
        }
        mul_div(shares, self.holders_value, self.principal, rounding).ok_or_else(overflow)
    }
}

impl YieldVault {
    /// The books now, with the yield a change would attribute (not stored).
    pub(crate) fn books(&self) -> Result<Books, Error> {
        let source = self.source.get();
        let source_shares = self.source_shares()?;
        let position = if source_shares.is_zero() {
            U256::ZERO
        } else {
            let answer = self.view_call(
                source,
                &IYieldSource::convertToAssetsCall { shares: source_shares }.abi_encode(),
            )?;
            first_word(source, &answer)?
        };
        let value = position.checked_add(self.idle()?).ok_or_else(overflow)?;
        let pending = self.pending_yield.get();
        let principal = self.erc20.total_supply();
        let mut holders_value = value.saturating_sub(pending);
        let mut new_yield = U256::ZERO;
        if holders_value > principal {
            let profit_bound = part_of(principal, self.max_profit_bps.get().to::<u16>())?;
            new_yield = holders_value
                .saturating_sub(principal)
                .saturating_sub(rounding_reserve(principal))
                .min(profit_bound.saturating_sub(pending));
            holders_value = holders_value.saturating_sub(new_yield);
        }
        Ok(Books { principal, holders_value, new_yield })
    }

    /// Attributes the yield accrued so far (stored as pending).
    pub(crate) fn accrue(&mut self) -> Result<Books, Error> {
        let books = self.books()?;
        self.record(books)?;
        Ok(books)
    }

    /// Stores `books.new_yield` as pending yield.
    pub(crate) fn record(&mut self, books: Books) -> Result<(), Error> {
        if !books.new_yield.is_zero() {
            let pending =
                self.pending_yield.get().checked_add(books.new_yield).ok_or_else(overflow)?;
            self.pending_yield.set(pending);
            self.emit(&[YieldAttributed::SIGNATURE_HASH], &[books.new_yield, books.principal]);
        }
        Ok(())
    }

    /// Tells the ledger about a balance change, with the balances before it.
    pub(crate) fn notify(&mut self, from: Address, to: Address, books: Books) -> Result<(), Error> {
        let ledger = self.ledger.get();
        let call = ILedgerHooks::onSharesChangedCall {
            from,
            from_balance_before: self.erc20.balance_of(from),
            to,
            to_balance_before: self.erc20.balance_of(to),
            total_supply_before: books.principal,
            yield_attributed: books.new_yield,
        };
        self.call_out(ledger, &call.abi_encode(), U256::ZERO, books.new_yield)?;
        Ok(())
    }

    /// The bounds on entries (deposits and mints). While solvent: no surplus the profit
    /// bound holds back may remain unattributed (it is yield of the holders of now; an
    /// entry would share it), as long as it is within what one harvest period clears:
    /// beyond that (a donation or a rate far above the bound) refusing would let anyone
    /// freeze entries for many periods, or for ever with a bound of zero, at the price of
    /// a donation. In deficit: no deficit beyond `maxLossBps`.
    pub(crate) fn check_entry(&self, books: Books) -> Result<(), Error> {
        let principal = books.principal;
        if books.solvent() {
            let unattributed = books
                .holders_value
                .saturating_sub(principal)
                .saturating_sub(rounding_reserve(principal));
            let bound = part_of(principal, self.max_profit_bps.get().to::<u16>())?;
            if unattributed.is_zero() || unattributed > bound {
                return Ok(());
            }
            return Err(Error::YieldHeldBack(YieldHeldBack { unattributed, profitBound: bound }));
        }
        let max_loss_bps = self.max_loss_bps.get().to::<u16>();
        let allowed = part_of(principal, max_loss_bps)?;
        if books.holders_value.is_zero() || principal.saturating_sub(books.holders_value) > allowed
        {
            return Err(Error::LossBeyondBound(LossBeyondBound {
                value: books.holders_value,
                principal,
                maxLossBps: max_loss_bps,
            }));
        }
        Ok(())
    }

    /// A deposit of `assets` that the source credits as `credited`: the shortfall, up to
    /// the rounding reserve's measure of the deposit (1,000 units and a part per billion,
    /// which any source's rounding fits in and no entry fee does), comes out of yield:
    /// first the rounding reserve, then the yield accruing in this very call, then yield
    /// attributed and not yet harvested (the ledger shares out what a harvest actually
    /// delivers), so an exact stake gets exactly its shares. The rest (an entry fee, or
    /// rounding no yield covers) is the depositor's; never the other holders'. Records the
    /// books (less what was used of the accruing yield) and returns the assets the
    /// depositor's shares are priced on.
    pub(crate) fn pay_rounding_from_yield(
        &mut self,
        books: &mut Books,
        assets: U256,
        credited: U256,
    ) -> Result<U256, Error> {
        let rounding_loss = assets.saturating_sub(credited).min(rounding_reserve(assets));
        // `holders_value - principal` is the unattributed rounding reserve (0 in deficit).
        let from_reserve = rounding_loss.min(books.holders_value.saturating_sub(books.principal));
        let rounding_loss = rounding_loss.saturating_sub(from_reserve);
        let from_new_yield = rounding_loss.min(books.new_yield);
        books.new_yield = books.new_yield.saturating_sub(from_new_yield);
        let pending = self.pending_yield.get();
        let from_pending = rounding_loss.saturating_sub(from_new_yield).min(pending);
        if !from_pending.is_zero() {
            self.pending_yield.set(pending.saturating_sub(from_pending));
        }
        self.record(*books)?;
        Ok(credited
            .saturating_add(from_reserve)
            .saturating_add(from_new_yield)
            .saturating_add(from_pending))
    }
}
