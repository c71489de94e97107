//! Starting nodes on free ports, clients, and deploying Stylus artifacts through the
//! genesis `StylusDeployer` the way cargo-stylus does.

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::Duration,
};

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, Bytes, B256, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::{state::AccountOverride, TransactionRequest},
    signers::local::PrivateKeySigner,
    sol,
    sol_types::SolCall,
};
use stylus_node::{Config, NodeHandle};

sol! {
    #[sol(rpc)]
    interface IStylusDeployer {
        function deploy(bytes calldata bytecode, bytes calldata initData, uint256 initValue, bytes32 salt) external payable returns (address);
        event ContractDeployed(address deployedContract);
        error ContractInitializationError(address newContract, bytes data);
    }

    #[sol(rpc)]
    interface IArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
        error ProgramNotActivated();
    }
}

pub mod erc20 {
    alloy::sol!(
        #[sol(rpc, all_derives)]
        "../../tests/mocks/abi/mock-erc20.sol"
    );
}

/// The first dev key of "test test ... junk".
pub const KEY0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
pub const KEY1: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

pub const STYLUS_DEPLOYER: Address =
    alloy::primitives::address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
pub const ARB_WASM: Address =
    alloy::primitives::address!("0000000000000000000000000000000000000071");

/// A node on a free port of 127.0.0.1 with `f` applied to the default config.
pub async fn node_with(f: impl FnOnce(&mut Config)) -> NodeHandle {
    let mut c = Config { port: 0, ..Config::default() };
    f(&mut c);
    stylus_node::start(c).await.expect("node starts")
}

pub async fn node() -> NodeHandle {
    node_with(|_| {}).await
}

pub fn signer(key: &str) -> PrivateKeySigner {
    key.parse().expect("key")
}

/// A provider signing with `key` (alloy's recommended fillers: nonce, gas, fees, chain id).
pub fn wallet(url: &str, key: &str) -> impl Provider + Clone {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer(key)))
        .connect_http(url.parse().expect("url"))
}

/// The artifact bytes of a contract crate (built by `scripts/cf build`).
pub fn artifact(name: &str) -> Bytes {
    Bytes::from(local_chain::artifact(name).unwrap_or_else(|e| panic!("{e}")))
}

/// Deploys Stylus `code` with a constructor call through the `StylusDeployer` in one
/// transaction, as cargo-stylus does: the data fee is read first from an `eth_call` of
/// `activateProgram` on a spoofed address holding the code.
pub async fn deploy_stylus<P: Provider>(
    p: &P,
    from: Address,
    code: &Bytes,
    ctor_args: &[u8],
) -> Address {
    let spoof = Address::repeat_byte(0x5f);
    let overrides = alloy::rpc::types::state::StateOverridesBuilder::default()
        .append(spoof, AccountOverride { code: Some(code.clone()), ..Default::default() })
        .build();
    let probe = TransactionRequest::default()
        .with_from(from)
        .with_to(ARB_WASM)
        .with_value(U256::from(10u64).pow(U256::from(18u8)))
        .with_input(IArbWasm::activateProgramCall { program: spoof }.abi_encode());
    let out = p.call(probe).overrides(overrides).await.expect("data fee probe");
    let fee = IArbWasm::activateProgramCall::abi_decode_returns(&out).expect("decode").dataFee;
    let mut init = local_chain::constructor_selector().to_vec();
    init.extend_from_slice(ctor_args);
    let deploy = IStylusDeployer::deployCall {
        bytecode: local_chain::deployer_initcode(code),
        initData: init.into(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    };
    let tx = TransactionRequest::default()
        .with_from(from)
        .with_to(STYLUS_DEPLOYER)
        // 10% over the fee: the deployer refunds what activation does not take.
        .with_value(fee + fee / U256::from(10u8))
        .with_input(deploy.abi_encode());
    let receipt =
        p.send_transaction(tx).await.expect("deploy sent").get_receipt().await.expect("receipt");
    assert!(receipt.status(), "deployment failed: {receipt:?}");
    receipt
        .decoded_log::<IStylusDeployer::ContractDeployed>()
        .expect("ContractDeployed")
        .data
        .deployedContract
}

/// One raw HTTP POST (what no client library would send); returns the status and body.
pub fn post(addr: std::net::SocketAddr, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("write");
    // A refused body may close the connection before all of it is sent.
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

/// A JSON-RPC call over raw HTTP; the parsed response.
pub fn rpc(
    addr: std::net::SocketAddr,
    method: &str,
    params: serde_json::Value,
) -> serde_json::Value {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (_, text) = post(addr, body.to_string().as_bytes());
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Mints `amount` of the mock token to `to` and waits for the receipt.
pub async fn mint<P: Provider>(
    p: &P,
    token: Address,
    to: Address,
    amount: U256,
) -> alloy::rpc::types::TransactionReceipt {
    erc20::IMockErc20::new(token, p)
        .mint(to, amount)
        .send()
        .await
        .expect("mint sent")
        .get_receipt()
        .await
        .expect("mint receipt")
}
