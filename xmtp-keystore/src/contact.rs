//! Contact bundles: what a user publishes on `/xmtp/0/contact-<address>/proto` so others can
//! message them (protocol.md §10).

use xmtp_crypto::Address;
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

use crate::bundle::PrivateKeyBundle;
use crate::error::{Error, Result};
use crate::keys::{LegacyPublicKey, PublicKeyBundle, SignedPublicKeyBundle};

/// A decoded contact bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContactBundle {
    /// A legacy `PublicKeyBundle` (wrapped as `ContactBundleV1`, or bare from very early clients,
    /// which may lack a pre-key).
    V1 {
        /// Wallet-signed identity key.
        identity_key: LegacyPublicKey,
        /// Pre-key; absent in some very early bare bundles, which cannot be messaged.
        pre_key: Option<LegacyPublicKey>,
    },
    /// A `SignedPublicKeyBundle`.
    V2(SignedPublicKeyBundle),
}

impl ContactBundle {
    /// Decodes a contact-topic payload: a `ContactBundle`, or else a bare `PublicKeyBundle`
    /// (also when the wrapper decodes but holds no key bundle, §10).
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        use pb::contact_bundle::Version;
        let wrapped = xmtp_proto::decode::<pb::ContactBundle>(bytes)
            .map_err(Error::from)
            .and_then(|c| match c.version {
                Some(Version::V1(pb::ContactBundleV1 {
                    key_bundle: Some(k),
                })) => Self::from_legacy_proto(&k),
                Some(Version::V2(pb::ContactBundleV2 {
                    key_bundle: Some(k),
                })) => Ok(Self::V2(SignedPublicKeyBundle::from_proto(&k)?)),
                _ => Err(Error::MissingField("ContactBundle.key_bundle")),
            });
        wrapped.or_else(|e| {
            xmtp_proto::decode::<pb::PublicKeyBundle>(bytes)
                .map_err(Error::from)
                .and_then(|k| Self::from_legacy_proto(&k))
                .map_err(|_| e)
        })
    }

    fn from_legacy_proto(k: &pb::PublicKeyBundle) -> Result<Self> {
        Ok(Self::V1 {
            identity_key: LegacyPublicKey::from_proto(
                k.identity_key
                    .as_ref()
                    .ok_or(Error::MissingField("PublicKeyBundle.identity_key"))?,
            )?,
            pre_key: k
                .pre_key
                .as_ref()
                .map(LegacyPublicKey::from_proto)
                .transpose()?,
        })
    }

    /// My v1 contact bundle (`ContactBundle{v1}`), published first.
    pub fn v1_for(bundle: &PrivateKeyBundle) -> Result<Self> {
        let legacy = bundle.public_bundle()?;
        Ok(Self::V1 {
            identity_key: legacy.identity_key,
            pre_key: Some(legacy.pre_key),
        })
    }

    /// My v2 contact bundle (`ContactBundle{v2}`), published second so it is the newest.
    pub fn v2_for(bundle: &PrivateKeyBundle) -> Self {
        Self::V2(bundle.signed_public_bundle())
    }

    /// The `ContactBundle` encoding.
    pub fn encode(&self) -> Vec<u8> {
        use pb::contact_bundle::Version;
        let version = match self {
            Self::V1 {
                identity_key,
                pre_key,
            } => Version::V1(pb::ContactBundleV1 {
                key_bundle: Some(pb::PublicKeyBundle {
                    identity_key: Some(identity_key.to_proto()),
                    pre_key: pre_key.as_ref().map(LegacyPublicKey::to_proto),
                }),
            }),
            Self::V2(b) => Version::V2(pb::ContactBundleV2 {
                key_bundle: Some(b.to_proto()),
            }),
        };
        pb::ContactBundle {
            version: Some(version),
        }
        .encode_to_vec()
    }

    /// The wallet that signed the identity key (no pre-key check).
    pub fn wallet_address(&self) -> Result<Address> {
        match self {
            Self::V1 { identity_key, .. } => identity_key.wallet_address(),
            Self::V2(b) => b.wallet_address(),
        }
    }

    /// The bundle in its v2 form (legacy bundles converted, §3.5).
    pub fn to_signed(&self) -> Result<SignedPublicKeyBundle> {
        match self {
            Self::V1 { .. } => self.to_legacy()?.to_signed(),
            Self::V2(b) => Ok(b.clone()),
        }
    }

    /// The bundle in its legacy form (for v1 messages).
    pub fn to_legacy(&self) -> Result<PublicKeyBundle> {
        match self {
            Self::V1 {
                identity_key,
                pre_key,
            } => Ok(PublicKeyBundle {
                identity_key: identity_key.clone(),
                pre_key: pre_key
                    .clone()
                    .ok_or(Error::MissingField("PublicKeyBundle.pre_key"))?,
            }),
            Self::V2(b) => b.to_legacy(),
        }
    }

    /// Full check of a received bundle: the pre-key is signed by the identity key and the
    /// identity key by a wallet. Returns that wallet.
    pub fn validate(&self) -> Result<Address> {
        let signed = self.to_signed()?;
        signed.verify()?;
        self.wallet_address()
    }
}

/// Picks the contact for `address` from contact-topic payloads ordered newest first: the first
/// one that decodes, validates and belongs to `address`. Spoofed, broken or foreign bundles are
/// skipped, never fatal.
pub fn choose_contact<'a>(
    address: Address,
    payloads_newest_first: impl IntoIterator<Item = &'a [u8]>,
) -> Option<ContactBundle> {
    payloads_newest_first.into_iter().find_map(|bytes| {
        let contact = ContactBundle::decode(bytes).ok()?;
        (contact.validate().ok()? == address).then_some(contact)
    })
}
