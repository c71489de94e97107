//! The state a fresh node starts from: funded dev accounts and the contracts Stylus and
//! Ethereum tooling expect at fixed addresses.

use alloy_primitives::{address, hex, Address, U256};
use local_chain::{Chain, ARB_SYS, ARB_WASM, STYLUS_DEPLOYER};

use crate::config::{DEV_BALANCE_ETH, NITRO_BASE_FEE, NITRO_BLOCK_GAS_LIMIT};

/// The deterministic deployment proxy (Arachnid's CREATE2 factory) that Foundry and
/// cargo-stylus use for salted deployments.
pub const CREATE2_FACTORY: Address = address!("4e59b44847b379578588920cA78FbF26c0B4956C");

/// Its runtime: `salt (32 bytes) ++ init code` in, the created address (20 bytes) out.
const CREATE2_FACTORY_CODE: &str = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";

/// The runtime of nitro-contracts' `StylusDeployer` (src/stylus/StylusDeployer.sol) as
/// published in the npm package `@arbitrum/nitro-contracts@3.2.0`
/// (build/contracts/src/stylus/StylusDeployer.sol/StylusDeployer.json, `deployedBytecode`);
/// `npm test` in `tests/js-clients` checks it against that package.
const STYLUS_DEPLOYER_CODE: &str = include_str!("../genesis/stylus-deployer.hex");

/// What an Arbitrum chain puts at a precompile's address: one `INVALID` byte, so that
/// `extcodesize` is not zero for Solidity callers.
const PRECOMPILE_MARKER: [u8; 1] = [0xfe];

/// The fresh chain: block 0 at `timestamp`, the Nitro dev node's base fee, the predeploys
/// and `DEV_BALANCE_ETH` for each of `accounts`.
pub fn genesis(chain_id: u64, timestamp: u64, accounts: &[Address]) -> Result<Chain, String> {
    let mut chain = Chain::new();
    {
        let b = chain.block_mut();
        b.number = 0;
        b.timestamp = timestamp;
        b.chain_id = chain_id;
        b.basefee = NITRO_BASE_FEE;
        b.gas_limit = NITRO_BLOCK_GAS_LIMIT;
    }
    let balance = U256::from(DEV_BALANCE_ETH) * U256::from(10u64).pow(U256::from(18u8));
    for a in accounts {
        chain.set_balance(*a, balance);
    }
    chain.set_code(CREATE2_FACTORY, decode("the CREATE2 factory", CREATE2_FACTORY_CODE)?);
    chain.set_code(STYLUS_DEPLOYER, decode("the StylusDeployer", STYLUS_DEPLOYER_CODE)?);
    chain.set_code(ARB_WASM, PRECOMPILE_MARKER.to_vec());
    chain.set_code(ARB_SYS, PRECOMPILE_MARKER.to_vec());
    Ok(chain)
}

fn decode(what: &str, code: &str) -> Result<Vec<u8>, String> {
    hex::decode(code.trim()).map_err(|e| format!("the genesis code of {what} is not hex: {e}"))
}
