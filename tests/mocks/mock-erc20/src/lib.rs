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

    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Self::Error> {
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
        use compute_fi_contracts::interface_ids::{IID_ERC165, IID_ERC20, IID_ERC20_METADATA};
        [IID_ERC165, IID_ERC20, IID_ERC20_METADATA].contains(&interface_id)
    }
}

#[cfg(test)]
mod tests {
    use motsu::prelude::*;
    use openzeppelin_stylus::token::erc20::Transfer;
    use stylus_sdk::alloy_primitives::uint;

    use super::*;

    fn setup(token: &Contract<MockErc20>, who: Address) {
        token.sender(who).constructor("Wrapped Ether".into(), "WETH".into(), U8::from(18));
    }

    #[motsu::test]
    fn constructor_sets_metadata(token: Contract<MockErc20>, alice: Address) {
        setup(&token, alice);
        assert_eq!(token.sender(alice).name(), "Wrapped Ether");
        assert_eq!(token.sender(alice).symbol(), "WETH");
        assert_eq!(token.sender(alice).decimals(), U8::from(18));
    }

    #[motsu::test]
    fn mint_and_burn_move_supply_and_emit(
        token: Contract<MockErc20>,
        alice: Address,
        bob: Address,
    ) {
        setup(&token, alice);
        token.sender(bob).mint(alice, uint!(100_U256)).motsu_unwrap();
        token.assert_emitted(&Transfer { from: Address::ZERO, to: alice, value: uint!(100_U256) });
        token.sender(bob).burn(alice, uint!(40_U256)).motsu_unwrap();
        token.assert_emitted(&Transfer { from: alice, to: Address::ZERO, value: uint!(40_U256) });
        assert_eq!(token.sender(alice).balance_of(alice), uint!(60_U256));
        assert_eq!(token.sender(alice).total_supply(), uint!(60_U256));
    }

    #[motsu::test]
    fn burn_more_than_balance_reverts(token: Contract<MockErc20>, alice: Address) {
        setup(&token, alice);
        token.sender(alice).mint(alice, uint!(1_U256)).motsu_unwrap();
        let err = token.sender(alice).burn(alice, uint!(2_U256)).motsu_unwrap_err();
        assert!(matches!(
            err,
            Error::InsufficientBalance(erc20::ERC20InsufficientBalance { sender, balance, needed })
                if sender == alice && balance == uint!(1_U256) && needed == uint!(2_U256)
        ));
    }

    /// The unwrap's ETH payout to an account with no code cannot run in motsu 0.10 (its
    /// `transfer_eth` expects a contract at the receiver); the local chain's tests cover
    /// `withdraw` end to end.
    // motsu 0.10 reads an account's ETH balance only through the SDK's deprecated
    // `AddressVM::balance`.
    #[allow(deprecated)]
    #[motsu::test]
    fn deposit_wraps_eth(token: Contract<MockErc20>, alice: Address) {
        setup(&token, alice);
        alice.fund(uint!(10_U256));
        token.sender_and_value(alice, uint!(7_U256)).deposit().motsu_unwrap();
        token.assert_emitted(&Deposit { dst: alice, wad: uint!(7_U256) });
        assert_eq!(token.sender(alice).balance_of(alice), uint!(7_U256));
        assert_eq!(alice.balance(), uint!(3_U256));
        assert_eq!(token.balance(), uint!(7_U256));
    }

    // motsu 0.10 reads an account's ETH balance only through the SDK's deprecated
    // `AddressVM::balance`.
    #[allow(deprecated)]
    #[motsu::test]
    fn withdraw_more_than_wrapped_reverts(token: Contract<MockErc20>, alice: Address) {
        setup(&token, alice);
        let err = token.sender(alice).withdraw(uint!(1_U256)).motsu_unwrap_err();
        assert!(matches!(err, Error::InsufficientBalance(_)));
        assert_eq!(alice.balance(), U256::ZERO);
    }

    #[motsu::test]
    fn erc20_surface_routes_to_openzeppelin(
        token: Contract<MockErc20>,
        alice: Address,
        bob: Address,
    ) {
        setup(&token, alice);
        token.sender(alice).mint(alice, uint!(10_U256)).motsu_unwrap();
        assert!(token.sender(alice).approve(bob, uint!(4_U256)).motsu_unwrap());
        assert_eq!(token.sender(alice).allowance(alice, bob), uint!(4_U256));
        assert!(token.sender(bob).transfer_from(alice, bob, uint!(3_U256)).motsu_unwrap());
        assert!(token.sender(bob).transfer(alice, uint!(1_U256)).motsu_unwrap());
        assert_eq!(token.sender(alice).balance_of(alice), uint!(8_U256));
        assert_eq!(token.sender(alice).balance_of(bob), uint!(2_U256));
        let err = token.sender(bob).transfer_from(alice, bob, uint!(2_U256)).motsu_unwrap_err();
        assert!(matches!(err, Error::InsufficientAllowance(_)));
    }
}
