//! The `sync` scenario (issue 18): a node that missed `--sync-missing` envelopes catches up by
//! set reconciliation. Node A (in process, Waku relay on a loopback port) takes the envelopes
//! over gRPC, spread over `--query-topics` topics and dated within the last hour; then node B
//! starts on an empty SQLite store with A as its static peer, and the scenario measures how long
//! until B has fetched every one (B's `sync_fetched`, checked against B's store), and how many
//! bytes crossed the loopback interface meanwhile (`/proc/net/dev`, transmitted bytes of `lo`:
//! each byte counted once, TCP/IP headers and whatever else used loopback included) against the
//! envelopes' payload bytes.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;
use std::sync::Arc;

use xmtp_node::store::{SqliteOptions, SqliteStore, Store};
use xmtp_node::{Database, Node, NodeConfig, WakuConfig};

use crate::Args;
use crate::report::ScenarioResult;
use crate::scenario::preload_topics;
use crate::target::Target;

/// Issue 18's targets: 100,000 missed envelopes within 30 s, bytes at most 1.5x the payload.
const TARGET_SECONDS: f64 = 30.0;
const TARGET_BYTES_RATIO: f64 = 1.5;
/// How long node B may take before the scenario gives up and reports what it has.
const CATCH_UP_LIMIT: Duration = Duration::from_secs(600);

/// What the catch-up measured beyond the common result line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SyncFigures {
    /// Envelopes A held and B lacked.
    pub missing: u64,
    /// Envelopes B fetched by reconciliation.
    pub fetched: u64,
    /// Envelopes in B's store afterwards.
    pub stored: u64,
    /// Reconciliations B completed.
    pub rounds: u64,
    /// Seconds from B's start to the last envelope fetched.
    pub seconds: f64,
    /// Payload bytes of the missing envelopes.
    pub payload_bytes: u64,
    /// Bytes sent over loopback meanwhile.
    pub loopback_bytes: u64,
    /// `loopback_bytes / payload_bytes`.
    pub bytes_ratio: f64,
    /// Both targets met.
    pub met: bool,
}

/// A Waku relay listening on a free loopback port, dialling `peers`.
pub(crate) fn waku(peers: Vec<String>) -> WakuConfig {
    let mut waku = WakuConfig::default();
    waku.listen = vec!["/ip4/127.0.0.1/tcp/0".into()];
    waku.peers = peers;
    waku
}

/// Bytes the loopback interface has sent since boot.
fn loopback_tx_bytes() -> Result<u64> {
    let text = std::fs::read_to_string("/proc/net/dev").context("reading /proc/net/dev")?;
    text.lines()
        .find_map(|line| {
            let (name, counters) = line.split_once(':')?;
            // Receive has 8 counters, then transmitted bytes.
            (name.trim() == "lo").then(|| counters.split_whitespace().nth(8)?.parse().ok())?
        })
        .context("no loopback line in /proc/net/dev")
}

/// Runs the scenario (an in-process node only).
pub async fn run(args: &Args) -> Result<ScenarioResult> {
    anyhow::ensure!(
        args.grpc.is_none() && args.db.is_none(),
        "sync starts its own two nodes on SQLite (no --grpc, no --db)"
    );
    let per_topic = args.sync_missing.div_ceil(args.query_topics).max(1);
    let missing = per_topic * args.query_topics;
    let a = Target::start_with(args, |config| config.waku = Some(waku(Vec::new()))).await?;
    let a_addr = a
        .node()
        .and_then(|node| node.waku())
        .and_then(|peer| peer.listen_addrs().first().cloned())
        .context("node A has no Waku listen address")?;
    preload_topics(&a, args, per_topic).await?;

    let mut options = SqliteOptions::default();
    options.sync = args.sync.into();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::temporary_with(&options).context("node B's database")?);
    let mut config = NodeConfig::ephemeral();
    config.database = Database::Custom(Arc::clone(&store));
    config.rate_limits.enabled = false;
    config.waku = Some(waku(vec![a_addr]));
    let before = loopback_tx_bytes()?;
    let started = Instant::now();
    let b = Node::start(config).await.context("starting node B")?;
    let peer = b.waku().context("node B has no Waku peer")?;
    let status = tokio::time::timeout(CATCH_UP_LIMIT, peer.wait_for(|s| s.sync_fetched >= missing))
        .await
        .ok()
        .flatten();
    let elapsed = started.elapsed();
    let loopback_bytes = loopback_tx_bytes()?.saturating_sub(before);
    let status = status.unwrap_or_else(|| peer.status());
    let stored = store.count().await.context("counting B's store")?;
    b.shutdown().await.context("stopping node B")?;
    let backend = a.backend;
    a.finish().await?;

    let payload_bytes = missing * args.payload as u64;
    let bytes_ratio = loopback_bytes as f64 / payload_bytes.max(1) as f64;
    let seconds = elapsed.as_secs_f64();
    let figures = SyncFigures {
        missing,
        fetched: status.sync_fetched,
        stored,
        rounds: status.sync_rounds,
        seconds,
        payload_bytes,
        loopback_bytes,
        bytes_ratio,
        met: stored == missing && seconds <= TARGET_SECONDS && bytes_ratio <= TARGET_BYTES_RATIO,
    };
    let mut result = ScenarioResult {
        scenario: "sync",
        backend,
        requests: status.sync_rounds,
        envelopes: status.sync_fetched,
        errors: u64::from(stored != missing),
        lost: Some(missing.saturating_sub(stored)),
        sync: Some(figures),
        ..ScenarioResult::default()
    };
    if stored != missing {
        result.first_error = Some(format!(
            "B holds {stored} of {missing} envelopes after {seconds:.1}s"
        ));
    }
    result.finish(elapsed, &crate::report::histogram());
    Ok(result)
}
