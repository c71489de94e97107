//! Calls to the asset, the source and the ledger, through one raw-call helper each for
//! state-changing and view calls: the `sol_interface!` wrappers cost ~1.4 KiB of WASM.
//! Every failed call, short answer or ERC-20 `false` is `CallFailed(target, amount)`.

use alloc::vec::Vec;

use alloy_sol_types::SolCall;
use compute_fi_contracts::interfaces::vault::{IVaultAsset, IYieldSource};
#[allow(deprecated)]
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    call::RawCall,
    prelude::*,
};

use crate::{
    errors::{call_failed, Error},
    YieldVault,
};

/// The first word of `target`'s answer; a short answer is a failure.
pub(crate) fn first_word(target: Address, answer: &[u8]) -> Result<U256, Error> {
    answer.get(..32).map(U256::from_be_slice).ok_or_else(|| call_failed(target, U256::ZERO))
}

impl YieldVault {
    /// A state-changing call to `target` (asset, source, ledger or WETH) with `value` wei;
    /// storage is flushed first so anything the callee reads of this vault is current.
    /// `amount` is what the call moves, for the error.
    #[allow(deprecated)]
    pub(crate) fn call_out(
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
    pub(crate) fn view_call(&self, target: Address, data: &[u8]) -> Result<Vec<u8>, Error> {
        // SAFETY: a static call cannot change state, ours included.
        unsafe { RawCall::new_static().call(target, data) }
            .map_err(|_| call_failed(target, U256::ZERO))
    }

    /// An ERC-20 call must answer `true` or nothing.
    pub(crate) fn check_true(
        &self,
        token: Address,
        answer: &[u8],
        amount: U256,
    ) -> Result<(), Error> {
        if answer.is_empty() || first_word(token, answer)? == U256::from(1u8) {
            Ok(())
        } else {
            Err(call_failed(token, amount))
        }
    }

    /// The vault's balance of `token`.
    fn balance_in(&self, token: Address) -> Result<U256, Error> {
        let this = self.vm().contract_address();
        let answer =
            self.view_call(token, &IVaultAsset::balanceOfCall { account: this }.abi_encode())?;
        first_word(token, &answer)
    }

    /// Idle asset held by the vault.
    pub(crate) fn idle(&self) -> Result<U256, Error> {
        self.balance_in(self.asset.get())
    }

    /// Source shares held by the vault.
    pub(crate) fn source_shares(&self) -> Result<U256, Error> {
        self.balance_in(self.source.get())
    }

    /// Puts `assets` of idle asset into the source.
    pub(crate) fn invest(&mut self, assets: U256) -> Result<(), Error> {
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
    pub(crate) fn make_idle(&mut self, assets: U256) -> Result<(), Error> {
        let idle = self.idle()?;
        if idle < assets {
            let this = self.vm().contract_address();
            let source = self.source.get();
            let lacking = assets.saturating_sub(idle);
            self.call_out(
                source,
                &IYieldSource::withdrawCall { assets: lacking, receiver: this, owner: this }
                    .abi_encode(),
                U256::ZERO,
                lacking,
            )?;
        }
        Ok(())
    }

    /// Sends `amount` of idle asset to `to`.
    pub(crate) fn send_asset(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        let asset = self.asset.get();
        let answer = self.call_out(
            asset,
            &IVaultAsset::transferCall { to, value: amount }.abi_encode(),
            U256::ZERO,
            amount,
        )?;
        self.check_true(asset, &answer, amount)
    }
}
