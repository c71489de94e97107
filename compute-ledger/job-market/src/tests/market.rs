//! Unit and attack tests of the JobMarket against the real ComputeLedger.

use alloy_primitives::{Address, B256, U256};
use alloy_signer::SignerSync;
use compute_fi_contracts::access::{
    AdminHandoverUnconfirmed, Paused, RoleGranted, RoleRevoked, UnknownRole, Unpaused, ADMIN_ROLE,
    ARBITER_ROLE, GUARDIAN_ROLE, KEEPER_ROLE, OWNER_ROLE, REQUESTER_ROLE,
};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;

use super::harness::*;
use crate::*;

fn sig_of(h: &H, job: U256) -> stylus_sdk::abi::Bytes {
    let digest = h.market.sender(h.admin).accept_digest(job, B256::repeat_byte(2));
    let sig = h.requester.signer().sign_hash_sync(&digest).unwrap();
    stylus_sdk::abi::Bytes(sig.as_bytes().to_vec())
}

#[motsu::test]
fn constructor_and_roles() {
    let h = H::new();
    let a = h.admin;
    h.market.assert_emitted(&RoleGranted { role: ADMIN_ROLE, account: a, sender: a });
    h.market.assert_emitted(&RoleGranted { role: ARBITER_ROLE, account: h.arbiter, sender: a });
    h.market.assert_emitted(&RoleGranted { role: GUARDIAN_ROLE, account: h.guardian, sender: a });
    h.market.assert_emitted(&ParamsSet {
        minBond: u(100),
        unbondDelay: 0,
        challengeWindow: 100,
        disputeWindow: 0,
        minWindow: 0,
        callbackGas: 100_000,
        slashBps: 5_000,
    });
    assert!(h.market.sender(a).has_role(ADMIN_ROLE, a));
    assert!(h.market.sender(a).has_role(ARBITER_ROLE, h.arbiter));
    assert!(!h.market.sender(a).has_role(ARBITER_ROLE, a));
    let m = Contract::<JobMarket>::new();
    let e = m.sender(a).constructor(Address::ZERO, a, a, a).motsu_unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)));
    let e = m.sender(a).constructor(a, a, a, Address::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)));
    // The clone path: initialise once, never again.
    let deployer = Address::repeat_byte(0xDE);
    let (ledger, pay, models) = (h.ledger.address(), h.pay.address(), h.models.address());
    m.sender(deployer).constructor(a, ledger, pay, models).motsu_unwrap();
    m.assert_emitted(&RoleGranted { role: ADMIN_ROLE, account: a, sender: deployer });
    assert!(matches!(
        m.sender(a).constructor(a, a, a, a).motsu_unwrap_err(),
        Error::AlreadyInitialized(_)
    ));
    assert!(matches!(
        h.market.sender(a).constructor(a, a, a, a).motsu_unwrap_err(),
        Error::AlreadyInitialized(_)
    ));
    // Only the admin grants and revokes, and only the roles the market knows.
    let x = Address::repeat_byte(9);
    let e = h.market.sender(x).grant_role(ARBITER_ROLE, x).motsu_unwrap_err();
    assert!(refused(e, x, ADMIN_ROLE));
    let e = h.market.sender(h.arbiter).revoke_role(ARBITER_ROLE, h.arbiter).motsu_unwrap_err();
    assert!(refused(e, h.arbiter, ADMIN_ROLE));
    let e = h.market.sender(a).grant_role(KEEPER_ROLE, x).motsu_unwrap_err();
    assert!(matches!(e, Error::UnknownRole(UnknownRole { role }) if role == KEEPER_ROLE));
    // The admin cannot drop its own role (a handover takes the next admin's revoke).
    let e = h.market.sender(a).revoke_role(ADMIN_ROLE, a).motsu_unwrap_err();
    assert!(
        matches!(e, Error::AdminHandoverUnconfirmed(AdminHandoverUnconfirmed { admin }) if admin == a)
    );
    assert!(refused(
        h.market.sender(x).set_params(u(1), 0, 0, 0, 0, 0, 0).motsu_unwrap_err(),
        x,
        ADMIN_ROLE
    ));
    assert!(matches!(
        h.market.sender(a).set_params(u(1), 0, 0, 0, 0, 0, 10_001).motsu_unwrap_err(),
        Error::InvalidArgument(_)
    ));
    // No window may freeze a bond or a payment for ever: each is bounded.
    let max = crate::params::MAX_WINDOW;
    for (unbond, challenge, dispute) in [(max + 1, 0, 0), (0, max + 1, 0), (0, 0, u64::MAX)] {
        let e = h.market.sender(a).set_params(u(1), unbond, challenge, dispute, 0, 0, 0);
        let too_long = unbond.max(challenge).max(dispute);
        assert!(matches!(
            e.motsu_unwrap_err(),
            Error::WindowTooLong(WindowTooLong { window, limit }) if window == too_long && limit == max
        ));
    }
    h.market.sender(a).set_params(u(100), max, max, max, 0, 100_000, 5_000).motsu_unwrap();
    // A revoked arbiter no longer resolves; the admin hands the role on.
    h.market.sender(a).revoke_role(ARBITER_ROLE, h.arbiter).motsu_unwrap();
    h.market.assert_emitted(&RoleRevoked { role: ARBITER_ROLE, account: h.arbiter, sender: a });
    assert!(!h.market.sender(a).has_role(ARBITER_ROLE, h.arbiter));
    let e = h.market.sender(h.arbiter).resolve(U256::ZERO, 0).motsu_unwrap_err();
    assert!(refused(e, h.arbiter, ARBITER_ROLE));
    h.market.sender(a).grant_role(ADMIN_ROLE, x).motsu_unwrap();
    h.market.sender(x).grant_role(ARBITER_ROLE, x).motsu_unwrap();
    assert!(h.market.sender(a).has_role(ARBITER_ROLE, x));
}

#[motsu::test]
fn guardian_pauses_new_requests_only() {
    let h = H::new();
    let job = h.request(u(30), NOW + 10);
    assert!(!h.market.sender(h.admin).paused());
    assert!(refused(h.market.sender(h.admin).pause().motsu_unwrap_err(), h.admin, GUARDIAN_ROLE));
    assert!(matches!(
        h.market.sender(h.guardian).unpause().motsu_unwrap_err(),
        Error::ExpectedPause(_)
    ));
    h.market.sender(h.guardian).pause().motsu_unwrap();
    h.market.assert_emitted(&Paused { account: h.guardian });
    assert!(h.market.sender(h.admin).paused());
    assert!(matches!(
        h.market.sender(h.guardian).pause().motsu_unwrap_err(),
        Error::EnforcedPause(_)
    ));
    assert!(matches!(
        h.request_as(h.r(), u(1), NOW + 10).motsu_unwrap_err(),
        Error::EnforcedPause(_)
    ));
    // Fulfilment, acceptance and withdrawal still work while paused.
    h.fulfil(job, u(5)).motsu_unwrap();
    h.market.sender(h.r()).accept(job).motsu_unwrap();
    h.market.sender(h.provider).withdraw().motsu_unwrap();
    assert!(refused(h.market.sender(h.admin).unpause().motsu_unwrap_err(), h.admin, GUARDIAN_ROLE));
    h.market.sender(h.guardian).unpause().motsu_unwrap();
    h.market.assert_emitted(&Unpaused { account: h.guardian });
    h.request(u(1), NOW + 10);
}

#[motsu::test]
fn providers_join_price_unbond_and_withdraw_bond() {
    let h = H::new();
    h.market.assert_emitted(&ProviderJoined {
        provider: h.provider,
        bond: u(1_000),
        endpoint: b"https://node".to_vec().into(),
    });
    h.market.assert_emitted(&PriceSet { provider: h.provider, model: U256::ZERO, price: u(3) });
    assert_eq!(
        h.market.sender(h.admin).provider(h.provider, U256::ZERO),
        (u(1_000), 0, 0, U256::ZERO, u(3))
    );
    let p2 = Address::repeat_byte(0x78);
    h.pay.sender(p2).mint(p2, u(99)).motsu_unwrap();
    h.pay.sender(p2).approve(h.market.address(), u(99)).motsu_unwrap();
    let e = h.market.sender(p2).join_provider(b(b"x"), u(99)).motsu_unwrap_err();
    assert!(
        matches!(e, Error::BondRefused(BondRefused { bond, minimum, .. }) if bond == u(99) && minimum == u(100))
    );
    let e = h.market.sender(p2).set_price(U256::ZERO, u(1)).motsu_unwrap_err();
    assert!(matches!(e, Error::ProviderUnavailable(_)));
    // Without allowance the pull fails.
    let e = h.market.sender(p2).join_provider(b(b"x"), u(100)).motsu_unwrap_err();
    assert!(matches!(e, Error::TokenCallFailed(_)));
    // An open job locks the bond.
    let job = h.request(u(30), NOW + 10);
    let e = h.market.sender(h.provider).withdraw_bond().motsu_unwrap_err();
    assert!(matches!(e, Error::BondRefused(BondRefused { availableAt: 0, .. })));
    h.market.sender(h.provider).start_unbond().motsu_unwrap();
    h.market.assert_emitted(&UnbondStarted { provider: h.provider, availableAt: NOW });
    // Unbonding: no new jobs, no price changes.
    assert!(matches!(
        h.request_as(h.r(), u(1), NOW + 10).motsu_unwrap_err(),
        Error::ProviderUnavailable(_)
    ));
    assert!(matches!(
        h.market.sender(h.provider).start_unbond().motsu_unwrap_err(),
        Error::ProviderUnavailable(_)
    ));
    let e = h.market.sender(h.provider).withdraw_bond().motsu_unwrap_err();
    assert!(matches!(e, Error::BondRefused(BondRefused { openJobs: 1, .. })));
    h.fulfil(job, u(1)).motsu_unwrap();
    h.market.sender(h.r()).accept(job).motsu_unwrap();
    h.market.sender(h.provider).withdraw_bond().motsu_unwrap();
    h.market.assert_emitted(&BondWithdrawn { provider: h.provider, amount: u(1_000) });
    assert_eq!(h.pay.sender(h.admin).balance_of(h.provider), u(1_000));
    assert!(matches!(
        h.market.sender(h.provider).withdraw_bond().motsu_unwrap_err(),
        Error::BondRefused(_)
    ));
}

#[motsu::test]
fn unbond_delay_is_enforced() {
    let h = H::new();
    h.market.sender(h.admin).set_params(u(100), 3600, 100, 0, 0, 100_000, 5_000).motsu_unwrap();
    h.market.sender(h.provider).start_unbond().motsu_unwrap();
    let e = h.market.sender(h.provider).withdraw_bond().motsu_unwrap_err();
    assert!(
        matches!(e, Error::BondRefused(BondRefused { availableAt, .. }) if availableAt == NOW + 3600)
    );
    // Re-joining cancels the unbonding.
    h.join(h.provider, u(0));
    assert_eq!(h.market.sender(h.admin).provider(h.provider, U256::ZERO).1, 0);
}

#[motsu::test]
fn request_reserves_and_emits() {
    let h = H::new();
    let job = h.request(u(300), NOW + 50);
    assert_eq!(job, U256::ZERO);
    h.market.assert_emitted(&JobRequested {
        id: job,
        requester: h.r(),
        provider: h.provider,
        model: U256::ZERO,
        maxCredits: u(300),
        price: u(3),
        inputHash: B256::repeat_byte(1),
        inputURI: b"ipfs://in".to_vec().into(),
        deadline: NOW + 50,
    });
    assert_eq!((h.spendable(h.r()), h.reserved(h.r())), (u(700), u(300)));
    assert_eq!(
        h.market.sender(h.admin).job(job),
        (h.r(), h.provider, status::REQUESTED, NOW + 50, 0, u(300), u(3), U256::ZERO)
    );
    // Ids never collide.
    assert_eq!(h.request(u(1), NOW + 50), U256::from(1));
}

#[motsu::test]
fn request_reverts() {
    let h = H::new();
    assert!(matches!(
        h.request_as(h.r(), U256::ZERO, NOW + 1).motsu_unwrap_err(),
        Error::InvalidArgument(_)
    ));
    let e = h.request_as(h.r(), u(1_001), NOW + 1).motsu_unwrap_err();
    assert!(matches!(e, Error::LedgerCallFailed(_)));
    h.market.sender(h.admin).set_params(u(100), 0, 100, 0, 60, 100_000, 5_000).motsu_unwrap();
    let e = h.request_as(h.r(), u(1), NOW + 59).motsu_unwrap_err();
    assert!(
        matches!(e, Error::DeadlineTooSoon(DeadlineTooSoon { deadline, earliest }) if deadline == NOW + 59 && earliest == NOW + 60)
    );
    h.models.sender(h.admin).set(1);
    let e = h.request_as(h.r(), u(1), NOW + 60).motsu_unwrap_err();
    assert!(matches!(e, Error::NoAccess(NoAccess { answer: 1, .. })));
    h.models.sender(h.admin).set(2);
    let e = h.request_as(h.r(), u(1), NOW + 60).motsu_unwrap_err();
    assert!(matches!(e, Error::NoAccess(NoAccess { answer: 2, .. })));
    h.models.sender(h.admin).set(0);
    let e = h
        .market
        .sender(h.r())
        .request(
            U256::from(5),
            h.provider,
            u(1),
            B256::ZERO,
            b(b""),
            NOW + 60,
            U256::ZERO,
            B256::ZERO,
        )
        .motsu_unwrap_err();
    assert!(matches!(e, Error::ProviderUnavailable(_)), "no price for model 5");
    let e = h
        .market
        .sender(h.r())
        .request(
            U256::ZERO,
            Address::repeat_byte(1),
            u(1),
            B256::ZERO,
            b(b""),
            NOW + 60,
            U256::ZERO,
            B256::ZERO,
        )
        .motsu_unwrap_err();
    assert!(matches!(e, Error::ProviderUnavailable(_)));
}

#[motsu::test]
fn fulfil_caps_charge_and_releases_the_rest() {
    let h = H::new();
    let job = h.request(u(300), NOW + 50);
    // Over-charging: 1,000 units x 3 > 300 reserved: capped.
    h.fulfil(job, u(1_000)).motsu_unwrap();
    h.market.assert_emitted(&JobFulfilled {
        id: job,
        outputHash: B256::repeat_byte(2),
        outputURI: b"ipfs://out".to_vec().into(),
        units: u(1_000),
        charge: u(300),
    });
    let job2 = h.request(u(300), NOW + 50);
    h.fulfil(job2, u(10)).motsu_unwrap();
    assert_eq!((h.spendable(h.r()), h.reserved(h.r())), (u(400 + 270), u(330)));
    assert_eq!(h.status(job2), status::FULFILLED);
    // Replaying a fulfilment fails.
    assert!(matches!(
        h.fulfil(job2, u(1)).motsu_unwrap_err(),
        Error::WrongStatus(WrongStatus { status: 2, .. })
    ));
    // Only the job's provider fulfils, and only before the deadline.
    let job3 = h.request(u(10), NOW + 50);
    let e = h.market.sender(h.r()).fulfil(job3, B256::ZERO, b(b""), u(1)).motsu_unwrap_err();
    assert!(refused(e, h.r(), OWNER_ROLE));
    let job4 = h.request(u(10), NOW + 1);
    warp(1);
    assert!(
        matches!(h.fulfil(job4, u(1)).motsu_unwrap_err(), Error::OutOfTime(OutOfTime { limit, .. }) if limit == NOW + 1)
    );
}

#[motsu::test]
fn zero_charge_settles_at_once() {
    let h = H::new();
    let job = h.request(u(30), NOW + 50);
    h.fulfil(job, U256::ZERO).motsu_unwrap();
    assert_eq!(h.status(job), status::SETTLED);
    assert_eq!((h.spendable(h.r()), h.reserved(h.r())), (u(1_000), U256::ZERO));
    assert_eq!(h.market.sender(h.admin).provider(h.provider, U256::ZERO).2, 0);
}

#[motsu::test]
fn accept_by_requester_pays_the_provider() {
    let h = H::new();
    let job = h.request(u(300), NOW + 50);
    h.fulfil(job, u(10)).motsu_unwrap();
    // Before the window ends only the requester can accept.
    let e = h.market.sender(h.provider).accept(job).motsu_unwrap_err();
    assert!(matches!(e, Error::OutOfTime(OutOfTime { limit, .. }) if limit == NOW + 100));
    h.market.sender(h.r()).accept(job).motsu_unwrap();
    h.market.assert_emitted(&JobSettled {
        id: job,
        paid: u(30),
        refund: U256::ZERO,
        slashed: U256::ZERO,
    });
    assert_eq!((h.spendable(h.r()), h.reserved(h.r())), (u(970), U256::ZERO));
    assert_eq!(h.market.sender(h.admin).provider(h.provider, U256::ZERO).3, u(30));
    assert!(matches!(h.market.sender(h.r()).accept(job).motsu_unwrap_err(), Error::WrongStatus(_)));
    h.market.sender(h.provider).withdraw().motsu_unwrap();
    assert_eq!(h.pay.sender(h.admin).balance_of(h.provider), u(30));
    assert!(matches!(
        h.market.sender(h.provider).withdraw().motsu_unwrap_err(),
        Error::InvalidArgument(_)
    ));
}

#[motsu::test]
fn anyone_settles_after_an_undisputed_window() {
    let h = H::new();
    h.market.sender(h.admin).set_params(u(100), 0, 0, 0, 0, 100_000, 5_000).motsu_unwrap();
    let job = h.request(u(300), NOW + 50);
    h.fulfil(job, u(10)).motsu_unwrap();
    // Window zero: the requester can no longer dispute; the provider settles.
    assert!(matches!(h.market.sender(h.r()).dispute(job).motsu_unwrap_err(), Error::OutOfTime(_)));
    h.market.sender(h.provider).accept(job).motsu_unwrap();
    assert_eq!(h.market.sender(h.admin).provider(h.provider, U256::ZERO).3, u(30));
}

#[motsu::test]
fn accept_by_eip712_signature_and_no_replay() {
    let h = H::new();
    let job = h.request(u(300), NOW + 50);
    h.fulfil(job, u(10)).motsu_unwrap();
    let sig = sig_of(&h, job);
    // A signature over another job does not accept this one.
    let other = h.request(u(300), NOW + 50);
    h.fulfil(other, u(10)).motsu_unwrap();
    let e = h.market.sender(h.provider).accept_by_sig(other, sig.clone()).motsu_unwrap_err();
    assert!(matches!(e, Error::BadSignature(BadSignature { requester }) if requester == h.r()));
    h.market.sender(h.provider).accept_by_sig(job, sig.clone()).motsu_unwrap();
    assert_eq!(h.status(job), status::SETTLED);
    // Replay fails.
    assert!(matches!(
        h.market.sender(h.provider).accept_by_sig(job, sig.clone()).motsu_unwrap_err(),
        Error::WrongStatus(_)
    ));
    // Malformed and malleable signatures are refused.
    let e = h.market.sender(h.provider).accept_by_sig(other, b(&[0u8; 64])).motsu_unwrap_err();
    assert!(matches!(e, Error::BadSignature(_)));
    let mut high_s = sig_of(&h, other).0.to_vec();
    high_s[32] = 0xFF;
    let e = h
        .market
        .sender(h.provider)
        .accept_by_sig(other, stylus_sdk::abi::Bytes(high_s))
        .motsu_unwrap_err();
    assert!(matches!(e, Error::BadSignature(_)));
}

#[motsu::test]
fn contract_requester_accepts_by_erc1271_and_gets_callbacks() {
    let h = H::new();
    let c = Contract::<TestConsumer>::new();
    h.credit(c.address(), u(100));
    let job = h.request_as(c.address(), u(50), NOW + 50).motsu_unwrap();
    let digest = h.market.sender(h.admin).accept_digest(job, B256::repeat_byte(2));
    c.sender(h.admin).configure(true, false, digest);
    h.fulfil(job, u(2)).motsu_unwrap();
    assert_eq!(c.sender(h.admin).calls(), 1);
    h.market.sender(h.provider).accept_by_sig(job, b(b"anything")).motsu_unwrap();
    assert_eq!(h.status(job), status::SETTLED);
    // Not approved: refused.
    let job2 = h.request_as(c.address(), u(50), NOW + 50).motsu_unwrap();
    h.fulfil(job2, u(2)).motsu_unwrap();
    assert!(matches!(
        h.market.sender(h.provider).accept_by_sig(job2, b(b"x")).motsu_unwrap_err(),
        Error::BadSignature(_)
    ));
    // Signatures of any length reach the account intact (one word, several, none).
    let digest2 = h.market.sender(h.admin).accept_digest(job2, B256::repeat_byte(2));
    c.sender(h.admin).configure(true, false, digest2);
    h.market.sender(h.provider).accept_by_sig(job2, b(&[7u8; 65])).motsu_unwrap();
    let job3 = h.request_as(c.address(), u(50), NOW + 50).motsu_unwrap();
    h.fulfil(job3, u(2)).motsu_unwrap();
    let digest3 = h.market.sender(h.admin).accept_digest(job3, B256::repeat_byte(2));
    c.sender(h.admin).configure(true, false, digest3);
    h.market.sender(h.provider).accept_by_sig(job3, b(b"")).motsu_unwrap();
    assert_eq!(h.status(job3), status::SETTLED);
}

#[motsu::test]
fn reverting_callback_never_blocks_settlement() {
    let h = H::new();
    let c = Contract::<TestConsumer>::new();
    c.sender(h.admin).configure(true, true, B256::ZERO);
    h.credit(c.address(), u(100));
    let job = h.request_as(c.address(), u(50), NOW + 50).motsu_unwrap();
    h.fulfil(job, u(2)).motsu_unwrap();
    h.market.assert_emitted(&CallbackFailed { id: job });
    assert_eq!(h.status(job), status::FULFILLED);
    assert_eq!(h.reserved(c.address()), u(6));
    // Undeclared interface: no call at all.
    c.sender(h.admin).configure(false, false, B256::ZERO);
    let job2 = h.request_as(c.address(), u(50), NOW + 50).motsu_unwrap();
    h.fulfil(job2, u(2)).motsu_unwrap();
    assert_eq!(c.sender(h.admin).calls(), 0);
}

#[motsu::test]
fn dispute_and_resolution_with_slash() {
    let h = H::new();
    let job = h.request(u(300), NOW + 50);
    h.fulfil(job, u(100)).motsu_unwrap(); // charge 300
    assert!(refused(
        h.market.sender(h.provider).dispute(job).motsu_unwrap_err(),
        h.provider,
        REQUESTER_ROLE
    ));
    h.market.sender(h.r()).dispute(job).motsu_unwrap();
    h.market.assert_emitted(&JobDisputed { id: job });
    // Frozen: neither accept nor a second dispute.
    assert!(matches!(h.market.sender(h.r()).accept(job).motsu_unwrap_err(), Error::WrongStatus(_)));
    assert!(matches!(
        h.market.sender(h.r()).dispute(job).motsu_unwrap_err(),
        Error::WrongStatus(_)
    ));
    assert!(refused(
        h.market.sender(h.r()).resolve(job, 1).motsu_unwrap_err(),
        h.r(),
        ARBITER_ROLE
    ));
    assert!(matches!(
        h.market.sender(h.arbiter).resolve(job, 10_001).motsu_unwrap_err(),
        Error::InvalidArgument(_)
    ));
    // Upheld: 2/3 refunded, and as much again slashed from the bond (under the cap of half
    // the bond) into the requester's credits.
    h.market.sender(h.arbiter).resolve(job, 6_667).motsu_unwrap();
    h.market.assert_emitted(&JobSettled { id: job, paid: u(100), refund: u(200), slashed: u(200) });
    assert_eq!((h.spendable(h.r()), h.reserved(h.r())), (u(700 + 200 + 200), U256::ZERO));
    assert_eq!(
        h.market.sender(h.admin).provider(h.provider, U256::ZERO),
        (u(800), 0, 0, u(100), u(3))
    );
    assert_eq!(h.market_tokens(), u(800));
    assert!(matches!(
        h.market.sender(h.arbiter).resolve(job, 0).motsu_unwrap_err(),
        Error::WrongStatus(_)
    ));
}

#[motsu::test]
fn upheld_dispute_slash_is_capped_by_the_bond_share() {
    let h = H::new();
    let job = h.request(u(900), NOW + 50);
    h.fulfil(job, u(300)).motsu_unwrap(); // charge 900
    h.market.sender(h.r()).dispute(job).motsu_unwrap();
    h.market.sender(h.arbiter).resolve(job, 10_000).motsu_unwrap();
    // A full refund of 900 would slash 900 again: capped at 50% of the 1,000 bond.
    h.market.assert_emitted(&JobSettled {
        id: job,
        paid: U256::ZERO,
        refund: u(900),
        slashed: u(500),
    });
    assert_eq!(h.spendable(h.r()), u(1_000 + 500));
    assert_eq!(h.market.sender(h.admin).provider(h.provider, U256::ZERO).0, u(500));
}

#[motsu::test]
fn rejected_dispute_pays_in_full_without_slash() {
    let h = H::new();
    let job = h.request(u(300), NOW + 50);
    h.fulfil(job, u(10)).motsu_unwrap();
    h.market.sender(h.r()).dispute(job).motsu_unwrap();
    h.market.sender(h.arbiter).resolve(job, 0).motsu_unwrap();
    h.market.assert_emitted(&JobSettled {
        id: job,
        paid: u(30),
        refund: U256::ZERO,
        slashed: U256::ZERO,
    });
    assert_eq!(h.market.sender(h.admin).provider(h.provider, U256::ZERO).0, u(1_000));
}

#[motsu::test]
fn provider_that_never_answers_is_cancelled_with_full_refund() {
    let h = H::new();
    let job = h.request(u(300), NOW + 1);
    warp(1);
    h.market.sender(h.r()).cancel(job).motsu_unwrap();
    h.market.assert_emitted(&JobCancelled { id: job, refund: u(300) });
    assert_eq!((h.spendable(h.r()), h.reserved(h.r())), (u(1_000), U256::ZERO));
    assert!(matches!(h.market.sender(h.r()).cancel(job).motsu_unwrap_err(), Error::WrongStatus(_)));
    assert!(matches!(h.fulfil(job, u(1)).motsu_unwrap_err(), Error::WrongStatus(_)));
}

#[motsu::test]
fn requester_cannot_cancel_before_the_deadline() {
    let h = H::new();
    let job = h.request(u(300), NOW + 1);
    let e = h.market.sender(h.r()).cancel(job).motsu_unwrap_err();
    assert!(matches!(e, Error::OutOfTime(OutOfTime { limit, .. }) if limit == NOW + 1));
    h.fulfil(job, u(1)).motsu_unwrap();
    assert!(matches!(h.market.sender(h.r()).cancel(job).motsu_unwrap_err(), Error::WrongStatus(_)));
}

#[motsu::test]
fn tokens_always_cover_claims() {
    let h = H::new();
    let a = h.request(u(300), NOW + 50);
    let b_ = h.request(u(200), NOW + 1);
    h.fulfil(a, u(50)).motsu_unwrap();
    h.market.sender(h.r()).dispute(a).motsu_unwrap();
    h.market.sender(h.arbiter).resolve(a, 5_000).motsu_unwrap();
    warp(1);
    h.market.sender(h.r()).cancel(b_).motsu_unwrap();
    h.market.sender(h.provider).withdraw().motsu_unwrap();
    let (accounted, owed, _) = h.ledger.sender(h.admin).totals();
    let claims = h.spendable(h.r()) + h.reserved(h.r()) + owed;
    assert!(claims <= accounted && accounted <= h.ledger_tokens());
    let bond = h.market.sender(h.admin).provider(h.provider, U256::ZERO).0;
    assert!(h.market_tokens() >= bond);
}

#[motsu::test]
fn accept_digest_is_standard_eip712() {
    use alloy_sol_types::{eip712_domain, sol, SolStruct};
    sol! {
        struct Accept {
            uint256 jobId;
            bytes32 outputHash;
        }
    }
    let h = H::new();
    let domain = eip712_domain! {
        name: "Compute-Fi JobMarket",
        version: "1",
        chain_id: 42161,
        verifying_contract: h.market.address(),
    };
    let (job, out) = (u(7), B256::repeat_byte(9));
    let want = Accept { jobId: job, outputHash: out }.eip712_signing_hash(&domain);
    assert_eq!(h.market.sender(h.admin).accept_digest(job, out), want);
}

#[test]
fn hand_encoded_calls_use_the_interfaces_selectors() {
    use alloy_sol_types::{sol, SolCall};
    sol! {
        function reserve(address account, uint256 amount) external;
        function release(address account, uint256 amount) external;
        function charge(address account, uint256 amount) external;
        function pay(address to, uint256 amount) external;
        function topUp(address account, uint256 amount) external;
        function transfer(address to, uint256 value) external returns (bool);
        function approve(address spender, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        function access(uint256 id, address requester, uint256 token_id, bytes32 salt) external view returns (uint8);
        function supportsInterface(bytes4 interfaceId) external view returns (bool);
        function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4);
        function onJobFulfilled(uint256 jobId, bytes32 outputHash, uint256 units, uint256 charge) external;
    }
    use crate::calls::*;
    assert_eq!(RESERVE, reserveCall::SELECTOR);
    assert_eq!(RELEASE, releaseCall::SELECTOR);
    assert_eq!(CHARGE, chargeCall::SELECTOR);
    assert_eq!(PAY, payCall::SELECTOR);
    assert_eq!(TOP_UP, topUpCall::SELECTOR);
    assert_eq!(TRANSFER, transferCall::SELECTOR);
    assert_eq!(APPROVE, approveCall::SELECTOR);
    assert_eq!(TRANSFER_FROM, transferFromCall::SELECTOR);
    assert_eq!(ACCESS, accessCall::SELECTOR);
    assert_eq!(SUPPORTS_INTERFACE, supportsInterfaceCall::SELECTOR);
    assert_eq!(IS_VALID_SIGNATURE, isValidSignatureCall::SELECTOR);
    assert_eq!(ON_JOB_FULFILLED, onJobFulfilledCall::SELECTOR);
}

#[motsu::test]
fn fulfil_refuses_to_starve_the_consumer_callback() {
    let h = H::new();
    let c = Contract::<TestConsumer>::new();
    c.sender(h.admin).configure(true, false, B256::ZERO);
    h.credit(c.address(), u(100));
    let job = h.request_as(c.address(), u(50), NOW + 50).motsu_unwrap();
    // motsu's gas is finite: an allowance above what is left stands for a provider's
    // transaction gas limit chosen to leave the callback less than its allowance.
    let gas = 1u64 << 60;
    h.windows(100, 0, 0, gas);
    let e = h.fulfil(job, u(2)).motsu_unwrap_err();
    let want = gas + gas.div_ceil(63) + crate::calls::CALL_COST;
    assert!(
        matches!(e, Error::InsufficientGas(InsufficientGas { gasLeft, needed }) if needed == want && gasLeft < needed),
        "{e:?}"
    );
    assert_eq!(h.status(job), status::REQUESTED);
    assert_eq!(c.sender(h.admin).calls(), 0);
    // An EOA requester gets no callback, so no gas is reserved for one.
    let eoa_job = h.request(u(30), NOW + 50);
    h.fulfil(eoa_job, u(1)).motsu_unwrap();
    // With the allowance available the callback runs in full.
    h.windows(100, 0, 0, 100_000);
    h.fulfil(job, u(2)).motsu_unwrap();
    assert_eq!(c.sender(h.admin).calls(), 1);
}

#[motsu::test]
fn payment_token_must_be_the_ledgers() {
    let h = H::new();
    let (a, other) = (h.admin, Address::repeat_byte(0x70));
    let m = Contract::<JobMarket>::new();
    let (ledger, models) = (h.ledger.address(), h.models.address());
    let e = m.sender(a).constructor(a, ledger, other, models).motsu_unwrap_err();
    assert!(matches!(e, Error::PaymentTokenMismatch(PaymentTokenMismatch { token, ledgerToken })
        if token == other && ledgerToken == h.pay.address()));
    // A ledger address that does not answer the ledger's `addresses` is refused too.
    let e = m.sender(a).constructor(a, models, h.pay.address(), models).motsu_unwrap_err();
    assert!(matches!(e, Error::PaymentTokenMismatch(PaymentTokenMismatch { token, ledgerToken })
        if token == h.pay.address() && ledgerToken.is_zero()));
    m.sender(a).constructor(a, ledger, h.pay.address(), models).motsu_unwrap();
    assert!(m.sender(a).has_role(ADMIN_ROLE, a));
}
