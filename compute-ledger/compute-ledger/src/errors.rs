//! Every way a ledger call fails, and the checked arithmetic that fails with them.
//!
//! Refusals of a caller are OpenZeppelin's `AccessControlUnauthorizedAccount(account,
//! neededRole)` (see [`crate::roles`]); a second initialisation is the shared
//! `AlreadyInitialized`, and 256-bit overflow the shared `MathOverflow`, so these decode
//! the same way as in every other Compute-Fi contract.

use compute_fi_contracts::{
    access::{AccessControlUnauthorizedAccount, AdminHandoverUnconfirmed, RoleError, UnknownRole},
    errors::{AlreadyInitialized, MathOverflow},
};
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    alloy_sol_types::sol,
    prelude::*,
};

sol! {
    /// Zero amount or zero address where one is needed.
    #[derive(Debug)]
    error InvalidArgument();
    /// Not enough spendable credits.
    #[derive(Debug)]
    error InsufficientCredits(address account, uint256 available, uint256 needed);
    /// Not enough reserved credits.
    #[derive(Debug)]
    error InsufficientReserved(address account, uint256 reserved, uint256 needed);
    /// The market asked for more than it is owed.
    #[derive(Debug)]
    error InsufficientOwed(uint256 owed, uint256 needed);
    /// The vault's hand-over did not arrive: the ledger's balance of `token` is short.
    #[derive(Debug)]
    error AssetsNotReceived(address token, uint256 expected, uint256 balance);
    /// A token call reverted or did not return `true`.
    #[derive(Debug)]
    error TokenCallFailed(address token);
    /// A balance read failed.
    #[derive(Debug)]
    error ReadFailed(address target);
    /// No sealed epoch is waiting for conversion (assets harvested while one waited
    /// convert at the next harvest, which seals their epoch).
    #[derive(Debug)]
    error NothingToConvert();
    /// The conversion slippage asked for is above the ledger's limit.
    #[derive(Debug)]
    error SlippageAboveLimit(uint16 slippageBps, uint16 limitBps);
    /// The conversion was refused (see [`crate::reason`]).
    #[derive(Debug)]
    error ConversionRefused(uint8 reason, int256 answer, uint256 updatedAt);
    /// The router's swap succeeded but paid less than the minimum it was given: it broke
    /// its own `amountOutMinimum`, so the whole harvest or conversion is undone.
    #[derive(Debug)]
    error SwapShortPaid(address router, uint256 paid, uint256 minimum);
    /// The scheduled market change to `market` may be applied from `readyAt` only.
    #[derive(Debug)]
    error MarketChangeNotReady(address market, uint64 readyAt);
    /// The scheduled change to `market` was not applied by `expiredAt`: schedule it again.
    #[derive(Debug)]
    error MarketChangeExpired(address market, uint64 expiredAt);
}

/// Every error of the ledger.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// The caller lacks the role, or is not the party (vault, market), the call needs.
    UnauthorizedAccount(AccessControlUnauthorizedAccount),
    /// `grantRole` or `revokeRole` named a role the ledger does not grant.
    UnknownRole(UnknownRole),
    /// An admin tried to revoke its own admin role (a handover takes the next admin).
    AdminHandoverUnconfirmed(AdminHandoverUnconfirmed),
    MathOverflow(MathOverflow),
    InvalidArgument(InvalidArgument),
    AlreadyInitialized(AlreadyInitialized),
    InsufficientCredits(InsufficientCredits),
    InsufficientReserved(InsufficientReserved),
    InsufficientOwed(InsufficientOwed),
    AssetsNotReceived(AssetsNotReceived),
    ReadFailed(ReadFailed),
    NothingToConvert(NothingToConvert),
    ConversionRefused(ConversionRefused),
    SwapShortPaid(SwapShortPaid),
    MarketChangeNotReady(MarketChangeNotReady),
    MarketChangeExpired(MarketChangeExpired),
    SlippageAboveLimit(SlippageAboveLimit),
    TokenFailed(TokenCallFailed),
}

impl From<RoleError> for Error {
    fn from(e: RoleError) -> Self {
        match e {
            RoleError::Unknown(e) => Error::UnknownRole(e),
            RoleError::Handover(e) => Error::AdminHandoverUnconfirmed(e),
        }
    }
}

/// `Ok` when a token call returned `true`; a revert or any other answer is refused, so
/// tokens that return nothing are not supported.
pub(crate) fn token_ok<E>(r: Result<bool, E>, token: Address) -> Result<(), Error> {
    match r {
        Ok(true) => Ok(()),
        _ => Err(Error::TokenFailed(TokenCallFailed { token })),
    }
}

pub(crate) fn overflow() -> Error {
    Error::MathOverflow(MathOverflow {})
}

pub(crate) fn invalid() -> Error {
    Error::InvalidArgument(InvalidArgument {})
}

pub(crate) fn read_failed(target: Address) -> Error {
    Error::ReadFailed(ReadFailed { target })
}

pub(crate) fn add(a: U256, b: U256) -> Result<U256, Error> {
    a.checked_add(b).ok_or_else(overflow)
}

pub(crate) fn sub(a: U256, b: U256) -> Result<U256, Error> {
    a.checked_sub(b).ok_or_else(overflow)
}

pub(crate) fn mul(a: U256, b: U256) -> Result<U256, Error> {
    a.checked_mul(b).ok_or_else(overflow)
}
