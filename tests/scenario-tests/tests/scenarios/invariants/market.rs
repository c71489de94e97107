//! The real job market under random operations, in a community paid in its asset or in a
//! stable token it converts to: members' accounts request jobs of two providers, who
//! fulfil (or not), requesters accept or dispute, and nobody arbitrates (the arbiter's
//! role is revoked), so every dispute waits for its resolution deadline and then settles
//! by default; anyone cancels an unfulfilled job after its deadline; providers unbond,
//! withdraw their bond and earnings, and rejoin. Each operation's success is predicted
//! from a mirror of the market's rules; after every step the ledger's payment tokens
//! cover every credit, reservation and provider debt, its reservations are the open
//! jobs', its debt the providers' earnings, the market holds exactly the bonds, and on a
//! snapshot every open job can be ended by a stranger and every bond then withdrawn
//! after the unbonding delay, paying exactly the bond.
use alloy_sol_types::SolCall;
use local_chain::{Address, Bytes, Receipt, B256, U256};
use proptest::{prelude::*, test_runner::TestCaseError};

use super::conversion::{price_move, PriceMove, Pricing};
use crate::common::{
    abi::{
        ledger::IComputeLedger,
        market::{IJobMarket, IJobMarketEvents},
        membership::IMembershipEvents,
        weth::{self, IMockErc20},
    },
    community::*,
};

/// The market's unbonding delay (`Community::deploy_market`).
const UNBOND_DELAY: u64 = 7 * DAY;
const HOUR: u64 = 3_600;

/// Job states (`job_market::status`).
mod status {
    pub const REQUESTED: u8 = 1;
    pub const FULFILLED: u8 = 2;
    pub const DISPUTED: u8 = 3;
    pub const SETTLED: u8 = 4;
    pub const CANCELLED: u8 = 5;
}

#[derive(Clone, Debug)]
enum Op {
    Join(usize),
    Warp(u16),
    RateRise(u16),
    Harvest,
    /// The admin tops up token `t`'s account with `n` payment units.
    TopUp(usize, u64),
    /// Token `t`'s account asks provider `p` for a job reserving `n` tenths of its
    /// credits, due in `h` hours.
    Request(usize, usize, u8, u8),
    /// Job `j`'s provider fulfils it with `u` units.
    Fulfil(usize, u8),
    /// Job `j` accepted by its requester (`true`) or by a stranger.
    Accept(usize, bool),
    Dispute(usize),
    /// A stranger cancels job `j`.
    Cancel(usize),
    StartUnbond(usize),
    WithdrawBond(usize),
    /// Provider `p` bonds again (cancelling any unbonding).
    Rejoin(usize),
    /// Provider `p` withdraws its earnings.
    Withdraw(usize),
    Price(PriceMove),
    Convert,
}

fn op() -> impl Strategy<Value = Op> {
    let (t, j, p) = (0usize..6, 0usize..8, 0usize..2);
    prop_oneof![
        2 => (0usize..3).prop_map(Op::Join),
        3 => (1u16..=120).prop_map(Op::Warp),
        1 => (1u16..=100).prop_map(Op::RateRise),
        1 => Just(Op::Harvest),
        1 => (t.clone(), 1u64..=1_000_000_000_000).prop_map(|(t, n)| Op::TopUp(t, n)),
        4 => (t, p.clone(), 1u8..=10, 1u8..=48).prop_map(|(t, p, n, h)| Op::Request(t, p, n, h)),
        3 => (j.clone(), 0u8..=20).prop_map(|(j, u)| Op::Fulfil(j, u)),
        2 => (j.clone(), any::<bool>()).prop_map(|(j, r)| Op::Accept(j, r)),
        2 => j.clone().prop_map(Op::Dispute),
        2 => j.prop_map(Op::Cancel),
        1 => p.clone().prop_map(Op::StartUnbond),
        2 => p.clone().prop_map(Op::WithdrawBond),
        1 => p.clone().prop_map(Op::Rejoin),
        1 => p.prop_map(Op::Withdraw),
        1 => price_move().prop_map(Op::Price),
        1 => Just(Op::Convert),
    ]
}

/// A job as the market should hold it.
#[derive(Clone, Debug)]
struct Job {
    id: U256,
    account: Address,
    owner: Address,
    provider: usize,
    status: u8,
    deadline: u64,
    fulfilled_at: u64,
    max: U256,
    charge: U256,
}

impl Job {
    /// Credits the ledger still reserves for it.
    fn reserved(&self) -> U256 {
        match self.status {
            status::REQUESTED => self.max,
            status::FULFILLED | status::DISPUTED => self.charge,
            _ => U256::ZERO,
        }
    }
    fn open(&self) -> bool {
        matches!(self.status, status::REQUESTED | status::FULFILLED | status::DISPUTED)
    }
    fn window_end(&self) -> u64 {
        self.fulfilled_at + CHALLENGE_WINDOW
    }
    /// When a stranger may settle its dispute by default.
    fn dispute_limit(&self) -> u64 {
        self.window_end() + DISPUTE_WINDOW
    }
}

/// A provider as the market should hold it.
#[derive(Clone, Copy, Debug)]
struct Provider {
    bond: U256,
    unbond_at: u64,
    earnings: U256,
}

struct Run {
    c: Community,
    m: Market,
    tokens: Vec<(U256, Address)>,
    jobs: Vec<Job>,
    providers: [Provider; 2],
    pricing: Option<Pricing>,
}

fn expect(r: &Receipt, want: bool, what: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        r.success,
        want,
        "{}: {} 0x{}",
        what,
        r.status,
        local_chain::hex::encode(&r.output)
    );
    Ok(())
}

impl Run {
    fn new(converting: bool) -> Self {
        let mut c = if converting { Community::deploy_converting() } else { Community::deploy() };
        let m = c.deploy_market();
        // Nobody arbitrates: every dispute must end by its default.
        ok(
            c.chain.call(
                ADMIN,
                m.market,
                U256::ZERO,
                IJobMarket::revokeRoleCall { role: market_role("ARBITER_ROLE"), account: ARBITER }
                    .abi_encode(),
            ),
            "revoke the arbiter",
        );
        let pricing = converting.then(|| Pricing::deployed(c.now()));
        let provider = Provider { bond: u(BOND), unbond_at: 0, earnings: U256::ZERO };
        Run { c, m, tokens: vec![], jobs: vec![], providers: [provider; 2], pricing }
    }

    fn job_index(&self, j: usize) -> Option<usize> {
        (!self.jobs.is_empty()).then(|| j % self.jobs.len())
    }

    fn market(&mut self, from: Address, call: impl SolCall) -> Receipt {
        self.c.chain.call(from, self.m.market, U256::ZERO, call.abi_encode())
    }

    /// Settles job `i` in the mirror: `paid` to its provider's earnings.
    fn settle(&mut self, i: usize, paid: U256) {
        self.jobs[i].status = status::SETTLED;
        self.providers[self.jobs[i].provider].earnings += paid;
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let now = self.c.now();
        match *op {
            Op::Join(a) => {
                let r = self.c.try_join(member(2000 + a));
                if r.success {
                    let j = r.events::<IMembershipEvents::Joined>();
                    self.tokens.push((j[0].tokenId, j[0].account));
                }
            }
            Op::Warp(hours) => self.c.warp_by(hours as u64 * HOUR),
            Op::RateRise(bps) => {
                let held = self.c.vault_value();
                let y = held * U256::from(bps) / U256::from(10_000);
                if !y.is_zero() {
                    self.c.accrue(y);
                }
            }
            // Harvests and conversions are checked in the stand-in property test; here
            // they only feed members' credits, whatever the price.
            Op::Harvest => drop(self.c.harvest()),
            Op::Convert => drop(self.c.chain.call(
                OUTSIDER,
                self.c.ledger,
                U256::ZERO,
                IComputeLedger::convertCall {}.abi_encode(),
            )),
            Op::Price(mv) => {
                if let (Some(conv), Some(p)) = (self.c.conversion, self.pricing.as_mut()) {
                    p.apply(&mut self.c, conv, mv);
                }
            }
            Op::TopUp(t, n) => {
                let Some(&(_, account)) = self.tokens.get(t % self.tokens.len().max(1)) else {
                    return Ok(());
                };
                let (c, amount) = (&mut self.c, U256::from(n));
                let calls = [
                    (c.payment, IMockErc20::mintCall { to: ADMIN, amount }.abi_encode()),
                    (
                        c.payment,
                        weth::IERC20::approveCall { spender: c.ledger, value: amount }.abi_encode(),
                    ),
                    (c.ledger, IComputeLedger::topUpCall { account, amount }.abi_encode()),
                ];
                for (to, data) in calls {
                    ok(c.chain.call(ADMIN, to, U256::ZERO, data), "top up");
                }
            }
            Op::Request(t, p, n, hours) => {
                let Some(&(id, account)) = self.tokens.get(t % self.tokens.len().max(1)) else {
                    return Ok(());
                };
                let max = self.c.spendable(account) * U256::from(n) / U256::from(10);
                if max.is_zero() {
                    return Ok(());
                }
                let owner = self.c.owner_of(id);
                let deadline = now + (hours as u64 * HOUR).max(MIN_WINDOW);
                let call = IJobMarket::requestCall {
                    model: self.m.model,
                    provider: PROVIDERS[p],
                    maxCredits: max,
                    inputHash: local_chain::keccak256(b"prompt"),
                    inputUri: Bytes::from_static(b"ipfs://prompt"),
                    deadline,
                    tokenId: id,
                    salt: B256::ZERO,
                };
                let r = self.c.exec(owner, account, self.m.market, call.abi_encode());
                let active =
                    self.providers[p].bond > U256::ZERO && self.providers[p].unbond_at == 0;
                expect(&r, active, "request of an active provider, refused otherwise")?;
                if r.success {
                    let e = r.events::<IJobMarketEvents::JobRequested>();
                    self.jobs.push(Job {
                        id: e[0].id,
                        account,
                        owner,
                        provider: p,
                        status: status::REQUESTED,
                        deadline,
                        fulfilled_at: 0,
                        max,
                        charge: U256::ZERO,
                    });
                }
            }
            Op::Fulfil(j, units) => {
                let Some(i) = self.job_index(j) else { return Ok(()) };
                let job = self.jobs[i].clone();
                let call = IJobMarket::fulfilCall {
                    job: job.id,
                    outputHash: local_chain::keccak256(b"answer"),
                    outputUri: Bytes::from_static(b"ipfs://answer"),
                    units: U256::from(units),
                };
                let r = self.market(PROVIDERS[job.provider], call);
                let due = job.status == status::REQUESTED && now < job.deadline;
                expect(&r, due, "fulfil before the deadline only")?;
                if r.success {
                    let charge = (U256::from(units) * u(PRICES[job.provider])).min(job.max);
                    let jb = &mut self.jobs[i];
                    (jb.status, jb.fulfilled_at, jb.charge) = (status::FULFILLED, now, charge);
                    if charge.is_zero() {
                        self.settle(i, U256::ZERO);
                    }
                }
            }
            Op::Accept(j, by_requester) => {
                let Some(i) = self.job_index(j) else { return Ok(()) };
                let job = self.jobs[i].clone();
                let call = IJobMarket::acceptCall { job: job.id }.abi_encode();
                let (r, allowed) = if by_requester {
                    (self.c.exec(job.owner, job.account, self.m.market, call), true)
                } else {
                    let r = self.c.chain.call(OUTSIDER, self.m.market, U256::ZERO, call);
                    (r, now >= job.window_end())
                };
                expect(&r, job.status == status::FULFILLED && allowed, "accept")?;
                if r.success {
                    self.settle(i, job.charge);
                }
            }
            Op::Dispute(j) => {
                let Some(i) = self.job_index(j) else { return Ok(()) };
                let job = self.jobs[i].clone();
                let call = IJobMarket::disputeCall { job: job.id }.abi_encode();
                let r = self.c.exec(job.owner, job.account, self.m.market, call);
                let due = job.status == status::FULFILLED && now < job.window_end();
                expect(&r, due, "dispute within the challenge window only")?;
                if r.success {
                    self.jobs[i].status = status::DISPUTED;
                }
            }
            Op::Cancel(j) => {
                let Some(i) = self.job_index(j) else { return Ok(()) };
                let job = self.jobs[i].clone();
                let r = self.market(OUTSIDER, IJobMarket::cancelCall { job: job.id });
                let due = match job.status {
                    status::REQUESTED => now >= job.deadline,
                    status::DISPUTED => now >= job.dispute_limit(),
                    _ => false,
                };
                expect(&r, due, "a stranger's cancel after the deadline only")?;
                if r.success && job.status == status::REQUESTED {
                    self.jobs[i].status = status::CANCELLED;
                } else if r.success {
                    let s = &r.events::<IJobMarketEvents::JobSettled>()[0];
                    prop_assert_eq!(
                        (s.paid, s.refund, s.slashed),
                        (U256::ZERO, job.charge, U256::ZERO),
                        "a dispute's default refunds the charge and slashes nothing"
                    );
                    self.settle(i, U256::ZERO);
                }
            }
            Op::StartUnbond(p) => {
                let r = self.market(PROVIDERS[p], IJobMarket::startUnbondCall {});
                let pr = &mut self.providers[p];
                expect(&r, pr.bond > U256::ZERO && pr.unbond_at == 0, "start unbond")?;
                if r.success {
                    pr.unbond_at = now + UNBOND_DELAY;
                }
            }
            Op::WithdrawBond(p) => {
                let open = self.open_jobs(p);
                let before = self.c.payment_of(PROVIDERS[p]);
                let r = self.market(PROVIDERS[p], IJobMarket::withdrawBondCall {});
                let pr = self.providers[p];
                let free = pr.unbond_at != 0 && now >= pr.unbond_at && open == 0;
                expect(&r, free && pr.bond > U256::ZERO, "withdraw bond")?;
                if r.success {
                    prop_assert_eq!(self.c.payment_of(PROVIDERS[p]), before + pr.bond);
                    self.providers[p].bond = U256::ZERO;
                } else {
                    let e = revert_of::<IJobMarket::BondRefused>(&r);
                    prop_assert_eq!(e.map(|e| e._3), Some(open), "BondRefused counts open jobs");
                }
            }
            Op::Rejoin(p) => {
                let (c, market, who) = (&mut self.c, self.m.market, PROVIDERS[p]);
                let calls = [
                    (c.payment, IMockErc20::mintCall { to: who, amount: u(BOND) }.abi_encode()),
                    (
                        c.payment,
                        weth::IERC20::approveCall { spender: market, value: u(BOND) }.abi_encode(),
                    ),
                    (
                        market,
                        IJobMarket::joinProviderCall {
                            endpoint: Bytes::from_static(b"https://provider.example/v1"),
                            bond: u(BOND),
                        }
                        .abi_encode(),
                    ),
                ];
                for (to, data) in calls {
                    ok(c.chain.call(who, to, U256::ZERO, data), "rejoin");
                }
                let pr = &mut self.providers[p];
                (pr.bond, pr.unbond_at) = (pr.bond + u(BOND), 0);
            }
            Op::Withdraw(p) => {
                let before = self.c.payment_of(PROVIDERS[p]);
                let r = self.market(PROVIDERS[p], IJobMarket::withdrawCall {});
                let earned = self.providers[p].earnings;
                expect(&r, !earned.is_zero(), "withdraw earnings")?;
                if r.success {
                    prop_assert_eq!(self.c.payment_of(PROVIDERS[p]), before + earned);
                    self.providers[p].earnings = U256::ZERO;
                }
            }
        }
        Ok(())
    }

    /// The market's view of a provider: (bond, unbond time, open jobs, earnings, price).
    fn provider_view(&mut self, who: Address) -> IJobMarket::providerReturn {
        let call = IJobMarket::providerCall { provider: who, model: self.m.model };
        self.c.chain.read(self.m.market, &call).unwrap()
    }

    fn open_jobs(&self, p: usize) -> u64 {
        self.jobs.iter().filter(|j| j.provider == p && j.open()).count() as u64
    }

    fn holders(&self) -> Vec<Address> {
        let mut holders = vec![self.c.pool_account];
        holders.extend(self.tokens.iter().map(|t| t.1));
        holders.extend((0..3).map(|a| member(2000 + a)));
        holders
    }

    /// The invariants, after every step.
    fn check(&mut self, ctx: &str) -> Result<(), TestCaseError> {
        let holders = self.holders();
        let (_, reserved, owed, _) = check_invariants(&mut self.c, &holders, ctx);
        let open = self.jobs.iter().fold(U256::ZERO, |a, j| a + j.reserved());
        prop_assert_eq!(reserved, open, "{}: reserved != the open jobs'", ctx);
        let earnings = self.providers.iter().fold(U256::ZERO, |a, p| a + p.earnings);
        prop_assert_eq!(owed, earnings, "{}: the ledger owes the providers' earnings", ctx);
        let bonds = self.providers.iter().fold(U256::ZERO, |a, p| a + p.bond);
        let held = self.c.payment_of(self.m.market);
        prop_assert_eq!(held, bonds, "{}: the market holds exactly the bonds", ctx);
        for (p, who) in PROVIDERS.into_iter().enumerate() {
            let v = self.provider_view(who);
            let pr = self.providers[p];
            prop_assert_eq!(
                (v._0, v._1, v._2, v._3),
                (pr.bond, pr.unbond_at, self.open_jobs(p), pr.earnings),
                "{}: provider {}",
                ctx,
                p
            );
        }
        for job in &self.jobs {
            let v = self.c.chain.read(self.m.market, &IJobMarket::jobCall { id: job.id }).unwrap();
            prop_assert_eq!((v._2, v._7), (job.status, job.charge), "{}: job {}", ctx, job.id);
        }
        self.check_everything_ends(ctx)
    }

    /// On a snapshot: once every deadline has passed, a stranger ends every open job (an
    /// unfulfilled one cancelled, a fulfilled one accepted, a dispute settled by default),
    /// nothing stays reserved, and each provider then unbonds and, after the delay, gets
    /// exactly its bond back and its earnings paid.
    fn check_everything_ends(&mut self, ctx: &str) -> Result<(), TestCaseError> {
        let snap = self.c.chain.snapshot();
        let last = self
            .jobs
            .iter()
            .filter(|j| j.open())
            .map(|j| j.deadline.max(j.dispute_limit()))
            .fold(self.c.now(), u64::max);
        self.c.warp_by(last - self.c.now());
        let open: Vec<Job> = self.jobs.iter().filter(|j| j.open()).cloned().collect();
        for job in open {
            let r = if job.status == status::FULFILLED {
                self.market(OUTSIDER, IJobMarket::acceptCall { job: job.id })
            } else {
                self.market(OUTSIDER, IJobMarket::cancelCall { job: job.id })
            };
            expect(&r, true, &format!("{ctx}: a stranger ends job {} ({})", job.id, job.status))?;
        }
        let holders = self.holders();
        let reserved = holders.iter().fold(U256::ZERO, |a, &h| a + self.c.reserved(h));
        prop_assert_eq!(reserved, U256::ZERO, "{}: reserved with every job ended", ctx);
        for (p, who) in PROVIDERS.into_iter().enumerate() {
            let pr = self.providers[p];
            if pr.bond.is_zero() {
                continue;
            }
            if pr.unbond_at == 0 {
                let r = self.market(who, IJobMarket::startUnbondCall {});
                expect(&r, true, &format!("{ctx}: provider {p} unbonds"))?;
            }
            self.c.warp_by(UNBOND_DELAY);
            let before = self.c.payment_of(who);
            let r = self.market(who, IJobMarket::withdrawBondCall {});
            expect(&r, true, &format!("{ctx}: provider {p} withdraws its bond"))?;
            let mut want = before + pr.bond;
            let earnings = self.provider_view(who)._3;
            if !earnings.is_zero() {
                let r = self.market(who, IJobMarket::withdrawCall {});
                expect(&r, true, &format!("{ctx}: provider {p} withdraws its earnings"))?;
                want += earnings;
            }
            prop_assert_eq!(self.c.payment_of(who), want, "{}: provider {} paid out", ctx, p);
        }
        self.c.chain.revert_to(snap);
        Ok(())
    }
}

fn run(converting: bool, ops: &[Op]) -> Result<Run, TestCaseError> {
    let mut r = Run::new(converting);
    for (i, op) in ops.iter().enumerate() {
        r.step(op)?;
        r.check(&format!("step {i} {op:?}"))?;
    }
    Ok(r)
}

#[test]
fn market_invariants_hold_with_no_arbiter() {
    let mut runner = super::runner(12);
    let strategy = (any::<bool>(), proptest::collection::vec(op(), 1..40));
    if let Err(e) = runner.run(&strategy, |(converting, ops)| run(converting, &ops).map(drop)) {
        panic!("{e}");
    }
}

/// Every market operation once, so the property's machinery is checked whatever the
/// random cases draw: jobs accepted by the requester and by a stranger, an unfulfilled
/// job cancelled by a stranger, a dispute settled by default, a bond refused while a job
/// is open and withdrawn once none is, a provider rejoining.
#[test]
fn every_market_operation_once() {
    use Op::*;
    let ops = [
        Join(0),
        Join(1),
        TopUp(0, 1_000_000_000_000),
        TopUp(1, 1_000_000_000_000),
        Request(0, 0, 2, 2),
        Fulfil(0, 3),
        Accept(0, true),
        Request(1, 0, 2, 2),
        Fulfil(1, 3),
        Warp(25),
        Accept(1, false),
        Request(0, 0, 2, 2),
        Cancel(2),
        Warp(2),
        Cancel(2),
        Request(1, 0, 5, 48),
        Fulfil(3, 1),
        Dispute(3),
        StartUnbond(0),
        Warp(96),
        WithdrawBond(0),
        Cancel(3),
        Warp(100),
        WithdrawBond(0),
        Withdraw(0),
        Rejoin(0),
        Request(0, 0, 1, 1),
        Fulfil(4, 0),
        Request(0, 1, 1, 1),
        Price(PriceMove::Fresh),
        RateRise(50),
        Harvest,
        Convert,
    ];
    for converting in [false, true] {
        let r = run(converting, &ops).unwrap();
        let statuses: Vec<u8> = r.jobs.iter().map(|j| j.status).collect();
        use status::*;
        assert_eq!(statuses, [SETTLED, SETTLED, CANCELLED, SETTLED, SETTLED, REQUESTED]);
        let p = r.providers[0];
        assert_eq!((p.bond, p.unbond_at, p.earnings), (u(BOND), 0, U256::ZERO));
    }
}
