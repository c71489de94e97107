//! Gas of our Stylus contracts against the Solidity contracts users would pick instead, on
//! one local chain (Stylus priced as Nitro prices it, EVM exactly). Prints a markdown table
//! (the README's "Gas against Solidity peers"):
//!
//! ```sh
//! cargo bench --manifest-path scripts/Cargo.toml -p scenario-tests --bench gas_vs_solidity
//! ```
//!
//! Needs the artifacts (`scripts/cf build`) and the committed Solidity fixtures
//! (`scripts/solidity-peers/fixtures`).
#[path = "../tests/scenarios/common/mod.rs"]
#[allow(dead_code)]
mod common;

use std::collections::HashMap;

use alloy_json_abi::JsonAbi;
use common::peers::{Bench, Row, JOIN_PARTS};
use local_chain::Address;

fn sum_of_parts(rows: &[Row], f: impl Fn(&Row) -> u64) -> u64 {
    21_000
        + JOIN_PARTS
            .iter()
            .map(|p| f(rows.iter().find(|r| r.op == *p).expect("part measured")) - 21_000)
            .sum::<u64>()
}

fn main() {
    let mut b = Bench::deploy();
    let snap = b.c.chain.snapshot();
    let uncached = b.rows();
    b.c.chain.revert_to(snap);
    b.cache_stylus();
    let cached = b.rows();

    // Init gas of each Stylus program: the difference uncached - cached is the sum of the
    // init gas of the distinct programs a transaction enters (each pays it once per
    // transaction, Nitro's recent-programs list), which names them.
    let programs: Vec<(&str, u64, u64)> = b
        .stylus_programs()
        .iter()
        .map(|(name, a)| {
            let p =
                b.c.chain.program(local_chain::keccak256(b.c.chain.code(*a))).expect("activated");
            (*name, p.init_gas(), p.cached_gas())
        })
        .collect();
    println!("Stylus programs: init gas (paid on a program's first entry in a transaction unless cached) and cached entry gas (every entry):\n");
    println!("| program | init gas | cached entry gas |");
    println!("|---|---:|---:|");
    for (name, init, cached) in &programs {
        println!("| {name} | {init} | {cached} |");
    }
    let entered = |diff: u64| -> String {
        let n = programs.len();
        let hits: Vec<u32> = (0u32..1 << n)
            .filter(|m| {
                (0..n).filter(|i| m & (1 << i) != 0).map(|i| programs[i].1).sum::<u64>() == diff
            })
            .collect();
        let names = |m: u32| {
            (0..n)
                .filter(|i| m & (1 << i) != 0)
                .map(|i| programs[i].0)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match hits.as_slice() {
            [] => format!("? ({diff})"),
            // Two sets of programs can sum to the same init gas: name each.
            _ => hits.iter().map(|m| names(*m)).collect::<Vec<_>>().join("; or "),
        }
    };
    println!();
    println!("| operation | Stylus gas (uncached) | Stylus gas (cached) | Solidity gas | ratio (uncached / cached) | slots written, fresh + changed (Stylus / Solidity) | Stylus programs entered |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for (u, c) in uncached.iter().zip(&cached) {
        assert_eq!(u.solidity, c.solidity, "caching Stylus programs moved EVM gas");
        println!(
            "| {} | {} | {} | {} | {:.2} / {:.2} | {}+{} / {}+{} | {} |",
            u.op,
            u.stylus,
            c.stylus,
            u.solidity,
            u.stylus as f64 / u.solidity as f64,
            c.stylus as f64 / c.solidity as f64,
            u.stylus_slots.fresh,
            u.stylus_slots.changed,
            u.solidity_slots.fresh,
            u.solidity_slots.changed,
            entered(u.stylus - c.stylus)
        );
    }
    let (su, sc, so) = (
        sum_of_parts(&uncached, |r| r.stylus),
        sum_of_parts(&cached, |r| r.stylus),
        sum_of_parts(&uncached, |r| r.solidity),
    );
    println!(
        "| sum of join's parts (mint, createAccount, wrap, approve, wrapping deposit; one 21,000) | {su} | {sc} | {so} | {:.2} / {:.2} | | |",
        su as f64 / so as f64,
        sc as f64 / so as f64
    );
    where_the_gas_goes(&cached);
    let names: HashMap<Address, &str> =
        b.stylus_programs().iter().map(|(name, a)| (*a, *name)).collect();
    frame_by_frame(&cached, &names);
}

/// Function names by selector, from the committed JSON ABIs of our contracts and mocks.
fn function_names() -> HashMap<[u8; 4], String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut names = HashMap::new();
    for dir in ["abi", "tests/mocks/abi"] {
        let dir = format!("{root}/{dir}");
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("read {dir}: {e}"));
        for path in entries.map(|e| e.expect("dir entry").path()) {
            if path.extension().is_some_and(|x| x == "json") {
                let text = std::fs::read_to_string(&path).expect("ABI file");
                let abi = JsonAbi::from_json_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                for f in abi.functions() {
                    names.insert(f.selector().0, f.name.clone());
                }
            }
        }
    }
    names
}

/// Each Stylus frame of the operations that cross contracts (cached), in the order
/// entered, indented by depth: what the frame itself paid to enter, to compute and in
/// hostios (storage, calls' own price, logs; what it forwarded to callees is theirs).
fn frame_by_frame(rows: &[Row], programs: &HashMap<Address, &str>) {
    let functions = function_names();
    let gas = |ink: u64| ink.div_ceil(local_chain::INK_PER_GAS);
    for r in rows.iter().filter(|r| r.stylus_trace.frames.len() > 3) {
        println!();
        println!("{} (cached), frame by frame:", r.op);
        println!();
        println!("| frame | entry | WASM compute | hostios |");
        println!("|---|---:|---:|---:|");
        for f in &r.stylus_trace.frames {
            let program = programs.get(&f.program).copied().unwrap_or("account proxy");
            let function = functions
                .get(&f.selector)
                .cloned()
                .unwrap_or_else(|| format!("0x{}", local_chain::hex::encode(f.selector)));
            println!(
                "| {}{program}.{function} | {} | {} | {} |",
                "· ".repeat(f.depth),
                f.entry_gas,
                gas(f.compute_ink),
                gas(f.hostio_ink)
            );
        }
    }
}

/// The cached Stylus side's gas by what bought it (`local_chain::GasTrace`): intrinsic,
/// program entries, WASM compute, storage hostios (their EVM storage gas included), calls
/// (their own price; callees count in their frames), logs, the other hostios, and the rest
/// (EVM frames, return-data memory, less refunds).
fn where_the_gas_goes(rows: &[Row]) {
    let gas = |ink: u64| ink.div_ceil(local_chain::INK_PER_GAS);
    let group = |t: &local_chain::GasTrace, names: &[&str]| -> u64 {
        gas(t.hostios.iter().filter(|(n, _)| names.contains(n)).map(|(_, h)| h.ink).sum())
    };
    const STORAGE: [&str; 5] = [
        "storage_load_bytes32",
        "storage_cache_bytes32",
        "storage_flush_cache",
        "transient_load_bytes32",
        "transient_store_bytes32",
    ];
    const CALLS: [&str; 5] =
        ["call_contract", "delegate_call_contract", "static_call_contract", "create1", "create2"];
    println!();
    println!(
        "Where the cached Stylus gas goes (gas; hostio ink / 10,000):
"
    );
    println!("| operation | total | intrinsic | entries (n) | WASM compute | storage hostios | calls (n) | logs | other hostios (n) | rest |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let t = &r.stylus_trace;
        let storage = group(t, &STORAGE);
        let calls = group(t, &CALLS);
        let logs = group(t, &["emit_log"]);
        let all = gas(t.hostio_ink());
        let other = all.saturating_sub(storage + calls + logs);
        let n_calls: u64 =
            t.hostios.iter().filter(|(n, _)| CALLS.contains(n)).map(|(_, h)| h.calls).sum();
        let n_other: u64 = t
            .hostios
            .iter()
            .filter(|(n, _)| !STORAGE.contains(n) && !CALLS.contains(n) && **n != "emit_log")
            .map(|(_, h)| h.calls)
            .sum();
        let compute = gas(t.compute_ink);
        let accounted = r.stylus_intrinsic + t.entry_gas + compute + all;
        let rest = r.stylus as i64 - accounted as i64;
        println!(
            "| {} | {} | {} | {} ({}) | {} | {} | {} ({}) | {} | {} ({}) | {} |",
            r.op,
            r.stylus,
            r.stylus_intrinsic,
            t.entry_gas,
            t.entries,
            compute,
            storage,
            calls,
            n_calls,
            logs,
            other,
            n_other,
            rest
        );
    }
}
