//! Installed filters (`eth_newFilter`, `eth_newBlockFilter`) and what each has not yet
//! reported.

use std::collections::BTreeMap;

use alloy_primitives::{B256, U256};
use alloy_rpc_types_eth::{Filter, Log as RpcLog};

use super::Node;
use crate::errors::{NodeError, NodeResult};

#[derive(Clone, Debug)]
enum Kind {
    Logs(Box<Filter>),
    Blocks,
}

#[derive(Clone, Debug)]
struct Installed {
    kind: Kind,
    /// The first block not yet reported.
    next: u64,
}

/// A poll's answer: a JSON array of logs or of block hashes.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(untagged)]
pub enum FilterChanges {
    Logs(Vec<RpcLog>),
    Blocks(Vec<B256>),
}

/// The installed filters by id.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    installed: BTreeMap<U256, Installed>,
    last_id: U256,
}

impl Node {
    fn install(&mut self, kind: Kind) -> U256 {
        self.filters.last_id += U256::from(1u8);
        let next = self.head_number() + 1;
        self.filters.installed.insert(self.filters.last_id, Installed { kind, next });
        self.filters.last_id
    }

    pub fn new_log_filter(&mut self, f: Filter) -> U256 {
        self.install(Kind::Logs(Box::new(f)))
    }

    pub fn new_block_filter(&mut self) -> U256 {
        self.install(Kind::Blocks)
    }

    pub fn uninstall_filter(&mut self, id: U256) -> bool {
        self.filters.installed.remove(&id).is_some()
    }

    /// What happened since the last poll: logs, or block hashes.
    pub fn filter_changes(&mut self, id: U256) -> NodeResult<FilterChanges> {
        let head = self.head_number();
        let f = self.filters.installed.get(&id).ok_or_else(not_found)?;
        let changes = match &f.kind {
            Kind::Logs(filter) => {
                let (lo, hi) = window(filter, f.next, head, self);
                FilterChanges::Logs(self.logs_in(lo, hi, filter))
            }
            Kind::Blocks => FilterChanges::Blocks(
                (f.next..=head).filter_map(|n| self.history.block(n).map(|b| b.hash)).collect(),
            ),
        };
        if let Some(i) = self.filters.installed.get_mut(&id) {
            i.next = head + 1;
        }
        Ok(changes)
    }

    /// Every log a log filter matches over its whole range.
    pub fn filter_logs(&self, id: U256) -> NodeResult<Vec<RpcLog>> {
        match self.filters.installed.get(&id).map(|f| &f.kind) {
            Some(Kind::Logs(filter)) => self.logs(filter),
            Some(Kind::Blocks) => {
                Err(NodeError::rejected(format!("filter {id} is a block filter, not a log filter")))
            }
            None => Err(not_found()),
        }
    }
}

/// Blocks `since..=head` within the filter's own range.
fn window(filter: &Filter, since: u64, head: u64, node: &Node) -> (u64, u64) {
    use alloy_rpc_types_eth::FilterBlockOption;
    match filter.block_option {
        FilterBlockOption::Range { from_block, to_block } => {
            let lo = from_block.map_or(since, |t| node.number_of_tag(t).max(since));
            let hi = to_block.map_or(head, |t| {
                if t.is_latest() || t.is_pending() {
                    head
                } else {
                    node.number_of_tag(t).min(head)
                }
            });
            (lo, hi)
        }
        FilterBlockOption::AtBlockHash(h) => match node.history.number_of(&h) {
            Some(n) if n >= since => (n, n),
            _ => (1, 0),
        },
    }
}

fn not_found() -> NodeError {
    NodeError::rejected("filter not found")
}
