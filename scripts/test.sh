#!/usr/bin/env bash
# Every test, for both workspaces: format and lints, the artifact build and gate (with the
# README size table), the contracts' unit and property tests (motsu), the host tools,
# the committed ABI, the local chain and the scenarios on it, the JSON-RPC node, and the
# node driven by viem and ethers v6. Property test case counts
# scale with PROPTEST_CASES.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
host=(--manifest-path scripts/Cargo.toml)

echo "== format (both workspaces)"
cargo fmt --all --check
cargo fmt --all --check "${host[@]}"

echo "== artifacts: build, gate, README size table"
scripts/cf build --check-readme

echo "== contracts: lints, then motsu unit and property tests"
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo test --locked --workspace

echo "== host: lints, then build tool, ABI freshness, local chain, scenarios"
cargo clippy --locked "${host[@]}" --workspace --all-targets -- -D warnings
cargo test --locked "${host[@]}" --workspace

echo "== clients nobody here wrote: viem and ethers v6 against stylus-node (npm lock pinned)"
# The binary the clients drive is the one `cargo test` built for the node's integration
# tests (same features as the rest of the host workspace); a separate `cargo build -p`
# would resolve features for the node alone and rebuild its whole dependency tree.
test -x target/debug/stylus-node || { echo "target/debug/stylus-node was not built" >&2; exit 1; }
(cd tests/js-clients && npm ci --ignore-scripts --no-audit --no-fund && npm test)
