//! Who may sign for the account (ERC-6551 `isValidSigner`, ERC-1271
//! `isValidSignature`), and what they sign (EIP-712, replay limits).
//!
//! A valid signer is the owner, or a delegate whose live grant has `canSign`, of an
//! unlocked account. `isValidSignature(hash, sig)` never checks `hash` itself: the signer
//! signs [`TbaAccount::replay_safe_hash`] of it, the EIP-712 digest of
//! `TbaMessage(bytes32 hash)` in the domain {name "Compute-Fi TBA", version "1", chainId,
//! verifyingContract: this account}. So a signature is valid for this account on this
//! chain only, not for the owner's other accounts. `sig` is either 65 bytes (r, s, v;
//! ECDSA of an EOA owner or signing delegate; high-s and v not in {27, 28} rejected) or
//! `signer (20 bytes) ‖ inner`, checked by ERC-1271 on `signer` (a contract owner or
//! signing delegate). Limits: a signature stays valid as long as its signer does (owner
//! unchanged, grant unexpired and unrevoked, account unlocked); ERC-1271 has no nonce, so
//! the signed message (the app's own EIP-712 struct) must carry its own nonce or deadline.

use compute_fi_contracts::{
    interfaces::tba::AccountContext,
    signatures::{domain_separator, ecrecover, keccak_const, typed_data_digest},
};
use stylus_sdk::{
    alloy_primitives::{aliases::B32, fixed_bytes, keccak256, Address, B256},
    alloy_sol_types::{sol, SolCall},
    prelude::*,
    stylus_core::calls::context::Call,
};

use crate::TbaAccount;

/// `isValidSigner` magic value (its own selector).
pub const MAGIC_SIGNER: B32 = fixed_bytes!("523e3260");
/// ERC-1271 magic value.
pub const MAGIC_1271: B32 = fixed_bytes!("1626ba7e");
/// ERC-1271 failure value.
pub const INVALID_1271: B32 = fixed_bytes!("ffffffff");

/// `keccak256("TbaMessage(bytes32 hash)")`.
const MESSAGE_TYPEHASH: B256 = B256::new(keccak_const(b"TbaMessage(bytes32 hash)"));
/// `keccak256("Compute-Fi TBA")`, `keccak256("1")`.
const NAME_HASH: B256 = B256::new(keccak_const(b"Compute-Fi TBA"));
const VERSION_HASH: B256 = B256::new(keccak_const(b"1"));

sol! {
    function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4);
}

/// The EIP-712 digest of `TbaMessage(bytes32 hash)` for `account` on `chain_id`.
pub fn replay_safe_hash(chain_id: u64, account: Address, hash: B256) -> B256 {
    let domain = domain_separator(NAME_HASH, VERSION_HASH, chain_id, account);
    // The struct hash: keccak256(abi.encode(MESSAGE_TYPEHASH, hash)), two words.
    let mut words = [0u8; 64];
    let (typehash, message) = words.split_at_mut(32);
    typehash.copy_from_slice(MESSAGE_TYPEHASH.as_slice());
    message.copy_from_slice(hash.as_slice());
    typed_data_digest(domain, keccak256(words))
}

impl TbaAccount {
    /// Whether `signer` is the owner or a signing delegate (live grant with `canSign`).
    fn is_signer(&self, ctx: &AccountContext, owner: Address, signer: Address) -> bool {
        !owner.is_zero()
            && (signer == owner
                || matches!(self.live_grant(ctx, owner, signer), Ok(Some((_, true)))))
    }

    /// `isValidSigner`: a signer of an unlocked account.
    pub(crate) fn valid_signer(&self, signer: Address) -> bool {
        match self.context() {
            Ok(ctx) => !self.locked() && self.is_signer(&ctx, self.owner_for(&ctx), signer),
            Err(_) => false,
        }
    }

    fn erc1271_ok(&self, signer: Address, digest: B256, inner: &[u8]) -> bool {
        let data =
            isValidSignatureCall { hash: digest, signature: inner.to_vec().into() }.abi_encode();
        match self.vm().static_call(&Call::new(), signer, &data) {
            Ok(out) => out.get(..4) == Some(MAGIC_1271.as_slice()) && out.len() == 32,
            Err(_) => false,
        }
    }

    /// `isValidSignature`: `sig` by a signer of an unlocked account over
    /// `replay_safe_hash(hash)`.
    pub(crate) fn signature_ok(&self, hash: B256, sig: &[u8]) -> bool {
        let Ok(ctx) = self.context() else { return false };
        if self.locked() {
            return false;
        }
        let owner = self.owner_for(&ctx);
        if owner.is_zero() {
            return false;
        }
        let digest = replay_safe_hash(self.vm().chain_id(), self.vm().contract_address(), hash);
        if let Some(signer) = ecrecover(self.vm(), digest, sig) {
            if self.is_signer(&ctx, owner, signer) {
                return true;
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
}
