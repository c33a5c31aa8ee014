//! v1 direct messages (protocol.md §6): triple-DH between the two legacy bundles, the header as
//! associated data, the `dm-` topic check, and conversation discovery from the intro topic.

use std::collections::BTreeMap;

use xmtp_crypto::{Address, encrypt, sha256};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;
use xmtp_proto::topic;

use crate::batch::{EnvelopeRef, open_v1_messages};
use crate::bundle::PrivateKeyBundle;
use crate::ciphertext::{ciphertext_to_proto, decrypt_proto};
use crate::error::{Error, Result};
use crate::keys::PublicKeyBundle;

/// A v1 message ready to publish.
#[derive(Clone, Debug)]
pub struct SealedV1Message {
    /// The encoded `Message{v1}`: the envelope payload.
    pub payload: Vec<u8>,
    /// `/xmtp/0/dm-<A>-<B>/proto`.
    pub topic: String,
    /// `Envelope.timestamp_ns` (header timestamp in ms × 10^6).
    pub timestamp_ns: u64,
    /// Message id: hex SHA-256 of `payload`.
    pub id: String,
}

/// A decrypted v1 message.
#[derive(Clone, Debug)]
pub struct OpenedV1Message {
    /// The sender's wallet.
    pub sender: Address,
    /// The recipient's wallet.
    pub recipient: Address,
    /// The other party, from my point of view.
    pub peer: Address,
    /// The `dm-` topic of the conversation.
    pub conversation_topic: String,
    /// Header timestamp in milliseconds.
    pub sent_ms: u64,
    /// The encoded `EncodedContent`.
    pub content: Vec<u8>,
    /// hex SHA-256 of the `Message` bytes.
    pub id: String,
}

/// The id of a message: lower-case hex SHA-256 of the envelope payload.
pub fn message_id(payload: &[u8]) -> String {
    let digest = sha256(payload);
    // `hex::encode` builds the string a char at a time, several times slower than this on the
    // per-message path. Neither step can fail, so the fallback is never taken.
    let mut hex = [0u8; 64];
    hex::encode_to_slice(digest, &mut hex)
        .ok()
        .and_then(|()| String::from_utf8(hex.to_vec()).ok())
        .unwrap_or_else(|| hex::encode(digest))
}

/// Encrypts an encoded `EncodedContent` to `recipient` (§6.2) with my current pre-key.
pub fn seal_v1_message(
    me: &PrivateKeyBundle,
    recipient: &PublicKeyBundle,
    content: &[u8],
    timestamp_ms: u64,
) -> Result<SealedV1Message> {
    let peer_signed = recipient.to_signed()?;
    let peer_wallet = peer_signed.validate()?;
    let my_wallet = me.wallet_address();
    if peer_wallet == my_wallet {
        return Err(Error::SelfConversation);
    }
    let header_bytes = pb::MessageHeaderV1 {
        sender: Some(me.public_bundle()?.to_proto()),
        recipient: Some(recipient.to_proto()),
        timestamp: timestamp_ms,
    }
    .encode_to_vec();
    let secret = me.shared_secret(&peer_signed, me.current_pre_key().public.key(), false)?;
    let ciphertext = encrypt(secret.expose(), content, &header_bytes);
    let payload = pb::Message {
        version: Some(pb::message::Version::V1(pb::MessageV1 {
            header_bytes,
            ciphertext: Some(ciphertext_to_proto(&ciphertext)),
        })),
    }
    .encode_to_vec();
    Ok(SealedV1Message {
        id: message_id(&payload),
        topic: topic::direct_message_v1(&my_wallet.to_string(), &peer_wallet.to_string()),
        timestamp_ns: timestamp_ms.saturating_mul(1_000_000),
        payload,
    })
}

/// Decrypts a v1 message that arrived on `content_topic` (§6.3). On a `dm-`/`dmE-` topic the
/// header's two wallets must name that topic; on an `intro-` topic one of them must be the
/// intro's owner. Uses the pre-key the header names (§13 item 5).
pub fn open_v1_message(
    me: &PrivateKeyBundle,
    payload: &[u8],
    content_topic: &str,
) -> Result<OpenedV1Message> {
    let message: pb::Message = xmtp_proto::decode(payload)?;
    let Some(pb::message::Version::V1(v1)) = message.version else {
        return Err(Error::Unsupported("expected a v1 message"));
    };
    let header: pb::MessageHeaderV1 = xmtp_proto::decode(&v1.header_bytes)?;
    let sender = PublicKeyBundle::from_proto(
        header
            .sender
            .as_ref()
            .ok_or(Error::MissingField("MessageHeaderV1.sender"))?,
    )?;
    let recipient = PublicKeyBundle::from_proto(
        header
            .recipient
            .as_ref()
            .ok_or(Error::MissingField("MessageHeaderV1.recipient"))?,
    )?;
    let sender_wallet = sender.wallet_address()?;
    let recipient_wallet = recipient.wallet_address()?;
    let (s, r) = (sender_wallet.to_string(), recipient_wallet.to_string());
    let conversation_topic = topic::direct_message_v1(&s, &r);
    let allowed = content_topic == conversation_topic
        || Some(content_topic) == topic::to_ephemeral(&conversation_topic).as_deref()
        || content_topic == topic::intro(&s)
        || content_topic == topic::intro(&r);
    if !allowed {
        return Err(Error::TopicMismatch {
            expected: content_topic.to_owned(),
            found: conversation_topic,
        });
    }

    let my_identity = me.identity_key().key();
    let (peer, my_pre_key, is_recipient, peer_wallet) = if sender.identity_key.key == *my_identity {
        (&recipient, &sender.pre_key.key, false, recipient_wallet)
    } else if recipient.identity_key.key == *my_identity {
        (&sender, &recipient.pre_key.key, true, sender_wallet)
    } else {
        return Err(Error::NotForMe);
    };
    let secret = me.shared_secret(&peer.to_signed()?, my_pre_key, is_recipient)?;
    let ciphertext = v1
        .ciphertext
        .as_ref()
        .ok_or(Error::MissingField("MessageV1.ciphertext"))?;
    let content = decrypt_proto(secret.expose(), ciphertext, &v1.header_bytes)?;
    Ok(OpenedV1Message {
        sender: sender_wallet,
        recipient: recipient_wallet,
        peer: peer_wallet,
        conversation_topic,
        sent_ms: header.timestamp,
        content,
        id: message_id(payload),
    })
}

/// A v1 conversation found on my intro topic (§6.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V1Conversation {
    /// The other party.
    pub peer: Address,
    /// `/xmtp/0/dm-<A>-<B>/proto`.
    pub topic: String,
    /// Header time (ms) of the earliest message with `peer` that decrypts: the conversation's
    /// creation time.
    pub created_ms: u64,
}

impl V1Conversation {
    /// The `ConversationReference` JS lists and the local store keeps.
    pub fn to_reference(&self) -> pb::ConversationReference {
        pb::ConversationReference {
            topic: self.topic.clone(),
            peer_address: self.peer.to_string(),
            created_ns: self.created_ms.saturating_mul(1_000_000),
            context: None,
            consent_proof_payload: None,
        }
    }
}

/// Finds my v1 conversations among the envelopes of my intro topic (§6.4), one per peer, ordered
/// by creation time. Envelopes on another topic, messages that do not decrypt, messages to
/// myself and conversations whose `dm-` topic fails `isValidTopic` (§9) are dropped; for each
/// peer the earliest decryptable message gives the creation time, whatever the input order.
pub fn discover_v1_conversations(
    me: &PrivateKeyBundle,
    intro_envelopes: &[EnvelopeRef<'_>],
) -> Vec<V1Conversation> {
    let my_wallet = me.wallet_address();
    let intro = topic::intro(&my_wallet.to_string());
    let mine: Vec<EnvelopeRef<'_>> = intro_envelopes
        .iter()
        .filter(|e| e.topic == intro)
        .copied()
        .collect();
    let mut earliest: BTreeMap<Address, V1Conversation> = BTreeMap::new();
    for opened in open_v1_messages(me, &mine).into_iter().flatten() {
        if opened.peer == my_wallet || !topic::is_valid_topic(&opened.conversation_topic) {
            continue;
        }
        let candidate = V1Conversation {
            peer: opened.peer,
            topic: opened.conversation_topic,
            created_ms: opened.sent_ms,
        };
        earliest
            .entry(opened.peer)
            .and_modify(|known| {
                if candidate.created_ms < known.created_ms {
                    *known = candidate.clone();
                }
            })
            .or_insert(candidate);
    }
    let mut conversations: Vec<_> = earliest.into_values().collect();
    conversations.sort_by_key(|c| (c.created_ms, c.peer));
    conversations
}
