//! Which transactions enter the pool: decoding, signature, chain id, nonce, gas and funds,
//! refused with geth's words so clients recognise them.

use alloy_consensus::{transaction::SignerRecoverable, Transaction, TxEnvelope, TxType};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, Bytes, B256, U256};
use local_chain::Tx;
use serde::{Deserialize, Serialize};

use super::Node;
use crate::{
    config::MAX_TX_GAS,
    errors::{NodeError, NodeResult},
};

/// A transaction waiting for its block.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pending {
    pub hash: B256,
    pub envelope: TxEnvelope,
    pub from: Address,
}

impl Pending {
    pub fn nonce(&self) -> u64 {
        self.envelope.nonce()
    }

    /// What the chain runs, at `price` a gas.
    pub fn tx(&self, price: u128) -> Tx {
        let e = &self.envelope;
        Tx {
            from: self.from,
            to: e.to(),
            value: e.value(),
            data: e.input().clone(),
            gas_limit: e.gas_limit(),
            gas_price: price,
        }
    }
}

/// A replacement must raise both the fee cap and the tip by this much (geth's default).
const PRICE_BUMP_PERCENT: u128 = 10;

impl Node {
    /// `eth_sendRawTransaction`: decodes, recovers the sender, admits.
    pub fn send_raw(&mut self, raw: &Bytes) -> NodeResult<B256> {
        let mut buf = raw.as_ref();
        let envelope = TxEnvelope::decode_2718(&mut buf)
            .map_err(|e| NodeError::rejected(format!("transaction could not be decoded: {e}")))?;
        if !buf.is_empty() {
            return Err(NodeError::rejected(format!(
                "transaction could not be decoded: {} bytes after the transaction",
                buf.len()
            )));
        }
        let from = envelope
            .recover_signer()
            .map_err(|e| NodeError::rejected(format!("invalid sender: {e}")))?;
        self.admit(envelope, from)
    }

    /// The nonce the sender's next transaction must carry: its account nonce plus its
    /// transactions waiting in the pool.
    pub fn pending_nonce(&self, a: Address) -> u64 {
        let waiting = self.pool.iter().filter(|p| p.from == a).count() as u64;
        self.chain.nonce(a) + waiting
    }

    /// Checks `envelope` sent by `from` and puts it in the pool (mining it at once under
    /// automine). Returns its hash.
    pub fn admit(&mut self, envelope: TxEnvelope, from: Address) -> NodeResult<B256> {
        let hash = *envelope.tx_hash();
        match envelope.tx_type() {
            TxType::Legacy | TxType::Eip2930 | TxType::Eip1559 => {}
            t => {
                return Err(NodeError::rejected(format!(
                    "transaction type not supported: {t} (this node takes legacy, EIP-2930 and EIP-1559 transactions)"
                )))
            }
        }
        if self.pool.iter().any(|p| p.hash == hash) || self.history.tx(&hash).is_some() {
            return Err(NodeError::rejected("already known"));
        }
        let chain_id = self.chain_id();
        if let Some(id) = envelope.chain_id() {
            if id != chain_id {
                return Err(NodeError::rejected(format!(
                    "invalid chain id for signer: have {id} want {chain_id}"
                )));
            }
        }
        let gas = envelope.gas_limit();
        if gas > MAX_TX_GAS {
            return Err(NodeError::rejected(format!(
                "exceeds block gas limit: gas {gas}, the most a transaction may use is {MAX_TX_GAS}"
            )));
        }
        let pending = Pending { hash, envelope, from };
        let want = pending.tx(0).min_gas();
        if gas < want {
            return Err(NodeError::rejected(format!(
                "intrinsic gas too low: have {gas}, want {want}"
            )));
        }
        let e = &pending.envelope;
        let base_fee = u128::from(self.base_fee());
        let max_fee = e.max_fee_per_gas();
        if max_fee < base_fee {
            return Err(NodeError::rejected(format!(
                "max fee per gas less than block base fee: address {from}, maxFeePerGas: {max_fee}, baseFee: {base_fee}"
            )));
        }
        let tip = e.max_priority_fee_per_gas().unwrap_or(max_fee);
        if tip > max_fee {
            return Err(NodeError::rejected(format!(
                "max priority fee per gas higher than max fee per gas: address {from}, maxPriorityFeePerGas: {tip}, maxFeePerGas: {max_fee}"
            )));
        }
        let nonce = e.nonce();
        let state = self.chain.nonce(from);
        if nonce < state {
            return Err(NodeError::rejected(format!(
                "nonce too low: address {from}, tx: {nonce} state: {state}"
            )));
        }
        let cost = U256::from(gas)
            .checked_mul(U256::from(max_fee))
            .and_then(|c| c.checked_add(e.value()))
            .ok_or_else(|| NodeError::rejected("gas * price + value overflows 256 bits"))?;
        let have = self.chain.balance(from);
        if have < cost {
            return Err(NodeError::rejected(format!(
                "insufficient funds for gas * price + value: address {from} have {have} want {cost}"
            )));
        }
        if let Some(i) = self.pool.iter().position(|p| p.from == from && p.nonce() == nonce) {
            let old = &self.pool[i].envelope;
            let old_tip = old.max_priority_fee_per_gas().unwrap_or(old.max_fee_per_gas());
            let bumped = |x: u128| x.saturating_mul(100 + PRICE_BUMP_PERCENT) / 100;
            if max_fee < bumped(old.max_fee_per_gas()) || tip < bumped(old_tip) {
                return Err(NodeError::rejected("replacement transaction underpriced"));
            }
            self.pool[i] = pending;
            return Ok(hash);
        }
        let next = self.pending_nonce(from);
        if nonce > next {
            return Err(NodeError::rejected(format!(
                "nonce too high: address {from}, tx: {nonce} state: {next} (this node keeps no queue of future transactions: send nonce {next} first)"
            )));
        }
        self.pool.push(pending);
        if self.automine {
            self.mine(None);
        }
        Ok(hash)
    }
}
