//! Nodes on free ports, the binary run as a user runs it, and temporary folders.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use alloy::{
    network::EthereumWallet,
    primitives::{Address, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use stylus_node::{Config, NodeHandle};

/// The first and last dev keys of "test test ... junk".
pub const KEY0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
pub const KEY9: &str = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";

pub async fn node() -> NodeHandle {
    stylus_node::start(Config { port: 0, ..Config::default() }).await.expect("node starts")
}

pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("compute-fi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// The artifacts `scripts/cf build` wrote.
pub fn artifacts() -> PathBuf {
    local_chain::artifacts_dir()
}

/// What one run of the binary printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The JSON it printed (runs with --json).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }

    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "failed: {}\n{}", self.stderr, self.stdout);
        self
    }
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The binary with the node's URL, a key, the manifest folder and `--json`.
pub fn cli(url: &str, key: &str, dir: &Path, args: &[&str]) -> Run {
    let dir = dir.to_str().expect("a UTF-8 path");
    let mut all = vec!["--rpc-url", url, "--private-key", key, "--json", "--deployments", dir];
    all.extend_from_slice(args);
    raw(&all)
}

/// The binary with exactly `args` (no defaults added, no key or RPC from the environment).
pub fn raw(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_compute-fi"))
        .args(args)
        .env("CF_ARTIFACTS_DIR", artifacts())
        .env_remove("ETH_RPC_URL")
        .env_remove("ETH_PRIVATE_KEY")
        .output()
        .expect("the binary runs");
    finish(out)
}

pub fn wallet(url: &str, key: &str) -> DynProvider {
    let signer: PrivateKeySigner = key.parse().expect("key");
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(url.parse().expect("url"))
        .erased()
}

pub fn address_of(key: &str) -> Address {
    key.parse::<PrivateKeySigner>().expect("key").address()
}

pub fn eth(milli: u64) -> U256 {
    U256::from(milli) * U256::from(10u64).pow(U256::from(15u8))
}

pub fn u(v: &serde_json::Value) -> U256 {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).parse().expect("a number")
}

pub fn addr(v: &serde_json::Value) -> Address {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).parse().expect("an address")
}

/// Raw JSON-RPC (the node's cheat methods).
pub async fn rpc(
    p: &DynProvider,
    method: &'static str,
    params: serde_json::Value,
) -> serde_json::Value {
    p.raw_request::<_, serde_json::Value>(method.into(), params).await.expect(method)
}

/// Whether `GET path` on 127.0.0.1:`port` answers 200 (a server that accepts connections
/// may not serve yet: a listener is bound before the node registers on chain).
pub fn serves(port: u16, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    if s.write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && head.ends_with(b" 200")
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Yield accruing in the development source: `amount` of its WETH minted into it.
/// `deployment` is a manifest (its `externals`).
pub async fn accrue(p: &DynProvider, deployment: &serde_json::Value, amount: U256) {
    use alloy::sol_types::SolCall;
    let weth = addr(&deployment["externals"]["weth"]["address"]);
    let source = addr(&deployment["externals"]["source"]["address"]);
    let mint = compute_fi::bindings::dev_weth::IMockErc20::mintCall { to: source, amount };
    let tx =
        alloy::rpc::types::TransactionRequest::default().to(weth).input(mint.abi_encode().into());
    assert!(p.send_transaction(tx).await.unwrap().get_receipt().await.unwrap().status());
}

/// A provider node run by the binary with the last dev key; killed when dropped, however
/// the test ends.
pub struct ProviderProcess {
    pub child: std::process::Child,
    pub url: String,
}

impl Drop for ProviderProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `provider run` with `config` and waits until it serves on `port`.
pub fn start_provider(rpc: &str, deployments: &Path, config: &Path, port: u16) -> ProviderProcess {
    let child = Command::new(env!("CARGO_BIN_EXE_compute-fi"))
        .args(["--rpc-url", rpc, "--private-key", KEY9, "--deployments"])
        .arg(deployments)
        .args(["provider", "run", "--config"])
        .arg(config)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("the provider starts");
    let mut provider = ProviderProcess { child, url: format!("http://127.0.0.1:{port}") };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !serves(port, "/health") {
        assert!(std::time::Instant::now() < deadline, "the provider did not listen");
        assert!(matches!(provider.child.try_wait(), Ok(None)), "the provider exited");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    provider
}
