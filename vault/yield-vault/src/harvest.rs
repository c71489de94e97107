//! Harvest: attributed yield goes to the ledger. Not while paused; open to anyone unless
//! keeper-only; at most once per interval (and per block timestamp, so the profit bound on
//! pending yield is what one period moves); never in deficit (yield is paid only from value
//! above principal); at least the minimum pending.

use alloy_sol_types::{SolCall, SolEvent};
use compute_fi_contracts::access::KEEPER_ROLE;
use stylus_sdk::{
    alloy_primitives::{U256, U64},
    prelude::*,
};

use crate::{
    attribution::ILedgerHooks,
    config::{IDLE_ONLY, KEEPER_ONLY},
    errors::{Error, HarvestBelowMinimum, HarvestTooSoon, InDeficit},
    events::Harvested,
    YieldVault,
};

impl YieldVault {
    /// Attributes what accrued, then sends all pending yield to the ledger and tells it.
    pub(crate) fn harvest_pending_yield(&mut self) -> Result<U256, Error> {
        self.when_not_paused()?;
        if self.flag(KEEPER_ONLY) {
            self.only_role(KEEPER_ROLE)?;
        }
        let now = self.vm().block_timestamp();
        // At least a second apart: with no interval a period is one block timestamp, so
        // the profit bound limits what a period moves, not each of many calls in it.
        let next = self
            .last_harvest
            .get()
            .to::<u64>()
            .saturating_add(self.harvest_interval.get().to::<u64>().max(1));
        if now < next {
            return Err(Error::HarvestTooSoon(HarvestTooSoon { now, next }));
        }
        let books = self.accrue()?;
        if !books.solvent() {
            return Err(Error::InDeficit(InDeficit {
                value: books.holders_value,
                principal: books.principal,
            }));
        }
        let assets = self.pending_yield.get();
        let minimum = self.min_harvest.get();
        if assets.is_zero() || assets < minimum {
            return Err(Error::HarvestBelowMinimum(HarvestBelowMinimum {
                pending: assets,
                minimum,
            }));
        }
        self.pending_yield.set(U256::ZERO);
        self.last_harvest.set(U64::from(now));
        let ledger = self.ledger.get();
        if !self.flag(IDLE_ONLY) {
            self.check_grain(assets)?;
        }
        self.make_idle(assets)?;
        self.send_asset(ledger, assets)?;
        let call = ILedgerHooks::onHarvestCall {
            yield_attributed: books.new_yield,
            total_supply: books.principal,
            assets,
        };
        self.call_out(ledger, &call.abi_encode(), U256::ZERO, assets)?;
        self.emit(
            &[Harvested::SIGNATURE_HASH, ledger.into_word()],
            &[books.new_yield, assets, books.principal],
        );
        Ok(assets)
    }
}
