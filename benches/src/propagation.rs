//! The `propagation` scenario (issue 18): how fast an envelope crosses a network of nodes.
//! Three in-process nodes on SQLite form a line over the Waku relay: B dials A, C dials B, so an
//! envelope published on A reaches C only through B (two relay hops, each one stored before it
//! is relayed on). The fanout workload then publishes `--fanout-rate` envelopes/s into A's gRPC
//! API and counts the deliveries on `--streams` subscriptions held on C: latency from the
//! envelope's timestamp to its arrival, and every envelope delivered exactly once.

use std::time::Duration;

use anyhow::{Context, Result};
use xmtp_node::WakuStatus;

use crate::Args;
use crate::report::ScenarioResult;
use crate::sync::waku;
use crate::target::Target;

/// How long the relay mesh may take to form before the scenario gives up.
const MESH_LIMIT: Duration = Duration::from_secs(60);

/// Starts a node whose relay dials `peers` (none: only listens).
async fn start(args: &Args, peers: Vec<String>) -> Result<(Target, String)> {
    let target = Target::start_with(args, |config| config.waku = Some(waku(peers))).await?;
    let addr = target
        .node()
        .and_then(|node| node.waku())
        .and_then(|peer| peer.listen_addrs().first().cloned())
        .context("node has no Waku listen address")?;
    Ok((target, addr))
}

/// Waits until `target`'s relay mesh holds `peers` peers.
async fn mesh(target: &Target, name: &str, peers: usize) -> Result<()> {
    let peer = target
        .node()
        .and_then(|node| node.waku())
        .with_context(|| format!("node {name} has no Waku peer"))?;
    tokio::time::timeout(
        MESH_LIMIT,
        peer.wait_for(|s: &WakuStatus| s.mesh_peers >= peers),
    )
    .await
    .ok()
    .flatten()
    .with_context(|| format!("node {name}'s relay mesh did not reach {peers} peers"))?;
    Ok(())
}

/// The node under load with its relay on, and a second node that dials it and takes every
/// envelope it relays (`--relay-peer`), once their mesh has formed.
pub async fn with_relay_peer(args: &Args) -> Result<(Target, Target)> {
    let (target, addr) = start(args, Vec::new()).await?;
    // The peer on a temporary SQLite file of its own, whatever `--db` names.
    let mut peer_args = args.clone();
    peer_args.db = None;
    let (peer, _) = start(&peer_args, vec![addr]).await?;
    mesh(&target, "under load", 1).await?;
    mesh(&peer, "peer", 1).await?;
    Ok((target, peer))
}

/// Runs the scenario (in-process nodes only).
pub async fn run(args: &Args) -> Result<ScenarioResult> {
    anyhow::ensure!(
        args.grpc.is_none() && args.db.is_none(),
        "propagation starts its own three nodes on SQLite (no --grpc, no --db)"
    );
    let (a, a_addr) = start(args, Vec::new()).await?;
    let (b, b_addr) = start(args, vec![a_addr]).await?;
    let (c, _) = start(args, vec![b_addr]).await?;
    mesh(&a, "A", 1).await?;
    mesh(&b, "B", 2).await?;
    mesh(&c, "C", 1).await?;
    eprintln!("loadgen: propagation A - B - C ({} -> {})", a.url, c.url);
    let result = crate::scenario::fanout(&a, &[&c], args).await;
    let backend = a.backend;
    for target in [a, b, c] {
        target.finish().await?;
    }
    let mut result = result?;
    result.scenario = "propagation";
    result.backend = backend;
    Ok(result)
}
