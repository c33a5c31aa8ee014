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
    /// No conversation of this identity matches the peer, topic or conversation id given.
    pub const NO_CONVERSATION: u8 = 7;
    /// `stream --timeout` passed before `--count` messages arrived.
    pub const TIMED_OUT: u8 = 8;
}

/// The name and meaning of an exit code, as the README's table and `--json` errors give them.
pub fn meaning(exit_code: u8) -> (&'static str, &'static str) {
    match exit_code {
        0 => ("success", "success"),
        code::USAGE => (
            "usage",
            "bad input: usage, malformed address, key or profile name, bad node URL",
        ),
        code::NO_IDENTITY => ("no_identity", "the profile has no identity yet"),
        code::NO_NODE => ("no_node", "no XMTP node answers at the URL"),
        code::NOT_ON_NETWORK => (
            "not_on_network",
            "the peer has no XMTP identity, so it cannot be messaged",
        ),
        code::WRONG_PASSWORD => ("wrong_password", "wrong keystore password"),
        code::NO_CONVERSATION => (
            "no_conversation",
            "no conversation matches the peer, topic or conversation id",
        ),
        code::TIMED_OUT => (
            "timed_out",
            "the timeout passed before the expected messages arrived",
        ),
        _ => ("failure", "any other failure"),
    }
}

/// The `--json` form of a failure: one object, written on stderr.
pub fn error_json(exit_code: u8, message: &str) -> serde_json::Value {
    let (name, meaning) = meaning(exit_code);
    serde_json::json!({
        "error": name,
        "exit_code": exit_code,
        "meaning": meaning,
        "message": message,
    })
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

/// `error`, or a clearer failure found by asking the node's URL what answers there: a gRPC call
/// that the node's HTTP gateway answered (its JSON is no gRPC frame, and tonic reports that as
/// an INTERNAL or UNKNOWN status).
pub async fn explain(error: anyhow::Error, node_url: &str) -> anyhow::Error {
    let grpc_garbled = error.chain().any(|cause| {
        let api = match cause.downcast_ref::<xmtp_client::Error>() {
            Some(xmtp_client::Error::Api(api)) => Some(api),
            _ => cause.downcast_ref::<xmtp_api::Error>(),
        };
        // A transport failure too: tonic may report the garbled reply with a local cause.
        matches!(api, Some(xmtp_api::Error::Transport(_)))
            || matches!(
                api.and_then(xmtp_api::Error::code),
                Some(
                    xmtp_api::Code::Internal
                        | xmtp_api::Code::Unknown
                        | xmtp_api::Code::Unimplemented
                )
            )
    });
    if grpc_garbled && crate::probe::is_http_gateway(node_url).await {
        return Failure::new(
            code::USAGE,
            format!(
                "{node_url} is an XMTP node's HTTP/JSON gateway (the port the JS SDK uses), not \
                 its gRPC API: point --node or XMTP_NODE at the node's gRPC port instead \
                 (`xmtp node` prints it as grpc=HOST:PORT when it starts; by default the gateway \
                 is port 5555 and gRPC 5556)"
            ),
        )
        .into();
    }
    error
}

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
            Some(xmtp_client::Error::PeerHasNoInstallations { address }) => {
                return (
                    code::FAILURE,
                    format!(
                        "{address} has no forward-secrecy installation, so this conversation \
                         stays plain v2 (the peer must run an xmtp-rs app with forward secrecy, \
                         e.g. `xmtp installations register`)"
                    ),
                );
            }
            Some(xmtp_client::Error::NoInstallation) => {
                return (
                    code::FAILURE,
                    "this profile has no forward-secrecy installation (`xmtp installations \
                     register`), or it was revoked"
                        .to_owned(),
                );
            }
            Some(xmtp_client::Error::InvalidAddress(text)) => {
                return (code::USAGE, format!("malformed address {text:?}"));
            }
            Some(xmtp_client::Error::LocalStore(e)) => {
                return (
                    code::FAILURE,
                    format!(
                        "this profile's local state does not open with the keys this wallet has \
                         on {node_url} ({e}). The profile was most likely made against another \
                         node (another database), where the same wallet has other XMTP keys. Use \
                         that node again (--node URL or XMTP_NODE), or give this node a profile \
                         of its own (--profile NAME; `xmtp --profile NAME init --import` with the \
                         same wallet key), or, to start this profile over on this node, delete \
                         its `keystore` and `keystore.prev` files (a cache of conversations \
                         and consent, restored from the node it belongs to)."
                    ),
                );
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
