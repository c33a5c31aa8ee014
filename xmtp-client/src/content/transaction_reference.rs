//! `xmtp.org/transactionReference:1.0` (protocol.md §8.9, XRC-21).

use serde::{Deserialize, Serialize};

use super::{CodecRegistry, ContentCodec, ContentTypeId, DecodeContext, EncodedContent};
use crate::error::{Error, Result};

/// A reference to an on-chain transaction. Encoded as the UTF-8 JSON object
/// `{namespace?, networkId, reference, metadata?}`, keys in that order.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionReference {
    /// The namespace of [`network_id`](Self::network_id), e.g. `eip155`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The chain id, as a JSON number or string (decimal or `0x` hex).
    pub network_id: NetworkId,
    /// The transaction hash.
    pub reference: String,
    /// What the transaction did, if the sender says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<TransactionMetadata>,
}

/// A chain id as the sender wrote it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NetworkId {
    /// A JSON number, e.g. `1`.
    Number(u64),
    /// A JSON string, e.g. `"0x2105"`.
    Text(String),
}

/// Details of a transfer.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionMetadata {
    /// E.g. `transfer`.
    pub transaction_type: String,
    /// E.g. `USDC`.
    pub currency: String,
    /// The amount in the currency's smallest unit, kept as the JSON number it was written as.
    pub amount: serde_json::Number,
    /// Decimal places of the currency.
    pub decimals: u32,
    /// The sending address.
    pub from_address: String,
    /// The receiving address.
    pub to_address: String,
}

/// Codec for [`TransactionReference`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TransactionReferenceCodec;

impl ContentCodec for TransactionReferenceCodec {
    type Value = TransactionReference;

    fn content_type(&self) -> ContentTypeId {
        ContentTypeId::TRANSACTION_REFERENCE
    }

    fn encode(&self, value: &TransactionReference, _: &CodecRegistry) -> Result<EncodedContent> {
        let bytes = serde_json::to_vec(value)
            .map_err(|e| Error::json(&ContentTypeId::TRANSACTION_REFERENCE, e))?;
        Ok(EncodedContent::new(
            ContentTypeId::TRANSACTION_REFERENCE,
            bytes,
        ))
    }

    fn decode(
        &self,
        encoded: EncodedContent,
        _: &DecodeContext<'_>,
    ) -> Result<TransactionReference> {
        serde_json::from_slice(&encoded.content).map_err(|e| Error::json(&encoded.type_id, e))
    }

    fn fallback(&self, value: &TransactionReference) -> Option<String> {
        Some(if value.reference.is_empty() {
            "Crypto transaction".to_owned()
        } else {
            format!(
                "[Crypto transaction] Use a blockchain explorer to learn more using the transaction hash: {}",
                value.reference
            )
        })
    }

    fn should_push(&self, _: &TransactionReference) -> bool {
        true
    }
}
