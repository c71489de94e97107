//! The node's whole state as one serialisable value: snapshots, `anvil_dumpState` and
//! `--state` files all use it.

use std::collections::BTreeSet;

use alloy_primitives::Address;
use local_chain::World;
use serde::{Deserialize, Serialize};

use super::{Clock, Node, Pending};
use crate::{
    errors::{NodeError, NodeResult},
    history::History,
};

/// Bumped when the layout changes, so an old file is refused with a clear message
/// instead of being misread.
pub const STATE_FORMAT: u32 = 1;

/// Everything a restart must bring back: accounts, code, storage, activated programs,
/// blocks, receipts, logs, the pool and the clock.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Saved {
    pub format: u32,
    pub world: World,
    pub history: History,
    pub pool: Vec<Pending>,
    pub clock: Clock,
    pub impersonated: BTreeSet<Address>,
}

impl Node {
    pub fn save(&self) -> Saved {
        Saved {
            format: STATE_FORMAT,
            world: self.chain.world().clone(),
            history: self.history.clone(),
            pool: self.pool.clone(),
            clock: self.clock.clone(),
            impersonated: self.impersonated.clone(),
        }
    }

    /// Puts `saved` in place of the node's state. The states kept for older blocks and the
    /// filters belong to the replaced chain and go with it.
    pub fn restore(&mut self, saved: Saved) {
        self.chain.replace_world(saved.world);
        self.history = saved.history;
        self.pool = saved.pool;
        self.clock = saved.clock;
        self.impersonated = saved.impersonated;
        self.states.clear();
        self.filters = Default::default();
    }

    /// The state as JSON bytes (`anvil_dumpState`, `--state`).
    pub fn dump(&self) -> NodeResult<Vec<u8>> {
        serde_json::to_vec(&self.save())
            .map_err(|e| NodeError::Internal(format!("cannot encode the state: {e}")))
    }

    /// Loads JSON bytes made by [`Node::dump`]; the chain id must be this node's.
    pub fn load(&mut self, bytes: &[u8]) -> NodeResult<()> {
        let saved: Saved = serde_json::from_slice(bytes)
            .map_err(|e| NodeError::invalid(format!("not a state this node wrote: {e}")))?;
        if saved.format != STATE_FORMAT {
            return Err(NodeError::invalid(format!(
                "state format {} is not this node's ({STATE_FORMAT})",
                saved.format
            )));
        }
        if saved.world.block.chain_id != self.chain_id() {
            return Err(NodeError::invalid(format!(
                "the state is of chain {}, this node runs chain {} (--chain-id)",
                saved.world.block.chain_id,
                self.chain_id()
            )));
        }
        if saved.history.head().is_none() {
            return Err(NodeError::invalid("the state has no blocks"));
        }
        self.restore(saved);
        Ok(())
    }
}
