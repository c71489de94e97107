//! Compute-Fi shared library: the rules every contract crate shares, each in one module,
//! and nothing that deploys on its own.
//!
//! - [`abi`]: the ABI export's standard interface texts and the one-source event
//!   declarations ([`contract_events!`]).
//! - [`access`]: roles (OpenZeppelin AccessControl's vocabulary) and pausing.
//! - [`entrypoint`]: the Stylus entrypoint with a chosen reentrancy rule.
//! - [`errors`]: failures every contract names the same way.
//! - [`interface_ids`]: ERC-165 ids of the standard interfaces, as constants.
//! - [`interfaces`]: the ABIs contracts call each other through.
//! - [`math`]: checked fixed-point arithmetic with explicit rounding direction.
//! - [`signatures`]: ecrecover with one set of guards, EIP-712 digests, has-code.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
extern crate alloc;

pub mod abi;
pub mod access;
pub mod entrypoint;
pub mod errors;
pub mod interface_ids;
pub mod interfaces;
pub mod math;
pub mod signatures;
