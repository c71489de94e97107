//! The owner's lock.
//!
//! The owner can lock the account until a time at most [`MAX_LOCK`] (365 days) ahead.
//! While locked: no `execute`, `executeBatch`, `extcall`, grant, revoke or new lock, and
//! no signature or signer is valid (a signature could otherwise move the assets). The
//! lock cannot be shortened. Receiving assets still works.

use compute_fi_contracts::interfaces::tba::AccountContext;
use stylus_sdk::{
    alloy_primitives::{Address, U64},
    alloy_sol_types::SolEvent,
    prelude::*,
};

use crate::{
    errors::not_owner,
    events::{emit, number_word},
    AccountLocked, Error, LockTooLong, LockUpdated, TbaAccount,
};

/// Longest lock, from now (seconds).
pub const MAX_LOCK: u64 = 365 * 24 * 3600;

impl TbaAccount {
    pub(crate) fn locked(&self) -> bool {
        self.locked_until.get().to::<u64>() > self.now()
    }

    pub(crate) fn require_unlocked(&self) -> Result<(), Error> {
        if self.locked() {
            return Err(Error::AccountLocked(AccountLocked {
                lockedUntil: self.locked_until.get().to::<u64>(),
            }));
        }
        Ok(())
    }

    /// The account's context and the caller, if it is the owner of an unlocked account.
    pub(crate) fn require_owner_unlocked(&self) -> Result<(AccountContext, Address), Error> {
        let ctx = self.context()?;
        let caller = self.vm().msg_sender();
        let owner = self.owner_for(&ctx);
        if owner.is_zero() || caller != owner {
            return Err(not_owner(caller));
        }
        self.require_unlocked()?;
        Ok((ctx, owner))
    }

    /// `lock(until)`: owner only, not while locked, at most [`MAX_LOCK`] ahead.
    pub(crate) fn lock_until(&mut self, until: u64) -> Result<(), Error> {
        self.require_owner_unlocked()?;
        let max = self.now().saturating_add(MAX_LOCK);
        if until > max {
            return Err(Error::LockTooLong(LockTooLong { until, max }));
        }
        self.locked_until.set(U64::from(until));
        self.bump_state();
        emit(self.vm(), &[LockUpdated::SIGNATURE_HASH], &[number_word(until)]);
        Ok(())
    }
}
