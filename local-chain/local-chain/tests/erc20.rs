//! Differential test: the mock-erc20 artifact (OpenZeppelin Erc20 + metadata + WETH) on the
//! local chain behaves as its motsu tests say (contracts/mocks/erc20/src/lib.rs `tests`):
//! same return values, same revert data, same events.
mod common;

use alloy_sol_types::{SolCall, SolType};
use common::{
    abi::mock_erc20::{
        Constructor, IERC20Metadata::*, IMockErc20::*, IMockErc20Events::*, IERC20::*,
    },
    *,
};
use local_chain::{Address, Chain, U256};

fn ctor_args(name: &str, symbol: &str, decimals: u8) -> Vec<u8> {
    Constructor::abi_encode_params(&(name, symbol, decimals))
}

fn deploy(chain: &mut Chain) -> Address {
    let args = ctor_args("Wrapped Ether", "WETH", 18);
    chain
        .deploy_artifact(ALICE, "mock-erc20", Some(&args))
        .unwrap_or_else(|e| panic!("deploy mock-erc20: {e}"))
}

#[test]
fn constructor_runs_through_the_stylus_deployer_flow() {
    let mut chain = chain();
    let t = deploy(&mut chain);
    assert_eq!(t, local_chain::STYLUS_DEPLOYER.create(0));
    assert_eq!(chain.nonce(local_chain::STYLUS_DEPLOYER), 1, "one CREATE per deployment");
    assert_eq!(chain.nonce(ALICE), 1, "one transaction of the deployer's caller");
    assert_eq!(chain.read(t, &nameCall {}).unwrap(), "Wrapped Ether");
    assert_eq!(chain.read(t, &symbolCall {}).unwrap(), "WETH");
    assert_eq!(chain.read(t, &decimalsCall {}).unwrap(), 18);
    // The constructor cannot run twice (the SDK's constructor slot).
    let mut data = local_chain::constructor_selector().to_vec();
    data.extend_from_slice(&ctor_args("X", "Y", 6));
    let r = chain.call(ALICE, t, U256::ZERO, data);
    assert!(!r.success);
    assert_eq!(chain.read(t, &symbolCall {}).unwrap(), "WETH");
}

#[test]
fn mint_transfer_approve_transfer_from_and_their_events() {
    let mut chain = chain();
    let t = deploy(&mut chain);
    let r = chain.call(
        ALICE,
        t,
        U256::ZERO,
        SolCall::abi_encode(&mintCall { to: ALICE, amount: U256::from(100) }),
    );
    r.assert_success();
    assert_eq!(
        r.events::<Transfer>(),
        vec![Transfer { from: Address::ZERO, to: ALICE, value: U256::from(100) }]
    );
    assert_eq!(chain.read(t, &totalSupplyCall {}).unwrap(), U256::from(100));

    assert!(chain.send(ALICE, t, &transferCall { to: BOB, value: U256::from(30) }).unwrap());
    assert_eq!(chain.read(t, &balanceOfCall { account: ALICE }).unwrap(), U256::from(70));
    assert_eq!(chain.read(t, &balanceOfCall { account: BOB }).unwrap(), U256::from(30));

    assert!(chain.send(ALICE, t, &approveCall { spender: BOB, value: U256::from(50) }).unwrap());
    assert_eq!(
        chain.read(t, &allowanceCall { owner: ALICE, spender: BOB }).unwrap(),
        U256::from(50)
    );
    let carol = Address::repeat_byte(0xCC);
    let r = chain.call(
        BOB,
        t,
        U256::ZERO,
        SolCall::abi_encode(&transferFromCall { from: ALICE, to: carol, value: U256::from(20) }),
    );
    r.assert_success();
    assert_eq!(
        r.events::<Transfer>(),
        vec![Transfer { from: ALICE, to: carol, value: U256::from(20) }]
    );
    assert_eq!(
        chain.read(t, &allowanceCall { owner: ALICE, spender: BOB }).unwrap(),
        U256::from(30)
    );
}

#[test]
fn reverts_carry_the_openzeppelin_errors() {
    let mut chain = chain();
    let t = deploy(&mut chain);
    chain.send(ALICE, t, &mintCall { to: ALICE, amount: U256::from(10) }).unwrap();
    let e = chain.send(ALICE, t, &transferCall { to: BOB, value: U256::from(11) }).unwrap_err();
    assert_eq!(
        e.revert_as::<ERC20InsufficientBalance>(),
        // (sender, balance, needed)
        Some(ERC20InsufficientBalance { _0: ALICE, _1: U256::from(10), _2: U256::from(11) })
    );
    let e = chain
        .send(ALICE, t, &transferCall { to: Address::ZERO, value: U256::from(1) })
        .unwrap_err();
    assert_eq!(e.revert_as::<ERC20InvalidReceiver>(), Some(ERC20InvalidReceiver(Address::ZERO)));
    let e = chain
        .send(BOB, t, &transferFromCall { from: ALICE, to: BOB, value: U256::from(1) })
        .unwrap_err();
    assert_eq!(
        e.revert_as::<ERC20InsufficientAllowance>(),
        // (spender, allowance, needed)
        Some(ERC20InsufficientAllowance { _0: BOB, _1: U256::ZERO, _2: U256::from(1) })
    );
    // State unchanged by the reverts.
    assert_eq!(chain.read(t, &balanceOfCall { account: ALICE }).unwrap(), U256::from(10));
}

#[test]
fn weth_deposit_and_withdraw_move_eth() {
    let mut chain = chain();
    let t = deploy(&mut chain);
    let before = chain.balance(ALICE);
    let r = chain.call(ALICE, t, U256::from(1_000), SolCall::abi_encode(&depositCall {}));
    r.assert_success();
    assert_eq!(r.events::<Deposit>(), vec![Deposit { dst: ALICE, wad: U256::from(1_000) }]);
    assert_eq!(chain.balance(t), U256::from(1_000));
    assert_eq!(chain.balance(ALICE), before - U256::from(1_000));
    chain.send(ALICE, t, &withdrawCall { wad: U256::from(400) }).unwrap();
    assert_eq!(chain.balance(t), U256::from(600));
    assert_eq!(chain.balance(ALICE), before - U256::from(600));
    assert_eq!(chain.read(t, &balanceOfCall { account: ALICE }).unwrap(), U256::from(600));
    // Non-payable functions refuse value.
    let r = chain.call(
        ALICE,
        t,
        U256::from(1),
        SolCall::abi_encode(&mintCall { to: ALICE, amount: U256::from(1) }),
    );
    assert!(!r.success);
}
