#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    use compute_fi_contracts::abi::{print_with, IERC165, IERC721, IERC721_METADATA};
    const EVENTS: &str = "
interface IMembershipEvents {
    event Joined(address indexed member, uint256 indexed tokenId, address account, uint256 assets, uint256 shares);
    event CommunityCreated(address indexed admin, uint256 poolTokenId, address poolAccount);
}
";
    print_with(membership::print_from_args, &[IERC721, IERC721_METADATA, IERC165, EVENTS]);
}
