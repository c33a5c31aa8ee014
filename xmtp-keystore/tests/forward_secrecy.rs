//! The forward-secrecy layer's properties, on the keystore alone (no network): installation
//! records signed by the identity key, forward secrecy, post-compromise healing, replays, the
//! skip window, and the pickled state.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use xmtp_keystore::{
    ContactBundle, Error, FallbackKeyPolicy, FsError, Installation, InstallationId,
    InstallationKeys, MAX_MESSAGE_GAP, MAX_SKIPPED_KEYS_PER_CHAIN, PickleKey, PrivateKeyBundle,
    StoreKey, revocation_record, verify_installation_records,
};

include!("common/helpers.rs");

fn identity() -> PrivateKeyBundle {
    new_identity(1_700_000_000_000).1
}

fn keys_of(bundle: &PrivateKeyBundle, installation: &Installation) -> InstallationKeys {
    let record = installation.keys_record(bundle, 10);
    let contact = ContactBundle::v2_for(bundle);
    let list = verify_installation_records(&contact, [record.as_slice()]).unwrap();
    assert_eq!(list.active.len(), 1);
    list.active[0].clone()
}

fn pickle_key() -> PickleKey {
    StoreKey::from_identity(&identity()).pickle_key()
}

/// A copy of an installation's current state, as a thief who reads its store gets it.
fn leak(installation: &Installation, key: &PickleKey) -> Installation {
    Installation::unpickle(installation.pickle(key).expose(), key).unwrap()
}

struct Pair {
    alice: Installation,
    bob: Installation,
    alice_keys: InstallationKeys,
    bob_keys: InstallationKeys,
}

impl Pair {
    fn new() -> Self {
        let (alice_id, bob_id) = (identity(), identity());
        let alice = Installation::new(1);
        let bob = Installation::new(2);
        let alice_keys = keys_of(&alice_id, &alice);
        let bob_keys = keys_of(&bob_id, &bob);
        Self {
            alice,
            bob,
            alice_keys,
            bob_keys,
        }
    }

    /// A pair whose session has carried one message each way.
    fn established() -> Self {
        let mut pair = Self::new();
        let first = pair.a_to_b("m0");
        pair.bob_reads(&first).unwrap();
        let r = pair.b_to_a("r");
        pair.alice_reads(&r).unwrap();
        pair
    }

    fn a_to_b(&mut self, text: &str) -> Vec<u8> {
        self.alice
            .encrypt(std::slice::from_ref(&self.bob_keys), text.as_bytes())
            .unwrap()
    }

    fn b_to_a(&mut self, text: &str) -> Vec<u8> {
        self.bob
            .encrypt(std::slice::from_ref(&self.alice_keys), text.as_bytes())
            .unwrap()
    }

    fn bob_reads(&mut self, message: &[u8]) -> Result<String, Error> {
        read(&mut self.bob, self.alice_keys.id, message)
    }

    fn alice_reads(&mut self, message: &[u8]) -> Result<String, Error> {
        read(&mut self.alice, self.bob_keys.id, message)
    }
}

fn read(at: &mut Installation, sender: InstallationId, message: &[u8]) -> Result<String, Error> {
    let opened = at.decrypt(message, |id| *id == sender)?;
    assert_eq!(opened.sender, sender);
    Ok(String::from_utf8(opened.plaintext.expose().to_vec()).unwrap())
}

#[test]
fn records_verify_under_the_identity_key_and_forgeries_are_refused() {
    let owner = identity();
    let forger = identity();
    let contact = ContactBundle::v2_for(&owner);
    let (one, two) = (Installation::new(1), Installation::new(2));
    let forged = Installation::new(3);
    let records = [
        one.keys_record(&owner, 10),
        two.keys_record(&owner, 11),
        // Signed by another wallet's identity key, published (by a faulty node) on this topic.
        forged.keys_record(&forger, 12),
        b"not a record".to_vec(),
    ];
    let list = verify_installation_records(&contact, records.iter().map(Vec::as_slice)).unwrap();
    let ids: Vec<_> = list.active.iter().map(|k| k.id).collect();
    assert_eq!(ids, vec![one.id(), two.id()]);
    assert_eq!(list.refused, 2);
    assert!(!list.contains(&forged.id()));

    // A revocation is final, even under newer keys of the same installation.
    let mut records = records.to_vec();
    records.push(revocation_record(&owner, &one.id(), 20));
    records.push(one.keys_record(&owner, 30));
    // A revocation signed by another identity does nothing.
    records.push(revocation_record(&forger, &two.id(), 40));
    let list = verify_installation_records(&contact, records.iter().map(Vec::as_slice)).unwrap();
    let ids: Vec<_> = list.active.iter().map(|k| k.id).collect();
    assert_eq!(ids, vec![two.id()]);
    assert!(list.revoked.contains(&one.id()));
    assert_eq!(list.refused, 3);
}

#[test]
fn the_newest_keys_of_an_installation_win() {
    let owner = identity();
    let contact = ContactBundle::v2_for(&owner);
    let mut installation = Installation::new(1);
    let old = installation.keys_record(&owner, 10);
    let old_key = installation.fallback_key();
    installation.rotate_fallback_key(15);
    let new = installation.keys_record(&owner, 20);
    assert_ne!(old_key, installation.fallback_key());
    for order in [[&new, &old], [&old, &new]] {
        let list =
            verify_installation_records(&contact, order.iter().map(|r| r.as_slice())).unwrap();
        assert_eq!(list.active.len(), 1);
        assert_eq!(list.active[0].fallback_key, installation.fallback_key());
        assert_eq!(list.active[0].published_ns, 20);
    }
}

#[test]
fn a_session_started_before_rotation_still_opens() {
    let mut pair = Pair::new();
    let first = pair.a_to_b("before rotation");
    pair.bob.rotate_fallback_key(2);
    assert_eq!(pair.bob_reads(&first).unwrap(), "before rotation");
}

/// A thief who gets Bob's v2 keys (so every v2 envelope's content) and Bob's current Olm state
/// cannot read what Bob read before: each message key was used once and is gone.
#[test]
fn leaked_state_does_not_read_earlier_messages() {
    let key = pickle_key();
    let mut pair = Pair::new();
    let mut earlier = Vec::new();
    for i in 0..3 {
        let m = pair.a_to_b(&format!("a{i}"));
        assert_eq!(pair.bob_reads(&m).unwrap(), format!("a{i}"));
        earlier.push(m);
        let r = pair.b_to_a(&format!("b{i}"));
        assert_eq!(pair.alice_reads(&r).unwrap(), format!("b{i}"));
    }
    let m = pair.a_to_b("latest");
    assert_eq!(pair.bob_reads(&m).unwrap(), "latest");
    earlier.push(m);

    let mut thief = leak(&pair.bob, &key);
    for m in &earlier {
        let err = read(&mut thief, pair.alice_keys.id, m).unwrap_err();
        assert!(
            matches!(
                err,
                Error::ForwardSecrecy(FsError::Undecryptable(_) | FsError::Replayed)
            ),
            "{err}"
        );
    }
    // The leaked state is a working copy: what Alice sends next, it reads.
    let next = pair.a_to_b("next");
    assert_eq!(read(&mut thief, pair.alice_keys.id, &next).unwrap(), "next");
}

/// After a thief copies Bob's state, it reads what follows only until both sides have sent:
/// Bob's next ratchet key is fresh, so Alice's later messages are out of its reach.
#[test]
fn the_conversation_heals_once_both_sides_have_sent() {
    let key = pickle_key();
    let mut pair = Pair::new();
    let m = pair.a_to_b("hello");
    pair.bob_reads(&m).unwrap();
    let r = pair.b_to_a("hi");
    pair.alice_reads(&r).unwrap();

    let mut thief = leak(&pair.bob, &key);
    let alice = pair.alice_keys.id;
    // Right after the compromise the thief reads along.
    let m1 = pair.a_to_b("compromised 1");
    assert_eq!(read(&mut thief, alice, &m1).unwrap(), "compromised 1");
    assert_eq!(pair.bob_reads(&m1).unwrap(), "compromised 1");
    // Bob replies (with a ratchet key the thief does not have), Alice replies to that.
    let r1 = pair.b_to_a("bob heals");
    pair.alice_reads(&r1).unwrap();
    let m2 = pair.a_to_b("healed");
    assert!(read(&mut thief, alice, &m2).is_err());
    assert_eq!(pair.bob_reads(&m2).unwrap(), "healed");
    for i in 0..3 {
        let r = pair.b_to_a(&format!("b{i}"));
        pair.alice_reads(&r).unwrap();
        let m = pair.a_to_b(&format!("a{i}"));
        assert!(read(&mut thief, alice, &m).is_err());
        assert_eq!(pair.bob_reads(&m).unwrap(), format!("a{i}"));
    }
}

#[test]
fn replays_are_refused() {
    let mut pair = Pair::new();
    // A pre-key message (the first of a session), then normal ones.
    let first = pair.a_to_b("first");
    assert_eq!(pair.bob_reads(&first).unwrap(), "first");
    let err = pair.bob_reads(&first).unwrap_err();
    assert!(
        matches!(err, Error::ForwardSecrecy(FsError::Undecryptable(_))),
        "{err}"
    );
    let r = pair.b_to_a("reply");
    pair.alice_reads(&r).unwrap();
    let normal = pair.a_to_b("normal");
    assert_eq!(pair.bob_reads(&normal).unwrap(), "normal");
    let err = pair.bob_reads(&normal).unwrap_err();
    assert!(
        matches!(err, Error::ForwardSecrecy(FsError::Undecryptable(_))),
        "{err}"
    );
}

#[test]
fn a_replayed_pre_key_message_does_not_open_a_second_session() {
    let mut pair = Pair::new();
    let first = pair.a_to_b("first");
    pair.bob_reads(&first).unwrap();
    // Bob drops every session with Alice (as if they had been evicted): the pre-key message
    // would open one again from the still-valid fallback key.
    let key = pickle_key();
    let state = pair.bob.pickle(&key);
    let mut bob = Installation::unpickle(state.expose(), &key).unwrap();
    bob.forget_peer(&pair.alice_keys.id);
    let err = read(&mut bob, pair.alice_keys.id, &first).unwrap_err();
    assert!(
        matches!(err, Error::ForwardSecrecy(FsError::Replayed)),
        "{err}"
    );
}

#[test]
fn reordered_and_lost_messages_within_the_window_are_read() {
    let mut pair = Pair::established();
    let sent: Vec<Vec<u8>> = (1..=20).map(|i| pair.a_to_b(&format!("m{i}"))).collect();
    // Reversed, with every third one lost.
    for (i, m) in sent.iter().enumerate().rev() {
        if i % 3 == 0 {
            continue;
        }
        assert_eq!(pair.bob_reads(m).unwrap(), format!("m{}", i + 1));
    }
    // A lost message that turns up late is still read, once.
    assert_eq!(pair.bob_reads(&sent[0]).unwrap(), "m1");
    assert!(pair.bob_reads(&sent[0]).is_err());
}

#[test]
fn messages_beyond_the_skip_window_are_refused() {
    let mut pair = Pair::established();

    // More late messages than the keys kept per chain: only the newest skipped keys survive.
    let late = MAX_SKIPPED_KEYS_PER_CHAIN + 10;
    let sent: Vec<Vec<u8>> = (0..=late).map(|i| pair.a_to_b(&format!("m{i}"))).collect();
    assert_eq!(pair.bob_reads(&sent[late]).unwrap(), format!("m{late}"));
    let readable = sent[..late]
        .iter()
        .filter(|m| pair.bob_reads(m).is_ok())
        .count();
    assert_eq!(readable, MAX_SKIPPED_KEYS_PER_CHAIN);
    // The oldest ones are the ones lost.
    assert!(pair.bob_reads(&sent[0]).is_err());

    // A gap wider than the window is refused outright, and the session still works after.
    let gap = usize::try_from(MAX_MESSAGE_GAP).unwrap() + 2;
    let mut last = Vec::new();
    for i in 0..gap {
        last = pair.a_to_b(&format!("g{i}"));
    }
    let err = pair.bob_reads(&last).unwrap_err();
    assert!(
        matches!(err, Error::ForwardSecrecy(FsError::Undecryptable(_))),
        "{err}"
    );
    let r = pair.b_to_a("still here");
    assert_eq!(pair.alice_reads(&r).unwrap(), "still here");
}

#[test]
fn three_installations_per_wallet_all_read_every_message() {
    let wallets = [identity(), identity()];
    // Three installations of each wallet, all sealing for all six.
    let mut everyone: Vec<Installation> = (0..6).map(Installation::new).collect();
    let keys: Vec<InstallationKeys> = everyone
        .iter()
        .enumerate()
        .map(|(i, installation)| keys_of(&wallets[i / 3], installation))
        .collect();
    for round in 0..3 {
        for sender in 0..everyone.len() {
            let text = format!("round {round} from {sender}");
            let message = everyone[sender].encrypt(&keys, text.as_bytes()).unwrap();
            let from = keys[sender].id;
            for reader in everyone.iter_mut() {
                let result = read(reader, from, &message);
                if reader.id() == from {
                    let err = result.unwrap_err();
                    assert!(matches!(err, Error::ForwardSecrecy(FsError::NotARecipient)));
                } else {
                    assert_eq!(result.unwrap(), text);
                }
            }
        }
    }
}

#[test]
fn a_sender_outside_the_verified_list_is_refused() {
    let mut pair = Pair::new();
    let m = pair.a_to_b("hi");
    let err = pair.bob.decrypt(&m, |_| false).unwrap_err();
    assert!(matches!(err, Error::ForwardSecrecy(FsError::UnknownSender)));
}

#[test]
fn pickles_round_trip_and_damage_is_an_error() {
    let key = pickle_key();
    let mut pair = Pair::new();
    let m = pair.a_to_b("one");
    pair.bob_reads(&m).unwrap();
    let state = pair.bob.pickle(&key);
    let mut bob = Installation::unpickle(state.expose(), &key).unwrap();
    assert_eq!(bob.id(), pair.bob.id());
    assert_eq!(bob.fallback_key(), pair.bob.fallback_key());
    let m = pair.a_to_b("two");
    assert_eq!(read(&mut bob, pair.alice_keys.id, &m).unwrap(), "two");

    assert!(Installation::unpickle(state.expose(), &pickle_key()).is_err());
    for cut in [0, 7, 40, state.len() / 2, state.len() - 1] {
        assert!(Installation::unpickle(&state.expose()[..cut], &key).is_err());
    }
    let mut flipped = state.expose().to_vec();
    let at = flipped.len() / 2;
    flipped[at] ^= 1;
    assert!(Installation::unpickle(&flipped, &key).is_err());
}

/// A new installation of a new wallet with its verified keys, to start sessions with Bob.
fn stranger(now_ns: u64) -> (Installation, InstallationKeys) {
    let installation = Installation::new(now_ns);
    let keys = keys_of(&identity(), &installation);
    (installation, keys)
}

fn session_creation_refused(result: Result<String, Error>) -> bool {
    matches!(
        result,
        Err(Error::ForwardSecrecy(FsError::SessionCreation(_)))
    )
}

/// Bob's fallback key is replaced once it is `max_age` old; a session sealed to the replaced
/// key still opens within the grace period, and once it is over the replaced key is gone:
/// neither Bob nor a copy of his state opens a pre-key message recorded earlier.
#[test]
fn the_fallback_key_rotates_by_age_and_the_replaced_one_is_forgotten_after_grace() {
    let key = pickle_key();
    let policy = FallbackKeyPolicy::new(100, 1_000, 50);
    let mut pair = Pair::new();
    let old_key = pair.bob.fallback_key();
    let (mut carol, _) = stranger(3);
    let (mut dave, _) = stranger(3);
    // Sealed to the old key by senders who read Bob's record before rotation.
    let in_flight = pair.a_to_b("in flight");
    let from_carol = carol
        .encrypt(std::slice::from_ref(&pair.bob_keys), b"late")
        .unwrap();
    let from_dave = dave
        .encrypt(std::slice::from_ref(&pair.bob_keys), b"recorded")
        .unwrap();

    assert!(!pair.bob.maintain(101, &policy).changed(), "not due yet");
    let done = pair.bob.maintain(102, &policy);
    assert!(done.rotated && !done.forgot_previous);
    assert_ne!(pair.bob.fallback_key(), old_key);
    assert_eq!(pair.bob.fallback_created_ns(), 102);
    assert!(pair.bob.holds_previous_fallback_key());
    // The state survives a save: a restarted Bob knows when to forget.
    let mut restarted = leak(&pair.bob, &key);
    assert!(restarted.holds_previous_fallback_key());
    assert_eq!(restarted.fallback_created_ns(), 102);

    assert!(!pair.bob.maintain(151, &policy).changed(), "grace not over");
    assert_eq!(pair.bob_reads(&in_flight).unwrap(), "in flight");
    assert_eq!(
        read(&mut pair.bob, carol.id(), &from_carol).unwrap(),
        "late"
    );

    let done = pair.bob.maintain(152, &policy);
    assert!(done.forgot_previous && !done.rotated);
    assert!(!pair.bob.holds_previous_fallback_key());
    assert!(session_creation_refused(read(
        &mut pair.bob,
        dave.id(),
        &from_dave
    )));
    // Neither does a thief with Bob's state from after the grace period.
    let mut thief = leak(&pair.bob, &key);
    assert!(session_creation_refused(read(
        &mut thief,
        dave.id(),
        &from_dave
    )));
    // The restarted copy forgets on its own at the same time.
    assert!(restarted.maintain(152, &policy).forgot_previous);
    assert!(session_creation_refused(read(
        &mut restarted,
        dave.id(),
        &from_dave
    )));

    // Sessions from the new key open; the conversation with Alice goes on.
    let bob_keys = keys_of(&identity(), &pair.bob);
    let (mut erin, _) = stranger(4);
    let from_erin = erin.encrypt(&[bob_keys], b"new key").unwrap();
    assert_eq!(
        read(&mut pair.bob, erin.id(), &from_erin).unwrap(),
        "new key"
    );
    let next = pair.a_to_b("still here");
    assert_eq!(pair.bob_reads(&next).unwrap(), "still here");
}

/// The fallback key is replaced after `max_sessions` sessions started from it, but never while
/// a replaced key is still within its grace period.
#[test]
fn the_fallback_key_rotates_after_max_sessions_once_the_grace_is_over() {
    let policy = FallbackKeyPolicy::new(u64::MAX, 3, 10);
    let mut pair = Pair::new();
    let start_sessions = |bob: &mut Installation, keys: &InstallationKeys, n: u32| {
        for _ in 0..n {
            let (mut s, _) = stranger(3);
            let m = s.encrypt(std::slice::from_ref(keys), b"hi").unwrap();
            assert_eq!(read(bob, s.id(), &m).unwrap(), "hi");
        }
    };
    start_sessions(&mut pair.bob, &pair.bob_keys.clone(), 2);
    assert_eq!(pair.bob.fallback_sessions(), 2);
    assert!(!pair.bob.maintain(5, &policy).changed());
    start_sessions(&mut pair.bob, &pair.bob_keys.clone(), 1);
    let first = pair.bob.fallback_key();
    assert!(pair.bob.maintain(5, &policy).rotated);
    assert_eq!(pair.bob.fallback_sessions(), 0);

    // Three more sessions on the new key: due, but the replaced key's grace runs until 15.
    let keys = keys_of(&identity(), &pair.bob);
    start_sessions(&mut pair.bob, &keys, 3);
    let second = pair.bob.fallback_key();
    assert_ne!(first, second);
    assert!(!pair.bob.maintain(14, &policy).changed());
    assert_eq!(pair.bob.fallback_key(), second);
    let done = pair.bob.maintain(15, &policy);
    assert!(done.forgot_previous && done.rotated);
    assert_ne!(pair.bob.fallback_key(), second);
    // Sessions started from the replaced key (a moment ago the current one) still open.
    let (mut late, _) = stranger(3);
    let m = late.encrypt(&[keys], b"late").unwrap();
    assert_eq!(read(&mut pair.bob, late.id(), &m).unwrap(), "late");
}

/// Why sessions start from the fallback key rather than from published one-time keys (crate
/// README, "One-time keys"): two senders who read the same published list and pick the same
/// one-time key cannot both be read. vodozemac deletes a one-time key on its first use, so the
/// second sender's first message opens with nothing, and on a store-and-forward network no
/// sender learns in time that its pick was taken.
#[test]
fn a_one_time_key_picked_by_two_senders_opens_only_the_first_session() {
    use vodozemac::olm::{Account, OlmMessage, SessionConfig, SessionCreationError};
    let mut bob = Account::new();
    bob.generate_one_time_keys(1);
    let one_time_key = *bob.one_time_keys().values().next().unwrap();
    bob.mark_keys_as_published();
    let senders = [Account::new(), Account::new()];
    let messages: Vec<_> = senders
        .iter()
        .map(|sender| {
            let mut session = sender
                .create_outbound_session(
                    SessionConfig::version_1(),
                    bob.curve25519_key(),
                    one_time_key,
                )
                .unwrap();
            match session.encrypt(b"first").unwrap() {
                OlmMessage::PreKey(m) => m,
                OlmMessage::Normal(_) => panic!("a new session sends a pre-key message"),
            }
        })
        .collect();
    let config = SessionConfig::version_1();
    let first = bob
        .create_inbound_session(config, senders[0].curve25519_key(), &messages[0])
        .unwrap();
    assert_eq!(first.plaintext, b"first");
    let second = bob.create_inbound_session(config, senders[1].curve25519_key(), &messages[1]);
    assert!(matches!(
        second,
        Err(SessionCreationError::MissingOneTimeKey(key)) if key == one_time_key
    ));
}

proptest::proptest! {
    #[test]
    fn untrusted_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
        let key = pickle_key();
        let _ = Installation::unpickle(&bytes, &key);
        let mut me = Installation::new(1);
        let _ = me.decrypt(&bytes, |_| true);
        let _ = Installation::sender_of(&bytes);
        let contact = ContactBundle::v2_for(&identity());
        let _ = verify_installation_records(&contact, [bytes.as_slice()]);
    }
}
