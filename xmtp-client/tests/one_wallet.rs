//! One wallet on several devices: `new_conversation` chooses among existing conversations in the
//! order xmtp-js 13 does, so that every device of a wallet lands on the same conversation, and a
//! context whose conversation id is `""` behaves as in xmtp-js.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{node, options};
use xmtp_api::{QueryOptions, query_all};
use xmtp_client::{
    Address, Client, ClientOptions, Conversation, ConversationContext, ConversationVersion,
    LocalWallet,
};
use xmtp_keystore::{Invitation, PrivateKeyBundle, deterministic_invitation, seal_invitation};
use xmtp_node::RunningNode;
use xmtp_proto::topic;

/// A node and two new wallets, Alice's and Bob's.
async fn two_wallets() -> (RunningNode, LocalWallet, LocalWallet) {
    (
        node().await,
        LocalWallet::generate(),
        LocalWallet::generate(),
    )
}

async fn device(node: &RunningNode, wallet: &LocalWallet) -> Client {
    Client::create(wallet, options(node)).await.unwrap()
}

/// A device that publishes only the legacy v1 contact bundle, making it the wallet's newest.
async fn legacy_device(node: &RunningNode, wallet: &LocalWallet) -> Client {
    let options = ClientOptions {
        legacy_contact_only: true,
        ..options(node)
    };
    Client::create(wallet, options).await.unwrap()
}

/// Publishes `invitation` from `from` to `to` as a sender with these keys would.
async fn publish_invitation(from: &Client, to: &Client, invitation: &Invitation) {
    let me = PrivateKeyBundle::decode(from.export_keys().expose()).unwrap();
    let them = PrivateKeyBundle::decode(to.export_keys().expose())
        .unwrap()
        .signed_public_bundle();
    let sealed = seal_invitation(&me, &them, invitation, xmtp_api::now_ns()).unwrap();
    from.api().publish(sealed.envelopes()).await.unwrap();
}

fn plain_invitation(from: &Client, to: &Client) -> Invitation {
    let me = PrivateKeyBundle::decode(from.export_keys().expose()).unwrap();
    let them = PrivateKeyBundle::decode(to.export_keys().expose())
        .unwrap()
        .signed_public_bundle();
    deterministic_invitation(&me, &them, None, None).unwrap()
}

async fn converse(
    client: &Client,
    peer: Address,
    context: Option<ConversationContext>,
) -> Conversation {
    client
        .conversations()
        .new_conversation(peer, context)
        .await
        .unwrap()
}

async fn invitations_on(client: &Client, address: Address) -> usize {
    query_all(
        client.api().as_ref(),
        vec![topic::invite(&address.to_string())],
        QueryOptions::ascending(),
    )
    .await
    .unwrap()
    .len()
}

#[tokio::test]
async fn a_fresh_device_takes_v1_when_the_peers_newest_contact_is_v1_as_js_does() {
    let (node, alice, bob) = two_wallets().await;
    let first = device(&node, &alice).await;
    let _bob_v2 = device(&node, &bob).await;
    let v2 = converse(&first, bob.address(), None).await;
    assert_eq!(v2.version(), ConversationVersion::V2);
    // Bob then signs in with an app that publishes only his legacy contact.
    let _bob_v1 = legacy_device(&node, &bob).await;

    // A second device of Alice's wallet, before listing: no stored v2, newest contact v1.
    let second = device(&node, &alice).await;
    let picked = converse(&second, bob.address(), None).await;
    assert_eq!(
        picked.version(),
        ConversationVersion::V1,
        "{}",
        picked.topic()
    );
    assert_eq!(
        picked.topic(),
        topic::direct_message_v1(&alice.address().to_string(), &bob.address().to_string())
    );
    // The device that stored the v2 conversation keeps it, and so does the second once it
    // has listed (stored v2 comes first).
    let at_first = converse(&first, bob.address(), None).await;
    assert_eq!(at_first.topic(), v2.topic());
    second.conversations().list().await.unwrap();
    let after_list = converse(&second, bob.address(), None).await;
    assert_eq!(after_list.topic(), v2.topic());
    assert_eq!(invitations_on(&first, bob.address()).await, 1);
}

#[tokio::test]
async fn an_intro_wins_over_an_unsynced_v2_invitation_as_js_does() {
    let (node, alice, bob) = two_wallets().await;
    let first = device(&node, &alice).await;
    let bob_v1 = legacy_device(&node, &bob).await;
    let v1 = converse(&first, bob.address(), None).await;
    assert_eq!(v1.version(), ConversationVersion::V1);
    v1.send("hello over v1").await.unwrap();
    // Bob moves to v2, and a plain v2 invitation between them exists on the network.
    let bob_v2 = device(&node, &bob).await;
    publish_invitation(&bob_v2, &first, &plain_invitation(&bob_v2, &first)).await;
    drop(bob_v1);

    // A fresh device of Alice: no stored v2, contact v2, the v1 intro comes before invitations.
    let second = device(&node, &alice).await;
    let picked = converse(&second, bob.address(), None).await;
    assert_eq!(
        picked.version(),
        ConversationVersion::V1,
        "{}",
        picked.topic()
    );
    assert_eq!(picked.topic(), v1.topic());
    // With a conversation id, intros are not looked at: a new v2 conversation.
    let with_id = converse(
        &second,
        bob.address(),
        Some(ConversationContext::new("thread")),
    )
    .await;
    assert_eq!(with_id.version(), ConversationVersion::V2);
}

#[tokio::test]
async fn an_empty_conversation_id_derives_the_plain_topic_and_travels_in_the_invitation() {
    let (node, alice, bob) = two_wallets().await;
    let at_alice = device(&node, &alice).await;
    let at_bob = device(&node, &bob).await;

    let mut empty = ConversationContext::new("");
    empty.metadata.insert("title".into(), "no id".into());
    let created = converse(&at_alice, bob.address(), Some(empty.clone())).await;
    assert_eq!(created.version(), ConversationVersion::V2);
    assert_eq!(
        created.topic(),
        plain_invitation(&at_alice, &at_bob).topic,
        "same topic as no context"
    );
    assert_eq!(created.context(), Some(empty.clone()));
    assert_eq!(created.conversation_id(), None);

    let listed = at_bob.conversations().list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].topic(), created.topic());
    assert_eq!(
        listed[0].context(),
        Some(empty.clone()),
        "the invitation carries the context"
    );

    // No context, or "" again, on either side: the same topic, and nothing more published.
    for client in [&at_alice, &at_bob] {
        let peer = if client.address() == alice.address() {
            bob.address()
        } else {
            alice.address()
        };
        for context in [
            None,
            Some(empty.clone()),
            Some(ConversationContext::new("")),
        ] {
            let again = converse(client, peer, context).await;
            assert_eq!(again.topic(), created.topic());
        }
    }
    assert_eq!(invitations_on(&at_alice, bob.address()).await, 1);
}

#[tokio::test]
async fn an_empty_conversation_id_does_not_match_a_stored_conversation_without_context() {
    // xmtp-js compares `context?.conversationId === convo.context?.conversationId`: a stored
    // conversation without context (here an old random-topic one) is not reused for "".
    let (node, alice, bob) = two_wallets().await;
    let at_alice = device(&node, &alice).await;
    let at_bob = device(&node, &bob).await;
    publish_invitation(&at_bob, &at_alice, &Invitation::random(None)).await;
    let listed = at_alice.conversations().list().await.unwrap();
    assert_eq!(listed.len(), 1);
    let random = listed[0].topic().to_owned();

    let plain = converse(&at_alice, bob.address(), None).await;
    assert_eq!(plain.topic(), random, "no context matches no context");
    let empty = converse(&at_alice, bob.address(), Some(ConversationContext::new(""))).await;
    assert_ne!(empty.topic(), random);
    assert_eq!(empty.topic(), plain_invitation(&at_alice, &at_bob).topic);
}
