//! Findings of the lifecycle work (issue 7) in other people's contracts, each as a minimal
//! test on the local chain that FAILS until the contract is fixed. See the report.
mod common;

use alloy_sol_types::SolCall;
use common::community::*;
use local_chain::U256;

/// FINDING 1 (vault/src/lib.rs, `redeemEth` -> `exit(.., eth = true)`): the vault unwraps
/// with `WETH.withdraw`, and WETH9 sends the ETH back to the vault *while the vault is
/// executing*. That is a reentrant call into a Stylus program, which stylus-sdk refuses
/// unless the crate enables its `reentrant` feature, so the unwrap fails and every
/// `redeemEth` reverts with `CallFailed(weth, assets)`. (motsu never shows it: its
/// reentrancy flag is always false.) Fix: either enable `reentrant` and guard the vault
/// yourself, or drop the ETH exit path (members unwrap themselves), or unwrap through a
/// helper contract that forwards the ETH.
#[test]
fn finding_1_redeem_eth_reverts_on_the_weth_refund() {
    let mut c = Community::deploy();
    let alice = member(0);
    let (_, account, _) = c.join(alice);
    c.warp_by(LOCK);
    let before = c.chain.balance(alice);
    let data = IVault::redeemEthCall { shares: u(STAKE), receiver: alice, owner: account }.abi_encode();
    let r = c.exec(alice, account, c.vault, data);
    assert!(r.success, "redeemEth through the account failed: {} 0x{}", r.status, local_chain::hex::encode(&r.output));
    assert_eq!(c.chain.balance(alice), before + U256::from(STAKE));
}
