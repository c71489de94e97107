//! Reads: state at a block, calls, gas estimates, logs.

use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_rpc_types_eth::{
    state::StateOverride, Filter, FilterBlockOption, Log as RpcLog, TransactionRequest,
};
use local_chain::{Chain, Receipt, Tx};

use super::Node;
use crate::{
    config::MAX_TX_GAS,
    errors::{NodeError, NodeResult},
};

impl Node {
    /// The block number a tag or number names; errors for hashes and numbers the node
    /// has not mined.
    pub fn resolve(&self, id: Option<BlockId>) -> NodeResult<u64> {
        let head = self.head_number();
        let n = match id.unwrap_or(BlockId::Number(BlockNumberOrTag::Latest)) {
            BlockId::Hash(h) => self.history.number_of(&h.block_hash).ok_or_else(|| {
                NodeError::rejected(format!(
                    "header not found: no block with hash {}",
                    h.block_hash
                ))
            })?,
            BlockId::Number(t) => self.number_of_tag(t),
        };
        if n > head {
            return Err(NodeError::rejected(format!(
                "header not found: block {n} is beyond the head ({head})"
            )));
        }
        Ok(n)
    }

    pub fn number_of_tag(&self, t: BlockNumberOrTag) -> u64 {
        match t {
            BlockNumberOrTag::Earliest => 0,
            BlockNumberOrTag::Number(n) => n,
            _ => self.head_number(),
        }
    }

    /// Runs `f` on the chain holding the state after block `id`.
    pub fn at<R>(&mut self, id: Option<BlockId>, f: impl FnOnce(&mut Chain) -> R) -> NodeResult<R> {
        let n = self.resolve(id)?;
        if n == self.head_number() {
            return Ok(f(&mut self.chain));
        }
        let Some((_, world)) = self.states.iter().find(|(b, _)| *b == n) else {
            let kept = self.states.front().map_or(self.head_number(), |(b, _)| *b);
            return Err(NodeError::rejected(format!(
                "missing state for block {n}: this node keeps the state of blocks {kept} to {} (--history)",
                self.head_number()
            )));
        };
        let head = self.chain.replace_world(world.clone());
        let r = f(&mut self.chain);
        self.chain.replace_world(head);
        Ok(r)
    }

    /// Runs `f` at block `id` with `overrides` applied to a copy of that state.
    fn with_overrides<R>(
        &mut self,
        id: Option<BlockId>,
        overrides: Option<&StateOverride>,
        f: impl FnOnce(&mut Chain) -> R,
    ) -> NodeResult<R> {
        let Some(o) = overrides.filter(|o| !o.is_empty()) else {
            return self.at(id, f);
        };
        self.at(id, |chain| {
            let saved = chain.world().clone();
            let applied = apply_overrides(chain, o);
            let r = applied.map(|()| f(chain));
            chain.replace_world(saved);
            r
        })?
    }

    /// `eth_call`.
    pub fn call(
        &mut self,
        req: &TransactionRequest,
        id: Option<BlockId>,
        overrides: Option<&StateOverride>,
    ) -> NodeResult<Bytes> {
        let tx = call_tx(req, None)?;
        let r = self.with_overrides(id, overrides, |c| c.simulate(&tx))?;
        outcome(r, tx.gas_limit)
    }

    /// `eth_estimateGas`: the least gas limit the transaction succeeds with (binary search,
    /// since Stylus and EVM calls forward 63/64 of what is left, so the gas a run uses is
    /// not the gas it needs).
    pub fn estimate(
        &mut self,
        req: &TransactionRequest,
        id: Option<BlockId>,
        overrides: Option<&StateOverride>,
    ) -> NodeResult<u64> {
        let cap = call_tx(req, None)?.gas_limit;
        // At the head, the estimate is for the block the transaction will be mined in: its
        // number and timestamp, as the pending block has them. A contract whose gas depends
        // on the time (a loop over elapsed periods, a lock written from `now`) would
        // otherwise get an estimate from the past that is too low when it is mined.
        let pending = self.resolve(id)? == self.head_number();
        let head_time = self.history.head().map_or(0, |b| b.header.timestamp);
        let next_time = self.clock.peek_next(head_time);
        let saved = (self.chain.block_mut().number, self.chain.block_mut().timestamp);
        if pending {
            let b = self.chain.block_mut();
            b.number = saved.0 + 1;
            b.timestamp = next_time;
        }
        let result = self.estimate_at(req, id, overrides, cap);
        let b = self.chain.block_mut();
        (b.number, b.timestamp) = saved;
        result
    }

    fn estimate_at(
        &mut self,
        req: &TransactionRequest,
        id: Option<BlockId>,
        overrides: Option<&StateOverride>,
        cap: u64,
    ) -> NodeResult<u64> {
        self.with_overrides(id, overrides, |c| {
            let run = |c: &mut Chain, gas: u64| -> NodeResult<Receipt> {
                let tx = call_tx(req, Some(gas))?;
                Ok(c.simulate(&tx))
            };
            let first = run(c, cap)?;
            if !first.success {
                return outcome(first, cap).map(|_| cap);
            }
            let min = call_tx(req, Some(cap))?.min_gas();
            let mut lo = first.gas_used.max(min).saturating_sub(1);
            let mut hi = cap;
            // Usually enough: what it used plus the 1/64 kept back at each call depth.
            let guess = first.gas_used.saturating_add(first.gas_used / 16).min(cap);
            if guess > lo && run(c, guess)?.success {
                hi = guess;
            }
            while lo + 1 < hi {
                let mid = lo + (hi - lo) / 2;
                if run(c, mid)?.success {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            Ok(hi)
        })?
    }

    /// `eth_getLogs`.
    pub fn logs(&self, filter: &Filter) -> NodeResult<Vec<RpcLog>> {
        let (from, to) = match filter.block_option {
            FilterBlockOption::AtBlockHash(h) => {
                let n = self.history.number_of(&h).ok_or_else(|| {
                    NodeError::rejected(format!("unknown block: no block with hash {h}"))
                })?;
                (n, n)
            }
            FilterBlockOption::Range { from_block, to_block } => {
                let from = from_block.map_or(self.head_number(), |t| self.number_of_tag(t));
                let to = to_block.map_or(self.head_number(), |t| self.number_of_tag(t));
                (from, to.min(self.head_number()))
            }
        };
        if from > to {
            return Ok(Vec::new());
        }
        Ok(self.logs_in(from, to, filter))
    }

    /// Logs of blocks `from..=to` that `filter` matches (its address and topics).
    pub fn logs_in(&self, from: u64, to: u64, filter: &Filter) -> Vec<RpcLog> {
        let mut out = Vec::new();
        for n in from..=to {
            let Some(block) = self.history.block(n) else { break };
            for tx in self.history.block_txs(n) {
                out.extend(
                    tx.rpc_logs(block.header.timestamp).filter(|l| filter.matches(&l.inner)),
                );
            }
        }
        out
    }
}

/// The chain transaction of a call request; `gas` overrides the request's.
fn call_tx(req: &TransactionRequest, gas: Option<u64>) -> NodeResult<Tx> {
    let gas_limit = gas.or(req.gas).unwrap_or(MAX_TX_GAS).min(MAX_TX_GAS);
    let to = match req.to {
        Some(TxKind::Call(a)) => Some(a),
        Some(TxKind::Create) | None => None,
    };
    let data = req.input.input().cloned().unwrap_or_default();
    if to.is_none() && data.is_empty() {
        return Err(NodeError::invalid("a call needs `to`, or `data` holding init code"));
    }
    Ok(Tx {
        from: req.from.unwrap_or(Address::ZERO),
        to,
        value: req.value.unwrap_or(U256::ZERO),
        data,
        gas_limit,
        // Calls pay no fee (as geth's with no price given); BASEFEE still reads the block's.
        gas_price: 0,
    })
}

/// The return data, or the error a client expects.
fn outcome(r: Receipt, gas: u64) -> NodeResult<Bytes> {
    if r.success {
        return Ok(r.output);
    }
    match r.status.as_str() {
        "Revert" => Err(NodeError::Reverted(r.output)),
        "IntrinsicGasTooLow" => Err(NodeError::rejected(format!(
            "intrinsic gas too low: gas {gas} is below the transaction's intrinsic gas"
        ))),
        s if s.contains("OutOfGas") || s.contains("OutOfInk") => {
            Err(NodeError::rejected(format!("gas required exceeds allowance ({gas})")))
        }
        s if s.contains("OutOfFunds") => {
            Err(NodeError::rejected("insufficient funds for transfer".to_string()))
        }
        s => Err(NodeError::rejected(format!("execution failed: {s}"))),
    }
}

/// Applies `eth_call` state overrides: balance, nonce, code, and storage (`state`
/// replaces the account's storage, `stateDiff` changes single slots).
fn apply_overrides(chain: &mut Chain, o: &StateOverride) -> NodeResult<()> {
    for (a, acc) in o.iter() {
        if let Some(b) = acc.balance {
            chain.set_balance(*a, b);
        }
        if let Some(n) = acc.nonce {
            chain.set_nonce(*a, n);
        }
        if let Some(code) = &acc.code {
            chain.set_code(*a, code.clone());
        }
        if acc.state.is_some() && acc.state_diff.is_some() {
            return Err(NodeError::invalid(format!(
                "account {a} has both `state` and `stateDiff` overrides"
            )));
        }
        if let Some(state) = &acc.state {
            chain.clear_storage(*a);
            for (k, v) in state {
                chain.set_storage(*a, U256::from_be_bytes(k.0), U256::from_be_bytes(v.0));
            }
        }
        if let Some(diff) = &acc.state_diff {
            for (k, v) in diff {
                chain.set_storage(*a, U256::from_be_bytes(k.0), U256::from_be_bytes(v.0));
            }
        }
        if acc.move_precompile_to.is_some() {
            return Err(NodeError::invalid("movePrecompileToAddress overrides are not supported"));
        }
    }
    Ok(())
}
