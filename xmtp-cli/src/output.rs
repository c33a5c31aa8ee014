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
    let secs = ns / 1_000_000_000;
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// Nanoseconds since the epoch for `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn parse_utc(text: &str) -> Option<u64> {
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time.strip_suffix('Z')?)),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-').map(str::parse::<i64>);
    let (year, month, day) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let seconds_of_day = match time {
        Some(time) => {
            let mut parts = time.splitn(3, ':').map(str::parse::<i64>);
            let (h, m, s) = (
                parts.next()?.ok()?,
                parts.next()?.ok()?,
                parts.next()?.ok()?,
            );
            if !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..61).contains(&s) {
                return None;
            }
            h * 3_600 + m * 60 + s
        }
        None => 0,
    };
    // Days since 1970-01-01 from a civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = u64::try_from(days * 86_400 + seconds_of_day).ok()?;
    seconds.checked_mul(1_000_000_000)
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
    }

    #[test]
    fn timestamps_are_utc_civil_dates() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(951_782_400_000_000_000), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(1_700_000_000_123_000_000), "2023-11-14T22:13:20Z");
    }
}
