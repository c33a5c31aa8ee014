//! `xmtp node`: the xmtp-node server with the same flags as the `xmtp-node` binary, and its
//! database under the data directory by default.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use xmtp_node::{Database, Node, NodeConfig};

/// Flags of `xmtp node` (those of the `xmtp-node` binary).
#[derive(Debug, clap::Args)]
pub struct NodeArgs {
    /// SQLite database file, or a `postgres://` URL [default: <XMTP_HOME>/node.db].
    #[arg(long)]
    db: Option<String>,
    /// HTTP/JSON gateway address (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:5555")]
    http: SocketAddr,
    /// gRPC address, the one `--node` points at (port 0 picks a free port).
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

impl NodeArgs {
    fn config(self, home: &Path) -> anyhow::Result<NodeConfig> {
        let mut config = NodeConfig::default();
        config.database = match &self.db {
            Some(db) => Database::from_arg(db),
            None => {
                crate::profile::create_private_dir(home)?;
                Database::Sqlite(home.join("node.db"))
            }
        };
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
        Ok(config)
    }
}

/// Runs the node until SIGINT or SIGTERM. Prints one line once listening (JSON with `--json`).
pub async fn run(args: NodeArgs, home: &Path, json: bool) -> anyhow::Result<()> {
    let config = args.config(home)?;
    let database = match &config.database {
        Database::Sqlite(path) => format!("SQLite {}", path.display()),
        Database::Postgres(_) => "PostgreSQL".to_owned(),
        _ => "a temporary store".to_owned(),
    };
    let node = Node::start(config)
        .await
        .context("the node could not start")?;
    if json {
        crate::output::line(&serde_json::json!({
            "http": node.http_addr().to_string(),
            "grpc": node.grpc_addr().to_string(),
            "grpc_url": node.grpc_url(),
        }))?;
    } else {
        crate::output::text(&format!(
            "listening http={} grpc={}",
            node.http_addr(),
            node.grpc_addr()
        ))?;
        eprintln!(
            "node on {database}; clients reach it with --node {} (Ctrl-C stops it)",
            node.grpc_url()
        );
    }
    stop_signal().await?;
    node.shutdown().await.context("shutting the node down")?;
    Ok(())
}

/// Waits for Ctrl-C (or SIGTERM on Unix).
pub async fn stop_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("installing the SIGTERM handler")?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.context("waiting for Ctrl-C"),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")
    }
}
