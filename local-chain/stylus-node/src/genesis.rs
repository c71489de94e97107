//! The state a fresh node starts from: funded dev accounts and the contracts Stylus and
//! Ethereum tooling expect at fixed addresses.

use alloy_primitives::{address, hex, Address, U256};
use alloy_sol_types::{sol, SolCall};
use local_chain::{Chain, ARB_OWNER_PUBLIC, ARB_SYS, ARB_WASM, ARB_WASM_CACHE, STYLUS_DEPLOYER};

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

/// The init code of nitro-contracts' `CacheManager` (src/chain/CacheManager.sol) as
/// published in `@arbitrum/nitro-contracts@3.2.0` (`bytecode`); checked by the same test.
const CACHE_MANAGER_INITCODE: &str = include_str!("../genesis/cache-manager.hex");

/// Multicall3 at its address on every chain (viem, ethers and cast batch reads through it).
pub const MULTICALL3: Address = address!("cA11bde05977b3631167028862bE2a173976CA11");

/// Multicall3's creation code, as viem 2.57.20 ships it (`multicall3Bytecode` in
/// constants/contracts.js, the code of its canonical deployment); `npm test` in
/// `tests/js-clients` checks it against that package.
const MULTICALL3_INITCODE: &str = include_str!("../genesis/multicall3-initcode.hex");

/// The CacheManager programs are cached through (`placeBid`, `getMinBid`): an ERC-1167
/// clone of the implementation, since the contract only initialises behind a proxy.
pub const CACHE_MANAGER: Address = address!("0000000000000000000000000000000000C4C4E0");

/// Who deploys the genesis contracts (no key: nothing else is sent from it).
const GENESIS_DEPLOYER: Address = address!("00000000000000000000000000000000000DE9E0");

/// The cache this node's CacheManager starts with: 512 MiB of asm, and bids that do not
/// decay (a dev chain's choice; Nitro chains set their own).
pub const CACHE_SIZE: u64 = 512 * 1024 * 1024;
pub const CACHE_DECAY: u64 = 0;

sol! {
    function initialize(uint64 initCacheSize, uint64 initDecay) external;
}

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
    for precompile in [ARB_SYS, ARB_OWNER_PUBLIC, ARB_WASM, ARB_WASM_CACHE] {
        chain.set_code(precompile, PRECOMPILE_MARKER.to_vec());
    }
    // The first dev account owns the chain, as the Nitro dev node's dev account does.
    if let Some(owner) = accounts.first() {
        chain.add_chain_owner(*owner);
    }
    cache_manager(&mut chain)?;
    multicall3(&mut chain)?;
    Ok(chain)
}

/// Runs Multicall3's creation code and puts the runtime it returns at [`MULTICALL3`].
fn multicall3(chain: &mut Chain) -> Result<(), String> {
    let created = create(chain, "Multicall3", MULTICALL3_INITCODE)?;
    let runtime = chain.code(created);
    chain.set_code(MULTICALL3, runtime.to_vec());
    chain.set_code(created, Vec::new());
    Ok(())
}

/// Deploys the CacheManager implementation, clones it at [`CACHE_MANAGER`], initialises
/// the clone and makes it a cache manager of `ArbWasmCache`.
fn cache_manager(chain: &mut Chain) -> Result<(), String> {
    let implementation = create(chain, "the CacheManager", CACHE_MANAGER_INITCODE)?;
    chain.set_code(CACHE_MANAGER, erc1167_clone(implementation));
    let call = initializeCall { initCacheSize: CACHE_SIZE, initDecay: CACHE_DECAY };
    let r = chain.call(GENESIS_DEPLOYER, CACHE_MANAGER, U256::ZERO, call.abi_encode());
    if !r.success {
        return Err(format!("the CacheManager did not initialise: {}", r.status));
    }
    chain.add_cache_manager(CACHE_MANAGER);
    Ok(())
}

/// Runs the hex creation code `init` of `what` from the genesis deployer; the created
/// address.
fn create(chain: &mut Chain, what: &str, init: &str) -> Result<Address, String> {
    let r = chain.deploy(GENESIS_DEPLOYER, decode(what, init)?, U256::ZERO);
    r.created.filter(|_| r.success).ok_or_else(|| format!("{what} did not deploy: {}", r.status))
}

/// ERC-1167's minimal proxy runtime delegating every call to `target`.
fn erc1167_clone(target: Address) -> Vec<u8> {
    let mut code = hex::decode("363d3d373d3d3d363d73").unwrap_or_default();
    code.extend_from_slice(target.as_slice());
    code.extend_from_slice(&hex::decode("5af43d82803e903d91602b57fd5bf3").unwrap_or_default());
    code
}

fn decode(what: &str, code: &str) -> Result<Vec<u8>, String> {
    hex::decode(code.trim()).map_err(|e| format!("the genesis code of {what} is not hex: {e}"))
}
