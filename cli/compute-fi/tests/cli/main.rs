//! The `compute-fi` binary end to end, over HTTP against the local Stylus node: the whole
//! life of a community, the deployment resumed after the node is killed, and bad input.

mod bad_input;
mod builtin;
mod common;
mod demo;
mod gas;
mod keystore_and_cache;
mod lifecycle;
mod market_paths;
mod provider;
mod resume;
