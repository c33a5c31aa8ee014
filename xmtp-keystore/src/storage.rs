//! The private key bundle stored on the network, encrypted with the wallet's Enable-Identity
//! signature (protocol.md §5), and versioned encrypted blobs for key export.

use rand::Rng as _;
use xmtp_crypto::{Address, SecretBytes, WalletSignature, decrypt_parts, encrypt};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

use crate::bundle::{DecodedPrivateKeyBundle, PrivateKeyBundle};
use crate::error::{Error, Result};
use crate::identity::{SignatureRequest, SignatureRequestKind, check_wallet_signature};
use crate::invitation::ConversationStore;
use crate::wipe::Wiped;

/// The "Enable Identity" text for a `wallet_pre_key` (§5, TV-3).
pub fn enable_identity_text(wallet_pre_key: &[u8]) -> String {
    format!(
        "XMTP : Enable Identity\n{}\n\nFor more info: https://xmtp.org/signatures/",
        hex::encode(wallet_pre_key)
    )
}

/// The `Ciphertext` message (§4) of an AES-256-GCM/HKDF ciphertext.
pub fn ciphertext_to_proto(c: &xmtp_crypto::Ciphertext) -> pb::Ciphertext {
    pb::Ciphertext {
        union: Some(pb::ciphertext::Union::Aes256GcmHkdfSha256(
            pb::ciphertext::Aes256gcmHkdfsha256 {
                hkdf_salt: c.hkdf_salt.to_vec(),
                gcm_nonce: c.gcm_nonce.to_vec(),
                payload: c.payload.clone(),
            },
        )),
    }
}

/// Decrypts a `Ciphertext` message (§4).
pub(crate) fn decrypt_proto(secret: &[u8], c: &pb::Ciphertext, aad: &[u8]) -> Result<Vec<u8>> {
    let Some(pb::ciphertext::Union::Aes256GcmHkdfSha256(c)) = &c.union else {
        return Err(Error::MissingField("Ciphertext.aes256_gcm_hkdf_sha256"));
    };
    Ok(decrypt_parts(
        secret,
        &c.hkdf_salt,
        &c.gcm_nonce,
        &c.payload,
        aad,
    )?)
}

/// Storing my bundle on the network: holds a fresh random `wallet_pre_key` and waits for the
/// wallet's Enable-Identity signature over it.
#[derive(Debug)]
pub struct KeyStorageRequest {
    bundle: PrivateKeyBundle,
    wallet_pre_key: [u8; 32],
    request: SignatureRequest,
}

impl KeyStorageRequest {
    /// Starts storing `bundle`.
    pub fn new(bundle: PrivateKeyBundle) -> Self {
        let mut wallet_pre_key = [0u8; 32];
        rand::rng().fill_bytes(&mut wallet_pre_key);
        Self::with_wallet_pre_key(bundle, wallet_pre_key)
    }

    /// As [`KeyStorageRequest::new`] with a chosen `wallet_pre_key` (known-answer tests).
    pub fn with_wallet_pre_key(bundle: PrivateKeyBundle, wallet_pre_key: [u8; 32]) -> Self {
        let request = SignatureRequest {
            kind: SignatureRequestKind::EnableIdentity,
            text: enable_identity_text(&wallet_pre_key),
        };
        Self {
            bundle,
            wallet_pre_key,
            request,
        }
    }

    /// The Enable-Identity text for the wallet.
    pub fn request(&self) -> &SignatureRequest {
        &self.request
    }

    /// Checks the signature is the bundle's wallet's, then returns the encoded
    /// `EncryptedPrivateKeyBundle{v1}` to publish on the private-store topic. The signature is
    /// used with `v` in {27, 28}, the form every SDK can open.
    pub fn finish(&self, signature: &[u8]) -> Result<Vec<u8>> {
        let signature =
            check_wallet_signature(self.bundle.wallet_address(), &self.request.text, signature)?;
        let ciphertext = encrypt(
            signature.to_bytes_v27().expose(),
            self.bundle.encode().expose(),
            b"",
        );
        Ok(pb::EncryptedPrivateKeyBundle {
            version: Some(pb::encrypted_private_key_bundle::Version::V1(
                pb::EncryptedPrivateKeyBundleV1 {
                    wallet_pre_key: self.wallet_pre_key.to_vec(),
                    ciphertext: Some(ciphertext_to_proto(&ciphertext)),
                },
            )),
        }
        .encode_to_vec())
    }
}

/// A stored `EncryptedPrivateKeyBundle` read back from the network, waiting for the wallet's
/// Enable-Identity signature to open it.
#[derive(Debug, Clone)]
pub struct EncryptedPrivateKeyBundle {
    inner: pb::EncryptedPrivateKeyBundleV1,
    bare: bool,
    request: SignatureRequest,
}

fn usable(v1: &pb::EncryptedPrivateKeyBundleV1) -> bool {
    let salt_ok = matches!(
        &v1.ciphertext,
        Some(pb::Ciphertext {
            union: Some(pb::ciphertext::Union::Aes256GcmHkdfSha256(c))
        }) if c.hkdf_salt.len() == xmtp_crypto::HKDF_SALT_LEN
    );
    v1.wallet_pre_key.len() == 32 && salt_ok
}

impl EncryptedPrivateKeyBundle {
    /// Decodes the versioned container, or the older bare `EncryptedPrivateKeyBundleV1`
    /// (flagged as needing a re-save), checking the fields are sane (§13 item 10).
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        use pb::encrypted_private_key_bundle::Version;
        let (inner, bare) = match xmtp_proto::decode::<pb::EncryptedPrivateKeyBundle>(bytes) {
            Ok(pb::EncryptedPrivateKeyBundle {
                version: Some(Version::V1(v1)),
            }) if usable(&v1) => (v1, false),
            wrapped => match xmtp_proto::decode::<pb::EncryptedPrivateKeyBundleV1>(bytes) {
                Ok(v1) if usable(&v1) => (v1, true),
                _ => {
                    wrapped?;
                    return Err(Error::Invalid("EncryptedPrivateKeyBundle"));
                }
            },
        };
        let request = SignatureRequest {
            kind: SignatureRequestKind::EnableIdentity,
            text: enable_identity_text(&inner.wallet_pre_key),
        };
        Ok(Self {
            inner,
            bare,
            request,
        })
    }

    /// The Enable-Identity text the wallet must sign again (this relies on the wallet signing
    /// deterministically, as every SDK does).
    pub fn request(&self) -> &SignatureRequest {
        &self.request
    }

    /// Opens it with the wallet's signature after checking it recovers to `wallet`. Tries the
    /// signature with `v` as given and in the other form (27/28 vs 0/1), as JS does. The result
    /// says whether anything was in an old format and should be stored again.
    pub fn decrypt(&self, wallet: Address, signature: &[u8]) -> Result<DecodedPrivateKeyBundle> {
        let parsed = check_wallet_signature(wallet, &self.request.text, signature)?;
        let ciphertext = self.inner.ciphertext.as_ref().ok_or(Error::MissingField(
            "EncryptedPrivateKeyBundleV1.ciphertext",
        ))?;
        let as_given = SecretBytes::from_slice(signature);
        let flipped = flip_v(&parsed, signature);
        let plaintext = SecretBytes::new(
            decrypt_proto(as_given.expose(), ciphertext, b"")
                .or_else(|_| decrypt_proto(flipped.expose(), ciphertext, b""))?,
        );
        let mut decoded = PrivateKeyBundle::decode_any(plaintext.expose())?;
        if decoded.bundle.wallet_address() != wallet {
            return Err(Error::WrongSigner {
                expected: wallet.to_string(),
                actual: decoded.bundle.wallet_address().to_string(),
            });
        }
        decoded.needs_resave |= self.bare;
        Ok(decoded)
    }
}

/// The same signature with the other `v` convention.
fn flip_v(parsed: &WalletSignature, given: &[u8]) -> SecretBytes {
    if given.last().is_some_and(|v| *v >= 27) {
        parsed.to_bytes_v0()
    } else {
        parsed.to_bytes_v27()
    }
}

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
