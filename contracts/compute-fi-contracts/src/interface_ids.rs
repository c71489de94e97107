//! ERC-165 interface ids of the standard interfaces our token contracts implement, as
//! constants.
//!
//! Why not `<Self as IErc20>::interface_id()` from openzeppelin-stylus: its
//! `#[interface_id]` macro collects selectors in a `HashMap` and XORs them in the map's
//! iteration order, which is random per compiler run. The id is the same, but the code
//! (and so the brotli size, by up to ~130 B) differed from build to build, so the
//! deployed artifact was not reproducible and the README size table could not be checked
//! exactly. A constant is also smaller and cheaper than five to sixteen runtime XORs.
//! `tests::ids_match_openzeppelin` proves every constant equals the macro's value.

use alloy_primitives::{aliases::B32, fixed_bytes};

/// ERC-165 `supportsInterface(bytes4)`.
pub const IID_ERC165: B32 = fixed_bytes!("01ffc9a7");
/// ERC-20 (the six functions, without metadata).
pub const IID_ERC20: B32 = fixed_bytes!("36372b07");
/// ERC-20 metadata: `name()`, `symbol()`, `decimals()`.
pub const IID_ERC20_METADATA: B32 = fixed_bytes!("a219a025");
/// ERC-4626 (its sixteen functions, without ERC-20).
pub const IID_ERC4626: B32 = fixed_bytes!("87dfe5a0");
/// ERC-721.
pub const IID_ERC721: B32 = fixed_bytes!("80ac58cd");
/// ERC-721 metadata: `name()`, `symbol()`, `tokenURI(uint256)`.
pub const IID_ERC721_METADATA: B32 = fixed_bytes!("5b5e139f");

#[cfg(test)]
mod tests {
    use alloy_primitives::keccak256;
    use openzeppelin_stylus::{
        token::{
            erc20::{
                extensions::{Erc20Metadata, IErc20Metadata},
                Erc20, IErc20,
            },
            erc721::{Erc721, IErc721},
        },
        utils::introspection::erc165::IErc165,
    };

    use super::*;

    /// The ERC-165 definition: XOR of the selectors of the interface's functions.
    fn xor_of(signatures: &[&str]) -> B32 {
        signatures
            .iter()
            .fold(B32::ZERO, |id, sig| id ^ B32::from_slice(&keccak256(sig.as_bytes())[..4]))
    }

    #[test]
    fn ids_are_the_xor_of_their_selectors() {
        assert_eq!(IID_ERC165, xor_of(&["supportsInterface(bytes4)"]));
        assert_eq!(
            IID_ERC20,
            xor_of(&[
                "totalSupply()",
                "balanceOf(address)",
                "transfer(address,uint256)",
                "allowance(address,address)",
                "approve(address,uint256)",
                "transferFrom(address,address,uint256)",
            ])
        );
        assert_eq!(IID_ERC20_METADATA, xor_of(&["name()", "symbol()", "decimals()"]));
        assert_eq!(
            IID_ERC4626,
            xor_of(&[
                "asset()",
                "totalAssets()",
                "convertToShares(uint256)",
                "convertToAssets(uint256)",
                "maxDeposit(address)",
                "previewDeposit(uint256)",
                "deposit(uint256,address)",
                "maxMint(address)",
                "previewMint(uint256)",
                "mint(uint256,address)",
                "maxWithdraw(address)",
                "previewWithdraw(uint256)",
                "withdraw(uint256,address,address)",
                "maxRedeem(address)",
                "previewRedeem(uint256)",
                "redeem(uint256,address,address)",
            ])
        );
        assert_eq!(
            IID_ERC721,
            xor_of(&[
                "balanceOf(address)",
                "ownerOf(uint256)",
                "safeTransferFrom(address,address,uint256,bytes)",
                "safeTransferFrom(address,address,uint256)",
                "transferFrom(address,address,uint256)",
                "approve(address,uint256)",
                "setApprovalForAll(address,bool)",
                "getApproved(uint256)",
                "isApprovedForAll(address,address)",
            ])
        );
        assert_eq!(IID_ERC721_METADATA, xor_of(&["name()", "symbol()", "tokenURI(uint256)"]));
    }

    /// Same ids as openzeppelin-stylus computes, where it has a type implementing the
    /// trait (ERC-4626 and ERC-721 metadata are checked in the vault's and membership's
    /// tests against their own implementations).
    #[test]
    fn ids_match_openzeppelin() {
        assert_eq!(IID_ERC165, <Erc20 as IErc165>::interface_id());
        assert_eq!(IID_ERC20, <Erc20 as IErc20>::interface_id());
        assert_eq!(IID_ERC20_METADATA, <Erc20Metadata as IErc20Metadata>::interface_id());
        assert_eq!(IID_ERC721, <Erc721 as IErc721>::interface_id());
    }
}
