//! From a contract crate to the bytes that get deployed: build the cdylib for
//! wasm32-unknown-unknown, re-encode it the way Stylus accepts, shrink it with wasm-opt,
//! compress it.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use wasm_encoder::reencode::Reencode;

use crate::workspace::Contract;

/// Prefix of deployed Stylus code: the 0xEFF000 Stylus marker and dictionary 0 (none).
pub const STYLUS_CODE_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];

/// Brotli settings cargo-stylus uses: quality 11, window 2^22.
const BROTLI_QUALITY: u32 = 11;
const BROTLI_WINDOW: u32 = 22;

/// rustflags added to .cargo/config.toml's for the deployable build: panics abort at
/// once without formatting machinery (roughly halves every artifact), and no file/line
/// records for `#[track_caller]` (they held absolute paths into the builder's cargo home:
/// the artifact depended on where it was built, and they cost 100-450 B per contract).
const SIZE_RUSTFLAGS: &str = r#"target.wasm32-unknown-unknown.rustflags=["-Zunstable-options","-Cpanic=immediate-abort","-Zlocation-detail=none"]"#;

/// One built artifact.
pub struct Artifact {
    pub name: String,
    /// The normalised module (what Nitro activates).
    pub wasm: Vec<u8>,
    /// Brotli of `wasm` (deployed code is STYLUS_CODE_PREFIX + this).
    pub compressed: Vec<u8>,
}

/// Builds every contract, std rebuilt for size, one cargo invocation per contract, as
/// cargo-stylus builds one package: in a single invocation cargo unifies each dependency's
/// features across all the packages built, and features another contract needs (alloy's
/// software Keccak) cost the compute ledger and the job market about 860 B each.
pub fn cargo_build(contracts: &[Contract]) -> Result<(), String> {
    for c in contracts {
        let mut cmd = crate::workspace::cargo();
        cmd.args([
            "build",
            "--release",
            "--locked",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "-Zbuild-std=core,alloc,std,panic_abort",
            "--config",
            SIZE_RUSTFLAGS,
            "-p",
            &c.package,
        ]);
        let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("cargo build of {} failed: {status}", c.package));
        }
    }
    Ok(())
}

/// Where cargo leaves the raw cdylib of a contract.
pub fn raw_wasm_path(target_dir: &Path, contract: &Contract) -> PathBuf {
    target_dir.join("wasm32-unknown-unknown/release").join(format!("{}.wasm", contract.lib_name))
}

/// Re-encodes a module through wasmparser/wasm-encoder. This writes every
/// `call_indirect` with the MVP single-byte table operand (Rust's LLVM emits the
/// reference-types encoding even with the feature off) and drops custom sections
/// (names, producers), which only cost deployment gas.
pub fn normalise(wasm: &[u8]) -> Result<Vec<u8>, String> {
    struct StripCustom;
    impl Reencode for StripCustom {
        type Error = std::convert::Infallible;
        fn parse_custom_section(
            &mut self,
            _module: &mut wasm_encoder::Module,
            _section: wasmparser::CustomSectionReader<'_>,
        ) -> Result<(), wasm_encoder::reencode::Error<Self::Error>> {
            Ok(())
        }
    }
    let mut module = wasm_encoder::Module::new();
    StripCustom
        .parse_core_module(&mut module, wasmparser::Parser::new(0), wasm)
        .map_err(|e| format!("re-encoding failed: {e}"))?;
    Ok(module.finish())
}

/// Brotli-compresses at the settings Stylus deployments use.
pub fn compress(wasm: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW);
        // Writing into a Vec cannot fail.
        let _ = w.write_all(wasm);
    }
    out
}

/// Reads, normalises, optimises (see `optimise`) and compresses one contract's cdylib.
pub fn load(root: &Path, target_dir: &Path, contract: &Contract) -> Result<Artifact, String> {
    let path = raw_wasm_path(target_dir, contract);
    let raw = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let scratch = target_dir.join("stylus/wasm-opt");
    let optimised =
        crate::optimise::optimise(root, &scratch, &contract.package, &normalise(&raw)?)?;
    // Once more after wasm-opt: the same encoding and no custom sections whatever it wrote.
    let wasm = normalise(&optimised)?;
    let compressed = compress(&wasm);
    Ok(Artifact { name: contract.package.clone(), wasm, compressed })
}

/// Writes `<name>.wasm`, `<name>.wasm.br` and `<name>.code` (the deployable bytes:
/// prefix + brotli) into `dir`.
pub fn write(dir: &Path, a: &Artifact) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut code = STYLUS_CODE_PREFIX.to_vec();
    code.extend_from_slice(&a.compressed);
    for (ext, bytes) in [("wasm", &a.wasm), ("wasm.br", &a.compressed), ("code", &code)] {
        let p = dir.join(format!("{}.{ext}", a.name));
        fs::write(&p, bytes).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(())
}
