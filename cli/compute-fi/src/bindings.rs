//! Bindings to every contract the tool talks to. The suite's come from the committed ABI
//! files (`abi/*.sol`), exported from the contracts themselves, so the tool cannot drift
//! from what is deployed; the development externals' from `tests/mocks/abi`; Arbitrum's
//! precompiles and the StylusDeployer as Nitro and nitro-contracts declare them.
//!
//! Each file declares several interfaces and some names recur across files (`IERC20`,
//! `IAccessControlEvents`), hence one module per file.

// The generated call builders take a function's parameters one by one.
#![allow(clippy::too_many_arguments)]

macro_rules! contract_abi {
    ($(#[$doc:meta])* $module:ident, $path:literal) => {
        $(#[$doc])*
        pub mod $module {
            alloy::sol!(#[sol(rpc)] $path);
        }
    };
}

contract_abi!(
    /// The principal-protected vault: ETH entry and exit, harvest, configuration, ERC-4626.
    vault,
    "../../abi/yield-vault.sol"
);
contract_abi!(
    /// Credits per account and harvest epochs.
    ledger,
    "../../abi/compute-ledger.sol"
);
contract_abi!(
    /// Providers, bonds and jobs.
    market,
    "../../abi/job-market.sol"
);
contract_abi!(
    /// Models and their access policy.
    models,
    "../../abi/model-registry.sol"
);
contract_abi!(
    /// The community's ERC-721: join in one transaction.
    membership,
    "../../abi/membership.sol"
);
contract_abi!(
    /// The token-bound account: execute, delegates.
    account,
    "../../abi/tba-account.sol"
);
contract_abi!(
    /// The ERC-6551 registry.
    registry,
    "../../abi/erc6551-registry.sol"
);
contract_abi!(
    /// A community in one transaction.
    factory,
    "../../abi/community-factory.sol"
);
contract_abi!(
    /// Development WETH (an ERC-20 with wrapping and a free mint), for chains without one.
    dev_weth,
    "../../tests/mocks/abi/mock-erc20.sol"
);
contract_abi!(
    /// Development ERC-4626 yield source: its yield is whatever is sent to it.
    dev_source,
    "../../tests/mocks/abi/mock-yield-source.sol"
);

alloy::sol! {
    /// nitro-contracts' StylusDeployer (create or CREATE2, activate, construct, refund).
    #[sol(rpc)]
    interface IStylusDeployer {
        function deploy(bytes calldata bytecode, bytes calldata initData, uint256 initValue, bytes32 salt) external payable returns (address);
        event ContractDeployed(address deployedContract);
        error ContractInitializationError(address newContract, bytes data);
        error ContractDeploymentError(bytes bytecode);
        error RefundExcessValueError(uint256 excessValue);
        error InitValueButNotInitData();
        error EmptyBytecode();
    }

    /// ArbWasm (0x71): activation and its versions.
    #[sol(rpc)]
    interface IArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }

    /// ArbWasmCache (0x72): who caches programs, and whether a code hash is cached.
    #[sol(rpc)]
    interface IArbWasmCache {
        function allCacheManagers() external view returns (address[] memory managers);
        function codehashIsCached(bytes32 codehash) external view returns (bool);
    }

    /// nitro-contracts' CacheManager: bids that keep programs cached.
    #[sol(rpc)]
    interface ICacheManager {
        function getMinBid(address program) external view returns (uint192 min);
        function placeBid(address program) external payable;
        error NotChainOwner(address sender);
        error AsmTooLarge(uint256 asm, uint256 queueSize, uint256 cacheSize);
        error AlreadyCached(bytes32 codehash);
        error BidTooLarge(uint256 bid);
        error BidTooSmall(uint192 bid, uint192 min);
        error BidsArePaused();
        error MakeSpaceTooLarge(uint64 size, uint64 limit);
    }
}

/// nitro-contracts' StylusDeployer, at the same address on every Arbitrum chain.
pub const STYLUS_DEPLOYER: alloy::primitives::Address =
    alloy::primitives::address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// ArbWasm.
pub const ARB_WASM: alloy::primitives::Address =
    alloy::primitives::address!("0000000000000000000000000000000000000071");
/// ArbWasmCache.
pub const ARB_WASM_CACHE: alloy::primitives::Address =
    alloy::primitives::address!("0000000000000000000000000000000000000072");
