//! The one error type of this crate.

/// Everything that can go wrong in `xmtp-crypto`. Every failure on untrusted input is one of these;
/// nothing in this crate panics on bad bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A public key was not a 65-byte uncompressed SEC1 point on secp256k1.
    #[error("invalid public key: {0}")]
    InvalidPublicKey(&'static str),
    /// A private key was not a 32-byte scalar in `[1, n-1]`.
    #[error("invalid private key: {0}")]
    InvalidPrivateKey(&'static str),
    /// A signature was malformed: wrong length, zero or out-of-range `r` or `s`.
    #[error("malformed signature: {0}")]
    MalformedSignature(&'static str),
    /// A recovery id outside the accepted set (0 or 1 for XMTP keys; 0, 1, 27 or 28 for wallets).
    #[error("invalid recovery id {0}")]
    InvalidRecoveryId(u8),
    /// A signature with `s > n/2`; XMTP verifiers accept low-S signatures only.
    #[error("signature is not low-S normalised")]
    HighS,
    /// The signature does not verify under the given key and digest.
    #[error("signature verification failed")]
    BadSignature,
    /// No public key could be recovered from the signature and digest.
    #[error("public key recovery failed")]
    RecoveryFailed,
    /// An Ethereum address string that is not `0x` followed by 40 hex digits.
    #[error("invalid Ethereum address: {0}")]
    InvalidAddress(&'static str),
    /// A mixed-case Ethereum address whose EIP-55 checksum is wrong.
    #[error("Ethereum address checksum mismatch (EIP-55)")]
    AddressChecksum,
    /// A ciphertext field has the wrong length.
    #[error("invalid ciphertext: {field} must be {expected} bytes, got {actual}")]
    InvalidCiphertext {
        /// Which field: `hkdf_salt`, `gcm_nonce` or `payload`.
        field: &'static str,
        /// The required length (the minimum for `payload`).
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// AES-GCM authentication failed: wrong key, or tampered ciphertext, nonce, salt or AAD.
    #[error("decryption failed: authentication tag mismatch")]
    DecryptionFailed,
    /// Input that must be hex was not.
    #[error("invalid hex: {0}")]
    InvalidHex(&'static str),
}

impl Error {
    /// Whether repeating the same call could succeed. Cryptographic failures are deterministic, so
    /// never; the method exists so that every crate's error answers the same question the same way.
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
