//! Round trips between two identities for every flow, and the negative cases of issue 3.
#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("common/helpers.rs");

use xmtp_crypto::{Address, LocalWallet, PrivateKey, SecretBytes, encrypt, sha256_concat};
use xmtp_keystore::{
    Consent, ConsentAction, ConsentState, ContactBundle, Conversation, ConversationStore,
    EncryptedPrivateKeyBundle, EnvelopeRef, Error, IdentityCreation, KeySignature,
    KeyStorageRequest, PrivateKeyBundle, SealOptions, SealedV1Message, SignedPublicKeyBundle,
    choose_contact, consent_proof_payload, consent_proof_text, deterministic_invitation,
    discover_v1_conversations, export_bundle, export_conversations, hmac_keys, import_bundle,
    import_conversations, open_action, open_invitation, open_v1_message, open_v1_messages,
    open_v2_message, open_v2_messages, peers_allowed_by_proofs, preferences_topic,
    save_invitations, seal_action, seal_invitation, seal_v1_message, seal_v2_message,
    verify_consent_proof,
};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

const T0: u64 = 1_700_000_000_000;

fn pair() -> (
    (LocalWallet, PrivateKeyBundle),
    (LocalWallet, PrivateKeyBundle),
) {
    (new_identity(T0), new_identity(T0 + 10))
}

fn conversation_between(
    a: &PrivateKeyBundle,
    b: &PrivateKeyBundle,
) -> (Conversation, Conversation) {
    let inv = deterministic_invitation(a, &b.signed_public_bundle(), None, None).unwrap();
    let sealed = seal_invitation(a, &b.signed_public_bundle(), &inv, T0 * 1_000_000).unwrap();
    (
        open_invitation(a, &sealed.payload, sealed.timestamp_ns).unwrap(),
        open_invitation(b, &sealed.payload, sealed.timestamp_ns).unwrap(),
    )
}

#[test]
fn identity_creation_checks_the_signer() {
    let wallet = LocalWallet::generate();
    let creation = IdentityCreation::new(wallet.address(), T0);
    assert!(
        creation
            .request()
            .text
            .starts_with("XMTP : Create Identity\n08")
    );
    let impostor = LocalWallet::generate().personal_sign(creation.request().text.as_bytes());
    assert!(matches!(
        creation.finish(impostor.to_bytes_v27().expose(), T0 + 1),
        Err(Error::WrongSigner { .. })
    ));
    assert!(matches!(
        creation.finish(&[0u8; 10], T0 + 1),
        Err(Error::Crypto(_))
    ));
    // A wrong signature leaves the state usable.
    let good = wallet.personal_sign(creation.request().text.as_bytes());
    let bundle = creation
        .finish(good.to_bytes_v27().expose(), T0 + 1)
        .unwrap();
    assert_eq!(bundle.wallet_address(), wallet.address());
    assert!(bundle.identity_key().is_legacy_derived());
    assert!(!format!("{bundle:?}").contains(&hex::encode(bundle.encode().expose())));
    // v1 <-> v2 conversions are lossless.
    let v1 = bundle.to_proto_v1().unwrap();
    let v2 = bundle.to_proto_v2();
    assert_eq!(
        PrivateKeyBundle::from_proto_v1(&v1).unwrap().encode(),
        bundle.encode()
    );
    assert_eq!(
        PrivateKeyBundle::from_proto_v2(&v2).unwrap().encode(),
        bundle.encode()
    );
    assert_eq!(
        bundle.public_bundle().unwrap().to_signed().unwrap(),
        bundle.signed_public_bundle()
    );
}

#[test]
fn legacy_formats_ask_for_resave() {
    let (wallet, bundle) = new_identity(T0);
    // A bare PrivateKeyBundleV1.
    let bare = bundle.to_proto_v1().unwrap().encode_to_vec();
    let decoded = PrivateKeyBundle::decode_any(&bare).unwrap();
    assert!(decoded.needs_resave);
    assert_eq!(decoded.bundle.encode(), bundle.encode());
    assert!(
        !PrivateKeyBundle::decode_any(bundle.encode().expose())
            .unwrap()
            .needs_resave
    );
    // A bare EncryptedPrivateKeyBundleV1.
    let store = KeyStorageRequest::new(bundle.clone());
    let sig = wallet.personal_sign(store.request().text.as_bytes());
    let wrapped: pb::EncryptedPrivateKeyBundle =
        xmtp_proto::decode(&store.finish(sig.to_bytes_v27().expose()).unwrap()).unwrap();
    let Some(pb::encrypted_private_key_bundle::Version::V1(inner)) = wrapped.version else {
        panic!("v1 expected")
    };
    let loaded = EncryptedPrivateKeyBundle::decode(&inner.encode_to_vec()).unwrap();
    let opened = loaded
        .decrypt(wallet.address(), sig.to_bytes_v0().expose())
        .unwrap();
    assert!(opened.needs_resave);
    // The wrong wallet's signature is refused before decrypting.
    let other = LocalWallet::generate().personal_sign(loaded.request().text.as_bytes());
    assert!(matches!(
        loaded.decrypt(wallet.address(), other.to_bytes_v27().expose()),
        Err(Error::WrongSigner { .. })
    ));
    assert!(EncryptedPrivateKeyBundle::decode(&[1, 2, 3]).is_err());
    // Storing with another wallet's signature is refused too.
    assert!(matches!(
        store.finish(other.to_bytes_v27().expose()),
        Err(Error::WrongSigner { .. })
    ));
}

#[test]
fn export_import_blobs() {
    let (_, bundle) = new_identity(T0);
    let secret = [7u8; 32];
    let blob = export_bundle(&bundle, &secret);
    assert_eq!(
        import_bundle(&blob, &secret).unwrap().encode(),
        bundle.encode()
    );
    assert!(import_bundle(&blob, &[8u8; 32]).is_err());
    let mut tampered = blob.clone();
    *tampered.last_mut().unwrap() ^= 1;
    assert!(import_bundle(&tampered, &secret).is_err());
    let mut wrong_version = blob.clone();
    wrong_version[6] = 99;
    assert!(matches!(
        import_bundle(&wrong_version, &secret),
        Err(Error::Corrupt(_))
    ));
    assert!(matches!(
        import_bundle(&blob[..7], &secret),
        Err(Error::Corrupt(_))
    ));
}

#[test]
fn contacts_build_validate_choose() {
    let ((wa, a), (_, b)) = pair();
    let v1 = ContactBundle::v1_for(&a).unwrap();
    let v2 = ContactBundle::v2_for(&a);
    for c in [&v1, &v2] {
        assert_eq!(ContactBundle::decode(&c.encode()).unwrap(), *c);
        assert_eq!(c.validate().unwrap(), wa.address());
    }
    // A spoofed bundle: a's identity with b's pre-key (not signed by a's identity key).
    let spoof = ContactBundle::V2(SignedPublicKeyBundle {
        identity_key: a.signed_public_bundle().identity_key,
        pre_key: b.signed_public_bundle().pre_key,
    });
    assert!(matches!(spoof.validate(), Err(Error::PreKeyNotSigned)));
    let bob_contact = ContactBundle::v2_for(&b).encode();
    let payloads = [
        spoof.encode(),
        vec![0xff, 0x01],
        bob_contact,
        v2.encode(),
        v1.encode(),
    ];
    let chosen = choose_contact(wa.address(), payloads.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(chosen, v2);
    assert!(choose_contact(wa.address(), payloads[..3].iter().map(Vec::as_slice)).is_none());
}

#[test]
fn v1_messages_round_trip_and_reject_forgery() {
    let ((wa, a), (wb, b)) = pair();
    let sealed = seal_v1_message(&a, &b.public_bundle().unwrap(), b"hello bob", T0).unwrap();
    assert_eq!(sealed.timestamp_ns, T0 * 1_000_000);
    for (me, peer) in [(&b, wa.address()), (&a, wb.address())] {
        let opened = open_v1_message(me, &sealed.payload, &sealed.topic).unwrap();
        assert_eq!(opened.content, b"hello bob");
        assert_eq!(opened.peer, peer);
        assert_eq!(opened.id, sealed.id);
        assert_eq!(opened.sent_ms, T0);
    }
    // Intro copies open too; another dm topic does not.
    let intro = xmtp_proto::topic::intro(&wb.address().to_string());
    assert!(open_v1_message(&b, &sealed.payload, &intro).is_ok());
    let (wc, c) = new_identity(T0);
    let elsewhere =
        xmtp_proto::topic::direct_message_v1(&wc.address().to_string(), &wb.address().to_string());
    assert!(matches!(
        open_v1_message(&b, &sealed.payload, &elsewhere),
        Err(Error::TopicMismatch { .. })
    ));
    // A third party cannot read it.
    assert!(matches!(
        open_v1_message(&c, &sealed.payload, &sealed.topic),
        Err(Error::NotForMe)
    ));
    // Tampered ciphertext.
    let mut tampered = sealed.payload.clone();
    let n = tampered.len();
    tampered[n - 1] ^= 1;
    assert!(matches!(
        open_v1_message(&b, &tampered, &sealed.topic),
        Err(Error::Crypto(xmtp_crypto::Error::DecryptionFailed))
    ));
    // Forged sender bundle: c claims a's identity but uses its own pre-key.
    let mut forged_sender = a.public_bundle().unwrap();
    forged_sender.pre_key = c.public_bundle().unwrap().pre_key;
    let header = pb::MessageHeaderV1 {
        sender: Some(forged_sender.to_proto()),
        recipient: Some(b.public_bundle().unwrap().to_proto()),
        timestamp: T0,
    }
    .encode_to_vec();
    let forged = pb::Message {
        version: Some(pb::message::Version::V1(pb::MessageV1 {
            header_bytes: header,
            ciphertext: xmtp_proto::decode::<pb::Message>(&sealed.payload)
                .ok()
                .and_then(|m| match m.version {
                    Some(pb::message::Version::V1(v1)) => v1.ciphertext,
                    _ => None,
                }),
        })),
    }
    .encode_to_vec();
    assert!(matches!(
        open_v1_message(&b, &forged, &sealed.topic),
        Err(Error::PreKeyNotSigned)
    ));
    // Messaging oneself is refused.
    assert!(matches!(
        seal_v1_message(&a, &a.public_bundle().unwrap(), b"x", T0),
        Err(Error::SelfConversation)
    ));
}

#[test]
fn invitations_round_trip_and_first_wins() {
    let ((wa, a), (wb, b)) = pair();
    let (ca, cb) = conversation_between(&a, &b);
    assert_eq!(ca.invitation.topic, cb.invitation.topic);
    assert_eq!(ca.invitation.key_material, cb.invitation.key_material);
    assert_eq!((ca.peer, cb.peer), (wb.address(), wa.address()));
    // b's own deterministic invitation lands on the same topic and key.
    let inv_b = deterministic_invitation(&b, &a.signed_public_bundle(), None, None).unwrap();
    assert_eq!(inv_b.topic, ca.invitation.topic);

    let mut store = ConversationStore::new();
    assert!(store.insert(cb.clone()));
    let mut random = xmtp_keystore::Invitation::random(None);
    random.topic = cb.invitation.topic.clone();
    let later = Conversation {
        invitation: random,
        created_ns: cb.created_ns + 1,
        ..cb.clone()
    };
    assert!(!store.insert(later));
    assert_eq!(
        store.get(cb.topic()).unwrap().invitation.key_material,
        cb.invitation.key_material
    );
    // TopicMap round trip.
    let back = ConversationStore::from_topic_map(wb.address(), &store.to_topic_map()).unwrap();
    assert_eq!(back.len(), 1);
    // Random-form invitations still seal and open.
    let random = xmtp_keystore::Invitation::random(None);
    let sealed = seal_invitation(&a, &b.signed_public_bundle(), &random, 5).unwrap();
    let opened = open_invitation(&b, &sealed.payload, 5).unwrap();
    assert_eq!(opened.invitation.key_material, random.key_material);
    assert!(opened.invitation.topic.starts_with("/xmtp/0/m-"));
    // Prekey not signed by the identity key: the recipient bundle in the header is swapped.
    let (_, c) = new_identity(T0);
    let bad_recipient = SignedPublicKeyBundle {
        identity_key: b.signed_public_bundle().identity_key,
        pre_key: c.signed_public_bundle().pre_key,
    };
    assert!(matches!(
        seal_invitation(&a, &bad_recipient, &random, 5),
        Err(Error::PreKeyNotSigned)
    ));
}

/// A v2 message built by hand with an arbitrary sender bundle and signing key.
fn forge_v2(
    conversation: &Conversation,
    header_topic: &str,
    sender: &SignedPublicKeyBundle,
    signer: &PrivateKey,
) -> Vec<u8> {
    let header_bytes = pb::MessageHeaderV2 {
        created_ns: 1,
        topic: header_topic.into(),
    }
    .encode_to_vec();
    let payload = b"forged".to_vec();
    let sig = KeySignature::sign(signer, &sha256_concat(&[&header_bytes, &payload]));
    let signed = pb::SignedContent {
        payload,
        sender: Some(sender.to_proto()),
        signature: Some(sig.to_proto()),
    }
    .encode_to_vec();
    let ct = encrypt(
        conversation.invitation.key_material.expose(),
        &signed,
        &header_bytes,
    );
    pb::Message {
        version: Some(pb::message::Version::V2(pb::MessageV2 {
            header_bytes,
            ciphertext: Some(pb::Ciphertext {
                union: Some(pb::ciphertext::Union::Aes256GcmHkdfSha256(
                    pb::ciphertext::Aes256gcmHkdfsha256 {
                        hkdf_salt: ct.hkdf_salt.to_vec(),
                        gcm_nonce: ct.gcm_nonce.to_vec(),
                        payload: ct.payload,
                    },
                )),
            }),
            sender_hmac: None,
            should_push: None,
        })),
    }
    .encode_to_vec()
}

#[test]
fn v2_messages_round_trip_and_every_check() {
    let ((_, a), (_, b)) = pair();
    let (ca, cb) = conversation_between(&a, &b);
    let sealed = seal_v2_message(&a, &ca, b"hi", T0 * 1_000_000, SealOptions::default()).unwrap();
    let opened = open_v2_message(&cb, &sealed.payload).unwrap();
    assert_eq!(opened.content, b"hi");
    assert_eq!(opened.sender, a.wallet_address());
    assert_eq!(open_v2_message(&ca, &sealed.payload).unwrap().id, sealed.id);

    // HMAC keys for p-1, p, p+1; the sender's HMAC is made with the key of period p.
    let keys = hmac_keys(&ca, T0);
    assert_eq!(
        keys.iter().map(|k| k.0).collect::<Vec<_>>(),
        vec![654, 655, 656]
    );
    let msg: pb::Message = xmtp_proto::decode(&sealed.payload).unwrap();
    let Some(pb::message::Version::V2(v2)) = msg.version else {
        panic!()
    };
    assert_eq!(
        v2.sender_hmac.unwrap(),
        xmtp_crypto::hmac_sha256(keys[1].1.expose(), &v2.header_bytes).to_vec()
    );

    let (_, c) = new_identity(T0);
    let a_bundle = a.signed_public_bundle();
    // Cross-topic injection: header names another topic.
    let other = forge_v2(
        &cb,
        "/xmtp/0/m-other/proto",
        &a_bundle,
        &PrivateKey::generate(),
    );
    assert!(matches!(
        open_v2_message(&cb, &other),
        Err(Error::TopicMismatch { .. })
    ));
    // Payload signed by the wrong key.
    let wrong_key = forge_v2(&cb, cb.topic(), &a_bundle, &PrivateKey::generate());
    assert!(matches!(
        open_v2_message(&cb, &wrong_key),
        Err(Error::BadPayloadSignature)
    ));
    // Pre-key not signed by the identity key.
    let c_pre = PrivateKey::generate();
    let swapped = SignedPublicKeyBundle {
        identity_key: a_bundle.identity_key.clone(),
        pre_key: c.signed_public_bundle().pre_key,
    };
    let unsigned = forge_v2(&cb, cb.topic(), &swapped, &c_pre);
    assert!(matches!(
        open_v2_message(&cb, &unsigned),
        Err(Error::PreKeyNotSigned)
    ));
    // A holder of the key material who is not a participant (c signs correctly with its own keys).
    let c_encoded =
        xmtp_keystore::seal_v2_message(&c, &cb, b"intruder", 1, SealOptions::default()).unwrap();
    assert!(matches!(
        open_v2_message(&cb, &c_encoded.payload),
        Err(Error::NotParticipant { .. })
    ));
    // Tampered ciphertext.
    let mut tampered = sealed.payload.clone();
    let at = tampered.len() - 40;
    tampered[at] ^= 1;
    assert!(open_v2_message(&cb, &tampered).is_err());
}

#[test]
fn prekey_rotation_keeps_history() {
    let ((_, a), (_, mut b)) = pair();
    let before = seal_v1_message(&a, &b.public_bundle().unwrap(), b"old", T0).unwrap();
    let inv = deterministic_invitation(&a, &b.signed_public_bundle(), None, None).unwrap();
    let sealed_inv = seal_invitation(&a, &b.signed_public_bundle(), &inv, 9).unwrap();
    b.rotate_pre_key(T0 + 100);
    assert_eq!(b.pre_keys().count(), 2);
    b.signed_public_bundle().verify().unwrap();
    // Old traffic still opens with the old pre-key; the bundle round-trips with both keys.
    assert_eq!(
        open_v1_message(&b, &before.payload, &before.topic)
            .unwrap()
            .content,
        b"old"
    );
    assert!(open_invitation(&b, &sealed_inv.payload, 9).is_ok());
    let again = PrivateKeyBundle::decode(b.encode().expose()).unwrap();
    assert_eq!(again.pre_keys().count(), 2);
    // New traffic uses the new pre-key.
    let after = seal_v1_message(&a, &b.public_bundle().unwrap(), b"new", T0 + 200).unwrap();
    assert_eq!(
        open_v1_message(&again, &after.payload, &after.topic)
            .unwrap()
            .content,
        b"new"
    );
}

#[test]
fn batches_return_one_result_per_item() {
    let ((_, a), (_, b)) = pair();
    let (_, c) = new_identity(T0);
    let invs: Vec<_> = [&a, &c]
        .iter()
        .enumerate()
        .map(|(i, sender)| {
            let inv =
                deterministic_invitation(sender, &b.signed_public_bundle(), None, None).unwrap();
            seal_invitation(sender, &b.signed_public_bundle(), &inv, 100 + i as u64).unwrap()
        })
        .collect();
    let envelopes = [
        EnvelopeRef {
            topic: &invs[0].topics[0],
            timestamp_ns: 100,
            payload: &invs[0].payload,
        },
        EnvelopeRef {
            topic: "t",
            timestamp_ns: 1,
            payload: b"junk",
        },
        EnvelopeRef {
            topic: &invs[1].topics[0],
            timestamp_ns: 999,
            payload: &invs[1].payload,
        },
        EnvelopeRef {
            topic: &invs[1].topics[0],
            timestamp_ns: 101,
            payload: &invs[1].payload,
        },
    ];
    let mut store = ConversationStore::new();
    let results = save_invitations(&b, &mut store, &envelopes);
    assert_eq!(results.len(), 4);
    assert!(results[0].is_ok() && results[1].is_err() && results[3].is_ok());
    assert!(matches!(results[2], Err(Error::TimestampMismatch { .. })));
    assert_eq!(store.len(), 2);

    let conv_a = results[0].as_ref().unwrap();
    let (ca, _) = conversation_between(&a, &b);
    let messages: Vec<_> = (0..20)
        .map(|i| {
            seal_v2_message(
                &a,
                &ca,
                format!("m{i}").as_bytes(),
                i,
                SealOptions::default(),
            )
            .unwrap()
        })
        .collect();
    let mut refs: Vec<_> = messages
        .iter()
        .map(|m| EnvelopeRef {
            topic: &m.topic,
            timestamp_ns: m.timestamp_ns,
            payload: &m.payload,
        })
        .collect();
    refs.push(EnvelopeRef {
        topic: conv_a.topic(),
        timestamp_ns: 0,
        payload: b"bad",
    });
    refs.push(EnvelopeRef {
        topic: "/xmtp/0/m-unknown/proto",
        timestamp_ns: 0,
        payload: b"x",
    });
    let opened = open_v2_messages(&store, &refs);
    assert_eq!(opened.len(), 22);
    for (i, r) in opened.iter().take(20).enumerate() {
        assert_eq!(r.as_ref().unwrap().content, format!("m{i}").as_bytes());
    }
    assert!(opened[20].is_err());
    assert!(matches!(opened[21], Err(Error::UnknownTopic(_))));
}

#[test]
fn preferences_and_consent() {
    let ((wa, a), (wb, b)) = pair();
    assert!(preferences_topic(&a).starts_with("/xmtp/0/userpreferences-"));
    assert_ne!(preferences_topic(&a), preferences_topic(&b));
    let peer = wb.address().to_string();
    let allow = seal_action(&a, &ConsentAction::Allow(vec![peer.clone()]));
    let deny = seal_action(&a, &ConsentAction::Deny(vec![peer.clone()]));
    // Only the owner can read them.
    assert!(open_action(&b, &allow).is_err());
    let actions = [(20u64, &deny), (10u64, &allow)].map(|(ts, p)| {
        let action = ConsentAction::from_proto(&open_action(&a, p).unwrap()).unwrap();
        (ts, action)
    });
    let state = ConsentState::from_actions(actions.clone());
    assert_eq!(state.get(&peer), Consent::Denied);
    assert_eq!(state.get(&peer.to_lowercase()), Consent::Unknown);
    let reordered = ConsentState::from_actions([(30, actions[1].1.clone()), actions[0].clone()]);
    assert_eq!(reordered.get(&peer), Consent::Allowed);

    // Consent proof: b grants a consent; a's invitation carries it; b verifies it.
    let ts = T0;
    let sig = wb.personal_sign(consent_proof_text(ts, &wa.address().to_string()).as_bytes());
    let proof = consent_proof_payload(&sig, ts);
    verify_consent_proof(&proof, wb.address(), wa.address(), ts + 1000).unwrap();
    let inv =
        deterministic_invitation(&a, &b.signed_public_bundle(), None, Some(proof.clone())).unwrap();
    let sealed = seal_invitation(&a, &b.signed_public_bundle(), &inv, 3).unwrap();
    let opened = open_invitation(&b, &sealed.payload, 3).unwrap();
    assert_eq!(opened.invitation.consent_proof, Some(proof.clone()));
    assert!(verify_consent_proof(&proof, wa.address(), wa.address(), ts + 1000).is_err());
    assert!(verify_consent_proof(&proof, wb.address(), wa.address(), ts - 1).is_err());
    assert!(
        verify_consent_proof(&proof, wb.address(), wa.address(), ts + 31 * 86_400_000).is_err()
    );
}

#[test]
fn secrets_are_redacted() {
    let ((_, a), (_, b)) = pair();
    let (ca, _) = conversation_between(&a, &b);
    let key_hex = hex::encode(ca.invitation.key_material.expose());
    assert!(!format!("{ca:?}").contains(&key_hex));
    assert!(format!("{:?}", SecretBytes::new(vec![1])).contains("redacted"));
}

/// An envelope on `topic` for a sealed v1 message.
fn v1_envelope<'a>(topic: &'a str, sealed: &'a SealedV1Message) -> EnvelopeRef<'a> {
    EnvelopeRef {
        topic,
        timestamp_ns: sealed.timestamp_ns,
        payload: &sealed.payload,
    }
}

#[test]
fn v1_batches_return_one_result_per_item() {
    let ((wa, a), (_, b)) = pair();
    let sealed: Vec<_> = (0..6)
        .map(|i| {
            let content = format!("m{i}");
            seal_v1_message(&a, &b.public_bundle().unwrap(), content.as_bytes(), T0 + i).unwrap()
        })
        .collect();
    let mut envelopes: Vec<_> = sealed.iter().map(|s| v1_envelope(&s.topic, s)).collect();
    envelopes.insert(
        2,
        EnvelopeRef {
            topic: &sealed[0].topic,
            timestamp_ns: 0,
            payload: b"junk",
        },
    );
    let elsewhere = xmtp_proto::topic::intro(&new_identity(T0).0.address().to_string());
    envelopes.push(v1_envelope(&elsewhere, &sealed[0]));
    let opened = open_v1_messages(&b, &envelopes);
    assert_eq!(opened.len(), 8);
    let contents: Vec<_> = opened
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|m| (m.content.clone(), m.peer))
        .collect();
    let expected: Vec<_> = (0..6)
        .map(|i| (format!("m{i}").into_bytes(), wa.address()))
        .collect();
    assert_eq!(contents, expected);
    assert!(matches!(opened[2], Err(Error::Proto(_))));
    assert!(matches!(opened[7], Err(Error::TopicMismatch { .. })));
}

#[test]
fn v1_conversations_are_discovered_from_the_intro_topic() {
    let ((wa, a), (wb, b)) = pair();
    let (wc, c) = new_identity(T0);
    let my_intro = xmtp_proto::topic::intro(&wb.address().to_string());
    let a_intro = xmtp_proto::topic::intro(&wa.address().to_string());
    let to_b = b.public_bundle().unwrap();
    let from_a_late = seal_v1_message(&a, &to_b, b"late", T0 + 100).unwrap();
    let from_a_early = seal_v1_message(&a, &to_b, b"early", T0 + 50).unwrap();
    let from_a_first = seal_v1_message(&a, &to_b, b"first", T0 + 1).unwrap();
    let from_c = seal_v1_message(&c, &to_b, b"hi", T0 + 10).unwrap();
    // My own first message to a peer is copied to my intro topic too.
    let to_c = seal_v1_message(&b, &c.public_bundle().unwrap(), b"yo", T0 + 5).unwrap();
    // The earliest message from a does not decrypt, so it does not date the conversation.
    let mut undecryptable = from_a_first.clone();
    *undecryptable.payload.last_mut().unwrap() ^= 1;
    let envelopes = [
        v1_envelope(&my_intro, &from_a_late),
        v1_envelope(&my_intro, &undecryptable),
        v1_envelope(&my_intro, &from_c),
        v1_envelope(&my_intro, &from_a_early),
        v1_envelope(&my_intro, &to_c),
        // Not my intro topic: ignored even though it would decrypt.
        v1_envelope(&a_intro, &from_a_first),
        EnvelopeRef {
            topic: &my_intro,
            timestamp_ns: 1,
            payload: b"junk",
        },
    ];
    let found = discover_v1_conversations(&b, &envelopes);
    let summary: Vec<_> = found.iter().map(|c| (c.peer, c.created_ms)).collect();
    assert_eq!(summary, [(wc.address(), T0 + 5), (wa.address(), T0 + 50)]);
    assert_eq!(found[1].topic, from_a_late.topic);
    let reference = found[1].to_reference();
    assert_eq!(reference.peer_address, wa.address().to_string());
    assert_eq!(reference.created_ns, (T0 + 50) * 1_000_000);
    assert_eq!(reference.topic, from_a_late.topic);
    // a sees b's conversation from its own intro topic.
    let at_a = discover_v1_conversations(&a, &[v1_envelope(&a_intro, &from_a_first)]);
    assert_eq!(at_a.len(), 1);
    assert_eq!((at_a[0].peer, at_a[0].created_ms), (wb.address(), T0 + 1));
    assert!(discover_v1_conversations(&a, &[]).is_empty());
}

#[test]
fn consent_proofs_allow_only_valid_unknown_peers() {
    const DAY_MS: u64 = 86_400_000;
    let now = T0 + 40 * DAY_MS;
    let ((wa, a), (wb, b)) = pair();
    // A real proof through the invitation flow: b signs, a's invitation carries it to b.
    let proof_for = |peer: &str, ts: u64, signer: &LocalWallet| {
        consent_proof_payload(
            &signer.personal_sign(consent_proof_text(ts, peer).as_bytes()),
            ts,
        )
    };
    let good = proof_for(&wa.address().to_string(), now - DAY_MS, &wb);
    let inv = deterministic_invitation(&a, &b.signed_public_bundle(), None, Some(good)).unwrap();
    let sealed = seal_invitation(&a, &b.signed_public_bundle(), &inv, 9).unwrap();
    let from_a = open_invitation(&b, &sealed.payload, 9).unwrap();
    // Other conversations at b, each with a peer and a proof.
    let at_b = |peer: Address, proof: Option<pb::ConsentProofPayload>| Conversation {
        invitation: xmtp_keystore::Invitation {
            consent_proof: proof,
            ..xmtp_keystore::Invitation::random(None)
        },
        created_ns: 1,
        peer,
        me: wb.address(),
    };
    let peer = || LocalWallet::generate().address();
    let signed_by_b = |p: Address, ts: u64| Some(proof_for(&p.to_string(), ts, &wb));
    let (oldest_ok, denied, allowed) = (peer(), peer(), peer());
    let (future, too_old, wrong_signer, wrong_text, garbage, none) =
        (peer(), peer(), peer(), peer(), peer(), peer());
    let self_signed = LocalWallet::generate();
    let mut garbage_proof = proof_for(&garbage.to_string(), now, &wb);
    garbage_proof.signature = "0x1234".into();
    let conversations = [
        from_a.clone(),
        at_b(oldest_ok, signed_by_b(oldest_ok, now - 30 * DAY_MS)),
        at_b(future, signed_by_b(future, now + 1)),
        at_b(too_old, signed_by_b(too_old, now - 30 * DAY_MS - 1)),
        at_b(
            wrong_signer,
            Some(proof_for(&wrong_signer.to_string(), now, &self_signed)),
        ),
        at_b(wrong_text, signed_by_b(wa.address(), now)),
        at_b(garbage, Some(garbage_proof)),
        at_b(none, None),
        at_b(denied, signed_by_b(denied, now)),
        at_b(allowed, signed_by_b(allowed, now)),
        // A second conversation with the same peer lists it once.
        from_a,
    ];
    let state = ConsentState::from_actions([
        (1, ConsentAction::Deny(vec![denied.to_string()])),
        (2, ConsentAction::Allow(vec![allowed.to_string()])),
    ]);
    assert_eq!(
        peers_allowed_by_proofs(&state, wb.address(), &conversations, now),
        [wa.address(), oldest_ok]
    );
    // The same proofs mean nothing to another wallet.
    assert!(peers_allowed_by_proofs(&state, wa.address(), &conversations, now).is_empty());
}

#[test]
fn conversation_topic_data_export_import() {
    let ((_, a), (_, b)) = pair();
    let (_, c) = new_identity(T0);
    let mut store = ConversationStore::new();
    store.insert(conversation_between(&a, &b).0);
    store.insert(conversation_between(&a, &c).0);
    let secret = [3u8; 32];
    let blob = export_conversations(&store, &secret);
    let back = import_conversations(&blob, &secret, a.wallet_address()).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(back.to_topic_map(), store.to_topic_map());
    assert!(back.list().iter().all(|c| c.me == a.wallet_address()));

    assert!(matches!(
        import_conversations(&blob, &[4u8; 32], a.wallet_address()),
        Err(Error::Crypto(xmtp_crypto::Error::DecryptionFailed))
    ));
    let mut tampered = blob.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x40;
    assert!(import_conversations(&tampered, &secret, a.wallet_address()).is_err());
    // Cut short: the ciphertext protobuf no longer parses.
    assert!(matches!(
        import_conversations(&blob[..blob.len() - 1], &secret, a.wallet_address()),
        Err(Error::Proto(_))
    ));
    // A key export is not a conversation export.
    assert!(matches!(
        import_conversations(&export_bundle(&a, &secret), &secret, a.wallet_address()),
        Err(Error::Corrupt(_))
    ));
}
