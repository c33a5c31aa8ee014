//! The accept loop both listeners share, and the connection hygiene around it: caps on
//! connections (per client address and in total), handshake, header, body and idle timeouts,
//! HTTP/2 limits, and a pause instead of a spin when the process runs out of file descriptors.
//!
//! Each connection is served by hyper-util's `auto` builder (HTTP/1.1 and HTTP/2 on the gateway,
//! HTTP/2 only for gRPC) in its own task. The router sees the client's address as axum's
//! `ConnectInfo<SocketAddr>` and tonic's `TcpConnectInfo`, as it did under `axum::serve` and
//! tonic's own server.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};
use tokio_util::sync::CancellationToken;
use tonic::transport::server::TcpConnectInfo;

use crate::config::{Cidr, ConnectionLimits};
use crate::grpc_guard::{self, MessageLimit, MessageLimits};
use crate::slow::{WriteWatch, Writes};
use crate::tls::Handshake;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Connections open over both listeners, and per client address.
pub(crate) struct Connections {
    total: Arc<Semaphore>,
    per_ip: Mutex<HashMap<IpAddr, usize>>,
    max_per_ip: usize,
    /// Trusted proxies: every client behind one shares its address, so it has no per-IP cap.
    uncapped: Vec<Cidr>,
}

impl Connections {
    pub(crate) fn new(limits: &ConnectionLimits, trusted_proxies: &[Cidr]) -> Arc<Self> {
        let total = limits.max_connections.unwrap_or_else(auto_max_connections);
        tracing::info!(
            max_connections = total,
            max_connections_per_ip = limits.max_connections_per_ip,
            "connection caps"
        );
        Arc::new(Self {
            total: Arc::new(Semaphore::new(total.max(1))),
            per_ip: Mutex::new(HashMap::new()),
            max_per_ip: limits.max_connections_per_ip,
            uncapped: trusted_proxies.to_vec(),
        })
    }

    /// Counts a connection from `ip`, or `None` when that address is at its cap.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<IpSlot> {
        let key = client_key(ip);
        if self.max_per_ip == 0 || self.uncapped.iter().any(|proxy| proxy.contains(ip)) {
            return Some(IpSlot { owner: None, key });
        }
        let mut per_ip = self.per_ip.lock().unwrap_or_else(PoisonError::into_inner);
        let open = per_ip.entry(key).or_insert(0);
        if *open >= self.max_per_ip {
            return None;
        }
        *open += 1;
        Some(IpSlot {
            owner: Some(Arc::clone(self)),
            key,
        })
    }
}

/// One address's share of the per-IP count, released when the connection ends.
struct IpSlot {
    owner: Option<Arc<Connections>>,
    key: IpAddr,
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        if let Some(owner) = &self.owner {
            let mut per_ip = owner.per_ip.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(open) = per_ip.get_mut(&self.key) {
                *open = open.saturating_sub(1);
                if *open == 0 {
                    per_ip.remove(&self.key);
                }
            }
        }
    }
}

/// The address a per-client cap counts against: IPv4 as is, IPv6 by its /64 (the smallest block
/// a site is given, so one client cannot escape the cap by rotating addresses in it).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
        },
        v4 @ IpAddr::V4(_) => v4,
    }
}

/// 3/4 of the open-files limit (the rest for the database, logs and the listeners), at most
/// 65,536.
fn auto_max_connections() -> usize {
    let soft = open_files_limit().map_or(1024, |(soft, _)| soft);
    usize::try_from(soft / 4 * 3)
        .unwrap_or(usize::MAX)
        .clamp(64, 65_536)
}

/// The process's open-files limit `(soft, hard)`, `None` where unknown (no limit, or not Unix).
fn open_files_limit() -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        Some((limit.current?, limit.maximum.unwrap_or(u64::MAX)))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Raises the process's soft `RLIMIT_NOFILE` to its hard limit, so that the node's connection
/// cap (not the common default of 1,024 descriptors) is what bounds its connections. Returns the
/// limit now in force (`None` where the platform has none). Call it once at start, before
/// [`Node::start`](crate::Node::start) (the `xmtp-node` binary and `xmtp node` do).
pub fn raise_open_files_limit() -> io::Result<Option<u64>> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let mut limit = getrlimit(Resource::Nofile);
        let before = limit.current;
        if limit.current.is_some() && limit.current != limit.maximum {
            limit.current = limit.maximum;
            setrlimit(Resource::Nofile, limit).map_err(io::Error::from)?;
        }
        let now = getrlimit(Resource::Nofile).current;
        tracing::info!(
            before = ?before,
            now = ?now,
            "open files limit (RLIMIT_NOFILE)"
        );
        Ok(now)
    }
    #[cfg(not(unix))]
    {
        Ok(None)
    }
}

/// The pause after an `accept` that failed for want of resources (`EMFILE`, `ENFILE`,
/// `ENOBUFS`): 10 ms, doubling to at most 100 ms while failures go on, back to 10 ms after a
/// success. The loop never spins, and picks up again within 100 ms of a descriptor freeing.
#[derive(Debug)]
pub(crate) struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(10);
    const MAX: Duration = Duration::from_millis(100);

    pub(crate) fn new() -> Self {
        Self { next: Self::FIRST }
    }

    pub(crate) fn failed(&mut self) -> Duration {
        let pause = self.next;
        self.next = (self.next * 2).min(Self::MAX);
        pause
    }

    pub(crate) fn succeeded(&mut self) {
        self.next = Self::FIRST;
    }
}

/// Errors of `accept` that concern one connection only (the peer gave up before we took it):
/// the next accept may succeed at once.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// What a listener speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// The gateway: HTTP/1.1 and HTTP/2, request bodies under the body timeout, and a
    /// `Content-Length` over `max_body` refused before the body is read.
    Gateway { max_body: u64 },
    /// gRPC: HTTP/2 only; each message held to its method's limit before tonic decodes it; the
    /// `grpc-timeout` deadline (at most the node's maximum) on every call; request bodies under
    /// the body timeout, except `Subscribe2`'s, which may idle.
    Grpc { messages: MessageLimits },
}

/// One listener: its socket, handshake, router and limits.
pub(crate) struct Listener<H> {
    pub(crate) tcp: TcpListener,
    pub(crate) handshake: H,
    pub(crate) router: Router,
    pub(crate) protocol: Protocol,
    pub(crate) limits: ConnectionLimits,
    pub(crate) connections: Arc<Connections>,
}

impl<H: Handshake> Listener<H> {
    /// Accepts and serves until `stop`; then stops accepting, asks every connection to finish
    /// (HTTP/1.1: after its response; HTTP/2: GOAWAY) and returns when they have. Dropping the
    /// returned future (an aborted task) drops every connection.
    pub(crate) async fn serve(self, stop: CancellationToken) {
        let Self {
            tcp,
            handshake,
            router,
            protocol,
            limits,
            connections,
        } = self;
        let builder = Arc::new(builder(protocol, &limits));
        let limits = Arc::new(limits);
        let handshakes = Arc::new(Semaphore::new(limits.max_handshakes.max(1)));
        let mut tasks = JoinSet::new();
        let mut backoff = Backoff::new();
        loop {
            // Forget connections that have ended.
            while tasks.try_join_next().is_some() {}
            // At the cap: stop accepting (peers wait in the backlog) until a connection ends.
            let slot = tokio::select! {
                () = stop.cancelled() => break,
                Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
                permit = Arc::clone(&connections.total).acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
            };
            let handshake_permit = tokio::select! {
                () = stop.cancelled() => break,
                permit = Arc::clone(&handshakes).acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
            };
            let (tcp, peer) = tokio::select! {
                () = stop.cancelled() => break,
                accepted = tcp.accept() => match accepted {
                    Ok(accepted) => {
                        backoff.succeeded();
                        accepted
                    }
                    Err(e) if is_per_connection(&e) => continue,
                    Err(e) => {
                        // Out of descriptors and the like: pause instead of spinning; the
                        // connections we hold time out and free some.
                        let pause = backoff.failed();
                        tracing::warn!(error = %e, ?pause, "accept failed; pausing");
                        tokio::select! {
                            () = stop.cancelled() => break,
                            () = tokio::time::sleep(pause) => continue,
                        }
                    }
                },
            };
            let Some(ip_slot) = connections.admit(peer.ip()) else {
                tracing::debug!(%peer, "connections per address at the cap; closing");
                continue;
            };
            // Without TCP_NODELAY a small response waits on the peer's delayed ACK: 40 ms per
            // page when a client reads pages one after another.
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "cannot set TCP_NODELAY");
            }
            let local = tcp.local_addr().ok();
            let conn = Conn {
                peer,
                local,
                router: router.clone(),
                protocol,
                limits: Arc::clone(&limits),
                builder: Arc::clone(&builder),
                stop: stop.clone(),
                _slots: (slot, ip_slot),
            };
            let handshake = handshake.clone();
            tasks.spawn(async move {
                let io = match tokio::time::timeout(
                    conn.limits.handshake_timeout,
                    handshake.handshake(tcp),
                )
                .await
                {
                    Ok(Ok(io)) => io,
                    Ok(Err(e)) => return tracing::debug!(%peer, error = %e, "handshake failed"),
                    Err(_) => return tracing::debug!(%peer, "handshake timed out"),
                };
                drop(handshake_permit);
                conn.serve(io).await;
            });
        }
        // Connections see `stop` themselves and finish gracefully.
        while tasks.join_next().await.is_some() {}
    }
}

fn builder(protocol: Protocol, limits: &ConnectionLimits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    if matches!(protocol, Protocol::Grpc { .. }) {
        builder = builder.http2_only();
    }
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(usize::try_from(limits.max_header_bytes).map_or(usize::MAX, |n| n.max(8192)))
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.http2_keepalive_interval)
        .keep_alive_timeout(limits.http2_keepalive_timeout)
        .max_concurrent_streams(limits.http2_max_concurrent_streams)
        .max_header_list_size(limits.max_header_bytes)
        .max_pending_accept_reset_streams(limits.http2_max_pending_accept_reset_streams)
        .max_local_error_reset_streams(limits.http2_max_local_error_reset_streams);
    builder
}

/// One accepted connection, holding its places in the caps until it ends.
struct Conn {
    peer: SocketAddr,
    local: Option<SocketAddr>,
    router: Router,
    protocol: Protocol,
    limits: Arc<ConnectionLimits>,
    builder: Arc<auto::Builder<TokioExecutor>>,
    stop: CancellationToken,
    _slots: (OwnedSemaphorePermit, IpSlot),
}

impl Conn {
    async fn serve<Io>(self, io: Io)
    where
        Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (activity, mut idle) = watch::channel(Activity::default());
        let writes = Writes::new();
        let service = ConnService {
            router: self.router.clone(),
            peer: self.peer,
            local: self.local,
            protocol: self.protocol,
            body_timeout: self.limits.body_timeout,
            grpc_max_timeout: self.limits.grpc_max_timeout,
            activity: Arc::new(activity),
            writes: Arc::clone(&writes),
        };
        let conn = self.builder.serve_connection(TokioIo::new(io), service);
        tokio::pin!(conn);
        let header_timeout = self.limits.header_timeout;
        let idle_timeout = self.limits.idle_timeout;
        let write_timeout = self.limits.write_timeout;
        let mut deadline: Option<Pin<Box<Sleep>>> = None;
        loop {
            let shutting = deadline.is_some();
            let hard = async {
                match deadline.as_mut() {
                    Some(sleep) => sleep.await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(peer = %self.peer, error = %e, "connection ended");
                    }
                    return;
                }
                () = self.stop.cancelled(), if !shutting => {
                    conn.as_mut().graceful_shutdown();
                    // In-flight requests get the node's shutdown grace, then the connection is cut.
                    deadline = Some(Box::pin(tokio::time::sleep(crate::node::SHUTDOWN_GRACE)));
                }
                () = idle_for(&mut idle, header_timeout, idle_timeout), if !shutting => {
                    tracing::debug!(peer = %self.peer, "idle connection; closing");
                    conn.as_mut().graceful_shutdown();
                    // A peer that does not let even that finish is cut.
                    deadline = Some(Box::pin(tokio::time::sleep(header_timeout)));
                }
                () = writes.stalled(write_timeout) => {
                    // The client stopped reading: a graceful close would wait on it too.
                    tracing::debug!(peer = %self.peer, ?write_timeout, "response not written in time; closing");
                    return;
                }
                () = hard => return,
            }
        }
    }
}

/// Requests of one connection in progress (from headers received to response body sent), and
/// whether it has had any yet.
#[derive(Clone, Copy, Debug, Default)]
struct Activity {
    in_flight: usize,
    started: bool,
}

/// Resolves once the connection has had no request in progress for `idle_timeout`, or has had
/// none at all for `header_timeout` (a peer that connects and never completes a request).
async fn idle_for(
    activity: &mut watch::Receiver<Activity>,
    header_timeout: Duration,
    idle_timeout: Duration,
) {
    loop {
        let now = *activity.borrow_and_update();
        if now.in_flight > 0 {
            if activity.changed().await.is_err() {
                return std::future::pending().await;
            }
            continue;
        }
        let limit = if now.started {
            idle_timeout
        } else {
            header_timeout
        };
        match tokio::time::timeout(limit, activity.changed()).await {
            Err(_) => return,
            Ok(Ok(())) => {}
            Ok(Err(_)) => return std::future::pending().await,
        }
    }
}

/// Marks a request in progress until dropped (with its response body).
struct InFlight(Arc<watch::Sender<Activity>>);

impl InFlight {
    fn start(activity: &Arc<watch::Sender<Activity>>) -> Self {
        activity.send_modify(|a| {
            a.in_flight += 1;
            a.started = true;
        });
        Self(Arc::clone(activity))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0
            .send_modify(|a| a.in_flight = a.in_flight.saturating_sub(1));
    }
}

/// The per-connection service: the client's address into the request, the gateway's checks, and
/// the request's in-progress mark carried by its response body.
#[derive(Clone)]
struct ConnService {
    router: Router,
    peer: SocketAddr,
    local: Option<SocketAddr>,
    protocol: Protocol,
    body_timeout: Duration,
    grpc_max_timeout: Duration,
    activity: Arc<watch::Sender<Activity>>,
    writes: Arc<Writes>,
}

impl hyper::service::Service<Request<Incoming>> for ConnService {
    type Response = Response<TrackedBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, mut request: Request<Incoming>) -> Self::Future {
        let in_flight = InFlight::start(&self.activity);
        request.extensions_mut().insert(ConnectInfo(self.peer));
        request.extensions_mut().insert(TcpConnectInfo {
            local_addr: self.local,
            remote_addr: Some(self.peer),
        });
        let writes = Arc::clone(&self.writes);
        let timeout = self.body_timeout;
        let mut router = self.router.clone();
        match self.protocol {
            Protocol::Gateway { max_body } => {
                if let Some(refused) = refuse_oversized(&request, max_body) {
                    return Box::pin(std::future::ready(Ok(track(refused, in_flight, &writes))));
                }
                let request =
                    request.map(|body| Body::new(StallTimeout::new(body, timeout, Stalled::Http)));
                Box::pin(async move {
                    let response = tower_service::Service::call(&mut router, request).await?;
                    Ok(track(response, in_flight, &writes))
                })
            }
            Protocol::Grpc { messages } => {
                let path = request.uri().path();
                let limit = messages.for_path(path);
                let may_idle = grpc_guard::may_idle(path);
                let deadline = grpc_guard::requested_timeout(request.headers())
                    .map_or(self.grpc_max_timeout, |asked| {
                        asked.min(self.grpc_max_timeout)
                    });
                let request = request.map(|body| {
                    let body = MessageLimit::new(body, limit);
                    if may_idle {
                        Body::new(body)
                    } else {
                        Body::new(StallTimeout::new(body, timeout, Stalled::Grpc))
                    }
                });
                Box::pin(async move {
                    // As tonic's own deadline layer: for a unary call the whole handler, for a
                    // stream until it starts.
                    let call = tower_service::Service::call(&mut router, request);
                    let response = match tokio::time::timeout(deadline, call).await {
                        Ok(response) => response?,
                        Err(_) => grpc_guard::deadline_exceeded(deadline).into_http(),
                    };
                    Ok(track(response, in_flight, &writes))
                })
            }
        }
    }
}

fn track(
    response: Response<Body>,
    in_flight: InFlight,
    writes: &Arc<Writes>,
) -> Response<TrackedBody> {
    response.map(|body| TrackedBody {
        watch: writes.watch(!http_body::Body::is_end_stream(&body)),
        body,
        _in_flight: in_flight,
    })
}

/// 413 for a request whose `Content-Length` is over the gateway's body limit, before a byte of
/// the body is read; the connection then closes (HTTP/1.1) or the stream is reset (HTTP/2).
fn refuse_oversized<B>(request: &Request<B>, max_body: u64) -> Option<Response<Body>> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse::<u64>()
        .ok()?;
    if declared <= max_body {
        return None;
    }
    let message = format!("request body of {declared} bytes is over the limit of {max_body}");
    let body = serde_json::json!({ "code": 8, "message": message, "details": [] }).to_string();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if request.version() <= http::Version::HTTP_11 {
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Some(response)
}

/// A response body that keeps its request counted as in progress until it is done, and marks
/// how long it has waited to be written ([`crate::slow`]).
pub(crate) struct TrackedBody {
    body: Body,
    watch: WriteWatch,
    _in_flight: InFlight,
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        let body = &mut this.body;
        this.watch.poll(cx, |cx| {
            let frame = Pin::new(&mut *body).poll_frame(cx);
            (frame, !body.is_end_stream())
        })
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A request body that fails when no new frame arrives for `timeout` (a client that stalls
/// mid-body).
struct StallTimeout<B> {
    body: B,
    timeout: Duration,
    sleep: Pin<Box<Sleep>>,
    stalled: Stalled,
}

/// How a stalled request body fails: for the gateway an error the handler answers with 400;
/// for gRPC a status tonic answers with (`DEADLINE_EXCEEDED`).
#[derive(Clone, Copy, Debug)]
enum Stalled {
    Http,
    Grpc,
}

impl<B> StallTimeout<B> {
    fn new(body: B, timeout: Duration, stalled: Stalled) -> Self {
        Self {
            body,
            timeout,
            sleep: Box::pin(tokio::time::sleep(timeout)),
            stalled,
        }
    }

    fn error(&self) -> BoxError {
        let stalled = BodyStalled(self.timeout);
        match self.stalled {
            Stalled::Http => Box::new(stalled),
            Stalled::Grpc => Box::new(tonic::Status::deadline_exceeded(stalled.to_string())),
        }
    }
}

/// The error a stalled request body ends with.
#[derive(Debug, thiserror::Error)]
#[error("request body stalled for more than {0:?}")]
struct BodyStalled(Duration);

impl<B> http_body::Body for StallTimeout<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.body).poll_frame(cx) {
            Poll::Ready(frame) => {
                let deadline = Instant::now() + this.timeout;
                this.sleep.as_mut().reset(deadline);
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => match this.sleep.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(this.error()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn backoff_grows_to_a_cap_and_resets_on_success() {
        let mut backoff = Backoff::new();
        let pauses: Vec<u64> = (0..6)
            .map(|_| u64::try_from(backoff.failed().as_millis()).unwrap())
            .collect();
        assert_eq!(pauses, [10, 20, 40, 80, 100, 100]);
        backoff.succeeded();
        assert_eq!(backoff.failed(), Duration::from_millis(10));
    }

    #[test]
    fn resource_errors_pause_and_per_connection_errors_do_not() {
        let emfile = io::Error::from_raw_os_error(24);
        let enfile = io::Error::from_raw_os_error(23);
        assert!(!is_per_connection(&emfile));
        assert!(!is_per_connection(&enfile));
        assert!(is_per_connection(&io::Error::from(
            io::ErrorKind::ConnectionAborted
        )));
    }

    #[test]
    fn ipv6_clients_count_by_their_64_and_mapped_v4_as_v4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn the_per_address_cap_admits_up_to_it_and_frees_on_drop() {
        let limits = ConnectionLimits {
            max_connections_per_ip: 2,
            ..ConnectionLimits::default()
        };
        let proxy: Cidr = "198.51.100.0/24".parse().unwrap();
        let connections = Connections::new(&limits, &[proxy]);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let first = connections.admit(ip).unwrap();
        let _second = connections.admit(ip).unwrap();
        assert!(connections.admit(ip).is_none());
        assert!(connections.admit("192.0.2.2".parse().unwrap()).is_some());
        drop(first);
        assert!(connections.admit(ip).is_some());
        // A trusted proxy carries many clients: no per-address cap.
        let from_proxy: Vec<_> = (0..5)
            .map(|_| connections.admit("198.51.100.9".parse().unwrap()))
            .collect();
        assert!(from_proxy.iter().all(Option::is_some));
    }
}
