#!/usr/bin/env bash
# Main job: build every contract into its deployable Stylus artifact (target/stylus/),
# gate each one (valid for Stylus, <= 24 KiB compressed) and print the size table.
# On a fresh machine rustup installs the pinned toolchain from rust-toolchain.toml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
exec scripts/cf build "$@"
