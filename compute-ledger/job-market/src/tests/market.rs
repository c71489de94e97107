//! Unit and attack tests of the JobMarket against the real ComputeLedger.

use alloy_primitives::{Address, B256, U256};
use alloy_signer::SignerSync;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;

use super::harness::*;
use crate::*;

fn sig_of(h: &H, job: U256) -> stylus_sdk::abi::Bytes {
    let digest = h.market.sender(h.admin).accept_digest(job, B256::repeat_byte(2));
    let sig = h.requester.signer().sign_hash_sync(&digest).unwrap();
    stylus_sdk::abi::Bytes(sig.as_bytes().to_vec().into())
}

#[motsu::test]
fn constructor_and_roles() {
    let h = H::new();
    h.market.assert_emitted(&RolesSet { admin: h.admin, arbiter: h.arbiter, guardian: h.guardian });
    h.market.assert_emitted(&ParamsSet {
        minBond: u(100),
        unbondDelay: 0,
        challengeWindow: 100,
        minWindow: 0,
        callbackGas: 100_000,
        slashBps: 5_000,
    });
    let m = Contract::<JobMarket>::new();
    let a = h.admin;
    let e = m.sender(a).constructor(Address::ZERO, a, a, a).motsu_unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)));
    let e = m.sender(a).initialize(a, a, a, Address::ZERO).motsu_unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)));
    // The clone path: initialise once, never again.
    m.sender(a).initialize(a, a, a, a).motsu_unwrap();
    m.assert_emitted(&RolesSet { admin: a, arbiter: Address::ZERO, guardian: Address::ZERO });
    assert!(matches!(
        m.sender(a).initialize(a, a, a, a).motsu_unwrap_err(),
        Error::AlreadyInitialized(_)
    ));
    assert!(matches!(
        h.market.sender(a).initialize(a, a, a, a).motsu_unwrap_err(),
        Error::AlreadyInitialized(_)
    ));
    let x = Address::repeat_byte(9);
    assert!(
        matches!(h.market.sender(x).set_roles(x, x, x).motsu_unwrap_err(), Error::NotAllowed(NotAllowed { caller }) if caller == x)
    );
    assert!(matches!(
        h.market.sender(h.admin).set_roles(Address::ZERO, x, x).motsu_unwrap_err(),
        Error::InvalidArgument(_)
    ));
    assert!(matches!(
        h.market.sender(x).set_params(u(1), 0, 0, 0, 0, 0).motsu_unwrap_err(),
        Error::NotAllowed(_)
    ));
    assert!(matches!(
        h.market.sender(h.admin).set_params(u(1), 0, 0, 0, 0, 10_001).motsu_unwrap_err(),
        Error::InvalidArgument(_)
    ));
}

#[motsu::test]
fn guardian_pauses_new_requests_only() {
    let h = H::new();
    let job = h.request(u(30), NOW + 10);
    assert!(matches!(
        h.market.sender(h.admin).set_paused(true).motsu_unwrap_err(),
        Error::NotAllowed(_)
    ));
    h.market.sender(h.guardian).set_paused(true).motsu_unwrap();
    h.market.assert_emitted(&PausedSet { guardian: h.guardian, paused: true });
    assert!(matches!(h.request_as(h.r(), u(1), NOW + 10).motsu_unwrap_err(), Error::Paused(_)));
    // Fulfilment, acceptance and withdrawal still work while paused.
    h.fulfil(job, u(5)).motsu_unwrap();
    h.market.sender(h.r()).accept(job).motsu_unwrap();
    h.market.sender(h.provider).withdraw().motsu_unwrap();
    h.market.sender(h.guardian).set_paused(false).motsu_unwrap();
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
    h.market.sender(h.admin).set_params(u(100), 3600, 100, 0, 100_000, 5_000).motsu_unwrap();
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
        h.request_as(h.r(), U256::ZERO, NOW).motsu_unwrap_err(),
        Error::InvalidArgument(_)
    ));
    let e = h.request_as(h.r(), u(1_001), NOW).motsu_unwrap_err();
    assert!(matches!(e, Error::LedgerCallFailed(_)));
    h.market.sender(h.admin).set_params(u(100), 0, 100, 60, 100_000, 5_000).motsu_unwrap();
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
    assert!(matches!(e, Error::NotAllowed(_)));
    let job4 = h.request(u(10), NOW);
    assert!(
        matches!(h.fulfil(job4, u(1)).motsu_unwrap_err(), Error::OutOfTime(OutOfTime { limit, .. }) if limit == NOW)
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
    h.market.sender(h.admin).set_params(u(100), 0, 0, 0, 100_000, 5_000).motsu_unwrap();
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
        .accept_by_sig(other, stylus_sdk::abi::Bytes(high_s.into()))
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
    assert!(matches!(
        h.market.sender(h.provider).dispute(job).motsu_unwrap_err(),
        Error::NotAllowed(_)
    ));
    h.market.sender(h.r()).dispute(job).motsu_unwrap();
    h.market.assert_emitted(&JobDisputed { id: job });
    // Frozen: neither accept nor a second dispute.
    assert!(matches!(h.market.sender(h.r()).accept(job).motsu_unwrap_err(), Error::WrongStatus(_)));
    assert!(matches!(
        h.market.sender(h.r()).dispute(job).motsu_unwrap_err(),
        Error::WrongStatus(_)
    ));
    assert!(matches!(
        h.market.sender(h.r()).resolve(job, 1).motsu_unwrap_err(),
        Error::NotAllowed(_)
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
    let job = h.request(u(300), NOW);
    assert!(matches!(
        h.market.sender(h.provider).cancel(job).motsu_unwrap_err(),
        Error::NotAllowed(_)
    ));
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
    let b_ = h.request(u(200), NOW);
    h.fulfil(a, u(50)).motsu_unwrap();
    h.market.sender(h.r()).dispute(a).motsu_unwrap();
    h.market.sender(h.arbiter).resolve(a, 5_000).motsu_unwrap();
    h.market.sender(h.r()).cancel(b_).motsu_unwrap();
    h.market.sender(h.provider).withdraw().motsu_unwrap();
    let (accounted, owed, _) = h.ledger.sender(h.admin).totals();
    let claims = h.spendable(h.r()) + h.reserved(h.r()) + owed;
    assert!(claims <= accounted && accounted <= h.ledger_tokens());
    let bond = h.market.sender(h.admin).provider(h.provider, U256::ZERO).0;
    assert!(h.market_tokens() >= bond);
}
