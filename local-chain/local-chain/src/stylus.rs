//! Stylus frames: the activated program's WASM runs in wasmi with every `vm_hooks` import bound
//! to the frame (see the crate docs for the semantics and the gas model).

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    io::Read,
    sync::Mutex,
};

use revm::{
    context::{Block, Cfg, ContextTr, JournalTr, Transaction},
    context_interface::CreateScheme,
    interpreter::{
        CallInputs, CallScheme, CallValue, CreateInputs, Gas, InstructionResult, InterpreterResult,
    },
    primitives::{keccak256, Address, Bytes, Log, LogData, B256, KECCAK_EMPTY, U256},
};
use serde::{Deserialize, Serialize};
pub use stylus_rules::params::{INK_PRICE as INK_PER_GAS, STYLUS_VERSION};
use stylus_rules::{
    activation::{self, INK_LEFT, INK_STATUS, STACK_LEFT},
    params::{self, MAX_STACK_DEPTH, MAX_WASM_SIZE},
    pricing::{self, hostio as ink},
};
use wasmi::{Caller, Engine, Error, Global, Linker, Memory, Module, Store, Val};

use crate::exec::{call_inputs, is_stylus_code, Exec};

/// What activation records for a program (by code hash), as Nitro's `Program` does.
/// (Fields missing from an older saved world read as 0 / false.)
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProgramInfo {
    /// Stylus version.
    pub version: u16,
    /// Size of the decompressed WASM.
    pub wasm_len: usize,
    /// Init cost from activation (before `MinInitGas` and the scalar).
    pub init_cost: u16,
    /// Cached init cost from activation.
    pub cached_init_cost: u16,
    /// Initial memory in pages.
    pub footprint: u16,
    /// Estimated machine-code size in KiB (rounded up, as Nitro stores it).
    pub asm_estimate_kb: u32,
    /// The estimate in bytes (what the activation's data fee is computed on).
    pub asm_estimate: u32,
    /// Activation hour (hours since Arbitrum began).
    pub activated_at: u32,
    /// In the CacheManager cache.
    pub cached: bool,
    /// Gas the activation's compilation costs.
    pub activation_gas: u64,
}

impl ProgramInfo {
    /// Gas to enter the program when it is not cached (`Program.initGas`).
    pub fn init_gas(&self) -> u64 {
        pricing::init_gas(self.init_cost)
    }
    /// Gas every entry pays (`Program.cachedGas`).
    pub fn cached_gas(&self) -> u64 {
        pricing::cached_gas(self.cached_init_cost)
    }
    /// Estimated machine-code size in bytes (`codehashAsmSize`).
    pub fn asm_size(&self) -> u32 {
        self.asm_estimate_kb.saturating_mul(1024)
    }
    /// Seconds since activation (or the last keepalive) at `time`.
    pub fn age(&self, time: u64) -> u64 {
        pricing::hours_to_age(time, self.activated_at)
    }
    /// Expired at `time` (older than `ExpiryDays`).
    pub fn expired(&self, time: u64) -> bool {
        self.age(time) > params::EXPIRY_DAYS as u64 * pricing::DAY
    }
}

/// Why a program cannot be activated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivationError(pub String);

impl fmt::Display for ActivationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "activation failed: {}", self.0)
    }
}
impl std::error::Error for ActivationError {}

/// The WASM engine, the linker holding every hostio, and compiled modules by code hash.
pub struct Runtime {
    engine: Engine,
    linker: Linker<StylusData>,
    modules: Mutex<HashMap<B256, Module>>,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}

impl Runtime {
    /// A new runtime. Ink is metered by the instrumentation activation adds (Nitro's), not
    /// by the engine: no fuel, so nothing depends on when wasmi compiles a function.
    pub fn new() -> Self {
        let mut config = wasmi::Config::default();
        config.consume_fuel(false);
        config.floats(true); // the SDK's console module declares float imports
        config.wasm_memory64(false);
        config.wasm_multi_memory(false);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        link_hostios(&mut linker);
        Self { engine, linker, modules: Mutex::new(HashMap::new()) }
    }

    /// Decompresses deployed Stylus code, applies Nitro's activation rules
    /// ([`stylus_rules::activation`]), compiles the instrumented module and caches it.
    /// `time` is the block timestamp (the activation hour is recorded).
    pub fn activate(&self, code: &[u8], time: u64) -> Result<ProgramInfo, ActivationError> {
        self.activate_with(code, time, params::PAGE_LIMIT)
    }

    /// [`Runtime::activate`] with the pages the module may start with (`PageLimit` minus the
    /// pages open in the transaction, as `ArbWasm.activateProgram` passes).
    pub fn activate_with(
        &self,
        code: &[u8],
        time: u64,
        page_limit: u16,
    ) -> Result<ProgramInfo, ActivationError> {
        let hash = keccak256(code);
        let wasm = decompress(code)?;
        // A debug chain: the console imports link.
        let opts = activation::Options { page_limit, debug: true };
        let activated = activation::activate(&wasm, opts).map_err(|e| ActivationError(e.0))?;
        let module = Module::new(&self.engine, &activated.wasm[..])
            .map_err(|e| ActivationError(format!("invalid WASM: {e}")))?;
        let a = activated.info;
        let info = ProgramInfo {
            version: STYLUS_VERSION,
            wasm_len: wasm.len(),
            init_cost: a.init_cost,
            cached_init_cost: a.cached_init_cost,
            footprint: a.footprint,
            asm_estimate_kb: a.asm_estimate.div_ceil(1024),
            asm_estimate: a.asm_estimate,
            activated_at: pricing::hours_since_arbitrum(time),
            cached: false,
            activation_gas: a.activation_gas,
        };
        self.modules.lock().expect("module cache lock").insert(hash, module);
        Ok(info)
    }

    fn module(&self, hash: B256, code: &[u8]) -> Option<Module> {
        if let Some(m) = self.modules.lock().expect("module cache lock").get(&hash) {
            return Some(m.clone());
        }
        // Not compiled in this process yet (e.g. a world loaded from disk): compile now.
        self.activate(code, params::ARBITRUM_START_TIME).ok()?;
        self.modules.lock().expect("module cache lock").get(&hash).cloned()
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}

/// Brotli-decompresses deployed Stylus code (`0xEFF000` + dictionary byte + brotli stream).
pub fn decompress(code: &[u8]) -> Result<Vec<u8>, ActivationError> {
    if !is_stylus_code(code) {
        return Err(ActivationError("code does not start with 0xEFF000".into()));
    }
    if code[3] != 0 {
        return Err(ActivationError(format!("unsupported brotli dictionary {}", code[3])));
    }
    let mut out = Vec::new();
    brotli::Decompressor::new(&code[4..], 4096)
        .take(MAX_WASM_SIZE as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| ActivationError(format!("brotli: {e}")))?;
    if out.len() > MAX_WASM_SIZE {
        return Err(ActivationError(format!(
            "decompressed size exceeds the {MAX_WASM_SIZE} B limit"
        )));
    }
    Ok(out)
}

/// Why a program stopped from inside a hostio.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Halt {
    /// Ran out of ink.
    OutOfInk,
    /// `exit_early(status)`.
    Exit(u32),
    /// A hostio refused (write in a static call, bad pointer, too many topics...).
    Failure(String),
}
impl fmt::Display for Halt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}
impl wasmi::errors::HostError for Halt {}

fn fail(msg: impl Into<String>) -> Error {
    Error::host(Halt::Failure(msg.into()))
}

/// A storage-cache word: its value and the value the world holds, when known (Nitro's
/// `StorageWord`): dirty when they differ.
#[derive(Clone, Copy, Debug)]
struct Slot {
    value: B256,
    known: Option<B256>,
}

impl Slot {
    fn dirty(&self) -> bool {
        Some(self.value) != self.known
    }
}

/// The frame a program runs in.
#[derive(Default)]
struct Frame {
    address: Address,
    caller: Address,
    value: U256,
    args: Bytes,
    is_static: bool,
    reentrant: bool,
    depth: usize,
    result: Vec<u8>,
    return_data: Bytes,
    cache: BTreeMap<B256, Slot>,
    /// Storage-cache reads and writes so far (Nitro's surcharges grow with them).
    reads: usize,
    writes: usize,
    memory: Option<Memory>,
    /// The instrumentation's ink, ink-status and stack globals.
    ink: Option<Global>,
    status: Option<Global>,
    stack: Option<Global>,
    /// SSTORE refunds (EIP-3529) of this frame and of its successful children.
    refund: i64,
    /// The hostio running now (its ink goes to its line of the trace) and the ink this
    /// frame's hostios bought (the rest of what the frame used is its WASM compute).
    hostio: &'static str,
    hostio_ink: u64,
    /// Of `hostio_ink`, the gas forwarded to callees and not returned (theirs, not ours).
    forwarded_ink: u64,
}

/// Where a transaction's Stylus gas went: program entries, WASM compute and each hostio
/// (the gas a call forwards to its callee is the callee's, counted in its own frame).
/// Ink is 1/10,000 gas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GasTrace {
    /// Stylus program entries and the gas they paid (init or cached entry, and memory).
    pub entries: u64,
    pub entry_gas: u64,
    /// Ink of WASM instructions (what the meter charged outside hostios).
    pub compute_ink: u64,
    /// Per hostio: calls and the ink (gas included) they bought.
    pub hostios: BTreeMap<&'static str, HostioCost>,
    /// Every program entry, in the order entered: what each frame itself cost.
    pub frames: Vec<FrameCost>,
}

/// One Stylus frame's own cost (its callees' is in their own entries).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameCost {
    /// Call depth (0 for the transaction's target).
    pub depth: usize,
    pub program: Address,
    /// The first four bytes of the calldata (zero when shorter).
    pub selector: [u8; 4],
    /// Entry gas: init or cached entry, and memory.
    pub entry_gas: u64,
    /// Ink of the frame's WASM instructions.
    pub compute_ink: u64,
    /// Ink its hostios bought (EVM gas of storage, logs, call costs included; the gas a
    /// call forwards excluded).
    pub hostio_ink: u64,
}

/// Calls of one hostio and the ink they bought.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostioCost {
    pub calls: u64,
    pub ink: u64,
}

impl GasTrace {
    /// Ink of every hostio together.
    pub fn hostio_ink(&self) -> u64 {
        self.hostios.values().map(|h| h.ink).sum()
    }
}

/// Marks the start of hostio `name` in the trace.
fn enter(c: &mut C<'_>, name: &'static str) {
    let d = c.data_mut();
    d.frame.hostio = name;
    d.exec.trace.hostios.entry(name).or_default().calls += 1;
}

/// Store data of a Stylus frame: the whole execution state (moved in for the frame's
/// lifetime, so hostios can run nested frames) and the frame itself.
#[derive(Default)]
pub struct StylusData {
    exec: Exec,
    frame: Frame,
}

/// Inserts `hash` into the recently-used list (most recent last, at most
/// `BlockCacheSize`); true when it was there already (Nitro's `RecentWasms.Insert`).
fn recent_insert(recent: &mut Vec<B256>, hash: B256) -> bool {
    if let Some(at) = recent.iter().position(|h| *h == hash) {
        recent.remove(at);
        recent.push(hash);
        return true;
    }
    recent.push(hash);
    if recent.len() > params::BLOCK_CACHE_SIZE as usize {
        recent.remove(0);
    }
    false
}

/// Runs the program at `inputs.bytecode_address` (already known to be Stylus code) in the
/// frame described by `inputs`.
pub(crate) fn run_program(
    exec: &mut Exec,
    inputs: &CallInputs,
    code_hash: B256,
    depth: usize,
) -> InterpreterResult {
    let gas_limit = inputs.gas_limit;
    let result = |r: InstructionResult, remaining: u64, output: Bytes| {
        let mut gas = Gas::new(gas_limit);
        let _ = gas.record_regular_cost(gas_limit.saturating_sub(remaining));
        InterpreterResult { result: r, gas, output }
    };
    let Some(info) = exec.activated.get(&code_hash).cloned() else {
        // Nitro: calling code that is not activated fails (ProgramNotActivated).
        return result(InstructionResult::Revert, gas_limit, Bytes::new());
    };
    let time = exec.ctx().block().timestamp().saturating_to::<u64>();
    if info.version != STYLUS_VERSION || info.expired(time) {
        // ProgramNeedsUpgrade / ProgramExpired.
        return result(InstructionResult::Revert, gas_limit, Bytes::new());
    }
    // Entry cost (Programs.CallProgram): the footprint's memory price, the cached cost, and
    // the init cost unless the program is cached or was used recently.
    let pages_before = exec.pages;
    let memory_gas =
        stylus_rules::memory::gas_cost(info.footprint, pages_before.open, pages_before.ever);
    let cached = info.cached | recent_insert(&mut exec.recent, code_hash);
    let entry = pricing::entry_gas(info.init_cost, info.cached_init_cost, cached, memory_gas);
    if gas_limit < entry {
        return result(InstructionResult::OutOfGas, 0, Bytes::new());
    }
    exec.pages.open = pages_before.open.saturating_add(info.footprint);
    exec.pages.ever = exec.pages.ever.max(exec.pages.open);
    exec.trace.entries += 1;
    exec.trace.entry_gas = exec.trace.entry_gas.saturating_add(entry);
    let args = match &inputs.input {
        revm::interpreter::CallInput::Bytes(b) => b.clone(),
        revm::interpreter::CallInput::SharedBuffer(_) => Bytes::new(), // never: the dispatcher materialises inputs
    };
    let frame_at = exec.trace.frames.len();
    exec.trace.frames.push(FrameCost {
        depth,
        program: inputs.target_address,
        selector: args.get(..4).and_then(|head| head.try_into().ok()).unwrap_or_default(),
        entry_gas: entry,
        ..Default::default()
    });
    let rt = exec.runtime();
    let code = match exec.ctx().journaled_state.code(inputs.bytecode_address) {
        Ok(c) => c.data,
        Err(_) => return result(InstructionResult::FatalExternalError, 0, Bytes::new()),
    };
    let Some(module) = rt.module(code_hash, &code) else {
        exec.pages.open = pages_before.open;
        return result(InstructionResult::Revert, gas_limit - entry, Bytes::new());
    };
    let reentrant = exec.frames.iter().filter(|a| **a == inputs.target_address).count() > 1;
    let frame = Frame {
        address: inputs.target_address,
        caller: inputs.caller,
        value: inputs.value.get(),
        args: args.clone(),
        is_static: inputs.is_static,
        reentrant,
        depth,
        ..Default::default()
    };
    let mut store = Store::new(&rt.engine, StylusData { exec: std::mem::take(exec), frame });
    let start_ink = (gas_limit - entry).saturating_mul(INK_PER_GAS);
    let outcome = (|| -> Result<i32, Error> {
        let instance = rt.linker.instantiate_and_start(&mut store, &module)?;
        let memory =
            instance.get_memory(&store, "memory").ok_or_else(|| fail("no memory export"))?;
        let global = |name| instance.get_global(&store, name).ok_or_else(|| fail("not metered"));
        let (ink, status, stack) = (global(INK_LEFT)?, global(INK_STATUS)?, global(STACK_LEFT)?);
        ink.set(&mut store, Val::I64(start_ink as i64))?;
        status.set(&mut store, Val::I32(0))?;
        stack.set(&mut store, Val::I32(MAX_STACK_DEPTH as i32))?;
        let f = &mut store.data_mut().frame;
        f.memory = Some(memory);
        f.ink = Some(ink);
        f.status = Some(status);
        f.stack = Some(stack);
        let entry = instance.get_typed_func::<i32, i32>(&store, "user_entrypoint")?;
        entry.call(&mut store, args.len() as i32)
    })();
    let (ink_left, exhausted, stack_left) = {
        let f = &store.data().frame;
        let get = |g: Option<Global>| g.map(|g| g.get(&store));
        let ink = match get(f.ink) {
            Some(Val::I64(v)) => v as u64,
            _ => 0,
        };
        let status = matches!(get(f.status), Some(Val::I32(s)) if s != 0);
        let stack = match get(f.stack) {
            Some(Val::I32(v)) => v,
            _ => 1,
        };
        (ink, status, stack)
    };
    let data = store.into_data();
    *exec = data.exec;
    // The frame's compute: what it used less what its hostios bought and what its
    // callees used.
    let used = start_ink.saturating_sub(if exhausted { 0 } else { ink_left });
    let compute_ink = used.saturating_sub(data.frame.hostio_ink);
    exec.trace.compute_ink = exec.trace.compute_ink.saturating_add(compute_ink);
    if let Some(f) = exec.trace.frames.get_mut(frame_at) {
        f.compute_ink = compute_ink;
        f.hostio_ink = data.frame.hostio_ink.saturating_sub(data.frame.forwarded_ink);
    }
    exec.pages.open = pages_before.open;
    let mut remaining = if exhausted { 0 } else { ink_left / INK_PER_GAS };
    let output = Bytes::from(data.frame.result);
    let status = match outcome {
        Ok(s) => s as u32,
        Err(e) => match e.downcast_ref::<Halt>() {
            Some(Halt::Exit(s)) => *s,
            Some(Halt::OutOfInk) => return result(InstructionResult::OutOfGas, 0, Bytes::new()),
            Some(Halt::Failure(_)) => {
                return result(InstructionResult::Revert, remaining, Bytes::new())
            }
            None => {
                if exhausted {
                    return result(InstructionResult::OutOfGas, 0, Bytes::new());
                }
                if stack_left == 0 {
                    // Nitro's OutOfStack: an error, all gas used.
                    return result(InstructionResult::StackOverflow, 0, Bytes::new());
                }
                // A trap (panic, unreachable, bad memory access): Nitro's "failure", which
                // reverts with no data and returns the unused gas.
                return result(InstructionResult::Revert, remaining, Bytes::new());
            }
        },
    };
    // Returning data costs what EVM memory for it would (ArbOS 31's Stylus fixes).
    if !output.is_empty() {
        let evm_cost = pricing::evm_memory_cost(output.len() as u64);
        if gas_limit < evm_cost {
            return result(InstructionResult::OutOfGas, 0, Bytes::new());
        }
        remaining = remaining.min(gas_limit - evm_cost);
    }
    if status == 0 {
        let mut r = result(InstructionResult::Return, remaining, output);
        r.gas.record_refund(data.frame.refund);
        r
    } else {
        result(InstructionResult::Revert, remaining, output)
    }
}

// ---------------------------------------------------------------------------------------
// Hostio helpers

type C<'a> = Caller<'a, StylusData>;

fn memory(c: &C<'_>) -> Result<Memory, Error> {
    c.data().frame.memory.ok_or_else(|| fail("memory not ready"))
}

fn read(c: &C<'_>, ptr: i32, len: usize) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0u8; len];
    memory(c)?.read(c, ptr as u32 as usize, &mut buf).map_err(|_| fail("out of bounds read"))?;
    Ok(buf)
}

fn read_n<const N: usize>(c: &C<'_>, ptr: i32) -> Result<[u8; N], Error> {
    let mut buf = [0u8; N];
    memory(c)?.read(c, ptr as u32 as usize, &mut buf).map_err(|_| fail("out of bounds read"))?;
    Ok(buf)
}

fn read_address(c: &C<'_>, ptr: i32) -> Result<Address, Error> {
    Ok(Address::from(read_n::<20>(c, ptr)?))
}

fn read_b256(c: &C<'_>, ptr: i32) -> Result<B256, Error> {
    Ok(B256::from(read_n::<32>(c, ptr)?))
}

fn write(c: &mut C<'_>, ptr: i32, bytes: &[u8]) -> Result<(), Error> {
    let mem = memory(c)?;
    mem.write(c, ptr as u32 as usize, bytes).map_err(|_| fail("out of bounds write"))
}

fn ink_left(c: &C<'_>) -> u64 {
    match c.data().frame.ink.map(|g| g.get(c)) {
        Some(Val::I64(v)) => v as u64,
        _ => 0,
    }
}

fn set_ink(c: &mut C<'_>, ink: u64) -> Result<(), Error> {
    let g = c.data().frame.ink.ok_or_else(|| fail("not metered"))?;
    g.set(c, Val::I64(ink as i64))?;
    Ok(())
}

/// Out of ink: the meter reads exhausted (Nitro's `MachineMeter::Exhausted`).
fn out_of_ink<T>(c: &mut C<'_>) -> Result<T, Error> {
    set_ink(c, 0)?;
    if let Some(g) = c.data().frame.status {
        g.set(&mut *c, Val::I32(1))?;
    }
    Err(Error::host(Halt::OutOfInk))
}

/// `buy_ink`: pay `ink` or run out; the ink goes to the running hostio's line.
fn buy_ink(c: &mut C<'_>, ink: u64) -> Result<(), Error> {
    take_ink(c, ink)?;
    let d = c.data_mut();
    d.frame.hostio_ink = d.frame.hostio_ink.saturating_add(ink);
    let line = d.exec.trace.hostios.entry(d.frame.hostio).or_default();
    line.ink = line.ink.saturating_add(ink);
    Ok(())
}

/// Forwards `gas` to a callee: paid here, counted as the callee's (in its own frame).
fn forward_gas(c: &mut C<'_>, gas: u64) -> Result<(), Error> {
    let ink = gas.saturating_mul(INK_PER_GAS);
    take_ink(c, ink)?;
    let f = &mut c.data_mut().frame;
    f.hostio_ink = f.hostio_ink.saturating_add(ink);
    f.forwarded_ink = f.forwarded_ink.saturating_add(ink);
    Ok(())
}

/// The unused part of forwarded gas back from a callee.
fn unforward_gas(c: &mut C<'_>, gas: u64) -> Result<(), Error> {
    refund_gas(c, gas)?;
    let f = &mut c.data_mut().frame;
    f.hostio_ink = f.hostio_ink.saturating_sub(gas.saturating_mul(INK_PER_GAS));
    f.forwarded_ink = f.forwarded_ink.saturating_sub(gas.saturating_mul(INK_PER_GAS));
    Ok(())
}

/// Pays `ink` or runs out, off the trace.
fn take_ink(c: &mut C<'_>, ink: u64) -> Result<(), Error> {
    let left = ink_left(c);
    if left < ink {
        return out_of_ink(c);
    }
    set_ink(c, left - ink)
}

/// `require_ink`: fail unless `ink` is left, burning nothing.
fn require_gas(c: &mut C<'_>, gas: u64) -> Result<(), Error> {
    if ink_left(c) < gas.saturating_mul(INK_PER_GAS) {
        return out_of_ink(c);
    }
    Ok(())
}

fn charge_gas(c: &mut C<'_>, gas: u64) -> Result<(), Error> {
    buy_ink(c, gas.saturating_mul(INK_PER_GAS))
}

fn gas_left(c: &C<'_>) -> u64 {
    ink_left(c) / INK_PER_GAS
}

fn refund_gas(c: &mut C<'_>, gas: u64) -> Result<(), Error> {
    let ink = ink_left(c).saturating_add(gas.saturating_mul(INK_PER_GAS));
    set_ink(c, ink)
}

fn require_mutable(c: &C<'_>) -> Result<(), Error> {
    if c.data().frame.is_static {
        return Err(fail("state change in a static call"));
    }
    Ok(())
}

/// EIP-2929 account access cost; loads the account.
fn access_account(c: &mut C<'_>, address: Address) -> Result<(bool, bool), Error> {
    let acc = c
        .data_mut()
        .exec
        .ctx()
        .journaled_state
        .load_account(address)
        .map_err(|_| fail("database error"))?;
    let (cold, empty) = (acc.is_cold, acc.data.is_empty());
    charge_gas(c, if cold { 2_600 } else { 100 })?;
    Ok((cold, empty))
}

/// Writes the dirty cached slots to the journal (EVM-equal SSTORE gas).
fn flush_cache(c: &mut C<'_>, clear: bool) -> Result<(), Error> {
    let dirty: Vec<(B256, B256)> = c
        .data()
        .frame
        .cache
        .iter()
        .filter(|(_, s)| s.dirty())
        .map(|(k, s)| (*k, s.value))
        .collect();
    if !dirty.is_empty() {
        require_mutable(c)?;
    }
    let address = c.data().frame.address;
    for (key, value) in dirty {
        let res = c
            .data_mut()
            .exec
            .ctx()
            .journaled_state
            .sstore(address, key.into(), value.into())
            .map_err(|_| fail("database error"))?;
        let r = &res.data;
        let mut cost = if res.is_cold { 2_100 } else { 0 };
        cost += if r.new_value == r.present_value {
            100
        } else if r.original_value == r.present_value {
            if r.original_value.is_zero() {
                20_000
            } else {
                2_900
            }
        } else {
            100
        };
        charge_gas(c, cost)?;
        c.data_mut().frame.refund += sstore_refund(r.original_value, r.present_value, r.new_value);
        if let Some(s) = c.data_mut().frame.cache.get_mut(&key) {
            s.known = Some(s.value);
        }
    }
    if clear {
        c.data_mut().frame.cache.clear();
    }
    Ok(())
}

/// EIP-3529 SSTORE refund (as the EVM's, London and later).
fn sstore_refund(original: U256, present: U256, new: U256) -> i64 {
    const CLEAR: i64 = 4_800;
    if new == present {
        return 0;
    }
    if original == present {
        return if !original.is_zero() && new.is_zero() { CLEAR } else { 0 };
    }
    let mut refund = 0;
    if !original.is_zero() {
        if present.is_zero() {
            refund -= CLEAR;
        } else if new.is_zero() {
            refund += CLEAR;
        }
    }
    if original == new {
        refund += if original.is_zero() { 20_000 - 100 } else { 2_900 - 100 };
    }
    refund
}

fn write_u32(c: &mut C<'_>, ptr: i32, v: u32) -> Result<(), Error> {
    write(c, ptr, &v.to_le_bytes())
}

/// CALL / DELEGATECALL / STATICCALL from a program.
#[allow(clippy::too_many_arguments)]
fn do_call(
    mut c: C<'_>,
    scheme: CallScheme,
    contract: i32,
    data: i32,
    len: i32,
    value: Option<i32>,
    gas: u64,
    ret_len: i32,
) -> Result<i32, Error> {
    let len = len as u32 as usize;
    buy_ink(&mut c, ink::CALL_CONTRACT)?;
    buy_ink(&mut c, 2 * pricing::read_price(len as u32))?;
    let target = read_address(&c, contract)?;
    let input = Bytes::from(read(&c, data, len)?);
    let value = match value {
        Some(p) => U256::from_be_bytes(read_n::<32>(&c, p)?),
        None => U256::ZERO,
    };
    let f = &c.data().frame;
    let (me, sender, my_value, is_static, depth) =
        (f.address, f.caller, f.value, f.is_static, f.depth);
    if is_static && !value.is_zero() {
        return Err(fail("value transfer in a static call"));
    }
    flush_cache(&mut c, false)?;
    let (_, empty) = access_account(&mut c, target)?;
    if !value.is_zero() {
        charge_gas(&mut c, 9_000 + if empty { 25_000 } else { 0 })?;
    }
    // Nitro's 63/64 rule on the gas left after the call's base cost.
    let left = gas_left(&c);
    let mut child = gas.min(left.saturating_mul(63) / 64);
    forward_gas(&mut c, child)?;
    if !value.is_zero() {
        child += 2_300;
    }
    let inputs = match scheme {
        CallScheme::DelegateCall => call_inputs(
            scheme,
            sender,
            me,
            target,
            CallValue::Apparent(my_value),
            input,
            child,
            is_static,
        ),
        CallScheme::StaticCall => call_inputs(
            scheme,
            me,
            target,
            target,
            CallValue::Transfer(U256::ZERO),
            input,
            child,
            true,
        ),
        _ => call_inputs(
            scheme,
            me,
            target,
            target,
            CallValue::Transfer(value),
            input,
            child,
            is_static,
        ),
    };
    let outcome = c.data_mut().exec.call(inputs, depth + 1);
    let ok = outcome.result.result.is_ok();
    if ok {
        c.data_mut().frame.refund += outcome.result.gas.refunded();
    }
    let remaining =
        if outcome.result.result.is_ok_or_revert() { outcome.result.gas.remaining() } else { 0 };
    unforward_gas(&mut c, remaining)?;
    let out = outcome.result.output;
    let out_len = out.len() as u32;
    c.data_mut().frame.return_data = out;
    write_u32(&mut c, ret_len, out_len)?;
    Ok(if ok { 0 } else { 1 })
}

/// CREATE / CREATE2 from a program.
fn do_create(
    mut c: C<'_>,
    code: i32,
    code_len: i32,
    endowment: i32,
    salt: Option<i32>,
    contract: i32,
    revert_len: i32,
) -> Result<(), Error> {
    let code_len = code_len as u32 as usize;
    buy_ink(&mut c, if salt.is_some() { ink::CREATE2 } else { ink::CREATE1 })?;
    buy_ink(&mut c, 2 * pricing::read_price(code_len as u32))?;
    require_mutable(&c)?;
    let init = Bytes::from(read(&c, code, code_len)?);
    let value = U256::from_be_bytes(read_n::<32>(&c, endowment)?);
    let scheme = match salt {
        Some(p) => CreateScheme::Create2 { salt: U256::from_be_bytes(read_n::<32>(&c, p)?) },
        None => CreateScheme::Create,
    };
    flush_cache(&mut c, false)?;
    let words = (code_len as u64).div_ceil(32);
    let mut cost = 32_000 + 2 * words;
    if salt.is_some() {
        cost += 6 * words;
    }
    charge_gas(&mut c, cost)?;
    let left = gas_left(&c);
    let child = left - left / 64;
    forward_gas(&mut c, child)?;
    let (me, depth) = (c.data().frame.address, c.data().frame.depth);
    let inputs = CreateInputs::new(me, scheme, value, init, child, 0);
    let outcome = c.data_mut().exec.create(inputs, depth + 1);
    let r = outcome.result.result;
    if r.is_ok() {
        c.data_mut().frame.refund += outcome.result.gas.refunded();
    }
    let remaining = if r.is_ok_or_revert() { outcome.result.gas.remaining() } else { 0 };
    unforward_gas(&mut c, remaining)?;
    let (address, data) = if r.is_ok() {
        (outcome.address.unwrap_or_default(), Bytes::new())
    } else if r == InstructionResult::Revert {
        (Address::ZERO, outcome.result.output)
    } else {
        (Address::ZERO, Bytes::new())
    };
    let len = data.len() as u32;
    c.data_mut().frame.return_data = data;
    write(&mut c, contract, address.as_slice())?;
    write_u32(&mut c, revert_len, len)?;
    Ok(())
}

/// Every import the stylus-sdk 0.9 (and Nitro) can ask for.
pub const HOSTIO_NAMES: &[(&str, &str)] = &[
    ("vm_hooks", "read_args"),
    ("vm_hooks", "write_result"),
    ("vm_hooks", "exit_early"),
    ("vm_hooks", "storage_load_bytes32"),
    ("vm_hooks", "storage_cache_bytes32"),
    ("vm_hooks", "storage_flush_cache"),
    ("vm_hooks", "transient_load_bytes32"),
    ("vm_hooks", "transient_store_bytes32"),
    ("vm_hooks", "call_contract"),
    ("vm_hooks", "delegate_call_contract"),
    ("vm_hooks", "static_call_contract"),
    ("vm_hooks", "create1"),
    ("vm_hooks", "create2"),
    ("vm_hooks", "read_return_data"),
    ("vm_hooks", "return_data_size"),
    ("vm_hooks", "emit_log"),
    ("vm_hooks", "account_balance"),
    ("vm_hooks", "account_code"),
    ("vm_hooks", "account_code_size"),
    ("vm_hooks", "account_codehash"),
    ("vm_hooks", "evm_gas_left"),
    ("vm_hooks", "evm_ink_left"),
    ("vm_hooks", "block_basefee"),
    ("vm_hooks", "chainid"),
    ("vm_hooks", "block_coinbase"),
    ("vm_hooks", "block_gas_limit"),
    ("vm_hooks", "block_number"),
    ("vm_hooks", "block_timestamp"),
    ("vm_hooks", "contract_address"),
    ("vm_hooks", "native_keccak256"),
    ("vm_hooks", "msg_reentrant"),
    ("vm_hooks", "msg_sender"),
    ("vm_hooks", "msg_value"),
    ("vm_hooks", "tx_gas_price"),
    ("vm_hooks", "tx_ink_price"),
    ("vm_hooks", "tx_origin"),
    ("vm_hooks", "pay_for_memory_grow"),
    ("console", "log_txt"),
    ("console", "log_i32"),
    ("console", "log_i64"),
    ("console", "log_f32"),
    ("console", "log_f64"),
];

fn link_hostios(l: &mut Linker<StylusData>) {
    const M: &str = "vm_hooks";
    let ok = |r: Result<&mut Linker<StylusData>, wasmi::errors::LinkerError>| {
        r.expect("hostio names are unique");
    };

    ok(l.func_wrap(M, "read_args", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        enter(&mut c, "read_args");
        let args = c.data().frame.args.clone();
        buy_ink(&mut c, ink::READ_ARGS)?;
        buy_ink(&mut c, pricing::write_price(args.len() as u32))?;
        write(&mut c, dest, &args)
    }));
    ok(l.func_wrap(M, "write_result", |mut c: C<'_>, ptr: i32, len: i32| -> Result<(), Error> {
        enter(&mut c, "write_result");
        let len = len as u32 as usize;
        buy_ink(&mut c, ink::WRITE_RESULT)?;
        buy_ink(&mut c, 2 * pricing::read_price(len as u32))?;
        let data = read(&c, ptr, len)?;
        c.data_mut().frame.result = data;
        Ok(())
    }));
    ok(l.func_wrap(M, "exit_early", |_c: C<'_>, status: i32| -> Result<(), Error> {
        Err(Error::host(Halt::Exit(status as u32)))
    }));
    ok(l.func_wrap(
        M,
        "storage_load_bytes32",
        |mut c: C<'_>, key: i32, dest: i32| -> Result<(), Error> {
            enter(&mut c, "storage_load_bytes32");
            buy_ink(&mut c, ink::STORAGE_LOAD)?;
            // Enough for a cold miss: SLOAD, the cache's access gas and the EVM API call.
            let api_gas = pricing::EVM_API_INK / INK_PER_GAS;
            require_gas(&mut c, 2_100 + pricing::REQUIRED_ACCESS_GAS + api_gas)?;
            let key = read_b256(&c, key)?;
            c.data_mut().frame.reads += 1;
            let surcharge = pricing::cache_read_gas(c.data().frame.reads);
            charge_gas(&mut c, surcharge)?;
            let value = if let Some(s) = c.data().frame.cache.get(&key) {
                s.value
            } else {
                let address = c.data().frame.address;
                let load = c
                    .data_mut()
                    .exec
                    .ctx()
                    .journaled_state
                    .sload(address, key.into())
                    .map_err(|_| fail("database error"))?;
                let (v, cold) = (B256::from(load.data), load.is_cold);
                charge_gas(&mut c, if cold { 2_100 } else { 100 } + api_gas)?;
                c.data_mut().frame.cache.insert(key, Slot { value: v, known: Some(v) });
                v
            };
            write(&mut c, dest, value.as_slice())
        },
    ));
    ok(l.func_wrap(
        M,
        "storage_cache_bytes32",
        |mut c: C<'_>, key: i32, value: i32| -> Result<(), Error> {
            enter(&mut c, "storage_cache_bytes32");
            buy_ink(&mut c, ink::STORAGE_CACHE)?;
            // Nitro refuses a store unless the SSTORE sentry (2,300 gas) and the cache's
            // access gas are left.
            require_gas(&mut c, pricing::SSTORE_SENTRY_GAS + pricing::REQUIRED_ACCESS_GAS)?;
            let key = read_b256(&c, key)?;
            let value = read_b256(&c, value)?;
            c.data_mut().frame.writes += 1;
            let surcharge = pricing::cache_write_gas(c.data().frame.writes);
            charge_gas(&mut c, surcharge)?;
            let cache = &mut c.data_mut().frame.cache;
            match cache.get_mut(&key) {
                Some(s) => s.value = value,
                None => drop(cache.insert(key, Slot { value, known: None })),
            }
            Ok(())
        },
    ));
    ok(l.func_wrap(M, "storage_flush_cache", |mut c: C<'_>, clear: i32| -> Result<(), Error> {
        enter(&mut c, "storage_flush_cache");
        buy_ink(&mut c, ink::STORAGE_FLUSH)?;
        require_gas(&mut c, pricing::SSTORE_SENTRY_GAS)?;
        flush_cache(&mut c, clear != 0)
    }));
    ok(l.func_wrap(
        M,
        "transient_load_bytes32",
        |mut c: C<'_>, key: i32, dest: i32| -> Result<(), Error> {
            enter(&mut c, "transient_load_bytes32");
            buy_ink(&mut c, ink::TRANSIENT_LOAD)?;
            charge_gas(&mut c, 100)?;
            let key = read_b256(&c, key)?;
            let address = c.data().frame.address;
            let v = c.data_mut().exec.ctx().journaled_state.tload(address, key.into());
            write(&mut c, dest, &v.to_be_bytes::<32>())
        },
    ));
    ok(l.func_wrap(
        M,
        "transient_store_bytes32",
        |mut c: C<'_>, key: i32, value: i32| -> Result<(), Error> {
            enter(&mut c, "transient_store_bytes32");
            buy_ink(&mut c, ink::TRANSIENT_STORE)?;
            charge_gas(&mut c, 100)?;
            require_mutable(&c)?;
            let key = read_b256(&c, key)?;
            let value = read_b256(&c, value)?;
            let address = c.data().frame.address;
            c.data_mut().exec.ctx().journaled_state.tstore(address, key.into(), value.into());
            Ok(())
        },
    ));
    ok(l.func_wrap(
        M,
        "call_contract",
        |mut c: C<'_>,
         contract: i32,
         data: i32,
         len: i32,
         value: i32,
         gas: i64,
         ret_len: i32|
         -> Result<i32, Error> {
            enter(&mut c, "call_contract");
            do_call(c, CallScheme::Call, contract, data, len, Some(value), gas as u64, ret_len)
        },
    ));
    ok(l.func_wrap(
        M,
        "delegate_call_contract",
        |mut c: C<'_>,
         contract: i32,
         data: i32,
         len: i32,
         gas: i64,
         ret_len: i32|
         -> Result<i32, Error> {
            enter(&mut c, "delegate_call_contract");
            do_call(c, CallScheme::DelegateCall, contract, data, len, None, gas as u64, ret_len)
        },
    ));
    ok(l.func_wrap(
        M,
        "static_call_contract",
        |mut c: C<'_>,
         contract: i32,
         data: i32,
         len: i32,
         gas: i64,
         ret_len: i32|
         -> Result<i32, Error> {
            enter(&mut c, "static_call_contract");
            do_call(c, CallScheme::StaticCall, contract, data, len, None, gas as u64, ret_len)
        },
    ));
    ok(l.func_wrap(
        M,
        "create1",
        |mut c: C<'_>,
         code: i32,
         len: i32,
         endowment: i32,
         contract: i32,
         revert_len: i32|
         -> Result<(), Error> {
            enter(&mut c, "create1");
            do_create(c, code, len, endowment, None, contract, revert_len)
        },
    ));
    ok(l.func_wrap(
        M,
        "create2",
        |mut c: C<'_>,
         code: i32,
         len: i32,
         endowment: i32,
         salt: i32,
         contract: i32,
         revert_len: i32|
         -> Result<(), Error> {
            enter(&mut c, "create2");
            do_create(c, code, len, endowment, Some(salt), contract, revert_len)
        },
    ));
    ok(l.func_wrap(
        M,
        "read_return_data",
        |mut c: C<'_>, dest: i32, offset: i32, size: i32| -> Result<i32, Error> {
            enter(&mut c, "read_return_data");
            let (offset, size) = (offset as u32 as usize, size as u32 as usize);
            buy_ink(&mut c, ink::READ_RETURN_DATA)?;
            let data = c.data().frame.return_data.clone();
            // Pays for only as many bytes as could be written.
            let max = data.len().saturating_sub(offset);
            buy_ink(&mut c, pricing::write_price(size.min(max) as u32))?;
            let start = offset.min(data.len());
            let end = offset.saturating_add(size).min(data.len());
            write(&mut c, dest, &data[start..end])?;
            Ok((end - start) as i32)
        },
    ));
    ok(l.func_wrap(M, "return_data_size", |mut c: C<'_>| -> Result<i32, Error> {
        enter(&mut c, "return_data_size");
        buy_ink(&mut c, ink::RETURN_DATA_SIZE)?;
        Ok(c.data().frame.return_data.len() as i32)
    }));
    ok(l.func_wrap(
        M,
        "emit_log",
        |mut c: C<'_>, data: i32, len: i32, topics: i32| -> Result<(), Error> {
            enter(&mut c, "emit_log");
            let len = len as u32 as usize;
            let topics = topics as u32 as usize;
            buy_ink(&mut c, ink::EMIT_LOG)?;
            require_mutable(&c)?;
            if topics > 4 || len < topics * 32 {
                return Err(fail("bad log"));
            }
            buy_ink(&mut c, pricing::read_price(len as u32))?;
            charge_gas(&mut c, 375 + 375 * topics as u64 + 8 * (len - topics * 32) as u64)?;
            let bytes = read(&c, data, len)?;
            let t: Vec<B256> =
                (0..topics).map(|i| B256::from_slice(&bytes[i * 32..i * 32 + 32])).collect();
            let address = c.data().frame.address;
            let log = Log {
                address,
                data: LogData::new_unchecked(t, Bytes::copy_from_slice(&bytes[topics * 32..])),
            };
            c.data_mut().exec.ctx().journaled_state.log(log);
            Ok(())
        },
    ));
    ok(l.func_wrap(
        M,
        "account_balance",
        |mut c: C<'_>, address: i32, dest: i32| -> Result<(), Error> {
            enter(&mut c, "account_balance");
            buy_ink(&mut c, ink::ACCOUNT_BALANCE)?;
            require_gas(&mut c, 2_600)?;
            let a = read_address(&c, address)?;
            access_account(&mut c, a)?;
            let bal = c
                .data_mut()
                .exec
                .ctx()
                .journaled_state
                .load_account(a)
                .map_err(|_| fail("database error"))?
                .data
                .info
                .balance;
            write(&mut c, dest, &bal.to_be_bytes::<32>())
        },
    ));
    ok(l.func_wrap(
        M,
        "account_code",
        |mut c: C<'_>, address: i32, offset: i32, size: i32, dest: i32| -> Result<i32, Error> {
            enter(&mut c, "account_code");
            let (offset, size) = (offset as u32 as usize, size as u32 as usize);
            buy_ink(&mut c, ink::ACCOUNT_CODE)?;
            require_gas(&mut c, 2_600)?;
            let a = read_address(&c, address)?;
            access_account(&mut c, a)?;
            let code = account_code(&mut c, a)?;
            buy_ink(&mut c, pricing::write_price(code.len() as u32))?;
            let start = offset.min(code.len());
            let end = offset.saturating_add(size).min(code.len());
            write(&mut c, dest, &code[start..end])?;
            Ok((end - start) as i32)
        },
    ));
    ok(l.func_wrap(M, "account_code_size", |mut c: C<'_>, address: i32| -> Result<i32, Error> {
        enter(&mut c, "account_code_size");
        buy_ink(&mut c, ink::ACCOUNT_CODE_SIZE)?;
        require_gas(&mut c, 2_600)?;
        let a = read_address(&c, address)?;
        access_account(&mut c, a)?;
        Ok(account_code(&mut c, a)?.len() as i32)
    }));
    ok(l.func_wrap(
        M,
        "account_codehash",
        |mut c: C<'_>, address: i32, dest: i32| -> Result<(), Error> {
            enter(&mut c, "account_codehash");
            buy_ink(&mut c, ink::ACCOUNT_CODE_HASH)?;
            require_gas(&mut c, 2_600)?;
            let a = read_address(&c, address)?;
            access_account(&mut c, a)?;
            let acc = c
                .data_mut()
                .exec
                .ctx()
                .journaled_state
                .load_account_with_code(a)
                .map_err(|_| fail("database error"))?;
            let hash = if acc.data.is_empty() { B256::ZERO } else { acc.data.info.code_hash };
            let hash = if hash == B256::ZERO && !acc.data.is_empty() { KECCAK_EMPTY } else { hash };
            write(&mut c, dest, hash.as_slice())
        },
    ));
    ok(l.func_wrap(M, "evm_gas_left", |mut c: C<'_>| -> Result<i64, Error> {
        enter(&mut c, "evm_gas_left");
        buy_ink(&mut c, ink::EVM_GAS_LEFT)?;
        Ok(gas_left(&c) as i64)
    }));
    ok(l.func_wrap(M, "evm_ink_left", |mut c: C<'_>| -> Result<i64, Error> {
        enter(&mut c, "evm_ink_left");
        buy_ink(&mut c, ink::EVM_INK_LEFT)?;
        Ok(ink_left(&c) as i64)
    }));
    ok(l.func_wrap(M, "block_basefee", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        enter(&mut c, "block_basefee");
        buy_ink(&mut c, ink::BLOCK_BASEFEE)?;
        let v = U256::from(c.data_mut().exec.ctx().block().basefee());
        write(&mut c, dest, &v.to_be_bytes::<32>())
    }));
    ok(l.func_wrap(M, "chainid", |mut c: C<'_>| -> Result<i64, Error> {
        enter(&mut c, "chainid");
        buy_ink(&mut c, ink::CHAIN_ID)?;
        Ok(c.data_mut().exec.ctx().cfg().chain_id() as i64)
    }));
    ok(l.func_wrap(M, "block_coinbase", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        enter(&mut c, "block_coinbase");
        buy_ink(&mut c, ink::BLOCK_COINBASE)?;
        let v = c.data_mut().exec.ctx().block().beneficiary();
        write(&mut c, dest, v.as_slice())
    }));
    ok(l.func_wrap(M, "block_gas_limit", |mut c: C<'_>| -> Result<i64, Error> {
        enter(&mut c, "block_gas_limit");
        buy_ink(&mut c, ink::BLOCK_GAS_LIMIT)?;
        Ok(c.data_mut().exec.ctx().block().gas_limit() as i64)
    }));
    ok(l.func_wrap(M, "block_number", |mut c: C<'_>| -> Result<i64, Error> {
        enter(&mut c, "block_number");
        buy_ink(&mut c, ink::BLOCK_NUMBER)?;
        Ok(c.data_mut().exec.ctx().block().number().saturating_to::<u64>() as i64)
    }));
    ok(l.func_wrap(M, "block_timestamp", |mut c: C<'_>| -> Result<i64, Error> {
        enter(&mut c, "block_timestamp");
        buy_ink(&mut c, ink::BLOCK_TIMESTAMP)?;
        Ok(c.data_mut().exec.ctx().block().timestamp().saturating_to::<u64>() as i64)
    }));
    ok(l.func_wrap(M, "contract_address", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        enter(&mut c, "contract_address");
        buy_ink(&mut c, ink::ADDRESS)?;
        let a = c.data().frame.address;
        write(&mut c, dest, a.as_slice())
    }));
    ok(l.func_wrap(
        M,
        "native_keccak256",
        |mut c: C<'_>, bytes: i32, len: i32, out: i32| -> Result<(), Error> {
            enter(&mut c, "native_keccak256");
            let len = len as u32 as usize;
            buy_ink(&mut c, pricing::keccak_price(len as u32))?;
            let data = read(&c, bytes, len)?;
            write(&mut c, out, keccak256(data).as_slice())
        },
    ));
    ok(l.func_wrap(M, "msg_reentrant", |mut c: C<'_>| -> Result<i32, Error> {
        enter(&mut c, "msg_reentrant");
        buy_ink(&mut c, ink::MSG_REENTRANT)?;
        Ok(c.data().frame.reentrant as i32)
    }));
    ok(l.func_wrap(M, "msg_sender", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        enter(&mut c, "msg_sender");
        buy_ink(&mut c, ink::MSG_SENDER)?;
        let a = c.data().frame.caller;
        write(&mut c, dest, a.as_slice())
    }));
    ok(l.func_wrap(M, "msg_value", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        enter(&mut c, "msg_value");
        buy_ink(&mut c, ink::MSG_VALUE)?;
        let v = c.data().frame.value;
        write(&mut c, dest, &v.to_be_bytes::<32>())
    }));
    ok(l.func_wrap(M, "tx_gas_price", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        enter(&mut c, "tx_gas_price");
        buy_ink(&mut c, ink::TX_GAS_PRICE)?;
        let ctx = c.data_mut().exec.ctx();
        let basefee = ctx.block().basefee() as u128;
        let v = U256::from(ctx.tx().effective_gas_price(basefee));
        write(&mut c, dest, &v.to_be_bytes::<32>())
    }));
    ok(l.func_wrap(M, "tx_ink_price", |mut c: C<'_>| -> Result<i32, Error> {
        enter(&mut c, "tx_ink_price");
        buy_ink(&mut c, ink::TX_INK_PRICE)?;
        Ok(INK_PER_GAS as i32)
    }));
    ok(l.func_wrap(M, "tx_origin", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        enter(&mut c, "tx_origin");
        buy_ink(&mut c, ink::TX_ORIGIN)?;
        let a = c.data_mut().exec.ctx().tx().caller();
        write(&mut c, dest, a.as_slice())
    }));
    ok(l.func_wrap(M, "pay_for_memory_grow", |mut c: C<'_>, pages: i32| -> Result<(), Error> {
        enter(&mut c, "pay_for_memory_grow");
        let pages = pages as u16;
        if pages == 0 {
            return buy_ink(&mut c, ink::PAY_FOR_MEMORY_GROW);
        }
        let cost = c.data_mut().exec.pages.add(pages);
        charge_gas(&mut c, cost)
    }));
    // Debug console (only in debug builds of programs): accepted, printed when
    // LOCAL_CHAIN_CONSOLE is set.
    ok(l.func_wrap("console", "log_txt", |c: C<'_>, ptr: i32, len: i32| -> Result<(), Error> {
        if std::env::var_os("LOCAL_CHAIN_CONSOLE").is_some() {
            let text = read(&c, ptr, len as u32 as usize)?;
            eprintln!("[stylus {}] {}", c.data().frame.address, String::from_utf8_lossy(&text));
        }
        Ok(())
    }));
    ok(l.func_wrap("console", "log_i32", |_c: C<'_>, _v: i32| -> Result<(), Error> { Ok(()) }));
    ok(l.func_wrap("console", "log_i64", |_c: C<'_>, _v: i64| -> Result<(), Error> { Ok(()) }));
    ok(l.func_wrap("console", "log_f32", |_c: C<'_>, _v: f32| -> Result<(), Error> { Ok(()) }));
    ok(l.func_wrap("console", "log_f64", |_c: C<'_>, _v: f64| -> Result<(), Error> { Ok(()) }));
}

fn account_code(c: &mut C<'_>, a: Address) -> Result<Bytes, Error> {
    Ok(c.data_mut().exec.ctx().journaled_state.code(a).map_err(|_| fail("database error"))?.data)
}
