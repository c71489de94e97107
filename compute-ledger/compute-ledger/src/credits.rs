//! Credits between accounts: top-ups paid in payment tokens, transfers of spendable
//! credits, and the debit both transfers and reservations start from.

use alloy_sol_types::SolEvent;
use compute_fi_contracts::interfaces::ledger::IErc20Calls;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};

use crate::{
    errors::{add, invalid, token_ok, Error, InsufficientCredits},
    events::{emit, word},
    ComputeLedger, CreditsTransferred, ToppedUp,
};

impl ComputeLedger {
    /// Books `amount` payment tokens from the caller as `account`'s credits, then pulls
    /// them (the books change before the external call).
    pub(crate) fn top_up_credits(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() || account.is_zero() {
            return Err(invalid());
        }
        let from = self.vm().msg_sender();
        let mut acc = self.accounts.setter(account);
        let credits = add(acc.credits.get(), amount)?;
        acc.credits.set(credits);
        self.accounted.set(add(self.accounted.get(), amount)?);
        emit(
            self.vm(),
            &[ToppedUp::SIGNATURE_HASH, from.into_word(), account.into_word()],
            &[word(amount)],
        );
        let me = self.vm().contract_address();
        let token = self.payment.get();
        let r = IErc20Calls::new(token).transfer_from(&mut *self, from, me, amount);
        token_ok(r, token)
    }

    /// Moves `amount` of the caller's spendable credits to `to`.
    pub(crate) fn transfer_spendable(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() || to.is_zero() {
            return Err(invalid());
        }
        let from = self.vm().msg_sender();
        self.debit(from, amount)?;
        let mut acc = self.accounts.setter(to);
        let credits = add(acc.credits.get(), amount)?;
        acc.credits.set(credits);
        emit(
            self.vm(),
            &[CreditsTransferred::SIGNATURE_HASH, from.into_word(), to.into_word()],
            &[word(amount)],
        );
        Ok(())
    }

    /// Settles `account` and takes `amount` (nonzero) from its spendable credits.
    pub(crate) fn debit(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Err(invalid());
        }
        self.settle(account)?;
        let mut acc = self.accounts.setter(account);
        let available = acc.credits.get();
        let Some(left) = available.checked_sub(amount) else {
            return Err(Error::InsufficientCredits(InsufficientCredits {
                account,
                available,
                needed: amount,
            }));
        };
        acc.credits.set(left);
        Ok(())
    }
}
