//! ABI export: every production contract's Solidity interface and JSON ABI under
//! `abi/`, and the test-only contracts' under `tests/mocks/abi/`.
//!
//! Each contract crate has an `export-abi` feature and a `main.rs` whose binary prints
//! its Solidity interface (`<bin> abi`) and constructor (`<bin> constructor`). The
//! stylus-sdk 0.9 export lists only a contract's own functions and errors; the
//! standard interfaces a contract implements through `#[implements]` and its events
//! are printed after it by the contract's `main.rs` from the shared library
//! (`compute_fi_contracts::abi`). The JSON ABI is derived from that Solidity text.

use std::{fs, path::Path, process::Command};

use alloy_json_abi::JsonAbi;

use crate::workspace::{self, Contract, Workspace};

pub fn run(check: bool) -> Result<(), String> {
    let ws = workspace::load()?;
    build_exporters(&ws)?;
    let mut stale = Vec::new();
    for c in &ws.contracts {
        let abi_dir = abi_dir(&ws, c);
        let sol = export_solidity(&ws, c)?;
        let json = json_abi(&sol).map_err(|e| format!("{}: {e}", c.package))?;
        for (ext, text) in [("sol", sol), ("json", json)] {
            let path = abi_dir.join(format!("{}.{ext}", c.package));
            if check {
                if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                    stale.push(path.display().to_string());
                }
            } else {
                fs::create_dir_all(&abi_dir).map_err(|e| e.to_string())?;
                fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "committed ABI is stale (run `scripts/cf abi`):\n  {}",
            stale.join("\n  ")
        ));
    }
    println!("abi: {} contracts {}", ws.contracts.len(), if check { "current" } else { "written" });
    Ok(())
}

/// Where a contract's committed ABI lives: production ABIs in `abi/`, test-only ones
/// beside the test contracts.
pub fn abi_dir(ws: &Workspace, c: &Contract) -> std::path::PathBuf {
    if c.test_only {
        ws.root.join("tests").join("mocks").join("abi")
    } else {
        ws.root.join("abi")
    }
}

/// Builds every contract's export binary in one cargo invocation.
fn build_exporters(ws: &Workspace) -> Result<(), String> {
    let mut cmd = workspace::cargo();
    cmd.args(["build", "--locked", "-q"]);
    let features: Vec<String> =
        ws.contracts.iter().map(|c| format!("{}/export-abi", c.package)).collect();
    for c in &ws.contracts {
        cmd.args(["-p", &c.package, "--bin", &c.package]);
    }
    cmd.args(["--features", &features.join(",")]);
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("building ABI exporters failed: {status}"))
    }
}

/// The Solidity text for one contract: its interface, then its constructor.
fn export_solidity(ws: &Workspace, c: &Contract) -> Result<String, String> {
    let bin = ws.target_dir.join("debug").join(&c.package);
    let interface = solidity_names(&run_exporter(&bin, "abi")?);
    let constructor = solidity_names(&run_exporter(&bin, "constructor")?);
    let mut text = interface.trim_end().to_string();
    text.push_str(&format!("\n\n// {}: {}\n", c.package, constructor.trim()));
    Ok(text)
}

fn run_exporter(bin: &Path, arg: &str) -> Result<String, String> {
    let out = Command::new(bin).arg(arg).output().map_err(|e| format!("{}: {e}", bin.display()))?;
    if !out.status.success() {
        return Err(format!("{} {arg}: {}", bin.display(), String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

/// The export with parameter names in the Solidity convention. stylus-sdk prints the
/// Rust names (`lock_duration`, `_operator`), which every typed binding a dApp generates
/// would carry; Solidity ABIs name them in camelCase (`lockDuration`, `operator`). Only
/// identifiers with an underscore change: types, keywords and the camelCase names of
/// functions, events and errors have none.
pub fn solidity_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().chain(core::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        out.push_str(&camel_case(&word));
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// `lock_duration` → `lockDuration`, `_operator` → `operator`; anything else unchanged.
fn camel_case(word: &str) -> String {
    let starts_lower = word.trim_start_matches('_').starts_with(|c: char| c.is_ascii_lowercase());
    if !word.contains('_') || !starts_lower {
        return word.to_string();
    }
    let mut out = String::with_capacity(word.len());
    let mut upper = false;
    for c in word.trim_start_matches('_').chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// JSON ABI (pretty, one entry per item, sorted as the Solidity lists them) from the
/// Solidity text: each `function`, `event`, `error` and the `constructor` line is a
/// human-readable ABI item.
pub fn json_abi(sol: &str) -> Result<String, String> {
    let mut items = Vec::new();
    for line in sol.lines() {
        let line = line.trim().trim_start_matches("// ");
        let item = line.split_once(": constructor").map(|(_, rest)| format!("constructor{rest}"));
        let item = match item {
            Some(c) => c,
            None if ["function ", "event ", "error "].iter().any(|k| line.starts_with(k)) => {
                line.trim_end_matches(';').to_string()
            }
            None => continue,
        };
        // Solidity data locations are not part of an ABI signature.
        items.push(item.replace(" calldata", "").replace(" memory", ""));
    }
    let abi = JsonAbi::parse(items.iter().map(String::as_str)).map_err(|e| e.to_string())?;
    let mut json = serde_json::to_string_pretty(&abi).map_err(|e| e.to_string())?;
    json.push('\n');
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names_follow_the_solidity_convention() {
        let sdk = "function configure(uint64 lock_duration, bool can_sign, bytes calldata _data) external;\n// x: constructor(address base_uri)";
        assert_eq!(
            solidity_names(sdk),
            "function configure(uint64 lockDuration, bool canSign, bytes calldata data) external;\n// x: constructor(address baseUri)"
        );
        // Types, keywords and camelCase names stay as they are.
        let plain = "function onERC721Received(address operator, uint256 tokenId) external returns (bytes4);";
        assert_eq!(solidity_names(plain), plain);
    }

    #[test]
    fn json_abi_reads_functions_events_errors_and_constructor() {
        let sol = "interface IX  {\n    function f(address to, uint256 amount) external returns (bool);\n\n    function g() external view returns (uint256);\n    event E(address indexed a, uint256 b);\n    error Bad(address, uint256);\n}\n\n// x: constructor(string calldata name, uint8 d)\n";
        let json = json_abi(sol).unwrap();
        let abi: JsonAbi = serde_json::from_str(&json).unwrap();
        assert_eq!(abi.functions().count(), 2);
        assert_eq!(abi.function("f").unwrap()[0].signature(), "f(address,uint256)");
        assert_eq!(abi.events().next().unwrap().signature(), "E(address,uint256)");
        assert!(abi.events().next().unwrap().inputs[0].indexed);
        assert_eq!(abi.errors().next().unwrap().signature(), "Bad(address,uint256)");
        assert_eq!(abi.constructor.as_ref().unwrap().inputs.len(), 2);
    }
}
