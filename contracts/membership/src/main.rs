#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    use compute_fi_contracts::abi::{
        events_solidity, print_with, IERC165, IERC721, IERC721_METADATA,
    };
    print_with(
        membership::print_from_args,
        &[IERC721, IERC721_METADATA, IERC165, &events_solidity(membership::IMembershipEvents)],
    );
}
