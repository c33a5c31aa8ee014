//! Exit codes and the failures that carry them.

/// The exit codes of `xmtp` (documented in the README).
pub mod code {
    /// Any other failure.
    pub const FAILURE: u8 = 1;
    /// Bad input: a usage error, a malformed address, key or profile name.
    pub const USAGE: u8 = 2;
    /// The profile has no identity yet (`xmtp init`).
    pub const NO_IDENTITY: u8 = 3;
    /// No node answers at the URL.
    pub const NO_NODE: u8 = 4;
    /// The peer has no XMTP identity, so it cannot be messaged.
    pub const NOT_ON_NETWORK: u8 = 5;
    /// The keystore's password is wrong.
    pub const WRONG_PASSWORD: u8 = 6;
}

/// A failure with the exit code it ends the program with.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What to tell the user.
    pub message: String,
}

impl Failure {
    /// A failure ending with `code`.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The exit code and message for `error`: known failures get their own code and a hint.
pub fn classify(error: &anyhow::Error, node_url: &str) -> (u8, String) {
    for cause in error.chain() {
        // A failure may come back wrapped, e.g. from a wallet signer through the client.
        if let Some(failure) = cause.downcast_ref::<Failure>() {
            return (failure.code, failure.message.clone());
        }
    }
    for cause in error.chain() {
        let api = match cause.downcast_ref::<xmtp_client::Error>() {
            Some(xmtp_client::Error::Api(api)) => Some(api),
            Some(xmtp_client::Error::NotOnNetwork { address }) => {
                return (
                    code::NOT_ON_NETWORK,
                    format!(
                        "{address} has no XMTP identity on this network yet, so it cannot be \
                         messaged (they must sign in to XMTP once)"
                    ),
                );
            }
            Some(xmtp_client::Error::InvalidAddress(text)) => {
                return (code::USAGE, format!("malformed address {text:?}"));
            }
            _ => cause.downcast_ref::<xmtp_api::Error>(),
        };
        match api {
            Some(xmtp_api::Error::Transport(_) | xmtp_api::Error::Timeout) => {
                return (
                    code::NO_NODE,
                    format!(
                        "no XMTP node answers at {node_url} ({error:#}).\nStart one on this \
                         machine with `xmtp node`, or point at another with --node URL or \
                         XMTP_NODE."
                    ),
                );
            }
            Some(xmtp_api::Error::InvalidUrl { url, reason }) => {
                return (
                    code::USAGE,
                    format!(
                        "invalid node URL {url:?}: {reason} (expected e.g. http://127.0.0.1:5556)"
                    ),
                );
            }
            _ => {}
        }
    }
    (code::FAILURE, format!("{error:#}"))
}
