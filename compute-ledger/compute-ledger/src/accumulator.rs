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
    /// Credits this settlement adds (accrual of epochs closed since the last one).
    pub accrued: U256,
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

    /// What settling `account` with `balance` (held since its last settlement) gives:
    /// its partial first epoch at that epoch's rate, whole closed epochs through the
    /// credits accumulator, and the open epoch's yield left pending. O(1) in epochs.
    pub(crate) fn settled(&self, account: Address, balance: U256) -> Result<Settled, Error> {
        let acc = self.accounts.getter(account);
        let mut credits = acc.credits.get();
        let mut pending_yield = acc.pending_yield.get();
        let mut from_yield_per_share = acc.settled_yield_per_share.get();
        let settled_epoch = acc.settled_epoch.get().to::<u64>();
        let open_epoch = self.epoch.get().to::<u64>();
        let yield_per_share = self.yield_per_share.get();
        let mut accrued = U256::ZERO;
        if settled_epoch < open_epoch {
            let closed = self.epochs.getter(settled_epoch);
            let end_yield_per_share = closed.end_yield_per_share.get();
            pending_yield =
                add(pending_yield, mul(balance, sub(end_yield_per_share, from_yield_per_share)?)?)?;
            let first = portion(
                pending_yield,
                closed.member_output.get(),
                mul(closed.member_yield.get(), SCALE)?,
            )?;
            let whole = portion(
                balance,
                sub(self.credits_per_share.get(), closed.end_credits_per_share.get())?,
                SCALE,
            )?;
            accrued = add(first, whole)?;
            credits = add(credits, accrued)?;
            pending_yield = U256::ZERO;
            from_yield_per_share = self.epoch_start_yield_per_share.get();
        }
        pending_yield =
            add(pending_yield, mul(balance, sub(yield_per_share, from_yield_per_share)?)?)?;
        Ok(Settled { credits, pending_yield, accrued })
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
        if !s.accrued.is_zero() {
            emit(self.vm(), &[Accrued::SIGNATURE_HASH, account.into_word()], &[word(s.accrued)]);
        }
        Ok(())
    }

    /// Closes the open epoch: `assets` became `output` payment tokens. The pool takes
    /// `pool_bps` of it; members get the rest in proportion of their yield to what was
    /// harvested (`max(assets, member + pool yield)`), the pool the remainder.
    pub(crate) fn close_epoch(&mut self, assets: U256, output: U256) -> Result<(), Error> {
        let member_yield = self.epoch_member_yield.get();
        let pool_yield = self.pool_yield.get();
        let pool_cut = bps_of(output, self.pool_bps.get().to::<u16>()).ok_or_else(overflow)?;
        let rest = sub(output, pool_cut)?;
        let base = core::cmp::max(assets, add(member_yield, pool_yield)?);
        let members = portion(rest, member_yield, base)?;
        let pool_part = sub(output, members)?;
        let yield_per_share = self.yield_per_share.get();
        let epoch_yield_per_share = sub(yield_per_share, self.epoch_start_yield_per_share.get())?;
        let credits_per_share_delta = portion(epoch_yield_per_share, members, member_yield)?;
        let credits_per_share = add(self.credits_per_share.get(), credits_per_share_delta)?;
        let e = self.epoch.get().to::<u64>();
        let mut closed = self.epochs.setter(e);
        closed.end_yield_per_share.set(yield_per_share);
        closed.end_credits_per_share.set(credits_per_share);
        closed.member_output.set(members);
        closed.member_yield.set(member_yield);
        self.credits_per_share.set(credits_per_share);
        // At most one epoch closes per harvest: 2^64 of them cannot happen.
        self.epoch.set(Uint::from(e.wrapping_add(1)));
        self.epoch_start_yield_per_share.set(yield_per_share);
        self.epoch_member_yield.set(U256::ZERO);
        self.pool_yield.set(U256::ZERO);
        self.unconverted.set(U256::ZERO);
        self.accounted.set(add(self.accounted.get(), output)?);
        let pool = self.pool.get();
        let mut acc = self.accounts.setter(pool);
        let c = add(acc.credits.get(), pool_part)?;
        acc.credits.set(c);
        emit(
            self.vm(),
            &[EpochClosed::SIGNATURE_HASH, B256::from(U256::from(e))],
            &[word(assets), word(output), word(members), word(pool_part)],
        );
        Ok(())
    }
}
