//! `xmtp`: one binary to run an XMTP node, manage identities, and send, read and stream messages.
//!
//! See the crate README for the commands, the data directory and the exit codes.

#![forbid(unsafe_code)]

mod commands;
mod compose;
mod exit;
mod external;
mod keyfile;
mod node;
mod output;
mod probe;
mod profile;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// jemalloc, as in the xmtp-node binary: `xmtp node` hands back what a burst freed.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The profile used when `--profile` is not given.
pub const DEFAULT_PROFILE: &str = "default";

/// XMTP from the command line: run a node, create an identity, send, read and stream messages.
#[derive(Debug, Parser)]
#[command(name = "xmtp", version, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// gRPC URL of the node.
    #[arg(
        long,
        env = "XMTP_NODE",
        default_value = "http://127.0.0.1:5556",
        global = true
    )]
    pub node: String,
    /// PEM certificate(s) to trust for an `https://` node besides the public CAs: a private CA
    /// or the node's self-signed certificate. Host names are still checked.
    #[arg(long, env = "XMTP_CA_CERT", value_name = "FILE", global = true)]
    pub ca_cert: Option<PathBuf>,
    /// Data directory holding the profiles [default: ~/.xmtp].
    #[arg(long, env = "XMTP_HOME", global = true)]
    pub home: Option<PathBuf>,
    /// Profile (identity) in the data directory.
    #[arg(long, env = "XMTP_PROFILE", default_value = DEFAULT_PROFILE, global = true)]
    pub profile: String,
    /// Wallet private key (hex): use this identity with no local state at all.
    #[arg(long, env = "XMTP_WALLET_KEY", hide_env_values = true, global = true)]
    pub wallet_key: Option<String>,
    /// Ethereum JSON keystore (v3) holding the wallet: use it with no local state (with `init`,
    /// import it into the profile).
    #[arg(long, env = "XMTP_KEYSTORE", value_name = "FILE", global = true)]
    pub keystore: Option<PathBuf>,
    /// File whose first line is the keystore's password (else XMTP_KEYSTORE_PASSWORD, else a
    /// prompt on the terminal).
    #[arg(long, value_name = "FILE", global = true)]
    pub password_file: Option<PathBuf>,
    /// A wallet that signs outside this program (a browser or hardware wallet): each text to
    /// sign is printed and its signature (65 bytes, hex) read back from stdin, one line each.
    /// With `init`, the profile keeps using it.
    #[arg(long, env = "XMTP_EXTERNAL_WALLET", value_name = "ADDR", global = true)]
    pub external_wallet: Option<String>,
    /// Print JSON: one object per line.
    #[arg(long, global = true)]
    pub json: bool,
}

// Parsed once per process: the size of the largest variant costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Run an XMTP node (SQLite under the data directory by default).
    Node(node::NodeArgs),
    /// Create this profile's identity: a new wallet, an imported key, a JSON keystore
    /// (`--keystore FILE`) or an external wallet (`--external-wallet ADDR`).
    Init {
        /// Import this wallet private key (hex) instead of generating one.
        #[arg(long, value_name = "HEX")]
        import: Option<String>,
    },
    /// Print this identity's address.
    Whoami,
    /// Create (or restore) the XMTP identity of the wallet given on the command line
    /// (`--wallet-key`/XMTP_WALLET_KEY, `--keystore` or `--external-wallet`) on the node, and
    /// write nothing locally.
    Register,
    /// Whether each address has an XMTP identity and can be messaged.
    CanMessage {
        /// Ethereum addresses.
        #[arg(required = true, value_name = "ADDR")]
        addresses: Vec<String>,
    },
    /// Send a text message (starting the conversation if needed), or a reply, reaction, read
    /// receipt, attachment, remote attachment or transaction reference.
    Send {
        /// The peer's address.
        #[arg(value_name = "ADDR")]
        address: String,
        /// The text (with `--reply-to`, the reply's text).
        #[arg(required_unless_present_any = ["react", "attach", "remote_attach", "read_receipt", "tx_hash"])]
        text: Option<String>,
        /// Conversation id (context) of the conversation to send in.
        #[arg(long, value_name = "ID")]
        conversation_id: Option<String>,
        /// Send this file as an attachment (the text, if any, is sent first).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["react", "reply_to"])]
        attach: Option<PathBuf>,
        /// Reply to the message with this id.
        #[arg(long, value_name = "ID", conflicts_with = "react")]
        reply_to: Option<String>,
        /// React with this emoji to the message given by `--to`.
        #[arg(long, value_name = "EMOJI", requires = "to", conflicts_with = "text")]
        react: Option<String>,
        /// The message id `--react` reacts to.
        #[arg(long, value_name = "ID", requires = "react")]
        to: Option<String>,
        /// Send a read receipt ("I have read this conversation up to now").
        #[arg(long)]
        read_receipt: bool,
        #[command(flatten)]
        remote: RemoteAttachArgs,
        #[command(flatten)]
        transaction: TransactionArgs,
        /// Publish on the ephemeral topic: only live streams see it, the node does not store it.
        #[arg(long)]
        ephemeral: bool,
        /// Turn on forward secrecy in this conversation first (registers this profile as an
        /// installation if needed; the peer must have one). It stays on for later sends.
        #[arg(long)]
        forward_secret: bool,
    },
    /// List conversations.
    Conversations {
        /// Only conversations whose peer has this consent state (allowed = inbox, unknown =
        /// requests).
        #[arg(long, value_enum)]
        consent: Option<ConsentFilter>,
        /// Most recently active first instead of oldest first.
        #[arg(long)]
        by_activity: bool,
    },
    /// Print the messages of the conversations with a peer, or of one topic.
    Messages {
        /// A peer address, or a conversation topic (`/xmtp/0/m-.../proto`).
        #[arg(value_name = "ADDR|TOPIC")]
        target: String,
        /// At most this many messages.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Order by send time.
        #[arg(long, value_enum, default_value_t = Order::Asc)]
        direction: Order,
        /// Only the conversation with this id (with an address).
        #[arg(long, value_name = "ID")]
        conversation_id: Option<String>,
        /// Only messages sent since then: a duration ago (`90s`, `15m`, `2h`, `7d`), a UTC date
        /// (`2026-01-31`), an RFC 3339 time (`2026-01-31T12:00:00Z`, `2026-01-31T14:00:00+02:00`),
        /// or nanoseconds since the epoch.
        #[arg(long, value_name = "WHEN", value_parser = commands::parse_since)]
        since: Option<u64>,
    },
    /// Print messages as they arrive, from everyone or from one peer (Ctrl-C ends).
    Stream {
        /// Only messages in conversations with this peer.
        #[arg(value_name = "ADDR")]
        address: Option<String>,
        /// Only messages in conversations with this id (context).
        #[arg(long, value_name = "ID")]
        conversation_id: Option<String>,
        /// Stop after this many messages (exit 0).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        count: Option<u64>,
        /// Stop after this many seconds: exit 0, or exit 8 if `--count` messages have not all
        /// arrived by then.
        #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
        timeout: Option<u64>,
    },
    /// Interactive chat: each line typed is sent, incoming messages appear as they arrive
    /// (Ctrl-D or Ctrl-C ends).
    Chat {
        /// The peer's address.
        #[arg(value_name = "ADDR")]
        address: String,
        /// Conversation id (context) of the conversation to chat in.
        #[arg(long, value_name = "ID")]
        conversation_id: Option<String>,
        /// Turn on forward secrecy in this conversation first (see `send --forward-secret`).
        #[arg(long)]
        forward_secret: bool,
    },
    /// Allow or deny peers, or show consent states.
    Consent {
        #[command(subcommand)]
        action: ConsentCommand,
    },
    /// Send one text to every address listed in a file (one per line; `#` comments).
    Broadcast {
        /// The recipients file (`-` reads stdin).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        /// The text.
        text: String,
    },
    /// Throwaway identities: nothing is saved.
    Burner {
        #[command(subcommand)]
        action: BurnerCommand,
    },
    /// Print a topic's envelopes as stored by the node (decoded when the topic is one of this
    /// identity's conversations).
    Inspect {
        /// The content topic, e.g. `/xmtp/0/m-.../proto` or `/xmtp/0/contact-0x.../proto`.
        topic: String,
        /// At most this many envelopes (oldest first).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Create throwaway identities that message each other in a ring, for load and demos.
    Generate {
        /// How many identities.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=10_000))]
        identities: u32,
        /// Messages each identity sends to the next one.
        #[arg(long, default_value_t = 5)]
        messages: u32,
        /// Work in flight at once.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
        concurrency: u32,
    },
    /// Key management.
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
    /// Forward-secrecy installations (an xmtp-rs extension): list, register, rotate, revoke.
    Installations {
        #[command(subcommand)]
        action: InstallationsCommand,
    },
}

#[derive(Debug, Subcommand)]
enum InstallationsCommand {
    /// List the verified installations of a wallet (this one by default).
    List {
        /// The wallet's address.
        #[arg(value_name = "ADDR")]
        address: Option<String>,
    },
    /// Make this profile an installation and publish its keys (once; later calls print it).
    Register,
    /// Replace this installation's fallback key and publish it.
    Rotate,
    /// Revoke an installation of this wallet (this one, or a lost device's): nobody encrypts
    /// to it any more; revoking this one wipes its forward-secrecy state.
    Revoke {
        /// The installation id (hex), as `installations list` prints it.
        #[arg(value_name = "ID")]
        id: String,
    },
}

/// `send --remote-attach`: a file encrypted, stored where `--upload-to` says, and sent as a
/// link plus the keys to read it.
#[derive(Debug, clap::Args)]
pub struct RemoteAttachArgs {
    /// Send this file as a remote attachment: encrypted with a one-off key, the ciphertext stored
    /// by `--upload-to` and the message carrying its https URL and the key.
    #[arg(long, value_name = "FILE", requires = "upload_to", conflicts_with_all = ["attach", "react", "reply_to"])]
    pub remote_attach: Option<PathBuf>,
    /// Where the encrypted payload goes: a directory (or file:// URL) to write `<digest>` into,
    /// which you then publish at `--public-url`; or an http(s) URL that accepts
    /// `PUT <URL>/<digest>`.
    #[arg(long, value_name = "DIR|URL", requires = "remote_attach")]
    pub upload_to: Option<String>,
    /// The https URL the payloads are served from: the message links `<URL>/<digest>`. Needed
    /// with a directory; with an upload URL, defaults to it (which must then be https).
    #[arg(long, value_name = "URL", requires = "remote_attach")]
    pub public_url: Option<String>,
}

/// `send --tx-hash`: a transaction reference.
#[derive(Debug, clap::Args)]
pub struct TransactionArgs {
    /// Send a reference to the on-chain transaction with this hash.
    #[arg(long, value_name = "HASH", requires = "network_id", conflicts_with_all = ["attach", "react", "reply_to", "remote_attach"])]
    pub tx_hash: Option<String>,
    /// The chain id of `--tx-hash` (e.g. 1, or 0x2105).
    #[arg(long, value_name = "ID", requires = "tx_hash")]
    pub network_id: Option<String>,
    /// The namespace of the chain id (e.g. eip155).
    #[arg(long, value_name = "NS", requires = "tx_hash")]
    pub namespace: Option<String>,
    /// What the transaction did, as the JSON object of XRC-21's metadata:
    /// `{"transactionType","currency","amount","decimals","fromAddress","toAddress"}`.
    #[arg(long, value_name = "JSON", requires = "tx_hash")]
    pub tx_metadata: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Order {
    /// Oldest first.
    Asc,
    /// Newest first.
    Desc,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ConsentFilter {
    /// Allowed peers (the inbox).
    Allowed,
    /// Denied peers.
    Denied,
    /// Peers with no decision yet (requests).
    Unknown,
}

#[derive(Debug, Subcommand)]
enum ConsentCommand {
    /// Allow these peers.
    Allow {
        /// Ethereum addresses.
        #[arg(required = true, value_name = "ADDR")]
        addresses: Vec<String>,
    },
    /// Deny (block) these peers.
    Deny {
        /// Ethereum addresses.
        #[arg(required = true, value_name = "ADDR")]
        addresses: Vec<String>,
    },
    /// The consent state of these peers (default: every conversation's peer).
    List {
        /// Ethereum addresses.
        #[arg(value_name = "ADDR")]
        addresses: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum BurnerCommand {
    /// Send a text from a new random wallet (as a feedback widget does), then forget it.
    Send {
        /// The peer's address.
        #[arg(value_name = "ADDR")]
        address: String,
        /// The text.
        text: String,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Print the identity's public keys: the identity key and every pre-key (newest first).
    Show,
    /// Print the identity's private key bundle (hex; JS `Client.getKeys()` format). Keep it secret.
    Export,
    /// Use keys from `keys export` (or JS `Client.getKeys()`) in this profile, without a wallet.
    Import {
        /// The key bundle in hex.
        #[arg(value_name = "HEX")]
        keys: String,
    },
    /// Add a new pre-key: stores the keys again on the network (one wallet signature) and
    /// publishes the new contact bundle; older messages still open here. Asks first, saying what
    /// xmtp-js apps of this wallet then see; refuses off a terminal without --yes.
    RotatePrekey {
        /// Rotate without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Write the wallet as an Ethereum JSON keystore (v3, scrypt) under a password.
    ExportWallet {
        /// The keystore file to create.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    // `--json` asks for errors as JSON too, including those of the command line itself.
    let json = std::env::args_os().skip(1).any(|a| a == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if json && e.use_stderr() => {
            // clap's text is `error: WHAT`, a blank line, the usage and a hint: keep WHAT.
            let text = e.to_string();
            let what = text.lines().next().unwrap_or_default();
            let what = what.strip_prefix("error: ").unwrap_or(what);
            return fail(true, exit::code::USAGE, what);
        }
        Err(e) => e.exit(),
    };
    let is_node = matches!(cli.command, Command::Node(_));
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new(if is_node { "info" } else { "warn" })
            }),
        )
        .with_writer(std::io::stderr)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            let message = format!("cannot start the async runtime: {e}");
            return fail(cli.global.json, exit::code::FAILURE, &message);
        }
    };
    let node_url = cli.global.node.clone();
    let json = cli.global.json;
    let result = runtime.block_on(async {
        match commands::run(cli.global, cli.command).await {
            Ok(()) => Ok(()),
            Err(error) => Err(exit::explain(error, &node_url).await),
        }
    });
    // A pending stdin read (`chat`) must not keep the process alive after the command ends.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let (code, message) = exit::classify(&error, &node_url);
            fail(json, code, &message)
        }
    }
}

/// Reports a failure on stderr (one JSON object with `--json`, else `error: MESSAGE`) and
/// returns its exit code.
fn fail(json: bool, code: u8, message: &str) -> ExitCode {
    if json {
        eprintln!("{}", exit::error_json(code, message));
    } else {
        eprintln!("error: {message}");
    }
    ExitCode::from(code)
}
