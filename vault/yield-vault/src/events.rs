//! The vault's own events, declared once: the code emits these types (by their
//! `SIGNATURE_HASH`, see [`YieldVault::emit`]) and the ABI export prints the same
//! declarations (`main.rs`, through `abi::events_solidity`). The share token's ERC-20 and
//! ERC-4626 events and OpenZeppelin's role and pause events are the standard ones.

use stylus_sdk::{
    alloy_primitives::{B256, U256},
    prelude::*,
};

use crate::YieldVault;

compute_fi_contracts::contract_events! {
    /// Events of the yield vault.
    IYieldVaultEvents {
        /// Yield `amount` was attributed to the `totalSupply` shares outstanding.
        #[derive(Debug)]
        event YieldAttributed(uint256 amount, uint256 totalSupply);
        /// `assets` of attributed yield went to the ledger; `yieldAttributed` of it accrued
        /// at this call.
        #[derive(Debug)]
        event Harvested(address indexed ledger, uint256 yieldAttributed, uint256 assets, uint256 totalSupply);
        /// The configuration changed (or was set up).
        #[derive(Debug)]
        event Configured(uint256 totalCap, uint256 accountCap, uint256 minStake, bool exactStake, uint64 lockDuration, uint256 minHarvest, uint64 harvestInterval, bool keeperOnly, uint16 maxProfitBps, uint16 maxLossBps);
        /// The ledger that receives the yield was set.
        #[derive(Debug)]
        event LedgerSet(address indexed ledger);
        /// Everything was pulled back from the source: `sourceShares` redeemed for `assets`.
        #[derive(Debug)]
        event EmergencyWithdrawn(uint256 sourceShares, uint256 assets);
    }
}

impl YieldVault {
    /// Emits a log: `topics` (signature hash first, then the indexed fields) and the
    /// non-indexed fields as data words. Written out rather than through `log()`, whose
    /// per-event encoders cost the artifact more than this one loop, and as one buffer for
    /// `emit_log` rather than through `raw_log`, which adds its own copying code.
    pub(crate) fn emit(&self, topics: &[B256], words: &[U256]) {
        let mut log = alloc::vec::Vec::with_capacity((topics.len() + words.len()) * 32);
        for topic in topics {
            log.extend_from_slice(topic.as_slice());
        }
        crate::errors::push_words(&mut log, words);
        // Every log follows a storage write of the same call, so in a static call, where
        // the host refuses the log, the call reverts as that write would make it.
        self.vm().emit_log(&log, topics.len());
    }
}
