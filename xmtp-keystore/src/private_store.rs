//! The private store (protocol.md §5): my private key bundle on the network's
//! `privatestore-<address>/key_bundle` topic, encrypted with the wallet's Enable-Identity
//! signature.

use rand::Rng as _;
use xmtp_crypto::{Address, SecretBytes, WalletSignature, encrypt};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

use crate::bundle::{DecodedPrivateKeyBundle, PrivateKeyBundle};
use crate::ciphertext::{ciphertext_to_proto, decrypt_proto};
use crate::error::{Error, Result};
use crate::identity::{SignatureRequest, SignatureRequestKind, check_wallet_signature};

/// The "Enable Identity" text for a `wallet_pre_key` (§5, TV-3).
pub fn enable_identity_text(wallet_pre_key: &[u8]) -> String {
    format!(
        "XMTP : Enable Identity\n{}\n\nFor more info: https://xmtp.org/signatures/",
        hex::encode(wallet_pre_key)
    )
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
