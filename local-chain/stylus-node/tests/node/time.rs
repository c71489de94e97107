//! Time travel and snapshots.

use alloy::{
    network::TransactionBuilder,
    primitives::{address, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
};
use serde_json::json;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn increase_time_and_set_the_next_timestamp() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let t0 = p.get_block_by_number(0.into()).await.unwrap().unwrap().header.timestamp;
    rpc(n.addr(), "evm_increaseTime", json!([86_400]));
    rpc(n.addr(), "evm_mine", json!([]));
    let t1 = p.get_block_by_number(1.into()).await.unwrap().unwrap().header.timestamp;
    assert!(t1 >= t0 + 86_400 && t1 < t0 + 86_400 + 60, "{t0} -> {t1}");
    let target = t1 + 1_000_000;
    assert!(rpc(n.addr(), "evm_setNextBlockTimestamp", json!([target]))["error"].is_null());
    rpc(n.addr(), "evm_mine", json!([]));
    let t2 = p.get_block_by_number(2.into()).await.unwrap().unwrap().header.timestamp;
    assert_eq!(t2, target);
    // Time goes on from there, never back.
    rpc(n.addr(), "evm_mine", json!([]));
    let t3 = p.get_block_by_number(3.into()).await.unwrap().unwrap().header.timestamp;
    assert!(t3 >= target && t3 < target + 60);
    let r = rpc(n.addr(), "evm_setNextBlockTimestamp", json!([t0]));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    rpc(n.addr(), "anvil_mine", json!(["0x5", "0x10"]));
    assert_eq!(p.get_block_number().await.unwrap(), 8);
    let t8 = p.get_block_by_number(8.into()).await.unwrap().unwrap().header.timestamp;
    assert!(t8 >= t3 + 5 * 16 && t8 < t3 + 5 * 16 + 60, "{t3} -> {t8}");
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_brings_back_balances_blocks_and_receipts() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let bob = address!("000000000000000000000000000000000000b0b0");
    let snap = rpc(n.addr(), "evm_snapshot", json!([]))["result"].clone();
    let tx = TransactionRequest::default().with_to(bob).with_value(U256::from(7u8));
    let r = p.send_transaction(tx).await.unwrap().get_receipt().await.unwrap();
    assert_eq!(p.get_balance(bob).await.unwrap(), U256::from(7u8));
    assert_eq!(rpc(n.addr(), "evm_revert", json!([snap.clone()]))["result"], true);
    assert_eq!(p.get_balance(bob).await.unwrap(), U256::ZERO);
    assert_eq!(p.get_block_number().await.unwrap(), 0);
    assert!(p.get_transaction_receipt(r.transaction_hash).await.unwrap().is_none());
    // A snapshot is used once.
    assert_eq!(rpc(n.addr(), "evm_revert", json!([snap]))["result"], false);
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_time_seals_blocks_without_transactions_waiting() {
    let n = node_with(|c| c.block_time = Some(std::time::Duration::from_millis(200))).await;
    let p = wallet(&n.url(), KEY0);
    let bob = address!("000000000000000000000000000000000000b0b0");
    let pending = p
        .send_transaction(TransactionRequest::default().with_to(bob).with_value(U256::from(1u8)))
        .await
        .unwrap();
    let r = pending.get_receipt().await.unwrap();
    assert!(r.status());
    assert_eq!(p.get_balance(bob).await.unwrap(), U256::from(1u8));
    n.stop().await.unwrap();
}

/// EVM code whose gas grows with the time: it writes memory at offset
/// `(TIMESTAMP - base) * 32`, so later blocks pay for more memory.
fn time_priced_code(base: u64) -> alloy::primitives::Bytes {
    let mut code = vec![0x60, 0x00, 0x67];
    code.extend_from_slice(&base.to_be_bytes());
    code.extend_from_slice(&[0x42, 0x03, 0x60, 0x05, 0x1b, 0x52, 0x00]);
    code.into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_estimate_is_for_the_block_the_transaction_will_be_mined_in() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let head = p.get_block_by_number(0.into()).await.unwrap().unwrap().header.timestamp;
    let target = address!("00000000000000000000000000000000000071e0");
    rpc(n.addr(), "anvil_setCode", json!([target, time_priced_code(head)]));
    // The next block comes 2,000 s later: its memory costs more than the head's would.
    rpc(n.addr(), "evm_setNextBlockTimestamp", json!([head + 2_000]));
    let tx = TransactionRequest::default().with_to(target);
    let gas = p.estimate_gas(tx.clone()).await.unwrap();
    let r = p.send_transaction(tx.with_gas_limit(gas)).await.unwrap().get_receipt().await.unwrap();
    assert!(r.status(), "mined with its estimate {gas}: used {}", r.gas_used);
    assert_eq!(r.gas_used, gas, "the estimate is exact");
    n.stop().await.unwrap();
}
