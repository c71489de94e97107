//! Nitro's memory model (`arbos/programs/memory.go`): a transaction gets
//! [`FREE_PAGES`](crate::params::FREE_PAGES) free; beyond them every new page costs
//! [`PAGE_GAS`](crate::params::PAGE_GAS) plus an exponential term on the most pages ever
//! open in the transaction.

use crate::params::{FREE_PAGES, PAGE_GAS};

/// `memoryExponents`: `exp(pages)` for 0..=128 pages (past 128 the cost saturates).
const EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
    43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735,
    216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
    1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113,
    4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

fn exp(pages: u16) -> u64 {
    EXPONENTS.get(pages as usize).map_or(u64::MAX, |&e| e as u64)
}

/// Gas to open `new` pages when `open` are open in the transaction and `ever` have been
/// at most (`MemoryModel.GasCost` with the default free pages and page gas).
pub fn gas_cost(new: u16, open: u16, ever: u16) -> u64 {
    gas_cost_with(FREE_PAGES, PAGE_GAS, new, open, ever)
}

/// [`gas_cost`] with explicit parameters.
pub fn gas_cost_with(free: u16, page_gas: u16, new: u16, open: u16, ever: u16) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= free {
        return 0;
    }
    let sub_free = |p: u16| p.saturating_sub(free);
    let adding = sub_free(new_open).saturating_sub(sub_free(open));
    let linear = (adding as u64).saturating_mul(page_gas as u64);
    let expand = exp(new_ever).saturating_sub(exp(ever));
    linear.saturating_add(expand)
}

/// The pages a transaction has open now and the most it has ever had open (Nitro keeps
/// them in the state DB per transaction).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pages {
    pub open: u16,
    pub ever: u16,
}

impl Pages {
    /// Opens `new` pages and returns their gas.
    pub fn add(&mut self, new: u16) -> u64 {
        let cost = gas_cost(new, self.open, self.ever);
        self.open = self.open.saturating_add(new);
        self.ever = self.ever.max(self.open);
        cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nitro's `arbos/programs/memory_test.go` `TestModel`: filling 8 MiB in jumps of any
    /// size costs 31,999,998 gas; with pages released on the way, 31,873,998 plus the page
    /// gas of every page added past the free ones; 129 pages saturate.
    #[test]
    fn nitro_memory_model_figures() {
        for jump in 1..=128u16 {
            let (mut total, mut pages) = (0u64, 0u16);
            while pages < 128 {
                let jump = jump.min(128 - pages);
                total += gas_cost(jump, pages, pages);
                pages += jump;
            }
            assert_eq!(total, 31_999_998, "jump {jump}");
        }
        for jump in 1..=128u16 {
            let (mut total, mut open, mut ever, mut adds) = (0u64, 0u16, 0u16, 0u64);
            while ever < 128 {
                let jump = jump.min(128 - open);
                total += gas_cost(jump, open, ever);
                open += jump;
                ever = ever.max(open);
                if ever > FREE_PAGES {
                    adds += jump.min(ever - FREE_PAGES) as u64;
                }
                open -= jump / 2;
            }
            assert_eq!(total, 31_873_998 + adds * PAGE_GAS as u64, "jump {jump}");
        }
        assert_eq!(gas_cost(129, 0, 0), u64::MAX);
        assert_eq!(gas_cost(u16::MAX, 0, 0), u64::MAX);
        assert_eq!(gas_cost_with(128, 1_000, 128, 0, 0), 0);
        assert_eq!(gas_cost_with(128, 1_000, 128, 0, 128), 0);
        // The first page past the free ones: 1,000 linear, exp(3) - exp(2) = 0.
        assert_eq!(gas_cost(1, 2, 2), 1_000);
    }

    #[test]
    fn pages_accumulate_per_transaction() {
        let mut p = Pages::default();
        assert_eq!(p.add(1), 0); // footprint of the first program: free
        assert_eq!(p.add(1), 0); // second free page
        assert_eq!(p.add(1), 1_000); // third: page gas, exp(3) - exp(2) = 0
        assert_eq!(p, Pages { open: 3, ever: 3 });
    }
}
