//! The `xmtp-node` binary: runs a node until SIGINT or SIGTERM.
//!
//! On start it prints exactly one line to stdout, `listening http=HOST:PORT grpc=HOST:PORT`, with
//! the addresses actually bound (so `--http 127.0.0.1:0` can be used by scripts). With the Waku
//! relay on, a second line follows: `waku listen=MULTIADDR[ MULTIADDR...]`, each address ending
//! in `/p2p/PEER_ID` (what another node's `--waku-peer` takes).

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use clap::Parser;
use xmtp_node::{Node, NodeArgs, StopSignal};

/// jemalloc returns what a burst freed (see the `jemalloc` feature in Cargo.toml).
#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// An XMTP v2 node: stores envelopes by topic and relays them live, over gRPC and the HTTP/JSON
/// gateway the JS SDK uses.
#[derive(Debug, Parser)]
#[command(name = "xmtp-node", version)]
struct Cli {
    #[command(flatten)]
    node: NodeArgs,
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
    let config = Cli::parse().node.into_config(Path::new("xmtp-node.db"));
    // Connections are bounded by --max-connections, not by the common default of 1,024 fds.
    if let Err(e) = xmtp_node::raise_open_files_limit() {
        tracing::warn!(error = %e, "cannot raise the open files limit");
    }
    // Before the listening line: a script may send SIGTERM as soon as it reads that line.
    let mut stop = StopSignal::install().context("installing the SIGINT/SIGTERM handlers")?;
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
        if let Some(peer) = node.waku() {
            writeln!(out, "waku listen={}", peer.listen_addrs().join(" "))?;
        }
        out.flush()?;
    }
    let signal = stop.recv().await.context("waiting for a stop signal")?;
    tracing::info!(signal, "shutting down");
    node.shutdown().await.context("shutting down")?;
    Ok(())
}
