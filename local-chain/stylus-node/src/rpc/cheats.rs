//! Test-chain controls with anvil's names, and the hardhat/evm aliases clients call.

use alloy_primitives::{hex, Address, Bytes, B256, U256, U64};
use serde_json::Value;

use super::{json, Args, Handler, Shared};
use crate::errors::{NodeError, NodeResult};

pub fn methods() -> Vec<(&'static str, Handler)> {
    vec![
        ("evm_mine", mine),
        ("anvil_mine", mine_many),
        ("hardhat_mine", mine_many),
        ("evm_increaseTime", increase_time),
        ("anvil_increaseTime", increase_time),
        ("evm_setNextBlockTimestamp", set_next_block_timestamp),
        ("anvil_setNextBlockTimestamp", set_next_block_timestamp),
        ("evm_snapshot", snapshot),
        ("anvil_snapshot", snapshot),
        ("evm_revert", revert),
        ("anvil_revert", revert),
        ("evm_setAutomine", set_automine),
        ("anvil_setAutomine", set_automine),
        ("anvil_setBalance", set_balance),
        ("hardhat_setBalance", set_balance),
        ("anvil_setCode", set_code),
        ("hardhat_setCode", set_code),
        ("anvil_setNonce", set_nonce),
        ("hardhat_setNonce", set_nonce),
        ("anvil_setStorageAt", set_storage_at),
        ("hardhat_setStorageAt", set_storage_at),
        ("anvil_impersonateAccount", impersonate),
        ("hardhat_impersonateAccount", impersonate),
        ("anvil_stopImpersonatingAccount", stop_impersonating),
        ("hardhat_stopImpersonatingAccount", stop_impersonating),
        ("anvil_dumpState", dump_state),
        ("hardhat_dumpState", dump_state),
        ("anvil_loadState", load_state),
        ("hardhat_loadState", load_state),
    ]
}

/// `evm_mine([timestamp])`: one block, with whatever waits in the pool.
fn mine(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let ts: Option<U64> = a.opt("timestamp")?;
    let mut node = s.node();
    if let Some(t) = ts {
        check_not_before_head(node.head_timestamp(), t.to())?;
    }
    node.mine(ts.map(|t| t.to()));
    Ok(Value::String("0x0".into()))
}

/// `anvil_mine([blocks], [interval])`.
fn mine_many(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let blocks: Option<U64> = a.opt("blocks")?;
    let interval: Option<U64> = a.opt("interval")?;
    let blocks = blocks.map_or(1, |b| b.to::<u64>());
    if blocks > 100_000 {
        return Err(NodeError::invalid(format!("{blocks} blocks at once: mine at most 100,000")));
    }
    let mut node = s.node();
    for _ in 0..blocks {
        // As anvil: each block first moves the clock by the interval.
        if let Some(i) = interval {
            node.clock_mut().increase(i.to());
        }
        node.mine(None);
    }
    Ok(Value::Null)
}

fn increase_time(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let secs: U64 = a.next("seconds")?;
    json(&U64::from(s.node().clock_mut().increase(secs.to()).max(0) as u64))
}

fn set_next_block_timestamp(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let t: U64 = a.next("timestamp")?;
    let mut node = s.node();
    check_not_before_head(node.head_timestamp(), t.to())?;
    node.clock_mut().set_next(t.to());
    Ok(Value::Null)
}

fn check_not_before_head(head: u64, t: u64) -> NodeResult<()> {
    if t < head {
        return Err(NodeError::invalid(format!(
            "timestamp {t} is before the head block's ({head})"
        )));
    }
    Ok(())
}

fn snapshot(s: &Shared, _: &mut Args) -> NodeResult<Value> {
    json(&s.node().snapshot())
}

fn revert(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let id: U256 = a.next("snapshotId")?;
    Ok(Value::Bool(s.node().revert(id)))
}

fn set_automine(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let on: bool = a.next("enabled")?;
    let mut node = s.node();
    node.set_automine(on);
    if on && node.has_pending() {
        node.mine(None);
    }
    Ok(Value::Null)
}

fn set_balance(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let who: Address = a.next("address")?;
    let v: U256 = a.next("balance")?;
    s.node().set_balance(who, v);
    Ok(Value::Null)
}

fn set_code(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let who: Address = a.next("address")?;
    let code: Bytes = a.next("code")?;
    s.node().set_code(who, code.to_vec());
    Ok(Value::Null)
}

fn set_nonce(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let who: Address = a.next("address")?;
    let n: U64 = a.next("nonce")?;
    s.node().set_nonce(who, n.to());
    Ok(Value::Null)
}

fn set_storage_at(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let who: Address = a.next("address")?;
    let slot: U256 = a.next("slot")?;
    let v: B256 = a.next("value")?;
    s.node().set_storage(who, slot, U256::from_be_bytes(v.0));
    Ok(Value::Bool(true))
}

fn impersonate(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let who: Address = a.next("address")?;
    s.node().impersonate(who);
    Ok(Value::Null)
}

fn stop_impersonating(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let who: Address = a.next("address")?;
    s.node().stop_impersonating(who);
    Ok(Value::Null)
}

/// The state as hex (JSON inside), the same bytes `--state` files hold.
fn dump_state(s: &Shared, _: &mut Args) -> NodeResult<Value> {
    let bytes = s.node().dump()?;
    Ok(Value::String(format!("0x{}", hex::encode(bytes))))
}

fn load_state(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let bytes: Bytes = a.next("state")?;
    s.node().load(&bytes)?;
    Ok(Value::Bool(true))
}
