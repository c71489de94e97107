//! The `ArbSys` precompile at `0x64`: the queries tooling makes of the chain it runs on
//! (block number, chain id, ArbOS version).

use alloy_sol_types::{sol, SolCall};
use revm::{
    context::{Block, Cfg, ContextTr},
    interpreter::{CallInputs, InstructionResult, InterpreterResult},
    primitives::{address, Address, U256},
};
use stylus_rules::params::ARBOS_VERSION;

use crate::{
    exec::Exec,
    precompile::{answer, input, out},
};

/// The ArbSys precompile's address.
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");

/// Nitro reports ArbOS versions offset by 55 (its first version was 56).
pub const ARBOS_VERSION_OFFSET: u64 = 55;

sol! {
    function arbBlockNumber() external view returns (uint256);
    function arbChainID() external view returns (uint256);
    function arbOSVersion() external view returns (uint256);
}

/// Gas of a query: 100 for the read plus 3 for the result word. Modelled, not measured on
/// Nitro (these reads come from the block context or ArbOS's cached version).
const VIEW_GAS: u64 = 100 + 3;

pub(crate) fn run(exec: &mut Exec, inputs: &CallInputs) -> InterpreterResult {
    let limit = inputs.gas_limit;
    let data = input(inputs);
    let answer_word = match data.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) {
        Some(arbBlockNumberCall::SELECTOR) => Some(exec.ctx().block().number()),
        Some(arbChainIDCall::SELECTOR) => Some(U256::from(exec.ctx().cfg().chain_id())),
        Some(arbOSVersionCall::SELECTOR) => Some(U256::from(ARBOS_VERSION_OFFSET + ARBOS_VERSION)),
        _ => None,
    };
    match answer_word {
        Some(v) => answer(limit, VIEW_GAS, v.to_be_bytes::<32>().to_vec()),
        None => out(InstructionResult::Revert, limit, 0, Vec::new()),
    }
}
