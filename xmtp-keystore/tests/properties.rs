//! Property tests: every message, invitation and bundle flow round-trips between random
//! identities, with arbitrary content bytes, conversation ids, metadata, keys and times.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use xmtp_crypto::{Address, LocalWallet, PrivateKey, SecretBytes};
use xmtp_keystore::{
    BlobKind, Conversation, ConversationStore, EncryptedPrivateKeyBundle, IdentityCreation,
    Invitation, KeyStorageRequest, PrivateKeyBundle, SealOptions, deterministic_invitation,
    export_bundle, export_conversations, import_bundle, import_conversations, open_blob,
    open_invitation, open_v1_message, open_v2_message, seal_blob, seal_invitation, seal_v1_message,
    seal_v2_message,
};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

const T0: u64 = 1_700_000_000_000;

/// Identity generation costs a few signatures; these properties run fewer cases than the default.
const IDENTITY_CASES: u32 = 64;

/// A secp256k1 private key from 32 arbitrary bytes (the rare zero or too-large scalar is
/// filtered out).
fn private_key() -> impl Strategy<Value = PrivateKey> {
    any::<[u8; 32]>().prop_filter_map("not a secp256k1 scalar", |b| {
        PrivateKey::from_bytes(&b).ok()
    })
}

/// An identity created through the signature-request flow: its wallet and identity keys come
/// from the strategy (the pre-key is random, as in JS).
fn identity() -> impl Strategy<Value = (LocalWallet, PrivateKeyBundle)> {
    (private_key(), private_key(), T0..T0 + 100_000_000_000).prop_map(
        |(wallet_key, identity_key, now_ms)| {
            let wallet = LocalWallet::from_private_key(wallet_key);
            let creation = IdentityCreation::with_key(wallet.address(), identity_key, now_ms);
            let signature = wallet.personal_sign(creation.request().text.as_bytes());
            let bundle = creation
                .finish(signature.to_bytes_v27().expose(), now_ms + 1)
                .unwrap();
            (wallet, bundle)
        },
    )
}

/// Two identities with different wallets.
fn two_identities() -> impl Strategy<
    Value = (
        (LocalWallet, PrivateKeyBundle),
        (LocalWallet, PrivateKeyBundle),
    ),
> {
    (identity(), identity()).prop_filter("same wallet twice", |((a, _), (b, _))| {
        a.address() != b.address()
    })
}

/// An arbitrary `InvitationV1.Context`, or none.
fn context() -> impl Strategy<Value = Option<pb::invitation_v1::Context>> {
    proptest::option::of(
        (
            any::<String>(),
            proptest::collection::btree_map(any::<String>(), any::<String>(), 0..4),
        )
            .prop_map(|(conversation_id, metadata)| pb::invitation_v1::Context {
                conversation_id,
                metadata,
            }),
    )
}

/// The conversation as both sides see it after `sender` invites `recipient`.
fn invite(
    sender: &PrivateKeyBundle,
    recipient: &PrivateKeyBundle,
    context: Option<pb::invitation_v1::Context>,
    created_ns: u64,
) -> (Conversation, Conversation) {
    let to = recipient.signed_public_bundle();
    let invitation = deterministic_invitation(sender, &to, context, None).unwrap();
    let sealed = seal_invitation(sender, &to, &invitation, created_ns).unwrap();
    (
        open_invitation(sender, &sealed.payload, sealed.timestamp_ns).unwrap(),
        open_invitation(recipient, &sealed.payload, sealed.timestamp_ns).unwrap(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(IDENTITY_CASES))]

    #[test]
    fn v1_messages_round_trip(
        ((wa, a), (wb, b)) in two_identities(),
        content in proptest::collection::vec(any::<u8>(), 0..512),
        sent_ms in 0..u64::MAX / 1_000_000,
    ) {
        let sealed = seal_v1_message(&a, &b.public_bundle().unwrap(), &content, sent_ms).unwrap();
        prop_assert_eq!(sealed.timestamp_ns, sent_ms * 1_000_000);
        let intro_b = xmtp_proto::topic::intro(&wb.address().to_string());
        let intro_a = xmtp_proto::topic::intro(&wa.address().to_string());
        for (me, peer, topic) in [
            (&b, wa.address(), &sealed.topic),
            (&b, wa.address(), &intro_b),
            (&a, wb.address(), &sealed.topic),
            (&a, wb.address(), &intro_a),
        ] {
            let opened = open_v1_message(me, &sealed.payload, topic).unwrap();
            prop_assert_eq!(&opened.content, &content);
            prop_assert_eq!(opened.peer, peer);
            prop_assert_eq!((opened.sender, opened.recipient), (wa.address(), wb.address()));
            prop_assert_eq!(&opened.conversation_topic, &sealed.topic);
            prop_assert_eq!(opened.sent_ms, sent_ms);
            prop_assert_eq!(&opened.id, &sealed.id);
        }
    }

    #[test]
    fn invitations_round_trip_both_ways(
        ((wa, a), (wb, b)) in two_identities(),
        context in context(),
        created_ns in any::<u64>(),
        a_invites in any::<bool>(),
    ) {
        let (sender, recipient, ws, wr) = if a_invites {
            (&a, &b, &wa, &wb)
        } else {
            (&b, &a, &wb, &wa)
        };
        let (at_sender, at_recipient) = invite(sender, recipient, context.clone(), created_ns);
        prop_assert_eq!(at_sender.topic(), at_recipient.topic());
        prop_assert_eq!(&at_sender.invitation.key_material, &at_recipient.invitation.key_material);
        prop_assert_eq!(&at_recipient.invitation.context, &context);
        prop_assert_eq!((at_sender.me, at_sender.peer), (ws.address(), wr.address()));
        prop_assert_eq!((at_recipient.me, at_recipient.peer), (wr.address(), ws.address()));
        prop_assert_eq!(at_recipient.created_ns, created_ns);
        // The other orientation derives the same topic and key (§7.2).
        let reverse =
            deterministic_invitation(recipient, &sender.signed_public_bundle(), context, None)
                .unwrap();
        prop_assert_eq!(&reverse.topic, &at_sender.invitation.topic);
        prop_assert_eq!(&reverse.key_material, &at_sender.invitation.key_material);
    }

    #[test]
    fn random_form_invitations_round_trip(
        ((_, a), (_, b)) in two_identities(),
        context in context(),
        created_ns in any::<u64>(),
    ) {
        let invitation = Invitation::random(context);
        let sealed =
            seal_invitation(&a, &b.signed_public_bundle(), &invitation, created_ns).unwrap();
        let opened = open_invitation(&b, &sealed.payload, created_ns).unwrap();
        prop_assert_eq!(opened.invitation, invitation);
    }

    #[test]
    fn v2_messages_round_trip(
        ((wa, a), (wb, b)) in two_identities(),
        content in proptest::collection::vec(any::<u8>(), 0..1024),
        created_ns in any::<u64>(),
        should_push in any::<bool>(),
        a_sends in any::<bool>(),
    ) {
        let (at_a, at_b) = invite(&a, &b, None, 1);
        let (me, mine, theirs, sender) = if a_sends {
            (&a, &at_a, &at_b, wa.address())
        } else {
            (&b, &at_b, &at_a, wb.address())
        };
        let options = SealOptions { should_push, ..SealOptions::default() };
        let sealed = seal_v2_message(me, mine, &content, created_ns, options).unwrap();
        for conversation in [theirs, mine] {
            let opened = open_v2_message(conversation, &sealed.payload).unwrap();
            prop_assert_eq!(&opened.content, &content);
            prop_assert_eq!(opened.sender, sender);
            prop_assert_eq!(opened.sent_ns, created_ns);
            prop_assert_eq!(opened.should_push, Some(should_push));
            prop_assert_eq!(&opened.id, &sealed.id);
        }
    }

    #[test]
    fn private_key_bundles_encode_decode_and_convert(
        (wallet, mut bundle) in identity(),
        rotations in proptest::collection::vec(T0..2 * T0, 0..3),
    ) {
        for now_ms in rotations {
            bundle.rotate_pre_key(now_ms);
        }
        let encoded = bundle.encode();
        let decoded = PrivateKeyBundle::decode_any(encoded.expose()).unwrap();
        prop_assert!(!decoded.needs_resave);
        prop_assert_eq!(decoded.bundle.encode(), encoded.clone());
        prop_assert_eq!(decoded.bundle.wallet_address(), wallet.address());
        // Legacy -> v2 -> legacy and back, through the protobufs.
        let v1 = bundle.to_proto_v1().unwrap();
        let from_v1 = PrivateKeyBundle::from_proto_v1(&v1).unwrap();
        let from_v2 = PrivateKeyBundle::from_proto_v2(&from_v1.to_proto_v2()).unwrap();
        prop_assert_eq!(from_v2.to_proto_v1().unwrap(), v1.clone());
        prop_assert_eq!(from_v2.encode(), encoded.clone());
        prop_assert_eq!(from_v2.pre_keys().count(), bundle.pre_keys().count());
        // The bare legacy form still decodes, flagged for a re-save.
        let bare = PrivateKeyBundle::decode_any(&v1.encode_to_vec()).unwrap();
        prop_assert!(bare.needs_resave);
        prop_assert_eq!(bare.bundle.encode(), encoded);
        // Public views: v2 -> legacy -> v2 is lossless for legacy-derived keys.
        let signed = bundle.signed_public_bundle();
        prop_assert_eq!(signed.to_legacy().unwrap().to_signed().unwrap(), signed.clone());
        prop_assert_eq!(signed.validate().unwrap(), wallet.address());
    }

    #[test]
    fn encrypted_private_key_bundles_round_trip(
        (wallet, bundle) in identity(),
        wallet_pre_key in any::<[u8; 32]>(),
        sign_with_v0 in any::<bool>(),
    ) {
        let request = KeyStorageRequest::with_wallet_pre_key(bundle.clone(), wallet_pre_key);
        let signature = wallet.personal_sign(request.request().text.as_bytes());
        let stored = request.finish(signature.to_bytes_v27().expose()).unwrap();
        let encrypted = EncryptedPrivateKeyBundle::decode(&stored).unwrap();
        prop_assert_eq!(encrypted.request(), request.request());
        // The wallet signs the same text again; either `v` form opens it.
        let again = wallet.personal_sign(encrypted.request().text.as_bytes());
        let given = if sign_with_v0 { again.to_bytes_v0() } else { again.to_bytes_v27() };
        let opened = encrypted.decrypt(wallet.address(), given.expose()).unwrap();
        prop_assert!(!opened.needs_resave);
        prop_assert_eq!(opened.bundle.encode(), bundle.encode());
    }

    #[test]
    fn exported_bundles_round_trip(
        (_, bundle) in identity(),
        secret in proptest::collection::vec(any::<u8>(), 1..96),
    ) {
        let blob = export_bundle(&bundle, &secret);
        prop_assert_eq!(import_bundle(&blob, &secret).unwrap().encode(), bundle.encode());
    }
}

/// A conversation with arbitrary topic data (no identities needed).
fn stored_conversation() -> impl Strategy<Value = Conversation> {
    (
        "/xmtp/0/m-[0-9a-f]{1,64}/proto",
        proptest::collection::vec(any::<u8>(), 1..64),
        context(),
        any::<u64>(),
        any::<[u8; 20]>(),
    )
        .prop_map(|(topic, key, context, created_ns, peer)| Conversation {
            invitation: Invitation {
                topic,
                key_material: SecretBytes::new(key),
                context,
                consent_proof: None,
            },
            created_ns,
            peer: Address::from_bytes(peer),
            me: Address::from_bytes([0xaa; 20]),
        })
}

proptest! {
    #[test]
    fn blobs_round_trip_and_keep_kinds_apart(
        secret in proptest::collection::vec(any::<u8>(), 1..96),
        plaintext in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        let kinds = [BlobKind::PrivateKeyBundle, BlobKind::TopicMap, BlobKind::LocalState];
        for kind in kinds {
            let blob = seal_blob(kind, &secret, &plaintext);
            let opened = open_blob(kind, &secret, &blob).unwrap();
            prop_assert_eq!(opened.expose(), &plaintext[..]);
            for other in kinds.into_iter().filter(|k| *k != kind) {
                prop_assert!(open_blob(other, &secret, &blob).is_err());
            }
        }
    }

    #[test]
    fn exported_conversations_round_trip(
        conversations in proptest::collection::vec(stored_conversation(), 0..6),
        secret in proptest::collection::vec(any::<u8>(), 1..96),
    ) {
        let me = Address::from_bytes([0xaa; 20]);
        let mut store = ConversationStore::new();
        for c in &conversations {
            store.insert(c.clone());
        }
        let imported =
            import_conversations(&export_conversations(&store, &secret), &secret, me).unwrap();
        prop_assert_eq!(imported.len(), store.len());
        let by_topic: BTreeMap<_, _> =
            imported.list().into_iter().map(|c| (c.topic().to_owned(), c)).collect();
        for original in store.list() {
            let back = by_topic[original.topic()];
            prop_assert_eq!(&back.invitation, &original.invitation);
            prop_assert_eq!((back.created_ns, back.peer, back.me), (original.created_ns, original.peer, me));
        }
    }
}
