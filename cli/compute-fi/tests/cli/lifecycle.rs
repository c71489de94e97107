//! A community's whole life through the binary: deploy (and a rerun that sends nothing),
//! create, 50 members join, yield, harvest, a job from request to a provider's withdrawal
//! of its earnings and bond, every member leaving with exactly its stake, and `community
//! show` agreeing with the chain to the wei at each stage.

use alloy::{
    primitives::{keccak256, Address, U256},
    providers::Provider,
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use compute_fi::bindings::{ledger::IComputeLedger, vault};
use serde_json::json;

use crate::common::*;

const MEMBERS: usize = 50;

/// The community AI's key.
fn ai_key() -> String {
    member_key(usize::MAX)
}

fn member_key(i: usize) -> String {
    let k = PrivateKeySigner::from_bytes(&keccak256(format!("member {i}"))).expect("key");
    format!("0x{}", alloy::primitives::hex::encode(k.to_bytes()))
}

/// `community show --json` checked against the chain read directly.
async fn show_matches_chain(url: &str, dir: &std::path::Path) -> serde_json::Value {
    let p = wallet(url, KEY0);
    let s = cli(url, KEY0, dir, &["community", "show"]).ok().json();
    let c = &s["community"];
    let (v, l, pool) = (addr(&c["vault"]), addr(&c["ledger"]), addr(&c["pool"]));
    let shares = vault::IERC20::new(v, &p);
    let credits = IComputeLedger::new(l, &p);
    assert_eq!(u(&s["principal"]), shares.totalSupply().call().await.unwrap());
    let mut sum_shares = U256::ZERO;
    let mut sum_credits = U256::ZERO;
    for m in s["members"].as_array().unwrap() {
        let account = addr(&m["account"]);
        let held = shares.balanceOf(account).call().await.unwrap();
        let spendable = credits.spendable(account).call().await.unwrap();
        assert_eq!(u(&m["shares"]), held);
        assert_eq!(u(&m["spendable"]), spendable);
        sum_shares += held;
        sum_credits += spendable;
    }
    assert_eq!(u(&s["memberCredits"]), sum_credits);
    assert_eq!(sum_shares, u(&s["principal"]), "every share is a member's");
    assert_eq!(u(&s["poolCredits"]), credits.spendable(pool).call().await.unwrap());
    let totals = credits.totals().call().await.unwrap();
    assert_eq!(
        (u(&s["accounted"]), u(&s["owed"]), u(&s["unconverted"])),
        (totals._0, totals._1, totals._2)
    );
    assert_eq!(
        u(&s["pendingYield"]),
        vault::IYieldVault::new(v, &p).config().call().await.unwrap()._12
    );
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_from_deployment_to_every_member_leaving() {
    let n = node().await;
    let url = n.url();
    let dir = temp_dir("lifecycle");
    let p = wallet(&url, KEY0);

    // Deploy; a rerun sends nothing and changes nothing.
    let first = cli(&url, KEY0, &dir, &["deploy"]).ok().json();
    assert!(first["sent"].as_u64().unwrap() >= 9, "{first}");
    let manifest = std::fs::read_to_string(dir.join("412346.json")).unwrap();
    let again = cli(&url, KEY0, &dir, &["deploy"]).ok().json();
    assert_eq!(again["sent"], 0);
    assert_eq!(std::fs::read_to_string(dir.join("412346.json")).unwrap(), manifest);
    let d = &first["deployment"];
    for name in [
        "yield-vault",
        "compute-ledger",
        "job-market",
        "membership",
        "community-factory",
        "tba-account",
        "model-registry",
    ] {
        let e = &d["contracts"][name];
        let code = p.get_code_at(addr(&e["address"])).await.unwrap();
        assert_eq!(format!("{}", keccak256(&code)), e["codeHash"].as_str().unwrap(), "{name}");
        assert_eq!(e["stylusVersion"], d["stylusVersion"], "{name} is active");
        assert!(u(&e["dataFee"]) > U256::ZERO, "{name} paid its activation");
    }
    // The canonical ERC-6551 registry, created through Nick's factory as the ERC says.
    let registry = &d["contracts"]["erc6551-registry"];
    assert_eq!(addr(&registry["address"]), compute_fi::canonical::ERC6551_REGISTRY);
    assert!(!p.get_code_at(compute_fi::canonical::ERC6551_REGISTRY).await.unwrap().is_empty());
    assert_eq!(registry["stylusVersion"], 0);

    // A community; creating it again finds it.
    let created = cli(
        &url,
        KEY0,
        &dir,
        &[
            "community",
            "create",
            "--name",
            "Open Compute",
            "--stake",
            "0.1",
            "--lock",
            "1h",
            "--pool-bps",
            "2000",
            "--ai-key",
            &address_of(&ai_key()).to_string(),
        ],
    )
    .ok()
    .json();
    assert_eq!(created["created"], true);
    assert_eq!(addr(&created["ai"]["key"]), address_of(&ai_key()));
    let again = cli(
        &url,
        KEY0,
        &dir,
        &["community", "create", "--name", "Open Compute", "--stake", "0.1", "--lock", "1h"],
    )
    .ok()
    .json();
    assert_eq!(
        (again["created"].clone(), again["community"].clone()),
        (json!(false), created["community"].clone())
    );
    let list = cli(&url, KEY0, &dir, &["community", "list"]).ok().json();
    assert_eq!(list["count"], 1);

    // 50 members, each with 1 ETH for the stake and gas.
    let keys: Vec<String> = (0..MEMBERS).map(member_key).collect();
    for k in &keys {
        rpc(&p, "anvil_setBalance", json!([address_of(k), format!("{:#x}", eth(1_000))])).await;
    }
    let mut tokens = Vec::new();
    for k in &keys {
        let j = cli(&url, k, &dir, &["join"]).ok().json();
        assert_eq!(u(&j["assets"]), eth(100));
        tokens.push(j["tokenId"].as_str().unwrap().to_string());
    }
    let s = show_matches_chain(&url, &dir).await;
    assert_eq!(u(&s["principal"]), eth(100) * U256::from(MEMBERS));
    assert_eq!(s["activeMembers"], MEMBERS);

    // Yield: 0.5 WETH into the development source; harvest; credits to the wei.
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("412346.json")).unwrap()).unwrap();
    let weth = addr(&m["externals"]["weth"]["address"]);
    accrue(&p, &m, eth(500)).await;
    let before = show_matches_chain(&url, &dir).await;
    let h = cli(&url, KEY0, &dir, &["harvest"]).ok().json();
    assert!(u(&h["assets"]) > U256::ZERO, "{h}");
    let after = show_matches_chain(&url, &dir).await;
    assert_eq!(u(&after["harvestedYield"]), u(&before["harvestedYield"]) + u(&h["assets"]));
    let member_credits = u(&after["memberCredits"]);
    let pool_credits = u(&after["poolCredits"]);
    // The harvest became credits, all of it but the rounding of each member's share down
    // (under a wei each).
    let credited = member_credits + pool_credits;
    let assets = u(&h["assets"]);
    assert!(
        credited <= assets && assets - credited < U256::from(MEMBERS),
        "{credited} of {assets}"
    );
    let c = cli(&url, &keys[0], &dir, &["credits", "--token", &tokens[0]]).ok().json();
    assert_eq!(u(&c["spendable"]), member_credits / U256::from(MEMBERS));

    // A job: market parameters, a model for members, a provider, request, fulfil, accept.
    cli(
        &url,
        KEY0,
        &dir,
        &["job", "params", "--min-bond", "0.5", "--min-window", "60s", "--unbond-delay", "1d"],
    )
    .ok();
    let model = cli(
        &url,
        KEY0,
        &dir,
        &[
            "model",
            "register",
            "--uri",
            "ipfs://m.json",
            "--weights-hash",
            &format!("{}", keccak256(b"w")),
        ],
    )
    .ok()
    .json();
    let model_id = model["model"].as_str().unwrap().to_string();
    let provider = address_of(KEY9);
    cli(
        &url,
        KEY9,
        &dir,
        &["provider", "register", "--endpoint", "http://127.0.0.1:1", "--bond", "0.5"],
    )
    .ok();
    cli(&url, KEY9, &dir, &["provider", "price", "--model", &model_id, "--price", "1gwei"]).ok();
    let job = cli(
        &url,
        &keys[0],
        &dir,
        &[
            "job",
            "request",
            "--token",
            &tokens[0],
            "--model",
            &model_id,
            "--provider",
            &provider.to_string(),
            "--max-credits",
            "0.0001",
            "--input",
            "2+2?",
        ],
    )
    .ok()
    .json();
    let id = job["id"].as_str().unwrap().to_string();
    let st = cli(&url, KEY0, &dir, &["job", "status", "--id", &id]).ok().json();
    assert_eq!(st["status"], "requested");
    cli(&url, KEY9, &dir, &["job", "fulfil", "--id", &id, "--output", "4", "--units", "20"]).ok();
    cli(&url, &keys[0], &dir, &["job", "accept", "--token", &tokens[0], "--id", &id]).ok();
    let st = cli(&url, KEY0, &dir, &["job", "status", "--id", &id]).ok().json();
    assert_eq!(st["status"], "settled");
    let charge = U256::from(20u8) * U256::from(1_000_000_000u64);
    assert_eq!(u(&st["charge"]), charge);
    let after_job = cli(&url, &keys[0], &dir, &["credits", "--token", &tokens[0]]).ok().json();
    assert_eq!(u(&after_job["spendable"]), u(&c["spendable"]) - charge);

    // The community AI spends the pool's credits through its scoped key on the pool's
    // account (granted at creation): a job requested and accepted; a stranger refused.
    rpc(&p, "anvil_setBalance", json!([address_of(&ai_key()), format!("{:#x}", eth(1_000))])).await;
    let pool_before =
        u(&cli(&url, KEY0, &dir, &["credits", "--token", "0"]).ok().json()["spendable"]);
    let as_ai = |args: &[&str]| cli(&url, &ai_key(), &dir, args);
    let ai_job = as_ai(&[
        "job",
        "request",
        "--token",
        "0",
        "--delegate",
        "--model",
        &model_id,
        "--provider",
        &provider.to_string(),
        "--max-credits",
        "0.0001",
        "--input",
        "summarise the week",
    ])
    .ok()
    .json();
    let ai_id = ai_job["id"].as_str().unwrap().to_string();
    cli(
        &url,
        KEY9,
        &dir,
        &["job", "fulfil", "--id", &ai_id, "--output", "a summary", "--units", "30"],
    )
    .ok();
    as_ai(&["job", "accept", "--token", "0", "--delegate", "--id", &ai_id]).ok();
    let pool_after =
        u(&cli(&url, KEY0, &dir, &["credits", "--token", "0"]).ok().json()["spendable"]);
    assert_eq!(pool_after, pool_before - U256::from(30u8) * U256::from(1_000_000_000u64));
    let refused = cli(
        &url,
        &keys[1],
        &dir,
        &[
            "job",
            "request",
            "--token",
            "0",
            "--delegate",
            "--model",
            &model_id,
            "--provider",
            &provider.to_string(),
            "--max-credits",
            "0.0001",
            "--input",
            "x",
        ],
    );
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("no live grant"), "{refused:?}");

    // The community AI's scoped key on member 0's account: it may request jobs, nothing
    // else, until revoked.
    let market = addr(&created["community"]["market"]);
    let ai = address_of(KEY9);
    let account = addr(&after_job["account"]);
    let tba = compute_fi::bindings::account::ITbaAccount::new(account, &p);
    let request = compute_fi::bindings::market::IJobMarket::requestCall::SELECTOR.into();
    let grant = cli(
        &url,
        &keys[0],
        &dir,
        &[
            "delegate",
            "grant",
            "--token",
            &tokens[0],
            "--delegate",
            &ai.to_string(),
            "--expiry",
            "1d",
            "--allow",
            &format!(
                "{market}:request(uint256,address,uint256,bytes32,bytes,uint64,uint256,bytes32)"
            ),
        ],
    )
    .ok()
    .json();
    assert_eq!(grant["calls"], 1);
    assert!(tba.isPermitted(ai, market, request).call().await.unwrap());
    assert!(!tba.isPermitted(ai, weth, request).call().await.unwrap());
    let stranger = cli(
        &url,
        &keys[1],
        &dir,
        &["delegate", "revoke", "--token", &tokens[0], "--delegate", &ai.to_string()],
    );
    assert_eq!(stranger.code, 2, "only the owner: {stranger:?}");
    cli(
        &url,
        &keys[0],
        &dir,
        &["delegate", "revoke", "--token", &tokens[0], "--delegate", &ai.to_string()],
    )
    .ok();
    assert!(!tba.isPermitted(ai, market, request).call().await.unwrap());

    // A keeper watching: nothing worth harvesting now, so nothing sent.
    let watch = cli(&url, KEY0, &dir, &["harvest", "--watch", "--rounds", "1"]).ok();
    assert_eq!(watch.json()["harvests"].as_array().map(Vec::len), Some(0));
    assert!(watch.stderr.contains("skipped"), "{watch:?}");

    // The provider withdraws its earnings, then its bond after the unbonding delay.
    let weth_of = |a: Address| {
        let p = p.clone();
        async move {
            compute_fi::bindings::dev_weth::IERC20::new(weth, &p).balanceOf(a).call().await.unwrap()
        }
    };
    let w0 = weth_of(provider).await;
    cli(&url, KEY9, &dir, &["provider", "withdraw"]).ok();
    let ai_charge = U256::from(30u8) * U256::from(1_000_000_000u64);
    assert_eq!(weth_of(provider).await, w0 + charge + ai_charge);
    cli(&url, KEY9, &dir, &["provider", "unbond"]).ok();
    let early = cli(&url, KEY9, &dir, &["provider", "withdraw-bond"]);
    assert_ne!(early.code, 0);
    rpc(&p, "evm_increaseTime", json!([86_401])).await;
    rpc(&p, "evm_mine", json!([])).await;
    cli(&url, KEY9, &dir, &["provider", "withdraw-bond"]).ok();
    assert_eq!(weth_of(provider).await, w0 + charge + ai_charge + eth(500));

    // Every member leaves with exactly its stake (the lock has passed).
    for (k, t) in keys.iter().zip(&tokens) {
        let l = cli(&url, k, &dir, &["leave", "--token", t]).ok().json();
        assert_eq!(u(&l["assets"]), eth(100), "token {t}");
    }
    let end = show_matches_chain(&url, &dir).await;
    assert_eq!(u(&end["principal"]), U256::ZERO);
    assert_eq!(end["activeMembers"], 0);
    n.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
