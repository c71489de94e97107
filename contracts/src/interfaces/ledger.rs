//! (owned by the ledger work; see mod.rs)
