//! Forward secrecy between installations (issue 19; xmtp-keystore's `forward_secrecy`). Selector
//! byte:
//! 0: a payload from a wallet's installations topic (anyone may try to publish there), read with
//!    `verify_installation_records` against Alice's contact bundle: a record that counts must be
//!    signed by her identity key, so the fuzzer's own records are all refused;
//! 1: a `ForwardSecretMessage` from the network, read by a fresh installation that accepts any
//!    sender (`sender_of`, then `decrypt`: the Olm pre-key and normal message parsers);
//! 2: the bytes are a plaintext that a fresh installation seals for another: it opens to itself
//!    once, and the same message never opens twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_fuzz::{NOW_NS, fixtures, installation_keys, select};
use xmtp_keystore::{ContactBundle, Installation, verify_installation_records};

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("forward_secret"), |data: &[u8]| {
    let Some((mode, data)) = select(data, 3) else {
        return;
    };
    match mode {
        0 => {
            let contact = ContactBundle::v2_for(&fixtures().alice);
            if let Ok(list) = verify_installation_records(&contact, [data]) {
                // Only Alice's identity key signs records that count; the seeds hold hers.
                assert!(list.active.len() + list.revoked.len() <= 1, "one payload, one record");
            }
        }
        1 => {
            let _ = Installation::sender_of(data);
            let mut reader = Installation::new(NOW_NS);
            let _ = reader.decrypt(data, |_| true);
        }
        _ => {
            let mut sender = Installation::new(NOW_NS);
            let mut reader = Installation::new(NOW_NS);
            let message = sender
                .encrypt(&[installation_keys(&reader)], data)
                .expect("sealing for one installation");
            let from = sender.id();
            let opened = reader
                .decrypt(&message, |id| *id == from)
                .expect("a message sealed for this installation opens");
            assert_eq!(opened.plaintext.expose(), data, "the plaintext changed");
            assert!(
                reader.decrypt(&message, |id| *id == from).is_err(),
                "a replayed message opened again"
            );
        }
    }
});
