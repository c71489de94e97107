//! The SDK's default reentrancy denial bites on the local chain as on Nitro: a real artifact
//! (mock-erc20) refuses a call that re-enters it while it is executing.
mod common;

use alloy_sol_types::{SolCall, SolType};
use common::{
    abi::mock_erc20::{
        Constructor,
        IMockErc20::{depositCall, mintCall, withdrawCall},
        IERC20::totalSupplyCall,
    },
    *,
};
use local_chain::{Address, Chain, U256};

/// Receives ETH by calling the token stored in its slot 0 (`totalSupply()`) and records the
/// outcome in slot 1 (1 = the call succeeded, 2 = it failed). Called with
/// `token ++ calldata`, stores `token` in slot 0 and calls it with `calldata`.
const PROBE: &str = r#"
  (data (i32.const 1131) "\01")
  (data (i32.const 2000) "\18\16\0d\dd")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (result i32) (i32.eqz (local.get $len))
      (then
        (call $sload (i32.const 1024) (i32.const 3000))
        (i32.store8 (i32.const 3063)
          (i32.add (i32.const 1)
            (call $call (i32.const 3012) (i32.const 2000) (i32.const 4) (i32.const 2048) (i64.const -1) (i32.const 200))))
        (call $scache (i32.const 1100) (i32.const 3032))
        (call $flush (i32.const 0))
        (i32.const 0))
      (else
        (memory.copy (i32.const 3112) (i32.const 0) (i32.const 20))
        (call $scache (i32.const 1024) (i32.const 3100))
        (call $flush (i32.const 0))
        (i32.store8 (i32.const 3200)
          (call $call (i32.const 0) (i32.const 20) (i32.sub (local.get $len) (i32.const 20)) (i32.const 2048) (i64.const -1) (i32.const 200)))
        (call $write_result (i32.const 3200) (i32.const 1))
        (i32.const 0))))
"#;

fn setup() -> (Chain, Address, Address) {
    let mut chain = chain();
    let args = Constructor::abi_encode_params(&("W", "W", 18u8));
    let token =
        chain.deploy_artifact(ALICE, "mock-erc20", Some(&args)).unwrap_or_else(|e| panic!("{e}"));
    let probe = deploy_wat(&mut chain, &module(PROBE));
    (chain, token, probe)
}

#[test]
fn a_call_back_into_the_paying_token_is_denied() {
    let (mut chain, token, probe) = setup();
    // The token holds ETH (ALICE wrapped some) and the probe holds tokens.
    chain.call(ALICE, token, U256::from(1_000), depositCall {}.abi_encode()).assert_success();
    chain.send(ALICE, token, &mintCall { to: probe, amount: U256::from(10) }).unwrap();
    // The probe unwraps 5: the token pays it ETH, the probe calls the token back.
    let mut data = token.to_vec();
    data.extend(withdrawCall { wad: U256::from(5) }.abi_encode());
    let r = chain.call(ALICE, probe, U256::ZERO, data);
    r.assert_success();
    assert_eq!(r.output.as_ref(), &[0u8], "the withdraw itself succeeded");
    assert_eq!(chain.balance(probe), U256::from(5));
    assert_eq!(
        chain.storage(probe, U256::from(1)),
        U256::from(2),
        "the reentrant call was refused"
    );
}

#[test]
fn the_same_call_from_outside_succeeds() {
    let (mut chain, token, probe) = setup();
    chain.set_storage(probe, U256::ZERO, U256::from_be_slice(token.as_slice()));
    // Plain ETH to the probe: the token is not executing, so totalSupply() answers.
    chain.call(ALICE, probe, U256::from(1), Vec::<u8>::new()).assert_success();
    assert_eq!(chain.storage(probe, U256::from(1)), U256::from(1));
    assert_eq!(chain.read(token, &totalSupplyCall {}).unwrap(), U256::ZERO);
}
