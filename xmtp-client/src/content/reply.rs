//! `xmtp.org/reply:1.0` (protocol.md §8.6).

use super::{CodecRegistry, Content, ContentCodec, ContentTypeId, DecodeContext, EncodedContent};
use crate::error::Result;

/// A reply to an earlier message, carrying content of any registered type.
#[derive(Clone, PartialEq, Debug)]
pub struct Reply {
    /// The id (hex SHA-256 of the `Message` bytes) of the message replied to.
    pub reference: String,
    /// The inbox id of the referenced message's sender (v3 groups only; `None` in v2).
    pub reference_inbox_id: Option<String>,
    /// The reply itself. Its type travels inside the embedded `EncodedContent`.
    pub content: Box<Content>,
}

/// Codec for [`Reply`]. The inner content is encoded with its own codec (no fallback, no
/// compression) and embedded as protobuf bytes; on decode its type comes from those bytes, not
/// from the `contentType` parameter. Inner content of an unknown type decodes as
/// [`Content::Unknown`].
#[derive(Clone, Copy, Debug, Default)]
pub struct ReplyCodec;

const CONTENT_TYPE: &str = "contentType";
const REFERENCE: &str = "reference";
const REFERENCE_INBOX_ID: &str = "referenceInboxId";

impl ContentCodec for ReplyCodec {
    type Value = Reply;

    fn content_type(&self) -> ContentTypeId {
        ContentTypeId::REPLY
    }

    fn encode(&self, value: &Reply, registry: &CodecRegistry) -> Result<EncodedContent> {
        let inner = registry.encode_nested(&value.content)?;
        let mut encoded = EncodedContent::new(ContentTypeId::REPLY, inner.to_bytes(None))
            .with_parameter(CONTENT_TYPE, inner.type_id.to_string())
            .with_parameter(REFERENCE, value.reference.as_str());
        if let Some(inbox) = value
            .reference_inbox_id
            .as_deref()
            .filter(|s| !s.is_empty())
        {
            encoded = encoded.with_parameter(REFERENCE_INBOX_ID, inbox);
        }
        Ok(encoded)
    }

    fn decode(&self, encoded: EncodedContent, cx: &DecodeContext<'_>) -> Result<Reply> {
        let reference = encoded
            .required(REFERENCE, "missing reference parameter")?
            .to_owned();
        let reference_inbox_id = encoded.parameter(REFERENCE_INBOX_ID).map(str::to_owned);
        let content = cx.decode_nested_bytes(&encoded.content)?;
        Ok(Reply {
            reference,
            reference_inbox_id,
            content: Box::new(content),
        })
    }

    fn fallback(&self, value: &Reply) -> Option<String> {
        Some(match value.content.as_ref() {
            Content::Text(text) => {
                format!("Replied with \u{201c}{text}\u{201d} to an earlier message")
            }
            _ => "Replied to an earlier message".to_owned(),
        })
    }

    fn should_push(&self, _: &Reply) -> bool {
        true
    }
}
