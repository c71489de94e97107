//! The account's events, declared once: the code emits these types and the ABI export
//! prints the same declarations (`main.rs`, through `abi::events_solidity`).

compute_fi_contracts::contract_events! {
    /// Events of the token-bound account.
    ITbaAccountEvents {
        /// The owner locked the account until `lockedUntil`.
        #[derive(Debug)]
        event LockUpdated(uint64 lockedUntil);
        /// `owner` granted `delegate` grant `grantId`, live until `expiry`; with
        /// `canSign` the delegate is also a valid signer.
        #[derive(Debug)]
        event DelegateGranted(address indexed owner, address indexed delegate, uint64 expiry, bool canSign, uint64 grantId);
        /// Grant `grantId` lets `delegate` CALL `target` with calldata starting with
        /// `selector`.
        #[derive(Debug)]
        event DelegateScope(address indexed delegate, uint64 indexed grantId, address target, bytes4 selector);
        /// `owner` voided `delegate`'s grant.
        #[derive(Debug)]
        event DelegateRevoked(address indexed owner, address indexed delegate);
    }
}
