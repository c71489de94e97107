//! Compute-Fi shared library: what every contract crate shares and nothing deploys
//! on its own.
//!
//! - [`abi`]: Solidity text of the standard interfaces our contracts implement, printed
//!   by each contract's ABI export after the part stylus-sdk generates.
//! - [`entrypoint`]: the Stylus entrypoint with a chosen reentrancy rule.
//! - [`interface_ids`]: ERC-165 ids of the standard interfaces, as constants.
//! - [`interfaces`]: the ABIs contracts call each other through.
//! - [`math`]: checked fixed-point arithmetic with explicit rounding direction.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
extern crate alloc;

pub mod abi;
pub mod entrypoint;
pub mod interface_ids;
pub mod interfaces;
pub mod math;
