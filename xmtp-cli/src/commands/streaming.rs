//! Live commands: `stream` and `chat`.

use anyhow::Context as _;
use futures::StreamExt as _;
use serde_json::json;
use xmtp_client::{Client, ConnectionEvent};
use xmtp_crypto::Address;

use super::context::{Context, parse_address};
use super::messaging::{open_conversation, print_item};
use crate::exit::{Failure, code};
use crate::output;

/// What `stream` prints and when it stops.
pub(crate) struct StreamOptions {
    /// Only conversations with this peer.
    pub peer: Option<String>,
    /// Only conversations with this context id.
    pub conversation_id: Option<String>,
    /// Stop after this many messages.
    pub count: Option<u64>,
    /// Stop after this long.
    pub timeout: Option<std::time::Duration>,
}

pub(super) async fn stream(ctx: &Context, options: StreamOptions) -> anyhow::Result<()> {
    let peer = options.peer.as_deref().map(parse_address).transpose()?;
    let client = ctx.client().await?;
    let mut connection = client.connection_events();
    let mut messages = client.conversations().stream_all_messages().await?;
    let mut stop = crate::node::stop_signal()?;
    // The node has registered the subscription once the constructor returns: from here on no
    // message is missed, and a script may start sending.
    if ctx.global.json {
        output::line(&json!({
            "event": "subscribed",
            "address": client.address().to_string(),
            "peer": peer.map(|p| p.to_string()),
            "conversation_id": options.conversation_id,
        }))?;
    } else {
        match peer {
            Some(peer) => eprintln!("streaming messages with {peer} (Ctrl-C to stop)"),
            None => eprintln!(
                "streaming messages for {} (Ctrl-C to stop)",
                client.address()
            ),
        }
    }
    let deadline = async {
        match options.timeout {
            Some(timeout) => tokio::time::sleep(timeout).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(deadline);
    let mut delivered = 0;
    loop {
        let item = tokio::select! {
            r = stop.recv() => return r.map(drop).context("waiting for Ctrl-C"),
            () = &mut deadline => {
                return match options.count {
                    Some(count) => Err(Failure::new(
                        code::TIMED_OUT,
                        format!("{delivered} of {count} messages arrived before the timeout"),
                    )
                    .into()),
                    None => Ok(()),
                };
            }
            Some(event) = connection.next() => {
                print_connection_event(ctx, &event)?;
                continue;
            }
            item = messages.next() => item,
        };
        let Some(item) = item else {
            return Err(anyhow::anyhow!("the message stream ended"));
        };
        let item = item?;
        if !wanted(&client, &item, peer, options.conversation_id.as_deref()).await {
            continue;
        }
        print_item(ctx, &item)?;
        delivered += 1;
        if options.count == Some(delivered) {
            return Ok(());
        }
    }
}

/// Whether a streamed message belongs to a conversation with `peer` and with `conversation_id`
/// (each when given).
pub(super) async fn wanted(
    client: &Client,
    item: &xmtp_client::MessageResult,
    peer: Option<Address>,
    conversation_id: Option<&str>,
) -> bool {
    if peer.is_none() && conversation_id.is_none() {
        return true;
    }
    let topic = match item {
        // The peer's own message is in a conversation with the peer.
        Ok(m) if conversation_id.is_none() && Some(m.sender) == peer => return true,
        Ok(m) => &m.conversation_topic,
        Err(bad) => &bad.topic,
    };
    client.conversations().get(topic).await.is_some_and(|c| {
        peer.is_none_or(|peer| c.peer_address() == peer)
            && conversation_id.is_none_or(|id| c.conversation_id() == Some(id))
    })
}

/// A live stream's connection change: a line on stderr, or a JSON event object on stdout.
pub(super) fn print_connection_event(ctx: &Context, event: &ConnectionEvent) -> anyhow::Result<()> {
    match (event, ctx.global.json) {
        (ConnectionEvent::Disconnected { reason }, true) => {
            output::line(&json!({ "event": "disconnected", "reason": reason }))
        }
        (ConnectionEvent::Reconnected { since_ns }, true) => {
            output::line(&json!({ "event": "reconnected", "since_ns": output::int64(*since_ns) }))
        }
        (ConnectionEvent::Disconnected { .. }, false) => {
            eprintln!("connection lost, reconnecting...");
            Ok(())
        }
        (ConnectionEvent::Reconnected { .. }, false) => {
            eprintln!("reconnected");
            Ok(())
        }
        (_, _) => Ok(()),
    }
}

pub(super) async fn chat(
    ctx: &Context,
    address: &str,
    conversation_id: Option<String>,
    forward_secret: bool,
) -> anyhow::Result<()> {
    let (client, conversation) = open_conversation(ctx, address, conversation_id).await?;
    if forward_secret {
        conversation.enable_forward_secrecy().await?;
    }
    let peer = conversation.peer_address();
    let mut incoming = client.conversations().stream_all_messages().await?;
    let mut stop = crate::node::stop_signal()?;
    // A plain thread reads stdin: a blocked read there never holds the process open at exit.
    let (line_tx, mut lines) = tokio::sync::mpsc::channel::<std::io::Result<String>>(16);
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            if line_tx.blocking_send(line).is_err() {
                break;
            }
        }
    });
    eprintln!(
        "chatting with {peer} in {}: type a message and press Enter (/quit, Ctrl-D or Ctrl-C \
         ends)",
        conversation.topic()
    );
    // On a terminal a prompt shows where to type; incoming lines are printed above it.
    let prompt = !ctx.global.json && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let show_prompt = || {
        if prompt {
            let mut out = std::io::stdout().lock();
            let _ = std::io::Write::write_all(&mut out, b"> ");
            let _ = std::io::Write::flush(&mut out);
        }
    };
    show_prompt();
    let mut connection = client.connection_events();
    loop {
        tokio::select! {
            r = stop.recv() => return r.map(drop).context("waiting for Ctrl-C"),
            Some(event) = connection.next() => print_connection_event(ctx, &event)?,
            line = lines.recv() => {
                let Some(line) = line.transpose().context("reading stdin")? else {
                    return Ok(());
                };
                let text = line.trim();
                if text == "/quit" {
                    return Ok(());
                }
                if !text.is_empty() {
                    let id = conversation.send(text).await?;
                    if ctx.global.json {
                        output::line(&json!({ "sent": id, "topic": conversation.topic() }))?;
                    }
                }
                show_prompt();
            }
            item = incoming.next() => {
                let Some(item) = item else {
                    return Err(anyhow::anyhow!("the message stream ended"));
                };
                let item = item?;
                let topic = match &item {
                    Ok(m) => &m.conversation_topic,
                    Err(bad) => &bad.topic,
                };
                let mine = matches!(&item, Ok(m) if m.sender == client.address());
                // What I typed is already on the screen; JSON lists both sides.
                if topic == conversation.topic() && (ctx.global.json || !mine) {
                    if prompt {
                        // Clear the prompt line, print the message, then the prompt again.
                        let mut out = std::io::stdout().lock();
                        let _ = std::io::Write::write_all(&mut out, b"\r\x1b[2K");
                    }
                    print_item(ctx, &item)?;
                    show_prompt();
                }
            }
        }
    }
}
