//! `xmtp.message_api.v1.MessageApi` over gRPC (tonic).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use futures_util::{Stream, StreamExt};
use tonic::metadata::MetadataValue;
use tonic::{Request, Response, Status, Streaming};
use xmtp_proto::message_api::v1 as api;
use xmtp_proto::message_api::v1::message_api_server::MessageApi;

use crate::config::Cidr;
use crate::ratelimit::{ResponsePermit, client_ip};
use crate::relay::{Closed, Filter, Subscription};
use crate::service::{Budgeted, CallContext, LARGE_TOPIC_SET, Service, to_api};

/// A stream of envelopes to a gRPC client.
pub(crate) type EnvelopeStream = Pin<Box<dyn Stream<Item = Result<api::Envelope, Status>> + Send>>;

pub(crate) struct GrpcApi {
    pub(crate) service: Arc<Service>,
    pub(crate) trusted_proxies: Vec<Cidr>,
}

/// The status a too-slow subscriber's stream ends with.
pub(crate) fn too_slow_status() -> Status {
    Status::resource_exhausted(
        "subscription closed: the client fell too far behind; subscribe again and query to catch up",
    )
}

/// Envelopes until the subscription ends: normally on shutdown, with a status when too slow.
pub(crate) fn subscription_stream(
    subscription: Subscription,
) -> impl Stream<Item = Result<Arc<crate::store::StoredEnvelope>, Status>> + Send {
    futures_util::stream::unfold(Some(subscription), |state| async move {
        let mut subscription = state?;
        match subscription.next().await {
            Ok(envelope) => Some((Ok(envelope), Some(subscription))),
            Err(Closed::Shutdown) => None,
            Err(Closed::TooSlow) => Some((Err(too_slow_status()), None)),
            Err(Closed::Refused) => Some((Err(subscription.refusal()), None)),
        }
    })
}

/// A reply's response permit, carried from the handler to the body in the response's
/// extensions ([`hold_response_permits`]).
#[derive(Clone)]
pub(crate) struct HeldPermit {
    _permit: Arc<ResponsePermit>,
}

impl HeldPermit {
    pub(crate) fn new(permit: ResponsePermit) -> Self {
        Self {
            _permit: Arc::new(permit),
        }
    }
}

fn with_permit<T>(budgeted: Budgeted<T>) -> Response<T> {
    let mut response = Response::new(budgeted.value);
    if let Some(permit) = budgeted.permit {
        response.extensions_mut().insert(HeldPermit::new(permit));
    }
    response
}

/// A response body that keeps its reply's bytes counted in the response budget until it has
/// been written (or the connection is gone), so clients that never read cannot pin more than
/// the budget. Data goes out in frames of at most [`PERMIT_FRAME`]: the server polls for the
/// next frame only once it has room to send it (HTTP/1 write buffer, HTTP/2 flow-control
/// window), so a reply to a client that stops reading stays here, counted, instead of being
/// handed whole to the connection's buffers.
pub(crate) struct PermitBody<B> {
    inner: B,
    pending: bytes::Bytes,
    permit: Option<HeldPermit>,
}

/// Largest data frame a [`PermitBody`] hands to the connection.
const PERMIT_FRAME: usize = 64 * 1024;

impl<B> PermitBody<B> {
    pub(crate) fn new(inner: B, permit: Option<HeldPermit>) -> Self {
        Self {
            inner,
            pending: bytes::Bytes::new(),
            permit,
        }
    }
}

impl<B: http_body::Body<Data = bytes::Bytes> + Unpin> http_body::Body for PermitBody<B> {
    type Data = bytes::Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, B::Error>>> {
        let this = self.get_mut();
        if this.pending.is_empty() {
            match std::task::ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => this.pending = data,
                    Err(other) => return Poll::Ready(Some(Ok(other))),
                },
                end => {
                    // Written (or failed): the bytes are no longer held here.
                    this.permit = None;
                    return Poll::Ready(end);
                }
            }
        }
        let n = this.pending.len().min(PERMIT_FRAME);
        Poll::Ready(Some(Ok(http_body::Frame::data(this.pending.split_to(n)))))
    }

    fn is_end_stream(&self) -> bool {
        self.pending.is_empty() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        let inner = self.inner.size_hint();
        let pending = self.pending.len() as u64;
        let mut hint = http_body::SizeHint::new();
        hint.set_lower(inner.lower() + pending);
        if let Some(upper) = inner.upper() {
            hint.set_upper(upper + pending);
        }
        hint
    }
}

/// Moves a reply's [`HeldPermit`] from the response extensions into its body (a tower
/// `map_response` for the gRPC server).
pub(crate) fn hold_response_permits(
    response: http::Response<axum::body::Body>,
) -> http::Response<axum::body::Body> {
    let (mut parts, body) = response.into_parts();
    match parts.extensions.remove::<HeldPermit>() {
        Some(permit) => http::Response::from_parts(
            parts,
            axum::body::Body::new(PermitBody::new(body, Some(permit))),
        ),
        None => http::Response::from_parts(parts, body),
    }
}

impl GrpcApi {
    fn context<T>(&self, request: &Request<T>) -> CallContext {
        let metadata = request.metadata();
        CallContext {
            ip: client_ip(
                request.remote_addr().map(|a| a.ip()),
                metadata
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok()),
                &self.trusted_proxies,
            ),
            authorization: metadata
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            admitted: false,
        }
    }

    async fn open(
        &self,
        ctx: &CallContext,
        method: &'static str,
        filter: Filter,
    ) -> Result<Subscription, Status> {
        let started = Instant::now();
        let result = self.service.subscribe(ctx, filter).await;
        self.service.observed("grpc", method, started, result)
    }
}

/// The reply to a stream call, with the `subscribed: true` header the reference node sends at
/// stream start.
fn respond(
    stream: impl Stream<Item = Result<api::Envelope, Status>> + Send + 'static,
) -> Response<EnvelopeStream> {
    let mut response = Response::new(Box::pin(stream) as EnvelopeStream);
    response
        .metadata_mut()
        .insert("subscribed", MetadataValue::from_static("true"));
    response
}

fn streaming(subscription: Subscription) -> Response<EnvelopeStream> {
    respond(subscription_stream(subscription).map(|item| item.map(|e| to_api(&e))))
}

#[tonic::async_trait]
impl MessageApi for GrpcApi {
    async fn publish(
        &self,
        request: Request<api::PublishRequest>,
    ) -> Result<Response<api::PublishResponse>, Status> {
        let started = Instant::now();
        let ctx = self.context(&request);
        let result = self.service.publish(&ctx, request.into_inner()).await;
        self.service
            .observed("grpc", "Publish", started, result)
            .map(with_permit)
    }

    type SubscribeStream = EnvelopeStream;

    async fn subscribe(
        &self,
        request: Request<api::SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let ctx = self.context(&request);
        let topics = request.into_inner().content_topics;
        self.open(&ctx, "Subscribe", Filter::Topics(topics))
            .await
            .map(streaming)
    }

    type Subscribe2Stream = EnvelopeStream;

    /// Each request on the inbound stream replaces the whole topic set. Each update is held to
    /// the topic limit and charged per topic like a Subscribe; one that is refused ends the
    /// stream with the refusal's status. The reply's headers (with `subscribed: true`) go out
    /// only once the first request's topics are registered, so a client that waits for them
    /// knows every envelope published afterwards reaches it.
    async fn subscribe2(
        &self,
        request: Request<Streaming<api::SubscribeRequest>>,
    ) -> Result<Response<Self::Subscribe2Stream>, Status> {
        let ctx = self.context(&request);
        let mut inbound = request.into_inner();
        // A client that closes its side at once subscribes to nothing, as before.
        let first = inbound
            .message()
            .await?
            .map_or_else(Vec::new, |r| r.content_topics);
        let subscription = self.open(&ctx, "Subscribe2", Filter::Topics(first)).await?;
        let updater = Arc::new(subscription.updater());
        let service = Arc::clone(&self.service);
        let done = tokio_util::sync::CancellationToken::new();
        let guard = done.clone().drop_guard();
        tokio::spawn(async move {
            loop {
                let request = tokio::select! {
                    () = done.cancelled() => break,
                    next = inbound.message() => match next {
                        Ok(Some(request)) => request,
                        Ok(None) => break,
                        // An update over the message limit (or a broken request stream) ends
                        // the stream with its status, as a refused update does.
                        Err(status) => {
                            updater.refuse(status);
                            break;
                        }
                    },
                };
                let topics = request.content_topics;
                if let Err(status) = service.check_update(&ctx, topics.len()) {
                    updater.refuse(status);
                    break;
                }
                if topics.len() < LARGE_TOPIC_SET {
                    updater.update(Filter::Topics(topics));
                } else {
                    let updater = Arc::clone(&updater);
                    let indexed = tokio::task::spawn_blocking(move || {
                        updater.update(Filter::Topics(topics));
                    });
                    if indexed.await.is_err() {
                        break;
                    }
                }
            }
        });
        // Dropping the reply stream (client gone, or the subscription ended) stops the task.
        Ok(respond(subscription_stream(subscription).map(
            move |item| {
                let _stop_updates_when_dropped = &guard;
                item.map(|e| to_api(&e))
            },
        )))
    }

    type SubscribeAllStream = EnvelopeStream;

    async fn subscribe_all(
        &self,
        request: Request<api::SubscribeAllRequest>,
    ) -> Result<Response<Self::SubscribeAllStream>, Status> {
        let ctx = self.context(&request);
        tracing::debug!(ip = ?ctx.ip, "SubscribeAll");
        self.open(&ctx, "SubscribeAll", Filter::All)
            .await
            .map(streaming)
    }

    async fn query(
        &self,
        request: Request<api::QueryRequest>,
    ) -> Result<Response<api::QueryResponse>, Status> {
        let started = Instant::now();
        let ctx = self.context(&request);
        let result = self.service.query(&ctx, request.into_inner()).await;
        self.service
            .observed("grpc", "Query", started, result)
            .map(with_permit)
    }

    async fn batch_query(
        &self,
        request: Request<api::BatchQueryRequest>,
    ) -> Result<Response<api::BatchQueryResponse>, Status> {
        let started = Instant::now();
        let ctx = self.context(&request);
        let result = self.service.batch_query(&ctx, request.into_inner()).await;
        self.service
            .observed("grpc", "BatchQuery", started, result)
            .map(with_permit)
    }
}
