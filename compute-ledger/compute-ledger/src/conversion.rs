//! Harvest conversion: the harvested asset becomes payment tokens through the swap
//! router, with a minimum output priced from the feed.
//!
//! The price must be positive, no older than `max_age`, not in the future and within
//! `[min_answer, max_answer]`; the router must pay at least the feed's price less
//! `slippage_bps` (at most [`MAX_SLIPPAGE_BPS`]). With a sequencer uptime feed set, no
//! price is trusted while the L2 sequencer is down or within the grace period after it
//! came back. With `keeper_only`, only a keeper's [`ComputeLedger::convert`] swaps, so
//! no one else chooses the moment of a conversion (a sandwich's best moment). Any refusal
//! leaves the asset in the ledger and the epoch sealed, so a later harvest or
//! [`ComputeLedger::convert`] retries. A router that succeeds yet pays under the minimum
//! it was given is not a refusal: its effects stand, so the whole call reverts
//! (`SwapShortPaid`).

use alloy_sol_types::{SolCall, SolEvent};
use compute_fi_contracts::{
    interfaces::ledger::{
        exactInputSingleCall, ExactInputSingleParams, IAggregatorV3, IErc20Calls, IErc20View,
    },
    math::{bps_of, mul_div, Rounding},
};
use stylus_sdk::{
    alloy_primitives::{Address, Uint, I256, U256},
    call,
    prelude::*,
};

use crate::{
    accumulator::Sealed,
    errors::{
        invalid, mul, overflow, read_failed, token_ok, ConversionRefused, Error,
        SlippageAboveLimit, SwapShortPaid,
    },
    events::{emit, word},
    ComputeLedger, ConversionConfigured, ConversionGuardsConfigured,
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
    /// The router reverted (a router that succeeds paying less than the minimum reverts
    /// the whole call with `SwapShortPaid`), or the price values the asset at nothing.
    pub const SWAP_FAILED: u8 = 5;
    /// No router or feed is configured.
    pub const NOT_CONFIGURED: u8 = 6;
    /// The L2 sequencer is down (or its uptime feed has no round yet).
    pub const SEQUENCER_DOWN: u8 = 7;
    /// The L2 sequencer came back less than the grace period ago: prices may be stale.
    pub const SEQUENCER_GRACE: u8 = 8;
    /// Only a keeper converts (`convert`); the harvest left the swap to it.
    pub const KEEPER_ONLY: u8 = 9;
}

/// The widest slippage the admin may allow (1%): a sandwich of a conversion can take at
/// most this much of it.
pub const MAX_SLIPPAGE_BPS: u16 = 100;

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
        if c.slippage_bps > MAX_SLIPPAGE_BPS {
            return Err(Error::SlippageAboveLimit(SlippageAboveLimit {
                slippageBps: c.slippage_bps,
                limitBps: MAX_SLIPPAGE_BPS,
            }));
        }
        if c.min_answer > c.max_answer {
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

    /// The keeper-only option and the L2 sequencer uptime check (`sequencer_feed` zero:
    /// none).
    pub(crate) fn configure_guards(
        &mut self,
        keeper_only: bool,
        sequencer_feed: Address,
        grace_period: u64,
    ) {
        self.keeper_only.set(keeper_only);
        self.sequencer_feed.set(sequencer_feed);
        self.grace_period.set(Uint::from(grace_period));
        emit(
            self.vm(),
            &[ConversionGuardsConfigured::SIGNATURE_HASH],
            &[
                word(U256::from(keeper_only as u8)),
                sequencer_feed.into_word().0,
                word(U256::from(grace_period)),
            ],
        );
    }

    /// Converts the assets of sealed epoch `s` and closes it; `by_keeper`: the caller
    /// holds `KEEPER_ROLE` (checked by `convert`).
    pub(crate) fn convert_and_close(&mut self, s: &Sealed, by_keeper: bool) -> Result<(), Error> {
        let assets = s.assets;
        let payment = self.payment.get();
        let asset = self.asset.get();
        let output =
            if asset == payment { assets } else { self.swap(asset, payment, assets, by_keeper)? };
        self.close_epoch(s, output)
    }

    /// Refuses a price while the L2 sequencer is down or within the grace period after
    /// it came back (Chainlink's uptime feed: answer 0 up, 1 down; `startedAt` when the
    /// status last changed, 0 before its first round).
    fn check_sequencer(&self, now: U256) -> Result<(), Error> {
        let feed = self.sequencer_feed.get();
        if feed.is_zero() {
            return Ok(());
        }
        let Ok((_, answer, started_at, _, _)) = IAggregatorV3::new(feed).latest_round_data(self)
        else {
            return Err(refused(reason::SEQUENCER_DOWN, I256::ZERO, U256::ZERO));
        };
        if !answer.is_zero() || started_at.is_zero() {
            return Err(refused(reason::SEQUENCER_DOWN, answer, started_at));
        }
        let grace = U256::from(self.grace_period.get());
        if now.saturating_sub(started_at) < grace {
            return Err(refused(reason::SEQUENCER_GRACE, answer, started_at));
        }
        Ok(())
    }

    /// Swaps `amount_in` of `asset` into `payment` through the router with a minimum
    /// output from the price feed; returns what arrived.
    fn swap(
        &mut self,
        asset: Address,
        payment: Address,
        amount_in: U256,
        by_keeper: bool,
    ) -> Result<U256, Error> {
        if self.keeper_only.get() && !by_keeper {
            return Err(refused(reason::KEEPER_ONLY, I256::ZERO, U256::ZERO));
        }
        let router = self.router.get();
        let feed_addr = self.feed.get();
        if router.is_zero() || feed_addr.is_zero() {
            return Err(refused(reason::NOT_CONFIGURED, I256::ZERO, U256::ZERO));
        }
        let now = U256::from(self.vm().block_timestamp());
        self.check_sequencer(now)?;
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
        // The slippage allowance rounds down, so the minimum rounds up: on dust a floored
        // minimum would let through a router paying far beyond the slippage (1 of 2).
        let allowance =
            bps_of(expected, self.slippage_bps.get().to::<u16>()).ok_or_else(overflow)?;
        let min_out = expected.saturating_sub(allowance);
        // Dust the price values at nothing waits for more: asked for at least 0, a router
        // would take it and pay nothing, and the refusal below would come after the
        // assets had left.
        if min_out.is_zero() {
            return Err(refused(reason::SWAP_FAILED, answer, updated_at));
        }
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
        if !swapped {
            // The failed call reverted the router's effects: the asset is still here.
            return Err(refused(reason::SWAP_FAILED, answer, updated_at));
        }
        if out < min_out {
            // The router kept its effects (the asset is gone) yet broke its minimum: a
            // deferral would count an asset the ledger no longer holds, so revert it all.
            return Err(Error::SwapShortPaid(SwapShortPaid {
                router,
                paid: out,
                minimum: min_out,
            }));
        }
        Ok(out)
    }
}
