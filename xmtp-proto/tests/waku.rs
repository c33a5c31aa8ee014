//! 14/WAKU2-MESSAGE: the RFC's hash vectors (`tests/vectors/waku_message_hash.json`), the wire
//! format, and the envelope mapping.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use prost::Message;
use serde_json::Value;
use xmtp_proto::message_api::v1::Envelope;
use xmtp_proto::waku::{DEFAULT_PUBSUB_TOPIC, WakuMessage};

fn hex_field(v: &Value, name: &str) -> Vec<u8> {
    hex::decode(v[name].as_str().expect(name)).unwrap()
}

#[test]
fn the_rfc_hash_vectors() {
    let file: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/waku_message_hash.json"
    )))
    .unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 4);
    for v in vectors {
        let message = WakuMessage {
            payload: hex_field(v, "payload"),
            content_topic: v["content_topic"].as_str().unwrap().into(),
            version: None,
            timestamp: Some(v["timestamp_ns"].as_str().unwrap().parse().unwrap()),
            meta: v["meta"].as_str().map(|m| hex::decode(m).unwrap()),
            ephemeral: None,
        };
        let pubsub = v["pubsub_topic"].as_str().unwrap();
        assert_eq!(
            message.hash(pubsub).to_vec(),
            hex_field(v, "message_hash"),
            "{}",
            v["what"]
        );
        // The hash covers the fields, not the encoding: flags outside it change nothing.
        let flagged = WakuMessage {
            ephemeral: Some(true),
            version: Some(1),
            ..message.clone()
        };
        assert_eq!(flagged.hash(pubsub), message.hash(pubsub));
    }
}

#[test]
fn wire_format_has_the_rfc_field_numbers() {
    let message = WakuMessage {
        payload: vec![0xaa],
        content_topic: "t".into(),
        version: Some(0),
        timestamp: Some(-1),
        meta: Some(vec![]),
        ephemeral: Some(true),
    };
    // payload=1 (bytes), content_topic=2, version=3 (0 is still written: proto3 optional),
    // timestamp=10 (sint64 zigzag: -1 is 1), meta=11, ephemeral=31 (tag 0xf8 0x01).
    assert_eq!(
        hex::encode(message.encode_to_vec()),
        "0a01aa120174180050015a00f80101"
    );
    let back: WakuMessage = xmtp_proto::decode(&message.encode_to_vec()).unwrap();
    assert_eq!(back, message);
    assert!(xmtp_proto::decode::<WakuMessage>(&[0x0a, 0x05, 0x01]).is_err());
}

proptest! {
    #[test]
    fn every_envelope_maps_and_maps_back(
        topic in "[ -~]{0,40}",
        timestamp_ns in any::<u64>(),
        message in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let envelope = Envelope { content_topic: topic, timestamp_ns, message };
        let waku = WakuMessage::from_envelope(&envelope);
        let decoded: WakuMessage = xmtp_proto::decode(&waku.encode_to_vec()).unwrap();
        prop_assert_eq!(decoded.hash(DEFAULT_PUBSUB_TOPIC), waku.hash(DEFAULT_PUBSUB_TOPIC));
        prop_assert_eq!(decoded.into_envelope(), envelope);
    }
}
