//! Setup and configuration: the one-time setup (asset, source, ledger, admin, name and
//! symbol, native ETH), the admin's settings (caps, stake, lock, harvest rules, profit and
//! loss bounds) and the flag bits they share one storage byte with.

use alloy_sol_types::{SolCall, SolEvent};
use compute_fi_contracts::{access::ADMIN_ROLE, interfaces::vault::IVaultAsset};
use stylus_sdk::alloy_primitives::{Address, B256, U16, U256, U64, U8};

use crate::{
    calls::first_word,
    errors::{
        AlreadyInitialized, Error, InvalidName, InvalidSetup, LockTooLong, NativeNotSupported,
    },
    events::{Configured, LedgerSet},
    YieldVault,
};

/// The longest lock the admin may set: a year. A longer one would freeze every exit
/// (which pause never does) on a key a community's governance holds.
pub const MAX_LOCK_DURATION: u64 = 365 * 86_400;

/// The constructor ran (in this contract's storage: per clone).
pub(crate) const INITIALIZED: u8 = 1;
/// The asset is WETH: `depositEth`, `redeemEth` and `receive` work.
pub(crate) const NATIVE: u8 = 2;
/// Emergency: the position was pulled back and deposits stay idle until `unpause`.
pub(crate) const IDLE_ONLY: u8 = 4;
/// Harvest needs the keeper role.
pub(crate) const KEEPER_ONLY: u8 = 8;
/// Deposits must be exactly the minimum stake.
pub(crate) const EXACT_STAKE: u8 = 16;
/// Paused (OpenZeppelin `Pausable` semantics, see `roles`).
pub(crate) const PAUSED: u8 = 32;

impl YieldVault {
    pub(crate) fn flag(&self, bit: u8) -> bool {
        self.flags.get().to::<u8>() & bit != 0
    }

    pub(crate) fn set_flag(&mut self, bit: u8, on: bool) {
        let flags = self.flags.get().to::<u8>();
        self.flags.set(U8::from(if on { flags | bit } else { flags & !bit }));
    }

    pub(crate) fn only_native(&self) -> Result<(), Error> {
        if self.flag(NATIVE) {
            Ok(())
        } else {
            Err(Error::NativeNotSupported(NativeNotSupported {}))
        }
    }

    /// The constructor's work (see `YieldVault::constructor`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn setup(
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
        self.set_role(ADMIN_ROLE, admin, true)?;
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
        let answer = self.view_call(asset, &IVaultAsset::decimalsCall {}.abi_encode())?;
        self.decimals.set(U8::from(first_word(asset, &answer)?.to::<u8>()));
        // One standing approval: the source pulls each deposit with transferFrom.
        let answer = self.call_out(
            asset,
            &IVaultAsset::approveCall { spender: source, value: U256::MAX }.abi_encode(),
            U256::ZERO,
            U256::MAX,
        )?;
        self.check_true(asset, &answer, U256::MAX)
    }

    /// Stores the admin's settings (see `configure`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn store_config(
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
        if lock_duration > MAX_LOCK_DURATION {
            return Err(Error::LockTooLong(LockTooLong {
                lockDuration: lock_duration,
                limit: MAX_LOCK_DURATION,
            }));
        }
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

    /// What `config()` returns (see there).
    #[allow(clippy::type_complexity)]
    pub(crate) fn config_tuple(
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
            self.pending_yield.get(),
            self.last_harvest.get().to::<u64>(),
            self.flags.get().to::<u8>(),
        )
    }
}
