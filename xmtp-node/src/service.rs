//! The message API's semantics (network.md §4), independent of the transport: gRPC and the
//! HTTP gateway both call this.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use tonic::{Code, Status};
use xmtp_proto::message_api::v1 as api;
use xmtp_proto::topic::{self, Category};

use crate::auth::Authorizer;
use crate::config::RequestLimits;
use crate::metrics::Metrics;
use crate::ratelimit::{Kind, Limiter, ResponseBudget, ResponsePermit};
use crate::relay::{Filter, Hub, Subscription};
use crate::store::{self, Direction, Store, StoreError, StoredEnvelope};

/// Longest content topic accepted by Publish, in bytes.
pub const MAX_TOPIC_BYTES: usize = 300;
/// Largest envelope payload accepted by Publish, in bytes (libp2p's 1 MiB minus 362).
pub const MAX_MESSAGE_BYTES: usize = 1_048_214;
/// Most sub-queries in one BatchQuery.
pub const MAX_BATCH_QUERIES: usize = 50;
/// Topic sets at least this large are indexed on a blocking thread.
pub(crate) const LARGE_TOPIC_SET: usize = 1000;
/// Page size when the request says 0.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// Largest page, except for a single `userpreferences-` topic.
pub const MAX_PAGE_SIZE: u32 = 100;
/// Largest page for a query on exactly one `userpreferences-` topic.
pub const MAX_PREFERENCES_PAGE_SIZE: u32 = 500;

/// Who is calling, as far as the transport knows.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallContext {
    /// Client IP for rate limiting.
    pub(crate) ip: Option<IpAddr>,
    /// The `authorization` header or metadata value.
    pub(crate) authorization: Option<String>,
    /// The transport already spent the call's first token ([`Service::admit`]) before reading
    /// the request.
    pub(crate) admitted: bool,
}

/// A reply and the response bytes it holds in the node's budget until it has been written.
pub(crate) struct Budgeted<T> {
    pub(crate) value: T,
    pub(crate) permit: Option<ResponsePermit>,
}

impl<T> Budgeted<T> {
    fn free(value: T) -> Self {
        Self {
            value,
            permit: None,
        }
    }
}

pub(crate) struct Service {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) hub: Arc<Hub>,
    pub(crate) limiter: Limiter,
    pub(crate) auth: Authorizer,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) limits: RequestLimits,
    pub(crate) budget: Arc<ResponseBudget>,
    /// Topics that cost one more rate-limit token.
    pub(crate) topics_per_token: u32,
    /// Hands each accepted envelope on to other nodes (the Waku relay), without waiting.
    pub(crate) relay_out: Option<RelayOut>,
}

/// Called with every envelope Publish accepted, in request order, after it is stored.
pub(crate) type RelayOut = Box<dyn Fn(&Arc<StoredEnvelope>) + Send + Sync>;

/// The digest of an envelope: `SHA-256(content_topic || message)` (network.md §5.2).
pub(crate) fn digest(topic: &str, message: &[u8]) -> store::Digest {
    xmtp_crypto::sha256_concat(&[topic.as_bytes(), message])
}

pub(crate) fn to_stored(envelope: api::Envelope) -> StoredEnvelope {
    let digest = digest(&envelope.content_topic, &envelope.message);
    StoredEnvelope {
        content_topic: envelope.content_topic,
        timestamp_ns: envelope.timestamp_ns,
        message: bytes::Bytes::from(envelope.message),
        digest,
    }
}

pub(crate) fn to_api(envelope: &StoredEnvelope) -> api::Envelope {
    api::Envelope {
        content_topic: envelope.content_topic.clone(),
        timestamp_ns: envelope.timestamp_ns,
        message: envelope.message.to_vec(),
    }
}

pub(crate) fn store_status(e: StoreError) -> Status {
    tracing::error!(error = %e, "storage failure");
    if e.is_retryable() {
        Status::unavailable(e.to_string())
    } else {
        Status::internal(e.to_string())
    }
}

pub(crate) fn is_ephemeral(topic: &str) -> bool {
    topic::category(topic).is_ephemeral()
}

/// `n` as a token cost, saturating.
fn tokens(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Service {
    /// The cheap check made before a request is read or a signature verified: one token from
    /// the caller's bucket (`Publish` for publishes, `General` otherwise). Priority is known
    /// only from a token already verified and cached, never by verifying one here.
    pub(crate) fn admit(&self, ctx: &CallContext, kind: Kind) -> Result<(), Status> {
        if ctx.admitted {
            return Ok(());
        }
        let authorization = ctx.authorization.as_deref();
        match self.auth.cached_priority(authorization) {
            Some(priority) => self.limiter.check(ctx.ip, priority, kind, 1),
            // Not verified yet: the regular bucket, and the priority one only when the regular
            // one is empty and the token proves to be an allow-listed wallet's.
            None => self
                .limiter
                .check(ctx.ip, false, kind, 1)
                .or_else(|refused| {
                    if self.auth.is_priority(authorization) {
                        self.limiter.check(ctx.ip, true, kind, 1)
                    } else {
                        Err(refused)
                    }
                }),
        }
    }

    /// Charges the rest of a call's cost (`units` beyond the first token, plus its topics),
    /// and refuses more topics than one request may carry.
    fn charge(
        &self,
        ctx: &CallContext,
        kind: Kind,
        units: usize,
        topics: usize,
    ) -> Result<(), Status> {
        if topics > self.limits.max_topics_per_request {
            return Err(Status::invalid_argument(format!(
                "too many topics in one request: {topics} (at most {})",
                self.limits.max_topics_per_request
            )));
        }
        let topic_cost = topics / (self.topics_per_token.max(1) as usize);
        let cost = units.saturating_sub(1).saturating_add(topic_cost);
        if cost == 0 {
            return Ok(());
        }
        let priority = self.auth.is_priority(ctx.authorization.as_deref());
        self.limiter
            .check_more(ctx.ip, priority, kind, tokens(cost), 1)
    }

    /// Holds a reply's encoded size in the response budget.
    fn budgeted<T: xmtp_proto::Message>(
        &self,
        ctx: &CallContext,
        value: T,
    ) -> Result<Budgeted<T>, Status> {
        let permit = self.budget.acquire(ctx.ip, value.encoded_len())?;
        Ok(Budgeted {
            value,
            permit: Some(permit),
        })
    }

    /// Records the outcome of a call in the metrics and returns it unchanged.
    pub(crate) fn observed<T>(
        &self,
        transport: &'static str,
        method: &'static str,
        started: Instant,
        result: Result<T, Status>,
    ) -> Result<T, Status> {
        let code = result.as_ref().map_or_else(Status::code, |_| Code::Ok);
        self.metrics.observe(transport, method, code, started);
        if let Err(status) = &result {
            tracing::debug!(transport, method, code = ?status.code(), message = status.message(), "call refused");
        }
        result
    }

    /// Records a call refused before it reached the service and returns its status.
    pub(crate) fn refused(
        &self,
        transport: &'static str,
        method: &'static str,
        started: Instant,
        status: Status,
    ) -> Status {
        self.metrics
            .observe(transport, method, status.code(), started);
        tracing::debug!(transport, method, code = ?status.code(), message = status.message(), "call refused");
        status
    }

    /// Publish: limits, auth, validation, then store (atomically, all non-ephemeral envelopes of
    /// the request) and relay in request order.
    pub(crate) async fn publish(
        &self,
        ctx: &CallContext,
        request: api::PublishRequest,
    ) -> Result<Budgeted<api::PublishResponse>, Status> {
        // Charged before the signature is checked: failed auth and empty publishes cost a
        // token too.
        self.admit(ctx, Kind::Publish)?;
        let authenticated = self.auth.authenticate(ctx.authorization.as_deref());
        let priority = matches!(&authenticated, Ok(Some(caller)) if caller.priority);
        let more = request.envelopes.len().saturating_sub(1);
        self.limiter
            .check_more(ctx.ip, priority, Kind::Publish, tokens(more), 1)?;
        if let Some(caller) = authenticated? {
            self.auth.authorize(
                &caller,
                request.envelopes.iter().map(|e| e.content_topic.as_str()),
            )?;
        }
        for envelope in &request.envelopes {
            if envelope.content_topic.len() > MAX_TOPIC_BYTES {
                return Err(Status::invalid_argument("topic length too big"));
            }
            if envelope.message.len() > MAX_MESSAGE_BYTES {
                return Err(Status::invalid_argument("message too big"));
            }
        }
        let envelopes: Vec<Arc<StoredEnvelope>> = request
            .envelopes
            .into_iter()
            .map(|e| Arc::new(to_stored(e)))
            .collect();
        let (ephemeral, durable): (Vec<_>, Vec<_>) = envelopes
            .iter()
            .partition(|e| is_ephemeral(&e.content_topic));
        if !durable.is_empty() {
            let rows = durable.iter().map(|e| StoredEnvelope::clone(e)).collect();
            self.store.insert(rows).await.map_err(store_status)?;
        }
        if !ephemeral.is_empty() {
            let rows: Vec<StoredEnvelope> =
                ephemeral.iter().map(|e| StoredEnvelope::clone(e)).collect();
            if let Err(e) = self.store.announce_ephemeral(&rows).await {
                // Local subscribers still get them; only other nodes miss out.
                tracing::warn!(error = %e, "could not announce ephemeral envelopes to other nodes");
            }
        }
        self.metrics
            .published_envelopes
            .inc_by(envelopes.len() as u64);
        for envelope in envelopes {
            if let Some(relay_out) = &self.relay_out {
                relay_out(&envelope);
            }
            self.hub.publish(envelope);
        }
        Ok(Budgeted::free(api::PublishResponse {}))
    }

    /// Query: validation and defaults of §4.5, one page from the store, paging info.
    pub(crate) async fn query(
        &self,
        ctx: &CallContext,
        request: api::QueryRequest,
    ) -> Result<Budgeted<api::QueryResponse>, Status> {
        self.admit(ctx, Kind::General)?;
        self.charge(ctx, Kind::General, 1, request.content_topics.len())?;
        let response = self
            .query_unlimited(request, self.limits.max_response_bytes)
            .await?;
        self.budgeted(ctx, response)
    }

    /// One page within `max_bytes`: a page that reaches the budget gets a cursor, as a full
    /// page does.
    async fn query_unlimited(
        &self,
        request: api::QueryRequest,
        max_bytes: usize,
    ) -> Result<api::QueryResponse, Status> {
        let (mut query, direction) = validate_query(request)?;
        query.max_bytes = max_bytes.max(1);
        let limit = query.limit;
        let page = self.store.query(query).await.map_err(store_status)?;
        let bytes: usize = page.iter().map(store::weight).sum();
        let ended_early = bytes >= max_bytes;
        Ok(api::QueryResponse {
            paging_info: Some(paging_info(&page, limit, direction, ended_early)),
            envelopes: page.iter().map(to_api).collect(),
        })
    }

    /// BatchQuery: at most 50 sub-queries, answered in order. The first failing sub-query fails
    /// the batch with its own status (the reference turns it into INTERNAL).
    ///
    /// The response budget is split evenly between the sub-queries; one that reaches its share
    /// ends early with a cursor, as a Query page does. Truncating rather than refusing: the
    /// SDK never pages batch results, and the pages it asks for in batches (contact bundles,
    /// one latest message, 10 by default) fit their share unless their envelopes are hundreds
    /// of KiB, when it gets fewer of them instead of an error it would retry six times.
    pub(crate) async fn batch_query(
        &self,
        ctx: &CallContext,
        request: api::BatchQueryRequest,
    ) -> Result<Budgeted<api::BatchQueryResponse>, Status> {
        self.admit(ctx, Kind::General)?;
        if request.requests.len() > MAX_BATCH_QUERIES {
            return Err(Status::invalid_argument(
                "cannot exceed 50 requests in single batch",
            ));
        }
        let topics = request
            .requests
            .iter()
            .map(|q| q.content_topics.len())
            .fold(0usize, usize::saturating_add);
        self.charge(ctx, Kind::General, request.requests.len(), topics)?;
        let share = self.limits.max_response_bytes / request.requests.len().max(1);
        let responses = futures_util::future::try_join_all(
            request
                .requests
                .into_iter()
                .map(|q| self.query_unlimited(q, share)),
        )
        .await?;
        self.budgeted(ctx, api::BatchQueryResponse { responses })
    }

    /// Opens a live subscription (Subscribe, Subscribe2, SubscribeAll). A large topic set is
    /// indexed on a blocking thread.
    pub(crate) async fn subscribe(
        &self,
        ctx: &CallContext,
        filter: Filter,
    ) -> Result<Subscription, Status> {
        self.admit(ctx, Kind::General)?;
        let topics = match &filter {
            Filter::Topics(topics) => topics.len(),
            Filter::All => 0,
        };
        self.charge(ctx, Kind::General, 1, topics)?;
        if topics < LARGE_TOPIC_SET {
            return Ok(self.hub.subscribe(filter));
        }
        let hub = Arc::clone(&self.hub);
        tokio::task::spawn_blocking(move || hub.subscribe(filter))
            .await
            .map_err(|e| Status::internal(format!("indexing the subscription: {e}")))
    }

    /// A Subscribe2 update: the same topic limit and topic charge as a Subscribe (but not its
    /// first token: the stream is already open).
    pub(crate) fn check_update(&self, ctx: &CallContext, topics: usize) -> Result<(), Status> {
        self.charge(ctx, Kind::General, 1, topics)
    }
}

/// Applies §4.5: topics required, limit 0 → 100, over the maximum refused, UNSPECIFIED →
/// DESCENDING, empty or malformed cursor refused.
pub(crate) fn validate_query(
    request: api::QueryRequest,
) -> Result<(store::Query, api::SortDirection), Status> {
    if request.content_topics.is_empty() {
        return Err(Status::invalid_argument("content topics required"));
    }
    let paging = request.paging_info.unwrap_or_default();
    let max = match request.content_topics.as_slice() {
        [only] if topic::category(only) == Category::UserPreferences => MAX_PREFERENCES_PAGE_SIZE,
        _ => MAX_PAGE_SIZE,
    };
    if paging.limit > max {
        return Err(Status::invalid_argument("cannot exceed 100 rows per query"));
    }
    let limit = if paging.limit == 0 {
        DEFAULT_PAGE_SIZE
    } else {
        paging.limit
    };
    let direction = match api::SortDirection::try_from(paging.direction) {
        Ok(api::SortDirection::Ascending) => api::SortDirection::Ascending,
        Ok(api::SortDirection::Descending | api::SortDirection::Unspecified) => {
            api::SortDirection::Descending
        }
        Err(_) => {
            return Err(Status::invalid_argument(format!(
                "unknown sort direction {}",
                paging.direction
            )));
        }
    };
    let cursor = match paging.cursor {
        None => None,
        Some(api::Cursor { cursor: None }) => {
            return Err(Status::invalid_argument("cursor is empty"));
        }
        Some(api::Cursor {
            cursor: Some(api::cursor::Cursor::Index(index)),
        }) => {
            let digest = store::Digest::try_from(index.digest.as_slice()).map_err(|_| {
                Status::invalid_argument(format!(
                    "cursor digest must be 32 bytes, got {}",
                    index.digest.len()
                ))
            })?;
            Some(store::Cursor {
                timestamp_ns: index.sender_time_ns,
                digest,
            })
        }
    };
    let nonzero = |v: u64| (v != 0).then_some(v);
    Ok((
        store::Query {
            topics: request.content_topics,
            start_ns: nonzero(request.start_time_ns),
            end_ns: nonzero(request.end_time_ns),
            direction: match direction {
                api::SortDirection::Ascending => Direction::Ascending,
                _ => Direction::Descending,
            },
            cursor,
            limit,
            max_bytes: usize::MAX,
        },
        direction,
    ))
}

/// `buildPagingInfo`: a cursor only on a full page, or on one that `ended_early` at the
/// response budget.
pub(crate) fn paging_info(
    page: &[StoredEnvelope],
    page_size: u32,
    direction: api::SortDirection,
    ended_early: bool,
) -> api::PagingInfo {
    match page.last() {
        Some(last) if ended_early || page.len() >= page_size as usize => api::PagingInfo {
            limit: page_size.min(MAX_PAGE_SIZE),
            cursor: Some(api::Cursor {
                cursor: Some(api::cursor::Cursor::Index(api::IndexCursor {
                    digest: last.digest.to_vec(),
                    sender_time_ns: last.timestamp_ns,
                })),
            }),
            direction: direction as i32,
        },
        _ => api::PagingInfo {
            limit: 0,
            cursor: None,
            direction: direction as i32,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(topics: &[&str], limit: u32, direction: i32) -> api::QueryRequest {
        api::QueryRequest {
            content_topics: topics.iter().map(|t| (*t).to_string()).collect(),
            paging_info: Some(api::PagingInfo {
                limit,
                cursor: None,
                direction,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn query_defaults_and_limits() {
        let (q, d) = validate_query(request(&["a"], 0, 0)).unwrap();
        assert_eq!(
            (q.limit, q.direction, d),
            (100, Direction::Descending, api::SortDirection::Descending)
        );
        assert_eq!((q.start_ns, q.end_ns), (None, None));
        let err = validate_query(request(&["a"], 101, 1)).unwrap_err();
        assert_eq!(
            (err.code(), err.message()),
            (Code::InvalidArgument, "cannot exceed 100 rows per query")
        );
        let prefs = "/xmtp/0/userpreferences-abc/proto";
        assert_eq!(
            validate_query(request(&[prefs], 500, 1)).unwrap().0.limit,
            500
        );
        assert!(validate_query(request(&[prefs], 501, 1)).is_err());
        assert!(validate_query(request(&[prefs, prefs], 500, 1)).is_err());
        let err = validate_query(request(&[], 10, 1)).unwrap_err();
        assert_eq!(err.message(), "content topics required");
        assert!(validate_query(request(&["a"], 10, 7)).is_err());
        // No paging info at all: defaults.
        let bare = api::QueryRequest {
            content_topics: vec!["a".into()],
            ..Default::default()
        };
        assert_eq!(validate_query(bare).unwrap().0.limit, 100);
    }

    #[test]
    fn empty_or_short_cursor_is_invalid() {
        let mut r = request(&["a"], 10, 1);
        if let Some(p) = r.paging_info.as_mut() {
            p.cursor = Some(api::Cursor { cursor: None });
        }
        assert_eq!(
            validate_query(r.clone()).unwrap_err().message(),
            "cursor is empty"
        );
        if let Some(p) = r.paging_info.as_mut() {
            p.cursor = Some(api::Cursor {
                cursor: Some(api::cursor::Cursor::Index(api::IndexCursor {
                    digest: vec![1; 31],
                    sender_time_ns: 5,
                })),
            });
        }
        assert_eq!(validate_query(r).unwrap_err().code(), Code::InvalidArgument);
    }

    #[test]
    fn paging_info_has_a_cursor_only_on_a_full_page() {
        let e = to_stored(api::Envelope {
            content_topic: "t".into(),
            timestamp_ns: 9,
            message: vec![1],
        });
        let partial = paging_info(
            std::slice::from_ref(&e),
            2,
            api::SortDirection::Ascending,
            false,
        );
        assert_eq!((partial.limit, partial.cursor.is_none()), (0, true));
        let full = paging_info(
            &[e.clone(), e.clone()],
            2,
            api::SortDirection::Ascending,
            false,
        );
        assert_eq!(full.limit, 2);
        let Some(api::Cursor {
            cursor: Some(api::cursor::Cursor::Index(index)),
        }) = full.cursor
        else {
            panic!("no cursor");
        };
        assert_eq!(
            (index.digest, index.sender_time_ns),
            (digest("t", &[1]).to_vec(), 9)
        );
        let big = paging_info(
            &vec![e.clone(); 500],
            500,
            api::SortDirection::Descending,
            false,
        );
        assert_eq!(big.limit, 100);
        // A short page that reached the response budget pages on like a full one.
        let early = paging_info(
            std::slice::from_ref(&e),
            100,
            api::SortDirection::Ascending,
            true,
        );
        assert_eq!((early.limit, early.cursor.is_some()), (100, true));
    }
}
