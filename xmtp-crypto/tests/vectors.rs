//! Known-answer tests from `tests/vectors/` (protocol.md section 12), each against its source.
#![allow(clippy::unwrap_used)]

use xmtp_crypto::*;

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/vectors/load.rs"
));

fn key(hex_bytes: &[u8]) -> PrivateKey {
    PrivateKey::from_bytes(hex_bytes).unwrap()
}

/// TV-1: triple-DH from both sides, the deterministic topic HMAC and the invitation key material.
#[test]
fn tv01_deterministic_invitation() {
    let v = Vector::load("tv01_deterministic_topic");
    let alice_id = key(&v.bytes("recomputed.alice_identity_private_key"));
    let alice_pre = key(&v.bytes("recomputed.alice_pre_key_private_key"));
    let bob_id = key(&v.bytes("recomputed.bob_identity_private_key"));
    let bob_pre = key(&v.bytes("recomputed.bob_pre_key_private_key"));
    let expected = v.bytes("recomputed.triple_dh_secret");

    // bob's address sorts first, so bob plays recipient and alice sender.
    let from_alice = triple_dh(
        &alice_id,
        &alice_pre,
        bob_id.public_key(),
        bob_pre.public_key(),
        false,
    );
    let from_bob = triple_dh(
        &bob_id,
        &bob_pre,
        alice_id.public_key(),
        alice_pre.public_key(),
        true,
    );
    assert_eq!(from_alice.expose(), expected.as_slice());
    assert_eq!(from_bob.expose(), expected.as_slice());

    let topic_id = hmac_sha256(
        &expected,
        v.text("recomputed.topic_hmac_message").as_bytes(),
    );
    assert_eq!(
        format!("/xmtp/0/m-{}/proto", hex::encode(topic_id)),
        v.text("expected_topic")
    );
    let bare = hmac_sha256(
        &expected,
        v.text("recomputed.topic_hmac_message_without_conversation_id")
            .as_bytes(),
    );
    assert_eq!(
        format!("/xmtp/0/m-{}/proto", hex::encode(bare)),
        v.text("recomputed.topic_without_conversation_id")
    );

    let key_material = hkdf_sha256(
        &expected,
        v.text("recomputed.hkdf_salt_ascii").as_bytes(),
        v.text("recomputed.hkdf_info").as_bytes(),
    );
    assert_eq!(
        key_material.expose().as_slice(),
        v.bytes("recomputed.key_material").as_slice()
    );

    // alice's wallet address comes from her wallet's signature over the Create Identity text.
    let sig = RecoverableSignature::from_parts(
        &v.bytes("recomputed.alice_identity_wallet_signature"),
        v.u64("recomputed.alice_identity_wallet_signature_recovery") as u32,
    )
    .unwrap();
    let wallet = WalletSignature::from_recoverable(&sig).unwrap();
    let text = v.text("recomputed.alice_identity_signature_text");
    assert_eq!(
        wallet.recover_address(text.as_bytes()).unwrap().to_string(),
        v.text("alice_address")
    );
    assert!(v.text("bob_address") < v.text("alice_address"));
}

/// TV-2: the Ethereum address of a public key, EIP-55 formatted.
#[test]
fn tv02_address_derivation() {
    let v = Vector::load("tv02_identity_text");
    let public = PublicKey::from_uncompressed(&v.bytes("address_derivation_public_key")).unwrap();
    assert_eq!(
        public.eth_address().to_string(),
        v.text("address_derivation_expected_address")
    );
}

/// TV-5a: RFC 6979 low-S signing reproduces the JS signature bit for bit, and it verifies.
#[test]
fn tv05a_deterministic_signature() {
    let v = Vector::load("tv05a_v2_bundle_signature");
    let identity = key(&v.bytes("recomputed.identity_private_key"));
    let digest = sha256(v.text("signed_message_ascii").as_bytes());
    assert_eq!(
        digest.as_slice(),
        v.bytes("extracted.signed_digest").as_slice()
    );
    let sig = identity.sign_prehash(&digest);
    assert_eq!(
        sig.bytes.as_slice(),
        v.bytes("extracted.signature_rs").as_slice()
    );
    assert_eq!(
        u64::from(sig.recovery),
        v.u64("recomputed.signature_recovery")
    );
    assert_eq!(
        identity.public_key().as_bytes().as_slice(),
        v.bytes("extracted.identity_public_key").as_slice()
    );
    identity
        .public_key()
        .verify_prehash(&digest, &sig.bytes)
        .unwrap();
    assert_eq!(
        identity
            .public_key()
            .eth_address()
            .to_string()
            .to_lowercase(),
        v.text("expected_identity_key_address_lowercase")
    );
    assert_eq!(
        identity.public_key().eth_address().to_string(),
        v.text("recomputed.expected_identity_key_address")
    );
}

/// TV-5b: a wallet signature over the Create Identity text recovers the wallet.
#[test]
fn tv05b_wallet_signature_recovers_address() {
    let v = Vector::load("tv05b_wallet_signature");
    let sig = RecoverableSignature::from_parts(
        &v.bytes("extracted.signature_rs"),
        v.u64("extracted.signature_recovery") as u32,
    )
    .unwrap();
    let text = v.text("extracted.signature_request_text");
    assert!(text.contains(&hex::encode(v.bytes("key_bytes"))));
    let wallet = WalletSignature::from_recoverable(&sig).unwrap();
    assert_eq!(
        wallet.recover_address(text.as_bytes()).unwrap().to_string(),
        v.text("expected_address")
    );
}

/// TV-5c: the EIP-191 digest of an identity text.
#[test]
fn tv05c_eip191_digest() {
    let v = Vector::load("tv05c_eip191_digest");
    let text = v.text("extracted.signature_request_text");
    assert_eq!(
        eip191_hash(text.as_bytes()).as_slice(),
        v.bytes("expected_digest").as_slice()
    );
}

/// TV-6: libxmtp's primitive checks.
#[test]
fn tv06_primitives() {
    let v = Vector::load("tv06_xmtp_v2_primitives");
    for n in ["hkdf1", "hkdf2"] {
        let okm = hkdf_sha256(
            &v.bytes(&format!("{n}_ikm")),
            &v.bytes(&format!("{n}_salt")),
            &v.bytes(&format!("{n}_info")),
        );
        assert_eq!(
            okm.expose().as_slice(),
            v.bytes(&format!("{n}_okm")).as_slice(),
            "{n}"
        );
    }
    for n in ["identity", "pre_key"] {
        let k = key(&v.bytes(&format!("pubkey_{n}_private")));
        assert_eq!(
            k.public_key().as_bytes().as_slice(),
            v.bytes(&format!("pubkey_{n}_public")).as_slice()
        );
    }

    let sig65 = v.bytes("recover_sha256_signature65");
    let sig = RecoverableSignature::from_parts(&sig65[..64], u32::from(sig65[64])).unwrap();
    let recovered =
        PublicKey::recover_prehash(&sha256(&v.bytes("recover_sha256_message")), &sig).unwrap();
    assert_eq!(
        recovered.as_bytes().as_slice(),
        v.bytes("recover_sha256_public_key").as_slice()
    );

    let text = v.text("recover_eip191_signature_request_text");
    assert!(text.contains(&hex::encode(v.bytes("recover_eip191_key_bytes"))));
    let sig = RecoverableSignature::from_parts(
        &v.bytes("recover_eip191_signature64"),
        v.u64("recover_eip191_recovery") as u32,
    )
    .unwrap();
    let recovered = PublicKey::recover_prehash(&eip191_hash(text.as_bytes()), &sig).unwrap();
    assert_eq!(
        recovered.as_bytes().as_slice(),
        v.bytes("recover_eip191_public_key").as_slice()
    );
    assert_eq!(
        recovered.eth_address().to_string(),
        v.text("recover_eip191_address")
    );

    // A private key bundle encrypted by xmtp-js under a 65-byte wallet signature, no AAD.
    let plaintext = decrypt_parts(
        &v.bytes("hardcoded_secret"),
        &v.bytes("hardcoded_hkdf_salt"),
        &v.bytes("hardcoded_gcm_nonce"),
        &v.bytes("hardcoded_payload"),
        b"",
    )
    .unwrap();
    assert_eq!(plaintext, v.bytes("hardcoded_plaintext"));
}

/// TV-7 (recomputed part): the private-preferences encryption key.
#[test]
fn tv07_preferences_key() {
    let v = Vector::load("tv07_preferences_topic");
    let k = hkdf_sha256(
        &v.bytes("identity_private_key"),
        v.text("recomputed.encryption_hkdf_salt_ascii").as_bytes(),
        b"",
    );
    assert_eq!(
        k.expose().as_slice(),
        v.bytes("recomputed.preferences_encryption_key").as_slice()
    );
}

/// TV-8a: a v1 message body produced by xmtp-js decrypts under the triple-DH secret.
#[test]
fn tv08a_v1_decrypt() {
    let v = Vector::load("tv08a_v1_decrypt");
    let plaintext = decrypt_parts(
        &v.bytes("triple_dh_secret"),
        &v.bytes("hkdf_salt"),
        &v.bytes("gcm_nonce"),
        &v.bytes("payload"),
        &v.bytes("additional_data"),
    )
    .unwrap();
    assert_eq!(plaintext, v.bytes("expected_plaintext"));
}

/// TV-8d: a ciphertext made by xmtp-js `encrypt()`.
#[test]
fn tv08d_known_ciphertext() {
    let v = Vector::load("tv08d_known_ciphertext");
    let ct = Ciphertext::from_parts(
        &v.bytes("extracted.hkdf_salt"),
        &v.bytes("extracted.gcm_nonce"),
        &v.bytes("extracted.payload"),
    )
    .unwrap();
    assert_eq!(
        decrypt(&v.bytes("secret"), &ct, b"").unwrap(),
        v.bytes("expected_plaintext")
    );
}

/// TV-10a: every cryptographic step of a complete v2 message.
#[test]
fn tv10a_v2_message_crypto() {
    let v = Vector::load("tv10a_v2_message");
    let pre_key = key(&v.bytes("alice_pre_key_private_key"));
    let header = v.bytes("header_bytes");
    let digest = sha256_concat(&[&header, &v.bytes("encoded_content")]);
    assert_eq!(digest.as_slice(), v.bytes("digest").as_slice());
    let sig = pre_key.sign_prehash(&digest);
    assert_eq!(sig.bytes.as_slice(), v.bytes("prekey_signature").as_slice());
    assert_eq!(u64::from(sig.recovery), v.u64("recovery"));

    let key_material = v.bytes("key_material");
    let ct = encrypt_with(
        &key_material,
        &v.bytes("signed_content"),
        &header,
        v.array("hkdf_salt"),
        v.array("gcm_nonce"),
    );
    assert_eq!(ct.payload, v.bytes("aes_payload"));
    assert_eq!(
        decrypt(&key_material, &ct, &header).unwrap(),
        v.bytes("signed_content")
    );

    let hmac_key = hkdf_sha256(&key_material, b"", v.text("hmac_info").as_bytes());
    assert_eq!(hmac_key.expose().as_slice(), v.bytes("hmac_key").as_slice());
    assert_eq!(
        hmac_sha256(hmac_key.expose(), &header).as_slice(),
        v.bytes("sender_hmac").as_slice()
    );
    assert_eq!(
        hex::encode(sha256(&v.bytes("message"))),
        v.text("message_id")
    );
}

/// TV-10b: sender-HMAC key derivation with an empty salt.
#[test]
fn tv10b_sender_hmac() {
    let v = Vector::load("tv10b_sender_hmac");
    let k = hkdf_sha256(
        &v.bytes("key_material"),
        &v.bytes("hkdf_salt"),
        v.text("hkdf_info").as_bytes(),
    );
    assert_eq!(k.expose().as_slice(), v.bytes("hmac_key").as_slice());
    assert_eq!(
        hmac_sha256(k.expose(), &v.bytes("hmac_input")).as_slice(),
        v.bytes("hmac_output").as_slice()
    );
}

/// TV-10c: a local wallet signs the Enable Identity text as MetaMask would, and the signature keys
/// the private-key storage.
#[test]
fn tv10c_local_wallet_personal_sign() {
    let v = Vector::load("tv10c_enable_identity_key");
    let wallet = LocalWallet::from_hex(&hex::encode(v.bytes("wallet_private_key"))).unwrap();
    assert_eq!(wallet.address().to_string(), v.text("wallet_address"));
    let text = v.text("signature_request_text");
    assert_eq!(
        eip191_hash(text.as_bytes()).as_slice(),
        v.bytes("eip191_digest").as_slice()
    );
    let sig = wallet.personal_sign(text.as_bytes());
    assert_eq!(
        sig.to_bytes_v27().expose(),
        v.bytes("wallet_signature65").as_slice()
    );
    assert_eq!(
        u64::from(sig.recovery()),
        v.u64("wallet_signature_recovery")
    );
    let aes_key = hkdf_sha256(sig.to_bytes_v27().expose(), &v.bytes("hkdf_salt"), b"");
    assert_eq!(aes_key.expose().as_slice(), v.bytes("aes_key").as_slice());
}

/// Negative vectors: every tampered input is refused with the right typed error.
#[test]
fn negative_vectors() {
    let v = Vector::load("neg_tampered");
    for case in [
        "tv08a_tag_byte_flipped",
        "tv08a_additional_data_byte_flipped",
        "tv08a_nonce_byte_flipped",
        "tv08a_salt_byte_flipped",
    ] {
        let result = decrypt_parts(
            &v.bytes(&format!("{case}.triple_dh_secret")),
            &v.bytes(&format!("{case}.hkdf_salt")),
            &v.bytes(&format!("{case}.gcm_nonce")),
            &v.bytes(&format!("{case}.payload")),
            &v.bytes(&format!("{case}.additional_data")),
        );
        assert_eq!(result, Err(Error::DecryptionFailed), "{case}");
    }

    // The same ciphertext as TV-8d, one payload byte flipped (protobuf framing: salt at 4..36,
    // nonce at 38..50, payload from 52).
    let ct = v.bytes("tv08d_payload_byte_flipped.ciphertext");
    let result = decrypt_parts(
        &v.bytes("tv08d_payload_byte_flipped.secret"),
        &ct[4..36],
        &ct[38..50],
        &ct[52..],
        b"",
    );
    assert_eq!(result, Err(Error::DecryptionFailed));

    let high_s = "tv05a_high_s_signature";
    let public =
        PublicKey::from_uncompressed(&v.bytes(&format!("{high_s}.identity_public_key"))).unwrap();
    let digest: [u8; 32] = v.array(&format!("{high_s}.signed_digest"));
    public
        .verify_prehash(
            &digest,
            &v.bytes(&format!("{high_s}.original_signature_rs")),
        )
        .unwrap();
    assert_eq!(
        public.verify_prehash(&digest, &v.bytes(&format!("{high_s}.signature_rs"))),
        Err(Error::HighS)
    );
    let flipped = RecoverableSignature::from_parts(
        &v.bytes(&format!("{high_s}.signature_rs")),
        v.u64(&format!("{high_s}.recovery")) as u32,
    )
    .unwrap();
    assert!(flipped.is_high_s());

    for case in [
        "public_key_prefix_05",
        "public_key_64_bytes",
        "public_key_not_on_curve",
    ] {
        PublicKey::from_uncompressed(&v.bytes(&format!("{case}.original_public_key"))).unwrap();
        assert!(
            matches!(
                PublicKey::from_uncompressed(&v.bytes(&format!("{case}.public_key"))),
                Err(Error::InvalidPublicKey(_))
            ),
            "{case}"
        );
    }
}

/// A recovery id of 2 or 3 is not an XMTP recovery id, and a wrong one recovers a different key.
#[test]
fn bad_recovery_id() {
    let k = PrivateKey::generate();
    let digest = sha256(b"m");
    let sig = k.sign_prehash(&digest);
    assert_eq!(
        RecoverableSignature::from_parts(&sig.bytes, 2),
        Err(Error::InvalidRecoveryId(2))
    );
    let wrong = RecoverableSignature {
        bytes: sig.bytes,
        recovery: 1 - sig.recovery,
    };
    match PublicKey::recover_prehash(&digest, &wrong) {
        Ok(other) => assert_ne!(&other, k.public_key()),
        Err(e) => assert_eq!(e, Error::RecoveryFailed),
    }
    let invalid = RecoverableSignature {
        bytes: sig.bytes,
        recovery: 3,
    };
    assert_eq!(
        PublicKey::recover_prehash(&digest, &invalid),
        Err(Error::InvalidRecoveryId(3))
    );
}
