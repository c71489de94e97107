//! Conversions for the property tests: operations on a converting community's price feed
//! and swap router, a mirror of what the ledger does with harvested assets (convert and
//! close the epoch, or keep it sealed for a retry, or revert whole on a router that pays
//! short), and the check that a closed epoch's output reaches exactly its members and
//! the pool.
use alloy_primitives::I256;
use alloy_sol_types::SolCall;
use local_chain::{Address, Receipt, U256};
use proptest::{prelude::*, test_runner::TestCaseError};

use crate::common::{
    abi::{
        feed::IMockPriceFeed,
        ledger::{IComputeLedger, IComputeLedgerEvents},
        router::IMockSwapRouter,
    },
    community::*,
};

/// What a price operation does to the feed or the router.
#[derive(Clone, Copy, Debug)]
pub enum PriceMove {
    /// The fair price, updated now.
    Fresh,
    /// `bps` of the fair price, updated now (the router keeps its rate).
    Moved(u16),
    /// A zero answer.
    Zero,
    /// The fair price, updated just over the maximum age ago.
    Stale,
    /// The fair price, updated in the future.
    Future,
    /// A price above the accepted bounds.
    OutOfBounds,
    /// The router pays `bps` of the fair rate.
    RouterRate(u16),
    /// The router ignores the minimum (dishonest) or honours it.
    IgnoreMinimum(bool),
}

pub fn price_move() -> impl Strategy<Value = PriceMove> {
    prop_oneof![
        4 => Just(PriceMove::Fresh),
        1 => (5_000u16..=15_000).prop_map(PriceMove::Moved),
        1 => Just(PriceMove::Zero),
        1 => Just(PriceMove::Stale),
        1 => Just(PriceMove::Future),
        1 => Just(PriceMove::OutOfBounds),
        2 => (9_700u16..=10_100).prop_map(PriceMove::RouterRate),
        1 => any::<bool>().prop_map(PriceMove::IgnoreMinimum),
    ]
}

/// The feed's answer and the router's behaviour, as last set.
#[derive(Clone, Debug)]
pub struct Pricing {
    pub answer: i128,
    pub updated_at: u64,
    pub rate: U256,
    pub ignore_minimum: bool,
}

/// What converting an epoch's assets does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The epoch closes with this output.
    Converts(U256),
    /// The conversion is refused for this `reason` (`compute_ledger::reason`).
    Refused(u8),
    /// The router pays `paid` under `minimum`: the whole call reverts.
    ShortPaid { paid: U256, minimum: U256 },
}

/// `compute_ledger::reason`: the values a refusal logs.
pub mod reason {
    pub const ZERO_PRICE: u8 = 1;
    pub const STALE_PRICE: u8 = 2;
    pub const OUT_OF_BOUNDS: u8 = 3;
    pub const SWAP_FAILED: u8 = 5;
}

fn pow10(n: u8) -> U256 {
    U256::from(10u8).pow(U256::from(n))
}

impl Pricing {
    /// The state the community was deployed with.
    pub fn deployed(now: u64) -> Self {
        Pricing { answer: FAIR_PRICE, updated_at: now, rate: u(FAIR_RATE), ignore_minimum: false }
    }

    /// What converting `assets` at time `now` does, by the ledger's rules: a positive,
    /// fresh, in-bounds price, a minimum of the feed's price less the slippage, and a
    /// router paying at its rate (refusing less than the minimum unless dishonest).
    pub fn outcome(&self, assets: U256, now: u64) -> Outcome {
        if self.answer <= 0 {
            return Outcome::Refused(reason::ZERO_PRICE);
        }
        if self.updated_at > now || now - self.updated_at > MAX_PRICE_AGE {
            return Outcome::Refused(reason::STALE_PRICE);
        }
        let price = U256::from(self.answer as u128);
        if price < u(MIN_PRICE) || price > u(MAX_PRICE) {
            return Outcome::Refused(reason::OUT_OF_BOUNDS);
        }
        let expected = assets * pow10(PAYMENT_DECIMALS) * price / pow10(FEED_DECIMALS + 18);
        let minimum = expected - expected * U256::from(SLIPPAGE_BPS) / U256::from(10_000);
        if minimum.is_zero() {
            return Outcome::Refused(reason::SWAP_FAILED);
        }
        let paid = assets * self.rate / u(ETH);
        match (paid >= minimum, self.ignore_minimum) {
            (true, _) => Outcome::Converts(paid),
            (false, false) => Outcome::Refused(reason::SWAP_FAILED),
            (false, true) => Outcome::ShortPaid { paid, minimum },
        }
    }

    /// Applies `mv` to the community's feed or router.
    pub fn apply(&mut self, c: &mut Community, conv: Conversion, mv: PriceMove) {
        let now = c.now();
        let mut answer = |p: &mut Self, answer: i128, at: u64| {
            let call = IMockPriceFeed::setAnswerCall {
                answer: I256::try_from(answer).unwrap(),
                updatedAt: U256::from(at),
            };
            ok(c.chain.call(ADMIN, conv.feed, U256::ZERO, call.abi_encode()), "feed");
            (p.answer, p.updated_at) = (answer, at);
        };
        match mv {
            PriceMove::Fresh => answer(self, FAIR_PRICE, now),
            PriceMove::Moved(bps) => answer(self, FAIR_PRICE * bps as i128 / 10_000, now),
            PriceMove::Zero => answer(self, 0, now),
            PriceMove::Stale => answer(self, FAIR_PRICE, now.saturating_sub(MAX_PRICE_AGE + 1)),
            PriceMove::Future => answer(self, FAIR_PRICE, now + 1),
            PriceMove::OutOfBounds => answer(self, MAX_PRICE as i128 + 1, now),
            PriceMove::RouterRate(bps) => {
                let rate = u(FAIR_RATE) * U256::from(bps) / U256::from(10_000);
                let call = IMockSwapRouter::setRateCall { rate };
                ok(c.chain.call(ADMIN, conv.router, U256::ZERO, call.abi_encode()), "rate");
                self.rate = rate;
            }
            PriceMove::IgnoreMinimum(ignore) => {
                let call = IMockSwapRouter::setIgnoreMinimumCall { ignore };
                ok(c.chain.call(ADMIN, conv.router, U256::ZERO, call.abi_encode()), "dishonest");
                self.ignore_minimum = ignore;
            }
        }
    }
}

/// One epoch's fate in a harvest or a conversion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    Closed { assets: U256, output: U256 },
    Deferred { assets: U256, reason: u8 },
}

impl Fate {
    /// `closed`, or `deferred` and the reason.
    pub fn label(&self) -> String {
        match self {
            Fate::Closed { .. } => "closed".into(),
            Fate::Deferred { reason, .. } => format!("deferred {reason}"),
        }
    }
}

/// The ledger's harvested assets, mirrored: the sealed epoch waiting for its conversion
/// (at most one) and everything harvested and not yet converted.
#[derive(Clone, Debug, Default)]
pub struct Waiting {
    pub sealed: Option<U256>,
    pub unconverted: U256,
}

impl Waiting {
    /// A harvest of `assets`, by the ledger's rules: a waiting epoch converts first, and
    /// while it cannot, the new assets wait in the open epoch; else the open epoch seals
    /// with everything unconverted and converts, or waits. `pricing` None: the payment
    /// token is the asset, so every conversion is 1:1. Err: a router paid short, and the
    /// whole harvest reverts.
    pub fn harvest(
        &mut self,
        pricing: Option<&Pricing>,
        assets: U256,
        now: u64,
    ) -> Result<Vec<Fate>, Outcome> {
        let mut next = self.clone();
        let mut fates = Vec::new();
        next.unconverted += assets;
        if let Some(s) = next.sealed {
            match next.convert_sealed(pricing, s, now)? {
                f @ Fate::Deferred { .. } => {
                    fates.push(f);
                    *self = next;
                    return Ok(fates);
                }
                f => fates.push(f),
            }
        }
        if !next.unconverted.is_zero() {
            let open = next.unconverted;
            next.sealed = Some(open);
            fates.push(next.convert_sealed(pricing, open, now)?);
        }
        *self = next;
        Ok(fates)
    }

    /// `convert()`: the waiting epoch converts, or the call reverts (refused or short).
    pub fn convert(&mut self, pricing: Option<&Pricing>, now: u64) -> Result<Fate, Outcome> {
        let s = self.sealed.expect("an epoch waits");
        let mut next = self.clone();
        match next.convert_sealed(pricing, s, now)? {
            Fate::Deferred { reason, .. } => Err(Outcome::Refused(reason)),
            f => {
                *self = next;
                Ok(f)
            }
        }
    }

    fn convert_sealed(
        &mut self,
        pricing: Option<&Pricing>,
        assets: U256,
        now: u64,
    ) -> Result<Fate, Outcome> {
        let outcome = pricing.map_or(Outcome::Converts(assets), |p| p.outcome(assets, now));
        match outcome {
            Outcome::Converts(output) => {
                self.sealed = None;
                self.unconverted -= assets;
                Ok(Fate::Closed { assets, output })
            }
            Outcome::Refused(reason) => Ok(Fate::Deferred { assets, reason }),
            short => Err(short),
        }
    }
}

/// The epochs a receipt closed and deferred, in order, as the ledger logged them.
pub fn logged_fates(r: &Receipt) -> Vec<Fate> {
    let closed = r.events::<IComputeLedgerEvents::EpochClosed>();
    let deferred = r.events::<IComputeLedgerEvents::ConversionDeferred>();
    let mut fates: Vec<(U256, Fate)> = closed
        .iter()
        .map(|e| (e.epoch, Fate::Closed { assets: e.assets, output: e.output }))
        .chain(
            deferred
                .iter()
                .map(|e| (e.epoch, Fate::Deferred { assets: e.assets, reason: e.reason })),
        )
        .collect();
    fates.sort_by_key(|(epoch, _)| *epoch);
    fates.into_iter().map(|(_, f)| f).collect()
}

/// Payment tokens the epochs a receipt closed gave members, and the pool.
pub fn closed_output(r: &Receipt) -> (U256, U256) {
    r.events::<IComputeLedgerEvents::EpochClosed>()
        .iter()
        .fold((U256::ZERO, U256::ZERO), |(m, p), e| (m + e.members, p + e.pool))
}

/// Spendable credits and pending (unconverted) yield of every holder, read together.
pub struct Credits {
    pub spendable: Vec<U256>,
    pub pending: Vec<U256>,
}

impl Credits {
    pub fn read(c: &mut Community, holders: &[Address]) -> Self {
        let spendable = holders.iter().map(|&h| c.spendable(h)).collect();
        let pending = holders
            .iter()
            .map(|&h| c.chain.read(c.ledger, &IComputeLedger::pendingCall { account: h }).unwrap())
            .collect();
        Credits { spendable, pending }
    }
}

/// The closed epochs' output reached exactly their members and the pool: the pool's
/// credits grew by the pool's part, the members' by their part less at most one unit
/// each of rounding per epoch. `pool` is the index of the pool account in `holders`.
pub fn check_output_reached_members(
    before: &Credits,
    after: &Credits,
    r: &Receipt,
    pool: usize,
    ctx: &str,
) -> Result<(), TestCaseError> {
    let (members, pool_part) = closed_output(r);
    let epochs = r.events::<IComputeLedgerEvents::EpochClosed>().len();
    let gain = |i: usize| after.spendable[i] - before.spendable[i];
    for i in 0..before.spendable.len() {
        prop_assert!(
            after.spendable[i] >= before.spendable[i],
            "{}: holder {} lost credits",
            ctx,
            i
        );
    }
    prop_assert_eq!(gain(pool), pool_part, "{}: the pool's part", ctx);
    let got =
        (0..before.spendable.len()).filter(|&i| i != pool).fold(U256::ZERO, |a, i| a + gain(i));
    let slack = U256::from(epochs * before.spendable.len());
    prop_assert!(
        got <= members && got + slack >= members,
        "{}: members got {} of the {} their epochs gave them",
        ctx,
        got,
        members
    );
    Ok(())
}

/// After `convert()` closed the waiting epoch: each holder's credits grew in proportion
/// of the epoch's yield attributed to it (its pending yield fell by that much), so
/// holders with none of it got nothing. With `y_i` the fall of holder `i`'s pending
/// yield (each floored, so the epoch's yield is at least `Σ y - n`) and `M` the members'
/// output: `gain_i * (Σ y - n) <= M * (y_i + 1)`.
pub fn check_output_proportional(
    before: &Credits,
    after: &Credits,
    r: &Receipt,
    pool: usize,
    ctx: &str,
) -> Result<(), TestCaseError> {
    let (members, _) = closed_output(r);
    let n = U256::from(before.pending.len());
    let fell: Vec<U256> =
        before.pending.iter().zip(&after.pending).map(|(b, a)| b.saturating_sub(*a)).collect();
    for (i, (b, a)) in before.pending.iter().zip(&after.pending).enumerate() {
        prop_assert!(a <= b, "{}: holder {}'s pending yield grew in a conversion", ctx, i);
    }
    let total = fell.iter().fold(U256::ZERO, |a, b| a + b);
    if total <= n {
        return Ok(());
    }
    for i in (0..fell.len()).filter(|&i| i != pool) {
        let gain = after.spendable[i] - before.spendable[i];
        prop_assert!(
            gain * (total - n) <= members * (fell[i] + U256::from(1u8)),
            "{}: holder {} got {} of {} for {} of {} yield",
            ctx,
            i,
            gain,
            members,
            fell[i],
            total
        );
    }
    Ok(())
}

/// Checks a harvest's or a conversion's logged fates against the mirror's.
pub fn check_fates(r: &Receipt, want: &[Fate], ctx: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(logged_fates(r), want.to_vec(), "{}: epochs closed and deferred", ctx);
    Ok(())
}

/// The asset a router holds (what it bought) and the payment tokens it paid out.
pub fn router_flows(c: &mut Community) -> (U256, U256) {
    match c.conversion {
        Some(conv) => (c.weth_of(conv.router), u(ROUTER_FUNDS) - c.payment_of(conv.router)),
        None => (U256::ZERO, U256::ZERO),
    }
}

/// The router a conversion goes through, as `SwapShortPaid` names it.
pub fn router_of(c: &Community) -> Address {
    c.conversion.map_or(Address::ZERO, |conv| conv.router)
}
