//! The client's own envelope: what the network carries for one message, without the protobuf
//! type behind it (that stays in `xmtp-api`).

use xmtp_keystore::EnvelopeRef;

/// One envelope as the network carries it: a content topic, the sender's timestamp and the
/// sealed payload. What [`Conversation::decode`](crate::Conversation::decode) and
/// [`decode_envelope`](crate::decode_envelope) take, e.g. from a push notification.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    /// The topic it was published on (`/xmtp/0/m-.../proto` for a v2 conversation).
    pub content_topic: String,
    /// The sender's timestamp, in ns since the Unix epoch (never checked by nodes).
    pub timestamp_ns: u64,
    /// The sealed message bytes.
    pub message: Vec<u8>,
}

impl Envelope {
    /// An envelope of `message` on `content_topic` stamped `timestamp_ns`.
    pub fn new(content_topic: impl Into<String>, timestamp_ns: u64, message: Vec<u8>) -> Self {
        Self {
            content_topic: content_topic.into(),
            timestamp_ns,
            message,
        }
    }

    /// The keystore's borrowed view of it.
    pub(crate) fn as_ref(&self) -> EnvelopeRef<'_> {
        EnvelopeRef {
            topic: &self.content_topic,
            timestamp_ns: self.timestamp_ns,
            payload: &self.message,
        }
    }
}

/// The keystore's borrowed view of an envelope in the network's form.
pub(crate) fn wire_ref(envelope: &xmtp_api::Envelope) -> EnvelopeRef<'_> {
    EnvelopeRef {
        topic: &envelope.content_topic,
        timestamp_ns: envelope.timestamp_ns,
        payload: &envelope.message,
    }
}

impl core::fmt::Debug for Envelope {
    // The payload is ciphertext: its length says enough.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Envelope")
            .field("content_topic", &self.content_topic)
            .field("timestamp_ns", &self.timestamp_ns)
            .field("message_len", &self.message.len())
            .finish()
    }
}
