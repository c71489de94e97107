//! Providers: a bond in the payment token to join (at least the admin's minimum), a
//! price per unit per model, and two ways out: final earnings at any time (`withdraw`),
//! the bond only after unbonding (no new jobs, the delay over, every open job settled or
//! cancelled) so it stays available to slash while a dispute can still arise.

use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, U256, U64},
    prelude::*,
};

use crate::{
    calls::{address_word, PAY, TRANSFER, TRANSFER_FROM},
    errors::{invalid, overflow, BondRefused, Error, ProviderUnavailable},
    BondWithdrawn, JobMarket, PriceSet, ProviderJoined, UnbondStarted,
};

/// Joins, or adds `bond` and updates the endpoint; cancels a pending unbond.
pub(crate) fn join(m: &mut JobMarket, endpoint: Bytes, bond: U256) -> Result<(), Error> {
    let provider = m.vm().msg_sender();
    let total = m.providers.getter(provider).bond.get().checked_add(bond).ok_or_else(overflow)?;
    let minimum = m.min_bond.get();
    if total < minimum || total.is_zero() {
        return Err(Error::BondRefused(BondRefused {
            bond: total,
            minimum,
            availableAt: 0,
            openJobs: 0,
        }));
    }
    let mut p = m.providers.setter(provider);
    p.bond.set(total);
    p.unbond_at.set(U64::ZERO);
    log(m.vm(), ProviderJoined { provider, bond: total, endpoint: endpoint.0.into() });
    if !bond.is_zero() {
        let me = m.vm().contract_address();
        let words = [address_word(provider), address_word(me), bond.into()];
        m.token_call(TRANSFER_FROM, &words)?;
    }
    Ok(())
}

/// An active provider's price per unit for `model` (zero stops serving it).
pub(crate) fn set_price(m: &mut JobMarket, model: U256, price: U256) -> Result<(), Error> {
    let provider = m.vm().msg_sender();
    m.active_provider(provider, model)?;
    m.providers.setter(provider).prices.setter(model).set(price);
    log(m.vm(), PriceSet { provider, model, price });
    Ok(())
}

/// Stops new jobs and starts the unbonding delay (`availableAt` is never zero: zero
/// means active).
pub(crate) fn start_unbond(m: &mut JobMarket) -> Result<(), Error> {
    let provider = m.vm().msg_sender();
    m.active_provider(provider, U256::ZERO)?;
    let at = m.now().saturating_add(m.unbond_delay.get().to::<u64>()).max(1);
    m.providers.setter(provider).unbond_at.set(U64::from(at));
    log(m.vm(), UnbondStarted { provider, availableAt: at });
    Ok(())
}

/// The whole bond, once unbonding is over and no job is open.
pub(crate) fn withdraw_bond(m: &mut JobMarket) -> Result<(), Error> {
    let provider = m.vm().msg_sender();
    let p = m.providers.getter(provider);
    let (at, open, amount) =
        (p.unbond_at.get().to::<u64>(), p.open.get().to::<u64>(), p.bond.get());
    if at == 0 || m.now() < at || open > 0 || amount.is_zero() {
        return Err(Error::BondRefused(BondRefused {
            bond: amount,
            minimum: U256::ZERO,
            availableAt: at,
            openJobs: open,
        }));
    }
    m.providers.setter(provider).bond.set(U256::ZERO);
    log(m.vm(), BondWithdrawn { provider, amount });
    m.token_call(TRANSFER, &[address_word(provider), amount.into()])
}

/// Final earnings, paid by the ledger from the charges it holds.
pub(crate) fn withdraw(m: &mut JobMarket) -> Result<(), Error> {
    let provider = m.vm().msg_sender();
    let amount = m.providers.getter(provider).earnings.get();
    if amount.is_zero() {
        return Err(invalid());
    }
    m.providers.setter(provider).earnings.set(U256::ZERO);
    // The ledger logs the payout: MarketMoved(kind PAY, provider, amount).
    m.ledger_call(PAY, provider, amount)
}

impl JobMarket {
    /// Checks `provider` is bonded and not unbonding; returns its price for `model`.
    pub(crate) fn active_provider(&self, provider: Address, model: U256) -> Result<U256, Error> {
        let p = self.providers.getter(provider);
        if p.bond.get().is_zero() || p.unbond_at.get() != U64::ZERO {
            return Err(Error::ProviderUnavailable(ProviderUnavailable { provider, model }));
        }
        Ok(p.prices.get(model))
    }

    /// Counts a job opened (`up`) or closed against `provider`: a provider with open jobs
    /// cannot take its bond out.
    pub(crate) fn bump_open(&mut self, provider: Address, up: bool) {
        let mut p = self.providers.setter(provider);
        let open = p.open.get();
        p.open.set(if up {
            open.saturating_add(U64::from(1u8))
        } else {
            open.saturating_sub(U64::from(1u8))
        });
    }
}
