#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one run, on one machine state:
#   1. the criterion benches (C1-C9)      benches/run-criterion.sh
#   2. the node load generator (N1-N5)    benches/run-node.sh   (PostgreSQL too when PG_URL is set)
#   3. side by side with xmtp-js 13.0.4   interop/bench.sh
# Everything is built first so that no compilation overlaps a measurement. Logs, with the commit,
# the date and the load average before and after each part, go to target/bench-run/<UTC time>/.
#
#   PG_URL=postgres://postgres@127.0.0.1:5432/test benches/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-$PWD/target}"
out="$target/bench-run/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
stamp() { printf '%s  %s  [%s]\n' "$(date -u +%H:%M:%S)" "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/timeline.txt"; }

stamp "build"
cargo build --release --locked -p xmtp-node -p xmtp-benches --bin loadgen --bin xmtp-node
cargo build --release --locked -p xmtp-client --example sidebyside
cargo bench --locked -p xmtp-benches --no-run
{ git rev-parse HEAD; git status --short | sed -n 1,20p; nproc; uname -r; rustc --version; } > "$out/machine.txt"

stamp "criterion"
benches/run-criterion.sh 2>&1 | tee "$out/criterion.log"
cp benches/criterion-results.md "$out/"
stamp "loadgen"
OUT="$out/loadgen" benches/run-node.sh 2>&1 | tee "$out/loadgen.log"
stamp "side by side"
XMTP_BENCH_OUT="$out/sidebyside" XMTP_NODE_BIN="$target/release/xmtp-node" \
    XMTP_SIDEBYSIDE_BIN="$target/release/examples/sidebyside" interop/bench.sh 2>&1 | tee "$out/sidebyside.log"
stamp "done"
echo "results in $out"
