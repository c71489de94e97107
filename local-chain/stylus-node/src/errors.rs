//! Why a request failed, in the shapes clients branch on.

use alloy_primitives::{hex, Bytes};
use alloy_sol_types::{Panic, Revert, SolError};

/// A failed request. The RPC layer maps each to its JSON-RPC error code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeError {
    /// The call or transaction reverted: code 3, "execution reverted", the revert bytes as
    /// `data` (what viem, ethers and cast decode custom errors from).
    Reverted(Bytes),
    /// The request's parameters are malformed: -32602.
    InvalidParams(String),
    /// The request is well formed but refused (geth's texts where geth has one): -32000.
    Rejected(String),
    /// A bug of this node, reported instead of taking it down: -32603.
    Internal(String),
}

impl NodeError {
    pub fn rejected(msg: impl Into<String>) -> Self {
        Self::Rejected(msg.into())
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::InvalidParams(msg.into())
    }

    /// "execution reverted", with the reason when the data is `Error(string)` or
    /// `Panic(uint256)`, as geth words it.
    pub fn message(&self) -> String {
        match self {
            Self::Reverted(data) => {
                if let Ok(r) = Revert::abi_decode(data) {
                    format!("execution reverted: {}", r.reason)
                } else if let Ok(p) = Panic::abi_decode(data) {
                    format!("execution reverted: panic code 0x{:x}", p.code)
                } else {
                    "execution reverted".into()
                }
            }
            Self::InvalidParams(m) | Self::Rejected(m) | Self::Internal(m) => m.clone(),
        }
    }

    pub fn code(&self) -> i32 {
        match self {
            Self::Reverted(_) => 3,
            Self::InvalidParams(_) => -32602,
            Self::Rejected(_) => -32000,
            Self::Internal(_) => -32603,
        }
    }

    /// The `data` member: the revert bytes, hex.
    pub fn data(&self) -> Option<String> {
        match self {
            Self::Reverted(d) => Some(format!("0x{}", hex::encode(d))),
            _ => None,
        }
    }
}

impl std::fmt::Display for NodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for NodeError {}

pub type NodeResult<T> = Result<T, NodeError>;
