#!/usr/bin/env bash
# Runs the official @xmtp/xmtp-js SDK (pinned in package.json) against a fresh xmtp-node.
#
#   interop/run.sh                         # every test file under interop/test/
#   interop/run.sh test/streams.test.mjs   # only these files (paths relative to interop/)
#
# Environment:
#   XMTP_NODE_BIN        use this node binary instead of building one with cargo
#   XMTP_CARGO_FLAGS     extra cargo build flags, e.g. "--locked" or "--release"
#   XMTP_NODE_ARGS       extra node flags appended after --db/--http/--grpc
#   XMTP_NODE_URL        skip starting a node and test the one at this URL (HTTP gateway);
#                        set XMTP_NODE_GRPC_URL too so the Rust peer uses the same node
#   XMTP_INTEROP_TRACE=1 log every HTTP request/response the SDK makes
#   XMTP_INTEROP_WAKU=0  skip the js-waku relay peer and light client (waku-relay/, waku-light/),
#                        which run against a second node after the SDK suite, and the SDK and
#                        the Rust peer on two ends of a three-node Waku network (network/;
#                        XMTP_INTEROP_NETWORK=0 skips only that)
#   XMTP_INTEROP_TLS=1   the node serves TLS with a certificate from a CA made for the run
#                        (xmtp-node's test_ca example); the SDK trusts it through Node's
#                        NODE_EXTRA_CA_CERTS, the Rust peer through XMTP_CA_CERT
# Exit code: the test run's (or 2 when the node cannot be built or started).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"

log() { printf 'interop: %s\n' "$*" >&2; }

# npm dependencies of the package set in directory $1: `npm ci` when node_modules is missing or
# was installed from another lock file.
npm_install() {
  local stamp="$1/node_modules/.interop-package-lock.json"
  if [[ ! -d "$1/node_modules" ]] || ! cmp -s "$1/package-lock.json" "$stamp"; then
    log "installing npm dependencies in ${1#"$here"/} (npm ci)"
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$1/package-lock.json" "$stamp"
  fi
}
npm_install "$here"

node_pid=""
waku_pid=""
net_pids=()
tests_pid=""
tmp=""
# Stops the process $1 (TERM, then KILL after 5 s).
stop_pid() {
  if [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  if [[ -n "$tests_pid" ]]; then kill -TERM "$tests_pid" 2>/dev/null || true; wait "$tests_pid" 2>/dev/null || true; fi
  stop_pid "$node_pid"
  stop_pid "$waku_pid"
  for pid in "${net_pids[@]}"; do stop_pid "$pid"; done
  if [[ -n "$tmp" ]]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${XMTP_NODE_URL:-}" ]]; then
  # Builds one cargo target and prints where its executable went (honours --release,
  # CARGO_TARGET_DIR, ...).
  cargo_exe() {
    local name="$1"
    shift
    # shellcheck disable=SC2086
    (cd "$root" && cargo build -p xmtp-node "$@" ${XMTP_CARGO_FLAGS:-} \
      --message-format=json-render-diagnostics |
      NAME="$name" node -e '
        let exe = "";
        require("readline").createInterface({ input: process.stdin }).on("line", (l) => {
          try { const m = JSON.parse(l); if (m.reason === "compiler-artifact" && m.target?.name === process.env.NAME && m.executable) exe = m.executable; } catch {}
        }).on("close", () => console.log(exe));
      ')
  }
  bin="${XMTP_NODE_BIN:-}"
  if [[ -z "$bin" ]]; then
    log "building xmtp-node"
    bin="$(cargo_exe xmtp-node --bin xmtp-node)" || { log "cargo build failed"; exit 2; }
    [[ -n "$bin" && -x "$bin" ]] || { log "cargo did not report an xmtp-node executable"; exit 2; }
  fi

  tmp="$(mktemp -d "${TMPDIR:-/tmp}/xmtp-interop.XXXXXX")"
  scheme=http
  tls_args=()
  if [[ "${XMTP_INTEROP_TLS:-}" == 1 ]]; then
    log "making a test CA and node certificate in $tmp/pki"
    test_ca="$(cargo_exe test_ca --example test_ca)" || { log "cargo build failed"; exit 2; }
    "$test_ca" "$tmp/pki" || { log "test_ca failed"; exit 2; }
    scheme=https
    tls_args=(--tls-cert "$tmp/pki/node.pem" --tls-key "$tmp/pki/node.key")
    export NODE_EXTRA_CA_CERTS="$tmp/pki/ca.pem" XMTP_CA_CERT="$tmp/pki/ca.pem"
  fi
  # Starts the node binary as $1 (files $tmp/$1.*) with the flags that follow, sets started_pid,
  # and waits until it prints `listening http=127.0.0.1:PORT grpc=127.0.0.1:PORT` (and, with the
  # Waku relay on, `waku listen=MULTIADDR...` right before it is up: the line after).
  start_node() {
    local name="$1" want="${2}"
    shift 2
    log "starting $bin as $name (database $tmp/$name.sqlite)"
    # Made here, not by the background job's redirections: the loop below may read them before
    # that job has opened them, and a failed read must not end the script under `set -e`.
    : >"$tmp/$name.out"
    : >"$tmp/$name.log"
    NO_COLOR=1 "$bin" --db "$tmp/$name.sqlite" --http 127.0.0.1:0 --grpc 127.0.0.1:0 "$@" \
      >"$tmp/$name.out" 2>"$tmp/$name.log" &
    started_pid=$!
    for _ in $(seq 300); do
      grep -q "^$want" "$tmp/$name.out" && return 0
      if ! kill -0 "$started_pid" 2>/dev/null; then break; fi
      sleep 0.1
    done
    log "$name did not print its $want line; stdout:"
    sed 's/^/  | /' "$tmp/$name.out" >&2 || true
    log "stderr (last 40 lines):"
    tail -n 40 "$tmp/$name.log" | sed 's/^/  | /' >&2 || true
    exit 2
  }
  # shellcheck disable=SC2086
  start_node node listening "${tls_args[@]}" ${XMTP_NODE_ARGS:-}
  node_pid=$started_pid
  http_addr="$(sed -n 's/^listening http=\([^ ]*\) grpc=\([^ ]*\).*$/\1/p' "$tmp/node.out" | head -n1)"
  grpc_addr="$(sed -n 's/^listening http=\([^ ]*\) grpc=\([^ ]*\).*$/\2/p' "$tmp/node.out" | head -n1)"
  export XMTP_NODE_URL="$scheme://$http_addr"
  export XMTP_NODE_GRPC_URL="$scheme://$grpc_addr"
  log "node listening at $XMTP_NODE_URL (gRPC $XMTP_NODE_GRPC_URL)"
fi

if [[ $# -gt 0 ]]; then
  files=("$@")
else
  files=(test/*.test.mjs)
fi

# In the background so that a TERM/INT to this script is handled at once (bash defers traps
# while a foreground child runs), and cleanup can stop the test run too.
status=0
node --test --test-reporter=spec "${files[@]}" &
tests_pid=$!
wait "$tests_pid" || status=$?
tests_pid=""

if [[ $status -ne 0 && -n "$tmp" && -s "$tmp/node.log" ]]; then
  log "tests failed; node stderr (last 60 lines):"
  tail -n 60 "$tmp/node.log" | sed 's/^/  | /' >&2 || true
fi

# js-waku (waku.md §5), when the whole suite runs on a node built here (not XMTP_INTEROP_WAKU=0):
# a second node, without auth and with the Waku relay on a WebSocket listener, serves a js-waku
# relay peer (waku-relay/) and a js-waku light client (waku-light/), each its own package set.
if [[ $# -eq 0 && -n "$tmp" && "${XMTP_INTEROP_WAKU:-1}" != 0 ]]; then
  npm_install "$here/waku-relay"
  npm_install "$here/waku-light"
  start_node waku 'waku listen=' --no-auth --waku-listen /ip4/127.0.0.1/tcp/0/ws
  waku_pid=$started_pid
  export XMTP_WAKU_HTTP="http://$(sed -n 's/^listening http=\([^ ]*\) .*$/\1/p' "$tmp/waku.out" | head -n1)"
  export XMTP_WAKU_WS="$(sed -n 's/^waku listen=\([^ ]*\).*$/\1/p' "$tmp/waku.out" | head -n1)"
  export XMTP_WAKU_PUBSUB_TOPIC=/waku/2/default-waku/proto
  log "waku node at $XMTP_WAKU_WS (gateway $XMTP_WAKU_HTTP)"
  for dir in waku-relay waku-light; do
    (cd "$here/$dir" && node --test --test-force-exit --test-reporter=spec ./*.test.mjs) &
    tests_pid=$!
    wait "$tests_pid" || status=$?
    tests_pid=""
  done
  if [[ $status -ne 0 && -s "$tmp/waku.log" ]]; then
    log "waku node stderr (last 60 lines):"
    tail -n 60 "$tmp/waku.log" | sed 's/^/  | /' >&2 || true
  fi
  stop_pid "$waku_pid"
  waku_pid=""

fi
# The SDK on node A and the Rust peer on node C of a line A–B–C peered by Waku relay
# (network/), each node trusting its neighbours with owner-only topics. A node's peer id comes
# from its key file, so a first start of each makes the keys and tells the ids.
# XMTP_INTEROP_NETWORK=0 skips it (as does XMTP_INTEROP_WAKU=0).
if [[ $# -eq 0 && -n "$tmp" && "${XMTP_INTEROP_WAKU:-1}" != 0 && "${XMTP_INTEROP_NETWORK:-1}" != 0 ]]; then
  peer_id() { sed -n 's/^waku listen=[^ ]*\/p2p\/\([^ ]*\).*$/\1/p' "$tmp/$1.out" | head -n1; }
  waku_addr() { sed -n 's/^waku listen=\([^ ]*\).*$/\1/p' "$tmp/$1.out" | head -n1; }
  declare -A net_id
  for n in net_a net_b net_c; do
    start_node "$n" 'waku listen=' --waku-key "$tmp/$n.key" --waku-listen /ip4/127.0.0.1/tcp/0
    net_id[$n]="$(peer_id "$n")"
    stop_pid "$started_pid"
  done
  start_node net_a 'waku listen=' --waku-key "$tmp/net_a.key" --waku-listen /ip4/127.0.0.1/tcp/0 \
    --waku-trusted-peer "${net_id[net_b]}"
  net_pids=("$started_pid")
  start_node net_b 'waku listen=' --waku-key "$tmp/net_b.key" --waku-listen /ip4/127.0.0.1/tcp/0 \
    --waku-peer "$(waku_addr net_a)" --waku-trusted-peer "${net_id[net_a]}" \
    --waku-trusted-peer "${net_id[net_c]}"
  net_pids+=("$started_pid")
  start_node net_c 'waku listen=' --waku-key "$tmp/net_c.key" --waku-listen /ip4/127.0.0.1/tcp/0 \
    --waku-peer "$(waku_addr net_b)" --waku-trusted-peer "${net_id[net_b]}"
  net_pids+=("$started_pid")
  net_http() { sed -n 's/^listening http=\([^ ]*\) .*$/\1/p' "$tmp/$1.out" | head -n1; }
  net_grpc() { sed -n 's/^listening http=[^ ]* grpc=\([^ ]*\).*$/\1/p' "$tmp/$1.out" | head -n1; }
  log "network: SDK on node A (http://$(net_http net_a)), Rust peer on node C (grpc $(net_grpc net_c))"
  (
    cd "$here/network" &&
      XMTP_NODE_URL="http://$(net_http net_a)" XMTP_NODE_GRPC_URL="http://$(net_grpc net_c)" \
        node --test --test-force-exit --test-reporter=spec ./*.test.mjs
  ) &
  tests_pid=$!
  wait "$tests_pid" || status=$?
  tests_pid=""
  if [[ $status -ne 0 ]]; then
    for n in net_a net_b net_c; do
      log "$n stderr (last 30 lines):"
      tail -n 30 "$tmp/$n.log" | sed 's/^/  | /' >&2 || true
    done
  fi
  for pid in "${net_pids[@]}"; do stop_pid "$pid"; done
  net_pids=()
fi
exit "$status"
