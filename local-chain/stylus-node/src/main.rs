//! `stylus-node`: starts a local Stylus chain on JSON-RPC and prints its accounts.

use std::{net::IpAddr, path::PathBuf, process::ExitCode, time::Duration};

use alloy_primitives::hex;
use clap::Parser;
use stylus_node::config::{
    Config, DEV_BALANCE_ETH, MAX_TX_GAS, NITRO_BASE_FEE, NITRO_DEV_CHAIN_ID, NITRO_DEV_PORT,
};

/// A local Stylus chain behind JSON-RPC: an anvil for Stylus, with persistence.
#[derive(Debug, Parser)]
#[command(name = "stylus-node", version)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = NITRO_DEV_PORT)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    #[arg(long, default_value_t = NITRO_DEV_CHAIN_ID)]
    chain_id: u64,
    /// Number of dev accounts.
    #[arg(long, short, default_value_t = 10)]
    accounts: u32,
    /// Mnemonic the dev accounts come from.
    #[arg(long, short, default_value = stylus_node::accounts::DEV_MNEMONIC)]
    mnemonic: String,
    /// Seal a block every this many seconds instead of one per transaction.
    #[arg(long, short)]
    block_time: Option<u64>,
    /// State file: loaded at start when it exists, saved on exit.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Also save the state every this many seconds.
    #[arg(long, requires = "state")]
    state_interval: Option<u64>,
    /// Number of recent blocks whose state stays queryable.
    #[arg(long, default_value_t = 64)]
    history: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        host: args.host,
        port: args.port,
        chain_id: args.chain_id,
        accounts: args.accounts,
        mnemonic: args.mnemonic,
        block_time: args.block_time.filter(|s| *s > 0).map(Duration::from_secs),
        state: args.state,
        state_interval: args.state_interval.filter(|s| *s > 0).map(Duration::from_secs),
        history: args.history,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stylus-node: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), String> {
    let node = stylus_node::start(config.clone()).await?;
    // The node derived them: not again here.
    let signers = node.shared().node().signers().to_vec();
    println!("stylus-node v{}: a local Stylus chain\n", env!("CARGO_PKG_VERSION"));
    println!("Available Accounts\n==================");
    for (i, s) in signers.iter().enumerate() {
        println!("({i}) {} ({DEV_BALANCE_ETH}.000000000000000000 ETH)", s.address());
    }
    println!("\nPrivate Keys\n==================");
    for (i, s) in signers.iter().enumerate() {
        println!("({i}) 0x{}", hex::encode(s.to_bytes()));
    }
    println!("\nWallet\n==================");
    println!("Mnemonic:          {}", config.mnemonic);
    println!("Derivation path:   m/44'/60'/0'/0/\n");
    println!("Chain ID:          {}", config.chain_id);
    println!("Base fee:          {NITRO_BASE_FEE} wei");
    println!("Gas limit:         {MAX_TX_GAS} a transaction");
    match &config.block_time {
        Some(t) => println!("Blocks:            every {} s", t.as_secs()),
        None => println!("Blocks:            one per transaction (automine)"),
    }
    if let Some(p) = &config.state {
        println!("State file:        {}", p.display());
    }
    println!("\nListening on {}", node.url());
    shutdown_signal().await;
    println!("\nShutting down");
    node.stop().await
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
