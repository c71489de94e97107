//! Serving: the HTTP JSON-RPC server, the block timer, periodic saves and shutdown.

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use jsonrpsee::server::{Server, ServerConfig, ServerHandle};
use tokio::task::JoinHandle;
use tower_http::cors::CorsLayer;

use crate::{
    accounts::dev_signers,
    config::{Config, MAX_BODY_BYTES},
    node::Node,
    persist,
    rpc::{self, Shared},
};

/// A running node.
#[derive(Debug)]
pub struct NodeHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: ServerHandle,
    tasks: Vec<JoinHandle<()>>,
    state: Option<PathBuf>,
}

impl NodeHandle {
    /// `http://host:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The node itself, for in-process use beside the RPC server.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Writes the state file now (no-op without `--state`).
    pub fn save_state(&self) -> Result<(), String> {
        save(&self.shared, self.state.as_deref())
    }

    /// Stops serving (requests under way finish), stops the timers, saves the state.
    pub async fn stop(self) -> Result<(), String> {
        let _ = self.server.stop();
        self.server.clone().stopped().await;
        for t in &self.tasks {
            t.abort();
        }
        save(&self.shared, self.state.as_deref())
    }
}

fn save(shared: &Shared, path: Option<&std::path::Path>) -> Result<(), String> {
    let Some(path) = path else { return Ok(()) };
    let bytes = shared.node().dump().map_err(|e| e.to_string())?;
    persist::write_atomic(path, &bytes)
}

/// Starts a node on `config`: loads its state file when there is one, binds, serves.
pub async fn start(config: Config) -> Result<NodeHandle, String> {
    let signers = dev_signers(&config.mnemonic, config.accounts)?;
    let mut node = Node::new(&config, signers).map_err(|e| e.to_string())?;
    if let Some(path) = &config.state {
        if let Some(bytes) = persist::read(path)? {
            node.load(&bytes).map_err(|e| {
                format!(
                    "cannot load the state file {}: {e} (move it away to start fresh)",
                    path.display()
                )
            })?;
        }
    }
    let shared = Arc::new(Shared::new(node));
    let server_config = ServerConfig::builder()
        .max_request_body_size(MAX_BODY_BYTES)
        .max_response_body_size(MAX_BODY_BYTES)
        .http_only()
        .build();
    let server = Server::builder()
        .set_config(server_config)
        .set_http_middleware(tower::ServiceBuilder::new().layer(CorsLayer::permissive()))
        .build(SocketAddr::new(config.host, config.port))
        .await
        .map_err(|e| {
            format!(
                "cannot listen on {}:{}: {e} (another node running? pick a port with --port)",
                config.host, config.port
            )
        })?;
    let addr = server.local_addr().map_err(|e| format!("no local address: {e}"))?;
    let handle = server.start(rpc::module(shared.clone()));
    let mut tasks = Vec::new();
    if let Some(every) = config.block_time {
        tasks.push(every_tick(every, shared.clone(), |s| {
            s.node().mine(None);
        }));
    }
    if let (Some(every), Some(path)) = (config.state_interval, config.state.clone()) {
        tasks.push(every_tick(every, shared.clone(), move |s| {
            if let Err(e) = save(s, Some(&path)) {
                eprintln!("{e}");
            }
        }));
    }
    Ok(NodeHandle { addr, shared, server: handle, tasks, state: config.state })
}

fn every_tick(
    every: Duration,
    shared: Arc<Shared>,
    f: impl Fn(&Shared) + Send + Sync + 'static,
) -> JoinHandle<()> {
    let f = Arc::new(f);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            let (s, f) = (shared.clone(), f.clone());
            // The node's work is CPU-bound: off the async workers.
            let _ = tokio::task::spawn_blocking(move || f(&s)).await;
        }
    })
}
