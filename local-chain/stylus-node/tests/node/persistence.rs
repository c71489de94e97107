//! State that survives: `--state` files across restarts, and dump/load over RPC.

use std::path::PathBuf;

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    rpc::types::Filter,
    sol_types::{SolEvent, SolValue},
};
use serde_json::json;

use crate::common::{erc20::*, *};

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("stylus-node-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_with_the_state_file_keeps_everything() {
    let dir = temp_dir("restart");
    let file = dir.join("state.json");
    let me = signer(KEY0).address();
    let (token, block, tx_hash) = {
        let n = node_with(|c| c.state = Some(file.clone())).await;
        let p = wallet(&n.url(), KEY0);
        let args = ("Kept".to_string(), "K".to_string(), U256::from(6u8)).abi_encode_params();
        let token = deploy_stylus(&p, me, &artifact("mock-erc20"), &args).await;
        let r = mint(&p, token, me, U256::from(77u8)).await;
        let block = p.get_block_number().await.unwrap();
        n.stop().await.unwrap();
        (token, block, r.transaction_hash)
    };
    assert!(file.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    let n = node_with(|c| c.state = Some(file.clone())).await;
    let p = wallet(&n.url(), KEY0);
    assert_eq!(p.get_block_number().await.unwrap(), block);
    // Still activated: the call runs without a new activation.
    assert_eq!(IERC20::new(token, &p).balanceOf(me).call().await.unwrap(), U256::from(77u8));
    let logs = p
        .get_logs(
            &Filter::new()
                .address(token)
                .from_block(0)
                .event_signature(IERC20::Transfer::SIGNATURE_HASH),
        )
        .await
        .unwrap();
    assert_eq!(logs.len(), 1);
    assert!(p.get_transaction_receipt(tx_hash).await.unwrap().is_some());
    // New blocks go on from the saved head.
    mint(&p, token, me, U256::from(1u8)).await;
    assert_eq!(p.get_block_number().await.unwrap(), block + 1);
    n.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_file_that_is_not_one_stops_the_start_with_a_reason() {
    let dir = temp_dir("garbage");
    let file = dir.join("state.json");
    std::fs::write(&file, b"{\"not\": \"a state\"}").unwrap();
    let err = stylus_node::start(stylus_node::Config {
        port: 0,
        state: Some(file.clone()),
        ..Default::default()
    })
    .await
    .expect_err("refused");
    assert!(err.contains("cannot load the state file") && err.contains("move it away"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_then_load_into_another_node() {
    let a = node().await;
    let bob = Address::repeat_byte(0xb0);
    rpc(a.addr(), "anvil_setBalance", json!([bob, "0x1234"]));
    rpc(a.addr(), "evm_mine", json!([]));
    let dump = rpc(a.addr(), "anvil_dumpState", json!([]))["result"].clone();
    let b = node().await;
    assert_eq!(rpc(b.addr(), "anvil_loadState", json!([dump]))["result"], true);
    let p = wallet(&b.url(), KEY0);
    assert_eq!(p.get_balance(bob).await.unwrap(), U256::from(0x1234u64));
    assert_eq!(p.get_block_number().await.unwrap(), 1);
    let bad = rpc(b.addr(), "anvil_loadState", json!(["0x00"]));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    a.stop().await.unwrap();
    b.stop().await.unwrap();
}
