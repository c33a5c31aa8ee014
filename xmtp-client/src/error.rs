//! The one error type of this crate.

/// Everything that can go wrong in `xmtp-client`. Bad input (bytes from the network, a remote
/// attachment from an untrusted URL) always ends up here; nothing in this crate panics on it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bytes that are not a valid protobuf encoding (`EncodedContent`, `Composite`).
    #[error(transparent)]
    Proto(#[from] xmtp_proto::Error),
    /// An `EncodedContent` without its `type` field, which every sender sets.
    #[error("encoded content has no content type")]
    MissingContentType,
    /// The `compression` field holds a value that is neither deflate (0) nor gzip (1).
    #[error("unknown compression {0}")]
    UnknownCompression(i32),
    /// Compressed content that is not a valid zlib or gzip stream.
    #[error("cannot decompress content: {0}")]
    Decompress(#[source] std::io::Error),
    /// Compressed content that inflates past the configured bound (a compression bomb, or
    /// simply more than this decoder accepts). Nothing beyond the bound was allocated.
    #[error("decompressed content exceeds the limit of {limit} bytes")]
    DecompressedTooLarge {
        /// The bound that was hit, in bytes.
        limit: usize,
    },
    /// No codec is registered for the content type of a value being encoded.
    #[error("no codec registered for {content_type}")]
    NoCodec {
        /// `authority/type:major.minor`.
        content_type: String,
    },
    /// The codec registered for a content type cannot handle the value it was given (a
    /// [`Content`](crate::content::Content) variant of another type).
    #[error("value does not match the codec registered for {content_type}")]
    ContentMismatch {
        /// `authority/type:major.minor`.
        content_type: String,
    },
    /// Content that its codec rejects: a missing or malformed parameter, bad UTF-8, an
    /// unsupported encoding, an out-of-range value.
    #[error("invalid {content_type} content: {reason}")]
    InvalidContent {
        /// `authority/type:major.minor`.
        content_type: String,
        /// What is wrong, e.g. `encoding parameter is not UTF-8`.
        reason: &'static str,
    },
    /// JSON content (reaction, transaction reference) that does not parse or does not have the
    /// expected shape.
    #[error("invalid {content_type} JSON: {source}")]
    InvalidJson {
        /// `authority/type:major.minor`.
        content_type: String,
        /// What `serde_json` found wrong.
        #[source]
        source: serde_json::Error,
    },
    /// An error from a custom codec, carried as-is.
    #[error("{content_type} codec: {source}")]
    Codec {
        /// `authority/type:major.minor`.
        content_type: String,
        /// The codec's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A remote-attachment URL that is not `https` (and not an allowed loopback `http` URL).
    #[error("remote attachment URL must use https")]
    InsecureUrl,
    /// The downloaded remote-attachment payload does not hash to the announced `contentDigest`.
    #[error("remote attachment digest mismatch")]
    DigestMismatch,
    /// The remote-attachment URL served an empty body.
    #[error("remote attachment payload is empty")]
    EmptyPayload,
    /// The remote-attachment download is larger than the loader accepts.
    #[error("remote attachment payload exceeds the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The bound that was hit, in bytes.
        limit: usize,
    },
    /// No blob is stored under this URL (in-memory store).
    #[error("no remote attachment stored at {url}")]
    NotFound {
        /// The URL that was asked for.
        url: String,
    },
    /// Decrypting a remote attachment failed (wrong secret, tampered payload, bad salt or nonce
    /// length).
    #[error(transparent)]
    Crypto(#[from] xmtp_crypto::Error),
    /// The HTTP request to upload or download a remote attachment failed before a status came
    /// back (connection refused, timeout, TLS failure, bad URL).
    #[error("remote attachment HTTP request failed: {0}")]
    Http(#[source] reqwest::Error),
    /// The HTTP store was asked to upload but has no upload URL configured.
    #[error("no upload URL configured for remote attachments")]
    NoUploadBase,
    /// The TLS configuration for the HTTP client could not be built.
    #[error("TLS setup failed: {0}")]
    Tls(#[source] rustls::Error),
    /// The server answered an upload or download with a non-success status.
    #[error("remote attachment server answered HTTP {status}")]
    HttpStatus {
        /// The HTTP status code.
        status: u16,
    },
    /// A network call to the node failed (see [`xmtp_api::Error::is_retryable`]).
    #[error(transparent)]
    Api(#[from] xmtp_api::Error),
    /// A key operation failed: a bad signature, an invitation or message that does not open, a
    /// forged sender, a cross-topic message.
    #[error(transparent)]
    Keystore(#[from] xmtp_keystore::Error),
    /// The wallet signer failed or refused to sign.
    #[error("wallet signer: {0}")]
    Signer(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A step of the identity setup was called out of order (e.g. a signature given when none
    /// was asked for).
    #[error("identity setup: {0}")]
    Setup(&'static str),
    /// The peer has no contact bundle on the network, so it cannot be messaged.
    #[error("{address} has not published a contact bundle; it cannot be messaged yet")]
    NotOnNetwork {
        /// The peer's address (EIP-55).
        address: String,
    },
    /// Forward secrecy needs this client to be an installation first
    /// ([`Client::register_installation`](crate::Client::register_installation)), or it was
    /// revoked.
    #[error("this client has no forward-secrecy installation")]
    NoInstallation,
    /// The peer has published no (unrevoked) installation, so forward secrecy cannot be used
    /// with it: the conversation stays plain v2.
    #[error("{address} has no forward-secrecy installation")]
    PeerHasNoInstallations {
        /// The peer's address (EIP-55).
        address: String,
    },
    /// An address that is not a 20-byte hex Ethereum address.
    #[error("invalid address {0:?}")]
    InvalidAddress(String),
    /// A topic that this client does not recognise as one of its conversations.
    #[error("no conversation is known on topic {0}")]
    UnknownConversation(String),
    /// A background task of the client stopped unexpectedly (it panicked or was cancelled).
    #[error("background task failed: {0}")]
    Task(String),
    /// The local keystore (persistence) does not open with this identity's key: it was sealed by
    /// another identity of the same wallet (e.g. one created on another network), or it is
    /// damaged and has no readable previous state.
    #[error("the local keystore does not open with this identity's key: {0}")]
    LocalStore(#[source] xmtp_keystore::Error),
}

impl Error {
    /// Whether the same call could succeed if repeated later: network failures, timeouts,
    /// server errors and rate limits. Bad content never becomes good by retrying.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Http(e) => e.is_timeout() || e.is_connect() || e.is_body(),
            Error::HttpStatus { status } => *status == 429 || (500..600).contains(status),
            Error::Proto(e) => e.is_retryable(),
            Error::Crypto(e) => e.is_retryable(),
            Error::Api(e) => e.is_retryable(),
            Error::Keystore(e) | Error::LocalStore(e) => e.is_retryable(),
            // A contact may be published a moment later; the same call can then succeed.
            Error::NotOnNetwork { .. } | Error::Task(_) => true,
            _ => false,
        }
    }

    pub(crate) fn invalid(
        content_type: &crate::content::ContentTypeId,
        reason: &'static str,
    ) -> Self {
        Error::InvalidContent {
            content_type: content_type.to_string(),
            reason,
        }
    }

    pub(crate) fn json(
        content_type: &crate::content::ContentTypeId,
        source: serde_json::Error,
    ) -> Self {
        Error::InvalidJson {
            content_type: content_type.to_string(),
            source,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
