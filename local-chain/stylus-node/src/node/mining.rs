//! Sealing blocks: running the pool's transactions, charging gas in ETH, building the
//! header and the receipts.

use alloy_consensus::{
    constants::EMPTY_OMMER_ROOT_HASH,
    proofs::{calculate_receipt_root, calculate_transaction_root},
    Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction, TxEnvelope,
    TxType,
};
use alloy_primitives::{Bloom, Log, B256, U256};
use local_chain::NETWORK_FEE_ACCOUNT;

use super::Node;
use crate::history::{MinedBlock, MinedTx};

impl Node {
    /// Block 0: no transactions, the genesis state.
    pub(super) fn seal_genesis(&mut self) {
        let b = self.chain.block().clone();
        let header = Header {
            parent_hash: B256::ZERO,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: b.coinbase,
            transactions_root: calculate_transaction_root::<TxEnvelope>(&[]),
            receipts_root: calculate_receipt_root::<ReceiptEnvelope>(&[]),
            difficulty: U256::from(1u8),
            number: 0,
            gas_limit: b.gas_limit,
            timestamp: b.timestamp,
            base_fee_per_gas: Some(b.basefee),
            ..Default::default()
        };
        let hash = header.hash_slow();
        self.history.push(MinedBlock { hash, header, txs: vec![] }, vec![]);
    }

    /// Mines one block with every pooled transaction; `timestamp` forces its time.
    /// Returns its number.
    pub fn mine(&mut self, timestamp: Option<u64>) -> u64 {
        if let Some(t) = timestamp {
            self.clock.set_next(t);
        }
        let parent = self.history.head().map(|b| (b.hash, b.header.timestamp));
        let (parent_hash, parent_time) = parent.unwrap_or_default();
        let number = self.history.head_number() + 1;
        // The head's state stays queryable by number.
        self.states.push_back((number - 1, self.chain.world().clone()));
        while self.states.len() > self.history_depth {
            self.states.pop_front();
        }
        let time = self.clock.next_block(parent_time);
        {
            let b = self.chain.block_mut();
            b.number = number;
            b.timestamp = time;
        }
        let price = u128::from(self.base_fee());
        let pool = std::mem::take(&mut self.pool);
        let mut mined: Vec<MinedTx> = Vec::new();
        let mut receipts: Vec<ReceiptEnvelope<Log>> = Vec::new();
        let mut bloom = Bloom::default();
        let mut cumulative = 0u64;
        let mut log_index = 0u64;
        for p in pool {
            let Some(r) = self.run_paying(&p.tx(price), p.nonce()) else {
                // Its sender can no longer pay or its nonce was taken: dropped, as a
                // pool drops what its block cannot include.
                continue;
            };
            let local_chain::Receipt { success, output, gas_used, logs, .. } = r;
            cumulative += gas_used;
            let receipt = Receipt {
                status: Eip658Value::Eip658(success),
                cumulative_gas_used: cumulative,
                logs: logs.clone(),
            };
            let with_bloom: ReceiptWithBloom<Receipt<Log>> = receipt.with_bloom();
            bloom.accrue_bloom(&with_bloom.logs_bloom);
            receipts.push(match p.envelope.tx_type() {
                TxType::Legacy => ReceiptEnvelope::Legacy(with_bloom),
                TxType::Eip2930 => ReceiptEnvelope::Eip2930(with_bloom),
                _ => ReceiptEnvelope::Eip1559(with_bloom),
            });
            let contract_address =
                if p.envelope.to().is_none() { Some(p.from.create(p.nonce())) } else { None };
            mined.push(MinedTx {
                hash: p.hash,
                envelope: p.envelope,
                from: p.from,
                block_number: number,
                block_hash: B256::ZERO,
                index: mined.len() as u64,
                success,
                output,
                gas_used,
                cumulative_gas_used: cumulative,
                effective_gas_price: price,
                contract_address,
                first_log_index: log_index,
                logs,
            });
            log_index += mined.last().map_or(0, |m| m.logs.len() as u64);
        }
        let b = self.chain.block().clone();
        let envelopes: Vec<TxEnvelope> = mined.iter().map(|m| m.envelope.clone()).collect();
        let header = Header {
            parent_hash,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: b.coinbase,
            transactions_root: calculate_transaction_root(&envelopes),
            receipts_root: calculate_receipt_root(&receipts),
            logs_bloom: bloom,
            difficulty: U256::from(1u8),
            number,
            gas_limit: b.gas_limit,
            gas_used: cumulative,
            timestamp: time,
            base_fee_per_gas: Some(b.basefee),
            ..Default::default()
        };
        let hash = header.hash_slow();
        for m in &mut mined {
            m.block_hash = hash;
        }
        let txs = mined.iter().map(|m| m.hash).collect();
        self.history.push(MinedBlock { hash, header, txs }, mined);
        number
    }

    /// Runs `tx` with its gas paid in ETH: the sender pays its whole gas limit at the
    /// base fee up front and gets back what it did not use; the used part goes to the
    /// network fee account (Arbitrum charges the base fee only: tips are not paid).
    /// `None` when the sender cannot pay or the nonce is no longer the account's.
    fn run_paying(&mut self, tx: &local_chain::Tx, nonce: u64) -> Option<local_chain::Receipt> {
        if self.chain.nonce(tx.from) != nonce {
            return None;
        }
        let price = U256::from(tx.gas_price);
        let upfront = U256::from(tx.gas_limit) * price;
        let have = self.chain.balance(tx.from);
        if have < upfront.checked_add(tx.value)? {
            return None;
        }
        self.chain.set_balance(tx.from, have - upfront);
        let mut r = self.chain.transact(tx);
        let used = r.gas_used.min(tx.gas_limit);
        r.gas_used = used;
        let refund = U256::from(tx.gas_limit - used) * price;
        let after = self.chain.balance(tx.from);
        self.chain.set_balance(tx.from, after + refund);
        let fees = self.chain.balance(NETWORK_FEE_ACCOUNT);
        self.chain.set_balance(NETWORK_FEE_ACCOUNT, fees + U256::from(used) * price);
        Some(r)
    }
}
