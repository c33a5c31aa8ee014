//! Syncing conversations: the invite topic (v2 invitations, protocol.md §7.4) and the intro
//! topic (v1, §6.4) read from a cursor kept by my own clock, opened off the async executor and
//! kept in the local keystore.

use std::collections::HashSet;
use std::sync::Arc;

use xmtp_api::{Envelope, QueryOptions, query_all};
use xmtp_crypto::Address;
use xmtp_keystore::{open_invitations, open_v1_messages};
use xmtp_proto::topic;

use super::Conversations;
use super::conversation::{Conversation, Kind};
use super::state::{ConversationState, SYNC_FUTURE_NS, SYNC_OVERLAP_NS, V1Conversation};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::message::envelope_refs;

/// What one invite-topic sync did.
pub(crate) struct InvitationSync {
    pub(crate) fetched: usize,
    pub(crate) opened: usize,
}

/// What [`Conversations::sync`] read and opened: a client restarted from its local store reads
/// only the invitations since its last sync by its own clock (less 5 minutes for senders whose
/// clocks lag) and opens none it handled before.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SyncReport {
    /// Envelopes read from my invite topic.
    pub invitations_fetched: usize,
    /// Of those, the ones decrypted: not handled by an earlier sync.
    pub invitations_opened: usize,
    /// Envelopes read from my intro topic (v1).
    pub intros_fetched: usize,
    /// Conversations this sync discovered.
    pub new_conversations: Vec<Conversation>,
}

impl Client {
    /// This client's conversations.
    pub fn conversations(&self) -> Conversations {
        Conversations {
            client: self.clone(),
        }
    }

    /// Every envelope on `topic` since its last sync (less [`SYNC_OVERLAP_NS`]; all of them when
    /// the topic was never synced) and up to [`SYNC_FUTURE_NS`] after `started`, oldest first.
    /// A stored cursor after `started` (left by an older version that trusted sender
    /// timestamps) is ignored.
    async fn envelopes_since_cursor(&self, topic: &str, started: u64) -> Result<Vec<Envelope>> {
        let cursor = self
            .inner
            .conversations
            .lock()
            .await
            .cursors
            .get(topic)
            .copied()
            .filter(|&ns| ns <= started);
        let options = QueryOptions {
            start_ns: cursor.map(|ns| ns.saturating_sub(SYNC_OVERLAP_NS)),
            end_ns: Some(started.saturating_add(SYNC_FUTURE_NS)),
            ..QueryOptions::ascending()
        };
        Ok(query_all(self.inner.api.as_ref(), vec![topic.to_owned()], options).await?)
    }

    /// Reads my invite topic since the last sync (less [`SYNC_OVERLAP_NS`], for senders whose
    /// clocks lag), opens the invitations not handled before (in parallel, off the async
    /// executor) and stores them, the first invitation per topic winning. The cursor it keeps
    /// is my own clock at the start of the sync, never a sender's timestamp.
    pub(crate) async fn sync_invitations(&self) -> Result<InvitationSync> {
        let invite_topic = topic::invite(&self.address().to_string());
        let started = self.now_ns();
        let envelopes = self.envelopes_since_cursor(&invite_topic, started).await?;
        let (opened, _) = self.add_invitations(&envelopes).await?;
        let mut state = self.inner.conversations.lock().await;
        state.cursors.insert(invite_topic, started);
        state.prune_seen_invitations(started);
        // An empty read changes nothing worth an fsync: losing this cursor only re-reads more.
        if !envelopes.is_empty() {
            self.save_conversations(&state).await?;
        }
        Ok(InvitationSync {
            fetched: envelopes.len(),
            opened,
        })
    }

    /// Opens the invitation envelopes not handled before and stores the good ones; returns how
    /// many were opened and the conversations that were new.
    pub(crate) async fn add_invitations(
        &self,
        envelopes: &[Envelope],
    ) -> Result<(usize, Vec<xmtp_keystore::Conversation>)> {
        let (opened, stored) = self.store_invitations(envelopes, true).await?;
        let added = stored
            .into_iter()
            .filter_map(|(conversation, new)| new.then_some(conversation))
            .collect();
        Ok((opened, added))
    }

    /// The conversation a live invitation envelope is for, new or already stored (one this
    /// client started itself is stored before its invitation comes back), opened even if a sync
    /// handled it already; `None` if it does not open.
    pub(crate) async fn invitation_conversation(
        &self,
        envelope: Envelope,
    ) -> Result<Option<xmtp_keystore::Conversation>> {
        let (_, stored) = self.store_invitations(&[envelope], false).await?;
        Ok(stored
            .into_iter()
            .next()
            .map(|(conversation, _)| conversation))
    }

    /// Opens invitation envelopes (those not handled before when `only_fresh`) and stores the
    /// good ones, the first invitation per topic winning; returns how many were opened and, per
    /// invitation that opened, the stored conversation of its topic and whether it is new.
    async fn store_invitations(
        &self,
        envelopes: &[Envelope],
        only_fresh: bool,
    ) -> Result<(usize, Vec<(xmtp_keystore::Conversation, bool)>)> {
        let fresh: Vec<Envelope> = {
            let state = self.inner.conversations.lock().await;
            let mut batch = HashSet::new();
            envelopes
                .iter()
                .filter(|e| {
                    let digest = xmtp_keystore::message_id(&e.message);
                    !(only_fresh && state.seen_invitations.contains_key(&digest))
                        && batch.insert(digest)
                })
                .cloned()
                .collect()
        };
        if fresh.is_empty() {
            return Ok((0, Vec::new()));
        }
        let bundle = Arc::clone(&self.inner.bundle);
        // The envelopes go to the blocking thread and come back: no second copy of them all.
        let (fresh, opened) = tokio::task::spawn_blocking(move || {
            let opened = open_invitations(&bundle, &envelope_refs(&fresh));
            (fresh, opened)
        })
        .await
        .map_err(|e| Error::Task(e.to_string()))?;
        let mut state = self.inner.conversations.lock().await;
        let mut stored = Vec::new();
        for (envelope, result) in fresh.iter().zip(opened) {
            state.seen_invitations.insert(
                xmtp_keystore::message_id(&envelope.message),
                envelope.timestamp_ns,
            );
            match result {
                Ok(conversation) if topic::is_valid_topic(conversation.topic()) => {
                    let new = state.v2.insert(conversation.clone());
                    if let Some(kept) = state.v2.get(conversation.topic()) {
                        stored.push((kept.clone(), new));
                    }
                }
                Ok(_) => tracing::debug!("invitation with an invalid topic skipped"),
                Err(e) => tracing::debug!(error = %e, "invitation skipped"),
            }
        }
        self.save_conversations(&state).await?;
        Ok((fresh.len(), stored))
    }

    /// Reads my intro topic since the last sync (less [`SYNC_OVERLAP_NS`]): each peer's earliest
    /// decryptable v1 message starts a v1 conversation (protocol.md §6.4). The cursor is my own
    /// clock at the start of the sync, as for invitations.
    pub(crate) async fn sync_intros(&self) -> Result<usize> {
        let intro_topic = topic::intro(&self.address().to_string());
        let started = self.now_ns();
        let envelopes = self.envelopes_since_cursor(&intro_topic, started).await?;
        let fetched = envelopes.len();
        let bundle = Arc::clone(&self.inner.bundle);
        let opened = tokio::task::spawn_blocking(move || {
            open_v1_messages(&bundle, &envelope_refs(&envelopes))
        })
        .await
        .map_err(|e| Error::Task(e.to_string()))?;
        let mut state = self.inner.conversations.lock().await;
        // Ascending order: the earliest decryptable message per peer dates the conversation.
        for opened in opened.into_iter().flatten() {
            if !topic::is_valid_topic(&opened.conversation_topic) {
                continue;
            }
            state
                .v1
                .entry(opened.conversation_topic.clone())
                .or_insert_with(|| V1Conversation::opened(opened));
        }
        state.cursors.insert(intro_topic, started);
        if fetched > 0 {
            self.save_conversations(&state).await?;
        }
        Ok(fetched)
    }

    /// The v1 conversation a live envelope on my intro topic is for, stored if it is new (one
    /// I started myself is stored already); `None` if it does not open.
    pub(crate) async fn intro_conversation(
        &self,
        envelope: Envelope,
    ) -> Result<Option<Conversation>> {
        let bundle = Arc::clone(&self.inner.bundle);
        let opened = tokio::task::spawn_blocking(move || {
            open_v1_messages(&bundle, &envelope_refs(std::slice::from_ref(&envelope)))
        })
        .await
        .map_err(|e| Error::Task(e.to_string()))?;
        let Some(Ok(opened)) = opened.into_iter().next() else {
            return Ok(None);
        };
        if !topic::is_valid_topic(&opened.conversation_topic) {
            return Ok(None);
        }
        let mut state = self.inner.conversations.lock().await;
        let known = state.v1.contains_key(&opened.conversation_topic);
        let conversation = state
            .v1
            .entry(opened.conversation_topic.clone())
            .or_insert_with(|| V1Conversation::opened(opened))
            .clone();
        if !known {
            self.save_conversations(&state).await?;
        }
        Ok(Some(self.wrap_v1(conversation)))
    }

    /// Records that `topic` saw a message at `sent_ns` (kept in memory, saved with the next sync).
    pub(crate) async fn note_activity(&self, topic: &str, sent_ns: u64) {
        let mut state = self.inner.conversations.lock().await;
        let last = state.cursors.entry(topic.to_owned()).or_default();
        *last = (*last).max(sent_ns);
    }

    /// Newest message time recorded for `conversation`, else its creation time.
    pub(super) async fn last_activity(&self, conversation: &Conversation) -> u64 {
        let state = self.inner.conversations.lock().await;
        state
            .cursors
            .get(conversation.topic())
            .copied()
            .unwrap_or(0)
            .max(conversation.created_ns())
    }

    pub(super) async fn save_conversations(&self, state: &ConversationState) -> Result<()> {
        self.persist(|stored| state.save_into(stored)).await
    }

    pub(crate) fn wrap_v2(&self, conversation: xmtp_keystore::Conversation) -> Conversation {
        Conversation {
            client: self.clone(),
            kind: Arc::new(Kind::V2(Box::new(conversation))),
        }
    }

    pub(super) fn wrap_v1(&self, conversation: V1Conversation) -> Conversation {
        Conversation {
            client: self.clone(),
            kind: Arc::new(Kind::V1(conversation)),
        }
    }

    /// The v1 conversation with `peer` on our `dm-` topic: the stored one, else a new one
    /// dated now (stored, so that it lists before the first message).
    pub(super) async fn v1_conversation_with(&self, peer: Address) -> Result<Conversation> {
        let dm_topic = topic::direct_message_v1(&self.address().to_string(), &peer.to_string());
        let mut state = self.inner.conversations.lock().await;
        let v1 = state
            .v1
            .entry(dm_topic.clone())
            .or_insert(V1Conversation {
                peer,
                topic: dm_topic,
                created_ns: self.now_ms_ns(),
            })
            .clone();
        self.save_conversations(&state).await?;
        Ok(self.wrap_v1(v1))
    }

    /// Every known conversation (no network), ordered by creation time.
    pub(crate) async fn known_conversations(&self) -> Vec<Conversation> {
        let state = self.inner.conversations.lock().await;
        let mut all: Vec<Conversation> = state
            .v2
            .list()
            .into_iter()
            .map(|c| self.wrap_v2(c.clone()))
            .chain(state.v1.values().map(|c| self.wrap_v1(c.clone())))
            .collect();
        all.sort_by_key(Conversation::created_ns);
        all
    }
}
