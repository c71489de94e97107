//! Contracts that must sit at the same address on every chain, deployed the way their
//! standards prescribe: Nick's CREATE2 factory (Arachnid's deterministic deployment proxy)
//! from its published keyless transaction, and through it the ERC-6551 registry with the
//! ERC's salt and init code. Both byte strings are data the standards publish; the tests
//! prove them exact by the addresses they yield (a single byte off moves the address).

use alloy::{
    primitives::{address, b256, hex, Address, B256, U256},
    providers::{DynProvider, Provider},
};

use crate::{manifest::code_at, tx, Failure};

/// Nick's factory: `salt ‖ init code` in, CREATE2 out.
pub const CREATE2_FACTORY: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");
/// The keyless account whose one transaction creates it.
pub const CREATE2_FACTORY_SIGNER: Address = address!("3fab184622dc19b6109349b94811493bf2a45362");
/// What that transaction costs (100,000 gas at 100 gwei).
pub const CREATE2_FACTORY_FUNDING: u64 = 10_000_000_000_000_000;
/// The ERC-6551 registry's address, salt and init code (ERC-6551, "Registry").
pub const ERC6551_REGISTRY: Address = address!("000000006551c19487814612e58FE06813775758");
pub const ERC6551_SALT: B256 =
    b256!("0000000000000000000000000000000000000000fd8eb4e1dca713016c518e31");

fn decode(text: &str) -> Vec<u8> {
    // The files are committed hex; a malformed one yields nothing and its address test fails.
    hex::decode(text.trim()).unwrap_or_default()
}

/// The keyless, pre-EIP-155 transaction that creates Nick's factory.
pub fn create2_factory_tx() -> Vec<u8> {
    decode(include_str!("../canonical/create2-factory.tx.hex"))
}

/// The ERC-6551 registry's init code.
pub fn erc6551_registry_initcode() -> Vec<u8> {
    decode(include_str!("../canonical/erc6551-registry.initcode.hex"))
}

/// Makes sure Nick's factory is on chain: when it is not, funds its keyless signer and
/// publishes its transaction. Returns the transactions sent.
pub async fn ensure_create2_factory(p: &DynProvider, chain_id: u64) -> Result<usize, Failure> {
    if !code_at(p, CREATE2_FACTORY).await?.is_empty() {
        return Ok(0);
    }
    let have = p
        .get_balance(CREATE2_FACTORY_SIGNER)
        .await
        .map_err(|e| Failure::rpc(format!("cannot read the factory signer's balance: {e}")))?;
    let need = U256::from(CREATE2_FACTORY_FUNDING);
    let mut sent = 0;
    if have < need {
        tx::send(
            p,
            CREATE2_FACTORY_SIGNER,
            need - have,
            Vec::new(),
            "funding the CREATE2 factory's signer",
        )
        .await?;
        sent += 1;
    }
    let pending = p.send_raw_transaction(&create2_factory_tx()).await.map_err(|e| {
        Failure::rpc(format!(
            "chain {chain_id} refused the CREATE2 factory's keyless transaction ({e}); a chain that accepts only EIP-155 transactions needs it deployed by its operators, or pass --stylus-registry to deploy the suite's own ERC-6551 registry"
        ))
    })?;
    pending
        .get_receipt()
        .await
        .map_err(|e| Failure::rpc(format!("the CREATE2 factory's transaction: {e}")))?;
    if code_at(p, CREATE2_FACTORY).await?.is_empty() {
        return Err(Failure::rpc(format!(
            "the CREATE2 factory's transaction left no code at {CREATE2_FACTORY}"
        )));
    }
    Ok(sent + 1)
}

/// Creates the canonical ERC-6551 registry through Nick's factory; returns the
/// transaction.
pub async fn deploy_erc6551_registry(p: &DynProvider) -> Result<B256, Failure> {
    let data: Vec<u8> = [ERC6551_SALT.as_slice(), &erc6551_registry_initcode()].concat();
    let r =
        tx::send(p, CREATE2_FACTORY, U256::ZERO, data, "deploying the ERC-6551 registry").await?;
    if code_at(p, ERC6551_REGISTRY).await?.is_empty() {
        return Err(Failure::rpc(format!(
            "the ERC-6551 registry's deployment ({}) left no code at {ERC6551_REGISTRY}",
            r.transaction_hash
        )));
    }
    Ok(r.transaction_hash)
}

#[cfg(test)]
mod tests {
    use alloy::{
        consensus::{transaction::SignerRecoverable, TxEnvelope},
        eips::Decodable2718,
        primitives::keccak256,
    };

    use super::*;

    #[test]
    fn the_registry_init_code_yields_the_canonical_address() {
        let init = erc6551_registry_initcode();
        assert_eq!(init.len(), 603);
        assert_eq!(CREATE2_FACTORY.create2(ERC6551_SALT, keccak256(&init)), ERC6551_REGISTRY);
    }

    #[test]
    fn the_factory_transaction_is_the_keyless_one_and_creates_the_factory() {
        let raw = create2_factory_tx();
        let tx = TxEnvelope::decode_2718(&mut raw.as_slice()).expect("a legacy transaction");
        let signer = tx.recover_signer().expect("a signature");
        assert_eq!(signer, CREATE2_FACTORY_SIGNER);
        assert_eq!(signer.create(0), CREATE2_FACTORY);
        assert_eq!(tx.chain_id(), None, "pre-EIP-155: valid on every chain");
        use alloy::consensus::Transaction;
        assert_eq!(
            U256::from(tx.gas_limit()) * U256::from(tx.gas_price().unwrap_or_default()),
            U256::from(CREATE2_FACTORY_FUNDING)
        );
    }
}
