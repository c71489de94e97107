//! `compute-fi demo`: the README's main job. Starts the local Stylus node in process (its
//! state kept in a folder, so a rerun continues the same chain), deploys the suite, creates
//! a demo community, lets a few dev accounts join, accrues yield in the development source,
//! harvests it into credits, runs one job through request, fulfilment and acceptance, and
//! prints the community's status with the RPC URL and manifest a dApp would use. Each step
//! is the command a user would type, run through the same parser.

use std::path::PathBuf;

use alloy::{primitives::U256, signers::local::PrivateKeySigner, sol_types::SolCall};
use clap::{Args, Parser};
use serde_json::json;

use crate::{
    bindings::dev_weth::IMockErc20, community, connect::ChainArgs, run, tx, Cli, Failure, Report,
};

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// The folder the node's state and the manifests are kept in.
    #[arg(long, default_value = ".compute-fi")]
    pub state_dir: PathBuf,
    /// The node's port (0: a free one).
    #[arg(long, default_value_t = stylus_node::config::NITRO_DEV_PORT)]
    pub port: u16,
    /// How many dev accounts join.
    #[arg(long, default_value_t = 3)]
    pub members: u32,
    /// Stop the node when the demo is done instead of serving until Ctrl-C.
    #[arg(long)]
    pub exit: bool,
    /// Where the built artifacts are.
    #[arg(long, env = "CF_ARTIFACTS_DIR", default_value = "target/stylus")]
    pub artifacts: PathBuf,
}

/// Dev accounts: 0 deploys and administers, 1..=members join, the last one provides.
const ACCOUNTS: u32 = 10;

pub async fn run_demo(a: &DemoArgs, json_out: bool) -> Result<Report, Failure> {
    if a.members == 0 || a.members > ACCOUNTS - 2 {
        return Err(Failure::input(format!("--members: 1 to {}", ACCOUNTS - 2)));
    }
    std::fs::create_dir_all(&a.state_dir)
        .map_err(|e| Failure::input(format!("cannot create {}: {e}", a.state_dir.display())))?;
    let config = stylus_node::Config {
        port: a.port,
        accounts: ACCOUNTS,
        state: Some(a.state_dir.join("chain.json")),
        ..stylus_node::Config::default()
    };
    let node = stylus_node::start(config).await.map_err(|e| {
        Failure::input(format!(
            "cannot start the local node on port {}: {e} (pass --port 0 for a free one)",
            a.port
        ))
    })?;
    let result = steps(a, &node.url(), json_out).await;
    if let Err(e) = node.save_state() {
        eprintln!("warning: the node's state was not saved: {e}");
    }
    let report = result?;
    if !json_out {
        println!("{}", report.text);
    }
    if !a.exit {
        eprintln!("serving {} until Ctrl-C", node.url());
        let _ = tokio::signal::ctrl_c().await;
    }
    node.stop().await.map_err(|e| Failure::rpc(format!("stopping the node: {e}")))?;
    Ok(if json_out { report } else { Report { text: String::new(), json: report.json } })
}

async fn steps(a: &DemoArgs, url: &str, json_out: bool) -> Result<Report, Failure> {
    let keys = stylus_node::accounts::dev_signers(stylus_node::accounts::DEV_MNEMONIC, ACCOUNTS)
        .map_err(Failure::input)?;
    let key = |i: usize| -> Result<String, Failure> {
        keys.get(i)
            .map(|k: &PrivateKeySigner| {
                format!("0x{}", alloy::primitives::hex::encode(k.to_bytes()))
            })
            .ok_or_else(|| Failure::input("missing dev account"))
    };
    let deployments = a.state_dir.join("deployments");
    let artifacts = a.artifacts.display().to_string();
    let deployments_s = deployments.display().to_string();
    let cmd = |k: &str, args: &[&str]| -> Result<Cli, Failure> {
        let mut v = vec![
            "compute-fi",
            "--rpc-url",
            url,
            "--private-key",
            k,
            "--deployments",
            &deployments_s,
            "--json",
        ];
        v.extend_from_slice(args);
        Cli::try_parse_from(v).map_err(|e| Failure::input(format!("demo step {args:?}: {e}")))
    };
    let say = |what: &str| {
        if !json_out {
            eprintln!("== {what}");
        }
    };
    let admin = key(0)?;
    let provider_key = key(ACCOUNTS as usize - 1)?;
    let provider = keys.last().map(|k| k.address()).unwrap_or_default();

    say("deploy the suite");
    run(cmd(&admin, &["deploy", "--artifacts", &artifacts])?).await?;
    let chain = ChainArgs { rpc_url: url.to_string(), chain: None }.connect().await?;
    let m = crate::manifest::Manifest::load(&deployments, chain.chain_id)?;
    if community::count(&chain.provider, &m).await? == 0 {
        say("create the demo community");
        run(cmd(
            &admin,
            &[
                "community",
                "create",
                "--name",
                "Demo Compute Club",
                "--symbol",
                "DCC",
                "--stake",
                "0.1",
                "--lock",
                "1d",
            ],
        )?)
        .await?;
        for i in 1..=a.members as usize {
            say(&format!("member {i} joins"));
            run(cmd(&key(i)?, &["join"])?).await?;
        }
        say("yield accrues in the source (the development source's yield is what is sent to it)");
        let source = m.external("source")?;
        let weth = m.external("weth")?;
        let yield_wei = U256::from(a.members) * U256::from(10u64).pow(U256::from(16u8));
        let admin_key = crate::connect::KeyArgs {
            private_key: Some(admin.clone()),
            keystore: None,
            password_file: None,
        };
        let admin_s =
            ChainArgs { rpc_url: url.to_string(), chain: None }.connect_signed(&admin_key).await?;
        tx::send(
            &admin_s.provider,
            weth,
            U256::ZERO,
            IMockErc20::mintCall { to: source, amount: yield_wei }.abi_encode(),
            "accruing demo yield",
        )
        .await?;
        say("harvest");
        run(cmd(&admin, &["harvest"])?).await?;
        say("a model, a provider, a job");
        run(cmd(&admin, &["job", "params", "--min-bond", "0.5", "--min-window", "60s"])?).await?;
        let model = run(cmd(
            &admin,
            &[
                "model",
                "register",
                "--uri",
                "ipfs://demo/tiny-llama.json",
                "--weights-hash",
                &format!("{}", alloy::primitives::keccak256(b"demo weights")),
            ],
        )?)
        .await?;
        let model_id = model.json["model"].as_str().unwrap_or("0").to_string();
        run(cmd(
            &provider_key,
            &["provider", "register", "--endpoint", "http://127.0.0.1:8080", "--bond", "0.5"],
        )?)
        .await?;
        run(cmd(&provider_key, &["provider", "price", "--model", &model_id, "--price", "1gwei"])?)
            .await?;
        let job = run(cmd(
            &key(1)?,
            &[
                "job",
                "request",
                "--token",
                "1",
                "--model",
                &model_id,
                "--provider",
                &provider.to_string(),
                "--max-credits",
                "0.0001",
                "--input",
                "What is 2 + 2?",
            ],
        )?)
        .await?;
        let job_id = job.json["id"].as_str().unwrap_or("0").to_string();
        run(cmd(
            &provider_key,
            &["job", "fulfil", "--id", &job_id, "--output", "4", "--units", "20"],
        )?)
        .await?;
        run(cmd(&key(1)?, &["job", "accept", "--token", "1", "--id", &job_id])?).await?;
        run(cmd(&provider_key, &["provider", "withdraw"])?).await?;
    } else {
        say("the demo community exists (state kept): showing it");
    }
    let show = run(cmd(&admin, &["community", "show"])?).await?;
    let manifest = crate::manifest::Manifest::path(&deployments, chain.chain_id);
    let text = format!(
        "{}\n\nRPC URL   {url} (chain {})\nmanifest  {}\nkeys      the \"test test ... junk\" dev accounts (account 0 administers)",
        community_text(&chain, &m).await.unwrap_or_default(),
        chain.chain_id,
        manifest.display()
    );
    Ok(Report {
        json: json!({"rpcUrl": url, "chainId": chain.chain_id, "manifest": manifest, "status": show.json}),
        text,
    })
}

async fn community_text(
    chain: &crate::connect::Chain,
    m: &crate::manifest::Manifest,
) -> Result<String, Failure> {
    let c = community::resolve(&chain.provider, m, 0).await?;
    Ok(community::show(&chain.provider, &c).await?.text)
}

pub async fn run_cli(cli: &Cli, a: &DemoArgs) -> Result<Report, Failure> {
    run_demo(a, cli.json).await
}
