//! Unit tests (motsu). CREATE2 and code reads are not available in motsu: deployment,
//! the deployed code and the event of a real deployment are tested on the local chain
//! (see the crate docs and the report); here: the address derivation, the idempotent
//! path, the interface identifiers.
use alloy_primitives::{hex, keccak256, Address, B256, U256};
use alloy_sol_types::{SolError, SolEvent};
use motsu::prelude::*;
use proptest::prelude::*;

use super::*;

/// The reference formula, written independently of the library: the init code is
/// assembled from the reference registry's memory layout, and the address from
/// `keccak256(0xff ‖ registry ‖ salt ‖ keccak256(init code))[12:]`.
fn reference_address(
    registry: Address,
    implementation: Address,
    salt: B256,
    chain_id: U256,
    token_contract: Address,
    token_id: U256,
) -> Address {
    let mut init = Vec::new();
    init.extend_from_slice(&hex!("3d60ad80600a3d3981f3363d3d373d3d3d363d73"));
    init.extend_from_slice(implementation.as_slice());
    init.extend_from_slice(&hex!("5af43d82803e903d91602b57fd5bf3"));
    init.extend_from_slice(salt.as_slice());
    init.extend_from_slice(&chain_id.to_be_bytes::<32>());
    init.extend_from_slice(&[0u8; 12]);
    init.extend_from_slice(token_contract.as_slice());
    init.extend_from_slice(&token_id.to_be_bytes::<32>());
    assert_eq!(init.len(), 0xb7);
    let mut pre = vec![0xffu8];
    pre.extend_from_slice(registry.as_slice());
    pre.extend_from_slice(salt.as_slice());
    pre.extend_from_slice(keccak256(&init).as_slice());
    Address::from_slice(&keccak256(&pre)[12..])
}

#[test]
fn selectors_and_topic_are_the_reference() {
    // Values from the reference registry (its assembly and its published ABI).
    assert_eq!(AccountCreationFailed::SELECTOR, hex!("20188a59"));
    assert_eq!(
        ERC6551AccountCreated::SIGNATURE_HASH,
        B256::from(hex!("79f19b3655ee38b1ce526556b7731a20c8f218fbda4a3990b6cc4172fdf88722"))
    );
    // The router's selectors: the camel-cased method name with the Solidity types, as
    // `#[public]` derives them.
    let create =
        stylus_sdk::function_selector!("createAccount", Address, B256, U256, Address, U256);
    let account = stylus_sdk::function_selector!("account", Address, B256, U256, Address, U256);
    assert_eq!(create, hex!("8a54c52f"));
    assert_eq!(account, hex!("246a0021"));
    assert_eq!(create, keccak256("createAccount(address,bytes32,uint256,address,uint256)")[..4]);
}

#[motsu::test]
fn account_matches_reference_formula(registry: Contract<Erc6551Registry>, alice: Address) {
    let (imp, salt, chain, tc, id) = (
        Address::repeat_byte(1),
        B256::repeat_byte(2),
        U256::from(42161u64),
        Address::repeat_byte(3),
        U256::from(9u64),
    );
    let got = registry.sender(alice).account(imp, salt, chain, tc, id);
    assert_eq!(got, reference_address(registry.address(), imp, salt, chain, tc, id));
    // Any change of input changes the address.
    assert_ne!(got, registry.sender(alice).account(imp, salt, chain, tc, id + U256::from(1)));
    assert_ne!(got, registry.sender(alice).account(imp, B256::repeat_byte(4), chain, tc, id));
}

#[motsu::test]
fn create_account_is_idempotent_when_code_exists(
    registry: Contract<Erc6551Registry>,
    alice: Address,
) {
    let (imp, salt, chain, tc, id) = (
        Address::repeat_byte(1),
        B256::ZERO,
        U256::from(1u64),
        Address::repeat_byte(3),
        U256::from(1u64),
    );
    let expected = registry.sender(alice).account(imp, salt, chain, tc, id);
    // Put code at the account's address (motsu reports code for contracts it hosts).
    let existing = Contract::<Erc6551Registry>::new_at(expected);
    let _ = existing.sender(alice).account(imp, salt, chain, tc, id);
    let got = registry.sender(alice).create_account(imp, salt, chain, tc, id).expect("existing");
    assert_eq!(got, expected);
    assert!(registry.all_events().is_empty(), "no event when the account exists");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn account_equals_reference_for_random_inputs(
        reg in any::<[u8; 20]>(), imp in any::<[u8; 20]>(), salt in any::<[u8; 32]>(),
        chain in any::<[u8; 32]>(), tc in any::<[u8; 20]>(), id in any::<[u8; 32]>(),
    ) {
        let (reg, imp, salt, tc) = (Address::from(reg), Address::from(imp), B256::from(salt), Address::from(tc));
        let (chain, id) = (U256::from_be_bytes(chain), U256::from_be_bytes(id));
        let registry = Contract::<Erc6551Registry>::new_at(reg);
        let alice = Address::repeat_byte(0xa1);
        let got = registry.sender(alice).account(imp, salt, chain, tc, id);
        prop_assert_eq!(got, reference_address(reg, imp, salt, chain, tc, id));
    }
}
