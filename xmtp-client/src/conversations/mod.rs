//! Conversations: v2 invitations (protocol.md §7), v1 intro discovery (§6.4), sending and paging.
//!
//! [`Conversations`] (this file) lists and starts them; `conversation` is one conversation,
//! `options` what they are started, sent, read and listed with, `sync` reads the invite and intro
//! topics, `state` is what is known and kept in the local keystore.

mod conversation;
mod options;
mod state;
mod sync;

use std::collections::HashSet;

use xmtp_crypto::Address;
use xmtp_keystore::{ContactBundle, deterministic_invitation, open_invitation, seal_invitation};
use xmtp_proto::message_contents as pb;

pub use self::conversation::{Conversation, ConversationVersion, PreparedMessage};
pub use self::options::{
    ConsentProof, ConversationContext, Direction, ListFilter, ListOrder, MessageQuery, SendOptions,
};
pub(crate) use self::state::ConversationState;
pub use self::sync::SyncReport;
use crate::client::Client;
use crate::error::{Error, Result};

/// The conversations of a [`Client`].
#[derive(Clone, Debug)]
pub struct Conversations {
    pub(super) client: Client,
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
