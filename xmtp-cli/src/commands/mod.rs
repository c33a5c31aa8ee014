//! The client commands, one module per group: `identity`, `keys`, `messaging`, `streaming`,
//! `tooling`; `context` is what they all run with. `run` dispatches.

mod context;
mod identity;
mod keys;
mod messaging;
mod streaming;
mod tooling;

use anyhow::Context as _;
use serde_json::json;
use xmtp_client::content::{Content, Reaction, ReactionAction, ReactionSchema, ReadReceipt, Reply};
use xmtp_client::{
    Client, Consent, Direction, ListFilter, ListOrder, LocalWallet, MessageQuery, SendOptions,
};

use self::context::{Context, parse_address};
use self::identity::{can_message, init, register, whoami};
use self::keys::{export_wallet, keys_import, keys_show, rotate_pre_key};
pub(crate) use self::messaging::parse_since;
use self::messaging::{broadcast, consent, conversations, installations, messages, send};
use self::streaming::{StreamOptions, chat, stream};
use self::tooling::{generate, inspect};
use crate::compose;
use crate::output;
use crate::profile::{self};
use crate::{BurnerCommand, Command, ConsentFilter, Global, KeysCommand, Order};

/// Runs one command.
pub async fn run(global: Global, command: Command) -> anyhow::Result<()> {
    let home = profile::home(global.home.as_deref())?;
    let ca_pem = match &global.ca_cert {
        Some(path) => Some(
            std::fs::read(path)
                .with_context(|| format!("reading the CA certificate {}", path.display()))?,
        ),
        None => None,
    };
    let ctx = Context {
        global,
        home,
        ca_pem,
    };
    match command {
        Command::Node(args) => crate::node::run(args, &ctx.home, ctx.global.json).await,
        Command::Init { import } => init(&ctx, import.as_deref()).await,
        Command::Whoami => whoami(&ctx),
        Command::CanMessage { addresses } => can_message(&ctx, &addresses).await,
        Command::Send {
            address,
            text,
            conversation_id,
            attach,
            reply_to,
            react,
            to,
            read_receipt,
            remote,
            transaction,
            ephemeral,
            forward_secret,
        } => {
            let mut contents = Vec::new();
            match (text, reply_to) {
                (Some(text), Some(reference)) => contents.push(Content::Reply(Reply {
                    reference,
                    reference_inbox_id: None,
                    content: Box::new(Content::Text(text)),
                })),
                (Some(text), None) => contents.push(Content::Text(text)),
                (None, _) => {}
            }
            if let (Some(emoji), Some(reference)) = (react, to) {
                contents.push(Content::Reaction(Reaction {
                    reference,
                    reference_inbox_id: None,
                    action: ReactionAction::Added,
                    schema: ReactionSchema::Unicode,
                    content: emoji,
                }));
            }
            if let Some(path) = attach {
                contents.push(compose::attachment(&path)?);
            }
            if let Some(reference) = compose::transaction_reference(transaction)? {
                contents.push(reference);
            }
            if read_receipt {
                contents.push(Content::ReadReceipt(ReadReceipt));
            }
            let options = SendOptions {
                ephemeral,
                ..SendOptions::default()
            };
            let remote = remote.remote_attach.is_some().then_some(remote);
            send(
                &ctx,
                &address,
                contents,
                remote,
                conversation_id,
                options,
                forward_secret,
            )
            .await
        }
        Command::Conversations {
            consent,
            by_activity,
        } => {
            let filter = ListFilter {
                consent: consent.map(|c| match c {
                    ConsentFilter::Allowed => Consent::Allowed,
                    ConsentFilter::Denied => Consent::Denied,
                    ConsentFilter::Unknown => Consent::Unknown,
                }),
                order: if by_activity {
                    ListOrder::LastActivity
                } else {
                    ListOrder::Created
                },
                ..ListFilter::default()
            };
            conversations(&ctx, &filter).await
        }
        Command::Messages {
            target,
            limit,
            direction,
            conversation_id,
            since,
        } => {
            let query = MessageQuery {
                limit,
                direction: match direction {
                    Order::Asc => Direction::Ascending,
                    Order::Desc => Direction::Descending,
                },
                start_ns: since,
                ..MessageQuery::all()
            };
            messages(&ctx, &target, query, conversation_id.as_deref()).await
        }
        Command::Stream {
            address,
            conversation_id,
            count,
            timeout,
        } => {
            let options = StreamOptions {
                peer: address,
                conversation_id,
                count,
                timeout: timeout.map(std::time::Duration::from_secs),
            };
            stream(&ctx, options).await
        }
        Command::Chat {
            address,
            conversation_id,
            forward_secret,
        } => chat(&ctx, &address, conversation_id, forward_secret).await,
        Command::Installations { action } => installations(&ctx, action).await,
        Command::Consent { action } => consent(&ctx, action).await,
        Command::Broadcast { to, text } => broadcast(&ctx, &to, &text).await,
        Command::Burner {
            action: BurnerCommand::Send { address, text },
        } => {
            let peer = parse_address(&address)?;
            let client = Client::create(&LocalWallet::generate(), ctx.options())
                .await
                .context("creating the burner identity")?;
            let conversation = client.conversations().new_conversation(peer, None).await?;
            let id = conversation.send(text).await?;
            if ctx.global.json {
                output::line(&json!({
                    "id": id,
                    "from": client.address().to_string(),
                    "peer": peer.to_string(),
                    "topic": conversation.topic(),
                }))
            } else {
                output::text(&format!(
                    "sent {id} to {peer} from burner {}",
                    client.address()
                ))
            }
        }
        Command::Inspect { topic, limit } => inspect(&ctx, &topic, limit).await,
        Command::Generate {
            identities,
            messages,
            concurrency,
        } => generate(&ctx, identities, messages, concurrency).await,
        Command::Keys {
            action: KeysCommand::Import { keys },
        } => keys_import(&ctx, &keys).await,
        Command::Keys {
            action: KeysCommand::RotatePrekey { yes },
        } => rotate_pre_key(&ctx, yes).await,
        Command::Keys {
            action: KeysCommand::Show,
        } => keys_show(&ctx).await,
        Command::Register => register(&ctx).await,
        Command::Keys {
            action: KeysCommand::ExportWallet { out },
        } => export_wallet(&ctx, &out),
        Command::Keys {
            action: KeysCommand::Export,
        } => {
            let client = ctx.client().await?;
            let keys = hex::encode(client.export_keys().expose());
            if ctx.global.json {
                output::line(&json!({ "address": client.address().to_string(), "keys": keys }))
            } else {
                output::text(&keys)
            }
        }
    }
}
