//! Test mock: an ERC-4626 yield source (OpenZeppelin's `Erc4626`) over a mock ERC-20 whose
//! exchange rate tests move both ways: minting or donating asset to it raises the rate
//! (yield), `simulateLoss` burns asset it holds (a loss). It exists only for tests and local
//! scenarios; never deploy it where real value is at stake.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::{string::String, vec, vec::Vec};

use openzeppelin_stylus::{
    token::erc20::{
        extensions::{erc4626, Erc20Metadata, Erc4626, IErc20Metadata, IErc4626},
        Erc20, IErc20,
    },
    utils::introspection::erc165::IErc165,
};
use stylus_sdk::{
    alloy_primitives::{aliases::B32, Address, U256, U8},
    alloy_sol_types::sol,
    prelude::*,
};

sol! {
    /// `amount` of asset left the source (the rate fell).
    #[derive(Debug)]
    event LossSimulated(uint256 amount);
    /// The asset refused to burn `amount` from the source.
    #[derive(Debug)]
    error LossNotSimulated(uint256 amount);
}

sol_interface! {
    /// mock-erc20's unrestricted burn.
    interface IBurnable {
        function burn(address from, uint256 amount) external;
    }
}

/// The one error of `simulateLoss`.
#[derive(SolidityError, Debug)]
pub enum LossError {
    LossNotSimulated(LossNotSimulated),
}

#[entrypoint]
#[storage]
pub struct MockYieldSource {
    erc4626: Erc4626,
    erc20: Erc20,
    metadata: Erc20Metadata,
}

#[public]
#[implements(IErc4626<Error = erc4626::Error>, IErc20<Error = erc4626::Error>, IErc20Metadata, IErc165)]
impl MockYieldSource {
    #[constructor]
    pub fn constructor(&mut self, asset: Address, name: String, symbol: String) {
        self.erc4626.constructor(asset, U8::ZERO);
        self.metadata.constructor(name, symbol);
    }

    /// Cuts the exchange rate: burns `amount` of the asset this source holds.
    pub fn simulate_loss(&mut self, amount: U256) -> Result<(), LossError> {
        let asset = IBurnable::new(self.erc4626.asset());
        let this = self.vm().contract_address();
        asset
            .burn(&mut *self, this, amount)
            .map_err(|_| LossError::LossNotSimulated(LossNotSimulated { amount }))?;
        log(self.vm(), LossSimulated { amount });
        Ok(())
    }
}

#[public]
impl IErc4626 for MockYieldSource {
    type Error = erc4626::Error;

    fn asset(&self) -> Address {
        self.erc4626.asset()
    }

    fn total_assets(&self) -> Result<U256, Self::Error> {
        self.erc4626.total_assets()
    }

    fn convert_to_shares(&self, assets: U256) -> Result<U256, Self::Error> {
        self.erc4626.convert_to_shares(assets, &self.erc20)
    }

    fn convert_to_assets(&self, shares: U256) -> Result<U256, Self::Error> {
        self.erc4626.convert_to_assets(shares, &self.erc20)
    }

    fn max_deposit(&self, receiver: Address) -> U256 {
        self.erc4626.max_deposit(receiver)
    }

    fn preview_deposit(&self, assets: U256) -> Result<U256, Self::Error> {
        self.erc4626.preview_deposit(assets, &self.erc20)
    }

    fn deposit(&mut self, assets: U256, receiver: Address) -> Result<U256, Self::Error> {
        self.erc4626.deposit(assets, receiver, &mut self.erc20)
    }

    fn max_mint(&self, receiver: Address) -> U256 {
        self.erc4626.max_mint(receiver)
    }

    fn preview_mint(&self, shares: U256) -> Result<U256, Self::Error> {
        self.erc4626.preview_mint(shares, &self.erc20)
    }

    fn mint(&mut self, shares: U256, receiver: Address) -> Result<U256, Self::Error> {
        self.erc4626.mint(shares, receiver, &mut self.erc20)
    }

    fn max_withdraw(&self, owner: Address) -> Result<U256, Self::Error> {
        self.erc4626.max_withdraw(owner, &self.erc20)
    }

    fn preview_withdraw(&self, assets: U256) -> Result<U256, Self::Error> {
        self.erc4626.preview_withdraw(assets, &self.erc20)
    }

    fn withdraw(
        &mut self,
        assets: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Self::Error> {
        self.erc4626.withdraw(assets, receiver, owner, &mut self.erc20)
    }

    fn max_redeem(&self, owner: Address) -> U256 {
        self.erc4626.max_redeem(owner, &self.erc20)
    }

    fn preview_redeem(&self, shares: U256) -> Result<U256, Self::Error> {
        self.erc4626.preview_redeem(shares, &self.erc20)
    }

    fn redeem(
        &mut self,
        shares: U256,
        receiver: Address,
        owner: Address,
    ) -> Result<U256, Self::Error> {
        self.erc4626.redeem(shares, receiver, owner, &mut self.erc20)
    }
}

#[public]
impl IErc20 for MockYieldSource {
    type Error = erc4626::Error;

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
impl IErc20Metadata for MockYieldSource {
    fn name(&self) -> String {
        self.metadata.name()
    }

    fn symbol(&self) -> String {
        self.metadata.symbol()
    }

    fn decimals(&self) -> U8 {
        self.erc4626.decimals()
    }
}

#[public]
impl IErc165 for MockYieldSource {
    fn supports_interface(&self, interface_id: B32) -> bool {
        use compute_fi_contracts::interface_ids::{
            IID_ERC165, IID_ERC20, IID_ERC20_METADATA, IID_ERC4626,
        };
        [IID_ERC165, IID_ERC20, IID_ERC20_METADATA, IID_ERC4626].contains(&interface_id)
    }
}

#[cfg(test)]
mod tests {
    use mock_erc20::MockErc20;
    use motsu::prelude::*;
    use stylus_sdk::alloy_primitives::{uint, Address, U256, U8};

    use super::*;

    fn setup(source: &Contract<MockYieldSource>, token: &Contract<MockErc20>, alice: Address) {
        token.sender(alice).constructor("Asset".into(), "AST".into(), U8::from(18));
        source.sender(alice).constructor(token.address(), "Source".into(), "SRC".into());
    }

    #[motsu::test]
    fn rate_rises_with_donations_and_falls_with_losses(
        source: Contract<MockYieldSource>,
        token: Contract<MockErc20>,
        alice: Address,
    ) {
        setup(&source, &token, alice);
        let hundred = uint!(100_U256);
        token.sender(alice).mint(alice, hundred).motsu_unwrap();
        token.sender(alice).approve(source.address(), hundred).motsu_unwrap();
        let shares = source.sender(alice).deposit(hundred, alice).motsu_unwrap();
        assert_eq!(shares, hundred);
        assert_eq!(source.sender(alice).convert_to_assets(shares).motsu_unwrap(), hundred);

        // Yield: asset minted to the source raises what the shares are worth.
        token.sender(alice).mint(source.address(), uint!(50_U256)).motsu_unwrap();
        assert_eq!(source.sender(alice).total_assets().motsu_unwrap(), uint!(150_U256));
        let up = source.sender(alice).convert_to_assets(shares).motsu_unwrap();
        assert!(up > hundred && up <= uint!(150_U256));

        // Loss: burns asset held by the source.
        source.sender(alice).simulate_loss(uint!(90_U256)).motsu_unwrap();
        source.assert_emitted(&LossSimulated { amount: uint!(90_U256) });
        assert_eq!(source.sender(alice).total_assets().motsu_unwrap(), uint!(60_U256));
        let down = source.sender(alice).convert_to_assets(shares).motsu_unwrap();
        assert!(down < hundred);
        assert_eq!(token.sender(alice).balance_of(source.address()), uint!(60_U256));
    }

    #[motsu::test]
    fn loss_beyond_holdings_reverts(
        source: Contract<MockYieldSource>,
        token: Contract<MockErc20>,
        alice: Address,
    ) {
        setup(&source, &token, alice);
        let err = source.sender(alice).simulate_loss(U256::from(1)).motsu_unwrap_err();
        assert!(
            matches!(err, LossError::LossNotSimulated(LossNotSimulated { amount }) if amount == U256::from(1))
        );
    }

    #[motsu::test]
    fn reports_erc4626_and_metadata(
        source: Contract<MockYieldSource>,
        token: Contract<MockErc20>,
        alice: Address,
    ) {
        setup(&source, &token, alice);
        assert_eq!(source.sender(alice).asset(), token.address());
        assert_eq!(source.sender(alice).name(), "Source");
        assert_eq!(source.sender(alice).symbol(), "SRC");
        assert_eq!(source.sender(alice).decimals(), U8::from(18));
        assert!(source
            .sender(alice)
            .supports_interface(<MockYieldSource as IErc4626>::interface_id()));
        let _ = Address::ZERO;
    }
}
