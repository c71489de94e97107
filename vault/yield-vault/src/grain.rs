//! The source's grain: a source share must be worth no more than the rounding the vault
//! accepts. A source rounds each deposit and withdrawal by up to one of its shares; in a
//! thin source (the vault nearly its only holder) a donation can make one share worth a
//! fortune, and then a deposit is credited far below its value and a harvest burns a
//! whole share for a little yield, the rest going to the source's other holders. Such a
//! deposit or harvest is refused (`SourceTooCoarse`); exits are not (the guardian's
//! emergency withdrawal redeems every source share, exactly, and exits go on from idle).

use alloy_sol_types::SolCall;
use compute_fi_contracts::interfaces::vault::IYieldSource;
use stylus_sdk::alloy_primitives::U256;

use crate::{
    attribution::rounding_reserve,
    calls::first_word,
    errors::{Error, SourceTooCoarse},
    YieldVault,
};

impl YieldVault {
    /// Refuses moving `assets` through the source while one source share is worth more
    /// than their rounding bound (`rounding_reserve(assets)`: 1,000 units and a part per
    /// billion).
    #[inline(never)]
    pub(crate) fn check_grain(&self, assets: U256) -> Result<(), Error> {
        let source = self.source.get();
        let answer = self.view_call(
            source,
            &IYieldSource::convertToAssetsCall { shares: U256::from(1u8) }.abi_encode(),
        )?;
        let share_worth = first_word(source, &answer)?;
        let bound = rounding_reserve(assets);
        if share_worth > bound {
            return Err(Error::SourceTooCoarse(SourceTooCoarse {
                source,
                shareWorth: share_worth,
                bound,
            }));
        }
        Ok(())
    }
}
