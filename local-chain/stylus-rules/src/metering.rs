//! Ink metering as Nitro instruments programs (`crates/prover/src/programs/{meter,dynamic,
//! depth,heap}.rs`): every basic block pays the ink of its opcodes (Nitro's `pricing_v1`
//! table) plus a header cost before it runs; `memory.fill`/`memory.copy` pay per byte;
//! every function checks and reserves its worst-case stack frame; `memory.grow` first calls
//! `pay_for_memory_grow`. The passes rewrite the operators of each function body in
//! Nitro's order (meter, dynamic meter, depth checker, heap bound), so the instrumented
//! module charges exactly the ink Nitro's does.

use wasmparser::{BlockType, Operator};

use crate::RuleError;

/// Ink of the check that opens every basic block (`ink_header_cost`).
pub const INK_HEADER_COST: u64 = 2_450;
/// Ink per byte of `memory.fill` (`memory_fill_ink` = 800 / 8).
pub const MEMORY_FILL_INK: u64 = 100;
/// Ink per byte of `memory.copy` (`memory_copy_ink` = 800 / 8).
pub const MEMORY_COPY_INK: u64 = 100;
/// Largest stack frame of one function, in words (`max_frame_size` = 10 * 1024).
pub const MAX_FRAME_SIZE: u32 = 10 * 1024;
/// Most values live on the operand stack at once in one function (`max_frame_contention`).
pub const MAX_FRAME_CONTENTION: u32 = 4_096;

/// Parameter and result counts of a function type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sig {
    pub params: u32,
    pub results: u32,
}

/// Ink of one opcode (Nitro's `pricing_v1`); `u64::MAX` for opcodes Stylus does not price
/// (floats, SIMD, atomics, reference types...), which makes any block holding one run out
/// of ink.
pub fn opcode_ink(op: &Operator<'_>, types: &[Sig]) -> u64 {
    use Operator::*;
    match op {
        Unreachable | Return | Nop | I32Const { .. } | I64Const { .. } => 1,
        Drop => 9,
        Block { .. } | Loop { .. } | Else | End => 1,
        Br { .. } | BrIf { .. } | If { .. } => 765,
        Select => 1_250,
        Call { .. } => 3_800,
        LocalGet { .. } | LocalTee { .. } => 75,
        LocalSet { .. } => 210,
        GlobalGet { .. } => 225,
        GlobalSet { .. } => 575,
        I32Load { .. }
        | I32Load8S { .. }
        | I32Load8U { .. }
        | I32Load16S { .. }
        | I32Load16U { .. } => 670,
        I64Load { .. }
        | I64Load8S { .. }
        | I64Load8U { .. }
        | I64Load16S { .. }
        | I64Load16U { .. }
        | I64Load32S { .. }
        | I64Load32U { .. } => 680,
        I32Store { .. } | I32Store8 { .. } | I32Store16 { .. } => 825,
        I64Store { .. } | I64Store8 { .. } | I64Store16 { .. } | I64Store32 { .. } => 950,
        MemorySize { .. } => 3_000,
        MemoryGrow { .. } => 8_050,
        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS
        | I32GeU => 170,
        I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS
        | I64GeU => 225,
        I32Clz | I32Ctz => 210,
        I32Add | I32Sub => 70,
        I32Mul => 160,
        I32DivS | I32DivU | I32RemS | I32RemU => 1_120,
        I32And | I32Or | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => 70,
        I64Clz | I64Ctz => 210,
        I64Add | I64Sub => 100,
        I64Mul => 160,
        I64DivS | I64DivU | I64RemS | I64RemU => 1_270,
        I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => 100,
        I32Popcnt => 2_650,
        I64Popcnt => 6_000,
        I32WrapI64 | I64ExtendI32S | I64ExtendI32U => 100,
        I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S | I64Extend32S => 100,
        MemoryCopy { .. } | MemoryFill { .. } => 950,
        BrTable { targets } => 2_400 + 325 * targets.len() as u64,
        CallIndirect { type_index, .. } => match types.get(*type_index as usize) {
            Some(t) => 13_610 + 650 * t.params as u64,
            None => u64::MAX,
        },
        _ => u64::MAX,
    }
}

/// Opcodes that end a basic block (`OperatorInfo::ends_basic_block`).
pub fn ends_basic_block(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        End | Else
            | Return
            | Loop { .. }
            | Br { .. }
            | BrTable { .. }
            | BrIf { .. }
            | If { .. }
            | Call { .. }
            | CallIndirect { .. }
    )
}

/// Indices of the globals instrumentation adds after the module's own.
#[derive(Clone, Copy, Debug)]
pub struct Globals {
    pub ink: u32,
    pub status: u32,
    pub scratch: u32,
    pub stack: u32,
}

/// The ink meter: a header before each basic block checks and deducts the block's ink
/// (its opcodes plus [`INK_HEADER_COST`]).
pub fn meter<'a>(ops: Vec<Operator<'a>>, g: Globals, types: &[Sig]) -> Vec<Operator<'a>> {
    use Operator::*;
    let mut out = Vec::with_capacity(ops.len() * 2);
    let mut block = Vec::new();
    let mut cost: u64 = 0;
    for op in ops {
        let end = ends_basic_block(&op);
        cost = cost.saturating_add(opcode_ink(&op, types));
        block.push(op);
        if end {
            let total = cost.saturating_add(INK_HEADER_COST) as i64;
            out.extend([
                GlobalGet { global_index: g.ink },
                I64Const { value: total },
                I64LtU,
                If { blockty: BlockType::Empty },
                I32Const { value: 1 },
                GlobalSet { global_index: g.status },
                Unreachable,
                End,
                GlobalGet { global_index: g.ink },
                I64Const { value: total },
                I64Sub,
                GlobalSet { global_index: g.ink },
            ]);
            out.append(&mut block);
            cost = 0;
        }
    }
    out.append(&mut block);
    out
}

/// The dynamic meter: `memory.fill` and `memory.copy` pay their length times the per-byte
/// ink before running; table and passive-segment opcodes are refused.
pub fn dynamic_meter<'a>(
    ops: Vec<Operator<'a>>,
    g: Globals,
) -> Result<Vec<Operator<'a>>, RuleError> {
    use Operator::*;
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        let coefficient = match op {
            MemoryFill { .. } => Some(MEMORY_FILL_INK),
            MemoryCopy { .. } => Some(MEMORY_COPY_INK),
            MemoryInit { .. }
            | DataDrop { .. }
            | ElemDrop { .. }
            | TableInit { .. }
            | TableCopy { .. }
            | TableFill { .. }
            | TableGet { .. }
            | TableSet { .. }
            | TableGrow { .. }
            | TableSize { .. } => {
                return Err(RuleError::new(format!("opcode not supported: {op:?}")))
            }
            _ => None,
        };
        if let Some(k) = coefficient {
            out.extend([
                GlobalSet { global_index: g.scratch },
                GlobalGet { global_index: g.ink },
                GlobalGet { global_index: g.ink },
                GlobalGet { global_index: g.scratch },
                I64ExtendI32U,
                I64Const { value: k as i64 },
                I64Mul,
                I64Sub,
                GlobalSet { global_index: g.ink },
                GlobalGet { global_index: g.ink },
                I64LtU,
                If { blockty: BlockType::Empty },
                I32Const { value: 1 },
                GlobalSet { global_index: g.status },
                Unreachable,
                End,
                GlobalGet { global_index: g.scratch },
            ]);
        }
        out.push(op);
    }
    Ok(out)
}

/// The depth checker: each function reserves its worst-case frame (operand stack, locals
/// and 4 words) from the stack global on entry and gives it back on every return; frames
/// above [`MAX_FRAME_SIZE`] words or [`MAX_FRAME_CONTENTION`] live values are refused.
pub fn depth_check<'a>(
    ops: Vec<Operator<'a>>,
    g: Globals,
    locals: u32,
    funcs: &[Sig],
    types: &[Sig],
) -> Result<(Vec<Operator<'a>>, u32), RuleError> {
    use Operator::*;
    let size = worst_case_depth(&ops, locals, funcs, types)?;
    if size > MAX_FRAME_SIZE {
        return Err(RuleError::new(format!(
            "frame too large: {size} > {MAX_FRAME_SIZE}-word limit"
        )));
    }
    let global_index = g.stack;
    let mut out = Vec::with_capacity(ops.len() + 20);
    out.extend([
        GlobalGet { global_index },
        I32Const { value: size as i32 },
        I32LeU,
        If { blockty: BlockType::Empty },
        I32Const { value: 0 },
        GlobalSet { global_index },
        Unreachable,
        End,
        GlobalGet { global_index },
        I32Const { value: size as i32 },
        I32Sub,
        GlobalSet { global_index },
    ]);
    let mut code = ops;
    let last = code.pop().ok_or_else(|| RuleError::new("empty function body"))?;
    code.push(Return);
    code.push(last);
    for op in code {
        if matches!(op, Return) {
            out.extend([
                GlobalGet { global_index },
                I32Const { value: size as i32 },
                I32Add,
                GlobalSet { global_index },
            ]);
        }
        out.push(op);
    }
    Ok((out, size))
}

fn worst_case_depth(
    code: &[Operator<'_>],
    locals: u32,
    funcs: &[Sig],
    types: &[Sig],
) -> Result<u32, RuleError> {
    use Operator::*;
    let mut worst: u32 = 0;
    let mut stack: u32 = 0;
    let mut scopes = vec![0u32];
    let ty = |i: u32| {
        types.get(i as usize).copied().ok_or_else(|| RuleError::new(format!("missing type {i}")))
    };
    macro_rules! push {
        ($n:expr) => {{
            stack = stack.saturating_add($n);
            worst = worst.max(stack);
        }};
    }
    macro_rules! pop {
        ($n:expr) => {{
            stack = stack.saturating_sub($n);
        }};
    }
    macro_rules! ins_outs {
        ($t:expr) => {{
            let t: Sig = $t;
            push!(t.results);
            pop!(t.params);
        }};
    }
    macro_rules! block_type {
        ($b:expr) => {{
            match $b {
                BlockType::Empty => {}
                BlockType::Type(_) => push!(1),
                BlockType::FuncType(i) => ins_outs!(ty(*i)?),
            }
        }};
    }
    for op in code {
        match op {
            Block { blockty } | Loop { blockty } => {
                block_type!(blockty);
                scopes.push(stack);
            }
            If { blockty } => {
                pop!(1);
                block_type!(blockty);
                scopes.push(stack);
            }
            Else => {
                stack = *scopes.last().ok_or_else(|| RuleError::new("malformed if-else scope"))?;
            }
            End => {
                stack = scopes.pop().ok_or_else(|| RuleError::new("malformed scoping"))?;
            }
            Call { function_index } => ins_outs!(funcs
                .get(*function_index as usize)
                .copied()
                .ok_or_else(|| RuleError::new(format!("missing func {function_index}")))?),
            CallIndirect { type_index, .. } => {
                ins_outs!(ty(*type_index)?);
                pop!(1);
            }
            MemoryFill { .. } | MemoryCopy { .. } => ins_outs!(Sig { params: 3, results: 0 }),
            Nop
            | Unreachable
            | I32Eqz
            | I64Eqz
            | I32Clz
            | I32Ctz
            | I32Popcnt
            | I64Clz
            | I64Ctz
            | I64Popcnt
            | Br { .. }
            | Return
            | LocalTee { .. }
            | MemoryGrow { .. }
            | I32Load { .. }
            | I64Load { .. }
            | F32Load { .. }
            | F64Load { .. }
            | I32Load8S { .. }
            | I32Load8U { .. }
            | I32Load16S { .. }
            | I32Load16U { .. }
            | I64Load8S { .. }
            | I64Load8U { .. }
            | I64Load16S { .. }
            | I64Load16U { .. }
            | I64Load32S { .. }
            | I64Load32U { .. }
            | I32WrapI64
            | I64ExtendI32S
            | I64ExtendI32U
            | I32Extend8S
            | I32Extend16S
            | I64Extend8S
            | I64Extend16S
            | I64Extend32S
            | F32Abs
            | F32Neg
            | F32Ceil
            | F32Floor
            | F32Trunc
            | F32Nearest
            | F32Sqrt
            | F64Abs
            | F64Neg
            | F64Ceil
            | F64Floor
            | F64Trunc
            | F64Nearest
            | F64Sqrt
            | I32TruncF32S
            | I32TruncF32U
            | I32TruncF64S
            | I32TruncF64U
            | I64TruncF32S
            | I64TruncF32U
            | I64TruncF64S
            | I64TruncF64U
            | F32ConvertI32S
            | F32ConvertI32U
            | F32ConvertI64S
            | F32ConvertI64U
            | F32DemoteF64
            | F64ConvertI32S
            | F64ConvertI32U
            | F64ConvertI64S
            | F64ConvertI64U
            | F64PromoteF32
            | I32ReinterpretF32
            | I64ReinterpretF64
            | F32ReinterpretI32
            | F64ReinterpretI64
            | I32TruncSatF32S
            | I32TruncSatF32U
            | I32TruncSatF64S
            | I32TruncSatF64U
            | I64TruncSatF32S
            | I64TruncSatF32U
            | I64TruncSatF64S
            | I64TruncSatF64U => {}
            LocalGet { .. }
            | GlobalGet { .. }
            | MemorySize { .. }
            | I32Const { .. }
            | I64Const { .. }
            | F32Const { .. }
            | F64Const { .. } => push!(1),
            Drop
            | I32Eq
            | I32Ne
            | I32LtS
            | I32LtU
            | I32GtS
            | I32GtU
            | I32LeS
            | I32LeU
            | I32GeS
            | I32GeU
            | I64Eq
            | I64Ne
            | I64LtS
            | I64LtU
            | I64GtS
            | I64GtU
            | I64LeS
            | I64LeU
            | I64GeS
            | I64GeU
            | F32Eq
            | F32Ne
            | F32Lt
            | F32Gt
            | F32Le
            | F32Ge
            | F64Eq
            | F64Ne
            | F64Lt
            | F64Gt
            | F64Le
            | F64Ge
            | I32Add
            | I32Sub
            | I32Mul
            | I32DivS
            | I32DivU
            | I32RemS
            | I32RemU
            | I64Add
            | I64Sub
            | I64Mul
            | I64DivS
            | I64DivU
            | I64RemS
            | I64RemU
            | I32And
            | I32Or
            | I32Xor
            | I32Shl
            | I32ShrS
            | I32ShrU
            | I32Rotl
            | I32Rotr
            | I64And
            | I64Or
            | I64Xor
            | I64Shl
            | I64ShrS
            | I64ShrU
            | I64Rotl
            | I64Rotr
            | F32Add
            | F32Sub
            | F32Mul
            | F32Div
            | F32Min
            | F32Max
            | F32Copysign
            | F64Add
            | F64Sub
            | F64Mul
            | F64Div
            | F64Min
            | F64Max
            | F64Copysign
            | BrIf { .. }
            | BrTable { .. }
            | LocalSet { .. }
            | GlobalSet { .. } => pop!(1),
            Select
            | I32Store { .. }
            | I64Store { .. }
            | F32Store { .. }
            | F64Store { .. }
            | I32Store8 { .. }
            | I32Store16 { .. }
            | I64Store8 { .. }
            | I64Store16 { .. }
            | I64Store32 { .. } => pop!(2),
            other => return Err(RuleError::new(format!("extension {other:?} not supported"))),
        }
    }
    if worst > MAX_FRAME_CONTENTION {
        return Err(RuleError::new(format!(
            "too many values on the stack at once: {worst} > {MAX_FRAME_CONTENTION}"
        )));
    }
    Ok(worst.saturating_add(locals).saturating_add(4))
}

/// The heap bound: `memory.grow` first calls `pay_for_memory_grow` with the page count.
pub fn heap_bound<'a>(
    ops: Vec<Operator<'a>>,
    g: Globals,
    pay_func: Option<u32>,
) -> Vec<Operator<'a>> {
    use Operator::*;
    let Some(function_index) = pay_func else { return ops };
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        if let MemoryGrow { .. } = op {
            out.extend([
                GlobalSet { global_index: g.scratch },
                GlobalGet { global_index: g.scratch },
                GlobalGet { global_index: g.scratch },
                Call { function_index },
            ]);
        }
        out.push(op);
    }
    out
}
