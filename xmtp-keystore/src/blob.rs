//! Versioned encrypted blobs (`"XMTPKS" || version || kind || Ciphertext`): key and
//! conversation export, and the local keystore's state file.

use xmtp_crypto::{Address, SecretBytes, encrypt};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

use crate::bundle::PrivateKeyBundle;
use crate::ciphertext::{ciphertext_to_proto, decrypt_proto};
use crate::error::{Error, Result};
use crate::invitation::ConversationStore;
use crate::wipe::Wiped;

/// What a [`seal_blob`] holds, so one kind can never be opened as another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlobKind {
    /// An encoded `PrivateKeyBundle` (key export).
    PrivateKeyBundle = 1,
    /// An encoded `keystore_api.v1.TopicMap` (conversation export).
    TopicMap = 2,
    /// The local keystore's state.
    LocalState = 3,
}

const BLOB_MAGIC: &[u8; 6] = b"XMTPKS";
/// Current blob format version.
pub const BLOB_VERSION: u8 = 1;

/// Encrypts `plaintext` into a versioned blob: `"XMTPKS" || version || kind || Ciphertext`, the
/// 8-byte header bound in as associated data. `secret` is any high-entropy key (the identity-key
/// derived key, or a wallet signature).
pub fn seal_blob(kind: BlobKind, secret: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let header = blob_header(kind, BLOB_VERSION);
    let ciphertext = ciphertext_to_proto(&encrypt(secret, plaintext, &header));
    let mut out = header.to_vec();
    out.extend_from_slice(&ciphertext.encode_to_vec());
    out
}

fn blob_header(kind: BlobKind, version: u8) -> [u8; 8] {
    let mut h = [0u8; 8];
    h[..6].copy_from_slice(BLOB_MAGIC);
    h[6] = version;
    h[7] = kind as u8;
    h
}

/// Opens a [`seal_blob`] output of the given kind; a wrong kind, unknown version, truncation or
/// any tampering is an error.
pub fn open_blob(kind: BlobKind, secret: &[u8], blob: &[u8]) -> Result<SecretBytes> {
    if blob.len() < 8 || &blob[..6] != BLOB_MAGIC {
        return Err(Error::Corrupt("not an xmtp-keystore blob"));
    }
    if blob[6] != BLOB_VERSION {
        return Err(Error::Corrupt("unknown blob format version"));
    }
    if blob[7] != kind as u8 {
        return Err(Error::Corrupt("blob holds another kind of data"));
    }
    let ciphertext: pb::Ciphertext = xmtp_proto::decode(&blob[8..])?;
    Ok(SecretBytes::new(decrypt_proto(
        secret,
        &ciphertext,
        &blob[..8],
    )?))
}

/// Exports a private key bundle as an encrypted blob (the `Client.getKeys` bytes, sealed).
pub fn export_bundle(bundle: &PrivateKeyBundle, secret: &[u8]) -> Vec<u8> {
    seal_blob(BlobKind::PrivateKeyBundle, secret, bundle.encode().expose())
}

/// Imports a bundle exported with [`export_bundle`].
pub fn import_bundle(blob: &[u8], secret: &[u8]) -> Result<PrivateKeyBundle> {
    PrivateKeyBundle::decode(open_blob(BlobKind::PrivateKeyBundle, secret, blob)?.expose())
}

/// Exports v2 conversation topic data (topics and their keys) as an encrypted blob of kind
/// [`BlobKind::TopicMap`] holding the JS-compatible `keystore_api.v1.TopicMap`, so another
/// installation of the same identity reads every conversation without the network.
///
/// `secret` is any high-entropy key both sides hold (e.g. derived from the identity key). The
/// blob carries the format version; [`import_conversations`] refuses a wrong key, another blob
/// kind, an unknown version and any tampering.
pub fn export_conversations(conversations: &ConversationStore, secret: &[u8]) -> Vec<u8> {
    let map = Wiped::new(conversations.to_topic_map());
    let plaintext = SecretBytes::new(map.encode_to_vec());
    seal_blob(BlobKind::TopicMap, secret, plaintext.expose())
}

/// Imports conversations exported with [`export_conversations`] for the identity `me`.
pub fn import_conversations(blob: &[u8], secret: &[u8], me: Address) -> Result<ConversationStore> {
    let plaintext = open_blob(BlobKind::TopicMap, secret, blob)?;
    let map = Wiped::new(xmtp_proto::decode(plaintext.expose())?);
    ConversationStore::from_topic_map(me, &map)
}
