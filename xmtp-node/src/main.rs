//! The `xmtp-node` binary: runs a node until SIGINT or SIGTERM.
//!
//! On start it prints exactly one line to stdout, `listening http=HOST:PORT grpc=HOST:PORT`, with
//! the addresses actually bound (so `--http 127.0.0.1:0` can be used by scripts).

use std::io::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use xmtp_node::{Database, Node, NodeConfig};

/// An XMTP v2 node: stores envelopes by topic and relays them live, over gRPC and the HTTP/JSON
/// gateway the JS SDK uses.
#[derive(Debug, Parser)]
#[command(name = "xmtp-node", version)]
struct Args {
    /// SQLite database file, or a `postgres://` URL.
    #[arg(long, default_value = "xmtp-node.db")]
    db: String,
    /// HTTP/JSON gateway address (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:5555")]
    http: SocketAddr,
    /// gRPC address (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:5556")]
    grpc: SocketAddr,
    /// Accept Publish without an auth token (development only).
    #[arg(long)]
    no_auth: bool,
    /// Switch the per-IP rate limits off (benchmarks, trusted networks).
    #[arg(long)]
    no_rate_limits: bool,
    /// Rate-limit by the first `X-Forwarded-For` hop (only behind a proxy you run).
    #[arg(long)]
    trust_forwarded_for: bool,
    /// General bucket size (queries, batch sub-queries, stream opens).
    #[arg(long, default_value_t = 10_000)]
    general_capacity: u32,
    /// General bucket refill per minute.
    #[arg(long, default_value_t = 2_000)]
    general_per_minute: u32,
    /// Publish bucket size (envelopes).
    #[arg(long, default_value_t = 1_000)]
    publish_capacity: u32,
    /// Publish bucket refill per minute.
    #[arg(long, default_value_t = 200)]
    publish_per_minute: u32,
    /// Wallet refused on Publish (repeatable).
    #[arg(long = "deny-wallet")]
    deny: Vec<String>,
    /// Wallet given the priority rate-limit buckets (repeatable).
    #[arg(long = "allow-wallet")]
    allow: Vec<String>,
    /// Wallet exempt from the contact/privatestore ownership rule (repeatable).
    #[arg(long = "privileged-wallet")]
    privileged: Vec<String>,
    /// Days to keep envelopes on topics outside `/xmtp/`; 0 keeps them forever.
    #[arg(long, default_value_t = 1)]
    retention_days: u64,
    /// Envelopes queued per subscriber before a slow one is disconnected.
    #[arg(long, default_value_t = 1024)]
    subscriber_queue: usize,
}

impl Args {
    fn config(self) -> NodeConfig {
        let mut config = NodeConfig::default();
        config.database = Database::from_arg(&self.db);
        config.http_addr = self.http;
        config.grpc_addr = self.grpc;
        config.auth.enabled = !self.no_auth;
        config.auth.deny = self.deny;
        config.auth.allow = self.allow;
        config.auth.privileged = self.privileged;
        config.rate_limits.enabled = !self.no_rate_limits;
        config.rate_limits.trust_forwarded_for = self.trust_forwarded_for;
        config.rate_limits.general.capacity = self.general_capacity;
        config.rate_limits.general.per_minute = self.general_per_minute;
        config.rate_limits.publish.capacity = self.publish_capacity;
        config.rate_limits.publish.per_minute = self.publish_per_minute;
        config.retention.enabled = self.retention_days > 0;
        config.retention.retention =
            Duration::from_secs(self.retention_days.saturating_mul(86_400));
        config.subscriber_queue = self.subscriber_queue;
        config
    }
}

async fn stop_signal() -> anyhow::Result<&'static str> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("installing the SIGTERM handler")?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.map(|()| "SIGINT").context("waiting for SIGINT"),
            _ = term.recv() => Ok("SIGTERM"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
        Ok("Ctrl-C")
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // Colour only on a terminal (and never with NO_COLOR): logs piped to files stay plain.
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .init();
    let config = Args::parse().config();
    let node = Node::start(config)
        .await
        .context("xmtp-node could not start")?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "listening http={} grpc={}",
            node.http_addr(),
            node.grpc_addr()
        )?;
        out.flush()?;
    }
    let signal = stop_signal().await?;
    tracing::info!(signal, "shutting down");
    node.shutdown().await.context("shutting down")?;
    Ok(())
}
