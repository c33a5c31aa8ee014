//! An in-memory [`Store`] for tests: same semantics as the SQLite backend, nothing on disk.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use xmtp_keystore::{Clock, SystemClock};

use super::{Cursor, Digest, Direction, Query, Store, StoreError, StoredEnvelope, SyncId, SyncKey};

type Key = (String, u64, Digest);

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

/// One topic's rows matching the query, in its order, at most `limit`.
fn topic_page(rows: &BTreeMap<Key, Row>, topic: &str, q: &Query) -> Vec<StoredEnvelope> {
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
    let to_envelope = |((topic, ts, digest), row): (&Key, &Row)| StoredEnvelope {
        content_topic: topic.clone(),
        timestamp_ns: *ts,
        message: row.message.clone(),
        digest: *digest,
    };
    let limit = q.limit as usize;
    match q.direction {
        Direction::Ascending => range.take(limit).map(to_envelope).collect(),
        Direction::Descending => range.rev().take(limit).map(to_envelope).collect(),
    }
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
        let mut topics = query.topics.clone();
        topics.sort_unstable();
        topics.dedup();
        let mut page: Vec<StoredEnvelope> = topics
            .iter()
            .flat_map(|t| topic_page(&rows, t, &query))
            .collect();
        page.sort_by_key(|e| (e.timestamp_ns, e.digest));
        if query.direction == Direction::Descending {
            page.reverse();
        }
        page.truncate(query.limit as usize);
        super::within_budget(page.into_iter().map(Ok::<_, StoreError>), query.max_bytes)
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
