//! The requester's side of a job off chain: the input uploaded to the provider's endpoint
//! (found in its `ProviderJoined` log), the wait for fulfilment, the output fetched with a
//! signed challenge and checked against the hash the provider committed to on chain.

use std::time::{Duration, Instant};

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    providers::{DynProvider, Provider},
    rpc::types::Filter,
    signers::SignerSync,
    sol_types::SolEvent,
};

use crate::{
    bindings::{
        account::ITbaAccount,
        market::{IJobMarket, IJobMarketEvents},
    },
    connect::Signed,
    provider::serve::{
        challenge, EXPIRY_HEADER, JOB_HEADER, MAX_CHALLENGE_SECONDS, SIGNATURE_HEADER,
    },
    tx, Failure,
};

/// An input given as text, or `@path` for a file's bytes.
pub fn read_input(text: &str) -> Result<Vec<u8>, Failure> {
    match text.strip_prefix('@') {
        Some(path) => std::fs::read(path)
            .map_err(|e| Failure::input(format!("cannot read --input {path}: {e}"))),
        None => Ok(text.as_bytes().to_vec()),
    }
}

/// The endpoint a provider announced last.
pub async fn endpoint_of(
    p: &DynProvider,
    market: Address,
    provider: Address,
) -> Result<String, Failure> {
    let f = Filter::new()
        .address(market)
        .event_signature(IJobMarketEvents::ProviderJoined::SIGNATURE_HASH)
        .topic1(provider.into_word())
        .from_block(0u64);
    let logs = p
        .get_logs(&f)
        .await
        .map_err(|e| Failure::rpc(format!("cannot read the market's logs: {e}")))?;
    let last = logs
        .iter()
        .rev()
        .find_map(|l| IJobMarketEvents::ProviderJoined::decode_log_data(l.data()).ok())
        .ok_or_else(|| {
            Failure::input(format!("{provider} never joined this market as a provider"))
        })?;
    String::from_utf8(last.endpoint.to_vec())
        .map_err(|_| Failure::input(format!("{provider}'s endpoint is not text")))
}

/// How long an upload waits for the provider to see the job it is for.
const UPLOAD_PATIENCE: Duration = Duration::from_secs(120);

/// Uploads `input` to the provider once it has seen the job that commits to it (it takes
/// no other input); checks it answers with the input's hash.
pub async fn upload(endpoint: &str, input: &[u8]) -> Result<B256, Failure> {
    let url = format!("{}/inputs", endpoint.trim_end_matches('/'));
    let started = Instant::now();
    loop {
        let resp = reqwest::Client::new()
            .post(&url)
            .body(input.to_vec())
            .timeout(Duration::from_secs(60))
            .send()
            .await
            .map_err(|e| Failure::rpc(format!("cannot upload the input to {url}: {e}")))?;
        let status = resp.status();
        let v: serde_json::Value = resp.json().await.unwrap_or_default();
        if status == reqwest::StatusCode::NOT_FOUND && started.elapsed() < UPLOAD_PATIENCE {
            // The provider has not followed the request's block yet.
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        }
        if !status.is_success() {
            return Err(Failure::rpc(format!("{url} refused the input ({status}): {v}")));
        }
        let hash = keccak256(input);
        if v["hash"].as_str().and_then(|h| h.parse::<B256>().ok()) != Some(hash) {
            return Err(Failure::rpc(format!("{url} stored the input under another hash: {v}")));
        }
        return Ok(hash);
    }
}

/// The first event of kind `E` the market logged for `job` (its id is the first topic of
/// every job event).
pub async fn job_event<E: SolEvent>(
    p: &DynProvider,
    market: Address,
    job: U256,
) -> Result<Option<E>, Failure> {
    let f = Filter::new()
        .address(market)
        .event_signature(E::SIGNATURE_HASH)
        .topic1(B256::from(job))
        .from_block(0u64);
    let logs = p
        .get_logs(&f)
        .await
        .map_err(|e| Failure::rpc(format!("cannot read job {job}'s logs: {e}")))?;
    Ok(logs.iter().find_map(|l| E::decode_log_data(l.data()).ok()))
}

/// A fulfilment: the output's hash and where to fetch it.
pub struct Fulfilment {
    pub output_hash: B256,
    pub output_uri: String,
    pub units: U256,
}

/// Waits (polling the chain) until `job` is fulfilled, or its deadline or `timeout`
/// passes.
pub async fn wait_fulfilled(
    p: &DynProvider,
    market: Address,
    job: U256,
    timeout: Duration,
) -> Result<Fulfilment, Failure> {
    let started = Instant::now();
    let m = IJobMarket::new(market, p);
    loop {
        let v = m.job(job).call().await.map_err(|e| tx::contract_error(e, "job"))?;
        if v._2 >= 2 {
            let e = job_event::<IJobMarketEvents::JobFulfilled>(p, market, job).await?.ok_or_else(
                || Failure::rpc(format!("job {job} ended without a fulfilment (status {})", v._2)),
            )?;
            return Ok(Fulfilment {
                output_hash: e.outputHash,
                output_uri: String::from_utf8_lossy(&e.outputURI).into_owned(),
                units: e.units,
            });
        }
        let now = crate::keeper::now(p).await?;
        if now >= v._3 {
            return Err(Failure::rpc(format!("job {job} passed its deadline unfulfilled: `compute-fi job cancel --id {job}` refunds it")));
        }
        if started.elapsed() >= timeout {
            return Err(Failure::rpc(format!(
                "job {job} not fulfilled within {} s (still requested)",
                timeout.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Fetches the output with a challenge signed for `requester` (the token's account,
/// through its `replaySafeHash`, or the sender itself) and checks its hash.
pub async fn fetch_output(
    s: &Signed,
    market: Address,
    requester: Address,
    job: U256,
    f: &Fulfilment,
) -> Result<Vec<u8>, Failure> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let expiry = now + MAX_CHALLENGE_SECONDS / 2;
    let digest = challenge(s.chain.chain_id, market, job, f.output_hash, expiry);
    let to_sign = if requester == s.from {
        digest
    } else {
        ITbaAccount::new(requester, &s.provider)
            .replaySafeHash(digest)
            .call()
            .await
            .map_err(|e| tx::contract_error(e, "replaySafeHash"))?
    };
    let sig = s
        .signer
        .sign_hash_sync(&to_sign)
        .map_err(|e| Failure::input(format!("cannot sign the challenge: {e}")))?;
    let mut resp = reqwest::Client::new()
        .get(&f.output_uri)
        .header(JOB_HEADER, job.to_string())
        .header(EXPIRY_HEADER, expiry.to_string())
        .header(SIGNATURE_HEADER, format!("0x{}", alloy::primitives::hex::encode(sig.as_bytes())))
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .map_err(|e| Failure::rpc(format!("cannot fetch the output from {}: {e}", f.output_uri)))?;
    let status = resp.status();
    // The URI is the provider's: read at most MAX_OUTPUT_BYTES of whatever it sends.
    let mut bytes = Vec::new();
    while let Some(chunk) =
        resp.chunk().await.map_err(|e| Failure::rpc(format!("reading the output: {e}")))?
    {
        if bytes.len() + chunk.len() > MAX_OUTPUT_BYTES {
            return Err(Failure::rpc(format!(
                "{} sent more than {MAX_OUTPUT_BYTES} bytes",
                f.output_uri
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    if !status.is_success() {
        return Err(Failure::rpc(format!(
            "{} refused the output ({status}): {}",
            f.output_uri,
            String::from_utf8_lossy(&bytes)
        )));
    }
    Ok(bytes)
}

/// The largest output fetched.
pub const MAX_OUTPUT_BYTES: usize = 16 << 20;
