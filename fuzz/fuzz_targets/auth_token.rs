//! The node"s token check on an arbitrary `authorization` header (`verify_auth_header`) and on an
//! arbitrary `Token` protobuf (`verify_token`). A token that verifies must name a wallet whose
//! freshly made token also verifies.
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::fuzz_target;
use xmtp_fuzz::{NOW_NS, select};
use xmtp_keystore::{verify_auth_header, verify_token};
use xmtp_proto::message_api::v1 as api;

const MAX_AGE_NS: u64 = 3_600_000_000_000;

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("auth_token"), |data: &[u8]| {
    let Some((mode, data)) = select(data, 2) else {
        return;
    };
    match mode {
        // The raw header, as any HTTP client may send it.
        0 => {
            if let Ok(header) = std::str::from_utf8(data) {
                let _ = verify_auth_header(header, NOW_NS, MAX_AGE_NS);
                let _ = verify_auth_header(header, 0, u64::MAX);
            }
        }
        // The token bytes behind a well-formed `Bearer` header.
        _ => {
            let header = format!("Bearer {}", STANDARD.encode(data));
            let by_header = verify_auth_header(&header, NOW_NS, MAX_AGE_NS);
            if let Ok(token) = xmtp_proto::decode::<api::Token>(data) {
                let by_token = verify_token(&token, NOW_NS, MAX_AGE_NS);
                assert_eq!(by_header.is_ok(), by_token.is_ok(), "header and token checks disagree");
                let _ = verify_token(&token, u64::MAX, 0);
            }
        }
    }
});
