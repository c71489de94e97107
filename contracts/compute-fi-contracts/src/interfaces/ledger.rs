//! Interfaces the compute ledger and the job market call: the price feed, the swap
//! router, ERC-165/721/1271, the ERC-6551 registry's address view, job consumers, and the
//! ledger's own market-facing functions (the job market calls the ledger through them).

#![allow(non_snake_case)]
use alloc::vec;

use alloy_sol_types::{sol, SolCall};
use stylus_sdk::prelude::sol_interface;

sol_interface! {
    /// Chainlink AggregatorV3 (the parts the ledger reads).
    interface IAggregatorV3 {
        function decimals() external view returns (uint8);
        function latestRoundData() external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
    }

    /// ERC-20 reads.
    interface IErc20View {
        function balanceOf(address account) external view returns (uint256);
        function decimals() external view returns (uint8);
    }

    /// ERC-20 transfers (tokens must return `true`, as standard ERC-20s do).
    interface IErc20Calls {
        function transfer(address to, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        function approve(address spender, uint256 value) external returns (bool);
    }

    /// ERC-165.
    interface IErc165View {
        function supportsInterface(bytes4 interfaceId) external view returns (bool);
    }

    /// ERC-721 reads used by model access checks.
    interface IErc721View {
        function balanceOf(address owner) external view returns (uint256);
        function ownerOf(uint256 tokenId) external view returns (address);
    }

    /// ERC-1271: signature check of contract accounts (token-bound accounts).
    interface IErc1271 {
        function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4);
    }

    /// ERC-6551 registry: the address view only (recomputes a TBA address).
    interface IErc6551RegistryView {
        function account(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId) external view returns (address);
    }

    /// Callback a contract requester receives when its job is fulfilled, when it declares
    /// this interface through ERC-165. Called with capped gas; a failure never blocks
    /// settlement.
    interface IComputeJobConsumer {
        function onJobFulfilled(uint256 jobId, bytes32 outputHash, uint256 units, uint256 charge) external;
    }

    /// The model registry's access answer (0 ok, 1 unavailable, 2 denied).
    interface IModelRegistryAccess {
        function access(uint256 id, address requester, uint256 token_id, bytes32 salt) external view returns (uint8);
    }

    /// The compute ledger's functions the job market calls (only the configured market
    /// may call the first four).
    interface IComputeLedgerMarket {
        function reserve(address account, uint256 amount) external;
        function release(address account, uint256 amount) external;
        function charge(address account, uint256 amount) external;
        function pay(address to, uint256 amount) external;
        function topUp(address account, uint256 amount) external;
    }
}

/// ERC-165 id of [`IComputeJobConsumer`]: the selector of `onJobFulfilled`.
pub const JOB_CONSUMER_INTERFACE_ID: [u8; 4] = {
    let s = <IComputeJobConsumerSol::onJobFulfilledCall as SolCall>::SELECTOR;
    [s[0], s[1], s[2], s[3]]
};

/// ERC-1271 magic value (`isValidSignature` selector).
pub const ERC1271_MAGIC: [u8; 4] = [0x16, 0x26, 0xba, 0x7e];

sol! {
    /// Uniswap V3 SwapRouter `exactInputSingle` (the adapter interface the ledger calls).
    #[derive(Debug)]
    struct ExactInputSingleParams {
        address tokenIn;
        address tokenOut;
        uint24 fee;
        address recipient;
        uint256 deadline;
        uint256 amountIn;
        uint256 amountOutMinimum;
        uint160 sqrtPriceLimitX96;
    }

    #[derive(Debug)]
    function exactInputSingle(ExactInputSingleParams params) external payable returns (uint256 amountOut);

    /// Same signature, for computing the consumer selector.
    interface IComputeJobConsumerSol {
        function onJobFulfilled(uint256 jobId, bytes32 outputHash, uint256 units, uint256 charge) external;
    }
}
