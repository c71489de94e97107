//! The standard methods: `eth_*`, `net_*`, `web3_*`.

use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{Address, Bytes, B256, U256, U64};
use alloy_rpc_types_eth::{state::StateOverride, FeeHistory, Filter, TransactionRequest};
use serde_json::Value;

use super::{json, shapes, Args, Handler, Shared};
use crate::errors::NodeResult;

pub fn methods() -> Vec<(&'static str, Handler)> {
    vec![
        ("eth_chainId", chain_id),
        ("net_version", net_version),
        ("net_listening", |_, _| Ok(Value::Bool(true))),
        ("web3_clientVersion", |_, _| Ok(Value::String(client_version()))),
        ("eth_blockNumber", block_number),
        ("eth_accounts", accounts),
        ("eth_getBalance", get_balance),
        ("eth_getCode", get_code),
        ("eth_getStorageAt", get_storage_at),
        ("eth_getTransactionCount", get_transaction_count),
        ("eth_gasPrice", gas_price),
        ("eth_maxPriorityFeePerGas", |_, _| json(&U256::ZERO)),
        ("eth_feeHistory", fee_history),
        ("eth_call", call),
        ("eth_estimateGas", estimate_gas),
        ("eth_sendRawTransaction", send_raw_transaction),
        ("eth_sendTransaction", send_transaction),
        ("eth_getTransactionByHash", get_transaction_by_hash),
        ("eth_getTransactionReceipt", get_transaction_receipt),
        ("eth_getBlockByNumber", get_block_by_number),
        ("eth_getBlockByHash", get_block_by_hash),
        ("eth_getBlockTransactionCountByNumber", block_tx_count_by_number),
        ("eth_getLogs", get_logs),
        ("eth_newFilter", new_filter),
        ("eth_newBlockFilter", new_block_filter),
        ("eth_getFilterChanges", get_filter_changes),
        ("eth_getFilterLogs", get_filter_logs),
        ("eth_uninstallFilter", uninstall_filter),
        ("eth_syncing", |_, _| Ok(Value::Bool(false))),
        ("eth_mining", |s, _| Ok(Value::Bool(s.node().mines_at_once()))),
    ]
}

pub fn client_version() -> String {
    format!("stylus-node/v{}", env!("CARGO_PKG_VERSION"))
}

fn chain_id(s: &Shared, _: &mut Args) -> NodeResult<Value> {
    json(&U64::from(s.node().chain_id()))
}

fn net_version(s: &Shared, _: &mut Args) -> NodeResult<Value> {
    Ok(Value::String(s.node().chain_id().to_string()))
}

fn block_number(s: &Shared, _: &mut Args) -> NodeResult<Value> {
    json(&U64::from(s.node().head_number()))
}

fn accounts(s: &Shared, _: &mut Args) -> NodeResult<Value> {
    json(&s.node().accounts())
}

fn get_balance(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let who: Address = a.next("address")?;
    let at: Option<BlockId> = a.opt("block")?;
    json(&s.node().at(at, |c| c.balance(who))?)
}

fn get_code(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let who: Address = a.next("address")?;
    let at: Option<BlockId> = a.opt("block")?;
    json(&s.node().at(at, |c| c.code(who))?)
}

fn get_storage_at(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let who: Address = a.next("address")?;
    let slot: U256 = a.next("slot")?;
    let at: Option<BlockId> = a.opt("block")?;
    let v = s.node().at(at, |c| c.storage(who, slot))?;
    json(&B256::from(v))
}

fn get_transaction_count(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let who: Address = a.next("address")?;
    let at: Option<BlockId> = a.opt("block")?;
    let mut node = s.node();
    if matches!(at, Some(BlockId::Number(BlockNumberOrTag::Pending))) {
        return json(&U64::from(node.pending_nonce(who)));
    }
    json(&U64::from(node.at(at, |c| c.nonce(who))?))
}

fn gas_price(s: &Shared, _: &mut Args) -> NodeResult<Value> {
    json(&U256::from(s.node().base_fee()))
}

/// Base fees and gas used ratios of the last `count` blocks up to `newest`; tips are all
/// zero on Arbitrum.
fn fee_history(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let count: U64 = a.next("blockCount")?;
    let newest: BlockNumberOrTag = a.next("newestBlock")?;
    let percentiles: Option<Vec<f64>> = a.opt("rewardPercentiles")?;
    let node = s.node();
    let newest = node.number_of_tag(newest).min(node.head_number());
    let count = count.to::<u64>().min(1024).min(newest + 1);
    let oldest = newest + 1 - count;
    let mut base_fee_per_gas = Vec::new();
    let mut gas_used_ratio = Vec::new();
    for n in oldest..=newest {
        if let Some(b) = node.history().block(n) {
            base_fee_per_gas.push(u128::from(b.header.base_fee_per_gas.unwrap_or_default()));
            gas_used_ratio.push(b.header.gas_used as f64 / b.header.gas_limit.max(1) as f64);
        }
    }
    if count > 0 {
        base_fee_per_gas.push(u128::from(node.base_fee()));
    }
    let reward = percentiles.map(|p| vec![vec![0u128; p.len()]; gas_used_ratio.len()]);
    json(&FeeHistory {
        base_fee_per_gas,
        gas_used_ratio,
        base_fee_per_blob_gas: vec![],
        blob_gas_used_ratio: vec![],
        oldest_block: oldest,
        reward,
    })
}

fn call(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let req: TransactionRequest = a.next("transaction")?;
    let at: Option<BlockId> = a.opt("block")?;
    let overrides: Option<StateOverride> = a.opt("stateOverrides")?;
    json(&s.node().call(&req, at, overrides.as_ref())?)
}

fn estimate_gas(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let req: TransactionRequest = a.next("transaction")?;
    let at: Option<BlockId> = a.opt("block")?;
    let overrides: Option<StateOverride> = a.opt("stateOverrides")?;
    json(&U64::from(s.node().estimate(&req, at, overrides.as_ref())?))
}

fn send_raw_transaction(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let raw: Bytes = a.next("data")?;
    json(&s.node().send_raw(&raw)?)
}

fn send_transaction(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let req: TransactionRequest = a.next("transaction")?;
    json(&s.node().send_transaction(&req)?)
}

fn get_transaction_by_hash(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let h: B256 = a.next("hash")?;
    let node = s.node();
    match node.history().tx(&h) {
        Some(tx) => json(&shapes::transaction(tx)),
        None => match node.pending(&h) {
            Some(p) => json(&shapes::pending_transaction(p)),
            None => Ok(Value::Null),
        },
    }
}

fn get_transaction_receipt(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let h: B256 = a.next("hash")?;
    let node = s.node();
    let Some(tx) = node.history().tx(&h) else { return Ok(Value::Null) };
    let ts = node.history().block(tx.block_number).map_or(0, |b| b.header.timestamp);
    json(&shapes::receipt(tx, ts))
}

fn get_block_by_number(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let tag: BlockNumberOrTag = a.next("block")?;
    let full: Option<bool> = a.opt("fullTransactions")?;
    let node = s.node();
    let n = node.number_of_tag(tag);
    match node.history().block(n) {
        Some(b) => json(&shapes::block(node.history(), b, full.unwrap_or(false))),
        None => Ok(Value::Null),
    }
}

fn get_block_by_hash(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let h: B256 = a.next("hash")?;
    let full: Option<bool> = a.opt("fullTransactions")?;
    let node = s.node();
    match node.history().number_of(&h).and_then(|n| node.history().block(n)) {
        Some(b) => json(&shapes::block(node.history(), b, full.unwrap_or(false))),
        None => Ok(Value::Null),
    }
}

fn block_tx_count_by_number(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let tag: BlockNumberOrTag = a.next("block")?;
    let node = s.node();
    match node.history().block(node.number_of_tag(tag)) {
        Some(b) => json(&U64::from(b.txs.len())),
        None => Ok(Value::Null),
    }
}

fn get_logs(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let f: Filter = a.next("filter")?;
    json(&s.node().logs(&f)?)
}

fn new_filter(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let f: Filter = a.next("filter")?;
    json(&s.node().new_log_filter(f))
}

fn new_block_filter(s: &Shared, _: &mut Args) -> NodeResult<Value> {
    json(&s.node().new_block_filter())
}

fn get_filter_changes(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let id: U256 = a.next("filterId")?;
    json(&s.node().filter_changes(id)?)
}

fn get_filter_logs(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let id: U256 = a.next("filterId")?;
    json(&s.node().filter_logs(id)?)
}

fn uninstall_filter(s: &Shared, a: &mut Args) -> NodeResult<Value> {
    let id: U256 = a.next("filterId")?;
    Ok(Value::Bool(s.node().uninstall_filter(id)))
}
