//! The factory's events, declared once: the code emits these types and the ABI export
//! prints the same declarations (`main.rs`, through `abi::events_solidity`).

compute_fi_contracts::contract_events! {
    /// Events of the community factory.
    ICommunityFactoryEvents {
        /// `deployer` created a community with `salt`, administered by `admin`.
        #[derive(Debug)]
        event CommunityCreated(address indexed deployer, bytes32 indexed salt, address admin, address vault, address ledger, address market, address membership, address pool);
    }
}
