//! `Debug` for messages that hold private keys or key material: lengths only, never bytes.

use std::fmt;

use crate::keystore_api::v1::HmacKeyData;
use crate::message_contents::{invitation_v1, private_key, signed_private_key};

struct Redacted(usize);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[redacted; {} bytes]", self.0)
    }
}

impl fmt::Debug for private_key::Secp256k1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secp256k1")
            .field("bytes", &Redacted(self.bytes.len()))
            .finish()
    }
}

impl fmt::Debug for signed_private_key::Secp256k1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secp256k1")
            .field("bytes", &Redacted(self.bytes.len()))
            .finish()
    }
}

impl fmt::Debug for invitation_v1::Aes256gcmHkdfsha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Aes256gcmHkdfsha256")
            .field("key_material", &Redacted(self.key_material.len()))
            .finish()
    }
}

impl fmt::Debug for HmacKeyData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacKeyData")
            .field(
                "thirty_day_periods_since_epoch",
                &self.thirty_day_periods_since_epoch,
            )
            .field("hmac_key", &Redacted(self.hmac_key.len()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_key_debug_hides_the_scalar() {
        let key = private_key::Secp256k1 {
            bytes: vec![0xab; 32],
        };
        let shown = format!("{key:?}");
        assert_eq!(shown, "Secp256k1 { bytes: [redacted; 32 bytes] }");
        let key = signed_private_key::Secp256k1 {
            bytes: vec![0xab; 32],
        };
        assert!(!format!("{key:?}").contains("171"));
    }

    #[test]
    fn key_material_and_hmac_keys_are_hidden() {
        let km = invitation_v1::Aes256gcmHkdfsha256 {
            key_material: vec![7; 32],
        };
        assert!(format!("{km:?}").contains("[redacted; 32 bytes]"));
        let hk = HmacKeyData {
            thirty_day_periods_since_epoch: 655,
            hmac_key: vec![7; 32],
        };
        let shown = format!("{hk:?}");
        assert!(shown.contains("655") && shown.contains("[redacted; 32 bytes]"));
    }
}
