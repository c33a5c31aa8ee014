//! The proto3 JSON mapping against what the HTTP gateway must produce and accept
//! (network.md §2.3). Tests named `gap_*` pin down where pbjson is stricter or different than
//! grpc-gateway's `JSONPb`, so that a pbjson upgrade that changes them is noticed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use xmtp_proto::message_api::v1::{
    BatchQueryRequest, BatchQueryResponse, Cursor, Envelope, IndexCursor, PagingInfo,
    PublishRequest, PublishResponse, QueryRequest, QueryResponse, SortDirection,
    SubscribeAllRequest, SubscribeRequest, cursor,
};
use xmtp_proto::message_contents::{EncodedContent, Signature, signature};

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn full_page() -> QueryResponse {
    QueryResponse {
        envelopes: vec![Envelope {
            content_topic: "/xmtp/0/invite-0xAbC/proto".into(),
            timestamp_ns: 1_700_000_000_000_000_000,
            message: vec![0x0a, 0x04, 0x08, 0xfb, 0xff],
        }],
        paging_info: Some(PagingInfo {
            limit: 100,
            cursor: Some(Cursor {
                cursor: Some(cursor::Cursor::Index(IndexCursor {
                    // 31 bytes of 0xff: '/' characters and one '=' of padding.
                    digest: vec![0xff; 31],
                    sender_time_ns: 1_690_000_099_000_000_000,
                })),
            }),
            direction: SortDirection::Descending as i32,
        }),
    }
}

#[test]
fn envelope_timestamp_is_a_decimal_string() {
    let envelope = Envelope {
        content_topic: "/xmtp/0/m-abc/proto".into(),
        timestamp_ns: 1_700_000_000_000_000_000,
        message: b"hi".to_vec(),
    };
    let text = serde_json::to_string(&envelope).unwrap();
    assert!(
        text.contains(r#""timestampNs":"1700000000000000000""#),
        "{text}"
    );
    assert_eq!(
        to_json(&envelope),
        json!({"contentTopic":"/xmtp/0/m-abc/proto","timestampNs":"1700000000000000000","message":"aGk="})
    );
}

#[test]
fn query_response_shape() {
    let digest = STANDARD.encode([0xff; 31]);
    assert!(digest.ends_with('=') && digest.contains('/'));
    assert_eq!(
        to_json(&full_page()),
        json!({
            "envelopes": [{
                "contentTopic": "/xmtp/0/invite-0xAbC/proto",
                "timestampNs": "1700000000000000000",
                "message": "CgQI+/8=",
            }],
            "pagingInfo": {
                "limit": 100,
                "cursor": {"index": {"digest": digest, "senderTimeNs": "1690000099000000000"}},
                "direction": "SORT_DIRECTION_DESCENDING",
            },
        })
    );
    let text = serde_json::to_string(&full_page()).unwrap();
    assert!(text.contains(r#""direction":"SORT_DIRECTION_DESCENDING""#));
}

#[test]
fn defaults_are_emitted_but_unset_messages_are_omitted() {
    assert_eq!(to_json(&QueryResponse::default()), json!({"envelopes": []}));
    assert_eq!(
        to_json(&Envelope::default()),
        json!({"contentTopic": "", "timestampNs": "0", "message": ""})
    );
    // grpc-gateway writes "cursor": null here; pbjson leaves the key out (see gap list).
    assert_eq!(
        to_json(&PagingInfo {
            limit: 0,
            cursor: None,
            direction: SortDirection::Ascending as i32,
        }),
        json!({"limit": 0, "direction": "SORT_DIRECTION_ASCENDING"})
    );
    assert_eq!(to_json(&Cursor::default()), json!({}));
    assert_eq!(to_json(&PublishResponse::default()), json!({}));
    assert_eq!(to_json(&SubscribeAllRequest::default()), json!({}));
    assert_eq!(
        to_json(&BatchQueryResponse::default()),
        json!({"responses": []})
    );
    assert_eq!(
        to_json(&QueryRequest::default()),
        json!({"contentTopics": [], "startTimeNs": "0", "endTimeNs": "0"})
    );
}

#[test]
fn oneof_members_use_their_json_names() {
    let sig = Signature {
        union: Some(signature::Union::WalletEcdsaCompact(
            signature::WalletEcdsaCompact {
                bytes: vec![1; 64],
                recovery: 1,
            },
        )),
    };
    let value = to_json(&sig);
    assert_eq!(value["walletEcdsaCompact"]["recovery"], json!(1));
    assert_eq!(
        value["walletEcdsaCompact"]["bytes"],
        json!(STANDARD.encode([1; 64]))
    );
    assert_eq!(serde_json::from_value::<Signature>(value).unwrap(), sig);
}

#[test]
fn network_md_request_body_parses() {
    // Byte for byte the illustrative request of network.md §2.3.
    let body = r#"{"contentTopics":["/xmtp/0/invite-0xAbC…/proto"],"startTimeNs":"1690000000000000000",
 "pagingInfo":{"limit":100,"direction":"SORT_DIRECTION_ASCENDING"}}"#;
    let req: QueryRequest = serde_json::from_str(body).unwrap();
    assert_eq!(
        req,
        QueryRequest {
            content_topics: vec!["/xmtp/0/invite-0xAbC…/proto".into()],
            start_time_ns: 1_690_000_000_000_000_000,
            end_time_ns: 0,
            paging_info: Some(PagingInfo {
                limit: 100,
                cursor: None,
                direction: SortDirection::Ascending as i32,
            }),
        }
    );
}

#[test]
fn gateway_style_response_parses_back() {
    // The shape of network.md §2.3's response, with real base64 in place of the "…".
    let body = r#"{"envelopes":[{"contentTopic":"/xmtp/0/invite-0xAbC/proto","timestampNs":"1690000001000000000","message":"CgQI"}],
 "pagingInfo":{"limit":0,"cursor":null,"direction":"SORT_DIRECTION_ASCENDING"}}"#;
    let resp: QueryResponse = serde_json::from_str(body).unwrap();
    assert_eq!(resp.envelopes[0].message, vec![0x0a, 0x04, 0x08]);
    assert_eq!(resp.paging_info.unwrap().cursor, None);

    let back: QueryResponse = serde_json::from_value(to_json(&full_page())).unwrap();
    assert_eq!(back, full_page());
}

#[test]
fn batch_and_publish_bodies_as_the_sdk_sends_them() {
    let body = r#"{"requests":[{"contentTopics":["/xmtp/0/m-a/proto"],"pagingInfo":{"limit":10,"direction":"SORT_DIRECTION_ASCENDING"}},
        {"contentTopics":["/xmtp/0/m-b/proto"],"endTimeNs":"5","pagingInfo":{"limit":10,"direction":"SORT_DIRECTION_ASCENDING"}}]}"#;
    let batch: BatchQueryRequest = serde_json::from_str(body).unwrap();
    assert_eq!(batch.requests.len(), 2);
    assert_eq!(batch.requests[1].end_time_ns, 5);

    let body = r#"{"envelopes":[{"contentTopic":"/xmtp/0/m-a/proto","timestampNs":"1700000000000000000","message":"AQID"}]}"#;
    let publish: PublishRequest = serde_json::from_str(body).unwrap();
    assert_eq!(publish.envelopes[0].message, vec![1, 2, 3]);

    let sub: SubscribeRequest = serde_json::from_str(r#"{"contentTopics":["a","b"]}"#).unwrap();
    assert_eq!(sub.content_topics, ["a", "b"]);
}

#[test]
fn input_accepts_snake_case_numbers_and_enum_integers() {
    let body = r#"{"content_topics":["t"],"start_time_ns":1690000000000000000,"end_time_ns":"7",
        "paging_info":{"limit":"5","direction":2,"cursor":{"index":{"digest":"AQ","sender_time_ns":9}}}}"#;
    let req: QueryRequest = serde_json::from_str(body).unwrap();
    assert_eq!(req.start_time_ns, 1_690_000_000_000_000_000);
    assert_eq!(req.end_time_ns, 7);
    let paging = req.paging_info.unwrap();
    assert_eq!(paging.limit, 5);
    assert_eq!(paging.direction, SortDirection::Descending as i32);
    assert_eq!(
        paging.cursor.unwrap().cursor,
        Some(cursor::Cursor::Index(IndexCursor {
            digest: vec![1],
            sender_time_ns: 9
        }))
    );
    // u64::MAX survives as a string and as a number.
    for ts in [r#""18446744073709551615""#, "18446744073709551615"] {
        let e: Envelope = serde_json::from_str(&format!(r#"{{"timestampNs":{ts}}}"#)).unwrap();
        assert_eq!(e.timestamp_ns, u64::MAX);
    }
}

#[test]
fn input_accepts_every_base64_flavour() {
    // 0xfb 0xff encodes with both alphabet-specific characters and needs padding.
    let raw = [0xfb_u8, 0xff, 0xfe, 0x10];
    let flavours = [
        STANDARD.encode(raw),
        STANDARD_NO_PAD.encode(raw),
        URL_SAFE.encode(raw),
        URL_SAFE_NO_PAD.encode(raw),
    ];
    assert_eq!(flavours[0], "+//+EA==");
    assert_eq!(flavours[3], "-__-EA");
    for text in flavours {
        let e: Envelope = serde_json::from_value(json!({ "message": text })).unwrap();
        assert_eq!(e.message, raw, "{text}");
    }
    // Output is always standard with padding.
    let e = Envelope {
        message: raw.to_vec(),
        ..Envelope::default()
    };
    assert_eq!(to_json(&e)["message"], json!("+//+EA=="));
}

#[test]
fn input_ignores_unknown_fields_and_accepts_empty_objects() {
    let body = r#"{"unknown":{"deep":[1,{"x":null}]},"envelopes":[{"message":"AQ==","extra":true}],"pagingInfo":null}"#;
    let resp: QueryResponse = serde_json::from_str(body).unwrap();
    assert_eq!(resp.envelopes[0].message, vec![1]);
    assert_eq!(resp.paging_info, None);
    assert_eq!(
        serde_json::from_str::<QueryRequest>("{}").unwrap(),
        QueryRequest::default()
    );
    assert_eq!(
        serde_json::from_str::<SubscribeAllRequest>(r#"{"x":1}"#).unwrap(),
        SubscribeAllRequest::default()
    );
}

#[test]
fn duplicate_fields_are_rejected_as_protojson_does() {
    assert!(serde_json::from_str::<Envelope>(r#"{"timestampNs":"1","timestamp_ns":"2"}"#).is_err());
}

#[test]
fn gap_null_is_only_accepted_for_message_fields() {
    // protojson treats null as "unset" for every field; pbjson only for message/oneof fields.
    assert!(serde_json::from_str::<QueryResponse>(r#"{"pagingInfo":null}"#).is_ok());
    assert!(serde_json::from_str::<Cursor>(r#"{"index":null}"#).is_ok());
    let content: EncodedContent =
        serde_json::from_str(r#"{"fallback":null,"compression":null}"#).unwrap();
    assert_eq!((content.fallback, content.compression), (None, None));
    for body in [
        r#"{"contentTopic":null}"#,
        r#"{"timestampNs":null}"#,
        r#"{"message":null}"#,
    ] {
        assert!(serde_json::from_str::<Envelope>(body).is_err(), "{body}");
    }
    assert!(serde_json::from_str::<QueryResponse>(r#"{"envelopes":null}"#).is_err());
    assert!(serde_json::from_str::<PagingInfo>(r#"{"direction":null}"#).is_err());
}

#[test]
fn gap_unknown_enum_numbers_are_rejected_both_ways() {
    assert!(serde_json::from_str::<PagingInfo>(r#"{"direction":7}"#).is_err());
    assert!(
        serde_json::from_str::<PagingInfo>(r#"{"direction":"SORT_DIRECTION_SIDEWAYS"}"#).is_err()
    );
    // A value that arrived over protobuf with an undeclared number cannot be written as JSON.
    let odd = PagingInfo {
        direction: 7,
        ..PagingInfo::default()
    };
    assert!(serde_json::to_value(&odd).is_err());
}

#[test]
fn gap_empty_body_is_not_an_empty_message() {
    assert!(serde_json::from_str::<QueryRequest>("").is_err());
    assert!(serde_json::from_str::<QueryRequest>("   ").is_err());
}

#[test]
fn gap_base64_strictness() {
    // "AB==" has non-zero trailing bits (Go decodes it as [0x00]); line breaks are skipped by Go.
    for text in ["AB==", "AQID\nBA==", "AQID\r\nBA=="] {
        assert!(
            serde_json::from_value::<Envelope>(json!({ "message": text })).is_err(),
            "{text:?}"
        );
    }
    // Mixing the two alphabets fails in Go too.
    assert!(serde_json::from_value::<Envelope>(json!({"message": "+_8="})).is_err());
    // Under-padding is accepted (more lenient than Go).
    let e: Envelope = serde_json::from_value(json!({"message": "AQI="})).unwrap();
    assert_eq!(e.message, vec![1, 2]);
    let e: Envelope = serde_json::from_value(json!({"message": "AQ="})).unwrap();
    assert_eq!(e.message, vec![1]);
}

#[test]
fn gap_integer_spellings() {
    for ts in [
        "1e3",
        r#""1e3""#,
        "1000.0",
        r#""1000.0""#,
        "-1",
        r#"" 1000""#,
    ] {
        assert!(
            serde_json::from_str::<Envelope>(&format!(r#"{{"timestampNs":{ts}}}"#)).is_err(),
            "{ts}"
        );
    }
}
