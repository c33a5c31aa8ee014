//! The node's end-to-end harness: a real node started in-process on ephemeral loopback ports
//! ([`TestNode`]), identities that mint auth tokens, gRPC (tonic) and HTTP (reqwest) clients,
//! and readers of streamed answers. Every `tests/*.rs` file includes it with `mod common;`.
//!
//! The suite generic over the storage backend is in [`suite`]; `load`, `pg` and `process` hold
//! load generation, PostgreSQL schemas and the node run as a separate process.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code, missing_docs)]

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use tonic::transport::Channel;
use xmtp_crypto::LocalWallet;
use xmtp_keystore::{AuthToken, IdentityCreation};
use xmtp_node::{Node, NodeConfig, RunningNode};
use xmtp_proto::message_api::v1 as api;
use xmtp_proto::message_api::v1::message_api_client::MessageApiClient;

pub mod gate;
pub mod load;
#[cfg(feature = "postgres")]
pub mod pg;
#[cfg(feature = "cli")]
pub mod process;
pub mod suite;

pub type Grpc = MessageApiClient<Channel>;

/// A unique topic prefix for this process and call.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let seed = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
    format!("{prefix}{seed:x}{}", N.fetch_add(1, Ordering::Relaxed))
}

pub fn m_topic() -> String {
    format!("/xmtp/0/m-{}/proto", unique("t"))
}

pub use xmtp_keystore::now_ns;

/// A wallet with an identity, able to mint auth tokens.
pub struct Identity {
    pub wallet: String,
    pub token: String,
}

impl Identity {
    pub fn new() -> Self {
        Self::minted(now_ns() / 1_000_000, now_ns())
    }

    pub fn expired() -> Self {
        Self::minted(1, now_ns() - 2 * 3_600_000_000_000)
    }

    /// A fresh wallet whose identity key is dated `key_ms` and whose token says `created_ns`.
    pub fn minted(key_ms: u64, created_ns: u64) -> Self {
        let wallet = LocalWallet::generate();
        let creation = IdentityCreation::new(wallet.address(), key_ms);
        let signature = wallet.personal_sign(creation.request().text.as_bytes());
        let bundle = creation
            .finish(signature.to_bytes_v27().expose(), key_ms)
            .unwrap();
        let token = AuthToken::create(&bundle, created_ns).authorization_header();
        Self {
            wallet: wallet.address().to_string(),
            token,
        }
    }
}

pub struct TestNode {
    pub node: RunningNode,
    pub http: reqwest::Client,
    pub base: String,
    pub me: Identity,
}

impl TestNode {
    pub async fn start(config: NodeConfig) -> Self {
        Self::start_as(config, Identity::new()).await
    }

    pub async fn start_as(config: NodeConfig, me: Identity) -> Self {
        let node = Node::start(config).await.unwrap();
        let base = node.http_url();
        Self {
            node,
            http: http_client(),
            base,
            me,
        }
    }

    pub async fn grpc(&self) -> Grpc {
        MessageApiClient::connect(self.node.grpc_url())
            .await
            .unwrap()
    }

    pub fn authed<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request
            .metadata_mut()
            .insert("authorization", self.me.token.parse().unwrap());
        request
    }

    pub async fn publish_grpc(&self, envelopes: Vec<api::Envelope>) {
        self.grpc()
            .await
            .publish(self.authed(api::PublishRequest { envelopes }))
            .await
            .unwrap();
    }

    /// POSTs a body; returns status, headers and the body text.
    pub async fn post(
        &self,
        path: &str,
        body: impl Into<reqwest::Body>,
        headers: &[(&str, &str)],
    ) -> (u16, reqwest::header::HeaderMap, String) {
        let mut request = self.http.post(format!("{}{path}", self.base)).body(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.unwrap())
    }

    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let (status, _, text) = self
            .post(path, body.to_string(), &[("authorization", &self.me.token)])
            .await;
        (status, serde_json::from_str(&text).unwrap())
    }

    /// The node's `/metrics` page.
    pub async fn metrics_text(&self) -> String {
        metrics_text(&self.base, &self.http).await
    }

    pub async fn metric(&self, name: &str) -> f64 {
        metric(&self.base, &self.http, name).await
    }

    /// Waits until the node's metric `name` satisfies `want` (see [`await_metric`]).
    pub async fn await_metric(&self, name: &str, want: impl Fn(f64) -> bool) {
        await_metric(&self.base, &self.http, name, want).await;
    }

    /// Waits until the active-subscription gauge reads `n`.
    pub async fn await_subscriptions(&self, n: f64) {
        await_subscriptions(&self.base, &self.http, n).await;
    }
}

/// The `/metrics` page of the node whose gateway is at `base`.
pub async fn metrics_text(base: &str, client: &reqwest::Client) -> String {
    client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The value of the unlabelled metric `name` on the node at `base`.
pub async fn metric(base: &str, client: &reqwest::Client, name: &str) -> f64 {
    let text = metrics_text(base, client).await;
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("metric {name} missing in\n{text}"))
}

/// Waits (up to 10 s) until the metric `name` of the node at `base` satisfies `want`: the event
/// a test waits for is the node counting it (registering a subscriber, deleting an envelope).
pub async fn await_metric(
    base: &str,
    client: &reqwest::Client,
    name: &str,
    want: impl Fn(f64) -> bool,
) {
    for _ in 0..1000 {
        if want(metric(base, client, name).await) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{name} stayed at {}", metric(base, client, name).await);
}

/// Waits until the active-subscription gauge of the node at `base` reads `n`: the node has
/// registered (or dropped) its subscribers.
pub async fn await_subscriptions(base: &str, client: &reqwest::Client, n: f64) {
    await_metric(base, client, "xmtp_node_active_subscriptions", |now| {
        now == n
    })
    .await;
}

/// Writes an HTTP/1.1 Subscribe on `topic` to a raw connection (whose answer the caller may
/// never read).
pub fn write_subscribe(conn: &mut std::net::TcpStream, topic: &str) {
    use std::io::Write as _;
    let body = serde_json::json!({ "contentTopics": [topic] }).to_string();
    write!(
        conn,
        "POST /message/v1/subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
}

pub fn envelope(topic: &str, ts: u64, message: &[u8]) -> api::Envelope {
    api::Envelope {
        content_topic: topic.to_owned(),
        timestamp_ns: ts,
        message: message.to_vec(),
    }
}

pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn digest(topic: &str, message: &[u8]) -> Vec<u8> {
    xmtp_crypto::sha256_concat(&[topic.as_bytes(), message]).to_vec()
}

/// Reads NDJSON lines from a streaming HTTP response.
pub struct Lines {
    stream:
        std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: Vec<u8>,
}

impl Lines {
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            stream: Box::pin(response.bytes_stream()),
            buffer: Vec::new(),
        }
    }

    /// The next line (without `\n`), or `None` at the end of the body.
    pub async fn next(&mut self) -> Option<String> {
        loop {
            if let Some(at) = self.buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=at).collect();
                return Some(String::from_utf8(line[..at].to_vec()).unwrap());
            }
            match tokio::time::timeout(Duration::from_secs(10), self.stream.next())
                .await
                .expect("stream stalled")
            {
                Some(chunk) => self.buffer.extend_from_slice(&chunk.unwrap()),
                None => {
                    assert!(
                        self.buffer.is_empty(),
                        "partial line at end: {:?}",
                        self.buffer
                    );
                    return None;
                }
            }
        }
    }
}

/// The next envelope on one of `topics`, skipping others: SubscribeAll also sees what other
/// cases (or other nodes sharing the database) publish.
pub async fn next_on(
    stream: &mut tonic::Streaming<api::Envelope>,
    topics: &[&str],
) -> api::Envelope {
    loop {
        let envelope = stream.message().await.unwrap().unwrap();
        if topics.contains(&envelope.content_topic.as_str()) {
            return envelope;
        }
    }
}

/// Opens a Subscribe2 stream on `topics`; the sender changes its topic set (and keeps it open).
pub async fn subscribe2(
    grpc: &mut Grpc,
    topics: Vec<String>,
) -> (
    tokio::sync::mpsc::Sender<api::SubscribeRequest>,
    tonic::Streaming<api::Envelope>,
) {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tx.send(api::SubscribeRequest {
        content_topics: topics,
    })
    .await
    .unwrap();
    let stream = grpc
        .subscribe2(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    (tx, stream)
}

/// An HTTP client for the gateway. reqwest is built workspace-wide without a default rustls
/// crypto provider (xmtp-client brings its own), so one is installed before building a client.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// A libp2p test peer with `behaviour` over TCP, Noise and yamux, dialled to `addr` (which
/// ends in `/p2p/<peer id>`), once connected; and the node's peer id.
#[cfg(feature = "waku")]
pub async fn connected_swarm<B>(
    addr: &str,
    behaviour: B,
    idle: std::time::Duration,
) -> (libp2p::Swarm<B>, libp2p::PeerId)
where
    B: libp2p::swarm::NetworkBehaviour,
{
    use futures_util::StreamExt as _;
    let mut swarm = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            libp2p::tcp::Config::default(),
            libp2p::noise::Config::new,
            libp2p::yamux::Config::default,
        )
        .expect("TCP, Noise and yamux")
        .with_behaviour(|_| behaviour)
        .expect("the behaviour")
        .with_swarm_config(|c| c.with_idle_connection_timeout(idle))
        .build();
    let addr: libp2p::Multiaddr = addr.parse().expect("a multiaddr");
    let Some(libp2p::multiaddr::Protocol::P2p(node)) = addr.iter().last() else {
        panic!("no peer id in {addr}");
    };
    swarm.dial(addr).expect("dialling");
    let connected = async {
        loop {
            if let libp2p::swarm::SwarmEvent::ConnectionEstablished { .. } =
                swarm.select_next_some().await
            {
                break;
            }
        }
    };
    tokio::time::timeout(idle, connected)
        .await
        .expect("timed out connecting");
    (swarm, node)
}
