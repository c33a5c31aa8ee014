//! The node serving TLS on both listeners, with a CA made at test time, and the Rust client
//! (xmtp-api) reaching it over `https://`: calls, streams, reconnects, refusals and reloads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "tls/ca.rs"]
mod ca;

use std::sync::Arc;
use std::time::Duration;

use ca::{NodeCert, TestCa};
use futures_util::StreamExt as _;
use rustls::pki_types::pem::PemObject as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use xmtp_api::{
    ApiConfig, Envelope, Error as ApiError, GrpcApi, QueryRequest, RetryPolicy, StreamEvent,
    Subscription, SubscriptionOptions, XmtpApi,
};
use xmtp_node::{Database, Node, NodeConfig, RunningNode, TlsFiles};

/// A CA, a node certificate it signed for `localhost` and `127.0.0.1`, in a temporary directory.
struct Pki {
    dir: tempfile::TempDir,
    ca: TestCa,
    node: NodeCert,
}

fn pki() -> Pki {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("xmtp-rs test CA");
    let node = ca.node_cert(dir.path(), "node", &["localhost", "127.0.0.1"]);
    Pki { dir, ca, node }
}

fn tls_config(cert: &NodeCert) -> NodeConfig {
    let mut config = NodeConfig::ephemeral();
    config.auth.enabled = false;
    config.rate_limits.enabled = false;
    config.tls = Some(TlsFiles {
        cert: cert.cert.clone(),
        key: cert.key.clone(),
    });
    config
}

async fn tls_node(cert: &NodeCert) -> RunningNode {
    Node::start(tls_config(cert)).await.unwrap()
}

fn api_config(node: &RunningNode, ca: &TestCa) -> ApiConfig {
    let mut config = ApiConfig::new(node.grpc_url()).with_ca_pem(ca.cert_pem.as_bytes());
    config.retry = RetryPolicy {
        initial_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(400),
        max_retries: 20,
    };
    config
}

async fn connect(node: &RunningNode, ca: &TestCa) -> GrpcApi {
    GrpcApi::connect(api_config(node, ca)).await.unwrap()
}

fn envelope(topic: &str, timestamp_ns: u64, body: &[u8]) -> Envelope {
    Envelope {
        content_topic: topic.to_owned(),
        timestamp_ns,
        message: body.to_vec(),
    }
}

async fn query(api: &GrpcApi, topic: &str) -> Vec<Envelope> {
    api.query(QueryRequest {
        content_topics: vec![topic.to_owned()],
        ..Default::default()
    })
    .await
    .unwrap()
    .envelopes
}

/// The next envelope of a stream, within 20 s.
async fn next(stream: &mut xmtp_api::EnvelopeStream) -> Envelope {
    tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .expect("no envelope within 20 s")
        .expect("stream ended")
        .unwrap()
}

#[tokio::test]
async fn unary_calls_and_streams_over_tls() {
    let pki = pki();
    let node = tls_node(&pki.node).await;
    assert!(node.grpc_url().starts_with("https://127.0.0.1:"));
    let api = connect(&node, &pki.ca).await;
    let topic = "/xmtp/0/m-tls/proto";

    let mut stream = api.subscribe(vec![topic.to_owned()]).await.unwrap();
    let mut dynamic = api.subscribe_dynamic(vec![topic.to_owned()]).await.unwrap();
    let sent = envelope(topic, 1, b"over tls");
    api.publish(vec![sent.clone()]).await.unwrap();
    assert_eq!(query(&api, topic).await, vec![sent.clone()]);
    assert_eq!(next(&mut stream).await, sent);
    assert_eq!(next(&mut dynamic.envelopes).await, sent);

    // A body far past one TLS record and the HTTP/2 windows.
    let big = envelope(topic, 2, &vec![7u8; 900_000]);
    api.publish(vec![big.clone()]).await.unwrap();
    assert_eq!(next(&mut stream).await, big);
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_certificate_for_another_host_is_refused() {
    let pki = pki();
    let other = pki
        .ca
        .node_cert(pki.dir.path(), "other", &["other.example"]);
    let node = tls_node(&other).await;
    let err = GrpcApi::connect(api_config(&node, &pki.ca))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, ApiError::Transport(_)), "{err}");
    let text = err.to_string();
    assert!(text.contains("not valid for name"), "{text}");
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_with_a_clear_error() {
    let pki = pki();
    let node = tls_node(&pki.node).await;
    // Trusting only the public roots, or another CA: the node's chain is unknown.
    let stranger = TestCa::new("another CA");
    for config in [
        ApiConfig::new(node.grpc_url()),
        ApiConfig::new(node.grpc_url()).with_ca_pem(stranger.cert_pem.as_bytes()),
    ] {
        let err = GrpcApi::connect(config).await.err().unwrap();
        assert!(matches!(err, ApiError::Transport(_)), "{err}");
        let text = err.to_string();
        assert!(text.contains("invalid peer certificate"), "{text}");
        assert!(text.contains("UnknownIssuer"), "{text}");
    }
    // A lazy client reports it on its first call, as a retryable status with the reason.
    let mut config = ApiConfig::new(node.grpc_url());
    config.retry.max_retries = 0;
    let lazy = GrpcApi::connect_lazy(config).unwrap();
    let err = lazy
        .query(QueryRequest {
            content_topics: vec!["/xmtp/0/m-lazy/proto".into()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
    node.shutdown().await.unwrap();
}

/// A plaintext client at a TLS port fails instead of hanging.
#[tokio::test]
async fn plaintext_at_a_tls_port_fails() {
    let pki = pki();
    let node = tls_node(&pki.node).await;
    let mut config = ApiConfig::new(format!("http://{}", node.grpc_addr()));
    config.retry.max_retries = 0;
    config.request_timeout = Duration::from_secs(20);
    // Either the connection or the first call fails, depending on when the node hangs up.
    let result = match GrpcApi::connect(config).await {
        Ok(api) => api
            .query(QueryRequest {
                content_topics: vec!["/xmtp/0/m-plain/proto".into()],
                ..Default::default()
            })
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    let err = result.unwrap_err();
    assert!(!matches!(err, ApiError::Timeout), "{err}");
    node.shutdown().await.unwrap();
}

/// The next event of a subscription, within 20 s.
async fn next_event(sub: &mut Subscription) -> StreamEvent {
    tokio::time::timeout(Duration::from_secs(20), sub.next_event())
        .await
        .expect("no event within 20 s")
        .expect("subscription ended")
        .unwrap()
}

/// The stream resumes over TLS after the node restarts on the same port and store.
#[cfg(feature = "sqlite")]
#[tokio::test]
async fn a_subscription_reconnects_across_a_node_restart() {
    let pki = pki();
    let mut config = tls_config(&pki.node);
    config.database = Database::Sqlite(pki.dir.path().join("node.db"));
    let node = Node::start(config.clone()).await.unwrap();
    let api = connect(&node, &pki.ca).await;
    let topic = "/xmtp/0/m-tls-restart/proto".to_owned();
    let options = SubscriptionOptions {
        retry: RetryPolicy {
            initial_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(400),
            max_retries: u32::MAX,
        },
        backfill_from_ns: Some(0),
        ..SubscriptionOptions::default()
    };
    // Backfilled only once the stream is registered: its arrival means the stream is live.
    let first = envelope(&topic, 10, b"one");
    api.publish(vec![first.clone()]).await.unwrap();
    let mut sub = Subscription::start(Arc::new(api.clone()), vec![topic.clone()], options);
    assert_eq!(next_event(&mut sub).await, StreamEvent::Envelope(first));

    config.grpc_addr = node.grpc_addr();
    config.http_addr = node.http_addr();
    node.shutdown().await.unwrap();
    let node = Node::start(config).await.unwrap();
    // Disconnected, then Reconnected once the stream is live on the new node.
    while !matches!(next_event(&mut sub).await, StreamEvent::Reconnected { .. }) {}
    let live = envelope(&topic, 20, b"two");
    api.publish(vec![live.clone()]).await.unwrap();
    let got = loop {
        if let StreamEvent::Envelope(e) = next_event(&mut sub).await {
            break e;
        }
    };
    assert_eq!(got, live);
    node.shutdown().await.unwrap();
}

/// After a reload, new connections get the new certificate and an open stream goes on; a
/// broken file on reload keeps the current certificate.
#[tokio::test]
async fn reload_swaps_the_certificate_for_new_connections_only() {
    let pki = pki();
    let node = tls_node(&pki.node).await;
    let before = connect(&node, &pki.ca).await;
    let topic = "/xmtp/0/m-tls-reload/proto";
    let mut open_stream = before.subscribe(vec![topic.to_owned()]).await.unwrap();

    // The files are replaced in place with a certificate from another CA, then reloaded.
    let next_ca = TestCa::new("next CA");
    let staged = next_ca.node_cert(pki.dir.path(), "next", &["127.0.0.1"]);
    std::fs::copy(&staged.cert, &pki.node.cert).unwrap();
    std::fs::copy(&staged.key, &pki.node.key).unwrap();
    node.reload_tls().unwrap();

    let err = GrpcApi::connect(api_config(&node, &pki.ca))
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
    let after = connect(&node, &next_ca).await;
    let sent = envelope(topic, 1, b"after reload");
    after.publish(vec![sent.clone()]).await.unwrap();
    assert_eq!(next(&mut open_stream).await, sent);
    // The connection made before the reload still answers.
    assert_eq!(query(&before, topic).await, vec![sent]);

    // A broken certificate file: the reload fails and the current certificate stays.
    std::fs::write(&pki.node.cert, "not a certificate").unwrap();
    let err = node.reload_tls().unwrap_err();
    assert!(err.to_string().contains("certificate"), "{err}");
    connect(&node, &next_ca).await;
    // A key that is not the certificate's.
    std::fs::copy(&staged.cert, &pki.node.cert).unwrap();
    let mismatched = next_ca.node_cert(pki.dir.path(), "mismatched", &["127.0.0.1"]);
    std::fs::copy(&mismatched.key, &pki.node.key).unwrap();
    assert!(node.reload_tls().is_err());
    connect(&node, &next_ca).await;
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_node_with_a_broken_certificate_does_not_start() {
    let pki = pki();
    std::fs::write(
        &pki.node.key,
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let err = Node::start(tls_config(&pki.node)).await.unwrap_err();
    assert!(err.to_string().contains("TLS key"), "{err}");
    let missing = NodeCert {
        cert: pki.dir.path().join("missing.pem"),
        key: pki.node.key.clone(),
    };
    let err = Node::start(tls_config(&missing)).await.unwrap_err();
    assert!(err.to_string().contains("missing.pem"), "{err}");
}

/// One HTTP request to the gateway over TLS, offering only `alpn`; returns the negotiated
/// protocol and the response's status line.
async fn gateway_request(node: &RunningNode, ca: &TestCa, alpn: &[u8]) -> (Vec<u8>, String) {
    let mut roots = rustls::RootCertStore::empty();
    let ca_der = rustls::pki_types::CertificateDer::from_pem_slice(ca.cert_pem.as_bytes()).unwrap();
    roots.add(ca_der).unwrap();
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = vec![alpn.to_vec()];
    let tcp = tokio::net::TcpStream::connect(node.http_addr())
        .await
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap();
    let negotiated = tls.get_ref().1.alpn_protocol().unwrap_or_default().to_vec();
    if alpn == b"http/1.1" {
        tls.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut text = String::new();
        tls.read_to_string(&mut text).await.unwrap();
        return (
            negotiated,
            text.lines().next().unwrap_or_default().to_owned(),
        );
    }
    (negotiated, String::new())
}

#[tokio::test]
async fn the_gateway_serves_http1_and_offers_h2_over_tls() {
    let pki = pki();
    let node = tls_node(&pki.node).await;
    assert!(node.http_url().starts_with("https://"));
    let (alpn, status) = gateway_request(&node, &pki.ca, b"http/1.1").await;
    assert_eq!(alpn, b"http/1.1");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let (alpn, _) = gateway_request(&node, &pki.ca, b"h2").await;
    assert_eq!(alpn, b"h2");
    node.shutdown().await.unwrap();
}

/// A peer that connects and never says hello holds nothing up: other clients keep connecting.
#[tokio::test]
async fn a_silent_connection_does_not_block_handshakes() {
    let pki = pki();
    let node = tls_node(&pki.node).await;
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(
            tokio::net::TcpStream::connect(node.grpc_addr())
                .await
                .unwrap(),
        );
    }
    let api = connect(&node, &pki.ca).await;
    assert!(query(&api, "/xmtp/0/m-silent/proto").await.is_empty());
    drop(silent);
    node.shutdown().await.unwrap();
}
