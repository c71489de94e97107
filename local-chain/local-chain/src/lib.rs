//! # local-chain: an in-process Stylus chain
//!
//! Runs the deployable Stylus artifacts (`0xEFF000` + brotli WASM, exactly what
//! `cargo stylus` deploys and `scripts/cf build` writes to `target/stylus/<crate>.code`) next
//! to real EVM bytecode, over one journaled world state, inside a test process. No Nitro node,
//! no Docker.
//!
//! ## Usage
//!
//! ```no_run
//! use local_chain::{address, Chain, U256};
//! alloy_sol_types::sol! {
//!     function ctor(string name, string symbol, uint8 decimals);
//!     function balanceOf(address) external view returns (uint256);
//!     function mint(address to, uint256 amount) external;
//!     event Transfer(address indexed from, address indexed to, uint256 value);
//! }
//! use alloy_sol_types::SolCall;
//!
//! let mut chain = Chain::new();
//! let alice = address!("00000000000000000000000000000000000A11CE");
//! chain.set_balance(alice, U256::from(10u64.pow(18)));
//!
//! // Deploy an artifact with its #[constructor] arguments (ABI-encoded, no selector), the
//! // way cargo-stylus does it (StylusDeployer: create, activate, construct, atomically).
//! let args = ctorCall { name: "W".into(), symbol: "W".into(), decimals: 18 }.abi_encode();
//! let token = chain.deploy_artifact(alice, "mock-erc20", Some(&args[4..])).unwrap();
//!
//! // Typed calls (committed) and reads (discarded); any `from` (every account is impersonable).
//! chain.send(alice, token, &mintCall { to: alice, amount: U256::from(5) }).unwrap();
//! assert_eq!(chain.read(token, &balanceOfCall(alice)).unwrap(), U256::from(5));
//!
//! // Raw calls give the receipt: success, output / revert data, logs, gas used.
//! let r = chain.call(
//!     alice,
//!     token,
//!     U256::ZERO,
//!     mintCall { to: alice, amount: U256::from(1) }.abi_encode(),
//! );
//! assert_eq!(r.events::<Transfer>().len(), 1);
//!
//! // EVM code lives beside it: deploy runtime bytes (an ERC-1167 clone, say) or init code.
//! let clone = chain.deploy_code(alice, &[0x00]).created.unwrap();
//!
//! // Time travel, snapshots.
//! chain.warp(chain.block().timestamp + 86_400);
//! chain.mine(10);
//! let snap = chain.snapshot();
//! chain.set_balance(clone, U256::from(1));
//! chain.revert_to(snap);
//! ```
//!
//! Errors decode with `Receipt::revert_as::<E>()` / `CallError::revert_as::<E>()` for any
//! `sol!` error `E`.
//!
//! Each receipt carries a [`GasTrace`]: the Stylus program entries and their gas, each
//! frame's WASM compute ink, and each hostio's calls and ink (the EVM gas it bought
//! included; the gas a call forwards counts in the callee's frame). Intrinsic gas + entry
//! gas + compute + hostio ink account for a transaction's gas exactly when no EVM frame
//! runs and no refund applies (`tests/metering.rs`). `GasTrace::frames` splits the same
//! figures by program entry, in the order entered ([`FrameCost`]: program, selector,
//! depth, and what the frame itself paid), which is where a cross-contract operation's
//! gas can be read call by call.
//!
//! ## Architecture
//!
//! - **World** ([`World`], serde-serialisable): revm's `CacheDB<EmptyDB>` (accounts: balance,
//!   nonce, code, storage), the block fields ([`BlockInfo`]: number, timestamp, chain id 42161 by
//!   default, base fee, coinbase, gas limit) and the activated programs by code hash.
//! - **Transactions** run on revm's `Journal` (the world moves into a revm `Context` for the
//!   transaction and back out, committed or discarded). The journal gives nested
//!   checkpoints: a frame that does not succeed reverts storage, balances, nonces, logs,
//!   created accounts and transient storage; transient storage is cleared per transaction.
//! - **Our own dispatcher** (`exec.rs`): every call (transaction, EVM `CALL`-family opcode or
//!   Stylus `*call_contract` hostio) goes through one function that takes a checkpoint, moves
//!   the value, then runs the code of the bytecode address: an Ethereum precompile (Prague
//!   set), a Stylus program (code starting `0xEFF000`, activated) in **wasmi**, or EVM bytecode
//!   in **revm's interpreter**. The interpreter stops at `CALL`/`CREATE` opcodes; the request
//!   comes back to the dispatcher, runs to completion (recursively) and its outcome is pushed
//!   into the suspended interpreter (return data, memory, gas, exactly as revm's own handler
//!   does). EVM and Stylus frames therefore nest in any order to the EVM's depth (1024); the
//!   native stack grows on demand (`stacker`).
//! - **Stylus frames** (`stylus.rs`): code is brotli-decompressed, checked and instrumented
//!   by Nitro's rules (crate `stylus-rules`) and compiled once per code hash (at activation;
//!   a world loaded from disk recompiles lazily), then each call
//!   instantiates the module in a fresh store (fresh linear memory, as on chain) whose host
//!   functions are every `vm_hooks` import of stylus-sdk 0.9 and Nitro (see
//!   [`HOSTIO_NAMES`]), bound to the frame. The execution state moves into the store for the
//!   frame's lifetime so hostios can run nested frames.
//!
//! ## Stylus semantics implemented
//!
//! - `read_args`, `write_result`, `exit_early` (status 0 returns, other reverts, with the
//!   result written so far), entrypoint status 0 = return, non-zero = revert with the result.
//!   A trap (panic, `unreachable`, bad memory access) reverts with no data and returns the
//!   unused gas (Nitro's "failure"); running out of ink is `OutOfGas` with all gas used.
//! - Storage cache: `storage_load_bytes32` reads through the frame's cache (a miss loads from
//!   the world at EVM `SLOAD` cost and caches the clean value); `storage_cache_bytes32` only
//!   writes the cache (refused below the 2,300 gas sentry); `storage_flush_cache` writes the
//!   dirty slots to the world at EVM `SSTORE` cost and with `clear` empties the cache. Writes
//!   never flushed are lost, as on chain. The cache is flushed (not cleared) before every call
//!   and create hostio, as Nitro does; the SDK itself flushes and clears around its calls.
//! - `transient_load_bytes32` / `transient_store_bytes32` (EIP-1153, per transaction).
//! - `msg_sender`, `msg_value` (the caller's value under `DELEGATECALL`), `msg_reentrant`:
//!   Nitro's rule: the acting address (the storage context) has more than one open
//!   non-delegate frame. So a self-call or a call back into a contract that is executing is
//!   reentrant (the SDK's default denial reverts it, tested on the real mock-erc20), while a
//!   program reached by `DELEGATECALL` from its EVM proxy is not.
//! - `tx_origin`, `tx_gas_price`, `tx_ink_price` (10,000), `block_basefee`, `chainid`,
//!   `block_coinbase`, `block_gas_limit`, `block_number`, `block_timestamp`,
//!   `contract_address`, `native_keccak256`, `evm_gas_left`, `evm_ink_left`.
//! - `account_balance`, `account_code` (Stylus accounts return their `0xEFF000...` bytes),
//!   `account_code_size`, `account_codehash` (0 for absent accounts, keccak of empty code
//!   for EOAs), with EIP-2929 warm/cold costs.
//! - `emit_log` (0-4 topics, refused in static frames), `call_contract`,
//!   `delegate_call_contract`, `static_call_contract` (63/64 rule, value stipend, status 0 =
//!   success, return data through `read_return_data` / `return_data_size`), `create1`,
//!   `create2` (EVM init code; the deployed code may be Stylus code; address 0 and the revert
//!   data length on failure). Static frames refuse storage flushes, transient stores, logs,
//!   value transfers and creations.
//! - `pay_for_memory_grow`, and the debug `console` module (`log_txt` prints when
//!   `LOCAL_CHAIN_CONSOLE` is set; the rest are no-ops).
//!
//! ## Activation and deployment
//!
//! Both ways: an **explicit step** ([`Chain::activate`]) for tests (free: no activation
//! gas, no data fee), and the **`ArbWasm` precompile at `0x71`** ([`ARB_WASM`]) for code
//! that activates inside a transaction: `activateProgram(address)` (Nitro's fixed 1,659,168
//! gas + the compilation's gas + [`ACTIVATION_STORAGE_GAS`]; the data fee from the data
//! pricer is taken from the value, the rest refunded, `ProgramInsufficientValue` when
//! short; `ProgramUpToDate` / `ProgramNotWasm`), `codehashKeepalive(bytes32)` (after 31
//! days; pays the data fee again; `ProgramKeepaliveTooSoon`), `stylusVersion()`,
//! `programVersion`, `codehashVersion`, `programInitGas` (`(init + cached, cached)`),
//! `codehashAsmSize`, `programMemoryFootprint`, `programTimeLeft`, and the parameters
//! (`inkPrice`, `maxStackDepth`, `freePages`, `pageGas`, `pageRamp`, `pageLimit`,
//! `minInitGas`, `initCostScalar`, `expiryDays`, `keepaliveDays`, `blockCacheSize`).
//!
//! Activation decompresses the code (at most 128 KiB) and applies Nitro's rules, the same
//! rule set the build gate applies ([`stylus_rules::activation`], ArbOS 60): validation
//! under Stylus's feature set (no multi-value, SIMD, reference types, threads, tail calls,
//! exceptions), one memory exported as `memory` of at most 128 initial pages, growable only
//! with `pay_for_memory_grow` imported, no start function, `user_entrypoint(i32) -> i32`,
//! imports only of known hostios with Nitro's signatures (`vm_hooks`, and `console` since
//! this is a debug chain), no reserved `stylus*` names, limits on functions (4,096), locals
//! (348), instrumented body length (65,536), imports (513), data and element segments
//! (128 each), table and element entries (4,096), stack frames (10,240 words) and live
//! values (4,096). It records what Nitro records: init cost, cached init cost, footprint,
//! asm estimate, the activation hour. A call into Stylus code that is not activated, or
//! whose activation is more than 365 days old, reverts, as on chain. Known difference: an
//! activation inside a frame that later reverts stays recorded for the rest of that
//! transaction (it is dropped if the whole transaction fails).
//!
//! [`Chain::deploy_stylus`] (and [`Chain::deploy_artifact`], [`Chain::deploy_file`]) end in
//! the state `cargo stylus deploy` leaves:
//! - without constructor arguments: a creation transaction from `from` whose init code
//!   returns the code, then activation;
//! - with constructor arguments (a stylus-sdk 0.9 `#[constructor]`): the `StylusDeployer`
//!   flow, atomically: the deployer account ([`STYLUS_DEPLOYER`], the address cargo-stylus
//!   uses) creates the contract at its own CREATE address, activates it and calls
//!   `stylus_constructor()` ([`constructor_selector`]) + the arguments, with the value; the
//!   constructor sees `msg.sender == STYLUS_DEPLOYER` and `tx.origin == from`. A reverting
//!   constructor leaves nothing behind (only `from`'s nonce moves). The real deployer also
//!   emits `ContractDeployed(address)`; this emulation does not.
//!
//! ## Gas
//!
//! - **EVM frames: exact.** revm's interpreter charges every opcode, memory expansion, access
//!   list (EIP-2929), SSTORE (EIP-2200/3529 refunds), CALL/CREATE costs; the dispatcher settles
//!   child gas the way revm's handler does; transactions add the intrinsic gas (21,000,
//!   calldata, creation), cap refunds at 1/5 and apply the EIP-7623 floor. A test runs the
//!   same transactions through revm's own mainnet handler and compares `gas_used` exactly.
//! - **Stylus frames: Nitro's pricing** (all figures from OffchainLabs/nitro, in
//!   [`stylus_rules`]), with 10,000 ink per gas:
//!   - *Compute*: activation instruments the module as Nitro's middlewares do (ink meter,
//!     dynamic meter, depth checker, heap bound, in that order) and wasmi runs the
//!     instrumented module with no fuel. Each basic block pays, before it runs, its opcodes'
//!     ink from Nitro's `pricing_v1` table (`i32.add` 70, `local.get` 75, `i32.load` 670,
//!     `br` 765, `call` 3,800, `call_indirect` 13,610 + 650 a parameter...) plus the
//!     2,450-ink header; `memory.fill`/`memory.copy` pay 100 ink a byte; each function
//!     reserves its worst-case frame from a 22,000-word stack (ArbOS 50's depth).
//!   - *Hostios*: Nitro's ink per hostio (8,400 base, 5,040 a pointer, 59,673 for an EVM
//!     API call: `storage_load_bytes32` 18,480, `storage_flush_cache` 68,073,
//!     `call_contract` 83,193...), its read/write prices per byte (16,381 + 55 and 5,040 +
//!     30 per byte past 32; `write_result` and calls pay the read twice), `native_keccak256`
//!     at 121,800 + 21,000 a word past two, the storage cache's read/write surcharges (free
//!     for the first 32 reads and 8 writes) and its sentries (2,115 gas for a load, 2,310 for
//!     a store, 2,300 for a flush); storage, transient storage, logs, account access, calls
//!     and creations cost what the EVM charges (warm/cold, SSTORE rules and EIP-3529 refunds at
//!     flush, stipend), a call forwards at most 63/64 of the gas left after its base cost.
//!   - *Memory*: Nitro's model per transaction: 2 free pages, then 1,000 gas a page plus the
//!     exponential term on the most pages ever open (8 MiB costs 31,999,998 gas in total);
//!     a program's initial pages are paid on entry and stay open while it runs (nested
//!     frames add up), `memory.grow` calls `pay_for_memory_grow` first.
//!   - *Entry*: Stylus v2's `cachedGas` (352 + the cached init cost) on every call, plus
//!     `initGas` (8,832 + the init cost) unless the program is cached: in the CacheManager
//!     set ([`Chain::cache_program`]) or run earlier in the same transaction (Nitro's
//!     recent-programs list, 32 long, ArbOS 60). Returning data costs what EVM memory for it
//!     would (ArbOS 31).
//!   - Determinism: gas no longer depends on anything but the transaction and the state
//!     (no wasmi fuel, so lazy compilation does not show); a test runs the same transfer
//!     first and after 900 other calls, and on a fresh runtime, and gets equal gas.
//! - **Known differences, and their bounds**:
//!   - Nitro's recent-programs list lives for the block; here every transaction is its own
//!     block. A program run by an earlier transaction of the same Nitro block would save the
//!     init gas (8,832 + init cost, about 9,000-20,000 gas for our artifacts) there, not
//!     here.
//!   - `ArbWasm` bookkeeping is modelled: the ArbOS storage work around activation
//!     ([`ACTIVATION_STORAGE_GAS`], 54,900 gas) and queries (900 gas + account access + 3
//!     a word) are estimates, within a few tens of thousands of gas of Nitro's on an
//!     activation of 1.7 M or more. The data fee goes to [`NETWORK_FEE_ACCOUNT`].
//!   - Out-of-stack (the 22,000-word budget) ends the frame with all its gas used, as an
//!     error; Nitro's exact outcome mapping is not checked. A call into a program that is
//!     not activated, needs an upgrade or has expired reverts and returns its gas; Nitro
//!     fails such a call with an error, which may burn the frame's gas.
//!   - `account_code` and `account_code_size` pay EIP-2929 access only (no extra
//!     per-code-size charge ArbOS may add for very large codes).
//!   - Arbitrum's L1 data (poster) cost is not charged; gas is not paid in ETH (balances
//!     only move by value transfers and data fees; the gas price only shows through
//!     `tx_gas_price`).
//!   - Typical figures on the mock ERC-20 artifact (`tests/gas_figures.rs`): `transfer` to
//!     a new holder 75,458 gas, to an existing holder 58,348, `balanceOf` 47,361; cached
//!     (CacheManager) 55,642 / 38,532 / 27,545 (its init gas is 19,816: 8,832 + 10,984).
//!
//! ## Speed
//!
//! Compiled modules are cached by code hash. Measured here (2 cores, `tests/timing.rs`, test
//! builds, which optimise wasmi and this crate): `balanceOf` on the 51 KB mock ERC-20
//! artifact (a few thousand WASM instructions: ABI routing, keccak-based storage keys)
//! takes about 75 µs and a `transfer` transaction about 190 µs (with wasmi fuel metering
//! they took about 220 and 300 µs; Nitro's instrumentation, run with no fuel, is cheaper).
//!
//! ## Artifacts in tests
//!
//! Tests load `target/stylus/<crate>.code` with [`artifact`] (or `$CF_ARTIFACTS_DIR`).
//! `bash scripts/test.sh` builds every artifact (`scripts/cf build`) before the host tests,
//! so `cargo test` itself never builds WASM and is not order-dependent; a missing artifact is
//! a test failure whose message says to run `scripts/cf build -p <crate>` (never a skip).
//!
//! ## Not implemented (yet)
//!
//! The Arbitrum precompiles beyond ArbWasm (0x71), ArbSys (0x64: `arbBlockNumber`,
//! `arbChainID`, `arbOSVersion`), ArbOwnerPublic (0x6b: `isChainOwner`,
//! `getAllChainOwners`, `getNetworkFeeAccount`, `getMaxStylusContractFragments`) and ArbWasmCache (0x72: `isCacheManager`,
//! `allCacheManagers`, `cacheProgram`, `evictCodehash`, `codehashIsCached`,
//! `UpdateProgramCache`; chain owners and cache managers set with
//! [`Chain::add_chain_owner`] / [`Chain::add_cache_manager`]); the `ContractDeployed` event of
//! the emulated deployer ([`Chain::deploy_stylus`]; the node runs the real one), //! signatures and fee payment (every `from` is accepted; `stylus-node` adds both), EIP-7702 delegations,
//! real block hashes (`BLOCKHASH` gives revm `EmptyDB`'s synthetic `keccak256(decimal number)`),
//! Stylus version upgrades, Arbitrum's `NUMBER` = L1 block number nuance (both
//! EVM and Stylus see [`BlockInfo::number`]).
#![warn(missing_debug_implementations)]

/// The ArbOwnerPublic precompile (0x6b): chain owners, network fee account.
pub mod arb_owner_public;
/// The ArbSys precompile (0x64): block number, chain id and ArbOS version queries.
pub mod arbsys;
/// The ArbWasm precompile (0x71): its ABI (calls and errors, as Nitro declares them) for
/// clients, and its implementation on the local chain.
pub mod arbwasm;
/// The ArbWasmCache precompile (0x72): the program cache, managed by cache managers.
pub mod arbwasm_cache;
mod chain;
mod exec;
mod precompile;
mod roles;
mod stylus;

use std::path::PathBuf;

pub use alloy_primitives::{address, b256, bytes, hex, keccak256, Address, Bytes, B256, U256};
pub use arb_owner_public::ARB_OWNER_PUBLIC;
pub use arbsys::ARB_SYS;
pub use arbwasm::{ACTIVATION_STORAGE_GAS, ARB_WASM, NETWORK_FEE_ACCOUNT};
pub use arbwasm_cache::ARB_WASM_CACHE;
pub use chain::{
    constructor_selector, deployer_initcode, is_stylus, BlockInfo, CallError, Chain, DeployError,
    Receipt, SnapshotId, Tx, World, ARB_COINBASE, BLOCK_TIME, DEFAULT_CHAIN_ID, DEFAULT_GAS_LIMIT,
    DEFAULT_TIMESTAMP, STYLUS_DEPLOYER,
};
pub use exec::{CALL_STACK_LIMIT, MAX_CODE_SIZE, STYLUS_PREFIX};
pub use revm::primitives::Log;
pub use roles::ChainRoles;
pub use stylus::{
    decompress, ActivationError, FrameCost, GasTrace, HostioCost, ProgramInfo, HOSTIO_NAMES,
    INK_PER_GAS,
};
pub use stylus_rules;

/// Directory of the Stylus artifacts built by `scripts/cf build` (`target/stylus` at the
/// repository root), or `$CF_ARTIFACTS_DIR` when set.
pub fn artifacts_dir() -> PathBuf {
    match std::env::var_os("CF_ARTIFACTS_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/stylus")),
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
