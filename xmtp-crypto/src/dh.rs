//! The triple Diffie-Hellman secret shared by v1 messages and sealed v2 invitations.

use crate::keys::{PrivateKey, PublicKey};
use crate::secret::SecretBytes;

/// Length of the triple-DH secret: three 65-byte points.
pub const TRIPLE_DH_LEN: usize = 195;

/// Computes `dh1 || dh2 || dh3` (195 bytes), where both parties end up with
/// dh1 = sender identity x recipient pre-key, dh2 = sender pre-key x recipient identity and
/// dh3 = pre-key x pre-key.
///
/// `is_recipient` says which side of that the caller is on. Verifying that the peer's pre-key is
/// signed by the peer's identity key is the caller's job (it needs the protobuf bundle).
pub fn triple_dh(
    my_identity: &PrivateKey,
    my_pre_key: &PrivateKey,
    peer_identity: &PublicKey,
    peer_pre_key: &PublicKey,
    is_recipient: bool,
) -> SecretBytes {
    let (dh1, dh2) = if is_recipient {
        (
            my_pre_key.ecdh_point(peer_identity),
            my_identity.ecdh_point(peer_pre_key),
        )
    } else {
        (
            my_identity.ecdh_point(peer_pre_key),
            my_pre_key.ecdh_point(peer_identity),
        )
    };
    let dh3 = my_pre_key.ecdh_point(peer_pre_key);
    let mut secret = Vec::with_capacity(TRIPLE_DH_LEN);
    secret.extend_from_slice(dh1.expose());
    secret.extend_from_slice(dh2.expose());
    secret.extend_from_slice(dh3.expose());
    SecretBytes::new(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_agree() {
        let (ai, ap, bi, bp) = (
            PrivateKey::generate(),
            PrivateKey::generate(),
            PrivateKey::generate(),
            PrivateKey::generate(),
        );
        let sender = triple_dh(&ai, &ap, bi.public_key(), bp.public_key(), false);
        let recipient = triple_dh(&bi, &bp, ai.public_key(), ap.public_key(), true);
        assert_eq!(sender, recipient);
        assert_eq!(sender.len(), TRIPLE_DH_LEN);
        let wrong = triple_dh(&bi, &bp, ai.public_key(), ap.public_key(), false);
        assert_ne!(sender, wrong);
    }
}
