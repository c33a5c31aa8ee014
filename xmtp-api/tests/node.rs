//! xmtp-api against the real node, in process on ephemeral loopback ports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures::StreamExt;
use xmtp_api::*;
use xmtp_crypto::LocalWallet;
use xmtp_keystore::{IdentityCreation, PrivateKeyBundle};
use xmtp_node::{Database, Node, NodeConfig, RunningNode};
use xmtp_proto::message_api::v1::{PagingInfo, QueryRequest};

fn identity() -> Arc<PrivateKeyBundle> {
    let wallet = LocalWallet::generate();
    let now_ms = now_ns() / 1_000_000;
    let creation = IdentityCreation::new(wallet.address(), now_ms);
    let signature = wallet.personal_sign(creation.request().text.as_bytes());
    Arc::new(
        creation
            .finish(signature.to_bytes_v27().expose(), now_ms)
            .unwrap(),
    )
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        initial_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(400),
        max_retries: 20,
    }
}

async fn start(config: NodeConfig) -> RunningNode {
    Node::start(config).await.unwrap()
}

/// A node without rate limits (the bulk tests publish thousands of envelopes).
async fn bulk_node() -> RunningNode {
    let mut config = NodeConfig::ephemeral();
    config.rate_limits.enabled = false;
    start(config).await
}

async fn client(node: &RunningNode, bundle: Arc<PrivateKeyBundle>) -> GrpcApi {
    let mut config = ApiConfig::new(node.grpc_url());
    config.retry = fast_retry();
    GrpcApi::connect(config)
        .await
        .unwrap()
        .with_auth(Arc::new(KeystoreAuth::new(bundle)))
}

fn envelope(topic: &str, timestamp_ns: u64, body: &[u8]) -> Envelope {
    Envelope {
        content_topic: topic.to_owned(),
        timestamp_ns,
        message: body.to_vec(),
    }
}

#[tokio::test]
async fn pages_through_thousands_in_both_directions_with_bounds() {
    let node = bulk_node().await;
    let api = client(&node, identity()).await;
    let topic = "/xmtp/0/m-paging/proto".to_owned();
    let base = 1_700_000_000_000_000_000u64;
    let all: Vec<Envelope> = (0..2_500u64)
        .map(|i| envelope(&topic, base + i * 1_000, &i.to_be_bytes()))
        .collect();
    for chunk in all.chunks(250) {
        api.publish(chunk.to_vec()).await.unwrap();
    }

    let ascending = query_all(&api, vec![topic.clone()], QueryOptions::ascending())
        .await
        .unwrap();
    assert_eq!(ascending, all);
    let descending = query_all(&api, vec![topic.clone()], QueryOptions::descending())
        .await
        .unwrap();
    assert_eq!(descending, all.iter().rev().cloned().collect::<Vec<_>>());

    // Inclusive bounds, both directions.
    let bounded = QueryOptions {
        start_ns: Some(base + 100 * 1_000),
        end_ns: Some(base + 1_999 * 1_000),
        page_size: 37,
        ..QueryOptions::ascending()
    };
    let window = query_all(&api, vec![topic.clone()], bounded.clone())
        .await
        .unwrap();
    assert_eq!(window, all[100..=1_999].to_vec());
    let window_desc = query_all(
        &api,
        vec![topic.clone()],
        QueryOptions {
            direction: SortDirection::Descending,
            ..bounded
        },
    )
    .await
    .unwrap();
    assert_eq!(
        window_desc,
        all[100..=1_999].iter().rev().cloned().collect::<Vec<_>>()
    );

    // Lazy pages: full pages of 100, stopping at the limit.
    let limited = QueryOptions {
        limit: Some(250),
        ..QueryOptions::descending()
    };
    let pages: Vec<Vec<Envelope>> = query_pages(&api, vec![topic.clone()], limited)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![100, 100, 50]
    );
    assert_eq!(
        pages.concat(),
        all[2_250..].iter().rev().cloned().collect::<Vec<_>>()
    );
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn batch_query_over_500_topics_keeps_request_order() {
    let node = bulk_node().await;
    let api = client(&node, identity()).await;
    let topics: Vec<String> = (0..500)
        .map(|i| format!("/xmtp/0/m-batch-{i:03}/proto"))
        .collect();
    // Every seventh topic stays empty, so a shifted response would show.
    let envelopes: Vec<Envelope> = topics
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 7 != 0)
        .map(|(i, t)| envelope(t, 1_000 + i as u64, format!("m{i}").as_bytes()))
        .collect();
    api.publish(envelopes).await.unwrap();

    let requests: Vec<QueryRequest> = topics
        .iter()
        .map(|t| QueryRequest {
            content_topics: vec![t.clone()],
            paging_info: Some(PagingInfo {
                limit: 10,
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let responses = batch_query(&api, requests, 4).await.unwrap();
    assert_eq!(responses.len(), 500);
    for (i, response) in responses.iter().enumerate() {
        if i % 7 == 0 {
            assert!(response.envelopes.is_empty(), "topic {i}");
        } else {
            assert_eq!(response.envelopes.len(), 1, "topic {i}");
            assert_eq!(response.envelopes[0].content_topic, topics[i]);
            assert_eq!(response.envelopes[0].message, format!("m{i}").into_bytes());
        }
    }
    let latest = latest_per_topic(&api, &topics[..20], 2).await.unwrap();
    assert!(latest[0].is_none());
    assert_eq!(latest[1].as_ref().unwrap().message, b"m1");
    node.shutdown().await.unwrap();
}

async fn next_envelope(sub: &mut Subscription) -> Envelope {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(20), sub.next_event())
            .await
            .expect("no event within 20 s")
            .expect("subscription ended")
            .unwrap();
        if let StreamEvent::Envelope(e) = event {
            return e;
        }
    }
}

const SECOND_NS: u64 = 1_000_000_000;

/// The node stops; while it is down, another node on the same store accepts envelopes; the first
/// comes back on the same port. The stream resumes, backfills what it missed and delivers each
/// envelope exactly once, and nothing that was stored before it opened: not the messages of the
/// minute before (the old stream replayed up to five minutes of them after a reconnect), not
/// garbage dated an hour or ten years ahead. An envelope dated ten years ahead that arrives live
/// is delivered, but moves no backfill bound (the old stream then backfilled from ten years
/// ahead and missed everything).
#[tokio::test]
async fn stream_survives_node_restart_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::Sqlite(dir.path().join("node.db"));
    let mut config = NodeConfig::ephemeral();
    config.database = db.clone();
    let node = start(config.clone()).await;
    let grpc: SocketAddr = node.grpc_addr();
    let bundle = identity();
    let api = client(&node, bundle.clone()).await;

    let topic = "/xmtp/0/m-restart/proto".to_owned();
    let now = now_ns();
    let before = vec![
        envelope(&topic, now - 60 * SECOND_NS, b"a minute before"),
        envelope(&topic, now - SECOND_NS, b"a second before"),
        envelope(&topic, now + 3_600 * SECOND_NS, b"garbage, an hour ahead"),
        envelope(
            &topic,
            now + 10 * 365 * 86_400 * SECOND_NS,
            b"garbage, ten years ahead",
        ),
    ];
    api.publish(before).await.unwrap();

    let options = SubscriptionOptions {
        retry: fast_retry(),
        ..SubscriptionOptions::default()
    };
    // Registered with the node once open returns: what is published next is delivered.
    let mut sub = Subscription::open(Arc::new(api.clone()), vec![topic.clone()], options)
        .await
        .unwrap();
    let first = envelope(&topic, now_ns(), b"one");
    let future = envelope(
        &topic,
        now + 20 * 365 * 86_400 * SECOND_NS,
        b"live, twenty years ahead",
    );
    api.publish(vec![first.clone()]).await.unwrap();
    api.publish(vec![future.clone()]).await.unwrap();
    let mut delivered = vec![next_envelope(&mut sub).await, next_envelope(&mut sub).await];
    node.shutdown().await.unwrap();

    // While it is down: a second node on the same database takes two envelopes.
    let mut other_config = NodeConfig::ephemeral();
    other_config.database = db.clone();
    let other = start(other_config).await;
    let other_api = client(&other, bundle.clone()).await;
    let missed = vec![
        envelope(&topic, now_ns(), b"two"),
        envelope(&topic, now_ns() + 1, b"three"),
    ];
    other_api.publish(missed.clone()).await.unwrap();
    other.shutdown().await.unwrap();

    // The first node returns on its old port.
    config.grpc_addr = grpc;
    let node = start(config).await;
    delivered.push(next_envelope(&mut sub).await);
    delivered.push(next_envelope(&mut sub).await);
    let live = envelope(&topic, now_ns(), b"four");
    api.publish(vec![live.clone()]).await.unwrap();
    // The relay keeps order and a backfill precedes live delivery: a replay or a duplicate
    // would come before the last one.
    delivered.push(next_envelope(&mut sub).await);
    let text = |e: &Envelope| String::from_utf8_lossy(&e.message).into_owned();
    assert_eq!(
        delivered.iter().map(text).collect::<Vec<_>>(),
        [first, future, missed[0].clone(), missed[1].clone(), live]
            .iter()
            .map(text)
            .collect::<Vec<_>>()
    );
    drop(sub);
    node.shutdown().await.unwrap();
}

/// Counts tokens made; the first `expired` of them are dated two hours back.
struct CountingAuth {
    inner: KeystoreAuth,
    bundle: Arc<PrivateKeyBundle>,
    made: AtomicUsize,
    expired: usize,
}

#[async_trait]
impl AuthTokenSource for CountingAuth {
    async fn create_token(&self) -> Result<String> {
        let n = self.made.fetch_add(1, Ordering::SeqCst);
        if n < self.expired {
            let two_hours_ago = now_ns() - 7_200 * 1_000_000_000;
            return Ok(xmtp_keystore::create_auth_token(
                &self.bundle,
                two_hours_ago,
            ));
        }
        self.inner.create_token().await
    }
}

#[tokio::test]
async fn tokens_are_cached_renewed_and_refreshed_on_unauthenticated() {
    let node = start(NodeConfig::ephemeral()).await;
    let bundle = identity();
    let auth = Arc::new(CountingAuth {
        inner: KeystoreAuth::new(bundle.clone()),
        bundle: bundle.clone(),
        made: AtomicUsize::new(0),
        expired: 1,
    });
    // Tokens age by this clock: no sleeping.
    let clock = Arc::new(ManualClock::at_system_now());
    let mut config = ApiConfig::new(node.grpc_url());
    config.token_max_age = Duration::from_secs(600);
    config.clock = clock.clone();
    let api = GrpcApi::connect(config)
        .await
        .unwrap()
        .with_auth(auth.clone());
    let topic = "/xmtp/0/m-tokens/proto";

    // The first token is expired: the node says UNAUTHENTICATED, a new token is made, it works.
    api.publish(vec![envelope(topic, 1, b"a")]).await.unwrap();
    assert_eq!(auth.made.load(Ordering::SeqCst), 2);
    // Cached while young.
    api.publish(vec![envelope(topic, 2, b"b")]).await.unwrap();
    assert_eq!(auth.made.load(Ordering::SeqCst), 2);
    clock.advance(Duration::from_secs(599));
    api.publish(vec![envelope(topic, 3, b"c")]).await.unwrap();
    assert_eq!(auth.made.load(Ordering::SeqCst), 2);
    // Renewed once it ages out.
    clock.advance(Duration::from_secs(1));
    api.publish(vec![envelope(topic, 4, b"c2")]).await.unwrap();
    assert_eq!(auth.made.load(Ordering::SeqCst), 3);
    // A clock that steps back does not keep a token alive.
    clock.set(now_ns() - 3_600 * 1_000_000_000);
    api.publish(vec![envelope(topic, 5, b"c3")]).await.unwrap();
    assert_eq!(auth.made.load(Ordering::SeqCst), 4);

    // Without any token the node refuses, and that is not retried.
    let anonymous = GrpcApi::connect(ApiConfig::new(node.grpc_url()))
        .await
        .unwrap();
    let err = anonymous
        .publish(vec![envelope(topic, 4, b"d")])
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(Code::Unauthenticated));
    assert!(!err.is_retryable());
    node.shutdown().await.unwrap();
}

/// The node ages tokens by its own clock, not the client's: a token the client still holds as
/// young is refused once the node's clock passes its hour, and so is the fresh token the client
/// makes by its stale clock; once the client's clock catches up, its next token works.
#[tokio::test]
async fn a_token_expires_by_the_nodes_clock() {
    let t0 = now_ns();
    let node_clock = Arc::new(ManualClock::new(t0));
    let mut config = NodeConfig::ephemeral();
    config.clock = node_clock.clone();
    let node = start(config).await;
    let client_clock = Arc::new(ManualClock::new(t0));
    let mut api_config = ApiConfig::new(node.grpc_url());
    api_config.clock = client_clock.clone();
    let auth = KeystoreAuth::new(identity()).with_clock(client_clock.clone());
    let api = GrpcApi::connect(api_config)
        .await
        .unwrap()
        .with_auth(Arc::new(auth));
    let topic = "/xmtp/0/m-node-clock/proto";

    api.publish(vec![envelope(topic, 1, b"a")]).await.unwrap();
    // Exactly an hour old by the node's clock is still valid (its cache and its check agree).
    node_clock.advance(Duration::from_secs(3600));
    api.publish(vec![envelope(topic, 2, b"b")]).await.unwrap();
    // One nanosecond more: expired, though the client's clock has not moved at all.
    node_clock.advance(Duration::from_nanos(1));
    let err = api
        .publish(vec![envelope(topic, 3, b"c")])
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(Code::Unauthenticated), "{err}");
    assert!(err.to_string().contains("token expired"), "{err}");
    // The client's clock catches up: its next token is young by the node's clock too.
    client_clock.set(node_clock.now_ns());
    api.publish(vec![envelope(topic, 4, b"d")]).await.unwrap();
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn retryable_errors_are_retried_and_others_surface_at_once() {
    let mut config = NodeConfig::ephemeral();
    // One publish token, refilled at one per second.
    config.rate_limits.publish.capacity = 1;
    config.rate_limits.publish.per_minute = 60;
    let node = start(config).await;
    let bundle = identity();
    let mut api_config = ApiConfig::new(node.grpc_url());
    api_config.retry = RetryPolicy {
        initial_delay: Duration::from_millis(200),
        max_delay: Duration::from_millis(500),
        max_retries: 10,
    };
    let api = GrpcApi::connect(api_config.clone())
        .await
        .unwrap()
        .with_auth(Arc::new(KeystoreAuth::new(bundle.clone())));
    let topic = "/xmtp/0/m-limits/proto";
    api.publish(vec![envelope(topic, 1, b"a")]).await.unwrap();
    // The bucket is empty: RESOURCE_EXHAUSTED, retried with backoff until it refills (the
    // same call without retries fails, below).
    api.publish(vec![envelope(topic, 2, b"b")]).await.unwrap();

    // The same with no retries left surfaces RESOURCE_EXHAUSTED, marked retryable.
    api_config.retry.max_retries = 0;
    let impatient = GrpcApi::connect(api_config)
        .await
        .unwrap()
        .with_auth(Arc::new(KeystoreAuth::new(bundle.clone())));
    let err = impatient
        .publish(vec![envelope(topic, 3, b"c")])
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(Code::ResourceExhausted));
    assert!(err.is_retryable());

    // Not retryable: a query over the page limit fails at once with the node's message. A
    // retry would wait an hour first.
    let mut patient_config = ApiConfig::new(node.grpc_url());
    patient_config.retry = RetryPolicy {
        initial_delay: Duration::from_secs(3_600),
        max_delay: Duration::from_secs(3_600),
        max_retries: 10,
    };
    let patient = GrpcApi::connect(patient_config).await.unwrap();
    let over_the_limit = patient.query(QueryRequest {
        content_topics: vec![topic.to_owned()],
        paging_info: Some(PagingInfo {
            limit: 101,
            ..Default::default()
        }),
        ..Default::default()
    });
    let err = tokio::time::timeout(Duration::from_secs(60), over_the_limit)
        .await
        .expect("a non-retryable error was retried")
        .unwrap_err();
    assert_eq!(err.code(), Some(Code::InvalidArgument));
    assert!(
        err.to_string().contains("cannot exceed 100 rows per query"),
        "{err}"
    );

    // Not retryable: publishing to another wallet's contact topic.
    let stranger = LocalWallet::generate().address();
    let err = api
        .publish(vec![envelope(
            &format!("/xmtp/0/contact-{stranger}/proto"),
            4,
            b"x",
        )])
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(Code::PermissionDenied));
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn unreachable_node_is_a_clear_transport_error() {
    let err = GrpcApi::connect(ApiConfig::new("http://127.0.0.1:1"))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, Error::Transport(_)), "{err}");
    assert!(err.to_string().contains("127.0.0.1:1"));
    let err = GrpcApi::connect(ApiConfig::new("ftp://example"))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, Error::InvalidUrl { .. }), "{err}");
}

/// A peer that accepts connections and never answers (a hung or partitioned node): a call ends at
/// its deadline as `Error::Timeout`; with keepalive pings due sooner, the unanswered ping closes
/// the dead connection, failing the call as retryable, and the next call dials a new connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_peer_times_calls_out_and_keepalive_replaces_its_connection() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Connections accepted so far, announced as they come.
    let (accepted, accepts) = tokio::sync::watch::channel(0usize);
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            accepted.send_modify(|n| *n += 1);
            held.push(socket);
        }
    });
    let api = |request_timeout: u64, keepalive: u64| {
        let mut config = ApiConfig::new(format!("http://{addr}"));
        config.request_timeout = Duration::from_millis(request_timeout);
        config.keepalive_interval = Duration::from_millis(keepalive);
        config.keepalive_timeout = Duration::from_millis(keepalive);
        config.retry.max_retries = 0;
        GrpcApi::connect(config)
    };
    // A call, which must end by itself (by its deadline or the keepalive) well within 60 s.
    async fn query(api: &GrpcApi) -> Result<QueryResponse> {
        let call = api.query(QueryRequest {
            content_topics: vec!["/xmtp/0/m-silent/proto".into()],
            ..Default::default()
        });
        tokio::time::timeout(Duration::from_secs(60), call)
            .await
            .expect("the call outlived its deadline and keepalive")
    }
    // The accept loop counts a connection a moment after the client has it.
    let accepts_reach = |n: usize| {
        let mut accepts = accepts.clone();
        async move {
            let reached = accepts.wait_for(|count| *count >= n);
            *tokio::time::timeout(Duration::from_secs(60), reached)
                .await
                .expect("the connection was never made")
                .unwrap()
        }
    };

    // The deadline: 300 ms, long before the first ping is due (60 s).
    let deadline = api(300, 60_000).await.unwrap();
    let err = query(&deadline).await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err}");
    assert_eq!(accepts_reach(1).await, 1);

    // Keepalive: a ping 100 ms in, unanswered after 100 ms more, ends the 60 s call early.
    let keepalive = api(60_000, 100).await.unwrap();
    assert_eq!(accepts_reach(2).await, 2);
    let err = query(&keepalive).await.unwrap_err();
    // A failure of the connection, not the node's answer: a retryable transport error.
    assert!(err.is_retryable(), "{err}");
    assert!(matches!(err, Error::Transport(_)), "{err}");
    // The dead connection was forgotten: a later call dials a new one. (Under load the call right
    // after may still fail fast while the channel is between connections, so a few may be needed;
    // each fails at its keepalive at the latest.)
    for _ in 0..20 {
        if *accepts.borrow() >= 3 {
            break;
        }
        let _ = query(&keepalive).await.unwrap_err();
    }
    assert_eq!(accepts_reach(3).await, 3, "the dead connection was reused");
    silent.abort();
}

#[tokio::test]
async fn tls_urls_get_a_lazy_channel_and_other_schemes_are_refused() {
    assert!(GrpcApi::connect_lazy(ApiConfig::dev()).is_ok());
    for bad in ["ftp://example", "http://", "127.0.0.1:5556"] {
        let err = GrpcApi::connect_lazy(ApiConfig::new(bad)).err().unwrap();
        assert!(matches!(err, Error::InvalidUrl { .. }), "{bad}: {err}");
    }
}

/// Bodies far past HTTP/2's 64 KiB initial windows both ways, with several calls in flight on the
/// one connection: flow control must move them all, each to its own caller.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_bodies_and_concurrent_calls_share_one_connection() {
    let node = bulk_node().await;
    let api = client(&node, identity()).await;
    let base = 1_700_000_000_000_000_000u64;
    let calls = (0..8u64).map(|i| {
        let api = api.clone();
        async move {
            let topic = format!("/xmtp/0/m-large-{i}/proto");
            // Three envelopes near the node's 1 MiB message limit: a 3 MB request and response.
            let sent: Vec<Envelope> = (0..3u64)
                .map(|n| {
                    let body: Vec<u8> = (0..1_000_000 + i as usize)
                        .map(|b| (b as u64 * 31 + i * 7 + n) as u8)
                        .collect();
                    envelope(&topic, base + n, &body)
                })
                .collect();
            api.publish(sent.clone()).await.unwrap();
            let got = api
                .query(QueryRequest {
                    content_topics: vec![topic],
                    ..Default::default()
                })
                .await
                .unwrap();
            let mut got = got.envelopes;
            got.sort_by_key(|e| e.timestamp_ns);
            // Not assert_eq!: a failure would print 3 MB.
            assert!(got == sent, "topic {i}: {} envelopes differ", got.len());
        }
    });
    futures::future::join_all(calls).await;
}

/// The node's `xmtp_node_active_subscriptions` gauge, read from its `/metrics` over HTTP/1.1.
async fn active_subscriptions(node: &RunningNode) -> i64 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut conn = tokio::net::TcpStream::connect(node.http_addr())
        .await
        .unwrap();
    conn.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut text = String::new();
    conn.read_to_string(&mut text).await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("xmtp_node_active_subscriptions "))
        .expect("gauge present")
        .trim()
        .parse()
        .unwrap()
}

/// Dropping a stream (either kind) ends it on the node too: the transport resets the HTTP/2
/// stream, so the node's subscriber is gone instead of lingering until the connection closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_streams_end_on_the_node() {
    let node = bulk_node().await;
    let api = client(&node, identity()).await;
    let settle = |want: i64| {
        let node = &node;
        async move {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let now = active_subscriptions(node).await;
                if now == want || Instant::now() > deadline {
                    return now;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    let plain = api
        .subscribe(vec!["/xmtp/0/m-drop-a/proto".into()])
        .await
        .unwrap();
    let dynamic = api
        .subscribe_dynamic(vec!["/xmtp/0/m-drop-b/proto".into()])
        .await
        .unwrap();
    assert_eq!(settle(2).await, 2);
    drop(plain);
    assert_eq!(settle(1).await, 1);
    drop(dynamic);
    assert_eq!(settle(0).await, 0);
    // The connection itself is still good.
    api.query(QueryRequest {
        content_topics: vec!["/xmtp/0/m-drop-a/proto".into()],
        ..Default::default()
    })
    .await
    .unwrap();
}

/// Passes everything to `inner`, but when a change of a dynamic subscription's topic set first
/// names `gated`, publishes `late` on it before passing the change on: a message published after
/// the subscriber added the topic and before the node applied the change.
struct LateTopicChange {
    inner: GrpcApi,
    gated: String,
    late: Envelope,
}

#[async_trait]
impl XmtpApi for LateTopicChange {
    async fn publish(&self, envelopes: Vec<Envelope>) -> Result<()> {
        self.inner.publish(envelopes).await
    }
    async fn query(&self, request: QueryRequest) -> Result<QueryResponse> {
        self.inner.query(request).await
    }
    async fn batch_query(
        &self,
        request: xmtp_proto::message_api::v1::BatchQueryRequest,
    ) -> Result<xmtp_proto::message_api::v1::BatchQueryResponse> {
        self.inner.batch_query(request).await
    }
    async fn subscribe(&self, topics: Vec<String>) -> Result<EnvelopeStream> {
        self.inner.subscribe(topics).await
    }
    async fn subscribe_all(&self) -> Result<EnvelopeStream> {
        self.inner.subscribe_all().await
    }
    async fn subscribe_dynamic(&self, topics: Vec<String>) -> Result<TopicStream> {
        let mut inner = self.inner.subscribe_dynamic(topics).await?;
        let envelopes = std::mem::replace(&mut inner.envelopes, futures::stream::empty().boxed());
        let (updates, mut requests) =
            tokio::sync::mpsc::channel::<xmtp_proto::message_api::v1::SubscribeRequest>(16);
        let (api, gated, late) = (self.inner.clone(), self.gated.clone(), self.late.clone());
        tokio::spawn(async move {
            let mut published = false;
            while let Some(request) = requests.recv().await {
                if !published && request.content_topics.contains(&gated) {
                    // Stamped now: after the subscriber added the topic.
                    let late = Envelope {
                        timestamp_ns: now_ns(),
                        ..late.clone()
                    };
                    api.publish(vec![late]).await.unwrap();
                    published = true;
                }
                if inner.set_topics(request.content_topics).await.is_err() {
                    return;
                }
            }
        });
        Ok(TopicStream::new(envelopes, updates))
    }
}

/// A topic added to a live subscription: what is published on it after `add_topics` returns is
/// delivered even when the node applies the change later (before, such a message was never
/// delivered: the node does not acknowledge a topic change, and nothing read the gap).
#[tokio::test]
async fn a_topic_added_to_a_live_stream_misses_nothing_published_before_the_node_applied_it() {
    let node = bulk_node().await;
    let api = client(&node, identity()).await;
    let (old, added) = ("/xmtp/0/m-old/proto", "/xmtp/0/m-added/proto");
    let late = envelope(added, 0, b"published before the change took effect");
    let gate = LateTopicChange {
        inner: api.clone(),
        gated: added.to_owned(),
        late: late.clone(),
    };
    let options = SubscriptionOptions {
        retry: fast_retry(),
        ..SubscriptionOptions::default()
    };
    let mut sub = Subscription::open(Arc::new(gate), vec![old.to_owned()], options)
        .await
        .unwrap();
    sub.add_topics([added.to_owned()]).unwrap();
    let delivered = next_envelope(&mut sub).await;
    assert_eq!(delivered.message, late.message);
    // Live from then on, and the late one is not delivered twice.
    let after = envelope(added, now_ns(), b"after");
    api.publish(vec![delivered, after.clone()]).await.unwrap();
    let on_old = envelope(old, now_ns(), b"old");
    api.publish(vec![on_old.clone()]).await.unwrap();
    assert_eq!(next_envelope(&mut sub).await, after);
    assert_eq!(next_envelope(&mut sub).await, on_old);
    drop(sub);
    node.shutdown().await.unwrap();
}
