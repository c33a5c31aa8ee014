//! Entry points for the fuzz targets in `fuzz/` (not part of the public API): the gateway's
//! request-body parsing, exactly as the HTTP handlers run it, without a server; and the Waku
//! light protocols' request frames, read and handled as the node's Store, LightPush and Filter
//! services do, without libp2p (so the fuzz crate builds the node without the `waku` feature).

use xmtp_proto::message_api::v1 as api;

use crate::http::{Format, decode};
use crate::service::{to_stored, validate_query};
use crate::store::StoredEnvelope;

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

/// A Waku light protocol whose request frames [`light_request`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LightProtocol {
    /// `/vac/waku/store-query/3.0.0`.
    Store,
    /// `/vac/waku/lightpush/2.0.0-beta1`.
    LightPush,
    /// `/vac/waku/filter-subscribe/2.0.0-beta1`.
    Filter,
}

/// What the node made of a light protocol request frame.
#[derive(Debug)]
pub enum LightOutcome {
    /// The stream ended before a request: dropped without an answer.
    Dropped,
    /// Answered with this status code (the frame, or the request, refused).
    Refused(u32),
    /// A Store v3 query answered 200 from [`LIGHT_STORE_TOPIC`]'s envelopes, and whether it
    /// asked for the messages (`include_data`).
    Page(xmtp_proto::waku::store::StoreQueryResponse, bool),
    /// A LightPush message admitted from an untrusted peer: the envelope the node would store
    /// and relay, and the message it came from.
    Pushed(Box<StoredEnvelope>, xmtp_proto::waku::WakuMessage),
    /// A Filter request of this kind, with the content topics a subscribe or unsubscribe would
    /// change (empty for a ping or unsubscribe-all).
    Filter(i32, Vec<String>),
}

/// The pubsub topic the light services serve here.
pub const LIGHT_PUBSUB_TOPIC: &str = xmtp_proto::waku::DEFAULT_PUBSUB_TOPIC;
/// The content topic of the envelopes a fuzzed Store query finds: timestamps 1 to 3, payloads
/// `[1]`, `[2, 2]`, `[3, 3, 3]`.
pub const LIGHT_STORE_TOPIC: &str = "/xmtp/0/m-fuzz/proto";

/// Reads `frame` as a request of `protocol` with the node's size limit, then handles it as the
/// service would before anything peer-specific (rate buckets, subscriptions): the Store query
/// runs against a memory store holding [`LIGHT_STORE_TOPIC`]'s three envelopes.
pub fn light_request(protocol: LightProtocol, frame: &[u8]) -> LightOutcome {
    use crate::waku_rules::{self, Frame};
    use xmtp_proto::waku::filter::{FilterSubscribeRequest, FilterSubscribeType};
    use xmtp_proto::waku::lightpush::PushRpc;
    use xmtp_proto::waku::store::StoreQueryRequest;

    fn read<Req: xmtp_proto::Message + Default>(
        frame: &[u8],
        max: usize,
    ) -> Result<Req, LightOutcome> {
        let mut io = futures_util::io::Cursor::new(frame);
        match ready(waku_rules::read_request::<_, Req>(&mut io, max)) {
            Ok(Frame::Message(request)) => Ok(request),
            Ok(Frame::Invalid(status)) => Err(LightOutcome::Refused(status.code())),
            Ok(Frame::Raw(_)) => unreachable!("the reading side never yields raw bytes"),
            Err(_) => Err(LightOutcome::Dropped),
        }
    }
    let refused = |(status, _): waku_rules::Refused| LightOutcome::Refused(status.code());
    let outcome = match protocol {
        LightProtocol::Store => read::<StoreQueryRequest>(frame, waku_rules::MAX_QUERY_FRAME)
            .and_then(|request| {
                let include_data = request.include_data;
                let checked = waku_rules::StoreRequest::check(request, LIGHT_PUBSUB_TOPIC)
                    .map_err(refused)?;
                let shared = light_store();
                let page = ready(checked.run(&shared)).map_err(refused)?;
                Ok(LightOutcome::Page(page, include_data))
            }),
        LightProtocol::LightPush => {
            read::<PushRpc>(frame, waku_rules::MAX_MESSAGE_FRAME).and_then(|rpc| {
                let message = waku_rules::push_message(rpc, LIGHT_PUBSUB_TOPIC).map_err(refused)?;
                let envelope = waku_rules::admit_message(message.clone(), false)
                    .map_err(|r| LightOutcome::Refused(waku_rules::Status::of_refusal(r).code()))?;
                Ok(LightOutcome::Pushed(Box::new(envelope), message))
            })
        }
        LightProtocol::Filter => read::<FilterSubscribeRequest>(frame, waku_rules::MAX_QUERY_FRAME)
            .and_then(|request| {
                let kind = waku_rules::filter_kind(&request).map_err(refused)?;
                let topics = match kind {
                    FilterSubscribeType::Subscribe | FilterSubscribeType::Unsubscribe => {
                        waku_rules::filter_criteria(&request, LIGHT_PUBSUB_TOPIC)
                            .map_err(refused)?
                            .into_iter()
                            .collect()
                    }
                    FilterSubscribeType::SubscriberPing | FilterSubscribeType::UnsubscribeAll => {
                        Vec::new()
                    }
                };
                Ok(LightOutcome::Filter(kind as i32, topics))
            }),
    };
    outcome.unwrap_or_else(|outcome| outcome)
}

/// The Store service's shared state over a memory store with [`LIGHT_STORE_TOPIC`]'s
/// envelopes.
fn light_store() -> crate::waku_rules::Shared {
    let store = crate::store::MemoryStore::new();
    let envelopes = (1..=3u8)
        .map(|i| {
            to_stored(api::Envelope {
                content_topic: LIGHT_STORE_TOPIC.to_owned(),
                timestamp_ns: u64::from(i),
                message: vec![i; usize::from(i)],
            })
        })
        .collect();
    if let Err(e) = ready(crate::store::Store::insert(&store, envelopes)) {
        panic!("a memory store refused an insert: {e}");
    }
    crate::waku_rules::Shared {
        store: std::sync::Arc::new(store),
        pubsub_topic: LIGHT_PUBSUB_TOPIC.to_owned(),
        cursors: crate::waku_rules::Cursors::default(),
    }
}

/// Runs `future` to completion in one poll: reading from a byte slice and the memory store never
/// wait.
fn ready<F: Future>(future: F) -> F::Output {
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(future).poll(&mut context) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("the light request handling waited"),
    }
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

    #[test]
    fn light_frames_are_read_and_handled_as_the_services_do() {
        use xmtp_proto::Message as _;
        use xmtp_proto::waku::store::StoreQueryRequest;

        let query = StoreQueryRequest {
            include_data: true,
            content_topics: vec![LIGHT_STORE_TOPIC.to_owned()],
            pagination_forward: true,
            ..Default::default()
        };
        let frame = query.encode_length_delimited_to_vec();
        let LightOutcome::Page(page, true) = light_request(LightProtocol::Store, &frame) else {
            panic!("a query of the store's topic is answered");
        };
        assert_eq!(page.messages.len(), 3);
        assert!(matches!(
            light_request(LightProtocol::Store, &[]),
            LightOutcome::Dropped
        ));
        assert!(matches!(
            light_request(LightProtocol::Filter, &[3, 0xff, 0xff, 0xff]),
            LightOutcome::Refused(400)
        ));
        assert!(matches!(
            light_request(LightProtocol::LightPush, &[0x80, 0x80, 0x80, 0x01]),
            LightOutcome::Refused(413)
        ));
    }
}
