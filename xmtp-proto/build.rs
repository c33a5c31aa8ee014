//! Compiles `proto/**/*.proto` without a system `protoc`: protox parses the files into a
//! `FileDescriptorSet`, prost-build and tonic-prost-build generate the types and the
//! `MessageApi` stubs, and pbjson-build generates the proto3 JSON mapping.

use std::error::Error;
use std::path::{Path, PathBuf};

const PROTO_DIR: &str = "proto";

/// Messages holding private keys or symmetric key material.
const SECRET_MESSAGES: [&str; 4] = [
    ".xmtp.message_contents.PrivateKey.Secp256k1",
    ".xmtp.message_contents.SignedPrivateKey.Secp256k1",
    ".xmtp.message_contents.InvitationV1.Aes256gcmHkdfsha256",
    ".xmtp.keystore_api.v1.GetConversationHmacKeysResponse.HmacKeyData",
];

fn main() -> Result<(), Box<dyn Error>> {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);

    let mut files = Vec::new();
    collect_protos(Path::new(PROTO_DIR), &mut files)?;
    files.sort();
    println!("cargo:rerun-if-changed={PROTO_DIR}");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }

    let mut compiler = protox::Compiler::new([PROTO_DIR])?;
    compiler.include_imports(true).include_source_info(true);
    compiler.open_files(&files)?;
    let fds = compiler.file_descriptor_set();
    let fds_bytes = compiler.encode_file_descriptor_set();
    std::fs::write(out_dir.join("file_descriptor_set.bin"), &fds_bytes)?;

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .build_transport(true)
        .client_mod_attribute(".", r#"#[cfg(feature = "grpc-client")]"#)
        .server_mod_attribute(".", r#"#[cfg(feature = "grpc-server")]"#)
        .emit_rerun_if_changed(false)
        // Maps encode in key order, so re-encoding is deterministic.
        .btree_map(".xmtp")
        // Secret-bearing messages get a hand-written, redacted `Debug` (src/redact.rs).
        .skip_debug(SECRET_MESSAGES)
        .compile_fds(fds)?;

    pbjson_build::Builder::new()
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
