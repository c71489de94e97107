//! `cf`: Compute-Fi's build tool.
//!
//! - `cf build [-p CRATE]... [--update-readme | --check-readme]`: builds every contract crate (every
//!   workspace member with a `cdylib`) into its deployable Stylus artifact under
//!   `target/stylus/`, gates each one (see [`gate`]) and prints the size table.
//! - `cf gate FILE.wasm...`: gates modules built elsewhere.
//! - `cf abi [--check]`: exports each contract's Solidity interface and JSON ABI into
//!   `abi/`, or checks that the committed ones are current.

mod abi;
mod artifact;
mod gate;
mod optimise;
mod report;
mod workspace;

use std::{fs, path::Path, process::ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => build(&args[1..]),
        Some("gate") => gate_files(&args[1..]),
        Some("abi") => abi::run(args.get(1).map(String::as_str) == Some("--check")),
        _ => Err("usage: cf build [-p CRATE]... [--update-readme|--check-readme] | cf gate FILE... | cf abi [--check]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn build(args: &[String]) -> Result<(), String> {
    let mut ws = workspace::load()?;
    // `-p NAME` (repeatable) builds only those contracts; the README check needs all.
    let mut only = Vec::new();
    let mut flags = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-p" {
            only.push(it.next().ok_or("-p needs a package name")?.clone());
        } else {
            flags.push(a.clone());
        }
    }
    if !only.is_empty() {
        if let Some(missing) = only.iter().find(|p| !ws.contracts.iter().any(|c| &c.package == *p))
        {
            return Err(format!("no contract crate named {missing}"));
        }
        ws.contracts.retain(|c| only.contains(&c.package));
        if !flags.is_empty() {
            return Err("README flags need every contract: drop -p".into());
        }
    }
    artifact::cargo_build(&ws.contracts)?;
    let out_dir = ws.target_dir.join("stylus");
    let mut artifacts = Vec::new();
    let mut failures = Vec::new();
    for c in &ws.contracts {
        let a = artifact::load(&ws.root, &ws.target_dir, c)?;
        for v in gate::check(&a.wasm, a.compressed.len()) {
            failures.push(format!("{}: {v}", a.name));
        }
        artifact::write(&out_dir, &a)?;
        artifacts.push(a);
    }
    let table = report::size_table(&artifacts);
    println!("\nStylus artifacts in {}:\n\n{table}", out_dir.display());
    if !failures.is_empty() {
        return Err(format!("artifact gate failed:\n  {}", failures.join("\n  ")));
    }
    println!("gate: all {} artifacts valid for Stylus and within the size limit", artifacts.len());
    readme_sizes(&ws.root, &table, flags.first().map(String::as_str))
}

fn readme_sizes(root: &Path, table: &str, flag: Option<&str>) -> Result<(), String> {
    let path = root.join("README.md");
    let readme = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    match flag {
        Some("--update-readme") => {
            let new =
                report::with_table(&readme, table).ok_or("README has no size-table markers")?;
            fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("README size table updated");
        }
        Some("--check-readme") => {
            if !report::readme_table(&readme).is_some_and(|t| report::readme_matches(t, table)) {
                return Err(
                    "README size table is stale: run `scripts/cf build --update-readme`".into()
                );
            }
            println!("README size table matches the build");
        }
        None => {}
        Some(other) => return Err(format!("unknown flag {other}")),
    }
    Ok(())
}

fn gate_files(files: &[String]) -> Result<(), String> {
    let mut failed = false;
    for f in files {
        // Gated as given: this checks a module that is about to be deployed as it is.
        let wasm = fs::read(f).map_err(|e| format!("{f}: {e}"))?;
        let compressed = artifact::compress(&wasm).len();
        let found = gate::check(&wasm, compressed);
        let verdict = if found.is_empty() { "ok" } else { "REFUSED" };
        println!("{f}: {verdict} ({} B, {compressed} B compressed)", wasm.len());
        for v in found {
            failed = true;
            println!("{f}: {v}");
        }
    }
    if failed {
        Err("gate failed".into())
    } else {
        Ok(())
    }
}
