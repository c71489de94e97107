#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    use compute_fi_contracts::abi::{
        events_solidity, print_with, IACCESS_CONTROL_EVENTS, IERC165, IERC20, IERC20_METADATA,
        IERC4626, IPAUSABLE_EVENTS,
    };
    print_with(
        yield_vault::print_from_args,
        &[
            IERC20,
            IERC20_METADATA,
            IERC4626,
            IERC165,
            &events_solidity(yield_vault::IYieldVaultEvents),
            IACCESS_CONTROL_EVENTS,
            IPAUSABLE_EVENTS,
        ],
    );
}
