//! Disputes: within the challenge window the requester freezes a fulfilled charge; the
//! arbiter resolves it with a refund share. An upheld dispute (any refund) also slashes
//! the provider's bond into the requester's credits: as much again as the refund, at
//! most `slashBps` of the bond, so the penalty scales with what was disputed and
//! disputing a tiny job cannot win a share of a large bond.
//!
//! A dispute does not wait for ever: the arbiter has until `fulfilledAt +
//! challengeWindow + disputeWindow` (at least `disputeWindow` after any dispute, which
//! comes before the challenge window ends). From then on anyone may settle it by
//! default (`cancel`): the charge goes back to the requester and nothing is slashed.
//! Refunding is the escrow's safe default: the charge is still the requester's reserved
//! credit, and without a judgment the market has no ground to pay a contested result.
//! Not slashing is the other half: a slash is a penalty that needs a judgment, and a
//! default that slashed would let any requester take bond by disputing while no arbiter
//! acts. Until someone takes the default the arbiter may still resolve.

use compute_fi_contracts::{
    access::{ARBITER_ROLE, REQUESTER_ROLE},
    math::{bps_of, BPS},
};
use stylus_sdk::{
    alloy_primitives::{U256, U8},
    prelude::*,
};

use crate::{
    errors::{invalid, overflow, Error, OutOfTime},
    status, JobDisputed, JobMarket,
};

/// The requester freezes a fulfilled job's charge for the arbiter.
pub(crate) fn dispute(m: &mut JobMarket, job: U256) -> Result<(), Error> {
    let requester = m.jobs.getter(job).requester.get();
    m.expect(job, status::FULFILLED)?;
    m.only_party(requester, REQUESTER_ROLE)?;
    let limit = m.window_end(job);
    if m.now() >= limit {
        return Err(Error::OutOfTime(OutOfTime { job, limit }));
    }
    m.jobs.setter(job).status.set(U8::from(status::DISPUTED));
    log(m.vm(), JobDisputed { id: job });
    Ok(())
}

impl JobMarket {
    /// Anyone, at or after the resolution deadline of an unresolved dispute: the charge
    /// is refunded to the requester, nothing slashed, nothing paid.
    pub(crate) fn settle_by_default(&mut self, job: U256) -> Result<(), Error> {
        let limit = self.window_end(job).saturating_add(self.dispute_window.get().to::<u64>());
        if self.now() < limit {
            return Err(Error::OutOfTime(OutOfTime { job, limit }));
        }
        let j = self.jobs.getter(job);
        let (requester, provider, charge) = (j.requester.get(), j.provider.get(), j.charge.get());
        self.finish(job, requester, provider, U256::ZERO, charge, U256::ZERO)
    }
}

/// The arbiter refunds `refund_bps` of the charge and slashes as much again (capped).
pub(crate) fn resolve(m: &mut JobMarket, job: U256, refund_bps: u16) -> Result<(), Error> {
    m.only_role(ARBITER_ROLE)?;
    if u64::from(refund_bps) > BPS {
        return Err(invalid());
    }
    m.expect(job, status::DISPUTED)?;
    let j = m.jobs.getter(job);
    let (requester, provider, charge) = (j.requester.get(), j.provider.get(), j.charge.get());
    let refund = bps_of(charge, refund_bps).ok_or_else(overflow)?;
    let bond = m.providers.getter(provider).bond.get();
    let cap = bps_of(bond, m.slash_bps.get().to::<u16>()).ok_or_else(overflow)?;
    let slashed = refund.min(cap);
    let paid = charge.checked_sub(refund).ok_or_else(overflow)?;
    m.finish(job, requester, provider, paid, refund, slashed)
}
