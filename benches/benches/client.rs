//! Client-level paths through xmtp-client against the real node in process (loopback gRPC,
//! temporary SQLite): listing 1,000 conversations cold and warm, and reading 10,000 messages from
//! 20 senders. Identities, invitations and messages are made and published once, outside timing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use tokio::runtime::Runtime;
use xmtp_api::Envelope;
use xmtp_client::content::{CodecRegistry, Content};
use xmtp_client::{ApiConfig, Client, ClientOptions, MessageQuery};
use xmtp_keystore::PrivateKeyBundle;
use xmtp_node::{Node, NodeConfig, RunningNode};

use crate::common::{Inbox, OwnedEnvelope, identity, invitations};

/// Envelopes per Publish request while loading the node.
const PUBLISH_BATCH: usize = 500;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The node as the client tests start it: no rate limits (we publish in bursts) and no retention.
async fn node() -> RunningNode {
    let mut config = NodeConfig::ephemeral();
    config.rate_limits.enabled = false;
    config.retention.enabled = false;
    Node::start(config).await.expect("the node starts")
}

/// A fresh client of `keys`: empty local state, so an empty bundle cache too.
async fn client(node: &RunningNode, keys: &PrivateKeyBundle) -> Client {
    let options = ClientOptions::new(ApiConfig::new(node.grpc_url()));
    Client::from_keys(keys.encode().expose(), options)
        .await
        .expect("a client")
}

async fn publish(client: &Client, envelopes: &[OwnedEnvelope]) {
    for chunk in envelopes.chunks(PUBLISH_BATCH) {
        let chunk = chunk
            .iter()
            .map(|e| Envelope {
                content_topic: e.topic.clone(),
                timestamp_ns: e.timestamp_ns,
                message: e.payload.clone(),
            })
            .collect();
        client.api().publish(chunk).await.expect("published");
    }
}

/// Runs `work` `iters` times, each on a fresh client of `keys` after `prepare`; only `work` is
/// timed.
async fn timed_on_fresh_clients<T>(
    node: &RunningNode,
    keys: &PrivateKeyBundle,
    iters: u64,
    prepare: impl AsyncFn(&Client) -> T,
    work: impl AsyncFn(T),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let fresh = client(node, keys).await;
        let input = prepare(&fresh).await;
        let start = Instant::now();
        work(input).await;
        total += start.elapsed();
    }
    total
}

fn list_conversations(c: &mut Criterion) {
    const CONVERSATIONS: usize = 1_000;
    let rt = runtime();
    let node = rt.block_on(node());
    let recipient = identity();
    let invites = invitations(&recipient, CONVERSATIONS, xmtp_api::now_ns());
    let warm = rt.block_on(async {
        let warm = client(&node, &recipient).await;
        publish(&warm, &invites).await;
        assert_eq!(
            warm.conversations().list().await.expect("listed").len(),
            CONVERSATIONS
        );
        warm
    });
    let mut g = c.benchmark_group("client/list_1000");
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("cold", |b| {
        b.iter_custom(|iters| {
            rt.block_on(timed_on_fresh_clients(
                &node,
                &recipient,
                iters,
                async |fresh| fresh.clone(),
                async |fresh| {
                    let listed = fresh.conversations().list().await.expect("listed");
                    assert_eq!(listed.len(), CONVERSATIONS);
                },
            ))
        })
    });
    g.bench_function("warm", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let listed = warm.conversations().list().await.expect("listed");
                    assert_eq!(listed.len(), CONVERSATIONS);
                }
                start.elapsed()
            })
        })
    });
    g.finish();
}

fn read_messages(c: &mut Criterion) {
    const SENDERS: usize = 20;
    const MESSAGES: usize = 10_000;
    let rt = runtime();
    let node = rt.block_on(node());
    let text = Content::from("m".repeat(1000));
    let content = CodecRegistry::default()
        .encode_to_bytes(&text, None)
        .expect("text encodes");
    let inbox = Inbox::new(SENDERS, MESSAGES, &content, xmtp_api::now_ns());
    rt.block_on(async {
        let loader = client(&node, &inbox.recipient).await;
        publish(&loader, &inbox.invitations).await;
        publish(&loader, &inbox.envelopes).await;
    });
    let mut g = c.benchmark_group("client");
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("read_10000_from_20", |b| {
        b.iter_custom(|iters| {
            rt.block_on(timed_on_fresh_clients(
                &node,
                &inbox.recipient,
                iters,
                async |fresh| {
                    let conversations = fresh.conversations().list().await.expect("listed");
                    assert_eq!(conversations.len(), SENDERS);
                    conversations
                },
                async |conversations| {
                    let mut read = 0;
                    for conversation in &conversations {
                        let page = conversation
                            .messages(MessageQuery::all())
                            .await
                            .expect("messages");
                        read += page.iter().flatten().count();
                    }
                    assert_eq!(read, MESSAGES);
                },
            ))
        })
    });
    g.finish();
}

criterion_group! {
    name = client_paths;
    config = common::slow();
    targets = list_conversations, read_messages
}
criterion_main!(client_paths);
