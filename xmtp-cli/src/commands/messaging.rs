//! Messaging commands: `send`, `broadcast`, `conversations`, `messages`, `consent`.

use anyhow::Context as _;
use serde_json::json;
use xmtp_client::content::Content;
use xmtp_client::{
    Client, Consent, Conversation, ConversationContext, Direction, ListFilter, MessageQuery,
    SendOptions,
};
use xmtp_crypto::Address;

use super::context::{Context, parse_address, parse_addresses};
use crate::compose;
use crate::exit::{Failure, code};
use crate::output;
use crate::progress;
use crate::{ConsentCommand, InstallationsCommand, RemoteAttachArgs};

pub(super) async fn send(
    ctx: &Context,
    address: &str,
    mut contents: Vec<Content>,
    remote: Option<RemoteAttachArgs>,
    conversation_id: Option<String>,
    options: SendOptions,
    forward_secret: bool,
) -> anyhow::Result<()> {
    let (client, conversation) = open_conversation(ctx, address, conversation_id).await?;
    if forward_secret {
        conversation.enable_forward_secrecy().await?;
    }
    if let Some(remote) = &remote {
        contents.push(compose::remote_attachment(remote, client.registry()).await?);
    }
    let peer = conversation.peer_address();
    for content in &contents {
        let prepared = conversation.prepare_message(content, options).await?;
        let sent_ns = prepared.sent_ns();
        let id = prepared.send().await?;
        if ctx.global.json {
            // The fields as the peer will decode them, but not an attachment's data back again.
            let mut fields = output::content_fields(content);
            if let Some(fields) = fields.as_object_mut() {
                fields.remove("data_hex");
            }
            output::line(&json!({
                "id": id,
                "topic": conversation.topic(),
                "peer": peer.to_string(),
                "conversation_id": conversation.conversation_id(),
                "content_type": content.content_type().to_string(),
                "sent_ns": output::int64(sent_ns),
                "sent": output::timestamp(sent_ns),
                "fields": fields,
            }))?;
        } else {
            output::text(&format!("sent {id} to {peer}"))?;
        }
    }
    Ok(())
}

/// Recipients per `Client::broadcast` call (each call sends 8 at once).
pub(super) const BROADCAST_CHUNK: usize = 16;

pub(super) async fn broadcast(
    ctx: &Context,
    file: &std::path::Path,
    text: &str,
) -> anyhow::Result<()> {
    let list = if file == std::path::Path::new("-") {
        std::io::read_to_string(std::io::stdin()).context("reading recipients from stdin")?
    } else {
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?
    };
    let mut recipients = Vec::new();
    for (number, line) in list.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let address = parse_address(line).map_err(|e| {
            Failure::new(
                code::USAGE,
                format!("{}:{}: {e}", file.display(), number + 1),
            )
        })?;
        recipients.push(address);
    }
    if recipients.is_empty() {
        return Err(
            Failure::new(code::USAGE, format!("{} lists no address", file.display())).into(),
        );
    }
    let client = ctx.client().await?;
    let content = Content::Text(text.to_owned());
    let progress = progress::bar("recipients", recipients.len(), ctx.global.json);
    let mut results = Vec::with_capacity(recipients.len());
    // In chunks, so the bar moves while a long list is sent.
    for chunk in recipients.chunks(BROADCAST_CHUNK) {
        results.extend(client.broadcast(chunk, &content).await?);
        progress.inc(chunk.len() as u64);
    }
    progress.finish_and_clear();
    let failed = results.iter().filter(|(_, r)| r.is_err()).count();
    for (address, result) in &results {
        match (result, ctx.global.json) {
            (Ok(id), true) => output::line(&json!({ "address": address.to_string(), "id": id }))?,
            (Err(e), true) => {
                output::line(&json!({ "address": address.to_string(), "error": e.to_string() }))?;
            }
            (Ok(id), false) => output::text(&format!("{address}  sent {id}"))?,
            (Err(e), false) => output::text(&format!("{address}  FAILED: {e}"))?,
        }
    }
    if failed > 0 {
        return Err(Failure::new(
            code::FAILURE,
            format!("{failed} of {} recipients were not reached", results.len()),
        )
        .into());
    }
    Ok(())
}

pub(super) async fn conversations(ctx: &Context, filter: &ListFilter) -> anyhow::Result<()> {
    let client = ctx.client().await?;
    let syncing = progress::spinner("syncing conversations", ctx.global.json);
    let list = client.conversations().list_with(filter).await?;
    syncing.finish_and_clear();
    for conversation in &list {
        if ctx.global.json {
            output::line(&output::conversation_json(conversation))?;
        } else {
            output::text(&output::conversation_line(conversation))?;
        }
    }
    if list.is_empty() && !ctx.global.json {
        eprintln!("no conversations (start one with `xmtp send ADDR TEXT`)");
    }
    Ok(())
}

/// `--since`: a duration ago, a UTC date or time, or nanoseconds since the epoch.
pub(crate) fn parse_since(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Ok(ns) = text.parse::<u64>() {
        return Ok(ns);
    }
    let now_ns = xmtp_api::now_ns();
    let unit = |suffix: char, seconds: u64| {
        text.strip_suffix(suffix)
            .and_then(|n| n.parse::<u64>().ok())
            .map(|n| now_ns.saturating_sub(n.saturating_mul(seconds).saturating_mul(1_000_000_000)))
    };
    if let Some(ns) = unit('s', 1)
        .or_else(|| unit('m', 60))
        .or_else(|| unit('h', 3_600))
        .or_else(|| unit('d', 86_400))
    {
        return Ok(ns);
    }
    output::parse_utc(text).ok_or_else(|| {
        format!(
            "{text:?} is not a time: use a duration ago (90s, 15m, 2h, 7d), a UTC date \
             (2026-01-31), an RFC 3339 time (2026-01-31T12:00:00Z) or nanoseconds since the \
             epoch"
        )
    })
}

pub(super) async fn messages(
    ctx: &Context,
    target: &str,
    query: MessageQuery,
    conversation_id: Option<&str>,
) -> anyhow::Result<()> {
    let by_topic = target.starts_with('/');
    let peer = if by_topic {
        None
    } else {
        Some(parse_address(target)?)
    };
    let client = ctx.client().await?;
    let syncing = progress::spinner("syncing conversations", ctx.global.json);
    let listed = client.conversations().list().await;
    syncing.finish_and_clear();
    let selected: Vec<Conversation> = listed?
        .into_iter()
        .filter(|c| match peer {
            None => c.topic() == target,
            Some(peer) => {
                c.peer_address() == peer
                    && conversation_id.is_none_or(|id| c.conversation_id() == Some(id))
            }
        })
        .collect();
    if selected.is_empty() {
        let what = match (by_topic, conversation_id) {
            (true, _) => format!("no conversation of this identity has the topic {target}"),
            (false, Some(id)) => format!("no conversation with {target} has the id {id:?}"),
            (false, None) => format!("no conversation with {target} yet"),
        };
        return Err(Failure::new(code::NO_CONVERSATION, what).into());
    }
    let mut items = Vec::new();
    let progress = progress::bar("conversations", selected.len(), ctx.global.json);
    for conversation in &selected {
        items.extend(conversation.messages(query).await?);
        progress.inc(1);
    }
    progress.finish_and_clear();
    let time = |item: &xmtp_client::MessageResult| match item {
        Ok(m) => m.sent_ns,
        Err(bad) => bad.timestamp_ns,
    };
    items.sort_by_key(time);
    if query.direction == Direction::Descending {
        items.reverse();
    }
    if let Some(limit) = query.limit {
        items.truncate(limit);
    }
    for item in &items {
        print_item(ctx, item)?;
    }
    Ok(())
}

pub(super) fn print_item(ctx: &Context, item: &xmtp_client::MessageResult) -> anyhow::Result<()> {
    match (item, ctx.global.json) {
        (Ok(m), true) => output::line(&output::message_json(m)),
        (Ok(m), false) => output::text(&output::message_line(m)),
        (Err(bad), true) => output::line(&output::undecodable_json(bad)),
        (Err(bad), false) => {
            eprintln!("skipped unreadable {bad}");
            Ok(())
        }
    }
}

/// This identity's client and its conversation with `address` (started if needed).
pub(super) async fn open_conversation(
    ctx: &Context,
    address: &str,
    conversation_id: Option<String>,
) -> anyhow::Result<(Client, Conversation)> {
    let peer = parse_address(address)?;
    let client = ctx.client().await?;
    let conversation = client
        .conversations()
        .new_conversation(peer, conversation_id.map(ConversationContext::new))
        .await?;
    Ok((client, conversation))
}

pub(super) async fn installations(
    ctx: &Context,
    action: InstallationsCommand,
) -> anyhow::Result<()> {
    let client = ctx.client().await?;
    match action {
        InstallationsCommand::List { address } => {
            let address = match address {
                Some(a) => parse_address(&a)?,
                None => client.address(),
            };
            let list = client.installations(address).await?;
            let mine = client.installation_id().await;
            for keys in &list.active {
                let this = Some(keys.id) == mine;
                if ctx.global.json {
                    output::line(&json!({
                        "address": address.to_string(),
                        "installation": keys.id.to_string(),
                        "created_ns": output::int64(keys.created_ns),
                        "published_ns": output::int64(keys.published_ns),
                        "this": this,
                    }))?;
                } else {
                    output::text(&format!(
                        "{}  created {}{}",
                        keys.id,
                        output::timestamp(keys.created_ns),
                        if this { "  (this one)" } else { "" }
                    ))?;
                }
            }
            for id in &list.revoked {
                if ctx.global.json {
                    output::line(&json!({
                        "address": address.to_string(),
                        "installation": id.to_string(),
                        "revoked": true,
                    }))?;
                } else {
                    output::text(&format!("{id}  revoked"))?;
                }
            }
            Ok(())
        }
        InstallationsCommand::Register => {
            let id = client.register_installation().await?;
            if ctx.global.json {
                output::line(&json!({ "installation": id.to_string() }))
            } else {
                output::text(&format!("installation {id}"))
            }
        }
        InstallationsCommand::Rotate => {
            client.rotate_installation_keys().await?;
            if ctx.global.json {
                // Rotating needs an installation, so there is one to name.
                let id = client.installation_id().await.map(|id| id.to_string());
                output::line(&json!({ "installation": id, "rotated": true }))
            } else {
                output::text("published a new fallback key")
            }
        }
        InstallationsCommand::Revoke { id } => {
            let id: xmtp_client::InstallationId = id
                .parse()
                .map_err(|_| Failure::new(code::USAGE, "not an installation id (64 hex digits)"))?;
            client.revoke_installation(id).await?;
            if ctx.global.json {
                output::line(&json!({ "installation": id.to_string(), "revoked": true }))
            } else {
                output::text(&format!("revoked {id}"))
            }
        }
    }
}

pub(super) async fn consent(ctx: &Context, action: ConsentCommand) -> anyhow::Result<()> {
    let (addresses, verb) = match &action {
        ConsentCommand::Allow { addresses } => {
            (parse_addresses(addresses)?, Some(Consent::Allowed))
        }
        ConsentCommand::Deny { addresses } => (parse_addresses(addresses)?, Some(Consent::Denied)),
        ConsentCommand::List { addresses } => (parse_addresses(addresses)?, None),
    };
    let client = ctx.client().await?;
    let addresses = match verb {
        Some(Consent::Allowed) => {
            client.allow(&addresses).await?;
            addresses
        }
        Some(_) => {
            client.deny(&addresses).await?;
            addresses
        }
        None if addresses.is_empty() => {
            let mut peers: Vec<Address> = client
                .conversations()
                .list()
                .await?
                .iter()
                .map(Conversation::peer_address)
                .collect();
            peers.sort_by_key(Address::to_string);
            peers.dedup();
            peers
        }
        None => addresses,
    };
    for address in addresses {
        let state = match client.consent_state(address).await? {
            Consent::Allowed => "allowed",
            Consent::Denied => "denied",
            _ => "unknown",
        };
        if ctx.global.json {
            output::line(&json!({ "address": address.to_string(), "consent": state }))?;
        } else {
            output::text(&format!("{address}  {state}"))?;
        }
    }
    Ok(())
}
