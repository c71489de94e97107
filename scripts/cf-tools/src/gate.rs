//! The Stylus artifact gate: what Nitro's activation would refuse, caught at build time.
//!
//! Every check parses the module with `wasmparser`; nothing here matches strings in the
//! binary. A module passes when Nitro's activation would accept it, by the one rule set
//! the local chain activates with ([`stylus_rules::activation::check`]: feature set,
//! size, function/global/table/local/import limits, frame sizes, pages, start function,
//! entrypoint and memory exports, hostio names and signatures), and on top of that, what
//! we hold our own artifacts to: no floats at all (Nitro activates them but no block
//! holding one can be paid for), imports only from `vm_hooks`, `call_indirect` in the MVP
//! encoding, and at most [`MAX_COMPRESSED`] bytes compressed. The gate is therefore never
//! more lenient than activation.

use std::fmt;

use wasmparser::{
    BinaryReader, ExternalKind, Operator, Parser, Payload, TypeRef, Validator, WasmFeatures,
};

/// Largest deployed code a Stylus chain takes without fragments (24 KiB, EIP-170): the
/// 4-byte `0xEFF00000` prefix and the brotli stream together.
pub const MAX_COMPRESSED: usize = 24 * 1024;

/// The prefix deployed Stylus code carries before the brotli stream.
pub const PREFIX_LEN: usize = 4;

/// The only import module a Stylus program may use.
pub const HOSTIO_MODULE: &str = "vm_hooks";

/// Why an artifact is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The module is not valid WebAssembly under the Stylus feature set (this is where
    /// floats, SIMD and reference types in types or instructions are reported).
    Invalid(String),
    /// An import from a module other than `vm_hooks`.
    ForeignImport { module: String, name: String },
    /// A required export is missing or has the wrong kind.
    MissingExport(&'static str),
    /// A float value type or instruction, named for the reader.
    Float(String),
    /// `call_indirect` whose table operand is not the single MVP byte 0x00 (LLVM's
    /// reference-types encoding), at this byte offset.
    RefTypesCallIndirect { offset: u64 },
    /// A start function: Stylus programs run only through `user_entrypoint`.
    StartFunction,
    /// The compressed module is larger than the limit.
    TooLarge { compressed: usize, limit: usize },
    /// Nitro's activation rules refuse the module.
    Activation(String),
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Invalid(e) => write!(f, "invalid for Stylus: {e}"),
            Violation::ForeignImport { module, name } => {
                write!(f, "imports {module}::{name}; only `{HOSTIO_MODULE}` is allowed")
            }
            Violation::MissingExport(name) => write!(f, "missing export `{name}`"),
            Violation::Float(what) => write!(f, "uses floating point: {what}"),
            Violation::RefTypesCallIndirect { offset } => write!(
                f,
                "call_indirect at byte {offset:#x} uses the reference-types table encoding"
            ),
            Violation::StartFunction => write!(f, "has a start function"),
            Violation::TooLarge { compressed, limit } => {
                write!(f, "compressed size {compressed} B exceeds the {limit} B limit")
            }
            Violation::Activation(e) => write!(f, "activation would fail: {e}"),
        }
    }
}

/// The WebAssembly features our artifacts may use: activation's set without floats.
pub fn stylus_features() -> WasmFeatures {
    stylus_rules::activation::features()
        - WasmFeatures::FLOATS
        - WasmFeatures::SATURATING_FLOAT_TO_INT
}

/// Checks a module and its compressed size; returns every violation found (empty: pass).
pub fn check(wasm: &[u8], compressed_len: usize) -> Vec<Violation> {
    let mut found = check_structure(wasm);
    if let Err(e) = Validator::new_with_features(stylus_features()).validate_all(wasm) {
        found.push(Violation::Invalid(e.to_string()));
    }
    if let Err(e) = stylus_rules::activation::check(wasm) {
        found.push(Violation::Activation(e.0));
    }
    if compressed_len + PREFIX_LEN > MAX_COMPRESSED {
        let limit = MAX_COMPRESSED - PREFIX_LEN;
        found.push(Violation::TooLarge { compressed: compressed_len, limit });
    }
    found
}

/// The checks that need more than validation, each with a precise reason.
fn check_structure(wasm: &[u8]) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut has_entrypoint = false;
    let mut has_memory = false;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = match payload {
            Ok(p) => p,
            Err(e) => {
                found.push(Violation::Invalid(e.to_string()));
                return found;
            }
        };
        let result = match payload {
            Payload::ImportSection(reader) => reader.into_imports().try_for_each(|import| {
                let import = import?;
                if import.module != HOSTIO_MODULE {
                    found.push(Violation::ForeignImport {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                    });
                }
                if let TypeRef::Global(g) = import.ty {
                    note_float_type(&mut found, g.content_type, "imported global");
                }
                Ok(())
            }),
            Payload::TypeSection(reader) => reader.into_iter_err_on_gc_types().try_for_each(|ty| {
                let ty = ty?;
                for t in ty.params().iter().chain(ty.results()) {
                    note_float_type(&mut found, *t, "function signature");
                }
                Ok(())
            }),
            Payload::GlobalSection(reader) => reader.into_iter().try_for_each(|g| {
                note_float_type(&mut found, g?.ty.content_type, "global");
                Ok(())
            }),
            Payload::ExportSection(reader) => reader.into_iter().try_for_each(|export| {
                let export = export?;
                match (export.name, export.kind) {
                    ("user_entrypoint", ExternalKind::Func) => has_entrypoint = true,
                    ("memory", ExternalKind::Memory) => has_memory = true,
                    _ => {}
                }
                Ok(())
            }),
            Payload::StartSection { .. } => {
                found.push(Violation::StartFunction);
                Ok(())
            }
            Payload::CodeSectionEntry(body) => check_body(wasm, &body, &mut found),
            _ => Ok(()),
        };
        if let Err(e) = result {
            found.push(Violation::Invalid(e.to_string()));
            return found;
        }
    }
    if !has_entrypoint {
        found.push(Violation::MissingExport("user_entrypoint"));
    }
    if !has_memory {
        found.push(Violation::MissingExport("memory"));
    }
    found
}

fn note_float_type(found: &mut Vec<Violation>, ty: wasmparser::ValType, place: &str) {
    if matches!(ty, wasmparser::ValType::F32 | wasmparser::ValType::F64) {
        found.push(Violation::Float(format!("{ty} in a {place}")));
    }
}

/// Locals and instructions of one function body.
fn check_body(
    wasm: &[u8],
    body: &wasmparser::FunctionBody<'_>,
    found: &mut Vec<Violation>,
) -> wasmparser::Result<()> {
    for local in body.get_locals_reader()? {
        let (_, ty) = local?;
        note_float_type(found, ty, "local");
    }
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset()?;
        if let Operator::CallIndirect { .. } = op {
            if !mvp_call_indirect(wasm, offset) {
                found.push(Violation::RefTypesCallIndirect { offset });
            }
        } else if is_float_op(&op) {
            found.push(Violation::Float(format!("instruction {op:?} at byte {offset:#x}")));
        }
    }
    Ok(())
}

/// True when the `call_indirect` at `offset` is `0x11 <typeidx> 0x00`: the table
/// operand is the single reserved zero byte of the MVP encoding.
fn mvp_call_indirect(wasm: &[u8], offset: u64) -> bool {
    let Ok(start) = usize::try_from(offset) else { return false };
    let Some(rest) = wasm.get(start..) else { return false };
    let mut reader = BinaryReader::new(rest, 0);
    if reader.read_u8().ok() != Some(0x11) || reader.read_var_u32().is_err() {
        return false;
    }
    // The MVP has one reserved byte here; reference types turn it into a table index
    // LEB, which LLVM pads to five bytes (0x80 0x80 0x80 0x80 0x00).
    reader.read_u8().ok() == Some(0x00)
}

/// Float instructions, by their names in the spec (f32.*, f64.*, conversions to and
/// from floats, reinterpretations).
fn is_float_op(op: &Operator<'_>) -> bool {
    let name = format!("{op:?}");
    let name = name.split([' ', '{']).next().unwrap_or("");
    name.starts_with("F32")
        || name.starts_with("F64")
        || name.contains("TruncF")
        || name.contains("TruncSatF")
        || name.contains("ReinterpretF")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal module a Stylus chain would accept.
    const GOOD: &str = r#"(module
        (import "vm_hooks" "read_args" (func $read_args (param i32)))
        (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
            local.get 0
            call $read_args
            i32.const 0))"#;

    fn wasm(wat: &str) -> Vec<u8> {
        wat::parse_str(wat).expect("test module parses")
    }

    #[test]
    fn accepts_a_minimal_stylus_module() {
        assert_eq!(check(&wasm(GOOD), 100), vec![]);
    }

    #[test]
    fn rejects_a_foreign_import() {
        let m = GOOD.replace(r#""vm_hooks" "read_args""#, r#""env" "read_args""#);
        assert_eq!(
            check(&wasm(&m), 100),
            vec![
                Violation::ForeignImport { module: "env".into(), name: "read_args".into() },
                Violation::Activation("unknown hostio env::read_args".into())
            ]
        );
    }

    #[test]
    fn rejects_float_instructions_and_types() {
        let m = GOOD.replace("i32.const 0))", "f32.const 1.5 drop i32.const 0))");
        let found = check(&wasm(&m), 100);
        assert!(
            found.iter().any(|v| matches!(v, Violation::Float(s) if s.contains("F32Const"))),
            "{found:?}"
        );
        assert!(found.iter().any(|v| matches!(v, Violation::Invalid(_))), "{found:?}");

        let m = GOOD.replace("(param i32) (result i32)", "(param i32) (result i32) (local f64)");
        let found = check(&wasm(&m), 100);
        assert!(
            found.iter().any(|v| matches!(v, Violation::Float(s) if s.contains("local"))),
            "{found:?}"
        );
    }

    #[test]
    fn rejects_simd() {
        let m = GOOD.replace("i32.const 0))", "v128.const i64x2 0 0 drop i32.const 0))");
        assert!(check(&wasm(&m), 100).iter().any(|v| matches!(v, Violation::Invalid(_))));
    }

    #[test]
    fn rejects_missing_exports_and_start() {
        let m =
            GOOD.replace(r#"(export "memory")"#, "").replace(r#"(export "user_entrypoint")"#, "");
        let found = check(&wasm(&m), 100);
        assert!(found.contains(&Violation::MissingExport("memory")));
        assert!(found.contains(&Violation::MissingExport("user_entrypoint")));

        let m = GOOD.replace("(memory", "(func $s) (start $s) (memory");
        assert_eq!(
            check(&wasm(&m), 100),
            vec![
                Violation::StartFunction,
                Violation::Activation("start functions not allowed".into())
            ]
        );
    }

    #[test]
    fn rejects_an_oversized_module() {
        // The deployed code is the 4-byte prefix and the stream: 24,572 B of brotli at most.
        let limit = MAX_COMPRESSED - PREFIX_LEN;
        assert_eq!(
            check(&wasm(GOOD), limit + 1),
            vec![Violation::TooLarge { compressed: limit + 1, limit }]
        );
        assert_eq!(check(&wasm(GOOD), limit), vec![]);
    }

    /// The module `call_indirect` tests share: a table of one function.
    const INDIRECT: &str = r#"(module
        (type $t (func (result i32)))
        (table 1 funcref)
        (elem (i32.const 0) $f)
        (memory (export "memory") 1 1)
        (func $f (result i32) i32.const 7)
        (func (export "user_entrypoint") (param i32) (result i32)
            i32.const 0
            call_indirect (type $t)))"#;

    #[test]
    fn accepts_mvp_call_indirect_and_rejects_the_padded_table_index() {
        let good = wasm(INDIRECT);
        assert_eq!(check(&good, 100), vec![]);
        // Rewrite the table byte of the only call_indirect (0x11 0x00 0x00) into the
        // padded LEB LLVM emits with reference types on, fixing up the section sizes.
        let padded = pad_call_indirect(&good);
        let found = check(&padded, 100);
        assert!(
            found.iter().any(|v| matches!(v, Violation::RefTypesCallIndirect { .. })),
            "{found:?}"
        );
        // The normaliser turns it back into the MVP encoding.
        let normalised = crate::artifact::normalise(&padded).expect("re-encodes");
        assert_eq!(check(&normalised, 100), vec![]);
    }

    /// Re-encodes `INDIRECT` with the table operand of call_indirect as 0x80 0x80 0x80
    /// 0x80 0x00, by building the code section again with wasm-encoder's raw bodies.
    fn pad_call_indirect(module: &[u8]) -> Vec<u8> {
        let mut out = wasm_encoder::Module::new();
        let mut code = wasm_encoder::CodeSection::new();
        let mut raw_sections: Vec<(u8, Vec<u8>)> = Vec::new();
        for payload in Parser::new(0).parse_all(module) {
            let payload = payload.unwrap();
            match payload {
                Payload::CodeSectionEntry(body) => {
                    let r = body.range();
                    let bytes = &module[r.start as usize..r.end as usize];
                    let mut bytes = bytes.to_vec();
                    let at = bytes.windows(3).position(|w| w == [0x11, 0x00, 0x00]);
                    if let Some(at) = at {
                        bytes.splice(at + 2..at + 3, [0x80, 0x80, 0x80, 0x80, 0x00]);
                    }
                    code.raw(&bytes);
                }
                Payload::CodeSectionStart { .. } => {}
                other => {
                    if let Some((id, range)) = other.as_section() {
                        raw_sections
                            .push((id, module[range.start as usize..range.end as usize].to_vec()));
                    }
                }
            }
        }
        // Sections in their original order; code (id 10) goes before data (id 11).
        let mut code_written = false;
        for (id, bytes) in raw_sections {
            if id > 10 && !code_written {
                out.section(&code);
                code_written = true;
            }
            out.section(&wasm_encoder::RawSection { id, data: &bytes });
        }
        if !code_written {
            out.section(&code);
        }
        out.finish()
    }
}
