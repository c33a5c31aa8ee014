//! A cache of sender bundles that already passed verification, so that many messages from few
//! senders cost one bundle verification per sender (performance.md §6, C3).

use std::collections::HashMap;
use std::sync::RwLock;

use xmtp_crypto::{Address, sha256};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

use crate::error::Result;
use crate::keys::SignedPublicKeyBundle;

/// Verified bundles kept at most by [`VerifiedBundleCache::new`].
pub const DEFAULT_BUNDLE_CACHE_CAPACITY: usize = 4096;

/// `SignedPublicKeyBundle`s that passed [`SignedPublicKeyBundle::validate`] (pre-key signed by the
/// identity key, identity key signed by a wallet), with the wallet they recover to.
///
/// The key is the SHA-256 of the bundle's protobuf encoding. Validation is a pure function of the
/// decoded message, and encoding a decoded message is injective, so a bundle differing in any byte
/// that validation reads is never a hit. Failures are never cached. Thread-safe: one cache serves
/// every thread of a batch. A full cache is emptied before the next insert.
#[derive(Debug)]
pub struct VerifiedBundleCache {
    capacity: usize,
    entries: RwLock<HashMap<[u8; 32], (SignedPublicKeyBundle, Address)>>,
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
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// Parses and validates `bundle`, or returns the result of an earlier successful validation
    /// of the same bytes: the parsed bundle and its wallet.
    pub fn validate(
        &self,
        bundle: &pb::SignedPublicKeyBundle,
    ) -> Result<(SignedPublicKeyBundle, Address)> {
        let key = sha256(&bundle.encode_to_vec());
        if let Some(hit) = self
            .entries
            .read()
            .ok()
            .and_then(|entries| entries.get(&key).cloned())
        {
            return Ok(hit);
        }
        let parsed = SignedPublicKeyBundle::from_proto(bundle)?;
        let wallet = parsed.validate()?;
        self.insert(key, (parsed.clone(), wallet));
        Ok((parsed, wallet))
    }

    fn insert(&self, key: [u8; 32], entry: (SignedPublicKeyBundle, Address)) {
        if self.capacity == 0 {
            return;
        }
        // A poisoned lock only means another thread panicked mid-insert; caching is optional.
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, entry);
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
        assert_eq!(parsed, me.signed_public_bundle());
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
