//! `xmtp.org/composite:1.0` (protocol.md §8.4; JS 8–11, deprecated by XRC-19).

use xmtp_proto::Message;
use xmtp_proto::message_contents as proto;
use xmtp_proto::message_contents::composite::{Part, part::Element};

use super::{CodecRegistry, Content, ContentCodec, ContentTypeId, DecodeContext, EncodedContent};
use crate::error::{Error, Result};

/// Several contents sent as one message. A part that is itself a [`Content::Composite`] is
/// nested as a `Composite`, any other part as its own `EncodedContent`.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Composite {
    /// The parts, in order.
    pub parts: Vec<Content>,
}

/// Codec for [`Composite`]. Parts are encoded with their own codecs, without fallback or
/// compression. No fallback; pushes.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompositeCodec;

fn to_proto(composite: &Composite, registry: &CodecRegistry) -> Result<proto::Composite> {
    let parts = composite
        .parts
        .iter()
        .map(|part| {
            let element = match part {
                Content::Composite(nested) => Element::Composite(to_proto(nested, registry)?),
                other => Element::Part(registry.encode_nested(other)?.to_proto(None)),
            };
            Ok(Part {
                element: Some(element),
            })
        })
        .collect::<Result<_>>()?;
    Ok(proto::Composite { parts })
}

fn from_proto(composite: proto::Composite, cx: &DecodeContext<'_>) -> Result<Composite> {
    let parts = composite
        .parts
        .into_iter()
        .map(|part| match part.element {
            Some(Element::Part(encoded)) => cx.decode_nested(encoded),
            Some(Element::Composite(nested)) => from_proto(nested, cx).map(Content::Composite),
            None => Err(Error::invalid(
                &ContentTypeId::COMPOSITE,
                "empty composite part",
            )),
        })
        .collect::<Result<_>>()?;
    Ok(Composite { parts })
}

impl ContentCodec for CompositeCodec {
    type Value = Composite;

    fn content_type(&self) -> ContentTypeId {
        ContentTypeId::COMPOSITE
    }

    fn encode(&self, value: &Composite, registry: &CodecRegistry) -> Result<EncodedContent> {
        let bytes = to_proto(value, registry)?.encode_to_vec();
        Ok(EncodedContent::new(ContentTypeId::COMPOSITE, bytes))
    }

    /// Nesting depth is bounded by the protobuf decoder's recursion limit.
    fn decode(&self, encoded: EncodedContent, cx: &DecodeContext<'_>) -> Result<Composite> {
        from_proto(xmtp_proto::decode(&encoded.content)?, cx)
    }

    fn fallback(&self, _: &Composite) -> Option<String> {
        None
    }

    fn should_push(&self, _: &Composite) -> bool {
        true
    }
}
