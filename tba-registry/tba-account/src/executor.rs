//! `execute` and `executeBatch`: the operations (IERC6551Executable) and how they run.
//!
//! Every operation is validated and authorised (see [`crate::grants`]) before the lock
//! is checked and the state counter moves, and the counter moves before any external
//! call. A batch authorises all of its operations before it runs the first one, so it is
//! all or nothing.

use alloc::vec::Vec;

use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256},
    alloy_sol_types::SolValue,
    prelude::*,
    stylus_core::calls::{context::Call, errors::Error as CallError},
};

use crate::{BatchLengthMismatch, CreateFailed, Error, InvalidOperation, TbaAccount};

/// Operations of `execute`.
pub const OP_CALL: u8 = 0;
pub const OP_DELEGATECALL: u8 = 1;
pub const OP_CREATE: u8 = 2;
pub const OP_CREATE2: u8 = 3;

/// A failed call's revert data, to bubble as the account's own.
pub(crate) fn revert_data(e: CallError) -> Vec<u8> {
    match e {
        CallError::Revert(data) => data,
        _ => Vec::new(),
    }
}

fn validate_operation(value: U256, data: &[u8], op: u8) -> Result<(), Error> {
    let ok = match op {
        OP_CALL | OP_CREATE => true,
        OP_DELEGATECALL => value.is_zero(),
        OP_CREATE2 => data.len() >= 32,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidOperation(InvalidOperation { operation: op }))
    }
}

impl TbaAccount {
    /// `execute`: one operation by the owner or a delegate in scope.
    pub(crate) fn execute_one(
        &mut self,
        to: Address,
        value: U256,
        data: &[u8],
        operation: u8,
    ) -> Result<Vec<u8>, Vec<u8>> {
        let ctx = self.context()?;
        validate_operation(value, data, operation)?;
        let owner = self.owner_for(&ctx);
        self.authorize(&ctx, owner, self.vm().msg_sender(), &mut None, to, value, data, operation)?;
        self.require_unlocked()?;
        self.bump_state();
        self.perform(to, value, data, operation)
    }

    /// `executeBatch`: every operation checked first, then all run in order.
    pub(crate) fn execute_all(
        &mut self,
        to: &[Address],
        value: &[U256],
        data: &[Bytes],
        operation: &[u8],
    ) -> Result<(), Vec<u8>> {
        let n = to.len();
        if value.len() != n || data.len() != n || operation.len() != n {
            return Err(Error::BatchLengthMismatch(BatchLengthMismatch {}).into());
        }
        let ctx = self.context()?;
        let owner = self.owner_for(&ctx);
        let caller = self.vm().msg_sender();
        let mut grant = None;
        for (((t, v), d), op) in to.iter().zip(value).zip(data).zip(operation) {
            validate_operation(*v, d, *op)?;
            self.authorize(&ctx, owner, caller, &mut grant, *t, *v, d, *op)?;
        }
        self.require_unlocked()?;
        self.bump_state();
        for (((t, v), d), op) in to.iter().zip(value).zip(data).zip(operation) {
            self.perform(*t, *v, d, *op)?;
        }
        Ok(())
    }

    /// CREATE (no salt) or CREATE2 of `code`; the new address, never zero.
    pub(crate) fn deploy(
        &self,
        code: &[u8],
        value: U256,
        salt: Option<B256>,
    ) -> Result<Address, Error> {
        // Init code may call back into the account: persist storage first.
        self.vm().flush_cache(true);
        // SAFETY: storage was flushed and cleared above; nothing is cached across the call.
        match unsafe { self.vm().deploy(code, value, salt) } {
            Ok(a) if !a.is_zero() => Ok(a),
            _ => Err(Error::CreateFailed(CreateFailed {})),
        }
    }

    /// Runs one validated, authorised operation.
    fn perform(&self, to: Address, value: U256, data: &[u8], op: u8) -> Result<Vec<u8>, Vec<u8>> {
        match op {
            OP_CALL => self.vm().call(&Call::new().value(value), to, data).map_err(revert_data),
            OP_DELEGATECALL => {
                let sandbox = self.ensure_sandbox()?;
                let mut payload = Vec::with_capacity(data.len().saturating_add(20));
                payload.extend_from_slice(to.as_slice());
                payload.extend_from_slice(data);
                self.vm().call(&Call::new(), sandbox, &payload).map_err(revert_data)
            }
            OP_CREATE => Ok(self.deploy(data, value, None)?.abi_encode()),
            _ => {
                let (salt, code) = data
                    .split_at_checked(32)
                    .ok_or(Error::InvalidOperation(InvalidOperation { operation: op }))?;
                Ok(self.deploy(code, value, Some(B256::from_slice(salt)))?.abi_encode())
            }
        }
    }
}
