//! Forward secrecy (issue 19): encrypting and decrypting a 1 KiB forward-secret message with
//! the keystore's Olm installations (vodozemac), beside plain v2 sealing and opening of the same
//! content, and X25519 itself (performance.md §3.2). Figures in BENCHMARKS.md.
//!
//! - `fs/encrypt_1KiB_in_chain`, `fs/decrypt_1KiB_in_chain`: one more message of a sending
//!   chain (symmetric ratchet only).
//! - `fs/ping_pong_1KiB`: one message each way, each one a Diffie-Hellman ratchet step (an
//!   X25519 keygen and DH on each side): the worst case of a conversation.
//! - `fs/session_start_1KiB`: a new session from the fallback key (3DH) and its first message,
//!   both sides.
//! - `fs/fan_out_6_1KiB`: one message sealed for six installations (three per wallet).
//! - `fs/send_v2_wrapped_1KiB`, `fs/read_v2_wrapped_1KiB`: the whole path, v2 around Olm.
//! - `fs/plain_v2_seal_1KiB`, `fs/plain_v2_open_1KiB`: the same content in plain v2.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use xmtp_keystore::{
    ContactBundle, Installation, InstallationKeys, SealOptions, VerifiedBundleCache,
    open_v2_message_cached, seal_v2_message, verify_installation_records,
};

use crate::common::{MESSAGE_LEN, T0_MS, conversation, identity, random_bytes};

const NS: u64 = T0_MS * 1_000_000;

fn keys_of(bundle: &xmtp_keystore::PrivateKeyBundle, i: &Installation) -> InstallationKeys {
    let record = i.keys_record(bundle, NS);
    verify_installation_records(&ContactBundle::v2_for(bundle), [record.as_slice()])
        .expect("verifies")
        .active
        .remove(0)
}

fn forward_secrecy(c: &mut Criterion) {
    let (alice_id, bob_id) = (identity(), identity());
    let content = random_bytes(MESSAGE_LEN);
    let (mut alice, bob) = established(&alice_id, &bob_id, &content);
    let bob_keys = keys_of(&bob_id, &bob);
    let to_bob = std::slice::from_ref(&bob_keys);

    let mut g = c.benchmark_group("fs");
    g.bench_function("encrypt_1KiB_in_chain", |bench| {
        bench.iter(|| alice.encrypt(to_bob, black_box(&content)).unwrap())
    });
    // Decrypt in chain: each message is made fresh (untimed) and read once, on a new pair (the
    // encrypt bench above left a chain far beyond the skip window).
    let (mut alice, mut bob) = established(&alice_id, &bob_id, &content);
    let (a, b) = (alice.id(), bob.id());
    let alice_keys = keys_of(&alice_id, &alice);
    let bob_keys = keys_of(&bob_id, &bob);
    let to_bob = std::slice::from_ref(&bob_keys);
    let to_alice = std::slice::from_ref(&alice_keys);
    {
        let alice = &mut alice;
        let bob = &mut bob;
        g.bench_function("decrypt_1KiB_in_chain", |bench| {
            bench.iter_batched(
                || alice.encrypt(to_bob, &content).unwrap(),
                |m| bob.decrypt(black_box(&m), |id| *id == a).unwrap(),
                BatchSize::SmallInput,
            )
        });
    }
    g.bench_function("ping_pong_1KiB", |bench| {
        bench.iter(|| {
            let m = alice.encrypt(to_bob, black_box(&content)).unwrap();
            bob.decrypt(&m, |id| *id == a).unwrap();
            let r = bob.encrypt(to_alice, black_box(&content)).unwrap();
            alice.decrypt(&r, |id| *id == b).unwrap()
        })
    });
    g.bench_function("session_start_1KiB", |bench| {
        bench.iter_batched(
            || {
                let to = Installation::new(NS);
                let to_keys = keys_for_bench(&to);
                (Installation::new(NS), to, to_keys)
            },
            |(mut from, mut to, to_keys)| {
                let from_id = from.id();
                let m = from.encrypt(&[to_keys], black_box(&content)).unwrap();
                to.decrypt(&m, |id| *id == from_id).unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    let mut fleet: Vec<Installation> = (0..6).map(|_| Installation::new(NS)).collect();
    let fleet_keys: Vec<InstallationKeys> = fleet.iter().map(keys_for_bench).collect();
    let mut sender = Installation::new(NS);
    let sender_id = sender.id();
    // Sessions exist with all six.
    let m = sender.encrypt(&fleet_keys, &content).unwrap();
    for reader in &mut fleet {
        reader.decrypt(&m, |id| *id == sender_id).unwrap();
    }
    g.bench_function("fan_out_6_1KiB", |bench| {
        bench.iter(|| sender.encrypt(&fleet_keys, black_box(&content)).unwrap())
    });

    // The whole path: v2 around Olm, against plain v2.
    let (at_alice, at_bob) = conversation(&alice_id, &bob_id);
    let cache = VerifiedBundleCache::new();
    g.bench_function("plain_v2_seal_1KiB", |bench| {
        bench.iter(|| {
            seal_v2_message(
                &alice_id,
                &at_alice,
                black_box(&content),
                NS + 1,
                SealOptions::default(),
            )
            .unwrap()
        })
    });
    let sealed = seal_v2_message(
        &alice_id,
        &at_alice,
        &content,
        NS + 1,
        SealOptions::default(),
    )
    .unwrap();
    open_v2_message_cached(&at_bob, &sealed.payload, &cache).unwrap();
    g.bench_function("plain_v2_open_1KiB", |bench| {
        bench.iter(|| open_v2_message_cached(&at_bob, black_box(&sealed.payload), &cache).unwrap())
    });
    g.bench_function("send_v2_wrapped_1KiB", |bench| {
        bench.iter(|| {
            let inner = alice.encrypt(to_bob, black_box(&content)).unwrap();
            seal_v2_message(&alice_id, &at_alice, &inner, NS + 1, SealOptions::default()).unwrap()
        })
    });
    let (mut alice, mut bob) = established(&alice_id, &bob_id, &content);
    let a = alice.id();
    let to_bob = &[keys_of(&bob_id, &bob)];
    {
        let alice = &mut alice;
        let bob = &mut bob;
        g.bench_function("read_v2_wrapped_1KiB", |bench| {
            bench.iter_batched(
                || {
                    let inner = alice.encrypt(to_bob, &content).unwrap();
                    seal_v2_message(&alice_id, &at_alice, &inner, NS + 1, SealOptions::default())
                        .unwrap()
                },
                |sealed| {
                    let opened =
                        open_v2_message_cached(&at_bob, black_box(&sealed.payload), &cache)
                            .unwrap();
                    bob.decrypt(&opened.content, |id| *id == a).unwrap()
                },
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

/// Two installations whose session has carried one message each way.
fn established(
    alice_id: &xmtp_keystore::PrivateKeyBundle,
    bob_id: &xmtp_keystore::PrivateKeyBundle,
    content: &[u8],
) -> (Installation, Installation) {
    let (mut alice, mut bob) = (Installation::new(NS), Installation::new(NS));
    let (a, b) = (alice.id(), bob.id());
    let first = alice.encrypt(&[keys_of(bob_id, &bob)], content).unwrap();
    bob.decrypt(&first, |id| *id == a).unwrap();
    let reply = bob.encrypt(&[keys_of(alice_id, &alice)], content).unwrap();
    alice.decrypt(&reply, |id| *id == b).unwrap();
    (alice, bob)
}

/// An installation's keys as a sender would read them (the signature check is not what this
/// bench measures, so no identity is involved).
fn keys_for_bench(i: &Installation) -> InstallationKeys {
    thread_local! {
        static OWNER: xmtp_keystore::PrivateKeyBundle = identity();
    }
    OWNER.with(|owner| keys_of(owner, i))
}

criterion_group! {
    name = benches;
    config = common::fast();
    targets = forward_secrecy
}
criterion_main!(benches);
