//! Printing: one line of text or one JSON object per line, and the shapes of the JSON objects.

use std::io::Write as _;

use anyhow::Context as _;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use xmtp_client::content::{Content, NetworkId};
use xmtp_client::{Conversation, ConversationVersion, DecodedMessage, UndecodableMessage};
use xmtp_keystore::SignedPublicKey;

/// Writes `value` as one line of JSON on stdout.
pub fn line(value: &Value) -> anyhow::Result<()> {
    text(&value.to_string())
}

/// Writes one line on stdout (flushed: streams are read line by line).
pub fn text(line: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .context("writing to stdout")
}

/// A 64-bit integer in JSON: a decimal string, as proto3 JSON writes `int64`/`uint64`, so
/// JavaScript and jq read it exactly (their numbers are exact only up to 2^53).
pub fn int64(n: u64) -> Value {
    Value::String(n.to_string())
}

/// The JSON object of a message.
pub fn message_json(m: &DecodedMessage) -> Value {
    json!({
        "id": m.id,
        "topic": m.conversation_topic,
        "sender": m.sender.to_string(),
        "sent_ns": int64(m.sent_ns),
        "sent": timestamp(m.sent_ns),
        "content_type": m.content_type.to_string(),
        "text": match &m.content { Content::Text(t) => Some(t.as_str()), _ => None },
        "content": m.content.to_string(),
        "fields": content_fields(&m.content),
        "ephemeral": m.ephemeral,
        "forward_secret": m.forward_secret,
    })
}

/// The decoded fields of a content, by type. A remote attachment's decryption keys are left
/// out (they are secrets: `inspect` and the logs of scripts must not carry them).
pub fn content_fields(content: &Content) -> Value {
    match content {
        Content::Text(text) => json!({ "text": text }),
        Content::Reaction(r) => json!({
            "reference": r.reference,
            "reference_inbox_id": r.reference_inbox_id,
            "action": serde_json::to_value(r.action).unwrap_or(Value::Null),
            "schema": serde_json::to_value(r.schema).unwrap_or(Value::Null),
            "content": r.content,
        }),
        Content::Reply(r) => json!({
            "reference": r.reference,
            "reference_inbox_id": r.reference_inbox_id,
            "content_type": r.content.content_type().to_string(),
            "content": content_fields(&r.content),
        }),
        Content::ReadReceipt(_) => json!({}),
        Content::Attachment(a) => json!({
            "filename": a.filename,
            "mime_type": a.mime_type,
            "size": int64(a.data.len() as u64),
            "data_hex": hex::encode(&a.data),
        }),
        Content::RemoteAttachment(a) => json!({
            "url": a.url,
            "filename": a.filename,
            "content_digest": a.content_digest,
            "content_length": a.content_length.map(int64),
            "scheme": a.scheme,
        }),
        Content::TransactionReference(t) => json!({
            "namespace": t.namespace,
            "network_id": match &t.network_id {
                NetworkId::Number(n) => n.to_string(),
                NetworkId::Text(text) => text.clone(),
            },
            "reference": t.reference,
            "metadata": t.metadata.as_ref().map(|m| json!({
                "transaction_type": m.transaction_type,
                "currency": m.currency,
                // As written, however many digits: a token amount often exceeds 2^53.
                "amount": m.amount.to_string(),
                "decimals": m.decimals,
                "from_address": m.from_address,
                "to_address": m.to_address,
            })),
        }),
        Content::Composite(c) => json!({
            "parts": c.parts.iter().map(|part| json!({
                "content_type": part.content_type().to_string(),
                "fields": content_fields(part),
            })).collect::<Vec<_>>(),
        }),
        Content::TypingNotification(t) => json!({
            "typer_address": t.typer_address,
            "timestamp": t.timestamp,
            "is_finished": t.is_finished,
        }),
        Content::Unknown(u) => json!({ "fallback": u.fallback }),
        _ => json!({}),
    }
}

/// The JSON object of a message that could not be read.
pub fn undecodable_json(m: &UndecodableMessage) -> Value {
    json!({
        "id": m.id,
        "topic": m.topic,
        "sent_ns": int64(m.timestamp_ns),
        "error": m.error.to_string(),
    })
}

/// One human line for a message.
pub fn message_line(m: &DecodedMessage) -> String {
    format!("{}  {}  {}", timestamp(m.sent_ns), m.sender, m.content)
}

/// `created_ns` of a key in nanoseconds: legacy-derived keys carry milliseconds there.
fn key_created_ns(key: &SignedPublicKey) -> u64 {
    if key.is_legacy_derived() {
        key.created_ns().saturating_mul(1_000_000)
    } else {
        key.created_ns()
    }
}

/// The JSON object of a public key: uncompressed secp256k1 point in hex, `created_ns` as the
/// key carries it (milliseconds for keys derived from a legacy bundle) and the creation time.
pub fn public_key_json(key: &SignedPublicKey) -> Value {
    json!({
        "public_key": hex::encode(key.key().as_bytes()),
        "created_ns": int64(key.created_ns()),
        "created": timestamp(key_created_ns(key)),
    })
}

/// One human line for a public key.
pub fn public_key_line(key: &SignedPublicKey) -> String {
    format!(
        "{}  created {}",
        hex::encode(key.key().as_bytes()),
        timestamp(key_created_ns(key))
    )
}

/// The JSON object of a conversation.
pub fn conversation_json(c: &Conversation) -> Value {
    json!({
        "topic": c.topic(),
        "peer": c.peer_address().to_string(),
        "conversation_id": c.conversation_id(),
        "version": version(c),
        "created_ns": int64(c.created_ns()),
        "created": timestamp(c.created_ns()),
    })
}

/// One human line for a conversation.
pub fn conversation_line(c: &Conversation) -> String {
    let id = c
        .conversation_id()
        .map(|id| format!("  id={id}"))
        .unwrap_or_default();
    format!(
        "{}  {}  {}{id}  {}",
        timestamp(c.created_ns()),
        c.peer_address(),
        version(c),
        c.topic()
    )
}

fn version(c: &Conversation) -> &'static str {
    match c.version() {
        ConversationVersion::V1 => "v1",
        _ => "v2",
    }
}

/// RFC 3339 in UTC, to the second (`2026-01-31T12:00:00Z`), for nanoseconds since the epoch.
pub fn timestamp(ns: u64) -> String {
    let seconds = i64::try_from(ns / 1_000_000_000).unwrap_or(i64::MAX);
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        // Out of the formatter's range: the raw value rather than a wrong date.
        .unwrap_or_else(|| format!("{ns}ns"))
}

/// Nanoseconds since the epoch for an RFC 3339 time (`2026-01-31T12:00:00Z`, any offset, any
/// fraction of a second) or a UTC date (`2026-01-31`); `None` for anything else, including
/// impossible dates such as February 30 and times before 1970.
pub fn parse_utc(text: &str) -> Option<u64> {
    let time = match time::OffsetDateTime::parse(text, &Rfc3339) {
        Ok(time) => time,
        Err(_) => {
            let date =
                time::format_description::parse_borrowed::<2>("[year]-[month]-[day]").ok()?;
            time::Date::parse(text, &date).ok()?.midnight().assume_utc()
        }
    };
    u64::try_from(time.unix_timestamp_nanos()).ok()
}

#[cfg(test)]
mod tests {
    use super::{parse_utc, timestamp};

    #[test]
    fn utc_times_parse_back() {
        for ns in [0, 951_782_400_000_000_000, 1_700_000_000_000_000_000] {
            assert_eq!(parse_utc(&timestamp(ns)), Some(ns));
        }
        assert_eq!(parse_utc("2000-02-29"), Some(951_782_400_000_000_000));
        assert_eq!(parse_utc("2000-13-01"), None);
        assert_eq!(parse_utc("yesterday"), None);
        assert_eq!(parse_utc("2000-01-01T25:00:00Z"), None);
        assert_eq!(parse_utc("2001-02-29"), None);
        assert_eq!(parse_utc("1969-12-31"), None);
        assert_eq!(
            parse_utc("2000-02-29T01:00:00.5+01:00"),
            Some(951_782_400_500_000_000)
        );
        assert_eq!(parse_utc("2000-02-29T00:00:00"), None, "no offset");
        assert_eq!(parse_utc("2000-02-29 "), None);
    }

    #[test]
    fn timestamps_are_utc_civil_dates() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(951_782_400_000_000_000), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(1_700_000_000_123_000_000), "2023-11-14T22:13:20Z");
    }
}
