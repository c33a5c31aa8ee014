//! Paging through a topic's history, and batch queries over any number of topics.

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use xmtp_proto::message_api::v1::{
    BatchQueryRequest, Envelope, PagingInfo, QueryRequest, QueryResponse, SortDirection,
};

use crate::api::{MAX_BATCH_QUERIES, XmtpApi};
use crate::error::Result;

/// Which envelopes a query asks for, and how.
#[derive(Clone, Debug)]
pub struct QueryOptions {
    /// Oldest first or newest first.
    pub direction: SortDirection,
    /// Inclusive lower bound on the sender timestamp, in ns.
    pub start_ns: Option<u64>,
    /// Inclusive upper bound on the sender timestamp, in ns.
    pub end_ns: Option<u64>,
    /// Envelopes per request, 1 to 100 (the node's maximum).
    pub page_size: u32,
    /// Stop after this many envelopes in total.
    pub limit: Option<usize>,
}

impl Default for QueryOptions {
    fn default() -> Self {
        Self {
            direction: SortDirection::Ascending,
            start_ns: None,
            end_ns: None,
            page_size: 100,
            limit: None,
        }
    }
}

impl QueryOptions {
    /// Oldest first.
    pub fn ascending() -> Self {
        Self::default()
    }

    /// Newest first.
    pub fn descending() -> Self {
        Self {
            direction: SortDirection::Descending,
            ..Self::default()
        }
    }

    fn request(
        &self,
        topics: Vec<String>,
        cursor: Option<xmtp_proto::message_api::v1::Cursor>,
    ) -> QueryRequest {
        QueryRequest {
            content_topics: topics,
            start_time_ns: self.start_ns.unwrap_or(0),
            end_time_ns: self.end_ns.unwrap_or(0),
            paging_info: Some(PagingInfo {
                limit: self.page_size.clamp(1, 100),
                cursor,
                direction: self.direction as i32,
            }),
        }
    }
}

/// A lazy stream of pages: each item is one node response's envelopes. Pages are fetched only as
/// the stream is polled; the stream ends after the last (not full) page or at `limit`.
pub fn query_pages<'a, A: XmtpApi + ?Sized>(
    api: &'a A,
    topics: Vec<String>,
    options: QueryOptions,
) -> BoxStream<'a, Result<Vec<Envelope>>> {
    struct State {
        cursor: Option<xmtp_proto::message_api::v1::Cursor>,
        remaining: Option<usize>,
        done: bool,
    }
    let start = State {
        cursor: None,
        remaining: options.limit,
        done: options.limit == Some(0),
    };
    stream::try_unfold(start, move |mut state| {
        let topics = topics.clone();
        let options = options.clone();
        async move {
            if state.done {
                return Ok(None);
            }
            let response = api
                .query(options.request(topics, state.cursor.take()))
                .await?;
            let mut envelopes = response.envelopes;
            state.cursor = response.paging_info.and_then(|p| p.cursor);
            if let Some(remaining) = state.remaining.as_mut() {
                envelopes.truncate(*remaining);
                *remaining -= envelopes.len();
                if *remaining == 0 {
                    state.done = true;
                }
            }
            if state.cursor.is_none() || envelopes.is_empty() {
                state.done = true;
            }
            if envelopes.is_empty() {
                return Ok(None);
            }
            Ok(Some((envelopes, state)))
        }
    })
    .boxed()
}

/// Every envelope a query matches, in order, fetched page by page.
pub async fn query_all<A: XmtpApi + ?Sized>(
    api: &A,
    topics: Vec<String>,
    options: QueryOptions,
) -> Result<Vec<Envelope>> {
    let pages: Vec<Vec<Envelope>> = query_pages(api, topics, options).try_collect().await?;
    Ok(pages.into_iter().flatten().collect())
}

/// Runs any number of queries: split into batches of at most 50 (the node's limit), at most
/// `concurrency` batches in flight. Responses come back in request order.
pub async fn batch_query<A: XmtpApi + ?Sized>(
    api: &A,
    requests: Vec<QueryRequest>,
    concurrency: usize,
) -> Result<Vec<QueryResponse>> {
    let batches: Vec<Vec<QueryRequest>> = requests
        .chunks(MAX_BATCH_QUERIES)
        .map(<[QueryRequest]>::to_vec)
        .collect();
    let responses: Vec<Vec<QueryResponse>> = stream::iter(batches)
        .map(|requests| async move {
            let expected = requests.len();
            let response = api.batch_query(BatchQueryRequest { requests }).await?;
            if response.responses.len() != expected {
                return Err(crate::Error::Status {
                    code: tonic::Code::Internal,
                    message: format!(
                        "batch query answered {} responses for {expected} queries",
                        response.responses.len()
                    ),
                });
            }
            Ok(response.responses)
        })
        .buffered(concurrency.max(1))
        .try_collect()
        .await?;
    Ok(responses.into_iter().flatten().collect())
}

/// The latest envelope on each topic (one query each, batched), in topic order.
pub async fn latest_per_topic<A: XmtpApi + ?Sized>(
    api: &A,
    topics: &[String],
    concurrency: usize,
) -> Result<Vec<Option<Envelope>>> {
    let options = QueryOptions {
        page_size: 1,
        ..QueryOptions::descending()
    };
    let requests = topics
        .iter()
        .map(|t| options.request(vec![t.clone()], None))
        .collect();
    let responses = batch_query(api, requests, concurrency).await?;
    Ok(responses
        .into_iter()
        .map(|r| r.envelopes.into_iter().next())
        .collect())
}
