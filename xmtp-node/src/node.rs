//! Starting and stopping a node: storage, listeners, servers and background tasks.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use xmtp_keystore::Clock;
use xmtp_proto::message_api::v1::message_api_server::MessageApiServer;

use crate::auth::Authorizer;
use crate::config::{Database, NodeConfig, RetentionConfig};
use crate::error::{Error, Result};
use crate::grpc::{GrpcApi, hold_response_permits};
use crate::grpc_guard::MessageLimits;
use crate::http::{Gateway, router};
use crate::listener::{Connections, Listener, Protocol};
use crate::metrics::Metrics;
use crate::ratelimit::{Limiter, ResponseBudget};
use crate::relay::Hub;
use crate::service::Service;
#[cfg(feature = "postgres")]
use crate::store::postgres::{PostgresOptions, PostgresStore};
use crate::store::{MemoryStore, Store};
#[cfg(feature = "sqlite")]
use crate::store::{SqliteOptions, SqliteStore};
use crate::tls::{NodeHandshake, ReloadableCert, TlsHandshake};

/// How long shutdown waits for in-flight calls before cutting them.
pub(crate) const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How often idle rate-limit buckets are forgotten.
const LIMITER_SWEEP: Duration = Duration::from_secs(600);

/// Entry point: `Node::start(config)`.
#[derive(Debug)]
#[non_exhaustive]
pub struct Node;

/// A started node; stop it with [`RunningNode::shutdown`] (dropping it also stops it, without
/// waiting).
pub struct RunningNode {
    http_addr: SocketAddr,
    grpc_addr: SocketAddr,
    stop: CancellationToken,
    hub: Arc<Hub>,
    tls: Option<Arc<ReloadableCert>>,
    servers: Vec<JoinHandle<()>>,
    background: Vec<JoinHandle<()>>,
    #[cfg(feature = "waku")]
    waku: Option<crate::waku::WakuPeer>,
}

impl std::fmt::Debug for RunningNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningNode")
            .field("http_addr", &self.http_addr)
            .field("grpc_addr", &self.grpc_addr)
            .finish_non_exhaustive()
    }
}

/// Registers a store's own metrics into the node's registry.
type StoreMetrics = Box<dyn FnOnce(&mut prometheus_client::registry::Registry) + Send>;

/// The store `config` names, and what registers its metrics (the SQLite store has some).
async fn open_store(config: &NodeConfig) -> Result<(Arc<dyn Store>, Option<StoreMetrics>)> {
    #[cfg(feature = "sqlite")]
    let sqlite = |store: SqliteStore| -> (Arc<dyn Store>, Option<StoreMetrics>) {
        let store = Arc::new(store);
        let registrant = Arc::clone(&store);
        let metrics: StoreMetrics = Box::new(move |registry| registrant.register_metrics(registry));
        (store, Some(metrics))
    };
    Ok(match &config.database {
        #[cfg(feature = "sqlite")]
        Database::Sqlite(path) => {
            let path = path.clone();
            let options = sqlite_options(config);
            let store = tokio::task::spawn_blocking(move || SqliteStore::open_with(path, &options))
                .await
                .map_err(|e| Error::Config(format!("opening SQLite: {e}")))??;
            sqlite(store)
        }
        #[cfg(feature = "sqlite")]
        Database::Temporary => sqlite(SqliteStore::temporary_with(&sqlite_options(config))?),
        #[cfg(not(feature = "sqlite"))]
        Database::Sqlite(_) | Database::Temporary => {
            return Err(not_built("SQLite backend", "sqlite"));
        }
        Database::Memory => (
            Arc::new(MemoryStore::with_clock(Arc::clone(&config.clock))),
            None,
        ),
        #[cfg(feature = "postgres")]
        Database::Postgres(url) => {
            let options = PostgresOptions {
                tls_root_certificates: config.postgres_root_certificates.clone(),
                clock: Arc::clone(&config.clock),
                ..PostgresOptions::default()
            };
            (Arc::new(PostgresStore::connect(url, options).await?), None)
        }
        #[cfg(not(feature = "postgres"))]
        Database::Postgres(_) => return Err(not_built("PostgreSQL backend", "postgres")),
        Database::Custom(store) => (Arc::clone(store), None),
    })
}

#[cfg(feature = "sqlite")]
fn sqlite_options(config: &NodeConfig) -> SqliteOptions {
    SqliteOptions {
        sync: config.sqlite_sync,
        clock: Arc::clone(&config.clock),
        ..SqliteOptions::default()
    }
}

/// A configuration naming a part (`what`) this build left out.
#[cfg(not(all(feature = "sqlite", feature = "postgres", feature = "waku")))]
fn not_built(what: &str, feature: &str) -> Error {
    Error::Config(format!(
        "this build of xmtp-node has no {what} (build it with the `{feature}` feature)"
    ))
}

async fn bind(what: &'static str, addr: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { what, addr, source })
}

impl Node {
    /// Opens the store, binds both listeners and starts serving. Fails with a clear error if the
    /// database cannot be opened or reached, or an address cannot be bound.
    pub async fn start(config: NodeConfig) -> Result<RunningNode> {
        #[cfg(not(feature = "waku"))]
        if config.waku.is_some() {
            return Err(not_built("Waku relay", "waku"));
        }
        let (store, store_metrics) = open_store(&config).await?;
        store.ping().await?;
        let tls = config
            .tls
            .clone()
            .map(ReloadableCert::load)
            .transpose()?
            .map(Arc::new);
        let handshake = |alpn: &[&[u8]]| -> Result<NodeHandshake> {
            Ok(match &tls {
                None => NodeHandshake::Plain,
                Some(cert) => NodeHandshake::Tls(TlsHandshake::new(Arc::clone(cert), alpn)?),
            })
        };
        let (http_handshake, grpc_handshake) =
            (handshake(&[b"h2", b"http/1.1"])?, handshake(&[b"h2"])?);
        let http_listener = bind("HTTP", config.http_addr).await?;
        let grpc_listener = bind("gRPC", config.grpc_addr).await?;
        let local = |l: &TcpListener, what, addr| {
            l.local_addr()
                .map_err(|source| Error::Bind { what, addr, source })
        };
        let http_addr = local(&http_listener, "HTTP", config.http_addr)?;
        let grpc_addr = local(&grpc_listener, "gRPC", config.grpc_addr)?;
        let connections =
            Connections::new(&config.connections, &config.rate_limits.trusted_proxies);

        #[cfg(feature = "waku")]
        let mut waku_metrics = None;
        let metrics = Arc::new(Metrics::with_more(|registry| {
            if let Some(register) = store_metrics {
                register(registry);
            }
            #[cfg(feature = "waku")]
            if config.waku.is_some() {
                waku_metrics = Some(Arc::new(crate::waku::WakuMetrics::register(registry)));
            }
        }));
        let hub = Hub::new(
            config.subscriber_queue,
            config.subscriber_queue_bytes,
            Arc::clone(&metrics),
        );
        let mut background = Vec::new();
        #[cfg(feature = "waku")]
        let (relay_out, waku) = match (&config.waku, waku_metrics) {
            (Some(waku), Some(waku_metrics)) => {
                let started = crate::waku::start(
                    waku,
                    Arc::clone(&store),
                    Arc::clone(&hub),
                    waku_metrics,
                    &config.clock,
                )
                .await?;
                background.extend(started.tasks);
                (Some(started.relay_out), Some(started.peer))
            }
            _ => (None, None),
        };
        #[cfg(not(feature = "waku"))]
        let relay_out = None;
        let service = Arc::new(Service {
            store: Arc::clone(&store),
            hub: Arc::clone(&hub),
            limiter: Limiter::new(&config.rate_limits, &config.clock),
            auth: Authorizer::new(&config.auth, Arc::clone(&config.clock)),
            metrics: Arc::clone(&metrics),
            limits: config.limits.clone(),
            budget: ResponseBudget::new(
                config.limits.max_response_bytes_in_flight,
                config.limits.max_response_bytes_in_flight_per_address,
            ),
            topics_per_token: config.rate_limits.topics_per_token,
            relay_out,
        });
        let stop = CancellationToken::new();

        if let Some(mut feed) = store.remote_feed() {
            let hub = Arc::clone(&hub);
            background.push(tokio::spawn(async move {
                while let Some(envelope) = feed.recv().await {
                    hub.publish(Arc::new(envelope));
                }
            }));
        }
        if config.retention.enabled {
            background.push(tokio::spawn(retention_loop(
                Arc::clone(&store),
                Arc::clone(&metrics),
                config.retention.clone(),
                Arc::clone(&config.clock),
            )));
        }
        background.push(tokio::spawn({
            let store = Arc::clone(&store);
            let metrics = Arc::clone(&metrics);
            let period = config.metrics_period.max(Duration::from_millis(10));
            async move {
                let mut tick = tokio::time::interval(period);
                loop {
                    tick.tick().await;
                    match store.count().await {
                        Ok(n) => {
                            metrics
                                .stored_envelopes
                                .set(i64::try_from(n).unwrap_or(i64::MAX));
                        }
                        Err(e) => tracing::warn!(error = %e, "counting stored envelopes"),
                    }
                }
            }
        }));
        background.push(tokio::spawn({
            let service = Arc::clone(&service);
            async move {
                let mut tick = tokio::time::interval(LIMITER_SWEEP);
                loop {
                    tick.tick().await;
                    service.limiter.sweep();
                }
            }
        }));

        #[cfg(unix)]
        if let Some(cert) = &tls {
            use tokio::signal::unix::{SignalKind, signal};
            let mut hangup = signal(SignalKind::hangup())
                .map_err(|e| Error::Config(format!("installing the SIGHUP handler: {e}")))?;
            let cert = Arc::clone(cert);
            background.push(tokio::spawn(async move {
                while hangup.recv().await.is_some() {
                    // A failed reload is logged and keeps the current certificate.
                    let _ = cert.reload();
                }
            }));
        }

        let trusted_proxies = config.rate_limits.trusted_proxies.clone();
        // The same body limits per route on both listeners.
        let messages = MessageLimits {
            publish: config.max_request_bytes,
            other: config
                .limits
                .max_query_request_bytes
                .min(config.max_request_bytes),
        };
        let gateway = Gateway {
            service: Arc::clone(&service),
            trusted_proxies: trusted_proxies.clone(),
            max_request_bytes: messages.publish,
            max_query_request_bytes: messages.other,
        };
        let http_server = tokio::spawn(
            Listener {
                tcp: http_listener,
                handshake: http_handshake,
                router: router(gateway),
                protocol: Protocol::Gateway {
                    max_body: u64::try_from(config.max_request_bytes).unwrap_or(u64::MAX),
                },
                limits: config.connections.clone(),
                connections: Arc::clone(&connections),
            }
            .serve(stop.clone()),
        );

        let (health_reporter, health_service) = tonic_health::server::health_reporter();
        health_reporter
            .set_serving::<MessageApiServer<GrpcApi>>()
            .await;
        let reflection = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(xmtp_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .build_v1()
            .map_err(|e| Error::Config(format!("gRPC reflection: {e}")))?;
        let api = MessageApiServer::new(GrpcApi {
            service: Arc::clone(&service),
            trusted_proxies,
        })
        .max_decoding_message_size(config.max_request_bytes)
        .max_encoding_message_size(config.limits.max_encoded_response_bytes());
        let grpc_routes = tonic::service::Routes::new(health_service)
            .add_service(reflection)
            .add_service(api)
            .prepare()
            .into_axum_router()
            .layer(tower::util::MapResponseLayer::new(hold_response_permits));
        let grpc_server = tokio::spawn(
            Listener {
                tcp: grpc_listener,
                handshake: grpc_handshake,
                router: grpc_routes,
                protocol: Protocol::Grpc { messages },
                limits: config.connections.clone(),
                connections,
            }
            .serve(stop.clone()),
        );
        background.push(tokio::spawn({
            let stop = stop.clone();
            async move {
                stop.cancelled().await;
                health_reporter
                    .set_not_serving::<MessageApiServer<GrpcApi>>()
                    .await;
            }
        }));

        tracing::info!(%http_addr, %grpc_addr, "xmtp-node listening");
        Ok(RunningNode {
            http_addr,
            grpc_addr,
            stop,
            hub,
            tls,
            servers: vec![http_server, grpc_server],
            background,
            #[cfg(feature = "waku")]
            waku,
        })
    }
}

async fn retention_loop(
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    config: RetentionConfig,
    clock: Arc<dyn Clock>,
) {
    let retention_ns = u64::try_from(config.retention.as_nanos()).unwrap_or(u64::MAX);
    loop {
        let cutoff = clock.now_ns().saturating_sub(retention_ns);
        let pause = match store.delete_expired(cutoff, config.batch).await {
            Ok(deleted) => {
                metrics.expired_envelopes_deleted.inc_by(deleted);
                if deleted > 0 {
                    tracing::info!(deleted, "retention: deleted expired envelopes");
                }
                if deleted >= u64::from(config.batch) {
                    config.active_period
                } else {
                    config.passive_period
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "retention cycle failed");
                config.passive_period
            }
        };
        tokio::time::sleep(pause).await;
    }
}

impl RunningNode {
    /// Where the HTTP/JSON gateway listens.
    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    /// Where the gRPC server listens.
    pub fn grpc_addr(&self) -> SocketAddr {
        self.grpc_addr
    }

    fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "https" } else { "http" }
    }

    /// `http://<http_addr>` (`https://` with TLS): the `apiUrl` for the JS SDK.
    pub fn http_url(&self) -> String {
        format!("{}://{}", self.scheme(), self.http_addr)
    }

    /// `http://<grpc_addr>` (`https://` with TLS): the endpoint for a gRPC client.
    pub fn grpc_url(&self) -> String {
        format!("{}://{}", self.scheme(), self.grpc_addr)
    }

    /// The node's Waku relay peer, when [`NodeConfig::waku`](crate::NodeConfig) asked for one.
    #[cfg(feature = "waku")]
    pub fn waku(&self) -> Option<&crate::waku::WakuPeer> {
        self.waku.as_ref()
    }

    /// Re-reads the TLS certificate and key (as SIGHUP does). New connections get the new
    /// certificate; open ones keep theirs. On an error the current certificate stays.
    pub fn reload_tls(&self) -> Result<()> {
        match &self.tls {
            Some(cert) => cert.reload(),
            None => Err(Error::Config("the node does not serve TLS".into())),
        }
    }

    /// Stops accepting, ends every stream normally, lets in-flight calls finish (up to 10 s),
    /// then stops the background tasks.
    pub async fn shutdown(mut self) -> Result<()> {
        // Streams must end for the servers to finish gracefully.
        self.hub.shutdown();
        self.stop.cancel();
        let servers = std::mem::take(&mut self.servers);
        let mut first_error = None;
        for server in servers {
            let abort = server.abort_handle();
            match tokio::time::timeout(SHUTDOWN_GRACE, server).await {
                Ok(Ok(())) => {}
                Ok(Err(join)) => {
                    first_error.get_or_insert(Error::Serve {
                        what: "node",
                        message: join.to_string(),
                    });
                }
                Err(_) => {
                    tracing::warn!("in-flight calls did not finish in time; cutting them");
                    abort.abort();
                }
            }
        }
        for task in std::mem::take(&mut self.background) {
            task.abort();
            let _ = task.await;
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl Drop for RunningNode {
    fn drop(&mut self) {
        // Servers stop gracefully on the signal once streams end; background tasks have nothing
        // to flush.
        self.hub.shutdown();
        self.stop.cancel();
        for task in &self.background {
            task.abort();
        }
    }
}
