//! One-time setup (constructor or clone `initialize`) and the pool's configuration.

use alloy_sol_types::SolEvent;
use compute_fi_contracts::{access::ADMIN_ROLE, errors::AlreadyInitialized, math::BPS};
use stylus_sdk::{
    alloy_primitives::{Address, Uint, U256},
    prelude::*,
};

use crate::{
    errors::{invalid, Error},
    events::{emit, word},
    ComputeLedger, MarketConfigured, PoolConfigured,
};

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

    /// The job market allowed to move reservations.
    pub(crate) fn configure_market(&mut self, market: Address) {
        self.market.set(market);
        emit(self.vm(), &[MarketConfigured::SIGNATURE_HASH], &[market.into_word().0]);
    }
}
