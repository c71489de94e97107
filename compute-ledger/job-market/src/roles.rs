//! Who may call what, in the shared AccessControl vocabulary: every refusal of a caller
//! is `AccessControlUnauthorizedAccount(caller, neededRole)`.
//!
//! - `ADMIN_ROLE` (community governance): parameters, and grants and revokes every role.
//! - `ARBITER_ROLE`: resolves disputes.
//! - `GUARDIAN_ROLE`: pauses and resumes new requests; a pause never stops fulfilment,
//!   settlement, refunds or withdrawals, so no one's money is held by it.
//! - A job's parties: only its requester disputes (`REQUESTER_ROLE` names the refusal)
//!   and only its provider fulfils (`OWNER_ROLE`: the provider's own record). `cancel`
//!   is anyone's: it only ever refunds the requester.

use compute_fi_contracts::access::{
    check_pause_change, pause_event, unauthorized, ADMIN_ROLE, ARBITER_ROLE, GUARDIAN_ROLE,
};
use stylus_sdk::{
    alloy_primitives::{Address, B256},
    prelude::*,
};

use crate::{errors::Error, JobMarket};

/// The roles this contract knows, in the order of their bits in `access::Roles`.
pub const ROLES: [B256; 3] = [ADMIN_ROLE, ARBITER_ROLE, GUARDIAN_ROLE];

impl JobMarket {
    /// The caller, when it holds `role`.
    pub(crate) fn only_role(&self, role: B256) -> Result<Address, Error> {
        let caller = self.vm().msg_sender();
        if !self.roles.has(&ROLES, role, caller) {
            return Err(unauthorized(caller, role).into());
        }
        Ok(caller)
    }

    /// `Ok` when the caller is `party`; else the refusal names `role`, the party's id.
    pub(crate) fn only_party(&self, party: Address, role: B256) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != party {
            return Err(unauthorized(caller, role).into());
        }
        Ok(())
    }

    /// Admin: gives (`on`) or takes `role` from `account`.
    pub(crate) fn set_role(&mut self, role: B256, account: Address, on: bool) -> Result<(), Error> {
        let sender = self.only_role(ADMIN_ROLE)?;
        self.roles.set(&ROLES, role, account, on, sender)?;
        Ok(())
    }

    /// Guardian: pauses (`on`) or resumes new requests.
    pub(crate) fn set_pause(&mut self, on: bool) -> Result<(), Error> {
        let guardian = self.only_role(GUARDIAN_ROLE)?;
        check_pause_change(self.paused.get(), on)?;
        self.paused.set(on);
        pause_event(self.vm(), on, guardian);
        Ok(())
    }
}
