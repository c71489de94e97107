//! The node's state machine: the chain, what it has mined, the pending pool, the clock,
//! filters and snapshots. Every RPC method is one call on [`Node`], under one lock.

mod admission;
mod clock;
mod filters;
mod mining;
mod queries;
mod requests;
mod state;

use std::collections::{BTreeSet, VecDeque};

pub use admission::Pending;
use alloy_primitives::{Address, B256, U256};
use alloy_signer_local::PrivateKeySigner;
pub use clock::Clock;
pub use filters::{FilterChanges, Filters};
use local_chain::{Chain, World};
pub use state::Saved;

use crate::{
    config::Config,
    errors::{NodeError, NodeResult},
    history::History,
};

/// A local Stylus node.
#[derive(Debug)]
pub struct Node {
    chain: Chain,
    history: History,
    /// The states of recent blocks below the head (the head's is the chain's own),
    /// oldest first.
    states: VecDeque<(u64, World)>,
    history_depth: usize,
    pool: Vec<Pending>,
    signers: Vec<PrivateKeySigner>,
    impersonated: BTreeSet<Address>,
    clock: Clock,
    filters: Filters,
    snapshots: Vec<Saved>,
    automine: bool,
}

impl Node {
    /// A fresh node: genesis block 0 at the current time, dev accounts funded.
    pub fn new(config: &Config, signers: Vec<PrivateKeySigner>) -> NodeResult<Self> {
        let clock = Clock::default();
        let accounts: Vec<Address> = signers.iter().map(|s| s.address()).collect();
        let chain = crate::genesis::genesis(config.chain_id, clock.now(), &accounts)
            .map_err(NodeError::Internal)?;
        let mut node = Self {
            chain,
            history: History::default(),
            states: VecDeque::new(),
            history_depth: config.history,
            pool: Vec::new(),
            signers,
            impersonated: BTreeSet::new(),
            clock,
            filters: Filters::default(),
            snapshots: Vec::new(),
            automine: config.block_time.is_none(),
        };
        node.seal_genesis();
        Ok(node)
    }

    pub fn chain_id(&self) -> u64 {
        self.chain.block().chain_id
    }

    pub fn base_fee(&self) -> u64 {
        self.chain.block().basefee
    }

    pub fn head_number(&self) -> u64 {
        self.history.head_number()
    }

    /// The dev accounts (those whose keys the node holds).
    pub fn accounts(&self) -> Vec<Address> {
        self.signers.iter().map(|s| s.address()).collect()
    }

    /// The dev accounts' keys.
    pub fn signers(&self) -> &[PrivateKeySigner] {
        &self.signers
    }

    pub fn signer(&self, a: Address) -> Option<&PrivateKeySigner> {
        self.signers.iter().find(|s| s.address() == a)
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// Read access to the chain at its head.
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// A transaction waiting in the pool.
    pub fn pending(&self, hash: &B256) -> Option<&Pending> {
        self.pool.iter().find(|p| p.hash == *hash)
    }

    /// True under automine (a block per transaction).
    pub fn mines_at_once(&self) -> bool {
        self.automine
    }

    pub fn set_automine(&mut self, on: bool) {
        self.automine = on;
    }

    /// True when transactions wait for the next block.
    pub fn has_pending(&self) -> bool {
        !self.pool.is_empty()
    }

    // ------------------------------------------------------------------ cheats

    pub fn set_balance(&mut self, a: Address, v: U256) {
        self.chain.set_balance(a, v);
    }

    pub fn set_nonce(&mut self, a: Address, n: u64) {
        self.chain.set_nonce(a, n);
    }

    pub fn set_code(&mut self, a: Address, code: Vec<u8>) {
        self.chain.set_code(a, code);
    }

    pub fn set_storage(&mut self, a: Address, slot: U256, v: U256) {
        self.chain.set_storage(a, slot, v);
    }

    pub fn impersonate(&mut self, a: Address) {
        self.impersonated.insert(a);
    }

    pub fn stop_impersonating(&mut self, a: Address) {
        self.impersonated.remove(&a);
    }

    pub fn clock_mut(&mut self) -> &mut Clock {
        &mut self.clock
    }

    /// The head's timestamp.
    pub fn head_timestamp(&self) -> u64 {
        self.history.head().map_or(0, |b| b.header.timestamp)
    }

    pub fn head_hash(&self) -> B256 {
        self.history.head().map_or(B256::ZERO, |b| b.hash)
    }

    /// Saves the whole node (`evm_snapshot`); returns the id `evm_revert` takes.
    pub fn snapshot(&mut self) -> U256 {
        let saved = self.save();
        self.snapshots.push(saved);
        U256::from(self.snapshots.len() - 1)
    }

    /// Goes back to snapshot `id` (`evm_revert`), dropping it and every later one. False
    /// when there is no such snapshot.
    pub fn revert(&mut self, id: U256) -> bool {
        let Ok(i) = usize::try_from(id) else { return false };
        if i >= self.snapshots.len() {
            return false;
        }
        let saved = self.snapshots.swap_remove(i);
        self.snapshots.truncate(i);
        self.restore(saved);
        true
    }
}
