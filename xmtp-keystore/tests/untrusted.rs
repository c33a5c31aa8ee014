//! Untrusted bytes never panic: every decoder this crate exposes is fed random bytes, valid
//! inputs with one byte changed or cut short, and containers with random ciphertext fields. A
//! changed input either fails with an error or opens to exactly what was sealed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("common/helpers.rs");

use std::sync::{Arc, LazyLock};

use proptest::prelude::*;
use proptest::sample::Index;
use xmtp_crypto::LocalWallet;
use xmtp_keystore::{
    ConsentAction, ContactBundle, Conversation, ConversationStore, EncryptedPrivateKeyBundle,
    EnvelopeRef, KeyStorageRequest, KeystoreBackend, LocalKeystore, MemoryBackend,
    PrivateKeyBundle, SealOptions, SignedPublicKeyBundle, StoreKey, choose_contact,
    deterministic_invitation, discover_v1_conversations, export_bundle, export_conversations,
    import_bundle, import_conversations, open_action, open_invitation, open_invitations,
    open_v1_message, open_v1_messages, open_v2_message, open_v2_messages, open_v2_unchecked_sender,
    seal_action, seal_invitation, seal_v1_message, seal_v2_message, self_decrypt,
};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

const T0: u64 = 1_700_000_000_000;
const SECRET: &[u8] = b"export secret of the fixture";

/// One valid input for every decoder, built once.
struct Fixture {
    alice_wallet: LocalWallet,
    alice: PrivateKeyBundle,
    bob: PrivateKeyBundle,
    at_bob: Conversation,
    invitation: Vec<u8>,
    invitation_ns: u64,
    v1: Vec<u8>,
    v1_topic: String,
    v2: Vec<u8>,
    contact: ContactBundle,
    encrypted_bundle: Vec<u8>,
    bundle_blob: Vec<u8>,
    conversations: ConversationStore,
    conversations_blob: Vec<u8>,
    preferences: Vec<u8>,
    store_file: Vec<u8>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let (alice_wallet, alice) = new_identity(T0);
    let (_, bob) = new_identity(T0 + 5);
    let to_bob = bob.signed_public_bundle();
    let invitation = deterministic_invitation(&alice, &to_bob, None, None).unwrap();
    let sealed = seal_invitation(&alice, &to_bob, &invitation, T0 * 1_000_000).unwrap();
    let at_alice = open_invitation(&alice, &sealed.payload, sealed.timestamp_ns).unwrap();
    let at_bob = open_invitation(&bob, &sealed.payload, sealed.timestamp_ns).unwrap();
    let v1 = seal_v1_message(&alice, &bob.public_bundle().unwrap(), b"hi v1", T0).unwrap();
    let v2 = seal_v2_message(&alice, &at_alice, b"hi v2", 7, SealOptions::default()).unwrap();
    let storage = KeyStorageRequest::new(alice.clone());
    let enable = alice_wallet.personal_sign(storage.request().text.as_bytes());
    let mut conversations = ConversationStore::new();
    conversations.insert(at_alice);

    let backend = MemoryBackend::new();
    let mut store = LocalKeystore::open(
        backend,
        StoreKey::from_identity(&alice),
        alice.wallet_address(),
    )
    .unwrap();
    store.state.bundle = Some(alice.clone());
    store.state.conversations = conversations.clone();
    store
        .state
        .cursors
        .insert("/xmtp/0/invite-a/proto".into(), 9);
    store.save().unwrap();
    let store_file = store.backend().read().unwrap().unwrap();

    Fixture {
        invitation: sealed.payload,
        invitation_ns: sealed.timestamp_ns,
        v1_topic: v1.topic,
        v1: v1.payload,
        v2: v2.payload,
        contact: ContactBundle::v2_for(&alice),
        encrypted_bundle: storage.finish(enable.to_bytes_v27().expose()).unwrap(),
        bundle_blob: export_bundle(&alice, SECRET),
        conversations_blob: export_conversations(&conversations, SECRET),
        conversations,
        preferences: seal_action(&alice, &ConsentAction::Allow(vec!["0xabc".into()])),
        store_file,
        alice_wallet,
        alice,
        bob,
        at_bob,
    }
});

/// `bytes` with the byte at `at` XORed with `xor` (non-zero).
fn flip(bytes: &[u8], at: &Index, xor: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at.index(bytes.len())] ^= xor;
    out
}

/// `bytes` cut to a strictly shorter length.
fn cut(bytes: &[u8], at: &Index) -> Vec<u8> {
    bytes[..at.index(bytes.len())].to_vec()
}

/// A `Ciphertext` with arbitrary field lengths and contents.
fn any_ciphertext() -> impl Strategy<Value = pb::Ciphertext> {
    let field = |max| proptest::collection::vec(any::<u8>(), 0..max);
    (field(40), field(20), field(200)).prop_map(|(hkdf_salt, gcm_nonce, payload)| pb::Ciphertext {
        union: Some(pb::ciphertext::Union::Aes256GcmHkdfSha256(
            pb::ciphertext::Aes256gcmHkdfsha256 {
                hkdf_salt,
                gcm_nonce,
                payload,
            },
        )),
    })
}

fn random_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..600)
}

/// Every decoder of untrusted bytes, on the same input; results are ignored, panics are not.
fn decode_everything(f: &Fixture, bytes: &[u8]) {
    let _ = open_invitation(&f.bob, bytes, f.invitation_ns);
    let _ = open_v1_message(&f.bob, bytes, &f.v1_topic);
    let _ = open_v2_message(&f.at_bob, bytes);
    let _ = open_v2_unchecked_sender(f.at_bob.topic(), &f.at_bob.invitation.key_material, bytes);
    let _ = ContactBundle::decode(bytes).and_then(|c| c.validate());
    let _ = choose_contact(f.alice.wallet_address(), [bytes]);
    let _ = SignedPublicKeyBundle::decode(bytes).and_then(|b| b.validate());
    let _ = PrivateKeyBundle::decode_any(bytes);
    if let Ok(encrypted) = EncryptedPrivateKeyBundle::decode(bytes) {
        let signature = f
            .alice_wallet
            .personal_sign(encrypted.request().text.as_bytes());
        let _ = encrypted.decrypt(f.alice.wallet_address(), signature.to_bytes_v27().expose());
    }
    let _ = import_bundle(bytes, SECRET);
    let _ = import_conversations(bytes, SECRET, f.bob.wallet_address());
    let _ = self_decrypt(&f.alice, bytes);
    let _ = open_action(&f.alice, bytes);
    let backend = MemoryBackend::new();
    backend.overwrite_current(bytes.to_vec());
    let _ = LocalKeystore::open(
        backend,
        StoreKey::from_identity(&f.alice),
        f.alice.wallet_address(),
    );
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in random_bytes()) {
        decode_everything(&FIXTURE, &bytes);
    }

    #[test]
    fn batches_of_random_bytes_give_one_result_per_item(
        payloads in proptest::collection::vec(random_bytes(), 0..8),
    ) {
        let f = &*FIXTURE;
        let intro = xmtp_proto::topic::intro(&f.bob.wallet_address().to_string());
        let envelopes: Vec<_> = payloads
            .iter()
            .map(|p| EnvelopeRef { topic: &intro, timestamp_ns: 1, payload: p })
            .collect();
        prop_assert_eq!(open_invitations(&f.bob, &envelopes).len(), payloads.len());
        prop_assert_eq!(open_v1_messages(&f.bob, &envelopes).len(), payloads.len());
        let mut store = ConversationStore::new();
        store.insert(f.at_bob.clone());
        prop_assert_eq!(open_v2_messages(&store, &envelopes).len(), payloads.len());
        prop_assert!(discover_v1_conversations(&f.bob, &envelopes).is_empty());
    }

    #[test]
    fn changed_invitations_fail_or_open_unchanged(at in any::<Index>(), xor in 1..=255u8) {
        let f = &*FIXTURE;
        for bytes in [flip(&f.invitation, &at, xor), cut(&f.invitation, &at)] {
            decode_everything(f, &bytes);
            if let Ok(c) = open_invitation(&f.bob, &bytes, f.invitation_ns) {
                prop_assert_eq!(&c.invitation, &f.at_bob.invitation);
            }
        }
    }

    #[test]
    fn changed_v1_messages_fail_or_open_unchanged(at in any::<Index>(), xor in 1..=255u8) {
        let f = &*FIXTURE;
        for bytes in [flip(&f.v1, &at, xor), cut(&f.v1, &at)] {
            decode_everything(f, &bytes);
            if let Ok(m) = open_v1_message(&f.bob, &bytes, &f.v1_topic) {
                prop_assert_eq!(m.content, b"hi v1");
                prop_assert_eq!(m.sender, f.alice.wallet_address());
            }
        }
    }

    #[test]
    fn changed_v2_messages_fail_or_open_unchanged(at in any::<Index>(), xor in 1..=255u8) {
        let f = &*FIXTURE;
        for bytes in [flip(&f.v2, &at, xor), cut(&f.v2, &at)] {
            decode_everything(f, &bytes);
            if let Ok(m) = open_v2_message(&f.at_bob, &bytes) {
                prop_assert_eq!(m.content, b"hi v2");
                prop_assert_eq!(m.sender, f.alice.wallet_address());
            }
        }
    }

    #[test]
    fn changed_contacts_are_never_chosen_with_other_keys(at in any::<Index>(), xor in 1..=255u8) {
        let f = &*FIXTURE;
        let encoded = f.contact.encode();
        for bytes in [flip(&encoded, &at, xor), cut(&encoded, &at)] {
            decode_everything(f, &bytes);
            if let Some(chosen) = choose_contact(f.alice.wallet_address(), [bytes.as_slice()]) {
                let (chosen, original) = (chosen.to_signed().unwrap(), f.contact.to_signed().unwrap());
                prop_assert_eq!(chosen.identity_key.key(), original.identity_key.key());
                prop_assert_eq!(chosen.pre_key.key(), original.pre_key.key());
            }
        }
    }

    #[test]
    fn changed_key_storage_fails_or_opens_unchanged(at in any::<Index>(), xor in 1..=255u8) {
        let f = &*FIXTURE;
        for bytes in [flip(&f.encrypted_bundle, &at, xor), cut(&f.encrypted_bundle, &at)] {
            decode_everything(f, &bytes);
            let Ok(encrypted) = EncryptedPrivateKeyBundle::decode(&bytes) else { continue };
            let signature = f.alice_wallet.personal_sign(encrypted.request().text.as_bytes());
            let opened = encrypted.decrypt(f.alice.wallet_address(), signature.to_bytes_v27().expose());
            if let Ok(opened) = opened {
                prop_assert_eq!(opened.bundle.encode(), f.alice.encode());
            }
        }
    }

    #[test]
    fn changed_export_blobs_fail_or_open_unchanged(at in any::<Index>(), xor in 1..=255u8) {
        let f = &*FIXTURE;
        for bytes in [flip(&f.bundle_blob, &at, xor), cut(&f.bundle_blob, &at)] {
            decode_everything(f, &bytes);
            if let Ok(bundle) = import_bundle(&bytes, SECRET) {
                prop_assert_eq!(bundle.encode(), f.alice.encode());
            }
        }
        for bytes in [flip(&f.conversations_blob, &at, xor), cut(&f.conversations_blob, &at)] {
            decode_everything(f, &bytes);
            if let Ok(store) = import_conversations(&bytes, SECRET, f.alice.wallet_address()) {
                prop_assert_eq!(store.to_topic_map(), f.conversations.to_topic_map());
            }
        }
    }

    #[test]
    fn changed_preferences_fail_or_open_unchanged(at in any::<Index>(), xor in 1..=255u8) {
        let f = &*FIXTURE;
        for bytes in [flip(&f.preferences, &at, xor), cut(&f.preferences, &at)] {
            decode_everything(f, &bytes);
            if let Ok(action) = open_action(&f.alice, &bytes) {
                prop_assert_eq!(
                    ConsentAction::from_proto(&action),
                    Some(ConsentAction::Allow(vec!["0xabc".into()]))
                );
            }
        }
    }

    #[test]
    fn changed_store_files_fall_back_to_the_previous_state(at in any::<Index>(), xor in 1..=255u8) {
        let f = &*FIXTURE;
        for bytes in [flip(&f.store_file, &at, xor), cut(&f.store_file, &at)] {
            decode_everything(f, &bytes);
            // A good state was written twice, so the previous slot holds it too.
            let backend = Arc::new(MemoryBackend::new());
            backend.write(&f.store_file).unwrap();
            backend.write(&f.store_file).unwrap();
            backend.overwrite_current(bytes);
            let store = LocalKeystore::open(
                backend,
                StoreKey::from_identity(&f.alice),
                f.alice.wallet_address(),
            )
            .unwrap();
            prop_assert_eq!(store.state.cursors.get("/xmtp/0/invite-a/proto"), Some(&9));
            prop_assert_eq!(
                store.state.conversations.to_topic_map(),
                f.conversations.to_topic_map()
            );
            prop_assert_eq!(
                store.state.bundle.as_ref().map(PrivateKeyBundle::encode),
                Some(f.alice.encode())
            );
        }
    }

    #[test]
    fn random_ciphertext_fields_are_errors(ciphertext in any_ciphertext()) {
        let f = &*FIXTURE;
        let with_ciphertext = |payload: &[u8]| -> Vec<u8> {
            let mut message: pb::Message = xmtp_proto::decode(payload).unwrap();
            match &mut message.version {
                Some(pb::message::Version::V1(v1)) => v1.ciphertext = Some(ciphertext.clone()),
                Some(pb::message::Version::V2(v2)) => v2.ciphertext = Some(ciphertext.clone()),
                None => unreachable!("fixture messages have a version"),
            }
            message.encode_to_vec()
        };
        prop_assert!(open_v1_message(&f.bob, &with_ciphertext(&f.v1), &f.v1_topic).is_err());
        prop_assert!(open_v2_message(&f.at_bob, &with_ciphertext(&f.v2)).is_err());

        let mut sealed: pb::SealedInvitation = xmtp_proto::decode(&f.invitation).unwrap();
        if let Some(pb::sealed_invitation::Version::V1(v1)) = &mut sealed.version {
            v1.ciphertext = Some(ciphertext.clone());
        }
        prop_assert!(open_invitation(&f.bob, &sealed.encode_to_vec(), f.invitation_ns).is_err());

        let preferences = pb::PrivatePreferencesPayload {
            version: Some(pb::private_preferences_payload::Version::V1(ciphertext.clone())),
        };
        prop_assert!(self_decrypt(&f.alice, &preferences.encode_to_vec()).is_err());

        let mut blob = f.bundle_blob[..8].to_vec();
        blob.extend_from_slice(&ciphertext.encode_to_vec());
        prop_assert!(import_bundle(&blob, SECRET).is_err());
    }

    #[test]
    fn random_headers_are_errors(header_bytes in random_bytes()) {
        let f = &*FIXTURE;
        let mut message: pb::Message = xmtp_proto::decode(&f.v2).unwrap();
        if let Some(pb::message::Version::V2(v2)) = &mut message.version {
            v2.header_bytes = header_bytes.clone();
        }
        prop_assert!(open_v2_message(&f.at_bob, &message.encode_to_vec()).is_err());

        let mut message: pb::Message = xmtp_proto::decode(&f.v1).unwrap();
        if let Some(pb::message::Version::V1(v1)) = &mut message.version {
            v1.header_bytes = header_bytes.clone();
        }
        prop_assert!(open_v1_message(&f.bob, &message.encode_to_vec(), &f.v1_topic).is_err());

        let mut sealed: pb::SealedInvitation = xmtp_proto::decode(&f.invitation).unwrap();
        if let Some(pb::sealed_invitation::Version::V1(v1)) = &mut sealed.version {
            v1.header_bytes = header_bytes;
        }
        prop_assert!(open_invitation(&f.bob, &sealed.encode_to_vec(), f.invitation_ns).is_err());
    }
}
