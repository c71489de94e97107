//! The exit path (`withdraw`, `redeem`, `redeemEth`): never paused, priced pro rata in
//! deficit; the owner's locked lot, balance and allowance checked, yield attributed and the
//! ledger told, shares burnt before any asset leaves.

use alloy_sol_types::{SolCall, SolEvent};
use compute_fi_contracts::{interfaces::vault::IWeth, math::Rounding};
use openzeppelin_stylus::token::erc20::{self, extensions::erc4626::Withdraw, IErc20};
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};

use crate::{
    attribution::Books,
    errors::{Error, InsufficientShares, ZeroAmount},
    YieldVault,
};

/// How the assets leave.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Payout {
    /// As the asset (ERC-4626 `withdraw` and `redeem`).
    Asset,
    /// The WETH asset unwrapped and sent as ETH (`redeemEth`).
    UnwrapToEth,
}

impl YieldVault {
    /// `redeem` and `redeemEth`: `shares` for what they are worth.
    pub(crate) fn redeem_to(
        &mut self,
        shares: U256,
        receiver: Address,
        owner: Address,
        payout: Payout,
    ) -> Result<U256, Error> {
        let books = self.accrue()?;
        let assets = books.assets_for(shares, Rounding::Down)?;
        self.exit(receiver, owner, assets, shares, books, payout)?;
        Ok(assets)
    }

    /// `withdraw`: `assets` for the shares they are worth, rounded up.
    pub(crate) fn withdraw_assets(
        &mut self,
        assets: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Error> {
        let books = self.accrue()?;
        let shares = books.shares_for(assets, Rounding::Up)?;
        self.exit(receiver, owner, assets, shares, books, Payout::Asset)?;
        Ok(shares)
    }

    /// Exit common path: lock, balance and allowance checks, ledger notice, shares burnt
    /// before any asset leaves, then the asset (or ETH) out.
    fn exit(
        &mut self,
        receiver: Address,
        owner: Address,
        assets: U256,
        shares: U256,
        books: Books,
        payout: Payout,
    ) -> Result<(), Error> {
        if assets.is_zero() || shares.is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount { assets, shares }));
        }
        let balance = self.erc20.balance_of(owner);
        if shares > balance {
            return Err(Error::InsufficientShares(InsufficientShares { owner, shares, balance }));
        }
        self.check_unlocked(owner, shares)?;
        if receiver.is_zero() {
            return Err(Error::InvalidReceiver(erc20::ERC20InvalidReceiver { receiver }));
        }
        let caller = self.vm().msg_sender();
        if caller != owner {
            self.erc20._spend_allowance(owner, caller, shares)?;
        }
        self.notify(owner, Address::ZERO, books)?;
        self.erc20._burn(owner, shares)?;
        self.make_idle(assets)?;
        if payout == Payout::UnwrapToEth {
            let asset = self.asset.get();
            self.call_out(
                asset,
                &IWeth::withdrawCall { wad: assets }.abi_encode(),
                U256::ZERO,
                assets,
            )?;
            self.call_out(receiver, &[], assets, assets)?;
        } else {
            self.send_asset(receiver, assets)?;
        }
        self.emit(
            &[
                Withdraw::SIGNATURE_HASH,
                caller.into_word(),
                receiver.into_word(),
                owner.into_word(),
            ],
            &[assets, shares],
        );
        Ok(())
    }
}
