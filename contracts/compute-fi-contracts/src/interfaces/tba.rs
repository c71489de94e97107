//! ERC-6551: the registry and account interfaces other contracts call, and the account
//! proxy's code layout, shared so that any contract can learn which NFT a token-bound
//! account belongs to by reading its code (never by calling it: the account is usually
//! mid-execute, and a call back into it is reentrancy).
//!
//! The proxy is the ERC-6551 reference registry's ERC-1167-style proxy. Its runtime code
//! is 173 bytes:
//!
//! | offset | bytes | content |
//! |---:|---:|---|
//! | 0x00 | 10 | `363d3d373d3d3d363d73` (ERC-1167 header) |
//! | 0x0a | 20 | implementation |
//! | 0x1e | 15 | `5af43d82803e903d91602b57fd5bf3` (ERC-1167 footer) |
//! | 0x2d | 32 | salt |
//! | 0x4d | 32 | chain id |
//! | 0x6d | 32 | token contract (left-padded) |
//! | 0x8d | 32 | token id |
//!
//! Its init code is the 10-byte constructor `3d60ad80600a3d3981f3` followed by the
//! runtime code (183 bytes), and the account address is
//! `keccak256(0xff ‖ registry ‖ salt ‖ keccak256(init code))[12:]`.

#[allow(unused_imports)]
use alloc::vec;

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::sol;

// Call structs only (`sol!`, not `sol_interface!`): callers encode the calls themselves,
// since a typed wrapper compiles an encoder and a decoder per function.
sol! {
    /// The ERC-6551 registry (reference interface).
    interface IERC6551Registry {
        function createAccount(address implementation, bytes32 salt, uint256 chain_id, address token_contract, uint256 token_id) external returns (address);
        function account(address implementation, bytes32 salt, uint256 chain_id, address token_contract, uint256 token_id) external view returns (address);
    }

    /// The vault's entry points membership deposits the stake through: ERC-4626 `deposit`
    /// for a stake token, `depositEth` for ETH (the vault wraps it).
    interface IVaultEntry {
        function deposit(uint256 assets, address receiver) external returns (uint256);
        function depositEth(address receiver) external payable returns (uint256);
    }
}

/// ERC-1167 constructor of the reference registry's init code.
pub const PROXY_CONSTRUCTOR: [u8; 10] =
    [0x3d, 0x60, 0xad, 0x80, 0x60, 0x0a, 0x3d, 0x39, 0x81, 0xf3];
/// ERC-1167 runtime header, followed by the implementation address.
pub const PROXY_HEADER: [u8; 10] = [0x36, 0x3d, 0x3d, 0x37, 0x3d, 0x3d, 0x3d, 0x36, 0x3d, 0x73];
/// ERC-1167 runtime footer, followed by the ERC-6551 context.
pub const PROXY_FOOTER: [u8; 15] =
    [0x5a, 0xf4, 0x3d, 0x82, 0x80, 0x3e, 0x90, 0x3d, 0x91, 0x60, 0x2b, 0x57, 0xfd, 0x5b, 0xf3];
/// Length of the proxy's runtime code.
pub const PROXY_RUNTIME_LEN: usize = 173;
/// Length of the proxy's init code.
pub const PROXY_INIT_LEN: usize = 183;

/// The ERC-6551 context stored in a proxy's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountContext {
    pub implementation: Address,
    pub salt: B256,
    pub chain_id: U256,
    pub token_contract: Address,
    pub token_id: U256,
}

/// The proxy's runtime code for `ctx`.
pub fn proxy_runtime(ctx: &AccountContext) -> [u8; PROXY_RUNTIME_LEN] {
    let mut code = [0u8; PROXY_RUNTIME_LEN];
    code[0x00..0x0a].copy_from_slice(&PROXY_HEADER);
    code[0x0a..0x1e].copy_from_slice(ctx.implementation.as_slice());
    code[0x1e..0x2d].copy_from_slice(&PROXY_FOOTER);
    code[0x2d..0x4d].copy_from_slice(ctx.salt.as_slice());
    code[0x4d..0x6d].copy_from_slice(&ctx.chain_id.to_be_bytes::<32>());
    code[0x79..0x8d].copy_from_slice(ctx.token_contract.as_slice());
    code[0x8d..0xad].copy_from_slice(&ctx.token_id.to_be_bytes::<32>());
    code
}

/// The proxy's init code for `ctx` (what the registry CREATE2-deploys).
pub fn proxy_init_code(ctx: &AccountContext) -> [u8; PROXY_INIT_LEN] {
    let mut code = [0u8; PROXY_INIT_LEN];
    code[..10].copy_from_slice(&PROXY_CONSTRUCTOR);
    code[10..].copy_from_slice(&proxy_runtime(ctx));
    code
}

/// The CREATE2 address of `init_code_hash` deployed by `deployer` with `salt`.
pub fn create2_address(deployer: Address, salt: B256, init_code_hash: B256) -> Address {
    let mut buf = [0u8; 85];
    buf[0] = 0xff;
    buf[1..21].copy_from_slice(deployer.as_slice());
    buf[21..53].copy_from_slice(salt.as_slice());
    buf[53..85].copy_from_slice(init_code_hash.as_slice());
    Address::from_word(keccak256(buf))
}

/// The account address `registry` derives for `ctx` (the reference formula).
pub fn account_address(registry: Address, ctx: &AccountContext) -> Address {
    create2_address(registry, ctx.salt, keccak256(proxy_init_code(ctx)))
}

/// Parses a proxy's runtime code; `None` unless `code` is exactly the reference layout
/// (length, header, footer, zero padding of the token contract word).
pub fn parse_proxy(code: &[u8]) -> Option<AccountContext> {
    if code.len() != PROXY_RUNTIME_LEN
        || code.get(0x00..0x0a)? != PROXY_HEADER
        || code.get(0x1e..0x2d)? != PROXY_FOOTER
        || code.get(0x6d..0x79)?.iter().any(|b| *b != 0)
    {
        return None;
    }
    Some(AccountContext {
        implementation: Address::from_slice(code.get(0x0a..0x1e)?),
        salt: B256::from_slice(code.get(0x2d..0x4d)?),
        chain_id: U256::from_be_slice(code.get(0x4d..0x6d)?),
        token_contract: Address::from_slice(code.get(0x79..0x8d)?),
        token_id: U256::from_be_slice(code.get(0x8d..0xad)?),
    })
}

/// The token id a proxy's runtime `code` names when it is exactly the reference layout
/// for a token of `token_contract` on `chain_id`; `None` otherwise. Leaner than
/// [`parse_proxy`] for a caller that knows which collection and chain it asks about.
pub fn proxy_token_id(code: &[u8], chain_id: U256, token_contract: Address) -> Option<U256> {
    let code: &[u8; PROXY_RUNTIME_LEN] = code.try_into().ok()?;
    let (header, rest) = code.split_first_chunk::<0x0a>()?;
    let (_implementation, rest) = rest.split_first_chunk::<0x14>()?;
    let (footer, rest) = rest.split_first_chunk::<0x0f>()?;
    let (_salt, rest) = rest.split_first_chunk::<0x20>()?;
    let (chain, rest) = rest.split_first_chunk::<0x20>()?;
    let (contract, token_id) = rest.split_first_chunk::<0x20>()?;
    let token_id: &[u8; 0x20] = token_id.try_into().ok()?;
    (*header == PROXY_HEADER
        && *footer == PROXY_FOOTER
        && *chain == chain_id.to_be_bytes::<32>()
        && *contract == token_contract.into_word().0)
        .then(|| U256::from_be_bytes(*token_id))
}

/// Whether `account` is the account `registry` derives for the context its own code
/// claims, i.e. a genuine ERC-6551 account of that registry. `code` is `account`'s code.
pub fn verify_account(registry: Address, account: Address, code: &[u8]) -> Option<AccountContext> {
    let ctx = parse_proxy(code)?;
    (account_address(registry, &ctx) == account).then_some(ctx)
}

#[cfg(test)]
mod tests {
    use alloy_primitives::hex;

    use super::*;

    fn ctx() -> AccountContext {
        AccountContext {
            implementation: Address::repeat_byte(0x11),
            salt: B256::repeat_byte(0x22),
            chain_id: U256::from(42161u64),
            token_contract: Address::repeat_byte(0x33),
            token_id: U256::from(7u64),
        }
    }

    #[test]
    fn runtime_round_trips_and_rejects_other_code() {
        let c = ctx();
        let code = proxy_runtime(&c);
        assert_eq!(parse_proxy(&code), Some(c));
        assert_eq!(parse_proxy(&code[..172]), None);
        let mut bad = code;
        bad[0] ^= 1;
        assert_eq!(parse_proxy(&bad), None);
        let mut bad = code;
        bad[0x1e] ^= 1;
        assert_eq!(parse_proxy(&bad), None);
        let mut bad = code;
        bad[0x6d] = 1; // dirty token-contract padding
        assert_eq!(parse_proxy(&bad), None);
    }

    #[test]
    fn init_code_is_reference_bytes() {
        // Hand-assembled from the reference registry's memory layout.
        let expected = hex!(
            "3d60ad80600a3d3981f3363d3d373d3d3d363d73"
            "1111111111111111111111111111111111111111"
            "5af43d82803e903d91602b57fd5bf3"
            "2222222222222222222222222222222222222222222222222222222222222222"
            "000000000000000000000000000000000000000000000000000000000000a4b1"
            "0000000000000000000000003333333333333333333333333333333333333333"
            "0000000000000000000000000000000000000000000000000000000000000007"
        );
        assert_eq!(proxy_init_code(&ctx()), expected);
    }

    #[test]
    fn proxy_token_id_names_the_token_of_one_collection_and_chain() {
        let c = ctx();
        let code = proxy_runtime(&c);
        assert_eq!(proxy_token_id(&code, c.chain_id, c.token_contract), Some(c.token_id));
        assert_eq!(proxy_token_id(&code, U256::from(1u64), c.token_contract), None);
        assert_eq!(proxy_token_id(&code, c.chain_id, Address::repeat_byte(0x34)), None);
        assert_eq!(proxy_token_id(&code[..172], c.chain_id, c.token_contract), None);
        for at in [0x00, 0x1e, 0x6d] {
            let mut bad = code;
            bad[at] ^= 1;
            assert_eq!(proxy_token_id(&bad, c.chain_id, c.token_contract), None, "byte {at}");
        }
    }

    #[test]
    fn verify_account_needs_matching_registry() {
        let c = ctx();
        let reg = Address::repeat_byte(0x44);
        let acct = account_address(reg, &c);
        assert_eq!(verify_account(reg, acct, &proxy_runtime(&c)), Some(c));
        assert_eq!(verify_account(Address::repeat_byte(0x45), acct, &proxy_runtime(&c)), None);
    }
}
