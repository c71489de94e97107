//! Throughput of the node over HTTP beside the same work in-process: `eth_call` of an
//! ERC-20 `balanceOf` on the mock-erc20 Stylus artifact, and `transfer` transactions
//! (signed, sent raw, mined one per block), each timed one request at a time (p50, p99,
//! requests per second). In-process: `local_chain::Chain::read` / `send` on the same
//! artifact. Run: `cargo bench --manifest-path scripts/Cargo.toml -p stylus-node`.

#[allow(dead_code)]
#[path = "../tests/node/common.rs"]
mod common;

use std::time::{Duration, Instant};

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::eip2718::Encodable2718,
    network::TransactionBuilder,
    primitives::{Address, Bytes, TxKind, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    signers::SignerSync,
    sol_types::{SolCall, SolValue},
};
use common::{erc20::IERC20, *};

const N: usize = 400;

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let total: Duration = samples.iter().sum();
    let p = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{what:<40} p50 {:>8.1} µs  p99 {:>8.1} µs  {:>8.0} /s",
        p(0.50).as_secs_f64() * 1e6,
        p(0.99).as_secs_f64() * 1e6,
        samples.len() as f64 / total.as_secs_f64()
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(over_http());
    in_process();
}

async fn over_http() {
    let n = node().await;
    let p = wallet(&n.url(), KEY0);
    let me = signer(KEY0).address();
    let args = ("Bench".to_string(), "B".to_string(), U256::from(18u8)).abi_encode_params();
    let token = deploy_stylus(&p, me, &artifact("mock-erc20"), &args).await;
    let mint = common::erc20::IMockErc20::mintCall { to: me, amount: U256::from(1u64 << 60) };
    let tx = TransactionRequest::default().with_to(token).with_input(mint.abi_encode());
    p.send_transaction(tx).await.expect("mint").get_receipt().await.expect("receipt");

    let call = TransactionRequest::default()
        .with_to(token)
        .with_input(IERC20::balanceOfCall { account: me }.abi_encode());
    let mut samples = Vec::with_capacity(N);
    for _ in 0..N {
        let t = Instant::now();
        p.call(call.clone()).await.expect("call");
        samples.push(t.elapsed());
    }
    report("HTTP eth_call balanceOf", samples);

    let key = signer(KEY0);
    let mut nonce = p.get_transaction_count(me).await.expect("nonce");
    let mut samples = Vec::with_capacity(N);
    for i in 0..N {
        let transfer = IERC20::transferCall {
            to: Address::with_last_byte((i % 200) as u8 + 1),
            value: U256::from(1u8),
        };
        let tx = TxEip1559 {
            chain_id: 412_346,
            nonce,
            gas_limit: 200_000,
            max_fee_per_gas: 200_000_000,
            max_priority_fee_per_gas: 0,
            to: TxKind::Call(token),
            value: U256::ZERO,
            access_list: Default::default(),
            input: transfer.abi_encode().into(),
        };
        let sig = key.sign_hash_sync(&tx.signature_hash()).expect("sign");
        let raw: Bytes = TxEnvelope::from(tx.into_signed(sig)).encoded_2718().into();
        nonce += 1;
        let t = Instant::now();
        let _mined_at_once = p.send_raw_transaction(&raw).await.expect("send");
        samples.push(t.elapsed());
    }
    // Every transfer was mined (automine), none refused.
    let left = common::erc20::IERC20::new(token, &p).balanceOf(me).call().await.expect("balance");
    assert_eq!(left, U256::from(1u64 << 60) - U256::from(N));
    report("HTTP eth_sendRawTransaction transfer", samples);
    n.stop().await.expect("stop");
}

fn in_process() {
    let mut chain = local_chain::Chain::new();
    let me = signer(KEY0).address();
    chain.set_balance(me, U256::from(10u64).pow(U256::from(20u8)));
    let args = ("Bench".to_string(), "B".to_string(), U256::from(18u8)).abi_encode_params();
    let token =
        chain.deploy_stylus(me, &artifact("mock-erc20"), Some(&args), U256::ZERO).expect("deploy");
    chain
        .send(
            me,
            token,
            &common::erc20::IMockErc20::mintCall { to: me, amount: U256::from(1u64 << 60) },
        )
        .expect("mint");
    let mut samples = Vec::with_capacity(N);
    for _ in 0..N {
        let t = Instant::now();
        chain.read(token, &IERC20::balanceOfCall { account: me }).expect("read");
        samples.push(t.elapsed());
    }
    report("in-process Chain::read balanceOf", samples);
    let mut samples = Vec::with_capacity(N);
    for i in 0..N {
        let transfer = IERC20::transferCall {
            to: Address::with_last_byte((i % 200) as u8 + 1),
            value: U256::from(1u8),
        };
        let t = Instant::now();
        chain.send(me, token, &transfer).expect("transfer");
        samples.push(t.elapsed());
    }
    report("in-process Chain::send transfer", samples);
}
