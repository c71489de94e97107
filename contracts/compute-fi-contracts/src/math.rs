//! Checked fixed-point arithmetic. Every money computation in Compute-Fi goes through
//! these: no silent wrap, and the rounding direction is chosen by the caller so that
//! it always favours the contract (down on what leaves, up on what is owed).

use alloy_primitives::{U256, U512};

/// Basis points in one whole (100%).
pub const BPS: u64 = 10_000;

/// Rounding direction of a division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Towards zero: for amounts that leave the contract.
    Down,
    /// Away from zero: for amounts owed to the contract.
    Up,
}

/// `x * y / d` computed in 512 bits, rounded as asked. `None` when `d` is zero or the
/// result does not fit in 256 bits.
pub fn mul_div(x: U256, y: U256, d: U256, rounding: Rounding) -> Option<U256> {
    if d.is_zero() {
        return None;
    }
    let prod = U512::from(x).checked_mul(U512::from(y))?;
    let d512 = U512::from(d);
    let (q, r) = prod.div_rem(d512);
    let q =
        if rounding == Rounding::Up && !r.is_zero() { q.checked_add(U512::from(1u8))? } else { q };
    U256::checked_from_limbs_slice(q.as_limbs())
}

/// `amount * bps / 10_000`, rounded down. `None` on overflow.
pub fn bps_of(amount: U256, bps: u16) -> Option<U256> {
    mul_div(amount, U256::from(bps), U256::from(BPS), Rounding::Down)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn u(x: u128) -> U256 {
        U256::from(x)
    }

    #[test]
    fn rounds_in_the_asked_direction() {
        assert_eq!(mul_div(u(10), u(1), u(3), Rounding::Down), Some(u(3)));
        assert_eq!(mul_div(u(10), u(1), u(3), Rounding::Up), Some(u(4)));
        assert_eq!(mul_div(u(9), u(1), u(3), Rounding::Up), Some(u(3)));
    }

    #[test]
    fn refuses_zero_divisor_and_overflow() {
        assert_eq!(mul_div(u(1), u(1), U256::ZERO, Rounding::Down), None);
        assert_eq!(mul_div(U256::MAX, U256::MAX, u(1), Rounding::Down), None);
        // The intermediate product may exceed 256 bits as long as the result fits.
        assert_eq!(mul_div(U256::MAX, U256::MAX, U256::MAX, Rounding::Down), Some(U256::MAX));
        assert_eq!(mul_div(U256::MAX, u(1), U256::MAX, Rounding::Up), Some(u(1)));
    }

    #[test]
    fn bps_of_takes_a_share() {
        assert_eq!(bps_of(u(1_000), 2_000), Some(u(200)));
        assert_eq!(bps_of(u(1), 9_999), Some(U256::ZERO));
    }

    proptest! {
        #[test]
        fn matches_u128_reference(x in any::<u64>(), y in any::<u64>(), d in 1u64..) {
            let exact = (x as u128) * (y as u128);
            let down = exact / d as u128;
            let up = down + u128::from(exact % d as u128 != 0);
            prop_assert_eq!(mul_div(u(x.into()), u(y.into()), u(d.into()), Rounding::Down), Some(u(down)));
            prop_assert_eq!(mul_div(u(x.into()), u(y.into()), u(d.into()), Rounding::Up), Some(u(up)));
        }
    }
}
