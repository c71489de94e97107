#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    use compute_fi_contracts::abi::{events_solidity, print_with};
    // The SDK export omits the receive function.
    const RECEIVE: &str = "
interface ITbaAccountReceive {
    receive() external payable;
}
";
    print_with(
        tba_account::print_from_args,
        &[RECEIVE, &events_solidity(tba_account::ITbaAccountEvents)],
    );
}
