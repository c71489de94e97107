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
    attribution::Books,
    config::{EXACT_STAKE, PAUSED},
    deposit::Payment,
    errors::Error,
    exit::Payout,
    YieldVault,
};

impl YieldVault {
    /// The books and `receiver`'s cap room in shares, or `None` while entries are refused
    /// (paused, a bound, unreadable books).
    fn entry_room(&self, receiver: Address) -> Option<(Books, U256)> {
        if self.flag(PAUSED) {
            return None;
        }
        let books = self.books().ok()?;
        self.check_entry(books).ok()?;
        let total = self.total_cap.get().saturating_sub(books.principal);
        let account = self.account_cap.get().saturating_sub(self.erc20.balance_of(receiver));
        Some((books, total.min(account)))
    }
}

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

    /// 0 while entries are refused; else the cap room in assets (0 under the minimum
    /// stake; the stake itself when stakes are exact), and 0 where a deposit of it would
    /// be worth no share (dust the source's rounding takes whole).
    fn max_deposit(&self, receiver: Address) -> U256 {
        let Some((books, room)) = self.entry_room(receiver) else { return U256::ZERO };
        let stake = self.min_stake.get();
        let Ok(room_assets) = books.assets_for(room, Rounding::Down) else { return U256::ZERO };
        if room_assets < stake {
            return U256::ZERO;
        }
        let assets = if self.flag(EXACT_STAKE) { stake } else { room_assets };
        // Shares grow with the amount, so a probe of at most 2^128 units tells whether
        // the deposit mints any, without a vast room overflowing the source's math.
        let probe = assets.min(U256::from(u128::MAX));
        match self.preview_deposit(probe) {
            Ok(shares) if !shares.is_zero() => assets,
            _ => U256::ZERO,
        }
    }

    fn preview_deposit(&self, assets: U256) -> Result<U256, Self::Error> {
        self.books()?.shares_for(self.worth_in_source(assets)?, Rounding::Down)
    }

    fn deposit(&mut self, assets: U256, receiver: Address) -> Result<U256, Self::Error> {
        self.deposit_to(assets, receiver, Payment::PullAsset)
    }

    /// 0 while entries are refused; else the cap room in shares when they are worth the
    /// minimum stake (0 below it); with exact stakes, the shares the stake buys when a
    /// mint of them costs exactly the stake (else 0: no mint would be accepted).
    fn max_mint(&self, receiver: Address) -> U256 {
        let Some((books, room)) = self.entry_room(receiver) else { return U256::ZERO };
        let stake = self.min_stake.get();
        if self.flag(EXACT_STAKE) {
            return match books.shares_for(stake, Rounding::Down) {
                Ok(shares)
                    if !shares.is_zero()
                        && shares <= room
                        && self.mint_cost(books, shares).ok() == Some(stake) =>
                {
                    shares
                }
                _ => U256::ZERO,
            };
        }
        // A mint costs at least what its shares are worth; and it must go through the
        // source (probed at 2^128 shares at most, as `maxDeposit` probes).
        match books.assets_for(room, Rounding::Down) {
            Ok(worth) if worth >= stake => {
                match self.mint_cost(books, room.min(U256::from(u128::MAX))) {
                    Ok(_) => room,
                    Err(_) => U256::ZERO,
                }
            }
            _ => U256::ZERO,
        }
    }

    fn preview_mint(&self, shares: U256) -> Result<U256, Self::Error> {
        self.mint_cost(self.books()?, shares)
    }

    fn mint(&mut self, shares: U256, receiver: Address) -> Result<U256, Self::Error> {
        self.mint_shares(shares, receiver)
    }

    /// What `withdraw` accepts: what the owner's shares outside a locked lot are worth.
    fn max_withdraw(&self, owner: Address) -> Result<U256, Self::Error> {
        self.books()?.assets_for(self.free_shares(owner), Rounding::Down)
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

    /// What `redeem` accepts: the owner's shares outside a locked lot, or 0 when they are
    /// worth nothing (dust in deficit).
    fn max_redeem(&self, owner: Address) -> U256 {
        match self.max_withdraw(owner) {
            Ok(assets) if !assets.is_zero() => self.free_shares(owner),
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
