//! The registry's events, declared once: the ABI export prints these declarations
//! (`main.rs`, through `abi::events_solidity`) and the code writes their logs out with
//! [`model_registered`] and [`model_enabled`] instead of `log()`, which instantiates an
//! encoder per event type (hundreds of bytes). The unit tests check each log against the
//! declared type (`assert_emitted`).

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    alloy_sol_types::SolEvent,
    stylus_core::Host,
};

compute_fi_contracts::contract_events! {
    /// Events of the model registry (besides AccessControl's `RoleGranted` and
    /// `RoleRevoked`).
    IModelRegistryEvents {
        /// Model `id` was registered by `owner`.
        #[derive(Debug)]
        event ModelRegistered(uint256 indexed id, address indexed owner, bytes32 weightsHash, uint8 unitKind, address collection, address registry, address implementation, bytes metadataURI);
        /// Model `id` was enabled or disabled for new requests.
        #[derive(Debug)]
        event ModelEnabled(uint256 indexed id, bool enabled);
    }
}

/// An address as an ABI word.
pub(crate) fn word(a: Address) -> B256 {
    a.into_word()
}

/// Emits a log of `topics` and `data`. A log fails only in a static call, where the change
/// it reports cannot happen.
fn emit(vm: &dyn Host, topics: &[B256], data: &[u8]) {
    let _ = vm.raw_log(topics, data);
}

/// `ModelRegistered`: `head` is the five static data words (weights hash, unit kind,
/// collection, registry, implementation), then `metadata_uri` as ABI `bytes` (its offset,
/// its length, its bytes padded to whole words).
#[inline(always)]
pub(crate) fn model_registered(
    vm: &dyn Host,
    id: U256,
    owner: Address,
    head: &[B256; 5],
    metadata_uri: &[u8],
) {
    let padded = metadata_uri.len().div_ceil(32) * 32;
    let mut data = Vec::with_capacity(32 * 7 + padded);
    for w in head {
        data.extend_from_slice(w.as_slice());
    }
    data.extend_from_slice(&U256::from(32 * 6).to_be_bytes::<32>());
    data.extend_from_slice(&U256::from(metadata_uri.len()).to_be_bytes::<32>());
    data.extend_from_slice(metadata_uri);
    data.resize(32 * 7 + padded, 0);
    emit(vm, &[ModelRegistered::SIGNATURE_HASH, id.into(), word(owner)], &data);
}

/// `ModelEnabled`.
#[inline(always)]
pub(crate) fn model_enabled(vm: &dyn Host, id: U256, enabled: bool) {
    emit(
        vm,
        &[ModelEnabled::SIGNATURE_HASH, id.into()],
        B256::with_last_byte(enabled.into()).as_slice(),
    );
}
