//! The relay between node processes sharing one schema: `NOTIFY` after commit, `LISTEN` on a
//! dedicated connection.
//!
//! Payloads on the schema's channel, `<kind> <node id> <data>`:
//! - `s <node> <id>,<id>,...`: rows of `envelopes` a node stored; the others fetch them by id.
//! - `e <node> <base64>`: ephemeral envelopes carried inline (see [`encode_inline`]).
//! - `t <node> <id>,...`: ephemeral envelopes too large for a payload, in `ephemeral_envelopes`.
//!
//! Catch-up: a notification sent while the listener is disconnected is lost, so the listener
//! keeps a transaction watermark: once a second it reads the oldest running transaction id
//! (`xmin`) on its own connection. Every transaction older than the *previous* reading had
//! committed before that reading, and its notification has reached us since (the server sends
//! pending notifications whenever the connection idles, before the next reply). After a
//! reconnect, rows whose `tx_id` is at least that watermark and that other nodes inserted are
//! fetched again; a set of recently delivered row ids keeps the repeats out. Ephemeral
//! envelopes are live-only and are not caught up.

use std::collections::{HashSet, VecDeque};
use std::future::{Future, poll_fn};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use deadpool_postgres::{Object, Pool};
use tokio::sync::mpsc;
use tokio_postgres::tls::MakeTlsConnect;
use tokio_postgres::{AsyncMessage, Client, Connection, Socket};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{envelope_from_row, pg_error, pool_error, ts_to_sql};
use crate::store::{StoreError, StoredEnvelope};

/// Largest inline batch before base64: 4/3 of it plus the prefix stays under 8,000 bytes.
const MAX_INLINE_BYTES: usize = 5900;
/// How long large ephemeral envelopes stay in their table for the other nodes to fetch.
const EPHEMERAL_TTL_NS: i64 = 5 * 60 * 1_000_000_000;
/// Watermark reading period.
const TICK: Duration = Duration::from_secs(1);
/// Reconnect backoff bounds.
const BACKOFF_MIN: Duration = Duration::from_millis(50);
const BACKOFF_MAX: Duration = Duration::from_secs(5);
/// Row ids remembered to keep catch-up repeats out.
const RECENT_IDS: usize = 65_536;
/// Rows fetched per catch-up query.
const CATCH_UP_PAGE: i64 = 1000;

const XMIN_SQL: &str = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

type PgConnection = Connection<Socket, <MakeRustlsConnect as MakeTlsConnect<Socket>>::Stream>;

/// The prefix of a stored-rows notification from `node_id`.
pub(super) fn stored_prefix(node_id: i64) -> String {
    format!("s {node_id} ")
}

/// Tells the other nodes about envelopes that are not stored rows (ephemeral, or duplicates of
/// stored ones): inline `NOTIFY` payloads, or the `ephemeral_envelopes` table when too large,
/// whose rows are dated `now` (node clock, ns).
pub(super) async fn announce(
    conn: &Object,
    node_id: i64,
    channel: &str,
    envelopes: &[&StoredEnvelope],
    now: i64,
) -> Result<(), StoreError> {
    if envelopes.is_empty() {
        return Ok(());
    }
    let (payloads, large) = inline_payloads(node_id, envelopes);
    if !payloads.is_empty() {
        let stmt = conn
            .prepare_cached("SELECT count(pg_notify($1, p)) FROM unnest($2::text[]) AS p")
            .await
            .map_err(pg_error)?;
        conn.query_one(&stmt, &[&channel, &payloads])
            .await
            .map_err(pg_error)?;
    }
    if !large.is_empty() {
        announce_large(conn, node_id, channel, &large, now).await?;
    }
    Ok(())
}

/// Splits envelopes into inline `NOTIFY` payloads and those too large for one.
fn inline_payloads<'a>(
    node_id: i64,
    envelopes: &[&'a StoredEnvelope],
) -> (Vec<String>, Vec<&'a StoredEnvelope>) {
    let mut payloads = Vec::new();
    let mut large = Vec::new();
    let mut batch = Vec::new();
    for &envelope in envelopes {
        let size = inline_size(envelope);
        if size > MAX_INLINE_BYTES {
            large.push(envelope);
            continue;
        }
        if batch.len() + size > MAX_INLINE_BYTES {
            payloads.push(format!("e {node_id} {}", BASE64.encode(&batch)));
            batch.clear();
        }
        encode_inline(envelope, &mut batch);
    }
    if !batch.is_empty() {
        payloads.push(format!("e {node_id} {}", BASE64.encode(&batch)));
    }
    (payloads, large)
}

fn inline_size(envelope: &StoredEnvelope) -> usize {
    if envelope.content_topic.len() > usize::from(u16::MAX) {
        return usize::MAX;
    }
    2 + envelope.content_topic.len() + 8 + 32 + 4 + envelope.message.len()
}

/// `u16 topic length, topic, u64 timestamp, 32-byte digest, u32 message length, message`,
/// integers big-endian. Only called on envelopes [`inline_size`] accepted.
fn encode_inline(envelope: &StoredEnvelope, out: &mut Vec<u8>) {
    let topic = envelope.content_topic.as_bytes();
    out.extend_from_slice(&u16::try_from(topic.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(topic);
    out.extend_from_slice(&envelope.timestamp_ns.to_be_bytes());
    out.extend_from_slice(&envelope.digest);
    out.extend_from_slice(
        &u32::try_from(envelope.message.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    out.extend_from_slice(&envelope.message);
}

/// Why a notification payload was ignored.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(super) enum PayloadError {
    /// Not `<kind> <node> <data>` with a known kind and a numeric node id.
    #[error("malformed relay notification")]
    Malformed,
    /// The inline envelope data is not valid base64 or is truncated.
    #[error("malformed inline envelope data")]
    BadInline,
}

fn decode_inline(data: &str) -> Result<Vec<StoredEnvelope>, PayloadError> {
    let bytes = BASE64.decode(data).map_err(|_| PayloadError::BadInline)?;
    let mut rest = &bytes[..];
    let mut envelopes = Vec::new();
    while !rest.is_empty() {
        let topic_len = usize::from(u16::from_be_bytes(take(&mut rest)?));
        let topic = take_slice(&mut rest, topic_len)?;
        let content_topic =
            String::from_utf8(topic.to_vec()).map_err(|_| PayloadError::BadInline)?;
        let timestamp_ns = u64::from_be_bytes(take(&mut rest)?);
        let digest: [u8; 32] = take(&mut rest)?;
        let message_len = usize::try_from(u32::from_be_bytes(take(&mut rest)?))
            .map_err(|_| PayloadError::BadInline)?;
        let message = take_slice(&mut rest, message_len)?;
        envelopes.push(StoredEnvelope {
            content_topic,
            timestamp_ns,
            message: bytes::Bytes::copy_from_slice(message),
            digest,
        });
    }
    Ok(envelopes)
}

fn take<const N: usize>(rest: &mut &[u8]) -> Result<[u8; N], PayloadError> {
    let slice = take_slice(rest, N)?;
    slice.try_into().map_err(|_| PayloadError::BadInline)
}

fn take_slice<'a>(rest: &mut &'a [u8], n: usize) -> Result<&'a [u8], PayloadError> {
    if rest.len() < n {
        return Err(PayloadError::BadInline);
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Ok(head)
}

/// A parsed notification.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Announcement {
    /// Row ids in `envelopes`.
    Stored(Vec<i64>),
    /// Ephemeral envelopes carried in the payload.
    Inline(Vec<StoredEnvelope>),
    /// Row ids in `ephemeral_envelopes`.
    Large(Vec<i64>),
}

/// Parses a payload; `Ok(None)` for this node's own notifications.
pub(super) fn parse_payload(payload: &str, me: i64) -> Result<Option<Announcement>, PayloadError> {
    let mut parts = payload.splitn(3, ' ');
    let (Some(kind), Some(node), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(PayloadError::Malformed);
    };
    let node: i64 = node.parse().map_err(|_| PayloadError::Malformed)?;
    if node == me {
        return Ok(None);
    }
    let ids = || -> Result<Vec<i64>, PayloadError> {
        data.split(',')
            .map(|id| id.parse().map_err(|_| PayloadError::Malformed))
            .collect()
    };
    Ok(Some(match kind {
        "s" => Announcement::Stored(ids()?),
        "t" => Announcement::Large(ids()?),
        "e" => Announcement::Inline(decode_inline(data)?),
        _ => return Err(PayloadError::Malformed),
    }))
}

/// Stores large ephemeral envelopes in their table and notifies their ids, in one statement;
/// first drops the table's expired rows.
async fn announce_large(
    conn: &Object,
    node_id: i64,
    channel: &str,
    envelopes: &[&StoredEnvelope],
    now: i64,
) -> Result<(), StoreError> {
    let cleanup = conn
        .prepare_cached("DELETE FROM ephemeral_envelopes WHERE created_ns < $1")
        .await
        .map_err(pg_error)?;
    conn.execute(&cleanup, &[&now.saturating_sub(EPHEMERAL_TTL_NS)])
        .await
        .map_err(pg_error)?;
    let stmt = conn
        .prepare_cached(
            "WITH ins AS (
                 INSERT INTO ephemeral_envelopes
                     (topic, timestamp_ns, digest, message, node_id, created_ns)
                 SELECT u.t, u.ts, u.d, u.m, $5, $6
                 FROM UNNEST($1::bytea[], $2::int8[], $3::bytea[], $4::bytea[]) AS u(t, ts, d, m)
                 RETURNING id
             ), chunks AS (
                 SELECT string_agg(id::text, ',' ORDER BY id) AS ids
                 FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / 300 AS g FROM ins) n
                 GROUP BY g
             )
             SELECT count(pg_notify($7, $8 || ids)) FROM chunks",
        )
        .await
        .map_err(pg_error)?;
    let topics: Vec<&[u8]> = envelopes
        .iter()
        .map(|e| e.content_topic.as_bytes())
        .collect();
    let timestamps: Vec<i64> = envelopes
        .iter()
        .map(|e| ts_to_sql(e.timestamp_ns))
        .collect();
    let digests: Vec<&[u8]> = envelopes.iter().map(|e| &e.digest[..]).collect();
    let messages: Vec<&[u8]> = envelopes.iter().map(|e| &e.message[..]).collect();
    let prefix = format!("t {node_id} ");
    conn.query_one(
        &stmt,
        &[
            &topics,
            &timestamps,
            &digests,
            &messages,
            &node_id,
            &now,
            &channel,
            &prefix,
        ],
    )
    .await
    .map_err(pg_error)?;
    Ok(())
}

/// Everything the listener task needs.
pub(super) struct Listener {
    /// Connection settings (the listener opens its own, unpooled connection).
    pub(super) config: tokio_postgres::Config,
    /// TLS as for the pool's connections.
    pub(super) tls: MakeRustlsConnect,
    /// For fetching announced rows.
    pub(super) pool: Pool,
    /// This process: its own notifications are skipped.
    pub(super) node_id: i64,
    /// The schema's channel.
    pub(super) channel: String,
    /// Where envelopes from other nodes go.
    pub(super) feed: mpsc::Sender<StoredEnvelope>,
    /// Whether anyone took the feed's receiver; until then envelopes are dropped.
    pub(super) feed_taken: Arc<AtomicBool>,
}

/// Listener state that survives reconnects.
struct State {
    /// Notification payloads received, not yet processed.
    pending: VecDeque<String>,
    /// Every transaction older than this has been relayed (the catch-up point).
    safe_xmin: i64,
    /// The latest reading, which becomes `safe_xmin` at the next one.
    last_xmin: i64,
    recent: RecentIds,
}

/// A bounded set of recently delivered row ids.
struct RecentIds {
    order: VecDeque<i64>,
    set: HashSet<i64>,
}

impl RecentIds {
    /// Records `id`; false if it was already there.
    fn insert(&mut self, id: i64) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > RECENT_IDS
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        true
    }
}

/// Why serving stopped.
enum Stop {
    /// The feed's receiver is gone: the listener's work is over.
    FeedClosed,
    /// The connection or the database failed; reconnect.
    Lost(StoreError),
}

/// Opens the listening connection (so that nothing committed after this returns is missed),
/// then runs the listener in the background.
pub(super) async fn start(listener: Listener) -> Result<(), StoreError> {
    let (client, conn, xmin) = listener.open().await?;
    let state = State {
        pending: VecDeque::new(),
        safe_xmin: xmin,
        last_xmin: xmin,
        recent: RecentIds {
            order: VecDeque::new(),
            set: HashSet::new(),
        },
    };
    tokio::spawn(listener.run(client, conn, state));
    Ok(())
}

/// Polls `fut` (a request on the listener's client) while driving the connection, queueing the
/// notifications that arrive meanwhile.
async fn drive<T>(
    conn: &mut PgConnection,
    pending: &mut VecDeque<String>,
    fut: impl Future<Output = Result<T, tokio_postgres::Error>>,
) -> Result<T, StoreError> {
    let mut fut = std::pin::pin!(fut);
    loop {
        tokio::select! {
            result = &mut fut => return result.map_err(pg_error),
            message = poll_fn(|cx| conn.poll_message(cx)) => {
                queue_message(message, pending)?;
            }
        }
    }
}

fn queue_message(
    message: Option<Result<AsyncMessage, tokio_postgres::Error>>,
    pending: &mut VecDeque<String>,
) -> Result<(), StoreError> {
    match message {
        Some(Ok(AsyncMessage::Notification(n))) => {
            pending.push_back(n.payload().to_owned());
            Ok(())
        }
        Some(Ok(_)) => Ok(()),
        Some(Err(e)) => Err(pg_error(e)),
        None => Err(StoreError::Unavailable(
            "the relay listener's connection closed".into(),
        )),
    }
}

impl Listener {
    /// Connects, reads the watermark, then `LISTEN`s. Reading first means every transaction
    /// older than the watermark finished before we listened: the caller catches those up.
    async fn open(&self) -> Result<(Client, PgConnection, i64), StoreError> {
        let mut config = self.config.clone();
        config.application_name(format!("xmtp-node relay {}", self.node_id));
        let (client, mut conn) = config.connect(self.tls.clone()).await.map_err(pg_error)?;
        let mut pending = VecDeque::new();
        let xmin = drive(&mut conn, &mut pending, async {
            let xmin: i64 = client.query_one(XMIN_SQL, &[]).await?.get(0);
            client
                .batch_execute(&format!("LISTEN {}", self.channel))
                .await?;
            Ok(xmin)
        })
        .await?;
        Ok((client, conn, xmin))
    }

    async fn run(self, mut client: Client, mut conn: PgConnection, mut state: State) {
        loop {
            match self.serve(&client, &mut conn, &mut state).await {
                Stop::FeedClosed => return,
                Stop::Lost(e) => {
                    tracing::warn!(error = %e, "relay listener lost its connection; reconnecting")
                }
            }
            let mut backoff = BACKOFF_MIN;
            loop {
                tokio::select! {
                    () = self.feed.closed() => return,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
                let (new_client, new_conn, xmin) = match self.open().await {
                    Ok(opened) => opened,
                    Err(e) => {
                        tracing::warn!(error = %e, "relay listener cannot reconnect");
                        continue;
                    }
                };
                match self.catch_up(&mut state).await {
                    Ok(()) => {}
                    Err(Stop::FeedClosed) => return,
                    Err(Stop::Lost(e)) => {
                        tracing::warn!(error = %e, "relay catch-up failed");
                        continue;
                    }
                }
                (client, conn) = (new_client, new_conn);
                state.safe_xmin = xmin;
                state.last_xmin = xmin;
                tracing::info!("relay listener reconnected");
                break;
            }
        }
    }

    /// Relays notifications until the connection fails or the feed closes.
    async fn serve(&self, client: &Client, conn: &mut PgConnection, state: &mut State) -> Stop {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.reset();
        loop {
            while let Some(payload) = state.pending.pop_front() {
                if let Err(stop) = self.process(&payload, &mut state.recent).await {
                    return stop;
                }
            }
            tokio::select! {
                biased;
                () = self.feed.closed() => return Stop::FeedClosed,
                message = poll_fn(|cx| conn.poll_message(cx)) => {
                    if let Err(e) = queue_message(message, &mut state.pending) {
                        return Stop::Lost(e);
                    }
                }
                _ = tick.tick() => {
                    let reading = drive(conn, &mut state.pending, async {
                        Ok(client.query_one(XMIN_SQL, &[]).await?.get::<_, i64>(0))
                    });
                    match reading.await {
                        Ok(xmin) => {
                            state.safe_xmin = state.last_xmin;
                            state.last_xmin = xmin;
                        }
                        Err(e) => return Stop::Lost(e),
                    }
                }
            }
        }
    }

    /// Handles one notification, retrying fetches until they succeed (the rows are committed, so
    /// giving up would lose them) or the feed closes.
    async fn process(&self, payload: &str, recent: &mut RecentIds) -> Result<(), Stop> {
        let announcement = match parse_payload(payload, self.node_id) {
            Ok(Some(a)) => a,
            Ok(None) => return Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, "ignoring a relay notification");
                return Ok(());
            }
        };
        let envelopes = match announcement {
            Announcement::Inline(envelopes) => envelopes,
            Announcement::Stored(ids) => {
                let rows = self
                    .fetch_retrying(
                        "SELECT id, topic, timestamp_ns, digest, message FROM envelopes
                         WHERE id = ANY($1) ORDER BY id",
                        &ids,
                    )
                    .await?;
                rows.into_iter()
                    .filter(|(id, _)| recent.insert(*id))
                    .map(|(_, e)| e)
                    .collect()
            }
            Announcement::Large(ids) => self
                .fetch_retrying(
                    "SELECT id, topic, timestamp_ns, digest, message FROM ephemeral_envelopes
                     WHERE id = ANY($1) ORDER BY id",
                    &ids,
                )
                .await?
                .into_iter()
                .map(|(_, e)| e)
                .collect(),
        };
        for envelope in envelopes {
            self.deliver(envelope).await?;
        }
        Ok(())
    }

    async fn fetch_retrying(
        &self,
        sql: &str,
        ids: &[i64],
    ) -> Result<Vec<(i64, StoredEnvelope)>, Stop> {
        let mut backoff = BACKOFF_MIN;
        loop {
            match self.fetch(sql, &[&ids]).await {
                Ok(rows) => return Ok(rows),
                Err(StoreError::Unavailable(e)) => {
                    tracing::warn!(error = %e, "relay fetch failed; retrying");
                    tokio::select! {
                        () = self.feed.closed() => return Err(Stop::FeedClosed),
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                }
                Err(e) => {
                    // Not a connection problem (a bad row): retrying would loop forever.
                    tracing::warn!(error = %e, "relay fetch failed; skipping the notification");
                    return Ok(Vec::new());
                }
            }
        }
    }

    async fn fetch(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<(i64, StoredEnvelope)>, StoreError> {
        let conn = self.pool.get().await.map_err(pool_error)?;
        let stmt = conn.prepare_cached(sql).await.map_err(pg_error)?;
        let rows = conn.query(&stmt, params).await.map_err(pg_error)?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get(0).map_err(pg_error)?,
                    envelope_from_row(row, 1)?,
                ))
            })
            .collect()
    }

    /// Relays the rows other nodes committed since `state.safe_xmin`.
    async fn catch_up(&self, state: &mut State) -> Result<(), Stop> {
        let mut after = 0_i64;
        loop {
            let rows = self
                .fetch(
                    "SELECT id, topic, timestamp_ns, digest, message FROM envelopes
                     WHERE tx_id >= $1 AND node_id <> $2 AND id > $3 ORDER BY id LIMIT $4",
                    &[&state.safe_xmin, &self.node_id, &after, &CATCH_UP_PAGE],
                )
                .await
                .map_err(Stop::Lost)?;
            let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= CATCH_UP_PAGE;
            for (id, envelope) in rows {
                after = id;
                if state.recent.insert(id) {
                    self.deliver(envelope).await?;
                }
            }
            if !full {
                return Ok(());
            }
        }
    }

    async fn deliver(&self, envelope: StoredEnvelope) -> Result<(), Stop> {
        if !self.feed_taken.load(Ordering::Acquire) {
            return Ok(());
        }
        self.feed.send(envelope).await.map_err(|_| Stop::FeedClosed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(topic: &str, ts: u64, len: usize) -> StoredEnvelope {
        StoredEnvelope {
            content_topic: topic.into(),
            timestamp_ns: ts,
            message: vec![7; len].into(),
            digest: [ts as u8; 32],
        }
    }

    #[test]
    fn inline_payloads_round_trip_and_stay_under_the_notify_limit() {
        let envelopes: Vec<_> = (0..40)
            .map(|i| envelope("/xmtp/0/mE-x/proto", u64::MAX - i, 500))
            .collect();
        let refs: Vec<_> = envelopes.iter().collect();
        let (payloads, large) = inline_payloads(42, &refs);
        assert!(large.is_empty());
        assert!(payloads.len() > 1);
        let mut decoded = Vec::new();
        for p in &payloads {
            assert!(p.len() < 8000, "{}", p.len());
            match parse_payload(p, 1).unwrap() {
                Some(Announcement::Inline(e)) => decoded.extend(e),
                other => panic!("{other:?}"),
            }
            assert_eq!(parse_payload(p, 42).unwrap(), None);
        }
        assert_eq!(decoded, envelopes);
    }

    #[test]
    fn envelopes_too_large_for_a_payload_go_to_the_table() {
        let small = envelope("t", 1, 10);
        let big = envelope("t", 2, MAX_INLINE_BYTES);
        let (payloads, large) = inline_payloads(1, &[&small, &big]);
        assert_eq!(payloads.len(), 1);
        assert_eq!(large, vec![&big]);
    }

    #[test]
    fn malformed_payloads_are_errors_not_panics() {
        for bad in [
            "",
            "s",
            "s 1",
            "s x 1",
            "s 1 1,,2",
            "q 1 1",
            "s 1 9999999999999999999999",
        ] {
            assert_eq!(
                parse_payload(bad, 0),
                Err(PayloadError::Malformed),
                "{bad:?}"
            );
        }
        let mut truncated = Vec::new();
        encode_inline(&envelope("topic", 5, 20), &mut truncated);
        truncated.pop();
        for bad in [
            "!!".to_owned(),
            BASE64.encode(&truncated),
            BASE64.encode([0, 1]),
        ] {
            assert_eq!(
                parse_payload(&format!("e 1 {bad}"), 0),
                Err(PayloadError::BadInline)
            );
        }
        assert_eq!(
            parse_payload("s 1 3,4", 0),
            Ok(Some(Announcement::Stored(vec![3, 4])))
        );
        assert_eq!(
            parse_payload("t 1 5", 0),
            Ok(Some(Announcement::Large(vec![5])))
        );
    }

    #[test]
    fn recent_ids_are_bounded() {
        let mut recent = RecentIds {
            order: VecDeque::new(),
            set: HashSet::new(),
        };
        assert!(recent.insert(1));
        assert!(!recent.insert(1));
        for id in 2..=(RECENT_IDS as i64 + 1) {
            recent.insert(id);
        }
        assert_eq!(recent.set.len(), RECENT_IDS);
        assert!(recent.insert(1), "the oldest id was forgotten");
    }
}
