//! EVM frames report the interpreter's exact gas: the same transactions run through revm's own
//! mainnet handler (Prague) use exactly the gas the local chain reports, and leave the same
//! storage.
mod common;

use common::*;
use local_chain::{hex, Address, Bytes, Chain, Tx, U256};
use revm::{
    context::TxEnv,
    database::{CacheDB, EmptyDB},
    primitives::{hardfork::SpecId, TxKind},
    state::{AccountInfo, Bytecode},
    Context, ExecuteCommitEvm, MainBuilder, MainContext,
};

const A: Address = Address::repeat_byte(0xA1);
const B: Address = Address::repeat_byte(0xB2);

/// A: SSTORE(0, 42); LOG0; CALL B; CREATE2(code = STOP); SSTORE(1, 0) (a refund); STOP.
fn code_a() -> Vec<u8> {
    let mut c = hex::decode("602a60005560006000a0600060006000600060007300").unwrap();
    c.pop(); // the PUSH20 argument follows
    c.extend_from_slice(B.as_slice());
    c.extend_from_slice(&hex::decode("5af1506000600160006000f55060006001550000").unwrap());
    c
}

/// B: SSTORE(1, 1); STOP. And a reverting variant: SSTORE then REVERT(0, 0).
fn code_b() -> Vec<u8> {
    hex::decode("600160015500").unwrap()
}

fn local() -> Chain {
    let mut chain = chain();
    chain.set_code(A, code_a());
    chain.set_code(B, code_b());
    chain.set_storage(A, U256::from(1), U256::from(9));
    chain
}

fn reference(txs: &[Tx]) -> Vec<(u64, bool)> {
    let mut db = CacheDB::new(EmptyDB::default());
    for (who, bal) in [(ALICE, 10u128.pow(21)), (BOB, 10u128.pow(21))] {
        db.insert_account_info(who, AccountInfo { balance: U256::from(bal), ..Default::default() });
    }
    for (addr, code) in [(A, code_a()), (B, code_b())] {
        let code = Bytecode::new_legacy(Bytes::from(code));
        db.insert_account_info(
            addr,
            AccountInfo { code_hash: code.hash_slow(), code: Some(code), ..Default::default() },
        );
    }
    db.insert_account_storage(A, U256::from(1), U256::from(9)).unwrap();
    let mut evm = Context::mainnet()
        .with_db(db)
        .modify_cfg_chained(|c| {
            c.spec = SpecId::PRAGUE;
            c.chain_id = 42_161;
        })
        .modify_block_chained(|b| {
            b.number = U256::from(1);
            b.timestamp = U256::from(local_chain::DEFAULT_TIMESTAMP);
            b.basefee = 0;
            b.gas_limit = 32_000_000;
            b.beneficiary = local_chain::ARB_COINBASE;
        })
        .build_mainnet();
    let mut nonces = std::collections::HashMap::new();
    txs.iter()
        .map(|t| {
            let nonce = nonces.entry(t.from).or_insert(0u64);
            let env = TxEnv::builder()
                .caller(t.from)
                .kind(t.to.map(TxKind::Call).unwrap_or(TxKind::Create))
                .value(t.value)
                .data(t.data.clone())
                .gas_limit(t.gas_limit)
                .gas_price(0)
                .nonce(*nonce)
                .chain_id(Some(42_161))
                .build()
                .unwrap();
            *nonce += 1;
            let r = evm.transact_commit(env).unwrap();
            (r.tx_gas_used(), r.is_success())
        })
        .collect()
}

#[test]
fn evm_gas_matches_revm_mainnet_exactly() {
    let txs = vec![
        Tx::call(ALICE, BOB, U256::from(1), Bytes::new()), // plain transfer
        Tx::call(ALICE, A, U256::ZERO, Bytes::from(vec![1, 0, 2])), // cold everything, refund
        Tx::call(BOB, A, U256::ZERO, Bytes::new()),        // again: CREATE2 collides
        Tx::call(BOB, B, U256::from(7), Bytes::new()),     // value into a contract
        Tx::create(ALICE, local_chain::deployer_initcode(&code_b()), U256::ZERO),
    ];
    let expected = reference(&txs);
    let mut chain = local();
    for (tx, (gas, ok)) in txs.iter().zip(expected) {
        let r = chain.transact(tx);
        assert_eq!((r.gas_used, r.success), (gas, ok), "{tx:?}");
    }
    assert_eq!(chain.storage(A, U256::ZERO), U256::from(42));
    assert_eq!(chain.storage(A, U256::from(1)), U256::ZERO);
    assert_eq!(chain.storage(B, U256::from(1)), U256::from(1));
}
