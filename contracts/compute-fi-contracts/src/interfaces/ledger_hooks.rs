//! How the vault tells the compute ledger about yield and share balances.
//!
//! The ledger keeps credits per account with a reward-per-share accumulator fed only by
//! these calls, so it never reads the vault back (a call back into the vault would be
//! reentrancy) and never loops over members. Only the configured vault may call them.
//!
//! Units: `yield_attributed` and `assets` are in the vault's asset; balances and supply
//! are vault shares.
//!
//! Order in the vault, for every operation that changes share balances: compute the yield
//! accrued since the last attribution (above principal and the high-water mark), call
//! `onSharesChanged` with the balances *before* the change, then change the balances.
//! The ledger first spreads `yield_attributed` over `total_supply_before` shares, then
//! settles `from` and `to` on their balances before the change. `from` is zero for a
//! mint, `to` is zero for a burn; both zero attributes yield only.
//!
//! At harvest the vault attributes what accrued, transfers `assets` of its asset to the
//! ledger (everything attributed and not yet harvested), then calls `onHarvest`. With a
//! total supply of zero, the ledger gives attributed yield to the community pool.

// sol_interface! gives each call the ABI's arguments plus the calling context: eight for
// onSharesChanged, which the hook's ABI fixes.
#![allow(clippy::too_many_arguments)]

use alloc::vec; // sol_interface! expands to `vec!`

use stylus_sdk::prelude::sol_interface;

sol_interface! {
    interface IComputeLedgerHooks {
        function onSharesChanged(address from, uint256 from_balance_before, address to, uint256 to_balance_before, uint256 total_supply_before, uint256 yield_attributed) external;
        function onHarvest(uint256 yield_attributed, uint256 total_supply, uint256 assets) external;
    }
}
