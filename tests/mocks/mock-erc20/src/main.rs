#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    use compute_fi_contracts::abi::{print_with, IERC165, IERC20, IERC20_METADATA};
    const EVENTS: &str = "
interface IMockErc20Events {
    event Deposit(address indexed dst, uint256 wad);
    event Withdrawal(address indexed src, uint256 wad);
}
";
    print_with(mock_erc20::print_from_args, &[IERC20, IERC20_METADATA, IERC165, EVENTS]);
}
