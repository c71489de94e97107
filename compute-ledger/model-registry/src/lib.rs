//! ModelRegistry: which open models exist (metadata URI, exact weights hash, unit of
//! pricing), who owns each entry, whether it is enabled, and who may use it. Split out of
//! the JobMarket for size; the market asks [`ModelRegistry::access`] at every request.
//!
//! Access policy: `collection` zero means public; otherwise the requester must hold a
//! token of that ERC-721 collection directly, or be the ERC-6551 account of one of its
//! tokens on this chain: the registry's `account(implementation, salt, chainId,
//! collection, tokenId)` (with the caller-supplied `tokenId` and `salt`) must equal the
//! requester, and the token must exist (`ownerOf` succeeds).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use compute_fi_contracts::interfaces::ledger::{IErc6551RegistryView, IErc721View};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256, U8},
    alloy_sol_types::sol,
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap, StorageU256, StorageU8},
};

/// Answers of [`ModelRegistry::access`].
pub mod access {
    /// The requester may use the model.
    pub const OK: u8 = 0;
    /// No such model, or it is disabled.
    pub const UNAVAILABLE: u8 = 1;
    /// The requester does not satisfy the model's policy.
    pub const DENIED: u8 = 2;
}

sol! {
    #[derive(Debug)]
    event ModelRegistered(uint256 indexed id, address indexed owner, bytes32 weightsHash, uint8 unitKind, address collection, address registry, address implementation, bytes metadataURI);
    #[derive(Debug)]
    event ModelEnabled(uint256 indexed id, bool enabled);
    #[derive(Debug)]
    event AdminChanged(address indexed previous, address indexed admin);

    #[derive(Debug)]
    error InvalidArgument();
    #[derive(Debug)]
    error AlreadyInitialized();
    #[derive(Debug)]
    error NotAllowed(address caller);
    #[derive(Debug)]
    error UnknownModel(uint256 id);
}

#[derive(SolidityError, Debug)]
pub enum Error {
    InvalidArgument(InvalidArgument),
    AlreadyInitialized(AlreadyInitialized),
    NotAllowed(NotAllowed),
    UnknownModel(UnknownModel),
}

/// A model entry.
#[storage]
pub struct Model {
    owner: StorageAddress,
    unit_kind: StorageU8,
    enabled: StorageU8,
    collection: StorageAddress,
    registry: StorageAddress,
    implementation: StorageAddress,
    weights_hash: StorageB256,
}

#[entrypoint]
#[storage]
pub struct ModelRegistry {
    admin: StorageAddress,
    models: StorageMap<U256, Model>,
    count: StorageU256,
}

#[public]
impl ModelRegistry {
    #[constructor]
    pub fn constructor(&mut self, admin: Address) -> Result<(), Error> {
        self.initialize(admin)
    }

    /// One-time setup (for a clone, in the transaction that creates it).
    pub fn initialize(&mut self, admin: Address) -> Result<(), Error> {
        if !self.admin.get().is_zero() {
            return Err(Error::AlreadyInitialized(AlreadyInitialized {}));
        }
        self.set_admin_inner(admin)
    }

    /// Admin: hands the admin role (which may disable any model) to `admin`.
    #[selector(name = "setAdmin")]
    pub fn set_admin(&mut self, admin: Address) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.admin.get() {
            return Err(Error::NotAllowed(NotAllowed { caller }));
        }
        self.set_admin_inner(admin)
    }

    pub fn admin(&self) -> Address {
        self.admin.get()
    }

    /// Registers a model owned by the caller. `unit_kind`: 0 = per 1,000 tokens of
    /// inference, 1 = per request. `collection` zero: public; else gated (see the crate
    /// docs) and `registry` must be set.
    #[selector(name = "registerModel")]
    pub fn register_model(
        &mut self,
        metadata_uri: Bytes,
        weights_hash: B256,
        unit_kind: u8,
        collection: Address,
        registry: Address,
        implementation: Address,
    ) -> Result<U256, Error> {
        if unit_kind > 1 || (!collection.is_zero() && registry.is_zero()) {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        let id = self.count.get();
        self.count.set(id.saturating_add(U256::from(1u8))); // a count cannot reach 2^256
        let owner = self.vm().msg_sender();
        let mut m = self.models.setter(id);
        m.owner.set(owner);
        m.unit_kind.set(U8::from(unit_kind));
        m.enabled.set(U8::from(1u8));
        m.collection.set(collection);
        m.registry.set(registry);
        m.implementation.set(implementation);
        m.weights_hash.set(weights_hash);
        log(
            self.vm(),
            ModelRegistered {
                id,
                owner,
                weightsHash: weights_hash,
                unitKind: unit_kind,
                collection,
                registry,
                implementation,
                metadataURI: metadata_uri.0.into(),
            },
        );
        Ok(id)
    }

    /// Model owner or admin: enables or disables a model for new requests.
    #[selector(name = "setModelEnabled")]
    pub fn set_model_enabled(&mut self, id: U256, enabled: bool) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        let owner = self.models.getter(id).owner.get();
        if owner.is_zero() {
            return Err(Error::UnknownModel(UnknownModel { id }));
        }
        if caller != owner && caller != self.admin.get() {
            return Err(Error::NotAllowed(NotAllowed { caller }));
        }
        self.models.setter(id).enabled.set(U8::from(u8::from(enabled)));
        log(self.vm(), ModelEnabled { id, enabled });
        Ok(())
    }

    /// (owner, enabled, unit kind, collection, registry, implementation, weights hash).
    pub fn model(&self, id: U256) -> (Address, bool, u8, Address, Address, Address, B256) {
        let m = self.models.getter(id);
        (
            m.owner.get(),
            m.enabled.get() != U8::ZERO,
            m.unit_kind.get().to::<u8>(),
            m.collection.get(),
            m.registry.get(),
            m.implementation.get(),
            m.weights_hash.get(),
        )
    }

    /// Whether `requester` may use model `id` now (see [`access`]); `token_id` and `salt`
    /// identify the token whose account the requester claims to be.
    pub fn access(&self, id: U256, requester: Address, token_id: U256, salt: B256) -> u8 {
        let m = self.models.getter(id);
        if m.enabled.get().is_zero() {
            return access::UNAVAILABLE;
        }
        let collection = m.collection.get();
        if collection.is_zero() {
            return access::OK;
        }
        let nft = IErc721View::new(collection);
        if matches!(nft.balance_of(self, requester), Ok(b) if !b.is_zero()) {
            return access::OK;
        }
        let chain = U256::from(self.vm().chain_id());
        let tba = IErc6551RegistryView::new(m.registry.get()).account(
            self,
            m.implementation.get(),
            salt,
            chain,
            collection,
            token_id,
        );
        if matches!(tba, Ok(a) if a == requester)
            && matches!(nft.owner_of(self, token_id), Ok(o) if !o.is_zero())
        {
            return access::OK;
        }
        access::DENIED
    }
}

impl ModelRegistry {
    fn set_admin_inner(&mut self, admin: Address) -> Result<(), Error> {
        if admin.is_zero() {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        let previous = self.admin.get();
        self.admin.set(admin);
        log(self.vm(), AdminChanged { previous, admin });
        Ok(())
    }
}

/// Solidity text the SDK export omits: the events.
pub const ABI_EXTRA: &str = "
interface IModelRegistryEvents {
    event ModelRegistered(uint256 indexed id, address indexed owner, bytes32 weightsHash, uint8 unitKind, address collection, address registry, address implementation, bytes metadataURI);
    event ModelEnabled(uint256 indexed id, bool enabled);
    event AdminChanged(address indexed previous, address indexed admin);
}
";

/// A test ERC-6551 registry whose `account` answers a configured address for one
/// (implementation, salt, chain, collection, token) and zero otherwise.
#[cfg(test)]
pub mod test_registry {
    use stylus_sdk::storage::StorageB256;

    use super::*;

    #[storage]
    pub struct TestRegistry {
        key: StorageB256,
        account: StorageAddress,
    }

    unsafe impl TopLevelStorage for TestRegistry {}

    #[public]
    impl TestRegistry {
        pub fn set(
            &mut self,
            implementation: Address,
            salt: B256,
            chain_id: U256,
            token_contract: Address,
            token_id: U256,
            account: Address,
        ) {
            self.key.set(Self::key_of(implementation, salt, chain_id, token_contract, token_id));
            self.account.set(account);
        }

        pub fn account(
            &self,
            implementation: Address,
            salt: B256,
            chain_id: U256,
            token_contract: Address,
            token_id: U256,
        ) -> Address {
            if self.key.get()
                == Self::key_of(implementation, salt, chain_id, token_contract, token_id)
            {
                self.account.get()
            } else {
                Address::ZERO
            }
        }
    }

    impl TestRegistry {
        fn key_of(i: Address, s: B256, c: U256, t: Address, id: U256) -> B256 {
            use alloy_sol_types::SolValue;
            stylus_sdk::crypto::keccak((i, s, c, t, id).abi_encode())
        }
    }
}

#[cfg(test)]
mod tests {
    use mock_erc721::MockErc721;
    use motsu::prelude::*;

    use super::{test_registry::TestRegistry, *};

    fn setup(reg: &Contract<ModelRegistry>, admin: Address) {
        reg.sender(admin).constructor(admin).motsu_unwrap();
    }

    #[motsu::test]
    fn constructor_and_admin(reg: Contract<ModelRegistry>, admin: Address, bob: Address) {
        setup(&reg, admin);
        reg.assert_emitted(&AdminChanged { previous: Address::ZERO, admin });
        assert_eq!(reg.sender(bob).admin(), admin);
        assert!(matches!(
            reg.sender(bob).initialize(bob).motsu_unwrap_err(),
            Error::AlreadyInitialized(_)
        ));
        assert!(
            matches!(reg.sender(bob).set_admin(bob).motsu_unwrap_err(), Error::NotAllowed(NotAllowed { caller }) if caller == bob)
        );
        assert!(matches!(
            reg.sender(admin).set_admin(Address::ZERO).motsu_unwrap_err(),
            Error::InvalidArgument(_)
        ));
        reg.sender(admin).set_admin(bob).motsu_unwrap();
        reg.assert_emitted(&AdminChanged { previous: admin, admin: bob });
    }

    #[motsu::test]
    fn constructor_refuses_zero_admin(reg: Contract<ModelRegistry>, admin: Address) {
        assert!(matches!(
            reg.sender(admin).constructor(Address::ZERO).motsu_unwrap_err(),
            Error::InvalidArgument(_)
        ));
    }

    #[motsu::test]
    fn register_enable_and_public_access(
        reg: Contract<ModelRegistry>,
        admin: Address,
        alice: Address,
        bob: Address,
    ) {
        setup(&reg, admin);
        let w = B256::repeat_byte(7);
        let id = reg
            .sender(alice)
            .register_model(
                Bytes(b"ipfs://llama".to_vec().into()),
                w,
                0,
                Address::ZERO,
                Address::ZERO,
                Address::ZERO,
            )
            .motsu_unwrap();
        assert_eq!(id, U256::ZERO);
        reg.assert_emitted(&ModelRegistered {
            id,
            owner: alice,
            weightsHash: w,
            unitKind: 0,
            collection: Address::ZERO,
            registry: Address::ZERO,
            implementation: Address::ZERO,
            metadataURI: b"ipfs://llama".to_vec().into(),
        });
        assert_eq!(
            reg.sender(bob).model(id),
            (alice, true, 0, Address::ZERO, Address::ZERO, Address::ZERO, w)
        );
        assert_eq!(reg.sender(bob).access(id, bob, U256::ZERO, B256::ZERO), access::OK);
        // Only the owner or the admin toggles it.
        assert!(
            matches!(reg.sender(bob).set_model_enabled(id, false).motsu_unwrap_err(), Error::NotAllowed(NotAllowed { caller }) if caller == bob)
        );
        reg.sender(alice).set_model_enabled(id, false).motsu_unwrap();
        reg.assert_emitted(&ModelEnabled { id, enabled: false });
        assert_eq!(reg.sender(bob).access(id, bob, U256::ZERO, B256::ZERO), access::UNAVAILABLE);
        reg.sender(admin).set_model_enabled(id, true).motsu_unwrap();
        assert_eq!(reg.sender(bob).access(id, bob, U256::ZERO, B256::ZERO), access::OK);
        assert!(
            matches!(reg.sender(admin).set_model_enabled(U256::from(9), true).motsu_unwrap_err(), Error::UnknownModel(UnknownModel { id }) if id == U256::from(9))
        );
        assert_eq!(
            reg.sender(bob).access(U256::from(9), bob, U256::ZERO, B256::ZERO),
            access::UNAVAILABLE
        );
        // Second registration gets the next id.
        let id2 = reg
            .sender(bob)
            .register_model(
                Bytes(Vec::new().into()),
                w,
                1,
                Address::ZERO,
                Address::ZERO,
                Address::ZERO,
            )
            .motsu_unwrap();
        assert_eq!(id2, U256::from(1));
    }

    #[motsu::test]
    fn register_refuses_bad_policy(reg: Contract<ModelRegistry>, admin: Address, alice: Address) {
        setup(&reg, admin);
        let e = reg
            .sender(alice)
            .register_model(
                Bytes(Vec::new().into()),
                B256::ZERO,
                2,
                Address::ZERO,
                Address::ZERO,
                Address::ZERO,
            )
            .motsu_unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)));
        let e = reg
            .sender(alice)
            .register_model(
                Bytes(Vec::new().into()),
                B256::ZERO,
                0,
                alice,
                Address::ZERO,
                Address::ZERO,
            )
            .motsu_unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)));
    }

    #[motsu::test]
    fn gated_access_by_holder_or_token_bound_account(
        reg: Contract<ModelRegistry>,
        nft: Contract<MockErc721>,
        tbas: Contract<TestRegistry>,
        admin: Address,
        holder: Address,
        tba: Address,
        stranger: Address,
    ) {
        setup(&reg, admin);
        nft.sender(admin).constructor("M".into(), "M".into(), "".into());
        nft.sender(admin).mint(holder, U256::from(5)).motsu_unwrap();
        let imp = Address::repeat_byte(0x1A);
        let salt = B256::repeat_byte(3);
        tbas.sender(admin).set(imp, salt, U256::from(42161u64), nft.address(), U256::from(5), tba);
        let id = reg
            .sender(admin)
            .register_model(
                Bytes(Vec::new().into()),
                B256::ZERO,
                1,
                nft.address(),
                tbas.address(),
                imp,
            )
            .motsu_unwrap();
        // Direct holder.
        assert_eq!(reg.sender(stranger).access(id, holder, U256::ZERO, B256::ZERO), access::OK);
        // The token-bound account of token 5, with the right token and salt.
        assert_eq!(reg.sender(stranger).access(id, tba, U256::from(5), salt), access::OK);
        // Wrong salt or token: not its account.
        assert_eq!(reg.sender(stranger).access(id, tba, U256::from(5), B256::ZERO), access::DENIED);
        assert_eq!(reg.sender(stranger).access(id, tba, U256::from(6), salt), access::DENIED);
        assert_eq!(reg.sender(stranger).access(id, stranger, U256::from(5), salt), access::DENIED);
        // A burnt token's account loses access.
        nft.sender(holder).burn(U256::from(5)).motsu_unwrap();
        assert_eq!(reg.sender(stranger).access(id, tba, U256::from(5), salt), access::DENIED);
    }
}
