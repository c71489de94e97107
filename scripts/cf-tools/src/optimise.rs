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

/// The version `package.json` at `path` names (its `version`, or the `binaryen`
/// dependency's).
fn version_in(path: &Path, key: &str) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let v = match key {
        "dependency" => json.get("dependencies")?.get("binaryen")?,
        _ => json.get("version")?,
    };
    v.as_str().map(str::to_owned)
}

/// The `wasm-opt` entry script of the pinned package, installing it from the lock file
/// when it is missing or another version is installed (the artifacts depend on it).
fn wasm_opt(root: &Path) -> Result<PathBuf, String> {
    let dir = package_dir(root);
    let bin = dir.join("node_modules/binaryen/bin/wasm-opt");
    let pinned = version_in(&dir.join("package.json"), "dependency");
    let installed = version_in(&dir.join("node_modules/binaryen/package.json"), "version");
    if bin.is_file() && pinned.is_some() && pinned == installed {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_and_installed_versions_are_read_from_package_files() {
        let dir = std::env::temp_dir().join(format!("cf-optimise-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let pinned = dir.join("package.json");
        fs::write(&pinned, r#"{"dependencies": {"binaryen": "132.0.0"}}"#).unwrap();
        let installed = dir.join("installed.json");
        fs::write(&installed, r#"{"name": "binaryen", "version": "131.0.0"}"#).unwrap();
        assert_eq!(version_in(&pinned, "dependency").as_deref(), Some("132.0.0"));
        assert_eq!(version_in(&installed, "version").as_deref(), Some("131.0.0"));
        assert_eq!(version_in(&dir.join("missing.json"), "version"), None);
        fs::write(&installed, "not json").unwrap();
        assert_eq!(version_in(&installed, "version"), None);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_pinned_package_matches_the_flags() {
        // The committed package pins the version whose feature flags FLAGS names.
        let root = crate::workspace::repo_root();
        let pinned = version_in(&package_dir(&root).join("package.json"), "dependency");
        assert_eq!(pinned.as_deref(), Some("132.0.0"));
    }
}
