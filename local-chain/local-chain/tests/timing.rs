//! The per-call cost of a small Stylus contract once its module is compiled (the figure in the
//! crate docs comes from this test; run with `--nocapture` to see it).
mod common;

use std::time::Instant;

use alloy_sol_types::{SolCall, SolType};
use common::{
    abi::mock_erc20::{
        Constructor,
        IMockErc20::mintCall,
        IERC20::{balanceOfCall, transferCall},
    },
    *,
};
use local_chain::U256;

#[test]
fn a_call_into_a_compiled_program_is_well_under_a_millisecond() {
    let mut chain = chain();
    let args = Constructor::abi_encode_params(&("W", "W", 18u8));
    let token =
        chain.deploy_artifact(ALICE, "mock-erc20", Some(&args)).unwrap_or_else(|e| panic!("{e}"));
    chain.send(ALICE, token, &mintCall { to: ALICE, amount: U256::from(1_000_000) }).unwrap();
    let read = balanceOfCall { account: ALICE }.abi_encode();
    let write = transferCall { to: BOB, value: U256::from(1) }.abi_encode();
    // Warm up (module compiled at activation; first calls touch caches).
    for _ in 0..20 {
        chain.view(ALICE, token, read.clone());
    }
    let n = 500;
    let t = Instant::now();
    for _ in 0..n {
        assert!(chain.view(ALICE, token, read.clone()).success);
    }
    let per_view = t.elapsed() / n;
    let t = Instant::now();
    for _ in 0..n {
        assert!(chain.call(ALICE, token, U256::ZERO, write.clone()).success);
    }
    let per_transfer = t.elapsed() / n;
    println!(
        "local-chain timing: balanceOf view {per_view:?}/call, transfer tx {per_transfer:?}/tx"
    );
    // Generous bound for loaded CI machines; the measured figure is far lower.
    assert!(per_view.as_micros() < 1_000, "balanceOf took {per_view:?}");
}
