//! The HTTP/JSON gateway `@xmtp/xmtp-js` uses (network.md §2), byte-compatible with
//! grpc-gateway v2 in front of the reference node.

use std::convert::Infallible;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use tonic::{Code, Status};
use xmtp_proto::Message;
use xmtp_proto::message_api::v1 as api;

use crate::config::Cidr;
use crate::grpc::{HeldPermit, PermitBody, subscription_stream};
use crate::json;
use crate::ratelimit::{Kind, client_ip};
use crate::relay::Filter;
use crate::service::{Budgeted, CallContext, Service};

const PROTOBUF: &str = "application/x-protobuf";
const ALLOW_HEADERS: &str = "Content-Type,Accept,Authorization,X-Client-Version,X-App-Version,Baggage,DNT,Sec-CH-UA,Sec-CH-UA-Mobile,Sec-CH-UA-Platform,Sentry-Trace,User-Agent,x-libxmtp-version,x-app-version";
const ALLOW_METHODS: &str = "GET,HEAD,POST,PUT,PATCH,DELETE";

#[derive(Clone)]
pub(crate) struct Gateway {
    pub(crate) service: Arc<Service>,
    pub(crate) trusted_proxies: Vec<Cidr>,
    /// Largest Publish body.
    pub(crate) max_request_bytes: usize,
    /// Largest body of every other route.
    pub(crate) max_query_request_bytes: usize,
}

/// The router with every route, CORS and the JSON 404/501 bodies.
pub(crate) fn router(gateway: Gateway) -> Router {
    let rpc = |route: MethodRouter<Gateway>| route.fallback(method_not_allowed);
    Router::new()
        .route("/message/v1/publish", rpc(post(publish)))
        .route("/message/v1/query", rpc(post(query)))
        .route("/message/v1/batch-query", rpc(post(batch_query)))
        .route("/message/v1/subscribe", rpc(post(subscribe)))
        .route("/message/v1/subscribe-all", rpc(post(subscribe_all)))
        .route("/healthz", rpc(get(healthz)))
        .route("/metrics", rpc(get(metrics)))
        .fallback(not_found)
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn(cors))
        .with_state(gateway)
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

async fn cors(request: Request, next: Next) -> Response {
    let allow_origin = (
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if request.method() == http::Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        return (
            StatusCode::OK,
            [
                allow_origin,
                (
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static(ALLOW_HEADERS),
                ),
                (
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static(ALLOW_METHODS),
                ),
            ],
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(allow_origin.0, allow_origin.1);
    response
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

async fn read_body(body: Body, limit: usize) -> Result<Bytes, Status> {
    use http_body_util::BodyExt as _;
    // A declared length over the limit is refused before a byte of the body is read.
    if http_body::Body::size_hint(&body).lower() > limit as u64 {
        return Err(too_large(limit));
    }
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large(limit)),
        Err(e) => Err(Status::invalid_argument(format!(
            "reading request body: {e}"
        ))),
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
    gzip: bool,
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
        let gzip = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("gzip"));
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
            gzip,
            body: read_body(body, limit).await?,
        })
    }
}

/// A unary reply: JSON (or protobuf if asked), gzipped when `gzip` and the client accepts it.
/// The reply's permit is resized to the bytes actually written (JSON is about 4/3 of the
/// protobuf it was taken for); a reply that no longer fits the budget is refused (429).
fn unary_response<T: Message>(
    call: &Call,
    gzip_allowed: bool,
    reply: Budgeted<T>,
    to_json: impl FnOnce(&T) -> String,
) -> Result<Response, Status> {
    let Budgeted { value, permit } = reply;
    let (content_type, body) = match call.outbound {
        Format::Json => ("application/json", to_json(&value).into_bytes()),
        Format::Protobuf => (PROTOBUF, value.encode_to_vec()),
    };
    drop(value);
    let mut headers = vec![(header::CONTENT_TYPE, HeaderValue::from_static(content_type))];
    let body = if gzip_allowed && call.gzip {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        match encoder.write_all(&body).and_then(|()| encoder.finish()) {
            Ok(compressed) => {
                headers.push((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")));
                compressed
            }
            Err(_) => body,
        }
    } else {
        body
    };
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
    for (name, value) in headers {
        response.headers_mut().insert(name, value);
    }
    Ok(response)
}

macro_rules! unary_handler {
    ($name:ident, $method:literal, $kind:expr, $request:ty, $service_fn:ident, $gzip:expr, $to_json:expr) => {
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
            let response = result.and_then(|reply| unary_response(&call, $gzip, reply, $to_json));
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
    false,
    |_| "{}".to_owned()
);
unary_handler!(
    query,
    "Query",
    Kind::General,
    api::QueryRequest,
    query,
    true,
    json::query_response
);
unary_handler!(
    batch_query,
    "BatchQuery",
    Kind::General,
    api::BatchQueryRequest,
    batch_query,
    true,
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
