//! The market's calls out, encoded by hand: the ledger's market functions (credits move
//! only through them), the payment token (bonds), the model registry's access answer,
//! a requester's ERC-1271 check and its consumer callback. Typed interface wrappers
//! would compile an encoder and a decoder per function, several kilobytes in a contract
//! at the size limit; here one encoder serves all, and each answer is checked exactly as
//! the ABI decoder would (`validate`: one word, no stray bits).

use alloc::vec::Vec;

use compute_fi_contracts::{
    interfaces::ledger::{ERC1271_MAGIC, JOB_CONSUMER_INTERFACE_ID},
    signatures::selector,
};
#[allow(deprecated)]
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    call::Call,
    prelude::*,
};

use crate::{
    errors::{ledger_err, Error, InsufficientGas, LedgerCallFailed, TokenCallFailed},
    JobMarket,
};

/// Ledger: reserves `amount` of `account`'s credits for a job.
pub const RESERVE: [u8; 4] = selector(b"reserve(address,uint256)");
/// Ledger: releases reserved credits back to `account`.
pub const RELEASE: [u8; 4] = selector(b"release(address,uint256)");
/// Ledger: turns reserved credits of `account` into the market's final charges.
pub const CHARGE: [u8; 4] = selector(b"charge(address,uint256)");
/// Ledger: pays `amount` of final charges to `to` in the payment token.
pub const PAY: [u8; 4] = selector(b"pay(address,uint256)");
/// Ledger: pulls `amount` of the payment token from the caller into `account`'s credits.
pub const TOP_UP: [u8; 4] = selector(b"topUp(address,uint256)");
/// Ledger: `addresses()` returns (vault, asset, payment token, pool, market).
pub const ADDRESSES: [u8; 4] = selector(b"addresses()");
/// ERC-20 `transfer(to, value)`.
pub const TRANSFER: [u8; 4] = selector(b"transfer(address,uint256)");
/// ERC-20 `approve(spender, value)`.
pub const APPROVE: [u8; 4] = selector(b"approve(address,uint256)");
/// ERC-20 `transferFrom(from, to, value)`.
pub const TRANSFER_FROM: [u8; 4] = selector(b"transferFrom(address,address,uint256)");
/// Model registry `access(id, requester, tokenId, salt) returns (uint8)`.
pub const ACCESS: [u8; 4] = selector(b"access(uint256,address,uint256,bytes32)");
/// ERC-165 `supportsInterface(bytes4) returns (bool)`.
pub const SUPPORTS_INTERFACE: [u8; 4] = selector(b"supportsInterface(bytes4)");
/// ERC-1271 `isValidSignature(bytes32, bytes) returns (bytes4)`.
pub const IS_VALID_SIGNATURE: [u8; 4] = selector(b"isValidSignature(bytes32,bytes)");
/// The job consumer callback.
pub const ON_JOB_FULFILLED: [u8; 4] = selector(b"onJobFulfilled(uint256,bytes32,uint256,uint256)");

/// Gas a call to the consumer costs the market besides the allowance it passes on: the
/// cold account access (2,600), the call itself and the work between the check and it.
pub const CALL_COST: u64 = 10_000;

/// Solidity's `Panic(uint256)` selector: what a reverted call reports when its return
/// data does not decode (the ledger's market functions return nothing).
const PANIC: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];

/// The ABI word of `true`.
const TRUE_WORD: B256 = B256::with_last_byte(1);

/// The ABI word of a `bytes4` value (left-aligned).
const fn bytes4_word(b: [u8; 4]) -> B256 {
    let mut w = [0u8; 32];
    w[0] = b[0];
    w[1] = b[1];
    w[2] = b[2];
    w[3] = b[3];
    B256::new(w)
}

/// The ABI word of an address.
pub(crate) fn address_word(a: Address) -> B256 {
    let mut w = B256::ZERO;
    w.0.split_at_mut(12).1.copy_from_slice(a.as_slice());
    w
}

/// ABI calldata: the selector, then one word per argument, then `tail` (the dynamic part).
fn encode(selector: [u8; 4], words: &[B256], tail: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(4 + 32 * words.len() + tail.len());
    data.extend_from_slice(&selector);
    for w in words {
        data.extend_from_slice(w.as_slice());
    }
    data.extend_from_slice(tail);
    data
}

/// Whether a call returned exactly the one word `want`.
fn returned<E>(r: &Result<Vec<u8>, E>, want: B256) -> bool {
    matches!(r, Ok(d) if d.as_slice() == want.as_slice())
}

#[allow(deprecated)]
impl JobMarket {
    /// Calls the ledger's `selector(account, amount)`; a revert is `LedgerCallFailed`
    /// naming the ledger's error.
    pub(crate) fn ledger_call(
        &mut self,
        selector: [u8; 4],
        account: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let data = encode(selector, &[address_word(account), amount.into()], &[]);
        let ledger = self.ledger.get();
        match stylus_sdk::call::call(&mut *self, ledger, &data) {
            Ok(r) if r.is_empty() => Ok(()),
            Ok(_) => Err(Error::LedgerCallFailed(LedgerCallFailed { ledgerError: PANIC.into() })),
            Err(e) => Err(ledger_err(e)),
        }
    }

    /// Calls the payment token's `selector(words…)`; anything but a return of `true` (a
    /// revert, no data, other data) is `TokenCallFailed`.
    pub(crate) fn token_call(&mut self, selector: [u8; 4], words: &[B256]) -> Result<(), Error> {
        let token = self.token.get();
        let r = stylus_sdk::call::call(&mut *self, token, &encode(selector, words, &[]));
        if !returned(&r, TRUE_WORD) {
            return Err(Error::TokenCallFailed(TokenCallFailed { token }));
        }
        Ok(())
    }

    /// The payment token of `ledger` (the third word of its `addresses()`); zero when the
    /// call fails or that word is not an address.
    pub(crate) fn payment_token_of(&self, ledger: Address) -> Address {
        let r = stylus_sdk::call::static_call(self, ledger, &ADDRESSES);
        match r.as_deref().map(|d| (d.get(64..76), d.get(76..96))) {
            Ok((Some(high), Some(a))) if high.iter().all(|b| *b == 0) => {
                <[u8; 20]>::try_from(a).map_or(Address::ZERO, Address::from)
            }
            _ => Address::ZERO,
        }
    }

    /// The model registry's answer for `requester` (0 ok, 1 unavailable, 2 denied); a
    /// failed call or an answer that is not a `uint8` counts as denied.
    pub(crate) fn access_answer(
        &self,
        model: U256,
        requester: Address,
        token_id: U256,
        salt: B256,
    ) -> u8 {
        let words = [model.into(), address_word(requester), token_id.into(), salt];
        let r =
            stylus_sdk::call::static_call(self, self.models.get(), &encode(ACCESS, &words, &[]));
        match r.as_deref().map(|d| d.split_last()) {
            Ok(Some((answer, high))) if high.len() == 31 && high.iter().all(|b| *b == 0) => *answer,
            _ => 2,
        }
    }

    /// Whether contract `account` accepts `signature` of `digest` (ERC-1271: it returns
    /// exactly the magic value).
    pub(crate) fn erc1271_accepts(&self, account: Address, digest: B256, signature: &[u8]) -> bool {
        // (bytes32 hash, bytes signature): the bytes at offset 0x40, length-prefixed and
        // zero-padded to whole words.
        let mut tail = Vec::with_capacity(32 + signature.len() + 32);
        tail.extend_from_slice(U256::from(signature.len()).to_be_bytes::<32>().as_slice());
        tail.extend_from_slice(signature);
        tail.resize(tail.len().div_ceil(32).saturating_mul(32), 0);
        let data = encode(IS_VALID_SIGNATURE, &[digest, U256::from(0x40u8).into()], &tail);
        let r = stylus_sdk::call::static_call(self, account, &data);
        returned(&r, bytes4_word(ERC1271_MAGIC))
    }

    /// Calls the requester's consumer hook with `gas` when it declares the interface
    /// through ERC-165; `false` when declared and the hook failed. Each call gets its
    /// full `gas` or neither is made (`InsufficientGas`): a starved query would read as
    /// "not declared" and a starved hook as its own failure.
    pub(crate) fn notify_consumer(
        &mut self,
        requester: Address,
        gas: u64,
        words: [B256; 4],
    ) -> Result<bool, Error> {
        let query = encode(SUPPORTS_INTERFACE, &[bytes4_word(JOB_CONSUMER_INTERFACE_ID)], &[]);
        self.gas_for(gas)?;
        let declared = stylus_sdk::call::static_call(Call::new().gas(gas), requester, &query);
        if !returned(&declared, TRUE_WORD) {
            return Ok(true);
        }
        let data = encode(ON_JOB_FULFILLED, &words, &[]);
        self.gas_for(gas)?;
        let r = stylus_sdk::call::call(Call::new_in(self).gas(gas), requester, &data);
        Ok(matches!(r, Ok(d) if d.is_empty()))
    }

    /// `Ok` when a call made now can be given `gas`: a call gets at most 63/64 of what is
    /// left after its own cost, so `gas × 64/63 + CALL_COST` must be left.
    fn gas_for(&self, gas: u64) -> Result<(), Error> {
        let needed = gas.saturating_add(gas.div_ceil(63)).saturating_add(CALL_COST);
        let left = self.vm().evm_gas_left();
        if left < needed {
            return Err(Error::InsufficientGas(InsufficientGas { gasLeft: left, needed }));
        }
        Ok(())
    }
}
