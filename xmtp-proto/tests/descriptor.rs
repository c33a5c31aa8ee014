//! `FILE_DESCRIPTOR_SET` is complete and carries the schema details that matter on the wire
//! (field order, `optional`, `reserved`, the service shape).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use prost::Message;
use prost_types::field_descriptor_proto::Label;
use prost_types::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};

fn set() -> FileDescriptorSet {
    FileDescriptorSet::decode(xmtp_proto::FILE_DESCRIPTOR_SET).unwrap()
}

fn file<'a>(set: &'a FileDescriptorSet, name: &str) -> &'a FileDescriptorProto {
    set.file
        .iter()
        .find(|f| f.name() == name)
        .unwrap_or_else(|| panic!("no file {name}"))
}

fn message<'a>(file: &'a FileDescriptorProto, name: &str) -> &'a DescriptorProto {
    file.message_type
        .iter()
        .find(|m| m.name() == name)
        .unwrap_or_else(|| panic!("no message {name}"))
}

fn optional_fields(m: &DescriptorProto) -> Vec<&str> {
    m.field
        .iter()
        .filter(|f| f.proto3_optional())
        .map(|f| f.name())
        .collect()
}

#[test]
fn every_file_and_package_is_there() {
    let set = set();
    let mut names: Vec<String> = set.file.iter().map(|f| f.name().to_owned()).collect();
    names.sort_unstable();
    let mut expected: Vec<String> = [
        "signature",
        "public_key",
        "private_key",
        "ciphertext",
        "contact",
        "message",
        "invitation",
        "conversation_reference",
        "content",
        "composite",
        "signed_payload",
        "ecies",
        "private_preferences",
        "frames",
    ]
    .iter()
    .map(|f| format!("message_contents/{f}.proto"))
    .chain(
        [
            "keystore_api/v1/keystore.proto",
            "message_api/v1/authn.proto",
            "message_api/v1/message_api.proto",
            "waku/message/v1/message.proto",
            "waku/store/v3/store.proto",
            "waku/lightpush/v2beta1/lightpush.proto",
            "waku/filter/v2beta1/filter.proto",
            "forward_secrecy/v1/forward_secrecy.proto",
        ]
        .map(String::from),
    )
    .collect();
    expected.sort_unstable();
    assert_eq!(names, expected);
    for f in &set.file {
        let package = f.package();
        assert!(
            [
                "xmtp.message_contents",
                "xmtp.message_api.v1",
                "xmtp.keystore_api.v1",
                "waku.message.v1",
                "waku.store.v3",
                "waku.lightpush.v2beta1",
                "waku.filter.v2beta1",
                "xmtp_rs.forward_secrecy.v1",
            ]
            .contains(&package),
            "{package}"
        );
        assert_eq!(f.syntax(), "proto3");
        // No google.api annotations or other imports from outside this crate.
        assert!(f.dependency.iter().all(|d| !d.starts_with("google/")));
    }
}

#[test]
fn encoded_content_declares_compression_before_content() {
    let set = set();
    let m = message(
        file(&set, "message_contents/content.proto"),
        "EncodedContent",
    );
    let numbers: Vec<_> = m.field.iter().map(|f| f.number()).collect();
    assert_eq!(numbers, [1, 2, 3, 5, 4]);
    assert_eq!(optional_fields(m), ["fallback", "compression"]);
}

#[test]
fn proto3_optional_fields() {
    let set = set();
    let cases = [
        (
            "message_contents/public_key.proto",
            "PublicKey",
            vec!["signature"],
        ),
        (
            "message_contents/message.proto",
            "MessageV2",
            vec!["sender_hmac", "should_push"],
        ),
        (
            "message_contents/message.proto",
            "DecodedMessage",
            vec!["recipient_address"],
        ),
        (
            "keystore_api/v1/keystore.proto",
            "CreateAuthTokenRequest",
            vec!["timestamp_ns"],
        ),
        ("message_api/v1/message_api.proto", "Envelope", vec![]),
    ];
    for (f, m, expected) in cases {
        assert_eq!(optional_fields(message(file(&set, f), m)), expected, "{m}");
    }
}

#[test]
fn reserved_numbers() {
    let set = set();
    let reserved = |f: &str, m: &str| -> Vec<(i32, i32)> {
        message(file(&set, f), m)
            .reserved_range
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect()
    };
    // Ranges are half-open in descriptors.
    assert_eq!(
        reserved("message_contents/private_key.proto", "PrivateKeyBundle"),
        [(3, 4)]
    );
    assert_eq!(
        reserved("message_contents/invitation.proto", "SealedInvitation"),
        [(2, 3)]
    );
}

#[test]
fn oneof_names() {
    let set = set();
    let oneofs = |f: &str, m: &str| -> Vec<String> {
        message(file(&set, f), m)
            .oneof_decl
            .iter()
            .filter(|o| !o.name().starts_with('_'))
            .map(|o| o.name().to_owned())
            .collect()
    };
    let cases = [
        ("message_contents/signature.proto", "Signature", "union"),
        ("message_contents/public_key.proto", "PublicKey", "union"),
        (
            "message_contents/private_key.proto",
            "PrivateKeyBundle",
            "version",
        ),
        ("message_contents/ciphertext.proto", "Ciphertext", "union"),
        ("message_contents/contact.proto", "ContactBundle", "version"),
        ("message_contents/message.proto", "Message", "version"),
        (
            "message_contents/invitation.proto",
            "InvitationV1",
            "encryption",
        ),
        (
            "message_contents/private_preferences.proto",
            "PrivatePreferencesAction",
            "message_type",
        ),
        ("message_api/v1/message_api.proto", "Cursor", "cursor"),
        (
            "keystore_api/v1/keystore.proto",
            "SignDigestRequest",
            "signer",
        ),
        (
            "keystore_api/v1/keystore.proto",
            "InitKeystoreRequest",
            "bundle",
        ),
    ];
    for (f, m, name) in cases {
        assert_eq!(oneofs(f, m), [name], "{m}");
    }
}

#[test]
fn message_api_service() {
    let set = set();
    let f = file(&set, "message_api/v1/message_api.proto");
    assert_eq!(f.service.len(), 1);
    let service = &f.service[0];
    assert_eq!(service.name(), "MessageApi");
    let methods: Vec<_> = service
        .method
        .iter()
        .map(|m| {
            (
                m.name(),
                m.input_type(),
                m.output_type(),
                m.client_streaming(),
                m.server_streaming(),
            )
        })
        .collect();
    let p = |s: &str| format!(".xmtp.message_api.v1.{s}");
    let (publish_req, publish_resp) = (p("PublishRequest"), p("PublishResponse"));
    let (sub_req, env) = (p("SubscribeRequest"), p("Envelope"));
    let sub_all = p("SubscribeAllRequest");
    let (q_req, q_resp) = (p("QueryRequest"), p("QueryResponse"));
    let (bq_req, bq_resp) = (p("BatchQueryRequest"), p("BatchQueryResponse"));
    assert_eq!(
        methods,
        [
            (
                "Publish",
                publish_req.as_str(),
                publish_resp.as_str(),
                false,
                false
            ),
            ("Subscribe", sub_req.as_str(), env.as_str(), false, true),
            ("Subscribe2", sub_req.as_str(), env.as_str(), true, true),
            ("SubscribeAll", sub_all.as_str(), env.as_str(), false, true),
            ("Query", q_req.as_str(), q_resp.as_str(), false, false),
            (
                "BatchQuery",
                bq_req.as_str(),
                bq_resp.as_str(),
                false,
                false
            ),
        ]
    );
}

#[test]
fn keystore_hmac_key_types_are_nested_as_in_the_reference_schema() {
    let set = set();
    let f = file(&set, "keystore_api/v1/keystore.proto");
    let resp = message(f, "GetConversationHmacKeysResponse");
    let nested: Vec<_> = resp.nested_type.iter().map(|m| m.name()).collect();
    assert!(nested.contains(&"HmacKeyData") && nested.contains(&"HmacKeys"));
    let map = &resp.field[0];
    assert_eq!(map.name(), "hmac_keys");
    assert_eq!(map.label(), Label::Repeated);
    // The re-exports point at the nested types.
    let _: xmtp_proto::keystore_api::v1::HmacKeys =
        xmtp_proto::keystore_api::v1::get_conversation_hmac_keys_response::HmacKeys::default();
}
