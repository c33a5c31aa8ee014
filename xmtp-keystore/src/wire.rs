//! Zero-copy views of the protobuf messages a v2 message is opened through: `Message`,
//! `MessageV2`, `Ciphertext` and the decrypted `SignedContent` (performance.md §6, C6).
//!
//! They keep the field numbers, wire types and merge rules of the generated types in xmtp-proto,
//! so opening accepts and refuses the same messages, but each `bytes` field is a [`Bytes`] slice of
//! the one buffer decoded instead of a copy of its own. The sender bundle stays encoded: it is the
//! key of the bundle cache and decoded only on a miss. `MessageV1` and `Signature` stay the
//! generated types.

use std::borrow::Cow;

use prost::bytes::Bytes;
use xmtp_proto::message_contents as pb;

use crate::error::Result;

/// `Message`.
#[derive(prost::Message)]
pub(crate) struct Message {
    #[prost(oneof = "Version", tags = "1, 2")]
    pub version: Option<Version>,
}

/// `Message.version`.
#[derive(prost::Oneof)]
pub(crate) enum Version {
    /// Kept as the generated type: it is refused anyway, but must be parsed alike.
    #[prost(message, tag = "1")]
    V1(pb::MessageV1),
    #[prost(message, tag = "2")]
    V2(MessageV2),
}

/// `MessageV2`.
#[derive(prost::Message)]
pub(crate) struct MessageV2 {
    #[prost(bytes = "bytes", tag = "1")]
    pub header_bytes: Bytes,
    #[prost(message, optional, tag = "2")]
    pub ciphertext: Option<Ciphertext>,
    #[prost(bytes = "bytes", optional, tag = "3")]
    pub sender_hmac: Option<Bytes>,
    #[prost(bool, optional, tag = "4")]
    pub should_push: Option<bool>,
}

/// `Ciphertext`.
#[derive(prost::Message)]
pub(crate) struct Ciphertext {
    #[prost(oneof = "CiphertextUnion", tags = "1")]
    pub union: Option<CiphertextUnion>,
}

/// `Ciphertext.union`.
#[derive(prost::Oneof)]
pub(crate) enum CiphertextUnion {
    #[prost(message, tag = "1")]
    Aes256GcmHkdfSha256(Aes256GcmHkdfSha256),
}

/// `Ciphertext.Aes256gcmHkdfsha256`.
#[derive(prost::Message)]
pub(crate) struct Aes256GcmHkdfSha256 {
    #[prost(bytes = "bytes", tag = "1")]
    pub hkdf_salt: Bytes,
    #[prost(bytes = "bytes", tag = "2")]
    pub gcm_nonce: Bytes,
    #[prost(bytes = "bytes", tag = "3")]
    pub payload: Bytes,
}

/// `SignedContent` with the sender bundle left encoded: every occurrence of field 2, in order
/// (see [`SignedContent::sender_bytes`]).
#[derive(prost::Message)]
pub(crate) struct SignedContent {
    #[prost(bytes = "bytes", tag = "1")]
    pub payload: Bytes,
    #[prost(bytes = "bytes", repeated, tag = "2")]
    pub sender: Vec<Bytes>,
    #[prost(message, optional, tag = "3")]
    pub signature: Option<pb::Signature>,
}

impl SignedContent {
    /// The encoded `SignedPublicKeyBundle` that the generated `SignedContent.sender` would hold,
    /// or `None` when the field is absent. Protobuf merges the occurrences of a message field,
    /// which is parsing their concatenation; a single occurrence is returned as is.
    pub fn sender_bytes(&self) -> Option<Cow<'_, [u8]>> {
        match self.sender.as_slice() {
            [] => None,
            [one] => Some(Cow::Borrowed(one)),
            many => Some(Cow::Owned(many.concat())),
        }
    }
}

/// Decodes a view from `bytes`, naming the protobuf `message` in the error as
/// [`xmtp_proto::decode`] does.
pub(crate) fn decode<M: prost::Message + Default>(
    message: &'static str,
    bytes: Bytes,
) -> Result<M> {
    M::decode(bytes).map_err(|source| xmtp_proto::Error::Decode { message, source }.into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use xmtp_proto::Message as _;

    use super::*;

    fn bundle(created_ns: u64) -> pb::SignedPublicKeyBundle {
        let key = pb::SignedPublicKey {
            key_bytes: vec![1, 2, 3],
            signature: None,
        };
        pb::SignedPublicKeyBundle {
            identity_key: Some(pb::SignedPublicKey {
                key_bytes: created_ns.to_le_bytes().to_vec(),
                ..key.clone()
            }),
            pre_key: Some(key),
        }
    }

    #[test]
    fn a_repeated_sender_is_merged_as_the_generated_type_merges_it() {
        let (first, second) = (bundle(1), bundle(2));
        let content = pb::SignedContent {
            payload: b"hello".to_vec(),
            sender: Some(first.clone()),
            signature: None,
        };
        let mut bytes = content.encode_to_vec();
        // A second `sender` field after the first: the generated type merges the two.
        pb::SignedContent {
            sender: Some(pb::SignedPublicKeyBundle {
                pre_key: None,
                ..second
            }),
            ..Default::default()
        }
        .encode(&mut bytes)
        .unwrap();
        let generated: pb::SignedContent = xmtp_proto::decode(&bytes).unwrap();
        let view: SignedContent = decode("SignedContent", Bytes::from(bytes)).unwrap();
        let merged: pb::SignedPublicKeyBundle =
            xmtp_proto::decode(&view.sender_bytes().unwrap()).unwrap();
        assert_eq!(Some(merged), generated.sender);
        assert_ne!(generated.sender, Some(first));
        assert_eq!(&view.payload[..], b"hello");
    }

    #[test]
    fn views_refuse_what_the_generated_types_refuse() {
        // Field 2 of `Message` as a varint: a wire-type mismatch for both.
        let bad = Bytes::from_static(&[0x10, 0x01]);
        assert!(xmtp_proto::decode::<pb::Message>(&bad).is_err());
        assert!(decode::<Message>("Message", bad).is_err());
        // A `MessageV2.sender_hmac` (field 3) as a varint, which opening never reads.
        let bad = Bytes::from_static(&[0x12, 0x02, 0x18, 0x01]);
        assert!(xmtp_proto::decode::<pb::Message>(&bad).is_err());
        assert!(decode::<Message>("Message", bad).is_err());
        // `SignedContent` with no sender.
        let none: SignedContent =
            decode("SignedContent", Bytes::from_static(&[0x0a, 0x00])).unwrap();
        assert!(none.sender_bytes().is_none());
    }
}
