//! A payload from someone"s contact topic: decode (wrapped or bare legacy), validate the
//! signatures, and pick it as a contact. A bundle that validates must re-encode to something that
//! decodes and validates to the same wallet.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_keystore::{ContactBundle, choose_contact};

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("contact_bundle"), |data: &[u8]| {
    let Ok(contact) = ContactBundle::decode(data) else {
        return;
    };
    let _ = contact.to_legacy();
    let _ = contact.wallet_address();
    let Ok(wallet) = contact.validate() else {
        return;
    };
    let encoded = contact.encode();
    let again = ContactBundle::decode(&encoded).expect("re-encoded contact decodes");
    assert_eq!(again.validate().ok(), Some(wallet), "re-encoded contact changed wallet");
    assert!(choose_contact(wallet, [data]).is_some(), "a valid contact is not chosen");
});
