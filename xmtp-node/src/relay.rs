//! The live relay: delivers every accepted envelope to the subscriptions whose topic set matches.
//!
//! Each subscription has a queue bounded in envelopes and in bytes. Publishing never waits for
//! a subscriber: when a queue is full the subscription is closed (the client reconnects and backfills with a query), so a
//! slow reader can neither stall publishers nor make the node's memory grow.
//!
//! The topic index is split into shards, each behind its own lock, and a subscription's topics
//! are indexed a chunk at a time: a subscription to 100,000 topics never holds any lock for
//! more than one chunk, so publishers (which take one shard's read lock) are not held up by it
//! (issue 15 §1). The index is freed, and shrunk, when the subscription ends.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

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
    /// The node refused a change the client asked for ([`Updater::refuse`]).
    Refused,
}

const OPEN: u8 = 0;
const SHUTDOWN: u8 = 1;
const TOO_SLOW: u8 = 2;
const REFUSED: u8 = 3;

/// Index shards; a power of two.
const SHARDS: usize = 64;
/// Topics indexed or unindexed per hold of one shard's lock.
const INDEX_CHUNK: usize = 1024;

struct Entry {
    tx: mpsc::Sender<Arc<StoredEnvelope>>,
    state: Arc<AtomicU8>,
    queued_bytes: Arc<AtomicUsize>,
}

/// A subscription's current topic set, in the normalised (sorted, deduplicated) form. Its
/// mutex also orders the index changes of one subscription (update against unsubscribe).
#[derive(Default)]
struct Topics {
    all: bool,
    topics: Vec<Arc<str>>,
}

/// Message bytes an envelope holds in a queue.
fn weight(envelope: &StoredEnvelope) -> usize {
    crate::store::weight(envelope)
}

#[derive(Default)]
struct Inner {
    all: HashSet<u64>,
    subs: HashMap<u64, Entry>,
    shut_down: bool,
}

type Shard = HashMap<Arc<str>, Vec<u64>>;

/// The relay hub shared by every transport.
pub(crate) struct Hub {
    inner: RwLock<Inner>,
    shards: Box<[RwLock<Shard>]>,
    hasher: RandomState,
    next_id: AtomicU64,
    queue: usize,
    queue_bytes: usize,
    metrics: Arc<Metrics>,
}

fn write_shard(shard: &RwLock<Shard>) -> RwLockWriteGuard<'_, Shard> {
    shard.write().unwrap_or_else(|e| e.into_inner())
}

impl Hub {
    /// Queues hold at most `queue` envelopes and `queue_bytes` bytes of them (one envelope of
    /// any size always fits an empty queue).
    pub(crate) fn new(queue: usize, queue_bytes: usize, metrics: Arc<Metrics>) -> Arc<Self> {
        Arc::new(Self {
            inner: RwLock::new(Inner::default()),
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
            hasher: RandomState::new(),
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

    fn shard_of(&self, topic: &str) -> usize {
        usize::try_from(self.hasher.hash_one(topic)).unwrap_or_default() & (SHARDS - 1)
    }

    /// Adds (`add`) or removes `id` for `topics`, grouped by shard, one chunk per lock hold.
    fn change_index(&self, id: u64, topics: &[Arc<str>], add: bool) {
        if topics.is_empty() {
            return;
        }
        let mut by_shard: Vec<Vec<&Arc<str>>> = vec![Vec::new(); SHARDS];
        for topic in topics {
            by_shard[self.shard_of(topic)].push(topic);
        }
        for (shard, group) in self.shards.iter().zip(by_shard) {
            for chunk in group.chunks(INDEX_CHUNK) {
                let mut map = write_shard(shard);
                for topic in chunk {
                    if add {
                        let ids = map.entry(Arc::clone(topic)).or_default();
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    } else if let Some(ids) = map.get_mut(&***topic) {
                        ids.retain(|i| *i != id);
                        if ids.is_empty() {
                            map.remove(&***topic);
                        }
                    }
                }
                // Give the memory of a large subscription back when it goes.
                if !add && map.capacity() > 64 && map.len() < map.capacity() / 4 {
                    map.shrink_to_fit();
                }
            }
        }
    }

    /// Registers a subscription. After shutdown it is returned already closed.
    pub(crate) fn subscribe(self: &Arc<Self>, filter: Filter) -> Subscription {
        let topics = normalise(filter);
        let (tx, rx) = mpsc::channel(self.queue);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(AtomicU8::new(OPEN));
        let queued_bytes = Arc::new(AtomicUsize::new(0));
        let shared = Arc::new(Shared {
            topics: Mutex::new(Topics::default()),
            refusal: Mutex::new(None),
        });
        let subscription = Subscription {
            id,
            hub: Arc::clone(self),
            rx,
            state: Arc::clone(&state),
            queued_bytes: Arc::clone(&queued_bytes),
            shared: Arc::clone(&shared),
        };
        let mut set = shared.lock_topics();
        {
            let mut inner = self.write();
            if inner.shut_down {
                state.store(SHUTDOWN, Ordering::Release);
                // `tx` drops here, so the receiver reports the end at once.
                return subscription;
            }
            inner.subs.insert(
                id,
                Entry {
                    tx,
                    state,
                    queued_bytes,
                },
            );
            if topics.all {
                inner.all.insert(id);
            }
            self.metrics.active_subscriptions.inc();
        }
        // Outside the hub's lock.
        self.change_index(id, &topics.topics, true);
        *set = topics;
        drop(set);
        subscription
    }

    /// Replaces a live subscription's topic set (Subscribe2): the new topics are indexed before
    /// the old ones are dropped, so a topic in both sets never misses an envelope.
    fn update(&self, id: u64, shared: &Shared, filter: Filter) {
        let new = normalise(filter);
        let mut set = shared.lock_topics();
        {
            let mut inner = self.write();
            if !inner.subs.contains_key(&id) {
                return;
            }
            if new.all {
                inner.all.insert(id);
            }
        }
        self.change_index(id, &new.topics, true);
        let gone = difference(&set.topics, &new.topics);
        self.change_index(id, &gone, false);
        if set.all && !new.all {
            self.write().all.remove(&id);
        }
        *set = new;
    }

    fn unsubscribe(&self, id: u64, shared: &Shared) {
        let mut set = shared.lock_topics();
        let removed = {
            let mut inner = self.write();
            inner.all.remove(&id);
            inner.subs.remove(&id).is_some()
        };
        if removed {
            self.metrics.active_subscriptions.dec();
        }
        let topics = std::mem::take(&mut *set);
        self.change_index(id, &topics.topics, false);
    }

    /// Ends a subscription with `state` (its index entries go when it is dropped).
    fn close(&self, inner: &mut Inner, id: u64, state: u8) -> bool {
        inner.all.remove(&id);
        let Some(entry) = inner.subs.remove(&id) else {
            return false;
        };
        entry.state.store(state, Ordering::Release);
        self.metrics.active_subscriptions.dec();
        true
    }

    /// Delivers one envelope to every matching subscription, without waiting.
    pub(crate) fn publish(&self, envelope: Arc<StoredEnvelope>) {
        let mut too_slow = Vec::new();
        let size = weight(&envelope);
        {
            let shard = self.shards[self.shard_of(&envelope.content_topic)]
                .read()
                .unwrap_or_else(|e| e.into_inner());
            let inner = self.read();
            let topical = shard.get(envelope.content_topic.as_str());
            let all = if all_matches(&envelope.content_topic) {
                Some(&inner.all)
            } else {
                None
            };
            let ids = topical
                .into_iter()
                .flatten()
                .chain(all.into_iter().flatten());
            for id in ids {
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
                if self.close(&mut inner, id, TOO_SLOW) {
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
            self.close(&mut inner, id, SHUTDOWN);
        }
    }

    /// Live subscriptions (for tests and metrics).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.read().subs.len()
    }

    /// Topics in the index, over all shards (for tests).
    #[cfg(test)]
    fn indexed_topics(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().unwrap_or_else(|e| e.into_inner()).len())
            .sum()
    }
}

/// Topics in `old` and not in `new`, both sorted.
fn difference(old: &[Arc<str>], new: &[Arc<str>]) -> Vec<Arc<str>> {
    old.iter()
        .filter(|t| new.binary_search(t).is_err())
        .cloned()
        .collect()
}

fn normalise(filter: Filter) -> Topics {
    match filter {
        Filter::All => Topics {
            all: true,
            topics: Vec::new(),
        },
        Filter::Topics(mut topics) => {
            topics.sort_unstable();
            topics.dedup();
            Topics {
                all: false,
                topics: topics.into_iter().map(Arc::from).collect(),
            }
        }
    }
}

/// State shared by a subscription and its updaters.
struct Shared {
    topics: Mutex<Topics>,
    refusal: Mutex<Option<tonic::Status>>,
}

impl Shared {
    fn lock_topics(&self) -> MutexGuard<'_, Topics> {
        self.topics.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One live subscription; dropping it unsubscribes.
pub(crate) struct Subscription {
    id: u64,
    hub: Arc<Hub>,
    rx: mpsc::Receiver<Arc<StoredEnvelope>>,
    state: Arc<AtomicU8>,
    queued_bytes: Arc<AtomicUsize>,
    shared: Arc<Shared>,
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
                REFUSED => Closed::Refused,
                _ => Closed::Shutdown,
            }),
        }
    }

    /// Why the node refused a change, after [`Closed::Refused`].
    pub(crate) fn refusal(&self) -> tonic::Status {
        self.shared
            .refusal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .unwrap_or_else(|| tonic::Status::internal("subscription refused"))
    }

    /// Replaces the topic set.
    #[cfg(test)]
    pub(crate) fn update(&self, filter: Filter) {
        self.hub.update(self.id, &self.shared, filter);
    }

    /// A handle that changes this subscription's topic set from another task; a no-op once
    /// the subscription has ended.
    pub(crate) fn updater(&self) -> Updater {
        Updater {
            hub: Arc::clone(&self.hub),
            id: self.id,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// Changes a subscription's topics (Subscribe2).
pub(crate) struct Updater {
    hub: Arc<Hub>,
    id: u64,
    shared: Arc<Shared>,
}

impl Updater {
    /// Replaces the topic set (the index work runs on the calling thread, outside the hub's
    /// lock; call it from a blocking-capable context for large sets).
    pub(crate) fn update(&self, filter: Filter) {
        self.hub.update(self.id, &self.shared, filter);
    }

    /// Ends the subscription: its stream delivers what is queued, then fails with `status`.
    pub(crate) fn refuse(&self, status: tonic::Status) {
        *self
            .shared
            .refusal
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(status);
        let mut inner = self.hub.write();
        self.hub.close(&mut inner, self.id, REFUSED);
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.unsubscribe(self.id, &self.shared);
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
        assert_eq!(hub.indexed_topics(), 0);
        hub.shutdown();
        let mut late = hub.subscribe(Filter::All);
        assert_eq!(late.next().await.unwrap_err(), Closed::Shutdown);
    }

    #[tokio::test]
    async fn a_large_topic_set_is_indexed_and_freed_and_refusal_ends_the_stream() {
        let hub = hub(8);
        let topics: Vec<String> = (0..5000).map(|i| format!("/t/{i}")).collect();
        let mut s = hub.subscribe(Filter::Topics(topics.clone()));
        assert_eq!(hub.indexed_topics(), 5000);
        // An update keeping half the topics: the kept ones are never unindexed.
        s.update(Filter::Topics(topics[2500..].to_vec()));
        assert_eq!(hub.indexed_topics(), 2500);
        hub.publish(env("/t/4999"));
        hub.publish(env("/t/0"));
        assert_eq!(s.next().await.unwrap().content_topic, "/t/4999");
        let other = hub.subscribe(Filter::Topics(vec!["/t/4999".into()]));
        s.updater()
            .refuse(tonic::Status::invalid_argument("too many topics"));
        assert_eq!(s.next().await.unwrap_err(), Closed::Refused);
        assert_eq!(s.refusal().message(), "too many topics");
        drop(s);
        assert_eq!(hub.indexed_topics(), 1);
        drop(other);
        assert_eq!(hub.indexed_topics(), 0);
        assert_eq!(hub.len(), 0);
    }
}
