//! Who may do what, and the pause, on the shared rules of `compute_fi_contracts::access`
//! (OpenZeppelin's AccessControl and Pausable names, errors and events): the admin
//! configures and grants roles, the keeper harvests when harvest is keeper-only, the
//! guardian pauses, unpauses and pulls everything back to idle. The pause flag is a bit of
//! the vault's flag byte.

use compute_fi_contracts::access::{
    check_pause_change, pause_event, unauthorized, when_not_paused, PauseError, ADMIN_ROLE,
    GUARDIAN_ROLE, KEEPER_ROLE,
};
use stylus_sdk::{
    alloy_primitives::{Address, B256},
    prelude::*,
};

use crate::{config::PAUSED, errors::Error, YieldVault};

/// The roles the vault knows, in bit order: admin 1, keeper 2, guardian 4.
pub(crate) const KNOWN_ROLES: [B256; 3] = [ADMIN_ROLE, KEEPER_ROLE, GUARDIAN_ROLE];

impl YieldVault {
    /// `Ok` when the caller holds `role`, else `AccessControlUnauthorizedAccount`.
    pub(crate) fn only_role(&self, role: B256) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        if self.roles.has(&KNOWN_ROLES, role, account) {
            Ok(())
        } else {
            Err(Error::UnauthorizedAccount(unauthorized(account, role)))
        }
    }

    /// Gives (`on`) or takes `role` from `account`, with OpenZeppelin's events (only on
    /// change); the caller is the sender the events name.
    pub(crate) fn set_role(&mut self, role: B256, account: Address, on: bool) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        self.roles.set(&KNOWN_ROLES, role, account, on, sender).map_err(Error::from)
    }

    /// `EnforcedPause` while paused.
    pub(crate) fn when_not_paused(&self) -> Result<(), Error> {
        when_not_paused(self.flag(PAUSED)).map_err(Error::EnforcedPause)
    }

    /// Pauses (`on`) or unpauses, with OpenZeppelin's errors and events.
    pub(crate) fn set_paused(&mut self, on: bool) -> Result<(), Error> {
        check_pause_change(self.flag(PAUSED), on).map_err(|refused| match refused {
            PauseError::Enforced(e) => Error::EnforcedPause(e),
            PauseError::Expected(e) => Error::ExpectedPause(e),
        })?;
        self.set_flag(PAUSED, on);
        pause_event(self.vm(), on, self.vm().msg_sender());
        Ok(())
    }
}
