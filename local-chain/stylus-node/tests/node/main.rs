//! The node driven from outside: over HTTP, by an alloy provider with a local signer (a
//! client this crate did not write), and by raw requests for what clients never send.

mod common;

mod bad_input;
mod basics;
mod persistence;
mod stylus;
mod time;
mod transactions;
