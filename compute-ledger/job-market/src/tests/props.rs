//! Property tests: random sequences of requests, fulfilments (with random units),
//! acceptances (requester at once, others after the window), disputes, resolutions,
//! cancels (by the requester or anyone, of unfulfilled jobs and of unresolved disputes),
//! withdrawals and top-ups, with the windows switched on and off and the clock moving.
//! After every step: tokens cover claims in the ledger; the market holds exactly the
//! bonds; what the ledger owes the market equals the provider's unpaid earnings; each
//! requester's reservation equals what its open jobs hold; and value is conserved:
//! credits + reservations + owed + paid out = top-ups + slashed bond.

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::token::erc20::IErc20;
use proptest::prelude::*;

use super::harness::*;
use crate::status;

#[derive(Debug, Clone)]
enum Op {
    Request(bool, u16, bool),
    Fulfil(u8, u16),
    Accept(u8, bool),
    Dispute(u8),
    Resolve(u8, u16),
    Cancel(u8, bool),
    Warp(u8),
    Withdraw,
    TopUp(bool, u16),
    Window(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<bool>(), 1u16..500, any::<bool>()).prop_map(|(w, m, d)| Op::Request(w, m, d)),
        (any::<u8>(), 0u16..300).prop_map(|(j, u)| Op::Fulfil(j, u)),
        (any::<u8>(), any::<bool>()).prop_map(|(j, r)| Op::Accept(j, r)),
        any::<u8>().prop_map(Op::Dispute),
        (any::<u8>(), 0u16..=10_000).prop_map(|(j, b)| Op::Resolve(j, b)),
        (any::<u8>(), any::<bool>()).prop_map(|(j, s)| Op::Cancel(j, s)),
        any::<u8>().prop_map(Op::Warp),
        Just(Op::Withdraw),
        (any::<bool>(), 1u16..1000).prop_map(|(w, a)| Op::TopUp(w, a)),
        any::<bool>().prop_map(Op::Window),
    ]
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let h = H::new();
    let other = Address::repeat_byte(0x99);
    let requesters = [h.r(), other];
    let mut topups = u(1_000);
    let initial_bond = u(1_000);
    let mut jobs: Vec<U256> = Vec::new();
    let pick = |jobs: &Vec<U256>, j: u8| {
        if jobs.is_empty() {
            U256::from(1_000_000u64)
        } else {
            jobs[j as usize % jobs.len()]
        }
    };
    for (step, o) in ops.into_iter().enumerate() {
        match o {
            Op::Request(who, max, soon) => {
                let deadline = NOW + elapsed() + if soon { 1 } else { 50 };
                if let Ok(id) = h.request_as(requesters[who as usize], u(max.into()), deadline) {
                    jobs.push(id);
                }
            }
            Op::Fulfil(j, units) => {
                let _ = h.fulfil(pick(&jobs, j), u(units.into()));
            }
            Op::Accept(j, by_requester) => {
                let id = pick(&jobs, j);
                let who =
                    if by_requester { h.market.sender(h.admin).job(id).0 } else { h.provider };
                let _ = h.market.sender(who).accept(id);
            }
            Op::Dispute(j) => {
                let id = pick(&jobs, j);
                let who = h.market.sender(h.admin).job(id).0;
                let _ = h.market.sender(who).dispute(id);
            }
            Op::Resolve(j, bps) => {
                let _ = h.market.sender(h.arbiter).resolve(pick(&jobs, j), bps);
            }
            Op::Cancel(j, by_stranger) => {
                let id = pick(&jobs, j);
                let who = if by_stranger { other } else { h.market.sender(h.admin).job(id).0 };
                let _ = h.market.sender(who).cancel(id);
            }
            Op::Warp(secs) => warp(secs.into()),
            Op::Withdraw => {
                let _ = h.market.sender(h.provider).withdraw();
            }
            Op::TopUp(who, amount) => {
                h.credit(requesters[who as usize], u(amount.into()));
                topups += u(amount.into());
            }
            Op::Window(on) => {
                let (w, d) = if on { (100, 30) } else { (0, 0) };
                h.market.sender(h.admin).set_params(u(100), 0, w, d, 0, 100_000, 5_000).unwrap();
            }
        }
        // Reservations equal what open jobs hold.
        let mut held = [U256::ZERO; 2];
        for id in &jobs {
            let (req, _, st, _, _, max, _, charge) = h.market.sender(h.admin).job(*id);
            let k = if req == requesters[0] { 0 } else { 1 };
            if st == status::REQUESTED {
                held[k] += max;
            } else if st == status::FULFILLED || st == status::DISPUTED {
                held[k] += charge;
            }
        }
        let mut credits = U256::ZERO;
        for (k, r) in requesters.iter().enumerate() {
            prop_assert_eq!(h.reserved(*r), held[k], "reservation of {} at step {}", k, step);
            credits += h.spendable(*r) + h.reserved(*r);
        }
        let (accounted, owed, _) = h.ledger.sender(h.admin).totals();
        let (bond, _, _, earnings, _) = h.market.sender(h.admin).provider(h.provider, U256::ZERO);
        prop_assert_eq!(owed, earnings, "owed to the market = unpaid earnings");
        prop_assert_eq!(h.market_tokens(), bond, "market holds exactly the bond");
        prop_assert!(credits + owed <= accounted && accounted <= h.ledger_tokens());
        let paid_out = h.pay.sender(h.admin).balance_of(h.provider);
        prop_assert_eq!(
            credits + owed + paid_out,
            topups + (initial_bond - bond),
            "conservation at step {}",
            step
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn random_job_sequences_conserve_value(ops in proptest::collection::vec(op(), 1..40)) {
        run(ops)?;
    }
}
