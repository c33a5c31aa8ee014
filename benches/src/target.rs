//! The node under load: started in process on a fresh database, or a running one.

use std::sync::Arc;

use anyhow::{Context, Result};
use tonic::metadata::MetadataValue;
use tonic::transport::{Channel, Endpoint};
use xmtp_crypto::LocalWallet;
use xmtp_keystore::IdentityCreation;
use xmtp_node::store::postgres::{PostgresOptions, PostgresStore};
use xmtp_node::{Database, Node, NodeConfig, RunningNode};
use xmtp_proto::message_api::v1::message_api_client::MessageApiClient;

use crate::Args;

/// A gRPC client of the node.
pub type Client = MessageApiClient<Channel>;

/// One node for one scenario.
pub struct Target {
    /// gRPC URL of the node.
    pub url: String,
    /// HTTP gateway URL of the node, when known.
    pub http_url: Option<String>,
    /// `sqlite`, `postgres` or `remote`.
    pub backend: &'static str,
    /// `authorization` header value for publishes, when `--auth`.
    pub authorization: Option<MetadataValue<tonic::metadata::Ascii>>,
    node: Option<RunningNode>,
    /// How the in-process node was started, to start it again (`restart`).
    config: Option<NodeConfig>,
    /// The default SQLite file's directory, removed with the target.
    _dir: Option<tempfile::TempDir>,
    /// PostgreSQL URL and the scenario's schema, dropped at the end.
    schema: Option<(String, String)>,
}

/// Nanoseconds since the Unix epoch (envelope timestamps; fanout latency).
pub fn unix_ns() -> u64 {
    xmtp_keystore::now_ns()
}

/// A fresh identity's auth token, as the SDK sends it (`Bearer <base64 Token>`).
fn bearer_token() -> Result<MetadataValue<tonic::metadata::Ascii>> {
    let wallet = LocalWallet::generate();
    let now_ms = unix_ns() / 1_000_000;
    let creation = IdentityCreation::new(wallet.address(), now_ms);
    let signature = wallet.personal_sign(creation.request().text.as_bytes());
    let bundle = creation
        .finish(signature.to_bytes_v27().expose(), now_ms)
        .context("creating the load generator's identity")?;
    let token = xmtp_keystore::create_auth_token(&bundle, unix_ns());
    format!("Bearer {token}")
        .parse()
        .context("token is not a header value")
}

impl Target {
    /// Starts (or points at) the node for one scenario.
    pub async fn start(args: &Args) -> Result<Self> {
        Self::start_with(args, |_| {}).await
    }

    /// As [`Target::start`], with `adjust` applied to the in-process node's configuration.
    pub async fn start_with(args: &Args, adjust: impl FnOnce(&mut NodeConfig)) -> Result<Self> {
        let authorization = if args.auth {
            Some(bearer_token()?)
        } else {
            None
        };
        if let Some(url) = &args.grpc {
            return Ok(Self {
                url: url.clone(),
                http_url: args.http.clone(),
                backend: "remote",
                authorization,
                node: None,
                config: None,
                _dir: None,
                schema: None,
            });
        }
        let mut config = NodeConfig::ephemeral();
        config.auth.enabled = args.auth;
        config.rate_limits.enabled = false;
        config.retention.enabled = false;
        config.subscriber_queue = 16 * 1024;
        config.sqlite_sync = args.sync.into();
        adjust(&mut config);
        let mut schema = None;
        let mut dir = None;
        let backend = match args.db.as_deref() {
            None => {
                // A file of our own rather than `Database::Temporary`, so that a restart finds it.
                let tmp = tempfile::tempdir().context("a directory for the node's database")?;
                config.database = Database::Sqlite(tmp.path().join("loadgen.db"));
                dir = Some(tmp);
                "sqlite"
            }
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let name = format!(
                    "xmtp_loadgen_{}_{}",
                    std::process::id(),
                    unix_ns() % 1_000_000_000
                );
                let options = PostgresOptions {
                    schema: Some(name.clone()),
                    ..PostgresOptions::default()
                };
                schema = Some((url.to_owned(), name));
                let store = PostgresStore::connect(url, options)
                    .await
                    .context("connecting to PostgreSQL")?;
                config.database = Database::Custom(Arc::new(store));
                "postgres"
            }
            Some(path) => {
                config.database = Database::from_arg(path);
                "sqlite"
            }
        };
        let node = match Node::start(config.clone()).await {
            Ok(node) => node,
            Err(e) => {
                drop_schema(schema.as_ref()).await;
                return Err(e).context("starting the node");
            }
        };
        Ok(Self {
            url: node.grpc_url(),
            http_url: Some(node.http_url()),
            backend,
            authorization,
            node: Some(node),
            config: Some(config),
            _dir: dir,
            schema,
        })
    }

    /// The in-process node (none with `--grpc`).
    pub fn node(&self) -> Option<&RunningNode> {
        self.node.as_ref()
    }

    /// `count` clients, each on its own HTTP/2 connection.
    pub async fn clients(&self, count: usize) -> Result<Vec<Client>> {
        let mut clients = Vec::with_capacity(count);
        for _ in 0..count {
            let channel = Endpoint::from_shared(self.url.clone())
                .context("bad gRPC URL")?
                .tcp_nodelay(true)
                .connect()
                .await
                .with_context(|| format!("connecting to {}", self.url))?;
            clients.push(MessageApiClient::new(channel).max_decoding_message_size(64 << 20));
        }
        Ok(clients)
    }

    /// Stops the in-process node and starts it again on the same addresses and store.
    pub async fn restart(&mut self) -> Result<()> {
        let (Some(node), Some(config)) = (self.node.take(), self.config.as_mut()) else {
            anyhow::bail!("only an in-process node can be restarted (no --grpc)");
        };
        config.http_addr = node.http_addr();
        config.grpc_addr = node.grpc_addr();
        node.shutdown().await.context("stopping the node")?;
        let node = Node::start(config.clone())
            .await
            .context("starting the node again")?;
        self.url = node.grpc_url();
        self.http_url = Some(node.http_url());
        self.node = Some(node);
        Ok(())
    }

    /// Stops the node and drops the scenario's PostgreSQL schema.
    pub async fn finish(mut self) -> Result<()> {
        if let Some(node) = self.node.take() {
            node.shutdown().await.context("stopping the node")?;
        }
        drop_schema(self.schema.as_ref()).await;
        Ok(())
    }
}

async fn drop_schema(schema: Option<&(String, String)>) {
    let Some((url, name)) = schema else { return };
    let dropped = async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
        let connection = tokio::spawn(connection);
        let result = client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
            .await;
        drop(client);
        let _ = connection.await;
        result
    };
    if let Err(e) = dropped.await {
        eprintln!("loadgen: could not drop schema {name}: {e}");
    }
}
