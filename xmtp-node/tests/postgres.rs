//! The PostgreSQL backend against a real server at `XMTP_TEST_POSTGRES_URL`.
//!
//! Each test works in its own randomly named schema, dropped when the test ends (even on panic).
//! Built without the variable, the tests are ignored (`build.rs`); under `CI=true` the variable
//! must be set (`postgres_tests_run_under_ci`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hash::BuildHasher;
use std::time::Duration;

use tokio::sync::mpsc;
use xmtp_node::store::postgres::{PostgresOptions, PostgresStore};
use xmtp_node::store::{
    Cursor, Direction, Query, Store, StoreError, StoredEnvelope, SyncId, SyncKey,
};

/// A fresh schema, dropped on drop.
struct TestSchema {
    url: String,
    name: String,
}

impl TestSchema {
    fn new() -> Option<Self> {
        let url = common::pg::postgres_url()?;
        let random = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
        Some(Self {
            url,
            name: format!("xmtp_test_{random:016x}"),
        })
    }

    fn options(&self) -> PostgresOptions {
        PostgresOptions {
            schema: Some(self.name.clone()),
            pool_size: 4,
            ..Default::default()
        }
    }

    async fn store(&self) -> PostgresStore {
        PostgresStore::connect(&self.url, self.options())
            .await
            .unwrap()
    }

    /// A plain connection with the schema on its search path, for poking at tables directly.
    async fn admin(&self) -> tokio_postgres::Client {
        let (client, conn) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
            .batch_execute(&format!("SET search_path TO {}", self.name))
            .await
            .unwrap();
        client
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        let dropped = common::pg::execute(
            &self.url,
            &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
        );
        if dropped.is_err() {
            eprintln!("could not drop test schema {}", self.name);
        }
    }
}

fn env(topic: &str, ts: u64, msg: &[u8]) -> StoredEnvelope {
    StoredEnvelope {
        content_topic: topic.into(),
        timestamp_ns: ts,
        message: msg.to_vec().into(),
        digest: xmtp_crypto::sha256_concat(&[topic.as_bytes(), msg]),
    }
}

fn query(topics: &[&str], direction: Direction, limit: u32) -> Query {
    Query {
        topics: topics.iter().map(|t| (*t).to_owned()).collect(),
        start_ns: None,
        end_ns: None,
        direction,
        cursor: None,
        limit,
        max_bytes: usize::MAX,
    }
}

async fn recv(feed: &mut mpsc::Receiver<StoredEnvelope>, wait: Duration) -> Option<StoredEnvelope> {
    tokio::time::timeout(wait, feed.recv()).await.ok().flatten()
}

const ARRIVES: Duration = Duration::from_secs(10);
const QUIET: Duration = Duration::from_millis(500);

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test]
async fn insert_dedupes_on_timestamp_and_digest_and_reads_back() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let store = schema.store().await;
    let t = "/xmtp/0/m-dedupe/proto";
    let a = env(t, 5, b"x");
    store.insert(vec![a.clone(), a.clone()]).await.unwrap();
    store.insert(vec![a.clone()]).await.unwrap();
    store.insert(vec![env(t, 6, b"x")]).await.unwrap();
    store
        .insert(vec![env("/xmtp/0/m-other/proto", 5, b"x")])
        .await
        .unwrap();
    store.insert(Vec::new()).await.unwrap();
    assert_eq!(store.count().await.unwrap(), 3);
    let page = store
        .query(query(&[t], Direction::Ascending, 10))
        .await
        .unwrap();
    assert_eq!(page, vec![a, env(t, 6, b"x")]);
    store.ping().await.unwrap();
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test]
async fn topics_are_stored_as_bytes_so_any_string_round_trips() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let store = schema.store().await;
    let odd = "with\0nul and ünïcode";
    store.insert(vec![env(odd, 1, b"a")]).await.unwrap();
    let page = store
        .query(query(&[odd], Direction::Descending, 10))
        .await
        .unwrap();
    assert_eq!(page, vec![env(odd, 1, b"a")]);
}

/// Makes the database refuse any envelope whose message is `poison`.
async fn install_poison_trigger(schema: &TestSchema) {
    schema
        .admin()
        .await
        .batch_execute(
            "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF NEW.message = 'poison'::bytea THEN RAISE EXCEPTION 'poisoned envelope'; END IF;
                 RETURN NEW;
             END $$;
             CREATE TRIGGER refuse_poison BEFORE INSERT ON envelopes
                 FOR EACH ROW EXECUTE FUNCTION refuse_poison();",
        )
        .await
        .unwrap();
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test]
async fn a_request_with_one_refused_envelope_stores_none_of_it() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let store = schema.store().await;
    install_poison_trigger(&schema).await;
    let t = "/xmtp/0/m-atomic/proto";
    let err = store
        .insert(vec![
            env(t, 1, b"good"),
            env(t, 2, b"poison"),
            env(t, 3, b"also good"),
        ])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Backend(ref m) if m.contains("poisoned envelope")),
        "{err}"
    );
    assert!(!err.is_retryable());
    assert_eq!(store.count().await.unwrap(), 0);
    assert!(
        store
            .query(query(&[t], Direction::Ascending, 10))
            .await
            .unwrap()
            .is_empty()
    );
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_grouped_yet_one_refused_request_fails_alone() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let store = std::sync::Arc::new(schema.store().await);
    install_poison_trigger(&schema).await;
    let t = "/xmtp/0/m-group/proto";
    let tasks: Vec<_> = (0..300u64)
        .map(|i| {
            let store = std::sync::Arc::clone(&store);
            tokio::spawn(async move {
                let msg: &[u8] = if i == 150 { b"poison" } else { b"ok" };
                store
                    .insert(vec![env(t, i, msg), env(t, i + 1000, msg)])
                    .await
            })
        })
        .collect();
    let mut failed = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        if task.await.unwrap().is_err() {
            failed.push(i);
        }
    }
    assert_eq!(failed, vec![150]);
    assert_eq!(store.count().await.unwrap(), 598);
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test]
async fn timestamps_above_i64_max_round_trip_and_sort_as_unsigned() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let store = schema.store().await;
    let t = "/xmtp/0/m-u64/proto";
    let big = i64::MAX as u64;
    let stamps = [u64::MAX, big + 1, 0, big, 1];
    store
        .insert(stamps.iter().map(|&ts| env(t, ts, b"m")).collect())
        .await
        .unwrap();
    let got = |page: Vec<StoredEnvelope>| page.iter().map(|e| e.timestamp_ns).collect::<Vec<_>>();
    let asc = store
        .query(query(&[t], Direction::Ascending, 10))
        .await
        .unwrap();
    assert_eq!(got(asc), vec![0, 1, big, big + 1, u64::MAX]);
    let mut q = query(&[t], Direction::Descending, 10);
    q.start_ns = Some(big);
    q.end_ns = Some(u64::MAX - 1);
    assert_eq!(
        got(store.query(q.clone()).await.unwrap()),
        vec![big + 1, big]
    );
    q.cursor = Some(Cursor {
        timestamp_ns: big + 1,
        digest: env(t, 0, b"m").digest,
    });
    assert_eq!(got(store.query(q).await.unwrap()), vec![big]);
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test]
async fn retention_deletes_only_expiring_envelopes_received_before_the_cutoff() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let store = schema.store().await;
    store
        .insert(vec![
            env("/xmtp/0/m-keep/proto", 1, b"a"),
            env("test-expire", 1, b"b"),
            env("other", 2, b"c"),
            env("/xmtpnot/x", 3, b"d"),
        ])
        .await
        .unwrap();
    assert_eq!(store.delete_expired(0, 100).await.unwrap(), 0);
    let later = u64::MAX;
    assert_eq!(store.delete_expired(later, 0).await.unwrap(), 0);
    assert_eq!(store.delete_expired(later, 2).await.unwrap(), 2);
    assert_eq!(store.delete_expired(later, 100).await.unwrap(), 1);
    assert_eq!(store.delete_expired(later, 100).await.unwrap(), 0);
    assert_eq!(store.count().await.unwrap(), 1);
    let kept = store
        .query(query(&["/xmtp/0/m-keep/proto"], Direction::Ascending, 5))
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_starts_migrate_once_and_a_newer_schema_is_refused() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let starts = (0..4).map(|_| PostgresStore::connect(&schema.url, schema.options()));
    let stores = futures_util::future::join_all(starts).await;
    assert!(stores.iter().all(Result::is_ok), "{stores:?}");
    drop(stores);
    let admin = schema.admin().await;
    let versions: Vec<i32> = admin
        .query("SELECT version FROM schema_version", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, vec![1, 2]);
    schema.store().await; // reopening is a no-op
    admin
        .execute("INSERT INTO schema_version (version) VALUES (99)", &[])
        .await
        .unwrap();
    let err = PostgresStore::connect(&schema.url, schema.options())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Schema(ref m) if m.contains("99")),
        "{err}"
    );
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_1_schema_migrates_and_answers_set_reconciliation_reads() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let store = schema.store().await;
    let stored: Vec<StoredEnvelope> = (0..40u64)
        .map(|i| {
            env(
                &format!("/xmtp/0/m-{}/proto", i % 3),
                100 - i,
                &i.to_le_bytes(),
            )
        })
        .chain([
            env("/xmtp/0/privatestore-0xabc/key_bundle/proto", 80, b"p"),
            env("/xmtp/0/m-late/proto", u64::MAX, b"late"),
        ])
        .collect();
    store.insert(stored.clone()).await.unwrap();
    drop(store);
    // Back to version 1, as a node of the previous release left it.
    let admin = schema.admin().await;
    admin
        .batch_execute(
            "DROP INDEX envelopes_sync_idx; DELETE FROM schema_version WHERE version = 2;",
        )
        .await
        .unwrap();
    let store = schema.store().await;
    let versions: i64 = admin
        .query_one("SELECT count(*) FROM schema_version WHERE version = 2", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(versions, 1, "migrated to 2 again");

    let keys = store.sync_keys(70, 1000).await.unwrap();
    let mut expected: Vec<SyncKey> = stored
        .iter()
        .filter(|e| e.timestamp_ns >= 70)
        .map(|e| SyncKey {
            timestamp_ns: e.timestamp_ns,
            digest: e.digest,
            restricted: e.content_topic.contains("privatestore-"),
        })
        .collect();
    expected.sort_by_key(|k| (k.timestamp_ns, k.digest));
    assert_eq!(
        keys, expected,
        "ordered as unsigned timestamps, restricted marked"
    );
    assert_eq!(
        store.sync_keys(0, 3).await.unwrap(),
        keys[keys.len() - 3..],
        "limited to the newest"
    );

    let wanted = vec![
        keys[0].id(),
        keys[keys.len() - 1].id(),
        SyncId::new(5, &[1; 32]),
    ];
    let found = store.by_sync_ids(wanted.clone()).await.unwrap();
    assert_eq!(found.len(), 2, "the unknown id is left out");
    for e in &found {
        assert!(wanted.iter().any(|id| id.matches(e)));
        assert!(stored.contains(e));
    }
    assert!(store.by_sync_ids(Vec::new()).await.unwrap().is_empty());
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test]
async fn bad_settings_are_typed_errors() {
    let Some(url) = common::pg::postgres_url() else {
        return;
    };
    let err = PostgresStore::connect("postgres://127.0.0.1:1/none", PostgresOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Unavailable(_)) && err.is_retryable(),
        "{err}"
    );
    let err = PostgresStore::connect("postgres://host:notaport/x", PostgresOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Backend(ref m) if m.contains("URL")),
        "{err}"
    );
    for bad in ["Caps", "a;drop table x", "1x", ""] {
        let options = PostgresOptions {
            schema: Some(bad.into()),
            ..Default::default()
        };
        let err = PostgresStore::connect(&url, options).await.unwrap_err();
        assert!(matches!(err, StoreError::Schema(_)), "{bad}: {err}");
    }
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_relay_stored_envelopes_to_each_other_but_not_to_themselves() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let a = schema.store().await;
    let b = schema.store().await;
    assert_ne!(a.node_id(), b.node_id());
    let mut feed_a = a.remote_feed().unwrap();
    let mut feed_b = b.remote_feed().unwrap();
    assert!(a.remote_feed().is_none(), "the feed is handed out once");

    let batch: Vec<_> = (0..700)
        .map(|i| env("/xmtp/0/m-relay/proto", i, b"from a"))
        .collect();
    a.insert(batch.clone()).await.unwrap();
    for expected in &batch {
        assert_eq!(recv(&mut feed_b, ARRIVES).await.as_ref(), Some(expected));
    }
    let from_b = env("/xmtp/0/m-relay/proto", 9999, b"from b");
    b.insert(vec![from_b.clone()]).await.unwrap();
    assert_eq!(recv(&mut feed_a, ARRIVES).await, Some(from_b.clone()));
    // Duplicates are stored once but relayed every time, like the reference node does, across
    // requests and within one; no node hears itself.
    a.insert(vec![from_b.clone()]).await.unwrap();
    assert_eq!(recv(&mut feed_b, ARRIVES).await, Some(from_b.clone()));
    let twice = env("/xmtp/0/m-relay/proto", 10_000, b"twice");
    a.insert(vec![twice.clone(), twice.clone()]).await.unwrap();
    assert_eq!(recv(&mut feed_b, ARRIVES).await, Some(twice.clone()));
    assert_eq!(recv(&mut feed_b, ARRIVES).await, Some(twice));
    assert_eq!(a.count().await.unwrap(), 702);
    assert_eq!(recv(&mut feed_a, QUIET).await, None);
    assert_eq!(recv(&mut feed_b, QUIET).await, None);
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_announcements_reach_the_other_node_small_and_large() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let a = schema.store().await;
    let b = schema.store().await;
    let mut feed_a = a.remote_feed().unwrap();
    let mut feed_b = b.remote_feed().unwrap();
    let small: Vec<_> = (0..50)
        .map(|i| env("/xmtp/0/mE-x/proto", i, &[1; 300]))
        .collect();
    let large = env("/xmtp/0/mE-x/proto", u64::MAX, &[2; 100_000]);
    let mut all = small.clone();
    all.insert(10, large.clone());
    a.announce_ephemeral(&all).await.unwrap();
    let mut received = Vec::new();
    for _ in 0..all.len() {
        received.push(
            recv(&mut feed_b, ARRIVES)
                .await
                .expect("every announced envelope arrives"),
        );
    }
    received.sort_by_key(|e| e.timestamp_ns);
    let mut expected = all;
    expected.sort_by_key(|e| e.timestamp_ns);
    assert_eq!(received, expected);
    assert_eq!(recv(&mut feed_a, QUIET).await, None);
    assert_eq!(
        a.count().await.unwrap(),
        0,
        "ephemeral envelopes are never stored"
    );
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listener_reconnects_and_catches_up_what_it_missed() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let a = schema.store().await;
    let b = schema.store().await;
    let mut feed_b = b.remote_feed().unwrap();
    let admin = schema.admin().await;
    // An open transaction holding a transaction id pins the oldest-running watermark, so B's
    // catch-up point cannot move past the row below however slowly this test runs.
    let mut pin = schema.admin().await;
    let pin = pin.transaction().await.unwrap();
    pin.execute("SELECT pg_current_xact_id()", &[])
        .await
        .unwrap();
    let first = env("/xmtp/0/m-gap/proto", 1, b"before");
    a.insert(vec![first.clone()]).await.unwrap();
    assert_eq!(recv(&mut feed_b, ARRIVES).await, Some(first));

    // A row committed without a notification, as if the notification was sent while B's
    // listener was away: only catch-up can deliver it.
    let missed = env("/xmtp/0/m-gap/proto", 2, b"missed");
    admin
        .execute(
            "INSERT INTO envelopes (topic, timestamp_ns, digest, message, received_ns, expires, node_id)
             VALUES ($1, $2, $3, $4, 0, false, $5)",
            &[
                &missed.content_topic.as_bytes(),
                &(i64::MIN + 2),
                &&missed.digest[..],
                &&missed.message[..],
                &a.node_id(),
            ],
        )
        .await
        .unwrap();
    let killed = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&format!("xmtp-node relay {}", b.node_id())],
        )
        .await
        .unwrap();
    assert_eq!(
        killed.len(),
        1,
        "B's listener connection was found and terminated"
    );
    assert_eq!(recv(&mut feed_b, ARRIVES).await, Some(missed));
    pin.rollback().await.unwrap();

    // Live again, and what was relayed before is not repeated.
    let after = env("/xmtp/0/m-gap/proto", 3, b"after");
    a.insert(vec![after.clone()]).await.unwrap();
    assert_eq!(recv(&mut feed_b, ARRIVES).await, Some(after));
    assert_eq!(recv(&mut feed_b, QUIET).await, None);
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_killed_by_the_server_give_retryable_errors_then_are_replaced() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let store = schema.store().await;
    let t = "/xmtp/0/m-kill/proto";
    store.insert(vec![env(t, 1, b"a")]).await.unwrap();
    store.ping().await.unwrap();
    let killed = schema
        .admin()
        .await
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&format!("xmtp-node {}", store.node_id())],
        )
        .await
        .unwrap();
    assert!(
        !killed.is_empty(),
        "the store's pooled connections were found"
    );
    // Each pooled connection may be met dead once: a retryable error, never another kind.
    let mut stored = false;
    for _ in 0..5 {
        match store.insert(vec![env(t, 2, b"b")]).await {
            Ok(()) => {
                stored = true;
                break;
            }
            Err(e) => assert!(e.is_retryable(), "{e}"),
        }
    }
    assert!(stored);
    let mut page = None;
    for _ in 0..5 {
        match store.query(query(&[t], Direction::Ascending, 10)).await {
            Ok(p) => {
                page = Some(p);
                break;
            }
            Err(e) => assert!(e.is_retryable(), "{e}"),
        }
    }
    assert_eq!(page.unwrap(), vec![env(t, 1, b"a"), env(t, 2, b"b")]);
}

mod paging {
    use super::*;
    use proptest::prelude::*;

    /// Pages through `q` with cursors, as the API does, collecting everything.
    async fn page_all(store: &PostgresStore, mut q: Query) -> Vec<StoredEnvelope> {
        let mut all = Vec::new();
        loop {
            let page = store.query(q.clone()).await.unwrap();
            assert!(page.len() <= q.limit as usize);
            let full = page.len() == q.limit as usize;
            all.extend(page);
            match (full, all.last()) {
                (true, Some(last)) => {
                    q.cursor = Some(Cursor {
                        timestamp_ns: last.timestamp_ns,
                        digest: last.digest,
                    });
                }
                _ => return all,
            }
        }
    }

    fn stamp() -> impl Strategy<Value = u64> {
        prop_oneof![
            0..6u64,
            Just(i64::MAX as u64),
            Just(i64::MAX as u64 + 1),
            Just(u64::MAX)
        ]
    }

    #[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
    #[test]
    fn paging_in_both_directions_matches_a_sorted_model() {
        let Some(schema) = TestSchema::new() else {
            return;
        };
        let rt = tokio::runtime::Runtime::new().unwrap();
        let store = rt.block_on(schema.store());
        let case = std::cell::Cell::new(0u32);
        let config = ProptestConfig {
            cases: 24,
            ..ProptestConfig::default()
        };
        proptest!(config, |(
            rows in proptest::collection::vec((0..3usize, stamp(), 0..4u8), 0..40),
            wanted in proptest::collection::btree_set(0..4usize, 1..4),
            start in proptest::option::of(stamp()),
            end in proptest::option::of(stamp()),
            ascending in any::<bool>(),
            limit in 1..6u32,
        )| {
            case.set(case.get() + 1);
            // Topics of this case only: cases share the schema.
            let n = case.get();
            let topic = |i: usize| format!("/xmtp/0/m-case{n}-{i}/proto");
            let envelopes: Vec<_> =
                rows.iter().map(|&(t, ts, m)| env(&topic(t), ts, &[m])).collect();
            rt.block_on(store.insert(envelopes.clone())).unwrap();

            let mut model: Vec<_> = envelopes
                .into_iter()
                .filter(|e| wanted.iter().any(|&w| e.content_topic == topic(w)))
                .filter(|e| start.is_none_or(|s| e.timestamp_ns >= s))
                .filter(|e| end.is_none_or(|s| e.timestamp_ns <= s))
                .collect();
            model.sort_by_key(|x| (x.timestamp_ns, x.digest));
            model.dedup_by(|x, y| (x.timestamp_ns, x.digest) == (y.timestamp_ns, y.digest));
            let direction = if ascending { Direction::Ascending } else { Direction::Descending };
            if !ascending {
                model.reverse();
            }
            let q = Query {
                topics: wanted.iter().map(|&w| topic(w)).collect(),
                start_ns: start,
                end_ns: end,
                direction,
                cursor: None,
                limit,
                max_bytes: usize::MAX,
            };
            prop_assert_eq!(rt.block_on(page_all(&store, q)), model);
        });
    }
}

/// Single-envelope inserts from 1 to 256 concurrent tasks all land exactly once, on PostgreSQL
/// and SQLite. The rate is printed for information (`--nocapture`); throughput figures come from
/// the load generator in `benches/` (BENCHMARKS.md), not from this test.
#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_single_envelope_inserts_all_land() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let options = PostgresOptions {
        pool_size: 8,
        ..schema.options()
    };
    let postgres: std::sync::Arc<dyn Store> =
        std::sync::Arc::new(PostgresStore::connect(&schema.url, options).await.unwrap());
    let sqlite: std::sync::Arc<dyn Store> =
        std::sync::Arc::new(xmtp_node::store::SqliteStore::temporary().unwrap());
    for (name, store) in [("postgres", postgres), ("sqlite", sqlite)] {
        for concurrency in [1u64, 16, 64, 256] {
            let per_task = 1_024 / concurrency;
            let before = store.count().await.unwrap();
            let started = std::time::Instant::now();
            let tasks: Vec<_> = (0..concurrency)
                .map(|task| {
                    let store = std::sync::Arc::clone(&store);
                    tokio::spawn(async move {
                        for i in 0..per_task {
                            let topic = format!("/xmtp/0/m-load-{concurrency}-{task}/proto");
                            store.insert(vec![env(&topic, i, &[7; 256])]).await.unwrap();
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            let elapsed = started.elapsed();
            let total = per_task * concurrency;
            assert_eq!(store.count().await.unwrap(), before + total);
            println!(
                "{name}: {concurrency:>3} concurrent tasks, {total} single-envelope inserts: {:.0}/s",
                total as f64 / elapsed.as_secs_f64()
            );
        }
    }
}

/// The node's whole end-to-end suite (tests/common) on PostgreSQL, every case on a fresh
/// store (node process) over one schema.
#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_suite_on_postgres() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    common::suite::run_suite(|| {
        let (url, options) = (schema.url.clone(), schema.options());
        async move {
            let store = PostgresStore::connect(&url, options).await.unwrap();
            xmtp_node::NodeConfig::with_store(std::sync::Arc::new(store))
        }
    })
    .await;
}

/// Two in-process nodes on one database: a client subscribed on A receives what is published
/// on B, stored and ephemeral alike.
#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_sharing_one_database_relay_to_each_others_subscribers() {
    use xmtp_proto::message_api::v1 as api;
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let config = || async {
        let store = PostgresStore::connect(&schema.url, schema.options())
            .await
            .unwrap();
        xmtp_node::NodeConfig::with_store(std::sync::Arc::new(store))
    };
    let a = common::TestNode::start(config().await).await;
    let b = common::TestNode::start(config().await).await;
    let topic = common::m_topic();
    let ephemeral = topic.replace("/m-", "/mE-");
    let mut on_a = a
        .grpc()
        .await
        .subscribe(api::SubscribeRequest {
            content_topics: vec![topic.clone(), ephemeral.clone()],
        })
        .await
        .unwrap()
        .into_inner();
    a.await_subscriptions(1.0).await;

    b.publish_grpc(vec![common::envelope(&topic, 7, b"stored via b")])
        .await;
    let got = tokio::time::timeout(ARRIVES, on_a.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        (got.content_topic.as_str(), got.timestamp_ns),
        (topic.as_str(), 7)
    );
    assert_eq!(got.message, b"stored via b");

    b.publish_grpc(vec![common::envelope(&ephemeral, 8, b"ephemeral via b")])
        .await;
    let got = tokio::time::timeout(ARRIVES, on_a.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(got.message, b"ephemeral via b");

    // Stored once, queryable on both nodes; the ephemeral one nowhere.
    for node in [&a, &b] {
        let page = node
            .grpc()
            .await
            .query(api::QueryRequest {
                content_topics: vec![topic.clone()],
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(page.envelopes.len(), 1);
    }
    // A publish on A reaches A's subscriber once, not a second time through the database.
    a.publish_grpc(vec![common::envelope(&topic, 9, b"on a")])
        .await;
    let got = tokio::time::timeout(ARRIVES, on_a.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(got.message, b"on a");
    assert!(
        tokio::time::timeout(QUIET, on_a.message()).await.is_err(),
        "no echo"
    );
    drop(on_a);
    a.node.shutdown().await.unwrap();
    b.node.shutdown().await.unwrap();
}

/// `url` with `sslmode=mode` added (the test URL may already carry parameters).
fn with_sslmode(url: &str, mode: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}sslmode={mode}")
}

/// Whether the store's pooled connections to the server use TLS, from the server's own view
/// (`pg_stat_ssl` joined to the application name the store gives its connections).
async fn store_connections_use_tls(schema: &TestSchema, node_id: i64) -> Vec<bool> {
    let admin = schema.admin().await;
    admin
        .query(
            "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid \
             WHERE a.application_name = $1",
            &[&format!("xmtp-node {node_id}")],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

/// `sslmode` in the URL decides TLS as libpq does; without a root certificate file the server's
/// certificate is not verified (the local server's is a self-signed snakeoil one). Adapts to a
/// server with TLS switched off: then `require` must fail and `prefer` fall back to plaintext.
#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test]
async fn tls_follows_the_urls_sslmode() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let server_tls = schema
        .admin()
        .await
        .query_one("SHOW ssl", &[])
        .await
        .unwrap()
        .get::<_, String>(0)
        == "on";
    for (offset, mode) in ["disable", "prefer", "require"].into_iter().enumerate() {
        let node_id = 0x5e55_0000 + offset as i64 + i64::from(std::process::id()) * 8;
        let options = PostgresOptions {
            node_id: Some(node_id),
            ..schema.options()
        };
        let connected = PostgresStore::connect(&with_sslmode(&schema.url, mode), options).await;
        if mode == "require" && !server_tls {
            assert!(
                connected.is_err(),
                "sslmode=require on a server without TLS"
            );
            continue;
        }
        let store = connected.unwrap();
        store
            .insert(vec![env("/xmtp/0/tls/proto", 1, mode.as_bytes())])
            .await
            .unwrap();
        let tls = store_connections_use_tls(&schema, node_id).await;
        assert!(!tls.is_empty(), "{mode}: no connection of the store seen");
        let expected = mode != "disable" && server_tls;
        assert!(tls.iter().all(|&t| t == expected), "{mode}: {tls:?}");
    }
}

/// With a root certificate file the server's certificate must chain to it: a CA the server's
/// certificate does not come from is refused, and a file without certificates is a clear error.
#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test]
async fn a_root_certificate_file_is_enforced() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let untrusted = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/untrusted-ca.pem");
    let options = PostgresOptions {
        tls_root_certificates: Some(untrusted),
        connect_timeout: Duration::from_secs(5),
        ..schema.options()
    };
    let Err(refused) = PostgresStore::connect(&with_sslmode(&schema.url, "require"), options).await
    else {
        panic!("a certificate from another CA was accepted");
    };
    assert!(refused.to_string().contains("certificate"), "{refused}");

    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let options = PostgresOptions {
        tls_root_certificates: Some(empty.clone()),
        ..schema.options()
    };
    let err = PostgresStore::connect(&schema.url, options)
        .await
        .err()
        .unwrap();
    assert!(
        matches!(&err, StoreError::Backend(m) if m.contains("no certificate") && m.contains("empty.pem")),
        "{err}"
    );
}

/// CI runs the tests above for real: a CI build without the URL fails here instead of ignoring
/// them.
#[test]
fn postgres_tests_run_under_ci() {
    let built_with_url = cfg!(xmtp_test_postgres);
    let under_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        built_with_url || !under_ci,
        "XMTP_TEST_POSTGRES_URL must be set when CI=true (e.g. \
         postgres://postgres@127.0.0.1:5432/test)"
    );
}
