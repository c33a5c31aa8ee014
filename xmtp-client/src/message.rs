//! Decoded messages, per-item failures, and decoding one envelope without a client.

use xmtp_crypto::{Address, SecretBytes};
use xmtp_keystore::{
    ConversationStore, EnvelopeRef, OpenedV1Message, OpenedV2Message, PrivateKeyBundle,
    VerifiedBundleCache, open_v1_message, open_v1_messages, open_v2_message,
    open_v2_message_cached, open_v2_messages_cached,
};
use xmtp_proto::topic;

use crate::content::{CodecRegistry, Content, ContentTypeId};
use crate::envelope::{Envelope, wire_ref};
use crate::error::{Error, Result};

/// A message that was decrypted, authenticated and decoded.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DecodedMessage {
    /// hex SHA-256 of the envelope payload (the id replies and reactions refer to).
    pub id: String,
    /// The conversation topic (never the ephemeral twin).
    pub conversation_topic: String,
    /// Whether it arrived on the ephemeral topic.
    pub ephemeral: bool,
    /// The sender's wallet, recovered from the signed keys.
    pub sender: Address,
    /// The other participant: the recipient named in a v1 message's signed header, or in a v2
    /// conversation whichever of its two participants did not send it.
    pub recipient: Address,
    /// Send time from the authenticated header, in ns.
    pub sent_ns: u64,
    /// The content type as sent.
    pub content_type: ContentTypeId,
    /// The decoded content ([`Content::Unknown`] with the fallback text for unregistered types).
    pub content: Content,
    /// Whether it came sealed with forward secrecy (content type
    /// [`FORWARD_SECRET`](crate::FORWARD_SECRET)) and this installation opened it; the fields
    /// above then describe the sealed content.
    pub forward_secret: bool,
}

/// An envelope that could not be turned into a [`DecodedMessage`]: undecryptable, forged, from
/// another topic, or with content its codec rejects. Reported per item; it never fails a page.
#[derive(Debug)]
#[non_exhaustive]
pub struct UndecodableMessage {
    /// hex SHA-256 of the envelope payload.
    pub id: String,
    /// The envelope's content topic.
    pub topic: String,
    /// The envelope's timestamp, in ns.
    pub timestamp_ns: u64,
    /// Why it was refused.
    pub error: Error,
}

impl core::fmt::Display for UndecodableMessage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "message {} on {}: {}", self.id, self.topic, self.error)
    }
}

/// One item of a page or a stream.
pub type MessageResult = core::result::Result<DecodedMessage, UndecodableMessage>;

pub(crate) fn undecodable(envelope: EnvelopeRef<'_>, error: Error) -> UndecodableMessage {
    UndecodableMessage {
        id: xmtp_keystore::message_id(envelope.payload),
        topic: envelope.topic.to_owned(),
        timestamp_ns: envelope.timestamp_ns,
        error,
    }
}

/// Whether `envelope_topic` is `conversation_topic` or its ephemeral twin; an envelope found on
/// any other topic is refused before decryption.
pub(crate) fn check_envelope_topic(envelope_topic: &str, conversation_topic: &str) -> Result<bool> {
    if envelope_topic == conversation_topic {
        return Ok(false);
    }
    if topic::from_ephemeral(envelope_topic).as_deref() == Some(conversation_topic) {
        return Ok(true);
    }
    Err(xmtp_keystore::Error::TopicMismatch {
        expected: conversation_topic.to_owned(),
        found: envelope_topic.to_owned(),
    }
    .into())
}

fn decode_content(registry: &CodecRegistry, bytes: &[u8]) -> Result<(ContentTypeId, Content)> {
    let content = registry.decode_bytes(bytes)?;
    Ok((content.content_type(), content))
}

fn from_v2(
    conversation: &xmtp_keystore::Conversation,
    ephemeral: bool,
    opened: OpenedV2Message,
    registry: &CodecRegistry,
) -> Result<DecodedMessage> {
    let (content_type, content) = decode_content(registry, &opened.content)?;
    let recipient = if opened.sender == conversation.me {
        conversation.peer
    } else {
        conversation.me
    };
    Ok(DecodedMessage {
        id: opened.id,
        conversation_topic: conversation.topic().to_owned(),
        ephemeral,
        sender: opened.sender,
        recipient,
        sent_ns: opened.sent_ns,
        content_type,
        content,
        forward_secret: false,
    })
}

fn from_v1(
    ephemeral: bool,
    opened: OpenedV1Message,
    registry: &CodecRegistry,
) -> Result<DecodedMessage> {
    let (content_type, content) = decode_content(registry, &opened.content)?;
    Ok(DecodedMessage {
        id: opened.id,
        conversation_topic: opened.conversation_topic,
        ephemeral,
        sender: opened.sender,
        recipient: opened.recipient,
        sent_ns: opened.sent_ms.saturating_mul(1_000_000),
        content_type,
        content,
        forward_secret: false,
    })
}

/// Decodes an envelope of a v2 conversation with every receive check (protocol.md §7.7): right
/// topic, valid signatures, sender one of the two participants. With a `cache`, a sender bundle
/// verified before is not verified again.
pub(crate) fn decode_v2(
    conversation: &xmtp_keystore::Conversation,
    registry: &CodecRegistry,
    envelope: EnvelopeRef<'_>,
    cache: Option<&VerifiedBundleCache>,
) -> Result<DecodedMessage> {
    let ephemeral = check_envelope_topic(envelope.topic, conversation.topic())?;
    let opened = match cache {
        Some(cache) => open_v2_message_cached(conversation, envelope.payload, cache)?,
        None => open_v2_message(conversation, envelope.payload)?,
    };
    from_v2(conversation, ephemeral, opened, registry)
}

/// Decodes an envelope of the v1 conversation on `dm_topic` (protocol.md §6.3).
pub(crate) fn decode_v1(
    me: &PrivateKeyBundle,
    dm_topic: &str,
    registry: &CodecRegistry,
    envelope: EnvelopeRef<'_>,
) -> Result<DecodedMessage> {
    let ephemeral = check_envelope_topic(envelope.topic, dm_topic)?;
    let opened = open_v1_message(me, envelope.payload, envelope.topic)?;
    from_v1(ephemeral, opened, registry)
}

/// The keystore's borrowed view of envelopes, for its batch functions.
pub(crate) fn envelope_refs(envelopes: &[xmtp_api::Envelope]) -> Vec<EnvelopeRef<'_>> {
    envelopes.iter().map(wire_ref).collect()
}

/// [`decode_v2`] for a page: decryption and signature checks run in parallel across cores (call
/// it off the async executor); one result per envelope, in order. Each sender bundle is verified
/// once per `cache`.
pub(crate) fn decode_v2_page(
    conversation: &xmtp_keystore::Conversation,
    registry: &CodecRegistry,
    envelopes: &[xmtp_api::Envelope],
    cache: &VerifiedBundleCache,
) -> Vec<MessageResult> {
    let mut store = ConversationStore::new();
    store.insert(conversation.clone());
    let refs = envelope_refs(envelopes);
    let opened = open_v2_messages_cached(&store, &refs, cache);
    refs.into_iter()
        .zip(opened)
        .map(|(envelope, opened)| {
            check_envelope_topic(envelope.topic, conversation.topic())
                .and_then(|ephemeral| from_v2(conversation, ephemeral, opened?, registry))
                .map_err(|e| undecodable(envelope, e))
        })
        .collect()
}

/// [`decode_v1`] for a page, in parallel like [`decode_v2_page`].
pub(crate) fn decode_v1_page(
    me: &PrivateKeyBundle,
    dm_topic: &str,
    registry: &CodecRegistry,
    envelopes: &[xmtp_api::Envelope],
) -> Vec<MessageResult> {
    let refs = envelope_refs(envelopes);
    let opened = open_v1_messages(me, &refs);
    refs.into_iter()
        .zip(opened)
        .map(|(envelope, opened)| {
            check_envelope_topic(envelope.topic, dm_topic)
                .and_then(|ephemeral| from_v1(ephemeral, opened?, registry))
                .map_err(|e| undecodable(envelope, e))
        })
        .collect()
}

/// A v2 conversation's secret as [`Conversation::topic_data`](crate::Conversation::topic_data)
/// exports it: the encoded `TopicMap.TopicData` that xmtp-js persists (topic, peer, creation
/// time and the conversation key), enough to decrypt every message of the conversation. Zeroized
/// on drop, printed as `[redacted]`, no serde; store it only where a key may be stored.
pub struct ConversationSecret(SecretBytes);

impl ConversationSecret {
    /// Takes the bytes of an exported secret (checked when it is used).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(SecretBytes::from_slice(bytes))
    }

    /// The encoded `TopicMap.TopicData`, e.g. to store it.
    pub fn expose(&self) -> &[u8] {
        self.0.expose()
    }

    /// The conversation it opens, for the identity `me`.
    pub(crate) fn open(&self, me: Address) -> Result<xmtp_keystore::Conversation> {
        Ok(xmtp_keystore::Conversation::import_topic_data(
            me,
            self.0.expose(),
        )?)
    }
}

impl From<SecretBytes> for ConversationSecret {
    fn from(bytes: SecretBytes) -> Self {
        Self(bytes)
    }
}

impl core::fmt::Debug for ConversationSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ConversationSecret([redacted])")
    }
}

/// Decodes one v2 envelope with only the conversation's secret (what
/// [`Conversation::topic_data`](crate::Conversation::topic_data) exports): no network and no
/// client, e.g. in a push-notification handler. `me` is the recipient's wallet; the sender must be
/// `me` or the conversation's peer.
pub fn decode_envelope(
    me: Address,
    secret: &ConversationSecret,
    envelope: &Envelope,
    registry: &CodecRegistry,
) -> Result<DecodedMessage> {
    let conversation = secret.open(me)?;
    decode_v2(&conversation, registry, envelope.as_ref(), None)
}
