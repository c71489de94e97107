//! What the job market may do with credits: reserve them for a job, release a
//! reservation, charge it (the credits become owed to the market) and pay what it is
//! owed to a provider. Only the configured market calls these (see [`crate::roles`]).
//!
//! Reservations stay backed: a reservation is taken from spendable credits, a charge
//! moves it to `owed`, and a payment leaves the books with the tokens.

use alloy_sol_types::SolEvent;
use compute_fi_contracts::interfaces::ledger::IErc20Calls;
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
};

use crate::{
    errors::{add, sub, token_ok, Error, InsufficientOwed, InsufficientReserved},
    events::{emit, word},
    ComputeLedger, MarketMoved,
};

/// Kinds of [`MarketMoved`].
pub mod kind {
    /// Spendable credits became reserved.
    pub const RESERVE: u8 = 1;
    /// Reserved credits went back to spendable.
    pub const RELEASE: u8 = 2;
    /// Reserved credits were charged: now owed to the market.
    pub const CHARGE: u8 = 3;
    /// Owed tokens were paid out (to a provider).
    pub const PAY: u8 = 4;
}

impl ComputeLedger {
    /// Moves `amount` of `account`'s spendable credits (settled first) into its
    /// reservation.
    pub(crate) fn reserve_credits(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.only_market()?;
        self.debit(account, amount)?;
        let mut acc = self.accounts.setter(account);
        let r = add(acc.reserved.get(), amount)?;
        acc.reserved.set(r);
        self.market_moved(kind::RESERVE, account, amount);
        Ok(())
    }

    /// Moves `amount` of `account`'s reservation back to its spendable credits.
    pub(crate) fn release_credits(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.only_market()?;
        self.unreserve(account, amount)?;
        let mut acc = self.accounts.setter(account);
        let c = add(acc.credits.get(), amount)?;
        acc.credits.set(c);
        self.market_moved(kind::RELEASE, account, amount);
        Ok(())
    }

    /// Takes `amount` of `account`'s reservation; the market is owed it.
    pub(crate) fn charge_credits(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        self.only_market()?;
        self.unreserve(account, amount)?;
        self.owed.set(add(self.owed.get(), amount)?);
        self.market_moved(kind::CHARGE, account, amount);
        Ok(())
    }

    /// Pays `amount` of what the market is owed to `to`, in payment tokens.
    pub(crate) fn pay_owed(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        self.only_market()?;
        let owed = self.owed.get();
        let Some(left) = owed.checked_sub(amount) else {
            return Err(Error::InsufficientOwed(InsufficientOwed { owed, needed: amount }));
        };
        self.owed.set(left);
        self.accounted.set(sub(self.accounted.get(), amount)?);
        self.market_moved(kind::PAY, to, amount);
        let token = self.payment.get();
        let r = IErc20Calls::new(token).transfer(&mut *self, to, amount);
        token_ok(r, token)
    }

    /// Emits [`MarketMoved`].
    fn market_moved(&self, kind: u8, account: Address, amount: U256) {
        let topics =
            [MarketMoved::SIGNATURE_HASH, B256::from(U256::from(kind)), account.into_word()];
        emit(self.vm(), &topics, &[word(amount)]);
    }

    /// Takes `amount` (nonzero) from `account`'s reservation.
    fn unreserve(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        let mut acc = self.accounts.setter(account);
        let reserved = acc.reserved.get();
        let Some(left) = reserved.checked_sub(amount).filter(|_| !amount.is_zero()) else {
            return Err(Error::InsufficientReserved(InsufficientReserved {
                account,
                reserved,
                needed: amount,
            }));
        };
        acc.reserved.set(left);
        Ok(())
    }
}
