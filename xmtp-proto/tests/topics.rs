//! Topic builders, the parser, the node's categories and JS `isValidTopic`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use xmtp_proto::topic::{self, Category, Topic};

const ALICE: &str = "0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690";
const BOB: &str = "0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34";
const DETERMINISTIC_ID: &str = "4b52be1e8567d72d0bc407debe2d3c7fca2ae93a47e58c3f9b5c5068aff80ec5";

fn vector_text(json: &str, field: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v[field].as_str().unwrap().to_owned()
}

fn round_trips(t: &str) -> Topic {
    let parsed = Topic::parse(t);
    assert_eq!(parsed.to_string(), t);
    assert_eq!(parsed.category(), topic::category(t), "{t}");
    parsed
}

#[test]
fn builders_and_parser_for_every_category() {
    let cases: Vec<(String, Topic, Category)> = vec![
        (
            topic::contact(ALICE),
            Topic::Contact {
                address: ALICE.into(),
            },
            Category::Contact,
        ),
        (
            topic::intro(ALICE),
            Topic::Intro {
                address: ALICE.into(),
            },
            Category::V1Intro,
        ),
        (
            topic::direct_message_v1(ALICE, BOB),
            Topic::DirectMessageV1 {
                a: BOB.into(),
                b: ALICE.into(),
            },
            Category::V1Conversation,
        ),
        (
            topic::ephemeral_direct_message_v1(ALICE, BOB),
            Topic::EphemeralDirectMessageV1 {
                a: BOB.into(),
                b: ALICE.into(),
            },
            Category::V1ConversationEphemeral,
        ),
        (
            topic::invite(ALICE),
            Topic::Invite {
                address: ALICE.into(),
            },
            Category::V2Invite,
        ),
        (
            topic::conversation_v2(DETERMINISTIC_ID),
            Topic::ConversationV2 {
                id: DETERMINISTIC_ID.into(),
            },
            Category::V2Conversation,
        ),
        (
            topic::ephemeral_conversation_v2(DETERMINISTIC_ID),
            Topic::EphemeralConversationV2 {
                id: DETERMINISTIC_ID.into(),
            },
            Category::V2ConversationEphemeral,
        ),
        (
            topic::private_store(ALICE),
            Topic::PrivateStore {
                address: ALICE.into(),
                key: "key_bundle".into(),
            },
            Category::Private,
        ),
        (
            topic::user_preferences("EBsHSM9lLmELuUVCMJ-tPE0kDcok1io9IwUO6WPC-cM"),
            Topic::UserPreferences {
                identifier: "EBsHSM9lLmELuUVCMJ-tPE0kDcok1io9IwUO6WPC-cM".into(),
            },
            Category::UserPreferences,
        ),
        (
            format!("/xmtp/0/groupInvite-{ALICE}/proto"),
            Topic::GroupInvite {
                address: ALICE.into(),
            },
            Category::V2GroupInvite,
        ),
        (
            "/xmtp/mls/1/g-dab181fefd94578cc791bcc42d3b207c/proto".into(),
            Topic::GroupMessage {
                group_id: "dab181fefd94578cc791bcc42d3b207c".into(),
            },
            Category::Invalid,
        ),
        (
            "/xmtp/mls/1/w-0123abcd/proto".into(),
            Topic::Welcome {
                installation_id: "0123abcd".into(),
            },
            Category::Invalid,
        ),
        (
            "test-1234".into(),
            Topic::Test("test-1234".into()),
            Category::Test,
        ),
        (
            "/xmtp/0/test-1234/proto".into(),
            Topic::Test("/xmtp/0/test-1234/proto".into()),
            Category::Test,
        ),
    ];
    for (built, expected, category) in cases {
        assert_eq!(round_trips(&built), expected, "{built}");
        assert_eq!(expected.category(), category, "{built}");
        assert_eq!(expected.to_string(), built);
    }
}

#[test]
fn exact_strings() {
    assert_eq!(
        topic::contact(ALICE),
        format!("/xmtp/0/contact-{ALICE}/proto")
    );
    assert_eq!(topic::intro(BOB), format!("/xmtp/0/intro-{BOB}/proto"));
    assert_eq!(topic::invite(BOB), format!("/xmtp/0/invite-{BOB}/proto"));
    assert_eq!(
        topic::private_store(ALICE),
        format!("/xmtp/0/privatestore-{ALICE}/key_bundle/proto")
    );
    assert_eq!(
        topic::direct_message_v1(ALICE, BOB),
        format!("/xmtp/0/dm-{BOB}-{ALICE}/proto")
    );
    assert_eq!(
        topic::ephemeral_direct_message_v1(BOB, ALICE),
        format!("/xmtp/0/dmE-{BOB}-{ALICE}/proto")
    );
    assert_eq!(
        topic::ephemeral_conversation_v2("x"),
        "/xmtp/0/mE-x/proto".to_string()
    );
}

#[test]
fn spec_vector_topics() {
    let tv1 = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/tv01_deterministic_topic.json"
    ));
    let expected = vector_text(tv1, "expected_topic");
    assert_eq!(topic::conversation_v2(DETERMINISTIC_ID), expected);
    assert_eq!(
        vector_text(tv1, "alice_address"),
        ALICE,
        "constants match TV-1"
    );
    assert_eq!(vector_text(tv1, "bob_address"), BOB);

    let tv7 = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/tv07_preferences_topic.json"
    ));
    assert_eq!(
        topic::user_preferences(&vector_text(tv7, "expected_identifier")),
        vector_text(tv7, "expected_topic")
    );

    let tv8c = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/tv08c_v2_message_id.json"
    ));
    let random_style = vector_text(tv8c, "topic");
    assert_eq!(
        round_trips(&random_style),
        Topic::ConversationV2 {
            id: "2SkdN5Qa0ZmiFI5t3RFbfwIS-OLv5jusqndeenTLvNg".into()
        }
    );
    for t in [expected, random_style] {
        assert!(topic::is_valid_topic(&t), "{t}");
    }
}

#[test]
fn direct_message_order_is_case_sensitive_byte_order() {
    // Digits < upper case < lower case: lower-casing first would flip the order.
    let upper = "0xAAAA000000000000000000000000000000000000";
    let lower = "0xaaaa000000000000000000000000000000000000";
    let digit = "0x1aaa000000000000000000000000000000000000";
    assert_eq!(
        topic::direct_message_v1(lower, upper),
        format!("/xmtp/0/dm-{upper}-{lower}/proto")
    );
    assert_eq!(
        topic::direct_message_v1(upper, digit),
        format!("/xmtp/0/dm-{digit}-{upper}/proto")
    );
    assert_eq!(
        topic::direct_message_v1(ALICE, BOB),
        topic::direct_message_v1(BOB, ALICE)
    );
    // Same address twice is allowed (talking to oneself).
    assert_eq!(
        topic::direct_message_v1(ALICE, ALICE),
        format!("/xmtp/0/dm-{ALICE}-{ALICE}/proto")
    );
}

#[test]
fn ephemeral_conversion() {
    let dm = topic::direct_message_v1(ALICE, BOB);
    let dme = topic::ephemeral_direct_message_v1(ALICE, BOB);
    assert_eq!(topic::to_ephemeral(&dm), Some(dme.clone()));
    assert_eq!(topic::from_ephemeral(&dme), Some(dm.clone()));
    let m = topic::conversation_v2("abc");
    let me = topic::ephemeral_conversation_v2("abc");
    assert_eq!(topic::to_ephemeral(&m), Some(me.clone()));
    assert_eq!(topic::from_ephemeral(&me), Some(m.clone()));
    assert!(Topic::parse(&me).category().is_ephemeral());
    assert!(!Topic::parse(&m).category().is_ephemeral());

    for not_applicable in [
        dme.as_str(),
        me.as_str(),
        &topic::contact(ALICE),
        &topic::invite(ALICE),
        "/xmtp/0/mine-x/proto",
        "m-abc",
        "",
    ] {
        assert_eq!(
            topic::to_ephemeral(not_applicable),
            None,
            "{not_applicable}"
        );
    }
    for not_applicable in [dm.as_str(), m.as_str(), &topic::intro(ALICE), ""] {
        assert_eq!(topic::from_ephemeral(not_applicable), None);
    }
}

#[test]
fn odd_inputs_are_other() {
    for odd in [
        "",
        "/",
        "/xmtp/0/",
        "/xmtp/0/proto",
        "/xmtp/0//proto",
        "/xmtp/0/-/proto",
        "/xmtp/0/contact-/proto",
        "/xmtp/0/contact/proto",
        "/xmtp/0/contact-0xA",
        "/xmtp/0/contact-0xA/proto/",
        "/xmtp/0/contact-0xA/key_bundle/proto",
        "/xmtp/0/dm-0xA/proto",
        "/xmtp/0/dm-0xA-/proto",
        "/xmtp/0/dm--0xB/proto",
        "/xmtp/0/m-/proto",
        "/xmtp/0/privatestore-0xA/proto",
        "/xmtp/0/privatestore-/key_bundle/proto",
        "/xmtp/0/privatestore-0xA//proto",
        "/xmtp/0/userpreferences-/proto",
        "/xmtp/0/unknown-x/proto",
        "/xmtp/1/contact-0xA/proto",
        "xmtp/0/contact-0xA/proto",
        "/xmtp/mls/1/g-/proto",
        "/xmtp/mls/1/x-1/proto",
        "/xmtp/mls/1/g-1",
        "/XMTP/0/contact-0xA/proto",
        "/xmtp/0/Contact-0xA/proto",
    ] {
        assert_eq!(round_trips(odd), Topic::Other(odd.to_owned()), "{odd:?}");
    }
}

#[test]
fn structural_only_parsing_keeps_what_it_finds() {
    // Non-ASCII is not rejected by the parser (is_valid_topic does that).
    let t = "/xmtp/0/contact-0xé漢🙂/proto";
    assert_eq!(
        round_trips(t),
        Topic::Contact {
            address: "0xé漢🙂".into()
        }
    );
    assert!(!topic::is_valid_topic(t));
    // Old JS random topics may contain '/' and '+'.
    assert_eq!(
        round_trips("/xmtp/0/m-ab/cd+ef/proto"),
        Topic::ConversationV2 {
            id: "ab/cd+ef".into()
        }
    );
    // Any private-store key, not only key_bundle.
    assert_eq!(
        round_trips("/xmtp/0/privatestore-0xA/other/key/proto"),
        Topic::PrivateStore {
            address: "0xA".into(),
            key: "other/key".into()
        }
    );
    // Only the first '-' after "dm" separates the addresses.
    assert_eq!(
        round_trips("/xmtp/0/dm-0xA-0xB-0xC/proto"),
        Topic::DirectMessageV1 {
            a: "0xA".into(),
            b: "0xB-0xC".into()
        }
    );
}

#[test]
fn node_categories() {
    let cases = [
        ("test-x", Category::Test, "test"),
        ("/xmtp/0/test-x/proto", Category::Test, "test"),
        ("/xmtp/0/contact-0xA", Category::Contact, "contact"),
        ("/xmtp/0/contact-/proto", Category::Contact, "contact"),
        ("/xmtp/0/intro-0xA/proto", Category::V1Intro, "v1-intro"),
        (
            "/xmtp/0/dm-a-b/proto",
            Category::V1Conversation,
            "v1-conversation",
        ),
        (
            "/xmtp/0/dmE-a-b/proto",
            Category::V1ConversationEphemeral,
            "v1-conversation-ephemeral",
        ),
        ("/xmtp/0/invite-0xA/proto", Category::V2Invite, "v2-invite"),
        (
            "/xmtp/0/groupInvite-0xA/proto",
            Category::V2GroupInvite,
            "v2-group-invite",
        ),
        (
            "/xmtp/0/m-x/proto",
            Category::V2Conversation,
            "v2-conversation",
        ),
        (
            "/xmtp/0/mE-x",
            Category::V2ConversationEphemeral,
            "v2-conversation-ephemeral",
        ),
        (
            "/xmtp/0/privatestore-0xA/key_bundle/proto",
            Category::Private,
            "private",
        ),
        (
            "/xmtp/0/userpreferences-x/proto",
            Category::UserPreferences,
            "userpreferences",
        ),
        ("/xmtp/0/contact/proto", Category::Invalid, "invalid"),
        ("/xmtp/mls/1/g-x/proto", Category::Invalid, "invalid"),
        ("contact-0xA", Category::Invalid, "invalid"),
        ("", Category::Invalid, "invalid"),
    ];
    for (t, category, label) in cases {
        assert_eq!(topic::category(t), category, "{t}");
        assert_eq!(category.as_str(), label);
        assert_eq!(category.to_string(), label);
    }
}

#[test]
fn js_is_valid_topic() {
    for valid in [
        "/xmtp/0/m-abc/proto",
        "/xmtp/0/dm-0xA-0xB/proto",
        "/xmtp/0/a\u{7f}b/proto",
        // JS substring quirk: without "/proto" the prefix itself is checked.
        "/xmtp/0/no suffix here",
        "0/x",
        "0/",
        // Only the first "0/" and the last "/proto" count.
        "/xmtp/0/m-0/x/proto/proto",
    ] {
        assert!(topic::is_valid_topic(valid), "{valid:?}");
    }
    for invalid in [
        "",
        "/xmtp/1/m-abc/proto",
        "/xmtp/0//proto",
        "/xmtp/0/m abc/proto",
        "/xmtp/0/m-\tabc/proto",
        "/xmtp/0/m-ü/proto",
        "/xmtp/0/m-\u{0}/proto",
        " 0/ no suffix",
        // Swapped bounds include the text before "0/".
        "a b/xmtp/0/c",
    ] {
        assert!(!topic::is_valid_topic(invalid), "{invalid:?}");
    }
}

proptest! {
    #[test]
    fn parse_never_panics_and_round_trips(s in ".*") {
        let parsed = Topic::parse(&s);
        prop_assert_eq!(parsed.to_string(), s.clone());
        prop_assert_eq!(parsed.category(), topic::category(&s));
        let _ = topic::is_valid_topic(&s);
        let _ = topic::to_ephemeral(&s);
        let _ = topic::from_ephemeral(&s);
    }

    #[test]
    fn topic_shaped_strings_round_trip(
        root in prop::sample::select(vec!["/xmtp/0/", "/xmtp/mls/1/", "", "test-"]),
        kind in prop::sample::select(vec![
            "contact-", "intro-", "dm-", "dmE-", "invite-", "groupInvite-", "m-", "mE-",
            "privatestore-", "userpreferences-", "g-", "w-", "test-", "x-", "",
        ]),
        body in "[-/a-zA-Z0-9é]{0,12}",
        suffix in prop::sample::select(vec!["/proto", "", "/key_bundle/proto", "/"]),
    ) {
        let s = format!("{root}{kind}{body}{suffix}");
        let parsed = Topic::parse(&s);
        prop_assert_eq!(parsed.to_string(), s.clone());
        prop_assert_eq!(parsed.category(), topic::category(&s));
        let _ = topic::is_valid_topic(&s);
    }

    #[test]
    fn builders_parse_back(addr in "0x[0-9a-fA-F]{40}", other in "0x[0-9a-fA-F]{40}", id in "[A-Za-z0-9+_-]{1,64}") {
        let (lo, hi) = if addr.as_bytes() <= other.as_bytes() { (&addr, &other) } else { (&other, &addr) };
        prop_assert_eq!(Topic::parse(&topic::direct_message_v1(&addr, &other)), Topic::DirectMessageV1 { a: lo.clone(), b: hi.clone() });
        prop_assert_eq!(Topic::parse(&topic::contact(&addr)), Topic::Contact { address: addr.clone() });
        prop_assert_eq!(Topic::parse(&topic::private_store(&addr)), Topic::PrivateStore { address: addr.clone(), key: "key_bundle".into() });
        prop_assert_eq!(Topic::parse(&topic::conversation_v2(&id)), Topic::ConversationV2 { id: id.clone() });
        prop_assert_eq!(Topic::parse(&topic::user_preferences(&id)), Topic::UserPreferences { identifier: id.clone() });
        prop_assert!(topic::is_valid_topic(&topic::conversation_v2(&id)));
        let eph = topic::to_ephemeral(&topic::conversation_v2(&id)).unwrap();
        prop_assert_eq!(topic::from_ephemeral(&eph), Some(topic::conversation_v2(&id)));
    }
}
