//! Helpers shared by the scenario tests: the real node in process, and users on it.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use xmtp_client::{ApiConfig, Client, ClientOptions, LocalWallet};
use xmtp_node::{Node, NodeConfig, RunningNode};

/// A node on ephemeral loopback ports, without rate limits (tests publish in bursts).
pub async fn node() -> RunningNode {
    let mut config = NodeConfig::ephemeral();
    config.rate_limits.enabled = false;
    Node::start(config).await.unwrap()
}

pub fn options(node: &RunningNode) -> ClientOptions {
    ClientOptions::new(ApiConfig::new(node.grpc_url()))
}

/// A new wallet with its client (identity created, stored and published).
pub async fn user(node: &RunningNode) -> (LocalWallet, Client) {
    let wallet = LocalWallet::generate();
    let client = Client::create(&wallet, options(node)).await.unwrap();
    (wallet, client)
}

/// A new wallet's client reading the time from `clock` (a `ManualClock` orders its sends).
pub async fn user_on(node: &RunningNode, clock: Arc<dyn xmtp_client::Clock>) -> Client {
    let wallet = LocalWallet::generate();
    Client::create(&wallet, options(node).with_clock(clock))
        .await
        .unwrap()
}

/// The next item of a stream, failing the test after 20 s.
pub async fn next<S: Stream + Unpin>(stream: &mut S) -> S::Item {
    tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .expect("stream timed out")
        .expect("stream ended")
}

/// `from` starts a v2 conversation with `to`, without a conversation id.
pub async fn start_conversation(from: &Client, to: &Client) -> xmtp_client::Conversation {
    from.conversations()
        .new_conversation(to.address(), None)
        .await
        .unwrap()
}

/// `from` starts a v2 conversation with `to` under `conversation_id`.
pub async fn conversation_with_id(
    from: &Client,
    to: &Client,
    conversation_id: &str,
) -> xmtp_client::Conversation {
    from.conversations()
        .new_conversation(
            to.address(),
            Some(xmtp_client::ConversationContext::new(conversation_id)),
        )
        .await
        .unwrap()
}

/// `client`'s conversation on `topic`, read from the network.
pub async fn listed(client: &Client, topic: &str) -> xmtp_client::Conversation {
    client
        .conversations()
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.topic() == topic)
        .unwrap()
}
