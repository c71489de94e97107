//! `compute-fi community create | show | list`: communities through the factory.

use std::path::PathBuf;

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    providers::{DynProvider, Provider},
    rpc::types::Filter,
    sol_types::{SolCall, SolEvent},
};
use clap::{Args, Subcommand};
use serde::Deserialize;
use serde_json::json;

use crate::{
    bindings::{factory::ICommunityFactory, ledger, market, membership, vault},
    connect::Signed,
    manifest::Manifest,
    tx, units, Cli, Failure, Report,
};

#[derive(Debug, Subcommand)]
pub enum CommunityCommand {
    /// Create a community through the factory (idempotent for one deployer and salt).
    Create(Box<CreateArgs>),
    /// A community's members, principal, yield, credits, pool, lock and jobs.
    Show(Which),
    /// Every community the factory created.
    List,
}

/// Which community: its index in the factory.
#[derive(Debug, Clone, Args)]
pub struct Which {
    /// The community's index in the factory (`community list`).
    #[arg(long, default_value_t = 0)]
    pub community: u64,
}

#[derive(Debug, Clone, Default, Args, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CreateArgs {
    /// A TOML file with these settings (flags given as well override it).
    #[arg(long)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// The community's name (at most 32 bytes): the NFT's and the vault share's.
    #[arg(long)]
    pub name: Option<String>,
    /// Its symbol (at most 32 bytes).
    #[arg(long)]
    pub symbol: Option<String>,
    /// The NFT metadata base URI.
    #[arg(long)]
    pub base_uri: Option<String>,
    /// The stake of one member, in ETH (e.g. 0.1).
    #[arg(long)]
    pub stake: Option<String>,
    /// Let members stake more than the stake (the stake is then a minimum).
    #[arg(long)]
    #[serde(default)]
    pub stake_is_minimum: bool,
    /// How long a deposit stays locked (e.g. 30d).
    #[arg(long)]
    pub lock: Option<String>,
    /// The pool's share of the yield, in basis points.
    #[arg(long)]
    pub pool_bps: Option<u16>,
    /// The admin of every contract of the community (default: the sender).
    #[arg(long)]
    pub admin: Option<Address>,
    /// A text the community's addresses derive from, with the sender (default: the name).
    #[arg(long)]
    pub salt: Option<String>,
    /// The payment token credits are in (default: WETH, no conversion).
    #[arg(long)]
    pub payment: Option<Address>,
    /// The yield source (default: the deployment's).
    #[arg(long)]
    pub source: Option<Address>,
    /// The community AI's key: granted on the pool NFT's account (token 0) the calls that
    /// request, accept and dispute jobs on the community's market (the sender must be the
    /// admin, who holds the pool NFT).
    #[arg(long)]
    pub ai_key: Option<Address>,
    /// How long the AI's grant lasts (at most 365d).
    #[arg(long)]
    pub ai_expiry: Option<String>,
    /// Let the AI's key also sign for the pool's account (ERC-1271), which fetching a
    /// job's output from a provider needs; off by default, as a signature can authorise
    /// more than jobs.
    #[arg(long)]
    #[serde(default)]
    pub ai_can_sign: bool,
}

/// A community's contracts.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Community {
    pub index: u64,
    pub vault: Address,
    pub ledger: Address,
    pub market: Address,
    pub membership: Address,
    pub pool: Address,
}

pub async fn run(cli: &Cli, c: &CommunityCommand) -> Result<Report, Failure> {
    match c {
        CommunityCommand::Create(a) => {
            let s = cli.chain.connect_signed(&cli.key).await?;
            let m = deployment(&s.chain.provider, cli, s.chain.chain_id).await?;
            create(&s, &m, a).await
        }
        CommunityCommand::Show(w) => {
            let chain = cli.chain.connect().await?;
            let m = deployment(&chain.provider, cli, chain.chain_id).await?;
            let c = resolve(&chain.provider, &m, w.community).await?;
            show(&chain.provider, &c).await
        }
        CommunityCommand::List => {
            let chain = cli.chain.connect().await?;
            let m = deployment(&chain.provider, cli, chain.chain_id).await?;
            list(&chain.provider, &m).await
        }
    }
}

/// The chain's manifest, checked against the chain.
pub async fn deployment(p: &DynProvider, cli: &Cli, chain_id: u64) -> Result<Manifest, Failure> {
    let m = Manifest::load(&cli.deployments, chain_id)?;
    m.verify(p).await?;
    Ok(m)
}

/// The community at `index` in the factory.
pub async fn resolve(p: &DynProvider, m: &Manifest, index: u64) -> Result<Community, Failure> {
    let count = count(p, m).await?;
    if index >= count {
        return Err(Failure::input(format!(
            "no community {index}: the factory has {count} (see `compute-fi community list`)"
        )));
    }
    community_at(p, m, index).await
}

/// The community at an index known to exist.
async fn community_at(p: &DynProvider, m: &Manifest, index: u64) -> Result<Community, Failure> {
    let f = ICommunityFactory::new(m.contract("community-factory")?, p);
    let at = f
        .communityAt(U256::from(index))
        .call()
        .await
        .map_err(|e| tx::contract_error(e, "communityAt"))?;
    let pool = membership::IMembership::new(at._3, p)
        .accountOf(U256::ZERO)
        .call()
        .await
        .map_err(|e| tx::contract_error(e, "the pool's account"))?;
    Ok(Community { index, vault: at._0, ledger: at._1, market: at._2, membership: at._3, pool })
}

fn word(text: &str, what: &str) -> Result<B256, Failure> {
    if text.is_empty() || text.len() > 32 {
        return Err(Failure::input(format!(
            "--{what} {text:?}: 1 to 32 bytes (it is stored in one word)"
        )));
    }
    Ok(B256::right_padding_from(text.as_bytes()))
}

/// The settings from the file, with the flags over them.
fn settings(a: &CreateArgs) -> Result<CreateArgs, Failure> {
    let mut s = match &a.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
            toml::from_str::<CreateArgs>(&text)
                .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?
        }
        None => CreateArgs::default(),
    };
    macro_rules! over {
        ($($f:ident),*) => { $( if a.$f.is_some() { s.$f = a.$f.clone(); } )* };
    }
    over!(
        name, symbol, base_uri, stake, lock, pool_bps, admin, salt, payment, source, ai_key,
        ai_expiry
    );
    s.stake_is_minimum |= a.stake_is_minimum;
    s.ai_can_sign |= a.ai_can_sign;
    Ok(s)
}

pub async fn create(s: &Signed, m: &Manifest, a: &CreateArgs) -> Result<Report, Failure> {
    let a = settings(a)?;
    let p = &s.provider;
    let name =
        a.name.clone().ok_or_else(|| Failure::input("--name is required (or name in --config)"))?;
    let symbol = a.symbol.clone().unwrap_or_else(|| name.clone());
    let stake = units::parse_amount(a.stake.as_deref().unwrap_or("0.1"), 18)
        .map_err(|e| Failure::input(format!("--stake {e}")))?;
    let lock = units::parse_duration(a.lock.as_deref().unwrap_or("30d"))
        .map_err(|e| Failure::input(format!("--lock {e}")))?;
    let admin = a.admin.unwrap_or(s.from);
    let ai_seconds = units::parse_duration(a.ai_expiry.as_deref().unwrap_or("365d"))
        .map_err(|e| Failure::input(format!("--ai-expiry {e}")))?;
    if a.ai_key.is_some() && admin != s.from {
        // Only the pool NFT's owner grants on its account; a grant dies with a transfer, so
        // nobody can grant first and hand the NFT over.
        return Err(Failure::input(format!(
            "--ai-key: the admin {admin} holds the pool NFT and must grant the key (`compute-fi delegate grant --token 0`); create without --ai-key"
        )));
    }
    let weth = m.external("weth")?;
    let salt = keccak256(a.salt.as_deref().unwrap_or(&name));
    let factory = ICommunityFactory::new(m.contract("community-factory")?, p);
    let call = ICommunityFactory::createCommunityCall {
        admin,
        asset: weth,
        payment: a.payment.unwrap_or(weth),
        source: match a.source {
            Some(x) => x,
            None => m.external("source")?,
        },
        stake,
        exactStake: !a.stake_is_minimum,
        lockDuration: lock,
        poolBps: a.pool_bps.unwrap_or(2_000),
        native: true,
        name: word(&name, "name")?,
        symbol: word(&symbol, "symbol")?,
        baseUri: a.base_uri.clone().unwrap_or_default(),
        salt,
    };
    let predicted = factory
        .predictCommunity(s.from, salt)
        .call()
        .await
        .map_err(|e| tx::contract_error(e, "predictCommunity"))?;
    let existed = !crate::manifest::code_at(p, predicted._0).await?.is_empty();
    let tx_hash = if existed {
        None
    } else {
        let r = tx::send(p, *factory.address(), U256::ZERO, call.abi_encode(), "createCommunity")
            .await?;
        Some(r.transaction_hash)
    };
    let index = index_of(p, m, predicted._3).await?;
    let c = community_at(p, m, index).await?;
    let ai = match a.ai_key {
        Some(key) => {
            let scope = crate::market::ai_scope(c.market);
            let (expiry, r) =
                crate::member::grant(s, c.pool, key, ai_seconds, a.ai_can_sign, &scope).await?;
            Some(json!({"key": key, "expiry": expiry, "tx": r.transaction_hash}))
        }
        None => None,
    };
    let text = format!(
        "community {index} {} ({})\n  vault {}\n  ledger {}\n  market {}\n  membership {}\n  pool account {}",
        name,
        if existed { "already created" } else { "created" },
        c.vault,
        c.ledger,
        c.market,
        c.membership,
        c.pool
    );
    Ok(Report { json: json!({"community": c, "created": !existed, "tx": tx_hash, "ai": ai}), text })
}

/// How many communities the factory created.
pub async fn count(p: &DynProvider, m: &Manifest) -> Result<u64, Failure> {
    let f = ICommunityFactory::new(m.contract("community-factory")?, p);
    let n = f.communityCount().call().await.map_err(|e| tx::contract_error(e, "communityCount"))?;
    Ok(n.try_into().unwrap_or(u64::MAX))
}

/// The factory index of the community whose membership contract is `membership`.
async fn index_of(p: &DynProvider, m: &Manifest, membership: Address) -> Result<u64, Failure> {
    let f = ICommunityFactory::new(m.contract("community-factory")?, p);
    let count = count(p, m).await?;
    for i in (0..count).rev() {
        let at = f
            .communityAt(U256::from(i))
            .call()
            .await
            .map_err(|e| tx::contract_error(e, "communityAt"))?;
        if at._3 == membership {
            return Ok(i);
        }
    }
    Err(Failure::rpc(format!("the factory does not list the community of {membership}")))
}

pub async fn list(p: &DynProvider, m: &Manifest) -> Result<Report, Failure> {
    let count = count(p, m).await?;
    let mut rows = Vec::new();
    let mut text = format!("{count} communities\n");
    for i in 0..count {
        let c = community_at(p, m, i).await?;
        let name = membership::IERC721Metadata::new(c.membership, p)
            .name()
            .call()
            .await
            .map_err(|e| tx::contract_error(e, "name"))?;
        text.push_str(&format!("{i:>4}  {name:<32} membership {}\n", c.membership));
        rows.push(json!({"community": c, "name": name}));
    }
    Ok(Report { json: json!({"count": count, "communities": rows}), text })
}

/// One member of a community.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Member {
    pub token_id: U256,
    pub owner: Address,
    pub account: Address,
    pub shares: U256,
    pub spendable: U256,
}

/// Every membership NFT (the pool's is token 0) with its account's stake and credits.
pub async fn members(p: &DynProvider, c: &Community) -> Result<Vec<Member>, Failure> {
    let nft = membership::IMembership::new(c.membership, p);
    let erc721 = membership::IERC721::new(c.membership, p);
    let shares = vault::IERC20::new(c.vault, p);
    let credits = ledger::IComputeLedger::new(c.ledger, p);
    let next: u64 = nft
        .nextTokenId()
        .call()
        .await
        .map_err(|e| tx::contract_error(e, "nextTokenId"))?
        .try_into()
        .unwrap_or(u64::MAX);
    let mut out = Vec::new();
    for id in 1..next {
        let id = U256::from(id);
        let account =
            nft.accountOf(id).call().await.map_err(|e| tx::contract_error(e, "accountOf"))?;
        out.push(Member {
            token_id: id,
            owner: erc721.ownerOf(id).call().await.map_err(|e| tx::contract_error(e, "ownerOf"))?,
            account,
            shares: shares
                .balanceOf(account)
                .call()
                .await
                .map_err(|e| tx::contract_error(e, "balanceOf"))?,
            spendable: credits
                .spendable(account)
                .call()
                .await
                .map_err(|e| tx::contract_error(e, "spendable"))?,
        });
    }
    Ok(out)
}

pub async fn show(p: &DynProvider, c: &Community) -> Result<Report, Failure> {
    let v = vault::IYieldVault::new(c.vault, p);
    let v4626 = vault::IERC4626::new(c.vault, p);
    let l = ledger::IComputeLedger::new(c.ledger, p);
    let e = |w: &'static str| move |err| tx::contract_error(err, w);
    let config = v.config().call().await.map_err(e("vault config"))?;
    let supply =
        vault::IERC20::new(c.vault, p).totalSupply().call().await.map_err(e("totalSupply"))?;
    let total_assets = v4626.totalAssets().call().await.map_err(e("totalAssets"))?;
    let totals = l.totals().call().await.map_err(e("ledger totals"))?;
    let epoch = l.epoch().call().await.map_err(e("epoch"))?;
    let pool_credits = l.spendable(c.pool).call().await.map_err(e("pool credits"))?;
    let members = members(p, c).await?;
    let active = members.iter().filter(|m| !m.shares.is_zero()).count();
    let member_credits = members.iter().fold(U256::ZERO, |s, m| s + m.spendable);
    let harvested =
        sum_logs(p, c.ledger, ledger::IComputeLedgerEvents::Harvested::SIGNATURE_HASH, |d| {
            ledger::IComputeLedgerEvents::Harvested::decode_log_data(d).ok().map(|h| h.assets)
        })
        .await?;
    let jobs =
        logs(p, c.market, market::IJobMarketEvents::JobRequested::SIGNATURE_HASH).await?.len();
    let principal = supply;
    let text = format!(
        "community {}\n  members            {} ({} holding a stake)\n  principal          {}\n  vault value        {}\n  pending yield      {}\n  harvested yield    {}\n  member credits     {}\n  pool credits       {} (account {})\n  unconverted        {}\n  owed to providers  {}\n  epoch              {}\n  stake              {}{}\n  lock               {} s\n  jobs requested     {}",
        c.index,
        members.len(),
        active,
        units::eth(principal),
        units::eth(total_assets),
        units::eth(config._12),
        units::eth(harvested),
        units::eth(member_credits),
        units::eth(pool_credits),
        c.pool,
        units::eth(totals._2),
        units::eth(totals._1),
        epoch,
        units::eth(config._2),
        if config._3 { " exactly" } else { " at least" },
        config._4,
        jobs
    );
    let json = json!({
        "community": c,
        "members": members,
        "activeMembers": active,
        "principal": principal.to_string(),
        "totalAssets": total_assets.to_string(),
        "pendingYield": config._12.to_string(),
        "harvestedYield": harvested.to_string(),
        "memberCredits": member_credits.to_string(),
        "poolCredits": pool_credits.to_string(),
        "accounted": totals._0.to_string(),
        "owed": totals._1.to_string(),
        "unconverted": totals._2.to_string(),
        "epoch": epoch,
        "stake": config._2.to_string(),
        "exactStake": config._3,
        "lockSeconds": config._4,
        "jobs": jobs,
    });
    Ok(Report { json, text })
}

/// Every log of `address` with topic0 `sig`, from genesis.
pub async fn logs(
    p: &DynProvider,
    address: Address,
    sig: B256,
) -> Result<Vec<alloy::rpc::types::Log>, Failure> {
    let f = Filter::new().address(address).event_signature(sig).from_block(0u64);
    p.get_logs(&f)
        .await
        .map_err(|e| Failure::rpc(format!("cannot read the logs of {address}: {e}")))
}

async fn sum_logs(
    p: &DynProvider,
    address: Address,
    sig: B256,
    value: impl Fn(&alloy::primitives::LogData) -> Option<U256>,
) -> Result<U256, Failure> {
    Ok(logs(p, address, sig)
        .await?
        .iter()
        .filter_map(|l| value(l.data()))
        .fold(U256::ZERO, |s, v| s + v))
}
