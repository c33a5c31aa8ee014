//! The `streams` scenario (issue 17): many idle subscriptions on one node, what each costs in the
//! node's memory, how fast a crowd connects, and delivery to all of them under publishing load.
//!
//! gRPC `Subscribe` streams are multiplexed over `--stream-connections` HTTP/2 connections; HTTP
//! gateway streams (`POST /message/v1/subscribe`, the transport xmtp-js uses) take one connection
//! each, spread over `--http-sources` loopback source addresses (127.0.0.2 and up) so that neither
//! ephemeral ports nor the node's per-address connection cap run short. Every stream subscribes to
//! a topic of its own and to one of `--shared-topics` shared topics. Publishing then sends
//! `--fanout-rate` envelopes/s, each to a random topic of all of them; every envelope carries its
//! sequence number, so that each delivery is counted against the publish it answers: what is
//! missing is lost, what comes more than once is duplicated.
//!
//! The node's memory is read from `/proc/<pid>/status` (`--node-pid` for a node in another
//! process; without it the in-process node shares the figure with the load generator's own
//! clients, and the result says so).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use base64::Engine as _;
use hdrhistogram::Histogram;
use http_body_util::BodyExt as _;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpSocket;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinHandle;
use xmtp_proto::message_api::v1::{Envelope, SubscribeRequest};

use crate::Args;
use crate::report::{ScenarioResult, histogram, record};
use crate::scenario::{Pacer, mix, payload, publish_counted, request, sequence_of, settle};
use crate::target::{Target, unix_ns};

/// Streams being opened at once (the connect storm's concurrency).
const OPENING_AT_ONCE: usize = 512;

/// What the streams scenario measured beyond the common result line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StreamsFigures {
    /// gRPC streams opened.
    pub grpc_streams: u64,
    /// HTTP gateway streams opened.
    pub http_streams: u64,
    /// Seconds to open all gRPC streams.
    pub grpc_open_s: f64,
    /// Seconds to open all HTTP streams.
    pub http_open_s: f64,
    /// Whether the memory figures are the node's alone (`--node-pid`) or shared with the clients.
    pub node_only_memory: bool,
    /// RSS (KiB) before any stream, after the gRPC streams, after the HTTP streams.
    pub rss_kib: [u64; 3],
    /// Anonymous RSS (KiB) at the same three points.
    pub rss_anon_kib: [u64; 3],
    /// KiB of RSS per gRPC stream.
    pub kib_per_grpc_stream: f64,
    /// KiB of RSS per HTTP stream.
    pub kib_per_http_stream: f64,
    /// Deliveries that came more than once.
    pub duplicated: u64,
}

/// Counts deliveries per published envelope.
struct Tracker {
    /// Deliveries seen, by sequence number.
    seen: Vec<AtomicU32>,
    delivered: AtomicU64,
    latencies: Mutex<Histogram<u64>>,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
    opened: AtomicU64,
    opened_changed: Notify,
}

impl Tracker {
    fn delivery(&self, sequence: u64, timestamp_ns: u64) {
        let Some(slot) = usize::try_from(sequence)
            .ok()
            .and_then(|i| self.seen.get(i))
        else {
            self.error(format!("delivery of unknown sequence number {sequence}"));
            return;
        };
        slot.fetch_add(1, Ordering::Relaxed);
        self.delivered.fetch_add(1, Ordering::Relaxed);
        let latency = Duration::from_nanos(unix_ns().saturating_sub(timestamp_ns));
        if let Ok(mut latencies) = self.latencies.lock() {
            record(&mut latencies, latency);
        }
    }

    fn error(&self, error: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut first) = self.first_error.lock() {
            first.get_or_insert(error);
        }
        // A stream that failed to open counts towards `wait_opened` too.
        self.opened_changed.notify_waiters();
    }

    fn opened(&self) {
        self.opened.fetch_add(1, Ordering::Relaxed);
        self.opened_changed.notify_waiters();
    }

    /// Waits until `count` streams have opened or failed to.
    async fn wait_opened(&self, count: u64) {
        loop {
            let changed = self.opened_changed.notified();
            if self.opened.load(Ordering::Relaxed) + self.errors.load(Ordering::Relaxed) >= count {
                return;
            }
            changed.await;
        }
    }
}

fn own_topic(i: u64) -> String {
    format!("/xmtp/0/m-loadgen-stream-{i}/proto")
}

fn shared_topic(i: u64) -> String {
    format!("/xmtp/0/m-loadgen-shared-{i}/proto")
}

/// Stream `s`'s two topics.
fn topics_of(s: u64, shared: u64) -> Vec<String> {
    vec![own_topic(s), shared_topic(s % shared)]
}

/// Resident and anonymous resident KiB of a process.
pub(crate) fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("RssAnon:"))
}

/// Runs the scenario.
pub async fn run(target: &Target, args: &Args) -> Result<ScenarioResult> {
    if let Err(e) = xmtp_node::raise_open_files_limit() {
        eprintln!("loadgen: could not raise the open files limit: {e}");
    }
    let grpc_streams = args.streams;
    let http_streams = args.http_streams;
    let total = grpc_streams + http_streams;
    let shared = args.shared_topics.max(1);
    let node_pid = args.node_pid.or_else(|| target.node_pid());
    let pid = node_pid.unwrap_or_else(std::process::id);
    let capacity =
        (args.fanout_rate.max(0.0) * args.duration().as_secs_f64() * 1.2) as usize + 1000;
    let tracker = Arc::new(Tracker {
        seen: (0..capacity).map(|_| AtomicU32::new(0)).collect(),
        delivered: AtomicU64::new(0),
        latencies: Mutex::new(histogram()),
        errors: AtomicU64::new(0),
        first_error: Mutex::new(None),
        opened: AtomicU64::new(0),
        opened_changed: Notify::new(),
    });
    let mut figures = StreamsFigures {
        grpc_streams,
        http_streams,
        node_only_memory: node_pid.is_some(),
        ..StreamsFigures::default()
    };
    let (rss, anon) = memory_kib(pid);
    figures.rss_kib[0] = rss;
    figures.rss_anon_kib[0] = anon;

    let mut tasks: Vec<JoinHandle<()>> = Vec::with_capacity(usize::try_from(total)?);
    let opening = Arc::new(Semaphore::new(OPENING_AT_ONCE));

    // gRPC streams.
    let clients = target.clients(args.stream_connections).await?;
    let started = Instant::now();
    for s in 0..grpc_streams {
        let mut client = clients[usize::try_from(s)? % clients.len()].clone();
        let (tracker, opening) = (Arc::clone(&tracker), Arc::clone(&opening));
        tasks.push(tokio::spawn(async move {
            let Ok(permit) = opening.acquire().await else {
                return;
            };
            let subscribed = client
                .subscribe(request(
                    None,
                    SubscribeRequest {
                        content_topics: topics_of(s, shared),
                    },
                ))
                .await;
            drop(permit);
            let mut stream = match subscribed {
                Ok(response) => response.into_inner(),
                Err(status) => return tracker.error(format!("opening gRPC stream {s}: {status}")),
            };
            tracker.opened();
            loop {
                match stream.message().await {
                    Ok(Some(envelope)) => match sequence_of(&envelope.message) {
                        Some(sequence) => tracker.delivery(sequence, envelope.timestamp_ns),
                        None => tracker.error("an envelope without a sequence number".into()),
                    },
                    Ok(None) => return tracker.error("a gRPC stream ended by the node".into()),
                    Err(status) => return tracker.error(format!("gRPC stream: {status}")),
                }
            }
        }));
    }
    tracker.wait_opened(grpc_streams).await;
    figures.grpc_open_s = started.elapsed().as_secs_f64();
    let (rss, anon) = memory_kib(pid);
    figures.rss_kib[1] = rss;
    figures.rss_anon_kib[1] = anon;
    eprintln!(
        "loadgen: {grpc_streams} gRPC streams over {} connections open in {:.1}s, RSS {} -> {rss} KiB",
        clients.len(),
        figures.grpc_open_s,
        figures.rss_kib[0]
    );

    // HTTP gateway streams, one connection each.
    let http_addr: SocketAddr = target
        .http_url
        .as_deref()
        .context("the streams scenario needs the node's HTTP gateway (--http with --grpc)")?
        .trim_start_matches("http://")
        .parse()
        .context("--http must be http://IP:PORT")?;
    let sources = args.http_sources.clamp(1, 250);
    let started = Instant::now();
    for h in 0..http_streams {
        let s = grpc_streams + h;
        let source = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + u8::try_from(h % sources)?));
        let (tracker, opening) = (Arc::clone(&tracker), Arc::clone(&opening));
        tasks.push(tokio::spawn(async move {
            let Ok(permit) = opening.acquire().await else {
                return;
            };
            let opened = open_http_stream(source, http_addr, topics_of(s, shared)).await;
            drop(permit);
            let body = match opened {
                Ok(body) => body,
                Err(e) => return tracker.error(format!("opening HTTP stream {h}: {e:#}")),
            };
            tracker.opened();
            if let Err(e) = read_http_stream(body, &tracker).await {
                tracker.error(format!("HTTP stream: {e:#}"));
            }
        }));
    }
    tracker.wait_opened(total).await;
    figures.http_open_s = started.elapsed().as_secs_f64();
    let (rss, anon) = memory_kib(pid);
    figures.rss_kib[2] = rss;
    figures.rss_anon_kib[2] = anon;
    eprintln!(
        "loadgen: {http_streams} HTTP streams from {sources} source addresses open in {:.1}s, RSS {rss} KiB",
        figures.http_open_s
    );
    let per = |delta: u64, n: u64| {
        if n == 0 { 0.0 } else { delta as f64 / n as f64 }
    };
    figures.kib_per_grpc_stream = per(
        figures.rss_kib[1].saturating_sub(figures.rss_kib[0]),
        grpc_streams,
    );
    figures.kib_per_http_stream = per(
        figures.rss_kib[2].saturating_sub(figures.rss_kib[1]),
        http_streams,
    );

    // Publishing to random topics while every stream is open.
    let mut result = ScenarioResult {
        backend: target.backend,
        concurrency: total,
        ..ScenarioResult::default()
    };
    let mut publisher = target
        .clients(1)
        .await?
        .pop()
        .context("no publisher connection")?;
    let mut subscribers = vec![0u32; usize::try_from(shared)?];
    for s in 0..total {
        subscribers[usize::try_from(s % shared)?] += 1;
    }
    let topic_count = total + shared;
    let mut expected = 0u64;
    let mut reach: Vec<u32> = Vec::with_capacity(capacity);
    let cap = args.max_ops.unwrap_or(u64::MAX).min(capacity as u64);
    let mut pacer = Pacer::new(args.fanout_rate, args.duration(), cap);
    while let Some(batch) = pacer.next().await {
        let (sent, n) = (batch.start, batch.end - batch.start);
        let timestamp_ns = unix_ns();
        let mut envelopes = Vec::with_capacity(usize::try_from(n)?);
        for i in batch {
            let pick = mix(i) % topic_count;
            let (topic, subscribed) = if pick < total {
                (own_topic(pick), 1)
            } else {
                let j = pick - total;
                (shared_topic(j), subscribers[usize::try_from(j)?])
            };
            reach.push(subscribed);
            envelopes.push(Envelope {
                content_topic: topic,
                timestamp_ns,
                message: payload(args.payload, u64::MAX, i),
            });
        }
        let batch_reach = &mut reach[usize::try_from(sent)?..];
        if publish_counted(&mut publisher, target, envelopes, &mut result).await {
            expected += batch_reach.iter().map(|&r| u64::from(r)).sum::<u64>();
        } else {
            // Not published: nothing is expected for these.
            batch_reach.fill(0);
        }
    }
    let published_for = pacer.start().elapsed();
    settle(&tracker.delivered, expected, args.grace, tasks).await;

    let (mut lost, mut duplicated) = (0u64, 0u64);
    for (i, &wanted) in reach.iter().enumerate() {
        let got = tracker.seen[i].load(Ordering::Relaxed);
        lost += u64::from(wanted.saturating_sub(got));
        duplicated += u64::from(got.saturating_sub(wanted));
    }
    figures.duplicated = duplicated;
    let delivered = tracker.delivered.load(Ordering::Relaxed);
    result.errors += tracker.errors.load(Ordering::Relaxed) + duplicated;
    if let Ok(mut first) = tracker.first_error.lock()
        && let Some(error) = first.take()
    {
        result.first_error.get_or_insert(error);
    }
    if duplicated > 0 {
        result
            .first_error
            .get_or_insert_with(|| format!("{duplicated} deliveries came more than once"));
    }
    result.expected = Some(expected);
    result.delivered = Some(delivered);
    result.lost = Some(lost);
    let latencies = tracker
        .latencies
        .lock()
        .map(|h| h.clone())
        .unwrap_or_else(|_| histogram());
    result.finish(published_for, &latencies);
    result.streams = Some(figures);
    Ok(result)
}

/// Opens one gateway stream from `source`: returns the response body once the node has answered
/// 200 (it answers after registering the subscription).
async fn open_http_stream(
    source: IpAddr,
    node: SocketAddr,
    topics: Vec<String>,
) -> Result<hyper::body::Incoming> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    let tcp = socket.connect(node).await?;
    tcp.set_nodelay(true)?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, String>(TokioIo::new(tcp)).await?;
    tokio::spawn(connection);
    let body = serde_json::json!({ "contentTopics": topics }).to_string();
    let request = hyper::Request::post("/message/v1/subscribe")
        .header(hyper::header::HOST, node.to_string())
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(body)?;
    let response = sender.send_request(request).await?;
    anyhow::ensure!(
        response.status() == hyper::StatusCode::OK,
        "status {}",
        response.status()
    );
    Ok(response.into_body())
}

/// One `{"result":{…}}` line of a gateway stream.
#[derive(serde::Deserialize)]
struct Frame {
    result: Option<FrameEnvelope>,
    error: Option<serde_json::Value>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct FrameEnvelope {
    timestamp_ns: String,
    message: String,
}

/// Reads a gateway stream's newline-delimited frames until it ends.
async fn read_http_stream(mut body: hyper::body::Incoming, tracker: &Tracker) -> Result<()> {
    let mut pending: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        pending.extend_from_slice(&data);
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let line: Bytes = Bytes::copy_from_slice(&pending[..end]);
            pending.drain(..=end);
            let frame: Frame = serde_json::from_slice(&line).context("a stream frame")?;
            if let Some(error) = frame.error {
                anyhow::bail!("the node ended the stream: {error}");
            }
            let Some(envelope) = frame.result else {
                continue;
            };
            let message = base64::engine::general_purpose::STANDARD
                .decode(envelope.message)
                .context("a frame's message")?;
            let sequence =
                sequence_of(&message).context("an envelope without a sequence number")?;
            tracker.delivery(sequence, envelope.timestamp_ns.parse().unwrap_or(0));
        }
    }
    anyhow::bail!("an HTTP stream ended by the node")
}
