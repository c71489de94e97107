//! Test mock: an ERC-20 that anyone can mint and burn, with WETH9's `deposit` /
//! `withdraw` so it can stand in for WETH. It exists only for tests and local
//! scenarios; never deploy it where real value is at stake.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::{string::String, vec::Vec};

use openzeppelin_stylus::{
    token::erc20::{
        self,
        extensions::{Erc20Metadata, IErc20Metadata},
        Erc20, IErc20,
    },
    utils::introspection::erc165::IErc165,
};
use stylus_sdk::{
    alloy_primitives::{aliases::B32, Address, U256, U8},
    alloy_sol_types::sol,
    prelude::*,
    storage::StorageU8,
};

sol! {
    /// WETH9's events, so indexers see wraps and unwraps.
    #[derive(Debug)]
    event Deposit(address indexed dst, uint256 wad);
    #[derive(Debug)]
    event Withdrawal(address indexed src, uint256 wad);
    /// The ETH transfer of an unwrap failed.
    #[derive(Debug)]
    error EthTransferFailed(address to, uint256 amount);
}

/// Errors of the mock token: the ERC-20 ones plus a failed ETH payout.
#[derive(SolidityError, Debug)]
pub enum Error {
    InsufficientBalance(erc20::ERC20InsufficientBalance),
    InvalidSender(erc20::ERC20InvalidSender),
    InvalidReceiver(erc20::ERC20InvalidReceiver),
    InsufficientAllowance(erc20::ERC20InsufficientAllowance),
    InvalidSpender(erc20::ERC20InvalidSpender),
    InvalidApprover(erc20::ERC20InvalidApprover),
    EthTransferFailed(EthTransferFailed),
}

impl From<erc20::Error> for Error {
    fn from(value: erc20::Error) -> Self {
        match value {
            erc20::Error::InsufficientBalance(e) => Error::InsufficientBalance(e),
            erc20::Error::InvalidSender(e) => Error::InvalidSender(e),
            erc20::Error::InvalidReceiver(e) => Error::InvalidReceiver(e),
            erc20::Error::InsufficientAllowance(e) => Error::InsufficientAllowance(e),
            erc20::Error::InvalidSpender(e) => Error::InvalidSpender(e),
            erc20::Error::InvalidApprover(e) => Error::InvalidApprover(e),
        }
    }
}

#[entrypoint]
#[storage]
pub struct MockErc20 {
    erc20: Erc20,
    metadata: Erc20Metadata,
    decimals: StorageU8,
}

#[public]
#[implements(IErc20<Error = Error>, IErc20Metadata, IErc165)]
impl MockErc20 {
    #[constructor]
    pub fn constructor(&mut self, name: String, symbol: String, decimals: U8) {
        self.metadata.constructor(name, symbol);
        self.decimals.set(decimals);
    }

    /// Mints `amount` to `to`. Unrestricted: this is a test token.
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        Ok(self.erc20._mint(to, amount)?)
    }

    /// Burns `amount` from `from`. Unrestricted: this is a test token.
    pub fn burn(&mut self, from: Address, amount: U256) -> Result<(), Error> {
        Ok(self.erc20._burn(from, amount)?)
    }

    /// WETH9 `deposit`: wraps the ETH sent into tokens for the sender.
    #[payable]
    pub fn deposit(&mut self) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        let value = self.vm().msg_value();
        self.erc20._mint(sender, value)?;
        log(self.vm(), Deposit { dst: sender, wad: value });
        Ok(())
    }

    /// WETH9 `withdraw`: burns `wad` tokens and sends as much ETH to the sender.
    /// Effects before the interaction: the burn happens before the ETH leaves.
    pub fn withdraw(&mut self, wad: U256) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        self.erc20._burn(sender, wad)?;
        log(self.vm(), Withdrawal { src: sender, wad });
        self.vm()
            .transfer_eth(sender, wad)
            .map_err(|_| Error::EthTransferFailed(EthTransferFailed { to: sender, amount: wad }))
    }
}

#[public]
impl IErc20 for MockErc20 {
    type Error = Error;

    fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Self::Error> {
        Ok(self.erc20.transfer(to, value)?)
    }

    fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Self::Error> {
        Ok(self.erc20.approve(spender, value)?)
    }

    fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> Result<bool, Self::Error> {
        Ok(self.erc20.transfer_from(from, to, value)?)
    }
}

#[public]
impl IErc20Metadata for MockErc20 {
    fn name(&self) -> String {
        self.metadata.name()
    }

    fn symbol(&self) -> String {
        self.metadata.symbol()
    }

    fn decimals(&self) -> U8 {
        self.decimals.get()
    }
}

#[public]
impl IErc165 for MockErc20 {
    fn supports_interface(&self, interface_id: B32) -> bool {
        self.erc20.supports_interface(interface_id)
            || self.metadata.supports_interface(interface_id)
    }
}
