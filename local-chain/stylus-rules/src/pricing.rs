//! Entry costs (init gas, cached or not), hostio ink and the activation data fee, as Nitro
//! prices them (`arbos/programs/programs.go`, `crates/arbutil/src/pricing.rs`,
//! `arbos/programs/data_pricer.go`).

use crate::params::*;

/// Ink of every hostio call (`HOSTIO_INK`).
pub const HOSTIO_INK: u64 = 8_400;
/// Extra ink per pointer argument (`PTR_INK` = 13,440 - 8,400).
pub const PTR_INK: u64 = 13_440 - HOSTIO_INK;
/// Extra ink of hostios that call into the EVM (`EVM_API_INK`).
pub const EVM_API_INK: u64 = 59_673;

/// Base ink of each hostio (`pricing::hostio`).
pub mod hostio {
    use super::{EVM_API_INK, HOSTIO_INK, PTR_INK};
    pub const READ_ARGS: u64 = HOSTIO_INK;
    pub const WRITE_RESULT: u64 = HOSTIO_INK;
    pub const STORAGE_LOAD: u64 = HOSTIO_INK + 2 * PTR_INK;
    pub const STORAGE_CACHE: u64 = HOSTIO_INK + 2 * PTR_INK;
    pub const STORAGE_FLUSH: u64 = HOSTIO_INK + EVM_API_INK;
    pub const TRANSIENT_LOAD: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    pub const TRANSIENT_STORE: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    pub const CALL_CONTRACT: u64 = HOSTIO_INK + 3 * PTR_INK + EVM_API_INK;
    pub const CREATE1: u64 = HOSTIO_INK + 3 * PTR_INK + EVM_API_INK;
    pub const CREATE2: u64 = HOSTIO_INK + 4 * PTR_INK + EVM_API_INK;
    pub const READ_RETURN_DATA: u64 = HOSTIO_INK + EVM_API_INK;
    pub const RETURN_DATA_SIZE: u64 = HOSTIO_INK;
    pub const EMIT_LOG: u64 = HOSTIO_INK + EVM_API_INK;
    pub const ACCOUNT_BALANCE: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    pub const ACCOUNT_CODE: u64 = HOSTIO_INK + EVM_API_INK;
    pub const ACCOUNT_CODE_SIZE: u64 = HOSTIO_INK + EVM_API_INK;
    pub const ACCOUNT_CODE_HASH: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    pub const BLOCK_BASEFEE: u64 = HOSTIO_INK + PTR_INK;
    pub const BLOCK_COINBASE: u64 = HOSTIO_INK + PTR_INK;
    pub const BLOCK_GAS_LIMIT: u64 = HOSTIO_INK;
    pub const BLOCK_NUMBER: u64 = HOSTIO_INK;
    pub const BLOCK_TIMESTAMP: u64 = HOSTIO_INK;
    pub const CHAIN_ID: u64 = HOSTIO_INK;
    pub const ADDRESS: u64 = HOSTIO_INK + PTR_INK;
    pub const EVM_GAS_LEFT: u64 = HOSTIO_INK;
    pub const EVM_INK_LEFT: u64 = HOSTIO_INK;
    pub const MSG_REENTRANT: u64 = HOSTIO_INK;
    pub const MSG_SENDER: u64 = HOSTIO_INK + PTR_INK;
    pub const MSG_VALUE: u64 = HOSTIO_INK + PTR_INK;
    pub const TX_GAS_PRICE: u64 = HOSTIO_INK + PTR_INK;
    pub const TX_INK_PRICE: u64 = HOSTIO_INK;
    pub const TX_ORIGIN: u64 = HOSTIO_INK + PTR_INK;
    pub const PAY_FOR_MEMORY_GROW: u64 = HOSTIO_INK;
}

/// Ink to write `bytes` into the program's memory (`write_price`).
pub fn write_price(bytes: u32) -> u64 {
    5_040u64.saturating_add(30u64.saturating_mul(bytes.saturating_sub(32) as u64))
}

/// Ink to read `bytes` out of the program's memory (`read_price`).
pub fn read_price(bytes: u32) -> u64 {
    16_381u64.saturating_add(55u64.saturating_mul(bytes.saturating_sub(32) as u64))
}

/// Ink of `native_keccak256` over `bytes` (`keccak_price`; no base hostio ink).
pub fn keccak_price(bytes: u32) -> u64 {
    let words = (bytes as u64).div_ceil(32).saturating_sub(2);
    121_800u64.saturating_add(21_000u64.saturating_mul(words))
}

/// Storage-cache read surcharge by the frame's read count (`StorageCache::read_gas`).
pub fn cache_read_gas(reads: usize) -> u64 {
    match reads {
        0..=32 => 0,
        33..=128 => 2,
        _ => 10,
    }
}

/// Storage-cache write surcharge by the frame's write count (`StorageCache::write_gas`).
pub fn cache_write_gas(writes: usize) -> u64 {
    match writes {
        0..=8 => 0,
        9..=64 => 7,
        _ => 10,
    }
}

/// `StorageCache::REQUIRED_ACCESS_GAS`.
pub const REQUIRED_ACCESS_GAS: u64 = 10;
/// `SSTORE_SENTRY_GAS`.
pub const SSTORE_SENTRY_GAS: u64 = 2_300;

/// Gas to enter a program that is not cached (`Program.initGas`):
/// `MinInitGas * 128 + ceil(init_cost * InitCostScalar * 2 / 100)`.
pub fn init_gas(init_cost: u16) -> u64 {
    let base = MIN_INIT_GAS as u64 * MIN_INIT_GAS_UNITS;
    let dyno = (init_cost as u64).saturating_mul(INIT_COST_SCALAR as u64 * COST_SCALAR_PERCENT);
    base.saturating_add(dyno.div_ceil(100))
}

/// Gas every entry pays, cached or not, from Stylus v2 (`Program.cachedGas`):
/// `MinCachedInitGas * 32 + ceil(cached_init_cost * CachedCostScalar * 2 / 100)`.
pub fn cached_gas(cached_init_cost: u16) -> u64 {
    let base = MIN_CACHED_INIT_GAS as u64 * MIN_CACHED_GAS_UNITS;
    let dyno =
        (cached_init_cost as u64).saturating_mul(CACHED_COST_SCALAR as u64 * COST_SCALAR_PERCENT);
    base.saturating_add(dyno.div_ceil(100))
}

/// Entry gas of a call (`Programs.CallProgram`, Stylus v2): the memory model's price of the
/// program's footprint, the cached gas always, and the init gas unless the program is
/// cached (CacheManager or recently used in the block).
pub fn entry_gas(init_cost: u16, cached_init_cost: u16, cached: bool, memory_gas: u64) -> u64 {
    let mut cost = memory_gas.saturating_add(cached_gas(cached_init_cost));
    if !cached {
        cost = cost.saturating_add(init_gas(init_cost));
    }
    cost
}

/// EVM memory cost of `size` bytes (`evmMemoryCost`): what returning data costs a Stylus
/// frame since ArbOS 31.
pub fn evm_memory_cost(size: u64) -> u64 {
    let words = size.div_ceil(32);
    words.saturating_mul(3).saturating_add(words.saturating_mul(words) / 512)
}

/// `ApproxExpBasisPoints(value, accuracy)` for non-negative `value` (bips).
pub fn approx_exp_bips(value: u64, accuracy: u64) -> u64 {
    let b = 10_000u64;
    let x = value;
    let mut res = b + x / accuracy;
    let mut i = accuracy - 1;
    while i > 0 {
        res = b + res.saturating_mul(x) / (i * b);
        i -= 1;
    }
    res.min(i64::MAX as u64)
}

/// The activation data pricer (`DataPricer`): demand in bytes decays at `bytes_per_second`;
/// the price per byte is `min_price * e^(demand / inertia)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DataPricer {
    pub demand: u32,
    pub bytes_per_second: u32,
    pub last_update_time: u64,
    pub min_price: u32,
    pub inertia: u32,
}

impl Default for DataPricer {
    /// Nitro's initial values: no demand, 1 TiB a year refilled per second, 82,928,201 wei
    /// per byte minimum, inertia 21,360,419.
    fn default() -> Self {
        let hourly = (1u64 << 40) / (365 * 24);
        Self {
            demand: 0,
            bytes_per_second: (hourly / 3600) as u32,
            last_update_time: ARBITRUM_START_TIME,
            min_price: 82_928_201,
            inertia: 21_360_419,
        }
    }
}

impl DataPricer {
    /// Adds `temp_bytes` of demand at `time` and returns the fee in wei (`UpdateModel`).
    pub fn update(&mut self, temp_bytes: u32, time: u64) -> u128 {
        let passed = time.saturating_sub(self.last_update_time).min(u32::MAX as u64) as u32;
        let credit = self.bytes_per_second.saturating_mul(passed);
        self.demand = self.demand.saturating_sub(credit).saturating_add(temp_bytes);
        self.last_update_time = time;
        let exponent = 10_000u64 * self.demand as u64 / self.inertia as u64;
        let multiplier = approx_exp_bips(exponent, 12);
        let cost_per_byte = (self.min_price as u64).saturating_mul(multiplier) / 10_000;
        cost_per_byte.saturating_mul(temp_bytes as u64) as u128
    }
}

/// Hours since Arbitrum began (`hoursSinceArbitrum`, 24-bit).
pub fn hours_since_arbitrum(time: u64) -> u32 {
    (time.saturating_sub(ARBITRUM_START_TIME) / 3600).min((1 << 24) - 1) as u32
}

/// A program's age in seconds from its activation hour (`hoursToAge`).
pub fn hours_to_age(time: u64, hours: u32) -> u64 {
    time.saturating_sub(ARBITRUM_START_TIME.saturating_add(hours as u64 * 3600))
}

/// Seconds per day.
pub const DAY: u64 = 86_400;

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostio base prices as `pricing.rs` composes them.
    #[test]
    fn hostio_ink() {
        assert_eq!(PTR_INK, 5_040);
        assert_eq!(hostio::STORAGE_LOAD, 18_480);
        assert_eq!(hostio::STORAGE_FLUSH, 68_073);
        assert_eq!(hostio::CALL_CONTRACT, 83_193);
        assert_eq!(hostio::CREATE2, 88_233);
        assert_eq!(hostio::MSG_SENDER, 13_440);
        assert_eq!(write_price(32), 5_040);
        assert_eq!(write_price(64), 5_040 + 30 * 32);
        assert_eq!(read_price(100), 16_381 + 55 * 68);
        assert_eq!(keccak_price(64), 121_800);
        assert_eq!(keccak_price(65), 121_800 + 21_000);
    }

    /// The comments on Nitro's defaults: "charge 69 * 128 = 8832 gas", "charge 11 * 32 =
    /// 352 gas", scalars 1:1.
    #[test]
    fn entry_costs() {
        assert_eq!(init_gas(0), 8_832);
        assert_eq!(cached_gas(0), 352);
        assert_eq!(init_gas(1_000), 9_832);
        assert_eq!(cached_gas(7), 359);
        assert_eq!(entry_gas(1_000, 7, false, 0), 9_832 + 359);
        assert_eq!(entry_gas(1_000, 7, true, 0), 359);
    }

    /// Nitro's `util/arbmath/math_test.go` `TestApproxExpBasisPoints` (accuracy 4), then
    /// the pricer's accuracy 12 against e^x.
    #[test]
    fn exp_bips() {
        for (input, expected) in
            [(0, 10_000), (500, 10_512), (2_000, 12_214), (10_000, 27_083), (20_000, 70_000)]
        {
            assert_eq!(approx_exp_bips(input, 4), expected, "{input}");
        }
        assert_eq!(approx_exp_bips(0, 12), 10_000);
        assert!((approx_exp_bips(10_000, 12) as i64 - 27_183).abs() <= 2);
        assert!((approx_exp_bips(20_000, 12) as i64 - 73_891).abs() <= 10);
    }

    /// Nitro's comment on the minimum price: "5Mb = $1"; a first activation with no demand
    /// pays the minimum price per byte.
    #[test]
    fn data_fee() {
        let mut p = DataPricer::default();
        assert_eq!(p.bytes_per_second, 34_865);
        let t = ARBITRUM_START_TIME + 10 * 365 * DAY;
        assert_eq!(p.update(1_000, t), 82_928_201 * 1_000);
        // Demand builds up within the same second: the price per byte rises.
        let fee = p.update(10_000_000, t);
        assert!(fee > 82_928_201 * 10_000_000, "{fee}");
    }

    #[test]
    fn ages() {
        let t = ARBITRUM_START_TIME + 3 * 3600 + 59;
        assert_eq!(hours_since_arbitrum(t), 3);
        assert_eq!(hours_to_age(t, 3), 59);
    }
}
