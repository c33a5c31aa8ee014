//! Known-answer tests: the spec's byte vectors (protocol.md §12, files in `tests/vectors/` at
//! the workspace root) decode to the expected fields and re-encode to the identical bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use prost::Message;
use serde_json::Value;
use xmtp_proto::decode;
use xmtp_proto::message_contents::{
    Ciphertext, Compression, ConsentProofPayload, ConsentProofPayloadVersion, ContactBundle,
    ContentTypeId, EncodedContent, MessageHeaderV1, MessageHeaderV2, MessageV2, PrivateKeyBundle,
    PublicKey, PublicKeyBundle, SealedInvitation, SealedInvitationHeaderV1, Signature,
    SignedContent, SignedPublicKey, SignedPublicKeyBundle, UnsignedPublicKey, ciphertext,
    contact_bundle, message, private_key, private_key_bundle, public_key, sealed_invitation,
    signature, signed_private_key, unsigned_public_key,
};

macro_rules! vector {
    ($name:literal) => {
        Vector(
            serde_json::from_str::<Value>(include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../tests/vectors/",
                $name,
                ".json"
            )))
            .expect(concat!($name, ".json is not JSON")),
        )
    };
}

struct Vector(Value);

impl Vector {
    fn field(&self, path: &str) -> &Value {
        path.split('.')
            .try_fold(&self.0, |v, k| v.get(k))
            .unwrap_or_else(|| panic!("no field {path}"))
    }
    fn text(&self, path: &str) -> &str {
        self.field(path).as_str().unwrap()
    }
    fn bytes(&self, path: &str) -> Vec<u8> {
        hex::decode(self.text(path)).unwrap()
    }
    fn u64(&self, path: &str) -> u64 {
        let v = self.field(path);
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .unwrap()
    }
}

/// Decodes `bytes` as `M`, checks that prost re-encodes them identically, returns the value.
fn round_trip<M: Message + Default>(bytes: &[u8]) -> M {
    let value: M = decode(bytes).unwrap();
    assert_eq!(hex::encode(value.encode_to_vec()), hex::encode(bytes));
    value
}

fn legacy_v1(bundle: &PrivateKeyBundle) -> &xmtp_proto::message_contents::PrivateKeyBundleV1 {
    match &bundle.version {
        Some(private_key_bundle::Version::V1(v1)) => v1,
        other => panic!("expected v1, got {other:?}"),
    }
}

fn v2(bundle: &PrivateKeyBundle) -> &xmtp_proto::message_contents::PrivateKeyBundleV2 {
    match &bundle.version {
        Some(private_key_bundle::Version::V2(v2)) => v2,
        other => panic!("expected v2, got {other:?}"),
    }
}

fn legacy_secret(key: &xmtp_proto::message_contents::PrivateKey) -> &[u8] {
    match &key.union {
        Some(private_key::Union::Secp256k1(k)) => &k.bytes,
        None => panic!("no secret"),
    }
}

fn legacy_point(key: &PublicKey) -> &[u8] {
    match &key.union {
        Some(public_key::Union::Secp256k1Uncompressed(p)) => &p.bytes,
        None => panic!("no point"),
    }
}

fn unsigned(key: &SignedPublicKey) -> UnsignedPublicKey {
    round_trip(&key.key_bytes)
}

fn unsigned_point(key: &UnsignedPublicKey) -> &[u8] {
    match &key.union {
        Some(unsigned_public_key::Union::Secp256k1Uncompressed(p)) => &p.bytes,
        None => panic!("no point"),
    }
}

fn ecdsa(sig: &Signature) -> (&[u8], u32) {
    match &sig.union {
        Some(signature::Union::EcdsaCompact(s)) => (&s.bytes, s.recovery),
        other => panic!("expected ecdsa_compact, got {other:?}"),
    }
}

fn wallet(sig: &Signature) -> (&[u8], u32) {
    match &sig.union {
        Some(signature::Union::WalletEcdsaCompact(s)) => (&s.bytes, s.recovery),
        other => panic!("expected wallet_ecdsa_compact, got {other:?}"),
    }
}

fn aes(ct: &Ciphertext) -> &ciphertext::Aes256gcmHkdfsha256 {
    match &ct.union {
        Some(ciphertext::Union::Aes256GcmHkdfSha256(a)) => a,
        None => panic!("empty ciphertext"),
    }
}

fn text_content(text: &str) -> EncodedContent {
    EncodedContent {
        r#type: Some(ContentTypeId {
            authority_id: "xmtp.org".into(),
            type_id: "text".into(),
            version_major: 1,
            version_minor: 0,
        }),
        parameters: [("encoding".to_string(), "UTF-8".to_string())].into(),
        fallback: None,
        compression: None,
        content: text.as_bytes().to_vec(),
    }
}

#[test]
fn tv1_alice_and_bob_legacy_private_key_bundles() {
    let v = vector!("tv01_deterministic_topic");

    let alice: PrivateKeyBundle = round_trip(&v.bytes("alice_private_key_bundle"));
    let alice = legacy_v1(&alice);
    let identity = alice.identity_key.as_ref().unwrap();
    assert_eq!(identity.timestamp, 1_688_709_155_137);
    assert_eq!(
        identity.timestamp,
        v.u64("recomputed.alice_identity_timestamp_ms")
    );
    assert_eq!(
        legacy_secret(identity),
        v.bytes("recomputed.alice_identity_private_key")
    );
    let identity_public = identity.public_key.as_ref().unwrap();
    assert_eq!(identity_public.timestamp, identity.timestamp);
    // The legacy identity key carries the wallet's signature in the ecdsa_compact slot.
    let (rs, recovery) = ecdsa(identity_public.signature.as_ref().unwrap());
    assert_eq!(rs, v.bytes("recomputed.alice_identity_wallet_signature"));
    assert_eq!(recovery, 1);
    assert_eq!(alice.pre_keys.len(), 1);
    let pre = &alice.pre_keys[0];
    assert_eq!(
        pre.timestamp,
        v.u64("recomputed.alice_pre_key_timestamp_ms")
    );
    assert_eq!(
        legacy_secret(pre),
        v.bytes("recomputed.alice_pre_key_private_key")
    );

    // protocol.md §1.16.5: the bytes the wallet signed are the legacy PublicKey re-encoded
    // without its signature, and they appear as hex in the "Create Identity" text.
    let unsigned_legacy = PublicKey {
        signature: None,
        ..identity_public.clone()
    };
    let text = v.text("recomputed.alice_identity_signature_text");
    let signed_hex = text.lines().nth(1).unwrap();
    assert_eq!(hex::encode(unsigned_legacy.encode_to_vec()), signed_hex);
    assert!(signed_hex.starts_with("08") && signed_hex.contains("1a430a4104"));
    // ... which is also a valid UnsignedPublicKey whose created_ns holds milliseconds.
    let as_unsigned: UnsignedPublicKey = round_trip(&unsigned_legacy.encode_to_vec());
    assert_eq!(as_unsigned.created_ns, identity.timestamp);
    assert_eq!(unsigned_point(&as_unsigned), legacy_point(identity_public));

    let bob: PrivateKeyBundle = round_trip(&v.bytes("bob_private_key_bundle"));
    let bob = legacy_v1(&bob);
    let identity = bob.identity_key.as_ref().unwrap();
    assert_eq!(
        legacy_secret(identity),
        v.bytes("recomputed.bob_identity_private_key")
    );
    // Recovery 0 is the proto3 default, so it is absent on the wire and decodes as 0.
    let (_, recovery) = ecdsa(
        identity
            .public_key
            .as_ref()
            .unwrap()
            .signature
            .as_ref()
            .unwrap(),
    );
    assert_eq!(recovery, 0);
    assert_eq!(
        legacy_secret(&bob.pre_keys[0]),
        v.bytes("recomputed.bob_pre_key_private_key")
    );
}

#[test]
fn tv5a_v2_private_key_bundle_and_signature() {
    let v = vector!("tv05a_v2_bundle_signature");
    let bundle: PrivateKeyBundle = round_trip(&v.bytes("private_key_bundle"));
    let bundle = v2(&bundle);
    let identity = bundle.identity_key.as_ref().unwrap();
    match &identity.union {
        Some(signed_private_key::Union::Secp256k1(k)) => {
            assert_eq!(k.bytes, v.bytes("recomputed.identity_private_key"));
        }
        None => panic!("no secret"),
    }
    let public = identity.public_key.as_ref().unwrap();
    let unsigned_key = unsigned(public);
    assert_eq!(
        unsigned_point(&unsigned_key),
        v.bytes("extracted.identity_public_key")
    );
    assert_eq!(unsigned_key.created_ns, identity.created_ns);
    // A native v2 key: real nanoseconds.
    assert!(unsigned_key.created_ns >= 1_000_000_000_000_000_000);
    wallet(public.signature.as_ref().unwrap());
    assert_eq!(bundle.pre_keys.len(), 1);
    let pre = unsigned(bundle.pre_keys[0].public_key.as_ref().unwrap());
    assert_eq!(unsigned_point(&pre).len(), 65);

    let sig: Signature = round_trip(&v.bytes("signature"));
    let (rs, recovery) = ecdsa(&sig);
    assert_eq!(rs, v.bytes("extracted.signature_rs"));
    assert_eq!(u64::from(recovery), v.u64("recomputed.signature_recovery"));
}

#[test]
fn tv5d_signed_public_key_bundles() {
    let v = vector!("tv05d_triple_dh");
    let peer: SignedPublicKeyBundle = round_trip(&v.bytes("peer_signed_public_key_bundle"));
    // Converted from legacy keys: created_ns holds milliseconds.
    for key in [&peer.identity_key, &peer.pre_key] {
        let key = unsigned(key.as_ref().unwrap());
        assert!(key.created_ns < 1_000_000_000_000_000_000);
        assert_eq!(unsigned_point(&key).len(), 65);
    }
    wallet(
        peer.identity_key
            .as_ref()
            .unwrap()
            .signature
            .as_ref()
            .unwrap(),
    );
    ecdsa(peer.pre_key.as_ref().unwrap().signature.as_ref().unwrap());

    let my_pre: SignedPublicKey = round_trip(&v.bytes("my_pre_key_signed_public_key"));
    let mine: PrivateKeyBundle = round_trip(&v.bytes("my_private_key_bundle"));
    let mine = v2(&mine);
    wallet(
        mine.identity_key
            .as_ref()
            .unwrap()
            .public_key
            .as_ref()
            .unwrap()
            .signature
            .as_ref()
            .unwrap(),
    );
    assert_eq!(mine.pre_keys[0].public_key.as_ref(), Some(&my_pre));
}

#[test]
fn tv5e_bundle_and_sealed_invitation() {
    let v = vector!("tv05e_sealed_invitation");
    let alice: PrivateKeyBundle = round_trip(&v.bytes("alice_private_key_bundle"));
    v2(&alice);

    let sealed: SealedInvitation = round_trip(&v.bytes("sealed_invitation"));
    let Some(sealed_invitation::Version::V1(sealed)) = &sealed.version else {
        panic!("expected v1");
    };
    assert_eq!(sealed.header_bytes, v.bytes("extracted.header_bytes"));
    let header: SealedInvitationHeaderV1 = round_trip(&sealed.header_bytes);
    assert_eq!(header.created_ns, v.u64("recomputed.header_created_ns"));
    // Alice sent it, so the header's sender bundle is the public half of her bundle.
    let alice_identity = v2(&alice).identity_key.as_ref().unwrap();
    assert_eq!(
        header.sender.as_ref().unwrap().identity_key,
        alice_identity.public_key
    );
    assert!(header.recipient.is_some());
    let ct = aes(sealed.ciphertext.as_ref().unwrap());
    assert_eq!(ct.hkdf_salt, v.bytes("recomputed.hkdf_salt"));
    assert_eq!(ct.gcm_nonce, v.bytes("recomputed.gcm_nonce"));
    assert!(ct.payload.len() > 16);
}

#[test]
fn tv8a_message_header_v1_and_text_hi() {
    let v = vector!("tv08a_v1_decrypt");
    let header: MessageHeaderV1 = round_trip(&v.bytes("additional_data"));
    assert_eq!(header.timestamp, 1_669_766_546_226);
    assert_eq!(header.timestamp, v.u64("header_timestamp_ms"));
    for bundle in [&header.sender, &header.recipient] {
        let bundle = bundle.as_ref().unwrap();
        for key in [&bundle.identity_key, &bundle.pre_key] {
            let key = key.as_ref().unwrap();
            assert_eq!(legacy_point(key).len(), 65);
            assert!(key.signature.is_some());
        }
    }

    // The plaintext is the EncodedContent of the text "hi"; building it gives the same bytes.
    let plaintext = v.bytes("expected_plaintext");
    let content: EncodedContent = round_trip(&plaintext);
    assert_eq!(content, text_content("hi"));
    assert_eq!(text_content("hi").encode_to_vec(), plaintext);
    assert_eq!(text_content("hi").encode_js_order(), plaintext);
}

#[test]
fn tv8b_legacy_bundles() {
    let v = vector!("tv08b_shared_secret");
    let me: PrivateKeyBundle = round_trip(&v.bytes("me_private_key_bundle"));
    assert!(!legacy_v1(&me).pre_keys.is_empty());
    let you: PublicKeyBundle = round_trip(&v.bytes("you_public_key_bundle"));
    assert!(you.identity_key.is_some() && you.pre_key.is_some());
}

#[test]
fn tv8c_js_v2_message() {
    let v = vector!("tv08c_v2_message_id");
    let msg: xmtp_proto::message_contents::Message = round_trip(&v.bytes("message"));
    let Some(message::Version::V2(m)) = &msg.version else {
        panic!("expected v2");
    };
    // Predates sender_hmac / should_push.
    assert_eq!(m.sender_hmac, None);
    assert_eq!(m.should_push, None);
    let header: MessageHeaderV2 = round_trip(&m.header_bytes);
    assert_eq!(header.topic, v.text("topic"));
    assert_eq!(header.created_ns, v.u64("recomputed.header_created_ns"));
    aes(m.ciphertext.as_ref().unwrap());
}

#[test]
fn tv8e_contact_bundle_v2_and_bare_legacy_bundle() {
    let v = vector!("tv08e_contact_bundles");
    let contact: ContactBundle = round_trip(&v.bytes("contact_bundle_v2"));
    let Some(contact_bundle::Version::V2(v2_bundle)) = &contact.version else {
        panic!("expected v2");
    };
    let bundle = v2_bundle.key_bundle.as_ref().unwrap();
    let identity = bundle.identity_key.as_ref().unwrap();
    assert_eq!(
        unsigned(identity).created_ns,
        v.u64("contact_bundle_v2_identity_created_ns")
    );
    wallet(identity.signature.as_ref().unwrap());

    // A bare legacy PublicKeyBundle is NOT a ContactBundle: its field 1 (PublicKey) reads as
    // ContactBundle.v1 = ContactBundleV1, whose field 1 must be length-delimited, but the
    // PublicKey starts with a varint (timestamp). prost checks wire types, so decoding fails;
    // it does not succeed with an empty key bundle. Readers fall back to PublicKeyBundle.
    let bare = v.bytes("bare_legacy_public_key_bundle");
    assert!(
        !v.field("bare_legacy_decodes_as_contact_bundle")
            .as_bool()
            .unwrap()
    );
    let err = decode::<ContactBundle>(&bare).unwrap_err();
    assert!(err.to_string().contains("ContactBundle"), "{err}");
    assert!(!err.is_retryable());
    let legacy: PublicKeyBundle = round_trip(&bare);
    assert!(legacy.pre_key.is_none());
    let identity = legacy.identity_key.as_ref().unwrap();
    assert_eq!(legacy_point(identity).len(), 65);
    assert!(identity.signature.is_some());
}

#[test]
fn tv9_consent_proof_payload_encodes_exactly() {
    let v = vector!("tv09_consent_proof");
    let payload = ConsentProofPayload {
        signature: v.text("payload_signature_text").to_owned(),
        timestamp: v.u64("payload_timestamp_ms"),
        payload_version: ConsentProofPayloadVersion::ConsentProofPayloadVersion1 as i32,
    };
    assert_eq!(payload.payload_version as u64, v.u64("payload_version"));
    let expected = v.bytes("expected_payload_encoding");
    assert_eq!(hex::encode(payload.encode_to_vec()), hex::encode(&expected));
    assert_eq!(round_trip::<ConsentProofPayload>(&expected), payload);
}

#[test]
fn tv10a_v2_message_built_from_parts() {
    let v = vector!("tv10a_v2_message");
    let header = MessageHeaderV2 {
        created_ns: v.u64("created_ns"),
        topic: v.text("topic").to_owned(),
    };
    assert_eq!(header.created_ns, 1_700_000_000_000_000_000);
    assert_eq!(header.encode_to_vec(), v.bytes("header_bytes"));
    assert_eq!(
        text_content(v.text("text")).encode_to_vec(),
        v.bytes("encoded_content")
    );

    let sender: SignedPublicKeyBundle = round_trip(&v.bytes("sender_signed_public_key_bundle"));
    let signed = SignedContent {
        payload: v.bytes("encoded_content"),
        sender: Some(sender),
        signature: Some(Signature {
            union: Some(signature::Union::EcdsaCompact(signature::EcdsaCompact {
                bytes: v.bytes("prekey_signature"),
                recovery: v.u64("recovery") as u32,
            })),
        }),
    };
    assert_eq!(
        hex::encode(signed.encode_to_vec()),
        hex::encode(v.bytes("signed_content"))
    );
    assert_eq!(
        round_trip::<SignedContent>(&v.bytes("signed_content")),
        signed
    );

    let msg = xmtp_proto::message_contents::Message {
        version: Some(message::Version::V2(MessageV2 {
            header_bytes: v.bytes("header_bytes"),
            ciphertext: Some(Ciphertext {
                union: Some(ciphertext::Union::Aes256GcmHkdfSha256(
                    ciphertext::Aes256gcmHkdfsha256 {
                        hkdf_salt: v.bytes("hkdf_salt"),
                        gcm_nonce: v.bytes("gcm_nonce"),
                        payload: v.bytes("aes_payload"),
                    },
                )),
            }),
            sender_hmac: Some(v.bytes("sender_hmac")),
            should_push: Some(true),
        })),
    };
    assert_eq!(
        hex::encode(msg.encode_to_vec()),
        hex::encode(v.bytes("message"))
    );
    let decoded: xmtp_proto::message_contents::Message = round_trip(&v.bytes("message"));
    assert_eq!(decoded, msg);
    let Some(message::Version::V2(m)) = &decoded.version else {
        panic!("expected v2");
    };
    assert_eq!(round_trip::<MessageHeaderV2>(&m.header_bytes), header);
}

#[test]
fn tv4_encoded_content_field_order() {
    let v = vector!("tv04_compression");
    let js = v.bytes("encoded_content_with_deflate");
    let content: EncodedContent = decode(&js).unwrap();
    assert_eq!(content.compression, Some(Compression::Deflate as i32));
    assert_eq!(
        content.compression.map(i64::from),
        v.field("encoded_content_compression").as_i64()
    );
    assert_eq!(content.r#type.as_ref().unwrap().type_id, "text");

    // protocol.md §1.16.1: prost writes tag order (…, content = 4, compression = 5); JS wrote
    // compression first. Same fields, same length, different bytes.
    let prost_order = content.encode_to_vec();
    assert_ne!(prost_order, js);
    assert_eq!(prost_order.len(), js.len());
    assert_eq!(&prost_order[prost_order.len() - 2..], &[0x28, 0x00]);
    assert_eq!(
        EncodedContent::decode(prost_order.as_slice()).unwrap(),
        content
    );
    // encode_js_order reproduces the JS bytes.
    assert_eq!(hex::encode(content.encode_js_order()), hex::encode(&js));
}

#[test]
fn truncated_bundles_are_decode_errors() {
    let v = vector!("neg_tampered");
    for case in [
        "private_key_bundle_truncated_10.private_key_bundle",
        "private_key_bundle_truncated_by_1.private_key_bundle",
    ] {
        let bytes = v.bytes(case);
        assert!(decode::<PrivateKeyBundle>(&bytes).is_err(), "{case}");
    }
    // The high-S signature is still a well-formed Signature: rejecting it is the verifier's job.
    let sig: Signature = round_trip(&v.bytes("tv05a_high_s_signature.signature"));
    assert_eq!(ecdsa(&sig).1, 0);
}
