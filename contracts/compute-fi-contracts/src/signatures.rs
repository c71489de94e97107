//! Signature rules every contract checks the same way: ECDSA recovery through the
//! precompile with one set of guards, EIP-712 typed-data digests, and whether an address
//! holds code (which decides between ecrecover and ERC-1271).

use alloy_primitives::{address, b256, keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;
use stylus_sdk::stylus_core::{calls::context::Call, Host};

/// The ecrecover precompile.
pub const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");

/// Half the secp256k1 group order: an `s` above it is the malleable twin of a valid
/// signature (EIP-2), refused so each signed message has exactly one signature.
pub const HALF_ORDER: U256 = U256::from_limbs([
    0xDFE9_2F46_681B_20A0,
    0x5D57_6E73_57A4_501D,
    0xFFFF_FFFF_FFFF_FFFF,
    0x7FFF_FFFF_FFFF_FFFF,
]);

/// `keccak256("")`: the code hash of an account that exists but holds no code.
pub const EMPTY_CODE_HASH: B256 =
    b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// `keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")`.
pub const EIP712_DOMAIN_TYPEHASH: B256 = B256::new(keccak_const(
    b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
));

/// Keccak-256 at compile time, for type hashes and salts.
pub const fn keccak_const(input: &[u8]) -> [u8; 32] {
    stylus_sdk::keccak_const::Keccak256::new().update(input).finalize()
}

/// The signer of a 65-byte `r ‖ s ‖ v` signature of `digest`; `None` for any other
/// length, a `v` other than 27 or 28, a high `s`, or a signature that recovers no one.
pub fn ecrecover(vm: &dyn Host, digest: B256, signature: &[u8]) -> Option<Address> {
    if signature.len() != 65 {
        return None;
    }
    let (r, s, v) = (signature.get(..32)?, signature.get(32..64)?, *signature.get(64)?);
    if (v != 27 && v != 28) || U256::from_be_slice(s) > HALF_ORDER {
        return None;
    }
    let mut input = [0u8; 128];
    input.get_mut(..32)?.copy_from_slice(digest.as_slice());
    *input.get_mut(63)? = v;
    input.get_mut(64..96)?.copy_from_slice(r);
    input.get_mut(96..)?.copy_from_slice(s);
    let out = vm.static_call(&Call::new(), ECRECOVER, &input).ok()?;
    let signer = Address::from_slice(out.get(12..32)?);
    (!signer.is_zero()).then_some(signer)
}

/// The EIP-712 domain separator of (`name_hash`, `version_hash`, `chain_id`, `contract`).
pub fn domain_separator(
    name_hash: B256,
    version_hash: B256,
    chain_id: u64,
    contract: Address,
) -> B256 {
    keccak256(
        (EIP712_DOMAIN_TYPEHASH, name_hash, version_hash, U256::from(chain_id), contract)
            .abi_encode(),
    )
}

/// The EIP-712 digest `keccak256(0x1901 ‖ domain ‖ structHash)`.
pub fn typed_data_digest(domain: B256, struct_hash: B256) -> B256 {
    let mut buf = [0u8; 66];
    let bytes = [0x19u8, 0x01].iter().chain(domain.iter()).chain(struct_hash.iter());
    for (dst, src) in buf.iter_mut().zip(bytes) {
        *dst = *src;
    }
    keccak256(buf)
}

/// Whether a code hash is that of an account holding code (zero: no account;
/// [`EMPTY_CODE_HASH`]: an account without code).
pub fn is_code_hash(code_hash: B256) -> bool {
    code_hash != B256::ZERO && code_hash != EMPTY_CODE_HASH
}

/// Whether `account` holds code (a contract, or a token-bound account's proxy).
pub fn has_code(vm: &dyn Host, account: Address) -> bool {
    is_code_hash(vm.code_hash(account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_what_they_name() {
        assert_eq!(
            EIP712_DOMAIN_TYPEHASH,
            keccak256(
                "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
            )
        );
        assert_eq!(EMPTY_CODE_HASH, keccak256([]));
        // n = FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFE BAAEDCE6 AF48A03B BFD25E8C D0364141
        let n = U256::from_str_radix(
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
            16,
        )
        .unwrap();
        assert_eq!(HALF_ORDER, n >> 1);
    }

    #[test]
    fn digest_is_eip712() {
        let domain = B256::repeat_byte(1);
        let st = B256::repeat_byte(2);
        let mut buf = vec![0x19, 0x01];
        buf.extend_from_slice(domain.as_slice());
        buf.extend_from_slice(st.as_slice());
        assert_eq!(typed_data_digest(domain, st), keccak256(buf));
    }

    #[test]
    fn code_hash_rule() {
        assert!(!is_code_hash(B256::ZERO));
        assert!(!is_code_hash(EMPTY_CODE_HASH));
        assert!(is_code_hash(B256::repeat_byte(7)));
    }
}
