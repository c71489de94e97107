//! motsu unit and property tests.
mod harness;
mod ledger;
mod props;
