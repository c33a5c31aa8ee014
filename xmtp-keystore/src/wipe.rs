//! Zeroizing the protobuf copies of secrets. prost structs own plain `Vec<u8>`s, so a private key
//! or key material that passes through one (to encode it, or after decoding it) would otherwise
//! stay in freed memory. [`Wiped`] clears the secret fields when it goes out of scope.

use core::ops::{Deref, DerefMut};

use xmtp_proto::keystore_api::v1 as ks;
use xmtp_proto::message_contents as pb;
use zeroize::Zeroize as _;

/// A protobuf message whose secret fields can be cleared in place.
pub(crate) trait Wipe {
    /// Zeroizes every secret byte string of the message.
    fn wipe(&mut self);
}

/// Owns a protobuf message and wipes it on drop.
pub(crate) struct Wiped<T: Wipe>(T);

impl<T: Wipe> Wiped<T> {
    pub(crate) fn new(message: T) -> Self {
        Self(message)
    }
}

impl<T: Wipe> Deref for Wiped<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Wipe> DerefMut for Wiped<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Wipe> Drop for Wiped<T> {
    fn drop(&mut self) {
        self.0.wipe();
    }
}

impl Wipe for pb::PrivateKey {
    fn wipe(&mut self) {
        if let Some(pb::private_key::Union::Secp256k1(k)) = &mut self.union {
            k.bytes.zeroize();
        }
    }
}

impl Wipe for pb::SignedPrivateKey {
    fn wipe(&mut self) {
        if let Some(pb::signed_private_key::Union::Secp256k1(k)) = &mut self.union {
            k.bytes.zeroize();
        }
    }
}

impl<T: Wipe> Wipe for Option<T> {
    fn wipe(&mut self) {
        if let Some(inner) = self {
            inner.wipe();
        }
    }
}

impl<T: Wipe> Wipe for Vec<T> {
    fn wipe(&mut self) {
        self.iter_mut().for_each(Wipe::wipe);
    }
}

impl Wipe for pb::PrivateKeyBundleV1 {
    fn wipe(&mut self) {
        self.identity_key.wipe();
        self.pre_keys.wipe();
    }
}

impl Wipe for pb::PrivateKeyBundleV2 {
    fn wipe(&mut self) {
        self.identity_key.wipe();
        self.pre_keys.wipe();
    }
}

impl Wipe for pb::PrivateKeyBundle {
    fn wipe(&mut self) {
        match &mut self.version {
            Some(pb::private_key_bundle::Version::V1(v1)) => v1.wipe(),
            Some(pb::private_key_bundle::Version::V2(v2)) => v2.wipe(),
            None => {}
        }
    }
}

impl Wipe for pb::InvitationV1 {
    fn wipe(&mut self) {
        if let Some(pb::invitation_v1::Encryption::Aes256GcmHkdfSha256(e)) = &mut self.encryption {
            e.key_material.zeroize();
        }
    }
}

impl Wipe for ks::topic_map::TopicData {
    fn wipe(&mut self) {
        self.invitation.wipe();
    }
}

impl Wipe for ks::TopicMap {
    fn wipe(&mut self) {
        for data in self.topics.values_mut() {
            data.invitation.wipe();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wipe_clears_every_private_key_of_a_bundle() {
        let key = |byte: u8| pb::PrivateKey {
            timestamp: 1,
            public_key: None,
            union: Some(pb::private_key::Union::Secp256k1(
                pb::private_key::Secp256k1 {
                    bytes: vec![byte; 32],
                },
            )),
        };
        let mut bundle = pb::PrivateKeyBundle {
            version: Some(pb::private_key_bundle::Version::V1(
                pb::PrivateKeyBundleV1 {
                    identity_key: Some(key(7)),
                    pre_keys: vec![key(8), key(9)],
                },
            )),
        };
        bundle.wipe();
        let Some(pb::private_key_bundle::Version::V1(v1)) = &bundle.version else {
            panic!("version changed");
        };
        let secrets = v1
            .identity_key
            .iter()
            .chain(&v1.pre_keys)
            .map(|k| match &k.union {
                Some(pb::private_key::Union::Secp256k1(s)) => s.bytes.clone(),
                None => panic!("union removed"),
            });
        // `Vec::zeroize` overwrites the bytes, then truncates the vector.
        for bytes in secrets {
            assert!(bytes.is_empty(), "not wiped: {bytes:?}");
        }
    }

    #[test]
    fn wipe_clears_key_material_of_every_topic() {
        let invitation = pb::InvitationV1 {
            topic: "t".into(),
            context: None,
            consent_proof: None,
            encryption: Some(pb::invitation_v1::Encryption::Aes256GcmHkdfSha256(
                pb::invitation_v1::Aes256gcmHkdfsha256 {
                    key_material: vec![5; 32],
                },
            )),
        };
        let mut map = ks::TopicMap::default();
        map.topics.insert(
            "t".into(),
            ks::topic_map::TopicData {
                created_ns: 1,
                peer_address: String::new(),
                invitation: Some(invitation),
            },
        );
        map.wipe();
        let data = &map.topics["t"];
        let Some(pb::invitation_v1::Encryption::Aes256GcmHkdfSha256(e)) =
            data.invitation.as_ref().and_then(|i| i.encryption.as_ref())
        else {
            panic!("encryption removed");
        };
        assert!(e.key_material.is_empty());
    }
}
