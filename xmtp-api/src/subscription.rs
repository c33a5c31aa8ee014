//! Subscriptions that survive real networks: they resubscribe with backoff after any failure,
//! backfill what was published while they were away, and never deliver an envelope twice.

use std::collections::{BTreeSet, HashMap};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use xmtp_proto::message_api::v1::{Envelope, SubscribeRequest};

use crate::api::{TopicStream, XmtpApi};
use crate::error::{Error, Result};
use crate::paging::{QueryOptions, query_pages};
use crate::retry::RetryPolicy;

/// Topics per backfill query (a query may name many topics; the node merges them).
const BACKFILL_TOPICS_PER_QUERY: usize = 100;

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
    /// The stream is live again; envelopes from `since_ns` on that were missed follow.
    Reconnected {
        /// Sender timestamp from which the backfill ran.
        since_ns: u64,
    },
}

/// How a [`Subscription`] behaves.
#[derive(Clone, Debug)]
pub struct SubscriptionOptions {
    /// Also deliver stored envelopes from this sender timestamp on before going live.
    pub backfill_from_ns: Option<u64>,
    /// Sender clocks disagree; a backfill reaches this far before the newest delivered envelope,
    /// and delivered digests are remembered this long to drop the overlap.
    pub skew_window: Duration,
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
            backfill_from_ns: None,
            skew_window: Duration::from_secs(300),
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
    SetTopics(BTreeSet<String>),
}

/// A reconnecting, backfilling, de-duplicating subscription. A `Stream` of [`StreamEvent`]s;
/// dropping it ends the subscription.
pub struct Subscription {
    events: mpsc::Receiver<Result<StreamEvent>>,
    control: mpsc::UnboundedSender<Control>,
    topics: BTreeSet<String>,
    task: JoinHandle<()>,
}

impl Subscription {
    /// Starts subscribing to `topics` in the background.
    pub fn start(api: Arc<dyn XmtpApi>, topics: Vec<String>, options: SubscriptionOptions) -> Self {
        let topics: BTreeSet<String> = topics.into_iter().collect();
        let (events_tx, events) = mpsc::channel(options.buffer.max(1));
        let (control, control_rx) = mpsc::unbounded_channel();
        let worker = Worker {
            api,
            topics: topics.clone(),
            seen: Seen::new(options.skew_window),
            newest_ns: options.backfill_from_ns,
            options,
            events: events_tx,
            control: control_rx,
        };
        let task = tokio::spawn(worker.run());
        Self {
            events,
            control,
            topics,
            task,
        }
    }

    /// The topics currently subscribed.
    pub fn topics(&self) -> impl Iterator<Item = &str> {
        self.topics.iter().map(String::as_str)
    }

    /// Adds topics to the live stream without reconnecting.
    pub fn add_topics(&mut self, topics: impl IntoIterator<Item = String>) -> Result<()> {
        self.topics.extend(topics);
        self.push_topics()
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

/// Digests delivered recently, with their timestamps, pruned to the skew window.
struct Seen {
    window_ns: u64,
    digests: HashMap<[u8; 32], u64>,
    newest: u64,
}

impl Seen {
    fn new(window: Duration) -> Self {
        Self {
            window_ns: u64::try_from(window.as_nanos()).unwrap_or(u64::MAX),
            digests: HashMap::new(),
            newest: 0,
        }
    }

    /// Records the envelope; false if it was delivered before.
    fn first_time(&mut self, envelope: &Envelope) -> bool {
        let digest =
            xmtp_crypto::sha256_concat(&[envelope.content_topic.as_bytes(), &envelope.message]);
        if self.digests.insert(digest, envelope.timestamp_ns).is_some() {
            return false;
        }
        self.newest = self.newest.max(envelope.timestamp_ns);
        if self.digests.len() > 4096 && self.digests.len().is_power_of_two() {
            let horizon = self.newest.saturating_sub(self.window_ns);
            self.digests.retain(|_, ts| *ts >= horizon);
        }
        true
    }
}

struct Worker {
    api: Arc<dyn XmtpApi>,
    topics: BTreeSet<String>,
    seen: Seen,
    newest_ns: Option<u64>,
    options: SubscriptionOptions,
    events: mpsc::Sender<Result<StreamEvent>>,
    control: mpsc::UnboundedReceiver<Control>,
}

/// Why one connection ended.
enum Ended {
    /// The consumer is gone or the subscription was dropped: stop.
    Stop,
    /// Reconnect, for this reason.
    Broken(String),
}

impl Worker {
    async fn run(mut self) {
        let mut attempt = 0u32;
        let mut connected_before = false;
        loop {
            match self
                .api
                .subscribe_dynamic(self.topics.iter().cloned().collect())
                .await
            {
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
                    let _ = self.events.send(Err(e)).await;
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
                control = self.control.recv() => match control {
                    Some(Control::SetTopics(topics)) => self.topics = topics,
                    None => return false,
                },
            }
        }
    }

    async fn emit(&self, event: Result<StreamEvent>) -> bool {
        self.events.send(event).await.is_ok()
    }

    async fn deliver(&mut self, envelope: Envelope) -> bool {
        if !self.seen.first_time(&envelope) {
            return true;
        }
        self.newest_ns = Some(self.newest_ns.unwrap_or(0).max(envelope.timestamp_ns));
        self.emit(Ok(StreamEvent::Envelope(envelope))).await
    }

    /// Delivers what is stored from `since_ns` on that was not delivered yet, oldest first.
    async fn backfill(&mut self, since_ns: u64) -> Result<bool> {
        let topics: Vec<String> = self.topics.iter().cloned().collect();
        for chunk in topics.chunks(BACKFILL_TOPICS_PER_QUERY) {
            let options = QueryOptions {
                start_ns: Some(since_ns),
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
        if let Some(newest) = self.newest_ns {
            let since_ns = if reconnected {
                newest.saturating_sub(self.seen.window_ns)
            } else {
                newest
            };
            if reconnected && !self.emit(Ok(StreamEvent::Reconnected { since_ns })).await {
                return Ended::Stop;
            }
            match self.backfill(since_ns).await {
                Ok(true) => {}
                Ok(false) => return Ended::Stop,
                Err(e) => return Ended::Broken(format!("backfill failed: {e}")),
            }
        }
        let idle = self.options.idle_timeout.unwrap_or(Duration::MAX);
        loop {
            let next = tokio::time::timeout(idle, envelopes.next());
            tokio::select! {
                item = next => match item {
                    Ok(Some(Ok(envelope))) => {
                        if !self.deliver(envelope).await {
                            return Ended::Stop;
                        }
                    }
                    Ok(Some(Err(e))) => return Ended::Broken(e.to_string()),
                    Ok(None) => return Ended::Broken("the node ended the stream".into()),
                    Err(_) => return Ended::Broken("no traffic within the idle timeout".into()),
                },
                control = self.control.recv() => match control {
                    Some(Control::SetTopics(topics)) => {
                        self.topics = topics;
                        let request = SubscribeRequest { content_topics: self.topics.iter().cloned().collect() };
                        if updates.send(request).await.is_err() {
                            return Ended::Broken("could not update the topic set".into());
                        }
                    }
                    None => return Ended::Stop,
                },
                () = self.events.closed() => return Ended::Stop,
            }
        }
    }
}
