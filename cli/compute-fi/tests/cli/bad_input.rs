//! Bad input: each a clear message, a non-zero exit, and nothing half-written to the
//! manifest.

use std::net::TcpListener;

use serde_json::json;

use crate::common::*;

fn manifest(dir: &std::path::Path) -> Option<String> {
    std::fs::read_to_string(dir.join("412346.json")).ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_keys_an_unreachable_rpc_and_a_wrong_chain() {
    let n = node().await;
    let url = n.url();
    let dir = temp_dir("bad-basics");
    for key in [
        "0x1234",
        "not a key",
        "0x0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        let r = cli(&url, key, &dir, &["deploy"]);
        assert_eq!(r.code, 2, "{key}: {r:?}");
        assert!(r.stderr.contains("--private-key"), "{r:?}");
        assert!(!r.stderr.contains("not a key"), "the key is not echoed: {r:?}");
    }
    let r = raw(&["--rpc-url", &url, "--deployments", dir.to_str().unwrap(), "deploy"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--private-key") && r.stderr.contains("--keystore"), "{r:?}");
    // A port nobody listens on.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let r = cli(&format!("http://127.0.0.1:{closed}"), KEY0, &dir, &["deploy"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("cannot reach the RPC"), "{r:?}");
    let r = cli(&url, KEY0, &dir, &["--chain", "42161", "deploy"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("wrong chain") && r.stderr.contains("412346"), "{r:?}");
    let r = cli("not a url", KEY0, &dir, &["deploy"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--rpc-url"), "{r:?}");
    // Reading a chain the suite is not deployed on says what to do.
    let r = cli(&url, KEY0, &dir, &["community", "list"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("compute-fi deploy"), "{r:?}");
    assert_eq!(manifest(&dir), None, "nothing written");
    // Bad amounts and durations.
    let r = raw(&[
        "--rpc-url",
        &url,
        "--deployments",
        dir.to_str().unwrap(),
        "--private-key",
        KEY0,
        "join",
        "--amount",
        "lots",
    ]);
    assert_ne!(r.code, 0);
    n.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_funds_a_revert_and_a_manifest_edited_by_hand() {
    let n = node().await;
    let url = n.url();
    let dir = temp_dir("bad-chain");
    // A key with no ETH: the node refuses the first deployment; no manifest is written.
    let poor = "0x1111111111111111111111111111111111111111111111111111111111111111";
    let r = cli(&url, poor, &dir, &["deploy"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("insufficient funds") || r.stderr.contains("funds"), "{r:?}");
    assert_eq!(manifest(&dir), None);

    cli(&url, KEY0, &dir, &["deploy"]).ok();
    cli(&url, KEY0, &dir, &["community", "create", "--name", "Strict", "--stake", "0.1"]).ok();
    // A revert: a join with half the stake, told as the contract's error with its values.
    let r = cli(&url, KEY0, &dir, &["join", "--amount", "0.05"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("join would revert: StakeRejected(50000000000000000 (0.05 ETH), 100000000000000000 (0.1 ETH), true)")
            || r.stderr.contains("join would revert: WrongEthAmount"),
        "{r:?}"
    );
    // Leaving with someone else's token.
    cli(&url, KEY0, &dir, &["join"]).ok();
    let r = cli(&url, KEY9, &dir, &["leave", "--token", "1"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is owned by"), "{r:?}");
    // No community 5.
    let r = cli(&url, KEY0, &dir, &["community", "show", "--community", "5"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no community 5"), "{r:?}");

    // The manifest edited by hand to a wrong address: refused before anything is sent,
    // and left as it was.
    let path = dir.join("412346.json");
    let mut m: serde_json::Value = serde_json::from_str(&manifest(&dir).unwrap()).unwrap();
    m["contracts"]["community-factory"]["address"] =
        json!("0x00000000000000000000000000000000000000aa");
    let edited = serde_json::to_string_pretty(&m).unwrap();
    std::fs::write(&path, &edited).unwrap();
    for args in [&["community", "list"][..], &["deploy"], &["join"]] {
        let r = cli(&url, KEY0, &dir, args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert!(r.stderr.contains("community-factory") && r.stderr.contains("no code"), "{r:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    }
    // A manifest that is not one.
    std::fs::write(&path, "{").unwrap();
    let r = cli(&url, KEY0, &dir, &["deploy"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a deployment manifest"), "{r:?}");
    n.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
