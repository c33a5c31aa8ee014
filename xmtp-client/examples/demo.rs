//! The quick-start demo: a node on embedded SQLite, then two wallets messaging through it.
//!
//! ```sh
//! cargo run -p xmtp-client --example demo            # database ./xmtp-demo.db
//! cargo run -p xmtp-client --example demo -- my.db   # another SQLite file
//! ```
//!
//! Nothing leaves this machine: the node listens on free loopback ports. Run it twice on the same
//! file and the history of the earlier runs is still in the node's database.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use futures::StreamExt;
use xmtp_client::content::{Content, Reaction, ReactionAction, ReactionSchema};
use xmtp_client::{
    ApiConfig, Client, ClientOptions, ConversationContext, LocalWallet, MessageQuery,
};
use xmtp_node::{Database, Node, NodeConfig};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let db = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "xmtp-demo.db".into()),
    );
    let mut config = NodeConfig::ephemeral();
    config.database = Database::Sqlite(db.clone());
    let node = Node::start(config).await.context("starting the node")?;
    println!(
        "node on SQLite {}: HTTP gateway {}, gRPC {}",
        db.display(),
        node.http_url(),
        node.grpc_url()
    );

    let options = || ClientOptions::new(ApiConfig::new(node.grpc_url()));
    let alice_wallet = LocalWallet::generate();
    let bob_wallet = LocalWallet::generate();
    let alice = Client::create(&alice_wallet, options())
        .await
        .context("alice's identity")?;
    let bob = Client::create(&bob_wallet, options())
        .await
        .context("bob's identity")?;
    println!("alice is {}\nbob   is {}", alice.address(), bob.address());
    println!(
        "can alice message bob? {}",
        alice.can_message(bob.address()).await?
    );

    // Bob listens to everything that arrives for him, conversations created later included.
    let mut inbox = bob.conversations().stream_all_messages().await?;

    let context = ConversationContext::new("xmtp-rs/demo");
    let chat = alice
        .conversations()
        .new_conversation(bob.address(), Some(context))
        .await?;
    println!(
        "alice started {} (conversation id xmtp-rs/demo)",
        chat.topic()
    );
    let hello = chat.send("gm bob, this is end-to-end encrypted").await?;

    let received = tokio::time::timeout(Duration::from_secs(20), inbox.next())
        .await
        .context("bob's stream stayed silent")?
        .context("bob's stream ended")??;
    match received {
        Ok(m) => println!("bob got from {}: {}", m.sender, m.content),
        Err(bad) => anyhow::bail!("bob could not read {}: {}", bad.id, bad.error),
    }

    let at_bob = bob
        .conversations()
        .get(chat.topic())
        .await
        .context("bob does not know the conversation")?;
    at_bob.send("gm alice!").await?;
    at_bob
        .send(Content::Reaction(Reaction {
            reference: hello,
            reference_inbox_id: None,
            action: ReactionAction::Added,
            schema: ReactionSchema::Unicode,
            content: "👋".into(),
        }))
        .await?;

    println!("the conversation as alice reads it:");
    for message in chat.messages(MessageQuery::all()).await? {
        match message {
            Ok(m) => println!("  {} {}", m.sender, m.content),
            Err(bad) => println!("  (undecodable {}: {})", bad.id, bad.error),
        }
    }
    drop(inbox);
    node.shutdown().await?;
    Ok(())
}
