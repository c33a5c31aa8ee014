//! Fixtures shared by the criterion benches: identities, conversations, sealed messages and the
//! criterion settings of performance.md §2.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use criterion::Criterion;
use rand::Rng as _;
use xmtp_crypto::LocalWallet;
use xmtp_keystore::{
    Conversation, ConversationStore, EnvelopeRef, IdentityCreation, PrivateKeyBundle, SealOptions,
    deterministic_invitation, open_invitation, seal_invitation, seal_v2_message,
};
use xmtp_proto::message_contents as pb;

/// Identity creation time used by every fixture (ms).
pub const T0_MS: u64 = 1_700_000_000_000;

/// The message size of the composed paths (performance.md §3.6).
pub const MESSAGE_LEN: usize = 1024;

/// Criterion as in performance.md §2: 0.5 s warm-up, 2 s measurement, 30 samples.
pub fn fast() -> Criterion {
    config(Duration::from_millis(500), Duration::from_secs(2), 30)
}

/// For benches of a second or so per iteration: 10 samples, no warm-up to speak of.
pub fn slow() -> Criterion {
    config(Duration::from_millis(1), Duration::from_secs(5), 10)
}

fn config(warm_up: Duration, measurement: Duration, samples: usize) -> Criterion {
    Criterion::default()
        .warm_up_time(warm_up)
        .measurement_time(measurement)
        .sample_size(samples)
        .without_plots()
}

/// `len` random bytes.
pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A new identity (wallet-signed identity key and a pre-key), as `Client::create` makes one.
pub fn identity() -> PrivateKeyBundle {
    let wallet = LocalWallet::generate();
    let creation = IdentityCreation::new(wallet.address(), T0_MS);
    let signature = wallet.personal_sign(creation.request().text.as_bytes());
    creation
        .finish(signature.to_bytes_v27().expose(), T0_MS + 1)
        .expect("a fresh identity")
}

/// `from` invites `to` (deterministic invitation, optional conversation id) at `created_ns`.
pub fn sealed_invitation(
    from: &PrivateKeyBundle,
    to: &PrivateKeyBundle,
    conversation_id: Option<&str>,
    created_ns: u64,
) -> xmtp_keystore::SealedInvitation {
    let context = conversation_id.map(|id| pb::invitation_v1::Context {
        conversation_id: id.to_owned(),
        metadata: Default::default(),
    });
    let recipient = to.signed_public_bundle();
    let invitation = deterministic_invitation(from, &recipient, context, None).unwrap();
    seal_invitation(from, &recipient, &invitation, created_ns).unwrap()
}

/// The conversation `from` starts with `to`, as each side opens it: `(at_from, at_to)`.
pub fn conversation(
    from: &PrivateKeyBundle,
    to: &PrivateKeyBundle,
) -> (Conversation, Conversation) {
    let (at_from, at_to, _) = conversation_at(from, to, T0_MS * 1_000_000);
    (at_from, at_to)
}

/// [`conversation`] started at `created_ns`, with the envelope of `to`'s invite topic.
pub fn conversation_at(
    from: &PrivateKeyBundle,
    to: &PrivateKeyBundle,
    created_ns: u64,
) -> (Conversation, Conversation, OwnedEnvelope) {
    let sealed = sealed_invitation(from, to, None, created_ns);
    (
        open_invitation(from, &sealed.payload, sealed.timestamp_ns).unwrap(),
        open_invitation(to, &sealed.payload, sealed.timestamp_ns).unwrap(),
        OwnedEnvelope {
            topic: sealed.topics[0].clone(),
            timestamp_ns: sealed.timestamp_ns,
            payload: sealed.payload,
        },
    )
}

/// One sealed v2 message of `content` at `created_ns`.
pub fn seal(
    from: &PrivateKeyBundle,
    conversation: &Conversation,
    content: &[u8],
    created_ns: u64,
) -> xmtp_keystore::SealedV2Message {
    seal_v2_message(
        from,
        conversation,
        content,
        created_ns,
        SealOptions::default(),
    )
    .unwrap()
}

/// An owned envelope: topic, timestamp, payload.
#[derive(Clone, Debug)]
pub struct OwnedEnvelope {
    /// Content topic.
    pub topic: String,
    /// Timestamp (ns).
    pub timestamp_ns: u64,
    /// Payload.
    pub payload: Vec<u8>,
}

/// Borrowed views for the keystore's batch functions.
pub fn refs(envelopes: &[OwnedEnvelope]) -> Vec<EnvelopeRef<'_>> {
    envelopes
        .iter()
        .map(|e| EnvelopeRef {
            topic: &e.topic,
            timestamp_ns: e.timestamp_ns,
            payload: &e.payload,
        })
        .collect()
}

/// `messages` v2 messages of `content` to one recipient from `senders` distinct senders (one
/// conversation each), interleaved, all dated from `base_ns` on: the recipient's conversations,
/// the invitations and the envelopes.
pub struct Inbox {
    /// The recipient.
    pub recipient: PrivateKeyBundle,
    /// The senders.
    pub senders: Vec<PrivateKeyBundle>,
    /// Each sender's conversation as the sender sees it.
    pub at_senders: Vec<Conversation>,
    /// The recipient's conversations.
    pub store: ConversationStore,
    /// The invitations on the recipient's invite topic.
    pub invitations: Vec<OwnedEnvelope>,
    /// Every message, round robin over the senders.
    pub envelopes: Vec<OwnedEnvelope>,
}

impl Inbox {
    /// Builds the identities, the conversations and seals every message.
    pub fn new(senders: usize, messages: usize, content: &[u8], base_ns: u64) -> Self {
        let recipient = identity();
        let senders: Vec<_> = (0..senders).map(|_| identity()).collect();
        let mut store = ConversationStore::new();
        let mut at_senders = Vec::new();
        let mut invitations = Vec::new();
        for (k, sender) in senders.iter().enumerate() {
            let (at_sender, at_recipient, invitation) =
                conversation_at(sender, &recipient, base_ns + k as u64);
            store.insert(at_recipient);
            at_senders.push(at_sender);
            invitations.push(invitation);
        }
        let envelopes = (0..messages)
            .map(|i| {
                let k = i % senders.len();
                let created_ns = base_ns + 1_000_000 * (1 + i as u64);
                let sealed = seal(&senders[k], &at_senders[k], content, created_ns);
                OwnedEnvelope {
                    topic: sealed.topic,
                    timestamp_ns: sealed.timestamp_ns,
                    payload: sealed.payload,
                }
            })
            .collect();
        Self {
            recipient,
            senders,
            at_senders,
            store,
            invitations,
            envelopes,
        }
    }
}

/// `count` invitations to `recipient`, each from a new sender, dated from `base_ns` on: the
/// envelopes of its invite topic.
pub fn invitations(recipient: &PrivateKeyBundle, count: usize, base_ns: u64) -> Vec<OwnedEnvelope> {
    (0..count)
        .map(|i| {
            let sealed = sealed_invitation(&identity(), recipient, None, base_ns + i as u64);
            OwnedEnvelope {
                topic: sealed.topics[0].clone(),
                timestamp_ns: sealed.timestamp_ns,
                payload: sealed.payload,
            }
        })
        .collect()
}

/// A rayon pool of `threads` threads.
pub fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool")
}
