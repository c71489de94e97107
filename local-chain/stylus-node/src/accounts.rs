//! Dev accounts: the mnemonic anvil and Hardhat use, so keys users already hold in their
//! tools work here.

use alloy_primitives::Address;
use alloy_signer_local::{coins_bip39::English, MnemonicBuilder, PrivateKeySigner};

/// "test test ... junk": the dev mnemonic of anvil and Hardhat.
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// The first `count` keys of `mnemonic` on the path `m/44'/60'/0'/0/i`.
pub fn dev_signers(mnemonic: &str, count: u32) -> Result<Vec<PrivateKeySigner>, String> {
    (0..count)
        .map(|i| {
            MnemonicBuilder::<English>::default()
                .phrase(mnemonic)
                .index(i)
                .and_then(|b| b.build())
                .map_err(|e| format!("cannot derive dev account {i} from the mnemonic: {e}"))
        })
        .collect()
}

/// The addresses of `signers`.
pub fn addresses(signers: &[PrivateKeySigner]) -> Vec<Address> {
    signers.iter().map(|s| s.address()).collect()
}
