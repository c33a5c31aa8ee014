//! The live relay: delivers every accepted envelope to the subscriptions whose topic set matches.
//!
//! Each subscription has a queue bounded in envelopes and in bytes. Publishing never waits for
//! a subscriber: when a queue is full the subscription is closed (the client reconnects and backfills with a query), so a
//! slow reader can neither stall publishers nor make the node's memory grow.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use tokio::sync::mpsc;

use crate::metrics::Metrics;
use crate::store::StoredEnvelope;

/// What a subscription listens to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Filter {
    /// Exactly these topics (duplicates collapse; empty receives nothing). A topic `*` is just
    /// a topic: the reference node's "`*` means everything" quirk is deliberately not copied.
    Topics(Vec<String>),
    /// Everything on `/xmtp/0/` and `/xmtp/mls/1/` topics (SubscribeAll).
    All,
}

fn all_matches(topic: &str) -> bool {
    topic.starts_with("/xmtp/0/") || topic.starts_with("/xmtp/mls/1/")
}

/// Why a subscription ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Closed {
    /// The node is shutting down: the stream ends normally.
    Shutdown,
    /// The subscriber did not keep up and its queue filled.
    TooSlow,
}

const OPEN: u8 = 0;
const SHUTDOWN: u8 = 1;
const TOO_SLOW: u8 = 2;

struct Entry {
    tx: mpsc::Sender<Arc<StoredEnvelope>>,
    filter: Filter,
    state: Arc<AtomicU8>,
    queued_bytes: Arc<AtomicUsize>,
}

/// Message bytes an envelope holds in a queue.
fn weight(envelope: &StoredEnvelope) -> usize {
    envelope.message.len() + envelope.content_topic.len()
}

#[derive(Default)]
struct Inner {
    by_topic: HashMap<String, HashSet<u64>>,
    all: HashSet<u64>,
    subs: HashMap<u64, Entry>,
    shut_down: bool,
}

impl Inner {
    fn index(&mut self, id: u64, filter: &Filter) {
        match filter {
            Filter::All => {
                self.all.insert(id);
            }
            Filter::Topics(topics) => {
                for t in topics {
                    self.by_topic.entry(t.clone()).or_default().insert(id);
                }
            }
        }
    }

    fn unindex(&mut self, id: u64, filter: &Filter) {
        match filter {
            Filter::All => {
                self.all.remove(&id);
            }
            Filter::Topics(topics) => {
                for t in topics {
                    if let Some(set) = self.by_topic.get_mut(t) {
                        set.remove(&id);
                        if set.is_empty() {
                            self.by_topic.remove(t);
                        }
                    }
                }
            }
        }
    }

    fn remove(&mut self, id: u64) -> Option<Entry> {
        let entry = self.subs.remove(&id)?;
        self.unindex(id, &entry.filter);
        Some(entry)
    }
}

/// The relay hub shared by every transport.
pub(crate) struct Hub {
    inner: RwLock<Inner>,
    next_id: AtomicU64,
    queue: usize,
    queue_bytes: usize,
    metrics: Arc<Metrics>,
}

impl Hub {
    /// Queues hold at most `queue` envelopes and `queue_bytes` bytes of them (one envelope of
    /// any size always fits an empty queue).
    pub(crate) fn new(queue: usize, queue_bytes: usize, metrics: Arc<Metrics>) -> Arc<Self> {
        Arc::new(Self {
            inner: RwLock::new(Inner::default()),
            next_id: AtomicU64::new(1),
            queue: queue.max(1),
            queue_bytes,
            metrics,
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a subscription. After shutdown it is returned already closed.
    pub(crate) fn subscribe(self: &Arc<Self>, filter: Filter) -> Subscription {
        let filter = normalise(filter);
        let (tx, rx) = mpsc::channel(self.queue);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(AtomicU8::new(OPEN));
        let queued_bytes = Arc::new(AtomicUsize::new(0));
        let mut inner = self.write();
        if inner.shut_down {
            state.store(SHUTDOWN, Ordering::Release);
            // `tx` drops here, so the receiver reports the end at once.
        } else {
            inner.index(id, &filter);
            inner.subs.insert(
                id,
                Entry {
                    tx,
                    filter,
                    state: Arc::clone(&state),
                    queued_bytes: Arc::clone(&queued_bytes),
                },
            );
            self.metrics.active_subscriptions.inc();
        }
        drop(inner);
        Subscription {
            id,
            hub: Arc::clone(self),
            rx,
            state,
            queued_bytes,
        }
    }

    /// Replaces a live subscription's topic set (Subscribe2).
    pub(crate) fn update(&self, id: u64, filter: Filter) {
        let filter = normalise(filter);
        let mut inner = self.write();
        let Some(old) = inner.subs.get(&id).map(|e| e.filter.clone()) else {
            return;
        };
        inner.unindex(id, &old);
        inner.index(id, &filter);
        if let Some(entry) = inner.subs.get_mut(&id) {
            entry.filter = filter;
        }
    }

    fn unsubscribe(&self, id: u64) {
        if self.write().remove(id).is_some() {
            self.metrics.active_subscriptions.dec();
        }
    }

    /// Delivers one envelope to every matching subscription, without waiting.
    pub(crate) fn publish(&self, envelope: Arc<StoredEnvelope>) {
        let mut too_slow = Vec::new();
        let size = weight(&envelope);
        {
            let inner = self.read();
            let topical = inner.by_topic.get(&envelope.content_topic);
            let all = if all_matches(&envelope.content_topic) {
                Some(&inner.all)
            } else {
                None
            };
            for id in topical.into_iter().chain(all).flatten() {
                let Some(entry) = inner.subs.get(id) else {
                    continue;
                };
                let queued = entry.queued_bytes.fetch_add(size, Ordering::AcqRel);
                if queued > 0 && queued + size > self.queue_bytes {
                    too_slow.push(*id);
                    continue;
                }
                match entry.tx.try_send(Arc::clone(&envelope)) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => too_slow.push(*id),
                    // The receiver is gone; its Drop unsubscribes.
                    Err(mpsc::error::TrySendError::Closed(_)) => {}
                }
            }
        }
        if !too_slow.is_empty() {
            let mut inner = self.write();
            for id in too_slow {
                if let Some(entry) = inner.remove(id) {
                    entry.state.store(TOO_SLOW, Ordering::Release);
                    self.metrics.active_subscriptions.dec();
                    self.metrics.slow_subscribers_closed.inc();
                    tracing::info!(
                        subscription = id,
                        queue = self.queue,
                        queue_bytes = self.queue_bytes,
                        "closing a subscriber that fell behind"
                    );
                }
            }
        }
    }

    /// Ends every subscription (normally) and refuses new ones.
    pub(crate) fn shutdown(&self) {
        let mut inner = self.write();
        inner.shut_down = true;
        let ids: Vec<u64> = inner.subs.keys().copied().collect();
        for id in ids {
            if let Some(entry) = inner.remove(id) {
                entry.state.store(SHUTDOWN, Ordering::Release);
                self.metrics.active_subscriptions.dec();
            }
        }
    }

    /// Live subscriptions (for tests and metrics).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.read().subs.len()
    }
}

fn normalise(filter: Filter) -> Filter {
    match filter {
        Filter::All => Filter::All,
        Filter::Topics(mut topics) => {
            topics.sort_unstable();
            topics.dedup();
            Filter::Topics(topics)
        }
    }
}

/// One live subscription; dropping it unsubscribes.
pub(crate) struct Subscription {
    id: u64,
    hub: Arc<Hub>,
    rx: mpsc::Receiver<Arc<StoredEnvelope>>,
    state: Arc<AtomicU8>,
    queued_bytes: Arc<AtomicUsize>,
}

impl Subscription {
    /// The next envelope, or why the subscription ended.
    pub(crate) async fn next(&mut self) -> Result<Arc<StoredEnvelope>, Closed> {
        match self.rx.recv().await {
            Some(envelope) => {
                self.queued_bytes
                    .fetch_sub(weight(&envelope), Ordering::AcqRel);
                Ok(envelope)
            }
            None => Err(match self.state.load(Ordering::Acquire) {
                TOO_SLOW => Closed::TooSlow,
                _ => Closed::Shutdown,
            }),
        }
    }

    /// Replaces the topic set.
    #[cfg(test)]
    pub(crate) fn update(&self, filter: Filter) {
        self.hub.update(self.id, filter);
    }

    /// A handle that changes this subscription's topic set from another task; a no-op once
    /// the subscription has ended.
    pub(crate) fn updater(&self) -> Updater {
        Updater {
            hub: Arc::clone(&self.hub),
            id: self.id,
        }
    }
}

/// Changes a subscription's topics (Subscribe2).
pub(crate) struct Updater {
    hub: Arc<Hub>,
    id: u64,
}

impl Updater {
    /// Replaces the topic set.
    pub(crate) fn update(&self, filter: Filter) {
        self.hub.update(self.id, filter);
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.unsubscribe(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(topic: &str) -> Arc<StoredEnvelope> {
        Arc::new(StoredEnvelope {
            content_topic: topic.into(),
            timestamp_ns: 1,
            message: bytes::Bytes::from_static(b"m"),
            digest: [0; 32],
        })
    }

    fn hub(queue: usize) -> Arc<Hub> {
        Hub::new(queue, usize::MAX, Arc::new(Metrics::new()))
    }

    #[tokio::test]
    async fn delivers_by_topic_and_all_filter() {
        let hub = hub(8);
        let mut a = hub.subscribe(Filter::Topics(vec!["t1".into(), "t1".into()]));
        let mut star = hub.subscribe(Filter::Topics(vec!["*".into()]));
        let mut all = hub.subscribe(Filter::All);
        hub.publish(env("t1"));
        hub.publish(env("/xmtp/0/m-x/proto"));
        hub.publish(env("/xmtp/mls/1/g-x/proto"));
        hub.publish(env("*"));
        assert_eq!(a.next().await.unwrap().content_topic, "t1");
        assert_eq!(all.next().await.unwrap().content_topic, "/xmtp/0/m-x/proto");
        assert_eq!(
            all.next().await.unwrap().content_topic,
            "/xmtp/mls/1/g-x/proto"
        );
        assert_eq!(star.next().await.unwrap().content_topic, "*");
        hub.shutdown();
        // Duplicated topics delivered once; nothing else queued.
        assert_eq!(a.next().await.unwrap_err(), Closed::Shutdown);
        assert_eq!(all.next().await.unwrap_err(), Closed::Shutdown);
        assert_eq!(star.next().await.unwrap_err(), Closed::Shutdown);
    }

    #[tokio::test]
    async fn slow_subscriber_is_closed_and_others_keep_receiving() {
        let hub = hub(2);
        let mut slow = hub.subscribe(Filter::Topics(vec!["t".into()]));
        let mut fast = hub.subscribe(Filter::Topics(vec!["t".into()]));
        for _ in 0..2 {
            hub.publish(env("t"));
            fast.next().await.unwrap();
        }
        hub.publish(env("t"));
        fast.next().await.unwrap();
        assert_eq!(hub.len(), 1);
        // The queued envelopes are still delivered, then the close reason.
        slow.next().await.unwrap();
        slow.next().await.unwrap();
        assert_eq!(slow.next().await.unwrap_err(), Closed::TooSlow);
    }

    #[tokio::test]
    async fn a_subscriber_holding_too_many_bytes_is_closed() {
        let big = |n: usize| {
            Arc::new(StoredEnvelope {
                content_topic: "t".into(),
                timestamp_ns: 1,
                message: bytes::Bytes::from(vec![0u8; n]),
                digest: [0; 32],
            })
        };
        let hub = Hub::new(1024, 1000, Arc::new(Metrics::new()));
        let mut slow = hub.subscribe(Filter::Topics(vec!["t".into()]));
        let mut reader = hub.subscribe(Filter::Topics(vec!["t".into()]));
        // One envelope larger than the budget still fits an empty queue.
        hub.publish(big(5000));
        assert_eq!(reader.next().await.unwrap().message.len(), 5000);
        assert_eq!(hub.len(), 2);
        // The reader drains as it goes, so its queue never holds more than one; the slow one
        // already holds 5,000 bytes and is closed at the next envelope, two envelopes in.
        hub.publish(big(400));
        assert_eq!(reader.next().await.unwrap().message.len(), 400);
        assert_eq!(hub.len(), 1);
        for _ in 0..20 {
            hub.publish(big(400));
            reader.next().await.unwrap();
        }
        assert_eq!(hub.len(), 1);
        assert_eq!(slow.next().await.unwrap().message.len(), 5000);
        assert_eq!(slow.next().await.unwrap_err(), Closed::TooSlow);
    }

    #[tokio::test]
    async fn update_replaces_topics_and_drop_unsubscribes() {
        let hub = hub(8);
        let mut s = hub.subscribe(Filter::Topics(vec!["a".into()]));
        s.update(Filter::Topics(vec!["b".into()]));
        hub.publish(env("a"));
        hub.publish(env("b"));
        assert_eq!(s.next().await.unwrap().content_topic, "b");
        drop(s);
        assert_eq!(hub.len(), 0);
        assert!(hub.read().by_topic.is_empty());
        hub.shutdown();
        let mut late = hub.subscribe(Filter::All);
        assert_eq!(late.next().await.unwrap_err(), Closed::Shutdown);
    }
}
