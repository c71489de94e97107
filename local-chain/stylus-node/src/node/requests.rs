//! `eth_sendTransaction`: filling, signing (dev accounts) or vouching (impersonated
//! accounts) a transaction request.

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_primitives::{Signature, TxKind, B256, U256};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_signer::SignerSync;

use super::Node;
use crate::errors::{NodeError, NodeResult};

impl Node {
    /// Fills the request's missing fields (nonce, gas, fees, chain id), signs it with the
    /// dev key of `from`, or, for an impersonated `from`, marks it with a placeholder
    /// signature; then admits it.
    pub fn send_transaction(&mut self, req: &TransactionRequest) -> NodeResult<B256> {
        let from = req.from.ok_or_else(|| NodeError::invalid("the transaction has no `from`"))?;
        let key = self.signer(from).cloned();
        if key.is_none() && !self.impersonated.contains(&from) {
            return Err(NodeError::rejected(format!(
                "no key for account {from}: send from a dev account (eth_accounts) or impersonate it first (anvil_impersonateAccount)"
            )));
        }
        if let Some(id) = req.chain_id.filter(|id| *id != self.chain_id()) {
            return Err(NodeError::rejected(format!(
                "invalid chain id for signer: have {id} want {}",
                self.chain_id()
            )));
        }
        let nonce = req.nonce.unwrap_or_else(|| self.pending_nonce(from));
        let gas_limit = match req.gas {
            Some(g) => g,
            None => self.estimate(req, None, None)?,
        };
        let to = req.to.unwrap_or(TxKind::Create);
        let input = req.input.input().cloned().unwrap_or_default();
        let value = req.value.unwrap_or(U256::ZERO);
        let chain_id = self.chain_id();
        let base_fee = u128::from(self.base_fee());
        let (hash, unsigned): (B256, Unsigned) = match req.gas_price {
            Some(gas_price) => {
                let tx = TxLegacy {
                    chain_id: Some(chain_id),
                    nonce,
                    gas_price,
                    gas_limit,
                    to,
                    value,
                    input,
                };
                (tx.signature_hash(), Unsigned::Legacy(tx))
            }
            None => {
                let tx = TxEip1559 {
                    chain_id,
                    nonce,
                    gas_limit,
                    // Twice the base fee, as wallets do; only the base fee is charged.
                    max_fee_per_gas: req.max_fee_per_gas.unwrap_or(base_fee * 2),
                    max_priority_fee_per_gas: req.max_priority_fee_per_gas.unwrap_or(0),
                    to,
                    value,
                    access_list: req.access_list.clone().unwrap_or_default(),
                    input,
                };
                (tx.signature_hash(), Unsigned::Eip1559(tx))
            }
        };
        let signature = match key {
            Some(k) => k.sign_hash_sync(&hash).map_err(|e| {
                NodeError::Internal(format!("signing with the dev key failed: {e}"))
            })?,
            // Never verified: the node vouches for impersonated senders.
            None => Signature::new(U256::from(1u8), U256::from(1u8), false),
        };
        let envelope: TxEnvelope = match unsigned {
            Unsigned::Legacy(tx) => tx.into_signed(signature).into(),
            Unsigned::Eip1559(tx) => tx.into_signed(signature).into(),
        };
        self.admit(envelope, from)
    }
}

enum Unsigned {
    Legacy(TxLegacy),
    Eip1559(TxEip1559),
}
