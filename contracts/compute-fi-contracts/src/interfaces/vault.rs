//! What the YieldVault calls: its asset (ERC-20; WETH9 when native ETH is enabled) and its
//! yield source (the ERC-4626 subset it needs). A rate adapter for wstETH-like tokens
//! (value from a price feed) plugs in by implementing the same `IYieldSource` subset.
//!
//! Declared with `sol!` (call structs only): the vault encodes these calls itself and makes
//! them through one raw-call helper, which keeps its artifact under the size bar (one
//! `sol_interface!` wrapper per function cost ~0.5 KiB of WASM each).

use alloy_sol_types::sol;

sol! {
    /// The ERC-20 calls the vault makes on its asset. A transfer must return true or
    /// nothing (tokens without a return value work).
    interface IVaultAsset {
        function decimals() external view returns (uint8);
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        function approve(address spender, uint256 value) external returns (bool);
    }

    /// WETH9 wrap and unwrap (only when the asset is WETH).
    interface IWeth {
        function deposit() external payable;
        function withdraw(uint256 wad) external;
    }

    /// The ERC-4626 subset the vault needs from its yield source.
    interface IYieldSource {
        function balanceOf(address account) external view returns (uint256);
        function convertToAssets(uint256 shares) external view returns (uint256);
        function previewDeposit(uint256 assets) external view returns (uint256);
        function deposit(uint256 assets, address receiver) external returns (uint256);
        function withdraw(uint256 assets, address receiver, address owner) external returns (uint256);
        function redeem(uint256 shares, address receiver, address owner) external returns (uint256);
    }
}
