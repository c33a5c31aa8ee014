//! Live streams and v1 conversations through the real node.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::{listed, next, node, options, start_conversation, user};
use xmtp_client::content::Content;
use xmtp_client::{
    Client, ClientOptions, ConnectionEvent, ConversationContext, ConversationVersion,
    DecodedMessage, LocalWallet, MessageQuery,
};
use xmtp_node::{Node, NodeConfig, RunningNode};

fn text(message: &DecodedMessage) -> String {
    match &message.content {
        Content::Text(t) => t.clone(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn streams_new_conversations_and_one_conversations_messages() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let mut invitations = bob.conversations().stream().await.unwrap();

    let conversation = alice
        .conversations()
        .new_conversation(bob.address(), Some(ConversationContext::new("live")))
        .await
        .unwrap();
    let at_bob = next(&mut invitations).await.unwrap();
    assert_eq!(at_bob.topic(), conversation.topic());
    assert_eq!(at_bob.conversation_id(), Some("live"));

    let mut messages = at_bob.stream_messages().await.unwrap();
    for i in 0..3 {
        conversation.send(format!("live {i}")).await.unwrap();
    }
    for i in 0..3 {
        let message = next(&mut messages).await.unwrap().unwrap();
        assert_eq!(text(&message), format!("live {i}"));
        assert_eq!(message.sender, alice.address());
        assert_eq!(message.recipient, bob.address());
    }
}

#[tokio::test]
async fn stream_all_messages_includes_conversations_started_after_it() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let (_, carol) = user(&node).await;
    let existing = start_conversation(&alice, &bob).await;
    let mut all = bob.conversations().stream_all_messages().await.unwrap();

    existing.send("on the old one").await.unwrap();
    let first = next(&mut all).await.unwrap().unwrap();
    assert_eq!(text(&first), "on the old one");

    // A conversation that did not exist when the stream started; the first message follows the
    // invitation immediately.
    let fresh = start_conversation(&carol, &bob).await;
    fresh.send("from a new conversation").await.unwrap();
    let second = next(&mut all).await.unwrap().unwrap();
    assert_eq!(text(&second), "from a new conversation");
    assert_eq!(second.conversation_topic, fresh.topic());
    assert_eq!(second.sender, carol.address());

    fresh.send("and another").await.unwrap();
    existing.send("back on the old one").await.unwrap();
    let got: BTreeSet<String> = [
        text(&next(&mut all).await.unwrap().unwrap()),
        text(&next(&mut all).await.unwrap().unwrap()),
    ]
    .into();
    assert_eq!(
        got,
        BTreeSet::from(["and another".to_owned(), "back on the old one".to_owned()])
    );
}

/// A client that publishes only its legacy contact bundle, as very old clients did.
async fn legacy_client(node: &RunningNode) -> Client {
    Client::create(
        &LocalWallet::generate(),
        ClientOptions {
            legacy_contact_only: true,
            ..options(node)
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn v1_conversation_with_a_legacy_peer_is_discovered_from_intros() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let old_friend = legacy_client(&node).await;
    let mut started = old_friend.conversations().stream().await.unwrap();

    let conversation = start_conversation(&alice, &old_friend).await;
    assert_eq!(conversation.version(), ConversationVersion::V1);
    assert!(conversation.topic().starts_with("/xmtp/0/dm-"));
    conversation.send("hello old friend").await.unwrap();
    conversation.send("second").await.unwrap();
    let streamed = next(&mut started).await.unwrap();
    assert_eq!(streamed.version(), ConversationVersion::V1);
    assert_eq!(streamed.topic(), conversation.topic());

    let listed = old_friend.conversations().list().await.unwrap();
    assert_eq!(listed.len(), 1);
    let at_friend = &listed[0];
    assert_eq!(at_friend.version(), ConversationVersion::V1);
    assert_eq!(at_friend.topic(), conversation.topic());
    assert_eq!(at_friend.peer_address(), alice.address());
    at_friend.send("hi back").await.unwrap();

    let messages: Vec<DecodedMessage> = conversation
        .messages(MessageQuery::all())
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.unwrap())
        .collect();
    assert_eq!(
        messages.iter().map(text).collect::<Vec<_>>(),
        ["hello old friend", "second", "hi back"]
    );
    assert_eq!(messages[0].recipient, old_friend.address());
    assert_eq!(messages[2].sender, old_friend.address());
    assert_eq!(messages[2].recipient, alice.address());
    // Alice lists it too, from her own intro topic.
    let at_alice = alice.conversations().list().await.unwrap();
    assert_eq!(at_alice.len(), 1);
    assert_eq!(at_alice[0].topic(), conversation.topic());

    // Without a conversation id the v1 conversation is resumed; with one, the legacy bundle is
    // converted and a v2 conversation starts (protocol.md §7.1).
    let resumed = start_conversation(&alice, &old_friend).await;
    assert_eq!(resumed.topic(), conversation.topic());
    let threaded = alice
        .conversations()
        .new_conversation(
            old_friend.address(),
            Some(ConversationContext::new("thread")),
        )
        .await
        .unwrap();
    assert_eq!(threaded.version(), ConversationVersion::V2);
    threaded.send("over v2 now").await.unwrap();
    let at_friend = old_friend
        .conversations()
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.version() == ConversationVersion::V2)
        .expect("the v2 conversation reaches the legacy peer");
    let messages = at_friend.messages(MessageQuery::all()).await.unwrap();
    assert_eq!(text(messages[0].as_ref().unwrap()), "over v2 now");
}

/// A node on a file in `dir`, to be restarted on the same store; and its configuration.
async fn restartable_node(dir: &tempfile::TempDir) -> (RunningNode, NodeConfig) {
    let mut config = NodeConfig::ephemeral();
    config.rate_limits.enabled = false;
    config.database = xmtp_node::Database::Sqlite(dir.path().join("node.db"));
    (Node::start(config.clone()).await.unwrap(), config)
}

/// The node of `config` started again on the gRPC address it had.
async fn restart(mut config: NodeConfig, grpc: std::net::SocketAddr) -> RunningNode {
    config.grpc_addr = grpc;
    Node::start(config).await.unwrap()
}

#[tokio::test]
async fn message_stream_survives_a_node_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (node, config) = restartable_node(&dir).await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let conversation = start_conversation(&alice, &bob).await;
    let at_bob = bob.conversations().list().await.unwrap().remove(0);
    let mut live = at_bob.stream_messages().await.unwrap();
    conversation.send("before").await.unwrap();
    assert_eq!(text(&next(&mut live).await.unwrap().unwrap()), "before");

    // The app hears of the outage and the recovery while it waits on the stream.
    let mut events = bob.connection_events();
    let grpc = node.grpc_addr();
    node.shutdown().await.unwrap();
    let reader = tokio::spawn(async move {
        let message = next(&mut live).await.unwrap().unwrap();
        (text(&message), live)
    });
    assert!(matches!(
        next(&mut events).await,
        ConnectionEvent::Disconnected { .. }
    ));
    let node = restart(config, grpc).await;
    loop {
        match next(&mut events).await {
            ConnectionEvent::Reconnected { .. } => break,
            ConnectionEvent::Disconnected { .. } => {} // a failed attempt while it was down
            other => panic!("unexpected {other:?}"),
        }
    }
    conversation.send("after").await.unwrap();
    let (after, live) = reader.await.unwrap();
    assert_eq!(after, "after");
    drop(live);
    node.shutdown().await.unwrap();
}

/// Messages sent before a stream opened are never delivered by it, even after the node restarts
/// and the stream reconnects and backfills (before, `stream_messages` and `stream_all_messages`
/// replayed up to five minutes of history after a reconnect).
#[tokio::test]
async fn streams_never_replay_messages_sent_before_they_opened() {
    let dir = tempfile::tempdir().unwrap();
    let (node, config) = restartable_node(&dir).await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let conversation = start_conversation(&alice, &bob).await;
    conversation.send("old 1").await.unwrap();
    conversation.send("old 2").await.unwrap();
    let at_bob = bob.conversations().list().await.unwrap().remove(0);
    let mut one = at_bob.stream_messages().await.unwrap();
    let mut all = bob.conversations().stream_all_messages().await.unwrap();
    conversation.send("new").await.unwrap();
    assert_eq!(text(&next(&mut one).await.unwrap().unwrap()), "new");
    assert_eq!(text(&next(&mut all).await.unwrap().unwrap()), "new");

    let mut events = bob.connection_events();
    let grpc = node.grpc_addr();
    node.shutdown().await.unwrap();
    let readers = [one, all].map(|mut stream| {
        tokio::spawn(async move { text(&next(&mut stream).await.unwrap().unwrap()) })
    });
    let node = restart(config, grpc).await;
    let mut reconnected = 0;
    while reconnected < 2 {
        if let ConnectionEvent::Reconnected { .. } = next(&mut events).await {
            reconnected += 1;
        }
    }
    conversation.send("after").await.unwrap();
    for reader in readers {
        assert_eq!(reader.await.unwrap(), "after");
    }
    node.shutdown().await.unwrap();
}

/// `Conversations::stream` yields the conversations this client starts itself, v2 and v1, as
/// xmtp-js does, besides those peers start; each once. `stream_all_messages` follows a
/// conversation this client starts while it runs (before, neither saw them).
#[tokio::test]
async fn streams_follow_conversations_this_client_starts() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let old_friend = legacy_client(&node).await;
    let mut started = bob.conversations().stream().await.unwrap();
    let mut all = bob.conversations().stream_all_messages().await.unwrap();

    let mine = bob
        .conversations()
        .new_conversation(alice.address(), Some(ConversationContext::new("mine")))
        .await
        .unwrap();
    assert_eq!(next(&mut started).await.unwrap().topic(), mine.topic());
    mine.send("from me").await.unwrap();
    let got = next(&mut all).await.unwrap().unwrap();
    assert_eq!(
        (text(&got), got.sender),
        ("from me".to_owned(), bob.address())
    );
    let at_alice = listed(&alice, mine.topic()).await;
    at_alice.send("from alice").await.unwrap();
    assert_eq!(text(&next(&mut all).await.unwrap().unwrap()), "from alice");

    let theirs = alice
        .conversations()
        .new_conversation(bob.address(), Some(ConversationContext::new("theirs")))
        .await
        .unwrap();
    assert_eq!(next(&mut started).await.unwrap().topic(), theirs.topic());

    // A v1 conversation starts with its first message, whose intro reaches my intro topic too.
    let v1 = start_conversation(&bob, &old_friend).await;
    assert_eq!(v1.version(), ConversationVersion::V1);
    v1.send("hello old friend").await.unwrap();
    v1.send("again").await.unwrap();
    let got = next(&mut started).await.unwrap();
    assert_eq!(got.topic(), v1.topic());
    assert_eq!(got.peer_address(), old_friend.address());
    let texts: Vec<String> = [next(&mut all).await, next(&mut all).await]
        .into_iter()
        .map(|m| text(&m.unwrap().unwrap()))
        .collect();
    assert_eq!(texts, ["hello old friend", "again"]);

    // Each once: the next conversation is a new one, not a repeat.
    let last = bob
        .conversations()
        .new_conversation(alice.address(), Some(ConversationContext::new("last")))
        .await
        .unwrap();
    assert_eq!(next(&mut started).await.unwrap().topic(), last.topic());
}
