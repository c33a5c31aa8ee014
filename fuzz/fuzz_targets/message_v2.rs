//! A v2 message (`Message{v2}`) of the fixed TV-1 conversation. Selector byte:
//! 0: the bytes are the envelope payload, decoded by the client (`decode_envelope`: topic,
//!    decryption, sender signature, participant check, content codecs);
//! 1: the bytes are the decrypted `SignedContent`, sealed under the conversation key with the
//!    real TV-10a header, so signature and sender-bundle checks are reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_client::Envelope;
use xmtp_client::content::CodecRegistry;
use xmtp_fuzz::{fixtures, me, seal, select};
use xmtp_keystore::open_v2_message;
use xmtp_proto::Message as _;
use xmtp_proto::message_contents as pb;

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("message_v2"), |data: &[u8]| {
    let Some((mode, data)) = select(data, 2) else {
        return;
    };
    let f = fixtures();
    let payload = match mode {
        0 => data.to_vec(),
        _ => pb::Message {
            version: Some(pb::message::Version::V2(pb::MessageV2 {
                ciphertext: Some(seal(
                    f.conversation.invitation.key_material.expose(),
                    data,
                    &f.v2_header_bytes,
                )),
                header_bytes: f.v2_header_bytes.clone(),
                sender_hmac: None,
                should_push: None,
            })),
        }
        .encode_to_vec(),
    };
    let opened = open_v2_message(&f.conversation, &payload);
    let envelope = Envelope {
        content_topic: f.conversation.topic().to_owned(),
        timestamp_ns: f.v2_created_ns,
        message: payload,
    };
    let decoded = xmtp_client::decode_envelope(me(), &f.secret, &envelope, &CodecRegistry::new());
    if let Ok(decoded) = decoded {
        let opened = opened.expect("the client decoded what the keystore cannot open");
        assert_eq!(decoded.sender, opened.sender);
    }
});
