//! Test harness: the real ComputeLedger (payment token = asset), a share token standing in
//! for the vault, the ModelRegistry-compatible access answer from a test registry, and the
//! market; a test consumer contract plays a contract requester (ERC-165, ERC-1271,
//! callback that can revert).
#![allow(dead_code)]

use alloy_primitives::{Address, B256, U256, U8};
use alloy_sol_types::sol;
use compute_fi_contracts::access::{ARBITER_ROLE, GUARDIAN_ROLE};
use compute_ledger::ComputeLedger;
use mock_erc20::MockErc20;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageB256, StorageBool, StorageU8},
};

use crate::JobMarket;

pub const NOW: u64 = 1_735_689_600;

std::thread_local! {
    /// Seconds the market's clock has moved past motsu's fixed `NOW` (per test thread,
    /// as motsu's state is).
    static ELAPSED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How far the market's clock has moved past `NOW` (read by `JobMarket::now` in tests).
pub fn elapsed() -> u64 {
    ELAPSED.with(|e| e.get())
}

/// Moves the market's clock forward by `secs`: motsu's own clock stands still.
pub fn warp(secs: u64) {
    ELAPSED.with(|e| e.set(e.get() + secs));
}

pub fn u(x: u128) -> U256 {
    U256::from(x)
}

pub fn b(x: &[u8]) -> Bytes {
    Bytes(x.to_vec())
}

/// Whether `e` is the refusal of `account` for want of `role`.
pub fn refused(e: crate::Error, account: Address, role: B256) -> bool {
    matches!(e, crate::Error::AccessControlUnauthorizedAccount(r)
        if r.account == account && r.needed_role == role)
}

sol! {
    #[derive(Debug)]
    error ConsumerRefused();
}

#[derive(SolidityError, Debug)]
pub enum ConsumerError {
    ConsumerRefused(ConsumerRefused),
}

/// A contract requester: declares the consumer interface, can refuse the callback,
/// approves one digest through ERC-1271.
#[storage]
pub struct TestConsumer {
    declare: StorageBool,
    fail: StorageBool,
    approved: StorageB256,
    calls: StorageU8,
}

unsafe impl TopLevelStorage for TestConsumer {}

#[public]
impl TestConsumer {
    pub fn configure(&mut self, declare: bool, fail: bool, approved: B256) {
        self.declare.set(declare);
        self.fail.set(fail);
        self.approved.set(approved);
    }

    #[selector(name = "supportsInterface")]
    pub fn supports_interface(&self, id: alloy_primitives::FixedBytes<4>) -> bool {
        self.declare.get()
            && id
                == alloy_primitives::FixedBytes::<4>::from(
                    compute_fi_contracts::interfaces::ledger::JOB_CONSUMER_INTERFACE_ID,
                )
    }

    #[selector(name = "onJobFulfilled")]
    pub fn on_job_fulfilled(
        &mut self,
        _job: U256,
        _out: B256,
        _units: U256,
        _charge: U256,
    ) -> Result<(), ConsumerError> {
        if self.fail.get() {
            return Err(ConsumerError::ConsumerRefused(ConsumerRefused {}));
        }
        self.calls.set(self.calls.get() + U8::from(1));
        Ok(())
    }

    pub fn calls(&self) -> u8 {
        self.calls.get().to::<u8>()
    }

    #[selector(name = "isValidSignature")]
    pub fn is_valid_signature(&self, hash: B256, _sig: Bytes) -> alloy_primitives::FixedBytes<4> {
        if hash == self.approved.get() {
            compute_fi_contracts::interfaces::ledger::ERC1271_MAGIC.into()
        } else {
            alloy_primitives::FixedBytes::<4>::ZERO
        }
    }
}

/// The registry answer (0 ok, 1 unavailable, 2 denied) per model, settable.
#[storage]
pub struct TestModels {
    answer: StorageU8,
}

unsafe impl TopLevelStorage for TestModels {}

#[public]
impl TestModels {
    pub fn set(&mut self, answer: u8) {
        self.answer.set(U8::from(answer));
    }

    pub fn access(&self, _id: U256, _requester: Address, _token_id: U256, _salt: B256) -> u8 {
        self.answer.get().to::<u8>()
    }
}

pub struct H {
    pub ledger: Contract<ComputeLedger>,
    pub pay: Contract<MockErc20>,
    pub vault: Contract<MockErc20>,
    pub models: Contract<TestModels>,
    pub market: Contract<JobMarket>,
    pub admin: Address,
    pub arbiter: Address,
    pub guardian: Address,
    pub provider: Address,
    pub requester: Account,
}

impl H {
    pub fn new() -> H {
        ELAPSED.with(|e| e.set(0));
        let admin = Address::repeat_byte(0xAD);
        let pay = Contract::<MockErc20>::new();
        pay.sender(admin).constructor("USD".into(), "USD".into(), U8::from(6));
        let vault = Contract::<MockErc20>::new();
        vault.sender(admin).constructor("S".into(), "S".into(), U8::from(18));
        let models = Contract::<TestModels>::new();
        // The ledger is set up with the market's address (its one immediate market).
        let market = Contract::<JobMarket>::new();
        let ledger = Contract::<ComputeLedger>::new();
        ledger
            .sender(admin)
            .constructor(
                admin,
                vault.address(),
                pay.address(),
                pay.address(),
                Address::repeat_byte(0xB0),
                0,
                market.address(),
            )
            .motsu_unwrap();
        market
            .sender(admin)
            .constructor(admin, ledger.address(), pay.address(), models.address())
            .motsu_unwrap();
        let (arbiter, guardian) = (Address::repeat_byte(0xAB), Address::repeat_byte(0x6A));
        market.sender(admin).grant_role(ARBITER_ROLE, arbiter).motsu_unwrap();
        market.sender(admin).grant_role(GUARDIAN_ROLE, guardian).motsu_unwrap();
        // min bond 100, no unbond delay, challenge window 100 s, no time for the arbiter
        // after it, no minimum window, callback gas 100k, slash 50%.
        market.sender(admin).set_params(u(100), 0, 100, 0, 0, 100_000, 5_000).motsu_unwrap();
        let provider = Address::repeat_byte(0x77);
        let requester = Account::from_seed("requester");
        let h =
            H { ledger, pay, vault, models, market, admin, arbiter, guardian, provider, requester };
        h.join(provider, u(1_000));
        h.market.sender(provider).set_price(U256::ZERO, u(3)).motsu_unwrap();
        h.credit(h.requester.address(), u(1_000));
        h
    }

    pub fn join(&self, p: Address, bond: U256) {
        self.pay.sender(p).mint(p, bond).motsu_unwrap();
        self.pay.sender(p).approve(self.market.address(), bond).motsu_unwrap();
        self.market.sender(p).join_provider(b(b"https://node"), bond).motsu_unwrap();
    }

    /// Sets the challenge window, the arbiter's time after it, the minimum request window
    /// and the callback gas, keeping the harness's bond, unbonding delay and slash share.
    pub fn windows(&self, challenge: u64, dispute: u64, min_window: u64, callback_gas: u64) {
        self.market
            .sender(self.admin)
            .set_params(u(100), 0, challenge, dispute, min_window, callback_gas, 5_000)
            .motsu_unwrap();
    }

    pub fn credit(&self, who: Address, amount: U256) {
        let s = Address::repeat_byte(0x55);
        self.pay.sender(s).mint(s, amount).motsu_unwrap();
        self.pay.sender(s).approve(self.ledger.address(), amount).motsu_unwrap();
        self.ledger.sender(s).top_up(who, amount).motsu_unwrap();
    }

    pub fn r(&self) -> Address {
        self.requester.address()
    }

    pub fn request_as(&self, who: Address, max: U256, deadline: u64) -> Result<U256, crate::Error> {
        self.market.sender(who).request(
            U256::ZERO,
            self.provider,
            max,
            B256::repeat_byte(1),
            b(b"ipfs://in"),
            deadline,
            U256::ZERO,
            B256::ZERO,
        )
    }

    pub fn request(&self, max: U256, deadline: u64) -> U256 {
        self.request_as(self.r(), max, deadline).motsu_unwrap()
    }

    pub fn fulfil(&self, job: U256, units: U256) -> Result<(), crate::Error> {
        self.market.sender(self.provider).fulfil(job, B256::repeat_byte(2), b(b"ipfs://out"), units)
    }

    pub fn spendable(&self, a: Address) -> U256 {
        self.ledger.sender(a).spendable(a).motsu_unwrap()
    }

    pub fn reserved(&self, a: Address) -> U256 {
        self.ledger.sender(a).reserved(a)
    }

    pub fn market_tokens(&self) -> U256 {
        self.pay.sender(self.admin).balance_of(self.market.address())
    }

    pub fn ledger_tokens(&self) -> U256 {
        self.pay.sender(self.admin).balance_of(self.ledger.address())
    }

    pub fn status(&self, job: U256) -> u8 {
        self.market.sender(self.admin).job(job).2
    }
}
