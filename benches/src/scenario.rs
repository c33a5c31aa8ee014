//! The workloads.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tonic::metadata::{Ascii, MetadataValue};
use xmtp_proto::message_api::v1::{
    Cursor, Envelope, PagingInfo, PublishRequest, QueryRequest, SubscribeRequest,
};

use crate::report::{ScenarioResult, histogram, record};
use crate::target::{Client, Target, unix_ns};
use crate::{Args, Scenario};

/// Runs one scenario against a fresh node.
pub async fn run(scenario: Scenario, args: &Args) -> Result<ScenarioResult> {
    match scenario {
        Scenario::Sync => return crate::sync::run(args).await,
        Scenario::Propagation => return crate::propagation::run(args).await,
        _ => {}
    }
    let (mut target, relay_peer) = if args.relay_peer {
        let (target, peer) = crate::propagation::with_relay_peer(args).await?;
        (target, Some(peer))
    } else {
        (Target::start(args).await?, None)
    };
    eprintln!(
        "loadgen: {} on {} ({}){}",
        scenario.name(),
        target.backend,
        target.url,
        if relay_peer.is_some() {
            ", relaying to a peer"
        } else {
            ""
        }
    );
    let result = match scenario {
        Scenario::Publish => closed_loop(&target, args, Work::publish(args, 1)).await,
        Scenario::PublishBatch => closed_loop(&target, args, Work::publish(args, args.batch)).await,
        Scenario::Query => match preload_topics(&target, args, args.query_preload).await {
            Ok(()) => closed_loop(&target, args, Work::query(args)).await,
            Err(e) => Err(e),
        },
        Scenario::QueryCursor => match cursor_work(&target, args).await {
            Ok(work) => closed_loop(&target, args, work).await,
            Err(e) => Err(e),
        },
        Scenario::Fanout => fanout(&target, &[&target], args).await,
        Scenario::Streams => crate::streams::run(&target, args).await,
        Scenario::ReconnectStorm => crate::storm::run(&mut target, args).await,
        Scenario::Soak => crate::soak::run(&mut target, args).await,
        Scenario::Inbox => crate::inbox::run(&target, args).await,
        Scenario::Sync | Scenario::Propagation => {
            Err(anyhow::anyhow!("{} starts its own nodes", scenario.name()))
        }
    };
    target.finish().await?;
    if let Some(peer) = relay_peer {
        peer.finish().await?;
    }
    let mut result = result?;
    result.scenario = scenario.name();
    result.auth = args.auth;
    Ok(result)
}

/// A cheap deterministic mix (splitmix64), to spread requests over topics.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn publish_topic(i: u64) -> String {
    format!("/xmtp/0/m-loadgen-{i}/proto")
}

fn query_topic(i: u64) -> String {
    format!("/xmtp/0/m-loadgen-query-{i}/proto")
}

fn fanout_topic(i: u64) -> String {
    format!("/xmtp/0/m-loadgen-fanout-{i}/proto")
}

/// The sequence number `b` a [`payload`] carries.
pub(crate) fn sequence_of(message: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(message.get(8..16)?.try_into().ok()?))
}

/// Opens an xmtp-api subscription to one topic, at most `opening`'s permits at a time.
pub(crate) async fn open_subscription(
    api: Arc<dyn xmtp_api::XmtpApi>,
    topic: String,
    opening: &tokio::sync::Semaphore,
) -> Result<xmtp_api::Subscription> {
    let _permit = opening.acquire().await?;
    Ok(
        xmtp_api::Subscription::open(api, vec![topic], xmtp_api::SubscriptionOptions::default())
            .await?,
    )
}

/// Waits up to `grace` for `delivered` to reach `expected`, then ends the stream tasks.
pub(crate) async fn settle(
    delivered: &AtomicU64,
    expected: u64,
    grace: f64,
    tasks: Vec<JoinHandle<()>>,
) {
    let until = Instant::now() + Duration::from_secs_f64(grace.max(0.0));
    while delivered.load(Ordering::Relaxed) < expected && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for task in &tasks {
        task.abort();
    }
    for task in tasks {
        let _ = task.await;
    }
}

/// Paces an open-loop publisher: every millisecond, how many envelopes are due (at most 50, the
/// batch limit), until the duration or the count cap is reached.
pub(crate) struct Pacer {
    start: Instant,
    end: Instant,
    rate: f64,
    cap: u64,
    /// Envelopes handed out so far.
    pub sent: u64,
    tick: tokio::time::Interval,
}

impl Pacer {
    pub(crate) fn new(rate: f64, duration: Duration, cap: u64) -> Self {
        let start = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        Self {
            start,
            end: start + duration,
            rate: rate.max(0.001),
            cap,
            sent: 0,
            tick,
        }
    }

    /// The next batch as a range of sequence numbers, or `None` when done.
    pub(crate) async fn next(&mut self) -> Option<std::ops::Range<u64>> {
        loop {
            self.tick.tick().await;
            let now = Instant::now();
            if now >= self.end || self.sent >= self.cap {
                return None;
            }
            let due = (((now - self.start).as_secs_f64() * self.rate) as u64 + 1).min(self.cap);
            let n = due.saturating_sub(self.sent).min(50);
            if n > 0 {
                let range = self.sent..self.sent + n;
                self.sent += n;
                return Some(range);
            }
        }
    }

    /// When pacing began.
    pub(crate) fn start(&self) -> Instant {
        self.start
    }
}

/// Publishes one request of a paced publisher and counts it in `result`; true if it succeeded.
pub(crate) async fn publish_counted(
    publisher: &mut Client,
    target: &Target,
    envelopes: Vec<Envelope>,
    result: &mut ScenarioResult,
) -> bool {
    let n = envelopes.len() as u64;
    match publisher
        .publish(request(
            target.authorization.as_ref(),
            PublishRequest { envelopes },
        ))
        .await
    {
        Ok(_) => {
            result.requests += 1;
            result.envelopes += n;
            true
        }
        Err(status) => {
            result.errors += 1;
            result
                .first_error
                .get_or_insert_with(|| format!("publish: {status}"));
            false
        }
    }
}

/// A `len`-byte payload, unique per (`a`, `b`) so that no two envelopes share a dedupe key.
pub(crate) fn payload(len: usize, a: u64, b: u64) -> Vec<u8> {
    let mut body = vec![0x5a; len];
    body[..8].copy_from_slice(&a.to_be_bytes());
    body[8..16].copy_from_slice(&b.to_be_bytes());
    body
}

pub(crate) fn request<T>(
    authorization: Option<&MetadataValue<Ascii>>,
    message: T,
) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Some(value) = authorization {
        request
            .metadata_mut()
            .insert("authorization", value.clone());
    }
    request
}

/// What each closed-loop client does per request.
#[derive(Clone)]
enum Work {
    Publish {
        batch: usize,
        topics: u64,
        payload: usize,
    },
    Query {
        topics: u64,
        limit: u32,
        /// Envelopes each page must hold.
        expect: usize,
        /// The cursor after the first page of each topic, to ask for the second page.
        cursors: Option<Arc<Vec<Cursor>>>,
    },
}

impl Work {
    fn publish(args: &Args, batch: usize) -> Self {
        Self::Publish {
            batch,
            topics: args.topics,
            payload: args.payload,
        }
    }

    fn query(args: &Args) -> Self {
        let limit = if args.limit == 0 { 100 } else { args.limit };
        Self::Query {
            topics: args.query_topics,
            limit: args.limit,
            expect: usize::try_from(u64::from(limit).min(args.query_preload)).unwrap_or(0),
            cursors: None,
        }
    }
}

/// When a client measures and when it stops.
#[derive(Clone)]
struct Window {
    measure_from: Instant,
    until: Instant,
    /// Measured requests left (`--max-ops`).
    budget: Option<Arc<AtomicI64>>,
}

struct ClientStats {
    requests: u64,
    envelopes: u64,
    errors: u64,
    first_error: Option<String>,
    latencies: Histogram<u64>,
    last_done: Instant,
}

async fn client_loop(
    id: u64,
    mut client: Client,
    work: Work,
    authorization: Option<MetadataValue<Ascii>>,
    window: Window,
    period: Option<Duration>,
    stagger: Duration,
) -> ClientStats {
    let mut stats = ClientStats {
        requests: 0,
        envelopes: 0,
        errors: 0,
        first_error: None,
        latencies: histogram(),
        last_done: window.measure_from,
    };
    let mut scheduled = Instant::now() + stagger;
    for seq in 0u64.. {
        // Open loop: latency counts from the scheduled send time (no coordinated omission).
        let started = match period {
            Some(period) => {
                tokio::time::sleep_until(scheduled.into()).await;
                let at = scheduled;
                scheduled += period;
                at
            }
            None => Instant::now(),
        };
        if started >= window.until {
            break;
        }
        let measured = started >= window.measure_from;
        if measured
            && let Some(budget) = &window.budget
            && budget.fetch_sub(1, Ordering::Relaxed) <= 0
        {
            break;
        }
        let outcome = match &work {
            Work::Publish {
                batch,
                topics,
                payload: len,
                ..
            } => {
                let key = (id << 40) | seq;
                let timestamp_ns = unix_ns();
                let envelopes = (0..*batch as u64)
                    .map(|i| Envelope {
                        content_topic: publish_topic(mix(key ^ (i << 24)) % topics),
                        timestamp_ns,
                        message: payload(*len, key, i),
                    })
                    .collect::<Vec<_>>();
                let count = envelopes.len() as u64;
                client
                    .publish(request(
                        authorization.as_ref(),
                        PublishRequest { envelopes },
                    ))
                    .await
                    .map(|_| count)
                    .map_err(|status| format!("publish: {status}"))
            }
            Work::Query {
                topics,
                limit,
                expect,
                cursors,
            } => {
                let topic = mix((id << 40) | seq) % topics;
                let cursor = cursors
                    .as_ref()
                    .and_then(|c| c.get(topic as usize).cloned());
                let query = QueryRequest {
                    content_topics: vec![query_topic(topic)],
                    start_time_ns: 0,
                    end_time_ns: 0,
                    paging_info: Some(PagingInfo {
                        limit: *limit,
                        cursor,
                        direction: 0,
                    }),
                };
                match client.query(request(None, query)).await {
                    Ok(response) => {
                        let got = response.into_inner().envelopes.len();
                        if got == *expect {
                            Ok(got as u64)
                        } else {
                            Err(format!("query: page of {got} envelopes, expected {expect}"))
                        }
                    }
                    Err(status) => Err(format!("query: {status}")),
                }
            }
        };
        let done = Instant::now();
        if measured {
            stats.last_done = done;
            match outcome {
                Ok(envelopes) => {
                    stats.requests += 1;
                    stats.envelopes += envelopes;
                    record(&mut stats.latencies, done - started);
                }
                Err(e) => {
                    stats.errors += 1;
                    stats.first_error.get_or_insert(e);
                }
            }
        }
    }
    stats
}

/// `--concurrency` clients over `--connections` connections, each sending its next request as
/// soon as the last one is answered (or on its schedule with `--rate`).
async fn closed_loop(target: &Target, args: &Args, work: Work) -> Result<ScenarioResult> {
    let clients = target.clients(args.connections).await?;
    let start = Instant::now();
    let measure_from = start + args.warmup();
    let window = Window {
        measure_from,
        until: measure_from + args.duration(),
        budget: args
            .max_ops
            .map(|n| Arc::new(AtomicI64::new(i64::try_from(n).unwrap_or(i64::MAX)))),
    };
    let concurrency = args.concurrency;
    let period = (args.rate > 0.0).then(|| Duration::from_secs_f64(concurrency as f64 / args.rate));
    let tasks: Vec<JoinHandle<ClientStats>> = (0..concurrency)
        .map(|i| {
            let stagger =
                period.map_or(Duration::ZERO, |p| p.mul_f64(i as f64 / concurrency as f64));
            tokio::spawn(client_loop(
                i as u64,
                clients[i % clients.len()].clone(),
                work.clone(),
                target.authorization.clone(),
                window.clone(),
                period,
                stagger,
            ))
        })
        .collect();
    let mut result = ScenarioResult {
        backend: target.backend,
        concurrency: concurrency as u64,
        ..ScenarioResult::default()
    };
    let mut latencies = histogram();
    let mut last_done = measure_from;
    for task in tasks {
        let stats = task.await.context("a client task panicked")?;
        result.requests += stats.requests;
        result.envelopes += stats.envelopes;
        result.errors += stats.errors;
        if result.first_error.is_none() {
            result.first_error = stats.first_error;
        }
        latencies
            .add(&stats.latencies)
            .context("merging histograms")?;
        last_done = last_done.max(stats.last_done);
    }
    result.finish(
        last_done.saturating_duration_since(measure_from),
        &latencies,
    );
    Ok(result)
}

/// Pre-loads `--limit` + `--cursor-rows` envelopes per query topic and takes the cursor after
/// each topic's first page: every measured query then asks for a second page of `--cursor-rows`.
async fn cursor_work(target: &Target, args: &Args) -> Result<Work> {
    let limit = if args.limit == 0 { 100 } else { args.limit };
    preload_topics(target, args, u64::from(limit) + args.cursor_rows).await?;
    let mut client = target
        .clients(1)
        .await?
        .pop()
        .context("no query connection")?;
    let mut cursors = Vec::new();
    for topic in 0..args.query_topics {
        let page = client
            .query(request(
                None,
                QueryRequest {
                    content_topics: vec![query_topic(topic)],
                    start_time_ns: 0,
                    end_time_ns: 0,
                    paging_info: Some(PagingInfo {
                        limit: args.limit,
                        cursor: None,
                        direction: 0,
                    }),
                },
            ))
            .await
            .context("first page")?
            .into_inner();
        cursors.push(
            page.paging_info
                .and_then(|p| p.cursor)
                .context("the node returned no cursor after a full page")?,
        );
    }
    Ok(Work::Query {
        topics: args.query_topics,
        limit: args.limit,
        expect: usize::try_from(args.cursor_rows)?,
        cursors: Some(Arc::new(cursors)),
    })
}

/// Publishes `per_topic` envelopes on each of `--query-topics` topics, 50 per request.
/// Publishes `per_topic` envelopes on each of `--query-topics` topics, dated within the last
/// hour, 50 per request.
pub(crate) async fn preload_topics(target: &Target, args: &Args, per_topic: u64) -> Result<()> {
    let clients = target.clients(args.connections).await?;
    let started = Instant::now();
    let base_ns = unix_ns() - 3_600_000_000_000;
    let workers = (args.connections * 4) as u64;
    let tasks: Vec<JoinHandle<Result<()>>> = (0..workers)
        .map(|w| {
            let mut client = clients[w as usize % clients.len()].clone();
            let authorization = target.authorization.clone();
            let (topics, len) = (args.query_topics, args.payload);
            tokio::spawn(async move {
                for topic in (w..topics).step_by(workers as usize) {
                    let all: Vec<u64> = (0..per_topic).collect();
                    for chunk in all.chunks(50) {
                        let envelopes = chunk
                            .iter()
                            .map(|&i| Envelope {
                                content_topic: query_topic(topic),
                                timestamp_ns: base_ns + i * 1_000,
                                message: payload(len, topic, i),
                            })
                            .collect();
                        client
                            .publish(request(
                                authorization.as_ref(),
                                PublishRequest { envelopes },
                            ))
                            .await
                            .context("pre-loading query topics")?;
                    }
                }
                Ok(())
            })
        })
        .collect();
    for task in tasks {
        task.await.context("a pre-load task panicked")??;
    }
    eprintln!(
        "loadgen: pre-loaded {} topics x {} envelopes in {:.1}s",
        args.query_topics,
        per_topic,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

struct StreamStats {
    latencies: Histogram<u64>,
    error: Option<String>,
}

/// `--streams` subscriptions spread over `--fanout-topics` topics and over the nodes of
/// `listeners` (round-robin); one publisher on `target` sends `--fanout-rate` envelopes/s
/// round-robin over the topics (single-envelope requests, batched up to 50 only when it falls
/// behind), then waits up to `--grace` for every delivery.
pub(crate) async fn fanout(
    target: &Target,
    listeners: &[&Target],
    args: &Args,
) -> Result<ScenarioResult> {
    let mut stream_clients = Vec::new();
    for listener in listeners {
        stream_clients.extend(listener.clients(args.stream_connections).await?);
    }
    let mut publisher = target
        .clients(1)
        .await?
        .pop()
        .context("no publisher connection")?;
    let topics = args.fanout_topics;
    let mut subscribers = vec![0u64; usize::try_from(topics)?];
    let delivered = Arc::new(AtomicU64::new(0));
    // Nanoseconds from `start` to the latest delivery.
    let last_delivery = Arc::new(AtomicU64::new(0));
    let (stop, stopped) = watch::channel(false);
    let start_cell = Arc::new(std::sync::OnceLock::<Instant>::new());

    let opening = Instant::now();
    let mut tasks: Vec<JoinHandle<StreamStats>> = Vec::new();
    for s in 0..args.streams {
        let topic = s % topics;
        subscribers[usize::try_from(topic)?] += 1;
        let mut client = stream_clients[usize::try_from(s)? % stream_clients.len()].clone();
        // Returns once the node has registered the subscription (it answers with headers first).
        let mut stream = client
            .subscribe(request(
                None,
                SubscribeRequest {
                    content_topics: vec![fanout_topic(topic)],
                },
            ))
            .await
            .with_context(|| format!("opening stream {s}"))?
            .into_inner();
        let (delivered, last_delivery, start_cell) = (
            Arc::clone(&delivered),
            Arc::clone(&last_delivery),
            Arc::clone(&start_cell),
        );
        let mut stopped = stopped.clone();
        tasks.push(tokio::spawn(async move {
            let mut stats = StreamStats {
                latencies: histogram(),
                error: None,
            };
            loop {
                tokio::select! {
                    biased;
                    message = stream.message() => match message {
                        Ok(Some(envelope)) => {
                            delivered.fetch_add(1, Ordering::Relaxed);
                            let now_ns = unix_ns();
                            record(
                                &mut stats.latencies,
                                Duration::from_nanos(now_ns.saturating_sub(envelope.timestamp_ns)),
                            );
                            if let Some(start) = start_cell.get() {
                                let at = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
                                last_delivery.fetch_max(at, Ordering::Relaxed);
                            }
                        }
                        Ok(None) => {
                            stats.error = Some("stream ended by the node".into());
                            break;
                        }
                        Err(status) => {
                            stats.error = Some(format!("stream: {status}"));
                            break;
                        }
                    },
                    _ = stopped.changed() => break,
                }
            }
            stats
        }));
    }
    eprintln!(
        "loadgen: opened {} streams over {} connections in {:.1}s",
        args.streams,
        stream_clients.len(),
        opening.elapsed().as_secs_f64()
    );

    let mut result = ScenarioResult {
        backend: target.backend,
        concurrency: args.streams,
        ..ScenarioResult::default()
    };
    let mut pacer = Pacer::new(
        args.fanout_rate,
        args.duration(),
        args.max_ops.unwrap_or(u64::MAX),
    );
    let _ = start_cell.set(pacer.start());
    let mut expected = 0u64;
    while let Some(batch) = pacer.next().await {
        let timestamp_ns = unix_ns();
        let envelopes: Vec<Envelope> = batch
            .clone()
            .map(|i| Envelope {
                content_topic: fanout_topic(i % topics),
                timestamp_ns,
                message: payload(args.payload, u64::MAX, i),
            })
            .collect();
        let reach: u64 = batch.map(|i| subscribers[(i % topics) as usize]).sum();
        if publish_counted(&mut publisher, target, envelopes, &mut result).await {
            expected += reach;
        }
    }
    let grace_until = Instant::now() + Duration::from_secs_f64(args.grace.max(0.0));
    while delivered.load(Ordering::Relaxed) < expected && Instant::now() < grace_until {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = stop.send(true);
    let mut latencies = histogram();
    for task in tasks {
        let stats = task.await.context("a stream task panicked")?;
        latencies
            .add(&stats.latencies)
            .context("merging histograms")?;
        if let Some(e) = stats.error {
            result.errors += 1;
            result.first_error.get_or_insert(e);
        }
    }
    let delivered = delivered.load(Ordering::Relaxed);
    if delivered > expected {
        result.errors += 1;
        result.first_error.get_or_insert_with(|| {
            format!("{} deliveries more than published", delivered - expected)
        });
    }
    result.expected = Some(expected);
    result.delivered = Some(delivered);
    result.lost = Some(expected.saturating_sub(delivered));
    let elapsed = Duration::from_nanos(last_delivery.load(Ordering::Relaxed));
    result.finish(elapsed.max(Duration::from_micros(1)), &latencies);
    Ok(result)
}
