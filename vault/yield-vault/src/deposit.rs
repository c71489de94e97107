//! The deposit path (`deposit`, `mint`, `depositEth`): not while paused or past the loss
//! bound, at least the minimum stake (or exactly it), within the caps; yield attributed and
//! the ledger told before shares change; the asset in before the shares out, locked as a
//! lot (see `lock`); the source's
//! rounding of the deposit paid from yield (see `attribution`).

use alloy_sol_types::{SolCall, SolEvent};
use compute_fi_contracts::{
    interfaces::vault::{IVaultAsset, IWeth, IYieldSource},
    math::Rounding,
};
use openzeppelin_stylus::token::erc20::{self, extensions::erc4626::Deposit, IErc20};
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};

use crate::{
    attribution::{rounding_reserve, Books},
    calls::first_word,
    config::{EXACT_STAKE, IDLE_ONLY},
    errors::{overflow, CapExceeded, Error, StakeRejected, ZeroAmount},
    YieldVault,
};

/// How the deposited asset comes in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Payment {
    /// `transferFrom` the caller (ERC-4626 `deposit` and `mint`).
    PullAsset,
    /// The ETH sent with the call, wrapped into the WETH asset (`depositEth`).
    WrapEth,
}

impl YieldVault {
    /// `deposit` and `depositEth`: shares for what the source credits of `assets`.
    pub(crate) fn deposit_to(
        &mut self,
        assets: U256,
        receiver: Address,
        payment: Payment,
    ) -> Result<U256, Error> {
        self.check_stake(assets)?;
        self.when_not_paused()?;
        let mut books = self.books()?;
        self.check_entry(books)?;
        let credited = self.worth_in_source(assets)?;
        let priced = self.pay_rounding_from_yield(&mut books, assets, credited)?;
        let shares = books.shares_for(priced, Rounding::Down)?;
        self.enter(receiver, assets, shares, books, payment)?;
        Ok(shares)
    }

    /// `mint`: `shares` for what they cost (see [`Self::mint_cost`]).
    pub(crate) fn mint_shares(&mut self, shares: U256, receiver: Address) -> Result<U256, Error> {
        self.when_not_paused()?;
        let books = self.accrue()?;
        self.check_entry(books)?;
        let assets = self.mint_cost(books, shares)?;
        self.check_stake(assets)?;
        self.enter(receiver, assets, shares, books, Payment::PullAsset)?;
        Ok(assets)
    }

    /// What `assets` put into the source are worth there, `convertToAssets(previewDeposit)`
    /// (or `assets` while deposits stay idle): the source's rounding on a deposit is the
    /// depositor's, never the other holders'.
    #[inline(never)]
    pub(crate) fn worth_in_source(&self, assets: U256) -> Result<U256, Error> {
        if self.flag(IDLE_ONLY) || assets.is_zero() {
            return Ok(assets);
        }
        let source = self.source.get();
        let answer =
            self.view_call(source, &IYieldSource::previewDepositCall { assets }.abi_encode())?;
        let shares = first_word(source, &answer)?;
        let answer =
            self.view_call(source, &IYieldSource::convertToAssetsCall { shares }.abi_encode())?;
        let credited = first_word(source, &answer)?.min(assets);
        if assets.saturating_sub(credited) > rounding_reserve(assets) {
            // More lost than rounding should: a fee (the depositor's), or a coarse source.
            self.check_grain(assets)?;
        }
        Ok(credited)
    }

    /// Assets a mint of `shares` costs: their price plus twice what the source's rounding
    /// takes of it (the property tests check this covers the shares).
    #[inline(never)]
    pub(crate) fn mint_cost(&self, books: Books, shares: U256) -> Result<U256, Error> {
        let assets = books.assets_for(shares, Rounding::Up)?;
        let rounding_loss = assets.saturating_sub(self.worth_in_source(assets)?);
        if rounding_loss.is_zero() {
            return Ok(assets);
        }
        assets
            .checked_add(rounding_loss)
            .and_then(|a| a.checked_add(rounding_loss))
            .ok_or_else(overflow)
    }

    fn check_stake(&self, assets: U256) -> Result<(), Error> {
        let stake = self.min_stake.get();
        let exact = self.flag(EXACT_STAKE);
        if assets < stake || (exact && assets != stake) {
            return Err(Error::StakeRejected(StakeRejected { assets, stake, exact }));
        }
        Ok(())
    }

    /// Deposit common path: caps, ledger notice, asset in (pulled from the caller, or
    /// wrapped from the ETH sent), shares out and locked, asset invested.
    fn enter(
        &mut self,
        receiver: Address,
        assets: U256,
        shares: U256,
        books: Books,
        payment: Payment,
    ) -> Result<(), Error> {
        if shares.is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount { assets, shares }));
        }
        if receiver.is_zero() {
            return Err(Error::InvalidReceiver(erc20::ERC20InvalidReceiver { receiver }));
        }
        let holding = self.erc20.balance_of(receiver);
        for (account, held, cap) in [
            (Address::ZERO, books.principal, self.total_cap.get()),
            (receiver, holding, self.account_cap.get()),
        ] {
            if held.checked_add(shares).is_none_or(|after| after > cap) {
                return Err(Error::CapExceeded(CapExceeded { account, held, shares, cap }));
            }
        }
        self.notify(Address::ZERO, receiver, books)?;
        let caller = self.vm().msg_sender();
        let asset = self.asset.get();
        let this = self.vm().contract_address();
        if payment == Payment::PullAsset {
            // Asset in before shares out: an ERC-777-style hook on the way in sees the
            // vault as it was.
            let answer = self.call_out(
                asset,
                &IVaultAsset::transferFromCall { from: caller, to: this, value: assets }
                    .abi_encode(),
                U256::ZERO,
                assets,
            )?;
            self.check_true(asset, &answer, assets)?;
        } else {
            self.call_out(asset, &IWeth::depositCall {}.abi_encode(), assets, assets)?;
        }
        self.erc20._mint(receiver, shares)?;
        self.lock_deposit(receiver, shares)?;
        if !self.flag(IDLE_ONLY) {
            self.invest(assets)?;
        }
        self.emit(
            &[Deposit::SIGNATURE_HASH, caller.into_word(), receiver.into_word()],
            &[assets, shares],
        );
        Ok(())
    }
}
