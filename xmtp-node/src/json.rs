//! Response JSON exactly as grpc-gateway's `JSONPb{EmitUnpopulated: true}` writes it
//! (network.md §2.3): field-number order, `uint64` as strings, padded standard base64, enum
//! names, `null` for an unset message, `[]` for an empty list.
//!
//! Requests are parsed with xmtp-proto's pbjson impls, which are at least as lenient as protojson.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use xmtp_proto::message_api::v1 as api;

use crate::store::StoredEnvelope;

fn string(out: &mut String, s: &str) {
    // serde_json escapes exactly what JSON requires; a `&str` always serialises.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

fn envelope_fields(out: &mut String, topic: &str, timestamp_ns: u64, message: &[u8]) {
    out.push_str("{\"contentTopic\":");
    string(out, topic);
    let _ = write!(out, ",\"timestampNs\":\"{timestamp_ns}\",\"message\":\"");
    STANDARD.encode_string(message, out);
    out.push_str("\"}");
}

/// `Envelope`.
pub(crate) fn envelope(out: &mut String, e: &api::Envelope) {
    envelope_fields(out, &e.content_topic, e.timestamp_ns, &e.message);
}

/// One NDJSON stream frame: `{"result":<Envelope>}\n`.
pub(crate) fn stream_frame(e: &StoredEnvelope) -> String {
    let mut out = String::with_capacity(e.content_topic.len() + e.message.len() * 4 / 3 + 80);
    out.push_str("{\"result\":");
    envelope_fields(&mut out, &e.content_topic, e.timestamp_ns, &e.message);
    out.push_str("}\n");
    out
}

fn direction_name(direction: i32) -> &'static str {
    api::SortDirection::try_from(direction)
        .unwrap_or(api::SortDirection::Unspecified)
        .as_str_name()
}

fn paging_info(out: &mut String, p: Option<&api::PagingInfo>) {
    let Some(p) = p else {
        out.push_str("null");
        return;
    };
    let _ = write!(out, "{{\"limit\":{},\"cursor\":", p.limit);
    match &p.cursor {
        None => out.push_str("null"),
        Some(api::Cursor { cursor: None }) => out.push_str("{}"),
        Some(api::Cursor {
            cursor: Some(api::cursor::Cursor::Index(index)),
        }) => {
            out.push_str("{\"index\":{\"digest\":\"");
            STANDARD.encode_string(&index.digest, out);
            let _ = write!(out, "\",\"senderTimeNs\":\"{}\"}}}}", index.sender_time_ns);
        }
    }
    let _ = write!(out, ",\"direction\":\"{}\"}}", direction_name(p.direction));
}

fn query_response_into(out: &mut String, r: &api::QueryResponse) {
    out.push_str("{\"envelopes\":[");
    for (i, e) in r.envelopes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        envelope(out, e);
    }
    out.push_str("],\"pagingInfo\":");
    paging_info(out, r.paging_info.as_ref());
    out.push('}');
}

/// `QueryResponse`.
pub(crate) fn query_response(r: &api::QueryResponse) -> String {
    let mut out = String::new();
    query_response_into(&mut out, r);
    out
}

/// `BatchQueryResponse`.
pub(crate) fn batch_query_response(r: &api::BatchQueryResponse) -> String {
    let mut out = String::from("{\"responses\":[");
    for (i, response) in r.responses.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        query_response_into(&mut out, response);
    }
    out.push_str("]}");
    out
}

/// `google.rpc.Status`: `{"code":N,"message":"...","details":[]}`.
pub(crate) fn status(code: tonic::Code, message: &str) -> String {
    let mut out = format!("{{\"code\":{},\"message\":", code as i32);
    string(&mut out, message);
    out.push_str(",\"details\":[]}");
    out
}

/// A mid-stream error frame: `{"error":<Status>}\n`.
pub(crate) fn error_frame(code: tonic::Code, message: &str) -> String {
    format!("{{\"error\":{}}}\n", status(code, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_response_matches_the_gateway_shape() {
        let r = api::QueryResponse {
            envelopes: vec![api::Envelope {
                content_topic: "/xmtp/0/m-\"x\"/proto".into(),
                timestamp_ns: 1_690_000_001_000_000_000,
                message: vec![0xfb, 0xff],
            }],
            paging_info: Some(api::PagingInfo {
                limit: 0,
                cursor: None,
                direction: api::SortDirection::Ascending as i32,
            }),
        };
        assert_eq!(
            query_response(&r),
            r#"{"envelopes":[{"contentTopic":"/xmtp/0/m-\"x\"/proto","timestampNs":"1690000001000000000","message":"+/8="}],"pagingInfo":{"limit":0,"cursor":null,"direction":"SORT_DIRECTION_ASCENDING"}}"#
        );
        let full = api::QueryResponse {
            envelopes: vec![],
            paging_info: Some(api::PagingInfo {
                limit: 100,
                cursor: Some(api::Cursor {
                    cursor: Some(api::cursor::Cursor::Index(api::IndexCursor {
                        digest: vec![0xab, 0xcd, 0xef],
                        sender_time_ns: 7,
                    })),
                }),
                direction: api::SortDirection::Descending as i32,
            }),
        };
        assert_eq!(
            query_response(&full),
            r#"{"envelopes":[],"pagingInfo":{"limit":100,"cursor":{"index":{"digest":"q83v","senderTimeNs":"7"}},"direction":"SORT_DIRECTION_DESCENDING"}}"#
        );
        assert_eq!(
            batch_query_response(&api::BatchQueryResponse { responses: vec![] }),
            r#"{"responses":[]}"#
        );
    }

    #[test]
    fn frames_and_errors() {
        let e = StoredEnvelope {
            content_topic: "t".into(),
            timestamp_ns: 1,
            message: bytes::Bytes::new(),
            digest: [0; 32],
        };
        assert_eq!(
            stream_frame(&e),
            "{\"result\":{\"contentTopic\":\"t\",\"timestampNs\":\"1\",\"message\":\"\"}}\n"
        );
        assert_eq!(
            status(tonic::Code::NotFound, "Not Found"),
            r#"{"code":5,"message":"Not Found","details":[]}"#
        );
        assert_eq!(
            error_frame(tonic::Code::ResourceExhausted, "slow"),
            "{\"error\":{\"code\":8,\"message\":\"slow\",\"details\":[]}}\n"
        );
    }
}
