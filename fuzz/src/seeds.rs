//! Seed inputs made with the real encoders: every target gets valid, sealed, signed inputs to
//! mutate from. A target writes its seeds when started with `XMTP_FUZZ_WRITE_SEEDS=<dir>` (see
//! `fuzz/RESULTS.md`); the committed corpus under `fuzz/corpus/` grew from these.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use xmtp_client::content::{CodecRegistry, Compression, Content};
use xmtp_crypto::LocalWallet;
use xmtp_keystore::{
    AuthToken, CONSENT_PROOF_MAX_AGE_MS, ConsentAction, ContactBundle, ConversationStore,
    IdentityCreation, Installation, Invitation, KeyStorageRequest, PrivateKeyBundle, SealOptions,
    consent_proof_payload, consent_proof_text, export_bundle, export_conversations,
    revocation_record, seal_action, seal_invitation, seal_v1_message, seal_v2_message,
};
use xmtp_proto::Message as _;
use xmtp_proto::message_api::v1 as api;
use xmtp_proto::message_contents as pb;

use crate::{
    BLOB_SECRET, NOW_MS, NOW_NS, fixtures, installation_keys, me, own_wallet, own_wallet_address,
    parse, saved_store, store_key,
};

const TV04: &str = include_str!("../../tests/vectors/tv04_compression.json");
const TV05E: &str = include_str!("../../tests/vectors/tv05e_sealed_invitation.json");
const TV08C: &str = include_str!("../../tests/vectors/tv08c_v2_message_id.json");
const TV08E: &str = include_str!("../../tests/vectors/tv08e_contact_bundles.json");
const TV09: &str = include_str!("../../tests/vectors/tv09_consent_proof.json");
const TV10A: &str = include_str!("../../tests/vectors/tv10a_v2_message.json");

fn hex_field(json: &str, name: &str) -> Vec<u8> {
    let value = parse(json);
    hex::decode(value[name].as_str().expect("vector field is a string")).expect("hex field")
}

fn with_selector(selector: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![selector];
    out.extend_from_slice(bytes);
    out
}

/// A wallet we hold the key of, with a fresh identity (for signed storage and tokens).
fn wallet_identity() -> (LocalWallet, PrivateKeyBundle) {
    let wallet = own_wallet();
    let creation = IdentityCreation::new(wallet.address(), 1_700_000_000_000);
    let signature = wallet.personal_sign(creation.request().text.as_bytes());
    let bundle = creation
        .finish(signature.to_bytes_v27().expose(), 1_700_000_000_000)
        .expect("own signature finishes the identity");
    (wallet, bundle)
}

/// One sample of every built-in content type, encoded by the registry (plain and compressed).
fn encoded_contents() -> Vec<Vec<u8>> {
    let registry = CodecRegistry::new();
    let text = |s: &str| Content::Text(s.to_owned());
    let text_bytes = |s: &str| {
        registry
            .encode_to_bytes(&text(s), None)
            .expect("text encodes")
    };
    let mut out = vec![
        text_bytes("hello"),
        registry
            .encode_to_bytes(
                &text(&"compress me ".repeat(20)),
                Some(Compression::Deflate),
            )
            .expect("text encodes"),
        registry
            .encode_to_bytes(&text(&"compress me ".repeat(20)), Some(Compression::Gzip))
            .expect("text encodes"),
        hex_field(TV04, "encoded_content_with_deflate"),
    ];
    // The other codecs, written the way xmtp-js writes them (reaction, transaction reference and
    // typing notification as JSON, the rest as protobuf or raw bytes with parameters).
    let id = "0123456789abcdef";
    let none: &[(&str, String)] = &[];
    out.push(raw(
        "reaction",
        none,
        format!(r#"{{"reference":"{id}","action":"added","content":"👍","schema":"unicode"}}"#),
    ));
    out.push(raw(
        "transactionReference",
        none,
        r#"{"namespace":"eip155","networkId":"0x1","reference":"0xabc","metadata":{"transactionType":"transfer","currency":"USDC","amount":1.5,"decimals":6,"fromAddress":"0x1","toAddress":"0x2"}}"#,
    ));
    out.push(raw("readReceipt", none, ""));
    out.push(raw(
        "reply",
        &[
            ("reference", id.to_owned()),
            ("contentType", "xmtp.org/text:1.0".to_owned()),
        ],
        text_bytes("a reply"),
    ));
    out.push(raw(
        "attachment",
        &[
            ("filename", "a.txt".to_owned()),
            ("mimeType", "text/plain".to_owned()),
        ],
        "attached",
    ));
    out.push(raw(
        "remoteStaticAttachment",
        &[
            ("contentDigest", "ab".repeat(32)),
            ("salt", "cd".repeat(32)),
            ("nonce", "ef".repeat(12)),
            ("secret", "01".repeat(32)),
            ("scheme", "https://".to_owned()),
            ("contentLength", "8".to_owned()),
            ("filename", "a.txt".to_owned()),
        ],
        "https://example.com/a",
    ));
    let composite = pb::Composite {
        parts: vec![pb::composite::Part {
            element: Some(pb::composite::part::Element::Part(
                xmtp_proto::decode(&text_bytes("part")).expect("text is EncodedContent"),
            )),
        }],
    };
    out.push(raw("composite", none, composite.encode_to_vec()));
    out.push(raw("typingNotification", none, r#"{"typing":true}"#));
    // Everything that decodes re-encodes: add those bytes too (exact registry output).
    let again: Vec<Vec<u8>> = out
        .iter()
        .filter_map(|b| registry.decode_bytes(b).ok())
        .filter_map(|c| registry.encode_to_bytes(&c, None).ok())
        .collect();
    out.extend(again);
    out
}

/// An `EncodedContent` of `type_id` (authority `xmtp.org`, or `xmtp.com` for typing
/// notifications, as JS registers them), version 1.0.
fn raw(type_id: &str, parameters: &[(&str, String)], content: impl Into<Vec<u8>>) -> Vec<u8> {
    let authority = if type_id == "typingNotification" {
        "xmtp.com"
    } else {
        "xmtp.org"
    };
    pb::EncodedContent {
        r#type: Some(pb::ContentTypeId {
            authority_id: authority.into(),
            type_id: type_id.into(),
            version_major: 1,
            version_minor: 0,
        }),
        parameters: parameters
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        fallback: None,
        compression: None,
        content: content.into(),
    }
    .encode_to_vec()
}

fn envelope(topic: &str, timestamp_ns: u64, message: Vec<u8>) -> Vec<u8> {
    api::Envelope {
        content_topic: topic.to_owned(),
        timestamp_ns,
        message,
    }
    .encode_to_vec()
}

fn sealed_v2(content: &[u8]) -> Vec<u8> {
    let f = fixtures();
    seal_v2_message(
        &f.alice,
        &f.conversation,
        content,
        NOW_NS,
        SealOptions {
            should_push: true,
            fixed_salt_and_nonce: Some(([3; 32], [4; 12])),
        },
    )
    .expect("fixture conversation seals")
    .payload
}

fn sealed_v1(content: &[u8]) -> (String, Vec<u8>) {
    let f = fixtures();
    let bob = f.bob.public_bundle().expect("legacy bundle");
    let sealed =
        seal_v1_message(&f.alice, &bob, content, NOW_NS / 1_000_000).expect("fixture v1 seals");
    (sealed.topic, sealed.payload)
}

fn sealed_invitation_to_invitee() -> Vec<u8> {
    let f = fixtures();
    seal_invitation(
        &f.alice,
        &f.invitee.signed_public_bundle(),
        &Invitation::random(None),
        NOW_NS,
    )
    .expect("fixture invitation seals")
    .payload
}

/// A `ConsentProofPayload` from [`own_wallet`] granting Bob consent at `timestamp_ms`.
fn consent_proof(timestamp_ms: u64) -> Vec<u8> {
    let peer = fixtures().bob.wallet_address().to_string();
    let signature = own_wallet().personal_sign(consent_proof_text(timestamp_ms, &peer).as_bytes());
    consent_proof_payload(&signature, timestamp_ms).encode_to_vec()
}

/// Every record kind: bundle, v2 and v1 conversations, consent actions, cursors.
fn full_store() -> Vec<u8> {
    let f = fixtures();
    let bob = f.bob.wallet_address().to_string();
    saved_store(|state| {
        state.bundle = Some(f.alice.clone());
        state.conversations.insert(f.conversation.clone());
        state.v1_conversations.push(pb::ConversationReference {
            topic: xmtp_proto::topic::direct_message_v1(&me().to_string(), &bob),
            peer_address: bob.clone(),
            created_ns: NOW_NS,
            context: None,
            consent_proof_payload: None,
        });
        state.consent_actions.actions.insert(
            NOW_NS.to_string(),
            ConsentAction::Allow(vec![bob.clone()]).to_proto(),
        );
        state.consent_actions.actions.insert(
            (NOW_NS + 1).to_string(),
            ConsentAction::Deny(vec![own_wallet_address().to_string()]).to_proto(),
        );
        state
            .cursors
            .insert(f.conversation.topic().to_owned(), NOW_NS);
        state.cursors.insert("/xmtp/0/intro-x/proto".into(), 42);
    })
}

/// The seeds of `target`, named by what they are.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let f = fixtures();
    let text = CodecRegistry::new()
        .encode_to_bytes(&Content::Text("hi".into()), None)
        .expect("text encodes");
    match target {
        "envelope" => {
            let (dm, v1) = sealed_v1(&text);
            vec![
                envelope(
                    f.conversation.topic(),
                    f.v2_created_ns,
                    hex_field(TV10A, "message"),
                ),
                envelope(f.conversation.topic(), NOW_NS, sealed_v2(&text)),
                envelope(&dm, NOW_NS / 1_000_000 * 1_000_000, v1),
                envelope(
                    &xmtp_proto::topic::invite(&f.invitee.wallet_address().to_string()),
                    NOW_NS,
                    sealed_invitation_to_invitee(),
                ),
            ]
        }
        "contact_bundle" => vec![
            hex_field(TV08E, "contact_bundle_v2"),
            hex_field(TV08E, "bare_legacy_public_key_bundle"),
            ContactBundle::v1_for(&f.alice)
                .expect("legacy bundle")
                .encode(),
            ContactBundle::v2_for(&f.bob).encode(),
            ContactBundle::v2_for(&f.invitee).encode(),
        ],
        "sealed_invitation" => {
            let invitation = Invitation::from_proto(
                f.topic_data
                    .invitation
                    .as_ref()
                    .expect("fixture has an invitation"),
            )
            .expect("fixture invitation");
            let mut with_context = invitation.to_proto();
            with_context.context = Some(pb::invitation_v1::Context {
                conversation_id: "example.com/1".into(),
                metadata: [("k".to_owned(), "v".to_owned())].into_iter().collect(),
            });
            vec![
                with_selector(0, &hex_field(TV05E, "sealed_invitation")),
                with_selector(0, &sealed_invitation_to_invitee()),
                with_selector(1, &invitation.to_proto().encode_to_vec()),
                with_selector(1, &with_context.encode_to_vec()),
            ]
        }
        "message_v1" => {
            let mut out = vec![with_selector(0, &sealed_v1(&text).1)];
            out.extend(encoded_contents().iter().map(|c| with_selector(1, c)));
            out
        }
        "message_v2" => {
            let signed = hex_field(TV10A, "signed_content");
            let mut out = vec![
                with_selector(0, &hex_field(TV10A, "message")),
                with_selector(0, &hex_field(TV08C, "message")),
                with_selector(1, &signed),
            ];
            out.extend(
                encoded_contents()
                    .iter()
                    .map(|c| with_selector(0, &sealed_v2(c))),
            );
            out
        }
        "private_key_bundle" => {
            let (wallet, own) = wallet_identity();
            let storage = KeyStorageRequest::with_wallet_pre_key(own.clone(), [5; 32]);
            let signature = wallet.personal_sign(storage.request().text.as_bytes());
            let encrypted = storage
                .finish(signature.to_bytes_v27().expose())
                .expect("own wallet signs its storage");
            let mut conversations = ConversationStore::new();
            conversations.insert(f.conversation.clone());
            vec![
                with_selector(0, f.alice.encode().expose()),
                with_selector(0, f.invitee.encode().expose()),
                with_selector(
                    0,
                    &f.alice
                        .to_proto_v1()
                        .expect("legacy bundle")
                        .encode_to_vec(),
                ),
                with_selector(1, &encrypted),
                with_selector(2, &export_bundle(&own, BLOB_SECRET)),
                with_selector(3, &export_conversations(&conversations, BLOB_SECRET)),
                with_selector(4, &conversations.to_topic_map().encode_to_vec()),
            ]
        }
        "encoded_content" => encoded_contents(),
        "gateway_json" => {
            let topic = f.conversation.topic();
            let message = STANDARD.encode(hex_field(TV10A, "message"));
            let json = [
                format!(
                    r#"{{"envelopes":[{{"contentTopic":"{topic}","timestampNs":"{NOW_NS}","message":"{message}"}}]}}"#
                ),
                format!(
                    r#"{{"contentTopics":["{topic}"],"startTimeNs":"1","endTimeNs":"{NOW_NS}","pagingInfo":{{"limit":10,"direction":"SORT_DIRECTION_ASCENDING","cursor":{{"index":{{"digest":"{}","senderTimeNs":"5"}}}}}}}}"#,
                    STANDARD.encode([7u8; 32])
                ),
                format!(
                    r#"{{"requests":[{{"contentTopics":["{topic}"]}},{{"contentTopics":["/xmtp/0/userpreferences-x/proto"],"pagingInfo":{{"limit":500}}}}]}}"#
                ),
                format!(r#"{{"contentTopics":["{topic}","/xmtp/0/contact-0x00/proto"]}}"#),
                "{}".to_owned(),
            ];
            let mut out: Vec<Vec<u8>> = json
                .iter()
                .enumerate()
                .map(|(route, body)| with_selector(route as u8, body.as_bytes()))
                .collect();
            let publish = api::PublishRequest {
                envelopes: vec![api::Envelope {
                    content_topic: topic.into(),
                    timestamp_ns: NOW_NS,
                    message: vec![1, 2, 3],
                }],
            };
            out.push(with_selector(0x80, &publish.encode_to_vec()));
            let query = api::QueryRequest {
                content_topics: vec![topic.into()],
                start_time_ns: 1,
                end_time_ns: 2,
                paging_info: Some(api::PagingInfo {
                    limit: 5,
                    cursor: None,
                    direction: 1,
                }),
            };
            out.push(with_selector(0x81, &query.encode_to_vec()));
            out
        }
        "waku_light" => {
            use xmtp_node::fuzzing::{LIGHT_PUBSUB_TOPIC, LIGHT_STORE_TOPIC};
            use xmtp_proto::waku::WakuMessage;
            use xmtp_proto::waku::filter::FilterSubscribeRequest;
            use xmtp_proto::waku::lightpush::{PushRequest, PushRpc};
            use xmtp_proto::waku::store::StoreQueryRequest;

            let query = StoreQueryRequest {
                request_id: "q".into(),
                include_data: true,
                pubsub_topic: Some(LIGHT_PUBSUB_TOPIC.into()),
                content_topics: vec![LIGHT_STORE_TOPIC.into()],
                pagination_forward: true,
                pagination_limit: Some(2),
                ..Default::default()
            };
            let first = WakuMessage::from_parts(LIGHT_STORE_TOPIC, 1, vec![1]);
            let by_hash = StoreQueryRequest {
                message_hashes: vec![first.hash(LIGHT_PUBSUB_TOPIC).to_vec()],
                include_data: false,
                ..query.clone()
            };
            let backward = StoreQueryRequest {
                pagination_forward: false,
                pagination_cursor: Some(first.hash(LIGHT_PUBSUB_TOPIC).to_vec()),
                time_start: Some(1),
                time_end: Some(3),
                ..query.clone()
            };
            let push = PushRpc {
                request_id: "p".into(),
                request: Some(PushRequest {
                    pubsub_topic: LIGHT_PUBSUB_TOPIC.into(),
                    message: Some(WakuMessage::from_parts(
                        "/xmtp/0/m-pushed/proto",
                        NOW_NS,
                        vec![1, 2, 3],
                    )),
                }),
                response: None,
            };
            let filter = |kind: i32, topics: &[&str]| FilterSubscribeRequest {
                request_id: "f".into(),
                filter_subscribe_type: kind,
                pubsub_topic: Some(LIGHT_PUBSUB_TOPIC.into()),
                content_topics: topics.iter().map(|t| (*t).to_owned()).collect(),
            };
            vec![
                with_selector(0, &query.encode_length_delimited_to_vec()),
                with_selector(0, &by_hash.encode_length_delimited_to_vec()),
                with_selector(0, &backward.encode_length_delimited_to_vec()),
                with_selector(1, &push.encode_length_delimited_to_vec()),
                with_selector(
                    2,
                    &filter(1, &[LIGHT_STORE_TOPIC, "/t"]).encode_length_delimited_to_vec(),
                ),
                with_selector(2, &filter(0, &[]).encode_length_delimited_to_vec()),
            ]
        }
        "auth_token" => {
            let (_, own) = wallet_identity();
            let token = AuthToken::create(&own, NOW_NS);
            let header = token.authorization_header();
            let bytes = STANDARD.decode(token.as_str()).expect("a token is base64");
            vec![
                with_selector(0, header.as_bytes()),
                with_selector(1, &bytes),
            ]
        }
        "preferences" => {
            let alice = &f.alice;
            let bob = f.bob.wallet_address().to_string();
            let own = own_wallet_address().to_string();
            let allow = ConsentAction::Allow(vec![bob.clone(), own]);
            let deny = ConsentAction::Deny(vec![bob]);
            let group = pb::PrivatePreferencesAction {
                message_type: Some(pb::private_preferences_action::MessageType::AllowGroup(
                    pb::private_preferences_action::AllowGroup {
                        group_ids: vec!["0123".into()],
                    },
                )),
            };
            vec![
                with_selector(0, &seal_action(alice, &allow)),
                with_selector(0, &seal_action(alice, &deny)),
                with_selector(1, &allow.to_proto().encode_to_vec()),
                with_selector(1, &deny.to_proto().encode_to_vec()),
                with_selector(1, &group.encode_to_vec()),
                with_selector(2, &consent_proof(NOW_MS - 60_000)),
                with_selector(2, &consent_proof(NOW_MS - CONSENT_PROOF_MAX_AGE_MS)),
                with_selector(2, &hex_field(TV09, "expected_payload_encoding")),
            ]
        }
        "local_store" => {
            let full = full_store();
            let plaintext = store_key()
                .open_state_file(&full)
                .expect("a saved store opens");
            vec![
                with_selector(0, &full),
                with_selector(0, &saved_store(|_| {})),
                with_selector(1, plaintext.expose()),
            ]
        }
        "forward_secret" => {
            let alice = &f.alice;
            let mut a = Installation::new(NOW_NS);
            let mut b = Installation::new(NOW_NS);
            let (a_keys, b_keys) = (installation_keys(&a), installation_keys(&b));
            // A pre-key message starts the session; B's reply on it is a normal message.
            let first = a.encrypt(&[b_keys], b"first").expect("sealing");
            b.decrypt(&first, |_| true)
                .expect("the first message opens");
            let reply = b.encrypt(&[a_keys], b"reply").expect("sealing");
            vec![
                with_selector(0, &a.keys_record(alice, NOW_NS)),
                with_selector(0, &revocation_record(alice, &a.id(), NOW_NS)),
                with_selector(1, &first),
                with_selector(1, &reply),
                with_selector(2, b"hello"),
                with_selector(2, &[0x5a; 300]),
            ]
        }
        other => panic!("no seeds for target {other}"),
    }
}

/// Writes the seeds of `target` to `$XMTP_FUZZ_WRITE_SEEDS/<target>/` when that variable is set.
pub fn write_if_asked(target: &str) {
    let Some(dir) = std::env::var_os("XMTP_FUZZ_WRITE_SEEDS") else {
        return;
    };
    let dir = std::path::Path::new(&dir).join(target);
    std::fs::create_dir_all(&dir).expect("seed directory");
    for (i, seed) in seeds(target).iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i:02}")), seed).expect("seed written");
    }
}
