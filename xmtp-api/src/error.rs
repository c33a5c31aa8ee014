//! The one error type of this crate.

/// A gRPC status code as the node returns it (the subset XMTP uses has names; others keep their
/// number).
pub use tonic::Code;

/// What can go wrong talking to a node.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The node answered with a non-OK gRPC status.
    #[error("node returned {code:?}: {message}")]
    Status {
        /// The status code.
        code: Code,
        /// The node's message.
        message: String,
    },
    /// The connection could not be made or broke.
    #[error("transport error: {0}")]
    Transport(String),
    /// A call took longer than its deadline.
    #[error("request timed out")]
    Timeout,
    /// The node URL could not be used.
    #[error("invalid node URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// An auth token could not be made for a publish.
    #[error("could not create an auth token: {0}")]
    Auth(String),
    /// A request was refused before sending because it breaks a protocol rule.
    #[error("invalid request: {0}")]
    InvalidRequest(&'static str),
    /// The subscription ended and will not be restarted (it was closed, or retries ran out).
    #[error("subscription closed")]
    SubscriptionClosed,
}

impl Error {
    /// Whether the same call may succeed later: UNAVAILABLE, RESOURCE_EXHAUSTED,
    /// DEADLINE_EXCEEDED, ABORTED, transport failures and timeouts.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Status { code, .. } => matches!(
                code,
                Code::Unavailable
                    | Code::ResourceExhausted
                    | Code::DeadlineExceeded
                    | Code::Aborted
            ),
            Self::Transport(_) | Self::Timeout => true,
            _ => false,
        }
    }

    /// The gRPC code, for errors that came from the node.
    pub fn code(&self) -> Option<Code> {
        match self {
            Self::Status { code, .. } => Some(*code),
            _ => None,
        }
    }
}

impl From<tonic::Status> for Error {
    fn from(status: tonic::Status) -> Self {
        // tonic reports connection failures as UNAVAILABLE/UNKNOWN statuses with a source error.
        Self::Status {
            code: status.code(),
            message: status.message().to_owned(),
        }
    }
}

impl From<tonic::transport::Error> for Error {
    fn from(err: tonic::transport::Error) -> Self {
        Self::Transport(err.to_string())
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
