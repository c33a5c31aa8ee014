//! The local encrypted keystore: the bundle, v2 conversations, v1 conversations, consent actions
//! and sync cursors, sealed at rest with a key derived from the identity key (or the wallet's
//! Enable-Identity signature), written atomically with the previous good state kept beside it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use xmtp_crypto::{Address, SecretBytes, SecretKey32, WalletSignature, hkdf_sha256};
use xmtp_proto::Message;
use xmtp_proto::keystore_api::v1 as ks;
use xmtp_proto::message_contents as pb;

use crate::blob::{BlobKind, open_blob, seal_blob};
use crate::bundle::PrivateKeyBundle;
use crate::error::{Error, Result};
use crate::invitation::ConversationStore;
use crate::wipe::Wiped;

/// Version of the plaintext state layout written by this crate.
pub const STATE_VERSION: u8 = 1;

const KEY_SALT: &[u8] = b"XMTP_RS_LOCAL_KEYSTORE";

/// The key that seals the local keystore.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreKey(SecretKey32);

impl StoreKey {
    /// Derived from the identity private key.
    pub fn from_identity(bundle: &PrivateKeyBundle) -> Self {
        Self(hkdf_sha256(
            bundle.identity_secret().to_bytes().expose(),
            KEY_SALT,
            b"identity",
        ))
    }

    /// Derived from the wallet's Enable-Identity signature (for opening the store before the
    /// bundle is known).
    pub fn from_wallet_signature(signature: &WalletSignature) -> Self {
        Self(hkdf_sha256(
            signature.to_bytes_v27().expose(),
            KEY_SALT,
            b"wallet",
        ))
    }

    /// `plaintext` sealed exactly as [`LocalKeystore::save`] seals its state. For tests and
    /// fuzzing, which need store files holding a chosen plaintext.
    pub fn seal_state_file(&self, plaintext: &[u8]) -> Vec<u8> {
        seal_blob(BlobKind::LocalState, self.0.expose(), plaintext)
    }

    /// The key that encrypts the Olm pickles of [`KeystoreState::installation`].
    pub fn pickle_key(&self) -> crate::forward_secrecy::PickleKey {
        crate::forward_secrecy::PickleKey::derive(self.0.expose())
    }

    /// The plaintext of a store file sealed under this key (the reverse of
    /// [`Self::seal_state_file`]); a wrong key or a damaged file is an error.
    pub fn open_state_file(&self, file: &[u8]) -> Result<SecretBytes> {
        open_blob(BlobKind::LocalState, self.0.expose(), file)
    }
}

/// Where the sealed state lives. `write` must be atomic and keep the previous state readable
/// through `read_previous`.
///
/// # Why synchronous, and how async code uses it
///
/// The state is one small blob, read once when the store opens and written after a sync. The
/// file backend's atomic write is a few blocking system calls (write, fsync, rename, directory
/// fsync) that std offers only in blocking form, and an `async` trait would tie this
/// runtime-free crate to one executor. So the trait is synchronous and `Send + Sync`, and
/// [`LocalKeystore`] is `Send` whenever its backend is: async callers move the store onto a
/// blocking thread for `open` and `save`, with tokio
/// `tokio::task::spawn_blocking(move || store.save().map(|()| store)).await`, or as here with a
/// plain thread:
///
/// ```
/// use xmtp_crypto::LocalWallet;
/// use xmtp_keystore::IdentityCreation;
/// use xmtp_keystore::{FileBackend, LocalKeystore, StoreKey};
///
/// let wallet = LocalWallet::generate();
/// let creation = IdentityCreation::new(wallet.address(), 1_700_000_000_000);
/// let signature = wallet.personal_sign(creation.request().text.as_bytes());
/// let bundle = creation.finish(signature.to_bytes_v27().expose(), 1_700_000_000_001)?;
/// let dir = tempfile::tempdir()?;
/// let backend = FileBackend::new(dir.path().join("keystore"));
///
/// let mut store = LocalKeystore::open(backend, StoreKey::from_identity(&bundle), wallet.address())?;
/// store.state.cursors.insert("/xmtp/0/intro-x/proto".into(), 42);
/// // The blocking part runs off the caller's thread (an async executor's, in real code).
/// let store = std::thread::spawn(move || store.save().map(|()| store))
///     .join()
///     .map_err(|_| std::io::Error::other("save thread panicked"))??;
///
/// let reopened = LocalKeystore::open(store.backend().clone(), StoreKey::from_identity(&bundle), wallet.address())?;
/// assert_eq!(reopened.state.cursors.get("/xmtp/0/intro-x/proto"), Some(&42));
/// # Ok::<(), xmtp_keystore::Error>(())
/// ```
pub trait KeystoreBackend: Send + Sync {
    /// The current sealed state, if any.
    fn read(&self) -> Result<Option<Vec<u8>>>;
    /// The state before the last write, if any.
    fn read_previous(&self) -> Result<Option<Vec<u8>>>;
    /// Replaces the current state; the old current becomes the previous one.
    fn write(&self, sealed: &[u8]) -> Result<()>;
}

impl<T: KeystoreBackend + ?Sized> KeystoreBackend for std::sync::Arc<T> {
    fn read(&self) -> Result<Option<Vec<u8>>> {
        (**self).read()
    }

    fn read_previous(&self) -> Result<Option<Vec<u8>>> {
        (**self).read_previous()
    }

    fn write(&self, sealed: &[u8]) -> Result<()> {
        (**self).write(sealed)
    }
}

/// A file on disk (mode 0600) plus `<file>.prev`. Writes go to a temporary file in the same
/// directory, are fsynced, then renamed over the target, and the directory is fsynced: a crash
/// leaves either the old or the new state, never a mix.
#[derive(Debug, Clone)]
pub struct FileBackend {
    path: PathBuf,
    previous: PathBuf,
}

impl FileBackend {
    /// A backend for `path`; its directory must exist.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let mut previous = path.clone().into_os_string();
        previous.push(".prev");
        Self {
            path,
            previous: previous.into(),
        }
    }

    /// The current state file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read_file(path: &Path) -> Result<Option<Vec<u8>>> {
        match fs::read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn dir(&self) -> &Path {
        self.path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }
}

impl KeystoreBackend for FileBackend {
    fn read(&self) -> Result<Option<Vec<u8>>> {
        Self::read_file(&self.path)
    }

    fn read_previous(&self) -> Result<Option<Vec<u8>>> {
        Self::read_file(&self.previous)
    }

    fn write(&self, sealed: &[u8]) -> Result<()> {
        let dir = self.dir();
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            tmp.as_file()
                .set_permissions(fs::Permissions::from_mode(0o600))?;
        }
        tmp.write_all(sealed)?;
        tmp.as_file().sync_all()?;
        if self.path.exists() {
            // The current state becomes the previous one through a second name (a hard link, or
            // a copy where links are refused), so the state file never goes missing: another
            // process of the same profile may be reading it at any moment.
            let staged = tempfile::Builder::new()
                .prefix(".prev")
                .make_in(dir, |staged| {
                    fs::hard_link(&self.path, staged)
                        .or_else(|_| fs::copy(&self.path, staged).map(drop))
                })?;
            staged
                .into_temp_path()
                .persist(&self.previous)
                .map_err(|e| Error::Io(e.error))?;
        }
        tmp.persist(&self.path).map_err(|e| Error::Io(e.error))?;
        #[cfg(unix)]
        fs::File::open(dir)?.sync_all()?;
        Ok(())
    }
}

/// An in-memory backend for tests and ephemeral clients.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    slots: Mutex<Slots>,
}

/// Current and previous sealed state.
type Slots = (Option<Vec<u8>>, Option<Vec<u8>>);

impl MemoryBackend {
    /// An empty backend.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the current state bytes without keeping the previous one: simulates a torn or
    /// tampered write in tests.
    pub fn overwrite_current(&self, bytes: Vec<u8>) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.0 = Some(bytes);
        }
    }
}

fn poisoned() -> Error {
    Error::Io(std::io::Error::other("memory backend lock poisoned"))
}

impl KeystoreBackend for MemoryBackend {
    fn read(&self) -> Result<Option<Vec<u8>>> {
        Ok(self.slots.lock().map_err(|_| poisoned())?.0.clone())
    }

    fn read_previous(&self) -> Result<Option<Vec<u8>>> {
        Ok(self.slots.lock().map_err(|_| poisoned())?.1.clone())
    }

    fn write(&self, sealed: &[u8]) -> Result<()> {
        let mut slots = self.slots.lock().map_err(|_| poisoned())?;
        slots.1 = slots.0.take();
        slots.0 = Some(sealed.to_vec());
        Ok(())
    }
}

/// Everything the local keystore persists.
#[derive(Clone, Debug, Default)]
pub struct KeystoreState {
    /// My keys, if stored here.
    pub bundle: Option<PrivateKeyBundle>,
    /// v2 conversations (JS `invitations/v1`).
    pub conversations: ConversationStore,
    /// v1 conversations (JS `conversation-v1/v1`).
    pub v1_conversations: Vec<pb::ConversationReference>,
    /// Consent actions keyed by envelope `timestamp_ns` (JS `private-preferences/actions`).
    pub consent_actions: ks::PrivatePreferencesActionMap,
    /// Last synced envelope time per topic.
    pub cursors: BTreeMap<String, u64>,
    /// This installation's forward-secrecy state ([`Installation::pickle`] under
    /// [`StoreKey::pickle_key`]), if it has one. Never part of a key export.
    ///
    /// [`Installation::pickle`]: crate::Installation::pickle
    pub installation: Option<SecretBytes>,
    /// Conversation topics on which forward secrecy is enabled.
    pub forward_secret_topics: BTreeSet<String>,
}

const TAG_BUNDLE: u8 = 1;
const TAG_TOPICS: u8 = 2;
const TAG_V1: u8 = 3;
const TAG_CONSENT: u8 = 4;
const TAG_CURSOR: u8 = 5;
const TAG_INSTALLATION: u8 = 6;
const TAG_FORWARD_SECRET_TOPIC: u8 = 7;

impl KeystoreState {
    /// Plaintext layout: version byte, then `tag u8 || len u32 BE || bytes` records. Every record
    /// is a [`SecretBytes`] and the output is allocated once at its final size, so no stray copy
    /// of a key is left behind by a reallocation.
    fn encode(&self) -> SecretBytes {
        let mut records: Vec<(u8, SecretBytes)> = Vec::new();
        if let Some(bundle) = &self.bundle {
            records.push((TAG_BUNDLE, bundle.encode()));
        }
        let topics = Wiped::new(self.conversations.to_topic_map());
        records.push((TAG_TOPICS, SecretBytes::new(topics.encode_to_vec())));
        let v1 = ks::GetConversationsResponse {
            conversations: self.v1_conversations.clone(),
        };
        records.push((TAG_V1, SecretBytes::new(v1.encode_to_vec())));
        records.push((
            TAG_CONSENT,
            SecretBytes::new(self.consent_actions.encode_to_vec()),
        ));
        for (topic, ns) in &self.cursors {
            let mut rec = ns.to_be_bytes().to_vec();
            rec.extend_from_slice(topic.as_bytes());
            records.push((TAG_CURSOR, SecretBytes::new(rec)));
        }
        if let Some(installation) = &self.installation {
            records.push((TAG_INSTALLATION, installation.clone()));
        }
        for topic in &self.forward_secret_topics {
            records.push((
                TAG_FORWARD_SECRET_TOPIC,
                SecretBytes::from_slice(topic.as_bytes()),
            ));
        }
        let total = 1 + records.iter().map(|(_, r)| 5 + r.len()).sum::<usize>();
        let mut out = Vec::with_capacity(total);
        out.push(STATE_VERSION);
        for (tag, record) in &records {
            out.push(*tag);
            out.extend_from_slice(&(record.len() as u32).to_be_bytes());
            out.extend_from_slice(record.expose());
        }
        SecretBytes::new(out)
    }

    fn decode(me: Address, bytes: &[u8]) -> Result<Self> {
        let body = migrate(bytes)?;
        let mut state = Self::default();
        let mut rest = body;
        while !rest.is_empty() {
            if rest.len() < 5 {
                return Err(Error::Corrupt("truncated record header"));
            }
            let tag = rest[0];
            let len = u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize;
            let Some(value) = rest.get(5..5 + len) else {
                return Err(Error::Corrupt("truncated record"));
            };
            rest = &rest[5 + len..];
            match tag {
                TAG_BUNDLE => state.bundle = Some(PrivateKeyBundle::decode(value)?),
                TAG_TOPICS => {
                    state.conversations = ConversationStore::from_topic_map(
                        me,
                        &Wiped::new(xmtp_proto::decode(value)?),
                    )?;
                }
                TAG_V1 => {
                    state.v1_conversations =
                        xmtp_proto::decode::<ks::GetConversationsResponse>(value)?.conversations;
                }
                TAG_CONSENT => state.consent_actions = xmtp_proto::decode(value)?,
                TAG_CURSOR => {
                    let (ns, topic) = value
                        .split_first_chunk::<8>()
                        .ok_or(Error::Corrupt("short cursor record"))?;
                    let topic = core::str::from_utf8(topic)
                        .map_err(|_| Error::Corrupt("cursor topic is not UTF-8"))?;
                    state
                        .cursors
                        .insert(topic.to_owned(), u64::from_be_bytes(*ns));
                }
                TAG_INSTALLATION => state.installation = Some(SecretBytes::from_slice(value)),
                TAG_FORWARD_SECRET_TOPIC => {
                    let topic = core::str::from_utf8(value)
                        .map_err(|_| Error::Corrupt("forward-secret topic is not UTF-8"))?;
                    state.forward_secret_topics.insert(topic.to_owned());
                }
                // Records from a newer minor layout are skipped.
                _ => {}
            }
        }
        Ok(state)
    }
}

/// Brings an older plaintext layout up to [`STATE_VERSION`]; returns the records after the
/// version byte. Version 1 is the first layout, so there is nothing to convert yet.
fn migrate(bytes: &[u8]) -> Result<&[u8]> {
    match bytes.split_first() {
        Some((&STATE_VERSION, body)) => Ok(body),
        Some(_) => Err(Error::Corrupt("unknown keystore state version")),
        None => Err(Error::Corrupt("empty keystore state")),
    }
}

/// The local keystore over a [`KeystoreBackend`].
#[derive(Debug)]
pub struct LocalKeystore<B: KeystoreBackend> {
    backend: B,
    key: StoreKey,
    me: Address,
    /// The state; change it, then [`LocalKeystore::save`].
    pub state: KeystoreState,
    recovered: bool,
}

impl<B: KeystoreBackend> LocalKeystore<B> {
    /// Opens the store of wallet `me`. An empty backend gives an empty state. If the current
    /// state is damaged (truncated, tampered, wrong key), the previous good state is loaded and
    /// [`LocalKeystore::recovered_from_previous`] says so; if neither opens, the current error is
    /// returned.
    pub fn open(backend: B, key: StoreKey, me: Address) -> Result<Self> {
        let load = |sealed: &[u8]| -> Result<KeystoreState> {
            let plain = key.open_state_file(sealed)?;
            KeystoreState::decode(me, plain.expose())
        };
        let (state, recovered) = match backend.read()? {
            None => match backend.read_previous()? {
                Some(prev) => (load(&prev)?, true),
                None => (KeystoreState::default(), false),
            },
            Some(current) => match load(&current) {
                Ok(state) => (state, false),
                Err(current_error) => match backend.read_previous()? {
                    Some(prev) => (load(&prev).map_err(|_| current_error)?, true),
                    None => return Err(current_error),
                },
            },
        };
        Ok(Self {
            backend,
            key,
            me,
            state,
            recovered,
        })
    }

    /// Whether [`LocalKeystore::open`] fell back to the previous state.
    pub fn recovered_from_previous(&self) -> bool {
        self.recovered
    }

    /// The wallet this store belongs to.
    pub fn wallet(&self) -> Address {
        self.me
    }

    /// Seals and writes the state atomically.
    pub fn save(&self) -> Result<()> {
        let sealed = self.key.seal_state_file(self.state.encode().expose());
        self.backend.write(&sealed)
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }
}

#[cfg(test)]
mod tests {

    /// A reader of the state file (another process of the same profile) never finds it
    /// missing while the state is saved again and again: it was renamed to `.prev` before the
    /// new state took its place.
    #[test]
    fn the_state_file_never_goes_missing_while_it_is_saved() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let backend = FileBackend::new(dir.path().join("state"));
        backend.write(b"first").unwrap();
        let done = AtomicBool::new(false);
        let missing = std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                let mut missing = 0;
                while !done.load(Ordering::Relaxed) {
                    if backend.read().unwrap().is_none() {
                        missing += 1;
                    }
                }
                missing
            });
            for i in 0..2000u32 {
                backend.write(&i.to_be_bytes()).unwrap();
            }
            done.store(true, Ordering::Relaxed);
            reader.join().unwrap()
        });
        assert_eq!(missing, 0, "reads that found no state file");
        assert_eq!(backend.read().unwrap().unwrap(), 1999u32.to_be_bytes());
        assert_eq!(
            backend.read_previous().unwrap().unwrap(),
            1998u32.to_be_bytes()
        );
        // No staged names are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
    use proptest::prelude::*;

    use super::*;

    fn me() -> Address {
        Address::from_bytes([0x11; 20])
    }

    /// The plaintext layout with arbitrary records, known tags included.
    fn records() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            (0..8u8, proptest::collection::vec(any::<u8>(), 0..80)),
            0..6,
        )
        .prop_map(|records| {
            let mut out = vec![STATE_VERSION];
            for (tag, value) in records {
                out.push(tag);
                out.extend_from_slice(&(value.len() as u32).to_be_bytes());
                out.extend_from_slice(&value);
            }
            out
        })
    }

    proptest! {
        #[test]
        fn random_plaintext_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = KeystoreState::decode(me(), &bytes);
        }

        #[test]
        fn random_records_never_panic(layout in records(), tail in proptest::collection::vec(any::<u8>(), 0..8)) {
            let _ = KeystoreState::decode(me(), &layout);
            let mut torn = layout;
            torn.extend_from_slice(&tail);
            let _ = KeystoreState::decode(me(), &torn);
        }

        #[test]
        fn forward_secrecy_records_round_trip(
            installation in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..200)),
            topics in proptest::collection::btree_set("[ -~]{0,40}", 0..6),
        ) {
            let state = KeystoreState {
                installation: installation.clone().map(SecretBytes::new),
                forward_secret_topics: topics.clone(),
                ..KeystoreState::default()
            };
            let decoded = KeystoreState::decode(me(), state.encode().expose()).unwrap();
            prop_assert_eq!(decoded.installation.map(|i| i.expose().to_vec()), installation);
            prop_assert_eq!(decoded.forward_secret_topics, topics);
        }

        #[test]
        fn cursors_round_trip(cursors in proptest::collection::btree_map(any::<String>(), any::<u64>(), 0..8)) {
            let state = KeystoreState { cursors: cursors.clone(), ..KeystoreState::default() };
            let decoded = KeystoreState::decode(me(), state.encode().expose());
            prop_assert_eq!(decoded.map(|s| s.cursors).ok(), Some(cursors));
        }
    }
}
