//! Membership's events, declared once: the code emits these types and the ABI export
//! prints the same declarations (`main.rs`, through `abi::events_solidity`).

compute_fi_contracts::contract_events! {
    /// Events of the membership NFT.
    IMembershipEvents {
        /// `member` joined: token `tokenId`, its account `account`, which received
        /// `shares` of the vault for `assets` of stake.
        #[derive(Debug)]
        event Joined(address indexed member, uint256 indexed tokenId, address account, uint256 assets, uint256 shares);
        /// Setup minted the pool NFT `poolTokenId` to `admin`, with account `poolAccount`.
        #[derive(Debug)]
        event CommunityCreated(address indexed admin, uint256 poolTokenId, address poolAccount);
    }
}
