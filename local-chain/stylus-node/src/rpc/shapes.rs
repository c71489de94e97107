//! The JSON of blocks, transactions and receipts, through alloy's RPC types (the shapes
//! viem, ethers and cast parse).

use alloy_consensus::{
    transaction::Recovered, Eip658Value, Receipt, ReceiptEnvelope, ReceiptWithBloom, TxType,
};
use alloy_rpc_types_eth::{
    Block, BlockTransactions, Header as RpcHeader, Log as RpcLog, Transaction, TransactionReceipt,
};

use crate::{
    history::{History, MinedBlock, MinedTx},
    node::Pending,
};

pub fn transaction(tx: &MinedTx) -> Transaction {
    Transaction {
        inner: Recovered::new_unchecked(tx.envelope.clone(), tx.from),
        block_hash: Some(tx.block_hash),
        block_number: Some(tx.block_number),
        transaction_index: Some(tx.index),
        effective_gas_price: Some(tx.effective_gas_price),
        block_timestamp: None,
    }
}

/// A transaction still in the pool: no block yet.
pub fn pending_transaction(p: &Pending) -> Transaction {
    Transaction {
        inner: Recovered::new_unchecked(p.envelope.clone(), p.from),
        block_hash: None,
        block_number: None,
        transaction_index: None,
        effective_gas_price: None,
        block_timestamp: None,
    }
}

pub fn receipt(tx: &MinedTx, timestamp: u64) -> TransactionReceipt {
    let logs: Vec<RpcLog> = tx.rpc_logs(timestamp).collect();
    let with_bloom = ReceiptWithBloom {
        logs_bloom: alloy_primitives::logs_bloom(tx.logs.iter()),
        receipt: Receipt {
            status: Eip658Value::Eip658(tx.success),
            cumulative_gas_used: tx.cumulative_gas_used,
            logs,
        },
    };
    let inner = match tx.tx_type() {
        TxType::Legacy => ReceiptEnvelope::Legacy(with_bloom),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(with_bloom),
        _ => ReceiptEnvelope::Eip1559(with_bloom),
    };
    TransactionReceipt {
        inner,
        transaction_hash: tx.hash,
        transaction_index: Some(tx.index),
        block_hash: Some(tx.block_hash),
        block_number: Some(tx.block_number),
        gas_used: tx.gas_used,
        effective_gas_price: tx.effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: tx.from,
        to: alloy_consensus::Transaction::to(&tx.envelope),
        contract_address: tx.contract_address,
    }
}

pub fn block(history: &History, b: &MinedBlock, full: bool) -> Block {
    let transactions = if full {
        BlockTransactions::Full(
            history.block_txs(b.header.number).into_iter().map(transaction).collect(),
        )
    } else {
        BlockTransactions::Hashes(b.txs.clone())
    };
    let size = alloy_rlp::Encodable::length(&b.header);
    Block {
        header: RpcHeader {
            hash: b.hash,
            inner: b.header.clone(),
            total_difficulty: Some(alloy_primitives::U256::from(b.header.number + 1)),
            size: Some(alloy_primitives::U256::from(size)),
        },
        uncles: vec![],
        transactions,
        withdrawals: None,
    }
}
