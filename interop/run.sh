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
#   XMTP_INTEROP_TLS=1   the node serves TLS with a certificate from a CA made for the run
#                        (xmtp-node's test_ca example); the SDK trusts it through Node's
#                        NODE_EXTRA_CA_CERTS, the Rust peer through XMTP_CA_CERT
# Exit code: the test run's (or 2 when the node cannot be built or started).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"

log() { printf 'interop: %s\n' "$*" >&2; }

# npm dependencies: `npm ci` when node_modules is missing or was installed from another lock file.
stamp=node_modules/.interop-package-lock.json
if [[ ! -d node_modules ]] || ! cmp -s package-lock.json "$stamp"; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

node_pid=""
tests_pid=""
tmp=""
cleanup() {
  if [[ -n "$tests_pid" ]]; then kill -TERM "$tests_pid" 2>/dev/null || true; wait "$tests_pid" 2>/dev/null || true; fi
  if [[ -n "$node_pid" ]] && kill -0 "$node_pid" 2>/dev/null; then
    kill -TERM "$node_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
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
  log "starting $bin (database $tmp/node.sqlite)"
  # Made here, not by the background job's redirections: the loop below may read them before
  # that job has opened them, and a failed read must not end the script under `set -e`.
  : >"$tmp/node.out"
  : >"$tmp/node.log"
  # shellcheck disable=SC2086
  NO_COLOR=1 "$bin" --db "$tmp/node.sqlite" --http 127.0.0.1:0 --grpc 127.0.0.1:0 "${tls_args[@]}" \
    ${XMTP_NODE_ARGS:-} >"$tmp/node.out" 2>"$tmp/node.log" &
  node_pid=$!

  # The node promises one stdout line: `listening http=127.0.0.1:PORT grpc=127.0.0.1:PORT`.
  http_addr=""
  for _ in $(seq 300); do
    http_addr="$(sed -n 's/^listening http=\([^ ]*\) grpc=\([^ ]*\).*$/\1/p' "$tmp/node.out" | head -n1)"
    [[ -n "$http_addr" ]] && break
    if ! kill -0 "$node_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [[ -z "$http_addr" ]]; then
    log "the node did not print its listening line; stdout:"
    sed 's/^/  | /' "$tmp/node.out" >&2 || true
    log "stderr (last 40 lines):"
    tail -n 40 "$tmp/node.log" | sed 's/^/  | /' >&2 || true
    exit 2
  fi
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
exit "$status"
