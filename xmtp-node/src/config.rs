//! Node configuration.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use xmtp_keystore::{Clock, SystemClock};

use crate::store::{SqliteSync, Store};
use crate::tls::TlsFiles;

/// Where envelopes are stored.
#[derive(Clone)]
#[non_exhaustive]
pub enum Database {
    /// An SQLite file (created if missing). Needs the `sqlite` feature (a default one): without
    /// it, [`Node::start`](crate::Node::start) refuses it with [`Error::Config`](crate::Error).
    Sqlite(PathBuf),
    /// An SQLite file in a fresh temporary directory, deleted at shutdown: for tests. Needs the
    /// `sqlite` feature.
    Temporary,
    /// Envelopes in memory only ([`MemoryStore`](crate::store::MemoryStore)): for tests.
    Memory,
    /// A PostgreSQL connection URL (`postgres://...`). Needs the `postgres` feature: without
    /// it, [`Node::start`](crate::Node::start) refuses it with [`Error::Config`](crate::Error).
    Postgres(String),
    /// A store built by the caller (any backend implementing [`Store`]).
    Custom(Arc<dyn Store>),
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Self::Temporary => f.write_str("Temporary"),
            Self::Memory => f.write_str("Memory"),
            // A URL may carry a password.
            Self::Postgres(_) => f.write_str("Postgres([redacted])"),
            Self::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

impl Database {
    /// Parses the `--db` flag: a `postgres://` or `postgresql://` URL selects PostgreSQL,
    /// anything else is an SQLite path.
    pub fn from_arg(arg: &str) -> Self {
        if arg.starts_with("postgres://") || arg.starts_with("postgresql://") {
            Self::Postgres(arg.to_owned())
        } else {
            Self::Sqlite(PathBuf::from(arg))
        }
    }
}

/// Token verification and topic authorisation (network.md §3).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AuthConfig {
    /// Require a valid token on Publish. On by default.
    pub enabled: bool,
    /// Tokens older than this are expired (one hour, as the reference node).
    pub max_token_age: Duration,
    /// Wallets refused on Publish (`PERMISSION_DENIED "wallet is deny listed"`).
    pub deny: Vec<String>,
    /// Wallets given the priority rate-limit buckets.
    pub allow: Vec<String>,
    /// Wallets exempt from the `contact-`/`privatestore-` ownership rule.
    pub privileged: Vec<String>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            max_token_age: Duration::from_secs(3600),
            deny: Vec::new(),
            allow: Vec::new(),
            privileged: Vec::new(),
        }
    }
}

/// One token bucket: `capacity` tokens, refilled continuously at `per_minute`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// Burst size; a new client starts full.
    pub capacity: u32,
    /// Tokens added per minute (spread evenly, not once a minute).
    pub per_minute: u32,
}

/// Per-client-IP rate limits (network.md §4.8, without the reference's refill bug).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RateLimitConfig {
    /// Whether limits apply at all.
    pub enabled: bool,
    /// Queries, batch sub-queries and stream opens.
    pub general: Bucket,
    /// Published envelopes.
    pub publish: Bucket,
    /// Multiplier of `general` for allow-listed wallets.
    pub priority_general_multiplier: u32,
    /// Multiplier of `publish` for allow-listed wallets.
    pub priority_publish_multiplier: u32,
    /// Proxies whose `X-Forwarded-For` is believed: when the direct peer is in one of these
    /// ranges, the client is the rightmost hop that is not (see [`Cidr`]). Empty: the peer
    /// address is the client, whatever the header says.
    pub trusted_proxies: Vec<Cidr>,
    /// Topics that cost one extra token on top of a call's own cost, for calls that carry
    /// topics (Subscribe, each Subscribe2 update, Query, BatchQuery): a 100,000-topic Subscribe
    /// costs 1 + 100,000 / `topics_per_token`.
    pub topics_per_token: u32,
}

pub use crate::ratelimit::Cidr;

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            general: Bucket {
                capacity: 10_000,
                per_minute: 2_000,
            },
            publish: Bucket {
                capacity: 1_000,
                per_minute: 200,
            },
            priority_general_multiplier: 5,
            priority_publish_multiplier: 25,
            trusted_proxies: Vec::new(),
            topics_per_token: 100,
        }
    }
}

/// Deletion of envelopes on topics outside `/xmtp/` (network.md §5.3).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RetentionConfig {
    /// Whether the cleaner runs.
    pub enabled: bool,
    /// Envelopes received longer ago than this are deleted.
    pub retention: Duration,
    /// Rows deleted per cycle.
    pub batch: u32,
    /// Pause after a full batch.
    pub active_period: Duration,
    /// Pause after a partial batch.
    pub passive_period: Duration,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            retention: Duration::from_secs(24 * 3600),
            batch: 50_000,
            active_period: Duration::from_secs(5),
            passive_period: Duration::from_secs(300),
        }
    }
}

/// Everything [`Node::start`](crate::Node::start) needs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NodeConfig {
    /// Storage backend.
    pub database: Database,
    /// HTTP/JSON gateway address (port 0 picks a free port).
    pub http_addr: SocketAddr,
    /// gRPC address (port 0 picks a free port).
    pub grpc_addr: SocketAddr,
    /// Authentication.
    pub auth: AuthConfig,
    /// Rate limits.
    pub rate_limits: RateLimitConfig,
    /// Retention of non-`/xmtp/` topics.
    pub retention: RetentionConfig,
    /// Envelopes queued per subscription before a slow subscriber is closed.
    pub subscriber_queue: usize,
    /// Bytes of envelopes queued per subscription before a slow subscriber is closed (one
    /// envelope of any size is always accepted into an empty queue).
    pub subscriber_queue_bytes: usize,
    /// Largest request accepted, in bytes, on either transport (gRPC `MaxRecvMsgSize`).
    pub max_request_bytes: usize,
    /// How often the stored-envelope gauge is refreshed.
    pub metrics_period: Duration,
    /// With [`Database::Postgres`]: a PEM file of CA certificates the server's TLS certificate
    /// must chain to (see `store::postgres::PostgresOptions`).
    pub postgres_root_certificates: Option<PathBuf>,
    /// Serve TLS on both listeners with this certificate and key (re-read on SIGHUP and
    /// [`RunningNode::reload_tls`](crate::RunningNode::reload_tls)); `None` serves plaintext,
    /// for loopback or behind a proxy that ends TLS.
    pub tls: Option<TlsFiles>,
    /// With SQLite: when a commit is durable (process crash only, or power loss too).
    pub sqlite_sync: SqliteSync,
    /// Timeouts and caps on both listeners' connections.
    pub connections: ConnectionLimits,
    /// Per-request limits and response budgets.
    pub limits: RequestLimits,
    /// Be a Waku v2 relay peer of other nodes (needs the `waku` feature: without it,
    /// [`Node::start`](crate::Node::start) refuses `Some` with [`Error::Config`](crate::Error)).
    /// `None`, the default: no peer-to-peer networking.
    pub waku: Option<WakuConfig>,
    /// The node's one source of wall-clock time: token age, each envelope's received time and
    /// the retention cutoff, PostgreSQL's ephemeral-row expiry, and the rate-limit buckets'
    /// refill. The system clock by default; a test injects a
    /// [`ManualClock`](xmtp_keystore::ManualClock) to age tokens and envelopes without sleeping.
    /// A [`Database::Custom`] store keeps the clock it was built with.
    pub clock: Arc<dyn Clock>,
}

/// The node as a Waku v2 relay peer (issue 18, first slice): a libp2p host that relays every
/// accepted envelope to its peers and stores what they relay (see the `waku` module docs for
/// what is accepted from whom).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WakuConfig {
    /// Multiaddrs to listen on, e.g. `/ip4/0.0.0.0/tcp/60000` and `/ip4/0.0.0.0/tcp/8000/ws`
    /// (port 0 picks a free port; the node's `waku()` peer lists the addresses bound). Empty:
    /// dial out only.
    pub listen: Vec<String>,
    /// Static peers, dialled at start and again whenever the connection is lost. Each must end
    /// in `/p2p/<peer id>`.
    pub peers: Vec<String>,
    /// The node key (libp2p protobuf encoding), created with a fresh Ed25519 key if missing, so
    /// the peer id survives restarts. `None`: a new key (and peer id) each start.
    pub key_file: Option<PathBuf>,
    /// The one pubsub topic relayed (xmtp-node-go's by default).
    pub pubsub_topic: String,
    /// Peer ids whose relayed `contact-` and `privatestore-` envelopes are accepted: relay
    /// messages are unsigned, so the owner-only rule of those topics cannot be checked, and
    /// only nodes that checked it (trusted to) may hand them on.
    pub trusted_peers: Vec<String>,
    /// Relay messages accepted from one forwarding peer: more are dropped unforwarded.
    pub per_peer: Bucket,
    /// Message hashes remembered to deliver each relayed envelope to this node's subscribers
    /// once (FIFO).
    pub seen_capacity: usize,
    /// How often the node reconciles its store with each connected peer (it also does at once
    /// when a peer connects), fetching what it lacks (`/xmtp/sync/1.0.0`).
    pub sync_interval: Duration,
    /// How far back reconciliation looks: envelopes whose sender timestamp is older are not
    /// compared.
    pub sync_window: Duration,
    /// What the node serves Waku light clients (Store v3, LightPush, Filter; waku.md §4).
    pub light: LightConfig,
}

/// Serving Waku light clients (waku.md §4): each protocol can be switched off, and every
/// request is charged to its peer's bucket (see the `waku_light` module docs for the limits).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LightConfig {
    /// Serve `/vac/waku/store-query/3.0.0` from the node's store.
    pub store: bool,
    /// Serve `/vac/waku/lightpush/2.0.0-beta1`: accepted messages are stored and relayed.
    pub lightpush: bool,
    /// Serve `/vac/waku/filter-subscribe/2.0.0-beta1` and push matching envelopes to
    /// subscribers on `/vac/waku/filter-push/2.0.0-beta1`.
    pub filter: bool,
    /// Light requests (of all three protocols) served to one peer; more are answered 429. A
    /// LightPush is also charged to the peer's relay bucket ([`WakuConfig::per_peer`]).
    pub per_peer: Bucket,
    /// Peers with a Filter subscription at once; a new one past it is answered 503.
    pub filter_max_peers: usize,
    /// Content topics one peer may be subscribed to; a subscription past it is answered 503.
    pub filter_max_topics_per_peer: usize,
    /// A subscriber neither pinging nor subscribing for this long is dropped (js-waku pings
    /// every 60 s).
    pub filter_timeout: Duration,
}

impl Default for LightConfig {
    fn default() -> Self {
        Self {
            store: true,
            lightpush: true,
            filter: true,
            // 10 requests a second from one peer, bursts of 100.
            per_peer: Bucket {
                capacity: 100,
                per_minute: 600,
            },
            filter_max_peers: 1000,
            filter_max_topics_per_peer: 1000,
            filter_timeout: Duration::from_secs(5 * 60),
        }
    }
}

impl Default for WakuConfig {
    fn default() -> Self {
        Self {
            listen: Vec::new(),
            peers: Vec::new(),
            key_file: None,
            pubsub_topic: xmtp_proto::waku::DEFAULT_PUBSUB_TOPIC.to_owned(),
            trusted_peers: Vec::new(),
            // 2,000 envelopes a second from one peer (the load figure), bursts of 20,000.
            per_peer: Bucket {
                capacity: 20_000,
                per_minute: 120_000,
            },
            seen_capacity: 100_000,
            sync_interval: Duration::from_secs(5 * 60),
            sync_window: Duration::from_secs(24 * 60 * 60),
            light: LightConfig::default(),
        }
    }
}

/// What one request may ask for and one response may hold (issue 15 §1, §2).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RequestLimits {
    /// Topics in one Subscribe, one Subscribe2 update, one Query, and summed over the
    /// sub-queries of one BatchQuery. More is `INVALID_ARGUMENT` (HTTP 400). The reference node
    /// has seen 90,000 topics in one production request (network.md §7 row 6).
    pub max_topics_per_request: usize,
    /// Largest body of a request other than Publish (Query, BatchQuery, Subscribe), in bytes,
    /// and of each gRPC message of every method but Publish (each `Subscribe2` update too);
    /// Publish keeps [`NodeConfig::max_request_bytes`]. Over it is `RESOURCE_EXHAUSTED` (429),
    /// refused on the declared length before the body is read or decoded.
    pub max_query_request_bytes: usize,
    /// Envelope bytes (message and topic) in one Query response: a page that reaches it ends
    /// early, with a cursor as for a full page. A BatchQuery splits it evenly between its
    /// sub-queries. A page always holds at least one envelope.
    pub max_response_bytes: usize,
    /// Response bytes held by the node at once, over all clients, until each response is
    /// written; a query that would exceed it is refused with `RESOURCE_EXHAUSTED`.
    pub max_response_bytes_in_flight: usize,
    /// The same, per client address.
    pub max_response_bytes_in_flight_per_address: usize,
}

impl RequestLimits {
    /// The largest reply the gRPC server may encode: the response budget, plus one envelope
    /// per BatchQuery sub-query (a page always holds its first envelope), plus framing.
    pub fn max_encoded_response_bytes(&self) -> usize {
        let envelope = crate::service::MAX_MESSAGE_BYTES + crate::service::MAX_TOPIC_BYTES + 64;
        self.max_response_bytes
            .saturating_add(crate::service::MAX_BATCH_QUERIES * envelope)
            .saturating_add(1024 * 1024)
    }
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self {
            max_topics_per_request: 100_000,
            max_query_request_bytes: 16 * 1024 * 1024,
            max_response_bytes: 16 * 1024 * 1024,
            max_response_bytes_in_flight: 512 * 1024 * 1024,
            max_response_bytes_in_flight_per_address: 64 * 1024 * 1024,
        }
    }
}

impl Default for NodeConfig {
    /// The binary's defaults: `./xmtp-node.db`, HTTP 127.0.0.1:5555, gRPC 127.0.0.1:5556.
    fn default() -> Self {
        Self {
            database: Database::Sqlite(PathBuf::from("xmtp-node.db")),
            http_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 5555)),
            grpc_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 5556)),
            auth: AuthConfig::default(),
            rate_limits: RateLimitConfig::default(),
            retention: RetentionConfig::default(),
            subscriber_queue: 1024,
            subscriber_queue_bytes: 16 * 1024 * 1024,
            max_request_bytes: 50 * 1024 * 1024,
            metrics_period: Duration::from_secs(30),
            postgres_root_certificates: None,
            tls: None,
            sqlite_sync: SqliteSync::default(),
            connections: ConnectionLimits::default(),
            limits: RequestLimits::default(),
            waku: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl NodeConfig {
    /// For tests: a temporary SQLite database (in memory when built without the `sqlite`
    /// feature) and free loopback ports; auth and rate limits on as in production.
    pub fn ephemeral() -> Self {
        Self {
            database: if cfg!(feature = "sqlite") {
                Database::Temporary
            } else {
                Database::Memory
            },
            http_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            grpc_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            ..Self::default()
        }
    }

    /// Same as [`NodeConfig::ephemeral`] but on the given store.
    pub fn with_store(store: Arc<dyn Store>) -> Self {
        Self {
            database: Database::Custom(store),
            ..Self::ephemeral()
        }
    }
}

/// Connection hygiene on both listeners (the gateway and gRPC): how long a peer may take at each
/// step, and how many connections one address and everyone together may hold.
///
/// The defaults never close a connection an honest client is using: a stream in progress (an
/// open request or response body) is never idle, and HTTP/2 keepalive pings are answered by
/// every browser and gRPC library.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ConnectionLimits {
    /// A TLS handshake not done in this time is closed.
    pub handshake_timeout: Duration,
    /// A request's headers not complete in this time are refused: for a new connection, the time
    /// from accept (after TLS) to its first request; for HTTP/1.1 keep-alive, per request.
    pub header_timeout: Duration,
    /// A request body with no new bytes for this long fails (gateway: 400 and its connection
    /// closes; gRPC: `DEADLINE_EXCEEDED`). `Subscribe2`'s request stream is exempt: it idles by
    /// design.
    pub body_timeout: Duration,
    /// A connection with no request in progress for this long is closed (HTTP/2: GOAWAY).
    pub idle_timeout: Duration,
    /// HTTP/2 keepalive ping period on both listeners.
    pub http2_keepalive_interval: Duration,
    /// A keepalive ping not acknowledged in this time closes the connection.
    pub http2_keepalive_timeout: Duration,
    /// Connections open at once over both listeners; at the cap the node stops accepting until
    /// one closes (new ones wait in the kernel's backlog). `None`: 3/4 of the process's
    /// open-files limit, at most 65,536.
    pub max_connections: Option<usize>,
    /// Connections open at once from one client address (IPv6: one /64); more are closed at
    /// once. 0 switches the cap off (behind a proxy, where every connection comes from it).
    pub max_connections_per_ip: usize,
    /// TLS handshakes in progress per listener.
    pub max_handshakes: usize,
    /// HTTP/2 streams open at once on one connection.
    pub http2_max_concurrent_streams: u32,
    /// Largest HTTP/2 header block (after HPACK decoding), in bytes; HTTP/1.1 headers are
    /// bounded by the same figure.
    pub max_header_bytes: u32,
    /// HTTP/2 streams reset by the client before the node handled them, pending at once: the
    /// rapid-reset (CVE-2023-44487) bound. More closes the connection.
    pub http2_max_pending_accept_reset_streams: usize,
    /// HTTP/2 streams the node may reset for protocol errors on one connection before closing it.
    pub http2_max_local_error_reset_streams: usize,
    /// A response (a page, a stream's next envelope) that cannot be written for this long,
    /// because its client has stopped reading, closes its connection, with every stream on it
    /// (their subscriptions, queues and response budget freed). A stream with nothing new to
    /// send is never cut.
    pub write_timeout: Duration,
    /// The longest a gRPC call may run before it ends with `DEADLINE_EXCEEDED`: a unary call's
    /// handler, a stream until it starts. A client's shorter `grpc-timeout` is honoured.
    pub grpc_max_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            handshake_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(120),
            http2_keepalive_interval: Duration::from_secs(60),
            http2_keepalive_timeout: Duration::from_secs(20),
            max_connections: None,
            max_connections_per_ip: 512,
            max_handshakes: 1024,
            http2_max_concurrent_streams: 1000,
            max_header_bytes: 64 * 1024,
            http2_max_pending_accept_reset_streams: 20,
            http2_max_local_error_reset_streams: 1024,
            write_timeout: Duration::from_secs(30),
            grpc_max_timeout: Duration::from_secs(60),
        }
    }
}
