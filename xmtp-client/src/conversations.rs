//! Conversations: v2 invitations (protocol.md §7), v1 intro discovery (§6.4), sending and paging.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use futures::stream::{BoxStream, StreamExt};
use xmtp_api::{Envelope, QueryOptions, SortDirection, query_all, query_pages};
use xmtp_crypto::Address;
use xmtp_keystore::batch::{open_invitations, open_v1_messages};
use xmtp_keystore::invitation::{deterministic_invitation, open_invitation, seal_invitation};
use xmtp_keystore::preferences::Consent;
use xmtp_keystore::store::KeystoreState;
use xmtp_keystore::v1::seal_v1_message;
use xmtp_keystore::v2::{SealOptions, seal_v2_message};
use xmtp_keystore::{ContactBundle, ConversationStore};
use xmtp_proto::message_contents as pb;
use xmtp_proto::topic;

use crate::client::Client;
use crate::content::{Compression, Content};
use crate::error::{Error, Result};
use crate::message::{
    MessageResult, decode_v1, decode_v1_page, decode_v2, decode_v2_page, envelope_refs, undecodable,
};

/// A v1 conversation: the `dm-` topic with one peer, found on my intro topic or started here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct V1Conversation {
    pub(crate) peer: Address,
    pub(crate) topic: String,
    pub(crate) created_ns: u64,
}

impl V1Conversation {
    /// The conversation a v1 message opened on an intro topic belongs to, dated by its sending.
    fn opened(opened: xmtp_keystore::v1::OpenedV1Message) -> Self {
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

    fn save_into(&self, state: &mut KeystoreState) {
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
    fn prune_seen_invitations(&mut self, invite_cursor: u64) {
        let oldest = invite_cursor.saturating_sub(SYNC_OVERLAP_NS);
        self.seen_invitations.retain(|_, ns| *ns >= oldest);
    }
}

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

    fn to_proto(&self) -> pb::invitation_v1::Context {
        pb::invitation_v1::Context {
            conversation_id: self.conversation_id.clone(),
            metadata: self.metadata.clone(),
        }
    }

    fn from_proto(context: &pb::invitation_v1::Context) -> Self {
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
        xmtp_keystore::preferences::consent_proof_text(timestamp_ms, &sender.to_string())
    }

    fn to_proto(&self) -> pb::ConsentProofPayload {
        xmtp_keystore::preferences::consent_proof_payload(&self.signature, self.timestamp_ms)
    }
}

/// Protocol version of a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConversationVersion {
    /// `dm-` topic, per-message triple-DH (protocol.md §6).
    V1,
    /// `m-` topic with an invitation key (protocol.md §7).
    V2,
}

#[derive(Clone, Debug)]
enum Kind {
    V1(V1Conversation),
    V2(Box<xmtp_keystore::Conversation>),
}

/// One conversation with one peer.
#[derive(Clone, Debug)]
pub struct Conversation {
    client: Client,
    kind: Arc<Kind>,
}

/// Options of [`Conversation::send_with`].
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

/// Order of [`Conversation::messages`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// Oldest first.
    #[default]
    Ascending,
    /// Newest first.
    Descending,
}

/// Which messages [`Conversation::messages`] returns.
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

    fn options(&self, page_size: u32) -> QueryOptions {
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

/// A message sealed and ready to publish: its id is known before it is sent.
#[derive(Debug)]
pub struct PreparedMessage {
    client: Client,
    id: String,
    envelopes: Vec<Envelope>,
    peer: Address,
    conversation_topic: String,
    sent_ns: u64,
}

impl PreparedMessage {
    /// The message id (hex SHA-256 of the payload).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its send time in nanoseconds since the epoch: the `sent_ns` its readers decode (v1
    /// messages carry it in whole milliseconds).
    pub fn sent_ns(&self) -> u64 {
        self.sent_ns
    }

    /// Publishes it. Sending into a conversation whose peer has no consent state yet allows the
    /// peer (protocol.md §11.3).
    pub async fn send(self) -> Result<String> {
        self.client.inner.api.publish(self.envelopes).await?;
        self.client
            .note_activity(&self.conversation_topic, self.sent_ns)
            .await;
        self.client.allow_if_unknown(self.peer).await?;
        Ok(self.id)
    }
}

/// Filter of [`Conversations::list_with`].
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

/// Order of [`Conversations::list_with`].
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

/// The conversations of a [`Client`].
#[derive(Clone, Debug)]
pub struct Conversations {
    client: Client,
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
                    let digest = xmtp_keystore::v1::message_id(&e.message);
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
                xmtp_keystore::v1::message_id(&envelope.message),
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
    async fn last_activity(&self, conversation: &Conversation) -> u64 {
        let state = self.inner.conversations.lock().await;
        state
            .cursors
            .get(conversation.topic())
            .copied()
            .unwrap_or(0)
            .max(conversation.created_ns())
    }

    async fn save_conversations(&self, state: &ConversationState) -> Result<()> {
        self.persist(|stored| state.save_into(stored)).await
    }

    pub(crate) fn wrap_v2(&self, conversation: xmtp_keystore::Conversation) -> Conversation {
        Conversation {
            client: self.clone(),
            kind: Arc::new(Kind::V2(Box::new(conversation))),
        }
    }

    fn wrap_v1(&self, conversation: V1Conversation) -> Conversation {
        Conversation {
            client: self.clone(),
            kind: Arc::new(Kind::V1(conversation)),
        }
    }

    /// The v1 conversation with `peer` on our `dm-` topic: the stored one, else a new one
    /// dated now (stored, so that it lists before the first message).
    async fn v1_conversation_with(&self, peer: Address) -> Result<Conversation> {
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

impl Conversations {
    /// Syncs invitations and intros newer than the last sync, then lists every conversation,
    /// oldest first. Known conversations are never re-opened.
    pub async fn list(&self) -> Result<Vec<Conversation>> {
        self.list_with(&ListFilter::default()).await
    }

    /// Reads invitations and intros newer than the last sync and stores the conversations they
    /// start; says how much it read and opened.
    pub async fn sync(&self) -> Result<SyncReport> {
        let before: HashSet<String> = self
            .client
            .known_conversations()
            .await
            .iter()
            .map(|c| c.topic().to_owned())
            .collect();
        let invitations = self.client.sync_invitations().await?;
        let intros_fetched = self.client.sync_intros().await?;
        let new_conversations = self
            .client
            .known_conversations()
            .await
            .into_iter()
            .filter(|c| !before.contains(c.topic()))
            .collect();
        Ok(SyncReport {
            invitations_fetched: invitations.fetched,
            invitations_opened: invitations.opened,
            intros_fetched,
            new_conversations,
        })
    }

    /// [`list`](Self::list) filtered by consent state and conversation id.
    pub async fn list_with(&self, filter: &ListFilter) -> Result<Vec<Conversation>> {
        self.sync().await?;
        if filter.consent.is_some() {
            self.client.refresh_consent().await?;
        }
        let all = self.client.known_conversations().await;
        let mut out = Vec::with_capacity(all.len());
        for conversation in all {
            if let Some(id) = &filter.conversation_id
                && conversation.conversation_id() != Some(id.as_str())
            {
                continue;
            }
            if let Some(wanted) = filter.consent
                && self
                    .client
                    .consent_state(conversation.peer_address())
                    .await?
                    != wanted
            {
                continue;
            }
            out.push(conversation);
        }
        if filter.order == ListOrder::LastActivity {
            let mut keyed = Vec::with_capacity(out.len());
            for conversation in out {
                keyed.push((self.client.last_activity(&conversation).await, conversation));
            }
            keyed.sort_by_key(|(last, _)| std::cmp::Reverse(*last));
            out = keyed.into_iter().map(|(_, c)| c).collect();
        }
        Ok(out)
    }

    /// Starts (or reuses) a conversation with `peer` (protocol.md §7.1), choosing the way
    /// xmtp-js 13 `newConversation` does, so that a JS app and this client on one wallet pick the
    /// same conversation:
    ///
    /// 1. a stored v2 conversation with `peer` whose context has the same conversation id (no
    ///    context matches no context; a context with the id `""` matches only the same);
    /// 2. the peer's contact bundle (the newest valid one on the network); none is
    ///    [`Error::NotOnNetwork`];
    /// 3. without a conversation id (none, or `""`): if the peer's newest contact is a legacy v1
    ///    bundle, the v1 conversation; else a v1 conversation found on my intro topic;
    /// 4. the invitations on my invite topic since the last sync, looked through as in 1;
    /// 5. a new v2 conversation: the deterministic invitation, published to both invite topics
    ///    in one call, and the peer allowed.
    ///
    /// A fresh device that has not listed its conversations therefore takes the v1 conversation
    /// of a peer whose newest contact is v1, even when a v2 conversation exists (xmtp-js does the
    /// same). The conversation id `""` derives the same topic as no context (the invitation then
    /// carries the context with its empty id, as xmtp-js sends it); when that topic is already
    /// known, the known conversation is returned and nothing is published. Racing calls in this
    /// client create one conversation.
    pub async fn new_conversation(
        &self,
        peer: Address,
        context: Option<ConversationContext>,
    ) -> Result<Conversation> {
        self.create(peer, context, None).await
    }

    /// [`new_conversation`](Self::new_conversation) carrying `proof`, the peer's signed consent to
    /// hear from me (protocol.md §11.4): the peer's client then allows me without asking.
    pub async fn new_conversation_with_consent_proof(
        &self,
        peer: Address,
        context: Option<ConversationContext>,
        proof: &ConsentProof,
    ) -> Result<Conversation> {
        self.create(peer, context, Some(proof.to_proto())).await
    }

    async fn create(
        &self,
        peer: Address,
        context: Option<ConversationContext>,
        consent_proof: Option<pb::ConsentProofPayload>,
    ) -> Result<Conversation> {
        let client = &self.client;
        if peer == client.address() {
            return Err(xmtp_keystore::Error::SelfConversation.into());
        }
        let _creating = client.inner.creating.lock().await;
        // JS matches `context?.conversationId === convo.context?.conversationId`.
        let wanted = context.as_ref().map(|c| c.conversation_id.as_str());
        if let Some(existing) = self.find(peer, wanted).await {
            return Ok(existing);
        }
        let contact = client
            .contact(peer)
            .await?
            .ok_or_else(|| Error::NotOnNetwork {
                address: peer.to_string(),
            })?;
        // JS tests `!context?.conversationId`: the id "" counts as none here.
        if wanted.is_none_or(str::is_empty) {
            if matches!(contact, ContactBundle::V1 { .. }) {
                return client.v1_conversation_with(peer).await;
            }
            client.sync_intros().await?;
            let state = client.inner.conversations.lock().await;
            if let Some(v1) = state.v1.values().find(|c| c.peer == peer) {
                return Ok(client.wrap_v1(v1.clone()));
            }
        }
        client.sync_invitations().await?;
        if let Some(existing) = self.find(peer, wanted).await {
            return Ok(existing);
        }
        let recipient = contact.to_signed()?;
        let invitation = deterministic_invitation(
            &client.inner.bundle,
            &recipient,
            context.as_ref().map(ConversationContext::to_proto),
            consent_proof,
        )?;
        if let Some(known) = self.get(&invitation.topic).await {
            return Ok(known);
        }
        let created_ns = client.now_ms_ns();
        let sealed = seal_invitation(&client.inner.bundle, &recipient, &invitation, created_ns)?;
        let conversation = open_invitation(&client.inner.bundle, &sealed.payload, created_ns)?;
        client.inner.api.publish(sealed.envelopes()).await?;
        let conversation = {
            let mut state = client.inner.conversations.lock().await;
            state.v2.insert(conversation.clone());
            client.save_conversations(&state).await?;
            // The first invitation for a topic wins, also over the one just published.
            state
                .v2
                .get(conversation.topic())
                .cloned()
                .unwrap_or(conversation)
        };
        client.allow_if_not_allowed(peer).await?;
        Ok(client.wrap_v2(conversation))
    }

    /// A stored v2 conversation with `peer` whose context's conversation id is `conversation_id`
    /// (`None`: no context), as JS matches them.
    async fn find(&self, peer: Address, conversation_id: Option<&str>) -> Option<Conversation> {
        let state = self.client.inner.conversations.lock().await;
        state
            .v2
            .list()
            .into_iter()
            .find(|c| {
                c.peer == peer
                    && c.invitation
                        .context
                        .as_ref()
                        .map(|context| context.conversation_id.as_str())
                        == conversation_id
            })
            .map(|c| self.client.wrap_v2(c.clone()))
    }

    /// The known conversation on `topic` (no network).
    pub async fn get(&self, topic: &str) -> Option<Conversation> {
        let state = self.client.inner.conversations.lock().await;
        if let Some(c) = state.v2.get(topic) {
            return Some(self.client.wrap_v2(c.clone()));
        }
        state.v1.get(topic).map(|c| self.client.wrap_v1(c.clone()))
    }

    /// The client these conversations belong to.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

impl Conversation {
    /// The conversation topic.
    pub fn topic(&self) -> &str {
        match &*self.kind {
            Kind::V1(c) => &c.topic,
            Kind::V2(c) => c.topic(),
        }
    }

    /// The other participant.
    pub fn peer_address(&self) -> Address {
        match &*self.kind {
            Kind::V1(c) => c.peer,
            Kind::V2(c) => c.peer,
        }
    }

    /// When it was created (invitation header, or first intro message), in ns.
    pub fn created_ns(&self) -> u64 {
        match &*self.kind {
            Kind::V1(c) => c.created_ns,
            Kind::V2(c) => c.created_ns,
        }
    }

    /// Protocol version.
    pub fn version(&self) -> ConversationVersion {
        match &*self.kind {
            Kind::V1(_) => ConversationVersion::V1,
            Kind::V2(_) => ConversationVersion::V2,
        }
    }

    /// The context from the invitation (v2 only).
    pub fn context(&self) -> Option<ConversationContext> {
        match &*self.kind {
            Kind::V1(_) => None,
            Kind::V2(c) => c
                .invitation
                .context
                .as_ref()
                .map(ConversationContext::from_proto),
        }
    }

    /// The context's conversation id, if any.
    pub fn conversation_id(&self) -> Option<&str> {
        match &*self.kind {
            Kind::V1(_) => None,
            Kind::V2(c) => c.invitation.conversation_id(),
        }
    }

    /// The secret of a v2 conversation in its persisted form (JS `TopicMap.TopicData`), for
    /// [`decode_envelope`](crate::decode_envelope) in a notification handler. It holds the
    /// conversation key: keep it secret.
    pub fn topic_data(&self) -> Option<crate::ConversationSecret> {
        match &*self.kind {
            Kind::V1(_) => None,
            Kind::V2(c) => Some(c.export_topic_data().into()),
        }
    }

    /// The sender-HMAC keys of a v2 conversation for periods p−1, p, p+1 around now, for a
    /// push-notification server that drops my own messages (protocol.md §7.6).
    pub fn hmac_keys(&self) -> Vec<(u64, xmtp_crypto::SecretKey32)> {
        match &*self.kind {
            Kind::V1(_) => Vec::new(),
            Kind::V2(c) => xmtp_keystore::v2::hmac_keys(c, self.client.now_ns() / 1_000_000),
        }
    }

    /// Sends `content` and returns the message id.
    pub async fn send(&self, content: impl Into<Content>) -> Result<String> {
        self.send_with(&content.into(), SendOptions::default())
            .await
    }

    /// Sends with options (compression, ephemeral).
    pub async fn send_with(&self, content: &Content, options: SendOptions) -> Result<String> {
        self.prepare_message(content, options).await?.send().await
    }

    /// Encodes and seals `content` without publishing it, so its id is known first.
    pub async fn prepare_message(
        &self,
        content: &Content,
        options: SendOptions,
    ) -> Result<PreparedMessage> {
        let inner = &self.client.inner;
        let encoded = inner
            .registry
            .encode_to_bytes(content, options.compression)?;
        let sent_ns = inner.stamps.next();
        let (id, envelopes) = match &*self.kind {
            Kind::V2(conversation) => {
                let sealed = seal_v2_message(
                    &inner.bundle,
                    conversation,
                    &encoded,
                    sent_ns,
                    SealOptions {
                        should_push: inner.registry.should_push(content)?,
                        ..SealOptions::default()
                    },
                )?;
                let content_topic = if options.ephemeral {
                    topic::to_ephemeral(&sealed.topic).unwrap_or(sealed.topic)
                } else {
                    sealed.topic
                };
                let envelope = Envelope {
                    content_topic,
                    timestamp_ns: sealed.timestamp_ns,
                    message: sealed.payload,
                };
                (sealed.id, vec![envelope])
            }
            Kind::V1(conversation) => {
                let contact = self
                    .client
                    .contact(conversation.peer)
                    .await?
                    .ok_or_else(|| Error::NotOnNetwork {
                        address: conversation.peer.to_string(),
                    })?;
                let sealed = seal_v1_message(
                    &inner.bundle,
                    &contact.to_legacy()?,
                    &encoded,
                    sent_ns / 1_000_000,
                )?;
                let dm_topic = if options.ephemeral {
                    topic::to_ephemeral(&sealed.topic).unwrap_or(sealed.topic)
                } else {
                    sealed.topic
                };
                let mut topics = vec![dm_topic];
                let first_send = inner
                    .intro_sent
                    .lock()
                    .map(|mut sent| sent.insert(conversation.peer))
                    .unwrap_or(true);
                if first_send {
                    topics.push(topic::intro(&conversation.peer.to_string()));
                    topics.push(topic::intro(&self.client.address().to_string()));
                }
                let envelopes = topics
                    .into_iter()
                    .map(|content_topic| Envelope {
                        content_topic,
                        timestamp_ns: sealed.timestamp_ns,
                        message: sealed.payload.clone(),
                    })
                    .collect();
                (sealed.id, envelopes)
            }
        };
        Ok(PreparedMessage {
            client: self.client.clone(),
            id,
            envelopes,
            peer: self.peer_address(),
            conversation_topic: self.topic().to_owned(),
            sent_ns,
        })
    }

    /// Decodes one envelope of this conversation; a failure is the item's error.
    pub fn decode(&self, envelope: &Envelope) -> MessageResult {
        let inner = &self.client.inner;
        let decoded = match &*self.kind {
            Kind::V2(c) => decode_v2(c, &inner.registry, envelope, Some(&inner.verified_bundles)),
            Kind::V1(c) => decode_v1(&inner.bundle, &c.topic, &inner.registry, envelope),
        };
        decoded.map_err(|e| undecodable(envelope, e))
    }

    /// Decodes a page off the async executor and records the conversation's activity.
    async fn decode_page(&self, envelopes: Vec<Envelope>) -> Result<Vec<MessageResult>> {
        let this = self.clone();
        let page: Vec<MessageResult> = tokio::task::spawn_blocking(move || {
            let inner = &this.client.inner;
            match &*this.kind {
                Kind::V2(c) => {
                    decode_v2_page(c, &inner.registry, &envelopes, &inner.verified_bundles)
                }
                Kind::V1(c) => decode_v1_page(&inner.bundle, &c.topic, &inner.registry, &envelopes),
            }
        })
        .await
        .map_err(|e| Error::Task(e.to_string()))?;
        if let Some(newest) = page.iter().flatten().map(|m| m.sent_ns).max() {
            self.client.note_activity(self.topic(), newest).await;
        }
        Ok(page)
    }

    /// Messages of this conversation; each envelope is decoded on its own, so a forged or
    /// undecodable one is an `Err` item and never fails the call.
    pub async fn messages(&self, query: MessageQuery) -> Result<Vec<MessageResult>> {
        let envelopes = query_all(
            self.client.inner.api.as_ref(),
            vec![self.topic().to_owned()],
            query.options(100),
        )
        .await?;
        self.decode_page(envelopes).await
    }

    /// [`messages`](Self::messages) fetched lazily, one page of up to `page_size` envelopes per
    /// item.
    pub fn message_pages(
        &self,
        query: MessageQuery,
        page_size: u32,
    ) -> BoxStream<'_, Result<Vec<MessageResult>>> {
        query_pages(
            self.client.inner.api.as_ref(),
            vec![self.topic().to_owned()],
            query.options(page_size),
        )
        .then(move |page| async move {
            match page {
                Ok(envelopes) => self.decode_page(envelopes).await,
                Err(e) => Err(e.into()),
            }
        })
        .boxed()
    }

    /// The client this conversation belongs to.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The consent state of the peer (see [`Client::consent_state`]).
    pub async fn consent_state(&self) -> Result<Consent> {
        self.client.consent_state(self.peer_address()).await
    }

    /// Allows the peer.
    pub async fn allow(&self) -> Result<()> {
        self.client.allow(&[self.peer_address()]).await
    }

    /// Denies (blocks) the peer.
    pub async fn deny(&self) -> Result<()> {
        self.client.deny(&[self.peer_address()]).await
    }
}

/// Ids delivered recently, to drop the overlap between a backfill query and a live stream.
/// Bounded: the overlap is at most one backfill, so only the newest ids are kept.
#[derive(Default)]
pub(crate) struct SeenIds {
    ids: HashSet<String>,
    order: std::collections::VecDeque<String>,
}

impl SeenIds {
    const CAPACITY: usize = 4096;

    pub(crate) fn first_time(&mut self, id: &str) -> bool {
        if !self.ids.insert(id.to_owned()) {
            return false;
        }
        self.order.push_back(id.to_owned());
        if self.order.len() > Self::CAPACITY
            && let Some(oldest) = self.order.pop_front()
        {
            self.ids.remove(&oldest);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::SeenIds;

    #[test]
    fn seen_ids_drop_repeats_and_forget_the_oldest_beyond_capacity() {
        let mut seen = SeenIds::default();
        assert!(seen.first_time("a"));
        assert!(!seen.first_time("a"));
        for i in 0..SeenIds::CAPACITY {
            assert!(seen.first_time(&i.to_string()));
        }
        assert!(seen.first_time("a"), "the oldest id is forgotten");
        assert!(!seen.first_time(&(SeenIds::CAPACITY - 1).to_string()));
    }
}
