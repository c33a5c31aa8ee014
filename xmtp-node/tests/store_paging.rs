//! Keyset paging of the SQLite and in-memory stores against a sorted model (proptest).
//!
//! `check_paging` is backend-independent: any [`Store`] can be checked with it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use xmtp_node::store::{Cursor, Direction, MemoryStore, Query, SqliteStore, Store, StoredEnvelope};

fn envelope(topic: &str, ts: u64, message: Vec<u8>) -> StoredEnvelope {
    StoredEnvelope {
        digest: xmtp_crypto::sha256_concat(&[topic.as_bytes(), &message]),
        content_topic: topic.to_owned(),
        timestamp_ns: ts,
        message: message.into(),
    }
}

/// Pages through `query` with the store's own keyset cursors and compares every page with the
/// model: filter by topic and inclusive bounds, sort by (timestamp, digest), dedupe on the key.
pub async fn check_paging(store: &dyn Store, stored: &[StoredEnvelope], query: Query) {
    let mut expected: Vec<&StoredEnvelope> = stored
        .iter()
        .filter(|e| query.topics.contains(&e.content_topic))
        .filter(|e| query.start_ns.is_none_or(|s| e.timestamp_ns >= s))
        .filter(|e| query.end_ns.is_none_or(|s| e.timestamp_ns <= s))
        .collect();
    expected.sort_by_key(|e| (e.timestamp_ns, e.digest));
    expected.dedup_by_key(|e| (e.timestamp_ns, e.digest));
    if query.direction == Direction::Descending {
        expected.reverse();
    }
    let mut cursor = None;
    for chunk in expected
        .chunks(query.limit as usize)
        .chain(std::iter::once(&[][..]))
    {
        let page = store
            .query(Query {
                cursor: cursor.clone(),
                ..query.clone()
            })
            .await
            .unwrap();
        assert_eq!(page.iter().collect::<Vec<_>>(), chunk);
        let Some(last) = page.last() else { break };
        cursor = Some(Cursor {
            timestamp_ns: last.timestamp_ns,
            digest: last.digest,
        });
    }
}

const TOPICS: [&str; 3] = ["/xmtp/0/m-a/proto", "/xmtp/0/m-b/proto", "other"];

fn arb_envelopes() -> impl Strategy<Value = Vec<StoredEnvelope>> {
    // Few distinct timestamps (including the u64 extremes) and payloads, to force ties and dupes.
    let ts = prop_oneof![0u64..20, Just(0), Just(u64::MAX), Just(1 << 63)];
    proptest::collection::vec(
        (0usize..3, ts, proptest::collection::vec(0u8..4, 0..3)),
        0..60,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(t, ts, m)| envelope(TOPICS[t], ts, m))
            .collect()
    })
}

fn arb_query() -> impl Strategy<Value = Query> {
    (
        proptest::sample::subsequence(TOPICS.to_vec(), 1..=3),
        proptest::option::of(0u64..20),
        proptest::option::of(0u64..20),
        any::<bool>(),
        1u32..12,
    )
        .prop_map(|(topics, start_ns, end_ns, asc, limit)| Query {
            topics: topics.into_iter().map(str::to_owned).collect(),
            start_ns,
            end_ns,
            direction: if asc {
                Direction::Ascending
            } else {
                Direction::Descending
            },
            cursor: None,
            limit,
            max_bytes: usize::MAX,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn paging_matches_the_model(
        batches in proptest::collection::vec(arb_envelopes(), 1..4),
        queries in proptest::collection::vec(arb_query(), 1..5),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let sqlite = SqliteStore::temporary().unwrap();
            let memory = MemoryStore::new();
            let mut all = Vec::new();
            for batch in batches {
                sqlite.insert(batch.clone()).await.unwrap();
                memory.insert(batch.clone()).await.unwrap();
                all.extend(batch);
            }
            for query in queries {
                check_paging(&sqlite, &all, query.clone()).await;
                check_paging(&memory, &all, query).await;
            }
        });
    }
}
