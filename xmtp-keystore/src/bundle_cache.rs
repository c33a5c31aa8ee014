//! A cache of sender bundles that already passed verification, so that many messages from few
//! senders cost one bundle verification per sender (performance.md §6, C3).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use xmtp_crypto::Address;
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

use crate::error::Result;
use crate::keys::SignedPublicKeyBundle;

/// Verified bundles kept at most by [`VerifiedBundleCache::new`].
pub const DEFAULT_BUNDLE_CACHE_CAPACITY: usize = 4096;

/// Encoded bundles longer than this are verified every time, never cached. An honest bundle is
/// about 300 bytes; longer ones are padded and would only let a sender fill the cache's memory.
pub const MAX_CACHED_BUNDLE_LEN: usize = 1024;

/// A bundle that passed validation, with the wallet it recovers to.
type Verified = (Arc<SignedPublicKeyBundle>, Address);

/// `SignedPublicKeyBundle`s that passed [`SignedPublicKeyBundle::validate`] (pre-key signed by the
/// identity key, identity key signed by a wallet), with the wallet they recover to.
///
/// The key is the bundle's encoding exactly as received, compared in full on a hit, so a hit
/// needs neither decoding nor hashing with SHA-256. Validation is a pure function of those bytes:
/// bytes differing anywhere, even in a way that decodes to the same bundle, are never a hit for
/// one another. Failures are never cached, nor are bundles over [`MAX_CACHED_BUNDLE_LEN`].
/// Thread-safe: one cache serves every thread of a batch. A full cache is emptied before the next
/// insert.
#[derive(Debug)]
pub struct VerifiedBundleCache {
    capacity: usize,
    // foldhash: randomly seeded, so entries cannot be steered into one bucket, and several times
    // faster than SipHash over a 300-byte key.
    entries: RwLock<HashMap<Box<[u8]>, Verified, foldhash::fast::RandomState>>,
}

impl Default for VerifiedBundleCache {
    fn default() -> Self {
        Self::new()
    }
}

impl VerifiedBundleCache {
    /// An empty cache holding at most [`DEFAULT_BUNDLE_CACHE_CAPACITY`] bundles.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_BUNDLE_CACHE_CAPACITY)
    }

    /// An empty cache holding at most `capacity` bundles (0 caches nothing).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity,
            entries: RwLock::new(HashMap::default()),
        }
    }

    /// [`VerifiedBundleCache::validate_encoded`] on the protobuf encoding of `bundle`.
    pub fn validate(
        &self,
        bundle: &pb::SignedPublicKeyBundle,
    ) -> Result<(Arc<SignedPublicKeyBundle>, Address)> {
        self.validate_encoded(&bundle.encode_to_vec())
    }

    /// Decodes and validates the encoded `SignedPublicKeyBundle` `encoded`, or returns the result
    /// of an earlier successful validation of the same bytes: the parsed bundle and its wallet.
    pub fn validate_encoded(
        &self,
        encoded: &[u8],
    ) -> Result<(Arc<SignedPublicKeyBundle>, Address)> {
        if let Some(hit) = self
            .entries
            .read()
            .ok()
            .and_then(|entries| entries.get(encoded).cloned())
        {
            return Ok(hit);
        }
        let parsed = SignedPublicKeyBundle::decode(encoded)?;
        let wallet = parsed.validate()?;
        let verified = (Arc::new(parsed), wallet);
        self.insert(encoded, &verified);
        Ok(verified)
    }

    fn insert(&self, encoded: &[u8], verified: &Verified) {
        if self.capacity == 0 || encoded.len() > MAX_CACHED_BUNDLE_LEN {
            return;
        }
        // A poisoned lock only means another thread panicked mid-insert; caching is optional.
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= self.capacity && !entries.contains_key(encoded) {
            entries.clear();
        }
        entries.insert(encoded.into(), verified.clone());
    }

    /// Number of cached bundles.
    pub fn len(&self) -> usize {
        self.entries.read().map_or(0, |e| e.len())
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use xmtp_crypto::LocalWallet;

    use super::*;
    use crate::bundle::PrivateKeyBundle;
    use crate::error::Error;
    use crate::identity::IdentityCreation;

    fn bundle() -> PrivateKeyBundle {
        let wallet = LocalWallet::generate();
        let creation = IdentityCreation::new(wallet.address(), 1_700_000_000_000);
        let signature = wallet.personal_sign(creation.request().text.as_bytes());
        creation
            .finish(signature.to_bytes_v27().expose(), 1_700_000_000_001)
            .unwrap()
    }

    #[test]
    fn a_second_validation_is_a_hit_with_the_same_answer() {
        let me = bundle();
        let proto = me.signed_public_bundle().to_proto();
        let cache = VerifiedBundleCache::new();
        assert!(cache.is_empty());
        let (parsed, wallet) = cache.validate(&proto).unwrap();
        assert_eq!(wallet, me.wallet_address());
        assert_eq!(*parsed, me.signed_public_bundle());
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.validate(&proto).unwrap(), (parsed, wallet));
        assert_eq!(cache.len(), 1);
        // Another sender is a miss and a second entry.
        let other = bundle();
        let (_, other_wallet) = cache
            .validate(&other.signed_public_bundle().to_proto())
            .unwrap();
        assert_eq!(other_wallet, other.wallet_address());
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn a_tampered_bundle_is_never_a_hit() {
        let me = bundle();
        let good = me.signed_public_bundle().to_proto();
        let cache = VerifiedBundleCache::new();
        cache.validate(&good).unwrap();

        // Someone else's pre-key under my identity key: the pre-key signature fails.
        let mut forged = good.clone();
        forged.pre_key = bundle().signed_public_bundle().to_proto().pre_key;
        assert!(matches!(
            cache.validate(&forged),
            Err(Error::PreKeyNotSigned)
        ));

        // One flipped bit in the wallet signature: it recovers to another wallet or not at all,
        // and must not be answered from the entry of the good bundle.
        let mut flipped = good.clone();
        if let Some(pb::signature::Union::WalletEcdsaCompact(sig)) = flipped
            .identity_key
            .as_mut()
            .and_then(|k| k.signature.as_mut())
            .and_then(|s| s.union.as_mut())
        {
            sig.bytes[40] ^= 1;
        }
        assert_ne!(flipped, good);
        let wallet = cache.validate(&flipped).map(|(_, w)| w).ok();
        assert_ne!(wallet, Some(me.wallet_address()));
        // Failures are not cached; the good bundle still is.
        assert_eq!(cache.len(), 1 + usize::from(wallet.is_some()));
        assert!(cache.validate(&forged).is_err());
    }

    /// An unknown field (15, varint 1) after the bundle's fields: proto3 skips it on decoding.
    fn with_unknown_field(encoded: &[u8]) -> Vec<u8> {
        [encoded, &[0x78, 0x01]].concat()
    }

    #[test]
    fn a_hit_shares_the_entry_and_other_bytes_of_the_same_bundle_are_a_miss() {
        let me = bundle();
        let encoded = me.signed_public_bundle().encode();
        let cache = VerifiedBundleCache::new();
        let (first, wallet) = cache.validate_encoded(&encoded).unwrap();
        let (again, _) = cache.validate_encoded(&encoded).unwrap();
        assert!(Arc::ptr_eq(&first, &again));

        // The same bundle, encoded differently: an unknown field, or the keys in reverse order.
        let proto = me.signed_public_bundle().to_proto();
        let reversed = [
            pb::SignedPublicKeyBundle {
                identity_key: None,
                ..proto.clone()
            }
            .encode_to_vec(),
            pb::SignedPublicKeyBundle {
                pre_key: None,
                ..proto
            }
            .encode_to_vec(),
        ]
        .concat();
        for other in [with_unknown_field(&encoded), reversed] {
            assert_ne!(other, encoded);
            let (parsed, other_wallet) = cache.validate_encoded(&other).unwrap();
            assert!(!Arc::ptr_eq(&parsed, &first));
            assert_eq!((&*parsed, other_wallet), (&*first, wallet));
        }
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn no_single_bit_flip_is_a_hit() {
        let me = bundle();
        let encoded = me.signed_public_bundle().encode();
        let cache = VerifiedBundleCache::new();
        let (good, _) = cache.validate_encoded(&encoded).unwrap();
        for i in 0..encoded.len() * 8 {
            let mut flipped = encoded.clone();
            flipped[i / 8] ^= 1 << (i % 8);
            // Whatever the flip does, the answer is a fresh validation of the flipped bytes.
            let fresh = SignedPublicKeyBundle::decode(&flipped).and_then(|b| {
                let wallet = b.validate()?;
                Ok((b, wallet))
            });
            match cache.validate_encoded(&flipped) {
                Ok((parsed, wallet)) => {
                    assert!(!Arc::ptr_eq(&parsed, &good), "bit {i} was a hit");
                    assert_eq!(fresh.unwrap(), ((*parsed).clone(), wallet));
                }
                Err(_) => assert!(fresh.is_err(), "bit {i}"),
            }
        }
    }

    #[test]
    fn oversized_bundles_are_validated_but_not_cached() {
        let me = bundle();
        let encoded = me.signed_public_bundle().encode();
        // Padding: an unknown bytes field (15) long enough to pass the limit.
        let mut padded = [encoded.as_slice(), &[0x7a, 0x80, 0x08]].concat();
        padded.resize(encoded.len() + 3 + 1024, 0);
        assert!(padded.len() > MAX_CACHED_BUNDLE_LEN);
        let cache = VerifiedBundleCache::new();
        let (first, wallet) = cache.validate_encoded(&padded).unwrap();
        assert_eq!(wallet, me.wallet_address());
        let (again, _) = cache.validate_encoded(&padded).unwrap();
        assert!(!Arc::ptr_eq(&first, &again));
        assert!(cache.is_empty());
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = VerifiedBundleCache::with_capacity(2);
        let bundles: Vec<_> = (0..3)
            .map(|_| bundle().signed_public_bundle().to_proto())
            .collect();
        for b in &bundles {
            cache.validate(b).unwrap();
            assert!(cache.len() <= 2);
        }
        assert_eq!(cache.len(), 1);
        // Re-validating an evicted bundle still gives the right answer.
        assert!(cache.validate(&bundles[0]).is_ok());
        let none = VerifiedBundleCache::with_capacity(0);
        none.validate(&bundles[0]).unwrap();
        assert!(none.is_empty());
    }
}
