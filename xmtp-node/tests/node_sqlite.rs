//! The end-to-end suite (tests/common) on the embedded SQLite backend.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use xmtp_node::NodeConfig;

async fn sqlite() -> NodeConfig {
    NodeConfig::ephemeral()
}

node_suite!(sqlite);

/// The SQLite store's own metrics are served with the node's: the writer's commits are timed
/// (where a publish stall would show), and the log and paging gauges are there.
#[tokio::test]
async fn sqlite_store_metrics_are_served() {
    let n = common::TestNode::start(NodeConfig::ephemeral()).await;
    n.publish_grpc(vec![common::envelope(&common::m_topic(), 1, b"timed")])
        .await;
    n.await_metric(
        r#"xmtp_node_sqlite_operation_seconds_count{operation="commit"}"#,
        |commits| commits >= 1.0,
    )
    .await;
    let text = n.metrics_text().await;
    for name in [
        "xmtp_node_sqlite_log_frames ",
        "xmtp_node_sqlite_unpaged_rows ",
        "xmtp_node_sqlite_log_restarts_total ",
        "xmtp_node_sqlite_forced_log_restarts_total ",
    ] {
        assert!(text.contains(name), "{name} missing in\n{text}");
    }
    n.node.shutdown().await.unwrap();
}
