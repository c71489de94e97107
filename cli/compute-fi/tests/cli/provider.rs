//! The provider node end to end, as separate processes over HTTP: it registers, follows
//! the market, serves a member's job and the community AI's (through its scoped key) from
//! an OpenAI-compatible backend, hands outputs only to their requesters, claims, withdraws,
//! and survives a SIGKILL in the middle of a job without fulfilling it twice. Bad input:
//! an oversized upload, an unserved model, an input never uploaded, a stranger asking for
//! an output, a backend that is down.
//!
//! The backend here is a test server speaking the OpenAI completions protocol (it answers
//! the prompt in capitals and counts words as tokens); what is under test is the node.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use alloy::{
    primitives::{keccak256, U256},
    providers::Provider,
    rpc::types::Filter,
    sol_types::SolEvent,
};
use axum::{routing::post, Json, Router};
use compute_fi::bindings::market::IJobMarketEvents::JobFulfilled;
use serde_json::{json, Value};

use crate::common::*;

/// An OpenAI-compatible completions server on a free port; "slow" prompts take 4 s; it
/// answers 503 while `down` is set.
async fn backend(down: Arc<AtomicBool>) -> SocketAddr {
    let app = Router::new().route(
        "/v1/completions",
        post(move |Json(body): Json<Value>| {
            let down = down.clone();
            async move {
                if down.load(Ordering::SeqCst) {
                    return (
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                        Json(json!({"error": "down"})),
                    );
                }
                let prompt = body["prompt"].as_str().unwrap_or_default().to_string();
                if prompt.contains("slow") {
                    tokio::time::sleep(Duration::from_secs(4)).await;
                }
                let words = prompt.split_whitespace().count() as u64;
                (
                    axum::http::StatusCode::OK,
                    Json(json!({
                        "choices": [{"text": prompt.to_uppercase()}],
                        "usage": {"prompt_tokens": words, "completion_tokens": words},
                    })),
                )
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await });
    addr
}

async fn get(url: &str) -> (u16, String) {
    let r = reqwest::get(url).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Waits until `f` holds (polling every 200 ms, at most 60 s).
async fn until(what: &str, mut f: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !f().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_serves_members_and_the_community_ai_and_survives_a_kill() {
    let n = node().await;
    let rpc_url = n.url();
    let dir = temp_dir("provider");
    let p = wallet(&rpc_url, KEY0);
    let down = Arc::new(AtomicBool::new(false));
    let llm = backend(down.clone()).await;
    let ai = "0x00000000000000000000000000000000000000000000000000000000000a11ce";
    let d = cli(&rpc_url, KEY0, &dir, &["deploy"]).ok().json()["deployment"].clone();
    cli(
        &rpc_url,
        KEY0,
        &dir,
        &[
            "community",
            "create",
            "--name",
            "Inference Club",
            "--stake",
            "0.1",
            "--ai-key",
            &address_of(ai).to_string(),
            "--ai-can-sign",
        ],
    )
    .ok();
    rpc(&p, "anvil_setBalance", json!([address_of(ai), format!("{:#x}", eth(1_000))])).await;
    cli(&rpc_url, KEY0, &dir, &["join"]).ok();
    accrue(&p, &d, eth(50)).await;
    cli(&rpc_url, KEY0, &dir, &["harvest"]).ok();
    cli(
        &rpc_url,
        KEY0,
        &dir,
        &["job", "params", "--min-bond", "0.5", "--min-window", "60s", "--challenge-window", "1h"],
    )
    .ok();
    let model = cli(
        &rpc_url,
        KEY0,
        &dir,
        &[
            "model",
            "register",
            "--uri",
            "ipfs://tiny",
            "--weights-hash",
            &keccak256(b"tiny").to_string(),
        ],
    )
    .ok()
    .json()["model"]
        .as_str()
        .unwrap()
        .to_string();
    let unserved = cli(
        &rpc_url,
        KEY0,
        &dir,
        &[
            "model",
            "register",
            "--uri",
            "ipfs://other",
            "--weights-hash",
            &keccak256(b"other").to_string(),
        ],
    )
    .ok()
    .json()["model"]
        .as_str()
        .unwrap()
        .to_string();

    let port = free_port();
    let config = dir.join("provider.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndata-dir = \"{}\"\nconfirmations = 0\npoll = \"1s\"\nmin-time-left = \"2m\"\nwithdraw-every = \"1s\"\nregister-bond = \"0.5\"\nmax-input-bytes = 1024\n\n[[models]]\nid = {model}\nprice = \"1gwei\"\nbackend = {{ kind = \"openai\", url = \"http://{llm}\", model = \"tiny\" }}\n\n[[models]]\nid = 9\nprice = \"1gwei\"\nbackend = {{ kind = \"openai\", url = \"http://{llm}\", model = \"tiny\" }}\n",
            dir.join("provider-state").display()
        ),
    )
    .unwrap();
    let prov = start_provider(&rpc_url, &dir, &config, port);
    let provider = address_of(KEY9).to_string();
    let (status, health) = get(&format!("{}/health", prov.url)).await;
    assert_eq!(status, 200, "{health}");

    // A member's job: uploaded, requested, served, fetched, checked and accepted.
    let job = |key: &str, token: &str, delegate: bool, input: &str, wait: bool| {
        let mut args = vec![
            "job",
            "request",
            "--token",
            token,
            "--model",
            &model,
            "--provider",
            &provider,
            "--max-credits",
            "0.001",
            "--input",
            input,
        ];
        args.push(if wait { "--wait" } else { "--upload" });
        if delegate {
            args.push("--delegate");
        }
        cli(&rpc_url, key, &dir, &args)
    };
    // A request only (no upload), as member 1.
    let request_only = |model: &str, input: &str, extra: &[&str]| {
        let mut args =
            vec!["job", "request", "--token", "1", "--model", model, "--provider", &provider];
        args.extend_from_slice(&["--max-credits", "0.001", "--input", input]);
        args.extend_from_slice(extra);
        cli(&rpc_url, KEY0, &dir, &args).ok()
    };
    let r = job(KEY0, "1", false, "hello open compute", true).ok().json();
    assert_eq!(
        (r["output"].as_str(), r["verified"].as_bool()),
        (Some("HELLO OPEN COMPUTE"), Some(true)),
        "{r}"
    );
    assert_eq!(u(&r["units"]), U256::from(6u8));
    assert_eq!(
        cli(&rpc_url, KEY0, &dir, &["job", "status", "--id", r["id"].as_str().unwrap()])
            .ok()
            .json()["status"],
        "settled"
    );
    // A fetch's challenge is used once: a replayed one is refused.
    let (id, hash): (U256, alloy::primitives::B256) = (
        r["id"].as_str().unwrap().parse().unwrap(),
        r["outputHash"].as_str().unwrap().parse().unwrap(),
    );
    let community = cli(&rpc_url, KEY0, &dir, &["community", "show"]).ok().json();
    let market = addr(&community["community"]["market"]);
    let account = addr(&community["members"][0]["account"]);
    let expiry =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 100;
    let digest = compute_fi::provider::serve::challenge(412_346, market, id, hash, expiry);
    let to_sign = compute_fi::bindings::account::ITbaAccount::new(account, &p)
        .replaySafeHash(digest)
        .call()
        .await
        .unwrap();
    let signer: alloy::signers::local::PrivateKeySigner = KEY0.parse().unwrap();
    let sig = alloy::signers::SignerSync::sign_hash_sync(&signer, &to_sign).unwrap();
    let fetch = || {
        reqwest::Client::new()
            .get(format!("{}/outputs/{hash}", prov.url))
            .header("x-compute-fi-job", id.to_string())
            .header("x-compute-fi-expiry", expiry.to_string())
            .header(
                "x-compute-fi-signature",
                format!("0x{}", alloy::primitives::hex::encode(sig.as_bytes())),
            )
            .send()
    };
    assert_eq!(fetch().await.unwrap().status().as_u16(), 200);
    assert_eq!(fetch().await.unwrap().status().as_u16(), 403, "replayed");
    // The community AI, through its scoped key on the pool's account.
    let r = job(ai, "0", true, "summarise the week", true).ok().json();
    assert_eq!(r["output"], "SUMMARISE THE WEEK");
    // Only the requester gets an output: the AI's job asked by the member is refused.
    let stranger = cli(
        &rpc_url,
        KEY0,
        &dir,
        &["job", "result", "--token", "1", "--id", r["id"].as_str().unwrap()],
    );
    assert_eq!(stranger.code, 1, "{stranger:?}");
    assert!(
        stranger.stderr.contains("403") || stranger.stderr.contains("not signed"),
        "{stranger:?}"
    );
    // Earnings withdrawn on the schedule.
    until("earnings withdrawn", async || {
        get(&format!("{}/metrics", prov.url))
            .await
            .1
            .contains("compute_fi_provider_earnings_wei_total 12000000000")
    })
    .await;

    // Bad input: an oversized upload is refused; an unserved model is skipped; an input
    // never uploaded waits.
    let big = reqwest::Client::new()
        .post(format!("{}/inputs", prov.url))
        .body(vec![b'x'; 2048])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status().as_u16(), 413);
    // The provider priced a model on chain that its configuration does not serve.
    cli(&rpc_url, KEY9, &dir, &["provider", "price", "--model", &unserved, "--price", "1gwei"])
        .ok();
    request_only(&unserved, "x", &[]);
    until("the unserved model skipped", async || {
        get(&format!("{}/health", prov.url)).await.1.contains("\"skipped\":1")
    })
    .await;
    // A deadline too close to finish by: skipped.
    request_only(&model, "in a hurry", &["--deadline", "90s"]);
    until("the hurried job skipped", async || {
        get(&format!("{}/health", prov.url)).await.1.contains("\"skipped\":2")
    })
    .await;
    // Requested with an input the provider never received: it waits, never runs.
    request_only(&model, "not uploaded anywhere", &[]);
    until("the job without input waiting", async || {
        get(&format!("{}/health", prov.url)).await.1.contains("\"new\":1")
    })
    .await;

    // A backend outage: the job waits and is served when the backend is back.
    down.store(true, Ordering::SeqCst);
    let outage = job(KEY0, "1", false, "after the outage", false).ok().json();
    let outage_id: U256 = outage["id"].as_str().unwrap().parse().unwrap();
    until("a failed run", async || {
        get(&format!("{}/metrics", prov.url))
            .await
            .1
            .contains("compute_fi_provider_jobs_failed_total 1")
    })
    .await;
    down.store(false, Ordering::SeqCst);
    let fulfilled = |id: U256| {
        let p = p.clone();
        let market = addr(&d["contracts"]["job-market"]["address"]);
        async move {
            let f = Filter::new()
                .event_signature(JobFulfilled::SIGNATURE_HASH)
                .topic1(alloy::primitives::B256::from(id))
                .from_block(0);
            let _ = market;
            p.get_logs(&f).await.unwrap().len()
        }
    };
    until("the job after the outage", async || fulfilled(outage_id).await == 1).await;

    // Killed in the middle of a job: restarted, it fulfils the job once.
    let slow = job(KEY0, "1", false, "a slow question", false).ok().json();
    let slow_id: U256 = slow["id"].as_str().unwrap().parse().unwrap();
    until("the slow job running", async || {
        get(&format!("{}/health", prov.url)).await.1.contains("\"running\":1")
    })
    .await;
    drop(prov);
    assert_eq!(fulfilled(slow_id).await, 0);
    let prov = start_provider(&rpc_url, &dir, &config, port);
    until("the slow job fulfilled after the restart", async || fulfilled(slow_id).await == 1).await;
    // The restart sent no second bond: the chain already matched the configuration.
    let shown = cli(
        &rpc_url,
        KEY0,
        &dir,
        &["provider", "show", "--provider", &provider, "--model", &model],
    )
    .ok()
    .json();
    assert_eq!(u(&shown["bond"]), eth(500));
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(fulfilled(slow_id).await, 1, "fulfilled once");
    let out =
        cli(&rpc_url, KEY0, &dir, &["job", "result", "--token", "1", "--id", &slow_id.to_string()])
            .ok()
            .json();
    assert_eq!(
        (out["output"].as_str(), out["verified"].as_bool()),
        (Some("A SLOW QUESTION"), Some(true))
    );
    let (_, metrics) = get(&format!("{}/metrics", prov.url)).await;
    assert!(metrics.contains("compute_fi_provider_jobs_seen_total"), "{metrics}");
    drop(prov);
    n.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
