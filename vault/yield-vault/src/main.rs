#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    use compute_fi_contracts::abi::{print_with, IERC165, IERC20, IERC20_METADATA, IERC4626};
    print_with(
        yield_vault::print_from_args,
        &[IERC20, IERC20_METADATA, IERC4626, IERC165, yield_vault::EVENTS_ABI],
    );
}
