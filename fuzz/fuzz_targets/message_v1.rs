//! A v1 message (`Message{v1}`) from a `dm-`/`intro-` topic. Selector byte:
//! 0: the bytes are the payload, opened by Bob on the Alice–Bob `dm-` topic;
//! 1: the bytes are the *content*, sealed by Alice to Bob, then opened and decoded by the client"s
//!    codec registry (what follows decryption); the content must come back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_client::content::CodecRegistry;
use xmtp_fuzz::{fixtures, select};
use xmtp_keystore::{open_v1_message, seal_v1_message};
use xmtp_proto::topic;

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("message_v1"), |data: &[u8]| {
    let Some((mode, data)) = select(data, 2) else {
        return;
    };
    let f = fixtures();
    let dm = topic::direct_message_v1(
        &f.alice.wallet_address().to_string(),
        &f.bob.wallet_address().to_string(),
    );
    match mode {
        0 => {
            let _ = open_v1_message(&f.bob, data, &dm);
            let _ = open_v1_message(&f.alice, data, &topic::intro(&f.alice.wallet_address().to_string()));
        }
        _ => {
            let bob = f.bob.public_bundle().expect("fixture bundle is legacy-compatible");
            let sealed = seal_v1_message(&f.alice, &bob, data, 1_700_000_000_000)
                .expect("fixture bundles can message each other");
            let opened = open_v1_message(&f.bob, &sealed.payload, &sealed.topic)
                .expect("a message sealed to Bob opens for Bob");
            assert_eq!(opened.content, data, "v1 content changed in transit");
            assert_eq!(opened.sender, f.alice.wallet_address());
            let _ = CodecRegistry::new().decode_bytes(&opened.content);
        }
    }
});
