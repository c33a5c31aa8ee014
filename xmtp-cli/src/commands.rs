//! The client commands.

use std::sync::Arc;

use anyhow::Context as _;
use futures::StreamExt as _;
use serde_json::json;
use xmtp_api::{GrpcApi, QueryOptions, XmtpApi, query_all};
use xmtp_client::content::{Content, Reaction, ReactionAction, ReactionSchema, ReadReceipt, Reply};
use xmtp_client::{
    ApiConfig, Client, ClientOptions, ConnectionEvent, Consent, Conversation, ConversationContext,
    Direction, FileBackend, ListFilter, ListOrder, LocalWallet, MessageQuery, PreKeyRotationRisks,
    SendOptions, WalletSigner,
};
use xmtp_crypto::Address;

use crate::compose;
use crate::exit::{Failure, code};
use crate::external::ExternalWallet;
use crate::keyfile::{self, KeyfileError};
use crate::output;
use crate::profile::{self, Identity, Profile};
use crate::progress;
use crate::{
    BurnerCommand, Command, ConsentCommand, ConsentFilter, Global, KeysCommand, Order,
    RemoteAttachArgs,
};

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
            send(&ctx, &address, contents, remote, conversation_id, options).await
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
        } => chat(&ctx, &address, conversation_id).await,
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

struct Context {
    global: Global,
    home: std::path::PathBuf,
    /// The contents of `--ca-cert`.
    ca_pem: Option<Vec<u8>>,
}

impl Context {
    fn profile(&self) -> anyhow::Result<Profile> {
        Profile::new(&self.home, &self.global.profile)
    }

    fn options(&self) -> ClientOptions {
        let mut api = ApiConfig::new(self.global.node.clone());
        api.app_version = Some(concat!("xmtp-cli/", env!("CARGO_PKG_VERSION")).to_owned());
        api.ca_pem.extend(self.ca_pem.clone());
        ClientOptions::new(api)
    }

    /// The identity given on the command line (`--wallet-key`, `--keystore`, `--external-wallet`:
    /// no local state), if any.
    fn stateless_identity(&self) -> anyhow::Result<Option<Identity>> {
        if let Some(key) = &self.global.wallet_key {
            let wallet = parse_wallet_key(key, "--wallet-key / XMTP_WALLET_KEY")?;
            return Ok(Some(Identity::Wallet(Box::new(wallet))));
        }
        if let Some(path) = &self.global.keystore {
            let json = std::fs::read_to_string(path)
                .with_context(|| format!("reading the keystore {}", path.display()))?;
            let wallet = self.unlock(&json, path)?;
            return Ok(Some(Identity::Wallet(Box::new(wallet))));
        }
        if let Some(address) = &self.global.external_wallet {
            return Ok(Some(Identity::External(parse_address(address)?)));
        }
        Ok(None)
    }

    /// The identity given on the command line (no local state), else the profile's (with its
    /// keystore).
    fn identity(&self) -> anyhow::Result<(Identity, Option<Profile>)> {
        if let Some(identity) = self.stateless_identity()? {
            return Ok((identity, None));
        }
        let profile = self.profile()?;
        let identity = profile.require_identity()?;
        Ok((identity, Some(profile)))
    }

    /// The options for `profile`'s client: its local keystore, if any.
    fn options_for(&self, profile: Option<&Profile>) -> anyhow::Result<ClientOptions> {
        let mut options = self.options();
        if let Some(profile) = profile {
            profile::create_private_dir(&profile.dir)?;
            options = options.with_persistence(Arc::new(FileBackend::new(profile.keystore_file())));
        }
        Ok(options)
    }

    /// What signs for `identity`'s wallet (a keystore is opened with its password here), or
    /// `None` for keys without a wallet.
    fn signer(&self, identity: &Identity) -> anyhow::Result<Option<Box<dyn WalletSigner>>> {
        Ok(match identity {
            Identity::Wallet(wallet) => Some(Box::new((**wallet).clone())),
            Identity::Keystore { json, path, .. } => Some(Box::new(self.unlock(json, path)?)),
            Identity::External(address) => {
                Some(Box::new(ExternalWallet::new(*address, self.global.json)))
            }
            Identity::Keys { .. } => None,
        })
    }

    async fn client(&self) -> anyhow::Result<Client> {
        let (identity, profile) = self.identity()?;
        let options = self.options_for(profile.as_ref())?;
        let client = match (&identity, self.signer(&identity)?) {
            (_, Some(signer)) => Client::create(signer.as_ref(), options).await,
            (Identity::Keys { bytes, .. }, None) => {
                Client::from_keys(bytes.expose(), options).await
            }
            (_, None) => return Err(anyhow::anyhow!("an identity without keys or a wallet")),
        };
        client.context("signing in")
    }

    /// The keystore's password: `--password-file`, else `XMTP_KEYSTORE_PASSWORD`, else a prompt
    /// on the terminal (asked twice when `confirm`).
    fn password(&self, what: &str, confirm: bool) -> anyhow::Result<zeroize::Zeroizing<String>> {
        if let Some(path) = &self.global.password_file {
            let text = zeroize::Zeroizing::new(
                std::fs::read_to_string(path)
                    .with_context(|| format!("reading the password file {}", path.display()))?,
            );
            let first = text.lines().next().unwrap_or_default();
            return Ok(zeroize::Zeroizing::new(first.to_owned()));
        }
        if let Some(password) = std::env::var_os("XMTP_KEYSTORE_PASSWORD") {
            let password = password.into_string().map_err(|_| {
                Failure::new(code::USAGE, "XMTP_KEYSTORE_PASSWORD is not valid UTF-8")
            })?;
            return Ok(zeroize::Zeroizing::new(password));
        }
        if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            return Err(Failure::new(
                code::USAGE,
                format!(
                    "{what} needs its password: give it with --password-file FILE or \
                     XMTP_KEYSTORE_PASSWORD (or run on a terminal to be asked)"
                ),
            )
            .into());
        }
        let password = zeroize::Zeroizing::new(
            rpassword::prompt_password(format!("password for {what}: "))
                .context("reading the password")?,
        );
        if confirm {
            let again = zeroize::Zeroizing::new(
                rpassword::prompt_password("the same password again: ")
                    .context("reading the password")?,
            );
            if *again != *password {
                return Err(Failure::new(code::USAGE, "the two passwords differ").into());
            }
        }
        Ok(password)
    }

    /// Opens the JSON keystore read from `path` with its password.
    fn unlock(&self, json: &str, path: &std::path::Path) -> anyhow::Result<LocalWallet> {
        let what = format!("the keystore {}", path.display());
        let password = self.password(&what, false)?;
        keyfile::decrypt(json, password.as_bytes()).map_err(|e| {
            match e {
                KeyfileError::WrongPassword => Failure::new(
                    code::WRONG_PASSWORD,
                    format!("wrong keystore password for {}", path.display()),
                ),
                KeyfileError::Malformed(_) => {
                    Failure::new(code::USAGE, format!("{}: {e}", path.display()))
                }
            }
            .into()
        })
    }
}

fn parse_wallet_key(hex: &str, what: &str) -> anyhow::Result<LocalWallet> {
    LocalWallet::from_hex(hex).map_err(|e| {
        Failure::new(
            code::USAGE,
            format!("{what} is not a wallet private key (64 hex digits): {e}"),
        )
        .into()
    })
}

/// Parses an address given on the command line.
fn parse_address(text: &str) -> anyhow::Result<Address> {
    text.trim().parse().map_err(|e: xmtp_crypto::Error| {
        let mut message = format!("malformed address {text:?}: {e}");
        if !message.contains("40 hex digits") {
            message.push_str(" (an address is 0x followed by 40 hex digits)");
        }
        Failure::new(code::USAGE, message).into()
    })
}

fn parse_addresses(texts: &[String]) -> anyhow::Result<Vec<Address>> {
    texts.iter().map(|t| parse_address(t)).collect()
}

/// Refuses to overwrite a profile that already holds an identity; `hint` says what to do instead.
fn refuse_existing_identity(profile: &Profile, hint: &str) -> anyhow::Result<()> {
    match profile.identity()? {
        Some(existing) => Err(Failure::new(
            code::FAILURE,
            format!(
                "profile {:?} already has an identity, {}; {hint}",
                profile.name,
                existing.address()
            ),
        )
        .into()),
        None => Ok(()),
    }
}

async fn init(ctx: &Context, import: Option<&str>) -> anyhow::Result<()> {
    let profile = ctx.profile()?;
    let replace = format!("to replace it, delete {}", profile.dir.display());
    refuse_existing_identity(&profile, &replace)?;
    // The wallet and how the profile keeps it.
    enum Kept {
        Key(Box<LocalWallet>),
        Keystore(String),
        External,
    }
    let (signer, kept, how): (Box<dyn WalletSigner>, Kept, &str) =
        match (import, &ctx.global.keystore, &ctx.global.external_wallet) {
            (Some(hex), None, None) => {
                let wallet = parse_wallet_key(hex, "--import")?;
                (
                    Box::new(wallet.clone()),
                    Kept::Key(Box::new(wallet)),
                    "imported",
                )
            }
            (None, Some(path), None) => {
                let json = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the keystore {}", path.display()))?;
                let wallet = ctx.unlock(&json, path)?;
                // Keep the address beside the keys, so `whoami` needs no password.
                let mut value: serde_json::Value = serde_json::from_str(&json)?;
                value["address"] = json!(wallet.address().to_string()[2..].to_ascii_lowercase());
                let kept = Kept::Keystore(serde_json::to_string_pretty(&value)?);
                (Box::new(wallet), kept, "imported keystore")
            }
            (None, None, Some(address)) => {
                let address = parse_address(address)?;
                let signer = ExternalWallet::new(address, ctx.global.json);
                (Box::new(signer), Kept::External, "external wallet")
            }
            (None, None, None) => {
                let wallet = LocalWallet::generate();
                (
                    Box::new(wallet.clone()),
                    Kept::Key(Box::new(wallet)),
                    "created",
                )
            }
            _ => {
                return Err(Failure::new(
                    code::USAGE,
                    "give at most one of --import, --keystore and --external-wallet",
                )
                .into());
            }
        };
    // Create (or restore) the identity on the network first: nothing is written if the node is
    // not there.
    let client = Client::create(signer.as_ref(), ctx.options())
        .await
        .context("creating the identity on the node")?;
    let key_file = match kept {
        Kept::Key(wallet) => {
            profile.save_wallet(&wallet)?;
            profile.key_file()
        }
        Kept::Keystore(json) => {
            profile.save_wallet_keystore(&json)?;
            profile.wallet_keystore_file()
        }
        Kept::External => {
            profile.save_external(client.address())?;
            profile.external_file()
        }
    };
    if ctx.global.json {
        output::line(&json!({
            "address": client.address().to_string(),
            "profile": profile.name,
            "imported": how != "created",
            "wallet": match how {
                "imported keystore" => "keystore",
                "external wallet" => "external",
                _ => "key",
            },
            "key_file": key_file,
        }))
    } else {
        output::text(&format!(
            "{how} identity {} in profile {:?}\nwallet saved to {} (keep it secret)",
            client.address(),
            profile.name,
            key_file.display()
        ))
    }
}

fn whoami(ctx: &Context) -> anyhow::Result<()> {
    let (wallet, profile) = ctx.identity()?;
    let name = profile.as_ref().map(|p| p.name.as_str());
    if ctx.global.json {
        output::line(&json!({
            "address": wallet.address().to_string(),
            "profile": name,
            "node": ctx.global.node,
        }))
    } else {
        let source = name.map_or_else(
            || "from the command line".to_owned(),
            |n| format!("profile {n:?}"),
        );
        output::text(&format!(
            "{} ({source}, node {})",
            wallet.address(),
            ctx.global.node
        ))
    }
}

async fn can_message(ctx: &Context, texts: &[String]) -> anyhow::Result<()> {
    let addresses = parse_addresses(texts)?;
    let client = ctx.client().await?;
    let answers = client.can_message_many(&addresses).await?;
    for (address, yes) in addresses.iter().zip(answers) {
        if ctx.global.json {
            output::line(&json!({ "address": address.to_string(), "can_message": yes }))?;
        } else {
            output::text(&format!("{address}  {}", if yes { "yes" } else { "no" }))?;
        }
    }
    Ok(())
}

async fn send(
    ctx: &Context,
    address: &str,
    mut contents: Vec<Content>,
    remote: Option<RemoteAttachArgs>,
    conversation_id: Option<String>,
    options: SendOptions,
) -> anyhow::Result<()> {
    let (client, conversation) = open_conversation(ctx, address, conversation_id).await?;
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
const BROADCAST_CHUNK: usize = 16;

async fn broadcast(ctx: &Context, file: &std::path::Path, text: &str) -> anyhow::Result<()> {
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

async fn inspect(ctx: &Context, topic: &str, limit: Option<usize>) -> anyhow::Result<()> {
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
    for envelope in &envelopes {
        let decoded = conversation.as_ref().map(|c| c.decode(envelope));
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
    if envelopes.is_empty() && !ctx.global.json {
        eprintln!("no envelopes on {topic}");
    }
    Ok(())
}

async fn generate(
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

async fn keys_import(ctx: &Context, keys: &str) -> anyhow::Result<()> {
    let profile = ctx.profile()?;
    refuse_existing_identity(&profile, "import into another --profile")?;
    let identity = Identity::keys_from_hex(keys).map_err(|e| {
        Failure::new(
            code::USAGE,
            format!("not an exported key bundle (hex of `xmtp keys export` or JS getKeys): {e:#}"),
        )
    })?;
    let Identity::Keys { bytes, address } = &identity else {
        return Err(anyhow::anyhow!("keys_from_hex returned a wallet"));
    };
    // Check the node and publish the contact before anything is written.
    Client::from_keys(bytes.expose(), ctx.options())
        .await
        .context("signing in with the imported keys")?;
    profile.save_keys(bytes.expose())?;
    if ctx.global.json {
        output::line(&json!({
            "address": address.to_string(),
            "profile": profile.name,
            "key_file": profile.keys_file(),
        }))
    } else {
        output::text(&format!(
            "imported keys of {address} into profile {:?} ({}; keep it secret)",
            profile.name,
            profile.keys_file().display()
        ))
    }
}

async fn conversations(ctx: &Context, filter: &ListFilter) -> anyhow::Result<()> {
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
pub fn parse_since(text: &str) -> Result<u64, String> {
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
            "{text:?} is not a time: use a duration ago (90s, 15m, 2h, 7d), a UTC date or time \
             (2026-01-31, 2026-01-31T12:00:00Z) or nanoseconds since the epoch"
        )
    })
}

async fn messages(
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

fn print_item(ctx: &Context, item: &xmtp_client::MessageResult) -> anyhow::Result<()> {
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

/// What `stream` prints and when it stops.
pub struct StreamOptions {
    /// Only conversations with this peer.
    pub peer: Option<String>,
    /// Only conversations with this context id.
    pub conversation_id: Option<String>,
    /// Stop after this many messages.
    pub count: Option<u64>,
    /// Stop after this long.
    pub timeout: Option<std::time::Duration>,
}

async fn stream(ctx: &Context, options: StreamOptions) -> anyhow::Result<()> {
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
async fn wanted(
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
fn print_connection_event(ctx: &Context, event: &ConnectionEvent) -> anyhow::Result<()> {
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

/// This identity's client and its conversation with `address` (started if needed).
async fn open_conversation(
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

async fn chat(ctx: &Context, address: &str, conversation_id: Option<String>) -> anyhow::Result<()> {
    let (client, conversation) = open_conversation(ctx, address, conversation_id).await?;
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

async fn consent(ctx: &Context, action: ConsentCommand) -> anyhow::Result<()> {
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

/// The client's private key bundle (its public halves are what the commands show).
fn key_bundle(client: &Client) -> anyhow::Result<xmtp_keystore::PrivateKeyBundle> {
    let keys = client.export_keys();
    Ok(xmtp_keystore::PrivateKeyBundle::decode_any(keys.expose())?.bundle)
}

/// How many pre-keys the client's bundle holds (the newest is current).
fn pre_key_count(client: &Client) -> anyhow::Result<usize> {
    Ok(key_bundle(client)?.pre_keys().count())
}

/// `keys show`: the identity key and the pre-keys, newest (current) first.
async fn keys_show(ctx: &Context) -> anyhow::Result<()> {
    let client = ctx.client().await?;
    let bundle = key_bundle(&client)?;
    let identity = bundle.identity_key();
    if ctx.global.json {
        let pre_keys: Vec<_> = bundle.pre_keys().map(output::public_key_json).collect();
        return output::line(&json!({
            "address": client.address().to_string(),
            "identity_key": output::public_key_json(identity),
            "pre_keys": pre_keys,
        }));
    }
    output::text(&format!("address       {}", client.address()))?;
    output::text(&format!(
        "identity key  {}",
        output::public_key_line(identity)
    ))?;
    for (i, pre_key) in bundle.pre_keys().enumerate() {
        let current = if i == 0 { "  (current)" } else { "" };
        output::text(&format!(
            "pre-key       {}{current}",
            output::public_key_line(pre_key)
        ))?;
    }
    Ok(())
}

/// `register`: the identity of a wallet given on the command line, created or restored on the
/// node; nothing is written locally.
async fn register(ctx: &Context) -> anyhow::Result<()> {
    let identity = ctx.stateless_identity()?.ok_or_else(|| {
        Failure::new(
            code::USAGE,
            "register works on a wallet given on the command line: --wallet-key HEX (or \
             XMTP_WALLET_KEY), --keystore FILE or --external-wallet ADDR (for a profile, use \
             `xmtp init`)",
        )
    })?;
    let signer = ctx
        .signer(&identity)?
        .ok_or_else(|| anyhow::anyhow!("a command-line identity without a wallet"))?;
    let client = Client::create(signer.as_ref(), ctx.options())
        .await
        .context("registering the identity on the node")?;
    let pre_keys = pre_key_count(&client)?;
    if ctx.global.json {
        output::line(&json!({
            "address": client.address().to_string(),
            "node": ctx.global.node,
            "pre_keys": pre_keys,
        }))
    } else {
        output::text(&format!(
            "{} is on XMTP at {} (its keys are stored on the node; nothing was written here)",
            client.address(),
            ctx.global.node
        ))
    }
}

/// What xmtp-js apps of a wallet see once it has rotated (`xmtp_client::PreKeyRotationRisks`).
const ROTATION_RISKS: &str = "\
rotating the pre-key is an xmtp-rs extension that xmtp-js does not follow. Every old pre-key is
kept, so this CLI and other xmtp-rs clients still read everything, but xmtp-js apps (the official
JS SDK) signed in with this wallet then:
  - cannot decrypt v1 messages from before the rotation;
  - show the v2 conversations this wallet started before it with the wallet itself as the peer;
  - start a second conversation with those peers when asked for a new one.";

/// Asks on the terminal before rotating, unless `yes`; refuses off a terminal without `yes`.
fn confirm_rotation(yes: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(Failure::new(
            code::USAGE,
            format!(
                "{ROTATION_RISKS}\nnot rotated: confirm on a terminal, or pass --yes to rotate \
                 without asking"
            ),
        )
        .into());
    }
    eprintln!("{ROTATION_RISKS}");
    eprint!("rotate the pre-key? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("reading the answer")?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::new(code::FAILURE, "not rotated").into())
    }
}

async fn rotate_pre_key(ctx: &Context, yes: bool) -> anyhow::Result<()> {
    let (identity, profile) = ctx.identity()?;
    let Some(signer) = ctx.signer(&identity)? else {
        return Err(Failure::new(
            code::USAGE,
            "rotate-prekey needs the wallet (the new keys are stored on the network under its \
             signature), and this profile holds imported keys without one",
        )
        .into());
    };
    confirm_rotation(yes)?;
    let options = ctx.options_for(profile.as_ref())?;
    let client = Client::create(signer.as_ref(), options.clone())
        .await
        .context("signing in")?;
    let rotated = client
        .rotate_pre_key(signer.as_ref(), options, PreKeyRotationRisks::accept())
        .await
        .context("rotating the pre-key")?;
    let pre_keys = pre_key_count(&rotated)?;
    if ctx.global.json {
        output::line(&json!({
            "address": rotated.address().to_string(),
            "pre_keys": pre_keys,
        }))
    } else {
        output::text(&format!(
            "new pre-key for {} published ({pre_keys} pre-keys kept, so older messages still open)",
            rotated.address()
        ))
    }
}

fn export_wallet(ctx: &Context, out: &std::path::Path) -> anyhow::Result<()> {
    let (identity, _) = ctx.identity()?;
    let wallet = match &identity {
        Identity::Wallet(wallet) => (**wallet).clone(),
        Identity::Keystore { json, path, .. } => ctx.unlock(json, path)?,
        Identity::External(_) | Identity::Keys { .. } => {
            return Err(Failure::new(
                code::USAGE,
                "this identity has no wallet key here to export (an external wallet or \
                 imported keys)",
            )
            .into());
        }
    };
    let what = format!("the new keystore {}", out.display());
    let password = ctx.password(&what, true)?;
    let json = keyfile::encrypt(&wallet, password.as_bytes())?;
    profile::write_new_private(out, &json)?;
    if ctx.global.json {
        output::line(&json!({ "address": wallet.address().to_string(), "file": out }))
    } else {
        output::text(&format!(
            "wrote the wallet of {} to {} (Ethereum v3 JSON keystore)",
            wallet.address(),
            out.display()
        ))
    }
}
