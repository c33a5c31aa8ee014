//! Property tests: every built-in codec decodes what it encodes, with and without compression.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use xmtp_client::content::{
    Attachment, CodecRegistry, Composite, Compression, Content, NetworkId, Reaction,
    ReactionAction, ReactionSchema, ReadReceipt, RemoteAttachment, Reply, TransactionMetadata,
    TransactionReference, TypingNotification,
};
use xmtp_crypto::SecretBytes;

fn compression() -> impl Strategy<Value = Option<Compression>> {
    prop_oneof![
        Just(None),
        Just(Some(Compression::Deflate)),
        Just(Some(Compression::Gzip))
    ]
}

fn reaction() -> impl Strategy<Value = Reaction> {
    (
        "[0-9a-f]{64}",
        proptest::option::of("[a-z0-9]{1,20}"),
        prop_oneof![Just(ReactionAction::Added), Just(ReactionAction::Removed)],
        prop_oneof![
            Just(ReactionSchema::Unicode),
            Just(ReactionSchema::Shortcode),
            Just(ReactionSchema::Custom)
        ],
        any::<String>(),
    )
        .prop_map(
            |(reference, reference_inbox_id, action, schema, content)| Reaction {
                reference,
                reference_inbox_id,
                action,
                schema,
                content,
            },
        )
}

fn attachment() -> impl Strategy<Value = Attachment> {
    (
        any::<String>(),
        "[a-z]{1,10}/[a-z0-9.+-]{1,20}",
        proptest::collection::vec(any::<u8>(), 0..2000),
    )
        .prop_map(|(filename, mime_type, data)| Attachment {
            filename,
            mime_type,
            data,
        })
}

fn remote_attachment() -> impl Strategy<Value = RemoteAttachment> {
    (
        "https://[a-z]{1,12}\\.example/[a-zA-Z0-9/_-]{0,40}",
        "[0-9a-f]{64}",
        any::<[u8; 32]>(),
        any::<[u8; 12]>(),
        proptest::collection::vec(any::<u8>(), 1..64),
        "(https|https://)",
        proptest::option::of(any::<u64>()),
        any::<String>(),
    )
        .prop_map(
            |(url, content_digest, salt, nonce, secret, scheme, content_length, filename)| {
                RemoteAttachment {
                    url,
                    content_digest,
                    salt,
                    nonce,
                    secret: SecretBytes::new(secret),
                    scheme,
                    content_length,
                    filename,
                }
            },
        )
}

fn transaction_reference() -> impl Strategy<Value = TransactionReference> {
    let metadata = (
        any::<String>(),
        any::<String>(),
        prop_oneof![
            any::<u64>().prop_map(serde_json::Number::from),
            // Fractions with short exact decimal forms: serde_json without `float_roundtrip`
            // may misparse the last bit of arbitrary doubles.
            prop_oneof![Just(0.5f64), Just(12.25), Just(-3.75)]
                .prop_filter_map("finite", serde_json::Number::from_f64),
        ],
        any::<u32>(),
        "0x[0-9a-fA-F]{40}",
        "0x[0-9a-fA-F]{40}",
    )
        .prop_map(
            |(transaction_type, currency, amount, decimals, from_address, to_address)| {
                TransactionMetadata {
                    transaction_type,
                    currency,
                    amount,
                    decimals,
                    from_address,
                    to_address,
                }
            },
        );
    (
        proptest::option::of(any::<String>()),
        prop_oneof![
            any::<u64>().prop_map(NetworkId::Number),
            any::<String>().prop_map(NetworkId::Text)
        ],
        any::<String>(),
        proptest::option::of(metadata),
    )
        .prop_map(
            |(namespace, network_id, reference, metadata)| TransactionReference {
                namespace,
                network_id,
                reference,
                metadata,
            },
        )
}

fn typing() -> impl Strategy<Value = TypingNotification> {
    (any::<String>(), any::<String>(), any::<bool>()).prop_map(
        |(timestamp, typer_address, is_finished)| TypingNotification {
            timestamp,
            typer_address,
            is_finished,
        },
    )
}

/// Any built-in content that is not a reply or composite.
fn leaf() -> impl Strategy<Value = Content> {
    prop_oneof![
        any::<String>().prop_map(Content::Text),
        reaction().prop_map(Content::Reaction),
        Just(Content::ReadReceipt(ReadReceipt)),
        attachment().prop_map(Content::Attachment),
        remote_attachment().prop_map(Content::RemoteAttachment),
        transaction_reference().prop_map(Content::TransactionReference),
        typing().prop_map(Content::TypingNotification),
    ]
}

/// Any built-in content, replies and composites nested a few levels deep.
fn content() -> impl Strategy<Value = Content> {
    leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            (
                "[0-9a-f]{64}",
                proptest::option::of("[a-z0-9]{1,20}"),
                inner.clone()
            )
                .prop_map(|(reference, reference_inbox_id, content)| {
                    Content::Reply(Reply {
                        reference,
                        reference_inbox_id,
                        content: Box::new(content),
                    })
                }),
            proptest::collection::vec(inner, 0..4)
                .prop_map(|parts| Content::Composite(Composite { parts })),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_codec_round_trips(content in content(), compression in compression()) {
        let registry = CodecRegistry::default();
        let bytes = registry.encode_to_bytes(&content, compression).unwrap();
        prop_assert_eq!(registry.decode_bytes(&bytes).unwrap(), content);
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = CodecRegistry::default().decode_bytes(&bytes);
    }
}
