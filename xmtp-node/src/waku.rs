//! The node as a Waku v2 relay peer (issue 18, first slice; waku.md §2–3).
//!
//! A libp2p host (TCP and WebSocket, Noise, yamux and mplex, identify, ping) runs Waku Relay:
//! gossipsub under the single protocol id `/vac/waku/relay/2.0.0`, unsigned messages
//! (`MessageAuthenticity::Anonymous`, `ValidationMode::Anonymous`), message id = SHA-256 of the
//! data, one pubsub topic. Every envelope the node accepts from a client goes out as a
//! 14/WAKU2-MESSAGE; every message a peer relays is checked, stored and handed to this node's
//! subscribers.
//!
//! # What is accepted from whom
//!
//! Relay messages are unsigned: the only sender a node knows is the peer that forwarded the
//! message, which may itself have had it from another. So a node accepts from a peer what a
//! client could publish without proving who it is, checked as Publish checks it:
//! - the data must decode as a `WakuMessage` with a content topic of 1 to 300 bytes and a
//!   payload of 1 to [`MAX_MESSAGE_BYTES`] bytes (frames over gossipsub's transmit limit never
//!   reach the node);
//! - `contact-` and `privatestore-` envelopes may be written by their owner only, which a node
//!   checks on the publisher's auth token. The token does not travel with the message, so such
//!   envelopes are accepted only from the peers in [`WakuConfig::trusted_peers`]: nodes that
//!   checked the token, or that trust the node they had it from. Trust is per hop, so a restricted
//!   envelope crosses only edges of trust. A proof travelling with the message would lift this
//!   (a later slice);
//! - each forwarding peer has a token bucket ([`WakuConfig::per_peer`]); messages over it are
//!   dropped.
//!
//! A refused message is not forwarded: gossipsub validation says Reject for malformed,
//! oversized and untrusted restricted ones, Ignore for the rate limit and a full intake queue (an
//! honest node relaying a busy network is not misbehaving). Each refusal costs the forwarding
//! peer gossipsub score, and a peer that falls below the graylist threshold is ignored,
//! disconnected and refused ([`crate::waku_score`]).
//!
//! # Stored once, delivered once
//!
//! gossipsub drops a message whose id (SHA-256 of its bytes) it has seen recently, so a node
//! never gets its own publish back and sees each encoding once. One envelope may still come in
//! two encodings (a peer adding `meta`, say):
//! - the store stores it once without a new key or migration: its dedupe key
//!   `(timestamp_ns, SHA-256(topic || message))` is a function of exactly the fields the Waku
//!   hash covers for one pubsub topic and no meta;
//! - subscribers get it once through a FIFO set of the last [`WakuConfig::seen_capacity`] Waku
//!   hashes (of the message this node would publish for the envelope), marked when a client's
//!   envelope is relayed out and when a relayed one comes in. A repeat older than that window
//!   is delivered again, as a client's repeated Publish already is (network.md §4.4).

use std::collections::{HashSet, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::StreamExt;
use libp2p::core::muxing::StreamMuxerBox;
use libp2p::core::transport::Boxed;
use libp2p::core::upgrade::{SelectUpgrade, Version};
use libp2p::gossipsub::{self, IdentTopic, MessageAcceptance, MessageAuthenticity, MessageId};
use libp2p::identity::Keypair;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{
    Multiaddr, PeerId, Swarm, Transport, allow_block_list, connection_limits, identify, noise,
    ping, tcp, yamux,
};
use libp2p_websocket as websocket;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use xmtp_proto::Message as _;
use xmtp_proto::waku::{MessageHash, WakuMessage, envelope_hash};

use crate::config::WakuConfig;
use crate::error::{Error, Result};
use crate::ratelimit::{KeyedLimiter, keyed, quota};
use crate::relay::Hub;
use crate::service::{RelayOut, is_ephemeral};
use crate::store::{Store, StoredEnvelope};
use crate::waku_rules::{Refusal, admit};
use crate::waku_sync::Deliver as _;

/// Waku Relay's gossipsub protocol id (11/WAKU2-RELAY).
const RELAY_PROTOCOL: &str = "/vac/waku/relay/2.0.0";
/// Largest gossipsub frame: a 1 MiB envelope, its topic and Waku fields, and RPC framing.
const MAX_TRANSMIT_BYTES: usize = 1024 * 1024 + 64 * 1024;
/// Largest WebSocket message (each carries Noise frames of at most 64 KiB).
const MAX_WEBSOCKET_MESSAGE: usize = 1024 * 1024;
/// Envelopes waiting to be relayed out, and relayed ones waiting to be stored.
const QUEUE: usize = 1024;
/// How often lost static peers are dialled again.
const REDIAL: Duration = Duration::from_secs(2);
/// How often peer and mesh counts are refreshed (gossipsub grafts without an event).
const REFRESH: Duration = Duration::from_millis(100);
/// How long binding the listeners may take.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections kept open without a stream (mesh peers are kept open anyway).
const IDLE_CONNECTION: Duration = Duration::from_secs(60);
/// Largest node key file read.
const MAX_KEY_FILE: u64 = 16 * 1024;

#[derive(NetworkBehaviour)]
struct Behaviour {
    limits: connection_limits::Behaviour,
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    relay: gossipsub::Behaviour,
    blocked: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
    sync: crate::waku_sync::SyncBehaviour,
    store: Toggle<crate::waku_light::StoreBehaviour>,
    lightpush: Toggle<crate::waku_light::LightPushBehaviour>,
    filter: Toggle<crate::waku_light::FilterBehaviour>,
    filter_push: Toggle<crate::waku_light::FilterPushBehaviour>,
    metadata: crate::waku_metadata::MetadataBehaviour,
}

/// What the node's relay peer has seen so far ([`WakuPeer::status`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WakuStatus {
    /// Peers connected.
    pub peers: usize,
    /// Peers in the relay mesh of the pubsub topic.
    pub mesh_peers: usize,
    /// Relayed envelopes accepted, stored and handed to this node's subscribers.
    pub relayed_in: u64,
    /// Envelopes published to the relay.
    pub relayed_out: u64,
    /// Relayed messages refused (malformed, oversized, restricted from an untrusted peer, over
    /// the peer's rate, intake full).
    pub refused: u64,
    /// Relayed envelopes this node already had (not delivered again).
    pub duplicates: u64,
    /// Reconciliations with a peer completed, this node asking.
    pub sync_rounds: u64,
    /// Envelopes fetched by reconciliation and stored.
    pub sync_fetched: u64,
    /// Envelopes sent to peers that fetched them.
    pub sync_sent: u64,
    /// Peers banned for a sync frame.
    pub sync_refused: u64,
    /// Light-client requests answered (Store, LightPush, Filter), whatever their status.
    pub light_requests: u64,
    /// Peers with a Filter subscription.
    pub filter_subscribers: usize,
    /// Envelopes pushed to Filter subscribers.
    pub filter_pushed: u64,
    /// Filter subscribers dropped (push failed, too slow, timed out).
    pub filter_dropped: u64,
    /// Relay peers graylisted now: their gossipsub score is below
    /// [`GRAYLIST_THRESHOLD`](crate::waku_score::GRAYLIST_THRESHOLD), so they are ignored,
    /// disconnected and refused.
    pub graylisted: usize,
    /// Relay peers that fell below the graylist threshold so far.
    pub graylisted_total: u64,
    /// Peers disconnected for naming another cluster in the metadata protocol.
    pub other_cluster: u64,
}

/// The node's Waku relay peer, from [`RunningNode::waku`](crate::RunningNode::waku).
pub struct WakuPeer {
    peer_id: String,
    listen_addrs: Vec<String>,
    status: watch::Receiver<WakuStatus>,
    outbox: mpsc::Sender<Outgoing>,
    metrics: Arc<WakuMetrics>,
    syncer: Arc<crate::waku_sync::Syncer>,
    scores: Arc<Mutex<std::collections::HashMap<PeerId, f64>>>,
}

impl std::fmt::Debug for WakuPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WakuPeer")
            .field("peer_id", &self.peer_id)
            .field("listen_addrs", &self.listen_addrs)
            .finish_non_exhaustive()
    }
}

impl WakuPeer {
    /// The node's libp2p peer id.
    pub fn peer_id(&self) -> &str {
        &self.peer_id
    }

    /// The addresses bound, each ending in `/p2p/<peer id>`: what other nodes' `--waku-peer`
    /// takes.
    pub fn listen_addrs(&self) -> &[String] {
        &self.listen_addrs
    }

    /// The counts now (peer counts as of the relay task's last turn).
    pub fn status(&self) -> WakuStatus {
        let peers = *self.status.borrow();
        self.metrics.status(peers.peers, peers.mesh_peers)
    }

    /// Waits until `condition` holds for the status, and returns that status (`None` if the
    /// node stopped first). The relay task publishes the status after each event it handles,
    /// and at least every 100 ms.
    pub async fn wait_for(&self, condition: impl FnMut(&WakuStatus) -> bool) -> Option<WakuStatus> {
        let mut status = self.status.clone();
        status.wait_for(condition).await.ok().map(|s| *s)
    }

    /// The gossipsub score of the relay peer `peer_id` as of the relay task's last turn (at
    /// most 100 ms ago): connected and graylisted peers only.
    pub fn peer_score(&self, peer_id: &str) -> Option<f64> {
        let peer: PeerId = peer_id.parse().ok()?;
        self.scores
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&peer)
            .copied()
    }

    /// Sends `data` as a `/xmtp/sync/1.0.0` request to the connected peer `peer_id`, unchecked,
    /// as a hostile peer would: for tests.
    #[doc(hidden)]
    pub async fn sync_raw(&self, peer_id: &str, data: Vec<u8>) {
        if let Ok(peer) = peer_id.parse() {
            self.syncer.send_raw(peer, data).await;
        }
    }

    /// Publishes `data` to the relay unchecked, as a hostile peer would: for tests.
    #[doc(hidden)]
    pub async fn relay_raw(&self, data: Vec<u8>) {
        let _ = self.outbox.send(Outgoing::Raw(data)).await;
    }
}

enum Outgoing {
    Envelope(Arc<StoredEnvelope>),
    Raw(Vec<u8>),
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Envelope(_) => f.write_str("Envelope(..)"),
            Self::Raw(data) => write!(f, "Raw({} bytes)", data.len()),
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

/// Refusals by reason, and their total (for [`WakuStatus`]).
pub(crate) struct Refusals {
    by_reason: Family<ReasonLabels, Counter>,
    total: AtomicU64,
}

impl Refusals {
    /// Registered as `name` (a counter family labelled `reason`).
    pub(crate) fn register(registry: &mut Registry, name: &str, help: &str) -> Self {
        let by_reason = Family::default();
        registry.register(name, help, by_reason.clone());
        Self {
            by_reason,
            total: AtomicU64::new(0),
        }
    }

    pub(crate) fn inc(&self, reason: &'static str) {
        self.by_reason.get_or_create(&ReasonLabels { reason }).inc();
        self.total.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }
}

/// Registers each `(name, help, counter)`.
pub(crate) fn register_counters(registry: &mut Registry, counters: &[(&str, &str, &Counter)]) {
    for (name, help, counter) in counters {
        registry.register(*name, *help, (*counter).clone());
    }
}

/// The relay's metrics, registered with the node's.
pub(crate) struct WakuMetrics {
    peers: Gauge,
    mesh_peers: Gauge,
    relay_in: Counter,
    relay_out: Counter,
    relay_out_failed: Counter,
    duplicates: Counter,
    refused: Refusals,
    sync: Arc<crate::waku_sync::SyncMetrics>,
    light: Arc<crate::waku_light::LightMetrics>,
    score: Arc<crate::waku_score::ScoreMetrics>,
    other_cluster: Counter,
}

impl WakuMetrics {
    pub(crate) fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            peers: Gauge::default(),
            mesh_peers: Gauge::default(),
            relay_in: Counter::default(),
            relay_out: Counter::default(),
            relay_out_failed: Counter::default(),
            duplicates: Counter::default(),
            refused: Refusals::register(
                registry,
                "waku_relay_in_refused",
                "Relayed messages refused, by reason",
            ),
            sync: Arc::new(crate::waku_sync::SyncMetrics::register(registry)),
            light: Arc::new(crate::waku_light::LightMetrics::register(registry)),
            score: Arc::new(crate::waku_score::ScoreMetrics::register(registry)),
            other_cluster: crate::waku_metadata::Metadata::register(registry),
        };
        for (name, help, gauge) in [
            ("waku_peers", "Waku peers connected", &metrics.peers),
            (
                "waku_mesh_peers",
                "Waku peers in the relay mesh of the pubsub topic",
                &metrics.mesh_peers,
            ),
        ] {
            registry.register(name, help, gauge.clone());
        }
        register_counters(
            registry,
            &[
                (
                    "waku_relay_in",
                    "Relayed envelopes accepted, stored and delivered to subscribers",
                    &metrics.relay_in,
                ),
                (
                    "waku_relay_out",
                    "Envelopes published to the Waku relay",
                    &metrics.relay_out,
                ),
                (
                    "waku_relay_out_failed",
                    "Envelopes not relayed (no peer, queue full)",
                    &metrics.relay_out_failed,
                ),
                (
                    "waku_relay_in_duplicates",
                    "Relayed envelopes this node already had",
                    &metrics.duplicates,
                ),
            ],
        );
        metrics
    }

    fn status(&self, peers: usize, mesh_peers: usize) -> WakuStatus {
        let (sync_rounds, sync_fetched, sync_sent, sync_refused) = self.sync.counts();
        let (light_requests, filter_subscribers, filter_pushed, filter_dropped) =
            self.light.counts();
        let (graylisted, graylisted_total) = self.score.counts();
        WakuStatus {
            graylisted,
            graylisted_total,
            other_cluster: self.other_cluster.get(),
            light_requests,
            filter_subscribers,
            filter_pushed,
            filter_dropped,
            sync_rounds,
            sync_fetched,
            sync_sent,
            sync_refused,
            peers,
            mesh_peers,
            relayed_in: self.relay_in.get(),
            relayed_out: self.relay_out.get(),
            refused: self.refused.total(),
            duplicates: self.duplicates.get(),
        }
    }

    fn refuse(&self, refusal: Refusal) {
        self.refused.inc(refusal.label());
    }
}

impl Refusal {
    /// What gossipsub is told: Reject costs the forwarding peer score, Ignore does not.
    fn acceptance(self) -> MessageAcceptance {
        match self {
            Self::Malformed | Self::Empty | Self::TooBig => MessageAcceptance::Reject,
            // Untrusted: an honest peer that trusts the envelope's origin forwards it too (trust
            // is one-sided); it is charged P5 instead (`waku_score`).
            Self::Untrusted | Self::RateLimited | Self::Busy => MessageAcceptance::Ignore,
        }
    }
}

/// The Waku hashes of the envelopes delivered lately, oldest forgotten first.
struct Seen {
    inner: Mutex<SeenInner>,
}

struct SeenInner {
    set: HashSet<MessageHash>,
    order: VecDeque<MessageHash>,
    capacity: usize,
}

impl Seen {
    fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(SeenInner {
                set: HashSet::new(),
                order: VecDeque::new(),
                capacity: capacity.max(1),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, SeenInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks `hash`; false if it was already marked.
    fn insert(&self, hash: MessageHash) -> bool {
        let mut inner = self.lock();
        if !inner.set.insert(hash) {
            return false;
        }
        inner.order.push_back(hash);
        if inner.order.len() > inner.capacity
            && let Some(oldest) = inner.order.pop_front()
        {
            inner.set.remove(&oldest);
        }
        true
    }
}

/// A started relay peer: the hook Publish calls, the handle, and the tasks to stop.
pub(crate) struct Started {
    pub(crate) relay_out: RelayOut,
    pub(crate) peer: WakuPeer,
    pub(crate) tasks: Vec<JoinHandle<()>>,
}

/// Builds the libp2p host, binds its listeners and starts relaying.
pub(crate) async fn start(
    config: &WakuConfig,
    store: Arc<dyn Store>,
    hub: Arc<Hub>,
    metrics: Arc<WakuMetrics>,
    clock: &Arc<dyn xmtp_keystore::Clock>,
) -> Result<Started> {
    let key = node_key(config.key_file.as_deref())?;
    let local = key.public().to_peer_id();
    let listen = config
        .listen
        .iter()
        .map(|text| multiaddr("--waku-listen", text))
        .collect::<Result<Vec<_>>>()?;
    let peers = config
        .peers
        .iter()
        .map(|text| static_peer(text))
        .collect::<Result<Vec<_>>>()?;
    let trusted = config
        .trusted_peers
        .iter()
        .map(|text| {
            text.parse::<PeerId>()
                .map_err(|e| Error::Config(format!("--waku-trusted-peer {text}: {e}")))
        })
        .collect::<Result<HashSet<_>>>()?;
    let topic = IdentTopic::new(config.pubsub_topic.clone());

    let light_behaviours = crate::waku_light::behaviours(&config.light);
    let behaviour = Behaviour {
        limits: connection_limits::Behaviour::new(
            connection_limits::ConnectionLimits::default()
                .with_max_pending_incoming(Some(64))
                .with_max_established_incoming(Some(256))
                .with_max_established_per_peer(Some(2)),
        ),
        identify: identify::Behaviour::new(
            identify::Config::new("xmtp-node/1".to_owned(), key.public())
                .with_agent_version(format!("xmtp-node/{}", env!("CARGO_PKG_VERSION"))),
        ),
        ping: ping::Behaviour::new(ping::Config::new()),
        relay: relay_behaviour(&topic)?,
        blocked: allow_block_list::Behaviour::default(),
        sync: crate::waku_sync::behaviour(),
        store: light_behaviours.store,
        lightpush: light_behaviours.lightpush,
        filter: light_behaviours.filter,
        filter_push: light_behaviours.filter_push,
        metadata: crate::waku_metadata::behaviour(),
    };
    let transport = transport(&key).map_err(|e| Error::Config(format!("Noise: {e}")))?;
    let mut swarm = Swarm::new(
        transport,
        behaviour,
        local,
        libp2p::swarm::Config::with_tokio_executor().with_idle_connection_timeout(IDLE_CONNECTION),
    );
    let listen_addrs = bind(&mut swarm, listen, local).await?;
    tracing::info!(peer_id = %local, addrs = ?listen_addrs, "waku relay listening");

    let seen = Arc::new(Seen::new(config.seen_capacity));
    let (outbox_tx, outbox) = mpsc::channel(QUEUE);
    let (inbox, inbox_rx) = mpsc::channel(QUEUE);
    let (status_tx, status) = watch::channel(WakuStatus::default());
    let (scoring, scores) =
        crate::waku_score::Scoring::new(Arc::clone(&metrics.score), Arc::clone(clock));
    let intake = Arc::new(Intake {
        store: Arc::clone(&store),
        hub: Arc::clone(&hub),
        seen: Arc::clone(&seen),
        pubsub_topic: config.pubsub_topic.clone(),
        metrics: Arc::clone(&metrics),
    });
    let (sync_port, syncer, sync_notices) = crate::waku_sync::start(
        config,
        Arc::clone(&store),
        Arc::clone(&intake) as Arc<dyn crate::waku_sync::Deliver>,
        trusted.clone(),
        Arc::clone(&metrics.sync),
        Arc::clone(clock),
    );
    let light = crate::waku_light::Light::new(
        &config.light,
        crate::waku_light::Parts {
            pubsub_topic: config.pubsub_topic.clone(),
            store: Arc::clone(&store),
            hub: Arc::clone(&hub),
            deliver: Arc::clone(&intake) as Arc<dyn crate::waku_sync::Deliver>,
            clock: Arc::clone(clock),
            metrics: Arc::clone(&metrics.light),
        },
    );
    let relay = Relay {
        light,
        swarm,
        topic: topic.hash(),
        peers,
        trusted: trusted.clone(),
        sync: sync_port,
        limiter: keyed(quota(config.per_peer, 1), clock),
        inbox,
        outbox,
        metrics: Arc::clone(&metrics),
        status: status_tx,
        scoring,
        metadata: crate::waku_metadata::Metadata::new(
            &config.pubsub_topic,
            metrics.other_cluster.clone(),
        ),
        banned: crate::waku_score::BlockedPeers::new(),
        other_cluster: HashSet::new(),
    };
    let relay_out: RelayOut = {
        let outbox = outbox_tx.clone();
        let pubsub_topic = config.pubsub_topic.clone();
        let metrics = Arc::clone(&metrics);
        Box::new(move |envelope: &Arc<StoredEnvelope>| {
            seen.insert(envelope_hash(
                &pubsub_topic,
                &envelope.content_topic,
                envelope.timestamp_ns,
                &envelope.message,
            ));
            if outbox
                .try_send(Outgoing::Envelope(Arc::clone(envelope)))
                .is_err()
            {
                metrics.relay_out_failed.inc();
            }
        })
    };
    Ok(Started {
        relay_out,
        peer: WakuPeer {
            peer_id: local.to_string(),
            listen_addrs,
            status,
            outbox: outbox_tx,
            metrics,
            syncer: Arc::clone(&syncer),
            scores,
        },
        tasks: vec![
            tokio::spawn(relay.run()),
            tokio::spawn(intake.run(inbox_rx)),
            tokio::spawn(syncer.run(sync_notices)),
        ],
    })
}

fn multiaddr(flag: &str, text: &str) -> Result<Multiaddr> {
    text.parse()
        .map_err(|e| Error::Config(format!("{flag} {text}: {e}")))
}

/// A `--waku-peer`: a multiaddr ending in `/p2p/<peer id>`.
fn static_peer(text: &str) -> Result<(PeerId, Multiaddr)> {
    let addr = multiaddr("--waku-peer", text)?;
    match addr.iter().last() {
        Some(Protocol::P2p(peer)) => Ok((peer, addr)),
        _ => Err(Error::Config(format!(
            "--waku-peer {text}: must end in /p2p/<peer id>"
        ))),
    }
}

/// The node key from `path` (libp2p's protobuf encoding), made and saved (mode 0600) if the
/// file does not exist; a fresh key without a path.
fn node_key(path: Option<&Path>) -> Result<Keypair> {
    let Some(path) = path else {
        return Ok(Keypair::generate_ed25519());
    };
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_KEY_FILE => Err(Error::Config(format!(
            "node key {shown}: not a key file (too large)"
        ))),
        Ok(_) => {
            let bytes = xmtp_crypto::SecretBytes::new(
                std::fs::read(path)
                    .map_err(|e| Error::Config(format!("reading node key {shown}: {e}")))?,
            );
            Keypair::from_protobuf_encoding(bytes.expose())
                .map_err(|e| Error::Config(format!("node key {shown}: {e}")))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = Keypair::generate_ed25519();
            let encoded = xmtp_crypto::SecretBytes::new(
                key.to_protobuf_encoding()
                    .map_err(|e| Error::Config(format!("encoding the node key: {e}")))?,
            );
            write_new_secret(path, encoded.expose())
                .map_err(|e| Error::Config(format!("writing node key {shown}: {e}")))?;
            tracing::info!(path = %shown, "created a new node key");
            Ok(key)
        }
        Err(e) => Err(Error::Config(format!("reading node key {shown}: {e}"))),
    }
}

fn write_new_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Gossipsub as Waku Relay, subscribed to `topic`.
fn relay_behaviour(topic: &IdentTopic) -> Result<gossipsub::Behaviour> {
    let config = gossipsub::ConfigBuilder::default()
        .protocol_id(RELAY_PROTOCOL, gossipsub::Version::V1_1)
        .validation_mode(gossipsub::ValidationMode::Anonymous)
        // Each message is checked (and stored) before it is forwarded.
        .validate_messages()
        .message_id_fn(|message: &gossipsub::Message| {
            MessageId::new(&xmtp_crypto::sha256(&message.data))
        })
        .max_transmit_size(MAX_TRANSMIT_BYTES)
        .build()
        .map_err(|e| Error::Config(format!("gossipsub: {e}")))?;
    let mut relay = gossipsub::Behaviour::new(MessageAuthenticity::Anonymous, config)
        .map_err(|e| Error::Config(format!("gossipsub: {e}")))?;
    let (params, thresholds) = crate::waku_score::params(topic.hash());
    relay
        .with_peer_score(params, thresholds)
        .map_err(|e| Error::Config(format!("gossipsub scoring: {e}")))?;
    relay
        .subscribe(topic)
        .map_err(|e| Error::Config(format!("subscribing to {topic}: {e}")))?;
    Ok(relay)
}

/// TCP and WebSocket over TCP, each with Noise and then yamux or mplex (waku.md §2).
fn transport(key: &Keypair) -> Result<Boxed<(PeerId, StreamMuxerBox)>, noise::Error> {
    let tcp = || tcp::tokio::Transport::new(tcp::Config::default().nodelay(true));
    let mut ws = websocket::Config::new(tcp());
    ws.set_max_data_size(MAX_WEBSOCKET_MESSAGE);
    Ok(ws
        .or_transport(tcp())
        .upgrade(Version::V1Lazy)
        .authenticate(noise::Config::new(key)?)
        .multiplex(SelectUpgrade::new(
            yamux::Config::default(),
            libp2p_mplex::Config::default(),
        ))
        .timeout(Duration::from_secs(20))
        .boxed())
}

/// Starts the listeners and waits until each has an address.
async fn bind(
    swarm: &mut Swarm<Behaviour>,
    listen: Vec<Multiaddr>,
    local: PeerId,
) -> Result<Vec<String>> {
    let mut pending = HashSet::new();
    for addr in listen {
        let id = swarm
            .listen_on(addr.clone())
            .map_err(|e| Error::Config(format!("--waku-listen {addr}: {e}")))?;
        pending.insert(id);
    }
    let mut addrs = Vec::new();
    let wait = async {
        while !pending.is_empty() {
            match swarm.select_next_some().await {
                SwarmEvent::NewListenAddr {
                    listener_id,
                    address,
                } => {
                    pending.remove(&listener_id);
                    addrs.push(address.with(Protocol::P2p(local)).to_string());
                }
                SwarmEvent::ListenerClosed {
                    addresses, reason, ..
                } => {
                    return Err(Error::Config(format!(
                        "waku listener {addresses:?} closed: {reason:?}"
                    )));
                }
                SwarmEvent::ListenerError { error, .. } => {
                    return Err(Error::Config(format!("waku listener: {error}")));
                }
                _ => {}
            }
        }
        Ok(())
    };
    tokio::time::timeout(LISTEN_TIMEOUT, wait)
        .await
        .map_err(|_| Error::Config("waku listeners did not start in time".into()))??;
    Ok(addrs)
}

/// The task driving the libp2p host.
struct Relay {
    light: crate::waku_light::Light,
    swarm: Swarm<Behaviour>,
    topic: gossipsub::TopicHash,
    peers: Vec<(PeerId, Multiaddr)>,
    trusted: HashSet<PeerId>,
    sync: crate::waku_sync::Port,
    limiter: KeyedLimiter<PeerId>,
    inbox: mpsc::Sender<StoredEnvelope>,
    outbox: mpsc::Receiver<Outgoing>,
    metrics: Arc<WakuMetrics>,
    status: watch::Sender<WakuStatus>,
    scoring: crate::waku_score::Scoring,
    metadata: crate::waku_metadata::Metadata,
    /// Static peers found to be of another cluster: not dialled again.
    other_cluster: HashSet<PeerId>,
    /// Peers banned for a sync violation: blocked until this node restarts (graylisting blocks
    /// for a while), at most `MAX_BLOCKED` of them, the oldest ban lifted first.
    banned: crate::waku_score::BlockedPeers,
}

impl Relay {
    async fn run(mut self) {
        let mut redial = tokio::time::interval(REDIAL);
        let mut refresh = tokio::time::interval(REFRESH);
        for timer in [&mut redial, &mut refresh] {
            timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        }
        loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_event(event),
                Some(outgoing) = self.outbox.recv() => self.publish(outgoing),
                Some(command) = self.sync.commands.recv() => {
                    if let Some((peer, violation)) =
                        self.sync.on_command(command, &mut self.swarm.behaviour_mut().sync)
                    {
                        self.ban(peer, violation);
                    }
                }
                Some(done) = self.light.done.recv() => {
                    let behaviour = self.swarm.behaviour_mut();
                    self.light.on_done(done, crate::waku_light::LightBehavioursMut {
                        store: &mut behaviour.store,
                        lightpush: &mut behaviour.lightpush,
                        filter_push: &mut behaviour.filter_push,
                    });
                }
                _ = redial.tick() => {
                    self.light.tick();
                    self.redial();
                }
                _ = refresh.tick() => {
                    self.rescore();
                    for peer in self.metadata.due(std::time::Instant::now()) {
                        self.leave_other_cluster(peer);
                    }
                }
            }
            self.report();
        }
    }

    fn on_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Relay(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            })) => {
                let acceptance = self.receive(&propagation_source, &message.data);
                let relay = &mut self.swarm.behaviour_mut().relay;
                relay.report_message_validation_result(
                    &message_id,
                    &propagation_source,
                    acceptance,
                );
                if acceptance != MessageAcceptance::Accept {
                    for verdict in self.scoring.check(relay, &propagation_source) {
                        self.apply(verdict);
                    }
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) => {
                if let Some((peer, violation)) = self.sync.on_event(event) {
                    self.ban(peer, violation);
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Store(event)) => {
                self.light
                    .on_store(event, &mut self.swarm.behaviour_mut().store);
            }
            SwarmEvent::Behaviour(BehaviourEvent::Lightpush(event)) => {
                if let Some(envelope) = self.light.on_lightpush(
                    event,
                    &mut self.swarm.behaviour_mut().lightpush,
                    &self.limiter,
                    &self.trusted,
                ) {
                    self.publish(Outgoing::Envelope(envelope));
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Filter(event)) => {
                self.light
                    .on_filter(event, &mut self.swarm.behaviour_mut().filter);
            }
            SwarmEvent::Behaviour(BehaviourEvent::FilterPush(event)) => {
                self.light.on_push(event);
            }
            SwarmEvent::Behaviour(BehaviourEvent::Metadata(event)) => {
                if let Some(peer) = self
                    .metadata
                    .on_event(event, &mut self.swarm.behaviour_mut().metadata)
                {
                    self.leave_other_cluster(peer);
                }
            }
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!(%address, "waku relay listening");
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                num_established,
                ..
            } => {
                tracing::debug!(%peer_id, "waku peer connected");
                if num_established.get() == 1 {
                    self.metadata
                        .ask(&mut self.swarm.behaviour_mut().metadata, peer_id);
                    self.sync
                        .notify(crate::waku_sync::Notice::Connected(peer_id));
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                cause,
                num_established,
                ..
            } => {
                tracing::debug!(%peer_id, ?cause, "waku peer connection closed");
                if num_established == 0 {
                    self.metadata.disconnected(&peer_id);
                    self.sync
                        .notify(crate::waku_sync::Notice::Disconnected(peer_id));
                }
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                tracing::debug!(?peer_id, %error, "waku dial failed");
            }
            _ => {}
        }
    }

    /// Checks a relayed message and queues it for storing; says whether gossipsub forwards it.
    fn receive(&mut self, peer: &PeerId, data: &[u8]) -> MessageAcceptance {
        let verdict = if self.limiter.check_key(peer).is_err() {
            Err(Refusal::RateLimited)
        } else {
            admit(data, self.trusted.contains(peer))
        }
        .and_then(|envelope| self.inbox.try_send(envelope).map_err(|_| Refusal::Busy));
        if let Err(Refusal::RateLimited | Refusal::Untrusted) = verdict {
            self.scoring
                .charge(&mut self.swarm.behaviour_mut().relay, peer);
        }
        match verdict {
            Ok(()) => MessageAcceptance::Accept,
            Err(refusal) => {
                tracing::debug!(%peer, reason = refusal.label(), "relayed message refused");
                self.metrics.refuse(refusal);
                refusal.acceptance()
            }
        }
    }

    /// Bans `peer` for a sync violation: its connections close and new ones are refused (until
    /// this node restarts, or until `MAX_BLOCKED` later bans have pushed it out), and gossipsub
    /// ignores it.
    fn ban(&mut self, peer: PeerId, violation: crate::waku_sync::Violation) {
        tracing::info!(%peer, reason = violation.label(), "waku peer banned");
        self.metrics.sync.refuse(violation);
        let forgotten = self.banned.insert(peer);
        let behaviour = self.swarm.behaviour_mut();
        behaviour.blocked.block_peer(peer);
        behaviour.relay.blacklist_peer(&peer);
        if let Some(forgotten) = forgotten {
            tracing::info!(peer = %forgotten, "ban list full: the oldest ban is lifted");
            behaviour.relay.remove_blacklisted_peer(&forgotten);
            if !self.scoring.is_graylisted(&forgotten) {
                behaviour.blocked.unblock_peer(forgotten);
            }
        }
    }

    /// Blocks a graylisted peer (its connections close, new ones are refused), or unblocks one
    /// whose score is back (unless banned).
    fn apply(&mut self, verdict: crate::waku_score::Verdict) {
        let blocked = &mut self.swarm.behaviour_mut().blocked;
        match verdict {
            crate::waku_score::Verdict::Block(peer) => {
                blocked.block_peer(peer);
            }
            crate::waku_score::Verdict::Unblock(peer) => {
                if !self.banned.contains(&peer) {
                    blocked.unblock_peer(peer);
                }
            }
        }
    }

    /// Disconnects a peer of another cluster; a static peer is not dialled again.
    fn leave_other_cluster(&mut self, peer: PeerId) {
        let _ = self.swarm.disconnect_peer_id(peer);
        if self.peers.iter().any(|(p, _)| *p == peer) {
            tracing::warn!(%peer, "--waku-peer is of another cluster: not dialled again");
            self.other_cluster.insert(peer);
        }
    }

    /// Re-reads the peers' scores (see [`crate::waku_score`]).
    fn rescore(&mut self) {
        let connected: Vec<PeerId> = self.swarm.connected_peers().copied().collect();
        let verdicts = self
            .scoring
            .tick(&mut self.swarm.behaviour_mut().relay, connected.into_iter());
        for verdict in verdicts {
            self.apply(verdict);
        }
    }

    fn publish(&mut self, outgoing: Outgoing) {
        let data = match outgoing {
            Outgoing::Envelope(e) => {
                WakuMessage::from_parts(&e.content_topic, e.timestamp_ns, e.message.to_vec())
                    .encode_to_vec()
            }
            Outgoing::Raw(data) => data,
        };
        match self
            .swarm
            .behaviour_mut()
            .relay
            .publish(self.topic.clone(), data)
        {
            Ok(_) => {
                self.metrics.relay_out.inc();
            }
            // Already relayed (the same envelope from another client or node): nothing to do.
            Err(gossipsub::PublishError::Duplicate) => {}
            Err(e) => {
                tracing::debug!(error = %e, "relaying an envelope failed");
                self.metrics.relay_out_failed.inc();
            }
        }
    }

    /// Dials the static peers not connected (and not being dialled), and forgets the rate
    /// buckets of peers that have been quiet (a peer may come back with new ids).
    fn redial(&mut self) {
        self.limiter.retain_recent();
        for (peer, addr) in &self.peers {
            if self.other_cluster.contains(peer) {
                continue;
            }
            let opts = DialOpts::peer_id(*peer)
                .addresses(vec![addr.clone()])
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build();
            if let Err(e) = self.swarm.dial(opts) {
                tracing::debug!(%peer, %e, "not dialling waku peer");
            }
        }
    }

    fn report(&self) {
        let peers = self.swarm.connected_peers().count();
        let mesh_peers = self.swarm.behaviour().relay.mesh_peers(&self.topic).count();
        self.metrics
            .peers
            .set(i64::try_from(peers).unwrap_or(i64::MAX));
        self.metrics
            .mesh_peers
            .set(i64::try_from(mesh_peers).unwrap_or(i64::MAX));
        let now = self.metrics.status(peers, mesh_peers);
        self.status.send_if_modified(|status| {
            let changed = *status != now;
            *status = now;
            changed
        });
    }
}

/// The task storing relayed envelopes and handing them to this node's subscribers.
struct Intake {
    store: Arc<dyn Store>,
    hub: Arc<Hub>,
    seen: Arc<Seen>,
    pubsub_topic: String,
    metrics: Arc<WakuMetrics>,
}

impl Intake {
    async fn run(self: Arc<Self>, mut inbox: mpsc::Receiver<StoredEnvelope>) {
        while let Some(envelope) = inbox.recv().await {
            match self.deliver(envelope).await {
                Ok(true) => {
                    self.metrics.relay_in.inc();
                }
                Ok(false) => {
                    self.metrics.duplicates.inc();
                }
                Err(e) => tracing::warn!(error = %e, "storing a relayed envelope failed"),
            }
        }
    }
}

#[async_trait::async_trait]
impl crate::waku_sync::Deliver for Intake {
    /// Stores `envelope` (unless ephemeral) and hands it to subscribers, unless delivered
    /// lately; false then.
    async fn deliver(&self, envelope: StoredEnvelope) -> Result<bool, crate::store::StoreError> {
        let hash = envelope_hash(
            &self.pubsub_topic,
            &envelope.content_topic,
            envelope.timestamp_ns,
            &envelope.message,
        );
        if !self.seen.insert(hash) {
            return Ok(false);
        }
        if !is_ephemeral(&envelope.content_topic) {
            self.store.insert(vec![envelope.clone()]).await?;
        }
        self.hub.publish(Arc::new(envelope));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn seen_forgets_the_oldest_past_capacity() {
        let seen = Seen::new(2);
        assert!(seen.insert([1; 32]));
        assert!(!seen.insert([1; 32]));
        assert!(seen.insert([2; 32]));
        assert!(seen.insert([3; 32]));
        assert!(seen.insert([1; 32]), "the oldest was forgotten");
        assert!(!seen.insert([3; 32]));
    }

    #[test]
    fn static_peers_name_their_peer_id() {
        let id = Keypair::generate_ed25519().public().to_peer_id();
        let (peer, _) = static_peer(&format!("/ip4/127.0.0.1/tcp/1/p2p/{id}")).unwrap();
        assert_eq!(peer, id);
        assert!(static_peer("/ip4/127.0.0.1/tcp/1").is_err());
        assert!(static_peer("not an address").is_err());
    }

    #[test]
    fn the_node_key_is_created_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.key");
        let first = node_key(Some(&path)).unwrap().public().to_peer_id();
        let again = node_key(Some(&path)).unwrap().public().to_peer_id();
        assert_eq!(first, again);
        std::fs::write(&path, b"junk").unwrap();
        assert!(node_key(Some(&path)).is_err());
    }
}
