//! Every failure of the vault: its own errors, OpenZeppelin's ERC-20 errors for the share
//! token, and the shared vocabulary (roles, pausing, initialisation, arithmetic).

#[cfg(not(feature = "export-abi"))]
use alloc::vec::Vec;

pub use compute_fi_contracts::{
    access::{
        AccessControlUnauthorizedAccount, AdminHandoverUnconfirmed, EnforcedPause, ExpectedPause,
        RoleError, UnknownRole,
    },
    errors::{AlreadyInitialized, MathOverflow},
};
use openzeppelin_stylus::token::erc20;
#[cfg(not(feature = "export-abi"))]
use stylus_sdk::alloy_sol_types::SolError;
#[cfg(feature = "export-abi")]
use stylus_sdk::prelude::*;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    alloy_sol_types::sol,
};

sol! {
    /// A setup address is zero, or the loss bound is above 10,000 bps.
    #[derive(Debug)]
    error InvalidSetup(address asset, address source, address ledger, uint16 maxLossBps);
    /// The name or symbol has a byte outside ASCII.
    #[derive(Debug)]
    error InvalidName(bytes32 name, bytes32 symbol);
    /// The deposit is below the minimum stake (`exact`: not exactly the stake).
    #[derive(Debug)]
    error StakeRejected(uint256 assets, uint256 stake, bool exact);
    /// The deposit would take `account`'s holding (or, for account zero, the total
    /// supply) above `cap`.
    #[derive(Debug)]
    error CapExceeded(address account, uint256 held, uint256 shares, uint256 cap);
    /// The call would move `locked` shares of the owner's latest deposit lot before
    /// `unlockTime`; its other shares are free.
    #[derive(Debug)]
    error SharesLocked(address owner, uint256 locked, uint64 unlockTime);
    /// The owner holds fewer shares than the exit needs.
    #[derive(Debug)]
    error InsufficientShares(address owner, uint256 shares, uint256 balance);
    /// The operation moves nothing: `assets` buys no share or `shares` are worth nothing.
    #[derive(Debug)]
    error ZeroAmount(uint256 assets, uint256 shares);
    /// The deficit exceeds the loss bound: deposits are refused (exits still work).
    #[derive(Debug)]
    error LossBeyondBound(uint256 value, uint256 principal, uint16 maxLossBps);
    /// Yield the profit bound holds back is not attributed yet: an entry now would share
    /// it. The next harvest makes room (`profitBound` of pending yield per period).
    #[derive(Debug)]
    error YieldHeldBack(uint256 unattributed, uint256 profitBound);
    /// The vault is in deficit: no harvest.
    #[derive(Debug)]
    error InDeficit(uint256 value, uint256 principal);
    /// The minimum interval since the last harvest has not passed.
    #[derive(Debug)]
    error HarvestTooSoon(uint64 now, uint64 next);
    /// Not enough attributed yield to harvest.
    #[derive(Debug)]
    error HarvestBelowMinimum(uint256 pending, uint256 minimum);
    /// A call to `target` (asset, source, ledger or ETH receiver) failed or returned
    /// something unusable; `amount` is what it was to move.
    #[derive(Debug)]
    error CallFailed(address target, uint256 amount);
    /// Native ETH is enabled only when the asset is WETH.
    #[derive(Debug)]
    error NativeNotSupported();
    /// Plain ETH is accepted only from the WETH asset, while it unwraps for `redeemEth`.
    #[derive(Debug)]
    error UnexpectedEth(address from, uint256 amount);
    /// A lock longer than `limit` would freeze every exit for that long (pause never does).
    #[derive(Debug)]
    error LockTooLong(uint64 lockDuration, uint64 limit);
    /// One share of `source` is worth `shareWorth`, more than the `bound` its rounding may
    /// lose on this deposit or harvest (a thin source inflated by a donation): refused
    /// rather than lose the difference to the depositor or the other holders.
    #[derive(Debug)]
    error SourceTooCoarse(address source, uint256 shareWorth, uint256 bound);
}

/// Every failure of the vault. Encoded by hand (see [`encode`]); the ABI export keeps the
/// derive, which lists the errors in the interface.
#[cfg_attr(feature = "export-abi", derive(SolidityError))]
#[derive(Debug)]
pub enum Error {
    InsufficientBalance(erc20::ERC20InsufficientBalance),
    InvalidSender(erc20::ERC20InvalidSender),
    InvalidReceiver(erc20::ERC20InvalidReceiver),
    InsufficientAllowance(erc20::ERC20InsufficientAllowance),
    InvalidSpender(erc20::ERC20InvalidSpender),
    InvalidApprover(erc20::ERC20InvalidApprover),
    UnauthorizedAccount(AccessControlUnauthorizedAccount),
    EnforcedPause(EnforcedPause),
    ExpectedPause(ExpectedPause),
    AlreadyInitialized(AlreadyInitialized),
    InvalidSetup(InvalidSetup),
    InvalidName(InvalidName),
    StakeRejected(StakeRejected),
    CapExceeded(CapExceeded),
    SharesLocked(SharesLocked),
    InsufficientShares(InsufficientShares),
    ZeroAmount(ZeroAmount),
    LossBeyondBound(LossBeyondBound),
    YieldHeldBack(YieldHeldBack),
    InDeficit(InDeficit),
    HarvestTooSoon(HarvestTooSoon),
    HarvestBelowMinimum(HarvestBelowMinimum),
    CallFailed(CallFailed),
    NativeNotSupported(NativeNotSupported),
    UnexpectedEth(UnexpectedEth),
    MathOverflow(MathOverflow),
    UnknownRole(UnknownRole),
    AdminHandoverUnconfirmed(AdminHandoverUnconfirmed),
    LockTooLong(LockTooLong),
    SourceTooCoarse(SourceTooCoarse),
}

impl From<erc20::Error> for Error {
    fn from(value: erc20::Error) -> Self {
        match value {
            erc20::Error::InsufficientBalance(e) => Error::InsufficientBalance(e),
            erc20::Error::InvalidSender(e) => Error::InvalidSender(e),
            erc20::Error::InvalidReceiver(e) => Error::InvalidReceiver(e),
            erc20::Error::InsufficientAllowance(e) => Error::InsufficientAllowance(e),
            erc20::Error::InvalidSpender(e) => Error::InvalidSpender(e),
            erc20::Error::InvalidApprover(e) => Error::InvalidApprover(e),
        }
    }
}

impl From<RoleError> for Error {
    fn from(e: RoleError) -> Self {
        match e {
            RoleError::Unknown(e) => Error::UnknownRole(e),
            RoleError::Handover(e) => Error::AdminHandoverUnconfirmed(e),
        }
    }
}

/// A computation overflowed or divided by zero (the value of the vault is zero).
pub(crate) fn overflow() -> Error {
    Error::MathOverflow(MathOverflow {})
}

pub(crate) fn call_failed(target: Address, amount: U256) -> Error {
    Error::CallFailed(CallFailed { target, amount })
}

/// An address as an ABI word.
#[cfg(not(feature = "export-abi"))]
fn addr(account: Address) -> U256 {
    U256::from_be_slice(account.as_slice())
}

/// The revert data of an error whose fields are all static: the selector, then one word
/// per field. Written out, one arm per error over [`push_words`], rather than through the
/// derived encoder: alloy's per-error encoders cost the artifact several kilobytes. The
/// bytes are those of `SolError::abi_encode` (`tests::errors_encode_as_alloy`).
#[cfg(not(feature = "export-abi"))]
fn encode(selector: [u8; 4], words: &[U256]) -> Vec<u8> {
    let mut data = selector.to_vec();
    push_words(&mut data, words);
    data
}

#[cfg(not(feature = "export-abi"))]
impl From<Error> for Vec<u8> {
    fn from(err: Error) -> Self {
        use erc20::{
            ERC20InsufficientAllowance as Allowance, ERC20InsufficientBalance as Balance,
            ERC20InvalidApprover as Approver, ERC20InvalidReceiver as Receiver,
            ERC20InvalidSender as Sender, ERC20InvalidSpender as Spender,
        };
        let bool_word = |b: bool| U256::from(b as u8);
        match err {
            Error::InsufficientBalance(e) => {
                encode(Balance::SELECTOR, &[addr(e.sender), e.balance, e.needed])
            }
            Error::InvalidSender(e) => encode(Sender::SELECTOR, &[addr(e.sender)]),
            Error::InvalidReceiver(e) => encode(Receiver::SELECTOR, &[addr(e.receiver)]),
            Error::InsufficientAllowance(e) => {
                encode(Allowance::SELECTOR, &[addr(e.spender), e.allowance, e.needed])
            }
            Error::InvalidSpender(e) => encode(Spender::SELECTOR, &[addr(e.spender)]),
            Error::InvalidApprover(e) => encode(Approver::SELECTOR, &[addr(e.approver)]),
            Error::UnauthorizedAccount(e) => encode(
                AccessControlUnauthorizedAccount::SELECTOR,
                &[addr(e.account), U256::from_be_bytes(e.needed_role.0)],
            ),
            Error::EnforcedPause(_) => encode(EnforcedPause::SELECTOR, &[]),
            Error::ExpectedPause(_) => encode(ExpectedPause::SELECTOR, &[]),
            Error::AlreadyInitialized(_) => encode(AlreadyInitialized::SELECTOR, &[]),
            Error::InvalidSetup(e) => encode(
                InvalidSetup::SELECTOR,
                &[addr(e.asset), addr(e.source), addr(e.ledger), U256::from(e.maxLossBps)],
            ),
            Error::InvalidName(e) => encode(
                InvalidName::SELECTOR,
                &[U256::from_be_bytes(e.name.0), U256::from_be_bytes(e.symbol.0)],
            ),
            Error::StakeRejected(e) => {
                encode(StakeRejected::SELECTOR, &[e.assets, e.stake, bool_word(e.exact)])
            }
            Error::CapExceeded(e) => {
                encode(CapExceeded::SELECTOR, &[addr(e.account), e.held, e.shares, e.cap])
            }
            Error::SharesLocked(e) => {
                encode(SharesLocked::SELECTOR, &[addr(e.owner), e.locked, U256::from(e.unlockTime)])
            }
            Error::InsufficientShares(e) => {
                encode(InsufficientShares::SELECTOR, &[addr(e.owner), e.shares, e.balance])
            }
            Error::ZeroAmount(e) => encode(ZeroAmount::SELECTOR, &[e.assets, e.shares]),
            Error::LossBeyondBound(e) => {
                encode(LossBeyondBound::SELECTOR, &[e.value, e.principal, U256::from(e.maxLossBps)])
            }
            Error::YieldHeldBack(e) => {
                encode(YieldHeldBack::SELECTOR, &[e.unattributed, e.profitBound])
            }
            Error::InDeficit(e) => encode(InDeficit::SELECTOR, &[e.value, e.principal]),
            Error::HarvestTooSoon(e) => {
                encode(HarvestTooSoon::SELECTOR, &[U256::from(e.now), U256::from(e.next)])
            }
            Error::HarvestBelowMinimum(e) => {
                encode(HarvestBelowMinimum::SELECTOR, &[e.pending, e.minimum])
            }
            Error::CallFailed(e) => encode(CallFailed::SELECTOR, &[addr(e.target), e.amount]),
            Error::NativeNotSupported(_) => encode(NativeNotSupported::SELECTOR, &[]),
            Error::UnexpectedEth(e) => encode(UnexpectedEth::SELECTOR, &[addr(e.from), e.amount]),
            Error::MathOverflow(_) => encode(MathOverflow::SELECTOR, &[]),
            Error::UnknownRole(e) => {
                encode(UnknownRole::SELECTOR, &[U256::from_be_bytes(e.role.0)])
            }
            Error::AdminHandoverUnconfirmed(e) => {
                encode(AdminHandoverUnconfirmed::SELECTOR, &[addr(e.admin)])
            }
            Error::LockTooLong(e) => {
                encode(LockTooLong::SELECTOR, &[U256::from(e.lockDuration), U256::from(e.limit)])
            }
            Error::SourceTooCoarse(e) => {
                encode(SourceTooCoarse::SELECTOR, &[addr(e.source), e.shareWorth, e.bound])
            }
        }
    }
}

/// Appends `words` to `data` as 32-byte big-endian ABI words: the fields of an error's
/// revert data and of a log's data, by one loop.
#[inline(never)]
pub(crate) fn push_words(data: &mut alloc::vec::Vec<u8>, words: &[U256]) {
    data.reserve(words.len() * 32);
    for word in words {
        data.extend_from_slice(&word.to_be_bytes::<32>());
    }
}

#[cfg(test)]
mod tests {
    use stylus_sdk::alloy_primitives::B256;

    use super::*;

    /// Every error's revert data, as written by hand, is alloy's `abi_encode` of its
    /// `sol!` type: selector and field words.
    #[test]
    fn errors_encode_as_alloy() {
        let (a, b, c) = (Address::repeat_byte(0xa1), Address::repeat_byte(0xb2), Address::ZERO);
        let (x, y, z) = (U256::MAX, U256::from(7u8), U256::from(1u128 << 100));
        let (w, v) = (B256::repeat_byte(0xc3), B256::ZERO);
        fn check<E: SolError + Clone>(e: E, wrap: fn(E) -> Error) {
            assert_eq!(Vec::<u8>::from(wrap(e.clone())), e.abi_encode(), "{}", E::SIGNATURE);
        }
        check(erc20::ERC20InsufficientBalance { sender: a, balance: y, needed: x }, |e| {
            Error::InsufficientBalance(e)
        });
        check(erc20::ERC20InvalidSender { sender: b }, Error::InvalidSender);
        check(erc20::ERC20InvalidReceiver { receiver: c }, Error::InvalidReceiver);
        check(erc20::ERC20InsufficientAllowance { spender: a, allowance: z, needed: x }, |e| {
            Error::InsufficientAllowance(e)
        });
        check(erc20::ERC20InvalidSpender { spender: a }, Error::InvalidSpender);
        check(erc20::ERC20InvalidApprover { approver: b }, Error::InvalidApprover);
        check(AccessControlUnauthorizedAccount { account: a, needed_role: w }, |e| {
            Error::UnauthorizedAccount(e)
        });
        check(LockTooLong { lockDuration: u64::MAX, limit: 7 }, Error::LockTooLong);
        check(SourceTooCoarse { source: a, shareWorth: x, bound: y }, Error::SourceTooCoarse);
        check(EnforcedPause {}, Error::EnforcedPause);
        check(ExpectedPause {}, Error::ExpectedPause);
        check(AlreadyInitialized {}, Error::AlreadyInitialized);
        for bps in [0, 1, 10_001, u16::MAX] {
            check(InvalidSetup { asset: a, source: b, ledger: c, maxLossBps: bps }, |e| {
                Error::InvalidSetup(e)
            });
        }
        check(InvalidName { name: w, symbol: v }, Error::InvalidName);
        for exact in [false, true] {
            check(StakeRejected { assets: x, stake: y, exact }, Error::StakeRejected);
        }
        check(CapExceeded { account: a, held: x, shares: y, cap: z }, Error::CapExceeded);
        check(SharesLocked { owner: b, locked: x, unlockTime: u64::MAX }, Error::SharesLocked);
        check(InsufficientShares { owner: a, shares: z, balance: y }, Error::InsufficientShares);
        check(ZeroAmount { assets: y, shares: U256::ZERO }, Error::ZeroAmount);
        check(LossBeyondBound { value: y, principal: z, maxLossBps: 10_000 }, |e| {
            Error::LossBeyondBound(e)
        });
        check(YieldHeldBack { unattributed: z, profitBound: x }, Error::YieldHeldBack);
        check(InDeficit { value: y, principal: x }, Error::InDeficit);
        check(HarvestTooSoon { now: 1, next: u64::MAX }, Error::HarvestTooSoon);
        check(HarvestBelowMinimum { pending: y, minimum: z }, Error::HarvestBelowMinimum);
        check(CallFailed { target: b, amount: x }, Error::CallFailed);
        check(NativeNotSupported {}, Error::NativeNotSupported);
        check(UnexpectedEth { from: a, amount: z }, Error::UnexpectedEth);
        check(MathOverflow {}, Error::MathOverflow);
        check(UnknownRole { role: w }, Error::UnknownRole);
        check(AdminHandoverUnconfirmed { admin: a }, Error::AdminHandoverUnconfirmed);
    }
}
