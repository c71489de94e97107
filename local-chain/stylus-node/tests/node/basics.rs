//! What a client reads first: chain id, accounts, genesis, method routing.

use alloy::{
    primitives::{address, U256},
    providers::Provider,
};
use serde_json::json;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genesis_follows_the_nitro_dev_node_and_anvil() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    assert_eq!(p.get_chain_id().await.unwrap(), 412_346);
    assert_eq!(p.get_block_number().await.unwrap(), 0);
    let accounts = p.get_accounts().await.unwrap();
    assert_eq!(accounts.len(), 10);
    // anvil's and Hardhat's first two dev accounts.
    assert_eq!(accounts[0], address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
    assert_eq!(accounts[1], address!("70997970C51812dc3A010C7d01b50e0d17dc79C8"));
    let ten_thousand_eth = U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18u8));
    assert_eq!(p.get_balance(accounts[9]).await.unwrap(), ten_thousand_eth);
    assert_eq!(p.get_gas_price().await.unwrap(), 100_000_000);
    assert!(!p.get_code_at(STYLUS_DEPLOYER).await.unwrap().is_empty());
    let factory = address!("4e59b44847b379578588920cA78FbF26c0B4956C");
    assert_eq!(p.get_code_at(factory).await.unwrap().len(), 69);
    let block = p.get_block_by_number(0.into()).await.unwrap().expect("genesis");
    assert_eq!(block.header.base_fee_per_gas, Some(100_000_000));
    assert_eq!(rpc(n.addr(), "net_version", json!([]))["result"], "412346");
    // ArbSys.arbChainID() and arbBlockNumber(), as Nitro tooling asks.
    let arbsys = "0x0000000000000000000000000000000000000064";
    let chain_id = rpc(n.addr(), "eth_call", json!([{"to": arbsys, "data": "0xd127f54a"}]));
    assert_eq!(chain_id["result"], format!("0x{:064x}", 412_346), "{chain_id}");
    let number = rpc(n.addr(), "eth_call", json!([{"to": arbsys, "data": "0xa3b1b31d"}]));
    assert_eq!(number["result"], format!("0x{:064x}", 0), "{number}");
    assert_eq!(p.get_code_at(arbsys.parse().unwrap()).await.unwrap().to_vec(), vec![0xfe]);
    let v = rpc(n.addr(), "web3_clientVersion", json!([]));
    assert!(v["result"].as_str().unwrap().starts_with("stylus-node/v"));
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_change_the_chain_id_and_accounts() {
    let n = node_with(|c| {
        c.chain_id = 31_337;
        c.accounts = 3;
    })
    .await;
    let p = wallet(&n.url(), KEY0);
    assert_eq!(p.get_chain_id().await.unwrap(), 31_337);
    assert_eq!(p.get_accounts().await.unwrap().len(), 3);
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_methods_and_batches() {
    let n = node().await;
    let r = rpc(n.addr(), "eth_doesNotExist", json!([]));
    assert_eq!(r["error"]["code"], -32601);
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": 2, "method": "nope", "params": []},
        {"jsonrpc": "2.0", "id": 3, "method": "eth_blockNumber"}
    ]);
    let (status, body) = post(n.addr(), batch.to_string().as_bytes());
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let arr = v.as_array().expect("batch answer");
    assert_eq!(arr.len(), 3);
    let by_id = |id: i64| arr.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(by_id(1)["result"], "0x64aba");
    assert_eq!(by_id(2)["error"]["code"], -32601);
    assert_eq!(by_id(3)["result"], "0x0");
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_preflight_is_answered() {
    let n = node().await;
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(n.addr()).unwrap();
    let req = format!(
        "OPTIONS / HTTP/1.1\r\nHost: {}\r\nOrigin: http://example.test\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n",
        n.addr()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    assert!(out.to_ascii_lowercase().contains("access-control-allow-origin: *"), "{out}");
    n.stop().await.unwrap();
}
