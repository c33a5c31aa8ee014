//! Forward secrecy between xmtp-rs installations (issue 19) against the real node in process:
//! every installation of both wallets reads every message, a leaked store and leaked v2 keys
//! do not open what was read before, a revoked installation reads nothing after its
//! revocation, either side drops back to plain v2, and the installations topic is owner-only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::{node, options};
use xmtp_client::content::Content;
use xmtp_client::{
    Client, Conversation, Error, FORWARD_SECRET, FORWARD_SECRET_FALLBACK, KeystoreBackend,
    LocalWallet, MemoryBackend, MessageQuery, MessageResult,
};
use xmtp_node::RunningNode;
use xmtp_proto::topic;

async fn device(node: &RunningNode, wallet: &LocalWallet) -> Client {
    Client::create(wallet, options(node)).await.unwrap()
}

/// A device that keeps its state in `backend`.
async fn persistent_device(
    node: &RunningNode,
    wallet: &LocalWallet,
    backend: Arc<dyn KeystoreBackend>,
) -> Client {
    Client::create(wallet, options(node).with_persistence(backend))
        .await
        .unwrap()
}

/// `client`'s conversation on `topic` (found through its invite topic).
async fn conversation_on(client: &Client, topic: &str) -> Conversation {
    common::listed(client, topic).await
}

async fn all_messages(conversation: &Conversation) -> Vec<MessageResult> {
    conversation.messages(MessageQuery::all()).await.unwrap()
}

fn text_of(result: &MessageResult) -> Option<&str> {
    match result {
        Ok(m) => match &m.content {
            Content::Text(t) => Some(t),
            _ => None,
        },
        Err(_) => None,
    }
}

/// Every message of the conversation read by `client`: `(text, forward_secret)`, `None` for an
/// item that does not open.
async fn read(client: &Client, topic: &str) -> Vec<Option<(String, bool)>> {
    let conversation = conversation_on(client, topic).await;
    all_messages(&conversation)
        .await
        .iter()
        .map(|r| text_of(r).map(|t| (t.to_owned(), r.as_ref().map(|m| m.forward_secret).unwrap())))
        .collect()
}

fn fs(text: &str) -> Option<(String, bool)> {
    Some((text.to_owned(), true))
}

fn plain(text: &str) -> Option<(String, bool)> {
    Some((text.to_owned(), false))
}

#[tokio::test]
async fn three_installations_per_wallet_all_read_every_message() {
    let node = node().await;
    let (alice_wallet, bob_wallet) = (LocalWallet::generate(), LocalWallet::generate());
    let mut alices = Vec::new();
    let mut bobs = Vec::new();
    for _ in 0..3 {
        alices.push(device(&node, &alice_wallet).await);
        bobs.push(device(&node, &bob_wallet).await);
    }
    for client in alices.iter().chain(&bobs) {
        client.register_installation().await.unwrap();
    }
    assert_eq!(
        alices[0]
            .installations(alice_wallet.address())
            .await
            .unwrap()
            .active
            .len(),
        3
    );

    let conversation = common::start_conversation(&alices[0], &bobs[0]).await;
    conversation.enable_forward_secrecy().await.unwrap();
    assert!(conversation.is_forward_secret().await);
    conversation.send("from alice 0").await.unwrap();
    let topic = conversation.topic().to_owned();

    // Bob's second device answers with forward secrecy too.
    let bob_side = conversation_on(&bobs[1], &topic).await;
    assert_eq!(read(&bobs[1], &topic).await, vec![fs("from alice 0")]);
    bob_side.enable_forward_secrecy().await.unwrap();
    bob_side.send("from bob 1").await.unwrap();

    for client in alices.iter().chain(&bobs) {
        assert_eq!(
            read(client, &topic).await,
            vec![fs("from alice 0"), fs("from bob 1")],
            "{client:?}"
        );
    }
    // Reading again in the same run shows the same messages (the plaintexts are remembered).
    assert_eq!(
        read(&bobs[2], &topic).await,
        vec![fs("from alice 0"), fs("from bob 1")]
    );
}

/// A client that is no installation (an xmtp-js app, or ours without forward secrecy) sees the
/// fallback text, and the conversation goes on in plain v2 when the sender drops back.
#[tokio::test]
async fn either_side_drops_back_to_plain_v2_and_others_see_the_fallback() {
    let node = node().await;
    let (alice_wallet, bob_wallet) = (LocalWallet::generate(), LocalWallet::generate());
    let alice = device(&node, &alice_wallet).await;
    let bob = device(&node, &bob_wallet).await;
    let conversation = common::start_conversation(&alice, &bob).await;

    // Bob has no installation yet: forward secrecy cannot be turned on.
    let err = conversation.enable_forward_secrecy().await.unwrap_err();
    assert!(matches!(err, Error::PeerHasNoInstallations { .. }), "{err}");
    assert!(!conversation.is_forward_secret().await);

    bob.register_installation().await.unwrap();
    let plain_bob = device(&node, &bob_wallet).await;
    conversation.enable_forward_secrecy().await.unwrap();
    conversation.send("secret").await.unwrap();
    conversation.disable_forward_secrecy().await.unwrap();
    conversation.send("plain").await.unwrap();
    let topic = conversation.topic();

    assert_eq!(read(&bob, topic).await, vec![fs("secret"), plain("plain")]);
    let seen = all_messages(&conversation_on(&plain_bob, topic).await).await;
    let first = seen[0].as_ref().unwrap();
    assert_eq!(first.content_type, FORWARD_SECRET);
    assert!(!first.forward_secret);
    match &first.content {
        Content::Unknown(unknown) => {
            assert_eq!(unknown.fallback.as_deref(), Some(FORWARD_SECRET_FALLBACK));
        }
        other => panic!("expected the fallback, got {other:?}"),
    }
    assert_eq!(text_of(&seen[1]), Some("plain"));
}

/// Whoever obtains Bob's v2 keys and a copy of his store (the current ratchet state) reads the
/// plain v2 messages but none of the forward-secret ones Bob had already read; Bob himself,
/// restarted, cannot read them again either, and replays are refused.
#[tokio::test]
async fn leaked_keys_and_state_do_not_open_earlier_messages() {
    let node = node().await;
    let (alice_wallet, bob_wallet) = (LocalWallet::generate(), LocalWallet::generate());
    let alice = device(&node, &alice_wallet).await;
    let store = Arc::new(MemoryBackend::new());
    let bob = persistent_device(&node, &bob_wallet, store.clone()).await;
    bob.register_installation().await.unwrap();

    let conversation = common::start_conversation(&alice, &bob).await;
    conversation.send("plain before").await.unwrap();
    conversation.enable_forward_secrecy().await.unwrap();
    for text in ["secret 1", "secret 2"] {
        conversation.send(text).await.unwrap();
    }
    let topic = conversation.topic().to_owned();
    assert_eq!(
        read(&bob, &topic).await,
        vec![plain("plain before"), fs("secret 1"), fs("secret 2")]
    );
    let bob_id = bob.installation_id().await.unwrap();

    // The thief: Bob's exported keys and a byte copy of his current store.
    let stolen = Arc::new(MemoryBackend::new());
    stolen.write(&store.read().unwrap().unwrap()).unwrap();
    let thief = Client::from_keys(
        bob.export_keys().expose(),
        options(&node).with_persistence(stolen),
    )
    .await
    .unwrap();
    assert_eq!(thief.installation_id().await, Some(bob_id));
    assert_eq!(
        read(&thief, &topic).await,
        vec![plain("plain before"), None, None]
    );

    // Bob restarted: the same installation, and the messages it read are gone for it too.
    drop(bob);
    let bob = persistent_device(&node, &bob_wallet, store.clone()).await;
    assert_eq!(bob.installation_id().await, Some(bob_id));
    conversation.send("secret 3").await.unwrap();
    assert_eq!(
        read(&bob, &topic).await,
        vec![plain("plain before"), None, None, fs("secret 3")]
    );

    // A replay of an envelope already read (same payload, later timestamp) opens nothing.
    let envelopes = xmtp_api::query_all(
        alice.api().as_ref(),
        vec![topic.clone()],
        xmtp_api::QueryOptions::default(),
    )
    .await
    .unwrap();
    let mut replay = envelopes.last().unwrap().clone();
    replay.timestamp_ns += 1_000_000;
    alice.api().publish(vec![replay]).await.unwrap();
    drop(bob);
    let bob = persistent_device(&node, &bob_wallet, store).await;
    let after = read(&bob, &topic).await;
    assert_eq!(after.len(), 5);
    assert_eq!(after[3..], [None, None]);
}

/// A revoked installation gets no ciphertext after its revocation; revoking oneself wipes the
/// local state.
#[tokio::test]
async fn a_revoked_installation_reads_nothing_after_revocation() {
    let node = node().await;
    let (alice_wallet, bob_wallet) = (LocalWallet::generate(), LocalWallet::generate());
    let alice = device(&node, &alice_wallet).await;
    let bob_phone = device(&node, &bob_wallet).await;
    let bob_laptop = device(&node, &bob_wallet).await;
    for client in [&alice, &bob_phone, &bob_laptop] {
        client.register_installation().await.unwrap();
    }
    let conversation = common::start_conversation(&alice, &bob_phone).await;
    conversation.enable_forward_secrecy().await.unwrap();
    conversation.send("before").await.unwrap();
    let topic = conversation.topic().to_owned();
    assert_eq!(read(&bob_laptop, &topic).await, vec![fs("before")]);

    // The laptop is lost: the phone revokes it.
    let laptop_id = bob_laptop.installation_id().await.unwrap();
    bob_phone.revoke_installation(laptop_id).await.unwrap();
    let list = alice.installations(bob_wallet.address()).await.unwrap();
    assert!(list.revoked.contains(&laptop_id));
    assert!(!list.contains(&laptop_id));

    conversation.send("after").await.unwrap();
    assert_eq!(
        read(&bob_phone, &topic).await,
        vec![fs("before"), fs("after")]
    );
    assert_eq!(read(&bob_laptop, &topic).await, vec![fs("before"), None]);
    let conversation_at_laptop = conversation_on(&bob_laptop, &topic).await;
    let err = all_messages(&conversation_at_laptop)
        .await
        .pop()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            err.error,
            Error::Keystore(xmtp_keystore::Error::ForwardSecrecy(
                xmtp_keystore::FsError::NotARecipient
            ))
        ),
        "{err}"
    );

    // The phone revokes itself: its state is wiped and Alice can no longer enable forward
    // secrecy with Bob.
    let phone_id = bob_phone.installation_id().await.unwrap();
    bob_phone.revoke_installation(phone_id).await.unwrap();
    assert_eq!(bob_phone.installation_id().await, None);
    let fresh = common::start_conversation(&alice, &bob_phone).await;
    fresh.disable_forward_secrecy().await.unwrap();
    let err = fresh.enable_forward_secrecy().await.unwrap_err();
    assert!(matches!(err, Error::PeerHasNoInstallations { .. }), "{err}");
}

/// Only the wallet publishes on its installations topic (records signed by another identity
/// that reach it anyway are refused when read: the keystore's tests).
#[tokio::test]
async fn the_installations_topic_is_owner_only() {
    let node = node().await;
    let alice = device(&node, &LocalWallet::generate()).await;
    let mallory = device(&node, &LocalWallet::generate()).await;
    alice.register_installation().await.unwrap();
    let theirs = topic::installations(&alice.address().to_string());
    let forged = xmtp_keystore::Installation::new(1).keys_record(
        &xmtp_keystore::PrivateKeyBundle::decode(mallory.export_keys().expose()).unwrap(),
        xmtp_api::now_ns(),
    );
    let refused = mallory
        .api()
        .publish(vec![xmtp_api::Envelope {
            content_topic: theirs,
            timestamp_ns: xmtp_api::now_ns(),
            message: forged,
        }])
        .await;
    assert!(refused.is_err());
    assert_eq!(
        mallory
            .installations(alice.address())
            .await
            .unwrap()
            .active
            .len(),
        1
    );
}
