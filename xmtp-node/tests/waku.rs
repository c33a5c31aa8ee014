//! Nodes as Waku v2 relay peers (issue 18, first slice): three in-process nodes on loopback,
//! peered statically in a line A–B–C over libp2p on ephemeral ports. Every wait is on a node-side
//! signal (the relay status, a subscription), bounded by [`LIMIT`].

#![cfg(feature = "waku")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Grpc, TestNode, envelope, m_topic, now_ns};
use xmtp_node::waku_sync::{MAX_REQUESTS_PER_PEER, SyncRequest, SyncResponse};
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
    // Thousands of envelopes are published from one address.
    config.rate_limits.enabled = false;
    config
}

fn addr(node: &TestNode) -> String {
    node.node.waku().unwrap().listen_addrs()[0].clone()
}

fn peer_id(node: &TestNode) -> String {
    node.node.waku().unwrap().peer_id().to_owned()
}

async fn status(node: &TestNode, what: &str, f: impl FnMut(&WakuStatus) -> bool) -> WakuStatus {
    let peer = node.node.waku().unwrap();
    match tokio::time::timeout(LIMIT, peer.wait_for(f)).await {
        Ok(status) => status.unwrap(),
        Err(_) => panic!(
            "timed out waiting for {what}: {:?}\n{}",
            peer.status(),
            node.metrics_text().await
        ),
    }
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
    // The reconciliations each new connection starts are over, so nothing reaches a node but
    // by the relay from here on.
    status(&a, "A's first sync", |s| s.sync_rounds >= 1).await;
    status(&b, "B's first syncs", |s| s.sync_rounds >= 2).await;
    status(&c, "C's first sync", |s| s.sync_rounds >= 1).await;
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

    // C's owner publishes on C three times (a bundle and two updates), and then an open
    // envelope: B does not trust C, so it refuses the first three (and does not forward them)
    // but forwards the last. Trust is one-sided and C is honest: B does not graylist it for
    // them (three Rejects would), so C stays in B's mesh.
    let t = now_ns();
    let from_c: Vec<_> = (0..3u64)
        .map(|i| envelope(&contact_c, t + i, format!("bundle {i} of C").as_bytes()))
        .collect();
    let after = envelope(&open, now_ns(), b"open");
    for e in &from_c {
        c.publish_grpc(vec![e.clone()]).await;
    }
    c.publish_grpc(vec![after.clone()]).await;
    status(&b, "B's refusals", |s| s.refused >= 3).await;
    assert_eq!(
        next(&mut on_a).await,
        after,
        "A never got C's contact envelope"
    );
    assert!(stored(&a, &contact_c).await.is_empty());
    assert!(stored(&b, &contact_c).await.is_empty());
    assert_eq!(stored(&c, &contact_c).await, keys(&from_c));
    let s = status(&b, "C still a peer of B", |s| s.peers == 2).await;
    assert_eq!((s.graylisted, s.graylisted_total), (0, 0), "{s:?}");
    let text = b.metrics_text().await;
    assert!(
        text.contains(
            "xmtp_node_waku_relay_in_refused_total{reason=\"untrusted_restricted_topic\"} 3"
        ),
        "{text}"
    );
    drop((on_a, on_b, on_c));
    shutdown([a, b, c]).await;
}

/// A raw gossipsub peer speaking Waku Relay, driven by a task of its own: publishes what the
/// test hands it, unchecked, as a hostile peer would.
struct RawRelayPeer {
    peer_id: String,
    publish: tokio::sync::mpsc::Sender<Vec<u8>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawRelayPeer {
    /// Dials `addr` and returns once the node's subscription to the pubsub topic is known
    /// (from then on a publish goes to the node).
    async fn join(addr: &str) -> Self {
        use futures_util::StreamExt as _;
        use libp2p::gossipsub;

        let config = gossipsub::ConfigBuilder::default()
            .protocol_id("/vac/waku/relay/2.0.0", gossipsub::Version::V1_1)
            .validation_mode(gossipsub::ValidationMode::Anonymous)
            .message_id_fn(|m: &gossipsub::Message| {
                gossipsub::MessageId::new(&xmtp_crypto::sha256(&m.data))
            })
            .max_transmit_size(2 * 1024 * 1024)
            .build()
            .unwrap();
        let mut relay: gossipsub::Behaviour =
            gossipsub::Behaviour::new(gossipsub::MessageAuthenticity::Anonymous, config).unwrap();
        let topic = gossipsub::IdentTopic::new(xmtp_proto::waku::DEFAULT_PUBSUB_TOPIC);
        relay.subscribe(&topic).unwrap();
        let (mut swarm, _) = common::connected_swarm(addr, relay, LIMIT).await;
        let peer_id = swarm.local_peer_id().to_string();
        let (ready_tx, ready) = tokio::sync::oneshot::channel();
        let (publish, mut outbox) = tokio::sync::mpsc::channel::<Vec<u8>>(16);
        let task = tokio::spawn(async move {
            let mut ready_tx = Some(ready_tx);
            loop {
                tokio::select! {
                    event = swarm.select_next_some() => {
                        if let libp2p::swarm::SwarmEvent::Behaviour(
                            gossipsub::Event::Subscribed { .. },
                        ) = event
                            && let Some(ready) = ready_tx.take()
                        {
                            let _ = ready.send(());
                        }
                    }
                    Some(data) = outbox.recv() => {
                        // Refused once the node has cut this peer off: nothing to do.
                        let _ = swarm.behaviour_mut().publish(topic.clone(), data);
                    }
                }
            }
        });
        within("the node's subscription", ready).await.unwrap();
        Self {
            peer_id,
            publish,
            task,
        }
    }

    async fn publish(&self, data: Vec<u8>) {
        self.publish.send(data).await.unwrap();
    }
}

impl Drop for RawRelayPeer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_relay_peers_are_refused_and_graylisted_while_an_honest_one_works() {
    // A's relay bucket holds 5 messages a peer, and its clock stands still: it never refills.
    let mut with_small_bucket = config(Database::Memory, vec![], vec![]);
    with_small_bucket.clock = std::sync::Arc::new(xmtp_node::ManualClock::at_system_now());
    with_small_bucket.waku.as_mut().unwrap().per_peer = xmtp_node::Bucket {
        capacity: 5,
        per_minute: 1,
    };
    let a = TestNode::start(with_small_bucket).await;
    let b = TestNode::start(config(Database::Memory, vec![addr(&a)], vec![])).await;
    status(&a, "A's mesh", |s| s.mesh_peers >= 1).await;
    status(&b, "B's mesh", |s| s.mesh_peers >= 1).await;
    let topic = m_topic();
    let flood_topic = m_topic();
    let contact = format!("/xmtp/0/contact-{}/proto", a.me.wallet);
    let t = now_ns();

    // Z forwards a forged owner-only message: refused, and only charged P5 (an honest peer with
    // another trust list may forward one), so Z stays well above the graylist threshold.
    let z = RawRelayPeer::join(&addr(&a)).await;
    z.publish(WakuMessage::from_parts(&contact, t, b"forged bundle".to_vec()).encode_to_vec())
        .await;
    let s = status(&a, "the forgery refused", |s| s.refused == 1).await;
    assert_eq!(s.graylisted_total, 0, "{s:?}");
    // Scores are read every 100 ms: wait for one that has Z's charge in it.
    let score = within("Z's score with the charge", async {
        loop {
            match a.node.waku().unwrap().peer_score(&z.peer_id) {
                Some(score) if score < 0.0 => break score,
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    })
    .await;
    assert!(
        score > xmtp_node::waku_score::GRAYLIST_THRESHOLD / 2.0,
        "{score}"
    );
    drop(z);
    status(&a, "Z gone", |s| s.peers == 1).await;

    // X sends two malformed messages and one oversized: each is Rejected, and the third
    // graylists X (P4: 3 squared times -20).
    let x = RawRelayPeer::join(&addr(&a)).await;
    x.publish(vec![0xff; 64]).await;
    x.publish(WakuMessage::from_parts(&topic, t, vec![1; MAX_MESSAGE_BYTES + 1]).encode_to_vec())
        .await;
    x.publish(vec![0xfe; 64]).await;
    let s = status(&a, "X graylisted", |s| s.graylisted == 1).await;
    assert_eq!((s.refused, s.graylisted_total), (4, 1), "{s:?}");
    let score = a.node.waku().unwrap().peer_score(&x.peer_id).unwrap();
    assert!(score < xmtp_node::waku_score::GRAYLIST_THRESHOLD, "{score}");
    // X is disconnected and refused: only B is left.
    status(&a, "X cut off", |s| s.peers == 1).await;

    // Y floods 1,000 well-formed messages: 5 fit its bucket, the rest cost it score until it
    // is graylisted too.
    let y = RawRelayPeer::join(&addr(&a)).await;
    for i in 0..1_000u64 {
        let message = WakuMessage::from_parts(&flood_topic, t + i, i.to_le_bytes().to_vec());
        y.publish(message.encode_to_vec()).await;
    }
    let s = status(&a, "Y graylisted", |s| s.graylisted == 2).await;
    assert_eq!(s.graylisted_total, 2, "{s:?}");
    let score = a.node.waku().unwrap().peer_score(&y.peer_id).unwrap();
    assert!(score < xmtp_node::waku_score::GRAYLIST_THRESHOLD, "{score}");
    status(&a, "Y cut off", |s| s.peers == 1).await;
    let text = a.metrics_text().await;
    for line in [
        "xmtp_node_waku_relay_in_refused_total{reason=\"malformed\"} 2".to_owned(),
        "xmtp_node_waku_relay_in_refused_total{reason=\"too_big\"} 1".to_owned(),
        "xmtp_node_waku_relay_in_refused_total{reason=\"untrusted_restricted_topic\"} 1".to_owned(),
        "xmtp_node_waku_graylisted_peers 2".to_owned(),
        "xmtp_node_waku_peers_graylisted_total 2".to_owned(),
    ] {
        assert!(text.contains(&line), "{line} missing in\n{text}");
    }
    let flooded = a
        .metric("xmtp_node_waku_relay_in_refused_total{reason=\"rate_limited\"}")
        .await;
    assert!(flooded >= 400.0, "{flooded} over the rate\n{text}");

    // The honest peer B still relays both ways, and kept its score.
    let mut on_a = subscribe(&a, &[&topic]).await;
    let mut on_b = subscribe(&b, &[&topic]).await;
    let from_b = envelope(&topic, t + 1, b"from B");
    b.publish_grpc(vec![from_b.clone()]).await;
    assert_eq!(next(&mut on_a).await, from_b);
    let from_a = envelope(&topic, t + 2, b"from A");
    a.publish_grpc(vec![from_a.clone()]).await;
    // B's subscriber has B's own envelope first.
    assert_eq!(next(&mut on_b).await, from_b);
    assert_eq!(next(&mut on_b).await, from_a);
    let score = a.node.waku().unwrap().peer_score(&peer_id(&b)).unwrap();
    assert!(score >= 0.0, "{score}");
    // Nothing refused was stored or relayed; of the flood, only the 5 within Y's bucket.
    for node in [&a, &b] {
        assert_eq!(
            stored(node, &topic).await,
            keys(&[from_b.clone(), from_a.clone()])
        );
        assert!(stored(node, &contact).await.is_empty());
        assert_eq!(stored(node, &flood_topic).await.len(), 5);
    }
    assert_eq!(
        b.node.waku().unwrap().status().refused,
        0,
        "A forwarded no refused message"
    );
    drop((on_a, on_b, x, y));
    shutdown([a, b]).await;
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

/// `n` envelopes on `topic` from `t` on, each with its own payload.
/// Envelopes a node gained since it started, by reconciliation or by the relay: a peer that
/// connects also gets gossip (IHAVE/IWANT) of the messages its peers relayed in the last few
/// seconds, so some missed envelopes may arrive by the relay first. Each is stored once, by
/// whichever path comes first, and counted by that path only.
fn caught_up(status: &WakuStatus) -> u64 {
    status.sync_fetched + status.relayed_in
}

fn batch(topic: &str, t: u64, n: u64, tag: u8) -> Vec<api::Envelope> {
    (0..n)
        .map(|i| {
            let mut payload = vec![tag];
            payload.extend_from_slice(&i.to_le_bytes());
            envelope(topic, t + i, &payload)
        })
        .collect()
}

async fn publish_all(node: &TestNode, envelopes: &[api::Envelope]) {
    for chunk in envelopes.chunks(100) {
        node.publish_grpc(chunk.to_vec()).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_node_fetches_only_what_it_missed_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let c_db = Database::Sqlite(dir.path().join("c.db"));
    let [a, b, c] = line([Database::Memory, Database::Memory, c_db.clone()]).await;
    let topic = m_topic();
    let t = now_ns();
    let seen = batch(&topic, t, 100, 1);
    publish_all(&b, &seen).await;
    status(&c, "C's relayed 100", |s| s.relayed_in >= 100).await;
    c.node.shutdown().await.unwrap();

    // While C is down, B takes 2,000 more.
    let missed = batch(&topic, t + 1_000, 2_000, 2);
    publish_all(&b, &missed).await;
    let c = TestNode::start(config(c_db, vec![addr(&b)], vec![peer_id(&b)])).await;
    let s = status(&c, "C's catching up", |s| {
        s.sync_rounds >= 1 && caught_up(s) >= 2_000
    })
    .await;
    assert_eq!(
        caught_up(&s),
        2_000,
        "only the missing ones, each once: {s:?}"
    );
    assert!(s.sync_fetched >= 1_000, "most by reconciliation: {s:?}");
    assert_eq!((s.sync_refused, s.refused), (0, 0), "{s:?}");
    let all: Vec<api::Envelope> = seen.iter().chain(&missed).cloned().collect();
    assert_eq!(stored(&c, &topic).await, keys(&all));
    let sent = status(&b, "B's sending", |b| b.sync_sent >= s.sync_fetched).await;
    assert!(sent.sync_sent <= 2_000, "{sent:?}");
    let text = c.metrics_text().await;
    let fetched = format!(
        "xmtp_node_waku_sync_envelopes_fetched_total {}",
        s.sync_fetched
    );
    assert!(text.contains(&fetched), "{fetched} missing in\n{text}");
    shutdown([a, b, c]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_that_diverged_converge_both_ways_when_they_connect() {
    let dir = tempfile::tempdir().unwrap();
    let b_db = Database::Sqlite(dir.path().join("b.db"));
    let a = TestNode::start(config(Database::Temporary, vec![], vec![])).await;
    let b = TestNode::start(config(b_db.clone(), vec![], vec![])).await;
    let topic = m_topic();
    let t = now_ns();
    let only_a = batch(&topic, t, 300, 1);
    let only_b = batch(&topic, t + 500, 200, 2);
    let both = batch(&topic, t + 1_000, 50, 3);
    publish_all(&a, &only_a).await;
    publish_all(&b, &only_b).await;
    publish_all(&a, &both).await;
    publish_all(&b, &both).await;
    // An owner-only envelope on A: B does not trust A, so it is not reconciled.
    let contact = format!("/xmtp/0/contact-{}/proto", a.me.wallet);
    a.publish_grpc(vec![envelope(&contact, t, b"bundle")]).await;
    b.node.shutdown().await.unwrap();

    let b = TestNode::start(config(b_db, vec![addr(&a)], vec![])).await;
    let sa = status(&a, "A's catching up", |s| {
        s.sync_rounds >= 1 && caught_up(s) >= 200
    })
    .await;
    let sb = status(&b, "B's catching up", |s| {
        s.sync_rounds >= 1 && caught_up(s) >= 300
    })
    .await;
    assert_eq!(
        (caught_up(&sa), caught_up(&sb)),
        (200, 300),
        "{sa:?} {sb:?}"
    );
    assert_eq!((sa.sync_refused, sb.sync_refused), (0, 0));
    let all: Vec<api::Envelope> = only_a.iter().chain(&only_b).chain(&both).cloned().collect();
    for node in [&a, &b] {
        assert_eq!(stored(node, &topic).await, keys(&all));
    }
    assert!(stored(&b, &contact).await.is_empty());
    shutdown([a, b]).await;
}

/// A CBOR `Fetch` request whose id bytes declare `len` but carry only a few.
fn fetch_frame_declaring(len: u32) -> Vec<u8> {
    let mut frame = vec![0xa1, 0x65];
    frame.extend_from_slice(b"Fetch");
    frame.extend_from_slice(&[0xa1, 0x63]);
    frame.extend_from_slice(b"ids");
    frame.push(0x5a);
    frame.extend_from_slice(&len.to_be_bytes());
    frame
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_sync_frames_get_the_peer_banned() {
    let a = TestNode::start(config(Database::Memory, vec![], vec![])).await;
    let topic = m_topic();
    a.publish_grpc(vec![envelope(&topic, now_ns(), b"kept")])
        .await;
    let cases: [(&str, Vec<u8>); 2] = [
        ("malformed", vec![0xff; 64]),
        ("oversized", {
            let mut frame = fetch_frame_declaring(1024 * 1024);
            frame.resize(200 * 1024, 7);
            frame
        }),
    ];
    for (n, (reason, frame)) in cases.into_iter().enumerate() {
        let hostile = TestNode::start(config(Database::Memory, vec![addr(&a)], vec![])).await;
        status(&a, "A's peer", |s| s.peers == 1).await;
        hostile
            .node
            .waku()
            .unwrap()
            .sync_raw(&peer_id(&a), frame)
            .await;
        let s = status(&a, "A's ban", |s| s.sync_refused > n as u64 && s.peers == 0).await;
        assert_eq!(s.sync_refused, n as u64 + 1, "{s:?}");
        let text = a.metrics_text().await;
        let line = format!("xmtp_node_waku_sync_refused_total{{reason=\"{reason}\"}} 1");
        assert!(text.contains(&line), "{line} missing in\n{text}");
        shutdown([hostile]).await;
    }
    // A still serves clients and honest peers.
    let honest = TestNode::start(config(Database::Memory, vec![addr(&a)], vec![])).await;
    let s = status(&honest, "the honest peer's catching up", |s| {
        s.sync_fetched >= 1
    })
    .await;
    assert_eq!(s.sync_fetched, 1);
    assert_eq!(stored(&honest, &topic).await.len(), 1);
    shutdown([a, honest]).await;
}

/// Node processes with a Waku relay on a loopback port, peered with `peers`, reconciling every
/// second (so relay messages refused for rate are caught up within the test's bounds too).
#[cfg(feature = "cli")]
fn process_flags(peers: &[&str]) -> Vec<String> {
    let mut flags: Vec<String> = [
        "--no-auth",
        "--no-rate-limits",
        "--waku-listen",
        "/ip4/127.0.0.1/tcp/0",
        "--waku-sync-interval",
        "1s",
    ]
    .map(String::from)
    .into();
    for peer in peers {
        flags.extend(["--waku-peer".to_owned(), (*peer).to_owned()]);
    }
    flags
}

#[cfg(feature = "cli")]
fn start_process(db: &std::path::Path, peers: &[&str]) -> common::process::NodeProcess {
    let flags = process_flags(peers);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    common::process::NodeProcess::start(db.to_str().unwrap(), &flags).unwrap()
}

/// Three `xmtp-node` processes peered in a triangle take publish load on every node; one is
/// killed with SIGKILL mid-load and restarted on its database. Afterwards every acknowledged
/// envelope, whichever node acknowledged it, is on every node: by the relay while the nodes are
/// up, by reconciliation for what the killed node missed and what it had not relayed yet.
#[cfg(feature = "cli")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_one_of_three_node_processes_loses_nothing_acknowledged_on_any_node() {
    use common::load::{PublishLoad, connect, stored};

    let dir = tempfile::tempdir().unwrap();
    let (da, db, dc) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    let a = start_process(&da, &[]);
    let b = start_process(&db, &[&a.waku[0]]);
    let c = start_process(&dc, &[&a.waku[0], &b.waku[0]]);
    // Within the reconciliation window (sender timestamps of the last 24 hours).
    let base = now_ns();
    let la = PublishLoad::start_at(&a.grpc_url(), 2, 256, base).await;
    let lb = PublishLoad::start_at(&b.grpc_url(), 2, 256, base).await;
    let lc = PublishLoad::start_at(&c.grpc_url(), 2, 256, base).await;
    lc.until_acked(200).await;
    c.kill9();
    // A and B go on taking load while C is down.
    la.until_acked(la.acked_count() + 200).await;
    lb.until_acked(lb.acked_count() + 200).await;
    let topics: Vec<String> = [&la, &lb, &lc]
        .iter()
        .flat_map(|load| load.topics.clone())
        .collect();
    let mut acked = la.finish().await;
    acked.extend(lb.finish().await);
    acked.extend(lc.finish().await);
    let c = start_process(&dc, &[&a.waku[0], &b.waku[0]]);

    for node in [&a, &b, &c] {
        // What the node holds now, then what it stores next (relayed or fetched envelopes reach
        // its subscribers once): the subscription is registered before the query reads.
        let mut grpc = connect(&node.grpc_url()).await;
        let (_requests, mut live) = common::subscribe2(&mut grpc, topics.clone()).await;
        let converged = async {
            let mut held = stored(&mut grpc, &topics).await;
            while !acked.is_subset(&held) {
                let envelope = live.message().await.unwrap().expect("the stream ended");
                held.insert(common::load::key(&envelope));
            }
            held.len()
        };
        let held = within("every acknowledged envelope on every node", converged).await;
        println!(
            "{}: {held} stored, all {} acknowledged among them",
            node.grpc_url(),
            acked.len()
        );
    }
}

/// A loopback TCP link to `upstream` that the test can cut, closing every connection it
/// carries and refusing new ones (a network partition), and restore.
struct Link {
    addr: std::net::SocketAddr,
    open: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Link {
    async fn to(upstream: std::net::SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (open, _) = tokio::sync::watch::channel(true);
        let watch = open.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                let mut cut = watch.subscribe();
                if !*cut.borrow_and_update() {
                    continue; // dropped: refused while cut
                }
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.wait_for(|open| !*open) => {}
                    }
                });
            }
        });
        Self { addr, open, task }
    }

    fn cut(&self) {
        self.open.send_replace(false);
    }

    fn restore(&self) {
        self.open.send_replace(true);
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The loopback TCP address of `multiaddr` (`/ip4/127.0.0.1/tcp/PORT/p2p/ID`).
fn tcp_addr(multiaddr: &str) -> std::net::SocketAddr {
    let port = multiaddr
        .split("/tcp/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    format!("127.0.0.1:{port}").parse().unwrap()
}

/// `multiaddr` with its TCP port replaced by `port`.
fn via_port(multiaddr: &str, port: u16) -> String {
    let old = tcp_addr(multiaddr).port();
    multiaddr.replace(&format!("/tcp/{old}/"), &format!("/tcp/{port}/"))
}

/// Whether `status` shows `n` connected peers.
fn connected(n: usize) -> impl FnMut(&WakuStatus) -> bool {
    move |s| s.peers == n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partition_heals_and_every_node_ends_with_every_envelope_once() {
    // A–B, and C dials B through a link the test cuts: partition {A, B} | {C}. Every node
    // reconciles with its peers every second, so what C's side took reaches A through B.
    let with_fast_sync = |mut config: NodeConfig| {
        config.waku.as_mut().unwrap().sync_interval = Duration::from_secs(1);
        config
    };
    let a = TestNode::start(with_fast_sync(config(Database::Memory, vec![], vec![]))).await;
    let b = TestNode::start(with_fast_sync(config(
        Database::Temporary,
        vec![addr(&a)],
        vec![],
    )))
    .await;
    let link = Link::to(tcp_addr(&addr(&b))).await;
    let b_via_link = via_port(&addr(&b), link.addr.port());
    let c = TestNode::start(with_fast_sync(config(
        Database::Memory,
        vec![b_via_link],
        vec![],
    )))
    .await;
    status(&b, "B's mesh", |s| s.mesh_peers >= 2).await;
    status(&c, "C's mesh", |s| s.mesh_peers >= 1).await;
    let topic = m_topic();
    let mut on_a = subscribe(&a, &[&topic]).await;
    let mut on_c = subscribe(&c, &[&topic]).await;
    let t = now_ns();
    let before = batch(&topic, t, 10, 1);
    publish_all(&a, &before).await;
    status(&c, "C's first 10", |s| s.relayed_in >= 10).await;

    link.cut();
    status(&c, "C cut off", connected(0)).await;
    status(&b, "B left with A", connected(1)).await;
    let side_ab = batch(&topic, t + 1_000, 300, 2);
    let side_c = batch(&topic, t + 2_000, 200, 3);
    publish_all(&a, &side_ab).await;
    publish_all(&c, &side_c).await;
    status(&b, "B's relayed side", |s| s.relayed_in >= 310).await;

    link.restore();
    let all: Vec<api::Envelope> = before
        .iter()
        .chain(&side_ab)
        .chain(&side_c)
        .cloned()
        .collect();
    // Each node gains what the other side took, by reconciliation or gossip, each once.
    status(&c, "C catching up", |s| caught_up(s) >= 310).await;
    status(&b, "B catching up", |s| caught_up(s) >= 510).await;
    status(&a, "A catching up", |s| caught_up(s) >= 200).await;
    for node in [&a, &b, &c] {
        assert_eq!(
            stored(node, &topic).await,
            keys(&all),
            "every envelope stored"
        );
        let s = node.node.waku().unwrap().status();
        assert_eq!((s.refused, s.sync_refused), (0, 0), "{s:?}");
    }
    // Every envelope reached the subscribers on A and C once, in whatever order, and nothing
    // else came: the end marker published afterwards is next on both.
    for (stream, own) in [(&mut on_a, &side_ab), (&mut on_c, &side_c)] {
        let mut got = Vec::new();
        for _ in 0..all.len() {
            got.push(next(stream).await);
        }
        assert_eq!(keys(&got), keys(&all), "each once ({} own)", own.len());
    }
    let end = envelope(&topic, t + 5_000, b"the end");
    b.publish_grpc(vec![end.clone()]).await;
    for stream in [&mut on_a, &mut on_c] {
        assert_eq!(
            common::load::key(&next(stream).await),
            common::load::key(&end)
        );
    }
    shutdown([a, b, c]).await;
}

/// A raw `/xmtp/sync/1.0.0` client: sends typed requests and reads the answers.
struct RawSyncPeer {
    swarm: libp2p::Swarm<libp2p::request_response::cbor::Behaviour<SyncRequest, SyncResponse>>,
    node: libp2p::PeerId,
}

impl RawSyncPeer {
    async fn connect(addr: &str) -> Self {
        use libp2p::request_response::{self, ProtocolSupport};

        let behaviour = request_response::cbor::Behaviour::new(
            [(
                libp2p::StreamProtocol::new(xmtp_node::waku_sync::PROTOCOL),
                ProtocolSupport::Outbound,
            )],
            request_response::Config::default().with_request_timeout(LIMIT),
        );
        let (swarm, node) = common::connected_swarm(addr, behaviour, LIMIT).await;
        Self { swarm, node }
    }

    fn send(&mut self, request: SyncRequest) -> libp2p::request_response::OutboundRequestId {
        self.swarm.behaviour_mut().send_request(&self.node, request)
    }

    /// Drives the swarm until one of the requests in flight is answered: its id and answer.
    async fn next_answer(&mut self) -> (libp2p::request_response::OutboundRequestId, SyncResponse) {
        use futures_util::StreamExt as _;
        use libp2p::request_response::{Event, Message};
        within("a sync answer", async {
            loop {
                match self.swarm.select_next_some().await {
                    libp2p::swarm::SwarmEvent::Behaviour(Event::Message {
                        message:
                            Message::Response {
                                request_id,
                                response,
                            },
                        ..
                    }) => return (request_id, response),
                    libp2p::swarm::SwarmEvent::Behaviour(Event::OutboundFailure {
                        error, ..
                    }) => panic!("a sync request failed: {error}"),
                    _ => {}
                }
            }
        })
        .await
    }

    async fn ask(&mut self, request: SyncRequest) -> SyncResponse {
        let id = self.send(request);
        let (answered, response) = self.next_answer().await;
        assert_eq!(answered, id);
        response
    }
}

/// A `Fetch` of nothing: the cheapest request a peer can make.
fn empty_fetch() -> SyncRequest {
    SyncRequest::Fetch { ids: Vec::new() }
}

/// A node serving sync on `database`, reconciling on its own only when a peer connects.
fn quiet_sync_config(database: Database) -> NodeConfig {
    let mut config = config(database, vec![], vec![]);
    config.waku.as_mut().unwrap().sync_interval = Duration::from_secs(3600);
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_over_its_sync_request_budget_is_answered_refused_not_banned() {
    let a = TestNode::start(quiet_sync_config(Database::Memory)).await;
    let mut peer = RawSyncPeer::connect(&addr(&a)).await;
    // Two in flight at a time: never more than the node serves at once.
    let (mut sent, mut answered) = (0, 0);
    while sent < 2 {
        peer.send(empty_fetch());
        sent += 1;
    }
    while answered < MAX_REQUESTS_PER_PEER {
        let (_, answer) = peer.next_answer().await;
        assert_eq!(
            answer,
            SyncResponse::Envelopes {
                envelopes: Vec::new()
            },
            "answer {answered}"
        );
        answered += 1;
        if sent < MAX_REQUESTS_PER_PEER {
            peer.send(empty_fetch());
            sent += 1;
        }
    }
    assert_eq!(peer.ask(empty_fetch()).await, SyncResponse::Refused);
    assert_eq!(peer.ask(empty_fetch()).await, SyncResponse::Refused);
    let s = a.node.waku().unwrap().status();
    assert_eq!((s.sync_refused, s.peers), (0, 1), "{s:?}");
    shutdown([a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_third_sync_request_while_two_are_served_is_answered_refused() {
    let (store, mut gate) = common::gate::GatedStore::new(common::gate::Held::Fetch);
    let a = TestNode::start(quiet_sync_config(Database::Custom(store))).await;
    let mut peer = RawSyncPeer::connect(&addr(&a)).await;
    // Two fetches held in the store: both serving places taken.
    let held = [peer.send(empty_fetch()), peer.send(empty_fetch())];
    let drive = async {
        loop {
            use futures_util::StreamExt as _;
            use libp2p::request_response::{Event, Message};
            if let libp2p::swarm::SwarmEvent::Behaviour(Event::Message {
                message: Message::Response { response, .. },
                ..
            }) = peer.swarm.select_next_some().await
            {
                panic!("answered while held: {response:?}");
            }
        }
    };
    tokio::select! {
        () = within("two fetches in the store", gate.entered(2)) => {}
        () = drive => unreachable!(),
    }
    let third = peer.send(empty_fetch());
    assert_eq!(peer.next_answer().await, (third, SyncResponse::Refused));
    gate.open();
    let mut answered = Vec::new();
    for _ in 0..2 {
        let (id, answer) = peer.next_answer().await;
        assert_eq!(
            answer,
            SyncResponse::Envelopes {
                envelopes: Vec::new()
            }
        );
        answered.push(id);
    }
    answered.sort();
    let mut want = held.to_vec();
    want.sort();
    assert_eq!(answered, want);
    // Places free again: served.
    assert!(matches!(
        peer.ask(empty_fetch()).await,
        SyncResponse::Envelopes { .. }
    ));
    assert_eq!(a.node.waku().unwrap().status().sync_refused, 0);
    shutdown([a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_serving_side_reads_its_keys_once_per_reconciliation() {
    // 5,000 envelopes on A: 160 KB of ids, more than two 64 KiB frames, so B's reconciliation
    // with A takes several rounds.
    let (store, _gate) = common::gate::GatedStore::new(common::gate::Held::Query);
    let topic = m_topic();
    let t = now_ns();
    store.insert_envelopes(&batch(&topic, t, 5_000, 1)).await;
    let a = TestNode::start(quiet_sync_config(Database::Custom(store.clone()))).await;
    let mut b_config = quiet_sync_config(Database::Memory);
    b_config.waku.as_mut().unwrap().peers = vec![addr(&a)];
    let b = TestNode::start(b_config).await;
    let s = status(&b, "B's catching up", |s| s.sync_rounds >= 1).await;
    assert_eq!(s.sync_fetched, 5_000, "{s:?}");
    status(&a, "A's own reconciliation", |s| s.sync_rounds >= 1).await;
    // One read for A's own session with B, one for answering all of B's rounds.
    assert_eq!(store.sync_keys_calls(), 2);
    assert_eq!(stored(&b, &topic).await.len(), 5_000);
    shutdown([a, b]).await;
}
