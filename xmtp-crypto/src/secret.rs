//! Containers for secret bytes: zeroized on drop, redacted in `Debug`, compared in constant time.

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Secret bytes of any length (key material, shared secrets, wallet signatures used as keys).
///
/// There is deliberately no `Display`, no serde, and `Debug` prints `[redacted]`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    /// Takes ownership of `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// Copies `bytes`.
    pub fn from_slice(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }

    /// The secret bytes. Callers must not copy them into memory that is not zeroized.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl core::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretBytes([redacted])")
    }
}

impl PartialEq for SecretBytes {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for SecretBytes {}

impl From<Vec<u8>> for SecretBytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

/// A 32-byte secret key (an AES key, an HKDF output, an HMAC key).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey32([u8; 32]);

impl SecretKey32 {
    /// Wraps 32 secret bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Copies a 32-byte slice; any other length is refused.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(Self)
    }

    /// The secret bytes.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl core::fmt::Debug for SecretKey32 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretKey32([redacted])")
    }
}

impl PartialEq for SecretKey32 {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for SecretKey32 {}

/// Constant-time equality of two byte strings (lengths are not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = SecretBytes::from_slice(&[0xab; 4]);
        let k = SecretKey32::new([0xcd; 32]);
        assert_eq!(format!("{s:?}"), "SecretBytes([redacted])");
        assert!(!format!("{k:?}").contains("cd"));
        assert!(!format!("{k:?}").contains("205"));
    }

    #[test]
    fn equality() {
        assert_eq!(
            SecretBytes::from_slice(b"abc"),
            SecretBytes::from_slice(b"abc")
        );
        assert_ne!(
            SecretBytes::from_slice(b"abc"),
            SecretBytes::from_slice(b"abd")
        );
        assert_ne!(
            SecretBytes::from_slice(b"abc"),
            SecretBytes::from_slice(b"ab")
        );
        assert!(SecretKey32::from_slice(&[0; 31]).is_none());
    }
}
