//! Property tests: round trips hold and tampering is always detected, for arbitrary inputs.

use proptest::prelude::*;
use xmtp_crypto::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn encrypt_decrypt_round_trip(
        secret in proptest::collection::vec(any::<u8>(), 0..200),
        plaintext in proptest::collection::vec(any::<u8>(), 0..2048),
        aad in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let ct = encrypt(&secret, &plaintext, &aad);
        prop_assert_eq!(ct.payload.len(), plaintext.len() + GCM_TAG_LEN);
        prop_assert_eq!(decrypt(&secret, &ct, &aad).unwrap(), plaintext);
    }

    #[test]
    fn any_flipped_bit_is_detected(
        plaintext in proptest::collection::vec(any::<u8>(), 0..256),
        which in 0usize..3,
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let mut ct = encrypt(b"secret", &plaintext, b"aad");
        match which {
            0 => { let i = position.index(HKDF_SALT_LEN); ct.hkdf_salt[i] ^= 1 << bit; }
            1 => { let i = position.index(GCM_NONCE_LEN); ct.gcm_nonce[i] ^= 1 << bit; }
            _ => { let i = position.index(ct.payload.len()); ct.payload[i] ^= 1 << bit; }
        }
        prop_assert_eq!(decrypt(b"secret", &ct, b"aad"), Err(Error::DecryptionFailed));
    }

    #[test]
    fn decrypt_never_panics(
        salt in proptest::collection::vec(any::<u8>(), 0..40),
        nonce in proptest::collection::vec(any::<u8>(), 0..20),
        payload in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        prop_assert!(decrypt_parts(b"k", &salt, &nonce, &payload, b"").is_err());
    }

    #[test]
    fn sign_verify_recover(seed in proptest::array::uniform32(1u8..), message in proptest::collection::vec(any::<u8>(), 0..100)) {
        let key = PrivateKey::from_bytes(&seed).unwrap();
        let digest = sha256(&message);
        let sig = key.sign_prehash(&digest);
        prop_assert!(!sig.is_high_s());
        prop_assert!(key.public_key().verify_prehash(&digest, &sig.bytes).is_ok());
        prop_assert_eq!(&PublicKey::recover_prehash(&digest, &sig).unwrap(), key.public_key());
        // Deterministic: signing again gives the same bytes.
        prop_assert_eq!(key.sign_prehash(&digest), sig);
    }

    #[test]
    fn public_key_parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let _ = PublicKey::from_uncompressed(&bytes);
        let _ = PrivateKey::from_bytes(&bytes);
        let _ = WalletSignature::from_bytes(&bytes);
    }

    #[test]
    fn address_text_round_trip(bytes in proptest::array::uniform20(any::<u8>())) {
        let address = Address::from_bytes(bytes);
        let text = address.to_string();
        prop_assert_eq!(text.parse::<Address>().unwrap(), address);
        prop_assert_eq!(text.to_lowercase().parse::<Address>().unwrap(), address);
    }

    #[test]
    fn address_parsing_never_panics(text in "\\PC{0,50}") {
        let _ = text.parse::<Address>();
    }
}
