//! The local encrypted keystore: file and in-memory backends, atomic writes, recovery.
#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("common/helpers.rs");

use xmtp_keystore::{
    Error, FileBackend, KeystoreBackend, LocalKeystore, MemoryBackend, PrivateKeyBundle, StoreKey,
    deterministic_invitation, open_invitation, seal_invitation,
};

fn filled<B: KeystoreBackend>(
    backend: B,
    me: &PrivateKeyBundle,
    peer: &PrivateKeyBundle,
) -> LocalKeystore<B> {
    let mut store =
        LocalKeystore::open(backend, StoreKey::from_identity(me), me.wallet_address()).unwrap();
    assert!(!store.recovered_from_previous());
    let inv = deterministic_invitation(me, &peer.signed_public_bundle(), None, None).unwrap();
    let sealed = seal_invitation(me, &peer.signed_public_bundle(), &inv, 42).unwrap();
    store
        .state
        .conversations
        .insert(open_invitation(me, &sealed.payload, 42).unwrap());
    store.state.bundle = Some(me.clone());
    store
        .state
        .cursors
        .insert("/xmtp/0/invite-x/proto".into(), 42);
    store.save().unwrap();
    store
}

#[test]
fn file_store_round_trip_mode_and_recovery() {
    let (_, a) = new_identity(1_700_000_000_000);
    let (_, b) = new_identity(1_700_000_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keystore.bin");
    let store = filled(FileBackend::new(&path), &a, &b);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // Secrets are not on disk in clear.
    let raw = std::fs::read(&path).unwrap();
    let key = a.encode();
    assert!(
        !raw.windows(32)
            .any(|w| key.expose().windows(32).next() == Some(w))
    );

    let reopened = LocalKeystore::open(
        FileBackend::new(&path),
        StoreKey::from_identity(&a),
        a.wallet_address(),
    )
    .unwrap();
    assert_eq!(reopened.state.conversations.len(), 1);
    assert_eq!(reopened.state.cursors["/xmtp/0/invite-x/proto"], 42);
    assert_eq!(reopened.state.bundle.as_ref().unwrap().encode(), a.encode());

    // A second save, then the current file is cut short: the previous good state loads.
    let mut second = reopened;
    second
        .state
        .cursors
        .insert("/xmtp/0/invite-x/proto".into(), 43);
    second.save().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let recovered = LocalKeystore::open(
        FileBackend::new(&path),
        StoreKey::from_identity(&a),
        a.wallet_address(),
    )
    .unwrap();
    assert!(recovered.recovered_from_previous());
    assert_eq!(recovered.state.cursors["/xmtp/0/invite-x/proto"], 42);

    // Tampered: one flipped bit is detected, and the previous state loads.
    let mut flipped = bytes.clone();
    flipped[bytes.len() - 3] ^= 0x10;
    std::fs::write(&path, &flipped).unwrap();
    let recovered = LocalKeystore::open(
        FileBackend::new(&path),
        StoreKey::from_identity(&a),
        a.wallet_address(),
    )
    .unwrap();
    assert!(recovered.recovered_from_previous());

    // Wrong key and no usable previous state: a typed error.
    std::fs::remove_file(dir.path().join("keystore.bin.prev")).unwrap();
    assert!(
        LocalKeystore::open(
            FileBackend::new(&path),
            StoreKey::from_identity(&b),
            a.wallet_address()
        )
        .is_err()
    );
    drop(store);
}

#[test]
fn memory_store_round_trip_and_tamper() {
    let (wallet, a) = new_identity(1_700_000_000_000);
    let (_, b) = new_identity(1_700_000_000_000);
    let backend = std::sync::Arc::new(MemoryBackend::new());
    let mut store = filled(backend.clone(), &a, &b);
    store.state.cursors.insert("c".into(), 7);
    store.save().unwrap();
    let open = || {
        LocalKeystore::open(
            backend.clone(),
            StoreKey::from_identity(&a),
            wallet.address(),
        )
    };
    let good = open().unwrap();
    assert!(!good.recovered_from_previous());
    assert_eq!(good.state.cursors["c"], 7);
    assert_eq!(good.state.conversations.len(), 1);

    // A torn write: the previous good state (before "c") loads.
    backend.overwrite_current(vec![1, 2, 3]);
    let recovered = open().unwrap();
    assert!(recovered.recovered_from_previous());
    assert!(!recovered.state.cursors.contains_key("c"));
    assert_eq!(recovered.state.conversations.len(), 1);

    // Garbage with no previous state is a typed error, not a panic.
    let lone = MemoryBackend::new();
    lone.overwrite_current(vec![9; 40]);
    assert!(matches!(
        LocalKeystore::open(lone, StoreKey::from_identity(&a), wallet.address()),
        Err(Error::Corrupt(_))
    ));
}

#[test]
fn wallet_signature_key_opens_before_the_bundle_is_known() {
    let (wallet, a) = new_identity(1_700_000_000_000);
    let sig = wallet.personal_sign(
        b"XMTP : Enable Identity\n00\n\nFor more info: https://xmtp.org/signatures/",
    );
    let backend = MemoryBackend::new();
    let mut store = LocalKeystore::open(
        backend,
        StoreKey::from_wallet_signature(&sig),
        wallet.address(),
    )
    .unwrap();
    store.state.bundle = Some(a.clone());
    store.save().unwrap();
    let sealed = store.backend().read().unwrap().unwrap();
    let again = MemoryBackend::new();
    again.write(&sealed).unwrap();
    let loaded = LocalKeystore::open(
        again,
        StoreKey::from_wallet_signature(&sig),
        wallet.address(),
    )
    .unwrap();
    assert_eq!(loaded.state.bundle.unwrap().encode(), a.encode());
}
