//! JobMarket: the provider registry and inference jobs (models live in the
//! ModelRegistry, asked at every request) paid in
//! ComputeLedger credits. A separate contract from the ledger because together they do
//! not fit the 24 KiB limit; it moves credits only through the ledger's market functions
//! (`reserve`, `release`, `charge`, `pay`) and holds providers' bonds itself.
//!
//! Job life: `request` reserves the maximum in the ledger → `fulfil` (provider, before the
//! deadline) fixes the charge = units × the price snapshotted at request, capped at the
//! reservation, and releases the rest → the charge becomes final by `accept` (requester),
//! `acceptBySig` (the requester's EIP-712 signature, submitted by anyone), or `accept` by
//! anyone after the challenge window; `dispute` within the window freezes it until the arbiter
//! `resolve`s with a refund share (an upheld dispute also slashes the provider's bond into
//! the requester's credits: as much again as the refund, at most `slashBps` of the bond).
//! Every job can end without its requester or the arbiter, so no bond is held for ever:
//! unfulfilled at the deadline, anyone may `cancel` it with a full refund; disputed and
//! unresolved by the resolution deadline, anyone may `cancel` it by default (the charge
//! refunded, nothing slashed; see [`disputes`]). Final charges accrue to the provider's
//! earnings, paid by `withdraw`.
//!
//! Times: `fulfil` needs `now < deadline`, `cancel` of an unfulfilled job needs
//! `now >= deadline`, and `deadline >= now + max(minWindow, 1)` at request (a provider
//! always gets time to fulfil); `dispute` needs `now < fulfilledAt + window`, `accept`
//! by others than the requester needs `now >= fulfilledAt + window`, `cancel` of a
//! dispute needs `now >= fulfilledAt + window + disputeWindow`. All windows are admin
//! parameters; the unit tests move the market's clock (motsu's stands still).
//!
//! A consumer callback gets its full `callbackGas` or `fulfil` fails with
//! `InsufficientGas`: otherwise a provider could pick a transaction gas limit that
//! leaves the callback (after the 63/64 rule) too little to run and still be paid.
//!
//! The payment token is the ledger's (checked at setup): slashing hands the ledger bond
//! in this token, so any other token would make every upheld dispute revert.
//!
//! Roles ([`roles`]): OpenZeppelin AccessControl's vocabulary (`hasRole`, `grantRole`,
//! `revokeRole`) over one byte of role bits per account: admin (community governance),
//! arbiter, guardian; the guardian `pause`s new requests. For the 24 KiB limit there is
//! no on-chain digest view (the EIP-712 digest is the standard one, see
//! [`JobMarket::accept_digest`]) and provider endpoints, model URIs and input/output URIs
//! live in events, not storage.
//!
//! The rules, one module each: [`providers`] (bond, prices, unbonding, withdrawals),
//! [`jobs`] (request, fulfil, accept, cancel, settlement), [`acceptance`] (acceptance by
//! signature), [`disputes`] (dispute, resolution, slash), [`params`], [`roles`];
//! [`errors`] and [`events`] declare what the market says.
//!
//! Needs the local chain (motsu cannot show it): gas-burning callbacks (motsu meters no
//! gas), the SDK's reentrancy denial on a callback that calls back, real TBAs as
//! ERC-1271 signers (code-hash detection of contracts), windows and unbonding under a
//! moving clock.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

pub mod acceptance;
pub mod calls;
pub mod disputes;
pub mod errors;
pub mod events;
pub mod jobs;
pub mod params;
pub mod providers;
pub mod roles;

use alloc::{vec, vec::Vec};

pub use acceptance::ACCEPT_TYPEHASH;
use compute_fi_contracts::{
    access::{Roles, ADMIN_ROLE},
    errors::AlreadyInitialized,
};
pub use errors::*;
pub use events::*;
pub use roles::ROLES;
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256},
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageBool, StorageMap, StorageU16, StorageU256, StorageU64,
        StorageU8,
    },
};

#[cfg(test)]
mod tests;

/// Job states.
pub mod status {
    pub const NONE: u8 = 0;
    pub const REQUESTED: u8 = 1;
    pub const FULFILLED: u8 = 2;
    pub const DISPUTED: u8 = 3;
    pub const SETTLED: u8 = 4;
    pub const CANCELLED: u8 = 5;
}

/// A provider.
#[storage]
pub struct Provider {
    bond: StorageU256,
    /// Zero while active; else when the bond can be withdrawn.
    unbond_at: StorageU64,
    /// Jobs requested from this provider and not yet settled or cancelled.
    open: StorageU64,
    /// Final earnings not yet withdrawn.
    earnings: StorageU256,
    prices: StorageMap<U256, StorageU256>,
}

/// A job.
#[storage]
pub struct Job {
    requester: StorageAddress,
    deadline: StorageU64,
    status: StorageU8,
    provider: StorageAddress,
    fulfilled_at: StorageU64,
    max: StorageU256,
    price: StorageU256,
    charge: StorageU256,
    output_hash: StorageB256,
}

#[entrypoint]
#[storage]
pub struct JobMarket {
    roles: Roles,
    paused: StorageBool,
    ledger: StorageAddress,
    token: StorageAddress,
    min_bond: StorageU256,
    unbond_delay: StorageU64,
    window: StorageU64,
    min_window: StorageU64,
    callback_gas: StorageU64,
    slash_bps: StorageU16,
    models: StorageAddress,
    providers: StorageMap<Address, Provider>,
    jobs: StorageMap<U256, Job>,
    job_count: StorageU256,
    /// The arbiter's time after the challenge window (see `disputes`).
    dispute_window: StorageU64,
}

impl JobMarket {
    /// The setup: `admin` gets the admin role. `token` must be `ledger`'s payment token
    /// (`PaymentTokenMismatch`).
    fn setup(
        &mut self,
        admin: Address,
        ledger: Address,
        token: Address,
        models: Address,
    ) -> Result<(), Error> {
        if !self.ledger.get().is_zero() {
            return Err(Error::AlreadyInitialized(AlreadyInitialized {}));
        }
        if admin.is_zero() || ledger.is_zero() || token.is_zero() || models.is_zero() {
            return Err(invalid());
        }
        // Bonds are slashed into the ledger in this token: another one would make every
        // upheld dispute revert.
        let ledger_token = self.payment_token_of(ledger);
        if ledger_token != token {
            return Err(Error::PaymentTokenMismatch(PaymentTokenMismatch {
                token,
                ledgerToken: ledger_token,
            }));
        }
        let sender = self.vm().msg_sender();
        self.roles.set(&ROLES, ADMIN_ROLE, admin, true, sender)?;
        self.ledger.set(ledger);
        self.token.set(token);
        self.models.set(models);
        Ok(())
    }
}

#[public]
impl JobMarket {
    #[constructor]
    pub fn constructor(
        &mut self,
        admin: Address,
        ledger: Address,
        token: Address,
        models: Address,
    ) -> Result<(), Error> {
        self.setup(admin, ledger, token, models)
    }

    // ------------------------------------------------------------------ roles

    /// Whether `account` holds `role` (admin, arbiter or guardian).
    #[selector(name = "hasRole")]
    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.roles.has(&ROLES, role, account)
    }

    /// Admin: gives `role` to `account`.
    #[selector(name = "grantRole")]
    pub fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.set_role(role, account, true)
    }

    /// Admin: takes `role` from `account`.
    #[selector(name = "revokeRole")]
    pub fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.set_role(role, account, false)
    }

    /// Guardian: pauses new requests; never fulfilment, settlement, refunds or
    /// withdrawals.
    pub fn pause(&mut self) -> Result<(), Error> {
        self.set_pause(true)
    }

    /// Guardian: resumes new requests.
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.set_pause(false)
    }

    /// Whether new requests are paused.
    pub fn paused(&self) -> bool {
        self.paused.get()
    }

    /// Admin: see [`params`].
    #[selector(name = "setParams")]
    #[allow(clippy::too_many_arguments)]
    pub fn set_params(
        &mut self,
        min_bond: U256,
        unbond_delay: u64,
        challenge_window: u64,
        dispute_window: u64,
        min_window: u64,
        callback_gas: u64,
        slash_bps: u16,
    ) -> Result<(), Error> {
        params::set_params(
            self,
            min_bond,
            unbond_delay,
            challenge_window,
            dispute_window,
            min_window,
            callback_gas,
            slash_bps,
        )
    }

    // ------------------------------------------------------------------ providers

    /// Joins as a provider (or adds bond and updates the endpoint): pulls `bond` of the
    /// payment token. The total bond must reach the minimum. Cancels a pending unbond.
    #[selector(name = "joinProvider")]
    pub fn join_provider(&mut self, endpoint: Bytes, bond: U256) -> Result<(), Error> {
        providers::join(self, endpoint, bond)
    }

    /// Provider: sets its price per unit for `model` (zero stops serving it).
    #[selector(name = "setPrice")]
    pub fn set_price(&mut self, model: U256, price: U256) -> Result<(), Error> {
        providers::set_price(self, model, price)
    }

    /// Provider: stops taking new jobs; the bond can be withdrawn after the delay once
    /// every open job is settled or cancelled.
    #[selector(name = "startUnbond")]
    pub fn start_unbond(&mut self) -> Result<(), Error> {
        providers::start_unbond(self)
    }

    /// Provider: withdraws its whole bond after unbonding.
    #[selector(name = "withdrawBond")]
    pub fn withdraw_bond(&mut self) -> Result<(), Error> {
        providers::withdraw_bond(self)
    }

    /// Provider: withdraws its final earnings (paid by the ledger).
    pub fn withdraw(&mut self) -> Result<(), Error> {
        providers::withdraw(self)
    }

    /// (bond, unbond time or 0, open jobs, final earnings, price for `model`).
    pub fn provider(&self, provider: Address, model: U256) -> (U256, u64, u64, U256, U256) {
        let p = self.providers.getter(provider);
        (
            p.bond.get(),
            p.unbond_at.get().to::<u64>(),
            p.open.get().to::<u64>(),
            p.earnings.get(),
            p.prices.get(model),
        )
    }

    // ------------------------------------------------------------------ jobs

    /// Requests a job: checks access (for a collection-gated model: the caller holds the
    /// collection, or is the registry's account of `token_id` with `salt`), reserves
    /// `max_credits` of the caller's credits, and emits what the provider watches.
    #[allow(clippy::too_many_arguments)]
    pub fn request(
        &mut self,
        model: U256,
        provider: Address,
        max_credits: U256,
        input_hash: B256,
        input_uri: Bytes,
        deadline: u64,
        token_id: U256,
        salt: B256,
    ) -> Result<U256, Error> {
        jobs::request(
            self,
            model,
            provider,
            max_credits,
            input_hash,
            input_uri,
            deadline,
            token_id,
            salt,
        )
    }

    /// Provider: delivers the result before the deadline. The charge is `units` × the
    /// price at request, capped at the reservation; the rest is released at once.
    pub fn fulfil(
        &mut self,
        job: U256,
        output_hash: B256,
        output_uri: Bytes,
        units: U256,
    ) -> Result<(), Error> {
        jobs::fulfil(self, job, output_hash, output_uri, units)
    }

    /// Makes a fulfilled job's charge final: at once when the requester calls it; by
    /// anyone (the provider, a keeper) once the challenge window has passed undisputed.
    pub fn accept(&mut self, job: U256) -> Result<(), Error> {
        jobs::accept(self, job)
    }

    /// Anyone (the provider): submits the requester's EIP-712 `Accept(jobId, outputHash)`
    /// signature: ecrecover for an EOA requester, ERC-1271 for a contract (a TBA).
    #[selector(name = "acceptBySig")]
    pub fn accept_by_sig(&mut self, job: U256, signature: Bytes) -> Result<(), Error> {
        acceptance::accept_by_sig(self, job, signature)
    }

    /// Requester, within the challenge window: freezes the charge for the arbiter.
    pub fn dispute(&mut self, job: U256) -> Result<(), Error> {
        disputes::dispute(self, job)
    }

    /// Arbiter: resolves a dispute, refunding `refund_bps` of the charge. A refund above
    /// zero upholds the dispute and slashes as much again from the provider's bond into
    /// the requester's credits, at most `slashBps` of the bond.
    pub fn resolve(&mut self, job: U256, refund_bps: u16) -> Result<(), Error> {
        disputes::resolve(self, job, refund_bps)
    }

    /// Anyone: ends a job no one finished in time, always in the requester's favour. At or
    /// after the deadline of an unfulfilled job: a full refund. At or after the resolution
    /// deadline of an unresolved dispute (`fulfilledAt + challengeWindow +
    /// disputeWindow`): the charge refunded, nothing slashed.
    pub fn cancel(&mut self, job: U256) -> Result<(), Error> {
        jobs::cancel(self, job)
    }

    /// (requester, provider, status, deadline, fulfilled at, max, price, charge).
    pub fn job(&self, id: U256) -> (Address, Address, u8, u64, u64, U256, U256, U256) {
        let j = self.jobs.getter(id);
        (
            j.requester.get(),
            j.provider.get(),
            j.status.get().to::<u8>(),
            j.deadline.get().to::<u64>(),
            j.fulfilled_at.get().to::<u64>(),
            j.max.get(),
            j.price.get(),
            j.charge.get(),
        )
    }
}
