//! Asking a node URL what answers there, to explain a failed gRPC call.

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// How long the probe may take in all.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
/// The most of the answer that is read.
const MAX_ANSWER: u64 = 4096;

/// Whether `node_url` (`http://HOST:PORT`) is an xmtp-node HTTP gateway: it answers a plain
/// HTTP/1.1 `GET /healthz` with `200`. A gRPC listener does not speak HTTP/1.1 and never does.
/// `https` URLs are not probed.
pub async fn is_http_gateway(node_url: &str) -> bool {
    let Some(authority) = node_url
        .strip_prefix("http://")
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default())
        .filter(|a| !a.is_empty())
    else {
        return false;
    };
    let status = tokio::time::timeout(PROBE_TIMEOUT, healthz_status(authority)).await;
    matches!(status, Ok(Ok(Some(200))))
}

/// The HTTP status of `GET /healthz` at `authority`, `None` if the answer is not HTTP/1.x.
async fn healthz_status(authority: &str) -> std::io::Result<Option<u16>> {
    let mut stream = tokio::net::TcpStream::connect(authority).await?;
    let request =
        format!("GET /healthz HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.take(MAX_ANSWER).read_to_end(&mut answer).await?;
    Ok(status_of(&answer))
}

/// The status code of an HTTP/1.x status line.
fn status_of(answer: &[u8]) -> Option<u16> {
    let line = answer.split(|&b| b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split_whitespace();
    words.next().filter(|v| v.starts_with("HTTP/1."))?;
    words.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::status_of;

    #[test]
    fn status_lines_parse_and_anything_else_does_not() {
        assert_eq!(
            status_of(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"),
            Some(200)
        );
        assert_eq!(status_of(b"HTTP/1.0 404 Not Found\r\n"), Some(404));
        assert_eq!(status_of(b"\x00\x00\x12\x04\x00\x00\x00\x00\x00"), None);
        assert_eq!(status_of(b"HTTP/2 200\r\n"), None);
        assert_eq!(status_of(b""), None);
    }
}
