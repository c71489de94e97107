//! (owned by the vault work; see mod.rs)
