//! v2 messages (protocol.md §7.5–7.7): signed by the sender's pre-key, encrypted with the
//! conversation key, tagged with a sender HMAC for push servers.

use std::sync::Arc;

use prost::bytes::Bytes;
use xmtp_crypto::{
    Address, GCM_NONCE_LEN, HKDF_SALT_LEN, SecretKey32, decrypt_parts, encrypt, encrypt_with,
    hkdf_sha256, hmac_sha256, sha256_concat,
};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

use crate::bundle::PrivateKeyBundle;
use crate::bundle_cache::VerifiedBundleCache;
use crate::ciphertext::ciphertext_to_proto;
use crate::error::{Error, Result};
use crate::invitation::Conversation;
use crate::keys::{KeySignature, SignedPublicKeyBundle};
use crate::v1::message_id;
use crate::wire;

/// Length of a sender-HMAC period: 30 days in milliseconds.
pub const HMAC_PERIOD_MS: u64 = 2_592_000_000;

/// The 30-day period number of a millisecond time.
pub fn hmac_period(now_ms: u64) -> u64 {
    now_ms / HMAC_PERIOD_MS
}

/// `HKDF(key_material, salt = empty, info = "<period>-<sender EIP-55>")` (§7.6).
pub fn sender_hmac_key(key_material: &[u8], period: u64, sender: Address) -> SecretKey32 {
    hkdf_sha256(key_material, b"", format!("{period}-{sender}").as_bytes())
}

/// The HMAC keys of `conversation` for me as sender, for periods p−1, p and p+1 around
/// `now_ms`: what `getV2ConversationHmacKeys` hands to a push-notification server.
pub fn hmac_keys(conversation: &Conversation, now_ms: u64) -> Vec<(u64, SecretKey32)> {
    let p = hmac_period(now_ms);
    (p.saturating_sub(1)..=p + 1)
        .map(|period| {
            (
                period,
                sender_hmac_key(
                    conversation.invitation.key_material.expose(),
                    period,
                    conversation.me,
                ),
            )
        })
        .collect()
}

/// A v2 message ready to publish.
#[derive(Clone, Debug)]
pub struct SealedV2Message {
    /// The encoded `Message{v2}`.
    pub payload: Vec<u8>,
    /// The conversation topic (publish ephemeral ones on its `mE-` twin).
    pub topic: String,
    /// `Envelope.timestamp_ns`, equal to the header's `created_ns`.
    pub timestamp_ns: u64,
    /// hex SHA-256 of `payload`.
    pub id: String,
}

/// Options for [`seal_v2_message`].
#[derive(Clone, Copy, Debug, Default)]
pub struct SealOptions {
    /// `should_push` from the content codec.
    pub should_push: bool,
    /// Fixed HKDF salt and GCM nonce, for known-answer tests only; never reuse them.
    pub fixed_salt_and_nonce: Option<([u8; HKDF_SALT_LEN], [u8; GCM_NONCE_LEN])>,
}

/// Encrypts an encoded `EncodedContent` into `conversation` (§7.5–7.6). `created_ns` is the send
/// time; the HMAC period comes from the same instant.
pub fn seal_v2_message(
    me: &PrivateKeyBundle,
    conversation: &Conversation,
    content: &[u8],
    created_ns: u64,
    options: SealOptions,
) -> Result<SealedV2Message> {
    let topic = conversation.topic().to_owned();
    let header_bytes = pb::MessageHeaderV2 {
        created_ns,
        topic: topic.clone(),
    }
    .encode_to_vec();
    let signature = me.sign_with_pre_key(&sha256_concat(&[&header_bytes, content]));
    let signed = pb::SignedContent {
        payload: content.to_vec(),
        sender: Some(me.signed_public_bundle().to_proto()),
        signature: Some(signature.to_proto()),
    }
    .encode_to_vec();
    let key = conversation.invitation.key_material.expose();
    let ciphertext = match options.fixed_salt_and_nonce {
        Some((salt, nonce)) => encrypt_with(key, &signed, &header_bytes, salt, nonce),
        None => encrypt(key, &signed, &header_bytes),
    };
    let hmac_key = sender_hmac_key(
        key,
        hmac_period(created_ns / 1_000_000),
        me.wallet_address(),
    );
    let sender_hmac = hmac_sha256(hmac_key.expose(), &header_bytes);
    let payload = pb::Message {
        version: Some(pb::message::Version::V2(pb::MessageV2 {
            header_bytes,
            ciphertext: Some(ciphertext_to_proto(&ciphertext)),
            sender_hmac: Some(sender_hmac.to_vec()),
            should_push: Some(options.should_push),
        })),
    }
    .encode_to_vec();
    Ok(SealedV2Message {
        id: message_id(&payload),
        topic,
        timestamp_ns: created_ns,
        payload,
    })
}

/// A decrypted v2 message.
#[derive(Clone, Debug)]
pub struct OpenedV2Message {
    /// The sender's wallet.
    pub sender: Address,
    /// The sender's bundle as signed into the message, shared with the bundle cache.
    pub sender_bundle: Arc<SignedPublicKeyBundle>,
    /// Header `created_ns`.
    pub sent_ns: u64,
    /// The encoded `EncodedContent`.
    pub content: Vec<u8>,
    /// hex SHA-256 of the `Message` bytes.
    pub id: String,
    /// `should_push`, when the sender wrote it.
    pub should_push: Option<bool>,
}

/// Decrypts a v2 message of `conversation` (§7.7) with every check: the header names this
/// conversation's topic (cross-topic injection is refused), the sender's pre-key is signed by its
/// identity key, the payload signature verifies under that pre-key, and the sender is one of the
/// two participants (stricter than JS, §13 item 16).
pub fn open_v2_message(conversation: &Conversation, payload: &[u8]) -> Result<OpenedV2Message> {
    open_v2(conversation, payload, None)
}

/// [`open_v2_message`] that takes the sender bundle's verification from `cache` when the same
/// bundle was verified before (and records it otherwise). The payload signature is checked on
/// every message.
pub fn open_v2_message_cached(
    conversation: &Conversation,
    payload: &[u8],
    cache: &VerifiedBundleCache,
) -> Result<OpenedV2Message> {
    open_v2(conversation, payload, Some(cache))
}

fn open_v2(
    conversation: &Conversation,
    payload: &[u8],
    cache: Option<&VerifiedBundleCache>,
) -> Result<OpenedV2Message> {
    let opened = open_v2_with(
        conversation.topic(),
        &conversation.invitation.key_material,
        payload,
        cache,
    )?;
    if opened.sender != conversation.me && opened.sender != conversation.peer {
        return Err(Error::NotParticipant {
            sender: opened.sender.to_string(),
        });
    }
    Ok(opened)
}

/// [`open_v2_message`] without the participant check, for a topic and key alone (e.g. when the
/// participants are unknown).
pub fn open_v2_unchecked_sender(
    topic: &str,
    key_material: &xmtp_crypto::SecretBytes,
    payload: &[u8],
) -> Result<OpenedV2Message> {
    open_v2_with(topic, key_material, payload, None)
}

fn open_v2_with(
    topic: &str,
    key_material: &xmtp_crypto::SecretBytes,
    payload: &[u8],
    cache: Option<&VerifiedBundleCache>,
) -> Result<OpenedV2Message> {
    // One copy of the payload; the views below slice it instead of copying each field.
    let message: wire::Message = wire::decode("Message", Bytes::copy_from_slice(payload))?;
    let Some(wire::Version::V2(v2)) = message.version else {
        return Err(Error::Unsupported("expected a v2 message"));
    };
    let header: pb::MessageHeaderV2 = xmtp_proto::decode(&v2.header_bytes)?;
    if header.topic != topic {
        return Err(Error::TopicMismatch {
            expected: topic.to_owned(),
            found: header.topic,
        });
    }
    let Some(wire::CiphertextUnion::Aes256GcmHkdfSha256(ciphertext)) = v2
        .ciphertext
        .ok_or(Error::MissingField("MessageV2.ciphertext"))?
        .union
    else {
        return Err(Error::MissingField("Ciphertext.aes256_gcm_hkdf_sha256"));
    };
    let signed_bytes = decrypt_parts(
        key_material.expose(),
        &ciphertext.hkdf_salt,
        &ciphertext.gcm_nonce,
        &ciphertext.payload,
        &v2.header_bytes,
    )?;
    let signed: wire::SignedContent = wire::decode("SignedContent", Bytes::from(signed_bytes))?;
    let sender_bytes = signed
        .sender_bytes()
        .ok_or(Error::MissingField("SignedContent.sender"))?;
    let signature = KeySignature::from_proto(
        signed
            .signature
            .as_ref()
            .ok_or(Error::MissingField("SignedContent.signature"))?,
    )?;
    let (sender, sender_address) = match cache {
        Some(cache) => cache.validate_encoded(&sender_bytes)?,
        None => {
            let sender = SignedPublicKeyBundle::decode(&sender_bytes)?;
            let address = sender.validate()?;
            (Arc::new(sender), address)
        }
    };
    signature
        .verify_by_key(
            sender.pre_key.key(),
            &sha256_concat(&[&v2.header_bytes, &signed.payload]),
        )
        .map_err(|e| match e {
            Error::NotKeySigned => e,
            _ => Error::BadPayloadSignature,
        })?;
    // Once the sender slices are dropped, the payload is the only view of the decrypted buffer
    // and becomes the content in place, without another allocation.
    let wire::SignedContent {
        payload: content,
        sender: sender_slices,
        ..
    } = signed;
    drop(sender_slices);
    Ok(OpenedV2Message {
        sender: sender_address,
        sender_bundle: sender,
        sent_ns: header.created_ns,
        content: content.into(),
        id: message_id(payload),
        should_push: v2.should_push,
    })
}
