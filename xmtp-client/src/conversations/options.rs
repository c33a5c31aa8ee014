//! What conversations are started, sent to, read and listed with.

use std::collections::BTreeMap;

use xmtp_api::{QueryOptions, SortDirection};
use xmtp_crypto::Address;
use xmtp_keystore::Consent;
use xmtp_proto::message_contents as pb;

use crate::content::Compression;

/// The application-defined identity of a v2 conversation: several conversations with one peer
/// are told apart by `conversation_id`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConversationContext {
    /// E.g. `mydomain.xyz/thread/42`.
    pub conversation_id: String,
    /// Free-form key/value pairs, carried in the invitation.
    pub metadata: BTreeMap<String, String>,
}

impl ConversationContext {
    /// A context with an id and no metadata.
    pub fn new(conversation_id: impl Into<String>) -> Self {
        Self {
            conversation_id: conversation_id.into(),
            metadata: BTreeMap::new(),
        }
    }

    pub(super) fn to_proto(&self) -> pb::invitation_v1::Context {
        pb::invitation_v1::Context {
            conversation_id: self.conversation_id.clone(),
            metadata: self.metadata.clone(),
        }
    }

    pub(super) fn from_proto(context: &pb::invitation_v1::Context) -> Self {
        Self {
            conversation_id: context.conversation_id.clone(),
            metadata: context.metadata.clone(),
        }
    }
}

/// A wallet's signed consent to receive messages from one sender (protocol.md §11.4), made by
/// the recipient-to-be and handed to the sender out of band.
#[derive(Clone, Debug)]
pub struct ConsentProof {
    /// The recipient-to-be's signature of [`ConsentProof::text`].
    pub signature: xmtp_crypto::WalletSignature,
    /// When it was signed, in ms; it is honoured for 30 days.
    pub timestamp_ms: u64,
}

impl ConsentProof {
    /// The text the recipient-to-be signs to let `sender` message it.
    pub fn text(timestamp_ms: u64, sender: Address) -> String {
        xmtp_keystore::consent_proof_text(timestamp_ms, &sender.to_string())
    }

    pub(super) fn to_proto(&self) -> pb::ConsentProofPayload {
        xmtp_keystore::consent_proof_payload(&self.signature, self.timestamp_ms)
    }
}

/// Options of [`Conversation::send_with`](crate::Conversation::send_with).
#[derive(Clone, Copy, Debug, Default)]
pub struct SendOptions {
    /// Compress content of 10 bytes or more.
    pub compression: Option<Compression>,
    /// Publish on the ephemeral twin topic (not stored by the node; seen only by live streams).
    pub ephemeral: bool,
}

impl SendOptions {
    /// Ephemeral sending (e.g. typing notifications).
    pub fn ephemeral() -> Self {
        Self {
            ephemeral: true,
            ..Self::default()
        }
    }
}

/// Order of [`Conversation::messages`](crate::Conversation::messages).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// Oldest first.
    #[default]
    Ascending,
    /// Newest first.
    Descending,
}

/// Which messages [`Conversation::messages`](crate::Conversation::messages) returns.
#[derive(Clone, Copy, Debug, Default)]
pub struct MessageQuery {
    /// At most this many.
    pub limit: Option<usize>,
    /// Order.
    pub direction: Direction,
    /// Sent at or after this time (ns).
    pub start_ns: Option<u64>,
    /// Sent at or before this time (ns).
    pub end_ns: Option<u64>,
}

impl MessageQuery {
    /// All messages, oldest first.
    pub fn all() -> Self {
        Self::default()
    }

    /// The newest `limit` messages, newest first.
    pub fn latest(limit: usize) -> Self {
        Self {
            limit: Some(limit),
            direction: Direction::Descending,
            ..Self::default()
        }
    }

    pub(super) fn options(&self, page_size: u32) -> QueryOptions {
        QueryOptions {
            direction: match self.direction {
                Direction::Ascending => SortDirection::Ascending,
                Direction::Descending => SortDirection::Descending,
            },
            start_ns: self.start_ns,
            end_ns: self.end_ns,
            page_size,
            limit: self.limit,
        }
    }
}

/// Filter of [`Conversations::list_with`](crate::Conversations::list_with).
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Only conversations whose peer has this consent state (allowed = inbox, unknown =
    /// requests).
    pub consent: Option<Consent>,
    /// Only conversations with this context conversation id.
    pub conversation_id: Option<String>,
    /// Order of the result.
    pub order: ListOrder,
}

/// Order of [`Conversations::list_with`](crate::Conversations::list_with).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListOrder {
    /// Oldest conversation first (creation time), as JS lists them.
    #[default]
    Created,
    /// Most recently active first: the newest message this client sent or read (kept
    /// client-side, persisted with the local store), else the creation time.
    LastActivity,
}
