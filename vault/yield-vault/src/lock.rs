//! The holder lock: an account's shares cannot leave (exit or transfer) for
//! `lockDuration` seconds after its latest own deposit, or its first holding.

use stylus_sdk::{
    alloy_primitives::{Address, U256, U64},
    prelude::*,
};

use crate::{
    errors::{Error, SharesLocked},
    YieldVault,
};

impl YieldVault {
    /// When `owner`'s shares unlock (0 if it never deposited).
    pub(crate) fn unlock_time_of(&self, owner: Address) -> u64 {
        let start = self.lock_start.get(owner).to::<u64>();
        if start == 0 {
            return 0;
        }
        start.saturating_add(self.lock_duration.get().to::<u64>())
    }

    /// `Some(unlock time)` while `owner`'s shares are locked.
    pub(crate) fn locked_until(&self, owner: Address) -> Option<u64> {
        let until = self.unlock_time_of(owner);
        (self.vm().block_timestamp() < until).then_some(until)
    }

    pub(crate) fn check_unlocked(&self, owner: Address) -> Result<(), Error> {
        match self.locked_until(owner) {
            Some(unlock_time) => {
                Err(Error::SharesLocked(SharesLocked { owner, unlockTime: unlock_time }))
            }
            None => Ok(()),
        }
    }

    /// After `caller` deposited for `receiver`, which held `holding` shares before: the
    /// lock restarts on the receiver's own deposits and on a first holding. Someone else's
    /// deposit into an existing holding leaves it as it is (the shares join it), or anyone
    /// could keep a holder locked for ever with tiny deposits.
    pub(crate) fn restart_lock(&mut self, receiver: Address, caller: Address, holding: U256) {
        if caller == receiver || holding.is_zero() {
            let now = self.vm().block_timestamp();
            self.lock_start.setter(receiver).set(U64::from(now));
        }
    }
}
