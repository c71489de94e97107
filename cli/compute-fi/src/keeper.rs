//! `compute-fi harvest`: the keeper's one job. Once, or with `--watch` on a schedule,
//! sending only when the harvest would succeed and the yield it moves is worth more than
//! the gas it costs.

use std::time::Duration;

use alloy::{
    network::TransactionBuilder,
    primitives::U256,
    providers::{DynProvider, Provider},
    rpc::types::TransactionRequest,
    sol_types::SolCall,
};
use clap::Args;
use serde_json::json;

use crate::{
    bindings::vault::IYieldVault, community::Which, member::signed_community, tx, units, Cli,
    Failure, Report,
};

#[derive(Debug, Clone, Args)]
pub struct HarvestArgs {
    #[command(flatten)]
    pub which: Which,
    /// Keep harvesting on a schedule, when profitable, until stopped.
    #[arg(long)]
    pub watch: bool,
    /// Time between checks with --watch (e.g. 10m).
    #[arg(long, default_value = "10m")]
    pub interval: String,
    /// Stop after this many checks with --watch (0: never).
    #[arg(long, default_value_t = 0)]
    pub rounds: u64,
}

/// The chain's latest block timestamp.
pub async fn now(p: &DynProvider) -> Result<u64, Failure> {
    let b = p
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await
        .map_err(|e| Failure::rpc(format!("cannot read the latest block: {e}")))?
        .ok_or_else(|| Failure::rpc("the node has no latest block"))?;
    Ok(b.header.timestamp)
}

/// What a harvest would do now: the assets it moves, or why it would revert.
enum Outlook {
    Worth { assets: U256, cost: U256 },
    NotWorth { assets: U256, cost: U256 },
    Refused(Failure),
}

async fn outlook(
    p: &DynProvider,
    from: alloy::primitives::Address,
    vault: alloy::primitives::Address,
) -> Result<Outlook, Failure> {
    let req = TransactionRequest::default()
        .with_from(from)
        .with_to(vault)
        .with_input(IYieldVault::harvestCall {}.abi_encode());
    let out = match p.call(req.clone()).await {
        Ok(out) => out,
        Err(e) if tx::revert_data(&e).is_some() => {
            return Ok(Outlook::Refused(tx::refused(e, "harvest")))
        }
        Err(e) => return Err(tx::refused(e, "harvest")),
    };
    let assets = IYieldVault::harvestCall::abi_decode_returns(&out).unwrap_or_default();
    let gas =
        p.estimate_gas(req).await.map_err(|e| tx::refused(e, "estimating the harvest's gas"))?;
    let price = p
        .get_gas_price()
        .await
        .map_err(|e| Failure::rpc(format!("cannot read the gas price: {e}")))?;
    let cost = U256::from(gas) * U256::from(price);
    Ok(if assets > cost {
        Outlook::Worth { assets, cost }
    } else {
        Outlook::NotWorth { assets, cost }
    })
}

pub async fn harvest(cli: &Cli, a: &HarvestArgs) -> Result<Report, Failure> {
    let (s, c) = signed_community(cli, &a.which).await?;
    let p = &s.provider;
    if !a.watch {
        let r =
            tx::send(p, c.vault, U256::ZERO, IYieldVault::harvestCall {}.abi_encode(), "harvest")
                .await?;
        let h = r.decoded_log::<crate::bindings::vault::IYieldVaultEvents::Harvested>();
        let assets = h.as_ref().map(|h| h.assets).unwrap_or_default();
        return Ok(Report {
            json: json!({"community": c.index, "assets": assets.to_string(), "tx": r.transaction_hash}),
            text: format!("harvested {} from community {}", units::eth(assets), c.index),
        });
    }
    let every = Duration::from_secs(
        units::parse_duration(&a.interval)
            .map_err(|e| Failure::input(format!("--interval {e}")))?,
    );
    let mut done = Vec::new();
    let mut round = 0u64;
    loop {
        round += 1;
        match outlook(p, s.from, c.vault).await? {
            Outlook::Worth { assets, cost } => {
                let r = tx::send(
                    p,
                    c.vault,
                    U256::ZERO,
                    IYieldVault::harvestCall {}.abi_encode(),
                    "harvest",
                )
                .await?;
                eprintln!("harvested {} (gas about {})", units::eth(assets), units::eth(cost));
                done.push(json!({"assets": assets.to_string(), "tx": r.transaction_hash}));
            }
            Outlook::NotWorth { assets, cost } => {
                eprintln!(
                    "skipped: {} to harvest, gas would cost {}",
                    units::eth(assets),
                    units::eth(cost)
                )
            }
            Outlook::Refused(f) => eprintln!("skipped: {}", f.message),
        }
        if a.rounds != 0 && round >= a.rounds {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    Ok(Report {
        text: format!("{} harvests in {round} checks", done.len()),
        json: json!({"community": c.index, "checks": round, "harvests": done}),
    })
}
