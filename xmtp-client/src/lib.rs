#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod broadcast;
mod client;
mod consent;
pub mod content;
mod conversations;
mod envelope;
mod error;
mod forward_secrecy;
mod message;
mod signer;
mod stamps;
mod streams;

pub use broadcast::BroadcastResult;
pub use client::{Client, ClientOptions, IdentitySetup, PreKeyRotationRisks};
pub use conversations::{
    ConsentProof, Conversation, ConversationContext, ConversationVersion, Conversations, Direction,
    ListFilter, ListOrder, MessageQuery, PreparedMessage, SendOptions, SyncReport,
};
pub use envelope::Envelope;
pub use error::{Error, Result};
pub use forward_secrecy::{FORWARD_SECRET, FORWARD_SECRET_FALLBACK, MAX_REMEMBERED_PLAINTEXTS};
pub use message::{
    ConversationSecret, DecodedMessage, MessageResult, UndecodableMessage, decode_envelope,
};
pub use signer::{SignerError, WalletSigner};
pub use streams::ConnectionEvent;
pub use xmtp_api::{ApiConfig, Clock, ManualClock, SkewedClock, SystemClock, XmtpApi};
pub use xmtp_crypto::{Address, LocalWallet, WalletSignature};
pub use xmtp_keystore::Consent;
pub use xmtp_keystore::SignatureRequest;
pub use xmtp_keystore::{FallbackKeyPolicy, InstallationId, InstallationKeys, InstallationList};
pub use xmtp_keystore::{FileBackend, KeystoreBackend, MemoryBackend};
