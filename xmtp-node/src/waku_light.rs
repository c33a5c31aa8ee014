//! Serving Waku light clients (issue 18; waku.md §4): Store v3, LightPush and Filter, each
//! answered by every node that has its relay on.
//!
//! # Framing
//!
//! Every request is one protobuf frame behind an unsigned-varint length ([`LengthPrefixed`]);
//! the node answers with one frame and closes the stream. A frame longer than its protocol's
//! limit is not read: the node answers 413 at once. One that does not decode is answered 400. A
//! stream closed before its first byte is dropped quietly (js-waku opens such streams).
//!
//! # What is served, and the limits
//!
//! - **LightPush** (`/vac/waku/lightpush/2.0.0-beta1`): a pushed message passes the rules of a
//!   message relayed by an untrusted peer (or a trusted one, for the peers in
//!   [`WakuConfig::trusted_peers`](crate::WakuConfig::trusted_peers)): 1 to 300 bytes of content
//!   topic, 1 byte to 1 MiB of payload, no `contact-`/`privatestore-` topic from an untrusted
//!   peer (403), and the peer's relay bucket. It must name this node's pubsub topic. It is then
//!   stored, delivered to this node's subscribers and relayed, and the answer says `is_success`.
//! - **Store v3** (`/vac/waku/store-query/3.0.0`): queries by content topics (1 to
//!   [`MAX_CONTENT_TOPICS`]) and time range, forward or backward, pages of at most
//!   [`MAX_PAGE`] (default [`DEFAULT_PAGE`]) and [`PAGE_BUDGET`] bytes. The cursor is the hash
//!   of the message the page starts after, the last message of the previous page as js-waku
//!   sends it: found in a table of recent page ends, else by scanning the query (at most
//!   [`MAX_SCAN`] envelopes); one not found is 400. Lookups by message hash (at most
//!   [`MAX_HASHES`]) need the content topics too (the store is keyed by topic), and look
//!   through at most [`MAX_SCAN`] envelopes of them. [`MAX_QUERIES`] queries and pushes run at
//!   once; more are answered 503.
//! - **Filter** (`/vac/waku/filter-subscribe/2.0.0-beta1`): ping, subscribe, unsubscribe and
//!   unsubscribe-all, at most [`MAX_CONTENT_TOPICS`] content topics a request,
//!   [`LightConfig::filter_max_topics_per_peer`] topics a peer and
//!   [`LightConfig::filter_max_peers`] subscribers (503 past either). Each envelope the node
//!   takes in (a client's publish, the relay, a LightPush, catch-up) and that matches is pushed
//!   once to each subscriber on `/vac/waku/filter-push/2.0.0-beta1`. A subscriber that cannot
//!   be dialled back, refuses the push protocol, does not keep up (its queue fills), or neither
//!   pings nor subscribes for [`LightConfig::filter_timeout`] is dropped.
//!
//! Every request is charged to its peer's bucket ([`LightConfig::per_peer`]; 429 over it).
//! Answers are counted in `xmtp_node_waku_light_requests_total{protocol, status}`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use libp2p::request_response::{self, ProtocolSupport, ResponseChannel};
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{PeerId, StreamProtocol};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinHandle;
use xmtp_proto::waku::WakuMessage;
use xmtp_proto::waku::filter::{
    FilterSubscribeRequest, FilterSubscribeResponse, FilterSubscribeType, MessagePush,
};
use xmtp_proto::waku::lightpush::{PushResponse, PushRpc};
use xmtp_proto::waku::store::{StoreQueryRequest, StoreQueryResponse};

use crate::config::LightConfig;
use crate::ratelimit::{KeyedLimiter, keyed, quota};
use crate::relay::{Closed, Filter, Hub, Updater};
use crate::store::{Store, StoredEnvelope};
use crate::waku_rules::{
    Cursors, Refused, Shared, StoreRequest, admit_message, filter_criteria, filter_kind,
    push_message, read_length, refused_page,
};
pub use crate::waku_rules::{
    DEFAULT_PAGE, Frame, MAX_CONTENT_TOPICS, MAX_HASHES, MAX_MESSAGE_FRAME, MAX_PAGE,
    MAX_PAGE_FRAME, MAX_QUERIES, MAX_QUERY_FRAME, MAX_SCAN, PAGE_BUDGET, Status,
};
use crate::waku_sync::Deliver;

/// Store v3's protocol id.
pub const STORE_PROTOCOL: &str = "/vac/waku/store-query/3.0.0";
/// LightPush's protocol id.
pub const LIGHTPUSH_PROTOCOL: &str = "/vac/waku/lightpush/2.0.0-beta1";
/// Filter's subscription protocol id.
pub const FILTER_SUBSCRIBE_PROTOCOL: &str = "/vac/waku/filter-subscribe/2.0.0-beta1";
/// Filter's push protocol id (the node dials the subscriber).
pub const FILTER_PUSH_PROTOCOL: &str = "/vac/waku/filter-push/2.0.0-beta1";

/// How long one request (or push) may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Unsigned-varint length-prefixed protobuf frames (as js-waku's `it-length-prefixed`), one
/// each way, with a size limit each way. Reading a request over its limit yields
/// [`Frame::Invalid`] without reading the body; a stream closed before its first byte is an
/// `UnexpectedEof` error (dropped quietly).
pub struct LengthPrefixed<Req, Resp> {
    max_request: usize,
    max_response: usize,
    answered: bool,
    types: PhantomData<fn() -> (Req, Resp)>,
}

impl<Req, Resp> Clone for LengthPrefixed<Req, Resp> {
    fn clone(&self) -> Self {
        Self {
            max_request: self.max_request,
            max_response: self.max_response,
            answered: self.answered,
            types: PhantomData,
        }
    }
}

impl<Req, Resp> LengthPrefixed<Req, Resp> {
    /// Requests of at most `max_request` bytes, answered by one frame of at most
    /// `max_response`.
    pub fn new(max_request: usize, max_response: usize) -> Self {
        Self {
            max_request,
            max_response,
            answered: true,
            types: PhantomData,
        }
    }

    /// Requests that get no answer (Filter's push): the response is the default message, read
    /// without waiting for the peer.
    pub fn unanswered(max_request: usize) -> Self {
        Self {
            answered: false,
            ..Self::new(max_request, 0)
        }
    }
}

async fn write_frame<T: AsyncWrite + Unpin, M: prost::Message>(
    io: &mut T,
    message: &M,
) -> io::Result<()> {
    io.write_all(&message.encode_length_delimited_to_vec())
        .await
}

impl<Req, Resp> request_response::Codec for LengthPrefixed<Req, Resp>
where
    Req: prost::Message + Default + Send + 'static,
    Resp: prost::Message + Default + Send + 'static,
{
    type Protocol = StreamProtocol;
    type Request = Frame<Req>;
    type Response = Resp;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Frame<Req>>
    where
        T: AsyncRead + Unpin + Send,
    {
        crate::waku_rules::read_request(io, self.max_request).await
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Resp>
    where
        T: AsyncRead + Unpin + Send,
    {
        if !self.answered {
            return Ok(Resp::default());
        }
        let length = read_length(io)
            .await?
            .filter(|length| *length <= self.max_response)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "response frame"))?;
        let mut body = vec![0u8; length];
        io.read_exact(&mut body).await?;
        Resp::decode(body.as_slice()).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        frame: Frame<Req>,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        match frame {
            Frame::Message(message) => write_frame(io, &message).await,
            Frame::Raw(bytes) => io.write_all(&bytes).await,
            Frame::Invalid(_) => Ok(()),
        }
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: Resp,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, &response).await
    }
}

/// Store v3's codec.
pub type StoreCodec = LengthPrefixed<StoreQueryRequest, StoreQueryResponse>;
/// LightPush's codec.
pub type LightPushCodec = LengthPrefixed<PushRpc, PushRpc>;
/// Filter's subscription codec.
pub type FilterCodec = LengthPrefixed<FilterSubscribeRequest, FilterSubscribeResponse>;
/// Filter's push codec (no answer).
pub type FilterPushCodec = LengthPrefixed<MessagePush, ()>;

impl StoreCodec {
    /// The limits the node applies.
    pub fn store() -> Self {
        Self::new(MAX_QUERY_FRAME, MAX_PAGE_FRAME)
    }
}

impl LightPushCodec {
    /// The limits the node applies.
    pub fn lightpush() -> Self {
        Self::new(MAX_MESSAGE_FRAME, MAX_QUERY_FRAME)
    }
}

impl FilterCodec {
    /// The limits the node applies.
    pub fn filter() -> Self {
        Self::new(MAX_QUERY_FRAME, MAX_QUERY_FRAME)
    }
}

impl FilterPushCodec {
    /// The limits the node applies.
    pub fn push() -> Self {
        Self::unanswered(MAX_MESSAGE_FRAME)
    }
}

pub(crate) type StoreBehaviour = request_response::Behaviour<StoreCodec>;
pub(crate) type LightPushBehaviour = request_response::Behaviour<LightPushCodec>;
pub(crate) type FilterBehaviour = request_response::Behaviour<FilterCodec>;
pub(crate) type FilterPushBehaviour = request_response::Behaviour<FilterPushCodec>;

/// A request-response behaviour for `protocol` with the node's timeout (a client's side too).
pub fn behaviour<C>(
    codec: C,
    protocol: &'static str,
    support: ProtocolSupport,
) -> request_response::Behaviour<C>
where
    C: request_response::Codec<Protocol = StreamProtocol> + Clone + Send + 'static,
{
    request_response::Behaviour::with_codec(
        codec,
        [(StreamProtocol::new(protocol), support)],
        request_response::Config::default()
            .with_request_timeout(REQUEST_TIMEOUT)
            .with_max_concurrent_streams(32),
    )
}

/// The four behaviours, each present only when its protocol is on.
pub(crate) struct Behaviours {
    pub(crate) store: Toggle<StoreBehaviour>,
    pub(crate) lightpush: Toggle<LightPushBehaviour>,
    pub(crate) filter: Toggle<FilterBehaviour>,
    pub(crate) filter_push: Toggle<FilterPushBehaviour>,
}

pub(crate) fn behaviours(config: &LightConfig) -> Behaviours {
    Behaviours {
        store: Toggle::from(config.store.then(|| {
            behaviour(
                StoreCodec::store(),
                STORE_PROTOCOL,
                ProtocolSupport::Inbound,
            )
        })),
        lightpush: Toggle::from(config.lightpush.then(|| {
            behaviour(
                LightPushCodec::lightpush(),
                LIGHTPUSH_PROTOCOL,
                ProtocolSupport::Inbound,
            )
        })),
        filter: Toggle::from(config.filter.then(|| {
            behaviour(
                FilterCodec::filter(),
                FILTER_SUBSCRIBE_PROTOCOL,
                ProtocolSupport::Inbound,
            )
        })),
        filter_push: Toggle::from(config.filter.then(|| {
            behaviour(
                FilterPushCodec::push(),
                FILTER_PUSH_PROTOCOL,
                ProtocolSupport::Outbound,
            )
        })),
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    protocol: &'static str,
    status: &'static str,
}

/// The light protocols' metrics, registered with the relay's.
pub(crate) struct LightMetrics {
    requests: Family<RequestLabels, Counter>,
    answered: AtomicU64,
    subscribers: Gauge,
    pushed: Counter,
    dropped: Counter,
}

impl LightMetrics {
    pub(crate) fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            requests: Family::default(),
            answered: AtomicU64::new(0),
            subscribers: Gauge::default(),
            pushed: Counter::default(),
            dropped: Counter::default(),
        };
        registry.register(
            "waku_light_requests",
            "Light-client requests answered, by protocol (store, lightpush, filter) and status",
            metrics.requests.clone(),
        );
        registry.register(
            "waku_filter_subscribers",
            "Peers with a Filter subscription",
            metrics.subscribers.clone(),
        );
        crate::waku::register_counters(
            registry,
            &[
                (
                    "waku_filter_pushed",
                    "Envelopes pushed to Filter subscribers",
                    &metrics.pushed,
                ),
                (
                    "waku_filter_dropped",
                    "Filter subscribers dropped (push failed, too slow, timed out)",
                    &metrics.dropped,
                ),
            ],
        );
        metrics
    }

    fn count(&self, protocol: &'static str, status: Status) {
        self.requests
            .get_or_create(&RequestLabels {
                protocol,
                status: status.label(),
            })
            .inc();
        self.answered.fetch_add(1, Ordering::Relaxed);
    }

    /// `(requests answered, subscribers, pushed, dropped)`.
    pub(crate) fn counts(&self) -> (u64, usize, u64, u64) {
        (
            self.answered.load(Ordering::Relaxed),
            usize::try_from(self.subscribers.get()).unwrap_or(0),
            self.pushed.get(),
            self.dropped.get(),
        )
    }
}

/// What a spawned task hands back to the relay task (which owns the swarm).
pub(crate) enum Done {
    Store(
        ResponseChannel<StoreQueryResponse>,
        StoreQueryResponse,
        Status,
    ),
    Push(ResponseChannel<PushRpc>, String, Result<(), Refused>),
    Deliver(PeerId, Arc<StoredEnvelope>),
    Ended(PeerId, u64),
}

/// One Filter subscriber.
struct Subscriber {
    topics: BTreeSet<String>,
    updater: Updater,
    task: JoinHandle<()>,
    generation: u64,
    last_ns: u64,
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The light protocols' state, in the relay task.
pub(crate) struct Light {
    pubsub_topic: String,
    limiter: KeyedLimiter<PeerId>,
    shared: Arc<Shared>,
    serving: Arc<Semaphore>,
    subscribers: HashMap<PeerId, Subscriber>,
    max_peers: usize,
    max_topics: usize,
    timeout_ns: u64,
    generation: u64,
    hub: Arc<Hub>,
    deliver: Arc<dyn Deliver>,
    clock: Arc<dyn xmtp_keystore::Clock>,
    metrics: Arc<LightMetrics>,
    done_tx: mpsc::Sender<Done>,
    pub(crate) done: mpsc::Receiver<Done>,
}

/// What the relay task passes in.
pub(crate) struct Parts {
    pub(crate) pubsub_topic: String,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) hub: Arc<Hub>,
    pub(crate) deliver: Arc<dyn Deliver>,
    pub(crate) clock: Arc<dyn xmtp_keystore::Clock>,
    pub(crate) metrics: Arc<LightMetrics>,
}

impl Light {
    pub(crate) fn new(config: &LightConfig, parts: Parts) -> Self {
        let (done_tx, done) = mpsc::channel(1024);
        Self {
            limiter: keyed(quota(config.per_peer, 1), &parts.clock),
            shared: Arc::new(Shared {
                store: parts.store,
                pubsub_topic: parts.pubsub_topic.clone(),
                cursors: Cursors::default(),
            }),
            pubsub_topic: parts.pubsub_topic,
            serving: Arc::new(Semaphore::new(MAX_QUERIES)),
            subscribers: HashMap::new(),
            max_peers: config.filter_max_peers,
            max_topics: config.filter_max_topics_per_peer,
            timeout_ns: u64::try_from(config.filter_timeout.as_nanos()).unwrap_or(u64::MAX),
            generation: 0,
            hub: parts.hub,
            deliver: parts.deliver,
            clock: parts.clock,
            metrics: parts.metrics,
            done_tx,
            done,
        }
    }

    fn charge(&self, peer: &PeerId) -> Result<(), Refused> {
        self.limiter
            .check_key(peer)
            .map_err(|_| (Status::TooManyRequests, "too many requests"))
    }

    fn permit(&self) -> Result<OwnedSemaphorePermit, Refused> {
        Arc::clone(&self.serving)
            .try_acquire_owned()
            .map_err(|_| (Status::Unavailable, "busy"))
    }

    /// Forgets quiet peers' buckets and drops subscribers that have not pinged in time.
    pub(crate) fn tick(&mut self) {
        self.limiter.retain_recent();
        let now = self.clock.now_ns();
        let before = self.subscribers.len();
        let timeout = self.timeout_ns;
        self.subscribers
            .retain(|_, s| now.saturating_sub(s.last_ns) <= timeout);
        self.dropped(before - self.subscribers.len());
    }

    fn dropped(&self, count: usize) {
        if count > 0 {
            self.metrics.dropped.inc_by(count as u64);
        }
        self.metrics
            .subscribers
            .set(i64::try_from(self.subscribers.len()).unwrap_or(i64::MAX));
    }

    // ---- Store v3 ----

    pub(crate) fn on_store(
        &mut self,
        event: request_response::Event<Frame<StoreQueryRequest>, StoreQueryResponse>,
        behaviour: &mut Toggle<StoreBehaviour>,
    ) {
        let Some((peer, frame, channel)) = inbound(event) else {
            return;
        };
        let request = match frame {
            Frame::Message(request) => request,
            Frame::Invalid(status) => {
                return self.answer_store(
                    behaviour,
                    channel,
                    refused_page(String::new(), (status, "invalid frame")),
                );
            }
            Frame::Raw(_) => return,
        };
        let id = request.request_id.clone();
        let started = self
            .charge(&peer)
            .and_then(|()| StoreRequest::check(request, &self.pubsub_topic))
            .and_then(|query| Ok((query, self.permit()?)));
        match started {
            Err(refused) => self.answer_store(behaviour, channel, refused_page(id, refused)),
            Ok((query, permit)) => {
                let shared = Arc::clone(&self.shared);
                let done = self.done_tx.clone();
                tokio::spawn(async move {
                    let (page, status) = match query.run(&shared).await {
                        Ok(page) => (page, Status::Ok),
                        Err(refused) => refused_page(id, refused),
                    };
                    drop(permit);
                    let _ = done.send(Done::Store(channel, page, status)).await;
                });
            }
        }
    }

    fn answer_store(
        &self,
        behaviour: &mut Toggle<StoreBehaviour>,
        channel: ResponseChannel<StoreQueryResponse>,
        (page, status): (StoreQueryResponse, Status),
    ) {
        self.metrics.count("store", status);
        if let Some(b) = behaviour.as_mut() {
            let _ = b.send_response(channel, page);
        }
    }

    // ---- LightPush ----

    /// Checks a pushed message; returns the envelope to relay once it is admitted (it is
    /// stored and delivered by a spawned task, which then answers).
    pub(crate) fn on_lightpush(
        &mut self,
        event: request_response::Event<Frame<PushRpc>, PushRpc>,
        behaviour: &mut Toggle<LightPushBehaviour>,
        relay_limiter: &KeyedLimiter<PeerId>,
        trusted: &HashSet<PeerId>,
    ) -> Option<Arc<StoredEnvelope>> {
        let (peer, frame, channel) = inbound(event)?;
        let rpc = match frame {
            Frame::Message(rpc) => rpc,
            Frame::Invalid(status) => {
                self.answer_push(
                    behaviour,
                    channel,
                    String::new(),
                    Err((status, "invalid frame")),
                );
                return None;
            }
            Frame::Raw(_) => return None,
        };
        let id = rpc.request_id.clone();
        let admitted = self.charge(&peer).and_then(|()| {
            let message = push_message(rpc, &self.pubsub_topic)?;
            if relay_limiter.check_key(&peer).is_err() {
                return Err((Status::TooManyRequests, "too many requests"));
            }
            let envelope = admit_message(message, trusted.contains(&peer))
                .map_err(|r| (Status::of_refusal(r), r.description()))?;
            Ok((envelope, self.permit()?))
        });
        match admitted {
            Err(refused) => {
                tracing::debug!(%peer, status = refused.0.code(), "lightpush refused");
                self.answer_push(behaviour, channel, id, Err(refused));
                None
            }
            Ok((envelope, permit)) => {
                let envelope = Arc::new(envelope);
                let deliver = Arc::clone(&self.deliver);
                let done = self.done_tx.clone();
                let stored = StoredEnvelope::clone(&envelope);
                tokio::spawn(async move {
                    let result = match deliver.deliver(stored).await {
                        Ok(_) => Ok(()),
                        Err(e) => {
                            tracing::warn!(error = %e, "storing a pushed envelope failed");
                            Err((Status::Internal, "store failed"))
                        }
                    };
                    drop(permit);
                    let _ = done.send(Done::Push(channel, id, result)).await;
                });
                Some(envelope)
            }
        }
    }

    fn answer_push(
        &self,
        behaviour: &mut Toggle<LightPushBehaviour>,
        channel: ResponseChannel<PushRpc>,
        request_id: String,
        result: Result<(), Refused>,
    ) {
        let (status, info) = outcome(result);
        self.metrics.count("lightpush", status);
        if let Some(b) = behaviour.as_mut() {
            let _ = b.send_response(
                channel,
                PushRpc {
                    request_id,
                    request: None,
                    response: Some(PushResponse {
                        is_success: status == Status::Ok,
                        info,
                    }),
                },
            );
        }
    }

    // ---- Filter ----

    pub(crate) fn on_filter(
        &mut self,
        event: request_response::Event<Frame<FilterSubscribeRequest>, FilterSubscribeResponse>,
        behaviour: &mut Toggle<FilterBehaviour>,
    ) {
        let Some((peer, frame, channel)) = inbound(event) else {
            return;
        };
        let (id, result) = match frame {
            Frame::Message(request) => {
                let id = request.request_id.clone();
                (
                    id,
                    self.charge(&peer)
                        .and_then(|()| self.subscribe(peer, request)),
                )
            }
            Frame::Invalid(status) => (String::new(), Err((status, "invalid frame"))),
            Frame::Raw(_) => return,
        };
        let (status, status_desc) = outcome(result);
        self.metrics.count("filter", status);
        if let Some(b) = behaviour.as_mut() {
            let _ = b.send_response(
                channel,
                FilterSubscribeResponse {
                    request_id: id,
                    status_code: status.code(),
                    status_desc,
                },
            );
        }
    }

    fn subscribe(&mut self, peer: PeerId, request: FilterSubscribeRequest) -> Result<(), Refused> {
        let kind = filter_kind(&request)?;
        let now = self.clock.now_ns();
        match kind {
            FilterSubscribeType::SubscriberPing => {
                let subscriber = self
                    .subscribers
                    .get_mut(&peer)
                    .ok_or((Status::NotFound, "not subscribed"))?;
                subscriber.last_ns = now;
                Ok(())
            }
            FilterSubscribeType::UnsubscribeAll => {
                self.subscribers
                    .remove(&peer)
                    .ok_or((Status::NotFound, "not subscribed"))?;
                self.dropped(0);
                Ok(())
            }
            FilterSubscribeType::Subscribe | FilterSubscribeType::Unsubscribe => {
                let topics = filter_criteria(&request, &self.pubsub_topic)?;
                if kind == FilterSubscribeType::Subscribe {
                    self.add(peer, topics, now)
                } else {
                    self.remove(peer, &topics, now)
                }
            }
        }
    }

    fn add(&mut self, peer: PeerId, topics: BTreeSet<String>, now: u64) -> Result<(), Refused> {
        if let Some(subscriber) = self.subscribers.get_mut(&peer) {
            let all: BTreeSet<String> = subscriber.topics.union(&topics).cloned().collect();
            if all.len() > self.max_topics {
                return Err((Status::Unavailable, "too many content topics for this peer"));
            }
            subscriber
                .updater
                .update(Filter::Topics(all.iter().cloned().collect()));
            subscriber.topics = all;
            subscriber.last_ns = now;
            return Ok(());
        }
        if self.subscribers.len() >= self.max_peers {
            return Err((Status::Unavailable, "too many subscribers"));
        }
        if topics.len() > self.max_topics {
            return Err((Status::Unavailable, "too many content topics for this peer"));
        }
        self.generation += 1;
        let generation = self.generation;
        let mut subscription = self
            .hub
            .subscribe(Filter::Topics(topics.iter().cloned().collect()));
        let updater = subscription.updater();
        let done = self.done_tx.clone();
        let task = tokio::spawn(async move {
            loop {
                match subscription.next().await {
                    Ok(envelope) => {
                        if done.send(Done::Deliver(peer, envelope)).await.is_err() {
                            return;
                        }
                    }
                    Err(closed) => {
                        if closed != Closed::Shutdown {
                            tracing::debug!(%peer, ?closed, "filter subscriber dropped");
                        }
                        let _ = done.send(Done::Ended(peer, generation)).await;
                        return;
                    }
                }
            }
        });
        self.subscribers.insert(
            peer,
            Subscriber {
                topics,
                updater,
                task,
                generation,
                last_ns: now,
            },
        );
        self.dropped(0);
        Ok(())
    }

    fn remove(&mut self, peer: PeerId, topics: &BTreeSet<String>, now: u64) -> Result<(), Refused> {
        let subscriber = self
            .subscribers
            .get_mut(&peer)
            .ok_or((Status::NotFound, "not subscribed"))?;
        subscriber.topics.retain(|t| !topics.contains(t));
        subscriber.last_ns = now;
        if subscriber.topics.is_empty() {
            self.subscribers.remove(&peer);
            self.dropped(0);
        } else {
            subscriber
                .updater
                .update(Filter::Topics(subscriber.topics.iter().cloned().collect()));
        }
        Ok(())
    }

    /// A push that failed: the subscriber is dropped.
    pub(crate) fn on_push(&mut self, event: request_response::Event<Frame<MessagePush>, ()>) {
        if let request_response::Event::OutboundFailure { peer, error, .. } = event {
            tracing::debug!(%peer, %error, "filter push failed: subscriber dropped");
            if self.subscribers.remove(&peer).is_some() {
                self.dropped(1);
            }
        }
    }

    /// Carries out what a task handed back; returns nothing to the relay.
    pub(crate) fn on_done(&mut self, done: Done, behaviours: LightBehavioursMut<'_>) {
        match done {
            Done::Store(channel, page, status) => {
                self.answer_store(behaviours.store, channel, (page, status));
            }
            Done::Push(channel, id, result) => {
                self.answer_push(behaviours.lightpush, channel, id, result);
            }
            Done::Deliver(peer, envelope) => {
                if !self.subscribers.contains_key(&peer) {
                    return;
                }
                if let Some(b) = behaviours.filter_push.as_mut() {
                    let message = WakuMessage::from_parts(
                        &envelope.content_topic,
                        envelope.timestamp_ns,
                        envelope.message.to_vec(),
                    );
                    b.send_request(
                        &peer,
                        Frame::Message(MessagePush {
                            waku_message: Some(message),
                            pubsub_topic: Some(self.pubsub_topic.clone()),
                        }),
                    );
                    self.metrics.pushed.inc();
                }
            }
            Done::Ended(peer, generation) => {
                if self
                    .subscribers
                    .get(&peer)
                    .is_some_and(|s| s.generation == generation)
                {
                    self.subscribers.remove(&peer);
                    self.dropped(1);
                }
            }
        }
    }
}

/// The light behaviours of the swarm, borrowed.
pub(crate) struct LightBehavioursMut<'a> {
    pub(crate) store: &'a mut Toggle<StoreBehaviour>,
    pub(crate) lightpush: &'a mut Toggle<LightPushBehaviour>,
    pub(crate) filter_push: &'a mut Toggle<FilterPushBehaviour>,
}

/// An inbound request's parts; other events (failures, EOF before a request) are logged.
fn inbound<Req, Resp>(
    event: request_response::Event<Frame<Req>, Resp>,
) -> Option<(PeerId, Frame<Req>, ResponseChannel<Resp>)> {
    match event {
        request_response::Event::Message {
            peer,
            message:
                request_response::Message::Request {
                    request, channel, ..
                },
            ..
        } => Some((peer, request, channel)),
        request_response::Event::InboundFailure { peer, error, .. } => {
            tracing::debug!(%peer, %error, "light request not read");
            None
        }
        _ => None,
    }
}

/// A result's status and what to tell the client (nothing on success).
fn outcome(result: Result<(), Refused>) -> (Status, Option<String>) {
    match result {
        Ok(()) => (Status::Ok, None),
        Err((status, desc)) => (status, Some(desc.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use request_response::Codec as _;

    async fn read(bytes: Vec<u8>) -> io::Result<Frame<StoreQueryRequest>> {
        let mut io = futures_util::io::Cursor::new(bytes);
        StoreCodec::store()
            .read_request(&StreamProtocol::new(STORE_PROTOCOL), &mut io)
            .await
    }

    #[tokio::test]
    async fn frames_are_length_prefixed_and_bounded() {
        let request = StoreQueryRequest {
            request_id: "r".into(),
            content_topics: vec!["/t".into()],
            ..Default::default()
        };
        let bytes = prost::Message::encode_length_delimited_to_vec(&request);
        assert!(matches!(read(bytes).await.unwrap(), Frame::Message(r) if r == request));
        // An empty stream: an error, dropped quietly.
        assert_eq!(
            read(vec![]).await.unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
        // Over the limit: refused on the length, the body unread.
        let mut long = Vec::new();
        prost::encode_length_delimiter(MAX_QUERY_FRAME + 1, &mut long).unwrap();
        assert!(matches!(
            read(long).await.unwrap(),
            Frame::Invalid(Status::TooLarge)
        ));
        // Not a varint, cut short, not protobuf.
        assert!(matches!(
            read(vec![0xff; 11]).await.unwrap(),
            Frame::Invalid(Status::BadRequest)
        ));
        assert!(matches!(
            read(vec![5, 1]).await.unwrap(),
            Frame::Invalid(Status::BadRequest)
        ));
        assert!(matches!(
            read(vec![2, 0xff, 0xff]).await.unwrap(),
            Frame::Invalid(Status::BadRequest)
        ));
    }
}
