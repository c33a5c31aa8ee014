//! Drives the real `xmtp` binary against a real node started in process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::process::Command;
use xmtp_crypto::LocalWallet;
use xmtp_node::{Node, NodeConfig, RunningNode};

/// Variables of the caller's environment that would change what `xmtp` does.
const XMTP_VARIABLES: [&str; 7] = [
    "XMTP_WALLET_KEY",
    "XMTP_CA_CERT",
    "XMTP_PROFILE",
    "XMTP_KEYSTORE",
    "XMTP_KEYSTORE_PASSWORD",
    "XMTP_EXTERNAL_WALLET",
    "RUST_LOG",
];

/// A node on ephemeral loopback ports, without rate limits (tests publish in bursts).
async fn node() -> RunningNode {
    let mut config = NodeConfig::ephemeral();
    config.rate_limits.enabled = false;
    Node::start(config).await.unwrap()
}

/// `xmtp` with a data directory and a node, and nothing from the caller's environment.
fn xmtp(home: &Path, node_url: &str) -> Command {
    let mut command = Command::from(std_xmtp(home, node_url));
    command.stdin(Stdio::null()).kill_on_drop(true);
    command
}

/// [`xmtp`] as a `std` command (for a pseudo-terminal).
fn std_xmtp(home: &Path, node_url: &str) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_xmtp"));
    command.env("XMTP_HOME", home).env("XMTP_NODE", node_url);
    for variable in XMTP_VARIABLES {
        command.env_remove(variable);
    }
    command
}

/// Spawns `command` with its stdin, stdout and stderr piped to the test.
fn piped(mut command: Command) -> tokio::process::Child {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

async fn run(home: &Path, node_url: &str, args: &[&str]) -> Output {
    run_env(home, node_url, args, &[]).await
}

/// Runs `xmtp ARGS` with these environment variables.
async fn run_env(home: &Path, node_url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = xmtp(home, node_url);
    command.args(args).envs(env.iter().copied());
    tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("xmtp timed out")
        .unwrap()
}

/// The JSON lines of a successful run.
fn json_lines(args: &[&str], out: Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "xmtp {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect()
}

/// Runs `xmtp ARGS --json`, checks it succeeded and parses each stdout line.
async fn json(home: &Path, node_url: &str, args: &[&str]) -> Vec<Value> {
    let mut args = args.to_vec();
    args.push("--json");
    let out = run(home, node_url, &args).await;
    json_lines(&args, out)
}

async fn one(home: &Path, node_url: &str, args: &[&str]) -> Value {
    let mut lines = json(home, node_url, args).await;
    assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
    lines.remove(0)
}

fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {v}"))
        .to_owned()
}

/// A node, a fresh XMTP_HOME and one initialised profile per name: (node, home, gRPC URL,
/// addresses).
async fn with_profiles<const N: usize>(
    names: [&str; N],
) -> (RunningNode, tempfile::TempDir, String, [String; N]) {
    let node = node().await;
    let url = node.grpc_url();
    let home = tempfile::tempdir().unwrap();
    let mut addresses = Vec::new();
    for name in names {
        let created = one(home.path(), &url, &["--profile", name, "init"]).await;
        addresses.push(text(&created, "address"));
    }
    let addresses = addresses.try_into().unwrap();
    (node, home, url, addresses)
}

/// The failure of `xmtp ARGS`: its exit code and stderr.
async fn failure(home: &Path, node_url: &str, args: &[&str]) -> (i32, String) {
    let out = run(home, node_url, args).await;
    assert!(!out.status.success(), "xmtp {args:?} should fail");
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs `xmtp ARGS`, which must fail with exit code `expected`; its stderr.
async fn fails_with(expected: i32, home: &Path, node_url: &str, args: &[&str]) -> String {
    let (code, err) = failure(home, node_url, args).await;
    assert_eq!(code, expected, "xmtp {args:?}: {err}");
    err
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_profiles_message_each_other_through_a_node() {
    let node = node().await;
    let url = node.grpc_url();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();

    let alice = text(
        &one(h, &url, &["--profile", "alice", "init"]).await,
        "address",
    );
    let bob_init = one(h, &url, &["--profile", "bob", "init"]).await;
    let bob = text(&bob_init, "address");
    assert_ne!(alice, bob);
    let key_file = PathBuf::from(text(&bob_init, "key_file"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let who = one(h, &url, &["--profile", "alice", "whoami"]).await;
    assert_eq!(text(&who, "address"), alice);
    assert_eq!(text(&who, "profile"), "alice");

    // can-message: bob has an identity, a random address does not.
    let nobody = format!("0x{}", "12".repeat(20));
    let answers = json(
        h,
        &url,
        &["--profile", "alice", "can-message", &bob, &nobody],
    )
    .await;
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["can_message"], true);
    assert_eq!(answers[1]["can_message"], false);

    // alice writes twice in the default conversation and once in one with an id.
    let first = one(h, &url, &["--profile", "alice", "send", &bob, "hello bob"]).await;
    let second = one(h, &url, &["--profile", "alice", "send", &bob, "second"]).await;
    assert_eq!(first["topic"], second["topic"]);
    let third = one(
        h,
        &url,
        &[
            "--profile",
            "alice",
            "send",
            &bob,
            "about demo",
            "--conversation-id",
            "demo/1",
        ],
    )
    .await;
    assert_ne!(third["topic"], first["topic"]);
    assert_eq!(third["conversation_id"], "demo/1");

    // bob reads them all, oldest first, with the right sender and ids.
    let read = json(h, &url, &["--profile", "bob", "messages", &alice]).await;
    let texts: Vec<&str> = read.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["hello bob", "second", "about demo"]);
    assert!(read.iter().all(|m| m["sender"] == alice.as_str()));
    assert_eq!(read[0]["id"], first["id"]);
    assert_eq!(read[0]["content_type"], "xmtp.org/text:1.0");

    // --limit, --direction, --conversation-id, and a topic instead of an address.
    let newest = json(
        h,
        &url,
        &[
            "--profile",
            "bob",
            "messages",
            &alice,
            "--limit",
            "1",
            "--direction",
            "desc",
        ],
    )
    .await;
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0]["text"], "about demo");
    let in_demo = json(
        h,
        &url,
        &[
            "--profile",
            "bob",
            "messages",
            &alice,
            "--conversation-id",
            "demo/1",
        ],
    )
    .await;
    assert_eq!(in_demo.len(), 1);
    let topic = text(&first, "topic");
    let by_topic = json(h, &url, &["--profile", "bob", "messages", &topic]).await;
    assert_eq!(by_topic.len(), 2);

    // Both sides list the two conversations.
    for (profile, peer) in [("alice", &bob), ("bob", &alice)] {
        let list = json(h, &url, &["--profile", profile, "conversations"]).await;
        assert_eq!(list.len(), 2, "{profile}: {list:?}");
        assert!(list.iter().all(|c| c["peer"] == peer.as_str()));
        assert!(list.iter().any(|c| c["conversation_id"] == "demo/1"));
    }
    let human = run(h, &url, &["--profile", "bob", "messages", &alice]).await;
    assert!(
        String::from_utf8(human.stdout)
            .unwrap()
            .contains("hello bob")
    );

    // Consent: starting a conversation allowed bob at alice; bob has not decided about alice.
    let states = json(h, &url, &["--profile", "alice", "consent", "list"]).await;
    assert_eq!(states.len(), 1);
    assert_eq!(states[0]["address"], bob.as_str());
    assert_eq!(states[0]["consent"], "allowed");
    let states = json(h, &url, &["--profile", "bob", "consent", "list", &alice]).await;
    assert_eq!(states[0]["consent"], "unknown");
    let denied = json(h, &url, &["--profile", "bob", "consent", "deny", &alice]).await;
    assert_eq!(denied[0]["consent"], "denied");
    let states = json(h, &url, &["--profile", "bob", "consent", "list"]).await;
    assert_eq!(states[0]["consent"], "denied");
    let allowed = json(h, &url, &["--profile", "bob", "consent", "allow", &alice]).await;
    assert_eq!(allowed[0]["consent"], "allowed");

    // keys export: the bundle in hex.
    let keys = one(h, &url, &["--profile", "bob", "keys", "export"]).await;
    assert_eq!(text(&keys, "address"), bob);
    assert!(hex::decode(text(&keys, "keys")).unwrap().len() > 64);

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_key_alone_is_enough() {
    let node = node().await;
    let url = node.grpc_url();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let bob = text(
        &one(h, &url, &["--profile", "bob", "init"]).await,
        "address",
    );
    let key = format!("0x{}", "ab".repeat(32));

    // A bot: no data directory at all, only XMTP_WALLET_KEY.
    let empty = tempfile::tempdir().unwrap();
    let bot = || {
        let mut command = xmtp(empty.path(), &url);
        command.env("XMTP_WALLET_KEY", &key);
        command
    };
    let out = bot()
        .args(["send", &bob, "from a bot", "--json"])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bot().args(["whoami", "--json"]).output().await.unwrap();
    let who: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bot_address = text(&who, "address");
    assert_eq!(who["profile"], Value::Null);

    // The conversation and its message are restored from the network on the next run.
    let out = bot()
        .args(["messages", &bob, "--json"])
        .output()
        .await
        .unwrap();
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["text"], "from a bot");
    assert_eq!(line["sender"], bot_address.as_str());
    assert!(
        std::fs::read_dir(empty.path()).unwrap().next().is_none(),
        "nothing is written without a profile"
    );

    // bob reads it, and the same key imported into a profile is the same identity.
    let read = json(h, &url, &["--profile", "bob", "messages", &bot_address]).await;
    assert_eq!(read.len(), 1);
    let imported = one(h, &url, &["--profile", "bot", "init", "--import", &key]).await;
    assert_eq!(text(&imported, "address"), bot_address);
    assert_eq!(imported["imported"], true);
    let list = json(h, &url, &["--profile", "bot", "conversations"]).await;
    assert_eq!(list.len(), 1);

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_prints_messages_as_they_arrive() {
    let (node, home, url, [alice, bob]) = with_profiles(["alice", "bob"]).await;
    let h = home.path();

    let mut child = xmtp(h, &url)
        .args(["--profile", "bob", "stream", &alice, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    // Under --json the stream says on stdout when the node has registered it.
    let ready: Value = serde_json::from_str(&next_line(&mut stdout).await).unwrap();
    assert_eq!(ready["event"], "subscribed", "{ready}");
    assert_eq!(ready["peer"], alice.as_str());

    for body in ["one", "two"] {
        one(h, &url, &["--profile", "alice", "send", &bob, body]).await;
        let line = tokio::time::timeout(Duration::from_secs(20), stdout.next_line())
            .await
            .expect("no message streamed")
            .unwrap()
            .unwrap();
        let message: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(message["text"], body);
        assert_eq!(message["sender"], alice.as_str());
    }

    // Ctrl-C ends it cleanly.
    let pid = child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    exits_cleanly(&mut child, "stream did not stop on SIGINT").await;

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newcomer_errors_are_clear_and_have_exit_codes() {
    let node = node().await;
    let url = node.grpc_url();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();

    // No identity yet: exit 3, pointing at `xmtp init`.
    let (code, err) = failure(h, &url, &["conversations"]).await;
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("xmtp init"), "{err}");
    let (code, err) = failure(h, &url, &["--profile", "carol", "whoami"]).await;
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("xmtp --profile carol init"), "{err}");

    one(h, &url, &["init"]).await;

    // Malformed addresses: exit 2, saying what an address looks like.
    for bad in ["0x1234", "hello", &format!("0x{}", "zz".repeat(20))] {
        let (code, err) = failure(h, &url, &["send", bad, "hi"]).await;
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("malformed address"), "{err}");
        assert!(err.contains("40 hex digits"), "{err}");
    }
    let (code, err) = failure(h, &url, &["can-message", "0x12"]).await;
    assert_eq!(code, 2, "{err}");

    // A peer without an identity cannot be messaged: exit 5.
    let nobody = format!("0x{}", "34".repeat(20));
    let (code, err) = failure(h, &url, &["send", &nobody, "hi"]).await;
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("no XMTP identity"), "{err}");

    // A bad wallet key: exit 2; init over an identity: refused.
    let (code, err) = failure(h, &url, &["--wallet-key", "0xnope", "whoami"]).await;
    assert_eq!(code, 2, "{err}");
    let (code, err) = failure(h, &url, &["init"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("already has an identity"), "{err}");

    // No node at the URL: exit 4, saying how to start one.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for args in [&["conversations"][..], &["--profile", "other", "init"][..]] {
        let (code, err) = failure(h, &closed, args).await;
        assert_eq!(code, 4, "{args:?}: {err}");
        assert!(err.contains("xmtp node"), "{err}");
        assert!(err.contains(&closed), "{err}");
    }
    let fresh = tempfile::tempdir().unwrap();
    fails_with(4, fresh.path(), &closed, &["--profile", "x", "init"]).await;
    assert!(
        !fresh.path().join("profiles/x/wallet.key").exists(),
        "no key is saved when the identity could not be created"
    );

    node.shutdown().await.unwrap();
}

/// Starts `xmtp node` on ephemeral ports without rate limits, plus `extra` flags; returns it
/// (stderr piped) once it printed its listening line, and its gRPC address.
async fn xmtp_node(home: &Path, extra: &[&str]) -> (tokio::process::Child, String) {
    let mut child = xmtp(home, "unused")
        .args(["node", "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0"])
        .arg("--no-rate-limits")
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = next_line(&mut stdout).await;
    let grpc = listening
        .split_whitespace()
        .find_map(|w| w.strip_prefix("grpc="))
        .unwrap_or_else(|| panic!("{listening}"))
        .to_owned();
    (child, grpc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xmtp_node_serves_clients_from_the_data_directory() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (mut child, grpc) = xmtp_node(h, &[]).await;
    assert!(
        h.join("node.db").exists(),
        "default database under XMTP_HOME"
    );

    let url = format!("http://{grpc}");
    let alice = text(
        &one(h, &url, &["--profile", "alice", "init"]).await,
        "address",
    );
    one(h, &url, &["--profile", "bob", "init"]).await;
    let answer = one(h, &url, &["--profile", "bob", "can-message", &alice]).await;
    assert_eq!(answer["can_message"], Value::Bool(true));
    let bob = text(
        &one(
            h,
            &url,
            &["--profile", "bob", "send", &alice, "via xmtp node"],
        )
        .await,
        "peer",
    );
    assert_eq!(bob, alice);
    let read = json(h, &url, &["--profile", "alice", "conversations"]).await;
    assert_eq!(read.len(), 1);

    let pid = child.id().unwrap().to_string();
    signal(&pid, "TERM").await;
    exits_cleanly(&mut child, "the node did not stop").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_reactions_attachments_and_filters() {
    let (node, home, url, [alice, bob]) = with_profiles(["alice", "bob"]).await;
    let h = home.path();
    let carol = text(
        &one(h, &url, &["--profile", "carol", "init"]).await,
        "address",
    );

    let hello = one(h, &url, &["--profile", "alice", "send", &bob, "hello"]).await;
    let hello_id = text(&hello, "id");
    let reply = one(
        h,
        &url,
        &[
            "--profile",
            "bob",
            "send",
            &alice,
            "hi back",
            "--reply-to",
            &hello_id,
        ],
    )
    .await;
    assert_eq!(reply["content_type"], "xmtp.org/reply:1.0");
    one(
        h,
        &url,
        &[
            "--profile",
            "bob",
            "send",
            &alice,
            "--react",
            "👍",
            "--to",
            &hello_id,
        ],
    )
    .await;
    let file = h.join("note.txt");
    std::fs::write(&file, b"attached bytes").unwrap();
    let sent = json(
        h,
        &url,
        &[
            "--profile",
            "bob",
            "send",
            &alice,
            "see file",
            "--attach",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(sent.len(), 2, "text then attachment");
    assert_eq!(sent[1]["content_type"], "xmtp.org/attachment:1.0");
    one(
        h,
        &url,
        &[
            "--profile",
            "bob",
            "send",
            &alice,
            "typing...",
            "--ephemeral",
        ],
    )
    .await;

    let read = json(h, &url, &["--profile", "alice", "messages", &bob]).await;
    let types: Vec<&str> = read
        .iter()
        .map(|m| m["content_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "xmtp.org/text:1.0",
            "xmtp.org/reply:1.0",
            "xmtp.org/reaction:1.0",
            "xmtp.org/text:1.0",
            "xmtp.org/attachment:1.0"
        ],
        "the ephemeral message is not stored"
    );
    assert!(text(&read[1], "content").contains(&hello_id));
    assert!(text(&read[1], "content").contains("hi back"));
    assert!(text(&read[2], "content").contains("👍"));
    assert!(text(&read[4], "content").contains("note.txt"));

    // --since: a time after the first message leaves the rest.
    let after_first = text(&read[1], "sent_ns");
    let since = json(
        h,
        &url,
        &[
            "--profile",
            "alice",
            "messages",
            &bob,
            "--since",
            &after_first,
        ],
    )
    .await;
    assert_eq!(since.len(), 4);
    let recent = json(
        h,
        &url,
        &["--profile", "alice", "messages", &bob, "--since", "1h"],
    )
    .await;
    assert_eq!(recent.len(), 5);
    let (code, err) = failure(h, &url, &["messages", &bob, "--since", "soon"]).await;
    assert_eq!(code, 2, "{err}");

    // A request from carol: unknown consent at bob until he decides.
    one(
        h,
        &url,
        &["--profile", "carol", "send", &bob, "hi, I'm carol"],
    )
    .await;
    let peers =
        |list: Vec<Value>| -> Vec<String> { list.iter().map(|c| text(c, "peer")).collect() };
    let requests = json(
        h,
        &url,
        &["--profile", "bob", "conversations", "--consent", "unknown"],
    )
    .await;
    assert_eq!(peers(requests), [carol.as_str()]);
    let inbox = json(
        h,
        &url,
        &["--profile", "bob", "conversations", "--consent", "allowed"],
    )
    .await;
    assert_eq!(peers(inbox), [alice.as_str()], "replying allowed alice");
    json(h, &url, &["--profile", "bob", "consent", "deny", &carol]).await;
    let denied = json(
        h,
        &url,
        &["--profile", "bob", "conversations", "--consent", "denied"],
    )
    .await;
    assert_eq!(peers(denied), [carol.as_str()]);

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_and_burner() {
    let node = node().await;
    let url = node.grpc_url();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    one(h, &url, &["--profile", "alice", "init"]).await;
    let bob = text(
        &one(h, &url, &["--profile", "bob", "init"]).await,
        "address",
    );
    let carol = text(
        &one(h, &url, &["--profile", "carol", "init"]).await,
        "address",
    );
    let nobody = format!("0x{}", "56".repeat(20));

    let list = h.join("recipients.txt");
    std::fs::write(
        &list,
        format!("# launch list\n{bob}\n\n{carol}  # friend\n"),
    )
    .unwrap();
    let sent = json(
        h,
        &url,
        &[
            "--profile",
            "alice",
            "broadcast",
            "--to",
            list.to_str().unwrap(),
            "launch!",
        ],
    )
    .await;
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|r| r["id"].is_string()));
    for profile in ["bob", "carol"] {
        let list = json(h, &url, &["--profile", profile, "conversations"]).await;
        assert_eq!(list.len(), 1, "{profile}");
    }

    // One unreachable recipient: the others still get it, and the exit code says it failed.
    std::fs::write(&list, format!("{bob}\n{nobody}\n")).unwrap();
    let out = run(
        h,
        &url,
        &[
            "--profile",
            "alice",
            "broadcast",
            "--to",
            list.to_str().unwrap(),
            "again",
            "--json",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines[0]["id"].is_string());
    assert!(lines[1]["error"].is_string());
    std::fs::write(&list, "0x1234\n").unwrap();
    let (code, err) = failure(
        h,
        &url,
        &[
            "--profile",
            "alice",
            "broadcast",
            "--to",
            list.to_str().unwrap(),
            "x",
        ],
    )
    .await;
    assert_eq!(code, 2);
    assert!(err.contains("recipients.txt:1"), "{err}");

    // A burner: a new identity each time, nothing saved.
    let empty = tempfile::tempdir().unwrap();
    let first = one(
        empty.path(),
        &url,
        &["burner", "send", &bob, "anonymous feedback"],
    )
    .await;
    let second = one(
        empty.path(),
        &url,
        &["burner", "send", &bob, "more feedback"],
    )
    .await;
    assert_ne!(first["from"], second["from"]);
    assert!(std::fs::read_dir(empty.path()).unwrap().next().is_none());
    let from = text(&first, "from");
    let read = one(h, &url, &["--profile", "bob", "messages", &from]).await;
    assert_eq!(read["text"], "anonymous feedback");

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspect_shows_a_topics_envelopes() {
    let (node, home, url, [alice, bob]) = with_profiles(["alice", "bob"]).await;
    let h = home.path();
    let sent = one(
        h,
        &url,
        &["--profile", "alice", "send", &bob, "look inside"],
    )
    .await;
    let topic = text(&sent, "topic");

    // A participant sees the envelope and what it says.
    let envelopes = json(h, &url, &["--profile", "bob", "inspect", &topic]).await;
    assert_eq!(envelopes.len(), 1);
    assert_eq!(envelopes[0]["topic"], topic.as_str());
    assert_eq!(envelopes[0]["decoded"]["text"], "look inside");
    assert_eq!(envelopes[0]["decoded"]["sender"], alice.as_str());
    assert_eq!(envelopes[0]["decoded"]["id"], sent["id"]);

    // Anyone else (no identity at all) sees only ciphertext.
    let stranger = tempfile::tempdir().unwrap();
    let raw = json(stranger.path(), &url, &["inspect", &topic]).await;
    assert_eq!(raw.len(), 1);
    assert_eq!(raw[0]["message_hex"], envelopes[0]["message_hex"]);
    assert!(raw[0].get("decoded").is_none());
    let contact = format!("/xmtp/0/contact-{alice}/proto");
    let bundles = json(stranger.path(), &url, &["inspect", &contact]).await;
    assert!(!bundles.is_empty(), "alice's contact bundle is public");

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_fills_a_node() {
    let node = node().await;
    let url = node.grpc_url();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let report = one(
        h,
        &url,
        &["generate", "--identities", "3", "--messages", "2"],
    )
    .await;
    assert_eq!(report["conversations"], 3);
    assert_eq!(report["messages"], 6);
    let addresses = report["identities"].as_array().unwrap();
    assert_eq!(addresses.len(), 3);

    // Each generated identity is on the network.
    one(h, &url, &["--profile", "me", "init"]).await;
    let args: Vec<&str> = ["--profile", "me", "can-message"]
        .into_iter()
        .chain(addresses.iter().map(|a| a.as_str().unwrap()))
        .collect();
    let answers = json(h, &url, &args).await;
    assert!(answers.iter().all(|a| a["can_message"] == true));
    fails_with(2, h, &url, &["generate", "--identities", "1"]).await;

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_keys_import_into_another_profile() {
    let (node, home, url, [alice, bob]) = with_profiles(["alice", "bob"]).await;
    let h = home.path();
    one(
        h,
        &url,
        &["--profile", "alice", "send", &bob, "before export"],
    )
    .await;
    let keys = text(
        &one(h, &url, &["--profile", "alice", "keys", "export"]).await,
        "keys",
    );

    // Another machine: only the keys, no wallet.
    let other = tempfile::tempdir().unwrap();
    let o = other.path();
    let imported = one(o, &url, &["keys", "import", &keys]).await;
    assert_eq!(text(&imported, "address"), alice);
    assert_eq!(text(&one(o, &url, &["whoami"]).await, "address"), alice);
    let read = json(o, &url, &["messages", &bob]).await;
    assert_eq!(read.len(), 1);
    assert_eq!(read[0]["text"], "before export");
    one(o, &url, &["send", &bob, "from the imported keys"]).await;
    let at_bob = json(h, &url, &["--profile", "bob", "messages", &alice]).await;
    assert_eq!(at_bob.len(), 2);
    assert_eq!(at_bob[1]["sender"], alice.as_str());

    let (code, err) = failure(o, &url, &["keys", "import", &keys]).await;
    assert_eq!(code, 1, "{err}");
    let (code, err) = failure(o, &url, &["--profile", "x", "keys", "import", "0xdeadbeef"]).await;
    assert_eq!(code, 2, "{err}");

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_sends_lines_and_shows_incoming_messages() {
    use tokio::io::AsyncWriteExt as _;
    let (node, home, url, [alice, bob]) = with_profiles(["alice", "bob"]).await;
    let h = home.path();

    let mut command = xmtp(h, &url);
    command.args(["--profile", "bob", "chat", &alice, "--json"]);
    let mut child = piped(command);
    let mut stdin = child.stdin.take().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(30), stderr.next_line())
        .await
        .expect("chat never started")
        .unwrap()
        .unwrap();
    assert!(ready.contains("chatting"), "{ready}");
    let mut next = async || -> Value {
        let line = tokio::time::timeout(Duration::from_secs(20), stdout.next_line())
            .await
            .expect("chat printed nothing")
            .unwrap()
            .unwrap();
        serde_json::from_str(&line).unwrap()
    };

    one(
        h,
        &url,
        &["--profile", "alice", "send", &bob, "are you there?"],
    )
    .await;
    let shown = next().await;
    assert_eq!(shown["text"], "are you there?");
    assert_eq!(shown["sender"], alice.as_str());

    stdin.write_all(b"yes, typing here\n").await.unwrap();
    let sent = next().await;
    assert!(sent["sent"].is_string(), "{sent}");
    let echoed = next().await;
    assert_eq!(echoed["text"], "yes, typing here");
    let at_alice = json(h, &url, &["--profile", "alice", "messages", &bob]).await;
    assert_eq!(at_alice.last().unwrap()["text"], "yes, typing here");

    // /quit ends the chat (Ctrl-D, end of input, is tested on a terminal).
    stdin.write_all(b"/quit\n").await.unwrap();
    exits_cleanly(&mut child, "chat did not end at /quit").await;

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_survives_a_node_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = NodeConfig::ephemeral();
    config.rate_limits.enabled = false;
    config.database = xmtp_node::Database::Sqlite(dir.path().join("node.db"));
    let node = Node::start(config.clone()).await.unwrap();
    let url = node.grpc_url();
    let h = dir.path();
    let alice = text(
        &one(h, &url, &["--profile", "alice", "init"]).await,
        "address",
    );
    let bob = text(
        &one(h, &url, &["--profile", "bob", "init"]).await,
        "address",
    );
    // Sent before the streams start: never printed by them, not even after the restart (they
    // used to replay up to five minutes of history after reconnecting).
    one(h, &url, &["--profile", "alice", "send", &bob, "earlier"]).await;

    // One stream for a program (JSON) and one for a person (notices on stderr).
    let mut child = xmtp(h, &url)
        .args(["--profile", "bob", "stream", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut human = xmtp(h, &url)
        .args(["--profile", "bob", "stream"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut human_out = BufReader::new(human.stdout.take().unwrap()).lines();
    let mut human_err = BufReader::new(human.stderr.take().unwrap()).lines();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    // A stream that exits before subscribing says why on stderr (1 run in ~50 under load did).
    let first = tokio::time::timeout(Duration::from_secs(30), stdout.next_line())
        .await
        .expect("nothing printed")
        .unwrap();
    let Some(first) = first else {
        let mut why = Vec::new();
        while let Ok(Some(line)) = stderr.next_line().await {
            why.push(line);
        }
        panic!(
            "xmtp stream --json ended before subscribing ({:?}): {why:?}",
            child.wait().await
        );
    };
    let ready: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(ready["event"], "subscribed", "{ready}");
    assert!(next_line(&mut human_err).await.contains("streaming"));
    tokio::spawn(async move { while let Ok(Some(_)) = stderr.next_line().await {} });
    let mut next = async || -> Value {
        let line = tokio::time::timeout(Duration::from_secs(30), stdout.next_line())
            .await
            .expect("nothing streamed")
            .unwrap()
            .unwrap();
        serde_json::from_str(&line).unwrap()
    };
    one(h, &url, &["--profile", "alice", "send", &bob, "before"]).await;
    assert_eq!(next().await["text"], "before");
    assert!(next_line(&mut human_out).await.contains("before"));

    let grpc = node.grpc_addr();
    node.shutdown().await.unwrap();
    config.grpc_addr = grpc;
    let node = Node::start(config).await.unwrap();
    one(h, &url, &["--profile", "alice", "send", &bob, "after"]).await;

    // JSON: a disconnected event, then reconnected, then the message (and no earlier one).
    let (mut events, mut after) = (Vec::new(), None);
    while after.is_none() || events.last().is_none_or(|e: &String| e != "reconnected") {
        let value = next().await;
        match value.get("event") {
            Some(event) => events.push(event.as_str().unwrap().to_owned()),
            None => after = Some(value),
        }
    }
    let after = after.unwrap();
    assert_eq!(after["text"], "after");
    assert_eq!(after["sender"], alice.as_str());
    assert_eq!(
        events.first().map(String::as_str),
        Some("disconnected"),
        "{events:?}"
    );
    assert_eq!(
        events.last().map(String::as_str),
        Some("reconnected"),
        "{events:?}"
    );
    // A person sees the same on stderr, and the message on stdout.
    let mut notices: Vec<String> = Vec::new();
    while notices.last().is_none_or(|n| n != "reconnected") {
        notices.push(next_line(&mut human_err).await);
    }
    assert_eq!(notices[0], "connection lost, reconnecting...");
    assert!(next_line(&mut human_out).await.contains("after"));

    human.kill().await.unwrap();
    child.kill().await.unwrap();
    node.shutdown().await.unwrap();
}

/// The next line of a child's output (30 s at most).
/// Waits (at most 10 s) for `child` to end and checks it ended successfully.
/// Sends the signal `name` (`TERM`, `HUP`) to the process `pid`.
async fn signal(pid: &str, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), pid])
        .status()
        .await
        .unwrap();
    assert!(status.success(), "kill -{name} {pid}: {status:?}");
}

async fn exits_cleanly(child: &mut tokio::process::Child, what: &str) {
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap_or_else(|_| panic!("{what}"))
        .unwrap();
    assert!(status.success(), "{what}: {status:?}");
}

async fn next_line<R: tokio::io::AsyncBufRead + Unpin>(lines: &mut tokio::io::Lines<R>) -> String {
    tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("nothing printed")
        .unwrap()
        .unwrap()
}

/// The Web3 Secret Storage definition's vectors (tests/vectors/README.md): password
/// "testpassword", this address.
const VECTOR_ADDRESS: &str = "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b";

fn vector(name: &str) -> String {
    format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_keystore_wallets_open_with_their_password() {
    let (node, home, url, []) = with_profiles([]).await;
    let h = home.path();
    let password_file = h.join("password");
    std::fs::write(&password_file, "testpassword\n").unwrap();
    let pw = password_file.to_str().unwrap();
    let scrypt = vector("web3-secret-storage-scrypt.json");
    let pbkdf2 = vector("web3-secret-storage-pbkdf2.json");

    // init --keystore: the scrypt vector, its password from a file.
    let created = one(
        h,
        &url,
        &["init", "--keystore", &scrypt, "--password-file", pw],
    )
    .await;
    assert_eq!(text(&created, "address"), VECTOR_ADDRESS);
    assert_eq!(created["wallet"], "keystore");
    let kept = PathBuf::from(text(&created, "key_file"));
    assert!(kept.ends_with("wallet.json"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // whoami needs no password; anything that signs in does.
    assert_eq!(
        text(&one(h, &url, &["whoami"]).await, "address"),
        VECTOR_ADDRESS
    );
    let (code, err) = failure(h, &url, &["conversations"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("XMTP_KEYSTORE_PASSWORD"), "{err}");
    let out = run_env(
        h,
        &url,
        &["conversations", "--json"],
        &[("XMTP_KEYSTORE_PASSWORD", "testpassword")],
    )
    .await;
    assert!(json_lines(&[], out).is_empty());
    let out = run_env(
        h,
        &url,
        &["conversations"],
        &[("XMTP_KEYSTORE_PASSWORD", "not it")],
    )
    .await;
    assert_eq!(out.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong keystore password"));

    // Stateless: the pbkdf2 vector with --keystore on every command, nothing written.
    let empty = tempfile::tempdir().unwrap();
    let e = empty.path();
    let stateless = ["--keystore", &pbkdf2, "--password-file", pw];
    let who = one(e, &url, &[&stateless[..], &["whoami"]].concat()).await;
    assert_eq!(text(&who, "address"), VECTOR_ADDRESS);
    assert_eq!(who["profile"], Value::Null);
    let bob = text(
        &one(h, &url, &["--profile", "bob", "init"]).await,
        "address",
    );
    one(
        e,
        &url,
        &[&stateless[..], &["send", &bob, "from a keystore"]].concat(),
    )
    .await;
    assert!(std::fs::read_dir(e).unwrap().next().is_none());
    let read = one(h, &url, &["--profile", "bob", "messages", VECTOR_ADDRESS]).await;
    assert_eq!(read["text"], "from a keystore");

    // A wrong password: exit 6; a malformed file: exit 2.
    let (code, err) = failure(
        e,
        &url,
        &["--keystore", &pbkdf2, "--password-file", &scrypt, "whoami"],
    )
    .await;
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("wrong keystore password"), "{err}");
    let (code, err) = failure(
        e,
        &url,
        &[
            "--profile",
            "x",
            "init",
            "--keystore",
            pw,
            "--password-file",
            pw,
        ],
    )
    .await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not an Ethereum v3 JSON keystore"), "{err}");

    // keys export-wallet writes a keystore that init --keystore reads back.
    let written = h.join("bob.json");
    let out = written.to_str().unwrap();
    let password = ["--password-file", pw];
    let export = ["--profile", "bob", "keys", "export-wallet", "--out", out];
    let exported = one(h, &url, &[&export[..], &password].concat()).await;
    assert_eq!(text(&exported, "address"), bob);
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(&written).unwrap()).unwrap();
    assert_eq!(document["version"], 3);
    assert_eq!(document["crypto"]["kdf"], "scrypt");
    let other = tempfile::tempdir().unwrap();
    let init = ["init", "--keystore", out];
    let restored = one(other.path(), &url, &[&init[..], &password].concat()).await;
    assert_eq!(text(&restored, "address"), bob);

    node.shutdown().await.unwrap();
}

/// Runs `xmtp ARGS --json` as an external wallet: each signature request printed is answered
/// with `wallet`'s signature. Returns the request kinds, the other lines, the exit status and
/// stderr.
async fn answering_as(
    home: &Path,
    node_url: &str,
    args: &[&str],
    wallet: &LocalWallet,
) -> (Vec<String>, Vec<Value>, ExitStatus, String) {
    let mut command = xmtp(home, node_url);
    command.args(args).arg("--json");
    let mut child = piped(command);
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = child.stderr.take().unwrap();
    let (mut kinds, mut lines) = (Vec::new(), Vec::new());
    while let Some(line) = tokio::time::timeout(Duration::from_secs(60), stdout.next_line())
        .await
        .expect("xmtp timed out")
        .unwrap()
    {
        let value: Value = serde_json::from_str(&line).unwrap();
        if value["event"] != "signature_request" {
            lines.push(value);
            continue;
        }
        kinds.push(text(&value, "kind"));
        let signature = wallet.personal_sign(text(&value, "text").as_bytes());
        let answer = format!("0x{}\n", hex::encode(signature.to_bytes_v27().expose()));
        // A refused signature ends the program before it reads more.
        let _ = stdin.write_all(answer.as_bytes()).await;
    }
    let status = child.wait().await.unwrap();
    let mut err = String::new();
    stderr.read_to_string(&mut err).await.unwrap();
    (kinds, lines, status, err)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_external_wallet_signs_the_texts_the_cli_prints() {
    let (node, home, url, [bob]) = with_profiles(["bob"]).await;
    let h = home.path();
    let wallet = LocalWallet::generate();
    let address = wallet.address().to_string();

    // A new identity: Create Identity, then Enable Identity.
    let (kinds, lines, status, err) = answering_as(
        h,
        &url,
        &["--profile", "ext", "init", "--external-wallet", &address],
        &wallet,
    )
    .await;
    assert!(status.success(), "{err}");
    assert_eq!(kinds, ["create_identity", "enable_identity"]);
    assert_eq!(lines.len(), 1);
    assert_eq!(text(&lines[0], "address"), address);
    assert_eq!(lines[0]["wallet"], "external");

    // The profile keeps using it: one Enable Identity per run.
    let (kinds, lines, status, err) = answering_as(
        h,
        &url,
        &["--profile", "ext", "send", &bob, "signed elsewhere"],
        &wallet,
    )
    .await;
    assert!(status.success(), "{err}");
    assert_eq!(kinds, ["enable_identity"]);
    assert_eq!(lines[0]["peer"], bob.as_str());
    let read = one(h, &url, &["--profile", "bob", "messages", &address]).await;
    assert_eq!(read["text"], "signed elsewhere");

    // Stateless, with the flag only.
    let empty = tempfile::tempdir().unwrap();
    let (kinds, lines, status, err) = answering_as(
        empty.path(),
        &url,
        &["--external-wallet", &address, "messages", &bob],
        &wallet,
    )
    .await;
    assert!(status.success(), "{err}");
    assert_eq!(kinds, ["enable_identity"]);
    assert_eq!(lines[0]["text"], "signed elsewhere");

    // Another wallet's signature is refused: exit 2.
    let (_, _, status, err) = answering_as(
        empty.path(),
        &url,
        &["--external-wallet", &address, "conversations"],
        &LocalWallet::generate(),
    )
    .await;
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("bad wallet signature"), "{err}");
    assert!(err.contains(&address), "{err}");

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_the_pre_key_keeps_old_messages_and_peers() {
    let (node, home, url, [alice, bob, carol]) = with_profiles(["alice", "bob", "carol"]).await;
    let h = home.path();
    one(h, &url, &["--profile", "alice", "send", &bob, "before"]).await;
    let stranger = tempfile::tempdir().unwrap();
    let contact = format!("/xmtp/0/contact-{bob}/proto");
    let published = json(stranger.path(), &url, &["inspect", &contact])
        .await
        .len();

    // Off a terminal it refuses without --yes, saying what xmtp-js apps of the wallet would see.
    let err = fails_with(2, h, &url, &["--profile", "bob", "keys", "rotate-prekey"]).await;
    for said in [
        "xmtp-js",
        "v1 messages",
        "itself as the peer",
        "second conversation",
        "--yes",
    ] {
        assert!(err.contains(said), "{said:?} in {err}");
    }
    let shown = one(h, &url, &["--profile", "bob", "keys", "show"]).await;
    assert_eq!(
        shown["pre_keys"].as_array().unwrap().len(),
        1,
        "not rotated"
    );

    let rotate = ["--profile", "bob", "keys", "rotate-prekey", "--yes"];
    let rotated = one(h, &url, &rotate).await;
    assert_eq!(text(&rotated, "address"), bob);
    assert_eq!(rotated["pre_keys"], 2);
    let now = json(stranger.path(), &url, &["inspect", &contact])
        .await
        .len();
    assert!(now > published, "a new contact bundle is published");

    // A new peer invites bob with the new pre-key; an old one goes on; old messages open.
    one(
        h,
        &url,
        &["--profile", "carol", "send", &bob, "after rotation"],
    )
    .await;
    one(h, &url, &["--profile", "alice", "send", &bob, "again"]).await;
    let from_alice = json(h, &url, &["--profile", "bob", "messages", &alice]).await;
    let texts: Vec<&str> = from_alice
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["before", "again"]);
    let from_carol = one(h, &url, &["--profile", "bob", "messages", &carol]).await;
    assert_eq!(from_carol["text"], "after rotation");

    // The keys stored on the network hold the new pre-key: bob's wallet alone reads carol's.
    let key = std::fs::read_to_string(h.join("profiles/bob/wallet.key")).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let out = run_env(
        empty.path(),
        &url,
        &["messages", &carol, "--json"],
        &[("XMTP_WALLET_KEY", key.trim())],
    )
    .await;
    let read = json_lines(&[], out);
    assert_eq!(read.len(), 1);
    assert_eq!(read[0]["text"], "after rotation");
    let again = one(h, &url, &rotate).await;
    assert_eq!(again["pre_keys"], 3);

    // Imported keys have no wallet to store new keys with.
    let keys = text(
        &one(h, &url, &["--profile", "alice", "keys", "export"]).await,
        "keys",
    );
    let other = tempfile::tempdir().unwrap();
    one(other.path(), &url, &["keys", "import", &keys]).await;
    let err = fails_with(2, other.path(), &url, &["keys", "rotate-prekey", "--yes"]).await;
    assert!(err.contains("needs the wallet"), "{err}");

    node.shutdown().await.unwrap();
}

type Terminal = expectrl::session::OsSession;

/// `xmtp ARGS` on a pseudo-terminal, with a 30 s timeout on each expectation.
fn on_terminal(home: &Path, node_url: &str, args: &[&str]) -> Terminal {
    let mut command = std_xmtp(home, node_url);
    command.args(args);
    let mut session = Terminal::spawn(command).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    session
}

/// Waits for a terminal session's process to exit; its exit code.
fn exit_code(session: &Terminal) -> i32 {
    match session.get_process().wait().unwrap() {
        expectrl::process::unix::WaitStatus::Exited(_, code) => code,
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_on_a_terminal_shows_incoming_messages_at_the_prompt() {
    use expectrl::Expect as _;
    let (node, home, url, [alice, bob]) = with_profiles(["alice", "bob"]).await;
    let h = home.path().to_owned();

    let mut session = on_terminal(&h, &url, &["--profile", "bob", "chat", &alice]);
    let blocking =
        |mut session: Terminal, work: fn(&mut Terminal)| -> tokio::task::JoinHandle<Terminal> {
            tokio::task::spawn_blocking(move || {
                work(&mut session);
                session
            })
        };
    session = blocking(session, |s| {
        s.expect("chatting with").unwrap();
        s.expect("> ").unwrap();
    })
    .await
    .unwrap();

    // A message from alice appears while the prompt waits.
    one(
        &h,
        &url,
        &["--profile", "alice", "send", &bob, "are you there?"],
    )
    .await;
    session = blocking(session, |s| {
        s.expect("are you there?").unwrap();
        s.expect("> ").unwrap();
        s.send_line("typed on a terminal").unwrap();
        // The prompt comes back once the line is sent.
        s.expect("> ").unwrap();
    })
    .await
    .unwrap();
    let at_alice = json(&h, &url, &["--profile", "alice", "messages", &bob]).await;
    assert_eq!(at_alice.last().unwrap()["text"], "typed on a terminal");
    assert_eq!(at_alice.last().unwrap()["sender"], bob.as_str());

    // Ctrl-D ends it.
    let session = blocking(session, |s| {
        s.send(expectrl::ControlCode::EndOfTransmission).unwrap();
    })
    .await
    .unwrap();
    let code = tokio::task::spawn_blocking(move || exit_code(&session))
        .await
        .unwrap();
    assert_eq!(code, 0);

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_prekey_asks_on_a_terminal() {
    use expectrl::Expect as _;
    let (node, home, url, [_alice]) = with_profiles(["alice"]).await;
    let h = home.path().to_owned();
    let u = url.clone();
    // "n" (or anything but y/yes) keeps the keys; "y" rotates.
    let codes = tokio::task::spawn_blocking(move || {
        ["n", "y"].map(|answer| {
            let mut session = on_terminal(&h, &u, &["--profile", "alice", "keys", "rotate-prekey"]);
            session.expect("itself as the peer").unwrap();
            session.expect("rotate the pre-key? [y/N]").unwrap();
            session.send_line(answer).unwrap();
            if answer == "n" {
                session.expect("not rotated").unwrap();
            } else {
                session.expect("2 pre-keys kept").unwrap();
            }
            exit_code(&session)
        })
    })
    .await
    .unwrap();
    assert_eq!(codes, [1, 0]);
    let shown = one(home.path(), &url, &["--profile", "alice", "keys", "show"]).await;
    assert_eq!(shown["pre_keys"].as_array().unwrap().len(), 2);

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_bars_are_drawn_on_a_terminal_only() {
    use expectrl::Expect as _;
    let (node, home, url, []) = with_profiles([]).await;
    let h = home.path().to_owned();
    let u = url.clone();
    tokio::task::spawn_blocking(move || {
        let mut session = on_terminal(
            &h,
            &u,
            &["generate", "--identities", "2", "--messages", "2"],
        );
        session
            .expect(expectrl::Regex("identities \\[=+\\] 2/2"))
            .unwrap();
        session
            .expect(expectrl::Regex("messages \\[=+\\] 4/4"))
            .unwrap();
        session.expect("2 identities").unwrap();
        assert_eq!(exit_code(&session), 0);
    })
    .await
    .unwrap();

    // Not on a terminal: no bar, only the report.
    let out = run(
        home.path(),
        &url,
        &["generate", "--identities", "2", "--messages", "1"],
    )
    .await;
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("2/2"), "{err}");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("2 identities")
    );

    node.shutdown().await.unwrap();
}

/// Runs `xmtp ARGS --json`, expecting failure: the exit code and the one JSON object on stderr.
async fn json_failure(home: &Path, node_url: &str, args: &[&str]) -> (i32, Value) {
    let args = [args, &["--json"]].concat();
    let (code, err) = failure(home, node_url, &args).await;
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {err}");
    let value: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(value["exit_code"], code, "{value}");
    (code, value)
}

/// [`fails_with`] for `xmtp ARGS --json`; its one JSON error object.
async fn json_fails_with(expected: i32, home: &Path, node_url: &str, args: &[&str]) -> Value {
    let (code, err) = json_failure(home, node_url, args).await;
    assert_eq!(code, expected, "xmtp {args:?}: {err}");
    err
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_and_errors_are_script_safe() {
    let (node, home, url, [alice, bob]) = with_profiles(["alice", "bob"]).await;
    let h = home.path();

    // 64-bit times are decimal strings, and send says when it sent.
    let sent = one(h, &url, &["--profile", "alice", "send", &bob, "timed"]).await;
    let sent_ns = text(&sent, "sent_ns");
    assert!(sent_ns.parse::<u64>().unwrap() > 1 << 53, "{sent}");
    assert!(sent["sent"].is_string());
    let read = one(h, &url, &["--profile", "bob", "messages", &alice]).await;
    assert_eq!(
        text(&read, "sent_ns"),
        sent_ns,
        "the reader sees the send time"
    );
    assert_eq!(read["id"], sent["id"]);
    assert_eq!(read["fields"]["text"], "timed");
    let list = one(h, &url, &["--profile", "bob", "conversations"]).await;
    assert!(text(&list, "created_ns").parse::<u64>().is_ok(), "{list}");

    // Errors: one JSON object on stderr with the exit code, its name and meaning.
    let empty = tempfile::tempdir().unwrap();
    let (code, error) = json_failure(empty.path(), &url, &["conversations"]).await;
    assert_eq!(code, 3);
    assert_eq!(error["error"], "no_identity");
    assert!(text(&error, "message").contains("xmtp init"), "{error}");
    assert!(error["meaning"].is_string());
    let (code, error) = json_failure(h, &url, &["send", "0x12", "hi"]).await;
    assert_eq!(code, 2);
    assert_eq!(error["error"], "usage");
    let (code, error) = json_failure(h, &url, &["send", "--no-such-flag"]).await;
    assert_eq!(code, 2, "{error}");
    assert!(
        text(&error, "message").contains("--no-such-flag"),
        "{error}"
    );

    // No conversation with a peer and an unknown topic mean the same: exit 7.
    let carol = text(
        &one(h, &url, &["--profile", "carol", "init"]).await,
        "address",
    );
    let (code, error) = json_failure(h, &url, &["--profile", "alice", "messages", &carol]).await;
    assert_eq!(
        (code, error["error"].as_str()),
        (7, Some("no_conversation"))
    );
    let unknown = "/xmtp/0/m-nothing-here/proto";
    json_fails_with(7, h, &url, &["--profile", "alice", "messages", unknown]).await;
    let args = [
        "--profile",
        "alice",
        "messages",
        &bob,
        "--conversation-id",
        "x",
    ];
    json_fails_with(7, h, &url, &args).await;

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_filters_counts_and_times_out() {
    let (node, home, url, [alice, bob]) = with_profiles(["alice", "bob"]).await;
    let h = home.path();

    let mut command = xmtp(h, &url);
    command.args([
        "--profile",
        "bob",
        "stream",
        "--conversation-id",
        "wanted",
        "--count",
        "2",
        "--json",
    ]);
    let mut child = piped(command);
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready: Value = serde_json::from_str(&next_line(&mut stdout).await).unwrap();
    assert_eq!(ready["event"], "subscribed");
    assert_eq!(ready["conversation_id"], "wanted");

    // Sent once the stream is registered: nothing is missed, the other conversation is skipped.
    let in_wanted = [
        "--profile",
        "alice",
        "send",
        &bob,
        "--conversation-id",
        "wanted",
    ];
    one(h, &url, &[&in_wanted[..], &["first"]].concat()).await;
    one(h, &url, &["--profile", "alice", "send", &bob, "elsewhere"]).await;
    one(h, &url, &[&in_wanted[..], &["second"]].concat()).await;
    let mut texts = Vec::new();
    while let Some(line) = tokio::time::timeout(Duration::from_secs(30), stdout.next_line())
        .await
        .expect("stream did not stop after --count")
        .unwrap()
    {
        let message: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(message["sender"], alice.as_str());
        texts.push(text(&message, "text"));
    }
    assert_eq!(texts, ["first", "second"]);
    exits_cleanly(&mut child, "stream --count").await;

    // --timeout alone ends with success; with --count not reached, with exit 8.
    let out = run(h, &url, &["--profile", "bob", "stream", "--timeout", "1"]).await;
    assert!(out.status.success(), "{out:?}");
    let args = [
        "--profile",
        "bob",
        "stream",
        "--timeout",
        "1",
        "--count",
        "1",
    ];
    let (code, error) = json_failure(h, &url, &args).await;
    assert_eq!(code, 8);
    assert_eq!(error["error"], "timed_out");

    node.shutdown().await.unwrap();
}

/// Serves one HTTP/1.1 `PUT` on a loopback port: the URL, and a task answering 201 with the
/// path and body it received.
async fn one_put() -> (String, tokio::task::JoinHandle<(String, Vec<u8>)>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/blobs", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut reader = BufReader::new(socket);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).await.unwrap();
        let mut length = 0;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).await.unwrap();
            if header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await.unwrap();
        let answer = b"HTTP/1.1 201 Created\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        reader.get_mut().write_all(answer).await.unwrap();
        (request_line, body)
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_receipts_remote_attachments_and_transactions_send_and_decode() {
    let (node, home, url, [alice, bob]) = with_profiles(["alice", "bob"]).await;
    let h = home.path();
    let b = ["--profile", "bob", "send", &alice];

    one(h, &url, &[&b[..], &["--read-receipt"]].concat()).await;
    let metadata = r#"{"transactionType":"transfer","currency":"USDC","amount":12345678901234567890,"decimals":6,"fromAddress":"0x1","toAddress":"0x2"}"#;
    let tx = [
        "--tx-hash",
        "0xabc",
        "--network-id",
        "8453",
        "--namespace",
        "eip155",
        "--tx-metadata",
        metadata,
    ];
    one(h, &url, &[&b[..], &tx].concat()).await;

    // A remote attachment written to a directory, to be served at the public URL.
    let file = h.join("photo.png");
    std::fs::write(&file, b"not really a png").unwrap();
    let dir = h.join("uploads");
    let remote = [
        "--remote-attach",
        file.to_str().unwrap(),
        "--upload-to",
        dir.to_str().unwrap(),
        "--public-url",
        "https://cdn.example/x",
    ];
    let sent = one(h, &url, &[&b[..], &remote].concat()).await;
    let digest = text(&sent["fields"], "content_digest");
    let stored = std::fs::read(dir.join(&digest)).unwrap();
    assert_eq!(hex::encode(xmtp_crypto::sha256(&stored)), digest);
    assert_eq!(
        sent["fields"]["url"],
        format!("https://cdn.example/x/{digest}")
    );
    // And one PUT to an upload URL.
    let (upload, served) = one_put().await;
    let remote = [
        "--remote-attach",
        file.to_str().unwrap(),
        "--upload-to",
        &upload,
        "--public-url",
        "https://cdn.example/y",
    ];
    let put = one(h, &url, &[&b[..], &remote].concat()).await;
    let (request_line, body) = served.await.unwrap();
    let put_digest = text(&put["fields"], "content_digest");
    assert!(
        request_line.starts_with(&format!("PUT /blobs/{put_digest} ")),
        "{request_line}"
    );
    assert_eq!(hex::encode(xmtp_crypto::sha256(&body)), put_digest);
    // Not https: refused before anything is sent.
    let insecure = [
        "--remote-attach",
        file.to_str().unwrap(),
        "--upload-to",
        dir.to_str().unwrap(),
    ];
    fails_with(2, h, &url, &[&b[..], &insecure].concat()).await;

    let read = json(h, &url, &["--profile", "alice", "messages", &bob]).await;
    let types: Vec<&str> = read
        .iter()
        .map(|m| m["content_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "xmtp.org/readReceipt:1.0",
            "xmtp.org/transactionReference:1.0",
            "xmtp.org/remoteStaticAttachment:1.0",
            "xmtp.org/remoteStaticAttachment:1.0"
        ]
    );
    let tx = &read[1]["fields"];
    assert_eq!(tx["reference"], "0xabc");
    assert_eq!(tx["network_id"], "8453");
    assert_eq!(tx["namespace"], "eip155");
    assert_eq!(tx["metadata"]["amount"], "12345678901234567890");
    assert_eq!(tx["metadata"]["currency"], "USDC");
    let attachment = &read[2]["fields"];
    assert_eq!(attachment["filename"], "photo.png");
    assert_eq!(attachment["content_digest"], digest.as_str());
    assert_eq!(attachment["content_length"], stored.len().to_string());
    assert!(attachment.get("secret").is_none(), "keys are not printed");

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_show_and_stateless_register() {
    let (node, home, url, [alice]) = with_profiles(["alice"]).await;
    let h = home.path();
    let shown = one(h, &url, &["--profile", "alice", "keys", "show"]).await;
    assert_eq!(text(&shown, "address"), alice);
    let identity = text(&shown["identity_key"], "public_key");
    assert_eq!(hex::decode(&identity).unwrap().len(), 65);
    let pre_keys = shown["pre_keys"].as_array().unwrap();
    assert_eq!(pre_keys.len(), 1);
    assert_ne!(text(&pre_keys[0], "public_key"), identity);
    assert!(text(&pre_keys[0], "created_ns").parse::<u64>().is_ok());

    // register: a wallet key alone, nothing written, and then the wallet can be messaged.
    let key = format!("0x{}", "cd".repeat(32));
    let empty = tempfile::tempdir().unwrap();
    let out = run_env(
        empty.path(),
        &url,
        &["register", "--json"],
        &[("XMTP_WALLET_KEY", &key)],
    )
    .await;
    let registered = json_lines(&[], out).remove(0);
    let address = text(&registered, "address");
    assert!(std::fs::read_dir(empty.path()).unwrap().next().is_none());
    let answer = one(h, &url, &["--profile", "alice", "can-message", &address]).await;
    assert_eq!(answer["can_message"], true);
    let (code, error) = json_failure(empty.path(), &url, &["register"]).await;
    assert_eq!(code, 2);
    assert!(
        text(&error, "message").contains("XMTP_WALLET_KEY"),
        "{error}"
    );

    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_port_and_wrong_node_are_explained() {
    let (running, home, url, [alice, _]) = with_profiles(["alice", "bob"]).await;
    let h = home.path();
    // bob's profile now holds local state: a conversation.
    one(h, &url, &["--profile", "bob", "send", &alice, "hi"]).await;

    // The HTTP gateway's port instead of gRPC's: exit 2, naming both.
    let gateway = running.http_url();
    let (code, err) = failure(h, &gateway, &["--profile", "bob", "conversations"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("HTTP/JSON gateway"), "{err}");
    assert!(err.contains("gRPC port"), "{err}");
    fails_with(2, h, &gateway, &["--profile", "new", "init"]).await;

    // The profile against another node (another database): said, with what to do.
    let other = node().await;
    let (code, err) = failure(h, &other.grpc_url(), &["--profile", "bob", "conversations"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("another node"), "{err}");
    assert!(err.contains("--profile NAME"), "{err}");
    assert!(!err.contains("authentication tag mismatch\n"), "{err}");
    // Its own node still works.
    json(h, &url, &["--profile", "bob", "conversations"]).await;

    other.shutdown().await.unwrap();
    running.shutdown().await.unwrap();
}

#[path = "../../xmtp-node/tests/tls/ca.rs"]
mod ca;

/// `xmtp node --tls-cert/--tls-key` serves TLS; clients trust its CA with `--ca-cert` or
/// `XMTP_CA_CERT` (and fail clearly without it); SIGHUP reloads the certificate while the node
/// runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_node_with_ca_cert_flag_and_sighup_reload() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let pki = tempfile::tempdir().unwrap();
    let test_ca = ca::TestCa::new("xmtp-rs test CA");
    let ca_pem = test_ca.write_cert(pki.path(), "ca.pem");
    let cert = test_ca.node_cert(pki.path(), "node", &["localhost", "127.0.0.1"]);
    let (cert_path, key_path) = (
        cert.cert.to_str().unwrap().to_owned(),
        cert.key.to_str().unwrap().to_owned(),
    );
    let (mut child, grpc) = xmtp_node(h, &["--tls-cert", &cert_path, "--tls-key", &key_path]).await;
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    // By name, so the host-name check is the usual one.
    let port = grpc.rsplit(':').next().unwrap();
    let url = format!("https://localhost:{port}");
    let ca_flag = ca_pem.to_str().unwrap();

    let alice = text(
        &one(
            h,
            &url,
            &["--ca-cert", ca_flag, "--profile", "alice", "init"],
        )
        .await,
        "address",
    );
    let out = run_env(
        h,
        &url,
        &["--profile", "bob", "init", "--json"],
        &[("XMTP_CA_CERT", ca_flag)],
    )
    .await;
    let bob = text(&json_lines(&["init"], out)[0], "address");
    let sent = run_env(
        h,
        &url,
        &["--profile", "bob", "send", &alice, "over tls", "--json"],
        &[("XMTP_CA_CERT", ca_flag)],
    )
    .await;
    json_lines(&["send"], sent);

    // Without the CA: refused, and the message says why.
    let (_, stderr_text) = failure(h, &url, &["--profile", "alice", "conversations"]).await;
    assert!(stderr_text.contains("UnknownIssuer"), "{stderr_text}");

    // SIGHUP: a new CA's certificate replaces the files; new connections need the new CA.
    let next_ca = ca::TestCa::new("next CA");
    let next_pem = next_ca.write_cert(pki.path(), "next-ca.pem");
    let staged = next_ca.node_cert(pki.path(), "staged", &["localhost"]);
    std::fs::copy(&staged.cert, &cert.cert).unwrap();
    std::fs::copy(&staged.key, &cert.key).unwrap();
    let pid = child.id().unwrap().to_string();
    signal(&pid, "HUP").await;
    loop {
        let line = next_line(&mut stderr).await;
        assert!(!line.contains("reload failed"), "{line}");
        if line.contains("TLS certificate reloaded") {
            break;
        }
    }
    let read = json(
        h,
        &url,
        &[
            "--ca-cert",
            next_pem.to_str().unwrap(),
            "--profile",
            "alice",
            "messages",
            &bob,
        ],
    )
    .await;
    assert!(read.iter().any(|m| m["text"] == "over tls"), "{read:?}");
    let (_, stderr_text) = failure(
        h,
        &url,
        &["--ca-cert", ca_flag, "--profile", "alice", "conversations"],
    )
    .await;
    assert!(stderr_text.contains("UnknownIssuer"), "{stderr_text}");

    signal(&pid, "TERM").await;
    exits_cleanly(&mut child, "the node did not stop").await;
}

/// `installations list OWNER` as profile `reader` sees it.
async fn installations_of(home: &Path, url: &str, reader: &str, owner: &str) -> Vec<Value> {
    json(
        home,
        url,
        &["--profile", reader, "installations", "list", owner],
    )
    .await
}

/// `xmtp --profile FROM send TO TEXT --forward-secret`.
async fn send_forward_secret(home: &Path, url: &str, from: &str, to: &str, text: &str) -> Value {
    one(
        home,
        url,
        &["--profile", from, "send", to, text, "--forward-secret"],
    )
    .await
}

/// Asserts a line `{"installation": id, flag: true, …}`.
fn assert_flagged(line: &Value, id: &str, flag: &str) {
    assert_eq!(text(line, "installation"), id, "{line}");
    assert_eq!(line[flag], true, "{line}");
}

/// `send --forward-secret`, reading it back once, and `installations list|register|rotate|
/// revoke`, all through the binary: every call is a new process, so the ratchet state lives
/// in the profile's store between them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_secret_sends_and_installations_through_the_binary() {
    let (node, home, url, [alice, bob, carol]) = with_profiles(["alice", "bob", "carol"]).await;
    let h = home.path();
    let as_ = |profile: &'static str, args: &[&'static str]| {
        let mut all = vec!["--profile", profile];
        all.extend_from_slice(args);
        all
    };

    // Bob has no installation: forward secrecy cannot start, and says why.
    let err = fails_with(
        1,
        h,
        &url,
        &[
            "--profile",
            "alice",
            "send",
            &bob,
            "early",
            "--forward-secret",
        ],
    )
    .await;
    assert!(err.contains("no forward-secrecy installation"), "{err}");

    let registered = one(h, &url, &as_("bob", &["installations", "register"])).await;
    let bob_phone = text(&registered, "installation");
    assert_eq!(bob_phone.len(), 64);
    let again = one(h, &url, &as_("bob", &["installations", "register"])).await;
    assert_eq!(text(&again, "installation"), bob_phone, "registered once");
    let mine = one(h, &url, &as_("bob", &["installations", "list"])).await;
    assert_flagged(&mine, &bob_phone, "this");

    // A second device of Bob's wallet.
    let key = std::fs::read_to_string(h.join("profiles/bob/wallet.key")).unwrap();
    one(
        h,
        &url,
        &["--profile", "laptop", "init", "--import", key.trim()],
    )
    .await;
    let laptop = text(
        &one(h, &url, &as_("laptop", &["installations", "register"])).await,
        "installation",
    );
    let seen_by_alice = installations_of(h, &url, "alice", &bob).await;
    let ids: Vec<String> = seen_by_alice
        .iter()
        .map(|l| text(l, "installation"))
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&bob_phone) && ids.contains(&laptop), "{ids:?}");
    assert!(seen_by_alice.iter().all(|l| l["this"] == false));

    // Forward secrecy stays on for the conversation once turned on.
    send_forward_secret(h, &url, "alice", &bob, "secret 1").await;
    one(h, &url, &["--profile", "alice", "send", &bob, "secret 2"]).await;
    for device in ["bob", "laptop"] {
        let read = json(h, &url, &["--profile", device, "messages", &alice]).await;
        let got: Vec<(&str, bool)> = read
            .iter()
            .map(|m| (m["text"].as_str().unwrap(), m["forward_secret"] == true))
            .collect();
        assert_eq!(got, [("secret 1", true), ("secret 2", true)], "{device}");
    }
    // A message key opens once: the next process no longer reads them.
    let reread = json(h, &url, &["--profile", "bob", "messages", &alice]).await;
    assert_eq!(reread.len(), 2);
    assert!(
        reread
            .iter()
            .all(|m| m["text"].is_null() && m["error"].is_string()),
        "{reread:?}"
    );

    // Rotation publishes newer keys; a new peer starts from them, the old session goes on.
    let before = installations_of(h, &url, "alice", &bob).await;
    let rotated = one(h, &url, &as_("bob", &["installations", "rotate"])).await;
    assert_flagged(&rotated, &bob_phone, "rotated");
    let after = installations_of(h, &url, "alice", &bob).await;
    let published = |lines: &[Value], id: &str| -> u64 {
        let line = lines
            .iter()
            .find(|l| text(l, "installation") == id)
            .unwrap();
        text(line, "published_ns").parse().unwrap()
    };
    assert!(published(&after, &bob_phone) > published(&before, &bob_phone));
    assert_eq!(published(&after, &laptop), published(&before, &laptop));
    send_forward_secret(h, &url, "carol", &bob, "from carol").await;
    one(h, &url, &["--profile", "alice", "send", &bob, "secret 3"]).await;
    let from_carol = one(h, &url, &["--profile", "bob", "messages", &carol]).await;
    assert_eq!(
        (&from_carol["text"], &from_carol["forward_secret"]),
        (&Value::from("from carol"), &Value::Bool(true))
    );
    let from_alice = json(h, &url, &["--profile", "bob", "messages", &alice]).await;
    assert_eq!(from_alice[2]["text"], "secret 3");

    // The phone revokes the lost laptop: listed as revoked, and it gets nothing more.
    fails_with(
        2,
        h,
        &url,
        &as_("bob", &["installations", "revoke", "not-hex"]),
    )
    .await;
    let revoked = one(
        h,
        &url,
        &["--profile", "bob", "installations", "revoke", &laptop],
    )
    .await;
    assert_flagged(&revoked, &laptop, "revoked");
    let listed = installations_of(h, &url, "alice", &bob).await;
    let revoked_lines: Vec<&Value> = listed.iter().filter(|l| l["revoked"] == true).collect();
    assert_eq!(revoked_lines.len(), 1);
    assert_eq!(text(revoked_lines[0], "installation"), laptop);
    one(
        h,
        &url,
        &["--profile", "alice", "send", &bob, "after revocation"],
    )
    .await;
    let at_laptop = json(h, &url, &["--profile", "laptop", "messages", &alice]).await;
    let last = at_laptop.last().unwrap();
    assert!(last["text"].is_null(), "{last}");
    assert!(
        text(last, "error").contains("no ciphertext for this installation"),
        "{last}"
    );
    let at_phone = json(h, &url, &["--profile", "bob", "messages", &alice]).await;
    assert_eq!(at_phone.last().unwrap()["text"], "after revocation");

    // The phone revokes itself: Alice's forward-secret sends now fail with the reason.
    one(
        h,
        &url,
        &["--profile", "bob", "installations", "revoke", &bob_phone],
    )
    .await;
    let err = fails_with(1, h, &url, &["--profile", "alice", "send", &bob, "nobody"]).await;
    assert!(err.contains("no forward-secrecy installation"), "{err}");
    let err = fails_with(1, h, &url, &as_("bob", &["installations", "rotate"])).await;
    assert!(err.contains("installations register"), "{err}");

    node.shutdown().await.unwrap();
}
