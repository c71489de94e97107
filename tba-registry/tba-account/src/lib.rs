//! ERC-6551 token-bound account implementation, in Stylus.
//!
//! It runs behind the reference registry's ERC-1167-style proxy (by DELEGATECALL), so the
//! executing address and the storage are the proxy's; the implementation itself keeps no
//! state of its own and has no constructor.
//!
//! One rule per module, as tokenbound's AccountV3 is composed:
//! - [`context`]: which token owns the account (read from the proxy's code) and who owns
//!   that token.
//! - [`grants`]: who may act: the owner, and scoped delegates whose grants die with any
//!   transfer of the NFT (the token's ownership epoch).
//! - [`executor`]: `execute` and `executeBatch` (CALL, DELEGATECALL, CREATE, CREATE2).
//! - [`sandbox`]: where DELEGATECALL runs instead of on the account's storage.
//! - [`lock`]: the owner's lock, which stops every action and signature.
//! - [`signatures`]: `isValidSigner` and ERC-1271 over an EIP-712 replay-safe digest.
//! - [`receiver`]: token hooks (refusing ownership cycles) and ERC-165.
//! - [`errors`], [`events`]: every error and event of the account, each in one place.
//!
//! # State
//! `state()` is a counter incremented by every state-changing entry point (`execute`,
//! `executeBatch`, `extcall`, `lock`, `grantDelegate`, `revokeDelegate`), before any
//! external call, so a buyer can pin it in a marketplace order.
//!
//! # Reentrancy
//! The account must accept reentrant calls: ETH refunds and token hooks arrive while its
//! own `execute` runs, and sandboxed code calls `extcall` back. The SDK's `reentrant`
//! feature would allow that, but cargo unifies features across every crate built in one
//! invocation (`scripts/cf build` builds all contracts together), which would silently
//! drop the reentrancy guard of every other contract (and change their call APIs). So
//! this crate keeps the feature off and defines its own `user_entrypoint`: the SDK's,
//! minus the `msg_reentrant` check (`compute_fi_contracts::entrypoint::run` with
//! `Reentrancy::Admit`; the vault uses the same function with a narrower rule). It is
//! safe here because every state change happens before the external call it guards
//! (checks-effects-interactions), storage values are never cached across calls (the SDK
//! flushes and clears the host cache before each call and we flush before CREATE), and
//! nothing is written after an external call returns.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;

use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{aliases::B32, Address, B256, U256},
    prelude::*,
    storage::{StorageBool, StorageMap, StorageU256, StorageU64},
};

pub mod context;
pub mod errors;
pub mod events;
pub mod executor;
pub mod grants;
pub mod lock;
pub mod receiver;
pub mod sandbox;
pub mod signatures;

pub use errors::*;
pub use events::*;
pub use executor::{OP_CALL, OP_CREATE, OP_CREATE2, OP_DELEGATECALL};
pub use grants::{Grant, EPOCH_GAS, EPOCH_GAS_NEEDED, MAX_GRANT, MAX_SCOPES};
pub use lock::MAX_LOCK;
pub use receiver::*;
pub use sandbox::{sandbox_address, sandbox_init_code, SANDBOX_SALT};
pub use signatures::{replay_safe_hash, INVALID_1271, MAGIC_1271, MAGIC_SIGNER};

/// The account's storage (in the proxy).
#[storage]
pub struct TbaAccount {
    /// The state counter (crate docs).
    state: StorageU256,
    locked_until: StorageU64,
    grant_count: StorageU64,
    /// keccak256(owner ‖ delegate) => grant.
    grants: StorageMap<B256, Grant>,
    /// keccak256(grant id ‖ target ‖ selector) => allowed.
    scopes: StorageMap<B256, StorageBool>,
}

// SAFETY: the account is the top-level storage of this program (what `#[entrypoint]`
// would declare; see the crate docs for why the entrypoint is written out).
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for TbaAccount {}

/// The SDK's entrypoint without its reentrancy refusal (crate docs, "Reentrancy").
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[no_mangle]
pub extern "C" fn user_entrypoint(len: usize) -> usize {
    compute_fi_contracts::entrypoint::run::<TbaAccount>(
        len,
        compute_fi_contracts::entrypoint::Reentrancy::Admit,
    )
}

/// Prints the Solidity interface (what `#[entrypoint]` would generate).
#[cfg(feature = "export-abi")]
pub fn print_from_args() {
    stylus_sdk::abi::export::print_from_args::<TbaAccount>();
}

impl TbaAccount {
    /// Moves the state counter (crate docs). Wrapping: a buyer compares it for equality
    /// only, and 2^256 state changes cannot happen.
    fn bump_state(&mut self) {
        let next = self.state.get().wrapping_add(U256::from(1));
        self.state.set(next);
    }
}

#[public]
impl TbaAccount {
    /// Accepts ETH.
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }

    /// The token that owns this account: (chainId, tokenContract, tokenId).
    pub fn token(&self) -> Result<(U256, Address, U256), Error> {
        let ctx = self.context()?;
        Ok((ctx.chain_id, ctx.token_contract, ctx.token_id))
    }

    /// Counter changed by every state-changing execution.
    pub fn state(&self) -> U256 {
        self.state.get()
    }

    /// The token's owner on this chain; zero for a token on another chain.
    pub fn owner(&self) -> Result<Address, Error> {
        let ctx = self.context()?;
        Ok(self.owner_for(&ctx))
    }

    /// ERC-6551: the magic value if `signer` is the owner or a signing delegate of an
    /// unlocked account, zero otherwise.
    pub fn is_valid_signer(&self, signer: Address, _context: Bytes) -> B32 {
        if self.valid_signer(signer) {
            MAGIC_SIGNER
        } else {
            B32::ZERO
        }
    }

    /// ERC-1271 (see [`signatures`]: the signer signs `replaySafeHash(hash)`).
    pub fn is_valid_signature(&self, hash: B256, signature: Bytes) -> B32 {
        if self.signature_ok(hash, &signature) {
            MAGIC_1271
        } else {
            INVALID_1271
        }
    }

    /// The EIP-712 digest a signer signs for `hash` (see [`signatures`]).
    pub fn replay_safe_hash(&self, hash: B256) -> B256 {
        replay_safe_hash(self.vm().chain_id(), self.vm().contract_address(), hash)
    }

    /// IERC6551Executable: runs one operation (CALL, DELEGATECALL via the sandbox,
    /// CREATE, CREATE2 with `data` = salt ‖ init code) and returns its output (for
    /// CREATE/CREATE2 the ABI-encoded address); bubbles a call's revert data.
    #[payable]
    pub fn execute(
        &mut self,
        to: Address,
        value: U256,
        data: Bytes,
        operation: u8,
    ) -> Result<Bytes, Vec<u8>> {
        Ok(self.execute_one(to, value, &data, operation)?.into())
    }

    /// Runs several operations in order, all or nothing (same rules as `execute`).
    #[payable]
    pub fn execute_batch(
        &mut self,
        to: Vec<Address>,
        value: Vec<U256>,
        data: Vec<Bytes>,
        operation: Vec<u8>,
    ) -> Result<(), Vec<u8>> {
        self.execute_all(&to, &value, &data, &operation)
    }

    /// A CALL as the account, for code running in the sandbox (DELEGATECALL operation).
    pub fn extcall(&mut self, to: Address, value: U256, data: Bytes) -> Result<Bytes, Vec<u8>> {
        Ok(self.call_from_sandbox(to, value, &data)?.into())
    }

    /// The sandbox address DELEGATECALL operations run in.
    pub fn sandbox(&self) -> Address {
        sandbox_address(self.vm().contract_address())
    }

    /// Locks the account until `until` (at most 365 days ahead); owner only, not while
    /// locked.
    pub fn lock(&mut self, until: u64) -> Result<(), Error> {
        self.lock_until(until)
    }

    pub fn locked_until(&self) -> u64 {
        self.locked_until.get().to::<u64>()
    }

    pub fn is_locked(&self) -> bool {
        self.locked()
    }

    /// Grants `delegate` the right to CALL each `targets[i]` with `selectors[i]` until
    /// `expiry`, and to sign if `can_sign`; replaces its previous grant. Owner only,
    /// unlocked. The grant lives in the token's current ownership epoch only: any transfer
    /// of the NFT voids it (see [`grants`]). Returns the grant id.
    pub fn grant_delegate(
        &mut self,
        delegate: Address,
        expiry: u64,
        can_sign: bool,
        targets: Vec<Address>,
        selectors: Vec<B32>,
    ) -> Result<u64, Error> {
        self.grant(delegate, expiry, can_sign, targets, selectors)
    }

    /// Voids `delegate`'s grant. Owner only, unlocked.
    pub fn revoke_delegate(&mut self, delegate: Address) -> Result<(), Error> {
        self.revoke(delegate)
    }

    /// `delegate`'s grant by the current owner in the current ownership epoch: (expiry,
    /// canSign, grantId); zeros if none (a grant from before the NFT's last transfer is
    /// none).
    pub fn delegate_grant(&self, delegate: Address) -> Result<(u64, bool, u64), Error> {
        self.current_grant(delegate)
    }

    /// Whether `delegate` may now CALL `target` with `selector`.
    pub fn is_permitted(
        &self,
        delegate: Address,
        target: Address,
        selector: B32,
    ) -> Result<bool, Error> {
        self.permitted(delegate, target, selector)
    }

    /// ERC-165.
    pub fn supports_interface(&self, interface_id: B32) -> bool {
        INTERFACES.contains(&interface_id)
    }

    /// ERC-721 receiver: refuses ownership cycles (see [`receiver`]).
    #[selector(name = "onERC721Received")]
    pub fn on_erc721_received(
        &mut self,
        _operator: Address,
        _from: Address,
        token_id: U256,
        _data: Bytes,
    ) -> Result<B32, Error> {
        self.check_no_cycle(self.vm().msg_sender(), token_id)?;
        Ok(ERC721_RECEIVED)
    }

    /// ERC-1155 receiver.
    #[selector(name = "onERC1155Received")]
    pub fn on_erc1155_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _id: U256,
        _value: U256,
        _data: Bytes,
    ) -> B32 {
        ERC1155_RECEIVED
    }

    /// ERC-1155 batch receiver.
    #[selector(name = "onERC1155BatchReceived")]
    pub fn on_erc1155_batch_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _ids: Vec<U256>,
        _values: Vec<U256>,
        _data: Bytes,
    ) -> B32 {
        ERC1155_BATCH_RECEIVED
    }
}

#[cfg(test)]
mod tests;
