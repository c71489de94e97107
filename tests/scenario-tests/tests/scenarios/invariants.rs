//! The accounting invariants (ARCHITECTURE.md) as a stateful property test on the local
//! Stylus chain with the built artifacts. Random sequences of user-facing operations by
//! random actors, in a community paid in its asset or one that converts each harvest
//! through a swap router priced from a feed (whose price the operations make zero, stale,
//! out of bounds or moved, and whose router they make pay short, honestly or not); after
//! every step: Σ shares == total supply, the vault is solvent or its deficit is shared
//! pro rata, the ledger's payment tokens cover every credit, reservation and provider
//! debt and its assets its unconverted amount, every token reconciles (nobody got more
//! than they put in plus what they earned), and every NFT's owner can reach its unlocked
//! stake. Every harvest and `convert()` is checked against a mirror of the ledger's
//! conversion rules, and a closed epoch's output against who its yield was attributed
//! to. A failing case shrinks to a minimal sequence.
//!
//! Cases: 24 by default (CI); `PROPTEST_CASES=200` for more. Jobs go through a stand-in
//! account holding the ledger's market role, which reaches every reserve, charge, release
//! and pay sequence directly and fast; the real job market runs in `market` (its own
//! property test: bonds, unresolved disputes, cancellations).
mod conversion;
mod market;

use alloy_sol_types::SolCall;
use local_chain::{Address, U256};
use proptest::{
    prelude::*,
    test_runner::{Config, TestRunner},
};

use self::conversion::*;
use super::common::{
    abi::{
        account::ITbaAccount,
        ledger::{IComputeLedger, IComputeLedgerEvents},
        membership::{self, IMembership, IMembershipEvents},
        source::{self, IMockYieldSource},
        vault::{self, IYieldVault},
        weth::{self, IMockErc20},
    },
    community::*,
};

const ACTORS: usize = 4;

#[derive(Clone, Debug)]
enum Op {
    Join(usize),
    /// Owner of token `t` deposits another stake into its account.
    ExtraDeposit(usize),
    /// Owner of token `t` gives the NFT to actor `a`.
    NftTransfer(usize, usize),
    /// Token `t`'s account sends `n` tenths of its shares to token `u`'s account.
    ShareTransfer(usize, usize, u8),
    Warp(u32),
    Harvest,
    /// Yield of `bps` of what the source holds.
    RateRise(u16),
    /// The source loses `bps` of what it holds.
    RateCut(u16),
    /// Actor `a` tops up token `t`'s credits with `wei`.
    TopUp(usize, usize, u64),
    /// Token `t`'s account gives `n` tenths of its credits to token `u`'s account.
    CreditTransfer(usize, usize, u8),
    /// Stand-in market: token `t` requests a job reserving `n` tenths of its credits.
    Request(usize, u8),
    /// Job `j` is fulfilled using `n` tenths of its reservation (the rest released).
    Fulfil(usize, u8),
    /// Job `j` is accepted (or its window passed): the used part is charged.
    Accept(usize),
    /// Job `j` is disputed and resolved: the provider gets `n` tenths of the used part.
    Resolve(usize, u8),
    /// Job `j` is cancelled after its deadline: all of it is released.
    Cancel(usize),
    /// The provider withdraws what it is owed.
    Withdraw,
    /// Owner of token `t` redeems `n` tenths of its shares.
    Leave(usize, u8),
    /// Actor `a` (maybe not the owner) tries to move token `t`'s shares and credits out.
    Steal(usize, usize),
    /// The owner of token `t` grants key `k` the right to move its credits for 10 days.
    Grant(usize, usize),
    /// Key `k` tries to move 1 wei of credits (in scope) and 1 share (out of scope) out of
    /// token `t`'s account.
    DelegateMove(usize, usize),
    /// The feed's price or the router's behaviour changes (a converting community only).
    Price(PriceMove),
    /// Actor `a` retries the waiting epoch's conversion.
    Convert(usize),
}

const KEYS: [Address; 2] = [Address::new([0xE1; 20]), Address::new([0xE2; 20])];

fn op() -> impl Strategy<Value = Op> {
    let t = 0usize..8;
    prop_oneof![
        3 => (0..ACTORS).prop_map(Op::Join),
        1 => t.clone().prop_map(Op::ExtraDeposit),
        1 => (t.clone(), 0..ACTORS).prop_map(|(t, a)| Op::NftTransfer(t, a)),
        1 => (t.clone(), t.clone(), 1u8..=10).prop_map(|(t, u, n)| Op::ShareTransfer(t, u, n)),
        2 => (1u32..=40).prop_map(Op::Warp),
        4 => Just(Op::Harvest),
        3 => (1u16..=100).prop_map(Op::RateRise),
        1 => (1u16..=300).prop_map(Op::RateCut),
        1 => (0..ACTORS, t.clone(), 1u64..=1_000_000_000_000).prop_map(|(a, t, w)| Op::TopUp(a, t, w)),
        1 => (t.clone(), t.clone(), 1u8..=10).prop_map(|(t, u, n)| Op::CreditTransfer(t, u, n)),
        2 => (t.clone(), 1u8..=10).prop_map(|(t, n)| Op::Request(t, n)),
        1 => (0usize..6, 0u8..=10).prop_map(|(j, n)| Op::Fulfil(j, n)),
        1 => (0usize..6).prop_map(Op::Accept),
        1 => (0usize..6, 0u8..=10).prop_map(|(j, n)| Op::Resolve(j, n)),
        1 => (0usize..6).prop_map(Op::Cancel),
        1 => Just(Op::Withdraw),
        2 => (t.clone(), 1u8..=10).prop_map(|(t, n)| Op::Leave(t, n)),
        1 => (0..ACTORS + 1, t.clone()).prop_map(|(a, t)| Op::Steal(a, t)),
        1 => (t.clone(), 0usize..2).prop_map(|(t, k)| Op::Grant(t, k)),
        2 => (0usize..2, t).prop_map(|(k, t)| Op::DelegateMove(k, t)),
        3 => price_move().prop_map(Op::Price),
        2 => (0..ACTORS + 1).prop_map(Op::Convert),
    ]
}

fn actor(i: usize) -> Address {
    if i >= ACTORS {
        OUTSIDER
    } else {
        member(1000 + i)
    }
}

#[derive(Clone, Debug)]
struct Job {
    account: Address,
    reserved: U256,
    used: Option<U256>,
}

/// A holder's deposit lot, as the vault keeps it: the shares its deposits minted, locked
/// until a time (transfers in are never locked).
#[derive(Clone, Copy, Debug, Default)]
pub struct Lot {
    pub shares: U256,
    pub until: u64,
}

impl Lot {
    pub fn locked(&self, now: u64) -> U256 {
        if now < self.until {
            self.shares
        } else {
            U256::ZERO
        }
    }

    /// A deposit minted `shares` at `now`: a new lot once this one has run out, else
    /// merged at the share-weighted mean unlock time, rounded up (never earlier).
    pub fn deposit(&mut self, shares: U256, now: u64) {
        let total = self.locked(now) + shares;
        let new_until = now + LOCK;
        if new_until > self.until {
            let extra = (U256::from(new_until - self.until) * shares).div_ceil(total);
            self.until += extra.to::<u64>();
        }
        self.shares = total;
    }
}

#[derive(Default)]
struct Model {
    tokens: Vec<(U256, Address)>,
    jobs: Vec<Job>,
    /// Everything that came in: stakes, yield into the source, top-ups; and out: losses.
    stakes_in: U256,
    yield_in: U256,
    lost: U256,
    topups: U256,
    redeemed: U256,
    paid: U256,
    /// (account, owner who granted, key) -> expiry. Grants are the owner's and die with any
    /// transfer of the NFT, also when it returns to the granting owner (membership's
    /// transfer count is the grants' ownership epoch).
    grants: std::collections::HashMap<(Address, Address, Address), u64>,
    /// Time of the last successful harvest: the vault harvests at most once per block
    /// timestamp, so the profit bound holds per period and not per call.
    last_harvest: Option<u64>,
    lots: std::collections::HashMap<Address, Lot>,
    /// The feed and router as last set (a converting community only).
    pricing: Option<Pricing>,
    waiting: Waiting,
    /// What the conversions did (`Fate`s and refusals), so a fixed sequence can show it
    /// reached each case.
    seen: std::collections::BTreeSet<String>,
}

impl Model {
    fn lot(&self, account: Address) -> Lot {
        self.lots.get(&account).copied().unwrap_or_default()
    }
}

fn tenths(x: U256, n: u8) -> U256 {
    x * U256::from(n) / U256::from(10)
}

struct Run {
    c: Community,
    m: Model,
}

/// Everyone who may hold shares or credits; the pool account first (index 0).
fn holders(c: &Community, m: &Model) -> Vec<Address> {
    let mut holders = vec![c.pool_account];
    holders.extend(m.tokens.iter().map(|t| t.1));
    holders.extend((0..=ACTORS).map(actor));
    holders.extend(KEYS);
    holders
}

/// A step's failure with its reason.
fn fail(why: String) -> TestCaseError {
    TestCaseError::fail(why)
}

fn token(m: &Model, t: usize) -> Option<(U256, Address)> {
    if m.tokens.is_empty() {
        None
    } else {
        Some(m.tokens[t % m.tokens.len()])
    }
}

impl Run {
    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let c = &mut self.c;
        match *op {
            Op::Join(a) => {
                let who = actor(a);
                let deficit_beyond_bound = {
                    // The vault's loss bound: free value (value - pending yield) below
                    // principal by more than 1%.
                    let (value, supply, pending) = (c.vault_value(), c.supply(), c.pending_yield());
                    let free = value.saturating_sub(pending);
                    free < supply && supply - free > supply * U256::from(100) / U256::from(10_000)
                };
                // A fresh account's deposit room: 0 while the vault holds back yield above
                // its profit bound (deposits wait for the harvest, so no newcomer shares
                // yield earned before it), which ERC-4626 lets a vault announce this way.
                let fresh = Address::repeat_byte(0x99);
                let announced_closed = c
                    .chain
                    .read(c.vault, &vault::IERC4626::maxDepositCall { receiver: fresh })
                    .expect("maxDeposit")
                    .is_zero();
                let r = c.try_join(who);
                if r.success {
                    let j = r.events::<IMembershipEvents::Joined>();
                    self.m.tokens.push((j[0].tokenId, j[0].account));
                    self.m.stakes_in += u(STAKE);
                    let minted = c.shares(j[0].account);
                    self.m.lots.entry(j[0].account).or_default().deposit(minted, c.now());
                } else {
                    // Only a deficit beyond the vault's loss bound (1%), or deposits closed
                    // as `maxDeposit` announced, refuses a join.
                    prop_assert!(
                        deficit_beyond_bound || announced_closed,
                        "join refused: {} 0x{}",
                        r.status,
                        local_chain::hex::encode(&r.output)
                    );
                    prop_assert!(revert_of::<IMembership::DepositFailed>(&r).is_some());
                }
            }
            Op::ExtraDeposit(t) => {
                let Some((id, account)) = token(&self.m, t) else { return Ok(()) };
                let owner = c.owner_of(id);
                ok(
                    c.chain.call(
                        ADMIN,
                        c.weth,
                        U256::ZERO,
                        IMockErc20::mintCall { to: owner, amount: u(STAKE) }.abi_encode(),
                    ),
                    "mint",
                );
                ok(
                    c.chain.call(
                        owner,
                        c.weth,
                        U256::ZERO,
                        weth::IERC20::approveCall { spender: c.vault, value: u(STAKE) }
                            .abi_encode(),
                    ),
                    "approve",
                );
                let held = c.shares(account);
                let r = c.chain.call(
                    owner,
                    c.vault,
                    U256::ZERO,
                    vault::IERC4626::depositCall { assets: u(STAKE), receiver: account }
                        .abi_encode(),
                );
                if r.success {
                    self.m.stakes_in += u(STAKE);
                    let minted = c.shares(account) - held;
                    self.m.lots.entry(account).or_default().deposit(minted, c.now());
                } else {
                    // Only a deficit beyond the loss bound may refuse an exact stake.
                    prop_assert!(
                        revert_of::<IYieldVault::LossBeyondBound>(&r).is_some(),
                        "deposit refused: {} {}",
                        r.status,
                        local_chain::hex::encode(&r.output)
                    );
                    c.chain.call(
                        owner,
                        c.weth,
                        U256::ZERO,
                        IMockErc20::burnCall { from: owner, amount: u(STAKE) }.abi_encode(),
                    );
                }
            }
            Op::NftTransfer(t, a) => {
                let Some((id, account)) = token(&self.m, t) else { return Ok(()) };
                let owner = c.owner_of(id);
                let to = actor(a % ACTORS);
                if to != owner {
                    ok(
                        c.chain.call(
                            owner,
                            c.membership,
                            U256::ZERO,
                            membership::IERC721::transferFromCall { from: owner, to, tokenId: id }
                                .abi_encode(),
                        ),
                        "nft transfer",
                    );
                    self.m.grants.retain(|(acc, _, _), _| *acc != account);
                }
            }
            Op::ShareTransfer(t, v, n) => {
                let (Some((id, from)), Some((_, to))) = (token(&self.m, t), token(&self.m, v))
                else {
                    return Ok(());
                };
                let amount = tenths(c.shares(from), n);
                if amount.is_zero() || from == to {
                    return Ok(());
                }
                let owner = c.owner_of(id);
                let free = c.shares(from) - self.m.lot(from).locked(c.now());
                let r = c.exec(
                    owner,
                    from,
                    c.vault,
                    vault::IERC20::transferCall { to, value: amount }.abi_encode(),
                );
                prop_assert_eq!(
                    r.success,
                    amount <= free,
                    "share transfer of {} with {} free -> {}",
                    amount,
                    free,
                    r.status
                );
            }
            Op::Warp(days) => c.warp_by(days as u64 * DAY),
            Op::Harvest => {
                let value = c.vault_value();
                let supply = c.supply();
                let holders = holders(c, &self.m);
                let before = Credits::read(c, &holders);
                let totals = c.totals();
                let r = c.harvest();
                let pending = c.pending_yield();
                let same_time = self.m.last_harvest == Some(c.now());
                let refused_by_ledger =
                    revert_of::<IYieldVault::CallFailed>(&r).filter(|e| e._0 == c.ledger);
                if r.success {
                    prop_assert!(!same_time, "a second harvest at the same timestamp succeeded");
                    self.m.last_harvest = Some(c.now());
                    let harvested = r.events::<IComputeLedgerEvents::Harvested>();
                    prop_assert_eq!(harvested.len(), 1, "one harvest logged by the ledger");
                    let fates = self
                        .m
                        .waiting
                        .harvest(self.m.pricing.as_ref(), harvested[0].assets, c.now())
                        .map_err(|o| fail(format!("a harvest went through: {o:?}")))?;
                    check_fates(&r, &fates, "harvest")?;
                    self.m.seen.extend(fates.iter().map(|f| format!("harvest {}", f.label())));
                    let after = Credits::read(c, &holders);
                    check_output_reached_members(&before, &after, &r, 0, "harvest")?;
                } else if let Some(e) = refused_by_ledger {
                    // The ledger reverts a harvest whole only for a router that paid short
                    // (its effects stood, so no deferral could count the asset it took).
                    let mut mirror = self.m.waiting.clone();
                    let o = mirror.harvest(self.m.pricing.as_ref(), e._1, c.now());
                    prop_assert!(
                        matches!(o, Err(Outcome::ShortPaid { .. })),
                        "the ledger refused a harvest of {}: mirror says {:?}",
                        e._1,
                        o
                    );
                    prop_assert_eq!(c.totals(), totals, "a refused harvest left its effects");
                    self.m.seen.insert("harvest short".into());
                } else {
                    // Allowed refusals only: deficit, nothing to harvest, or a harvest
                    // already made at this timestamp.
                    prop_assert!(
                        revert_of::<IYieldVault::InDeficit>(&r).is_some()
                            || revert_of::<IYieldVault::HarvestBelowMinimum>(&r).is_some()
                            || (same_time
                                && revert_of::<IYieldVault::HarvestTooSoon>(&r).is_some()),
                        "harvest failed: {} 0x{}",
                        r.status,
                        local_chain::hex::encode(&r.output)
                    );
                    if revert_of::<IYieldVault::InDeficit>(&r).is_some() {
                        prop_assert!(value.saturating_sub(pending) < supply);
                    }
                }
            }
            Op::RateRise(bps) => {
                let held = c.chain.read(c.source, &source::IERC4626::totalAssetsCall {}).unwrap();
                let y = held * U256::from(bps) / U256::from(10_000);
                if !y.is_zero() {
                    c.accrue(y);
                    self.m.yield_in += y;
                }
            }
            Op::RateCut(bps) => {
                let held = c.chain.read(c.source, &source::IERC4626::totalAssetsCall {}).unwrap();
                let l = held * U256::from(bps) / U256::from(10_000);
                if !l.is_zero() {
                    ok(
                        c.chain.call(
                            ADMIN,
                            c.source,
                            U256::ZERO,
                            IMockYieldSource::simulateLossCall { amount: l }.abi_encode(),
                        ),
                        "loss",
                    );
                    self.m.lost += l;
                }
            }
            Op::TopUp(a, t, wei) => {
                let Some((_, account)) = token(&self.m, t) else { return Ok(()) };
                let who = actor(a);
                let amount = U256::from(wei);
                ok(
                    c.chain.call(
                        ADMIN,
                        c.payment,
                        U256::ZERO,
                        IMockErc20::mintCall { to: who, amount }.abi_encode(),
                    ),
                    "mint",
                );
                ok(
                    c.chain.call(
                        who,
                        c.payment,
                        U256::ZERO,
                        weth::IERC20::approveCall { spender: c.ledger, value: amount }.abi_encode(),
                    ),
                    "approve",
                );
                let before = c.spendable(account);
                ok(
                    c.chain.call(
                        who,
                        c.ledger,
                        U256::ZERO,
                        IComputeLedger::topUpCall { account, amount }.abi_encode(),
                    ),
                    "top up",
                );
                prop_assert_eq!(c.spendable(account), before + amount);
                self.m.topups += amount;
            }
            Op::CreditTransfer(t, v, n) => {
                let (Some((id, from)), Some((_, to))) = (token(&self.m, t), token(&self.m, v))
                else {
                    return Ok(());
                };
                let amount = tenths(c.spendable(from), n);
                if amount.is_zero() || from == to {
                    return Ok(());
                }
                let owner = c.owner_of(id);
                let (b_from, b_to) = (c.spendable(from), c.spendable(to));
                ok(
                    c.exec(
                        owner,
                        from,
                        c.ledger,
                        IComputeLedger::transferCreditsCall { to, amount }.abi_encode(),
                    ),
                    "credit transfer",
                );
                prop_assert_eq!(c.spendable(from), b_from - amount);
                prop_assert_eq!(c.spendable(to), b_to + amount);
            }
            Op::Request(t, n) => {
                let Some((_, account)) = token(&self.m, t) else { return Ok(()) };
                let amount = tenths(c.spendable(account), n);
                if amount.is_zero() {
                    return Ok(());
                }
                ok(
                    c.chain.call(
                        MARKET,
                        c.ledger,
                        U256::ZERO,
                        IComputeLedger::reserveCall { account, amount }.abi_encode(),
                    ),
                    "reserve",
                );
                self.m.jobs.push(Job { account, reserved: amount, used: None });
            }
            Op::Fulfil(j, n) => {
                let Some(job) = self.m.jobs.iter_mut().filter(|j| j.used.is_none()).nth(j) else {
                    return Ok(());
                };
                let used = tenths(job.reserved, n);
                let rest = job.reserved - used;
                if !rest.is_zero() {
                    ok(
                        c.chain.call(
                            MARKET,
                            c.ledger,
                            U256::ZERO,
                            IComputeLedger::releaseCall { account: job.account, amount: rest }
                                .abi_encode(),
                        ),
                        "fulfil",
                    );
                }
                job.reserved = used;
                job.used = Some(used);
                self.m.jobs.retain(|j| !j.reserved.is_zero());
            }
            Op::Accept(j) | Op::Resolve(j, _) => {
                let Some(idx) = self
                    .m
                    .jobs
                    .iter()
                    .enumerate()
                    .filter(|(_, j)| j.used.is_some())
                    .map(|(i, _)| i)
                    .nth(j)
                else {
                    return Ok(());
                };
                let job = self.m.jobs.remove(idx);
                let award = if let Op::Resolve(_, n) = *op {
                    tenths(job.reserved, n)
                } else {
                    job.reserved
                };
                if !award.is_zero() {
                    ok(
                        c.chain.call(
                            MARKET,
                            c.ledger,
                            U256::ZERO,
                            IComputeLedger::chargeCall { account: job.account, amount: award }
                                .abi_encode(),
                        ),
                        "charge",
                    );
                }
                let back = job.reserved - award;
                if !back.is_zero() {
                    ok(
                        c.chain.call(
                            MARKET,
                            c.ledger,
                            U256::ZERO,
                            IComputeLedger::releaseCall { account: job.account, amount: back }
                                .abi_encode(),
                        ),
                        "release",
                    );
                }
            }
            Op::Cancel(j) => {
                let Some(idx) = self
                    .m
                    .jobs
                    .iter()
                    .enumerate()
                    .filter(|(_, j)| j.used.is_none())
                    .map(|(i, _)| i)
                    .nth(j)
                else {
                    return Ok(());
                };
                let job = self.m.jobs.remove(idx);
                ok(
                    c.chain.call(
                        MARKET,
                        c.ledger,
                        U256::ZERO,
                        IComputeLedger::releaseCall { account: job.account, amount: job.reserved }
                            .abi_encode(),
                    ),
                    "cancel",
                );
            }
            Op::Withdraw => {
                let (_, owed, _) = c.totals();
                if !owed.is_zero() {
                    ok(
                        c.chain.call(
                            MARKET,
                            c.ledger,
                            U256::ZERO,
                            IComputeLedger::payCall { to: PROVIDERS[0], amount: owed }.abi_encode(),
                        ),
                        "pay",
                    );
                    self.m.paid += owed;
                }
            }
            Op::Leave(t, n) => {
                let Some((id, account)) = token(&self.m, t) else { return Ok(()) };
                let shares = tenths(c.shares(account), n);
                if shares.is_zero() {
                    return Ok(());
                }
                let owner = c.owner_of(id);
                let quote =
                    c.chain.read(c.vault, &vault::IERC4626::previewRedeemCall { shares }).unwrap();
                let locked = shares > c.shares(account) - self.m.lot(account).locked(c.now());
                let before = c.weth_of(owner);
                let r = c.exec(
                    owner,
                    account,
                    c.vault,
                    vault::IERC4626::redeemCall { shares, receiver: owner, owner: account }
                        .abi_encode(),
                );
                if locked {
                    prop_assert!(!r.success, "a locked exit went through");
                } else if quote.is_zero() {
                    prop_assert!(!r.success);
                } else {
                    prop_assert!(
                        r.success,
                        "unlocked exit failed: {} 0x{}",
                        r.status,
                        local_chain::hex::encode(&r.output)
                    );
                    let got = c.weth_of(owner) - before;
                    prop_assert_eq!(got, quote, "exit pays its preview");
                    prop_assert!(got <= shares, "an exit never pays more than one asset per share");
                    self.m.redeemed += got;
                }
            }
            Op::Steal(a, t) => {
                let Some((id, account)) = token(&self.m, t) else { return Ok(()) };
                let thief = actor(a);
                let owner = c.owner_of(id);
                let shares = c.shares(account);
                let credits = c.spendable(account);
                let r1 = c.exec(
                    thief,
                    account,
                    c.vault,
                    vault::IERC20::transferCall { to: thief, value: shares }.abi_encode(),
                );
                let r2 = c.exec(
                    thief,
                    account,
                    c.ledger,
                    IComputeLedger::transferCreditsCall {
                        to: thief,
                        amount: credits.max(U256::from(1)),
                    }
                    .abi_encode(),
                );
                if thief != owner {
                    prop_assert_eq!(
                        revert_of::<ITbaAccount::AccessControlUnauthorizedAccount>(&r1)
                            .map(|e| e._0),
                        Some(thief)
                    );
                    prop_assert_eq!(
                        revert_of::<ITbaAccount::AccessControlUnauthorizedAccount>(&r2)
                            .map(|e| e._0),
                        Some(thief)
                    );
                    prop_assert_eq!(c.shares(account), shares);
                    prop_assert_eq!(c.spendable(account), credits);
                } else {
                    // The owner moving its own things is allowed (shares only once unlocked);
                    // keep the model's token list pointing at holders.
                    let _ = (r1, r2);
                }
            }
            Op::Grant(t, k) => {
                let Some((id, account)) = token(&self.m, t) else { return Ok(()) };
                let owner = c.owner_of(id);
                let expiry = c.now() + 10 * DAY;
                let grant = ITbaAccount::grantDelegateCall {
                    delegate: KEYS[k],
                    expiry,
                    canSign: false,
                    targets: vec![c.ledger],
                    selectors: vec![b4::<IComputeLedger::transferCreditsCall>()],
                };
                ok(c.chain.call(owner, account, U256::ZERO, grant.abi_encode()), "grant");
                self.m.grants.insert((account, owner, KEYS[k]), expiry);
            }
            Op::DelegateMove(k, t) => {
                let Some((id, account)) = token(&self.m, t) else { return Ok(()) };
                let (key, owner) = (KEYS[k], c.owner_of(id));
                let live = self.m.grants.get(&(account, owner, key)).is_some_and(|e| c.now() < *e);
                let credits = c.spendable(account);
                let shares = c.shares(account);
                let r = c.exec(
                    key,
                    account,
                    c.ledger,
                    IComputeLedger::transferCreditsCall { to: key, amount: U256::from(1u8) }
                        .abi_encode(),
                );
                if live && !credits.is_zero() {
                    prop_assert!(
                        r.success,
                        "a live grant in scope failed: {} 0x{}",
                        r.status,
                        local_chain::hex::encode(&r.output)
                    );
                    prop_assert_eq!(c.spendable(account), credits - U256::from(1u8));
                } else if !live {
                    prop_assert_eq!(
                        revert_of::<ITbaAccount::AccessControlUnauthorizedAccount>(&r)
                            .map(|e| e._0),
                        Some(key),
                        "no live grant, yet allowed"
                    );
                    prop_assert_eq!(c.spendable(account), credits);
                }
                let r = c.exec(
                    key,
                    account,
                    c.vault,
                    vault::IERC20::transferCall { to: key, value: U256::from(1u8) }.abi_encode(),
                );
                prop_assert_eq!(
                    revert_of::<ITbaAccount::AccessControlUnauthorizedAccount>(&r).map(|e| e._0),
                    Some(key),
                    "out of scope, yet allowed"
                );
                prop_assert_eq!(c.shares(account), shares);
            }
            Op::Price(mv) => {
                if let (Some(conv), Some(p)) = (c.conversion, self.m.pricing.as_mut()) {
                    p.apply(c, conv, mv);
                }
            }
            Op::Convert(a) => {
                let holders = holders(c, &self.m);
                let before = Credits::read(c, &holders);
                let r = c.chain.call(
                    actor(a),
                    c.ledger,
                    U256::ZERO,
                    IComputeLedger::convertCall {}.abi_encode(),
                );
                if self.m.waiting.sealed.is_none() {
                    prop_assert!(
                        revert_of::<IComputeLedger::NothingToConvert>(&r).is_some(),
                        "convert with nothing waiting: {}",
                        r.status
                    );
                    return Ok(());
                }
                let router = router_of(c);
                match self.m.waiting.convert(self.m.pricing.as_ref(), c.now()) {
                    Ok(fate) => {
                        prop_assert!(
                            r.success,
                            "convert failed: {} 0x{}",
                            r.status,
                            local_chain::hex::encode(&r.output)
                        );
                        check_fates(&r, &[fate], "convert")?;
                        self.m.seen.insert("convert closed".into());
                        let after = Credits::read(c, &holders);
                        check_output_reached_members(&before, &after, &r, 0, "convert")?;
                        check_output_proportional(&before, &after, &r, 0, "convert")?;
                    }
                    Err(Outcome::Refused(reason)) => {
                        prop_assert_eq!(
                            revert_of::<IComputeLedger::ConversionRefused>(&r).map(|e| e._0),
                            Some(reason),
                            "convert: {}",
                            r.status
                        );
                        self.m.seen.insert(format!("convert refused {reason}"));
                    }
                    Err(Outcome::ShortPaid { paid, minimum }) => {
                        prop_assert_eq!(
                            revert_of::<IComputeLedger::SwapShortPaid>(&r)
                                .map(|e| (e._0, e._1, e._2)),
                            Some((router, paid, minimum)),
                            "convert through a router paying short: {}",
                            r.status
                        );
                        self.m.seen.insert("convert short".into());
                    }
                    Err(o) => return Err(fail(format!("convert: unexpected {o:?}"))),
                }
            }
        }
        Ok(())
    }

    /// The invariants, after every step.
    fn check(&mut self, ctx: &str) -> Result<(), TestCaseError> {
        let c = &mut self.c;
        let holders = holders(c, &self.m);
        let (_credits, reserved, owed, _dust) = check_invariants(c, &holders, ctx);
        // The harvested assets waiting for conversion are the mirror's.
        let (_, _, unconverted) = c.totals();
        prop_assert_eq!(unconverted, self.m.waiting.unconverted, "{}: unconverted", ctx);
        // Reservations match the open jobs.
        let open: U256 = self.m.jobs.iter().map(|j| j.reserved).fold(U256::ZERO, |a, b| a + b);
        prop_assert_eq!(reserved, open, "{}: reserved != open jobs", ctx);
        // The vault: solvent, or the deficit shared pro rata (no exit can pay more than
        // its share of the value).
        let value = c.vault_value();
        let supply = c.supply();
        let pending = c.pending_yield();
        if !supply.is_zero() {
            let all = c
                .chain
                .read(c.vault, &vault::IERC4626::previewRedeemCall { shares: supply })
                .unwrap();
            prop_assert!(
                all <= value,
                "{}: redeeming everything ({}) would pay more than the value {}",
                ctx,
                all,
                value
            );
            if value >= supply + pending {
                prop_assert_eq!(all, supply, "{}: solvent: shares are 1:1", ctx);
            }
        }
        // Nobody ends with more than came in plus yield: what left (exits, providers, the
        // router's purchases) plus what remains claimable equals what came in, per token.
        let ledger = c.weth_of(c.ledger);
        let value = c.assets_held();
        let (bought, sold) = router_flows(c);
        let (mut came_in, mut held) = (
            self.m.stakes_in + self.m.yield_in,
            value + ledger + bought + self.m.redeemed + self.m.lost,
        );
        if c.payment == c.weth {
            came_in += self.m.topups;
            held += self.m.paid;
        } else {
            let ledger = c.payment_of(c.ledger);
            prop_assert_eq!(
                ledger + self.m.paid,
                self.m.topups + sold,
                "{}: payment tokens reconcile (ledger {} paid {} top-ups {} bought {})",
                ctx,
                ledger,
                self.m.paid,
                self.m.topups,
                sold
            );
        }
        prop_assert_eq!(
            held,
            came_in,
            "{}: assets reconcile (value {} ledger {} router {} redeemed {} paid {} lost {})",
            ctx,
            value,
            ledger,
            bought,
            self.m.redeemed,
            self.m.paid,
            self.m.lost
        );
        let _ = owed;
        // Every owner can reach its unlocked stake (tried on a snapshot).
        let snap = c.chain.snapshot();
        for &(id, account) in &self.m.tokens {
            let shares = c.shares(account) - self.m.lot(account).locked(c.now());
            if shares.is_zero() {
                continue;
            }
            let owner = c.owner_of(id);
            let quote =
                c.chain.read(c.vault, &vault::IERC4626::previewRedeemCall { shares }).unwrap();
            if quote.is_zero() {
                continue;
            }
            let r = c.exec(
                owner,
                account,
                c.vault,
                vault::IERC4626::redeemCall { shares, receiver: owner, owner: account }
                    .abi_encode(),
            );
            prop_assert!(
                r.success,
                "{}: owner of token {} cannot reach its stake: {} 0x{}",
                ctx,
                id,
                r.status,
                local_chain::hex::encode(&r.output)
            );
        }
        c.chain.revert_to(snap);
        Ok(())
    }
}

fn run(converting: bool, ops: &[Op]) -> Result<Model, TestCaseError> {
    let c = if converting { Community::deploy_converting() } else { Community::deploy() };
    let pricing = converting.then(|| Pricing::deployed(c.now()));
    let mut r = Run { c, m: Model { pricing, ..Model::default() } };
    for (i, op) in ops.iter().enumerate() {
        r.step(op)?;
        r.check(&format!("step {i} {op:?}"))?;
    }
    Ok(r.m)
}

/// The property runner: `default_cases` unless `PROPTEST_CASES` says otherwise, shrinking
/// a failure at most 200 times, no persisted seeds (the drawn cases worth keeping are
/// fixed tests).
fn runner(default_cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok());
    TestRunner::new(Config {
        cases: cases.unwrap_or(default_cases),
        max_shrink_iters: 200,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn invariants_hold_under_random_operations() {
    let mut runner = runner(24);
    let strategy = (any::<bool>(), proptest::collection::vec(op(), 1..40));
    if let Err(e) = runner.run(&strategy, |(converting, ops)| run(converting, &ops).map(drop)) {
        panic!("{e}");
    }
}

/// A case the property drew: yield above the profit bound is held back, every member
/// leaves, and the next join is refused until a harvest, as `maxDeposit` (0) announced.
#[test]
fn a_join_waits_while_yield_above_the_bound_is_held_back() {
    use Op::*;
    run(false, &[Join(0), RateRise(41), Warp(30), Leave(0, 9), Leave(0, 6), Join(0)]).unwrap();
    run(false, &[Join(0), RateRise(41), Warp(30), Leave(0, 9), Leave(0, 6), Harvest, Join(0)])
        .unwrap();
}

/// A fixed sequence touching every operation once, so the property test's machinery is
/// itself checked whatever the random cases draw; it includes a buy-back (token 0 goes to
/// actor 3 and back to actor 0, whose key must stay refused).
#[test]
fn every_operation_once() {
    use Op::*;
    let ops = [
        Join(0),
        Join(1),
        Join(2),
        RateRise(50),
        Harvest,
        TopUp(3, 0, 1_000_000),
        Request(0, 5),
        Fulfil(0, 6),
        Accept(0),
        Request(1, 10),
        Fulfil(0, 10),
        Resolve(0, 3),
        Request(0, 2),
        Cancel(0),
        Withdraw,
        CreditTransfer(0, 1, 5),
        Steal(3, 0),
        Steal(4, 1),
        Grant(0, 0),
        DelegateMove(0, 0),
        DelegateMove(1, 0),
        NftTransfer(0, 3),
        DelegateMove(0, 0),
        NftTransfer(0, 0),
        DelegateMove(0, 0),
        NftTransfer(2, 3),
        ExtraDeposit(1),
        RateCut(30),
        Harvest,
        Leave(0, 5),
        Warp(31),
        ShareTransfer(0, 2, 5),
        RateRise(100),
        Harvest,
        Leave(0, 10),
        Leave(1, 10),
        Leave(2, 10),
    ];
    run(false, &ops).unwrap();
}

/// A case the property drew: a deposit into an account whose first lot has run out
/// starts a new lot of just its shares, so the older shares leave freely.
#[test]
fn shares_of_a_run_out_lot_leave_while_a_new_deposit_is_locked() {
    use Op::*;
    run(false, &[Join(0), Warp(30), ExtraDeposit(0), Leave(0, 1), Leave(0, 6)]).unwrap();
}

/// Every conversion failure once, in a community paid in a stable token: a harvest
/// defers on a zero, stale, future or out-of-bounds price and on an honest router paying
/// short; `convert()` by anyone is refused for the same reasons, reverts whole through a
/// dishonest router (as does a harvest), and closes the epoch once price and router are
/// sound; a harvest while an epoch waits converts both.
#[test]
fn every_conversion_failure_once() {
    use Op::*;
    use PriceMove::*;
    let ops = [
        Join(0),
        Join(1),
        RateRise(50),
        Price(Zero),
        Harvest,
        Convert(4),
        Price(Stale),
        Convert(0),
        Price(Future),
        Convert(1),
        Price(OutOfBounds),
        Convert(2),
        Price(Fresh),
        Price(RouterRate(9_800)),
        Convert(3),
        Price(IgnoreMinimum(true)),
        Convert(4),
        Warp(1),
        RateRise(50),
        Harvest,
        Price(IgnoreMinimum(false)),
        Price(RouterRate(10_000)),
        Warp(1),
        RateRise(50),
        Price(Fresh),
        Convert(4),
        Convert(4),
        Price(RouterRate(9_800)),
        Warp(1),
        RateRise(50),
        Harvest,
        Price(RouterRate(10_000)),
        Price(Zero),
        Warp(1),
        RateRise(50),
        Harvest,
        Warp(1),
        RateRise(50),
        Harvest,
        Price(Fresh),
        Warp(1),
        RateRise(50),
        Harvest,
        Price(Moved(5_000)),
        Warp(1),
        RateRise(50),
        Harvest,
        Leave(0, 10),
        Warp(30),
        Leave(0, 10),
        Leave(1, 10),
    ];
    let seen = run(true, &ops).unwrap().seen;
    let want = [
        "harvest deferred 1",
        "harvest deferred 5",
        "harvest closed",
        "harvest short",
        "convert refused 1",
        "convert refused 2",
        "convert refused 3",
        "convert refused 5",
        "convert short",
        "convert closed",
    ];
    for w in want {
        assert!(seen.contains(w), "{w} not reached: {seen:?}");
    }
}
