#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    const EVENTS: &str = "
interface IERC6551RegistryEvents {
    event ERC6551AccountCreated(address account, address indexed implementation, bytes32 salt, uint256 chainId, address indexed tokenContract, uint256 indexed tokenId);
}
";
    compute_fi_contracts::abi::print_with(erc6551_registry::print_from_args, &[EVENTS]);
}
