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
use wasmi::{Caller, Engine, Error, Linker, Memory, Module, Store, TrapCode};

use crate::exec::{call_inputs, is_stylus_code, Exec};

/// Ink per gas (Nitro's default `ink_price`).
pub const INK_PER_GAS: u64 = 10_000;
/// Ink charged per wasmi fuel unit (wasmi charges about one fuel per executed instruction; this
/// is an average of Nitro's per-opcode ink table, see the crate docs).
pub const INK_PER_FUEL: u64 = 100;
/// wasmi fuel per gas.
pub const FUEL_PER_GAS: u64 = INK_PER_GAS / INK_PER_FUEL;
/// Base ink of a hostio call (Nitro's `HOSTIO_INK`).
pub const HOSTIO_INK: u64 = 8_400;
/// Extra ink per 32-byte word copied across the WASM boundary (estimate).
pub const PTR_INK: u64 = 5_040;
/// Gas to enter a program: a fixed part plus a part growing with the module size (estimate of
/// Nitro's `init cost`, which activation measures on the real machine code).
pub const INIT_GAS_BASE: u64 = 9_000;
/// Gas per new WASM page (64 KiB) paid through `pay_for_memory_grow` (Nitro's `page_gas`).
pub const PAGE_GAS: u64 = 1_000;
/// Stylus version reported by activation.
pub const STYLUS_VERSION: u16 = 2;

/// What activation records for a program (by code hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramInfo {
    /// Stylus version.
    pub version: u16,
    /// Size of the decompressed WASM.
    pub wasm_len: usize,
    /// Gas charged on every entry into the program (estimate).
    pub init_gas: u64,
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
    /// A new runtime (fuel metering on, floats and SIMD off as in Stylus).
    pub fn new() -> Self {
        let mut config = wasmi::Config::default();
        config.consume_fuel(true);
        config.floats(true); // the SDK's console module declares float imports
        config.wasm_memory64(false);
        config.wasm_multi_memory(false);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        link_hostios(&mut linker);
        Self { engine, linker, modules: Mutex::new(HashMap::new()) }
    }

    /// Decompresses and validates deployed Stylus code, compiles it and caches the module.
    pub fn activate(&self, code: &[u8]) -> Result<ProgramInfo, ActivationError> {
        let hash = keccak256(code);
        let wasm = decompress(code)?;
        let module = Module::new(&self.engine, &wasm[..])
            .map_err(|e| ActivationError(format!("invalid WASM: {e}")))?;
        for import in module.imports() {
            if import.module() != "vm_hooks" && import.module() != "console" {
                return Err(ActivationError(format!(
                    "import {}::{} is not a Stylus hostio",
                    import.module(),
                    import.name()
                )));
            }
            if !self.has_hostio(import.module(), import.name()) {
                return Err(ActivationError(format!(
                    "unknown hostio {}::{}",
                    import.module(),
                    import.name()
                )));
            }
        }
        let exports: Vec<String> = module.exports().map(|e| e.name().to_string()).collect();
        if !exports.iter().any(|e| e == "user_entrypoint") {
            return Err(ActivationError("missing export user_entrypoint".into()));
        }
        if !exports.iter().any(|e| e == "memory") {
            return Err(ActivationError("missing export memory".into()));
        }
        let info = ProgramInfo {
            version: STYLUS_VERSION,
            wasm_len: wasm.len(),
            init_gas: INIT_GAS_BASE + wasm.len() as u64 / 32,
        };
        self.modules.lock().expect("module cache lock").insert(hash, module);
        Ok(info)
    }

    fn has_hostio(&self, module: &str, name: &str) -> bool {
        HOSTIO_NAMES.iter().any(|(m, n)| *m == module && *n == name)
    }

    fn module(&self, hash: B256, code: &[u8]) -> Option<Module> {
        if let Some(m) = self.modules.lock().expect("module cache lock").get(&hash) {
            return Some(m.clone());
        }
        // Not compiled in this process yet (e.g. a world loaded from disk): compile now.
        self.activate(code).ok()?;
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
        .take(128 * 1024 * 1024)
        .read_to_end(&mut out)
        .map_err(|e| ActivationError(format!("brotli: {e}")))?;
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

#[derive(Clone, Copy, Debug)]
struct Slot {
    value: B256,
    dirty: bool,
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
    memory: Option<Memory>,
    /// SSTORE refunds (EIP-3529) of this frame and of its successful children.
    refund: i64,
}

/// Store data of a Stylus frame: the whole execution state (moved in for the frame's
/// lifetime, so hostios can run nested frames) and the frame itself.
#[derive(Default)]
pub struct StylusData {
    exec: Exec,
    frame: Frame,
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
    if gas_limit < info.init_gas {
        return result(InstructionResult::OutOfGas, 0, Bytes::new());
    }
    let rt = exec.runtime();
    let code = match exec.ctx().journaled_state.code(inputs.bytecode_address) {
        Ok(c) => c.data,
        Err(_) => return result(InstructionResult::FatalExternalError, 0, Bytes::new()),
    };
    let Some(module) = rt.module(code_hash, &code) else {
        return result(InstructionResult::Revert, gas_limit - info.init_gas, Bytes::new());
    };
    let reentrant = exec.frames.iter().filter(|a| **a == inputs.target_address).count() > 1;
    let args = match &inputs.input {
        revm::interpreter::CallInput::Bytes(b) => b.clone(),
        revm::interpreter::CallInput::SharedBuffer(_) => Bytes::new(), // never: the dispatcher materialises inputs
    };
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
    let _ = store.set_fuel((gas_limit - info.init_gas).saturating_mul(FUEL_PER_GAS));
    let outcome = (|| -> Result<i32, Error> {
        let instance = rt.linker.instantiate_and_start(&mut store, &module)?;
        let memory =
            instance.get_memory(&store, "memory").ok_or_else(|| fail("no memory export"))?;
        store.data_mut().frame.memory = Some(memory);
        let entry = instance.get_typed_func::<i32, i32>(&store, "user_entrypoint")?;
        entry.call(&mut store, args.len() as i32)
    })();
    let fuel_left = store.get_fuel().unwrap_or(0);
    let data = store.into_data();
    *exec = data.exec;
    let remaining = fuel_left / FUEL_PER_GAS;
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
                if e.as_trap_code() == Some(TrapCode::OutOfFuel) {
                    return result(InstructionResult::OutOfGas, 0, Bytes::new());
                }
                // A trap (panic, unreachable, bad memory access): Nitro's "failure", which
                // reverts with no data and returns the unused gas.
                return result(InstructionResult::Revert, remaining, Bytes::new());
            }
        },
    };
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

fn charge_ink(c: &mut C<'_>, ink: u64) -> Result<(), Error> {
    let fuel = c.get_fuel()?;
    let cost = ink.div_ceil(INK_PER_FUEL);
    if fuel < cost {
        c.set_fuel(0)?;
        return Err(Error::host(Halt::OutOfInk));
    }
    c.set_fuel(fuel - cost)?;
    Ok(())
}

fn charge_gas(c: &mut C<'_>, gas: u64) -> Result<(), Error> {
    charge_ink(c, gas.saturating_mul(INK_PER_GAS))
}

fn hostio(c: &mut C<'_>, bytes: usize) -> Result<(), Error> {
    charge_ink(c, HOSTIO_INK + (bytes as u64).div_ceil(32) * PTR_INK / 8)
}

fn gas_left(c: &C<'_>) -> u64 {
    c.get_fuel().unwrap_or(0) / FUEL_PER_GAS
}

fn refund_gas(c: &mut C<'_>, gas: u64) -> Result<(), Error> {
    let fuel = c.get_fuel()?;
    c.set_fuel(fuel.saturating_add(gas.saturating_mul(FUEL_PER_GAS)))?;
    Ok(())
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
    let dirty: Vec<(B256, B256)> =
        c.data().frame.cache.iter().filter(|(_, s)| s.dirty).map(|(k, s)| (*k, s.value)).collect();
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
            s.dirty = false;
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
    hostio(&mut c, len)?;
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
    let left = gas_left(&c);
    let mut child = gas.min(left - left / 64);
    charge_gas(&mut c, child)?;
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
    refund_gas(&mut c, remaining)?;
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
    hostio(&mut c, code_len)?;
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
    charge_gas(&mut c, child)?;
    let (me, depth) = (c.data().frame.address, c.data().frame.depth);
    let inputs = CreateInputs::new(me, scheme, value, init, child, 0);
    let outcome = c.data_mut().exec.create(inputs, depth + 1);
    let r = outcome.result.result;
    if r.is_ok() {
        c.data_mut().frame.refund += outcome.result.gas.refunded();
    }
    let remaining = if r.is_ok_or_revert() { outcome.result.gas.remaining() } else { 0 };
    refund_gas(&mut c, remaining)?;
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
        let args = c.data().frame.args.clone();
        hostio(&mut c, args.len())?;
        write(&mut c, dest, &args)
    }));
    ok(l.func_wrap(M, "write_result", |mut c: C<'_>, ptr: i32, len: i32| -> Result<(), Error> {
        let len = len as u32 as usize;
        hostio(&mut c, len)?;
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
            hostio(&mut c, 32)?;
            let key = read_b256(&c, key)?;
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
                charge_gas(&mut c, if cold { 2_100 } else { 100 })?;
                c.data_mut().frame.cache.insert(key, Slot { value: v, dirty: false });
                v
            };
            write(&mut c, dest, value.as_slice())
        },
    ));
    ok(l.func_wrap(
        M,
        "storage_cache_bytes32",
        |mut c: C<'_>, key: i32, value: i32| -> Result<(), Error> {
            hostio(&mut c, 64)?;
            // Nitro refuses a store when less than the SSTORE sentry (2300 gas) is left.
            if gas_left(&c) <= 2_300 {
                c.set_fuel(0)?;
                return Err(Error::host(Halt::OutOfInk));
            }
            let key = read_b256(&c, key)?;
            let value = read_b256(&c, value)?;
            c.data_mut().frame.cache.insert(key, Slot { value, dirty: true });
            Ok(())
        },
    ));
    ok(l.func_wrap(M, "storage_flush_cache", |mut c: C<'_>, clear: i32| -> Result<(), Error> {
        hostio(&mut c, 0)?;
        flush_cache(&mut c, clear != 0)
    }));
    ok(l.func_wrap(
        M,
        "transient_load_bytes32",
        |mut c: C<'_>, key: i32, dest: i32| -> Result<(), Error> {
            hostio(&mut c, 32)?;
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
            hostio(&mut c, 64)?;
            require_mutable(&c)?;
            charge_gas(&mut c, 100)?;
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
        |c: C<'_>,
         contract: i32,
         data: i32,
         len: i32,
         value: i32,
         gas: i64,
         ret_len: i32|
         -> Result<i32, Error> {
            do_call(c, CallScheme::Call, contract, data, len, Some(value), gas as u64, ret_len)
        },
    ));
    ok(l.func_wrap(
        M,
        "delegate_call_contract",
        |c: C<'_>,
         contract: i32,
         data: i32,
         len: i32,
         gas: i64,
         ret_len: i32|
         -> Result<i32, Error> {
            do_call(c, CallScheme::DelegateCall, contract, data, len, None, gas as u64, ret_len)
        },
    ));
    ok(l.func_wrap(
        M,
        "static_call_contract",
        |c: C<'_>,
         contract: i32,
         data: i32,
         len: i32,
         gas: i64,
         ret_len: i32|
         -> Result<i32, Error> {
            do_call(c, CallScheme::StaticCall, contract, data, len, None, gas as u64, ret_len)
        },
    ));
    ok(l.func_wrap(
        M,
        "create1",
        |c: C<'_>,
         code: i32,
         len: i32,
         endowment: i32,
         contract: i32,
         revert_len: i32|
         -> Result<(), Error> {
            do_create(c, code, len, endowment, None, contract, revert_len)
        },
    ));
    ok(l.func_wrap(
        M,
        "create2",
        |c: C<'_>,
         code: i32,
         len: i32,
         endowment: i32,
         salt: i32,
         contract: i32,
         revert_len: i32|
         -> Result<(), Error> {
            do_create(c, code, len, endowment, Some(salt), contract, revert_len)
        },
    ));
    ok(l.func_wrap(
        M,
        "read_return_data",
        |mut c: C<'_>, dest: i32, offset: i32, size: i32| -> Result<i32, Error> {
            let (offset, size) = (offset as u32 as usize, size as u32 as usize);
            hostio(&mut c, size)?;
            let data = c.data().frame.return_data.clone();
            let start = offset.min(data.len());
            let end = offset.saturating_add(size).min(data.len());
            write(&mut c, dest, &data[start..end])?;
            Ok((end - start) as i32)
        },
    ));
    ok(l.func_wrap(M, "return_data_size", |mut c: C<'_>| -> Result<i32, Error> {
        hostio(&mut c, 0)?;
        Ok(c.data().frame.return_data.len() as i32)
    }));
    ok(l.func_wrap(
        M,
        "emit_log",
        |mut c: C<'_>, data: i32, len: i32, topics: i32| -> Result<(), Error> {
            let len = len as u32 as usize;
            let topics = topics as u32 as usize;
            hostio(&mut c, len)?;
            require_mutable(&c)?;
            if topics > 4 || len < topics * 32 {
                return Err(fail("bad log"));
            }
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
            hostio(&mut c, 20)?;
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
            let (offset, size) = (offset as u32 as usize, size as u32 as usize);
            hostio(&mut c, size)?;
            let a = read_address(&c, address)?;
            access_account(&mut c, a)?;
            let code = account_code(&mut c, a)?;
            let start = offset.min(code.len());
            let end = offset.saturating_add(size).min(code.len());
            write(&mut c, dest, &code[start..end])?;
            Ok((end - start) as i32)
        },
    ));
    ok(l.func_wrap(M, "account_code_size", |mut c: C<'_>, address: i32| -> Result<i32, Error> {
        hostio(&mut c, 20)?;
        let a = read_address(&c, address)?;
        access_account(&mut c, a)?;
        Ok(account_code(&mut c, a)?.len() as i32)
    }));
    ok(l.func_wrap(
        M,
        "account_codehash",
        |mut c: C<'_>, address: i32, dest: i32| -> Result<(), Error> {
            hostio(&mut c, 20)?;
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
        hostio(&mut c, 0)?;
        Ok(gas_left(&c) as i64)
    }));
    ok(l.func_wrap(M, "evm_ink_left", |mut c: C<'_>| -> Result<i64, Error> {
        hostio(&mut c, 0)?;
        Ok((c.get_fuel()? * INK_PER_FUEL) as i64)
    }));
    ok(l.func_wrap(M, "block_basefee", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        hostio(&mut c, 32)?;
        let v = U256::from(c.data_mut().exec.ctx().block().basefee());
        write(&mut c, dest, &v.to_be_bytes::<32>())
    }));
    ok(l.func_wrap(M, "chainid", |mut c: C<'_>| -> Result<i64, Error> {
        hostio(&mut c, 0)?;
        Ok(c.data_mut().exec.ctx().cfg().chain_id() as i64)
    }));
    ok(l.func_wrap(M, "block_coinbase", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        hostio(&mut c, 20)?;
        let v = c.data_mut().exec.ctx().block().beneficiary();
        write(&mut c, dest, v.as_slice())
    }));
    ok(l.func_wrap(M, "block_gas_limit", |mut c: C<'_>| -> Result<i64, Error> {
        hostio(&mut c, 0)?;
        Ok(c.data_mut().exec.ctx().block().gas_limit() as i64)
    }));
    ok(l.func_wrap(M, "block_number", |mut c: C<'_>| -> Result<i64, Error> {
        hostio(&mut c, 0)?;
        Ok(c.data_mut().exec.ctx().block().number().saturating_to::<u64>() as i64)
    }));
    ok(l.func_wrap(M, "block_timestamp", |mut c: C<'_>| -> Result<i64, Error> {
        hostio(&mut c, 0)?;
        Ok(c.data_mut().exec.ctx().block().timestamp().saturating_to::<u64>() as i64)
    }));
    ok(l.func_wrap(M, "contract_address", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        hostio(&mut c, 20)?;
        let a = c.data().frame.address;
        write(&mut c, dest, a.as_slice())
    }));
    ok(l.func_wrap(
        M,
        "native_keccak256",
        |mut c: C<'_>, bytes: i32, len: i32, out: i32| -> Result<(), Error> {
            let len = len as u32 as usize;
            hostio(&mut c, len)?;
            charge_gas(&mut c, 30 + 6 * (len as u64).div_ceil(32))?;
            let data = read(&c, bytes, len)?;
            write(&mut c, out, keccak256(data).as_slice())
        },
    ));
    ok(l.func_wrap(M, "msg_reentrant", |mut c: C<'_>| -> Result<i32, Error> {
        hostio(&mut c, 0)?;
        Ok(c.data().frame.reentrant as i32)
    }));
    ok(l.func_wrap(M, "msg_sender", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        hostio(&mut c, 20)?;
        let a = c.data().frame.caller;
        write(&mut c, dest, a.as_slice())
    }));
    ok(l.func_wrap(M, "msg_value", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        hostio(&mut c, 32)?;
        let v = c.data().frame.value;
        write(&mut c, dest, &v.to_be_bytes::<32>())
    }));
    ok(l.func_wrap(M, "tx_gas_price", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        hostio(&mut c, 32)?;
        let ctx = c.data_mut().exec.ctx();
        let basefee = ctx.block().basefee() as u128;
        let v = U256::from(ctx.tx().effective_gas_price(basefee));
        write(&mut c, dest, &v.to_be_bytes::<32>())
    }));
    ok(l.func_wrap(M, "tx_ink_price", |mut c: C<'_>| -> Result<i32, Error> {
        hostio(&mut c, 0)?;
        Ok(INK_PER_GAS as i32)
    }));
    ok(l.func_wrap(M, "tx_origin", |mut c: C<'_>, dest: i32| -> Result<(), Error> {
        hostio(&mut c, 20)?;
        let a = c.data_mut().exec.ctx().tx().caller();
        write(&mut c, dest, a.as_slice())
    }));
    ok(l.func_wrap(M, "pay_for_memory_grow", |mut c: C<'_>, pages: i32| -> Result<(), Error> {
        hostio(&mut c, 0)?;
        charge_gas(&mut c, PAGE_GAS * (pages as u32 as u64 & 0xffff))
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
