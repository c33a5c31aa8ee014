//! Envelope storage: the trait the API serves from, and its backends.
//!
//! A store keeps opaque envelopes by topic, ordered by `(timestamp_ns, digest)`, and (for stores
//! shared by several node processes) tells this process about envelopes other processes accepted,
//! so that every node relays everything to its own subscribers.

use async_trait::async_trait;

mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
pub use memory::MemoryStore;
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteOptions, SqliteStore};

/// When a SQLite commit is durable: SQLite's `synchronous` setting in WAL mode. (Defined with or
/// without the `sqlite` feature, so [`NodeConfig`](crate::NodeConfig) has the same fields in
/// every build.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SqliteSync {
    /// `synchronous=NORMAL`: a commit survives the node process crashing or being killed, but
    /// the last commits before a power loss or kernel crash may be lost (never corrupted: the WAL
    /// is synced at every checkpoint). The default: no fsync per commit.
    #[default]
    Normal,
    /// `synchronous=FULL`: the WAL is synced at every commit, so an acknowledged publish also
    /// survives a power loss, at the price of one fsync per (group) commit.
    Full,
}

/// `SHA-256(content_topic || message)`: the envelope's id, its dedupe key with the timestamp,
/// and the digest in paging cursors (network.md 5.2).
pub type Digest = [u8; 32];

/// One envelope as stored and as returned by queries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEnvelope {
    /// The content topic, at most 300 bytes.
    pub content_topic: String,
    /// The sender's timestamp, never rewritten by the node: the sort and filter key.
    pub timestamp_ns: u64,
    /// The opaque payload.
    pub message: bytes::Bytes,
    /// `SHA-256(content_topic || message)`.
    pub digest: Digest,
}

/// An envelope's id in set reconciliation (waku.md §6): its `timestamp_ns` as 8 big-endian
/// bytes, then the first 24 bytes of its digest (negentropy ids are 32 bytes). Ordering ids
/// orders envelopes by `(timestamp_ns, digest)`, as the stores do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SyncId(pub [u8; 32]);

impl SyncId {
    /// Digest bytes an id keeps.
    pub const DIGEST_PREFIX: usize = 24;

    /// The id of the envelope stored under `(timestamp_ns, digest)`.
    pub fn new(timestamp_ns: u64, digest: &Digest) -> Self {
        let mut id = [0u8; 32];
        id[..8].copy_from_slice(&timestamp_ns.to_be_bytes());
        id[8..].copy_from_slice(&digest[..Self::DIGEST_PREFIX]);
        Self(id)
    }

    /// The envelope's timestamp.
    pub fn timestamp_ns(&self) -> u64 {
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&self.0[..8]);
        u64::from_be_bytes(ts)
    }

    /// The lowest and highest digests with this id's prefix: an envelope has this id exactly
    /// when its timestamp matches and its digest is within them.
    pub fn digest_range(&self) -> (Digest, Digest) {
        let mut low = [0u8; 32];
        low[..Self::DIGEST_PREFIX].copy_from_slice(&self.0[8..]);
        let mut high = [0xff; 32];
        high[..Self::DIGEST_PREFIX].copy_from_slice(&self.0[8..]);
        (low, high)
    }

    /// Whether `envelope` has this id.
    pub fn matches(&self, envelope: &StoredEnvelope) -> bool {
        *self == Self::new(envelope.timestamp_ns, &envelope.digest)
    }
}

/// What set reconciliation knows of a stored envelope ([`Store::sync_keys`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncKey {
    /// The sender's timestamp.
    pub timestamp_ns: u64,
    /// `SHA-256(content_topic || message)`.
    pub digest: Digest,
    /// Whether the topic is owner-only (`contact-`, `privatestore-`): such envelopes are
    /// reconciled only with trusted peers.
    pub restricted: bool,
}

impl SyncKey {
    pub(crate) fn of(topic: &str, timestamp_ns: u64, digest: Digest) -> Self {
        Self {
            timestamp_ns,
            digest,
            restricted: crate::auth::is_restricted(topic),
        }
    }

    /// The key's reconciliation id.
    pub fn id(&self) -> SyncId {
        SyncId::new(self.timestamp_ns, &self.digest)
    }
}

/// Sort order of a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Oldest first: `(timestamp_ns asc, digest asc)`.
    Ascending,
    /// Newest first: `(timestamp_ns desc, digest desc)`. Also what UNSPECIFIED means.
    Descending,
}

/// Where a page starts: strictly after this key in the query's direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Timestamp of the last envelope of the previous page.
    pub timestamp_ns: u64,
    /// Digest of the last envelope of the previous page.
    pub digest: Digest,
}

/// A validated query: the API layer has already applied defaults and limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// One or more topics, merged into one ordered result.
    pub topics: Vec<String>,
    /// Inclusive lower bound on `timestamp_ns`, if any.
    pub start_ns: Option<u64>,
    /// Inclusive upper bound on `timestamp_ns`, if any.
    pub end_ns: Option<u64>,
    /// Sort order.
    pub direction: Direction,
    /// Keyset cursor from the previous page, if any.
    pub cursor: Option<Cursor>,
    /// Page size, 1 to 500.
    pub limit: u32,
    /// Response budget: the page ends after the envelope whose [`weight`] brings the page's
    /// total to `max_bytes` or more (so a page always holds at least one envelope, and at most
    /// `max_bytes` plus one envelope). `usize::MAX` for none.
    pub max_bytes: usize,
}

/// Bytes an envelope counts for in a response budget: its message and topic.
pub fn weight(envelope: &StoredEnvelope) -> usize {
    envelope.message.len() + envelope.content_topic.len()
}

/// Takes envelopes in order until `max_bytes` is reached (inclusive of the envelope that
/// reaches it), as [`Query::max_bytes`] describes.
pub(crate) fn within_budget<E>(
    rows: impl Iterator<Item = Result<StoredEnvelope, E>>,
    max_bytes: usize,
) -> Result<Vec<StoredEnvelope>, E> {
    let mut page = Vec::new();
    let mut total = 0usize;
    for row in rows {
        let row = row?;
        total = total.saturating_add(weight(&row));
        page.push(row);
        if total >= max_bytes {
            break;
        }
    }
    Ok(page)
}

/// Errors from a storage backend.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend could not be reached or lost its connection; retrying may succeed.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The backend refused the operation (disk full, read-only database, constraint, ...).
    #[error("storage failure: {0}")]
    Backend(String),
    /// The store's schema is from a newer version of this software, or could not be migrated.
    #[error("storage schema: {0}")]
    Schema(String),
}

impl StoreError {
    /// Whether the same call may succeed if repeated later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

/// A storage backend. Implementations must be safe to call from many tasks at once.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores every envelope of one publish request, atomically: all or none. An envelope whose
    /// `(timestamp_ns, digest)` is already stored is skipped silently (the dedupe rule of
    /// network.md 4.4). Returns once the envelopes are committed and visible to queries: durable
    /// as the backend promises (SQLite: across a process crash; across a power loss too with
    /// [`SqliteSync::Full`]).
    async fn insert(&self, envelopes: Vec<StoredEnvelope>) -> Result<(), StoreError>;

    /// One page of envelopes matching `query`, in its order, at most `query.limit` long and
    /// ending early at `query.max_bytes`.
    async fn query(&self, query: Query) -> Result<Vec<StoredEnvelope>, StoreError>;

    /// Deletes up to `batch` envelopes on topics outside `/xmtp/` that this store received before
    /// `received_before_ns` (node clock). Returns how many were deleted.
    async fn delete_expired(&self, received_before_ns: u64, batch: u32) -> Result<u64, StoreError>;

    /// How many envelopes are stored (for metrics; may be approximate on large stores).
    async fn count(&self) -> Result<u64, StoreError>;

    /// The keys of the envelopes with `from_ns <= timestamp_ns`, ordered by
    /// `(timestamp_ns, digest)`, at most `limit` (the newest): what set reconciliation compares.
    async fn sync_keys(&self, from_ns: u64, limit: usize) -> Result<Vec<SyncKey>, StoreError>;

    /// The envelopes with these reconciliation ids (ids not stored are left out), in no
    /// particular order.
    async fn by_sync_ids(&self, ids: Vec<SyncId>) -> Result<Vec<StoredEnvelope>, StoreError>;

    /// Checks that the backend answers (for health checks).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Envelopes accepted by *other* node processes sharing this store, stored or ephemeral, for
    /// this process to relay to its subscribers. `None` for stores only one process uses. Called
    /// once at start-up.
    fn remote_feed(&self) -> Option<tokio::sync::mpsc::Receiver<StoredEnvelope>> {
        None
    }

    /// Tells the other node processes sharing this store about ephemeral envelopes (relayed,
    /// never stored) this process accepted. A no-op for single-process stores.
    async fn announce_ephemeral(&self, envelopes: &[StoredEnvelope]) -> Result<(), StoreError> {
        let _ = envelopes;
        Ok(())
    }
}
