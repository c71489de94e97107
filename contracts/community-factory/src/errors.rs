//! Every way a factory call fails.

use stylus_sdk::{alloy_sol_types::sol, prelude::*};

sol! {
    /// A zero address, or a clone not where it was predicted.
    #[derive(Debug)]
    error InvalidArgument();
    /// Creating the clone of `implementation` failed (its address is taken: the same
    /// deployer and salt created it already), with the creation's revert data.
    #[derive(Debug)]
    error CloneFailed(address implementation, bytes revert);
    /// Setting up the clone at `target` failed, with its revert data (decode it with
    /// that contract's ABI).
    #[derive(Debug)]
    error SetupFailed(address target, bytes revert);
    /// No community has this index.
    #[derive(Debug)]
    error UnknownCommunity(uint256 index);
}

/// Every error of the factory.
#[derive(SolidityError, Debug)]
pub enum Error {
    InvalidArgument(InvalidArgument),
    CloneFailed(CloneFailed),
    SetupFailed(SetupFailed),
    UnknownCommunity(UnknownCommunity),
}

pub(crate) fn invalid() -> Error {
    Error::InvalidArgument(InvalidArgument {})
}
