//! The market's other paths through the binary, on a community created from a TOML file:
//! a disputed job settled by default after its windows, an unfulfilled job cancelled by
//! anyone after its deadline, a fulfilled one claimed by the provider after the challenge
//! window, a disabled model refused; `account` and `provider show` read back.

use alloy::primitives::{keccak256, U256};
use serde_json::json;

use crate::common::*;

async fn warp(p: &alloy::providers::DynProvider, seconds: u64) {
    rpc(p, "evm_increaseTime", json!([seconds])).await;
    rpc(p, "evm_mine", json!([])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disputes_deadlines_claims_and_a_disabled_model() {
    let n = node().await;
    let url = n.url();
    let dir = temp_dir("market-paths");
    let p = wallet(&url, KEY0);
    let d = cli(&url, KEY0, &dir, &["deploy"]).ok().json();
    let config = dir.join("community.toml");
    std::fs::write(
        &config,
        "name = \"Toml Club\"\nstake = \"0.1\"\nlock = \"1h\"\npool-bps = 1000\n",
    )
    .unwrap();
    let c = cli(&url, KEY0, &dir, &["community", "create", "--config", config.to_str().unwrap()])
        .ok()
        .json();
    assert_eq!(c["created"], true);
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "name = \"X\"\nunknown = 1\n").unwrap();
    let r = cli(&url, KEY0, &dir, &["community", "create", "--config", bad.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown"), "{r:?}");

    let joined = cli(&url, KEY0, &dir, &["join"]).ok().json();
    let show = cli(&url, KEY0, &dir, &["community", "show"]).ok().json();
    assert_eq!((u(&show["stake"]), show["lockSeconds"].clone()), (eth(100), json!(3_600)));
    let account = cli(&url, KEY0, &dir, &["account", "--token", "1"]).ok().json();
    assert_eq!(account["account"], joined["account"]);
    assert_eq!(account["account"], show["members"][0]["account"]);

    // Credits from a harvest.
    accrue(&p, &d["deployment"], eth(10)).await;
    cli(&url, KEY0, &dir, &["harvest"]).ok();
    let start = u(&cli(&url, KEY0, &dir, &["credits", "--token", "1"]).ok().json()["spendable"]);
    assert!(start > U256::ZERO);

    cli(
        &url,
        KEY0,
        &dir,
        &[
            "job",
            "params",
            "--min-bond",
            "0.5",
            "--min-window",
            "60s",
            "--challenge-window",
            "1h",
            "--dispute-window",
            "1d",
        ],
    )
    .ok();
    let model = cli(
        &url,
        KEY0,
        &dir,
        &["model", "register", "--uri", "ipfs://m", "--weights-hash", &keccak256(b"w").to_string()],
    )
    .ok()
    .json()["model"]
        .as_str()
        .unwrap()
        .to_string();
    cli(
        &url,
        KEY9,
        &dir,
        &["provider", "register", "--endpoint", "http://127.0.0.1:1", "--bond", "0.5"],
    )
    .ok();
    cli(&url, KEY9, &dir, &["provider", "price", "--model", &model, "--price", "1gwei"]).ok();
    let prov = cli(
        &url,
        KEY0,
        &dir,
        &["provider", "show", "--provider", &address_of(KEY9).to_string(), "--model", &model],
    )
    .ok()
    .json();
    assert_eq!((u(&prov["bond"]), u(&prov["price"])), (eth(500), U256::from(1_000_000_000u64)));
    let provider = address_of(KEY9).to_string();
    let request = |deadline: &str| {
        cli(
            &url,
            KEY0,
            &dir,
            &[
                "job",
                "request",
                "--token",
                "1",
                "--model",
                &model,
                "--provider",
                &provider,
                "--max-credits",
                "0.0001",
                "--input",
                "q",
                "--deadline",
                deadline,
            ],
        )
    };
    let status = |id: &str| {
        cli(&url, KEY0, &dir, &["job", "status", "--id", id]).ok().json()["status"].clone()
    };

    // A disabled model is refused, with the contract's reason.
    cli(&url, KEY0, &dir, &["model", "enable", "--model", &model, "--off"]).ok();
    let refused = request("1h");
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(refused.stderr.contains("request would revert: "), "{refused:?}");
    cli(&url, KEY0, &dir, &["model", "enable", "--model", &model]).ok();

    // Disputed, then nobody resolves: after the windows, anyone ends it and the charge
    // goes back.
    let a = request("1h").ok().json()["id"].as_str().unwrap().to_string();
    cli(&url, KEY9, &dir, &["job", "fulfil", "--id", &a, "--output", "x", "--units", "10"]).ok();
    cli(&url, KEY0, &dir, &["job", "dispute", "--token", "1", "--id", &a]).ok();
    assert_eq!(status(&a), "disputed");
    let early = cli(&url, KEY9, &dir, &["job", "cancel", "--id", &a]);
    assert_eq!(early.code, 1, "{early:?}");
    warp(&p, 3_600 + 86_400).await;
    cli(&url, KEY9, &dir, &["job", "cancel", "--id", &a]).ok();
    // Settled in the requester's favour: the whole charge refunded.
    assert_eq!(status(&a), "settled");
    assert_eq!(
        u(&cli(&url, KEY0, &dir, &["credits", "--token", "1"]).ok().json()["spendable"]),
        start
    );

    // Never fulfilled: cancelled by anyone once the deadline passes.
    let b = request("90s").ok().json()["id"].as_str().unwrap().to_string();
    warp(&p, 91).await;
    cli(&url, KEY9, &dir, &["job", "cancel", "--id", &b]).ok();
    assert_eq!(status(&b), "cancelled");

    // Fulfilled and left alone: the provider claims after the challenge window.
    let c = request("1h").ok().json()["id"].as_str().unwrap().to_string();
    cli(&url, KEY9, &dir, &["job", "fulfil", "--id", &c, "--output", "x", "--units", "10"]).ok();
    let early = cli(&url, KEY9, &dir, &["job", "claim", "--id", &c]);
    assert_eq!(early.code, 1, "{early:?}");
    warp(&p, 3_601).await;
    cli(&url, KEY9, &dir, &["job", "claim", "--id", &c]).ok();
    assert_eq!(status(&c), "settled");
    let end = u(&cli(&url, KEY0, &dir, &["credits", "--token", "1"]).ok().json()["spendable"]);
    assert_eq!(end, start - U256::from(10u8) * U256::from(1_000_000_000u64));
    n.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
