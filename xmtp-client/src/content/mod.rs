//! Content types and codecs (protocol.md §8): what a message carries, and how it becomes the
//! `EncodedContent` bytes that are signed and encrypted.
//!
//! A [`CodecRegistry`] maps `authority/type` to a [`ContentCodec`]. It encodes a [`Content`]
//! value (setting the codec's fallback text and, on request, compressing) and decodes received
//! bytes back into one, turning an unregistered type, or a major version newer than the codec's,
//! into [`Content::Unknown`] with the sender's fallback text instead of an error.

use std::any::Any;
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use xmtp_proto::message_contents as proto;

use crate::error::{Error, Result};

mod attachment;
mod composite;
mod compression;
mod display;
mod reaction;
mod read_receipt;
mod registry;
mod remote_attachment;
mod reply;
mod text;
mod transaction_reference;
mod typing_notification;

pub use attachment::{Attachment, AttachmentCodec};
pub use composite::{Composite, CompositeCodec};
pub use compression::{
    COMPRESSION_MIN_LEN, Compression, DEFAULT_MAX_DECOMPRESSED_LEN, JS_MAX_DECOMPRESSED_LEN,
    compress, decompress,
};
pub use reaction::{Reaction, ReactionAction, ReactionCodec, ReactionSchema};
pub use read_receipt::{ReadReceipt, ReadReceiptCodec};
pub use registry::CodecRegistry;
pub use remote_attachment::{
    DEFAULT_MAX_PAYLOAD_LEN, EncryptedContent, HttpRemoteAttachmentStore,
    InMemoryRemoteAttachmentStore, RemoteAttachment, RemoteAttachmentCodec,
    RemoteAttachmentFetcher, RemoteAttachmentLoader, RemoteAttachmentUploader,
};
pub use reply::{Reply, ReplyCodec};
pub use text::TextCodec;
pub use transaction_reference::{
    NetworkId, TransactionMetadata, TransactionReference, TransactionReferenceCodec,
};
pub use typing_notification::{TypingNotification, TypingNotificationCodec};

/// A content type: `authority/type:major.minor` (XIP-5). Codecs are looked up by authority and
/// type; the major version decides whether a codec can read a value at all.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ContentTypeId {
    /// Who defines the type, e.g. `xmtp.org`.
    pub authority_id: Cow<'static, str>,
    /// The type's name within the authority, e.g. `text`.
    pub type_id: Cow<'static, str>,
    /// Incompatible revisions.
    pub version_major: u32,
    /// Backward-compatible revisions.
    pub version_minor: u32,
}

impl ContentTypeId {
    /// `xmtp.org/text:1.0`.
    pub const TEXT: Self = Self::new_static("xmtp.org", "text", 1, 0);
    /// `xmtp.org/reaction:1.0`.
    pub const REACTION: Self = Self::new_static("xmtp.org", "reaction", 1, 0);
    /// `xmtp.org/reply:1.0`.
    pub const REPLY: Self = Self::new_static("xmtp.org", "reply", 1, 0);
    /// `xmtp.org/readReceipt:1.0`.
    pub const READ_RECEIPT: Self = Self::new_static("xmtp.org", "readReceipt", 1, 0);
    /// `xmtp.org/attachment:1.0`.
    pub const ATTACHMENT: Self = Self::new_static("xmtp.org", "attachment", 1, 0);
    /// `xmtp.org/remoteStaticAttachment:1.0`.
    pub const REMOTE_ATTACHMENT: Self =
        Self::new_static("xmtp.org", "remoteStaticAttachment", 1, 0);
    /// `xmtp.org/transactionReference:1.0`.
    pub const TRANSACTION_REFERENCE: Self =
        Self::new_static("xmtp.org", "transactionReference", 1, 0);
    /// `xmtp.org/composite:1.0` (JS 8–11; deprecated by XRC-19).
    pub const COMPOSITE: Self = Self::new_static("xmtp.org", "composite", 1, 0);
    /// `xmtp.com/typingNotification:1.0` (JS 8–10; note the `.com`).
    pub const TYPING_NOTIFICATION: Self = Self::new_static("xmtp.com", "typingNotification", 1, 0);

    /// A content type with owned names.
    pub fn new(
        authority_id: impl Into<String>,
        type_id: impl Into<String>,
        version_major: u32,
        version_minor: u32,
    ) -> Self {
        Self {
            authority_id: Cow::Owned(authority_id.into()),
            type_id: Cow::Owned(type_id.into()),
            version_major,
            version_minor,
        }
    }

    /// A content type with `'static` names, usable in `const`s.
    pub const fn new_static(
        authority_id: &'static str,
        type_id: &'static str,
        version_major: u32,
        version_minor: u32,
    ) -> Self {
        Self {
            authority_id: Cow::Borrowed(authority_id),
            type_id: Cow::Borrowed(type_id),
            version_major,
            version_minor,
        }
    }

    /// Whether both name the same type, whatever their versions.
    pub fn same_type(&self, other: &ContentTypeId) -> bool {
        self.authority_id == other.authority_id && self.type_id == other.type_id
    }

    /// The registry key, `authority/type` (as in xmtp-js).
    fn key(&self) -> String {
        format!("{}/{}", self.authority_id, self.type_id)
    }

    fn to_proto(&self) -> proto::ContentTypeId {
        proto::ContentTypeId {
            authority_id: self.authority_id.to_string(),
            type_id: self.type_id.to_string(),
            version_major: self.version_major,
            version_minor: self.version_minor,
        }
    }

    fn from_proto(id: proto::ContentTypeId) -> Self {
        Self::new(
            id.authority_id,
            id.type_id,
            id.version_major,
            id.version_minor,
        )
    }
}

impl fmt::Display for ContentTypeId {
    /// The human form `authority/type:major.minor`, also used in the reply codec's
    /// `contentType` parameter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}:{}.{}",
            self.authority_id, self.type_id, self.version_major, self.version_minor
        )
    }
}

/// An `EncodedContent` as codecs see it: uncompressed, with its type always present.
/// Compression belongs to the [`CodecRegistry`]'s encode and decode pipeline.
///
/// `Debug` prints the content's length, not its bytes, and hides a remote attachment's
/// `secret` parameter.
#[derive(Clone, PartialEq, Eq)]
pub struct EncodedContent {
    /// The content type.
    pub type_id: ContentTypeId,
    /// Codec parameters (e.g. `encoding` for text, `filename` for attachments).
    pub parameters: BTreeMap<String, String>,
    /// Text for clients that do not know the type; `None` means "nothing to show".
    pub fallback: Option<String>,
    /// The codec's bytes.
    pub content: Vec<u8>,
}

impl fmt::Debug for EncodedContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parameters: BTreeMap<&str, &str> = self
            .parameters
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str(),
                    if k == "secret" {
                        "[redacted]"
                    } else {
                        v.as_str()
                    },
                )
            })
            .collect();
        f.debug_struct("EncodedContent")
            .field("type_id", &format_args!("{}", self.type_id))
            .field("parameters", &parameters)
            .field("fallback", &self.fallback)
            .field("content_len", &self.content.len())
            .finish()
    }
}

impl EncodedContent {
    /// An `EncodedContent` with no parameters and no fallback.
    pub fn new(type_id: ContentTypeId, content: Vec<u8>) -> Self {
        Self {
            type_id,
            parameters: BTreeMap::new(),
            fallback: None,
            content,
        }
    }

    /// Adds one parameter.
    pub fn with_parameter(mut self, key: &str, value: impl Into<String>) -> Self {
        self.parameters.insert(key.to_owned(), value.into());
        self
    }

    /// A parameter's value, if present.
    pub fn parameter(&self, key: &str) -> Option<&str> {
        self.parameters.get(key).map(String::as_str)
    }

    /// A parameter that must be present, or [`Error::InvalidContent`] with `reason`.
    pub(crate) fn required(&self, key: &str, reason: &'static str) -> Result<&str> {
        self.parameter(key)
            .ok_or_else(|| Error::invalid(&self.type_id, reason))
    }

    /// The protobuf form, compressing `content` when asked to and when it is at least
    /// [`COMPRESSION_MIN_LEN`] bytes long (as xmtp-js ≥ 11.3.11 does).
    pub(crate) fn to_proto(&self, compression: Option<Compression>) -> proto::EncodedContent {
        let compression = compression.filter(|_| self.content.len() >= COMPRESSION_MIN_LEN);
        proto::EncodedContent {
            r#type: Some(self.type_id.to_proto()),
            parameters: self.parameters.clone(),
            fallback: self.fallback.clone(),
            compression: compression.map(|c| c.to_proto() as i32),
            content: match compression {
                Some(c) => compress(&self.content, c),
                None => self.content.clone(),
            },
        }
    }

    /// Encodes to protobuf `EncodedContent` bytes in the xmtp-js field order (1, 2, 3, 5, 4),
    /// compressing `content` when asked to and when it is at least [`COMPRESSION_MIN_LEN`] bytes
    /// long (as xmtp-js ≥ 11.3.11 does).
    pub fn to_bytes(&self, compression: Option<Compression>) -> Vec<u8> {
        self.to_proto(compression).encode_js_order()
    }

    /// Reads protobuf `EncodedContent` bytes, inflating compressed content with a bound of at
    /// most `max_decompressed_len` bytes.
    pub fn from_bytes(bytes: &[u8], max_decompressed_len: usize) -> Result<Self> {
        let budget = Cell::new(max_decompressed_len);
        Self::from_proto_budget(xmtp_proto::decode(bytes)?, &budget)
    }

    /// Decompression draws on a budget shared by every nested `EncodedContent` of one message,
    /// so that many small bombs in a composite cannot add up past the bound.
    fn from_proto_budget(encoded: proto::EncodedContent, budget: &Cell<usize>) -> Result<Self> {
        let type_id = ContentTypeId::from_proto(encoded.r#type.ok_or(Error::MissingContentType)?);
        let content = match encoded.compression {
            None => encoded.content,
            Some(value) => {
                let compression = Compression::from_proto(value)?;
                let inflated = decompress(&encoded.content, compression, budget.get())?;
                budget.set(budget.get().saturating_sub(inflated.len()));
                inflated
            }
        };
        Ok(Self {
            type_id,
            parameters: encoded.parameters,
            fallback: encoded.fallback,
            content,
        })
    }
}

/// A decoded message body. Built-in types have their own variants; values of custom codecs are
/// [`Content::Custom`]; types this registry cannot read are [`Content::Unknown`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Content {
    /// `xmtp.org/text:1.0`.
    Text(String),
    /// `xmtp.org/reaction:1.0`.
    Reaction(Reaction),
    /// `xmtp.org/reply:1.0`.
    Reply(Reply),
    /// `xmtp.org/readReceipt:1.0`.
    ReadReceipt(ReadReceipt),
    /// `xmtp.org/attachment:1.0`.
    Attachment(Attachment),
    /// `xmtp.org/remoteStaticAttachment:1.0`.
    RemoteAttachment(RemoteAttachment),
    /// `xmtp.org/transactionReference:1.0`.
    TransactionReference(TransactionReference),
    /// `xmtp.org/composite:1.0`.
    Composite(Composite),
    /// `xmtp.com/typingNotification:1.0`.
    TypingNotification(TypingNotification),
    /// A value of a codec registered by the application.
    Custom(CustomContent),
    /// A type the registry cannot decode; show [`UnknownContent::fallback`] if there is one.
    Unknown(UnknownContent),
}

impl Content {
    /// The content type this value is encoded as.
    pub fn content_type(&self) -> ContentTypeId {
        match self {
            Content::Text(_) => ContentTypeId::TEXT,
            Content::Reaction(_) => ContentTypeId::REACTION,
            Content::Reply(_) => ContentTypeId::REPLY,
            Content::ReadReceipt(_) => ContentTypeId::READ_RECEIPT,
            Content::Attachment(_) => ContentTypeId::ATTACHMENT,
            Content::RemoteAttachment(_) => ContentTypeId::REMOTE_ATTACHMENT,
            Content::TransactionReference(_) => ContentTypeId::TRANSACTION_REFERENCE,
            Content::Composite(_) => ContentTypeId::COMPOSITE,
            Content::TypingNotification(_) => ContentTypeId::TYPING_NOTIFICATION,
            Content::Custom(custom) => custom.type_id.clone(),
            Content::Unknown(unknown) => unknown.raw.type_id.clone(),
        }
    }

    /// The value of a custom codec, if this is one of type `T`.
    pub fn downcast_custom<T: Any>(&self) -> Option<&T> {
        match self {
            Content::Custom(custom) => custom.value.downcast_ref(),
            _ => None,
        }
    }
}

impl From<String> for Content {
    fn from(text: String) -> Self {
        Content::Text(text)
    }
}

impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Content::Text(text.to_owned())
    }
}

impl PartialEq for Content {
    /// Structural for built-in values; custom values are equal only if they are the same
    /// allocation (their type need not implement `PartialEq`).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Content::Text(a), Content::Text(b)) => a == b,
            (Content::Reaction(a), Content::Reaction(b)) => a == b,
            (Content::Reply(a), Content::Reply(b)) => a == b,
            (Content::ReadReceipt(a), Content::ReadReceipt(b)) => a == b,
            (Content::Attachment(a), Content::Attachment(b)) => a == b,
            (Content::RemoteAttachment(a), Content::RemoteAttachment(b)) => a == b,
            (Content::TransactionReference(a), Content::TransactionReference(b)) => a == b,
            (Content::Composite(a), Content::Composite(b)) => a == b,
            (Content::TypingNotification(a), Content::TypingNotification(b)) => a == b,
            (Content::Custom(a), Content::Custom(b)) => {
                a.type_id == b.type_id && Arc::ptr_eq(&a.value, &b.value)
            }
            (Content::Unknown(a), Content::Unknown(b)) => a == b,
            _ => false,
        }
    }
}

/// The value of an application-defined codec, tagged with its content type.
#[derive(Clone)]
pub struct CustomContent {
    type_id: ContentTypeId,
    value: Arc<dyn Any + Send + Sync>,
}

impl CustomContent {
    /// Wraps `value`, which the codec registered for `type_id` encodes.
    pub fn new<T: Any + Send + Sync>(type_id: ContentTypeId, value: T) -> Self {
        Self {
            type_id,
            value: Arc::new(value),
        }
    }

    /// The content type.
    pub fn type_id(&self) -> &ContentTypeId {
        &self.type_id
    }
}

impl fmt::Debug for CustomContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomContent({})", self.type_id)
    }
}

/// Content that this registry cannot decode.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UnknownContent {
    /// Why it could not be decoded.
    pub reason: UnknownReason,
    /// The sender's fallback text; `None` means "do not render" (e.g. an unknown receipt).
    pub fallback: Option<String>,
    /// The received content, decompressed. Re-encoding it forwards it unchanged.
    pub raw: EncodedContent,
}

/// Why a content type was treated as unknown.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum UnknownReason {
    /// No codec is registered for the authority and type.
    NoCodec,
    /// The sender used a major version newer than the registered codec's.
    UnsupportedMajorVersion {
        /// The highest major version the registered codec reads.
        supported: u32,
    },
}

/// Maps a codec's value type to and from [`Content`].
///
/// Built-in value types have their own variants. A custom type wraps itself in
/// [`Content::Custom`]:
///
/// ```
/// use xmtp_client::content::{Content, ContentTypeId, ContentValue, CustomContent};
///
/// #[derive(Debug)]
/// struct Markdown(String);
/// const MARKDOWN: ContentTypeId = ContentTypeId::new_static("example.org", "markdown", 1, 0);
///
/// impl ContentValue for Markdown {
///     fn into_content(self) -> Content {
///         Content::Custom(CustomContent::new(MARKDOWN, self))
///     }
///     fn from_content(content: &Content) -> Option<&Self> {
///         content.downcast_custom()
///     }
/// }
/// ```
pub trait ContentValue: fmt::Debug + Send + Sync + Sized + 'static {
    /// Wraps the value.
    fn into_content(self) -> Content;
    /// Borrows the value back out, if `content` holds one of this type.
    fn from_content(content: &Content) -> Option<&Self>;
}

macro_rules! builtin_content_value {
    ($($ty:ty => $variant:ident),* $(,)?) => {$(
        impl ContentValue for $ty {
            fn into_content(self) -> Content {
                Content::$variant(self)
            }
            fn from_content(content: &Content) -> Option<&Self> {
                match content {
                    Content::$variant(value) => Some(value),
                    _ => None,
                }
            }
        }
        impl From<$ty> for Content {
            fn from(value: $ty) -> Self {
                Content::$variant(value)
            }
        }
    )*};
}

builtin_content_value! {
    Reaction => Reaction,
    Reply => Reply,
    ReadReceipt => ReadReceipt,
    Attachment => Attachment,
    RemoteAttachment => RemoteAttachment,
    TransactionReference => TransactionReference,
    Composite => Composite,
    TypingNotification => TypingNotification,
}

impl ContentValue for String {
    fn into_content(self) -> Content {
        Content::Text(self)
    }
    fn from_content(content: &Content) -> Option<&Self> {
        match content {
            Content::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// A codec for one content type (XIP-5). Register it with [`CodecRegistry::register`].
pub trait ContentCodec: Send + Sync + 'static {
    /// The Rust value this codec encodes.
    type Value: ContentValue;

    /// The content type written on encode; its major version is the newest this codec reads.
    fn content_type(&self) -> ContentTypeId;

    /// Encodes `value`. `registry` is there for codecs that nest other content (reply).
    fn encode(&self, value: &Self::Value, registry: &CodecRegistry) -> Result<EncodedContent>;

    /// Decodes `encoded`, whose authority and type match [`content_type`](Self::content_type).
    /// Nested content goes through `cx`.
    fn decode(&self, encoded: EncodedContent, cx: &DecodeContext<'_>) -> Result<Self::Value>;

    /// Text for clients that cannot display the type; `None` means "do not render".
    fn fallback(&self, value: &Self::Value) -> Option<String>;

    /// Whether a push notification should be sent for this value (protocol.md §7.6).
    fn should_push(&self, value: &Self::Value) -> bool;
}

/// What a codec's `decode` can use to decode nested content (a reply's inner content, the parts
/// of a composite): the registry, and the decompression budget of the whole message.
pub struct DecodeContext<'a> {
    registry: &'a CodecRegistry,
    budget: &'a Cell<usize>,
}

impl DecodeContext<'_> {
    /// The registry doing the decoding.
    pub fn registry(&self) -> &CodecRegistry {
        self.registry
    }

    /// Decodes a nested protobuf `EncodedContent`, drawing any decompression from the budget
    /// of the enclosing message.
    pub(crate) fn decode_nested(&self, encoded: proto::EncodedContent) -> Result<Content> {
        let encoded = EncodedContent::from_proto_budget(encoded, self.budget)?;
        self.registry.decode_with(encoded, self.budget)
    }

    /// Decodes nested protobuf `EncodedContent` bytes (a reply's inner content), drawing any
    /// decompression from the budget of the enclosing message.
    pub fn decode_nested_bytes(&self, bytes: &[u8]) -> Result<Content> {
        self.decode_nested(xmtp_proto::decode(bytes)?)
    }
}
