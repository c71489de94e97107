//! JobMarket: the provider registry and inference jobs (models live in the
//! ModelRegistry, asked at every request) paid in
//! ComputeLedger credits. A separate contract from the ledger because together they do
//! not fit the 24 KiB limit; it moves credits only through the ledger's market functions
//! (`reserve`, `release`, `charge`, `pay`) and holds providers' bonds itself.
//!
//! Job life: `request` reserves the maximum in the ledger → `fulfil` (provider, before the
//! deadline) fixes the charge = units × the price snapshotted at request, capped at the
//! reservation, and releases the rest → the charge becomes final by `accept` (requester),
//! `acceptBySig` (the requester's EIP-712 signature, submitted by anyone), or `claim`
//! after the challenge window; `dispute` within the window freezes it until the arbiter
//! `resolve`s with a refund share (an upheld dispute also slashes the provider's bond into
//! the requester's credits: as much again as the refund, at most `slashBps` of the bond).
//! Unfulfilled at the deadline: `cancel` refunds in full. Final
//! charges accrue to the provider's earnings, paid by `withdraw`.
//!
//! Times: `fulfil` needs `now < deadline`, `cancel` needs `now >= deadline`, and
//! `deadline >= now + minWindow` at request; `dispute` needs `now < fulfilledAt + window`,
//! `accept` by others than the requester needs `now >= fulfilledAt + window`. All windows are admin parameters, so zero
//! windows make every path reachable under a fixed test clock.
//!
//! Roles: admin (community governance), arbiter, guardian, as plain addresses set by the
//! admin (`setRoles`). OpenZeppelin's AccessControl did not fit: with it the contract is
//! 25,057 B compressed, over the 24,576 B limit. For the same reason there is no
//! on-chain digest view (the EIP-712 digest is the
//! standard one, see [`JobMarket::accept_digest`]) and provider endpoints, model URIs and
//! input/output URIs live in events, not storage.
//!
//! Needs the local chain (motsu cannot show it): gas-burning callbacks (motsu meters no
//! gas), the SDK's reentrancy denial on a callback that calls back, real TBAs as
//! ERC-1271 signers (code-hash detection of contracts), windows and unbonding under a
//! moving clock.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use compute_fi_contracts::{
    interfaces::ledger::{
        IComputeJobConsumer, IComputeLedgerMarket, IErc1271, IErc165View, IErc20Calls,
        IModelRegistryAccess, ERC1271_MAGIC, JOB_CONSUMER_INTERFACE_ID,
    },
    math::BPS,
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, FixedBytes, B256, U256},
    alloy_sol_types::{sol, SolValue},
    crypto::keccak,
    keccak_const,
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageBool, StorageMap, StorageU16, StorageU256, StorageU64,
        StorageU8,
    },
};

#[cfg(test)]
mod tests;

/// EIP-712 type of an acceptance.
pub const ACCEPT_TYPEHASH: [u8; 32] =
    keccak_const::Keccak256::new().update(b"Accept(uint256 jobId,bytes32 outputHash)").finalize();
const DOMAIN_TYPEHASH: [u8; 32] = keccak_const::Keccak256::new()
    .update(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    .finalize();
const NAME_HASH: [u8; 32] =
    keccak_const::Keccak256::new().update(b"Compute-Fi JobMarket").finalize();
const VERSION_HASH: [u8; 32] = keccak_const::Keccak256::new().update(b"1").finalize();

/// The ecrecover precompile.
const ECRECOVER: Address =
    Address::new([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
/// secp256k1 order / 2: larger `s` values are the malleable twins (EIP-2).
const HALF_ORDER: U256 = stylus_sdk::alloy_primitives::uint!(
    0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0_U256
);
const EMPTY_CODE_HASH: B256 = B256::new(keccak_const::Keccak256::new().finalize());

/// Job states.
pub mod status {
    pub const NONE: u8 = 0;
    pub const REQUESTED: u8 = 1;
    pub const FULFILLED: u8 = 2;
    pub const DISPUTED: u8 = 3;
    pub const SETTLED: u8 = 4;
    pub const CANCELLED: u8 = 5;
}

sol! {
    #[derive(Debug)]
    event ProviderJoined(address indexed provider, uint256 bond, bytes endpoint);
    #[derive(Debug)]
    event PriceSet(address indexed provider, uint256 indexed model, uint256 price);
    #[derive(Debug)]
    event UnbondStarted(address indexed provider, uint64 availableAt);
    #[derive(Debug)]
    event BondWithdrawn(address indexed provider, uint256 amount);
    #[derive(Debug)]
    event JobRequested(uint256 indexed id, address indexed requester, address indexed provider, uint256 model, uint256 maxCredits, uint256 price, bytes32 inputHash, bytes inputURI, uint64 deadline);
    #[derive(Debug)]
    event JobFulfilled(uint256 indexed id, bytes32 outputHash, bytes outputURI, uint256 units, uint256 charge);
    #[derive(Debug)]
    event JobDisputed(uint256 indexed id);
    /// The charge became final: `paid` to the provider's earnings, `refund` released
    /// to the requester, `slashed` from the provider's bond into the requester's credits.
    #[derive(Debug)]
    event JobSettled(uint256 indexed id, uint256 paid, uint256 refund, uint256 slashed);
    #[derive(Debug)]
    event JobCancelled(uint256 indexed id, uint256 refund);
    /// The requester's consumer callback reverted or ran out of its gas.
    #[derive(Debug)]
    event CallbackFailed(uint256 indexed id);
    /// The admin (community governance), arbiter and guardian.
    #[derive(Debug)]
    event RolesSet(address admin, address arbiter, address guardian);
    #[derive(Debug)]
    event PausedSet(address indexed guardian, bool paused);
    #[derive(Debug)]
    event ParamsSet(uint256 minBond, uint64 unbondDelay, uint64 challengeWindow, uint64 minWindow, uint64 callbackGas, uint16 slashBps);

    #[derive(Debug)]
    error InvalidArgument();
    #[derive(Debug)]
    error AlreadyInitialized();
    #[derive(Debug)]
    error NotAllowed(address caller);
    /// The model registry refused: `answer` 1 = model unavailable, 2 = access denied.
    #[derive(Debug)]
    error NoAccess(address requester, uint256 model, uint8 answer);
    #[derive(Debug)]
    error ProviderUnavailable(address provider, uint256 model);
    /// The bond is below `minimum` (join), or still locked: unbonding not started or
    /// not over (`availableAt`), or `openJobs` not yet settled (withdrawal).
    #[derive(Debug)]
    error BondRefused(uint256 bond, uint256 minimum, uint64 availableAt, uint64 openJobs);
    #[derive(Debug)]
    error DeadlineTooSoon(uint64 deadline, uint64 earliest);
    #[derive(Debug)]
    error WrongStatus(uint256 job, uint8 status);
    /// Not allowed at this time: `limit` is the deadline or window bound crossed.
    #[derive(Debug)]
    error OutOfTime(uint256 job, uint64 limit);
    #[derive(Debug)]
    error BadSignature(address requester);
    /// A ledger call reverted with the error whose selector is `ledgerError` (for
    /// example the ledger's InsufficientCredits).
    #[derive(Debug)]
    error LedgerCallFailed(bytes4 ledgerError);
    #[derive(Debug)]
    error TokenCallFailed(address token);
    #[derive(Debug)]
    error Overflow();
    /// New requests are paused by the guardian.
    #[derive(Debug)]
    error Paused();
}

#[derive(SolidityError, Debug)]
pub enum Error {
    InvalidArgument(InvalidArgument),
    AlreadyInitialized(AlreadyInitialized),
    NotAllowed(NotAllowed),
    NoAccess(NoAccess),
    ProviderUnavailable(ProviderUnavailable),
    BondRefused(BondRefused),
    DeadlineTooSoon(DeadlineTooSoon),
    WrongStatus(WrongStatus),
    OutOfTime(OutOfTime),
    BadSignature(BadSignature),
    LedgerCallFailed(LedgerCallFailed),
    TokenCallFailed(TokenCallFailed),
    Overflow(Overflow),
    Paused(Paused),
}

#[allow(deprecated)]
fn ledger_err(e: stylus_sdk::call::Error) -> Error {
    let data: Vec<u8> = e.into();
    let mut sel = [0u8; 4];
    for (d, b) in sel.iter_mut().zip(data.iter()) {
        *d = *b;
    }
    Error::LedgerCallFailed(LedgerCallFailed { ledgerError: sel.into() })
}

/// `x * b / 10_000` rounded down, by limb-wise long division (the generic 256/512-bit
/// division costs kilobytes of code; this is a division by a small constant).
fn bps(x: U256, b: u16) -> Result<U256, Error> {
    let p = x.checked_mul(U256::from(b)).ok_or_else(overflow)?;
    let mut limbs = p.into_limbs();
    let mut rem: u64 = 0;
    for limb in limbs.iter_mut().rev() {
        // Two 32-bit steps keep every intermediate below 2^46: native u64 division.
        let hi = (rem << 32) | (*limb >> 32);
        let (qh, rh) = (hi / BPS, hi % BPS);
        let lo = (rh << 32) | (*limb & 0xFFFF_FFFF);
        let (ql, rl) = (lo / BPS, lo % BPS);
        *limb = (qh << 32) | ql;
        rem = rl;
    }
    Ok(U256::from_limbs(limbs))
}

fn overflow() -> Error {
    Error::Overflow(Overflow {})
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
    admin: StorageAddress,
    arbiter: StorageAddress,
    guardian: StorageAddress,
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
        self.initialize(admin, ledger, token, models)
    }

    /// One-time setup (for a clone, in the transaction that creates it).
    pub fn initialize(
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
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        self.set_roles_inner(admin, Address::ZERO, Address::ZERO);
        self.ledger.set(ledger);
        self.token.set(token);
        self.models.set(models);
        Ok(())
    }

    // ------------------------------------------------------------------ admin

    /// Admin: minimum bond, unbonding delay, challenge window, minimum provider window
    /// before a cancel, gas for consumer callbacks, and the most of a bond one upheld
    /// dispute slashes (the slash itself equals the refund: see `resolve`).
    #[selector(name = "setParams")]
    pub fn set_params(
        &mut self,
        min_bond: U256,
        unbond_delay: u64,
        challenge_window: u64,
        min_window: u64,
        callback_gas: u64,
        slash_bps: u16,
    ) -> Result<(), Error> {
        self.only(self.admin.get())?;
        if u64::from(slash_bps) > BPS {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        self.min_bond.set(min_bond);
        self.unbond_delay.set(U64::from(unbond_delay));
        self.window.set(U64::from(challenge_window));
        self.min_window.set(U64::from(min_window));
        self.callback_gas.set(U64::from(callback_gas));
        self.slash_bps.set(U16::from(slash_bps));
        log(
            self.vm(),
            ParamsSet {
                minBond: min_bond,
                unbondDelay: unbond_delay,
                challengeWindow: challenge_window,
                minWindow: min_window,
                callbackGas: callback_gas,
                slashBps: slash_bps,
            },
        );
        Ok(())
    }

    /// Guardian: pauses (or resumes) new requests; never withdrawals, refunds or
    /// settlement.
    #[selector(name = "setPaused")]
    pub fn set_paused(&mut self, paused: bool) -> Result<(), Error> {
        let guardian = self.only(self.guardian.get())?;
        self.paused.set(paused);
        log(self.vm(), PausedSet { guardian, paused });
        Ok(())
    }

    // ------------------------------------------------------------------ roles

    /// Admin: sets the admin (community governance), the arbiter and the guardian.
    #[selector(name = "setRoles")]
    pub fn set_roles(
        &mut self,
        admin: Address,
        arbiter: Address,
        guardian: Address,
    ) -> Result<(), Error> {
        self.only(self.admin.get())?;
        if admin.is_zero() {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        self.set_roles_inner(admin, arbiter, guardian);
        Ok(())
    }

    // ------------------------------------------------------------------ providers

    /// Joins as a provider (or adds bond and updates the endpoint): pulls `bond` of the
    /// payment token. The total bond must reach the minimum. Cancels a pending unbond.
    #[selector(name = "joinProvider")]
    pub fn join_provider(&mut self, endpoint: Bytes, bond: U256) -> Result<(), Error> {
        let provider = self.vm().msg_sender();
        let total =
            self.providers.getter(provider).bond.get().checked_add(bond).ok_or_else(overflow)?;
        let minimum = self.min_bond.get();
        if total < minimum || total.is_zero() {
            return Err(Error::BondRefused(BondRefused {
                bond: total,
                minimum,
                availableAt: 0,
                openJobs: 0,
            }));
        }
        let mut p = self.providers.setter(provider);
        p.bond.set(total);
        p.unbond_at.set(U64::ZERO);
        log(self.vm(), ProviderJoined { provider, bond: total, endpoint: endpoint.0.into() });
        if !bond.is_zero() {
            let (token, me) = (self.token.get(), self.vm().contract_address());
            let r = IErc20Calls::new(token).transfer_from(&mut *self, provider, me, bond);
            token_ok(r, token)?;
        }
        Ok(())
    }

    /// Provider: sets its price per unit for `model` (zero stops serving it).
    #[selector(name = "setPrice")]
    pub fn set_price(&mut self, model: U256, price: U256) -> Result<(), Error> {
        let provider = self.vm().msg_sender();
        self.active_provider(provider, model)?;
        self.providers.setter(provider).prices.setter(model).set(price);
        log(self.vm(), PriceSet { provider, model, price });
        Ok(())
    }

    /// Provider: stops taking new jobs; the bond can be withdrawn after the delay once
    /// every open job is settled or cancelled.
    #[selector(name = "startUnbond")]
    pub fn start_unbond(&mut self) -> Result<(), Error> {
        let provider = self.vm().msg_sender();
        self.active_provider(provider, U256::ZERO)?;
        let at = self.now().saturating_add(self.unbond_delay.get().to::<u64>()).max(1);
        self.providers.setter(provider).unbond_at.set(U64::from(at));
        log(self.vm(), UnbondStarted { provider, availableAt: at });
        Ok(())
    }

    /// Provider: withdraws its whole bond after unbonding.
    #[selector(name = "withdrawBond")]
    pub fn withdraw_bond(&mut self) -> Result<(), Error> {
        let provider = self.vm().msg_sender();
        let p = self.providers.getter(provider);
        let (at, open, amount) =
            (p.unbond_at.get().to::<u64>(), p.open.get().to::<u64>(), p.bond.get());
        if at == 0 || self.now() < at || open > 0 || amount.is_zero() {
            return Err(Error::BondRefused(BondRefused {
                bond: amount,
                minimum: U256::ZERO,
                availableAt: at,
                openJobs: open,
            }));
        }
        self.providers.setter(provider).bond.set(U256::ZERO);
        log(self.vm(), BondWithdrawn { provider, amount });
        let token = self.token.get();
        let r = IErc20Calls::new(token).transfer(&mut *self, provider, amount);
        token_ok(r, token)
    }

    /// Provider: withdraws its final earnings (paid by the ledger).
    pub fn withdraw(&mut self) -> Result<(), Error> {
        let provider = self.vm().msg_sender();
        let amount = self.providers.getter(provider).earnings.get();
        if amount.is_zero() {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        self.providers.setter(provider).earnings.set(U256::ZERO);
        // The ledger logs the payout: MarketMoved(kind PAY, provider, amount).
        let ledger = IComputeLedgerMarket::new(self.ledger.get());
        ledger.pay(&mut *self, provider, amount).map_err(ledger_err)
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
        if self.paused.get() {
            return Err(Error::Paused(Paused {}));
        }
        let requester = self.vm().msg_sender();
        let answer = IModelRegistryAccess::new(self.models.get())
            .access(&*self, model, requester, token_id, salt);
        match answer {
            Ok(0) => {}
            Ok(a) => return Err(Error::NoAccess(NoAccess { requester, model, answer: a })),
            Err(_) => return Err(Error::NoAccess(NoAccess { requester, model, answer: 2 })),
        }
        let price = self.active_provider(provider, model)?;
        if price.is_zero() {
            return Err(Error::ProviderUnavailable(ProviderUnavailable { provider, model }));
        }
        let earliest = self.now().saturating_add(self.min_window.get().to::<u64>());
        if deadline < earliest {
            return Err(Error::DeadlineTooSoon(DeadlineTooSoon { deadline, earliest }));
        }
        if max_credits.is_zero() {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        let id = self.job_count.get();
        self.job_count.set(id.checked_add(U256::from(1u8)).ok_or_else(overflow)?);
        let mut j = self.jobs.setter(id);
        j.requester.set(requester);
        j.provider.set(provider);
        j.deadline.set(U64::from(deadline));
        j.status.set(U8::from(status::REQUESTED));
        j.max.set(max_credits);
        j.price.set(price);
        self.bump_open(provider, true);
        log(
            self.vm(),
            JobRequested {
                id,
                requester,
                provider,
                model,
                maxCredits: max_credits,
                price,
                inputHash: input_hash,
                inputURI: input_uri.0.into(),
                deadline,
            },
        );
        let ledger = IComputeLedgerMarket::new(self.ledger.get());
        ledger.reserve(&mut *self, requester, max_credits).map_err(ledger_err)?;
        Ok(id)
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
        let j = self.jobs.getter(job);
        let (requester, provider, deadline) =
            (j.requester.get(), j.provider.get(), j.deadline.get().to::<u64>());
        let (max, price) = (j.max.get(), j.price.get());
        self.expect(job, status::REQUESTED)?;
        let caller = self.vm().msg_sender();
        if caller != provider {
            return Err(Error::NotAllowed(NotAllowed { caller }));
        }
        if self.now() >= deadline {
            return Err(Error::OutOfTime(OutOfTime { job, limit: deadline }));
        }
        let charge = units.checked_mul(price).map_or(max, |c| c.min(max));
        let refund = max.checked_sub(charge).ok_or_else(overflow)?;
        let now = self.now();
        let mut j = self.jobs.setter(job);
        j.charge.set(charge);
        j.output_hash.set(output_hash);
        j.fulfilled_at.set(U64::from(now));
        j.status.set(U8::from(status::FULFILLED));
        log(
            self.vm(),
            JobFulfilled {
                id: job,
                outputHash: output_hash,
                outputURI: output_uri.0.into(),
                units,
                charge,
            },
        );
        if !refund.is_zero() {
            let ledger = IComputeLedgerMarket::new(self.ledger.get());
            ledger.release(&mut *self, requester, refund).map_err(ledger_err)?;
        }
        if charge.is_zero() {
            self.finish(job, requester, provider, U256::ZERO, U256::ZERO, U256::ZERO)?;
        }
        self.callback(job, requester, output_hash, units, charge);
        Ok(())
    }

    /// Makes a fulfilled job's charge final: at once when the requester calls it; by
    /// anyone (the provider, a keeper) once the challenge window has passed undisputed.
    pub fn accept(&mut self, job: U256) -> Result<(), Error> {
        let requester = self.jobs.getter(job).requester.get();
        if self.vm().msg_sender() != requester {
            let from = self.window_end(job);
            if self.now() < from {
                return Err(Error::OutOfTime(OutOfTime { job, limit: from }));
            }
        }
        self.settle_fulfilled(job)
    }

    /// Anyone (the provider): submits the requester's EIP-712 `Accept(jobId, outputHash)`
    /// signature: ecrecover for an EOA requester, ERC-1271 for a contract (a TBA).
    #[selector(name = "acceptBySig")]
    pub fn accept_by_sig(&mut self, job: U256, signature: Bytes) -> Result<(), Error> {
        let j = self.jobs.getter(job);
        let (requester, output_hash) = (j.requester.get(), j.output_hash.get());
        self.expect(job, status::FULFILLED)?;
        let digest = self.accept_digest(job, output_hash);
        let bad = Error::BadSignature(BadSignature { requester });
        if self.has_code(requester) {
            let sig: Vec<u8> = signature.to_vec();
            let ok = IErc1271::new(requester).is_valid_signature(&*self, digest, sig.into());
            if !matches!(ok, Ok(v) if v == FixedBytes::<4>::from(ERC1271_MAGIC)) {
                return Err(bad);
            }
        } else {
            if self.ecrecover(digest, &signature) != Some(requester) {
                return Err(bad);
            }
        }
        self.settle_fulfilled(job)
    }

    /// Requester, within the challenge window: freezes the charge for the arbiter.
    pub fn dispute(&mut self, job: U256) -> Result<(), Error> {
        let requester = self.jobs.getter(job).requester.get();
        self.expect(job, status::FULFILLED)?;
        let caller = self.vm().msg_sender();
        if caller != requester {
            return Err(Error::NotAllowed(NotAllowed { caller }));
        }
        let limit = self.window_end(job);
        if self.now() >= limit {
            return Err(Error::OutOfTime(OutOfTime { job, limit }));
        }
        self.jobs.setter(job).status.set(U8::from(status::DISPUTED));
        log(self.vm(), JobDisputed { id: job });
        Ok(())
    }

    /// Arbiter: resolves a dispute, refunding `refund_bps` of the charge. A refund above
    /// zero upholds the dispute and slashes as much again from the provider's bond into
    /// the requester's credits, at most `slashBps` of the bond: the penalty scales with
    /// what was disputed, so disputing a tiny job cannot win a share of a large bond.
    pub fn resolve(&mut self, job: U256, refund_bps: u16) -> Result<(), Error> {
        self.only(self.arbiter.get())?;
        if u64::from(refund_bps) > BPS {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        self.expect(job, status::DISPUTED)?;
        let j = self.jobs.getter(job);
        let (requester, provider, charge) = (j.requester.get(), j.provider.get(), j.charge.get());
        let refund = bps(charge, refund_bps)?;
        let bond = self.providers.getter(provider).bond.get();
        let slashed = refund.min(bps(bond, self.slash_bps.get().to::<u16>())?);
        let paid = charge.checked_sub(refund).ok_or_else(overflow)?;
        self.finish(job, requester, provider, paid, refund, slashed)
    }

    /// Requester, at or after the deadline of an unfulfilled job: full refund.
    pub fn cancel(&mut self, job: U256) -> Result<(), Error> {
        let j = self.jobs.getter(job);
        let (requester, provider, deadline, max) =
            (j.requester.get(), j.provider.get(), j.deadline.get().to::<u64>(), j.max.get());
        self.expect(job, status::REQUESTED)?;
        let caller = self.vm().msg_sender();
        if caller != requester {
            return Err(Error::NotAllowed(NotAllowed { caller }));
        }
        if self.now() < deadline {
            return Err(Error::OutOfTime(OutOfTime { job, limit: deadline }));
        }
        self.jobs.setter(job).status.set(U8::from(status::CANCELLED));
        self.bump_open(provider, false);
        log(self.vm(), JobCancelled { id: job, refund: max });
        let ledger = IComputeLedgerMarket::new(self.ledger.get());
        ledger.release(&mut *self, requester, max).map_err(ledger_err)
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

impl JobMarket {
    /// EIP-712 digest a requester signs to accept `job` with `output_hash`: domain
    /// ("Compute-Fi JobMarket", "1", chain id, this contract), type
    /// `Accept(uint256 jobId,bytes32 outputHash)`.
    pub fn accept_digest(&self, job: U256, output_hash: B256) -> B256 {
        let domain = keccak(
            (
                B256::from(DOMAIN_TYPEHASH),
                B256::from(NAME_HASH),
                B256::from(VERSION_HASH),
                U256::from(self.vm().chain_id()),
                self.vm().contract_address(),
            )
                .abi_encode(),
        );
        let st = keccak((B256::from(ACCEPT_TYPEHASH), job, output_hash).abi_encode());
        let mut buf = Vec::with_capacity(66);
        buf.extend_from_slice(&[0x19, 0x01]);
        buf.extend_from_slice(domain.as_slice());
        buf.extend_from_slice(st.as_slice());
        keccak(buf)
    }
}

use stylus_sdk::alloy_primitives::{U16, U64, U8};

fn token_ok<E>(r: Result<bool, E>, token: Address) -> Result<(), Error> {
    match r {
        Ok(true) => Ok(()),
        _ => Err(Error::TokenCallFailed(TokenCallFailed { token })),
    }
}

impl JobMarket {
    /// The signer of a 65-byte (r, s, v) signature of `digest`, by the ecrecover
    /// precompile; `None` for a malformed or malleable (high-s) signature.
    fn ecrecover(&self, digest: B256, sig: &[u8]) -> Option<Address> {
        let (r, s, v) = (sig.get(0..32)?, sig.get(32..64)?, *sig.get(64)?);
        if sig.len() != 65 || (v != 27 && v != 28) || U256::from_be_slice(s) > HALF_ORDER {
            return None;
        }
        let mut data = Vec::with_capacity(128);
        data.extend_from_slice(digest.as_slice());
        data.extend_from_slice(&[0u8; 31]);
        data.push(v);
        data.extend_from_slice(r);
        data.extend_from_slice(s);
        #[allow(deprecated)]
        let out = stylus_sdk::call::static_call(self, ECRECOVER, &data).ok()?;
        let signer = Address::from_slice(out.get(12..32)?);
        (!signer.is_zero()).then_some(signer)
    }

    /// The caller, when it is `who` (and `who` is set).
    fn only(&self, who: Address) -> Result<Address, Error> {
        let caller = self.vm().msg_sender();
        if who.is_zero() || caller != who {
            return Err(Error::NotAllowed(NotAllowed { caller }));
        }
        Ok(caller)
    }

    fn set_roles_inner(&mut self, admin: Address, arbiter: Address, guardian: Address) {
        self.admin.set(admin);
        self.arbiter.set(arbiter);
        self.guardian.set(guardian);
        log(self.vm(), RolesSet { admin, arbiter, guardian });
    }

    /// Whether `a` holds code (by its code hash: neither zero nor the empty hash).
    fn has_code(&self, a: Address) -> bool {
        let h = self.vm().code_hash(a);
        !h.is_zero() && h != EMPTY_CODE_HASH
    }

    fn now(&self) -> u64 {
        self.vm().block_timestamp()
    }

    /// Checks `provider` is bonded and not unbonding; returns its price for `model`.
    fn active_provider(&self, provider: Address, model: U256) -> Result<U256, Error> {
        let p = self.providers.getter(provider);
        if p.bond.get().is_zero() || p.unbond_at.get() != U64::ZERO {
            return Err(Error::ProviderUnavailable(ProviderUnavailable { provider, model }));
        }
        Ok(p.prices.get(model))
    }

    fn bump_open(&mut self, provider: Address, up: bool) {
        let mut p = self.providers.setter(provider);
        let open = p.open.get();
        p.open.set(if up {
            open.saturating_add(U64::from(1u8))
        } else {
            open.saturating_sub(U64::from(1u8))
        });
    }

    fn expect(&self, job: U256, want: u8) -> Result<(), Error> {
        let s = self.jobs.getter(job).status.get().to::<u8>();
        if s != want {
            return Err(Error::WrongStatus(WrongStatus { job, status: s }));
        }
        Ok(())
    }

    fn window_end(&self, job: U256) -> u64 {
        self.jobs
            .getter(job)
            .fulfilled_at
            .get()
            .to::<u64>()
            .saturating_add(self.window.get().to::<u64>())
    }

    fn settle_fulfilled(&mut self, job: U256) -> Result<(), Error> {
        self.expect(job, status::FULFILLED)?;
        let j = self.jobs.getter(job);
        let (requester, provider, charge) = (j.requester.get(), j.provider.get(), j.charge.get());
        self.finish(job, requester, provider, charge, U256::ZERO, U256::ZERO)
    }

    /// Final settlement: `paid` charged to the provider's earnings, `refund` released,
    /// `slashed` bond turned into the requester's credits. Effects first, then the ledger.
    fn finish(
        &mut self,
        job: U256,
        requester: Address,
        provider: Address,
        paid: U256,
        refund: U256,
        slashed: U256,
    ) -> Result<(), Error> {
        self.jobs.setter(job).status.set(U8::from(status::SETTLED));
        self.bump_open(provider, false);
        let mut p = self.providers.setter(provider);
        let earnings = p.earnings.get().checked_add(paid).ok_or_else(overflow)?;
        p.earnings.set(earnings);
        let bond = p.bond.get();
        p.bond.set(bond.saturating_sub(slashed));
        log(self.vm(), JobSettled { id: job, paid, refund, slashed });
        let ledger_addr = self.ledger.get();
        let ledger = IComputeLedgerMarket::new(ledger_addr);
        if !refund.is_zero() {
            ledger.release(&mut *self, requester, refund).map_err(ledger_err)?;
        }
        if !paid.is_zero() {
            ledger.charge(&mut *self, requester, paid).map_err(ledger_err)?;
        }
        if !slashed.is_zero() {
            let token = self.token.get();
            let r = IErc20Calls::new(token).approve(&mut *self, ledger_addr, slashed);
            token_ok(r, token)?;
            ledger.top_up(&mut *self, requester, slashed).map_err(ledger_err)?;
        }
        Ok(())
    }

    /// Calls the requester's consumer hook with capped gas when it declares the interface
    /// through ERC-165. Never fails the caller.
    fn callback(
        &mut self,
        job: U256,
        requester: Address,
        output_hash: B256,
        units: U256,
        charge: U256,
    ) {
        if !self.has_code(requester) {
            return;
        }
        let gas = self.callback_gas.get().to::<u64>();
        // sol_interface! in stylus-sdk 0.9 only takes the (deprecated) call contexts.
        #[allow(deprecated)]
        let declared = IErc165View::new(requester).supports_interface(
            stylus_sdk::call::Call::new().gas(gas),
            FixedBytes::<4>::from(JOB_CONSUMER_INTERFACE_ID),
        );
        if !matches!(declared, Ok(true)) {
            return;
        }
        let consumer = IComputeJobConsumer::new(requester);
        #[allow(deprecated)]
        let ok = consumer
            .on_job_fulfilled(
                stylus_sdk::call::Call::new_in(self).gas(gas),
                job,
                output_hash,
                units,
                charge,
            )
            .is_ok();
        if !ok {
            log(self.vm(), CallbackFailed { id: job });
        }
    }
}

/// Solidity text the SDK export omits: the events.
pub const ABI_EXTRA: &str = "
interface IJobMarketEvents {
    event RolesSet(address admin, address arbiter, address guardian);
    event PausedSet(address indexed guardian, bool paused);
    event ProviderJoined(address indexed provider, uint256 bond, bytes endpoint);
    event PriceSet(address indexed provider, uint256 indexed model, uint256 price);
    event UnbondStarted(address indexed provider, uint64 availableAt);
    event BondWithdrawn(address indexed provider, uint256 amount);
    event JobRequested(uint256 indexed id, address indexed requester, address indexed provider, uint256 model, uint256 maxCredits, uint256 price, bytes32 inputHash, bytes inputURI, uint64 deadline);
    event JobFulfilled(uint256 indexed id, bytes32 outputHash, bytes outputURI, uint256 units, uint256 charge);
    event JobDisputed(uint256 indexed id);
    event JobSettled(uint256 indexed id, uint256 paid, uint256 refund, uint256 slashed);
    event JobCancelled(uint256 indexed id, uint256 refund);
    event CallbackFailed(uint256 indexed id);
    event ParamsSet(uint256 minBond, uint64 unbondDelay, uint64 challengeWindow, uint64 minWindow, uint64 callbackGas, uint16 slashBps);
}
";
