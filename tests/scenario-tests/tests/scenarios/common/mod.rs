//! What the scenarios share: the contracts' bindings and a deployed community.

pub mod abi;
pub mod community;
pub mod peers;
