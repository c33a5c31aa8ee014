//! Catching up (issue 18; waku.md §6): a node that was down, partitioned or new converges with
//! its Waku peers by range-based set reconciliation (negentropy) over `(timestamp, hash)`.
//!
//! # Protocol `/xmtp/sync/1.0.0`
//!
//! libp2p request-response with its CBOR codec, whose request and response size limits bound
//! every frame. Each envelope has a 32-byte id ([`SyncId`]: timestamp then digest prefix). The
//! asking node runs negentropy's client side over the keys of its window (envelopes at most
//! [`WakuConfig::sync_window`] old); the peer answers each `Reconcile` with its server side over
//! the same window. The asker then `Fetch`es the ids it lacks, at most [`MAX_FETCH_IDS`] a
//! request, answered with at most [`FETCH_BUDGET`] bytes of `WakuMessage` encodings. Only pulls
//! travel: each node runs the asking side itself (every [`WakuConfig::sync_interval`] and at
//! once when a peer connects), so both directions converge and only missing envelopes travel.
//!
//! # What is accepted
//!
//! A fetched envelope passes the relay's admission rules (size, topic, owner-only topics from
//! trusted peers only: an asker that does not trust the peer leaves those topics out of both
//! sets) and must be one that was asked for; it is then stored and handed to subscribers once,
//! as a relayed one is. A frame that does not decode, is over its limit, carries a negentropy
//! message that does not parse, asks for too many ids, or answers with an envelope the rules
//! refuse or that was not asked for gets the peer banned (its connections closed, new ones
//! refused) and counted in `xmtp_node_waku_sync_refused_total{reason}`. A peer over
//! [`MAX_REQUESTS_PER_PEER`] requests in one interval, or asking while [`MAX_SERVING`] requests
//! are served, is answered `Refused` (not banned).

use std::collections::{HashMap, HashSet};
use std::io;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};
use libp2p::request_response::{
    self, OutboundRequestId, ProtocolSupport, ResponseChannel, cbor::codec::Codec as CborCodec,
};
use libp2p::{PeerId, StreamProtocol};
use negentropy::{Id, Negentropy, NegentropyStorageVector};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::registry::Registry;
use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, mpsc, oneshot};
use xmtp_proto::Message as _;
use xmtp_proto::waku::WakuMessage;

use crate::config::WakuConfig;
use crate::store::{Store, StoreError, StoredEnvelope, SyncId, SyncKey};
use crate::waku::{Refusals, register_counters};

/// The protocol id.
pub const PROTOCOL: &str = "/xmtp/sync/1.0.0";
/// negentropy's frame size limit: each reconciliation message is at most this long (plus one id).
pub const FRAME_LIMIT: u64 = 64 * 1024;
/// Largest request frame: a negentropy message, or [`MAX_FETCH_IDS`] ids, and CBOR framing.
pub const MAX_REQUEST_BYTES: u64 = FRAME_LIMIT + 8 * 1024;
/// Ids one `Fetch` may ask for.
pub const MAX_FETCH_IDS: usize = 1024;
/// Envelope bytes one `Fetch` answer holds (it ends after the envelope that reaches this).
pub const FETCH_BUDGET: usize = 4 * 1024 * 1024;
/// Largest response frame: the budget, one envelope over it, and framing.
pub const MAX_RESPONSE_BYTES: u64 =
    (FETCH_BUDGET + crate::service::MAX_MESSAGE_BYTES) as u64 + FRAME_LIMIT + 64 * 1024;
/// Keys of the window reconciled: the newest, and the asker moves the window's start up to the
/// oldest of them, so both sides compare the same range. About 90 MB while a set is built.
pub const MAX_KEYS: usize = 1_000_000;
/// Reconcile messages one session exchanges before it gives up (negentropy needs about
/// log16 of the set size, more when frames are full).
pub const MAX_ROUNDS: usize = 256;
/// Ids one session fetches; the rest come in the next session.
pub const MAX_NEED: usize = 500_000;
/// Requests served to one peer per [`WakuConfig::sync_interval`].
pub const MAX_REQUESTS_PER_PEER: u32 = 4096;
/// Requests served at once (all peers).
pub const MAX_SERVING: usize = 2;
/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a set answered from is kept for the same peer's next round.
const SET_TTL: Duration = REQUEST_TIMEOUT;

/// A request of `/xmtp/sync/1.0.0`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncRequest {
    /// One negentropy message over the envelopes with `timestamp_ns >= from_ns`; `restricted`
    /// says whether the asker accepts owner-only topics from this peer (else both sides leave
    /// them out).
    Reconcile {
        /// Start of the window.
        from_ns: u64,
        /// Owner-only topics included.
        restricted: bool,
        /// The negentropy message.
        #[serde(with = "serde_bytes")]
        message: Vec<u8>,
    },
    /// The envelopes with these ids, 32 bytes each, concatenated.
    Fetch {
        /// Ids.
        #[serde(with = "serde_bytes")]
        ids: Vec<u8>,
    },
}

/// A response of `/xmtp/sync/1.0.0`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncResponse {
    /// The answering negentropy message.
    Reconciled {
        /// The negentropy message.
        #[serde(with = "serde_bytes")]
        message: Vec<u8>,
    },
    /// Envelopes asked for, each a `WakuMessage` encoding; ids the peer does not have, and those
    /// past the byte budget, are left out.
    Envelopes {
        /// Encoded `WakuMessage`s.
        envelopes: Vec<serde_bytes::ByteBuf>,
    },
    /// Not served now (over the peer's request budget, or busy): ask again later.
    Refused,
}

/// What travels as a request: a typed one, or (tests) raw bytes as a hostile peer would send.
/// A request frame that fails to decode is read as `Invalid`: libp2p reports a failed read to
/// no one, and the peer must be banned.
pub(crate) type Frame = crate::waku_light::Frame<SyncRequest, Violation>;

/// The CBOR codec with this protocol's limits; writes [`Frame::Raw`] as it is.
#[derive(Clone)]
pub(crate) struct SyncCodec(CborCodec<SyncRequest, SyncResponse>);

impl Default for SyncCodec {
    fn default() -> Self {
        Self(
            CborCodec::default()
                .set_request_size_maximum(MAX_REQUEST_BYTES)
                .set_response_size_maximum(MAX_RESPONSE_BYTES),
        )
    }
}

impl request_response::Codec for SyncCodec {
    type Protocol = StreamProtocol;
    type Request = Frame;
    type Response = SyncResponse;

    async fn read_request<T>(&mut self, protocol: &StreamProtocol, io: &mut T) -> io::Result<Frame>
    where
        T: AsyncRead + Unpin + Send,
    {
        match self.0.read_request(protocol, io).await {
            Ok(request) => Ok(Frame::Message(request)),
            Err(e) => Violation::of_io(&e).map(Frame::Invalid).ok_or(e),
        }
    }

    async fn read_response<T>(
        &mut self,
        protocol: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<SyncResponse>
    where
        T: AsyncRead + Unpin + Send,
    {
        self.0.read_response(protocol, io).await
    }

    async fn write_request<T>(
        &mut self,
        protocol: &StreamProtocol,
        io: &mut T,
        frame: Frame,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        match frame {
            Frame::Message(request) => self.0.write_request(protocol, io, request).await,
            Frame::Raw(bytes) => io.write_all(&bytes).await,
            Frame::Invalid(_) => Ok(()),
        }
    }

    async fn write_response<T>(
        &mut self,
        protocol: &StreamProtocol,
        io: &mut T,
        response: SyncResponse,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        self.0.write_response(protocol, io, response).await
    }
}

pub(crate) type SyncBehaviour = request_response::Behaviour<SyncCodec>;
pub(crate) type SyncEvent = request_response::Event<Frame, SyncResponse>;

/// The request-response behaviour of the protocol.
pub(crate) fn behaviour() -> SyncBehaviour {
    request_response::Behaviour::with_codec(
        SyncCodec::default(),
        [(StreamProtocol::new(PROTOCOL), ProtocolSupport::Full)],
        request_response::Config::default()
            .with_request_timeout(REQUEST_TIMEOUT)
            .with_max_concurrent_streams(MAX_SERVING * 4),
    )
}

/// Why a peer was banned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Violation {
    /// A frame over its size limit (or cut short).
    Oversized,
    /// A frame that does not decode, or a negentropy message that does not parse.
    Malformed,
    /// More ids than a `Fetch` may ask for.
    TooManyIds,
    /// A fetched envelope the admission rules refuse.
    Refused,
    /// A fetched envelope not asked for, or an answer of the wrong kind.
    Unsolicited,
}

impl Violation {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Oversized => "oversized",
            Self::Malformed => "malformed",
            Self::TooManyIds => "too_many_ids",
            Self::Refused => "refused_envelope",
            Self::Unsolicited => "unsolicited",
        }
    }

    /// The violation a failed read of a frame is, if it is one (`None`: the connection failed).
    fn of_io(error: &io::Error) -> Option<Self> {
        match error.kind() {
            // The codec reads at most the limit: a longer frame is cut and fails to decode.
            io::ErrorKind::UnexpectedEof => Some(Self::Oversized),
            io::ErrorKind::InvalidData | io::ErrorKind::Unsupported | io::ErrorKind::Other => {
                Some(Self::Malformed)
            }
            _ => None,
        }
    }
}

/// The sync metrics, registered with the relay's.
pub(crate) struct SyncMetrics {
    rounds: Counter,
    failed: Counter,
    fetched: Counter,
    sent: Counter,
    divergence: Counter,
    refused: Refusals,
}

impl SyncMetrics {
    pub(crate) fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            rounds: Counter::default(),
            failed: Counter::default(),
            fetched: Counter::default(),
            sent: Counter::default(),
            divergence: Counter::default(),
            refused: Refusals::register(
                registry,
                "waku_sync_refused",
                "Peers banned for a sync frame, by reason",
            ),
        };
        register_counters(
            registry,
            &[
                (
                    "waku_sync_rounds",
                    "Reconciliations with a peer completed (this node asking)",
                    &metrics.rounds,
                ),
                (
                    "waku_sync_failed",
                    "Reconciliations that failed (peer gone, timed out, refused, store error)",
                    &metrics.failed,
                ),
                (
                    "waku_sync_envelopes_fetched",
                    "Envelopes fetched from peers by reconciliation and stored",
                    &metrics.fetched,
                ),
                (
                    "waku_sync_envelopes_sent",
                    "Envelopes sent to peers that fetched them",
                    &metrics.sent,
                ),
                (
                    "waku_sync_divergence",
                    "Envelopes found on one side only (either side), by this node's reconciliations",
                    &metrics.divergence,
                ),
            ],
        );
        metrics
    }

    /// `(rounds, fetched, sent, refused)`.
    pub(crate) fn counts(&self) -> (u64, u64, u64, u64) {
        (
            self.rounds.get(),
            self.fetched.get(),
            self.sent.get(),
            self.refused.total(),
        )
    }

    pub(crate) fn refuse(&self, violation: Violation) {
        self.refused.inc(violation.label());
    }
}

/// What the sync task asks the relay task (which owns the swarm) to do.
pub(crate) enum Command {
    /// Send `frame` to `peer` and hand back the answer.
    Request {
        peer: PeerId,
        frame: Frame,
        reply: oneshot::Sender<Result<SyncResponse, Failed>>,
    },
    /// Answer an inbound request.
    Respond {
        channel: ResponseChannel<SyncResponse>,
        response: SyncResponse,
    },
    /// Ban `peer`.
    Ban { peer: PeerId, violation: Violation },
}

/// What the relay task tells the sync task.
pub(crate) enum Notice {
    Connected(PeerId),
    Disconnected(PeerId),
    Inbound {
        peer: PeerId,
        request: SyncRequest,
        channel: ResponseChannel<SyncResponse>,
    },
}

/// A request that got no answer.
#[derive(Debug)]
pub(crate) struct Failed;

/// The relay task's end: requests in flight, and the channels to the sync task.
pub(crate) struct Port {
    pending: HashMap<OutboundRequestId, oneshot::Sender<Result<SyncResponse, Failed>>>,
    notices: mpsc::Sender<Notice>,
    pub(crate) commands: mpsc::Receiver<Command>,
}

impl Port {
    /// Carries out `command`; returns a ban for the relay task to apply.
    pub(crate) fn on_command(
        &mut self,
        command: Command,
        sync: &mut SyncBehaviour,
    ) -> Option<(PeerId, Violation)> {
        match command {
            Command::Request { peer, frame, reply } => {
                let id = sync.send_request(&peer, frame);
                self.pending.insert(id, reply);
                None
            }
            Command::Respond { channel, response } => {
                let _ = sync.send_response(channel, response);
                None
            }
            Command::Ban { peer, violation } => Some((peer, violation)),
        }
    }

    /// Handles an event of the behaviour; returns a ban for the relay task to apply.
    pub(crate) fn on_event(&mut self, event: SyncEvent) -> Option<(PeerId, Violation)> {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request: Frame::Message(request),
                    channel,
                    ..
                } => {
                    self.notify(Notice::Inbound {
                        peer,
                        request,
                        channel,
                    });
                    None
                }
                request_response::Message::Request {
                    request: Frame::Invalid(violation),
                    ..
                } => Some((peer, violation)),
                // Never produced by the codec's reading side.
                request_response::Message::Request {
                    request: Frame::Raw(_),
                    ..
                } => Some((peer, Violation::Malformed)),
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some(reply) = self.pending.remove(&request_id) {
                        let _ = reply.send(Ok(response));
                    }
                    None
                }
            },
            request_response::Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                if let Some(reply) = self.pending.remove(&request_id) {
                    let _ = reply.send(Err(Failed));
                }
                tracing::debug!(%peer, %error, "sync request failed");
                match &error {
                    request_response::OutboundFailure::Io(e) => {
                        Violation::of_io(e).map(|v| (peer, v))
                    }
                    _ => None,
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                tracing::debug!(%peer, %error, "serving a sync request failed");
                match &error {
                    request_response::InboundFailure::Io(e) => {
                        Violation::of_io(e).map(|v| (peer, v))
                    }
                    _ => None,
                }
            }
            request_response::Event::ResponseSent { .. } => None,
        }
    }

    /// Tells the sync task; a full queue drops the notice (a request then times out, a
    /// connection is reconciled at the next interval).
    pub(crate) fn notify(&self, notice: Notice) {
        let _ = self.notices.try_send(notice);
    }
}

/// Stores an envelope and hands it to subscribers once (the relay's intake); true if it was
/// new.
#[async_trait]
pub(crate) trait Deliver: Send + Sync + 'static {
    async fn deliver(&self, envelope: StoredEnvelope) -> Result<bool, StoreError>;
}

/// The sync task: asks peers, answers them.
pub(crate) struct Syncer {
    store: Arc<dyn Store>,
    deliver: Arc<dyn Deliver>,
    trusted: HashSet<PeerId>,
    commands: mpsc::Sender<Command>,
    metrics: Arc<SyncMetrics>,
    interval: Duration,
    window_ns: u64,
    clock: Arc<dyn xmtp_keystore::Clock>,
    serving: Semaphore,
    answered: Answered,
}

/// The sets this node answered `Reconcile` rounds from lately, one a peer and at most
/// [`MAX_SERVING`]: a session's rounds all name the same window, so the peer's later rounds
/// are answered from the set its first round loaded (rather than reading up to [`MAX_KEYS`]
/// keys again each round). A set is dropped when the peer starts fetching (its reconciliation
/// is over), after [`SET_TTL`], or when another peer's set takes its place.
#[derive(Default)]
struct Answered {
    sets: std::sync::Mutex<std::collections::VecDeque<AnsweredSet>>,
}

struct AnsweredSet {
    peer: PeerId,
    from_ns: u64,
    restricted: bool,
    used_ns: u64,
    storage: Arc<NegentropyStorageVector>,
}

impl Answered {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::VecDeque<AnsweredSet>> {
        self.sets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The set kept for `peer`'s window, if fresh; others gone stale are dropped.
    fn get(
        &self,
        peer: PeerId,
        from_ns: u64,
        restricted: bool,
        now_ns: u64,
    ) -> Option<Arc<NegentropyStorageVector>> {
        let ttl = u64::try_from(SET_TTL.as_nanos()).unwrap_or(u64::MAX);
        let mut sets = self.lock();
        sets.retain(|set| now_ns.saturating_sub(set.used_ns) <= ttl);
        let set = sets.iter_mut().find(|set| {
            set.peer == peer && set.from_ns == from_ns && set.restricted == restricted
        })?;
        set.used_ns = now_ns;
        Some(Arc::clone(&set.storage))
    }

    /// Keeps `storage` as `peer`'s set, in place of its previous one and of the oldest past
    /// [`MAX_SERVING`].
    fn put(&self, set: AnsweredSet) {
        let mut sets = self.lock();
        sets.retain(|kept| kept.peer != set.peer);
        while sets.len() >= MAX_SERVING {
            sets.pop_front();
        }
        sets.push_back(set);
    }

    /// Drops `peer`'s set.
    fn forget(&self, peer: PeerId) {
        self.lock().retain(|set| set.peer != peer);
    }
}

/// The sync task and the relay task's port to it.
pub(crate) fn start(
    config: &WakuConfig,
    store: Arc<dyn Store>,
    deliver: Arc<dyn Deliver>,
    trusted: HashSet<PeerId>,
    metrics: Arc<SyncMetrics>,
    clock: Arc<dyn xmtp_keystore::Clock>,
) -> (Port, Arc<Syncer>, mpsc::Receiver<Notice>) {
    let (commands_tx, commands) = mpsc::channel(1024);
    let (notices, notices_rx) = mpsc::channel(1024);
    let syncer = Arc::new(Syncer {
        store,
        deliver,
        trusted,
        commands: commands_tx,
        metrics,
        interval: config.sync_interval,
        window_ns: u64::try_from(config.sync_window.as_nanos()).unwrap_or(u64::MAX),
        clock,
        serving: Semaphore::new(MAX_SERVING),
        answered: Answered::default(),
    });
    let port = Port {
        pending: HashMap::new(),
        notices,
        commands,
    };
    (port, syncer, notices_rx)
}

/// Why a session (or an answer) stopped early.
#[derive(Debug, thiserror::Error)]
enum SessionError {
    /// No answer (gone, timed out) or refused: try again later.
    #[error("the peer did not answer, or refused")]
    Peer,
    /// The local store failed.
    #[error(transparent)]
    Store(StoreError),
    /// The peer broke the protocol: banned.
    #[error("protocol violation: {}", .0.label())]
    Violation(Violation),
    /// negentropy failed on our own data.
    #[error("negentropy: {0}")]
    Local(negentropy::Error),
}

impl From<StoreError> for SessionError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// The ids of `keys`, leaving owner-only topics out unless `restricted`, as negentropy's
/// sealed storage.
fn storage(
    keys: &[SyncKey],
    restricted: bool,
) -> Result<NegentropyStorageVector, negentropy::Error> {
    let mut storage = NegentropyStorageVector::with_capacity(keys.len());
    for key in keys.iter().filter(|k| restricted || !k.restricted) {
        storage.insert(key.timestamp_ns, Id::from_byte_array(key.id().0))?;
    }
    storage.seal()?;
    Ok(storage)
}

/// The ids of a `Fetch`, checked against the bounds.
fn fetch_ids(bytes: &[u8]) -> Result<Vec<SyncId>, Violation> {
    if !bytes.len().is_multiple_of(32) {
        return Err(Violation::Malformed);
    }
    if bytes.len() / 32 > MAX_FETCH_IDS {
        return Err(Violation::TooManyIds);
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|chunk| {
            let mut id = [0u8; 32];
            id.copy_from_slice(chunk);
            SyncId(id)
        })
        .collect())
}

/// `Fetch`'s answer: the envelopes' encodings up to [`FETCH_BUDGET`] (inclusive of the one
/// reaching it).
fn within_budget(envelopes: Vec<StoredEnvelope>) -> Vec<serde_bytes::ByteBuf> {
    let mut out = Vec::new();
    let mut total = 0usize;
    for e in envelopes {
        let data = WakuMessage::from_parts(&e.content_topic, e.timestamp_ns, e.message.to_vec())
            .encode_to_vec();
        total = total.saturating_add(data.len());
        out.push(serde_bytes::ByteBuf::from(data));
        if total >= FETCH_BUDGET {
            break;
        }
    }
    out
}

impl Syncer {
    /// Runs until the relay task stops.
    pub(crate) async fn run(self: Arc<Self>, mut notices: mpsc::Receiver<Notice>) {
        let mut tick = tokio::time::interval_at(
            tokio::time::Instant::now() + self.interval,
            self.interval.max(Duration::from_millis(1)),
        );
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut peers = HashSet::new();
        let busy = Arc::new(std::sync::Mutex::new(HashSet::new()));
        let mut served: HashMap<PeerId, u32> = HashMap::new();
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    served.clear();
                    for peer in &peers {
                        self.spawn_session(*peer, &busy);
                    }
                }
                notice = notices.recv() => match notice {
                    None => break,
                    Some(Notice::Connected(peer)) => {
                        peers.insert(peer);
                        self.spawn_session(peer, &busy);
                    }
                    Some(Notice::Disconnected(peer)) => {
                        peers.remove(&peer);
                    }
                    Some(Notice::Inbound { peer, request, channel }) => {
                        let count = served.entry(peer).or_insert(0);
                        *count = count.saturating_add(1);
                        let over = *count > MAX_REQUESTS_PER_PEER;
                        let syncer = Arc::clone(&self);
                        tokio::spawn(async move { syncer.serve(peer, request, channel, over).await });
                    }
                }
            }
        }
    }

    /// Starts a session with `peer` unless one is running.
    fn spawn_session(
        self: &Arc<Self>,
        peer: PeerId,
        busy: &Arc<std::sync::Mutex<HashSet<PeerId>>>,
    ) {
        if !busy.lock().unwrap_or_else(|e| e.into_inner()).insert(peer) {
            return;
        }
        let syncer = Arc::clone(self);
        let busy = Arc::clone(busy);
        tokio::spawn(async move {
            let result = syncer.session(peer).await;
            busy.lock().unwrap_or_else(|e| e.into_inner()).remove(&peer);
            match result {
                Ok(()) => {
                    syncer.metrics.rounds.inc();
                }
                Err(e) => {
                    syncer.metrics.failed.inc();
                    tracing::debug!(%peer, error = %e, "reconciliation stopped");
                    if let SessionError::Violation(violation) = e {
                        syncer.ban(peer, violation).await;
                    }
                }
            }
        });
    }

    async fn ban(&self, peer: PeerId, violation: Violation) {
        let _ = self.commands.send(Command::Ban { peer, violation }).await;
    }

    async fn request(
        &self,
        peer: PeerId,
        request: SyncRequest,
    ) -> Result<SyncResponse, SessionError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Request {
                peer,
                frame: Frame::Message(request),
                reply,
            })
            .await
            .map_err(|_| SessionError::Peer)?;
        match answer.await {
            Ok(Ok(SyncResponse::Refused)) | Ok(Err(Failed)) | Err(_) => Err(SessionError::Peer),
            Ok(Ok(response)) => Ok(response),
        }
    }

    /// Sends raw bytes as a request to `peer` (tests: a hostile peer's frame).
    pub(crate) async fn send_raw(&self, peer: PeerId, bytes: Vec<u8>) {
        let (reply, _answer) = oneshot::channel();
        let _ = self
            .commands
            .send(Command::Request {
                peer,
                frame: Frame::Raw(bytes),
                reply,
            })
            .await;
    }

    /// One reconciliation with `peer`, this node asking: finds what it lacks and fetches it.
    async fn session(&self, peer: PeerId) -> Result<(), SessionError> {
        let restricted = self.trusted.contains(&peer);
        let mut from_ns = self.clock.now_ns().saturating_sub(self.window_ns);
        let keys = self.store.sync_keys(from_ns, MAX_KEYS).await?;
        if keys.len() == MAX_KEYS
            && let Some(oldest) = keys.first()
        {
            // Over the bound: compare only from the oldest key kept (others sharing its
            // timestamp may then be fetched again, and are stored once).
            from_ns = oldest.timestamp_ns;
        }
        let storage = storage(&keys, restricted).map_err(SessionError::Local)?;
        drop(keys);
        let mut negentropy =
            Negentropy::owned(storage, FRAME_LIMIT).map_err(SessionError::Local)?;
        let mut message = negentropy.initiate().map_err(SessionError::Local)?;
        let (mut have, mut need) = (Vec::new(), Vec::new());
        for round in 0.. {
            if round == MAX_ROUNDS || need.len() >= MAX_NEED {
                break;
            }
            let answer = match self
                .request(
                    peer,
                    SyncRequest::Reconcile {
                        from_ns,
                        restricted,
                        message,
                    },
                )
                .await?
            {
                SyncResponse::Reconciled { message } => message,
                _ => return Err(SessionError::Violation(Violation::Unsolicited)),
            };
            match negentropy.reconcile_with_ids(&answer, &mut have, &mut need) {
                Ok(Some(next)) => message = next,
                Ok(None) => break,
                Err(_) => return Err(SessionError::Violation(Violation::Malformed)),
            }
        }
        self.metrics
            .divergence
            .inc_by((have.len() + need.len()) as u64);
        need.truncate(MAX_NEED);
        for chunk in need.chunks(MAX_FETCH_IDS) {
            self.fetch(
                peer,
                chunk.iter().map(|id| SyncId(id.to_bytes())).collect(),
                restricted,
            )
            .await?;
        }
        Ok(())
    }

    /// Fetches `wanted` from `peer`, in as many requests as its budget needs.
    async fn fetch(
        &self,
        peer: PeerId,
        mut wanted: HashSet<SyncId>,
        restricted: bool,
    ) -> Result<(), SessionError> {
        while !wanted.is_empty() {
            let ids: Vec<u8> = wanted.iter().flat_map(|id| id.0).collect();
            let envelopes = match self.request(peer, SyncRequest::Fetch { ids }).await? {
                SyncResponse::Envelopes { envelopes } => envelopes,
                _ => return Err(SessionError::Violation(Violation::Unsolicited)),
            };
            if envelopes.is_empty() {
                // The peer no longer has them (retention): nothing more to ask for.
                return Ok(());
            }
            for data in envelopes {
                let envelope = crate::waku_rules::admit(&data, restricted)
                    .map_err(|_| SessionError::Violation(Violation::Refused))?;
                if !wanted.remove(&SyncId::new(envelope.timestamp_ns, &envelope.digest)) {
                    return Err(SessionError::Violation(Violation::Unsolicited));
                }
                if self.deliver.deliver(envelope).await? {
                    self.metrics.fetched.inc();
                }
            }
        }
        Ok(())
    }

    /// Answers one request from `peer` (`Refused` when `over` its budget or busy).
    async fn serve(
        &self,
        peer: PeerId,
        request: SyncRequest,
        channel: ResponseChannel<SyncResponse>,
        over: bool,
    ) {
        let permit = if over {
            None
        } else {
            self.serving.try_acquire().ok()
        };
        let response = match permit {
            None => Ok(SyncResponse::Refused),
            Some(_permit) => self.answer(peer, request).await,
        };
        let response = match response {
            Ok(response) => response,
            Err(SessionError::Violation(violation)) => {
                self.ban(peer, violation).await;
                return;
            }
            Err(e) => {
                tracing::debug!(%peer, error = %e, "not answering a sync request");
                SyncResponse::Refused
            }
        };
        let _ = self
            .commands
            .send(Command::Respond { channel, response })
            .await;
    }

    async fn answer(
        &self,
        peer: PeerId,
        request: SyncRequest,
    ) -> Result<SyncResponse, SessionError> {
        match request {
            SyncRequest::Reconcile {
                from_ns,
                restricted,
                message,
            } => {
                let storage = self.answering_set(peer, from_ns, restricted).await?;
                let mut negentropy =
                    Negentropy::borrowed(&*storage, FRAME_LIMIT).map_err(SessionError::Local)?;
                let message = negentropy
                    .reconcile(&message)
                    .map_err(|_| SessionError::Violation(Violation::Malformed))?;
                Ok(SyncResponse::Reconciled { message })
            }
            SyncRequest::Fetch { ids } => {
                self.answered.forget(peer);
                let ids = fetch_ids(&ids).map_err(SessionError::Violation)?;
                let envelopes = within_budget(self.store.by_sync_ids(ids).await?);
                self.metrics.sent.inc_by(envelopes.len() as u64);
                Ok(SyncResponse::Envelopes { envelopes })
            }
        }
    }
}

impl Syncer {
    /// The set `peer`'s round over the window from `asked_from_ns` is answered from: the one its
    /// earlier round loaded ([`Answered`]), else read from the store.
    async fn answering_set(
        &self,
        peer: PeerId,
        asked_from_ns: u64,
        restricted: bool,
    ) -> Result<Arc<NegentropyStorageVector>, SessionError> {
        let now = self.clock.now_ns();
        if let Some(storage) = self.answered.get(peer, asked_from_ns, restricted, now) {
            return Ok(storage);
        }
        // Never older than this node's own window.
        let from_ns = asked_from_ns.max(now.saturating_sub(self.window_ns));
        let keys = self.store.sync_keys(from_ns, MAX_KEYS).await?;
        let storage = Arc::new(storage(&keys, restricted).map_err(SessionError::Local)?);
        drop(keys);
        self.answered.put(AnsweredSet {
            peer,
            from_ns: asked_from_ns,
            restricted,
            used_ns: now,
            storage: Arc::clone(&storage),
        });
        Ok(storage)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn envelope(topic: &str, ts: u64, size: usize) -> StoredEnvelope {
        let message = vec![7u8; size];
        let mut data = topic.as_bytes().to_vec();
        data.extend_from_slice(&message);
        StoredEnvelope {
            content_topic: topic.to_owned(),
            timestamp_ns: ts,
            message: message.into(),
            digest: xmtp_crypto::sha256(&data),
        }
    }

    #[test]
    fn ids_are_the_timestamp_then_the_digest_prefix_and_order_like_the_store() {
        let digest: [u8; 32] = std::array::from_fn(|i| i as u8);
        let id = SyncId::new(0x0102_0304_0506_0708, &digest);
        assert_eq!(&id.0[..8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(&id.0[8..], &digest[..24]);
        assert_eq!(id.timestamp_ns(), 0x0102_0304_0506_0708);
        let (low, high) = id.digest_range();
        assert!(low <= digest && digest <= high);
        assert_eq!(&low[24..], &[0; 8]);
        assert_eq!(&high[24..], &[0xff; 8]);
        // Big-endian: the id order is (timestamp, digest) order, also across byte boundaries.
        assert!(SyncId::new(255, &[0xff; 32]) < SyncId::new(256, &[0; 32]));
        assert!(SyncId::new(u64::MAX - 1, &[0xff; 32]) < SyncId::new(u64::MAX, &[0; 32]));
        assert!(SyncId::new(5, &[1; 32]) < SyncId::new(5, &[2; 32]));
        let e = envelope("/xmtp/0/m-a/proto", 9, 3);
        assert!(SyncId::new(9, &e.digest).matches(&e));
        assert!(!SyncId::new(10, &e.digest).matches(&e));
    }

    #[test]
    fn fetch_ids_are_bounded_and_whole() {
        assert_eq!(fetch_ids(&[0; 64]).unwrap().len(), 2);
        assert_eq!(fetch_ids(&[0; 33]).unwrap_err(), Violation::Malformed);
        assert_eq!(
            fetch_ids(&vec![0; 32 * MAX_FETCH_IDS]).unwrap().len(),
            MAX_FETCH_IDS
        );
        assert_eq!(
            fetch_ids(&vec![0; 32 * (MAX_FETCH_IDS + 1)]).unwrap_err(),
            Violation::TooManyIds
        );
    }

    #[test]
    fn a_fetch_answer_stops_after_the_envelope_reaching_the_budget() {
        let big = 1024 * 1024;
        let envelopes: Vec<_> = (0..10).map(|i| envelope("/t", i, big)).collect();
        let out = within_budget(envelopes);
        assert_eq!(out.len(), FETCH_BUDGET / big);
        let total: usize = out.iter().map(|b| b.len()).sum();
        assert!(total >= FETCH_BUDGET && (total as u64) < MAX_RESPONSE_BYTES);
        assert_eq!(within_budget(vec![envelope("/t", 1, 1)]).len(), 1);
    }

    #[test]
    fn owner_only_topics_are_left_out_unless_restricted() {
        let keys = [
            SyncKey::of("/xmtp/0/m-a/proto", 1, [1; 32]),
            SyncKey::of("/xmtp/0/contact-0xabc/proto", 2, [2; 32]),
            SyncKey::of("/xmtp/0/installations-0xabc/proto", 3, [3; 32]),
        ];
        use negentropy::NegentropyStorageBase as _;
        assert_eq!(storage(&keys, true).unwrap().size().unwrap(), 3);
        assert_eq!(storage(&keys, false).unwrap().size().unwrap(), 1);
    }

    #[test]
    fn reconciliation_finds_both_sides_differences_within_the_frame_limit() {
        let key = |i: u64| SyncKey::of("/t", i, [(i % 251) as u8; 32]);
        let ours: Vec<SyncKey> = (0..20_000).map(key).collect();
        let theirs: Vec<SyncKey> = (100..20_050).map(key).collect();
        let mut client = Negentropy::owned(storage(&ours, true).unwrap(), FRAME_LIMIT).unwrap();
        let mut message = client.initiate().unwrap();
        let (mut have, mut need) = (Vec::new(), Vec::new());
        let mut rounds = 0;
        loop {
            assert!(message.len() as u64 <= FRAME_LIMIT);
            let mut server =
                Negentropy::owned(storage(&theirs, true).unwrap(), FRAME_LIMIT).unwrap();
            let answer = server.reconcile(&message).unwrap();
            assert!(answer.len() as u64 <= FRAME_LIMIT);
            rounds += 1;
            match client
                .reconcile_with_ids(&answer, &mut have, &mut need)
                .unwrap()
            {
                Some(next) => message = next,
                None => break,
            }
        }
        assert!(rounds <= MAX_ROUNDS);
        assert_eq!((have.len(), need.len()), (100, 50));
        let mut server = Negentropy::owned(storage(&theirs, true).unwrap(), FRAME_LIMIT).unwrap();
        assert!(
            server.reconcile(&[0x10]).is_err(),
            "not a negentropy message"
        );
        assert!(
            server.reconcile(&[0x61, 0x00, 0x00, 0x05]).is_err(),
            "no such mode"
        );
    }

    /// Reads `bytes` as a request with the protocol's codec.
    async fn read(bytes: Vec<u8>) -> Frame {
        use request_response::Codec as _;
        let mut io = futures_util::io::Cursor::new(bytes);
        SyncCodec::default()
            .read_request(&StreamProtocol::new(PROTOCOL), &mut io)
            .await
            .unwrap()
    }

    fn violation(frame: Frame) -> Option<Violation> {
        match frame {
            Frame::Invalid(v) => Some(v),
            _ => None,
        }
    }

    /// Writes `request` with the protocol's codec.
    async fn written(request: SyncRequest) -> Vec<u8> {
        use request_response::Codec as _;
        let mut io = futures_util::io::Cursor::new(Vec::new());
        SyncCodec::default()
            .write_request(
                &StreamProtocol::new(PROTOCOL),
                &mut io,
                Frame::Message(request),
            )
            .await
            .unwrap();
        io.into_inner()
    }

    #[tokio::test]
    async fn frames_within_the_limit_round_trip_and_others_are_violations() {
        let fetch = SyncRequest::Fetch {
            ids: vec![1; 32 * MAX_FETCH_IDS],
        };
        let bytes = written(fetch.clone()).await;
        assert!((bytes.len() as u64) < MAX_REQUEST_BYTES, "{}", bytes.len());
        // Byte strings travel as themselves: 32 KiB of ids cost a few bytes more.
        assert!(bytes.len() < 32 * MAX_FETCH_IDS + 32);
        assert!(matches!(read(bytes).await, Frame::Message(r) if r == fetch));

        let reconcile = SyncRequest::Reconcile {
            from_ns: u64::MAX,
            restricted: true,
            message: vec![0x61; FRAME_LIMIT as usize],
        };
        let bytes = written(reconcile.clone()).await;
        assert!(matches!(read(bytes).await, Frame::Message(r) if r == reconcile));

        let oversized = written(SyncRequest::Fetch {
            ids: vec![1; MAX_REQUEST_BYTES as usize],
        })
        .await;
        // The layout tests/waku.rs forges a long frame with: {"Fetch": {"ids": bytes}}.
        let mut prefix = vec![0xa1, 0x65];
        prefix.extend_from_slice(b"Fetch");
        prefix.extend_from_slice(&[0xa1, 0x63]);
        prefix.extend_from_slice(b"ids");
        prefix.push(0x5a);
        prefix.extend_from_slice(&(MAX_REQUEST_BYTES as u32).to_be_bytes());
        assert!(oversized.starts_with(&prefix));
        assert_eq!(violation(read(oversized).await), Some(Violation::Oversized));
        for garbage in [vec![0xa1, 0x63, b'f', b'o', b'o', 0x01], vec![]] {
            assert!(violation(read(garbage).await).is_some());
        }
        assert_eq!(
            violation(read(vec![0xff; 64]).await),
            Some(Violation::Malformed)
        );
        assert_eq!(
            Violation::of_io(&io::Error::from(io::ErrorKind::ConnectionReset)),
            None,
            "a lost connection is no violation"
        );
    }
}
