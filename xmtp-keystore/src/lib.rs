#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

// Every module is private: the list below is the public API, each item at one path, so files
// can be split or renamed without breaking a user.
mod auth;
mod batch;
mod blob;
mod bundle;
mod bundle_cache;
mod ciphertext;
mod clock;
mod contact;
mod error;
mod forward_secrecy;
mod identity;
mod invitation;
mod keys;
mod local_keystore;
mod preferences;
mod private_store;
mod v1;
mod v2;
mod wipe;
mod wire;

// Errors and time.
pub use crate::clock::{Clock, ManualClock, SkewedClock, SystemClock, now_ns};
pub use crate::error::{Error, Result};

// Identity and keys (protocol.md §3), contacts (§10).
pub use crate::bundle::{DecodedPrivateKeyBundle, PrivateKeyBundle};
pub use crate::contact::{ContactBundle, choose_contact};
pub use crate::identity::{IdentityCreation, SignatureRequest, SignatureRequestKind};
pub use crate::keys::{
    KeySignature, LEGACY_NS_THRESHOLD, LegacyPublicKey, PublicKeyBundle, SignedPublicKey,
    SignedPublicKeyBundle, create_identity_text,
};

// The `Ciphertext` message every sealed payload uses (§4).
pub use crate::ciphertext::ciphertext_to_proto;

// The private store: my bundle on the network under the Enable-Identity signature (§5).
pub use crate::private_store::{
    EncryptedPrivateKeyBundle, KeyStorageRequest, enable_identity_text,
};

// API authentication tokens, built by the SDK and checked by the node (network.md §3).
pub use crate::auth::{
    AuthError, AuthToken, DEFAULT_MAX_AGE_NS, REFRESH_AGE_NS, create_auth_token,
    verify_auth_header, verify_token,
};

// v1 direct messages (§6).
pub use crate::v1::{
    OpenedV1Message, SealedV1Message, V1Conversation, discover_v1_conversations, message_id,
    open_v1_message, seal_v1_message,
};

// v2 invitations and conversations (§7.2–7.4).
pub use crate::invitation::{
    Conversation, ConversationStore, INVITATION_SALT, Invitation, SealedInvitation,
    deterministic_invitation, open_invitation, seal_invitation,
};

// v2 messages (§7.5–7.7).
pub use crate::bundle_cache::{
    DEFAULT_BUNDLE_CACHE_CAPACITY, MAX_CACHED_BUNDLE_LEN, VerifiedBundleCache,
};
pub use crate::v2::{
    HMAC_PERIOD_MS, OpenedV2Message, SealOptions, SealedV2Message, hmac_keys, hmac_period,
    open_v2_message, open_v2_message_cached, open_v2_unchecked_sender, seal_v2_message,
    sender_hmac_key,
};

// Many invitations or messages at once, in parallel, one result per item.
pub use crate::batch::{
    EnvelopeRef, open_invitations, open_v1_messages, open_v2_messages, open_v2_messages_cached,
    save_invitations,
};

// Private preferences and consent (§11).
pub use crate::preferences::{
    CONSENT_PROOF_MAX_AGE_MS, Consent, ConsentAction, ConsentState, consent_proof_payload,
    consent_proof_text, js_utc_string, open_action, peers_allowed_by_proofs, preferences_topic,
    seal_action, self_decrypt, self_encrypt, topic_identifier, topic_identifier_for_key,
    verify_consent_proof,
};

// Versioned encrypted blobs: key and conversation export, the local keystore's file.
pub use crate::blob::{
    BLOB_VERSION, BlobKind, export_bundle, export_conversations, import_bundle,
    import_conversations, open_blob, seal_blob,
};

// Forward secrecy between xmtp-rs installations (Olm through vodozemac).
pub use crate::forward_secrecy::{
    FallbackKeyPolicy, FsError, INSTALLATION_RECORD_CONTEXT, Installation, InstallationId,
    InstallationKeys, InstallationList, MAX_MESSAGE_GAP, MAX_RECEIVING_CHAINS, MAX_RECIPIENTS,
    MAX_REMEMBERED_SESSIONS, MAX_SESSIONS_PER_PEER, MAX_SKIPPED_KEYS_PER_CHAIN, Maintenance,
    OpenedForwardSecret, PickleKey, revocation_record, verify_installation_records,
};

// The local keystore: sealed at rest, atomic writes, previous state kept.
pub use crate::local_keystore::{
    FileBackend, KeystoreBackend, KeystoreState, LocalKeystore, MemoryBackend, STATE_VERSION,
    StoreKey,
};
