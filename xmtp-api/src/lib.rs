#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod api;
mod auth;
mod eager_eos;
mod error;
mod paging;
mod retry;
mod subscription;

pub use crate::api::{
    ApiConfig, AuthTokenSource, EnvelopeStream, GrpcApi, MAX_BATCH_QUERIES, TopicStream, XmtpApi,
};
pub use crate::auth::KeystoreAuth;
pub use crate::error::{Code, Error, Result};
pub use crate::paging::{QueryOptions, batch_query, latest_per_topic, query_all, query_pages};
pub use crate::retry::RetryPolicy;
pub use crate::subscription::{StreamEvent, Subscription, SubscriptionOptions};
pub use xmtp_keystore::{Clock, ManualClock, SkewedClock, SystemClock, now_ns};
pub use xmtp_proto::message_api::v1::{Envelope, QueryRequest, QueryResponse, SortDirection};
