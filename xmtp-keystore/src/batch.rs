//! Batch operations: many invitations or messages at once, in parallel across cores (rayon), one
//! result per item in input order. One bad item never fails the batch.

use rayon::prelude::*;

use crate::bundle::PrivateKeyBundle;
use crate::bundle_cache::VerifiedBundleCache;
use crate::error::Result;
use crate::invitation::{Conversation, ConversationStore, open_invitation};
use crate::v1::{OpenedV1Message, open_v1_message};
use crate::v2::{OpenedV2Message, open_v2_message, open_v2_message_cached};

/// One envelope: its payload and `timestamp_ns`.
#[derive(Clone, Copy, Debug)]
pub struct EnvelopeRef<'a> {
    /// `Envelope.content_topic`.
    pub topic: &'a str,
    /// `Envelope.timestamp_ns`.
    pub timestamp_ns: u64,
    /// `Envelope.message`.
    pub payload: &'a [u8],
}

/// Opens every sealed invitation (see [`open_invitation`]).
pub fn open_invitations(
    me: &PrivateKeyBundle,
    envelopes: &[EnvelopeRef<'_>],
) -> Vec<Result<Conversation>> {
    envelopes
        .par_iter()
        .map(|e| open_invitation(me, e.payload, e.timestamp_ns))
        .collect()
}

/// Opens invitations and adds the good ones to `store` in input order, so the earliest
/// invitation for a topic wins when `envelopes` is sorted ascending. Returns one result per item.
pub fn save_invitations(
    me: &PrivateKeyBundle,
    store: &mut ConversationStore,
    envelopes: &[EnvelopeRef<'_>],
) -> Vec<Result<Conversation>> {
    let opened = open_invitations(me, envelopes);
    for conversation in opened.iter().flatten() {
        store.insert(conversation.clone());
    }
    opened
}

/// Decrypts every v1 message, each checked against its own envelope topic (see
/// [`open_v1_message`]).
pub fn open_v1_messages(
    me: &PrivateKeyBundle,
    envelopes: &[EnvelopeRef<'_>],
) -> Vec<Result<OpenedV1Message>> {
    envelopes
        .par_iter()
        .map(|e| open_v1_message(me, e.payload, e.topic))
        .collect()
}

/// Decrypts every v2 message with the conversation of its envelope topic (see
/// [`open_v2_message`]); an unknown topic is an [`crate::Error::UnknownTopic`] for that item.
pub fn open_v2_messages(
    store: &ConversationStore,
    envelopes: &[EnvelopeRef<'_>],
) -> Vec<Result<OpenedV2Message>> {
    open_v2_batch(store, envelopes, None)
}

/// [`open_v2_messages`] with the sender bundles' verification shared through `cache` (see
/// [`open_v2_message_cached`]): N messages from S senders cost about S bundle verifications.
pub fn open_v2_messages_cached(
    store: &ConversationStore,
    envelopes: &[EnvelopeRef<'_>],
    cache: &VerifiedBundleCache,
) -> Vec<Result<OpenedV2Message>> {
    open_v2_batch(store, envelopes, Some(cache))
}

fn open_v2_batch(
    store: &ConversationStore,
    envelopes: &[EnvelopeRef<'_>],
    cache: Option<&VerifiedBundleCache>,
) -> Vec<Result<OpenedV2Message>> {
    envelopes
        .par_iter()
        .map(|e| {
            let topic =
                xmtp_proto::topic::from_ephemeral(e.topic).unwrap_or_else(|| e.topic.to_owned());
            let conversation = store
                .get(&topic)
                .ok_or_else(|| crate::Error::UnknownTopic(topic.clone()))?;
            match cache {
                Some(cache) => open_v2_message_cached(conversation, e.payload, cache),
                None => open_v2_message(conversation, e.payload),
            }
        })
        .collect()
}
