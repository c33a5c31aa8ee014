#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod auth;
pub mod batch;
mod bundle;
mod bundle_cache;
mod clock;
mod contact;
mod error;
mod identity;
pub mod invitation;
mod keys;
pub mod preferences;
pub mod storage;
pub mod store;
pub mod v1;
pub mod v2;
mod wipe;
mod wire;

pub use crate::bundle::{DecodedPrivateKeyBundle, PrivateKeyBundle};
pub use crate::bundle_cache::{
    DEFAULT_BUNDLE_CACHE_CAPACITY, MAX_CACHED_BUNDLE_LEN, VerifiedBundleCache,
};
pub use crate::clock::{Clock, ManualClock, SkewedClock, SystemClock, now_ns};
pub use crate::contact::{ContactBundle, choose_contact};
pub use crate::error::{Error, Result};
pub use crate::identity::{IdentityCreation, SignatureRequest, SignatureRequestKind};
pub use crate::invitation::{Conversation, ConversationStore, Invitation};
pub use crate::keys::{
    KeySignature, LEGACY_NS_THRESHOLD, LegacyPublicKey, PublicKeyBundle, SignedPublicKey,
    SignedPublicKeyBundle, create_identity_text,
};
pub use crate::storage::{EncryptedPrivateKeyBundle, KeyStorageRequest};
