//! Generates `xmtp-proto/src/gen/` from `xmtp-proto/proto/**/*.proto`, without a system `protoc`:
//! protox parses the files into a `FileDescriptorSet`, prost-build and tonic-prost-build generate
//! the types and the `MessageApi` stubs, and pbjson-build generates the proto3 JSON mapping.
//!
//! ```sh
//! cargo run --manifest-path xmtp-proto/codegen/Cargo.toml              # rewrite src/gen
//! cargo run --manifest-path xmtp-proto/codegen/Cargo.toml -- --check   # fail if src/gen is stale (CI)
//! ```
//!
//! The code is committed so that users of xmtp-proto do not build protox and the generators
//! (BENCHMARKS.md, "Consumer build").

use std::collections::BTreeSet;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Messages holding private keys or symmetric key material.
const SECRET_MESSAGES: [&str; 4] = [
    ".xmtp.message_contents.PrivateKey.Secp256k1",
    ".xmtp.message_contents.SignedPrivateKey.Secp256k1",
    ".xmtp.message_contents.InvitationV1.Aes256gcmHkdfsha256",
    ".xmtp.keystore_api.v1.GetConversationHmacKeysResponse.HmacKeyData",
];

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => {
            eprintln!("unknown argument {other:?}; usage: xmtp-proto-codegen [--check]");
            return ExitCode::from(2);
        }
    };
    match run(check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xmtp-proto-codegen: {e}");
            ExitCode::from(2)
        }
    }
}

/// Generates into a temporary directory, then compares with (`check`) or replaces `src/gen`.
/// Returns whether `src/gen` is (now) current.
fn run(check: bool) -> Result<bool, Box<dyn Error>> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let proto_dir = crate_dir.join("proto");
    let gen_dir = crate_dir.join("src").join("gen");
    let fresh = tempfile::tempdir()?;
    generate(&proto_dir, fresh.path())?;

    let names = |dir: &Path| -> std::io::Result<BTreeSet<String>> {
        let mut names = BTreeSet::new();
        if dir.exists() {
            for entry in std::fs::read_dir(dir)? {
                names.insert(entry?.file_name().to_string_lossy().into_owned());
            }
        }
        Ok(names)
    };
    let (new, old) = (names(fresh.path())?, names(&gen_dir)?);
    let mut stale = Vec::new();
    for name in new.union(&old) {
        let (a, b) = (fresh.path().join(name), gen_dir.join(name));
        if std::fs::read(&a).ok() != std::fs::read(&b).ok() {
            stale.push(name.clone());
        }
    }
    if stale.is_empty() {
        println!("xmtp-proto/src/gen is current ({} files)", new.len());
        return Ok(true);
    }
    if check {
        eprintln!(
            "xmtp-proto/src/gen is stale ({}); regenerate with\n  \
             cargo run --manifest-path xmtp-proto/codegen/Cargo.toml",
            stale.join(", ")
        );
        return Ok(false);
    }
    std::fs::create_dir_all(&gen_dir)?;
    for name in &stale {
        let (a, b) = (fresh.path().join(name), gen_dir.join(name));
        if a.exists() {
            std::fs::copy(&a, &b)?;
        } else {
            std::fs::remove_file(&b)?;
        }
    }
    println!("xmtp-proto/src/gen: rewrote {}", stale.join(", "));
    Ok(true)
}

/// Writes the generated modules and `file_descriptor_set.bin` into `out`.
fn generate(proto_dir: &Path, out: &Path) -> Result<(), Box<dyn Error>> {
    let mut files = Vec::new();
    collect_protos(proto_dir, &mut files)?;
    files.sort();
    // Paths relative to the include directory, so the descriptors name `message_api/v1/...`
    // whatever the checkout's location.
    let files: Vec<PathBuf> = files
        .iter()
        .map(|f| f.strip_prefix(proto_dir).map(Path::to_path_buf))
        .collect::<Result<_, _>>()?;

    let mut compiler = protox::Compiler::new([proto_dir])?;
    compiler.include_imports(true).include_source_info(true);
    compiler.open_files(&files)?;
    let fds = compiler.file_descriptor_set();
    let fds_bytes = compiler.encode_file_descriptor_set();
    std::fs::write(out.join("file_descriptor_set.bin"), &fds_bytes)?;

    tonic_prost_build::configure()
        .out_dir(out)
        .build_client(true)
        .build_server(true)
        .build_transport(true)
        // Prost with small first buffers: an idle stream holds its encoder's buffer.
        .codec_path("crate::grpc_codec::LeanCodec")
        .client_mod_attribute(".", r#"#[cfg(feature = "grpc-client")]"#)
        .server_mod_attribute(".", r#"#[cfg(feature = "grpc-server")]"#)
        .emit_rerun_if_changed(false)
        // Maps encode in key order, so re-encoding is deterministic.
        .btree_map(".xmtp")
        // Secret-bearing messages get a hand-written, redacted `Debug` (src/redact.rs).
        .skip_debug(SECRET_MESSAGES)
        .compile_fds(fds)?;

    pbjson_build::Builder::new()
        .out_dir(out)
        .register_descriptors(&fds_bytes)?
        .emit_fields()
        .ignore_unknown_fields()
        .btree_map([".xmtp"])
        .build(&[".xmtp"])?;
    Ok(())
}

fn collect_protos(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_protos(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "proto") {
            out.push(path);
        }
    }
    Ok(())
}
