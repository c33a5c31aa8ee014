//! `xmtp.org/text:1.0` (protocol.md §8.3).

use super::{CodecRegistry, ContentCodec, ContentTypeId, DecodeContext, EncodedContent};
use crate::error::{Error, Result};

/// Plain UTF-8 text, with `parameters = {"encoding": "UTF-8"}`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextCodec;

const ENCODING: &str = "encoding";
const UTF8: &str = "UTF-8";

impl ContentCodec for TextCodec {
    type Value = String;

    fn content_type(&self) -> ContentTypeId {
        ContentTypeId::TEXT
    }

    fn encode(&self, value: &String, _: &CodecRegistry) -> Result<EncodedContent> {
        Ok(
            EncodedContent::new(ContentTypeId::TEXT, value.as_bytes().to_vec())
                .with_parameter(ENCODING, UTF8),
        )
    }

    /// Like xmtp-js, refuses any `encoding` other than exactly `UTF-8`; unlike it, refuses
    /// invalid UTF-8 instead of substituting U+FFFD.
    fn decode(&self, encoded: EncodedContent, _: &DecodeContext<'_>) -> Result<String> {
        if encoded.parameter(ENCODING) != Some(UTF8) {
            return Err(Error::invalid(
                &encoded.type_id,
                "encoding parameter is not UTF-8",
            ));
        }
        let type_id = encoded.type_id;
        String::from_utf8(encoded.content)
            .map_err(|_| Error::invalid(&type_id, "content is not valid UTF-8"))
    }

    fn fallback(&self, _: &String) -> Option<String> {
        None
    }

    fn should_push(&self, _: &String) -> bool {
        true
    }
}
