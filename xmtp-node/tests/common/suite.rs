//! The node's end-to-end suite, generic over the storage backend.
//!
//! Every case takes a base [`NodeConfig`] (from a backend's factory), adjusts what it needs
//! (auth, limits, queue size), starts the real node in-process on ephemeral loopback ports and
//! talks to it over gRPC (tonic) and HTTP (reqwest). Topics are unique per case, so cases may
//! share one database.
//!
//! A backend runs the suite with `node_suite!(async_factory_fn);` in its own `tests/*.rs` file
//! (one `#[tokio::test]` per case), or all cases in one test with [`run_suite`].

use std::future::Future;
use std::io::Read as _;
use std::sync::Arc;
use std::time::Duration;

use tonic::transport::Channel;
use xmtp_node::{ManualClock, NodeConfig};
use xmtp_proto::Message;
use xmtp_proto::message_api::v1 as api;

use super::*;

fn query(topics: &[&str], limit: u32, direction: api::SortDirection) -> api::QueryRequest {
    api::QueryRequest {
        content_topics: topics.iter().map(|t| (*t).to_owned()).collect(),
        start_time_ns: 0,
        end_time_ns: 0,
        paging_info: Some(api::PagingInfo {
            limit,
            cursor: None,
            direction: direction as i32,
        }),
    }
}

/// A tiny deterministic generator: the suite must not depend on a random crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

/// Publish over gRPC, read back over HTTP in the gateway's exact JSON, and over gRPC.
pub async fn publish_and_query_over_both_transports(config: NodeConfig) {
    let n = TestNode::start(config).await;
    let topic = m_topic();
    n.publish_grpc(vec![envelope(
        &topic,
        1_690_000_001_000_000_000,
        &[0xfb, 0xff],
    )])
    .await;
    let body = format!(
        r#"{{"contentTopics":["{topic}"],"pagingInfo":{{"limit":100,"direction":"SORT_DIRECTION_ASCENDING"}}}}"#
    );
    // No Content-Type (the SDK sends text/plain): parsed as JSON anyway.
    let (status, headers, text) = n.post("/message/v1/query", body, &[]).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(
        text,
        format!(
            r#"{{"envelopes":[{{"contentTopic":"{topic}","timestampNs":"1690000001000000000","message":"+/8="}}],"pagingInfo":{{"limit":0,"cursor":null,"direction":"SORT_DIRECTION_ASCENDING"}}}}"#
        )
    );
    let mut grpc = n.grpc().await;
    let response = grpc
        .query(query(&[&topic], 0, api::SortDirection::Unspecified))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        response.envelopes,
        vec![envelope(&topic, 1_690_000_001_000_000_000, &[0xfb, 0xff])]
    );
    let paging = response.paging_info.unwrap();
    assert_eq!(paging.direction, api::SortDirection::Descending as i32);
    assert_eq!((paging.limit, paging.cursor), (0, None));

    // Publish over HTTP too, with the SDK's string timestamps and base64.
    let (status, body) = n
        .post_json(
            "/message/v1/publish",
            serde_json::json!({"envelopes":[{"contentTopic": topic, "timestampNs": "5", "message": b64(b"hi")}]}),
        )
        .await;
    assert_eq!((status, body), (200, serde_json::json!({})));
    let (_, body) = n
        .post_json(
            "/message/v1/query",
            serde_json::json!({"contentTopics":[topic], "pagingInfo":{"direction":1}}),
        )
        .await;
    assert_eq!(body["envelopes"][0]["timestampNs"], "5");
    assert_eq!(body["envelopes"][0]["message"], b64(b"hi"));
    n.node.shutdown().await.unwrap();
}

/// Keyset paging in both directions, with bounds, over several topics, against a sorted model.
pub async fn paging_matches_a_sorted_model(config: NodeConfig) {
    let n = TestNode::start(config).await;
    let topics = [m_topic(), m_topic()];
    let mut rng = Lcg(42);
    let mut model: Vec<api::Envelope> = Vec::new();
    let mut batch = Vec::new();
    for i in 0..180u64 {
        // Few distinct timestamps, so ties are ordered by digest.
        let e = envelope(
            &topics[(i % 2) as usize],
            1_000 + rng.next(40),
            &i.to_be_bytes(),
        );
        model.push(e.clone());
        batch.push(e);
        if batch.len() == 45 {
            n.publish_grpc(std::mem::take(&mut batch)).await;
        }
    }
    let key = |e: &api::Envelope| (e.timestamp_ns, digest(&e.content_topic, &e.message));
    let mut grpc = n.grpc().await;
    for (topic_set, start, end, limit, direction) in [
        (vec![&topics[0]], 0, 0, 7, api::SortDirection::Ascending),
        (
            vec![&topics[0], &topics[1]],
            0,
            0,
            13,
            api::SortDirection::Descending,
        ),
        (
            vec![&topics[1]],
            1_010,
            1_030,
            4,
            api::SortDirection::Ascending,
        ),
        (
            vec![&topics[0], &topics[1]],
            1_005,
            0,
            100,
            api::SortDirection::Unspecified,
        ),
        (
            vec![&topics[0], &topics[1]],
            0,
            1_020,
            9,
            api::SortDirection::Ascending,
        ),
    ] {
        let mut expected: Vec<&api::Envelope> = model
            .iter()
            .filter(|e| topic_set.contains(&&e.content_topic))
            .filter(|e| start == 0 || e.timestamp_ns >= start)
            .filter(|e| end == 0 || e.timestamp_ns <= end)
            .collect();
        expected.sort_by_key(|e| key(e));
        if direction != api::SortDirection::Ascending {
            expected.reverse();
        }
        let mut request = api::QueryRequest {
            content_topics: topic_set.iter().map(|t| (*t).clone()).collect(),
            start_time_ns: start,
            end_time_ns: end,
            paging_info: Some(api::PagingInfo {
                limit,
                cursor: None,
                direction: direction as i32,
            }),
        };
        let mut got = Vec::new();
        let mut pages = 0;
        loop {
            let response = grpc.query(request.clone()).await.unwrap().into_inner();
            pages += 1;
            let full = response.envelopes.len() == limit as usize;
            got.extend(response.envelopes);
            let cursor = response.paging_info.unwrap().cursor;
            assert_eq!(cursor.is_some(), full, "a cursor exactly on full pages");
            if cursor.is_none() {
                break;
            }
            request.paging_info.as_mut().unwrap().cursor = cursor;
        }
        assert_eq!(got, expected.into_iter().cloned().collect::<Vec<_>>());
        assert_eq!(pages, got.len() / limit as usize + 1);
    }
    n.node.shutdown().await.unwrap();
}

/// §4.5/4.6 validation over HTTP (status, JSON error body) and gRPC (status code).
pub async fn query_errors(config: NodeConfig) {
    let n = TestNode::start(config).await;
    let topic = m_topic();
    let prefs = format!("/xmtp/0/userpreferences-{}/proto", unique("p"));
    let cases = [
        (serde_json::json!({}), 400, 3, "content topics required"),
        (
            serde_json::json!({"contentTopics":[topic], "pagingInfo":{"limit":101}}),
            400,
            3,
            "cannot exceed 100 rows per query",
        ),
        (
            serde_json::json!({"contentTopics":[prefs, topic], "pagingInfo":{"limit":500}}),
            400,
            3,
            "cannot exceed 100 rows per query",
        ),
        (
            serde_json::json!({"contentTopics":[topic], "pagingInfo":{"cursor":{}}}),
            400,
            3,
            "cursor is empty",
        ),
    ];
    for (body, http, code, message) in cases {
        let (status, error) = n.post_json("/message/v1/query", body.clone()).await;
        assert_eq!(status, http, "{body}");
        assert_eq!(
            error,
            serde_json::json!({"code": code, "message": message, "details": []})
        );
    }
    let (status, ok) = n
        .post_json(
            "/message/v1/query",
            serde_json::json!({"contentTopics":[prefs], "pagingInfo":{"limit":500}}),
        )
        .await;
    assert_eq!(
        (status, ok["envelopes"].clone()),
        (200, serde_json::json!([]))
    );

    // Malformed JSON and protobuf bodies.
    let (status, _, text) = n.post("/message/v1/query", "{not json", &[]).await;
    assert_eq!(status, 400);
    let error: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(error["code"], 3);
    let (status, _, _) = n
        .post(
            "/message/v1/query",
            vec![0xff, 0xff, 0xff],
            &[("content-type", "application/x-protobuf")],
        )
        .await;
    assert_eq!(status, 400);

    // Batch: more than 50 refused; an empty batch is an empty list; sub-query errors surface.
    let many: Vec<_> = (0..51)
        .map(|_| serde_json::json!({"contentTopics":[topic]}))
        .collect();
    let (status, error) = n
        .post_json(
            "/message/v1/batch-query",
            serde_json::json!({ "requests": many }),
        )
        .await;
    assert_eq!(
        (status, error["message"].as_str().unwrap()),
        (400, "cannot exceed 50 requests in single batch")
    );
    let (status, _, text) = n.post("/message/v1/batch-query", "", &[]).await;
    assert_eq!((status, text.as_str()), (200, r#"{"responses":[]}"#));
    let (status, _) = n
        .post_json(
            "/message/v1/batch-query",
            serde_json::json!({"requests":[{"contentTopics":[topic]}, {"contentTopics":[]}]}),
        )
        .await;
    assert_eq!(status, 400);

    let mut grpc = n.grpc().await;
    let err = grpc
        .query(query(&[], 0, api::SortDirection::Ascending))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    let err = grpc
        .query(query(&[&topic], 101, api::SortDirection::Ascending))
        .await
        .unwrap_err();
    assert_eq!(err.message(), "cannot exceed 100 rows per query");
    let err = grpc
        .batch_query(api::BatchQueryRequest {
            requests: vec![query(&[&topic], 1, api::SortDirection::Ascending); 51],
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    n.node.shutdown().await.unwrap();
}

/// BatchQuery answers in request order, one response per sub-query.
pub async fn batch_query_in_order(config: NodeConfig) {
    let n = TestNode::start(config).await;
    let (a, b) = (m_topic(), m_topic());
    n.publish_grpc(vec![
        envelope(&a, 1, b"a1"),
        envelope(&b, 2, b"b1"),
        envelope(&a, 3, b"a2"),
    ])
    .await;
    let mut grpc = n.grpc().await;
    let response = grpc
        .batch_query(api::BatchQueryRequest {
            requests: vec![
                query(&[&b], 10, api::SortDirection::Ascending),
                query(&[&a], 1, api::SortDirection::Ascending),
                query(&[&a], 10, api::SortDirection::Descending),
            ],
        })
        .await
        .unwrap()
        .into_inner();
    let messages: Vec<Vec<Vec<u8>>> = response
        .responses
        .iter()
        .map(|r| r.envelopes.iter().map(|e| e.message.clone()).collect())
        .collect();
    assert_eq!(
        messages,
        vec![
            vec![b"b1".to_vec()],
            vec![b"a1".to_vec()],
            vec![b"a2".to_vec(), b"a1".to_vec()]
        ]
    );
    assert!(
        response.responses[1]
            .paging_info
            .as_ref()
            .unwrap()
            .cursor
            .is_some()
    );
    let (status, body) = n
        .post_json(
            "/message/v1/batch-query",
            serde_json::json!({"requests":[{"contentTopics":[a], "pagingInfo":{"limit":1,"direction":"SORT_DIRECTION_ASCENDING"}}]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["responses"][0]["pagingInfo"]["cursor"]["index"]["digest"],
        b64(&digest(&a, b"a1"))
    );
    assert_eq!(
        body["responses"][0]["pagingInfo"]["cursor"]["index"]["senderTimeNs"],
        "1"
    );
    // The SDK echoes the JSON cursor back unchanged to get the next page.
    let paging = serde_json::json!({
        "limit": 1,
        "direction": "SORT_DIRECTION_ASCENDING",
        "cursor": body["responses"][0]["pagingInfo"]["cursor"].clone(),
    });
    let (status, page) = n
        .post_json(
            "/message/v1/query",
            serde_json::json!({"contentTopics":[a], "pagingInfo": paging}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["envelopes"][0]["message"], b64(b"a2"));
    assert_eq!(page["envelopes"].as_array().unwrap().len(), 1);
    n.node.shutdown().await.unwrap();
}

/// Auth and topic authorisation (§3): 401 + WWW-Authenticate, code 16, restricted topics, the
/// deny list; queries need no token.
pub async fn publish_auth_errors(mut config: NodeConfig) {
    let denied = Identity::new();
    config.auth.deny = vec![denied.wallet.to_lowercase()];
    let n = TestNode::start(config).await;
    let topic = m_topic();
    let body = serde_json::json!({"envelopes":[{"contentTopic": topic, "timestampNs": "1", "message": "AA=="}]})
        .to_string();

    let (status, headers, text) = n.post("/message/v1/publish", body.clone(), &[]).await;
    assert_eq!(status, 401);
    assert_eq!(
        headers["www-authenticate"],
        "authorization token is not provided"
    );
    assert_eq!(
        text,
        r#"{"code":16,"message":"authorization token is not provided","details":[]}"#
    );

    let expired = Identity::expired();
    let (status, _, text) = n
        .post(
            "/message/v1/publish",
            body.clone(),
            &[("authorization", &expired.token)],
        )
        .await;
    assert_eq!(status, 401);
    assert!(text.contains("token expired"), "{text}");
    let (status, _, _) = n
        .post(
            "/message/v1/publish",
            body.clone(),
            &[("authorization", "Bearer AAAA")],
        )
        .await;
    assert_eq!(status, 401);

    let other = Identity::new();
    for restricted in [
        format!("/xmtp/0/contact-{}/proto", other.wallet),
        format!("/xmtp/0/privatestore-{}/key_bundle/proto", other.wallet),
    ] {
        let (status, error) = n
            .post_json(
                "/message/v1/publish",
                serde_json::json!({"envelopes":[{"contentTopic": restricted, "message": "AA=="}]}),
            )
            .await;
        assert_eq!(status, 403);
        assert_eq!(error["message"], "publishing to restricted topic");
    }
    let own = format!("/xmtp/0/contact-{}/proto", n.me.wallet);
    let (status, _) = n
        .post_json(
            "/message/v1/publish",
            serde_json::json!({"envelopes":[{"contentTopic": own, "message": "AA=="}]}),
        )
        .await;
    assert_eq!(status, 200);

    let (status, _, text) = n
        .post(
            "/message/v1/publish",
            body.clone(),
            &[("authorization", &denied.token)],
        )
        .await;
    assert_eq!(status, 403);
    assert!(text.contains("wallet is deny listed"));

    let mut grpc = n.grpc().await;
    let err = grpc
        .publish(api::PublishRequest {
            envelopes: vec![envelope(&topic, 1, b"x")],
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unauthenticated);
    // Nothing was stored by the refused calls; queries need no token.
    let response = grpc
        .query(query(&[&topic], 0, api::SortDirection::Ascending))
        .await
        .unwrap()
        .into_inner();
    assert!(response.envelopes.is_empty());
    n.node.shutdown().await.unwrap();
}

/// Size limits (§4.2), dedupe (§4.4) and atomicity of a refused request.
pub async fn publish_limits_and_dedupe(config: NodeConfig) {
    let n = TestNode::start(config).await;
    let topic = m_topic();
    let mut grpc = n.grpc().await;
    let long_topic = format!("/xmtp/0/m-{}/proto", "x".repeat(290));
    let err = grpc
        .publish(n.authed(api::PublishRequest {
            envelopes: vec![envelope(&topic, 1, b"ok"), envelope(&long_topic, 1, b"x")],
        }))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.message()),
        (tonic::Code::InvalidArgument, "topic length too big")
    );
    let err = grpc
        .publish(n.authed(api::PublishRequest {
            envelopes: vec![envelope(
                &topic,
                2,
                &vec![0; xmtp_node::MAX_MESSAGE_BYTES + 1],
            )],
        }))
        .await
        .unwrap_err();
    assert_eq!(err.message(), "message too big");
    // The whole refused request stored nothing.
    let stored = grpc
        .query(query(&[&topic], 0, api::SortDirection::Ascending))
        .await
        .unwrap()
        .into_inner();
    assert!(stored.envelopes.is_empty());
    // The biggest allowed message passes, over HTTP too.
    let (status, _) = n
        .post_json(
            "/message/v1/publish",
            serde_json::json!({"envelopes":[{"contentTopic": topic, "timestampNs":"3", "message": b64(&vec![7; xmtp_node::MAX_MESSAGE_BYTES])}]}),
        )
        .await;
    assert_eq!(status, 200);
    // Same topic, payload and timestamp: stored once; another timestamp: twice.
    let dup = envelope(&topic, 9, b"dup");
    n.publish_grpc(vec![dup.clone(), dup.clone()]).await;
    n.publish_grpc(vec![dup.clone(), envelope(&topic, 10, b"dup")])
        .await;
    let stored = grpc
        .query(query(&[&topic], 0, api::SortDirection::Ascending))
        .await
        .unwrap()
        .into_inner();
    let ts: Vec<u64> = stored.envelopes.iter().map(|e| e.timestamp_ns).collect();
    assert_eq!(ts, vec![3, 9, 10]);
    n.node.shutdown().await.unwrap();
}

/// HTTP Subscribe: headers at once, exact frames, ephemeral topics relayed but not stored,
/// duplicates relayed, client disconnect unsubscribes.
pub async fn http_subscribe(config: NodeConfig) {
    let n = TestNode::start(config).await;
    let topic = m_topic();
    let ephemeral = topic.replace("/m-", "/mE-");
    let response = n
        .http
        .post(format!("{}/message/v1/subscribe", n.base))
        .body(serde_json::json!({"contentTopics":[topic, ephemeral]}).to_string())
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    // Headers arrived before any envelope was published.
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["grpc-metadata-subscribed"], "true");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(response.headers().get("content-encoding").is_none());
    let mut lines = Lines::new(response);
    n.await_subscriptions(1.0).await;

    let dup = envelope(&topic, 7, b"m");
    n.publish_grpc(vec![dup.clone(), envelope(&ephemeral, 8, b"e")])
        .await;
    n.publish_grpc(vec![dup]).await;
    n.publish_grpc(vec![envelope(&m_topic(), 1, b"elsewhere")])
        .await;
    let frame = |t: &str, ts: u64, m: &[u8]| {
        format!(
            r#"{{"result":{{"contentTopic":"{t}","timestampNs":"{ts}","message":"{}"}}}}"#,
            b64(m)
        )
    };
    assert_eq!(lines.next().await.unwrap(), frame(&topic, 7, b"m"));
    assert_eq!(lines.next().await.unwrap(), frame(&ephemeral, 8, b"e"));
    assert_eq!(lines.next().await.unwrap(), frame(&topic, 7, b"m"));

    let mut grpc = n.grpc().await;
    let stored = grpc
        .query(query(
            &[&topic, &ephemeral],
            0,
            api::SortDirection::Ascending,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        stored.envelopes.len(),
        1,
        "ephemeral envelopes are never stored"
    );

    drop(lines);
    n.await_subscriptions(0.0).await;
    n.node.shutdown().await.unwrap();
}

/// gRPC Subscribe (with the `subscribed` header), Subscribe2 replacing topics, SubscribeAll's
/// filter, and `*` being an ordinary topic.
pub async fn grpc_subscriptions(config: NodeConfig) {
    let n = TestNode::start(config).await;
    let (a, b) = (m_topic(), m_topic());
    let mut grpc = n.grpc().await;

    let response = grpc
        .subscribe(api::SubscribeRequest {
            content_topics: vec![a.clone(), "*".into()],
        })
        .await
        .unwrap();
    assert_eq!(response.metadata().get("subscribed").unwrap(), "true");
    let mut sub = response.into_inner();

    let (tx, mut sub2) = subscribe2(&mut grpc, vec![a.clone()]).await;
    let mut all = grpc
        .subscribe_all(api::SubscribeAllRequest {})
        .await
        .unwrap()
        .into_inner();
    n.await_subscriptions(3.0).await;

    n.publish_grpc(vec![envelope(&a, 1, b"1")]).await;
    n.publish_grpc(vec![envelope("not-xmtp", 1, b"2")]).await;
    assert_eq!(sub.message().await.unwrap().unwrap().message, b"1");
    assert_eq!(sub2.message().await.unwrap().unwrap().message, b"1");
    assert_eq!(next_on(&mut all, &[&a, &b]).await.message, b"1");

    // Replace Subscribe2's topics with `b` (and a probe topic). The node does not acknowledge
    // the change: it has applied it once a probe published on the probe topic arrives.
    let probe = m_topic();
    tx.send(api::SubscribeRequest {
        content_topics: vec![b.clone(), probe.clone()],
    })
    .await
    .unwrap();
    let probing = async {
        loop {
            n.publish_grpc(vec![envelope(&probe, 0, b"probe")]).await;
        }
    };
    tokio::select! {
        got = sub2.message() => assert_eq!(got.unwrap().unwrap().content_topic, probe),
        () = probing => {}
    }
    n.publish_grpc(vec![envelope(&a, 2, b"3"), envelope(&b, 2, b"4")])
        .await;
    // Probes published before the first one arrived may follow it.
    assert_eq!(next_on(&mut sub2, &[&a, &b]).await.message, b"4");
    assert_eq!(sub.message().await.unwrap().unwrap().message, b"3");
    // `*` is a literal topic, not "everything": `sub` gets the `*` envelope and never `b`'s.
    n.publish_grpc(vec![envelope("*", 3, b"star")]).await;
    assert_eq!(sub.message().await.unwrap().unwrap().message, b"star");
    assert_eq!(next_on(&mut all, &[&a, &b]).await.message, b"3");
    assert_eq!(next_on(&mut all, &[&a, &b]).await.message, b"4");

    drop((sub, sub2, all, tx));
    n.await_subscriptions(0.0).await;
    n.node.shutdown().await.unwrap();
}

/// Subscribe2 answers (headers with `subscribed: true`) only once its first request's topics are
/// registered: no answer while the client has sent nothing, and an envelope published as soon
/// as the answer arrives is delivered. (Before, the answer came at once and the topics were
/// applied later by another task, so the first envelopes could be lost.)
pub async fn subscribe2_registers_before_answering(config: NodeConfig) {
    let n = TestNode::start(config).await;
    let topic = m_topic();
    let mut grpc = n.grpc().await;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let mut call = tokio::spawn(async move {
        grpc.subscribe2(tokio_stream::wrappers::ReceiverStream::new(rx))
            .await
    });
    // Absence can only be observed for a while: the old node answered within a millisecond.
    let early = tokio::time::timeout(Duration::from_millis(300), &mut call).await;
    assert!(early.is_err(), "Subscribe2 answered before any request");
    tx.send(api::SubscribeRequest {
        content_topics: vec![topic.clone()],
    })
    .await
    .unwrap();
    let response = call.await.unwrap().unwrap();
    assert_eq!(response.metadata().get("subscribed").unwrap(), "true");
    let mut stream = response.into_inner();
    n.publish_grpc(vec![envelope(&topic, 1, b"at once")]).await;
    assert_eq!(stream.message().await.unwrap().unwrap().message, b"at once");
    drop((stream, tx));
    n.await_subscriptions(0.0).await;
    n.node.shutdown().await.unwrap();
}

/// A subscriber that stops reading is closed with RESOURCE_EXHAUSTED; others are unaffected.
pub async fn slow_subscriber_is_closed(mut config: NodeConfig) {
    config.subscriber_queue = 4;
    config.auth.enabled = false;
    config.rate_limits.enabled = false;
    let n = TestNode::start(config).await;
    let topic = m_topic();
    let mut grpc = n.grpc().await;
    let mut slow = grpc
        .subscribe(api::SubscribeRequest {
            content_topics: vec![topic.clone()],
        })
        .await
        .unwrap()
        .into_inner();
    let http = n
        .http
        .post(format!("{}/message/v1/subscribe", n.base))
        .body(serde_json::json!({"contentTopics":[topic]}).to_string())
        .send()
        .await
        .unwrap();
    let mut fast = Lines::new(http);
    let slow_http = n
        .http
        .post(format!("{}/message/v1/subscribe", n.base))
        .body(serde_json::json!({"contentTopics":[topic]}).to_string())
        .send()
        .await
        .unwrap();
    n.await_subscriptions(3.0).await;
    // 64 × 256 KiB overflows the transport's buffers and then the 4-slot queue.
    let big = vec![1u8; 256 * 1024];
    for i in 0..64u64 {
        n.publish_grpc(vec![envelope(&topic, i, &big)]).await;
        assert!(fast.next().await.unwrap().starts_with("{\"result\":"));
    }
    let mut received = 0;
    let status = loop {
        match slow.message().await {
            Ok(Some(_)) => received += 1,
            Ok(None) => panic!("stream ended without a status"),
            Err(status) => break status,
        }
    };
    assert!(received < 64, "received {received}");
    assert_eq!(status.code(), tonic::Code::ResourceExhausted);
    assert!(
        status.message().contains("too far behind"),
        "{}",
        status.message()
    );
    // The slow HTTP reader gets what was queued, then one error frame, then the end.
    let mut slow_http = Lines::new(slow_http);
    let mut lines = Vec::new();
    while let Some(line) = slow_http.next().await {
        lines.push(line);
    }
    let last = lines.pop().unwrap();
    assert!(lines.len() < 64 && lines.iter().all(|l| l.starts_with("{\"result\":")));
    let error: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(error["error"]["code"], 8, "{last}");
    assert_eq!(error["error"]["details"], serde_json::json!([]));
    assert!(n.metric("xmtp_node_slow_subscribers_closed_total").await >= 2.0);
    n.await_subscriptions(1.0).await;
    n.node.shutdown().await.unwrap();
    // Shutdown ends the remaining HTTP stream cleanly.
    assert_eq!(fast.next().await, None);
}

/// Per-IP token buckets: RESOURCE_EXHAUSTED / 429 with the reference's message; allow-listed
/// wallets get the bigger priority buckets; an over-size body is 429 too.
pub async fn rate_limits(mut config: NodeConfig) {
    let vip = Identity::new();
    config.auth.allow = vec![vip.wallet.clone()];
    config.rate_limits.enabled = true;
    config.rate_limits.publish.capacity = 3;
    config.rate_limits.publish.per_minute = 1;
    config.rate_limits.general.capacity = 4;
    config.rate_limits.general.per_minute = 1;
    config.max_request_bytes = 64 * 1024;
    // The buckets refill by the node's clock: standing still, none refills however slowly the
    // test runs.
    config.clock = Arc::new(ManualClock::at_system_now());
    let n = TestNode::start(config).await;
    let topic = m_topic();
    n.publish_grpc(vec![envelope(&topic, 1, b"1"), envelope(&topic, 2, b"2")])
        .await;
    let err = n
        .grpc()
        .await
        .publish(n.authed(api::PublishRequest {
            envelopes: vec![envelope(&topic, 3, b"3"), envelope(&topic, 4, b"4")],
        }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::ResourceExhausted);
    assert_eq!(err.message(), "2 exceeds rate limit R127.0.0.1PUB");
    // The general bucket: a batch of 3 costs 3, then one query is left.
    let q = serde_json::json!({"contentTopics":[topic]});
    let (status, _) = n
        .post_json(
            "/message/v1/batch-query",
            serde_json::json!({"requests":[q, q, q]}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = n.post_json("/message/v1/query", q.clone()).await;
    assert_eq!(status, 200);
    let (status, error) = n.post_json("/message/v1/query", q.clone()).await;
    assert_eq!((status, error["code"].as_i64()), (429, Some(8)));
    assert_eq!(error["message"], "1 exceeds rate limit R127.0.0.1DEF");
    // Same IP, but an allow-listed wallet's token: the priority buckets.
    let (status, _, text) = n
        .post(
            "/message/v1/query",
            q.to_string(),
            &[("authorization", &vip.token)],
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let vip_publish = serde_json::json!({"envelopes":[{"contentTopic": topic, "timestampNs": "9", "message": "AA=="}]});
    let (status, _, text) = n
        .post(
            "/message/v1/publish",
            vip_publish.to_string(),
            &[("authorization", &vip.token)],
        )
        .await;
    assert_eq!(status, 200, "{text}");

    let (status, _, text) = n
        .post("/message/v1/query", vec![b' '; 65 * 1024], &[])
        .await;
    // Over the body limit by its Content-Length: refused before it is read.
    assert_eq!(status, 413, "{text}");
    let err = n
        .grpc()
        .await
        .query(api::QueryRequest {
            content_topics: vec!["x".repeat(65 * 1024)],
            ..Default::default()
        })
        .await
        .unwrap_err();
    // Refused on the message's declared length, with grpc-go's code for its receive limit.
    assert_eq!(err.code(), tonic::Code::ResourceExhausted, "{err:?}");
    n.node.shutdown().await.unwrap();
}

/// CORS, 404/501 bodies, gzip only on query paths, protobuf bodies, health and metrics.
pub async fn gateway_details(mut config: NodeConfig) {
    config.metrics_period = Duration::from_millis(20);
    let n = TestNode::start(config).await;
    let topic = m_topic();
    n.publish_grpc(vec![envelope(&topic, 1, &[5; 2000])]).await;

    let preflight = n
        .http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/message/v1/query", n.base),
        )
        .header("access-control-request-method", "POST")
        .header("origin", "http://example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 200);
    let h = preflight.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert_eq!(
        h["access-control-allow-methods"],
        "GET,HEAD,POST,PUT,PATCH,DELETE"
    );
    // Header names are case-insensitive; tower-http sends them in lower case.
    assert!(
        h["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .split(',')
            .any(|name| name.eq_ignore_ascii_case("X-Client-Version"))
    );
    assert!(preflight.text().await.unwrap().is_empty());

    let (status, headers, text) = n.post("/nope", "", &[]).await;
    assert_eq!(
        (status, text.as_str()),
        (404, r#"{"code":5,"message":"Not Found","details":[]}"#)
    );
    assert_eq!(headers["access-control-allow-origin"], "*");
    let get = n
        .http
        .get(format!("{}/message/v1/query", n.base))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 501);
    assert_eq!(
        get.text().await.unwrap(),
        r#"{"code":12,"message":"Method Not Allowed","details":[]}"#
    );

    let body = serde_json::json!({"contentTopics":[topic]}).to_string();
    let (status, headers, _) = n.post("/message/v1/query", body.clone(), &[]).await;
    assert_eq!(status, 200);
    assert!(headers.get("content-encoding").is_none());
    let response = n
        .http
        .post(format!("{}/message/v1/query", n.base))
        .header("accept-encoding", "gzip")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let compressed = response.bytes().await.unwrap();
    let mut json = String::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_string(&mut json)
        .unwrap();
    assert!(json.starts_with("{\"envelopes\":[{\"contentTopic\""));
    assert!(compressed.len() < json.len());

    // A protobuf body gets a protobuf answer.
    let request = query(&[&topic], 0, api::SortDirection::Ascending).encode_to_vec();
    let response = n
        .http
        .post(format!("{}/message/v1/query", n.base))
        .header("content-type", "application/x-protobuf")
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/x-protobuf");
    let decoded = api::QueryResponse::decode(response.bytes().await.unwrap()).unwrap();
    assert_eq!(decoded.envelopes.len(), 1);

    let health = n
        .http
        .get(format!("{}/healthz", n.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let channel = Channel::from_shared(n.node.grpc_url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let serving = tonic_health::pb::health_client::HealthClient::new(channel)
        .check(tonic_health::pb::HealthCheckRequest {
            service: "xmtp.message_api.v1.MessageApi".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        serving.status(),
        tonic_health::pb::health_check_response::ServingStatus::Serving
    );

    let metrics = n
        .http
        .get(format!("{}/metrics", n.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            r#"xmtp_node_api_requests_total{transport="grpc",method="Publish",code="OK"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"xmtp_node_api_requests_total{transport="http",method="Query",code="OK"} 3"#
        )
    );
    assert!(metrics.contains("xmtp_node_api_request_duration_seconds_bucket"));
    n.await_metric("xmtp_node_stored_envelopes", |stored| stored >= 1.0)
        .await;
    n.node.shutdown().await.unwrap();
}

/// Retention deletes envelopes on topics outside `/xmtp/` once they are old enough by the node's
/// clock, and never `/xmtp/` ones.
pub async fn retention_deletes_non_xmtp_topics(mut config: NodeConfig) {
    const DAY: Duration = Duration::from_secs(24 * 3600);
    let clock = Arc::new(ManualClock::at_system_now());
    config.clock = clock.clone();
    config.retention.enabled = true;
    config.retention.retention = DAY;
    // How soon the cleaner looks again: it finds the clock moved on its next cycle.
    config.retention.passive_period = Duration::from_millis(20);
    let n = TestNode::start(config).await;
    let (kept, expiring) = (m_topic(), unique("test-retention-"));
    n.publish_grpc(vec![envelope(&kept, 1, b"k"), envelope(&expiring, 1, b"e")])
        .await;
    let grpc = n.grpc().await;
    let count = |topic: String| {
        let mut grpc = grpc.clone();
        async move {
            grpc.query(query(&[&topic], 0, api::SortDirection::Ascending))
                .await
                .unwrap()
                .into_inner()
                .envelopes
                .len()
        }
    };
    // Cycles run while the clock stands still: nothing is a day old.
    assert_eq!(
        count(expiring.clone()).await,
        1,
        "kept until the retention period passes"
    );
    // Two days later by the node's clock (a custom store, the PostgreSQL suite's, stamps by the
    // system clock: long passed too). The cleaner's next cycle deletes every expired row in
    // one batch; in the PostgreSQL suite, other cases' rows in the shared schema go with it.
    let deleted = "xmtp_node_expired_envelopes_deleted_total";
    clock.advance(2 * DAY);
    n.await_metric(deleted, |deleted| deleted >= 1.0).await;
    assert_eq!(
        count(expiring.clone()).await,
        0,
        "expired envelope still stored"
    );
    assert_eq!(count(kept.clone()).await, 1);
    n.node.shutdown().await.unwrap();
}

/// Shutdown ends open gRPC streams normally and stops the listeners; so does dropping the node.
pub async fn shutdown_ends_streams(config: NodeConfig) {
    let dropped = TestNode::start(config.clone()).await;
    let mut orphan = dropped
        .grpc()
        .await
        .subscribe(api::SubscribeRequest {
            content_topics: vec![m_topic()],
        })
        .await
        .unwrap()
        .into_inner();
    dropped.await_subscriptions(1.0).await;
    drop(dropped);
    let end = tokio::time::timeout(Duration::from_secs(10), orphan.message())
        .await
        .expect("dropping the node ends its streams");
    assert!(end.unwrap().is_none());

    let n = TestNode::start(config).await;
    let mut grpc = n.grpc().await;
    let mut sub = grpc
        .subscribe(api::SubscribeRequest {
            content_topics: vec![m_topic()],
        })
        .await
        .unwrap()
        .into_inner();
    n.await_subscriptions(1.0).await;
    let addr = n.node.http_addr();
    tokio::time::timeout(Duration::from_secs(15), n.node.shutdown())
        .await
        .unwrap()
        .unwrap();
    assert!(
        sub.message().await.unwrap().is_none(),
        "stream ends with OK"
    );
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

/// A Query page that reaches the response budget ends early with a cursor, and following the
/// cursors returns every envelope once, in order, over gRPC and HTTP; a BatchQuery shares the
/// budget between its sub-queries, each of which pages the same way (issue 15 §2). Scaled: 18
/// envelopes of 100 KiB against a budget of 400 KiB (the default is 16 MiB for 1 MiB ones).
pub async fn response_budget_pages_with_cursors(mut config: NodeConfig) {
    const ENVELOPE: usize = 100 * 1024;
    config.limits.max_response_bytes = 400 * 1024;
    let n = TestNode::start(config).await;
    let topic = m_topic();
    for ts in 1..=18u64 {
        let mut message = vec![0u8; ENVELOPE];
        message[..8].copy_from_slice(&ts.to_be_bytes());
        n.publish_grpc(vec![envelope(&topic, ts, &message)]).await;
    }
    let budget = 400 * 1024 + ENVELOPE + topic.len();
    let mut grpc = n.grpc().await;
    for direction in [
        api::SortDirection::Ascending,
        api::SortDirection::Descending,
    ] {
        let mut cursor = None;
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let page = grpc
                .query(api::QueryRequest {
                    content_topics: vec![topic.clone()],
                    paging_info: Some(api::PagingInfo {
                        limit: 100,
                        cursor: cursor.take(),
                        direction: direction as i32,
                    }),
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner();
            let bytes: usize = page
                .envelopes
                .iter()
                .map(|e| e.message.len() + topic.len())
                .sum();
            assert!(bytes <= budget, "page of {bytes} bytes");
            seen.extend(page.envelopes.iter().map(|e| e.timestamp_ns));
            pages += 1;
            cursor = page.paging_info.and_then(|p| p.cursor);
            if cursor.is_none() {
                break;
            }
        }
        let mut expected: Vec<u64> = (1..=18).collect();
        if direction == api::SortDirection::Descending {
            expected.reverse();
        }
        assert_eq!(seen, expected);
        // 4 envelopes reach 400 KiB: 5 pages of 4 (the fifth has 2 and no cursor... or an
        // empty sixth after an exact fit).
        assert!((5..=6).contains(&pages), "{pages} pages");
    }
    // Over HTTP the page is the same, with the cursor in JSON.
    let (status, page) = n
        .post_json(
            "/message/v1/query",
            serde_json::json!({"contentTopics":[topic], "pagingInfo":{"limit":100}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["envelopes"].as_array().unwrap().len(), 4);
    assert_eq!(page["pagingInfo"]["limit"], 100);
    assert!(page["pagingInfo"]["cursor"]["index"]["digest"].is_string());
    // A batch of two shares 400 KiB: 2 envelopes each, each with a cursor.
    let q = api::QueryRequest {
        content_topics: vec![topic.clone()],
        paging_info: Some(api::PagingInfo {
            limit: 10,
            direction: api::SortDirection::Ascending as i32,
            cursor: None,
        }),
        ..Default::default()
    };
    let batch = grpc
        .batch_query(api::BatchQueryRequest {
            requests: vec![q.clone(), q],
        })
        .await
        .unwrap()
        .into_inner();
    for response in batch.responses {
        assert_eq!(response.envelopes.len(), 2);
        assert!(response.paging_info.unwrap().cursor.is_some());
    }
    // Small envelopes: a full page of 100 as before.
    let small = m_topic();
    n.publish_grpc((1..=150).map(|ts| envelope(&small, ts, b"s")).collect())
        .await;
    let page = grpc
        .query(api::QueryRequest {
            content_topics: vec![small],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.envelopes.len(), 100);
    n.node.shutdown().await.unwrap();
}

/// Every case, in order, on configs from `factory`.
pub async fn run_suite<F, Fut>(factory: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = NodeConfig>,
{
    publish_and_query_over_both_transports(factory().await).await;
    paging_matches_a_sorted_model(factory().await).await;
    query_errors(factory().await).await;
    batch_query_in_order(factory().await).await;
    publish_auth_errors(factory().await).await;
    publish_limits_and_dedupe(factory().await).await;
    http_subscribe(factory().await).await;
    grpc_subscriptions(factory().await).await;
    slow_subscriber_is_closed(factory().await).await;
    rate_limits(factory().await).await;
    gateway_details(factory().await).await;
    retention_deletes_non_xmtp_topics(factory().await).await;
    shutdown_ends_streams(factory().await).await;
    response_budget_pages_with_cursors(factory().await).await;
}

/// One `#[tokio::test]` per case, each on a config from the async `factory` function.
#[macro_export]
macro_rules! node_suite {
    ($factory:path) => {
        $crate::node_suite!(@cases $factory;
            publish_and_query_over_both_transports,
            paging_matches_a_sorted_model,
            query_errors,
            batch_query_in_order,
            publish_auth_errors,
            publish_limits_and_dedupe,
            http_subscribe,
            grpc_subscriptions,
            subscribe2_registers_before_answering,
            slow_subscriber_is_closed,
            rate_limits,
            gateway_details,
            retention_deletes_non_xmtp_topics,
            shutdown_ends_streams,
            response_budget_pages_with_cursors,
        );
    };
    (@cases $factory:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                common::suite::$case($factory().await).await;
            }
        )*
    };
}
