#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

#[cfg(feature = "cli")]
mod args;
mod auth;
mod config;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod grpc;
mod grpc_guard;
mod http;
mod json;
mod listener;
mod metrics;
mod node;
mod ratelimit;
mod relay;
mod service;
mod slow;
pub mod store;
mod tls;
#[cfg(feature = "waku")]
mod waku;
#[cfg(feature = "waku")]
pub mod waku_light;
#[cfg(feature = "waku")]
pub mod waku_metadata;
mod waku_rules;
#[cfg(feature = "waku")]
pub mod waku_score;
#[cfg(feature = "waku")]
pub mod waku_sync;

#[cfg(feature = "cli")]
pub use args::{NodeArgs, StopSignal, SyncArg};
pub use config::{
    AuthConfig, Bucket, Cidr, ConnectionLimits, Database, LightConfig, NodeConfig, RateLimitConfig,
    RequestLimits, RetentionConfig, WakuConfig,
};
pub use error::{Error, Result};
pub use listener::raise_open_files_limit;
pub use node::{Node, RunningNode};
pub use service::{
    DEFAULT_PAGE_SIZE, MAX_BATCH_QUERIES, MAX_MESSAGE_BYTES, MAX_PAGE_SIZE,
    MAX_PREFERENCES_PAGE_SIZE, MAX_TOPIC_BYTES,
};
pub use tls::TlsFiles;
#[cfg(feature = "waku")]
pub use waku::{WakuPeer, WakuStatus};
pub use xmtp_keystore::{Clock, ManualClock, SkewedClock, SystemClock};
