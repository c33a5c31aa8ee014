//! Known-answer vectors from protocol.md §12 (files under `tests/vectors/`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("common/helpers.rs");

use xmtp_crypto::{Address, LocalWallet};
use xmtp_keystore::{
    ContactBundle, Conversation, EncryptedPrivateKeyBundle, Error, KeySignature, KeyStorageRequest,
    PublicKeyBundle, SealOptions, SignedPublicKey, SignedPublicKeyBundle, consent_proof_text,
    deterministic_invitation, enable_identity_text, js_utc_string, open_invitation,
    open_v2_message, open_v2_unchecked_sender, seal_v2_message, topic_identifier_for_key,
};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

fn context(id: &str) -> Option<pb::invitation_v1::Context> {
    Some(pb::invitation_v1::Context {
        conversation_id: id.into(),
        metadata: Default::default(),
    })
}

#[test]
fn tv01_deterministic_topic_and_key() {
    let v = Vector::load("tv01_deterministic_topic");
    let (alice, bob) = tv1();
    assert_eq!(alice.wallet_address().to_string(), v.text("alice_address"));
    assert_eq!(bob.wallet_address().to_string(), v.text("bob_address"));
    // Re-encoding gives back the JS bytes exactly.
    assert_eq!(alice.encode().expose(), v.bytes("alice_private_key_bundle"));
    assert_eq!(bob.encode().expose(), v.bytes("bob_private_key_bundle"));

    let a2b = deterministic_invitation(&alice, &bob.signed_public_bundle(), context("test"), None)
        .unwrap();
    let b2a = deterministic_invitation(&bob, &alice.signed_public_bundle(), context("test"), None)
        .unwrap();
    assert_eq!(a2b.topic, v.text("expected_topic"));
    assert_eq!(b2a.topic, v.text("expected_topic"));
    assert_eq!(
        a2b.key_material.expose(),
        v.bytes("recomputed.key_material")
    );
    assert_eq!(b2a.key_material, a2b.key_material);

    let none = deterministic_invitation(&alice, &bob.signed_public_bundle(), None, None).unwrap();
    assert_eq!(
        none.topic,
        v.text("recomputed.topic_without_conversation_id")
    );
    assert_eq!(none.key_material, a2b.key_material);

    // Triple-DH as bob (smaller address, so "recipient").
    let secret = bob
        .shared_secret(
            &alice.signed_public_bundle(),
            bob.signed_public_bundle().pre_key.key(),
            true,
        )
        .unwrap();
    assert_eq!(secret.expose(), v.bytes("recomputed.triple_dh_secret"));
}

#[test]
fn tv03_enable_identity_text() {
    let v = Vector::load("tv03_enable_identity_text");
    assert_eq!(
        enable_identity_text(&v.bytes("wallet_pre_key")),
        v.text("expected_signature_request_text")
    );
}

#[test]
fn tv05a_v2_bundle_and_identity_signature() {
    let v = Vector::load("tv05a_v2_bundle_signature");
    let bundle = xmtp_keystore::PrivateKeyBundle::decode(&v.bytes("private_key_bundle")).unwrap();
    let identity = bundle.identity_key();
    assert!(!identity.is_legacy_derived());
    assert_eq!(
        identity.key().eth_address().to_string(),
        v.text("recomputed.expected_identity_key_address")
    );
    let sig =
        KeySignature::from_proto(&xmtp_proto::decode(&v.bytes("signature")).unwrap()).unwrap();
    let digest = xmtp_crypto::sha256(v.text("signed_message_ascii").as_bytes());
    sig.verify_by_key(identity.key(), &digest).unwrap();
    // A native v2 bundle has no legacy form but round-trips as v2.
    assert!(bundle.to_proto_v1().is_err());
    let again = xmtp_keystore::PrivateKeyBundle::decode(bundle.encode().expose()).unwrap();
    assert_eq!(again.identity_key(), identity);
}

#[test]
fn tv05b_wallet_signature_recovers() {
    let v = Vector::load("tv05b_wallet_signature");
    let key = SignedPublicKey::from_proto(&pb::SignedPublicKey {
        key_bytes: v.bytes("key_bytes"),
        signature: Some(xmtp_proto::decode(&v.bytes("signature")).unwrap()),
    })
    .unwrap();
    assert_eq!(
        key.wallet_address().unwrap().to_string(),
        v.text("expected_address")
    );
    assert_eq!(
        xmtp_keystore::create_identity_text(&v.bytes("key_bytes")),
        v.text("extracted.signature_request_text")
    );
}

#[test]
fn tv05d_triple_dh_native_v2() {
    let v = Vector::load("tv05d_triple_dh");
    let me = xmtp_keystore::PrivateKeyBundle::decode(&v.bytes("my_private_key_bundle")).unwrap();
    let peer = SignedPublicKeyBundle::decode(&v.bytes("peer_signed_public_key_bundle")).unwrap();
    let my_pre = SignedPublicKey::from_proto(
        &xmtp_proto::decode(&v.bytes("my_pre_key_signed_public_key")).unwrap(),
    )
    .unwrap();
    let secret = me.shared_secret(&peer, my_pre.key(), false).unwrap();
    assert_eq!(secret.expose(), v.bytes("expected_secret"));
}

#[test]
fn tv05e_random_form_invitation_opens() {
    let v = Vector::load("tv05e_sealed_invitation");
    let alice =
        xmtp_keystore::PrivateKeyBundle::decode(&v.bytes("alice_private_key_bundle")).unwrap();
    let created = v.u64("recomputed.header_created_ns");
    let conversation = open_invitation(&alice, &v.bytes("sealed_invitation"), created).unwrap();
    assert_eq!(
        conversation.invitation.key_material.expose(),
        v.bytes("recomputed.key_material")
    );
    assert_eq!(
        conversation.invitation.topic,
        v.text("extracted.invitation_topic_text")
    );
    assert_eq!(
        conversation.peer.to_string(),
        v.text("recomputed.recipient_address")
    );
    assert_eq!(
        conversation.me.to_string(),
        v.text("recomputed.sender_address")
    );
    assert_eq!(conversation.created_ns, created);
    assert!(conversation.invitation.context.is_none());
    // The receiver check: header time must equal the envelope time.
    assert!(matches!(
        open_invitation(&alice, &v.bytes("sealed_invitation"), created + 1_000_000),
        Err(Error::TimestampMismatch { .. })
    ));
    // Somebody else's bundle cannot open it.
    let (_, bob) = tv1();
    assert!(matches!(
        open_invitation(&bob, &v.bytes("sealed_invitation"), created),
        Err(Error::NotForMe)
    ));
}

#[test]
fn tv07_preferences_topic() {
    let v = Vector::load("tv07_preferences_topic");
    let id = topic_identifier_for_key(&v.bytes("identity_private_key"));
    assert_eq!(id, v.text("expected_identifier"));
    assert_eq!(
        xmtp_proto::topic::user_preferences(&id),
        v.text("expected_topic")
    );
}

#[test]
fn tv08b_shared_secret_matches_js() {
    let v = Vector::load("tv08b_shared_secret");
    let me = xmtp_keystore::PrivateKeyBundle::decode(&v.bytes("me_private_key_bundle")).unwrap();
    let you = PublicKeyBundle::from_proto(
        &xmtp_proto::decode(&v.bytes("you_public_key_bundle")).unwrap(),
    )
    .unwrap();
    let my_pre = *me.pre_keys().next().unwrap().key();
    let secret = me
        .shared_secret(&you.to_signed().unwrap(), &my_pre, true)
        .unwrap();
    assert_eq!(secret.expose(), v.bytes("expected_secret"));
}

/// TV-8a carries the triple-DH secret but neither party's private keys, so the keystore's v1
/// path cannot derive it: the JS header is checked through the keystore's parsers (both wallets
/// recover, the timestamp matches, an unrelated identity gets `NotForMe`), and the body is
/// decrypted with the lowest-level function, `xmtp_crypto::decrypt_parts`.
#[test]
fn tv08a_js_v1_message_decrypts() {
    let v = Vector::load("tv08a_v1_decrypt");
    let header_bytes = v.bytes("additional_data");
    let header: pb::MessageHeaderV1 = xmtp_proto::decode(&header_bytes).unwrap();
    assert_eq!(header.timestamp, v.u64("header_timestamp_ms"));
    let sender = PublicKeyBundle::from_proto(header.sender.as_ref().unwrap()).unwrap();
    let recipient = PublicKeyBundle::from_proto(header.recipient.as_ref().unwrap()).unwrap();
    for bundle in [&sender, &recipient] {
        bundle.to_signed().unwrap().verify().unwrap();
    }
    assert_ne!(
        sender.wallet_address().unwrap(),
        recipient.wallet_address().unwrap()
    );

    let (salt, nonce, payload) = (
        v.bytes("hkdf_salt"),
        v.bytes("gcm_nonce"),
        v.bytes("payload"),
    );
    let secret = v.bytes("triple_dh_secret");
    let plaintext =
        xmtp_crypto::decrypt_parts(&secret, &salt, &nonce, &payload, &header_bytes).unwrap();
    assert_eq!(plaintext, v.bytes("expected_plaintext"));
    let content: pb::EncodedContent = xmtp_proto::decode(&plaintext).unwrap();
    assert_eq!(content.content, v.text("expected_text").as_bytes());
    // The header is bound as associated data.
    let mut other_header = header_bytes.clone();
    *other_header.last_mut().unwrap() ^= 1;
    assert!(xmtp_crypto::decrypt_parts(&secret, &salt, &nonce, &payload, &other_header).is_err());

    // The same body as a `Message{v1}` on its dm- topic reaches the keystore's v1 path, which
    // refuses it for a third identity.
    let message = pb::Message {
        version: Some(pb::message::Version::V1(pb::MessageV1 {
            header_bytes,
            ciphertext: Some(pb::Ciphertext {
                union: Some(pb::ciphertext::Union::Aes256GcmHkdfSha256(
                    pb::ciphertext::Aes256gcmHkdfsha256 {
                        hkdf_salt: salt,
                        gcm_nonce: nonce,
                        payload,
                    },
                )),
            }),
        })),
    }
    .encode_to_vec();
    let topic = xmtp_proto::topic::direct_message_v1(
        &sender.wallet_address().unwrap().to_string(),
        &recipient.wallet_address().unwrap().to_string(),
    );
    let (_, stranger) = new_identity(1_700_000_000_000);
    assert!(matches!(
        xmtp_keystore::open_v1_message(&stranger, &message, &topic),
        Err(Error::NotForMe)
    ));
}

fn tv08c_conversation(me: Address, peer: Address) -> Conversation {
    let v = Vector::load("tv08c_v2_message_id");
    Conversation {
        invitation: xmtp_keystore::Invitation {
            topic: v.text("topic").into(),
            key_material: xmtp_crypto::SecretBytes::new(v.bytes("key_material")),
            context: None,
            consent_proof: None,
        },
        created_ns: 0,
        peer,
        me,
    }
}

#[test]
fn tv08c_js_v2_message_decrypts() {
    let v = Vector::load("tv08c_v2_message_id");
    let sender: Address = v.text("recomputed.sender_address").parse().unwrap();
    let me = LocalWallet::generate().address();
    let opened = open_v2_message(&tv08c_conversation(me, sender), &v.bytes("message")).unwrap();
    assert_eq!(opened.id, v.text("expected_message_id"));
    assert_eq!(opened.sender, sender);
    assert_eq!(opened.content, v.bytes("recomputed.signed_content_payload"));
    assert_eq!(opened.sent_ns, v.u64("recomputed.header_created_ns"));
    assert_eq!(opened.should_push, None);

    // The participant check: a conversation between two other wallets refuses it.
    let stranger = LocalWallet::generate().address();
    assert!(matches!(
        open_v2_message(&tv08c_conversation(me, stranger), &v.bytes("message")),
        Err(Error::NotParticipant { .. })
    ));
    // Cross-topic injection: the same bytes replayed into another conversation's topic.
    let other_topic =
        "/xmtp/0/m-0000000000000000000000000000000000000000000000000000000000000000/proto";
    assert!(matches!(
        open_v2_unchecked_sender(
            other_topic,
            &xmtp_crypto::SecretBytes::new(v.bytes("key_material")),
            &v.bytes("message")
        ),
        Err(Error::TopicMismatch { .. })
    ));
}

#[test]
fn tv08e_contact_bundles() {
    let v = Vector::load("tv08e_contact_bundles");
    let v2 = ContactBundle::decode(&v.bytes("contact_bundle_v2")).unwrap();
    assert!(matches!(v2, ContactBundle::V2(_)));
    assert_eq!(
        v2.validate().unwrap().to_string(),
        v.text("contact_bundle_v2_expected_address")
    );
    assert_eq!(ContactBundle::decode(&v2.encode()).unwrap(), v2);

    let bare = ContactBundle::decode(&v.bytes("bare_legacy_public_key_bundle")).unwrap();
    assert!(
        xmtp_proto::decode::<pb::ContactBundle>(&v.bytes("bare_legacy_public_key_bundle")).is_err()
    );
    assert_eq!(
        bare.wallet_address().unwrap().to_string(),
        v.text("bare_legacy_expected_address")
    );
    let ContactBundle::V1 {
        identity_key,
        pre_key,
    } = &bare
    else {
        panic!("legacy expected")
    };
    assert!(pre_key.is_none());
    assert_eq!(
        identity_key.key.eth_address().to_string(),
        v.text("bare_legacy_identity_key_address")
    );
    // No pre-key: cannot be messaged.
    assert!(bare.validate().is_err());
}

#[test]
fn tv09_consent_proof() {
    let v = Vector::load("tv09_consent_proof");
    assert_eq!(
        js_utc_string(v.u64("timestamp_ms")),
        v.text("current_time_text")
    );
    assert_eq!(
        consent_proof_text(v.u64("timestamp_ms"), v.text("sender_address")),
        v.text("expected_signature_request_text")
    );
    let payload = pb::ConsentProofPayload {
        signature: v.text("payload_signature_text").into(),
        timestamp: v.u64("payload_timestamp_ms"),
        payload_version: v.u64("payload_version") as i32,
    };
    assert_eq!(
        payload.encode_to_vec(),
        v.bytes("expected_payload_encoding")
    );
    // Other dates, checked against JS Date.toUTCString by hand.
    assert_eq!(js_utc_string(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(
        js_utc_string(951_782_400_000),
        "Tue, 29 Feb 2000 00:00:00 GMT"
    );
    assert_eq!(
        js_utc_string(1_700_000_000_000),
        "Tue, 14 Nov 2023 22:13:20 GMT"
    );
}

#[test]
fn tv10a_v2_message_byte_exact() {
    let v = Vector::load("tv10a_v2_message");
    let (alice, bob) = tv1();
    let invitation =
        deterministic_invitation(&alice, &bob.signed_public_bundle(), context("test"), None)
            .unwrap();
    assert_eq!(invitation.topic, v.text("topic"));
    let conversation = Conversation {
        invitation,
        created_ns: 0,
        peer: bob.wallet_address(),
        me: alice.wallet_address(),
    };
    let sealed = seal_v2_message(
        &alice,
        &conversation,
        &v.bytes("encoded_content"),
        v.u64("created_ns"),
        SealOptions {
            should_push: v.flag("should_push"),
            fixed_salt_and_nonce: Some((v.array("hkdf_salt"), v.array("gcm_nonce"))),
        },
    )
    .unwrap();
    assert_eq!(
        hex::encode(&sealed.payload),
        hex::encode(v.bytes("message"))
    );
    assert_eq!(sealed.id, v.text("message_id"));
    assert_eq!(
        alice.signed_public_bundle().encode(),
        v.bytes("sender_signed_public_key_bundle")
    );
    let hmac = xmtp_keystore::sender_hmac_key(
        &v.bytes("key_material"),
        v.u64("period"),
        alice.wallet_address(),
    );
    assert_eq!(hmac.expose().to_vec(), v.bytes("hmac_key"));

    // Bob opens it.
    let bobs_view = Conversation {
        me: bob.wallet_address(),
        peer: alice.wallet_address(),
        ..conversation
    };
    let opened = open_v2_message(&bobs_view, &sealed.payload).unwrap();
    assert_eq!(opened.sender, alice.wallet_address());
    assert_eq!(opened.content, v.bytes("encoded_content"));
    assert_eq!(opened.should_push, Some(true));
}

#[test]
fn tv10c_enable_identity_storage() {
    let v = Vector::load("tv10c_enable_identity_key");
    let wallet = LocalWallet::from_hex(&hex::encode(v.bytes("wallet_private_key"))).unwrap();
    assert_eq!(wallet.address().to_string(), v.text("wallet_address"));
    let text = enable_identity_text(&v.bytes("wallet_pre_key"));
    assert_eq!(text, v.text("signature_request_text"));
    let sig = wallet.personal_sign(text.as_bytes());
    assert_eq!(sig.to_bytes_v27().expose(), v.bytes("wallet_signature65"));
    let key = xmtp_crypto::hkdf_sha256(sig.to_bytes_v27().expose(), &v.bytes("hkdf_salt"), b"");
    assert_eq!(key.expose().to_vec(), v.bytes("aes_key"));

    // Store a bundle for that wallet and load it back, with either v form.
    let creation = xmtp_keystore::IdentityCreation::new(wallet.address(), 1_700_000_000_000);
    let bundle = creation
        .finish(
            wallet
                .personal_sign(creation.request().text.as_bytes())
                .to_bytes_v0()
                .expose(),
            1_700_000_000_005,
        )
        .unwrap();
    let store = KeyStorageRequest::with_wallet_pre_key(bundle.clone(), v.array("wallet_pre_key"));
    assert_eq!(store.request().text, v.text("signature_request_text"));
    let stored = store.finish(sig.to_bytes_v27().expose()).unwrap();
    let encrypted = EncryptedPrivateKeyBundle::decode(&stored).unwrap();
    for form in [sig.to_bytes_v27(), sig.to_bytes_v0()] {
        let loaded = encrypted.decrypt(wallet.address(), form.expose()).unwrap();
        assert!(!loaded.needs_resave);
        assert_eq!(loaded.bundle.encode(), bundle.encode());
    }
}
