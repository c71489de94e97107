//! Test mock: a Chainlink AggregatorV3 whose answer and update time anyone can set.
//! Only for tests and local scenarios; never deploy it where real value is at stake.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::{aliases::U80, I256, U256, U8},
    alloy_sol_types::sol,
    prelude::*,
    storage::{StorageI256, StorageU256, StorageU8, StorageUint},
};

sol! {
    /// The answer changed (Chainlink's `AnswerUpdated`).
    #[derive(Debug)]
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
}

/// The mock feed.
#[entrypoint]
#[storage]
pub struct MockPriceFeed {
    decimals: StorageU8,
    answer: StorageI256,
    updated_at: StorageU256,
    round: StorageUint<80, 2>,
}

#[public]
impl MockPriceFeed {
    #[constructor]
    pub fn constructor(&mut self, decimals: U8, answer: I256, updated_at: U256) {
        self.decimals.set(decimals);
        self.set(answer, updated_at);
    }

    /// Sets the answer and its update time, starting a new round. Unrestricted: a mock.
    #[selector(name = "setAnswer")]
    pub fn set_answer(&mut self, answer: I256, updated_at: U256) {
        self.set(answer, updated_at);
    }

    pub fn decimals(&self) -> U8 {
        self.decimals.get()
    }

    /// (roundId, answer, startedAt, updatedAt, answeredInRound).
    #[selector(name = "latestRoundData")]
    pub fn latest_round_data(&self) -> (U80, I256, U256, U256, U80) {
        let round = self.round.get();
        let at = self.updated_at.get();
        (round, self.answer.get(), at, at, round)
    }
}

impl MockPriceFeed {
    fn set(&mut self, answer: I256, updated_at: U256) {
        let round = self.round.get().saturating_add(U80::from(1u8));
        self.round.set(round);
        self.answer.set(answer);
        self.updated_at.set(updated_at);
        log(
            self.vm(),
            AnswerUpdated { current: answer, roundId: U256::from(round), updatedAt: updated_at },
        );
    }
}

#[cfg(test)]
mod tests {
    use motsu::prelude::*;
    use stylus_sdk::alloy_primitives::Address;

    use super::*;

    #[motsu::test]
    fn answers_what_was_set(feed: Contract<MockPriceFeed>, alice: Address) {
        feed.sender(alice).constructor(U8::from(8), I256::try_from(3000).unwrap(), U256::from(100));
        assert_eq!(feed.sender(alice).decimals(), U8::from(8));
        let (r, a, s, u, ar) = feed.sender(alice).latest_round_data();
        assert_eq!(
            (r, a, s, u, ar),
            (
                U80::from(1),
                I256::try_from(3000).unwrap(),
                U256::from(100),
                U256::from(100),
                U80::from(1)
            )
        );
        feed.sender(alice).set_answer(I256::try_from(-5).unwrap(), U256::from(7));
        feed.assert_emitted(&AnswerUpdated {
            current: I256::try_from(-5).unwrap(),
            roundId: U256::from(2),
            updatedAt: U256::from(7),
        });
        let (r, a, _, u, _) = feed.sender(alice).latest_round_data();
        assert_eq!((r, a, u), (U80::from(2), I256::try_from(-5).unwrap(), U256::from(7)));
    }
}
