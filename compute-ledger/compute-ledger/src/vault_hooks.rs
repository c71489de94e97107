//! What the vault tells the ledger (`onSharesChanged`, `onHarvest`; the order is in
//! `compute_fi_contracts::interfaces::ledger_hooks`), and how the ledger knows balances.
//!
//! Within the hooks the ledger uses the balances passed in and never calls the vault
//! back (that would be reentrancy). Outside them it reads `vault.balanceOf`: the vault
//! calls the hook before every balance change, so that balance is exactly the one held
//! since the account's last settlement.

use alloy_sol_types::SolEvent;
use compute_fi_contracts::interfaces::ledger::IErc20View;
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
};

use crate::{
    accumulator::Sealed,
    errors::{add, read_failed, AssetsNotReceived, Error},
    events::{emit, word},
    ComputeLedger, ConversionDeferred, Harvested,
};

impl ComputeLedger {
    /// Before a share balance change: attributes `yield_attributed` over
    /// `total_supply_before`, then settles `from` and `to` on their balances before.
    pub(crate) fn shares_changing(
        &mut self,
        from: Address,
        from_balance_before: U256,
        to: Address,
        to_balance_before: U256,
        total_supply_before: U256,
        yield_attributed: U256,
    ) -> Result<(), Error> {
        self.only_vault()?;
        self.attribute(yield_attributed, total_supply_before)?;
        if !from.is_zero() {
            self.settle_with(from, from_balance_before)?;
        }
        if !to.is_zero() {
            self.settle_with(to, to_balance_before)?;
        }
        Ok(())
    }

    /// After the vault transferred `assets` of its asset: attributes the last yield,
    /// checks the tokens arrived, seals the open epoch (everything attributed in it is
    /// now harvested), then converts and closes it, or keeps it sealed for a retry when
    /// the conversion is refused (the harvest itself must not fail on a price).
    pub(crate) fn harvested(
        &mut self,
        yield_attributed: U256,
        total_supply: U256,
        assets: U256,
    ) -> Result<(), Error> {
        self.only_vault()?;
        self.attribute(yield_attributed, total_supply)?;
        let asset = self.asset.get();
        let unconverted = add(self.unconverted.get(), assets)?;
        // Tokens held for the books: for the payment token everything accounted, else the
        // waiting assets.
        let expected = if asset == self.payment.get() {
            add(self.accounted.get(), unconverted)?
        } else {
            unconverted
        };
        let balance = self.balance_of(asset, self.vm().contract_address())?;
        if balance < expected {
            return Err(Error::AssetsNotReceived(AssetsNotReceived {
                token: asset,
                expected,
                balance,
            }));
        }
        self.unconverted.set(unconverted);
        let epoch = U256::from(self.epoch.get());
        emit(self.vm(), &[Harvested::SIGNATURE_HASH, B256::from(epoch)], &[word(assets)]);
        // A sealed epoch still waiting converts first; while it cannot, this harvest's
        // assets wait in the open epoch, which seals only once nothing waits before it.
        if self.sealed.get() {
            let waiting = self.load_sealed();
            if !self.converted_or_deferred(&waiting)? {
                return Ok(());
            }
        }
        let open_assets = self.unconverted.get();
        if open_assets.is_zero() {
            return Ok(());
        }
        let s = self.seal_open(open_assets);
        if !self.converted_or_deferred(&s)? {
            self.store_sealed(&s);
        }
        Ok(())
    }

    /// Converts and closes sealed epoch `s`: `true` when it closed, `false` when the
    /// conversion was refused (logged; the harvest itself must not fail on a price).
    fn converted_or_deferred(&mut self, s: &Sealed) -> Result<bool, Error> {
        match self.convert_and_close(s, false) {
            Ok(()) => Ok(true),
            Err(Error::ConversionRefused(r)) => {
                emit(
                    self.vm(),
                    &[ConversionDeferred::SIGNATURE_HASH, B256::from(U256::from(s.epoch))],
                    &[word(s.assets), word(U256::from(r.reason))],
                );
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Vault shares of `account` now (outside the hooks only).
    pub(crate) fn shares_of(&self, account: Address) -> Result<U256, Error> {
        self.balance_of(self.vault.get(), account)
    }

    /// `token` balance of `who`, through ERC-20 `balanceOf`.
    pub(crate) fn balance_of(&self, token: Address, who: Address) -> Result<U256, Error> {
        IErc20View::new(token).balance_of(self, who).map_err(|_| read_failed(token))
    }
}
