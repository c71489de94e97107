//! The provider's HTTP face: requesters upload inputs (`POST /inputs`, keyed by their
//! keccak-256, size-limited, and only inputs a recorded job commits to, so nobody fills
//! the disk) and fetch outputs (`GET /outputs/{hash}`), which are served only to the
//! job's requester: a challenge bound to this chain, market, job, output and an expiry,
//! signed and sent in headers, used once, checked against the requester itself (an EOA)
//! or, through ERC-1271, the token-bound account that requested (its owner or a delegate
//! allowed to sign). `/health` and Prometheus `/metrics` for operators; the built-in
//! models behind OpenAI's completions protocol when the configuration asks.

use std::{net::SocketAddr, sync::Arc};

use alloy::{
    primitives::{keccak256, Address, Bytes, Signature, B256, U256},
    providers::{DynProvider, Provider},
};
use axum::{
    body::Bytes as Body,
    extract::{DefaultBodyLimit, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::json;

use super::{metrics::Metrics, store::Store};
use crate::bindings::account::ITbaAccount;

/// The longest a signed challenge may be valid for.
pub const MAX_CHALLENGE_SECONDS: u64 = 600;

pub struct Shared {
    pub chain_id: u64,
    pub market: Address,
    /// Challenges already used, until their expiry.
    pub used: std::sync::Mutex<std::collections::HashMap<B256, u64>>,
    pub store: Arc<Store>,
    pub metrics: Arc<Metrics>,
    pub chain: DynProvider,
    /// The models served, by registry id.
    pub backends: Arc<Vec<(U256, super::backend::Loaded)>>,
}

/// The message a requester signs to fetch an output, bound to the chain and market (job
/// ids are per market): its keccak-256 is what is signed (raw for an EOA; through the
/// account's `replaySafeHash` for a token-bound account).
pub fn challenge(chain_id: u64, market: Address, job: U256, output: B256, expiry: u64) -> B256 {
    keccak256(format!(
        "compute-fi output\nchain: {chain_id}\nmarket: {market}\njob: {job}\noutput: {output}\nexpiry: {expiry}"
    ))
}

/// The headers a fetch carries its proof in (kept out of URLs and their logs).
pub const JOB_HEADER: &str = "x-compute-fi-job";
pub const EXPIRY_HEADER: &str = "x-compute-fi-expiry";
pub const SIGNATURE_HEADER: &str = "x-compute-fi-signature";

pub fn router(shared: Arc<Shared>, max_input: usize, serve_openai: bool) -> Router {
    let mut r = Router::new()
        .route("/inputs", post(upload))
        .route("/outputs/{hash}", get(download))
        .route("/health", get(health))
        .route("/metrics", get(metrics));
    if serve_openai {
        r = r.route("/v1/completions", post(completions)).route("/v1/chat/completions", post(chat));
    }
    r.layer(DefaultBodyLimit::max(max_input)).with_state(shared)
}

pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(stop)
        .await
}

fn error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

async fn upload(State(s): State<Arc<Shared>>, body: Body) -> Response {
    if body.is_empty() {
        return error(StatusCode::BAD_REQUEST, "an empty input".into());
    }
    let hash = keccak256(&body);
    // Already here (another job with the same input): nothing to store.
    let known = s.store.blob(hash).is_some();
    match s.store.awaits_input(hash) {
        _ if known => {}
        Ok(true) => {}
        Ok(false) => {
            return error(
                StatusCode::NOT_FOUND,
                format!("no job for this provider commits to input {hash} (yet): request the job first, then upload"),
            )
        }
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.message),
    }
    match s.store.put_blob(&body) {
        Ok(hash) => (StatusCode::CREATED, Json(json!({ "hash": hash, "bytes": body.len() })))
            .into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.message),
    }
}

struct Proof {
    job: U256,
    expiry: u64,
    signature: Bytes,
}

fn proof(headers: &axum::http::HeaderMap) -> Option<Proof> {
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    Some(Proof {
        job: h(JOB_HEADER)?.parse().ok()?,
        expiry: h(EXPIRY_HEADER)?.parse().ok()?,
        signature: h(SIGNATURE_HEADER)?.parse().ok()?,
    })
}

async fn download(
    State(s): State<Arc<Shared>>,
    Path(hash): Path<B256>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(proof) = proof(&headers) else {
        return error(
            StatusCode::UNAUTHORIZED,
            format!("a fetch carries {JOB_HEADER}, {EXPIRY_HEADER} and {SIGNATURE_HEADER}"),
        );
    };
    let job = match s.store.job(proof.job) {
        Ok(Some(j)) => j,
        Ok(None) => return error(StatusCode::NOT_FOUND, format!("no job {}", proof.job)),
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.message),
    };
    if job.output_hash != Some(hash) {
        return error(StatusCode::NOT_FOUND, format!("job {} has no output {hash}", proof.job));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if proof.expiry < now || proof.expiry > now + MAX_CHALLENGE_SECONDS {
        return error(
            StatusCode::UNAUTHORIZED,
            format!("the challenge's expiry must be within {MAX_CHALLENGE_SECONDS} s from now"),
        );
    }
    let digest = challenge(s.chain_id, s.market, proof.job, hash, proof.expiry);
    let seal = keccak256(&proof.signature);
    {
        let mut used = s.used.lock().unwrap_or_else(|p| p.into_inner());
        used.retain(|_, until| *until >= now);
        if used.contains_key(&seal) {
            return error(
                StatusCode::FORBIDDEN,
                "this challenge was used already: sign a new one".into(),
            );
        }
    }
    if !signed_by(&s.chain, job.requester, digest, &proof.signature).await {
        return error(
            StatusCode::FORBIDDEN,
            format!("not signed by job {}'s requester {}", proof.job, job.requester),
        );
    }
    s.used.lock().unwrap_or_else(|p| p.into_inner()).insert(seal, proof.expiry);
    match s.store.blob(hash) {
        Some(bytes) => (StatusCode::OK, bytes).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("output {hash} is not stored here")),
    }
}

/// Whether `requester` signed `digest`: recovered directly for an account without code,
/// by the account's ERC-1271 `isValidSignature` for a contract.
pub async fn signed_by(
    chain: &DynProvider,
    requester: Address,
    digest: B256,
    signature: &[u8],
) -> bool {
    let code = chain.get_code_at(requester).await.unwrap_or_default();
    if code.is_empty() {
        return Signature::try_from(signature)
            .ok()
            .and_then(|sig| sig.recover_address_from_prehash(&digest).ok())
            == Some(requester);
    }
    ITbaAccount::new(requester, chain)
        .isValidSignature(digest, Bytes::copy_from_slice(signature))
        .call()
        .await
        .map(|magic| magic.0 == [0x16, 0x26, 0xba, 0x7e])
        .unwrap_or(false)
}

async fn health(State(s): State<Arc<Shared>>) -> Response {
    let cursor = s.store.cursor().ok().flatten();
    let head = s.chain.get_block_number().await.ok();
    let jobs: serde_json::Map<String, serde_json::Value> =
        s.store.counts().unwrap_or_default().into_iter().map(|(k, v)| (k, json!(v))).collect();
    let status = if head.is_some() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(json!({ "ok": head.is_some(), "cursor": cursor, "head": head, "jobs": jobs })))
        .into_response()
}

#[derive(Debug, Deserialize)]
struct Message {
    content: String,
}

#[derive(Debug, Deserialize)]
struct Chat {
    model: String,
    messages: Vec<Message>,
    max_tokens: Option<u32>,
}

/// The built-in models behind the OpenAI chat protocol: the messages' contents, joined by
/// newlines, are the prompt (no chat template: the built-in backend runs plain models).
async fn chat(State(s): State<Arc<Shared>>, Json(req): Json<Chat>) -> Response {
    let prompt = req.messages.iter().map(|m| m.content.as_str()).collect::<Vec<_>>().join("\n");
    match generate(&s, &req.model, prompt, req.max_tokens).await {
        Ok((model, g)) => Json(json!({
            "object": "chat.completion",
            "model": model,
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": g.text }, "finish_reason": "length" }],
            "usage": { "prompt_tokens": g.tokens_in, "completion_tokens": g.tokens_out, "total_tokens": g.tokens_in + g.tokens_out },
        }))
        .into_response(),
        Err(r) => r,
    }
}

/// Runs a built-in model named by its registry id.
async fn generate(
    s: &Shared,
    model: &str,
    prompt: String,
    max_tokens: Option<u32>,
) -> Result<(String, super::builtin::Generated), Response> {
    let Some(backend) =
        model.parse::<U256>().ok().and_then(|id| s.backends.iter().find(|(m, _)| *m == id))
    else {
        return Err(error(StatusCode::NOT_FOUND, format!("no model {model:?} here")));
    };
    let super::backend::Loaded::Builtin { model: b, max_tokens: limit } = &backend.1 else {
        return Err(error(StatusCode::NOT_FOUND, format!("model {model} is not a built-in one")));
    };
    let (b, max) = (b.clone(), max_tokens.unwrap_or(*limit).min(*limit) as usize);
    // Never queued behind paid jobs: a busy model answers 503 at once.
    match tokio::task::spawn_blocking(move || b.try_generate(&prompt, max)).await {
        Ok(Some(Ok(g))) => Ok((model.to_string(), g)),
        Ok(Some(Err(e))) => Err(error(StatusCode::BAD_REQUEST, e)),
        Ok(None) => {
            Err(error(StatusCode::SERVICE_UNAVAILABLE, format!("model {model} is busy: retry")))
        }
        Err(e) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
    }
}

#[derive(Debug, Deserialize)]
struct Completion {
    model: String,
    prompt: String,
    max_tokens: Option<u32>,
}

/// The built-in models behind the OpenAI completions protocol (greedy, whatever the
/// request's sampling settings): `model` is the registry id.
async fn completions(State(s): State<Arc<Shared>>, Json(req): Json<Completion>) -> Response {
    match generate(&s, &req.model, req.prompt, req.max_tokens).await {
        Ok((model, g)) => Json(json!({
            "object": "text_completion",
            "model": model,
            "choices": [{ "index": 0, "text": g.text, "finish_reason": "length" }],
            "usage": { "prompt_tokens": g.tokens_in, "completion_tokens": g.tokens_out, "total_tokens": g.tokens_in + g.tokens_out },
        }))
        .into_response(),
        Err(r) => r,
    }
}

async fn metrics(State(s): State<Arc<Shared>>) -> Response {
    ([("content-type", "text/plain; version=0.0.4")], s.metrics.render()).into_response()
}
