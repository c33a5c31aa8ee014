//! The `soak` scenario (issue 17): mixed load at a steady rate for `--duration` seconds, with a
//! node restart half way, watched window by window (`--soak-window` seconds): process RSS, publish
//! and query p99, errors and deliveries. The verdict compares the first windows after `--warmup`
//! with the last ones (ten each, or a third of the windows when there are fewer than thirty): RSS
//! within 10 % and the p99 of all their publishes within 1.5x, with zero errors and nothing lost.
//!
//! The load, all through xmtp-api's `GrpcApi` (its retries ride over the restart):
//! - `--rate` envelopes/s published to random stream topics, half as single publishes, half in
//!   batches of `--batch`;
//! - `--query-rate` queries/s of `--limit` envelopes on random stream topics, each followed by the
//!   next page when the node returns a cursor;
//! - `--streams` xmtp-api `Subscription`s, one per topic, over `--stream-connections` connections:
//!   every published envelope must reach its topic's subscription exactly once, across the restart.
//!
//! With `--node-bin` the node is a child process, restarted as a process, and RSS is the node's
//! own (the load generator's is reported beside it); otherwise the node runs in process and RSS
//! is that of node and load generator together. A process keeps the heap it peaked at (the
//! allocator does not hand freed pages back), so an in-process restart, whose reconnect storm
//! peaks in both, leaves the combined figure higher than before it.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use serde::Serialize;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use xmtp_api::{ApiConfig, GrpcApi, QueryRequest, StreamEvent, XmtpApi};
use xmtp_proto::message_api::v1::{Envelope, PagingInfo};

use crate::Args;
use crate::report::{ScenarioResult, histogram, record};
use crate::scenario::{mix, open_subscription, payload, sequence_of, settle};
use crate::streams::memory_kib;
use crate::target::{Target, unix_ns};

/// One window's figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Window {
    /// Seconds since the start of measuring when the window ended.
    pub end_s: f64,
    /// Process RSS (KiB) at the window's end.
    pub rss_kib: u64,
    /// Its anonymous part (KiB): the heap, without the database file pages SQLite maps.
    pub rss_anon_kib: u64,
    /// The load generator's own RSS (KiB) when the node is a child process (`--node-bin`).
    pub loadgen_rss_kib: Option<u64>,
    /// Envelopes published in the window.
    pub published: u64,
    /// Publish p99 (ms), from each request's scheduled time.
    pub publish_p99_ms: f64,
    /// Queries (pages) answered in the window.
    pub queries: u64,
    /// Query p99 (ms).
    pub query_p99_ms: f64,
    /// Deliveries to the subscriptions in the window.
    pub delivered: u64,
}

/// What the soak measured.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SoakFigures {
    /// Every window, warm-up excluded.
    pub windows: Vec<Window>,
    /// Windows compared at each end.
    pub compared: usize,
    /// Mean RSS of the first and the last compared windows (KiB).
    pub rss_first_kib: f64,
    /// See `rss_first_kib`.
    pub rss_last_kib: f64,
    /// Mean anonymous RSS of the first and the last compared windows (KiB).
    pub rss_anon_first_kib: f64,
    /// See `rss_anon_first_kib`.
    pub rss_anon_last_kib: f64,
    /// Publish p99 over all the requests of the first and of the last compared windows (ms).
    pub p99_first_ms: f64,
    /// See `p99_first_ms`.
    pub p99_last_ms: f64,
    /// RSS within 10 %, p99 within 1.5x, no errors, nothing lost or duplicated.
    pub met: bool,
    /// Deliveries that came more than once.
    pub duplicated: u64,
    /// Seconds the node took to restart.
    pub restart_s: f64,
}

/// Latencies and counts of the window in progress.
#[derive(Default)]
struct Current {
    publish: Option<Histogram<u64>>,
    query: Option<Histogram<u64>>,
    published: u64,
    queries: u64,
}

struct Shared {
    current: Mutex<Current>,
    seen: Vec<AtomicU32>,
    /// 1 where the envelope's publish succeeded.
    published: Vec<AtomicU32>,
    next_sequence: AtomicU64,
    delivered: AtomicU64,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Shared {
    fn error(&self, error: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut first) = self.first_error.lock() {
            first.get_or_insert(error);
        }
    }

    fn record(&self, publish: bool, elapsed: Duration, count: u64) {
        if let Ok(mut current) = self.current.lock() {
            let current = &mut *current;
            let (latencies, counter) = if publish {
                (&mut current.publish, &mut current.published)
            } else {
                (&mut current.query, &mut current.queries)
            };
            record(latencies.get_or_insert_with(histogram), elapsed);
            *counter += count;
        }
    }
}

fn topic(i: u64) -> String {
    format!("/xmtp/0/m-loadgen-soak-{i}/proto")
}

fn take(current: &Mutex<Current>) -> Result<Current> {
    let mut current = current
        .lock()
        .map_err(|_| anyhow::anyhow!("a load task panicked"))?;
    Ok(std::mem::take(&mut *current))
}

fn p99(histogram: Option<&Histogram<u64>>) -> f64 {
    histogram.map_or(0.0, |h| h.value_at_quantile(0.99) as f64 / 1000.0)
}

/// p99 (ms) over every publish of `windows`, as if they were one span of time.
fn merged_p99(windows: &[Option<Histogram<u64>>]) -> f64 {
    let mut all = histogram();
    for h in windows.iter().flatten() {
        // Same bounds on both sides, so adding cannot fail.
        let _ = all.add(h);
    }
    p99(Some(&all))
}

/// Requests one driver has in flight at most; beyond, it waits (and the wait counts in the
/// latency, which runs from each request's scheduled time).
const IN_FLIGHT_PER_DRIVER: u32 = 1024;

/// An open-loop driver: starts `step(due)` at `per_s` per second until `stop`, each as its own
/// task, so a slow answer never delays the requests scheduled after it; returns when the last
/// one has finished.
async fn paced<F, Fut>(per_s: f64, mut stopped: watch::Receiver<bool>, mut step: F)
where
    F: FnMut(Instant) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    if per_s <= 0.0 {
        return;
    }
    let in_flight = Arc::new(Semaphore::new(IN_FLIGHT_PER_DRIVER as usize));
    let period = Duration::from_secs_f64(1.0 / per_s);
    let mut due = Instant::now();
    loop {
        tokio::select! {
            biased;
            _ = stopped.changed() => break,
            () = tokio::time::sleep_until(due.into()) => {}
        }
        let Ok(permit) = Arc::clone(&in_flight).acquire_owned().await else {
            break;
        };
        let request = step(due);
        tokio::spawn(async move {
            request.await;
            drop(permit);
        });
        due += period;
        // Behind by more than a second: skip ahead rather than burst.
        let now = Instant::now();
        if now > due + Duration::from_secs(1) {
            due = now;
        }
    }
    // Every request started has finished once all the permits are back.
    let _ = in_flight.acquire_many(IN_FLIGHT_PER_DRIVER).await;
}

/// Runs the scenario.
pub async fn run(target: &mut Target, args: &Args) -> Result<ScenarioResult> {
    let streams = args.streams.max(1);
    let duration = args.duration();
    let warmup = args.warmup();
    let window = Duration::from_secs_f64(args.soak_window.max(0.1));
    let capacity =
        ((args.rate.max(0.0) * (duration + warmup).as_secs_f64()) * 1.2) as usize + 10_000;
    let shared = Arc::new(Shared {
        current: Mutex::new(Current::default()),
        seen: (0..capacity).map(|_| AtomicU32::new(0)).collect(),
        published: (0..capacity).map(|_| AtomicU32::new(0)).collect(),
        next_sequence: AtomicU64::new(0),
        delivered: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        first_error: Mutex::new(None),
    });

    // Subscriptions.
    let mut stream_apis: Vec<Arc<dyn XmtpApi>> = Vec::new();
    for _ in 0..args.stream_connections {
        stream_apis.push(Arc::new(
            GrpcApi::connect(ApiConfig::new(target.url.clone())).await?,
        ));
    }
    let opening = Arc::new(Semaphore::new(256));
    let mut tasks: Vec<JoinHandle<()>> = Vec::new();
    let (opened_tx, mut opened_rx) = tokio::sync::mpsc::channel::<()>(1024);
    for s in 0..streams {
        let api = Arc::clone(&stream_apis[usize::try_from(s)? % stream_apis.len()]);
        let (shared, opening, opened_tx) =
            (Arc::clone(&shared), Arc::clone(&opening), opened_tx.clone());
        tasks.push(tokio::spawn(async move {
            let opened = open_subscription(api, topic(s), &opening).await;
            let _ = opened_tx.send(()).await;
            drop(opened_tx);
            let mut subscription = match opened {
                Ok(subscription) => subscription,
                Err(e) => return shared.error(format!("opening subscription {s}: {e}")),
            };
            while let Some(event) = subscription.next_event().await {
                match event {
                    Ok(StreamEvent::Envelope(envelope)) => {
                        let slot = sequence_of(&envelope.message)
                            .and_then(|q| shared.seen.get(usize::try_from(q).ok()?));
                        match slot {
                            Some(slot) => {
                                slot.fetch_add(1, Ordering::Relaxed);
                                shared.delivered.fetch_add(1, Ordering::Relaxed);
                            }
                            None => shared.error("an envelope of no publish".into()),
                        }
                    }
                    Ok(_) => {}
                    Err(e) => shared.error(format!("subscription {s}: {e}")),
                }
            }
        }));
    }
    drop(opened_tx);
    for _ in 0..streams {
        opened_rx
            .recv()
            .await
            .context("a subscription task ended early")?;
    }
    eprintln!("loadgen: soak: {streams} subscriptions open");

    let mut apis: Vec<Arc<dyn XmtpApi>> = Vec::new();
    for _ in 0..args.connections {
        apis.push(Arc::new(
            GrpcApi::connect(ApiConfig::new(target.url.clone())).await?,
        ));
    }
    let (stop, stopped) = watch::channel(false);
    let batch = args.batch.max(1) as u64;
    let size = args.payload;
    let mut drivers: Vec<JoinHandle<()>> = Vec::new();
    // Publishers: half the envelopes single, half in batches; one driver per connection.
    let per_connection = args.rate / 2.0 / apis.len() as f64;
    for (c, api) in apis.iter().enumerate() {
        for batched in [false, true] {
            let (api, shared) = (Arc::clone(api), Arc::clone(&shared));
            let n = if batched { batch } else { 1 };
            let rate = per_connection / n as f64;
            drivers.push(tokio::spawn(paced(rate, stopped.clone(), move |due| {
                let (api, shared) = (Arc::clone(&api), Arc::clone(&shared));
                async move {
                    let first = shared.next_sequence.fetch_add(n, Ordering::Relaxed);
                    if first + n > shared.seen.len() as u64 {
                        return;
                    }
                    let timestamp_ns = unix_ns();
                    let envelopes = (first..first + n)
                        .map(|q| Envelope {
                            content_topic: topic(mix(q) % streams),
                            timestamp_ns,
                            message: payload(size, c as u64, q),
                        })
                        .collect();
                    match api.publish(envelopes).await {
                        Ok(()) => {
                            for q in first..first + n {
                                shared.published[q as usize].store(1, Ordering::Relaxed);
                            }
                            shared.record(true, due.elapsed(), n);
                        }
                        Err(e) => shared.error(format!("publish: {e}")),
                    }
                }
            })));
        }
    }
    // Queries, each followed by its next page.
    let limit = args.limit.max(1);
    for (c, api) in apis.iter().enumerate() {
        let (api, shared) = (Arc::clone(api), Arc::clone(&shared));
        let rate = args.query_rate / apis.len() as f64;
        let mut k = c as u64;
        drivers.push(tokio::spawn(paced(rate, stopped.clone(), move |due| {
            k += 1;
            let (api, shared) = (Arc::clone(&api), Arc::clone(&shared));
            let topic = topic(mix(k ^ 0x5eed) % streams);
            async move {
                let mut request = QueryRequest {
                    content_topics: vec![topic],
                    paging_info: Some(PagingInfo {
                        limit,
                        ..PagingInfo::default()
                    }),
                    ..QueryRequest::default()
                };
                for _page in 0..2 {
                    let started = Instant::now();
                    match api.query(request.clone()).await {
                        Ok(response) => {
                            shared.record(false, due.max(started).elapsed(), 1);
                            match response.paging_info.and_then(|p| p.cursor) {
                                Some(cursor) => {
                                    if let Some(paging) = request.paging_info.as_mut() {
                                        paging.cursor = Some(cursor);
                                    }
                                }
                                None => break,
                            }
                        }
                        Err(e) => {
                            shared.error(format!("query: {e}"));
                            break;
                        }
                    }
                }
            }
        })));
    }

    // Windows, and the restart half way through the measured time.
    let mut figures = SoakFigures::default();
    let begin = Instant::now();
    let measure_from = begin + warmup;
    let end = measure_from + duration;
    let restart_at = measure_from + duration / 2;
    let mut restarted = false;
    let mut window_end = measure_from;
    // The warm-up's figures are dropped.
    tokio::time::sleep_until(measure_from.into()).await;
    let _ = take(&shared.current)?;
    let mut last_delivered = shared.delivered.load(Ordering::Relaxed);
    let mut publish_histograms: Vec<Option<Histogram<u64>>> = Vec::new();
    while window_end < end {
        window_end = (window_end + window).min(end);
        if !restarted && restart_at < window_end {
            tokio::time::sleep_until(restart_at.into()).await;
            let started = Instant::now();
            target.restart().await?;
            figures.restart_s = started.elapsed().as_secs_f64();
            eprintln!("loadgen: soak: node restarted in {:.2}s", figures.restart_s);
            restarted = true;
        }
        tokio::time::sleep_until(window_end.into()).await;
        let node_pid = target.node_pid();
        let (rss_kib, rss_anon_kib) = memory_kib(node_pid.unwrap_or_else(std::process::id));
        let current = take(&shared.current)?;
        let delivered = shared.delivered.load(Ordering::Relaxed);
        let w = Window {
            end_s: (window_end - measure_from).as_secs_f64(),
            rss_kib,
            rss_anon_kib,
            loadgen_rss_kib: node_pid.map(|_| memory_kib(std::process::id()).0),
            published: current.published,
            publish_p99_ms: p99(current.publish.as_ref()),
            queries: current.queries,
            query_p99_ms: p99(current.query.as_ref()),
            delivered: delivered - last_delivered,
        };
        last_delivered = delivered;
        publish_histograms.push(current.publish);
        eprintln!(
            "loadgen: soak {:>7.0}s  RSS {:>8} KiB (anon {:>8}, loadgen {:>8})  published {:>7} (p99 {:>7.2} ms)  queries {:>6} (p99 {:>7.2} ms)  delivered {:>7}",
            w.end_s,
            w.rss_kib,
            w.rss_anon_kib,
            w.loadgen_rss_kib.unwrap_or(0),
            w.published,
            w.publish_p99_ms,
            w.queries,
            w.query_p99_ms,
            w.delivered
        );
        figures.windows.push(w);
    }
    let _ = stop.send(true);
    for driver in drivers {
        let _ = driver.await;
    }
    // Every published envelope reaches its subscription, within the grace.
    let published: u64 = shared
        .published
        .iter()
        .map(|p| u64::from(p.load(Ordering::Relaxed)))
        .sum();
    settle(&shared.delivered, published, args.grace, tasks).await;
    let (mut lost, mut duplicated) = (0u64, 0u64);
    for (seen, wanted) in shared.seen.iter().zip(&shared.published) {
        let (seen, wanted) = (seen.load(Ordering::Relaxed), wanted.load(Ordering::Relaxed));
        lost += u64::from(wanted.saturating_sub(seen));
        duplicated += u64::from(seen.saturating_sub(wanted));
    }
    figures.duplicated = duplicated;

    let n = figures.windows.len();
    let k = if n >= 30 { 10 } else { (n / 3).max(1) };
    figures.compared = k.min(n);
    if n > 0 {
        let k = figures.compared;
        let mean = |ws: &[Window], kib: fn(&Window) -> u64| {
            ws.iter().map(|w| kib(w) as f64).sum::<f64>() / ws.len() as f64
        };
        let (first, last) = (&figures.windows[..k], &figures.windows[n - k..]);
        figures.rss_first_kib = mean(first, |w| w.rss_kib);
        figures.rss_last_kib = mean(last, |w| w.rss_kib);
        figures.rss_anon_first_kib = mean(first, |w| w.rss_anon_kib);
        figures.rss_anon_last_kib = mean(last, |w| w.rss_anon_kib);
        figures.p99_first_ms = merged_p99(&publish_histograms[..k]);
        figures.p99_last_ms = merged_p99(&publish_histograms[n - k..]);
    }
    let errors = shared.errors.load(Ordering::Relaxed) + duplicated;
    figures.met = errors == 0
        && lost == 0
        && figures.rss_last_kib <= figures.rss_first_kib * 1.1
        && figures.p99_last_ms <= figures.p99_first_ms * 1.5;

    let mut result = ScenarioResult {
        backend: target.backend,
        concurrency: streams,
        requests: figures.windows.iter().map(|w| w.queries).sum(),
        envelopes: figures.windows.iter().map(|w| w.published).sum(),
        errors,
        ..ScenarioResult::default()
    };
    if let Ok(mut first) = shared.first_error.lock()
        && let Some(error) = first.take()
    {
        result.first_error = Some(error);
    }
    result.expected = Some(published);
    result.delivered = Some(shared.delivered.load(Ordering::Relaxed));
    result.lost = Some(lost);
    result.finish(duration, &histogram());
    result.p99_ms = figures.p99_last_ms;
    result.soak = Some(figures);
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slow answer must not hold back the requests scheduled after it. The driver once
    /// awaited each request before starting the next, so with answers slower than its period
    /// the open loop became a closed one and the soak's latencies (counted from the schedule)
    /// grew to its one-second catch-up bound.
    #[tokio::test]
    async fn the_driver_starts_requests_while_earlier_ones_are_unanswered() {
        let (stop, stopped) = watch::channel(false);
        let started = Arc::new(AtomicU64::new(0));
        let finished = Arc::new(AtomicU64::new(0));
        let progress = Arc::new(tokio::sync::Notify::new());
        // No request is answered until the test opens the gate.
        let gate = Arc::new(Semaphore::new(0));
        let (s, f, p, g) = (
            Arc::clone(&started),
            Arc::clone(&finished),
            Arc::clone(&progress),
            Arc::clone(&gate),
        );
        let driver = tokio::spawn(paced(1_000.0, stopped, move |_due| {
            s.fetch_add(1, Ordering::Relaxed);
            p.notify_one();
            let (f, g) = (Arc::clone(&f), Arc::clone(&g));
            async move {
                if let Ok(permit) = g.acquire().await {
                    permit.forget();
                }
                f.fetch_add(1, Ordering::Relaxed);
            }
        }));
        // Only bounds a failure; a passing run waits for 50 starts, nothing else.
        tokio::time::timeout(Duration::from_secs(60), async {
            while started.load(Ordering::Relaxed) < 50 {
                progress.notified().await;
            }
        })
        .await
        .expect("the driver waited for unanswered requests");
        assert_eq!(finished.load(Ordering::Relaxed), 0);
        let _ = stop.send(true);
        gate.add_permits(IN_FLIGHT_PER_DRIVER as usize);
        driver.await.unwrap();
        // The driver returns only after every request it started has finished.
        assert_eq!(
            finished.load(Ordering::Relaxed),
            started.load(Ordering::Relaxed)
        );
    }
}
