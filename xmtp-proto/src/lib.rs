#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod encoded_content;
mod error;
#[cfg(any(feature = "grpc-client", feature = "grpc-server"))]
mod grpc_codec;
mod redact;
pub mod topic;
pub mod waku;

pub use error::{Error, Result};
pub use prost::{DecodeError, Message};

// The generated modules in `src/gen` are committed (regenerate with
// `cargo run --manifest-path xmtp-proto/codegen/Cargo.toml`; `.ci/run` checks they are current),
// so users of this crate do not build protox and the code generators.

/// `xmtp.message_contents`: keys, signatures, ciphertexts, contacts, messages, invitations,
/// content, private preferences and frames (protocol.md §1.1–1.13).
#[allow(missing_docs)]
pub mod message_contents {
    include!("gen/xmtp.message_contents.rs");
    include!("gen/xmtp.message_contents.serde.rs");
}

/// `xmtp.message_api.*`: the network API.
pub mod message_api {
    /// `xmtp.message_api.v1`: envelopes, query/publish/subscribe shapes, the auth token and the
    /// `MessageApi` service (network.md §1).
    ///
    /// `message_api_client` needs feature `grpc-client`; `message_api_server` needs
    /// `grpc-server`.
    #[allow(missing_docs)]
    pub mod v1 {
        include!("gen/xmtp.message_api.v1.rs");
        include!("gen/xmtp.message_api.v1.serde.rs");
    }
}

/// `xmtp.keystore_api.*`: the JS SDK's keystore request/response shapes.
pub mod keystore_api {
    /// `xmtp.keystore_api.v1` (protocol.md §1.15). Not sent to the network; `TopicMap` and
    /// `PrivatePreferencesActionMap` are what JS persists.
    #[allow(missing_docs)]
    pub mod v1 {
        include!("gen/xmtp.keystore_api.v1.rs");
        include!("gen/xmtp.keystore_api.v1.serde.rs");

        pub use get_conversation_hmac_keys_response::{HmacKeyData, HmacKeys};
    }
}

/// `xmtp_rs.forward_secrecy.*`: an xmtp-rs extension, not part of XMTP v2.
pub mod forward_secrecy {
    /// `xmtp_rs.forward_secrecy.v1`: installation keys signed by the wallet's identity key, and
    /// the `xmtp.rs/forwardSecret:1.0` content (one Olm ciphertext per recipient installation).
    #[allow(missing_docs)]
    pub mod v1 {
        include!("gen/xmtp_rs.forward_secrecy.v1.rs");
    }
}

/// Encoded `google.protobuf.FileDescriptorSet` of every `.proto` file in this crate (with
/// source info), e.g. for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!("gen/file_descriptor_set.bin");

/// Decodes one protobuf message of type `M` from untrusted bytes.
///
/// Fails with [`Error::Decode`] on truncated input, a bad varint, a wire-type mismatch, invalid
/// UTF-8 in a `string` field or too deep nesting; unknown fields are skipped, as proto3 requires.
/// Never panics.
pub fn decode<M: Message + Default>(bytes: &[u8]) -> Result<M> {
    M::decode(bytes).map_err(|source| Error::Decode {
        message: short_type_name::<M>(),
        source,
    })
}

fn short_type_name<M>() -> &'static str {
    let full = std::any::type_name::<M>();
    full.rsplit("::").next().unwrap_or(full)
}
