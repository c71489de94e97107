//! Which token owns the account, and who owns that token.
//!
//! [`TbaAccount::token`] reads the proxy's own code (`address(this)`) and parses the
//! reference footer ([`compute_fi_contracts::interfaces::tba::parse_proxy`]). If the
//! code is not exactly the 173-byte reference layout (e.g. the implementation is called
//! directly, or through another proxy), every function that depends on the token fails
//! with `NotAnAccount()` (views answer "not valid"/zero). [`TbaAccount::owner`] is
//! `ownerOf(tokenId)` when the token's chain id is this chain, zero otherwise (and zero
//! when `ownerOf` reverts, e.g. a burned token): nobody can act for a token on another
//! chain.

use alloc::vec::Vec;

use compute_fi_contracts::interfaces::tba::{parse_proxy, AccountContext};
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    alloy_sol_types::{sol, SolCall},
    prelude::*,
    stylus_core::calls::context::Call,
};

use crate::{Error, NotAnAccount, TbaAccount};

sol! {
    function ownerOf(uint256 tokenId) external view returns (address);
}

impl TbaAccount {
    /// Code of `account` (tests substitute code, which motsu cannot hold).
    pub(crate) fn code_at(&self, account: Address) -> Vec<u8> {
        #[cfg(test)]
        if let Some(code) = crate::tests::code_override(account) {
            return code;
        }
        self.vm().code(account)
    }

    /// This account's ERC-6551 context from its own (the proxy's) code.
    pub(crate) fn context(&self) -> Result<AccountContext, Error> {
        parse_proxy(&self.code_at(self.vm().contract_address()))
            .ok_or(Error::NotAnAccount(NotAnAccount {}))
    }

    /// `ownerOf(token_id)` on `token_contract`, `None` if it reverts or answers garbage.
    pub(crate) fn owner_of(&self, token_contract: Address, token_id: U256) -> Option<Address> {
        let data = ownerOfCall { tokenId: token_id }.abi_encode();
        let out = self.vm().static_call(&Call::new(), token_contract, &data).ok()?;
        ownerOfCall::abi_decode_returns(&out, true).ok().map(|r| r._0)
    }

    /// The owner of this account's token on this chain, zero otherwise.
    pub(crate) fn owner_for(&self, ctx: &AccountContext) -> Address {
        if ctx.chain_id != U256::from(self.vm().chain_id()) {
            return Address::ZERO;
        }
        self.owner_of(ctx.token_contract, ctx.token_id).unwrap_or(Address::ZERO)
    }

    pub(crate) fn now(&self) -> u64 {
        self.vm().block_timestamp()
    }
}
