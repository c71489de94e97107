//! The admin's parameters: minimum bond, unbonding delay, challenge window, the
//! arbiter's time after it (`disputeWindow`: then an unresolved dispute settles by
//! default, see [`crate::disputes`]), minimum time a provider gets before a cancel (at
//! least one second whatever its value), gas for consumer callbacks, and the most of a
//! bond one upheld dispute slashes. Windows may be zero (every path reachable at once)
//! and at most [`MAX_WINDOW`].

use compute_fi_contracts::{access::ADMIN_ROLE, math::BPS};
use stylus_sdk::{
    alloy_primitives::{U16, U256, U64},
    prelude::*,
};

use crate::{
    errors::{invalid, Error, WindowTooLong},
    JobMarket, ParamsSet,
};

/// The longest unbonding delay, challenge window or dispute window: 90 days. Past a
/// window's end a bond is withdrawable and a job or dispute settles by default; a longer
/// one, set on a key governance holds, could hold them for ever.
pub const MAX_WINDOW: u64 = 90 * 86_400;

#[allow(clippy::too_many_arguments)]
pub(crate) fn set_params(
    m: &mut JobMarket,
    min_bond: U256,
    unbond_delay: u64,
    challenge_window: u64,
    dispute_window: u64,
    min_window: u64,
    callback_gas: u64,
    slash_bps: u16,
) -> Result<(), Error> {
    m.only_role(ADMIN_ROLE)?;
    if u64::from(slash_bps) > BPS {
        return Err(invalid());
    }
    for window in [unbond_delay, challenge_window, dispute_window] {
        if window > MAX_WINDOW {
            return Err(Error::WindowTooLong(WindowTooLong { window, limit: MAX_WINDOW }));
        }
    }
    m.min_bond.set(min_bond);
    m.unbond_delay.set(U64::from(unbond_delay));
    m.window.set(U64::from(challenge_window));
    m.dispute_window.set(U64::from(dispute_window));
    m.min_window.set(U64::from(min_window));
    m.callback_gas.set(U64::from(callback_gas));
    m.slash_bps.set(U16::from(slash_bps));
    log(
        m.vm(),
        ParamsSet {
            minBond: min_bond,
            unbondDelay: unbond_delay,
            challengeWindow: challenge_window,
            disputeWindow: dispute_window,
            minWindow: min_window,
            callbackGas: callback_gas,
            slashBps: slash_bps,
        },
    );
    Ok(())
}
