//! Forward secrecy between xmtp-rs installations (issue 19) against the real node in process:
//! every installation of both wallets reads every message, a leaked store and leaked v2 keys
//! do not open what was read before, a revoked installation reads nothing after its
//! revocation, either side drops back to plain v2, and the installations topic is owner-only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{node, options};
use xmtp_client::content::Content;
use xmtp_client::{
    Client, Conversation, Error, FORWARD_SECRET, FORWARD_SECRET_FALLBACK, FallbackKeyPolicy,
    KeystoreBackend, LocalWallet, ManualClock, MemoryBackend, MessageQuery, MessageResult,
};
use xmtp_keystore::FsError;
use xmtp_node::RunningNode;
use xmtp_proto::topic;

async fn device(node: &RunningNode, wallet: &LocalWallet) -> Client {
    Client::create(wallet, options(node)).await.unwrap()
}

/// A device that keeps its state in `backend`.
async fn persistent_device(
    node: &RunningNode,
    wallet: &LocalWallet,
    backend: Arc<dyn KeystoreBackend>,
) -> Client {
    Client::create(wallet, options(node).with_persistence(backend))
        .await
        .unwrap()
}

/// A memory store that counts its writes (each one is a seal and, on disk, an fsync).
#[derive(Default)]
struct CountingBackend {
    store: MemoryBackend,
    writes: AtomicUsize,
}

impl CountingBackend {
    fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }
}

impl KeystoreBackend for CountingBackend {
    fn read(&self) -> xmtp_keystore::Result<Option<Vec<u8>>> {
        self.store.read()
    }

    fn read_previous(&self) -> xmtp_keystore::Result<Option<Vec<u8>>> {
        self.store.read_previous()
    }

    fn write(&self, sealed: &[u8]) -> xmtp_keystore::Result<()> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.store.write(sealed)
    }
}

/// `client`'s conversation on `topic` (found through its invite topic).
async fn conversation_on(client: &Client, topic: &str) -> Conversation {
    common::listed(client, topic).await
}

async fn all_messages(conversation: &Conversation) -> Vec<MessageResult> {
    conversation.messages(MessageQuery::all()).await.unwrap()
}

fn text_of(result: &MessageResult) -> Option<&str> {
    match result {
        Ok(m) => match &m.content {
            Content::Text(t) => Some(t),
            _ => None,
        },
        Err(_) => None,
    }
}

/// Every message of the conversation read by `client`: `(text, forward_secret)`, `None` for an
/// item that does not open.
async fn read(client: &Client, topic: &str) -> Vec<Option<(String, bool)>> {
    let conversation = conversation_on(client, topic).await;
    all_messages(&conversation)
        .await
        .iter()
        .map(|r| text_of(r).map(|t| (t.to_owned(), r.as_ref().map(|m| m.forward_secret).unwrap())))
        .collect()
}

/// The forward-secrecy error of an item that did not open.
fn fs_error(item: &MessageResult) -> &FsError {
    match item {
        Err(bad) => match &bad.error {
            Error::Keystore(xmtp_keystore::Error::ForwardSecrecy(e)) => e,
            other => panic!("not a forward-secrecy error: {other}"),
        },
        Ok(m) => panic!("opened: {m:?}"),
    }
}

/// Alice (in memory) and Bob, who keeps his state in the returned store.
async fn alice_and_persistent_bob(
    node: &RunningNode,
) -> (Client, LocalWallet, Client, Arc<MemoryBackend>) {
    let alice = device(node, &LocalWallet::generate()).await;
    let bob_wallet = LocalWallet::generate();
    let store = Arc::new(MemoryBackend::new());
    let bob = persistent_device(node, &bob_wallet, store.clone()).await;
    (alice, bob_wallet, bob, store)
}

/// A thief holding `victim`'s exported v2 keys and a byte copy of its current `store`.
async fn steal(node: &RunningNode, victim: &Client, store: &MemoryBackend) -> Client {
    let stolen = Arc::new(MemoryBackend::new());
    stolen.write(&store.read().unwrap().unwrap()).unwrap();
    let thief = Client::from_keys(
        victim.export_keys().expose(),
        options(node).with_persistence(stolen),
    )
    .await
    .unwrap();
    assert_eq!(
        thief.installation_id().await,
        victim.installation_id().await
    );
    thief
}

fn fs(text: &str) -> Option<(String, bool)> {
    Some((text.to_owned(), true))
}

fn plain(text: &str) -> Option<(String, bool)> {
    Some((text.to_owned(), false))
}

#[tokio::test]
async fn three_installations_per_wallet_all_read_every_message() {
    let node = node().await;
    let (alice_wallet, bob_wallet) = (LocalWallet::generate(), LocalWallet::generate());
    let mut alices = Vec::new();
    let mut bobs = Vec::new();
    for _ in 0..3 {
        alices.push(device(&node, &alice_wallet).await);
        bobs.push(device(&node, &bob_wallet).await);
    }
    for client in alices.iter().chain(&bobs) {
        client.register_installation().await.unwrap();
    }
    assert_eq!(
        alices[0]
            .installations(alice_wallet.address())
            .await
            .unwrap()
            .active
            .len(),
        3
    );

    let conversation = common::start_conversation(&alices[0], &bobs[0]).await;
    conversation.enable_forward_secrecy().await.unwrap();
    assert!(conversation.is_forward_secret().await);
    conversation.send("from alice 0").await.unwrap();
    let topic = conversation.topic().to_owned();

    // Bob's second device answers with forward secrecy too.
    let bob_side = conversation_on(&bobs[1], &topic).await;
    assert_eq!(read(&bobs[1], &topic).await, vec![fs("from alice 0")]);
    bob_side.enable_forward_secrecy().await.unwrap();
    bob_side.send("from bob 1").await.unwrap();

    for client in alices.iter().chain(&bobs) {
        assert_eq!(
            read(client, &topic).await,
            vec![fs("from alice 0"), fs("from bob 1")],
            "{client:?}"
        );
    }
    // Reading again in the same run shows the same messages (the plaintexts are remembered).
    assert_eq!(
        read(&bobs[2], &topic).await,
        vec![fs("from alice 0"), fs("from bob 1")]
    );
}

/// A client that is no installation (an xmtp-js app, or ours without forward secrecy) sees the
/// fallback text, and the conversation goes on in plain v2 when the sender drops back.
#[tokio::test]
async fn either_side_drops_back_to_plain_v2_and_others_see_the_fallback() {
    let node = node().await;
    let (alice_wallet, bob_wallet) = (LocalWallet::generate(), LocalWallet::generate());
    let alice = device(&node, &alice_wallet).await;
    let bob = device(&node, &bob_wallet).await;
    let conversation = common::start_conversation(&alice, &bob).await;

    // Bob has no installation yet: forward secrecy cannot be turned on.
    let err = conversation.enable_forward_secrecy().await.unwrap_err();
    assert!(matches!(err, Error::PeerHasNoInstallations { .. }), "{err}");
    assert!(!conversation.is_forward_secret().await);

    bob.register_installation().await.unwrap();
    let plain_bob = device(&node, &bob_wallet).await;
    conversation.enable_forward_secrecy().await.unwrap();
    conversation.send("secret").await.unwrap();
    conversation.disable_forward_secrecy().await.unwrap();
    conversation.send("plain").await.unwrap();
    let topic = conversation.topic();

    assert_eq!(read(&bob, topic).await, vec![fs("secret"), plain("plain")]);
    let seen = all_messages(&conversation_on(&plain_bob, topic).await).await;
    let first = seen[0].as_ref().unwrap();
    assert_eq!(first.content_type, FORWARD_SECRET);
    assert!(!first.forward_secret);
    match &first.content {
        Content::Unknown(unknown) => {
            assert_eq!(unknown.fallback.as_deref(), Some(FORWARD_SECRET_FALLBACK));
        }
        other => panic!("expected the fallback, got {other:?}"),
    }
    assert_eq!(text_of(&seen[1]), Some("plain"));
}

/// Whoever obtains Bob's v2 keys and a copy of his store (the current ratchet state) reads the
/// plain v2 messages but none of the forward-secret ones Bob had already read; Bob himself,
/// restarted, cannot read them again either, and replays are refused.
#[tokio::test]
async fn leaked_keys_and_state_do_not_open_earlier_messages() {
    let node = node().await;
    let (alice, bob_wallet, bob, store) = alice_and_persistent_bob(&node).await;
    bob.register_installation().await.unwrap();

    let conversation = common::start_conversation(&alice, &bob).await;
    conversation.send("plain before").await.unwrap();
    conversation.enable_forward_secrecy().await.unwrap();
    for text in ["secret 1", "secret 2"] {
        conversation.send(text).await.unwrap();
    }
    let topic = conversation.topic().to_owned();
    assert_eq!(
        read(&bob, &topic).await,
        vec![plain("plain before"), fs("secret 1"), fs("secret 2")]
    );
    let bob_id = bob.installation_id().await.unwrap();

    // The thief: Bob's exported keys and a byte copy of his current store.
    let thief = steal(&node, &bob, &store).await;
    assert_eq!(
        read(&thief, &topic).await,
        vec![plain("plain before"), None, None]
    );

    // Bob restarted: the same installation, and the messages it read are gone for it too.
    drop(bob);
    let bob = persistent_device(&node, &bob_wallet, store.clone()).await;
    assert_eq!(bob.installation_id().await, Some(bob_id));
    conversation.send("secret 3").await.unwrap();
    assert_eq!(
        read(&bob, &topic).await,
        vec![plain("plain before"), None, None, fs("secret 3")]
    );

    // A replay of an envelope already read (same payload, later timestamp) opens nothing.
    let envelopes = xmtp_api::query_all(
        alice.api().as_ref(),
        vec![topic.clone()],
        xmtp_api::QueryOptions::default(),
    )
    .await
    .unwrap();
    let mut replay = envelopes.last().unwrap().clone();
    replay.timestamp_ns += 1_000_000;
    alice.api().publish(vec![replay]).await.unwrap();
    drop(bob);
    let bob = persistent_device(&node, &bob_wallet, store).await;
    let after = read(&bob, &topic).await;
    assert_eq!(after.len(), 5);
    assert_eq!(after[3..], [None, None]);
}

/// A revoked installation gets no ciphertext after its revocation; revoking oneself wipes the
/// local state.
#[tokio::test]
async fn a_revoked_installation_reads_nothing_after_revocation() {
    let node = node().await;
    let (alice_wallet, bob_wallet) = (LocalWallet::generate(), LocalWallet::generate());
    let alice = device(&node, &alice_wallet).await;
    let bob_phone = device(&node, &bob_wallet).await;
    let bob_laptop = device(&node, &bob_wallet).await;
    for client in [&alice, &bob_phone, &bob_laptop] {
        client.register_installation().await.unwrap();
    }
    let conversation = common::start_conversation(&alice, &bob_phone).await;
    conversation.enable_forward_secrecy().await.unwrap();
    conversation.send("before").await.unwrap();
    let topic = conversation.topic().to_owned();
    assert_eq!(read(&bob_laptop, &topic).await, vec![fs("before")]);

    // The laptop is lost: the phone revokes it.
    let laptop_id = bob_laptop.installation_id().await.unwrap();
    bob_phone.revoke_installation(laptop_id).await.unwrap();
    let list = alice.installations(bob_wallet.address()).await.unwrap();
    assert!(list.revoked.contains(&laptop_id));
    assert!(!list.contains(&laptop_id));

    conversation.send("after").await.unwrap();
    assert_eq!(
        read(&bob_phone, &topic).await,
        vec![fs("before"), fs("after")]
    );
    assert_eq!(read(&bob_laptop, &topic).await, vec![fs("before"), None]);
    let conversation_at_laptop = conversation_on(&bob_laptop, &topic).await;
    let last = all_messages(&conversation_at_laptop).await.pop().unwrap();
    let err = fs_error(&last);
    assert!(matches!(err, FsError::NotARecipient), "{err}");

    // The phone revokes itself: its state is wiped and Alice can no longer enable forward
    // secrecy with Bob.
    let phone_id = bob_phone.installation_id().await.unwrap();
    bob_phone.revoke_installation(phone_id).await.unwrap();
    assert_eq!(bob_phone.installation_id().await, None);
    let fresh = common::start_conversation(&alice, &bob_phone).await;
    fresh.disable_forward_secrecy().await.unwrap();
    let err = fresh.enable_forward_secrecy().await.unwrap_err();
    assert!(matches!(err, Error::PeerHasNoInstallations { .. }), "{err}");
}

/// Only the wallet publishes on its installations topic (records signed by another identity
/// that reach it anyway are refused when read: the keystore's tests).
#[tokio::test]
async fn the_installations_topic_is_owner_only() {
    let node = node().await;
    let alice = device(&node, &LocalWallet::generate()).await;
    let mallory = device(&node, &LocalWallet::generate()).await;
    alice.register_installation().await.unwrap();
    let theirs = topic::installations(&alice.address().to_string());
    let forged = xmtp_keystore::Installation::new(1).keys_record(
        &xmtp_keystore::PrivateKeyBundle::decode(mallory.export_keys().expose()).unwrap(),
        xmtp_api::now_ns(),
    );
    let refused = mallory
        .api()
        .publish(vec![xmtp_api::Envelope {
            content_topic: theirs,
            timestamp_ns: xmtp_api::now_ns(),
            message: forged,
        }])
        .await;
    assert!(refused.is_err());
    assert_eq!(
        mallory
            .installations(alice.address())
            .await
            .unwrap()
            .active
            .len(),
        1
    );
}

/// Reading a page of N forward-secret messages advances the ratchet N times but seals and
/// writes the local store once (it was N writes, each an fsync on disk); a page without
/// forward-secret messages writes nothing, and every message still opens after a restart of
/// the reader only if it was not read yet.
#[tokio::test]
async fn a_page_of_forward_secret_messages_is_saved_once() {
    const N: usize = 12;
    let node = node().await;
    let (alice_wallet, bob_wallet) = (LocalWallet::generate(), LocalWallet::generate());
    let alice = device(&node, &alice_wallet).await;
    let store = Arc::new(CountingBackend::default());
    let bob = persistent_device(&node, &bob_wallet, store.clone()).await;
    bob.register_installation().await.unwrap();
    let conversation = common::start_conversation(&alice, &bob).await;
    conversation.enable_forward_secrecy().await.unwrap();
    let texts: Vec<String> = (0..N).map(|i| format!("secret {i}")).collect();
    for text in &texts {
        conversation.send(text.as_str()).await.unwrap();
    }
    let topic = conversation.topic().to_owned();
    let at_bob = conversation_on(&bob, &topic).await;

    let before = store.writes();
    let page = all_messages(&at_bob).await;
    assert_eq!(store.writes() - before, 1, "one save for the page");
    let opened: Vec<_> = page
        .iter()
        .map(|r| text_of(r).map(|t| (t.to_owned(), r.as_ref().unwrap().forward_secret)))
        .collect();
    assert_eq!(opened, texts.iter().map(|t| fs(t)).collect::<Vec<_>>());

    // Read again: remembered plaintexts, nothing advanced, nothing written.
    let before = store.writes();
    assert_eq!(all_messages(&at_bob).await.len(), N);
    assert_eq!(store.writes(), before);

    // The one save holds every step: restarted, Bob opens the next message and none of the
    // ones he read.
    drop(at_bob);
    drop(bob);
    conversation.send("after restart").await.unwrap();
    let bob = persistent_device(&node, &bob_wallet, store.clone()).await;
    let after = read(&bob, &topic).await;
    assert_eq!(after.len(), N + 1);
    assert!(after[..N].iter().all(Option::is_none), "{after:?}");
    assert_eq!(after[N], fs("after restart"));
}

/// Post-compromise security through the client: a thief who copies Bob's v2 keys and his whole
/// store (the ratchet state) at time T reads what Alice sends next, but once both sides have
/// sent again the ratchet has stepped on a key the thief never saw, and he reads nothing more.
#[tokio::test]
async fn the_conversation_heals_after_keys_and_state_leak() {
    let node = node().await;
    let (alice, _, bob, store) = alice_and_persistent_bob(&node).await;
    alice.register_installation().await.unwrap();
    bob.register_installation().await.unwrap();

    let conversation = common::start_conversation(&alice, &bob).await;
    conversation.enable_forward_secrecy().await.unwrap();
    let topic = conversation.topic().to_owned();
    conversation.send("a1").await.unwrap();
    let at_bob = conversation_on(&bob, &topic).await;
    at_bob.enable_forward_secrecy().await.unwrap();
    assert_eq!(read(&bob, &topic).await, vec![fs("a1")]);
    at_bob.send("b1").await.unwrap();
    assert_eq!(read(&alice, &topic).await, vec![fs("a1"), fs("b1")]);

    // Time T: Bob's exported v2 keys and a byte copy of his store leak.
    let thief = steal(&node, &bob, &store).await;

    // Alice sends on a chain that starts from Bob's leaked ratchet key: the thief can follow.
    conversation.send("a2 compromised").await.unwrap();
    // Both sides send once more: Bob on a fresh ratchet key, then Alice answering it.
    assert_eq!(read(&bob, &topic).await[2], fs("a2 compromised"));
    at_bob.send("b2 heals").await.unwrap();
    assert_eq!(read(&alice, &topic).await[3], fs("b2 heals"));
    conversation.send("a3 healed").await.unwrap();
    conversation.send("a4 healed").await.unwrap();
    let bob_reads = read(&bob, &topic).await;
    assert_eq!(bob_reads[4..], [fs("a3 healed"), fs("a4 healed")]);

    // The thief: a1 was read before T (gone from the state), b1 and b2 were sent by the
    // installation he copied (no ciphertext for it), a2 opens, and nothing after healing does.
    let conversation_at_thief = conversation_on(&thief, &topic).await;
    let seen = all_messages(&conversation_at_thief).await;
    assert_eq!(seen.len(), 6);
    assert_eq!(
        text_of(&seen[2]),
        Some("a2 compromised"),
        "the leak is real"
    );
    for healed in &seen[4..] {
        let err = fs_error(healed);
        assert!(matches!(err, FsError::Undecryptable(_)), "{err}");
    }
    for sent_by_bob in [&seen[1], &seen[3]] {
        let err = fs_error(sent_by_bob);
        assert!(matches!(err, FsError::NotARecipient), "{err}");
    }
    assert!(seen[0].is_err());
    // Bob is unaffected by the thief's reading.
    conversation.send("a5").await.unwrap();
    assert_eq!(read(&bob, &topic).await[6], fs("a5"));
}

/// The fallback key Bob's installation publishes now, as a peer reads it.
async fn published_fallback_key(reader: &Client, owner: &Client) -> [u8; 32] {
    let list = reader.installations(owner.address()).await.unwrap();
    assert_eq!(list.active.len(), 1);
    list.active[0].fallback_key
}

/// Bob's installation replaces its fallback key on its own once the injectable clock says it
/// is older than the policy allows, and publishes the new one; a session sealed to the old key
/// before that still opens within the grace period, and after it the old key is gone: a
/// pre-key message sealed to it no longer opens (forward secrecy for session starts).
#[tokio::test]
async fn the_fallback_key_rotates_on_its_own_and_the_replaced_one_is_forgotten() {
    const HOUR_NS: u64 = 3_600_000_000_000;
    let node = node().await;
    let clock = Arc::new(ManualClock::at_system_now());
    let bob_wallet = LocalWallet::generate();
    let bob = Client::create(
        &bob_wallet,
        options(&node)
            .with_clock(clock.clone())
            .with_fallback_key_policy(FallbackKeyPolicy::new(24 * HOUR_NS, 1_000, 2 * HOUR_NS)),
    )
    .await
    .unwrap();
    // Everyone reads the same clock, so that invitations stay in each other's sync windows.
    let mut others = Vec::new();
    for _ in 0..3 {
        others.push(common::user_on(&node, clock.clone()).await);
    }
    let [carol, dave, erin] = <[Client; 3]>::try_from(others).unwrap();
    for client in [&bob, &carol, &dave, &erin] {
        client.register_installation().await.unwrap();
    }
    let old_key = published_fallback_key(&carol, &bob).await;

    // Carol and Dave seal their first messages to the key published now.
    let mut started = Vec::new();
    for (sender, text) in [(&carol, "in flight"), (&dave, "recorded")] {
        let conversation = common::start_conversation(sender, &bob).await;
        conversation.enable_forward_secrecy().await.unwrap();
        conversation.send(text).await.unwrap();
        started.push(conversation);
    }
    let topics: Vec<String> = started.iter().map(|c| c.topic().to_owned()).collect();

    clock.advance(std::time::Duration::from_nanos(23 * HOUR_NS));
    assert!(!bob.maintain_installation().await.unwrap(), "not due yet");
    clock.advance(std::time::Duration::from_nanos(HOUR_NS));
    assert!(bob.maintain_installation().await.unwrap(), "rotated");
    let new_key = published_fallback_key(&carol, &bob).await;
    assert_ne!(new_key, old_key);

    // Within the grace period the replaced key still opens Carol's session.
    assert_eq!(read(&bob, &topics[0]).await, vec![fs("in flight")]);

    // After it, the replaced key is forgotten and Dave's pre-key message opens with nothing.
    clock.advance(std::time::Duration::from_nanos(2 * HOUR_NS));
    assert!(
        bob.maintain_installation().await.unwrap(),
        "forgot the replaced key"
    );
    assert!(
        !bob.maintain_installation().await.unwrap(),
        "nothing more to do"
    );
    let at_bob = conversation_on(&bob, &topics[1]).await;
    let seen = all_messages(&at_bob).await;
    let err = fs_error(&seen[0]);
    assert!(matches!(err, FsError::SessionCreation(_)), "{err}");
    assert_eq!(published_fallback_key(&erin, &bob).await, new_key);

    // New sessions start from the published key; Carol's session goes on.
    let conversation = common::start_conversation(&erin, &bob).await;
    conversation.enable_forward_secrecy().await.unwrap();
    conversation.send("new key").await.unwrap();
    assert_eq!(read(&bob, conversation.topic()).await, vec![fs("new key")]);
    started[0].send("still here").await.unwrap();
    assert_eq!(read(&bob, &topics[0]).await[1], fs("still here"));
}

/// Sessions started from the fallback key count towards the policy: after `max_sessions`
/// senders started one, the next read rotates the key and publishes it.
#[tokio::test]
async fn reading_rotates_the_fallback_key_after_max_sessions() {
    let node = node().await;
    let bob_wallet = LocalWallet::generate();
    let bob = Client::create(
        &bob_wallet,
        options(&node).with_fallback_key_policy(FallbackKeyPolicy::new(u64::MAX, 2, 0)),
    )
    .await
    .unwrap();
    bob.register_installation().await.unwrap();
    let reader = device(&node, &LocalWallet::generate()).await;
    let first = published_fallback_key(&reader, &bob).await;
    let mut keys = vec![first];
    for round in 0..2 {
        for i in 0..2 {
            let sender = device(&node, &LocalWallet::generate()).await;
            sender.register_installation().await.unwrap();
            let conversation = common::start_conversation(&sender, &bob).await;
            conversation.enable_forward_secrecy().await.unwrap();
            let text = format!("round {round} sender {i}");
            conversation.send(text.as_str()).await.unwrap();
            assert_eq!(read(&bob, conversation.topic()).await, vec![fs(&text)]);
        }
        // The second session of the round made the read that followed it rotate.
        let now = published_fallback_key(&reader, &bob).await;
        assert!(
            !keys.contains(&now),
            "round {round}: a new key is published"
        );
        keys.push(now);
    }
}
