//! ERC-6551 registry in Stylus, equivalent to the reference registry
//! (`erc6551/reference`, `src/ERC6551Registry.sol`):
//!
//! - the same functions (`createAccount`, `account`), event (`ERC6551AccountCreated`,
//!   same fields and indexing) and error (`AccountCreationFailed()`), so their selectors
//!   and topic are the reference's (asserted in the tests);
//! - the same account proxy: the reference's ERC-1167-style init code and 173-byte
//!   runtime code with the context footer (salt, chain id, token contract, token id) at
//!   the reference offsets ([`compute_fi_contracts::interfaces::tba`]), deployed by
//!   CREATE2 with the caller's salt, so an account's address is
//!   `keccak256(0xff ‖ registry ‖ salt ‖ keccak256(init code))[12:]` exactly as with
//!   the reference registry at its own address;
//! - idempotent: when the account already has code, `createAccount` returns its address
//!   without deploying and without an event.
//!
//! Like the reference, the registry is permissionless and keeps no storage: anyone may
//! create the account of any token with any implementation; what an account trusts is
//! decided by the implementation and by who reads the proxy's code.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use compute_fi_contracts::{
    interfaces::tba::{account_address, proxy_init_code, AccountContext},
    signatures::is_code_hash,
};
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    alloy_sol_types::sol,
    prelude::*,
};

compute_fi_contracts::contract_events! {
    /// The reference registry's event, declared once for the code and the ABI export.
    IERC6551RegistryEvents {
        /// Emitted when an account is deployed (not when `createAccount` finds it
        /// deployed).
        #[derive(Debug)]
        event ERC6551AccountCreated(address account, address indexed implementation, bytes32 salt, uint256 chainId, address indexed tokenContract, uint256 indexed tokenId);
    }
}

sol! {
    /// The CREATE2 deployment failed.
    #[derive(Debug)]
    error AccountCreationFailed();
}

/// Registry errors: the reference's only one.
#[derive(SolidityError, Debug)]
pub enum Error {
    AccountCreationFailed(AccountCreationFailed),
}

/// The registry: stateless.
#[entrypoint]
#[storage]
pub struct Erc6551Registry {}

fn context(
    implementation: Address,
    salt: B256,
    chain_id: U256,
    token_contract: Address,
    token_id: U256,
) -> AccountContext {
    AccountContext { implementation, salt, chain_id, token_contract, token_id }
}

// Parameter names are the reference's (they appear in the exported ABI).
#[allow(non_snake_case)]
#[public]
impl Erc6551Registry {
    /// Creates the token-bound account of (`chain_id`, `token_contract`, `token_id`)
    /// with `implementation` and `salt`, or returns it if it already has code.
    pub fn create_account(
        &mut self,
        implementation: Address,
        salt: B256,
        chainId: U256,
        tokenContract: Address,
        tokenId: U256,
    ) -> Result<Address, Error> {
        let (chain_id, token_contract, token_id) = (chainId, tokenContract, tokenId);
        let ctx = context(implementation, salt, chain_id, token_contract, token_id);
        let computed = account_address(self.vm().contract_address(), &ctx);
        // An account someone already sent ETH to exists without code: deploy it then.
        if is_code_hash(self.vm().code_hash(computed)) {
            return Ok(computed);
        }
        let code = proxy_init_code(&ctx);
        // SAFETY: the init code is the fixed proxy constructor; it makes no calls and the
        // registry keeps no storage that a reentrant call could alias.
        let deployed = unsafe { self.vm().deploy(&code, U256::ZERO, Some(salt)) };
        match deployed {
            Ok(account) if !account.is_zero() => {
                log(
                    self.vm(),
                    ERC6551AccountCreated {
                        account,
                        implementation,
                        salt,
                        chainId: chain_id,
                        tokenContract: token_contract,
                        tokenId: token_id,
                    },
                );
                Ok(account)
            }
            _ => Err(Error::AccountCreationFailed(AccountCreationFailed {})),
        }
    }

    /// The address `create_account` deploys (or deployed) for these inputs.
    pub fn account(
        &self,
        implementation: Address,
        salt: B256,
        chainId: U256,
        tokenContract: Address,
        tokenId: U256,
    ) -> Address {
        let ctx = context(implementation, salt, chainId, tokenContract, tokenId);
        account_address(self.vm().contract_address(), &ctx)
    }
}

#[cfg(test)]
mod tests;
