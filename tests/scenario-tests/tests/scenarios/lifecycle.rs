//! The whole community lifecycle end to end on the local Stylus chain, with the
//! built artifacts (`scripts/cf build`). Run with `-- --nocapture` for the report.
//! 2,000 members by default (about 45 s of test time here on 2 cores); `CF_MEMBERS=N` for
//! another size (at least 20).
//!
//! Jobs go through the real job market and model registry (compute-ledger/job-market,
//! compute-ledger/model-registry). (The stateful property test drives the ledger's market
//! functions from a stand-in market account instead, for speed and reach.)
use std::time::Instant;

use alloy_sol_types::SolCall;
use local_chain::{Address, Receipt, U256};

use super::common::{
    abi::{
        account::ITbaAccount,
        ledger::{IComputeLedger, IComputeLedgerEvents},
        market::{IJobMarket, IJobMarketEvents},
        membership,
        source::{self, IMockYieldSource},
        vault::{self, IYieldVault, IYieldVaultEvents},
    },
    community::*,
};

#[test]
fn one_member_joins_and_leaves_with_exactly_the_stake() {
    let mut c = Community::deploy();
    let alice = member(0);
    let (id, account, _) = c.join(alice);
    assert_eq!(id, U256::from(1));
    assert_eq!(c.owner_of(id), alice);
    assert_eq!(c.shares(account), u(STAKE));
    assert_eq!(c.vault_value(), u(STAKE));
    // Locked for 30 days.
    let r = c.leave(alice, account).1;
    assert!(!r.success, "leave before the lock ends must fail");
    c.warp_by(LOCK);
    let before = c.chain.balance(alice);
    let (got, r) = c.leave(alice, account);
    ok(r, "leave");
    assert_eq!(got, u(STAKE));
    assert_eq!(c.chain.balance(alice), before + u(STAKE));
    assert_eq!(c.shares(account), U256::ZERO);
    assert_eq!(c.supply(), U256::ZERO);
}

#[derive(Default, Debug)]
struct Book {
    principal_in: U256,
    principal_out: U256,
    yield_in: U256,
    loss: U256,
    harvested: U256,
    to_members: U256,
    to_pool: U256,
    spent: U256,
    refunded: U256,
    paid: U256,
    gas: Vec<(&'static str, u64)>,
}

impl Book {
    fn gas(&mut self, op: &'static str, r: &Receipt) {
        self.gas.push((op, r.gas_used));
    }
    fn gas_of(&self, op: &str) -> Vec<u64> {
        self.gas.iter().filter(|(o, _)| *o == op).map(|(_, g)| *g).collect()
    }
}

fn eth(x: U256) -> String {
    let wei: u128 = x.to();
    format!("{}.{:018} ETH", wei / ETH, wei % ETH)
}

/// One harvest, booked from the vault's and the ledger's events.
fn harvest(c: &mut Community, book: &mut Book) -> Receipt {
    let r = ok(c.harvest(), "harvest");
    let h = r.events::<IYieldVaultEvents::Harvested>();
    assert_eq!(h.len(), 1);
    book.harvested += h[0].assets;
    let closed = r.events::<IComputeLedgerEvents::EpochClosed>();
    assert_eq!(closed.len(), 1, "payment = asset: the epoch closes at once");
    assert_eq!(closed[0].output, h[0].assets);
    assert_eq!(closed[0].members + closed[0].pool, closed[0].output);
    book.to_members += closed[0].members;
    book.to_pool += closed[0].pool;
    book.gas("harvest", &r);
    r
}

/// A month of yield at 5% a year on what the source holds.
fn month_of_yield(c: &mut Community, book: &mut Book) {
    let held = c.chain.read(c.source, &source::IERC4626::totalAssetsCall {}).unwrap();
    let y = held * U256::from(5) / U256::from(100 * 12);
    c.accrue(y);
    book.yield_in += y;
}

#[test]
fn a_community_lives_a_year() {
    let n: usize = std::env::var("CF_MEMBERS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    assert!(n >= 20, "CF_MEMBERS must be at least 20");
    let mut c = Community::deploy();
    let m = c.deploy_market();
    let mut book = Book::default();
    let mut slashed = U256::ZERO;
    let mut owners: Vec<Address> = Vec::new();
    let mut accounts: Vec<Address> = Vec::new();
    let mut ids: Vec<U256> = Vec::new();

    // ---- N members join, one transaction each. Harvest and join gas are measured with 10
    // members and again with N.
    let t = Instant::now();
    for i in 0..n {
        let who = member(i);
        let (id, account, r) = c.join(who);
        // Joining a community of 10 members and one of N - 1, both after the first harvest.
        if i == 10 || i == n - 1 {
            book.gas("join", &r);
        }
        owners.push(who);
        accounts.push(account);
        let joined = r.events::<membership::IMembershipEvents::Joined>();
        assert_eq!(joined[0].assets, u(STAKE));
        // Exactly the stake in shares, also for the joins right after a harvest (the
        // vault's rounding reserve pays the source's rounding).
        assert_eq!(joined[0].shares, u(STAKE), "member {i} credited exactly the stake");
        ids.push(id);
        book.principal_in += u(STAKE);
        if i == 9 {
            // Two harvests with 10 members (the first one writes fresh slots: the second
            // is the one compared with N members).
            for _ in 0..2 {
                c.warp_by(DAY);
                month_of_yield(&mut c, &mut book);
                harvest(&mut c, &mut book);
            }
        }
    }
    let join_time = t.elapsed();
    assert_eq!(c.supply(), u(STAKE) * U256::from(n));
    let mut holders: Vec<Address> = accounts.clone();
    holders.push(c.pool_account);
    check_invariants(&mut c, &holders, "after joins");

    // ---- The community AI: the admin (owner of the pool NFT) gives the AI's key a scoped
    // grant on the pool account: it may request and accept jobs and move the pool's
    // credits, nothing else.
    let now = c.now();
    let grant = ITbaAccount::grantDelegateCall {
        delegate: AI_KEY,
        expiry: now + YEAR - DAY,
        canSign: false,
        targets: vec![c.ledger, m.market, m.market],
        selectors: vec![
            b4::<IComputeLedger::transferCreditsCall>(),
            b4::<IJobMarket::requestCall>(),
            b4::<IJobMarket::acceptCall>(),
        ],
    };
    ok(c.chain.call(ADMIN, c.pool_account, U256::ZERO, grant.abi_encode()), "grant the AI key");

    // ---- A year of monthly harvests at about 5% a year; a loss in month 4, recovered in
    // month 5; jobs from month 6; sales in month 8.
    let mut jobs_done = false;
    let mut sold = Vec::new();
    for month in 1..=12 {
        c.warp_by(30 * DAY);
        if month == 6 {
            // Programs expire a year after activation unless kept alive.
            let programs = [
                c.registry,
                c.implementation,
                c.weth,
                c.source,
                c.vault,
                c.ledger,
                c.membership,
                m.models,
                m.market,
            ];
            c.keepalive(&programs);
        }
        month_of_yield(&mut c, &mut book);
        if month == 5 {
            // Recovery: the source gets back what it lost.
            c.accrue(book.loss);
            book.yield_in += book.loss;
        }
        harvest(&mut c, &mut book);
        if month == 4 {
            // The source loses 0.5% of principal: deficit. No harvest; an exit now would
            // be priced pro rata (nobody exits ahead).
            let loss = book.principal_in / U256::from(200);
            ok(
                c.chain.call(
                    ADMIN,
                    c.source,
                    U256::ZERO,
                    IMockYieldSource::simulateLossCall { amount: loss }.abi_encode(),
                ),
                "loss",
            );
            book.loss += loss;
            let value = c.vault_value();
            let supply = c.supply();
            assert!(value < supply, "in deficit");
            // A minute later: the vault harvests at most once per timestamp, and this
            // harvest is refused for the deficit, not for that.
            c.warp_by(60);
            let r = c.harvest();
            assert!(!r.success);
            let e = revert_of::<IYieldVault::InDeficit>(&r).expect("InDeficit");
            // InDeficit(value, principal).
            assert_eq!(e._1, supply);
            let quote = c
                .chain
                .read(c.vault, &vault::IERC4626::previewRedeemCall { shares: u(STAKE) })
                .unwrap();
            assert_eq!(
                quote,
                u(STAKE) * value / supply,
                "an exit in deficit gets the pro-rata share"
            );
            assert!(quote < u(STAKE));
        }
        if month == 6 {
            // The AI key gives member 5 some of the pool's credits (in scope).
            let gift = U256::from(10_000_000_000_000u64);
            let before = c.spendable(accounts[5]);
            let data =
                IComputeLedger::transferCreditsCall { to: accounts[5], amount: gift }.abi_encode();
            let pool = c.pool_account;
            let r = ok(c.exec(AI_KEY, pool, c.ledger, data), "AI key moves pool credits");
            book.gas("delegate-transfer", &r);
            assert_eq!(c.spendable(accounts[5]), before + gift);
            slashed = run_market_jobs(&mut c, &m, &mut book, &accounts, &ids);
            jobs_done = true;
        }
        if month == 8 {
            sold = sell_some(&mut c, &mut owners, &accounts, &ids);
        }
        check_invariants(&mut c, &holders, &format!("month {month}"));
    }
    assert!(jobs_done && !sold.is_empty());

    // ---- Harvest gas with N members (the 10-member one was the first harvest).
    c.warp_by(DAY);
    month_of_yield(&mut c, &mut book);
    harvest(&mut c, &mut book);

    // ---- After the lock every member leaves, in one call through its account (redeemEth),
    // with exactly 0.1 ETH: the loss was recovered, and rounding is the reserve's.
    let leave_start = Instant::now();
    for i in 0..n {
        let (got, r) = c.leave(owners[i], accounts[i]);
        ok(r.clone(), "leave");
        assert_eq!(got, u(STAKE), "member {i} gets back exactly its stake, in ETH");
        if i == 0 || i == n - 1 {
            book.gas("leave", &r);
        }
        book.principal_out += got;
    }
    let leave_time = leave_start.elapsed();
    assert_eq!(c.supply(), U256::ZERO);
    // Yield attributed during the exits, then harvested with no shares left: the pool's.
    if !c.pending_yield().is_zero() || c.vault_value() > U256::ZERO {
        let r = c.harvest();
        if r.success {
            let h = r.events::<IYieldVaultEvents::Harvested>();
            book.harvested += h[0].assets;
            let closed = r.events::<IComputeLedgerEvents::EpochClosed>();
            book.to_members += closed[0].members;
            book.to_pool += closed[0].pool;
        }
    }
    for a in &holders {
        ok(
            c.chain.call(
                OUTSIDER,
                c.ledger,
                U256::ZERO,
                IComputeLedger::settleCall { account: *a }.abi_encode(),
            ),
            "settle",
        );
    }

    // ---- Reconciliation, to the wei.
    let (credits, reserved, owed, dust) = check_invariants(&mut c, &holders, "end");
    let source_left = c.chain.read(c.source, &source::IERC4626::totalAssetsCall {}).unwrap();
    let vault_idle = c.weth_of(c.vault);
    let ledger_balance = c.weth_of(c.ledger);
    let provider_balance: U256 =
        PROVIDERS.iter().map(|p| c.weth_of(*p)).fold(U256::ZERO, |a, b| a + b);
    // Vault side: everything that went into the source came out to members or the ledger,
    // or is still there.
    assert_eq!(
        book.principal_in + book.yield_in - book.loss,
        book.principal_out + book.harvested + source_left + vault_idle,
        "vault side reconciles"
    );
    // Ledger side: everything harvested or slashed into credits is in the ledger or was paid
    // to providers; the market holds the bonds less the slash.
    assert_eq!(book.harvested + slashed, ledger_balance + book.paid, "ledger side reconciles");
    assert_eq!(book.paid, provider_balance);
    let bonds_held = c.weth_of(m.market);
    assert_eq!(bonds_held + slashed, u(2 * BOND));
    assert_eq!(book.to_members + book.to_pool, book.harvested);
    // The whole: what everyone ended with == what came in + yield.
    let ended = book.principal_out
        + credits
        + reserved
        + owed
        + book.paid
        + dust
        + source_left
        + vault_idle
        + bonds_held;
    let came_in = book.principal_in + book.yield_in - book.loss + u(2 * BOND);
    assert_eq!(ended, came_in, "everything reconciles to the wei");
    // Dust: rounding in the accumulators, at most a few wei per account and epoch.
    assert!(dust <= U256::from((holders.len() as u64 + 1) * 20), "ledger dust {dust} too large");
    // What stays in the source once everyone left is what is left of the vault's rounding
    // reserve (1,000 wei + principal / 2^30: at most ~1.9e-7 ETH for 200 ETH), plus a wei
    // of rounding per member at most.
    let reserve_cap = ((u(STAKE) * U256::from(n)) >> 30usize) + U256::from(1_000u64 + n as u64);
    assert!(source_left <= reserve_cap, "source residual {source_left} > {reserve_cap}");

    // ---- Gas: join and harvest cost the same with 10 members as with N.
    let joins = book.gas_of("join");
    let harvests = book.gas_of("harvest");
    let (h10, hn) = (harvests[1], *harvests.last().unwrap());
    let close = |a: u64, b: u64| (a as i64 - b as i64).unsigned_abs() * 100 <= a.max(b) * 5;
    assert!(
        close(joins[0], joins[1]),
        "join gas 10 members {} vs {n} members {}",
        joins[0],
        joins[1]
    );
    assert!(close(h10, hn), "harvest gas 10 members {h10} vs {n} members {hn}");

    // ---- The report.
    println!("\n==== Community lifecycle: {n} members, one year (local Stylus chain) ====");
    println!("principal in                 {}", eth(book.principal_in));
    println!(
        "principal out                {}   (each of {n} members exactly 0.1 ETH, in ETH)",
        eth(book.principal_out)
    );
    println!(
        "yield into the source        {} (incl. {} recovering a loss of {})",
        eth(book.yield_in),
        eth(book.loss),
        eth(book.loss)
    );
    println!("yield harvested              {} in {} harvests", eth(book.harvested), harvests.len());
    println!(
        "left in the source           {} wei (the vault's rounding reserve, after everyone left)",
        source_left
    );
    println!("credits to the pool          {}", eth(book.to_pool));
    println!("credits to members           {}", eth(book.to_members));
    println!("spent (charged)              {}", eth(book.spent));
    println!("refunded (released)          {}", eth(book.refunded));
    println!("earned by providers (paid)   {}", eth(book.paid));
    println!(
        "credits left (spendable)     {}   reserved {}   owed {}",
        eth(credits),
        eth(reserved),
        eth(owed)
    );
    println!("ledger dust                  {dust} wei; source residual {source_left} wei; vault idle {vault_idle} wei");
    println!(
        "provider bonds             {} in, {} slashed into credits, {} held",
        eth(u(2 * BOND)),
        eth(slashed),
        eth(bonds_held)
    );
    println!(
        "reconciled: in (principal + yield - loss + bonds) {} == out {}",
        eth(came_in),
        eth(ended)
    );
    println!("-- gas (local chain's gas_used per transaction) --");
    println!("join      into 10 members {:>9}   into {} members {:>9}", joins[0], n - 1, joins[1]);
    println!("harvest   10 members  {:>9}   {n} members  {:>9}   (all: {:?}; the first writes fresh slots)", h10, hn, harvests);
    for op in [
        "request",
        "fulfil",
        "accept",
        "dispute-resolve",
        "timeout-refund",
        "provider-withdraw",
        "delegate-transfer",
        "sale",
        "leave",
    ] {
        let g = book.gas_of(op);
        if !g.is_empty() {
            println!("{op:<17} {:?}", g);
        }
    }
    println!(
        "-- time: {n} joins in {:.1?} ({:.1?} per join), {n} leaves in {:.1?} --",
        join_time,
        join_time / n as u32,
        leave_time
    );
    if !c.oversize.0.is_empty() {
        println!(
            "NOTE: over the 24 KiB code limit, placed with set_code + initialize: {:?}",
            c.oversize.0
        );
    }
}

/// Three members sell their NFT: stake and credits stay with the account and so pass to the
/// buyer; the seller's delegate key dies with the sale.
fn sell_some(
    c: &mut Community,
    owners: &mut [Address],
    accounts: &[Address],
    ids: &[U256],
) -> Vec<usize> {
    let mut sold = Vec::new();
    for (k, i) in [7usize, 8, 9].into_iter().enumerate() {
        let seller = owners[i];
        let buyer = Address::with_last_byte(0xB0 + k as u8);
        let key = Address::with_last_byte(0xC0 + k as u8);
        let acct = accounts[i];
        let now = c.now();
        let grant = ITbaAccount::grantDelegateCall {
            delegate: key,
            expiry: now + 30 * DAY,
            canSign: false,
            targets: vec![c.ledger],
            selectors: vec![b4::<IComputeLedger::transferCreditsCall>()],
        };
        ok(c.chain.call(seller, acct, U256::ZERO, grant.abi_encode()), "seller grants a key");
        let one = IComputeLedger::transferCreditsCall { to: accounts[0], amount: U256::from(1) }
            .abi_encode();
        ok(c.exec(key, acct, c.ledger, one.clone()), "key works before the sale");
        let shares = c.shares(acct);
        let credits = c.spendable(acct);
        let r = ok(
            c.chain.call(
                seller,
                c.membership,
                U256::ZERO,
                membership::IERC721::transferFromCall { from: seller, to: buyer, tokenId: ids[i] }
                    .abi_encode(),
            ),
            "sale",
        );
        let _ = &r;
        assert_eq!(c.owner_of(ids[i]), buyer);
        assert_eq!(c.chain.read(acct, &ITbaAccount::ownerCall {}).unwrap(), buyer);
        assert_eq!(c.shares(acct), shares, "the stake moved with the NFT");
        assert_eq!(c.spendable(acct), credits, "the credits moved with the NFT");
        let r = c.exec(key, acct, c.ledger, one.clone());
        assert_eq!(
            revert_of::<ITbaAccount::AccessControlUnauthorizedAccount>(&r).map(|e| e._0),
            Some(key),
            "the seller's key died"
        );
        let r = c.exec(seller, acct, c.ledger, one.clone());
        assert!(
            revert_of::<ITbaAccount::AccessControlUnauthorizedAccount>(&r).is_some(),
            "the seller lost the account"
        );
        ok(c.exec(buyer, acct, c.ledger, one), "the buyer controls it");
        owners[i] = buyer;
        sold.push(i);
    }
    sold
}

/// The job paths through the real job market (compute-ledger/job-market) and model registry:
/// members request through their accounts, the community AI through a scoped delegate key
/// on the pool account; accepted early, accepted after the window, disputed and resolved
/// (with a slash), timed out and cancelled; providers withdraw. Returns what was slashed
/// from provider bonds into members' credits.
fn run_market_jobs(
    c: &mut Community,
    m: &Market,
    book: &mut Book,
    accounts: &[Address],
    ids: &[U256],
) -> U256 {
    let max = U256::from(100_000_000_000_000u64);
    let request = |c: &mut Community,
                   from: Address,
                   account: Address,
                   token: U256,
                   provider: usize|
     -> (U256, Receipt) {
        let deadline = c.now() + DAY;
        let call = IJobMarket::requestCall {
            model: m.model,
            provider: PROVIDERS[provider],
            maxCredits: max,
            inputHash: local_chain::keccak256(b"prompt"),
            inputUri: local_chain::Bytes::from_static(b"ipfs://prompt"),
            deadline,
            tokenId: token,
            salt: local_chain::B256::ZERO,
        };
        let r = ok(c.exec(from, account, m.market, call.abi_encode()), "request");
        let e = r.events::<IJobMarketEvents::JobRequested>();
        assert_eq!((e.len(), e[0].requester, e[0].price), (1, account, u(PRICES[provider])));
        (e[0].id, r)
    };
    let fulfil = |c: &mut Community, job: U256, provider: usize, units: u64| -> Receipt {
        let call = IJobMarket::fulfilCall {
            job,
            outputHash: local_chain::keccak256(b"answer"),
            outputUri: local_chain::Bytes::from_static(b"ipfs://answer"),
            units: U256::from(units),
        };
        ok(c.chain.call(PROVIDERS[provider], m.market, U256::ZERO, call.abi_encode()), "fulfil")
    };
    let mut earned = [U256::ZERO; 2];
    let mut slashed_total = U256::ZERO;
    let m = *m;

    // Nobody outside: an EOA that holds no NFT, and a stranger driving a member's account.
    let r = c.chain.call(
        OUTSIDER,
        m.market,
        U256::ZERO,
        IJobMarket::requestCall {
            model: m.model,
            provider: PROVIDERS[0],
            maxCredits: max,
            inputHash: Default::default(),
            inputUri: Default::default(),
            deadline: c.now() + DAY,
            tokenId: ids[0],
            salt: Default::default(),
        }
        .abi_encode(),
    );
    assert!(revert_of::<IJobMarket::NoAccess>(&r).is_some(), "a non-member is refused");
    let data = IJobMarket::requestCall {
        model: m.model,
        provider: PROVIDERS[0],
        maxCredits: max,
        inputHash: Default::default(),
        inputUri: Default::default(),
        deadline: c.now() + DAY,
        tokenId: ids[0],
        salt: Default::default(),
    }
    .abi_encode();
    assert_eq!(
        revert_of::<ITbaAccount::AccessControlUnauthorizedAccount>(&c.exec(
            OUTSIDER,
            accounts[0],
            m.market,
            data
        ))
        .map(|e| e._0),
        Some(OUTSIDER)
    );

    // 1. Accepted early by the member.
    let s0 = c.spendable(accounts[0]);
    let (job, r) = request(c, member(0), accounts[0], ids[0], 0);
    book.gas("request", &r);
    assert_eq!((c.reserved(accounts[0]), c.spendable(accounts[0])), (max, s0 - max));
    let r = fulfil(c, job, 0, 60_000);
    book.gas("fulfil", &r);
    let cost = U256::from(60_000u64) * u(PRICES[0]);
    assert_eq!(
        (c.reserved(accounts[0]), c.spendable(accounts[0])),
        (cost, s0 - cost),
        "the unused part is released at once"
    );
    let r = ok(
        c.exec(member(0), accounts[0], m.market, IJobMarket::acceptCall { job }.abi_encode()),
        "accept",
    );
    book.gas("accept", &r);
    assert_eq!(c.reserved(accounts[0]), U256::ZERO);
    earned[0] += cost;
    book.spent += cost;
    book.refunded += max - cost;

    // 2. Accepted by anyone once the challenge window has passed (not before).
    let s1 = c.spendable(accounts[1]);
    let (job, _) = request(c, member(1), accounts[1], ids[1], 1);
    fulfil(c, job, 1, 30_000);
    let r =
        c.chain.call(OUTSIDER, m.market, U256::ZERO, IJobMarket::acceptCall { job }.abi_encode());
    assert!(revert_of::<IJobMarket::OutOfTime>(&r).is_some(), "not before the window ends");
    c.warp_by(CHALLENGE_WINDOW);
    ok(
        c.chain.call(OUTSIDER, m.market, U256::ZERO, IJobMarket::acceptCall { job }.abi_encode()),
        "accept after the window",
    );
    let cost = U256::from(30_000u64) * u(PRICES[1]);
    assert_eq!(c.spendable(accounts[1]), s1 - cost);
    earned[1] += cost;
    book.spent += cost;
    book.refunded += max - cost;

    // 3. Disputed by the member, resolved by the arbiter: half refunded, and the provider
    // slashed as much again (capped at SLASH_BPS of its bond; the slash tops up the
    // member's credits).
    let s2 = c.spendable(accounts[2]);
    let (job, _) = request(c, member(2), accounts[2], ids[2], 0);
    fulfil(c, job, 0, 80_000);
    ok(
        c.exec(member(2), accounts[2], m.market, IJobMarket::disputeCall { job }.abi_encode()),
        "dispute",
    );
    let r = c.chain.call(
        OUTSIDER,
        m.market,
        U256::ZERO,
        IJobMarket::resolveCall { job, refundBps: 5_000 }.abi_encode(),
    );
    assert_eq!(
        revert_of::<IJobMarket::AccessControlUnauthorizedAccount>(&r).map(|e| (e._0, e._1)),
        Some((OUTSIDER, market_role("ARBITER_ROLE"))),
        "only the arbiter resolves"
    );
    let r = ok(
        c.chain.call(
            ARBITER,
            m.market,
            U256::ZERO,
            IJobMarket::resolveCall { job, refundBps: 5_000 }.abi_encode(),
        ),
        "resolve",
    );
    book.gas("dispute-resolve", &r);
    let settled = r.events::<IJobMarketEvents::JobSettled>();
    let cost = U256::from(80_000u64) * u(PRICES[0]);
    let slashed = (cost / U256::from(2)).min(u(BOND) * U256::from(SLASH_BPS) / U256::from(10_000));
    assert_eq!(
        slashed,
        cost / U256::from(2),
        "a small job's dispute slashes its refund, not a tenth of the bond"
    );
    assert_eq!(
        (settled[0].paid, settled[0].refund, settled[0].slashed),
        (cost / U256::from(2), cost / U256::from(2), slashed)
    );
    assert_eq!(c.spendable(accounts[2]), s2 - cost / U256::from(2) + slashed);
    earned[0] += cost / U256::from(2);
    book.spent += cost / U256::from(2);
    book.refunded += max - cost / U256::from(2);
    slashed_total += slashed;

    // 4. Never fulfilled: cancelled after the deadline, all of it back.
    let s3 = c.spendable(accounts[3]);
    let (job, _) = request(c, member(3), accounts[3], ids[3], 1);
    let r = c.exec(member(3), accounts[3], m.market, IJobMarket::cancelCall { job }.abi_encode());
    assert!(!r.success, "no cancel before the deadline");
    c.warp_by(DAY);
    let r = ok(
        c.exec(member(3), accounts[3], m.market, IJobMarket::cancelCall { job }.abi_encode()),
        "cancel",
    );
    book.gas("timeout-refund", &r);
    assert_eq!((c.spendable(accounts[3]), c.reserved(accounts[3])), (s3, U256::ZERO));
    book.refunded += max;

    // 5. The community AI, through its key on the pool account.
    let sp = c.spendable(c.pool_account);
    let pool = c.pool_account;
    let (job, r) = request(c, AI_KEY, pool, U256::ZERO, 0);
    book.gas("request", &r);
    fulfil(c, job, 0, 40_000);
    ok(
        c.exec(AI_KEY, c.pool_account, m.market, IJobMarket::acceptCall { job }.abi_encode()),
        "the AI accepts",
    );
    let cost = U256::from(40_000u64) * u(PRICES[0]);
    assert_eq!(c.spendable(c.pool_account), sp - cost);
    earned[0] += cost;
    book.spent += cost;
    book.refunded += max - cost;
    // Out of its scope: the key cannot move the pool's stake or unlock anything else.
    let data = vault::IERC20::transferCall { to: AI_KEY, value: U256::from(1) }.abi_encode();
    assert_eq!(
        revert_of::<ITbaAccount::AccessControlUnauthorizedAccount>(&c.exec(
            AI_KEY,
            c.pool_account,
            c.vault,
            data
        ))
        .map(|e| e._0),
        Some(AI_KEY)
    );

    // Providers withdraw.
    for p in 0..2 {
        let (_, _, _, earnings, _) = {
            let v = c
                .chain
                .read(
                    m.market,
                    &IJobMarket::providerCall { provider: PROVIDERS[p], model: m.model },
                )
                .unwrap();
            (v._0, v._1, v._2, v._3, v._4)
        };
        assert_eq!(earnings, earned[p]);
        let before = c.weth_of(PROVIDERS[p]);
        let r = ok(
            c.chain.call(
                PROVIDERS[p],
                m.market,
                U256::ZERO,
                IJobMarket::withdrawCall {}.abi_encode(),
            ),
            "withdraw",
        );
        book.gas("provider-withdraw", &r);
        assert_eq!(c.weth_of(PROVIDERS[p]) - before, earned[p]);
        book.paid += earned[p];
    }

    slashed_total
}

#[test]
fn members_and_the_ai_use_the_job_market() {
    let mut c = Community::deploy();
    let m = c.deploy_market();
    let mut book = Book::default();
    let mut ids = Vec::new();
    let mut accounts = Vec::new();
    for i in 0..12 {
        let (id, account, _) = c.join(member(i));
        ids.push(id);
        accounts.push(account);
    }
    for _ in 0..3 {
        c.warp_by(30 * DAY);
        month_of_yield(&mut c, &mut book);
        harvest(&mut c, &mut book);
    }
    let mut holders = accounts.clone();
    holders.push(c.pool_account);
    check_invariants(&mut c, &holders, "before jobs");
    // The AI key may request and accept jobs through the pool account, nothing else.
    let now = c.now();
    let grant = ITbaAccount::grantDelegateCall {
        delegate: AI_KEY,
        expiry: now + 60 * DAY,
        canSign: false,
        targets: vec![m.market, m.market, c.ledger],
        selectors: vec![
            b4::<IJobMarket::requestCall>(),
            b4::<IJobMarket::acceptCall>(),
            b4::<IComputeLedger::transferCreditsCall>(),
        ],
    };
    ok(c.chain.call(ADMIN, c.pool_account, U256::ZERO, grant.abi_encode()), "grant the AI key");
    let slashed_total = run_market_jobs(&mut c, &m, &mut book, &accounts, &ids);

    // Reconciliation: what the ledger got (harvests, slashes) is in it or was paid out; the
    // market keeps the bonds less the slash.
    let (credits, reserved, owed, dust) = check_invariants(&mut c, &holders, "after jobs");
    assert_eq!((reserved, owed), (U256::ZERO, U256::ZERO));
    let ledger_balance = c.weth_of(c.ledger);
    assert_eq!(
        book.harvested + slashed_total,
        ledger_balance + book.paid,
        "ledger side reconciles"
    );
    assert_eq!(credits + dust, ledger_balance);
    assert_eq!(
        c.weth_of(m.market),
        u(2 * BOND) - slashed_total,
        "the market holds the bonds less the slash"
    );
    println!("\n==== Jobs through the job market ====");
    println!("harvested {}  spent {}  refunded {}  slashed {}  paid to providers {}  credits left {}  dust {dust} wei", eth(book.harvested), eth(book.spent), eth(book.refunded), eth(slashed_total), eth(book.paid), eth(credits));
    for op in
        ["request", "fulfil", "accept", "dispute-resolve", "timeout-refund", "provider-withdraw"]
    {
        println!("{op:<17} gas {:?}", book.gas_of(op));
    }
}
