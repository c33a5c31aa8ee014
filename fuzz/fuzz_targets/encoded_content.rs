//! `EncodedContent` bytes as they come out of a decrypted message, through the full codec
//! registry (text, reaction, reply, read receipt, attachment, remote attachment, composite,
//! transaction reference, typing notification) with bounded decompression. A decoded content
//! must encode again without panicking, and the registry"s own output must decode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_client::content::CodecRegistry;

/// Small, so that inflating is cheap and the bound itself is exercised.
const MAX_DECOMPRESSED: usize = 64 * 1024;

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("encoded_content"), |data: &[u8]| {
    let registry = CodecRegistry::new().with_max_decompressed_len(MAX_DECOMPRESSED);
    let Ok(content) = registry.decode_bytes(data) else {
        return;
    };
    let _ = registry.fallback(&content);
    let _ = registry.should_push(&content);
    if let Ok(bytes) = registry.encode_to_bytes(&content, None) {
        // What we write ourselves must read back (bound permitting: re-encoding never compresses).
        if bytes.len() <= MAX_DECOMPRESSED {
            let again = registry.decode_bytes(&bytes);
            assert!(again.is_ok(), "re-encoded content does not decode: {again:?}");
        }
    }
});
