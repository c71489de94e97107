//! The chain: world state, transactions, receipts, snapshots, time.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use alloy_sol_types::{SolCall, SolError, SolEvent};
use revm::{
    context::{BlockEnv, CfgEnv, Context, JournalTr, TxEnv},
    context_interface::{journaled_state::account::JournaledAccountTr, CreateScheme},
    database::{CacheDB, EmptyDB},
    handler::EthPrecompiles,
    interpreter::{CallScheme, CallValue, CreateInputs, InstructionResult},
    primitives::{address, keccak256, Address, Bytes, Log, B256, U256},
    state::{AccountInfo, Bytecode},
    DatabaseCommit,
};
use serde::{Deserialize, Serialize};

use crate::{
    exec::{call_inputs, is_stylus_code, Ctx, Db, Exec, SPEC},
    stylus::{ActivationError, ProgramInfo, Runtime},
};

/// Arbitrum One's chain id (the default).
pub const DEFAULT_CHAIN_ID: u64 = 42_161;
/// Default block timestamp (2025-01-01T00:00:00Z, motsu's fixed time).
pub const DEFAULT_TIMESTAMP: u64 = 1_735_689_600;
/// Default gas limit of a transaction.
pub const DEFAULT_GAS_LIMIT: u64 = 32_000_000;
/// Arbitrum's block coinbase (the sequencer's pseudo-address).
pub const ARB_COINBASE: Address = address!("A4b000000000000000000073657175656e636572");
/// The address cargo-stylus uses for its `StylusDeployer` (deploy, activate, construct).
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// Seconds per block used by [`Chain::mine`].
pub const BLOCK_TIME: u64 = 1;

/// Block fields every transaction sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInfo {
    pub number: u64,
    pub timestamp: u64,
    pub chain_id: u64,
    pub basefee: u64,
    pub coinbase: Address,
    pub gas_limit: u64,
}

impl Default for BlockInfo {
    fn default() -> Self {
        Self {
            number: 1,
            timestamp: DEFAULT_TIMESTAMP,
            chain_id: DEFAULT_CHAIN_ID,
            basefee: 0,
            coinbase: ARB_COINBASE,
            gas_limit: DEFAULT_GAS_LIMIT,
        }
    }
}

/// The whole persistent state: accounts (balance, nonce, code, storage), block fields and the
/// activated Stylus programs. Serialisable with serde.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct World {
    pub db: Db,
    pub block: BlockInfo,
    /// Activated programs by code hash.
    pub programs: HashMap<B256, ProgramInfo>,
    /// The activation data pricer's state (ArbOS's `DataPricer`).
    #[serde(default)]
    pub data_pricer: stylus_rules::pricing::DataPricer,
    /// Chain owners and cache managers.
    #[serde(default)]
    pub roles: crate::roles::ChainRoles,
}

/// A transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tx {
    pub from: Address,
    /// `None` creates a contract from `data` (init code).
    pub to: Option<Address>,
    pub value: U256,
    pub data: Bytes,
    pub gas_limit: u64,
    pub gas_price: u128,
}

impl Tx {
    /// A call with the default gas limit.
    pub fn call(from: Address, to: Address, value: U256, data: impl Into<Bytes>) -> Self {
        Self {
            from,
            to: Some(to),
            value,
            data: data.into(),
            gas_limit: DEFAULT_GAS_LIMIT,
            gas_price: 0,
        }
    }
    /// The least gas the transaction can be given: the intrinsic gas (21,000, calldata,
    /// creation) or the EIP-7623 calldata floor, whichever is more. Access lists are not
    /// modelled (neither charged nor warmed).
    pub fn min_gas(&self) -> u64 {
        intrinsic_gas(self).max(floor_gas(self))
    }

    /// The intrinsic gas alone (21,000, calldata, creation): what execution adds to.
    pub fn intrinsic_gas(&self) -> u64 {
        intrinsic_gas(self)
    }

    /// A contract creation with the default gas limit.
    pub fn create(from: Address, init_code: impl Into<Bytes>, value: U256) -> Self {
        Self {
            from,
            to: None,
            value,
            data: init_code.into(),
            gas_limit: DEFAULT_GAS_LIMIT,
            gas_price: 0,
        }
    }
}

/// The outcome of a transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// True when the top frame succeeded.
    pub success: bool,
    /// The top frame's stop reason (`Return`, `Stop`, `Revert`, `OutOfGas`...).
    pub status: String,
    /// Return data on success, revert data on revert.
    pub output: Bytes,
    /// Logs of the transaction (empty when it failed).
    pub logs: Vec<Log>,
    /// Gas used, intrinsic gas included, refunds deducted.
    pub gas_used: u64,
    /// Address of the created contract (creations that succeeded).
    pub created: Option<Address>,
    /// Where the Stylus part of the gas went (entries, compute, each hostio): a
    /// measurement, not part of the receipt's state (not persisted).
    #[serde(skip)]
    pub gas_trace: Box<crate::stylus::GasTrace>,
}

impl Receipt {
    fn failed(status: &str, gas_used: u64) -> Self {
        Self {
            success: false,
            status: status.into(),
            output: Bytes::new(),
            logs: vec![],
            gas_used,
            created: None,
            gas_trace: Default::default(),
        }
    }

    /// Decodes every log of `E` in the receipt (logs of other shapes are skipped).
    pub fn events<E: SolEvent>(&self) -> Vec<E> {
        self.logs.iter().filter_map(|l| E::decode_log(l).ok().map(|d| d.data)).collect()
    }

    /// Decodes the revert data as the custom error `E`.
    pub fn revert_as<E: SolError>(&self) -> Option<E> {
        if self.success {
            return None;
        }
        E::abi_decode(&self.output).ok()
    }

    /// Panics with a readable message unless the transaction succeeded.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert!(
            self.success,
            "transaction failed: {} output 0x{}",
            self.status,
            alloy_primitives::hex::encode(&self.output)
        );
        self
    }
}

/// A failed typed call: the receipt tells why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallError(pub Receipt);

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "call failed: {} (output 0x{})",
            self.0.status,
            alloy_primitives::hex::encode(&self.0.output)
        )
    }
}
impl std::error::Error for CallError {}

impl CallError {
    /// Decodes the revert data as the custom error `E`.
    pub fn revert_as<E: SolError>(&self) -> Option<E> {
        self.0.revert_as::<E>()
    }
}

/// Why a Stylus deployment failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeployError {
    /// The creation transaction failed.
    Create(Receipt),
    /// Activation rejected the code.
    Activate(ActivationError),
    /// The constructor reverted (the whole deployment was rolled back).
    Constructor(Receipt),
}

impl std::fmt::Display for DeployError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Create(r) => write!(
                f,
                "creation failed: {} 0x{}",
                r.status,
                alloy_primitives::hex::encode(&r.output)
            ),
            Self::Activate(e) => write!(f, "{e}"),
            Self::Constructor(r) => write!(
                f,
                "constructor failed: {} 0x{}",
                r.status,
                alloy_primitives::hex::encode(&r.output)
            ),
        }
    }
}
impl std::error::Error for DeployError {}

/// Handle of a saved world (see [`Chain::snapshot`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SnapshotId(usize);

/// An in-process chain running Stylus programs and EVM bytecode side by side.
#[derive(Debug)]
pub struct Chain {
    world: World,
    runtime: Arc<Runtime>,
    snapshots: Vec<World>,
}

impl Default for Chain {
    fn default() -> Self {
        Self::new()
    }
}

impl Chain {
    /// An empty chain (chain id 42161, block 1, timestamp 1,735,689,600, base fee 0).
    pub fn new() -> Self {
        Self::from_world(World::default())
    }

    /// A chain over a saved world (programs are recompiled on first use).
    pub fn from_world(world: World) -> Self {
        Self { world, runtime: Arc::new(Runtime::new()), snapshots: Vec::new() }
    }

    /// The world state (serialise it to persist the chain).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Block fields.
    pub fn block(&self) -> &BlockInfo {
        &self.world.block
    }

    /// Mutable block fields (chain id, base fee, coinbase, gas limit...).
    pub fn block_mut(&mut self) -> &mut BlockInfo {
        &mut self.world.block
    }

    // ---------------------------------------------------------------- time

    /// Sets the block timestamp.
    pub fn warp(&mut self, timestamp: u64) {
        self.world.block.timestamp = timestamp;
    }

    /// Moves time forward by `seconds` (one new block).
    pub fn advance(&mut self, seconds: u64) {
        self.world.block.timestamp += seconds;
        self.world.block.number += 1;
    }

    /// Mines `blocks` empty blocks ([`BLOCK_TIME`] seconds each).
    pub fn mine(&mut self, blocks: u64) {
        self.world.block.number += blocks;
        self.world.block.timestamp += blocks * BLOCK_TIME;
    }

    /// Sets the block number.
    pub fn roll(&mut self, number: u64) {
        self.world.block.number = number;
    }

    // ---------------------------------------------------------------- accounts

    fn account(&self, a: Address) -> AccountInfo {
        self.world.db.cache.accounts.get(&a).and_then(|acc| acc.info()).unwrap_or_default()
    }

    /// Balance of `a`.
    pub fn balance(&self, a: Address) -> U256 {
        self.account(a).balance
    }

    /// Nonce of `a`.
    pub fn nonce(&self, a: Address) -> u64 {
        self.account(a).nonce
    }

    /// Code of `a` (Stylus code as deployed, with its `0xEFF000` prefix).
    pub fn code(&self, a: Address) -> Bytes {
        self.account(a).code.map(|c| c.original_bytes()).unwrap_or_default()
    }

    /// Storage slot of `a`.
    pub fn storage(&self, a: Address, slot: U256) -> U256 {
        self.world
            .db
            .cache
            .accounts
            .get(&a)
            .and_then(|acc| acc.storage.get(&slot).copied())
            .unwrap_or_default()
    }

    /// Sets the balance of `a`.
    pub fn set_balance(&mut self, a: Address, balance: U256) {
        let mut info = self.account(a);
        info.balance = balance;
        self.world.db.insert_account_info(a, info);
    }

    /// Sets the nonce of `a`.
    pub fn set_nonce(&mut self, a: Address, nonce: u64) {
        let mut info = self.account(a);
        info.nonce = nonce;
        self.world.db.insert_account_info(a, info);
    }

    /// Puts code at `a` without running a constructor (Stylus code still needs
    /// [`Chain::activate`]).
    pub fn set_code(&mut self, a: Address, code: impl Into<Bytes>) {
        let mut info = self.account(a);
        let code = Bytecode::new_legacy(code.into());
        info.code_hash = code.hash_slow();
        info.code = Some(code);
        self.world.db.insert_account_info(a, info);
    }

    /// Sets a storage slot of `a`.
    pub fn set_storage(&mut self, a: Address, slot: U256, value: U256) {
        let _ = self.world.db.insert_account_storage(a, slot, value);
    }

    /// Removes every storage slot of `a` (what a state override replacing an account's
    /// storage does).
    pub fn clear_storage(&mut self, a: Address) {
        if let Some(acc) = self.world.db.cache.accounts.get_mut(&a) {
            acc.storage.clear();
        }
    }

    // ---------------------------------------------------------------- snapshots

    /// Saves the world; [`Chain::revert_to`] brings it back.
    pub fn snapshot(&mut self) -> SnapshotId {
        self.snapshots.push(self.world.clone());
        SnapshotId(self.snapshots.len() - 1)
    }

    /// Restores the world saved by `id` (later snapshots are dropped; `id` stays usable).
    pub fn revert_to(&mut self, id: SnapshotId) {
        self.snapshots.truncate(id.0 + 1);
        self.world = self.snapshots[id.0].clone();
    }

    // ---------------------------------------------------------------- transactions

    /// Executes and commits a transaction. Any `from` works (no signatures: every account is
    /// impersonable). Gas is not charged in ETH (the price only shows in `tx_gas_price`).
    pub fn transact(&mut self, tx: &Tx) -> Receipt {
        let (receipt, _) = self.execute(tx, true);
        receipt
    }

    /// A message call, committed.
    pub fn call(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        data: impl Into<Bytes>,
    ) -> Receipt {
        self.transact(&Tx::call(from, to, value, data))
    }

    /// Runs `tx` and discards its effects (what `eth_call` and `eth_estimateGas` do), with
    /// its own gas limit, value and gas price.
    pub fn simulate(&mut self, tx: &Tx) -> Receipt {
        self.execute(tx, false).0
    }

    /// Puts `world` in place of the chain's state and returns the state it held. Compiled
    /// programs stay cached, so a node can run calls against an older block's state without
    /// recompiling.
    pub fn replace_world(&mut self, world: World) -> World {
        std::mem::replace(&mut self.world, world)
    }

    /// A message call whose effects are discarded (like `eth_call`).
    pub fn view(&mut self, from: Address, to: Address, data: impl Into<Bytes>) -> Receipt {
        self.simulate(&Tx::call(from, to, U256::ZERO, data))
    }

    /// A creation transaction running `init_code`, committed.
    pub fn deploy(&mut self, from: Address, init_code: impl Into<Bytes>, value: U256) -> Receipt {
        self.transact(&Tx::create(from, init_code, value))
    }

    /// Deploys `runtime_code` as is (wrapped in a minimal init code that returns it).
    pub fn deploy_code(&mut self, from: Address, runtime_code: &[u8]) -> Receipt {
        self.deploy(from, deployer_initcode(runtime_code), U256::ZERO)
    }

    /// Typed call through an alloy `sol!` binding; committed.
    pub fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<C::Return, CallError> {
        self.send_value(from, to, U256::ZERO, call)
    }

    /// Typed call with value; committed.
    pub fn send_value<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        call: &C,
    ) -> Result<C::Return, CallError> {
        let r = self.call(from, to, value, call.abi_encode());
        decode_return::<C>(r)
    }

    /// Typed read-only call (effects discarded).
    pub fn read<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return, CallError> {
        let r = self.view(Address::ZERO, to, call.abi_encode());
        decode_return::<C>(r)
    }

    // ---------------------------------------------------------------- Stylus

    /// Activates the Stylus program deployed at `program` (what `ArbWasm.activateProgram`
    /// does on chain): decompresses, validates and compiles it. Calls into Stylus code that
    /// is not activated revert.
    pub fn activate(&mut self, program: Address) -> Result<ProgramInfo, ActivationError> {
        let code = self.code(program);
        let info = self.runtime.activate(&code, self.world.block.timestamp)?;
        self.world.programs.insert(keccak256(&code), info.clone());
        Ok(info)
    }

    /// The activation record of a program by code hash.
    pub fn program(&self, code_hash: B256) -> Option<&ProgramInfo> {
        self.world.programs.get(&code_hash)
    }

    /// Puts an activated program in the CacheManager cache (what `ArbWasmCache.cacheProgram`
    /// does on chain): every call then pays only the cached init gas. Returns false when
    /// no program with that code hash is activated.
    pub fn cache_program(&mut self, code_hash: B256) -> bool {
        self.set_cached(code_hash, true)
    }

    /// Makes `a` a chain owner (what `ArbOwner.addChainOwner` does).
    pub fn add_chain_owner(&mut self, a: Address) {
        if !self.world.roles.chain_owners.contains(&a) {
            self.world.roles.chain_owners.push(a);
        }
    }

    /// Lets `a` cache and evict programs through `ArbWasmCache` (what
    /// `ArbOwner.addWasmCacheManager` does; the CacheManager contract is one).
    pub fn add_cache_manager(&mut self, a: Address) {
        if !self.world.roles.cache_managers.contains(&a) {
            self.world.roles.cache_managers.push(a);
        }
    }

    /// Takes a program out of the CacheManager cache.
    pub fn evict_program(&mut self, code_hash: B256) -> bool {
        self.set_cached(code_hash, false)
    }

    fn set_cached(&mut self, code_hash: B256, cached: bool) -> bool {
        match self.world.programs.get_mut(&code_hash) {
            Some(p) => {
                p.cached = cached;
                true
            }
            None => false,
        }
    }

    /// Deploys Stylus code (`0xEFF000...` bytes, as `cargo stylus` / `scripts/cf build` make
    /// them) and activates it.
    ///
    /// - `constructor_args: None`: a plain creation transaction from `from` (as `cargo stylus
    ///   deploy` does for contracts without a constructor); the address is `from`'s CREATE
    ///   address.
    /// - `Some(args)` (ABI-encoded constructor parameters, no selector): the `StylusDeployer`
    ///   flow cargo-stylus uses for `#[constructor]`s, atomically: the deployer at
    ///   [`STYLUS_DEPLOYER`] creates the contract (its CREATE address), activates it and calls
    ///   `stylus_constructor` with `args` and `value`, so the constructor sees
    ///   `msg.sender == STYLUS_DEPLOYER` and `tx.origin == from`, as on chain. The deployer's
    ///   nonce moves by one per deployment (its CREATE), so the next address is
    ///   `STYLUS_DEPLOYER.create(chain.nonce(STYLUS_DEPLOYER))`. If the constructor reverts,
    ///   nothing of the deployment stays (`from`'s nonce still moves).
    pub fn deploy_stylus(
        &mut self,
        from: Address,
        code: &[u8],
        constructor_args: Option<&[u8]>,
        value: U256,
    ) -> Result<Address, DeployError> {
        let Some(args) = constructor_args else {
            let r = self.deploy(from, deployer_initcode(code), U256::ZERO);
            let Some(addr) = r.created.filter(|_| r.success) else {
                return Err(DeployError::Create(r));
            };
            self.activate(addr).map_err(DeployError::Activate)?;
            return Ok(addr);
        };
        let before = self.world.clone();
        let nonce = self.nonce(from);
        let fail = |chain: &mut Self, e: DeployError| {
            chain.world = before.clone();
            chain.set_nonce(from, nonce + 1);
            Err(e)
        };
        // The deployer creates the program (origin = from).
        let tx = Tx {
            from: STYLUS_DEPLOYER,
            ..Tx::create(STYLUS_DEPLOYER, deployer_initcode(code), U256::ZERO)
        };
        let (r, _) = self.execute_as(&tx, from, true);
        let Some(addr) = r.created.filter(|_| r.success) else {
            return fail(self, DeployError::Create(r));
        };
        if let Err(e) = self.activate(addr) {
            return fail(self, DeployError::Activate(e));
        }
        // Value for the constructor comes from `from` through the deployer.
        if !value.is_zero() {
            let have = self.balance(from);
            if have < value {
                return fail(self, DeployError::Constructor(Receipt::failed("OutOfFunds", 0)));
            }
            self.set_balance(from, have - value);
            let d = self.balance(STYLUS_DEPLOYER);
            self.set_balance(STYLUS_DEPLOYER, d + value);
        }
        let mut data = constructor_selector().to_vec();
        data.extend_from_slice(args);
        let tx = Tx::call(STYLUS_DEPLOYER, addr, value, data);
        // The constructor call is an internal CALL of the deployer contract: unlike this
        // emulation's transaction, it does not move the deployer's nonce (only its CREATE did).
        let deployer_nonce = self.nonce(STYLUS_DEPLOYER);
        let (r, _) = self.execute_as(&tx, from, true);
        if !r.success {
            return fail(self, DeployError::Constructor(r));
        }
        self.set_nonce(STYLUS_DEPLOYER, deployer_nonce);
        // One transaction of `from` (to the deployer).
        self.set_nonce(from, nonce + 1);
        Ok(addr)
    }

    /// Deploys a Stylus artifact built by `scripts/cf build` (see [`crate::artifact`]).
    pub fn deploy_artifact(
        &mut self,
        from: Address,
        crate_name: &str,
        constructor_args: Option<&[u8]>,
    ) -> Result<Address, DeployError> {
        let code = crate::artifact(crate_name).unwrap_or_else(|e| panic!("{e}"));
        self.deploy_stylus(from, &code, constructor_args, U256::ZERO)
    }

    /// Deploys a file holding Stylus code bytes.
    pub fn deploy_file(
        &mut self,
        from: Address,
        path: impl AsRef<Path>,
        constructor_args: Option<&[u8]>,
    ) -> Result<Address, DeployError> {
        let path: PathBuf = path.as_ref().into();
        let code =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        self.deploy_stylus(from, &code, constructor_args, U256::ZERO)
    }

    // ---------------------------------------------------------------- execution

    fn execute(&mut self, tx: &Tx, commit: bool) -> (Receipt, ()) {
        self.execute_as(tx, tx.from, commit)
    }

    /// Runs `tx` with `origin` as `tx.origin` (the sender of the outer transaction).
    fn execute_as(&mut self, tx: &Tx, origin: Address, commit: bool) -> (Receipt, ()) {
        let intrinsic = intrinsic_gas(tx);
        if tx.gas_limit < intrinsic {
            return (Receipt::failed("IntrinsicGasTooLow", 0), ());
        }
        let db = std::mem::take(&mut self.world.db);
        let job = TxJob {
            db,
            block: self.world.block.clone(),
            programs: self.world.programs.clone(),
            data_pricer: self.world.data_pricer,
            roles: self.world.roles.clone(),
            runtime: self.runtime.clone(),
            tx: tx.clone(),
            origin,
            gas: tx.gas_limit - intrinsic,
            commit,
        };
        let TxDone { db, result, created, logs, programs, data_pricer, gas_trace } = job.run();
        if commit && result.result.is_ok() {
            self.world.programs = programs;
            self.world.data_pricer = data_pricer;
        }
        let spent = tx.gas_limit - result.gas.remaining();
        let refund = if result.result.is_ok() {
            (result.gas.refunded().max(0) as u64).min(spent / 5)
        } else {
            0
        };
        self.world.db = db;
        let receipt = Receipt {
            success: result.result.is_ok(),
            status: format!("{:?}", result.result),
            output: result.output,
            logs,
            gas_used: (spent - refund).max(floor_gas(tx)),
            created,
            gas_trace: Box::new(gas_trace),
        };
        (receipt, ())
    }
}

struct TxJob {
    db: Db,
    block: BlockInfo,
    programs: HashMap<B256, ProgramInfo>,
    data_pricer: stylus_rules::pricing::DataPricer,
    roles: crate::roles::ChainRoles,
    runtime: Arc<Runtime>,
    tx: Tx,
    origin: Address,
    gas: u64,
    commit: bool,
}

struct TxDone {
    db: Db,
    result: revm::interpreter::InterpreterResult,
    created: Option<Address>,
    logs: Vec<Log>,
    programs: HashMap<B256, ProgramInfo>,
    data_pricer: stylus_rules::pricing::DataPricer,
    gas_trace: crate::stylus::GasTrace,
}

impl TxJob {
    fn run(self) -> TxDone {
        let TxJob { db, block: b, programs, data_pricer, roles, runtime, tx, origin, gas, commit } =
            self;
        let mut ctx: Ctx = Context::new(db, SPEC);
        ctx.block = BlockEnv {
            number: U256::from(b.number),
            beneficiary: b.coinbase,
            timestamp: U256::from(b.timestamp),
            gas_limit: b.gas_limit,
            basefee: b.basefee,
            ..Default::default()
        };
        ctx.cfg = CfgEnv::new_with_spec(SPEC);
        ctx.cfg.chain_id = b.chain_id;
        ctx.tx = TxEnv {
            caller: origin,
            gas_limit: tx.gas_limit,
            gas_price: tx.gas_price.max(b.basefee as u128),
            ..Default::default()
        };
        let precompiles = EthPrecompiles::new(SPEC);
        ctx.journaled_state.warm_precompiles(precompiles.warm_addresses());
        ctx.journaled_state.warm_coinbase_account(b.coinbase);

        let mut exec = Exec {
            ctx: Some(Box::new(ctx)),
            runtime: Some(runtime),
            precompiles: Some(precompiles),
            activated: programs,
            frames: Vec::new(),
            data_pricer,
            roles,
            ..Default::default()
        };
        let (result, created) = match tx.to {
            Some(to) => {
                // The transaction's nonce.
                {
                    let j = &mut exec.ctx().journaled_state;
                    let Ok(mut acc) = j.load_account_mut(tx.from);
                    acc.bump_nonce();
                    let _ = j.load_account(to);
                }
                let inputs = call_inputs(
                    CallScheme::Call,
                    tx.from,
                    to,
                    to,
                    CallValue::Transfer(tx.value),
                    tx.data.clone(),
                    gas,
                    false,
                );
                (exec.call(inputs, 0).result, None)
            }
            None => {
                let inputs = CreateInputs::new(
                    tx.from,
                    CreateScheme::Create,
                    tx.value,
                    tx.data.clone(),
                    gas,
                    0,
                );
                let out = exec.create(inputs, 0);
                let addr = out.address.filter(|_| out.result.result.is_ok());
                (out.result, addr)
            }
        };
        let mut ctx = exec.ctx.take().expect("ctx");
        let logs = if result.result.is_ok() { ctx.journaled_state.take_logs() } else { Vec::new() };
        ctx.journaled_state.commit_tx();
        let state = ctx.journaled_state.finalize();
        let mut db = std::mem::take(&mut ctx.journaled_state.database);
        if commit {
            db.commit(state);
        }
        TxDone {
            db,
            result,
            created,
            logs,
            programs: exec.activated,
            data_pricer: exec.data_pricer,
            gas_trace: exec.trace,
        }
    }
}

fn decode_return<C: SolCall>(r: Receipt) -> Result<C::Return, CallError> {
    if !r.success {
        return Err(CallError(r));
    }
    C::abi_decode_returns(&r.output)
        .map_err(|_| CallError(Receipt { status: "UndecodableReturn".into(), success: false, ..r }))
}

/// EIP-7623 (Prague) calldata floor: 21,000 + 10 per token (zero byte 1 token, other 4).
fn floor_gas(tx: &Tx) -> u64 {
    let zeros = tx.data.iter().filter(|b| **b == 0).count() as u64;
    let tokens = zeros + 4 * (tx.data.len() as u64 - zeros);
    21_000 + 10 * tokens
}

fn intrinsic_gas(tx: &Tx) -> u64 {
    let zeros = tx.data.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = tx.data.len() as u64 - zeros;
    let mut g = 21_000 + zeros * 4 + nonzeros * 16;
    if tx.to.is_none() {
        g += 32_000 + 2 * (tx.data.len() as u64).div_ceil(32);
    }
    g
}

/// The selector of a stylus-sdk 0.9 `#[constructor]`: `keccak256("stylus_constructor()")[..4]`.
pub fn constructor_selector() -> [u8; 4] {
    let h = keccak256(b"stylus_constructor()");
    [h[0], h[1], h[2], h[3]]
}

/// EVM init code that deploys `runtime` unchanged: `PUSH32 len, DUP1, PUSH1 off, PUSH1 0,
/// CODECOPY, PUSH1 0, RETURN` followed by the code.
pub fn deployer_initcode(runtime: &[u8]) -> Bytes {
    let mut v = Vec::with_capacity(runtime.len() + 43);
    v.push(0x7f);
    v.extend_from_slice(&U256::from(runtime.len()).to_be_bytes::<32>());
    let header_len = 33 + 1 + 2 + 2 + 1 + 2 + 1;
    v.extend_from_slice(&[0x80, 0x60, header_len as u8, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3]);
    debug_assert_eq!(v.len(), header_len);
    v.extend_from_slice(runtime);
    Bytes::from(v)
}

/// True when `code` is deployed Stylus code.
pub fn is_stylus(code: &[u8]) -> bool {
    is_stylus_code(code)
}

/// Unused-import guards.
#[allow(dead_code)]
fn _types(_: CacheDB<EmptyDB>, _: InstructionResult) {}
