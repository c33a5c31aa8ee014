//! Fixed identities and conversations for the fuzz targets, read from the repository's test
//! vectors (`tests/vectors/`), so every run and every reproduction sees the same keys.

#![forbid(unsafe_code)]

pub mod seeds;

use std::sync::OnceLock;

use xmtp_crypto::{Address, LocalWallet};
use xmtp_keystore::{Conversation, PrivateKeyBundle, StoreKey};
use xmtp_proto::keystore_api::v1::topic_map::TopicData;
use xmtp_proto::message_contents as pb;

const TV01: &str = include_str!("../../tests/vectors/tv01_deterministic_topic.json");
const TV05E: &str = include_str!("../../tests/vectors/tv05e_sealed_invitation.json");
const TV10A: &str = include_str!("../../tests/vectors/tv10a_v2_message.json");

/// "Now" for targets that check token ages and for sealed seeds (TV-10a's `created_ns`).
pub const NOW_NS: u64 = 1_700_000_000_000_000_000;

/// [`NOW_NS`] in milliseconds: "now" for consent proofs.
pub const NOW_MS: u64 = NOW_NS / 1_000_000;

/// The key of the export blobs the `private_key_bundle` target opens.
pub const BLOB_SECRET: &[u8] = b"fuzzing secret, 32 bytes long!!!";

/// The keys and conversation every target opens things with.
pub struct Fixtures {
    /// Alice (TV-1, legacy bundle).
    pub alice: PrivateKeyBundle,
    /// Bob (TV-1, legacy bundle).
    pub bob: PrivateKeyBundle,
    /// Alice of TV-5e (v2 bundle), the recipient or sender of the TV-5e invitation.
    pub invitee: PrivateKeyBundle,
    /// The TV-1 v2 conversation as Alice sees it (TV-10a messages belong to it).
    pub conversation: Conversation,
    /// Its persisted form.
    pub topic_data: TopicData,
    /// The same as the exported secret `xmtp_client::decode_envelope` takes.
    pub secret: xmtp_client::ConversationSecret,
    /// The TV-10a `MessageV2.header_bytes` (a real header on the conversation topic).
    pub v2_header_bytes: Vec<u8>,
    /// The TV-10a header's `created_ns`.
    pub v2_created_ns: u64,
}

fn field(json: &serde_json::Value, path: &[&str]) -> String {
    let mut v = json;
    for key in path {
        v = &v[*key];
    }
    v.as_str()
        .unwrap_or_else(|| panic!("vector field {path:?} missing"))
        .to_owned()
}

fn bytes(json: &serde_json::Value, path: &[&str]) -> Vec<u8> {
    hex::decode(field(json, path)).expect("vector field is hex")
}

pub(crate) fn parse(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("vector file is JSON")
}

/// The fixtures, built once per process.
pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let tv01 = parse(TV01);
        let tv05e = parse(TV05E);
        let tv10a = parse(TV10A);
        let bundle = |json: &serde_json::Value, name: &str| {
            PrivateKeyBundle::decode(&bytes(json, &[name])).expect("vector bundle decodes")
        };
        let alice = bundle(&tv01, "alice_private_key_bundle");
        let bob = bundle(&tv01, "bob_private_key_bundle");
        let invitee = bundle(&tv05e, "alice_private_key_bundle");
        let created_ns: u64 = field(&tv10a, &["created_ns"])
            .parse()
            .expect("created_ns is decimal");
        let topic_data = TopicData {
            created_ns,
            peer_address: field(&tv01, &["bob_address"]),
            invitation: Some(pb::InvitationV1 {
                topic: field(&tv10a, &["topic"]),
                context: None,
                consent_proof: None,
                encryption: Some(pb::invitation_v1::Encryption::Aes256GcmHkdfSha256(
                    pb::invitation_v1::Aes256gcmHkdfsha256 {
                        key_material: bytes(&tv10a, &["key_material"]),
                    },
                )),
            }),
        };
        let conversation = Conversation::from_topic_data(alice.wallet_address(), &topic_data)
            .expect("vector topic data is valid");
        Fixtures {
            alice,
            bob,
            invitee,
            conversation,
            secret: xmtp_client::ConversationSecret::from_bytes(
                &xmtp_proto::Message::encode_to_vec(&topic_data),
            ),
            topic_data,
            v2_header_bytes: bytes(&tv10a, &["header_bytes"]),
            v2_created_ns: created_ns,
        }
    })
}

/// Alice's wallet (the `me` of the fixed conversation).
pub fn me() -> Address {
    fixtures().alice.wallet_address()
}

/// The wallet whose private key the fuzz crate holds (`0x01` × 32): it signs the seeds' storage
/// requests, auth tokens and consent proofs.
pub fn own_wallet() -> LocalWallet {
    LocalWallet::from_hex(&"01".repeat(32)).expect("fixed wallet key")
}

/// [`own_wallet`]'s address, computed once.
pub fn own_wallet_address() -> Address {
    static ADDRESS: OnceLock<Address> = OnceLock::new();
    *ADDRESS.get_or_init(|| own_wallet().address())
}

/// The key the `local_store` target opens Alice's store with.
pub fn store_key() -> StoreKey {
    StoreKey::from_identity(&fixtures().alice)
}

/// The file `LocalKeystore::save` writes for Alice's store holding `fill`'s state.
pub fn saved_store(fill: impl FnOnce(&mut xmtp_keystore::KeystoreState)) -> Vec<u8> {
    use xmtp_keystore::{KeystoreBackend as _, LocalKeystore, MemoryBackend};
    let mut store =
        LocalKeystore::open(MemoryBackend::new(), store_key(), me()).expect("an empty store opens");
    fill(&mut store.state);
    store.save().expect("the memory backend writes");
    store
        .backend()
        .read()
        .expect("the memory backend reads")
        .expect("a saved store has a file")
}

/// `plaintext` sealed as a store file under [`store_key`], so a target reaches the state parser
/// behind the encryption.
pub fn seal_store_file(plaintext: &[u8]) -> Vec<u8> {
    store_key().seal_state_file(plaintext)
}

/// Splits a selector byte off the input: `(selector % modes, rest)`.
pub fn select(data: &[u8], modes: u8) -> Option<(u8, &[u8])> {
    let (first, rest) = data.split_first()?;
    Some((first % modes, rest))
}

/// A `Ciphertext` proto holding `plaintext` sealed under `secret` with `aad`, the way every
/// sender seals: lets a target put fuzzed plaintext behind authenticated encryption.
pub fn seal(secret: &[u8], plaintext: &[u8], aad: &[u8]) -> pb::Ciphertext {
    // A fixed salt and nonce keep a crashing input reproducible.
    xmtp_keystore::ciphertext_to_proto(&xmtp_crypto::encrypt_with(
        secret,
        plaintext,
        aad,
        [7; xmtp_crypto::HKDF_SALT_LEN],
        [9; xmtp_crypto::GCM_NONCE_LEN],
    ))
}

/// Asserts that a prost message survives encode → decode unchanged.
pub fn assert_round_trip<M: xmtp_proto::Message + Default + PartialEq + std::fmt::Debug>(m: &M) {
    let again = M::decode(m.encode_to_vec().as_slice()).expect("re-encoded message decodes");
    assert_eq!(&again, m, "protobuf round trip changed the message");
}

/// The current (newest) pre-key of `bundle`.
pub fn my_pre_key(bundle: &PrivateKeyBundle) -> &xmtp_crypto::PublicKey {
    bundle
        .pre_keys()
        .next()
        .expect("a bundle has a pre-key")
        .key()
}

/// `installation`'s keys as a reader of Alice's installations topic gets them: its signed
/// record, verified under her contact bundle.
pub fn installation_keys(
    installation: &xmtp_keystore::Installation,
) -> xmtp_keystore::InstallationKeys {
    let alice = &fixtures().alice;
    let record = installation.keys_record(alice, NOW_NS);
    let contact = xmtp_keystore::ContactBundle::v2_for(alice);
    xmtp_keystore::verify_installation_records(&contact, [record.as_slice()])
        .expect("Alice's own record verifies")
        .active
        .pop()
        .expect("one active installation")
}
