//! Nodes as Waku v2 relay peers (issue 18, first slice): three in-process nodes on loopback,
//! peered statically in a line A–B–C over libp2p on ephemeral ports. Every wait is on a node-side
//! signal (the relay status, a subscription), bounded by [`LIMIT`].

#![cfg(feature = "waku")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Grpc, TestNode, envelope, m_topic, now_ns};
use xmtp_node::{Database, MAX_MESSAGE_BYTES, NodeConfig, WakuConfig, WakuStatus};
use xmtp_proto::Message as _;
use xmtp_proto::message_api::v1 as api;
use xmtp_proto::waku::WakuMessage;

/// The longest any one wait may take before the test fails.
const LIMIT: Duration = Duration::from_secs(60);

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, future)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// A node on `database` whose relay listens on a free loopback port and dials `peers`.
fn config(database: Database, peers: Vec<String>, trusted: Vec<String>) -> NodeConfig {
    let mut waku = WakuConfig::default();
    waku.listen = vec!["/ip4/127.0.0.1/tcp/0".into()];
    waku.peers = peers;
    waku.trusted_peers = trusted;
    let mut config = NodeConfig::ephemeral();
    config.database = database;
    config.waku = Some(waku);
    config
}

fn addr(node: &TestNode) -> String {
    node.node.waku().unwrap().listen_addrs()[0].clone()
}

fn peer_id(node: &TestNode) -> String {
    node.node.waku().unwrap().peer_id().to_owned()
}

async fn status(node: &TestNode, what: &str, f: impl FnMut(&WakuStatus) -> bool) -> WakuStatus {
    within(what, node.node.waku().unwrap().wait_for(f))
        .await
        .unwrap()
}

/// A–B–C: B dials A, C dials B; B trusts A and C trusts B with restricted topics (A and B trust
/// no one). Returns once every relay mesh is complete.
async fn line(databases: [Database; 3]) -> [TestNode; 3] {
    let [da, db, dc] = databases;
    let a = TestNode::start(config(da, vec![], vec![])).await;
    let b = TestNode::start(config(db, vec![addr(&a)], vec![peer_id(&a)])).await;
    let c = TestNode::start(config(dc, vec![addr(&b)], vec![peer_id(&b)])).await;
    status(&a, "A's mesh", |s| s.mesh_peers >= 1).await;
    status(&b, "B's mesh", |s| s.mesh_peers >= 2).await;
    status(&c, "C's mesh", |s| s.mesh_peers >= 1).await;
    [a, b, c]
}

/// A live gRPC subscription on `topics`, registered when this returns.
async fn subscribe(node: &TestNode, topics: &[&str]) -> tonic::Streaming<api::Envelope> {
    let before = node.metric("xmtp_node_active_subscriptions").await;
    let stream = node
        .grpc()
        .await
        .subscribe(api::SubscribeRequest {
            content_topics: topics.iter().map(|t| (*t).to_owned()).collect(),
        })
        .await
        .unwrap()
        .into_inner();
    node.await_subscriptions(before + 1.0).await;
    stream
}

async fn next(stream: &mut tonic::Streaming<api::Envelope>) -> api::Envelope {
    within("an envelope", stream.message())
        .await
        .unwrap()
        .unwrap()
}

async fn stored(node: &TestNode, topic: &str) -> BTreeSet<common::load::Key> {
    let mut grpc: Grpc = node.grpc().await;
    common::load::stored(&mut grpc, &[topic.to_owned()]).await
}

fn keys(envelopes: &[api::Envelope]) -> BTreeSet<common::load::Key> {
    envelopes.iter().map(common::load::key).collect()
}

async fn shutdown(nodes: impl IntoIterator<Item = TestNode>) {
    for node in nodes {
        node.node.shutdown().await.unwrap();
    }
}

/// The third node's store: PostgreSQL in a schema of its own when `XMTP_TEST_POSTGRES_URL` is
/// set (with its guard), else memory; A is on SQLite and B in memory, so relayed envelopes are
/// stored by every backend.
#[cfg(feature = "postgres")]
fn third_store() -> (Database, Option<common::pg::PgSchema>) {
    match common::pg::PgSchema::create() {
        Some(schema) => (Database::Postgres(schema.url()), Some(schema)),
        None => (Database::Memory, None),
    }
}

#[cfg(not(feature = "postgres"))]
fn third_store() -> (Database, Option<()>) {
    (Database::Memory, None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_envelope_published_on_any_node_reaches_every_node_once_and_is_stored() {
    let (third, _schema) = third_store();
    let nodes = line([Database::Temporary, Database::Memory, third]).await;
    let topic = m_topic();
    let mut streams = Vec::new();
    for node in &nodes {
        streams.push(subscribe(node, &[&topic]).await);
    }
    let t = now_ns();
    let published: Vec<api::Envelope> = (0..3u8)
        .map(|i| envelope(&topic, t + u64::from(i), &[i; 100]))
        .collect();
    for (node, e) in nodes.iter().zip(&published) {
        node.publish_grpc(vec![e.clone()]).await;
    }
    for stream in &mut streams {
        let mut got = Vec::new();
        for _ in 0..3 {
            got.push(next(stream).await);
        }
        assert_eq!(
            keys(&got),
            keys(&published),
            "each envelope once, on every node"
        );
    }
    // Nothing more is on its way: two envelopes published at both ends after the first three
    // come next on every node, and nothing else came in between.
    let ends = [
        envelope(&topic, t + 10, b"end of A"),
        envelope(&topic, t + 11, b"end of C"),
    ];
    nodes[0].publish_grpc(vec![ends[0].clone()]).await;
    nodes[2].publish_grpc(vec![ends[1].clone()]).await;
    for stream in &mut streams {
        let got = [next(stream).await, next(stream).await];
        assert_eq!(keys(&got), keys(&ends));
    }
    let all: Vec<api::Envelope> = published.iter().chain(&ends).cloned().collect();
    for node in &nodes {
        assert_eq!(
            stored(node, &topic).await,
            keys(&all),
            "stored on every node"
        );
        let s = node.node.waku().unwrap().status();
        assert_eq!((s.refused, s.duplicates), (0, 0), "{s:?}");
    }
    // A relayed out its two envelopes; B received four and relayed its own one.
    assert_eq!(nodes[0].node.waku().unwrap().status().relayed_out, 2);
    assert_eq!(nodes[1].node.waku().unwrap().status().relayed_in, 4);
    let text = nodes[1].metrics_text().await;
    assert!(text.contains("xmtp_node_waku_relay_in_total 4"), "{text}");
    assert!(text.contains("xmtp_node_waku_mesh_peers 2"), "{text}");
    shutdown(nodes).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restricted_topics_cross_only_trusted_peers() {
    let [a, b, c] = line([Database::Memory, Database::Memory, Database::Memory]).await;
    let contact_a = format!("/xmtp/0/contact-{}/proto", a.me.wallet);
    let contact_c = format!("/xmtp/0/contact-{}/proto", c.me.wallet);
    let open = m_topic();
    let mut on_b = subscribe(&b, &[&contact_a, &contact_c]).await;
    let mut on_c = subscribe(&c, &[&contact_a]).await;
    let mut on_a = subscribe(&a, &[&contact_c, &open]).await;

    // A's owner publishes on A; B trusts A, C trusts B: it reaches both.
    let from_a = envelope(&contact_a, now_ns(), b"bundle of A");
    a.publish_grpc(vec![from_a.clone()]).await;
    assert_eq!(next(&mut on_b).await, from_a);
    assert_eq!(next(&mut on_c).await, from_a);

    // C's owner publishes on C, and then an open envelope: B does not trust C, so it refuses the
    // first (and does not forward it) but forwards the second.
    let from_c = envelope(&contact_c, now_ns(), b"bundle of C");
    let after = envelope(&open, now_ns(), b"open");
    c.publish_grpc(vec![from_c.clone()]).await;
    c.publish_grpc(vec![after.clone()]).await;
    status(&b, "B's refusal", |s| s.refused >= 1).await;
    assert_eq!(
        next(&mut on_a).await,
        after,
        "A never got C's contact envelope"
    );
    assert!(stored(&a, &contact_c).await.is_empty());
    assert!(stored(&b, &contact_c).await.is_empty());
    assert_eq!(stored(&c, &contact_c).await, keys(&[from_c]));
    let text = b.metrics_text().await;
    assert!(
        text.contains(
            "xmtp_node_waku_relay_in_refused_total{reason=\"untrusted_restricted_topic\"} 1"
        ),
        "{text}"
    );
    drop((on_a, on_b, on_c));
    shutdown([a, b, c]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_peer_is_refused_without_harm() {
    // H is the third node of the line: B's only view of it is what it relays.
    let [a, b, h] = line([Database::Memory, Database::Memory, Database::Memory]).await;
    let topic = m_topic();
    let mut on_a = subscribe(&a, &[&topic]).await;
    let mut on_b = subscribe(&b, &[&topic]).await;
    let hostile = h.node.waku().unwrap();
    let t = now_ns();
    hostile.relay_raw(vec![0xff; 64]).await;
    hostile
        .relay_raw(
            WakuMessage::from_parts(&topic, t, vec![1; MAX_MESSAGE_BYTES + 1]).encode_to_vec(),
        )
        .await;
    hostile
        .relay_raw(WakuMessage::from_parts("", t, vec![2]).encode_to_vec())
        .await;
    hostile
        .relay_raw(WakuMessage::from_parts(&topic, t, vec![]).encode_to_vec())
        .await;
    let fine = envelope(&topic, t + 1, b"fine");
    hostile
        .relay_raw(WakuMessage::from_envelope(&fine).encode_to_vec())
        .await;
    // Relayed in order on one stream: the four refusals come before the fine one.
    assert_eq!(next(&mut on_b).await, fine);
    assert_eq!(next(&mut on_a).await, fine);
    assert_eq!(b.node.waku().unwrap().status().refused, 4);
    assert_eq!(
        a.node.waku().unwrap().status().refused,
        0,
        "B forwarded none"
    );
    for node in [&a, &b] {
        assert_eq!(
            stored(node, &topic).await,
            keys(std::slice::from_ref(&fine))
        );
    }
    let text = b.metrics_text().await;
    for (reason, n) in [("malformed", 1), ("too_big", 1), ("empty", 2)] {
        let line = format!("xmtp_node_waku_relay_in_refused_total{{reason=\"{reason}\"}} {n}");
        assert!(text.contains(&line), "{line} missing in\n{text}");
    }
    // B still serves clients and relays.
    let later = envelope(&topic, t + 2, b"later");
    b.publish_grpc(vec![later.clone()]).await;
    assert_eq!(next(&mut on_a).await, later);
    drop((on_a, on_b));
    shutdown([a, b, h]).await;
}

#[tokio::test]
async fn bad_waku_settings_are_refused_at_start() {
    let mut bad_peer = config(
        Database::Memory,
        vec!["/ip4/127.0.0.1/tcp/1".into()],
        vec![],
    );
    let err = xmtp_node::Node::start(bad_peer.clone()).await.unwrap_err();
    assert!(err.to_string().contains("/p2p/"), "{err}");
    if let Some(waku) = bad_peer.waku.as_mut() {
        waku.peers.clear();
        waku.trusted_peers = vec!["not a peer id".into()];
    }
    assert!(xmtp_node::Node::start(bad_peer).await.is_err());
}
