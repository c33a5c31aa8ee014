//! The HTTP/2 transport under [`crate::GrpcApi`] for plaintext (`http://`) nodes.
//!
//! tonic's `Channel` sends a unary request as two socket writes (hyper writes the HEADERS frame,
//! then a separate task pipes the body's DATA frame), and the node wakes up for each. On a
//! loopback or LAN node that wake-up is a large part of a call. This transport speaks `h2`
//! directly: the request's headers and every body frame that is ready at once are queued
//! before the connection task runs, so a unary call goes out in one write. Bodies that are still
//! streaming (`Subscribe2` topic updates) are pumped by their own task afterwards.
//!
//! It keeps what the `Channel` gave: one shared connection dialled on first use (or at once),
//! re-dialled after it breaks, HTTP/2 keepalive pings that close a connection whose peer stopped
//! answering, a connect deadline, and the client-side deadline of `grpc-timeout`. TLS (`https://`)
//! stays on tonic's `Channel`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures::FutureExt as _;
use h2::SendStream;
use h2::client::SendRequest;
use http_body::Frame;
use http_body_util::BodyExt as _;
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tonic::Status;
use tonic::body::Body;

/// What tonic's channel says when a call outlives its `grpc-timeout`; [`crate::api`] maps it to
/// [`crate::Error::Timeout`] for both transports.
pub(crate) const TIMEOUT_EXPIRED: &str = "Timeout expired";

/// Stream and connection flow-control windows, as hyper's client sets them.
const STREAM_WINDOW: u32 = 2 * 1024 * 1024;
const CONNECTION_WINDOW: u32 = 5 * 1024 * 1024;

/// The error type of tower services here (both transports).
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where and how to connect.
#[derive(Debug, Clone)]
pub(crate) struct H2Settings {
    /// `host:port` to dial.
    pub address: String,
    pub connect_timeout: Duration,
    pub keepalive_interval: Duration,
    pub keepalive_timeout: Duration,
}

/// A shared HTTP/2 connection to one node, dialled when needed. Clones share it.
#[derive(Clone)]
pub(crate) struct H2Channel {
    shared: Arc<Shared>,
}

struct Shared {
    settings: H2Settings,
    /// The live connection's request handle and its generation; `None` until dialled or after it
    /// broke. Held across a dial, so callers arriving meanwhile share the one new connection.
    slot: Mutex<Option<(u64, SendRequest<Bytes>)>>,
}

impl H2Channel {
    pub(crate) fn new(settings: H2Settings) -> Self {
        Self {
            shared: Arc::new(Shared {
                settings,
                slot: Mutex::new(None),
            }),
        }
    }

    /// Dials now (if not connected), so that an unreachable node is reported to the caller.
    pub(crate) async fn connect(&self) -> Result<(), Status> {
        self.ready_sender().await.map(drop)
    }

    /// A request handle on the live connection and its generation, dialling first if there is
    /// none.
    async fn sender(&self) -> Result<(u64, SendRequest<Bytes>), Status> {
        let mut slot = self.shared.slot.lock().await;
        if let Some((generation, sender)) = slot.as_ref() {
            return Ok((*generation, sender.clone()));
        }
        let generation = next_generation();
        let sender = dial(
            &self.shared.settings,
            Arc::downgrade(&self.shared),
            generation,
        )
        .await?;
        *slot = Some((generation, sender.clone()));
        Ok((generation, sender))
    }

    /// A request handle ready for a new stream. A connection found closed (its task may not have
    /// cleared the slot yet) is replaced once: nothing was sent on it, so this cannot repeat a
    /// request.
    async fn ready_sender(&self) -> Result<SendRequest<Bytes>, Status> {
        let (generation, sender) = self.sender().await?;
        match sender.ready().await {
            Ok(sender) => Ok(sender),
            Err(_) => {
                Self::forget(&self.shared, generation).await;
                let (_, sender) = self.sender().await?;
                sender.ready().await.map_err(|e| h2_status(&e))
            }
        }
    }

    /// Forgets the connection of `generation` (a newer one is kept).
    async fn forget(shared: &Shared, generation: u64) {
        let mut slot = shared.slot.lock().await;
        if slot.as_ref().is_some_and(|(g, _)| *g == generation) {
            *slot = None;
        }
    }

    /// One call under its `grpc-timeout`, enforced here as tonic's channel does.
    async fn run(self, request: http::Request<Body>) -> Result<http::Response<Body>, BoxError> {
        let limit = request
            .headers()
            .get("grpc-timeout")
            .and_then(parse_grpc_timeout);
        let work = self.send(request);
        let result = match limit {
            Some(limit) => tokio::time::timeout(limit, work)
                .await
                .unwrap_or_else(|_| Err(Status::cancelled(TIMEOUT_EXPIRED))),
            None => work.await,
        };
        result.map_err(Into::into)
    }

    async fn send(&self, request: http::Request<Body>) -> Result<http::Response<Body>, Status> {
        let (parts, mut body) = request.into_parts();
        let mut sender = self.ready_sender().await?;
        let (response, mut stream) = sender
            .send_request(http::Request::from_parts(parts, ()), false)
            .map_err(|e| h2_status(&e))?;
        // Queue every frame that is ready now, holding the latest back so that the last one
        // carries END_STREAM: a unary request leaves as one HEADERS and one DATA frame.
        let mut held: Option<Bytes> = None;
        loop {
            match body.frame().now_or_never() {
                Some(Some(Ok(frame))) => {
                    if let Some(previous) = frame.into_data().ok().and_then(|d| held.replace(d)) {
                        stream
                            .send_data(previous, false)
                            .map_err(|e| h2_status(&e))?;
                    }
                }
                Some(Some(Err(status))) => {
                    stream.send_reset(h2::Reason::CANCEL);
                    return Err(status);
                }
                Some(None) => {
                    stream
                        .send_data(held.take().unwrap_or_default(), true)
                        .map_err(|e| h2_status(&e))?;
                    break;
                }
                None => {
                    tokio::spawn(pump(body, stream, held));
                    break;
                }
            }
        }
        let response = response.await.map_err(|e| h2_status(&e))?;
        Ok(response.map(|recv| {
            Body::new(ResponseBody {
                recv,
                state: State::Data,
            })
        }))
    }
}

impl tower_service::Service<http::Request<Body>> for H2Channel {
    type Response = http::Response<Body>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Readiness is the connection's, awaited per call (it may need dialling first).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        Box::pin(self.clone().run(request))
    }
}

fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Connects, runs the HTTP/2 handshake and spawns the task that drives the connection and its
/// keepalive pings; the task clears the slot of `generation` when the connection ends.
async fn dial(
    settings: &H2Settings,
    shared: Weak<Shared>,
    generation: u64,
) -> Result<SendRequest<Bytes>, Status> {
    let unreachable = |why: String| {
        Status::unavailable(format!(
            "cannot reach the node at {}: {why}",
            settings.address
        ))
    };
    let tcp = tokio::time::timeout(
        settings.connect_timeout,
        TcpStream::connect(settings.address.as_str()),
    )
    .await
    .map_err(|_| unreachable("connect timed out".into()))?
    .map_err(|e| unreachable(e.to_string()))?;
    tcp.set_nodelay(true)
        .map_err(|e| unreachable(e.to_string()))?;
    let (sender, mut connection) = h2::client::Builder::new()
        .initial_window_size(STREAM_WINDOW)
        .initial_connection_window_size(CONNECTION_WINDOW)
        .enable_push(false)
        .handshake::<_, Bytes>(tcp)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let pings = connection.ping_pong();
    let (interval, answer_within) = (settings.keepalive_interval, settings.keepalive_timeout);
    tokio::spawn(async move {
        let keepalive = async move {
            let Some(mut pings) = pings else {
                return std::future::pending().await;
            };
            loop {
                tokio::time::sleep(interval).await;
                let pong = tokio::time::timeout(answer_within, pings.ping(h2::Ping::opaque()));
                if !matches!(pong.await, Ok(Ok(_))) {
                    return;
                }
            }
        };
        tokio::select! {
            ended = &mut connection => {
                if let Err(e) = ended {
                    tracing::debug!(error = %e, "connection to the node ended");
                }
            }
            () = keepalive => tracing::debug!("keepalive ping unanswered; closing the connection"),
        }
        drop(connection);
        if let Some(shared) = shared.upgrade() {
            H2Channel::forget(&shared, generation).await;
        }
    });
    Ok(sender)
}

/// Sends the rest of a request body that was not ready at once (a client stream), frame by frame.
async fn pump(mut body: Body, mut stream: SendStream<Bytes>, held: Option<Bytes>) {
    if let Some(data) = held
        && stream.send_data(data, false).is_err()
    {
        return;
    }
    loop {
        let frame = tokio::select! {
            frame = body.frame() => frame,
            // The node reset the stream or the connection broke: nobody reads the rest.
            _ = std::future::poll_fn(|cx| stream.poll_reset(cx)) => return,
        };
        let sent = match frame {
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => stream.send_data(data, false),
                Err(_) => Ok(()),
            },
            Some(Err(_)) => {
                stream.send_reset(h2::Reason::CANCEL);
                return;
            }
            None => {
                let _ = stream.send_data(Bytes::new(), true);
                return;
            }
        };
        if sent.is_err() {
            return;
        }
    }
}

/// A response body read from an `h2` stream: DATA frames, then trailers (the gRPC status).
struct ResponseBody {
    recv: h2::RecvStream,
    state: State,
}

#[derive(PartialEq)]
enum State {
    Data,
    Trailers,
    Done,
}

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = self.get_mut();
        if this.state == State::Data {
            match ready!(this.recv.poll_data(cx)) {
                Some(Ok(data)) => {
                    // Consumed: let the node send as much again.
                    let _ = this.recv.flow_control().release_capacity(data.len());
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Some(Err(e)) => {
                    this.state = State::Done;
                    return Poll::Ready(Some(Err(h2_status(&e))));
                }
                None => this.state = State::Trailers,
            }
        }
        if this.state == State::Trailers {
            let trailers = ready!(this.recv.poll_trailers(cx));
            this.state = State::Done;
            return Poll::Ready(match trailers {
                Ok(Some(trailers)) => Some(Ok(Frame::trailers(trailers))),
                Ok(None) => None,
                Err(e) => Some(Err(h2_status(&e))),
            });
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.state == State::Done
    }
}

/// The gRPC status for an HTTP/2 failure (gRPC's PROTOCOL-HTTP2.md mapping); a broken or
/// closing connection is UNAVAILABLE, which callers retry.
fn h2_status(error: &h2::Error) -> Status {
    let code = match error.reason() {
        _ if error.is_io() || error.is_go_away() => tonic::Code::Unavailable,
        Some(h2::Reason::REFUSED_STREAM) => tonic::Code::Unavailable,
        Some(h2::Reason::CANCEL) => tonic::Code::Cancelled,
        Some(h2::Reason::ENHANCE_YOUR_CALM) => tonic::Code::ResourceExhausted,
        Some(h2::Reason::INADEQUATE_SECURITY) => tonic::Code::PermissionDenied,
        Some(_) => tonic::Code::Internal,
        None => tonic::Code::Unavailable,
    };
    Status::new(code, format!("HTTP/2: {error}"))
}

/// The duration of a `grpc-timeout` header: up to 8 digits and a unit (`H M S m u n`).
fn parse_grpc_timeout(value: &http::HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?;
    let split = text.len().checked_sub(1)?;
    let (digits, unit) = text.split_at(split);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount.checked_mul(3600)?),
        "M" => Duration::from_secs(amount.checked_mul(60)?),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_parse_by_unit_and_refuse_bad_text() {
        let parse = |s: &'static str| parse_grpc_timeout(&http::HeaderValue::from_static(s));
        assert_eq!(parse("30S"), Some(Duration::from_secs(30)));
        assert_eq!(parse("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("5M"), Some(Duration::from_secs(300)));
        assert_eq!(parse("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse("30000000u"), Some(Duration::from_secs(30)));
        assert_eq!(parse("7n"), Some(Duration::from_nanos(7)));
        for bad in ["", "S", "123456789S", "1x", "-1S", "1.5S", "S1"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
