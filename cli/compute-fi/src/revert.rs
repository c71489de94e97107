//! Revert data read back as the custom error the contract named, with its values, from the
//! committed JSON ABIs of the suite and the development externals, and the errors of the
//! StylusDeployer, ArbWasm and the CacheManager. `Error(string)` and `Panic(uint256)` are
//! read as Solidity defines them; anything else is shown as its bytes.

use std::{collections::HashMap, sync::OnceLock};

use alloy::{
    dyn_abi::{DynSolValue, JsonAbiExt},
    json_abi::{Error as AbiError, JsonAbi},
    primitives::{hex, FixedBytes},
};

use crate::units;

const ABIS: [&str; 10] = [
    include_str!("../../../abi/yield-vault.json"),
    include_str!("../../../abi/compute-ledger.json"),
    include_str!("../../../abi/job-market.json"),
    include_str!("../../../abi/model-registry.json"),
    include_str!("../../../abi/membership.json"),
    include_str!("../../../abi/tba-account.json"),
    include_str!("../../../abi/erc6551-registry.json"),
    include_str!("../../../abi/community-factory.json"),
    include_str!("../../../tests/mocks/abi/mock-erc20.json"),
    include_str!("../../../tests/mocks/abi/mock-yield-source.json"),
];

/// Errors of the Arbitrum pieces the tool calls (declared in `bindings`).
const ARBITRUM_ERRORS: [&str; 18] = [
    "error ContractInitializationError(address newContract, bytes data)",
    "error ContractDeploymentError(bytes bytecode)",
    "error RefundExcessValueError(uint256 excessValue)",
    "error InitValueButNotInitData()",
    "error EmptyBytecode()",
    "error ProgramNotActivated()",
    "error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion)",
    "error ProgramExpired(uint64 ageInSeconds)",
    "error ProgramUpToDate()",
    "error ProgramKeepaliveTooSoon(uint64 ageInSeconds)",
    "error ProgramInsufficientValue(uint256 have, uint256 want)",
    "error NotChainOwner(address sender)",
    "error AsmTooLarge(uint256 asm, uint256 queueSize, uint256 cacheSize)",
    "error AlreadyCached(bytes32 codehash)",
    "error BidTooLarge(uint256 bid)",
    "error BidTooSmall(uint192 bid, uint192 min)",
    "error BidsArePaused()",
    "error MakeSpaceTooLarge(uint64 size, uint64 limit)",
];

/// Every known error by selector. Two ABIs declaring the same error agree on its
/// parameters (the selector is over the types), so the first one read is kept.
fn known() -> &'static HashMap<FixedBytes<4>, AbiError> {
    static KNOWN: OnceLock<HashMap<FixedBytes<4>, AbiError>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut map = HashMap::new();
        let mut add = |e: AbiError| {
            map.entry(e.selector()).or_insert(e);
        };
        // The committed ABIs are checked by a test; one that fails to parse only loses
        // its names here.
        for text in ABIS {
            if let Ok(abi) = serde_json::from_str::<JsonAbi>(text) {
                abi.errors().cloned().for_each(&mut add);
            }
        }
        for sig in ARBITRUM_ERRORS {
            if let Ok(e) = AbiError::parse(sig) {
                add(e);
            }
        }
        map
    })
}

/// Revert data as a person reads it: `StakeRejected(0.05 ETH, 0.1 ETH, true)`.
pub fn describe(data: &[u8]) -> String {
    if data.is_empty() {
        return "reverted without a reason (no revert data)".into();
    }
    let Some(selector) = data.get(..4).map(FixedBytes::<4>::from_slice) else {
        return format!("reverted with 0x{}", hex::encode(data));
    };
    let body = data.get(4..).unwrap_or_default();
    if selector == FixedBytes([0x08, 0xc3, 0x79, 0xa0]) {
        if let Ok(DynSolValue::String(s)) = alloy::dyn_abi::DynSolType::String.abi_decode(body) {
            return format!("Error({s:?})");
        }
    }
    if selector == FixedBytes([0x4e, 0x48, 0x7b, 0x71]) {
        if let Ok(DynSolValue::Uint(code, _)) =
            alloy::dyn_abi::DynSolType::Uint(256).abi_decode(body)
        {
            return format!("Panic(0x{code:x})");
        }
    }
    match known().get(&selector) {
        Some(e) => match e.abi_decode_input(body) {
            Ok(values) => {
                let args: Vec<String> = e
                    .inputs
                    .iter()
                    .zip(&values)
                    .map(|(p, v)| {
                        let shown = value(v);
                        if p.name.is_empty() {
                            shown
                        } else {
                            format!("{}: {shown}", p.name)
                        }
                    })
                    .collect();
                format!("{}({})", e.name, args.join(", "))
            }
            Err(_) => format!("{} with malformed data 0x{}", e.name, hex::encode(body)),
        },
        None => format!("an unknown error 0x{}", hex::encode(data)),
    }
}

/// One value: amounts of 10^12 wei or more also in ETH (every amount of the suite is in
/// wei of an 18-decimal asset or its shares, 1:1); an initialiser's revert nested in the
/// deployer's error is described in turn.
fn value(v: &DynSolValue) -> String {
    match v {
        DynSolValue::Uint(n, _) if *n >= alloy::primitives::U256::from(1_000_000_000_000u64) => {
            format!("{n} ({})", units::eth(*n))
        }
        DynSolValue::Uint(n, _) => n.to_string(),
        DynSolValue::Int(n, _) => n.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Address(a) => a.to_checksum(None),
        DynSolValue::FixedBytes(w, size) => {
            format!("0x{}", hex::encode(w.get(..*size).unwrap_or_default()))
        }
        DynSolValue::Bytes(b)
            if b.get(..4)
                .is_some_and(|s| known().contains_key(&FixedBytes::<4>::from_slice(s))) =>
        {
            describe(b)
        }
        DynSolValue::Bytes(b) => format!("0x{}", hex::encode(b)),
        DynSolValue::String(s) => format!("{s:?}"),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use alloy::{primitives::U256, sol_types::SolError};

    use super::*;
    use crate::bindings::{vault::IYieldVault, IStylusDeployer};

    #[test]
    fn a_suite_error_reads_with_its_values() {
        let e = IYieldVault::StakeRejected {
            _0: U256::from(5u64) * U256::from(10u64).pow(U256::from(16u8)),
            _1: U256::from(10u64).pow(U256::from(17u8)),
            _2: true,
        };
        assert_eq!(
            describe(&e.abi_encode()),
            "StakeRejected(50000000000000000 (0.05 ETH), 100000000000000000 (0.1 ETH), true)"
        );
    }

    #[test]
    fn a_constructor_revert_inside_the_deployer_error_is_read_too() {
        let inner = IYieldVault::LockTooLong { _0: 9, _1: 8 }.abi_encode();
        let e = IStylusDeployer::ContractInitializationError {
            newContract: alloy::primitives::Address::repeat_byte(1),
            data: inner.into(),
        };
        assert_eq!(
            describe(&e.abi_encode()),
            "ContractInitializationError(newContract: 0x0101010101010101010101010101010101010101, data: LockTooLong(9, 8))"
        );
    }

    #[test]
    fn solidity_strings_panics_unknown_and_empty_data() {
        let s = hex::decode("08c379a00000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000000362616400000000000000000000000000000000000000000000000000000000").unwrap();
        assert_eq!(describe(&s), "Error(\"bad\")");
        let mut p = vec![0x4e, 0x48, 0x7b, 0x71];
        p.extend_from_slice(&U256::from(0x11u8).to_be_bytes::<32>());
        assert_eq!(describe(&p), "Panic(0x11)");
        assert_eq!(describe(&[1, 2, 3, 4, 5]), "an unknown error 0x0102030405");
        assert_eq!(describe(&[1, 2]), "reverted with 0x0102");
        assert!(describe(&[]).contains("without a reason"));
        // A known selector with a body too short for its parameters.
        let short = &IYieldVault::LockTooLong { _0: 9, _1: 8 }.abi_encode()[..10];
        assert!(describe(short).starts_with("LockTooLong with malformed data"));
    }

    #[test]
    fn every_committed_abi_parses() {
        for text in ABIS {
            serde_json::from_str::<JsonAbi>(text).expect("committed ABI parses");
        }
        assert_eq!(
            ARBITRUM_ERRORS.iter().filter(|s| AbiError::parse(s).is_ok()).count(),
            ARBITRUM_ERRORS.len()
        );
    }
}
