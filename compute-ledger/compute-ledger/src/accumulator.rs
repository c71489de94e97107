//! The credit accumulator: yield per share, credits per share and harvest epochs (the
//! rules are in the crate docs, "Accounting: harvest epochs").
//!
//! Attribution advances `yield_per_share`; closing an epoch turns the epoch's yield per
//! share into credits per share at the epoch's conversion rate; settling an account
//! applies both to the balance it held since its last settlement. Every division rounds
//! down on what accounts get, so claims never exceed what the ledger holds.

use alloy_sol_types::SolEvent;
use compute_fi_contracts::math::{bps_of, mul_div, Rounding};
use stylus_sdk::{
    alloy_primitives::{Address, Uint, B256, U256},
    prelude::*,
};

use crate::{
    errors::{add, mul, overflow, sub, Error},
    events::{emit, word},
    Accrued, ComputeLedger, EpochClosed, YieldAttributed, SCALE,
};

/// `x * y / d` rounded down; zero when any of them is zero (`d` zero: an empty epoch).
pub(crate) fn portion(x: U256, y: U256, d: U256) -> Result<U256, Error> {
    if d.is_zero() || x.is_zero() || y.is_zero() {
        return Ok(U256::ZERO);
    }
    mul_div(x, y, d, Rounding::Down).ok_or_else(overflow)
}

/// An account settled to now (not yet stored).
pub(crate) struct Settled {
    /// Spendable credits, with the accrual of closed epochs.
    pub credits: U256,
    /// Scaled asset yield accrued in the open epoch, not yet convertible.
    pub pending_yield: U256,
    /// Scaled asset yield accrued in the sealed epoch waiting for its conversion.
    pub sealed_yield: U256,
    /// Credits this settlement adds (accrual of epochs closed since the last one).
    pub accrued: U256,
}

/// A harvested epoch, sealed: no later yield joins it, so its yield is exactly what its
/// assets were harvested for. Kept in memory when the harvest that sealed it converts it,
/// in storage (`sealed_*`) while its conversion waits.
pub(crate) struct Sealed {
    pub epoch: u64,
    pub assets: U256,
    pub member_yield: U256,
    pub pool_yield: U256,
    pub start_yield_per_share: U256,
    pub end_yield_per_share: U256,
}

impl ComputeLedger {
    /// Spreads `amount` of yield over `total_supply` shares; with no shares it is the
    /// pool's.
    pub(crate) fn attribute(&mut self, amount: U256, total_supply: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        if total_supply.is_zero() {
            self.pool_yield.set(add(self.pool_yield.get(), amount)?);
        } else {
            let per_share =
                mul_div(amount, SCALE, total_supply, Rounding::Down).ok_or_else(overflow)?;
            self.yield_per_share.set(add(self.yield_per_share.get(), per_share)?);
            self.epoch_member_yield.set(add(self.epoch_member_yield.get(), amount)?);
        }
        emit(self.vm(), &[YieldAttributed::SIGNATURE_HASH], &[word(amount), word(total_supply)]);
        Ok(())
    }

    /// Credits `scaled_yield` of closed epoch `e` gives, at its conversion rate.
    fn at_rate(&self, e: u64, scaled_yield: U256) -> Result<U256, Error> {
        let closed = self.epochs.getter(e);
        portion(scaled_yield, closed.member_output.get(), mul(closed.member_yield.get(), SCALE)?)
    }

    /// What settling `account` with `balance` (held since its last settlement) gives:
    /// its partial first epoch at that epoch's rate, whole closed epochs through the
    /// credits accumulator, the yield of a sealed epoch still waiting for its conversion
    /// kept apart, and the open epoch's yield left pending. O(1) in epochs.
    ///
    /// At most one epoch waits (`open - 1`), so every epoch before it is closed.
    pub(crate) fn settled(&self, account: Address, balance: U256) -> Result<Settled, Error> {
        let acc = self.accounts.getter(account);
        let mut credits = acc.credits.get();
        let mut pending_yield = acc.pending_yield.get();
        let mut from_yield_per_share = acc.settled_yield_per_share.get();
        let settled_epoch = acc.settled_epoch.get().to::<u64>();
        let open_epoch = self.epoch.get().to::<u64>();
        let waiting = self.sealed.get();
        let mut sealed_yield = U256::ZERO;
        let mut accrued = U256::ZERO;
        if acc.has_sealed_yield.get() {
            // Yield of epoch `settled_epoch - 1`, which waited at the last settlement.
            let y = acc.sealed_yield.get();
            if waiting && settled_epoch == open_epoch {
                sealed_yield = y;
            } else {
                accrued = self.at_rate(settled_epoch.wrapping_sub(1), y)?;
            }
        }
        if settled_epoch < open_epoch {
            let closed = self.epochs.getter(settled_epoch);
            pending_yield = add(
                pending_yield,
                mul(balance, sub(closed.end_yield_per_share.get(), from_yield_per_share)?)?,
            )?;
            if waiting && settled_epoch == open_epoch.wrapping_sub(1) {
                sealed_yield = add(sealed_yield, pending_yield)?;
            } else {
                let first = self.at_rate(settled_epoch, pending_yield)?;
                let whole = portion(
                    balance,
                    sub(self.credits_per_share.get(), closed.end_credits_per_share.get())?,
                    SCALE,
                )?;
                accrued = add(accrued, add(first, whole)?)?;
                if waiting {
                    let span = sub(
                        self.epoch_start_yield_per_share.get(),
                        self.sealed_start_yield_per_share.get(),
                    )?;
                    sealed_yield = mul(balance, span)?;
                }
            }
            pending_yield = U256::ZERO;
            from_yield_per_share = self.epoch_start_yield_per_share.get();
        }
        credits = add(credits, accrued)?;
        pending_yield = add(
            pending_yield,
            mul(balance, sub(self.yield_per_share.get(), from_yield_per_share)?)?,
        )?;
        Ok(Settled { credits, pending_yield, sealed_yield, accrued })
    }

    /// Settles `account` with `balance` and stores the result.
    pub(crate) fn settle_with(&mut self, account: Address, balance: U256) -> Result<(), Error> {
        let s = self.settled(account, balance)?;
        let yield_per_share = self.yield_per_share.get();
        let open_epoch = self.epoch.get();
        let mut acc = self.accounts.setter(account);
        acc.credits.set(s.credits);
        acc.pending_yield.set(s.pending_yield);
        acc.settled_yield_per_share.set(yield_per_share);
        acc.settled_epoch.set(open_epoch);
        let has_sealed = !s.sealed_yield.is_zero();
        acc.has_sealed_yield.set(has_sealed);
        if has_sealed {
            acc.sealed_yield.set(s.sealed_yield);
        }
        if !s.accrued.is_zero() {
            emit(self.vm(), &[Accrued::SIGNATURE_HASH, account.into_word()], &[word(s.accrued)]);
        }
        Ok(())
    }

    /// Seals the open epoch with its harvested `assets` and opens the next: yield
    /// attributed from now on belongs to the next harvest.
    pub(crate) fn seal_open(&mut self, assets: U256) -> Sealed {
        let epoch = self.epoch.get().to::<u64>();
        let yield_per_share = self.yield_per_share.get();
        let s = Sealed {
            epoch,
            assets,
            member_yield: self.epoch_member_yield.get(),
            pool_yield: self.pool_yield.get(),
            start_yield_per_share: self.epoch_start_yield_per_share.get(),
            end_yield_per_share: yield_per_share,
        };
        // At most one epoch is sealed per harvest: 2^64 of them cannot happen.
        self.epoch.set(Uint::from(epoch.wrapping_add(1)));
        self.epoch_start_yield_per_share.set(yield_per_share);
        self.epoch_member_yield.set(U256::ZERO);
        self.pool_yield.set(U256::ZERO);
        s
    }

    /// Keeps a sealed epoch whose conversion was refused, for a retry.
    pub(crate) fn store_sealed(&mut self, s: &Sealed) {
        self.sealed.set(true);
        self.sealed_start_yield_per_share.set(s.start_yield_per_share);
        self.sealed_member_yield.set(s.member_yield);
        self.sealed_pool_yield.set(s.pool_yield);
        self.sealed_assets.set(s.assets);
        self.epochs.setter(s.epoch).end_yield_per_share.set(s.end_yield_per_share);
    }

    /// The sealed epoch waiting for its conversion (only while `sealed`).
    pub(crate) fn load_sealed(&self) -> Sealed {
        Sealed {
            epoch: self.epoch.get().to::<u64>().wrapping_sub(1),
            assets: self.sealed_assets.get(),
            member_yield: self.sealed_member_yield.get(),
            pool_yield: self.sealed_pool_yield.get(),
            start_yield_per_share: self.sealed_start_yield_per_share.get(),
            end_yield_per_share: self.epoch_start_yield_per_share.get(),
        }
    }

    /// Closes sealed epoch `s`: its assets became `output` payment tokens. The pool takes
    /// `pool_bps` of it; members get the rest in proportion of their yield to what was
    /// harvested (`max(assets, member + pool yield)`), the pool the remainder.
    pub(crate) fn close_epoch(&mut self, s: &Sealed, output: U256) -> Result<(), Error> {
        let member_yield = s.member_yield;
        let pool_cut = bps_of(output, self.pool_bps.get().to::<u16>()).ok_or_else(overflow)?;
        let rest = sub(output, pool_cut)?;
        let base = core::cmp::max(s.assets, add(member_yield, s.pool_yield)?);
        let members = portion(rest, member_yield, base)?;
        let pool_part = sub(output, members)?;
        let epoch_yield_per_share = sub(s.end_yield_per_share, s.start_yield_per_share)?;
        let credits_per_share_delta = portion(epoch_yield_per_share, members, member_yield)?;
        let credits_per_share = add(self.credits_per_share.get(), credits_per_share_delta)?;
        let mut closed = self.epochs.setter(s.epoch);
        closed.end_yield_per_share.set(s.end_yield_per_share);
        closed.end_credits_per_share.set(credits_per_share);
        closed.member_output.set(members);
        closed.member_yield.set(member_yield);
        self.credits_per_share.set(credits_per_share);
        self.sealed.set(false);
        self.unconverted.set(sub(self.unconverted.get(), s.assets)?);
        self.accounted.set(add(self.accounted.get(), output)?);
        let pool = self.pool.get();
        let mut acc = self.accounts.setter(pool);
        let c = add(acc.credits.get(), pool_part)?;
        acc.credits.set(c);
        emit(
            self.vm(),
            &[EpochClosed::SIGNATURE_HASH, B256::from(U256::from(s.epoch))],
            &[word(s.assets), word(output), word(members), word(pool_part)],
        );
        Ok(())
    }
}
