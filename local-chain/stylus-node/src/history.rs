//! What the chain has mined: blocks, transactions with their receipts, and logs.

use std::collections::HashMap;

use alloy_consensus::{Header, TxEnvelope, TxType};
use alloy_primitives::{Address, Bytes, Log, B256};
use alloy_rpc_types_eth::Log as RpcLog;
use serde::{Deserialize, Serialize};

/// A sealed block.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MinedBlock {
    pub hash: B256,
    pub header: Header,
    /// Transaction hashes in block order.
    pub txs: Vec<B256>,
}

/// A mined transaction and its receipt.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MinedTx {
    pub hash: B256,
    /// As signed (impersonated senders' transactions carry a placeholder signature).
    pub envelope: TxEnvelope,
    pub from: Address,
    pub block_number: u64,
    pub block_hash: B256,
    pub index: u64,
    pub success: bool,
    /// Revert data of a failed transaction (return data of a successful one).
    pub output: Bytes,
    pub gas_used: u64,
    pub cumulative_gas_used: u64,
    pub effective_gas_price: u128,
    pub contract_address: Option<Address>,
    pub logs: Vec<Log>,
    /// Index in the block of the transaction's first log.
    pub first_log_index: u64,
}

impl MinedTx {
    pub fn tx_type(&self) -> TxType {
        self.envelope.tx_type()
    }

    /// The transaction's logs as the RPC shows them: with their block, transaction and
    /// position in the block (`timestamp` is the block's).
    pub fn rpc_logs(&self, timestamp: u64) -> impl Iterator<Item = RpcLog> + '_ {
        self.logs.iter().enumerate().map(move |(i, log)| RpcLog {
            inner: log.clone(),
            block_hash: Some(self.block_hash),
            block_number: Some(self.block_number),
            block_timestamp: Some(timestamp),
            transaction_hash: Some(self.hash),
            transaction_index: Some(self.index),
            log_index: Some(self.first_log_index + i as u64),
            removed: false,
        })
    }
}

/// Every block since genesis, and the transactions by hash.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct History {
    /// Indexed by block number.
    blocks: Vec<MinedBlock>,
    numbers: HashMap<B256, u64>,
    txs: HashMap<B256, MinedTx>,
}

impl History {
    /// Appends the next block with its transactions.
    pub fn push(&mut self, block: MinedBlock, txs: Vec<MinedTx>) {
        self.numbers.insert(block.hash, block.header.number);
        for tx in txs {
            self.txs.insert(tx.hash, tx);
        }
        self.blocks.push(block);
    }

    /// The newest block (genesis on a fresh node).
    pub fn head(&self) -> Option<&MinedBlock> {
        self.blocks.last()
    }

    pub fn head_number(&self) -> u64 {
        self.head().map_or(0, |b| b.header.number)
    }

    pub fn block(&self, number: u64) -> Option<&MinedBlock> {
        usize::try_from(number).ok().and_then(|i| self.blocks.get(i))
    }

    pub fn number_of(&self, hash: &B256) -> Option<u64> {
        self.numbers.get(hash).copied()
    }

    pub fn tx(&self, hash: &B256) -> Option<&MinedTx> {
        self.txs.get(hash)
    }

    /// The transactions of block `number`, in order.
    pub fn block_txs(&self, number: u64) -> Vec<&MinedTx> {
        self.block(number)
            .map(|b| b.txs.iter().filter_map(|h| self.txs.get(h)).collect())
            .unwrap_or_default()
    }
}
