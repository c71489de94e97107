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
//! - solvent (`F >= S`): every conversion is 1:1; the surplus `F - S` is attributed as
//!   yield, but only while the pending `A` stays within `maxProfitBps` of `S` (the profit
//!   bound: a manipulated source rate can move at most that much per harvest).
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

use compute_fi_contracts::{
    interfaces::{
        ledger_hooks::IComputeLedgerHooks,
        vault::{IVaultAsset, IWeth, IYieldSource},
    },
    math::{bps_of, mul_div, Rounding},
};
use openzeppelin_stylus::{
    access::control::{self, AccessControl, IAccessControl},
    token::erc20::{
        self,
        extensions::{
            erc4626::{Deposit, Withdraw},
            Erc20Metadata, IErc20Metadata, IErc4626,
        },
        Erc20, IErc20,
    },
    utils::{introspection::erc165::IErc165, pausable, pausable::IPausable, Pausable},
};
use stylus_sdk::{
    alloy_primitives::{aliases::B32, b256, Address, B256, U16, U256, U64, U8},
    alloy_sol_types::sol,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU16, StorageU256, StorageU64, StorageU8},
};

/// `keccak256("KEEPER_ROLE")`: may harvest when harvest is keeper-only.
pub const KEEPER_ROLE: B256 = b256!("fc8737ab85eb45125971625a9ebdb75cc78e01d5c1fa80c4c6e5203f47bc4fab");
/// `keccak256("GUARDIAN_ROLE")`: may pause, unpause and pull everything back to idle.
pub const GUARDIAN_ROLE: B256 = b256!("55435dd261a4b9b3364963f7738a7a662ad9c84396d64be3365284bb7f0a5041");

/// The vault's own events, for the ABI export (the SDK omits events).
pub const EVENTS_ABI: &str = "
interface IYieldVaultEvents {
    event YieldAttributed(uint256 amount, uint256 totalSupply);
    event Harvested(address indexed ledger, uint256 yieldAttributed, uint256 assets, uint256 totalSupply);
    event LimitsSet(uint256 totalCap, uint256 accountCap, uint256 minStake, bool exactStake, uint64 lockDuration);
    event HarvestConfigSet(uint256 minHarvest, uint64 interval, bool keeperOnly, uint16 maxProfitBps, uint16 maxLossBps);
    event LedgerSet(address indexed ledger);
    event EmergencyWithdrawn(uint256 sourceShares, uint256 assets);
    event InvestingResumed(uint256 assets);
    event Paused(address account);
    event Unpaused(address account);
    event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole);
    event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
    event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
}
";

sol! {
    /// Yield `amount` was attributed to the `totalSupply` shares outstanding.
    #[derive(Debug)]
    event YieldAttributed(uint256 amount, uint256 totalSupply);
    /// `assets` of attributed yield went to the ledger; `yieldAttributed` of it accrued
    /// at this call.
    #[derive(Debug)]
    event Harvested(address indexed ledger, uint256 yieldAttributed, uint256 assets, uint256 totalSupply);
    #[derive(Debug)]
    event LimitsSet(uint256 totalCap, uint256 accountCap, uint256 minStake, bool exactStake, uint64 lockDuration);
    #[derive(Debug)]
    event HarvestConfigSet(uint256 minHarvest, uint64 interval, bool keeperOnly, uint16 maxProfitBps, uint16 maxLossBps);
    #[derive(Debug)]
    event LedgerSet(address indexed ledger);
    /// Everything was pulled back from the source: `sourceShares` redeemed for `assets`.
    #[derive(Debug)]
    event EmergencyWithdrawn(uint256 sourceShares, uint256 assets);
    /// Idle `assets` went back into the source.
    #[derive(Debug)]
    event InvestingResumed(uint256 assets);

    /// `initialize` or the constructor already ran.
    #[derive(Debug)]
    error AlreadyInitialized();
    /// A setup address is zero.
    #[derive(Debug)]
    error InvalidSetup(address asset, address source, address ledger, address admin);
    /// A configured bound is out of range (bps above 10,000 for the loss bound).
    #[derive(Debug)]
    error InvalidBps(uint16 maxProfitBps, uint16 maxLossBps);
    /// The deposit is below the minimum stake.
    #[derive(Debug)]
    error StakeTooSmall(uint256 assets, uint256 minStake);
    /// The community takes exactly `stake` per deposit.
    #[derive(Debug)]
    error StakeNotExact(uint256 assets, uint256 stake);
    /// The deposit would take total principal above the cap.
    #[derive(Debug)]
    error TotalCapExceeded(uint256 totalSupply, uint256 shares, uint256 cap);
    /// The deposit would take the receiver above the per-account cap.
    #[derive(Debug)]
    error AccountCapExceeded(address account, uint256 balance, uint256 shares, uint256 cap);
    /// The owner's shares are locked until `unlockTime` (from its latest deposit).
    #[derive(Debug)]
    error SharesLocked(address owner, uint64 unlockTime);
    /// The owner holds fewer shares than the exit needs.
    #[derive(Debug)]
    error InsufficientShares(address owner, uint256 shares, uint256 balance);
    /// The deposit is worth no share.
    #[derive(Debug)]
    error ZeroShares(uint256 assets);
    /// The exit is worth no asset.
    #[derive(Debug)]
    error ZeroAssets(uint256 shares);
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
    /// The asset refused a transfer (call failed or returned false).
    #[derive(Debug)]
    error AssetTransferFailed(address token, address to, uint256 amount);
    /// A call to the yield source failed.
    #[derive(Debug)]
    error SourceCallFailed(address source);
    /// A call to the ledger failed.
    #[derive(Debug)]
    error LedgerCallFailed(address ledger);
    /// Native ETH is enabled only when the asset is WETH.
    #[derive(Debug)]
    error NativeNotSupported();
    /// Sending ETH to `to` failed.
    #[derive(Debug)]
    error EthTransferFailed(address to, uint256 amount);
    /// ETH arrived from someone other than the WETH asset.
    #[derive(Debug)]
    error UnexpectedEth(address from, uint256 amount);
    /// The ledger can change only while no share and no pending yield exist.
    #[derive(Debug)]
    error LedgerFixed(uint256 totalSupply, uint256 pending);
    /// A computation overflowed or divided by zero (value of the vault is zero).
    #[derive(Debug)]
    error MathOverflow();
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
    BadConfirmation(control::AccessControlBadConfirmation),
    EnforcedPause(pausable::EnforcedPause),
    ExpectedPause(pausable::ExpectedPause),
    AlreadyInitialized(AlreadyInitialized),
    InvalidSetup(InvalidSetup),
    InvalidBps(InvalidBps),
    StakeTooSmall(StakeTooSmall),
    StakeNotExact(StakeNotExact),
    TotalCapExceeded(TotalCapExceeded),
    AccountCapExceeded(AccountCapExceeded),
    SharesLocked(SharesLocked),
    InsufficientShares(InsufficientShares),
    ZeroShares(ZeroShares),
    ZeroAssets(ZeroAssets),
    LossBeyondBound(LossBeyondBound),
    InDeficit(InDeficit),
    HarvestTooSoon(HarvestTooSoon),
    HarvestBelowMinimum(HarvestBelowMinimum),
    AssetTransferFailed(AssetTransferFailed),
    SourceCallFailed(SourceCallFailed),
    LedgerCallFailed(LedgerCallFailed),
    NativeNotSupported(NativeNotSupported),
    EthTransferFailed(EthTransferFailed),
    UnexpectedEth(UnexpectedEth),
    LedgerFixed(LedgerFixed),
    MathOverflow(MathOverflow),
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

impl From<control::Error> for Error {
    fn from(value: control::Error) -> Self {
        match value {
            control::Error::UnauthorizedAccount(e) => Error::UnauthorizedAccount(e),
            control::Error::BadConfirmation(e) => Error::BadConfirmation(e),
        }
    }
}

impl From<pausable::Error> for Error {
    fn from(value: pausable::Error) -> Self {
        match value {
            pausable::Error::EnforcedPause(e) => Error::EnforcedPause(e),
            pausable::Error::ExpectedPause(e) => Error::ExpectedPause(e),
        }
    }
}

fn overflow() -> Error {
    Error::MathOverflow(MathOverflow {})
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
    fn to_shares(&self, assets: U256, rounding: Rounding) -> Result<U256, Error> {
        if self.solvent() {
            return Ok(assets);
        }
        mul_div(assets, self.supply, self.free, rounding).ok_or_else(overflow)
    }

    /// Assets worth `shares`: 1:1 while solvent, `shares * F / S` in deficit.
    fn to_assets(&self, shares: U256, rounding: Rounding) -> Result<U256, Error> {
        if self.solvent() {
            return Ok(shares);
        }
        mul_div(shares, self.free, self.supply, rounding).ok_or_else(overflow)
    }
}

#[entrypoint]
#[storage]
pub struct YieldVault {
    erc20: Erc20,
    metadata: Erc20Metadata,
    access: AccessControl,
    pausable: Pausable,
    asset: StorageAddress,
    source: StorageAddress,
    ledger: StorageAddress,
    decimals: StorageU8,
    initialized: StorageBool,
    /// The asset is WETH: `depositEth` and `redeemEth` are enabled.
    native: StorageBool,
    /// Emergency: new deposits stay idle until `resumeInvesting`.
    idle_only: StorageBool,
    keeper_only: StorageBool,
    exact_stake: StorageBool,
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
    /// Per account: timestamp of its latest deposit (the lock runs from it).
    last_deposit: StorageMap<Address, StorageU64>,
}

#[public]
#[implements(IErc4626<Error = Error>, IErc20<Error = Error>, IErc20Metadata, IAccessControl<Error = Error>, IErc165)]
impl YieldVault {
    /// Direct deployment: see `initialize`.
    #[constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn constructor(
        &mut self,
        asset: Address,
        source: Address,
        ledger: Address,
        admin: Address,
        name: String,
        symbol: String,
        native: bool,
        lock_duration: u64,
        min_stake: U256,
        exact_stake: bool,
    ) -> Result<(), Error> {
        self.setup(asset, source, ledger, admin, name, symbol, native, lock_duration, min_stake, exact_stake)
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
        name: String,
        symbol: String,
        native: bool,
        lock_duration: u64,
        min_stake: U256,
        exact_stake: bool,
    ) -> Result<(), Error> {
        self.setup(asset, source, ledger, admin, name, symbol, native, lock_duration, min_stake, exact_stake)
    }

    /// Payable deposit of native ETH, wrapped into the WETH asset.
    #[payable]
    pub fn deposit_eth(&mut self, receiver: Address) -> Result<U256, Error> {
        if !self.native.get() {
            return Err(Error::NativeNotSupported(NativeNotSupported {}));
        }
        let assets = self.vm().msg_value();
        self.check_stake(assets)?;
        let books = self.open_deposit()?;
        let shares = books.to_shares(assets, Rounding::Down)?;
        self.enter(receiver, assets, shares, books, false)?;
        Ok(shares)
    }

    /// `redeem` paying native ETH (the WETH asset is unwrapped).
    pub fn redeem_eth(&mut self, shares: U256, receiver: Address, owner: Address) -> Result<U256, Error> {
        if !self.native.get() {
            return Err(Error::NativeNotSupported(NativeNotSupported {}));
        }
        self.redeem_to(shares, receiver, owner, true)
    }

    /// Accepts ETH only from the WETH asset (unwrapping for `redeemEth`).
    #[receive]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        let from = self.vm().msg_sender();
        if !self.native.get() || from != self.asset.get() {
            return Err(Error::UnexpectedEth(UnexpectedEth { from, amount: self.vm().msg_value() }).into());
        }
        Ok(())
    }

    /// Moves attributed yield to the ledger. Open to anyone unless keeper-only; needs the
    /// interval since the last harvest, no deficit and at least the minimum pending.
    pub fn harvest(&mut self) -> Result<U256, Error> {
        self.pausable.when_not_paused()?;
        if self.keeper_only.get() {
            self.access._check_role(KEEPER_ROLE, self.vm().msg_sender())?;
        }
        let now = self.vm().block_timestamp();
        let next = self.last_harvest.get().to::<u64>().saturating_add(self.harvest_interval.get().to::<u64>());
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
            return Err(Error::HarvestBelowMinimum(HarvestBelowMinimum { pending: assets, minimum }));
        }
        self.pending.set(U256::ZERO);
        self.last_harvest.set(U64::from(now));
        let ledger = self.ledger.get();
        self.free_up(assets)?;
        self.send_asset(ledger, assets)?;
        IComputeLedgerHooks::new(ledger)
            .on_harvest(&mut *self, books.accrued, books.supply, assets)
            .map_err(|_| Error::LedgerCallFailed(LedgerCallFailed { ledger }))?;
        log(
            self.vm(),
            Harvested { ledger, yieldAttributed: books.accrued, assets, totalSupply: books.supply },
        );
        Ok(assets)
    }

    /// Admin: caps (in principal), minimum or exact stake, and the lock from each
    /// account's latest deposit (seconds).
    pub fn set_limits(
        &mut self,
        total_cap: U256,
        account_cap: U256,
        min_stake: U256,
        exact_stake: bool,
        lock_duration: u64,
    ) -> Result<(), Error> {
        self.only_admin()?;
        self.store_limits(total_cap, account_cap, min_stake, exact_stake, lock_duration);
        Ok(())
    }

    /// Admin: harvest minimum and interval, keeper-only switch, profit bound (pending
    /// yield at most `maxProfitBps` of principal) and loss bound (deposits refused past a
    /// deficit of `maxLossBps` of principal, at most 10,000).
    pub fn set_harvest_config(
        &mut self,
        min_harvest: U256,
        interval: u64,
        keeper_only: bool,
        max_profit_bps: u16,
        max_loss_bps: u16,
    ) -> Result<(), Error> {
        self.only_admin()?;
        self.store_harvest_config(min_harvest, interval, keeper_only, max_profit_bps, max_loss_bps)
    }

    /// Admin: repoints the ledger, only while no share and no pending yield exist.
    pub fn set_ledger(&mut self, ledger: Address) -> Result<(), Error> {
        self.only_admin()?;
        let total_supply = self.erc20.total_supply();
        let pending = self.pending.get();
        if !total_supply.is_zero() || !pending.is_zero() {
            return Err(Error::LedgerFixed(LedgerFixed { totalSupply: total_supply, pending }));
        }
        if ledger.is_zero() {
            return Err(Error::InvalidSetup(InvalidSetup {
                asset: self.asset.get(),
                source: self.source.get(),
                ledger,
                admin: self.vm().msg_sender(),
            }));
        }
        self.ledger.set(ledger);
        log(self.vm(), LedgerSet { ledger });
        Ok(())
    }

    /// Guardian: stops deposits, mints and harvests. Exits of unlocked shares go on.
    pub fn pause(&mut self) -> Result<(), Error> {
        self.access._check_role(GUARDIAN_ROLE, self.vm().msg_sender())?;
        Ok(self.pausable.pause()?)
    }

    /// Guardian: lifts the pause.
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.access._check_role(GUARDIAN_ROLE, self.vm().msg_sender())?;
        Ok(self.pausable.unpause()?)
    }

    /// Guardian: redeems the whole source position to idle, keeps new deposits idle and
    /// pauses (if not already paused). Exits go on from idle.
    pub fn emergency_withdraw(&mut self) -> Result<U256, Error> {
        self.access._check_role(GUARDIAN_ROLE, self.vm().msg_sender())?;
        self.idle_only.set(true);
        if !self.pausable.paused() {
            self.pausable.pause()?;
        }
        let source_addr = self.source.get();
        let this = self.vm().contract_address();
        let source = IYieldSource::new(source_addr);
        let fail = || Error::SourceCallFailed(SourceCallFailed { source: source_addr });
        let shares = source.balance_of(&*self, this).map_err(|_| fail())?;
        let assets = if shares.is_zero() {
            U256::ZERO
        } else {
            source.redeem(&mut *self, shares, this, this).map_err(|_| fail())?
        };
        log(self.vm(), EmergencyWithdrawn { sourceShares: shares, assets });
        Ok(assets)
    }

    /// Admin: ends the emergency; idle asset goes back into the source.
    pub fn resume_investing(&mut self) -> Result<U256, Error> {
        self.only_admin()?;
        self.idle_only.set(false);
        let idle = self.idle()?;
        if !idle.is_zero() {
            self.invest(idle)?;
        }
        log(self.vm(), InvestingResumed { assets: idle });
        Ok(idle)
    }

    /// Whether the contract is paused.
    pub fn paused(&self) -> bool {
        self.pausable.paused()
    }

    pub fn yield_source(&self) -> Address {
        self.source.get()
    }

    pub fn ledger(&self) -> Address {
        self.ledger.get()
    }

    /// Yield attributed and not yet harvested.
    pub fn pending_yield(&self) -> U256 {
        self.pending.get()
    }

    /// Yield a call made now would attribute (before the profit bound has room: 0).
    pub fn accruable_yield(&self) -> Result<U256, Error> {
        Ok(self.books()?.accrued)
    }

    /// When `owner`'s shares unlock (0 if it never deposited).
    pub fn unlock_time(&self, owner: Address) -> u64 {
        let last = self.last_deposit.get(owner).to::<u64>();
        if last == 0 {
            return 0;
        }
        last.saturating_add(self.lock_duration.get().to::<u64>())
    }

    /// (totalCap, accountCap, minStake, exactStake, lockDuration).
    pub fn limits(&self) -> (U256, U256, U256, bool, u64) {
        (
            self.total_cap.get(),
            self.account_cap.get(),
            self.min_stake.get(),
            self.exact_stake.get(),
            self.lock_duration.get().to::<u64>(),
        )
    }

    /// (minHarvest, interval, keeperOnly, maxProfitBps, maxLossBps, lastHarvest).
    pub fn harvest_config(&self) -> (U256, u64, bool, u16, u16, u64) {
        (
            self.min_harvest.get(),
            self.harvest_interval.get().to::<u64>(),
            self.keeper_only.get(),
            self.max_profit_bps.get().to::<u16>(),
            self.max_loss_bps.get().to::<u16>(),
            self.last_harvest.get().to::<u64>(),
        )
    }

    /// Whether deposits stay idle (after `emergencyWithdraw`).
    pub fn idle_only(&self) -> bool {
        self.idle_only.get()
    }

    /// Whether native ETH deposits and redemptions are enabled (asset is WETH).
    pub fn native(&self) -> bool {
        self.native.get()
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
        name: String,
        symbol: String,
        native: bool,
        lock_duration: u64,
        min_stake: U256,
        exact_stake: bool,
    ) -> Result<(), Error> {
        if self.initialized.get() {
            return Err(Error::AlreadyInitialized(AlreadyInitialized {}));
        }
        if asset.is_zero() || source.is_zero() || ledger.is_zero() || admin.is_zero() {
            return Err(Error::InvalidSetup(InvalidSetup { asset, source, ledger, admin }));
        }
        self.initialized.set(true);
        self.asset.set(asset);
        self.source.set(source);
        self.ledger.set(ledger);
        self.native.set(native);
        self.metadata.constructor(name, symbol);
        self.access._grant_role(B256::from(AccessControl::DEFAULT_ADMIN_ROLE), admin);
        self.store_limits(U256::MAX, U256::MAX, min_stake, exact_stake, lock_duration);
        self.store_harvest_config(U256::ZERO, 0, false, 1_000, 100)?;
        log(self.vm(), LedgerSet { ledger });
        let token = IVaultAsset::new(asset);
        let decimals = token
            .decimals(&*self)
            .map_err(|_| Error::AssetTransferFailed(AssetTransferFailed { token: asset, to: source, amount: U256::ZERO }))?;
        self.decimals.set(U8::from(decimals));
        // One standing approval: the source pulls each deposit with transferFrom.
        let ok = token
            .approve(&mut *self, source, U256::MAX)
            .map_err(|_| Error::AssetTransferFailed(AssetTransferFailed { token: asset, to: source, amount: U256::MAX }))?;
        if !ok {
            return Err(Error::AssetTransferFailed(AssetTransferFailed { token: asset, to: source, amount: U256::MAX }));
        }
        Ok(())
    }

    fn store_limits(&mut self, total_cap: U256, account_cap: U256, min_stake: U256, exact_stake: bool, lock_duration: u64) {
        self.total_cap.set(total_cap);
        self.account_cap.set(account_cap);
        self.min_stake.set(min_stake);
        self.exact_stake.set(exact_stake);
        self.lock_duration.set(U64::from(lock_duration));
        log(
            self.vm(),
            LimitsSet { totalCap: total_cap, accountCap: account_cap, minStake: min_stake, exactStake: exact_stake, lockDuration: lock_duration },
        );
    }

    fn store_harvest_config(
        &mut self,
        min_harvest: U256,
        interval: u64,
        keeper_only: bool,
        max_profit_bps: u16,
        max_loss_bps: u16,
    ) -> Result<(), Error> {
        if max_loss_bps > 10_000 {
            return Err(Error::InvalidBps(InvalidBps { maxProfitBps: max_profit_bps, maxLossBps: max_loss_bps }));
        }
        self.min_harvest.set(min_harvest);
        self.harvest_interval.set(U64::from(interval));
        self.keeper_only.set(keeper_only);
        self.max_profit_bps.set(U16::from(max_profit_bps));
        self.max_loss_bps.set(U16::from(max_loss_bps));
        log(
            self.vm(),
            HarvestConfigSet { minHarvest: min_harvest, interval, keeperOnly: keeper_only, maxProfitBps: max_profit_bps, maxLossBps: max_loss_bps },
        );
        Ok(())
    }

    fn only_admin(&self) -> Result<(), Error> {
        Ok(self.access._check_role(B256::from(AccessControl::DEFAULT_ADMIN_ROLE), self.vm().msg_sender())?)
    }

    fn source_err(&self) -> Error {
        Error::SourceCallFailed(SourceCallFailed { source: self.source.get() })
    }

    /// Idle asset held by the vault.
    fn idle(&self) -> Result<U256, Error> {
        let asset = self.asset.get();
        let this = self.vm().contract_address();
        IVaultAsset::new(asset)
            .balance_of(self, this)
            .map_err(|_| Error::AssetTransferFailed(AssetTransferFailed { token: asset, to: this, amount: U256::ZERO }))
    }

    /// The books now, with the yield a change would attribute (not stored).
    fn books(&self) -> Result<Books, Error> {
        let this = self.vm().contract_address();
        let source = IYieldSource::new(self.source.get());
        let shares = source.balance_of(self, this).map_err(|_| self.source_err())?;
        let position =
            if shares.is_zero() { U256::ZERO } else { source.convert_to_assets(self, shares).map_err(|_| self.source_err())? };
        let value = position.checked_add(self.idle()?).ok_or_else(overflow)?;
        let pending = self.pending.get();
        let supply = self.erc20.total_supply();
        let mut free = value.saturating_sub(pending);
        let mut accrued = U256::ZERO;
        if free > supply {
            let bound = bps_of(supply, self.max_profit_bps.get().to::<u16>()).ok_or_else(overflow)?;
            accrued = free.saturating_sub(supply).min(bound.saturating_sub(pending));
            free = free.saturating_sub(accrued);
        }
        Ok(Books { supply, free, accrued })
    }

    /// Attributes the yield accrued so far (stored as pending).
    fn accrue(&mut self) -> Result<Books, Error> {
        let books = self.books()?;
        if !books.accrued.is_zero() {
            let pending = self.pending.get().checked_add(books.accrued).ok_or_else(overflow)?;
            self.pending.set(pending);
            log(self.vm(), YieldAttributed { amount: books.accrued, totalSupply: books.supply });
        }
        Ok(books)
    }

    /// Tells the ledger about a balance change, with the balances before it.
    fn notify(&mut self, from: Address, to: Address, books: Books) -> Result<(), Error> {
        let ledger = self.ledger.get();
        let from_balance = self.erc20.balance_of(from);
        let to_balance = self.erc20.balance_of(to);
        IComputeLedgerHooks::new(ledger)
            .on_shares_changed(&mut *self, from, from_balance, to, to_balance, books.supply, books.accrued)
            .map_err(|_| Error::LedgerCallFailed(LedgerCallFailed { ledger }))
    }

    /// Loss bound check for deposits and mints: refuses a deficit beyond `maxLossBps`.
    fn loss_check(&self, books: Books) -> Result<(), Error> {
        if books.solvent() {
            return Ok(());
        }
        let max_loss_bps = self.max_loss_bps.get().to::<u16>();
        let allowed = bps_of(books.supply, max_loss_bps).ok_or_else(overflow)?;
        if books.free.is_zero() || books.supply.saturating_sub(books.free) > allowed {
            return Err(Error::LossBeyondBound(LossBeyondBound { value: books.free, principal: books.supply, maxLossBps: max_loss_bps }));
        }
        Ok(())
    }

    fn open_deposit(&mut self) -> Result<Books, Error> {
        self.pausable.when_not_paused()?;
        let books = self.accrue()?;
        self.loss_check(books)?;
        Ok(books)
    }

    fn check_stake(&self, assets: U256) -> Result<(), Error> {
        let stake = self.min_stake.get();
        if self.exact_stake.get() {
            if assets != stake {
                return Err(Error::StakeNotExact(StakeNotExact { assets, stake }));
            }
        } else if assets < stake {
            return Err(Error::StakeTooSmall(StakeTooSmall { assets, minStake: stake }));
        }
        Ok(())
    }

    fn locked_until(&self, owner: Address) -> Option<u64> {
        let until = self.unlock_time(owner);
        (self.vm().block_timestamp() < until).then_some(until)
    }

    fn check_unlocked(&self, owner: Address) -> Result<(), Error> {
        match self.locked_until(owner) {
            Some(unlock_time) => Err(Error::SharesLocked(SharesLocked { owner, unlockTime: unlock_time })),
            None => Ok(()),
        }
    }

    /// Room under both caps for `receiver`, in shares.
    fn cap_room(&self, receiver: Address) -> U256 {
        let total = self.total_cap.get().saturating_sub(self.erc20.total_supply());
        let account = self.account_cap.get().saturating_sub(self.erc20.balance_of(receiver));
        total.min(account)
    }

    /// Deposit common path: caps, ledger notice, asset in (pulled from the caller, or
    /// wrapped from the ETH sent), shares out, lock restarted, asset invested.
    fn enter(&mut self, receiver: Address, assets: U256, shares: U256, books: Books, pull: bool) -> Result<(), Error> {
        if shares.is_zero() {
            return Err(Error::ZeroShares(ZeroShares { assets }));
        }
        if receiver.is_zero() {
            return Err(Error::InvalidReceiver(erc20::ERC20InvalidReceiver { receiver }));
        }
        let supply = books.supply;
        let cap = self.total_cap.get();
        if supply.checked_add(shares).is_none_or(|s| s > cap) {
            return Err(Error::TotalCapExceeded(TotalCapExceeded { totalSupply: supply, shares, cap }));
        }
        let balance = self.erc20.balance_of(receiver);
        let cap = self.account_cap.get();
        if balance.checked_add(shares).is_none_or(|b| b > cap) {
            return Err(Error::AccountCapExceeded(AccountCapExceeded { account: receiver, balance, shares, cap }));
        }
        self.notify(Address::ZERO, receiver, books)?;
        let caller = self.vm().msg_sender();
        let asset = self.asset.get();
        let this = self.vm().contract_address();
        if pull {
            // Asset in before shares out: an ERC-777-style hook on the way in sees the
            // vault as it was.
            let ok = IVaultAsset::new(asset).transfer_from(&mut *self, caller, this, assets).unwrap_or(false);
            if !ok {
                return Err(Error::AssetTransferFailed(AssetTransferFailed { token: asset, to: this, amount: assets }));
            }
        } else {
            #[allow(deprecated)]
            let call = stylus_sdk::call::Call::new_in(self).value(assets);
            IWeth::new(asset)
                .deposit(call)
                .map_err(|_| Error::AssetTransferFailed(AssetTransferFailed { token: asset, to: this, amount: assets }))?;
        }
        self.erc20._mint(receiver, shares)?;
        let now = self.vm().block_timestamp();
        self.last_deposit.setter(receiver).set(U64::from(now));
        if !self.idle_only.get() {
            self.invest(assets)?;
        }
        log(self.vm(), Deposit { sender: caller, owner: receiver, assets, shares });
        Ok(())
    }

    fn invest(&mut self, assets: U256) -> Result<(), Error> {
        let this = self.vm().contract_address();
        IYieldSource::new(self.source.get()).deposit(&mut *self, assets, this).map_err(|_| self.source_err())?;
        Ok(())
    }

    /// Makes `assets` idle: takes what idle lacks from the source.
    fn free_up(&mut self, assets: U256) -> Result<(), Error> {
        let idle = self.idle()?;
        if idle < assets {
            let this = self.vm().contract_address();
            let lack = assets.saturating_sub(idle);
            IYieldSource::new(self.source.get()).withdraw(&mut *self, lack, this, this).map_err(|_| self.source_err())?;
        }
        Ok(())
    }

    fn send_asset(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        let asset = self.asset.get();
        let ok = IVaultAsset::new(asset).transfer(&mut *self, to, amount).unwrap_or(false);
        if !ok {
            return Err(Error::AssetTransferFailed(AssetTransferFailed { token: asset, to, amount }));
        }
        Ok(())
    }

    /// Exit common path: lock, balance and allowance checks, ledger notice, shares burnt
    /// before any asset leaves, then the asset (or ETH) out.
    #[allow(clippy::too_many_arguments)]
    fn exit(
        &mut self,
        receiver: Address,
        owner: Address,
        assets: U256,
        shares: U256,
        books: Books,
        eth: bool,
    ) -> Result<(), Error> {
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
            IWeth::new(asset)
                .withdraw(&mut *self, assets)
                .map_err(|_| Error::AssetTransferFailed(AssetTransferFailed { token: asset, to: receiver, amount: assets }))?;
            self.vm()
                .transfer_eth(receiver, assets)
                .map_err(|_| Error::EthTransferFailed(EthTransferFailed { to: receiver, amount: assets }))?;
        } else {
            self.send_asset(receiver, assets)?;
        }
        log(self.vm(), Withdraw { sender: caller, receiver, owner, assets, shares });
        Ok(())
    }

    fn redeem_to(&mut self, shares: U256, receiver: Address, owner: Address, eth: bool) -> Result<U256, Error> {
        let books = self.accrue()?;
        let assets = books.to_assets(shares, Rounding::Down)?;
        if assets.is_zero() {
            return Err(Error::ZeroAssets(ZeroAssets { shares }));
        }
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
        self.books()?.to_shares(assets, Rounding::Down)
    }

    fn convert_to_assets(&self, shares: U256) -> Result<U256, Self::Error> {
        self.books()?.to_assets(shares, Rounding::Down)
    }

    /// 0 while paused or past the loss bound; else the cap room in assets (0 if under the
    /// minimum stake, or the exact stake does not fit).
    fn max_deposit(&self, receiver: Address) -> U256 {
        let shares = self.max_mint(receiver);
        let Ok(books) = self.books() else { return U256::ZERO };
        let Ok(assets) = books.to_assets(shares, Rounding::Down) else { return U256::ZERO };
        let stake = self.min_stake.get();
        if assets < stake {
            return U256::ZERO;
        }
        if self.exact_stake.get() {
            return stake;
        }
        assets
    }

    fn preview_deposit(&self, assets: U256) -> Result<U256, Self::Error> {
        self.books()?.to_shares(assets, Rounding::Down)
    }

    fn deposit(&mut self, assets: U256, receiver: Address) -> Result<U256, Self::Error> {
        self.check_stake(assets)?;
        let books = self.open_deposit()?;
        let shares = books.to_shares(assets, Rounding::Down)?;
        self.enter(receiver, assets, shares, books, true)?;
        Ok(shares)
    }

    /// 0 while paused or past the loss bound; else the cap room in shares.
    fn max_mint(&self, receiver: Address) -> U256 {
        if self.pausable.paused() {
            return U256::ZERO;
        }
        let Ok(books) = self.books() else { return U256::ZERO };
        if self.loss_check(books).is_err() {
            return U256::ZERO;
        }
        self.cap_room(receiver)
    }

    fn preview_mint(&self, shares: U256) -> Result<U256, Self::Error> {
        self.books()?.to_assets(shares, Rounding::Up)
    }

    fn mint(&mut self, shares: U256, receiver: Address) -> Result<U256, Self::Error> {
        let books = self.open_deposit()?;
        let assets = books.to_assets(shares, Rounding::Up)?;
        self.check_stake(assets)?;
        self.enter(receiver, assets, shares, books, true)?;
        Ok(assets)
    }

    /// 0 while locked; else what the owner's shares are worth.
    fn max_withdraw(&self, owner: Address) -> Result<U256, Self::Error> {
        if self.locked_until(owner).is_some() {
            return Ok(U256::ZERO);
        }
        self.books()?.to_assets(self.erc20.balance_of(owner), Rounding::Down)
    }

    fn preview_withdraw(&self, assets: U256) -> Result<U256, Self::Error> {
        self.books()?.to_shares(assets, Rounding::Up)
    }

    fn withdraw(&mut self, assets: U256, receiver: Address, owner: Address) -> Result<U256, Self::Error> {
        let books = self.accrue()?;
        let shares = books.to_shares(assets, Rounding::Up)?;
        if shares.is_zero() {
            return Err(Error::ZeroShares(ZeroShares { assets }));
        }
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
        self.books()?.to_assets(shares, Rounding::Down)
    }

    fn redeem(&mut self, shares: U256, receiver: Address, owner: Address) -> Result<U256, Self::Error> {
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

    fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> Result<bool, Self::Error> {
        self.move_shares(from, to)?;
        Ok(self.erc20.transfer_from(from, to, value)?)
    }
}

#[public]
impl IErc20Metadata for YieldVault {
    fn name(&self) -> String {
        self.metadata.name()
    }

    fn symbol(&self) -> String {
        self.metadata.symbol()
    }

    fn decimals(&self) -> U8 {
        self.decimals.get()
    }
}

#[public]
impl IAccessControl for YieldVault {
    type Error = Error;

    fn has_role(&self, role: B256, account: Address) -> bool {
        self.access.has_role(role, account)
    }

    fn only_role(&self, role: B256) -> Result<(), Self::Error> {
        Ok(self.access.only_role(role)?)
    }

    fn get_role_admin(&self, role: B256) -> B256 {
        self.access.get_role_admin(role)
    }

    fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Self::Error> {
        Ok(self.access.grant_role(role, account)?)
    }

    fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Self::Error> {
        Ok(self.access.revoke_role(role, account)?)
    }

    fn renounce_role(&mut self, role: B256, confirmation: Address) -> Result<(), Self::Error> {
        Ok(self.access.renounce_role(role, confirmation)?)
    }
}

#[public]
impl IErc165 for YieldVault {
    fn supports_interface(&self, interface_id: B32) -> bool {
        <Self as IErc4626>::interface_id() == interface_id
            || self.erc20.supports_interface(interface_id)
            || self.metadata.supports_interface(interface_id)
            || self.access.supports_interface(interface_id)
    }
}

#[cfg(test)]
mod tests;
