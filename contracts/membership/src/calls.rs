//! Membership's calls out (the registry, the stake token, the vault), encoded by
//! hand: typed wrappers (`sol_interface!`, the library's SafeErc20) compile an encoder and
//! a decoder per function, here one encoder serves all. Each answer is checked exactly as
//! the ABI decoder would (`validate`: one word, an address without stray bits), and the
//! stake token's calls keep SafeErc20's rules: the token must hold code, and answer
//! nothing or `true`; an approval it refuses is retried from zero (tokens that refuse to
//! change a non-zero allowance).

use alloc::vec::Vec;

use alloy_sol_types::SolCall;
use compute_fi_contracts::{
    interfaces::{
        tba::{IERC6551Registry, IVaultEntry},
        vault::IVaultAsset,
    },
    signatures::has_code,
};
#[allow(deprecated)]
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    call::RawCall,
    prelude::*,
};

use crate::{AccountCreationFailed, DepositFailed, Error, Membership, TokenCallFailed};

/// The ABI word of `true`.
const TRUE_WORD: B256 = B256::with_last_byte(1);

/// The ABI word of an address.
fn address_word(a: Address) -> B256 {
    let mut w = B256::ZERO;
    w.0.split_at_mut(12).1.copy_from_slice(a.as_slice());
    w
}

/// ABI calldata: the selector, then one word per argument.
fn encode(selector: [u8; 4], words: &[B256]) -> Vec<u8> {
    let mut data = Vec::with_capacity(4 + 32 * words.len());
    data.extend_from_slice(&selector);
    for w in words {
        data.extend_from_slice(w.as_slice());
    }
    data
}

/// An answer of exactly one word.
fn one_word(answer: &[u8]) -> Option<B256> {
    B256::try_from(answer).ok()
}

/// An answer of exactly one address word (its 12 high bytes zero).
fn address_answer(answer: &[u8]) -> Option<Address> {
    let word = one_word(answer)?;
    word.0.split_at(12).0.iter().all(|b| *b == 0).then(|| Address::from_word(word))
}

#[allow(deprecated)]
impl Membership {
    /// A state-changing call with `value` wei; storage is flushed first so anything the
    /// callee reads of membership is current.
    fn call_out(&mut self, target: Address, data: &[u8], value: U256) -> Option<Vec<u8>> {
        // SAFETY: the storage cache is flushed before the call; no storage reference is
        // held across it.
        unsafe { RawCall::new_with_value(value).flush_storage_cache().call(target, data) }.ok()
    }

    /// The registry's arguments for `token_id`'s account: this implementation, salt 0,
    /// this chain, this contract.
    fn account_words(&self, token_id: U256) -> [B256; 5] {
        [
            address_word(self.implementation.get()),
            B256::ZERO,
            U256::from(self.vm().chain_id()).into(),
            address_word(self.vm().contract_address()),
            token_id.into(),
        ]
    }

    /// Creates `token_id`'s account through the registry (a zero answer is a failure).
    pub(crate) fn create_account(&mut self, token_id: U256) -> Result<Address, Error> {
        let registry = self.registry.get();
        let data =
            encode(IERC6551Registry::createAccountCall::SELECTOR, &self.account_words(token_id));
        self.call_out(registry, &data, U256::ZERO)
            .as_deref()
            .and_then(address_answer)
            .filter(|a| !a.is_zero())
            .ok_or(Error::AccountCreationFailed(AccountCreationFailed {
                registry,
                tokenId: token_id,
            }))
    }

    /// The registry's answer for `token_id`'s account.
    pub(crate) fn registry_account(&self, token_id: U256) -> Result<Address, Error> {
        let registry = self.registry.get();
        let data = encode(IERC6551Registry::accountCall::SELECTOR, &self.account_words(token_id));
        // SAFETY: a static call cannot change state, ours included.
        unsafe { RawCall::new_static().flush_storage_cache().call(registry, &data) }
            .ok()
            .as_deref()
            .and_then(address_answer)
            .ok_or(Error::AccountCreationFailed(AccountCreationFailed {
                registry,
                tokenId: token_id,
            }))
    }

    /// A call to the stake token `token` that must succeed and answer nothing or `true`.
    fn token_call(&mut self, token: Address, data: &[u8]) -> Result<(), Error> {
        let failed = Error::TokenCallFailed(TokenCallFailed { token });
        if !has_code(self.vm(), token) {
            return Err(failed);
        }
        // SAFETY: as `call_out`; only the first word of the answer is read.
        let answer = unsafe {
            RawCall::new().limit_return_data(0, 32).flush_storage_cache().call(token, data)
        }
        .map_err(|_| Error::TokenCallFailed(TokenCallFailed { token }))?;
        if answer.is_empty() || one_word(&answer) == Some(TRUE_WORD) {
            Ok(())
        } else {
            Err(failed)
        }
    }

    /// Takes `amount` of `token` from `from`.
    pub(crate) fn pull(
        &mut self,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let this = address_word(self.vm().contract_address());
        let data = encode(
            IVaultAsset::transferFromCall::SELECTOR,
            &[address_word(from), this, amount.into()],
        );
        self.token_call(token, &data)
    }

    /// Approves `spender` for exactly `amount` of `token`, from zero if the token refuses.
    pub(crate) fn approve_token(
        &mut self,
        token: Address,
        spender: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let approve = |amount: U256| {
            encode(IVaultAsset::approveCall::SELECTOR, &[address_word(spender), amount.into()])
        };
        if self.token_call(token, &approve(amount)).is_ok() {
            return Ok(());
        }
        self.token_call(token, &approve(U256::ZERO))?;
        self.token_call(token, &approve(amount))
    }

    /// Deposits `assets` into `vault` for `receiver`; returns the shares. With `eth`, the
    /// assets are the ETH this call holds, sent with `depositEth`: the vault wraps them
    /// straight into its own balance, so membership never holds, approves or hands over
    /// the stake token (two program entries and two slots set and cleared fewer a join).
    pub(crate) fn deposit_stake(
        &mut self,
        vault: Address,
        assets: U256,
        receiver: Address,
        eth: bool,
    ) -> Result<U256, Error> {
        let (data, value) = if eth {
            (encode(IVaultEntry::depositEthCall::SELECTOR, &[address_word(receiver)]), assets)
        } else {
            let words = [assets.into(), address_word(receiver)];
            (encode(IVaultEntry::depositCall::SELECTOR, &words), U256::ZERO)
        };
        self.call_out(vault, &data, value)
            .as_deref()
            .and_then(one_word)
            .map(|w| U256::from_be_bytes(w.0))
            .ok_or(Error::DepositFailed(DepositFailed { vault, assets }))
    }
}
