//! What a person reads for each content type: `format!("{content}")`.

use std::fmt;

use super::{Content, NetworkId, ReactionAction};

/// One line for a message list: the text itself, or a bracketed description of anything else
/// (`[reaction 👋 to 3f…]`, `[attachment photo.png (image/png, 5120 bytes)]`). Unknown types show
/// the sender's fallback text when there is one.
impl fmt::Display for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Content::Text(text) => f.write_str(text),
            Content::Reaction(r) => {
                let verb = match r.action {
                    ReactionAction::Removed => "removed reaction",
                    _ => "reaction",
                };
                write!(f, "[{verb} {} to {}]", r.content, r.reference)
            }
            Content::Reply(r) => write!(f, "[reply to {}] {}", r.reference, r.content),
            Content::ReadReceipt(_) => f.write_str("[read receipt]"),
            Content::Attachment(a) => write!(
                f,
                "[attachment {} ({}, {} bytes)]",
                a.filename,
                a.mime_type,
                a.data.len()
            ),
            Content::RemoteAttachment(a) => {
                write!(f, "[remote attachment {} at {}]", a.filename, a.url)
            }
            Content::TransactionReference(t) => {
                let network = match &t.network_id {
                    NetworkId::Number(n) => n.to_string(),
                    NetworkId::Text(s) => s.clone(),
                };
                let namespace = t
                    .namespace
                    .as_deref()
                    .map(|n| format!("{n}:"))
                    .unwrap_or_default();
                write!(f, "[transaction {} on {namespace}{network}]", t.reference)?;
                if let Some(m) = &t.metadata {
                    write!(
                        f,
                        " {} {} (smallest unit, {} decimals) {} from {} to {}",
                        m.transaction_type,
                        m.amount,
                        m.decimals,
                        m.currency,
                        m.from_address,
                        m.to_address
                    )?;
                }
                Ok(())
            }
            Content::Composite(c) => {
                f.write_str("[composite]")?;
                for part in &c.parts {
                    write!(f, " {part}")?;
                }
                Ok(())
            }
            Content::TypingNotification(t) => {
                let state = if t.is_finished {
                    "stopped typing"
                } else {
                    "typing"
                };
                write!(f, "[{} {state}]", t.typer_address)
            }
            Content::Custom(custom) => write!(f, "[{}]", custom.type_id()),
            Content::Unknown(u) => match &u.fallback {
                Some(fallback) => f.write_str(fallback),
                None => write!(f, "[{}]", u.raw.type_id),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::content::{Content, Reaction, ReactionAction, ReactionSchema, Reply};

    #[test]
    fn a_reaction_reads_as_what_it_is() {
        let reaction = Content::Reaction(Reaction {
            reference: "abc123".into(),
            reference_inbox_id: None,
            action: ReactionAction::Added,
            schema: ReactionSchema::Unicode,
            content: "👋".into(),
        });
        assert_eq!(reaction.to_string(), "[reaction 👋 to abc123]");
        let reply = Content::Reply(Reply {
            reference: "abc123".into(),
            reference_inbox_id: None,
            content: Box::new(Content::Text("gm".into())),
        });
        assert_eq!(reply.to_string(), "[reply to abc123] gm");
        assert_eq!(Content::Text("gm".into()).to_string(), "gm");
    }
}
