//! `xmtp.org/readReceipt:1.0` (protocol.md §8.7).

use super::{CodecRegistry, ContentCodec, ContentTypeId, DecodeContext, EncodedContent};
use crate::error::Result;

/// "I have read this conversation up to now": no parameters, no content.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ReadReceipt;

/// Codec for [`ReadReceipt`]. Decoding ignores parameters (early senders put a `timestamp`
/// there). No fallback and no push.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadReceiptCodec;

impl ContentCodec for ReadReceiptCodec {
    type Value = ReadReceipt;

    fn content_type(&self) -> ContentTypeId {
        ContentTypeId::READ_RECEIPT
    }

    fn encode(&self, _: &ReadReceipt, _: &CodecRegistry) -> Result<EncodedContent> {
        Ok(EncodedContent::new(ContentTypeId::READ_RECEIPT, Vec::new()))
    }

    fn decode(&self, _: EncodedContent, _: &DecodeContext<'_>) -> Result<ReadReceipt> {
        Ok(ReadReceipt)
    }

    fn fallback(&self, _: &ReadReceipt) -> Option<String> {
        None
    }

    fn should_push(&self, _: &ReadReceipt) -> bool {
        false
    }
}
