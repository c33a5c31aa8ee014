//! Writes a test CA and a node certificate it signed, for scripts that run the node over TLS
//! (`interop/run.sh` with `XMTP_INTEROP_TLS=1`):
//!
//! ```sh
//! cargo run -p xmtp-node --example test_ca -- DIR   # DIR/ca.pem, DIR/node.pem, DIR/node.key
//! ```
//!
//! The node certificate names `localhost` and `127.0.0.1`. For tests only: the CA's key is
//! thrown away, and nothing here is fit for a deployment.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/tls/ca.rs"]
mod ca;

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .expect("usage: test_ca DIR");
    std::fs::create_dir_all(&dir).expect("create DIR");
    let ca = ca::TestCa::new("xmtp-rs test CA");
    ca.write_cert(&dir, "ca.pem");
    ca.node_cert(&dir, "node", &["localhost", "127.0.0.1"]);
}
