//! Stored and exported key material. Selector byte:
//! 0: `PrivateKeyBundle` bytes (v1, v2 or bare legacy), as read back from storage;
//! 1: an `EncryptedPrivateKeyBundle` from the private-store topic, decoded and opened with a
//!    (wrong) wallet signature;
//! 2: a key-export blob (`import_bundle`) under a fixed secret;
//! 3: a conversation-export blob (`import_conversations`) under a fixed secret;
//! 4: the bytes are the plaintext of a conversation export (`TopicMap`), sealed properly, so the
//!    topic-map parsing behind the encryption is reached.
//! A bundle that decodes must encode and decode to the same wallet.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_fuzz::{BLOB_SECRET, me, select};
use xmtp_keystore::{BlobKind, EncryptedPrivateKeyBundle, PrivateKeyBundle};

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("private_key_bundle"), |data: &[u8]| {
    let Some((mode, data)) = select(data, 5) else {
        return;
    };
    match mode {
        0 => {
            if let Ok(decoded) = PrivateKeyBundle::decode_any(data) {
                let bundle = decoded.bundle;
                let again = PrivateKeyBundle::decode(bundle.encode().expose())
                    .expect("re-encoded bundle decodes");
                assert_eq!(again.wallet_address(), bundle.wallet_address());
                let _ = bundle.public_bundle();
                let _ = bundle.to_proto_v1();
            }
        }
        1 => {
            if let Ok(encrypted) = EncryptedPrivateKeyBundle::decode(data) {
                let _ = encrypted.request();
                let _ = encrypted.decrypt(me(), &[0x11; 65]);
            }
        }
        2 => {
            let _ = xmtp_keystore::import_bundle(data, BLOB_SECRET);
        }
        3 => {
            let _ = xmtp_keystore::import_conversations(data, BLOB_SECRET, me());
        }
        _ => {
            let blob = xmtp_keystore::seal_blob(BlobKind::TopicMap, BLOB_SECRET, data);
            if let Ok(store) = xmtp_keystore::import_conversations(&blob, BLOB_SECRET, me()) {
                let again = xmtp_keystore::export_conversations(&store, BLOB_SECRET);
                let back = xmtp_keystore::import_conversations(&again, BLOB_SECRET, me())
                    .expect("re-exported conversations import");
                assert_eq!(back.len(), store.len());
            }
        }
    }
});
