mod harness;
mod market;
