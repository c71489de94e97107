//! Per-hostio tests on small hand-written WAT programs.
mod common;

use common::*;
use local_chain::{hex as _, hex, keccak256, Address, Bytes, Tx, B256, U256};

fn evm_addr(a: Address) -> String {
    hex::encode(a.as_slice())
}

const STORAGE: &str = r#"
  (data (i32.const 2079) "\2a")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (i32.ne (i32.load8_u (i32.const 0)) (i32.const 2))
      (then (call $scache (i32.const 1024) (i32.const 2048))))
    (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1))
      (then (call $flush (i32.const 0))))
    (call $sload (i32.const 1024) (i32.const 3000))
    (call $write_result (i32.const 3000) (i32.const 32))
    (i32.const 0))
"#;

#[test]
fn storage_cache_reads_through_and_only_flush_writes() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(STORAGE));
    let fortytwo = U256::from(42).to_be_bytes::<32>();

    // Cached but never flushed: the frame sees its cached value, the world does not.
    let r = chain.call(ALICE, p, U256::ZERO, vec![0u8]);
    r.assert_success();
    assert_eq!(r.output.as_ref(), &fortytwo);
    assert_eq!(chain.storage(p, U256::ZERO), U256::ZERO);
    // A fresh frame reads the world: still zero.
    let r = chain.call(ALICE, p, U256::ZERO, vec![2u8]);
    assert_eq!(r.output.as_ref(), &[0u8; 32]);

    // Cached then flushed: written.
    let r = chain.call(ALICE, p, U256::ZERO, vec![1u8]);
    r.assert_success();
    assert_eq!(chain.storage(p, U256::ZERO), U256::from(42));
    let r = chain.call(ALICE, p, U256::ZERO, vec![2u8]);
    assert_eq!(r.output.as_ref(), &fortytwo);
    // A first write of a fresh slot costs at least the EVM's 20,000 + cold 2,100.
    assert!(r.gas_used > 21_000);
}

const REVERTS: &str = r#"
  (data (i32.const 2079) "\07")
  (data (i32.const 4000) "no")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $scache (i32.const 1024) (i32.const 2048))
    (call $flush (i32.const 0))
    (call $log (i32.const 2048) (i32.const 32) (i32.const 1))
    (call $write_result (i32.const 4000) (i32.const 2))
    (i32.const 1))
"#;

#[test]
fn revert_rolls_back_storage_logs_and_value() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(REVERTS));
    let before = chain.balance(ALICE);
    let r = chain.call(ALICE, p, U256::from(1000), Bytes::new());
    assert!(!r.success);
    assert_eq!(r.status, "Revert");
    assert_eq!(r.output.as_ref(), b"no");
    assert!(r.logs.is_empty());
    assert_eq!(chain.storage(p, U256::ZERO), U256::ZERO);
    assert_eq!(chain.balance(p), U256::ZERO);
    assert_eq!(chain.balance(ALICE), before);

    // Nested: an EVM contract calls the reverting program, records the call's success flag
    // in slot 0 and writes 1 in slot 1; only the inner frame rolls back.
    let mut code = hex::decode("60006000600060006000").unwrap();
    code.push(0x73); // PUSH20 p
    code.extend_from_slice(p.as_slice());
    code.extend_from_slice(&hex::decode("5af160005560016001550000").unwrap());
    let caller = deploy_evm(&mut chain, &code);
    let r = chain.call(ALICE, caller, U256::ZERO, Bytes::new());
    r.assert_success();
    assert_eq!(chain.storage(caller, U256::ZERO), U256::ZERO, "CALL returned failure");
    assert_eq!(chain.storage(caller, U256::from(1)), U256::from(1));
    assert_eq!(chain.storage(p, U256::ZERO), U256::ZERO);
    assert!(r.logs.is_empty());
}

const REENTRANT: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (result i32) (i32.ge_u (i32.load8_u (i32.const 0)) (i32.const 1))
      (then
        (call $address (i32.const 100))
        (drop (call $call
          (select (i32.const 1) (i32.const 100) (i32.eq (i32.load8_u (i32.const 0)) (i32.const 3)))
          (i32.const 10) (i32.const 1) (i32.const 2048) (i64.const -1) (i32.const 200)))
        (drop (call $rrd (i32.const 300) (i32.const 0) (i32.const 1)))
        (call $write_result (i32.const 300) (i32.const 1))
        (i32.const 0))
      (else
        (i32.store8 (i32.const 300) (call $reentrant))
        (call $write_result (i32.const 300) (i32.const 1))
        (i32.const 0))))
"#;

#[test]
fn msg_reentrant_is_true_only_when_the_address_is_already_executing() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(REENTRANT));
    let r = chain.call(ALICE, p, U256::ZERO, vec![0u8]);
    assert_eq!(r.output.as_ref(), &[0u8]);
    let r = chain.call(ALICE, p, U256::ZERO, vec![1u8]);
    r.assert_success();
    assert_eq!(r.output.as_ref(), &[1u8], "the inner frame of a self-call is reentrant");

    // Through an EVM contract: Stylus -> EVM forwarder -> the same Stylus program.
    // The forwarder CALLs p with calldata [0] and returns what p returned.
    let mut fwd = hex::decode("600060005360006000600160006000").unwrap();
    fwd.push(0x73);
    fwd.extend_from_slice(p.as_slice());
    fwd.extend_from_slice(&hex::decode("5af1503d6000803e3d6000f3").unwrap());
    let f = deploy_evm(&mut chain, &fwd);
    // Direct call to the forwarder: p is not on the stack -> 0.
    let r = chain.call(ALICE, f, U256::ZERO, Bytes::new());
    r.assert_success();
    assert_eq!(r.output.as_ref(), &[0u8]);
    // Behind an ERC-1167 EVM proxy (CALL proxy, DELEGATECALL p) the program is not
    // reentrant: delegate frames do not count (Nitro counts non-delegate frames per acting
    // address), so SDK contracts work behind proxies.
    let proxy = deploy_evm(&mut chain, &erc1167(p));
    let r = chain.call(ALICE, proxy, U256::ZERO, vec![0u8]);
    r.assert_success();
    assert_eq!(r.output.as_ref(), &[0u8]);
    // ... and a self-call through the proxy (proxy -> p code -> proxy) is.
    let r = chain.call(ALICE, proxy, U256::ZERO, vec![1u8]);
    r.assert_success();
    assert_eq!(r.output.as_ref(), &[1u8]);
    // p -> forwarder -> p: the inner p frame is reentrant.
    let mut args = vec![3u8];
    args.extend_from_slice(f.as_slice());
    let r = chain.call(ALICE, p, U256::ZERO, args);
    r.assert_success();
    assert_eq!(r.output.as_ref(), &[1u8]);
}

#[test]
fn create2_address_matches_the_evm_formula_and_create1_uses_the_nonce() {
    const CREATE: &str = r#"
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 2))
          (then
            (call $create2 (i32.const 33) (i32.sub (local.get $len) (i32.const 33)) (i32.const 2048)
                           (i32.const 1) (i32.const 3000) (i32.const 3100)))
          (else
            (call $create1 (i32.const 33) (i32.sub (local.get $len) (i32.const 33)) (i32.const 2048)
                           (i32.const 3000) (i32.const 3100))))
        (call $write_result (i32.const 3000) (i32.const 24))
        (i32.const 0))
    "#;
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(CREATE));
    let runtime = hex::decode("602a60005260206000f3").unwrap(); // returns 42
    let init = local_chain::deployer_initcode(&runtime);
    let salt = B256::repeat_byte(0x5a);

    let mut args = vec![2u8];
    args.extend_from_slice(salt.as_slice());
    args.extend_from_slice(&init);
    let r = chain.call(ALICE, p, U256::ZERO, args.clone());
    r.assert_success();
    let got = Address::from_slice(&r.output[..20]);
    assert_eq!(got, p.create2(salt, keccak256(&init)));
    assert_eq!(chain.code(got).as_ref(), runtime.as_slice());
    // The created EVM contract runs.
    let r2 = chain.call(ALICE, got, U256::ZERO, Bytes::new());
    assert_eq!(U256::from_be_slice(&r2.output), U256::from(42));
    // Same salt again: the address is taken, CREATE2 fails with the zero address.
    let r = chain.call(ALICE, p, U256::ZERO, args);
    r.assert_success();
    assert_eq!(Address::from_slice(&r.output[..20]), Address::ZERO);

    // create1: contract nonces start at 1 (EIP-161) and the failed CREATE2 still bumped it.
    let nonce = chain.nonce(p);
    let mut args = vec![1u8];
    args.extend_from_slice(&[0u8; 32]);
    args.extend_from_slice(&init);
    let r = chain.call(ALICE, p, U256::ZERO, args);
    r.assert_success();
    assert_eq!(Address::from_slice(&r.output[..20]), p.create(nonce));
    assert_eq!(chain.nonce(p), nonce + 1);

    // Init code that reverts: zero address and the revert data length is reported.
    let mut args = vec![1u8];
    args.extend_from_slice(&[0u8; 32]);
    args.extend_from_slice(&hex::decode("60006000fd").unwrap());
    let r = chain.call(ALICE, p, U256::ZERO, args);
    assert_eq!(Address::from_slice(&r.output[..20]), Address::ZERO);
}

#[test]
fn code_reads_of_an_evm_account() {
    const READER: &str = r#"
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (i32.store (i32.const 3000) (call $codesize (i32.const 0)))
        (call $codehash (i32.const 0) (i32.const 3004))
        (i32.store (i32.const 3036) (call $code (i32.const 0) (i32.const 2) (i32.const 1000) (i32.const 3040)))
        (call $write_result (i32.const 3000) (i32.add (i32.const 40) (i32.load (i32.const 3036))))
        (i32.const 0))
    "#;
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(READER));
    let evm = hex::decode("602a60005260206000f3deadbeef").unwrap();
    let e = deploy_evm(&mut chain, &evm);
    let r = chain.call(ALICE, p, U256::ZERO, e.to_vec());
    r.assert_success();
    let out = r.output;
    assert_eq!(u32::from_le_bytes(out[0..4].try_into().unwrap()) as usize, evm.len());
    assert_eq!(&out[4..36], keccak256(&evm).as_slice());
    assert_eq!(&out[40..], &evm[2..]);

    // An EOA: size 0, hash of empty code; an absent account: hash 0.
    let r = chain.call(ALICE, p, U256::ZERO, ALICE.to_vec());
    assert_eq!(&r.output[0..4], &[0, 0, 0, 0]);
    assert_eq!(&r.output[4..36], keccak256([]).as_slice());
    let r = chain.call(ALICE, p, U256::ZERO, Address::repeat_byte(0x77).to_vec());
    assert_eq!(&r.output[4..36], &[0u8; 32]);

    // A Stylus program reads its own code: the deployed bytes with the 0xEFF000 prefix.
    let r = chain.call(ALICE, p, U256::ZERO, p.to_vec());
    assert_eq!(&r.output[40..41], &[0x00], "byte 2 of 0xEFF000");
    assert_eq!(
        u32::from_le_bytes(r.output[0..4].try_into().unwrap()) as usize,
        chain.code(p).len()
    );
}

const IMPL: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $sender (i32.const 2060))
    (call $scache (i32.const 1024) (i32.const 2048))
    (call $flush (i32.const 0))
    (call $address (i32.const 3000))
    (call $write_result (i32.const 3000) (i32.const 20))
    (i32.const 0))
"#;

#[test]
fn delegatecall_keeps_the_callers_storage_address_and_sender() {
    const PROXY: &str = r#"
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (drop (call $dcall (i32.const 0) (i32.const 0) (i32.const 0) (i64.const -1) (i32.const 200)))
        (drop (call $rrd (i32.const 300) (i32.const 0) (i32.const 20)))
        (call $write_result (i32.const 300) (i32.const 20))
        (i32.const 0))
    "#;
    let mut chain = chain();
    let implementation = deploy_wat(&mut chain, &module(IMPL));
    let proxy = deploy_wat(&mut chain, &module(PROXY));
    let r = chain.call(BOB, proxy, U256::ZERO, implementation.to_vec());
    r.assert_success();
    assert_eq!(Address::from_slice(&r.output), proxy, "address() is the proxy's");
    assert_eq!(chain.storage(proxy, U256::ZERO), U256::from_be_slice(BOB.as_slice()));
    assert_eq!(chain.storage(implementation, U256::ZERO), U256::ZERO);
}

#[test]
fn erc1167_evm_proxy_in_front_of_a_stylus_implementation() {
    let mut chain = chain();
    let implementation = deploy_wat(&mut chain, &module(IMPL));
    let proxy = deploy_evm(&mut chain, &erc1167(implementation));
    assert!(evm_addr(proxy).len() == 40);
    let r = chain.call(BOB, proxy, U256::ZERO, Bytes::new());
    r.assert_success();
    assert_eq!(Address::from_slice(&r.output), proxy);
    assert_eq!(chain.storage(proxy, U256::ZERO), U256::from_be_slice(BOB.as_slice()));
    assert_eq!(chain.storage(implementation, U256::ZERO), U256::ZERO);
}

#[test]
fn block_fields_follow_warp_and_mine() {
    const BLOCK: &str = r#"
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (i64.store (i32.const 3000) (call $timestamp))
        (i64.store (i32.const 3008) (call $number))
        (i64.store (i32.const 3016) (call $chainid))
        (call $origin (i32.const 3024))
        (call $write_result (i32.const 3000) (i32.const 44))
        (i32.const 0))
    "#;
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(BLOCK));
    let read = |chain: &mut local_chain::Chain| {
        let r = chain.call(BOB, p, U256::ZERO, Bytes::new());
        r.assert_success();
        let o = r.output;
        (
            u64::from_le_bytes(o[0..8].try_into().unwrap()),
            u64::from_le_bytes(o[8..16].try_into().unwrap()),
            u64::from_le_bytes(o[16..24].try_into().unwrap()),
            Address::from_slice(&o[24..44]),
        )
    };
    let (t, n, id, origin) = read(&mut chain);
    assert_eq!((t, n, id, origin), (local_chain::DEFAULT_TIMESTAMP, 1, 42_161, BOB));
    // (Within the program's year: an activation expires after 365 days.)
    let later = local_chain::DEFAULT_TIMESTAMP + 100 * 86_400;
    chain.warp(later);
    chain.mine(10);
    let (t, n, _, _) = read(&mut chain);
    assert_eq!((t, n), (later + 10, 11));
}

#[test]
fn transient_storage_lives_for_one_transaction() {
    const T: &str = r#"
      (data (i32.const 2079) "\09")
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1))
          (then (call $tstore (i32.const 1024) (i32.const 2048))))
        (call $tload (i32.const 1024) (i32.const 3000))
        (call $write_result (i32.const 3000) (i32.const 32))
        (i32.const 0))
    "#;
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(T));
    let r = chain.call(ALICE, p, U256::ZERO, vec![1u8]);
    assert_eq!(U256::from_be_slice(&r.output), U256::from(9));
    let r = chain.call(ALICE, p, U256::ZERO, vec![0u8]);
    assert_eq!(U256::from_be_slice(&r.output), U256::ZERO);
}

#[test]
fn programs_must_be_activated() {
    let mut chain = chain();
    let code = stylus_code(&module(STORAGE));
    let r = chain.deploy_code(ALICE, &code);
    r.assert_success();
    let p = r.created.unwrap();
    assert_eq!(chain.code(p).as_ref(), code.as_slice());
    let r = chain.call(ALICE, p, U256::ZERO, vec![1u8]);
    assert!(!r.success, "not activated");
    let info = chain.activate(p).unwrap();
    assert!(info.wasm_len > 0);
    chain.call(ALICE, p, U256::ZERO, vec![1u8]).assert_success();
    // Code that is not Stylus, or a module importing something else, does not activate.
    let e = deploy_evm(&mut chain, &[0x00]);
    assert!(chain.activate(e).is_err());
    let bad = stylus_code(
        r#"(module (import "env" "x" (func)) (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    );
    let b = chain.deploy_code(ALICE, &bad).created.unwrap();
    assert!(chain.activate(b).is_err());
}

#[test]
fn exit_early_traps_and_out_of_gas() {
    const EXIT: &str = r#"
      (data (i32.const 4000) "bye")
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (call $write_result (i32.const 4000) (i32.const 3))
        (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1)) (then (call $exit (i32.const 1))))
        (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 2)) (then (call $exit (i32.const 0))))
        (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 3)) (then unreachable))
        (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 4)) (then (loop $l (br $l))))
        (i32.const 0))
    "#;
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(EXIT));
    let r = chain.call(ALICE, p, U256::ZERO, vec![1u8]);
    assert!(!r.success);
    assert_eq!(r.output.as_ref(), b"bye");
    let r = chain.call(ALICE, p, U256::ZERO, vec![2u8]);
    assert!(r.success);
    assert_eq!(r.output.as_ref(), b"bye");
    let r = chain.call(ALICE, p, U256::ZERO, vec![3u8]);
    assert!(!r.success);
    assert!(r.output.is_empty(), "a trap reverts without data");
    let mut tx = Tx::call(ALICE, p, U256::ZERO, vec![4u8]);
    tx.gas_limit = 1_000_000;
    let r = chain.transact(&tx);
    assert_eq!(r.status, "OutOfGas");
    assert_eq!(r.gas_used, 1_000_000);
}

#[test]
fn static_calls_cannot_write_and_value_moves_with_calls() {
    const STATIC: &str = r#"
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (i32.store8 (i32.const 100) (i32.const 1))
        (i32.store8 (i32.const 300)
          (call $scall (i32.const 0) (i32.const 100) (i32.const 1) (i64.const -1) (i32.const 200)))
        (call $write_result (i32.const 300) (i32.const 1))
        (i32.const 0))
    "#;
    let mut chain = chain();
    let storage = deploy_wat(&mut chain, &module(STORAGE));
    let s = deploy_wat(&mut chain, &module(STATIC));
    let r = chain.call(ALICE, s, U256::ZERO, storage.to_vec());
    r.assert_success();
    assert_eq!(r.output.as_ref(), &[1u8], "the static call failed");
    assert_eq!(chain.storage(storage, U256::ZERO), U256::ZERO);

    // Value: ALICE sends 5 wei to a program; balances move.
    let r = chain.call(ALICE, storage, U256::from(5), vec![2u8]);
    r.assert_success();
    assert_eq!(chain.balance(storage), U256::from(5));
}

#[test]
fn frames_nest_to_the_evm_depth_limit() {
    // A program that calls itself with (n - 1) until n == 0, then returns n's depth count.
    const DEEP: &str = r#"
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (if (i32.eqz (i32.load (i32.const 0)))
          (then
            (i32.store (i32.const 300) (i32.const 0))
            (call $write_result (i32.const 300) (i32.const 4))
            (return (i32.const 0))))
        (i32.store (i32.const 0) (i32.sub (i32.load (i32.const 0)) (i32.const 1)))
        (call $address (i32.const 100))
        (if (call $call (i32.const 100) (i32.const 0) (i32.const 4) (i32.const 2048) (i64.const -1) (i32.const 200))
          (then (return (i32.const 1))))
        (drop (call $rrd (i32.const 300) (i32.const 0) (i32.const 4)))
        (i32.store (i32.const 300) (i32.add (i32.load (i32.const 300)) (i32.const 1)))
        (call $write_result (i32.const 300) (i32.const 4))
        (i32.const 0))
    "#;
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(DEEP));
    let run = |chain: &mut local_chain::Chain, n: u32| {
        let mut tx = Tx::call(ALICE, p, U256::ZERO, n.to_le_bytes().to_vec());
        tx.gas_limit = 1_000_000_000;
        chain.transact(&tx)
    };
    // Each open frame keeps its 2 pages open: 63 nested calls (64 frames) reach Nitro's
    // 128-page limit, one more cannot pay for its memory.
    let r = run(&mut chain, 63);
    r.assert_success();
    assert_eq!(u32::from_le_bytes(r.output[..4].try_into().unwrap()), 63);
    assert!(!run(&mut chain, 64).success);
}

#[test]
fn arbwasm_activates_inside_a_transaction() {
    use alloy_sol_types::SolCall;
    use local_chain::arbwasm::{
        activateProgramCall, programVersionCall, ProgramNotActivated, ProgramNotWasm,
        ProgramUpToDate,
    };
    let mut chain = chain();
    let r = chain.deploy_code(ALICE, &stylus_code(&module(STORAGE)));
    let p = r.created.unwrap();
    let e = chain
        .read(local_chain::ARB_WASM, &programVersionCall { program: p })
        .expect_err("not active");
    assert!(e.revert_as::<ProgramNotActivated>().is_some());
    assert!(!chain.call(ALICE, p, U256::ZERO, vec![1u8]).success);

    // Too little value for the data fee.
    let e = chain
        .send_value(
            ALICE,
            local_chain::ARB_WASM,
            U256::from(1_000),
            &activateProgramCall { program: p },
        )
        .err()
        .expect("fee unpaid");
    assert_eq!(&e.0.output[..4], &[0x09, 0x78, 0x1a, 0xb7], "ProgramInsufficientValue");
    let before = chain.balance(ALICE);
    let value = U256::from(10u64.pow(18));
    let r = chain.call(
        ALICE,
        local_chain::ARB_WASM,
        value,
        activateProgramCall { program: p }.abi_encode(),
    );
    r.assert_success();
    let ret = activateProgramCall::abi_decode_returns(&r.output).unwrap();
    // A first activation: the minimum price (82,928,201 wei a byte) scaled by e^(demand /
    // inertia), on the asm estimate.
    let info = chain.program(local_chain::keccak256(chain.code(p))).unwrap().clone();
    let mut pricer = local_chain::stylus_rules::pricing::DataPricer::default();
    let fee = pricer.update(info.asm_estimate, chain.block().timestamp);
    assert_eq!(ret.dataFee, U256::from(fee));
    assert!(fee >= 82_928_201 * info.asm_estimate as u128);
    assert_eq!(chain.balance(ALICE), before - ret.dataFee, "the rest of the value is refunded");
    // Gas: 21,000 + calldata + the fixed 1,659,168 + the compilation's own gas + storage.
    let calldata = 4 * 16 + 12 * 4 + 20 * 16;
    let expected = 21_000
        + calldata
        + 1_659_168
        + info.activation_gas
        + local_chain::ACTIVATION_STORAGE_GAS
        + 3 * 3; // one word of arguments, two of results
    assert_eq!(r.gas_used, expected);
    assert_eq!(
        chain.read(local_chain::ARB_WASM, &programVersionCall { program: p }).unwrap(),
        ret.version
    );
    chain.call(ALICE, p, U256::ZERO, vec![1u8]).assert_success();

    let e = chain
        .send(ALICE, local_chain::ARB_WASM, &activateProgramCall { program: p })
        .err()
        .expect("twice");
    assert!(e.revert_as::<ProgramUpToDate>().is_some());
    let evm = deploy_evm(&mut chain, &[0x00]);
    let e = chain
        .send(ALICE, local_chain::ARB_WASM, &activateProgramCall { program: evm })
        .err()
        .expect("not wasm");
    assert!(e.revert_as::<ProgramNotWasm>().is_some());
}

/// The ERC-6551 shape end to end: a Stylus factory CREATE2s an ERC-1167 EVM proxy whose
/// implementation is a Stylus program; calls to the proxy run the program with the proxy's
/// storage and address, and the program can read its proxy's code (the footer).
#[test]
fn stylus_factory_create2s_an_evm_proxy_to_a_stylus_implementation() {
    const FACTORY: &str = r#"
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (call $create2 (i32.const 32) (i32.sub (local.get $len) (i32.const 32)) (i32.const 2048)
                       (i32.const 0) (i32.const 3000) (i32.const 3100))
        (call $write_result (i32.const 3000) (i32.const 20))
        (i32.const 0))
    "#;
    let mut chain = chain();
    let implementation = deploy_wat(&mut chain, &module(IMPL));
    let factory = deploy_wat(&mut chain, &module(FACTORY));
    let init = local_chain::deployer_initcode(&erc1167(implementation));
    let salt = B256::repeat_byte(7);
    let mut args = salt.to_vec();
    args.extend_from_slice(&init);
    let r = chain.call(ALICE, factory, U256::ZERO, args);
    r.assert_success();
    let proxy = Address::from_slice(&r.output);
    assert_eq!(proxy, factory.create2(salt, keccak256(&init)));
    assert_eq!(chain.code(proxy).as_ref(), erc1167(implementation).as_slice());
    let r = chain.call(BOB, proxy, U256::ZERO, Bytes::new());
    r.assert_success();
    assert_eq!(Address::from_slice(&r.output), proxy);
    assert_eq!(chain.storage(proxy, U256::ZERO), U256::from_be_slice(BOB.as_slice()));
}

#[test]
fn clearing_a_slot_from_stylus_earns_the_sstore_refund() {
    // Writes the 32-byte argument to slot 0 and flushes.
    const SET: &str = r#"
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 2048))
        (call $scache (i32.const 1024) (i32.const 2048))
        (call $flush (i32.const 0))
        (i32.const 0))
    "#;
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(SET));
    chain.set_storage(p, U256::ZERO, U256::from(5));
    let snap = chain.snapshot();
    // 5 -> 2 and 5 -> 0 cost the same SSTORE (2,900 + cold 2,100); clearing earns 4,800.
    let set = chain.call(ALICE, p, U256::ZERO, U256::from(2).to_be_bytes::<32>().to_vec());
    set.assert_success();
    assert_eq!(chain.storage(p, U256::ZERO), U256::from(2));
    chain.revert_to(snap);
    let clear = chain.call(ALICE, p, U256::ZERO, vec![0u8; 32]);
    clear.assert_success();
    assert_eq!(chain.storage(p, U256::ZERO), U256::ZERO);
    // The calldata differs by one non-zero byte (16 - 4 = 12 intrinsic gas); the compute
    // estimate may differ by a few gas of rounding.
    let diff = set.gas_used - 12 - clear.gas_used;
    assert!((4_795..=4_805).contains(&diff), "refund seen: {diff}");
}

#[test]
fn value_balance_keccak_logs_and_block_hostios() {
    // Out: msg_value(32) ++ balance(self)(32) ++ keccak(args)(32) ++ coinbase(20) ++
    // gas_limit(8) ++ gas_left > 0 (1); emits LOG2(topic0 = keccak(args), topic1 = value, data = args).
    const MISC: &str = r#"
      (import "vm_hooks" "block_coinbase" (func $coinbase (param i32)))
      (import "vm_hooks" "block_gas_limit" (func $gas_limit (result i64)))
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (call $value (i32.const 3000))
        (call $address (i32.const 100))
        (call $balance (i32.const 100) (i32.const 3032))
        (call $keccak (i32.const 0) (local.get $len) (i32.const 3064))
        (call $coinbase (i32.const 3096))
        (i64.store (i32.const 3116) (call $gas_limit))
        (i32.store8 (i32.const 3124) (i64.gt_u (call $gas_left) (i64.const 0)))
        (call $pay (i32.const 0))
        ;; log: topics at 4000 (keccak, value), then the args
        (memory.copy (i32.const 4000) (i32.const 3064) (i32.const 32))
        (memory.copy (i32.const 4032) (i32.const 3000) (i32.const 32))
        (memory.copy (i32.const 4064) (i32.const 0) (local.get $len))
        (call $log (i32.const 4000) (i32.add (i32.const 64) (local.get $len)) (i32.const 2))
        (call $write_result (i32.const 3000) (i32.const 125))
        (i32.const 0))
    "#;
    let src =
        format!("(module {} {})", IMPORTS.replace("(memory (export \"memory\") 2)", ""), MISC);
    let src = src.replacen("(func (export", "(memory (export \"memory\") 2) (func (export", 1);
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &src);
    chain.set_balance(p, U256::from(100));
    let args = b"hello stylus".to_vec();
    let r = chain.call(ALICE, p, U256::from(23), args.clone());
    r.assert_success();
    let o = &r.output;
    assert_eq!(U256::from_be_slice(&o[0..32]), U256::from(23));
    assert_eq!(
        U256::from_be_slice(&o[32..64]),
        U256::from(123),
        "the value arrived before the code ran"
    );
    assert_eq!(&o[64..96], keccak256(&args).as_slice());
    assert_eq!(Address::from_slice(&o[96..116]), local_chain::ARB_COINBASE);
    assert_eq!(u64::from_le_bytes(o[116..124].try_into().unwrap()), local_chain::DEFAULT_GAS_LIMIT);
    assert_eq!(o[124], 1);
    assert_eq!(r.logs.len(), 1);
    let log = &r.logs[0];
    assert_eq!(log.address, p);
    assert_eq!(log.data.topics(), &[keccak256(&args), B256::from(U256::from(23))]);
    assert_eq!(log.data.data.as_ref(), args.as_slice());
}
