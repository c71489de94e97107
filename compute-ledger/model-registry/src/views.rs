//! The registry's view calls (a gated model's collection and its ERC-6551 registry),
//! encoded by hand: typed wrappers compile an encoder and a decoder per function. Each
//! answer is read exactly as the ABI decoder would (`validate`): exactly one word, and an
//! address without stray bits; anything else, like a revert, is no answer.

use alloc::vec::Vec;

use compute_fi_contracts::signatures::selector;
#[allow(deprecated)]
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    call::RawCall,
};

use crate::{events::word, ModelRegistry};

const BALANCE_OF: [u8; 4] = selector(b"balanceOf(address)");
const OWNER_OF: [u8; 4] = selector(b"ownerOf(uint256)");
const ACCOUNT: [u8; 4] = selector(b"account(address,bytes32,uint256,address,uint256)");

/// A view call of `target` with `selector(words…)`: its answer when it is one word.
#[allow(deprecated)]
fn view(target: Address, selector: [u8; 4], words: &[B256]) -> Option<B256> {
    let mut data = Vec::with_capacity(4 + 32 * words.len());
    data.extend_from_slice(&selector);
    for w in words {
        data.extend_from_slice(w.as_slice());
    }
    // SAFETY: a static call cannot change state, ours included.
    let answer = unsafe { RawCall::new_static().flush_storage_cache().call(target, &data) }.ok()?;
    B256::try_from(answer.as_slice()).ok()
}

/// An address answer: its 12 high bytes must be zero.
fn address(word: B256) -> Option<Address> {
    word.0.split_at(12).0.iter().all(|b| *b == 0).then(|| Address::from_word(word))
}

impl ModelRegistry {
    /// ERC-721 `balanceOf(owner)` on `collection`.
    pub(crate) fn balance_of(&self, collection: Address, owner: Address) -> Option<U256> {
        view(collection, BALANCE_OF, &[word(owner)]).map(|w| U256::from_be_bytes(w.0))
    }

    /// ERC-721 `ownerOf(token_id)` on `collection`.
    pub(crate) fn owner_of(&self, collection: Address, token_id: U256) -> Option<Address> {
        view(collection, OWNER_OF, &[token_id.into()]).and_then(address)
    }

    /// ERC-6551 `account(implementation, salt, chainId, tokenContract, tokenId)` on
    /// `registry`.
    pub(crate) fn account(&self, registry: Address, args: [B256; 5]) -> Option<Address> {
        view(registry, ACCOUNT, &args).and_then(address)
    }
}
