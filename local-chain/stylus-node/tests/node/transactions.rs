//! Transactions as wallets send them: fees paid in ETH, every envelope type, and the
//! refusals clients branch on.

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEnvelope, TxLegacy},
    eips::eip2718::Encodable2718,
    network::TransactionBuilder,
    primitives::{address, Address, Bytes, TxKind, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    signers::SignerSync,
};
use serde_json::json;

use crate::common::*;

const BASE_FEE: u128 = 100_000_000;
const NETWORK_FEE_ACCOUNT: Address = address!("00000000000000000000000000000000000A4B05");
const BOB: Address = address!("000000000000000000000000000000000000b0b0");

fn sign<T: SignableTransaction<alloy::primitives::Signature>>(tx: T, key: &str) -> Bytes
where
    alloy::consensus::Signed<T>: Into<TxEnvelope>,
{
    let sig = signer(key).sign_hash_sync(&tx.signature_hash()).unwrap();
    let env: TxEnvelope = tx.into_signed(sig).into();
    env.encoded_2718().into()
}

fn transfer_1559(nonce: u64, chain_id: u64, value: U256, max_fee: u128, tip: u128) -> TxEip1559 {
    TxEip1559 {
        chain_id,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: max_fee,
        max_priority_fee_per_gas: tip,
        to: TxKind::Call(BOB),
        value,
        access_list: Default::default(),
        input: Bytes::new(),
    }
}

fn error_of(v: &serde_json::Value) -> (i64, String) {
    (v["error"]["code"].as_i64().unwrap_or(0), v["error"]["message"].as_str().unwrap_or("").into())
}

fn send_raw(n: &stylus_node::NodeHandle, raw: &Bytes) -> serde_json::Value {
    rpc(n.addr(), "eth_sendRawTransaction", json!([raw]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_pays_its_gas_in_eth_at_the_base_fee() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let me = signer(KEY0).address();
    let before = p.get_balance(me).await.unwrap();
    let value = U256::from(12_345u64);
    let tx = TransactionRequest::default().with_to(BOB).with_value(value);
    let r = p.send_transaction(tx).await.unwrap().get_receipt().await.unwrap();
    assert!(r.status());
    assert_eq!(r.gas_used, 21_000);
    assert_eq!(r.effective_gas_price, BASE_FEE);
    assert_eq!(r.from, me);
    assert_eq!(r.block_number, Some(1));
    let fee = U256::from(21_000u64 * BASE_FEE as u64);
    assert_eq!(p.get_balance(me).await.unwrap(), before - value - fee);
    assert_eq!(p.get_balance(BOB).await.unwrap(), value);
    assert_eq!(p.get_balance(NETWORK_FEE_ACCOUNT).await.unwrap(), fee);
    assert_eq!(p.get_transaction_count(me).await.unwrap(), 1);
    let t = p.get_transaction_by_hash(r.transaction_hash).await.unwrap().expect("mined tx");
    assert_eq!(t.block_number, Some(1));
    let b = p.get_block_by_number(1.into()).full().await.unwrap().expect("block 1");
    assert_eq!(b.transactions.len(), 1);
    assert_eq!(b.header.gas_used, 21_000);
    let genesis = p.get_block_by_number(0.into()).await.unwrap().unwrap();
    assert_eq!(b.header.parent_hash, genesis.header.hash);
    let by_hash = p.get_block_by_hash(b.header.hash).await.unwrap().expect("by hash");
    assert_eq!(by_hash.header.number, 1);
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_supported_envelope_is_mined() {
    let n = node().await;
    let p = wallet(&n.url(), KEY1);
    // Pre-EIP-155 legacy (no chain id), as the CREATE2 factory's own deployment is.
    let legacy = TxLegacy {
        chain_id: None,
        nonce: 0,
        gas_price: BASE_FEE,
        gas_limit: 21_000,
        to: TxKind::Call(BOB),
        value: U256::from(1u8),
        input: Bytes::new(),
    };
    let r = send_raw(&n, &sign(legacy.clone(), KEY0));
    assert!(r["result"].is_string(), "{r}");
    let eip155 = TxLegacy { chain_id: Some(412_346), nonce: 1, ..legacy };
    assert!(send_raw(&n, &sign(eip155, KEY0))["result"].is_string());
    let eip2930 = TxEip2930 {
        chain_id: 412_346,
        nonce: 2,
        gas_price: BASE_FEE,
        gas_limit: 21_000,
        to: TxKind::Call(BOB),
        value: U256::from(1u8),
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let h = send_raw(&n, &sign(eip2930, KEY0));
    let hash = h["result"].as_str().expect("hash").parse().unwrap();
    let receipt = p.get_transaction_receipt(hash).await.unwrap().expect("receipt");
    assert!(receipt.status());
    let eip1559 = transfer_1559(3, 412_346, U256::from(1u8), 2 * BASE_FEE, 0);
    assert!(send_raw(&n, &sign(eip1559, KEY0))["result"].is_string());
    assert_eq!(p.get_balance(BOB).await.unwrap(), U256::from(4u8));
    assert_eq!(p.get_block_number().await.unwrap(), 4);
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_use_geths_words() {
    let n = node().await;
    let one = U256::from(1u8);
    // Wrong chain id.
    let r = send_raw(&n, &sign(transfer_1559(0, 1, one, 2 * BASE_FEE, 0), KEY0));
    assert_eq!(error_of(&r), (-32000, "invalid chain id for signer: have 1 want 412346".into()));
    // A gap in the nonces.
    let r = send_raw(&n, &sign(transfer_1559(5, 412_346, one, 2 * BASE_FEE, 0), KEY0));
    assert!(error_of(&r).1.starts_with("nonce too high"), "{r}");
    // Below the base fee.
    let r = send_raw(&n, &sign(transfer_1559(0, 412_346, one, BASE_FEE - 1, 0), KEY0));
    assert!(error_of(&r).1.starts_with("max fee per gas less than block base fee"), "{r}");
    // More than the balance.
    let poor = "0x0000000000000000000000000000000000000000000000000000000000000001";
    let r = send_raw(&n, &sign(transfer_1559(0, 412_346, one, 2 * BASE_FEE, 0), poor));
    assert!(
        error_of(&r).1.starts_with("insufficient funds for gas * price + value: address"),
        "{r}"
    );
    // Too little gas.
    let mut low = transfer_1559(0, 412_346, one, 2 * BASE_FEE, 0);
    low.gas_limit = 20_000;
    let r = send_raw(&n, &sign(low, KEY0));
    assert_eq!(error_of(&r).1, "intrinsic gas too low: have 20000, want 21000");
    // Mined once; the same nonce again is too low, the same bytes already known.
    let ok = sign(transfer_1559(0, 412_346, one, 2 * BASE_FEE, 0), KEY0);
    assert!(send_raw(&n, &ok)["result"].is_string());
    assert_eq!(error_of(&send_raw(&n, &ok)).1, "already known");
    let again = sign(transfer_1559(0, 412_346, U256::from(2u8), 2 * BASE_FEE, 0), KEY0);
    assert!(error_of(&send_raw(&n, &again)).1.starts_with("nonce too low"));
    // Bytes that are no transaction, and a signature that recovers nothing.
    let r = send_raw(&n, &Bytes::from_static(&[0x02, 0xc0]));
    assert!(error_of(&r).1.starts_with("transaction could not be decoded"), "{r}");
    let mut bad = sign(transfer_1559(1, 412_346, one, 2 * BASE_FEE, 0), KEY0).to_vec();
    let len = bad.len();
    bad[len - 33..len - 1].fill(0);
    let r = send_raw(&n, &Bytes::from(bad));
    assert_eq!(error_of(&r).0, -32000, "{r}");
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replacement_must_raise_the_price_by_a_tenth() {
    let n = node().await;
    assert!(rpc(n.addr(), "evm_setAutomine", json!([false]))["error"].is_null());
    let one = U256::from(1u8);
    let first = send_raw(&n, &sign(transfer_1559(0, 412_346, one, 2 * BASE_FEE, BASE_FEE), KEY0));
    assert!(first["result"].is_string());
    let pending =
        rpc(n.addr(), "eth_getTransactionCount", json!([signer(KEY0).address(), "pending"]));
    assert_eq!(pending["result"], "0x1");
    let latest =
        rpc(n.addr(), "eth_getTransactionCount", json!([signer(KEY0).address(), "latest"]));
    assert_eq!(latest["result"], "0x0");
    let cheap = sign(transfer_1559(0, 412_346, U256::from(2u8), 2 * BASE_FEE + 1, BASE_FEE), KEY0);
    assert_eq!(error_of(&send_raw(&n, &cheap)).1, "replacement transaction underpriced");
    let bumped = sign(transfer_1559(0, 412_346, U256::from(3u8), 3 * BASE_FEE, 2 * BASE_FEE), KEY0);
    let h = send_raw(&n, &bumped)["result"].as_str().unwrap().to_string();
    let t = rpc(n.addr(), "eth_getTransactionByHash", json!([h]));
    assert!(t["result"]["blockNumber"].is_null(), "{t}");
    rpc(n.addr(), "evm_mine", json!([]));
    let p = wallet(&n.url(), KEY1);
    assert_eq!(p.get_balance(BOB).await.unwrap(), U256::from(3u8));
    let r = p.get_transaction_receipt(h.parse().unwrap()).await.unwrap().unwrap();
    // Arbitrum charges the base fee, whatever the tip.
    assert_eq!(r.effective_gas_price, BASE_FEE);
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_transaction_signs_for_dev_and_impersonated_accounts_only() {
    let n = node().await;
    let dev = signer(KEY0).address();
    let r = rpc(n.addr(), "eth_sendTransaction", json!([{"from": dev, "to": BOB, "value": "0x5"}]));
    assert!(r["result"].is_string(), "{r}");
    let whale = address!("00000000000000000000000000000000000000aa");
    rpc(n.addr(), "anvil_setBalance", json!([whale, "0xde0b6b3a7640000"]));
    let tx = json!([{"from": whale, "to": BOB, "value": "0x7"}]);
    let r = rpc(n.addr(), "eth_sendTransaction", tx.clone());
    assert!(error_of(&r).1.starts_with("no key for account"), "{r}");
    rpc(n.addr(), "anvil_impersonateAccount", json!([whale]));
    let r = rpc(n.addr(), "eth_sendTransaction", tx.clone());
    assert!(r["result"].is_string(), "{r}");
    let receipt = rpc(n.addr(), "eth_getTransactionReceipt", json!([r["result"]]));
    assert_eq!(receipt["result"]["from"].as_str().unwrap().to_lowercase(), format!("{whale:?}"));
    rpc(n.addr(), "anvil_stopImpersonatingAccount", json!([whale]));
    assert!(error_of(&rpc(n.addr(), "eth_sendTransaction", tx)).1.starts_with("no key"));
    let p = wallet(&n.url(), KEY0);
    assert_eq!(p.get_balance(BOB).await.unwrap(), U256::from(12u8));
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reverted_transaction_is_mined_charged_and_moves_the_nonce() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let me = signer(KEY0).address();
    // Code that always reverts: PUSH1 0, PUSH1 0, REVERT.
    let reverter = address!("00000000000000000000000000000000000000ee");
    rpc(n.addr(), "anvil_setCode", json!([reverter, "0x60006000fd"]));
    let before = p.get_balance(me).await.unwrap();
    let tx = TransactionRequest::default().with_to(reverter).with_gas_limit(50_000);
    let r = p.send_transaction(tx).await.unwrap().get_receipt().await.unwrap();
    assert!(!r.status());
    assert_eq!(p.get_transaction_count(me).await.unwrap(), 1);
    let spent = before - p.get_balance(me).await.unwrap();
    assert_eq!(spent, U256::from(r.gas_used) * U256::from(BASE_FEE));
    n.stop().await.unwrap();
}
