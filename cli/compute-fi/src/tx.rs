//! Sending a transaction and reading a call, with every failure told as the contract told
//! it: a revert (from the gas estimate, the call, or a mined transaction replayed) becomes
//! the custom error's name and values; a refusal by the node keeps the node's reason.

use std::time::Duration;

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider},
    rpc::types::{TransactionReceipt, TransactionRequest},
    transports::{RpcError, TransportErrorKind},
};

use crate::{revert, Failure};

/// The gas limit sent, in percent of the node's estimate (Foundry's `forge script`
/// default). An estimate is the least gas that succeeded in the state and block the node
/// simulated; Stylus and EVM calls forward 63/64 of what is left, so a transaction at that
/// cliff fails when anything before an inner call costs a unit more when mined (a later
/// timestamp, another transaction first). Unused gas is not charged.
const GAS_PERCENT: u64 = 130;

/// How long a sent transaction may wait for its receipt.
const RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// A transaction from the signer's provider: `what` names the step in messages.
pub async fn send(
    p: &DynProvider,
    to: Address,
    value: U256,
    data: Vec<u8>,
    what: &str,
) -> Result<TransactionReceipt, Failure> {
    let tx = TransactionRequest::default().with_to(to).with_value(value).with_input(data);
    send_request(p, tx, what).await
}

pub async fn send_request(
    p: &DynProvider,
    tx: TransactionRequest,
    what: &str,
) -> Result<TransactionReceipt, Failure> {
    let estimate = p.estimate_gas(tx.clone()).await.map_err(|e| refused(e, what))?;
    let tx = tx.with_gas_limit(estimate.saturating_mul(GAS_PERCENT) / 100);
    let pending = p.send_transaction(tx.clone()).await.map_err(|e| refused(e, what))?;
    let hash = *pending.tx_hash();
    let receipt =
        pending.with_timeout(Some(RECEIPT_TIMEOUT)).get_receipt().await.map_err(|e| {
            Failure::rpc(format!("{what}: sent as {hash}, but no receipt came: {e}"))
        })?;
    if receipt.status() {
        return Ok(receipt);
    }
    // Mined and reverted: replay it on the state before its block for the reason.
    let at = receipt.block_number.unwrap_or_default().saturating_sub(1).into();
    let replay = TransactionRequest { from: receipt.from.into(), ..tx };
    let reason = match p.call(replay).block(at).await {
        Err(e) => revert_data(&e).map(|d| revert::describe(&d)),
        Ok(_) => None,
    };
    Err(Failure::revert(format!(
        "{what}: transaction {hash} reverted in block {} (gas used {} of its limit {}){}",
        receipt.block_number.unwrap_or_default(),
        receipt.gas_used,
        tx_gas_limit(p, hash).await,
        reason.map(|r| format!(": {r}")).unwrap_or_default()
    )))
}

/// The gas limit a mined transaction was sent with (0 if the node no longer has it).
async fn tx_gas_limit(p: &DynProvider, hash: alloy::primitives::B256) -> u64 {
    use alloy::consensus::Transaction;
    match p.get_transaction_by_hash(hash).await {
        Ok(Some(t)) => t.gas_limit(),
        _ => 0,
    }
}

/// A read-only call; its revert, if any, told as the contract's error.
pub async fn call(
    p: &DynProvider,
    from: Option<Address>,
    to: Address,
    data: Vec<u8>,
    what: &str,
) -> Result<Bytes, Failure> {
    let mut tx = TransactionRequest::default().with_to(to).with_input(data);
    if let Some(f) = from {
        tx = tx.with_from(f);
    }
    p.call(tx).await.map_err(|e| refused(e, what))
}

/// The revert data of a JSON-RPC error, if it carries any.
pub fn revert_data(e: &RpcError<TransportErrorKind>) -> Option<Bytes> {
    e.as_error_resp().and_then(|r| r.as_revert_data())
}

/// An RPC error as the failure of `what`.
pub fn refused(e: RpcError<TransportErrorKind>, what: &str) -> Failure {
    if let Some(data) = revert_data(&e) {
        return Failure::revert(format!("{what} would revert: {}", revert::describe(&data)));
    }
    match e.as_error_resp() {
        Some(resp) => Failure::rpc(format!("{what}: the node refused it: {}", resp.message)),
        None => Failure::rpc(format!("{what}: {e}")),
    }
}

/// A contract binding's error as the failure of `what`.
pub fn contract_error(e: alloy::contract::Error, what: &str) -> Failure {
    match e {
        alloy::contract::Error::TransportError(t) => refused(t, what),
        other => match other.as_revert_data() {
            Some(d) => Failure::revert(format!("{what} would revert: {}", revert::describe(&d))),
            None => Failure::rpc(format!("{what}: {other}")),
        },
    }
}
