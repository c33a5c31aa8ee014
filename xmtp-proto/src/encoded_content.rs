//! Byte-identical re-creation of the JS encoder's `EncodedContent` layout (protocol.md §1.16).

use prost::Message;

use crate::message_contents::EncodedContent;

impl EncodedContent {
    /// Encodes with `compression` (field 5) before `content` (field 4), as the JS SDK does.
    ///
    /// [`Message::encode_to_vec`] writes fields in tag order (…, 4, 5) instead. Both decode to
    /// the same value and receivers never re-encode (the signature covers the received bytes),
    /// so this is only needed where output must be bit-identical to JS. Map entries come out
    /// in key order; JS writes them in insertion order, which is the same for a single entry.
    pub fn encode_js_order(&self) -> Vec<u8> {
        let head = EncodedContent {
            r#type: self.r#type.clone(),
            parameters: self.parameters.clone(),
            fallback: self.fallback.clone(),
            compression: self.compression,
            content: Vec::new(),
        };
        let mut out = Vec::with_capacity(self.encoded_len());
        out.extend_from_slice(&head.encode_to_vec());
        if !self.content.is_empty() {
            // Field 4, wire type 2 (length-delimited).
            out.push(0x22);
            push_varint(&mut out, self.content.len() as u64);
            out.extend_from_slice(&self.content);
        }
        out
    }
}

fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message_contents::{Compression, ContentTypeId};

    fn text(content: Vec<u8>, compression: Option<Compression>) -> EncodedContent {
        EncodedContent {
            r#type: Some(ContentTypeId {
                authority_id: "xmtp.org".into(),
                type_id: "text".into(),
                version_major: 1,
                version_minor: 0,
            }),
            parameters: [("encoding".to_string(), "UTF-8".to_string())].into(),
            fallback: None,
            compression: compression.map(|c| c as i32),
            content,
        }
    }

    #[test]
    fn without_compression_both_orders_agree() {
        let c = text(b"hi".to_vec(), None);
        assert_eq!(c.encode_js_order(), c.encode_to_vec());
    }

    #[test]
    fn compression_goes_before_content() {
        let c = text(vec![1, 2, 3], Some(Compression::Deflate));
        let js = c.encode_js_order();
        assert_eq!(&js[js.len() - 7..], &[0x28, 0x00, 0x22, 0x03, 1, 2, 3]);
        let prost = c.encode_to_vec();
        assert_eq!(
            &prost[prost.len() - 7..],
            &[0x22, 0x03, 1, 2, 3, 0x28, 0x00]
        );
        assert_eq!(EncodedContent::decode(js.as_slice()).ok(), Some(c));
    }

    #[test]
    fn long_content_gets_a_multi_byte_length() {
        let c = text(vec![9; 300], Some(Compression::Gzip));
        let js = c.encode_js_order();
        assert_eq!(js.len(), c.encoded_len());
        assert_eq!(EncodedContent::decode(js.as_slice()).ok(), Some(c));
    }
}
