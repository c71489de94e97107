//! (owned by the tba work; see mod.rs)
