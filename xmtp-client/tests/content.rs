//! Codecs against the spec's bytes and xmtp-js behaviour, the compression pipeline and its
//! bound, unknown types, custom codecs and fallback / push rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/vectors/load.rs"
));

use std::io::Write;

use xmtp_client::Error;
use xmtp_client::content::{
    Attachment, CodecRegistry, Composite, Compression, Content, ContentCodec, ContentTypeId,
    ContentValue, CustomContent, DecodeContext, EncodedContent, EncryptedContent, NetworkId,
    Reaction, ReactionAction, ReactionSchema, ReadReceipt, RemoteAttachment, Reply,
    TransactionMetadata, TransactionReference, TypingNotification, UnknownReason, compress,
};
use xmtp_proto::Message;
use xmtp_proto::message_contents as proto;

fn registry() -> CodecRegistry {
    CodecRegistry::default()
}

fn reaction(action: ReactionAction, content: &str) -> Reaction {
    Reaction {
        reference: "ab".repeat(32),
        reference_inbox_id: None,
        action,
        schema: ReactionSchema::Unicode,
        content: content.to_owned(),
    }
}

fn proto_of(bytes: &[u8]) -> proto::EncodedContent {
    proto::EncodedContent::decode(bytes).unwrap()
}

// --- text and the spec's bytes ---------------------------------------------------------------

#[test]
fn text_hi_is_byte_identical_to_js() {
    let v = Vector::load("tv08a_v1_decrypt");
    let bytes = registry().encode_to_bytes(&"hi".into(), None).unwrap();
    assert_eq!(bytes, v.bytes("expected_plaintext"));
    assert_eq!(
        registry().decode_bytes(&bytes).unwrap(),
        Content::Text(v.text("expected_text").to_owned())
    );
}

#[test]
fn text_requires_utf8_encoding_parameter() {
    let mut encoded = registry().encode(&"hi".into()).unwrap();
    encoded.parameters.insert("encoding".into(), "utf-8".into());
    assert!(matches!(
        registry().decode(encoded.clone()),
        Err(Error::InvalidContent { .. })
    ));
    encoded.parameters.clear();
    assert!(matches!(
        registry().decode(encoded),
        Err(Error::InvalidContent { .. })
    ));
}

#[test]
fn text_with_invalid_utf8_is_an_error() {
    let mut encoded = registry().encode(&"hi".into()).unwrap();
    encoded.content = vec![0xff, 0xfe];
    assert!(matches!(
        registry().decode(encoded),
        Err(Error::InvalidContent { .. })
    ));
}

// --- compression -------------------------------------------------------------------------------

#[test]
fn tv4_deflate_stream_inflates() {
    let v = Vector::load("tv04_compression");
    let input = v.bytes("deflate_input");
    let packed = v.bytes("deflate_compressed");
    assert_eq!(
        xmtp_client::content::decompress(&packed, Compression::Deflate, input.len()).unwrap(),
        input
    );
    // Our stream (miniz_oxide) differs from zlib's bytes, which the spec allows: only
    // inflating has to interoperate. It is still a zlib stream with the same Adler-32 trailer.
    let ours = compress(&input, Compression::Deflate);
    assert_eq!(ours[0], 0x78);
    assert_eq!(ours[ours.len() - 4..], packed[packed.len() - 4..]);
    assert_eq!(
        xmtp_client::content::decompress(&ours, Compression::Deflate, input.len()).unwrap(),
        input
    );
    // One byte short of the bound is refused.
    assert!(matches!(
        xmtp_client::content::decompress(&packed, Compression::Deflate, input.len() - 1),
        Err(Error::DecompressedTooLarge { .. })
    ));
}

#[test]
fn tv4_js_encoded_content_with_deflate_decodes() {
    let v = Vector::load("tv04_compression");
    let bytes = v.bytes("encoded_content_with_deflate");
    assert_eq!(
        proto_of(&bytes).compression,
        Some(v.u64("encoded_content_compression") as i32)
    );
    // Also within the JS bound of 1000 bytes.
    for registry in [registry(), registry().with_max_decompressed_len(1000)] {
        let Content::Text(text) = registry.decode_bytes(&bytes).unwrap() else {
            panic!("not text")
        };
        assert_eq!(
            text.len() as u64,
            v.u64("encoded_content_decompressed_length")
        );
        assert!(text.starts_with(v.text("encoded_content_decompressed_prefix_ascii")));
        // Re-encoded with deflate in JS field order it has the same header bytes as the JS
        // output up to the compressed stream (1, 2, 5, then 4).
        let ours = registry
            .encode_to_bytes(&Content::Text(text.clone()), Some(Compression::Deflate))
            .unwrap();
        let header_len = bytes.len() - proto_of(&bytes).content.len() - 2;
        assert_eq!(ours[..header_len], bytes[..header_len]);
        assert_eq!(registry.decode_bytes(&ours).unwrap(), Content::Text(text));
    }
}

#[test]
fn compression_round_trips_and_skips_short_content() {
    for c in [Compression::Deflate, Compression::Gzip] {
        let long = Content::from("a message long enough to be compressed, a message long enough");
        let bytes = registry().encode_to_bytes(&long, Some(c)).unwrap();
        let p = proto_of(&bytes);
        assert!(p.compression.is_some());
        assert_ne!(
            p.content,
            b"a message long enough to be compressed, a message long enough"
        );
        assert_eq!(registry().decode_bytes(&bytes).unwrap(), long);

        // 9 bytes: below the threshold, sent as is.
        let short = Content::from("123456789");
        let bytes = registry().encode_to_bytes(&short, Some(c)).unwrap();
        assert_eq!(proto_of(&bytes).compression, None);
        assert_eq!(bytes, registry().encode_to_bytes(&short, None).unwrap());
        // 10 bytes: compressed.
        let bytes = registry()
            .encode_to_bytes(&"1234567890".into(), Some(c))
            .unwrap();
        assert!(proto_of(&bytes).compression.is_some());
    }
}

fn write_zeros<W: Write>(mut sink: W, len: usize) -> W {
    let chunk = vec![0u8; 1 << 20];
    let mut written = 0;
    while written < len {
        let n = chunk.len().min(len - written);
        sink.write_all(&chunk[..n]).unwrap();
        written += n;
    }
    sink
}

/// Text `EncodedContent` whose content is `len` zero bytes, compressed, streamed through the
/// encoder so that the test itself never holds them.
fn zero_bomb(len: usize, compression: Compression) -> proto::EncodedContent {
    let level = flate2::Compression::best();
    let (content, tag) = match compression {
        Compression::Deflate => (
            write_zeros(flate2::write::ZlibEncoder::new(Vec::new(), level), len).finish(),
            proto::Compression::Deflate,
        ),
        _ => (
            write_zeros(flate2::write::GzEncoder::new(Vec::new(), level), len).finish(),
            proto::Compression::Gzip,
        ),
    };
    let mut text = proto_of(&registry().encode(&"x".into()).unwrap().to_bytes(None));
    text.compression = Some(tag as i32);
    text.content = content.unwrap();
    text
}

#[test]
fn compression_bomb_is_a_typed_error() {
    for c in [Compression::Deflate, Compression::Gzip] {
        let bomb = zero_bomb(100 * 1024 * 1024, c).encode_to_vec();
        assert!(bomb.len() < 200 * 1024, "{} bytes", bomb.len());
        assert!(matches!(
            registry().decode_bytes(&bomb),
            Err(Error::DecompressedTooLarge { limit }) if limit == 10 * 1024 * 1024
        ));
        assert!(matches!(
            registry()
                .with_max_decompressed_len(1000)
                .decode_bytes(&bomb),
            Err(Error::DecompressedTooLarge { limit: 1000 })
        ));
    }
}

#[test]
fn nested_content_shares_one_decompression_budget() {
    let part = proto::composite::Part {
        element: Some(proto::composite::part::Element::Part(zero_bomb(
            4 * 1024 * 1024,
            Compression::Gzip,
        ))),
    };
    let composite = |n: usize| {
        let body = proto::Composite {
            parts: vec![part.clone(); n],
        };
        EncodedContent::new(ContentTypeId::COMPOSITE, body.encode_to_vec()).to_bytes(None)
    };
    // Two parts of 4 MiB (NUL characters: valid text) fit in 10 MiB, three do not.
    let Content::Composite(ok) = registry().decode_bytes(&composite(2)).unwrap() else {
        panic!("not a composite")
    };
    assert_eq!(ok.parts.len(), 2);
    assert!(matches!(
        registry().decode_bytes(&composite(3)),
        Err(Error::DecompressedTooLarge { .. })
    ));
}

#[test]
fn unknown_compression_and_malformed_input_are_errors() {
    let mut p = proto_of(
        &registry()
            .encode(&"hello world".into())
            .unwrap()
            .to_bytes(None),
    );
    p.compression = Some(7);
    assert!(matches!(
        registry().decode_bytes(&p.encode_to_vec()),
        Err(Error::UnknownCompression(7))
    ));
    p.compression = Some(0);
    assert!(matches!(
        registry().decode_bytes(&p.encode_to_vec()),
        Err(Error::Decompress(_))
    ));
    p.r#type = None;
    p.compression = None;
    assert!(matches!(
        registry().decode_bytes(&p.encode_to_vec()),
        Err(Error::MissingContentType)
    ));
    assert!(matches!(
        registry().decode_bytes(&[0x0a, 0xff]),
        Err(Error::Proto(_))
    ));
}

// --- unknown types and custom codecs -------------------------------------------------------

#[test]
fn newer_major_version_surfaces_the_fallback() {
    let mut encoded = registry()
        .encode(&Content::Reaction(reaction(ReactionAction::Added, "👍")))
        .unwrap();
    encoded.type_id.version_major = 2;
    encoded.content = b"a format from the future".to_vec();
    let Content::Unknown(unknown) = registry().decode(encoded.clone()).unwrap() else {
        panic!("not unknown")
    };
    assert_eq!(
        unknown.reason,
        UnknownReason::UnsupportedMajorVersion { supported: 1 }
    );
    assert_eq!(
        unknown.fallback.as_deref(),
        Some("Reacted \u{201c}👍\u{201d} to an earlier message")
    );
    assert_eq!(unknown.raw, encoded);

    // A newer minor version is read by the 1.0 codec.
    encoded.type_id.version_major = 1;
    encoded.type_id.version_minor = 7;
    encoded.content = b"hi".to_vec();
    encoded.type_id = ContentTypeId::new("xmtp.org", "text", 1, 7);
    encoded.parameters = [("encoding".to_owned(), "UTF-8".to_owned())].into();
    assert_eq!(registry().decode(encoded).unwrap(), Content::from("hi"));
}

#[test]
fn unregistered_type_is_unknown_and_forwards_unchanged() {
    let raw = EncodedContent {
        type_id: ContentTypeId::new("example.org", "poll", 1, 0),
        parameters: [("q".to_owned(), "lunch?".to_owned())].into(),
        fallback: Some("A poll".to_owned()),
        content: vec![1, 2, 3],
    };
    let bytes = raw.to_bytes(None);
    let decoded = registry().decode_bytes(&bytes).unwrap();
    let Content::Unknown(unknown) = &decoded else {
        panic!("not unknown")
    };
    assert_eq!(unknown.reason, UnknownReason::NoCodec);
    assert_eq!(unknown.fallback.as_deref(), Some("A poll"));
    assert_eq!(
        registry().fallback(&decoded).unwrap().as_deref(),
        Some("A poll")
    );
    assert_eq!(registry().encode_to_bytes(&decoded, None).unwrap(), bytes);
    // An empty registry knows nothing, not even text.
    assert!(matches!(
        CodecRegistry::empty()
            .decode_bytes(&registry().encode_to_bytes(&"hi".into(), None).unwrap()),
        Ok(Content::Unknown(_))
    ));
    assert!(matches!(
        CodecRegistry::empty().encode(&"hi".into()),
        Err(Error::NoCodec { .. })
    ));
}

#[derive(Debug, PartialEq)]
struct Markdown(String);

const MARKDOWN: ContentTypeId = ContentTypeId::new_static("example.org", "markdown", 1, 0);

impl ContentValue for Markdown {
    fn into_content(self) -> Content {
        Content::Custom(CustomContent::new(MARKDOWN, self))
    }
    fn from_content(content: &Content) -> Option<&Self> {
        content.downcast_custom()
    }
}

struct MarkdownCodec;

impl ContentCodec for MarkdownCodec {
    type Value = Markdown;
    fn content_type(&self) -> ContentTypeId {
        MARKDOWN
    }
    fn encode(&self, value: &Markdown, _: &CodecRegistry) -> xmtp_client::Result<EncodedContent> {
        Ok(EncodedContent::new(MARKDOWN, value.0.as_bytes().to_vec()))
    }
    fn decode(
        &self,
        encoded: EncodedContent,
        _: &DecodeContext<'_>,
    ) -> xmtp_client::Result<Markdown> {
        String::from_utf8(encoded.content)
            .map(Markdown)
            .map_err(|e| Error::Codec {
                content_type: MARKDOWN.to_string(),
                source: Box::new(e),
            })
    }
    fn fallback(&self, value: &Markdown) -> Option<String> {
        Some(value.0.clone())
    }
    fn should_push(&self, _: &Markdown) -> bool {
        false
    }
}

#[test]
fn custom_codec_round_trips_and_nests_in_a_reply() {
    let mut registry = registry();
    registry.register(MarkdownCodec);
    let md = Markdown("**bold**".into()).into_content();
    let bytes = registry.encode_to_bytes(&md, None).unwrap();
    assert_eq!(proto_of(&bytes).fallback.as_deref(), Some("**bold**"));
    let back = registry.decode_bytes(&bytes).unwrap();
    assert_eq!(
        back.downcast_custom::<Markdown>(),
        Some(&Markdown("**bold**".into()))
    );
    assert!(!registry.should_push(&back).unwrap());

    let reply = Content::Reply(Reply {
        reference: "00".repeat(32),
        reference_inbox_id: None,
        content: Box::new(md),
    });
    let Content::Reply(back) = registry
        .decode_bytes(&registry.encode_to_bytes(&reply, None).unwrap())
        .unwrap()
    else {
        panic!("not a reply")
    };
    assert_eq!(
        back.content.downcast_custom::<Markdown>(),
        Some(&Markdown("**bold**".into()))
    );
    // Without the codec, the same reply carries unknown inner content.
    let Content::Reply(back) = CodecRegistry::default()
        .decode_bytes(&registry.encode_to_bytes(&reply, None).unwrap())
        .unwrap()
    else {
        panic!("not a reply")
    };
    assert!(matches!(*back.content, Content::Unknown(_)));
}

#[test]
fn a_value_of_the_wrong_type_for_the_registered_codec_is_an_error() {
    struct Shout;
    impl ContentCodec for Shout {
        type Value = Markdown;
        fn content_type(&self) -> ContentTypeId {
            ContentTypeId::TEXT
        }
        fn encode(&self, v: &Markdown, _: &CodecRegistry) -> xmtp_client::Result<EncodedContent> {
            Ok(EncodedContent::new(
                ContentTypeId::TEXT,
                v.0.to_uppercase().into_bytes(),
            ))
        }
        fn decode(
            &self,
            e: EncodedContent,
            _: &DecodeContext<'_>,
        ) -> xmtp_client::Result<Markdown> {
            Ok(Markdown(String::from_utf8_lossy(&e.content).into_owned()))
        }
        fn fallback(&self, _: &Markdown) -> Option<String> {
            None
        }
        fn should_push(&self, _: &Markdown) -> bool {
            true
        }
    }
    let mut registry = registry();
    registry.register(Shout);
    assert!(matches!(
        registry.encode(&"hi".into()),
        Err(Error::ContentMismatch { .. })
    ));
}

// --- per-codec bytes, fallbacks and push -----------------------------------------------------

#[test]
fn reaction_json_has_js_key_order() {
    let r = reaction(ReactionAction::Added, "👍");
    let encoded = registry().encode(&r.clone().into()).unwrap();
    assert!(encoded.parameters.is_empty());
    let expected = format!(
        r#"{{"action":"added","reference":"{}","schema":"unicode","content":"👍"}}"#,
        r.reference
    );
    assert_eq!(String::from_utf8(encoded.content).unwrap(), expected);

    let with_inbox = Reaction {
        reference_inbox_id: Some("inbox".into()),
        action: ReactionAction::Removed,
        schema: ReactionSchema::Shortcode,
        content: ":+1:".into(),
        ..r.clone()
    };
    let encoded = registry().encode(&with_inbox.into()).unwrap();
    let expected = format!(
        r#"{{"action":"removed","reference":"{}","referenceInboxId":"inbox","schema":"shortcode","content":":+1:"}}"#,
        r.reference
    );
    assert_eq!(String::from_utf8(encoded.content).unwrap(), expected);
}

#[test]
fn legacy_reaction_parameters_decode() {
    let legacy = EncodedContent::new(ContentTypeId::REACTION, "😂".as_bytes().to_vec())
        .with_parameter("encoding", "UTF-8")
        .with_parameter("action", "removed")
        .with_parameter("reference", "abc123")
        .with_parameter("schema", "custom");
    assert_eq!(
        registry().decode(legacy.clone()).unwrap(),
        Content::Reaction(Reaction {
            reference: "abc123".into(),
            reference_inbox_id: None,
            action: ReactionAction::Removed,
            schema: ReactionSchema::Custom,
            content: "😂".into(),
        })
    );
    // Neither JSON nor complete legacy parameters.
    let mut broken = legacy;
    broken.parameters.remove("action");
    assert!(matches!(
        registry().decode(broken),
        Err(Error::InvalidJson { .. })
    ));
}

#[test]
fn reply_embeds_inner_encoded_content_and_reads_its_type_from_it() {
    let v = Vector::load("tv08a_v1_decrypt");
    let reply = Content::Reply(Reply {
        reference: "cd".repeat(32),
        reference_inbox_id: None,
        content: Box::new("hi".into()),
    });
    let mut encoded = registry().encode(&reply).unwrap();
    assert_eq!(encoded.content, v.bytes("expected_plaintext"));
    assert_eq!(encoded.parameter("contentType"), Some("xmtp.org/text:1.0"));
    assert_eq!(
        encoded.parameter("reference"),
        Some("cd".repeat(32).as_str())
    );
    assert_eq!(encoded.parameter("referenceInboxId"), None);

    encoded
        .parameters
        .insert("contentType".into(), "xmtp.org/attachment:1.0".into());
    assert_eq!(registry().decode(encoded.clone()).unwrap(), reply);
    encoded.parameters.remove("reference");
    assert!(matches!(
        registry().decode(encoded),
        Err(Error::InvalidContent { .. })
    ));
}

#[test]
fn read_receipt_is_empty_and_ignores_old_timestamp_parameter() {
    let bytes = registry()
        .encode_to_bytes(&ReadReceipt.into(), Some(Compression::Gzip))
        .unwrap();
    let p = proto_of(&bytes);
    assert!(p.parameters.is_empty() && p.content.is_empty() && p.fallback.is_none());
    // Only field 1 (the type) is on the wire.
    assert_eq!(bytes[0], 0x0a);
    assert_eq!(bytes.len(), 2 + bytes[1] as usize);
    let old = EncodedContent::new(ContentTypeId::READ_RECEIPT, Vec::new())
        .with_parameter("timestamp", "2023-07-01T00:00:00.000Z");
    assert_eq!(
        registry().decode(old).unwrap(),
        Content::ReadReceipt(ReadReceipt)
    );
}

#[test]
fn attachment_parameters_and_raw_bytes() {
    let a = Attachment {
        filename: "cat.png".into(),
        mime_type: "image/png".into(),
        data: vec![0x89, b'P', b'N', b'G'],
    };
    let encoded = registry().encode(&a.clone().into()).unwrap();
    assert_eq!(encoded.parameter("filename"), Some("cat.png"));
    assert_eq!(encoded.parameter("mimeType"), Some("image/png"));
    assert_eq!(encoded.content, a.data);
    assert_eq!(
        registry().decode(encoded.clone()).unwrap(),
        Content::Attachment(a)
    );
    let mut no_name = encoded;
    no_name.parameters.remove("filename");
    assert!(matches!(
        registry().decode(no_name),
        Err(Error::InvalidContent { .. })
    ));
}

fn transaction(reference: &str) -> TransactionReference {
    TransactionReference {
        namespace: Some("eip155".into()),
        network_id: NetworkId::Number(8453),
        reference: reference.into(),
        metadata: Some(TransactionMetadata {
            transaction_type: "transfer".into(),
            currency: "USDC".into(),
            amount: 100_000.into(),
            decimals: 6,
            from_address: "0xa".into(),
            to_address: "0xb".into(),
        }),
    }
}

#[test]
fn transaction_reference_json_matches_json_stringify() {
    let encoded = registry().encode(&transaction("0x123").into()).unwrap();
    assert_eq!(
        String::from_utf8(encoded.content).unwrap(),
        r#"{"namespace":"eip155","networkId":8453,"reference":"0x123","metadata":{"transactionType":"transfer","currency":"USDC","amount":100000,"decimals":6,"fromAddress":"0xa","toAddress":"0xb"}}"#
    );
    let minimal = br#"{"networkId":"0x2105","reference":"0xabc"}"#.to_vec();
    assert_eq!(
        registry()
            .decode(EncodedContent::new(
                ContentTypeId::TRANSACTION_REFERENCE,
                minimal
            ))
            .unwrap(),
        Content::TransactionReference(TransactionReference {
            namespace: None,
            network_id: NetworkId::Text("0x2105".into()),
            reference: "0xabc".into(),
            metadata: None,
        })
    );
    assert!(matches!(
        registry().decode(EncodedContent::new(
            ContentTypeId::TRANSACTION_REFERENCE,
            b"{\"reference\":1}".to_vec()
        )),
        Err(Error::InvalidJson { .. })
    ));
}

#[test]
fn typing_notification_reads_typer_or_sender_address() {
    let t = TypingNotification {
        timestamp: "2023-04-13T00:00:00.000Z".into(),
        typer_address: "0xA".into(),
        is_finished: true,
    };
    let encoded = registry().encode(&t.clone().into()).unwrap();
    assert_eq!(encoded.parameter("isFinished"), Some("true"));
    assert_eq!(encoded.type_id.authority_id, "xmtp.com");
    assert_eq!(
        registry().decode(encoded.clone()).unwrap(),
        Content::TypingNotification(t.clone())
    );
    let mut js_bug = encoded;
    let addr = js_bug.parameters.remove("typerAddress").unwrap();
    js_bug.parameters.insert("senderAddress".into(), addr);
    assert_eq!(
        registry().decode(js_bug).unwrap(),
        Content::TypingNotification(t)
    );
}

#[test]
fn fallback_strings_are_exact() {
    let r = registry();
    let fallback = |c: Content| r.encode(&c).unwrap().fallback;
    assert_eq!(fallback("hi".into()), None);
    assert_eq!(
        fallback(reaction(ReactionAction::Added, "❤️").into()).as_deref(),
        Some("Reacted \u{201c}❤️\u{201d} to an earlier message")
    );
    assert_eq!(
        fallback(reaction(ReactionAction::Removed, "❤️").into()).as_deref(),
        Some("Removed \u{201c}❤️\u{201d} from an earlier message")
    );
    let reply = |inner: Content| Reply {
        reference: "r".into(),
        reference_inbox_id: None,
        content: Box::new(inner),
    };
    assert_eq!(
        fallback(reply("yes".into()).into()).as_deref(),
        Some("Replied with \u{201c}yes\u{201d} to an earlier message")
    );
    assert_eq!(
        fallback(reply(ReadReceipt.into()).into()).as_deref(),
        Some("Replied to an earlier message")
    );
    assert_eq!(fallback(ReadReceipt.into()), None);
    let attachment_text =
        Some("Can\u{2019}t display \"a.pdf\". This app doesn\u{2019}t support attachments.");
    let a = Attachment {
        filename: "a.pdf".into(),
        mime_type: "application/pdf".into(),
        data: vec![1],
    };
    assert_eq!(fallback(a.into()).as_deref(), attachment_text);
    let mut r_a = remote("https://example.com/a");
    r_a.filename = "a.pdf".into();
    assert_eq!(fallback(r_a.into()).as_deref(), attachment_text);
    assert_eq!(
        fallback(transaction("0x123").into()).as_deref(),
        Some(
            "[Crypto transaction] Use a blockchain explorer to learn more using the transaction hash: 0x123"
        )
    );
    assert_eq!(
        fallback(transaction("").into()).as_deref(),
        Some("Crypto transaction")
    );
    assert_eq!(fallback(Composite::default().into()), None);
}

fn remote(url: &str) -> RemoteAttachment {
    let encrypted = EncryptedContent::encrypt(&registry().encode(&"hi".into()).unwrap());
    RemoteAttachment::new(&encrypted, url, "hi.txt")
}

#[test]
fn should_push_per_codec() {
    let r = registry();
    let push = |c: Content| r.should_push(&c).unwrap();
    assert!(push("hi".into()));
    assert!(push(reaction(ReactionAction::Added, "👍").into()));
    assert!(!push(reaction(ReactionAction::Removed, "👍").into()));
    assert!(push(
        Reply {
            reference: "r".into(),
            reference_inbox_id: None,
            content: Box::new("hi".into()),
        }
        .into()
    ));
    assert!(!push(ReadReceipt.into()));
    assert!(push(
        Attachment {
            filename: "f".into(),
            mime_type: "text/plain".into(),
            data: vec![],
        }
        .into()
    ));
    assert!(push(transaction("0x1").into()));
    assert!(push(remote("https://example.com/a").into()));
    assert!(push(Composite::default().into()));
    assert!(!push(
        TypingNotification {
            timestamp: String::new(),
            typer_address: String::new(),
            is_finished: false,
        }
        .into()
    ));
}

#[test]
fn composite_nests_and_rejects_empty_parts() {
    let c = Content::Composite(Composite {
        parts: vec![
            "one".into(),
            Content::Composite(Composite {
                parts: vec![
                    ReadReceipt.into(),
                    reaction(ReactionAction::Added, "x").into(),
                ],
            }),
        ],
    });
    let encoded = registry().encode(&c).unwrap();
    let body = proto::Composite::decode(encoded.content.as_slice()).unwrap();
    assert!(matches!(
        body.parts[1].element,
        Some(proto::composite::part::Element::Composite(_))
    ));
    assert_eq!(registry().decode(encoded).unwrap(), c);

    let empty_part = proto::Composite {
        parts: vec![proto::composite::Part { element: None }],
    };
    assert!(matches!(
        registry().decode(EncodedContent::new(
            ContentTypeId::COMPOSITE,
            empty_part.encode_to_vec()
        )),
        Err(Error::InvalidContent { .. })
    ));
}

#[test]
fn content_type_display_is_the_human_form() {
    assert_eq!(
        ContentTypeId::REMOTE_ATTACHMENT.to_string(),
        "xmtp.org/remoteStaticAttachment:1.0"
    );
    assert_eq!(
        ContentTypeId::TYPING_NOTIFICATION.to_string(),
        "xmtp.com/typingNotification:1.0"
    );
}
