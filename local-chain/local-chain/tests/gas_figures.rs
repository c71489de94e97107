//! Gas of typical calls on the mock ERC-20 artifact (the figures in the crate docs and the
//! README come from here; `--nocapture` prints them).
mod common;

use alloy_sol_types::{sol, SolCall};
use common::*;
use local_chain::{address, Address, Chain, U256};

const CAROL: Address = address!("00000000000000000000000000000000000CA201");

sol! {
    function ctor(string name, string symbol, uint8 decimals);
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function mint(address to, uint256 amount) external;
}

fn token(chain: &mut Chain) -> Address {
    let args = ctorCall { name: "W".into(), symbol: "W".into(), decimals: 18 }.abi_encode();
    let t = chain.deploy_artifact(ALICE, "mock-erc20", Some(&args[4..])).unwrap();
    chain.send(ALICE, t, &mintCall { to: ALICE, amount: U256::from(1_000_000) }).unwrap();
    chain.send(ALICE, t, &mintCall { to: BOB, amount: U256::from(1) }).unwrap();
    t
}

/// Gas of `transfer` to a new holder, to an existing holder, and of `balanceOf`.
fn erc20_figures(chain: &mut Chain, t: Address) -> (u64, u64, u64) {
    let snap = chain.snapshot();
    let new = chain
        .call(ALICE, t, U256::ZERO, transferCall { to: CAROL, value: U256::from(5) }.abi_encode())
        .gas_used;
    chain.revert_to(snap);
    let existing = chain
        .call(ALICE, t, U256::ZERO, transferCall { to: BOB, value: U256::from(5) }.abi_encode())
        .gas_used;
    chain.revert_to(snap);
    let read = chain.view(ALICE, t, balanceOfCall { account: ALICE }.abi_encode()).gas_used;
    (new, existing, read)
}

#[test]
fn erc20_gas_figures() {
    let mut chain = chain();
    let t = token(&mut chain);
    let (new, existing, read) = erc20_figures(&mut chain, t);
    println!("mock-erc20: transfer to a new holder {new}, to an existing holder {existing}, balanceOf {read}");
    assert!(new > existing && existing > read && read > 21_000);
    // In the CacheManager cache: the init gas (8,832 + init cost) is not paid.
    let hash = local_chain::keccak256(chain.code(t));
    let init = chain.program(hash).unwrap().init_gas();
    chain.cache_program(hash);
    let (new_c, existing_c, read_c) = erc20_figures(&mut chain, t);
    println!("mock-erc20 cached: transfer to a new holder {new_c}, to an existing holder {existing_c}, balanceOf {read_c} (init gas {init})");
    assert_eq!((new - new_c, existing - existing_c, read - read_c), (init, init, init));
}
