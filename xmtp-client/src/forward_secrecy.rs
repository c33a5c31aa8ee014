//! Forward secrecy between xmtp-rs installations (issue 19), opt-in per v2 conversation.
//!
//! Each client with forward secrecy is an *installation* with its own Olm account (keystore
//! [`Installation`]); its public keys, signed by the wallet's identity key, are published on
//! `/xmtp/0/installations-<address>/proto`. A message of a conversation with forward secrecy
//! enabled is still an ordinary v2 message on the conversation topic; its content is of type
//! [`FORWARD_SECRET`] and holds one Olm ciphertext of the real content per recipient
//! installation: every active installation of the peer and of my own wallet, this one
//! excepted. xmtp-js and older clients show [`FORWARD_SECRET_FALLBACK`].
//!
//! A message key is used once: an installation reads a forward-secret message once, and keeps
//! what it read (and what it sent) only in memory, for [`MAX_REMEMBERED_PLAINTEXTS`] messages.
//! Reading the conversation again after a restart shows those messages as undecodable, which
//! is the point: neither the stored state nor the v2 keys open them any more. Installations
//! added later never read what was sent before they were published.

use std::collections::{BTreeSet, HashMap, VecDeque};

use xmtp_api::{Envelope, QueryOptions, query_all};
use xmtp_crypto::{Address, SecretBytes};
use xmtp_keystore::{
    FsError, Installation, InstallationId, InstallationKeys, InstallationList, KeystoreState,
    PickleKey, revocation_record, verify_installation_records,
};
use xmtp_proto::topic;

use crate::client::Client;
use crate::content::{Content, ContentTypeId, EncodedContent, UnknownContent, UnknownReason};
use crate::error::{Error, Result};
use crate::message::{DecodedMessage, MessageResult, UndecodableMessage};

/// The content type of a forward-secret message (an xmtp-rs extension).
pub const FORWARD_SECRET: ContentTypeId =
    ContentTypeId::new_static("xmtp.rs", "forwardSecret", 1, 0);

/// What apps without forward secrecy (xmtp-js among them) show for a forward-secret message.
pub const FORWARD_SECRET_FALLBACK: &str = "This message was sent with forward secrecy by an \
     xmtp-rs app and can only be read in an app that supports it.";

/// Forward-secret messages whose plaintext one client keeps in memory (read or sent), so that
/// reading a conversation twice in one run shows them twice.
pub const MAX_REMEMBERED_PLAINTEXTS: usize = 10_000;

/// What the client keeps for forward secrecy; the installation and the topics are persisted.
#[derive(Default)]
pub(crate) struct FsState {
    installation: Option<Installation>,
    topics: BTreeSet<String>,
    /// Encoded content of messages opened or sent this run, by message id.
    plaintexts: HashMap<String, SecretBytes>,
    order: VecDeque<String>,
}

impl FsState {
    /// The state restored from the local store; an installation that does not unpickle is
    /// dropped with a warning (a new one can be registered).
    pub(crate) fn restore(state: &KeystoreState, key: &PickleKey) -> Self {
        let installation = state.installation.as_ref().and_then(|bytes| {
            Installation::unpickle(bytes.expose(), key)
                .inspect_err(|e| tracing::warn!("forward-secrecy state does not open: {e}"))
                .ok()
        });
        Self {
            topics: if installation.is_some() {
                state.forward_secret_topics.clone()
            } else {
                BTreeSet::new()
            },
            installation,
            ..Self::default()
        }
    }

    fn remember(&mut self, id: &str, plaintext: SecretBytes) {
        if self.plaintexts.insert(id.to_owned(), plaintext).is_none() {
            self.order.push_back(id.to_owned());
        }
        while self.order.len() > MAX_REMEMBERED_PLAINTEXTS {
            if let Some(old) = self.order.pop_front() {
                self.plaintexts.remove(&old);
            }
        }
    }
}

/// Whether `content_type` is [`FORWARD_SECRET`] (any minor version of major 1).
fn is_forward_secret(content_type: &ContentTypeId) -> bool {
    content_type.authority_id == FORWARD_SECRET.authority_id
        && content_type.type_id == FORWARD_SECRET.type_id
        && content_type.version_major == FORWARD_SECRET.version_major
}

impl Client {
    /// This client's installation id, if it has registered one
    /// ([`register_installation`](Self::register_installation)).
    pub async fn installation_id(&self) -> Option<InstallationId> {
        self.inner
            .fs
            .lock()
            .await
            .installation
            .as_ref()
            .map(Installation::id)
    }

    /// Makes this client an installation with forward secrecy, if it is not one yet, and
    /// publishes its keys signed by my identity key. Returns its id.
    pub async fn register_installation(&self) -> Result<InstallationId> {
        let mut fs = self.inner.fs.lock().await;
        if let Some(id) = fs.installation.as_ref().map(Installation::id) {
            if self.maintain_unsaved(&mut fs) {
                self.save_fs(&fs).await?;
            }
            self.publish_pending(&mut fs).await?;
            return Ok(id);
        }
        let installation = Installation::new(self.now_ns());
        let id = installation.id();
        self.publish_installation_record(
            installation.keys_record(&self.inner.bundle, self.now_ns()),
        )
        .await?;
        fs.installation = Some(installation);
        self.save_fs(&fs).await?;
        Ok(id)
    }

    /// Replaces this installation's fallback key and publishes the new keys (the previous key
    /// still opens sessions started from it, until the next rotation).
    pub async fn rotate_installation_keys(&self) -> Result<()> {
        let mut fs = self.inner.fs.lock().await;
        let installation = fs.installation.as_mut().ok_or(Error::NoInstallation)?;
        installation.rotate_fallback_key(self.now_ns());
        // Saved before it is published: a key senders use is never one this store lacks.
        self.save_fs(&fs).await?;
        self.publish_pending(&mut fs).await
    }

    /// Applies the fallback-key policy ([`ClientOptions::fallback_key_policy`]) now: forgets a
    /// replaced key whose grace period is over, replaces the current key when it is due, and
    /// publishes keys not published yet. Sending and reading forward-secret messages do this
    /// on their own; an app that does neither for long can call it from a timer. Returns
    /// whether anything changed.
    ///
    /// [`ClientOptions::fallback_key_policy`]: crate::ClientOptions::fallback_key_policy
    pub async fn maintain_installation(&self) -> Result<bool> {
        let mut fs = self.inner.fs.lock().await;
        let changed = self.maintain_unsaved(&mut fs);
        if changed {
            self.save_fs(&fs).await?;
        }
        let unpublished = fs
            .installation
            .as_ref()
            .is_some_and(Installation::is_unpublished);
        self.publish_pending(&mut fs).await?;
        Ok(changed || unpublished)
    }

    /// The fallback-key policy applied to the locked state, not saved yet; whether it changed.
    fn maintain_unsaved(&self, fs: &mut FsState) -> bool {
        fs.installation.as_mut().is_some_and(|installation| {
            installation
                .maintain(self.now_ns(), &self.inner.fallback_key_policy)
                .changed()
        })
    }

    /// Publishes this installation's keys if a rotation has not published them yet (they are
    /// saved first), then saves that they are.
    async fn publish_pending(&self, fs: &mut FsState) -> Result<()> {
        let Some(installation) = fs.installation.as_mut() else {
            return Ok(());
        };
        if !installation.is_unpublished() {
            return Ok(());
        }
        let record = installation.keys_record(&self.inner.bundle, self.now_ns());
        self.publish_installation_record(record).await?;
        installation.mark_published();
        self.save_fs(fs).await
    }

    /// [`Self::publish_pending`] where a failure must not fail the caller (a send or a read):
    /// the keys stay marked unpublished and the next maintenance tries again.
    async fn publish_pending_or_log(&self, fs: &mut FsState) {
        if let Err(e) = self.publish_pending(fs).await {
            tracing::warn!("publishing rotated installation keys failed, will retry: {e}");
        }
    }

    /// The verified installations of `address`: its installations topic, every record checked
    /// against the identity key of its contact bundle.
    pub async fn installations(&self, address: Address) -> Result<InstallationList> {
        let contact = self
            .contact(address)
            .await?
            .ok_or_else(|| Error::NotOnNetwork {
                address: address.to_string(),
            })?;
        let envelopes = query_all(
            self.inner.api.as_ref(),
            vec![topic::installations(&address.to_string())],
            QueryOptions::default(),
        )
        .await?;
        let list =
            verify_installation_records(&contact, envelopes.iter().map(|e| e.message.as_slice()))?;
        if let Ok(mut cache) = self.inner.installation_lists.lock() {
            cache.insert(address, list.clone());
        }
        Ok(list)
    }

    /// Revokes installation `id` of my wallet (this one or another, e.g. a lost device):
    /// publishes a signed revocation, after which no installation encrypts to it. Revoking this
    /// installation also wipes its Olm state and its forward-secret conversations locally.
    pub async fn revoke_installation(&self, id: InstallationId) -> Result<()> {
        let mut fs = self.inner.fs.lock().await;
        self.publish_installation_record(revocation_record(&self.inner.bundle, &id, self.now_ns()))
            .await?;
        if fs.installation.as_ref().map(Installation::id) == Some(id) {
            fs.installation = None;
            fs.topics.clear();
            fs.plaintexts.clear();
            fs.order.clear();
        } else if let Some(installation) = fs.installation.as_mut() {
            installation.forget_peer(&id);
        }
        self.save_fs(&fs).await
    }

    async fn publish_installation_record(&self, record: Vec<u8>) -> Result<()> {
        self.inner
            .api
            .publish(vec![Envelope {
                content_topic: topic::installations(&self.address().to_string()),
                timestamp_ns: self.now_ns(),
                message: record,
            }])
            .await?;
        Ok(())
    }

    /// Writes the installation and the forward-secret topics to the local store.
    async fn save_fs(&self, fs: &FsState) -> Result<()> {
        let Some(key) = self.inner.pickle_key.as_ref() else {
            return Ok(());
        };
        let pickled = fs.installation.as_ref().map(|i| i.pickle(key));
        let topics = fs.topics.clone();
        self.persist(move |state| {
            state.installation = pickled;
            state.forward_secret_topics = topics;
        })
        .await
    }

    /// The installations a message from me goes to: the peer's and my own others.
    async fn recipients(&self, peer: Address) -> Result<Vec<InstallationKeys>> {
        let theirs = self.installations(peer).await?;
        if theirs.active.is_empty() {
            return Err(Error::PeerHasNoInstallations {
                address: peer.to_string(),
            });
        }
        let mine = self.installations(self.address()).await?;
        Ok(theirs.active.into_iter().chain(mine.active).collect())
    }

    /// Whether forward secrecy is enabled on `topic`.
    pub(crate) async fn is_forward_secret_topic(&self, topic: &str) -> bool {
        self.inner.fs.lock().await.topics.contains(topic)
    }

    /// Enables (or disables) forward secrecy on `topic` with `peer`.
    pub(crate) async fn set_forward_secret_topic(
        &self,
        topic: &str,
        peer: Address,
        enabled: bool,
    ) -> Result<()> {
        if enabled {
            self.register_installation().await?;
            if self.installations(peer).await?.active.is_empty() {
                return Err(Error::PeerHasNoInstallations {
                    address: peer.to_string(),
                });
            }
        }
        let mut fs = self.inner.fs.lock().await;
        let changed = if enabled {
            fs.topics.insert(topic.to_owned())
        } else {
            fs.topics.remove(topic)
        };
        if changed {
            self.save_fs(&fs).await?;
        }
        Ok(())
    }

    /// Seals `encoded` (an encoded `EncodedContent`) for every recipient installation and
    /// returns the encoded forward-secret content that replaces it. The ratchet state is saved
    /// before anything is published, so a message key is never used twice.
    pub(crate) async fn seal_forward_secret(
        &self,
        peer: Address,
        encoded: &[u8],
    ) -> Result<Vec<u8>> {
        let recipients = self.recipients(peer).await?;
        let mut fs = self.inner.fs.lock().await;
        let installation = fs.installation.as_mut().ok_or(Error::NoInstallation)?;
        let payload = installation.encrypt(&recipients, encoded)?;
        self.maintain_unsaved(&mut fs);
        self.save_fs(&fs).await?;
        self.publish_pending_or_log(&mut fs).await;
        let wrapped = EncodedContent {
            type_id: FORWARD_SECRET,
            parameters: Default::default(),
            fallback: Some(FORWARD_SECRET_FALLBACK.to_owned()),
            content: payload,
        };
        self.inner.registry.encode_to_bytes(
            &Content::Unknown(UnknownContent {
                reason: UnknownReason::NoCodec,
                fallback: wrapped.fallback.clone(),
                raw: wrapped,
            }),
            None,
        )
    }

    /// Remembers the plaintext of a forward-secret message I sent, so this installation shows it.
    pub(crate) async fn remember_sent(&self, id: &str, encoded: SecretBytes) {
        self.inner.fs.lock().await.remember(id, encoded);
    }

    /// The verified installations of `sender` that may have sent a message: the cached list,
    /// or a fresh one when `id` is not in it.
    async fn sender_installations(&self, sender: Address, id: &InstallationId) -> Result<bool> {
        let cached = self
            .inner
            .installation_lists
            .lock()
            .ok()
            .and_then(|cache| cache.get(&sender).map(|list| list.contains(id)));
        if cached == Some(true) {
            return Ok(true);
        }
        Ok(self.installations(sender).await?.contains(id))
    }

    /// Opens a decoded message whose content is [`FORWARD_SECRET`] with this installation and
    /// replaces its content with what was sealed; any other message, and every message when
    /// this client is no installation, comes back as it was (showing the fallback text). The
    /// ratchet advances and is saved: the same message opens only once per installation (this
    /// client remembers what it opened for the rest of its run).
    pub async fn open_forward_secret(&self, result: MessageResult) -> MessageResult {
        let mut advanced = false;
        let opened = self.open_unsaved(result, &mut advanced).await;
        if !advanced {
            return opened;
        }
        match (self.save_opened().await, opened) {
            (Ok(()), opened) => opened,
            // The plaintext is remembered for this run: reading again shows it.
            (Err(error), Ok(message)) => Err(UndecodableMessage {
                id: message.id,
                topic: message.conversation_topic,
                timestamp_ns: message.sent_ns,
                error,
            }),
            (Err(_), Err(e)) => Err(e),
        }
    }

    /// [`Self::open_forward_secret`] of every item of a page, in order, with one save of the
    /// advanced ratchet for the whole page (none when nothing opened). A failed save fails the
    /// call; what opened is remembered for this run, so reading again shows it.
    pub(crate) async fn open_forward_secret_page(
        &self,
        page: Vec<MessageResult>,
    ) -> Result<Vec<MessageResult>> {
        let mut advanced = false;
        let mut opened = Vec::with_capacity(page.len());
        for item in page {
            opened.push(self.open_unsaved(item, &mut advanced).await);
        }
        if advanced {
            self.save_opened().await?;
        }
        Ok(opened)
    }

    /// After messages opened: the fallback-key policy (sessions started count towards it), one
    /// save, and the keys published if that rotated them.
    async fn save_opened(&self) -> Result<()> {
        let mut fs = self.inner.fs.lock().await;
        self.maintain_unsaved(&mut fs);
        self.save_fs(&fs).await?;
        self.publish_pending_or_log(&mut fs).await;
        Ok(())
    }

    /// Opens one item; sets `advanced` when the ratchet moved and the state needs a save.
    async fn open_unsaved(&self, result: MessageResult, advanced: &mut bool) -> MessageResult {
        let Ok(mut message) = result else {
            return result;
        };
        if !is_forward_secret(&message.content_type) {
            return Ok(message);
        }
        match self.open_content(&message, advanced).await {
            Ok(None) => Ok(message),
            Ok(Some(content)) => {
                message.content_type = content.content_type();
                message.content = content;
                message.forward_secret = true;
                Ok(message)
            }
            Err(error) => Err(UndecodableMessage {
                id: message.id,
                topic: message.conversation_topic,
                timestamp_ns: message.sent_ns,
                error,
            }),
        }
    }

    /// The sealed content, or `None` when this client is no installation.
    async fn open_content(
        &self,
        message: &DecodedMessage,
        advanced: &mut bool,
    ) -> Result<Option<Content>> {
        let Content::Unknown(unknown) = &message.content else {
            return Err(Error::invalid(
                &FORWARD_SECRET,
                "a codec is registered for it",
            ));
        };
        let payload = &unknown.raw.content;
        {
            let fs = self.inner.fs.lock().await;
            if let Some(plaintext) = fs.plaintexts.get(&message.id) {
                return Ok(Some(self.inner.registry.decode_bytes(plaintext.expose())?));
            }
            if fs.installation.is_none() {
                // Not an installation: the message shows its fallback, as in xmtp-js.
                return Ok(None);
            }
        }
        let sender_installation = Installation::sender_of(payload)?;
        if !self
            .sender_installations(message.sender, &sender_installation)
            .await?
        {
            return Err(xmtp_keystore::Error::from(FsError::UnknownSender).into());
        }
        let mut fs = self.inner.fs.lock().await;
        let installation = fs.installation.as_mut().ok_or(Error::NoInstallation)?;
        let opened = installation.decrypt(payload, |id| *id == sender_installation)?;
        *advanced = true;
        let content = self.inner.registry.decode_bytes(opened.plaintext.expose());
        fs.remember(&message.id, opened.plaintext);
        content.map(Some)
    }
}
