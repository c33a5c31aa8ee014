//! v2 invitations (protocol.md §7.2–7.4): the deterministic topic and key, sealing to the
//! recipient with triple-DH, and opening with every receiver check.

use std::collections::BTreeMap;

use rand::Rng as _;
use xmtp_crypto::{Address, SecretBytes, encrypt, hkdf_sha256, hmac_sha256};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;
use xmtp_proto::topic;

use crate::bundle::PrivateKeyBundle;
use crate::ciphertext::{ciphertext_to_proto, decrypt_proto};
use crate::error::{Error, Result};
use crate::keys::SignedPublicKeyBundle;
use crate::wipe::Wiped;

/// HKDF salt of the deterministic invitation key (32 ASCII bytes).
pub const INVITATION_SALT: &[u8; 32] = b"__XMTP__INVITATION__SALT__XMTP__";

/// A decrypted or freshly made `InvitationV1`: the conversation topic and its key.
#[derive(Clone, PartialEq)]
pub struct Invitation {
    /// Full conversation topic, `/xmtp/0/m-<id>/proto` (older clients may have written other
    /// forms; always use it as given).
    pub topic: String,
    /// The AES-GCM/HKDF key material shared by both participants.
    pub key_material: SecretBytes,
    /// Conversation id and metadata, if any.
    pub context: Option<pb::invitation_v1::Context>,
    /// A consent proof from the recipient, if any (§11.4).
    pub consent_proof: Option<pb::ConsentProofPayload>,
}

impl core::fmt::Debug for Invitation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Invitation")
            .field("topic", &self.topic)
            .field("key_material", &self.key_material)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl Invitation {
    /// The `InvitationV1` message.
    pub fn to_proto(&self) -> pb::InvitationV1 {
        pb::InvitationV1 {
            topic: self.topic.clone(),
            context: self.context.clone(),
            consent_proof: self.consent_proof.clone(),
            encryption: Some(pb::invitation_v1::Encryption::Aes256GcmHkdfSha256(
                pb::invitation_v1::Aes256gcmHkdfsha256 {
                    key_material: self.key_material.expose().to_vec(),
                },
            )),
        }
    }

    /// Reads an `InvitationV1`; topic and key material must be non-empty.
    pub fn from_proto(inv: &pb::InvitationV1) -> Result<Self> {
        let Some(pb::invitation_v1::Encryption::Aes256GcmHkdfSha256(enc)) = &inv.encryption else {
            return Err(Error::MissingField("InvitationV1.aes256_gcm_hkdf_sha256"));
        };
        if inv.topic.is_empty() {
            return Err(Error::MissingField("InvitationV1.topic"));
        }
        if enc.key_material.is_empty() {
            return Err(Error::MissingField("InvitationV1.key_material"));
        }
        Ok(Self {
            topic: inv.topic.clone(),
            key_material: SecretBytes::from_slice(&enc.key_material),
            context: inv.context.clone(),
            consent_proof: inv.consent_proof.clone(),
        })
    }

    /// The conversation id from the context, if any.
    pub fn conversation_id(&self) -> Option<&str> {
        self.context
            .as_ref()
            .map(|c| c.conversation_id.as_str())
            .filter(|id| !id.is_empty())
    }

    /// The random form older clients (JS < 9.1.0) made: random topic and key.
    pub fn random(context: Option<pb::invitation_v1::Context>) -> Self {
        use base64::Engine as _;
        let mut id = [0u8; 32];
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut id);
        rand::rng().fill_bytes(&mut key);
        let id = base64::engine::general_purpose::STANDARD_NO_PAD
            .encode(id)
            .replace('/', "-");
        Self {
            topic: topic::conversation_v2(&id),
            key_material: SecretBytes::from_slice(&key),
            context,
            consent_proof: None,
        }
    }
}

fn sorted(a: &str, b: &str) -> (String, String) {
    if a.as_bytes() <= b.as_bytes() {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

/// The deterministic invitation JS ≥ 9.1.0 makes for `recipient` (§7.2): both parties derive
/// the same topic and key. Checks the recipient bundle first.
pub fn deterministic_invitation(
    me: &PrivateKeyBundle,
    recipient: &SignedPublicKeyBundle,
    context: Option<pb::invitation_v1::Context>,
    consent_proof: Option<pb::ConsentProofPayload>,
) -> Result<Invitation> {
    let their = recipient.validate()?.to_string();
    let mine = me.wallet_address().to_string();
    if their == mine {
        return Err(Error::SelfConversation);
    }
    let is_recipient = mine.as_bytes() < their.as_bytes();
    let secret =
        me.shared_secret_with_verified(recipient, me.current_pre_key().public.key(), is_recipient)?;
    let (lo, hi) = sorted(&mine, &their);
    let conversation_id = context
        .as_ref()
        .map(|c| c.conversation_id.as_str())
        .unwrap_or("");
    let topic_id = hmac_sha256(
        secret.expose(),
        format!("{conversation_id}{lo},{hi}").as_bytes(),
    );
    let key = hkdf_sha256(
        secret.expose(),
        INVITATION_SALT,
        format!("0|{lo}|{hi}").as_bytes(),
    );
    Ok(Invitation {
        topic: topic::conversation_v2(&hex::encode(topic_id)),
        key_material: SecretBytes::from_slice(key.expose()),
        context,
        consent_proof,
    })
}

/// A sealed invitation ready to publish.
#[derive(Clone, Debug)]
pub struct SealedInvitation {
    /// The encoded `SealedInvitation{v1}`.
    pub payload: Vec<u8>,
    /// Publish to both: `invite-<recipient>` and `invite-<me>`.
    pub topics: [String; 2],
    /// `Envelope.timestamp_ns` for both envelopes; equals the header's `created_ns`.
    pub timestamp_ns: u64,
}

impl SealedInvitation {
    /// The two envelopes to publish, one per topic.
    pub fn envelopes(&self) -> Vec<xmtp_proto::message_api::v1::Envelope> {
        self.topics
            .iter()
            .map(|t| xmtp_proto::message_api::v1::Envelope {
                content_topic: t.clone(),
                timestamp_ns: self.timestamp_ns,
                message: self.payload.clone(),
            })
            .collect()
    }
}

/// Seals `invitation` to `recipient` (§7.3) with my current pre-key.
pub fn seal_invitation(
    me: &PrivateKeyBundle,
    recipient: &SignedPublicKeyBundle,
    invitation: &Invitation,
    created_ns: u64,
) -> Result<SealedInvitation> {
    let their = recipient.validate()?;
    let header_bytes = pb::SealedInvitationHeaderV1 {
        sender: Some(me.signed_public_bundle().to_proto()),
        recipient: Some(recipient.to_proto()),
        created_ns,
    }
    .encode_to_vec();
    let secret =
        me.shared_secret_with_verified(recipient, me.current_pre_key().public.key(), false)?;
    let plaintext = SecretBytes::new(Wiped::new(invitation.to_proto()).encode_to_vec());
    let ciphertext = encrypt(secret.expose(), plaintext.expose(), &header_bytes);
    let payload = pb::SealedInvitation {
        version: Some(pb::sealed_invitation::Version::V1(pb::SealedInvitationV1 {
            header_bytes,
            ciphertext: Some(ciphertext_to_proto(&ciphertext)),
        })),
    }
    .encode_to_vec();
    Ok(SealedInvitation {
        payload,
        topics: [
            topic::invite(&their.to_string()),
            topic::invite(&me.wallet_address().to_string()),
        ],
        timestamp_ns: created_ns,
    })
}

/// An opened invitation: a v2 conversation.
#[derive(Clone, Debug)]
pub struct Conversation {
    /// Topic and key.
    pub invitation: Invitation,
    /// Header creation time (ns); conversations are ordered by it.
    pub created_ns: u64,
    /// The other participant.
    pub peer: Address,
    /// Me.
    pub me: Address,
}

impl Conversation {
    /// The conversation topic.
    pub fn topic(&self) -> &str {
        &self.invitation.topic
    }

    /// The persisted form JS uses (`TopicMap.TopicData`).
    pub fn to_topic_data(&self) -> xmtp_proto::keystore_api::v1::topic_map::TopicData {
        xmtp_proto::keystore_api::v1::topic_map::TopicData {
            created_ns: self.created_ns,
            peer_address: self.peer.to_string(),
            invitation: Some(self.invitation.to_proto()),
        }
    }

    /// [`Self::to_topic_data`] encoded, the protobuf copy wiped: it holds the conversation key.
    pub fn export_topic_data(&self) -> SecretBytes {
        SecretBytes::new(Wiped::new(self.to_topic_data()).encode_to_vec())
    }

    /// Reads [`Self::export_topic_data`]'s bytes back for the identity `me`.
    pub fn import_topic_data(me: Address, bytes: &[u8]) -> Result<Self> {
        let data = Wiped::new(xmtp_proto::decode::<
            xmtp_proto::keystore_api::v1::topic_map::TopicData,
        >(bytes)?);
        Self::from_topic_data(me, &data)
    }

    /// Reads a persisted `TopicData` back for the identity `me`.
    pub fn from_topic_data(
        me: Address,
        data: &xmtp_proto::keystore_api::v1::topic_map::TopicData,
    ) -> Result<Self> {
        Ok(Self {
            invitation: Invitation::from_proto(
                data.invitation
                    .as_ref()
                    .ok_or(Error::MissingField("TopicData.invitation"))?,
            )?,
            created_ns: data.created_ns,
            peer: data.peer_address.parse()?,
            me,
        })
    }
}

/// Opens an invitation from my invite topic (§7.4): `created_ns` must equal
/// `envelope_timestamp_ns`, the other side's pre-key must be signed by its identity key, and the
/// pre-key the header names for my side must be one of mine.
pub fn open_invitation(
    me: &PrivateKeyBundle,
    payload: &[u8],
    envelope_timestamp_ns: u64,
) -> Result<Conversation> {
    let sealed: pb::SealedInvitation = xmtp_proto::decode(payload)?;
    let Some(pb::sealed_invitation::Version::V1(v1)) = sealed.version else {
        return Err(Error::MissingField("SealedInvitation.v1"));
    };
    let header: pb::SealedInvitationHeaderV1 = xmtp_proto::decode(&v1.header_bytes)?;
    if header.created_ns != envelope_timestamp_ns {
        return Err(Error::TimestampMismatch {
            header: header.created_ns,
            envelope: envelope_timestamp_ns,
        });
    }
    let sender = SignedPublicKeyBundle::from_proto(
        header
            .sender
            .as_ref()
            .ok_or(Error::MissingField("SealedInvitationHeaderV1.sender"))?,
    )?;
    let recipient = SignedPublicKeyBundle::from_proto(
        header
            .recipient
            .as_ref()
            .ok_or(Error::MissingField("SealedInvitationHeaderV1.recipient"))?,
    )?;
    let my_identity = me.identity_key().key();
    let (peer, secret) = if sender.identity_key.key() == my_identity {
        let secret = me.shared_secret(&recipient, sender.pre_key.key(), false)?;
        (&recipient, secret)
    } else if recipient.identity_key.key() == my_identity {
        let secret = me.shared_secret(&sender, recipient.pre_key.key(), true)?;
        (&sender, secret)
    } else {
        return Err(Error::NotForMe);
    };
    let ciphertext = v1
        .ciphertext
        .as_ref()
        .ok_or(Error::MissingField("SealedInvitationV1.ciphertext"))?;
    let plaintext = SecretBytes::new(decrypt_proto(
        secret.expose(),
        ciphertext,
        &v1.header_bytes,
    )?);
    let invitation = Invitation::from_proto(&Wiped::new(xmtp_proto::decode(plaintext.expose())?))?;
    Ok(Conversation {
        invitation,
        created_ns: header.created_ns,
        peer: peer.wallet_address()?,
        me: me.wallet_address(),
    })
}

/// v2 conversations by topic, where the first invitation seen for a topic wins (§7.4 step 5).
#[derive(Clone, Debug, Default)]
pub struct ConversationStore {
    by_topic: BTreeMap<String, Conversation>,
}

impl ConversationStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `conversation` unless its topic is already known; returns whether it was added.
    pub fn insert(&mut self, conversation: Conversation) -> bool {
        match self.by_topic.entry(conversation.topic().to_owned()) {
            std::collections::btree_map::Entry::Occupied(_) => false,
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(conversation);
                true
            }
        }
    }

    /// The conversation on `topic`.
    pub fn get(&self, topic: &str) -> Option<&Conversation> {
        self.by_topic.get(topic)
    }

    /// All conversations ordered by `created_ns`.
    pub fn list(&self) -> Vec<&Conversation> {
        let mut all: Vec<_> = self.by_topic.values().collect();
        all.sort_by_key(|c| c.created_ns);
        all
    }

    /// Number of conversations.
    pub fn len(&self) -> usize {
        self.by_topic.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_topic.is_empty()
    }

    /// The JS-compatible `TopicMap`.
    pub fn to_topic_map(&self) -> xmtp_proto::keystore_api::v1::TopicMap {
        xmtp_proto::keystore_api::v1::TopicMap {
            topics: self
                .by_topic
                .iter()
                .map(|(t, c)| (t.clone(), c.to_topic_data()))
                .collect(),
        }
    }

    /// Reads a `TopicMap` for identity `me`.
    pub fn from_topic_map(
        me: Address,
        map: &xmtp_proto::keystore_api::v1::TopicMap,
    ) -> Result<Self> {
        let mut store = Self::new();
        for data in map.topics.values() {
            store.insert(Conversation::from_topic_data(me, data)?);
        }
        Ok(store)
    }
}
