//! One-time setup (the constructor, also a clone's), the pool's configuration and the
//! market, whose change waits [`MARKET_DELAY`].

use alloy_sol_types::SolEvent;
use compute_fi_contracts::{access::ADMIN_ROLE, errors::AlreadyInitialized, math::BPS};
use stylus_sdk::{
    alloy_primitives::{Address, Uint, U256, U64},
    prelude::*,
};

use crate::{
    errors::{invalid, Error, MarketChangeExpired, MarketChangeNotReady},
    events::{emit, word},
    ComputeLedger, MarketChangeScheduled, MarketConfigured, PoolConfigured,
};

/// How long a change of market waits (two days): long enough for the community and its
/// members to see it coming (`MarketChangeScheduled`) before the new market can move
/// anyone's credits.
pub const MARKET_DELAY: u64 = 2 * 86_400;

/// How long a due market change may still be applied (fourteen days, as Compound's
/// timelock allows): a schedule nobody applied does not wait for ever to be used.
pub const MARKET_GRACE: u64 = 14 * 86_400;

impl ComputeLedger {
    /// Grants the admin role, sets the vault, its asset, the payment token and the pool. Refused once
    /// done: the vault is never zero after setup, so it is the initialised flag.
    pub(crate) fn setup(
        &mut self,
        admin: Address,
        vault: Address,
        asset: Address,
        payment: Address,
        pool: Address,
        pool_bps: u16,
    ) -> Result<(), Error> {
        if !self.vault.get().is_zero() {
            return Err(Error::AlreadyInitialized(AlreadyInitialized {}));
        }
        if admin.is_zero() || vault.is_zero() || asset.is_zero() || payment.is_zero() {
            return Err(invalid());
        }
        self.set_role(ADMIN_ROLE, admin, true)?;
        self.vault.set(vault);
        self.asset.set(asset);
        self.payment.set(payment);
        self.configure_pool(pool, pool_bps)
    }

    /// The community pool account (nonzero) and its share of each harvest (at most
    /// 100%).
    pub(crate) fn configure_pool(&mut self, pool: Address, pool_bps: u16) -> Result<(), Error> {
        if pool.is_zero() || u64::from(pool_bps) > BPS {
            return Err(invalid());
        }
        self.pool.set(pool);
        self.pool_bps.set(Uint::from(pool_bps));
        emit(
            self.vm(),
            &[PoolConfigured::SIGNATURE_HASH],
            &[pool.into_word().0, word(U256::from(pool_bps))],
        );
        Ok(())
    }

    /// The job market allowed to move reservations (at once: setup's market only).
    pub(crate) fn configure_market(&mut self, market: Address) {
        self.market.set(market);
        emit(self.vm(), &[MarketConfigured::SIGNATURE_HASH], &[market.into_word().0]);
    }

    /// Schedules `market` to replace the market after [`MARKET_DELAY`]. Only setup's
    /// market takes effect at once: a change through no market waits as long as any.
    pub(crate) fn schedule_market(&mut self, market: Address) {
        let ready_at = self.now().saturating_add(MARKET_DELAY);
        self.pending_market.set(market);
        self.pending_market_at.set(U64::from(ready_at));
        emit(
            self.vm(),
            &[MarketChangeScheduled::SIGNATURE_HASH],
            &[market.into_word().0, word(U256::from(ready_at))],
        );
    }

    /// Applies the scheduled market once due.
    pub(crate) fn apply_scheduled_market(&mut self) -> Result<(), Error> {
        let ready_at = self.pending_market_at.get().to::<u64>();
        if ready_at == 0 {
            return Err(invalid());
        }
        let market = self.pending_market.get();
        let now = self.now();
        if now < ready_at {
            return Err(Error::MarketChangeNotReady(MarketChangeNotReady {
                market,
                readyAt: ready_at,
            }));
        }
        let expired_at = ready_at.saturating_add(MARKET_GRACE);
        if now > expired_at {
            return Err(Error::MarketChangeExpired(MarketChangeExpired {
                market,
                expiredAt: expired_at,
            }));
        }
        self.pending_market.set(Address::ZERO);
        self.pending_market_at.set(U64::ZERO);
        self.configure_market(market);
        Ok(())
    }

    /// The block time (moved forward by the unit tests, as motsu's clock stands still).
    pub(crate) fn now(&self) -> u64 {
        let now = self.vm().block_timestamp();
        #[cfg(test)]
        let now = now.saturating_add(crate::tests::harness::elapsed());
        now
    }
}
