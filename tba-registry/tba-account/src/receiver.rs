//! Receiving tokens, and the interfaces the account declares (ERC-165).
//!
//! `onERC721Received` refuses the NFT that owns this account and deeper cycles: it walks
//! up from this account's token (owner of the token, and if that owner is itself an
//! ERC-6551 proxy, its token, ...) for at most [`MAX_DEPTH`] levels, and refuses if the
//! received token appears. When an owner cannot be read (e.g. the NFT contract refuses
//! the reentrant `ownerOf` because it is mid-transfer, as a Stylus NFT does) or the chain
//! is deeper than the bound, it refuses too (`OwnershipUnverifiable`): a cycle locks the
//! assets forever, a refused safe transfer can be retried another way. ERC-1155 tokens
//! are accepted as they come (they cannot own an account).

use compute_fi_contracts::interfaces::tba::parse_proxy;
use stylus_sdk::{
    alloy_primitives::{aliases::B32, fixed_bytes, Address, U256},
    prelude::*,
};

use crate::{Error, OwnershipCycle, OwnershipUnverifiable, TbaAccount};

/// Levels of nesting the ownership-cycle walk follows.
pub const MAX_DEPTH: usize = 6;

pub use compute_fi_contracts::interface_ids::IID_ERC165;
/// ERC-165 ids of the ERC-6551 and receiver interfaces.
pub const IID_ERC6551_ACCOUNT: B32 = fixed_bytes!("6faff5f1");
pub const IID_ERC6551_EXECUTABLE: B32 = fixed_bytes!("51945447");
pub const IID_ERC1271: B32 = fixed_bytes!("1626ba7e");
pub const IID_ERC721_RECEIVER: B32 = fixed_bytes!("150b7a02");
pub const IID_ERC1155_RECEIVER: B32 = fixed_bytes!("4e2312e0");
/// Hook return values.
pub const ERC721_RECEIVED: B32 = fixed_bytes!("150b7a02");
pub const ERC1155_RECEIVED: B32 = fixed_bytes!("f23a6e61");
pub const ERC1155_BATCH_RECEIVED: B32 = fixed_bytes!("bc197c81");

/// Every interface `supportsInterface` answers yes to.
pub(crate) const INTERFACES: [B32; 6] = [
    IID_ERC165,
    IID_ERC6551_ACCOUNT,
    IID_ERC6551_EXECUTABLE,
    IID_ERC1271,
    IID_ERC721_RECEIVER,
    IID_ERC1155_RECEIVER,
];

impl TbaAccount {
    /// `onERC721Received`: refuses token `id` of `contract` if it owns this account,
    /// directly or through nested accounts.
    pub(crate) fn check_no_cycle(&self, contract: Address, id: U256) -> Result<(), Error> {
        let chain = U256::from(self.vm().chain_id());
        let mut cur = self.context()?;
        for _ in 0..MAX_DEPTH {
            if cur.chain_id != chain {
                return Ok(());
            }
            if cur.token_contract == contract && cur.token_id == id {
                return Err(Error::OwnershipCycle(OwnershipCycle {
                    tokenContract: contract,
                    tokenId: id,
                }));
            }
            let owner = self.owner_of(cur.token_contract, cur.token_id).ok_or(
                Error::OwnershipUnverifiable(OwnershipUnverifiable {
                    tokenContract: contract,
                    tokenId: id,
                }),
            )?;
            match parse_proxy(&self.code_at(owner)) {
                Some(next) => cur = next,
                None => return Ok(()),
            }
        }
        Err(Error::OwnershipUnverifiable(OwnershipUnverifiable {
            tokenContract: contract,
            tokenId: id,
        }))
    }
}
