//! Acceptance by signature: the requester signs the EIP-712 `Accept(jobId, outputHash)`
//! off chain and anyone (the provider) submits it. An EOA requester's signature is
//! checked by ecrecover (65 bytes, low `s`), a contract requester's (a token-bound
//! account) by its ERC-1271 `isValidSignature`. A settled job cannot be accepted again,
//! so a signature is good once; the output hash binds it to the delivered result.

use compute_fi_contracts::signatures::{
    domain_separator, ecrecover, has_code, keccak_const, typed_data_digest,
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{B256, U256},
    prelude::*,
};

use crate::{
    errors::{BadSignature, Error},
    status, JobMarket,
};

/// EIP-712 type of an acceptance.
pub const ACCEPT_TYPEHASH: [u8; 32] = keccak_const(b"Accept(uint256 jobId,bytes32 outputHash)");
/// EIP-712 domain name and version.
const NAME_HASH: [u8; 32] = keccak_const(b"Compute-Fi JobMarket");
const VERSION_HASH: [u8; 32] = keccak_const(b"1");

/// Settles a fulfilled job on the requester's signature.
pub(crate) fn accept_by_sig(m: &mut JobMarket, job: U256, signature: Bytes) -> Result<(), Error> {
    let j = m.jobs.getter(job);
    let (requester, output_hash) = (j.requester.get(), j.output_hash.get());
    m.expect(job, status::FULFILLED)?;
    let digest = m.accept_digest(job, output_hash);
    let valid = if has_code(m.vm(), requester) {
        m.erc1271_accepts(requester, digest, &signature)
    } else {
        ecrecover(m.vm(), digest, &signature) == Some(requester)
    };
    if !valid {
        return Err(Error::BadSignature(BadSignature { requester }));
    }
    m.settle_fulfilled(job)
}

impl JobMarket {
    /// EIP-712 digest a requester signs to accept `job` with `output_hash`: domain
    /// ("Compute-Fi JobMarket", "1", chain id, this contract), type
    /// `Accept(uint256 jobId,bytes32 outputHash)`. Not a public view: the standard
    /// digest is computed off chain, and the view would cost bytes the size limit lacks.
    pub fn accept_digest(&self, job: U256, output_hash: B256) -> B256 {
        let domain = domain_separator(
            NAME_HASH.into(),
            VERSION_HASH.into(),
            self.vm().chain_id(),
            self.vm().contract_address(),
        );
        // abi.encode(ACCEPT_TYPEHASH, job, output_hash), hashed by the host (see
        // `signatures`: alloy's keccak256 would compile a software Keccak in).
        let mut words = [0u8; 96];
        let (typehash, rest) = words.split_at_mut(32);
        let (job_word, hash_word) = rest.split_at_mut(32);
        typehash.copy_from_slice(&ACCEPT_TYPEHASH);
        job_word.copy_from_slice(&job.to_be_bytes::<32>());
        hash_word.copy_from_slice(output_hash.as_slice());
        typed_data_digest(domain, self.vm().native_keccak256(&words))
    }
}
