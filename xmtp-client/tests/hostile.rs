//! Hostile peers against the client, through the real node: each hostile message is a typed
//! error in its place while the genuine messages around it, in the same page and the same live
//! stream, are delivered.
//!
//! Covered elsewhere and not repeated here: forged / garbage / cross-topic messages in a page
//! (`conversations.rs`, `forged_garbage_and_cross_topic_messages_are_reported_per_item`),
//! decompression bombs in the codec registry (`content.rs`, `compression_bomb_is_a_typed_error`),
//! remote attachments whose payload or digest was tampered with, or that are too large
//! (`remote_attachment.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write as _;

use common::{conversation_with_id, listed, next, node, options, user};
use xmtp_api::{Envelope, QueryOptions, query_all};
use xmtp_client::content::{Attachment, Compression, Content};
use xmtp_client::{Client, Conversation, Error, MessageQuery, MessageResult};
use xmtp_keystore::{
    PrivateKeyBundle, SealOptions, deterministic_invitation, seal_invitation, seal_v2_message,
};
use xmtp_proto::Message as _;

fn keys(client: &Client) -> PrivateKeyBundle {
    PrivateKeyBundle::decode(client.export_keys().expose()).unwrap()
}

/// `content` (already encoded `EncodedContent` bytes) sealed into `owner`'s `conversation` with
/// `author`'s keys, as an envelope stamped `ts`.
fn sealed(
    author: &Client,
    (owner, conversation): (&Client, &Conversation),
    content: &[u8],
    ts: u64,
) -> Envelope {
    let leaked = xmtp_keystore::Conversation::import_topic_data(
        owner.address(),
        conversation.topic_data().unwrap().expose(),
    )
    .unwrap();
    let message =
        seal_v2_message(&keys(author), &leaked, content, ts, SealOptions::default()).unwrap();
    Envelope {
        content_topic: conversation.topic().to_owned(),
        timestamp_ns: ts,
        message: message.payload,
    }
}

/// Text `EncodedContent` whose deflated content inflates to `len` zero bytes (~`len`/1000 on
/// the wire), built in chunks so the test never holds the inflated bytes.
fn deflate_bomb(author: &Client, len: usize) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..len / chunk.len() {
        encoder.write_all(&chunk).unwrap();
    }
    let text = author
        .registry()
        .encode(&"x".into())
        .unwrap()
        .to_bytes(None);
    let mut text: xmtp_proto::message_contents::EncodedContent = xmtp_proto::decode(&text).unwrap();
    text.compression = Some(xmtp_proto::message_contents::Compression::Deflate as i32);
    text.content = encoder.finish().unwrap();
    text.encode_to_vec()
}

fn text_of(item: &MessageResult) -> &str {
    match item {
        Ok(m) => match &m.content {
            Content::Text(t) => t,
            _ => "<not text>",
        },
        Err(_) => "<error>",
    }
}

fn too_large(item: &MessageResult) -> bool {
    matches!(item, Err(e) if matches!(e.error, Error::DecompressedTooLarge { .. }))
}

/// A decompression bomb, an attachment that inflates past the limit, a message from a
/// non-participant who learnt the key, a message of another conversation and garbage, all between
/// two genuine messages: the live stream and the page both give the two genuine ones and a typed
/// error for each of the others, in order. An attachment too large for the network is refused
/// to its sender with a typed error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_messages_are_typed_errors_in_a_stream_and_a_page() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let (_, mallory) = user(&node).await;
    let conversation = conversation_with_id(&alice, &bob, "hostile").await;
    let other = conversation_with_id(&alice, &bob, "other").await;
    other.send("from the other conversation").await.unwrap();
    let at_bob = listed(&bob, conversation.topic()).await;
    let mut stream = at_bob.stream_messages().await.unwrap();

    conversation.send("first").await.unwrap();
    let now = xmtp_api::now_ns();
    let other_message = query_all(
        alice.api().as_ref(),
        vec![other.topic().to_owned()],
        QueryOptions::ascending(),
    )
    .await
    .unwrap()
    .remove(0);
    let big_attachment = Content::Attachment(Attachment {
        filename: "zeros.bin".into(),
        mime_type: "application/octet-stream".into(),
        data: vec![0; 12 * 1024 * 1024],
    });
    let attachment_bytes = alice
        .registry()
        .encode_to_bytes(&big_attachment, Some(Compression::Deflate))
        .unwrap();
    assert!(
        attachment_bytes.len() < 1024 * 1024,
        "{}",
        attachment_bytes.len()
    );
    let forged_text = mallory
        .registry()
        .encode_to_bytes(&Content::from("forged"), None)
        .unwrap();
    let hostile = vec![
        sealed(
            &alice,
            (&alice, &conversation),
            &deflate_bomb(&alice, 16 << 20),
            now + 1,
        ),
        sealed(&alice, (&alice, &conversation), &attachment_bytes, now + 2),
        sealed(&mallory, (&alice, &conversation), &forged_text, now + 3),
        Envelope {
            content_topic: conversation.topic().to_owned(),
            timestamp_ns: now + 4,
            message: other_message.message,
        },
        Envelope {
            content_topic: conversation.topic().to_owned(),
            timestamp_ns: now + 5,
            message: vec![0x0a; 300],
        },
    ];
    mallory.api().publish(hostile).await.unwrap();

    // Too big for any node: refused to the sender, typed, and nothing half-sent.
    let incompressible: Vec<u8> = (0..2 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let refused = conversation
        .send(Content::Attachment(Attachment {
            filename: "noise.bin".into(),
            mime_type: "application/octet-stream".into(),
            data: incompressible,
        }))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Api(_)), "{refused:?}");
    conversation.send("last").await.unwrap();

    let mut streamed = Vec::new();
    for _ in 0..7 {
        streamed.push(next(&mut stream).await.unwrap());
    }
    let page = at_bob.messages(MessageQuery::all()).await.unwrap();
    for (what, items) in [("stream", &streamed), ("page", &page)] {
        assert_eq!(items.len(), 7, "{what}");
        assert_eq!(text_of(&items[0]), "first", "{what}");
        assert!(too_large(&items[1]), "{what}: {:?}", items[1]);
        assert!(too_large(&items[2]), "{what}: {:?}", items[2]);
        assert!(
            matches!(&items[3], Err(e) if matches!(
                e.error,
                Error::Keystore(xmtp_keystore::Error::NotParticipant { .. })
            )),
            "{what}: {:?}",
            items[3]
        );
        assert!(
            matches!(&items[4], Err(e) if matches!(
                e.error,
                Error::Keystore(xmtp_keystore::Error::TopicMismatch { .. })
            )),
            "{what}: {:?}",
            items[4]
        );
        assert!(
            matches!(&items[5], Err(e) if matches!(e.error, Error::Keystore(_))),
            "{what}: {:?}",
            items[5]
        );
        assert_eq!(text_of(&items[6]), "last", "{what}");
        assert!(matches!(&items[6], Ok(m) if m.sender == alice.address()));
    }
}

/// Seals `from`'s invitation to `to` for `conversation_id`, with its topic replaced by `topic`
/// when given (a conflicting invitation for a conversation that already exists).
fn invitation_envelopes(
    from: &Client,
    to: &Client,
    conversation_id: &str,
    topic: Option<&str>,
    ts: u64,
) -> Vec<Envelope> {
    let me = keys(from);
    let them = keys(to).signed_public_bundle();
    let context = xmtp_proto::message_contents::invitation_v1::Context {
        conversation_id: conversation_id.into(),
        metadata: Default::default(),
    };
    let mut invitation = deterministic_invitation(&me, &them, Some(context), None).unwrap();
    if let Some(topic) = topic {
        invitation.topic = topic.to_owned();
    }
    seal_invitation(&me, &them, &invitation, ts)
        .unwrap()
        .envelopes()
}

/// A replayed invitation opens nothing new, and a conflicting one (Mallory claiming Alice's
/// conversation topic with her own key) does not take the conversation over: the first
/// invitation for a topic wins (protocol §7.4), for the running client and for a fresh
/// installation that reads every invitation from the network.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_and_conflicting_invitations_do_not_take_over_a_conversation() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (bob_wallet, bob) = user(&node).await;
    let (_, mallory) = user(&node).await;
    let conversation = conversation_with_id(&alice, &bob, "mine").await;
    conversation.send("hello bob").await.unwrap();
    assert_eq!(bob.conversations().list().await.unwrap().len(), 1);

    let now = xmtp_api::now_ns();
    let invite_topic = xmtp_proto::topic::invite(&bob.address().to_string());
    let originals = query_all(
        mallory.api().as_ref(),
        vec![invite_topic.clone()],
        QueryOptions::ascending(),
    )
    .await
    .unwrap();
    let mut hostile: Vec<Envelope> = (1..=3u64)
        .map(|i| Envelope {
            content_topic: invite_topic.clone(),
            timestamp_ns: now + i,
            message: originals[0].message.clone(),
        })
        .collect();
    hostile.extend(invitation_envelopes(
        &mallory,
        &bob,
        "mine",
        Some(conversation.topic()),
        now + 10,
    ));
    hostile.extend(invitation_envelopes(&mallory, &bob, "hers", None, now + 11));
    mallory.api().publish(hostile).await.unwrap();
    conversation.send("still alice").await.unwrap();

    let fresh = Client::create(&bob_wallet, options(&node)).await.unwrap();
    for (who, client) in [("running", &bob), ("fresh", &fresh)] {
        let listed = client.conversations().list().await.unwrap();
        assert_eq!(listed.len(), 2, "{who}: Alice's and Mallory's own");
        let taken = listed
            .iter()
            .find(|c| c.topic() == conversation.topic())
            .unwrap();
        assert_eq!(taken.peer_address(), alice.address(), "{who}");
        let messages = taken.messages(MessageQuery::all()).await.unwrap();
        let texts: Vec<&str> = messages.iter().map(text_of).collect();
        assert_eq!(texts, ["hello bob", "still alice"], "{who}");
        assert!(
            listed.iter().any(|c| c.peer_address() == mallory.address()),
            "{who}: Mallory's genuine invitation still opens"
        );
    }
}
