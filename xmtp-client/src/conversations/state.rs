//! What the client knows about its conversations and how far it has read the invite and intro
//! topics, and how that is kept in the local keystore.

use std::collections::BTreeMap;

use xmtp_crypto::Address;
use xmtp_keystore::{ConversationStore, KeystoreState};
use xmtp_proto::message_contents as pb;

/// A v1 conversation: the `dm-` topic with one peer, found on my intro topic or started here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct V1Conversation {
    pub(crate) peer: Address,
    pub(crate) topic: String,
    pub(crate) created_ns: u64,
}

impl V1Conversation {
    /// The conversation a v1 message opened on an intro topic belongs to, dated by its sending.
    pub(super) fn opened(opened: xmtp_keystore::OpenedV1Message) -> Self {
        Self {
            peer: opened.peer,
            topic: opened.conversation_topic,
            created_ns: opened.sent_ms.saturating_mul(1_000_000),
        }
    }
}

/// What the client knows about its conversations, and how far it has read the invite and intro
/// topics.
#[derive(Clone, Debug, Default)]
pub(crate) struct ConversationState {
    pub(crate) v2: ConversationStore,
    pub(crate) v1: BTreeMap<String, V1Conversation>,
    /// My clock at the start of the last successful sync per topic (invite, intro), and newest
    /// message seen or sent per conversation topic (its last activity).
    pub(crate) cursors: BTreeMap<String, u64>,
    /// Digests of invitation envelopes already handled, with their timestamps, kept while a sync
    /// may read them again (stamped at most [`SYNC_OVERLAP_NS`] before the invite cursor), so
    /// that re-reading opens nothing twice.
    pub(crate) seen_invitations: BTreeMap<String, u64>,
}

/// Sender clocks disagree: each invitation or intro sync re-reads this far before the start of
/// the previous one, so that a sender whose clock is up to this much behind mine is still found.
pub(crate) const SYNC_OVERLAP_NS: u64 = 5 * 60 * 1_000_000_000;

/// A sync reads envelopes stamped up to this far after its start and no further: a sender whose
/// clock is ahead by more is found once mine is within this of its stamp, and garbage dated
/// years ahead is never fetched.
pub(crate) const SYNC_FUTURE_NS: u64 = 60 * 60 * 1_000_000_000;

/// Key prefix under which handled invitation digests are persisted among the store's cursors.
const SEEN_INVITATION_PREFIX: &str = "seen-invitation/";

impl ConversationState {
    pub(crate) fn restore(state: &KeystoreState) -> Self {
        let v1 = state
            .v1_conversations
            .iter()
            .filter_map(|r| {
                let peer = r.peer_address.parse().ok()?;
                Some((
                    r.topic.clone(),
                    V1Conversation {
                        peer,
                        topic: r.topic.clone(),
                        created_ns: r.created_ns,
                    },
                ))
            })
            .collect();
        let (seen, cursors): (BTreeMap<String, u64>, BTreeMap<String, u64>) = state
            .cursors
            .iter()
            .map(|(key, ns)| (key.clone(), *ns))
            .partition(|(key, _)| key.starts_with(SEEN_INVITATION_PREFIX));
        let seen_invitations = seen
            .into_iter()
            .filter_map(|(key, ns)| {
                Some((key.strip_prefix(SEEN_INVITATION_PREFIX)?.to_owned(), ns))
            })
            .collect();
        Self {
            v2: state.conversations.clone(),
            v1,
            cursors,
            seen_invitations,
        }
    }

    pub(super) fn save_into(&self, state: &mut KeystoreState) {
        state.conversations = self.v2.clone();
        state.v1_conversations = self
            .v1
            .values()
            .map(|c| pb::ConversationReference {
                topic: c.topic.clone(),
                peer_address: c.peer.to_string(),
                created_ns: c.created_ns,
                context: None,
                consent_proof_payload: None,
            })
            .collect();
        for (topic, ns) in &self.cursors {
            state.cursors.insert(topic.clone(), *ns);
        }
        state
            .cursors
            .retain(|key, _| !key.starts_with(SEEN_INVITATION_PREFIX));
        for (digest, ns) in &self.seen_invitations {
            state
                .cursors
                .insert(format!("{SEEN_INVITATION_PREFIX}{digest}"), *ns);
        }
    }

    /// Forgets handled invitations that the next sync, reading from `invite_cursor` less the
    /// overlap, will not read again.
    pub(super) fn prune_seen_invitations(&mut self, invite_cursor: u64) {
        let oldest = invite_cursor.saturating_sub(SYNC_OVERLAP_NS);
        self.seen_invitations.retain(|_, ns| *ns >= oldest);
    }
}
