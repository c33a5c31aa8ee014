//! The node's command-line flags, shared by the `xmtp-node` binary and `xmtp node`.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use crate::config::{Bucket, Database, LightConfig, NodeConfig, WakuConfig};
use crate::store::SqliteSync;
use crate::tls::TlsFiles;

/// The flags of a node process (clap `Args`: flatten them into any command).
#[derive(Clone, Debug, clap::Args)]
#[non_exhaustive]
pub struct NodeArgs {
    /// SQLite database file, or a `postgres://` URL (default: `xmtp-node.db` for the xmtp-node
    /// binary, `<XMTP_HOME>/node.db` for `xmtp node`).
    #[arg(long)]
    pub db: Option<String>,
    /// With a `postgres://` URL: PEM file of the CA certificates the server's TLS certificate
    /// must chain to, host name included (libpq's verify-full). Without it, TLS (the URL's
    /// `sslmode`: `prefer` by default, `require`, `disable`) encrypts without verifying, as libpq.
    #[arg(long, value_name = "FILE")]
    pub postgres_ca: Option<std::path::PathBuf>,
    /// HTTP/JSON gateway address (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:5555")]
    pub http: SocketAddr,
    /// gRPC address, the one clients' `--node` points at (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:5556")]
    pub grpc: SocketAddr,
    /// Accept Publish without an auth token (development only).
    #[arg(long)]
    pub no_auth: bool,
    /// Switch the per-IP rate limits off (benchmarks, trusted networks).
    #[arg(long)]
    pub no_rate_limits: bool,
    /// General bucket size (queries, batch sub-queries, stream opens).
    #[arg(long, default_value_t = 10_000)]
    pub general_capacity: u32,
    /// General bucket refill per minute.
    #[arg(long, default_value_t = 2_000)]
    pub general_per_minute: u32,
    /// Publish bucket size (envelopes).
    #[arg(long, default_value_t = 1_000)]
    pub publish_capacity: u32,
    /// Publish bucket refill per minute.
    #[arg(long, default_value_t = 200)]
    pub publish_per_minute: u32,
    /// Wallet refused on Publish (repeatable).
    #[arg(long = "deny-wallet")]
    pub deny: Vec<String>,
    /// Wallet given the priority rate-limit buckets (repeatable).
    #[arg(long = "allow-wallet")]
    pub allow: Vec<String>,
    /// Wallet exempt from the contact/privatestore ownership rule (repeatable).
    #[arg(long = "privileged-wallet")]
    pub privileged: Vec<String>,
    /// Days to keep envelopes on topics outside `/xmtp/`; 0 keeps them forever.
    #[arg(long, default_value_t = 1)]
    pub retention_days: u64,
    /// Envelopes queued per subscriber before a slow one is disconnected.
    #[arg(long, default_value_t = 1024)]
    pub subscriber_queue: usize,
    /// Bytes of envelopes queued per subscriber before a slow one is disconnected.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    pub subscriber_queue_bytes: usize,
    /// Serve TLS on both listeners with this PEM certificate chain (leaf first); re-read with
    /// the key on SIGHUP.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// The PEM private key of `--tls-cert`.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
    /// A TLS handshake not done in this time is closed (`500ms`, `10s`, `2m`).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    pub handshake_timeout: Duration,
    /// Request headers not complete in this time close the connection (for a new connection:
    /// from accept to its first request).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    pub header_timeout: Duration,
    /// A request body that sends nothing for this long fails (gateway: 400, the connection
    /// closes; gRPC: DEADLINE_EXCEEDED; not Subscribe2's update stream).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    pub body_timeout: Duration,
    /// A response its client does not read for this long (nothing can be written) closes the
    /// connection, with its streams.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    pub write_timeout: Duration,
    /// Longest a gRPC call may run (unary: the whole handler; streams: until they start); a
    /// client's shorter `grpc-timeout` is honoured. Past it: DEADLINE_EXCEEDED.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = duration)]
    pub grpc_max_timeout: Duration,
    /// A connection with no request or stream in progress for this long is closed.
    #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = duration)]
    pub idle_timeout: Duration,
    /// HTTP/2 keepalive ping period on both listeners.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = duration)]
    pub http2_keepalive_interval: Duration,
    /// An HTTP/2 keepalive ping not answered in this time closes the connection.
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = duration)]
    pub http2_keepalive_timeout: Duration,
    /// Connections open at once over both listeners [default: 3/4 of the open-files limit, at
    /// most 65536]; at the cap new ones wait in the kernel's backlog.
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// Connections open at once from one client address (IPv6: per /64); 0 = no cap.
    /// `--trusted-proxy` addresses have no cap: every client behind one shares its address.
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub max_connections_per_ip: usize,
    /// HTTP/2 streams open at once on one connection.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub http2_max_streams: u32,
    /// Largest request header block in bytes (HTTP/2 after HPACK decoding).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024)]
    pub max_header_bytes: u32,
    /// A proxy in front of the node, as an address or CIDR range (repeatable). A call from one
    /// is rate-limited by the rightmost `X-Forwarded-For` hop that is not a trusted proxy (the
    /// address the proxy saw); without this flag `X-Forwarded-For` is ignored.
    #[arg(long = "trusted-proxy", value_name = "CIDR")]
    pub trusted_proxies: Vec<crate::config::Cidr>,
    /// Topics in one Subscribe, Subscribe2 update, Query, or summed over one BatchQuery;
    /// more is refused (INVALID_ARGUMENT, HTTP 400).
    #[arg(long, default_value_t = 100_000)]
    pub max_topics_per_request: usize,
    /// Topics that cost one more general rate-limit token per call that carries them.
    #[arg(long, default_value_t = 100)]
    pub topics_per_token: u32,
    /// Largest body of a Query, BatchQuery or Subscribe request, in bytes, and of each gRPC
    /// message of every method but Publish (Publish: 50 MiB); more is RESOURCE_EXHAUSTED (429),
    /// refused on the declared length before the body is read or decoded.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    pub max_query_request_bytes: usize,
    /// Envelope bytes in one Query page; a page that reaches it ends early with a cursor
    /// (BatchQuery: shared evenly by its sub-queries).
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Query response bytes held at once until written, over all clients; past it queries are
    /// refused (RESOURCE_EXHAUSTED, HTTP 429).
    #[arg(long, default_value_t = 512 * 1024 * 1024)]
    pub max_response_bytes_in_flight: usize,
    /// The same, per client address.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_response_bytes_in_flight_per_address: usize,
    /// With SQLite: `normal` makes a commit survive a crash or kill of the node process;
    /// `full` also a power loss or kernel crash, at one fsync per commit (BENCHMARKS.md has
    /// the cost).
    #[arg(long, value_enum, default_value_t = SyncArg::Normal)]
    pub sync: SyncArg,
    /// Be a Waku v2 relay peer: listen on this libp2p multiaddr (repeatable), e.g.
    /// `/ip4/0.0.0.0/tcp/60000` or `/ip4/0.0.0.0/tcp/60001/ws`. `--waku-listen` or
    /// `--waku-peer` turns the relay on (a build with the `waku` feature).
    #[arg(long, value_name = "MULTIADDR")]
    pub waku_listen: Vec<String>,
    /// A static Waku peer, `/ip4/HOST/tcp/PORT/p2p/PEER_ID` (repeatable); dialled again when
    /// the connection is lost.
    #[arg(long, value_name = "MULTIADDR")]
    pub waku_peer: Vec<String>,
    /// The node key file (created if missing), so the peer id survives restarts [default: a
    /// new key each start].
    #[arg(long, value_name = "FILE")]
    pub waku_key: Option<std::path::PathBuf>,
    /// The pubsub topic relayed.
    #[arg(long, value_name = "TOPIC", default_value = xmtp_proto::waku::DEFAULT_PUBSUB_TOPIC)]
    pub waku_pubsub_topic: String,
    /// A peer id whose relayed contact-/privatestore- envelopes are accepted (repeatable): relay
    /// messages are unsigned, so those owner-only topics come from trusted nodes only.
    #[arg(long, value_name = "PEER_ID")]
    pub waku_trusted_peer: Vec<String>,
    /// How often the store is reconciled with each Waku peer (also at once when a peer
    /// connects): only the envelopes one side lacks travel.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = duration)]
    pub waku_sync_interval: Duration,
    /// How far back reconciliation looks (by sender timestamp).
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = duration)]
    pub waku_sync_window: Duration,
    /// Do not serve Waku Store v3 (`/vac/waku/store-query/3.0.0`) to light clients.
    #[arg(long)]
    pub waku_no_store: bool,
    /// Do not serve Waku LightPush (`/vac/waku/lightpush/2.0.0-beta1`) to light clients.
    #[arg(long)]
    pub waku_no_lightpush: bool,
    /// Do not serve Waku Filter (`/vac/waku/filter-subscribe/2.0.0-beta1`) to light clients.
    #[arg(long)]
    pub waku_no_filter: bool,
    /// Light-client requests (Store, LightPush, Filter) served to one peer in a burst; more
    /// are answered 429.
    #[arg(long, default_value_t = 100)]
    pub waku_light_capacity: u32,
    /// Light-client requests per peer refilled per minute.
    #[arg(long, default_value_t = 600)]
    pub waku_light_per_minute: u32,
    /// Peers with a Filter subscription at once (503 past it).
    #[arg(long, default_value_t = 1000)]
    pub waku_filter_max_peers: usize,
    /// Content topics one peer may be subscribed to by Filter (503 past it).
    #[arg(long, default_value_t = 1000)]
    pub waku_filter_max_topics: usize,
}

/// `--sync`: when a SQLite commit is durable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum SyncArg {
    /// Survives a process crash (SQLite `synchronous=NORMAL` in WAL mode).
    Normal,
    /// Survives a power loss too (`synchronous=FULL`: one fsync per commit).
    Full,
}

impl From<SyncArg> for SqliteSync {
    fn from(arg: SyncArg) -> Self {
        match arg {
            SyncArg::Normal => Self::Normal,
            SyncArg::Full => Self::Full,
        }
    }
}

/// Parses `250ms`, `10s`, `2m`, `24h` (a bare number is seconds).
fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 500ms, 10s or 2m"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "" | "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n.saturating_mul(60))),
        "h" => Ok(Duration::from_secs(n.saturating_mul(3600))),
        _ => Err(format!("unknown unit {unit:?} in {text:?} (ms, s, m or h)")),
    }
}

impl NodeArgs {
    /// The configuration these flags describe; `default_db` is the SQLite file used when `--db`
    /// is not given.
    pub fn into_config(self, default_db: &Path) -> NodeConfig {
        let mut config = NodeConfig {
            database: match &self.db {
                Some(db) => Database::from_arg(db),
                None => Database::Sqlite(default_db.to_path_buf()),
            },
            http_addr: self.http,
            grpc_addr: self.grpc,
            subscriber_queue: self.subscriber_queue,
            subscriber_queue_bytes: self.subscriber_queue_bytes,
            postgres_root_certificates: self.postgres_ca,
            tls: self
                .tls_cert
                .zip(self.tls_key)
                .map(|(cert, key)| TlsFiles { cert, key }),
            sqlite_sync: self.sync.into(),
            ..NodeConfig::default()
        };
        config.auth.enabled = !self.no_auth;
        config.auth.deny = self.deny;
        config.auth.allow = self.allow;
        config.auth.privileged = self.privileged;
        config.rate_limits.enabled = !self.no_rate_limits;
        config.rate_limits.trusted_proxies = self.trusted_proxies;
        config.rate_limits.topics_per_token = self.topics_per_token;
        config.limits.max_topics_per_request = self.max_topics_per_request;
        config.limits.max_query_request_bytes = self.max_query_request_bytes;
        config.limits.max_response_bytes = self.max_response_bytes;
        config.limits.max_response_bytes_in_flight = self.max_response_bytes_in_flight;
        config.limits.max_response_bytes_in_flight_per_address =
            self.max_response_bytes_in_flight_per_address;
        config.rate_limits.general.capacity = self.general_capacity;
        config.rate_limits.general.per_minute = self.general_per_minute;
        config.rate_limits.publish.capacity = self.publish_capacity;
        config.rate_limits.publish.per_minute = self.publish_per_minute;
        config.retention.enabled = self.retention_days > 0;
        config.retention.retention =
            Duration::from_secs(self.retention_days.saturating_mul(86_400));
        let limits = &mut config.connections;
        limits.handshake_timeout = self.handshake_timeout;
        limits.header_timeout = self.header_timeout;
        limits.body_timeout = self.body_timeout;
        limits.write_timeout = self.write_timeout;
        limits.grpc_max_timeout = self.grpc_max_timeout;
        limits.idle_timeout = self.idle_timeout;
        limits.http2_keepalive_interval = self.http2_keepalive_interval;
        limits.http2_keepalive_timeout = self.http2_keepalive_timeout;
        limits.max_connections = self.max_connections;
        limits.max_connections_per_ip = self.max_connections_per_ip;
        limits.http2_max_concurrent_streams = self.http2_max_streams;
        limits.max_header_bytes = self.max_header_bytes;
        if !self.waku_listen.is_empty() || !self.waku_peer.is_empty() {
            config.waku = Some(WakuConfig {
                listen: self.waku_listen,
                peers: self.waku_peer,
                key_file: self.waku_key,
                pubsub_topic: self.waku_pubsub_topic,
                trusted_peers: self.waku_trusted_peer,
                sync_interval: self.waku_sync_interval,
                sync_window: self.waku_sync_window,
                light: LightConfig {
                    store: !self.waku_no_store,
                    lightpush: !self.waku_no_lightpush,
                    filter: !self.waku_no_filter,
                    per_peer: Bucket {
                        capacity: self.waku_light_capacity,
                        per_minute: self.waku_light_per_minute,
                    },
                    filter_max_peers: self.waku_filter_max_peers,
                    filter_max_topics_per_peer: self.waku_filter_max_topics,
                    ..LightConfig::default()
                },
                ..WakuConfig::default()
            });
        }
        config
    }
}

/// The stop signals of a process: SIGINT and SIGTERM on Unix, Ctrl-C elsewhere.
///
/// The handlers are installed when this is made, not when it is first awaited. Make it before
/// telling anyone the process is up (the `listening` line): a SIGTERM sent right after that line
/// is then a graceful stop, never the default action that kills the process.
#[derive(Debug)]
pub struct StopSignal {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignal {
    /// Installs the handlers (needs a tokio runtime with I/O enabled).
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Waits for the next stop signal and names it.
    pub async fn recv(&mut self) -> std::io::Result<&'static str> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Ok("SIGINT"),
                _ = self.terminate.recv() => Ok("SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.map(|()| "Ctrl-C")
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn durations_parse_with_units_and_refuse_others() {
        assert_eq!(duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(duration("7").unwrap(), Duration::from_secs(7));
        assert_eq!(duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(duration("24h").unwrap(), Duration::from_secs(24 * 3600));
        assert!(duration("10d").is_err());
        assert!(duration("s").is_err());
        assert!(duration("-1s").is_err());
    }
}
