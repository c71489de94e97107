//! What the ABI export prints beyond the stylus-sdk part: the standard interfaces our
//! contracts implement, and each contract's events, declared once with
//! [`contract_events!`](crate::contract_events).
//!
//! stylus-sdk 0.9's ABI export prints only a contract's own `#[public]` functions and
//! errors: functions routed through `#[implements(...)]` traits and events are missing.
//! Each contract's export binary prints these after the SDK's part, so the committed
//! ABI under `abi/` is complete. The texts are the ERCs' own, so they cannot drift from
//! what the traits route.

/// ERC-20 (EIP-20) functions and events.
pub const IERC20: &str = "
interface IERC20 {
    function totalSupply() external view returns (uint256);
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function allowance(address owner, address spender) external view returns (uint256);
    function approve(address spender, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
}
";

/// ERC-20 optional metadata.
pub const IERC20_METADATA: &str = "
interface IERC20Metadata {
    function name() external view returns (string memory);
    function symbol() external view returns (string memory);
    function decimals() external view returns (uint8);
}
";

/// ERC-165.
pub const IERC165: &str = "
interface IERC165 {
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
}
";

/// ERC-4626 (on top of ERC-20 and its metadata).
pub const IERC4626: &str = "
interface IERC4626 {
    function asset() external view returns (address);
    function totalAssets() external view returns (uint256);
    function convertToShares(uint256 assets) external view returns (uint256);
    function convertToAssets(uint256 shares) external view returns (uint256);
    function maxDeposit(address receiver) external view returns (uint256);
    function previewDeposit(uint256 assets) external view returns (uint256);
    function deposit(uint256 assets, address receiver) external returns (uint256);
    function maxMint(address receiver) external view returns (uint256);
    function previewMint(uint256 shares) external view returns (uint256);
    function mint(uint256 shares, address receiver) external returns (uint256);
    function maxWithdraw(address owner) external view returns (uint256);
    function previewWithdraw(uint256 assets) external view returns (uint256);
    function withdraw(uint256 assets, address receiver, address owner) external returns (uint256);
    function maxRedeem(address owner) external view returns (uint256);
    function previewRedeem(uint256 shares) external view returns (uint256);
    function redeem(uint256 shares, address receiver, address owner) external returns (uint256);
    event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares);
    event Withdraw(address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares);
}
";

/// ERC-721 (with ERC-165), as openzeppelin-stylus routes it.
pub const IERC721: &str = "
interface IERC721 {
    function balanceOf(address owner) external view returns (uint256);
    function ownerOf(uint256 tokenId) external view returns (address);
    function safeTransferFrom(address from, address to, uint256 tokenId, bytes calldata data) external;
    function safeTransferFrom(address from, address to, uint256 tokenId) external;
    function transferFrom(address from, address to, uint256 tokenId) external;
    function approve(address to, uint256 tokenId) external;
    function setApprovalForAll(address operator, bool approved) external;
    function getApproved(uint256 tokenId) external view returns (address);
    function isApprovedForAll(address owner, address operator) external view returns (bool);
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);
}
";

/// ERC-721 metadata.
pub const IERC721_METADATA: &str = "
interface IERC721Metadata {
    function name() external view returns (string memory);
    function symbol() external view returns (string memory);
    function tokenURI(uint256 tokenId) external view returns (string memory);
}
";

/// OpenZeppelin AccessControl's role events, as emitted by [`crate::access::Roles::set`].
pub const IACCESS_CONTROL_EVENTS: &str = "
interface IAccessControlEvents {
    event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
    event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
}
";

/// OpenZeppelin Pausable's events, as emitted by [`crate::access::pause_event`].
pub const IPAUSABLE_EVENTS: &str = "
interface IPausableEvents {
    event Paused(address account);
    event Unpaused(address account);
}
";

/// Prints the stylus-sdk export and then `extra` interfaces; `constructor` prints the
/// constructor alone. Call from a contract's `main.rs` under the `export-abi` feature
/// with the SDK's `print_from_args` as `sdk_export`.
#[cfg(feature = "std")]
pub fn print_with(sdk_export: fn(), extra: &[&str]) {
    let constructor = std::env::args().nth(1).as_deref() == Some("constructor");
    sdk_export();
    if !constructor {
        for text in extra {
            std::print!("{text}");
        }
    }
}

/// Declares a contract's events once: the `sol!` types the code emits and, as the
/// constant `$name`, the same declarations as text for the ABI export (stylus-sdk 0.9
/// exports no events), so the emitted and the published events cannot differ.
/// [`events_solidity`] turns the text into a Solidity interface.
#[macro_export]
macro_rules! contract_events {
    ($(#[$meta:meta])* $name:ident { $($body:tt)* }) => {
        alloy_sol_types::sol! { $($body)* }
        $(#[$meta])*
        #[allow(non_upper_case_globals)]
        pub const $name: &str = concat!(stringify!($name), "{", stringify!($($body)*), "}");
    };
}

/// The Solidity interface of a [`contract_events!`] text: its attributes (docs,
/// derives) dropped and one declaration per line.
#[cfg(any(test, feature = "std"))]
pub fn events_solidity(declared: &str) -> String {
    let (name, body) = declared.split_once('{').unwrap_or(("Events", declared));
    let body = body.strip_suffix('}').unwrap_or(body);
    let mut text = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '#' && chars.peek() == Some(&'[') {
            skip_attribute(&mut chars);
        } else {
            text.push(c);
        }
    }
    let mut out = format!("\ninterface {} {{\n", name.trim());
    for item in text.split(';') {
        let item = item.split_whitespace().collect::<Vec<_>>().join(" ");
        if !item.is_empty() {
            out.push_str(&format!("    {};\n", item.replace("( ", "(").replace(" )", ")")));
        }
    }
    out.push_str("}\n");
    out
}

/// Skips `[...]` after a `#`, including string literals (raw or not) inside it.
#[cfg(any(test, feature = "std"))]
fn skip_attribute(chars: &mut core::iter::Peekable<core::str::Chars<'_>>) {
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return;
                }
            }
            'r' if matches!(chars.peek(), Some('"') | Some('#')) => {
                let mut hashes = 0usize;
                while chars.peek() == Some(&'#') {
                    chars.next();
                    hashes += 1;
                }
                chars.next(); // opening quote
                let closing: String =
                    core::iter::once('"').chain("#".repeat(hashes).chars()).collect();
                let mut seen = String::new();
                for c in chars.by_ref() {
                    seen.push(c);
                    if seen.ends_with(&closing) {
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::contract_events! {
        /// Events of a test contract.
        ITestEvents {
            /// Something [`moved`] "quoted ]".
            #[derive(Debug)]
            event Moved(address indexed from, uint256 amount);
            event Stopped();
        }
    }

    #[test]
    fn events_are_declared_once_for_code_and_export() {
        use alloy_sol_types::SolEvent;
        assert_eq!(Moved::SIGNATURE, "Moved(address,uint256)");
        assert_eq!(
            events_solidity(ITestEvents),
            "\ninterface ITestEvents {\n    event Moved(address indexed from, uint256 amount);\n    event Stopped();\n}\n"
        );
    }

    #[test]
    fn role_and_pause_texts_are_the_emitted_events() {
        use alloy_sol_types::SolEvent;

        use crate::access::{Paused, RoleGranted, RoleRevoked, Unpaused};
        for (text, signature) in [
            (IACCESS_CONTROL_EVENTS, RoleGranted::SIGNATURE),
            (IACCESS_CONTROL_EVENTS, RoleRevoked::SIGNATURE),
            (IPAUSABLE_EVENTS, Paused::SIGNATURE),
            (IPAUSABLE_EVENTS, Unpaused::SIGNATURE),
        ] {
            let (name, types) = signature.split_once('(').unwrap_or_default();
            let declared = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("event ")?.strip_prefix(name))
                .unwrap_or_default();
            let declared_types: Vec<&str> = declared
                .trim_matches(|c| matches!(c, '(' | ')' | ';'))
                .split(", ")
                .map(|field| field.split(' ').next().unwrap_or_default())
                .collect();
            assert_eq!(declared_types.join(","), types.trim_end_matches(')'), "{name}");
        }
    }
}
