//! Who may act: the owner, and scoped delegates whose grants die with a transfer.
//!
//! - The owner: `execute`/`executeBatch` with every operation, `lock`, grants.
//! - Scoped delegates (an AI agent's key): the owner grants `delegate` an expiry (at most
//!   [`MAX_GRANT`] ahead) and a list of (target, selector) pairs. A delegate may then
//!   `execute` operation CALL, with no ETH value, to a listed target with calldata that
//!   starts with a listed selector; never to the account itself or its sandbox. A grant
//!   replaces the delegate's previous grant (its scopes are keyed by a fresh grant id) and
//!   `revokeDelegate` voids it at once.
//! - Grants die with a transfer of the NFT. A grant is stored under
//!   `keccak256(owner ‖ delegate)` together with the token's ownership epoch at grant
//!   time: `transferCount(tokenId)` on the token contract, which our membership NFT
//!   increments on every transfer. A grant is live only for that owner, before its expiry
//!   and while the token's current epoch equals the stored one. So after any transfer the
//!   new owner finds nothing, and when the NFT comes back to the owner who granted (a sale
//!   and a buy-back, an escrow, a loan) the epoch has moved on and the old grants stay
//!   dead: the owner grants again (which replaces the dead grant). Every check of a
//!   delegate goes through this (`execute`, `executeBatch`, `isPermitted`,
//!   `isValidSigner`, `isValidSignature`, `delegateGrant`, which shows a dead grant as
//!   none). The epoch is read by a static call with [`EPOCH_GAS`] gas, and only when the
//!   call can get all of it (63/64 rule), else a caller could starve it into failing and
//!   reading as 0: with less than [`EPOCH_GAS_NEEDED`] gas left, checking an unexpired
//!   grant fails with `InsufficientGas` (`execute`, `executeBatch`, `grantDelegate`,
//!   `delegateGrant`), and the boolean views answer no. The owner's own calls and
//!   `revokeDelegate` never read it. (While the NFT contract is mid-transfer, e.g. during
//!   a safe-transfer hook, a Stylus NFT refuses the reentrant `transferCount`, but it
//!   refuses `ownerOf` too, so the account has no owner then and no delegate acts.)
//! - Foreign collections without `transferCount` (the call reverts, or answers fewer than
//!   32 bytes) have epoch 0 forever: there a grant is void while someone else owns the
//!   NFT but revives if it returns to the owner who granted, with its old scopes and
//!   expiry (as in tokenbound v3). Owners of such NFTs should revoke their grants before
//!   selling or lending the NFT.
//! - `canSign` in a grant makes the delegate a valid signer too (`isValidSigner`,
//!   `isValidSignature`); ERC-1271 carries no target, so signing authority cannot be
//!   scoped and is opt-in.

use alloc::vec::Vec;

use compute_fi_contracts::interfaces::tba::AccountContext;
use stylus_sdk::{
    alloy_primitives::{aliases::B32, keccak256, Address, B256, U256, U64},
    alloy_sol_types::{sol, SolCall, SolEvent},
    prelude::*,
    storage::{StorageBool, StorageU256, StorageU64},
    stylus_core::calls::context::Call,
};

use crate::{
    errors::not_owner,
    events::{address_word, bytes4_word, emit, number_word},
    executor::OP_CALL,
    sandbox::sandbox_address,
    DelegateGranted, DelegateRevoked, DelegateScope, Error, InsufficientGas, InvalidDelegate,
    InvalidExpiry, InvalidScopes, TbaAccount,
};

/// Longest delegate grant, from now (seconds).
pub const MAX_GRANT: u64 = 365 * 24 * 3600;
/// Most (target, selector) pairs in one grant.
pub const MAX_SCOPES: usize = 32;
/// Gas for the token's `transferCount` view (the grants' ownership epoch).
pub const EPOCH_GAS: u64 = 100_000;
/// Gas that must be left to read the epoch: enough that the call gets all of
/// [`EPOCH_GAS`] after the 63/64 rule, plus the call's own cost.
pub const EPOCH_GAS_NEEDED: u64 = EPOCH_GAS * 64 / 63 + 10_000;

sol! {
    function transferCount(uint256 tokenId) external view returns (uint256);
}

/// A delegate grant (two slots).
#[storage]
pub struct Grant {
    expiry: StorageU64,
    id: StorageU64,
    can_sign: StorageBool,
    /// The token's ownership epoch when granted (module docs).
    epoch: StorageU256,
}

/// Storage key of `delegate`'s grant by `owner`: `keccak256(owner ‖ delegate)`.
fn grant_key(owner: Address, delegate: Address) -> B256 {
    let mut buf = [0u8; 40];
    let (first, second) = buf.split_at_mut(20);
    first.copy_from_slice(owner.as_slice());
    second.copy_from_slice(delegate.as_slice());
    keccak256(buf)
}

/// Storage key of one scope: `keccak256(grant id ‖ target ‖ selector)`.
fn scope_key(grant_id: u64, target: Address, selector: B32) -> B256 {
    let mut buf = [0u8; 32];
    let (id, rest) = buf.split_at_mut(8);
    let (address, sel) = rest.split_at_mut(20);
    id.copy_from_slice(&grant_id.to_be_bytes());
    address.copy_from_slice(target.as_slice());
    sel.copy_from_slice(selector.as_slice());
    keccak256(buf)
}

fn selector_of(data: &[u8]) -> Option<B32> {
    data.get(..4).map(B32::from_slice)
}

impl TbaAccount {
    /// The token's ownership epoch (module docs): `transferCount(tokenId)` of its
    /// contract, called with [`EPOCH_GAS`]; 0 when the call fails or answers fewer than 32
    /// bytes. Not read with less than [`EPOCH_GAS_NEEDED`] left: a failure the caller's
    /// gas limit forced would read as 0.
    fn epoch(&self, ctx: &AccountContext) -> Result<U256, Error> {
        let left = self.vm().evm_gas_left();
        if left < EPOCH_GAS_NEEDED {
            return Err(Error::InsufficientGas(InsufficientGas {
                gasLeft: left,
                needed: EPOCH_GAS_NEEDED,
            }));
        }
        let data = transferCountCall { tokenId: ctx.token_id }.abi_encode();
        Ok(match self.vm().static_call(&Call::new().gas(EPOCH_GAS), ctx.token_contract, &data) {
            Ok(out) => out.get(..32).map_or(U256::ZERO, U256::from_be_slice),
            Err(_) => U256::ZERO,
        })
    }

    /// The live grant of `delegate` by `owner`: (id, can_sign), if unexpired and made in
    /// the token's current epoch (read only for an unexpired grant).
    pub(crate) fn live_grant(
        &self,
        ctx: &AccountContext,
        owner: Address,
        delegate: Address,
    ) -> Result<Option<(u64, bool)>, Error> {
        let grant = self.grants.getter(grant_key(owner, delegate));
        if grant.expiry.get().to::<u64>() <= self.now() || grant.epoch.get() != self.epoch(ctx)? {
            return Ok(None);
        }
        Ok(Some((grant.id.get().to::<u64>(), grant.can_sign.get())))
    }

    /// Whether `caller` may run this operation: the owner anything; a delegate a CALL
    /// without value inside its scope (of a grant live in the current epoch), never to the
    /// account or its sandbox.
    /// `grant` memoises the caller's live grant id across the operations of one call: a
    /// batch reads the grant and the token's epoch (an external call) once, not per
    /// operation.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn authorize(
        &self,
        ctx: &AccountContext,
        owner: Address,
        caller: Address,
        grant: &mut Option<Option<u64>>,
        to: Address,
        value: U256,
        data: &[u8],
        op: u8,
    ) -> Result<(), Error> {
        if !owner.is_zero() && caller == owner {
            return Ok(());
        }
        let this = self.vm().contract_address();
        let allowed = !owner.is_zero()
            && op == OP_CALL
            && value.is_zero()
            && to != this
            && to != sandbox_address(this)
            && match (self.memo_grant(ctx, owner, caller, grant)?, selector_of(data)) {
                (Some(id), Some(selector)) => self.scopes.get(scope_key(id, to, selector)),
                _ => false,
            };
        if !allowed {
            return Err(not_owner(caller));
        }
        Ok(())
    }

    /// The live grant id of `delegate`, looked up once per `memo`.
    fn memo_grant(
        &self,
        ctx: &AccountContext,
        owner: Address,
        delegate: Address,
        memo: &mut Option<Option<u64>>,
    ) -> Result<Option<u64>, Error> {
        if let Some(known) = *memo {
            return Ok(known);
        }
        let id = self.live_grant(ctx, owner, delegate)?.map(|(id, _)| id);
        *memo = Some(id);
        Ok(id)
    }

    /// `grantDelegate`: stores the grant in the token's current epoch, replacing the
    /// delegate's previous one; returns its id.
    pub(crate) fn grant(
        &mut self,
        delegate: Address,
        expiry: u64,
        can_sign: bool,
        targets: Vec<Address>,
        selectors: Vec<B32>,
    ) -> Result<u64, Error> {
        let (ctx, owner) = self.require_owner_unlocked()?;
        if delegate.is_zero() || delegate == owner {
            return Err(Error::InvalidDelegate(InvalidDelegate { delegate }));
        }
        let max = self.now().saturating_add(MAX_GRANT);
        if expiry <= self.now() || expiry > max {
            return Err(Error::InvalidExpiry(InvalidExpiry { expiry, max }));
        }
        if targets.len() != selectors.len() || targets.len() > MAX_SCOPES {
            return Err(Error::InvalidScopes(InvalidScopes {
                targets: U256::from(targets.len()),
                selectors: U256::from(selectors.len()),
                max: U256::from(MAX_SCOPES),
            }));
        }
        let epoch = self.epoch(&ctx)?;
        // Wrapping, not checked: 2^64 grants are more transactions than a chain holds.
        let id = self.grant_count.get().to::<u64>().wrapping_add(1);
        self.grant_count.set(U64::from(id));
        let mut grant = self.grants.setter(grant_key(owner, delegate));
        grant.expiry.set(U64::from(expiry));
        grant.id.set(U64::from(id));
        grant.can_sign.set(can_sign);
        grant.epoch.set(epoch);
        for (target, selector) in targets.iter().zip(&selectors) {
            self.scopes.setter(scope_key(id, *target, *selector)).set(true);
            emit(
                self.vm(),
                &[DelegateScope::SIGNATURE_HASH, address_word(delegate), number_word(id)],
                &[address_word(*target), bytes4_word(*selector)],
            );
        }
        self.bump_state();
        emit(
            self.vm(),
            &[DelegateGranted::SIGNATURE_HASH, address_word(owner), address_word(delegate)],
            &[number_word(expiry), number_word(can_sign.into()), number_word(id)],
        );
        Ok(id)
    }

    /// `revokeDelegate`: voids `delegate`'s grant by the owner.
    pub(crate) fn revoke(&mut self, delegate: Address) -> Result<(), Error> {
        let (_, owner) = self.require_owner_unlocked()?;
        let mut grant = self.grants.setter(grant_key(owner, delegate));
        grant.expiry.set(U64::ZERO);
        grant.id.set(U64::ZERO);
        grant.can_sign.set(false);
        grant.epoch.set(U256::ZERO);
        self.bump_state();
        emit(
            self.vm(),
            &[DelegateRevoked::SIGNATURE_HASH, address_word(owner), address_word(delegate)],
            &[],
        );
        Ok(())
    }

    /// `delegateGrant`: (expiry, canSign, grantId) of the current owner's grant in the
    /// current epoch, zeros if none.
    pub(crate) fn current_grant(&self, delegate: Address) -> Result<(u64, bool, u64), Error> {
        let ctx = self.context()?;
        let grant = self.grants.getter(grant_key(self.owner_for(&ctx), delegate));
        if grant.expiry.get().is_zero() || grant.epoch.get() != self.epoch(&ctx)? {
            return Ok((0, false, 0));
        }
        Ok((grant.expiry.get().to::<u64>(), grant.can_sign.get(), grant.id.get().to::<u64>()))
    }

    /// `isPermitted`: whether `delegate` (not the owner) may now CALL `target` with
    /// `selector`.
    pub(crate) fn permitted(
        &self,
        delegate: Address,
        target: Address,
        selector: B32,
    ) -> Result<bool, Error> {
        let ctx = self.context()?;
        let owner = self.owner_for(&ctx);
        Ok(self
            .authorize(
                &ctx,
                owner,
                delegate,
                &mut None,
                target,
                U256::ZERO,
                selector.as_slice(),
                OP_CALL,
            )
            .is_ok()
            && delegate != owner)
    }
}
