//! `Client`: an identity on the network (protocol.md §5, §10), its contact lookups and its local
//! state.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use xmtp_api::{
    ApiConfig, Clock, Envelope, GrpcApi, KeystoreAuth, QueryOptions, QueryRequest, SortDirection,
    SystemClock, XmtpApi, batch_query, query_all,
};
use xmtp_crypto::{Address, SecretBytes, WalletSignature};
use xmtp_keystore::{
    ContactBundle, EncryptedPrivateKeyBundle, IdentityCreation, KeyStorageRequest, KeystoreBackend,
    LocalKeystore, PrivateKeyBundle, SignatureRequest, StoreKey, choose_contact,
};
use xmtp_proto::message_api::v1::PagingInfo;
use xmtp_proto::topic;

use crate::content::CodecRegistry;
use crate::error::{Error, Result};
use crate::signer::WalletSigner;

/// Contact-topic envelopes read per lookup (protocol.md §10).
const CONTACT_PAGE: u32 = 5;
/// Batched queries in flight at once.
const BATCH_CONCURRENCY: usize = 4;

/// How a [`Client`] talks to the network and what it keeps locally.
#[derive(Clone)]
pub struct ClientOptions {
    /// The node.
    pub api: ApiConfig,
    /// Codecs for sending and decoding content.
    pub registry: Arc<CodecRegistry>,
    /// Where conversations, consent and sync cursors persist between runs (sealed with a key
    /// derived from the identity key). `None` keeps them in memory only.
    pub persistence: Option<Arc<dyn KeystoreBackend>>,
    /// Publish only the legacy v1 contact bundle, as very old clients did (JS
    /// `publishLegacyContact`): peers without a conversation id then start v1 conversations.
    pub legacy_contact_only: bool,
    /// What "now" is: message send times, invitation and consent timestamps, auth tokens and
    /// sync cursors all come from it. The system clock by default.
    pub clock: Arc<dyn Clock>,
    /// The network API to use instead of gRPC to the node at [`Self::api`]: another
    /// transport, a recording proxy, an in-memory node (see [`Self::with_network`]).
    pub network: Option<Arc<dyn XmtpApi>>,
    /// When this installation replaces its forward-secrecy fallback key on its own and how
    /// long it keeps the replaced one (checked against [`Self::clock`] whenever it sends or
    /// reads forward-secret messages).
    pub fallback_key_policy: xmtp_keystore::FallbackKeyPolicy,
}

impl ClientOptions {
    /// A node at `api`, the default codecs, no persistence.
    pub fn new(api: ApiConfig) -> Self {
        Self {
            api,
            registry: Arc::new(CodecRegistry::default()),
            persistence: None,
            legacy_contact_only: false,
            clock: Arc::new(SystemClock),
            network: None,
            fallback_key_policy: xmtp_keystore::FallbackKeyPolicy::default(),
        }
    }

    /// The same options, talking to the network through `api` rather than gRPC to
    /// [`Self::api`]. The client asks it for an authenticated version
    /// ([`XmtpApi::authenticated`]) once it has signed in, and publishes through that.
    pub fn with_network(mut self, api: Arc<dyn XmtpApi>) -> Self {
        self.network = Some(api);
        self
    }

    /// The unauthenticated network API these options name: [`Self::network`], or a gRPC
    /// connection to [`Self::api`] made now.
    async fn connect(&self) -> Result<Arc<dyn XmtpApi>> {
        match &self.network {
            Some(api) => Ok(Arc::clone(api)),
            None => {
                let mut config = self.api.clone();
                // Cached auth tokens age by the client's clock too.
                config.clock = Arc::clone(&self.clock);
                Ok(Arc::new(GrpcApi::connect(config).await?))
            }
        }
    }

    /// The same options, rotating the forward-secrecy fallback key by `policy`.
    pub fn with_fallback_key_policy(mut self, policy: xmtp_keystore::FallbackKeyPolicy) -> Self {
        self.fallback_key_policy = policy;
        self
    }

    /// The same options, reading the time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The same options, persisting through `backend`.
    pub fn with_persistence(mut self, backend: Arc<dyn KeystoreBackend>) -> Self {
        self.persistence = Some(backend);
        self
    }
}

impl core::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("api", &self.api)
            .field("persistence", &self.persistence.is_some())
            .field("legacy_contact_only", &self.legacy_contact_only)
            .field("clock", &self.clock)
            .field("network", &self.network.is_some())
            .field("fallback_key_policy", &self.fallback_key_policy)
            .finish_non_exhaustive()
    }
}

/// The opt-in to [`Client::rotate_pre_key`]. xmtp-js 13 never rotates pre-keys: it loads every
/// pre-key of the stored bundle but uses only the newest, so once this wallet has rotated, an
/// xmtp-js device signed in with it (Client.create with the same wallet, checked by
/// `interop/test/one_wallet.test.mjs`):
///
/// - cannot decrypt v1 messages sent or received before the rotation (it decrypts v1 only with
///   its newest pre-key);
/// - lists the v2 conversations this wallet started before the rotation with the wallet itself
///   as the peer (it takes the sender to be "me" only when the invitation names its newest
///   pre-key);
/// - therefore no longer finds them in `newConversation`, and creates a second conversation with
///   the same peer on another topic (the deterministic topic depends on the newest pre-key).
///
/// Conversations others started with this wallet, and v2 messages, are unaffected. Rotate only
/// when no xmtp-js app uses this wallet, or when that is acceptable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PreKeyRotationRisks {}

impl PreKeyRotationRisks {
    /// Accepts what the type's docs list for xmtp-js devices of this wallet.
    pub const fn accept() -> Self {
        Self {}
    }
}

enum Stage {
    /// A stored bundle: waiting for the Enable-Identity signature that opens it.
    Load(EncryptedPrivateKeyBundle),
    /// No stored bundle: waiting for the Create-Identity signature.
    Create(Box<IdentityCreation>),
    /// A bundle to store: waiting for the Enable-Identity signature that seals it.
    Store(Box<KeyStorageRequest>, Box<PrivateKeyBundle>),
    Done,
}

/// Signing in with a wallet whose prompts are answered outside the program: it hands out each
/// text to sign ([`IdentitySetup::signature_request`]) and takes the signature back
/// ([`IdentitySetup::provide_signature`]) until the client is ready. An existing identity needs
/// one signature (Enable Identity); a new one needs two (Create Identity, then Enable Identity).
pub struct IdentitySetup {
    wallet: Address,
    options: ClientOptions,
    api: Arc<dyn XmtpApi>,
    stage: Stage,
}

impl core::fmt::Debug for IdentitySetup {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IdentitySetup")
            .field("wallet", &self.wallet)
            .finish_non_exhaustive()
    }
}

impl IdentitySetup {
    /// Looks for `wallet`'s stored keys on the network (the newest private-store envelope).
    pub async fn start(wallet: Address, options: ClientOptions) -> Result<Self> {
        let api = options.connect().await?;
        let stored = query_all(
            api.as_ref(),
            vec![topic::private_store(&wallet.to_string())],
            QueryOptions {
                page_size: 1,
                limit: Some(1),
                ..QueryOptions::descending()
            },
        )
        .await?;
        let stage = match stored.first() {
            Some(envelope) => Stage::Load(EncryptedPrivateKeyBundle::decode(&envelope.message)?),
            None => Stage::Create(Box::new(IdentityCreation::new(
                wallet,
                options.clock.now_ns() / 1_000_000,
            ))),
        };
        Ok(Self {
            wallet,
            options,
            api,
            stage,
        })
    }

    /// The text the wallet must sign next.
    pub fn signature_request(&self) -> Result<&SignatureRequest> {
        match &self.stage {
            Stage::Load(stored) => Ok(stored.request()),
            Stage::Create(creation) => Ok(creation.request()),
            Stage::Store(request, _) => Ok(request.request()),
            Stage::Done => Err(Error::Setup("the client is already set up")),
        }
    }

    /// Takes the wallet's signature of [`signature_request`](Self::signature_request). Returns
    /// the client once set up, or `None` when another signature is needed. A wrong signature is
    /// an error and leaves the setup where it was, so the wallet can be asked again.
    pub async fn provide_signature(
        &mut self,
        signature: &WalletSignature,
    ) -> Result<Option<Client>> {
        let bytes = signature.to_bytes_v27();
        match &self.stage {
            Stage::Load(stored) => {
                let decoded = stored.decrypt(self.wallet, bytes.expose())?;
                if decoded.needs_resave {
                    let request = KeyStorageRequest::new(decoded.bundle.clone());
                    self.stage = Stage::Store(Box::new(request), Box::new(decoded.bundle));
                    return Ok(None);
                }
                self.finish(decoded.bundle).await.map(Some)
            }
            Stage::Create(creation) => {
                let bundle =
                    creation.finish(bytes.expose(), self.options.clock.now_ns() / 1_000_000)?;
                let request = KeyStorageRequest::new(bundle.clone());
                self.stage = Stage::Store(Box::new(request), Box::new(bundle));
                Ok(None)
            }
            Stage::Store(request, bundle) => {
                let sealed = request.finish(bytes.expose())?;
                let bundle = (**bundle).clone();
                let authed =
                    authenticated(&self.api, Arc::new(bundle.clone()), &self.options.clock);
                authed
                    .publish(vec![Envelope {
                        content_topic: topic::private_store(&self.wallet.to_string()),
                        timestamp_ns: self.options.clock.now_ns(),
                        message: sealed,
                    }])
                    .await?;
                self.finish(bundle).await.map(Some)
            }
            Stage::Done => Err(Error::Setup("the client is already set up")),
        }
    }

    async fn finish(&mut self, bundle: PrivateKeyBundle) -> Result<Client> {
        let client = Client::build(bundle, Arc::clone(&self.api), self.options.clone()).await?;
        self.stage = Stage::Done;
        Ok(client)
    }
}

/// An XMTP identity connected to a node: contacts, conversations, consent.
///
/// Cheap to clone; clones share the same state.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("address", &self.inner.address)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) bundle: Arc<PrivateKeyBundle>,
    pub(crate) address: Address,
    pub(crate) api: Arc<dyn XmtpApi>,
    pub(crate) registry: Arc<CodecRegistry>,
    pub(crate) clock: Arc<dyn Clock>,
    /// Send times of my messages.
    pub(crate) stamps: crate::stamps::SendStamps,
    /// Sender bundles already verified, so reading many messages from few senders verifies each
    /// sender once.
    pub(crate) verified_bundles: xmtp_keystore::VerifiedBundleCache,
    contacts: std::sync::Mutex<HashMap<Address, ContactBundle>>,
    pub(crate) conversations: tokio::sync::Mutex<crate::conversations::ConversationState>,
    pub(crate) consent: tokio::sync::Mutex<crate::consent::ConsentBook>,
    /// Serialises `new_conversation`, so racing calls create one conversation.
    pub(crate) creating: tokio::sync::Mutex<()>,
    pub(crate) intro_sent: std::sync::Mutex<HashSet<Address>>,
    /// Connection events of the live streams, for [`Client::connection_events`].
    pub(crate) connection: tokio::sync::broadcast::Sender<crate::streams::ConnectionEvent>,
    local: Option<std::sync::Mutex<LocalKeystore<Arc<dyn KeystoreBackend>>>>,
    /// Forward secrecy: this installation, its conversations, what it opened this run.
    pub(crate) fs: tokio::sync::Mutex<crate::forward_secrecy::FsState>,
    /// When the installation's fallback key is replaced and the replaced one forgotten.
    pub(crate) fallback_key_policy: xmtp_keystore::FallbackKeyPolicy,
    /// The key of the Olm pickles in the local store (persistent clients only).
    pub(crate) pickle_key: Option<xmtp_keystore::PickleKey>,
    /// Verified installation lists by wallet, refreshed when a message names an unknown one.
    pub(crate) installation_lists:
        std::sync::Mutex<HashMap<Address, xmtp_keystore::InstallationList>>,
}

impl Client {
    /// Signs in with `signer`: loads the identity stored on the network, or creates one, stores it
    /// and publishes its contact bundle.
    pub async fn create(signer: &dyn WalletSigner, options: ClientOptions) -> Result<Self> {
        let mut setup = IdentitySetup::start(signer.address(), options).await?;
        loop {
            let text = setup.signature_request()?.text.clone();
            let signature = signer.sign_personal(&text).await.map_err(Error::Signer)?;
            if let Some(client) = setup.provide_signature(&signature).await? {
                return Ok(client);
            }
        }
    }

    /// A client from keys exported with [`Client::export_keys`] (or JS `Client.getKeys()`): no
    /// wallet involved.
    pub async fn from_keys(keys: &[u8], options: ClientOptions) -> Result<Self> {
        let bundle = PrivateKeyBundle::decode_any(keys)?.bundle;
        let api = options.connect().await?;
        Self::build(bundle, api, options).await
    }

    async fn build(
        bundle: PrivateKeyBundle,
        api: Arc<dyn XmtpApi>,
        options: ClientOptions,
    ) -> Result<Self> {
        let address = bundle.wallet_address();
        let bundle = Arc::new(bundle);
        let api = authenticated(&api, Arc::clone(&bundle), &options.clock);
        let pickle_key = options
            .persistence
            .as_ref()
            .map(|_| StoreKey::from_identity(&bundle).pickle_key());
        let local = match options.persistence {
            Some(backend) => {
                // Reading and opening the sealed state is blocking file I/O.
                let key = StoreKey::from_identity(&bundle);
                let opened =
                    tokio::task::spawn_blocking(move || LocalKeystore::open(backend, key, address))
                        .await
                        .map_err(|e| Error::Task(e.to_string()))?
                        .map_err(Error::LocalStore)?;
                if opened.recovered_from_previous() {
                    tracing::warn!("local keystore damaged; its previous state was loaded");
                }
                Some(opened)
            }
            None => None,
        };
        let conversations = local
            .as_ref()
            .map(|l| crate::conversations::ConversationState::restore(&l.state))
            .unwrap_or_default();
        let consent = local
            .as_ref()
            .map(|l| {
                let topic = xmtp_keystore::preferences_topic(&bundle);
                crate::consent::ConsentBook::restore(&l.state, &topic)
            })
            .unwrap_or_default();
        let fs = match (&local, &pickle_key) {
            (Some(l), Some(key)) => crate::forward_secrecy::FsState::restore(&l.state, key),
            _ => crate::forward_secrecy::FsState::default(),
        };
        let client = Self {
            inner: Arc::new(Inner {
                bundle,
                address,
                api,
                registry: options.registry,
                stamps: crate::stamps::SendStamps::new(Arc::clone(&options.clock)),
                clock: options.clock,
                verified_bundles: xmtp_keystore::VerifiedBundleCache::new(),
                contacts: std::sync::Mutex::default(),
                conversations: tokio::sync::Mutex::new(conversations),
                consent: tokio::sync::Mutex::new(consent),
                creating: tokio::sync::Mutex::new(()),
                intro_sent: std::sync::Mutex::default(),
                connection: tokio::sync::broadcast::channel(crate::streams::CONNECTION_EVENTS).0,
                local: local.map(std::sync::Mutex::new),
                fs: tokio::sync::Mutex::new(fs),
                fallback_key_policy: options.fallback_key_policy,
                pickle_key,
                installation_lists: std::sync::Mutex::default(),
            }),
        };
        client
            .ensure_contact_published(options.legacy_contact_only)
            .await?;
        Ok(client)
    }

    /// My wallet address.
    pub fn address(&self) -> Address {
        self.inner.address
    }

    /// The codecs this client encodes and decodes with.
    pub fn registry(&self) -> &CodecRegistry {
        &self.inner.registry
    }

    /// My private keys in the form JS `Client.getKeys()` returns (an encoded
    /// `PrivateKeyBundle{v1}`), for [`Client::from_keys`]. Keep them secret.
    pub fn export_keys(&self) -> SecretBytes {
        self.inner.bundle.encode()
    }

    /// Rotates my pre-key: adds a new current pre-key, stores the bundle again on the network
    /// under a new Enable-Identity signature from `signer` (my wallet), and returns a client on
    /// the new bundle, which publishes the new contact bundle. `options` should be the ones this
    /// client was built with.
    ///
    /// Every old pre-key stays in the bundle, so this client (and any device of the wallet on
    /// xmtp-rs) still opens every message and invitation from before. Rotation is an xmtp-rs
    /// extension that xmtp-js does not follow: the last argument is the explicit opt-in to what
    /// xmtp-js devices of the same wallet then see, listed on [`PreKeyRotationRisks`].
    pub async fn rotate_pre_key(
        &self,
        signer: &dyn WalletSigner,
        options: ClientOptions,
        _risks: PreKeyRotationRisks,
    ) -> Result<Self> {
        if signer.address() != self.address() {
            return Err(Error::Setup("the signer is not this client's wallet"));
        }
        let mut bundle = (*self.inner.bundle).clone();
        bundle.rotate_pre_key(self.now_ns() / 1_000_000);
        let request = KeyStorageRequest::new(bundle.clone());
        let signature = signer
            .sign_personal(&request.request().text)
            .await
            .map_err(Error::Signer)?;
        let sealed = request.finish(signature.to_bytes_v27().expose())?;
        self.inner
            .api
            .publish(vec![Envelope {
                content_topic: topic::private_store(&self.address().to_string()),
                timestamp_ns: self.now_ns(),
                message: sealed,
            }])
            .await?;
        let api = options.connect().await?;
        Self::build(bundle, api, options).await
    }

    /// Now, by this client's clock ([`ClientOptions::clock`]), in ns since the epoch.
    pub fn now_ns(&self) -> u64 {
        self.inner.clock.now_ns()
    }

    /// [`now_ns`](Self::now_ns) truncated to whole milliseconds, as JS timestamps are.
    pub(crate) fn now_ms_ns(&self) -> u64 {
        self.now_ns() / 1_000_000 * 1_000_000
    }

    /// The network API this client publishes and queries through.
    pub fn api(&self) -> &Arc<dyn XmtpApi> {
        &self.inner.api
    }

    /// Publishes my contact bundle (v1 then v2, protocol.md §10) unless the newest valid one on
    /// the network is already my current v2 bundle.
    async fn ensure_contact_published(&self, legacy_only: bool) -> Result<()> {
        let v1 = ContactBundle::v1_for(&self.inner.bundle)?;
        let v2 = ContactBundle::v2_for(&self.inner.bundle);
        let newest = if legacy_only { &v1 } else { &v2 };
        if self.lookup_contacts(&[self.address()]).await?[0].as_ref() == Some(newest) {
            return Ok(());
        }
        let contact_topic = topic::contact(&self.address().to_string());
        let now = self.now_ns();
        // One publish; the v2 bundle is 1 ns newer so it is what lookups find first.
        let mut envelopes = vec![Envelope {
            content_topic: contact_topic.clone(),
            timestamp_ns: now,
            message: v1.encode(),
        }];
        if !legacy_only {
            envelopes.push(Envelope {
                content_topic: contact_topic,
                timestamp_ns: now + 1,
                message: v2.encode(),
            });
        }
        self.inner.api.publish(envelopes).await?;
        let newest = if legacy_only { v1 } else { v2 };
        self.cache_contact(self.address(), newest);
        Ok(())
    }

    fn cache_contact(&self, address: Address, contact: ContactBundle) {
        if let Ok(mut cache) = self.inner.contacts.lock() {
            cache.insert(address, contact);
        }
    }

    fn cached_contact(&self, address: &Address) -> Option<ContactBundle> {
        self.inner
            .contacts
            .lock()
            .ok()
            .and_then(|cache| cache.get(address).cloned())
    }

    /// The newest valid contact bundle of each address from the network (batched queries), in
    /// input order.
    async fn lookup_contacts(&self, addresses: &[Address]) -> Result<Vec<Option<ContactBundle>>> {
        let requests = addresses
            .iter()
            .map(|a| QueryRequest {
                content_topics: vec![topic::contact(&a.to_string())],
                start_time_ns: 0,
                end_time_ns: 0,
                paging_info: Some(PagingInfo {
                    limit: CONTACT_PAGE,
                    cursor: None,
                    direction: SortDirection::Descending as i32,
                }),
            })
            .collect();
        let responses = batch_query(self.inner.api.as_ref(), requests, BATCH_CONCURRENCY).await?;
        Ok(addresses
            .iter()
            .zip(responses)
            .map(|(address, response)| {
                choose_contact(
                    *address,
                    response.envelopes.iter().map(|e| e.message.as_slice()),
                )
            })
            .collect())
    }

    /// The contact bundle of `address`, from the cache or the network.
    pub(crate) async fn contact(&self, address: Address) -> Result<Option<ContactBundle>> {
        if let Some(contact) = self.cached_contact(&address) {
            return Ok(Some(contact));
        }
        let found = self.lookup_contacts(&[address]).await?.pop().flatten();
        if let Some(contact) = &found {
            self.cache_contact(address, contact.clone());
        }
        Ok(found)
    }

    /// Whether `address` has published a contact bundle, i.e. can be messaged.
    pub async fn can_message(&self, address: Address) -> Result<bool> {
        Ok(self.can_message_many(&[address]).await?[0])
    }

    /// [`can_message`](Self::can_message) for many addresses at once: one batched lookup for those
    /// not already known. Positive answers are cached for the client's lifetime.
    pub async fn can_message_many(&self, addresses: &[Address]) -> Result<Vec<bool>> {
        let unknown: Vec<Address> = addresses
            .iter()
            .filter(|a| self.cached_contact(a).is_none())
            .copied()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let found: HashMap<Address, bool> = if unknown.is_empty() {
            HashMap::new()
        } else {
            let contacts = self.lookup_contacts(&unknown).await?;
            unknown
                .into_iter()
                .zip(contacts)
                .map(|(address, contact)| {
                    let known = contact.is_some();
                    if let Some(contact) = contact {
                        self.cache_contact(address, contact);
                    }
                    (address, known)
                })
                .collect()
        };
        Ok(addresses
            .iter()
            .map(|a| found.get(a).copied().unwrap_or(true))
            .collect())
    }

    /// Runs `change` on the local store state, then seals and writes it on a blocking thread
    /// (the file backend fsyncs); nothing when not persisting.
    pub(crate) async fn persist(
        &self,
        change: impl FnOnce(&mut xmtp_keystore::KeystoreState),
    ) -> Result<()> {
        let Some(local) = &self.inner.local else {
            return Ok(());
        };
        change(&mut local.lock().map_err(|_| poisoned())?.state);
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || match &inner.local {
            Some(local) => Ok(local.lock().map_err(|_| poisoned())?.save()?),
            None => Ok(()),
        })
        .await
        .map_err(|e| Error::Task(e.to_string()))?
    }

    /// Whether this client keeps its conversations, consent and cursors in a local store.
    pub fn is_persistent(&self) -> bool {
        self.inner.local.is_some()
    }
}

/// `api` publishing with `bundle`'s auth tokens, made by `clock` ([`XmtpApi::authenticated`]).
fn authenticated(
    api: &Arc<dyn XmtpApi>,
    bundle: Arc<PrivateKeyBundle>,
    clock: &Arc<dyn Clock>,
) -> Arc<dyn XmtpApi> {
    let auth = KeystoreAuth::new(bundle).with_clock(Arc::clone(clock));
    api.authenticated(Arc::new(auth))
        .unwrap_or_else(|| Arc::clone(api))
}

fn poisoned() -> Error {
    Error::Task("local keystore lock poisoned".into())
}
