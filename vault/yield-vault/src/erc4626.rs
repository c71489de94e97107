//! The ERC-4626 surface. Conversions are 1:1 while solvent and pro rata in deficit (see
//! `attribution`); each limit is what its call accepts, 0 where the call would revert
//! (paused, past a bound, locked, below the stake, dust).

use compute_fi_contracts::math::Rounding;
use openzeppelin_stylus::token::erc20::{extensions::IErc4626, IErc20};
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};

use crate::{
    config::{EXACT_STAKE, PAUSED},
    deposit::Payment,
    errors::Error,
    exit::Payout,
    YieldVault,
};

#[public]
impl IErc4626 for YieldVault {
    type Error = Error;

    fn asset(&self) -> Address {
        self.asset.get()
    }

    /// Assets belonging to holders: principal, or less in deficit.
    fn total_assets(&self) -> Result<U256, Self::Error> {
        let books = self.books()?;
        Ok(books.holders_value.min(books.principal))
    }

    fn convert_to_shares(&self, assets: U256) -> Result<U256, Self::Error> {
        self.books()?.shares_for(assets, Rounding::Down)
    }

    fn convert_to_assets(&self, shares: U256) -> Result<U256, Self::Error> {
        self.books()?.assets_for(shares, Rounding::Down)
    }

    /// 0 while paused or past a bound; else the cap room in assets (0 if under the
    /// minimum stake; the stake itself when stakes are exact and it fits).
    fn max_deposit(&self, receiver: Address) -> U256 {
        let shares = self.max_mint(receiver);
        let Ok(books) = self.books() else { return U256::ZERO };
        let Ok(assets) = books.assets_for(shares, Rounding::Down) else { return U256::ZERO };
        let stake = self.min_stake.get();
        if assets < stake {
            return U256::ZERO;
        }
        if self.flag(EXACT_STAKE) {
            return stake;
        }
        assets
    }

    fn preview_deposit(&self, assets: U256) -> Result<U256, Self::Error> {
        self.books()?.shares_for(self.worth_in_source(assets)?, Rounding::Down)
    }

    fn deposit(&mut self, assets: U256, receiver: Address) -> Result<U256, Self::Error> {
        self.deposit_to(assets, receiver, Payment::PullAsset)
    }

    /// 0 while paused or past a bound; else the cap room in shares.
    fn max_mint(&self, receiver: Address) -> U256 {
        if self.flag(PAUSED) {
            return U256::ZERO;
        }
        let Ok(books) = self.books() else { return U256::ZERO };
        if self.check_entry(books).is_err() {
            return U256::ZERO;
        }
        let total = self.total_cap.get().saturating_sub(books.principal);
        let account = self.account_cap.get().saturating_sub(self.erc20.balance_of(receiver));
        total.min(account)
    }

    fn preview_mint(&self, shares: U256) -> Result<U256, Self::Error> {
        self.mint_cost(self.books()?, shares)
    }

    fn mint(&mut self, shares: U256, receiver: Address) -> Result<U256, Self::Error> {
        self.mint_shares(shares, receiver)
    }

    /// What `withdraw` accepts: 0 while locked; else what the owner's shares are worth.
    fn max_withdraw(&self, owner: Address) -> Result<U256, Self::Error> {
        if self.locked_until(owner).is_some() {
            return Ok(U256::ZERO);
        }
        self.books()?.assets_for(self.erc20.balance_of(owner), Rounding::Down)
    }

    fn preview_withdraw(&self, assets: U256) -> Result<U256, Self::Error> {
        self.books()?.shares_for(assets, Rounding::Up)
    }

    fn withdraw(
        &mut self,
        assets: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Self::Error> {
        self.withdraw_assets(assets, receiver, owner)
    }

    /// What `redeem` accepts: 0 while locked or when the owner's shares are worth nothing
    /// (dust in deficit); else the owner's shares.
    fn max_redeem(&self, owner: Address) -> U256 {
        match self.max_withdraw(owner) {
            Ok(assets) if !assets.is_zero() => self.erc20.balance_of(owner),
            _ => U256::ZERO,
        }
    }

    fn preview_redeem(&self, shares: U256) -> Result<U256, Self::Error> {
        self.books()?.assets_for(shares, Rounding::Down)
    }

    fn redeem(
        &mut self,
        shares: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Self::Error> {
        self.redeem_to(shares, receiver, owner, Payout::Asset)
    }
}
