//! The `ArbWasmCache` precompile at `0x72`: which programs are in the block-independent
//! cache (their calls pay the cached entry cost), changed only by cache managers (the
//! CacheManager contract's bids) and chain owners.

use alloy_sol_types::{sol, SolCall, SolEvent};
use revm::{
    context::{Block, ContextTr, JournalTr},
    interpreter::{CallInputs, InstructionResult, InterpreterResult},
    primitives::{address, keccak256, Address, Log, B256},
};

use crate::{
    exec::Exec,
    precompile::{answer, input, out},
};

/// The ArbWasmCache precompile's address.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");

sol! {
    function isCacheManager(address manager) external view returns (bool);
    function allCacheManagers() external view returns (address[] memory managers);
    function cacheProgram(address addr) external;
    function evictCodehash(bytes32 codehash) external;
    function codehashIsCached(bytes32 codehash) external view returns (bool);
    event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);
}

/// Gas of a query (an ArbOS storage read), and of a cache change (the program record's
/// read and write). Modelled, not measured on Nitro.
const READ_GAS: u64 = 800;
const WRITE_GAS: u64 = 800 + 5_000;

pub(crate) fn run(exec: &mut Exec, inputs: &CallInputs) -> InterpreterResult {
    let limit = inputs.gas_limit;
    let data = input(inputs);
    let revert = |used: u64, e: Vec<u8>| out(InstructionResult::Revert, limit, used, e);
    let ret = |used: u64, output: Vec<u8>| answer(limit, used, output);
    let Some(selector) = data.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
        return revert(0, Vec::new());
    };
    let caller = inputs.caller;
    let time = exec.ctx().block().timestamp().saturating_to::<u64>();
    match selector {
        isCacheManagerCall::SELECTOR => match isCacheManagerCall::abi_decode(&data) {
            Ok(c) => ret(
                READ_GAS,
                isCacheManagerCall::abi_encode_returns(&exec.roles.is_cache_manager(c.manager)),
            ),
            Err(_) => revert(0, Vec::new()),
        },
        allCacheManagersCall::SELECTOR => {
            let all = exec.roles.cache_managers.clone();
            ret(READ_GAS * (1 + all.len() as u64), allCacheManagersCall::abi_encode_returns(&all))
        }
        codehashIsCachedCall::SELECTOR => match codehashIsCachedCall::abi_decode(&data) {
            Ok(c) => {
                let cached = exec.activated.get(&c.codehash).is_some_and(|p| p.cached);
                ret(READ_GAS, codehashIsCachedCall::abi_encode_returns(&cached))
            }
            Err(_) => revert(0, Vec::new()),
        },
        cacheProgramCall::SELECTOR | evictCodehashCall::SELECTOR => {
            if inputs.is_static {
                return revert(0, Vec::new());
            }
            // Nitro refuses everyone else with a plain error (no revert data).
            if !exec.roles.is_cache_manager(caller) && !exec.roles.is_owner(caller) {
                return revert(READ_GAS, Vec::new());
            }
            let (hash, cache): (B256, bool) = if selector == cacheProgramCall::SELECTOR {
                let Ok(c) = cacheProgramCall::abi_decode(&data) else {
                    return revert(0, Vec::new());
                };
                let code =
                    exec.ctx().journaled_state.code(c.addr).map(|x| x.data).unwrap_or_default();
                let hash = keccak256(code);
                // Only a program that can run now is cached.
                if let Err(e) = crate::arbwasm::active(exec, hash, time) {
                    return revert(READ_GAS, e);
                }
                (hash, true)
            } else {
                let Ok(c) = evictCodehashCall::abi_decode(&data) else {
                    return revert(0, Vec::new());
                };
                (c.codehash, false)
            };
            let changed = match exec.activated.get_mut(&hash) {
                Some(p) if p.cached != cache => {
                    p.cached = cache;
                    true
                }
                _ => false,
            };
            if changed {
                let ev = UpdateProgramCache { manager: caller, codehash: hash, cached: cache };
                let log = Log { address: ARB_WASM_CACHE, data: ev.encode_log_data() };
                exec.ctx().journaled_state.log(log);
            }
            ret(if changed { WRITE_GAS } else { READ_GAS }, Vec::new())
        }
        _ => revert(0, Vec::new()),
    }
}
