//! What the gRPC listener checks before tonic decodes a request: each method's message size
//! (read from the 5-byte prefix of every message, so a message over the limit is refused before
//! a byte of it is buffered) and the client's `grpc-timeout`, capped by the node's own maximum.
//! tonic's server has both, but only per service and only inside its own accept loop, which the
//! node's [`listener`](crate::listener) replaces.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use http_body::{Frame, SizeHint};
use tonic::Status;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The gRPC method whose messages may be as large as the node's request limit; every other
/// method (queries, subscriptions, health, reflection) gets the smaller query limit.
const PUBLISH: &str = "/xmtp.message_api.v1.MessageApi/Publish";
/// The one method whose request stream may idle: its messages are topic updates.
const SUBSCRIBE2: &str = "/xmtp.message_api.v1.MessageApi/Subscribe2";

/// Largest message of each kind of gRPC request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MessageLimits {
    /// Publish (network.md's envelope rules: the node's request limit).
    pub(crate) publish: usize,
    /// Every other method.
    pub(crate) other: usize,
}

impl MessageLimits {
    /// The limit for a request to `path`.
    pub(crate) fn for_path(self, path: &str) -> usize {
        if path == PUBLISH {
            self.publish
        } else {
            self.other
        }
    }
}

/// Whether the request stream of the method at `path` may pause without limit (`Subscribe2`,
/// whose updates come whenever the client has some); every other request body is held to the
/// body timeout.
pub(crate) fn may_idle(path: &str) -> bool {
    path == SUBSCRIBE2
}

/// The deadline the client asked for in `grpc-timeout` (`<up to 8 digits><H|M|S|m|u|n>`), or
/// `None` when absent or malformed (then only the node's maximum applies, as in grpc-go).
pub(crate) fn requested_timeout(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    if value.len() < 2 || value.len() > 9 {
        return None;
    }
    let (digits, unit) = value.split_at(value.len() - 1);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.saturating_mul(3600)),
        "M" => Duration::from_secs(n.saturating_mul(60)),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// The status a call that ran past its deadline ends with.
pub(crate) fn deadline_exceeded(deadline: Duration) -> Status {
    Status::deadline_exceeded(format!("the call did not finish within {deadline:?}"))
}

/// A gRPC request body whose messages may be at most `limit` bytes each. Every message starts
/// with a compressed flag and a 4-byte big-endian length; one declaring more than the limit
/// ends the body with `RESOURCE_EXHAUSTED` (grpc-go's code and wording for its receive limit)
/// as soon as that prefix arrives, so tonic never buffers or decodes it. Bytes pass through
/// unbuffered.
pub(crate) struct MessageLimit<B> {
    body: B,
    limit: usize,
    prefix: [u8; 5],
    prefix_len: usize,
    /// Bytes of the current message still to come.
    remaining: usize,
    refused: bool,
}

impl<B> MessageLimit<B> {
    pub(crate) fn new(body: B, limit: usize) -> Self {
        Self {
            body,
            limit,
            prefix: [0; 5],
            prefix_len: 0,
            remaining: 0,
            refused: false,
        }
    }

    /// Walks `data` through the message framing; `Err` on a prefix over the limit.
    fn scan(&mut self, data: &[u8]) -> Result<(), Status> {
        let mut at = 0;
        while at < data.len() {
            if self.remaining > 0 {
                let n = self.remaining.min(data.len() - at);
                self.remaining -= n;
                at += n;
                continue;
            }
            self.prefix[self.prefix_len] = data[at];
            self.prefix_len += 1;
            at += 1;
            if self.prefix_len == self.prefix.len() {
                self.prefix_len = 0;
                let [_, a, b, c, d] = self.prefix;
                let declared = u32::from_be_bytes([a, b, c, d]) as usize;
                if declared > self.limit {
                    return Err(Status::resource_exhausted(format!(
                        "grpc: received message larger than max ({declared} vs. {})",
                        self.limit
                    )));
                }
                self.remaining = declared;
            }
        }
        Ok(())
    }
}

impl<B> http_body::Body for MessageLimit<B>
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
        if this.refused {
            return Poll::Ready(None);
        }
        match std::task::ready!(Pin::new(&mut this.body).poll_frame(cx)) {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref()
                    && let Err(status) = this.scan(data)
                {
                    this.refused = true;
                    return Poll::Ready(Some(Err(Box::new(status))));
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Some(Err(e)) => Poll::Ready(Some(Err(e.into()))),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.refused || self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use http_body_util::BodyExt as _;

    fn framed(len: u32, body: &[u8]) -> Vec<u8> {
        let mut out = vec![0];
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    /// Sends `chunks` through a limit and returns the data passed and the error, if any.
    async fn pass(chunks: Vec<Vec<u8>>, limit: usize) -> (usize, Option<Status>) {
        let stream = futures_util::stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok::<_, std::convert::Infallible>(Frame::data(Bytes::from(c)))),
        );
        let mut body = MessageLimit::new(http_body_util::StreamBody::new(stream), limit);
        let mut passed = 0;
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(frame) => passed += frame.into_data().unwrap().len(),
                Err(e) => return (passed, Some(*e.downcast::<Status>().unwrap())),
            }
        }
        (passed, None)
    }

    #[tokio::test]
    async fn messages_up_to_the_limit_pass_and_a_larger_prefix_is_refused_at_once() {
        // Two messages of exactly the limit, the prefixes split across chunks.
        let mut all = framed(10, &[1; 10]);
        all.extend(framed(10, &[2; 10]));
        let chunks: Vec<Vec<u8>> = all.chunks(3).map(<[u8]>::to_vec).collect();
        let (passed, refused) = pass(chunks, 10).await;
        assert_eq!(passed, 30);
        assert!(refused.is_none(), "{refused:?}");
        // A message declaring 2^31 bytes: refused on its prefix, before any body arrives.
        let mut over = framed(4, b"okay");
        over.extend(framed(1 << 31, b""));
        let (passed, refused) = pass(vec![over], 10).await;
        assert_eq!(passed, 0);
        let refused = refused.unwrap();
        assert_eq!(refused.code(), tonic::Code::ResourceExhausted);
        assert_eq!(
            refused.message(),
            "grpc: received message larger than max (2147483648 vs. 10)"
        );
    }

    #[test]
    fn publish_gets_the_request_limit_and_everything_else_the_query_limit() {
        let limits = MessageLimits {
            publish: 50,
            other: 16,
        };
        assert_eq!(limits.for_path(PUBLISH), 50);
        assert_eq!(
            limits.for_path("/xmtp.message_api.v1.MessageApi/Subscribe"),
            16
        );
        assert_eq!(limits.for_path("/grpc.health.v1.Health/Check"), 16);
        assert!(may_idle(SUBSCRIBE2));
        assert!(!may_idle("/xmtp.message_api.v1.MessageApi/Query"));
    }

    #[test]
    fn grpc_timeout_headers_parse_by_unit_and_malformed_ones_are_ignored() {
        let parse = |v: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("grpc-timeout", v.parse().unwrap());
            requested_timeout(&headers)
        };
        assert_eq!(parse("100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse("2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse("5M"), Some(Duration::from_secs(300)));
        assert_eq!(parse("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse("99999999n"), Some(Duration::from_nanos(99_999_999)));
        for bad in ["", "m", "100", "123456789S", "1x", "-1S", "1.5S"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(requested_timeout(&HeaderMap::new()), None);
    }
}
