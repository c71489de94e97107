//! The ledger's events, declared once: the ABI export prints these declarations
//! (`main.rs`, through `abi::events_solidity`) and the code emits their signature hashes
//! with [`emit`].
//!
//! Every field of every ledger event is one word, so a log is its topics and its data
//! words in declaration order. [`emit`] writes them out instead of `log()`, which
//! instantiates an encoder per event type: hundreds of bytes this contract does not
//! have under the size limit. Each event's unit test (`assert_emitted` with the declared
//! type) checks that the words match the declaration.

use stylus_sdk::{
    alloy_primitives::{B256, U256},
    stylus_core::Host,
};

/// Emits a log of `topics` (the signature hash, then the indexed fields) and `data` (the
/// other fields, one word each).
pub(crate) fn emit(vm: &dyn Host, topics: &[B256], data: &[[u8; 32]]) {
    // A log fails only in a static call, where the change it reports cannot happen.
    let _ = vm.raw_log(topics, data.as_flattened());
}

/// A number as a data word.
pub(crate) fn word(x: U256) -> [u8; 32] {
    x.to_be_bytes()
}

compute_fi_contracts::contract_events! {
    /// Events of the compute ledger.
    IComputeLedgerEvents {
        /// Yield was attributed to share holders (`totalSupply` > 0) or to the pool.
        #[derive(Debug)]
        event YieldAttributed(uint256 amount, uint256 totalSupply);
        /// The vault handed over `assets` of its asset for epoch `epoch`.
        #[derive(Debug)]
        event Harvested(uint256 indexed epoch, uint256 assets);
        /// Epoch `epoch` closed: `assets` became `output` payment tokens, `members` of them
        /// for share holders, `pool` for the community pool account.
        #[derive(Debug)]
        event EpochClosed(uint256 indexed epoch, uint256 assets, uint256 output, uint256 members, uint256 pool);
        /// The conversion of sealed epoch `epoch`'s assets was refused; they stay for a retry.
        #[derive(Debug)]
        event ConversionDeferred(uint256 indexed epoch, uint256 assets, uint8 reason);
        /// Accrued yield of closed epochs became `amount` spendable credits of `account`.
        #[derive(Debug)]
        event Accrued(address indexed account, uint256 amount);
        /// `from` paid `amount` payment tokens into `account`'s credits.
        #[derive(Debug)]
        event ToppedUp(address indexed from, address indexed account, uint256 amount);
        /// Credits moved between accounts.
        #[derive(Debug)]
        event CreditsTransferred(address indexed from, address indexed to, uint256 amount);
        /// A market operation (see `kind`) moved `amount` for `account`.
        #[derive(Debug)]
        event MarketMoved(uint8 indexed kind, address indexed account, uint256 amount);
        /// Conversion settings changed.
        #[derive(Debug)]
        event ConversionConfigured(address router, uint24 fee, address feed, uint64 maxAge, uint16 slippageBps, uint256 minAnswer, uint256 maxAnswer);
        /// Who may convert and the L2 sequencer uptime check changed (`sequencerFeed` zero:
        /// no check).
        #[derive(Debug)]
        event ConversionGuardsConfigured(bool keeperOnly, address sequencerFeed, uint64 gracePeriod);
        /// Pool account or share changed.
        #[derive(Debug)]
        event PoolConfigured(address pool, uint16 poolBps);
        /// The job market allowed to move reservations changed.
        #[derive(Debug)]
        event MarketConfigured(address market);
        /// A new market is scheduled: `applyMarket` makes it the market from `readyAt`.
        #[derive(Debug)]
        event MarketChangeScheduled(address market, uint64 readyAt);
    }
}
