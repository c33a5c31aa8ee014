//! A Rust XMTP client driven over stdin/stdout, for cross-implementation tests (the JS harness in
//! `interop/test/rust_peer.test.mjs` drives it against the same node as the JS SDK).
//!
//! Node: `XMTP_NODE_GRPC_URL` if set; otherwise an in-process `xmtp-node` on ephemeral loopback
//! ports, whose HTTP address the ready line reports so that JS clients can join it.
//!
//! Protocol: one JSON object per line each way. The first output line is
//! `{"ready":true,"grpc":…,"http":…|null}`. Each request `{"id":N,"cmd":…,…}` gets exactly one
//! reply `{"id":N,"ok":…}` or `{"id":N,"error":"…"}`; stream events are
//! `{"event":"message","message":{…}}` or `{"event":"conversation","conversation":{…}}`.
//!
//! Commands: `create {wallet_key?, legacy_contact?, store?}` (`store`: a file that keeps
//! conversations, consent and cursors across restarts), `address`, `can_message {address}`,
//! `new_conversation {peer, conversation_id?, metadata?}`, `list`,
//! `send {topic, content}`, `messages {topic, limit?, descending?}`,
//! `stream_messages {topic}`, `stream_all`, `stream_conversations` (each answers once the node
//! has registered the stream, so whatever is sent after the answer is streamed),
//! `allow {addresses}`, `deny {addresses}`, `consent {address}`, `rotate_prekey`,
//! `register_installation` (forward secrecy: answers `{installation}`),
//! `forward_secrecy {topic, enabled}`, `quit`. A message that was forward-secret says
//! `"forward_secret":true`.
//! Content: `{"type":"text","text":…}`, `{"type":"reaction","reference":…,"action":…,
//! "schema":…,"content":…}`, `{"type":"reply","reference":…,"text":…}`,
//! `{"type":"read_receipt"}`, `{"type":"attachment","filename":…,"mime_type":…,"data_hex":…}`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::Arc;

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use xmtp_client::content::{
    Attachment, Content, Reaction, ReactionAction, ReactionSchema, ReadReceipt, Reply,
};
use xmtp_client::{
    Address, ApiConfig, Client, ClientOptions, Consent, Conversation, ConversationContext,
    ConversationVersion, Direction, FileBackend, LocalWallet, ManualClock, MessageQuery,
    MessageResult, PreKeyRotationRisks,
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn emit(value: &Value) {
    let mut out = std::io::stdout().lock();
    // A closed stdout means the driver is gone; the read loop ends on its own then.
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}

fn field<'a>(request: &'a Value, name: &str) -> Result<&'a str, BoxError> {
    request[name]
        .as_str()
        .ok_or_else(|| format!("missing string field {name:?}").into())
}

fn address(text: &str) -> Result<Address, BoxError> {
    Ok(text.parse()?)
}

fn content_to_json(content: &Content) -> Value {
    match content {
        Content::Text(text) => json!({"type": "text", "text": text}),
        Content::Reaction(r) => json!({
            "type": "reaction",
            "reference": r.reference,
            "action": serde_json::to_value(r.action).unwrap_or(Value::Null),
            "schema": serde_json::to_value(r.schema).unwrap_or(Value::Null),
            "content": r.content,
        }),
        Content::Reply(r) => json!({
            "type": "reply",
            "reference": r.reference,
            "content": content_to_json(&r.content),
        }),
        Content::ReadReceipt(_) => json!({"type": "read_receipt"}),
        Content::Attachment(a) => json!({
            "type": "attachment",
            "filename": a.filename,
            "mime_type": a.mime_type,
            "data_hex": hex::encode(&a.data),
        }),
        other => json!({"type": other.content_type().to_string()}),
    }
}

fn content_from_json(value: &Value) -> Result<Content, BoxError> {
    let text = |name: &str| field(value, name).map(str::to_owned);
    Ok(match field(value, "type")? {
        "text" => Content::Text(text("text")?),
        "reaction" => Content::Reaction(Reaction {
            reference: text("reference")?,
            reference_inbox_id: None,
            action: serde_json::from_value::<ReactionAction>(value["action"].clone())?,
            schema: serde_json::from_value::<ReactionSchema>(value["schema"].clone())?,
            content: text("content")?,
        }),
        "reply" => Content::Reply(Reply {
            reference: text("reference")?,
            reference_inbox_id: None,
            content: Box::new(Content::Text(text("text")?)),
        }),
        "read_receipt" => Content::ReadReceipt(ReadReceipt),
        "attachment" => Content::Attachment(Attachment {
            filename: text("filename")?,
            mime_type: text("mime_type")?,
            data: hex::decode(field(value, "data_hex")?)?,
        }),
        other => return Err(format!("unknown content type {other:?}").into()),
    })
}

fn conversation_to_json(conversation: &Conversation) -> Value {
    let context = conversation.context();
    json!({
        "topic": conversation.topic(),
        "peer": conversation.peer_address().to_string(),
        "version": match conversation.version() {
            ConversationVersion::V1 => "v1",
            _ => "v2",
        },
        "created_ns": conversation.created_ns().to_string(),
        "conversation_id": context.as_ref().map(|c| c.conversation_id.clone()),
        "metadata": context.map(|c| c.metadata),
    })
}

fn message_to_json(item: &MessageResult) -> Value {
    match item {
        Ok(m) => {
            let mut message = json!({
                "id": m.id,
                "topic": m.conversation_topic,
                "sender": m.sender.to_string(),
                "sent_ns": m.sent_ns.to_string(),
                "content": content_to_json(&m.content),
            });
            if m.forward_secret {
                message["forward_secret"] = json!(true);
            }
            message
        }
        Err(e) => json!({"id": e.id, "topic": e.topic, "error": e.error.to_string()}),
    }
}

struct Peer {
    options: ClientOptions,
    client: Option<Client>,
    /// The wallet and options `create` used, for `rotate_prekey`.
    signed_in: Option<(LocalWallet, ClientOptions)>,
    streams: Vec<tokio::task::JoinHandle<()>>,
}

impl Peer {
    fn client(&self) -> Result<&Client, BoxError> {
        self.client
            .as_ref()
            .ok_or_else(|| "no client yet: send `create` first".into())
    }

    async fn conversation(&self, topic: &str) -> Result<Conversation, BoxError> {
        let conversations = self.client()?.conversations();
        if let Some(found) = conversations.get(topic).await {
            return Ok(found);
        }
        conversations
            .list()
            .await?
            .into_iter()
            .find(|c| c.topic() == topic)
            .ok_or_else(|| format!("no conversation on {topic}").into())
    }

    fn spawn_messages(
        &mut self,
        mut stream: futures::stream::BoxStream<'static, xmtp_client::Result<MessageResult>>,
    ) {
        self.streams.push(tokio::spawn(async move {
            while let Some(item) = stream.next().await {
                match item {
                    Ok(message) => {
                        emit(&json!({"event": "message", "message": message_to_json(&message)}))
                    }
                    Err(e) => emit(&json!({"event": "error", "error": e.to_string()})),
                }
            }
        }));
    }

    async fn handle(&mut self, request: &Value) -> Result<Value, BoxError> {
        match field(request, "cmd")? {
            "create" => {
                let wallet = match request["wallet_key"].as_str() {
                    Some(key) => LocalWallet::from_hex(key)?,
                    None => LocalWallet::generate(),
                };
                let mut options = ClientOptions {
                    legacy_contact_only: request["legacy_contact"].as_bool() == Some(true),
                    ..self.options.clone()
                };
                if let Some(path) = request["store"].as_str() {
                    options = options.with_persistence(Arc::new(FileBackend::new(path)));
                }
                if request["frozen_clock"].as_bool() == Some(true) {
                    // Every send in the same millisecond, as a fast sender's can be.
                    // A clock that stands still.
                    options = options.with_clock(Arc::new(ManualClock::at_system_now()));
                }
                let client = Client::create(&wallet, options.clone()).await?;
                let address = client.address().to_string();
                self.client = Some(client);
                self.signed_in = Some((wallet, options));
                Ok(json!({"address": address}))
            }
            "rotate_prekey" => {
                let (wallet, options) = self.signed_in.clone().ok_or("no client yet")?;
                let rotated = self
                    .client()?
                    .rotate_pre_key(&wallet, options, PreKeyRotationRisks::accept())
                    .await?;
                self.client = Some(rotated);
                Ok(json!(true))
            }
            "address" => Ok(json!(self.client()?.address().to_string())),
            "register_installation" => {
                let id = self.client()?.register_installation().await?;
                Ok(json!({"installation": id.to_string()}))
            }
            "forward_secrecy" => {
                let conversation = self.conversation(field(request, "topic")?).await?;
                if request["enabled"].as_bool() == Some(false) {
                    conversation.disable_forward_secrecy().await?;
                } else {
                    conversation.enable_forward_secrecy().await?;
                }
                Ok(json!(conversation.is_forward_secret().await))
            }
            "can_message" => {
                let peer = address(field(request, "address")?)?;
                Ok(json!(self.client()?.can_message(peer).await?))
            }
            "new_conversation" => {
                let peer = address(field(request, "peer")?)?;
                let context = request["conversation_id"]
                    .as_str()
                    .map(|id| ConversationContext {
                        conversation_id: id.to_owned(),
                        metadata: serde_json::from_value::<BTreeMap<String, String>>(
                            request["metadata"].clone(),
                        )
                        .unwrap_or_default(),
                    });
                let conversation = self
                    .client()?
                    .conversations()
                    .new_conversation(peer, context)
                    .await?;
                Ok(conversation_to_json(&conversation))
            }
            "list" => {
                let all = self.client()?.conversations().list().await?;
                Ok(Value::Array(all.iter().map(conversation_to_json).collect()))
            }
            "send" => {
                let conversation = self.conversation(field(request, "topic")?).await?;
                let content = content_from_json(&request["content"])?;
                Ok(json!({"id": conversation.send(content).await?}))
            }
            "messages" => {
                let conversation = self.conversation(field(request, "topic")?).await?;
                let query = MessageQuery {
                    limit: request["limit"].as_u64().map(|l| l as usize),
                    direction: if request["descending"].as_bool() == Some(true) {
                        Direction::Descending
                    } else {
                        Direction::Ascending
                    },
                    ..MessageQuery::all()
                };
                let items = conversation.messages(query).await?;
                Ok(Value::Array(items.iter().map(message_to_json).collect()))
            }
            "stream_messages" => {
                let conversation = self.conversation(field(request, "topic")?).await?;
                self.spawn_messages(conversation.stream_messages().await?);
                Ok(json!(true))
            }
            "stream_all" => {
                let stream = self.client()?.conversations().stream_all_messages().await?;
                self.spawn_messages(stream);
                Ok(json!(true))
            }
            "stream_conversations" => {
                let mut stream = self.client()?.conversations().stream().await?;
                self.streams.push(tokio::spawn(async move {
                    while let Some(item) = stream.next().await {
                        match item {
                            Ok(c) => emit(&json!({"event": "conversation", "conversation": conversation_to_json(&c)})),
                            Err(e) => emit(&json!({"event": "error", "error": e.to_string()})),
                        }
                    }
                }));
                Ok(json!(true))
            }
            cmd @ ("allow" | "deny") => {
                let addresses = request["addresses"]
                    .as_array()
                    .ok_or("missing array field \"addresses\"")?
                    .iter()
                    .map(|a| address(a.as_str().unwrap_or_default()))
                    .collect::<Result<Vec<_>, _>>()?;
                let client = self.client()?;
                if cmd == "allow" {
                    client.allow(&addresses).await?;
                } else {
                    client.deny(&addresses).await?;
                }
                Ok(json!(true))
            }
            "consent" => {
                let client = self.client()?;
                client.refresh_consent().await?;
                let state = client
                    .consent_state(address(field(request, "address")?)?)
                    .await?;
                Ok(json!(match state {
                    Consent::Allowed => "allowed",
                    Consent::Denied => "denied",
                    _ => "unknown",
                }))
            }
            other => Err(format!("unknown command {other:?}").into()),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let (grpc, http, _node) = match std::env::var("XMTP_NODE_GRPC_URL") {
        Ok(url) => (url, None, None),
        Err(_) => {
            let mut config = xmtp_node::NodeConfig::ephemeral();
            config.rate_limits.enabled = false;
            let node = xmtp_node::Node::start(config).await?;
            (node.grpc_url(), Some(node.http_url()), Some(node))
        }
    };
    // `interop/run.sh` over TLS: the test CA, as the CLI takes it.
    let mut api = ApiConfig::new(grpc.clone());
    if let Some(path) = std::env::var_os("XMTP_CA_CERT") {
        api = api.with_ca_pem(std::fs::read(path)?);
    }
    let mut peer = Peer {
        options: ClientOptions::new(api),
        client: None,
        signed_in: None,
        streams: Vec::new(),
    };
    emit(&json!({"ready": true, "grpc": grpc, "http": http}));
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await? {
        if line.trim().is_empty() {
            continue;
        }
        let request: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                emit(&json!({"error": format!("bad request line: {e}")}));
                continue;
            }
        };
        if request["cmd"] == "quit" {
            emit(&json!({"id": request["id"], "ok": true}));
            break;
        }
        match peer.handle(&request).await {
            Ok(ok) => emit(&json!({"id": request["id"], "ok": ok})),
            Err(e) => emit(&json!({"id": request["id"], "error": e.to_string()})),
        }
    }
    for stream in peer.streams {
        stream.abort();
    }
    Ok(())
}
