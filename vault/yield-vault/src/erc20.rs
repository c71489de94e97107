//! The share token's ERC-20 surface, metadata and ERC-165. A share transfer first
//! attributes the yield accrued so far and tells the ledger, and locked shares cannot move.

use alloc::string::String;

use openzeppelin_stylus::{
    token::erc20::{extensions::IErc20Metadata, IErc20},
    utils::introspection::erc165::IErc165,
};
use stylus_sdk::{
    alloy_primitives::{aliases::B32, Address, B256, U256, U8},
    prelude::*,
};

use crate::{errors::Error, YieldVault};

/// A string stored left-aligned in a word: the bytes up to the last non-zero one.
/// `setup` stores ASCII only, which is UTF-8.
fn short_string(word: B256) -> String {
    let len = word.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    let bytes = word.get(..len).unwrap_or_default().to_vec();
    // SAFETY: `setup` refuses a name or symbol with a non-ASCII byte, and nothing else
    // writes them; ASCII is valid UTF-8.
    unsafe { String::from_utf8_unchecked(bytes) }
}

impl YieldVault {
    /// Share transfers: attribution and ledger notice first; locked shares cannot move.
    fn move_shares(&mut self, from: Address, to: Address, value: U256) -> Result<(), Error> {
        self.check_unlocked(from, value)?;
        let books = self.accrue()?;
        self.notify(from, to, books)
    }
}

#[public]
impl IErc20 for YieldVault {
    type Error = Error;

    fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Self::Error> {
        let from = self.vm().msg_sender();
        self.move_shares(from, to, value)?;
        Ok(self.erc20.transfer(to, value)?)
    }

    fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Self::Error> {
        Ok(self.erc20.approve(spender, value)?)
    }

    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Self::Error> {
        self.move_shares(from, to, value)?;
        Ok(self.erc20.transfer_from(from, to, value)?)
    }
}

#[public]
impl IErc20Metadata for YieldVault {
    fn name(&self) -> String {
        short_string(self.name.get())
    }

    fn symbol(&self) -> String {
        short_string(self.symbol.get())
    }

    fn decimals(&self) -> U8 {
        self.decimals.get()
    }
}

#[public]
impl IErc165 for YieldVault {
    fn supports_interface(&self, interface_id: B32) -> bool {
        // Constant ids, not OZ's `interface_id()`: reproducible builds (see compute_fi_contracts::interface_ids).
        use compute_fi_contracts::interface_ids::{
            IID_ERC165, IID_ERC20, IID_ERC20_METADATA, IID_ERC4626,
        };
        [IID_ERC165, IID_ERC20, IID_ERC20_METADATA, IID_ERC4626].contains(&interface_id)
    }
}
