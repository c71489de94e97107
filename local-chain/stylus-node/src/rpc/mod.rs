//! The JSON-RPC methods: each one parses its parameters, takes the node's lock and turns
//! the outcome into JSON or into a JSON-RPC error.

mod cheats;
mod eth;
pub mod shapes;

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    sync::{Arc, Mutex, MutexGuard},
};

use jsonrpsee::{
    types::{ErrorObjectOwned, Params},
    RpcModule,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{
    errors::{NodeError, NodeResult},
    node::Node,
};

/// What every method shares.
#[derive(Debug)]
pub struct Shared {
    node: Mutex<Node>,
}

impl Shared {
    pub fn new(node: Node) -> Self {
        Self { node: Mutex::new(node) }
    }

    /// The node, even after a method panicked while holding it (the panic was reported
    /// as an internal error; the node goes on serving).
    pub fn node(&self) -> MutexGuard<'_, Node> {
        self.node.lock().unwrap_or_else(|p| p.into_inner())
    }
}

type Handler = fn(&Shared, &mut Args) -> NodeResult<Value>;

/// The positional parameters of one request.
pub struct Args {
    values: Vec<Value>,
    next: usize,
}

impl Args {
    fn new(params: &Params<'_>) -> NodeResult<Self> {
        let values = match params.as_str() {
            None => Vec::new(),
            Some(s) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Array(v)) => v,
                Ok(Value::Null) => Vec::new(),
                Ok(_) => return Err(NodeError::invalid("params must be an array")),
                Err(e) => return Err(NodeError::invalid(format!("params are not JSON: {e}"))),
            },
        };
        Ok(Self { values, next: 0 })
    }

    /// The next parameter, required.
    pub fn next<T: DeserializeOwned>(&mut self, name: &str) -> NodeResult<T> {
        let i = self.next;
        self.opt::<T>(name)?
            .ok_or_else(|| NodeError::invalid(format!("missing parameter {i} ({name})")))
    }

    /// The next parameter; absent or null is `None`.
    pub fn opt<T: DeserializeOwned>(&mut self, name: &str) -> NodeResult<Option<T>> {
        let i = self.next;
        self.next += 1;
        match self.values.get(i) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v.clone())
                .map(Some)
                .map_err(|e| NodeError::invalid(format!("invalid parameter {i} ({name}): {e}"))),
        }
    }

    /// Refuses parameters beyond those read.
    pub fn done(&self) -> NodeResult<()> {
        if self.values.len() > self.next {
            return Err(NodeError::invalid(format!(
                "too many parameters: {} given, at most {} taken",
                self.values.len(),
                self.next
            )));
        }
        Ok(())
    }
}

/// Every method, by name.
fn methods() -> Vec<(&'static str, Handler)> {
    let mut m = eth::methods();
    m.extend(cheats::methods());
    m
}

/// The module serving every method over `shared`.
pub fn module(shared: Arc<Shared>) -> RpcModule<Shared> {
    let mut module = RpcModule::from_arc(shared);
    for (name, handler) in methods() {
        // Names are unique by construction (a duplicate is a bug caught by the tests).
        let _ = module
            .register_blocking_method(name, move |params, ctx, _| run(handler, &ctx, &params));
    }
    module
}

fn run(handler: Handler, shared: &Shared, params: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut args = Args::new(params)?;
        let v = handler(shared, &mut args)?;
        args.done()?;
        Ok(v)
    }));
    let result = outcome.unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(NodeError::Internal(format!(
            "internal error: {what} (the node kept running; save a dump and report it)"
        )))
    });
    result.map_err(|e| ErrorObjectOwned::owned(e.code(), e.message(), e.data()))
}

/// JSON of a result.
pub fn json<T: serde::Serialize>(v: &T) -> NodeResult<Value> {
    serde_json::to_value(v)
        .map_err(|e| NodeError::Internal(format!("cannot encode the result: {e}")))
}
