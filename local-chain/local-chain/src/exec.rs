//! The call dispatcher: one recursive function per frame kind, over one journaled world.
//!
//! Every call (from a transaction, an EVM `CALL*` opcode or a Stylus `*call_contract` hostio)
//! goes through [`Exec::call`]; every creation through [`Exec::create`]. A call takes a
//! journal checkpoint, moves the value, then runs the code of `bytecode_address`: a
//! precompile, a Stylus program (code starting with `0xEFF000`, activated) in wasmi, or EVM
//! bytecode in revm's interpreter. When the interpreter stops at a `CALL`/`CREATE` opcode its
//! frame request comes back here, runs to completion (recursively) and its outcome is pushed
//! back into the suspended interpreter, so EVM and Stylus frames nest to any depth. A frame
//! that does not succeed rolls its checkpoint back (storage, balances, nonces, logs, created
//! accounts, transient storage).

use std::{collections::HashMap, sync::Arc};

use revm::{
    context::{BlockEnv, CfgEnv, Context, Journal, JournalTr, TxEnv},
    context_interface::journaled_state::account::JournaledAccountTr,
    database::{CacheDB, EmptyDB},
    handler::{handle_reservoir_remaining_gas, EthPrecompiles, PrecompileProvider},
    interpreter::{
        instruction_table,
        instructions::gas_table_spec,
        interpreter::{EthInterpreter, ExtBytecode},
        interpreter_types::ReturnData,
        CallInput, CallInputs, CallOutcome, CallScheme, CallValue, CreateInputs, CreateOutcome,
        FrameInput, Gas, GasTable, InputsImpl, InstructionResult, InstructionTable, Interpreter,
        InterpreterAction, InterpreterResult, SharedMemory,
    },
    primitives::{hardfork::SpecId, Address, Bytes, B256, U256},
    state::Bytecode,
};

use crate::stylus::{self, ProgramInfo, Runtime};

/// The world's database: revm's in-memory cache over nothing (serialisable).
pub type Db = CacheDB<EmptyDB>;
/// The revm context the EVM interpreter uses as its host.
pub type Ctx = Context<BlockEnv, TxEnv, CfgEnv, Db, Journal<Db>, ()>;

/// The hard fork the EVM runs (Arbitrum ArbOS 40+ follows Prague for EVM opcodes).
pub const SPEC: SpecId = SpecId::PRAGUE;
/// Call depth limit (as the EVM's).
pub const CALL_STACK_LIMIT: usize = 1024;
/// Maximum deployed code size (EIP-170; also the Stylus limit without fragments).
pub const MAX_CODE_SIZE: usize = 0x6000;
/// Prefix of deployed Stylus code: `0xEF 0xF0 0x00` then a dictionary byte.
pub const STYLUS_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];

/// Stack left below which a frame first moves to a fresh stack segment.
const STACK_RED_ZONE: usize = 1 << 20;
/// Size of each extra stack segment.
const STACK_SEGMENT: usize = 32 << 20;

static TABLE: InstructionTable<EthInterpreter, Ctx> = instruction_table::<EthInterpreter, Ctx>();
static GAS_TABLE: GasTable = gas_table_spec(SPEC);

/// True when `code` is Stylus code (`0xEFF000` prefix).
pub fn is_stylus_code(code: &[u8]) -> bool {
    code.len() > 3 && code[..3] == STYLUS_PREFIX
}

/// Execution state of one transaction: the revm context (world + journal) and the Stylus
/// runtime, plus the stack of executing addresses (for `msg_reentrant`).
#[derive(Default)]
pub struct Exec {
    pub(crate) ctx: Option<Box<Ctx>>,
    pub(crate) runtime: Option<Arc<Runtime>>,
    pub(crate) precompiles: Option<EthPrecompiles>,
    pub(crate) activated: HashMap<B256, ProgramInfo>,
    /// Acting addresses of the open non-delegate frames (calls and creations), outermost
    /// first: `msg_reentrant` is true when the acting address appears more than once.
    pub(crate) frames: Vec<Address>,
    /// Stylus pages open now and ever in this transaction (Nitro's memory model).
    pub(crate) pages: stylus_rules::memory::Pages,
    /// Programs run recently, priced as cached (Nitro's block `RecentWasms`; here one
    /// transaction is one block).
    pub(crate) recent: Vec<B256>,
    /// The activation data pricer (ArbOS state).
    pub(crate) data_pricer: stylus_rules::pricing::DataPricer,
    /// Chain owners and cache managers (ArbOS state, read-only inside a transaction).
    pub(crate) roles: crate::roles::ChainRoles,
    /// Where this transaction's Stylus gas went.
    pub(crate) trace: crate::stylus::GasTrace,
}

fn call_result(
    result: InstructionResult,
    gas: Gas,
    output: Bytes,
    inputs: &CallInputs,
) -> CallOutcome {
    CallOutcome::new(InterpreterResult { result, gas, output }, inputs.return_memory_offset.clone())
}

impl Exec {
    pub(crate) fn ctx(&mut self) -> &mut Ctx {
        self.ctx.as_mut().expect("execution context present while a frame runs")
    }

    pub(crate) fn runtime(&self) -> Arc<Runtime> {
        self.runtime.clone().expect("stylus runtime present")
    }

    /// Runs a call frame to completion. `inputs.input` may reference no shared memory
    /// (callers materialise it into `CallInput::Bytes`).
    pub fn call(&mut self, inputs: CallInputs, depth: usize) -> CallOutcome {
        // Frames recurse on the native stack: grow it when a deep nesting runs low.
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.call_inner(inputs, depth))
    }

    fn call_inner(&mut self, inputs: CallInputs, depth: usize) -> CallOutcome {
        let gas = Gas::new(inputs.gas_limit);
        if depth > CALL_STACK_LIMIT {
            return call_result(InstructionResult::CallTooDeep, gas, Bytes::new(), &inputs);
        }
        let checkpoint = self.ctx().journaled_state.checkpoint();
        if let CallValue::Transfer(value) = inputs.value {
            match self.ctx().journaled_state.transfer(inputs.caller, inputs.target_address, value) {
                Ok(None) => {}
                Ok(Some(err)) => {
                    self.ctx().journaled_state.checkpoint_revert(checkpoint);
                    return call_result(err.into(), gas, Bytes::new(), &inputs);
                }
                Err(_) => {
                    self.ctx().journaled_state.checkpoint_revert(checkpoint);
                    return call_result(
                        InstructionResult::FatalExternalError,
                        gas,
                        Bytes::new(),
                        &inputs,
                    );
                }
            }
        }

        // ArbOS precompiles: ArbSys (0x64), ArbOwnerPublic (0x6b), ArbWasm (0x71: activation
        // from inside a transaction), ArbWasmCache (0x72).
        let arbos: Option<fn(&mut Exec, &CallInputs) -> InterpreterResult> =
            match inputs.bytecode_address {
                crate::arbsys::ARB_SYS => Some(crate::arbsys::run),
                crate::arb_owner_public::ARB_OWNER_PUBLIC => Some(crate::arb_owner_public::run),
                crate::arbwasm::ARB_WASM => Some(crate::arbwasm::run),
                crate::arbwasm_cache::ARB_WASM_CACHE => Some(crate::arbwasm_cache::run),
                _ => None,
            };
        if let Some(run) = arbos {
            let result = run(self, &inputs);
            if result.result.is_ok() {
                self.ctx().journaled_state.checkpoint_commit();
            } else {
                self.ctx().journaled_state.checkpoint_revert(checkpoint);
            }
            return CallOutcome::new(result, inputs.return_memory_offset.clone());
        }

        // Precompiles (the Ethereum set for the spec).
        let mut precompiles = self.precompiles.take().unwrap_or_else(|| EthPrecompiles::new(SPEC));
        let pre = {
            let ctx = self.ctx.as_mut().expect("ctx");
            precompiles.run(ctx, &inputs)
        };
        self.precompiles = Some(precompiles);
        match pre {
            Ok(Some(result)) => {
                if result.result.is_ok() {
                    self.ctx().journaled_state.checkpoint_commit();
                } else {
                    self.ctx().journaled_state.checkpoint_revert(checkpoint);
                }
                return CallOutcome::new(result, inputs.return_memory_offset.clone());
            }
            Ok(None) => {}
            Err(_) => {
                self.ctx().journaled_state.checkpoint_revert(checkpoint);
                return call_result(
                    InstructionResult::PrecompileError,
                    Gas::new_spent_with_reservoir(inputs.gas_limit, 0),
                    Bytes::new(),
                    &inputs,
                );
            }
        }

        let (code_hash, bytecode) =
            match self.ctx().journaled_state.load_account_with_code(inputs.bytecode_address) {
                Ok(acc) => (acc.info.code_hash, acc.info.code.clone().unwrap_or_default()),
                Err(_) => {
                    self.ctx().journaled_state.checkpoint_revert(checkpoint);
                    return call_result(
                        InstructionResult::FatalExternalError,
                        gas,
                        Bytes::new(),
                        &inputs,
                    );
                }
            };
        let raw = bytecode.original_byte_slice();
        if raw.is_empty() {
            self.ctx().journaled_state.checkpoint_commit();
            return call_result(InstructionResult::Stop, gas, Bytes::new(), &inputs);
        }

        // Nitro counts the open non-delegate frames of each acting address; a program is
        // reentrant when its acting address has more than one.
        let counted = !matches!(inputs.scheme, CallScheme::DelegateCall | CallScheme::CallCode);
        if counted {
            self.frames.push(inputs.target_address);
        }
        let result = if is_stylus_code(raw) {
            stylus::run_program(self, &inputs, code_hash, depth)
        } else {
            let input = InputsImpl {
                target_address: inputs.target_address,
                caller_address: inputs.caller,
                bytecode_address: Some(inputs.bytecode_address),
                input: inputs.input.clone(),
                call_value: inputs.value.get(),
                depth,
            };
            let interp = Interpreter::new(
                SharedMemory::new(),
                ExtBytecode::new_with_hash(bytecode, code_hash),
                input,
                inputs.is_static,
                SPEC,
                inputs.gas_limit,
            );
            self.run_evm(interp, depth)
        };
        if counted {
            self.frames.pop();
        }

        if result.result.is_ok() {
            self.ctx().journaled_state.checkpoint_commit();
        } else {
            self.ctx().journaled_state.checkpoint_revert(checkpoint);
        }
        CallOutcome::new(result, inputs.return_memory_offset.clone())
    }

    /// Runs a creation frame (CREATE / CREATE2 / creation transaction) to completion.
    pub fn create(&mut self, inputs: CreateInputs, depth: usize) -> CreateOutcome {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.create_inner(inputs, depth))
    }

    fn create_inner(&mut self, inputs: CreateInputs, depth: usize) -> CreateOutcome {
        let fail = |r: InstructionResult| {
            CreateOutcome::new(
                InterpreterResult {
                    result: r,
                    gas: Gas::new(inputs.gas_limit()),
                    output: Bytes::new(),
                },
                None,
            )
        };
        if depth > CALL_STACK_LIMIT {
            return fail(InstructionResult::CallTooDeep);
        }
        let caller = inputs.caller();
        let old_nonce = {
            let journal = &mut self.ctx().journaled_state;
            let Ok(mut acc) = journal.load_account_mut(caller);
            if *acc.balance() < inputs.value() {
                return fail(InstructionResult::OutOfFunds);
            }
            let old = acc.nonce();
            if !acc.bump_nonce() {
                return fail(InstructionResult::Return);
            }
            old
        };
        let created = inputs.created_address(old_nonce);
        if self.ctx().journaled_state.load_account(created).is_err() {
            return fail(InstructionResult::FatalExternalError);
        }
        let checkpoint = match self.ctx().journaled_state.create_account_checkpoint(
            caller,
            created,
            inputs.value(),
            SPEC,
        ) {
            Ok(c) => c,
            Err(e) => return fail(e.into()),
        };
        let input = InputsImpl {
            target_address: created,
            caller_address: caller,
            bytecode_address: None,
            input: CallInput::Bytes(Bytes::new()),
            call_value: inputs.value(),
            depth,
        };
        let interp = Interpreter::new(
            SharedMemory::new(),
            ExtBytecode::new(Bytecode::new_legacy(inputs.init_code().clone())),
            input,
            false,
            SPEC,
            inputs.gas_limit(),
        );
        self.frames.push(created);
        let mut result = self.run_evm(interp, depth);
        self.frames.pop();

        // Deposit the code (as revm's `return_create`, but accepting Stylus code: Arbitrum lets
        // code starting with 0xEFF000 through EIP-3541).
        let journal = &mut self.ctx.as_mut().expect("ctx").journaled_state;
        if !result.result.is_ok() {
            journal.checkpoint_revert(checkpoint);
            return CreateOutcome::new(result, Some(created));
        }
        if result.output.len() > MAX_CODE_SIZE {
            journal.checkpoint_revert(checkpoint);
            result.result = InstructionResult::CreateContractSizeLimit;
            return CreateOutcome::new(result, Some(created));
        }
        if result.output.first() == Some(&0xEF) && !is_stylus_code(&result.output) {
            journal.checkpoint_revert(checkpoint);
            result.result = InstructionResult::CreateContractStartingWithEF;
            return CreateOutcome::new(result, Some(created));
        }
        let deposit = 200 * result.output.len() as u64;
        if !result.gas.record_regular_cost(deposit) {
            journal.checkpoint_revert(checkpoint);
            result.result = InstructionResult::OutOfGas;
            return CreateOutcome::new(result, Some(created));
        }
        journal.checkpoint_commit();
        journal.set_code(created, Bytecode::new_legacy(result.output.clone()));
        result.result = InstructionResult::Return;
        CreateOutcome::new(result, Some(created))
    }

    /// Runs an EVM interpreter, serving its CALL/CREATE requests through the dispatcher.
    fn run_evm(
        &mut self,
        mut interp: Interpreter<EthInterpreter>,
        depth: usize,
    ) -> InterpreterResult {
        loop {
            let action = {
                let ctx = self.ctx.as_mut().expect("ctx");
                interp.run_plain(&TABLE, &GAS_TABLE, &mut **ctx)
            };
            match action {
                InterpreterAction::Return(result) => return result,
                InterpreterAction::NewFrame(FrameInput::Call(mut call)) => {
                    let data = if call.input.is_empty() {
                        Bytes::new()
                    } else {
                        Bytes::copy_from_slice(&call.input.as_bytes_memory(&interp.memory))
                    };
                    call.input = CallInput::Bytes(data);
                    let outcome = self.call(*call, depth + 1);
                    insert_call_outcome(&mut interp, outcome);
                }
                InterpreterAction::NewFrame(FrameInput::Create(create)) => {
                    let outcome = self.create(*create, depth + 1);
                    insert_create_outcome(&mut interp, outcome);
                }
                InterpreterAction::NewFrame(FrameInput::Empty) => {
                    return InterpreterResult {
                        result: InstructionResult::FatalExternalError,
                        gas: Gas::new_spent_with_reservoir(interp.gas.limit(), 0),
                        output: Bytes::new(),
                    };
                }
            }
        }
    }
}

fn insert_call_outcome(interp: &mut Interpreter<EthInterpreter>, outcome: CallOutcome) {
    let mut out_gas = outcome.gas();
    let ins = *outcome.instruction_result();
    let mem_start = outcome.memory_start();
    let mem_len = outcome.memory_length();
    let output = outcome.result.output;
    let target_len = mem_len.min(output.len());
    interp.return_data.set_buffer(output);
    let _ = interp.stack.push(if ins.is_ok() { U256::from(1) } else { U256::ZERO });
    if ins.is_ok_or_revert() && target_len > 0 {
        let buf = interp.return_data.buffer()[..target_len].to_vec();
        interp.memory.set(mem_start, &buf);
    }
    handle_reservoir_remaining_gas(ins, interp.gas.tracker_mut(), out_gas.tracker_mut());
}

fn insert_create_outcome(interp: &mut Interpreter<EthInterpreter>, outcome: CreateOutcome) {
    let ins = *outcome.instruction_result();
    if ins == InstructionResult::Revert {
        interp.return_data.set_buffer(outcome.output().clone());
    } else {
        interp.return_data.clear();
    }
    let mut gas = *outcome.gas();
    handle_reservoir_remaining_gas(ins, interp.gas.tracker_mut(), gas.tracker_mut());
    let item = if ins.is_ok() {
        outcome.address.unwrap_or_default().into_word().into()
    } else {
        U256::ZERO
    };
    let _ = interp.stack.push(item);
}

/// Builds call inputs for a plain message call.
#[allow(clippy::too_many_arguments)]
pub fn call_inputs(
    scheme: CallScheme,
    caller: Address,
    target: Address,
    bytecode_address: Address,
    value: CallValue,
    input: Bytes,
    gas_limit: u64,
    is_static: bool,
) -> CallInputs {
    CallInputs {
        input: CallInput::Bytes(input),
        return_memory_offset: 0..0,
        gas_limit,
        reservoir: 0,
        bytecode_address,
        known_bytecode: (B256::ZERO, Bytecode::default()),
        target_address: target,
        caller,
        value,
        scheme,
        is_static,
        charged_new_account_state_gas: false,
    }
}
