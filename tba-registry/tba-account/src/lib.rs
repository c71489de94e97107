//! ERC-6551 token-bound account implementation, in Stylus.
//!
//! It runs behind the reference registry's ERC-1167-style proxy (by DELEGATECALL), so the
//! executing address and the storage are the proxy's; the implementation itself keeps no
//! state of its own and has no constructor.
//!
//! # Which token
//! [`TbaAccount::token`] reads the proxy's own code (`address(this)`) and parses the
//! reference footer ([`compute_fi_contracts::interfaces::tba::parse_proxy`]). If the
//! code is not exactly the 173-byte reference layout (e.g. the implementation is called
//! directly, or through another proxy), every function that depends on the token fails
//! with `NotAnAccount()` (views answer "not valid"/zero). [`TbaAccount::owner`] is
//! `ownerOf(tokenId)` when the token's chain id is this chain, zero otherwise (and zero
//! when `ownerOf` reverts, e.g. a burned token): nobody can act for a token on another
//! chain.
//!
//! # Who may act
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
//!
//! # State
//! `state()` is a counter incremented by every state-changing entry point (`execute`,
//! `executeBatch`, `extcall`, `lock`, `grantDelegate`, `revokeDelegate`), before any
//! external call, so a buyer can pin it in a marketplace order.
//!
//! # Lock
//! The owner can lock the account until a time at most [`MAX_LOCK`] (365 days) ahead.
//! While locked: no `execute`, `executeBatch`, `extcall`, grant, revoke or new lock, and
//! no signature or signer is valid (a signature could otherwise move the assets). The
//! lock cannot be shortened. Receiving assets still works.
//!
//! # DELEGATECALL through a sandbox
//! Operation 1 never delegatecalls from the account: a DELEGATECALL would run foreign
//! code on the account's storage (its grants, lock and state). Instead the account
//! deploys, once, by CREATE2 (salt [`SANDBOX_SALT`]), a 69-byte EVM sandbox bound to the
//! account's address ([`sandbox_init_code`]). The sandbox accepts calls only from the
//! account; it delegatecalls the target (the first 20 bytes of its calldata) with the
//! rest, so the target runs on the *sandbox's* storage and balance, and bubbles the
//! result or revert. Code running in the sandbox may act as the account only through
//! [`TbaAccount::extcall`], which accepts only the sandbox as caller (which runs only
//! during an owner's `execute`) and honours the lock. Operation 1 carries no value.
//!
//! # Signatures (EIP-712, replay limits)
//! `isValidSignature(hash, sig)` never checks `hash` itself: the signer signs
//! [`TbaAccount::replay_safe_hash`] of it, the EIP-712 digest of `TbaMessage(bytes32 hash)`
//! in the domain {name "Compute-Fi TBA", version "1", chainId, verifyingContract: this
//! account}. So a signature is valid for this account on this chain only, not for the
//! owner's other accounts. `sig` is either 65 bytes (r, s, v; ECDSA of an EOA owner or
//! signing delegate; high-s and v not in {27, 28} rejected) or `signer (20 bytes) ‖
//! inner`, checked by ERC-1271 on `signer` (a contract owner or signing delegate).
//! Limits: a signature stays valid as long as its signer does (owner unchanged, grant
//! unexpired and unrevoked, account unlocked); ERC-1271 has no nonce, so the signed
//! message (the app's own EIP-712 struct) must carry its own nonce or deadline.
//!
//! # Ownership cycles
//! `onERC721Received` refuses the NFT that owns this account and deeper cycles: it walks
//! up from this account's token (owner of the token, and if that owner is itself an
//! ERC-6551 proxy, its token, ...) for at most [`MAX_DEPTH`] levels, and refuses if the
//! received token appears. When an owner cannot be read (e.g. the NFT contract refuses
//! the reentrant `ownerOf` because it is mid-transfer, as a Stylus NFT does) or the chain
//! is deeper than the bound, it refuses too (`OwnershipUnverifiable`): a cycle locks the
//! assets forever, a refused safe transfer can be retried another way.
//!
//! # Reentrancy
//! The account must accept reentrant calls: ETH refunds and token hooks arrive while its
//! own `execute` runs, and sandboxed code calls `extcall` back. The SDK's `reentrant`
//! feature would allow that, but cargo unifies features across every crate built in one
//! invocation (`scripts/cf build` builds all contracts together), which would silently
//! drop the reentrancy guard of every other contract (and change their call APIs). So
//! this crate keeps the feature off and defines its own `user_entrypoint`: the SDK's,
//! minus the `msg_reentrant` check (`compute_fi_contracts::entrypoint::run` with
//! `Reentrancy::Admit`; the vault uses the same function with a narrower rule). It is
//! safe here because every state change happens before the external call it guards
//! (checks-effects-interactions), storage values are never cached across calls (the SDK
//! flushes and clears the host cache before each call and we flush before CREATE), and
//! nothing is written after an external call returns.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;

use compute_fi_contracts::interfaces::tba::{create2_address, parse_proxy, AccountContext};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{aliases::B32, b256, fixed_bytes, keccak256, Address, B256, U256, U64},
    alloy_sol_types::{sol, SolCall, SolValue},
    prelude::*,
    storage::{StorageBool, StorageMap, StorageU256, StorageU64},
    stylus_core::calls::context::Call,
};

/// Longest lock, from now (seconds).
pub const MAX_LOCK: u64 = 365 * 24 * 3600;
/// Longest delegate grant, from now (seconds).
pub const MAX_GRANT: u64 = 365 * 24 * 3600;
/// Most (target, selector) pairs in one grant.
pub const MAX_SCOPES: usize = 32;
/// Gas for the token's `transferCount` view (the grants' ownership epoch).
pub const EPOCH_GAS: u64 = 100_000;
/// Gas that must be left to read the epoch: enough that the call gets all of
/// [`EPOCH_GAS`] after the 63/64 rule, plus the call's own cost.
pub const EPOCH_GAS_NEEDED: u64 = EPOCH_GAS * 64 / 63 + 10_000;
/// Levels of nesting the ownership-cycle walk follows.
pub const MAX_DEPTH: usize = 6;
/// Operations of `execute`.
pub const OP_CALL: u8 = 0;
pub const OP_DELEGATECALL: u8 = 1;
pub const OP_CREATE: u8 = 2;
pub const OP_CREATE2: u8 = 3;

/// CREATE2 salt of the sandbox: `keccak256("compute-fi.tba.sandbox.v1")`.
pub const SANDBOX_SALT: B256 = B256::new(keccak_const(b"compute-fi.tba.sandbox.v1"));

/// `isValidSigner` magic value (its own selector).
pub const MAGIC_SIGNER: B32 = fixed_bytes!("523e3260");
/// ERC-1271 magic value.
pub const MAGIC_1271: B32 = fixed_bytes!("1626ba7e");
/// ERC-1271 failure value.
pub const INVALID_1271: B32 = fixed_bytes!("ffffffff");
/// ERC-165 interface ids.
pub const IID_ERC165: B32 = fixed_bytes!("01ffc9a7");
pub const IID_ERC6551_ACCOUNT: B32 = fixed_bytes!("6faff5f1");
pub const IID_ERC6551_EXECUTABLE: B32 = fixed_bytes!("51945447");
pub const IID_ERC1271: B32 = fixed_bytes!("1626ba7e");
pub const IID_ERC721_RECEIVER: B32 = fixed_bytes!("150b7a02");
pub const IID_ERC1155_RECEIVER: B32 = fixed_bytes!("4e2312e0");
/// Hook return values.
pub const ERC721_RECEIVED: B32 = fixed_bytes!("150b7a02");
pub const ERC1155_RECEIVED: B32 = fixed_bytes!("f23a6e61");
pub const ERC1155_BATCH_RECEIVED: B32 = fixed_bytes!("bc197c81");

/// `keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")`.
const DOMAIN_TYPEHASH: B256 = B256::new(keccak_const(
    b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
));
/// `keccak256("TbaMessage(bytes32 hash)")`.
const MESSAGE_TYPEHASH: B256 = B256::new(keccak_const(b"TbaMessage(bytes32 hash)"));
/// `keccak256("Compute-Fi TBA")`, `keccak256("1")`.
const NAME_HASH: B256 = B256::new(keccak_const(b"Compute-Fi TBA"));
const VERSION_HASH: B256 = B256::new(keccak_const(b"1"));

const fn keccak_const(input: &[u8]) -> [u8; 32] {
    stylus_sdk::keccak_const::Keccak256::new().update(input).finalize()
}

/// secp256k1 order / 2: larger `s` values are malleable and rejected.
const HALF_N: U256 = U256::from_limbs([
    0xdfe92f46681b20a0,
    0x5d576e7357a4501d,
    0xffffffffffffffff,
    0x7fffffffffffffff,
]);
const ECRECOVER: Address =
    Address::new([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

sol! {
    /// The account's own code is not the reference ERC-6551 proxy.
    #[derive(Debug)]
    error NotAnAccount();
    /// `caller` may not do this.
    #[derive(Debug)]
    error NotAuthorized(address caller);
    /// The account is locked until `lockedUntil`.
    #[derive(Debug)]
    error AccountLocked(uint64 lockedUntil);
    /// A lock until `until` exceeds the longest allowed, `max`.
    #[derive(Debug)]
    error LockTooLong(uint64 until, uint64 max);
    /// `operation` is not CALL (0), DELEGATECALL (1), CREATE (2), CREATE2 (3), or its
    /// arguments do not fit it (value with DELEGATECALL, CREATE2 data shorter than the salt).
    #[derive(Debug)]
    error InvalidOperation(uint8 operation);
    /// CREATE or CREATE2 failed.
    #[derive(Debug)]
    error CreateFailed();
    /// The sandbox could not be deployed at its address.
    #[derive(Debug)]
    error SandboxUnavailable(address expected);
    /// A grant to `delegate` (zero or the owner) is not allowed.
    #[derive(Debug)]
    error InvalidDelegate(address delegate);
    /// A grant expiry must be after now and at most `max`.
    #[derive(Debug)]
    error InvalidExpiry(uint64 expiry, uint64 max);
    /// Targets and selectors must pair up, at most `max` of them.
    #[derive(Debug)]
    error InvalidScopes(uint256 targets, uint256 selectors, uint256 max);
    /// The arrays of `executeBatch` differ in length.
    #[derive(Debug)]
    error BatchLengthMismatch();
    /// Receiving this token would make it own itself.
    #[derive(Debug)]
    error OwnershipCycle(address tokenContract, uint256 tokenId);
    /// The ownership chain could not be followed to prove there is no cycle.
    #[derive(Debug)]
    error OwnershipUnverifiable(address tokenContract, uint256 tokenId);
    /// Too little gas left (`gasLeft`, at least `needed`) to read the token's ownership
    /// epoch with its full gas bound.
    #[derive(Debug)]
    error InsufficientGas(uint64 gasLeft, uint64 needed);

    #[derive(Debug)]
    event LockUpdated(uint64 lockedUntil);
    #[derive(Debug)]
    event DelegateGranted(address indexed owner, address indexed delegate, uint64 expiry, bool canSign, uint64 grantId);
    #[derive(Debug)]
    event DelegateScope(address indexed delegate, uint64 indexed grantId, address target, bytes4 selector);
    #[derive(Debug)]
    event DelegateRevoked(address indexed owner, address indexed delegate);

    function ownerOf(uint256 tokenId) external view returns (address);
    function transferCount(uint256 tokenId) external view returns (uint256);
    function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4);
}

/// Errors of the account.
#[derive(SolidityError, Debug)]
pub enum Error {
    NotAnAccount(NotAnAccount),
    NotAuthorized(NotAuthorized),
    AccountLocked(AccountLocked),
    LockTooLong(LockTooLong),
    InvalidOperation(InvalidOperation),
    CreateFailed(CreateFailed),
    SandboxUnavailable(SandboxUnavailable),
    InvalidDelegate(InvalidDelegate),
    InvalidExpiry(InvalidExpiry),
    InvalidScopes(InvalidScopes),
    BatchLengthMismatch(BatchLengthMismatch),
    OwnershipCycle(OwnershipCycle),
    OwnershipUnverifiable(OwnershipUnverifiable),
    InsufficientGas(InsufficientGas),
}

/// A delegate grant (two slots).
#[storage]
pub struct Grant {
    expiry: StorageU64,
    id: StorageU64,
    can_sign: StorageBool,
    /// The token's ownership epoch when granted (crate docs).
    epoch: StorageU256,
}

/// The account's storage (in the proxy).
#[storage]
pub struct TbaAccount {
    state: StorageU256,
    locked_until: StorageU64,
    grant_count: StorageU64,
    /// keccak256(owner ‖ delegate) => grant.
    grants: StorageMap<B256, Grant>,
    /// keccak256(grant id ‖ target ‖ selector) => allowed.
    scopes: StorageMap<B256, StorageBool>,
}

// SAFETY: the account is the top-level storage of this program (what `#[entrypoint]`
// would declare; see the crate docs for why the entrypoint is written out).
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for TbaAccount {}

/// The SDK's entrypoint without its reentrancy refusal (crate docs, "Reentrancy").
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[no_mangle]
pub extern "C" fn user_entrypoint(len: usize) -> usize {
    compute_fi_contracts::entrypoint::run::<TbaAccount>(
        len,
        compute_fi_contracts::entrypoint::Reentrancy::Admit,
    )
}

/// Prints the Solidity interface (what `#[entrypoint]` would generate).
#[cfg(feature = "export-abi")]
pub fn print_from_args() {
    stylus_sdk::abi::export::print_from_args::<TbaAccount>();
}

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
    code[..9].copy_from_slice(&[0x60, 0x45, 0x80, 0x60, 0x09, 0x3d, 0x39, 0x3d, 0xf3]);
    code[9] = 0x73;
    code[10..30].copy_from_slice(account.as_slice());
    code[30..].copy_from_slice(&[
        0x33, 0x14, 0x60, 0x1d, 0x57, 0x3d, 0x3d, 0xfd, // check caller
        0x5b, 0x60, 0x14, 0x36, 0x03, 0x60, 0x14, 0x3d, 0x37, // copy args
        0x3d, 0x3d, 0x60, 0x14, 0x36, 0x03, 0x3d, 0x3d, 0x35, 0x60, 0x60, 0x1c, 0x5a,
        0xf4, // delegatecall
        0x3d, 0x60, 0x00, 0x80, 0x3e, // returndatacopy
        0x60, 0x40, 0x57, 0x3d, 0x60, 0x00, 0xfd, // revert on failure
        0x5b, 0x3d, 0x60, 0x00, 0xf3, // return
    ]);
    code
}

/// The sandbox address of `account`.
pub fn sandbox_address(account: Address) -> Address {
    create2_address(account, SANDBOX_SALT, keccak256(sandbox_init_code(account)))
}

/// `keccak256("")`: code hash of an account without code.
const EMPTY_CODE_HASH: B256 =
    b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

fn key2(a: Address, b: Address) -> B256 {
    let mut buf = [0u8; 40];
    buf[..20].copy_from_slice(a.as_slice());
    buf[20..].copy_from_slice(b.as_slice());
    keccak256(buf)
}

fn scope_key(grant_id: u64, target: Address, selector: B32) -> B256 {
    let mut buf = [0u8; 32];
    buf[..8].copy_from_slice(&grant_id.to_be_bytes());
    buf[8..28].copy_from_slice(target.as_slice());
    buf[28..].copy_from_slice(selector.as_slice());
    keccak256(buf)
}

fn selector_of(data: &[u8]) -> Option<B32> {
    data.get(..4).map(B32::from_slice)
}

fn revert_data(e: stylus_sdk::stylus_core::calls::errors::Error) -> Vec<u8> {
    match e {
        stylus_sdk::stylus_core::calls::errors::Error::Revert(data) => data,
        _ => Vec::new(),
    }
}

/// The EIP-712 digest of `TbaMessage(bytes32 hash)` for `account` on `chain_id`.
pub fn replay_safe_hash(chain_id: u64, account: Address, hash: B256) -> B256 {
    let domain = keccak256(
        (DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, U256::from(chain_id), account).abi_encode(),
    );
    let message = keccak256((MESSAGE_TYPEHASH, hash).abi_encode());
    let mut buf = [0u8; 66];
    buf[0] = 0x19;
    buf[1] = 0x01;
    buf[2..34].copy_from_slice(domain.as_slice());
    buf[34..].copy_from_slice(message.as_slice());
    keccak256(buf)
}

impl TbaAccount {
    /// Code of `account` (tests substitute code, which motsu cannot hold).
    fn code_at(&self, account: Address) -> Vec<u8> {
        #[cfg(test)]
        if let Some(code) = tests::code_override(account) {
            return code;
        }
        self.vm().code(account)
    }

    /// This account's ERC-6551 context from its own (the proxy's) code.
    fn context(&self) -> Result<AccountContext, Error> {
        parse_proxy(&self.code_at(self.vm().contract_address()))
            .ok_or(Error::NotAnAccount(NotAnAccount {}))
    }

    /// `ownerOf(token_id)` on `token_contract`, `None` if it reverts or answers garbage.
    fn owner_of(&self, token_contract: Address, token_id: U256) -> Option<Address> {
        let data = ownerOfCall { tokenId: token_id }.abi_encode();
        let out = self.vm().static_call(&Call::new(), token_contract, &data).ok()?;
        ownerOfCall::abi_decode_returns(&out, true).ok().map(|r| r._0)
    }

    /// The owner of this account's token on this chain, zero otherwise.
    fn owner_for(&self, ctx: &AccountContext) -> Address {
        if ctx.chain_id != U256::from(self.vm().chain_id()) {
            return Address::ZERO;
        }
        self.owner_of(ctx.token_contract, ctx.token_id).unwrap_or(Address::ZERO)
    }

    fn now(&self) -> u64 {
        self.vm().block_timestamp()
    }

    fn locked(&self) -> bool {
        self.locked_until.get().to::<u64>() > self.now()
    }

    fn require_unlocked(&self) -> Result<(), Error> {
        if self.locked() {
            return Err(Error::AccountLocked(AccountLocked {
                lockedUntil: self.locked_until.get().to::<u64>(),
            }));
        }
        Ok(())
    }

    /// The account's context and the caller, if it is the owner of an unlocked account.
    fn require_owner_unlocked(&self) -> Result<(AccountContext, Address), Error> {
        let ctx = self.context()?;
        let caller = self.vm().msg_sender();
        let owner = self.owner_for(&ctx);
        if owner.is_zero() || caller != owner {
            return Err(Error::NotAuthorized(NotAuthorized { caller }));
        }
        self.require_unlocked()?;
        Ok((ctx, owner))
    }

    fn bump_state(&mut self) {
        let next = self.state.get().wrapping_add(U256::from(1));
        self.state.set(next);
    }

    /// The token's ownership epoch (crate docs): `transferCount(tokenId)` of its contract,
    /// called with [`EPOCH_GAS`]; 0 when the call fails or answers fewer than 32 bytes.
    /// Not read with less than [`EPOCH_GAS_NEEDED`] left: a failure the caller's gas
    /// limit forced would read as 0.
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
    fn live_grant(
        &self,
        ctx: &AccountContext,
        owner: Address,
        delegate: Address,
    ) -> Result<Option<(u64, bool)>, Error> {
        let grant = self.grants.getter(key2(owner, delegate));
        if grant.expiry.get().to::<u64>() <= self.now() || grant.epoch.get() != self.epoch(ctx)? {
            return Ok(None);
        }
        Ok(Some((grant.id.get().to::<u64>(), grant.can_sign.get())))
    }

    fn is_signer(&self, ctx: &AccountContext, owner: Address, signer: Address) -> bool {
        !owner.is_zero()
            && (signer == owner
                || matches!(self.live_grant(ctx, owner, signer), Ok(Some((_, true)))))
    }

    /// Whether `caller` may run this operation: the owner anything; a delegate a CALL
    /// without value inside its scope (of a grant live in the current epoch), never to the
    /// account or its sandbox.
    /// `grant` memoises the caller's live grant id across the operations of one call: a
    /// batch reads the grant and the token's epoch (an external call) once, not per
    /// operation.
    #[allow(clippy::too_many_arguments)]
    fn authorize(
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
            return Err(Error::NotAuthorized(NotAuthorized { caller }));
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

    fn deploy(&self, code: &[u8], value: U256, salt: Option<B256>) -> Result<Address, Error> {
        // Init code may call back into the account: persist storage first.
        self.vm().flush_cache(true);
        // SAFETY: storage was flushed and cleared above; nothing is cached across the call.
        match unsafe { self.vm().deploy(code, value, salt) } {
            Ok(a) if !a.is_zero() => Ok(a),
            _ => Err(Error::CreateFailed(CreateFailed {})),
        }
    }

    /// The sandbox, deployed if it has no code yet.
    fn ensure_sandbox(&self) -> Result<Address, Error> {
        let this = self.vm().contract_address();
        let expected = sandbox_address(this);
        let hash = self.vm().code_hash(expected);
        if hash != B256::ZERO && hash != EMPTY_CODE_HASH {
            return Ok(expected);
        }
        match self.deploy(&sandbox_init_code(this), U256::ZERO, Some(SANDBOX_SALT)) {
            Ok(a) if a == expected => Ok(a),
            _ => Err(Error::SandboxUnavailable(SandboxUnavailable { expected })),
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

    fn ecrecover(&self, digest: B256, sig: &[u8]) -> Option<Address> {
        let r = sig.get(..32)?;
        let s = sig.get(32..64)?;
        let v = *sig.get(64)?;
        if U256::from_be_slice(s) > HALF_N || !(v == 27 || v == 28) {
            return None;
        }
        let mut input = [0u8; 128];
        input[..32].copy_from_slice(digest.as_slice());
        input[63] = v;
        input[64..96].copy_from_slice(r);
        input[96..].copy_from_slice(s);
        let out = self.vm().static_call(&Call::new(), ECRECOVER, &input).ok()?;
        let word = out.get(..32)?;
        let signer = Address::from_slice(word.get(12..)?);
        (!signer.is_zero()).then_some(signer)
    }

    fn erc1271_ok(&self, signer: Address, digest: B256, inner: &[u8]) -> bool {
        let data =
            isValidSignatureCall { hash: digest, signature: inner.to_vec().into() }.abi_encode();
        match self.vm().static_call(&Call::new(), signer, &data) {
            Ok(out) => out.get(..4) == Some(MAGIC_1271.as_slice()) && out.len() == 32,
            Err(_) => false,
        }
    }

    fn signature_ok(&self, hash: B256, sig: &[u8]) -> bool {
        let Ok(ctx) = self.context() else { return false };
        if self.locked() {
            return false;
        }
        let owner = self.owner_for(&ctx);
        if owner.is_zero() {
            return false;
        }
        let digest = replay_safe_hash(self.vm().chain_id(), self.vm().contract_address(), hash);
        if sig.len() == 65 {
            if let Some(signer) = self.ecrecover(digest, sig) {
                if self.is_signer(&ctx, owner, signer) {
                    return true;
                }
            }
        }
        match sig.split_at_checked(20) {
            Some((signer, inner)) => {
                let signer = Address::from_slice(signer);
                self.is_signer(&ctx, owner, signer) && self.erc1271_ok(signer, digest, inner)
            }
            None => false,
        }
    }

    /// Refuses `received` if it owns this account, directly or through nested accounts.
    fn check_no_cycle(
        &self,
        ctx: &AccountContext,
        contract: Address,
        id: U256,
    ) -> Result<(), Error> {
        let chain = U256::from(self.vm().chain_id());
        let mut cur = *ctx;
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

#[public]
impl TbaAccount {
    /// Accepts ETH.
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }

    /// The token that owns this account: (chainId, tokenContract, tokenId).
    pub fn token(&self) -> Result<(U256, Address, U256), Error> {
        let ctx = self.context()?;
        Ok((ctx.chain_id, ctx.token_contract, ctx.token_id))
    }

    /// Counter changed by every state-changing execution.
    pub fn state(&self) -> U256 {
        self.state.get()
    }

    /// The token's owner on this chain; zero for a token on another chain.
    pub fn owner(&self) -> Result<Address, Error> {
        let ctx = self.context()?;
        Ok(self.owner_for(&ctx))
    }

    /// ERC-6551: the magic value if `signer` is the owner or a signing delegate of an
    /// unlocked account, zero otherwise.
    pub fn is_valid_signer(&self, signer: Address, _context: Bytes) -> B32 {
        let valid = match self.context() {
            Ok(ctx) => !self.locked() && self.is_signer(&ctx, self.owner_for(&ctx), signer),
            Err(_) => false,
        };
        if valid {
            MAGIC_SIGNER
        } else {
            B32::ZERO
        }
    }

    /// ERC-1271 (see the crate docs: the signer signs `replaySafeHash(hash)`).
    pub fn is_valid_signature(&self, hash: B256, signature: Bytes) -> B32 {
        if self.signature_ok(hash, &signature) {
            MAGIC_1271
        } else {
            INVALID_1271
        }
    }

    /// The EIP-712 digest a signer signs for `hash` (crate docs).
    pub fn replay_safe_hash(&self, hash: B256) -> B256 {
        replay_safe_hash(self.vm().chain_id(), self.vm().contract_address(), hash)
    }

    /// IERC6551Executable: runs one operation (CALL, DELEGATECALL via the sandbox,
    /// CREATE, CREATE2 with `data` = salt ‖ init code) and returns its output (for
    /// CREATE/CREATE2 the ABI-encoded address); bubbles a call's revert data.
    #[payable]
    pub fn execute(
        &mut self,
        to: Address,
        value: U256,
        data: Bytes,
        operation: u8,
    ) -> Result<Bytes, Vec<u8>> {
        let ctx = self.context()?;
        Self::validate_operation(value, &data, operation)?;
        let owner = self.owner_for(&ctx);
        self.authorize(
            &ctx,
            owner,
            self.vm().msg_sender(),
            &mut None,
            to,
            value,
            &data,
            operation,
        )?;
        self.require_unlocked()?;
        self.bump_state();
        Ok(self.perform(to, value, &data, operation)?.into())
    }

    /// Runs several operations in order, all or nothing (same rules as `execute`).
    #[payable]
    pub fn execute_batch(
        &mut self,
        to: Vec<Address>,
        value: Vec<U256>,
        data: Vec<Bytes>,
        operation: Vec<u8>,
    ) -> Result<(), Vec<u8>> {
        let n = to.len();
        if value.len() != n || data.len() != n || operation.len() != n {
            return Err(Error::BatchLengthMismatch(BatchLengthMismatch {}).into());
        }
        let ctx = self.context()?;
        let owner = self.owner_for(&ctx);
        let caller = self.vm().msg_sender();
        let mut grant = None;
        for (((t, v), d), op) in to.iter().zip(&value).zip(&data).zip(&operation) {
            Self::validate_operation(*v, d, *op)?;
            self.authorize(&ctx, owner, caller, &mut grant, *t, *v, d, *op)?;
        }
        self.require_unlocked()?;
        self.bump_state();
        for (((t, v), d), op) in to.iter().zip(&value).zip(&data).zip(&operation) {
            self.perform(*t, *v, d, *op)?;
        }
        Ok(())
    }

    /// A CALL as the account, for code running in the sandbox (DELEGATECALL operation).
    pub fn extcall(&mut self, to: Address, value: U256, data: Bytes) -> Result<Bytes, Vec<u8>> {
        self.context()?;
        let caller = self.vm().msg_sender();
        if caller != sandbox_address(self.vm().contract_address()) {
            return Err(Error::NotAuthorized(NotAuthorized { caller }).into());
        }
        self.require_unlocked()?;
        self.bump_state();
        Ok(self.vm().call(&Call::new().value(value), to, &data).map_err(revert_data)?.into())
    }

    /// The sandbox address DELEGATECALL operations run in.
    pub fn sandbox(&self) -> Address {
        sandbox_address(self.vm().contract_address())
    }

    /// Locks the account until `until` (at most 365 days ahead); owner only, not while
    /// locked.
    pub fn lock(&mut self, until: u64) -> Result<(), Error> {
        self.require_owner_unlocked()?;
        let max = self.now().saturating_add(MAX_LOCK);
        if until > max {
            return Err(Error::LockTooLong(LockTooLong { until, max }));
        }
        self.locked_until.set(U64::from(until));
        self.bump_state();
        log(self.vm(), LockUpdated { lockedUntil: until });
        Ok(())
    }

    pub fn locked_until(&self) -> u64 {
        self.locked_until.get().to::<u64>()
    }

    pub fn is_locked(&self) -> bool {
        self.locked()
    }

    /// Grants `delegate` the right to CALL each `targets[i]` with `selectors[i]` until
    /// `expiry`, and to sign if `can_sign`; replaces its previous grant. Owner only,
    /// unlocked. The grant lives in the token's current ownership epoch only: any transfer
    /// of the NFT voids it (crate docs). Returns the grant id.
    pub fn grant_delegate(
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
        let id = self.grant_count.get().to::<u64>().wrapping_add(1);
        self.grant_count.set(U64::from(id));
        let mut grant = self.grants.setter(key2(owner, delegate));
        grant.expiry.set(U64::from(expiry));
        grant.id.set(U64::from(id));
        grant.can_sign.set(can_sign);
        grant.epoch.set(epoch);
        for (target, selector) in targets.iter().zip(&selectors) {
            self.scopes.setter(scope_key(id, *target, *selector)).set(true);
            log(
                self.vm(),
                DelegateScope { delegate, grantId: id, target: *target, selector: *selector },
            );
        }
        self.bump_state();
        log(self.vm(), DelegateGranted { owner, delegate, expiry, canSign: can_sign, grantId: id });
        Ok(id)
    }

    /// Voids `delegate`'s grant. Owner only, unlocked.
    pub fn revoke_delegate(&mut self, delegate: Address) -> Result<(), Error> {
        let (_, owner) = self.require_owner_unlocked()?;
        let mut grant = self.grants.setter(key2(owner, delegate));
        grant.expiry.set(U64::ZERO);
        grant.id.set(U64::ZERO);
        grant.can_sign.set(false);
        grant.epoch.set(U256::ZERO);
        self.bump_state();
        log(self.vm(), DelegateRevoked { owner, delegate });
        Ok(())
    }

    /// `delegate`'s grant by the current owner in the current ownership epoch: (expiry,
    /// canSign, grantId); zeros if none (a grant from before the NFT's last transfer is
    /// none).
    pub fn delegate_grant(&self, delegate: Address) -> Result<(u64, bool, u64), Error> {
        let ctx = self.context()?;
        let grant = self.grants.getter(key2(self.owner_for(&ctx), delegate));
        if grant.expiry.get().is_zero() || grant.epoch.get() != self.epoch(&ctx)? {
            return Ok((0, false, 0));
        }
        Ok((grant.expiry.get().to::<u64>(), grant.can_sign.get(), grant.id.get().to::<u64>()))
    }

    /// Whether `delegate` may now CALL `target` with `selector`.
    pub fn is_permitted(
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

    /// ERC-165.
    pub fn supports_interface(&self, interface_id: B32) -> bool {
        [
            IID_ERC165,
            IID_ERC6551_ACCOUNT,
            IID_ERC6551_EXECUTABLE,
            IID_ERC1271,
            IID_ERC721_RECEIVER,
            IID_ERC1155_RECEIVER,
        ]
        .contains(&interface_id)
    }

    /// ERC-721 receiver: refuses ownership cycles (crate docs).
    #[selector(name = "onERC721Received")]
    pub fn on_erc721_received(
        &mut self,
        _operator: Address,
        _from: Address,
        token_id: U256,
        _data: Bytes,
    ) -> Result<B32, Error> {
        let ctx = self.context()?;
        self.check_no_cycle(&ctx, self.vm().msg_sender(), token_id)?;
        Ok(ERC721_RECEIVED)
    }

    /// ERC-1155 receiver.
    #[selector(name = "onERC1155Received")]
    pub fn on_erc1155_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _id: U256,
        _value: U256,
        _data: Bytes,
    ) -> B32 {
        ERC1155_RECEIVED
    }

    /// ERC-1155 batch receiver.
    #[selector(name = "onERC1155BatchReceived")]
    pub fn on_erc1155_batch_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _ids: Vec<U256>,
        _values: Vec<U256>,
        _data: Bytes,
    ) -> B32 {
        ERC1155_BATCH_RECEIVED
    }
}

#[cfg(test)]
mod tests;
