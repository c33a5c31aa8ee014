//! The `reconnect-storm` scenario (issue 17): `--streams` clients, each an xmtp-api
//! `Subscription` (Subscribe2, reconnecting with jittered exponential backoff, backfilling what
//! it missed), on a topic of its own over `--stream-connections` connections. One envelope per
//! topic is published and must arrive live; then the node is restarted under them on the same
//! ports and store, one more envelope per topic is published at once (most clients are not back
//! yet: they must find it by backfill), and the scenario measures how long until every client
//! says it is live again and whether each envelope arrived exactly once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinHandle;
use xmtp_api::{ApiConfig, GrpcApi, StreamEvent, XmtpApi};
use xmtp_proto::message_api::v1::Envelope;

use crate::Args;
use crate::report::ScenarioResult;
use crate::scenario::{open_subscription, payload, sequence_of};
use crate::target::{Target, unix_ns};

/// Subscriptions being opened at once.
const OPENING_AT_ONCE: usize = 256;
/// Envelopes per publish request.
const BATCH: usize = 50;

/// What the storm measured beyond the common result line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StormFigures {
    /// Subscriptions.
    pub clients: u64,
    /// Seconds to open them all.
    pub open_s: f64,
    /// Seconds the node took to stop and start again.
    pub restart_s: f64,
    /// Seconds from the node being back to the last client live again.
    pub resubscribed_s: f64,
    /// Clients live again within the wait.
    pub resubscribed: u64,
    /// Deliveries that came more than once.
    pub duplicated: u64,
}

struct Tracker {
    /// Deliveries seen, by sequence number (two rounds of one envelope per client).
    seen: Vec<AtomicU32>,
    delivered: AtomicU64,
    opened: AtomicU64,
    reconnected: AtomicU64,
    /// Nanoseconds since `epoch` of the latest first reconnect.
    last_reconnect: AtomicU64,
    epoch: Instant,
    errors: AtomicU64,
    first_error: std::sync::Mutex<Option<String>>,
    changed: Notify,
}

impl Tracker {
    fn error(&self, error: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut first) = self.first_error.lock() {
            first.get_or_insert(error);
        }
        self.changed.notify_waiters();
    }

    fn bump(&self, counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
        self.changed.notify_waiters();
    }

    /// Waits until `done()` holds or `until` passes; true if it holds.
    async fn wait(&self, until: Instant, done: impl Fn(&Self) -> bool) -> bool {
        loop {
            let changed = self.changed.notified();
            if done(self) {
                return true;
            }
            if tokio::time::timeout_at(until.into(), changed)
                .await
                .is_err()
            {
                return done(self);
            }
        }
    }
}

fn topic(i: u64) -> String {
    format!("/xmtp/0/m-loadgen-storm-{i}/proto")
}

/// Publishes envelope `round * clients + s` on client `s`'s topic, for every client.
async fn publish_round(api: &dyn XmtpApi, clients: u64, round: u64, size: usize) -> Result<()> {
    let mut s = 0;
    while s < clients {
        let end = (s + BATCH as u64).min(clients);
        let timestamp_ns = unix_ns();
        let envelopes = (s..end)
            .map(|i| Envelope {
                content_topic: topic(i),
                timestamp_ns,
                message: payload(size, u64::MAX, round * clients + i),
            })
            .collect();
        api.publish(envelopes)
            .await
            .with_context(|| format!("publishing round {round}"))?;
        s = end;
    }
    Ok(())
}

/// Runs the scenario.
pub async fn run(target: &mut Target, args: &Args) -> Result<ScenarioResult> {
    if let Err(e) = xmtp_node::raise_open_files_limit() {
        eprintln!("loadgen: could not raise the open files limit: {e}");
    }
    let clients = args.streams;
    let tracker = Arc::new(Tracker {
        seen: (0..2 * clients).map(|_| AtomicU32::new(0)).collect(),
        delivered: AtomicU64::new(0),
        opened: AtomicU64::new(0),
        reconnected: AtomicU64::new(0),
        last_reconnect: AtomicU64::new(0),
        epoch: Instant::now(),
        errors: AtomicU64::new(0),
        first_error: std::sync::Mutex::new(None),
        changed: Notify::new(),
    });
    let mut apis: Vec<Arc<dyn XmtpApi>> = Vec::new();
    for _ in 0..args.stream_connections {
        let api = GrpcApi::connect(ApiConfig::new(target.url.clone()))
            .await
            .context("connecting the storm's clients")?;
        apis.push(Arc::new(api));
    }
    let mut figures = StormFigures {
        clients,
        ..StormFigures::default()
    };

    let opening = Arc::new(Semaphore::new(OPENING_AT_ONCE));
    let started = Instant::now();
    let mut tasks: Vec<JoinHandle<()>> = Vec::new();
    for s in 0..clients {
        let api = Arc::clone(&apis[usize::try_from(s)? % apis.len()]);
        let (tracker, opening) = (Arc::clone(&tracker), Arc::clone(&opening));
        tasks.push(tokio::spawn(async move {
            let opened = open_subscription(api, topic(s), &opening).await;
            let mut subscription = match opened {
                Ok(subscription) => subscription,
                Err(e) => return tracker.error(format!("opening subscription {s}: {e}")),
            };
            tracker.bump(&tracker.opened);
            let mut reconnected = false;
            while let Some(event) = subscription.next_event().await {
                match event {
                    Ok(StreamEvent::Envelope(envelope)) => {
                        match sequence_of(&envelope.message)
                            .and_then(|q| tracker.seen.get(usize::try_from(q).ok()?))
                        {
                            Some(slot) => {
                                slot.fetch_add(1, Ordering::Relaxed);
                                tracker.bump(&tracker.delivered);
                            }
                            None => tracker.error("an envelope of no round".into()),
                        }
                    }
                    Ok(StreamEvent::Reconnected { .. }) if !reconnected => {
                        reconnected = true;
                        let at =
                            u64::try_from(tracker.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
                        tracker.last_reconnect.fetch_max(at, Ordering::Relaxed);
                        tracker.bump(&tracker.reconnected);
                    }
                    Ok(_) => {}
                    Err(e) => tracker.error(format!("subscription {s}: {e}")),
                }
            }
        }));
    }
    let limit = Instant::now() + Duration::from_secs(600);
    tracker
        .wait(limit, |t| {
            t.opened.load(Ordering::Relaxed) + t.errors.load(Ordering::Relaxed) >= clients
        })
        .await;
    figures.open_s = started.elapsed().as_secs_f64();
    eprintln!(
        "loadgen: {clients} subscriptions over {} connections open in {:.1}s",
        apis.len(),
        figures.open_s
    );

    // Round 0: live.
    publish_round(apis[0].as_ref(), clients, 0, args.payload).await?;
    let grace = Duration::from_secs_f64(args.grace.max(0.0));
    tracker
        .wait(Instant::now() + grace, |t| {
            t.delivered.load(Ordering::Relaxed) >= clients
        })
        .await;

    // The restart, then round 1 at once.
    let restart = Instant::now();
    target.restart().await?;
    let back = Instant::now();
    figures.restart_s = (back - restart).as_secs_f64();
    let publisher = GrpcApi::connect(ApiConfig::new(target.url.clone()))
        .await
        .context("reconnecting the publisher")?;
    publish_round(&publisher, clients, 1, args.payload).await?;
    let wait_for = Duration::from_secs(args.reconnect_wait);
    let all_back = tracker
        .wait(back + wait_for, |t| {
            t.reconnected.load(Ordering::Relaxed) >= clients
        })
        .await;
    figures.resubscribed = tracker.reconnected.load(Ordering::Relaxed);
    let last = tracker.epoch + Duration::from_nanos(tracker.last_reconnect.load(Ordering::Relaxed));
    figures.resubscribed_s = last.saturating_duration_since(back).as_secs_f64();
    tracker
        .wait(Instant::now() + grace, |t| {
            t.delivered.load(Ordering::Relaxed) >= 2 * clients
        })
        .await;
    for task in &tasks {
        task.abort();
    }
    for task in tasks {
        let _ = task.await;
    }

    let mut result = ScenarioResult {
        backend: target.backend,
        concurrency: clients,
        requests: 2 * clients.div_ceil(BATCH as u64),
        envelopes: 2 * clients,
        ..ScenarioResult::default()
    };
    let (mut lost, mut duplicated) = (0u64, 0u64);
    for slot in &tracker.seen {
        match slot.load(Ordering::Relaxed) {
            0 => lost += 1,
            n => duplicated += u64::from(n - 1),
        }
    }
    figures.duplicated = duplicated;
    result.errors = tracker.errors.load(Ordering::Relaxed) + duplicated;
    if !all_back {
        result.errors += clients - figures.resubscribed;
        result.first_error = Some(format!(
            "{} of {clients} clients live again within {}s",
            figures.resubscribed,
            wait_for.as_secs()
        ));
    }
    if let Ok(mut first) = tracker.first_error.lock()
        && let Some(error) = first.take()
    {
        result.first_error.get_or_insert(error);
    }
    result.expected = Some(2 * clients);
    result.delivered = Some(tracker.delivered.load(Ordering::Relaxed));
    result.lost = Some(lost);
    result.finish(back.elapsed(), &crate::report::histogram());
    result.storm = Some(figures);
    Ok(result)
}
