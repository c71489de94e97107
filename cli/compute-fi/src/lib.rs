//! `compute-fi`: deploy the Compute-Fi suite, create communities and run them, on the local
//! Stylus node or any Arbitrum chain with Stylus. Foundry's conventions: `--rpc-url`
//! (`ETH_RPC_URL`), `--private-key` (`ETH_PRIVATE_KEY`) or `--keystore`, `--chain` to
//! insist on a chain id, `--json` for machine output, a non-zero exit on any failure with
//! a message saying what failed and what to do; reverts are read back as the contract's
//! custom error with its values.
//!
//! One module per command group: `deploy` (the suite and its manifest), `community`
//! (create, show, list), `member` (join, leave, credits, account, delegates), `keeper`
//! (harvest), `market` (models, providers, jobs), `demo` (the README's main job on an
//! embedded node). Shared pieces: `connect` (RPC and keys), `tx` (sending and reading
//! with reverts decoded), `revert`, `manifest`, `units`, `bindings`.

pub mod bindings;
pub mod canonical;
pub mod community;
pub mod connect;
pub mod demo;
pub mod deploy;
pub mod keeper;
pub mod manifest;
pub mod market;
pub mod member;
pub mod provider;
pub mod requester;
pub mod revert;
pub mod tx;
pub mod units;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// A failure to report: what failed and what to do, and the exit code.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub message: String,
    /// 1: the chain refused or failed; 2: the input is wrong.
    pub code: i32,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 2 }
    }
    pub fn rpc(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 1 }
    }
    pub fn revert(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 1 }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a command found or did, for people (`text`) and for programs (`json`).
#[derive(Debug, Clone)]
pub struct Report {
    pub json: serde_json::Value,
    pub text: String,
}

#[derive(Debug, Parser)]
#[command(
    name = "compute-fi",
    version,
    about = "Deploy and run Compute-Fi communities on Stylus chains"
)]
pub struct Cli {
    #[command(flatten)]
    pub chain: connect::ChainArgs,
    #[command(flatten)]
    pub key: connect::KeyArgs,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// The folder of deployment manifests (`<chainId>.json`).
    #[arg(long, env = "COMPUTE_FI_DEPLOYMENTS", default_value = "deployments", global = true)]
    pub deployments: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Deploy the suite (idempotent: a rerun sends nothing, an interrupted run resumes).
    Deploy(deploy::DeployArgs),
    /// Create, show and list communities.
    #[command(subcommand)]
    Community(community::CommunityCommand),
    /// Join a community: mint a membership NFT whose account holds the stake.
    Join(member::JoinArgs),
    /// Leave: redeem the stake from the NFT's account, ETH back to the owner.
    Leave(member::TokenArgs),
    /// A member's compute credits.
    Credits(member::TokenArgs),
    /// The token-bound account of a membership NFT.
    Account(member::TokenArgs),
    /// Scoped keys on a member's account (the community AI's).
    #[command(subcommand)]
    Delegate(member::DelegateCommand),
    /// Harvest the vault's yield into credits (`--watch`: on a schedule, when profitable).
    Harvest(keeper::HarvestArgs),
    /// Models in the registry.
    #[command(subcommand)]
    Model(market::ModelCommand),
    /// Providers in the job market.
    #[command(subcommand)]
    Provider(market::ProviderCommand),
    /// Jobs in the job market.
    #[command(subcommand)]
    Job(market::JobCommand),
    /// The main job on an embedded local node: deploy, a demo community, yield, a job.
    Demo(demo::DemoArgs),
}

/// Runs one command.
pub async fn run(cli: Cli) -> Result<Report, Failure> {
    let dir = &cli.deployments;
    match &cli.command {
        Command::Deploy(a) => {
            let s = cli.chain.connect_signed(&cli.key).await?;
            deploy::run(&s, a, dir, cli.json).await
        }
        Command::Community(c) => community::run(&cli, c).await,
        Command::Join(a) => member::join(&cli, a).await,
        Command::Leave(a) => member::leave(&cli, a).await,
        Command::Credits(a) => member::credits(&cli, a).await,
        Command::Account(a) => member::account(&cli, a).await,
        Command::Delegate(c) => member::delegate(&cli, c).await,
        Command::Harvest(a) => keeper::harvest(&cli, a).await,
        Command::Model(c) => market::model(&cli, c).await,
        Command::Provider(c) => market::provider(&cli, c).await,
        Command::Job(c) => market::job(&cli, c).await,
        // Boxed: the demo runs the other commands through `run`.
        Command::Demo(a) => Box::pin(demo::run_cli(&cli, a)).await,
    }
}
