//! The vault on the local chain with the built artifacts, where motsu cannot go: its
//! native-ETH exit `redeemEth` (motsu can neither pay ETH to an account without code nor
//! refuse reentrant calls: WETH pays the unwrapped ETH back to the vault while `redeemEth`
//! runs, a reentrant call the vault's entrypoint admits only with empty calldata, and only
//! from WETH) and its time lock (motsu's clock stands still).
use alloy_sol_types::{SolCall, SolError};
use local_chain::{Address, Bytes, U256};

use super::common::{
    abi::{
        account::ITbaAccount,
        vault::{IYieldVault, IERC4626},
        weth,
    },
    community::*,
};

/// Runtime code of a receiver that, when paid, calls back into `vault`: first `harvest()`
/// (calldata), then with empty calldata, storing each call's success in slots 0 and 1
/// and 1 in slot 2 (it ran); it accepts the ETH either way.
fn calling_back_receiver(vault: Address) -> Vec<u8> {
    let mut code = vec![0x63];
    code.extend_from_slice(&IYieldVault::harvestCall::SELECTOR);
    code.extend_from_slice(&[0x60, 0xe0, 0x1b, 0x60, 0x00, 0x52]); // mstore(0, selector << 224)
    code.extend_from_slice(&[0x60, 0x00, 0x60, 0x00, 0x60, 0x04, 0x60, 0x00, 0x60, 0x00, 0x73]);
    code.extend_from_slice(vault.as_slice());
    code.extend_from_slice(&[0x5a, 0xf1, 0x60, 0x00, 0x55]); // sstore(0, call(gas, vault, 0, 0, 4, 0, 0))
    code.extend_from_slice(&[0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x73]);
    code.extend_from_slice(vault.as_slice());
    code.extend_from_slice(&[0x5a, 0xf1, 0x60, 0x01, 0x55]); // sstore(1, call(gas, vault, 0, 0, 0, 0, 0))
    code.extend_from_slice(&[0x60, 0x01, 0x60, 0x02, 0x55, 0x00]); // sstore(2, 1); stop
    code
}

/// Runtime code that refuses every call (and so any ETH).
const REFUSING: [u8; 5] = [0x60, 0x00, 0x80, 0xfd, 0x00]; // revert(0, 0)

fn joined() -> (Community, Address, Address) {
    let mut c = Community::deploy();
    let alice = member(0);
    let (_, account, _) = c.join(alice);
    (c, alice, account)
}

/// An account without code that deposited a stake with `depositEth` for itself, the lock
/// since passed.
fn unlocked_eoa_holder(c: &mut Community) -> Address {
    let bob = member(1);
    c.chain.set_balance(bob, u(ETH));
    ok(
        c.chain.call(
            bob,
            c.vault,
            u(STAKE),
            IYieldVault::depositEthCall { receiver: bob }.abi_encode(),
        ),
        "depositEth",
    );
    c.warp_by(LOCK);
    bob
}

#[test]
fn a_member_leaves_with_exactly_the_stake_in_eth_in_one_call() {
    let (mut c, alice, account) = joined();
    c.warp_by(LOCK);
    let (eth_before, weth_supply_before) =
        (c.chain.balance(alice), c.chain.read(c.weth, &weth::IERC20::totalSupplyCall {}).unwrap());
    let data = IYieldVault::redeemEthCall { shares: u(STAKE), receiver: alice, owner: account }
        .abi_encode();
    let r = ok(c.exec(alice, account, c.vault, data), "redeemEth through the account");
    assert_eq!(c.chain.balance(alice) - eth_before, u(STAKE), "exactly the stake, in ETH");
    assert_eq!(c.shares(account), U256::ZERO);
    assert_eq!(c.chain.balance(c.vault), U256::ZERO, "the vault keeps no ETH");
    let weth_supply = c.chain.read(c.weth, &weth::IERC20::totalSupplyCall {}).unwrap();
    assert_eq!(weth_supply_before - weth_supply, u(STAKE), "the WETH was unwrapped");
    // The source's own ERC-4626 Withdraw (owner: the vault) comes first; then the vault's.
    let w: Vec<_> =
        r.events::<IERC4626::Withdraw>().into_iter().filter(|w| w.owner == account).collect();
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w[0].sender, w[0].receiver, w[0].assets, w[0].shares),
        (account, alice, u(STAKE), u(STAKE))
    );
}

#[test]
fn an_eoa_depositor_redeems_eth_to_a_contract_account() {
    let (mut c, _, account) = joined();
    let bob = unlocked_eoa_holder(&mut c);
    // The receiver is a token-bound account (a proxy running the Stylus account): it needs
    // more than a stipend to take ETH, and gets all the gas left.
    let before = c.chain.balance(account);
    ok(
        c.chain.call(
            bob,
            c.vault,
            U256::ZERO,
            IYieldVault::redeemEthCall { shares: u(STAKE), receiver: account, owner: bob }
                .abi_encode(),
        ),
        "redeemEth",
    );
    assert_eq!(c.chain.balance(account) - before, u(STAKE));
    assert_eq!(c.shares(bob), U256::ZERO);
}

#[test]
fn redeem_eth_refuses_locked_shares_and_keeps_them() {
    let (mut c, alice, account) = joined();
    let data = IYieldVault::redeemEthCall { shares: u(STAKE), receiver: alice, owner: account }
        .abi_encode();
    let r = c.exec(alice, account, c.vault, data);
    assert!(!r.success);
    assert_eq!(c.shares(account), u(STAKE));
    assert_eq!(c.chain.balance(c.vault), U256::ZERO);
}

#[test]
fn plain_eth_to_the_vault_is_refused() {
    let (mut c, _, _) = joined();
    let r = c.chain.call(OUTSIDER, c.vault, u(1), Vec::<u8>::new());
    assert!(!r.success);
    assert_eq!(
        IYieldVault::UnexpectedEth::abi_decode(&r.output).unwrap(),
        IYieldVault::UnexpectedEth { _0: OUTSIDER, _1: u(1) }
    );
    assert_eq!(c.chain.balance(c.vault), U256::ZERO);
}

#[test]
fn a_receiver_cannot_call_back_into_the_vault() {
    let (mut c, _, _) = joined();
    let bob = unlocked_eoa_holder(&mut c);
    let receiver = Address::new([0xCB; 20]);
    c.chain.set_code(receiver, Bytes::from(calling_back_receiver(c.vault)));
    ok(
        c.chain.call(
            bob,
            c.vault,
            U256::ZERO,
            IYieldVault::redeemEthCall { shares: u(STAKE), receiver, owner: bob }.abi_encode(),
        ),
        "redeemEth",
    );
    assert_eq!(c.chain.balance(receiver), u(STAKE));
    assert_eq!(c.chain.storage(receiver, U256::from(2)), U256::from(1), "the receiver ran");
    assert_eq!(
        c.chain.storage(receiver, U256::ZERO),
        U256::ZERO,
        "a reentrant call with calldata is refused"
    );
    assert_eq!(
        c.chain.storage(receiver, U256::from(1)),
        U256::ZERO,
        "a reentrant empty call is refused (not from WETH)"
    );
    // Outside a redeem, the same calls reach the vault (the harvest reverts for its own
    // reason, the empty call with UnexpectedEth): the refusal above is the reentrancy rule.
    let r = c.chain.call(bob, c.vault, U256::ZERO, IYieldVault::harvestCall {}.abi_encode());
    assert!(!r.output.is_empty(), "harvest answers with a reason outside a reentrant call");
}

#[test]
fn a_receiver_refusing_eth_reverts_the_whole_redeem() {
    let (mut c, _, _) = joined();
    let bob = unlocked_eoa_holder(&mut c);
    let receiver = Address::new([0xDE; 20]);
    c.chain.set_code(receiver, Bytes::from(REFUSING.to_vec()));
    let r = c.chain.call(
        bob,
        c.vault,
        U256::ZERO,
        IYieldVault::redeemEthCall { shares: u(STAKE), receiver, owner: bob }.abi_encode(),
    );
    assert!(!r.success);
    assert_eq!(
        IYieldVault::CallFailed::abi_decode(&r.output).unwrap(),
        IYieldVault::CallFailed { _0: receiver, _1: u(STAKE) }
    );
    assert_eq!(c.shares(bob), u(STAKE), "shares intact");
    assert_eq!(c.chain.balance(c.vault), U256::ZERO);
}

#[test]
fn someone_elses_deposit_into_a_live_lot_adds_only_its_own_lock_time() {
    let (mut c, alice, account) = joined();
    let t0 = c.now();
    let unlock = |c: &mut Community| {
        c.chain.read(c.vault, &IYieldVault::unlockTimeCall { owner: account }).unwrap()
    };
    assert_eq!(unlock(&mut c), t0 + LOCK);
    c.warp_by(20 * DAY);
    // Someone adds a stake to the member's account 20 days in: the two lots merge at the
    // share-weighted unlock time, t0 + LOCK + 10 days. The gift does not unlock with the
    // member's stake (no bypass), and it moves the member's lock by half of its own lock
    // at most (a gift as large as the holding).
    ok(
        c.chain.call(
            OUTSIDER,
            c.vault,
            u(STAKE),
            IYieldVault::depositEthCall { receiver: account }.abi_encode(),
        ),
        "third-party deposit",
    );
    assert_eq!(c.shares(account), u(2 * STAKE));
    assert_eq!(unlock(&mut c), t0 + LOCK + 10 * DAY);
    c.warp_by(LOCK - 20 * DAY);
    assert!(!c.leave(alice, account).1.success, "locked until the merged unlock time");
    c.warp_by(10 * DAY - 1);
    assert!(!c.leave(alice, account).1.success, "still locked one second before");
    c.warp_by(1);
    let (got, r) = c.leave(alice, account);
    ok(r, "leave at the merged unlock time");
    assert_eq!(got, u(2 * STAKE));
}

#[test]
fn a_deposit_after_the_lock_ran_out_locks_only_its_own_shares() {
    let (mut c, alice, account) = joined();
    c.warp_by(LOCK);
    // The member's stake is free; a new deposit into the account is locked for the full
    // duration (someone else's expired holding is no way around the lock)...
    ok(
        c.chain.call(
            OUTSIDER,
            c.vault,
            u(STAKE),
            IYieldVault::depositEthCall { receiver: account }.abi_encode(),
        ),
        "deposit into a free holding",
    );
    let now = c.now();
    assert_eq!(
        c.chain.read(c.vault, &IYieldVault::unlockTimeCall { owner: account }).unwrap(),
        now + LOCK
    );
    assert_eq!(
        c.chain.read(c.vault, &IERC4626::maxRedeemCall { owner: account }).unwrap(),
        u(STAKE)
    );
    // ...and leaves the member's own stake free: leaving redeems everything, so it waits,
    // while the free part can go at once.
    assert!(!c.leave(alice, account).1.success, "the new lot is locked");
    let redeem = ITbaAccount::executeCall {
        to: c.vault,
        value: U256::ZERO,
        data: Bytes::from(
            IERC4626::redeemCall { shares: u(STAKE), receiver: alice, owner: account }.abi_encode(),
        ),
        operation: 0,
    };
    ok(c.chain.call(alice, account, U256::ZERO, redeem.abi_encode()), "redeem the free stake");
    assert_eq!(c.shares(account), u(STAKE));
    c.warp_by(LOCK);
    assert_eq!(c.leave(alice, account).0, u(STAKE));
}
