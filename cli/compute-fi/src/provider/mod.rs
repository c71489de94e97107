//! `compute-fi provider run`: the provider node. It follows the market's `JobRequested`
//! logs addressed to it from a persisted block cursor (bounded `eth_getLogs` ranges,
//! confirmations for reorgs), takes the jobs it can finish in time, runs them on a
//! bounded worker pool, fulfils them with the output's hash, URI and units, claims them
//! after the challenge window and withdraws earnings on a schedule. Its state is SQLite
//! (`store`), so a restart at any point neither loses a job nor fulfils one twice. Every
//! failure of the chain or a backend is logged and retried on the next poll; nothing is
//! fatal after start but the HTTP listener.
//!
//! One module per concern: `config`, `store`, `backend` (the models), `serve` (HTTP:
//! inputs, outputs to their requester, health, metrics), `metrics`; the loop's phases
//! (`follow`, `dispatch`, `fulfil`, `settle`, `withdraw`) are below.

pub mod backend;
pub mod builtin;
pub mod config;
pub mod metrics;
pub mod serve;
pub mod store;

use std::{path::PathBuf, sync::Arc, time::Instant};

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider},
    rpc::types::{Filter, TransactionRequest},
    sol_types::{SolCall, SolEvent},
};
use clap::Args;
use serde_json::json;
use tokio::sync::Semaphore;

use self::{config::Config, metrics::Metrics, store::Store};
use crate::{
    bindings::market::{IJobMarket, IJobMarketEvents::JobRequested},
    community::{deployment, resolve, Community},
    keeper::now,
    market::{bond_and_join, provider_state},
    tx, units, Cli, Failure, Report,
};

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// The provider's TOML configuration.
    #[arg(long)]
    pub config: PathBuf,
    /// Listen here instead of the configuration's address.
    #[arg(long)]
    pub listen: Option<std::net::SocketAddr>,
    /// Keep state here instead of the configuration's folder.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

/// Block ranges read in one pass at most, before the pass acts on what it found.
const FOLLOW_RANGES_PER_PASS: usize = 20;

/// Job states on chain (the market's).
const REQUESTED: u8 = 1;
const FULFILLED: u8 = 2;
const SETTLED: u8 = 4;
const CANCELLED: u8 = 5;

struct Node {
    cfg: Config,
    checked: config::Checked,
    p: DynProvider,
    me: Address,
    community: Community,
    store: Arc<Store>,
    metrics: Arc<Metrics>,
    workers: Arc<Semaphore>,
    backends: Arc<Vec<(U256, backend::Loaded)>>,
    http: reqwest::Client,
    endpoint: String,
}

fn log(line: String) {
    eprintln!("[provider] {line}");
}

pub async fn run(cli: &Cli, a: &RunArgs) -> Result<Report, Failure> {
    let mut cfg = Config::load(&a.config)?;
    if let Some(l) = a.listen {
        cfg.listen = l;
    }
    if let Some(d) = &a.data_dir {
        cfg.data_dir = d.clone();
    }
    let checked = cfg.check()?;
    let mut loaded = Vec::new();
    for m in &cfg.models {
        let b = backend::Loaded::load(&m.backend)
            .map_err(|e| Failure::input(format!("model {}: {e}", m.id)))?;
        loaded.push((U256::from(m.id), b));
    }
    let backends = Arc::new(loaded);
    let s = cli.chain.connect_signed(&cli.key).await?;
    let m = deployment(&s.provider, cli, s.chain.chain_id).await?;
    let community = resolve(&s.provider, &m, cfg.community).await?;
    let store = Arc::new(Store::open(&cfg.data_dir)?);
    let listener = tokio::net::TcpListener::bind(cfg.listen).await.map_err(|e| {
        Failure::input(format!("cannot listen on {}: {e} (pass --listen)", cfg.listen))
    })?;
    let bound = listener.local_addr().map_err(|e| Failure::input(format!("listener: {e}")))?;
    if cfg.endpoint.is_none() {
        cfg.listen = bound;
    }
    let endpoint = cfg.endpoint();
    let metrics = Arc::new(Metrics::new());
    let node = Node {
        workers: Arc::new(Semaphore::new(cfg.workers)),
        backends: backends.clone(),
        http: reqwest::Client::new(),
        p: s.provider.clone(),
        me: s.from,
        community,
        store: store.clone(),
        metrics: metrics.clone(),
        endpoint: endpoint.clone(),
        checked,
        cfg,
    };
    if node.checked.register_bond.is_some() {
        node.register().await?;
    }
    let shared = Arc::new(serve::Shared {
        chain_id: s.chain.chain_id,
        market: node.community.market,
        used: Default::default(),
        store,
        metrics,
        chain: s.provider.clone(),
        backends,
    });
    let app = serve::router(shared, node.cfg.max_input_bytes, node.cfg.serve_openai);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve::serve(listener, app, async move {
        let _ = stop_rx.await;
    }));
    log(format!(
        "{} serving {} model(s) of community {} at {endpoint} (listening on {bound}), state in {}",
        node.me,
        node.cfg.models.len(),
        node.community.index,
        node.cfg.data_dir.display()
    ));
    let mut last_withdraw = Instant::now();
    loop {
        node.round(&mut last_withdraw).await;
        tokio::select! {
            _ = tokio::time::sleep(node.checked.poll) => {}
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    let _ = stop_tx.send(());
    let _ = server.await;
    let counts = node.store.counts()?;
    Ok(Report {
        text: format!("provider stopped; jobs: {counts:?}"),
        json: json!({ "stopped": true, "jobs": counts.into_iter().collect::<std::collections::BTreeMap<_, _>>() }),
    })
}

impl Node {
    /// One pass of every phase; each logs its own failures and leaves the rest to the
    /// next pass.
    async fn round(&self, last_withdraw: &mut Instant) {
        // Catch up several ranges a pass (a fresh node on a long chain), then act.
        for _ in 0..FOLLOW_RANGES_PER_PASS {
            match self.follow().await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => {
                    log(format!("following the chain: {e}"));
                    break;
                }
            }
        }
        if let Err(e) = self.dispatch().await {
            log(format!("taking jobs: {e}"));
        }
        if let Err(e) = self.fulfil().await {
            log(format!("fulfilling: {e}"));
        }
        if let Err(e) = self.settle().await {
            log(format!("claiming: {e}"));
        }
        if last_withdraw.elapsed() >= self.checked.withdraw_every {
            match self.withdraw().await {
                Ok(()) => *last_withdraw = Instant::now(),
                Err(e) => log(format!("withdrawing: {e}")),
            }
        }
    }

    /// Brings the chain to the configuration: the bond topped up to `register-bond`, the
    /// endpoint announced, each model's price set; sends nothing that is already so, so a
    /// restart costs nothing.
    async fn register(&self) -> Result<(), Failure> {
        let want = self.checked.register_bond.unwrap_or_default();
        let (bond, ..) =
            provider_state(&self.p, self.community.market, self.me, U256::ZERO).await?;
        let add = want.saturating_sub(bond);
        let announced =
            crate::requester::endpoint_of(&self.p, self.community.market, self.me).await.ok();
        if !add.is_zero() || announced.as_deref() != Some(self.endpoint.as_str()) {
            bond_and_join(&self.p, self.me, &self.community, &self.endpoint, add).await?;
            log(format!("registered at {} with {} more bond", self.endpoint, units::eth(add)));
        }
        for (model, price) in &self.checked.prices {
            let (.., on_chain) =
                provider_state(&self.p, self.community.market, self.me, *model).await?;
            if on_chain != *price {
                let call = IJobMarket::setPriceCall { model: *model, price: *price };
                tx::send(&self.p, self.community.market, U256::ZERO, call.abi_encode(), "setPrice")
                    .await?;
                log(format!("model {model}: {} per unit", units::eth(*price)));
            }
        }
        Ok(())
    }

    /// Records the jobs addressed to this provider in the next confirmed block range;
    /// true when more confirmed blocks remain.
    async fn follow(&self) -> Result<bool, Failure> {
        let head = self
            .p
            .get_block_number()
            .await
            .map_err(|e| Failure::rpc(format!("eth_blockNumber: {e}")))?;
        let safe = head.saturating_sub(self.cfg.confirmations);
        let from = self.store.cursor()?.map_or(self.cfg.start_block, |c| c + 1);
        if from > safe {
            return Ok(false);
        }
        let to = safe.min(from.saturating_add(self.cfg.max_block_range.max(1) - 1));
        let filter = Filter::new()
            .address(self.community.market)
            .event_signature(JobRequested::SIGNATURE_HASH)
            .topic3(self.me.into_word())
            .from_block(from)
            .to_block(to);
        let logs = self
            .p
            .get_logs(&filter)
            .await
            .map_err(|e| Failure::rpc(format!("eth_getLogs {from}..{to}: {e}")))?;
        let mut jobs = Vec::new();
        for l in &logs {
            let Ok(e) = JobRequested::decode_log_data(l.data()) else { continue };
            jobs.push(store::Job {
                id: e.id,
                model: e.model,
                requester: e.requester,
                input_hash: e.inputHash,
                deadline: e.deadline,
                state: "new".into(),
                output_hash: None,
                units: None,
                note: None,
            });
        }
        let added = self.store.record(&jobs, to)?;
        if added > 0 {
            self.metrics.seen.inc_by(added as u64);
            log(format!("{added} new job(s) in blocks {from}..{to}"));
        }
        Ok(to < safe)
    }

    /// Starts the runs that can finish in time; skips the rest with the reason.
    async fn dispatch(&self) -> Result<(), Failure> {
        let now = now(&self.p).await?;
        for job in self.store.jobs_in("new")? {
            let Some(model) =
                self.backends.iter().find(|(id, _)| *id == job.model).map(|(_, b)| b.clone())
            else {
                self.skip(&job, "skipped", &format!("model {} is not served here", job.model))?;
                continue;
            };
            if job.deadline < now.saturating_add(self.checked.min_time_left) {
                self.skip(&job, "skipped", "too little time left before the deadline")?;
                continue;
            }
            let Some(input) = self.store.blob(job.input_hash) else {
                // Waits for the requester's upload (the input hash is what the job committed to).
                continue;
            };
            let Ok(permit) = self.workers.clone().try_acquire_owned() else {
                return Ok(()); // every worker busy: the rest wait for the next pass
            };
            if !self.store.transition(job.id, "new", "running", None)? {
                continue;
            }
            let (store, metrics, http) =
                (self.store.clone(), self.metrics.clone(), self.http.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                let out = backend::run(&http, &model, &input).await;
                metrics.latency.observe(started.elapsed().as_secs_f64());
                if let Err(e) = &out {
                    metrics.failed.inc();
                    log(format!("job {}: {e}; retried on the next pass", job.id));
                }
                match store.finish(job.id, out.map(|o| (o.bytes, o.units))) {
                    Ok(Some(h)) => log(format!("job {} ran: output {h}", job.id)),
                    Ok(None) => {}
                    Err(e) => log(format!("job {}: {e}; retried on the next pass", job.id)),
                }
                drop(permit);
            });
        }
        Ok(())
    }

    fn skip(&self, job: &store::Job, state: &str, why: &str) -> Result<(), Failure> {
        if self.store.transition(job.id, "new", state, Some(why))? {
            self.metrics.skipped.inc();
            log(format!("job {}: {state}: {why}", job.id));
        }
        Ok(())
    }

    async fn status(&self, id: U256) -> Result<(u8, u64), Failure> {
        let v = IJobMarket::new(self.community.market, &self.p)
            .job(id)
            .call()
            .await
            .map_err(|e| tx::contract_error(e, "job"))?;
        Ok((v._2, v._3))
    }

    /// Fulfils every job whose output is ready, once: only while the chain says the job
    /// still waits for it. One job's failure is logged and does not hold up the others.
    async fn fulfil(&self) -> Result<(), Failure> {
        let now = now(&self.p).await?;
        for job in self.store.jobs_in("done")? {
            if let Err(e) = self.fulfil_one(&job, now).await {
                log(format!("fulfilling job {}: {e}", job.id));
            }
        }
        Ok(())
    }

    async fn fulfil_one(&self, job: &store::Job, now: u64) -> Result<(), Failure> {
        let (Some(hash), Some(units)) = (job.output_hash, job.units) else { return Ok(()) };
        let (status, deadline) = self.status(job.id).await?;
        if status != REQUESTED {
            // A fulfilment sent before a crash or a lost receipt landed; or the job ended.
            let state = if status == CANCELLED { "expired" } else { "fulfilled" };
            self.store.transition(job.id, "done", state, Some("found on chain"))?;
            return Ok(());
        }
        if now >= deadline {
            self.store.transition(
                job.id,
                "done",
                "expired",
                Some("the deadline passed before fulfilment"),
            )?;
            return Ok(());
        }
        if self.store.blob(hash).is_none() {
            // Committing to an output nobody can fetch would lose a dispute: run it again.
            self.store.transition(job.id, "done", "new", Some("the stored output was lost"))?;
            return Ok(());
        }
        let call = IJobMarket::fulfilCall {
            job: job.id,
            outputHash: hash,
            outputUri: Bytes::from(format!("{}/outputs/{hash}", self.endpoint).into_bytes()),
            units,
        };
        match tx::send(&self.p, self.community.market, U256::ZERO, call.abi_encode(), "fulfil")
            .await
        {
            Ok(_) => {
                self.store.transition(job.id, "done", "fulfilled", None)?;
                self.metrics.served.inc();
                self.metrics.tokens.inc_by(u64::try_from(units).unwrap_or(u64::MAX));
                log(format!("job {} fulfilled ({units} units)", job.id));
            }
            Err(e) if e.message.contains("revert") => {
                // An earlier fulfilment of ours may have landed meanwhile: the chain decides.
                let (status, _) = self.status(job.id).await?;
                if status == REQUESTED || status == CANCELLED {
                    self.store.transition(job.id, "done", "failed", Some(&e.message))?;
                    self.metrics.failed.inc();
                    log(format!("job {}: {}", job.id, e.message));
                } else {
                    self.store.transition(job.id, "done", "fulfilled", Some("found on chain"))?;
                }
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Makes fulfilled charges final once the challenge window lets anyone do it.
    async fn settle(&self) -> Result<(), Failure> {
        for job in self.store.jobs_in("fulfilled")? {
            if let Err(e) = self.settle_one(&job).await {
                log(format!("claiming job {}: {e}", job.id));
            }
        }
        Ok(())
    }

    async fn settle_one(&self, job: &store::Job) -> Result<(), Failure> {
        let (status, _) = self.status(job.id).await?;
        if status == SETTLED || status == CANCELLED {
            self.store.transition(job.id, "fulfilled", "claimed", Some("settled on chain"))?;
            return Ok(());
        }
        if status != FULFILLED {
            return Ok(());
        }
        let accept = IJobMarket::acceptCall { job: job.id }.abi_encode();
        let probe = TransactionRequest::default()
            .with_from(self.me)
            .with_to(self.community.market)
            .with_input(accept.clone());
        if self.p.call(probe).await.is_err() {
            return Ok(()); // the challenge window is still open
        }
        tx::send(&self.p, self.community.market, U256::ZERO, accept, "claim").await?;
        self.store.transition(job.id, "fulfilled", "claimed", None)?;
        log(format!("job {} claimed", job.id));
        Ok(())
    }

    /// Withdraws final earnings when there are any.
    async fn withdraw(&self) -> Result<(), Failure> {
        let (.., earnings, _) =
            provider_state(&self.p, self.community.market, self.me, U256::ZERO).await?;
        if earnings.is_zero() {
            return Ok(());
        }
        tx::send(
            &self.p,
            self.community.market,
            U256::ZERO,
            IJobMarket::withdrawCall {}.abi_encode(),
            "withdraw",
        )
        .await?;
        self.metrics.earnings_wei.inc_by(u64::try_from(earnings).unwrap_or(u64::MAX));
        log(format!("withdrew {}", units::eth(earnings)));
        Ok(())
    }
}
