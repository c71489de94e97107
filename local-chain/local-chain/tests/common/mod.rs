#![allow(dead_code)]
pub mod abi;

use std::io::Write;

use local_chain::{address, hex, Address, Chain, U256};

pub const ALICE: Address = address!("00000000000000000000000000000000000A11CE");
pub const BOB: Address = address!("0000000000000000000000000000000000000B0B");

/// Deployable Stylus code (0xEFF00000 + brotli) of a WAT module.
pub fn stylus_code(wat_src: &str) -> Vec<u8> {
    let wasm = wat::parse_str(wat_src).expect("valid WAT");
    let mut out = vec![0xEF, 0xF0, 0x00, 0x00];
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(&wasm).unwrap();
    }
    out
}

/// Deploys and activates a WAT program from ALICE.
pub fn deploy_wat(chain: &mut Chain, wat_src: &str) -> Address {
    chain.deploy_stylus(ALICE, &stylus_code(wat_src), None, U256::ZERO).expect("deploys")
}

/// Deploys EVM runtime code as is.
pub fn deploy_evm(chain: &mut Chain, runtime: &[u8]) -> Address {
    let r = chain.deploy_code(ALICE, runtime);
    r.assert_success();
    r.created.expect("created")
}

/// A funded chain.
pub fn chain() -> Chain {
    let mut c = Chain::new();
    c.set_balance(ALICE, U256::from(10u128.pow(21)));
    c.set_balance(BOB, U256::from(10u128.pow(21)));
    c
}

/// ERC-1167 minimal proxy runtime code pointing at `implementation`.
pub fn erc1167(implementation: Address) -> Vec<u8> {
    let mut v = hex::decode("363d3d373d3d3d363d73").unwrap();
    v.extend_from_slice(implementation.as_slice());
    v.extend_from_slice(&hex::decode("5af43d82803e903d91602b57fd5bf3").unwrap());
    v
}

/// Imports every WAT program below may use.
pub const IMPORTS: &str = r#"
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $sload (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $scache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "transient_load_bytes32" (func $tload (param i32 i32)))
  (import "vm_hooks" "transient_store_bytes32" (func $tstore (param i32 i32)))
  (import "vm_hooks" "msg_reentrant" (func $reentrant (result i32)))
  (import "vm_hooks" "msg_sender" (func $sender (param i32)))
  (import "vm_hooks" "msg_value" (func $value (param i32)))
  (import "vm_hooks" "contract_address" (func $address (param i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "delegate_call_contract" (func $dcall (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "static_call_contract" (func $scall (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $rrd (param i32 i32 i32) (result i32)))
  (import "vm_hooks" "return_data_size" (func $rds (result i32)))
  (import "vm_hooks" "create1" (func $create1 (param i32 i32 i32 i32 i32)))
  (import "vm_hooks" "create2" (func $create2 (param i32 i32 i32 i32 i32 i32)))
  (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
  (import "vm_hooks" "account_code" (func $code (param i32 i32 i32 i32) (result i32)))
  (import "vm_hooks" "account_code_size" (func $codesize (param i32) (result i32)))
  (import "vm_hooks" "account_codehash" (func $codehash (param i32 i32)))
  (import "vm_hooks" "account_balance" (func $balance (param i32 i32)))
  (import "vm_hooks" "block_timestamp" (func $timestamp (result i64)))
  (import "vm_hooks" "block_number" (func $number (result i64)))
  (import "vm_hooks" "chainid" (func $chainid (result i64)))
  (import "vm_hooks" "tx_origin" (func $origin (param i32)))
  (import "vm_hooks" "exit_early" (func $exit (param i32)))
  (import "vm_hooks" "native_keccak256" (func $keccak (param i32 i32 i32)))
  (import "vm_hooks" "evm_gas_left" (func $gas_left (result i64)))
  (import "vm_hooks" "evm_ink_left" (func $ink_left (result i64)))
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
  (memory (export "memory") 2)
"#;

/// A module with [`IMPORTS`] and the given body items.
pub fn module(body: &str) -> String {
    format!("(module {IMPORTS} {body})")
}
