//! The HTTP/JSON gateway `@xmtp/xmtp-js` uses (network.md §2), byte-compatible with
//! grpc-gateway v2 in front of the reference node.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use futures_util::StreamExt;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use tonic::{Code, Status};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use xmtp_proto::Message;
use xmtp_proto::message_api::v1 as api;

use crate::config::Cidr;
use crate::grpc::{HeldPermit, PermitBody, subscription_stream};
use crate::json;
use crate::ratelimit::{Kind, client_ip};
use crate::relay::Filter;
use crate::service::{Budgeted, CallContext, Service};

const PROTOBUF: &str = "application/x-protobuf";
/// The request headers a browser may send, as the reference node's CORS allows them.
const ALLOW_HEADERS: [&str; 13] = [
    "content-type",
    "accept",
    "authorization",
    "x-client-version",
    "x-app-version",
    "baggage",
    "dnt",
    "sec-ch-ua",
    "sec-ch-ua-mobile",
    "sec-ch-ua-platform",
    "sentry-trace",
    "user-agent",
    "x-libxmtp-version",
];
const ALLOW_METHODS: [Method; 6] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

#[derive(Clone)]
pub(crate) struct Gateway {
    pub(crate) service: Arc<Service>,
    pub(crate) trusted_proxies: Vec<Cidr>,
    /// Largest Publish body.
    pub(crate) max_request_bytes: usize,
    /// Largest body of every other route.
    pub(crate) max_query_request_bytes: usize,
}

/// The router with every route, CORS, the body limit of each route, gzip on the query routes
/// and the JSON 404/501 bodies.
pub(crate) fn router(gateway: Gateway) -> Router {
    let rpc = |route: MethodRouter<Gateway>| route.fallback(method_not_allowed);
    let publish_limit = gateway.max_request_bytes;
    let limit = gateway.max_query_request_bytes;
    Router::new()
        .route(
            "/message/v1/publish",
            rpc(body_limit(post(publish), publish_limit)),
        )
        .route(
            "/message/v1/query",
            rpc(body_limit(post(query), limit).layer(gzip())),
        )
        .route(
            "/message/v1/batch-query",
            rpc(body_limit(post(batch_query), limit).layer(gzip())),
        )
        .route(
            "/message/v1/subscribe",
            rpc(body_limit(post(subscribe), limit)),
        )
        .route(
            "/message/v1/subscribe-all",
            rpc(body_limit(post(subscribe_all), limit)),
        )
        .route("/healthz", rpc(get(healthz)))
        .route("/metrics", rpc(get(metrics)))
        .fallback(not_found)
        .layer(DefaultBodyLimit::disable())
        .layer(cors())
        .with_state(gateway)
}

/// `Access-Control-Allow-Origin: *` on every response; any `OPTIONS` is a preflight, answered
/// 200 with the allowed methods and headers.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods(ALLOW_METHODS)
        .allow_headers(ALLOW_HEADERS.map(HeaderName::from_static))
}

/// Gzip when the client's `Accept-Encoding` takes it (its q-values honoured), compressed as the
/// body is written rather than all at once; replies under 32 bytes stay as they are.
fn gzip() -> CompressionLayer {
    CompressionLayer::new().quality(CompressionLevel::Fastest)
}

/// The route's body limit: a body is cut off past `limit` bytes (its read fails, and the
/// handler answers `RESOURCE_EXHAUSTED`, 429), and a declared `Content-Length` over it is
/// refused before the body is read with the same JSON error.
fn body_limit(route: MethodRouter<Gateway>, limit: usize) -> MethodRouter<Gateway> {
    route
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(middleware::map_response(
            move |response: Response| async move {
                if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    error_response(&too_large(limit))
                } else {
                    response
                }
            },
        ))
}

/// grpc-gateway's `HTTPStatusFromCode`.
pub(crate) fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            StatusCode::BAD_REQUEST
        }
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// A `google.rpc.Status` body with the mapped HTTP status (plus `WWW-Authenticate` on 401).
fn error_response(status: &Status) -> Response {
    let mut response = json_response(
        http_status(status.code()),
        json::status(status.code(), status.message()),
    );
    if status.code() == Code::Unauthenticated
        && let Ok(value) = HeaderValue::from_str(status.message())
    {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

async fn not_found() -> Response {
    error_response(&Status::not_found("Not Found"))
}

async fn method_not_allowed() -> Response {
    error_response(&Status::unimplemented("Method Not Allowed"))
}

/// Body formats: protobuf when the Content-Type says so, JSON otherwise (whatever the header).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Protobuf,
}

fn media_type(value: Option<&HeaderValue>) -> Option<&str> {
    let value = value?.to_str().ok()?;
    Some(value.split(';').next().unwrap_or_default().trim())
}

/// grpc-gateway's `MarshalerForRequest`: inbound from Content-Type, outbound from an exact
/// Accept match, else the inbound one.
fn formats(headers: &HeaderMap) -> (Format, Format) {
    let inbound = match media_type(headers.get(header::CONTENT_TYPE)) {
        Some(PROTOBUF) => Format::Protobuf,
        _ => Format::Json,
    };
    let outbound = match media_type(headers.get(header::ACCEPT)) {
        Some(PROTOBUF) => Format::Protobuf,
        Some("application/json") => Format::Json,
        _ => inbound,
    };
    (inbound, outbound)
}

fn too_large(limit: usize) -> Status {
    Status::resource_exhausted(format!(
        "grpc: received message larger than max (more than {limit} bytes)"
    ))
}

/// Reads the body, which the route's [`body_limit`] cuts off past `limit` bytes.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, Status> {
    use http_body_util::BodyExt as _;
    match body.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) => {
            let e = e.into_inner();
            if e.is::<http_body_util::LengthLimitError>() {
                Err(too_large(limit))
            } else {
                Err(Status::invalid_argument(format!(
                    "reading request body: {e}"
                )))
            }
        }
    }
}

pub(crate) fn decode<T>(format: Format, body: &[u8]) -> Result<T, Status>
where
    T: Message + Default + serde::de::DeserializeOwned,
{
    match format {
        Format::Protobuf => T::decode(body).map_err(|e| Status::invalid_argument(e.to_string())),
        Format::Json if body.iter().all(u8::is_ascii_whitespace) => Ok(T::default()),
        Format::Json => {
            serde_json::from_slice(body).map_err(|e| Status::invalid_argument(e.to_string()))
        }
    }
}

struct Call {
    ctx: CallContext,
    inbound: Format,
    outbound: Format,
    body: Bytes,
}

impl Gateway {
    /// Who is calling, the cheap rate-limit check ([`Service::admit`]), then the body, read
    /// only up to the route's limit.
    async fn call(
        &self,
        kind: Kind,
        peer: SocketAddr,
        headers: &HeaderMap,
        body: Body,
    ) -> Result<Call, Status> {
        let (inbound, outbound) = formats(headers);
        let mut ctx = CallContext {
            ip: client_ip(
                Some(peer.ip()),
                headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()),
                &self.trusted_proxies,
            ),
            authorization: headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            admitted: false,
        };
        self.service.admit(&ctx, kind)?;
        ctx.admitted = true;
        let limit = match kind {
            Kind::Publish => self.max_request_bytes,
            Kind::General => self.max_query_request_bytes,
        };
        Ok(Call {
            ctx,
            inbound,
            outbound,
            body: read_body(body, limit).await?,
        })
    }
}

/// A unary reply: JSON (or protobuf if asked). The reply's permit is resized to the bytes it
/// holds (JSON is about 4/3 of the protobuf it was taken for); a reply that no longer fits the
/// budget is refused (429).
fn unary_response<T: Message>(
    call: &Call,
    reply: Budgeted<T>,
    to_json: impl FnOnce(&T) -> String,
) -> Result<Response, Status> {
    let Budgeted { value, permit } = reply;
    let (content_type, body) = match call.outbound {
        Format::Json => ("application/json", to_json(&value).into_bytes()),
        Format::Protobuf => (PROTOBUF, value.encode_to_vec()),
    };
    drop(value);
    // The bytes stay counted until the body has been written.
    let permit = match permit {
        Some(mut permit) => {
            permit.resize(body.len())?;
            Some(HeldPermit::new(permit))
        }
        None => None,
    };
    let body = Body::new(PermitBody::new(
        http_body_util::Full::new(Bytes::from(body)),
        permit,
    ));
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(response)
}

macro_rules! unary_handler {
    ($name:ident, $method:literal, $kind:expr, $request:ty, $service_fn:ident, $to_json:expr) => {
        async fn $name(
            State(gateway): State<Gateway>,
            ConnectInfo(peer): ConnectInfo<SocketAddr>,
            headers: HeaderMap,
            body: Body,
        ) -> Response {
            let started = Instant::now();
            let call = match gateway.call($kind, peer, &headers, body).await {
                Ok(call) => call,
                Err(status) => {
                    return error_response(
                        &gateway.service.refused("http", $method, started, status),
                    );
                }
            };
            let result = match decode::<$request>(call.inbound, &call.body) {
                Ok(request) => gateway.service.$service_fn(&call.ctx, request).await,
                Err(status) => Err(status),
            };
            // Encoded first, so that a reply refused at its written size is counted as refused.
            let response = result.and_then(|reply| unary_response(&call, reply, $to_json));
            match gateway.service.observed("http", $method, started, response) {
                Ok(response) => response,
                Err(status) => error_response(&status),
            }
        }
    };
}

unary_handler!(
    publish,
    "Publish",
    Kind::Publish,
    api::PublishRequest,
    publish,
    |_| "{}".to_owned()
);
unary_handler!(
    query,
    "Query",
    Kind::General,
    api::QueryRequest,
    query,
    json::query_response
);
unary_handler!(
    batch_query,
    "BatchQuery",
    Kind::General,
    api::BatchQueryRequest,
    batch_query,
    json::batch_query_response
);

/// Opens a stream: 200 and the headers at once, then one `{"result":…}\n` line per envelope;
/// a too-slow subscriber gets one `{"error":…}\n` frame and the body ends.
async fn stream(
    gateway: Gateway,
    method: &'static str,
    peer: SocketAddr,
    headers: HeaderMap,
    body: Body,
    filter: impl FnOnce(Bytes, Format) -> Result<Filter, Status>,
) -> Response {
    let started = Instant::now();
    let call = match gateway.call(Kind::General, peer, &headers, body).await {
        Ok(call) => call,
        Err(status) => {
            return error_response(&gateway.service.refused("http", method, started, status));
        }
    };
    let result = match filter(call.body.clone(), call.inbound) {
        Ok(filter) => gateway.service.subscribe(&call.ctx, filter).await,
        Err(status) => Err(status),
    };
    let subscription = match gateway.service.observed("http", method, started, result) {
        Ok(subscription) => subscription,
        Err(status) => return error_response(&status),
    };
    let frames = subscription_stream(subscription).map(|item| {
        Ok::<_, Infallible>(Bytes::from(match item {
            Ok(envelope) => json::stream_frame(&envelope),
            Err(status) => json::error_frame(status.code(), status.message()),
        }))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .header("grpc-metadata-subscribed", "true")
        .body(Body::from_stream(frames))
        .unwrap_or_else(|_| error_response(&Status::internal("building the stream response")))
}

async fn subscribe(
    State(gateway): State<Gateway>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    stream(gateway, "Subscribe", peer, headers, body, |body, format| {
        decode::<api::SubscribeRequest>(format, &body).map(|r| Filter::Topics(r.content_topics))
    })
    .await
}

async fn subscribe_all(
    State(gateway): State<Gateway>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    stream(
        gateway,
        "SubscribeAll",
        peer,
        headers,
        body,
        |body, format| decode::<api::SubscribeAllRequest>(format, &body).map(|_| Filter::All),
    )
    .await
}

async fn healthz(State(gateway): State<Gateway>) -> Response {
    match gateway.service.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => error_response(&Status::unavailable(e.to_string())),
    }
}

async fn metrics(State(gateway): State<Gateway>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        gateway.service.metrics.encode(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_codes_map_like_grpc_gateway() {
        let table = [
            (Code::InvalidArgument, 400),
            (Code::NotFound, 404),
            (Code::PermissionDenied, 403),
            (Code::ResourceExhausted, 429),
            (Code::Unimplemented, 501),
            (Code::Internal, 500),
            (Code::Unavailable, 503),
            (Code::Unauthenticated, 401),
            (Code::Cancelled, 499),
            (Code::DeadlineExceeded, 504),
        ];
        for (code, status) in table {
            assert_eq!(http_status(code).as_u16(), status, "{code:?}");
        }
    }

    #[test]
    fn formats_follow_content_type_then_accept() {
        let mut headers = HeaderMap::new();
        assert!(formats(&headers) == (Format::Json, Format::Json));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain;charset=UTF-8"),
        );
        assert!(formats(&headers) == (Format::Json, Format::Json));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-protobuf"),
        );
        assert!(formats(&headers) == (Format::Protobuf, Format::Protobuf));
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        assert!(formats(&headers) == (Format::Protobuf, Format::Json));
    }

    #[test]
    fn empty_json_bodies_are_empty_messages_and_bad_ones_invalid_argument() {
        let empty: api::QueryRequest = decode(Format::Json, b" \n").unwrap();
        assert_eq!(empty, api::QueryRequest::default());
        let err = decode::<api::QueryRequest>(Format::Json, b"[1]").unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        let err = decode::<api::QueryRequest>(Format::Protobuf, &[0x0a, 0xff]).unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
    }
}
