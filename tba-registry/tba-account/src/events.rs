//! The account's events, declared once: the ABI export prints these declarations
//! (`main.rs`, through `abi::events_solidity`) and the code emits their signature hashes
//! with [`emit`].
//!
//! Every field of every account event is one word, so a log is its topics and its data
//! words in declaration order. [`emit`] writes them out instead of `log()`, which
//! instantiates an encoder per event type: hundreds of bytes. Each event's unit test
//! (`assert_emitted` with the declared type) checks that the words match the declaration.

use stylus_sdk::{
    alloy_primitives::{aliases::B32, Address, B256, U256},
    stylus_core::Host,
};

/// Emits a log of `topics` (the signature hash, then the indexed fields) and `data` (the
/// other fields, one word each).
pub(crate) fn emit(vm: &dyn Host, topics: &[B256], data: &[B256]) {
    let mut bytes = [0u8; 32 * 3];
    for (slot, w) in bytes.chunks_exact_mut(32).zip(data) {
        slot.copy_from_slice(w.as_slice());
    }
    // A log fails only in a static call, where the change it reports cannot happen.
    let _ = vm.raw_log(topics, bytes.get(..32 * data.len()).unwrap_or_default());
}

/// An address as a word.
pub(crate) fn address_word(a: Address) -> B256 {
    a.into_word()
}

/// A number (`uint64`, or a `bool` as 0 or 1) as a word.
pub(crate) fn number_word(x: u64) -> B256 {
    U256::from(x).into()
}

/// A `bytes4` as a word (left-aligned).
pub(crate) fn bytes4_word(b: B32) -> B256 {
    let mut w = B256::ZERO;
    w.0.split_at_mut(4).0.copy_from_slice(b.as_slice());
    w
}

compute_fi_contracts::contract_events! {
    /// Events of the token-bound account.
    ITbaAccountEvents {
        /// The owner locked the account until `lockedUntil`.
        #[derive(Debug)]
        event LockUpdated(uint64 lockedUntil);
        /// `owner` granted `delegate` grant `grantId`, live until `expiry`; with
        /// `canSign` the delegate is also a valid signer.
        #[derive(Debug)]
        event DelegateGranted(address indexed owner, address indexed delegate, uint64 expiry, bool canSign, uint64 grantId);
        /// Grant `grantId` lets `delegate` CALL `target` with calldata starting with
        /// `selector`.
        #[derive(Debug)]
        event DelegateScope(address indexed delegate, uint64 indexed grantId, address target, bytes4 selector);
        /// `owner` voided `delegate`'s grant.
        #[derive(Debug)]
        event DelegateRevoked(address indexed owner, address indexed delegate);
    }
}
