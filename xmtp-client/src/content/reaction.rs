//! `xmtp.org/reaction:1.0` (protocol.md §8.5).

use serde::{Deserialize, Serialize};

use super::{CodecRegistry, ContentCodec, ContentTypeId, DecodeContext, EncodedContent};
use crate::error::{Error, Result};

/// A reaction to an earlier message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Reaction {
    /// The id (hex SHA-256 of the `Message` bytes) of the message reacted to.
    pub reference: String,
    /// The inbox id of the referenced message's sender (v3 groups only; `None` in v2).
    pub reference_inbox_id: Option<String>,
    /// Added or removed.
    pub action: ReactionAction,
    /// How to read [`content`](Self::content).
    pub schema: ReactionSchema,
    /// The emoji, shortcode or custom reaction.
    pub content: String,
}

/// Whether a reaction is added or taken back.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ReactionAction {
    /// `"added"`.
    Added,
    /// `"removed"`.
    Removed,
}

/// The form of a reaction's content.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ReactionSchema {
    /// `"unicode"`: an emoji.
    Unicode,
    /// `"shortcode"`: e.g. `:thumbsup:`.
    Shortcode,
    /// `"custom"`: application-defined.
    Custom,
}

/// Codec for [`Reaction`]. Encodes the JSON form; decodes it and the legacy parameters form.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReactionCodec;

/// The JSON body; field order is the wire's key order.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReactionJson {
    action: ReactionAction,
    reference: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    reference_inbox_id: Option<String>,
    schema: ReactionSchema,
    content: String,
}

impl ReactionCodec {
    /// The 2023-06/07 form: `parameters = {"encoding", "action", "reference", "schema"}`,
    /// `content` = the UTF-8 reaction itself.
    fn decode_legacy(encoded: &EncodedContent) -> Option<Reaction> {
        fn enum_param<T: serde::de::DeserializeOwned>(
            encoded: &EncodedContent,
            key: &str,
        ) -> Option<T> {
            let value = encoded.parameter(key)?;
            serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
        }
        Some(Reaction {
            reference: encoded.parameter("reference")?.to_owned(),
            reference_inbox_id: None,
            action: enum_param(encoded, "action")?,
            schema: enum_param(encoded, "schema")?,
            content: String::from_utf8(encoded.content.clone()).ok()?,
        })
    }
}

impl ContentCodec for ReactionCodec {
    type Value = Reaction;

    fn content_type(&self) -> ContentTypeId {
        ContentTypeId::REACTION
    }

    fn encode(&self, value: &Reaction, _: &CodecRegistry) -> Result<EncodedContent> {
        let json = ReactionJson {
            action: value.action,
            reference: value.reference.clone(),
            reference_inbox_id: value.reference_inbox_id.clone(),
            schema: value.schema,
            content: value.content.clone(),
        };
        let bytes =
            serde_json::to_vec(&json).map_err(|e| Error::json(&ContentTypeId::REACTION, e))?;
        Ok(EncodedContent::new(ContentTypeId::REACTION, bytes))
    }

    /// JSON first, then the legacy parameters form, as xmtp-js does. If neither fits, the JSON
    /// error is reported.
    fn decode(&self, encoded: EncodedContent, _: &DecodeContext<'_>) -> Result<Reaction> {
        match serde_json::from_slice::<ReactionJson>(&encoded.content) {
            Ok(json) => Ok(Reaction {
                reference: json.reference,
                reference_inbox_id: json.reference_inbox_id,
                action: json.action,
                schema: json.schema,
                content: json.content,
            }),
            Err(json_error) => Self::decode_legacy(&encoded)
                .ok_or_else(|| Error::json(&encoded.type_id, json_error)),
        }
    }

    fn fallback(&self, value: &Reaction) -> Option<String> {
        let content = &value.content;
        Some(match value.action {
            ReactionAction::Added => {
                format!("Reacted \u{201c}{content}\u{201d} to an earlier message")
            }
            ReactionAction::Removed => {
                format!("Removed \u{201c}{content}\u{201d} from an earlier message")
            }
        })
    }

    fn should_push(&self, value: &Reaction) -> bool {
        value.action == ReactionAction::Added
    }
}
