//! Models, providers and jobs: `model register | enable`, `provider register | price |
//! unbond | withdraw-bond | withdraw | show`, `job params | request | status | fulfil |
//! accept | dispute | cancel | claim`. A member's job calls go from its NFT's account
//! (the owner executing); a provider's from its own key.

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::DynProvider,
    sol_types::SolCall,
};
use clap::{Args, Subcommand};
use serde_json::json;

use crate::{
    bindings::{dev_weth, ledger::IComputeLedger, market::IJobMarket, models::IModelRegistry},
    community::{deployment, resolve, Community, Which},
    connect::Signed,
    keeper::now,
    member::{from_account, signed_community, TokenArgs},
    tx, units, Cli, Failure, Report,
};

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Register a model whose access is the community's NFT (members only).
    Register(RegisterModel),
    /// Enable or disable a model (its owner or the registry's admin).
    Enable {
        #[arg(long)]
        model: U256,
        /// Disable instead.
        #[arg(long)]
        off: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct RegisterModel {
    #[command(flatten)]
    pub which: Which,
    /// Where the model's metadata is (e.g. ipfs://...).
    #[arg(long)]
    pub uri: String,
    /// The weights file (its keccak-256 is registered) ...
    #[arg(long, conflicts_with = "weights_hash")]
    pub weights: Option<std::path::PathBuf>,
    /// ... or the hash itself.
    #[arg(long)]
    pub weights_hash: Option<B256>,
}

#[derive(Debug, Subcommand)]
pub enum ProviderCommand {
    /// Run the provider node: serve jobs for credits until stopped.
    Run(crate::provider::RunArgs),
    #[command(flatten)]
    Action(ProviderAction),
}

/// One provider transaction or read, on a community's market.
#[derive(Debug, Subcommand)]
pub enum ProviderAction {
    /// Join as a provider (or add bond): wraps ETH into the payment token when short.
    Register {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        endpoint: String,
        /// The bond, in the payment token (e.g. 1).
        #[arg(long)]
        bond: String,
    },
    /// Set the price (credits per unit) for a model.
    Price {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        model: U256,
        /// Credits per unit, in the payment token (e.g. 1gwei).
        #[arg(long)]
        price: String,
    },
    /// Start the unbonding delay.
    Unbond(Which),
    /// Withdraw the bond once unbonded.
    WithdrawBond(Which),
    /// Withdraw final earnings.
    Withdraw(Which),
    /// A provider's bond, unbond time, open jobs, earnings and price.
    Show {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        provider: Option<Address>,
        #[arg(long, default_value_t = U256::ZERO)]
        model: U256,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// The market's parameters (its admin).
    Params(ParamsArgs),
    /// Request a job from a member's account.
    Request(RequestArgs),
    /// A job's state.
    Status(JobId),
    /// Provider: deliver a job's output.
    Fulfil {
        #[command(flatten)]
        job: JobId,
        /// The output (its keccak-256 is the committed hash).
        #[arg(long)]
        output: String,
        /// Where the output can be fetched.
        #[arg(long, default_value = "")]
        output_uri: String,
        /// Units used (tokens).
        #[arg(long)]
        units: U256,
    },
    /// Requester: accept a fulfilled job at once.
    Accept(RequesterJob),
    /// Requester: dispute a fulfilled job within the challenge window.
    Dispute(RequesterJob),
    /// Anyone: end a job nobody finished in time (the requester refunded).
    Cancel(JobId),
    /// Anyone (the provider): make a charge final after the challenge window.
    Claim(JobId),
    /// Requester: fetch a fulfilled job's output from its provider and check its hash.
    Result(RequesterJob),
    /// Anyone (an arbiter): re-run a job's model on its input with the built-in backend and
    /// compare the output's hash with the one the provider committed to.
    Verify(VerifyArgs),
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub job: JobId,
    /// The job's input, as text or `@path` (checked against the hash it committed to).
    #[arg(long)]
    pub input: String,
    /// The model's GGUF file (its keccak-256 is compared with the registry's weights hash).
    #[arg(long)]
    pub model_file: std::path::PathBuf,
    #[arg(long)]
    pub tokenizer: std::path::PathBuf,
    /// The provider's max tokens for the model.
    #[arg(long, default_value_t = 256)]
    pub max_tokens: u32,
}

#[derive(Debug, Clone, Args)]
pub struct ParamsArgs {
    #[command(flatten)]
    pub which: Which,
    #[arg(long, default_value = "1")]
    pub min_bond: String,
    #[arg(long, default_value = "7d")]
    pub unbond_delay: String,
    #[arg(long, default_value = "1d")]
    pub challenge_window: String,
    #[arg(long, default_value = "3d")]
    pub dispute_window: String,
    #[arg(long, default_value = "10m")]
    pub min_window: String,
    #[arg(long, default_value_t = 50_000)]
    pub callback_gas: u64,
    #[arg(long, default_value_t = 1_000)]
    pub slash_bps: u16,
}

#[derive(Debug, Clone, Args)]
pub struct JobId {
    #[command(flatten)]
    pub which: Which,
    /// The job id.
    #[arg(long)]
    pub id: U256,
}

#[derive(Debug, Clone, Args)]
pub struct RequesterJob {
    #[command(flatten)]
    pub token: TokenArgs,
    #[arg(long)]
    pub id: U256,
    /// Act as a scoped key of the token's account (the community AI) instead of its owner.
    #[arg(long)]
    pub delegate: bool,
}

#[derive(Debug, Clone, Args)]
pub struct RequestArgs {
    #[command(flatten)]
    pub token: TokenArgs,
    #[arg(long)]
    pub model: U256,
    #[arg(long)]
    pub provider: Address,
    /// The most credits the job may charge (e.g. 0.001).
    #[arg(long)]
    pub max_credits: String,
    /// The input as text, or `@path` for a file (its keccak-256 is the committed hash).
    #[arg(long)]
    pub input: String,
    /// Upload the input to the provider's endpoint first.
    #[arg(long)]
    pub upload: bool,
    /// Upload, then wait for the fulfilment, fetch and check the output, and accept it
    /// (or dispute it when its bytes do not hash to what the provider committed to).
    #[arg(long)]
    pub wait: bool,
    /// The longest --wait waits.
    #[arg(long, default_value = "10m")]
    pub timeout: String,
    /// Where the provider can fetch the input.
    #[arg(long, default_value = "")]
    pub input_uri: String,
    /// Time the provider has (e.g. 1h).
    #[arg(long, default_value = "1h")]
    pub deadline: String,
    /// Act as a scoped key of the token's account (the community AI) instead of its owner.
    #[arg(long)]
    pub delegate: bool,
}

/// The account a requester acts from: its own token's, or one it holds a grant on.
async fn acting_account(
    s: &Signed,
    com: &Community,
    token: U256,
    delegate: bool,
    selector: alloy::primitives::FixedBytes<4>,
) -> Result<Address, Failure> {
    if delegate {
        crate::member::delegated_account_of(s, com, token, com.market, selector).await
    } else {
        crate::member::owned_account_of(s, com, token).await
    }
}

/// The calls a community AI's key is granted on the pool's account: request, accept and
/// dispute jobs on the community's market.
pub fn ai_scope(market: Address) -> Vec<(Address, alloy::primitives::FixedBytes<4>)> {
    [
        IJobMarket::requestCall::SELECTOR,
        IJobMarket::acceptCall::SELECTOR,
        IJobMarket::disputeCall::SELECTOR,
    ]
    .into_iter()
    .map(|s| (market, s.into()))
    .collect()
}

const STATUS: [&str; 6] = ["none", "requested", "fulfilled", "disputed", "settled", "cancelled"];

fn dur(text: &str, flag: &str) -> Result<u64, Failure> {
    units::parse_duration(text).map_err(|e| Failure::input(format!("--{flag} {e}")))
}

fn amount(text: &str, flag: &str) -> Result<U256, Failure> {
    units::parse_amount(text, 18).map_err(|e| Failure::input(format!("--{flag} {e}")))
}

async fn registry(s: &Signed, cli: &Cli) -> Result<(Address, crate::manifest::Manifest), Failure> {
    let m = deployment(&s.provider, cli, s.chain.chain_id).await?;
    Ok((m.contract("model-registry")?, m))
}

pub async fn model(cli: &Cli, c: &ModelCommand) -> Result<Report, Failure> {
    let s = cli.chain.connect_signed(&cli.key).await?;
    let (models, m) = registry(&s, cli).await?;
    match c {
        ModelCommand::Register(r) => {
            let community = resolve(&s.provider, &m, r.which.community).await?;
            let weights_hash = match (&r.weights, r.weights_hash) {
                (Some(path), _) => keccak256(std::fs::read(path).map_err(|e| {
                    Failure::input(format!("cannot read --weights {}: {e}", path.display()))
                })?),
                (None, Some(h)) => h,
                (None, None) => {
                    return Err(Failure::input("pass --weights FILE or --weights-hash"))
                }
            };
            let call = IModelRegistry::registerModelCall {
                metadataUri: Bytes::from(r.uri.clone().into_bytes()),
                weightsHash: weights_hash,
                unitKind: 0,
                collection: community.membership,
                registry: m.contract("erc6551-registry")?,
                implementation: m.contract("tba-account")?,
            };
            let rc = tx::send(&s.provider, models, U256::ZERO, call.abi_encode(), "registerModel")
                .await?;
            let e = rc
                .decoded_log::<crate::bindings::models::IModelRegistryEvents::ModelRegistered>()
                .ok_or_else(|| Failure::rpc("registerModel emitted no ModelRegistered"))?;
            Ok(Report {
                json: json!({"model": e.id.to_string(), "weightsHash": weights_hash, "tx": rc.transaction_hash}),
                text: format!(
                    "model {} registered for community {} members",
                    e.id, community.index
                ),
            })
        }
        ModelCommand::Enable { model, off } => {
            let call = IModelRegistry::setModelEnabledCall { id: *model, enabled: !off };
            let rc =
                tx::send(&s.provider, models, U256::ZERO, call.abi_encode(), "setModelEnabled")
                    .await?;
            Ok(Report {
                json: json!({"model": model.to_string(), "enabled": !off, "tx": rc.transaction_hash}),
                text: format!("model {model} {}", if *off { "disabled" } else { "enabled" }),
            })
        }
    }
}

/// The community's payment token (the ledger's), in which bonds and credits are.
pub async fn payment(p: &DynProvider, c: &Community) -> Result<Address, Failure> {
    IComputeLedger::new(c.ledger, p)
        .addresses()
        .call()
        .await
        .map(|a| a._2)
        .map_err(|e| tx::contract_error(e, "the ledger's addresses"))
}

/// What the market holds for `provider`: (bond, unbond time, open jobs, earnings, price of
/// `model`). Called by hand: the binding's `provider()` is its RPC provider's accessor.
pub async fn provider_state(
    p: &DynProvider,
    market: Address,
    provider: Address,
    model: U256,
) -> Result<(U256, u64, u64, U256, U256), Failure> {
    let call = IJobMarket::providerCall { provider, model };
    let out = tx::call(p, None, market, call.abi_encode(), "provider").await?;
    let v = IJobMarket::providerCall::abi_decode_returns(&out)
        .map_err(|e| Failure::rpc(format!("the market answered provider() with {e}")))?;
    Ok((v._0, v._1, v._2, v._3, v._4))
}

/// Bonds `bond` more of the payment token (wrapping ETH when short: WETH9's `deposit()`)
/// and announces `endpoint`: `joinProvider`, which adds to a bond and updates the endpoint.
pub async fn bond_and_join(
    p: &DynProvider,
    me: Address,
    c: &Community,
    endpoint: &str,
    bond: U256,
) -> Result<alloy::rpc::types::TransactionReceipt, Failure> {
    if !bond.is_zero() {
        let token = payment(p, c).await?;
        let have = dev_weth::IERC20::new(token, p)
            .balanceOf(me)
            .call()
            .await
            .map_err(|e| tx::contract_error(e, "balanceOf"))?;
        if have < bond {
            let wrap = dev_weth::IMockErc20::depositCall {}.abi_encode();
            tx::send(p, token, bond - have, wrap, "wrapping ETH for the bond").await?;
        }
        let approve = dev_weth::IERC20::approveCall { spender: c.market, value: bond };
        tx::send(p, token, U256::ZERO, approve.abi_encode(), "approving the bond").await?;
    }
    let join =
        IJobMarket::joinProviderCall { endpoint: Bytes::from(endpoint.as_bytes().to_vec()), bond };
    tx::send(p, c.market, U256::ZERO, join.abi_encode(), "joinProvider").await
}

fn done(what: String, r: &alloy::rpc::types::TransactionReceipt) -> Report {
    Report { json: json!({"done": what, "tx": r.transaction_hash}), text: what }
}

pub async fn provider(cli: &Cli, c: &ProviderCommand) -> Result<Report, Failure> {
    match c {
        // The node resolves its own community from its configuration.
        ProviderCommand::Run(a) => crate::provider::run(cli, a).await,
        ProviderCommand::Action(a) => provider_action(cli, a).await,
    }
}

async fn provider_action(cli: &Cli, c: &ProviderAction) -> Result<Report, Failure> {
    let which = match c {
        ProviderAction::Register { which, .. }
        | ProviderAction::Price { which, .. }
        | ProviderAction::Show { which, .. }
        | ProviderAction::Unbond(which)
        | ProviderAction::WithdrawBond(which)
        | ProviderAction::Withdraw(which) => which,
    };
    let (s, com) = signed_community(cli, which).await?;
    let p = &s.provider;
    let send = |data: Vec<u8>, what: &'static str| tx::send(p, com.market, U256::ZERO, data, what);
    match c {
        ProviderAction::Register { endpoint, bond, .. } => {
            let bond = amount(bond, "bond")?;
            let r = bond_and_join(p, s.from, &com, endpoint, bond).await?;
            Ok(done(
                format!(
                    "{} bonded {} in community {}'s market",
                    s.from,
                    units::eth(bond),
                    com.index
                ),
                &r,
            ))
        }
        ProviderAction::Price { model, price, .. } => {
            let price = amount(price, "price")?;
            let r =
                send(IJobMarket::setPriceCall { model: *model, price }.abi_encode(), "setPrice")
                    .await?;
            Ok(done(format!("price of model {model}: {} per unit", units::eth(price)), &r))
        }
        ProviderAction::Unbond(_) => {
            let r = send(IJobMarket::startUnbondCall {}.abi_encode(), "startUnbond").await?;
            Ok(done("unbonding started".into(), &r))
        }
        ProviderAction::WithdrawBond(_) => {
            let r = send(IJobMarket::withdrawBondCall {}.abi_encode(), "withdrawBond").await?;
            Ok(done("bond withdrawn".into(), &r))
        }
        ProviderAction::Withdraw(_) => {
            let r = send(IJobMarket::withdrawCall {}.abi_encode(), "withdraw").await?;
            Ok(done("earnings withdrawn".into(), &r))
        }
        ProviderAction::Show { provider, model, .. } => {
            let who = provider.unwrap_or(s.from);
            let v = provider_state(p, com.market, who, *model).await?;
            Ok(Report {
                json: json!({"provider": who, "bond": v.0.to_string(), "unbondAt": v.1, "openJobs": v.2, "earnings": v.3.to_string(), "price": v.4.to_string()}),
                text: format!(
                    "provider {who}: bond {}, unbond at {}, {} open jobs, earnings {}, price {} per unit",
                    units::eth(v.0),
                    v.1,
                    v.2,
                    units::eth(v.3),
                    units::eth(v.4)
                ),
            })
        }
    }
}

pub async fn job(cli: &Cli, c: &JobCommand) -> Result<Report, Failure> {
    match c {
        JobCommand::Status(j) => {
            let chain = cli.chain.connect().await?;
            let m = deployment(&chain.provider, cli, chain.chain_id).await?;
            let com = resolve(&chain.provider, &m, j.which.community).await?;
            let v = IJobMarket::new(com.market, &chain.provider)
                .job(j.id)
                .call()
                .await
                .map_err(|e| tx::contract_error(e, "job"))?;
            let status = STATUS.get(usize::from(v._2)).copied().unwrap_or("unknown");
            Ok(Report {
                json: json!({"id": j.id.to_string(), "requester": v._0, "provider": v._1, "status": status, "deadline": v._3, "fulfilledAt": v._4, "maxCredits": v._5.to_string(), "price": v._6.to_string(), "charge": v._7.to_string()}),
                text: format!(
                    "job {}: {status}; requester {}, provider {}, deadline {}, charge {} of at most {}",
                    j.id,
                    v._0,
                    v._1,
                    v._3,
                    units::eth(v._7),
                    units::eth(v._5)
                ),
            })
        }
        JobCommand::Params(a) => {
            let (s, com) = signed_community(cli, &a.which).await?;
            let call = IJobMarket::setParamsCall {
                minBond: amount(&a.min_bond, "min-bond")?,
                unbondDelay: dur(&a.unbond_delay, "unbond-delay")?,
                challengeWindow: dur(&a.challenge_window, "challenge-window")?,
                disputeWindow: dur(&a.dispute_window, "dispute-window")?,
                minWindow: dur(&a.min_window, "min-window")?,
                callbackGas: a.callback_gas,
                slashBps: a.slash_bps,
            };
            let r = tx::send(&s.provider, com.market, U256::ZERO, call.abi_encode(), "setParams")
                .await?;
            Ok(done(format!("market parameters of community {} set", com.index), &r))
        }
        JobCommand::Request(a) => {
            let (s, com) = signed_community(cli, &a.token.which).await?;
            let selector = IJobMarket::requestCall::SELECTOR.into();
            let account = acting_account(&s, &com, a.token.token, a.delegate, selector).await?;
            let input = crate::requester::read_input(&a.input)?;
            // The provider's endpoint is checked before the request costs anything.
            let endpoint = if a.upload || a.wait {
                Some(crate::requester::endpoint_of(&s.provider, com.market, a.provider).await?)
            } else {
                None
            };
            let deadline = now(&s.provider).await?.saturating_add(dur(&a.deadline, "deadline")?);
            let call = IJobMarket::requestCall {
                model: a.model,
                provider: a.provider,
                maxCredits: amount(&a.max_credits, "max-credits")?,
                inputHash: keccak256(&input),
                inputUri: Bytes::from(a.input_uri.clone().into_bytes()),
                deadline,
                tokenId: a.token.token,
                salt: B256::ZERO,
            };
            let r = from_account(&s, account, com.market, call.abi_encode(), "request").await?;
            let e = r
                .decoded_log::<crate::bindings::market::IJobMarketEvents::JobRequested>()
                .ok_or_else(|| Failure::rpc("request emitted no JobRequested"))?;
            // The provider takes only inputs a job commits to: uploaded after the request.
            if let Some(endpoint) = &endpoint {
                crate::requester::upload(endpoint, &input).await?;
            }
            if !a.wait {
                return Ok(Report {
                    json: json!({"id": e.id.to_string(), "deadline": deadline, "tx": r.transaction_hash}),
                    text: format!(
                        "job {} requested from {} (deadline {deadline})",
                        e.id, a.provider
                    ),
                });
            }
            eprintln!("job {} requested; waiting for {}", e.id, a.provider);
            let timeout = std::time::Duration::from_secs(dur(&a.timeout, "timeout")?);
            let f =
                crate::requester::wait_fulfilled(&s.provider, com.market, e.id, timeout).await?;
            // An output that cannot be fetched is disputed like a wrong one: otherwise the
            // provider is paid by claiming after the challenge window.
            let (output, fetch_error) =
                match crate::requester::fetch_output(&s, com.market, account, e.id, &f).await {
                    Ok(o) => (o, None),
                    Err(err) => (Vec::new(), Some(err.message)),
                };
            let matches = fetch_error.is_none() && keccak256(&output) == f.output_hash;
            let disputed = |why: &str| format!("disputed: {why}");
            let (data, what) = if matches {
                (IJobMarket::acceptCall { job: e.id }.abi_encode(), "accepted".to_string())
            } else {
                let why = match &fetch_error {
                    Some(err) => disputed(&format!("the output could not be fetched ({err})")),
                    None => disputed("the output does not hash to the committed hash"),
                };
                (IJobMarket::disputeCall { job: e.id }.abi_encode(), why)
            };
            let what = what.as_str();
            from_account(&s, account, com.market, data, what).await?;
            let text = String::from_utf8_lossy(&output).into_owned();
            Ok(Report {
                json: json!({"id": e.id.to_string(), "output": text, "outputHash": f.output_hash, "units": f.units.to_string(), "verified": matches, "settled": what}),
                text: format!("job {} {what} ({} units):\n{text}", e.id, f.units),
            })
        }
        JobCommand::Verify(a) => verify(cli, a).await,
        JobCommand::Result(a) => {
            let (s, com) = signed_community(cli, &a.token.which).await?;
            let account = if a.delegate {
                crate::member::delegated_account_of(
                    &s,
                    &com,
                    a.token.token,
                    com.market,
                    IJobMarket::acceptCall::SELECTOR.into(),
                )
                .await?
            } else {
                crate::member::owned_account_of(&s, &com, a.token.token).await?
            };
            let f = crate::requester::wait_fulfilled(
                &s.provider,
                com.market,
                a.id,
                std::time::Duration::ZERO,
            )
            .await?;
            let output = crate::requester::fetch_output(&s, com.market, account, a.id, &f).await?;
            let matches = keccak256(&output) == f.output_hash;
            let text = String::from_utf8_lossy(&output).into_owned();
            Ok(Report {
                json: json!({"id": a.id.to_string(), "output": text, "outputHash": f.output_hash, "verified": matches}),
                text: format!(
                    "job {} ({}):\n{text}",
                    a.id,
                    if matches { "verified" } else { "DOES NOT MATCH the committed hash" }
                ),
            })
        }
        JobCommand::Fulfil { job, output, output_uri, units } => {
            let (s, com) = signed_community(cli, &job.which).await?;
            let call = IJobMarket::fulfilCall {
                job: job.id,
                outputHash: keccak256(output.as_bytes()),
                outputUri: Bytes::from(output_uri.clone().into_bytes()),
                units: *units,
            };
            let r =
                tx::send(&s.provider, com.market, U256::ZERO, call.abi_encode(), "fulfil").await?;
            Ok(done(format!("job {} fulfilled with {units} units", job.id), &r))
        }
        JobCommand::Accept(a) | JobCommand::Dispute(a) => {
            let (s, com) = signed_community(cli, &a.token.which).await?;
            let selector = match c {
                JobCommand::Accept(_) => IJobMarket::acceptCall::SELECTOR,
                _ => IJobMarket::disputeCall::SELECTOR,
            };
            let account =
                acting_account(&s, &com, a.token.token, a.delegate, selector.into()).await?;
            let (data, what) = match c {
                JobCommand::Accept(_) => {
                    (IJobMarket::acceptCall { job: a.id }.abi_encode(), "accepted")
                }
                _ => (IJobMarket::disputeCall { job: a.id }.abi_encode(), "disputed"),
            };
            let r = from_account(&s, account, com.market, data, what).await?;
            Ok(done(format!("job {}: {what}", a.id), &r))
        }
        JobCommand::Cancel(j) | JobCommand::Claim(j) => {
            let (s, com) = signed_community(cli, &j.which).await?;
            let (data, what) = match c {
                JobCommand::Cancel(_) => {
                    (IJobMarket::cancelCall { job: j.id }.abi_encode(), "cancelled")
                }
                _ => (IJobMarket::acceptCall { job: j.id }.abi_encode(), "claimed"),
            };
            let r = tx::send(&s.provider, com.market, U256::ZERO, data, what).await?;
            Ok(done(format!("job {}: {what}", j.id), &r))
        }
    }
}

/// Re-runs a job and compares: the evidence an arbiter uses in a dispute.
async fn verify(cli: &Cli, a: &VerifyArgs) -> Result<Report, Failure> {
    use crate::{
        bindings::market::IJobMarketEvents::{JobFulfilled, JobRequested},
        requester::job_event,
    };
    let chain = cli.chain.connect().await?;
    let m = deployment(&chain.provider, cli, chain.chain_id).await?;
    let com = resolve(&chain.provider, &m, a.job.which.community).await?;
    let r = job_event::<JobRequested>(&chain.provider, com.market, a.job.id)
        .await?
        .ok_or_else(|| Failure::input(format!("no job {}", a.job.id)))?;
    let f = job_event::<JobFulfilled>(&chain.provider, com.market, a.job.id)
        .await?
        .ok_or_else(|| Failure::input(format!("job {} has not been fulfilled", a.job.id)))?;
    let input = crate::requester::read_input(&a.input)?;
    if keccak256(&input) != r.inputHash {
        return Err(Failure::input(format!(
            "that input hashes to {}, but job {} committed to {}",
            keccak256(&input),
            a.job.id,
            r.inputHash
        )));
    }
    let weights = std::fs::read(&a.model_file).map_err(|e| {
        Failure::input(format!("cannot read --model-file {}: {e}", a.model_file.display()))
    })?;
    let registered = IModelRegistry::new(m.contract("model-registry")?, &chain.provider)
        .model(r.model)
        .call()
        .await
        .map_err(|e| tx::contract_error(e, "model"))?
        ._6;
    let weights_match = keccak256(&weights) == registered;
    let b = crate::provider::builtin::Builtin::load(&a.model_file, &a.tokenizer)
        .map_err(Failure::input)?;
    let prompt = String::from_utf8_lossy(&input).into_owned();
    let g = b.generate(&prompt, a.max_tokens as usize).map_err(Failure::input)?;
    let hash = keccak256(g.text.as_bytes());
    let same = hash == f.outputHash;
    let units = U256::from(g.tokens_in) + U256::from(g.tokens_out);
    Ok(Report {
        json: json!({"id": a.job.id.to_string(), "matches": same, "weightsMatch": weights_match, "outputHash": hash, "committed": f.outputHash, "units": units.to_string(), "committedUnits": f.units.to_string(), "output": g.text}),
        text: format!(
            "job {}: the re-run output {} the committed hash ({hash} vs {}); units {units} vs {} charged; the model file {} the registry's weights hash",
            a.job.id,
            if same { "MATCHES" } else { "DOES NOT MATCH" },
            f.outputHash,
            f.units,
            if weights_match { "matches" } else { "does not match" }
        ),
    })
}
