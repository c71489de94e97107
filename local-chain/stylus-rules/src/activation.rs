//! Activation: the rules Nitro applies to a decompressed module (`binary.rs`
//! `parse_with_version` + `parse_user`, the instrumentation middlewares, the hostio
//! linker) and what it computes from it.

use std::collections::{HashMap, HashSet};

use wasm_encoder::reencode::Reencode;
use wasmparser::{
    BinaryReader, ExternalKind, FuncType, Name, NameSectionReader, Operator, Parser, Payload,
    TypeRef, ValType, Validator, WasmFeatures,
};

use crate::{
    metering::{self, Globals, Sig},
    params::{ARBOS_VERSION, MAX_WASM_SIZE, PAGE_LIMIT},
    Hostio, RuleError, Ty, CONSOLE, VM_HOOKS,
};

/// Names of the globals instrumentation exports (Nitro's reserved `stylus_` prefix).
pub const INK_LEFT: &str = "stylus_ink_left";
pub const INK_STATUS: &str = "stylus_ink_status";
pub const STACK_LEFT: &str = "stylus_stack_left";

/// Nitro's anti-DoS limits (`parse_user`).
pub mod limits {
    pub const MEMORIES: usize = 1;
    pub const DATAS: usize = 128;
    pub const ELEMENTS: usize = 128;
    pub const EXPORTS: usize = 1_024;
    pub const FUNCTIONS: usize = 4_096;
    pub const GLOBALS: usize = 32_768;
    pub const LOCALS: usize = 348;
    pub const OPCODES: usize = 65_536;
    pub const IMPORTS: usize = 513;
    pub const TABLE_ENTRIES: u64 = 4_096;
    pub const ELEMENT_ENTRIES: u64 = 4_096;
    pub const NAME_LEN: usize = 512;
}

/// Activation settings.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Pages the module may start with (`PageLimit` minus the pages open in the
    /// transaction).
    pub page_limit: u16,
    /// A debug chain: also links the `console` imports.
    pub debug: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { page_limit: PAGE_LIMIT, debug: false }
    }
}

/// What activation computes (`StylusData` and the activation gas).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Info {
    /// Init cost (gas units before the scalar; `init_cost`).
    pub init_cost: u16,
    /// Cached init cost (`cached_init_cost`).
    pub cached_init_cost: u16,
    /// Estimated machine-code size in bytes (`asm_estimate`).
    pub asm_estimate: u32,
    /// Initial memory in pages (`footprint`).
    pub footprint: u16,
    /// Gas the compilation itself costs (`Module::activate`'s `pay!` terms).
    pub activation_gas: u64,
    /// Function bodies.
    pub functions: u32,
    /// Instrumented operators over all function bodies.
    pub instrumented_ops: u64,
    /// Largest stack frame of any function, in words.
    pub max_frame: u32,
}

/// An activated module: the WASM with Nitro's instrumentation, ready to compile with no
/// engine metering, and its activation outputs.
#[derive(Clone, Debug)]
pub struct Activated {
    pub wasm: Vec<u8>,
    pub info: Info,
}

/// The WebAssembly features Nitro validates user programs with (ArbOS 60: no multi-value).
pub fn features() -> WasmFeatures {
    let mut f = WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES;
    if ARBOS_VERSION < 60 {
        f |= WasmFeatures::MULTI_VALUE;
    }
    f
}

/// The production rule set (no `console`, the full page limit): what the build gate
/// applies to every artifact.
pub fn check(wasm: &[u8]) -> Result<Info, RuleError> {
    activate(wasm, Options::default()).map(|a| a.info)
}

struct Parsed<'a> {
    types: Vec<FuncType>,
    imports: Vec<(&'a str, &'a str, u32)>,
    functions: Vec<u32>,
    table_entries: u64,
    memories: Vec<wasmparser::MemoryType>,
    globals: usize,
    exports: Vec<(&'a str, ExternalKind, u32)>,
    start: Option<u32>,
    elements: Vec<u64>,
    datas: Vec<(u64, u64)>,
    codes: Vec<(u32, Vec<Operator<'a>>)>,
    module_name_len: usize,
}

fn parse(wasm: &[u8]) -> Result<Parsed<'_>, RuleError> {
    let err = |e: wasmparser::BinaryReaderError| RuleError::new(e.to_string());
    let mut p = Parsed {
        types: vec![],
        imports: vec![],
        functions: vec![],
        table_entries: 0,
        memories: vec![],
        globals: 0,
        exports: vec![],
        start: None,
        elements: vec![],
        datas: vec![],
        codes: vec![],
        module_name_len: 0,
    };
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(err)? {
            Payload::Version { num, .. } => {
                if num != 1 {
                    return Err(RuleError::new(format!("wasm format version not supported {num}")));
                }
            }
            Payload::TypeSection(r) => {
                for t in r.into_iter_err_on_gc_types() {
                    p.types.push(t.map_err(err)?);
                }
            }
            Payload::ImportSection(r) => {
                for i in r.into_imports() {
                    let i = i.map_err(err)?;
                    let TypeRef::Func(ty) = i.ty else {
                        return Err(RuleError::new(format!(
                            "unsupported import kind {}::{}",
                            i.module, i.name
                        )));
                    };
                    p.imports.push((i.module, i.name, ty));
                }
            }
            Payload::FunctionSection(r) => {
                for f in r {
                    p.functions.push(f.map_err(err)?);
                }
            }
            Payload::TableSection(r) => {
                for t in r {
                    p.table_entries = p.table_entries.saturating_add(t.map_err(err)?.ty.initial);
                }
            }
            Payload::MemorySection(r) => {
                for m in r {
                    p.memories.push(m.map_err(err)?);
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    let g = g.map_err(err)?;
                    let mut ops = g.init_expr.get_operators_reader();
                    let first = ops.read().map_err(err)?;
                    let second = ops.read().map_err(err)?;
                    let constant = matches!(
                        first,
                        Operator::I32Const { .. }
                            | Operator::I64Const { .. }
                            | Operator::F32Const { .. }
                            | Operator::F64Const { .. }
                    );
                    if !constant || !matches!(second, Operator::End) || !ops.eof() {
                        return Err(RuleError::new("non-constant global initializer"));
                    }
                    p.globals += 1;
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.map_err(err)?;
                    p.exports.push((e.name, e.kind, e.index));
                }
            }
            Payload::StartSection { func, .. } => p.start = Some(func),
            Payload::ElementSection(r) => {
                for e in r {
                    let e = e.map_err(err)?;
                    p.elements.push(e.range.end.saturating_sub(e.range.start));
                }
            }
            Payload::DataSection(r) => {
                for d in r {
                    let d = d.map_err(err)?;
                    p.datas.push((d.range.end.saturating_sub(d.range.start), d.data.len() as u64));
                }
            }
            Payload::CodeSectionStart { .. } | Payload::End(_) => {}
            Payload::CodeSectionEntry(body) => {
                let mut locals: u32 = 0;
                for l in body.get_locals_reader().map_err(err)? {
                    locals = locals.saturating_add(l.map_err(err)?.0);
                }
                let mut ops = Vec::new();
                let mut reader = body.get_operators_reader().map_err(err)?;
                while !reader.eof() {
                    ops.push(reader.read().map_err(err)?);
                }
                p.codes.push((locals, ops));
            }
            Payload::CustomSection(c) => {
                if c.name() == "name" {
                    let names =
                        NameSectionReader::new(BinaryReader::new(c.data(), c.data_offset()));
                    for n in names {
                        if let Ok(Name::Module { name, .. }) = n {
                            p.module_name_len = name.len();
                        }
                    }
                }
            }
            Payload::UnknownSection { id, .. } => {
                return Err(RuleError::new(format!("unsupported unknown section type {id}")))
            }
            other => {
                let what = match other.as_section() {
                    Some((id, _)) => format!("section id {id}"),
                    None => "payload".into(),
                };
                return Err(RuleError::new(format!("unsupported section type ({what})")));
            }
        }
    }
    Ok(p)
}

fn sig(t: &FuncType) -> Sig {
    Sig { params: t.params().len() as u32, results: t.results().len() as u32 }
}

fn ty_of(t: ValType) -> Option<Ty> {
    match t {
        ValType::I32 => Some(Ty::I32),
        ValType::I64 => Some(Ty::I64),
        ValType::F32 => Some(Ty::F32),
        ValType::F64 => Some(Ty::F64),
        _ => None,
    }
}

fn same_sig(t: &FuncType, params: &[Ty], results: &[Ty]) -> bool {
    let p: Vec<Option<Ty>> = t.params().iter().map(|v| ty_of(*v)).collect();
    let r: Vec<Option<Ty>> = t.results().iter().map(|v| ty_of(*v)).collect();
    p == params.iter().map(|t| Some(*t)).collect::<Vec<_>>()
        && r == results.iter().map(|t| Some(*t)).collect::<Vec<_>>()
}

/// Applies every activation rule to a decompressed module and, when it passes, returns it
/// instrumented with Nitro's metering and its activation outputs.
pub fn activate(wasm: &[u8], opts: Options) -> Result<Activated, RuleError> {
    let bail = |m: String| Err(RuleError::new(m));
    if wasm.len() > MAX_WASM_SIZE {
        return bail(format!("decompressed size {} B exceeds {MAX_WASM_SIZE} B", wasm.len()));
    }
    Validator::new_with_features(features())
        .validate_all(wasm)
        .map_err(|e| RuleError::new(format!("invalid: {e}")))?;
    let p = parse(wasm)?;

    // Imports: consistent, not re-exported, not reserved.
    let mut seen: HashMap<(&str, &str), u32> = HashMap::new();
    for &(m, n, t) in &p.imports {
        if let Some(prior) = seen.insert((m, n), t) {
            if prior != t {
                return bail(format!("inconsistent imports for {m} {n}"));
            }
        }
    }
    let export_tails: HashSet<&str> =
        p.exports.iter().filter_map(|(n, _, _)| n.rsplit("__").next()).collect();
    for &(_, n, _) in &p.imports {
        if export_tails.contains(n) {
            return bail(format!("binary exports an import with the same name {n}"));
        }
    }
    if let Some(n) = export_tails.iter().find(|n| n.starts_with("stylus")) {
        return bail(format!("binary exports reserved symbol {n}"));
    }
    if let Some((_, n, _)) = p.imports.iter().find(|(_, n, _)| n.starts_with("stylus")) {
        return bail(format!("binary imports reserved symbol {n}"));
    }

    // Start mover.
    if p.start.is_some() {
        return bail("start functions not allowed".into());
    }
    // Memory: exactly one, exported as `memory`, within the heap bound.
    let memory = match p.memories.as_slice() {
        [] => return bail("missing memory export with name memory".into()),
        [m] => *m,
        _ => return bail("only one memory is allowed".into()),
    };
    if !p.exports.iter().any(|&(n, k, i)| n == "memory" && k == ExternalKind::Memory && i == 0) {
        return bail("missing memory with export name memory".into());
    }
    if memory.initial > PAGE_LIMIT as u64 {
        return bail(format!("memory size {} exceeds bound {PAGE_LIMIT}", memory.initial));
    }
    let pay_func = if memory.maximum == Some(memory.initial) {
        None
    } else {
        let Some(at) =
            p.imports.iter().position(|(m, n, _)| *m == "vm_hooks" && *n == "pay_for_memory_grow")
        else {
            return bail("missing import pay_for_memory_grow".into());
        };
        let ty = p.types.get(p.imports[at].2 as usize);
        if !ty.is_some_and(|t| same_sig(t, &[Ty::I32], &[])) {
            return bail("wrong type for pay_for_memory_grow".into());
        }
        Some(at as u32)
    };

    // Instrumentation, function by function, in Nitro's order.
    let types: Vec<Sig> = p.types.iter().map(sig).collect();
    let mut funcs: Vec<Sig> = Vec::with_capacity(p.imports.len() + p.functions.len());
    for &(_, _, t) in &p.imports {
        funcs.push(types.get(t as usize).copied().ok_or_else(|| RuleError::new("missing type"))?);
    }
    for &t in &p.functions {
        funcs.push(types.get(t as usize).copied().ok_or_else(|| RuleError::new("missing type"))?);
    }
    let base = p.globals as u32;
    let g = Globals { ink: base, status: base + 1, scratch: base + 2, stack: base + 3 };
    let mut bodies = Vec::with_capacity(p.codes.len());
    let mut max_frame = 0;
    let mut instrumented_ops: u64 = 0;
    for (locals, ops) in p.codes.iter().cloned() {
        let ops = metering::meter(ops, g, &types);
        let ops = metering::dynamic_meter(ops, g)?;
        let (ops, frame) = metering::depth_check(ops, g, locals, &funcs, &types)?;
        let ops = metering::heap_bound(ops, g, pay_func);
        if locals as usize > limits::LOCALS {
            return bail(format!("too many wasm locals: {locals} > {}", limits::LOCALS));
        }
        if ops.len() > limits::OPCODES {
            return bail(format!(
                "too many wasm opcodes in func body: {} > {}",
                ops.len(),
                limits::OPCODES
            ));
        }
        max_frame = max_frame.max(frame);
        instrumented_ops = instrumented_ops.saturating_add(ops.len() as u64);
        bodies.push(ops);
    }

    // The entrypoint.
    let Some(&(_, kind, index)) = p.exports.iter().find(|(n, _, _)| *n == "user_entrypoint") else {
        return bail("missing export with name user_entrypoint".into());
    };
    if kind != ExternalKind::Func {
        return bail("export user_entrypoint must be a function".into());
    }
    let entry_ty = match (index as usize).checked_sub(p.imports.len()) {
        None => p.imports.get(index as usize).and_then(|i| p.types.get(i.2 as usize)),
        Some(local) => p.functions.get(local).and_then(|t| p.types.get(*t as usize)),
    };
    if !entry_ty.is_some_and(|t| same_sig(t, &[Ty::I32], &[Ty::I32])) {
        return bail("wrong type for user_entrypoint".into());
    }

    // Pages and anti-DoS limits.
    if memory.initial > opts.page_limit as u64 {
        return bail(format!("memory exceeds limit: {} > {}", memory.initial, opts.page_limit));
    }
    let kept_exports = p
        .exports
        .iter()
        .filter(|(n, k, _)| {
            matches!(
                (*n, k),
                ("user_entrypoint", ExternalKind::Func) | ("memory", ExternalKind::Memory)
            )
        })
        .count()
        + 3;
    let checks: [(usize, usize, &str); 6] = [
        (p.memories.len(), limits::MEMORIES, "memories"),
        (p.datas.len(), limits::DATAS, "datas"),
        (p.elements.len(), limits::ELEMENTS, "elements"),
        (kept_exports, limits::EXPORTS, "exports"),
        (p.codes.len(), limits::FUNCTIONS, "functions"),
        (p.globals + 4, limits::GLOBALS, "globals"),
    ];
    for (count, limit, name) in checks {
        if count > limit {
            return bail(format!("too many wasm {name}: {count} > {limit}"));
        }
    }
    if p.imports.len() > limits::IMPORTS {
        return bail(format!("too many wasm imports: {} > {}", p.imports.len(), limits::IMPORTS));
    }
    if p.table_entries > limits::TABLE_ENTRIES {
        return bail(format!("too many wasm table entries: {}", p.table_entries));
    }
    let elem_entries: u64 = p.elements.iter().fold(0u64, |a, b| a.saturating_add(*b));
    if elem_entries > limits::ELEMENT_ENTRIES {
        return bail(format!("too many wasm element entries: {elem_entries}"));
    }
    if p.module_name_len > limits::NAME_LEN {
        return bail(format!("wasm module name too long: {}", p.module_name_len));
    }

    // Linking: every import is a hostio the chain provides, with its signature.
    let table: Vec<&Hostio> =
        VM_HOOKS.iter().chain(if opts.debug { CONSOLE } else { &[] }).collect();
    for &(m, n, t) in &p.imports {
        let Some(h) = table.iter().find(|h| h.0 == m && h.1 == n) else {
            return bail(format!("unknown hostio {m}::{n}"));
        };
        if !p.types.get(t as usize).is_some_and(|ty| same_sig(ty, h.2, h.3)) {
            return bail(format!("wrong signature for hostio {m}::{n}"));
        }
    }

    let info =
        outputs(&p, &types, memory.initial as u16, instrumented_ops, wasm.len() as u64, max_frame)?;
    let wasm = encode(wasm, bodies)?;
    Ok(Activated { wasm, info })
}

/// Costs, asm estimate and activation gas (`WasmBinary::instrument`, `Module::activate`).
fn outputs(
    p: &Parsed<'_>,
    types: &[Sig],
    footprint: u16,
    instrumented_ops: u64,
    wasm_len: u64,
    max_frame: u32,
) -> Result<Info, RuleError> {
    let funcs = p.codes.len() as u64;
    let globals = p.globals as u64 + 4;
    let data_len: u64 = p.datas.iter().map(|d| d.0).chain(p.elements.iter().copied()).sum();
    let type_len: u64 = p
        .functions
        .iter()
        .map(|t| types.get(*t as usize).map_or(0, |s| (s.params + s.results) as u64))
        .sum();

    let mut asm: u64 = 512_000;
    asm = asm.saturating_add(funcs.saturating_mul(996_829) / 1_000);
    asm = asm.saturating_add(type_len.saturating_mul(11_416) / 1_000);
    asm = asm.saturating_add(wasm_len.saturating_mul(62_628) / 10_000);

    let mut cached: u64 = 0;
    cached = cached.saturating_add(funcs.saturating_mul(13_420) / 100_000);
    cached = cached.saturating_add(type_len.saturating_mul(89) / 100_000);
    cached = cached.saturating_add(wasm_len.saturating_mul(122) / 100_000);
    cached = cached.saturating_add(globals.saturating_mul(1_628) / 1_000);
    cached = cached.saturating_add(data_len.saturating_mul(75_244) / 100_000);
    cached = cached.saturating_add(footprint as u64 * 5);

    // Stylus v2: the cached cost is not part of the init cost.
    let mut init: u64 = 0;
    init = init.saturating_add(funcs.saturating_mul(8_252) / 1_000);
    init = init.saturating_add(type_len.saturating_mul(1_059) / 1_000);
    init = init.saturating_add(wasm_len.saturating_mul(1_286) / 10_000);

    // Activation gas: microseconds of compilation at 28 gas each, term by term.
    let us_to_gas = |us: u64| us.saturating_mul(2 * 7_000_000) / (1_000_000 / 2);
    let data_bytes: u64 = p.datas.iter().map(|d| d.1).sum();
    let elems: u64 = p.elements.iter().sum();
    let activation_gas = [
        us_to_gas(wasm_len.saturating_mul(31_733) / 100_000),
        us_to_gas((p.functions.len() as u64).saturating_mul(17_263) / 100_000),
        us_to_gas(data_bytes.saturating_mul(17_376) / 100_000),
        us_to_gas(elems.saturating_mul(17_376) / 100_000),
        us_to_gas((footprint as u64).saturating_mul(2_217)),
        us_to_gas(instrumented_ops.saturating_mul(535) / 1_000),
    ]
    .iter()
    .fold(0u64, |a, b| a.saturating_add(*b));

    let too = |what: &str| RuleError::new(format!("{what} too high"));
    Ok(Info {
        init_cost: init.try_into().map_err(|_| too("init cost"))?,
        cached_init_cost: cached.try_into().map_err(|_| too("cached cost"))?,
        asm_estimate: asm.try_into().map_err(|_| too("asm estimate"))?,
        footprint,
        activation_gas,
        functions: funcs as u32,
        instrumented_ops,
        max_frame,
    })
}

/// Re-encodes the module with the instrumented bodies, the four instrumentation globals
/// and exports of the ink, ink-status and stack globals.
fn encode(wasm: &[u8], bodies: Vec<Vec<Operator<'_>>>) -> Result<Vec<u8>, RuleError> {
    struct Instrumenter<'a> {
        bodies: std::vec::IntoIter<Vec<Operator<'a>>>,
        globals: u32,
        globals_written: bool,
    }
    impl Instrumenter<'_> {
        fn add_globals(&self, section: &mut wasm_encoder::GlobalSection) {
            use wasm_encoder::{ConstExpr, GlobalType, ValType};
            let g = |t| GlobalType { val_type: t, mutable: true, shared: false };
            section.global(g(ValType::I64), &ConstExpr::i64_const(0));
            for _ in 0..3 {
                section.global(g(ValType::I32), &ConstExpr::i32_const(0));
            }
        }
    }
    impl<'a> Reencode for Instrumenter<'a> {
        type Error = RuleError;
        fn parse_global_section(
            &mut self,
            globals: &mut wasm_encoder::GlobalSection,
            section: wasmparser::GlobalSectionReader<'_>,
        ) -> Result<(), wasm_encoder::reencode::Error<RuleError>> {
            for g in section {
                self.parse_global(globals, g?)?;
            }
            self.add_globals(globals);
            self.globals_written = true;
            Ok(())
        }
        fn intersperse_section_hook(
            &mut self,
            module: &mut wasm_encoder::Module,
            _after: Option<wasm_encoder::SectionId>,
            before: Option<wasm_encoder::SectionId>,
        ) -> Result<(), wasm_encoder::reencode::Error<RuleError>> {
            use wasm_encoder::SectionId as S;
            let past_globals = matches!(
                before,
                None | Some(S::Export | S::Start | S::Element | S::DataCount | S::Code | S::Data)
            );
            if past_globals && !self.globals_written {
                let mut section = wasm_encoder::GlobalSection::new();
                self.add_globals(&mut section);
                module.section(&section);
                self.globals_written = true;
            }
            Ok(())
        }
        fn parse_export_section(
            &mut self,
            exports: &mut wasm_encoder::ExportSection,
            section: wasmparser::ExportSectionReader<'_>,
        ) -> Result<(), wasm_encoder::reencode::Error<RuleError>> {
            for e in section {
                self.parse_export(exports, e?)?;
            }
            let g = self.globals;
            exports.export(INK_LEFT, wasm_encoder::ExportKind::Global, g);
            exports.export(INK_STATUS, wasm_encoder::ExportKind::Global, g + 1);
            exports.export(STACK_LEFT, wasm_encoder::ExportKind::Global, g + 3);
            Ok(())
        }
        fn parse_function_body(
            &mut self,
            code: &mut wasm_encoder::CodeSection,
            func: wasmparser::FunctionBody<'_>,
        ) -> Result<(), wasm_encoder::reencode::Error<RuleError>> {
            let mut f = self.new_function_with_parsed_locals(&func)?;
            let ops = self.bodies.next().ok_or(wasm_encoder::reencode::Error::UserError(
                RuleError::new("function count changed"),
            ))?;
            for op in ops {
                let ins = self.instruction(op)?;
                f.instruction(&ins);
            }
            code.function(&f);
            Ok(())
        }
    }
    let globals = Parser::new(0)
        .parse_all(wasm)
        .find_map(|p| match p {
            Ok(Payload::GlobalSection(r)) => Some(r.count()),
            _ => None,
        })
        .unwrap_or(0);
    let mut r = Instrumenter { bodies: bodies.into_iter(), globals, globals_written: false };
    let mut module = wasm_encoder::Module::new();
    r.parse_core_module(&mut module, Parser::new(0), wasm)
        .map_err(|e| RuleError::new(format!("instrumentation: {e:?}")))?;
    Ok(module.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metering::{INK_HEADER_COST, MAX_FRAME_CONTENTION};

    fn wasm(wat: &str) -> Vec<u8> {
        wat::parse_str(wat).expect("test module parses")
    }

    /// A module with `body` inside the module and `entry` as the entrypoint's body.
    fn module(body: &str, entry: &str) -> String {
        format!(
            r#"(module
                (import "vm_hooks" "read_args" (func $read_args (param i32)))
                (memory (export "memory") 1 1)
                {body}
                (func (export "user_entrypoint") (param i32) (result i32) {entry}))"#
        )
    }

    fn ok(wat: &str) -> Activated {
        activate(&wasm(wat), Options::default()).unwrap_or_else(|e| panic!("refused: {e}"))
    }

    fn refused(wat: &str) -> String {
        match activate(&wasm(wat), Options::default()) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.0,
        }
    }

    /// The ops of function body `index` of an instrumented module.
    fn body_ops(wasm: &[u8], index: usize) -> Vec<Operator<'_>> {
        let mut n = 0;
        for p in Parser::new(0).parse_all(wasm) {
            if let Ok(Payload::CodeSectionEntry(b)) = p {
                if n == index {
                    let mut r = b.get_operators_reader().unwrap();
                    let mut ops = vec![];
                    while !r.eof() {
                        ops.push(r.read().unwrap());
                    }
                    return ops;
                }
                n += 1;
            }
        }
        panic!("no body {index}")
    }

    /// The block costs the meter charges, in order.
    fn block_costs(ops: &[Operator<'_>], ink: u32) -> Vec<i64> {
        ops.windows(3)
            .filter_map(|w| match w {
                [Operator::GlobalGet { global_index }, Operator::I64Const { value }, Operator::I64LtU]
                    if *global_index == ink =>
                {
                    Some(*value)
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_minimal_module_activates_and_stays_valid() {
        let a = ok(&module("", "i32.const 0"));
        let mut features = features();
        features |= WasmFeatures::MULTI_VALUE;
        Validator::new_with_features(features)
            .validate_all(&a.wasm)
            .expect("instrumented is valid");
        assert_eq!(a.info.footprint, 1);
        assert_eq!(a.info.functions, 1);
    }

    /// Each opcode's ink lands in its block's header (Nitro's `pricing_v1`).
    #[test]
    fn opcode_ink_per_block() {
        let a =
            ok(&module("", "i32.const 1 i32.const 2 i32.add i64.const 3 i64.const 4 i64.mul drop"));
        let ops = body_ops(&a.wasm, 0);
        // One block (the body ends at `end`): 1 + 1 + 70 + 1 + 1 + 160 + 9 + 1 (end) + header.
        assert_eq!(
            block_costs(&ops, 0),
            vec![(1 + 1 + 70 + 1 + 1 + 160 + 9 + 1 + INK_HEADER_COST) as i64]
        );

        // A call and a branch end blocks: three headers.
        let a = ok(&module("(func $f)", "call $f (block local.get 0 br_if 0) i32.const 0"));
        let ops = body_ops(&a.wasm, 1);
        let h = INK_HEADER_COST as i64;
        // [call] = 3800; [block, local.get, br_if] = 1 + 75 + 765; [end]; [i32.const, end].
        assert_eq!(block_costs(&ops, 0), vec![3_800 + h, 1 + 75 + 765 + h, 1 + h, 1 + 1 + h]);
    }

    #[test]
    fn memory_fill_pays_per_byte() {
        let a = ok(&module("", "i32.const 0 i32.const 0 i32.const 64 memory.fill i32.const 0"));
        let ops = body_ops(&a.wasm, 0);
        let muls: Vec<_> = ops
            .windows(2)
            .filter_map(|w| match w {
                [Operator::I64Const { value }, Operator::I64Mul] => Some(*value),
                _ => None,
            })
            .collect();
        assert_eq!(muls, vec![100]);
    }

    /// Nitro's `test_depth` module (`crates/stylus/tests/depth.wat`): one parameter, two
    /// locals, three words of operand stack: a frame of 2 + 3 + 4 = 9 words.
    #[test]
    fn nitro_depth_frame() {
        let a = ok(&module(
            r#"(global $depth (mut i32) (i32.const 0))
               (func $recurse (param $ignored i64) (local f32 f64)
                 local.get $ignored
                 global.get $depth
                 i32.const 1
                 i32.add
                 global.set $depth
                 call $recurse)"#,
            "i32.const 0",
        ));
        let ops = body_ops(&a.wasm, 0);
        // The prologue: global.get stack; i32.const frame; i32.le_u.
        assert!(matches!(ops[1], Operator::I32Const { value: 9 }), "{:?}", &ops[..3]);
        assert_eq!(a.info.max_frame, 9);
    }

    #[test]
    fn stack_contention_limit() {
        let n = MAX_FRAME_CONTENTION as usize;
        let body = |k: usize| "i32.const 0 ".repeat(k) + &"drop ".repeat(k) + "i32.const 0";
        ok(&module("", &body(n)));
        assert!(refused(&module("", &body(n + 1))).contains("too many values on the stack"));
    }

    #[test]
    fn locals_limit() {
        let f = |k: usize| format!("(func {})", "(local i32) ".repeat(k));
        ok(&module(&f(limits::LOCALS), "i32.const 0"));
        assert!(refused(&module(&f(limits::LOCALS + 1), "i32.const 0")).contains("locals"));
    }

    #[test]
    fn functions_limit() {
        let f = |k: usize| "(func) ".repeat(k);
        // The entrypoint is a function too.
        ok(&module(&f(limits::FUNCTIONS - 1), "i32.const 0"));
        assert!(refused(&module(&f(limits::FUNCTIONS), "i32.const 0")).contains("functions"));
    }

    /// 32,764 globals (plus the 4 instrumentation adds) take 160 KiB: the decompressed-size
    /// limit refuses them first, so Nitro's globals limit cannot bind.
    #[test]
    fn globals_limit() {
        let g = |k: usize| "(global i32 (i32.const 0)) ".repeat(k);
        ok(&module(&g(20_000), "i32.const 0"));
        assert!(refused(&module(&g(limits::GLOBALS - 3), "i32.const 0")).contains("size"));
    }

    #[test]
    fn imports_limit() {
        let i = |k: usize| {
            (0..k)
                .map(|_| r#"(import "vm_hooks" "msg_sender" (func (param i32))) "#)
                .collect::<String>()
        };
        // `read_args` is imported too.
        let m = |k: usize| module("", "i32.const 0").replacen("(memory", &(i(k) + "(memory"), 1);
        ok(&m(limits::IMPORTS - 1));
        assert!(refused(&m(limits::IMPORTS)).contains("imports"));
    }

    #[test]
    fn data_and_table_limits() {
        let d = |k: usize| "(data (i32.const 0) \"x\") ".repeat(k);
        ok(&module(&d(limits::DATAS), "i32.const 0"));
        assert!(refused(&module(&d(limits::DATAS + 1), "i32.const 0")).contains("datas"));
        let t = |k: usize| format!("(table {k} funcref)");
        ok(&module(&t(4_096), "i32.const 0"));
        assert!(refused(&module(&t(4_097), "i32.const 0")).contains("table entries"));
        let e = |k: usize| {
            "(table 1 funcref) (func $e)".to_string() + &"(elem (i32.const 0) $e) ".repeat(k)
        };
        ok(&module(&e(limits::ELEMENTS), "i32.const 0"));
        assert!(refused(&module(&e(limits::ELEMENTS + 1), "i32.const 0")).contains("elements"));
    }

    #[test]
    fn pages() {
        let m = |p: u32| {
            module("", "i32.const 0").replace(
                "(memory (export \"memory\") 1 1)",
                &format!("(memory (export \"memory\") {p} {p})"),
            )
        };
        ok(&m(128));
        assert!(refused(&m(129)).contains("exceeds bound"));
        let opts = Options { page_limit: 10, debug: false };
        assert!(activate(&wasm(&m(10)), opts).is_ok());
        assert!(activate(&wasm(&m(11)), opts).unwrap_err().0.contains("memory exceeds limit"));
        // A growable memory needs pay_for_memory_grow.
        let growable = module("", "i32.const 0").replace(" 1 1)", " 1)");
        assert!(refused(&growable).contains("pay_for_memory_grow"));
        let with_pay = growable.replace(
            "(memory",
            r#"(import "vm_hooks" "pay_for_memory_grow" (func (param i32))) (memory"#,
        );
        ok(&with_pay);
    }

    #[test]
    fn memory_grow_calls_pay_for_memory_grow_first() {
        let m =
            module("", "i32.const 1 memory.grow drop i32.const 0").replace(" 1 1)", " 1)").replace(
                "(memory",
                r#"(import "vm_hooks" "pay_for_memory_grow" (func (param i32))) (memory"#,
            );
        let a = ok(&m);
        let ops = body_ops(&a.wasm, 0);
        let at = ops.iter().position(|o| matches!(o, Operator::MemoryGrow { .. })).unwrap();
        assert!(
            matches!(ops[at - 1], Operator::Call { function_index: 1 }),
            "{:?}",
            &ops[at - 4..at]
        );
    }

    #[test]
    fn decompressed_size_limit() {
        let base = wasm(&module("", "i32.const 0"));
        // Pad with a custom section to exactly the limit, then one byte over.
        let pad = |total: usize| {
            let mut m = base.clone();
            let name = b"\x03pad";
            let mut content = name.to_vec();
            // section header: id 0, LEB length (3 bytes for < 2^21)
            let body = total - m.len() - 1 - 3;
            content.resize(body, 0);
            m.push(0);
            let len = body as u32;
            m.extend([
                (len & 0x7f) as u8 | 0x80,
                ((len >> 7) & 0x7f) as u8 | 0x80,
                (len >> 14) as u8,
            ]);
            m.extend(content);
            assert_eq!(m.len(), total);
            m
        };
        assert!(activate(&pad(MAX_WASM_SIZE), Options::default()).is_ok());
        assert!(activate(&pad(MAX_WASM_SIZE + 1), Options::default())
            .unwrap_err()
            .0
            .contains("exceeds"));
    }

    #[test]
    fn feature_set() {
        // Multi-value is refused from ArbOS 60.
        assert!(refused(&module("(func (result i32 i32) i32.const 0 i32.const 0)", "i32.const 0"))
            .contains("invalid"));
        // SIMD, reference types.
        assert!(refused(&module("", "v128.const i64x2 0 0 drop i32.const 0")).contains("invalid"));
        assert!(refused(&module("", "ref.null func drop i32.const 0")).contains("invalid"));
        // Floats activate, but a block holding one can never be paid for.
        let a = ok(&module("", "f32.const 1 drop i32.const 0"));
        assert_eq!(block_costs(&body_ops(&a.wasm, 0), 0), vec![-1]);
    }

    #[test]
    fn entrypoint_exports_and_imports() {
        assert!(refused(&module("", "i32.const 0").replace("(export \"user_entrypoint\")", ""))
            .contains("user_entrypoint"));
        assert!(refused(&module("", "i32.const 0").replace("(export \"memory\")", ""))
            .contains("memory"));
        assert!(refused(
            &module("", "i32.const 0")
                .replace("(result i32) i32.const 0", "(result i64) i64.const 0")
        )
        .contains("wrong type"));
        assert!(refused(&module("(func $s) (start $s)", "i32.const 0")).contains("start"));
        assert!(
            refused(&module("(func (export \"stylus_x\"))", "i32.const 0")).contains("reserved")
        );
        assert!(
            refused(&module("(func (export \"read_args\"))", "i32.const 0")).contains("same name")
        );
        let m = module("", "i32.const 0");
        assert!(refused(
            &m.replace("\"vm_hooks\" \"read_args\"", "\"vm_hooks\" \"no_such_hostio\"")
        )
        .contains("unknown hostio"));
        assert!(refused(&m.replace("\"vm_hooks\" \"read_args\"", "\"env\" \"read_args\""))
            .contains("unknown hostio"));
        assert!(refused(
            &m.replace("(func $read_args (param i32))", "(func $read_args (param i64))")
        )
        .contains("signature"));
        let console = m.replace("\"vm_hooks\" \"read_args\"", "\"console\" \"log_i32\"");
        assert!(refused(&console).contains("unknown hostio"));
        assert!(activate(&wasm(&console), Options { debug: true, ..Options::default() }).is_ok());
        // A memory import.
        let imported = m.replace(
            "(memory (export \"memory\") 1 1)",
            "(import \"vm_hooks\" \"mem\" (memory 1 1)) (export \"memory\" (memory 0))",
        );
        assert!(refused(&imported).contains("import kind"));
    }

    #[test]
    fn garbage_never_panics() {
        let good = wasm(&module("(func $f (local i64) local.get 0 drop)", "call $f i32.const 0"));
        for cut in 0..good.len() {
            let _ = activate(&good[..cut], Options::default());
        }
        let mut x: u32 = 1;
        for i in 0..good.len() {
            let mut m = good.clone();
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            m[i] ^= (x >> 16) as u8 | 1;
            let _ = activate(&m, Options::default());
        }
        let _ = activate(&[], Options::default());
    }

    /// Init and cached costs of a small module, by Nitro's formulas (v2).
    #[test]
    fn outputs_follow_nitros_formulas() {
        let w = wasm(&module("(func $f (param i32 i64) (result i32) i32.const 1)", "i32.const 0"));
        let a = ok(&module("(func $f (param i32 i64) (result i32) i32.const 1)", "i32.const 0"));
        let len = w.len() as u64;
        let (funcs, type_len, globals) = (2u64, 3 + 2u64, 4u64);
        let init = funcs * 8_252 / 1_000 + type_len * 1_059 / 1_000 + len * 1_286 / 10_000;
        let cached = funcs * 13_420 / 100_000
            + type_len * 89 / 100_000
            + len * 122 / 100_000
            + globals * 1_628 / 1_000
            + 5;
        let asm =
            512_000 + funcs * 996_829 / 1_000 + type_len * 11_416 / 1_000 + len * 62_628 / 10_000;
        assert_eq!(a.info.init_cost as u64, init);
        assert_eq!(a.info.cached_init_cost as u64, cached);
        assert_eq!(a.info.asm_estimate as u64, asm);
        // Activation gas: one page of memory is 28 * 2,217 gas.
        assert!(a.info.activation_gas >= 28 * 2_217);
    }
}
