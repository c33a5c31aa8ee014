//! `xmtp.com/typingNotification:1.0` (protocol.md §8.9; JS 8–10, sent on ephemeral topics).

use super::{CodecRegistry, ContentCodec, ContentTypeId, DecodeContext, EncodedContent};
use crate::error::Result;

/// "Someone is typing": everything is in the parameters, the content is empty.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TypingNotification {
    /// When, as the ISO-8601 string the sender wrote (not parsed).
    pub timestamp: String,
    /// Who is typing.
    pub typer_address: String,
    /// Whether they stopped.
    pub is_finished: bool,
}

/// Codec for [`TypingNotification`]. No fallback and no push.
#[derive(Clone, Copy, Debug, Default)]
pub struct TypingNotificationCodec;

const TIMESTAMP: &str = "timestamp";
const TYPER_ADDRESS: &str = "typerAddress";
const IS_FINISHED: &str = "isFinished";

impl ContentCodec for TypingNotificationCodec {
    type Value = TypingNotification;

    fn content_type(&self) -> ContentTypeId {
        ContentTypeId::TYPING_NOTIFICATION
    }

    fn encode(&self, value: &TypingNotification, _: &CodecRegistry) -> Result<EncodedContent> {
        Ok(
            EncodedContent::new(ContentTypeId::TYPING_NOTIFICATION, Vec::new())
                .with_parameter(TIMESTAMP, value.timestamp.as_str())
                .with_parameter(TYPER_ADDRESS, value.typer_address.as_str())
                .with_parameter(
                    IS_FINISHED,
                    if value.is_finished { "true" } else { "false" },
                ),
        )
    }

    /// Reads `typerAddress`, or `senderAddress` where the JS decoder (wrongly) looked.
    fn decode(&self, encoded: EncodedContent, _: &DecodeContext<'_>) -> Result<TypingNotification> {
        let typer_address = match encoded.parameter(TYPER_ADDRESS) {
            Some(address) => address,
            None => encoded.required("senderAddress", "missing typerAddress parameter")?,
        };
        Ok(TypingNotification {
            timestamp: encoded
                .required(TIMESTAMP, "missing timestamp parameter")?
                .to_owned(),
            typer_address: typer_address.to_owned(),
            is_finished: encoded.parameter(IS_FINISHED) == Some("true"),
        })
    }

    fn fallback(&self, _: &TypingNotification) -> Option<String> {
        None
    }

    fn should_push(&self, _: &TypingNotification) -> bool {
        false
    }
}
