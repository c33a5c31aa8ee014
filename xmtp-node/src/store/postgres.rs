//! PostgreSQL backend: one schema shared by any number of node processes.
//!
//! Layout (migration 1; migration 2 adds `envelopes_sync_idx` for set reconciliation):
//! - `envelopes`: a `BIGSERIAL` row id, the topic as `BYTEA` (any Rust string round-trips, NUL
//!   bytes included, and compares bytewise), `timestamp_ns` as `BIGINT` holding the `u64` with its
//!   sign bit flipped (so every `u64` fits and signed order equals unsigned order; in SQL the
//!   sender timestamp is `timestamp_ns # (-9223372036854775808)::bigint`), the digest, the
//!   message, the node clock `received_ns`, the retention flag `expires`, and for the relay the
//!   inserting process (`node_id`) and transaction (`tx_id`). `UNIQUE (timestamp_ns, digest)` is
//!   the dedupe key; `(topic, timestamp_ns, digest)` backs keyset paging.
//! - `ephemeral_envelopes`: ephemeral envelopes too large for a `NOTIFY` payload, kept a few
//!   minutes for the other processes to fetch.
//!
//! Writes: concurrent `insert` calls are grouped by a few writer tasks into one multi-row
//! `INSERT ... SELECT FROM UNNEST(...)` statement, which is its own transaction. If that
//! statement fails, every request of the group is retried alone, so one bad request never fails
//! another and each request stays all-or-nothing. The same statement `NOTIFY`s the ids it
//! inserted, which PostgreSQL delivers only on commit. The `relay` submodule is the listening side.

mod relay;
mod tls;

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{
    Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime,
};
use tokio::sync::{Mutex, mpsc, oneshot};
use tokio_postgres::error::SqlState;
use xmtp_keystore::{Clock, SystemClock};

use super::{Direction, Query, Store, StoreError, StoredEnvelope, SyncId, SyncKey};

/// The newest schema version this code knows.
const SCHEMA_VERSION: i32 = 2;

/// Migrations, in order; entry `i` moves the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    r"
CREATE TABLE envelopes (
    id BIGSERIAL PRIMARY KEY,
    topic BYTEA NOT NULL,
    timestamp_ns BIGINT NOT NULL,
    digest BYTEA NOT NULL,
    message BYTEA NOT NULL,
    received_ns BIGINT NOT NULL,
    expires BOOLEAN NOT NULL,
    node_id BIGINT NOT NULL,
    tx_id BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    CONSTRAINT envelopes_dedupe UNIQUE (timestamp_ns, digest)
);
-- Payloads are end-to-end encrypted: compressing them only costs CPU.
ALTER TABLE envelopes ALTER COLUMN message SET STORAGE EXTERNAL;
CREATE INDEX envelopes_topic_ts_digest_idx ON envelopes (topic, timestamp_ns, digest);
CREATE INDEX envelopes_expiring_idx ON envelopes (received_ns) WHERE expires;
CREATE INDEX envelopes_tx_idx ON envelopes (tx_id);
CREATE TABLE ephemeral_envelopes (
    id BIGSERIAL PRIMARY KEY,
    topic BYTEA NOT NULL,
    timestamp_ns BIGINT NOT NULL,
    digest BYTEA NOT NULL,
    message BYTEA NOT NULL,
    node_id BIGINT NOT NULL,
    created_ns BIGINT NOT NULL
);
ALTER TABLE ephemeral_envelopes ALTER COLUMN message SET STORAGE EXTERNAL;
",
    r"
-- Set reconciliation with Waku peers: the keys of a time window in (timestamp_ns, digest) order
-- with the topic (owner-only topics are reconciled with trusted peers only), from the index alone.
CREATE INDEX envelopes_sync_idx ON envelopes (timestamp_ns, digest) INCLUDE (topic);
",
];

/// Inserts `$1..$6` (one array per column) for node `$7`, and notifies channel `$8` with payloads
/// `$9 || <comma-separated ids>`, 300 ids per payload (at most 20 characters each, under the
/// 8,000-byte `NOTIFY` limit). Returns how many rows it inserted and its transaction id (`NULL`
/// if it inserted none).
const INSERT_SQL: &str = "
WITH ins AS (
    INSERT INTO envelopes (topic, timestamp_ns, digest, message, received_ns, expires, node_id)
    SELECT u.t, u.ts, u.d, u.m, u.r, u.x, $7
    FROM UNNEST($1::bytea[], $2::int8[], $3::bytea[], $4::bytea[], $5::int8[], $6::bool[])
        AS u(t, ts, d, m, r, x)
    ON CONFLICT (timestamp_ns, digest) DO NOTHING
    RETURNING id
), chunks AS (
    SELECT string_agg(id::text, ',' ORDER BY id) AS ids
    FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / 300 AS g FROM ins) numbered
    GROUP BY g
)
SELECT (SELECT count(*) FROM ins),
       (SELECT count(pg_notify($8, $9 || ids)) FROM chunks),
       pg_current_xact_id_if_assigned()::text::bigint";

/// Most requests one writer groups into one statement.
const MAX_GROUP_REQUESTS: usize = 256;
/// Most envelopes one writer groups into one statement (a single larger request still goes alone).
const MAX_GROUP_ENVELOPES: usize = 4096;

/// How a [`PostgresStore`] connects and behaves.
#[derive(Clone, Debug)]
pub struct PostgresOptions {
    /// Schema holding the tables, created if missing (lowercase ASCII letters, digits and `_`,
    /// at most 63 bytes, not starting with a digit). `None` uses the connection's default
    /// (normally `public`). Node processes relay to each other only within one schema.
    pub schema: Option<String>,
    /// Most pooled connections (the relay listener uses one more of its own). At least 1.
    pub pool_size: usize,
    /// Identifies this process among those sharing the schema; it must be unique among them,
    /// or they will not relay to each other. `None` picks a random one (recommended).
    pub node_id: Option<i64>,
    /// Capacity of the [`Store::remote_feed`] channel.
    pub remote_feed_capacity: usize,
    /// Time allowed to open a connection or to wait for a pooled one.
    pub connect_timeout: Duration,
    /// A PEM file of CA certificates. When set, a TLS server certificate must chain to one of
    /// them and name the host (libpq's `sslmode=verify-full`); when not, TLS connections are
    /// encrypted without verifying the certificate, as libpq does without a root certificate.
    /// Whether TLS is used at all is the URL's `sslmode` (`disable`, `prefer` by default,
    /// `require`).
    pub tls_root_certificates: Option<std::path::PathBuf>,
    /// Stamps each envelope's received time (what retention compares) and ages the large
    /// ephemeral envelopes shared through the `ephemeral_envelopes` table. The system clock by
    /// default.
    pub clock: Arc<dyn Clock>,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            schema: None,
            pool_size: 16,
            node_id: None,
            remote_feed_capacity: 4096,
            connect_timeout: Duration::from_secs(10),
            tls_root_certificates: None,
            clock: Arc::new(SystemClock),
        }
    }
}

/// The PostgreSQL [`Store`]. Cheap to share behind an `Arc`; background tasks (writers and the
/// relay listener) stop when it is dropped.
pub struct PostgresStore {
    clock: Arc<dyn Clock>,
    pool: Pool,
    node_id: i64,
    channel: String,
    writer: mpsc::Sender<InsertRequest>,
    feed: std::sync::Mutex<Option<mpsc::Receiver<StoredEnvelope>>>,
    feed_taken: Arc<AtomicBool>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("node_id", &self.node_id)
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

struct InsertRequest {
    envelopes: Vec<StoredEnvelope>,
    reply: oneshot::Sender<Result<(), StoreError>>,
}

impl PostgresStore {
    /// Connects to `url` (a `postgres://` URL or a `key=value` connection string), applies the
    /// migrations, and starts the writers and the relay listener.
    ///
    /// Errors: [`StoreError::Unavailable`] when the server cannot be reached,
    /// [`StoreError::Schema`] for a bad schema name or a schema from a newer version,
    /// [`StoreError::Backend`] for a malformed URL or a refused login.
    pub async fn connect(url: &str, options: PostgresOptions) -> Result<Self, StoreError> {
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL URL: {e}")))?;
        if let Some(schema) = &options.schema {
            check_schema_name(schema)?;
            // Every connection, pooled or listening, resolves table names in this schema.
            let mut pg_options = config.get_options().unwrap_or_default().to_owned();
            if !pg_options.is_empty() {
                pg_options.push(' ');
            }
            pg_options.push_str(&format!("-c search_path={schema}"));
            config.options(pg_options);
        }
        let node_id = options.node_id.unwrap_or_else(random_node_id);
        if config.get_application_name().is_none() {
            // Lets an operator tell the processes apart in `pg_stat_activity`.
            config.application_name(format!("xmtp-node {node_id}"));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(options.connect_timeout);
        }
        // Detects a silently dead peer (the listener otherwise idles forever).
        config.keepalives_idle(Duration::from_secs(30));

        let tls = tls::connector(options.tls_root_certificates.as_deref())?;
        let manager = Manager::from_config(
            config.clone(),
            tls.clone(),
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(options.connect_timeout))
            .create_timeout(Some(options.connect_timeout))
            .build()
            .map_err(|e| StoreError::Backend(format!("building the connection pool: {e}")))?;

        let schema = migrate(&pool, options.schema.as_deref()).await?;
        let channel = channel_name(&schema);

        let (writer, requests) = mpsc::channel(1024);
        let requests = Arc::new(Mutex::new(requests));
        // `NOTIFY` makes commits take turns database-wide (its queue lock is held through the
        // commit), so more writers would only split the groups; two overlap one group's
        // statement with the other's commit.
        let writers = options.pool_size.clamp(1, 2);
        for _ in 0..writers {
            tokio::spawn(writer_loop(
                pool.clone(),
                Arc::clone(&requests),
                Arc::clone(&options.clock),
                node_id,
                channel.clone(),
            ));
        }

        let (feed_tx, feed_rx) = mpsc::channel(options.remote_feed_capacity.max(1));
        let feed_taken = Arc::new(AtomicBool::new(false));
        relay::start(relay::Listener {
            config,
            tls,
            pool: pool.clone(),
            node_id,
            channel: channel.clone(),
            feed: feed_tx,
            feed_taken: Arc::clone(&feed_taken),
        })
        .await?;

        Ok(Self {
            clock: options.clock,
            pool,
            node_id,
            channel,
            writer,
            feed: std::sync::Mutex::new(Some(feed_rx)),
            feed_taken,
        })
    }

    /// This process's id among the processes sharing the schema.
    pub fn node_id(&self) -> i64 {
        self.node_id
    }

    async fn conn(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(pool_error)
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn insert(&self, envelopes: Vec<StoredEnvelope>) -> Result<(), StoreError> {
        if envelopes.is_empty() {
            return Ok(());
        }
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(InsertRequest { envelopes, reply })
            .await
            .map_err(|_| writers_gone())?;
        answer.await.map_err(|_| writers_gone())?
    }

    async fn query(&self, query: Query) -> Result<Vec<StoredEnvelope>, StoreError> {
        let mut seen = HashSet::new();
        let topics: Vec<&[u8]> = query
            .topics
            .iter()
            .map(|t| t.as_bytes())
            .filter(|t| seen.insert(*t))
            .collect();
        if topics.is_empty() || query.limit == 0 {
            return Ok(Vec::new());
        }
        let (cmp, order) = match query.direction {
            Direction::Ascending => (">", "ASC"),
            Direction::Descending => ("<", "DESC"),
        };
        let cursor_filter = match query.cursor {
            Some(_) => format!("AND (timestamp_ns, digest) {cmp} ($5, $6)"),
            None => String::new(),
        };
        // One index range scan per topic, each already ordered and limited, then merged.
        let sql = format!(
            "SELECT e.topic, e.timestamp_ns, e.digest, e.message
             FROM unnest($1::bytea[]) AS t(topic)
             CROSS JOIN LATERAL (
                 SELECT topic, timestamp_ns, digest, message FROM envelopes
                 WHERE topic = t.topic AND timestamp_ns >= $2 AND timestamp_ns <= $3 {cursor_filter}
                 ORDER BY timestamp_ns {order}, digest {order}
                 LIMIT $4
             ) e
             ORDER BY e.timestamp_ns {order}, e.digest {order}
             LIMIT $4"
        );
        let start = ts_to_sql(query.start_ns.unwrap_or(0));
        let end = ts_to_sql(query.end_ns.unwrap_or(u64::MAX));
        let limit = i64::from(query.limit);
        let conn = self.conn().await?;
        let stmt = conn.prepare_cached(&sql).await.map_err(pg_error)?;
        let cursor = query
            .cursor
            .as_ref()
            .map(|c| (ts_to_sql(c.timestamp_ns), c.digest.as_slice()));
        let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            vec![&topics, &start, &end, &limit];
        if let Some((ts, digest)) = &cursor {
            params.extend([ts as &(dyn tokio_postgres::types::ToSql + Sync), digest]);
        }
        // Rows are read as they arrive: a page that reaches its budget stops reading (the rest
        // of the result is discarded by the connection, never held here).
        let rows = conn.query_raw(&stmt, params).await.map_err(pg_error)?;
        let mut rows = std::pin::pin!(rows);
        let mut page = Vec::new();
        let mut total = 0usize;
        while let Some(row) = futures_util::StreamExt::next(&mut rows).await {
            let envelope = envelope_from_row(&row.map_err(pg_error)?, 0)?;
            total = total.saturating_add(super::weight(&envelope));
            page.push(envelope);
            if total >= query.max_bytes {
                break;
            }
        }
        Ok(page)
    }

    async fn delete_expired(&self, received_before_ns: u64, batch: u32) -> Result<u64, StoreError> {
        if batch == 0 {
            return Ok(0);
        }
        let before = i64::try_from(received_before_ns).unwrap_or(i64::MAX);
        let conn = self.conn().await?;
        let stmt = conn
            .prepare_cached(
                "DELETE FROM envelopes WHERE id IN (
                     SELECT id FROM envelopes WHERE expires AND received_ns < $1
                     LIMIT $2 FOR UPDATE SKIP LOCKED)",
            )
            .await
            .map_err(pg_error)?;
        conn.execute(&stmt, &[&before, &i64::from(batch)])
            .await
            .map_err(pg_error)
    }

    async fn count(&self) -> Result<u64, StoreError> {
        let conn = self.conn().await?;
        // Exact while small; the planner's estimate once counting would scan a large table.
        let stmt = conn
            .prepare_cached(
                "SELECT CASE WHEN c.reltuples < 100000 THEN (SELECT count(*) FROM envelopes)
                             ELSE c.reltuples::bigint END
                 FROM pg_class c WHERE c.oid = 'envelopes'::regclass",
            )
            .await
            .map_err(pg_error)?;
        let n: i64 = conn.query_one(&stmt, &[]).await.map_err(pg_error)?.get(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn sync_keys(&self, from_ns: u64, limit: usize) -> Result<Vec<SyncKey>, StoreError> {
        let conn = self.conn().await?;
        let stmt = conn
            .prepare_cached(
                "SELECT topic, timestamp_ns, digest FROM envelopes
                 WHERE timestamp_ns >= $1 ORDER BY timestamp_ns DESC, digest DESC LIMIT $2",
            )
            .await
            .map_err(pg_error)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut keys = conn
            .query(&stmt, &[&ts_to_sql(from_ns), &limit])
            .await
            .map_err(pg_error)?
            .iter()
            .map(|row| {
                let topic: &[u8] = row.try_get(0).map_err(pg_error)?;
                let timestamp: i64 = row.try_get(1).map_err(pg_error)?;
                let digest: &[u8] = row.try_get(2).map_err(pg_error)?;
                Ok(SyncKey::of(
                    std::str::from_utf8(topic).map_err(|_| not_utf8())?,
                    ts_from_sql(timestamp),
                    digest.try_into().map_err(|_| not_a_digest())?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        keys.reverse();
        Ok(keys)
    }

    async fn by_sync_ids(&self, ids: Vec<SyncId>) -> Result<Vec<StoredEnvelope>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut timestamps = Vec::with_capacity(ids.len());
        let mut lows = Vec::with_capacity(ids.len());
        let mut highs = Vec::with_capacity(ids.len());
        for id in &ids {
            let (low, high) = id.digest_range();
            timestamps.push(ts_to_sql(id.timestamp_ns()));
            lows.push(low.to_vec());
            highs.push(high.to_vec());
        }
        let conn = self.conn().await?;
        let stmt = conn
            .prepare_cached(
                "SELECT e.topic, e.timestamp_ns, e.digest, e.message
                 FROM unnest($1::int8[], $2::bytea[], $3::bytea[]) AS i(ts, low, high)
                 JOIN envelopes e
                   ON e.timestamp_ns = i.ts AND e.digest >= i.low AND e.digest <= i.high",
            )
            .await
            .map_err(pg_error)?;
        conn.query(&stmt, &[&timestamps, &lows, &highs])
            .await
            .map_err(pg_error)?
            .iter()
            .map(|row| envelope_from_row(row, 0))
            .collect()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let conn = self.conn().await?;
        conn.simple_query("SELECT 1").await.map_err(pg_error)?;
        Ok(())
    }

    fn remote_feed(&self) -> Option<mpsc::Receiver<StoredEnvelope>> {
        let taken = self.feed.lock().ok()?.take();
        if taken.is_some() {
            self.feed_taken.store(true, Ordering::Release);
        }
        taken
    }

    async fn announce_ephemeral(&self, envelopes: &[StoredEnvelope]) -> Result<(), StoreError> {
        if envelopes.is_empty() {
            return Ok(());
        }
        let conn = self.conn().await?;
        let envelopes: Vec<&StoredEnvelope> = envelopes.iter().collect();
        let now = sql_now(self.clock.as_ref());
        relay::announce(&conn, self.node_id, &self.channel, &envelopes, now).await
    }
}

/// One writer: takes whatever requests are waiting (up to the group limits), stores them in one
/// statement, and answers each.
async fn writer_loop(
    pool: Pool,
    requests: Arc<Mutex<mpsc::Receiver<InsertRequest>>>,
    clock: Arc<dyn Clock>,
    node_id: i64,
    channel: String,
) {
    let prefix = relay::stored_prefix(node_id);
    loop {
        let mut group = Vec::new();
        {
            let mut rx = requests.lock().await;
            let Some(first) = rx.recv().await else { return };
            let mut envelopes = first.envelopes.len();
            group.push(first);
            // Lets the requests of tasks woken together (by the previous group's replies) join.
            tokio::task::yield_now().await;
            while group.len() < MAX_GROUP_REQUESTS && envelopes < MAX_GROUP_ENVELOPES {
                let Ok(next) = rx.try_recv() else { break };
                envelopes += next.envelopes.len();
                group.push(next);
            }
        }
        let rows: Vec<&StoredEnvelope> = group.iter().flat_map(|r| &r.envelopes).collect();
        let received = sql_now(clock.as_ref());
        match insert_rows(&pool, &rows, received, node_id, &channel, &prefix).await {
            Ok(()) => {
                for request in group {
                    let _ = request.reply.send(Ok(()));
                }
            }
            Err(e) if group.len() == 1 => {
                if let Some(request) = group.pop() {
                    let _ = request.reply.send(Err(e));
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, requests = group.len(), "grouped insert failed; retrying each request alone");
                // Safe to repeat even if the group did commit: the dedupe key skips the rows.
                for request in group {
                    let rows: Vec<&StoredEnvelope> = request.envelopes.iter().collect();
                    let result =
                        insert_rows(&pool, &rows, received, node_id, &channel, &prefix).await;
                    let _ = request.reply.send(result);
                }
            }
        }
    }
}

/// Stores `rows` as received at `received` (node clock, ns).
async fn insert_rows(
    pool: &Pool,
    rows: &[&StoredEnvelope],
    received: i64,
    node_id: i64,
    channel: &str,
    prefix: &str,
) -> Result<(), StoreError> {
    let topics: Vec<&[u8]> = rows.iter().map(|e| e.content_topic.as_bytes()).collect();
    let timestamps: Vec<i64> = rows.iter().map(|e| ts_to_sql(e.timestamp_ns)).collect();
    let digests: Vec<&[u8]> = rows.iter().map(|e| &e.digest[..]).collect();
    let messages: Vec<&[u8]> = rows.iter().map(|e| &e.message[..]).collect();
    let received_ns: Vec<i64> = vec![received; rows.len()];
    let expires: Vec<bool> = rows
        .iter()
        .map(|e| !e.content_topic.starts_with("/xmtp/"))
        .collect();
    let conn = pool.get().await.map_err(pool_error)?;
    let stmt = conn.prepare_cached(INSERT_SQL).await.map_err(pg_error)?;
    let result = conn
        .query_one(
            &stmt,
            &[
                &topics,
                &timestamps,
                &digests,
                &messages,
                &received_ns,
                &expires,
                &node_id,
                &channel,
                &prefix,
            ],
        )
        .await
        .map_err(pg_error)?;
    let inserted: i64 = result.get(0);
    if usize::try_from(inserted).is_ok_and(|n| n < rows.len()) {
        // The reference node relays duplicates too; the other nodes learn of them as of
        // ephemeral envelopes. Best effort: the rows are committed whatever happens here.
        let tx_id: Option<i64> = result.get(2);
        let duplicates = announce_duplicates(&conn, rows, tx_id, node_id, channel, received);
        if let Err(e) = duplicates.await {
            tracing::warn!(error = %e, "could not relay duplicate envelopes to the other nodes");
        }
    }
    Ok(())
}

/// Announces the `rows` that transaction `tx_id` did not insert because they were stored already.
async fn announce_duplicates(
    conn: &Object,
    rows: &[&StoredEnvelope],
    tx_id: Option<i64>,
    node_id: i64,
    channel: &str,
    now: i64,
) -> Result<(), StoreError> {
    let mut inserted = std::collections::HashSet::new();
    if let Some(tx_id) = tx_id {
        let stmt = conn
            .prepare_cached("SELECT timestamp_ns, digest FROM envelopes WHERE tx_id = $1")
            .await
            .map_err(pg_error)?;
        for row in conn.query(&stmt, &[&tx_id]).await.map_err(pg_error)? {
            let (ts, digest): (i64, Vec<u8>) = (row.get(0), row.get(1));
            inserted.insert((ts_from_sql(ts), digest));
        }
    }
    // The first copy of a key this transaction inserted is the stored one; the rest repeat it.
    let duplicates: Vec<&StoredEnvelope> = rows
        .iter()
        .copied()
        .filter(|e| !inserted.remove(&(e.timestamp_ns, e.digest.to_vec())))
        .collect();
    relay::announce(conn, node_id, channel, &duplicates, now).await
}

/// Creates the schema if needed and brings it to [`SCHEMA_VERSION`], holding an advisory lock
/// so that nodes starting together do not race. Returns the schema's name.
async fn migrate(pool: &Pool, schema: Option<&str>) -> Result<String, StoreError> {
    let mut conn = pool.get().await.map_err(pool_error)?;
    let tx = conn.transaction().await.map_err(pg_error)?;
    let schema = match schema {
        Some(s) => s.to_owned(),
        None => {
            let current: Option<String> = tx
                .query_one("SELECT current_schema()", &[])
                .await
                .map_err(pg_error)?
                .get(0);
            current.ok_or_else(|| {
                StoreError::Schema("the connection's search_path names no existing schema".into())
            })?
        }
    };
    // Held until the transaction ends; keyed by schema so unrelated schemas do not wait.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('xmtp-node migrations ' || $1, 0))",
        &[&schema],
    )
    .await
    .map_err(pg_error)?;
    // The name was checked by `check_schema_name` (or comes from the server), and is quoted.
    let quoted = format!("\"{}\"", schema.replace('"', "\"\""));
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {quoted};
         CREATE TABLE IF NOT EXISTS {quoted}.schema_version (
             version INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         );"
    ))
    .await
    .map_err(pg_error)?;
    let current: i32 = tx
        .query_one(
            &format!("SELECT coalesce(max(version), 0) FROM {quoted}.schema_version"),
            &[],
        )
        .await
        .map_err(pg_error)?
        .get(0);
    if current > SCHEMA_VERSION {
        return Err(StoreError::Schema(format!(
            "schema {schema:?} is at version {current}, newer than this node's {SCHEMA_VERSION}"
        )));
    }
    if current < SCHEMA_VERSION {
        tx.batch_execute(&format!("SET LOCAL search_path TO {quoted}"))
            .await
            .map_err(pg_error)?;
        for (index, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(current).unwrap_or(0))
        {
            let version = i32::try_from(index + 1).unwrap_or(i32::MAX);
            tx.batch_execute(sql).await.map_err(|e| {
                StoreError::Schema(format!("migration {version}: {}", describe(&e)))
            })?;
            tx.execute(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[&version],
            )
            .await
            .map_err(pg_error)?;
        }
    }
    tx.commit().await.map_err(pg_error)?;
    Ok(schema)
}

fn check_schema_name(schema: &str) -> Result<(), StoreError> {
    let mut chars = schema.chars();
    let valid_start = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let valid_rest = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid_start && valid_rest && schema.len() <= 63 {
        Ok(())
    } else {
        Err(StoreError::Schema(format!(
            "invalid schema name {schema:?}: use lowercase ASCII letters, digits and _ (at most 63 bytes, not starting with a digit)"
        )))
    }
}

/// The `LISTEN` channel of a schema: channels are per database, so the schema is part of it.
/// FNV-1a keeps it a short, stable, always-valid identifier.
fn channel_name(schema: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in schema.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("xmtp_node_{hash:016x}")
}

fn random_node_id() -> i64 {
    // `RandomState` is seeded from the OS; mix in the pid and time for good measure.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    // The system clock, not the node's: a seed, and an injected test clock repeats itself.
    hasher.write_u64(xmtp_keystore::now_ns());
    i64::from_ne_bytes(hasher.finish().to_ne_bytes())
}

/// Maps a `u64` timestamp to a `BIGINT` preserving order: flipping the sign bit sends 0 to
/// `i64::MIN` and `u64::MAX` to `i64::MAX`.
fn ts_to_sql(timestamp_ns: u64) -> i64 {
    i64::from_ne_bytes((timestamp_ns ^ (1 << 63)).to_ne_bytes())
}

/// Inverse of [`ts_to_sql`].
fn ts_from_sql(value: i64) -> u64 {
    u64::from_ne_bytes(value.to_ne_bytes()) ^ (1 << 63)
}

/// Reads `(topic, timestamp_ns, digest, message)` starting at column `first`.
fn envelope_from_row(
    row: &tokio_postgres::Row,
    first: usize,
) -> Result<StoredEnvelope, StoreError> {
    let topic: Vec<u8> = row.try_get(first).map_err(pg_error)?;
    let timestamp: i64 = row.try_get(first + 1).map_err(pg_error)?;
    let digest: Vec<u8> = row.try_get(first + 2).map_err(pg_error)?;
    let message: Vec<u8> = row.try_get(first + 3).map_err(pg_error)?;
    Ok(StoredEnvelope {
        content_topic: String::from_utf8(topic).map_err(|_| not_utf8())?,
        timestamp_ns: ts_from_sql(timestamp),
        message: message.into(),
        digest: digest.try_into().map_err(|_| not_a_digest())?,
    })
}

fn not_utf8() -> StoreError {
    StoreError::Backend("a stored topic is not UTF-8".into())
}

fn not_a_digest() -> StoreError {
    StoreError::Backend("a stored digest is not 32 bytes".into())
}

/// `clock`'s now as a `BIGINT` of ns (received and created times; saturating, never negative).
fn sql_now(clock: &dyn Clock) -> i64 {
    i64::try_from(clock.now_ns()).unwrap_or(i64::MAX)
}

fn writers_gone() -> StoreError {
    StoreError::Unavailable("the PostgreSQL writer tasks have stopped".into())
}

/// The error's text including the server's message, which `Display` alone leaves out.
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} {}: {}", db.severity(), db.code().code(), db.message()),
        // The causes too: "error performing TLS handshake" alone does not say the certificate
        // was refused.
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                let cause_text = cause.to_string();
                if !text.ends_with(&cause_text) {
                    text = format!("{text}: {cause_text}");
                }
                source = cause.source();
            }
            text
        }
    }
}

/// Connection problems are [`StoreError::Unavailable`] (retryable), a missing table or schema
/// is [`StoreError::Schema`], anything else [`StoreError::Backend`].
fn pg_error(e: tokio_postgres::Error) -> StoreError {
    let text = describe(&e);
    let Some(code) = e.code() else {
        // No SQLSTATE: the connection failed or closed, or a value failed to convert.
        let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
        return if e.is_closed() || io {
            StoreError::Unavailable(text)
        } else {
            StoreError::Backend(text)
        };
    };
    let class = &code.code()[..2.min(code.code().len())];
    if class == "08"
        || [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::TOO_MANY_CONNECTIONS,
        ]
        .contains(code)
    {
        StoreError::Unavailable(text)
    } else if [
        SqlState::UNDEFINED_TABLE,
        SqlState::INVALID_SCHEMA_NAME,
        SqlState::UNDEFINED_COLUMN,
    ]
    .contains(code)
    {
        StoreError::Schema(text)
    } else {
        StoreError::Backend(text)
    }
}

fn pool_error(e: PoolError) -> StoreError {
    match e {
        PoolError::Backend(e) => pg_error(e),
        PoolError::Timeout(kind) => StoreError::Unavailable(format!(
            "timed out getting a PostgreSQL connection ({kind:?})"
        )),
        PoolError::Closed => StoreError::Unavailable("the PostgreSQL pool is closed".into()),
        other => StoreError::Backend(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_mapping_preserves_order_and_round_trips() {
        let values = [
            0,
            1,
            1 << 62,
            i64::MAX as u64,
            (i64::MAX as u64) + 1,
            u64::MAX - 1,
            u64::MAX,
        ];
        for pair in values.windows(2) {
            assert!(ts_to_sql(pair[0]) < ts_to_sql(pair[1]), "{pair:?}");
        }
        for v in values {
            assert_eq!(ts_from_sql(ts_to_sql(v)), v);
        }
        assert_eq!(ts_to_sql(0), i64::MIN);
        assert_eq!(ts_to_sql(u64::MAX), i64::MAX);
    }

    #[test]
    fn schema_names_are_checked() {
        for good in ["a", "_x", "node_1", &"a".repeat(63)] {
            assert!(check_schema_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "1a",
            "A",
            "a-b",
            "a b",
            "a;drop",
            "\"a\"",
            &"a".repeat(64),
            "é",
        ] {
            assert!(
                matches!(check_schema_name(bad), Err(StoreError::Schema(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn channel_names_are_short_identifiers_and_differ_per_schema() {
        let a = channel_name("public");
        assert_eq!(a.len(), "xmtp_node_".len() + 16);
        assert_ne!(a, channel_name("other"));
        assert_eq!(a, channel_name("public"));
    }
}
