//! Every failure of the vault: its own errors, OpenZeppelin's ERC-20 errors for the share
//! token, and the shared vocabulary (roles, pausing, initialisation, arithmetic).

pub use compute_fi_contracts::{
    access::{AccessControlUnauthorizedAccount, EnforcedPause, ExpectedPause, UnknownRole},
    errors::{AlreadyInitialized, MathOverflow},
};
use openzeppelin_stylus::token::erc20;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    alloy_sol_types::sol,
    prelude::*,
};

sol! {
    /// A setup address is zero, or the loss bound is above 10,000 bps.
    #[derive(Debug)]
    error InvalidSetup(address asset, address source, address ledger, uint16 maxLossBps);
    /// The name or symbol has a byte outside ASCII.
    #[derive(Debug)]
    error InvalidName(bytes32 name, bytes32 symbol);
    /// The deposit is below the minimum stake (`exact`: not exactly the stake).
    #[derive(Debug)]
    error StakeRejected(uint256 assets, uint256 stake, bool exact);
    /// The deposit would take `account`'s holding (or, for account zero, the total
    /// supply) above `cap`.
    #[derive(Debug)]
    error CapExceeded(address account, uint256 held, uint256 shares, uint256 cap);
    /// The owner's shares are locked until `unlockTime` (from its latest own or first deposit).
    #[derive(Debug)]
    error SharesLocked(address owner, uint64 unlockTime);
    /// The owner holds fewer shares than the exit needs.
    #[derive(Debug)]
    error InsufficientShares(address owner, uint256 shares, uint256 balance);
    /// The operation moves nothing: `assets` buys no share or `shares` are worth nothing.
    #[derive(Debug)]
    error ZeroAmount(uint256 assets, uint256 shares);
    /// The deficit exceeds the loss bound: deposits are refused (exits still work).
    #[derive(Debug)]
    error LossBeyondBound(uint256 value, uint256 principal, uint16 maxLossBps);
    /// The vault is in deficit: no harvest.
    #[derive(Debug)]
    error InDeficit(uint256 value, uint256 principal);
    /// The minimum interval since the last harvest has not passed.
    #[derive(Debug)]
    error HarvestTooSoon(uint64 now, uint64 next);
    /// Not enough attributed yield to harvest.
    #[derive(Debug)]
    error HarvestBelowMinimum(uint256 pending, uint256 minimum);
    /// A call to `target` (asset, source, ledger or ETH receiver) failed or returned
    /// something unusable; `amount` is what it was to move.
    #[derive(Debug)]
    error CallFailed(address target, uint256 amount);
    /// Native ETH is enabled only when the asset is WETH.
    #[derive(Debug)]
    error NativeNotSupported();
    /// Plain ETH is accepted only from the WETH asset, while it unwraps for `redeemEth`.
    #[derive(Debug)]
    error UnexpectedEth(address from, uint256 amount);
}

/// Every failure of the vault.
#[derive(SolidityError, Debug)]
pub enum Error {
    InsufficientBalance(erc20::ERC20InsufficientBalance),
    InvalidSender(erc20::ERC20InvalidSender),
    InvalidReceiver(erc20::ERC20InvalidReceiver),
    InsufficientAllowance(erc20::ERC20InsufficientAllowance),
    InvalidSpender(erc20::ERC20InvalidSpender),
    InvalidApprover(erc20::ERC20InvalidApprover),
    UnauthorizedAccount(AccessControlUnauthorizedAccount),
    EnforcedPause(EnforcedPause),
    ExpectedPause(ExpectedPause),
    AlreadyInitialized(AlreadyInitialized),
    InvalidSetup(InvalidSetup),
    InvalidName(InvalidName),
    StakeRejected(StakeRejected),
    CapExceeded(CapExceeded),
    SharesLocked(SharesLocked),
    InsufficientShares(InsufficientShares),
    ZeroAmount(ZeroAmount),
    LossBeyondBound(LossBeyondBound),
    InDeficit(InDeficit),
    HarvestTooSoon(HarvestTooSoon),
    HarvestBelowMinimum(HarvestBelowMinimum),
    CallFailed(CallFailed),
    NativeNotSupported(NativeNotSupported),
    UnexpectedEth(UnexpectedEth),
    MathOverflow(MathOverflow),
    UnknownRole(UnknownRole),
}

impl From<erc20::Error> for Error {
    fn from(value: erc20::Error) -> Self {
        match value {
            erc20::Error::InsufficientBalance(e) => Error::InsufficientBalance(e),
            erc20::Error::InvalidSender(e) => Error::InvalidSender(e),
            erc20::Error::InvalidReceiver(e) => Error::InvalidReceiver(e),
            erc20::Error::InsufficientAllowance(e) => Error::InsufficientAllowance(e),
            erc20::Error::InvalidSpender(e) => Error::InvalidSpender(e),
            erc20::Error::InvalidApprover(e) => Error::InvalidApprover(e),
        }
    }
}

/// A computation overflowed or divided by zero (the value of the vault is zero).
pub(crate) fn overflow() -> Error {
    Error::MathOverflow(MathOverflow {})
}

pub(crate) fn call_failed(target: Address, amount: U256) -> Error {
    Error::CallFailed(CallFailed { target, amount })
}
