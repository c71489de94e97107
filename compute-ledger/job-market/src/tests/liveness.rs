//! A provider's bond is never locked for ever: every job can end without its requester
//! or the arbiter. Anyone cancels an unfulfilled job after its deadline (the refund
//! still goes to the requester), anyone settles a dispute the arbiter left unresolved
//! past its resolution deadline (the charge refunded, nothing slashed), and no job can
//! be requested that its provider has no time to fulfil.

use alloy_primitives::{Address, U256};
use compute_fi_contracts::access::ARBITER_ROLE;
use motsu::prelude::*;

use super::harness::*;
use crate::*;

/// Someone who is neither party to the job nor holds any role.
const STRANGER: Address = Address::repeat_byte(0x5A);

/// The provider starts unbonding and finds its bond held by `open` jobs.
fn bond_held(h: &H, open: u64) -> bool {
    let e = h.market.sender(h.provider).withdraw_bond().motsu_unwrap_err();
    matches!(e, Error::BondRefused(BondRefused { openJobs, .. }) if openJobs == open)
}

fn bond_withdrawn(h: &H) {
    h.market.sender(h.provider).withdraw_bond().motsu_unwrap();
    h.market.assert_emitted(&BondWithdrawn { provider: h.provider, amount: u(1_000) });
    assert_eq!(h.market_tokens(), U256::ZERO);
}

#[motsu::test]
fn anyone_cancels_an_unfulfilled_job_after_its_deadline() {
    let h = H::new();
    let job = h.request(u(300), NOW + 10);
    h.market.sender(h.provider).start_unbond().motsu_unwrap();
    warp(9);
    let e = h.market.sender(STRANGER).cancel(job).motsu_unwrap_err();
    assert!(matches!(e, Error::OutOfTime(OutOfTime { limit, .. }) if limit == NOW + 10));
    assert!(bond_held(&h, 1));
    warp(1);
    h.market.sender(STRANGER).cancel(job).motsu_unwrap();
    h.market.assert_emitted(&JobCancelled { id: job, refund: u(300) });
    assert_eq!(h.status(job), status::CANCELLED);
    // The refund is the requester's, never the caller's.
    assert_eq!((h.spendable(h.r()), h.reserved(h.r())), (u(1_000), U256::ZERO));
    assert_eq!(h.spendable(STRANGER), U256::ZERO);
    assert!(matches!(
        h.market.sender(STRANGER).cancel(job).motsu_unwrap_err(),
        Error::WrongStatus(WrongStatus { status: status::CANCELLED, .. })
    ));
    bond_withdrawn(&h);
}

#[motsu::test]
fn unresolved_dispute_settles_by_default_as_a_refund_without_slash() {
    let h = H::new();
    // Challenge window 100 s; the arbiter has 500 s more to resolve.
    h.windows(100, 500, 0, 100_000);
    let job = h.request(u(300), NOW + 50);
    h.fulfil(job, u(100)).motsu_unwrap(); // charge 300, fulfilled at NOW
    warp(99);
    h.market.sender(h.r()).dispute(job).motsu_unwrap();
    // No one can resolve: the arbiter role is empty.
    h.market.sender(h.admin).revoke_role(ARBITER_ROLE, h.arbiter).motsu_unwrap();
    h.market.sender(h.provider).start_unbond().motsu_unwrap();
    warp(500); // NOW + 599: the arbiter's time is not over.
    let e = h.market.sender(STRANGER).cancel(job).motsu_unwrap_err();
    assert!(matches!(e, Error::OutOfTime(OutOfTime { limit, .. }) if limit == NOW + 600));
    assert!(bond_held(&h, 1));
    warp(1);
    h.market.sender(STRANGER).cancel(job).motsu_unwrap();
    h.market.assert_emitted(&JobSettled {
        id: job,
        paid: U256::ZERO,
        refund: u(300),
        slashed: U256::ZERO,
    });
    assert_eq!(h.status(job), status::SETTLED);
    assert_eq!((h.spendable(h.r()), h.reserved(h.r())), (u(1_000), U256::ZERO));
    assert_eq!(h.market.sender(h.admin).provider(h.provider, U256::ZERO).3, U256::ZERO);
    assert!(matches!(
        h.market.sender(STRANGER).cancel(job).motsu_unwrap_err(),
        Error::WrongStatus(WrongStatus { status: status::SETTLED, .. })
    ));
    bond_withdrawn(&h);
}

#[motsu::test]
fn arbiter_may_still_resolve_until_the_default_is_taken() {
    let h = H::new();
    h.windows(100, 0, 0, 100_000);
    let job = h.request(u(300), NOW + 50);
    h.fulfil(job, u(10)).motsu_unwrap(); // charge 30
    h.market.sender(h.r()).dispute(job).motsu_unwrap();
    warp(100); // the resolution deadline has passed; no one took the default yet
    h.market.sender(h.arbiter).resolve(job, 0).motsu_unwrap();
    h.market.assert_emitted(&JobSettled {
        id: job,
        paid: u(30),
        refund: U256::ZERO,
        slashed: U256::ZERO,
    });
    assert!(matches!(
        h.market.sender(STRANGER).cancel(job).motsu_unwrap_err(),
        Error::WrongStatus(WrongStatus { status: status::SETTLED, .. })
    ));
}

#[motsu::test]
fn request_leaving_no_time_to_fulfil_is_refused() {
    let h = H::new(); // minimum window zero
    for deadline in [NOW - 1, NOW] {
        let e = h.request_as(h.r(), u(30), deadline).motsu_unwrap_err();
        assert!(matches!(e, Error::DeadlineTooSoon(DeadlineTooSoon { deadline: d, earliest })
            if d == deadline && earliest == NOW + 1));
    }
    assert_eq!((h.spendable(h.r()), h.reserved(h.r())), (u(1_000), U256::ZERO));
    assert_eq!(h.market.sender(h.admin).provider(h.provider, U256::ZERO).2, 0);
    // One second is time to fulfil.
    let job = h.request(u(30), NOW + 1);
    h.fulfil(job, u(1)).motsu_unwrap();
    h.market.sender(h.r()).accept(job).motsu_unwrap();
    h.market.sender(h.provider).start_unbond().motsu_unwrap();
    bond_withdrawn(&h);
}
