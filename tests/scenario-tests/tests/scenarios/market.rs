//! The job market under a moving clock and real gas: no provider bond is held for ever
//! (anyone ends an unfulfilled job after its deadline and an unresolved dispute after its
//! resolution deadline, always in the requester's favour), a consumer callback gets its
//! whole gas allowance or the fulfilment fails, and a market whose payment token is not
//! the ledger's cannot be deployed.

use alloy_sol_types::{SolCall, SolType};
use local_chain::{Address, Bytes, Receipt, Tx, U256};

use crate::common::{
    abi::{
        ledger::IComputeLedger,
        market::{self, IJobMarket, IJobMarketEvents},
        weth::{self, IMockErc20},
    },
    community::*,
};

/// Credits each requester gets: far above any job here.
const CREDITS: u128 = ETH;
const MAX: u128 = 100_000_000_000_000;
/// The market's `callbackGas` (see `Community::deploy_market`).
const CALLBACK_GAS: u64 = 50_000;

/// Gives `who` credits in the ledger: the admin mints WETH and tops `who` up.
fn credit(c: &mut Community, who: Address, amount: u128) {
    let calls = [
        (c.weth, IMockErc20::mintCall { to: ADMIN, amount: u(amount) }.abi_encode()),
        (c.weth, weth::IERC20::approveCall { spender: c.ledger, value: u(amount) }.abi_encode()),
        (c.ledger, IComputeLedger::topUpCall { account: who, amount: u(amount) }.abi_encode()),
    ];
    for (to, data) in calls {
        ok(c.chain.call(ADMIN, to, U256::ZERO, data), "credit");
    }
}

/// `from` (a member's wallet: it holds the collection) requests a job of provider 0, due
/// `within` seconds from now.
fn request(c: &mut Community, m: &Market, from: Address, within: u64) -> U256 {
    let deadline = c.now() + within;
    let call = IJobMarket::requestCall {
        model: m.model,
        provider: PROVIDERS[0],
        maxCredits: u(MAX),
        inputHash: local_chain::keccak256(b"prompt"),
        inputUri: Bytes::from_static(b"ipfs://prompt"),
        deadline,
        tokenId: U256::ZERO,
        salt: Default::default(),
    };
    let r = ok(c.chain.call(from, m.market, U256::ZERO, call.abi_encode()), "request");
    r.events::<IJobMarketEvents::JobRequested>()[0].id
}

/// Provider 0 fulfils `job` with 10 units, in a transaction with `gas_limit`.
fn fulfil(c: &mut Community, m: &Market, job: U256, gas_limit: u64) -> Receipt {
    let call = IJobMarket::fulfilCall {
        job,
        outputHash: local_chain::keccak256(b"answer"),
        outputUri: Bytes::from_static(b"ipfs://answer"),
        units: U256::from(10u8),
    };
    let mut tx = Tx::call(PROVIDERS[0], m.market, U256::ZERO, call.abi_encode());
    tx.gas_limit = gas_limit;
    c.chain.transact(&tx)
}

fn call(c: &mut Community, from: Address, to: Address, data: Vec<u8>) -> Receipt {
    c.chain.call(from, to, U256::ZERO, data)
}

/// EVM code of a job consumer that needs its whole allowance: `supportsInterface` answers
/// true; any other call (`onJobFulfilled`) reverts when fewer than 45,000 gas arrived, else
/// writes 1 to slot 0.
fn consumer_code() -> Vec<u8> {
    let mut code = vec![
        0x60, 0x00, 0x35, 0x60, 0xe0, 0x1c, // selector = calldata[0..4]
        0x63, 0x01, 0xff, 0xc9, 0xa7, 0x14, // == supportsInterface
        0x60, 0x24, 0x57, // jump to `answer`
        0x5a, 0x62, 0x00, 0xaf, 0xc8, 0x11, // 45,000 > gas left
        0x60, 0x1e, 0x57, // jump to `refuse`
        0x60, 0x01, 0x60, 0x00, 0x55, 0x00, // slot 0 = 1; stop
    ];
    // refuse (0x1e): revert(0, 0)
    code.extend_from_slice(&[0x5b, 0x60, 0x00, 0x60, 0x00, 0xfd]);
    // answer (0x24): return abi.encode(true)
    code.extend_from_slice(&[0x5b, 0x60, 0x01, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]);
    assert_eq!((code[0x1e], code[0x24]), (0x5b, 0x5b), "jump targets");
    code
}

/// A provider that sets the transaction's gas limit so the consumer callback would get
/// less than its allowance (the 63/64 rule) makes `fulfil` fail with `InsufficientGas`;
/// it never succeeds with a starved callback. With enough gas the callback runs in full.
#[test]
fn a_consumer_callback_gets_its_whole_allowance_or_fulfil_fails() {
    let mut c = Community::deploy();
    let m = c.deploy_market();
    let requester = member(0);
    c.join(requester);
    credit(&mut c, requester, CREDITS);
    let job = request(&mut c, &m, requester, DAY);
    // The requester's wallet becomes a consumer contract (its request is already made).
    c.chain.set_code(requester, consumer_code());
    let start = c.chain.snapshot();
    let r = ok(fulfil(&mut c, &m, job, 10_000_000), "fulfil with ample gas");
    assert!(r.events::<IJobMarketEvents::CallbackFailed>().is_empty());
    assert_eq!(c.chain.storage(requester, U256::ZERO), U256::from(1u8), "callback ran");
    let used = r.gas_used;
    let needed = CALLBACK_GAS + CALLBACK_GAS.div_ceil(63) + 10_000;
    let mut refused = 0;
    let mut limit = used + 60_000;
    while refused < 10 && limit > 21_000 {
        c.chain.revert_to(start);
        let r = fulfil(&mut c, &m, job, limit);
        if r.success {
            assert!(
                r.events::<IJobMarketEvents::CallbackFailed>().is_empty(),
                "gas limit {limit}: fulfilled with a starved callback"
            );
            assert_eq!(c.chain.storage(requester, U256::ZERO), U256::from(1u8));
        } else if let Some(e) = revert_of::<IJobMarket::InsufficientGas>(&r) {
            assert_eq!(e._1, needed, "InsufficientGas(gasLeft, needed)");
            assert!(e._0 < e._1);
            refused += 1;
        } else {
            // Too little for the work before the callback: the transaction runs out.
            break;
        }
        limit -= 2_000;
    }
    assert!(refused >= 10, "the starved limits are refused ({refused} seen)");
}

/// Neither the requester nor the arbiter is needed to end a job: a stranger cancels an
/// unfulfilled job after its deadline, and settles a dispute nobody resolved by its
/// resolution deadline (the charge back to the requester, nothing slashed); the
/// provider then withdraws its whole bond.
#[test]
fn a_provider_bond_is_freed_without_requester_or_arbiter() {
    let mut c = Community::deploy();
    let m = c.deploy_market();
    let (a, b) = (member(0), member(1));
    for who in [a, b] {
        c.join(who);
        credit(&mut c, who, CREDITS);
    }
    let (sa, sb) = (c.spendable(a), c.spendable(b));
    let unfulfilled = request(&mut c, &m, a, MIN_WINDOW);
    let disputed = request(&mut c, &m, b, DAY);
    ok(fulfil(&mut c, &m, disputed, 10_000_000), "fulfil");
    let fulfilled_at = c.now();
    let charge = U256::from(10u8) * u(PRICES[0]);
    ok(
        call(&mut c, b, m.market, IJobMarket::disputeCall { job: disputed }.abi_encode()),
        "dispute",
    );
    ok(call(&mut c, PROVIDERS[0], m.market, IJobMarket::startUnbondCall {}.abi_encode()), "unbond");
    let cancel = |c: &mut Community, job| {
        call(c, OUTSIDER, m.market, IJobMarket::cancelCall { job }.abi_encode())
    };
    let withdraw_bond = |c: &mut Community| {
        call(c, PROVIDERS[0], m.market, IJobMarket::withdrawBondCall {}.abi_encode())
    };

    // The unfulfilled job: refused before its deadline, anyone's after it.
    let r = cancel(&mut c, unfulfilled);
    assert_eq!(revert_of::<IJobMarket::OutOfTime>(&r).map(|e| e._1), Some(c.now() + MIN_WINDOW));
    c.warp_by(MIN_WINDOW);
    let r = ok(cancel(&mut c, unfulfilled), "a stranger cancels");
    assert_eq!(r.events::<IJobMarketEvents::JobCancelled>()[0].refund, u(MAX));
    assert_eq!((c.spendable(a), c.reserved(a)), (sa, U256::ZERO), "refunded to the requester");

    // The dispute: the arbiter's time runs to fulfilledAt + challenge + dispute window.
    let limit = fulfilled_at + CHALLENGE_WINDOW + DISPUTE_WINDOW;
    c.warp_by(limit - 1 - c.now());
    let r = cancel(&mut c, disputed);
    assert_eq!(revert_of::<IJobMarket::OutOfTime>(&r).map(|e| e._1), Some(limit));
    let r = withdraw_bond(&mut c);
    assert_eq!(revert_of::<IJobMarket::BondRefused>(&r).map(|e| e._3), Some(1), "one open job");
    c.warp_by(1);
    let r = ok(cancel(&mut c, disputed), "a stranger settles the dispute by default");
    let s = &r.events::<IJobMarketEvents::JobSettled>()[0];
    assert_eq!((s.paid, s.refund, s.slashed), (U256::ZERO, charge, U256::ZERO));
    assert_eq!((c.spendable(b), c.reserved(b)), (sb, U256::ZERO), "the charge refunded");

    // Nothing holds the bond any more once the unbonding delay is over.
    c.warp_by(7 * DAY);
    let before = c.weth_of(PROVIDERS[0]);
    ok(withdraw_bond(&mut c), "withdraw bond");
    assert_eq!(c.weth_of(PROVIDERS[0]), before + u(BOND));
}

/// The market's payment token must be the ledger's: slashing pays bond into the ledger
/// in that token, so another one would make every upheld dispute revert.
#[test]
fn a_market_with_another_payment_token_than_the_ledgers_is_refused() {
    let mut c = Community::deploy();
    let other = OUTSIDER;
    let code = local_chain::artifact("job-market").unwrap_or_else(|e| panic!("{e}"));
    let args = market::Constructor::abi_encode_params(&(ADMIN, c.ledger, other, c.ledger));
    match c.chain.deploy_stylus(ADMIN, &code, Some(&args), U256::ZERO) {
        Err(local_chain::DeployError::Constructor(r)) => {
            let e =
                revert_of::<IJobMarket::PaymentTokenMismatch>(&r).expect("PaymentTokenMismatch");
            assert_eq!((e._0, e._1), (other, c.weth));
        }
        res => panic!("deployed or failed otherwise: {res:?}"),
    }
}
