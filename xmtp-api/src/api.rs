//! The `XmtpApi` trait and its gRPC implementation.

use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures::stream::BoxStream;
use futures::{FutureExt as _, StreamExt, TryFutureExt as _, TryStreamExt};
use tokio::sync::{Mutex, mpsc};
use tonic::metadata::MetadataValue;
use tonic::transport::{Channel, ClientTlsConfig, Endpoint};
use xmtp_proto::message_api::v1::message_api_client::MessageApiClient;
use xmtp_proto::message_api::v1::{
    BatchQueryRequest, BatchQueryResponse, Envelope, PublishRequest, QueryRequest, QueryResponse,
    SubscribeAllRequest, SubscribeRequest,
};

use crate::error::{Code, Error, Result};
use crate::retry::RetryPolicy;
use crate::transport::{BoxError, H2Channel, H2Settings, TIMEOUT_EXPIRED};

/// The node's limit on queries in one `BatchQuery`.
pub const MAX_BATCH_QUERIES: usize = 50;

/// A live stream of envelopes.
pub type EnvelopeStream = BoxStream<'static, Result<Envelope>>;

/// A live stream whose topic set can be replaced without reconnecting (gRPC `Subscribe2`).
pub struct TopicStream {
    /// The envelopes.
    pub envelopes: EnvelopeStream,
    pub(crate) updates: mpsc::Sender<SubscribeRequest>,
}

impl TopicStream {
    /// Replaces the whole topic set of the live stream.
    pub async fn set_topics(&self, topics: Vec<String>) -> Result<()> {
        self.updates
            .send(SubscribeRequest {
                content_topics: topics,
            })
            .await
            .map_err(|_| Error::SubscriptionClosed)
    }
}

/// The network API of an XMTP node (message API v1). Implementations know envelopes, topics and
/// cursors, never plaintext.
#[async_trait]
pub trait XmtpApi: Send + Sync {
    /// Publishes envelopes (authenticated).
    async fn publish(&self, envelopes: Vec<Envelope>) -> Result<()>;
    /// One page of a query.
    async fn query(&self, request: QueryRequest) -> Result<QueryResponse>;
    /// Up to [`MAX_BATCH_QUERIES`] queries in one call; see [`crate::batch_query`] for any number.
    async fn batch_query(&self, request: BatchQueryRequest) -> Result<BatchQueryResponse>;
    /// A live stream of envelopes on `topics`. Returns once the node has registered it.
    async fn subscribe(&self, topics: Vec<String>) -> Result<EnvelopeStream>;
    /// A live stream whose topic set can be changed in place.
    async fn subscribe_dynamic(&self, topics: Vec<String>) -> Result<TopicStream>;
    /// Every envelope on `/xmtp/0/` topics (for notification servers).
    async fn subscribe_all(&self) -> Result<EnvelopeStream>;
}

/// Makes auth tokens for publishing: the base64 `Token` that goes after `Bearer `.
#[async_trait]
pub trait AuthTokenSource: Send + Sync {
    /// A token created now.
    async fn create_token(&self) -> Result<String>;
}

/// Where the node is and how to talk to it.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// `http://host:port` for plaintext (loopback), `https://host:port` for TLS.
    pub url: String,
    /// Sent as `x-app-version` (convention `name/version`).
    pub app_version: Option<String>,
    /// Deadline of each unary call.
    pub request_timeout: Duration,
    /// Deadline to establish a connection.
    pub connect_timeout: Duration,
    /// HTTP/2 keepalive ping interval; a dead connection is noticed within this plus the timeout.
    pub keepalive_interval: Duration,
    /// How long to wait for a keepalive answer.
    pub keepalive_timeout: Duration,
    /// Retries of unary calls on retryable errors.
    pub retry: RetryPolicy,
    /// Tokens are renewed when older than this (the node refuses tokens older than one hour).
    pub token_max_age: Duration,
}

impl ApiConfig {
    /// A node at `url`, with defaults for everything else.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            app_version: None,
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            keepalive_interval: Duration::from_secs(30),
            keepalive_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            token_max_age: Duration::from_secs(3590),
        }
    }

    /// A node on this machine: `http://127.0.0.1:5556`.
    pub fn local() -> Self {
        Self::new("http://127.0.0.1:5556")
    }

    /// XMTP's hosted dev network.
    pub fn dev() -> Self {
        Self::new("https://grpc.dev.xmtp.network:443")
    }

    /// XMTP's hosted production network.
    pub fn production() -> Self {
        Self::new("https://grpc.production.xmtp.network:443")
    }

    /// A preset by name (`local`, `dev`, `production`) or else a URL.
    pub fn from_env_or_url(name_or_url: &str) -> Self {
        match name_or_url {
            "local" => Self::local(),
            "dev" => Self::dev(),
            "production" => Self::production(),
            url => Self::new(url),
        }
    }

    fn invalid(&self, reason: String) -> Error {
        Error::InvalidUrl {
            url: self.url.clone(),
            reason,
        }
    }

    /// How to reach this URL, not yet connected: this crate's own HTTP/2 transport for `http://`,
    /// tonic's endpoint with rustls for `https://`.
    fn route(&self) -> Result<(Route, http::Uri)> {
        let origin: http::Uri = self
            .url
            .parse()
            .map_err(|e: http::uri::InvalidUri| self.invalid(e.to_string()))?;
        let Some(authority) = origin.authority() else {
            return Err(self.invalid("has no host".into()));
        };
        match origin.scheme_str() {
            Some("http") => {
                let port = authority.port_u16().unwrap_or(80);
                let route = Route::Plain(H2Channel::new(H2Settings {
                    address: format!("{}:{port}", authority.host()),
                    connect_timeout: self.connect_timeout,
                    keepalive_interval: self.keepalive_interval,
                    keepalive_timeout: self.keepalive_timeout,
                }));
                Ok((route, origin))
            }
            Some("https") => {
                let endpoint = Endpoint::from_shared(self.url.clone())
                    .and_then(|e| e.tls_config(ClientTlsConfig::new().with_webpki_roots()))
                    .map_err(|e| self.invalid(e.to_string()))?
                    .connect_timeout(self.connect_timeout)
                    .http2_keep_alive_interval(self.keepalive_interval)
                    .keep_alive_timeout(self.keepalive_timeout)
                    .keep_alive_while_idle(true)
                    .tcp_nodelay(true);
                Ok((Route::Tls(Box::new(endpoint)), origin))
            }
            _ => Err(self.invalid("must start with http:// or https://".into())),
        }
    }
}

/// A node's transport before it is connected.
enum Route {
    Plain(H2Channel),
    Tls(Box<Endpoint>),
}

/// The connection under [`GrpcApi`].
#[derive(Clone)]
enum Transport {
    /// `http://`: one write per unary call (see `transport.rs`).
    Plain(H2Channel),
    /// `https://`: tonic's channel.
    Tls(Channel),
}

impl tower_service::Service<http::Request<tonic::body::Body>> for Transport {
    type Response = http::Response<tonic::body::Body>;
    type Error = BoxError;
    type Future = futures::future::BoxFuture<'static, Result<Self::Response, BoxError>>;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Self::Plain(channel) => channel.poll_ready(cx),
            Self::Tls(channel) => channel.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        match self {
            Self::Plain(channel) => channel.call(request),
            Self::Tls(channel) => channel.call(request).map_err(Into::into).boxed(),
        }
    }
}

/// Caches a token and renews it when it ages out or the node refuses it.
struct AuthCache {
    source: Arc<dyn AuthTokenSource>,
    max_age: Duration,
    current: Mutex<Option<(String, Instant)>>,
}

impl AuthCache {
    async fn token(&self, force: bool) -> Result<String> {
        let mut current = self.current.lock().await;
        if let Some((token, made)) = current.as_ref()
            && !force
            && made.elapsed() < self.max_age
        {
            return Ok(token.clone());
        }
        let token = self.source.create_token().await?;
        *current = Some((token.clone(), Instant::now()));
        Ok(token)
    }
}

/// [`XmtpApi`] over gRPC (tonic codecs): plaintext over this crate's own HTTP/2 transport, TLS
/// over tonic's channel.
#[derive(Clone)]
pub struct GrpcApi {
    client: MessageApiClient<Transport>,
    config: Arc<ApiConfig>,
    auth: Option<Arc<AuthCache>>,
}

impl GrpcApi {
    /// Connects now, so that a wrong URL or a node that is not running is reported here.
    pub async fn connect(config: ApiConfig) -> Result<Self> {
        let (route, origin) = config.route()?;
        let transport = match route {
            Route::Plain(channel) => {
                channel
                    .connect()
                    .await
                    .map_err(|status| Error::Transport(status.message().to_owned()))?;
                Transport::Plain(channel)
            }
            Route::Tls(endpoint) => Transport::Tls(endpoint.connect().await.map_err(|e| {
                Error::Transport(format!("cannot reach the node at {}: {e}", config.url))
            })?),
        };
        Ok(Self::with_transport(transport, origin, config))
    }

    /// Connects on first use (and reconnects by itself after failures).
    pub fn connect_lazy(config: ApiConfig) -> Result<Self> {
        let (route, origin) = config.route()?;
        let transport = match route {
            Route::Plain(channel) => Transport::Plain(channel),
            Route::Tls(endpoint) => Transport::Tls(endpoint.connect_lazy()),
        };
        Ok(Self::with_transport(transport, origin, config))
    }

    fn with_transport(transport: Transport, origin: http::Uri, config: ApiConfig) -> Self {
        Self {
            client: MessageApiClient::with_origin(transport, origin)
                .max_decoding_message_size(64 * 1024 * 1024),
            config: Arc::new(config),
            auth: None,
        }
    }

    /// Publishes with tokens from `source` (cached, renewed after `token_max_age` and once when the
    /// node answers UNAUTHENTICATED).
    pub fn with_auth(mut self, source: Arc<dyn AuthTokenSource>) -> Self {
        self.auth = Some(Arc::new(AuthCache {
            source,
            max_age: self.config.token_max_age,
            current: Mutex::new(None),
        }));
        self
    }

    /// The configuration in use.
    pub fn config(&self) -> &ApiConfig {
        &self.config
    }

    fn request<T>(&self, message: T, deadline: bool) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        if deadline {
            request.set_timeout(self.config.request_timeout);
        }
        let metadata = request.metadata_mut();
        metadata.insert(
            "x-client-version",
            MetadataValue::from_static(concat!("xmtp-rs/", env!("CARGO_PKG_VERSION"))),
        );
        if let Some(app) = &self.config.app_version
            && let Ok(value) = app.parse()
        {
            metadata.insert("x-app-version", value);
        }
        request
    }

    async fn retrying<T, F, Fut>(&self, mut call: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut attempt = 0;
        loop {
            match call().await {
                Err(e) if e.is_retryable() && attempt < self.config.retry.max_retries => {
                    tracing::debug!(error = %e, attempt, "retrying");
                    tokio::time::sleep(self.config.retry.delay(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn publish_once(&self, envelopes: &[Envelope], force_token: bool) -> Result<()> {
        let mut request = self.request(
            PublishRequest {
                envelopes: envelopes.to_vec(),
            },
            true,
        );
        if let Some(auth) = &self.auth {
            let token = auth.token(force_token).await?;
            let value = format!("Bearer {token}")
                .parse()
                .map_err(|_| Error::Auth("token is not a valid header value".into()))?;
            request.metadata_mut().insert("authorization", value);
        }
        self.client
            .clone()
            .publish(request)
            .await
            .map_err(map_status)?;
        Ok(())
    }
}

fn map_status(status: tonic::Status) -> Error {
    if status.code() == Code::Cancelled && status.message().contains(TIMEOUT_EXPIRED) {
        return Error::Timeout;
    }
    Error::from(status)
}

fn envelope_stream(stream: tonic::Streaming<Envelope>) -> EnvelopeStream {
    stream.map_err(map_status).boxed()
}

#[async_trait]
impl XmtpApi for GrpcApi {
    async fn publish(&self, envelopes: Vec<Envelope>) -> Result<()> {
        if envelopes.iter().any(|e| e.content_topic.is_empty()) {
            return Err(Error::InvalidRequest("an envelope has an empty topic"));
        }
        self.retrying(|| async {
            match self.publish_once(&envelopes, false).await {
                // An expired or revoked token: make a new one and try once more.
                Err(Error::Status {
                    code: Code::Unauthenticated,
                    ..
                }) if self.auth.is_some() => self.publish_once(&envelopes, true).await,
                other => other,
            }
        })
        .await
    }

    async fn query(&self, request: QueryRequest) -> Result<QueryResponse> {
        self.retrying(|| async {
            let response = self
                .client
                .clone()
                .query(self.request(request.clone(), true))
                .await;
            Ok(response.map_err(map_status)?.into_inner())
        })
        .await
    }

    async fn batch_query(&self, request: BatchQueryRequest) -> Result<BatchQueryResponse> {
        if request.requests.len() > MAX_BATCH_QUERIES {
            return Err(Error::InvalidRequest("more than 50 queries in one batch"));
        }
        self.retrying(|| async {
            let response = self
                .client
                .clone()
                .batch_query(self.request(request.clone(), true))
                .await;
            Ok(response.map_err(map_status)?.into_inner())
        })
        .await
    }

    async fn subscribe(&self, topics: Vec<String>) -> Result<EnvelopeStream> {
        let request = self.request(
            SubscribeRequest {
                content_topics: topics,
            },
            false,
        );
        let response = self
            .client
            .clone()
            .subscribe(request)
            .await
            .map_err(map_status)?;
        Ok(envelope_stream(response.into_inner()))
    }

    async fn subscribe_dynamic(&self, topics: Vec<String>) -> Result<TopicStream> {
        let (updates, rx) = mpsc::channel(16);
        updates
            .send(SubscribeRequest {
                content_topics: topics,
            })
            .await
            .map_err(|_| Error::SubscriptionClosed)?;
        let outbound = tokio_stream::wrappers::ReceiverStream::new(rx);
        let request = self.request(outbound, false);
        let response = self
            .client
            .clone()
            .subscribe2(request)
            .await
            .map_err(map_status)?;
        Ok(TopicStream {
            envelopes: envelope_stream(response.into_inner()),
            updates,
        })
    }

    async fn subscribe_all(&self) -> Result<EnvelopeStream> {
        let request = self.request(SubscribeAllRequest {}, false);
        let response = self
            .client
            .clone()
            .subscribe_all(request)
            .await
            .map_err(map_status)?;
        Ok(envelope_stream(response.into_inner()))
    }
}
