#!/usr/bin/env bash
# Main job: build every contract into its deployable Stylus artifact (target/stylus/),
# gate each one (valid for Stylus, <= 24 KiB compressed) and print the size table; then
# run `compute-fi demo` on the embedded local node: deploy the suite, create a demo
# community with a few members, harvest yield into credits, run one job, print the status,
# the RPC URL and the manifest, and serve until Ctrl-C (arguments go to `demo`, e.g.
# --exit, --port 0, --members 5). The chain is kept in .compute-fi/ (git-ignored), so a
# rerun continues it. On a fresh machine rustup installs the pinned toolchain from
# rust-toolchain.toml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
scripts/cf build
exec cargo run --locked --manifest-path scripts/Cargo.toml -p compute-fi -- demo "$@"
