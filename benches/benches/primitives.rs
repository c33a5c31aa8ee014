//! The primitives of performance.md §3, measured through xmtp-crypto and xmtp-proto, with the
//! secp256k1 operations also measured through libsecp256k1 (the `secp256k1` crate) for the C8
//! ratios, and raw aes-gcm beside our AES-256-GCM/HKDF scheme for C7. Inputs are prepared outside
//! the timed closures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use xmtp_crypto::{
    PrivateKey, PublicKey, decrypt_parts, encrypt_with, hkdf_sha256, hmac_sha256, keccak256, sha256,
};
use xmtp_proto::Message as _;
use xmtp_proto::message_api::v1::Envelope;
use xmtp_proto::message_contents as pb;

use crate::common::{MESSAGE_LEN, conversation, identity, random_bytes, seal, sealed_invitation};

fn k256(c: &mut Criterion) {
    let mut g = c.benchmark_group("k256");
    let key = PrivateKey::generate();
    let peer = PrivateKey::generate();
    let digest = sha256(b"performance.md section 3.1");
    let signature = key.sign_prehash(&digest);
    let public = *key.public_key();
    g.bench_function("keygen", |b| b.iter(PrivateKey::generate));
    g.bench_function("sign_recoverable", |b| {
        b.iter(|| key.sign_prehash(black_box(&digest)))
    });
    g.bench_function("verify", |b| {
        b.iter(|| public.verify_prehash(black_box(&digest), &signature.bytes))
    });
    g.bench_function("recover_address", |b| {
        b.iter(|| {
            PublicKey::recover_prehash(black_box(&digest), &signature).map(|k| k.eth_address())
        })
    });
    g.bench_function("ecdh_point", |b| {
        b.iter(|| key.ecdh_point(black_box(peer.public_key())))
    });
    let encoded = *public.as_bytes();
    g.bench_function("pubkey_parse", |b| {
        b.iter(|| PublicKey::from_uncompressed(black_box(&encoded)))
    });
    g.finish();
}

fn libsecp(c: &mut Criterion) {
    use secp256k1::ecdsa::RecoverableSignature;
    use secp256k1::{Message, PublicKey as CPublicKey, SecretKey};

    let secret = |k: &PrivateKey| {
        let bytes: [u8; 32] = k.to_bytes().expose().try_into().expect("32 bytes");
        SecretKey::from_secret_bytes(bytes).expect("a valid scalar")
    };
    let mut g = c.benchmark_group("libsecp");
    let key = secret(&PrivateKey::generate());
    let peer = CPublicKey::from_secret_key(&secret(&PrivateKey::generate()));
    let digest = sha256(b"performance.md section 3.1");
    let message = Message::from_digest(digest);
    let recoverable = RecoverableSignature::sign_ecdsa_recoverable(message, &key);
    let signature = recoverable.to_standard();
    let public = CPublicKey::from_secret_key(&key);
    let random: [u8; 32] = random_bytes(32).try_into().expect("32 bytes");
    g.bench_function("keygen", |b| {
        b.iter(|| {
            let sk = SecretKey::from_secret_bytes(black_box(random)).expect("a valid scalar");
            CPublicKey::from_secret_key(&sk).serialize_uncompressed()
        })
    });
    // The crate re-randomises its context before every secret-key operation (§1 note 1); this is
    // that cost alone, so `sign_recoverable - rerandomize` estimates the raw FFI sign, which
    // needs `unsafe` (forbidden in this workspace).
    g.bench_function("rerandomize", |b| {
        b.iter(|| secp256k1::rerandomize_global_context(black_box(&random)))
    });
    g.bench_function("sign_recoverable", |b| {
        b.iter(|| {
            RecoverableSignature::sign_ecdsa_recoverable(black_box(message), &key)
                .serialize_compact()
        })
    });
    g.bench_function("verify", |b| {
        b.iter(|| secp256k1::ecdsa::verify(&signature, black_box(message), &public))
    });
    g.bench_function("recover_address", |b| {
        b.iter(|| {
            recoverable.recover_ecdsa(black_box(message)).map(|k| {
                let hash = keccak256(&k.serialize_uncompressed()[1..]);
                <[u8; 20]>::try_from(&hash[12..]).expect("20 bytes")
            })
        })
    });
    g.bench_function("ecdh_point", |b| {
        b.iter(|| secp256k1::ecdh::shared_secret_point(black_box(&peer), &key))
    });
    let encoded = public.serialize_uncompressed();
    g.bench_function("pubkey_parse", |b| {
        b.iter(|| CPublicKey::from_slice(black_box(&encoded)))
    });
    g.finish();
}

/// The plaintext sizes AES-GCM sees when opening a 1 KiB message and an invitation.
fn message_sizes() -> (usize, usize) {
    let plaintext_len = |c: Option<pb::Ciphertext>| match c.and_then(|c| c.union) {
        Some(pb::ciphertext::Union::Aes256GcmHkdfSha256(a)) => a.payload.len() - 16,
        None => 0,
    };
    let (a, b) = (identity(), identity());
    let (at_a, _) = conversation(&a, &b);
    let sealed = seal(&a, &at_a, &random_bytes(MESSAGE_LEN), 1);
    let message = match pb::Message::decode(sealed.payload.as_slice()) {
        Ok(pb::Message {
            version: Some(pb::message::Version::V2(v2)),
        }) => plaintext_len(v2.ciphertext),
        _ => 0,
    };
    let sealed = sealed_invitation(&a, &b, None, 1);
    let invitation = match pb::SealedInvitation::decode(sealed.payload.as_slice()) {
        Ok(pb::SealedInvitation {
            version: Some(pb::sealed_invitation::Version::V1(v1)),
        }) => plaintext_len(v1.ciphertext),
        _ => 0,
    };
    (message, invitation)
}

fn aead(c: &mut Criterion) {
    let (message_len, invitation_len) = message_sizes();
    let secret = random_bytes(32);
    let salt: [u8; 32] = random_bytes(32).try_into().expect("32 bytes");
    let nonce: [u8; 12] = random_bytes(12).try_into().expect("12 bytes");
    let aad = random_bytes(48);
    let sizes = [
        ("256", 256),
        ("msg", message_len),
        ("invite", invitation_len),
        ("4096", 4096),
        ("65536", 65_536),
        ("1048576", 1 << 20),
    ];
    // Our scheme: HKDF-SHA256 per message, then AES-256-GCM.
    let mut g = c.benchmark_group("aead");
    for (name, len) in sizes {
        let plaintext = random_bytes(len);
        let sealed = encrypt_with(&secret, &plaintext, &aad, salt, nonce);
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_with_input(BenchmarkId::new("seal", name), &plaintext, |b, p| {
            b.iter(|| encrypt_with(&secret, black_box(p), &aad, salt, nonce))
        });
        g.bench_with_input(BenchmarkId::new("open", name), &sealed.payload, |b, p| {
            b.iter(|| decrypt_parts(&secret, &salt, &nonce, black_box(p), &aad))
        });
    }
    g.finish();
    // aes-gcm alone, key set up once: the hardware limit C7 compares against.
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let key = aes_gcm::Aes256Gcm::new(&aes_gcm::Key::<aes_gcm::Aes256Gcm>::from(salt));
    let mut g = c.benchmark_group("aes_gcm_raw");
    for (name, len) in sizes {
        let plaintext = random_bytes(len);
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_with_input(BenchmarkId::new("encrypt", name), &plaintext, |b, p| {
            b.iter(|| {
                key.encrypt(
                    &aes_gcm::Nonce::from(nonce),
                    Payload {
                        msg: black_box(p),
                        aad: &aad,
                    },
                )
            })
        });
    }
    g.finish();
}

fn kdf_and_hashes(c: &mut Criterion) {
    let mut g = c.benchmark_group("kdf");
    let salt = random_bytes(32);
    let ikm32 = random_bytes(32);
    let ikm195 = random_bytes(195);
    g.bench_function("hkdf_32B_ikm", |b| {
        b.iter(|| hkdf_sha256(black_box(&ikm32), &salt, b""))
    });
    g.bench_function("hkdf_195B_ikm", |b| {
        b.iter(|| hkdf_sha256(black_box(&ikm195), &salt, b""))
    });
    let header = random_bytes(80);
    g.bench_function("hmac_sha256_80B", |b| {
        b.iter(|| hmac_sha256(&ikm32, black_box(&header)))
    });
    g.finish();
    let mut g = c.benchmark_group("hash");
    let data = random_bytes(1024);
    g.throughput(Throughput::Bytes(1024));
    g.bench_function("sha256_1KiB", |b| b.iter(|| sha256(black_box(&data))));
    g.bench_function("keccak256_1KiB", |b| b.iter(|| keccak256(black_box(&data))));
    g.finish();
}

fn proto(c: &mut Criterion) {
    let (a, b) = (identity(), identity());
    let (at_a, _) = conversation(&a, &b);
    let sealed = seal(&a, &at_a, &random_bytes(MESSAGE_LEN), 1);
    let message = pb::Message::decode(sealed.payload.as_slice()).expect("a message");
    let envelope = Envelope {
        content_topic: sealed.topic.clone(),
        timestamp_ns: sealed.timestamp_ns,
        message: sealed.payload.clone(),
    }
    .encode_to_vec();
    let signed = pb::SignedContent {
        payload: random_bytes(MESSAGE_LEN),
        sender: Some(a.signed_public_bundle().to_proto()),
        signature: Some(pb::Signature {
            union: Some(pb::signature::Union::EcdsaCompact(
                pb::signature::EcdsaCompact {
                    bytes: random_bytes(64),
                    recovery: 1,
                },
            )),
        }),
    };
    let signed_bytes = signed.encode_to_vec();
    let mut g = c.benchmark_group("proto");
    // Envelope{topic, ts, Message{v2: MessageV2{header, Ciphertext, hmac, should_push}}}.
    g.bench_function("envelope_v2_encode", |b| {
        b.iter(|| {
            Envelope {
                content_topic: sealed.topic.clone(),
                timestamp_ns: sealed.timestamp_ns,
                message: black_box(&message).encode_to_vec(),
            }
            .encode_to_vec()
        })
    });
    g.bench_function("envelope_v2_decode", |b| {
        b.iter(|| {
            let envelope = Envelope::decode(black_box(envelope.as_slice())).expect("an envelope");
            pb::Message::decode(envelope.message.as_slice())
        })
    });
    // What open_v2 decodes: the Message, its header, and the decrypted SignedContent.
    g.bench_function("message_v2_decode", |b| {
        b.iter(|| {
            let message = pb::Message::decode(black_box(sealed.payload.as_slice()));
            let header = match message {
                Ok(pb::Message {
                    version: Some(pb::message::Version::V2(v2)),
                }) => pb::MessageHeaderV2::decode(v2.header_bytes.as_slice()).ok(),
                _ => None,
            };
            header.map(|h| h.created_ns)
        })
    });
    let sealed_invite = sealed_invitation(&a, &b, None, 1).payload;
    g.bench_function("sealed_invitation_decode", |b| {
        b.iter(|| {
            match pb::SealedInvitation::decode(black_box(sealed_invite.as_slice())) {
                Ok(pb::SealedInvitation {
                    version: Some(pb::sealed_invitation::Version::V1(v1)),
                }) => pb::SealedInvitationHeaderV1::decode(v1.header_bytes.as_slice()).ok(),
                _ => None,
            }
            .map(|h| h.created_ns)
        })
    });
    g.bench_function("signed_content_encode", |b| {
        b.iter(|| black_box(&signed).encode_to_vec())
    });
    g.bench_function("signed_content_decode", |b| {
        b.iter(|| pb::SignedContent::decode(black_box(signed_bytes.as_slice())))
    });
    g.finish();
}

criterion_group! {
    name = primitives;
    config = common::fast();
    targets = k256, libsecp, aead, kdf_and_hashes, proto
}
criterion_main!(primitives);
