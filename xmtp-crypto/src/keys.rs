//! secp256k1 keys and ECDSA as XMTP uses them: 65-byte uncompressed public keys, RFC 6979
//! deterministic low-S recoverable signatures over 32-byte digests, and full-point ECDH.

use k256::ecdsa::{
    RecoveryId, Signature, SigningKey, VerifyingKey, signature::hazmat::PrehashVerifier,
};
use k256::elliptic_curve::Generate;
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::sec1::ToSec1Point;
use k256::{AffinePoint, ProjectivePoint};

use crate::error::{Error, Result};
use crate::secret::SecretBytes;

/// Length of an uncompressed SEC1 public key: `0x04 || X || Y`.
pub const PUBLIC_KEY_LEN: usize = 65;
/// Length of a private key scalar.
pub const PRIVATE_KEY_LEN: usize = 32;
/// Length of a compact signature `r || s`.
pub const SIGNATURE_LEN: usize = 64;

/// A secp256k1 private key. Zeroized on drop; `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct PrivateKey {
    signing: SigningKey,
    public: PublicKey,
}

impl PrivateKey {
    /// A fresh random key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let signing = SigningKey::generate_from_rng(&mut rand::rng());
        Self::from_signing(signing)
    }

    /// Parses a 32-byte big-endian scalar in `[1, n-1]`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != PRIVATE_KEY_LEN {
            return Err(Error::InvalidPrivateKey("must be 32 bytes"));
        }
        let signing = SigningKey::from_slice(bytes)
            .map_err(|_| Error::InvalidPrivateKey("zero or not below the curve order"))?;
        Ok(Self::from_signing(signing))
    }

    fn from_signing(signing: SigningKey) -> Self {
        let public = PublicKey::from_verifying(*signing.verifying_key());
        Self { signing, public }
    }

    /// The 32-byte big-endian scalar, in a container that zeroizes on drop.
    pub fn to_bytes(&self) -> SecretBytes {
        SecretBytes::new(self.signing.to_bytes().to_vec())
    }

    /// The matching public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Signs a 32-byte digest: RFC 6979 nonce (no extra entropy), low-S, with recovery id.
    ///
    /// Byte-identical to noble-secp256k1 1.7.1 `sign(digest, key, {recovered: true, der: false})`,
    /// which is what xmtp-js uses.
    pub fn sign_prehash(&self, digest: &[u8; 32]) -> RecoverableSignature {
        let (sig, recid) = self.signing.sign_prehash_recoverable(digest);
        let mut bytes = [0u8; SIGNATURE_LEN];
        bytes.copy_from_slice(&sig.to_bytes());
        RecoverableSignature {
            bytes,
            recovery: recid.to_byte(),
        }
    }

    /// ECDH returning the whole shared point `d * P` as 65 uncompressed bytes, which is what XMTP
    /// feeds into its KDFs (not the x-coordinate alone, and not hashed).
    pub fn ecdh_point(&self, peer: &PublicKey) -> SecretBytes {
        let scalar = *self.signing.as_nonzero_scalar().as_ref();
        let shared = (ProjectivePoint::from(peer.point) * scalar).to_affine();
        SecretBytes::new(shared.to_sec1_point(false).as_bytes().to_vec())
    }
}

impl core::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PrivateKey([redacted])")
    }
}

/// A secp256k1 public key, held with its 65-byte uncompressed encoding.
#[derive(Clone, Copy)]
pub struct PublicKey {
    point: AffinePoint,
    uncompressed: [u8; PUBLIC_KEY_LEN],
}

impl PublicKey {
    /// Parses exactly 65 bytes `0x04 || X || Y` of a point on the curve. Compressed or hybrid
    /// encodings, other lengths and off-curve points are refused.
    pub fn from_uncompressed(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != PUBLIC_KEY_LEN {
            return Err(Error::InvalidPublicKey("must be 65 bytes"));
        }
        if bytes[0] != 0x04 {
            return Err(Error::InvalidPublicKey(
                "must start with 0x04 (uncompressed)",
            ));
        }
        let key = k256::PublicKey::from_sec1_bytes(bytes)
            .map_err(|_| Error::InvalidPublicKey("not a point on secp256k1"))?;
        let mut uncompressed = [0u8; PUBLIC_KEY_LEN];
        uncompressed.copy_from_slice(bytes);
        Ok(Self {
            point: *key.as_affine(),
            uncompressed,
        })
    }

    fn from_verifying(key: VerifyingKey) -> Self {
        let point = *key.as_affine();
        let mut uncompressed = [0u8; PUBLIC_KEY_LEN];
        uncompressed.copy_from_slice(point.to_sec1_point(false).as_bytes());
        Self {
            point,
            uncompressed,
        }
    }

    /// The 65-byte uncompressed encoding.
    pub fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LEN] {
        &self.uncompressed
    }

    /// Verifies a compact signature over a 32-byte digest. High-S signatures are refused with
    /// [`Error::HighS`], as noble's `verify` with `strict: true` and libsecp256k1 refuse them.
    pub fn verify_prehash(&self, digest: &[u8; 32], signature: &[u8]) -> Result<()> {
        let sig = parse_signature(signature)?;
        if bool::from(sig.s().is_high()) {
            return Err(Error::HighS);
        }
        let key = VerifyingKey::from_affine(self.point)
            .map_err(|_| Error::InvalidPublicKey("identity point"))?;
        key.verify_prehash(digest, &sig)
            .map_err(|_| Error::BadSignature)
    }

    /// Recovers the signer's public key from a digest and a recoverable signature. High-S
    /// signatures are accepted here, as standard recovery does.
    pub fn recover_prehash(digest: &[u8; 32], signature: &RecoverableSignature) -> Result<Self> {
        if signature.recovery > 1 {
            return Err(Error::InvalidRecoveryId(signature.recovery));
        }
        let sig = parse_signature(&signature.bytes)?;
        let recid = RecoveryId::from_byte(signature.recovery)
            .ok_or(Error::InvalidRecoveryId(signature.recovery))?;
        let key = VerifyingKey::recover_from_prehash(digest, &sig, recid)
            .map_err(|_| Error::RecoveryFailed)?;
        Ok(Self::from_verifying(key))
    }

    /// The Ethereum address of this key: the last 20 bytes of `keccak256(X || Y)`.
    pub fn eth_address(&self) -> crate::eth::Address {
        crate::eth::Address::from_public_key(self)
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.uncompressed == other.uncompressed
    }
}

impl Eq for PublicKey {}

impl core::hash::Hash for PublicKey {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.uncompressed.hash(state);
    }
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PublicKey({})", hex::encode(self.uncompressed))
    }
}

fn parse_signature(bytes: &[u8]) -> Result<Signature> {
    if bytes.len() != SIGNATURE_LEN {
        return Err(Error::MalformedSignature("must be 64 bytes r || s"));
    }
    Signature::from_slice(bytes)
        .map_err(|_| Error::MalformedSignature("r or s is zero or not below the curve order"))
}

/// A compact ECDSA signature `r || s` with its recovery id (0 or 1 once low-S normalised).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecoverableSignature {
    /// `r || s`, 32 bytes each, big-endian.
    pub bytes: [u8; SIGNATURE_LEN],
    /// The recovery id: which of the candidate points `R` was used.
    pub recovery: u8,
}

impl RecoverableSignature {
    /// Builds one from protobuf fields, checking the length and that `recovery` is 0 or 1.
    pub fn from_parts(bytes: &[u8], recovery: u32) -> Result<Self> {
        let bytes: [u8; SIGNATURE_LEN] = bytes
            .try_into()
            .map_err(|_| Error::MalformedSignature("must be 64 bytes r || s"))?;
        let recovery =
            u8::try_from(recovery)
                .ok()
                .filter(|r| *r <= 1)
                .ok_or(Error::InvalidRecoveryId(
                    u8::try_from(recovery).unwrap_or(u8::MAX),
                ))?;
        Ok(Self { bytes, recovery })
    }

    /// Whether `s` is in the upper half of the order (such a signature will not verify).
    pub fn is_high_s(&self) -> bool {
        parse_signature(&self.bytes)
            .map(|s| bool::from(s.s().is_high()))
            .unwrap_or(false)
    }
}

impl core::fmt::Debug for RecoverableSignature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "RecoverableSignature({}, recovery={})",
            hex::encode(self.bytes),
            self.recovery
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::sha256;

    #[test]
    fn sign_verify_recover_round_trip() {
        let key = PrivateKey::generate();
        let digest = sha256(b"hello world!");
        let sig = key.sign_prehash(&digest);
        assert!(!sig.is_high_s());
        key.public_key()
            .verify_prehash(&digest, &sig.bytes)
            .unwrap();
        let recovered = PublicKey::recover_prehash(&digest, &sig).unwrap();
        assert_eq!(&recovered, key.public_key());
        let other = sha256(b"hello world?");
        assert_eq!(
            key.public_key().verify_prehash(&other, &sig.bytes),
            Err(Error::BadSignature)
        );
    }

    #[test]
    fn private_key_debug_is_redacted() {
        let key = PrivateKey::from_bytes(&[7u8; 32]).unwrap();
        assert_eq!(format!("{key:?}"), "PrivateKey([redacted])");
    }

    #[test]
    fn rejects_bad_private_keys() {
        assert!(PrivateKey::from_bytes(&[0u8; 32]).is_err());
        assert!(PrivateKey::from_bytes(&[0xffu8; 32]).is_err());
        assert!(PrivateKey::from_bytes(&[1u8; 31]).is_err());
        assert!(PrivateKey::from_bytes(&[1u8; 33]).is_err());
    }

    #[test]
    fn ecdh_is_symmetric_and_a_full_point() {
        let a = PrivateKey::generate();
        let b = PrivateKey::generate();
        let ab = a.ecdh_point(b.public_key());
        let ba = b.ecdh_point(a.public_key());
        assert_eq!(ab, ba);
        assert_eq!(ab.len(), 65);
        assert_eq!(ab.expose()[0], 0x04);
    }

    #[test]
    fn signature_parts_validation() {
        assert!(RecoverableSignature::from_parts(&[1u8; 64], 2).is_err());
        assert!(RecoverableSignature::from_parts(&[1u8; 63], 0).is_err());
        assert!(RecoverableSignature::from_parts(&[1u8; 64], 1).is_ok());
        assert_eq!(
            RecoverableSignature::from_parts(&[1u8; 64], 300),
            Err(Error::InvalidRecoveryId(255))
        );
    }
}
