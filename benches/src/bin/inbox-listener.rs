//! The streaming client that `loadgen inbox` measures, in a process of its own (its JS twin is
//! `interop/bench/inbox-listener.mjs`; both speak the same lines).
//!
//! Signs in with the wallet key in `XMTP_INBOX_READER_KEY` (hex) at the node's gRPC URL in
//! `XMTP_NODE_GRPC_URL`, on fresh local state (a keystore file in a new temporary directory),
//! then starts `stream_all_messages` cold (it fetches and opens every invitation first) and a
//! second one warm (dropped again), and prints
//! `{"event":"live","create_ms":…,"start_ms":…,"warm_start_ms":…}`. From then on it notes the
//! sequence number (`inbox <n>`) and arrival time of every message. On a stdin line
//! `finish <expected> <grace ms>` it reads on until `expected` distinct messages have come or the
//! grace period is over, prints `{"event":"report","received":[[n, µs since the epoch],…],
//! "errors":…,"first_error":…}` and exits.
//!
//! It runs on a tokio current-thread runtime, as xmtp-js runs on one event loop; opening
//! invitations still spreads over every core through the blocking pool.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use futures::StreamExt as _;
use serde_json::json;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use xmtp_client::content::Content;
use xmtp_client::{ApiConfig, Client, ClientOptions, FileBackend, LocalWallet};

fn main() -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(listen())
}

fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// The sequence number a message of the scenario carries.
fn sequence(content: &Content) -> Option<u64> {
    match content {
        Content::Text(text) => text.strip_prefix("inbox ")?.parse().ok(),
        _ => None,
    }
}

/// A `finish <expected> <grace ms>` line.
fn finish_line(line: &str) -> Option<(usize, Duration)> {
    let mut words = line.split_whitespace();
    (words.next()? == "finish").then_some(())?;
    let expected = words.next()?.parse().ok()?;
    let grace = Duration::from_millis(words.next()?.parse().ok()?);
    Some((expected, grace))
}

async fn listen() -> Result<()> {
    let key = std::env::var("XMTP_INBOX_READER_KEY").context("XMTP_INBOX_READER_KEY is not set")?;
    let url = std::env::var("XMTP_NODE_GRPC_URL").context("XMTP_NODE_GRPC_URL is not set")?;
    let wallet = LocalWallet::from_hex(&key)?;
    let state = tempfile::tempdir()?;
    let options = ClientOptions::new(ApiConfig::new(url))
        .with_persistence(Arc::new(FileBackend::new(state.path().join("keystore"))));

    let started = Instant::now();
    let client = Client::create(&wallet, options).await?;
    let create_ms = ms_since(started);
    let started = Instant::now();
    let mut stream = client.conversations().stream_all_messages().await?;
    let start_ms = ms_since(started);
    let started = Instant::now();
    drop(client.conversations().stream_all_messages().await?);
    let warm_start_ms = ms_since(started);
    println!(
        "{}",
        json!({
            "event": "live",
            "create_ms": create_ms,
            "start_ms": start_ms,
            "warm_start_ms": warm_start_ms,
        })
    );

    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    let mut received: Vec<(u64, u64)> = Vec::new();
    let mut distinct = HashSet::new();
    let (mut errors, mut first_error) = (0u64, None::<String>);
    let mut error = |e: String| {
        errors += 1;
        first_error.get_or_insert(e);
    };
    let mut finish: Option<(usize, tokio::time::Instant)> = None;
    loop {
        if let Some((expected, deadline)) = finish
            && (distinct.len() >= expected || tokio::time::Instant::now() >= deadline)
        {
            break;
        }
        let deadline_at = finish.map(|(_, deadline)| deadline);
        let deadline = async move {
            match deadline_at {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            item = stream.next() => match item {
                Some(Ok(Ok(message))) => {
                    let at_us = xmtp_keystore::now_ns() / 1_000;
                    match sequence(&message.content) {
                        Some(n) => {
                            received.push((n, at_us));
                            distinct.insert(n);
                        }
                        None => error(format!("a message without a sequence number: {}", message.id)),
                    }
                }
                Some(Ok(Err(undecodable))) => error(format!("undecodable: {}", undecodable.error)),
                Some(Err(e)) => error(format!("stream: {e}")),
                None => {
                    error("the stream ended".into());
                    break;
                }
            },
            line = stdin.next_line(), if finish.is_none() => match line? {
                Some(line) => {
                    let (expected, grace) = finish_line(&line)
                        .with_context(|| format!("expected `finish <expected> <grace ms>`, got {line:?}"))?;
                    finish = Some((expected, tokio::time::Instant::now() + grace));
                }
                // The scenario is gone.
                None => return Ok(()),
            },
            () = deadline => {}
        }
    }
    println!(
        "{}",
        json!({
            "event": "report",
            "received": received,
            "errors": errors,
            "first_error": first_error,
        })
    );
    Ok(())
}
