//! YieldVault: a principal-protected ERC-4626 vault whose yield funds compute credits.
//!
//! Shares are 1:1 with principal while the vault is solvent. The capital sits in one yield
//! source (an ERC-4626 vault over the same asset, or an adapter with the same interface);
//! the vault's value is the source position plus idle asset. Everything above principal
//! (and above yield already attributed) is yield: before any share balance changes, the
//! vault attributes the yield accrued so far and tells the compute ledger
//! (`IComputeLedgerHooks`), so credits are accounted O(1) per member. `harvest` moves only
//! attributed yield to the ledger.
//!
//! Accounting, with `S` = total supply (principal owed), `A` = yield attributed and not yet
//! harvested (owed to the ledger, senior to principal), `V` = source position + idle and
//! `F = V - A` (what belongs to holders):
//! - solvent (`F >= S`): every conversion is 1:1; the surplus `F - S` beyond a small
//!   rounding reserve (`rounding_reserve`, which pays for the source's rounding) is
//!   attributed as yield, but only while the pending `A` stays within `maxProfitBps` of `S`
//!   (the profit bound: a manipulated source rate can move at most that much per harvest).
//! - deficit (`F < S`): no yield, no harvest; conversions price at `F / S` pro rata (the
//!   high-water mark is one asset per share: yield counts again only once `F` is back above
//!   `S`). Deposits revert when the deficit exceeds `maxLossBps` of `S` (the loss bound, so
//!   a manipulated low rate cannot be bought into); exits always proceed pro rata.
//!
//! Donations (asset or source shares) raise `V`, so they become yield and never move the
//! share price; the price is fixed at 1 while solvent, so there is no first-depositor
//! inflation.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::{string::String, vec, vec::Vec};

use alloy_sol_types::{SolCall, SolEvent};
use compute_fi_contracts::{
    interfaces::vault::{IVaultAsset, IWeth, IYieldSource},
    math::{Rounding, BPS},
};
use openzeppelin_stylus::{
    access::control::{self, AccessControlUnauthorizedAccount, RoleGranted, RoleRevoked},
    token::erc20::{
        self,
        extensions::{
            erc4626::{Deposit, Withdraw},
            IErc20Metadata, IErc4626,
        },
        Erc20, IErc20,
    },
    utils::{
        introspection::erc165::IErc165,
        pausable::{self, EnforcedPause, ExpectedPause, Paused, Unpaused},
    },
};
#[allow(deprecated)]
use stylus_sdk::{
    alloy_primitives::{aliases::B32, b256, Address, B256, U16, U256, U512, U64, U8},
    alloy_sol_types::sol,
    call::RawCall,
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageMap, StorageU16, StorageU256, StorageU64, StorageU8,
    },
};

/// Surplus (in asset units) kept unattributed as a rounding reserve with `supply` shares
/// outstanding: 1,000 units plus `supply / 2^30` (about one part per billion of principal).
/// A source rounds every deposit and withdrawal against the vault by about one share's
/// worth (a wei or two for a source with the asset's decimals); this buffer, refilled
/// from yield before any yield is attributed, pays for that rounding, so principal stays
/// exactly 1:1 between accruals: exact stakes joining right after a harvest get exactly
/// their shares, and exits do not shave the remaining holders. The part proportional to
/// principal covers bursts of joins (2,000 members joining after a harvest use about
/// 2,000 wei; 200 ETH of principal keeps about 1.9e11 wei); the fixed part covers a small
/// vault. It is never lost: it stays in the vault, as value behind the shares.
pub fn rounding_reserve(supply: U256) -> U256 {
    // u128 arithmetic (a principal past 2^128 units keeps the reserve at 2^98): 100 B
    // less WASM than a 256-bit shift.
    U256::from((supply.saturating_to::<u128>() >> 30).saturating_add(1_000))
}

/// `keccak256("KEEPER_ROLE")`: may harvest when harvest is keeper-only.
pub const KEEPER_ROLE: B256 =
    b256!("fc8737ab85eb45125971625a9ebdb75cc78e01d5c1fa80c4c6e5203f47bc4fab");
/// `keccak256("GUARDIAN_ROLE")`: may pause, unpause and pull everything back to idle.
pub const GUARDIAN_ROLE: B256 =
    b256!("55435dd261a4b9b3364963f7738a7a662ad9c84396d64be3365284bb7f0a5041");

/// Role bits in `roles` (the admin role is OpenZeppelin's `DEFAULT_ADMIN_ROLE`, zero).
const ADMIN_BIT: u8 = 1;
const KEEPER_BIT: u8 = 2;
const GUARDIAN_BIT: u8 = 4;

/// The bit of a known role, 0 for any other.
fn role_bit(role: B256) -> u8 {
    if role == B256::ZERO {
        ADMIN_BIT
    } else if role == KEEPER_ROLE {
        KEEPER_BIT
    } else if role == GUARDIAN_ROLE {
        GUARDIAN_BIT
    } else {
        0
    }
}

const INITIALIZED: u8 = 1;
const NATIVE: u8 = 2;
const IDLE_ONLY: u8 = 4;
const KEEPER_ONLY: u8 = 8;
const EXACT_STAKE: u8 = 16;
const PAUSED: u8 = 32;

/// The vault's own events, for the ABI export (the SDK omits events).
pub const EVENTS_ABI: &str = "
interface IYieldVaultEvents {
    event YieldAttributed(uint256 amount, uint256 totalSupply);
    event Harvested(address indexed ledger, uint256 yieldAttributed, uint256 assets, uint256 totalSupply);
    event Configured(uint256 totalCap, uint256 accountCap, uint256 minStake, bool exactStake, uint64 lockDuration, uint256 minHarvest, uint64 harvestInterval, bool keeperOnly, uint16 maxProfitBps, uint16 maxLossBps);
    event LedgerSet(address indexed ledger);
    event EmergencyWithdrawn(uint256 sourceShares, uint256 assets);
    event Paused(address account);
    event Unpaused(address account);
    event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
    event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
}
";

sol! {
    /// The calls of `compute_fi_contracts::interfaces::ledger_hooks::IComputeLedgerHooks`,
    /// encoded here and sent through the vault's one raw-call helper (the `sol_interface!`
    /// wrappers cost ~1.4 KiB of WASM). A test checks both declarations stay the same.
    interface ILedgerHooks {
        function onSharesChanged(address from, uint256 from_balance_before, address to, uint256 to_balance_before, uint256 total_supply_before, uint256 yield_attributed) external;
        function onHarvest(uint256 yield_attributed, uint256 total_supply, uint256 assets) external;
    }
}

sol! {
    /// Yield `amount` was attributed to the `totalSupply` shares outstanding.
    #[derive(Debug)]
    event YieldAttributed(uint256 amount, uint256 totalSupply);
    /// `assets` of attributed yield went to the ledger; `yieldAttributed` of it accrued
    /// at this call.
    #[derive(Debug)]
    event Harvested(address indexed ledger, uint256 yieldAttributed, uint256 assets, uint256 totalSupply);
    /// The configuration changed (or was set up).
    #[derive(Debug)]
    event Configured(uint256 totalCap, uint256 accountCap, uint256 minStake, bool exactStake, uint64 lockDuration, uint256 minHarvest, uint64 harvestInterval, bool keeperOnly, uint16 maxProfitBps, uint16 maxLossBps);
    #[derive(Debug)]
    event LedgerSet(address indexed ledger);
    /// Everything was pulled back from the source: `sourceShares` redeemed for `assets`.
    #[derive(Debug)]
    event EmergencyWithdrawn(uint256 sourceShares, uint256 assets);

    /// `initialize` or the constructor already ran.
    #[derive(Debug)]
    error AlreadyInitialized();
    /// A setup address is zero, or the loss bound is above 10,000 bps.
    #[derive(Debug)]
    error InvalidSetup(address asset, address source, address ledger, uint16 maxLossBps);
    /// The name or symbol has a byte outside ASCII.
    #[derive(Debug)]
    error InvalidName(bytes32 name, bytes32 symbol);
    /// The deposit is below the minimum stake (`exact`: not exactly the stake).
    #[derive(Debug)]
    error StakeRejected(uint256 assets, uint256 stake, bool exact);
    /// The deposit would take `account`'s holding (or, for account zero, the total
    /// supply) above `cap`.
    #[derive(Debug)]
    error CapExceeded(address account, uint256 held, uint256 shares, uint256 cap);
    /// The owner's shares are locked until `unlockTime` (from its latest own or first deposit).
    #[derive(Debug)]
    error SharesLocked(address owner, uint64 unlockTime);
    /// The owner holds fewer shares than the exit needs.
    #[derive(Debug)]
    error InsufficientShares(address owner, uint256 shares, uint256 balance);
    /// The operation moves nothing: `assets` buys no share or `shares` are worth nothing.
    #[derive(Debug)]
    error ZeroAmount(uint256 assets, uint256 shares);
    /// The deficit exceeds the loss bound: deposits are refused (exits still work).
    #[derive(Debug)]
    error LossBeyondBound(uint256 value, uint256 principal, uint16 maxLossBps);
    /// The vault is in deficit: no harvest.
    #[derive(Debug)]
    error InDeficit(uint256 value, uint256 principal);
    /// The minimum interval since the last harvest has not passed.
    #[derive(Debug)]
    error HarvestTooSoon(uint64 now, uint64 next);
    /// Not enough attributed yield to harvest.
    #[derive(Debug)]
    error HarvestBelowMinimum(uint256 pending, uint256 minimum);
    /// A call to `target` (asset, source, ledger or ETH receiver) failed or returned
    /// something unusable; `amount` is what it was to move.
    #[derive(Debug)]
    error CallFailed(address target, uint256 amount);
    /// Native ETH is enabled only when the asset is WETH.
    #[derive(Debug)]
    error NativeNotSupported();
    /// Plain ETH is accepted only from the WETH asset, while it unwraps for `redeemEth`.
    #[derive(Debug)]
    error UnexpectedEth(address from, uint256 amount);
    /// A computation overflowed or divided by zero (value of the vault is zero).
    #[derive(Debug)]
    error MathOverflow();
    /// Only the admin, keeper and guardian roles exist.
    #[derive(Debug)]
    error UnknownRole(bytes32 role);
}

/// Every failure of the vault.
#[derive(SolidityError, Debug)]
pub enum Error {
    InsufficientBalance(erc20::ERC20InsufficientBalance),
    InvalidSender(erc20::ERC20InvalidSender),
    InvalidReceiver(erc20::ERC20InvalidReceiver),
    InsufficientAllowance(erc20::ERC20InsufficientAllowance),
    InvalidSpender(erc20::ERC20InvalidSpender),
    InvalidApprover(erc20::ERC20InvalidApprover),
    UnauthorizedAccount(control::AccessControlUnauthorizedAccount),
    EnforcedPause(pausable::EnforcedPause),
    ExpectedPause(pausable::ExpectedPause),
    AlreadyInitialized(AlreadyInitialized),
    InvalidSetup(InvalidSetup),
    InvalidName(InvalidName),
    StakeRejected(StakeRejected),
    CapExceeded(CapExceeded),
    SharesLocked(SharesLocked),
    InsufficientShares(InsufficientShares),
    ZeroAmount(ZeroAmount),
    LossBeyondBound(LossBeyondBound),
    InDeficit(InDeficit),
    HarvestTooSoon(HarvestTooSoon),
    HarvestBelowMinimum(HarvestBelowMinimum),
    CallFailed(CallFailed),
    NativeNotSupported(NativeNotSupported),
    UnexpectedEth(UnexpectedEth),
    MathOverflow(MathOverflow),
    UnknownRole(UnknownRole),
}

impl From<erc20::Error> for Error {
    fn from(value: erc20::Error) -> Self {
        match value {
            erc20::Error::InsufficientBalance(e) => Error::InsufficientBalance(e),
            erc20::Error::InvalidSender(e) => Error::InvalidSender(e),
            erc20::Error::InvalidReceiver(e) => Error::InvalidReceiver(e),
            erc20::Error::InsufficientAllowance(e) => Error::InsufficientAllowance(e),
            erc20::Error::InvalidSpender(e) => Error::InvalidSpender(e),
            erc20::Error::InvalidApprover(e) => Error::InvalidApprover(e),
        }
    }
}

/// `x * y / d` rounded as asked; `None` when `d` is zero or the result exceeds 256 bits.
/// Same contract as `compute_fi_contracts::math::mul_div` (a property test checks they
/// agree) but divides by shift-and-subtract: ruint's generic 512-bit division costs over
/// 4 KiB of WASM, this a few hundred bytes and a few dozen gas.
pub fn mul_div(x: U256, y: U256, d: U256, rounding: Rounding) -> Option<U256> {
    if d.is_zero() {
        return None;
    }
    let p = U512::from(x).wrapping_mul(U512::from(y));
    let d = U512::from(d);
    let mut q = U512::ZERO;
    let mut r = U512::ZERO;
    for i in (0..p.bit_len()).rev() {
        r = (r << 1usize) | U512::from(p.bit(i) as u8);
        q <<= 1usize;
        if r >= d {
            r = r.wrapping_sub(d);
            q |= U512::from(1u8);
        }
    }
    if rounding == Rounding::Up && !r.is_zero() {
        q = q.checked_add(U512::from(1u8))?;
    }
    U256::checked_from_limbs_slice(q.as_limbs())
}

/// `amount * bps / 10_000`, rounded down.
pub fn bps_of(amount: U256, bps: u16) -> Option<U256> {
    mul_div(amount, U256::from(bps), U256::from(BPS), Rounding::Down)
}

/// A string stored left-aligned in a word: the bytes up to the last non-zero one.
/// `setup` stores ASCII only, which is UTF-8.
fn short_string(word: B256) -> String {
    let len = word.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    let bytes = word.get(..len).unwrap_or_default().to_vec();
    // SAFETY: `setup` refuses a name or symbol with a non-ASCII byte, and nothing else
    // writes them; ASCII is valid UTF-8.
    unsafe { String::from_utf8_unchecked(bytes) }
}

fn overflow() -> Error {
    Error::MathOverflow(MathOverflow {})
}

fn call_failed(target: Address, amount: U256) -> Error {
    Error::CallFailed(CallFailed { target, amount })
}

/// First return word of a call to `target`; a short answer is a failure.
fn word(target: Address, ret: &[u8]) -> Result<U256, Error> {
    ret.get(..32).map(U256::from_be_slice).ok_or_else(|| call_failed(target, U256::ZERO))
}

/// The vault's accounting at one moment: `supply` = principal owed (shares),
/// `free` = value belonging to holders (position + idle − attributed yield), `accrued` =
/// yield attributable now (already subtracted from `free`).
#[derive(Clone, Copy, Debug)]
struct Books {
    supply: U256,
    free: U256,
    accrued: U256,
}

impl Books {
    fn solvent(&self) -> bool {
        self.free >= self.supply
    }

    /// Shares worth `assets`: 1:1 while solvent, `assets * S / F` in deficit.
    fn shares_for(&self, assets: U256, rounding: Rounding) -> Result<U256, Error> {
        if self.solvent() {
            return Ok(assets);
        }
        mul_div(assets, self.supply, self.free, rounding).ok_or_else(overflow)
    }

    /// Assets worth `shares`: 1:1 while solvent, `shares * F / S` in deficit.
    fn assets_for(&self, shares: U256, rounding: Rounding) -> Result<U256, Error> {
        if self.solvent() {
            return Ok(shares);
        }
        mul_div(shares, self.free, self.supply, rounding).ok_or_else(overflow)
    }
}

#[storage]
pub struct YieldVault {
    erc20: Erc20,
    /// Name and symbol, left-aligned and zero-padded (at most 32 bytes each).
    name: StorageB256,
    symbol: StorageB256,
    /// Per account: its role bits (ADMIN_BIT | KEEPER_BIT | GUARDIAN_BIT).
    roles: StorageMap<Address, StorageU8>,
    asset: StorageAddress,
    source: StorageAddress,
    ledger: StorageAddress,
    decimals: StorageU8,
    /// INITIALIZED | NATIVE (asset is WETH) | IDLE_ONLY (emergency: deposits stay idle) |
    /// KEEPER_ONLY (harvest needs the keeper role) | EXACT_STAKE.
    flags: StorageU8,
    max_profit_bps: StorageU16,
    max_loss_bps: StorageU16,
    lock_duration: StorageU64,
    harvest_interval: StorageU64,
    last_harvest: StorageU64,
    /// Yield attributed to holders (and told to the ledger) but not yet harvested.
    pending: StorageU256,
    total_cap: StorageU256,
    account_cap: StorageU256,
    min_stake: StorageU256,
    min_harvest: StorageU256,
    /// Per account: timestamp of its latest own (or first) deposit: the lock runs from it.
    last_deposit: StorageMap<Address, StorageU64>,
}

// SAFETY: the vault is the top-level storage of this program (what `#[entrypoint]` would
// declare; the entrypoint is written out below).
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for YieldVault {}

/// The SDK's entrypoint with one narrower reentrancy rule. The SDK refuses every reentrant
/// call; `redeemEth` needs exactly one: WETH paying the unwrapped ETH back to the vault
/// mid-call (empty calldata). So a reentrant call is refused unless its calldata is
/// empty, and an empty-calldata call only reaches `receive`, which changes no state and
/// accepts ETH from the WETH asset alone. Every other reentrant call (a hook of the
/// asset, a contract receiving ETH from `redeemEth`) is refused as before.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[no_mangle]
pub extern "C" fn user_entrypoint(len: usize) -> usize {
    compute_fi_contracts::entrypoint::run::<YieldVault>(
        len,
        compute_fi_contracts::entrypoint::Reentrancy::EmptyCalldataOnly,
    )
}

/// Prints the Solidity interface (what `#[entrypoint]` would generate).
#[cfg(feature = "export-abi")]
pub fn print_from_args() {
    stylus_sdk::abi::export::print_from_args::<YieldVault>();
}

#[public]
#[implements(IErc4626<Error = Error>, IErc20<Error = Error>, IErc20Metadata, IErc165)]
impl YieldVault {
    /// Direct deployment: see `initialize`. `name` and `symbol` are ASCII, left-aligned
    /// and zero-padded in a bytes32 each (a short string: 32 bytes at most), which keeps
    /// string decoding out of the artifact.
    #[constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn constructor(
        &mut self,
        asset: Address,
        source: Address,
        ledger: Address,
        admin: Address,
        name: B256,
        symbol: B256,
        native: bool,
        lock_duration: u64,
        min_stake: U256,
        exact_stake: bool,
    ) -> Result<(), Error> {
        self.setup(
            asset,
            source,
            ledger,
            admin,
            name,
            symbol,
            native,
            lock_duration,
            min_stake,
            exact_stake,
        )
    }

    /// One-time setup for a clone, in the transaction that creates it. `admin` gets the
    /// admin role; caps start unlimited, harvest is open with no minimum and no interval,
    /// the profit bound is 10% of principal per harvest and the loss bound 1%.
    #[allow(clippy::too_many_arguments)]
    pub fn initialize(
        &mut self,
        asset: Address,
        source: Address,
        ledger: Address,
        admin: Address,
        name: B256,
        symbol: B256,
        native: bool,
        lock_duration: u64,
        min_stake: U256,
        exact_stake: bool,
    ) -> Result<(), Error> {
        self.setup(
            asset,
            source,
            ledger,
            admin,
            name,
            symbol,
            native,
            lock_duration,
            min_stake,
            exact_stake,
        )
    }

    /// Payable deposit of native ETH, wrapped into the WETH asset.
    #[payable]
    pub fn deposit_eth(&mut self, receiver: Address) -> Result<U256, Error> {
        self.only_native()?;
        let assets = self.vm().msg_value();
        self.deposit_to(assets, receiver, false)
    }

    /// `redeem` paying native ETH: the WETH asset is unwrapped and the ETH sent to
    /// `receiver` with all gas left (a token-bound account's `receive` needs more than a
    /// stipend). Shares are burnt before any call; a receiver calling back into the vault
    /// is refused (see `user_entrypoint`). WETH must send the ETH with enough gas to enter
    /// a Stylus program (Arbitrum's aeWETH forwards all gas).
    pub fn redeem_eth(
        &mut self,
        shares: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Error> {
        self.only_native()?;
        self.redeem_to(shares, receiver, owner, true)
    }

    /// Accepts ETH only from the WETH asset (unwrapping for `redeemEth`); changes nothing.
    #[receive]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        let from = self.vm().msg_sender();
        if !self.flag(NATIVE) || from != self.asset.get() {
            return Err(Error::UnexpectedEth(UnexpectedEth {
                from,
                amount: self.vm().msg_value(),
            })
            .into());
        }
        Ok(())
    }

    /// Moves attributed yield to the ledger. Open to anyone unless keeper-only; needs the
    /// interval since the last harvest, no deficit and at least the minimum pending.
    pub fn harvest(&mut self) -> Result<U256, Error> {
        self.when_not_paused()?;
        if self.flag(KEEPER_ONLY) {
            self.check_role(KEEPER_ROLE)?;
        }
        let now = self.vm().block_timestamp();
        let next = self
            .last_harvest
            .get()
            .to::<u64>()
            .saturating_add(self.harvest_interval.get().to::<u64>());
        if now < next {
            return Err(Error::HarvestTooSoon(HarvestTooSoon { now, next }));
        }
        let books = self.accrue()?;
        if !books.solvent() {
            return Err(Error::InDeficit(InDeficit { value: books.free, principal: books.supply }));
        }
        let assets = self.pending.get();
        let minimum = self.min_harvest.get();
        if assets.is_zero() || assets < minimum {
            return Err(Error::HarvestBelowMinimum(HarvestBelowMinimum {
                pending: assets,
                minimum,
            }));
        }
        self.pending.set(U256::ZERO);
        self.last_harvest.set(U64::from(now));
        let ledger = self.ledger.get();
        self.free_up(assets)?;
        self.send_asset(ledger, assets)?;
        let call = ILedgerHooks::onHarvestCall {
            yield_attributed: books.accrued,
            total_supply: books.supply,
            assets,
        };
        self.call_out(ledger, &call.abi_encode(), U256::ZERO, assets)?;
        self.emit(
            &[Harvested::SIGNATURE_HASH, ledger.into_word()],
            &[books.accrued, assets, books.supply],
        );
        Ok(assets)
    }

    /// Admin: caps (in principal), minimum or exact stake, lock from each account's latest
    /// deposit (seconds), harvest minimum and interval, keeper-only switch, profit bound
    /// (pending yield at most `maxProfitBps` of principal) and loss bound (deposits refused
    /// past a deficit of `maxLossBps` of principal, at most 10,000).
    #[allow(clippy::too_many_arguments)]
    pub fn configure(
        &mut self,
        total_cap: U256,
        account_cap: U256,
        min_stake: U256,
        exact_stake: bool,
        lock_duration: u64,
        min_harvest: U256,
        harvest_interval: u64,
        keeper_only: bool,
        max_profit_bps: u16,
        max_loss_bps: u16,
    ) -> Result<(), Error> {
        self.only_admin()?;
        self.store_config(
            total_cap,
            account_cap,
            min_stake,
            exact_stake,
            lock_duration,
            min_harvest,
            harvest_interval,
            keeper_only,
            max_profit_bps,
            max_loss_bps,
        )
    }

    /// (totalCap, accountCap, minStake, exactStake, lockDuration, minHarvest,
    /// harvestInterval, keeperOnly, maxProfitBps, maxLossBps, yieldSource, ledger,
    /// pendingYield, lastHarvest, flags): pending yield is attributed and not yet
    /// harvested; flags = 2 native ETH | 4 idle only (emergency) | 32 paused.
    #[allow(clippy::type_complexity)]
    pub fn config(
        &self,
    ) -> (U256, U256, U256, bool, u64, U256, u64, bool, u16, u16, Address, Address, U256, u64, u8)
    {
        (
            self.total_cap.get(),
            self.account_cap.get(),
            self.min_stake.get(),
            self.flag(EXACT_STAKE),
            self.lock_duration.get().to::<u64>(),
            self.min_harvest.get(),
            self.harvest_interval.get().to::<u64>(),
            self.flag(KEEPER_ONLY),
            self.max_profit_bps.get().to::<u16>(),
            self.max_loss_bps.get().to::<u16>(),
            self.source.get(),
            self.ledger.get(),
            self.pending.get(),
            self.last_harvest.get().to::<u64>(),
            self.flags.get().to::<u8>(),
        )
    }

    /// When `owner`'s shares unlock (0 if it never deposited).
    pub fn unlock_time(&self, owner: Address) -> u64 {
        let last = self.last_deposit.get(owner).to::<u64>();
        if last == 0 {
            return 0;
        }
        last.saturating_add(self.lock_duration.get().to::<u64>())
    }

    /// Whether `account` holds `role` (admin = zero, `KEEPER_ROLE`, `GUARDIAN_ROLE`).
    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.roles.get(account).to::<u8>() & role_bit(role) != 0
    }

    /// Admin: gives `role` to `account`.
    pub fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.only_admin()?;
        self.set_role(role, account, true)
    }

    /// Admin: takes `role` from `account`.
    pub fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.only_admin()?;
        self.set_role(role, account, false)
    }

    /// Whether the contract is paused.
    pub fn paused(&self) -> bool {
        self.flag(PAUSED)
    }

    /// Guardian: stops deposits, mints and harvests. Exits of unlocked shares go on.
    pub fn pause(&mut self) -> Result<(), Error> {
        self.only_guardian()?;
        self.set_paused(true)
    }

    /// Guardian: lifts the pause; after an emergency, idle asset goes back into the source.
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.only_guardian()?;
        self.set_paused(false)?;
        if self.flag(IDLE_ONLY) {
            self.set_flag(IDLE_ONLY, false);
            let idle = self.idle()?;
            if !idle.is_zero() {
                self.invest(idle)?;
            }
        }
        Ok(())
    }

    /// Guardian: redeems the whole source position to idle and pauses (if not already):
    /// exits go on from idle, deposits stay idle until `unpause`.
    pub fn emergency_withdraw(&mut self) -> Result<U256, Error> {
        self.only_guardian()?;
        self.set_flag(IDLE_ONLY, true);
        if !self.flag(PAUSED) {
            self.set_paused(true)?;
        }
        let source = self.source.get();
        let this = self.vm().contract_address();
        let shares = self.source_shares()?;
        let assets = if shares.is_zero() {
            U256::ZERO
        } else {
            let ret = self.call_out(
                source,
                &IYieldSource::redeemCall { shares, receiver: this, owner: this }.abi_encode(),
                U256::ZERO,
                shares,
            )?;
            word(source, &ret)?
        };
        self.emit(&[EmergencyWithdrawn::SIGNATURE_HASH], &[shares, assets]);
        Ok(assets)
    }
}

impl YieldVault {
    #[allow(clippy::too_many_arguments)]
    fn setup(
        &mut self,
        asset: Address,
        source: Address,
        ledger: Address,
        admin: Address,
        name: B256,
        symbol: B256,
        native: bool,
        lock_duration: u64,
        min_stake: U256,
        exact_stake: bool,
    ) -> Result<(), Error> {
        if self.flag(INITIALIZED) {
            return Err(Error::AlreadyInitialized(AlreadyInitialized {}));
        }
        if asset.is_zero() || source.is_zero() || ledger.is_zero() || admin.is_zero() {
            return Err(Error::InvalidSetup(InvalidSetup { asset, source, ledger, maxLossBps: 0 }));
        }
        // ASCII only: `name()` and `symbol()` then return the stored bytes as they are,
        // without a UTF-8 validator in the artifact (~400 B brotli).
        if !name.is_ascii() || !symbol.is_ascii() {
            return Err(Error::InvalidName(InvalidName { name, symbol }));
        }
        self.set_flag(INITIALIZED, true);
        self.set_flag(NATIVE, native);
        self.asset.set(asset);
        self.source.set(source);
        self.ledger.set(ledger);
        self.name.set(name);
        self.symbol.set(symbol);
        self.set_role(B256::ZERO, admin, true)?;
        self.store_config(
            U256::MAX,
            U256::MAX,
            min_stake,
            exact_stake,
            lock_duration,
            U256::ZERO,
            0,
            false,
            1_000,
            100,
        )?;
        self.emit(&[LedgerSet::SIGNATURE_HASH, ledger.into_word()], &[]);
        let ret = self.peek(asset, &IVaultAsset::decimalsCall {}.abi_encode())?;
        self.decimals.set(U8::from(word(asset, &ret)?.to::<u8>()));
        // One standing approval: the source pulls each deposit with transferFrom.
        let ret = self.call_out(
            asset,
            &IVaultAsset::approveCall { spender: source, value: U256::MAX }.abi_encode(),
            U256::ZERO,
            U256::MAX,
        )?;
        self.check_true(asset, &ret, U256::MAX)
    }

    #[allow(clippy::too_many_arguments)]
    fn store_config(
        &mut self,
        total_cap: U256,
        account_cap: U256,
        min_stake: U256,
        exact_stake: bool,
        lock_duration: u64,
        min_harvest: U256,
        harvest_interval: u64,
        keeper_only: bool,
        max_profit_bps: u16,
        max_loss_bps: u16,
    ) -> Result<(), Error> {
        if max_loss_bps > 10_000 {
            return Err(Error::InvalidSetup(InvalidSetup {
                asset: self.asset.get(),
                source: self.source.get(),
                ledger: self.ledger.get(),
                maxLossBps: max_loss_bps,
            }));
        }
        self.total_cap.set(total_cap);
        self.account_cap.set(account_cap);
        self.min_stake.set(min_stake);
        self.set_flag(EXACT_STAKE, exact_stake);
        self.lock_duration.set(U64::from(lock_duration));
        self.min_harvest.set(min_harvest);
        self.harvest_interval.set(U64::from(harvest_interval));
        self.set_flag(KEEPER_ONLY, keeper_only);
        self.max_profit_bps.set(U16::from(max_profit_bps));
        self.max_loss_bps.set(U16::from(max_loss_bps));
        self.emit(
            &[Configured::SIGNATURE_HASH],
            &[
                total_cap,
                account_cap,
                min_stake,
                U256::from(exact_stake as u8),
                U256::from(lock_duration),
                min_harvest,
                U256::from(harvest_interval),
                U256::from(keeper_only as u8),
                U256::from(max_profit_bps),
                U256::from(max_loss_bps),
            ],
        );
        Ok(())
    }

    fn flag(&self, bit: u8) -> bool {
        self.flags.get().to::<u8>() & bit != 0
    }

    fn set_flag(&mut self, bit: u8, on: bool) {
        let flags = self.flags.get().to::<u8>();
        self.flags.set(U8::from(if on { flags | bit } else { flags & !bit }));
    }

    fn check_role(&self, role: B256) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        if self.has_role(role, account) {
            Ok(())
        } else {
            Err(Error::UnauthorizedAccount(AccessControlUnauthorizedAccount {
                account,
                needed_role: role,
            }))
        }
    }

    fn only_admin(&self) -> Result<(), Error> {
        self.check_role(B256::ZERO)
    }

    fn only_guardian(&self) -> Result<(), Error> {
        self.check_role(GUARDIAN_ROLE)
    }

    /// Sets or clears `role` for `account`, with OpenZeppelin's events (only on change).
    fn set_role(&mut self, role: B256, account: Address, on: bool) -> Result<(), Error> {
        let bit = role_bit(role);
        if bit == 0 {
            return Err(Error::UnknownRole(UnknownRole { role }));
        }
        let bits = self.roles.get(account).to::<u8>();
        if (bits & bit != 0) == on {
            return Ok(());
        }
        self.roles.setter(account).set(U8::from(if on { bits | bit } else { bits & !bit }));
        let sender = self.vm().msg_sender();
        let topic0 = if on { RoleGranted::SIGNATURE_HASH } else { RoleRevoked::SIGNATURE_HASH };
        self.emit(&[topic0, role, account.into_word(), sender.into_word()], &[]);
        Ok(())
    }

    /// Emits a log: `topics` (signature first) and the data words.
    fn emit(&self, topics: &[B256], words: &[U256]) {
        let mut data = Vec::with_capacity(words.len() * 32);
        for w in words {
            data.extend_from_slice(&w.to_be_bytes::<32>());
        }
        // A log can fail only in a static call, where the state change it reports
        // cannot happen either.
        let _ = self.vm().raw_log(topics, &data);
    }

    fn when_not_paused(&self) -> Result<(), Error> {
        if self.flag(PAUSED) {
            return Err(Error::EnforcedPause(EnforcedPause {}));
        }
        Ok(())
    }

    /// OpenZeppelin `Pausable` semantics, events and errors, on a flag bit.
    fn set_paused(&mut self, on: bool) -> Result<(), Error> {
        if self.flag(PAUSED) == on {
            return Err(if on {
                Error::EnforcedPause(EnforcedPause {})
            } else {
                Error::ExpectedPause(ExpectedPause {})
            });
        }
        self.set_flag(PAUSED, on);
        let topic0 = if on { Paused::SIGNATURE_HASH } else { Unpaused::SIGNATURE_HASH };
        self.emit(&[topic0], &[U256::from_be_bytes(self.vm().msg_sender().into_word().0)]);
        Ok(())
    }

    fn only_native(&self) -> Result<(), Error> {
        if self.flag(NATIVE) {
            Ok(())
        } else {
            Err(Error::NativeNotSupported(NativeNotSupported {}))
        }
    }

    /// A state-changing call to `target` (asset, source or WETH) with `value` wei; storage
    /// is flushed first so anything the callee reads of this vault is current. `amount` is
    /// what the call moves, for the error.
    #[allow(deprecated)]
    fn call_out(
        &mut self,
        target: Address,
        data: &[u8],
        value: U256,
        amount: U256,
    ) -> Result<Vec<u8>, Error> {
        // SAFETY: the storage cache is flushed before the call; the vault holds no
        // storage reference across it.
        unsafe { RawCall::new_with_value(value).flush_storage_cache().call(target, data) }
            .map_err(|_| call_failed(target, amount))
    }

    /// A view call to `target`.
    #[allow(deprecated)]
    fn peek(&self, target: Address, data: &[u8]) -> Result<Vec<u8>, Error> {
        // SAFETY: a static call cannot change state, ours included.
        unsafe { RawCall::new_static().call(target, data) }
            .map_err(|_| call_failed(target, U256::ZERO))
    }

    /// An ERC-20 call must answer `true` or nothing.
    fn check_true(&self, token: Address, ret: &[u8], amount: U256) -> Result<(), Error> {
        if ret.is_empty() || word(token, ret)? == U256::from(1u8) {
            Ok(())
        } else {
            Err(call_failed(token, amount))
        }
    }

    fn balance_in(&self, token: Address) -> Result<U256, Error> {
        let this = self.vm().contract_address();
        let ret = self.peek(token, &IVaultAsset::balanceOfCall { account: this }.abi_encode())?;
        word(token, &ret)
    }

    /// Idle asset held by the vault.
    fn idle(&self) -> Result<U256, Error> {
        self.balance_in(self.asset.get())
    }

    /// Source shares held by the vault.
    fn source_shares(&self) -> Result<U256, Error> {
        self.balance_in(self.source.get())
    }

    /// The books now, with the yield a change would attribute (not stored).
    fn books(&self) -> Result<Books, Error> {
        let source = self.source.get();
        let shares = self.source_shares()?;
        let position = if shares.is_zero() {
            U256::ZERO
        } else {
            let ret =
                self.peek(source, &IYieldSource::convertToAssetsCall { shares }.abi_encode())?;
            word(source, &ret)?
        };
        let value = position.checked_add(self.idle()?).ok_or_else(overflow)?;
        let pending = self.pending.get();
        let supply = self.erc20.total_supply();
        let mut free = value.saturating_sub(pending);
        let mut accrued = U256::ZERO;
        if free > supply {
            let bound =
                bps_of(supply, self.max_profit_bps.get().to::<u16>()).ok_or_else(overflow)?;
            accrued = free
                .saturating_sub(supply)
                .saturating_sub(rounding_reserve(supply))
                .min(bound.saturating_sub(pending));
            free = free.saturating_sub(accrued);
        }
        Ok(Books { supply, free, accrued })
    }

    /// Attributes the yield accrued so far (stored as pending).
    fn accrue(&mut self) -> Result<Books, Error> {
        let books = self.books()?;
        self.record(books)?;
        Ok(books)
    }

    /// Stores `books.accrued` as pending yield.
    fn record(&mut self, books: Books) -> Result<(), Error> {
        if !books.accrued.is_zero() {
            let pending = self.pending.get().checked_add(books.accrued).ok_or_else(overflow)?;
            self.pending.set(pending);
            self.emit(&[YieldAttributed::SIGNATURE_HASH], &[books.accrued, books.supply]);
        }
        Ok(())
    }

    /// Tells the ledger about a balance change, with the balances before it.
    fn notify(&mut self, from: Address, to: Address, books: Books) -> Result<(), Error> {
        let ledger = self.ledger.get();
        let from_balance = self.erc20.balance_of(from);
        let to_balance = self.erc20.balance_of(to);
        let call = ILedgerHooks::onSharesChangedCall {
            from,
            from_balance_before: from_balance,
            to,
            to_balance_before: to_balance,
            total_supply_before: books.supply,
            yield_attributed: books.accrued,
        };
        self.call_out(ledger, &call.abi_encode(), U256::ZERO, books.accrued)?;
        Ok(())
    }

    /// Loss bound check for deposits and mints: refuses a deficit beyond `maxLossBps`.
    fn loss_check(&self, books: Books) -> Result<(), Error> {
        if books.solvent() {
            return Ok(());
        }
        let max_loss_bps = self.max_loss_bps.get().to::<u16>();
        let allowed = bps_of(books.supply, max_loss_bps).ok_or_else(overflow)?;
        if books.free.is_zero() || books.supply.saturating_sub(books.free) > allowed {
            return Err(Error::LossBeyondBound(LossBeyondBound {
                value: books.free,
                principal: books.supply,
                maxLossBps: max_loss_bps,
            }));
        }
        Ok(())
    }

    fn deposit_to(&mut self, assets: U256, receiver: Address, pull: bool) -> Result<U256, Error> {
        self.check_stake(assets)?;
        self.when_not_paused()?;
        let mut books = self.books()?;
        self.loss_check(books)?;
        // The source's rounding of this deposit (a wei or so) comes out of yield: first
        // the rounding reserve, then the yield accruing in this very call, then yield
        // attributed and not yet harvested (the ledger shares out what a harvest actually
        // delivers), so an exact stake gets exactly its shares. Only when no yield covers
        // it is it the depositor's; never the other holders'.
        let credited = self.credited(assets)?;
        let short = assets.saturating_sub(credited);
        // `books.free - books.supply` is the unattributed rounding reserve (0 in deficit).
        let from_reserve = short.min(books.free.saturating_sub(books.supply));
        let short = short.saturating_sub(from_reserve);
        let cover = short.min(books.accrued);
        books.accrued = books.accrued.saturating_sub(cover);
        let pending = self.pending.get();
        let from_pending = short.saturating_sub(cover).min(pending);
        if !from_pending.is_zero() {
            self.pending.set(pending.saturating_sub(from_pending));
        }
        self.record(books)?;
        let covered = credited
            .saturating_add(from_reserve)
            .saturating_add(cover)
            .saturating_add(from_pending);
        let shares = books.shares_for(covered, Rounding::Down)?;
        self.enter(receiver, assets, shares, books, pull)?;
        Ok(shares)
    }

    /// What `assets` put into the source are worth there, `convertToAssets(previewDeposit)`
    /// (or `assets` while deposits stay idle): the source's rounding on a deposit is the
    /// depositor's, never the other holders'.
    #[inline(never)]
    fn credited(&self, assets: U256) -> Result<U256, Error> {
        if self.flag(IDLE_ONLY) || assets.is_zero() {
            return Ok(assets);
        }
        let source = self.source.get();
        let ret = self.peek(source, &IYieldSource::previewDepositCall { assets }.abi_encode())?;
        let shares = word(source, &ret)?;
        let ret = self.peek(source, &IYieldSource::convertToAssetsCall { shares }.abi_encode())?;
        Ok(word(source, &ret)?.min(assets))
    }

    /// Assets a mint of `shares` costs: their price plus twice what the source's rounding
    /// takes of it (the property tests check this covers the shares).
    #[inline(never)]
    fn mint_cost(&self, books: Books, shares: U256) -> Result<U256, Error> {
        let assets = books.assets_for(shares, Rounding::Up)?;
        let lost = assets.saturating_sub(self.credited(assets)?);
        if lost.is_zero() {
            return Ok(assets);
        }
        assets.checked_add(lost).and_then(|a| a.checked_add(lost)).ok_or_else(overflow)
    }

    fn open_deposit(&mut self) -> Result<Books, Error> {
        self.when_not_paused()?;
        let books = self.accrue()?;
        self.loss_check(books)?;
        Ok(books)
    }

    fn check_stake(&self, assets: U256) -> Result<(), Error> {
        let stake = self.min_stake.get();
        let exact = self.flag(EXACT_STAKE);
        if assets < stake || (exact && assets != stake) {
            return Err(Error::StakeRejected(StakeRejected { assets, stake, exact }));
        }
        Ok(())
    }

    fn locked_until(&self, owner: Address) -> Option<u64> {
        let until = self.unlock_time(owner);
        (self.vm().block_timestamp() < until).then_some(until)
    }

    fn check_unlocked(&self, owner: Address) -> Result<(), Error> {
        match self.locked_until(owner) {
            Some(unlock_time) => {
                Err(Error::SharesLocked(SharesLocked { owner, unlockTime: unlock_time }))
            }
            None => Ok(()),
        }
    }

    /// Deposit common path: caps, ledger notice, asset in (pulled from the caller, or
    /// wrapped from the ETH sent), shares out, lock restarted, asset invested.
    fn enter(
        &mut self,
        receiver: Address,
        assets: U256,
        shares: U256,
        books: Books,
        pull: bool,
    ) -> Result<(), Error> {
        if shares.is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount { assets, shares }));
        }
        if receiver.is_zero() {
            return Err(Error::InvalidReceiver(erc20::ERC20InvalidReceiver { receiver }));
        }
        let holding = self.erc20.balance_of(receiver);
        for (account, held, cap) in [
            (Address::ZERO, books.supply, self.total_cap.get()),
            (receiver, holding, self.account_cap.get()),
        ] {
            if held.checked_add(shares).is_none_or(|after| after > cap) {
                return Err(Error::CapExceeded(CapExceeded { account, held, shares, cap }));
            }
        }
        self.notify(Address::ZERO, receiver, books)?;
        let caller = self.vm().msg_sender();
        let asset = self.asset.get();
        let this = self.vm().contract_address();
        if pull {
            // Asset in before shares out: an ERC-777-style hook on the way in sees the
            // vault as it was.
            let ret = self.call_out(
                asset,
                &IVaultAsset::transferFromCall { from: caller, to: this, value: assets }
                    .abi_encode(),
                U256::ZERO,
                assets,
            )?;
            self.check_true(asset, &ret, assets)?;
        } else {
            self.call_out(asset, &IWeth::depositCall {}.abi_encode(), assets, assets)?;
        }
        self.erc20._mint(receiver, shares)?;
        // The lock restarts on the receiver's own deposits and on a first holding. Someone
        // else's deposit into an existing holding leaves it as it is (the shares join it),
        // or anyone could keep a holder locked for ever with tiny deposits.
        if caller == receiver || holding.is_zero() {
            let now = self.vm().block_timestamp();
            self.last_deposit.setter(receiver).set(U64::from(now));
        }
        if !self.flag(IDLE_ONLY) {
            self.invest(assets)?;
        }
        self.emit(
            &[Deposit::SIGNATURE_HASH, caller.into_word(), receiver.into_word()],
            &[assets, shares],
        );
        Ok(())
    }

    fn invest(&mut self, assets: U256) -> Result<(), Error> {
        let this = self.vm().contract_address();
        let source = self.source.get();
        self.call_out(
            source,
            &IYieldSource::depositCall { assets, receiver: this }.abi_encode(),
            U256::ZERO,
            assets,
        )?;
        Ok(())
    }

    /// Makes `assets` idle: takes what idle lacks from the source.
    fn free_up(&mut self, assets: U256) -> Result<(), Error> {
        let idle = self.idle()?;
        if idle < assets {
            let this = self.vm().contract_address();
            let source = self.source.get();
            let lack = assets.saturating_sub(idle);
            self.call_out(
                source,
                &IYieldSource::withdrawCall { assets: lack, receiver: this, owner: this }
                    .abi_encode(),
                U256::ZERO,
                lack,
            )?;
        }
        Ok(())
    }

    fn send_asset(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        let asset = self.asset.get();
        let ret = self.call_out(
            asset,
            &IVaultAsset::transferCall { to, value: amount }.abi_encode(),
            U256::ZERO,
            amount,
        )?;
        self.check_true(asset, &ret, amount)
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
        eth: bool,
    ) -> Result<(), Error> {
        if assets.is_zero() || shares.is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount { assets, shares }));
        }
        self.check_unlocked(owner)?;
        let balance = self.erc20.balance_of(owner);
        if shares > balance {
            return Err(Error::InsufficientShares(InsufficientShares { owner, shares, balance }));
        }
        if receiver.is_zero() {
            return Err(Error::InvalidReceiver(erc20::ERC20InvalidReceiver { receiver }));
        }
        let caller = self.vm().msg_sender();
        if caller != owner {
            self.erc20._spend_allowance(owner, caller, shares)?;
        }
        self.notify(owner, Address::ZERO, books)?;
        self.erc20._burn(owner, shares)?;
        self.free_up(assets)?;
        if eth {
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

    fn redeem_to(
        &mut self,
        shares: U256,
        receiver: Address,
        owner: Address,
        eth: bool,
    ) -> Result<U256, Error> {
        let books = self.accrue()?;
        let assets = books.assets_for(shares, Rounding::Down)?;
        self.exit(receiver, owner, assets, shares, books, eth)?;
        Ok(assets)
    }

    /// Share transfers: attribution and ledger notice first; locked shares cannot move.
    fn move_shares(&mut self, from: Address, to: Address) -> Result<(), Error> {
        self.check_unlocked(from)?;
        let books = self.accrue()?;
        self.notify(from, to, books)
    }
}

#[public]
impl IErc4626 for YieldVault {
    type Error = Error;

    fn asset(&self) -> Address {
        self.asset.get()
    }

    /// Assets belonging to holders: principal, or less in deficit.
    fn total_assets(&self) -> Result<U256, Self::Error> {
        let books = self.books()?;
        Ok(books.free.min(books.supply))
    }

    fn convert_to_shares(&self, assets: U256) -> Result<U256, Self::Error> {
        self.books()?.shares_for(assets, Rounding::Down)
    }

    fn convert_to_assets(&self, shares: U256) -> Result<U256, Self::Error> {
        self.books()?.assets_for(shares, Rounding::Down)
    }

    /// 0 while paused or past the loss bound; else the cap room in assets (0 if under the
    /// minimum stake; the stake itself when stakes are exact and it fits).
    fn max_deposit(&self, receiver: Address) -> U256 {
        let shares = self.max_mint(receiver);
        let Ok(books) = self.books() else { return U256::ZERO };
        let Ok(assets) = books.assets_for(shares, Rounding::Down) else { return U256::ZERO };
        let stake = self.min_stake.get();
        if assets < stake {
            return U256::ZERO;
        }
        if self.flag(EXACT_STAKE) {
            return stake;
        }
        assets
    }

    fn preview_deposit(&self, assets: U256) -> Result<U256, Self::Error> {
        self.books()?.shares_for(self.credited(assets)?, Rounding::Down)
    }

    fn deposit(&mut self, assets: U256, receiver: Address) -> Result<U256, Self::Error> {
        self.deposit_to(assets, receiver, true)
    }

    /// 0 while paused or past the loss bound; else the cap room in shares.
    fn max_mint(&self, receiver: Address) -> U256 {
        if self.flag(PAUSED) {
            return U256::ZERO;
        }
        let Ok(books) = self.books() else { return U256::ZERO };
        if self.loss_check(books).is_err() {
            return U256::ZERO;
        }
        let total = self.total_cap.get().saturating_sub(books.supply);
        let account = self.account_cap.get().saturating_sub(self.erc20.balance_of(receiver));
        total.min(account)
    }

    fn preview_mint(&self, shares: U256) -> Result<U256, Self::Error> {
        self.mint_cost(self.books()?, shares)
    }

    fn mint(&mut self, shares: U256, receiver: Address) -> Result<U256, Self::Error> {
        let books = self.open_deposit()?;
        let assets = self.mint_cost(books, shares)?;
        self.check_stake(assets)?;
        self.enter(receiver, assets, shares, books, true)?;
        Ok(assets)
    }

    /// 0 while locked; else what the owner's shares are worth.
    fn max_withdraw(&self, owner: Address) -> Result<U256, Self::Error> {
        if self.locked_until(owner).is_some() {
            return Ok(U256::ZERO);
        }
        self.books()?.assets_for(self.erc20.balance_of(owner), Rounding::Down)
    }

    fn preview_withdraw(&self, assets: U256) -> Result<U256, Self::Error> {
        self.books()?.shares_for(assets, Rounding::Up)
    }

    fn withdraw(
        &mut self,
        assets: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Self::Error> {
        let books = self.accrue()?;
        let shares = books.shares_for(assets, Rounding::Up)?;
        self.exit(receiver, owner, assets, shares, books, false)?;
        Ok(shares)
    }

    /// 0 while locked; else the owner's shares.
    fn max_redeem(&self, owner: Address) -> U256 {
        if self.locked_until(owner).is_some() {
            return U256::ZERO;
        }
        self.erc20.balance_of(owner)
    }

    fn preview_redeem(&self, shares: U256) -> Result<U256, Self::Error> {
        self.books()?.assets_for(shares, Rounding::Down)
    }

    fn redeem(
        &mut self,
        shares: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Self::Error> {
        self.redeem_to(shares, receiver, owner, false)
    }
}

#[public]
impl IErc20 for YieldVault {
    type Error = Error;

    fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Self::Error> {
        let from = self.vm().msg_sender();
        self.move_shares(from, to)?;
        Ok(self.erc20.transfer(to, value)?)
    }

    fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Self::Error> {
        Ok(self.erc20.approve(spender, value)?)
    }

    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Self::Error> {
        self.move_shares(from, to)?;
        Ok(self.erc20.transfer_from(from, to, value)?)
    }
}

#[public]
impl IErc20Metadata for YieldVault {
    fn name(&self) -> String {
        short_string(self.name.get())
    }

    fn symbol(&self) -> String {
        short_string(self.symbol.get())
    }

    fn decimals(&self) -> U8 {
        self.decimals.get()
    }
}

#[public]
impl IErc165 for YieldVault {
    fn supports_interface(&self, interface_id: B32) -> bool {
        // Constant ids, not OZ's `interface_id()`: reproducible builds (see compute_fi_contracts::interface_ids).
        use compute_fi_contracts::interface_ids::{
            IID_ERC165, IID_ERC20, IID_ERC20_METADATA, IID_ERC4626,
        };
        [IID_ERC165, IID_ERC20, IID_ERC20_METADATA, IID_ERC4626].contains(&interface_id)
    }
}

#[cfg(test)]
mod tests;
