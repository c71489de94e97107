//! The holder lock, per deposit lot: the shares a deposit mints cannot leave their
//! holder (exit or transfer) for `lockDuration` seconds; the holder's other shares
//! (received by transfer, or from lots whose lock has run out) move freely.
//!
//! Each holder keeps one live lot: `shares` locked until `until`, both fixed when a
//! deposit lands (a later change of `lockDuration` moves no existing lock). A deposit
//! into a holder whose lot has run out starts a new lot of just its shares, so nobody's
//! deposit locks shares the holder already had, and no deposit is free before its own
//! lock has run. A deposit into a live lot merges with it: the lot's unlock time becomes
//! the share-weighted mean of the two (rounded down, never earlier than before), so the
//! merged lot carries the lock time of both (shares × seconds) to within a second. A
//! deposit by someone else can thus move a holder's lock only in proportion to the
//! shares it gives the holder (a gift of the holder's own size: half the lock, at most),
//! and it cannot free its own shares early without locking the holder's longer by as
//! much.

use compute_fi_contracts::math::{mul_div, Rounding};
use openzeppelin_stylus::token::erc20::IErc20;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};

use crate::{
    errors::{overflow, Error, SharesLocked},
    YieldVault,
};

/// A lot in one storage word: its shares in the high 192 bits, its unlock time in the low
/// 64 (one slot per holder: a join writes one fresh slot for its lock, not two).
fn unpack(word: U256) -> (U256, u64) {
    (word >> 64, word.wrapping_to::<u64>())
}

impl YieldVault {
    /// When `owner`'s latest lot unlocks (0 if it never held one).
    pub(crate) fn unlock_time_of(&self, owner: Address) -> u64 {
        unpack(self.lots.get(owner)).1
    }

    /// `owner`'s shares locked now, and until when (0 shares once the lot has run out).
    pub(crate) fn locked_of(&self, owner: Address) -> (U256, u64) {
        let (shares, until) = unpack(self.lots.get(owner));
        if self.vm().block_timestamp() >= until {
            return (U256::ZERO, until);
        }
        (shares, until)
    }

    /// `owner`'s shares free to leave now.
    pub(crate) fn free_shares(&self, owner: Address) -> U256 {
        self.erc20.balance_of(owner).saturating_sub(self.locked_of(owner).0)
    }

    /// Refuses `shares` leaving `owner` when they would take locked ones.
    pub(crate) fn check_unlocked(&self, owner: Address, shares: U256) -> Result<(), Error> {
        let (locked, unlock_time) = self.locked_of(owner);
        if !locked.is_zero() && shares > self.erc20.balance_of(owner).saturating_sub(locked) {
            return Err(Error::SharesLocked(SharesLocked {
                owner,
                locked,
                unlockTime: unlock_time,
            }));
        }
        Ok(())
    }

    /// Locks the `shares` a deposit just minted for `receiver` for `lockDuration`: a new
    /// lot, or merged into the live one (see the module docs).
    pub(crate) fn lock_deposit(&mut self, receiver: Address, shares: U256) -> Result<(), Error> {
        let now = self.vm().block_timestamp();
        let new_until = now.saturating_add(self.lock_duration.get().to::<u64>());
        let (locked, until) = self.locked_of(receiver);
        let total = locked.checked_add(shares).ok_or_else(overflow)?;
        let merged_until = if locked.is_zero() {
            // A first lot, or one run out: its own lock time.
            new_until
        } else if new_until <= until {
            until
        } else {
            // until + (new_until - until) * shares / total, rounded down: the lock time of
            // both lots, to within a second (rounded up, a one-share gift would add a
            // second every time, and gifts every second would hold the lot for ever).
            let extra = mul_div(U256::from(new_until - until), shares, total, Rounding::Down)
                .ok_or_else(overflow)?;
            until.saturating_add(extra.saturating_to::<u64>())
        };
        if total.bit_len() > 192 {
            return Err(overflow());
        }
        self.lots.insert(receiver, (total << 64) | U256::from(merged_until));
        Ok(())
    }
}
