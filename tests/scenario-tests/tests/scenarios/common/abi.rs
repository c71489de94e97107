//! Bindings of every contract the scenarios deploy, generated from the committed ABI files
//! (`abi/*.sol` for the contracts, `tests/mocks/abi/*.sol` for the test-only ones), which
//! are exported from the contracts themselves: a scenario written against a stale
//! interface fails to compile. Each file declares several interfaces (the contract's own,
//! the standard ones it implements, its events) and some names recur across files
//! (`IERC20`, `IERC165`, `IAccessControlEvents`), hence one module per file. Paths are
//! relative to this crate's manifest dir.
//!
//! The exported files carry the constructor only as a trailing comment: each module that
//! has one spells its parameters as a `Constructor` tuple type, encoded with
//! `SolType::abi_encode_params`. Errors are exported with unnamed parameters: their fields
//! are `_0`, `_1`, ... Parameters are named in the Solidity convention (`tokenId`).

// The generated call constructors take a contract function's parameters one by one
// (`initialize`, `configure`, `request` have eight to ten).
#![allow(clippy::too_many_arguments)]

/// `abi/yield-vault.sol`: `IYieldVault` (ETH entry and exit, harvest, configuration,
/// roles, pausing, errors), `IERC20`, `IERC20Metadata`, `IERC4626`, `IERC165`,
/// `IYieldVaultEvents`, `IAccessControlEvents`, `IPausableEvents`.
pub mod vault {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../abi/yield-vault.sol"
    );

    /// The constructor's parameters: `(address asset, address source, address ledger,
    /// address admin, bytes32 name, bytes32 symbol, bool native, uint64 lockDuration,
    /// uint256 minStake, bool exactStake)`.
    pub type Constructor = (
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::FixedBytes<32>,
        sol_data::FixedBytes<32>,
        sol_data::Bool,
        sol_data::Uint<64>,
        sol_data::Uint<256>,
        sol_data::Bool,
    );
}

/// `abi/compute-ledger.sol`: `IComputeLedger` (credits, the market's reserve/charge/
/// release/pay, conversion, roles, errors), `IComputeLedgerEvents`, `IAccessControlEvents`.
pub mod ledger {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../abi/compute-ledger.sol"
    );

    /// The constructor's parameters: `(address admin, address vault, address asset,
    /// address payment, address pool, uint16 poolBps, address market)`.
    pub type Constructor = (
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Uint<16>,
        sol_data::Address,
    );
}

/// `abi/membership.sol`: `IMembership` (join, accounts, ownership epochs, errors),
/// `IERC721`, `IERC721Metadata`, `IERC165`, `IMembershipEvents`.
pub mod membership {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../abi/membership.sol"
    );

    /// The constructor's parameters: `(string name, string symbol, string baseUri,
    /// address admin, address asset, address vault, address registry,
    /// address implementation, uint256 stake)`.
    pub type Constructor = (
        sol_data::String,
        sol_data::String,
        sol_data::String,
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Uint<256>,
    );
}

/// `abi/erc6551-registry.sol`: `IErc6551Registry` (the reference interface),
/// `IERC6551RegistryEvents`. No constructor.
pub mod registry {
    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../abi/erc6551-registry.sol"
    );
}

/// `abi/tba-account.sol`: `ITbaAccount` (execution, sandbox, lock, delegates, ERC-1271,
/// token receivers, errors), `ITbaAccountReceive`, `ITbaAccountEvents`. No constructor.
pub mod account {
    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../abi/tba-account.sol"
    );
}

/// `abi/model-registry.sol`: `IModelRegistry` (models and who may use them, roles,
/// errors), `IModelRegistryEvents`, `IAccessControlEvents`.
pub mod models {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../abi/model-registry.sol"
    );

    /// The constructor's parameters: `(address admin)`.
    pub type Constructor = (sol_data::Address,);
}

/// `abi/job-market.sol`: `IJobMarket` (providers, bonds, jobs, disputes, roles, pausing,
/// errors), `IJobMarketEvents`, `IAccessControlEvents`, `IPausableEvents`.
pub mod market {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../abi/job-market.sol"
    );

    /// The constructor's parameters: `(address admin, address ledger, address token,
    /// address models)`.
    pub type Constructor =
        (sol_data::Address, sol_data::Address, sol_data::Address, sol_data::Address);
}

/// `tests/mocks/abi/mock-erc20.sol` (the WETH stand-in): `IMockErc20` (mint/burn, WETH
/// deposit/withdraw, errors), `IERC20`, `IERC20Metadata`, `IERC165`, `IMockErc20Events`.
pub mod weth {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../tests/mocks/abi/mock-erc20.sol"
    );

    /// The constructor's parameters: `(string name, string symbol, uint8 decimals)`.
    pub type Constructor = (sol_data::String, sol_data::String, sol_data::Uint<8>);
}

/// `tests/mocks/abi/mock-yield-source.sol` (the ERC-4626 yield source): `IMockYieldSource`
/// (a settable loss), `IERC20`, `IERC20Metadata`, `IERC4626`, `IERC165`,
/// `IMockYieldSourceEvents`.
pub mod source {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../tests/mocks/abi/mock-yield-source.sol"
    );

    /// The constructor's parameters: `(address asset, string name, string symbol)`.
    pub type Constructor = (sol_data::Address, sol_data::String, sol_data::String);
}

/// `tests/mocks/abi/mock-swap-router.sol` (a Uniswap-V3-style router paying at a settable
/// rate from its own balance; `setIgnoreMinimum(true)` makes it dishonest):
/// `IMockSwapRouter`, `IMockSwapRouterEvents`.
pub mod router {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../tests/mocks/abi/mock-swap-router.sol"
    );

    /// The constructor's parameters: `(uint256 rate)`, output per input scaled by 1e18.
    pub type Constructor = (sol_data::Uint<256>,);
}

/// `tests/mocks/abi/mock-price-feed.sol` (a Chainlink-style feed with a settable answer):
/// `IMockPriceFeed`, `IMockPriceFeedEvents`.
pub mod feed {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../tests/mocks/abi/mock-price-feed.sol"
    );

    /// The constructor's parameters: `(uint8 decimals, int256 answer, uint256 updatedAt)`.
    pub type Constructor = (sol_data::Uint<8>, sol_data::Int<256>, sol_data::Uint<256>);
}

/// `abi/community-factory.sol`: `ICommunityFactory` (create, predict, enumerate),
/// `ICommunityFactoryEvents`.
pub mod factory {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../abi/community-factory.sol"
    );

    /// The constructor's parameters: `(address vaultImpl, address ledgerImpl,
    /// address marketImpl, address membershipImpl, address registry, address accountImpl,
    /// address models)`.
    pub type Constructor = (
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
        sol_data::Address,
    );
}
