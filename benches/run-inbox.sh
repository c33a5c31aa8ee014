#!/usr/bin/env bash
# loadgen's `inbox` scenario (issue 17): one client streaming all messages of many conversations,
# against a release xmtp-node in its own process (auth on, rate limits off), the Rust listener
# and, by default, xmtp-js 13.0.4 beside it on the same fixture. JSON lines go to
# ${OUT:-target/loadgen}/inbox.jsonl.
#
#   benches/run-inbox.sh [more loadgen flags]
#
# Environment: CONVERSATIONS (10000), REST (30 s), DURATION (30 s), RATE (1000 messages/s),
# GRACE (120 s), LISTENERS (rust,js).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-target/loadgen}
mkdir -p "$out"
cargo build --release -p xmtp-node -p xmtp-benches --bin xmtp-node --bin loadgen --bin inbox-listener
bin="${CARGO_TARGET_DIR:-target}/release"
if [[ ${LISTENERS:-rust,js} == *js* && ! -d interop/node_modules ]]; then
    (cd interop && npm ci --no-audit --no-fund --loglevel=error)
fi
tmp=$(mktemp -d)
coproc node { exec "$bin/xmtp-node" --db "$tmp/node.db" --http 127.0.0.1:0 --grpc 127.0.0.1:0 \
    --no-rate-limits 2>"$tmp/node.log"; }
node_pid=$node_PID
trap 'kill "$node_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
# The node promises one stdout line: `listening http=127.0.0.1:PORT grpc=127.0.0.1:PORT`.
read -r -t 60 line <&"${node[0]}" || true
if [[ ! $line =~ ^listening\ http=([^ ]+)\ grpc=([^ ]+) ]]; then
    echo "the node did not start:" >&2
    cat "$tmp/node.log" >&2
    exit 2
fi
echo "== inbox (node pid $node_pid)   [$(uptime | sed 's/.*load average/load average/')]"
"$bin/loadgen" --grpc "http://${BASH_REMATCH[2]}" --http "http://${BASH_REMATCH[1]}" \
    --conversations "${CONVERSATIONS:-10000}" --rest "${REST:-30}" --duration "${DURATION:-30}" \
    --message-rate "${RATE:-1000}" --grace "${GRACE:-120}" --listeners "${LISTENERS:-rust,js}" \
    --json "$@" inbox | tee "$out/inbox.jsonl"
echo "== done   [$(uptime | sed 's/.*load average/load average/')]"
