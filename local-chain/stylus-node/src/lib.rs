//! # stylus-node: the local Stylus chain behind JSON-RPC
//!
//! An anvil for Stylus: `stylus-node` serves the in-process chain of [`local_chain`]
//! (Stylus programs under Nitro's activation rules and ink pricing, EVM bytecode under
//! revm) over HTTP JSON-RPC, so wallets, viem, ethers, alloy/cast and cargo-stylus use it as
//! they would a Nitro dev node, and keeps its state across restarts.
//!
//! ## Conventions (the Nitro dev node's and anvil's)
//!
//! - Port 8547, chain id 412346, base fee 0.1 gwei, at most 32,000,000 gas a transaction;
//!   block headers show Nitro's 2^50 gas limit.
//! - Ten dev accounts from "test test ... junk" (`m/44'/60'/0'/0/i`), 10,000 ETH each.
//! - Automine: one block per transaction; `--block-time N` seals a block every N seconds.
//! - Gas is paid in ETH at the base fee (Arbitrum pays no tips): the sender pays its gas
//!   limit up front and gets back what it did not use; the used part goes to the network
//!   fee account. The effective gas price in receipts is the base fee.
//! - Genesis holds the CREATE2 factory (0x4e59...956C), nitro-contracts' `StylusDeployer`
//!   (0xcEcb...A990, its published bytecode), its `CacheManager` (published init code,
//!   behind an ERC-1167 clone at [`genesis::CACHE_MANAGER`], 512 MiB, registered with
//!   ArbWasmCache: `placeBid`/`getMinBid` cache programs so their calls pay the cached entry
//!   cost), Multicall3 at 0xcA11...CA11 (the creation code viem ships), and the precompiles ArbSys (0x64), ArbOwnerPublic (0x6b), ArbWasm (0x71: activation
//!   with its data fee, the queries and errors) and ArbWasmCache (0x72), each with `0xfe`
//!   code as on Arbitrum (see [`local_chain`]). The first dev account is the chain owner.
//!
//! ## Methods
//!
//! `eth_chainId`, `net_version`, `net_listening`, `web3_clientVersion`, `eth_blockNumber`,
//! `eth_accounts`, `eth_getBalance`, `eth_getCode`, `eth_getStorageAt`,
//! `eth_getTransactionCount` (with "pending"), `eth_gasPrice`, `eth_maxPriorityFeePerGas`,
//! `eth_feeHistory`, `eth_call` and `eth_estimateGas` (block tag, state overrides: balance,
//! nonce, code, state, stateDiff), `eth_sendRawTransaction` (legacy with or without EIP-155,
//! EIP-2930, EIP-1559), `eth_sendTransaction` (dev and impersonated accounts),
//! `eth_getTransactionByHash`, `eth_getTransactionReceipt`, `eth_getBlockByNumber`,
//! `eth_getBlockByHash`, `eth_getBlockTransactionCountByNumber`, `eth_getLogs`,
//! `eth_newFilter`, `eth_newBlockFilter`, `eth_getFilterChanges`, `eth_getFilterLogs`,
//! `eth_uninstallFilter`, `eth_syncing`, `eth_mining`; cheats under anvil's names and the
//! `evm_`/`hardhat_` aliases: `evm_mine`, `anvil_mine`, `evm_increaseTime`,
//! `evm_setNextBlockTimestamp`, `evm_snapshot`, `evm_revert`, `evm_setAutomine`,
//! `anvil_setBalance`, `anvil_setCode`, `anvil_setNonce`, `anvil_setStorageAt`,
//! `anvil_impersonateAccount`, `anvil_stopImpersonatingAccount`, `anvil_dumpState`,
//! `anvil_loadState`.
//!
//! ## Errors
//!
//! A revert is code 3, "execution reverted" (with the reason of an `Error(string)` or
//! `Panic`), the revert bytes as `data`; bad parameters -32602; unknown methods -32601;
//! malformed JSON -32700; refused transactions -32000 with geth's texts ("nonce too low",
//! "insufficient funds for gas * price + value", "replacement transaction underpriced",
//! "intrinsic gas too low", "max fee per gas less than block base fee", "invalid chain id
//! for signer", "already known"). A panic inside a method is caught and reported as
//! -32603; the node keeps serving.
//!
//! ## State
//!
//! `--state FILE` loads FILE at start when it exists and saves it on shutdown and every
//! `--state-interval` seconds, written to a temporary file and renamed over the old one.
//! Accounts, code, storage, activations, blocks, receipts, logs, the pool and the clock
//! survive; `anvil_dumpState` / `anvil_loadState` use the same bytes (hex). The states
//! of the last `--history` blocks (64) stay queryable by number; older ones are not kept.
//!
//! ## Throughput
//!
//! `cargo bench --manifest-path scripts/Cargo.toml -p stylus-node` (benches/rpc_throughput.rs:
//! release build, 2 cores, one request at a time over a kept-alive HTTP connection from an
//! alloy provider, 400 of each, on the mock-erc20 Stylus artifact); measured here:
//!
//! | work | p50 | p99 | per second |
//! |---|---:|---:|---:|
//! | HTTP `eth_call` of `balanceOf` | 259 µs | 355 µs | 3,872 |
//! | HTTP `eth_sendRawTransaction` of a `transfer` (signature check, a block per transaction) | 595 µs | 772 µs | 1,656 |
//! | in-process `Chain::read` of `balanceOf` | 67 µs | 98 µs | 14,709 |
//! | in-process `Chain::send` of a `transfer` | 150 µs | 210 µs | 6,362 |
//!
//! HTTP and JSON cost about 190 µs a request; a transaction adds signature recovery, the
//! gas payment and sealing a block (header, receipt and transaction roots, a copy of the
//! state for queries by block number).
//!
//! ## Known differences from a Nitro node
//!
//! No L1 data (poster) fee; `stateRoot` is zero (the world is not a Merkle trie);
//! `ArbOwnerPublic.getMaxStylusContractFragments` is 0 (no fragmented programs);
//! access lists are accepted but neither charged nor warmed; a transaction with a nonce
//! ahead of the sender's next is refused rather than queued; see [`local_chain`] for the
//! execution's own bounds.

pub mod accounts;
pub mod config;
pub mod errors;
pub mod genesis;
pub mod history;
pub mod node;
pub mod persist;
pub mod rpc;
mod server;

pub use config::Config;
pub use server::{start, NodeHandle};
