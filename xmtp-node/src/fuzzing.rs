//! Entry points for the fuzz targets in `fuzz/` (not part of the public API): the gateway's
//! request-body parsing, exactly as the HTTP handlers run it, without a server.

use xmtp_proto::message_api::v1 as api;

use crate::http::{Format, decode};
use crate::service::{to_stored, validate_query};

/// A gateway request body, parsed by the handler of one route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// `POST /message/v1/publish`.
    Publish,
    /// `POST /message/v1/query`.
    Query,
    /// `POST /message/v1/batch-query`.
    BatchQuery,
    /// `POST /message/v1/subscribe`.
    Subscribe,
    /// `POST /message/v1/subscribe-all`.
    SubscribeAll,
}

/// What the gateway made of a body: the request it would hand the service, or the status it
/// would answer with.
#[derive(Debug)]
pub enum Parsed {
    /// A publish request, with each envelope as the gateway writes it back in JSON (a stream
    /// frame) and whether a token of the wallet `0x00…00` may publish to its topic.
    Publish(api::PublishRequest, Vec<(String, bool)>),
    /// A query, and whether it passed validation (§4.5).
    Query(api::QueryRequest, bool),
    /// A batch query, and per query whether it passed validation.
    BatchQuery(api::BatchQueryRequest, Vec<bool>),
    /// A subscribe request.
    Subscribe(api::SubscribeRequest),
    /// A subscribe-all request.
    SubscribeAll(api::SubscribeAllRequest),
    /// Refused with this gRPC status code.
    Refused(tonic::Code),
}

/// Parses `body` as `route` would: JSON unless `protobuf` (the Content-Type), then the
/// validation the service applies before touching storage.
pub fn parse_body(route: Route, protobuf: bool, body: &[u8]) -> Parsed {
    let format = if protobuf {
        Format::Protobuf
    } else {
        Format::Json
    };
    let parsed = match route {
        Route::Publish => decode::<api::PublishRequest>(format, body).map(|r| {
            let written = r
                .envelopes
                .iter()
                .map(|e| {
                    let frame = crate::json::stream_frame(&to_stored(e.clone()));
                    let allowed =
                        crate::auth::allowed_to_publish(&e.content_topic, &"0".repeat(42));
                    (frame, allowed)
                })
                .collect();
            Parsed::Publish(r, written)
        }),
        Route::Query => decode::<api::QueryRequest>(format, body).map(|r| {
            let valid = validate_query(r.clone()).is_ok();
            Parsed::Query(r, valid)
        }),
        Route::BatchQuery => decode::<api::BatchQueryRequest>(format, body).map(|r| {
            let valid = r
                .requests
                .iter()
                .map(|q| validate_query(q.clone()).is_ok())
                .collect();
            Parsed::BatchQuery(r, valid)
        }),
        Route::Subscribe => decode::<api::SubscribeRequest>(format, body).map(Parsed::Subscribe),
        Route::SubscribeAll => {
            decode::<api::SubscribeAllRequest>(format, body).map(Parsed::SubscribeAll)
        }
    };
    parsed.unwrap_or_else(|status| Parsed::Refused(status.code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_parse_as_their_routes_do() {
        let body = br#"{"envelopes":[{"contentTopic":"/xmtp/0/contact-0xAb/proto","timestampNs":"7","message":"AQI="}]}"#;
        let Parsed::Publish(request, written) = parse_body(Route::Publish, false, body) else {
            panic!("a publish body parses");
        };
        assert_eq!(request.envelopes[0].message, [1, 2]);
        assert!(written[0].0.starts_with(r#"{"result":{"contentTopic""#));
        assert!(!written[0].1, "contact topics belong to their wallet");
        let Parsed::Query(_, valid) = parse_body(Route::Query, false, b"{}") else {
            panic!("an empty query parses");
        };
        assert!(!valid, "a query without topics is refused");
        assert!(matches!(
            parse_body(Route::BatchQuery, true, &[0x0a, 0xff]),
            Parsed::Refused(tonic::Code::InvalidArgument)
        ));
    }
}
