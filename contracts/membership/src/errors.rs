//! Every failure of membership: setup, `join`, and the ERC-721 ones minting can raise.

use compute_fi_contracts::errors::AlreadyInitialized;
use openzeppelin_stylus::token::{erc20::utils::safe_erc20 as safe, erc721};
use stylus_sdk::{alloy_primitives::Address, alloy_sol_types::sol, prelude::*};

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
    InvalidReceiver(erc721::ERC721InvalidReceiver),
    InvalidSender(erc721::ERC721InvalidSender),
}

/// SafeErc20 failures: the token call failed or returned false.
pub(crate) fn from_safe(e: safe::Error) -> Error {
    match e {
        safe::Error::SafeErc20FailedOperation(x) => {
            Error::TokenCallFailed(TokenCallFailed { token: x.token })
        }
        safe::Error::SafeErc20FailedDecreaseAllowance(_) => {
            Error::TokenCallFailed(TokenCallFailed { token: Address::ZERO })
        }
    }
}

pub(crate) fn from_721(e: erc721::Error) -> Error {
    match e {
        erc721::Error::InvalidReceiver(x) => Error::InvalidReceiver(x),
        _ => Error::InvalidSender(erc721::ERC721InvalidSender { sender: Address::ZERO }),
    }
}
