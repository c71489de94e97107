//! Cross-contract scenarios on the local Stylus chain with the built artifacts
//! (`scripts/cf build`), in one test binary: one module per subject.
//!
//! - `erc6551`: the registry, the token-bound account and the membership NFT as deployed;
//! - `factory`: a community in one transaction, every contract a clone;
//! - `vault`: the vault's native-ETH exit and its time lock;
//! - `lifecycle`: a whole community for a year, jobs through the real job market;
//! - `market`: the job market's liveness (no bond held for ever) and callback gas;
//! - `regressions`: single behaviours that once broke across contracts, pinned;
//! - `invariants`: the accounting invariants as a stateful property test.
//!
//! Every contract is bound through its committed ABI file (`common::abi`).

mod common;
mod erc6551;
mod factory;
mod invariants;
mod lifecycle;
mod market;
mod regressions;
mod solidity_peers;
mod vault;
