//! The node's Waku light protocol services (issue 18): the first byte picks Store v3, LightPush
//! or Filter, the rest is the stream's bytes, read as the request frame (unsigned-varint length,
//! protobuf, the protocol's size limit) and handled as the service does
//! (`xmtp_node::fuzzing::light_request`: a Store query runs against a memory store of three
//! envelopes). Properties: a Store page answers 200 with at most the three envelopes, each under
//! its own Waku hash, messages present exactly when asked for; a pushed message is admitted only
//! within the relay's rules and becomes the envelope it carries; a Filter subscribe names 1 to
//! 100 content topics of 1 to 300 bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_node::fuzzing::{
    LIGHT_PUBSUB_TOPIC, LIGHT_STORE_TOPIC, LightOutcome, LightProtocol, light_request,
};

const PROTOCOLS: [LightProtocol; 3] = [
    LightProtocol::Store,
    LightProtocol::LightPush,
    LightProtocol::Filter,
];

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("waku_light"), |data: &[u8]| {
    let Some((&selector, frame)) = data.split_first() else {
        return;
    };
    let protocol = PROTOCOLS[usize::from(selector) % PROTOCOLS.len()];
    match light_request(protocol, frame) {
        LightOutcome::Dropped => {}
        LightOutcome::Refused(code) => {
            assert!([400, 403, 404, 413, 429, 500, 503].contains(&code), "status {code}");
        }
        LightOutcome::Page(page, include_data) => {
            assert_eq!(page.status_code, Some(200));
            assert!(page.messages.len() <= 3, "{} messages", page.messages.len());
            for kv in &page.messages {
                let hash = kv.message_hash.as_deref().expect("every message has its hash");
                match (&kv.message, include_data) {
                    (Some(message), true) => {
                        assert_eq!(message.content_topic, LIGHT_STORE_TOPIC);
                        assert_eq!(hash, message.hash(LIGHT_PUBSUB_TOPIC));
                        assert_eq!(kv.pubsub_topic.as_deref(), Some(LIGHT_PUBSUB_TOPIC));
                    }
                    (None, false) => assert!(kv.pubsub_topic.is_none()),
                    (message, _) => panic!("include_data {include_data}, message {message:?}"),
                }
            }
            if let Some(cursor) = &page.pagination_cursor {
                let last = page.messages.iter().map(|kv| kv.message_hash.as_ref());
                assert!(last.clone().any(|h| h == Some(cursor)), "the cursor is a page end");
            }
        }
        LightOutcome::Pushed(envelope, message) => {
            assert!(!message.payload.is_empty() && message.payload.len() <= 1024 * 1024);
            assert!((1..=300).contains(&message.content_topic.len()));
            assert_eq!(envelope.content_topic, message.content_topic);
            assert_eq!(envelope.message.as_ref(), message.payload.as_slice());
        }
        LightOutcome::Filter(kind, topics) => {
            // Subscribe (1) and unsubscribe (2) name their topics; ping and unsubscribe-all none.
            if kind == 1 || kind == 2 {
                assert!((1..=100).contains(&topics.len()), "{} topics", topics.len());
                assert!(topics.iter().all(|t| (1..=300).contains(&t.len())));
            } else {
                assert!(topics.is_empty());
            }
        }
    }
});
