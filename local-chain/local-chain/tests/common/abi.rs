//! Bindings of the test-only contracts, generated from their committed ABI files
//! (`tests/mocks/abi/*.sol`, exported from the contracts themselves), so that a test written
//! against a stale interface fails to compile. Each file declares several interfaces (the
//! contract's own, the standard ones, its events) and some names recur across files
//! (`IERC165`), hence one module per file. Paths are relative to this crate's manifest dir.
//!
//! The exported files carry the constructor only as a trailing comment: each module spells
//! its parameters as a `Constructor` tuple type, encoded with `SolType::abi_encode_params`.
//! Errors are exported with unnamed parameters: their fields are `_0`, `_1`, ...

/// `tests/mocks/abi/mock-erc20.sol`: `IMockErc20` (mint/burn, WETH, errors), `IERC20`,
/// `IERC20Metadata`, `IERC165`, `IMockErc20Events`.
pub mod mock_erc20 {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../tests/mocks/abi/mock-erc20.sol"
    );

    /// The constructor's parameters: `(string name, string symbol, uint8 decimals)`.
    pub type Constructor = (sol_data::String, sol_data::String, sol_data::Uint<8>);
}

/// `tests/mocks/abi/mock-erc721.sol`: `IMockErc721` (mint/burn, errors), `IERC721`,
/// `IERC721Metadata`, `IERC165`.
pub mod mock_erc721 {
    use alloy_sol_types::sol_data;

    alloy_sol_types::sol!(
        #[sol(all_derives)]
        "../../tests/mocks/abi/mock-erc721.sol"
    );

    /// The constructor's parameters: `(string name, string symbol, string baseUri)`.
    pub type Constructor = (sol_data::String, sol_data::String, sol_data::String);
}
