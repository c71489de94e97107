//! The market's events, declared once: the code emits these types and the ABI export
//! prints the same declarations (`main.rs`, through `abi::events_solidity`). Role and
//! pause events are OpenZeppelin's, emitted through `compute_fi_contracts::access`.

compute_fi_contracts::contract_events! {
    /// Events of the job market.
    IJobMarketEvents {
        /// A provider joined or added bond; `bond` is its total, `endpoint` where it serves.
        #[derive(Debug)]
        event ProviderJoined(address indexed provider, uint256 bond, bytes endpoint);
        /// A provider's price per unit for `model`, fixed into each job at request.
        #[derive(Debug)]
        event PriceSet(address indexed provider, uint256 indexed model, uint256 price);
        /// A provider stopped taking jobs; its bond is withdrawable from `availableAt`.
        #[derive(Debug)]
        event UnbondStarted(address indexed provider, uint64 availableAt);
        #[derive(Debug)]
        event BondWithdrawn(address indexed provider, uint256 amount);
        /// What the provider watches: the input lives at `inputURI`, hashed `inputHash`.
        #[derive(Debug)]
        event JobRequested(uint256 indexed id, address indexed requester, address indexed provider, uint256 model, uint256 maxCredits, uint256 price, bytes32 inputHash, bytes inputURI, uint64 deadline);
        #[derive(Debug)]
        event JobFulfilled(uint256 indexed id, bytes32 outputHash, bytes outputURI, uint256 units, uint256 charge);
        #[derive(Debug)]
        event JobDisputed(uint256 indexed id);
        /// The charge became final: `paid` to the provider's earnings, `refund` released
        /// to the requester, `slashed` from the provider's bond into the requester's credits.
        #[derive(Debug)]
        event JobSettled(uint256 indexed id, uint256 paid, uint256 refund, uint256 slashed);
        #[derive(Debug)]
        event JobCancelled(uint256 indexed id, uint256 refund);
        /// The requester's consumer callback reverted or ran out of its gas.
        #[derive(Debug)]
        event CallbackFailed(uint256 indexed id);
        #[derive(Debug)]
        event ParamsSet(uint256 minBond, uint64 unbondDelay, uint64 challengeWindow, uint64 disputeWindow, uint64 minWindow, uint64 callbackGas, uint16 slashBps);
    }
}
