//! Behaviours that once broke where two contracts meet, each pinned by a minimal scenario
//! on the local chain: the ETH exit's reentrant refund, exact stakes whatever the source's
//! rate, and delegate grants that die with a transfer of the NFT for good.
use alloy_sol_types::SolCall;
use local_chain::U256;

use super::common::{
    abi::{
        account::ITbaAccount,
        membership::{self, IMembershipEvents},
        vault::IYieldVault,
        weth::{self, IMockErc20},
    },
    community::*,
};

/// A member leaves in one call through its account with `redeemEth`. WETH sends the
/// unwrapped ETH back to the vault *while the vault is executing*: a reentrant call into a
/// Stylus program, which stylus-sdk refuses unless the program admits it, and the whole
/// exit would revert with `CallFailed(weth, assets)`. The vault's own entrypoint admits a
/// reentrant call only with empty calldata, which reaches `receive`, which takes ETH from
/// the WETH asset alone (the refusals are in the `vault` scenarios). motsu cannot show
/// this: its reentrancy flag is always false.
#[test]
fn redeem_eth_through_the_account_pays_the_stake_in_one_call() {
    let mut c = Community::deploy();
    let alice = member(0);
    let (_, account, _) = c.join(alice);
    c.warp_by(LOCK);
    let before = c.chain.balance(alice);
    let data = IYieldVault::redeemEthCall { shares: u(STAKE), receiver: alice, owner: account }
        .abi_encode();
    ok(c.exec(alice, account, c.vault, data), "redeemEth through the account");
    assert_eq!(c.chain.balance(alice) - before, u(STAKE));
    assert_eq!(c.shares(account), U256::ZERO);
}

/// A member joining once the source's rate has moved is credited exactly the stake and
/// gets exactly 0.1 ETH back. Credited with what the stake is worth in the source
/// (`convertToAssets(previewDeposit)`), the member would get 0.1 ETH - 1 wei of shares and
/// leave with that, although the vault holds yield far above that wei: the source's
/// rounding is paid from the vault's surplus, not by the depositor.
#[test]
fn a_member_joining_after_the_rate_moved_gets_back_exactly_the_stake() {
    let mut c = Community::deploy();
    let (_, first, _) = c.join(member(0));
    c.warp_by(DAY);
    c.accrue(U256::from(333_333_333_333u64)); // the source's rate is no longer 1
    let _ = first;
    let (_, account, r) = c.join(member(1));
    let joined = r.events::<IMembershipEvents::Joined>();
    assert_eq!(joined[0].shares, u(STAKE), "shares credited for an exact 0.1 ETH stake");
    c.warp_by(LOCK);
    let (got, r) = c.leave(member(1), account);
    ok(r, "leave");
    assert_eq!(got, u(STAKE), "a member gets back exactly 0.1 ETH");
}

/// Members joining right after a harvest are credited exactly the stake. Nothing accrues in
/// those calls, so there is no fresh yield to pay the source's rounding from: the vault
/// keeps a rounding reserve unattributed (1,000 wei + principal / 2^30, refilled from
/// yield first) and pays the rounding from it before anything else.
#[test]
fn members_joining_right_after_a_harvest_are_credited_exactly_the_stake() {
    let mut c = Community::deploy();
    for i in 0..10 {
        c.join(member(i));
    }
    let mut short = Vec::new();
    for round in 0..6u64 {
        c.warp_by(DAY);
        c.accrue(U256::from(333_333_333_333_333u64 + round * 7_777_777));
        ok(c.harvest(), "harvest");
        // Joins right after the harvest: nothing accrues in these calls.
        for k in 0..5 {
            let who = member(100 + round as usize * 10 + k);
            let (_, _, r) = c.join(who);
            let s = r.events::<IMembershipEvents::Joined>()[0].shares;
            if s != u(STAKE) {
                short.push((round, k, s));
            }
        }
    }
    assert!(short.is_empty(), "joins credited less than the exact stake: {short:?}");
}

/// A delegate grant dies with a transfer of the NFT and stays dead when the NFT comes back
/// to the owner who granted it (a sale and a buy-back, an escrow, a marketplace listing
/// that returns it, a loan): the old grant must not revive with its old scopes. The
/// membership NFT counts every transfer per token (`transferCount`, an ownership epoch);
/// the account stores the epoch with each grant and honours it only while it is unchanged.
#[test]
fn a_delegate_grant_stays_dead_when_the_nft_comes_back() {
    let mut c = Community::deploy();
    let (alice, bob, key) = (member(0), member(1), member(2));
    let (id, account, _) = c.join(alice);
    ok(
        c.chain.call(
            ADMIN,
            c.weth,
            U256::ZERO,
            IMockErc20::mintCall { to: account, amount: U256::from(10u64) }.abi_encode(),
        ),
        "fund",
    );
    let now = c.now();
    let grant = ITbaAccount::grantDelegateCall {
        delegate: key,
        expiry: now + 30 * DAY,
        canSign: false,
        targets: vec![c.weth],
        selectors: vec![b4::<weth::IERC20::transferCall>()],
    };
    ok(c.chain.call(alice, account, U256::ZERO, grant.abi_encode()), "grant");
    let pay = weth::IERC20::transferCall { to: key, value: U256::from(1u64) }.abi_encode();
    ok(c.exec(key, account, c.weth, pay.clone()), "in scope");
    ok(
        c.chain.call(
            alice,
            c.membership,
            U256::ZERO,
            membership::IERC721::transferFromCall { from: alice, to: bob, tokenId: id }
                .abi_encode(),
        ),
        "sale",
    );
    assert!(!c.exec(key, account, c.weth, pay.clone()).success, "dead after the sale");
    ok(
        c.chain.call(
            bob,
            c.membership,
            U256::ZERO,
            membership::IERC721::transferFromCall { from: bob, to: alice, tokenId: id }
                .abi_encode(),
        ),
        "buy-back",
    );
    let r = c.exec(key, account, c.weth, pay);
    assert!(!r.success, "the grant died with the sale: it must not come back with the NFT");
}
