//! Issue 7: the whole community lifecycle end to end on the local Stylus chain, with the
//! built artifacts (`scripts/cf build`). Run with `-- --nocapture` for the report.
//! `CF_MEMBERS=2000` runs the full-size community (default: a size that fits CI).
mod common;

use common::community::*;
use local_chain::U256;

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

