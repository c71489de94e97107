//! What every ArbOS precompile shares: its calldata and the shape of its outcome.

use revm::{
    interpreter::{CallInput, CallInputs, Gas, InstructionResult, InterpreterResult},
    primitives::Bytes,
};

/// The call's input bytes (precompiles are always called with their own copy).
pub(crate) fn input(inputs: &CallInputs) -> Bytes {
    match &inputs.input {
        CallInput::Bytes(b) => b.clone(),
        CallInput::SharedBuffer(_) => Bytes::new(),
    }
}

/// An outcome that used `used` of `limit` gas (at most all of it).
pub(crate) fn out(
    result: InstructionResult,
    limit: u64,
    used: u64,
    output: Vec<u8>,
) -> InterpreterResult {
    let mut gas = Gas::new(limit);
    let _ = gas.record_regular_cost(used.min(limit));
    InterpreterResult { result, gas, output: Bytes::from(output) }
}

/// `output` for `used` gas, or out of gas (all of it) when `used` is over `limit`.
pub(crate) fn answer(limit: u64, used: u64, output: Vec<u8>) -> InterpreterResult {
    if used > limit {
        return out(InstructionResult::OutOfGas, limit, limit, Vec::new());
    }
    out(InstructionResult::Return, limit, used, output)
}
