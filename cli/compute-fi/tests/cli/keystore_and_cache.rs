//! Deploying with an encrypted keystore (a password file; a wrong one refused), with the
//! suite's own ERC-6551 registry, and with `--cache-bid`: every implementation cached
//! through the genesis CacheManager, once.

use alloy::{primitives::B256, signers::local::PrivateKeySigner};
use compute_fi::bindings::{IArbWasmCache, ARB_WASM_CACHE};

use crate::common::*;

const CACHED: [&str; 5] =
    ["yield-vault", "compute-ledger", "job-market", "membership", "tba-account"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keystore_deploys_and_cache_bids_cover_the_implementations() {
    let n = node().await;
    let url = n.url();
    let dir = temp_dir("keystore");
    let key = alloy::primitives::hex::decode(&KEY0[2..]).unwrap();
    let (signer, _) = PrivateKeySigner::encrypt_keystore(
        &dir,
        &mut rand::thread_rng(),
        key,
        "correct horse",
        Some("deployer.json"),
    )
    .unwrap();
    assert_eq!(signer.address(), address_of(KEY0));
    let keystore = dir.join("deployer.json");
    let (good, bad) = (dir.join("good.txt"), dir.join("bad.txt"));
    std::fs::write(&good, "correct horse\n").unwrap();
    std::fs::write(&bad, "battery staple\n").unwrap();
    let deployments = dir.join("deployments");
    let run = |password: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "--rpc-url",
            url.as_str(),
            "--json",
            "--keystore",
            keystore.to_str().unwrap(),
            "--password-file",
            password.to_str().unwrap(),
            "--deployments",
            deployments.to_str().unwrap(),
            "deploy",
        ];
        args.extend_from_slice(extra);
        raw(&args)
    };
    let wrong = run(&bad, &[]);
    assert_eq!(wrong.code, 2, "{wrong:?}");
    assert!(wrong.stderr.contains("cannot open keystore"), "{wrong:?}");
    let missing = raw(&[
        "--rpc-url",
        &url,
        "--keystore",
        "/nonexistent.json",
        "--password-file",
        good.to_str().unwrap(),
        "deploy",
    ]);
    assert_eq!(missing.code, 2, "{missing:?}");

    let d = run(&good, &["--cache-bid", "--stylus-registry"]).ok().json();
    assert_eq!(
        d["deployment"]["deployer"]
            .as_str()
            .unwrap()
            .parse::<alloy::primitives::Address>()
            .unwrap(),
        address_of(KEY0)
    );
    // The suite's own registry, a Stylus program, where the canonical one cannot go.
    let registry = &d["deployment"]["contracts"]["erc6551-registry"];
    assert_eq!(registry["stylusVersion"], d["deployment"]["stylusVersion"]);
    assert_ne!(addr(&registry["address"]), compute_fi::canonical::ERC6551_REGISTRY);
    let p = wallet(&url, KEY0);
    let cache = IArbWasmCache::new(ARB_WASM_CACHE, &p);
    for name in CACHED {
        let e = &d["deployment"]["contracts"][name];
        assert_eq!(e["cached"], true, "{name}");
        let hash: B256 = e["codeHash"].as_str().unwrap().parse().unwrap();
        assert!(cache.codehashIsCached(hash).call().await.unwrap(), "{name}");
    }
    // Nothing left to deploy or to bid for.
    assert_eq!(run(&good, &["--cache-bid", "--stylus-registry"]).ok().json()["sent"], 0);
    n.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
