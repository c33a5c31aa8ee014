//! An `Envelope` as the node or a stream hands it to the client, then what the client does first
//! with it: topic check, open as a v2 message of the fixed conversation
//! (`xmtp_client::decode_envelope`), as a v1 message for Bob, and as an invitation for the TV-5e
//! identity. Also: the envelope survives a protobuf round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_client::content::CodecRegistry;
use xmtp_fuzz::{assert_round_trip, fixtures, me};
use xmtp_proto::message_api::v1 as api;

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("envelope"), |data: &[u8]| {
    let Ok(envelope) = xmtp_proto::decode::<api::Envelope>(data) else {
        return;
    };
    assert_round_trip(&envelope);
    let f = fixtures();
    let registry = CodecRegistry::new();
    let wire = &envelope;
    let envelope = xmtp_client::Envelope::new(
        wire.content_topic.clone(),
        wire.timestamp_ns,
        wire.message.clone(),
    );
    let _ = xmtp_client::decode_envelope(me(), &f.secret, &envelope, &registry);
    let _ = xmtp_keystore::open_v1_message(&f.bob, &envelope.message, &envelope.content_topic);
    let _ = xmtp_keystore::open_invitation(
        &f.invitee,
        &envelope.message,
        envelope.timestamp_ns,
    );
    let _ = xmtp_proto::topic::category(&envelope.content_topic);
});
