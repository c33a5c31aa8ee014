//! Private preferences and consent (xmtp-keystore's preferences). Selector byte:
//! 0: a payload from my preferences topic (anyone can publish there), opened with `open_action`;
//! 1: the bytes are the plaintext of a `PrivatePreferencesAction`, sealed properly with
//!    `self_encrypt`, so the action decoding behind the encryption is reached;
//! 2: a `ConsentProofPayload` protobuf checked with `verify_consent_proof` (fixed wallets and now).
//! A self-encrypted plaintext decrypts to itself; an opened action that converts survives
//! `to_proto`/`from_proto` and seal/open unchanged, and applying it gives each of its addresses its
//! consent; a proof that verifies is within 30 days and fails for another peer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_fuzz::{NOW_MS, fixtures, own_wallet_address, select};
use xmtp_keystore::{
    CONSENT_PROOF_MAX_AGE_MS, Consent, ConsentAction, ConsentState, open_action, seal_action,
    self_decrypt, self_encrypt, verify_consent_proof,
};
use xmtp_proto::message_contents as pb;

/// The checks on an action opened from my topic.
fn check_action(action: &pb::PrivatePreferencesAction) {
    xmtp_fuzz::assert_round_trip(action);
    let Some(consent_action) = ConsentAction::from_proto(action) else {
        return;
    };
    assert_eq!(
        &consent_action.to_proto(),
        action,
        "to_proto does not give back the decoded action"
    );
    assert_eq!(
        ConsentAction::from_proto(&consent_action.to_proto()).as_ref(),
        Some(&consent_action),
        "to_proto/from_proto changed the action"
    );
    let me = &fixtures().alice;
    let reopened = open_action(me, &seal_action(me, &consent_action)).expect("own action opens");
    assert_eq!(
        ConsentAction::from_proto(&reopened).as_ref(),
        Some(&consent_action),
        "seal/open changed the action"
    );
    let (addresses, expected) = match &consent_action {
        ConsentAction::Allow(a) => (a, Consent::Allowed),
        ConsentAction::Deny(d) => (d, Consent::Denied),
        _ => return,
    };
    let mut state = ConsentState::default();
    state.apply(&ConsentAction::Deny(vec!["0xprevious".to_owned()]));
    state.apply(&consent_action);
    for address in addresses {
        assert_eq!(state.get(address), expected, "the last action does not win");
    }
    let folded = ConsentState::from_actions([
        (2, consent_action.clone()),
        (1, ConsentAction::Allow(vec!["0xprevious".to_owned()])),
    ]);
    for address in addresses {
        assert_eq!(
            folded.get(address),
            expected,
            "actions are not folded in timestamp order"
        );
    }
}

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("preferences"), |data: &[u8]| {
    let Some((mode, data)) = select(data, 3) else {
        return;
    };
    let me = &fixtures().alice;
    match mode {
        0 => {
            if let Ok(action) = open_action(me, data) {
                check_action(&action);
            }
        }
        1 => {
            let sealed = self_encrypt(me, data);
            let plaintext = self_decrypt(me, &sealed).expect("own payload decrypts");
            assert_eq!(plaintext, data, "self-encryption changed the plaintext");
            if let Ok(action) = open_action(me, &sealed) {
                check_action(&action);
            }
        }
        _ => {
            let Ok(proof) = xmtp_proto::decode::<pb::ConsentProofPayload>(data) else {
                return;
            };
            let my_wallet = own_wallet_address();
            let peer = fixtures().bob.wallet_address();
            // Reached only after the age check in `verify_consent_proof`: any timestamp here.
            let _ = xmtp_keystore::consent_proof_text(proof.timestamp, &peer.to_string());
            if verify_consent_proof(&proof, my_wallet, peer, NOW_MS).is_ok() {
                assert!(proof.timestamp <= NOW_MS, "a proof from the future verified");
                assert!(NOW_MS - proof.timestamp <= CONSENT_PROOF_MAX_AGE_MS, "a stale proof verified");
                let other = fixtures().alice.wallet_address();
                assert!(
                    verify_consent_proof(&proof, my_wallet, other, NOW_MS).is_err(),
                    "a proof for one peer verified for another"
                );
            }
        }
    }
});
