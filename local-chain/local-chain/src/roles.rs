//! Who may change ArbOS state: the chain owners and the Stylus cache managers.

use revm::primitives::Address;
use serde::{Deserialize, Serialize};

/// ArbOS's lists of chain owners (`ArbOwner`) and cache managers (`ArbWasmCache`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainRoles {
    pub chain_owners: Vec<Address>,
    pub cache_managers: Vec<Address>,
}

impl ChainRoles {
    pub fn is_owner(&self, a: Address) -> bool {
        self.chain_owners.contains(&a)
    }

    pub fn is_cache_manager(&self, a: Address) -> bool {
        self.cache_managers.contains(&a)
    }
}
