//! What a node is started with: the Nitro dev node's conventions by default.

use std::{net::IpAddr, path::PathBuf, time::Duration};

/// The Nitro dev node's chain id.
pub const NITRO_DEV_CHAIN_ID: u64 = 412_346;
/// The Nitro dev node's RPC port.
pub const NITRO_DEV_PORT: u16 = 8547;
/// The Nitro dev node's base fee: 0.1 gwei (Arbitrum's minimum L2 base fee).
pub const NITRO_BASE_FEE: u64 = 100_000_000;
/// The gas limit an Arbitrum block header shows (2^50: Nitro does not bound blocks by gas).
pub const NITRO_BLOCK_GAS_LIMIT: u64 = 1 << 50;
/// The most gas one transaction may ask for (Nitro's per-transaction limit).
pub const MAX_TX_GAS: u64 = 32_000_000;
/// Ether given to each dev account: 10,000 ETH, as anvil and Hardhat give.
pub const DEV_BALANCE_ETH: u64 = 10_000;
/// The largest request body accepted (a 24 KiB program's deployment hex-encoded fits
/// many times over; a dump of a large state does too).
pub const MAX_BODY_BYTES: u32 = 64 * 1024 * 1024;

/// How to run a node.
#[derive(Clone, Debug)]
pub struct Config {
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub chain_id: u64,
    /// Number of dev accounts derived from the mnemonic.
    pub accounts: u32,
    pub mnemonic: String,
    /// `None`: one block per transaction (automine); `Some(t)`: a block every `t`.
    pub block_time: Option<Duration>,
    /// Loaded at start when it exists; saved on shutdown and every `state_interval`.
    pub state: Option<PathBuf>,
    pub state_interval: Option<Duration>,
    /// How many recent blocks keep their state for queries at a block number.
    pub history: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            host: IpAddr::from([127, 0, 0, 1]),
            port: NITRO_DEV_PORT,
            chain_id: NITRO_DEV_CHAIN_ID,
            accounts: 10,
            mnemonic: crate::accounts::DEV_MNEMONIC.into(),
            block_time: None,
            state: None,
            state_interval: None,
            history: 64,
        }
    }
}
