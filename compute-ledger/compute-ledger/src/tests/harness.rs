//! Test harness: the ledger with mock tokens, a mock vault share token (the ledger reads
//! `balanceOf` of it), a mock price feed and a mock router; a Rust-side vault model drives
//! the hooks exactly as the vault does (hook with balances before, then change).
#![allow(dead_code)]

use std::rc::Rc;

use alloy_primitives::{aliases::U24, Address, I256, U256, U8};
use mock_erc20::MockErc20;
use mock_price_feed::MockPriceFeed;
use mock_swap_router::MockSwapRouter;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;

use crate::ComputeLedger;

pub const NOW: u64 = 1_735_689_600;

pub fn u(x: u128) -> U256 {
    U256::from(x)
}

pub fn e18(x: u128) -> U256 {
    U256::from(x) * U256::from(10u128.pow(18))
}

pub struct H {
    pub ledger: Contract<ComputeLedger>,
    pub asset: Rc<Contract<MockErc20>>,
    pub pay: Rc<Contract<MockErc20>>,
    pub vault: Contract<MockErc20>,
    pub feed: Contract<MockPriceFeed>,
    pub router: Contract<MockSwapRouter>,
    pub admin: Address,
    pub pool: Address,
    pub market: Address,
}

fn token(name: &str, dec: u8) -> Contract<MockErc20> {
    let t = Contract::<MockErc20>::new();
    t.sender(Address::repeat_byte(0xEE)).constructor(name.into(), name.into(), U8::from(dec));
    t
}

std::thread_local! {
    /// Seconds the ledger's clock has moved past motsu's fixed `NOW` (per test thread,
    /// as motsu's state is).
    static ELAPSED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How far the ledger's clock has moved past `NOW` (read by `ComputeLedger::now`).
pub fn elapsed() -> u64 {
    ELAPSED.with(|e| e.get())
}

/// Moves the ledger's clock forward by `secs`: motsu's own clock stands still.
pub fn warp(secs: u64) {
    ELAPSED.with(|e| e.set(e.get() + secs));
}

impl H {
    /// `swap`: asset differs from the payment token (WETH 18 -> USDC 6 at 3000).
    pub fn new(swap: bool, pool_bps: u16) -> H {
        ELAPSED.with(|e| e.set(0));
        let asset = Rc::new(token("WETH", 18));
        let pay = if swap { Rc::new(token("USDC", 6)) } else { asset.clone() };
        let vault = token("SHARE", 18);
        let feed = Contract::<MockPriceFeed>::new();
        feed.sender(Address::repeat_byte(0xEE)).constructor(
            U8::from(8),
            I256::try_from(3000_0000_0000i64).unwrap(),
            U256::from(NOW),
        );
        let router = Contract::<MockSwapRouter>::new();
        router.sender(Address::repeat_byte(0xEE)).constructor(U256::from(3_000_000_000u64));
        let ledger = Contract::<ComputeLedger>::new();
        let admin = Address::repeat_byte(0xAD);
        let pool = Address::repeat_byte(0xB0);
        let market = Address::repeat_byte(0x3A);
        ledger
            .sender(admin)
            .constructor(
                admin,
                vault.address(),
                asset.address(),
                pay.address(),
                pool,
                pool_bps,
                market,
            )
            .motsu_unwrap();
        if swap {
            ledger
                .sender(admin)
                .set_conversion(
                    router.address(),
                    U24::from(500),
                    feed.address(),
                    3600,
                    100,
                    U256::from(1000_0000_0000u64),
                    U256::from(1_000_000_000_000_u64),
                )
                .motsu_unwrap();
            pay.sender(admin).mint(router.address(), U256::from(10u128.pow(30))).motsu_unwrap();
        }
        H { ledger, asset, pay, vault, feed, router, admin, pool, market }
    }

    pub fn supply(&self) -> U256 {
        self.vault.sender(self.admin).total_supply()
    }

    pub fn shares(&self, a: Address) -> U256 {
        self.vault.sender(self.admin).balance_of(a)
    }

    /// Vault deposit of `amount` shares to `to`, attributing `y` first.
    pub fn deposit(&self, to: Address, amount: U256, y: U256) {
        let (tb, s) = (self.shares(to), self.supply());
        self.ledger
            .sender(self.vault.address())
            .on_shares_changed(Address::ZERO, U256::ZERO, to, tb, s, y)
            .motsu_unwrap();
        self.vault.sender(self.admin).mint(to, amount).motsu_unwrap();
    }

    pub fn withdraw(&self, from: Address, amount: U256, y: U256) {
        let (fb, s) = (self.shares(from), self.supply());
        self.ledger
            .sender(self.vault.address())
            .on_shares_changed(from, fb, Address::ZERO, U256::ZERO, s, y)
            .motsu_unwrap();
        self.vault.sender(self.admin).burn(from, amount).motsu_unwrap();
    }

    pub fn transfer_shares(&self, from: Address, to: Address, amount: U256, y: U256) {
        let (fb, tb, s) = (self.shares(from), self.shares(to), self.supply());
        self.ledger
            .sender(self.vault.address())
            .on_shares_changed(from, fb, to, tb, s, y)
            .motsu_unwrap();
        self.vault.sender(self.admin).burn(from, amount).motsu_unwrap();
        self.vault.sender(self.admin).mint(to, amount).motsu_unwrap();
    }

    /// Harvest: the vault sends `assets` and calls `onHarvest` attributing `y` first.
    pub fn harvest(&self, y: U256, assets: U256) {
        self.asset.sender(self.admin).mint(self.ledger.address(), assets).motsu_unwrap();
        let s = self.supply();
        self.ledger.sender(self.vault.address()).on_harvest(y, s, assets).motsu_unwrap();
    }

    pub fn spendable(&self, a: Address) -> U256 {
        self.ledger.sender(a).spendable(a).motsu_unwrap()
    }

    /// Gives `who` `amount` payment tokens approved to the ledger.
    pub fn fund(&self, who: Address, amount: U256) {
        self.pay.sender(who).mint(who, amount).motsu_unwrap();
        self.pay.sender(who).approve(self.ledger.address(), amount).motsu_unwrap();
    }

    pub fn pay_balance(&self) -> U256 {
        self.pay.sender(self.admin).balance_of(self.ledger.address())
    }
}
