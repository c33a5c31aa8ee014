//! Printing: one line of text or one JSON object per line, and the shapes of the JSON objects.

use std::io::Write as _;

use anyhow::Context as _;
use serde_json::{Value, json};
use xmtp_client::content::Content;
use xmtp_client::{Conversation, ConversationVersion, DecodedMessage, UndecodableMessage};

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

/// A one-line description of any content.
pub fn summary(content: &Content) -> String {
    match content {
        Content::Text(text) => text.clone(),
        Content::Reaction(r) => format!("[reaction {} to {}]", r.content, r.reference),
        Content::Reply(r) => format!("[reply to {}] {}", r.reference, summary(&r.content)),
        Content::ReadReceipt(_) => "[read receipt]".to_owned(),
        Content::Attachment(a) => format!(
            "[attachment {} ({}, {} bytes)]",
            a.filename,
            a.mime_type,
            a.data.len()
        ),
        Content::Unknown(u) => match &u.fallback {
            Some(fallback) => fallback.clone(),
            None => format!("[{}]", u.raw.type_id),
        },
        other => format!("[{}]", other.content_type()),
    }
}

/// The JSON object of a message.
pub fn message_json(m: &DecodedMessage) -> Value {
    json!({
        "id": m.id,
        "topic": m.conversation_topic,
        "sender": m.sender.to_string(),
        "sent_ns": m.sent_ns,
        "sent": timestamp(m.sent_ns),
        "content_type": m.content_type.to_string(),
        "text": match &m.content { Content::Text(t) => Some(t.as_str()), _ => None },
        "content": summary(&m.content),
        "ephemeral": m.ephemeral,
    })
}

/// The JSON object of a message that could not be read.
pub fn undecodable_json(m: &UndecodableMessage) -> Value {
    json!({
        "id": m.id,
        "topic": m.topic,
        "sent_ns": m.timestamp_ns,
        "error": m.error.to_string(),
    })
}

/// One human line for a message.
pub fn message_line(m: &DecodedMessage) -> String {
    format!(
        "{}  {}  {}",
        timestamp(m.sent_ns),
        m.sender,
        summary(&m.content)
    )
}

/// The JSON object of a conversation.
pub fn conversation_json(c: &Conversation) -> Value {
    json!({
        "topic": c.topic(),
        "peer": c.peer_address().to_string(),
        "conversation_id": c.conversation_id(),
        "version": version(c),
        "created_ns": c.created_ns(),
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

/// `YYYY-MM-DDTHH:MM:SSZ` (UTC) for nanoseconds since the epoch.
pub fn timestamp(ns: u64) -> String {
    match time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns)) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        // Beyond year 9999: show the raw value rather than a wrong date.
        Err(_) => format!("{ns}ns"),
    }
}

/// Nanoseconds since the epoch for `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC); `None` for
/// anything else, including impossible dates such as February 30.
pub fn parse_utc(text: &str) -> Option<u64> {
    let (date, clock) = match text.split_once('T') {
        Some((date, clock)) => (date, Some(clock.strip_suffix('Z')?)),
        None => (text, None),
    };
    let numbers = |text: &str, sep: char| -> Option<Vec<i32>> {
        let parts: Option<Vec<i32>> = text.split(sep).map(|p| p.parse().ok()).collect();
        parts.filter(|p| p.len() == 3)
    };
    let ymd = numbers(date, '-')?;
    let month = time::Month::try_from(u8::try_from(ymd[1]).ok()?).ok()?;
    let date = time::Date::from_calendar_date(ymd[0], month, u8::try_from(ymd[2]).ok()?).ok()?;
    let clock = match clock {
        Some(clock) => {
            let hms = numbers(clock, ':')?;
            let [h, m, s] = [hms[0], hms[1], hms[2]].map(|n| u8::try_from(n).ok());
            time::Time::from_hms(h?, m?, s?).ok()?
        }
        None => time::Time::MIDNIGHT,
    };
    let nanos = date.with_time(clock).assume_utc().unix_timestamp_nanos();
    u64::try_from(nanos).ok()
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
    }

    #[test]
    fn timestamps_are_utc_civil_dates() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(951_782_400_000_000_000), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(1_700_000_000_123_000_000), "2023-11-14T22:13:20Z");
    }
}
