//! ModelRegistry: which open models exist (metadata URI, exact weights hash, unit of
//! pricing), who owns each entry, whether it is enabled, and who may use it. Split out of
//! the JobMarket for size; the market asks [`ModelRegistry::access`] at every request.
//!
//! Access policy: `collection` zero means public; otherwise the requester must hold a
//! token of that ERC-721 collection directly, or be the ERC-6551 account of one of its
//! tokens on this chain: the registry's `account(implementation, salt, chainId,
//! collection, tokenId)` (with the caller-supplied `tokenId` and `salt`) must equal the
//! requester, and the token must exist (`ownerOf` succeeds).
//!
//! Roles (OpenZeppelin AccessControl's vocabulary): `ADMIN_ROLE` (community governance)
//! may disable any model and grants and revokes the role; a model's owner toggles its
//! own model. Every refusal is `AccessControlUnauthorizedAccount(caller, neededRole)`,
//! naming `OWNER_ROLE` where the caller is neither the model's owner nor an admin.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use compute_fi_contracts::{
    access::{
        unauthorized, AccessControlUnauthorizedAccount, AdminHandoverUnconfirmed, RoleError, Roles,
        UnknownRole, ADMIN_ROLE, OWNER_ROLE,
    },
    errors::AlreadyInitialized,
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256, U8},
    alloy_sol_types::sol,
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256, StorageU8},
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

pub mod events;
mod views;
use events::word;
pub use events::*;

/// The roles the registry grants: the admin only.
pub const KNOWN_ROLES: [B256; 1] = [ADMIN_ROLE];

sol! {
    /// A bad unit kind, a gated policy without a registry, or a zero admin.
    #[derive(Debug)]
    error InvalidArgument();
    /// No model has this id.
    #[derive(Debug)]
    error UnknownModel(uint256 id);
}

/// Every error of the registry.
#[derive(SolidityError, Debug)]
pub enum Error {
    InvalidArgument(InvalidArgument),
    AlreadyInitialized(AlreadyInitialized),
    /// The caller lacks the role (or is not the model's owner) the call needs.
    UnauthorizedAccount(AccessControlUnauthorizedAccount),
    /// `grantRole` or `revokeRole` named a role the registry does not grant.
    UnknownRole(UnknownRole),
    AdminHandoverUnconfirmed(AdminHandoverUnconfirmed),
    UnknownModel(UnknownModel),
}

impl From<RoleError> for Error {
    fn from(e: RoleError) -> Self {
        match e {
            RoleError::Unknown(e) => Error::UnknownRole(e),
            RoleError::Handover(e) => Error::AdminHandoverUnconfirmed(e),
        }
    }
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
    /// Who holds the admin role.
    roles: Roles,
    models: StorageMap<U256, Model>,
    count: StorageU256,
    /// Set once by the constructor or `initialize`.
    initialized: StorageBool,
}

#[public]
impl ModelRegistry {
    #[constructor]
    pub fn constructor(&mut self, admin: Address) -> Result<(), Error> {
        self.initialize(admin)
    }

    /// One-time setup (for a clone, in the transaction that creates it): grants the
    /// admin role to `admin` (nonzero).
    pub fn initialize(&mut self, admin: Address) -> Result<(), Error> {
        if self.initialized.get() {
            return Err(Error::AlreadyInitialized(AlreadyInitialized {}));
        }
        if admin.is_zero() {
            return Err(Error::InvalidArgument(InvalidArgument {}));
        }
        self.initialized.set(true);
        self.set_role(ADMIN_ROLE, admin, true)
    }

    /// Whether `account` holds `role` (the registry grants `ADMIN_ROLE` only).
    #[selector(name = "hasRole")]
    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.roles.has(&KNOWN_ROLES, role, account)
    }

    /// Admin: gives `role` to `account`.
    #[selector(name = "grantRole")]
    pub fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.only_admin()?;
        self.set_role(role, account, true)
    }

    /// Admin: takes `role` from `account`. No admin revokes its own role (a handover is
    /// the next admin revoking the previous one), so the registry always keeps an admin.
    #[selector(name = "revokeRole")]
    pub fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.only_admin()?;
        self.set_role(role, account, false)
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
        events::model_registered(
            self.vm(),
            id,
            owner,
            &[
                weights_hash,
                B256::with_last_byte(unit_kind),
                word(collection),
                word(registry),
                word(implementation),
            ],
            &metadata_uri.0,
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
        if caller != owner && !self.roles.has(&KNOWN_ROLES, ADMIN_ROLE, caller) {
            return Err(Error::UnauthorizedAccount(unauthorized(caller, OWNER_ROLE)));
        }
        self.models.setter(id).enabled.set(U8::from(u8::from(enabled)));
        events::model_enabled(self.vm(), id, enabled);
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
        if matches!(self.balance_of(collection, requester), Some(b) if !b.is_zero()) {
            return access::OK;
        }
        let chain = U256::from(self.vm().chain_id());
        let tba = self.account(
            m.registry.get(),
            [word(m.implementation.get()), salt, chain.into(), word(collection), token_id.into()],
        );
        if tba == Some(requester)
            && matches!(self.owner_of(collection, token_id), Some(o) if !o.is_zero())
        {
            return access::OK;
        }
        access::DENIED
    }
}

impl ModelRegistry {
    fn only_admin(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        self.roles.check(&KNOWN_ROLES, ADMIN_ROLE, caller).map_err(Error::UnauthorizedAccount)
    }

    /// Gives (`on`) or takes `role` from `account`, with OpenZeppelin's events.
    fn set_role(&mut self, role: B256, account: Address, on: bool) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        self.roles.set(&KNOWN_ROLES, role, account, on, sender).map_err(Error::from)
    }
}

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
    use compute_fi_contracts::access::{RoleGranted, RoleRevoked};
    use mock_erc721::MockErc721;
    use motsu::prelude::*;

    use super::{test_registry::TestRegistry, *};

    fn setup(reg: &Contract<ModelRegistry>, admin: Address) {
        reg.sender(admin).constructor(admin).motsu_unwrap();
    }

    /// Whether `err` refuses `account` for want of `role`.
    fn refused(err: &Error, account: Address, role: B256) -> bool {
        matches!(err, Error::UnauthorizedAccount(e) if e.account == account && e.needed_role == role)
    }

    #[motsu::test]
    fn constructor_and_admin_role(reg: Contract<ModelRegistry>, admin: Address, bob: Address) {
        setup(&reg, admin);
        reg.assert_emitted(&RoleGranted { role: ADMIN_ROLE, account: admin, sender: admin });
        assert!(reg.sender(bob).has_role(ADMIN_ROLE, admin));
        assert!(!reg.sender(bob).has_role(ADMIN_ROLE, bob));
        assert!(matches!(
            reg.sender(bob).initialize(bob).motsu_unwrap_err(),
            Error::AlreadyInitialized(_)
        ));
        assert!(refused(
            &reg.sender(bob).grant_role(ADMIN_ROLE, bob).motsu_unwrap_err(),
            bob,
            ADMIN_ROLE
        ));
        assert!(refused(
            &reg.sender(bob).revoke_role(ADMIN_ROLE, admin).motsu_unwrap_err(),
            bob,
            ADMIN_ROLE
        ));
        let other = B256::repeat_byte(9);
        assert!(
            matches!(reg.sender(admin).grant_role(other, bob).motsu_unwrap_err(), Error::UnknownRole(UnknownRole { role }) if role == other)
        );
        reg.sender(admin).grant_role(ADMIN_ROLE, bob).motsu_unwrap();
        reg.assert_emitted(&RoleGranted { role: ADMIN_ROLE, account: bob, sender: admin });
        assert!(reg.sender(bob).has_role(ADMIN_ROLE, bob));
        reg.sender(bob).revoke_role(ADMIN_ROLE, admin).motsu_unwrap();
        reg.assert_emitted(&RoleRevoked { role: ADMIN_ROLE, account: admin, sender: bob });
        assert!(!reg.sender(bob).has_role(ADMIN_ROLE, admin));
        assert!(refused(
            &reg.sender(admin).grant_role(ADMIN_ROLE, admin).motsu_unwrap_err(),
            admin,
            ADMIN_ROLE
        ));
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
                Bytes(b"ipfs://llama".to_vec()),
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
        assert!(refused(
            &reg.sender(bob).set_model_enabled(id, false).motsu_unwrap_err(),
            bob,
            OWNER_ROLE
        ));
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
            .register_model(Bytes(Vec::new()), w, 1, Address::ZERO, Address::ZERO, Address::ZERO)
            .motsu_unwrap();
        assert_eq!(id2, U256::from(1));
        // The log carries the metadata as ABI `bytes`: empty, and longer than a word.
        reg.assert_emitted(&ModelRegistered {
            id: id2,
            owner: bob,
            weightsHash: w,
            unitKind: 1,
            collection: Address::ZERO,
            registry: Address::ZERO,
            implementation: Address::ZERO,
            metadataURI: Vec::new().into(),
        });
        let uri = b"ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi".to_vec();
        let (c, r, i) = (Address::repeat_byte(1), Address::repeat_byte(2), Address::repeat_byte(3));
        let id3 = reg.sender(bob).register_model(Bytes(uri.clone()), w, 1, c, r, i).motsu_unwrap();
        reg.assert_emitted(&ModelRegistered {
            id: id3,
            owner: bob,
            weightsHash: w,
            unitKind: 1,
            collection: c,
            registry: r,
            implementation: i,
            metadataURI: uri.into(),
        });
        reg.sender(bob).set_model_enabled(id3, true).motsu_unwrap();
        reg.assert_emitted(&ModelEnabled { id: id3, enabled: true });
    }

    #[motsu::test]
    fn register_refuses_bad_policy(reg: Contract<ModelRegistry>, admin: Address, alice: Address) {
        setup(&reg, admin);
        let e = reg
            .sender(alice)
            .register_model(
                Bytes(Vec::new()),
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
            .register_model(Bytes(Vec::new()), B256::ZERO, 0, alice, Address::ZERO, Address::ZERO)
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
            .register_model(Bytes(Vec::new()), B256::ZERO, 1, nft.address(), tbas.address(), imp)
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
