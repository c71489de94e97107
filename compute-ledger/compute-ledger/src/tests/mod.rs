//! motsu unit and property tests.
mod guards;
pub(crate) mod harness;
mod ledger;
mod props;
