mod harness;
mod market;
mod props;
