//! CommunityFactory: a community in one transaction.
//!
//! Deployed once per chain with the activated implementations of the per-community
//! contracts (yield vault, compute ledger, job market, membership) and the shared ones
//! (ERC-6551 registry, token-bound account implementation, model registry).
//! `createCommunity` makes an ERC-1167 clone of each implementation by CREATE2, with a
//! salt bound to the caller (nobody can take another deployer's addresses), and sets up
//! every clone through its constructor in the same transaction: the Stylus constructor's
//! once-only flag lives in the clone's storage, so no one else can ever set one up, and
//! the implementations ran theirs at their own deployment. The clones are wired as they
//! are created (their addresses are known in advance): the membership mints the pool NFT
//! and its account, the ledger gets the vault, the pool account and the job market, the
//! vault its ledger, the market its ledger. Every admin role goes to the given admin;
//! the factory holds none. One `CommunityCreated` names every address, and communities
//! are enumerable.

#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

mod clones;
mod errors;
mod events;

use alloc::{string::String, vec::Vec};

use alloy_sol_types::{sol_data, SolType};
use compute_fi_contracts::interfaces::tba::{account_address, AccountContext};
pub use errors::*;
pub use events::*;
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
    storage::{StorageAddress, StorageVec},
};

use crate::clones::Kind;

/// One community's contracts.
#[storage]
pub struct Community {
    vault: StorageAddress,
    ledger: StorageAddress,
    market: StorageAddress,
    membership: StorageAddress,
}

/// The factory.
#[storage]
#[entrypoint]
pub struct CommunityFactory {
    vault_impl: StorageAddress,
    ledger_impl: StorageAddress,
    market_impl: StorageAddress,
    membership_impl: StorageAddress,
    registry: StorageAddress,
    account_impl: StorageAddress,
    models: StorageAddress,
    communities: StorageVec<Community>,
}

/// The addresses of one community: (vault, ledger, market, membership, pool account).
pub type Addresses = (Address, Address, Address, Address, Address);

/// A string stored left-aligned in a word: the bytes up to the last non-zero one.
fn short_string(word: B256) -> Result<String, Error> {
    let len = word.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    let bytes = word.get(..len).unwrap_or_default().to_vec();
    String::from_utf8(bytes).map_err(|_| invalid())
}

impl CommunityFactory {
    /// The addresses `deployer`'s community with `salt` gets (created or not).
    fn addresses(&self, deployer: Address, salt: B256) -> Addresses {
        let this = self.vm().contract_address();
        let at = |kind: Kind, implementation: Address| {
            clones::predict(this, implementation, clones::salt(deployer, salt, kind))
        };
        let membership = at(Kind::Membership, self.membership_impl.get());
        let pool = account_address(
            self.registry.get(),
            &AccountContext {
                implementation: self.account_impl.get(),
                salt: B256::ZERO,
                chain_id: U256::from(self.vm().chain_id()),
                token_contract: membership,
                token_id: U256::ZERO,
            },
        );
        (
            at(Kind::Vault, self.vault_impl.get()),
            at(Kind::Ledger, self.ledger_impl.get()),
            at(Kind::Market, self.market_impl.get()),
            membership,
            pool,
        )
    }

    /// Calls `target`'s constructor with `args` (ABI-encoded parameters).
    fn construct(&mut self, target: Address, args: Vec<u8>) -> Result<(), Error> {
        let mut data = clones::CONSTRUCTOR_SELECTOR.to_vec();
        data.extend_from_slice(&args);
        // SAFETY: the storage cache is flushed first and no storage reference is held
        // across the call.
        #[allow(deprecated)]
        unsafe { stylus_sdk::call::RawCall::new().flush_storage_cache().call(target, &data) }
            .map(drop)
            .map_err(|revert| Error::SetupFailed(SetupFailed { target, revert: revert.into() }))
    }
}

#[public]
impl CommunityFactory {
    /// Deployed once per chain with the activated implementations and the shared
    /// contracts; none may be zero.
    #[constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn constructor(
        &mut self,
        vault_impl: Address,
        ledger_impl: Address,
        market_impl: Address,
        membership_impl: Address,
        registry: Address,
        account_impl: Address,
        models: Address,
    ) -> Result<(), Error> {
        let all =
            [vault_impl, ledger_impl, market_impl, membership_impl, registry, account_impl, models];
        if all.iter().any(|a| a.is_zero()) {
            return Err(invalid());
        }
        self.vault_impl.set(vault_impl);
        self.ledger_impl.set(ledger_impl);
        self.market_impl.set(market_impl);
        self.membership_impl.set(membership_impl);
        self.registry.set(registry);
        self.account_impl.set(account_impl);
        self.models.set(models);
        Ok(())
    }

    /// Creates a community: `asset` staked in `source` (an ERC-4626 over it; `native`:
    /// the asset is WETH and members may join with ETH), credits in `payment` (the job
    /// market's token), a member's stake `stake` (exactly, or at least), held
    /// `lockDuration` seconds, `poolBps` of each harvest to the pool; `name` and `symbol`
    /// (ASCII, left-aligned in a word) name both the vault's shares and the membership
    /// NFT, `baseUri` its metadata. Returns the vault, ledger, market, membership and pool
    /// account.
    #[allow(clippy::too_many_arguments)]
    #[selector(name = "createCommunity")]
    pub fn create_community(
        &mut self,
        admin: Address,
        asset: Address,
        payment: Address,
        source: Address,
        stake: U256,
        exact_stake: bool,
        lock_duration: u64,
        pool_bps: u16,
        native: bool,
        name: B256,
        symbol: B256,
        base_uri: String,
        salt: B256,
    ) -> Result<Addresses, Error> {
        if admin.is_zero() {
            return Err(invalid());
        }
        let deployer = self.vm().msg_sender();
        let (vault, ledger, market, membership, pool) = self.addresses(deployer, salt);
        for (kind, implementation, expected) in [
            (Kind::Membership, self.membership_impl.get(), membership),
            (Kind::Ledger, self.ledger_impl.get(), ledger),
            (Kind::Vault, self.vault_impl.get(), vault),
            (Kind::Market, self.market_impl.get(), market),
        ] {
            let at = clones::deploy(self.vm(), implementation, clones::salt(deployer, salt, kind))
                .map_err(|revert| {
                    Error::CloneFailed(CloneFailed { implementation, revert: revert.into() })
                })?;
            if at != expected {
                return Err(invalid());
            }
        }
        type MembershipArgs = (
            sol_data::String,
            sol_data::String,
            sol_data::String,
            sol_data::Address,
            sol_data::Address,
            sol_data::Address,
            sol_data::Address,
            sol_data::Address,
            sol_data::Uint<256>,
        );
        let args = MembershipArgs::abi_encode_params(&(
            short_string(name)?,
            short_string(symbol)?,
            base_uri,
            admin,
            asset,
            vault,
            self.registry.get(),
            self.account_impl.get(),
            stake,
        ));
        self.construct(membership, args)?;
        type LedgerArgs = (
            sol_data::Address,
            sol_data::Address,
            sol_data::Address,
            sol_data::Address,
            sol_data::Address,
            sol_data::Uint<16>,
            sol_data::Address,
        );
        let args =
            LedgerArgs::abi_encode_params(&(admin, vault, asset, payment, pool, pool_bps, market));
        self.construct(ledger, args)?;
        type VaultArgs = (
            sol_data::Address,
            sol_data::Address,
            sol_data::Address,
            sol_data::Address,
            sol_data::FixedBytes<32>,
            sol_data::FixedBytes<32>,
            sol_data::Bool,
            sol_data::Uint<64>,
            sol_data::Uint<256>,
            sol_data::Bool,
        );
        let args = VaultArgs::abi_encode_params(&(
            asset,
            source,
            ledger,
            admin,
            name,
            symbol,
            native,
            lock_duration,
            stake,
            exact_stake,
        ));
        self.construct(vault, args)?;
        type MarketArgs =
            (sol_data::Address, sol_data::Address, sol_data::Address, sol_data::Address);
        let args = MarketArgs::abi_encode_params(&(admin, ledger, payment, self.models.get()));
        self.construct(market, args)?;
        let mut c = self.communities.grow();
        c.vault.set(vault);
        c.ledger.set(ledger);
        c.market.set(market);
        c.membership.set(membership);
        log(
            self.vm(),
            CommunityCreated { deployer, salt, admin, vault, ledger, market, membership, pool },
        );
        Ok((vault, ledger, market, membership, pool))
    }

    /// The addresses `deployer`'s community with `salt` gets: (vault, ledger, market,
    /// membership, pool account).
    #[selector(name = "predictCommunity")]
    pub fn predict_community(&self, deployer: Address, salt: B256) -> Addresses {
        self.addresses(deployer, salt)
    }

    /// How many communities this factory created.
    #[selector(name = "communityCount")]
    pub fn community_count(&self) -> U256 {
        U256::from(self.communities.len())
    }

    /// Community `index` (in creation order): (vault, ledger, market, membership).
    #[selector(name = "communityAt")]
    pub fn community_at(&self, index: U256) -> Result<(Address, Address, Address, Address), Error> {
        let c = self
            .communities
            .get(index)
            .ok_or(Error::UnknownCommunity(UnknownCommunity { index }))?;
        Ok((c.vault.get(), c.ledger.get(), c.market.get(), c.membership.get()))
    }

    /// (vault, ledger, job market, membership, registry, account, model registry): the
    /// implementations and shared contracts every community uses.
    pub fn implementations(
        &self,
    ) -> (Address, Address, Address, Address, Address, Address, Address) {
        (
            self.vault_impl.get(),
            self.ledger_impl.get(),
            self.market_impl.get(),
            self.membership_impl.get(),
            self.registry.get(),
            self.account_impl.get(),
            self.models.get(),
        )
    }
}
