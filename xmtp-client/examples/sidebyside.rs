//! The Rust half of the side-by-side benchmark against `@xmtp/xmtp-js` 13.0.4 (issue #8), driven
//! by `interop/bench.sh`; the JS half is `interop/bench/js-bench.mjs`. Both open the same inbox
//! on the same node (`XMTP_NODE_GRPC_URL`).
//!
//! ```sh
//! sidebyside fixture --out fixture.json [--conversations 500] [--messages 5000] [--send-peers 9]
//! sidebyside run --fixture fixture.json --send-index N [--concurrent-index M] [--sends 1000]
//! sidebyside verify --fixture fixture.json [--sends 1000]
//! sidebyside profile --fixture fixture.json [--send-index N --sends 1000]
//! ```
//!
//! Every command takes `--runtime current-thread` (the default) or `--runtime multi-thread`: the
//! tokio runtime that drives it from `main`. One thread runs the client's tasks, as one event loop
//! runs xmtp-js; decryption still spreads over every core through the blocking pool. On a
//! multi-thread runtime `block_on` polls `main`'s future on the main thread while the connection's
//! task runs on a worker, so each call pays two more cross-thread wake-ups (measured in
//! BENCHMARKS.md); awaiting inside a spawned task pays fewer.
//!
//! `fixture` makes the reader's inbox: one peer wallet per conversation invites the reader (v2,
//! deterministic invitation with a conversation id, as xmtp-js makes them); the first peer
//! ("big") then sends all the messages; the next `--send-peers` conversations stay empty and are
//! the targets of the timed sends, one per run, so every run reads and writes the same amounts.
//!
//! `run` is one timed run on fresh local state (a keystore file in a new temporary directory):
//! client creation, cold `list()`, reading every message of the big conversation (all pages,
//! decrypted), sequential sends, and optionally the same number of sends 16 at a time. It checks
//! every count and prints one JSON line of milliseconds.
//!
//! `verify` opens every send target from the peer's side and checks it holds exactly the sends
//! (so each must have been used by one run).
//!
//! `profile` splits the Rust read phase: each page's round trip, then decoding the same
//! envelopes on one thread, then `messages()` as timed by `run`; with `--send-index`, sequential
//! sends into that target split into sealing (`prepare_message`) and publishing; and 1,000
//! queries of an empty topic, the round-trip floor.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail, ensure};
use futures::{StreamExt as _, TryStreamExt as _};
use serde::{Deserialize, Serialize};
use serde_json::json;
use xmtp_client::content::Content;
use xmtp_client::{
    Address, ApiConfig, Client, ClientOptions, Conversation, ConversationContext, Envelope,
    FileBackend, LocalWallet, MessageQuery, SendOptions,
};

/// Clients set up at once while making the fixture.
const FIXTURE_CONCURRENCY: usize = 16;
/// Sends in flight at once: fixture messages and the concurrent variant.
const SEND_CONCURRENCY: usize = 16;

/// What `fixture` made, read by both halves of the benchmark.
#[derive(Serialize, Deserialize)]
struct Fixture {
    /// The reader's wallet private key, hex: both SDKs sign in with it.
    reader_key: String,
    reader_address: String,
    /// Conversations in the reader's inbox.
    conversations: usize,
    /// Messages in the big conversation, all sent by `big_peer`.
    messages: usize,
    big_peer: Peer,
    /// Empty conversations, targets of the timed sends (one per run).
    send_peers: Vec<Peer>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Peer {
    address: String,
    /// Wallet private key, hex, so `verify` can read from the peer's side.
    key: String,
}

impl Peer {
    fn new(wallet: &LocalWallet) -> Self {
        Self {
            address: wallet.address().to_string(),
            key: hex::encode(wallet.private_key().to_bytes().expose()),
        }
    }
}

impl Fixture {
    fn send_peer(&self, index: usize) -> anyhow::Result<&Peer> {
        self.send_peers.get(index).with_context(|| {
            format!(
                "send target {index} out of range: the fixture has {}",
                self.send_peers.len()
            )
        })
    }
}

/// `--name value` flags.
struct Flags(HashMap<String, String>);

impl Flags {
    fn parse(mut args: impl Iterator<Item = String>) -> anyhow::Result<Self> {
        let mut map = HashMap::new();
        while let Some(flag) = args.next() {
            let name = flag
                .strip_prefix("--")
                .with_context(|| format!("expected a --flag, got {flag:?}"))?;
            let value = args
                .next()
                .with_context(|| format!("--{name} needs a value"))?;
            map.insert(name.to_owned(), value);
        }
        Ok(Self(map))
    }

    fn text(&self, name: &str) -> anyhow::Result<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .with_context(|| format!("missing --{name}"))
    }

    fn number(&self, name: &str) -> anyhow::Result<usize> {
        let value = self.text(name)?;
        value.parse().with_context(|| format!("--{name} {value:?}"))
    }

    fn count(&self, name: &str, default: usize) -> anyhow::Result<usize> {
        if self.0.contains_key(name) {
            self.number(name)
        } else {
            Ok(default)
        }
    }
}

fn options() -> anyhow::Result<ClientOptions> {
    let url = std::env::var("XMTP_NODE_GRPC_URL")
        .context("XMTP_NODE_GRPC_URL is not set: the node's gRPC address (bench.sh exports it)")?;
    Ok(ClientOptions::new(ApiConfig::new(url)))
}

fn read_fixture(flags: &Flags) -> anyhow::Result<Fixture> {
    let path = flags.text("fixture")?;
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {path}"))
}

/// Wall-clock milliseconds of `work`.
async fn timed<T>(work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<(T, f64)> {
    let start = Instant::now();
    let value = work.await?;
    Ok((value, start.elapsed().as_secs_f64() * 1e3))
}

fn with_peer<'a>(all: &'a [Conversation], peer: &str) -> anyhow::Result<&'a Conversation> {
    let peer: Address = peer.parse()?;
    all.iter()
        .find(|c| c.peer_address() == peer)
        .with_context(|| format!("no conversation with {peer}"))
}

/// Every message of `conversation`, checking there are `expected`, all decrypted text from `sender`.
async fn read_all(
    conversation: &Conversation,
    expected: usize,
    sender: Address,
) -> anyhow::Result<()> {
    let items = conversation.messages(MessageQuery::all()).await?;
    ensure!(
        items.len() == expected,
        "{} holds {} messages, expected {expected}",
        conversation.topic(),
        items.len()
    );
    for item in items {
        let message = item.map_err(|e| anyhow::anyhow!("undecodable message: {}", e.error))?;
        ensure!(
            message.sender == sender,
            "message from {}, expected {sender}",
            message.sender
        );
        ensure!(
            matches!(message.content, Content::Text(_)),
            "not a text message"
        );
    }
    Ok(())
}

/// `count` texts into `conversation`, `concurrency` in flight at once.
async fn send_many(
    conversation: &Conversation,
    count: usize,
    concurrency: usize,
    label: &str,
) -> anyhow::Result<()> {
    futures::stream::iter(0..count)
        .map(|k| conversation.send(format!("{label} {k}")))
        .buffer_unordered(concurrency)
        .try_for_each(|_| async { Ok(()) })
        .await?;
    Ok(())
}

async fn fixture(flags: &Flags) -> anyhow::Result<()> {
    let out = flags.text("out")?;
    let conversations = flags.count("conversations", 500)?;
    let messages = flags.count("messages", 5_000)?;
    let send_targets = flags.count("send-peers", 9)?;
    ensure!(
        conversations > send_targets,
        "--conversations must exceed --send-peers"
    );
    let options = options()?;
    let started = Instant::now();

    let reader_wallet = LocalWallet::generate();
    let reader = Client::create(&reader_wallet, options.clone()).await?;
    let reader_address = reader.address();
    drop(reader);

    let wallets: Vec<LocalWallet> = (0..conversations)
        .map(|_| LocalWallet::generate())
        .collect();
    let invite = |index: usize, wallet: LocalWallet| {
        let options = options.clone();
        async move {
            let client = Client::create(&wallet, options).await?;
            let context = ConversationContext {
                conversation_id: format!("xmtp-rs/sidebyside/{index}"),
                metadata: BTreeMap::from([("peer".to_owned(), index.to_string())]),
            };
            let conversation = client
                .conversations()
                .new_conversation(reader_address, Some(context))
                .await?;
            anyhow::Ok((index, conversation))
        }
    };
    let mut big = None;
    let mut invited = 0;
    let mut pending = futures::stream::iter(wallets.iter().cloned().enumerate())
        .map(|(index, wallet)| invite(index, wallet))
        .buffer_unordered(FIXTURE_CONCURRENCY);
    while let Some(done) = pending.next().await {
        let (index, conversation) = done?;
        invited += 1;
        if index == 0 {
            big = Some(conversation);
        }
        if invited % 100 == 0 {
            eprintln!("sidebyside: {invited}/{conversations} conversations");
        }
    }
    let big = big.context("the big conversation was not made")?;
    eprintln!(
        "sidebyside: {conversations} conversations in {:.1} s; sending {messages} messages",
        started.elapsed().as_secs_f64()
    );
    send_many(&big, messages, SEND_CONCURRENCY, "fixture message").await?;

    let fixture = Fixture {
        reader_key: hex::encode(reader_wallet.private_key().to_bytes().expose()),
        reader_address: reader_address.to_string(),
        conversations,
        messages,
        big_peer: Peer::new(&wallets[0]),
        send_peers: wallets[1..=send_targets].iter().map(Peer::new).collect(),
    };
    std::fs::write(out, serde_json::to_string_pretty(&fixture)?)
        .with_context(|| format!("writing {out}"))?;
    eprintln!(
        "sidebyside: fixture ready in {:.1} s ({out})",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn run(flags: &Flags) -> anyhow::Result<()> {
    let fixture = read_fixture(flags)?;
    let sends = flags.count("sends", 1_000)?;
    let send_peer = fixture.send_peer(flags.number("send-index")?)?;
    let concurrent_peer = if flags.0.contains_key("concurrent-index") {
        Some(fixture.send_peer(flags.number("concurrent-index")?)?)
    } else {
        None
    };
    let wallet = LocalWallet::from_hex(&fixture.reader_key)?;
    let state = tempfile::tempdir()?;
    let options =
        options()?.with_persistence(Arc::new(FileBackend::new(state.path().join("keystore"))));

    let (client, create_ms) = timed(async { Ok(Client::create(&wallet, options).await?) }).await?;
    let me = client.address();
    let (all, list_ms) = timed(async { Ok(client.conversations().list().await?) }).await?;
    ensure!(
        all.len() == fixture.conversations,
        "listed {} conversations, expected {}",
        all.len(),
        fixture.conversations
    );
    let big = with_peer(&all, &fixture.big_peer.address)?;
    let big_sender: Address = fixture.big_peer.address.parse()?;
    let ((), read_ms) = timed(read_all(big, fixture.messages, big_sender)).await?;

    let target = with_peer(&all, &send_peer.address)?;
    let ((), send_ms) = timed(async {
        for k in 0..sends {
            target.send(format!("rust sequential {k}")).await?;
        }
        Ok(())
    })
    .await?;
    read_all(target, sends, me).await?;

    let mut result = json!({
        "side": "rust",
        "runtime": match tokio::runtime::Handle::current().runtime_flavor() {
            tokio::runtime::RuntimeFlavor::CurrentThread => "current-thread",
            _ => "multi-thread",
        },
        "create_ms": create_ms,
        "list_ms": list_ms,
        "read_ms": read_ms,
        "send_ms": send_ms,
        "conversations": all.len(),
        "messages": fixture.messages,
        "sends": sends,
    });
    if let Some(peer) = concurrent_peer {
        let target = with_peer(&all, &peer.address)?;
        let ((), ms) = timed(send_many(
            target,
            sends,
            SEND_CONCURRENCY,
            "rust concurrent",
        ))
        .await?;
        read_all(target, sends, me).await?;
        result["send_concurrent_ms"] = json!(ms);
    }
    println!("{result}");
    Ok(())
}

async fn verify(flags: &Flags) -> anyhow::Result<()> {
    let fixture = read_fixture(flags)?;
    let expected = flags.count("sends", 1_000)?;
    let reader: Address = fixture.reader_address.parse()?;
    let options = options()?;
    for peer in &fixture.send_peers {
        let address = &peer.address;
        let client = Client::create(&LocalWallet::from_hex(&peer.key)?, options.clone()).await?;
        let all = client.conversations().list().await?;
        ensure!(
            all.len() == 1,
            "{address} has {} conversations, expected 1",
            all.len()
        );
        read_all(&all[0], expected, reader).await?;
        eprintln!("sidebyside: {address} sees {expected} messages from the reader");
    }
    Ok(())
}

async fn profile(flags: &Flags) -> anyhow::Result<()> {
    let fixture = read_fixture(flags)?;
    let client = Client::create(&LocalWallet::from_hex(&fixture.reader_key)?, options()?).await?;
    let all = client.conversations().list().await?;
    let big = with_peer(&all, &fixture.big_peer.address)?;

    let mut pages = xmtp_api::query_pages(
        client.api().as_ref(),
        vec![big.topic().to_owned()],
        xmtp_api::QueryOptions::ascending(),
    );
    let mut envelopes = Vec::new();
    let mut page_ms = Vec::new();
    let fetch = Instant::now();
    let mut page_start = Instant::now();
    while let Some(page) = pages.next().await {
        // The client's own envelopes (topic, timestamp, bytes), moved out of the wire type.
        let page = page?.into_iter();
        envelopes.extend(page.map(|e| Envelope::new(e.content_topic, e.timestamp_ns, e.message)));
        page_ms.push(page_start.elapsed().as_secs_f64() * 1e3);
        page_start = Instant::now();
    }
    let fetch_ms = fetch.elapsed().as_secs_f64() * 1e3;
    drop(pages);
    page_ms.sort_by(f64::total_cmp);

    let ((), decode_ms) = timed(async {
        for envelope in &envelopes {
            big.decode(envelope)
                .map_err(|e| anyhow::anyhow!("undecodable message: {}", e.error))?;
        }
        Ok(())
    })
    .await?;
    let (_, messages_ms) = timed(async { Ok(big.messages(MessageQuery::all()).await?) }).await?;

    // The round-trip floor: one-envelope queries of a topic nobody writes to.
    let ((), query_ms) = timed(async {
        for _ in 0..1_000 {
            client
                .api()
                .query(xmtp_api::QueryRequest {
                    content_topics: vec!["/xmtp/0/m-sidebyside-empty/proto".to_owned()],
                    ..Default::default()
                })
                .await?;
        }
        Ok(())
    })
    .await?;

    let (mut seal_ms, mut publish_ms) = (0.0, 0.0);
    if flags.0.contains_key("send-index") {
        let target = with_peer(
            &all,
            &fixture.send_peer(flags.number("send-index")?)?.address,
        )?;
        for k in 0..flags.count("sends", 1_000)? {
            let content = Content::Text(format!("rust profile {k}"));
            let (prepared, ms) = timed(async {
                Ok(target
                    .prepare_message(&content, SendOptions::default())
                    .await?)
            })
            .await?;
            seal_ms += ms;
            publish_ms += timed(async { Ok(prepared.send().await?) }).await?.1;
        }
    }
    println!(
        "{}",
        json!({
            "envelopes": envelopes.len(),
            "pages": page_ms.len(),
            "fetch_ms": fetch_ms,
            "page_ms_min": page_ms.first(),
            "page_ms_median": page_ms.get(page_ms.len() / 2),
            "page_ms_max": page_ms.last(),
            "decode_one_thread_ms": decode_ms,
            "messages_ms": messages_ms,
            "empty_query_x1000_ms": query_ms,
            "send_seal_ms": seal_ms,
            "send_publish_ms": publish_ms,
        })
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let flags = Flags::parse(args)?;
    let runtime = match flags.0.get("runtime").map(String::as_str) {
        None | Some("current-thread") => tokio::runtime::Builder::new_current_thread(),
        Some("multi-thread") => tokio::runtime::Builder::new_multi_thread(),
        Some(other) => bail!("--runtime {other:?}: current-thread or multi-thread"),
    }
    .enable_all()
    .build()?;
    runtime.block_on(command_main(&command, &flags))
}

async fn command_main(command: &str, flags: &Flags) -> anyhow::Result<()> {
    match command {
        "fixture" => fixture(flags).await,
        "run" => run(flags).await,
        "verify" => verify(flags).await,
        "profile" => profile(flags).await,
        other => bail!("unknown command {other:?}: fixture, run, verify or profile"),
    }
}
