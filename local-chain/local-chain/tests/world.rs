//! World state: serialisation, snapshots, views, impersonation.
mod common;

use common::*;
use local_chain::{Address, Chain, World, U256};

const COUNTER: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $sload (i32.const 1024) (i32.const 2048))
    (i32.store8 (i32.const 2079) (i32.add (i32.load8_u (i32.const 2079)) (i32.const 1)))
    (call $scache (i32.const 1024) (i32.const 2048))
    (call $flush (i32.const 0))
    (call $write_result (i32.const 2048) (i32.const 32))
    (i32.const 0))
"#;

#[test]
fn the_world_round_trips_through_serde_and_programs_recompile() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(COUNTER));
    chain.call(ALICE, p, U256::ZERO, vec![]).assert_success();
    let later = local_chain::DEFAULT_TIMESTAMP + 200 * 86_400; // within the activation's year
    chain.warp(later);
    let json = serde_json::to_string(chain.world()).unwrap();
    let world: World = serde_json::from_str(&json).unwrap();
    let mut again = Chain::from_world(world);
    assert_eq!(again.block().timestamp, later);
    assert_eq!(again.balance(ALICE), chain.balance(ALICE));
    assert_eq!(again.nonce(ALICE), chain.nonce(ALICE));
    // A fresh runtime: the program compiles on first use and sees the stored counter.
    let r = again.call(BOB, p, U256::ZERO, vec![]);
    r.assert_success();
    assert_eq!(U256::from_be_slice(&r.output), U256::from(2));
}

#[test]
fn snapshots_views_and_impersonation() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(COUNTER));
    let snap = chain.snapshot();
    chain.call(ALICE, p, U256::ZERO, vec![]).assert_success();
    assert_eq!(chain.storage(p, U256::ZERO), U256::from(1));
    // A view runs but commits nothing.
    let r = chain.view(ALICE, p, vec![]);
    assert_eq!(U256::from_be_slice(&r.output), U256::from(2));
    assert_eq!(chain.storage(p, U256::ZERO), U256::from(1));
    // Back to the snapshot, twice (it stays usable).
    chain.revert_to(snap);
    assert_eq!(chain.storage(p, U256::ZERO), U256::ZERO);
    chain.call(ALICE, p, U256::ZERO, vec![]).assert_success();
    chain.revert_to(snap);
    assert_eq!(chain.storage(p, U256::ZERO), U256::ZERO);
    // Any address can send (no signatures); value needs a balance.
    let stranger = Address::repeat_byte(0x42);
    chain.call(stranger, p, U256::ZERO, vec![]).assert_success();
    assert_eq!(chain.nonce(stranger), 1);
    let r = chain.call(stranger, p, U256::from(1), vec![]);
    assert!(!r.success);
    assert_eq!(r.status, "OutOfFunds");
    chain.set_balance(stranger, U256::from(5));
    chain.call(stranger, p, U256::from(1), vec![]).assert_success();
    assert_eq!(chain.balance(stranger), U256::from(4));
}

#[test]
fn arbsys_answers_block_number_chain_id_and_arbos_version() {
    alloy_sol_types::sol! {
        function arbBlockNumber() external view returns (uint256);
        function arbChainID() external view returns (uint256);
        function arbOSVersion() external view returns (uint256);
        function nope() external view returns (uint256);
    }
    let mut chain = Chain::new();
    chain.roll(77);
    assert_eq!(chain.read(local_chain::ARB_SYS, &arbBlockNumberCall {}).unwrap(), U256::from(77));
    assert_eq!(
        chain.read(local_chain::ARB_SYS, &arbChainIDCall {}).unwrap(),
        U256::from(local_chain::DEFAULT_CHAIN_ID)
    );
    // Nitro reports ArbOS 60 as 55 + 60.
    assert_eq!(chain.read(local_chain::ARB_SYS, &arbOSVersionCall {}).unwrap(), U256::from(115));
    assert!(chain.read(local_chain::ARB_SYS, &nopeCall {}).is_err());
}

#[test]
fn cache_managers_cache_and_evict_programs_others_cannot() {
    use alloy_sol_types::{SolCall, SolEvent};
    use local_chain::{
        arb_owner_public as owner, arbwasm_cache as cache, keccak256, ARB_OWNER_PUBLIC,
        ARB_WASM_CACHE,
    };
    let mut chain = Chain::new();
    let deployer = Address::repeat_byte(0xd0);
    let args = (String::from("T"), String::from("T"), U256::from(18u8));
    let args = alloy_sol_types::SolValue::abi_encode_params(&args);
    let token = chain.deploy_artifact(deployer, "mock-erc20", Some(&args)).unwrap();
    let hash = keccak256(chain.code(token));
    let manager = Address::repeat_byte(0xca);
    let cache_it = cache::cacheProgramCall { addr: token };
    // Not a manager, not an owner: refused.
    assert!(!chain.call(manager, ARB_WASM_CACHE, U256::ZERO, cache_it.abi_encode()).success);
    assert!(!chain.program(hash).unwrap().cached);
    chain.add_cache_manager(manager);
    assert!(chain.read(ARB_WASM_CACHE, &cache::isCacheManagerCall { manager }).unwrap());
    assert_eq!(chain.read(ARB_WASM_CACHE, &cache::allCacheManagersCall {}).unwrap(), vec![manager]);
    let r = chain.call(manager, ARB_WASM_CACHE, U256::ZERO, cache_it.abi_encode());
    r.assert_success();
    let ev = r.events::<cache::UpdateProgramCache>();
    assert_eq!(ev.len(), 1);
    assert_eq!((ev[0].manager, ev[0].codehash, ev[0].cached), (manager, hash, true));
    assert_eq!(r.logs[0].address, ARB_WASM_CACHE);
    assert_eq!(r.logs[0].topics()[0], cache::UpdateProgramCache::SIGNATURE_HASH);
    assert!(chain.program(hash).unwrap().cached);
    assert!(chain.read(ARB_WASM_CACHE, &cache::codehashIsCachedCall { codehash: hash }).unwrap());
    // Code that is not an activated program cannot be cached.
    let r = chain.call(
        manager,
        ARB_WASM_CACHE,
        U256::ZERO,
        cache::cacheProgramCall { addr: deployer }.abi_encode(),
    );
    assert!(!r.success);
    // A chain owner may evict.
    let owner_addr = Address::repeat_byte(0x0e);
    assert!(!chain.read(ARB_OWNER_PUBLIC, &owner::isChainOwnerCall { addr: owner_addr }).unwrap());
    chain.add_chain_owner(owner_addr);
    assert!(chain.read(ARB_OWNER_PUBLIC, &owner::isChainOwnerCall { addr: owner_addr }).unwrap());
    assert_eq!(
        chain.read(ARB_OWNER_PUBLIC, &owner::getAllChainOwnersCall {}).unwrap(),
        vec![owner_addr]
    );
    assert_eq!(
        chain.read(ARB_OWNER_PUBLIC, &owner::getNetworkFeeAccountCall {}).unwrap(),
        local_chain::NETWORK_FEE_ACCOUNT
    );
    assert_eq!(
        chain.read(ARB_OWNER_PUBLIC, &owner::getMaxStylusContractFragmentsCall {}).unwrap(),
        0
    );
    let evict = cache::evictCodehashCall { codehash: hash };
    chain.call(owner_addr, ARB_WASM_CACHE, U256::ZERO, evict.abi_encode()).assert_success();
    assert!(!chain.program(hash).unwrap().cached);
}
