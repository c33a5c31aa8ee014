//! `xmtp.org/attachment:1.0` (protocol.md §8.8).

use super::{CodecRegistry, ContentCodec, ContentTypeId, DecodeContext, EncodedContent};
use crate::error::Result;

/// A file sent inline: `parameters = {"filename", "mimeType"}`, `content` = the file's bytes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Attachment {
    /// The file name shown to the recipient.
    pub filename: String,
    /// The MIME type, e.g. `image/png`.
    pub mime_type: String,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// Codec for [`Attachment`].
#[derive(Clone, Copy, Debug, Default)]
pub struct AttachmentCodec;

const FILENAME: &str = "filename";
const MIME_TYPE: &str = "mimeType";

/// `Can’t display "<filename>". This app doesn’t support attachments.` (U+2019 apostrophes),
/// shared with the remote-attachment codec.
pub(crate) fn attachment_fallback(filename: &str) -> String {
    format!("Can\u{2019}t display \"{filename}\". This app doesn\u{2019}t support attachments.")
}

impl ContentCodec for AttachmentCodec {
    type Value = Attachment;

    fn content_type(&self) -> ContentTypeId {
        ContentTypeId::ATTACHMENT
    }

    fn encode(&self, value: &Attachment, _: &CodecRegistry) -> Result<EncodedContent> {
        Ok(
            EncodedContent::new(ContentTypeId::ATTACHMENT, value.data.clone())
                .with_parameter(FILENAME, value.filename.as_str())
                .with_parameter(MIME_TYPE, value.mime_type.as_str()),
        )
    }

    fn decode(&self, encoded: EncodedContent, _: &DecodeContext<'_>) -> Result<Attachment> {
        let filename = encoded
            .required(FILENAME, "missing filename parameter")?
            .to_owned();
        let mime_type = encoded
            .required(MIME_TYPE, "missing mimeType parameter")?
            .to_owned();
        Ok(Attachment {
            filename,
            mime_type,
            data: encoded.content,
        })
    }

    fn fallback(&self, value: &Attachment) -> Option<String> {
        Some(attachment_fallback(&value.filename))
    }

    fn should_push(&self, _: &Attachment) -> bool {
        true
    }
}
