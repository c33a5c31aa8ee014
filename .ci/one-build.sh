#!/usr/bin/env bash
# Run after `cargo test --workspace --all-features`: `cargo build -p xmtp-cli`, `cargo build -p
# xmtp-node` and the demo must compile only the binaries' own crates (issue 16 §2). Each package
# selection resolves features on its own, and a dependency whose features differ from the test
# build's is compiled again, with everything above it (minutes, and gigabytes of target/). Fails
# naming what compiled; `cargo tree -e features -i CRATE` shows who asks for which feature, and the
# fix is to ask for the same features in the binary (see "Build sharing" in xmtp-node/Cargo.toml
# and xmtp-cli/Cargo.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
# check "CARGO BUILD ARGUMENTS" ALLOWED_CRATE...
check() {
  local args=$1
  shift
  local log
  log=$(mktemp)
  # shellcheck disable=SC2086
  if ! cargo build --locked $args >"$log" 2>&1; then
    cat "$log"
    exit 1
  fi
  local compiled extra
  compiled=$(sed -n 's/^ *Compiling \([^ ]*\) .*/\1/p' "$log" | sort -u)
  extra=$(comm -23 <(printf '%s\n' "$compiled" | sed '/^$/d') <(printf '%s\n' "$@" | sort -u))
  echo "cargo build $args compiled $(printf '%s\n' "$compiled" | sed '/^$/d' | wc -l) crates: $(echo $compiled)"
  if [ -n "$extra" ]; then
    echo "  not its own: $(echo $extra)"
    status=1
  fi
  rm -f "$log"
}
check "-p xmtp-cli" xmtp-cli
# The library is built again here: without xmtp-cli in the selection it has no `postgres` feature.
check "-p xmtp-node" xmtp-node
check "-p xmtp-client --example demo"
exit "$status"
