//! # local-chain: an in-process Stylus chain
//!
//! Runs the deployable Stylus artifacts (`0xEFF000` + brotli WASM, exactly what
//! `cargo stylus` deploys) next to real EVM bytecode, over one journaled world state, inside a
//! test process. See the sections below for the architecture, the hostio semantics, the gas
//! model and its known differences from Nitro.
//!
//! ## Usage
//!
//! ```no_run
//! use local_chain::{Chain, U256, address};
//! alloy_sol_types::sol! {
//!     function balanceOf(address) external view returns (uint256);
//!     function mint(address to, uint256 amount) external;
//! }
//! let mut chain = Chain::new();
//! let alice = address!("00000000000000000000000000000000000A11CE");
//! chain.set_balance(alice, U256::from(10u64.pow(18)));
//! // Deploy the artifact built by `scripts/cf build` (target/stylus/mock-erc20.code).
//! let token = chain.deploy_artifact(alice, "mock-erc20", None).unwrap();
//! chain.send(alice, token, &mintCall { to: alice, amount: U256::from(5) }).unwrap();
//! let bal = chain.read(token, &balanceOfCall(alice)).unwrap();
//! assert_eq!(bal, U256::from(5));
//! chain.warp(chain.block().timestamp + 86_400); // time travel
//! let snap = chain.snapshot();
//! // ... anything ...
//! chain.revert_to(snap);
//! ```
#![warn(missing_debug_implementations)]

mod chain;
mod exec;
mod stylus;

pub use alloy_primitives::{address, b256, bytes, hex, keccak256, Address, Bytes, B256, U256};
pub use chain::{
    constructor_selector, deployer_initcode, is_stylus, BlockInfo, CallError, Chain, DeployError,
    Receipt, SnapshotId, Tx, World, ARB_COINBASE, BLOCK_TIME, DEFAULT_CHAIN_ID, DEFAULT_GAS_LIMIT,
    DEFAULT_TIMESTAMP, STYLUS_DEPLOYER,
};
pub use exec::{CALL_STACK_LIMIT, MAX_CODE_SIZE, STYLUS_PREFIX};
pub use revm::primitives::Log;
pub use stylus::{
    decompress, ActivationError, ProgramInfo, FUEL_PER_GAS, HOSTIO_INK, HOSTIO_NAMES, INIT_GAS_BASE,
    INK_PER_FUEL, INK_PER_GAS, PAGE_GAS,
};

use std::path::PathBuf;

/// Directory of the Stylus artifacts built by `scripts/cf build` (`target/stylus` at the
/// repository root), or `$CF_ARTIFACTS_DIR` when set.
pub fn artifacts_dir() -> PathBuf {
    match std::env::var_os("CF_ARTIFACTS_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/stylus")),
    }
}

/// The deployable bytes (`<crate>.code`) of a contract crate's artifact. Errors with a message
/// telling to run `scripts/cf build` when it is missing (tests must fail, never skip).
pub fn artifact(crate_name: &str) -> Result<Vec<u8>, String> {
    let path = artifacts_dir().join(format!("{crate_name}.code"));
    std::fs::read(&path).map_err(|e| {
        format!(
            "artifact {} not found ({e}): run `scripts/cf build -p {crate_name}` (or `bash scripts/test.sh`) first",
            path.display()
        )
    })
}
