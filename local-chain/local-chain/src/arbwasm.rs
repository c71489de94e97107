//! A minimal `ArbWasm` precompile at `0x71`: `activateProgram(address)`,
//! `stylusVersion()`, `programVersion(address)`, `codehashVersion(bytes32)`.

use alloy_sol_types::{sol, SolCall, SolError};
use revm::{
    context::JournalTr,
    interpreter::{CallInput, CallInputs, Gas, InstructionResult, InterpreterResult},
    primitives::{address, keccak256, Address, Bytes, U256},
};

use crate::{exec::Exec, stylus::STYLUS_VERSION};

/// The ArbWasm precompile's address.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");

/// Gas charged by `activateProgram` (an estimate: Nitro charges by the module's size).
const ACTIVATION_GAS: u64 = 1_000_000;

sol! {
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function stylusVersion() external view returns (uint16 version);
    function programVersion(address program) external view returns (uint16 version);
    function codehashVersion(bytes32 codehash) external view returns (uint16 version);
    error ProgramNotWasm();
    error ProgramNotActivated();
    error ProgramUpToDate();
}

fn out(result: InstructionResult, gas_limit: u64, used: u64, output: Vec<u8>) -> InterpreterResult {
    let mut gas = Gas::new(gas_limit);
    let _ = gas.record_regular_cost(used.min(gas_limit));
    InterpreterResult { result, gas, output: Bytes::from(output) }
}

pub(crate) fn run(exec: &mut Exec, inputs: &CallInputs) -> InterpreterResult {
    let limit = inputs.gas_limit;
    let data = match &inputs.input {
        CallInput::Bytes(b) => b.clone(),
        CallInput::SharedBuffer(_) => Bytes::new(),
    };
    let revert = |e: Vec<u8>| out(InstructionResult::Revert, limit, 0, e);
    if data.len() < 4 {
        return revert(Vec::new());
    }
    let selector: [u8; 4] = [data[0], data[1], data[2], data[3]];
    let code_of = |exec: &mut Exec, a: Address| {
        exec.ctx().journaled_state.code(a).map(|c| c.data).unwrap_or_default()
    };
    match selector {
        activateProgramCall::SELECTOR => {
            if inputs.is_static {
                return revert(Vec::new());
            }
            let Ok(call) = activateProgramCall::abi_decode(&data) else {
                return revert(Vec::new());
            };
            if limit < ACTIVATION_GAS {
                return out(InstructionResult::OutOfGas, limit, limit, Vec::new());
            }
            let code = code_of(exec, call.program);
            let hash = keccak256(&code);
            if exec.activated.contains_key(&hash) {
                return revert(ProgramUpToDate {}.abi_encode());
            }
            let Ok(info) = exec.runtime().activate(&code) else {
                return revert(ProgramNotWasm {}.abi_encode());
            };
            exec.activated.insert(hash, info);
            // No data fee here: any value sent is refunded to the caller.
            let value = inputs.value.get();
            if !value.is_zero() {
                let _ = exec.ctx().journaled_state.transfer(ARB_WASM, inputs.caller, value);
            }
            let ret = activateProgramCall::abi_encode_returns_tuple(&(STYLUS_VERSION, U256::ZERO));
            out(InstructionResult::Return, limit, ACTIVATION_GAS, ret)
        }
        stylusVersionCall::SELECTOR => out(
            InstructionResult::Return,
            limit,
            100,
            stylusVersionCall::abi_encode_returns(&STYLUS_VERSION),
        ),
        programVersionCall::SELECTOR | codehashVersionCall::SELECTOR => {
            let hash = if selector == programVersionCall::SELECTOR {
                let Ok(call) = programVersionCall::abi_decode(&data) else {
                    return revert(Vec::new());
                };
                keccak256(code_of(exec, call.program))
            } else {
                let Ok(call) = codehashVersionCall::abi_decode(&data) else {
                    return revert(Vec::new());
                };
                call.codehash
            };
            match exec.activated.get(&hash) {
                Some(info) => out(
                    InstructionResult::Return,
                    limit,
                    2_100,
                    programVersionCall::abi_encode_returns(&info.version),
                ),
                None => revert(ProgramNotActivated {}.abi_encode()),
            }
        }
        _ => revert(Vec::new()),
    }
}
