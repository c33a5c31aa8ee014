//! Sync cursors against wrong and hostile clocks: envelope timestamps are set by senders and
//! stored unchecked by nodes, so the client's invite and intro cursors come from its own clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::{node, options};
use xmtp_client::{
    Address, Client, ClientOptions, ConversationContext, ConversationVersion, FileBackend,
    LocalWallet, SkewedClock,
};
use xmtp_keystore::{LocalKeystore, PrivateKeyBundle, StoreKey};
use xmtp_node::RunningNode;
use xmtp_proto::topic;

const MINUTE_NS: u64 = 60 * 1_000_000_000;
const HOUR_NS: u64 = 60 * MINUTE_NS;
const TEN_YEARS_NS: u64 = 10 * 365 * 24 * HOUR_NS;

/// `options` publishing only the legacy contact bundle, so that a peer starting a conversation
/// without an id starts a v1 one (intro topic), and one with an id a v2 one (invite topic).
fn legacy(options: ClientOptions) -> ClientOptions {
    ClientOptions {
        legacy_contact_only: true,
        ..options
    }
}

async fn legacy_user(options: ClientOptions) -> Client {
    Client::create(&LocalWallet::generate(), legacy(options))
        .await
        .unwrap()
}

/// Mallory, any wallet with a token, publishes undecryptable envelopes stamped in the future on
/// `victim`'s invite and intro topics.
async fn publish_garbage_from_the_future(node: &RunningNode, victim: &Client) {
    let mallory = legacy_user(options(node)).await;
    let now = xmtp_api::now_ns();
    let me = victim.address().to_string();
    let envelopes = [topic::invite(&me), topic::intro(&me)]
        .into_iter()
        .flat_map(|content_topic| {
            [now + HOUR_NS, now + TEN_YEARS_NS].map(|timestamp_ns| xmtp_api::Envelope {
                content_topic: content_topic.clone(),
                timestamp_ns,
                message: b"garbage from the future".to_vec(),
            })
        })
        .collect();
    mallory.api().publish(envelopes).await.unwrap();
}

/// `from` invites `to` to a v2 conversation and starts a v1 one with a first message (an intro
/// on `to`'s intro topic); returns the two topics.
async fn invite_and_intro(from: &Client, to: Address) -> [String; 2] {
    let v2 = from
        .conversations()
        .new_conversation(to, Some(ConversationContext::new("after garbage")))
        .await
        .unwrap();
    assert_eq!(v2.version(), ConversationVersion::V2);
    let v1 = from
        .conversations()
        .new_conversation(to, None)
        .await
        .unwrap();
    assert_eq!(v1.version(), ConversationVersion::V1);
    v1.send("hello over v1").await.unwrap();
    [v2.topic().to_owned(), v1.topic().to_owned()]
}

async fn assert_discovers(client: &Client, topics: &[String]) {
    let report = client.conversations().sync().await.unwrap();
    let found: Vec<&str> = report.new_conversations.iter().map(|c| c.topic()).collect();
    for topic in topics {
        assert!(found.contains(&topic.as_str()), "{topic} not in {found:?}");
    }
}

/// The stored invite and intro cursors of `keys`' local store.
fn stored_cursors(backend: &Arc<FileBackend>, keys: &PrivateKeyBundle) -> [Option<u64>; 2] {
    let address = keys.wallet_address();
    let stored =
        LocalKeystore::open(Arc::clone(backend), StoreKey::from_identity(keys), address).unwrap();
    let me = address.to_string();
    [topic::invite(&me), topic::intro(&me)].map(|t| stored.state.cursors.get(&t).copied())
}

/// Garbage dated an hour and ten years ahead on the victim's invite and intro topics, read by a
/// sync: a real invitation and a real v1 intro from another wallet afterwards are found by the
/// victim restarted from its local store, and so are those of a sender whose clock is 4 minutes
/// slow. Before the cursors came from the client's clock, the restarted victim found neither
/// (the cursors had moved ten years ahead).
#[tokio::test]
async fn garbage_from_the_future_hides_no_later_invitation_or_intro() {
    let node = node().await;
    let dir = tempfile::tempdir().unwrap();
    let backend = Arc::new(FileBackend::new(dir.path().join("victim.keystore")));
    let persistent = legacy(options(&node).with_persistence(backend.clone()));
    let victim = legacy_user(persistent.clone()).await;
    let keys = PrivateKeyBundle::decode(victim.export_keys().expose()).unwrap();
    victim.conversations().sync().await.unwrap();

    publish_garbage_from_the_future(&node, &victim).await;
    let report = victim.conversations().sync().await.unwrap();
    // Of the garbage, the sync reads what is dated within an hour of its start (+1 h is, +10 y
    // is not), and opens none of it.
    assert_eq!(report.invitations_fetched, 1);
    assert_eq!(report.intros_fetched, 1);
    assert!(report.new_conversations.is_empty());
    let synced_by = xmtp_api::now_ns();
    for cursor in stored_cursors(&backend, &keys) {
        assert!(
            cursor.unwrap() <= synced_by,
            "a cursor never comes from an envelope"
        );
    }
    drop(victim);

    let alice = legacy_user(options(&node)).await;
    let topics = invite_and_intro(&alice, keys.wallet_address()).await;
    let restarted = Client::from_keys(keys.encode().expose(), persistent.clone())
        .await
        .unwrap();
    assert_discovers(&restarted, &topics).await;

    let slow_clock = Arc::new(SkewedClock::new(-4 * MINUTE_NS as i64));
    let slow = legacy_user(options(&node).with_clock(slow_clock)).await;
    let topics = invite_and_intro(&slow, keys.wallet_address()).await;
    drop(restarted);
    let restarted = Client::from_keys(keys.encode().expose(), persistent)
        .await
        .unwrap();
    assert_discovers(&restarted, &topics).await;
}

/// A local store written by a version that took its cursors from envelope timestamps may hold
/// cursors ten years ahead: they are ignored, and the next sync finds what is new.
#[tokio::test]
async fn a_stored_cursor_in_the_future_is_ignored() {
    let node = node().await;
    let dir = tempfile::tempdir().unwrap();
    let backend = Arc::new(FileBackend::new(dir.path().join("victim.keystore")));
    let persistent = legacy(options(&node).with_persistence(backend.clone()));
    let victim = legacy_user(persistent.clone()).await;
    let keys = PrivateKeyBundle::decode(victim.export_keys().expose()).unwrap();
    drop(victim);
    {
        let address = keys.wallet_address();
        let mut stored =
            LocalKeystore::open(backend.clone(), StoreKey::from_identity(&keys), address).unwrap();
        let me = address.to_string();
        let future = xmtp_api::now_ns() + TEN_YEARS_NS;
        stored.state.cursors.insert(topic::invite(&me), future);
        stored.state.cursors.insert(topic::intro(&me), future);
        stored.save().unwrap();
    }
    let alice = legacy_user(options(&node)).await;
    let topics = invite_and_intro(&alice, keys.wallet_address()).await;
    let restarted = Client::from_keys(keys.encode().expose(), persistent)
        .await
        .unwrap();
    assert_discovers(&restarted, &topics).await;
}
