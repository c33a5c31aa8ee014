//! The `xmtp-node` binary as a child process: for kill -9, restarts on the same database, and
//! memory measured from `/proc/PID/status`.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `xmtp-node` process; killed (SIGKILL) when dropped.
pub struct NodeProcess {
    child: Child,
    pub http: SocketAddr,
    pub grpc: SocketAddr,
    /// The Waku relay's bound multiaddrs (with `--waku-listen`), from its second stdout line.
    pub waku: Vec<String>,
    stderr: tempfile::NamedTempFile,
}

/// Why a node process did not come up: its exit status and what it wrote to stderr.
#[derive(Debug)]
pub struct StartFailure {
    pub status: Option<std::process::ExitStatus>,
    pub stderr: String,
}

impl NodeProcess {
    /// Starts the binary on `db` (SQLite path or `postgres://` URL) with ephemeral loopback ports
    /// and `extra` flags, and waits for its `listening http=… grpc=…` line.
    pub fn start(db: &str, extra: &[&str]) -> Result<Self, StartFailure> {
        let stderr = tempfile::NamedTempFile::new().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_xmtp-node"))
            .args(["--db", db, "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(stderr.reopen().unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let read = stdout.read_line(&mut line);
        let failure = |child: &mut Child| StartFailure {
            status: wait_exit(child, Duration::from_secs(30)),
            stderr: std::fs::read_to_string(stderr.path()).unwrap_or_default(),
        };
        let Some(rest) = read.ok().and_then(|_| line.strip_prefix("listening http=")) else {
            return Err(failure(&mut child));
        };
        let (http, grpc) = rest.trim_end().split_once(" grpc=").unwrap();
        let (http, grpc) = (http.parse().unwrap(), grpc.parse().unwrap());
        let mut waku = Vec::new();
        if extra.contains(&"--waku-listen") {
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            let addrs = line.trim_end().strip_prefix("waku listen=");
            waku.extend(
                addrs
                    .unwrap_or_else(|| panic!("{line:?}"))
                    .split(' ')
                    .map(String::from),
            );
        }
        Ok(Self {
            child,
            http,
            grpc,
            waku,
            stderr,
        })
    }

    pub fn http_url(&self) -> String {
        format!("http://{}", self.http)
    }

    pub fn grpc_url(&self) -> String {
        format!("http://{}", self.grpc)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the process wrote to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.stderr.path()).unwrap_or_default()
    }

    /// A line of `/proc/PID/status` in KiB (`VmRSS`, `RssAnon`, `VmHWM`, ...).
    pub fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/{}/status", self.pid()))
    }

    /// SIGKILL, then reap: no shutdown code runs, as in a crash or an OOM kill.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits for the process to exit by itself.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        wait_exit(&mut self.child, limit)
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A tmpfs of `size` (e.g. `"4m"`) mounted on a fresh directory, unmounted on drop. `None` (with a
/// notice) where mounting is not permitted (not root, or a container without `CAP_SYS_ADMIN`).
pub struct Tmpfs {
    pub dir: tempfile::TempDir,
}

impl Tmpfs {
    pub fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::piped())
            .output();
        match status {
            Ok(out) if out.status.success() => Some(Self { dir }),
            Ok(out) => {
                eprintln!(
                    "skipping: cannot mount a tmpfs ({})",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("skipping: cannot run mount: {e}");
                None
            }
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Remounts read-only (`true`) or read-write; root bypasses file modes, a read-only mount
    /// it cannot.
    pub fn set_read_only(&self, read_only: bool) {
        let mode = if read_only {
            "remount,ro"
        } else {
            "remount,rw"
        };
        let status = Command::new("mount")
            .args(["-o", mode])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(status.success(), "mount -o {mode} failed");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}
