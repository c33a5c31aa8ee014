//! HKDF-SHA256 and HMAC-SHA256.

use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::secret::SecretKey32;

/// HKDF-SHA256 with the given salt and info, 32 bytes of output. An empty salt is equivalent to
/// no salt (RFC 5869 pads the HMAC key with zeros either way).
pub fn hkdf_sha256(ikm: &[u8], salt: &[u8], info: &[u8]) -> SecretKey32 {
    let mut okm = [0u8; 32];
    // 32 bytes is far below HKDF's 255 * 32 limit, so expansion cannot fail.
    if Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, &mut okm)
        .is_err()
    {
        unreachable_len();
    }
    SecretKey32::new(okm)
}

#[cold]
fn unreachable_len() {
    debug_assert!(false, "HKDF output length of 32 is always valid");
}

/// HMAC-SHA256 of `data` under `key` (any key length is valid for HMAC).
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    hmac_sha256_parts(key, &[data])
}

/// HMAC-SHA256 over the concatenation of `parts`.
pub fn hmac_sha256_parts(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| {
        // HMAC accepts keys of every length; this branch is never taken.
        <Hmac<Sha256> as KeyInit>::new(&Default::default())
    });
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Checks an HMAC-SHA256 tag in constant time.
pub fn hmac_sha256_verify(key: &[u8], data: &[u8], tag: &[u8]) -> bool {
    crate::secret::ct_eq(&hmac_sha256(key, data), tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5869_case_1() {
        let ikm = [0x0bu8; 22];
        let salt = hex::decode("000102030405060708090a0b0c").unwrap();
        let info = hex::decode("f0f1f2f3f4f5f6f7f8f9").unwrap();
        let okm = hkdf_sha256(&ikm, &salt, &info);
        assert_eq!(
            hex::encode(okm.expose()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
        );
    }

    #[test]
    fn rfc4231_case_2() {
        let tag = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(hmac_sha256_verify(
            b"Jefe",
            b"what do ya want for nothing?",
            &tag
        ));
        assert!(!hmac_sha256_verify(
            b"Jefe",
            b"what do ya want for nothing!",
            &tag
        ));
    }

    #[test]
    fn empty_salt_equals_zero_salt() {
        assert_eq!(
            hkdf_sha256(b"ikm", b"", b"info"),
            hkdf_sha256(b"ikm", &[0u8; 32], b"info")
        );
    }
}
