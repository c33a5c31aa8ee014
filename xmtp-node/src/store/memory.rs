//! An in-memory [`Store`] for tests: same semantics as the SQLite backend, nothing on disk.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use xmtp_keystore::{Clock, SystemClock};

use super::{Cursor, Digest, Direction, Query, Store, StoreError, StoredEnvelope, SyncId, SyncKey};

/// `(topic, timestamp_ns, digest)`: how envelopes are keyed and deduplicated.
pub(crate) type Key = (String, u64, Digest);

struct Row {
    message: bytes::Bytes,
    received_ns: u64,
}

/// Envelopes in a `BTreeMap` keyed like the SQLite table: `(topic, timestamp_ns, digest)`.
pub struct MemoryStore {
    rows: Mutex<BTreeMap<Key, Row>>,
    /// Stamps each envelope's received time (what retention compares).
    clock: Arc<dyn Clock>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("envelopes", &self.lock().len())
            .finish()
    }
}

impl MemoryStore {
    /// An empty store on the system clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store whose received times come from `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            rows: Mutex::default(),
            clock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<Key, Row>> {
        self.rows.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One topic's keys matching the query, in its order, at most `limit`.
fn topic_page<'a, V>(rows: &'a BTreeMap<Key, V>, topic: &str, q: &Query) -> Vec<(&'a Key, &'a V)> {
    let start = q.start_ns.unwrap_or(0);
    let end = q.end_ns.unwrap_or(u64::MAX);
    if start > end {
        return Vec::new();
    }
    let mut lower = Bound::Included((topic.to_owned(), start, [0u8; 32]));
    let mut upper = Bound::Included((topic.to_owned(), end, [0xff; 32]));
    if let Some(Cursor {
        timestamp_ns,
        digest,
    }) = &q.cursor
    {
        let at = (topic.to_owned(), *timestamp_ns, *digest);
        match q.direction {
            Direction::Ascending if (*timestamp_ns, *digest) >= (start, [0; 32]) => {
                lower = Bound::Excluded(at);
            }
            Direction::Descending if (*timestamp_ns, *digest) <= (end, [0xff; 32]) => {
                upper = Bound::Excluded(at);
            }
            _ => {}
        }
    }
    if let (Bound::Excluded(l) | Bound::Included(l), Bound::Excluded(u) | Bound::Included(u)) =
        (&lower, &upper)
        && l > u
    {
        return Vec::new();
    }
    let range = rows.range((lower, upper));
    let limit = q.limit as usize;
    match q.direction {
        Direction::Ascending => range.take(limit).collect(),
        Direction::Descending => range.rev().take(limit).collect(),
    }
}

/// The keys a query's page holds among the maps in `sets` (keyed `(topic, timestamp_ns, digest)`,
/// disjoint), in the query's order, at most its `limit`; the byte budget is the caller's.
pub(crate) fn page_keys<'a, V>(sets: &[&'a BTreeMap<Key, V>], q: &Query) -> Vec<(&'a Key, &'a V)> {
    let mut topics: Vec<&str> = q.topics.iter().map(String::as_str).collect();
    topics.sort_unstable();
    topics.dedup();
    let mut page: Vec<(&Key, &V)> = sets
        .iter()
        .flat_map(|rows| topics.iter().flat_map(|t| topic_page(rows, t, q)))
        .collect();
    page.sort_by(|(a, _), (b, _)| order_key(a).cmp(&order_key(b)));
    if q.direction == Direction::Descending {
        page.reverse();
    }
    page.truncate(q.limit as usize);
    page
}

/// Where a key sorts in a page: `(timestamp_ns, digest)`, then the topic.
pub(crate) fn order_key(key: &Key) -> (u64, &Digest, &str) {
    (key.1, &key.2, key.0.as_str())
}

#[async_trait]
impl Store for MemoryStore {
    async fn insert(&self, envelopes: Vec<StoredEnvelope>) -> Result<(), StoreError> {
        let received_ns = self.clock.now_ns();
        let mut rows = self.lock();
        for e in envelopes {
            rows.entry((e.content_topic, e.timestamp_ns, e.digest))
                .or_insert(Row {
                    message: e.message,
                    received_ns,
                });
        }
        Ok(())
    }

    async fn query(&self, query: Query) -> Result<Vec<StoredEnvelope>, StoreError> {
        let rows = self.lock();
        let page = page_keys(&[&rows], &query)
            .into_iter()
            .map(|((topic, ts, digest), row)| StoredEnvelope {
                content_topic: topic.clone(),
                timestamp_ns: *ts,
                message: row.message.clone(),
                digest: *digest,
            });
        super::within_budget(page.map(Ok::<_, StoreError>), query.max_bytes)
    }

    async fn delete_expired(&self, received_before_ns: u64, batch: u32) -> Result<u64, StoreError> {
        let mut rows = self.lock();
        let expired: Vec<Key> = rows
            .iter()
            .filter(|((topic, _, _), row)| {
                !topic.starts_with("/xmtp/") && row.received_ns < received_before_ns
            })
            .map(|(key, _)| key.clone())
            .take(batch as usize)
            .collect();
        for key in &expired {
            rows.remove(key);
        }
        Ok(expired.len() as u64)
    }

    async fn count(&self) -> Result<u64, StoreError> {
        Ok(self.lock().len() as u64)
    }

    async fn sync_keys(&self, from_ns: u64, limit: usize) -> Result<Vec<SyncKey>, StoreError> {
        // A scan: this store is for tests.
        let mut keys: Vec<SyncKey> = self
            .lock()
            .keys()
            .filter(|(_, ts, _)| *ts >= from_ns)
            .map(|(topic, ts, digest)| SyncKey::of(topic, *ts, *digest))
            .collect();
        keys.sort_unstable_by_key(|k| (k.timestamp_ns, k.digest));
        Ok(keys.split_off(keys.len().saturating_sub(limit)))
    }

    async fn by_sync_ids(&self, ids: Vec<SyncId>) -> Result<Vec<StoredEnvelope>, StoreError> {
        let ids: std::collections::HashSet<SyncId> = ids.into_iter().collect();
        Ok(self
            .lock()
            .iter()
            .filter(|((_, ts, digest), _)| ids.contains(&SyncId::new(*ts, digest)))
            .map(|((topic, ts, digest), row)| StoredEnvelope {
                content_topic: topic.clone(),
                timestamp_ns: *ts,
                message: row.message.clone(),
                digest: *digest,
            })
            .collect())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
