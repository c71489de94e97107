#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    const EXTRA: &str = "
interface ITbaAccountExtra {
    receive() external payable;
    event LockUpdated(uint64 lockedUntil);
    event DelegateGranted(address indexed owner, address indexed delegate, uint64 expiry, bool canSign, uint64 grantId);
    event DelegateScope(address indexed delegate, uint64 indexed grantId, address target, bytes4 selector);
    event DelegateRevoked(address indexed owner, address indexed delegate);
}
";
    compute_fi_contracts::abi::print_with(tba_account::print_from_args, &[EXTRA]);
}
