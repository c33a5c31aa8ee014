//! The private key bundle: one identity key and its pre-keys (newest first), in the legacy v1
//! form xmtp-js generates, with the v2 view derived on the fly (protocol.md §3).

use core::fmt;

use xmtp_crypto::{
    Address, PrivateKey, PublicKey, SecretBytes, WalletSignature, sha256, triple_dh,
};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

use crate::error::{Error, Result};
use crate::keys::{
    KeySignature, LegacyPublicKey, PublicKeyBundle, SignedPublicKey, SignedPublicKeyBundle,
};
use crate::wipe::Wiped;

const NS_PER_MS: u64 = 1_000_000;

/// One private key with its signed public key.
#[derive(Clone)]
pub(crate) struct KeyPair {
    pub(crate) secret: PrivateKey,
    /// `SignedPrivateKey.created_ns` (`ms * 10^6` for legacy keys).
    pub(crate) created_ns: u64,
    pub(crate) public: SignedPublicKey,
}

impl KeyPair {
    fn check(secret: PrivateKey, created_ns: u64, public: SignedPublicKey) -> Result<Self> {
        if secret.public_key() != public.key() {
            return Err(Error::Invalid("private key does not match its public key"));
        }
        Ok(Self {
            secret,
            created_ns,
            public,
        })
    }

    fn from_legacy(key: &pb::PrivateKey, signed_by_wallet: bool) -> Result<Self> {
        let Some(pb::private_key::Union::Secp256k1(k)) = &key.union else {
            return Err(Error::MissingField("PrivateKey.secp256k1"));
        };
        let secret = PrivateKey::from_bytes(&k.bytes)?;
        let public = LegacyPublicKey::from_proto(
            key.public_key
                .as_ref()
                .ok_or(Error::MissingField("PrivateKey.public_key"))?,
        )?
        .to_signed(signed_by_wallet)?;
        Self::check(secret, key.timestamp.saturating_mul(NS_PER_MS), public)
    }

    fn from_signed(key: &pb::SignedPrivateKey) -> Result<Self> {
        let Some(pb::signed_private_key::Union::Secp256k1(k)) = &key.union else {
            return Err(Error::MissingField("SignedPrivateKey.secp256k1"));
        };
        let secret = PrivateKey::from_bytes(&k.bytes)?;
        let public = SignedPublicKey::from_proto(
            key.public_key
                .as_ref()
                .ok_or(Error::MissingField("SignedPrivateKey.public_key"))?,
        )?;
        Self::check(secret, key.created_ns, public)
    }

    fn to_legacy(&self) -> Result<pb::PrivateKey> {
        Ok(pb::PrivateKey {
            timestamp: self.created_ns / NS_PER_MS,
            public_key: Some(self.public.to_legacy()?.to_proto()),
            union: Some(pb::private_key::Union::Secp256k1(
                pb::private_key::Secp256k1 {
                    bytes: self.secret.to_bytes().expose().to_vec(),
                },
            )),
        })
    }

    fn to_signed(&self) -> pb::SignedPrivateKey {
        pb::SignedPrivateKey {
            created_ns: self.created_ns,
            public_key: Some(self.public.to_proto()),
            union: Some(pb::signed_private_key::Union::Secp256k1(
                pb::signed_private_key::Secp256k1 {
                    bytes: self.secret.to_bytes().expose().to_vec(),
                },
            )),
        }
    }

    /// A fresh legacy pre-key at `timestamp_ms`, signed by `identity` (§3.3). Its `key_bytes` are
    /// the legacy bytes-to-sign, so the v1 and v2 views carry the same signature.
    fn new_pre_key(identity: &PrivateKey, timestamp_ms: u64) -> Self {
        let secret = PrivateKey::generate();
        let key = *secret.public_key();
        let bytes = SignedPublicKey::unsigned_bytes(timestamp_ms, &key);
        let signature = KeySignature::sign(identity, &sha256(&bytes));
        Self {
            created_ns: timestamp_ms.saturating_mul(NS_PER_MS),
            public: SignedPublicKey::with_signature(timestamp_ms, key, signature),
            secret,
        }
    }
}

/// A user's private keys: identity key plus pre-keys, newest first. Old pre-keys are kept after a
/// rotation so that every historical message still decrypts.
///
/// `Debug` shows only the wallet address; the keys zeroize on drop.
#[derive(Clone)]
pub struct PrivateKeyBundle {
    identity: KeyPair,
    pre_keys: Vec<KeyPair>,
    wallet: Address,
}

impl fmt::Debug for PrivateKeyBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKeyBundle")
            .field("wallet", &self.wallet)
            .field("pre_keys", &self.pre_keys.len())
            .field("keys", &"[redacted]")
            .finish()
    }
}

/// What [`PrivateKeyBundle::decode_any`] found.
#[derive(Debug)]
pub struct DecodedPrivateKeyBundle {
    /// The keys.
    pub bundle: PrivateKeyBundle,
    /// The bytes were an old bare `PrivateKeyBundleV1` without the versioned wrapper: store them
    /// again in the current format.
    pub needs_resave: bool,
}

impl PrivateKeyBundle {
    fn new(identity: KeyPair, pre_keys: Vec<KeyPair>) -> Result<Self> {
        if pre_keys.is_empty() {
            return Err(Error::MissingField("pre_keys"));
        }
        let wallet = identity.public.wallet_address()?;
        for pre in &pre_keys {
            identity.public.verify_key(&pre.public)?;
        }
        Ok(Self {
            identity,
            pre_keys,
            wallet,
        })
    }

    /// Builds a new legacy bundle the way `PrivateKeyBundleV1.generate` does (§3.1): `identity`
    /// created at `identity_ms`, `wallet_signature` over its Create-Identity text, and one fresh
    /// pre-key created at `pre_key_ms`. Fails unless the signature recovers to a wallet.
    pub(crate) fn from_identity(
        identity: PrivateKey,
        identity_ms: u64,
        wallet_signature: &WalletSignature,
        pre_key_ms: u64,
    ) -> Result<Self> {
        let public = LegacyPublicKey {
            timestamp_ms: identity_ms,
            key: *identity.public_key(),
            signature: Some(KeySignature::Ecdsa(wallet_signature.to_recoverable())),
        }
        .to_signed(true)?;
        let pre = KeyPair::new_pre_key(&identity, pre_key_ms);
        let identity = KeyPair::check(identity, identity_ms.saturating_mul(NS_PER_MS), public)?;
        Self::new(identity, vec![pre])
    }

    /// Parses a legacy `PrivateKeyBundleV1`.
    pub fn from_proto_v1(bundle: &pb::PrivateKeyBundleV1) -> Result<Self> {
        let identity = KeyPair::from_legacy(
            bundle
                .identity_key
                .as_ref()
                .ok_or(Error::MissingField("PrivateKeyBundleV1.identity_key"))?,
            true,
        )?;
        let pre_keys = bundle
            .pre_keys
            .iter()
            .map(|k| KeyPair::from_legacy(k, false))
            .collect::<Result<_>>()?;
        Self::new(identity, pre_keys)
    }

    /// Parses a `PrivateKeyBundleV2` (native v2 keys exist in libxmtp and test vectors).
    pub fn from_proto_v2(bundle: &pb::PrivateKeyBundleV2) -> Result<Self> {
        let identity = KeyPair::from_signed(
            bundle
                .identity_key
                .as_ref()
                .ok_or(Error::MissingField("PrivateKeyBundleV2.identity_key"))?,
        )?;
        let pre_keys = bundle
            .pre_keys
            .iter()
            .map(KeyPair::from_signed)
            .collect::<Result<_>>()?;
        Self::new(identity, pre_keys)
    }

    /// Decodes a `PrivateKeyBundle` (v1 or v2), or an old bare `PrivateKeyBundleV1`.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        Ok(Self::decode_any(bytes)?.bundle)
    }

    /// Like [`PrivateKeyBundle::decode`], also saying whether the bytes were in the bare legacy
    /// format (§5 step 5).
    pub fn decode_any(bytes: &[u8]) -> Result<DecodedPrivateKeyBundle> {
        use pb::private_key_bundle::Version;
        let wrapped = xmtp_proto::decode::<pb::PrivateKeyBundle>(bytes)
            .map_err(Error::from)
            .and_then(|b| {
                let b = Wiped::new(b);
                match &b.version {
                    Some(Version::V1(v1)) => Self::from_proto_v1(v1),
                    Some(Version::V2(v2)) => Self::from_proto_v2(v2),
                    None => Err(Error::MissingField("PrivateKeyBundle.version")),
                }
            });
        match wrapped {
            Ok(bundle) => Ok(DecodedPrivateKeyBundle {
                bundle,
                needs_resave: false,
            }),
            Err(wrapper_error) => xmtp_proto::decode::<pb::PrivateKeyBundleV1>(bytes)
                .map_err(Error::from)
                .and_then(|v1| Self::from_proto_v1(&Wiped::new(v1)))
                .map(|bundle| DecodedPrivateKeyBundle {
                    bundle,
                    needs_resave: true,
                })
                .map_err(|_| wrapper_error),
        }
    }

    /// The legacy `PrivateKeyBundleV1`; fails for native v2 keys. The message holds the private
    /// keys in plain `Vec`s: prefer [`PrivateKeyBundle::encode`], which wipes them.
    pub fn to_proto_v1(&self) -> Result<pb::PrivateKeyBundleV1> {
        // Checked up front, so a failure never drops private keys already copied into protobufs.
        let mut keys = core::iter::once(&self.identity).chain(&self.pre_keys);
        if !keys.all(|k| k.public.is_legacy_derived()) {
            return Err(Error::NotLegacyKey);
        }
        Ok(pb::PrivateKeyBundleV1 {
            identity_key: Some(self.identity.to_legacy()?),
            pre_keys: self
                .pre_keys
                .iter()
                .map(KeyPair::to_legacy)
                .collect::<Result<_>>()?,
        })
    }

    /// The `PrivateKeyBundleV2` view (§3.5); holds the private keys like
    /// [`PrivateKeyBundle::to_proto_v1`].
    pub fn to_proto_v2(&self) -> pb::PrivateKeyBundleV2 {
        pb::PrivateKeyBundleV2 {
            identity_key: Some(self.identity.to_signed()),
            pre_keys: self.pre_keys.iter().map(KeyPair::to_signed).collect(),
        }
    }

    /// Encodes as `PrivateKeyBundle{v1}` (what `Client.getKeys` returns), or `{v2}` for native v2
    /// keys. The result holds private keys: keep it in a [`SecretBytes`].
    pub fn encode(&self) -> SecretBytes {
        use pb::private_key_bundle::Version;
        let version = match self.to_proto_v1() {
            Ok(v1) => Version::V1(v1),
            Err(_) => Version::V2(self.to_proto_v2()),
        };
        let message = Wiped::new(pb::PrivateKeyBundle {
            version: Some(version),
        });
        SecretBytes::new(message.encode_to_vec())
    }

    /// The wallet that signed the identity key.
    pub fn wallet_address(&self) -> Address {
        self.wallet
    }

    /// The identity key's public half (v2 view).
    pub fn identity_key(&self) -> &SignedPublicKey {
        &self.identity.public
    }

    pub(crate) fn identity_secret(&self) -> &PrivateKey {
        &self.identity.secret
    }

    /// Public halves of all pre-keys, newest first.
    pub fn pre_keys(&self) -> impl Iterator<Item = &SignedPublicKey> {
        self.pre_keys.iter().map(|k| &k.public)
    }

    pub(crate) fn current_pre_key(&self) -> &KeyPair {
        // `new` refuses an empty list.
        &self.pre_keys[0]
    }

    /// My `SignedPublicKeyBundle` with the current pre-key: what goes into invitations, v2
    /// messages and v2 contact bundles.
    pub fn signed_public_bundle(&self) -> SignedPublicKeyBundle {
        SignedPublicKeyBundle {
            identity_key: self.identity.public.clone(),
            pre_key: self.current_pre_key().public.clone(),
        }
    }

    /// My legacy `PublicKeyBundle` with the current pre-key (v1 messages and v1 contacts).
    pub fn public_bundle(&self) -> Result<PublicKeyBundle> {
        self.signed_public_bundle().to_legacy()
    }

    /// Adds a new current pre-key created at `now_ms`, signed by the identity key. Old pre-keys
    /// stay (after it) so older messages and invitations still open.
    pub fn rotate_pre_key(&mut self, now_ms: u64) {
        let pre = KeyPair::new_pre_key(&self.identity.secret, now_ms);
        self.pre_keys.insert(0, pre);
    }

    /// My pre-key whose public key is `public`.
    pub(crate) fn find_pre_key(&self, public: &PublicKey) -> Result<&KeyPair> {
        self.pre_keys
            .iter()
            .find(|k| k.public.key() == public)
            .ok_or(Error::NoMatchingPreKey)
    }

    /// The 195-byte triple-DH secret with `peer` (§6.1), after checking the peer's pre-key
    /// signature; `my_pre_key` picks which of my pre-keys takes part.
    pub fn shared_secret(
        &self,
        peer: &SignedPublicKeyBundle,
        my_pre_key: &PublicKey,
        is_recipient: bool,
    ) -> Result<SecretBytes> {
        peer.verify()?;
        self.shared_secret_with_verified(peer, my_pre_key, is_recipient)
    }

    /// [`Self::shared_secret`] for a `peer` whose pre-key signature the caller has just checked
    /// (through `validate`): one ECDSA verification less.
    pub(crate) fn shared_secret_with_verified(
        &self,
        peer: &SignedPublicKeyBundle,
        my_pre_key: &PublicKey,
        is_recipient: bool,
    ) -> Result<SecretBytes> {
        let pre = self.find_pre_key(my_pre_key)?;
        Ok(triple_dh(
            &self.identity.secret,
            &pre.secret,
            peer.identity_key.key(),
            peer.pre_key.key(),
            is_recipient,
        ))
    }

    /// Signs a 32-byte digest with the current pre-key.
    pub(crate) fn sign_with_pre_key(&self, digest: &[u8; 32]) -> KeySignature {
        KeySignature::sign(&self.current_pre_key().secret, digest)
    }
}
