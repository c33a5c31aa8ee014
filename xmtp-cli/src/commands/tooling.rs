//! Tooling commands: `inspect` (a topic as the node stores it) and `generate` (load).

use std::sync::Arc;

use anyhow::Context as _;
use futures::StreamExt as _;
use serde_json::json;
use xmtp_api::{GrpcApi, QueryOptions, XmtpApi, query_all};
use xmtp_client::{Client, LocalWallet};

use super::context::Context;
use crate::output;
use crate::progress;

pub(super) async fn inspect(
    ctx: &Context,
    topic: &str,
    limit: Option<usize>,
) -> anyhow::Result<()> {
    // With an identity, envelopes of its conversations are decoded too; without, they are raw.
    let has_identity = ctx.global.wallet_key.is_some() || ctx.profile()?.identity()?.is_some();
    let client = if has_identity {
        Some(ctx.client().await?)
    } else {
        None
    };
    let api: Arc<dyn XmtpApi> = match &client {
        Some(client) => Arc::clone(client.api()),
        None => Arc::new(
            GrpcApi::connect(ctx.options().api)
                .await
                .map_err(xmtp_client::Error::from)?,
        ),
    };
    let conversation = match &client {
        Some(client) => client
            .conversations()
            .list()
            .await?
            .into_iter()
            .find(|c| c.topic() == topic),
        None => None,
    };
    let envelopes = query_all(
        api.as_ref(),
        vec![topic.to_owned()],
        QueryOptions {
            limit,
            ..QueryOptions::ascending()
        },
    )
    .await
    .map_err(xmtp_client::Error::from)?;
    let empty = envelopes.is_empty();
    for wire in envelopes {
        let envelope =
            xmtp_client::Envelope::new(wire.content_topic, wire.timestamp_ns, wire.message);
        let decoded = conversation.as_ref().map(|c| c.decode(&envelope));
        if ctx.global.json {
            let mut value = json!({
                "topic": envelope.content_topic,
                "timestamp_ns": output::int64(envelope.timestamp_ns),
                "time": output::timestamp(envelope.timestamp_ns),
                "bytes": envelope.message.len(),
                "message_hex": hex::encode(&envelope.message),
            });
            match &decoded {
                Some(Ok(m)) => value["decoded"] = output::message_json(m),
                Some(Err(bad)) => value["error"] = json!(bad.error.to_string()),
                None => {}
            }
            output::line(&value)?;
        } else {
            let what = match &decoded {
                Some(Ok(m)) => format!("  {}  {}", m.sender, m.content),
                Some(Err(bad)) => format!("  unreadable: {}", bad.error),
                None => String::new(),
            };
            output::text(&format!(
                "{}  {} bytes{what}",
                output::timestamp(envelope.timestamp_ns),
                envelope.message.len()
            ))?;
        }
    }
    if empty && !ctx.global.json {
        eprintln!("no envelopes on {topic}");
    }
    Ok(())
}

pub(super) async fn generate(
    ctx: &Context,
    identities: u32,
    messages: u32,
    concurrency: u32,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let concurrency = usize::try_from(concurrency).unwrap_or(1);
    let progress = progress::bar(
        "identities",
        usize::try_from(identities).unwrap_or(0),
        ctx.global.json,
    );
    let mut creating = futures::stream::iter((0..identities).map(|_| {
        let options = ctx.options();
        async move { Client::create(&LocalWallet::generate(), options).await }
    }))
    .buffered(concurrency);
    let mut clients = Vec::new();
    while let Some(client) = creating.next().await {
        clients.push(client.context("creating an identity")?);
        progress.inc(1);
    }
    progress.finish();
    let total = clients.len() * usize::try_from(messages).unwrap_or(0);
    let progress = progress::bar("messages", total, ctx.global.json);
    let mut sending = futures::stream::iter(clients.iter().enumerate().map(|(i, client)| {
        let peer = clients[(i + 1) % clients.len()].address();
        async move {
            let conversation = client.conversations().new_conversation(peer, None).await?;
            for n in 0..messages {
                conversation
                    .send(format!(
                        "generated message {} from {}",
                        n + 1,
                        client.address()
                    ))
                    .await?;
            }
            Ok::<u32, xmtp_client::Error>(messages)
        }
    }))
    .buffer_unordered(concurrency);
    while let Some(sent) = sending.next().await {
        progress.inc(u64::from(sent?));
    }
    progress.finish();
    drop(sending);
    let addresses: Vec<String> = clients.iter().map(|c| c.address().to_string()).collect();
    let seconds = started.elapsed().as_secs_f64();
    if ctx.global.json {
        output::line(&json!({
            "identities": addresses,
            "conversations": clients.len(),
            "messages": total,
            "seconds": seconds,
        }))
    } else {
        output::text(&format!(
            "{} identities, {} conversations, {total} messages in {seconds:.1}s",
            clients.len(),
            clients.len()
        ))
    }
}
