//! The provider's settings: a TOML file, with flags over it. Models served with their
//! backend and price; where to listen and keep state; how to follow the chain.

use std::{net::SocketAddr, path::PathBuf};

use alloy::primitives::U256;
use serde::Deserialize;

use crate::{units, Failure};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The community whose market is served (its index in the factory).
    #[serde(default)]
    pub community: u64,
    /// Where the HTTP face listens.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The URL announced on chain (default: `http://` + listen).
    pub endpoint: Option<String>,
    /// Where state (SQLite) and blobs (inputs, outputs by hash) are kept.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    /// Blocks a log waits before it is acted on (reorg safety).
    #[serde(default = "default_confirmations")]
    pub confirmations: u64,
    /// Time between polls of the chain.
    #[serde(default = "default_poll")]
    pub poll: String,
    /// Most blocks read by one `eth_getLogs`.
    #[serde(default = "default_range")]
    pub max_block_range: u64,
    /// Jobs run at once; the rest wait in the store (state `new`) for a free worker.
    #[serde(default = "default_workers")]
    pub workers: usize,
    /// Serve the built-in models behind `/v1/completions` and `/v1/chat/completions` to
    /// anyone who reaches the listener (off: jobs only; the endpoint is public).
    #[serde(default)]
    pub serve_openai: bool,
    /// The first block to read jobs from (the market's deployment block saves a scan).
    #[serde(default)]
    pub start_block: u64,
    /// Largest accepted input, in bytes.
    #[serde(default = "default_max_input")]
    pub max_input_bytes: usize,
    /// A job is taken only with at least this long left before its deadline.
    #[serde(default = "default_min_time")]
    pub min_time_left: String,
    /// Time between earnings withdrawals.
    #[serde(default = "default_withdraw")]
    pub withdraw_every: String,
    /// On start, bring the chain to this configuration: the bond topped up to this, the
    /// endpoint announced, the models' prices set (nothing sent for what already is).
    pub register_bond: Option<String>,
    pub models: Vec<ModelConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ModelConfig {
    /// The model's id in the registry.
    pub id: u64,
    /// Credits per unit (token), e.g. "1gwei".
    pub price: String,
    pub backend: BackendConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(
    deny_unknown_fields,
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "kebab-case"
)]
pub enum BackendConfig {
    /// An OpenAI-compatible server (llama.cpp, vLLM, Ollama): `/v1/completions`, or
    /// `/v1/chat/completions` with `api = "chat"` (the input is the user's message).
    Openai {
        url: String,
        model: String,
        #[serde(default = "default_max_tokens")]
        max_tokens: u32,
        #[serde(default)]
        api: Api,
    },
    /// A quantised GGUF model of the llama family, on CPU in process, greedy.
    Builtin {
        model: std::path::PathBuf,
        tokenizer: std::path::PathBuf,
        #[serde(default = "default_max_tokens")]
        max_tokens: u32,
        /// The longest input taken, in tokens.
        #[serde(default = "default_max_prompt")]
        max_prompt_tokens: u32,
    },
}

/// Which OpenAI protocol a server is asked in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Api {
    #[default]
    Completions,
    Chat,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8090))
}
fn default_data_dir() -> PathBuf {
    PathBuf::from(".compute-fi/provider")
}
fn default_confirmations() -> u64 {
    1
}
fn default_poll() -> String {
    "2s".into()
}
fn default_range() -> u64 {
    1_000
}
fn default_workers() -> usize {
    2
}
fn default_max_input() -> usize {
    1 << 20
}
fn default_min_time() -> String {
    "30s".into()
}
fn default_withdraw() -> String {
    "1h".into()
}
fn default_max_prompt() -> u32 {
    super::builtin::DEFAULT_MAX_PROMPT_TOKENS as u32
}
fn default_max_tokens() -> u32 {
    256
}

/// Durations and prices read once, checked.
#[derive(Debug, Clone)]
pub struct Checked {
    pub poll: std::time::Duration,
    pub min_time_left: u64,
    pub withdraw_every: std::time::Duration,
    pub prices: Vec<(U256, U256)>,
    pub register_bond: Option<U256>,
}

impl Config {
    pub fn load(path: &std::path::Path) -> Result<Self, Failure> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| Failure::input(format!("{}: {e}", path.display())))
    }

    pub fn check(&self) -> Result<Checked, Failure> {
        let d = |t: &str, what: &str| {
            units::parse_duration(t).map_err(|e| Failure::input(format!("{what}: {e}")))
        };
        if self.models.is_empty() {
            return Err(Failure::input("the provider serves no model: add a [[models]] entry"));
        }
        if self.workers == 0 {
            return Err(Failure::input("workers must be at least 1"));
        }
        let mut prices = Vec::new();
        for m in &self.models {
            let price = units::parse_amount(&m.price, 18)
                .map_err(|e| Failure::input(format!("model {} price: {e}", m.id)))?;
            prices.push((U256::from(m.id), price));
        }
        Ok(Checked {
            poll: std::time::Duration::from_secs(d(&self.poll, "poll")?.max(1)),
            min_time_left: d(&self.min_time_left, "min-time-left")?,
            withdraw_every: std::time::Duration::from_secs(
                d(&self.withdraw_every, "withdraw-every")?.max(1),
            ),
            prices,
            register_bond: match &self.register_bond {
                Some(b) => Some(
                    units::parse_amount(b, 18)
                        .map_err(|e| Failure::input(format!("register-bond: {e}")))?,
                ),
                None => None,
            },
        })
    }

    pub fn endpoint(&self) -> String {
        self.endpoint.clone().unwrap_or_else(|| format!("http://{}", self.listen))
    }

    pub fn model(&self, id: U256) -> Option<&ModelConfig> {
        self.models.iter().find(|m| U256::from(m.id) == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_reads_with_defaults_and_refuses_what_it_does_not_know() {
        let c: Config = toml::from_str(
            "[[models]]\nid = 0\nprice = \"1gwei\"\nbackend = { kind = \"openai\", url = \"http://127.0.0.1:1\", model = \"m\" }\n",
        )
        .unwrap();
        assert_eq!(c.listen.port(), 8090);
        assert_eq!(c.check().unwrap().prices, vec![(U256::ZERO, U256::from(1_000_000_000u64))]);
        assert!(toml::from_str::<Config>("models = []\nsurprise = 1\n").is_err());
        let empty: Config = toml::from_str("models = []\n").unwrap();
        assert!(empty.check().is_err());
    }
}
