//! A payload from my invite topic. Selector byte:
//! 0: the bytes are the `SealedInvitation`, opened by the TV-5e identity (its real invitation is
//!    a seed);
//! 1: the bytes are the invitation *plaintext*, sealed by Alice to Bob with the real triple-DH
//!    secret, so what follows decryption (`InvitationV1` decoding) is reached too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_fuzz::{fixtures, my_pre_key, seal, select};
use xmtp_keystore::open_invitation;
use xmtp_proto::Message as _;
use xmtp_proto::message_contents as pb;

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("sealed_invitation"), |data: &[u8]| {
    let Some((mode, data)) = select(data, 2) else {
        return;
    };
    let f = fixtures();
    match mode {
        0 => {
            let _ = open_invitation(&f.invitee, data, 0);
            if let Ok(sealed) = xmtp_proto::decode::<pb::SealedInvitation>(data)
                && let Some(pb::sealed_invitation::Version::V1(v1)) = &sealed.version
                && let Ok(header) =
                    xmtp_proto::decode::<pb::SealedInvitationHeaderV1>(&v1.header_bytes)
            {
                let _ = open_invitation(&f.invitee, data, header.created_ns);
            }
        }
        _ => {
            let recipient = f.bob.signed_public_bundle();
            let created_ns = 1;
            let header_bytes = pb::SealedInvitationHeaderV1 {
                sender: Some(f.alice.signed_public_bundle().to_proto()),
                recipient: Some(recipient.to_proto()),
                created_ns,
            }
            .encode_to_vec();
            let secret = f
                .alice
                .shared_secret(&recipient, my_pre_key(&f.alice), false)
                .expect("fixture bundles agree on a secret");
            let payload = pb::SealedInvitation {
                version: Some(pb::sealed_invitation::Version::V1(pb::SealedInvitationV1 {
                    ciphertext: Some(seal(secret.expose(), data, &header_bytes)),
                    header_bytes,
                })),
            }
            .encode_to_vec();
            for me in [&f.bob, &f.alice] {
                if let Ok(conversation) = open_invitation(me, &payload, created_ns) {
                    assert!(!conversation.topic().is_empty());
                }
            }
        }
    }
});
