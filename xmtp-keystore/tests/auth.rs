//! Auth tokens (network.md §3.1) against the node's verification (§3.2).
#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("common/helpers.rs");

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use xmtp_crypto::{PrivateKey, keccak256};
use xmtp_keystore::{
    AuthError, AuthToken, DEFAULT_MAX_AGE_NS, create_auth_token, verify_auth_header,
};
use xmtp_proto::Message;
use xmtp_proto::message_api::v1::{AuthData, Token};
use xmtp_proto::message_contents::{self as pb, signature};

const NOW: u64 = 1_700_000_000_000_000_000;

fn alice() -> (xmtp_keystore::PrivateKeyBundle, PrivateKey) {
    let v = Vector::load("tv01_deterministic_topic");
    let key = PrivateKey::from_bytes(&v.bytes("recomputed.alice_identity_private_key")).unwrap();
    (tv1().0, key)
}

fn decode_token(header: &str) -> Token {
    let b64 = header.strip_prefix("Bearer ").unwrap();
    Token::decode(STANDARD.decode(b64).unwrap().as_slice()).unwrap()
}

fn header(token: &Token) -> String {
    format!("Bearer {}", STANDARD.encode(token.encode_to_vec()))
}

/// Re-signs `auth_data` with `key` into a copy of `token`.
fn resign(token: &Token, auth_data: &AuthData, key: &PrivateKey) -> Token {
    let bytes = auth_data.encode_to_vec();
    let sig = key.sign_prehash(&keccak256(&bytes));
    Token {
        auth_data_bytes: bytes,
        auth_data_signature: Some(pb::Signature {
            union: Some(signature::Union::EcdsaCompact(signature::EcdsaCompact {
                bytes: sig.bytes.to_vec(),
                recovery: u32::from(sig.recovery),
            })),
        }),
        ..token.clone()
    }
}

fn verify(h: &str) -> Result<String, AuthError> {
    verify_auth_header(h, NOW, DEFAULT_MAX_AGE_NS).map(|a| a.to_string())
}

#[test]
fn round_trip_recovers_the_wallet() {
    let (bundle, _) = alice();
    let token = AuthToken::create(&bundle, NOW);
    assert_eq!(
        verify(&token.authorization_header()).unwrap(),
        "0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690"
    );
    assert_eq!(
        format!("Bearer {}", create_auth_token(&bundle, NOW)),
        token.authorization_header()
    );
    // Token layout as JS builds it: legacy identity key with the wallet signature in
    // ecdsa_compact, AuthData{EIP-55, created_ns}.
    let decoded = decode_token(&token.authorization_header());
    let identity = decoded.identity_key.unwrap();
    assert_eq!(identity.timestamp, 1_688_709_155_137);
    assert!(matches!(
        identity.signature.unwrap().union,
        Some(signature::Union::EcdsaCompact(_))
    ));
    let data = AuthData::decode(decoded.auth_data_bytes.as_slice()).unwrap();
    assert_eq!(
        data.wallet_addr,
        "0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690"
    );
    assert_eq!(data.created_ns, NOW);
    assert!(!format!("{token:?}").contains(token.as_str()));
}

#[test]
fn fresh_identity_round_trip() {
    let (wallet, bundle) = new_identity(1_700_000_000_000);
    let token = AuthToken::create(&bundle, NOW);
    let got = verify_auth_header(&token.authorization_header(), NOW, DEFAULT_MAX_AGE_NS).unwrap();
    assert_eq!(got, wallet.address());
    assert!(token.is_fresh(NOW + 3_589_000_000_000));
    assert!(!token.is_fresh(NOW + 3_590_000_000_000));
}

#[test]
fn expiry_and_future_tokens() {
    let (bundle, _) = alice();
    let h = AuthToken::create(&bundle, NOW).authorization_header();
    assert!(verify_auth_header(&h, NOW + DEFAULT_MAX_AGE_NS, DEFAULT_MAX_AGE_NS).is_ok());
    let err = verify_auth_header(&h, NOW + DEFAULT_MAX_AGE_NS + 1, DEFAULT_MAX_AGE_NS).unwrap_err();
    assert_eq!(err, AuthError::TokenExpired);
    assert_eq!(err.to_string(), "validating token: token expired");
    assert!(err.is_retryable());
    // Future-dated tokens are accepted (no lower bound since node-go #182).
    assert!(verify_auth_header(&h, NOW - 86_400_000_000_000, DEFAULT_MAX_AGE_NS).is_ok());
    // A custom max age.
    assert_eq!(
        verify_auth_header(&h, NOW + 11, 10).unwrap_err(),
        AuthError::TokenExpired
    );
}

#[test]
fn wallet_signature_in_either_slot() {
    let (bundle, _) = alice();
    let mut token = decode_token(&AuthToken::create(&bundle, NOW).authorization_header());
    let identity = token.identity_key.as_mut().unwrap();
    let Some(signature::Union::EcdsaCompact(s)) = identity.signature.take().unwrap().union else {
        panic!("legacy slot expected");
    };
    identity.signature = Some(pb::Signature {
        union: Some(signature::Union::WalletEcdsaCompact(
            signature::WalletEcdsaCompact {
                bytes: s.bytes,
                recovery: s.recovery,
            },
        )),
    });
    assert_eq!(
        verify(&header(&token)).unwrap(),
        "0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690"
    );
}

#[test]
fn wallet_addr_must_match_exactly() {
    let (bundle, key) = alice();
    let token = decode_token(&AuthToken::create(&bundle, NOW).authorization_header());
    for wrong in [
        "0xf56d1f3b1290204441cb3843c2cac1c2f5aed690", // right address, lower case
        "0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34", // someone else
    ] {
        let forged = resign(
            &token,
            &AuthData {
                wallet_addr: wrong.into(),
                created_ns: NOW,
            },
            &key,
        );
        let err = verify(&header(&forged)).unwrap_err();
        assert_eq!(err, AuthError::WalletAddressMismatch);
        assert_eq!(err.to_string(), "validating token: wallet address mismatch");
    }
}

#[test]
fn auth_data_signature_checks() {
    let (bundle, _) = alice();
    let token = decode_token(&AuthToken::create(&bundle, NOW).authorization_header());
    let Some(signature::Union::EcdsaCompact(sig)) =
        token.auth_data_signature.clone().unwrap().union
    else {
        panic!("ecdsa_compact expected");
    };

    // High-S twin of the valid signature: libsecp256k1 refuses it.
    let high = Token {
        auth_data_signature: Some(pb::Signature {
            union: Some(signature::Union::EcdsaCompact(signature::EcdsaCompact {
                bytes: to_high_s(&sig.bytes),
                recovery: 1 - sig.recovery,
            })),
        }),
        ..token.clone()
    };
    assert_eq!(
        verify(&header(&high)).unwrap_err(),
        AuthError::InvalidSignature
    );

    // Auth data changed after signing (a later created_ns).
    let tampered = Token {
        auth_data_bytes: AuthData {
            wallet_addr: "0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690".into(),
            created_ns: NOW + 1,
        }
        .encode_to_vec(),
        ..token.clone()
    };
    let err = verify(&header(&tampered)).unwrap_err();
    assert_eq!(err, AuthError::InvalidSignature);
    assert_eq!(err.to_string(), "validating token: invalid signature");

    // Signed by a key that is not the identity key.
    let other = resign(
        &token,
        &AuthData::decode(token.auth_data_bytes.as_slice()).unwrap(),
        &PrivateKey::generate(),
    );
    assert_eq!(
        verify(&header(&other)).unwrap_err(),
        AuthError::InvalidSignature
    );

    // The auth-data signature in the wallet slot.
    let wrong_arm = Token {
        auth_data_signature: Some(pb::Signature {
            union: Some(signature::Union::WalletEcdsaCompact(
                signature::WalletEcdsaCompact {
                    bytes: sig.bytes.clone(),
                    recovery: sig.recovery,
                },
            )),
        }),
        ..token.clone()
    };
    assert_eq!(
        verify(&header(&wrong_arm)).unwrap_err(),
        AuthError::UnknownSignatureType
    );

    let missing = Token {
        auth_data_signature: None,
        ..token.clone()
    };
    assert_eq!(
        verify(&header(&missing)).unwrap_err().to_string(),
        "validating token: missing auth data signature"
    );
    let no_data = Token {
        auth_data_bytes: Vec::new(),
        ..token.clone()
    };
    assert_eq!(
        verify(&header(&no_data)).unwrap_err(),
        AuthError::MissingAuthData
    );
}

#[test]
fn identity_key_checks() {
    let (bundle, _) = alice();
    let token = decode_token(&AuthToken::create(&bundle, NOW).authorization_header());

    let none = Token {
        identity_key: None,
        ..token.clone()
    };
    let err = verify(&header(&none)).unwrap_err();
    assert_eq!(err, AuthError::MissingIdentityKey);
    assert_eq!(err.to_string(), "extracting token: missing identity key");

    let mut unsigned = token.clone();
    unsigned.identity_key.as_mut().unwrap().signature = None;
    assert_eq!(
        verify(&header(&unsigned)).unwrap_err(),
        AuthError::MissingIdentityKey
    );

    let mut short_sig = token.clone();
    if let Some(signature::Union::EcdsaCompact(s)) = short_sig
        .identity_key
        .as_mut()
        .unwrap()
        .signature
        .as_mut()
        .unwrap()
        .union
        .as_mut()
    {
        s.bytes.pop();
    }
    assert_eq!(
        verify(&header(&short_sig)).unwrap_err().to_string(),
        "validating token: invalid signature length"
    );

    let mut no_arm = token.clone();
    no_arm.identity_key.as_mut().unwrap().signature = Some(pb::Signature { union: None });
    assert_eq!(
        verify(&header(&no_arm)).unwrap_err(),
        AuthError::UnknownSignatureType
    );

    // A changed identity timestamp makes the wallet signature recover another address.
    let mut moved = token.clone();
    moved.identity_key.as_mut().unwrap().timestamp += 1;
    assert_eq!(
        verify(&header(&moved)).unwrap_err(),
        AuthError::WalletAddressMismatch
    );

    let mut short_key = token.clone();
    if let Some(pb::public_key::Union::Secp256k1Uncompressed(k)) =
        short_key.identity_key.as_mut().unwrap().union.as_mut()
    {
        k.bytes.truncate(64);
    }
    assert_eq!(
        verify(&header(&short_key)).unwrap_err(),
        AuthError::InvalidPublicKey
    );

    let mut keyless = token.clone();
    keyless.identity_key.as_mut().unwrap().union = None;
    assert_eq!(
        verify(&header(&keyless)).unwrap_err(),
        AuthError::UnknownPublicKeyType
    );
}

#[test]
fn header_and_encoding_errors() {
    let (bundle, _) = alice();
    let good = AuthToken::create(&bundle, NOW);
    let b64 = good.as_str();

    assert_eq!(verify("Bearer").unwrap_err(), AuthError::InvalidHeader);
    assert_eq!(
        verify("").unwrap_err().to_string(),
        "invalid authorization header"
    );
    let err = verify(&format!("Basic {b64}")).unwrap_err();
    assert_eq!(err, AuthError::UnrecognizedScheme("Basic".into()));
    assert_eq!(err.to_string(), "unrecognized authorization scheme Basic");
    assert!(matches!(
        verify(&format!("bearer {b64}")).unwrap_err(),
        AuthError::UnrecognizedScheme(_)
    ));
    // Surrounding spaces around the token are trimmed, as Go's TrimSpace does.
    assert!(verify(&format!("Bearer  {b64} ")).is_ok());

    // Strict standard base64: no missing padding, no URL-safe alphabet, no junk.
    let unpadded = b64.trim_end_matches('=');
    if unpadded.len() != b64.len() {
        assert!(matches!(
            verify(&format!("Bearer {unpadded}")).unwrap_err(),
            AuthError::Base64(_)
        ));
    }
    let url_safe = b64.replace('+', "-").replace('/', "_");
    if url_safe != b64 {
        assert!(matches!(
            verify(&format!("Bearer {url_safe}")).unwrap_err(),
            AuthError::Base64(_)
        ));
    }
    let err = verify("Bearer !!!!").unwrap_err();
    assert_eq!(err, AuthError::Base64(0));
    assert!(
        err.to_string()
            .starts_with("extracting token: illegal base64 data")
    );

    // Valid base64 of bytes that are not a Token.
    let junk = STANDARD.encode([0xff, 0xff, 0xff]);
    assert_eq!(
        verify(&format!("Bearer {junk}")).unwrap_err(),
        AuthError::TokenProtobuf
    );
    // A Token whose auth data is not AuthData.
    let (_, key) = alice();
    let mut bad_data = decode_token(&good.authorization_header());
    bad_data.auth_data_bytes = vec![0x0a, 0xff];
    let sig = key.sign_prehash(&keccak256(&bad_data.auth_data_bytes));
    bad_data.auth_data_signature = Some(pb::Signature {
        union: Some(signature::Union::EcdsaCompact(signature::EcdsaCompact {
            bytes: sig.bytes.to_vec(),
            recovery: u32::from(sig.recovery),
        })),
    });
    assert_eq!(
        verify(&header(&bad_data)).unwrap_err(),
        AuthError::AuthDataProtobuf
    );
}

#[test]
fn random_headers_never_panic() {
    use proptest::prelude::*;
    proptest!(|(s in ".{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..300))| {
        let _ = verify_auth_header(&s, NOW, DEFAULT_MAX_AGE_NS);
        let h = format!("Bearer {}", STANDARD.encode(&bytes));
        prop_assert!(verify_auth_header(&h, NOW, DEFAULT_MAX_AGE_NS).is_err());
    });
}
