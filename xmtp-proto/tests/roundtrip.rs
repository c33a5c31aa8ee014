//! Property tests: binary and JSON round trips, and untrusted bytes never panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use prost::Message;
use xmtp_proto::decode;
use xmtp_proto::message_api::v1::{
    AuthData, BatchQueryRequest, BatchQueryResponse, Cursor, Envelope, IndexCursor, PagingInfo,
    PublishRequest, QueryRequest, QueryResponse, SubscribeRequest, Token, cursor,
};
use xmtp_proto::message_contents::{
    Ciphertext, Composite, ContactBundle, ContactBundleV1, ContactBundleV2, ContentTypeId,
    EncodedContent, MessageV2, PrivateKey, PrivateKeyBundle, PrivateKeyBundleV1,
    PrivateKeyBundleV2, PrivatePreferencesAction, PublicKey, PublicKeyBundle, SealedInvitation,
    SealedInvitationV1, Signature, SignedPrivateKey, SignedPublicKey, SignedPublicKeyBundle,
    ciphertext, composite, contact_bundle, private_key, private_key_bundle,
    private_preferences_action, public_key, sealed_invitation, signature, signed_private_key,
};

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..=max)
}

fn text() -> impl Strategy<Value = String> {
    // Any Unicode, including the empty string.
    ".{0,24}"
}

fn sig() -> impl Strategy<Value = Signature> {
    option::of(prop_oneof![
        (bytes(64), 0u32..3).prop_map(|(bytes, recovery)| signature::Union::EcdsaCompact(
            signature::EcdsaCompact { bytes, recovery }
        )),
        (bytes(64), 0u32..3).prop_map(|(bytes, recovery)| {
            signature::Union::WalletEcdsaCompact(signature::WalletEcdsaCompact { bytes, recovery })
        }),
    ])
    .prop_map(|union| Signature { union })
}

fn signed_public_key() -> impl Strategy<Value = SignedPublicKey> {
    (bytes(80), option::of(sig())).prop_map(|(key_bytes, signature)| SignedPublicKey {
        key_bytes,
        signature,
    })
}

fn signed_public_key_bundle() -> impl Strategy<Value = SignedPublicKeyBundle> {
    (
        option::of(signed_public_key()),
        option::of(signed_public_key()),
    )
        .prop_map(|(identity_key, pre_key)| SignedPublicKeyBundle {
            identity_key,
            pre_key,
        })
}

fn legacy_public_key() -> impl Strategy<Value = PublicKey> {
    (any::<u64>(), option::of(sig()), option::of(bytes(65))).prop_map(
        |(timestamp, signature, point)| PublicKey {
            timestamp,
            signature,
            union: point.map(|bytes| {
                public_key::Union::Secp256k1Uncompressed(public_key::Secp256k1Uncompressed {
                    bytes,
                })
            }),
        },
    )
}

fn legacy_public_key_bundle() -> impl Strategy<Value = PublicKeyBundle> {
    (
        option::of(legacy_public_key()),
        option::of(legacy_public_key()),
    )
        .prop_map(|(identity_key, pre_key)| PublicKeyBundle {
            identity_key,
            pre_key,
        })
}

fn legacy_private_key() -> impl Strategy<Value = PrivateKey> {
    (
        any::<u64>(),
        option::of(bytes(32)),
        option::of(legacy_public_key()),
    )
        .prop_map(|(timestamp, secret, public_key)| PrivateKey {
            timestamp,
            union: secret
                .map(|bytes| private_key::Union::Secp256k1(private_key::Secp256k1 { bytes })),
            public_key,
        })
}

fn signed_private_key() -> impl Strategy<Value = SignedPrivateKey> {
    (
        any::<u64>(),
        option::of(bytes(32)),
        option::of(signed_public_key()),
    )
        .prop_map(|(created_ns, secret, public_key)| SignedPrivateKey {
            created_ns,
            union: secret.map(|bytes| {
                signed_private_key::Union::Secp256k1(signed_private_key::Secp256k1 { bytes })
            }),
            public_key,
        })
}

fn private_key_bundle() -> impl Strategy<Value = PrivateKeyBundle> {
    option::of(prop_oneof![
        (
            option::of(legacy_private_key()),
            vec(legacy_private_key(), 0..3)
        )
            .prop_map(|(identity_key, pre_keys)| private_key_bundle::Version::V1(
                PrivateKeyBundleV1 {
                    identity_key,
                    pre_keys
                }
            )),
        (
            option::of(signed_private_key()),
            vec(signed_private_key(), 0..3)
        )
            .prop_map(|(identity_key, pre_keys)| private_key_bundle::Version::V2(
                PrivateKeyBundleV2 {
                    identity_key,
                    pre_keys
                }
            )),
    ])
    .prop_map(|version| PrivateKeyBundle { version })
}

fn aes_ciphertext() -> impl Strategy<Value = Ciphertext> {
    option::of(
        (bytes(32), bytes(12), bytes(100)).prop_map(|(hkdf_salt, gcm_nonce, payload)| {
            ciphertext::Union::Aes256GcmHkdfSha256(ciphertext::Aes256gcmHkdfsha256 {
                hkdf_salt,
                gcm_nonce,
                payload,
            })
        }),
    )
    .prop_map(|union| Ciphertext { union })
}

fn sealed_invitation() -> impl Strategy<Value = SealedInvitation> {
    option::of(
        (bytes(200), option::of(aes_ciphertext())).prop_map(|(header_bytes, ciphertext)| {
            sealed_invitation::Version::V1(SealedInvitationV1 {
                header_bytes,
                ciphertext,
            })
        }),
    )
    .prop_map(|version| SealedInvitation { version })
}

fn message_v2() -> impl Strategy<Value = MessageV2> {
    (
        bytes(120),
        option::of(aes_ciphertext()),
        option::of(bytes(32)),
        option::of(any::<bool>()),
    )
        .prop_map(
            |(header_bytes, ciphertext, sender_hmac, should_push)| MessageV2 {
                header_bytes,
                ciphertext,
                sender_hmac,
                should_push,
            },
        )
}

fn encoded_content() -> impl Strategy<Value = EncodedContent> {
    (
        option::of((text(), text(), any::<u32>(), any::<u32>()).prop_map(
            |(authority_id, type_id, version_major, version_minor)| ContentTypeId {
                authority_id,
                type_id,
                version_major,
                version_minor,
            },
        )),
        btree_map(text(), text(), 0..4),
        option::of(text()),
        option::of(0i32..2),
        bytes(200),
    )
        .prop_map(
            |(r#type, parameters, fallback, compression, content)| EncodedContent {
                r#type,
                parameters,
                fallback,
                compression,
                content,
            },
        )
}

fn contact_bundle() -> impl Strategy<Value = ContactBundle> {
    option::of(prop_oneof![
        option::of(legacy_public_key_bundle())
            .prop_map(|key_bundle| contact_bundle::Version::V1(ContactBundleV1 { key_bundle })),
        option::of(signed_public_key_bundle())
            .prop_map(|key_bundle| contact_bundle::Version::V2(ContactBundleV2 { key_bundle })),
    ])
    .prop_map(|version| ContactBundle { version })
}

fn private_preferences_action() -> impl Strategy<Value = PrivatePreferencesAction> {
    use private_preferences_action as ppa;
    let list = || vec(text(), 0..4);
    option::of(prop_oneof![
        list().prop_map(
            |wallet_addresses| ppa::MessageType::AllowAddress(ppa::AllowAddress {
                wallet_addresses
            })
        ),
        list().prop_map(
            |wallet_addresses| ppa::MessageType::DenyAddress(ppa::DenyAddress { wallet_addresses })
        ),
        list().prop_map(|group_ids| ppa::MessageType::AllowGroup(ppa::AllowGroup { group_ids })),
        list().prop_map(|group_ids| ppa::MessageType::DenyGroup(ppa::DenyGroup { group_ids })),
        list()
            .prop_map(|inbox_ids| ppa::MessageType::AllowInboxId(ppa::AllowInboxId { inbox_ids })),
        list().prop_map(|inbox_ids| ppa::MessageType::DenyInboxId(ppa::DenyInboxId { inbox_ids })),
    ])
    .prop_map(|message_type| PrivatePreferencesAction { message_type })
}

fn envelope() -> impl Strategy<Value = Envelope> {
    (text(), any::<u64>(), bytes(100)).prop_map(|(content_topic, timestamp_ns, message)| Envelope {
        content_topic,
        timestamp_ns,
        message,
    })
}

fn paging_info() -> impl Strategy<Value = PagingInfo> {
    (
        any::<u32>(),
        option::of(
            option::of(
                (bytes(32), any::<u64>()).prop_map(|(digest, sender_time_ns)| {
                    cursor::Cursor::Index(IndexCursor {
                        digest,
                        sender_time_ns,
                    })
                }),
            )
            .prop_map(|cursor| Cursor { cursor }),
        ),
        0i32..3,
    )
        .prop_map(|(limit, cursor, direction)| PagingInfo {
            limit,
            cursor,
            direction,
        })
}

fn query_request() -> impl Strategy<Value = QueryRequest> {
    (
        vec(text(), 0..4),
        any::<u64>(),
        any::<u64>(),
        option::of(paging_info()),
    )
        .prop_map(
            |(content_topics, start_time_ns, end_time_ns, paging_info)| QueryRequest {
                content_topics,
                start_time_ns,
                end_time_ns,
                paging_info,
            },
        )
}

fn query_response() -> impl Strategy<Value = QueryResponse> {
    (vec(envelope(), 0..4), option::of(paging_info())).prop_map(|(envelopes, paging_info)| {
        QueryResponse {
            envelopes,
            paging_info,
        }
    })
}

fn token() -> impl Strategy<Value = Token> {
    (
        option::of(legacy_public_key()),
        bytes(80),
        option::of(sig()),
    )
        .prop_map(
            |(identity_key, auth_data_bytes, auth_data_signature)| Token {
                identity_key,
                auth_data_bytes,
                auth_data_signature,
            },
        )
}

fn auth_data() -> impl Strategy<Value = AuthData> {
    (text(), any::<u64>()).prop_map(|(wallet_addr, created_ns)| AuthData {
        wallet_addr,
        created_ns,
    })
}

fn assert_binary_round_trip<M: Message + Default + PartialEq + std::fmt::Debug>(value: &M) {
    let encoded = value.encode_to_vec();
    assert_eq!(encoded.len(), value.encoded_len());
    let decoded: M = decode(&encoded).unwrap();
    assert_eq!(&decoded, value);
    // Deterministic: encoding the decoded value gives the same bytes.
    assert_eq!(decoded.encode_to_vec(), encoded);
}

fn assert_json_round_trip<M>(value: &M)
where
    M: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).unwrap();
    let back: M = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, value, "{text}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn binary_round_trips(
        env in envelope(),
        query in query_request(),
        bundle in signed_public_key_bundle(),
        private in private_key_bundle(),
        sealed in sealed_invitation(),
        msg in message_v2(),
        content in encoded_content(),
        contact in contact_bundle(),
        action in private_preferences_action(),
        tok in token(),
    ) {
        assert_binary_round_trip(&env);
        assert_binary_round_trip(&query);
        assert_binary_round_trip(&bundle);
        assert_binary_round_trip(&private);
        assert_binary_round_trip(&sealed);
        assert_binary_round_trip(&msg);
        assert_binary_round_trip(&content);
        assert_binary_round_trip(&contact);
        assert_binary_round_trip(&action);
        assert_binary_round_trip(&tok);
        // The JS field order decodes to the same value.
        prop_assert_eq!(EncodedContent::decode(content.encode_js_order().as_slice()).ok(), Some(content));
    }

    #[test]
    fn message_api_json_round_trips(
        env in envelope(),
        query in query_request(),
        resp in query_response(),
        batch in vec(query_request(), 0..3),
        batch_resp in vec(query_response(), 0..3),
        topics in vec(text(), 0..4),
        tok in token(),
        auth in auth_data(),
    ) {
        assert_json_round_trip(&env);
        assert_json_round_trip(&query);
        assert_json_round_trip(&resp);
        assert_json_round_trip(&BatchQueryRequest { requests: batch });
        assert_json_round_trip(&BatchQueryResponse { responses: batch_resp });
        assert_json_round_trip(&PublishRequest { envelopes: vec![env] });
        assert_json_round_trip(&SubscribeRequest { content_topics: topics });
        assert_json_round_trip(&tok);
        assert_json_round_trip(&auth);
    }

    #[test]
    fn message_contents_json_round_trips(
        private in private_key_bundle(),
        content in encoded_content(),
        contact in contact_bundle(),
        action in private_preferences_action(),
        msg in message_v2(),
    ) {
        assert_json_round_trip(&private);
        assert_json_round_trip(&content);
        assert_json_round_trip(&contact);
        assert_json_round_trip(&action);
        assert_json_round_trip(&msg);
    }

    #[test]
    fn random_bytes_never_panic(data in bytes(512)) {
        let _ = decode::<Envelope>(&data);
        let _ = decode::<QueryRequest>(&data);
        let _ = decode::<QueryResponse>(&data);
        let _ = decode::<PrivateKeyBundle>(&data);
        let _ = decode::<SealedInvitation>(&data);
        let _ = decode::<xmtp_proto::message_contents::Message>(&data);
        let _ = decode::<ContactBundle>(&data);
        let _ = decode::<EncodedContent>(&data);
        let _ = decode::<Composite>(&data);
        let _ = decode::<Token>(&data);
        let _ = decode::<xmtp_proto::keystore_api::v1::TopicMap>(&data);
    }

    #[test]
    fn truncating_inside_a_field_is_an_error(
        private in private_key_bundle().prop_filter("non-empty", |b| b.version.is_some()),
        cut in any::<prop::sample::Index>(),
    ) {
        // A bundle is one length-delimited top-level field, so every strict non-empty prefix
        // leaves that field short.
        let encoded = private.encode_to_vec();
        let len = 1 + cut.index(encoded.len() - 1);
        prop_assert!(decode::<PrivateKeyBundle>(&encoded[..len]).is_err());
    }

    #[test]
    fn flipped_bytes_never_panic(
        content in encoded_content(),
        at in any::<prop::sample::Index>(),
        xor in 1u8..=255,
    ) {
        let mut encoded = content.encode_to_vec();
        if !encoded.is_empty() {
            let i = at.index(encoded.len());
            encoded[i] ^= xor;
        }
        let _ = decode::<EncodedContent>(&encoded);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // Composite -> parts[0] -> composite -> parts[0] -> ... 300 levels, past prost's limit of 100.
    let mut bytes = Vec::new();
    for _ in 0..300 {
        let part = {
            let mut p = vec![0x12];
            push_len(&mut p, bytes.len());
            p.extend_from_slice(&bytes);
            p
        };
        bytes = vec![0x0a];
        push_len(&mut bytes, part.len());
        bytes.extend_from_slice(&part);
    }
    assert!(decode::<Composite>(&bytes).is_err());
    // A shallow one is fine.
    let shallow = Composite {
        parts: vec![composite::Part {
            element: Some(composite::part::Element::Composite(Composite::default())),
        }],
    };
    assert_binary_round_trip(&shallow);
}

fn push_len(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

#[test]
fn wrong_wire_type_is_an_error() {
    // Envelope.timestamp_ns (field 2) sent as length-delimited.
    assert!(decode::<Envelope>(&[0x12, 0x01, 0x00]).is_err());
    // Invalid UTF-8 in a string field.
    assert!(decode::<Envelope>(&[0x0a, 0x01, 0xff]).is_err());
    // Over-long varint.
    assert!(
        decode::<Envelope>(&[
            0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
        ])
        .is_err()
    );
    // Unknown fields are skipped.
    let env: Envelope = decode(&[0xf8, 0x01, 0x05, 0x10, 0x07]).unwrap();
    assert_eq!(env.timestamp_ns, 7);
}
