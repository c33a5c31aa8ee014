//! The end-to-end suite (tests/common) on the in-memory store.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use xmtp_node::{Database, NodeConfig};

async fn memory() -> NodeConfig {
    let mut config = NodeConfig::ephemeral();
    config.database = Database::Memory;
    config
}

node_suite!(memory);
