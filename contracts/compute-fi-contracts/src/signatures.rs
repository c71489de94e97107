//! Signature rules every contract checks the same way: ECDSA recovery through the
//! precompile with one set of guards, EIP-712 typed-data digests, and whether an address
//! holds code (which decides between ecrecover and ERC-1271).
//!
//! The functions are `#[inline]`: then each contract compiles them with its own code and
//! shares its own copies of what they use (call-error handling, hashing), where a
//! separately compiled copy would bring a second set into the contract.

use alloy_primitives::{address, b256, keccak256, Address, B256, U256};
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

/// The 4-byte selector of a function signature, at compile time (for calls encoded by
/// hand: a typed wrapper compiles an encoder and a decoder per function).
pub const fn selector(signature: &[u8]) -> [u8; 4] {
    let h = keccak_const(signature);
    [h[0], h[1], h[2], h[3]]
}

/// The signer of a 65-byte `r ‖ s ‖ v` signature of `digest`; `None` for any other
/// length, a `v` other than 27 or 28, a high `s`, or a signature that recovers no one.
#[inline]
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
#[inline]
pub fn domain_separator(
    name_hash: B256,
    version_hash: B256,
    chain_id: u64,
    contract: Address,
) -> B256 {
    // The ABI encoding of (typehash, name, version, chainId, contract), written out: the
    // generic encoder would be compiled into every contract a second time.
    let mut words = [0u8; 160];
    let (typehash, rest) = words.split_at_mut(32);
    let (name, rest) = rest.split_at_mut(32);
    let (version, rest) = rest.split_at_mut(32);
    let (chain, contract_word) = rest.split_at_mut(32);
    typehash.copy_from_slice(EIP712_DOMAIN_TYPEHASH.as_slice());
    name.copy_from_slice(name_hash.as_slice());
    version.copy_from_slice(version_hash.as_slice());
    chain.split_at_mut(24).1.copy_from_slice(&chain_id.to_be_bytes());
    contract_word.split_at_mut(12).1.copy_from_slice(contract.as_slice());
    keccak256(words)
}

/// The EIP-712 digest `keccak256(0x1901 ‖ domain ‖ structHash)`.
#[inline]
pub fn typed_data_digest(domain: B256, struct_hash: B256) -> B256 {
    let mut buf = [0u8; 66];
    let (prefix, rest) = buf.split_at_mut(2);
    let (domain_part, struct_part) = rest.split_at_mut(32);
    prefix.copy_from_slice(&[0x19, 0x01]);
    domain_part.copy_from_slice(domain.as_slice());
    struct_part.copy_from_slice(struct_hash.as_slice());
    keccak256(buf)
}

/// Whether a code hash is that of an account holding code (zero: no account;
/// [`EMPTY_CODE_HASH`]: an account without code).
#[inline]
pub fn is_code_hash(code_hash: B256) -> bool {
    code_hash != B256::ZERO && code_hash != EMPTY_CODE_HASH
}

/// Whether `account` holds code (a contract, or a token-bound account's proxy).
#[inline]
pub fn has_code(vm: &dyn Host, account: Address) -> bool {
    is_code_hash(vm.code_hash(account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_is_the_first_four_bytes_of_the_signature_hash() {
        assert_eq!(selector(b"balanceOf(address)"), [0x70, 0xa0, 0x82, 0x31]);
        assert_eq!(selector(b"ownerOf(uint256)"), [0x63, 0x52, 0x21, 0x1e]);
    }

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
    fn domain_is_the_abi_encoding() {
        use alloy_sol_types::SolValue;
        let (name, version) = (B256::repeat_byte(3), B256::repeat_byte(4));
        let contract = Address::repeat_byte(5);
        assert_eq!(
            domain_separator(name, version, 42161, contract),
            keccak256(
                (EIP712_DOMAIN_TYPEHASH, name, version, U256::from(42161u64), contract)
                    .abi_encode()
            )
        );
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
