#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    use compute_fi_contracts::abi::{events_solidity, print_with};
    print_with(
        community_factory::print_from_args,
        &[&events_solidity(community_factory::ICommunityFactoryEvents)],
    );
}
