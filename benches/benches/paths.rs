//! Composed paths through xmtp-keystore's real functions (performance.md §3.6 and §6, C1 to C5),
//! the sender-bundle cache on many messages from few senders (C3), and batch decryption on one
//! and two threads (C9). `run-criterion.sh` turns the medians into the C1 to C9 ratios.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use xmtp_keystore::{
    SealOptions, SignedPublicKeyBundle, VerifiedBundleCache, deterministic_invitation,
    open_invitation, open_invitations, open_v2_message, open_v2_message_cached, open_v2_messages,
    open_v2_messages_cached, seal_invitation, seal_v2_message,
};

use crate::common::{
    Inbox, MESSAGE_LEN, T0_MS, conversation, identity, invitations, pool, random_bytes, refs,
    sealed_invitation,
};

const NS: u64 = T0_MS * 1_000_000;

fn v2_messages(c: &mut Criterion) {
    let (alice, bob) = (identity(), identity());
    let (at_alice, at_bob) = conversation(&alice, &bob);
    let content = random_bytes(MESSAGE_LEN);
    let sealed = seal_v2_message(&alice, &at_alice, &content, NS + 1, SealOptions::default())
        .expect("sealed");
    let cache = VerifiedBundleCache::new();
    open_v2_message_cached(&at_bob, &sealed.payload, &cache).expect("opens");
    let mut g = c.benchmark_group("v2");
    g.bench_function("seal_1KiB", |b| {
        b.iter(|| {
            seal_v2_message(
                &alice,
                &at_alice,
                black_box(&content),
                NS + 1,
                SealOptions::default(),
            )
        })
    });
    g.bench_function("open_cached_1KiB", |b| {
        b.iter(|| open_v2_message_cached(&at_bob, black_box(&sealed.payload), &cache))
    });
    g.bench_function("open_full_1KiB", |b| {
        b.iter(|| open_v2_message(&at_bob, black_box(&sealed.payload)))
    });
    // The EC part of exactly this open: its payload signature, pre-key and digest. ECDSA verify
    // time varies with the key and the scalars, so C6 and C8 subtract this rather than the
    // primitive's verify of another random key.
    let (pre_key, digest, signature) = signed_parts(&at_bob, &sealed.payload);
    g.bench_function("open_cached_1KiB_ec_part", |b| {
        b.iter(|| pre_key.verify_prehash(black_box(&digest), &signature))
    });
    let c_key = secp256k1::PublicKey::from_slice(pre_key.as_bytes()).expect("a valid key");
    let c_signature = secp256k1::ecdsa::Signature::from_compact(&signature).expect("64 bytes");
    let c_message = secp256k1::Message::from_digest(digest);
    g.bench_function("open_cached_1KiB_ec_part_libsecp", |b| {
        b.iter(|| secp256k1::ecdsa::verify(&c_signature, black_box(c_message), &c_key))
    });
    g.finish();

    let bundle = alice.signed_public_bundle().to_proto();
    c.bench_function("bundle/verify", |b| {
        b.iter(|| SignedPublicKeyBundle::from_proto(black_box(&bundle)).and_then(|b| b.validate()))
    });
}

/// The sender pre-key, signed digest and compact signature that opening `payload` verifies,
/// taken apart with the generated protobuf types.
fn signed_parts(
    conversation: &xmtp_keystore::Conversation,
    payload: &[u8],
) -> (xmtp_crypto::PublicKey, [u8; 32], [u8; 64]) {
    use xmtp_proto::Message as _;
    use xmtp_proto::message_contents as pb;
    let message = pb::Message::decode(payload).expect("a Message");
    let Some(pb::message::Version::V2(v2)) = message.version else {
        panic!("a v2 message");
    };
    let Some(pb::ciphertext::Union::Aes256GcmHkdfSha256(ciphertext)) =
        v2.ciphertext.and_then(|c| c.union)
    else {
        panic!("an AES-GCM ciphertext");
    };
    let signed = xmtp_crypto::decrypt_parts(
        conversation.invitation.key_material.expose(),
        &ciphertext.hkdf_salt,
        &ciphertext.gcm_nonce,
        &ciphertext.payload,
        &v2.header_bytes,
    )
    .expect("decrypts");
    let signed = pb::SignedContent::decode(signed.as_slice()).expect("a SignedContent");
    let sender =
        SignedPublicKeyBundle::from_proto(&signed.sender.expect("a sender")).expect("valid");
    let Some(pb::signature::Union::EcdsaCompact(signature)) =
        signed.signature.and_then(|s| s.union)
    else {
        panic!("an ECDSA signature");
    };
    let digest = xmtp_crypto::sha256_concat(&[&v2.header_bytes, &signed.payload]);
    let signature: [u8; 64] = signature.bytes.try_into().expect("64 bytes");
    (*sender.pre_key.key(), digest, signature)
}

fn invitation(c: &mut Criterion) {
    let (alice, bob) = (identity(), identity());
    let recipient = bob.signed_public_bundle();
    let invitation = deterministic_invitation(&alice, &recipient, None, None).expect("invitation");
    let sealed = sealed_invitation(&alice, &bob, None, NS);
    let mut g = c.benchmark_group("invitation");
    g.bench_function("seal", |b| {
        b.iter(|| seal_invitation(&alice, black_box(&recipient), &invitation, NS))
    });
    g.bench_function("open", |b| {
        b.iter(|| open_invitation(&bob, black_box(&sealed.payload), NS))
    });
    g.finish();
}

/// Runs `work` `iters` times on a pool of `threads` threads and returns the time spent in it.
fn timed_on(
    threads: usize,
    iters: u64,
    work: &(dyn Fn() -> usize + Sync),
    expect: usize,
) -> Duration {
    let pool = pool(threads);
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        let ok = pool.install(work);
        total += start.elapsed();
        assert_eq!(ok, expect, "every item opens");
    }
    total
}

/// C3: 10,000 messages from 20 senders on one thread with a cold cache.
fn bundle_cache(c: &mut Criterion) {
    const SENDERS: usize = 20;
    const MESSAGES: usize = 10_000;
    let inbox = Inbox::new(SENDERS, MESSAGES, &random_bytes(MESSAGE_LEN), NS);
    let envelopes = refs(&inbox.envelopes);
    let mut g = c.benchmark_group("c3");
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("open_10000_from_20_cold_cache", |b| {
        b.iter_custom(|iters| {
            let pool = pool(1);
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let cache = VerifiedBundleCache::new();
                let start = Instant::now();
                let opened =
                    pool.install(|| open_v2_messages_cached(&inbox.store, &envelopes, &cache));
                total += start.elapsed();
                assert_eq!(opened.iter().filter(|o| o.is_ok()).count(), MESSAGES);
                assert_eq!(cache.len(), SENDERS);
            }
            total
        })
    });
    g.finish();
}

/// C9: batch decryption of 2,000 items on one thread and on two.
fn parallel(c: &mut Criterion) {
    const ITEMS: usize = 2_000;
    let inbox = Inbox::new(20, ITEMS, &random_bytes(MESSAGE_LEN), NS);
    let messages = refs(&inbox.envelopes);
    let recipient = identity();
    let invites = invitations(&recipient, ITEMS, NS);
    let invites = refs(&invites);
    let warm = VerifiedBundleCache::new();
    open_v2_messages_cached(&inbox.store, &messages, &warm);
    let full = || {
        open_v2_messages(&inbox.store, &messages)
            .iter()
            .flatten()
            .count()
    };
    let cached = || {
        open_v2_messages_cached(&inbox.store, &messages, &warm)
            .iter()
            .flatten()
            .count()
    };
    let invitations = || {
        open_invitations(&recipient, &invites)
            .iter()
            .flatten()
            .count()
    };
    let batches: [(&str, &(dyn Fn() -> usize + Sync)); 3] = [
        ("open_v2_full_2000", &full),
        ("open_v2_cached_2000", &cached),
        ("open_invitations_2000", &invitations),
    ];
    let mut g = c.benchmark_group("c9");
    g.sampling_mode(SamplingMode::Flat);
    for threads in [1, 2] {
        for (name, work) in batches {
            g.bench_function(BenchmarkId::new(name, threads), |b| {
                b.iter_custom(|iters| timed_on(threads, iters, work, ITEMS))
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = composed;
    config = common::fast();
    targets = v2_messages, invitation
}
criterion_group! {
    name = batches;
    config = common::slow();
    targets = bundle_cache, parallel
}
criterion_main!(composed, batches);
