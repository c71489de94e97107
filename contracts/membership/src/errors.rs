//! Every failure of membership: setup, `join`, and the ERC-721 ones minting can raise.

use compute_fi_contracts::errors::AlreadyInitialized;
use openzeppelin_stylus::token::erc721;
use stylus_sdk::{alloy_sol_types::sol, prelude::*};

sol! {
    /// Setup has not run.
    #[derive(Debug)]
    error NotInitialized();
    /// A configuration address is zero or the stake is zero.
    #[derive(Debug)]
    error InvalidConfig();
    /// ETH sent must be zero (ERC-20 stake) or exactly the stake (wrapped to WETH).
    #[derive(Debug)]
    error WrongEthAmount(uint256 sent, uint256 stake);
    /// A call to the stake token failed or returned false (tokens returning nothing are accepted).
    #[derive(Debug)]
    error TokenCallFailed(address token);
    /// The registry did not create the account.
    #[derive(Debug)]
    error AccountCreationFailed(address registry, uint256 tokenId);
    /// The vault deposit failed.
    #[derive(Debug)]
    error DepositFailed(address vault, uint256 assets);
    /// Token ids are exhausted.
    #[derive(Debug)]
    error IdOverflow();
    /// `to` is token `tokenId`'s own token-bound account, or is held through nested
    /// accounts by it: the token would own itself and nobody could move it again.
    #[derive(Debug)]
    error OwnershipCycle(uint256 tokenId, address to);
    /// `to` is nested deeper in accounts of this collection than the cycle check follows.
    #[derive(Debug)]
    error NestingTooDeep(uint256 tokenId, address to);
}

/// Membership errors (join, setup) and the ERC-721 ones minting can raise.
#[derive(SolidityError, Debug)]
pub enum Error {
    AlreadyInitialized(AlreadyInitialized),
    NotInitialized(NotInitialized),
    InvalidConfig(InvalidConfig),
    WrongEthAmount(WrongEthAmount),
    TokenCallFailed(TokenCallFailed),
    AccountCreationFailed(AccountCreationFailed),
    DepositFailed(DepositFailed),
    IdOverflow(IdOverflow),
    InvalidOwner(erc721::ERC721InvalidOwner),
    NonexistentToken(erc721::ERC721NonexistentToken),
    IncorrectOwner(erc721::ERC721IncorrectOwner),
    InvalidSender(erc721::ERC721InvalidSender),
    InvalidReceiver(erc721::ERC721InvalidReceiver),
    InvalidReceiverWithReason(erc721::InvalidReceiverWithReason),
    InsufficientApproval(erc721::ERC721InsufficientApproval),
    InvalidApprover(erc721::ERC721InvalidApprover),
    InvalidOperator(erc721::ERC721InvalidOperator),
    OwnershipCycle(OwnershipCycle),
    NestingTooDeep(NestingTooDeep),
}

/// The library's ERC-721 failures, as membership's own (one error type for the whole
/// contract, so that every failure is in its exported ABI).
impl From<erc721::Error> for Error {
    fn from(e: erc721::Error) -> Self {
        use erc721::Error as E;
        match e {
            E::InvalidOwner(x) => Error::InvalidOwner(x),
            E::NonexistentToken(x) => Error::NonexistentToken(x),
            E::IncorrectOwner(x) => Error::IncorrectOwner(x),
            E::InvalidSender(x) => Error::InvalidSender(x),
            E::InvalidReceiver(x) => Error::InvalidReceiver(x),
            E::InvalidReceiverWithReason(x) => Error::InvalidReceiverWithReason(x),
            E::InsufficientApproval(x) => Error::InsufficientApproval(x),
            E::InvalidApprover(x) => Error::InvalidApprover(x),
            E::InvalidOperator(x) => Error::InvalidOperator(x),
        }
    }
}
