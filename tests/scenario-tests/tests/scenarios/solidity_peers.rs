//! The committed Solidity fixtures (`scripts/solidity-peers/fixtures`) deploy and answer,
//! and the gas comparison's setup (bench `gas_vs_solidity`) runs: one operation on both sides.

use alloy_sol_types::{SolCall, SolValue};
use local_chain::{Chain, U256};

use crate::common::{community::ADMIN, peers::*};

#[test]
fn fixtures_deploy_and_answer() {
    let mut chain = Chain::new();
    chain.set_balance(ADMIN, U256::from(10u128.pow(21)));
    let token = deploy_peer(&mut chain, "PeerToken", &[]);
    assert_eq!(
        chain.read(token, &IPeer::balanceOfCall { who: ADMIN }).unwrap(),
        U256::from(10u128.pow(24))
    );
    let nft = deploy_peer(&mut chain, "PeerNFT", &[]);
    chain.send(ADMIN, nft, &IPeer::mintCall { to: ADMIN, amount: U256::from(1) }).unwrap();
    assert_eq!(chain.read(nft, &IPeer::ownerOfCall { id: U256::from(1) }).unwrap(), ADMIN);
    let vault = deploy_peer(&mut chain, "PeerVault", &token.abi_encode());
    let wrap = deploy_peer(&mut chain, "PeerWrapVault", &vault.abi_encode());
    for v in [vault, wrap] {
        chain.send(ADMIN, token, &IPeer::approveCall { spender: v, value: U256::MAX }).unwrap();
        chain
            .send(ADMIN, v, &IPeer::deposit_1Call { assets: U256::from(1000), receiver: ADMIN })
            .unwrap();
        assert_eq!(chain.read(v, &IPeer::balanceOfCall { who: ADMIN }).unwrap(), U256::from(1000));
    }
    let registry = deploy_peer(&mut chain, "ERC6551Registry", &[]);
    let implementation = deploy_peer(&mut chain, "ERC6551Account", &[]);
    let chain_id = U256::from(chain.block().chain_id);
    let create = IPeer::createAccountCall {
        implementation,
        salt: Default::default(),
        chainId: chain_id,
        tokenContract: nft,
        tokenId: U256::from(1),
    };
    let account = chain.send(ADMIN, registry, &create).unwrap();
    assert_eq!(chain.code(account).len(), 173, "an ERC-1167 proxy with the token footer");
    assert_eq!(chain.read(account, &IPeer::ownerCall {}).unwrap(), ADMIN);
    let join = deploy_peer(
        &mut chain,
        "PeerJoin",
        &(token, wrap, registry, implementation, U256::from(100u64)).abi_encode_params(),
    );
    let r = chain.call(ADMIN, join, U256::from(100u64), IPeer::joinCall {}.abi_encode());
    assert!(r.success, "join: {}", r.status);
}

#[test]
fn bench_setup_runs_every_operation_on_both_sides() {
    let mut b = Bench::deploy();
    let rows = b.rows();
    assert_eq!(rows.len(), operations().len());
    for r in &rows {
        assert!(r.stylus > 21_000 && r.solidity > 21_000, "{r:?}");
    }
    // Cached Stylus programs: the same operations cost less on the Stylus side only.
    b.cache_stylus();
    for (u, c) in rows.iter().zip(b.rows()) {
        assert!(c.stylus < u.stylus && c.solidity == u.solidity, "{u:?} / {c:?}");
    }
}
