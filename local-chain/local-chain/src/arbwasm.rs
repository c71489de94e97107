//! The `ArbWasm` precompile at `0x71`: activation (with Nitro's activation gas and data
//! fee), keepalive, and the program and parameter queries.

use alloy_sol_types::{sol, SolCall, SolError};
use revm::{
    context::{Block, ContextTr, JournalTr},
    interpreter::{CallInputs, InstructionResult, InterpreterResult},
    primitives::{address, keccak256, Address, B256, U256},
};
use stylus_rules::{params as p, pricing};

use crate::{
    exec::Exec,
    precompile::{answer, input, out},
    stylus::{ProgramInfo, STYLUS_VERSION},
};

/// The ArbWasm precompile's address.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");

/// Where activation data fees go (on a real chain, the network fee account the chain
/// owner sets; here a fixed stand-in address).
pub const NETWORK_FEE_ACCOUNT: Address = address!("00000000000000000000000000000000000A4B05");

/// Gas of ArbOS storage work around an activation, beyond the fixed 1,659,168 and the
/// compilation's own gas: the parameters read (100), the program record read (800), the
/// data pricer's five reads (4,000) and two updates (10,000), and two fresh slots written
/// (program record and module hash, 40,000). Modelled, not measured on Nitro.
pub const ACTIVATION_STORAGE_GAS: u64 = 100 + 800 + 4_000 + 10_000 + 40_000;

/// Gas of a read-only query: the parameters (100) and the program record (800).
const QUERY_GAS: u64 = 900;

sol! {
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function codehashKeepalive(bytes32 codehash) external payable;
    function stylusVersion() external view returns (uint16 version);
    function inkPrice() external view returns (uint32 price);
    function maxStackDepth() external view returns (uint32 depth);
    function freePages() external view returns (uint16 pages);
    function pageGas() external view returns (uint16 gas);
    function pageRamp() external view returns (uint64 ramp);
    function pageLimit() external view returns (uint16 limit);
    function minInitGas() external view returns (uint64 gas, uint64 cached);
    function initCostScalar() external view returns (uint64 percent);
    function expiryDays() external view returns (uint16 _days);
    function keepaliveDays() external view returns (uint16 _days);
    function blockCacheSize() external view returns (uint16 count);
    function codehashVersion(bytes32 codehash) external view returns (uint16 version);
    function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
    function programVersion(address program) external view returns (uint16 version);
    function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
    function programMemoryFootprint(address program) external view returns (uint16 footprint);
    function programTimeLeft(address program) external view returns (uint64 _secs);
    error ProgramNotWasm();
    error ProgramNotActivated();
    error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
    error ProgramExpired(uint64 ageInSeconds);
    error ProgramUpToDate();
    error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
    error ProgramInsufficientValue(uint256 have, uint256 want);
}

/// A program that can run now (`getActiveProgram`), or the revert data saying why not.
pub(crate) fn active(exec: &Exec, hash: B256, time: u64) -> Result<ProgramInfo, Vec<u8>> {
    let Some(info) = exec.activated.get(&hash) else {
        return Err(ProgramNotActivated {}.abi_encode());
    };
    if info.version != STYLUS_VERSION {
        return Err(ProgramNeedsUpgrade { version: info.version, stylusVersion: STYLUS_VERSION }
            .abi_encode());
    }
    if info.expired(time) {
        return Err(ProgramExpired { ageInSeconds: info.age(time) }.abi_encode());
    }
    Ok(info.clone())
}

/// Takes `fee` out of the call's `value` (to [`NETWORK_FEE_ACCOUNT`]) and refunds the rest.
fn pay_data_fee(exec: &mut Exec, caller: Address, value: U256, fee: U256) -> Result<(), Vec<u8>> {
    if value < fee {
        return Err(ProgramInsufficientValue { have: value, want: fee }.abi_encode());
    }
    let j = &mut exec.ctx().journaled_state;
    if !fee.is_zero() {
        let _ = j.transfer(ARB_WASM, NETWORK_FEE_ACCOUNT, fee);
    }
    if value > fee {
        let _ = j.transfer(ARB_WASM, caller, value - fee);
    }
    Ok(())
}

pub(crate) fn run(exec: &mut Exec, inputs: &CallInputs) -> InterpreterResult {
    let limit = inputs.gas_limit;
    let data = input(inputs);
    let revert = |e: Vec<u8>| out(InstructionResult::Revert, limit, 0, e);
    if data.len() < 4 {
        return revert(Vec::new());
    }
    // Copying arguments and results costs 3 gas a word, as in Nitro's precompiles.
    let words = |n: usize| 3 * (n as u64).div_ceil(32);
    let ret = |used: u64, output: Vec<u8>| {
        let used = used + words(data.len() - 4) + words(output.len());
        answer(limit, used, output)
    };
    let selector: [u8; 4] = [data[0], data[1], data[2], data[3]];
    let time = exec.ctx().block().timestamp().saturating_to::<u64>();
    let code_of = |exec: &mut Exec, a: Address| {
        exec.ctx().journaled_state.code(a).map(|c| c.data).unwrap_or_default()
    };
    // Code hash of a program address, and the account-access gas (EIP-2929).
    let hash_of = |exec: &mut Exec, a: Address| {
        let cold = exec.ctx().journaled_state.load_account(a).map(|x| x.is_cold).unwrap_or(true);
        (keccak256(code_of(exec, a)), if cold { 2_600 } else { 100 })
    };
    let value = inputs.value.get();
    match selector {
        activateProgramCall::SELECTOR => {
            if inputs.is_static {
                return revert(Vec::new());
            }
            let Ok(call) = activateProgramCall::abi_decode(&data) else {
                return revert(Vec::new());
            };
            if limit < p::ACTIVATION_FIXED_GAS {
                return out(InstructionResult::OutOfGas, limit, limit, Vec::new());
            }
            let code = code_of(exec, call.program);
            let hash = keccak256(&code);
            let cached = match exec.activated.get(&hash) {
                Some(info) if info.version == STYLUS_VERSION && !info.expired(time) => {
                    return revert(ProgramUpToDate {}.abi_encode());
                }
                Some(info) => info.cached,
                None => false,
            };
            let page_limit = p::PAGE_LIMIT.saturating_sub(exec.pages.open);
            let Ok(mut info) = exec.runtime().activate_with(&code, time, page_limit) else {
                // Nitro takes all the gas of a failed activation.
                return out(
                    InstructionResult::Revert,
                    limit,
                    limit,
                    ProgramNotWasm {}.abi_encode(),
                );
            };
            let used = p::ACTIVATION_FIXED_GAS + info.activation_gas + ACTIVATION_STORAGE_GAS;
            if used > limit {
                return out(InstructionResult::OutOfGas, limit, limit, Vec::new());
            }
            info.cached = cached;
            let fee = exec.data_pricer.update(info.asm_estimate, time);
            let fee = U256::from(fee);
            if let Err(e) = pay_data_fee(exec, inputs.caller, value, fee) {
                return out(InstructionResult::Revert, limit, used, e);
            }
            exec.activated.insert(hash, info);
            ret(used, activateProgramCall::abi_encode_returns_tuple(&(STYLUS_VERSION, fee)))
        }
        codehashKeepaliveCall::SELECTOR => {
            if inputs.is_static {
                return revert(Vec::new());
            }
            let Ok(call) = codehashKeepaliveCall::abi_decode(&data) else {
                return revert(Vec::new());
            };
            let info = match active(exec, call.codehash, time) {
                Ok(i) => i,
                Err(e) => return out(InstructionResult::Revert, limit, QUERY_GAS, e),
            };
            let age = info.age(time);
            if age < p::KEEPALIVE_DAYS as u64 * pricing::DAY {
                let e = ProgramKeepaliveTooSoon { ageInSeconds: age }.abi_encode();
                return out(InstructionResult::Revert, limit, QUERY_GAS, e);
            }
            let fee = U256::from(exec.data_pricer.update(info.asm_size(), time));
            // Reads as a query, the pricer's reads and writes, the record rewritten.
            let used = QUERY_GAS + 4_000 + 10_000 + 5_000;
            if let Err(e) = pay_data_fee(exec, inputs.caller, value, fee) {
                return out(InstructionResult::Revert, limit, used, e);
            }
            let mut info = info;
            info.activated_at = pricing::hours_since_arbitrum(time);
            exec.activated.insert(call.codehash, info);
            ret(used, Vec::new())
        }
        stylusVersionCall::SELECTOR => {
            ret(100, stylusVersionCall::abi_encode_returns(&STYLUS_VERSION))
        }
        inkPriceCall::SELECTOR => {
            ret(100, inkPriceCall::abi_encode_returns(&(p::INK_PRICE as u32)))
        }
        maxStackDepthCall::SELECTOR => {
            ret(100, maxStackDepthCall::abi_encode_returns(&p::MAX_STACK_DEPTH))
        }
        freePagesCall::SELECTOR => ret(100, freePagesCall::abi_encode_returns(&p::FREE_PAGES)),
        pageGasCall::SELECTOR => ret(100, pageGasCall::abi_encode_returns(&p::PAGE_GAS)),
        pageRampCall::SELECTOR => ret(100, pageRampCall::abi_encode_returns(&p::PAGE_RAMP)),
        pageLimitCall::SELECTOR => ret(100, pageLimitCall::abi_encode_returns(&p::PAGE_LIMIT)),
        minInitGasCall::SELECTOR => {
            let gas = p::MIN_INIT_GAS as u64 * p::MIN_INIT_GAS_UNITS;
            let cached = p::MIN_CACHED_INIT_GAS as u64 * p::MIN_CACHED_GAS_UNITS;
            ret(100, minInitGasCall::abi_encode_returns_tuple(&(gas, cached)))
        }
        initCostScalarCall::SELECTOR => {
            let pct = p::INIT_COST_SCALAR as u64 * p::COST_SCALAR_PERCENT;
            ret(100, initCostScalarCall::abi_encode_returns(&pct))
        }
        expiryDaysCall::SELECTOR => ret(100, expiryDaysCall::abi_encode_returns(&p::EXPIRY_DAYS)),
        keepaliveDaysCall::SELECTOR => {
            ret(100, keepaliveDaysCall::abi_encode_returns(&p::KEEPALIVE_DAYS))
        }
        blockCacheSizeCall::SELECTOR => {
            ret(100, blockCacheSizeCall::abi_encode_returns(&p::BLOCK_CACHE_SIZE))
        }
        codehashVersionCall::SELECTOR | codehashAsmSizeCall::SELECTOR => {
            let Ok(call) = codehashVersionCall::abi_decode_raw(&data[4..]) else {
                return revert(Vec::new());
            };
            match active(exec, call.codehash, time) {
                Ok(info) if selector == codehashVersionCall::SELECTOR => {
                    ret(QUERY_GAS, codehashVersionCall::abi_encode_returns(&info.version))
                }
                Ok(info) => {
                    ret(QUERY_GAS, codehashAsmSizeCall::abi_encode_returns(&info.asm_size()))
                }
                Err(e) => out(InstructionResult::Revert, limit, QUERY_GAS, e),
            }
        }
        programVersionCall::SELECTOR
        | programInitGasCall::SELECTOR
        | programMemoryFootprintCall::SELECTOR
        | programTimeLeftCall::SELECTOR => {
            let Ok(call) = programVersionCall::abi_decode_raw(&data[4..]) else {
                return revert(Vec::new());
            };
            let (hash, access) = hash_of(exec, call.program);
            let used = QUERY_GAS + access;
            let info = match active(exec, hash, time) {
                Ok(i) => i,
                Err(e) => return out(InstructionResult::Revert, limit, used, e),
            };
            let output = match selector {
                programVersionCall::SELECTOR => {
                    programVersionCall::abi_encode_returns(&info.version)
                }
                programInitGasCall::SELECTOR => {
                    // Stylus v2: an uncached entry pays both.
                    let (cached, init) = (info.cached_gas(), info.init_gas());
                    programInitGasCall::abi_encode_returns_tuple(&(init + cached, cached))
                }
                programMemoryFootprintCall::SELECTOR => {
                    programMemoryFootprintCall::abi_encode_returns(&info.footprint)
                }
                _ => {
                    let expiry = p::EXPIRY_DAYS as u64 * pricing::DAY;
                    programTimeLeftCall::abi_encode_returns(&expiry.saturating_sub(info.age(time)))
                }
            };
            ret(used, output)
        }
        _ => revert(Vec::new()),
    }
}
