//! The encrypted local keystore file (`xmtp_keystore::LocalKeystore`). Selector byte:
//! 0: the bytes are the stored file, opened with Alice's fixed `StoreKey`, alone and again with a
//!    good previous state beside it;
//! 1: the bytes are the plaintext state, sealed properly under that key, so the record parsing
//!    behind the encryption is reached.
//! Opening gives a typed error or a store; with a good previous state it always opens; a store
//! that opens saves and opens again to the same content.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xmtp_fuzz::{me, saved_store, seal_store_file, select, store_key};
use xmtp_keystore::{KeystoreBackend as _, KeystoreState, LocalKeystore, MemoryBackend};
use xmtp_proto::keystore_api::v1 as ks;
use xmtp_proto::message_contents as pb;

/// What a state holds, in comparable form (the bundle as its encoding).
#[derive(Debug, PartialEq)]
struct Content {
    bundle: Option<Vec<u8>>,
    conversations: ks::TopicMap,
    v1_conversations: Vec<pb::ConversationReference>,
    consent_actions: ks::PrivatePreferencesActionMap,
    cursors: Vec<(String, u64)>,
}

fn content(state: &KeystoreState) -> Content {
    Content {
        bundle: state.bundle.as_ref().map(|b| b.encode().expose().to_vec()),
        conversations: state.conversations.to_topic_map(),
        v1_conversations: state.v1_conversations.clone(),
        consent_actions: state.consent_actions.clone(),
        cursors: state.cursors.iter().map(|(t, n)| (t.clone(), *n)).collect(),
    }
}

/// A memory backend whose current file is `file`, with `previous` beside it if given.
fn backend(file: &[u8], previous: Option<&[u8]>) -> MemoryBackend {
    let backend = MemoryBackend::new();
    if let Some(previous) = previous {
        // Written twice: the second write moves the first to the previous slot.
        backend.write(previous).expect("the memory backend writes");
        backend.write(previous).expect("the memory backend writes");
    }
    backend.overwrite_current(file.to_vec());
    backend
}

/// A small good state saved by the real store: the previous file of mode 0.
fn good_file() -> &'static [u8] {
    static FILE: OnceLock<Vec<u8>> = OnceLock::new();
    FILE.get_or_init(|| {
        saved_store(|state| {
            state.cursors.insert("/xmtp/0/intro-x/proto".into(), 42);
        })
    })
}

/// Opens `file`; a store that opens must save and open again to the same content.
fn open_and_resave(file: &[u8]) {
    let Ok(store) = LocalKeystore::open(backend(file, None), store_key(), me()) else {
        return;
    };
    assert!(
        !store.recovered_from_previous(),
        "recovered without a previous state"
    );
    store.save().expect("the memory backend writes");
    let saved = store
        .backend()
        .read()
        .expect("the memory backend reads")
        .expect("a saved store has a file");
    let again = LocalKeystore::open(backend(&saved, None), store_key(), me())
        .expect("a saved store opens again");
    assert_eq!(
        content(&again.state),
        content(&store.state),
        "save and open changed the store"
    );
}

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("local_store"), |data: &[u8]| {
    let Some((mode, data)) = select(data, 2) else {
        return;
    };
    match mode {
        0 => {
            open_and_resave(data);
            let good = good_file();
            let store = LocalKeystore::open(backend(data, Some(good)), store_key(), me())
                .expect("a store with a good previous state opens");
            if store.recovered_from_previous() {
                assert_eq!(store.state.cursors.get("/xmtp/0/intro-x/proto"), Some(&42));
            }
        }
        _ => open_and_resave(&seal_store_file(data)),
    }
});
