//! The crate's error type.

use std::net::SocketAddr;

use crate::store::StoreError;

/// Errors starting or running a node.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The storage backend failed to open or answer.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A listener could not be bound (port in use, address not local, no permission).
    #[error("cannot listen for {what} on {addr}: {source}")]
    Bind {
        /// `"HTTP"` or `"gRPC"`.
        what: &'static str,
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The configuration cannot work (e.g. a backend this build does not include).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A server task failed while running.
    #[error("{what} server failed: {message}")]
    Serve {
        /// `"HTTP"` or `"gRPC"`.
        what: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// Whether starting again later may succeed (the database may come back, the port may
    /// be freed).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store(e) => e.is_retryable(),
            Self::Bind { source, .. } => source.kind() == std::io::ErrorKind::AddrInUse,
            Self::Config(_) => false,
            Self::Serve { .. } => true,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
