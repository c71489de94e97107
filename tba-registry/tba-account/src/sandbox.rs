//! DELEGATECALL through a sandbox.
//!
//! Operation 1 never delegatecalls from the account: a DELEGATECALL would run foreign
//! code on the account's storage (its grants, lock and state). Instead the account
//! deploys, once, by CREATE2 (salt [`SANDBOX_SALT`]), a 69-byte EVM sandbox bound to the
//! account's address ([`sandbox_init_code`]). The sandbox accepts calls only from the
//! account; it delegatecalls the target (the first 20 bytes of its calldata) with the
//! rest, so the target runs on the *sandbox's* storage and balance, and bubbles the
//! result or revert. Code running in the sandbox may act as the account only through
//! [`TbaAccount::extcall`], which accepts only the sandbox as caller (which runs only
//! during an owner's `execute`) and honours the lock. Operation 1 carries no value.

use alloc::vec::Vec;

use compute_fi_contracts::{
    interfaces::tba::create2_address,
    signatures::{has_code, keccak_const},
};
use stylus_sdk::{
    alloy_primitives::{keccak256, Address, B256, U256},
    prelude::*,
    stylus_core::calls::context::Call,
};

use crate::{errors::not_owner, executor::revert_data, Error, SandboxUnavailable, TbaAccount};

/// CREATE2 salt of the sandbox: `keccak256("compute-fi.tba.sandbox.v1")`.
pub const SANDBOX_SALT: B256 = B256::new(keccak_const(b"compute-fi.tba.sandbox.v1"));

/// The sandbox's constructor: copies the 69-byte runtime that follows it and returns it.
const SANDBOX_CONSTRUCTOR: [u8; 9] = [0x60, 0x45, 0x80, 0x60, 0x09, 0x3d, 0x39, 0x3d, 0xf3];
/// The sandbox's runtime after `PUSH20 <account>`.
const SANDBOX_BODY: [u8; 48] = [
    0x33, 0x14, 0x60, 0x1d, 0x57, 0x3d, 0x3d, 0xfd, // check caller
    0x5b, 0x60, 0x14, 0x36, 0x03, 0x60, 0x14, 0x3d, 0x37, // copy args
    0x3d, 0x3d, 0x60, 0x14, 0x36, 0x03, 0x3d, 0x3d, 0x35, 0x60, 0x60, 0x1c, 0x5a,
    0xf4, // delegatecall
    0x3d, 0x60, 0x00, 0x80, 0x3e, // returndatacopy
    0x60, 0x40, 0x57, 0x3d, 0x60, 0x00, 0xfd, // revert on failure
    0x5b, 0x3d, 0x60, 0x00, 0xf3, // return
];

/// The sandbox's init code for `account` (69-byte runtime):
/// ```text
/// 73 <account> 33 14 60 1d 57 3d 3d fd    caller == account, else revert()
/// 5b 60 14 36 03 60 14 3d 37              calldatacopy(0, 20, calldatasize - 20)
/// 3d 3d 60 14 36 03 3d 3d 35 60 60 1c 5a f4
///                                         delegatecall(gas, calldata[0..20], 0, size, 0, 0)
/// 3d 60 00 80 3e                          returndatacopy(0, 0, returndatasize)
/// 60 40 57 3d 60 00 fd                    if failed: revert(0, returndatasize)
/// 5b 3d 60 00 f3                          return(0, returndatasize)
/// ```
/// preceded by the 9-byte constructor `60 45 80 60 09 3d 39 3d f3` (codecopy, return).
pub fn sandbox_init_code(account: Address) -> [u8; 78] {
    let mut code = [0u8; 78];
    let (constructor, rest) = code.split_at_mut(SANDBOX_CONSTRUCTOR.len());
    let (push, rest) = rest.split_at_mut(1);
    let (address, body) = rest.split_at_mut(20);
    constructor.copy_from_slice(&SANDBOX_CONSTRUCTOR);
    push.copy_from_slice(&[0x73]);
    address.copy_from_slice(account.as_slice());
    body.copy_from_slice(&SANDBOX_BODY);
    code
}

/// The sandbox address of `account`.
pub fn sandbox_address(account: Address) -> Address {
    create2_address(account, SANDBOX_SALT, keccak256(sandbox_init_code(account)))
}

impl TbaAccount {
    /// The sandbox, deployed if it has no code yet.
    pub(crate) fn ensure_sandbox(&self) -> Result<Address, Error> {
        let this = self.vm().contract_address();
        let expected = sandbox_address(this);
        if has_code(self.vm(), expected) {
            return Ok(expected);
        }
        match self.deploy(&sandbox_init_code(this), U256::ZERO, Some(SANDBOX_SALT)) {
            Ok(a) if a == expected => Ok(a),
            _ => Err(Error::SandboxUnavailable(SandboxUnavailable { expected })),
        }
    }

    /// `extcall`: a CALL as the account, for code running in the sandbox only.
    pub(crate) fn call_from_sandbox(
        &mut self,
        to: Address,
        value: U256,
        data: &[u8],
    ) -> Result<Vec<u8>, Vec<u8>> {
        self.context()?;
        let caller = self.vm().msg_sender();
        if caller != sandbox_address(self.vm().contract_address()) {
            return Err(not_owner(caller).into());
        }
        self.require_unlocked()?;
        self.bump_state();
        self.vm().call(&Call::new().value(value), to, data).map_err(revert_data)
    }
}
