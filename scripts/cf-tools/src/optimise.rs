//! The size pass: Binaryen's `wasm-opt` over each normalised module, as Stylus's own
//! guidance recommends for deployed programs. It runs from the npm package pinned in
//! `scripts/wasm-opt` (installed from its lock on first use), with the machine's node.
//!
//! Only the features Stylus activates are enabled (memory.copy/fill without the data
//! count section full bulk memory would add, sign extension, mutable globals), so the
//! output passes the same activation rules as rustc's. `-O3 -Oz` was measured against
//! `-Oz` and `-Os` on every contract: the smallest brotli total (124,478 B against
//! 125,382 and 124,871), and 4.9% below rustc's `opt-level = "z"` alone.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

const FLAGS: [&str; 5] =
    ["--enable-bulk-memory-opt", "--enable-sign-ext", "--enable-mutable-globals", "-O3", "-Oz"];

/// The pinned package's folder.
fn package_dir(root: &Path) -> PathBuf {
    root.join("scripts/wasm-opt")
}

/// The `wasm-opt` entry script of the pinned package, installing it from the lock file
/// if it is not there yet.
fn wasm_opt(root: &Path) -> Result<PathBuf, String> {
    let dir = package_dir(root);
    let bin = dir.join("node_modules/binaryen/bin/wasm-opt");
    if bin.is_file() {
        return Ok(bin);
    }
    let status = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .status()
        .map_err(|e| {
            format!("cannot run npm to install wasm-opt ({e}): install Node.js and npm")
        })?;
    if !status.success() || !bin.is_file() {
        return Err(format!(
            "npm ci in {} failed ({status}): wasm-opt is needed to build the artifacts",
            dir.display()
        ));
    }
    Ok(bin)
}

/// `wasm` through `wasm-opt`; `scratch` is a folder for the two temporary files.
pub fn optimise(root: &Path, scratch: &Path, name: &str, wasm: &[u8]) -> Result<Vec<u8>, String> {
    let bin = wasm_opt(root)?;
    fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let input = scratch.join(format!("{name}.in.wasm"));
    let output = scratch.join(format!("{name}.opt.wasm"));
    fs::write(&input, wasm).map_err(|e| format!("{}: {e}", input.display()))?;
    let out = Command::new("node")
        .arg(&bin)
        .args(FLAGS)
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .map_err(|e| format!("cannot run node for wasm-opt ({e}): install Node.js"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first: String = err.lines().take(5).collect::<Vec<_>>().join("\n");
        return Err(format!("wasm-opt failed on {name} ({}):\n{first}", out.status));
    }
    fs::read(&output).map_err(|e| format!("{}: {e}", output.display()))
}
