//! Who may call what, in OpenZeppelin's AccessControl vocabulary: every refusal is
//! `AccessControlUnauthorizedAccount(caller, neededRole)`.
//!
//! - `ADMIN_ROLE` (community governance: multisig, timelock or governor) configures
//!   conversion, pool and market, and grants and revokes the role (`grantRole`,
//!   `revokeRole`, with `RoleGranted` / `RoleRevoked`). No admin revokes its own role:
//!   a handover grants the next admin, who revokes the previous one. A new market waits
//!   [`crate::MARKET_DELAY`] (see [`ComputeLedger::set_market`]).
//! - `KEEPER_ROLE`: with the keeper-only option, the only callers of `convert` (a harvest
//!   then leaves the swap to them).
//! - `VAULT_ROLE`: only the configured vault calls the hooks.
//! - `MARKET_ROLE`: only the configured job market reserves, releases, charges and pays.
//!
//! The vault and the market are configured addresses, not granted roles: each is one
//! contract, and the hooks read its address anyway.

use compute_fi_contracts::access::{
    unauthorized, ADMIN_ROLE, KEEPER_ROLE, MARKET_ROLE, VAULT_ROLE,
};
use stylus_sdk::{
    alloy_primitives::{Address, B256},
    prelude::*,
};

use crate::{errors::Error, ComputeLedger};

/// The roles the ledger grants.
pub const KNOWN_ROLES: [B256; 2] = [ADMIN_ROLE, KEEPER_ROLE];

impl ComputeLedger {
    pub(crate) fn only_admin(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        self.roles.check(&KNOWN_ROLES, ADMIN_ROLE, caller).map_err(Error::UnauthorizedAccount)
    }

    /// With `keeper_only`, only a `KEEPER_ROLE` holder converts.
    pub(crate) fn only_keeper_when_set(&self) -> Result<(), Error> {
        if !self.keeper_only.get() {
            return Ok(());
        }
        let caller = self.vm().msg_sender();
        self.roles.check(&KNOWN_ROLES, KEEPER_ROLE, caller).map_err(Error::UnauthorizedAccount)
    }

    pub(crate) fn only_vault(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.vault.get() {
            return Err(Error::UnauthorizedAccount(unauthorized(caller, VAULT_ROLE)));
        }
        Ok(())
    }

    /// An unset (zero) market admits no one.
    pub(crate) fn only_market(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.market.get() {
            return Err(Error::UnauthorizedAccount(unauthorized(caller, MARKET_ROLE)));
        }
        Ok(())
    }

    /// Gives (`on`) or takes `role` from `account`, with OpenZeppelin's events.
    pub(crate) fn set_role(&mut self, role: B256, account: Address, on: bool) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        self.roles.set(&KNOWN_ROLES, role, account, on, sender).map_err(Error::from)
    }
}
