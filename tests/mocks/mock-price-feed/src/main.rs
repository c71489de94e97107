#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    const EVENTS: &str = "
interface IMockPriceFeedEvents {
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
}
";
    compute_fi_contracts::abi::print_with(mock_price_feed::print_from_args, &[EVENTS]);
}
