//! A store that holds its reads at a gate the test opens, and counts them: to keep a known
//! number of requests in flight without timing, and to see how often a path reads.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use tokio::sync::{Semaphore, mpsc};
use xmtp_node::store::{MemoryStore, Query, Store, StoreError, StoredEnvelope, SyncId, SyncKey};

/// Which reads a [`GatedStore`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// `query` (Store v3, the API).
    Query,
    /// `by_sync_ids` (sync `Fetch`).
    Fetch,
}

/// A memory store whose `held` reads wait at a gate (closed at first) and announce themselves
/// on [`GatedStore::entered`]; `sync_keys` calls are counted.
pub struct GatedStore {
    inner: MemoryStore,
    held: Held,
    gate: Arc<Semaphore>,
    entered: mpsc::UnboundedSender<()>,
    sync_keys_calls: AtomicU64,
}

/// The test's end: the reads that entered, and the gate.
pub struct Gate {
    pub entered: mpsc::UnboundedReceiver<()>,
    gate: Arc<Semaphore>,
}

impl Gate {
    /// Waits until `n` more held reads are waiting at the gate.
    pub async fn entered(&mut self, n: usize) {
        for _ in 0..n {
            self.entered.recv().await.expect("the store is gone");
        }
    }

    /// Opens the gate for good.
    pub fn open(&self) {
        self.gate.add_permits(Semaphore::MAX_PERMITS / 2);
    }
}

impl GatedStore {
    pub fn new(held: Held) -> (Arc<Self>, Gate) {
        let gate = Arc::new(Semaphore::new(0));
        let (entered, rx) = mpsc::unbounded_channel();
        let store = Arc::new(Self {
            inner: MemoryStore::new(),
            held,
            gate: Arc::clone(&gate),
            entered,
            sync_keys_calls: AtomicU64::new(0),
        });
        (store, Gate { entered: rx, gate })
    }

    /// `sync_keys` calls so far.
    pub fn sync_keys_calls(&self) -> u64 {
        self.sync_keys_calls.load(Ordering::SeqCst)
    }

    async fn pass(&self, read: Held) {
        if read == self.held {
            let _ = self.entered.send(());
            let _permit = self.gate.acquire().await.expect("the gate closed");
        }
    }
}

#[async_trait]
impl Store for GatedStore {
    async fn insert(&self, envelopes: Vec<StoredEnvelope>) -> Result<(), StoreError> {
        self.inner.insert(envelopes).await
    }

    async fn query(&self, query: Query) -> Result<Vec<StoredEnvelope>, StoreError> {
        self.pass(Held::Query).await;
        self.inner.query(query).await
    }

    async fn delete_expired(&self, received_before_ns: u64, batch: u32) -> Result<u64, StoreError> {
        self.inner.delete_expired(received_before_ns, batch).await
    }

    async fn count(&self) -> Result<u64, StoreError> {
        self.inner.count().await
    }

    async fn sync_keys(&self, from_ns: u64, limit: usize) -> Result<Vec<SyncKey>, StoreError> {
        self.sync_keys_calls.fetch_add(1, Ordering::SeqCst);
        self.inner.sync_keys(from_ns, limit).await
    }

    async fn by_sync_ids(&self, ids: Vec<SyncId>) -> Result<Vec<StoredEnvelope>, StoreError> {
        self.pass(Held::Fetch).await;
        self.inner.by_sync_ids(ids).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }
}

impl GatedStore {
    /// Stores `envelopes` (API envelopes, their digests computed as the node does) directly.
    pub async fn insert_envelopes(&self, envelopes: &[xmtp_proto::message_api::v1::Envelope]) {
        let stored = envelopes
            .iter()
            .map(|e| StoredEnvelope {
                content_topic: e.content_topic.clone(),
                timestamp_ns: e.timestamp_ns,
                message: e.message.clone().into(),
                digest: super::digest(&e.content_topic, &e.message)
                    .try_into()
                    .expect("a digest is 32 bytes"),
            })
            .collect();
        self.inner
            .insert(stored)
            .await
            .expect("the memory store takes them");
    }
}
