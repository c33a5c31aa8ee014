#!/usr/bin/env bash
# Side by side with the official SDK (issue #8): @xmtp/xmtp-js 13.0.4 and our Rust client on
# the same release xmtp-node in one run, on the same inbox.
#
#   interop/bench.sh
#
# 1. Builds xmtp-node and xmtp-client's `sidebyside` example in release mode, installs the npm
#    dependencies when missing, and starts the node on a temporary SQLite file (no rate limits).
# 2. Fixture, made by the Rust client: a reader wallet invited to 500 v2 conversations with a
#    conversation id (one new peer wallet per conversation); the first peer sends 5,000 messages;
#    4 x runs further conversations stay empty as send targets, so that each run sends into its
#    own and every run reads the same inbox.
# 3. Runs each side `runs` times, alternating JS then Rust, each run a new process with fresh
#    local state: cold list(), read all messages of the big conversation, 1,000 sequential sends
#    (Rust also 1,000 sends 16 in flight). Rust runs on a current-thread tokio runtime, as JS
#    runs on one event loop; a third run per round repeats the Rust side on a multi-thread
#    runtime, reported apart. Both sides check every count; afterwards every send target is read
#    from the peer's side.
# 4. Prints the medians and ratios JS / Rust as a markdown table and writes sidebyside.md,
#    sidebyside.json and runs.jsonl to target/sidebyside/.
#
# Environment:
#   XMTP_BENCH_RUNS (3), XMTP_BENCH_CONVERSATIONS (500), XMTP_BENCH_MESSAGES (5000),
#   XMTP_BENCH_SENDS (1000)      sizes
#   XMTP_BENCH_OUT               output directory (default: <cargo target dir>/sidebyside)
#   XMTP_NODE_BIN, XMTP_SIDEBYSIDE_BIN   prebuilt binaries instead of cargo builds
#   XMTP_CARGO_FLAGS             extra cargo build flags, e.g. --locked
# Exit code: 0 when every run and check passed (whatever the ratios), 1 when a run or check
# failed, 2 when the node or the example could not be built or the node not started.
# The driver is bench/sidebyside.mjs; bench/js-bench.mjs and xmtp-client/examples/sidebyside.rs
# are the two sides, bench/report.mjs the table.
set -euo pipefail
exec node "$(dirname "${BASH_SOURCE[0]}")/bench/sidebyside.mjs" "$@"
