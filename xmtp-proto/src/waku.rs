//! Waku v2 messages (14/WAKU2-MESSAGE): the type nodes relay to each other over Waku Relay, its
//! deterministic hash, and the mapping between XMTP envelopes and Waku messages (waku.md §1).

use sha2::{Digest, Sha256};

use crate::message_api::v1::Envelope;
use crate::topic;

/// The generated types, in modules named after their packages (prost refers across packages by
/// relative paths).
mod generated {
    #![allow(missing_docs)]
    pub mod message {
        pub mod v1 {
            include!("gen/waku.message.v1.rs");
        }
    }
    pub mod store {
        pub mod v3 {
            include!("gen/waku.store.v3.rs");
        }
    }
    pub mod lightpush {
        pub mod v2beta1 {
            include!("gen/waku.lightpush.v2beta1.rs");
        }
    }
    pub mod filter {
        pub mod v2beta1 {
            include!("gen/waku.filter.v2beta1.rs");
        }
    }
}

pub use generated::message::v1::WakuMessage;

/// Store v3 (`/vac/waku/store-query/3.0.0`): a light client pages a node's history.
pub mod store {
    pub use super::generated::store::v3::{
        StoreQueryRequest, StoreQueryResponse, WakuMessageKeyValue,
    };
}

/// LightPush (`/vac/waku/lightpush/2.0.0-beta1`): a light client has a node relay a message.
pub mod lightpush {
    pub use super::generated::lightpush::v2beta1::{PushRequest, PushResponse, PushRpc};
}

/// Filter v2 (`/vac/waku/filter-subscribe/2.0.0-beta1`, `/vac/waku/filter-push/2.0.0-beta1`): a
/// light client subscribes to content topics and the node pushes matching messages to it.
pub mod filter {
    pub use super::generated::filter::v2beta1::{
        FilterSubscribeRequest, FilterSubscribeResponse, MessagePush,
        filter_subscribe_request::FilterSubscribeType,
    };
}

/// The pubsub topic xmtp-node-go published every envelope on.
pub const DEFAULT_PUBSUB_TOPIC: &str = "/waku/2/default-waku/proto";

/// The deterministic message hash: its id across Waku implementations.
pub type MessageHash = [u8; 32];

impl WakuMessage {
    /// The Waku message an XMTP node relays for an envelope: payload, content topic and
    /// timestamp carried over, `ephemeral` set for the ephemeral topics (`mE-`, `dmE-`), no
    /// version, no meta.
    pub fn from_envelope(envelope: &Envelope) -> Self {
        Self::from_parts(
            &envelope.content_topic,
            envelope.timestamp_ns,
            envelope.message.clone(),
        )
    }

    /// [`WakuMessage::from_envelope`] from an envelope's fields.
    ///
    /// A timestamp of 0 is left out (Waku reads an absent timestamp as 0). The unsigned
    /// nanoseconds are carried in Waku's signed field bit for bit, so every envelope maps and
    /// maps back unchanged (a time after the year 2262 reads as negative in Waku).
    pub fn from_parts(content_topic: &str, timestamp_ns: u64, payload: Vec<u8>) -> Self {
        Self {
            payload,
            content_topic: content_topic.to_owned(),
            version: None,
            timestamp: (timestamp_ns != 0).then_some(timestamp_ns.cast_signed()),
            meta: None,
            ephemeral: topic::category(content_topic)
                .is_ephemeral()
                .then_some(true),
        }
    }

    /// The envelope's `timestamp_ns`: the Waku timestamp's bits as unsigned, 0 when absent.
    pub fn envelope_timestamp_ns(&self) -> u64 {
        self.timestamp.unwrap_or(0).cast_unsigned()
    }

    /// The XMTP envelope this message carries. `version`, `meta` and `ephemeral` are dropped:
    /// whether an envelope is stored follows from its topic, as for a client's publish.
    pub fn into_envelope(self) -> Envelope {
        Envelope {
            timestamp_ns: self.envelope_timestamp_ns(),
            content_topic: self.content_topic,
            message: self.payload,
        }
    }

    /// `sha256(pubsub_topic || payload || content_topic || meta || timestamp)`, where an absent
    /// `meta` adds nothing and the timestamp is 8 bytes big-endian, left out when absent or 0
    /// (14/WAKU2-MESSAGE, "Deterministic message hashing"). It hashes the fields, not the
    /// protobuf encoding, so it is the same in every implementation.
    pub fn hash(&self, pubsub_topic: &str) -> MessageHash {
        hash_fields(
            pubsub_topic,
            &self.payload,
            &self.content_topic,
            self.meta.as_deref(),
            self.timestamp.unwrap_or(0),
        )
    }
}

/// The hash of the message [`WakuMessage::from_parts`] makes for an envelope (no meta), without
/// building it.
pub fn envelope_hash(
    pubsub_topic: &str,
    content_topic: &str,
    timestamp_ns: u64,
    message: &[u8],
) -> MessageHash {
    hash_fields(
        pubsub_topic,
        message,
        content_topic,
        None,
        timestamp_ns.cast_signed(),
    )
}

fn hash_fields(
    pubsub_topic: &str,
    payload: &[u8],
    content_topic: &str,
    meta: Option<&[u8]>,
    timestamp: i64,
) -> MessageHash {
    let mut hasher = Sha256::new();
    hasher.update(pubsub_topic.as_bytes());
    hasher.update(payload);
    hasher.update(content_topic.as_bytes());
    if let Some(meta) = meta {
        hasher.update(meta);
    }
    if timestamp != 0 {
        hasher.update(timestamp.to_be_bytes());
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_map_and_map_back_unchanged() {
        for (topic, ts) in [
            ("/xmtp/0/m-abc/proto", 1_700_000_000_000_000_000),
            ("/xmtp/0/mE-abc/proto", 0),
            ("/xmtp/0/dmE-x-y/proto", u64::MAX),
        ] {
            let envelope = Envelope {
                content_topic: topic.into(),
                timestamp_ns: ts,
                message: vec![1, 2, 3],
            };
            let waku = WakuMessage::from_envelope(&envelope);
            assert_eq!(waku.timestamp.is_none(), ts == 0);
            assert_eq!(
                waku.ephemeral,
                topic::category(topic).is_ephemeral().then_some(true)
            );
            assert_eq!(waku.into_envelope(), envelope);
        }
    }

    #[test]
    fn a_zero_timestamp_hashes_as_an_absent_one() {
        let mut m = WakuMessage::from_parts("/t", 0, vec![1]);
        let absent = m.hash(DEFAULT_PUBSUB_TOPIC);
        m.timestamp = Some(0);
        assert_eq!(m.hash(DEFAULT_PUBSUB_TOPIC), absent);
        m.timestamp = Some(1);
        assert_ne!(m.hash(DEFAULT_PUBSUB_TOPIC), absent);
        assert_ne!(m.hash("/other"), m.hash(DEFAULT_PUBSUB_TOPIC));
    }

    #[test]
    fn envelope_hash_is_the_hash_of_the_mapped_message() {
        for ts in [0, 1, u64::MAX] {
            let m = WakuMessage::from_parts("/xmtp/0/mE-x/proto", ts, vec![7; 3]);
            assert_eq!(
                envelope_hash("/p", "/xmtp/0/mE-x/proto", ts, &[7; 3]),
                m.hash("/p")
            );
        }
    }
}
