//! motsu unit and property tests.
mod guards;
mod harness;
mod ledger;
mod props;
