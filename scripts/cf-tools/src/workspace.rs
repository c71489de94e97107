//! The workspace as cargo sees it: which crates are deployable contracts.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;

/// A deployable contract crate: a workspace member whose lib is a `cdylib`.
#[derive(Debug, Clone)]
pub struct Contract {
    /// Package name (`yield-vault`); names the artifact files.
    pub package: String,
    /// Library target name (`yield_vault`); names cargo's output.
    pub lib_name: String,
    /// Deployed only by tests (its crate lives under `tests/`): its ABI is kept apart
    /// from the production ABIs, in `tests/mocks/abi/`.
    pub test_only: bool,
}

/// The workspace root, target dir and its contracts, sorted by package name.
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub contracts: Vec<Contract>,
}

/// The repository root: the contracts' workspace, two levels above this crate
/// (`scripts/cf-tools`).
pub fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).map(PathBuf::from).unwrap_or(here)
}

/// A cargo command run in the contracts' workspace (the cargo that runs us, if any).
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(repo_root());
    cmd
}

pub fn load() -> Result<Workspace, String> {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let meta: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let str_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let root = str_of(&meta, "workspace_root").ok_or("no workspace_root")?;
    let target_dir = str_of(&meta, "target_directory").ok_or("no target_directory")?;
    let mut contracts = Vec::new();
    for pkg in meta.get("packages").and_then(Value::as_array).into_iter().flatten() {
        let Some(package) = str_of(pkg, "name") else { continue };
        let Some(manifest) = str_of(pkg, "manifest_path") else { continue };
        for t in pkg.get("targets").and_then(Value::as_array).into_iter().flatten() {
            let cdylib = t
                .get("crate_types")
                .and_then(Value::as_array)
                .is_some_and(|ts| ts.iter().any(|k| k == "cdylib"));
            if cdylib {
                let lib_name = str_of(t, "name").ok_or("target without name")?.replace('-', "_");
                let has_bin =
                    pkg.get("targets").and_then(Value::as_array).into_iter().flatten().any(|b| {
                        str_of(b, "name").as_deref() == Some(package.as_str())
                            && b.get("kind")
                                .and_then(Value::as_array)
                                .is_some_and(|k| k.iter().any(|k| k == "bin"))
                    });
                if !has_bin {
                    return Err(format!("{manifest}: a contract crate needs a `{package}` bin (main.rs) for the ABI export"));
                }
                let test_only = Path::new(&manifest)
                    .strip_prefix(&root)
                    .is_ok_and(|rel| rel.starts_with("tests"));
                contracts.push(Contract { package: package.clone(), lib_name, test_only });
            }
        }
    }
    contracts.sort_by(|a, b| a.package.cmp(&b.package));
    Ok(Workspace { root: root.into(), target_dir: target_dir.into(), contracts })
}
