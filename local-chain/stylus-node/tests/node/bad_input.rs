//! Input no client should send never takes the node down; each gets a JSON-RPC error.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::common::*;

fn still_serving(addr: std::net::SocketAddr) {
    assert_eq!(rpc(addr, "eth_chainId", json!([]))["result"], "0x64aba");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_wrong_types_and_huge_bodies() {
    let n = node().await;
    let (_, body) = post(n.addr(), b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"]["code"], -32700);
    let r = rpc(n.addr(), "eth_getBalance", json!([42, "latest"]));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = rpc(n.addr(), "eth_getBalance", json!({"address": "0x00"}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = rpc(n.addr(), "eth_blockNumber", json!(["extra"]));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = rpc(n.addr(), "eth_getBlockByNumber", json!(["0xffffffffffffffffff", false]));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = rpc(
        n.addr(),
        "eth_getBalance",
        json!(["0x0000000000000000000000000000000000000001", "0x99"]),
    );
    assert!(r["error"]["message"].as_str().unwrap().starts_with("header not found"), "{r}");
    // 65 MiB: over the body limit.
    let huge = vec![b' '; 65 * 1024 * 1024];
    let (status, _) = post(n.addr(), &huge);
    assert_eq!(status, 413);
    still_serving(n.addr());
    n.stop().await.unwrap();
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("eth_call".to_string()),
        Just("eth_estimateGas".to_string()),
        Just("eth_sendRawTransaction".to_string()),
        Just("eth_sendTransaction".to_string()),
        Just("eth_getLogs".to_string()),
        Just("eth_getBalance".to_string()),
        Just("eth_getBlockByNumber".to_string()),
        Just("eth_feeHistory".to_string()),
        Just("eth_getFilterChanges".to_string()),
        Just("anvil_loadState".to_string()),
        Just("evm_mine".to_string()),
        Just("anvil_mine".to_string()),
        Just("evm_revert".to_string()),
        "[a-z_A-Z]{0,20}",
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        "0x[0-9a-f]{0,70}".prop_map(Value::String),
        ".{0,12}".prop_map(Value::String),
        Just(json!("latest")),
        Just(json!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("to".to_string()),
                    Just("from".to_string()),
                    Just("data".to_string()),
                    Just("value".to_string()),
                    Just("fromBlock".to_string()),
                    Just("topics".to_string()),
                    "[a-z]{1,6}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Random methods and parameters, and random bytes: always a JSON-RPC answer.
    #[test]
    fn random_requests_get_answers_not_crashes(
        m in method(),
        params in prop::collection::vec(value(), 0..4),
        junk in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let n = rt.block_on(node());
        let addr = n.addr();
        let r = rpc(addr, &m, Value::Array(params));
        prop_assert!(r["result"] != Value::Null || r["error"]["code"].is_i64() || r.get("result").is_some(), "{}", r);
        let (_, body) = post(addr, &junk);
        let v: Value = serde_json::from_str(&body).map_err(|e| TestCaseError::fail(format!("{e}: {body}")))?;
        prop_assert!(v["error"]["code"].is_i64() || v.is_array(), "{}", v);
        still_serving(addr);
        rt.block_on(n.stop()).unwrap();
    }
}
