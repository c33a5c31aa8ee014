//! `xmtp node`: the xmtp-node server with the same flags as the `xmtp-node` binary, and its
//! database under the data directory by default.

use std::path::Path;

use anyhow::Context as _;
use xmtp_node::{Database, Node, NodeConfig, StopSignal};

/// Flags of `xmtp node`: those of the `xmtp-node` binary.
pub use xmtp_node::NodeArgs;

fn config(args: NodeArgs, home: &Path) -> anyhow::Result<NodeConfig> {
    if args.db.is_none() {
        crate::profile::create_private_dir(home)?;
    }
    Ok(args.into_config(&home.join("node.db")))
}

/// Runs the node until SIGINT or SIGTERM. Prints one line once listening (JSON with `--json`).
pub async fn run(args: NodeArgs, home: &Path, json: bool) -> anyhow::Result<()> {
    let config = config(args, home)?;
    // Connections are bounded by --max-connections, not by the common default of 1,024 fds.
    if let Err(e) = xmtp_node::raise_open_files_limit() {
        eprintln!("warning: cannot raise the open files limit: {e}");
    }
    let database = match &config.database {
        Database::Sqlite(path) => format!("SQLite {}", path.display()),
        Database::Postgres(_) => "PostgreSQL".to_owned(),
        _ => "a temporary store".to_owned(),
    };
    // Before the listening line: a script may send SIGTERM as soon as it reads that line.
    let mut stop = stop_signal()?;
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
    stop.recv().await.context("waiting for Ctrl-C")?;
    node.shutdown().await.context("shutting the node down")?;
    Ok(())
}

/// Installs the Ctrl-C (and, on Unix, SIGTERM) handlers now; await `recv` on the result.
pub fn stop_signal() -> anyhow::Result<StopSignal> {
    StopSignal::install().context("installing the Ctrl-C handler")
}
