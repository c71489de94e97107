//! Block time: the wall clock, moved by `evm_increaseTime` and `evm_setNextBlockTimestamp`.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The node's notion of now.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Clock {
    /// Seconds added to the wall clock.
    offset: i64,
    /// The timestamp the next block must have, once.
    next: Option<u64>,
}

fn wall() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Clock {
    /// The wall clock plus the offset.
    pub fn now(&self) -> u64 {
        let w = i128::from(wall()) + i128::from(self.offset);
        u64::try_from(w.max(0)).unwrap_or(u64::MAX)
    }

    /// Moves time forward by `seconds`; returns the total offset, as anvil does.
    pub fn increase(&mut self, seconds: u64) -> i64 {
        self.offset = self.offset.saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX));
        self.offset
    }

    /// The next block gets exactly `timestamp`; later blocks go on from there.
    pub fn set_next(&mut self, timestamp: u64) {
        self.next = Some(timestamp);
    }

    /// The timestamp the next block would have if sealed now (nothing consumed).
    pub fn peek_next(&self, head: u64) -> u64 {
        self.next.unwrap_or_else(|| self.now()).max(head)
    }

    /// The timestamp of the next block, never before `head` (Arbitrum allows equal
    /// timestamps in consecutive blocks).
    pub fn next_block(&mut self, head: u64) -> u64 {
        let t = match self.next.take() {
            Some(t) => {
                // Time goes on from the forced timestamp.
                let w = i128::from(wall());
                self.offset = i64::try_from(i128::from(t) - w).unwrap_or(self.offset);
                t
            }
            None => self.now(),
        };
        t.max(head)
    }
}
