//! The chain and the key, from Foundry's options: `--rpc-url` (or `ETH_RPC_URL`),
//! `--private-key` (or `ETH_PRIVATE_KEY`), `--keystore` with `--password-file` or a prompt,
//! `--chain` to insist on a chain id. Every failure says what to fix; a key is never echoed.

use std::{path::PathBuf, time::Duration};

use alloy::{
    network::EthereumWallet,
    primitives::Address,
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use clap::Args;

use crate::Failure;

/// How long a first contact with the RPC may take before it counts as unreachable.
const REACH_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Args)]
pub struct ChainArgs {
    /// The JSON-RPC endpoint.
    #[arg(long, env = "ETH_RPC_URL", default_value = "http://127.0.0.1:8547", global = true)]
    pub rpc_url: String,
    /// The chain id the RPC must serve (refuses to act on another chain).
    #[arg(long, global = true)]
    pub chain: Option<u64>,
}

#[derive(Debug, Clone, Args)]
pub struct KeyArgs {
    /// The sender's private key (0x and 64 hex digits).
    #[arg(long, env = "ETH_PRIVATE_KEY", hide_env_values = true, global = true)]
    pub private_key: Option<String>,
    /// An encrypted JSON keystore (Web3 Secret Storage) holding the sender's key.
    #[arg(long, env = "ETH_KEYSTORE", global = true, conflicts_with = "private_key")]
    pub keystore: Option<PathBuf>,
    /// A file whose first line is the keystore's password (otherwise it is prompted for).
    #[arg(long, env = "ETH_PASSWORD", global = true)]
    pub password_file: Option<PathBuf>,
}

/// A reachable chain of a known id, read-only.
pub struct Chain {
    pub provider: DynProvider,
    pub chain_id: u64,
    pub url: String,
}

/// A reachable chain and a key to send with.
pub struct Signed {
    pub chain: Chain,
    pub provider: DynProvider,
    pub from: Address,
    /// The key itself, for messages signed off chain (an output's challenge).
    pub signer: PrivateKeySigner,
}

impl KeyArgs {
    pub fn signer(&self) -> Result<PrivateKeySigner, Failure> {
        if let Some(path) = &self.keystore {
            let password = match &self.password_file {
                Some(p) => std::fs::read_to_string(p)
                    .map_err(|e| {
                        Failure::input(format!("cannot read --password-file {}: {e}", p.display()))
                    })?
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                None => rpassword::prompt_password(format!("password for {}: ", path.display()))
                    .map_err(|e| {
                        Failure::input(format!(
                            "no password for the keystore ({e}): pass --password-file"
                        ))
                    })?,
            };
            return PrivateKeySigner::decrypt_keystore(path, password).map_err(|e| {
                Failure::input(format!(
                    "cannot open keystore {}: {e} (wrong password, or not a JSON keystore)",
                    path.display()
                ))
            });
        }
        let Some(key) = &self.private_key else {
            return Err(Failure::input(
                "this command sends transactions: pass --private-key (or ETH_PRIVATE_KEY) or --keystore",
            ));
        };
        parse_key(key)
    }
}

/// A raw private key: 64 hex digits, with or without 0x. The message never repeats it.
pub fn parse_key(key: &str) -> Result<PrivateKeySigner, Failure> {
    let k = key.trim();
    let digits = k.strip_prefix("0x").unwrap_or(k);
    if digits.len() != 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Failure::input(format!(
            "--private-key is not a private key: expected 0x and 64 hex digits, got {} characters{}",
            k.len(),
            if digits.bytes().all(|b| b.is_ascii_hexdigit()) { "" } else { " with non-hex ones" }
        )));
    }
    digits.parse::<PrivateKeySigner>().map_err(|_| {
        Failure::input("--private-key is not a valid secp256k1 key (zero or above the curve order)")
    })
}

impl ChainArgs {
    /// Connects and reads the chain id; refuses a chain other than `--chain`.
    pub async fn connect(&self) -> Result<Chain, Failure> {
        let url = self.rpc_url.parse().map_err(|e| {
            Failure::input(format!("--rpc-url {:?} is not a URL: {e}", self.rpc_url))
        })?;
        let provider = ProviderBuilder::new().connect_http(url).erased();
        let chain_id = self.reach(&provider).await?;
        Ok(Chain { provider, chain_id, url: self.rpc_url.clone() })
    }

    /// Connects with a key: transactions are signed locally and sent raw.
    pub async fn connect_signed(&self, key: &KeyArgs) -> Result<Signed, Failure> {
        let signer = key.signer()?;
        let from = signer.address();
        let chain = self.connect().await?;
        let url = self.rpc_url.parse().map_err(|e| {
            Failure::input(format!("--rpc-url {:?} is not a URL: {e}", self.rpc_url))
        })?;
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer.clone()))
            .connect_http(url)
            .erased();
        Ok(Signed { chain, provider, from, signer })
    }

    async fn reach(&self, p: &DynProvider) -> Result<u64, Failure> {
        let id = match tokio::time::timeout(REACH_TIMEOUT, p.get_chain_id()).await {
            Ok(Ok(id)) => id,
            Ok(Err(e)) => {
                return Err(Failure::rpc(format!(
                    "cannot reach the RPC at {}: {e}; is the node running? (start one with `compute-fi node`, or pass --rpc-url)",
                    self.rpc_url
                )))
            }
            Err(_) => {
                return Err(Failure::rpc(format!(
                    "the RPC at {} did not answer within {}s; check --rpc-url",
                    self.rpc_url,
                    REACH_TIMEOUT.as_secs()
                )))
            }
        };
        match self.chain {
            Some(want) if want != id => Err(Failure::input(format!(
                "wrong chain: the RPC at {} serves chain {id}, --chain says {want}",
                self.rpc_url
            ))),
            _ => Ok(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_without_being_echoed() {
        let good = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
        assert!(parse_key(good).is_ok());
        assert!(parse_key(&good[2..]).is_ok());
        for bad in [
            "0x1234",
            "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ffzz",
            "0x0000000000000000000000000000000000000000000000000000000000000000",
            "",
        ] {
            let Err(e) = parse_key(bad) else { panic!("{bad:?} accepted") };
            assert!(!bad.is_empty() && !e.message.contains(&bad[2..]) || bad.is_empty(), "{e:?}");
            assert!(e.message.contains("--private-key"), "{e:?}");
        }
    }
}
