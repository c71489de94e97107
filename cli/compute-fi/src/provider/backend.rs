//! Running a job's input on a model: an OpenAI-compatible server (`/v1/completions`, as
//! llama.cpp, vLLM and Ollama serve it) with greedy decoding (temperature 0, a fixed
//! seed), or the built-in GGUF backend in process. Units are the tokens in and out, as
//! the backend counts them and the market prices them.

use std::{sync::Arc, time::Duration};

use alloy::primitives::U256;
use serde_json::json;

use super::{
    builtin::Builtin,
    config::{Api, BackendConfig},
};

/// A backend ready to run: a server's address, or a model loaded in memory.
#[derive(Clone)]
pub enum Loaded {
    Openai { url: String, model: String, max_tokens: u32, api: Api },
    Builtin { model: Arc<Builtin>, max_tokens: u32 },
}

impl Loaded {
    /// Loads what the configuration names (a built-in model is read once, at start).
    pub fn load(c: &BackendConfig) -> Result<Self, String> {
        Ok(match c {
            BackendConfig::Openai { url, model, max_tokens, api } => Self::Openai {
                url: url.clone(),
                model: model.clone(),
                max_tokens: *max_tokens,
                api: *api,
            },
            BackendConfig::Builtin { model, tokenizer, max_tokens, max_prompt_tokens } => {
                Self::Builtin {
                    model: Arc::new(
                        Builtin::load(model, tokenizer)?
                            .with_max_prompt_tokens(*max_prompt_tokens as usize),
                    ),
                    max_tokens: *max_tokens,
                }
            }
        })
    }
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub bytes: Vec<u8>,
    pub units: U256,
}

/// The longest a backend may take for one job.
const RUN_TIMEOUT: Duration = Duration::from_secs(600);

pub async fn run(
    client: &reqwest::Client,
    backend: &Loaded,
    input: &[u8],
) -> Result<Output, String> {
    match backend {
        Loaded::Builtin { model, max_tokens } => {
            let (model, max) = (model.clone(), *max_tokens as usize);
            let prompt = String::from_utf8_lossy(input).into_owned();
            let g = tokio::task::spawn_blocking(move || model.generate(&prompt, max))
                .await
                .map_err(|err| format!("the built-in backend stopped: {err}"))??;
            Ok(Output {
                bytes: g.text.into_bytes(),
                units: U256::from(g.tokens_in) + U256::from(g.tokens_out),
            })
        }
        Loaded::Openai { url, model, max_tokens, api } => {
            let prompt = String::from_utf8_lossy(input);
            let (path, body) = match api {
                Api::Completions => (
                    "completions",
                    json!({"model": model, "prompt": prompt, "max_tokens": max_tokens, "temperature": 0, "seed": 0}),
                ),
                Api::Chat => (
                    "chat/completions",
                    json!({
                        "model": model,
                        "messages": [{"role": "user", "content": prompt}],
                        "max_tokens": max_tokens,
                        "temperature": 0,
                        "seed": 0,
                    }),
                ),
            };
            let endpoint = format!("{}/v1/{path}", url.trim_end_matches('/'));
            let resp = client
                .post(&endpoint)
                .timeout(RUN_TIMEOUT)
                .json(&body)
                .send()
                .await
                .map_err(|e| format!("backend {endpoint} unreachable: {e}"))?;
            let status = resp.status();
            let v: serde_json::Value = resp
                .json()
                .await
                .map_err(|e| format!("backend {endpoint} answered {status} with no JSON: {e}"))?;
            if !status.is_success() {
                return Err(format!("backend {endpoint} answered {status}: {v}"));
            }
            let text = match api {
                Api::Completions => v["choices"][0]["text"].as_str(),
                Api::Chat => v["choices"][0]["message"]["content"].as_str(),
            };
            let text =
                text.ok_or_else(|| format!("backend {endpoint}: no completion text in {v}"))?;
            let tokens_in = v["usage"]["prompt_tokens"].as_u64();
            let tokens_out = v["usage"]["completion_tokens"].as_u64();
            let (Some(i), Some(o)) = (tokens_in, tokens_out) else {
                return Err(format!("backend {endpoint}: no usage token counts in {v}"));
            };
            Ok(Output { bytes: text.as_bytes().to_vec(), units: U256::from(i) + U256::from(o) })
        }
    }
}
