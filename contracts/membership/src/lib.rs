//! Community membership NFT (ERC-721 with metadata, openzeppelin-stylus).
//!
//! `join()` does, in one transaction: mint the next NFT to the caller, create its
//! token-bound account through the configured ERC-6551 registry and account
//! implementation (salt 0, this chain), and put the stake into the vault for the account:
//! with ERC-20, taken from the caller by `transferFrom`, the vault approved for it and
//! ERC-4626 `deposit(assets, receiver = account)`; with ETH (exactly the stake), sent on
//! with the vault's `depositEth(receiver = account)`, which wraps it into the WETH asset
//! (so ETH joins need a vault made with ETH support). The account then holds the shares.
//!
//! Token 0 is the community pool NFT, minted to the admin at setup, with its account
//! created too (the community AI's account).
//!
//! Registry, implementation, vault and asset are configuration: the canonical ERC-6551
//! registry works as well as ours. Setup runs once, from the constructor: at a direct
//! deployment, or for a clone in the transaction that creates it (the constructor's
//! once-only flag lives in the clone's storage).
//!
//! # Ownership epoch
//! `transferCount(tokenId)` counts the transfers of a token (`transferFrom` and both
//! `safeTransferFrom`; 0 from its mint, and for an id never minted; the contract has no
//! burn). It only grows, so it tells one holding of a token from the next even when the
//! NFT returns to a former owner: our token-bound account binds delegate grants to it, and
//! a grant dies with any transfer (see `tba-account`). It is counted before the transfer
//! runs (an effect before the receiver hook; a failed transfer reverts it).
//!
//! # Ownership cycles
//! No transfer may leave a token owned by its own token-bound account, directly or
//! through nested accounts of this collection (`OwnershipCycle`; see [`cycles`]).
//!
//! Order in `join` (checks-effects-interactions): the token id is taken and the NFT
//! minted (not safe-minted: no callback to the caller) before any external call; the
//! external calls (registry, asset, vault) never call back into this contract in the
//! expected setup, and the SDK refuses reentrant calls anyway.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

mod calls;
pub mod cycles;
pub mod errors;
pub mod events;

use alloc::string::String;

use compute_fi_contracts::errors::AlreadyInitialized;
pub use errors::*;
pub use events::*;
use openzeppelin_stylus::{
    token::erc721::{
        extensions::{Erc721Metadata, IErc721Metadata},
        Erc721, IErc721,
    },
    utils::introspection::erc165::IErc165,
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{aliases::B32, Address, U256, U64},
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64},
};

/// `value` in decimal, without `core::fmt` (which costs kilobytes of WASM).
pub fn decimal(mut value: U256) -> String {
    let mut digits = alloc::vec::Vec::new();
    let ten = U256::from(10);
    loop {
        let (q, r) = value.div_rem(ten);
        digits.push(b'0'.saturating_add(r.as_limbs().first().copied().unwrap_or(0) as u8));
        value = q;
        if value.is_zero() {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

#[entrypoint]
#[storage]
pub struct Membership {
    erc721: Erc721,
    metadata: Erc721Metadata,
    admin: StorageAddress,
    asset: StorageAddress,
    // Packed so an ETH join reads four words of configuration rather than six (each
    // slot's first read costs 2,100 gas): the vault with the set-up flag, the registry
    // with the next id.
    vault: StorageAddress,
    initialized: StorageBool,
    registry: StorageAddress,
    /// The next member's token id (64 bits: 2^64 joins, each a transaction of some
    /// 300,000 gas, cannot happen; past it `join` refuses with `IdOverflow`).
    next_id: StorageU64,
    implementation: StorageAddress,
    stake: StorageU256,
    /// Transfers per token: the ownership epoch (crate docs).
    transfers: StorageMap<U256, StorageU256>,
}

impl Membership {
    /// The one setup (the constructor's, also a clone's).
    #[allow(clippy::too_many_arguments)]
    fn setup(
        &mut self,
        name: String,
        symbol: String,
        base_uri: String,
        admin: Address,
        asset: Address,
        vault: Address,
        registry: Address,
        implementation: Address,
        stake: U256,
    ) -> Result<(), Error> {
        if self.initialized.get() {
            return Err(Error::AlreadyInitialized(AlreadyInitialized {}));
        }
        if [admin, asset, vault, registry, implementation].iter().any(|a| a.is_zero())
            || stake.is_zero()
        {
            return Err(Error::InvalidConfig(InvalidConfig {}));
        }
        self.initialized.set(true);
        self.metadata.constructor(name, symbol);
        self.metadata.base_uri.set_str(base_uri);
        self.admin.set(admin);
        self.asset.set(asset);
        self.vault.set(vault);
        self.registry.set(registry);
        self.implementation.set(implementation);
        self.stake.set(stake);
        self.next_id.set(U64::from(1));
        // Token 0: the community pool.
        self.erc721._mint(admin, U256::ZERO)?;
        let pool_account = self.create_account(U256::ZERO)?;
        log(
            self.vm(),
            CommunityCreated { admin, poolTokenId: U256::ZERO, poolAccount: pool_account },
        );
        Ok(())
    }

    /// Counts one transfer of `token_id` (its epoch; saturates, which 2^256 transfers
    /// cannot reach).
    fn count_transfer(&mut self, token_id: U256) {
        let mut count = self.transfers.setter(token_id);
        let next = count.get().saturating_add(U256::from(1));
        count.set(next);
    }
}

#[public]
#[implements(IErc721<Error = Error>, IErc721Metadata<Error = Error>, IErc165)]
impl Membership {
    /// One-time setup, at deployment or, for an ERC-1167 clone, by the factory in the
    /// transaction that creates it (the Stylus constructor's once-only flag lives in the
    /// caller's storage).
    #[constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn constructor(
        &mut self,
        name: String,
        symbol: String,
        base_uri: String,
        admin: Address,
        asset: Address,
        vault: Address,
        registry: Address,
        implementation: Address,
        stake: U256,
    ) -> Result<(), Error> {
        self.setup(name, symbol, base_uri, admin, asset, vault, registry, implementation, stake)
    }

    /// Joins the community: see the crate docs. Returns the new token id.
    #[payable]
    pub fn join(&mut self) -> Result<U256, Error> {
        if !self.initialized.get() {
            return Err(Error::NotInitialized(NotInitialized {}));
        }
        let member = self.vm().msg_sender();
        let sent = self.vm().msg_value();
        let stake = self.stake.get();
        if !sent.is_zero() && sent != stake {
            return Err(Error::WrongEthAmount(WrongEthAmount { sent, stake }));
        }
        // Effects: take the id, mint.
        let id = self.next_id.get();
        let next = id.checked_add(U64::from(1)).ok_or(Error::IdOverflow(IdOverflow {}))?;
        self.next_id.set(next);
        let token_id = U256::from(id);
        self.erc721._mint(member, token_id)?;
        // Interactions.
        let account = self.create_account(token_id)?;
        let vault = self.vault.get();
        let eth = !sent.is_zero();
        if !eth {
            let asset = self.asset.get();
            self.pull(asset, member, stake)?;
            self.approve_token(asset, vault, stake)?;
        }
        let shares = self.deposit_stake(vault, stake, account, eth)?;
        log(self.vm(), Joined { member, tokenId: token_id, account, assets: stake, shares });
        Ok(token_id)
    }

    /// The token-bound account of `token_id` (registry's view; it may not exist yet).
    pub fn account_of(&self, token_id: U256) -> Result<Address, Error> {
        self.registry_account(token_id)
    }

    pub fn admin(&self) -> Address {
        self.admin.get()
    }
    pub fn asset(&self) -> Address {
        self.asset.get()
    }
    pub fn vault(&self) -> Address {
        self.vault.get()
    }
    pub fn registry(&self) -> Address {
        self.registry.get()
    }
    pub fn implementation(&self) -> Address {
        self.implementation.get()
    }
    pub fn stake(&self) -> U256 {
        self.stake.get()
    }
    /// Next member token id (token 0 is the pool).
    pub fn next_token_id(&self) -> U256 {
        U256::from(self.next_id.get())
    }
    /// How many times `token_id` has been transferred: its ownership epoch (crate docs).
    pub fn transfer_count(&self, token_id: U256) -> U256 {
        self.transfers.get(token_id)
    }
}

#[public]
impl IErc721 for Membership {
    type Error = Error;

    fn balance_of(&self, owner: Address) -> Result<U256, Self::Error> {
        Ok(self.erc721.balance_of(owner)?)
    }
    fn owner_of(&self, token_id: U256) -> Result<Address, Self::Error> {
        Ok(self.erc721.owner_of(token_id)?)
    }
    fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Self::Error> {
        self.check_no_cycle(to, token_id)?;
        self.count_transfer(token_id);
        Ok(self.erc721.safe_transfer_from(from, to, token_id)?)
    }
    fn safe_transfer_from_with_data(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<(), Self::Error> {
        self.check_no_cycle(to, token_id)?;
        self.count_transfer(token_id);
        Ok(self.erc721.safe_transfer_from_with_data(from, to, token_id, data)?)
    }
    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Self::Error> {
        self.check_no_cycle(to, token_id)?;
        self.count_transfer(token_id);
        Ok(self.erc721.transfer_from(from, to, token_id)?)
    }
    fn approve(&mut self, to: Address, token_id: U256) -> Result<(), Self::Error> {
        Ok(self.erc721.approve(to, token_id)?)
    }
    fn set_approval_for_all(&mut self, to: Address, approved: bool) -> Result<(), Self::Error> {
        Ok(self.erc721.set_approval_for_all(to, approved)?)
    }
    fn get_approved(&self, token_id: U256) -> Result<Address, Self::Error> {
        Ok(self.erc721.get_approved(token_id)?)
    }
    fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.erc721.is_approved_for_all(owner, operator)
    }
}

#[public]
impl IErc721Metadata for Membership {
    type Error = Error;

    fn name(&self) -> String {
        self.metadata.name()
    }
    fn symbol(&self) -> String {
        self.metadata.symbol()
    }
    #[selector(name = "tokenURI")]
    fn token_uri(&self, token_id: U256) -> Result<String, Self::Error> {
        self.erc721.owner_of(token_id)?;
        let base = self.metadata.base_uri();
        if base.is_empty() {
            return Ok(base);
        }
        Ok(base + &decimal(token_id))
    }
}

#[public]
impl IErc165 for Membership {
    fn supports_interface(&self, interface_id: B32) -> bool {
        use compute_fi_contracts::interface_ids::{IID_ERC165, IID_ERC721, IID_ERC721_METADATA};
        [IID_ERC165, IID_ERC721, IID_ERC721_METADATA].contains(&interface_id)
    }
}

#[cfg(test)]
mod tests;
