//! The Stylus entrypoint, written out, for contracts whose reentrancy rule differs from
//! stylus-sdk's `#[entrypoint]`. That macro refuses every reentrant call unless the SDK's
//! `reentrant` feature is on, and cargo would unify that feature into every contract built
//! in the same invocation, so the contracts that need another rule keep the feature off and
//! export [`run`] as their `user_entrypoint`. Everything else is the macro's entrypoint.

#[cfg(target_arch = "wasm32")]
use core::borrow::BorrowMut;

#[cfg(target_arch = "wasm32")]
use stylus_sdk::{
    abi::{router_entrypoint, Router},
    host::{WasmVM, VM},
    prelude::*,
    stylus_core::{storage::TopLevelStorage, ValueDenier},
};

/// Which reentrant calls (the program already has a frame on the call stack) may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reentrancy {
    /// All of them: the contract is written to be safe under reentrancy (tba-account: ETH
    /// refunds, token hooks and its own sandbox call back into it mid-`execute`).
    Admit,
    /// Only calls without calldata, which reach nothing but `receive` (the vault: WETH
    /// paying unwrapped ETH back during `redeemEth`); anything else reverts with no data,
    /// as the SDK's refusal does.
    EmptyCalldataOnly,
}

impl Reentrancy {
    /// Whether a call with `len` bytes of calldata may run; `reentrant` is asked only when
    /// the answer depends on it (a hostio call saved for `Admit`).
    pub fn admits(self, len: usize, reentrant: impl FnOnce() -> bool) -> bool {
        self == Reentrancy::Admit || len == 0 || !reentrant()
    }
}

/// The body of `user_entrypoint` for top-level storage `S` under `rule`: the SDK macro's,
/// with `rule` in place of its blanket refusal. Returns the status (0 ok, 1 revert).
/// (WASM only: natively, motsu calls the router itself.)
#[cfg(target_arch = "wasm32")]
pub fn run<S>(len: usize, rule: Reentrancy) -> usize
where
    S: Router<S>
        + StorageType
        + TopLevelStorage
        + BorrowMut<<S as Router<S>>::Storage>
        + ValueDenier,
{
    let host = VM(WasmVM {});
    if !rule.admits(len, || host.msg_reentrant()) {
        return 1;
    }
    // Referencing pay_for_memory_grow is required for activation (see the SDK's macro).
    host.pay_for_memory_grow(0);
    let input = host.read_args(len);
    let (data, status) = match router_entrypoint::<S, S>(input, host.clone()) {
        Ok(data) => (data, 0),
        Err(data) => (data, 1),
    };
    host.flush_cache(false);
    host.write_result(&data);
    status
}

#[cfg(test)]
mod tests {
    use super::Reentrancy::{Admit, EmptyCalldataOnly};

    #[test]
    fn rules_admit_what_they_say() {
        let never = || -> bool { panic!("Admit and empty calldata never ask") };
        for len in [0, 4, 100] {
            assert!(Admit.admits(len, never));
            assert!(EmptyCalldataOnly.admits(len, || false));
        }
        assert!(EmptyCalldataOnly.admits(0, never));
        assert!(!EmptyCalldataOnly.admits(4, || true));
        assert!(!EmptyCalldataOnly.admits(100, || true));
    }
}
