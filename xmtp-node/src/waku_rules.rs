//! The Waku light protocols' frames and request rules, and the relay's admission rules: the
//! parts of `waku_light` and `waku` that judge a peer's bytes, built without libp2p (and
//! without the `waku` feature) so the fuzz crate runs them as the node does
//! ([`crate::fuzzing::light_request`]).

#![cfg_attr(not(feature = "waku"), allow(dead_code))]

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::io;
use std::sync::{Arc, Mutex};

use futures_util::io::{AsyncRead, AsyncReadExt as _};
use xmtp_proto::Message;
use xmtp_proto::waku::filter::{FilterSubscribeRequest, FilterSubscribeType};
use xmtp_proto::waku::lightpush::PushRpc;
use xmtp_proto::waku::store::{StoreQueryRequest, StoreQueryResponse, WakuMessageKeyValue};
use xmtp_proto::waku::{MessageHash, WakuMessage, envelope_hash};

use crate::auth::is_restricted;
use crate::service::{MAX_MESSAGE_BYTES, MAX_TOPIC_BYTES, to_stored};
use crate::store::{Cursor, Direction, Query, Store, StoredEnvelope};

/// Largest Store or Filter request frame.
pub const MAX_QUERY_FRAME: usize = 64 * 1024;
/// Largest LightPush request frame, and largest Filter push: a 1 MiB payload, its topic and
/// Waku fields, and framing.
pub const MAX_MESSAGE_FRAME: usize = MAX_MESSAGE_BYTES + 64 * 1024;
/// Envelope bytes in one Store page: it ends after the envelope that reaches this, so a page
/// frame stays under js-waku's 4 MiB frame limit.
pub const PAGE_BUDGET: usize = 2 * 1024 * 1024;
/// Largest Store response frame.
pub const MAX_PAGE_FRAME: usize = PAGE_BUDGET + MAX_MESSAGE_FRAME + 64 * 1024;
/// Store page size when the request names none.
pub const DEFAULT_PAGE: u32 = 20;
/// Largest Store page.
pub const MAX_PAGE: u32 = 100;
/// Content topics in one Store query or Filter request.
pub const MAX_CONTENT_TOPICS: usize = 100;
/// Message hashes in one Store lookup.
pub const MAX_HASHES: usize = 100;
/// Envelopes a Store request may look through to find its cursor or its hashes.
pub const MAX_SCAN: usize = 10_000;
/// Store queries and LightPush writes served at once (all peers).
pub const MAX_QUERIES: usize = 8;
/// Page ends remembered to find a cursor without scanning.
const CURSORS: usize = 10_000;
/// Envelopes read per store call while scanning.
const SCAN_PAGE: u32 = 500;

/// An answer's status, HTTP-like as the Waku protocols carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// 200: done.
    Ok,
    /// 400: malformed, or asks for what the protocol does not allow.
    BadRequest,
    /// 403: an owner-only topic from a peer not trusted with it.
    Forbidden,
    /// 404: no such subscription.
    NotFound,
    /// 413: a frame or message over its limit.
    TooLarge,
    /// 429: over the peer's bucket.
    TooManyRequests,
    /// 500: the store failed.
    Internal,
    /// 503: too many subscribers, or too many requests being served.
    Unavailable,
}

impl Status {
    /// The numeric code.
    pub fn code(self) -> u32 {
        match self {
            Self::Ok => 200,
            Self::BadRequest => 400,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::TooLarge => 413,
            Self::TooManyRequests => 429,
            Self::Internal => 500,
            Self::Unavailable => 503,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Ok => "200",
            Self::BadRequest => "400",
            Self::Forbidden => "403",
            Self::NotFound => "404",
            Self::TooLarge => "413",
            Self::TooManyRequests => "429",
            Self::Internal => "500",
            Self::Unavailable => "503",
        }
    }

    pub(crate) fn of_refusal(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Malformed | Refusal::Empty => Self::BadRequest,
            Refusal::TooBig => Self::TooLarge,
            Refusal::Untrusted => Self::Forbidden,
            Refusal::RateLimited => Self::TooManyRequests,
            Refusal::Busy => Self::Unavailable,
        }
    }
}

/// A refusal: the status and what to tell the client.
pub(crate) type Refused = (Status, &'static str);

/// What travels as a request: a message, raw bytes (a test's hostile frame, written as they
/// are), or, on the reading side, a frame refused before it decoded, with why (`E`). The light
/// protocols answer such a frame with a [`Status`]; the node's own sync protocol bans the peer
/// for its violation.
#[derive(Debug)]
#[non_exhaustive]
pub enum Frame<T, E = Status> {
    /// A decoded (or to be encoded) message.
    Message(T),
    /// Bytes written as they are.
    Raw(Vec<u8>),
    /// A frame over the limit (413) or that does not decode (400).
    Invalid(E),
}

/// The frame's length (an unsigned varint of at most 10 bytes), `None` if it is malformed or
/// over `usize`. An EOF before the first byte is an error.
pub(crate) async fn read_length<T: AsyncRead + Unpin>(io: &mut T) -> io::Result<Option<usize>> {
    let mut length = 0u64;
    for shift in (0..70).step_by(7) {
        let mut byte = [0u8; 1];
        io.read_exact(&mut byte).await?;
        let bits = u64::from(byte[0] & 0x7f);
        // The tenth byte holds the 64th bit only.
        if shift == 63 && bits > 1 {
            return Ok(None);
        }
        length |= bits << shift;
        if byte[0] & 0x80 == 0 {
            return Ok(usize::try_from(length).ok());
        }
    }
    Ok(None)
}

/// Reads one request frame of at most `max_request` bytes: [`Frame::Invalid`] (413) when its
/// declared length is over the limit, without reading the body; 400 when the length is not a
/// varint, the body is cut short or does not decode. A stream closed before its first byte is
/// an `UnexpectedEof` error.
pub(crate) async fn read_request<T, Req>(io: &mut T, max_request: usize) -> io::Result<Frame<Req>>
where
    T: AsyncRead + Unpin,
    Req: Message + Default,
{
    let Some(length) = read_length(io).await? else {
        return Ok(Frame::Invalid(Status::BadRequest));
    };
    if length > max_request {
        return Ok(Frame::Invalid(Status::TooLarge));
    }
    let mut body = vec![0u8; length];
    if io.read_exact(&mut body).await.is_err() {
        return Ok(Frame::Invalid(Status::BadRequest));
    }
    Ok(Req::decode(body.as_slice()).map_or(Frame::Invalid(Status::BadRequest), Frame::Message))
}

/// A LightPush request's message, if the request has one and names `pubsub_topic`.
pub(crate) fn push_message(rpc: PushRpc, pubsub_topic: &str) -> Result<WakuMessage, Refused> {
    let request = rpc.request.ok_or((Status::BadRequest, "no request"))?;
    if request.pubsub_topic != pubsub_topic {
        return Err((Status::BadRequest, "unsupported pubsub topic"));
    }
    request.message.ok_or((Status::BadRequest, "no message"))
}

/// A Filter request's kind.
pub(crate) fn filter_kind(
    request: &FilterSubscribeRequest,
) -> Result<FilterSubscribeType, Refused> {
    FilterSubscribeType::try_from(request.filter_subscribe_type)
        .map_err(|_| (Status::BadRequest, "unknown request type"))
}

/// The content topics of a Filter subscribe or unsubscribe on `pubsub_topic`, checked.
pub(crate) fn filter_criteria(
    request: &FilterSubscribeRequest,
    pubsub_topic: &str,
) -> Result<BTreeSet<String>, Refused> {
    if request.pubsub_topic.as_deref() != Some(pubsub_topic) {
        return Err((Status::BadRequest, "unsupported pubsub topic"));
    }
    content_topics(&request.content_topics)?;
    Ok(request.content_topics.iter().cloned().collect())
}

/// Page ends lately served: message hash to store cursor (FIFO).
#[derive(Default)]
pub(crate) struct Cursors {
    inner: Mutex<(HashMap<MessageHash, Cursor>, VecDeque<MessageHash>)>,
}

impl Cursors {
    pub(crate) fn get(&self, hash: &MessageHash) -> Option<Cursor> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.0.get(hash).cloned()
    }

    pub(crate) fn put(&self, hash: MessageHash, cursor: Cursor) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.0.insert(hash, cursor).is_none() {
            inner.1.push_back(hash);
            if inner.1.len() > CURSORS
                && let Some(oldest) = inner.1.pop_front()
            {
                inner.0.remove(&oldest);
            }
        }
    }
}

/// What store tasks share.
pub(crate) struct Shared {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) pubsub_topic: String,
    pub(crate) cursors: Cursors,
}

/// Why a relayed message was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not a `WakuMessage`.
    Malformed,
    /// No content topic or no payload.
    Empty,
    /// Topic or payload over Publish's limits.
    TooBig,
    /// A `contact-`/`privatestore-` envelope from a peer not trusted with them.
    Untrusted,
    /// Over the forwarding peer's rate.
    RateLimited,
    /// The intake queue is full.
    Busy,
}

impl Refusal {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::Empty => "empty",
            Self::TooBig => "too_big",
            Self::Untrusted => "untrusted_restricted_topic",
            Self::RateLimited => "rate_limited",
            Self::Busy => "busy",
        }
    }

    /// What a LightPush client is told.
    pub(crate) fn description(self) -> &'static str {
        match self {
            Self::Malformed => "malformed message",
            Self::Empty => "empty payload or content topic",
            Self::TooBig => "message or content topic too long",
            Self::Untrusted => "owner-only topic: accepted from trusted peers only",
            Self::RateLimited => "too many requests",
            Self::Busy => "busy",
        }
    }
}

/// The checks of a relayed message's bytes (see the module docs), `trusted` saying whether the
/// forwarding peer may hand on restricted topics.
pub(crate) fn admit(data: &[u8], trusted: bool) -> Result<StoredEnvelope, Refusal> {
    admit_message(
        xmtp_proto::decode(data).map_err(|_| Refusal::Malformed)?,
        trusted,
    )
}

/// [`admit`] for a decoded message (LightPush).
pub(crate) fn admit_message(
    message: WakuMessage,
    trusted: bool,
) -> Result<StoredEnvelope, Refusal> {
    if message.content_topic.is_empty() || message.payload.is_empty() {
        return Err(Refusal::Empty);
    }
    if message.content_topic.len() > MAX_TOPIC_BYTES || message.payload.len() > MAX_MESSAGE_BYTES {
        return Err(Refusal::TooBig);
    }
    if !trusted && is_restricted(&message.content_topic) {
        return Err(Refusal::Untrusted);
    }
    Ok(to_stored(message.into_envelope()))
}

/// 1 to [`MAX_CONTENT_TOPICS`] content topics of 1 to 300 bytes.
pub(crate) fn content_topics(topics: &[String]) -> Result<(), Refused> {
    if topics.is_empty() {
        return Err((Status::BadRequest, "no content topics"));
    }
    if topics.len() > MAX_CONTENT_TOPICS {
        return Err((Status::BadRequest, "too many content topics"));
    }
    if topics
        .iter()
        .any(|t| t.is_empty() || t.len() > MAX_TOPIC_BYTES)
    {
        return Err((Status::BadRequest, "bad content topic"));
    }
    Ok(())
}

pub(crate) fn refused_page(
    request_id: String,
    (status, desc): Refused,
) -> (StoreQueryResponse, Status) {
    (
        StoreQueryResponse {
            request_id,
            status_code: Some(status.code()),
            status_desc: Some(desc.to_owned()),
            messages: Vec::new(),
            pagination_cursor: None,
        },
        status,
    )
}

/// A checked Store v3 request.
pub(crate) struct StoreRequest {
    request_id: String,
    include_data: bool,
    /// `None`: another pubsub topic, an empty page.
    query: Option<Query>,
    hashes: HashSet<MessageHash>,
    cursor: Option<MessageHash>,
}

fn hash32(bytes: &[u8]) -> Result<MessageHash, Refused> {
    bytes
        .try_into()
        .map_err(|_| (Status::BadRequest, "a message hash is 32 bytes"))
}

impl StoreRequest {
    pub(crate) fn check(request: StoreQueryRequest, pubsub_topic: &str) -> Result<Self, Refused> {
        content_topics(&request.content_topics).map_err(|(s, d)| {
            (
                s,
                if d == "no content topics" {
                    "content topics are required"
                } else {
                    d
                },
            )
        })?;
        if request.message_hashes.len() > MAX_HASHES {
            return Err((Status::BadRequest, "too many message hashes"));
        }
        let hashes = request
            .message_hashes
            .iter()
            .map(|h| hash32(h))
            .collect::<Result<HashSet<_>, _>>()?;
        let cursor = request
            .pagination_cursor
            .as_deref()
            .map(hash32)
            .transpose()?;
        let limit = request.pagination_limit.map_or(DEFAULT_PAGE, |l| {
            u32::try_from(l).unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE)
        });
        let other_topic = request
            .pubsub_topic
            .as_deref()
            .is_some_and(|t| t != pubsub_topic);
        let end = request.time_end;
        let query = (!other_topic && end.is_none_or(|e| e >= 0)).then(|| Query {
            topics: request.content_topics,
            start_ns: request.time_start.map(|t| t.max(0).cast_unsigned()),
            end_ns: end.map(i64::cast_unsigned),
            direction: if request.pagination_forward {
                Direction::Ascending
            } else {
                Direction::Descending
            },
            cursor: None,
            limit,
            max_bytes: PAGE_BUDGET,
        });
        Ok(Self {
            request_id: request.request_id,
            include_data: request.include_data,
            query,
            hashes,
            cursor,
        })
    }

    pub(crate) async fn run(mut self, shared: &Shared) -> Result<StoreQueryResponse, Refused> {
        let Some(mut query) = self.query.take() else {
            return Ok(self.page(shared, Vec::new(), false, false));
        };
        let topic = shared.pubsub_topic.as_str();
        let hash =
            |e: &StoredEnvelope| envelope_hash(topic, &e.content_topic, e.timestamp_ns, &e.message);
        if !self.hashes.is_empty() {
            let want = query.limit as usize;
            let found = scan(shared, query, want, |e| self.hashes.contains(&hash(e))).await?;
            return Ok(self.page(shared, found, false, false));
        }
        if let Some(cursor) = self.cursor {
            let at = match shared.cursors.get(&cursor) {
                Some(at) => at,
                None => {
                    let found = scan(shared, query.clone(), 1, |e| hash(e) == cursor).await?;
                    let e = found
                        .first()
                        .ok_or((Status::BadRequest, "unknown pagination cursor"))?;
                    Cursor {
                        timestamp_ns: e.timestamp_ns,
                        digest: e.digest,
                    }
                }
            };
            query.cursor = Some(at);
        }
        let limit = query.limit as usize;
        let backward = query.direction == Direction::Descending;
        let mut envelopes = shared
            .store
            .query(query)
            .await
            .map_err(|_| (Status::Internal, "store failed"))?;
        let more = envelopes.len() >= limit
            || envelopes.iter().map(crate::store::weight).sum::<usize>() >= PAGE_BUDGET;
        if backward {
            // A page is in time order either way; paging backward, the next page ends before
            // its first message (js-waku's cursor then).
            envelopes.reverse();
        }
        Ok(self.page(shared, envelopes, more, backward))
    }

    /// The page of `envelopes` (in time order); its end, where the next page starts, is its
    /// last message, or its first when paging `backward`.
    fn page(
        &self,
        shared: &Shared,
        envelopes: Vec<StoredEnvelope>,
        more: bool,
        backward: bool,
    ) -> StoreQueryResponse {
        let topic = shared.pubsub_topic.as_str();
        let mut last = None;
        let count = envelopes.len();
        let messages = envelopes
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let hash = envelope_hash(topic, &e.content_topic, e.timestamp_ns, &e.message);
                if i == if backward { 0 } else { count - 1 } {
                    last = Some((
                        hash,
                        Cursor {
                            timestamp_ns: e.timestamp_ns,
                            digest: e.digest,
                        },
                    ));
                }
                WakuMessageKeyValue {
                    message_hash: Some(hash.to_vec()),
                    message: self.include_data.then(|| {
                        WakuMessage::from_parts(
                            &e.content_topic,
                            e.timestamp_ns,
                            e.message.to_vec(),
                        )
                    }),
                    pubsub_topic: self.include_data.then(|| topic.to_owned()),
                }
            })
            .collect();
        if let Some((hash, cursor)) = &last {
            shared.cursors.put(*hash, cursor.clone());
        }
        StoreQueryResponse {
            request_id: self.request_id.clone(),
            status_code: Some(Status::Ok.code()),
            status_desc: Some("OK".to_owned()),
            messages,
            pagination_cursor: last.filter(|_| more).map(|(hash, _)| hash.to_vec()),
        }
    }
}

/// Looks through at most [`MAX_SCAN`] envelopes of `query` (in its order, from its start) for
/// up to `want` that match.
async fn scan(
    shared: &Shared,
    mut query: Query,
    want: usize,
    mut matches: impl FnMut(&StoredEnvelope) -> bool,
) -> Result<Vec<StoredEnvelope>, Refused> {
    query.limit = SCAN_PAGE;
    query.max_bytes = usize::MAX;
    query.cursor = None;
    let (mut found, mut seen) = (Vec::new(), 0);
    while seen < MAX_SCAN && found.len() < want {
        let page = shared
            .store
            .query(query.clone())
            .await
            .map_err(|_| (Status::Internal, "store failed"))?;
        let Some(last) = page.last() else { break };
        query.cursor = Some(Cursor {
            timestamp_ns: last.timestamp_ns,
            digest: last.digest,
        });
        let full = page.len() == SCAN_PAGE as usize;
        seen += page.len();
        found.extend(page.into_iter().filter(|e| matches(e)));
        if !full {
            break;
        }
    }
    found.truncate(want);
    Ok(found)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn encoded(topic: &str, payload: Vec<u8>) -> Vec<u8> {
        WakuMessage::from_parts(topic, 5, payload).encode_to_vec()
    }

    #[test]
    fn relayed_messages_pass_publish_rules() {
        let ok = admit(&encoded("/xmtp/0/m-a/proto", vec![1]), false).unwrap();
        assert_eq!(
            (ok.content_topic.as_str(), ok.timestamp_ns),
            ("/xmtp/0/m-a/proto", 5)
        );
        assert_eq!(admit(&[0xff, 0xff], false).unwrap_err(), Refusal::Malformed);
        assert_eq!(
            admit(&encoded("", vec![1]), false).unwrap_err(),
            Refusal::Empty
        );
        assert_eq!(
            admit(&encoded("/t", vec![]), false).unwrap_err(),
            Refusal::Empty
        );
        let long = "t".repeat(MAX_TOPIC_BYTES + 1);
        assert_eq!(
            admit(&encoded(&long, vec![1]), false).unwrap_err(),
            Refusal::TooBig
        );
        let big = vec![0; MAX_MESSAGE_BYTES + 1];
        assert_eq!(
            admit(&encoded("/t", big), false).unwrap_err(),
            Refusal::TooBig
        );
        let contact = "/xmtp/0/contact-0xabc/proto";
        assert_eq!(
            admit(&encoded(contact, vec![1]), false).unwrap_err(),
            Refusal::Untrusted
        );
        assert!(admit(&encoded(contact, vec![1]), true).is_ok());
        let private = "/xmtp/0/privatestore-0xabc/key_bundle/proto";
        assert_eq!(
            admit(&encoded(private, vec![1]), false).unwrap_err(),
            Refusal::Untrusted
        );
    }

    #[test]
    fn store_requests_are_checked() {
        let ok = StoreQueryRequest {
            content_topics: vec!["/t".into()],
            pagination_limit: Some(10_000),
            ..Default::default()
        };
        let checked = StoreRequest::check(ok.clone(), "/p").unwrap();
        assert_eq!(checked.query.as_ref().unwrap().limit, MAX_PAGE);
        assert_eq!(
            checked.query.as_ref().unwrap().direction,
            Direction::Descending
        );
        let no_topics = StoreQueryRequest::default();
        assert_eq!(
            StoreRequest::check(no_topics, "/p").err().unwrap().0,
            Status::BadRequest
        );
        let bad_cursor = StoreQueryRequest {
            pagination_cursor: Some(vec![1; 31]),
            ..ok.clone()
        };
        assert_eq!(
            StoreRequest::check(bad_cursor, "/p").err().unwrap().0,
            Status::BadRequest
        );
        let other = StoreQueryRequest {
            pubsub_topic: Some("/other".into()),
            ..ok
        };
        assert!(StoreRequest::check(other, "/p").unwrap().query.is_none());
    }
}
