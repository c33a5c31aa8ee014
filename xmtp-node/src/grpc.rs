//! `xmtp.message_api.v1.MessageApi` over gRPC (tonic).

use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use futures_util::{Stream, StreamExt};
use tonic::metadata::MetadataValue;
use tonic::{Request, Response, Status, Streaming};
use xmtp_proto::message_api::v1 as api;
use xmtp_proto::message_api::v1::message_api_server::MessageApi;

use crate::relay::{Closed, Filter, Subscription};
use crate::service::{CallContext, Service, to_api};

/// A stream of envelopes to a gRPC client.
pub(crate) type EnvelopeStream = Pin<Box<dyn Stream<Item = Result<api::Envelope, Status>> + Send>>;

pub(crate) struct GrpcApi {
    pub(crate) service: Arc<Service>,
    pub(crate) trust_forwarded_for: bool,
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
        }
    })
}

/// The first `x-forwarded-for` hop, if there is one and it parses.
pub(crate) fn forwarded_for(value: Option<&str>) -> Option<IpAddr> {
    value?.split(',').next()?.trim().parse().ok()
}

impl GrpcApi {
    fn context<T>(&self, request: &Request<T>) -> CallContext {
        let metadata = request.metadata();
        let forwarded = self
            .trust_forwarded_for
            .then(|| {
                forwarded_for(
                    metadata
                        .get("x-forwarded-for")
                        .and_then(|v| v.to_str().ok()),
                )
            })
            .flatten();
        CallContext {
            ip: forwarded.or_else(|| request.remote_addr().map(|a| a.ip())),
            authorization: metadata
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        }
    }

    fn open(
        &self,
        ctx: &CallContext,
        method: &'static str,
        filter: Filter,
    ) -> Result<Subscription, Status> {
        let started = Instant::now();
        let result = self.service.subscribe(ctx, filter);
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
            .map(Response::new)
    }

    type SubscribeStream = EnvelopeStream;

    async fn subscribe(
        &self,
        request: Request<api::SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let ctx = self.context(&request);
        let topics = request.into_inner().content_topics;
        self.open(&ctx, "Subscribe", Filter::Topics(topics))
            .map(streaming)
    }

    type Subscribe2Stream = EnvelopeStream;

    /// Each request on the inbound stream replaces the whole topic set. The reply's headers
    /// (with `subscribed: true`) go out only once the first request's topics are registered, so
    /// a client that waits for them knows every envelope published afterwards reaches it.
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
        let subscription = self.open(&ctx, "Subscribe2", Filter::Topics(first))?;
        let updater = subscription.updater();
        let done = tokio_util::sync::CancellationToken::new();
        let guard = done.clone().drop_guard();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = done.cancelled() => break,
                    next = inbound.message() => match next {
                        Ok(Some(request)) => updater.update(Filter::Topics(request.content_topics)),
                        Ok(None) | Err(_) => break,
                    },
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
        self.open(&ctx, "SubscribeAll", Filter::All).map(streaming)
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
            .map(Response::new)
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
            .map(Response::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_takes_the_first_hop() {
        assert_eq!(
            forwarded_for(Some(" 10.1.2.3 , 192.168.0.1")),
            Some("10.1.2.3".parse().unwrap())
        );
        assert_eq!(forwarded_for(Some("::1")), Some("::1".parse().unwrap()));
        assert_eq!(forwarded_for(Some("not an ip")), None);
        assert_eq!(forwarded_for(None), None);
    }
}
