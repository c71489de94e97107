//! Harvest conversion: the harvested asset becomes payment tokens through the swap
//! router, with a minimum output priced from the feed.
//!
//! The price must be positive, no older than `max_age`, not in the future and within
//! `[min_answer, max_answer]`; the router must pay at least the feed's price less
//! `slippage_bps`. Any refusal leaves the asset in the ledger and the epoch open, so a
//! later harvest or [`ComputeLedger::convert`] retries.

use alloy_sol_types::{SolCall, SolEvent};
use compute_fi_contracts::{
    interfaces::ledger::{
        exactInputSingleCall, ExactInputSingleParams, IAggregatorV3, IErc20Calls, IErc20View,
    },
    math::{bps_of, mul_div, Rounding, BPS},
};
use stylus_sdk::{
    alloy_primitives::{Address, Uint, I256, U256},
    call,
    prelude::*,
};

use crate::{
    errors::{invalid, mul, overflow, read_failed, token_ok, ConversionRefused, Error},
    events::{emit, word},
    ComputeLedger, ConversionConfigured,
};

/// Why a conversion was refused (the `reason` of [`ConversionRefused`] and
/// [`crate::ConversionDeferred`]).
pub mod reason {
    /// The feed answered zero or a negative price.
    pub const ZERO_PRICE: u8 = 1;
    /// The feed's last update is older than the configured maximum age.
    pub const STALE_PRICE: u8 = 2;
    /// The price is outside the configured bounds.
    pub const OUT_OF_BOUNDS: u8 = 3;
    /// The feed could not be read.
    pub const FEED_FAILED: u8 = 4;
    /// The router reverted or paid less than the minimum output.
    pub const SWAP_FAILED: u8 = 5;
    /// No router or feed is configured.
    pub const NOT_CONFIGURED: u8 = 6;
}

/// `10^n`, checked.
fn pow10(n: u8) -> Result<U256, Error> {
    let mut x = U256::from(1u8);
    for _ in 0..n {
        x = mul(x, U256::from(10u8))?;
    }
    Ok(x)
}

fn refused(reason: u8, answer: I256, updated_at: U256) -> Error {
    Error::ConversionRefused(ConversionRefused { reason, answer, updatedAt: updated_at })
}

/// The conversion settings [`ComputeLedger::configure_conversion`] takes.
pub(crate) struct ConversionSettings {
    pub router: Address,
    pub fee: Uint<24, 1>,
    pub feed: Address,
    pub max_age: u64,
    pub slippage_bps: u16,
    pub min_answer: U256,
    pub max_answer: U256,
}

impl ComputeLedger {
    /// Stores the conversion settings and the price scaling read from the feed's and the
    /// tokens' decimals.
    pub(crate) fn configure_conversion(&mut self, c: ConversionSettings) -> Result<(), Error> {
        if u64::from(c.slippage_bps) > BPS || c.min_answer > c.max_answer {
            return Err(invalid());
        }
        let dec = |s: &Self, a: Address| IErc20View::new(a).decimals(s).map_err(|_| read_failed(a));
        let feed_dec =
            IAggregatorV3::new(c.feed).decimals(&*self).map_err(|_| read_failed(c.feed))?;
        let asset_dec = dec(self, self.asset.get())?;
        let pay_dec = dec(self, self.payment.get())?;
        self.price_num.set(pow10(pay_dec)?);
        self.price_den.set(pow10(feed_dec.saturating_add(asset_dec))?);
        self.router.set(c.router);
        self.fee.set(c.fee);
        self.feed.set(c.feed);
        self.max_age.set(Uint::from(c.max_age));
        self.slippage_bps.set(Uint::from(c.slippage_bps));
        self.min_answer.set(c.min_answer);
        self.max_answer.set(c.max_answer);
        emit(
            self.vm(),
            &[ConversionConfigured::SIGNATURE_HASH],
            &[
                c.router.into_word().0,
                word(U256::from(c.fee)),
                c.feed.into_word().0,
                word(U256::from(c.max_age)),
                word(U256::from(c.slippage_bps)),
                word(c.min_answer),
                word(c.max_answer),
            ],
        );
        Ok(())
    }

    /// Converts every unconverted asset and closes the open epoch.
    pub(crate) fn convert_and_close(&mut self) -> Result<(), Error> {
        let assets = self.unconverted.get();
        let payment = self.payment.get();
        let asset = self.asset.get();
        let output = if asset == payment { assets } else { self.swap(asset, payment, assets)? };
        self.close_epoch(assets, output)
    }

    /// Swaps `amount_in` of `asset` into `payment` through the router with a minimum
    /// output from the price feed; returns what arrived.
    fn swap(&mut self, asset: Address, payment: Address, amount_in: U256) -> Result<U256, Error> {
        let router = self.router.get();
        let feed_addr = self.feed.get();
        if router.is_zero() || feed_addr.is_zero() {
            return Err(refused(reason::NOT_CONFIGURED, I256::ZERO, U256::ZERO));
        }
        let Ok((_, answer, _, updated_at, _)) =
            IAggregatorV3::new(feed_addr).latest_round_data(&*self)
        else {
            return Err(refused(reason::FEED_FAILED, I256::ZERO, U256::ZERO));
        };
        if answer.is_negative() || answer.is_zero() {
            return Err(refused(reason::ZERO_PRICE, answer, updated_at));
        }
        // answer > 0 here, so its two's complement is its value.
        let price = answer.into_raw();
        let now = U256::from(self.vm().block_timestamp());
        let max_age = U256::from(self.max_age.get());
        if updated_at > now || now.saturating_sub(updated_at) > max_age {
            return Err(refused(reason::STALE_PRICE, answer, updated_at));
        }
        if price < self.min_answer.get() || price > self.max_answer.get() {
            return Err(refused(reason::OUT_OF_BOUNDS, answer, updated_at));
        }
        let expected = mul_div(
            mul(amount_in, self.price_num.get())?,
            price,
            self.price_den.get(),
            Rounding::Down,
        )
        .ok_or_else(overflow)?;
        let min_out =
            bps_of(expected, (BPS as u16).saturating_sub(self.slippage_bps.get().to::<u16>()))
                .ok_or_else(overflow)?;
        let me = self.vm().contract_address();
        let before = self.balance_of(payment, me)?;
        let r = IErc20Calls::new(asset).approve(&mut *self, router, amount_in);
        token_ok(r, asset)?;
        let params = ExactInputSingleParams {
            tokenIn: asset,
            tokenOut: payment,
            fee: self.fee.get(),
            recipient: me,
            deadline: now,
            amountIn: amount_in,
            amountOutMinimum: min_out,
            sqrtPriceLimitX96: Uint::ZERO,
        };
        let data = exactInputSingleCall { params }.abi_encode();
        // stylus-sdk 0.9 offers no non-deprecated raw mutating call from `&mut self`.
        #[allow(deprecated)]
        let swapped = call::call(call::Call::new_in(self), router, &data).is_ok();
        // The router may have left part of the allowance unused: none outlives the swap.
        let r = IErc20Calls::new(asset).approve(&mut *self, router, U256::ZERO);
        token_ok(r, asset)?;
        let after = self.balance_of(payment, me)?;
        let out = after.saturating_sub(before);
        if !swapped || out < min_out || out.is_zero() {
            // A failed call reverted the router's effects; a short payer is refused too.
            return Err(refused(reason::SWAP_FAILED, answer, updated_at));
        }
        Ok(out)
    }
}
