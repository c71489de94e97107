//! The node killed (SIGKILL) in the middle of `deploy` and restarted from its periodically
//! saved state: the rerun finishes the suite, with no contract created twice.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy::{primitives::keccak256, providers::Provider, rpc::types::Filter, sol_types::SolEvent};
use compute_fi::bindings::{IStylusDeployer, STYLUS_DEPLOYER};

use crate::common::*;

/// The node binary the workspace's tests build (the stylus-node package's).
fn node_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let bin = exe.parent().and_then(|d| d.parent()).expect("target dir").join("stylus-node");
    assert!(
        bin.exists(),
        "{} not built: run the workspace's tests (cargo test --workspace)",
        bin.display()
    );
    bin
}

fn start_node(port: u16, state: &std::path::Path) -> Child {
    let child = Command::new(node_binary())
        .args(["--port", &port.to_string(), "--state-interval", "1", "--state"])
        .arg(state)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("node starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the node did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_interrupted_by_a_killed_node_resumes_without_duplicates() {
    let dir = temp_dir("resume");
    let state = dir.join("chain.json");
    let deployments = dir.join("deployments");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut node = start_node(port, &state);
    let deploy = Command::new(env!("CARGO_BIN_EXE_compute-fi"))
        .args(["--rpc-url", &url, "--private-key", KEY0, "--json", "--deployments"])
        .arg(&deployments)
        .arg("deploy")
        .env("CF_ARTIFACTS_DIR", artifacts())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill the node once the manifest holds three contracts (the suite has eight: seven
    // programs and the canonical ERC-6551 registry; and two development externals).
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let n = std::fs::read_to_string(deployments.join("412346.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|m| m["contracts"].as_object().map(|c| c.len()))
            .unwrap_or(0);
        if n >= 3 {
            break;
        }
        assert!(Instant::now() < deadline, "deploy made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    node.kill().unwrap();
    node.wait().unwrap();
    let out = deploy.wait_with_output().unwrap();
    assert_ne!(out.status.code(), Some(0), "deploy failed with the node");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error:"), "{stderr}");

    let mut node = start_node(port, &state);
    let r = cli(&url, KEY0, &deployments, &["deploy"]).ok().json();
    assert!(r["sent"].as_u64().unwrap() > 0, "{r}");
    let p = wallet(&url, KEY0);
    // Every program once: one ContractDeployed per address, each with the manifest's code.
    let logs = p
        .get_logs(
            &Filter::new()
                .address(STYLUS_DEPLOYER)
                .event_signature(IStylusDeployer::ContractDeployed::SIGNATURE_HASH)
                .from_block(0),
        )
        .await
        .unwrap();
    let mut created: Vec<_> = logs
        .iter()
        .map(|l| {
            IStylusDeployer::ContractDeployed::decode_log_data(l.data()).unwrap().deployedContract
        })
        .collect();
    let count = created.len();
    created.sort();
    created.dedup();
    assert_eq!(created.len(), count, "a contract created twice");
    let contracts = r["deployment"]["contracts"].as_object().unwrap();
    assert_eq!(contracts.len(), 8);
    assert_eq!(count, 7 + 2, "the suite's programs and the two development externals, each once");
    for (name, e) in contracts {
        let code = p.get_code_at(addr(&e["address"])).await.unwrap();
        assert_eq!(format!("{}", keccak256(&code)), e["codeHash"].as_str().unwrap(), "{name}");
    }
    assert_eq!(cli(&url, KEY0, &deployments, &["deploy"]).ok().json()["sent"], 0);
    node.kill().unwrap();
    node.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
