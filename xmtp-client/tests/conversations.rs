//! Conversations and messages between clients through the real node.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::{node, options, start_conversation, user, user_on};
use futures::StreamExt;
use xmtp_api::{QueryOptions, XmtpApi, query_all};
use xmtp_client::content::{Attachment, Content, Reaction, ReactionAction, ReactionSchema, Reply};
use xmtp_client::{
    Client, Clock, Consent, ConsentProof, ConversationContext, ConversationVersion, DecodedMessage,
    Direction, Envelope, Error, FileBackend, ListFilter, ListOrder, ManualClock, MessageQuery,
    MessageResult, SendOptions, decode_envelope,
};
use xmtp_keystore::{
    LocalKeystore, PrivateKeyBundle, SealOptions, StoreKey, deterministic_invitation,
    seal_invitation, seal_v2_message,
};

fn ok(items: Vec<MessageResult>) -> Vec<DecodedMessage> {
    items.into_iter().map(|m| m.unwrap()).collect()
}

fn texts(messages: &[DecodedMessage]) -> Vec<String> {
    messages
        .iter()
        .map(|m| match &m.content {
            Content::Text(t) => t.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

fn context() -> ConversationContext {
    let mut context = ConversationContext::new("example.com/thread/1");
    context.metadata.insert("title".into(), "Lunch".into());
    context
}

#[tokio::test]
async fn conversation_with_context_is_seen_by_both_sides_and_reused() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;

    let at_alice = alice
        .conversations()
        .new_conversation(bob.address(), Some(context()))
        .await
        .unwrap();
    assert_eq!(at_alice.version(), ConversationVersion::V2);
    assert_eq!(at_alice.peer_address(), bob.address());
    assert!(at_alice.topic().starts_with("/xmtp/0/m-"));

    let listed = bob.conversations().list().await.unwrap();
    assert_eq!(listed.len(), 1);
    let at_bob = &listed[0];
    assert_eq!(at_bob.topic(), at_alice.topic());
    assert_eq!(at_bob.peer_address(), alice.address());
    assert_eq!(at_bob.context(), Some(context()));
    assert_eq!(at_bob.created_ns(), at_alice.created_ns());

    // Same peer and id: the same conversation; another id: another topic; no id: another.
    let again = alice
        .conversations()
        .new_conversation(bob.address(), Some(context()))
        .await
        .unwrap();
    assert_eq!(again.topic(), at_alice.topic());
    let other = alice
        .conversations()
        .new_conversation(bob.address(), Some(ConversationContext::new("other")))
        .await
        .unwrap();
    assert_ne!(other.topic(), at_alice.topic());
    // Bob starting the plain conversation lands on the topic Alice would derive too.
    let plain_bob = start_conversation(&bob, &alice).await;
    let plain_alice = start_conversation(&alice, &bob).await;
    assert_eq!(plain_bob.topic(), plain_alice.topic());
    assert_eq!(alice.conversations().list().await.unwrap().len(), 3);

    let filtered = bob
        .conversations()
        .list_with(&ListFilter {
            conversation_id: Some("other".into()),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].topic(), other.topic());

    // Creating a conversation allows the peer.
    assert_eq!(
        alice.consent_state(bob.address()).await.unwrap(),
        Consent::Allowed
    );
}

#[tokio::test]
async fn racing_calls_create_one_conversation() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let conversations = alice.conversations();
    let (a, b) = tokio::join!(
        conversations.new_conversation(bob.address(), Some(context())),
        conversations.new_conversation(bob.address(), Some(context())),
    );
    assert_eq!(a.unwrap().topic(), b.unwrap().topic());
    let invites = query_all(
        alice.api().as_ref(),
        vec![xmtp_proto::topic::invite(&bob.address().to_string())],
        QueryOptions::ascending(),
    )
    .await
    .unwrap();
    assert_eq!(invites.len(), 1, "one invitation published");
}

#[tokio::test]
async fn new_conversation_refuses_self_and_unknown_peers() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let stranger = xmtp_client::LocalWallet::generate().address();
    let err = alice
        .conversations()
        .new_conversation(stranger, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotOnNetwork { .. }), "{err:?}");
    let err = alice
        .conversations()
        .new_conversation(alice.address(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Keystore(_)), "{err:?}");
}

#[tokio::test]
async fn text_reaction_reply_and_attachment_round_trip_in_order() {
    let node = node().await;
    // One clock for both, moved a millisecond before each later send: the order of the four
    // messages is their send order, whichever client sent them (on the system clock, a reply
    // and the next message from the other side could share a millisecond).
    let clock = Arc::new(ManualClock::at_system_now());
    let tick = || clock.advance(std::time::Duration::from_millis(1));
    let alice = user_on(&node, clock.clone()).await;
    let bob = user_on(&node, clock.clone()).await;
    let conversation = start_conversation(&alice, &bob).await;

    let prepared = conversation
        .prepare_message(&Content::from("hello bob"), SendOptions::default())
        .await
        .unwrap();
    let hello_id = prepared.id().to_owned();
    assert_eq!(prepared.send().await.unwrap(), hello_id);

    let at_bob = bob.conversations().list().await.unwrap().remove(0);
    assert_eq!(at_bob.consent_state().await.unwrap(), Consent::Unknown);
    let requests = bob
        .conversations()
        .list_with(&ListFilter {
            consent: Some(Consent::Unknown),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(requests.len(), 1, "a new conversation is a request");
    let reaction = Reaction {
        reference: hello_id.clone(),
        reference_inbox_id: None,
        action: ReactionAction::Added,
        schema: ReactionSchema::Unicode,
        content: "👍".into(),
    };
    tick();
    at_bob.send(reaction.clone()).await.unwrap();
    let reply = Reply {
        reference: hello_id.clone(),
        reference_inbox_id: None,
        content: Box::new(Content::from("hi alice")),
    };
    tick();
    at_bob.send(reply.clone()).await.unwrap();
    let attachment = Attachment {
        filename: "a.txt".into(),
        mime_type: "text/plain".into(),
        data: b"attached bytes".to_vec(),
    };
    tick();
    conversation
        .send_with(
            &Content::from(attachment.clone()),
            SendOptions {
                compression: Some(xmtp_client::content::Compression::Deflate),
                ..SendOptions::default()
            },
        )
        .await
        .unwrap();

    for side in [&conversation, &at_bob] {
        let messages = ok(side.messages(MessageQuery::all()).await.unwrap());
        assert_eq!(messages.len(), 4);
        assert_eq!(messages[0].id, hello_id);
        assert_eq!(messages[0].content, Content::from("hello bob"));
        assert_eq!(messages[0].sender, alice.address());
        assert_eq!(messages[1].content, Content::from(reaction.clone()));
        assert_eq!(messages[1].sender, bob.address());
        assert_eq!(messages[2].content, Content::from(reply.clone()));
        assert_eq!(messages[3].content, Content::from(attachment.clone()));
        assert!(messages.windows(2).all(|w| w[0].sent_ns < w[1].sent_ns));
    }
    // Bob replied, so Alice is allowed on his side too.
    assert_eq!(at_bob.consent_state().await.unwrap(), Consent::Allowed);
    at_bob.deny().await.unwrap();
    assert_eq!(
        bob.consent_state(alice.address()).await.unwrap(),
        Consent::Denied
    );
}

#[tokio::test]
async fn messages_page_with_limit_direction_and_bounds() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let conversation = start_conversation(&alice, &bob).await;
    // A client's send times strictly increase (whole milliseconds), however fast it sends.
    for i in 0..7 {
        conversation.send(format!("m{i}")).await.unwrap();
    }
    let all = ok(conversation.messages(MessageQuery::all()).await.unwrap());
    assert_eq!(texts(&all), ["m0", "m1", "m2", "m3", "m4", "m5", "m6"]);

    let latest = ok(conversation
        .messages(MessageQuery::latest(3))
        .await
        .unwrap());
    assert_eq!(texts(&latest), ["m6", "m5", "m4"]);

    let bounded = ok(conversation
        .messages(MessageQuery {
            start_ns: Some(all[2].sent_ns),
            end_ns: Some(all[4].sent_ns),
            direction: Direction::Descending,
            ..MessageQuery::all()
        })
        .await
        .unwrap());
    assert_eq!(texts(&bounded), ["m4", "m3", "m2"]);

    let mut pages = conversation.message_pages(MessageQuery::all(), 3);
    let mut sizes = Vec::new();
    let mut paged = Vec::new();
    while let Some(page) = pages.next().await {
        let page = ok(page.unwrap());
        sizes.push(page.len());
        paged.extend(page);
    }
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(texts(&paged), texts(&all));
}

#[tokio::test]
async fn forged_garbage_and_cross_topic_messages_are_reported_per_item() {
    let node = node().await;
    // Alice's clock moves only when told: the injected envelopes are stamped after her first
    // two messages and before her last one (on the system clock, her last could share the
    // injected ones' millisecond and sort before them).
    let clock = Arc::new(ManualClock::at_system_now());
    let alice = user_on(&node, clock.clone()).await;
    let (_, bob) = user(&node).await;
    let (_, mallory) = user(&node).await;
    let first = alice
        .conversations()
        .new_conversation(bob.address(), Some(ConversationContext::new("first")))
        .await
        .unwrap();
    let second = alice
        .conversations()
        .new_conversation(bob.address(), Some(ConversationContext::new("second")))
        .await
        .unwrap();
    first.send("genuine").await.unwrap();
    let from_second = second.send("meant for the second").await.unwrap();

    let api: &Arc<dyn XmtpApi> = alice.api();
    let second_envelopes = query_all(
        api.as_ref(),
        vec![second.topic().to_owned()],
        QueryOptions::ascending(),
    )
    .await
    .unwrap();
    let now = clock.now_ns() + 10_000_000;
    // A message of the second conversation replayed on the first topic.
    let replayed = xmtp_api::Envelope {
        content_topic: first.topic().to_owned(),
        timestamp_ns: now,
        message: second_envelopes[0].message.clone(),
    };
    // Bytes that are no message at all.
    let garbage = xmtp_api::Envelope {
        content_topic: first.topic().to_owned(),
        timestamp_ns: now + 1,
        message: b"not a message".to_vec(),
    };
    // Mallory learnt the topic and key (e.g. a leaked TopicData) and signs with her own keys.
    let mallory_keys = PrivateKeyBundle::decode(mallory.export_keys().expose()).unwrap();
    let leaked = xmtp_keystore::Conversation::import_topic_data(
        alice.address(),
        first.topic_data().unwrap().expose(),
    )
    .unwrap();
    let forged_content = alice
        .registry()
        .encode_to_bytes(&Content::from("forged"), None)
        .unwrap();
    let forged = seal_v2_message(
        &mallory_keys,
        &leaked,
        &forged_content,
        now + 2,
        SealOptions::default(),
    )
    .unwrap();
    mallory
        .api()
        .publish(vec![
            replayed,
            garbage,
            xmtp_api::Envelope {
                content_topic: first.topic().to_owned(),
                timestamp_ns: now + 2,
                message: forged.payload,
            },
        ])
        .await
        .unwrap();
    clock.advance(std::time::Duration::from_secs(1));
    first.send("still readable").await.unwrap();

    let at_bob = bob
        .conversations()
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.topic() == first.topic())
        .unwrap();
    let items = at_bob.messages(MessageQuery::all()).await.unwrap();
    assert_eq!(items.len(), 5);
    assert!(matches!(&items[0], Ok(m) if m.content == Content::from("genuine")));
    let replay = items[1].as_ref().unwrap_err();
    assert_eq!(replay.id, from_second);
    assert!(
        matches!(
            replay.error,
            Error::Keystore(xmtp_keystore::Error::TopicMismatch { .. })
        ),
        "{replay:?}"
    );
    assert!(matches!(&items[2], Err(e) if matches!(e.error, Error::Keystore(_))));
    assert!(
        matches!(
            &items[3],
            Err(e) if matches!(e.error, Error::Keystore(xmtp_keystore::Error::NotParticipant { .. }))
        ),
        "{:?}",
        items[3]
    );
    assert!(matches!(&items[4], Ok(m) if m.content == Content::from("still readable")));
}

#[tokio::test]
async fn decode_envelope_needs_only_the_topic_data() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let conversation = start_conversation(&alice, &bob).await;
    let id = conversation.send("push me").await.unwrap();
    let at_bob = bob.conversations().list().await.unwrap().remove(0);
    let topic_data = at_bob.topic_data().unwrap();
    assert_eq!(at_bob.hmac_keys().len(), 3);
    let envelopes = query_all(
        bob.api().as_ref(),
        vec![at_bob.topic().to_owned()],
        QueryOptions::ascending(),
    )
    .await
    .unwrap();
    drop(node);

    let registry = xmtp_client::content::CodecRegistry::default();
    // As a push notification hands it over: topic, timestamp and bytes.
    let pushed = Envelope::new(
        envelopes[0].content_topic.clone(),
        envelopes[0].timestamp_ns,
        envelopes[0].message.clone(),
    );
    let decoded = decode_envelope(bob.address(), &topic_data, &pushed, &registry).unwrap();
    assert_eq!(decoded.id, id);
    assert_eq!(decoded.sender, alice.address());
    assert_eq!(decoded.content, Content::from("push me"));

    let mut moved = pushed.clone();
    moved.content_topic = "/xmtp/0/m-elsewhere/proto".into();
    assert!(decode_envelope(bob.address(), &topic_data, &moved, &registry).is_err());
}

#[tokio::test]
async fn restarted_client_lists_conversations_from_its_local_store() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let dir = tempfile::tempdir().unwrap();
    let backend = Arc::new(FileBackend::new(dir.path().join("bob.keystore")));
    let opts = options(&node).with_persistence(backend.clone());
    let bob_keys = bob.export_keys();
    let bob = Client::from_keys(bob_keys.expose(), opts.clone())
        .await
        .unwrap();
    let conversation = alice
        .conversations()
        .new_conversation(bob.address(), Some(context()))
        .await
        .unwrap();
    assert_eq!(bob.conversations().list().await.unwrap().len(), 1);
    bob.deny(&[alice.address()]).await.unwrap();
    drop(bob);

    let restarted = Client::from_keys(bob_keys.expose(), opts).await.unwrap();
    assert!(restarted.is_persistent());
    let known = restarted
        .conversations()
        .get(conversation.topic())
        .await
        .expect("restored without a network sync");
    assert_eq!(known.context(), Some(context()));
    assert_eq!(known.peer_address(), alice.address());
    assert!(dir.path().join("bob.keystore").exists());
    assert_eq!(restarted.conversations().list().await.unwrap().len(), 1);
    let denied = restarted
        .conversations()
        .list_with(&ListFilter {
            consent: Some(Consent::Denied),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(denied.len(), 1);
    drop(restarted);

    // What is on disk: the conversation, the invite-topic cursor (Bob's clock when the sync that
    // read the invitation started), the action.
    let keys = PrivateKeyBundle::decode(bob_keys.expose()).unwrap();
    let stored = LocalKeystore::open(
        backend.clone(),
        StoreKey::from_identity(&keys),
        keys.wallet_address(),
    )
    .unwrap();
    assert!(
        stored
            .state
            .conversations
            .get(conversation.topic())
            .is_some()
    );
    let invite_topic = xmtp_proto::topic::invite(&keys.wallet_address().to_string());
    let cursor = stored.state.cursors[&invite_topic];
    assert!(cursor >= conversation.created_ns() && cursor <= xmtp_api::now_ns());
    assert_eq!(stored.state.consent_actions.actions.len(), 1);

    // Against a node that has never seen the invitation, the restarted client still lists the
    // conversation: it comes from the local store, not from re-reading the invite topic.
    let empty = common::node().await;
    let elsewhere = Client::from_keys(bob_keys.expose(), options(&empty).with_persistence(backend))
        .await
        .unwrap();
    let listed = elsewhere.conversations().list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].topic(), conversation.topic());
}

/// Publishes `from`'s deterministic invitation to `to` for `conversation_id`, stamped
/// `created_ns` (as a sender whose clock says so would).
async fn invite_at(from: &Client, to: &Client, conversation_id: &str, created_ns: u64) {
    let me = PrivateKeyBundle::decode(from.export_keys().expose()).unwrap();
    let them = PrivateKeyBundle::decode(to.export_keys().expose())
        .unwrap()
        .signed_public_bundle();
    let context = xmtp_proto::message_contents::invitation_v1::Context {
        conversation_id: conversation_id.into(),
        metadata: Default::default(),
    };
    let invitation = deterministic_invitation(&me, &them, Some(context), None).unwrap();
    let sealed = seal_invitation(&me, &them, &invitation, created_ns).unwrap();
    from.api().publish(sealed.envelopes()).await.unwrap();
}

const MINUTE_NS: u64 = 60 * 1_000_000_000;

#[tokio::test]
async fn restarted_client_opens_no_known_invitation_and_reads_only_since_its_last_sync() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let dir = tempfile::tempdir().unwrap();
    let backend = Arc::new(FileBackend::new(dir.path().join("bob.keystore")));
    let opts = options(&node).with_persistence(backend);
    let bob_keys = bob.export_keys();
    let bob = Client::from_keys(bob_keys.expose(), opts.clone())
        .await
        .unwrap();
    // Three conversations ten minutes apart (more than the sync overlap), the newest now.
    let now = xmtp_api::now_ns();
    for i in 0..3u64 {
        invite_at(
            &alice,
            &bob,
            &format!("old/{i}"),
            now - (2 - i) * 10 * MINUTE_NS,
        )
        .await;
    }
    let first = bob.conversations().sync().await.unwrap();
    assert_eq!(first.invitations_fetched, 3);
    assert_eq!(first.invitations_opened, 3);
    assert_eq!(first.new_conversations.len(), 3);
    drop(bob);

    let restarted = Client::from_keys(bob_keys.expose(), opts).await.unwrap();
    let again = restarted.conversations().sync().await.unwrap();
    // Only the newest invitation lies within the overlap before the last sync's start; it was
    // handled before, so nothing is opened.
    assert_eq!(again.invitations_fetched, 1);
    assert_eq!(again.invitations_opened, 0);
    assert!(again.new_conversations.is_empty());
    assert_eq!(restarted.conversations().list().await.unwrap().len(), 3);

    let fresh = alice
        .conversations()
        .new_conversation(restarted.address(), Some(ConversationContext::new("new")))
        .await
        .unwrap();
    let last = restarted.conversations().sync().await.unwrap();
    assert_eq!(
        last.invitations_fetched, 2,
        "the one within the overlap and the new one"
    );
    assert_eq!(last.invitations_opened, 1);
    assert_eq!(last.new_conversations.len(), 1);
    assert_eq!(last.new_conversations[0].topic(), fresh.topic());
    assert_eq!(restarted.conversations().list().await.unwrap().len(), 4);
}

#[tokio::test]
async fn an_invitation_stamped_before_the_last_sync_is_still_found() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let (_, carol) = user(&node).await;
    let first = alice
        .conversations()
        .new_conversation(bob.address(), Some(ConversationContext::new("first")))
        .await
        .unwrap();
    assert_eq!(bob.conversations().list().await.unwrap().len(), 1);

    // Carol's clock is two minutes slow: her invitation is older than Bob's invite cursor.
    let skewed = first.created_ns() - 2 * MINUTE_NS;
    invite_at(&carol, &bob, "slow clock", skewed).await;
    // A second invitation for Alice's topic, also back-dated: the first invitation wins.
    invite_at(&alice, &bob, "first", skewed).await;
    let report = bob.conversations().sync().await.unwrap();
    assert_eq!(report.invitations_opened, 2);
    assert_eq!(report.new_conversations.len(), 1);
    let found = &report.new_conversations[0];
    assert_eq!(found.peer_address(), carol.address());
    assert_eq!(found.conversation_id(), Some("slow clock"));
    assert_eq!(found.created_ns(), skewed);
    let listed = bob.conversations().list().await.unwrap();
    assert_eq!(listed.len(), 2);
    let at_bob = bob.conversations().get(first.topic()).await.unwrap();
    assert_eq!(at_bob.created_ns(), first.created_ns());
}

#[tokio::test]
async fn ephemeral_messages_are_not_stored_but_streamed() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let conversation = start_conversation(&alice, &bob).await;
    let at_bob = bob.conversations().list().await.unwrap().remove(0);
    // Registered with the node when it returns: the ephemeral message sent next is not lost.
    let mut live = at_bob.stream_ephemeral().await.unwrap();
    conversation
        .send_with(&Content::from("typing"), SendOptions::ephemeral())
        .await
        .unwrap();
    let got = common::next(&mut live).await.unwrap().unwrap();
    assert!(got.ephemeral);
    assert_eq!(got.content, Content::from("typing"));
    assert!(
        at_bob
            .messages(MessageQuery::all())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn broadcast_sends_one_message_per_reachable_recipient() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let (_, carol) = user(&node).await;
    let nobody = xmtp_client::LocalWallet::generate().address();
    let results = alice
        .broadcast(
            &[bob.address(), nobody, carol.address(), alice.address()],
            &Content::from("announcement"),
        )
        .await
        .unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0].0, bob.address());
    assert!(results[0].1.is_ok());
    assert!(matches!(results[1].1, Err(Error::NotOnNetwork { .. })));
    assert!(results[2].1.is_ok());
    assert!(results[3].1.is_err(), "no conversation with oneself");
    for (peer, id) in [(&bob, &results[0].1), (&carol, &results[2].1)] {
        let conversation = peer.conversations().list().await.unwrap().remove(0);
        let messages = ok(conversation.messages(MessageQuery::all()).await.unwrap());
        assert_eq!(messages.len(), 1);
        assert_eq!(&messages[0].id, id.as_ref().unwrap());
        assert_eq!(messages[0].content, Content::from("announcement"));
    }
}

#[tokio::test]
async fn a_valid_consent_proof_allows_the_sender_and_a_foreign_one_does_not() {
    let node = node().await;
    let (bob_wallet, bob) = user(&node).await;
    let (_, alice) = user(&node).await;
    let (_, mallory) = user(&node).await;
    let now_ms = xmtp_api::now_ns() / 1_000_000;
    let proof = ConsentProof {
        signature: bob_wallet.personal_sign(ConsentProof::text(now_ms, alice.address()).as_bytes()),
        timestamp_ms: now_ms,
    };
    alice
        .conversations()
        .new_conversation_with_consent_proof(bob.address(), None, &proof)
        .await
        .unwrap();
    // Mallory reuses Alice's proof: it names Alice, not her.
    mallory
        .conversations()
        .new_conversation_with_consent_proof(bob.address(), None, &proof)
        .await
        .unwrap();
    assert_eq!(bob.conversations().list().await.unwrap().len(), 2);
    bob.refresh_consent().await.unwrap();
    assert_eq!(
        bob.consent_state(alice.address()).await.unwrap(),
        Consent::Allowed
    );
    assert_eq!(
        bob.consent_state(mallory.address()).await.unwrap(),
        Consent::Unknown
    );
}

#[tokio::test]
async fn list_orders_by_creation_or_by_last_activity() {
    let node = node().await;
    // Alice's clock moves only when told: her conversations start a millisecond apart, and her
    // bump comes a millisecond after both.
    let clock = Arc::new(ManualClock::at_system_now());
    let alice = user_on(&node, clock.clone()).await;
    let (_, bob) = user(&node).await;
    let (_, carol) = user(&node).await;
    let with_bob = start_conversation(&alice, &bob).await;
    clock.advance(std::time::Duration::from_millis(1));
    let with_carol = start_conversation(&alice, &carol).await;
    clock.advance(std::time::Duration::from_millis(1));
    let topics = |list: Vec<xmtp_client::Conversation>| {
        list.iter()
            .map(|c| c.topic().to_owned())
            .collect::<Vec<_>>()
    };
    let by_activity = ListFilter {
        order: ListOrder::LastActivity,
        ..ListFilter::default()
    };
    assert_eq!(
        topics(alice.conversations().list().await.unwrap()),
        [with_bob.topic(), with_carol.topic()]
    );
    assert_eq!(
        topics(alice.conversations().list_with(&by_activity).await.unwrap()),
        [with_carol.topic(), with_bob.topic()]
    );
    with_bob.send("bump").await.unwrap();
    assert_eq!(
        topics(alice.conversations().list_with(&by_activity).await.unwrap()),
        [with_bob.topic(), with_carol.topic()]
    );
}
