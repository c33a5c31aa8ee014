//! One conversation with one peer, v1 or v2: its identity, sending and reading messages, and the
//! consent state of its peer.

use std::sync::Arc;

use futures::stream::{BoxStream, StreamExt};
use xmtp_api::{Envelope, query_all, query_pages};
use xmtp_crypto::Address;
use xmtp_keystore::{Consent, EnvelopeRef, SealOptions, seal_v1_message, seal_v2_message};
use xmtp_proto::topic;

use super::options::{ConversationContext, MessageQuery, SendOptions};
use super::state::V1Conversation;
use crate::client::Client;
use crate::content::Content;
use crate::error::{Error, Result};
use crate::message::{
    MessageResult, decode_v1, decode_v1_page, decode_v2, decode_v2_page, undecodable,
};

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
pub(super) enum Kind {
    V1(V1Conversation),
    V2(Box<xmtp_keystore::Conversation>),
}

/// One conversation with one peer.
#[derive(Clone, Debug)]
pub struct Conversation {
    pub(super) client: Client,
    pub(super) kind: Arc<Kind>,
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
            Kind::V2(c) => xmtp_keystore::hmac_keys(c, self.client.now_ns() / 1_000_000),
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
                let forward_secret = self.client.is_forward_secret_topic(self.topic()).await;
                let payload = if forward_secret {
                    self.client
                        .seal_forward_secret(conversation.peer, &encoded)
                        .await?
                } else {
                    encoded.clone()
                };
                let sealed = seal_v2_message(
                    &inner.bundle,
                    conversation,
                    &payload,
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
                if forward_secret {
                    self.client
                        .remember_sent(&sealed.id, xmtp_crypto::SecretBytes::new(encoded))
                        .await;
                }
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

    /// Turns on forward secrecy for what I send here (v2 only): registers this client as an
    /// installation if needed, and fails with
    /// [`Error::PeerHasNoInstallations`](crate::Error::PeerHasNoInstallations) unless the peer
    /// has one. Messages then go to every installation of the peer and of my wallet, not to
    /// xmtp-js apps, which show [`FORWARD_SECRET_FALLBACK`](crate::FORWARD_SECRET_FALLBACK).
    pub async fn enable_forward_secrecy(&self) -> Result<()> {
        if self.version() != ConversationVersion::V2 {
            return Err(Error::Setup("forward secrecy needs a v2 conversation"));
        }
        self.client
            .set_forward_secret_topic(self.topic(), self.peer_address(), true)
            .await
    }

    /// Drops back to plain v2 for what I send here; forward-secret messages still open.
    pub async fn disable_forward_secrecy(&self) -> Result<()> {
        self.client
            .set_forward_secret_topic(self.topic(), self.peer_address(), false)
            .await
    }

    /// Whether what I send here is sealed with forward secrecy.
    pub async fn is_forward_secret(&self) -> bool {
        self.client.is_forward_secret_topic(self.topic()).await
    }

    /// Decodes one envelope of this conversation; a failure is the item's error. A
    /// forward-secret message comes back unopened (its fallback text): pass the result to
    /// [`Client::open_forward_secret`](crate::Client::open_forward_secret).
    ///
    /// (Listing, paging and streams open forward-secret messages themselves.)
    pub fn decode(&self, envelope: &crate::Envelope) -> MessageResult {
        self.decode_ref(envelope.as_ref())
    }

    /// [`Conversation::decode`] of a borrowed envelope (one the network handed over).
    pub(crate) fn decode_ref(&self, envelope: EnvelopeRef<'_>) -> MessageResult {
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
        let page = self.client.open_forward_secret_page(page).await?;
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
