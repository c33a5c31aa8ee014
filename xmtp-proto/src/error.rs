//! The crate's error type.

/// Errors from this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bytes that are not a valid protobuf encoding of the expected message.
    #[error("invalid {message} protobuf: {source}")]
    Decode {
        /// Rust name of the message that was expected, e.g. `ContactBundle`.
        message: &'static str,
        /// What prost found wrong.
        #[source]
        source: prost::DecodeError,
    },
}

impl Error {
    /// Whether trying the same thing again could succeed. Decoding the same bytes never will.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Decode { .. } => false,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
