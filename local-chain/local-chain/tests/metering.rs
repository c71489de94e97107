//! Nitro's pricing on the chain: opcode ink per basic block, memory pages, entry costs
//! (cached, recently used, uncached), expiry and keepalive, and gas that does not depend
//! on what ran before in the process.
mod common;

use alloy_sol_types::{sol, SolCall};
use common::*;
use local_chain::{keccak256, Address, Bytes, Chain, Tx, U256};

/// Reads a little-endian u32 `n` from the arguments, loops `n` times and returns the ink
/// the loop took (between two `evm_ink_left` calls) as a little-endian u64.
const LOOP: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $n i32) (local $start i64)
    (call $read_args (i32.const 0))
    (local.set $n (i32.load (i32.const 0)))
    (local.set $start (call $ink_left))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (i64.store (i32.const 100) (i64.sub (local.get $start) (call $ink_left)))
    (call $write_result (i32.const 100) (i32.const 8))
    (i32.const 0))
"#;

fn ink_of(chain: &mut Chain, p: Address, n: u32) -> u64 {
    let r = chain.call(ALICE, p, U256::ZERO, n.to_le_bytes().to_vec());
    r.assert_success();
    u64::from_le_bytes(r.output[..8].try_into().unwrap())
}

/// One loop iteration is two basic blocks, each with Nitro's 2,450-ink header:
/// `local.get` 75 + `i32.eqz` 170 + `br_if` 765, and `local.get` 75 + `i32.const` 1 +
/// `i32.sub` 70 + `local.set` 210 + `br` 765 (pricing_v1): 7,031 ink.
#[test]
fn a_loop_iteration_costs_its_opcodes_and_two_block_headers() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(LOOP));
    let base = ink_of(&mut chain, p, 0);
    for n in [1u32, 2, 10, 1_000] {
        assert_eq!(ink_of(&mut chain, p, n) - base, n as u64 * 7_031, "{n} iterations");
    }
}

/// Grows memory by the page count in the arguments; returns the ink it took.
const GROW: &str = r#"
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $start i64)
    (call $read_args (i32.const 0))
    (local.set $start (call $ink_left))
    (drop (memory.grow (i32.load (i32.const 0))))
    (i64.store (i32.const 100) (i64.sub (local.get $start) (call $ink_left)))
    (call $write_result (i32.const 100) (i32.const 8))
    (i32.const 0))
"#;

/// The program starts with 2 pages (Nitro's free pages). One more page costs 1,000 gas
/// (`page_gas`; exp(3) - exp(2) = 0); 8 more cost 8 * 1,000 + exp(10) - exp(2) = 8,002 gas;
/// growing by 0 pays only the hostio's 8,400 ink.
#[test]
fn memory_grow_pays_nitros_memory_model() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(GROW));
    let zero = ink_of(&mut chain, p, 0);
    assert_eq!(ink_of(&mut chain, p, 1) - zero, 1_000 * 10_000 - 8_400);
    assert_eq!(ink_of(&mut chain, p, 8) - zero, 8_002 * 10_000 - 8_400);
    // Past 128 pages the price exceeds any gas limit.
    let r = chain.call(ALICE, p, U256::ZERO, 127u32.to_le_bytes().to_vec());
    assert_eq!(r.status, "OutOfGas");
}

const NOOP: &str =
    r#"(func (export "user_entrypoint") (param $len i32) (result i32) (i32.const 0))"#;

/// A CacheManager-cached program pays only the cached init gas: the difference is exactly
/// `MinInitGas * 128 + init_cost` (8,832 + init cost).
#[test]
fn cached_programs_skip_the_init_gas() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(NOOP));
    let hash = keccak256(chain.code(p));
    let info = chain.program(hash).unwrap().clone();
    let uncached = chain.call(ALICE, p, U256::ZERO, Bytes::new()).gas_used;
    assert!(chain.cache_program(hash));
    let cached = chain.call(ALICE, p, U256::ZERO, Bytes::new()).gas_used;
    assert_eq!(uncached - cached, info.init_gas());
    assert_eq!(info.init_gas(), 8_832 + info.init_cost as u64);
    assert_eq!(info.cached_gas(), 352 + info.cached_init_cost as u64);
    assert!(chain.evict_program(hash));
    assert_eq!(chain.call(ALICE, p, U256::ZERO, Bytes::new()).gas_used, uncached);
}

/// EVM code that CALLs the address in calldata `n` times (n = calldata byte 20).
fn caller_code() -> Vec<u8> {
    // loop: if n == 0 stop; CALL(gas, addr, 0, 0, 0, 0, 0); n -= 1
    let mut c = vec![
        0x60, 0x14, 0x35, 0x60, 0xf8, 0x1c, // PUSH1 20 CALLDATALOAD PUSH1 248 SHR -> n
        0x5b, // JUMPDEST (6)
        0x80, 0x15, 0x60, 0x22, 0x57, // DUP1 ISZERO PUSH1 34 JUMPI
        0x60, 0x00, 0x80, 0x80, 0x80, 0x80, // 0 0 0 0 0
        0x60, 0x00, 0x35, 0x60, 0x60, 0x1c, // addr = CALLDATALOAD(0) >> 96
        0x5a, 0xf1, 0x50, // GAS CALL POP
        0x60, 0x01, 0x90, 0x03, // PUSH1 1 SWAP1 SUB
        0x60, 0x06, 0x56, // PUSH1 6 JUMP
    ];
    c.push(0x5b); // JUMPDEST (34)
    c.push(0x00);
    c
}

/// Within a transaction, a program that already ran is priced as cached (Nitro's recent
/// programs): two calls pay the init gas once.
#[test]
fn a_program_called_twice_in_a_transaction_pays_init_once() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(NOOP));
    let hash = keccak256(chain.code(p));
    let caller = deploy_evm(&mut chain, &caller_code());
    assert_eq!(caller_code()[34], 0x5b);
    let gas = |chain: &mut Chain, n: u8| {
        let mut data = p.to_vec();
        data.push(n);
        let r = chain.call(ALICE, caller, U256::ZERO, data);
        r.assert_success();
        r.gas_used
    };
    let (one, two) = (gas(&mut chain, 1), gas(&mut chain, 2));
    chain.cache_program(hash);
    let (one_c, two_c) = (gas(&mut chain, 1), gas(&mut chain, 2));
    let init = chain.program(hash).unwrap().init_gas();
    assert_eq!(one - one_c, init);
    assert_eq!(two - two_c, init, "the second call was already priced as cached");
}

sol! {
    function codehashKeepalive(bytes32 codehash) external payable;
    function programTimeLeft(address program) external view returns (uint64 _secs);
    function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
    function programMemoryFootprint(address program) external view returns (uint16 footprint);
    function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
    error ProgramExpired(uint64 ageInSeconds);
    error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
}

/// Expiry after 365 days, keepalive allowed after 31, on activation hours as Nitro
/// stores them.
#[test]
fn programs_expire_and_keepalive_extends_them() {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &module(NOOP));
    let hash = keccak256(chain.code(p));
    let info = chain.program(hash).unwrap().clone();
    let arb = local_chain::ARB_WASM;
    let age = chain.block().timestamp - (1_421_388_000 + info.activated_at as u64 * 3_600);
    let year = 365 * 86_400;
    assert_eq!(chain.read(arb, &programTimeLeftCall { program: p }).unwrap(), year - age);
    let ig = chain.read(arb, &programInitGasCall { program: p }).unwrap();
    assert_eq!(
        (ig.gas, ig.gasWhenCached),
        (info.init_gas() + info.cached_gas(), info.cached_gas())
    );
    assert_eq!(chain.read(arb, &programMemoryFootprintCall { program: p }).unwrap(), 2);
    assert_eq!(
        chain.read(arb, &codehashAsmSizeCall { codehash: hash }).unwrap(),
        info.asm_estimate_kb * 1024
    );

    let keepalive = |chain: &mut Chain| {
        let mut tx = Tx::call(
            ALICE,
            arb,
            U256::from(10u64.pow(18)),
            codehashKeepaliveCall { codehash: hash }.abi_encode(),
        );
        tx.gas_limit = 1_000_000;
        chain.set_balance(ALICE, U256::from(10u64.pow(18)));
        chain.transact(&tx)
    };
    let r = keepalive(&mut chain);
    let e = local_chain::CallError(r).revert_as::<ProgramKeepaliveTooSoon>().expect("too soon");
    assert_eq!(e.ageInSeconds, age);

    chain.warp(chain.block().timestamp + 40 * 86_400);
    keepalive(&mut chain).assert_success();
    // A year after the keepalive the program still runs; a year and a day later it does not.
    chain.warp(chain.block().timestamp + year - 3_600);
    chain.call(ALICE, p, U256::ZERO, Bytes::new()).assert_success();
    chain.warp(chain.block().timestamp + 2 * 86_400);
    assert!(!chain.call(ALICE, p, U256::ZERO, Bytes::new()).success);
    let e = chain.read(arb, &programTimeLeftCall { program: p }).expect_err("expired");
    assert!(e.revert_as::<ProgramExpired>().is_some());
}

sol! {
    function ctor(string name, string symbol, uint8 decimals);
    function transfer(address to, uint256 value) external returns (bool);
    function mint(address to, uint256 amount) external;
    function balanceOf(address account) external view returns (uint256);
}

fn erc20(chain: &mut Chain) -> Address {
    let args = ctorCall { name: "W".into(), symbol: "W".into(), decimals: 18 }.abi_encode();
    let t = chain.deploy_artifact(ALICE, "mock-erc20", Some(&args[4..])).unwrap();
    chain.send(ALICE, t, &mintCall { to: ALICE, amount: U256::from(1_000_000) }).unwrap();
    t
}

/// The same transaction on the same state costs the same gas first and last in a long
/// sequence, and in a fresh process-level runtime (no lazy-compilation fuel).
#[test]
fn gas_does_not_depend_on_what_ran_before() {
    let mut chain = chain();
    let t = erc20(&mut chain);
    let p = deploy_wat(&mut chain, &module(LOOP));
    let transfer = transferCall { to: BOB, value: U256::from(7) }.abi_encode();
    let snap = chain.snapshot();
    let first = chain.call(ALICE, t, U256::ZERO, transfer.clone());
    chain.revert_to(snap);
    for i in 0..300u32 {
        let to = Address::with_last_byte((i % 200) as u8 + 1);
        chain.send(ALICE, t, &transferCall { to, value: U256::from(i) }).unwrap();
        chain.read(t, &balanceOfCall { account: to }).unwrap();
        ink_of(&mut chain, p, i % 17);
    }
    chain.revert_to(snap);
    let last = chain.call(ALICE, t, U256::ZERO, transfer.clone());
    assert_eq!(first, last);

    // A new chain (new runtime, modules compiled afresh) on the same state.
    chain.revert_to(snap);
    let mut fresh = Chain::from_world(chain.world().clone());
    let again = fresh.call(ALICE, t, U256::ZERO, transfer);
    assert_eq!(first.gas_used, again.gas_used);
}

/// The trace accounts for every unit of a Stylus transaction's gas: the intrinsic gas,
/// the program's entry, its WASM compute and each hostio's ink, with nothing left over
/// (one Stylus frame, no EVM frame, no refund).
#[test]
fn the_gas_trace_accounts_for_every_unit_of_a_transfer() {
    let mut chain = chain();
    let t = erc20(&mut chain);
    let tx =
        Tx::call(ALICE, t, U256::ZERO, transferCall { to: BOB, value: U256::from(7) }.abi_encode());
    let r = chain.transact(&tx);
    r.assert_success();
    let g = &r.gas_trace;
    assert_eq!(g.entries, 1);
    assert_eq!(g.hostios["read_args"].calls, 1);
    assert_eq!(g.hostios["write_result"].calls, 1);
    assert_eq!(g.hostios["emit_log"].calls, 1, "Transfer");
    // Two balances read and written, through the storage cache and one flush.
    assert!(g.hostios["storage_load_bytes32"].calls >= 2);
    assert!(g.hostios["storage_cache_bytes32"].calls >= 2);
    assert!(g.hostios["storage_flush_cache"].ink > 2 * 20_000 * local_chain::INK_PER_GAS / 2);
    assert!(g.compute_ink > 0);
    let frame_ink = g.compute_ink + g.hostio_ink();
    let frame_gas = frame_ink.div_ceil(local_chain::INK_PER_GAS);
    assert_eq!(r.gas_used, tx.intrinsic_gas() + g.entry_gas + frame_gas);
}

sol! {
    function sourceCtor(address asset, string name, string symbol);
    function approve(address spender, uint256 value) external returns (bool);
    function deposit(uint256 assets, address receiver) external returns (uint256);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

/// A call's callee is counted in its own frame: an ERC-4626 deposit enters the source and
/// the token twice (its balance, then the pull); the source's `call_contract` line holds the call's own price,
/// not the gas it forwarded, and the two frames together account for the gas to within
/// the rounding of ink to gas (a unit per frame).
#[test]
fn a_callee_is_counted_in_its_own_frame() {
    let mut chain = chain();
    let t = erc20(&mut chain);
    let args = sourceCtorCall { asset: t, name: "S".into(), symbol: "S".into() }.abi_encode();
    let source = chain.deploy_artifact(ALICE, "mock-yield-source", Some(&args[4..])).unwrap();
    // More allowance than the deposit takes: no slot is cleared, so no refund (which the
    // receipt nets out and the trace does not show).
    chain.send(ALICE, t, &approveCall { spender: source, value: U256::from(2_000) }).unwrap();
    let tx = Tx::call(
        ALICE,
        source,
        U256::ZERO,
        depositCall { assets: U256::from(1_000), receiver: ALICE }.abi_encode(),
    );
    let r = chain.transact(&tx);
    r.assert_success();
    let g = &r.gas_trace;
    assert_eq!(g.entries, 3, "the source, the token's balanceOf and its transferFrom");
    assert_eq!(g.hostios["static_call_contract"].calls, 1, "balanceOf");
    let call = g.hostios["call_contract"];
    assert_eq!(call.calls, 1, "transferFrom");
    assert!(call.ink < 5_000 * local_chain::INK_PER_GAS, "the call's own price only: {call:?}");
    let frames = (g.compute_ink + g.hostio_ink()).div_ceil(local_chain::INK_PER_GAS);
    let accounted = tx.intrinsic_gas() + g.entry_gas + frames;
    assert!(r.gas_used.abs_diff(accounted) <= 2, "{} against {accounted}", r.gas_used);
    // Frame by frame, in the order entered, and together the whole trace.
    let entered: Vec<_> = g.frames.iter().map(|f| (f.depth, f.program, f.selector)).collect();
    assert_eq!(
        entered,
        [
            (0, source, depositCall::SELECTOR),
            (1, t, balanceOfCall::SELECTOR),
            (1, t, transferFromCall::SELECTOR),
        ]
    );
    assert_eq!(g.frames.iter().map(|f| f.entry_gas).sum::<u64>(), g.entry_gas);
    assert_eq!(g.frames.iter().map(|f| f.compute_ink).sum::<u64>(), g.compute_ink);
    assert_eq!(g.frames.iter().map(|f| f.hostio_ink).sum::<u64>(), g.hostio_ink());
    assert!(g.frames.iter().all(|f| f.compute_ink > 0 && f.hostio_ink > 0));
}

/// Every artifact activates under the rules; their activation outputs.
#[test]
fn every_artifact_activates() {
    const ARTIFACTS: [&str; 12] = [
        "compute-ledger",
        "erc6551-registry",
        "job-market",
        "membership",
        "mock-erc20",
        "mock-erc721",
        "mock-price-feed",
        "mock-swap-router",
        "mock-yield-source",
        "model-registry",
        "tba-account",
        "yield-vault",
    ];
    let mut chain = chain();
    println!("| contract | init gas | cached gas | asm (KiB) | footprint | activation gas |");
    for name in ARTIFACTS {
        let code = local_chain::artifact(name).unwrap();
        let r = chain.deploy_code(ALICE, &code);
        let a = r.created.unwrap();
        let info = chain.activate(a).unwrap_or_else(|e| panic!("{name}: {e}"));
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            info.init_gas(),
            info.cached_gas(),
            info.asm_estimate_kb,
            info.footprint,
            info.activation_gas
        );
    }
}

/// Ink between two `evm_ink_left` calls around `body`.
fn ink_around(chain: &mut Chain, body: &str) -> u64 {
    let wat = format!(
        r#"(func (export "user_entrypoint") (param $len i32) (result i32)
             (local $a i64)
             (local.set $a (call $ink_left))
             {body}
             (i64.store (i32.const 1000) (i64.sub (local.get $a) (call $ink_left)))
             (call $write_result (i32.const 1000) (i32.const 8))
             (i32.const 0))"#
    );
    let p = deploy_wat(chain, &module(&wat));
    let r = chain.call(ALICE, p, U256::ZERO, Bytes::new());
    r.assert_success();
    u64::from_le_bytes(r.output[..8].try_into().unwrap())
}

/// Each hostio's ink, as Nitro's `pricing::hostio` composes it, between two `evm_ink_left`
/// calls: the baseline is `local.set` 210 + `i32.const` 1 + `local.get` 75 + `call` 3,800 +
/// a 2,450 header + the second `evm_ink_left`'s 8,400. A hostio call adds its arguments'
/// `i32.const`s, a `call`, the header of the block its call ends, and its own ink.
#[test]
fn hostio_ink_is_nitros() {
    let mut chain = chain();
    let base = ink_around(&mut chain, "");
    assert_eq!(base, 210 + 1 + 75 + 3_800 + 2_450 + 8_400);
    let call = |args: u64| args + 3_800 + 2_450;
    let cases: [(&str, u64); 7] = [
        ("(call $sender (i32.const 0))", call(1) + 13_440),
        ("(drop (call $number))", call(0) + 9 + 8_400),
        ("(drop (call $reentrant))", call(0) + 9 + 8_400),
        // 64 bytes: two words are in the base price.
        ("(call $keccak (i32.const 0) (i32.const 64) (i32.const 200))", call(3) + 121_800),
        ("(call $keccak (i32.const 0) (i32.const 65) (i32.const 200))", call(3) + 142_800),
        // A cold storage miss: 18,480 ink, then SLOAD 2,100 gas + the EVM API's 5.
        ("(call $sload (i32.const 0) (i32.const 64))", call(2) + 18_480 + 2_105 * 10_000),
        // A second load of the same key hits the cache: no gas.
        (
            "(call $sload (i32.const 0) (i32.const 64)) (call $sload (i32.const 0) (i32.const 64))",
            2 * call(2) + 2 * 18_480 + 2_105 * 10_000,
        ),
    ];
    for (body, extra) in cases {
        assert_eq!(ink_around(&mut chain, body) - base, extra, "{body}");
    }
}

/// Activation parses untrusted bytes: corrupted modules and streams are refused, never a
/// panic.
#[test]
fn corrupted_programs_are_refused_without_panicking() {
    use std::io::Write;
    let code = local_chain::artifact("mock-erc20").unwrap();
    let wasm = local_chain::decompress(&code).unwrap();
    let mut chain = chain();
    let at = Address::repeat_byte(0x77);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..120 {
        let mut m = wasm.clone();
        for _ in 0..1 + round % 4 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = (x as usize) % m.len();
            m[i] ^= (x >> 32) as u8 | 1;
        }
        if round % 10 == 0 {
            m.truncate((x as usize) % m.len());
        }
        let mut out = vec![0xEF, 0xF0, 0x00, 0x00];
        {
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, 1, 22);
            w.write_all(&m).unwrap();
        }
        if round % 7 == 0 {
            // A corrupt stream.
            let n = out.len();
            out[4 + (x as usize) % (n - 4)] ^= 0x5a;
        }
        chain.set_code(at, out);
        let _ = chain.activate(at);
    }
}
