//! Amounts as people write them ("0.1", "0.1eth", "5gwei", "1000wei") and as they read them
//! ("0.1 ETH"): alloy's unit parser and formatter, with the suffix rules the tool accepts.

use alloy::primitives::{
    utils::{format_units, parse_units},
    U256,
};

/// Parses an amount of a token with `decimals` decimals; a bare number is in whole units.
/// `eth`/`gwei`/`wei` suffixes are accepted for 18-decimal amounts.
pub fn parse_amount(text: &str, decimals: u8) -> Result<U256, String> {
    let t = text.trim().to_ascii_lowercase();
    let (number, unit) = if let Some(n) = t.strip_suffix("gwei") {
        (n, 9)
    } else if let Some(n) = t.strip_suffix("wei") {
        (n, 0)
    } else if let Some(n) = t.strip_suffix("eth") {
        (n, 18)
    } else {
        (t.as_str(), decimals)
    };
    if unit != decimals && unit == 18 && decimals != 18 {
        return Err(format!("{text:?}: an ETH amount for a token with {decimals} decimals"));
    }
    let number = number.trim();
    if number.is_empty() || number.starts_with('-') {
        return Err(format!("{text:?} is not an amount (expected e.g. 0.1, 0.1eth, 5gwei)"));
    }
    if let Some((_, fraction)) = number.split_once('.') {
        if fraction.len() > usize::from(unit) {
            return Err(format!("{text:?} has more than {unit} decimals"));
        }
    }
    parse_units(number, unit)
        .map(|v| v.get_absolute())
        .map_err(|e| format!("{text:?} is not an amount ({e}; expected e.g. 0.1, 0.1eth, 5gwei)"))
}

/// `value` of a token with `decimals` decimals, without trailing zeros: "0.1 ETH".
pub fn format_amount(value: U256, decimals: u8, symbol: &str) -> String {
    let s = format_units(value, decimals).unwrap_or_else(|_| value.to_string());
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    format!("{s} {symbol}")
}

/// ETH (or WETH) wei as "0.1 ETH".
pub fn eth(value: U256) -> String {
    format_amount(value, 18, "ETH")
}

/// A duration as people write it: "30d", "12h", "90m", "45s" or bare seconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (n, unit) = match t.char_indices().last() {
        Some((i, 'd')) => (&t[..i], 86_400),
        Some((i, 'h')) => (&t[..i], 3_600),
        Some((i, 'm')) => (&t[..i], 60),
        Some((i, 's')) => (&t[..i], 1),
        _ => (t, 1),
    };
    n.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| format!("{text:?} is not a duration (expected e.g. 30d, 12h, 90m, 45s)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_in_their_units() {
        let e = U256::from(10u64).pow(U256::from(17u8));
        assert_eq!(parse_amount("0.1", 18), Ok(e));
        assert_eq!(parse_amount("0.1eth", 18), Ok(e));
        assert_eq!(parse_amount(" 0.1 ETH ", 18), Ok(e));
        assert_eq!(parse_amount("5gwei", 18), Ok(U256::from(5_000_000_000u64)));
        assert_eq!(parse_amount("7wei", 18), Ok(U256::from(7u8)));
        assert_eq!(parse_amount("1.5", 6), Ok(U256::from(1_500_000u64)));
        for bad in ["", "-1", "abc", "0.1.2", "1eth2", "0.0000000000000000001"] {
            assert!(parse_amount(bad, 18).is_err(), "{bad}: {:?}", parse_amount(bad, 18));
        }
        assert!(parse_amount("1eth", 6).is_err());
    }

    #[test]
    fn amounts_format_without_trailing_zeros() {
        assert_eq!(eth(U256::from(10u64).pow(U256::from(17u8))), "0.1 ETH");
        assert_eq!(eth(U256::ZERO), "0 ETH");
        assert_eq!(eth(U256::from(1u8)), "0.000000000000000001 ETH");
        assert_eq!(format_amount(U256::from(2_500_000u64), 6, "USDC"), "2.5 USDC");
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("30d"), Ok(30 * 86_400));
        assert_eq!(parse_duration("2h"), Ok(7_200));
        assert_eq!(parse_duration("90"), Ok(90));
        assert!(parse_duration("x").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }
}
