//! How the market refuses: one named error per rule, carrying what the caller needs to
//! act on it. Refusals of a caller are OpenZeppelin's `AccessControlUnauthorizedAccount`
//! (see [`crate::roles`]); `AlreadyInitialized` and `MathOverflow` are the shared ones.

use alloc::vec::Vec;

use compute_fi_contracts::{
    access::{
        AccessControlUnauthorizedAccount, AdminHandoverUnconfirmed, EnforcedPause, ExpectedPause,
        PauseError, RoleError, UnknownRole,
    },
    errors::{AlreadyInitialized, MathOverflow},
};
use stylus_sdk::{alloy_sol_types::sol, prelude::*};

sol! {
    #[derive(Debug)]
    error InvalidArgument();
    /// The model registry refused: `answer` 1 = model unavailable, 2 = access denied.
    #[derive(Debug)]
    error NoAccess(address requester, uint256 model, uint8 answer);
    #[derive(Debug)]
    error ProviderUnavailable(address provider, uint256 model);
    /// The bond is below `minimum` (join), or still locked: unbonding not started or
    /// not over (`availableAt`), or `openJobs` not yet settled (withdrawal).
    #[derive(Debug)]
    error BondRefused(uint256 bond, uint256 minimum, uint64 availableAt, uint64 openJobs);
    #[derive(Debug)]
    error DeadlineTooSoon(uint64 deadline, uint64 earliest);
    #[derive(Debug)]
    error WrongStatus(uint256 job, uint8 status);
    /// Not allowed at this time: `limit` is the deadline or window bound crossed.
    #[derive(Debug)]
    error OutOfTime(uint256 job, uint64 limit);
    #[derive(Debug)]
    error BadSignature(address requester);
    /// A ledger call reverted with the error whose selector is `ledgerError` (for
    /// example the ledger's InsufficientCredits).
    #[derive(Debug)]
    error LedgerCallFailed(bytes4 ledgerError);
    #[derive(Debug)]
    error TokenCallFailed(address token);
    /// Too little gas left to give the consumer callback its full allowance: `needed`
    /// is the allowance after the 63/64 rule plus the call's own cost.
    #[derive(Debug)]
    error InsufficientGas(uint64 gasLeft, uint64 needed);
    /// The payment token given at setup is not the ledger's (`ledgerToken`, zero when
    /// the ledger did not answer).
    #[derive(Debug)]
    error PaymentTokenMismatch(address token, address ledgerToken);
    /// An unbonding delay, challenge or dispute window longer than `limit`: it could hold
    /// a bond or a payment for ever.
    #[derive(Debug)]
    error WindowTooLong(uint64 window, uint64 limit);
}

#[derive(SolidityError, Debug)]
pub enum Error {
    InvalidArgument(InvalidArgument),
    AlreadyInitialized(AlreadyInitialized),
    AccessControlUnauthorizedAccount(AccessControlUnauthorizedAccount),
    UnknownRole(UnknownRole),
    AdminHandoverUnconfirmed(AdminHandoverUnconfirmed),
    EnforcedPause(EnforcedPause),
    ExpectedPause(ExpectedPause),
    NoAccess(NoAccess),
    ProviderUnavailable(ProviderUnavailable),
    BondRefused(BondRefused),
    DeadlineTooSoon(DeadlineTooSoon),
    WrongStatus(WrongStatus),
    OutOfTime(OutOfTime),
    BadSignature(BadSignature),
    LedgerCallFailed(LedgerCallFailed),
    TokenCallFailed(TokenCallFailed),
    InsufficientGas(InsufficientGas),
    PaymentTokenMismatch(PaymentTokenMismatch),
    MathOverflow(MathOverflow),
    WindowTooLong(WindowTooLong),
}

impl From<RoleError> for Error {
    fn from(e: RoleError) -> Self {
        match e {
            RoleError::Unknown(e) => Error::UnknownRole(e),
            RoleError::Handover(e) => Error::AdminHandoverUnconfirmed(e),
        }
    }
}

impl From<PauseError> for Error {
    fn from(e: PauseError) -> Self {
        match e {
            PauseError::Enforced(e) => Error::EnforcedPause(e),
            PauseError::Expected(e) => Error::ExpectedPause(e),
        }
    }
}

pub(crate) fn overflow() -> Error {
    Error::MathOverflow(MathOverflow {})
}

pub(crate) fn invalid() -> Error {
    Error::InvalidArgument(InvalidArgument {})
}

/// A reverted ledger call, named by the selector of the ledger's own error.
#[allow(deprecated)]
pub(crate) fn ledger_err(e: stylus_sdk::call::Error) -> Error {
    let data: Vec<u8> = e.into();
    let mut sel = [0u8; 4];
    for (d, b) in sel.iter_mut().zip(data.iter()) {
        *d = *b;
    }
    Error::LedgerCallFailed(LedgerCallFailed { ledgerError: sel.into() })
}
