#!/usr/bin/env bash
# Every test: contract unit and property tests (motsu), the host tools and the local
# chain (with the built artifacts), the artifact gate, the README size table and the
# committed ABI. Case counts of property tests scale with PROPTEST_CASES.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install

echo "== artifacts: build, gate, README size table"
scripts/cf build --check-readme

echo "== contracts (motsu unit and property tests)"
cargo test --locked --workspace

echo "== host: build tool, ABI freshness, local chain, scenarios"
cargo test --locked --manifest-path scripts/Cargo.toml --workspace
