//! The embedded SQLite backend: the zero-setup default.
//!
//! One connection does all writing, behind a lock. A publish made while no other is under way
//! commits on its own thread, so a lone publish costs no thread hand-off. Concurrent ones queue
//! for the writer thread, which group-commits: it takes every request waiting in its channel,
//! runs each inside its own savepoint of one transaction (so each publish request stays atomic),
//! commits once, then answers every request. Between group commits the same thread writes the
//! paging keys of recent rows in sorted passes (see [`SCHEMA_V4`]). Reads run on a small pool of
//! read-only connections on the blocking thread pool; WAL mode lets them proceed while the writer
//! commits.

use std::collections::{BTreeMap, HashSet};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use tokio::sync::{Semaphore, mpsc, oneshot};
use xmtp_keystore::{Clock, SystemClock};

mod metrics;

use self::metrics::{Operation, SqliteMetrics};
use super::memory::{Key, order_key, page_keys};
use super::{
    Cursor, Digest, Direction, Query, SqliteSync, Store, StoreError, StoredEnvelope, SyncId,
    SyncKey,
};

/// Schema version this code writes; a database with a newer version is refused.
const SCHEMA_VERSION: i64 = 4;

/// Sender timestamps are `u64` but SQLite integers are `i64`: flipping the top bit maps the
/// `u64` order onto the `i64` order, so envelopes dated after 2262 still sort last.
fn ts_to_sql(timestamp_ns: u64) -> i64 {
    (timestamp_ns ^ (1 << 63)) as i64
}

fn ts_from_sql(value: i64) -> u64 {
    (value as u64) ^ (1 << 63)
}

/// Envelopes are appended to a rowid table in arrival order, so a group commit writes the
/// payloads into a few sequential pages. The narrow unique index `(topic, timestamp_ns, digest)`
/// is the keyset-paging index and the dedupe key (the digest is `SHA-256(topic || message)`).
/// Version 1 clustered whole rows on that key instead: with publishes spread over many topics,
/// every insert dirtied (and often split) a full leaf page of payloads, and the single writer
/// spent most of its time writing those pages to the WAL.
const SCHEMA_V2: &str = "
CREATE TABLE envelopes (
    id            INTEGER PRIMARY KEY,
    topic         TEXT    NOT NULL,
    timestamp_ns  INTEGER NOT NULL, -- sender timestamp, u64 with the top bit flipped
    digest        BLOB    NOT NULL, -- SHA-256(topic || message)
    message       BLOB    NOT NULL,
    received_ns   INTEGER NOT NULL, -- node clock, unix ns
    should_expire INTEGER NOT NULL  -- 1 for topics outside /xmtp/
);
CREATE UNIQUE INDEX envelopes_paging ON envelopes (topic, timestamp_ns, digest);
CREATE INDEX envelopes_expiring ON envelopes (received_ns) WHERE should_expire = 1;
";

/// Version 3: set reconciliation with Waku peers reads the keys of a time window in
/// `(timestamp_ns, digest)` order, and the topic to leave owner-only envelopes out; this index
/// answers that from the index alone (covering), without touching the payload pages.
const SCHEMA_V3: &str = "
CREATE INDEX envelopes_sync ON envelopes (timestamp_ns, digest, topic);
";

/// Version 4: the paging and dedupe key moves from an index on `envelopes` into a table of its
/// own, written in sorted passes instead of at each commit.
///
/// Envelopes on many topics put each new key on its own leaf of a topic-ordered B-tree: under
/// sustained batched publishes over 10,000 topics every envelope dirtied one 4 KiB leaf, about
/// 90 MB/s of WAL, and the disk's flushes stalled publishes for 150-300 ms. Now a commit only
/// appends (the row, its `envelopes_sync` entry, both in arrival order) and the node keeps the
/// keys of rows without a paging row in memory, where queries read them ([`Recent`]). A pass
/// writes those keys into `paging` in key order, a chunk per transaction between group commits,
/// so the rows of one topic share one leaf write per pass. `paging_upto` is the highest row id
/// whose paging row is written: a node that stops before a pass ends redoes it when it opens.
const SCHEMA_V4: &str = "
CREATE TABLE paging (
    topic        TEXT    NOT NULL,
    timestamp_ns INTEGER NOT NULL,
    digest       BLOB    NOT NULL,
    id           INTEGER NOT NULL, -- envelopes.id
    PRIMARY KEY (topic, timestamp_ns, digest)
) WITHOUT ROWID;
INSERT INTO paging (topic, timestamp_ns, digest, id)
    SELECT topic, timestamp_ns, digest, id FROM envelopes INDEXED BY envelopes_paging
    ORDER BY topic, timestamp_ns, digest;
DROP INDEX envelopes_paging;
CREATE TABLE paging_upto (id INTEGER NOT NULL);
INSERT INTO paging_upto (id) SELECT coalesce(max(id), 0) FROM envelopes;
";

/// Moving a version 1 database (rows clustered on the paging key) to version 2: set the old
/// table aside, create the version 2 schema, copy every row in arrival order, drop the old table.
const V1_SET_ASIDE: &str = "
ALTER TABLE envelopes RENAME TO envelopes_v1;
DROP INDEX IF EXISTS envelopes_expiring;
";
const V1_COPY: &str = "
INSERT INTO envelopes (topic, timestamp_ns, digest, message, received_ns, should_expire)
    SELECT topic, timestamp_ns, digest, message, received_ns, should_expire
    FROM envelopes_v1 ORDER BY received_ns;
DROP TABLE envelopes_v1;
";

/// How long a connection waits for another one's lock (the checkpointer's, another process's).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Requests up to this many envelopes may commit on the caller's thread; larger ones always go to
/// the writer thread, so an async worker is never held for long.
const MAX_INLINE_ENVELOPES: usize = 16;
/// At most this many envelopes go into one group commit; it bounds the transaction's memory.
const MAX_GROUP_ENVELOPES: usize = 8192;
/// Queued write requests before callers wait: bounds memory under overload.
const WRITE_QUEUE: usize = 1024;
/// Concurrent readers (and pooled read connections).
const READERS: usize = 4;

/// The writer's page cache, in KiB (a negative `cache_size` is KiB): SQLite's default. Pages it
/// misses are read through the memory map, not `pread`. A 64 MiB cache (chosen for schema 1, whose
/// inserts dirtied random leaves full of payloads) made every commit slower: perf showed 18% of
/// a lone publish's CPU in `pcache1TruncateUnsafe`, which walks the cache's hash table. With 2 MiB,
/// loadgen measured lone publishes 5,451/5,505 -> 5,955/5,853 per second and c=64 publishes
/// 23,581/22,691 -> 24,542/23,796 per second (alternating runs, idle machine).
const WRITER_CACHE_KIB: i64 = 2 * 1024;
/// Each reader's page cache, in KiB.
const READER_CACHE_KIB: i64 = 16 * 1024;
/// Bytes of the file the writer maps instead of reading through `pread`. Readers map nothing:
/// a connection whose read transaction finds the database changed since its last one resets its
/// page cache and unmaps its whole map (SQLite's `pagerBeginReadTransaction`), so under steady
/// publishes every query paid `munmap`, `mmap` and a page fault per page it touched, all
/// serialised on the process's memory-map lock. The writer commits every change itself and so
/// keeps its map.
const WRITER_MMAP_BYTES: i64 = 256 * 1024 * 1024;
/// How often the checkpointer thread copies the WAL back into the database file.
const CHECKPOINT_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);
/// A WAL longer than this many frames (4 KiB pages) is restarted from its start: the checkpointer
/// catches up, then the writer copies the few frames committed since and its next transaction
/// begins a new log (see [`checkpoint_loop`]).
const WAL_RESTART_FRAMES: i64 = if cfg!(test) { 256 } else { 16 * 1024 };
/// A WAL longer than this many frames whose restart the writer has not managed for
/// [`UNANSWERED_ROUNDS_BEFORE_FORCE`] rounds (readers held it back every time) gets a blocking
/// RESTART checkpoint, which waits for the writer and readers: the WAL never grows without bound.
const WAL_FORCE_RESTART_FRAMES: i64 = 16 * WAL_RESTART_FRAMES;
/// Checkpoint rounds the writer gets to restart a long log before a blocking RESTART.
const UNANSWERED_ROUNDS_BEFORE_FORCE: u32 = 4;
/// A WAL file larger than this is truncated to nothing once the store has been quiet for
/// [`QUIET_ROUNDS_BEFORE_TRIM`] checkpoint rounds. Never while writes go on: shrinking the file
/// frees its blocks, and on a filesystem mounted with `discard` (as this project's machines are)
/// the kernel discards them synchronously, which held SQLite's write lock, and every publish
/// behind it, for 80-150 ms when SQLite's `journal_size_limit` truncated at each log restart.
const WAL_SIZE_LIMIT_BYTES: u64 = if cfg!(test) {
    64 * 1024
} else {
    64 * 1024 * 1024
};
/// Checkpoint rounds without a commit before an oversized WAL file is truncated.
const QUIET_ROUNDS_BEFORE_TRIM: u32 = if cfg!(test) { 2 } else { 8 };

/// A pass begins once this many rows wait for their paging rows...
const PASS_ROWS: usize = if cfg!(test) { 64 } else { 65_536 };
/// ...or once the first of them has waited this long (checked at each checkpointer round).
const PASS_AGE: Duration = Duration::from_secs(1);
/// Paging rows written per transaction of a pass: bounds how long a publish queues behind one.
const PASS_CHUNK: usize = if cfg!(test) { 16 } else { 1024 };
/// Rows without paging rows beyond which the writer finishes the pass under way before it
/// takes more publishes: bounds the memory [`Recent`] holds.
const MAX_UNPAGED: usize = 4 * PASS_ROWS;

/// What the node remembers of a row that has no paging row yet.
#[derive(Clone, Copy, Debug)]
struct Unpaged {
    id: i64,
    received_ns: i64,
    expiring: bool,
}

type UnpagedRows = BTreeMap<Key, Unpaged>;

/// The keys of committed rows whose paging rows are not written yet (schema version 4): queries
/// read them here and the rest from `paging`. Only the connection holding the writer lock
/// changes it; readers copy what they need under its lock.
struct Recent {
    /// Rows committed since the last pass began.
    active: UnpagedRows,
    /// When the first row of `active` arrived.
    since: Option<Instant>,
    /// The rows of the pass under way, until its last chunk commits.
    merging: Option<Arc<UnpagedRows>>,
    /// The id the next row gets. Ids are never reused (SQLite would give a deleted highest id
    /// again, at or below `paging_upto`), so `id > paging_upto` finds every row a stopped node
    /// left without its paging row.
    next_id: i64,
}

/// The lock of a [`Recent`]; a panic elsewhere leaves it usable (it holds no invariant a
/// half-done change could break: rows are added or swapped whole).
fn lock_recent(recent: &Mutex<Recent>) -> MutexGuard<'_, Recent> {
    recent
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Recent {
    fn starting_at(next_id: i64) -> Self {
        Self {
            active: UnpagedRows::new(),
            since: None,
            merging: None,
            next_id,
        }
    }

    fn take_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn contains(&self, key: &Key) -> bool {
        self.active.contains_key(key) || self.merging.as_ref().is_some_and(|m| m.contains_key(key))
    }

    /// Rows here: those waiting for a pass and those of the pass under way.
    fn unpaged(&self) -> usize {
        self.active.len() + self.merging.as_ref().map_or(0, |m| m.len())
    }

    fn add(&mut self, rows: Vec<(Key, Unpaged)>) {
        if !rows.is_empty() && self.since.is_none() {
            self.since = Some(Instant::now());
        }
        self.active.extend(rows);
    }

    /// Whether a row that retention would delete before `received_before_ns` is still here.
    fn holds_expired(&self, received_before_ns: i64) -> bool {
        let expired = |rows: &UnpagedRows| {
            rows.values()
                .any(|r| r.expiring && r.received_ns < received_before_ns)
        };
        expired(&self.active) || self.merging.as_deref().is_some_and(expired)
    }

    /// The keys and row ids of this query's page among the rows here, in its order.
    fn page(&self, q: &Query) -> Vec<(Key, i64)> {
        let mut sets = vec![&self.active];
        sets.extend(self.merging.as_deref());
        page_keys(&sets, q)
            .into_iter()
            .map(|(key, row)| (key.clone(), row.id))
            .collect()
    }

    /// Begins a pass over the rows waiting if one is due (or `force`), or resumes the pass a
    /// failed chunk left.
    fn pass_due(&mut self, force: bool) -> Option<Pass> {
        if self.merging.is_none() {
            let due = self.active.len() >= PASS_ROWS
                || self.since.is_some_and(|t| t.elapsed() >= PASS_AGE);
            if self.active.is_empty() || !(due || force) {
                return None;
            }
            self.merging = Some(Arc::new(std::mem::take(&mut self.active)));
            self.since = None;
        }
        self.merging.clone().map(Pass::over)
    }
}

/// A pass writing the paging rows of a set of rows, in key order.
struct Pass {
    rows: Arc<UnpagedRows>,
    /// The last key written by an earlier chunk.
    after: Option<Key>,
    /// The highest row id in `rows`: every row up to it has its paging row once the pass ends.
    upto: i64,
}

impl Pass {
    fn over(rows: Arc<UnpagedRows>) -> Self {
        let upto = rows.values().map(|r| r.id).max().unwrap_or(0);
        Self {
            rows,
            after: None,
            upto,
        }
    }

    /// Writes the next chunk's paging rows in one transaction; `true` once the pass is done.
    /// A key already paged under another row id (a second process's copy, or a redo after a
    /// crash found its twin) deletes this row: the envelope is stored once.
    fn write_chunk(
        &mut self,
        conn: &mut Connection,
        stored: &AtomicU64,
    ) -> Result<bool, rusqlite::Error> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let lower = match &self.after {
            Some(key) => Bound::Excluded(key),
            None => Bound::Unbounded,
        };
        let mut rows = self.rows.range::<Key, _>((lower, Bound::Unbounded));
        let mut last = None;
        let mut duplicates = 0;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO paging (topic, timestamp_ns, digest, id) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO NOTHING",
            )?;
            let mut paged_as = tx.prepare_cached(
                "SELECT id FROM paging WHERE topic = ?1 AND timestamp_ns = ?2 AND digest = ?3",
            )?;
            let mut drop_row = tx.prepare_cached("DELETE FROM envelopes WHERE id = ?1")?;
            for (key @ (topic, ts, digest), row) in rows.by_ref().take(PASS_CHUNK) {
                let ts = ts_to_sql(*ts);
                if put.execute(params![topic, ts, &digest[..], row.id])? == 0 {
                    let other: i64 =
                        paged_as.query_row(params![topic, ts, &digest[..]], |r| r.get(0))?;
                    if other != row.id {
                        duplicates += drop_row.execute([row.id])? as u64;
                    }
                }
                last = Some(key);
            }
        }
        let done = rows.next().is_none();
        if done {
            tx.execute("UPDATE paging_upto SET id = max(id, ?1)", [self.upto])?;
        }
        tx.commit()?;
        self.after = last.cloned();
        uncount(stored, duplicates);
        Ok(done)
    }
}

/// Takes `n` deleted rows off the row count, never below zero.
fn uncount(stored: &AtomicU64, n: u64) {
    let _ = stored.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| {
        Some(c.saturating_sub(n))
    });
}

/// Rows one transaction added, to remember in [`Recent`] once it commits.
#[derive(Default)]
struct Fresh {
    rows: Vec<(Key, Unpaged)>,
    keys: HashSet<Key>,
}

impl Fresh {
    /// Forgets the rows added since `mark` (their savepoint rolled back).
    fn roll_back_to(&mut self, mark: usize) {
        for (key, _) in self.rows.drain(mark..) {
            self.keys.remove(&key);
        }
    }
}

/// Settings every connection gets: its page cache and how much of the file it maps.
fn tune(conn: &Connection, cache_kib: i64, mmap_bytes: i64) -> Result<(), rusqlite::Error> {
    conn.pragma_update(None, "cache_size", -cache_kib)?;
    conn.pragma_update(None, "mmap_size", mmap_bytes)?;
    conn.pragma_update(None, "temp_store", "MEMORY")
}

enum WriteOp {
    Insert {
        envelopes: Vec<StoredEnvelope>,
        received_ns: i64,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    DeleteExpired {
        received_before_ns: i64,
        batch: u32,
        reply: oneshot::Sender<Result<u64, StoreError>>,
    },
    /// From the checkpointer's rounds: rows may have waited long enough for a paging pass.
    Page,
    /// Tests: write every paging row now.
    #[cfg(test)]
    PageAll {
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
}

fn sync_pragma(sync: SqliteSync) -> &'static str {
    match sync {
        SqliteSync::Normal => "NORMAL",
        SqliteSync::Full => "FULL",
    }
}

/// How a [`SqliteStore`] is opened.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SqliteOptions {
    /// When a commit is durable.
    pub sync: SqliteSync,
    /// Stamps each envelope's received time (what retention compares). The system clock by
    /// default.
    pub clock: Arc<dyn Clock>,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            sync: SqliteSync::default(),
            clock: Arc::new(SystemClock),
        }
    }
}

/// Envelope storage in one SQLite file (WAL mode, `synchronous=NORMAL` unless
/// [`SqliteOptions::sync`] says otherwise).
pub struct SqliteStore {
    clock: Arc<dyn Clock>,
    queue: mpsc::Sender<WriteOp>,
    writer: Arc<Writer>,
    readers: Arc<ReaderPool>,
    // Dropping it stops the checkpointer thread.
    _stop_checkpoints: std::sync::mpsc::Sender<()>,
    // Keeps a temporary database's directory alive as long as the store.
    _temp_dir: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.readers.path)
            .finish_non_exhaustive()
    }
}

fn backend(e: rusqlite::Error) -> StoreError {
    if is_busy(&e) {
        StoreError::Unavailable(e.to_string())
    } else {
        StoreError::Backend(e.to_string())
    }
}

fn writer_gone() -> StoreError {
    StoreError::Unavailable("the SQLite writer thread has stopped".into())
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and starts its writer thread.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, &SqliteOptions::default())
    }

    /// [`SqliteStore::open`] with options.
    pub fn open_with(path: impl AsRef<Path>, options: &SqliteOptions) -> Result<Self, StoreError> {
        Self::open_inner(path.as_ref().to_path_buf(), None, options)
    }

    /// A database in a fresh temporary directory, deleted when the store is dropped.
    pub fn temporary() -> Result<Self, StoreError> {
        Self::temporary_with(&SqliteOptions::default())
    }

    /// [`SqliteStore::temporary`] with options.
    pub fn temporary_with(options: &SqliteOptions) -> Result<Self, StoreError> {
        let dir = tempfile::Builder::new()
            .prefix("xmtp-node-")
            .tempdir()
            .map_err(|e| {
                StoreError::Unavailable(format!("cannot create a temporary directory: {e}"))
            })?;
        let path = dir.path().join("xmtp-node.db");
        Self::open_inner(path, Some(dir), options)
    }

    fn open_inner(
        path: PathBuf,
        temp_dir: Option<tempfile::TempDir>,
        options: &SqliteOptions,
    ) -> Result<Self, StoreError> {
        let open_err = |e: rusqlite::Error| {
            StoreError::Unavailable(format!(
                "cannot open SQLite database {}: {e}",
                path.display()
            ))
        };
        let mut conn = Connection::open(&path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))
            .map_err(open_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend(format!(
                "SQLite database {} refused WAL mode (journal_mode={mode})",
                path.display()
            )));
        }
        conn.pragma_update(None, "synchronous", sync_pragma(options.sync))
            .map_err(open_err)?;
        tune(&conn, WRITER_CACHE_KIB, WRITER_MMAP_BYTES).map_err(open_err)?;
        // Checkpoints run on their own thread: done by the writer, each one stalled every
        // commit waiting behind it for the copy and fsync of thousands of pages.
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(open_err)?;
        migrate(&mut conn)?;
        let leftovers = unpaged_rows(&conn).map_err(open_err)?;
        let checkpointer = Connection::open(&path).map_err(open_err)?;
        checkpointer.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // Counted on the checkpointer's connection, which does not map the file: a count reads
        // a whole index, and through the writer's map the first `WRITER_MMAP_BYTES` of the file
        // stayed resident in the node's memory (RSS) from then on.
        let rows: i64 = checkpointer
            .query_row("SELECT count(*) FROM envelopes", [], |row| row.get(0))
            .map_err(open_err)?;
        let next_id: i64 = conn
            .query_row(
                "SELECT max(coalesce((SELECT max(id) FROM envelopes), 0),
                            (SELECT id FROM paging_upto)) + 1",
                [],
                |row| row.get(0),
            )
            .map_err(open_err)?;
        let writer = Arc::new(Writer {
            conn: Mutex::new(conn),
            stored: AtomicU64::new(u64::try_from(rows).unwrap_or(0)),
            thread_waiting: AtomicBool::new(false),
            inserts_in_flight: AtomicUsize::new(0),
            restart_wanted: AtomicBool::new(false),
            metrics: Arc::new(SqliteMetrics::new()),
            rounds: tokio::sync::watch::Sender::new(0),
            recent: Mutex::new(Recent::starting_at(next_id)),
        });
        if !leftovers.is_empty() {
            // Paged by the writer thread's first pass; readable from memory until then (and for
            // good on a read-only database, which still serves reads).
            tracing::info!(
                rows = leftovers.len(),
                "SQLite: rows an earlier run left without paging rows"
            );
            writer.recent().add(leftovers);
        }

        let (tx, rx) = mpsc::channel(WRITE_QUEUE);
        let thread_writer = Arc::clone(&writer);
        std::thread::Builder::new()
            .name("xmtp-sqlite-writer".into())
            .spawn(move || writer_loop(&thread_writer, rx))
            .map_err(|e| StoreError::Backend(format!("cannot start the SQLite writer: {e}")))?;
        let (stop_checkpoints, stopped) = std::sync::mpsc::channel();
        let wal_path = wal_path(&path);
        // Only flushed (`fdatasync`), never written through this handle.
        let database_file = std::fs::File::open(&path).ok();
        let checkpoint_writer = Arc::clone(&writer);
        let nudge = tx.downgrade();
        std::thread::Builder::new()
            .name("xmtp-sqlite-checkpoint".into())
            .spawn(move || {
                checkpoint_loop(
                    &checkpointer,
                    &checkpoint_writer,
                    &nudge,
                    (&wal_path, database_file.as_ref()),
                    &stopped,
                );
            })
            .map_err(|e| {
                StoreError::Backend(format!("cannot start the SQLite checkpointer: {e}"))
            })?;
        let metrics = Arc::clone(&writer.metrics);
        Ok(Self {
            clock: Arc::clone(&options.clock),
            queue: tx,
            writer,
            readers: Arc::new(ReaderPool {
                path,
                idle: Mutex::new(Vec::new()),
                permits: Semaphore::new(READERS),
                metrics,
            }),
            _stop_checkpoints: stop_checkpoints,
            _temp_dir: temp_dir,
        })
    }

    /// Adds this store's metrics (`xmtp_node_sqlite_*`) to the node's `registry`.
    pub(crate) fn register_metrics(&self, registry: &mut prometheus_client::registry::Registry) {
        self.writer.metrics.register(registry);
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.readers.path
    }
}

/// The rows a node that stopped during a pass (or before one) left without paging rows.
/// (One process writes a database, which never stores one key twice, so the keys are distinct.)
fn unpaged_rows(conn: &Connection) -> Result<Vec<(Key, Unpaged)>, rusqlite::Error> {
    let upto: i64 = conn.query_row("SELECT id FROM paging_upto", [], |row| row.get(0))?;
    let mut stmt = conn.prepare(
        "SELECT topic, timestamp_ns, digest, id, received_ns, should_expire FROM envelopes
         WHERE id > ?1",
    )?;
    let rows = stmt.query_map([upto], |row| {
        let key: Key = (row.get(0)?, ts_from_sql(row.get(1)?), digest_at(row, 2)?);
        let unpaged = Unpaged {
            id: row.get(3)?,
            received_ns: row.get(4)?,
            expiring: row.get(5)?,
        };
        Ok((key, unpaged))
    })?;
    rows.collect()
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let schema = |e: rusqlite::Error| StoreError::Schema(e.to_string());
    let tx = conn.transaction().map_err(schema)?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        .map_err(schema)?;
    let version: Option<i64> = tx
        .query_row("SELECT max(version) FROM schema_version", [], |row| {
            row.get(0)
        })
        .optional()
        .map_err(schema)?
        .flatten();
    let steps: &[&str] = match version {
        None => &[SCHEMA_V2, SCHEMA_V3, SCHEMA_V4],
        Some(1) => {
            tracing::info!("migrating the SQLite envelope table from schema 1 to 4");
            &[V1_SET_ASIDE, SCHEMA_V2, V1_COPY, SCHEMA_V3, SCHEMA_V4]
        }
        Some(2) => {
            tracing::info!("migrating the SQLite envelope table from schema 2 to 4");
            &[SCHEMA_V3, SCHEMA_V4]
        }
        Some(3) => {
            tracing::info!("migrating the SQLite envelope table from schema 3 to 4");
            &[SCHEMA_V4]
        }
        Some(SCHEMA_VERSION) => &[],
        Some(v) => {
            return Err(StoreError::Schema(format!(
                "database schema version {v} is not supported by this node (it knows version {SCHEMA_VERSION})"
            )));
        }
    };
    if !steps.is_empty() {
        for step in steps {
            tx.execute_batch(step).map_err(schema)?;
        }
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [SCHEMA_VERSION],
        )
        .map_err(schema)?;
    }
    tx.commit().map_err(schema)
}

/// The WAL file SQLite keeps beside the database file.
fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// The WAL header's checkpoint sequence number (bytes 12..16, big-endian), which SQLite
/// increments each time the log starts over; `None` while there is no header.
fn wal_checkpoint_sequence(wal: &Path) -> Option<u32> {
    use std::io::Read as _;
    let mut header = [0u8; 16];
    std::fs::File::open(wal)
        .and_then(|mut file| file.read_exact(&mut header))
        .ok()?;
    Some(u32::from_be_bytes([
        header[12], header[13], header[14], header[15],
    ]))
}

/// Copies the WAL into the database file every [`CHECKPOINT_INTERVAL`] until the store is
/// dropped, restarts a long WAL from its start, and gives an oversized WAL file's space back once
/// writes have paused.
///
/// SQLite restarts the log only when a write transaction begins on a log that has been copied
/// whole, and under back-to-back group commits new frames always arrive before a checkpoint on
/// another connection finishes. A blocking RESTART checkpoint waits for a gap between commits and
/// then copies and syncs everything that piled up meanwhile while every writer waits: that
/// stalled batched publishes for up to 1.8 s. So once a passive round leaves a long log, the
/// checkpointer asks the writer ([`Writer::restart_wanted`]), which between two group commits
/// copies the few frames committed since that round and thereby lets its next transaction begin
/// a new log.
fn checkpoint_loop(
    conn: &Connection,
    writer: &Writer,
    nudge: &mpsc::WeakSender<WriteOp>,
    (wal, database_file): (&Path, Option<&std::fs::File>),
    stop: &std::sync::mpsc::Receiver<()>,
) {
    use std::sync::mpsc::RecvTimeoutError;
    // A passive round that does not reach the end of the log (under steady writes none does)
    // leaves what it copied unflushed, and the next checkpoint to reach the end (the writer's,
    // before a restart, while publishes wait) flushed it all: 64 MiB of pages per restart.
    // Flushing after each round that copied frames keeps that flush to the last few frames.
    // `flushed`: the log's restart count and its frames copied at the last flush.
    let mut flushed = None;
    let mut flush = |copied: (Option<u32>, i64)| {
        if copied.1 > 0 && flushed != Some(copied) {
            match database_file.map(std::fs::File::sync_data) {
                Some(Ok(())) => {
                    writer.metrics.database_flushes.inc();
                }
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "flushing the SQLite database file failed");
                }
                None => {}
            }
            flushed = Some(copied);
        }
    };
    // (log frames, frames copied) of `PRAGMA wal_checkpoint`.
    let checkpoint = |mode: &str| {
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
            Ok((row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
        })
    };
    // `data_version` changes whenever another connection commits.
    let data_version = || conn.query_row("PRAGMA data_version", [], |row| row.get::<_, i64>(0));
    let mut last_version = None;
    let mut quiet_rounds = 0u32;
    // The log's restart count at the previous round, and for how many rounds in a row the
    // writer has been asked to restart it without the log starting over.
    let mut last_sequence = wal_checkpoint_sequence(wal);
    let mut unanswered_rounds = 0u32;
    while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_INTERVAL) {
        let (waiting, unpaged) = {
            let recent = writer.recent();
            (!recent.active.is_empty(), recent.unpaged())
        };
        writer.metrics.unpaged_rows.set(unpaged as i64);
        // Rows waiting for paging rows: wake the writer so that it can see whether a pass is due.
        if waiting && let Some(queue) = nudge.upgrade() {
            let _ = queue.try_send(WriteOp::Page);
        }
        // PASSIVE never blocks the writer or readers; frames they still need wait for a later round.
        let round = Instant::now();
        let result = match checkpoint("PASSIVE") {
            Ok((log, copied)) => {
                let sequence = wal_checkpoint_sequence(wal);
                if sequence != last_sequence {
                    writer.metrics.log_restarts.inc();
                    unanswered_rounds = 0;
                }
                last_sequence = sequence;
                writer.metrics.log_frames.set(log);
                if log <= WAL_RESTART_FRAMES {
                    flush((sequence, copied));
                    Ok((log, copied))
                } else if log > WAL_FORCE_RESTART_FRAMES
                    && unanswered_rounds >= UNANSWERED_ROUNDS_BEFORE_FORCE
                {
                    let forced = writer.metrics.forced_restarts.inc() + 1;
                    tracing::debug!(log, forced, "SQLite WAL restart forced");
                    unanswered_rounds = 0;
                    checkpoint("RESTART")
                } else {
                    // Each pass copies what arrived during the one before: a couple of passes
                    // leave the writer only a few milliseconds' worth of frames to copy.
                    let caught_up = checkpoint("PASSIVE").and_then(|_| checkpoint("PASSIVE"));
                    if let Ok((_, copied)) = caught_up {
                        flush((sequence, copied));
                    }
                    writer.restart_wanted.store(true, Ordering::Release);
                    unanswered_rounds = unanswered_rounds.saturating_add(1);
                    caught_up
                }
            }
            Err(e) => Err(e),
        };
        writer.metrics.took(Operation::Checkpoint, round);
        writer.rounds.send_modify(|n| *n += 1);
        if let Err(e) = result {
            tracing::warn!(error = %e, "SQLite checkpoint failed; retrying");
            continue;
        }
        let version = data_version().ok();
        quiet_rounds = if version.is_some() && version == last_version {
            quiet_rounds.saturating_add(1)
        } else {
            0
        };
        last_version = version;
        let oversized = std::fs::metadata(wal).is_ok_and(|m| m.len() > WAL_SIZE_LIMIT_BYTES);
        if quiet_rounds >= QUIET_ROUNDS_BEFORE_TRIM && oversized {
            // Waits (busy timeout) for a writer that arrives meanwhile, and makes it wait.
            if let Err(e) = checkpoint("TRUNCATE") {
                tracing::warn!(error = %e, "SQLite WAL truncation failed; retrying");
            }
        }
    }
}

/// The only writing connection and what it keeps.
struct Writer {
    conn: Mutex<Connection>,
    /// Exact row count: counted once at open, then kept by whoever commits (count(*) is a full
    /// scan).
    stored: AtomicU64,
    /// Set while the writer thread waits for the lock, so callers queue behind it instead of
    /// committing on their own threads ahead of requests that queued earlier.
    thread_waiting: AtomicBool,
    /// Insert calls under way. Only a lone one commits on its own thread: with several in
    /// flight, queueing them into one group commit is cheaper than committing each.
    inserts_in_flight: AtomicUsize,
    /// Set by the checkpointer when the log is long and mostly copied: the writer thread then
    /// copies the rest before its next group commit, which restarts the log.
    restart_wanted: AtomicBool,
    /// What `/metrics` shows of this store (also counts what tests wait for); shared with
    /// the readers.
    metrics: Arc<SqliteMetrics>,
    /// Rounds the checkpointer has finished (watchable: tests wait on it; the counts in
    /// `metrics` are up to date for each round by its end).
    rounds: tokio::sync::watch::Sender<u64>,
    /// Committed rows without paging rows yet.
    recent: Mutex<Recent>,
}

/// Counts one insert call as under way until dropped.
struct InFlight<'a> {
    counter: &'a AtomicUsize,
    /// No other insert call was under way when this one started.
    alone: bool,
}

impl<'a> InFlight<'a> {
    fn enter(counter: &'a AtomicUsize) -> Self {
        let before = counter.fetch_add(1, Ordering::AcqRel);
        Self {
            counter,
            alone: before == 0,
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.counter.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Writer {
    fn recent(&self) -> MutexGuard<'_, Recent> {
        lock_recent(&self.recent)
    }

    /// The connection for the writer thread, which may wait for it and for SQLite's write lock.
    fn lock_for_thread(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.thread_waiting.store(true, Ordering::Release);
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.thread_waiting.store(false, Ordering::Release);
        conn
    }

    /// Commits one request on the calling thread if the connection is free and nobody is queued.
    /// `None` means the caller must queue it: the lock was taken, or SQLite's write lock is held
    /// by another connection (the checkpointer restarting the log, another process), which this
    /// path never waits for because it runs on an async worker thread.
    fn try_commit_here(
        &self,
        envelopes: &[StoredEnvelope],
        received_ns: i64,
    ) -> Option<Result<(), StoreError>> {
        if self.thread_waiting.load(Ordering::Acquire) {
            return None;
        }
        let mut conn = self.conn.try_lock().ok()?;
        if self.recent().active.len() >= MAX_UNPAGED {
            // The writer thread pages rows before it takes more.
            return None;
        }
        conn.busy_timeout(std::time::Duration::ZERO).ok()?;
        let mut fresh = Fresh::default();
        let result = self.metrics.time(Operation::Commit, || {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let rows = insert_all(&tx, &self.recent, envelopes, received_ns, &mut fresh)?;
            tx.commit()?;
            Ok(rows)
        });
        let restored = conn.busy_timeout(BUSY_TIMEOUT);
        match result {
            Ok(rows) => {
                self.recent().add(fresh.rows);
                self.stored.fetch_add(rows, Ordering::Relaxed);
                Some(restored.map_err(backend))
            }
            Err(e) if is_busy(&e) => None,
            Err(e) => Some(Err(backend(e))),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(code, _)
            if matches!(
                code.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            )
    )
}

fn writer_loop(writer: &Writer, mut rx: mpsc::Receiver<WriteOp>) {
    let stored = &writer.stored;
    let mut inserts = Vec::new();
    let mut pass: Option<Pass> = None;
    // After a failed chunk (a read-only or full disk) passes wait this long before trying again.
    let mut retry_at: Option<Instant> = None;
    loop {
        // A pass under way interleaves its chunks with group commits; with too many rows
        // waiting for paging rows it finishes first. Otherwise the thread waits for work.
        let first = if pass.is_none() {
            match rx.blocking_recv() {
                Some(op) => Some(op),
                None => break,
            }
        } else if writer.recent().active.len() >= MAX_UNPAGED {
            None
        } else {
            match rx.try_recv() {
                Ok(op) => Some(op),
                Err(mpsc::error::TryRecvError::Empty) => None,
                Err(mpsc::error::TryRecvError::Disconnected) => break,
            }
        };
        let mut conn = writer.lock_for_thread();
        let mut pending = 0usize;
        let mut next = first;
        while let Some(op) = next.take() {
            match op {
                WriteOp::Insert {
                    envelopes,
                    received_ns,
                    reply,
                } => {
                    pending += envelopes.len();
                    inserts.push((envelopes, received_ns, reply));
                }
                WriteOp::DeleteExpired {
                    received_before_ns,
                    batch,
                    reply,
                } => {
                    let result = writer.metrics.time(Operation::Retention, || {
                        delete_expired(writer, &mut conn, &mut pass, received_before_ns, batch)
                    });
                    if let Ok(n) = result {
                        uncount(stored, n);
                    }
                    let _ = reply.send(result);
                }
                // Only wakes the thread: the pass is started below when due.
                WriteOp::Page => {}
                #[cfg(test)]
                WriteOp::PageAll { reply } => {
                    let result = page_everything(&writer.recent, &mut conn, &mut pass, stored);
                    let _ = reply.send(result.map_err(backend));
                }
            }
            if pending < MAX_GROUP_ENVELOPES {
                next = rx.try_recv().ok();
            }
        }
        if writer.restart_wanted.swap(false, Ordering::AcqRel) {
            // Never waits: a checkpoint under way elsewhere, or a reader's snapshot, just leaves
            // the restart to a later round.
            let copied_all = writer.metrics.time(Operation::LogRestart, || {
                conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
                    Ok(row.get::<_, i64>(0)? == 0
                        && row.get::<_, i64>(1)? == row.get::<_, i64>(2)?)
                })
            });
            match copied_all {
                Ok(true) => {
                    writer.metrics.writer_restarts.inc();
                }
                // The checkpointer's own round is under way, or a reader holds frames back:
                // try again before the next group commit.
                Ok(false) => writer.restart_wanted.store(true, Ordering::Release),
                Err(e) => tracing::debug!(error = %e, "SQLite writer checkpoint failed"),
            }
        }
        if !inserts.is_empty() {
            writer.metrics.time(Operation::Commit, || {
                group_commit(&mut conn, &writer.recent, &mut inserts, stored);
            });
        }
        if pass.is_none() && retry_at.is_none_or(|t| Instant::now() >= t) {
            pass = writer.recent().pass_due(false);
        }
        if let Some(current) = pass.as_mut() {
            match writer
                .metrics
                .time(Operation::Pass, || current.write_chunk(&mut conn, stored))
            {
                Ok(false) => {}
                Ok(true) => {
                    writer.recent().merging = None;
                    pass = None;
                    retry_at = None;
                }
                Err(e) => {
                    // The rows stay readable from memory; a later round starts the pass over.
                    tracing::warn!(error = %e, "SQLite paging pass failed; retrying in a second");
                    pass = None;
                    retry_at = Some(Instant::now() + PASS_AGE);
                }
            }
        }
    }
}

/// Writes the paging rows of every row that has none yet (before retention deletes rows it
/// must find in `paging`).
fn page_everything(
    recent: &Mutex<Recent>,
    conn: &mut Connection,
    pass: &mut Option<Pass>,
    stored: &AtomicU64,
) -> Result<(), rusqlite::Error> {
    let recent = || lock_recent(recent);
    loop {
        if pass.is_none() {
            *pass = recent().pass_due(true);
        }
        let Some(current) = pass.as_mut() else {
            return Ok(());
        };
        while !current.write_chunk(conn, stored)? {}
        recent().merging = None;
        *pass = None;
    }
}

type InsertRequest = (
    Vec<StoredEnvelope>,
    i64,
    oneshot::Sender<Result<(), StoreError>>,
);

/// One transaction for all waiting requests, one savepoint per request; `stored` counts the new
/// rows (duplicates are not rows) and `recent` learns their keys before anyone is answered.
fn group_commit(
    conn: &mut Connection,
    recent: &Mutex<Recent>,
    requests: &mut Vec<InsertRequest>,
    stored: &AtomicU64,
) {
    let mut results: Vec<Result<(), StoreError>> = Vec::with_capacity(requests.len());
    let mut inserted = 0;
    let mut fresh = Fresh::default();
    let committed = (|| -> Result<(), rusqlite::Error> {
        // Immediate: the dedupe reads come first, and SQLite does not wait (busy timeout) for
        // another connection's write lock when a read transaction turns into a write.
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (envelopes, received_ns, _) in requests.iter() {
            if let [envelope] = envelopes.as_slice() {
                // One statement is atomic by itself: no savepoint needed.
                match insert_all(
                    &tx,
                    recent,
                    std::slice::from_ref(envelope),
                    *received_ns,
                    &mut fresh,
                ) {
                    Ok(rows) => {
                        inserted += rows;
                        results.push(Ok(()));
                    }
                    Err(e) => results.push(Err(backend(e))),
                }
                continue;
            }
            let mark = fresh.rows.len();
            let mut sp = tx.savepoint()?;
            match insert_all(&sp, recent, envelopes, *received_ns, &mut fresh) {
                Ok(rows) => {
                    sp.commit()?;
                    inserted += rows;
                    results.push(Ok(()));
                }
                Err(e) => {
                    sp.rollback()?;
                    fresh.roll_back_to(mark);
                    results.push(Err(backend(e)));
                }
            }
        }
        tx.commit()
    })();
    match committed {
        Ok(()) => {
            lock_recent(recent).add(fresh.rows);
            stored.fetch_add(inserted, Ordering::Relaxed);
            for ((_, _, reply), result) in requests.drain(..).zip(results) {
                let _ = reply.send(result);
            }
        }
        Err(e) => {
            let message = e.to_string();
            for (_, _, reply) in requests.drain(..) {
                let _ = reply.send(Err(StoreError::Backend(message.clone())));
            }
        }
    }
}

/// Appends the envelopes not stored yet (by `(topic, timestamp_ns, digest)`: in `paging`, in
/// `recent`, or earlier in this transaction) and notes their keys in `fresh`.
fn insert_all(
    conn: &Connection,
    recent: &Mutex<Recent>,
    envelopes: &[StoredEnvelope],
    received_ns: i64,
    fresh: &mut Fresh,
) -> Result<u64, rusqlite::Error> {
    let mut paged = conn.prepare_cached(
        "SELECT 1 FROM paging WHERE topic = ?1 AND timestamp_ns = ?2 AND digest = ?3",
    )?;
    let mut append = conn.prepare_cached(
        "INSERT INTO envelopes
         (id, topic, timestamp_ns, digest, message, received_ns, should_expire)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut inserted = 0;
    for e in envelopes {
        let key: Key = (e.content_topic.clone(), e.timestamp_ns, e.digest);
        let known = fresh.keys.contains(&key)
            || lock_recent(recent).contains(&key)
            || paged.exists(params![
                e.content_topic,
                ts_to_sql(e.timestamp_ns),
                &e.digest[..]
            ])?;
        if known {
            continue;
        }
        let expiring = !e.content_topic.starts_with("/xmtp/");
        let id = lock_recent(recent).take_id();
        append.execute(params![
            id,
            e.content_topic,
            ts_to_sql(e.timestamp_ns),
            &e.digest[..],
            &e.message[..],
            received_ns,
            expiring,
        ])?;
        fresh.keys.insert(key.clone());
        fresh.rows.push((
            key,
            Unpaged {
                id,
                received_ns,
                expiring,
            },
        ));
        inserted += 1;
    }
    Ok(inserted)
}

/// Deletes up to `batch` rows of expiring topics received before `before`, with their paging
/// rows; rows of such topics still waiting for paging rows are paged first.
fn delete_expired(
    writer: &Writer,
    conn: &mut Connection,
    pass: &mut Option<Pass>,
    before: i64,
    batch: u32,
) -> Result<u64, StoreError> {
    if writer.recent().holds_expired(before) {
        page_everything(&writer.recent, conn, pass, &writer.stored).map_err(backend)?;
    }
    let deleted = (|| -> Result<u64, rusqlite::Error> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut deleted = 0;
        {
            let mut doomed = tx.prepare_cached(
                "SELECT id, topic, timestamp_ns, digest FROM envelopes
                 WHERE should_expire = 1 AND received_ns < ?1 LIMIT ?2",
            )?;
            let mut unpage = tx.prepare_cached(
                "DELETE FROM paging WHERE topic = ?1 AND timestamp_ns = ?2 AND digest = ?3 AND id = ?4",
            )?;
            let mut drop_row = tx.prepare_cached("DELETE FROM envelopes WHERE id = ?1")?;
            let rows = doomed
                .query_map(params![before, batch], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get::<_, Vec<u8>>(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            for (id, topic, ts, digest) in rows {
                unpage.execute(params![topic, ts, digest, id])?;
                deleted += drop_row.execute([id])? as u64;
            }
        }
        tx.commit()?;
        Ok(deleted)
    })()
    .map_err(backend)?;
    Ok(deleted)
}

struct ReaderPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
    metrics: Arc<SqliteMetrics>,
}

impl ReaderPool {
    fn take(&self) -> Result<Connection, StoreError> {
        if let Some(conn) = self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Unavailable(format!("cannot open a SQLite reader: {e}")))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
        tune(&conn, READER_CACHE_KIB, 0).map_err(backend)?;
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < READERS
        {
            idle.push(conn);
        }
    }

    async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    {
        let asked = Instant::now();
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| StoreError::Unavailable("reader pool closed".into()))?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            pool.metrics.took(Operation::ReadWait, asked);
            let conn = pool.take()?;
            let result = pool
                .metrics
                .time(Operation::Read, || f(&conn).map_err(backend));
            pool.give_back(conn);
            result
        })
        .await
        .map_err(|e| StoreError::Backend(format!("SQLite reader task failed: {e}")))?
    }
}

/// A digest column of row `row` at `index`.
fn digest_at(row: &rusqlite::Row<'_>, index: usize) -> Result<Digest, rusqlite::Error> {
    <[u8; 32]>::try_from(row.get_ref(index)?.as_blob()?).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Blob,
            "stored digest is not 32 bytes".into(),
        )
    })
}

/// An envelope from the columns `topic, timestamp_ns, message, digest`.
fn envelope_from_row(row: &rusqlite::Row<'_>) -> Result<StoredEnvelope, rusqlite::Error> {
    Ok(StoredEnvelope {
        content_topic: row.get(0)?,
        timestamp_ns: ts_from_sql(row.get(1)?),
        message: bytes::Bytes::from(row.get::<_, Vec<u8>>(2)?),
        digest: digest_at(row, 3)?,
    })
}

/// A query's page: the rows that have paging rows, merged in order with `recent`, the keys and
/// ids of the query's rows that do not have them yet (see [`Recent`]).
fn run_query(
    conn: &Connection,
    q: &Query,
    recent: &[(Key, i64)],
) -> Result<Vec<StoredEnvelope>, rusqlite::Error> {
    use rusqlite::types::Value;
    let mut sql = String::from(
        "SELECT e.topic, e.timestamp_ns, e.message, e.digest
         FROM paging p CROSS JOIN envelopes e ON e.id = p.id WHERE ",
    );
    let mut args: Vec<Value> = Vec::with_capacity(6);
    if let [topic] = q.topics.as_slice() {
        sql.push_str("p.topic = ?");
        args.push(Value::Text(topic.clone()));
    } else {
        // One parameter whatever the number of topics: no SQLite variable limit, one cached plan.
        sql.push_str("p.topic IN (SELECT value FROM json_each(?))");
        let list = serde_json::to_string(&q.topics).unwrap_or_else(|_| "[]".into());
        args.push(Value::Text(list));
    }
    if let Some(start) = q.start_ns {
        sql.push_str(" AND p.timestamp_ns >= ?");
        args.push(Value::Integer(ts_to_sql(start)));
    }
    if let Some(end) = q.end_ns {
        sql.push_str(" AND p.timestamp_ns <= ?");
        args.push(Value::Integer(ts_to_sql(end)));
    }
    let (cmp, order) = match q.direction {
        Direction::Ascending => (">", "ASC"),
        Direction::Descending => ("<", "DESC"),
    };
    if let Some(Cursor {
        timestamp_ns,
        digest,
    }) = &q.cursor
    {
        sql.push_str(&format!(" AND (p.timestamp_ns, p.digest) {cmp} (?, ?)"));
        args.push(Value::Integer(ts_to_sql(*timestamp_ns)));
        args.push(Value::Blob(digest.to_vec()));
    }
    sql.push_str(&format!(
        " ORDER BY p.timestamp_ns {order}, p.digest {order} LIMIT ?"
    ));
    args.push(Value::Integer(i64::from(q.limit)));

    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), envelope_from_row)?;
    // Rows are stepped one at a time: a page that reaches its budget stops reading.
    let paged = super::within_budget(rows, q.max_bytes)?;
    if recent.is_empty() {
        return Ok(paged);
    }
    // A row of `recent` may be in `paged` too (its pass wrote it): once is enough. Rows of
    // `recent` are read only as the merged page reaches them, so the budget still bounds it.
    let mut by_id = conn.prepare_cached(
        "SELECT topic, timestamp_ns, message, digest FROM envelopes WHERE id = ?1",
    )?;
    let ahead = |a: (u64, &Digest, &str), b: (u64, &Digest, &str)| match q.direction {
        Direction::Ascending => a < b,
        Direction::Descending => a > b,
    };
    let mut paged = paged.into_iter().peekable();
    let mut recent = recent.iter().peekable();
    let merged = std::iter::from_fn(|| {
        loop {
            let take_recent = match (paged.peek(), recent.peek()) {
                (None, None) => return None,
                (Some(_), None) => false,
                (None, Some(_)) => true,
                (Some(e), Some((key, _))) => {
                    let row = (e.timestamp_ns, &e.digest, e.content_topic.as_str());
                    if row == order_key(key) {
                        recent.next();
                        false
                    } else {
                        ahead(order_key(key), row)
                    }
                }
            };
            if !take_recent {
                return paged.next().map(Ok);
            }
            let (_, id) = recent.next()?;
            // A row retention deleted since the copy of `recent` is skipped.
            match by_id.query_row([id], envelope_from_row).optional() {
                Ok(Some(row)) => return Some(Ok(row)),
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    });
    super::within_budget(merged.take(q.limit as usize), q.max_bytes)
}

#[async_trait]
impl Store for SqliteStore {
    async fn insert(&self, envelopes: Vec<StoredEnvelope>) -> Result<(), StoreError> {
        if envelopes.is_empty() {
            return Ok(());
        }
        let received_ns = i64::try_from(self.clock.now_ns()).unwrap_or(i64::MAX);
        let in_flight = InFlight::enter(&self.writer.inserts_in_flight);
        if in_flight.alone
            && envelopes.len() <= MAX_INLINE_ENVELOPES
            && self.queue.capacity() == self.queue.max_capacity()
            && let Some(result) = self.writer.try_commit_here(&envelopes, received_ns)
        {
            return result;
        }
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(WriteOp::Insert {
                envelopes,
                received_ns,
                reply,
            })
            .await
            .map_err(|_| writer_gone())?;
        answer.await.map_err(|_| writer_gone())?
    }

    async fn query(&self, query: Query) -> Result<Vec<StoredEnvelope>, StoreError> {
        if query.topics.is_empty() || query.limit == 0 {
            return Ok(Vec::new());
        }
        // Copied before the readers' snapshot: a row that leaves `recent` meanwhile has its
        // paging row committed first, so the snapshot finds it.
        let recent = self.writer.recent().page(&query);
        self.readers
            .run(move |conn| run_query(conn, &query, &recent))
            .await
    }

    async fn delete_expired(&self, received_before_ns: u64, batch: u32) -> Result<u64, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(WriteOp::DeleteExpired {
                received_before_ns: i64::try_from(received_before_ns).unwrap_or(i64::MAX),
                batch,
                reply,
            })
            .await
            .map_err(|_| writer_gone())?;
        answer.await.map_err(|_| writer_gone())?
    }

    async fn count(&self) -> Result<u64, StoreError> {
        Ok(self.writer.stored.load(Ordering::Relaxed))
    }

    async fn sync_keys(&self, from_ns: u64, limit: usize) -> Result<Vec<SyncKey>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.readers
            .run(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT topic, timestamp_ns, digest FROM envelopes INDEXED BY envelopes_sync
                     WHERE timestamp_ns >= ?1 ORDER BY timestamp_ns DESC, digest DESC LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![ts_to_sql(from_ns), limit], |row| {
                    let topic: String = row.get(0)?;
                    Ok(SyncKey::of(
                        &topic,
                        ts_from_sql(row.get(1)?),
                        digest_at(row, 2)?,
                    ))
                })?;
                let mut keys = rows.collect::<Result<Vec<_>, _>>()?;
                keys.reverse();
                Ok(keys)
            })
            .await
    }

    async fn by_sync_ids(&self, ids: Vec<SyncId>) -> Result<Vec<StoredEnvelope>, StoreError> {
        self.readers
            .run(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT topic, timestamp_ns, message, digest FROM envelopes INDEXED BY envelopes_sync
                     WHERE timestamp_ns = ?1 AND digest BETWEEN ?2 AND ?3",
                )?;
                let mut found = Vec::new();
                for id in ids {
                    let (low, high) = id.digest_range();
                    let rows = stmt.query_map(
                        params![ts_to_sql(id.timestamp_ns()), &low[..], &high[..]],
                        envelope_from_row,
                    )?;
                    for row in rows {
                        found.push(row?);
                    }
                }
                Ok(found)
            })
            .await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.readers
            .run(|conn| conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0)))
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    fn env(topic: &str, ts: u64, msg: &[u8]) -> StoredEnvelope {
        StoredEnvelope {
            content_topic: topic.into(),
            timestamp_ns: ts,
            message: bytes::Bytes::copy_from_slice(msg),
            digest: xmtp_crypto::sha256_concat(&[topic.as_bytes(), msg]),
        }
    }

    fn query(topics: &[&str], direction: Direction, limit: u32) -> Query {
        Query {
            topics: topics.iter().map(|t| (*t).to_string()).collect(),
            start_ns: None,
            end_ns: None,
            direction,
            cursor: None,
            limit,
            max_bytes: usize::MAX,
        }
    }

    #[test]
    fn timestamp_mapping_preserves_order() {
        let values = [
            0,
            1,
            1 << 62,
            (1 << 63) - 1,
            1 << 63,
            u64::MAX - 1,
            u64::MAX,
        ];
        for pair in values.windows(2) {
            assert!(ts_to_sql(pair[0]) < ts_to_sql(pair[1]));
            assert_eq!(ts_from_sql(ts_to_sql(pair[0])), pair[0]);
        }
    }

    #[tokio::test]
    async fn insert_dedupes_on_timestamp_and_digest() {
        let store = SqliteStore::temporary().unwrap();
        let a = env("/xmtp/0/m-a/proto", 5, b"x");
        store.insert(vec![a.clone(), a.clone()]).await.unwrap();
        store.insert(vec![a.clone()]).await.unwrap();
        // Same topic and payload at another time is a second envelope.
        store
            .insert(vec![env("/xmtp/0/m-a/proto", 6, b"x")])
            .await
            .unwrap();
        // Same payload and time on another topic is another envelope too.
        store
            .insert(vec![env("/xmtp/0/m-b/proto", 5, b"x")])
            .await
            .unwrap();
        assert_eq!(store.count().await.unwrap(), 3);
        let page = store
            .query(query(&["/xmtp/0/m-a/proto"], Direction::Ascending, 10))
            .await
            .unwrap();
        assert_eq!(page, vec![a, env("/xmtp/0/m-a/proto", 6, b"x")]);
    }

    #[tokio::test]
    async fn huge_timestamps_sort_last_and_round_trip() {
        let store = SqliteStore::temporary().unwrap();
        let t = "/xmtp/0/m-t/proto";
        store
            .insert(vec![
                env(t, u64::MAX, b"late"),
                env(t, 0, b"zero"),
                env(t, 7, b"mid"),
            ])
            .await
            .unwrap();
        let page = store
            .query(query(&[t], Direction::Descending, 10))
            .await
            .unwrap();
        let ts: Vec<u64> = page.iter().map(|e| e.timestamp_ns).collect();
        assert_eq!(ts, vec![u64::MAX, 7, 0]);
    }

    #[tokio::test]
    async fn multi_topic_query_merges_in_order() {
        let store = SqliteStore::temporary().unwrap();
        store
            .insert(vec![
                env("a", 3, b"1"),
                env("b", 1, b"2"),
                env("c", 2, b"3"),
                env("a", 4, b"4"),
            ])
            .await
            .unwrap();
        let page = store
            .query(query(&["a", "b"], Direction::Ascending, 10))
            .await
            .unwrap();
        let ts: Vec<u64> = page.iter().map(|e| e.timestamp_ns).collect();
        assert_eq!(ts, vec![1, 3, 4]);
    }

    #[tokio::test]
    async fn concurrent_inserts_are_group_committed_and_all_visible() {
        let store = Arc::new(SqliteStore::temporary().unwrap());
        let mut tasks = Vec::new();
        for i in 0..200u64 {
            let store = Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                store.insert(vec![env("/xmtp/0/m-c/proto", i, b"p")]).await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(store.count().await.unwrap(), 200);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_publish_waits_in_the_queue_while_another_connection_holds_the_write_lock() {
        let store = SqliteStore::temporary().unwrap();
        store
            .insert(vec![env("/xmtp/0/m-a/proto", 1, b"before")])
            .await
            .unwrap();
        // Another connection (as another process or a restarting checkpoint would) takes
        // SQLite's write lock: the inline path must not fail or block; the request queues for
        // the writer thread, which waits for the lock.
        let other = Connection::open(store.path()).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let holder = std::thread::spawn(move || {
            released.recv().unwrap();
            other.execute_batch("COMMIT").unwrap();
        });
        let insert = store.insert(vec![env("/xmtp/0/m-a/proto", 2, b"during")]);
        tokio::pin!(insert);
        let waited = tokio::time::timeout(std::time::Duration::from_millis(200), &mut insert).await;
        assert!(waited.is_err(), "the insert waits for the lock: {waited:?}");
        release.send(()).unwrap();
        insert.await.unwrap();
        holder.join().unwrap();
        let q = query(&["/xmtp/0/m-a/proto"], Direction::Ascending, 10);
        let messages: Vec<_> = store
            .query(q)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.message)
            .collect();
        assert_eq!(messages, [&b"before"[..], &b"during"[..]]);
        assert_eq!(store.count().await.unwrap(), 2);
    }

    #[tokio::test]
    async fn sync_full_sets_synchronous_full_and_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("full.db");
        let synchronous = |store: &SqliteStore| -> i64 {
            let conn = store.writer.conn.lock().unwrap();
            conn.query_row("PRAGMA synchronous", [], |row| row.get(0))
                .unwrap()
        };
        let options = SqliteOptions {
            sync: SqliteSync::Full,
            ..SqliteOptions::default()
        };
        let store = SqliteStore::open_with(&path, &options).unwrap();
        // SQLite's numbering: 1 = NORMAL, 2 = FULL.
        assert_eq!(synchronous(&store), 2);
        store
            .insert(vec![env("/xmtp/0/m-f/proto", 1, b"x")])
            .await
            .unwrap();
        drop(store);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(synchronous(&store), 1);
        assert_eq!(store.count().await.unwrap(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn back_to_back_group_commits_restart_the_log_without_a_blocking_checkpoint() {
        let store = Arc::new(SqliteStore::temporary().unwrap());
        let payload = vec![3u8; 64];
        let stop = Arc::new(AtomicBool::new(false));
        // Writers with requests too large to commit inline, several in flight at once: the
        // writer thread group-commits back to back, as under sustained batched publishes.
        let mut writers = Vec::new();
        for w in 0..2u64 {
            let (store, stop, payload) = (Arc::clone(&store), Arc::clone(&stop), payload.clone());
            writers.push(tokio::spawn(async move {
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let batch = (0..20)
                        .map(|k| env("/xmtp/0/m-batch/proto", (w << 40) | (i << 8) | k, &payload))
                        .collect();
                    store.insert(batch).await.unwrap();
                    i += 1;
                }
                i * 20
            }));
        }
        let writer = Arc::clone(&store.writer);
        let mut rounds = writer.rounds.subscribe();
        // `is_ok_and` drops the watch's read guard at once: the checkpointer writes to it. A
        // round counts a restart before it ends.
        let reached = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            rounds.wait_for(|_| writer.metrics.log_restarts.get() >= 3),
        )
        .await
        .is_ok_and(|r| r.is_ok());
        assert!(
            reached,
            "the log did not start over 3 times (writer checkpoints: {}, forced restarts: {})",
            writer.metrics.writer_restarts.get(),
            writer.metrics.forced_restarts.get()
        );
        stop.store(true, Ordering::Relaxed);
        let mut written = 0;
        for w in writers {
            written += w.await.unwrap();
        }
        // Every restart came from the writer: none waited for a gap between commits.
        assert_eq!(writer.metrics.forced_restarts.get(), 0);
        // Each restart the writer made ready was timed (the stall a publish may wait for). The
        // writer may still be at it: it times one before counting it, so count first.
        let made_ready = writer.metrics.writer_restarts.get();
        assert!(writer.metrics.count(Operation::LogRestart) >= made_ready);
        assert_eq!(store.count().await.unwrap(), written);
    }

    #[tokio::test]
    async fn an_oversized_wal_file_shrinks_once_writes_pause() {
        let store = SqliteStore::temporary().unwrap();
        let wal = wal_path(store.path());
        let payload = vec![7u8; 1024];
        let wal_len = || std::fs::metadata(&wal).map_or(0, |m| m.len());
        let mut written = 0u64;
        // Write until the WAL file has outgrown the limit (each commit resets the quiet count).
        let mut grew_past_limit = false;
        for i in 0..2_000u64 {
            store
                .insert(vec![env("/xmtp/0/m-wal/proto", i, &payload)])
                .await
                .unwrap();
            written += 1;
            if wal_len() > 4 * WAL_SIZE_LIMIT_BYTES {
                grew_past_limit = true;
                break;
            }
        }
        assert!(grew_past_limit, "WAL stayed at {} bytes", wal_len());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while wal_len() > WAL_SIZE_LIMIT_BYTES {
            assert!(
                std::time::Instant::now() < deadline,
                "WAL still {} bytes after the store went quiet",
                wal_len()
            );
            tokio::time::sleep(CHECKPOINT_INTERVAL).await;
        }
        assert_eq!(store.count().await.unwrap(), written);
        let q = query(&["/xmtp/0/m-wal/proto"], Direction::Descending, 1);
        let newest = store.query(q).await.unwrap();
        assert_eq!(newest[0].timestamp_ns, written - 1);
        store
            .insert(vec![env("/xmtp/0/m-wal/proto", written, b"after")])
            .await
            .unwrap();
        assert_eq!(store.count().await.unwrap(), written + 1);
    }

    #[tokio::test]
    async fn retention_deletes_only_expiring_topics_received_before_the_cutoff() {
        let received = 1_000 * 1_000_000_000;
        let options = SqliteOptions {
            clock: Arc::new(xmtp_keystore::ManualClock::new(received)),
            ..SqliteOptions::default()
        };
        let store = SqliteStore::temporary_with(&options).unwrap();
        store
            .insert(vec![
                env("/xmtp/0/m-keep/proto", 1, b"a"),
                env("test-expire", 1, b"b"),
                env("other", 2, b"c"),
            ])
            .await
            .unwrap();
        // Received at the store's clock: not before it, so kept until the cutoff passes it.
        assert_eq!(store.delete_expired(0, 100).await.unwrap(), 0);
        assert_eq!(store.delete_expired(received, 100).await.unwrap(), 0);
        let later = received + 1;
        assert_eq!(store.delete_expired(later, 1).await.unwrap(), 1);
        assert_eq!(store.delete_expired(later, 100).await.unwrap(), 1);
        assert_eq!(store.count().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn reopening_keeps_data_and_refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.db");
        {
            let store = SqliteStore::open(&path).unwrap();
            store.insert(vec![env("t", 1, b"a")]).await.unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.count().await.unwrap(), 1);
        drop(store);
        let conn = Connection::open(&path).unwrap();
        conn.execute("INSERT INTO schema_version (version) VALUES (99)", [])
            .unwrap();
        drop(conn);
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Schema(_)), "{err}");
        assert!(!err.is_retryable());
    }

    fn schema_version(conn: &Connection) -> i64 {
        conn.query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
            .unwrap()
    }

    /// The version 1 layout as it was shipped: rows clustered on the paging key.
    const SCHEMA_V1: &str = "
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version (version) VALUES (1);
        CREATE TABLE envelopes (
            topic TEXT NOT NULL, timestamp_ns INTEGER NOT NULL, digest BLOB NOT NULL,
            message BLOB NOT NULL, received_ns INTEGER NOT NULL, should_expire INTEGER NOT NULL,
            PRIMARY KEY (topic, timestamp_ns, digest)
        ) WITHOUT ROWID;
        CREATE INDEX envelopes_expiring ON envelopes (received_ns) WHERE should_expire = 1;
    ";

    #[tokio::test]
    async fn a_version_2_database_gains_the_sync_index_and_answers_sync_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        let old: Vec<StoredEnvelope> = (0..50u64)
            .map(|i| {
                env(
                    &format!("/xmtp/0/m-{}/proto", i % 3),
                    100 - i,
                    &i.to_le_bytes(),
                )
            })
            .chain([env("/xmtp/0/contact-0xabc/proto", 70, b"c")])
            .collect();
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA_V2).unwrap();
            conn.execute_batch(
                "CREATE TABLE schema_version (version INTEGER NOT NULL);
                 INSERT INTO schema_version (version) VALUES (2);",
            )
            .unwrap();
            for e in &old {
                conn.execute(
                    "INSERT INTO envelopes (topic, timestamp_ns, digest, message, received_ns, should_expire)
                     VALUES (?1, ?2, ?3, ?4, 0, 0)",
                    params![e.content_topic, ts_to_sql(e.timestamp_ns), &e.digest[..], &e.message[..]],
                )
                .unwrap();
            }
        }
        let store = SqliteStore::open(&path).unwrap();
        let keys = store.sync_keys(60, 1000).await.unwrap();
        let mut expected: Vec<SyncKey> = old
            .iter()
            .filter(|e| e.timestamp_ns >= 60)
            .map(|e| SyncKey::of(&e.content_topic, e.timestamp_ns, e.digest))
            .collect();
        expected.sort_by_key(|k| (k.timestamp_ns, k.digest));
        assert_eq!(keys, expected);
        assert_eq!(keys.iter().filter(|k| k.restricted).count(), 1);
        assert_eq!(
            store.sync_keys(0, 5).await.unwrap(),
            keys[keys.len() - 5..],
            "limited to the newest"
        );
        let wanted = vec![keys[0].id(), keys[7].id(), SyncId::new(1, &[9; 32])];
        let mut found = store.by_sync_ids(wanted.clone()).await.unwrap();
        found.sort_by_key(|e| (e.timestamp_ns, e.digest));
        assert_eq!(found.len(), 2, "the unknown id is left out");
        assert!(wanted[0].matches(&found[0]) && wanted[1].matches(&found[1]));
        drop(store);
        let conn = Connection::open(&path).unwrap();
        assert_eq!(schema_version(&conn), SCHEMA_VERSION);
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT topic, timestamp_ns, digest FROM envelopes
                 WHERE timestamp_ns >= 0 ORDER BY timestamp_ns, digest",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("COVERING INDEX envelopes_sync"), "{plan}");
    }

    #[tokio::test]
    async fn a_version_1_database_is_migrated_with_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let old: Vec<StoredEnvelope> = (0..300u64)
            .map(|i| env(&format!("/xmtp/0/m-{}/proto", i % 7), i, &i.to_le_bytes()))
            .chain([env("expiring", 1, b"e")])
            .collect();
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA_V1).unwrap();
            for (n, e) in old.iter().enumerate() {
                conn.execute(
                    "INSERT INTO envelopes VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        e.content_topic,
                        ts_to_sql(e.timestamp_ns),
                        &e.digest[..],
                        &e.message[..],
                        n as i64,
                        !e.content_topic.starts_with("/xmtp/"),
                    ],
                )
                .unwrap();
            }
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.count().await.unwrap(), 301);
        let mut page = store
            .query(query(&["/xmtp/0/m-3/proto"], Direction::Descending, 1000))
            .await
            .unwrap();
        page.reverse();
        let expected: Vec<_> = old
            .iter()
            .filter(|e| e.content_topic == "/xmtp/0/m-3/proto")
            .cloned()
            .collect();
        assert_eq!(page, expected);
        // The dedupe key survived the move, and so did the retention index.
        store.insert(vec![old[0].clone()]).await.unwrap();
        assert_eq!(store.count().await.unwrap(), 301);
        assert_eq!(store.delete_expired(1_000, 10).await.unwrap(), 1);
        drop(store);
        let conn = Connection::open(&path).unwrap();
        assert_eq!(schema_version(&conn), SCHEMA_VERSION);
    }

    #[tokio::test]
    async fn the_checkpointer_moves_committed_rows_into_the_database_file() {
        let store = SqliteStore::temporary().unwrap();
        let rows: Vec<_> = (0..500u64)
            .map(|i| env("/xmtp/0/m-ck/proto", i, b"p"))
            .collect();
        store.insert(rows).await.unwrap();
        // `immutable=1` reads the main file only, ignoring the WAL: rows appear there only once
        // a checkpoint copied them (the writer itself never checkpoints).
        let uri = format!("file:{}?immutable=1", store.path().display());
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
        let in_main_file = || -> i64 {
            Connection::open_with_flags(&uri, flags)
                .and_then(|c| c.query_row("SELECT count(*) FROM envelopes", [], |r| r.get(0)))
                .unwrap_or(0)
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while in_main_file() < 500 && std::time::Instant::now() < deadline {
            tokio::time::sleep(CHECKPOINT_INTERVAL).await;
        }
        assert_eq!(in_main_file(), 500);
    }

    #[test]
    fn a_missing_directory_is_a_clear_error() {
        let err = SqliteStore::open("/nonexistent-dir-xmtp/a/b.db").unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent-dir-xmtp/a/b.db"),
            "{err}"
        );
    }

    /// A connection on a new database in `dir` whose log is never checkpointed, so that
    /// `PRAGMA wal_checkpoint`'s log count is every page written since the last truncation.
    fn uncheckpointed(dir: &Path) -> Connection {
        let mut conn = Connection::open(dir.join("pages.db")).unwrap();
        let _: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        migrate(&mut conn).unwrap();
        conn
    }

    /// One group commit of `envelopes` as a single request.
    fn commit(conn: &mut Connection, recent: &Mutex<Recent>, envelopes: Vec<StoredEnvelope>) {
        let (reply, answer) = oneshot::channel();
        let mut requests = vec![(envelopes, 1, reply)];
        group_commit(conn, recent, &mut requests, &AtomicU64::new(0));
        answer.blocking_recv().unwrap().unwrap();
    }

    fn wal_frames(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .unwrap()
    }

    #[test]
    fn batches_over_many_topics_write_far_fewer_pages_than_envelopes() {
        // Schema 3 kept the paging key in an index of `envelopes`: 50 envelopes on 50 topics
        // dirtied about 50 of its leaves per commit, over a page (4 KiB) of WAL per envelope,
        // and sustained batched publishes stalled on the disk's flushes. This load on schema 3
        // (the same rows through `INSERT OR IGNORE` into its tables) wrote 3,124 frames; schema
        // 4 writes 367 for the commits and 727 for the pass (125 transactions: chunks of 16 in
        // this build, 1,024 in a release).
        let dir = tempfile::tempdir().unwrap();
        let mut conn = uncheckpointed(dir.path());
        let recent = Mutex::new(Recent::starting_at(1));
        let stored = AtomicU64::new(0);
        let topic = |i: u64| format!("/xmtp/0/m-{:04}/proto", (i * 7919) % 2000);
        // 2,000 topics of 8 envelopes each: a paging table of a few hundred leaves.
        let seed = (0..16_000u64).map(|i| env(&topic(i), i, b"seed")).collect();
        commit(&mut conn, &recent, seed);
        page_everything(&recent, &mut conn, &mut None, &stored).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        assert_eq!(wal_frames(&conn), 0);

        for batch in 0..40u64 {
            let envelopes = (0..50u64)
                .map(|j| {
                    let i = 16_000 + batch * 50 + j;
                    env(&topic(i * 31), i, b"new")
                })
                .collect();
            commit(&mut conn, &recent, envelopes);
        }
        page_everything(&recent, &mut conn, &mut None, &stored).unwrap();
        let frames = wal_frames(&conn);
        assert!(frames < 1_500, "{frames} WAL frames for 2,000 envelopes");
        let paged: i64 = conn
            .query_row("SELECT count(*) FROM paging", [], |r| r.get(0))
            .unwrap();
        assert_eq!(paged, 18_000);
    }

    #[tokio::test]
    async fn rows_left_without_paging_rows_are_read_from_memory_then_paged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("left.db");
        let t = "/xmtp/0/m-left/proto";
        {
            let store = SqliteStore::open(&path).unwrap();
            store.insert(vec![env(t, 1, b"paged")]).await.unwrap();
            page_all(&store).await;
        }
        // As a node killed between a commit and its pass leaves them: rows above
        // `paging_upto`, one of them the twin of a paged row (a second process stored it too).
        {
            let conn = Connection::open(&path).unwrap();
            let mut put = conn
                .prepare(
                    "INSERT INTO envelopes
                     (topic, timestamp_ns, digest, message, received_ns, should_expire)
                     VALUES (?1, ?2, ?3, ?4, 0, 0)",
                )
                .unwrap();
            for e in [env(t, 1, b"paged"), env(t, 2, b"left"), env(t, 3, b"left")] {
                put.execute(params![
                    e.content_topic,
                    ts_to_sql(e.timestamp_ns),
                    &e.digest[..],
                    &e.message[..]
                ])
                .unwrap();
            }
        }
        let store = SqliteStore::open(&path).unwrap();
        let timestamps = || async {
            let page = store
                .query(query(&[t], Direction::Ascending, 10))
                .await
                .unwrap();
            page.iter().map(|e| e.timestamp_ns).collect::<Vec<u64>>()
        };
        // Read from memory until the writer's pass pages them.
        assert_eq!(timestamps().await, vec![1, 2, 3]);
        // Publishing a left row again is a duplicate.
        store.insert(vec![env(t, 2, b"left")]).await.unwrap();
        page_all(&store).await;
        assert_eq!(store.writer.recent().unpaged(), 0);
        assert_eq!(timestamps().await, vec![1, 2, 3]);
        // The twin was dropped by the pass: each envelope is stored once.
        assert_eq!(store.count().await.unwrap(), 3);
        let rows: i64 = Connection::open(&path)
            .unwrap()
            .query_row("SELECT count(*) FROM envelopes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 3);
    }

    /// Has the writer write every paging row now, and waits until it has.
    async fn page_all(store: &SqliteStore) {
        let (reply, answer) = oneshot::channel();
        store.queue.send(WriteOp::PageAll { reply }).await.unwrap();
        answer.await.unwrap().unwrap();
    }

    /// Waits until the checkpointer has finished `n` more rounds.
    async fn checkpoint_rounds(writer: &Writer, n: u64) {
        let mut rounds = writer.rounds.subscribe();
        let start = *rounds.borrow_and_update();
        let finished = tokio::time::timeout(
            Duration::from_secs(20),
            rounds.wait_for(|r| *r >= start + n),
        )
        .await
        .is_ok_and(|r| r.is_ok());
        assert!(finished, "the checkpointer did not finish {n} rounds");
    }

    /// The checkpointer flushes the database file after copying frames into it, so that the
    /// writer's restart of the log, which publishes wait for, has only the last frames to flush
    /// (each restart flushed up to 64 MiB: at 400 batches/s p99.9 68-103 ms before, 26-40 ms
    /// after); and it does not flush in rounds that copied nothing.
    #[tokio::test]
    async fn the_checkpointer_flushes_what_it_copied_and_nothing_more() {
        let store = SqliteStore::temporary().unwrap();
        let t = "/xmtp/0/flushed/proto";
        let envelopes = (0..100u64)
            .map(|i| env(t, i + 1, i.to_string().as_bytes()))
            .collect();
        store.insert(envelopes).await.unwrap();
        page_all(&store).await;
        let metrics = &store.writer.metrics;
        // Rounds until one copies nothing new: by then all that was written is copied.
        let mut flushes = metrics.database_flushes.get();
        for round in 0.. {
            assert!(round < 40, "the checkpointer kept copying");
            checkpoint_rounds(&store.writer, 1).await;
            let now = metrics.database_flushes.get();
            if now == flushes && now > 0 {
                break;
            }
            flushes = now;
        }
        checkpoint_rounds(&store.writer, 3).await;
        assert_eq!(
            metrics.database_flushes.get(),
            flushes,
            "idle rounds flushed"
        );
    }

    /// This process's maps of the file at `path`: how many, and their resident bytes.
    #[cfg(target_os = "linux")]
    fn maps_of(path: &Path) -> (usize, u64) {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let path = path.to_str().unwrap();
        let (mut ours, mut maps, mut kib) = (false, 0, 0);
        for line in smaps.lines() {
            let first = line.split_whitespace().next().unwrap_or("");
            if first.contains('-') && first.chars().all(|c| c == '-' || c.is_ascii_hexdigit()) {
                ours = line.ends_with(path);
                maps += usize::from(ours);
            } else if ours && let Some(rss) = line.strip_prefix("Rss:") {
                kib += rss
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .unwrap();
            }
        }
        (maps, kib * 1024)
    }

    /// Opening a large database counts its rows without mapping what the count reads: through
    /// the writer's map a restarted node kept the first `WRITER_MMAP_BYTES` of the file resident
    /// (a soak's RSS rose from 161 to 373 MB at its restart, 241 MB of it in that map).
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn opening_counts_rows_without_mapping_the_file() {
        const ROWS: i64 = 40_000;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.db");
        drop(SqliteStore::open(&path).unwrap());
        // Written on a connection that maps nothing, and copied into the database file: pages
        // left in the log would be read from it, not through a map.
        let mut conn = Connection::open(&path).unwrap();
        conn.busy_timeout(BUSY_TIMEOUT).unwrap();
        let tx = conn.transaction().unwrap();
        {
            let mut row = tx
                .prepare(
                    "INSERT INTO envelopes
                     (id, topic, timestamp_ns, digest, message, received_ns, should_expire)
                     VALUES (?1, ?2, ?3, ?4, ?5, 0, 0)",
                )
                .unwrap();
            let mut key = tx
                .prepare(
                    "INSERT INTO paging (topic, timestamp_ns, digest, id) VALUES (?1, ?2, ?3, ?4)",
                )
                .unwrap();
            for id in 1..=ROWS {
                let e = env(&format!("/xmtp/0/m-{id}/proto"), id as u64, &[7; 100]);
                let ts = ts_to_sql(e.timestamp_ns);
                row.execute(params![
                    id,
                    e.content_topic,
                    ts,
                    &e.digest[..],
                    &e.message[..]
                ])
                .unwrap();
                key.execute(params![e.content_topic, ts, &e.digest[..], id])
                    .unwrap();
            }
        }
        tx.execute("UPDATE paging_upto SET id = ?1", [ROWS])
            .unwrap();
        tx.commit().unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        drop(conn);
        let file = std::fs::metadata(&path).unwrap().len();
        assert!(file > 8 << 20, "only {file} bytes in the database file");

        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.count().await.unwrap(), ROWS as u64);
        let (_, mapped) = maps_of(&path);
        assert!(
            mapped < 1 << 20,
            "{mapped} bytes of the file resident after opening it ({file} bytes)"
        );
    }

    /// Readers read with `pread`, not through a map of the file: under steady publishes each
    /// read transaction finds the database changed, and SQLite then unmaps the connection's whole
    /// map, maps it again and faults in every page the query touches.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn readers_do_not_map_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("readers.db");
        let t = "/xmtp/0/mapped/proto";
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        let rows: Vec<_> = (0..300u64).map(|i| env(t, i + 1, &[7; 300])).collect();
        store.insert(rows).await.unwrap();
        // Every paging row written, so the writer is idle while the readers read; then the log
        // copied into the database file, where a reader finds the pages. (Not by closing and
        // opening the store again: the closed store's writer may still hold its map.)
        page_all(&store).await;
        let conn = Connection::open(&path).unwrap();
        conn.busy_timeout(BUSY_TIMEOUT).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        drop(conn);
        let (before, _) = maps_of(&path);
        let pages = (0..READERS).map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.query(query(&[t], Direction::Ascending, 100)).await })
        });
        for page in pages.collect::<Vec<_>>() {
            assert_eq!(page.await.unwrap().unwrap().len(), 100);
        }
        // The writer's map if it has one, and no reader's.
        let (after, _) = maps_of(&path);
        assert_eq!(after, before, "the readers mapped the file");
    }

    #[tokio::test]
    async fn the_writer_times_its_commits_and_passes() {
        let store = SqliteStore::temporary().unwrap();
        let t = "/xmtp/0/timed/proto";
        let batch: Vec<_> = (0..=PASS_ROWS as u64)
            .map(|i| env(t, i + 1, i.to_string().as_bytes()))
            .collect();
        // More rows than a pass waits for, and too many to commit on this thread.
        store.insert(batch).await.unwrap();
        // The writer began the pass right after the commit; its next request waits for that.
        page_all(&store).await;
        let metrics = &store.writer.metrics;
        assert_eq!(metrics.count(Operation::Commit), 1);
        assert!(metrics.count(Operation::Pass) >= 1);
        assert_eq!(metrics.count(Operation::Retention), 0);
    }

    /// Every query of `queries` on both stores, paged to the end with the store's own cursors.
    async fn same_pages(sqlite: &SqliteStore, model: &MemoryStore, queries: &[Query]) {
        for q in queries {
            let mut cursor = None;
            loop {
                let q = Query {
                    cursor: cursor.clone(),
                    ..q.clone()
                };
                let got = sqlite.query(q.clone()).await.unwrap();
                assert_eq!(got, model.query(q.clone()).await.unwrap(), "{q:?}");
                let Some(last) = got.last() else { break };
                cursor = Some(Cursor {
                    timestamp_ns: last.timestamp_ns,
                    digest: last.digest,
                });
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

        /// Pages read partly from `paging`, partly from rows still waiting for their pass (with
        /// this build's passes of 64 rows in chunks of 16), match the in-memory store's.
        #[test]
        fn pages_across_a_pass_match_the_in_memory_store(
            batches in proptest::collection::vec(
                proptest::collection::vec((0usize..4, 0u64..40, 0u8..6, 0usize..300), 1..60),
                2..12,
            ),
            queries in proptest::collection::vec(
                (proptest::sample::subsequence(vec![0usize, 1, 2, 3], 1..=4),
                 proptest::option::of(0u64..40), proptest::option::of(0u64..40),
                 proptest::prelude::any::<bool>(), 1u32..30, 0usize..2_000),
                1..4,
            ),
        ) {
            const TOPICS: [&str; 4] = ["/xmtp/0/a", "/xmtp/0/b", "c", "d"];
            let queries: Vec<Query> = queries
                .into_iter()
                .map(|(topics, start_ns, end_ns, asc, limit, budget)| Query {
                    topics: topics.into_iter().map(|t| TOPICS[t].to_owned()).collect(),
                    start_ns,
                    end_ns,
                    direction: if asc { Direction::Ascending } else { Direction::Descending },
                    cursor: None,
                    limit,
                    max_bytes: if budget < 1_000 { budget + 1 } else { usize::MAX },
                })
                .collect();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let sqlite = SqliteStore::temporary().unwrap();
                let model = MemoryStore::new();
                for batch in batches {
                    let envelopes: Vec<StoredEnvelope> = batch
                        .into_iter()
                        .map(|(t, ts, m, size)| env(TOPICS[t], ts, &vec![m; size]))
                        .collect();
                    sqlite.insert(envelopes.clone()).await.unwrap();
                    model.insert(envelopes).await.unwrap();
                    assert_eq!(sqlite.count().await.unwrap(), model.count().await.unwrap());
                    same_pages(&sqlite, &model, &queries).await;
                }
                page_all(&sqlite).await;
                assert_eq!(sqlite.writer.recent().unpaged(), 0);
                same_pages(&sqlite, &model, &queries).await;
            });
        }
    }

    #[tokio::test]
    async fn a_deleted_highest_row_id_is_not_given_again() {
        // SQLite gives a new row the highest id plus one: after retention deleted the highest
        // row, a new row would have had an id at or below `paging_upto`, and a node stopped
        // before that row's pass would never have paged it.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ids.db");
        let last_id = |topic: &str| -> i64 {
            Connection::open(&path)
                .unwrap()
                .query_row(
                    "SELECT max(id) FROM envelopes WHERE topic = ?1",
                    [topic],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let kept = "/xmtp/0/m-kept/proto";
        {
            let store = SqliteStore::open(&path).unwrap();
            store.insert(vec![env(kept, 1, b"a")]).await.unwrap();
            store
                .insert(vec![env("other", 2, b"expires")])
                .await
                .unwrap();
            page_all(&store).await;
            assert_eq!(store.delete_expired(u64::MAX, 10).await.unwrap(), 1);
            store.insert(vec![env(kept, 3, b"b")]).await.unwrap();
        }
        assert!(last_id(kept) > 2, "id {} given again", last_id(kept));
        let store = SqliteStore::open(&path).unwrap();
        store.insert(vec![env(kept, 4, b"c")]).await.unwrap();
        assert_eq!(last_id(kept), 4);
        let ts: Vec<u64> = store
            .query(query(&[kept], Direction::Ascending, 10))
            .await
            .unwrap()
            .iter()
            .map(|e| e.timestamp_ns)
            .collect();
        assert_eq!(ts, vec![1, 3, 4]);
    }

    #[tokio::test]
    async fn ping_answers() {
        SqliteStore::temporary().unwrap().ping().await.unwrap();
    }
}
