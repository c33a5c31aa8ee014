//! Serving Waku light clients (issue 18; waku.md §4): Store v3, LightPush and Filter, each
//! driven by a small libp2p client in the test against in-process nodes on loopback, and the
//! hostile cases refused with their status. Every wait is on an event (a response, a push, the
//! relay status), bounded by [`LIMIT`].

#![cfg(feature = "waku")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::VecDeque;
use std::time::Duration;

use common::{TestNode, envelope, m_topic, now_ns};
use futures_util::StreamExt as _;
use libp2p::request_response::{self, OutboundRequestId, ProtocolSupport};
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{PeerId, Swarm};
use xmtp_node::waku_light::{
    FILTER_PUSH_PROTOCOL, FILTER_SUBSCRIBE_PROTOCOL, FilterCodec, FilterPushCodec, Frame,
    LIGHTPUSH_PROTOCOL, LightPushCodec, MAX_QUERY_FRAME, STORE_PROTOCOL, StoreCodec, behaviour,
};
use xmtp_node::waku_metadata::{METADATA_PROTOCOL, MetadataCodec, WakuMetadata};
use xmtp_node::{NodeConfig, WakuConfig, WakuStatus};
use xmtp_proto::message_api::v1 as api;
use xmtp_proto::waku::filter::{
    FilterSubscribeRequest, FilterSubscribeResponse, FilterSubscribeType, MessagePush,
};
use xmtp_proto::waku::lightpush::{PushRequest, PushResponse, PushRpc};
use xmtp_proto::waku::store::{StoreQueryRequest, StoreQueryResponse};
use xmtp_proto::waku::{DEFAULT_PUBSUB_TOPIC, WakuMessage};

/// The longest any one wait may take before the test fails.
const LIMIT: Duration = Duration::from_secs(30);

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, future)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

fn config(peers: Vec<String>, light: impl FnOnce(&mut xmtp_node::LightConfig)) -> NodeConfig {
    let mut waku = WakuConfig::default();
    waku.listen = vec!["/ip4/127.0.0.1/tcp/0".into()];
    waku.peers = peers;
    light(&mut waku.light);
    let mut config = NodeConfig::ephemeral();
    config.waku = Some(waku);
    config.rate_limits.enabled = false;
    config
}

fn addr(node: &TestNode) -> String {
    node.node.waku().unwrap().listen_addrs()[0].clone()
}

async fn status(node: &TestNode, what: &str, f: impl FnMut(&WakuStatus) -> bool) -> WakuStatus {
    let peer = node.node.waku().unwrap();
    match tokio::time::timeout(LIMIT, peer.wait_for(f)).await {
        Ok(status) => status.unwrap(),
        Err(_) => panic!("timed out waiting for {what}: {:?}", peer.status()),
    }
}

#[derive(NetworkBehaviour)]
struct Client {
    store: request_response::Behaviour<StoreCodec>,
    lightpush: request_response::Behaviour<LightPushCodec>,
    filter: request_response::Behaviour<FilterCodec>,
    push: request_response::Behaviour<FilterPushCodec>,
}

/// A Waku light client: asks the node, and takes the pushes it dials back with.
struct LightClient {
    swarm: Swarm<Client>,
    node: PeerId,
    pushes: VecDeque<MessagePush>,
}

enum Answer {
    Store(StoreQueryResponse),
    Push(PushRpc),
    Filter(FilterSubscribeResponse),
    /// The node closed the stream without an answer.
    None,
}

/// The request a response or failure event is about, and the answer (`None` for a failure).
fn answer<Req, Resp>(
    event: request_response::Event<Req, Resp>,
    wrap: fn(Resp) -> Answer,
) -> Option<(OutboundRequestId, Answer)> {
    match event {
        request_response::Event::Message {
            message:
                request_response::Message::Response {
                    request_id,
                    response,
                },
            ..
        } => Some((request_id, wrap(response))),
        request_response::Event::OutboundFailure { request_id, .. } => {
            Some((request_id, Answer::None))
        }
        _ => None,
    }
}

impl LightClient {
    async fn connect(addr: &str) -> Self {
        let client = Client {
            store: behaviour(
                StoreCodec::store(),
                STORE_PROTOCOL,
                ProtocolSupport::Outbound,
            ),
            lightpush: behaviour(
                LightPushCodec::lightpush(),
                LIGHTPUSH_PROTOCOL,
                ProtocolSupport::Outbound,
            ),
            filter: behaviour(
                FilterCodec::filter(),
                FILTER_SUBSCRIBE_PROTOCOL,
                ProtocolSupport::Outbound,
            ),
            push: behaviour(
                FilterPushCodec::push(),
                FILTER_PUSH_PROTOCOL,
                ProtocolSupport::Inbound,
            ),
        };
        let (swarm, node) = common::connected_swarm(addr, client, LIMIT).await;
        Self {
            swarm,
            node,
            pushes: VecDeque::new(),
        }
    }

    /// Drives the swarm until `id` is answered (or fails: [`Answer::None`]), keeping pushes.
    async fn answer(&mut self, id: OutboundRequestId) -> Answer {
        within("an answer", async {
            loop {
                let event = self.swarm.select_next_some().await;
                if let Some(answer) = self.on_event(event, Some(id)) {
                    return answer;
                }
            }
        })
        .await
    }

    fn on_event(
        &mut self,
        event: SwarmEvent<ClientEvent>,
        want: Option<OutboundRequestId>,
    ) -> Option<Answer> {
        use request_response::{Event, Message};
        let SwarmEvent::Behaviour(event) = event else {
            return None;
        };
        let (id, answer) = match event {
            ClientEvent::Push(Event::Message {
                message:
                    Message::Request {
                        request, channel, ..
                    },
                ..
            }) => {
                if let Frame::Message(push) = request {
                    self.pushes.push_back(push);
                }
                let _ = self.swarm.behaviour_mut().push.send_response(channel, ());
                return None;
            }
            ClientEvent::Store(e) => answer(e, Answer::Store)?,
            ClientEvent::Lightpush(e) => answer(e, Answer::Push)?,
            ClientEvent::Filter(e) => answer(e, Answer::Filter)?,
            ClientEvent::Push(_) => return None,
        };
        (Some(id) == want).then_some(answer)
    }

    /// Drives the swarm until every Store request of `ids` is answered; the pages by id.
    async fn store_answers(
        &mut self,
        ids: &[OutboundRequestId],
    ) -> std::collections::HashMap<OutboundRequestId, StoreQueryResponse> {
        let mut pages = std::collections::HashMap::new();
        within("the store answers", async {
            while pages.len() < ids.len() {
                if let SwarmEvent::Behaviour(ClientEvent::Store(event)) =
                    self.swarm.select_next_some().await
                    && let Some((id, Answer::Store(page))) = answer(event, Answer::Store)
                    && ids.contains(&id)
                {
                    pages.insert(id, page);
                }
            }
        })
        .await;
        pages
    }

    async fn store(&mut self, request: StoreQueryRequest) -> StoreQueryResponse {
        let id = self
            .swarm
            .behaviour_mut()
            .store
            .send_request(&self.node, Frame::Message(request));
        match self.answer(id).await {
            Answer::Store(response) => response,
            _ => panic!("no store answer"),
        }
    }

    async fn push_raw(&mut self, frame: Frame<PushRpc>) -> Option<PushResponse> {
        let id = self
            .swarm
            .behaviour_mut()
            .lightpush
            .send_request(&self.node, frame);
        match self.answer(id).await {
            Answer::Push(rpc) => Some(rpc.response.unwrap()),
            _ => None,
        }
    }

    async fn push(&mut self, pubsub_topic: &str, message: WakuMessage) -> PushResponse {
        let rpc = PushRpc {
            request_id: "push-1".into(),
            request: Some(PushRequest {
                pubsub_topic: pubsub_topic.into(),
                message: Some(message),
            }),
            response: None,
        };
        self.push_raw(Frame::Message(rpc))
            .await
            .expect("a lightpush answer")
    }

    async fn filter_raw(
        &mut self,
        frame: Frame<FilterSubscribeRequest>,
    ) -> Option<FilterSubscribeResponse> {
        let id = self
            .swarm
            .behaviour_mut()
            .filter
            .send_request(&self.node, frame);
        match self.answer(id).await {
            Answer::Filter(response) => Some(response),
            _ => None,
        }
    }

    /// Asks `kind` for `topics` on the default pubsub topic; returns the status code.
    async fn filter(&mut self, kind: FilterSubscribeType, topics: &[&str]) -> u32 {
        let request = FilterSubscribeRequest {
            request_id: "f-1".into(),
            filter_subscribe_type: kind.into(),
            pubsub_topic: Some(DEFAULT_PUBSUB_TOPIC.into()),
            content_topics: topics.iter().map(|t| (*t).to_owned()).collect(),
        };
        let response = self
            .filter_raw(Frame::Message(request))
            .await
            .expect("a filter answer");
        assert_eq!(response.request_id, "f-1");
        response.status_code
    }

    /// The next message the node pushes.
    async fn next_push(&mut self) -> MessagePush {
        within("a filter push", async {
            loop {
                if let Some(push) = self.pushes.pop_front() {
                    return push;
                }
                let event = self.swarm.select_next_some().await;
                self.on_event(event, None);
            }
        })
        .await
    }
}

/// Asks each `(kind, topics)` in turn and checks its status.
async fn filter_steps(client: &mut LightClient, steps: &[(FilterSubscribeType, &[&str], u32)]) {
    for (kind, topics, status) in steps {
        assert_eq!(
            client.filter(*kind, topics).await,
            *status,
            "{kind:?} {topics:?}"
        );
    }
}

fn query(topic: &str, forward: bool, limit: u64, cursor: Option<Vec<u8>>) -> StoreQueryRequest {
    StoreQueryRequest {
        request_id: "q-1".into(),
        include_data: true,
        pubsub_topic: Some(DEFAULT_PUBSUB_TOPIC.into()),
        content_topics: vec![topic.into()],
        pagination_cursor: cursor,
        pagination_forward: forward,
        pagination_limit: Some(limit),
        ..Default::default()
    }
}

/// Pages `topic` as js-waku does, until an empty page: each page in time order, the cursor the
/// hash of its last message (forward) or its first (backward). Returns the pages.
async fn page_all(client: &mut LightClient, topic: &str, forward: bool) -> Vec<Vec<WakuMessage>> {
    let (mut pages, mut cursor) = (Vec::new(), None);
    loop {
        let page = client.store(query(topic, forward, 2, cursor.take())).await;
        assert_eq!(
            (page.status_code, page.request_id.as_str()),
            (Some(200), "q-1")
        );
        let end = if forward {
            page.messages.last()
        } else {
            page.messages.first()
        };
        let Some(end) = end else {
            return pages;
        };
        cursor = end.message_hash.clone();
        let mut messages = Vec::new();
        for kv in page.messages {
            let message = kv.message.unwrap();
            assert_eq!(
                kv.message_hash.unwrap(),
                message.hash(DEFAULT_PUBSUB_TOPIC).to_vec()
            );
            assert_eq!(kv.pubsub_topic.as_deref(), Some(DEFAULT_PUBSUB_TOPIC));
            messages.push(message);
        }
        pages.push(messages);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lightpush_filter_and_store_round_trip() {
    let a = TestNode::start(config(vec![], |_| {})).await;
    let b = TestNode::start(config(vec![addr(&a)], |_| {})).await;
    status(&a, "A's mesh", |s| s.mesh_peers >= 1).await;
    status(&b, "B's mesh", |s| s.mesh_peers >= 1).await;
    status(&b, "B's first sync", |s| s.sync_rounds >= 1).await;

    let topic = m_topic();
    let mut client = LightClient::connect(&addr(&a)).await;
    filter_steps(
        &mut client,
        &[
            (FilterSubscribeType::SubscriberPing, &[], 404),
            (FilterSubscribeType::Subscribe, &[&topic], 200),
            (FilterSubscribeType::SubscriberPing, &[], 200),
        ],
    )
    .await;
    status(&a, "the subscriber", |s| s.filter_subscribers == 1).await;

    // LightPush: stored on A, relayed to B, pushed back to the subscriber.
    let t0 = now_ns();
    let mut b_stream = b
        .grpc()
        .await
        .subscribe(api::SubscribeRequest {
            content_topics: vec![topic.clone()],
        })
        .await
        .unwrap()
        .into_inner();
    b.await_subscriptions(1.0).await;
    let pushed = WakuMessage::from_parts(&topic, t0, b"by lightpush".to_vec());
    let answer = client.push(DEFAULT_PUBSUB_TOPIC, pushed.clone()).await;
    assert!(answer.is_success, "{answer:?}");
    let push = client.next_push().await;
    assert_eq!(push.waku_message.as_ref(), Some(&pushed));
    assert_eq!(push.pubsub_topic.as_deref(), Some(DEFAULT_PUBSUB_TOPIC));
    let on_b = within("B's copy", b_stream.message())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(on_b, pushed.clone().into_envelope());

    // A client's Publish on A is pushed too, once.
    for (i, payload) in [&b"by grpc"[..], b"by grpc again"].into_iter().enumerate() {
        a.publish_grpc(vec![envelope(&topic, t0 + 1 + i as u64, payload)])
            .await;
        let push = client.next_push().await.waku_message.unwrap();
        assert_eq!(push.payload, payload);
    }

    // A cursor this node has not served (as from another node's page) is found by scanning.
    let mut other = LightClient::connect(&addr(&a)).await;
    let first_hash = pushed.hash(DEFAULT_PUBSUB_TOPIC).to_vec();
    let rest = other.store(query(&topic, true, 10, Some(first_hash))).await;
    assert_eq!(rest.messages.len(), 2);
    assert!(rest.pagination_cursor.is_none(), "not a full page");
    let unknown = other
        .store(query(&topic, true, 10, Some(vec![7; 32])))
        .await;
    assert_eq!(unknown.status_code, Some(400));

    // Store v3, paged by the last hash until an empty page, both ways.
    let payloads = |pages: &[Vec<WakuMessage>]| -> Vec<Vec<Vec<u8>>> {
        pages
            .iter()
            .map(|p| p.iter().map(|m| m.payload.clone()).collect())
            .collect()
    };
    let forward_pages = page_all(&mut client, &topic, true).await;
    let (lp, g1, g2) = (
        b"by lightpush".to_vec(),
        b"by grpc".to_vec(),
        b"by grpc again".to_vec(),
    );
    assert_eq!(
        payloads(&forward_pages),
        [vec![lp.clone(), g1.clone()], vec![g2.clone()]]
    );
    let backward_pages = page_all(&mut client, &topic, false).await;
    assert_eq!(payloads(&backward_pages), [vec![g1, g2], vec![lp]]);
    let forward: Vec<WakuMessage> = forward_pages.concat();
    // By hash and time range.
    let by_hash = other
        .store(StoreQueryRequest {
            message_hashes: vec![forward[1].hash(DEFAULT_PUBSUB_TOPIC).to_vec()],
            ..query(&topic, true, 10, None)
        })
        .await;
    assert_eq!(by_hash.messages.len(), 1);
    assert_eq!(by_hash.messages[0].message.as_ref(), Some(&forward[1]));
    let in_range = other
        .store(StoreQueryRequest {
            time_start: Some((t0 + 1).cast_signed()),
            time_end: Some((t0 + 1).cast_signed()),
            ..query(&topic, true, 10, None)
        })
        .await;
    assert_eq!(in_range.messages.len(), 1);
    // B stored the pushed envelope too (relayed), and serves it.
    let mut on_b = LightClient::connect(&addr(&b)).await;
    let page = on_b.store(query(&topic, true, 10, None)).await;
    assert_eq!(page.messages[0].message.as_ref(), Some(&pushed));

    filter_steps(
        &mut client,
        &[
            (FilterSubscribeType::Unsubscribe, &[&topic], 200),
            (FilterSubscribeType::SubscriberPing, &[], 404),
            (FilterSubscribeType::UnsubscribeAll, &[], 404),
        ],
    )
    .await;
    let s = status(&a, "no subscriber", |s| s.filter_subscribers == 0).await;
    assert_eq!(s.filter_pushed, 3, "each envelope pushed once");
    let metrics = a.metrics_text().await;
    for line in [
        "xmtp_node_waku_light_requests_total{protocol=\"lightpush\",status=\"200\"} 1",
        "xmtp_node_waku_filter_pushed_total 3",
    ] {
        assert!(metrics.contains(line), "{line} not in\n{metrics}");
    }
    a.node.shutdown().await.unwrap();
    b.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_light_requests_are_refused_with_their_status() {
    let node = TestNode::start(config(vec![], |light| {
        light.filter_max_peers = 1;
        light.filter_max_topics_per_peer = 3;
    }))
    .await;
    let mut client = LightClient::connect(&addr(&node)).await;

    // A frame declaring more than the limit: 413, the body unread.
    let mut long = Vec::new();
    prost::encode_length_delimiter(MAX_QUERY_FRAME + 1, &mut long).unwrap();
    long.extend_from_slice(&[0; 16]);
    let id = client
        .swarm
        .behaviour_mut()
        .store
        .send_request(&client.node, Frame::Raw(long));
    match client.answer(id).await {
        Answer::Store(page) => assert_eq!(page.status_code, Some(413)),
        _ => panic!("no answer to an oversized frame"),
    }
    // Not protobuf: 400.
    let answer = client
        .filter_raw(Frame::Raw(vec![3, 0xff, 0xff, 0xff]))
        .await
        .unwrap();
    assert_eq!(answer.status_code, 400);
    // A stream closed before a request: no answer, and the node goes on serving.
    assert!(client.push_raw(Frame::Raw(Vec::new())).await.is_none());
    // Owner-only topics are for trusted peers; other pubsub topics and empty payloads are not
    // served; a payload over 1 MiB is too large.
    let contact = WakuMessage::from_parts("/xmtp/0/contact-0xabc/proto", now_ns(), vec![1]);
    let answer = client.push(DEFAULT_PUBSUB_TOPIC, contact).await;
    assert!(!answer.is_success);
    assert!(answer.info.unwrap().contains("trusted"));
    let ok = WakuMessage::from_parts(&m_topic(), now_ns(), vec![1]);
    assert!(!client.push("/waku/2/rs/1/0", ok.clone()).await.is_success);
    let empty = WakuMessage::from_parts(&m_topic(), now_ns(), vec![]);
    assert!(!client.push(DEFAULT_PUBSUB_TOPIC, empty).await.is_success);
    let big = WakuMessage::from_parts(
        &m_topic(),
        now_ns(),
        vec![1; xmtp_node::MAX_MESSAGE_BYTES + 1],
    );
    let answer = client.push(DEFAULT_PUBSUB_TOPIC, big).await;
    assert!(!answer.is_success && answer.info.unwrap().contains("too long"));
    assert!(client.push(DEFAULT_PUBSUB_TOPIC, ok).await.is_success);

    // Filter: bounded per request, per peer and in total.
    let many: Vec<String> = (0..101).map(|i| format!("/t/{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(
        client.filter(FilterSubscribeType::Subscribe, &many).await,
        400
    );
    assert_eq!(
        client
            .filter(
                FilterSubscribeType::Subscribe,
                &["/t/1", "/t/2", "/t/3", "/t/4"]
            )
            .await,
        503
    );
    filter_steps(
        &mut client,
        &[
            (FilterSubscribeType::Subscribe, &["/t/1", "/t/2"], 200),
            (FilterSubscribeType::Subscribe, &["/t/3", "/t/4"], 503),
            (FilterSubscribeType::Subscribe, &["/t/3"], 200),
        ],
    )
    .await;
    let mut second = LightClient::connect(&addr(&node)).await;
    assert_eq!(
        second
            .filter(FilterSubscribeType::Subscribe, &["/t/1"])
            .await,
        503
    );
    let wrong_pubsub = FilterSubscribeRequest {
        request_id: "x".into(),
        filter_subscribe_type: FilterSubscribeType::Subscribe.into(),
        pubsub_topic: Some("/other".into()),
        content_topics: vec!["/t/1".into()],
    };
    assert_eq!(
        client
            .filter_raw(Frame::Message(wrong_pubsub))
            .await
            .unwrap()
            .status_code,
        400
    );
    // Store: topics required.
    let page = client.store(StoreQueryRequest::default()).await;
    assert_eq!(page.status_code, Some(400));

    let metrics = node.metrics_text().await;
    for line in [
        "xmtp_node_waku_light_requests_total{protocol=\"store\",status=\"413\"} 1",
        "xmtp_node_waku_light_requests_total{protocol=\"filter\",status=\"503\"} 3",
        "xmtp_node_waku_light_requests_total{protocol=\"lightpush\",status=\"403\"} 1",
    ] {
        assert!(metrics.contains(line), "{line} not in\n{metrics}");
    }
    node.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn light_requests_over_the_peer_bucket_are_refused_429() {
    // A clock that stands still: the bucket never refills.
    let clock: std::sync::Arc<dyn xmtp_node::Clock> =
        std::sync::Arc::new(xmtp_node::ManualClock::at_system_now());
    let mut config = config(vec![], |light| {
        light.per_peer = xmtp_node::Bucket {
            capacity: 3,
            per_minute: 1,
        };
    });
    config.clock = clock;
    let node = TestNode::start(config).await;
    let mut client = LightClient::connect(&addr(&node)).await;
    let topic = m_topic();
    for _ in 0..3 {
        assert_eq!(
            client
                .store(query(&topic, true, 10, None))
                .await
                .status_code,
            Some(200)
        );
    }
    assert_eq!(
        client
            .store(query(&topic, true, 10, None))
            .await
            .status_code,
        Some(429)
    );
    assert_eq!(
        client
            .filter(FilterSubscribeType::Subscribe, &[&topic])
            .await,
        429
    );
    node.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_that_cannot_be_dialled_back_is_dropped() {
    let node = TestNode::start(config(vec![], |_| {})).await;
    let topic = m_topic();
    let mut client = LightClient::connect(&addr(&node)).await;
    assert_eq!(
        client
            .filter(FilterSubscribeType::Subscribe, &[&topic])
            .await,
        200
    );
    status(&node, "the subscriber", |s| s.filter_subscribers == 1).await;
    // The client goes away (it listens nowhere), then an envelope matches its subscription.
    drop(client);
    status(&node, "the client gone", |s| s.peers == 0).await;
    node.publish_grpc(vec![envelope(&topic, now_ns(), b"to no one")])
        .await;
    let s = status(&node, "the subscriber dropped", |s| {
        s.filter_subscribers == 0
    })
    .await;
    assert_eq!(s.filter_dropped, 1);
    node.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_that_stops_pinging_is_dropped() {
    let manual = std::sync::Arc::new(xmtp_node::ManualClock::at_system_now());
    let mut config = config(vec![], |_| {});
    config.clock = manual.clone() as std::sync::Arc<dyn xmtp_node::Clock>;
    let node = TestNode::start(config).await;
    let mut client = LightClient::connect(&addr(&node)).await;
    let topic = m_topic();
    assert_eq!(
        client
            .filter(FilterSubscribeType::Subscribe, &[&topic])
            .await,
        200
    );
    // Pinging within the timeout keeps it.
    for _ in 0..2 {
        manual.advance(Duration::from_secs(4 * 60));
        assert_eq!(
            client
                .filter(FilterSubscribeType::SubscriberPing, &[])
                .await,
            200
        );
    }
    // Past 5 minutes without a ping, the node's next tick drops it.
    manual.advance(Duration::from_secs(5 * 60 + 1));
    let s = status(&node, "the subscriber dropped", |s| {
        s.filter_subscribers == 0
    })
    .await;
    assert_eq!(s.filter_dropped, 1);
    assert_eq!(
        client
            .filter(FilterSubscribeType::SubscriberPing, &[])
            .await,
        404
    );
    node.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_v3_hashes_only_the_scan_bound_and_503_past_8_queries_in_flight() {
    use xmtp_node::waku_light::{MAX_QUERIES, MAX_SCAN};

    let (store, mut gate) = common::gate::GatedStore::new(common::gate::Held::Query);
    let topic = m_topic();
    let t = now_ns();
    let messages: Vec<WakuMessage> = (0..=MAX_SCAN as u64)
        .map(|i| WakuMessage::from_parts(&topic, t + i, i.to_le_bytes().to_vec()))
        .collect();
    let envelopes: Vec<api::Envelope> =
        messages.iter().map(|m| m.clone().into_envelope()).collect();
    store.insert_envelopes(&envelopes).await;
    let mut config = config(vec![], |_| {});
    config.database = xmtp_node::Database::Custom(store);
    let node = TestNode::start(config).await;
    let mut client = LightClient::connect(&addr(&node)).await;

    // 8 queries held in the store: the 9th is refused 503 at once.
    let held: Vec<OutboundRequestId> = (0..MAX_QUERIES)
        .map(|_| {
            client
                .swarm
                .behaviour_mut()
                .store
                .send_request(&client.node, Frame::Message(query(&topic, true, 1, None)))
        })
        .collect();
    let drive = async {
        loop {
            if let SwarmEvent::Behaviour(ClientEvent::Store(event)) =
                client.swarm.select_next_some().await
                && let Some((_, Answer::Store(page))) = answer(event, Answer::Store)
            {
                panic!("answered while held: {page:?}");
            }
        }
    };
    tokio::select! {
        () = within("8 queries in the store", gate.entered(MAX_QUERIES)) => {}
        () = drive => unreachable!(),
    }
    let ninth = client.store(query(&topic, true, 1, None)).await;
    assert_eq!(ninth.status_code, Some(503), "{ninth:?}");
    gate.open();
    for (_, page) in client.store_answers(&held).await {
        assert_eq!(page.status_code, Some(200));
        assert_eq!(page.messages.len(), 1);
    }

    // include_data = false: the hashes only, no message and no pubsub topic.
    let hashes_only = client
        .store(StoreQueryRequest {
            include_data: false,
            ..query(&topic, true, 3, None)
        })
        .await;
    assert_eq!(hashes_only.status_code, Some(200));
    let want: Vec<Vec<u8>> = messages[..3]
        .iter()
        .map(|m| m.hash(DEFAULT_PUBSUB_TOPIC).to_vec())
        .collect();
    let got: Vec<Vec<u8>> = hashes_only
        .messages
        .iter()
        .map(|kv| {
            assert_eq!((&kv.message, &kv.pubsub_topic), (&None, &None), "{kv:?}");
            kv.message_hash.clone().unwrap()
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(hashes_only.pagination_cursor, Some(want[2].clone()));

    // A lookup by hash looks through the first MAX_SCAN envelopes of the query: the last of
    // them is found, the one after is not (documented in waku_light's module docs).
    let by_hash = |i: usize| StoreQueryRequest {
        message_hashes: vec![messages[i].hash(DEFAULT_PUBSUB_TOPIC).to_vec()],
        ..query(&topic, true, 10, None)
    };
    let last_scanned = client.store(by_hash(MAX_SCAN - 1)).await;
    assert_eq!(last_scanned.messages.len(), 1);
    assert_eq!(
        last_scanned.messages[0].message.as_ref(),
        Some(&messages[MAX_SCAN - 1])
    );
    let past_the_bound = client.store(by_hash(MAX_SCAN)).await;
    assert_eq!(
        (past_the_bound.status_code, past_the_bound.messages.len()),
        (Some(200), 0)
    );

    let metrics = node.metrics_text().await;
    let line = "xmtp_node_waku_light_requests_total{protocol=\"store\",status=\"503\"} 1";
    assert!(metrics.contains(line), "{line} not in\n{metrics}");
    node.node.shutdown().await.unwrap();
}

/// A peer speaking only the metadata protocol, `support` saying whether it asks, answers or
/// both, naming `cluster` either way.
struct MetadataPeer {
    swarm: Swarm<request_response::Behaviour<MetadataCodec>>,
    node: PeerId,
    cluster: u32,
}

impl MetadataPeer {
    async fn connect(addr: &str, support: ProtocolSupport, cluster: u32) -> Self {
        let behaviour = behaviour(MetadataCodec::metadata(), METADATA_PROTOCOL, support);
        let (swarm, node) = common::connected_swarm(addr, behaviour, LIMIT).await;
        Self {
            swarm,
            node,
            cluster,
        }
    }

    fn ours(&self) -> WakuMetadata {
        WakuMetadata {
            cluster_id: Some(self.cluster),
            shards: vec![0],
        }
    }

    /// Drives the swarm, answering the node's requests, until `stop` holds for an event.
    async fn until(
        &mut self,
        mut stop: impl FnMut(
            &SwarmEvent<request_response::Event<Frame<WakuMetadata>, WakuMetadata>>,
        ) -> bool,
    ) -> SwarmEvent<request_response::Event<Frame<WakuMetadata>, WakuMetadata>> {
        within("a metadata event", async {
            loop {
                let event = self.swarm.select_next_some().await;
                if let SwarmEvent::Behaviour(request_response::Event::Message {
                    message: request_response::Message::Request { channel, .. },
                    ..
                }) = event
                {
                    let ours = self.ours();
                    let _ = self.swarm.behaviour_mut().send_response(channel, ours);
                    continue;
                }
                if stop(&event) {
                    return event;
                }
            }
        })
        .await
    }

    /// Asks the node; its answer.
    async fn ask(&mut self) -> WakuMetadata {
        let ours = self.ours();
        let id = self
            .swarm
            .behaviour_mut()
            .send_request(&self.node, Frame::Message(ours));
        let event = self
            .until(|e| {
                matches!(e, SwarmEvent::Behaviour(request_response::Event::Message {
                    message: request_response::Message::Response { request_id, .. },
                    ..
                }) if *request_id == id)
            })
            .await;
        match event {
            SwarmEvent::Behaviour(request_response::Event::Message {
                message: request_response::Message::Response { response, .. },
                ..
            }) => response,
            _ => unreachable!(),
        }
    }

    async fn disconnected(&mut self) {
        self.until(|e| matches!(e, SwarmEvent::ConnectionClosed { .. }))
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_names_the_cluster_and_peers_of_another_cluster_are_disconnected() {
    let mut config = config(vec![], |_| {});
    config.waku.as_mut().unwrap().pubsub_topic = "/waku/2/rs/3/5".into();
    let node = TestNode::start(config).await;

    // Same cluster, asking and answering: told the node's cluster and shard, and kept.
    let mut same = MetadataPeer::connect(&addr(&node), ProtocolSupport::Full, 3).await;
    let answer = same.ask().await;
    assert_eq!((answer.cluster_id, answer.shards), (Some(3), vec![5]));
    // Another cluster, only asking: answered (the node waits a moment before it disconnects, so
    // the answer arrives), then disconnected.
    let mut asking = MetadataPeer::connect(&addr(&node), ProtocolSupport::Outbound, 7).await;
    let question = Frame::Message(asking.ours());
    let node_id = asking.node;
    asking
        .swarm
        .behaviour_mut()
        .send_request(&node_id, question);
    let mut answered = None;
    asking
        .until(|e| {
            if let SwarmEvent::Behaviour(request_response::Event::Message {
                message: request_response::Message::Response { response, .. },
                ..
            }) = e
            {
                answered = Some(response.cluster_id);
            }
            matches!(e, SwarmEvent::ConnectionClosed { .. })
        })
        .await;
    assert_eq!(answered, Some(Some(3)));
    // Another cluster, only answering the node's question: disconnected.
    let mut answering = MetadataPeer::connect(&addr(&node), ProtocolSupport::Inbound, 7).await;
    answering.disconnected().await;
    // The peer of the same cluster stays.
    status(&node, "both refused", |s| {
        s.other_cluster == 2 && s.peers == 1
    })
    .await;
    assert_eq!(same.ask().await.cluster_id, Some(3));
    let metrics = node.metrics_text().await;
    let line = "xmtp_node_waku_metadata_other_cluster_total 2";
    assert!(metrics.contains(line), "{line} not in\n{metrics}");
    node.node.shutdown().await.unwrap();
}
