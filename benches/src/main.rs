//! `loadgen`: a load generator for the XMTP node (performance.md §6, targets N1 to N5).
//!
//! Starts a node in process (SQLite by default, PostgreSQL with `--db postgres://...`) or drives a
//! running one (`--grpc URL`), runs the chosen scenarios one after the other, each on a fresh
//! database and bounded by time and by count, and prints one result line per scenario (or one
//! JSON object per line with `--json`). See BENCHMARKS.md for the commands and the figures.

mod inbox;
mod propagation;
mod report;
mod scenario;
mod soak;
mod storm;
mod streams;
mod sync;
mod target;

use std::time::Duration;

use anyhow::Result;
use clap::{Parser, ValueEnum};

use crate::report::ScenarioResult;

/// A workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// One envelope per Publish request from `--concurrency` clients (N1, N2).
    Publish,
    /// `--batch` envelopes per Publish request (N1 batched).
    PublishBatch,
    /// Topic queries (`--limit` per page) over pre-loaded topics (N3).
    Query,
    /// Second pages: queries with a cursor, each page `--cursor-rows` envelopes (N3 cursor pages).
    QueryCursor,
    /// Live deliveries to `--streams` subscriptions while publishing at `--fanout-rate` (N5).
    Fanout,
    /// Many idle subscriptions (`--streams` gRPC, `--http-streams` gateway), each on its own topic
    /// and a shared one: node memory per stream, connect time, then delivery while publishing at
    /// `--fanout-rate` to random topics (issue 17). Not in the default set.
    Streams,
    /// `--streams` reconnecting xmtp-api subscriptions; the in-process node restarts under them:
    /// time until all are live again, and every envelope delivered once (issue 17). Not in the
    /// default set.
    ReconnectStorm,
    /// Mixed load (publish, batches, queries and their next pages, `--streams` subscriptions)
    /// for `--duration` with a node restart half way: RSS and p99 window by window
    /// (`--soak-window`), first windows against last (issue 17). Not in the default set.
    Soak,
    /// One xmtp-client `Client` in a process of its own (and xmtp-js beside it with
    /// `--listeners rust,js`) streaming all messages of `--conversations` conversations: how long
    /// the stream takes to start, its CPU and RSS at rest (`--rest`) and under `--message-rate`
    /// messages/s, delivery latency, every message once (issue 17). Not in the default set.
    Inbox,
    /// A node that missed `--sync-missing` envelopes catches up from a peer by set
    /// reconciliation over the Waku network: seconds and loopback bytes against the payload
    /// (issue 18). Not in the default set.
    Sync,
    /// Three nodes in a line (A - B - C) over the Waku relay: publishing at `--fanout-rate` into
    /// A, `--streams` subscriptions on C: latency over two relay hops, every envelope delivered
    /// once (issue 18). Not in the default set.
    Propagation,
}

impl Scenario {
    /// The name used on the command line and in results.
    pub fn name(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::PublishBatch => "publish-batch",
            Self::Query => "query",
            Self::QueryCursor => "query-cursor",
            Self::Fanout => "fanout",
            Self::Streams => "streams",
            Self::ReconnectStorm => "reconnect-storm",
            Self::Soak => "soak",
            Self::Inbox => "inbox",
            Self::Sync => "sync",
            Self::Propagation => "propagation",
        }
    }
}

/// Load generator for the XMTP node.
#[derive(Clone, Debug, Parser)]
#[command(name = "loadgen", version, about, args_override_self = true)]
pub struct Args {
    /// Scenarios to run, in order (default: all five).
    #[arg(value_enum)]
    pub scenarios: Vec<Scenario>,

    /// Node backend for the in-process node: an SQLite file path or a `postgres://` URL (each
    /// scenario gets a fresh schema, dropped afterwards). Default: a temporary SQLite file.
    #[arg(long)]
    pub db: Option<String>,

    /// Drive a running node at this gRPC URL instead of starting one (e.g. http://127.0.0.1:5556).
    #[arg(long, conflicts_with = "db")]
    pub grpc: Option<String>,

    /// The running node's HTTP gateway URL (with `--grpc`; the streams scenario's HTTP streams).
    #[arg(long, requires = "grpc")]
    pub http: Option<String>,

    /// The running node's process id, to read its memory (streams).
    #[arg(long, requires = "grpc")]
    pub node_pid: Option<u32>,

    /// Start the node as a child process from this `xmtp-node` binary instead of in process
    /// (on `--db` or a temporary SQLite file, rate limits and retention off): its memory is then
    /// its own, and `soak` restarts it as a real process (SIGTERM, then the same ports again).
    #[arg(long, conflicts_with = "grpc")]
    pub node_bin: Option<std::path::PathBuf>,

    /// Verify auth tokens on the in-process node and send a token with every publish.
    #[arg(long)]
    pub auth: bool,

    /// With SQLite: when a commit is durable (`full`: one fsync per commit).
    #[arg(long, value_enum, default_value_t = xmtp_node::SyncArg::Normal)]
    pub sync: xmtp_node::SyncArg,

    /// Measured seconds per scenario (after the warm-up).
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,

    /// Seconds of unmeasured load before measuring (publish, publish-batch, query).
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,

    /// Stop a scenario after this many measured requests (fanout: published envelopes).
    #[arg(long)]
    pub max_ops: Option<u64>,

    /// Concurrent client tasks for publish, publish-batch and query.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,

    /// HTTP/2 connections (tonic channels) the client tasks share.
    #[arg(long, default_value_t = 4)]
    pub connections: usize,

    /// Open loop: total requests per second across all clients of publish, publish-batch and
    /// query (0 = closed loop, as fast as possible). Latency then counts from each request's
    /// scheduled time. Used for N2 (publish p99 at half the N1 rate) and N3 (query p99).
    #[arg(long, default_value_t = 0.0)]
    pub rate: f64,

    /// Distinct topics written by publish and publish-batch.
    #[arg(long, default_value_t = 10_000)]
    pub topics: u64,

    /// Envelope payload bytes.
    #[arg(long, default_value_t = 512)]
    pub payload: usize,

    /// Envelopes per request in publish-batch.
    #[arg(long, default_value_t = 50)]
    pub batch: usize,

    /// Topics pre-loaded for the query scenario.
    #[arg(long, default_value_t = 200)]
    pub query_topics: u64,

    /// Envelopes pre-loaded on each query topic.
    #[arg(long, default_value_t = 120)]
    pub query_preload: u64,

    /// Page size of each query.
    #[arg(long, default_value_t = 100)]
    pub limit: u32,

    /// Envelopes on the second page of each topic in query-cursor.
    #[arg(long, default_value_t = 55)]
    pub cursor_rows: u64,

    /// Live subscriptions (gRPC Subscribe streams) in the fanout scenario.
    #[arg(long, default_value_t = 1_000)]
    pub streams: u64,

    /// Topics the fanout streams are spread over (each stream subscribes to one).
    #[arg(long, default_value_t = 10)]
    pub fanout_topics: u64,

    /// Envelopes published per second in the fanout scenario.
    #[arg(long, default_value_t = 500.0)]
    pub fanout_rate: f64,

    /// HTTP/2 connections carrying the fanout and streams scenarios' gRPC streams.
    #[arg(long, default_value_t = 8)]
    pub stream_connections: usize,

    /// HTTP gateway streams in the streams scenario (one connection each).
    #[arg(long, default_value_t = 0)]
    pub http_streams: u64,

    /// Loopback source addresses (127.0.0.2 and up) the HTTP streams connect from.
    #[arg(long, default_value_t = 40)]
    pub http_sources: u64,

    /// Shared topics in the streams scenario (each stream also subscribes to one of them).
    #[arg(long, default_value_t = 100)]
    pub shared_topics: u64,

    /// Seconds to wait for the last deliveries after fanout publishing stops.
    #[arg(long, default_value_t = 5.0)]
    pub grace: f64,

    /// reconnect-storm: seconds to wait for every client to be live again after the restart.
    #[arg(long, default_value_t = 120)]
    pub reconnect_wait: u64,

    /// soak: seconds per window of figures.
    #[arg(long, default_value_t = 60.0)]
    pub soak_window: f64,

    /// soak: queries per second (each followed by its next page when there is one).
    #[arg(long, default_value_t = 200.0)]
    pub query_rate: f64,

    /// inbox: conversations in the streaming client's inbox.
    #[arg(long, default_value_t = 10_000)]
    pub conversations: u64,

    /// inbox: seconds the streaming client is watched at rest before publishing.
    #[arg(long, default_value_t = 30.0)]
    pub rest: f64,

    /// inbox: messages published per second, round-robin over the conversations.
    #[arg(long, default_value_t = 1_000.0)]
    pub message_rate: f64,

    /// inbox: the SDKs that stream, one after the other on the same fixture.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "rust")]
    pub listeners: Vec<inbox::Listener>,

    /// sync: envelopes the second node lacks (spread over `--query-topics` topics).
    #[arg(long, default_value_t = 100_000)]
    pub sync_missing: u64,

    /// publish, publish-batch, query, query-cursor, fanout: the in-process node also runs its
    /// Waku relay with a second in-process node as its peer, which receives and stores every
    /// envelope: what relaying costs the node under load (issue 18).
    #[arg(long, conflicts_with = "grpc")]
    pub relay_peer: bool,

    /// Print one JSON object per scenario instead of a text line.
    #[arg(long)]
    pub json: bool,
}

impl Args {
    fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.duration.max(0.0))
    }

    fn warmup(&self) -> Duration {
        Duration::from_secs_f64(self.warmup.max(0.0))
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = Args::parse();
    if args.scenarios.is_empty() {
        args.scenarios = vec![
            Scenario::Publish,
            Scenario::PublishBatch,
            Scenario::Query,
            Scenario::QueryCursor,
            Scenario::Fanout,
        ];
    }
    anyhow::ensure!(args.concurrency > 0, "--concurrency must be at least 1");
    anyhow::ensure!(args.connections > 0, "--connections must be at least 1");
    anyhow::ensure!(
        args.stream_connections > 0,
        "--stream-connections must be at least 1"
    );
    anyhow::ensure!(
        args.topics > 0 && args.query_topics > 0 && args.fanout_topics > 0,
        "topic counts must be at least 1"
    );
    anyhow::ensure!((1..=50).contains(&args.batch), "--batch must be 1 to 50");
    anyhow::ensure!(args.payload >= 16, "--payload must be at least 16 bytes");

    let mut failed = false;
    for scenario in args.scenarios.clone() {
        let result: ScenarioResult = scenario::run(scenario, &args).await?;
        failed |= result.errors > 0 || result.lost.is_some_and(|lost| lost > 0);
        result.print(args.json)?;
    }
    if failed {
        anyhow::bail!("some requests failed or deliveries were lost (see the results above)");
    }
    Ok(())
}
