//! Every failure of the account, in one place.
//!
//! A caller who may not do something is refused with the shared access vocabulary,
//! `AccessControlUnauthorizedAccount(caller, OWNER_ROLE)`: what it lacked is being the
//! token's owner (a delegate acting outside its grant, or anyone but the account's own
//! sandbox calling `extcall`, which acts only for the owner's `execute`).

use compute_fi_contracts::access::{unauthorized, AccessControlUnauthorizedAccount, OWNER_ROLE};
use stylus_sdk::{alloy_primitives::Address, alloy_sol_types::sol, prelude::*};

sol! {
    /// The account's own code is not the reference ERC-6551 proxy.
    #[derive(Debug)]
    error NotAnAccount();
    /// The account is locked until `lockedUntil`.
    #[derive(Debug)]
    error AccountLocked(uint64 lockedUntil);
    /// A lock until `until` exceeds the longest allowed, `max`.
    #[derive(Debug)]
    error LockTooLong(uint64 until, uint64 max);
    /// `operation` is not CALL (0), DELEGATECALL (1), CREATE (2), CREATE2 (3), or its
    /// arguments do not fit it (value with DELEGATECALL, CREATE2 data shorter than the salt).
    #[derive(Debug)]
    error InvalidOperation(uint8 operation);
    /// CREATE or CREATE2 failed.
    #[derive(Debug)]
    error CreateFailed();
    /// The sandbox could not be deployed at its address.
    #[derive(Debug)]
    error SandboxUnavailable(address expected);
    /// A grant to `delegate` (zero or the owner) is not allowed.
    #[derive(Debug)]
    error InvalidDelegate(address delegate);
    /// A grant expiry must be after now and at most `max`.
    #[derive(Debug)]
    error InvalidExpiry(uint64 expiry, uint64 max);
    /// Targets and selectors must pair up, at most `max` of them.
    #[derive(Debug)]
    error InvalidScopes(uint256 targets, uint256 selectors, uint256 max);
    /// The arrays of `executeBatch` differ in length.
    #[derive(Debug)]
    error BatchLengthMismatch();
    /// Receiving this token would make it own itself.
    #[derive(Debug)]
    error OwnershipCycle(address tokenContract, uint256 tokenId);
    /// The ownership chain could not be followed to prove there is no cycle.
    #[derive(Debug)]
    error OwnershipUnverifiable(address tokenContract, uint256 tokenId);
    /// Too little gas left (`gasLeft`, at least `needed`) to read the token's ownership
    /// epoch with its full gas bound.
    #[derive(Debug)]
    error InsufficientGas(uint64 gasLeft, uint64 needed);
}

/// Errors of the account.
#[derive(SolidityError, Debug)]
pub enum Error {
    NotAnAccount(NotAnAccount),
    AccessControlUnauthorizedAccount(AccessControlUnauthorizedAccount),
    AccountLocked(AccountLocked),
    LockTooLong(LockTooLong),
    InvalidOperation(InvalidOperation),
    CreateFailed(CreateFailed),
    SandboxUnavailable(SandboxUnavailable),
    InvalidDelegate(InvalidDelegate),
    InvalidExpiry(InvalidExpiry),
    InvalidScopes(InvalidScopes),
    BatchLengthMismatch(BatchLengthMismatch),
    OwnershipCycle(OwnershipCycle),
    OwnershipUnverifiable(OwnershipUnverifiable),
    InsufficientGas(InsufficientGas),
}

/// The refusal of `caller`, who is not the token's owner (module docs). Built in one
/// place rather than at each check: the role id is a 32-byte constant.
#[inline(never)]
pub(crate) fn not_owner(caller: Address) -> Error {
    Error::AccessControlUnauthorizedAccount(unauthorized(caller, OWNER_ROLE))
}
