//! No token may end up owned by its own token-bound account, directly or through nested
//! accounts: the account acts only for the token's owner, so such a token (and all its
//! account holds, the stake included) could never move again.
//!
//! Every transfer (`transferFrom` and both `safeTransferFrom`, whose receiver hook alone
//! cannot see this collection's owners: it would have to call back into membership
//! mid-transfer) walks up from the receiver before anything changes: if `to`'s code is an
//! ERC-6551 reference proxy for a token of this collection on this chain, that token's
//! owner (read from this contract's own storage) is the next holder, and so on. It refuses
//! when the walk reaches the token being transferred (`OwnershipCycle`), and when it is
//! still inside this collection after [`MAX_NESTING`] levels (`NestingTooDeep`): a cycle
//! locks assets for ever, a deep nesting can be flattened first. The walk stops (allowed)
//! at any holder that is not such a proxy: an EOA, another contract, an account of another
//! collection or chain (cycles through another collection are the receiving account's to
//! refuse on safe transfers; seeing them here would cost external calls).
//!
//! Any proxy naming the token counts, whatever its registry, implementation or salt: each
//! is an account only the token's owner controls. Reading code costs no call into the
//! receiver; a receiver without code (every EOA) costs one code read. The account
//! `accountOf(tokenId)` names always has code, since `join` (and setup, for the pool
//! token) creates it with the token; an account not deployed yet (another salt or
//! implementation, at its counterfactual address) has none to read and is not seen.

use alloc::vec::Vec;

use compute_fi_contracts::interfaces::tba::proxy_token_id;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};

use crate::{Error, Membership, NestingTooDeep, OwnershipCycle};

/// Levels of nested accounts of this collection the walk follows.
pub const MAX_NESTING: usize = 6;

impl Membership {
    /// Refuses moving `token_id` to `to` when `to` is, or is held through nested accounts
    /// by, the token's own account.
    pub(crate) fn check_no_cycle(&self, to: Address, token_id: U256) -> Result<(), Error> {
        let this = self.vm().contract_address();
        let chain = U256::from(self.vm().chain_id());
        let mut holder = to;
        // `MAX_NESTING` accounts, then the holder above them must be outside the collection.
        for _ in 0..=MAX_NESTING {
            let Some(held_by) = proxy_token_id(&self.code_at(holder), chain, this) else {
                return Ok(());
            };
            if held_by == token_id {
                return Err(Error::OwnershipCycle(OwnershipCycle { tokenId: token_id, to }));
            }
            // Zero for an id never minted, whose proxy nobody holds: the walk ends there.
            holder = self.erc721._owner_of(held_by);
        }
        Err(Error::NestingTooDeep(NestingTooDeep { tokenId: token_id, to }))
    }

    /// Code of `account` (tests substitute code, which motsu cannot hold).
    fn code_at(&self, account: Address) -> Vec<u8> {
        #[cfg(test)]
        if let Some(code) = crate::tests::code_override(account) {
            return code;
        }
        self.vm().code(account)
    }
}
