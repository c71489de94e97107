//! Solidity interfaces contracts use to call each other. Contracts talk only through
//! these ABIs, exactly as on chain; a contract crate never links another's code.
//!
//! One file per callee group: what the ledger and market call, what the vault calls, the
//! ERC-6551 pieces, and the vault-to-ledger hooks.

/// Interfaces the compute ledger calls (price feed, swap router, job consumers).
pub mod ledger;
pub mod ledger_hooks;
/// ERC-6551 registry and account interfaces, membership.
pub mod tba;
/// Interfaces the vault calls (yield sources, WETH).
pub mod vault;
