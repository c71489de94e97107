//! `compute-fi deploy`: the suite on one chain, the way cargo-stylus deploys a program,
//! resumable and idempotent.
//!
//! Every program goes through nitro-contracts' StylusDeployer, which creates, activates and
//! constructs in one transaction. It is used with a salt, so the deployer creates by
//! CREATE2 at an address known before sending (`keccak256(salt ‖ initData)` as the
//! deployer salts it): a rerun finds what an interrupted run created and records it instead
//! of creating it twice, which a plain CREATE (what cargo-stylus does for programs without
//! a constructor) cannot promise. Activation is paid only when `codehashVersion` says the
//! code is not active yet; the data fee is read first by an `eth_call` of
//! `activateProgram` on an address spoofed with the code (a state override), and 20% more
//! is sent, the deployer refunding what activation does not take.
//!
//! The implementations are constructed at deployment (their admin the deploying account),
//! so nobody can set one up and take it over; communities are their clones.

use std::path::{Path, PathBuf};

use alloy::{
    network::TransactionBuilder,
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::{DynProvider, Provider},
    rpc::types::{
        state::{AccountOverride, StateOverridesBuilder},
        TransactionRequest,
    },
    sol_types::{SolCall, SolValue},
};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::{
    bindings::{
        dev_source, IArbWasm, IArbWasmCache, ICacheManager, IStylusDeployer, ARB_WASM,
        ARB_WASM_CACHE, STYLUS_DEPLOYER,
    },
    canonical,
    connect::Signed,
    manifest::{code_at, Deployed, External, Manifest},
    tx, units, Failure, Report,
};

/// Chains where the tool may deploy development externals (the Nitro dev node's and
/// anvil's ids): nowhere else is a mock WETH acceptable.
pub const DEV_CHAINS: [u64; 2] = [412_346, 31_337];

#[derive(Debug, Clone, Args)]
pub struct DeployArgs {
    /// The chain's WETH (the asset of every community).
    #[arg(long)]
    pub weth: Option<Address>,
    /// An ERC-4626 yield source over WETH (e.g. an Aave static aToken wrapper).
    #[arg(long)]
    pub source: Option<Address>,
    /// A Chainlink-style price feed for conversions into a payment token.
    #[arg(long)]
    pub price_feed: Option<Address>,
    /// The L2 sequencer uptime feed.
    #[arg(long)]
    pub sequencer_feed: Option<Address>,
    /// A Uniswap-v3-style swap router.
    #[arg(long)]
    pub router: Option<Address>,
    /// Place CacheManager bids for the implementations (one bid covers every clone).
    #[arg(long)]
    pub cache_bid: bool,
    /// Deploy the suite's own (reference-exact, Stylus) ERC-6551 registry instead of the
    /// canonical one, for a chain that cannot take the canonical deployment.
    #[arg(long)]
    pub stylus_registry: bool,
    /// Where the built artifacts are (`<crate>.code`, from `scripts/cf build`).
    #[arg(long, env = "CF_ARTIFACTS_DIR", default_value = "target/stylus")]
    pub artifacts: PathBuf,
}

/// One program of the suite: crate name and constructor arguments (none: no constructor).
struct Program {
    name: &'static str,
    args: Option<Vec<u8>>,
}

pub async fn run(s: &Signed, a: &DeployArgs, dir: &Path, quiet: bool) -> Result<Report, Failure> {
    let p = &s.provider;
    let chain_id = s.chain.chain_id;
    if code_at(p, STYLUS_DEPLOYER).await?.is_empty() {
        return Err(Failure::input(format!(
            "chain {chain_id} has no StylusDeployer at {STYLUS_DEPLOYER}: not an Arbitrum chain with Stylus (or one without nitro-contracts' deployer)"
        )));
    }
    let version = IArbWasm::new(ARB_WASM, p)
        .stylusVersion()
        .call()
        .await
        .map_err(|e| tx::contract_error(e, "ArbWasm.stylusVersion"))?;
    let mut m = Manifest::load_or_new(dir, chain_id)?;
    let lost = m.forget_lost(p).await?;
    if !lost.is_empty() && !quiet {
        eprintln!(
            "the chain lost {} since the last run (restarted from older state): deploying again",
            lost.join(", ")
        );
    }
    m.verify(p).await?;
    if m.deployer != Address::ZERO && m.deployer != s.from {
        return Err(Failure::input(format!(
            "the suite on chain {chain_id} was deployed by {}; rerun with that key, or use another --deployments folder",
            m.deployer
        )));
    }
    m.deployer = s.from;
    m.stylus_version = version;
    let bar = progress(quiet, 12);
    let mut sent = 0usize;
    let mut d = Deployer { s, dir, version, artifacts: &a.artifacts, bar: &bar, sent: &mut sent };

    // Externals first: the implementations' constructors check them.
    let (weth, source) = d.externals(&mut m, a).await?;
    let registry = if a.stylus_registry {
        d.ensure(&mut m, Program { name: "erc6551-registry", args: None }).await?
    } else {
        d.canonical_registry(&mut m).await?
    };
    let account = d.ensure(&mut m, Program { name: "tba-account", args: None }).await?;
    let me = s.from;
    let models = d
        .ensure(&mut m, Program { name: "model-registry", args: Some((me,).abi_encode_params()) })
        .await?;
    let ledger = d
        .ensure(
            &mut m,
            Program {
                name: "compute-ledger",
                args: Some((me, me, weth, weth, me, 0u16, Address::ZERO).abi_encode_params()),
            },
        )
        .await?;
    let word = |s: &[u8]| B256::right_padding_from(s);
    let vault = d
        .ensure(
            &mut m,
            Program {
                name: "yield-vault",
                args: Some(
                    (
                        weth,
                        source,
                        ledger,
                        me,
                        word(b"implementation"),
                        word(b"IMPL"),
                        true,
                        0u64,
                        U256::from(1u8),
                        false,
                    )
                        .abi_encode_params(),
                ),
            },
        )
        .await?;
    let market = d
        .ensure(
            &mut m,
            Program {
                name: "job-market",
                args: Some((me, ledger, weth, models).abi_encode_params()),
            },
        )
        .await?;
    let membership = d
        .ensure(
            &mut m,
            Program {
                name: "membership",
                args: Some(
                    (
                        "implementation".to_string(),
                        "IMPL".to_string(),
                        String::new(),
                        me,
                        weth,
                        vault,
                        registry,
                        account,
                        U256::from(1u8),
                    )
                        .abi_encode_params(),
                ),
            },
        )
        .await?;
    d.ensure(
        &mut m,
        Program {
            name: "community-factory",
            args: Some(
                (vault, ledger, market, membership, registry, account, models).abi_encode_params(),
            ),
        },
    )
    .await?;
    if a.cache_bid {
        for name in ["yield-vault", "compute-ledger", "job-market", "membership", "tba-account"] {
            d.cache(&mut m, name).await?;
        }
    }
    bar.finish_and_clear();
    let text = format!(
        "suite on chain {chain_id} ({} sent, Stylus version {version}): {}\nfactory {}\nmanifest {}",
        if sent == 0 { "nothing".to_string() } else { format!("{sent} transactions") },
        m.contracts.len(),
        m.contract("community-factory")?,
        Manifest::path(dir, chain_id).display()
    );
    Ok(Report {
        json: json!({"chainId": chain_id, "sent": sent, "manifest": Manifest::path(dir, chain_id), "deployment": m}),
        text,
    })
}

pub fn progress(quiet: bool, steps: u64) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(steps);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar
}

struct Deployer<'a> {
    s: &'a Signed,
    dir: &'a Path,
    version: u16,
    artifacts: &'a Path,
    bar: &'a ProgressBar,
    sent: &'a mut usize,
}

impl Deployer<'_> {
    fn p(&self) -> &DynProvider {
        &self.s.provider
    }

    /// WETH and the yield source: given, recorded, or (on a development chain only)
    /// deployed from the mocks.
    async fn externals(
        &mut self,
        m: &mut Manifest,
        a: &DeployArgs,
    ) -> Result<(Address, Address), Failure> {
        let chain_id = m.chain_id;
        for (role, given) in [
            ("weth", a.weth),
            ("source", a.source),
            ("priceFeed", a.price_feed),
            ("sequencerFeed", a.sequencer_feed),
            ("router", a.router),
        ] {
            let Some(addr) = given else { continue };
            if code_at(self.p(), addr).await?.is_empty() {
                return Err(Failure::input(format!(
                    "--{} {addr} has no code on chain {chain_id}",
                    flag(role)
                )));
            }
            if let Some(old) = m.externals.get(role) {
                if old.address != addr {
                    return Err(Failure::input(format!(
                        "the manifest of chain {chain_id} already has {role} {}; the implementations were built over it. Use another --deployments folder for another {role}",
                        old.address
                    )));
                }
            }
            m.externals.insert(role.into(), External { address: addr, dev: false });
        }
        let dev = DEV_CHAINS.contains(&chain_id);
        let weth = match m.externals.get("weth") {
            Some(e) => e.address,
            None if dev => {
                let args = ("Wrapped Ether".to_string(), "WETH".to_string(), U256::from(18u8)).abi_encode_params();
                let w = self.ensure_program("mock-erc20", Some(args), "dev:weth").await?.address;
                m.externals.insert("weth".into(), External { address: w, dev: true });
                w
            }
            None => {
                return Err(Failure::input(format!(
                    "chain {chain_id} has no WETH in the manifest: pass --weth ADDRESS (and --source, an ERC-4626 over it)"
                )))
            }
        };
        let source = match m.externals.get("source") {
            Some(e) => e.address,
            None if dev => {
                let args =
                    (weth, "Dev Yield Source".to_string(), "dysWETH".to_string()).abi_encode_params();
                let s = self.ensure_program("mock-yield-source", Some(args), "dev:source").await?.address;
                m.externals.insert("source".into(), External { address: s, dev: true });
                s
            }
            None => {
                return Err(Failure::input(format!(
                    "chain {chain_id} has no yield source in the manifest: pass --source ADDRESS (an ERC-4626 over WETH)"
                )))
            }
        };
        let asset = dev_source::IERC4626::new(source, self.p())
            .asset()
            .call()
            .await
            .map_err(|e| tx::contract_error(e, "the source's asset()"))?;
        if asset != weth {
            return Err(Failure::input(format!(
                "the yield source {source} is over {asset}, not the WETH {weth}"
            )));
        }
        m.save(self.dir)?;
        Ok((weth, source))
    }

    /// A program of the suite: the recorded one, or created now.
    async fn ensure(&mut self, m: &mut Manifest, prog: Program) -> Result<Address, Failure> {
        self.bar.inc(1);
        self.bar.set_message(prog.name);
        if let Some(d) = m.contracts.get(prog.name) {
            return Ok(d.address);
        }
        let d = self.ensure_program(prog.name, prog.args, prog.name).await?;
        let a = d.address;
        m.contracts.insert(prog.name.into(), d);
        m.save(self.dir)?;
        Ok(a)
    }

    /// The canonical ERC-6551 registry: found, or created as the ERC prescribes (through
    /// Nick's factory, itself created from its keyless transaction when missing).
    async fn canonical_registry(&mut self, m: &mut Manifest) -> Result<Address, Failure> {
        self.bar.inc(1);
        self.bar.set_message("erc6551-registry");
        let name = "erc6551-registry";
        if let Some(d) = m.contracts.get(name) {
            return Ok(d.address);
        }
        let a = canonical::ERC6551_REGISTRY;
        let mut deploy_tx = None;
        if code_at(self.p(), a).await?.is_empty() {
            *self.sent += canonical::ensure_create2_factory(self.p(), m.chain_id).await?;
            deploy_tx = Some(canonical::deploy_erc6551_registry(self.p()).await?);
            *self.sent += 1;
        }
        let code = code_at(self.p(), a).await?;
        m.contracts.insert(
            name.into(),
            Deployed {
                address: a,
                code_hash: keccak256(&code),
                stylus_version: 0,
                deploy_tx,
                data_fee: U256::ZERO,
                cached: false,
            },
        );
        m.save(self.dir)?;
        Ok(a)
    }

    /// Creates (or finds, at its CREATE2 address) one program with its constructor
    /// arguments; `salt_name` makes the address.
    async fn ensure_program(
        &mut self,
        crate_name: &str,
        args: Option<Vec<u8>>,
        salt_name: &str,
    ) -> Result<Deployed, Failure> {
        let path = self.artifacts.join(format!("{crate_name}.code"));
        let code = std::fs::read(&path).map_err(|e| {
            Failure::input(format!(
                "artifact {} not found ({e}): build it with `scripts/cf build`, or pass --artifacts",
                path.display()
            ))
        })?;
        let code_hash = keccak256(&code);
        let bytecode = local_chain::deployer_initcode(&code);
        let init_data: Vec<u8> = match &args {
            Some(a) => local_chain::constructor_selector().iter().chain(a).copied().collect(),
            None => Vec::new(),
        };
        let salt = keccak256(format!("compute-fi:{salt_name}"));
        let at = STYLUS_DEPLOYER
            .create2(keccak256([salt.as_slice(), &init_data].concat()), keccak256(&bytecode));
        let existing = code_at(self.p(), at).await?;
        if !existing.is_empty() {
            if keccak256(&existing) != code_hash {
                return Err(Failure::input(format!(
                    "{at} (where {crate_name} would be created) holds other code: the artifact changed since it was deployed"
                )));
            }
            return Ok(Deployed {
                address: at,
                code_hash,
                stylus_version: self.active_version(code_hash).await,
                deploy_tx: None,
                data_fee: U256::ZERO,
                cached: self.is_cached(code_hash).await,
            });
        }
        let active = self.active_version(code_hash).await == self.version;
        let fee = if active { U256::ZERO } else { self.data_fee(&code, crate_name).await? };
        let call = IStylusDeployer::deployCall {
            bytecode,
            initData: init_data.into(),
            initValue: U256::ZERO,
            salt,
        };
        let before = self.balance(None).await?;
        let receipt = tx::send(
            self.p(),
            STYLUS_DEPLOYER,
            fee + fee / U256::from(5u8),
            call.abi_encode(),
            &format!("deploying {crate_name}"),
        )
        .await?;
        *self.sent += 1;
        let block = receipt.block_number.unwrap_or_default();
        let after = self.balance(Some(block)).await?;
        let gas = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
        // What left the account beyond gas is the data fee (the deployer refunds the rest).
        let data_fee = before.saturating_sub(after).saturating_sub(gas);
        if code_at(self.p(), at).await?.is_empty() {
            return Err(Failure::rpc(format!(
                "deploying {crate_name}: transaction {} succeeded but {at} has no code",
                receipt.transaction_hash
            )));
        }
        Ok(Deployed {
            address: at,
            code_hash,
            stylus_version: self.version,
            deploy_tx: Some(receipt.transaction_hash),
            data_fee,
            cached: self.is_cached(code_hash).await,
        })
    }

    async fn balance(&self, at: Option<u64>) -> Result<U256, Failure> {
        let mut q = self.p().get_balance(self.s.from);
        if let Some(b) = at {
            q = q.number(b);
        }
        q.await
            .map_err(|e| Failure::rpc(format!("cannot read the balance of {}: {e}", self.s.from)))
    }

    /// The version `hash` is active at; 0 when it is not (ArbWasm reverts for those).
    async fn active_version(&self, hash: B256) -> u16 {
        IArbWasm::new(ARB_WASM, self.p()).codehashVersion(hash).call().await.unwrap_or(0)
    }

    async fn is_cached(&self, hash: B256) -> bool {
        IArbWasmCache::new(ARB_WASM_CACHE, self.p())
            .codehashIsCached(hash)
            .call()
            .await
            .unwrap_or(false)
    }

    /// The data fee activation of `code` takes now: `activateProgram` called on an address
    /// holding the code by a state override, with a full ether of value to pay it from.
    async fn data_fee(&self, code: &[u8], name: &str) -> Result<U256, Failure> {
        let spoof = Address::from_word(keccak256(b"compute-fi:data-fee-probe"));
        let overrides = StateOverridesBuilder::default()
            .append(
                spoof,
                AccountOverride { code: Some(Bytes::copy_from_slice(code)), ..Default::default() },
            )
            .append(
                self.s.from,
                AccountOverride {
                    balance: Some(U256::from(10u64).pow(U256::from(21u8))),
                    ..Default::default()
                },
            )
            .build();
        let probe = TransactionRequest::default()
            .with_from(self.s.from)
            .with_to(ARB_WASM)
            .with_value(U256::from(10u64).pow(U256::from(18u8)))
            .with_input(IArbWasm::activateProgramCall { program: spoof }.abi_encode());
        let out = self
            .p()
            .call(probe)
            .overrides(overrides)
            .await
            .map_err(|e| tx::refused(e, &format!("estimating {name}'s activation data fee")))?;
        IArbWasm::activateProgramCall::abi_decode_returns(&out)
            .map(|r| r.dataFee)
            .map_err(|e| Failure::rpc(format!("ArbWasm answered the data-fee probe with {e}")))
    }

    /// A CacheManager bid for one implementation, at the manager's minimum.
    async fn cache(&mut self, m: &mut Manifest, name: &str) -> Result<(), Failure> {
        let Some(d) = m.contracts.get(name).cloned() else { return Ok(()) };
        if d.cached || self.is_cached(d.code_hash).await {
            if let Some(e) = m.contracts.get_mut(name) {
                e.cached = true;
            }
            m.save(self.dir)?;
            return Ok(());
        }
        let managers = IArbWasmCache::new(ARB_WASM_CACHE, self.p())
            .allCacheManagers()
            .call()
            .await
            .map_err(|e| tx::contract_error(e, "ArbWasmCache.allCacheManagers"))?;
        let Some(manager) = managers.first().copied() else {
            return Err(Failure::input(format!(
                "chain {} has no cache manager: deploy without --cache-bid",
                m.chain_id
            )));
        };
        let cm = ICacheManager::new(manager, self.p());
        let min = cm
            .getMinBid(d.address)
            .call()
            .await
            .map_err(|e| tx::contract_error(e, &format!("the minimum cache bid for {name}")))?;
        let bid = U256::from(min);
        tx::send(
            self.p(),
            manager,
            bid,
            ICacheManager::placeBidCall { program: d.address }.abi_encode(),
            &format!("caching {name} (bid {})", units::eth(bid)),
        )
        .await?;
        *self.sent += 1;
        if let Some(e) = m.contracts.get_mut(name) {
            e.cached = true;
        }
        m.save(self.dir)
    }
}

fn flag(role: &str) -> String {
    role.chars()
        .flat_map(
            |c| {
                if c.is_ascii_uppercase() {
                    vec!['-', c.to_ascii_lowercase()]
                } else {
                    vec![c]
                }
            },
        )
        .collect()
}
