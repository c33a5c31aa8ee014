//! The `Ciphertext` message (protocol.md §4) around xmtp-crypto's AES-256-GCM/HKDF scheme,
//! shared by every sealed payload: invitations, v1 and v2 messages, private preferences, the
//! private-store bundle and our export blobs.

use xmtp_crypto::decrypt_parts;
use xmtp_proto::message_contents as pb;

use crate::error::{Error, Result};

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
