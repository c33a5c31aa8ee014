//! Public keys, signatures and bundles in both the legacy (v1) and the signed (v2) form, with the
//! conversions and checks of protocol.md §3.

use xmtp_crypto::{Address, PublicKey, RecoverableSignature, eip191_hash, sha256};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

use crate::error::{Error, Result};

/// A `created_ns` below this holds milliseconds: the key was converted from a legacy key
/// (protocol.md §3.4).
pub const LEGACY_NS_THRESHOLD: u64 = 1_000_000_000_000_000_000;

/// The "Create Identity" text a wallet signs over an identity key's bytes-to-sign (§3.2).
pub fn create_identity_text(key_bytes: &[u8]) -> String {
    format!(
        "XMTP : Create Identity\n{}\n\nFor more info: https://xmtp.org/signatures/",
        hex::encode(key_bytes)
    )
}

/// A `Signature` message: which oneof arm it sits in matters (§13 item 1).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeySignature {
    /// `ecdsa_compact`: an XMTP key's signature (or a wallet's, in the legacy identity slot).
    Ecdsa(RecoverableSignature),
    /// `wallet_ecdsa_compact`: a wallet's EIP-191 signature.
    Wallet(RecoverableSignature),
}

impl KeySignature {
    /// Parses a `Signature`, checking 64 bytes and a recovery id of 0 or 1.
    pub fn from_proto(sig: &pb::Signature) -> Result<Self> {
        use pb::signature::Union;
        match &sig.union {
            Some(Union::EcdsaCompact(s)) => Ok(Self::Ecdsa(RecoverableSignature::from_parts(
                &s.bytes, s.recovery,
            )?)),
            Some(Union::WalletEcdsaCompact(s)) => Ok(Self::Wallet(
                RecoverableSignature::from_parts(&s.bytes, s.recovery)?,
            )),
            None => Err(Error::MissingField("Signature.union")),
        }
    }

    /// The `Signature` message.
    pub fn to_proto(&self) -> pb::Signature {
        use pb::signature::{EcdsaCompact, Union, WalletEcdsaCompact};
        let union = match self {
            Self::Ecdsa(s) => Union::EcdsaCompact(EcdsaCompact {
                bytes: s.bytes.to_vec(),
                recovery: u32::from(s.recovery),
            }),
            Self::Wallet(s) => Union::WalletEcdsaCompact(WalletEcdsaCompact {
                bytes: s.bytes.to_vec(),
                recovery: u32::from(s.recovery),
            }),
        };
        pb::Signature { union: Some(union) }
    }

    /// The signature, whichever slot it is in.
    pub fn inner(&self) -> &RecoverableSignature {
        match self {
            Self::Ecdsa(s) | Self::Wallet(s) => s,
        }
    }

    /// Verifies an `ecdsa_compact` signature by an XMTP key (low-S only) over `digest`.
    pub fn verify_by_key(&self, key: &PublicKey, digest: &[u8; 32]) -> Result<()> {
        match self {
            Self::Ecdsa(s) => Ok(key.verify_prehash(digest, &s.bytes)?),
            Self::Wallet(_) => Err(Error::NotKeySigned),
        }
    }

    /// Signs `digest` with an XMTP key (`ecdsa_compact`).
    pub fn sign(key: &xmtp_crypto::PrivateKey, digest: &[u8; 32]) -> Self {
        Self::Ecdsa(key.sign_prehash(digest))
    }
}

/// Recovers the wallet that signed the Create-Identity text over `key_bytes`.
fn recover_wallet(key_bytes: &[u8], sig: &RecoverableSignature) -> Result<Address> {
    let digest = eip191_hash(create_identity_text(key_bytes).as_bytes());
    Ok(PublicKey::recover_prehash(&digest, sig)?.eth_address())
}

fn parse_key(bytes: &[u8]) -> Result<PublicKey> {
    Ok(PublicKey::from_uncompressed(bytes)?)
}

/// A legacy `PublicKey`: millisecond timestamp, key, optional signature.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LegacyPublicKey {
    /// Creation time in milliseconds.
    pub timestamp_ms: u64,
    /// The secp256k1 key.
    pub key: PublicKey,
    /// Wallet signature (identity keys) or identity-key signature (pre-keys).
    pub signature: Option<KeySignature>,
}

impl LegacyPublicKey {
    /// Parses a `PublicKey`. A `wallet_ecdsa_compact` is moved to `ecdsa_compact`, as the JS
    /// constructor does for keys written by an old Flutter SDK.
    pub fn from_proto(key: &pb::PublicKey) -> Result<Self> {
        let Some(pb::public_key::Union::Secp256k1Uncompressed(k)) = &key.union else {
            return Err(Error::MissingField("PublicKey.secp256k1_uncompressed"));
        };
        let signature = match &key.signature {
            Some(s) => Some(KeySignature::Ecdsa(*KeySignature::from_proto(s)?.inner())),
            None => None,
        };
        Ok(Self {
            timestamp_ms: key.timestamp,
            key: parse_key(&k.bytes)?,
            signature,
        })
    }

    /// The `PublicKey` message.
    pub fn to_proto(&self) -> pb::PublicKey {
        pb::PublicKey {
            timestamp: self.timestamp_ms,
            signature: self.signature.map(|s| s.to_proto()),
            union: Some(pb::public_key::Union::Secp256k1Uncompressed(
                pb::public_key::Secp256k1Uncompressed {
                    bytes: self.key.as_bytes().to_vec(),
                },
            )),
        }
    }

    /// `PublicKey{timestamp, key}` encoded without the signature: what gets signed (§3.2).
    pub fn bytes_to_sign(&self) -> Vec<u8> {
        pb::PublicKey {
            signature: None,
            ..self.to_proto()
        }
        .encode_to_vec()
    }

    /// The wallet address that signed this identity key (either signature slot).
    pub fn wallet_address(&self) -> Result<Address> {
        let sig = self
            .signature
            .ok_or(Error::MissingField("PublicKey.signature"))?;
        recover_wallet(&self.bytes_to_sign(), sig.inner())
    }

    /// The v2 view (§3.5): `key_bytes` = bytes-to-sign; an identity key's signature moves to
    /// `wallet_ecdsa_compact`.
    pub fn to_signed(&self, signed_by_wallet: bool) -> Result<SignedPublicKey> {
        let sig = *self
            .signature
            .ok_or(Error::MissingField("PublicKey.signature"))?
            .inner();
        Ok(SignedPublicKey {
            key_bytes: self.bytes_to_sign(),
            created_ns: self.timestamp_ms,
            key: self.key,
            signature: if signed_by_wallet {
                KeySignature::Wallet(sig)
            } else {
                KeySignature::Ecdsa(sig)
            },
        })
    }
}

/// A `SignedPublicKey`: the signed `key_bytes` kept verbatim, and their decoded content.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SignedPublicKey {
    key_bytes: Vec<u8>,
    created_ns: u64,
    key: PublicKey,
    signature: KeySignature,
}

impl SignedPublicKey {
    /// Parses a `SignedPublicKey`, decoding its `key_bytes` as an `UnsignedPublicKey`.
    pub fn from_proto(key: &pb::SignedPublicKey) -> Result<Self> {
        let unsigned: pb::UnsignedPublicKey = xmtp_proto::decode(&key.key_bytes)?;
        let Some(pb::unsigned_public_key::Union::Secp256k1Uncompressed(k)) = &unsigned.union else {
            return Err(Error::MissingField(
                "UnsignedPublicKey.secp256k1_uncompressed",
            ));
        };
        let signature = key
            .signature
            .as_ref()
            .ok_or(Error::MissingField("SignedPublicKey.signature"))?;
        Ok(Self {
            key_bytes: key.key_bytes.clone(),
            created_ns: unsigned.created_ns,
            key: parse_key(&k.bytes)?,
            signature: KeySignature::from_proto(signature)?,
        })
    }

    /// Builds one for a fresh key and signs it later with [`SignedPublicKey::with_signature`].
    pub(crate) fn unsigned_bytes(created_ns: u64, key: &PublicKey) -> Vec<u8> {
        pb::UnsignedPublicKey {
            created_ns,
            union: Some(pb::unsigned_public_key::Union::Secp256k1Uncompressed(
                pb::unsigned_public_key::Secp256k1Uncompressed {
                    bytes: key.as_bytes().to_vec(),
                },
            )),
        }
        .encode_to_vec()
    }

    pub(crate) fn with_signature(created_ns: u64, key: PublicKey, signature: KeySignature) -> Self {
        Self {
            key_bytes: Self::unsigned_bytes(created_ns, &key),
            created_ns,
            key,
            signature,
        }
    }

    /// The `SignedPublicKey` message.
    pub fn to_proto(&self) -> pb::SignedPublicKey {
        pb::SignedPublicKey {
            key_bytes: self.key_bytes.clone(),
            signature: Some(self.signature.to_proto()),
        }
    }

    /// The signed bytes (an encoded `UnsignedPublicKey`).
    pub fn key_bytes(&self) -> &[u8] {
        &self.key_bytes
    }

    /// `created_ns` as written: milliseconds for legacy-derived keys (see
    /// [`SignedPublicKey::is_legacy_derived`]).
    pub fn created_ns(&self) -> u64 {
        self.created_ns
    }

    /// The secp256k1 key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// The signature over `key_bytes`.
    pub fn signature(&self) -> &KeySignature {
        &self.signature
    }

    /// Whether `created_ns` holds milliseconds, i.e. the key came from a legacy key.
    pub fn is_legacy_derived(&self) -> bool {
        self.created_ns < LEGACY_NS_THRESHOLD
    }

    /// The wallet that signed this identity key; needs a `wallet_ecdsa_compact` signature.
    pub fn wallet_address(&self) -> Result<Address> {
        match &self.signature {
            KeySignature::Wallet(sig) => recover_wallet(&self.key_bytes, sig),
            KeySignature::Ecdsa(_) => Err(Error::NotWalletSigned),
        }
    }

    /// Checks that `other` (a pre-key) carries this key's `ecdsa_compact` signature over
    /// `SHA-256(other.key_bytes)`.
    pub fn verify_key(&self, other: &SignedPublicKey) -> Result<()> {
        other
            .signature
            .verify_by_key(&self.key, &sha256(&other.key_bytes))
            .map_err(|e| match e {
                Error::NotKeySigned => e,
                _ => Error::PreKeyNotSigned,
            })
    }

    /// The legacy form (§3.5): allowed only for legacy-derived keys; a wallet signature moves to
    /// `ecdsa_compact`.
    pub fn to_legacy(&self) -> Result<LegacyPublicKey> {
        if !self.is_legacy_derived() {
            return Err(Error::NotLegacyKey);
        }
        Ok(self.as_legacy_unchecked())
    }

    /// The legacy form without the timestamp rule: `PublicKey{timestamp = created_ns}` encodes to
    /// the same bytes-to-sign, so the wallet signature still recovers (used by auth tokens).
    pub(crate) fn as_legacy_unchecked(&self) -> LegacyPublicKey {
        LegacyPublicKey {
            timestamp_ms: self.created_ns,
            key: self.key,
            signature: Some(KeySignature::Ecdsa(*self.signature.inner())),
        }
    }
}

/// A legacy `PublicKeyBundle` (v1 contacts and v1 message headers).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PublicKeyBundle {
    /// Wallet-signed identity key.
    pub identity_key: LegacyPublicKey,
    /// Pre-key signed by the identity key.
    pub pre_key: LegacyPublicKey,
}

impl PublicKeyBundle {
    /// Parses a `PublicKeyBundle`; both keys are required.
    pub fn from_proto(bundle: &pb::PublicKeyBundle) -> Result<Self> {
        Ok(Self {
            identity_key: LegacyPublicKey::from_proto(
                bundle
                    .identity_key
                    .as_ref()
                    .ok_or(Error::MissingField("PublicKeyBundle.identity_key"))?,
            )?,
            pre_key: LegacyPublicKey::from_proto(
                bundle
                    .pre_key
                    .as_ref()
                    .ok_or(Error::MissingField("PublicKeyBundle.pre_key"))?,
            )?,
        })
    }

    /// The `PublicKeyBundle` message.
    pub fn to_proto(&self) -> pb::PublicKeyBundle {
        pb::PublicKeyBundle {
            identity_key: Some(self.identity_key.to_proto()),
            pre_key: Some(self.pre_key.to_proto()),
        }
    }

    /// The v2 view (§3.5).
    pub fn to_signed(&self) -> Result<SignedPublicKeyBundle> {
        Ok(SignedPublicKeyBundle {
            identity_key: self.identity_key.to_signed(true)?,
            pre_key: self.pre_key.to_signed(false)?,
        })
    }

    /// The wallet address behind the identity key.
    pub fn wallet_address(&self) -> Result<Address> {
        self.identity_key.wallet_address()
    }

    /// Legacy equality as JS does it: identity and pre-key public-key bytes only.
    pub fn same_keys(&self, other: &PublicKeyBundle) -> bool {
        self.identity_key.key == other.identity_key.key && self.pre_key.key == other.pre_key.key
    }
}

/// A `SignedPublicKeyBundle` (v2 contacts, invitations, message senders).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SignedPublicKeyBundle {
    /// Wallet-signed identity key.
    pub identity_key: SignedPublicKey,
    /// Pre-key signed by the identity key.
    pub pre_key: SignedPublicKey,
}

impl SignedPublicKeyBundle {
    /// Parses a `SignedPublicKeyBundle`; both keys are required.
    pub fn from_proto(bundle: &pb::SignedPublicKeyBundle) -> Result<Self> {
        Ok(Self {
            identity_key: SignedPublicKey::from_proto(
                bundle
                    .identity_key
                    .as_ref()
                    .ok_or(Error::MissingField("SignedPublicKeyBundle.identity_key"))?,
            )?,
            pre_key: SignedPublicKey::from_proto(
                bundle
                    .pre_key
                    .as_ref()
                    .ok_or(Error::MissingField("SignedPublicKeyBundle.pre_key"))?,
            )?,
        })
    }

    /// Decodes an encoded `SignedPublicKeyBundle`.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        Self::from_proto(&xmtp_proto::decode(bytes)?)
    }

    /// The `SignedPublicKeyBundle` message.
    pub fn to_proto(&self) -> pb::SignedPublicKeyBundle {
        pb::SignedPublicKeyBundle {
            identity_key: Some(self.identity_key.to_proto()),
            pre_key: Some(self.pre_key.to_proto()),
        }
    }

    /// The protobuf encoding.
    pub fn encode(&self) -> Vec<u8> {
        self.to_proto().encode_to_vec()
    }

    /// The legacy form, allowed only when both keys are legacy-derived.
    pub fn to_legacy(&self) -> Result<PublicKeyBundle> {
        Ok(PublicKeyBundle {
            identity_key: self.identity_key.to_legacy()?,
            pre_key: self.pre_key.to_legacy()?,
        })
    }

    /// The wallet address behind the identity key (`wallet_ecdsa_compact` required).
    pub fn wallet_address(&self) -> Result<Address> {
        self.identity_key.wallet_address()
    }

    /// Checks the pre-key signature by the identity key (§3.6).
    pub fn verify(&self) -> Result<()> {
        self.identity_key.verify_key(&self.pre_key)
    }

    /// Verifies the pre-key and recovers the wallet: what every received bundle goes through.
    pub fn validate(&self) -> Result<Address> {
        self.verify()?;
        self.wallet_address()
    }
}
