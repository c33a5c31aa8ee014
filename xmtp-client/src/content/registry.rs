//! The codec registry and the encode/decode pipeline of protocol.md §8.1.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::{
    AttachmentCodec, CompositeCodec, Compression, Content, ContentCodec, ContentTypeId,
    ContentValue, DEFAULT_MAX_DECOMPRESSED_LEN, DecodeContext, EncodedContent, ReactionCodec,
    ReadReceiptCodec, RemoteAttachmentCodec, ReplyCodec, TextCodec, TransactionReferenceCodec,
    TypingNotificationCodec, UnknownContent, UnknownReason,
};
use crate::error::{Error, Result};

/// Codecs by `authority/type`, plus the decompression bound.
///
/// [`CodecRegistry::default`] holds every built-in codec; [`register`](Self::register) adds
/// custom ones or replaces a built-in. Cloning is cheap (codecs are shared).
#[derive(Clone)]
pub struct CodecRegistry {
    codecs: HashMap<String, Arc<dyn DynCodec>>,
    max_decompressed_len: usize,
}

impl Default for CodecRegistry {
    /// Text, reaction, reply, read receipt, attachment, remote attachment, transaction
    /// reference, composite and typing notification, with a 10 MiB decompression bound.
    fn default() -> Self {
        let mut registry = Self::empty();
        registry.register(TextCodec);
        registry.register(ReactionCodec);
        registry.register(ReplyCodec);
        registry.register(ReadReceiptCodec);
        registry.register(AttachmentCodec);
        registry.register(RemoteAttachmentCodec);
        registry.register(TransactionReferenceCodec);
        registry.register(CompositeCodec);
        registry.register(TypingNotificationCodec);
        registry
    }
}

impl fmt::Debug for CodecRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut types: Vec<&String> = self.codecs.keys().collect();
        types.sort();
        f.debug_struct("CodecRegistry")
            .field("types", &types)
            .field("max_decompressed_len", &self.max_decompressed_len)
            .finish()
    }
}

impl CodecRegistry {
    /// A registry with every built-in codec (same as [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// A registry with no codecs: everything decodes as [`Content::Unknown`].
    pub fn empty() -> Self {
        Self {
            codecs: HashMap::new(),
            max_decompressed_len: DEFAULT_MAX_DECOMPRESSED_LEN,
        }
    }

    /// Sets the most bytes that compressed content of one message may inflate to, nested
    /// content included. xmtp-js uses [`JS_MAX_DECOMPRESSED_LEN`](super::JS_MAX_DECOMPRESSED_LEN).
    pub fn with_max_decompressed_len(mut self, max: usize) -> Self {
        self.max_decompressed_len = max;
        self
    }

    /// The decompression bound.
    pub fn max_decompressed_len(&self) -> usize {
        self.max_decompressed_len
    }

    /// Registers `codec` for its authority and type, replacing any codec registered there.
    pub fn register<C: ContentCodec>(&mut self, codec: C) -> &mut Self {
        let key = codec.content_type().key();
        self.codecs.insert(key, Arc::new(codec));
        self
    }

    /// Whether a codec is registered for this authority and type.
    pub fn is_registered(&self, content_type: &ContentTypeId) -> bool {
        self.codecs.contains_key(&content_type.key())
    }

    fn codec(&self, content_type: &ContentTypeId) -> Result<&dyn DynCodec> {
        self.codecs
            .get(&content_type.key())
            .map(Arc::as_ref)
            .ok_or_else(|| Error::NoCodec {
                content_type: content_type.to_string(),
            })
    }

    /// Runs the codec for `content` and sets the fallback text from it. An
    /// [`Content::Unknown`] comes back as received, so unknown content can be forwarded.
    pub fn encode(&self, content: &Content) -> Result<EncodedContent> {
        let mut encoded = self.encode_nested(content)?;
        if !matches!(content, Content::Unknown(_)) {
            let fallback = self.codec(&content.content_type())?.fallback(content)?;
            if let Some(fallback) = fallback.filter(|f| !f.is_empty()) {
                encoded.fallback = Some(fallback);
            }
        }
        Ok(encoded)
    }

    /// Runs only the codec, without setting a fallback: how codecs that nest content (reply,
    /// composite) encode it, matching xmtp-js byte for byte.
    pub fn encode_nested(&self, content: &Content) -> Result<EncodedContent> {
        match content {
            Content::Unknown(unknown) => Ok(unknown.raw.clone()),
            _ => self.codec(&content.content_type())?.encode(content, self),
        }
    }

    /// [`encode`](Self::encode), then the protobuf bytes that get signed: compressed when
    /// `compression` is given and the content is at least
    /// [`COMPRESSION_MIN_LEN`](super::COMPRESSION_MIN_LEN) bytes, fields in xmtp-js order.
    pub fn encode_to_bytes(
        &self,
        content: &Content,
        compression: Option<Compression>,
    ) -> Result<Vec<u8>> {
        Ok(self.encode(content)?.to_bytes(compression))
    }

    /// Decodes received protobuf `EncodedContent` bytes: inflates within the bound, then
    /// dispatches to the codec. An unregistered type or a too-new major version gives
    /// [`Content::Unknown`]; a registered codec rejecting its content is an error.
    pub fn decode_bytes(&self, bytes: &[u8]) -> Result<Content> {
        let budget = Cell::new(self.max_decompressed_len);
        let encoded = EncodedContent::from_proto_budget(xmtp_proto::decode(bytes)?, &budget)?;
        self.decode_with(encoded, &budget)
    }

    /// Dispatches already-inflated content to its codec (see [`decode_bytes`](Self::decode_bytes)).
    pub fn decode(&self, encoded: EncodedContent) -> Result<Content> {
        let budget = Cell::new(self.max_decompressed_len);
        self.decode_with(encoded, &budget)
    }

    pub(crate) fn decode_with(
        &self,
        encoded: EncodedContent,
        budget: &Cell<usize>,
    ) -> Result<Content> {
        let reason = match self.codecs.get(&encoded.type_id.key()) {
            None => UnknownReason::NoCodec,
            Some(codec) => {
                let supported = codec.content_type().version_major;
                if encoded.type_id.version_major <= supported {
                    let cx = DecodeContext {
                        registry: self,
                        budget,
                    };
                    return codec.decode(encoded, &cx);
                }
                UnknownReason::UnsupportedMajorVersion { supported }
            }
        };
        Ok(Content::Unknown(UnknownContent {
            reason,
            fallback: encoded.fallback.clone(),
            raw: encoded,
        }))
    }

    /// The fallback text the codec gives for `content` (for [`Content::Unknown`], the sender's).
    pub fn fallback(&self, content: &Content) -> Result<Option<String>> {
        match content {
            Content::Unknown(unknown) => Ok(unknown.fallback.clone()),
            _ => self.codec(&content.content_type())?.fallback(content),
        }
    }

    /// Whether sending `content` should trigger a push notification (protocol.md §7.6).
    /// Forwarded unknown content does.
    pub fn should_push(&self, content: &Content) -> Result<bool> {
        match content {
            Content::Unknown(_) => Ok(true),
            _ => self.codec(&content.content_type())?.should_push(content),
        }
    }
}

/// [`ContentCodec`] with its value type erased to [`Content`], so that codecs of different value
/// types share one map.
trait DynCodec: Send + Sync {
    fn content_type(&self) -> ContentTypeId;
    fn encode(&self, content: &Content, registry: &CodecRegistry) -> Result<EncodedContent>;
    fn decode(&self, encoded: EncodedContent, cx: &DecodeContext<'_>) -> Result<Content>;
    fn fallback(&self, content: &Content) -> Result<Option<String>>;
    fn should_push(&self, content: &Content) -> Result<bool>;
}

impl<C: ContentCodec> DynCodec for C {
    fn content_type(&self) -> ContentTypeId {
        ContentCodec::content_type(self)
    }

    fn encode(&self, content: &Content, registry: &CodecRegistry) -> Result<EncodedContent> {
        ContentCodec::encode(self, value_of::<C>(self, content)?, registry)
    }

    fn decode(&self, encoded: EncodedContent, cx: &DecodeContext<'_>) -> Result<Content> {
        ContentCodec::decode(self, encoded, cx).map(ContentValue::into_content)
    }

    fn fallback(&self, content: &Content) -> Result<Option<String>> {
        Ok(ContentCodec::fallback(self, value_of::<C>(self, content)?))
    }

    fn should_push(&self, content: &Content) -> Result<bool> {
        Ok(ContentCodec::should_push(
            self,
            value_of::<C>(self, content)?,
        ))
    }
}

fn value_of<'c, C: ContentCodec>(codec: &C, content: &'c Content) -> Result<&'c C::Value> {
    C::Value::from_content(content).ok_or_else(|| Error::ContentMismatch {
        content_type: ContentCodec::content_type(codec).to_string(),
    })
}
