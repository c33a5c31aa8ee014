//! Subscriptions that survive real networks: they resubscribe with backoff after any failure,
//! backfill what was published while they were away, and never deliver an envelope twice.

use std::collections::{BTreeSet, HashMap};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use rand::RngExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use xmtp_proto::message_api::v1::{Envelope, SubscribeRequest};

use crate::api::{TopicStream, XmtpApi};
use crate::error::{Error, Result};
use crate::paging::{QueryOptions, query_pages};
use crate::retry::RetryPolicy;
use xmtp_keystore::{Clock, SystemClock};

/// Topics per backfill query (a query may name many topics; the node merges them).
const BACKFILL_TOPICS_PER_QUERY: usize = 100;

/// Digests of delivered envelopes a subscription remembers at most. Beyond this (more
/// envelopes delivered within one `skew_window`, or many dated far ahead), the far-future ones
/// and then the oldest are forgotten, and a backfill may deliver those again.
const MAX_REMEMBERED: usize = 65_536;

/// What a [`Subscription`] yields.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum StreamEvent {
    /// An envelope, delivered once.
    Envelope(Envelope),
    /// The stream broke; it is being re-established.
    Disconnected {
        /// Why it broke.
        reason: String,
    },
    /// The stream is live again; envelopes stamped from `since_ns` on that were missed follow.
    Reconnected {
        /// Sender timestamp from which the backfill ran: never before the subscription started.
        since_ns: u64,
    },
}

/// How a [`Subscription`] behaves.
#[derive(Clone, Debug)]
pub struct SubscriptionOptions {
    /// Where "now" comes from: the start, and the bounds of every backfill.
    pub clock: Arc<dyn Clock>,
    /// Also deliver stored envelopes from this sender timestamp on before going live, and let
    /// backfills after reconnects reach back to it. `None`: the stream starts now, by `clock`,
    /// and delivers nothing stamped earlier but what the node relays live.
    pub backfill_from_ns: Option<u64>,
    /// Sender clocks lag: a backfill after a reconnect reads from this long before the previous
    /// connection was last known alive (never before the start), and delivered digests are
    /// remembered for as long to drop the overlap.
    pub skew_window: Duration,
    /// Sender clocks run ahead: a backfill reads envelopes stamped up to this long after now,
    /// and no further (garbage dated years ahead is never fetched).
    pub future_window: Duration,
    /// Resubscribe (with backfill) when nothing arrived for this long, in case a middlebox
    /// silently dropped the connection. `None` relies on HTTP/2 keepalive alone.
    pub idle_timeout: Option<Duration>,
    /// Spacing of resubscription attempts.
    pub retry: RetryPolicy,
    /// Events buffered for a slow reader before the stream pushes back on the node.
    pub buffer: usize,
}

impl Default for SubscriptionOptions {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            backfill_from_ns: None,
            skew_window: Duration::from_secs(300),
            future_window: Duration::from_secs(300),
            idle_timeout: Some(Duration::from_secs(600)),
            retry: RetryPolicy {
                initial_delay: Duration::from_millis(250),
                max_delay: Duration::from_secs(30),
                max_retries: u32::MAX,
            },
            buffer: 1024,
        }
    }
}

enum Control {
    /// Replace the topic set.
    SetTopics(BTreeSet<String>),
    /// Add `topics` and, once the node has applied that, deliver what is stored on them
    /// stamped from `since_ns` on.
    AddTopics { topics: Vec<String>, since_ns: u64 },
}

/// Prefix of the ephemeral topics that confirm a topic change (see [`Subscription::add_topics`]).
const PROBE_PREFIX: &str = "/xmtp/0/mE-xmtp-rs-probe-";

/// A reconnecting, backfilling, de-duplicating subscription. A `Stream` of [`StreamEvent`]s;
/// dropping it ends the subscription.
///
/// # What it delivers
///
/// Everything the node relays on the subscribed topics after it registered the subscription
/// ([`Subscription::open`] returns only then), whatever the envelopes' timestamps; and, after a
/// reconnect, what a query finds stamped from `max(start, alive − skew_window)` to
/// `now + future_window`, where every time but the stamps is the subscription's own
/// [`Clock`]: `start` is when it was opened and `alive` when its previous connection was last
/// known to work (its registration or its last envelope). Envelope timestamps are set by
/// senders and never move these bounds, so an envelope dated years ahead changes nothing.
///
/// "Newer than the start" therefore means stamped at or after the start by this clock, to the
/// millisecond (the precision of message stamps). With
/// senders' clocks off by up to `skew_window` behind or `future_window` ahead, every envelope
/// published while the stream was away is backfilled, except one published within the
/// sender's lag after the start by a sender whose clock is behind (it stays in the topic's
/// history). Conversely, an envelope published shortly before the start by a sender whose clock
/// is ahead carries a stamp after the start and may be delivered after a reconnect. Each
/// envelope is delivered once: digests of delivered envelopes are kept while a backfill can
/// read them again, at most 65,536 of them.
pub struct Subscription {
    events: mpsc::Receiver<Result<StreamEvent>>,
    control: mpsc::UnboundedSender<Control>,
    topics: BTreeSet<String>,
    clock: Arc<dyn Clock>,
    task: JoinHandle<()>,
}

/// A subscription's ends before its worker runs.
struct Ends {
    events: mpsc::Receiver<Result<StreamEvent>>,
    control: mpsc::UnboundedSender<Control>,
    topics: BTreeSet<String>,
    clock: Arc<dyn Clock>,
}

impl Subscription {
    /// Subscribes to `topics` and returns once the node has registered the subscription, so
    /// that every envelope published after this returns is delivered (ephemeral ones too, which
    /// no backfill could find). Fails if the first attempt to subscribe fails; later failures
    /// are retried in the background.
    pub async fn open(
        api: Arc<dyn XmtpApi>,
        topics: Vec<String>,
        options: SubscriptionOptions,
    ) -> Result<Self> {
        let (worker, ends) = Worker::new(api, topics, options);
        let stream = worker
            .api
            .subscribe_dynamic(ends.topics.iter().cloned().collect())
            .await?;
        Ok(Self::run(worker, ends, Some(stream)))
    }

    /// Starts subscribing to `topics` in the background and returns at once: envelopes
    /// published before the node registers the subscription are delivered only if
    /// [`SubscriptionOptions::backfill_from_ns`] reaches them (ephemeral ones never). Prefer
    /// [`Self::open`].
    pub fn start(api: Arc<dyn XmtpApi>, topics: Vec<String>, options: SubscriptionOptions) -> Self {
        let (worker, ends) = Worker::new(api, topics, options);
        Self::run(worker, ends, None)
    }

    fn run(worker: Worker, ends: Ends, first: Option<TopicStream>) -> Self {
        Self {
            events: ends.events,
            control: ends.control,
            topics: ends.topics,
            clock: ends.clock,
            task: tokio::spawn(worker.run(first)),
        }
    }

    /// The topics currently subscribed.
    pub fn topics(&self) -> impl Iterator<Item = &str> {
        self.topics.iter().map(String::as_str)
    }

    /// Adds topics to the live stream without reconnecting. Nothing published on them after
    /// this returns is missed: the stream delivers what the node relays once it has applied the
    /// change, and what is stored on the new topics from now (by the clock, to the millisecond)
    /// until then. Ephemeral envelopes published before the node applied the change are lost.
    pub fn add_topics(&mut self, topics: impl IntoIterator<Item = String>) -> Result<()> {
        let now = self.clock.now_ns();
        self.add_topics_since(topics, now - now % 1_000_000)
    }

    /// [`Self::add_topics`], also delivering what is stored on the new topics stamped from
    /// `since_ns` on (e.g. a new conversation's history), each envelope once.
    ///
    /// A node does not acknowledge a change of the topic set, so the stream confirms it itself:
    /// it adds a fresh ephemeral probe topic to the change, publishes a probe envelope there
    /// (again, with backoff, until it arrives) and reads the stored envelopes of the new topics
    /// once the probe came back on the stream. Where publishing fails (an API without auth
    /// tokens) it resubscribes instead, which the node confirms.
    pub fn add_topics_since(
        &mut self,
        topics: impl IntoIterator<Item = String>,
        since_ns: u64,
    ) -> Result<()> {
        let topics: Vec<String> = topics
            .into_iter()
            .filter(|t| !self.topics.contains(t))
            .collect();
        if topics.is_empty() {
            return Ok(());
        }
        self.topics.extend(topics.iter().cloned());
        self.control
            .send(Control::AddTopics { topics, since_ns })
            .map_err(|_| Error::SubscriptionClosed)
    }

    /// Removes topics from the live stream without reconnecting.
    pub fn remove_topics<'a>(&mut self, topics: impl IntoIterator<Item = &'a str>) -> Result<()> {
        for topic in topics {
            self.topics.remove(topic);
        }
        self.push_topics()
    }

    fn push_topics(&self) -> Result<()> {
        self.control
            .send(Control::SetTopics(self.topics.clone()))
            .map_err(|_| Error::SubscriptionClosed)
    }

    /// The next event; `None` once the subscription has ended.
    pub async fn next_event(&mut self) -> Option<Result<StreamEvent>> {
        self.events.recv().await
    }
}

impl Stream for Subscription {
    type Item = Result<StreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Digests of delivered envelopes with their timestamps, kept while a backfill may read them
/// again, at most [`MAX_REMEMBERED`].
struct Seen {
    digests: HashMap<[u8; 32], u64>,
    /// Prune when the map reaches this size.
    prune_at: usize,
    /// Prune when the horizon passes this stamp, even with few digests: a quiet subscription
    /// forgets what no backfill can read any more, instead of holding it until `prune_at`.
    prune_after_ns: u64,
}

impl Seen {
    fn new() -> Self {
        Self {
            digests: HashMap::new(),
            prune_at: 4096,
            prune_after_ns: 0,
        }
    }

    /// Records the envelope; false if it was delivered before. `horizon` is the oldest stamp a
    /// backfill can still read, `future` the newest one it reads now.
    fn first_time(&mut self, envelope: &Envelope, horizon: u64, future: u64) -> bool {
        let digest =
            xmtp_crypto::sha256_concat(&[envelope.content_topic.as_bytes(), &envelope.message]);
        if self.digests.insert(digest, envelope.timestamp_ns).is_some() {
            return false;
        }
        if self.digests.len() >= self.prune_at || horizon > self.prune_after_ns {
            self.prune(horizon, future);
        }
        true
    }

    fn prune(&mut self, horizon: u64, future: u64) {
        self.digests.retain(|_, ts| *ts >= horizon);
        if self.digests.len() > MAX_REMEMBERED {
            // Dated beyond what a backfill reads now: only a clock that is far off reaches them.
            self.digests.retain(|_, ts| *ts <= future);
        }
        if self.digests.len() > MAX_REMEMBERED {
            // Still too many within the window: forget the oldest, down to three quarters so
            // that this stays rare.
            let mut by_age: Vec<([u8; 32], u64)> =
                self.digests.iter().map(|(d, ts)| (*d, *ts)).collect();
            let excess = by_age.len() - MAX_REMEMBERED * 3 / 4;
            by_age.select_nth_unstable_by_key(excess, |(_, ts)| *ts);
            for (digest, _) in &by_age[..excess] {
                self.digests.remove(digest);
            }
        }
        self.prune_at = (self.digests.len() * 2).clamp(4096, MAX_REMEMBERED + 1);
        // Next time the horizon has moved on by half the span a backfill reads: what is kept
        // stays within one and a half spans, and pruning costs one pass per half span.
        self.prune_after_ns = horizon.saturating_add(future.saturating_sub(horizon) / 2);
        // A map that once held a burst gives the memory back.
        if self.digests.capacity() > 4 * self.digests.len() + 64 {
            self.digests.shrink_to(2 * self.digests.len());
        }
    }
}

struct Worker {
    api: Arc<dyn XmtpApi>,
    topics: BTreeSet<String>,
    seen: Seen,
    /// The subscription's start by its clock, or `backfill_from_ns`: no backfill reads earlier.
    floor_ns: u64,
    /// By the clock, when the current (or last) connection was last known to work.
    alive_ns: u64,
    options: SubscriptionOptions,
    events: mpsc::Sender<Result<StreamEvent>>,
    control: mpsc::UnboundedReceiver<Control>,
    /// Backfills of added topics that wait until the node has applied the change.
    backfills: Vec<(Vec<String>, u64)>,
    /// The topic change being confirmed on the current connection.
    probe: Option<Probe>,
}

/// A topic change being confirmed: the fresh topic it added, where a probe is published.
struct Probe {
    topic: String,
    /// Publishes so far.
    attempt: u32,
    /// When to publish again.
    next_at: tokio::time::Instant,
}

/// Why one connection ended.
enum Ended {
    /// The consumer is gone or the subscription was dropped: stop.
    Stop,
    /// Reconnect, for this reason.
    Broken(String),
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

impl Worker {
    /// A worker started now by its clock, and the subscription it will feed.
    fn new(
        api: Arc<dyn XmtpApi>,
        topics: Vec<String>,
        options: SubscriptionOptions,
    ) -> (Self, Ends) {
        let now = options.clock.now_ns();
        let clock = Arc::clone(&options.clock);
        let topics: BTreeSet<String> = topics.into_iter().collect();
        let (events_tx, events) = mpsc::channel(options.buffer.max(1));
        let (control, control_rx) = mpsc::unbounded_channel();
        let worker = Self {
            api,
            topics: topics.clone(),
            seen: Seen::new(),
            // Stamps are whole milliseconds (xmtp-js's and ours): so is the start.
            floor_ns: options.backfill_from_ns.unwrap_or(now - now % 1_000_000),
            alive_ns: now,
            options,
            events: events_tx,
            control: control_rx,
            backfills: Vec::new(),
            probe: None,
        };
        (
            worker,
            Ends {
                events,
                control,
                topics,
                clock,
            },
        )
    }

    /// The oldest stamp the next backfill reads.
    fn horizon(&self) -> u64 {
        self.floor_ns.max(
            self.alive_ns
                .saturating_sub(nanos(self.options.skew_window)),
        )
    }

    /// The newest stamp a backfill reads now.
    fn future(&self) -> u64 {
        self.options
            .clock
            .now_ns()
            .saturating_add(nanos(self.options.future_window))
    }

    async fn run(mut self, mut first: Option<TopicStream>) {
        let mut attempt = 0u32;
        let mut connected_before = false;
        loop {
            let subscribed = match first.take() {
                Some(stream) => Ok(stream),
                None => {
                    self.api
                        .subscribe_dynamic(self.topics.iter().cloned().collect())
                        .await
                }
            };
            match subscribed {
                Ok(stream) => {
                    attempt = 0;
                    let ended = self.serve(stream, connected_before).await;
                    connected_before = true;
                    match ended {
                        Ended::Stop => return,
                        Ended::Broken(reason) => {
                            if !self.emit(Ok(StreamEvent::Disconnected { reason })).await {
                                return;
                            }
                        }
                    }
                }
                Err(e) if !e.is_retryable() => {
                    let _ = self.emit(Err(e)).await;
                    return;
                }
                Err(e) => {
                    tracing::debug!(error = %e, attempt, "subscribe failed; retrying");
                    if attempt == 0
                        && !self
                            .emit(Ok(StreamEvent::Disconnected {
                                reason: e.to_string(),
                            }))
                            .await
                    {
                        return;
                    }
                }
            }
            let delay = self.options.retry.delay(attempt);
            attempt = attempt.saturating_add(1);
            if !self.wait(delay).await {
                return;
            }
        }
    }

    /// Sleeps, still applying topic changes; false if the consumer went away.
    async fn wait(&mut self, delay: Duration) -> bool {
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                () = &mut sleep => return true,
                () = self.events.closed() => return false,
                message = self.control.recv() => match message {
                    Some(Control::SetTopics(topics)) => self.topics = topics,
                    // The next connection registers them and then backfills.
                    Some(Control::AddTopics { topics, since_ns }) => {
                        self.topics.extend(topics.iter().cloned());
                        self.backfills.push((topics, since_ns));
                    }
                    None => return false,
                },
            }
        }
    }

    async fn emit(&self, event: Result<StreamEvent>) -> bool {
        self.events.send(event).await.is_ok()
    }

    async fn deliver(&mut self, envelope: Envelope) -> bool {
        if !self.topics.contains(&envelope.content_topic) {
            // A probe, or a topic removed while the envelope was on its way.
            return true;
        }
        let (horizon, future) = (self.horizon(), self.future());
        if !self.seen.first_time(&envelope, horizon, future) {
            return true;
        }
        self.emit(Ok(StreamEvent::Envelope(envelope))).await
    }

    /// Delivers what is stored on `topics` stamped from `since_ns` to `until_ns` that was not
    /// delivered yet, oldest first.
    async fn backfill(&mut self, topics: &[String], since_ns: u64, until_ns: u64) -> Result<bool> {
        for chunk in topics.chunks(BACKFILL_TOPICS_PER_QUERY) {
            let options = QueryOptions {
                start_ns: Some(since_ns),
                end_ns: Some(until_ns),
                ..QueryOptions::ascending()
            };
            let api = Arc::clone(&self.api);
            let mut pages = query_pages(api.as_ref(), chunk.to_vec(), options);
            while let Some(page) = pages.next().await {
                for envelope in page? {
                    if !self.deliver(envelope).await {
                        return Ok(false);
                    }
                }
            }
        }
        Ok(true)
    }

    async fn serve(&mut self, stream: TopicStream, reconnected: bool) -> Ended {
        let TopicStream {
            mut envelopes,
            updates,
        } = stream;
        // The first connection backfills from `backfill_from_ns` (when set); a reconnect from
        // the previous connection's last sign of life. This one is live from now.
        let since_ns = if reconnected {
            self.horizon()
        } else {
            self.floor_ns
        };
        let until_ns = self.future();
        self.alive_ns = self.options.clock.now_ns();
        if reconnected && !self.emit(Ok(StreamEvent::Reconnected { since_ns })).await {
            return Ended::Stop;
        }
        // A fresh connection registered every topic: no probe of an earlier one is needed.
        self.probe = None;
        if reconnected || self.options.backfill_from_ns.is_some() {
            let topics: Vec<String> = self.topics.iter().cloned().collect();
            match self.backfill(&topics, since_ns, until_ns).await {
                Ok(true) => {}
                Ok(false) => return Ended::Stop,
                Err(e) => return Ended::Broken(format!("backfill failed: {e}")),
            }
        }
        if let Some(ended) = self.backfill_added().await {
            return ended;
        }
        let idle = self.options.idle_timeout.unwrap_or(Duration::MAX);
        loop {
            let next = tokio::time::timeout(idle, envelopes.next());
            let probe_due = self.probe.as_ref().map(|p| p.next_at);
            let probe_timer = async move {
                match probe_due {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                item = next => match item {
                    Ok(Some(Ok(envelope))) => {
                        self.alive_ns = self.options.clock.now_ns();
                        let confirms = self
                            .probe
                            .as_ref()
                            .is_some_and(|p| p.topic == envelope.content_topic);
                        if confirms {
                            // The node applied the change: what was stored before is in the store.
                            self.probe = None;
                            if let Some(ended) = self.backfill_added().await {
                                return ended;
                            }
                        } else if !self.deliver(envelope).await {
                            return Ended::Stop;
                        }
                    }
                    Ok(Some(Err(e))) => return Ended::Broken(e.to_string()),
                    Ok(None) => return Ended::Broken("the node ended the stream".into()),
                    Err(_) => return Ended::Broken("no traffic within the idle timeout".into()),
                },
                message = self.control.recv() => {
                    match message {
                        Some(Control::SetTopics(topics)) => self.topics = topics,
                        Some(Control::AddTopics { topics, since_ns }) => {
                            self.topics.extend(topics.iter().cloned());
                            self.backfills.push((topics, since_ns));
                            // A fresh probe topic: only this change (or a later one) adds it.
                            self.probe = Some(Probe {
                                topic: probe_topic(),
                                attempt: 0,
                                next_at: tokio::time::Instant::now(),
                            });
                        }
                        None => return Ended::Stop,
                    }
                    let mut content_topics: Vec<String> = self.topics.iter().cloned().collect();
                    content_topics.extend(self.probe.as_ref().map(|p| p.topic.clone()));
                    if updates.send(SubscribeRequest { content_topics }).await.is_err() {
                        return Ended::Broken("could not update the topic set".into());
                    }
                }
                () = probe_timer => {
                    if let Err(e) = self.publish_probe().await {
                        if !e.is_retryable() {
                            // Resubscribing confirms the change instead.
                            return Ended::Broken(format!("could not confirm a topic change: {e}"));
                        }
                        tracing::debug!(error = %e, "probe publish failed; retrying");
                    }
                }
                () = self.events.closed() => return Ended::Stop,
            }
        }
    }

    /// Publishes a probe envelope on the probe topic and schedules the next one.
    async fn publish_probe(&mut self) -> Result<()> {
        let Some(probe) = self.probe.as_mut() else {
            return Ok(());
        };
        let delay = self.options.retry.delay(probe.attempt);
        probe.attempt = probe.attempt.saturating_add(1);
        probe.next_at = tokio::time::Instant::now() + delay;
        let envelope = Envelope {
            content_topic: probe.topic.clone(),
            timestamp_ns: self.options.clock.now_ns(),
            message: rand::rng().random::<[u8; 16]>().to_vec(),
        };
        self.api.publish(vec![envelope]).await
    }

    /// Delivers the stored history of topics added since, once the node applied their addition.
    /// `Some` when the connection ends.
    async fn backfill_added(&mut self) -> Option<Ended> {
        let until_ns = self.future();
        while let Some((topics, since_ns)) = self.backfills.pop() {
            // Only topics still subscribed.
            let topics: Vec<String> = topics
                .into_iter()
                .filter(|t| self.topics.contains(t))
                .collect();
            match self.backfill(&topics, since_ns, until_ns).await {
                Ok(true) => {}
                Ok(false) => return Some(Ended::Stop),
                Err(e) => {
                    self.backfills.push((topics, since_ns));
                    return Some(Ended::Broken(format!("backfill failed: {e}")));
                }
            }
        }
        None
    }
}

/// A fresh ephemeral topic (the node never stores what is published there).
fn probe_topic() -> String {
    let nonce: [u8; 16] = rand::rng().random();
    let hex: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
    format!("{PROBE_PREFIX}{hex}/proto")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(timestamp_ns: u64, n: u64) -> Envelope {
        Envelope {
            content_topic: "/xmtp/0/m-seen/proto".into(),
            timestamp_ns,
            message: n.to_be_bytes().to_vec(),
        }
    }

    #[test]
    fn remembered_digests_are_deduplicated_pruned_and_bounded() {
        let (horizon, future) = (1_000, 2_000);
        let mut seen = Seen::new();
        assert!(seen.first_time(&envelope(1_500, 0), horizon, future));
        assert!(!seen.first_time(&envelope(1_500, 0), horizon, future));
        // Stamped before the horizon: a backfill cannot read it again, so it is forgotten.
        assert!(seen.first_time(&envelope(10, 1), horizon, future));
        // A flood dated far ahead (a hostile sender) never holds more than the bound.
        let total = MAX_REMEMBERED as u64 + 20_000;
        for n in 2..total {
            let stamp = if n % 2 == 0 { 1_500 } else { u64::MAX - n };
            assert!(seen.first_time(&envelope(stamp, n), horizon, future));
            assert!(seen.digests.len() <= MAX_REMEMBERED + 1);
        }
        assert!(!seen.digests.values().any(|&ts| ts == 10));
        // The honest envelopes in the window were kept over the far-future ones.
        assert!(!seen.first_time(&envelope(1_500, total - 2), horizon, future));
        // As many again within the window: the oldest are forgotten, the bound holds.
        for n in total..total + MAX_REMEMBERED as u64 {
            assert!(seen.first_time(&envelope(1_500 + n % 500, n), horizon, future));
            assert!(seen.digests.len() <= MAX_REMEMBERED + 1);
        }
    }

    #[test]
    fn a_quiet_subscription_forgets_what_no_backfill_can_read() {
        // One envelope a second for two hours, as a quiet topic gets them; a backfill reads
        // from 300 s before now to 60 s ahead. Far fewer than `prune_at` ever arrive at once,
        // yet only about one and a half spans of digests may stay.
        let second = 1_000_000_000u64;
        let mut seen = Seen::new();
        let mut most = 0;
        for t in 1_000..1_000 + 7_200 {
            let now = t * second;
            let (horizon, future) = (now - 300 * second, now + 60 * second);
            assert!(seen.first_time(&envelope(now, t), horizon, future));
            // Delivered again within the window (a backfill's overlap): still known.
            assert!(!seen.first_time(&envelope(now, t), horizon, future));
            most = most.max(seen.digests.len());
        }
        assert!(most <= 600, "{most} digests remembered");
        assert!(
            seen.digests.capacity() <= 2048,
            "{}",
            seen.digests.capacity()
        );
        // A burst is given back once it ages out.
        let now = 9_000 * second;
        for n in 0..20_000 {
            assert!(seen.first_time(&envelope(now, 100_000 + n), now - 300 * second, now));
        }
        let later = now + 400 * second;
        assert!(seen.first_time(&envelope(later, 1), later - 300 * second, later));
        assert!(seen.digests.len() <= 2, "{}", seen.digests.len());
        assert!(
            seen.digests.capacity() <= 1024,
            "{}",
            seen.digests.capacity()
        );
    }
}
