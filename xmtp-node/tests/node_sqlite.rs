//! The end-to-end suite (tests/common) on the embedded SQLite backend.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use xmtp_node::NodeConfig;

async fn sqlite() -> NodeConfig {
    NodeConfig::ephemeral()
}

node_suite!(sqlite);
