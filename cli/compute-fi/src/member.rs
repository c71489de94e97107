//! A member's commands: `join`, `leave` (through the NFT's account, ETH back), `credits`,
//! `account`, and `delegate grant | revoke` (scoped keys on the account, such as the
//! community AI's).

use alloy::{
    primitives::{keccak256, Address, FixedBytes, U256},
    providers::DynProvider,
    sol_types::SolCall,
};
use clap::{Args, Subcommand};
use serde_json::json;

use crate::{
    bindings::{account::ITbaAccount, ledger, membership, vault},
    community::{deployment, resolve, Community, Which},
    connect::Signed,
    tx, units, Cli, Failure, Report,
};

#[derive(Debug, Clone, Args)]
pub struct JoinArgs {
    #[command(flatten)]
    pub which: Which,
    /// The ETH to stake when the stake is a minimum (default: the stake).
    #[arg(long)]
    pub amount: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub which: Which,
    /// The membership NFT's token id.
    #[arg(long)]
    pub token: U256,
}

#[derive(Debug, Subcommand)]
pub enum DelegateCommand {
    /// Let a key CALL chosen functions of chosen contracts from the account until an
    /// expiry (any transfer of the NFT voids it).
    Grant(GrantArgs),
    /// Void a key's grant.
    Revoke(RevokeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct GrantArgs {
    #[command(flatten)]
    pub token: TokenArgs,
    /// The key the grant is for.
    #[arg(long)]
    pub delegate: Address,
    /// How long the grant lasts (e.g. 30d).
    #[arg(long, default_value = "30d")]
    pub expiry: String,
    /// Let the key sign for the account (ERC-1271).
    #[arg(long)]
    pub can_sign: bool,
    /// A permitted call, `ADDRESS:SELECTOR` or `ADDRESS:signature`
    /// (`0xabc...:request(uint256,address,uint256,bytes32,bytes,uint64,uint256,bytes32)`).
    #[arg(long = "allow", required = true)]
    pub allow: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RevokeArgs {
    #[command(flatten)]
    pub token: TokenArgs,
    #[arg(long)]
    pub delegate: Address,
}

/// Connects with the key and finds the community.
pub async fn signed_community(cli: &Cli, w: &Which) -> Result<(Signed, Community), Failure> {
    let s = cli.chain.connect_signed(&cli.key).await?;
    let m = deployment(&s.chain.provider, cli, s.chain.chain_id).await?;
    let c = resolve(&s.provider, &m, w.community).await?;
    Ok((s, c))
}

pub async fn join(cli: &Cli, a: &JoinArgs) -> Result<Report, Failure> {
    let (s, c) = signed_community(cli, &a.which).await?;
    let nft = membership::IMembership::new(c.membership, &s.provider);
    let value = match &a.amount {
        Some(t) => {
            units::parse_amount(t, 18).map_err(|e| Failure::input(format!("--amount {e}")))?
        }
        None => nft.stake().call().await.map_err(|e| tx::contract_error(e, "stake"))?,
    };
    let r = tx::send(
        &s.provider,
        c.membership,
        value,
        membership::IMembership::joinCall {}.abi_encode(),
        "join",
    )
    .await?;
    let joined = r
        .decoded_log::<membership::IMembershipEvents::Joined>()
        .ok_or_else(|| Failure::rpc("join succeeded but emitted no Joined event"))?;
    let text = format!(
        "joined community {} as token {} (account {}), staked {} for {} shares",
        c.index,
        joined.tokenId,
        joined.account,
        units::eth(joined.assets),
        joined.shares
    );
    Ok(Report {
        json: json!({"tokenId": joined.tokenId.to_string(), "account": joined.account, "assets": joined.assets.to_string(), "shares": joined.shares.to_string(), "tx": r.transaction_hash}),
        text,
    })
}

/// The token's account, after checking the sender owns the token.
pub async fn owned_account_of(s: &Signed, c: &Community, token: U256) -> Result<Address, Failure> {
    let p = &s.provider;
    let owner = membership::IERC721::new(c.membership, p)
        .ownerOf(token)
        .call()
        .await
        .map_err(|e| tx::contract_error(e, &format!("ownerOf({token})")))?;
    if owner != s.from {
        return Err(Failure::input(format!(
            "token {token} of community {} is owned by {owner}, not by the sender {}",
            c.index, s.from
        )));
    }
    account_of(p, c, token).await
}

/// The token's account, for a sender acting as one of its scoped keys: refused unless the
/// account permits the sender this call now.
pub async fn delegated_account_of(
    s: &Signed,
    c: &Community,
    token: U256,
    target: Address,
    selector: FixedBytes<4>,
) -> Result<Address, Failure> {
    let account = account_of(&s.provider, c, token).await?;
    let permitted = ITbaAccount::new(account, &s.provider)
        .isPermitted(s.from, target, selector)
        .call()
        .await
        .map_err(|e| tx::contract_error(e, "isPermitted"))?;
    if !permitted {
        return Err(Failure::input(format!(
            "{} holds no live grant on token {token}'s account {account} for this call (ask the owner: `compute-fi delegate grant`)",
            s.from
        )));
    }
    Ok(account)
}

/// Grants `delegate` the `allowed` calls from `account` for `seconds` (owner only).
pub async fn grant(
    s: &Signed,
    account: Address,
    delegate: Address,
    seconds: u64,
    can_sign: bool,
    allowed: &[(Address, FixedBytes<4>)],
) -> Result<(u64, alloy::rpc::types::TransactionReceipt), Failure> {
    let expiry = crate::keeper::now(&s.provider).await?.saturating_add(seconds);
    let call = ITbaAccount::grantDelegateCall {
        delegate,
        expiry,
        canSign: can_sign,
        targets: allowed.iter().map(|a| a.0).collect(),
        selectors: allowed.iter().map(|a| a.1).collect(),
    };
    let r = tx::send(&s.provider, account, U256::ZERO, call.abi_encode(), "grantDelegate").await?;
    Ok((expiry, r))
}

async fn account_of(p: &DynProvider, c: &Community, token: U256) -> Result<Address, Failure> {
    membership::IMembership::new(c.membership, p)
        .accountOf(token)
        .call()
        .await
        .map_err(|e| tx::contract_error(e, &format!("accountOf({token})")))
}

/// Sends `data` to `to` from the token's account (its owner executing).
pub async fn from_account(
    s: &Signed,
    account: Address,
    to: Address,
    data: Vec<u8>,
    what: &str,
) -> Result<alloy::rpc::types::TransactionReceipt, Failure> {
    let call = ITbaAccount::executeCall { to, value: U256::ZERO, data: data.into(), operation: 0 };
    tx::send(&s.provider, account, U256::ZERO, call.abi_encode(), what).await
}

pub async fn leave(cli: &Cli, a: &TokenArgs) -> Result<Report, Failure> {
    let (s, c) = signed_community(cli, &a.which).await?;
    let account = owned_account_of(&s, &c, a.token).await?;
    let shares = vault::IERC20::new(c.vault, &s.provider)
        .balanceOf(account)
        .call()
        .await
        .map_err(|e| tx::contract_error(e, "balanceOf"))?;
    if shares.is_zero() {
        return Err(Failure::input(format!(
            "token {} holds no stake in community {}",
            a.token, c.index
        )));
    }
    let redeem = vault::IYieldVault::redeemEthCall { shares, receiver: s.from, owner: account };
    let r = from_account(&s, account, c.vault, redeem.abi_encode(), "leave").await?;
    let w = r
        .decoded_log::<vault::IERC4626::Withdraw>()
        .ok_or_else(|| Failure::rpc("leave succeeded but the vault emitted no Withdraw"))?;
    Ok(Report {
        json: json!({"tokenId": a.token.to_string(), "assets": w.assets.to_string(), "shares": w.shares.to_string(), "tx": r.transaction_hash}),
        text: format!("left community {}: {} back to {}", c.index, units::eth(w.assets), s.from),
    })
}

pub async fn credits(cli: &Cli, a: &TokenArgs) -> Result<Report, Failure> {
    let chain = cli.chain.connect().await?;
    let m = deployment(&chain.provider, cli, chain.chain_id).await?;
    let c = resolve(&chain.provider, &m, a.which.community).await?;
    let account = account_of(&chain.provider, &c, a.token).await?;
    let l = ledger::IComputeLedger::new(c.ledger, &chain.provider);
    let spendable =
        l.spendable(account).call().await.map_err(|e| tx::contract_error(e, "spendable"))?;
    let reserved =
        l.reserved(account).call().await.map_err(|e| tx::contract_error(e, "reserved"))?;
    let pending = l.pending(account).call().await.map_err(|e| tx::contract_error(e, "pending"))?;
    Ok(Report {
        json: json!({"tokenId": a.token.to_string(), "account": account, "spendable": spendable.to_string(), "reserved": reserved.to_string(), "pending": pending.to_string()}),
        text: format!(
            "token {} (account {account}): {} spendable, {} reserved for jobs, {} pending the next harvest",
            a.token,
            units::eth(spendable),
            units::eth(reserved),
            units::eth(pending)
        ),
    })
}

pub async fn account(cli: &Cli, a: &TokenArgs) -> Result<Report, Failure> {
    let chain = cli.chain.connect().await?;
    let m = deployment(&chain.provider, cli, chain.chain_id).await?;
    let c = resolve(&chain.provider, &m, a.which.community).await?;
    let account = account_of(&chain.provider, &c, a.token).await?;
    Ok(Report {
        json: json!({"tokenId": a.token.to_string(), "account": account}),
        text: account.to_string(),
    })
}

/// `ADDRESS:SELECTOR` or `ADDRESS:signature`.
pub fn parse_allow(text: &str) -> Result<(Address, FixedBytes<4>), Failure> {
    let bad = || {
        Failure::input(format!(
            "--allow {text:?}: expected ADDRESS:0xSELECTOR or ADDRESS:name(types)"
        ))
    };
    let (addr, sel) = text.split_once(':').ok_or_else(bad)?;
    let addr: Address = addr.trim().parse().map_err(|_| bad())?;
    let sel = sel.trim();
    let selector = if sel.contains('(') {
        FixedBytes::<4>::from_slice(&keccak256(sel.replace(' ', ""))[..4])
    } else {
        sel.parse::<FixedBytes<4>>().map_err(|_| bad())?
    };
    Ok((addr, selector))
}

pub async fn delegate(cli: &Cli, c: &DelegateCommand) -> Result<Report, Failure> {
    match c {
        DelegateCommand::Grant(g) => {
            let (s, c) = signed_community(cli, &g.token.which).await?;
            let account = owned_account_of(&s, &c, g.token.token).await?;
            let allowed = g.allow.iter().map(|t| parse_allow(t)).collect::<Result<Vec<_>, _>>()?;
            let secs = units::parse_duration(&g.expiry)
                .map_err(|e| Failure::input(format!("--expiry {e}")))?;
            let (expiry, r) = grant(&s, account, g.delegate, secs, g.can_sign, &allowed).await?;
            Ok(Report {
                json: json!({"account": account, "delegate": g.delegate, "expiry": expiry, "calls": allowed.len(), "tx": r.transaction_hash}),
                text: format!(
                    "{} may make {} kinds of call from {account} for {secs} s",
                    g.delegate,
                    allowed.len()
                ),
            })
        }
        DelegateCommand::Revoke(rv) => {
            let (s, c) = signed_community(cli, &rv.token.which).await?;
            let account = owned_account_of(&s, &c, rv.token.token).await?;
            let call = ITbaAccount::revokeDelegateCall { delegate: rv.delegate };
            let r = tx::send(&s.provider, account, U256::ZERO, call.abi_encode(), "revokeDelegate")
                .await?;
            Ok(Report {
                json: json!({"account": account, "delegate": rv.delegate, "tx": r.transaction_hash}),
                text: format!("{}'s grant on {account} is void", rv.delegate),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permitted_calls_parse_by_selector_or_signature() {
        let a = "0x00000000000000000000000000000000000000aa";
        let (addr, sel) = parse_allow(&format!("{a}:0x12345678")).unwrap();
        assert_eq!(addr, Address::with_last_byte(0xaa));
        assert_eq!(sel, FixedBytes([0x12, 0x34, 0x56, 0x78]));
        let (_, sel) = parse_allow(&format!("{a}:transfer(address, uint256)")).unwrap();
        assert_eq!(sel, FixedBytes([0xa9, 0x05, 0x9c, 0xbb]));
        for bad in ["nothing", "0x12:0x12345678", &format!("{a}:0x123"), &format!("{a}:")] {
            assert!(parse_allow(bad).is_err(), "{bad}");
        }
    }
}
