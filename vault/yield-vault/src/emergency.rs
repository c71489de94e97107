//! Emergency: the guardian pulls the whole source position back to idle and pauses; exits
//! go on from idle and deposits stay idle until `unpause` puts the idle asset back.

use alloy_sol_types::{SolCall, SolEvent};
use compute_fi_contracts::interfaces::vault::IYieldSource;
use stylus_sdk::{alloy_primitives::U256, prelude::*};

use crate::{
    calls::first_word,
    config::{IDLE_ONLY, PAUSED},
    errors::Error,
    events::EmergencyWithdrawn,
    YieldVault,
};

impl YieldVault {
    /// Redeems every source share to idle, sets idle-only and pauses (if not already).
    /// Returns the assets the source paid.
    pub(crate) fn withdraw_all_to_idle(&mut self) -> Result<U256, Error> {
        self.set_flag(IDLE_ONLY, true);
        if !self.flag(PAUSED) {
            self.set_paused(true)?;
        }
        let source = self.source.get();
        let this = self.vm().contract_address();
        let source_shares = self.source_shares()?;
        let assets = if source_shares.is_zero() {
            U256::ZERO
        } else {
            let answer = self.call_out(
                source,
                &IYieldSource::redeemCall { shares: source_shares, receiver: this, owner: this }
                    .abi_encode(),
                U256::ZERO,
                source_shares,
            )?;
            first_word(source, &answer)?
        };
        self.emit(&[EmergencyWithdrawn::SIGNATURE_HASH], &[source_shares, assets]);
        Ok(assets)
    }

    /// On unpause after an emergency: deposits go to the source again, and so does the
    /// idle asset; not into a source too coarse for it (see `grain`): then everything
    /// stays idle, and the vault runs on idle asset until a later unpause.
    pub(crate) fn reinvest_after_emergency(&mut self) -> Result<(), Error> {
        if self.flag(IDLE_ONLY) {
            self.set_flag(IDLE_ONLY, false);
            let idle = self.idle()?;
            if !idle.is_zero() {
                if self.check_grain(idle).is_err() {
                    // A coarse source: the asset stays idle (and deposits with it) until a
                    // later pause and unpause finds the source fine again.
                    self.set_flag(IDLE_ONLY, true);
                    return Ok(());
                }
                self.invest(idle)?;
            }
        }
        Ok(())
    }
}
