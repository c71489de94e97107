//! A Stylus artifact deployed through the genesis `StylusDeployer`, used as a dApp would:
//! calls, transactions, events through logs and filters, custom errors from reverts.

use alloy::{
    network::TransactionBuilder,
    primitives::{address, Address, U256},
    providers::Provider,
    rpc::types::{Filter, TransactionRequest},
    sol_types::{SolCall, SolError, SolEvent, SolValue},
};
use serde_json::json;

use crate::common::{erc20::*, *};

async fn deployed_token<P: Provider>(p: &P) -> Address {
    let me = signer(KEY0).address();
    let args = ("Wrapped".to_string(), "W".to_string(), U256::from(18u8)).abi_encode_params();
    deploy_stylus(p, me, &artifact("mock-erc20"), &args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_activate_construct_call_and_send() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let me = signer(KEY0).address();
    let token = deployed_token(&p).await;
    // Activated: ArbWasm knows its code hash at the current Stylus version.
    let arb = IArbWasm::new(ARB_WASM, &p);
    let hash = alloy::primitives::keccak256(p.get_code_at(token).await.unwrap());
    let version = arb.stylusVersion().call().await.unwrap();
    assert_eq!(arb.codehashVersion(hash).call().await.unwrap(), version);
    // Constructed.
    let erc20 = IERC20Metadata::new(token, &p);
    assert_eq!(erc20.name().call().await.unwrap(), "Wrapped");
    assert_eq!(erc20.decimals().call().await.unwrap(), 18);
    // Transactions, with gas estimated by the node.
    let r = mint(&p, token, me, U256::from(1_000u64)).await;
    assert!(r.status());
    let ev = r.decoded_log::<IERC20::Transfer>().expect("Transfer");
    assert_eq!((ev.from, ev.to, ev.value), (Address::ZERO, me, U256::from(1_000u64)));
    let t = IERC20::new(token, &p);
    let bob = address!("000000000000000000000000000000000000b0b0");
    t.transfer(bob, U256::from(250u64)).send().await.unwrap().get_receipt().await.unwrap();
    assert_eq!(t.balanceOf(bob).call().await.unwrap(), U256::from(250u64));
    assert_eq!(t.balanceOf(me).call().await.unwrap(), U256::from(750u64));
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_error_comes_back_as_code_3_with_its_bytes() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let token = deployed_token(&p).await;
    let me = signer(KEY0).address();
    let call = IERC20::transferCall { to: Address::repeat_byte(1), value: U256::from(5u8) };
    let req = json!([{"from": me, "to": token, "data": alloy::primitives::Bytes::from(call.abi_encode())}, "latest"]);
    for method in ["eth_call", "eth_estimateGas"] {
        let r = rpc(n.addr(), method, req.clone());
        assert_eq!(r["error"]["code"], 3, "{method}: {r}");
        assert_eq!(r["error"]["message"], "execution reverted");
        let data: alloy::primitives::Bytes = r["error"]["data"].as_str().unwrap().parse().unwrap();
        let e = IMockErc20::ERC20InsufficientBalance::abi_decode(&data).expect("custom error");
        assert_eq!((e._0, e._1, e._2), (me, U256::ZERO, U256::from(5u8)));
    }
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_through_get_logs_and_filters() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let me = signer(KEY0).address();
    let token = deployed_token(&p).await;
    let logs_filter =
        Filter::new().address(token).event_signature(IERC20::Transfer::SIGNATURE_HASH);
    let id = p.new_filter(&logs_filter).await.unwrap();
    let blocks = p.new_block_filter().await.unwrap();
    for i in 1..=3u64 {
        mint(&p, token, me, U256::from(i)).await;
    }
    let changes: Vec<alloy::rpc::types::Log> = p.get_filter_changes(id).await.unwrap();
    assert_eq!(changes.len(), 3);
    let again: Vec<alloy::rpc::types::Log> = p.get_filter_changes(id).await.unwrap();
    assert!(again.is_empty(), "reported twice");
    let hashes: Vec<alloy::primitives::B256> = p.get_filter_changes(blocks).await.unwrap();
    assert_eq!(hashes.len(), 3);
    let all = p.get_logs(&logs_filter.clone().from_block(0)).await.unwrap();
    assert_eq!(all.len(), 3);
    let values: Vec<U256> =
        all.iter().map(|l| IERC20::Transfer::decode_log(&l.inner).unwrap().data.value).collect();
    assert_eq!(values, vec![U256::from(1u8), U256::from(2u8), U256::from(3u8)]);
    // Topic filtering: transfers to someone else match nothing.
    let none = Filter::new()
        .address(token)
        .from_block(0)
        .event_signature(IERC20::Transfer::SIGNATURE_HASH)
        .topic2(Address::repeat_byte(9).into_word());
    assert!(p.get_logs(&none).await.unwrap().is_empty());
    let f = rpc(n.addr(), "eth_getFilterLogs", json!([format!("{id:#x}")]));
    // No fromBlock: "latest" when asked, so the last mint only.
    assert_eq!(f["result"].as_array().map(|a| a.len()), Some(1), "{f}");
    assert!(p.uninstall_filter(id).await.unwrap());
    assert!(!p.uninstall_filter(id).await.unwrap());
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_overrides_and_older_blocks() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let me = signer(KEY0).address();
    let token = deployed_token(&p).await;
    let at_deploy = p.get_block_number().await.unwrap();
    mint(&p, token, me, U256::from(9u8)).await;
    let bal = IERC20::balanceOfCall { account: me }.abi_encode();
    let q = |block: serde_json::Value| {
        rpc(
            n.addr(),
            "eth_call",
            json!([{"to": token, "data": alloy::primitives::Bytes::from(bal.clone())}, block]),
        )
    };
    let now = q(json!("latest"));
    assert_eq!(
        U256::from_str_radix(now["result"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap(),
        U256::from(9u8)
    );
    let then = q(json!(format!("{at_deploy:#x}")));
    assert_eq!(
        U256::from_str_radix(then["result"].as_str().unwrap().trim_start_matches("0x"), 16)
            .unwrap(),
        U256::ZERO
    );
    // A balance override lets a poor account's value call go through.
    let poor = Address::repeat_byte(0x77);
    let tx = TransactionRequest::default().with_from(poor).with_to(me).with_value(U256::from(10u8));
    assert!(p.call(tx.clone()).await.is_err());
    let o = alloy::rpc::types::state::StateOverridesBuilder::default()
        .with_balance(poor, U256::from(100u8))
        .build();
    assert!(p.call(tx).overrides(o).await.is_ok());
    n.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_that_is_not_activated_reverts_instead_of_running() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let target = Address::repeat_byte(0x42);
    rpc(n.addr(), "anvil_setCode", json!([target, artifact("mock-erc20")]));
    let call = IERC20::totalSupplyCall {}.abi_encode();
    let r = rpc(
        n.addr(),
        "eth_call",
        json!([{"to": target, "data": alloy::primitives::Bytes::from(call)}]),
    );
    assert!(r["error"].is_object(), "{r}");
    // And the node goes on.
    assert_eq!(p.get_block_number().await.unwrap(), 0);
    n.stop().await.unwrap();
}

alloy::sol! {
    #[sol(rpc)]
    interface ICacheManager {
        function getMinBid(address program) external view returns (uint192 min);
        function placeBid(address program) external payable;
        function cacheSize() external view returns (uint64);
        event InsertBid(bytes32 indexed codehash, address program, uint192 bid, uint64 size);
    }
    #[sol(rpc)]
    interface IArbWasmCache {
        function codehashIsCached(bytes32 codehash) external view returns (bool);
        function allCacheManagers() external view returns (address[] memory managers);
    }
    #[sol(rpc)]
    interface IArbWasmInit {
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bid_at_the_genesis_cache_manager_caches_a_program_and_its_calls_cost_less() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let me = signer(KEY0).address();
    let token = deployed_token(&p).await;
    let cache = IArbWasmCache::new(address!("0000000000000000000000000000000000000072"), &p);
    // cargo-stylus finds the manager this way.
    let managers = cache.allCacheManagers().call().await.unwrap();
    assert_eq!(managers.len(), 1);
    let manager = ICacheManager::new(managers[0], &p);
    assert_eq!(manager.cacheSize().call().await.unwrap(), 512 * 1024 * 1024);
    let t = IERC20::new(token, &p);
    let bob = address!("000000000000000000000000000000000000b0b0");
    mint(&p, token, me, U256::from(10u8)).await;
    t.transfer(bob, U256::from(1u8)).send().await.unwrap().get_receipt().await.unwrap();
    let uncached =
        t.transfer(bob, U256::from(1u8)).send().await.unwrap().get_receipt().await.unwrap();
    // An empty cache takes any bid.
    let min = manager.getMinBid(token).call().await.unwrap();
    assert_eq!(min, alloy::primitives::aliases::U192::ZERO);
    let r = manager.placeBid(token).send().await.unwrap().get_receipt().await.unwrap();
    assert!(r.status());
    let bid = r.decoded_log::<ICacheManager::InsertBid>().expect("InsertBid");
    let hash = alloy::primitives::keccak256(p.get_code_at(token).await.unwrap());
    assert_eq!(bid.codehash, hash);
    assert!(cache.codehashIsCached(hash).call().await.unwrap());
    let cached =
        t.transfer(bob, U256::from(1u8)).send().await.unwrap().get_receipt().await.unwrap();
    let init = IArbWasmInit::new(ARB_WASM, &p).programInitGas(token).call().await.unwrap();
    assert!(cached.gas_used < uncached.gas_used);
    assert_eq!(
        uncached.gas_used - cached.gas_used,
        init.gas - init.gasWhenCached,
        "init {} cached {}",
        init.gas,
        init.gasWhenCached
    );
    // A cached program cannot be bid for again.
    assert!(manager.placeBid(token).call().await.is_err());
    n.stop().await.unwrap();
}
