//! `deployments/<chainId>.json`: what the suite is on one chain. Every contract's address,
//! code hash, Stylus version, activation transaction, data fee and cache state, and the
//! externals a community needs there. It is written whole to a temporary file and renamed
//! after each completed step, so an interrupted run leaves the last complete state and
//! never a half-written file; it is checked against the chain before it is trusted.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    providers::{DynProvider, Provider},
};
use serde::{Deserialize, Serialize};

use crate::Failure;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub chain_id: u64,
    /// The Stylus version programs were activated at.
    pub stylus_version: u16,
    /// The account that deployed the suite (the implementations' admin).
    pub deployer: Address,
    /// The suite, by crate name.
    pub contracts: BTreeMap<String, Deployed>,
    /// Contracts the suite uses but does not own, by role (`weth`, `source`, `priceFeed`,
    /// `sequencerFeed`, `router`).
    pub externals: BTreeMap<String, External>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    pub address: Address,
    pub code_hash: B256,
    /// The Stylus version its code hash is active at (0: an EVM contract).
    pub stylus_version: u16,
    /// The transaction that created it; none when an earlier, interrupted run created it
    /// or it was already on chain (the canonical ERC-6551 registry).
    pub deploy_tx: Option<B256>,
    /// The data fee paid for activation (0 when the code was already active).
    pub data_fee: U256,
    /// Whether a CacheManager bid keeps it cached.
    pub cached: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct External {
    pub address: Address,
    /// Deployed by this tool from the development mocks (a local chain only).
    pub dev: bool,
}

impl Manifest {
    /// The manifest's file for `chain_id` under `dir`.
    pub fn path(dir: &Path, chain_id: u64) -> PathBuf {
        dir.join(format!("{chain_id}.json"))
    }

    /// Reads the manifest of `chain_id`, or an empty one when there is none yet.
    pub fn load_or_new(dir: &Path, chain_id: u64) -> Result<Self, Failure> {
        let path = Self::path(dir, chain_id);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&path, &text, chain_id),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Self { chain_id, ..Self::default() })
            }
            Err(e) => Err(Failure::input(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Reads the manifest of `chain_id`; its absence is an error telling to deploy.
    pub fn load(dir: &Path, chain_id: u64) -> Result<Self, Failure> {
        let path = Self::path(dir, chain_id);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Failure::input(format!(
                "no deployment of the suite for chain {chain_id} ({}: {e}): run `compute-fi deploy` first, or pass --deployments",
                path.display()
            ))
        })?;
        Self::parse(&path, &text, chain_id)
    }

    fn parse(path: &Path, text: &str, chain_id: u64) -> Result<Self, Failure> {
        let m: Self = serde_json::from_str(text).map_err(|e| {
            Failure::input(format!("{} is not a deployment manifest: {e}", path.display()))
        })?;
        if m.chain_id != chain_id {
            return Err(Failure::input(format!(
                "{} is for chain {}, not {chain_id}",
                path.display(),
                m.chain_id
            )));
        }
        Ok(m)
    }

    /// Writes the manifest atomically (a temporary file renamed over the old one).
    pub fn save(&self, dir: &Path) -> Result<(), Failure> {
        let path = Self::path(dir, self.chain_id);
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(dir)?;
            let tmp = path.with_extension("json.tmp");
            let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
            std::fs::write(&tmp, text + "\n")?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|e| Failure::input(format!("cannot write {}: {e}", path.display())))
    }

    /// A contract of the suite, which must be deployed.
    pub fn contract(&self, name: &str) -> Result<Address, Failure> {
        self.contracts.get(name).map(|d| d.address).ok_or_else(|| {
            Failure::input(format!(
                "the manifest of chain {} has no {name}: run `compute-fi deploy`",
                self.chain_id
            ))
        })
    }

    /// An external, which must be recorded.
    pub fn external(&self, role: &str) -> Result<Address, Failure> {
        self.externals.get(role).map(|e| e.address).ok_or_else(|| {
            Failure::input(format!(
                "the manifest of chain {} has no {role}: pass it to `compute-fi deploy`",
                self.chain_id
            ))
        })
    }

    /// Drops what the chain lost since it was recorded: a contract with no code whose
    /// creating transaction the chain does not know (a node restarted from a state saved
    /// before it), and a development external with no code. Both are created again at the
    /// same addresses. Returns their names.
    pub async fn forget_lost(&mut self, p: &DynProvider) -> Result<Vec<String>, Failure> {
        let mut lost = Vec::new();
        for (name, d) in &self.contracts {
            if !code_at(p, d.address).await?.is_empty() {
                continue;
            }
            let known = match d.deploy_tx {
                Some(h) => p
                    .get_transaction_receipt(h)
                    .await
                    .map_err(|e| Failure::rpc(format!("cannot read the receipt of {h}: {e}")))?
                    .is_some(),
                None => false,
            };
            if !known {
                lost.push(name.clone());
            }
        }
        for name in &lost {
            self.contracts.remove(name);
        }
        let mut lost_externals = Vec::new();
        for (role, e) in &self.externals {
            if e.dev && code_at(p, e.address).await?.is_empty() {
                lost_externals.push(role.clone());
            }
        }
        for role in &lost_externals {
            self.externals.remove(role);
        }
        lost.extend(lost_externals);
        Ok(lost)
    }

    /// Checks every recorded address against the chain: each contract's code must hash to
    /// what was recorded, each external must have code. A manifest edited to a wrong
    /// address, or one from a chain since reset, is refused before anything is sent.
    pub async fn verify(&self, p: &DynProvider) -> Result<(), Failure> {
        for (name, d) in &self.contracts {
            let code = code_at(p, d.address).await?;
            if code.is_empty() || keccak256(&code) != d.code_hash {
                return Err(Failure::input(format!(
                    "the manifest says {name} is at {} with code hash {}, but chain {} has {} there: the manifest was edited or the chain was reset; correct or delete the entry, then rerun `compute-fi deploy`",
                    d.address,
                    d.code_hash,
                    self.chain_id,
                    if code.is_empty() { "no code".to_string() } else { format!("code hashing to {}", keccak256(&code)) }
                )));
            }
        }
        for (role, e) in &self.externals {
            if code_at(p, e.address).await?.is_empty() {
                return Err(Failure::input(format!(
                    "the manifest's {role} at {} has no code on chain {}: correct or delete the entry",
                    e.address, self.chain_id
                )));
            }
        }
        Ok(())
    }
}

pub async fn code_at(p: &DynProvider, a: Address) -> Result<alloy::primitives::Bytes, Failure> {
    p.get_code_at(a).await.map_err(|e| Failure::rpc(format!("cannot read the code at {a}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("cf-manifest-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn a_saved_manifest_reads_back_and_leaves_no_temporary_file() {
        let d = dir("roundtrip");
        let mut m = Manifest { chain_id: 7, stylus_version: 2, ..Manifest::default() };
        m.contracts.insert(
            "yield-vault".into(),
            Deployed {
                address: Address::repeat_byte(1),
                code_hash: B256::repeat_byte(2),
                stylus_version: 2,
                deploy_tx: Some(B256::repeat_byte(3)),
                data_fee: U256::from(5u8),
                cached: true,
            },
        );
        m.externals.insert("weth".into(), External { address: Address::repeat_byte(4), dev: true });
        m.save(&d).unwrap();
        assert_eq!(Manifest::load(&d, 7).unwrap(), m);
        assert!(!d.join("7.json.tmp").exists());
        let text = std::fs::read_to_string(d.join("7.json")).unwrap();
        assert!(text.contains("\"codeHash\"") && text.contains("\"deployTx\""), "{text}");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_missing_a_foreign_or_a_broken_manifest_says_what_to_do() {
        let d = dir("broken");
        assert!(Manifest::load(&d, 7).unwrap_err().message.contains("compute-fi deploy"));
        assert_eq!(Manifest::load_or_new(&d, 7).unwrap().chain_id, 7);
        Manifest { chain_id: 8, ..Manifest::default() }.save(&d).unwrap();
        std::fs::rename(d.join("8.json"), d.join("7.json")).unwrap();
        assert!(Manifest::load(&d, 7).unwrap_err().message.contains("is for chain 8"));
        std::fs::write(d.join("7.json"), "{ not json").unwrap();
        assert!(Manifest::load(&d, 7).unwrap_err().message.contains("not a deployment manifest"));
        let m = Manifest { chain_id: 7, ..Manifest::default() };
        assert!(m.contract("yield-vault").unwrap_err().message.contains("compute-fi deploy"));
        let _ = std::fs::remove_dir_all(&d);
    }
}
