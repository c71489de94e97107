//! ERC-1167 clones by CREATE2: the 55-byte creation code of a minimal proxy to an
//! implementation, a salt bound to the deployer and the contract's role, and the
//! address CREATE2 gives them.

use alloc::vec::Vec;

use compute_fi_contracts::interfaces::tba::create2_address;
use stylus_sdk::{
    alloy_primitives::{keccak256, Address, B256, U256},
    stylus_core::Host,
};

/// Which of a community's contracts a clone is (part of its salt).
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Vault = 1,
    Ledger = 2,
    Market = 3,
    Membership = 4,
}

/// The selector of a stylus-sdk 0.9 `#[constructor]` (`stylus_constructor()`).
pub(crate) const CONSTRUCTOR_SELECTOR: [u8; 4] = {
    let h = compute_fi_contracts::signatures::keccak_const(b"stylus_constructor()");
    [h[0], h[1], h[2], h[3]]
};

/// ERC-1167's creation code around the implementation address.
const PREFIX: [u8; 20] = [
    0x3d, 0x60, 0x2d, 0x80, 0x60, 0x0a, 0x3d, 0x39, 0x81, 0xf3, 0x36, 0x3d, 0x3d, 0x37, 0x3d, 0x3d,
    0x3d, 0x36, 0x3d, 0x73,
];
const SUFFIX: [u8; 15] =
    [0x5a, 0xf4, 0x3d, 0x82, 0x80, 0x3e, 0x90, 0x3d, 0x91, 0x60, 0x2b, 0x57, 0xfd, 0x5b, 0xf3];

/// The creation code of a minimal proxy to `implementation`.
pub(crate) fn creation_code(implementation: Address) -> Vec<u8> {
    let mut code = Vec::with_capacity(55);
    code.extend_from_slice(&PREFIX);
    code.extend_from_slice(implementation.as_slice());
    code.extend_from_slice(&SUFFIX);
    code
}

/// The CREATE2 salt of `deployer`'s `kind` clone for its community `salt`: bound to the
/// deployer, so nobody else can create at (or squat) its addresses.
pub(crate) fn salt(deployer: Address, salt: B256, kind: Kind) -> B256 {
    let mut buf = [0u8; 53];
    let (who, rest) = buf.split_at_mut(20);
    let (s, k) = rest.split_at_mut(32);
    who.copy_from_slice(deployer.as_slice());
    s.copy_from_slice(salt.as_slice());
    k.fill(kind as u8);
    keccak256(buf)
}

/// The address of the clone of `implementation` that `factory` creates with `salt`.
pub(crate) fn predict(factory: Address, implementation: Address, salt: B256) -> Address {
    create2_address(factory, salt, keccak256(creation_code(implementation)))
}

/// Creates the clone of `implementation` with `salt`; the revert data on failure (the
/// address taken, or out of gas).
pub(crate) fn deploy(
    vm: &dyn Host,
    implementation: Address,
    salt: B256,
) -> Result<Address, Vec<u8>> {
    // SAFETY: the proxy's creation code runs no call; no storage reference is held.
    unsafe { vm.deploy(&creation_code(implementation), U256::ZERO, Some(salt)) }
}
