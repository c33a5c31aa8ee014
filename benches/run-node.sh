#!/usr/bin/env bash
# Runs the node load generator's scenarios (performance.md §6, N1 to N5) on SQLite and, when
# PG_URL is set (e.g. postgres://postgres@127.0.0.1:5432/test), on PostgreSQL, printing the load
# average before and after each run. Results as JSON lines go to ${OUT:-target/loadgen}.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-target/loadgen}
mkdir -p "$out"
cargo build --release -p xmtp-benches --bin loadgen
lg="${CARGO_TARGET_DIR:-target}/release/loadgen"
run() {
    local name=$1; shift
    echo "== $name: loadgen $*   [$(uptime | sed 's/.*load average/load average/')]"
    "$lg" "$@" --json | tee "$out/$name.jsonl"
}
run sqlite
run sqlite-auth --auth publish publish-batch
run sqlite-n2 --rate "${N2_RATE:-5000}" publish
run sqlite-n2-3000 --rate 3000 publish
run sqlite-n3 --rate 2000 query
# One publish at a time (a message-sized envelope with a token): the node's share of a sequential send.
run sqlite-lone --concurrency 1 --connections 1 --payload 1500 --auth publish
run sqlite-c16 --concurrency 16 publish query query-cursor
run sqlite-100-topics --topics 100 publish publish-batch
run sqlite-fanout-1000 --fanout-rate 1000 fanout
run sqlite-fanout-2000 --fanout-rate 2000 fanout
run sqlite-fanout-4000 --fanout-rate 4000 fanout
if [[ -n "${PG_URL:-}" ]]; then
    run postgres --db "$PG_URL"
    run postgres-n3-1000 --db "$PG_URL" --rate 1000 query
    run postgres-n3-1500 --db "$PG_URL" --rate 1500 query
    run postgres-c16 --db "$PG_URL" --concurrency 16 publish query query-cursor
fi
echo "== done   [$(uptime | sed 's/.*load average/load average/')]"
