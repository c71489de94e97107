//! # stylus-rules: Nitro's Stylus rules, in one place
//!
//! What Arbitrum Nitro's activation refuses, what it computes (init costs, asm size,
//! footprint, activation gas), how it meters ink (per-opcode prices charged per basic
//! block by instrumentation) and how it prices memory, program entry and the activation
//! data fee. Figures come from OffchainLabs/nitro (`crates/prover/src/binary.rs`,
//! `crates/prover/src/programs/*`, `crates/arbutil/src/pricing.rs`,
//! `crates/wasm-libraries/user-host-trait/lib.rs`, `arbos/programs/*.go`,
//! `precompiles/ArbWasm.go`); the code is ours.
//!
//! Two users share it, so they cannot disagree: the build gate (`scripts/cf`, crate
//! `cf-tools`) refuses any artifact [`activation::check`] refuses, and the local chain
//! (`local-chain`) activates with [`activation::activate`] and runs the instrumented module
//! it returns. It is a crate of its own, not a module of `local-chain`, because the gate
//! needs only `wasmparser`/`wasm-encoder`: depending on `local-chain` would make the build
//! tool compile revm and wasmi.

pub mod activation;
pub mod memory;
pub mod metering;
pub mod params;
pub mod pricing;

use std::fmt;

/// Why a module is refused (Nitro's activation error, in words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError(pub String);

impl RuleError {
    pub(crate) fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleError {}

/// A value type of a hostio signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    I32,
    I64,
    F32,
    F64,
}

use Ty::{F32, F64, I32, I64};

/// A hostio: module, name, parameters, results.
pub type Hostio = (&'static str, &'static str, &'static [Ty], &'static [Ty]);

/// Every `vm_hooks` import stylus-sdk 0.9 can ask for, with Nitro's signature.
pub const VM_HOOKS: &[Hostio] = &[
    ("vm_hooks", "read_args", &[I32], &[]),
    ("vm_hooks", "write_result", &[I32, I32], &[]),
    ("vm_hooks", "exit_early", &[I32], &[]),
    ("vm_hooks", "storage_load_bytes32", &[I32, I32], &[]),
    ("vm_hooks", "storage_cache_bytes32", &[I32, I32], &[]),
    ("vm_hooks", "storage_flush_cache", &[I32], &[]),
    ("vm_hooks", "transient_load_bytes32", &[I32, I32], &[]),
    ("vm_hooks", "transient_store_bytes32", &[I32, I32], &[]),
    ("vm_hooks", "call_contract", &[I32, I32, I32, I32, I64, I32], &[I32]),
    ("vm_hooks", "delegate_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    ("vm_hooks", "static_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    ("vm_hooks", "create1", &[I32, I32, I32, I32, I32], &[]),
    ("vm_hooks", "create2", &[I32, I32, I32, I32, I32, I32], &[]),
    ("vm_hooks", "read_return_data", &[I32, I32, I32], &[I32]),
    ("vm_hooks", "return_data_size", &[], &[I32]),
    ("vm_hooks", "emit_log", &[I32, I32, I32], &[]),
    ("vm_hooks", "account_balance", &[I32, I32], &[]),
    ("vm_hooks", "account_code", &[I32, I32, I32, I32], &[I32]),
    ("vm_hooks", "account_code_size", &[I32], &[I32]),
    ("vm_hooks", "account_codehash", &[I32, I32], &[]),
    ("vm_hooks", "evm_gas_left", &[], &[I64]),
    ("vm_hooks", "evm_ink_left", &[], &[I64]),
    ("vm_hooks", "block_basefee", &[I32], &[]),
    ("vm_hooks", "chainid", &[], &[I64]),
    ("vm_hooks", "block_coinbase", &[I32], &[]),
    ("vm_hooks", "block_gas_limit", &[], &[I64]),
    ("vm_hooks", "block_number", &[], &[I64]),
    ("vm_hooks", "block_timestamp", &[], &[I64]),
    ("vm_hooks", "contract_address", &[I32], &[]),
    ("vm_hooks", "native_keccak256", &[I32, I32, I32], &[]),
    ("vm_hooks", "msg_reentrant", &[], &[I32]),
    ("vm_hooks", "msg_sender", &[I32], &[]),
    ("vm_hooks", "msg_value", &[I32], &[]),
    ("vm_hooks", "tx_gas_price", &[I32], &[]),
    ("vm_hooks", "tx_ink_price", &[], &[I32]),
    ("vm_hooks", "tx_origin", &[I32], &[]),
    ("vm_hooks", "pay_for_memory_grow", &[I32], &[]),
];

/// The debug `console` imports (only a debug chain links them, as in Nitro).
pub const CONSOLE: &[Hostio] = &[
    ("console", "log_txt", &[I32, I32], &[]),
    ("console", "log_i32", &[I32], &[]),
    ("console", "log_i64", &[I64], &[]),
    ("console", "log_f32", &[F32], &[]),
    ("console", "log_f64", &[F64], &[]),
];
