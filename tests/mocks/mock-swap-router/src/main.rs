#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    const EVENTS: &str = "
interface IMockSwapRouterEvents {
    event Swapped(address indexed payer, address indexed recipient, uint256 amountIn, uint256 amountOut);
}
";
    compute_fi_contracts::abi::print_with(mock_swap_router::print_from_args, &[EVENTS]);
}
