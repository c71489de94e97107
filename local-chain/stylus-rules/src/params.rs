//! Nitro's Stylus parameters (ArbOS `StylusParams` defaults, `arbos/programs/params.go`) and
//! the ArbOS behaviour this crate follows.

/// ArbOS version whose rules are modelled: 60 (multi-value refused at activation, the
/// block's recently used programs priced as cached, `MaxWasmSize` and the 513-import limit
/// in force, stack depth capped at 22,000 words since ArbOS 50).
pub const ARBOS_VERSION: u64 = 60;
/// Stylus version (`params.Version` after the v2 upgrade).
pub const STYLUS_VERSION: u16 = 2;
/// Ink per gas (`initialInkPrice`).
pub const INK_PRICE: u64 = 10_000;
/// Maximum stack depth in words (`arbOS50MaxWasmSize`, the ArbOS 50 cap of
/// `initialStackDepth` = 4 * 65,536).
pub const MAX_STACK_DEPTH: u32 = 22_000;
/// Pages a transaction gets free (`InitialFreePages`).
pub const FREE_PAGES: u16 = 2;
/// Linear gas per page (`InitialPageGas`).
pub const PAGE_GAS: u16 = 1_000;
/// Page ramp (`initialPageRamp`; the exponential term is the precomputed table in
/// [`crate::memory`]).
pub const PAGE_RAMP: u64 = 620_674_314;
/// Largest memory a program may start with or open in a transaction, in pages
/// (`initialPageLimit`, 8 MiB).
pub const PAGE_LIMIT: u16 = 128;
/// `MinInitGas` in 128-gas units (`v2MinInitGas`: 69 * 128 = 8,832 gas).
pub const MIN_INIT_GAS: u8 = 69;
/// `MinCachedInitGas` in 32-gas units (`initialMinCachedGas`: 11 * 32 = 352 gas).
pub const MIN_CACHED_INIT_GAS: u8 = 11;
/// `InitCostScalar` in 2% units (50 = 100%).
pub const INIT_COST_SCALAR: u8 = 50;
/// `CachedCostScalar` in 2% units (50 = 100%).
pub const CACHED_COST_SCALAR: u8 = 50;
/// Days until an activation expires (`initialExpiryDays`).
pub const EXPIRY_DAYS: u16 = 365;
/// Days before `codehashKeepalive` is allowed (`initialKeepaliveDays`).
pub const KEEPALIVE_DAYS: u16 = 31;
/// Programs of the block's recent-use list priced as cached (`initialRecentCacheSize`).
pub const BLOCK_CACHE_SIZE: u16 = 32;
/// Largest decompressed WASM (`initialMaxWasmSize`, 128 KiB).
pub const MAX_WASM_SIZE: usize = 128 * 1024;
/// Units of `MinInitGas` / `MinCachedInitGas` / the scalars (`MinInitGasUnits`,
/// `MinCachedGasUnits`, `CostScalarPercent`).
pub const MIN_INIT_GAS_UNITS: u64 = 128;
pub const MIN_CACHED_GAS_UNITS: u64 = 32;
pub const COST_SCALAR_PERCENT: u64 = 2;
/// Gas `ArbWasm.activateProgram` burns before compiling (`precompiles/ArbWasm.go`).
pub const ACTIVATION_FIXED_GAS: u64 = 1_659_168;
/// The day Arbitrum began (`ArbitrumStartTime`), the origin of activation hours.
pub const ARBITRUM_START_TIME: u64 = 1_421_388_000;
