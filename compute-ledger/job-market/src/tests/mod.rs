pub(crate) mod harness;
mod liveness;
mod market;
mod props;
