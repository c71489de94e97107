//! Who may do what, in one vocabulary for every contract.
//!
//! Roles follow OpenZeppelin's AccessControl names, ids and events (`hasRole`,
//! `grantRole`, `revokeRole`, `RoleGranted`, `RoleRevoked`,
//! `AccessControlUnauthorizedAccount(account, neededRole)`), so wallets and indexers
//! read them as they read any OpenZeppelin contract. A contract lists the roles it knows
//! (at most eight) and [`Roles`] keeps one byte per account, a bit per role: one storage
//! slot read answers any check, and the role-admin tree of AccessControl (every role
//! administered by the admin role) is all these contracts need.
//!
//! A check that a call comes from one fixed party (the vault, the market, a job's
//! requester) is a role check too: the party's role id names what was needed in the
//! same error, so every refusal of a caller decodes the same way.
//!
//! Pausing follows OpenZeppelin's Pausable (`Paused`, `Unpaused`, `EnforcedPause`,
//! `ExpectedPause`); each contract stores the flag where it is cheapest and decides what
//! a pause stops.

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U8};
use alloy_sol_types::SolEvent;
// OpenZeppelin's declarations, repeated rather than imported: depending on
// openzeppelin-stylus turns on alloy's software Keccak (its `tiny-keccak` feature) in every
// contract built on this library, so each storage-map lookup would hash in WASM (several
// kilobytes of code) instead of through the host. `tests::same_as_openzeppelin` proves
// the selectors and topics equal.
alloy_sol_types::sol! {
    #[derive(Debug)]
    event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
    #[derive(Debug)]
    event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
    #[derive(Debug)]
    #[allow(non_snake_case)]
    error AccessControlUnauthorizedAccount(address account, bytes32 needed_role);
    #[derive(Debug)]
    event Paused(address account);
    #[derive(Debug)]
    event Unpaused(address account);
    #[derive(Debug)]
    error EnforcedPause();
    #[derive(Debug)]
    error ExpectedPause();
}
use stylus_sdk::{
    prelude::*,
    storage::{StorageMap, StorageU8},
};

use crate::signatures::keccak_const;

/// OpenZeppelin's `DEFAULT_ADMIN_ROLE`: grants and revokes every role.
pub const ADMIN_ROLE: B256 = B256::ZERO;
/// `keccak256("KEEPER_ROLE")`: runs the periodic work (harvest) when it is keeper-only.
pub const KEEPER_ROLE: B256 = B256::new(keccak_const(b"KEEPER_ROLE"));
/// `keccak256("GUARDIAN_ROLE")`: pauses and unpauses.
pub const GUARDIAN_ROLE: B256 = B256::new(keccak_const(b"GUARDIAN_ROLE"));
/// `keccak256("ARBITER_ROLE")`: resolves disputes.
pub const ARBITER_ROLE: B256 = B256::new(keccak_const(b"ARBITER_ROLE"));

/// `keccak256("VAULT_ROLE")`: the party id of the community's vault (ledger hooks).
pub const VAULT_ROLE: B256 = B256::new(keccak_const(b"VAULT_ROLE"));
/// `keccak256("MARKET_ROLE")`: the party id of the community's job market (ledger
/// reservations and settlements).
pub const MARKET_ROLE: B256 = B256::new(keccak_const(b"MARKET_ROLE"));
/// `keccak256("OWNER_ROLE")`: the party id of whoever owns the thing acted on (a token's
/// owner for its account, a model's owner, a provider for its own record).
pub const OWNER_ROLE: B256 = B256::new(keccak_const(b"OWNER_ROLE"));
/// `keccak256("REQUESTER_ROLE")`: the party id of a job's requester.
pub const REQUESTER_ROLE: B256 = B256::new(keccak_const(b"REQUESTER_ROLE"));

alloy_sol_types::sol! {
    /// `role` is not one of the roles this contract knows.
    #[derive(Debug)]
    error UnknownRole(bytes32 role);
    /// `admin` tried to revoke its own admin role. A handover takes two steps: the admin
    /// grants the role to the next admin, and the next admin revokes it from this one,
    /// which proves the new key works (a mistyped grant leaves the old admin in place).
    #[derive(Debug)]
    error AdminHandoverUnconfirmed(address admin);
}

/// A refused role change.
#[derive(Debug)]
pub enum RoleError {
    /// The role is not one the contract knows.
    Unknown(UnknownRole),
    /// An admin revoking its own admin role.
    Handover(AdminHandoverUnconfirmed),
}

/// The refusal of `account` for want of `role`.
pub fn unauthorized(account: Address, role: B256) -> AccessControlUnauthorizedAccount {
    AccessControlUnauthorizedAccount { account, needed_role: role }
}

/// The bit of `role` among `known` (bit `i` for `known[i]`), zero for an unknown role.
pub fn role_bit(known: &[B256], role: B256) -> u8 {
    known.iter().position(|r| *r == role).map_or(0, |i| 1u8.wrapping_shl(i as u32))
}

/// Role bits per account.
#[storage]
pub struct Roles {
    bits: StorageMap<Address, StorageU8>,
}

impl Roles {
    /// Whether `account` holds `role` (one of `known`).
    pub fn has(&self, known: &[B256], role: B256, account: Address) -> bool {
        self.bits.get(account).to::<u8>() & role_bit(known, role) != 0
    }

    /// `Ok` when `account` holds `role`, else the OpenZeppelin refusal naming both.
    pub fn check(
        &self,
        known: &[B256],
        role: B256,
        account: Address,
    ) -> Result<(), AccessControlUnauthorizedAccount> {
        if self.has(known, role, account) {
            Ok(())
        } else {
            Err(unauthorized(account, role))
        }
    }

    /// Gives (`on`) or takes `role` from `account`, emitting `RoleGranted` or
    /// `RoleRevoked` with `sender` only when something changed. The caller checks that
    /// `sender` may do it; no admin takes its own admin role away (see
    /// [`AdminHandoverUnconfirmed`]), so a contract always keeps an admin who proved its
    /// key.
    pub fn set(
        &mut self,
        known: &[B256],
        role: B256,
        account: Address,
        on: bool,
        sender: Address,
    ) -> Result<(), RoleError> {
        let bit = role_bit(known, role);
        if bit == 0 {
            return Err(RoleError::Unknown(UnknownRole { role }));
        }
        if !on && role == ADMIN_ROLE && account == sender {
            return Err(RoleError::Handover(AdminHandoverUnconfirmed { admin: sender }));
        }
        let bits = self.bits.get(account).to::<u8>();
        if (bits & bit != 0) == on {
            return Ok(());
        }
        self.bits.setter(account).set(U8::from(if on { bits | bit } else { bits & !bit }));
        // Every field is indexed, so the log is its topics alone: written out, because
        // `log()`'s per-event encoders cost each contract hundreds of bytes.
        let topic0 = if on { RoleGranted::SIGNATURE_HASH } else { RoleRevoked::SIGNATURE_HASH };
        // Topics as one buffer for `emit_log`: `raw_log` and `into_word` would add their
        // own copying code to every contract.
        let mut topics = [0u8; 128];
        let (signature, rest) = topics.split_at_mut(32);
        let (role_topic, rest) = rest.split_at_mut(32);
        let (account_topic, sender_topic) = rest.split_at_mut(32);
        signature.copy_from_slice(topic0.as_slice());
        role_topic.copy_from_slice(role.as_slice());
        account_topic.split_at_mut(12).1.copy_from_slice(account.as_slice());
        sender_topic.split_at_mut(12).1.copy_from_slice(sender.as_slice());
        self.vm().emit_log(&topics, 4);
        Ok(())
    }
}

/// A pause state change from `paused` to `on`: refused when nothing would change, with
/// OpenZeppelin's errors. On success the caller stores the flag and emits [`Paused`] or
/// [`Unpaused`] (see [`pause_event`]).
pub fn check_pause_change(paused: bool, on: bool) -> Result<(), PauseError> {
    match (paused, on) {
        (true, true) => Err(PauseError::Enforced(EnforcedPause {})),
        (false, false) => Err(PauseError::Expected(ExpectedPause {})),
        _ => Ok(()),
    }
}

/// `Ok` while not paused, else `EnforcedPause`.
pub fn when_not_paused(paused: bool) -> Result<(), EnforcedPause> {
    if paused {
        Err(EnforcedPause {})
    } else {
        Ok(())
    }
}

/// Emits `Paused(account)` or `Unpaused(account)`.
// Inlined so that the caller's `vm()` stays its concrete host: a `&dyn Host` reaching a
// function of its own makes the contract carry every host method (about 2 KiB).
#[inline(always)]
pub fn pause_event(vm: &dyn stylus_sdk::stylus_core::Host, on: bool, account: Address) {
    // Written out like `Roles::set`'s: the data is the one address word.
    let topic0 = if on { Paused::SIGNATURE_HASH } else { Unpaused::SIGNATURE_HASH };
    let mut log = [0u8; 64];
    let (signature, data) = log.split_at_mut(32);
    signature.copy_from_slice(topic0.as_slice());
    data.split_at_mut(12).1.copy_from_slice(account.as_slice());
    vm.emit_log(&log, 1);
}

/// A refused pause change.
#[derive(Debug)]
pub enum PauseError {
    /// Already paused.
    Enforced(EnforcedPause),
    /// Not paused.
    Expected(ExpectedPause),
}

#[cfg(test)]
mod tests {
    use alloy_primitives::keccak256;

    use super::*;

    #[test]
    fn role_ids_are_openzeppelin_style() {
        assert_eq!(KEEPER_ROLE, keccak256("KEEPER_ROLE"));
        assert_eq!(GUARDIAN_ROLE, keccak256("GUARDIAN_ROLE"));
        assert_eq!(ARBITER_ROLE, keccak256("ARBITER_ROLE"));
        assert_eq!(VAULT_ROLE, keccak256("VAULT_ROLE"));
        assert_eq!(MARKET_ROLE, keccak256("MARKET_ROLE"));
        assert_eq!(OWNER_ROLE, keccak256("OWNER_ROLE"));
        assert_eq!(REQUESTER_ROLE, keccak256("REQUESTER_ROLE"));
    }

    #[test]
    fn same_as_openzeppelin() {
        use alloy_sol_types::{SolError, SolEvent};
        use openzeppelin_stylus::{access::control as oz, utils::pausable as ozp};
        assert_eq!(RoleGranted::SIGNATURE_HASH, oz::RoleGranted::SIGNATURE_HASH);
        assert_eq!(RoleRevoked::SIGNATURE_HASH, oz::RoleRevoked::SIGNATURE_HASH);
        assert_eq!(Paused::SIGNATURE_HASH, ozp::Paused::SIGNATURE_HASH);
        assert_eq!(Unpaused::SIGNATURE_HASH, ozp::Unpaused::SIGNATURE_HASH);
        assert_eq!(EnforcedPause::SELECTOR, ozp::EnforcedPause::SELECTOR);
        assert_eq!(ExpectedPause::SELECTOR, ozp::ExpectedPause::SELECTOR);
        let (account, role) = (Address::repeat_byte(1), B256::repeat_byte(2));
        assert_eq!(
            AccessControlUnauthorizedAccount { account, needed_role: role }.abi_encode(),
            oz::AccessControlUnauthorizedAccount { account, needed_role: role }.abi_encode()
        );
    }

    #[test]
    fn bits_follow_the_known_list() {
        let known = [ADMIN_ROLE, KEEPER_ROLE, GUARDIAN_ROLE];
        assert_eq!(role_bit(&known, ADMIN_ROLE), 1);
        assert_eq!(role_bit(&known, GUARDIAN_ROLE), 4);
        assert_eq!(role_bit(&known, ARBITER_ROLE), 0);
    }

    #[test]
    fn pause_changes() {
        assert!(check_pause_change(false, true).is_ok());
        assert!(check_pause_change(true, false).is_ok());
        assert!(matches!(check_pause_change(true, true), Err(PauseError::Enforced(_))));
        assert!(matches!(check_pause_change(false, false), Err(PauseError::Expected(_))));
        assert!(when_not_paused(true).is_err() && when_not_paused(false).is_ok());
    }
}
