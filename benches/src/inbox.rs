//! The `inbox` scenario (issue 17): one client streaming all messages of many conversations, in
//! a process of its own, measured from outside.
//!
//! Fixture: a reader wallet and one peer wallet, registered through xmtp-client. The peer seals
//! `--conversations` deterministic v2 invitations to the reader, each with a conversation id of
//! its own (`loadgen/inbox/<i>`, so distinct topics), on every core, and publishes them to both
//! invite topics, 50 envelopes per request; then it lists its conversations (opening its own
//! copies) to send into them.
//!
//! Each listener of `--listeners` is a new process on fresh local state that signs in with the
//! reader's key: `inbox-listener` (xmtp-client's `stream_all_messages`, see there) or
//! `interop/bench/inbox-listener.mjs` (@xmtp/xmtp-js 13.0.4 `conversations.streamAllMessages()`).
//! Both start the stream cold (every invitation fetched and opened first), say how long it took
//! to be live (the node has registered the subscription to every conversation topic plus the
//! invite and intro topics), and note the sequence number and arrival time of every message.
//!
//! The scenario reads the listener's CPU time and RSS from `/proc` for `--rest` seconds without
//! traffic, then while it publishes `--message-rate` messages/s for `--duration` seconds,
//! round-robin over the conversations (with at least as many messages as conversations, every
//! conversation topic is shown live), and at last collects the listener's record: what was not
//! delivered within `--grace` is lost, what came twice is duplicated, and the latency runs from
//! just before the publish call to the arrival.

use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use clap::ValueEnum;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::task::JoinSet;
use xmtp_client::content::Content;
use xmtp_client::{ApiConfig, Client, ClientOptions, Conversation, LocalWallet, SendOptions};
use xmtp_keystore::PrivateKeyBundle;
use xmtp_keystore::{deterministic_invitation, seal_invitation};
use xmtp_proto::message_api::v1::Envelope;
use xmtp_proto::message_contents::invitation_v1;

use crate::Args;
use crate::report::{ScenarioResult, histogram, load_average, record};
use crate::scenario::Pacer;
use crate::streams::memory_kib;
use crate::target::{Target, unix_ns};

/// Invitation envelopes per publish request while making the fixture.
const FIXTURE_BATCH: usize = 50;
/// Fixture publish requests in flight.
const FIXTURE_IN_FLIGHT: usize = 8;
/// Message sends in flight while publishing.
const SENDS_IN_FLIGHT: usize = 64;
/// Linux's `USER_HZ`: the unit of CPU times in `/proc/<pid>/stat`.
const CLOCK_TICKS_PER_S: f64 = 100.0;
/// How long a listener may take to go live (xmtp-js opens 10,000 invitations in minutes).
const LIVE_TIMEOUT: Duration = Duration::from_secs(1_800);

/// The SDK a listener runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Listener {
    /// xmtp-client (`inbox-listener`, next to the `loadgen` executable).
    Rust,
    /// @xmtp/xmtp-js 13.0.4 (`node interop/bench/inbox-listener.mjs`, over the HTTP gateway).
    Js,
}

impl Listener {
    fn name(self) -> &'static str {
        match self {
            Self::Rust => "xmtp-rs",
            Self::Js => "xmtp-js",
        }
    }
}

/// How the fixture was made.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FixtureFigures {
    /// Conversations in the reader's inbox.
    pub conversations: u64,
    /// Seconds to seal the invitations.
    pub seal_s: f64,
    /// Seconds to publish them.
    pub publish_s: f64,
    /// Seconds for the peer to list its conversations.
    pub peer_list_s: f64,
}

/// The listener process over one phase.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Phase {
    /// Wall-clock seconds.
    pub seconds: f64,
    /// CPU time of the process (user and system, all threads) over the wall time, in percent
    /// of one core.
    pub cpu_percent: f64,
    /// RSS (KiB) at the start, at the end, and the largest of the once-a-second samples.
    pub rss_kib: [u64; 3],
    /// The longest wait between two samples, in seconds: well above 1 when the whole machine
    /// stalled (seen on this VM: every process paused for about 55 s), which stretches
    /// `seconds` and dilutes `cpu_percent`.
    pub max_gap_s: f64,
    /// `/proc/loadavg` (1, 5, 15 min) at the end.
    pub load_average: String,
}

/// What one listener measured.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ListenerFigures {
    /// `xmtp-rs` or `xmtp-js`.
    pub listener: &'static str,
    /// Milliseconds to sign in (fresh local state).
    pub create_ms: f64,
    /// Milliseconds from calling the all-messages stream until it was live (cold).
    pub start_ms: f64,
    /// The same for a second stream of the same client, conversations already known; it is
    /// closed again at once.
    pub warm_start_ms: f64,
    /// `--rest` seconds, streams open, no traffic.
    pub rest: Phase,
    /// While publishing.
    pub traffic: Phase,
    /// Messages published.
    pub published: u64,
    /// Distinct published messages delivered.
    pub delivered: u64,
    /// Published, never delivered within the grace period.
    pub lost: u64,
    /// Deliveries beyond the first of a message.
    pub duplicated: u64,
    /// Deliveries of messages not published by this run.
    pub unexpected: u64,
    /// Publish-to-arrival latency of first deliveries (ms).
    pub p50_ms: f64,
    /// 99th percentile (ms).
    pub p99_ms: f64,
    /// Largest (ms).
    pub max_ms: f64,
    /// Failed sends and stream or decoding errors the listener saw.
    pub errors: u64,
    /// The first of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
}

/// What the inbox scenario measured beyond the common result line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct InboxFigures {
    /// The fixture.
    pub fixture: FixtureFigures,
    /// One entry per listener, in the order run.
    pub listeners: Vec<ListenerFigures>,
}

/// A line a listener prints on stdout.
#[derive(Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum ListenerLine {
    Live {
        create_ms: f64,
        start_ms: f64,
        warm_start_ms: f64,
    },
    Report {
        /// (sequence number, arrival in µs since the Unix epoch), one per delivery.
        received: Vec<(u64, u64)>,
        errors: u64,
        first_error: Option<String>,
    },
}

/// Runs the scenario.
pub async fn run(target: &Target, args: &Args) -> Result<ScenarioResult> {
    ensure!(args.conversations > 0, "--conversations must be at least 1");
    let (reader_key, conversations, fixture) = make_fixture(target, args.conversations).await?;
    eprintln!(
        "loadgen: inbox fixture: {} conversations sealed in {:.1}s, published in {:.1}s, listed by the peer in {:.1}s",
        fixture.conversations, fixture.seal_s, fixture.publish_s, fixture.peer_list_s
    );
    let mut result = ScenarioResult {
        backend: target.backend,
        concurrency: args.conversations,
        ..ScenarioResult::default()
    };
    let mut figures = InboxFigures {
        fixture,
        listeners: Vec::new(),
    };
    let mut first_latencies = None;
    let mut traffic_s = 0.0;
    for &kind in &args.listeners {
        let (listener, latencies) =
            measure_listener(kind, target, args, &reader_key, &conversations).await?;
        eprintln!("loadgen: inbox {}", listener_line(&listener));
        result.requests += listener.published;
        result.envelopes += listener.published;
        result.errors += listener.errors + listener.duplicated + listener.unexpected;
        if result.first_error.is_none() {
            result.first_error = listener.first_error.clone();
        }
        *result.expected.get_or_insert(0) += listener.published;
        *result.delivered.get_or_insert(0) += listener.delivered;
        *result.lost.get_or_insert(0) += listener.lost;
        if first_latencies.is_none() {
            first_latencies = Some(latencies);
            traffic_s = listener.traffic.seconds;
        }
        figures.listeners.push(listener);
    }
    result.finish(
        Duration::from_secs_f64(traffic_s),
        &first_latencies.unwrap_or_else(histogram),
    );
    result.inbox = Some(figures);
    Ok(result)
}

/// The reader's wallet key (hex) and the peer's side of the reader's `count` conversations.
async fn make_fixture(
    target: &Target,
    count: u64,
) -> Result<(String, Vec<Conversation>, FixtureFigures)> {
    let options = ClientOptions::new(ApiConfig::new(target.url.clone()));
    let reader_wallet = LocalWallet::generate();
    let reader = Client::create(&reader_wallet, options.clone())
        .await
        .context("registering the reader")?;
    let recipient = PrivateKeyBundle::decode(reader.export_keys().expose())?.signed_public_bundle();
    drop(reader);
    let peer = Client::create(&LocalWallet::generate(), options)
        .await
        .context("registering the peer")?;
    let sender = Arc::new(PrivateKeyBundle::decode(peer.export_keys().expose())?);

    let started = Instant::now();
    let now = unix_ns();
    let created_ns = now - now % 1_000_000;
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    let mut sealing = JoinSet::new();
    for w in 0..workers {
        let (sender, recipient) = (Arc::clone(&sender), recipient.clone());
        sealing.spawn_blocking(move || -> Result<Vec<Envelope>> {
            let mut envelopes = Vec::new();
            for i in (w as u64..count).step_by(workers) {
                let context = invitation_v1::Context {
                    conversation_id: format!("loadgen/inbox/{i}"),
                    ..Default::default()
                };
                let invitation =
                    deterministic_invitation(&sender, &recipient, Some(context), None)?;
                let sealed = seal_invitation(&sender, &recipient, &invitation, created_ns)?;
                envelopes.extend(sealed.envelopes());
            }
            Ok(envelopes)
        });
    }
    let mut envelopes = Vec::new();
    while let Some(sealed) = sealing.join_next().await {
        envelopes.extend(sealed.context("a sealing task panicked")??);
    }
    let seal_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut publishing = JoinSet::new();
    for chunk in envelopes.chunks(FIXTURE_BATCH) {
        if publishing.len() >= FIXTURE_IN_FLIGHT
            && let Some(done) = publishing.join_next().await
        {
            done.context("a publishing task panicked")??;
        }
        let (api, chunk) = (Arc::clone(peer.api()), chunk.to_vec());
        publishing.spawn(async move { api.publish(chunk).await });
    }
    while let Some(done) = publishing.join_next().await {
        done.context("a publishing task panicked")??;
    }
    let publish_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let conversations = peer.conversations().list().await?;
    ensure!(
        conversations.len() as u64 == count,
        "the peer lists {} conversations, expected {count}",
        conversations.len()
    );
    let figures = FixtureFigures {
        conversations: count,
        seal_s,
        publish_s,
        peer_list_s: started.elapsed().as_secs_f64(),
    };
    let key = hex::encode(reader_wallet.private_key().to_bytes().expose());
    Ok((key, conversations, figures))
}

/// A listener process and its pipes.
struct ListenerProcess {
    child: Child,
    pid: u32,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl ListenerProcess {
    fn spawn(kind: Listener, target: &Target, reader_key: &str) -> Result<Self> {
        let mut command = match kind {
            Listener::Rust => {
                let exe = std::env::current_exe()?
                    .with_file_name(format!("inbox-listener{}", std::env::consts::EXE_SUFFIX));
                let mut command = Command::new(exe);
                command.env("XMTP_NODE_GRPC_URL", &target.url);
                command
            }
            Listener::Js => {
                let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("../interop/bench/inbox-listener.mjs");
                let http = target.http_url.as_deref().context(
                    "the JS listener needs the node's HTTP gateway (--http with --grpc)",
                )?;
                let mut command = Command::new("node");
                command.arg(script).env("XMTP_NODE_URL", http);
                command
            }
        };
        let mut child = command
            .env("XMTP_INBOX_READER_KEY", reader_key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting the {} listener", kind.name()))?;
        let pid = child.id().context("the listener has no process id")?;
        let stdin = child.stdin.take().context("the listener's stdin")?;
        let stdout = child.stdout.take().context("the listener's stdout")?;
        Ok(Self {
            child,
            pid,
            stdin,
            stdout: BufReader::new(stdout).lines(),
        })
    }

    /// The listener's next line, within `timeout`; lines that are not JSON objects (an SDK's
    /// own logging) are passed on to stderr.
    async fn next_line(&mut self, timeout: Duration, what: &str) -> Result<ListenerLine> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let line = tokio::time::timeout_at(deadline, self.stdout.next_line())
                .await
                .with_context(|| format!("no {what} from the listener within {timeout:?}"))??
                .with_context(|| format!("the listener exited before its {what}"))?;
            if !line.starts_with('{') {
                eprintln!("listener: {line}");
                continue;
            }
            return serde_json::from_str(&line)
                .with_context(|| format!("the listener's {what}: {line}"));
        }
    }
}

/// CPU ticks (user and system) and RSS of a process, when.
#[derive(Clone, Copy)]
struct Sample {
    at: Instant,
    ticks: u64,
    rss_kib: u64,
}

impl Sample {
    fn take(pid: u32) -> Self {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Fields after the command name: state is the first, utime the 12th, stime the 13th.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .collect();
        let field = |i: usize| -> u64 { fields.get(i).and_then(|f| f.parse().ok()).unwrap_or(0) };
        Self {
            at: Instant::now(),
            ticks: field(11) + field(12),
            rss_kib: memory_kib(pid).0,
        }
    }
}

/// Samples `pid` once a second until `end` completes; the phase from its first to its last
/// sample.
async fn watch_phase(pid: u32, end: impl Future<Output = ()>) -> Phase {
    tokio::pin!(end);
    let first = Sample::take(pid);
    let (mut max_rss, mut max_gap, mut previous) = (first.rss_kib, Duration::ZERO, first.at);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    let last = loop {
        let ended = tokio::select! {
            () = &mut end => true,
            _ = tick.tick() => false,
        };
        let sample = Sample::take(pid);
        max_rss = max_rss.max(sample.rss_kib);
        max_gap = max_gap.max(sample.at - previous);
        previous = sample.at;
        if ended {
            break sample;
        }
    };
    let seconds = (last.at - first.at).as_secs_f64();
    Phase {
        seconds,
        cpu_percent: if seconds > 0.0 {
            last.ticks.saturating_sub(first.ticks) as f64 / CLOCK_TICKS_PER_S / seconds * 100.0
        } else {
            0.0
        },
        rss_kib: [first.rss_kib, last.rss_kib, max_rss],
        max_gap_s: max_gap.as_secs_f64(),
        load_average: load_average(),
    }
}

/// One listener: start, rest, traffic, record.
async fn measure_listener(
    kind: Listener,
    target: &Target,
    args: &Args,
    reader_key: &str,
    conversations: &[Conversation],
) -> Result<(ListenerFigures, Histogram<u64>)> {
    eprintln!("loadgen: inbox: starting the {} listener", kind.name());
    let mut process = ListenerProcess::spawn(kind, target, reader_key)?;
    let ListenerLine::Live {
        create_ms,
        start_ms,
        warm_start_ms,
    } = process.next_line(LIVE_TIMEOUT, "live line").await?
    else {
        bail!("the listener reported before it was live");
    };
    eprintln!(
        "loadgen: inbox: {} live in {start_ms:.0} ms; {:.0} s at rest",
        kind.name(),
        args.rest
    );
    let rest_for = Duration::from_secs_f64(args.rest.max(0.0));
    let rest = watch_phase(process.pid, tokio::time::sleep(rest_for)).await;

    let (done, done_rx) = tokio::sync::oneshot::channel::<()>();
    let (traffic, sent) = tokio::join!(
        watch_phase(process.pid, async {
            let _ = done_rx.await;
        }),
        async {
            let sent = publish_messages(conversations, args).await;
            let _ = done.send(());
            sent
        }
    );

    let grace_ms = (args.grace.max(0.0) * 1e3) as u64;
    process
        .stdin
        .write_all(format!("finish {} {grace_ms}\n", sent.published).as_bytes())
        .await
        .context("telling the listener to finish")?;
    let wait = Duration::from_millis(grace_ms) + Duration::from_secs(60);
    let ListenerLine::Report {
        received,
        errors,
        first_error,
    } = process.next_line(wait, "report").await?
    else {
        bail!("the listener said it was live twice");
    };
    // It exits after its report; a stuck one is killed.
    if tokio::time::timeout(Duration::from_secs(10), process.child.wait())
        .await
        .is_err()
    {
        process.child.kill().await.ok();
    }

    let mut latencies = histogram();
    let mut count = vec![0u32; sent.sent_at_us.len()];
    let mut unexpected = 0;
    for (sequence, at_us) in received {
        let slot = usize::try_from(sequence).ok().filter(|&i| i < count.len());
        let sent_us = slot.map_or(0, |i| sent.sent_at_us[i].load(Ordering::Relaxed));
        match slot {
            Some(i) if sent_us > 0 => {
                count[i] += 1;
                if count[i] == 1 {
                    record(
                        &mut latencies,
                        Duration::from_micros(at_us.saturating_sub(sent_us)),
                    );
                }
            }
            _ => unexpected += 1,
        }
    }
    let (mut lost, mut duplicated, mut delivered) = (0, 0, 0);
    for (i, &n) in count.iter().enumerate() {
        if sent.sent_at_us[i].load(Ordering::Relaxed) == 0 {
            continue;
        }
        match n {
            0 => lost += 1,
            n => {
                delivered += 1;
                duplicated += u64::from(n - 1);
            }
        }
    }
    let ms = |micros: u64| micros as f64 / 1000.0;
    let figures = ListenerFigures {
        listener: kind.name(),
        create_ms,
        start_ms,
        warm_start_ms,
        rest,
        traffic,
        published: sent.published,
        delivered,
        lost,
        duplicated,
        unexpected,
        p50_ms: ms(latencies.value_at_quantile(0.5)),
        p99_ms: ms(latencies.value_at_quantile(0.99)),
        max_ms: ms(latencies.max()),
        errors: sent.errors + errors,
        first_error: sent.first_error.or(first_error),
    };
    Ok((figures, latencies))
}

/// What the publisher sent.
struct Sent {
    /// Per sequence number, µs since the Unix epoch just before its publish call; 0 when it was
    /// not published.
    sent_at_us: Arc<Vec<AtomicU64>>,
    published: u64,
    errors: u64,
    first_error: Option<String>,
}

/// Publishes `--message-rate` texts per second for `--duration` (at most `--max-ops`), message
/// `i` into conversation `i mod n`, each carrying its sequence number.
async fn publish_messages(conversations: &[Conversation], args: &Args) -> Sent {
    let capacity = (args.message_rate.max(0.0) * args.duration().as_secs_f64() * 1.2) as u64 + 1000;
    let cap = args.max_ops.unwrap_or(u64::MAX).min(capacity);
    let sent_at_us: Arc<Vec<AtomicU64>> = Arc::new((0..cap).map(|_| AtomicU64::new(0)).collect());
    let first_error = Arc::new(Mutex::new(None));
    let mut pacer = Pacer::new(args.message_rate, args.duration(), cap);
    let mut sends: JoinSet<bool> = JoinSet::new();
    let mut published = 0u64;
    let mut errors = 0u64;
    let mut tally = |done: Result<bool, tokio::task::JoinError>| match done {
        Ok(true) => published += 1,
        _ => errors += 1,
    };
    while let Some(batch) = pacer.next().await {
        for i in batch {
            while sends.len() >= SENDS_IN_FLIGHT {
                if let Some(done) = sends.join_next().await {
                    tally(done);
                }
            }
            let conversation = conversations[(i % conversations.len() as u64) as usize].clone();
            let (sent_at_us, first_error) = (Arc::clone(&sent_at_us), Arc::clone(&first_error));
            sends.spawn(async move {
                let content = Content::Text(format!("inbox {i}"));
                let sent = async {
                    let prepared = conversation
                        .prepare_message(&content, SendOptions::default())
                        .await?;
                    sent_at_us[i as usize].store(unix_ns() / 1_000, Ordering::Relaxed);
                    prepared.send().await
                };
                match sent.await {
                    Ok(_) => true,
                    Err(e) => {
                        // Not published (as far as we know): nothing is expected for it.
                        sent_at_us[i as usize].store(0, Ordering::Relaxed);
                        if let Ok(mut first) = first_error.lock() {
                            first.get_or_insert_with(|| format!("send: {e}"));
                        }
                        false
                    }
                }
            });
        }
    }
    while let Some(done) = sends.join_next().await {
        tally(done);
    }
    let first_error = first_error.lock().ok().and_then(|mut first| first.take());
    Sent {
        sent_at_us,
        published,
        errors,
        first_error,
    }
}

/// One listener's figures on one line.
pub fn listener_line(l: &ListenerFigures) -> String {
    let kib = |k: u64| format!("{:.1} MiB", k as f64 / 1024.0);
    format!(
        "{}: signed in {:.0} ms, stream live in {:.0} ms (again {:.0} ms); at rest {:.0}s (longest sample gap {:.1}s): CPU {:.2}%, RSS {} (max {}), load {}; publishing {:.0}s (gap {:.1}s): CPU {:.1}%, RSS {} (max {}), load {}; delivered {}/{} (lost {}, duplicated {}, unexpected {}), p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; errors {}",
        l.listener,
        l.create_ms,
        l.start_ms,
        l.warm_start_ms,
        l.rest.seconds,
        l.rest.max_gap_s,
        l.rest.cpu_percent,
        kib(l.rest.rss_kib[1]),
        kib(l.rest.rss_kib[2]),
        l.rest.load_average,
        l.traffic.seconds,
        l.traffic.max_gap_s,
        l.traffic.cpu_percent,
        kib(l.traffic.rss_kib[1]),
        kib(l.traffic.rss_kib[2]),
        l.traffic.load_average,
        l.delivered,
        l.published,
        l.lost,
        l.duplicated,
        l.unexpected,
        l.p50_ms,
        l.p99_ms,
        l.max_ms,
        l.errors,
    )
}
