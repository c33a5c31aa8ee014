//! The one error type of this crate.

use crate::auth::AuthError;

/// Everything that can go wrong in `xmtp-keystore`. Untrusted bytes never panic; they end up here.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bytes that are not the protobuf message that was expected.
    #[error(transparent)]
    Proto(#[from] xmtp_proto::Error),
    /// A cryptographic primitive failed: bad key, bad signature, failed decryption.
    #[error(transparent)]
    Crypto(#[from] xmtp_crypto::Error),
    /// A protobuf message lacks a field the protocol requires.
    #[error("missing field: {0}")]
    MissingField(&'static str),
    /// A field holds a value the protocol does not allow (wrong length, unknown oneof arm...).
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// A `SignedPublicKey` identity key without a `wallet_ecdsa_compact` signature, so no wallet
    /// address can be recovered from it.
    #[error("key was not signed by a wallet")]
    NotWalletSigned,
    /// A key whose signature is not an `ecdsa_compact` by an XMTP key (e.g. a pre-key carrying a
    /// wallet signature).
    #[error("key was not signed by an XMTP key")]
    NotKeySigned,
    /// A pre-key whose signature does not verify under the identity key (forged or swapped bundle).
    #[error("pre-key is not signed by the identity key")]
    PreKeyNotSigned,
    /// A wallet signature that recovers to another address than the one expected.
    #[error("signature recovers to {actual}, expected {expected}")]
    WrongSigner {
        /// The address that should have signed (EIP-55).
        expected: String,
        /// The address that did sign (EIP-55).
        actual: String,
    },
    /// A content signature that does not verify under the sender's key.
    #[error("payload signature does not verify under the sender key")]
    BadPayloadSignature,
    /// None of my pre-keys matches the one named by a message or invitation.
    #[error("no matching pre-key")]
    NoMatchingPreKey,
    /// A key created from a native v2 key (`created_ns` >= 10^18) cannot become a legacy key.
    #[error("key is not legacy-derived; cannot convert to a legacy bundle")]
    NotLegacyKey,
    /// A message or invitation whose topic is not the one it arrived on (cross-topic injection).
    #[error("topic mismatch: expected {expected}, found {found}")]
    TopicMismatch {
        /// The conversation topic.
        expected: String,
        /// The topic named inside the payload.
        found: String,
    },
    /// A sealed invitation whose header time differs from its envelope timestamp.
    #[error("header created_ns {header} differs from envelope timestamp {envelope}")]
    TimestampMismatch {
        /// `SealedInvitationHeaderV1.created_ns`.
        header: u64,
        /// `Envelope.timestamp_ns`.
        envelope: u64,
    },
    /// A v2 message signed by someone who is not one of the conversation's two participants.
    #[error("sender {sender} is not a participant of this conversation")]
    NotParticipant {
        /// The sender's wallet address (EIP-55).
        sender: String,
    },
    /// An invitation or message that is neither from me nor addressed to me.
    #[error("not addressed to this identity")]
    NotForMe,
    /// A conversation with oneself.
    #[error("cannot start a conversation with yourself")]
    SelfConversation,
    /// A protocol version or container variant this crate does not handle.
    #[error("unsupported: {0}")]
    Unsupported(&'static str),
    /// No conversation is known for the topic.
    #[error("unknown conversation topic {0}")]
    UnknownTopic(String),
    /// A call that does not fit the current state of a state machine.
    #[error("wrong state: {0}")]
    WrongState(&'static str),
    /// An auth token failed verification (the node-go text is in the inner error).
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The local keystore file could not be read or written.
    #[error("keystore I/O: {0}")]
    Io(#[from] std::io::Error),
    /// A forward-secret (Olm) operation failed.
    #[error(transparent)]
    ForwardSecrecy(crate::forward_secrecy::FsError),
    /// The local keystore file or an exported blob is damaged, tampered with or of an unknown
    /// format version.
    #[error("corrupt keystore data: {0}")]
    Corrupt(&'static str),
}

impl Error {
    /// Whether trying the same call again could succeed: only I/O errors (a busy or full disk);
    /// every cryptographic or decoding failure is deterministic.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Io(_))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
