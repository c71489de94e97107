//! The `ArbOwnerPublic` precompile at `0x6b`: the chain owners, the network fee account
//! and the fragment limit, as anyone may read them (the CacheManager asks the first two,
//! cargo-stylus the last).

use alloy_sol_types::{sol, SolCall};
use revm::{
    interpreter::{CallInputs, InstructionResult, InterpreterResult},
    primitives::{address, Address},
};

use crate::{
    arbwasm::NETWORK_FEE_ACCOUNT,
    exec::Exec,
    precompile::{answer, input, out},
};

/// The ArbOwnerPublic precompile's address.
pub const ARB_OWNER_PUBLIC: Address = address!("000000000000000000000000000000000000006b");

sol! {
    function isChainOwner(address addr) external view returns (bool);
    function getAllChainOwners() external view returns (address[] memory);
    function getNetworkFeeAccount() external view returns (address);
    function getMaxStylusContractFragments() external view returns (uint8);
}

/// How many fragments a Stylus contract's code may be split into: none here, since this
/// chain activates only single-code programs (a tool asking deploys unfragmented code).
pub const MAX_STYLUS_CONTRACT_FRAGMENTS: u8 = 0;

/// Gas of a read of ArbOS storage. Modelled, not measured on Nitro.
const READ_GAS: u64 = 800;

pub(crate) fn run(exec: &mut Exec, inputs: &CallInputs) -> InterpreterResult {
    let limit = inputs.gas_limit;
    let data = input(inputs);
    let reply: Option<(u64, Vec<u8>)> = match data
        .get(..4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
    {
        Some(isChainOwnerCall::SELECTOR) => isChainOwnerCall::abi_decode(&data).ok().map(|c| {
            (READ_GAS, isChainOwnerCall::abi_encode_returns(&exec.roles.is_owner(c.addr)))
        }),
        Some(getAllChainOwnersCall::SELECTOR) => {
            let all = exec.roles.chain_owners.clone();
            Some((
                READ_GAS * (1 + all.len() as u64),
                getAllChainOwnersCall::abi_encode_returns(&all),
            ))
        }
        Some(getMaxStylusContractFragmentsCall::SELECTOR) => Some((
            READ_GAS,
            getMaxStylusContractFragmentsCall::abi_encode_returns(&MAX_STYLUS_CONTRACT_FRAGMENTS),
        )),
        Some(getNetworkFeeAccountCall::SELECTOR) => {
            Some((READ_GAS, getNetworkFeeAccountCall::abi_encode_returns(&NETWORK_FEE_ACCOUNT)))
        }
        _ => None,
    };
    match reply {
        Some((used, output)) => answer(limit, used, output),
        None => out(InstructionResult::Revert, limit, 0, Vec::new()),
    }
}
