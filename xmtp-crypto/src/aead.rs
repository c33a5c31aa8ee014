//! The `Aes256gcmHkdfsha256` scheme: a per-message key `HKDF-SHA256(secret, salt, info = "")`,
//! then AES-256-GCM with a 12-byte nonce and optional associated data.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::Rng;

use crate::error::{Error, Result};
use crate::kdf::hkdf_sha256;

/// Length of the HKDF salt carried in each ciphertext.
pub const HKDF_SALT_LEN: usize = 32;
/// Length of the GCM nonce carried in each ciphertext.
pub const GCM_NONCE_LEN: usize = 12;
/// Length of the GCM authentication tag at the end of `payload`.
pub const GCM_TAG_LEN: usize = 16;

/// The three fields of an `Aes256gcmHkdfsha256` ciphertext; `payload` is `ciphertext || tag`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Ciphertext {
    /// Random salt for the key derivation.
    pub hkdf_salt: [u8; HKDF_SALT_LEN],
    /// Random AES-GCM nonce.
    pub gcm_nonce: [u8; GCM_NONCE_LEN],
    /// AES-GCM output with the 16-byte tag appended.
    pub payload: Vec<u8>,
}

impl Ciphertext {
    /// Builds one from protobuf fields, checking each length as xmtp-js's `Ciphertext` does.
    pub fn from_parts(hkdf_salt: &[u8], gcm_nonce: &[u8], payload: &[u8]) -> Result<Self> {
        let (hkdf_salt, gcm_nonce) = check_lengths(hkdf_salt, gcm_nonce, payload)?;
        Ok(Self {
            hkdf_salt,
            gcm_nonce,
            payload: payload.to_vec(),
        })
    }
}

/// The length rules of xmtp-js's `Ciphertext`: salt 32, nonce 12, payload at least the tag.
fn check_lengths(
    hkdf_salt: &[u8],
    gcm_nonce: &[u8],
    payload: &[u8],
) -> Result<([u8; HKDF_SALT_LEN], [u8; GCM_NONCE_LEN])> {
    let salt = hkdf_salt.try_into().map_err(|_| Error::InvalidCiphertext {
        field: "hkdf_salt",
        expected: HKDF_SALT_LEN,
        actual: hkdf_salt.len(),
    })?;
    let nonce = gcm_nonce.try_into().map_err(|_| Error::InvalidCiphertext {
        field: "gcm_nonce",
        expected: GCM_NONCE_LEN,
        actual: gcm_nonce.len(),
    })?;
    if payload.len() < GCM_TAG_LEN {
        return Err(Error::InvalidCiphertext {
            field: "payload",
            expected: GCM_TAG_LEN,
            actual: payload.len(),
        });
    }
    Ok((salt, nonce))
}

/// Encrypts with a fresh random salt and nonce.
pub fn encrypt(secret: &[u8], plaintext: &[u8], aad: &[u8]) -> Ciphertext {
    let mut rng = rand::rng();
    let mut hkdf_salt = [0u8; HKDF_SALT_LEN];
    let mut gcm_nonce = [0u8; GCM_NONCE_LEN];
    rng.fill_bytes(&mut hkdf_salt);
    rng.fill_bytes(&mut gcm_nonce);
    encrypt_with(secret, plaintext, aad, hkdf_salt, gcm_nonce)
}

/// Encrypts with a caller-chosen salt and nonce. Only for known-answer tests and reproducing
/// recorded ciphertexts: reusing a salt and nonce under one secret breaks AES-GCM.
pub fn encrypt_with(
    secret: &[u8],
    plaintext: &[u8],
    aad: &[u8],
    hkdf_salt: [u8; HKDF_SALT_LEN],
    gcm_nonce: [u8; GCM_NONCE_LEN],
) -> Ciphertext {
    let key = hkdf_sha256(secret, &hkdf_salt, b"");
    let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key.expose()));
    let payload = cipher
        .encrypt(
            &Nonce::from(gcm_nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        // AES-GCM encryption fails only for plaintexts over 64 GiB, which no caller sends.
        .unwrap_or_default();
    Ciphertext {
        hkdf_salt,
        gcm_nonce,
        payload,
    }
}

/// Decrypts and authenticates. Any tampering with salt, nonce, payload or `aad`, or a wrong
/// secret, gives [`Error::DecryptionFailed`].
pub fn decrypt(secret: &[u8], ciphertext: &Ciphertext, aad: &[u8]) -> Result<Vec<u8>> {
    decrypt_parts(
        secret,
        &ciphertext.hkdf_salt,
        &ciphertext.gcm_nonce,
        &ciphertext.payload,
        aad,
    )
}

/// [`decrypt`] straight from protobuf fields, without copying the payload first.
pub fn decrypt_parts(
    secret: &[u8],
    hkdf_salt: &[u8],
    gcm_nonce: &[u8],
    payload: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>> {
    let (_, nonce) = check_lengths(hkdf_salt, gcm_nonce, payload)?;
    let key = hkdf_sha256(secret, hkdf_salt, b"");
    let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key.expose()));
    cipher
        .decrypt(&Nonce::from(nonce), Payload { msg: payload, aad })
        .map_err(|_| Error::DecryptionFailed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let ct = encrypt(b"secret", b"hello", b"aad");
        assert_eq!(decrypt(b"secret", &ct, b"aad").unwrap(), b"hello");
        assert_eq!(
            decrypt(b"secret", &ct, b"aaD"),
            Err(Error::DecryptionFailed)
        );
        assert_eq!(
            decrypt(b"secreT", &ct, b"aad"),
            Err(Error::DecryptionFailed)
        );
        let mut bad = ct.clone();
        bad.hkdf_salt[0] ^= 1;
        assert_eq!(
            decrypt(b"secret", &bad, b"aad"),
            Err(Error::DecryptionFailed)
        );
        let mut bad = ct.clone();
        bad.gcm_nonce[11] ^= 1;
        assert_eq!(
            decrypt(b"secret", &bad, b"aad"),
            Err(Error::DecryptionFailed)
        );
        let mut bad = ct;
        bad.payload[0] ^= 1;
        assert_eq!(
            decrypt(b"secret", &bad, b"aad"),
            Err(Error::DecryptionFailed)
        );
    }

    #[test]
    fn length_checks() {
        assert!(matches!(
            decrypt_parts(b"s", &[0; 31], &[0; 12], &[0; 16], b""),
            Err(Error::InvalidCiphertext {
                field: "hkdf_salt",
                ..
            })
        ));
        assert!(matches!(
            decrypt_parts(b"s", &[0; 32], &[0; 13], &[0; 16], b""),
            Err(Error::InvalidCiphertext {
                field: "gcm_nonce",
                ..
            })
        ));
        assert!(matches!(
            decrypt_parts(b"s", &[0; 32], &[0; 12], &[0; 15], b""),
            Err(Error::InvalidCiphertext {
                field: "payload",
                ..
            })
        ));
        assert!(Ciphertext::from_parts(&[0; 32], &[0; 12], &[0; 16]).is_ok());
        assert!(Ciphertext::from_parts(&[0; 32], &[0; 11], &[0; 16]).is_err());
    }
}
