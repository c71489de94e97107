//! Real inference end to end: a tiny llama-family GGUF model made here (random weights,
//! written with the library that loads it), registered with its weights hash, served by
//! the provider's built-in backend and again through the provider's own OpenAI-compatible
//! endpoint, to a member and to the community AI; the job re-run and verified against the
//! chain; a member of another community refused the model.

use compute_fi::provider::builtin::write_tiny_llama;
use serde_json::json;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_model_served_in_process_and_over_openai_then_verified() {
    let n = node().await;
    let rpc_url = n.url();
    let dir = temp_dir("builtin");
    let p = wallet(&rpc_url, KEY0);
    let (gguf, tokenizer) = write_tiny_llama(&dir.join("model"), 11).unwrap();
    let ai = "0x00000000000000000000000000000000000000000000000000000000000000a1";
    let d = cli(&rpc_url, KEY0, &dir, &["deploy"]).ok().json()["deployment"].clone();
    cli(
        &rpc_url,
        KEY0,
        &dir,
        &[
            "community",
            "create",
            "--name",
            "Tiny",
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
    cli(&rpc_url, KEY0, &dir, &["job", "params", "--min-bond", "0.5", "--min-window", "60s"]).ok();
    let register = || {
        cli(
            &rpc_url,
            KEY0,
            &dir,
            &[
                "model",
                "register",
                "--uri",
                "ipfs://tiny-llama",
                "--weights",
                gguf.to_str().unwrap(),
            ],
        )
        .ok()
        .json()["model"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (direct, over_openai) = (register(), register());

    let port = free_port();
    let config = dir.join("provider.toml");
    let builtin = format!(
        "{{ kind = \"builtin\", model = \"{}\", tokenizer = \"{}\", max-tokens = 16 }}",
        gguf.display(),
        tokenizer.display()
    );
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndata-dir = \"{}\"\nconfirmations = 0\npoll = \"1s\"\nmin-time-left = \"10s\"\nserve-openai = true\nregister-bond = \"0.5\"\n\n[[models]]\nid = {direct}\nprice = \"1gwei\"\nbackend = {builtin}\n\n[[models]]\nid = {over_openai}\nprice = \"1gwei\"\nbackend = {{ kind = \"openai\", api = \"chat\", url = \"http://127.0.0.1:{port}\", model = \"{direct}\", max-tokens = 16 }}\n",
            dir.join("state").display()
        ),
    )
    .unwrap();
    let _provider = start_provider(&rpc_url, &dir, &config, port);
    let provider = address_of(KEY9).to_string();
    let prompt = "what is the way to write the word";
    let ask = |key: &str, token: &str, model: &str, delegate: bool| {
        let mut args = vec![
            "job",
            "request",
            "--token",
            token,
            "--model",
            model,
            "--provider",
            &provider,
            "--max-credits",
            "0.001",
            "--input",
            prompt,
            "--wait",
        ];
        if delegate {
            args.push("--delegate");
        }
        cli(&rpc_url, key, &dir, &args)
    };
    let member = ask(KEY0, "1", &direct, false).ok().json();
    assert_eq!(member["verified"], true, "{member}");
    let text = member["output"].as_str().unwrap().to_string();
    assert!(!text.is_empty());
    // The community AI, through the provider's OpenAI-compatible chat endpoint: the same
    // bytes.
    let via_openai = ask(ai, "0", &over_openai, true).ok().json();
    assert_eq!(via_openai["output"].as_str(), Some(text.as_str()));
    assert_eq!(via_openai["units"], member["units"]);

    // An arbiter re-runs the job: the same output hash, the registered weights.
    let v = cli(
        &rpc_url,
        KEY0,
        &dir,
        &[
            "job",
            "verify",
            "--id",
            member["id"].as_str().unwrap(),
            "--input",
            prompt,
            "--model-file",
            gguf.to_str().unwrap(),
            "--tokenizer",
            tokenizer.to_str().unwrap(),
            "--max-tokens",
            "16",
        ],
    )
    .ok()
    .json();
    assert_eq!(
        (v["matches"].as_bool(), v["weightsMatch"].as_bool()),
        (Some(true), Some(true)),
        "{v}"
    );
    let wrong = cli(
        &rpc_url,
        KEY0,
        &dir,
        &[
            "job",
            "verify",
            "--id",
            member["id"].as_str().unwrap(),
            "--input",
            "another input",
            "--model-file",
            gguf.to_str().unwrap(),
            "--tokenizer",
            tokenizer.to_str().unwrap(),
        ],
    );
    assert_eq!(wrong.code, 2, "{wrong:?}");

    // A member of another community: the model is not theirs.
    cli(&rpc_url, KEY9, &dir, &["community", "create", "--name", "Elsewhere", "--stake", "0.1"])
        .ok();
    cli(&rpc_url, KEY9, &dir, &["join", "--community", "1"]).ok();
    let refused = cli(
        &rpc_url,
        KEY9,
        &dir,
        &[
            "job",
            "request",
            "--community",
            "1",
            "--token",
            "1",
            "--model",
            &direct,
            "--provider",
            &provider,
            "--max-credits",
            "0.001",
            "--input",
            prompt,
        ],
    );
    assert_ne!(refused.code, 0, "{refused:?}");
    assert!(refused.stderr.contains("would revert"), "{refused:?}");
    n.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
