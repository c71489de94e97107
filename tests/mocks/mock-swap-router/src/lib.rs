//! Test mock: a Uniswap-V3-style router whose `exactInputSingle` pays out at a settable
//! rate from its own balance of the output token and honours `amountOutMinimum` (unless
//! told to ignore it, as a dishonest router would).
//! Only for tests and local scenarios; never deploy it where real value is at stake.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use stylus_sdk::{
    alloy_primitives::{
        aliases::{U160, U24},
        uint, Address, U256,
    },
    alloy_sol_types::sol,
    prelude::*,
    storage::{StorageBool, StorageU256},
};

/// One whole unit of [`MockSwapRouter::rate`]: output = input * rate / 1e18.
pub const RATE_ONE: U256 = uint!(1_000_000_000_000_000_000_U256);

sol_interface! {
    interface IErc20Transfers {
        function transfer(address to, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);
    }
}

sol! {
    /// A swap happened.
    #[derive(Debug)]
    event Swapped(address indexed payer, address indexed recipient, uint256 amountIn, uint256 amountOut);
    /// The output would be below `amountOutMinimum` (Uniswap's "Too little received").
    #[derive(Debug)]
    error TooLittleReceived(uint256 amountOut, uint256 amountOutMinimum);
    /// A token transfer failed or returned false.
    #[derive(Debug)]
    error TransferFailed(address token);
    /// The output amount overflowed.
    #[derive(Debug)]
    error RateOverflow();
}

/// Errors of the mock router.
#[derive(SolidityError, Debug)]
pub enum Error {
    TooLittleReceived(TooLittleReceived),
    TransferFailed(TransferFailed),
    RateOverflow(RateOverflow),
}

/// Uniswap V3 `ExactInputSingleParams` as an ABI tuple:
/// (tokenIn, tokenOut, fee, recipient, deadline, amountIn, amountOutMinimum, sqrtPriceLimitX96).
pub type ExactInputSingleParams = (Address, Address, U24, Address, U256, U256, U256, U160);

/// The mock router.
#[entrypoint]
#[storage]
pub struct MockSwapRouter {
    rate: StorageU256,
    ignore_minimum: StorageBool,
}

#[public]
impl MockSwapRouter {
    #[constructor]
    pub fn constructor(&mut self, rate: U256) {
        self.rate.set(rate);
    }

    /// Sets the payout rate (output per input, scaled by 1e18). Unrestricted: a mock.
    #[selector(name = "setRate")]
    pub fn set_rate(&mut self, rate: U256) {
        self.rate.set(rate);
    }

    pub fn rate(&self) -> U256 {
        self.rate.get()
    }

    /// Makes the router dishonest: it swaps at its rate whatever `amountOutMinimum` asks.
    #[selector(name = "setIgnoreMinimum")]
    pub fn set_ignore_minimum(&mut self, ignore: bool) {
        self.ignore_minimum.set(ignore);
    }

    /// Pulls `amountIn` of `tokenIn` from the caller and pays `amountIn * rate / 1e18` of
    /// `tokenOut` to `recipient`, refusing less than `amountOutMinimum` (while honest).
    #[selector(name = "exactInputSingle")]
    #[payable]
    pub fn exact_input_single(&mut self, params: ExactInputSingleParams) -> Result<U256, Error> {
        let (token_in, token_out, _fee, recipient, _deadline, amount_in, min_out, _limit) = params;
        let out = amount_in
            .checked_mul(self.rate.get())
            .map(|x| x / RATE_ONE)
            .ok_or(Error::RateOverflow(RateOverflow {}))?;
        if out < min_out && !self.ignore_minimum.get() {
            return Err(Error::TooLittleReceived(TooLittleReceived {
                amountOut: out,
                amountOutMinimum: min_out,
            }));
        }
        let payer = self.vm().msg_sender();
        let me = self.vm().contract_address();
        let pulled = IErc20Transfers::new(token_in).transfer_from(&mut *self, payer, me, amount_in);
        if !matches!(pulled, Ok(true)) {
            return Err(Error::TransferFailed(TransferFailed { token: token_in }));
        }
        let paid = IErc20Transfers::new(token_out).transfer(&mut *self, recipient, out);
        if !matches!(paid, Ok(true)) {
            return Err(Error::TransferFailed(TransferFailed { token: token_out }));
        }
        log(self.vm(), Swapped { payer, recipient, amountIn: amount_in, amountOut: out });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U8;
    use mock_erc20::MockErc20;
    use motsu::prelude::*;
    use openzeppelin_stylus::token::erc20::IErc20;

    use super::*;

    fn setup(
        router: &Contract<MockSwapRouter>,
        a: &Contract<MockErc20>,
        b: &Contract<MockErc20>,
        who: Address,
    ) {
        a.sender(who).constructor("A".into(), "A".into(), U8::from(18));
        b.sender(who).constructor("B".into(), "B".into(), U8::from(6));
        router.sender(who).constructor(U256::from(2_000_000u64)); // 1e18 A -> 2e6 B
        b.sender(who).mint(router.address(), U256::from(10_000_000u64)).motsu_unwrap();
        a.sender(who).mint(who, U256::from(10u128.pow(18))).motsu_unwrap();
    }

    fn params(
        a: Address,
        b: Address,
        to: Address,
        amount: U256,
        min: U256,
    ) -> ExactInputSingleParams {
        (a, b, U24::from(500), to, U256::ZERO, amount, min, U160::ZERO)
    }

    #[motsu::test]
    fn swaps_at_the_rate_and_honours_the_minimum(
        router: Contract<MockSwapRouter>,
        a: Contract<MockErc20>,
        b: Contract<MockErc20>,
        alice: Address,
        bob: Address,
    ) {
        setup(&router, &a, &b, alice);
        let one = U256::from(10u128.pow(18));
        // Without allowance the pull fails.
        let e = router
            .sender(alice)
            .exact_input_single(params(a.address(), b.address(), bob, one, U256::ZERO))
            .motsu_unwrap_err();
        assert!(
            matches!(e, Error::TransferFailed(TransferFailed { token }) if token == a.address())
        );
        a.sender(alice).approve(router.address(), one).motsu_unwrap();
        let e = router
            .sender(alice)
            .exact_input_single(params(
                a.address(),
                b.address(),
                bob,
                one,
                U256::from(2_000_001u64),
            ))
            .motsu_unwrap_err();
        assert!(
            matches!(e, Error::TooLittleReceived(TooLittleReceived { amountOut, amountOutMinimum })
            if amountOut == U256::from(2_000_000u64) && amountOutMinimum == U256::from(2_000_001u64))
        );
        let out = router
            .sender(alice)
            .exact_input_single(params(
                a.address(),
                b.address(),
                bob,
                one,
                U256::from(2_000_000u64),
            ))
            .motsu_unwrap();
        assert_eq!(out, U256::from(2_000_000u64));
        router.assert_emitted(&Swapped {
            payer: alice,
            recipient: bob,
            amountIn: one,
            amountOut: out,
        });
        assert_eq!(b.sender(bob).balance_of(bob), out);
        assert_eq!(a.sender(bob).balance_of(router.address()), one);
        // Dishonest: pays below the minimum and succeeds.
        router.sender(bob).set_ignore_minimum(true);
        a.sender(alice).mint(alice, one).motsu_unwrap();
        a.sender(alice).approve(router.address(), one).motsu_unwrap();
        let out = router
            .sender(alice)
            .exact_input_single(params(a.address(), b.address(), bob, one, U256::MAX))
            .motsu_unwrap();
        assert_eq!(out, U256::from(2_000_000u64));
        router.sender(bob).set_rate(U256::from(7u8));
        assert_eq!(router.sender(bob).rate(), U256::from(7u8));
        let e = router
            .sender(alice)
            .exact_input_single(params(a.address(), b.address(), bob, U256::MAX, U256::ZERO))
            .motsu_unwrap_err();
        assert!(matches!(e, Error::RateOverflow(_)));
    }
}
