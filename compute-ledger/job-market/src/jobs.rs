//! A job's life and its money: `request` reserves the maximum in the ledger, `fulfil`
//! fixes the charge and releases the rest, and the charge becomes final (`finish`) by
//! the requester's acceptance, by anyone after an undisputed window, or by the arbiter
//! (see `disputes`); an unfulfilled job is cancelled with a full refund.
//!
//! Every path changes the job's state before it calls the ledger, the token or the
//! requester, so a call back into the market finds the job already moved on.

use compute_fi_contracts::{
    access::{when_not_paused, OWNER_ROLE},
    signatures::has_code,
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256, U64, U8},
    prelude::*,
};

use crate::{
    calls::{address_word, APPROVE, CHARGE, RELEASE, RESERVE, TOP_UP},
    errors::{
        invalid, overflow, DeadlineTooSoon, Error, NoAccess, OutOfTime, ProviderUnavailable,
        WrongStatus,
    },
    status, CallbackFailed, JobCancelled, JobFulfilled, JobMarket, JobRequested, JobSettled,
};

/// Opens a job for the caller: checks access with the model registry (for a
/// collection-gated model: the caller holds the collection, or is the registry's account
/// of `token_id` with `salt`), snapshots the provider's price, reserves `max_credits`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn request(
    m: &mut JobMarket,
    model: U256,
    provider: Address,
    max_credits: U256,
    input_hash: B256,
    input_uri: Bytes,
    deadline: u64,
    token_id: U256,
    salt: B256,
) -> Result<U256, Error> {
    when_not_paused(m.paused.get())?;
    let requester = m.vm().msg_sender();
    let answer = m.access_answer(model, requester, token_id, salt);
    if answer != 0 {
        return Err(Error::NoAccess(NoAccess { requester, model, answer }));
    }
    let price = m.active_provider(provider, model)?;
    if price.is_zero() {
        return Err(Error::ProviderUnavailable(ProviderUnavailable { provider, model }));
    }
    // At least one second even with a zero minimum window: `fulfil` needs
    // `now < deadline`, so a deadline at `now` would open a job no one can fulfil.
    let earliest = m.now().saturating_add(m.min_window.get().to::<u64>().max(1));
    if deadline < earliest {
        return Err(Error::DeadlineTooSoon(DeadlineTooSoon { deadline, earliest }));
    }
    if max_credits.is_zero() {
        return Err(invalid());
    }
    let id = m.job_count.get();
    m.job_count.set(id.checked_add(U256::from(1u8)).ok_or_else(overflow)?);
    let mut j = m.jobs.setter(id);
    j.requester.set(requester);
    j.provider.set(provider);
    j.deadline.set(U64::from(deadline));
    j.status.set(U8::from(status::REQUESTED));
    j.max.set(max_credits);
    j.price.set(price);
    m.bump_open(provider, true);
    log(
        m.vm(),
        JobRequested {
            id,
            requester,
            provider,
            model,
            maxCredits: max_credits,
            price,
            inputHash: input_hash,
            inputURI: input_uri.0.into(),
            deadline,
        },
    );
    m.ledger_call(RESERVE, requester, max_credits)?;
    Ok(id)
}

/// The job's provider delivers before the deadline. The charge is `units` × the price
/// at request, capped at the reservation; the rest is released at once, and a zero
/// charge settles at once.
pub(crate) fn fulfil(
    m: &mut JobMarket,
    job: U256,
    output_hash: B256,
    output_uri: Bytes,
    units: U256,
) -> Result<(), Error> {
    let j = m.jobs.getter(job);
    let (requester, provider, deadline) =
        (j.requester.get(), j.provider.get(), j.deadline.get().to::<u64>());
    let (max, price) = (j.max.get(), j.price.get());
    m.expect(job, status::REQUESTED)?;
    m.only_party(provider, OWNER_ROLE)?;
    let now = m.now();
    if now >= deadline {
        return Err(Error::OutOfTime(OutOfTime { job, limit: deadline }));
    }
    let charge = units.checked_mul(price).map_or(max, |c| c.min(max));
    let refund = max.checked_sub(charge).ok_or_else(overflow)?;
    let mut j = m.jobs.setter(job);
    j.charge.set(charge);
    j.output_hash.set(output_hash);
    j.fulfilled_at.set(U64::from(now));
    j.status.set(U8::from(status::FULFILLED));
    log(
        m.vm(),
        JobFulfilled {
            id: job,
            outputHash: output_hash,
            outputURI: output_uri.0.into(),
            units,
            charge,
        },
    );
    if !refund.is_zero() {
        m.ledger_call(RELEASE, requester, refund)?;
    }
    if charge.is_zero() {
        m.finish(job, requester, provider, U256::ZERO, U256::ZERO, U256::ZERO)?;
    }
    m.callback(job, requester, output_hash, units, charge)
}

/// Makes a fulfilled job's charge final: at once when the requester calls it; by anyone
/// (the provider, a keeper) once the challenge window has passed undisputed.
pub(crate) fn accept(m: &mut JobMarket, job: U256) -> Result<(), Error> {
    let requester = m.jobs.getter(job).requester.get();
    if m.vm().msg_sender() != requester {
        let from = m.window_end(job);
        if m.now() < from {
            return Err(Error::OutOfTime(OutOfTime { job, limit: from }));
        }
    }
    m.settle_fulfilled(job)
}

/// Anyone ends a job no one finished in time; the money always goes back to the
/// requester, so the caller gains nothing and the provider's bond is freed. At or after
/// the deadline of an unfulfilled job: a full refund. At or after the resolution deadline
/// of an unresolved dispute: see `disputes::settle_by_default`.
pub(crate) fn cancel(m: &mut JobMarket, job: U256) -> Result<(), Error> {
    let j = m.jobs.getter(job);
    if j.status.get() == U8::from(status::DISPUTED) {
        return m.settle_by_default(job);
    }
    let (requester, provider, deadline, max) =
        (j.requester.get(), j.provider.get(), j.deadline.get().to::<u64>(), j.max.get());
    m.expect(job, status::REQUESTED)?;
    if m.now() < deadline {
        return Err(Error::OutOfTime(OutOfTime { job, limit: deadline }));
    }
    m.jobs.setter(job).status.set(U8::from(status::CANCELLED));
    m.bump_open(provider, false);
    log(m.vm(), JobCancelled { id: job, refund: max });
    m.ledger_call(RELEASE, requester, max)
}

impl JobMarket {
    pub(crate) fn now(&self) -> u64 {
        let now = self.vm().block_timestamp();
        // motsu's clock stands still; the unit tests move the market's clock forward.
        #[cfg(test)]
        let now = now.saturating_add(crate::tests::harness::elapsed());
        now
    }

    /// `Ok` when `job` is in state `want`, else `WrongStatus` with the state it is in.
    pub(crate) fn expect(&self, job: U256, want: u8) -> Result<(), Error> {
        let s = self.jobs.getter(job).status.get().to::<u8>();
        if s != want {
            return Err(Error::WrongStatus(WrongStatus { job, status: s }));
        }
        Ok(())
    }

    /// When the challenge window of a fulfilled job ends.
    pub(crate) fn window_end(&self, job: U256) -> u64 {
        self.jobs
            .getter(job)
            .fulfilled_at
            .get()
            .to::<u64>()
            .saturating_add(self.window.get().to::<u64>())
    }

    /// Settles a fulfilled job at its full charge.
    pub(crate) fn settle_fulfilled(&mut self, job: U256) -> Result<(), Error> {
        self.expect(job, status::FULFILLED)?;
        let j = self.jobs.getter(job);
        let (requester, provider, charge) = (j.requester.get(), j.provider.get(), j.charge.get());
        self.finish(job, requester, provider, charge, U256::ZERO, U256::ZERO)
    }

    /// Final settlement: `paid` charged to the provider's earnings, `refund` released,
    /// `slashed` bond turned into the requester's credits. Effects first, then the ledger.
    pub(crate) fn finish(
        &mut self,
        job: U256,
        requester: Address,
        provider: Address,
        paid: U256,
        refund: U256,
        slashed: U256,
    ) -> Result<(), Error> {
        self.jobs.setter(job).status.set(U8::from(status::SETTLED));
        self.bump_open(provider, false);
        let mut p = self.providers.setter(provider);
        let earnings = p.earnings.get().checked_add(paid).ok_or_else(overflow)?;
        p.earnings.set(earnings);
        let bond = p.bond.get();
        p.bond.set(bond.saturating_sub(slashed));
        log(self.vm(), JobSettled { id: job, paid, refund, slashed });
        if !refund.is_zero() {
            self.ledger_call(RELEASE, requester, refund)?;
        }
        if !paid.is_zero() {
            self.ledger_call(CHARGE, requester, paid)?;
        }
        if !slashed.is_zero() {
            // The slashed bond becomes the requester's credits: the ledger pulls it.
            let ledger = self.ledger.get();
            self.token_call(APPROVE, &[address_word(ledger), slashed.into()])?;
            self.ledger_call(TOP_UP, requester, slashed)?;
        }
        Ok(())
    }

    /// Calls the requester's consumer hook with capped gas when it declares the interface
    /// through ERC-165. The hook's failure never fails the caller (a requester cannot
    /// block its own charge); only too little gas to give the hook its allowance does.
    fn callback(
        &mut self,
        job: U256,
        requester: Address,
        output_hash: B256,
        units: U256,
        charge: U256,
    ) -> Result<(), Error> {
        if !has_code(self.vm(), requester) {
            return Ok(());
        }
        let gas = self.callback_gas.get().to::<u64>();
        let words = [job.into(), output_hash, units.into(), charge.into()];
        if !self.notify_consumer(requester, gas, words)? {
            log(self.vm(), CallbackFailed { id: job });
        }
        Ok(())
    }
}
