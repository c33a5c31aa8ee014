//! The `XmtpApi` trait and its gRPC implementation.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use tokio::sync::{Mutex, mpsc};
use tonic::metadata::MetadataValue;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};
use xmtp_proto::message_api::v1::message_api_client::MessageApiClient;
use xmtp_proto::message_api::v1::{
    BatchQueryRequest, BatchQueryResponse, Envelope, PublishRequest, QueryRequest, QueryResponse,
    SubscribeAllRequest, SubscribeRequest,
};

use xmtp_keystore::{Clock, SystemClock};

use crate::error::{Code, Error, Result};
use crate::retry::RetryPolicy;

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
    /// A stream from its parts, for an [`XmtpApi`] of your own: `envelopes` delivers what the
    /// node relays, and each request sent on `updates` replaces the whole topic set.
    pub fn new(envelopes: EnvelopeStream, updates: mpsc::Sender<SubscribeRequest>) -> Self {
        Self { envelopes, updates }
    }

    /// Replaces the whole topic set of the live stream. The future does not borrow the stream.
    pub fn set_topics(
        &self,
        topics: Vec<String>,
    ) -> impl Future<Output = Result<()>> + Send + 'static {
        let updates = self.updates.clone();
        async move {
            updates
                .send(SubscribeRequest {
                    content_topics: topics,
                })
                .await
                .map_err(|_| Error::SubscriptionClosed)
        }
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
    /// This API, publishing with tokens from `auth` (a client hands in its identity's tokens
    /// once it has signed in). `None`, the default, when it needs no tokens (an in-memory node)
    /// and is used as it is. A wrapper (a recording proxy) wraps what its inner API returns.
    fn authenticated(&self, auth: Arc<dyn AuthTokenSource>) -> Option<Arc<dyn XmtpApi>> {
        let _ = auth;
        None
    }
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
    /// What "now" is for the age of a cached token (the system clock by default).
    pub clock: Arc<dyn Clock>,
    /// PEM certificates trusted for `https://` besides the public roots: a private CA or a
    /// self-signed node (see [`Self::with_ca_pem`]).
    pub ca_pem: Vec<Vec<u8>>,
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
            clock: Arc::new(SystemClock),
            ca_pem: Vec::new(),
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

    /// Also trusts this CA (or self-signed node) certificate, PEM-encoded, for `https://` nodes,
    /// besides the public roots. Host names are still verified against it.
    pub fn with_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem.push(pem.into());
        self
    }

    fn invalid(&self, reason: String) -> Error {
        Error::InvalidUrl {
            url: self.url.clone(),
            reason,
        }
    }

    /// The tonic endpoint for this URL, not yet connected: rustls with the public roots and
    /// [`Self::with_ca_pem`]'s certificates for `https://`, plaintext for `http://`.
    fn endpoint(&self) -> Result<(Endpoint, http::Uri)> {
        let origin: http::Uri = self
            .url
            .parse()
            .map_err(|e: http::uri::InvalidUri| self.invalid(e.to_string()))?;
        if origin.authority().is_none() {
            return Err(self.invalid("has no host".into()));
        }
        let endpoint =
            Endpoint::from_shared(self.url.clone()).map_err(|e| self.invalid(error_chain(&e)))?;
        let endpoint = match origin.scheme_str() {
            Some("http") => endpoint,
            Some("https") => {
                let tls = self
                    .ca_pem
                    .iter()
                    .fold(ClientTlsConfig::new().with_webpki_roots(), |tls, pem| {
                        tls.ca_certificate(Certificate::from_pem(pem))
                    });
                endpoint
                    .tls_config(tls)
                    .map_err(|e| self.invalid(error_chain(&e)))?
            }
            _ => return Err(self.invalid("must start with http:// or https://".into())),
        };
        let endpoint = endpoint
            .connect_timeout(self.connect_timeout)
            .http2_keep_alive_interval(self.keepalive_interval)
            .keep_alive_timeout(self.keepalive_timeout)
            .keep_alive_while_idle(true)
            .tcp_nodelay(true);
        Ok((endpoint, origin))
    }
}

/// An error and its causes on one line: tonic's transport error alone says only "transport
/// error"; the rustls or I/O cause says why.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Caches a token and renews it when it ages out or the node refuses it.
struct AuthCache {
    source: Arc<dyn AuthTokenSource>,
    max_age: Duration,
    clock: Arc<dyn Clock>,
    /// The token and when it was made, by `clock`.
    current: Mutex<Option<(String, u64)>>,
}

impl AuthCache {
    async fn token(&self, force: bool) -> Result<String> {
        let mut current = self.current.lock().await;
        let now = self.clock.now_ns();
        let max_age = u64::try_from(self.max_age.as_nanos()).unwrap_or(u64::MAX);
        if let Some((token, made)) = current.as_ref()
            && !force
            // A clock that went back counts as aged out.
            && now >= *made
            && now - made < max_age
        {
            return Ok(token.clone());
        }
        let token = self.source.create_token().await?;
        *current = Some((token.clone(), now));
        Ok(token)
    }
}

/// [`XmtpApi`] over gRPC on tonic's channel, plaintext or TLS (rustls).
#[derive(Clone)]
pub struct GrpcApi {
    client: MessageApiClient<crate::eager_eos::EagerEosChannel<Channel>>,
    config: Arc<ApiConfig>,
    auth: Option<Arc<AuthCache>>,
}

impl GrpcApi {
    /// Connects now, so that a wrong URL, a node that is not running or a certificate that is
    /// not trusted is reported here.
    pub async fn connect(config: ApiConfig) -> Result<Self> {
        let (endpoint, origin) = config.endpoint()?;
        let channel = endpoint.connect().await.map_err(|e| {
            Error::Transport(format!(
                "cannot reach the node at {}: {}",
                config.url,
                error_chain(&e)
            ))
        })?;
        Ok(Self::with_channel(channel, origin, config))
    }

    /// Connects on first use (and reconnects by itself after failures).
    pub fn connect_lazy(config: ApiConfig) -> Result<Self> {
        let (endpoint, origin) = config.endpoint()?;
        Ok(Self::with_channel(endpoint.connect_lazy(), origin, config))
    }

    fn with_channel(channel: Channel, origin: http::Uri, config: ApiConfig) -> Self {
        Self {
            client: MessageApiClient::with_origin(
                crate::eager_eos::EagerEosChannel(channel),
                origin,
            )
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
            clock: Arc::clone(&self.config.clock),
            current: Mutex::new(None),
        }));
        self
    }

    /// The configuration in use.
    pub fn config(&self) -> &ApiConfig {
        &self.config
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
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

    /// The one deadline of a unary call: `request_timeout` around the whole exchange.
    async fn deadline<T>(
        &self,
        call: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
    ) -> Result<T> {
        match tokio::time::timeout(self.config.request_timeout, call).await {
            Ok(response) => Ok(response.map_err(map_status)?.into_inner()),
            Err(_elapsed) => Err(Error::Timeout),
        }
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
        let mut request = self.request(PublishRequest {
            envelopes: envelopes.to_vec(),
        });
        if let Some(auth) = &self.auth {
            let token = auth.token(force_token).await?;
            let value = format!("Bearer {token}")
                .parse()
                .map_err(|_| Error::Auth("token is not a valid header value".into()))?;
            request.metadata_mut().insert("authorization", value);
        }
        let mut client = self.client.clone();
        self.deadline(client.publish(request)).await?;
        Ok(())
    }
}

/// A status with the causes tonic attached (a refused connection, a rustls alert) in its message.
fn map_status(status: tonic::Status) -> Error {
    let source = std::error::Error::source(&status);
    let message = match source {
        Some(cause) => format!("{}: {}", status.message(), error_chain(cause)),
        None => status.message().to_owned(),
    };
    // A status with a cause was made here by tonic, not sent by the node (a node's status comes
    // in trailers, without one): the connection failed under the call, as when a node restarts
    // (CANCELLED "operation was canceled", UNKNOWN "connection reset", INTERNAL "h2 protocol
    // error ... not a result of an error" after its GOAWAY) or a proxy drops the connection.
    // Whether the node acted on the call is unknown; every unary call is safe to repeat (a
    // node stores identical envelopes once).
    if source.is_some() {
        return Error::Transport(message);
    }
    Error::Status {
        code: status.code(),
        message,
    }
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
            let mut client = self.client.clone();
            self.deadline(client.query(self.request(request.clone())))
                .await
        })
        .await
    }

    async fn batch_query(&self, request: BatchQueryRequest) -> Result<BatchQueryResponse> {
        if request.requests.len() > MAX_BATCH_QUERIES {
            return Err(Error::InvalidRequest("more than 50 queries in one batch"));
        }
        self.retrying(|| async {
            let mut client = self.client.clone();
            self.deadline(client.batch_query(self.request(request.clone())))
                .await
        })
        .await
    }

    async fn subscribe(&self, topics: Vec<String>) -> Result<EnvelopeStream> {
        let request = self.request(SubscribeRequest {
            content_topics: topics,
        });
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
        let request = self.request(outbound);
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

    fn authenticated(&self, auth: Arc<dyn AuthTokenSource>) -> Option<Arc<dyn XmtpApi>> {
        Some(Arc::new(self.clone().with_auth(auth)))
    }

    async fn subscribe_all(&self) -> Result<EnvelopeStream> {
        let request = self.request(SubscribeAllRequest {});
        let response = self
            .client
            .clone()
            .subscribe_all(request)
            .await
            .map_err(map_status)?;
        Ok(envelope_stream(response.into_inner()))
    }
}

#[cfg(test)]
mod transport_tests {
    use std::sync::Arc;

    use super::{Code, map_status};

    #[test]
    fn a_call_cut_by_a_failed_connection_is_retried() {
        // What tonic reported for calls in flight while the node restarted (loadgen soak).
        for (code, message) in [
            (Code::Cancelled, "operation was canceled"),
            (Code::Unknown, "transport error"),
            (Code::Internal, "h2 protocol error"),
        ] {
            let mut status = tonic::Status::new(code, message);
            status.set_source(Arc::new(std::io::Error::other("connection reset")));
            assert!(map_status(status).is_retryable(), "{code:?}");
        }
        // The node's own CANCELLED (a status in the trailers, no local cause) is its answer.
        let answered = tonic::Status::new(Code::Cancelled, "cancelled by the node");
        assert!(!map_status(answered).is_retryable());
    }
}
