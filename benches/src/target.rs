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
    /// The node as a child process (`--node-bin`).
    process: Option<NodeProcess>,
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
                process: None,
                config: None,
                _dir: None,
                schema: None,
            });
        }
        if let Some(bin) = &args.node_bin {
            let (db, dir) = match args.db.as_deref() {
                Some(db) => (std::path::PathBuf::from(db), None),
                None => {
                    let (tmp, db) = temporary_sqlite()?;
                    (db, Some(tmp))
                }
            };
            let process = NodeProcess::spawn(bin.clone(), db, args.auth, None).await?;
            return Ok(Self {
                url: format!("http://{}", process.grpc),
                http_url: Some(format!("http://{}", process.http)),
                backend: "sqlite",
                authorization,
                node: None,
                process: Some(process),
                config: None,
                _dir: dir,
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
                let (tmp, db) = temporary_sqlite()?;
                config.database = Database::Sqlite(db);
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
            process: None,
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

    /// The node's process id when it runs as a child (`--node-bin`).
    pub fn node_pid(&self) -> Option<u32> {
        self.process.as_ref().and_then(|p| p.child.id())
    }

    /// Stops the node (in process, or its child process) and starts it again on the same
    /// addresses and store.
    pub async fn restart(&mut self) -> Result<()> {
        if let Some(process) = self.process.take() {
            let addresses = (process.http, process.grpc);
            let (bin, db, auth) = (process.bin.clone(), process.db.clone(), process.auth);
            process.stop().await?;
            self.process = Some(NodeProcess::spawn(bin, db, auth, Some(addresses)).await?);
            return Ok(());
        }
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
        if let Some(process) = self.process.take() {
            process.stop().await?;
        }
        if let Some(node) = self.node.take() {
            node.shutdown().await.context("stopping the node")?;
        }
        drop_schema(self.schema.as_ref()).await;
        Ok(())
    }
}

/// A fresh SQLite file in a directory of its own (removed with the directory): a file rather
/// than `Database::Temporary`, so that a restart finds it.
fn temporary_sqlite() -> Result<(tempfile::TempDir, std::path::PathBuf)> {
    let tmp = tempfile::tempdir().context("a directory for the node's database")?;
    let db = tmp.path().join("loadgen.db");
    Ok((tmp, db))
}

/// An `xmtp-node` child process.
struct NodeProcess {
    bin: std::path::PathBuf,
    db: std::path::PathBuf,
    auth: bool,
    http: std::net::SocketAddr,
    grpc: std::net::SocketAddr,
    child: tokio::process::Child,
}

impl NodeProcess {
    /// Starts the binary on `db` (ports chosen by the OS unless `addresses` are given) and waits
    /// for its `listening http=ADDR grpc=ADDR` line.
    async fn spawn(
        bin: std::path::PathBuf,
        db: std::path::PathBuf,
        auth: bool,
        addresses: Option<(std::net::SocketAddr, std::net::SocketAddr)>,
    ) -> Result<Self> {
        use tokio::io::AsyncBufReadExt;
        let (http, grpc) = addresses.map_or_else(
            || ("127.0.0.1:0".to_owned(), "127.0.0.1:0".to_owned()),
            |(h, g)| (h.to_string(), g.to_string()),
        );
        let mut command = tokio::process::Command::new(&bin);
        command
            .arg("--db")
            .arg(&db)
            .args(["--http", &http, "--grpc", &grpc])
            .args(["--no-rate-limits", "--retention-days", "0"])
            .args(["--subscriber-queue", "16384"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        if !auth {
            command.arg("--no-auth");
        }
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let stdout = child.stdout.take().context("the node's stdout")?;
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
            .await
            .context("the node did not say where it listens within 60 s")??
            .context("the node exited before listening")?;
        let address = |key: &str| -> Result<std::net::SocketAddr> {
            line.split_whitespace()
                .find_map(|word| word.strip_prefix(key))
                .with_context(|| format!("no {key} in {line:?}"))?
                .parse()
                .with_context(|| format!("a bad {key} address in {line:?}"))
        };
        let (http, grpc) = (address("http=")?, address("grpc=")?);
        // Keep reading, so that the node never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            bin,
            db,
            auth,
            http,
            grpc,
            child,
        })
    }

    /// SIGTERM, then waits for the process to end (it shuts down gracefully).
    async fn stop(mut self) -> Result<()> {
        if let Some(pid) = self.child.id() {
            let status = tokio::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await
                .context("running kill")?;
            anyhow::ensure!(status.success(), "kill -TERM {pid} failed");
        }
        let status = self.child.wait().await.context("waiting for the node")?;
        anyhow::ensure!(status.success(), "the node ended with {status}");
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
