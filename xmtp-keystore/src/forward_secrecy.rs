//! Forward secrecy between xmtp-rs installations (issue 19): each installation owns an Olm
//! account (vodozemac, audited, on x25519-dalek), publishes its public keys signed by the
//! wallet's XMTP identity key, and keeps one Olm session (a Double Ratchet) with every
//! installation it talks to. This module holds every secret-key operation of that layer; the
//! client decides whom to encrypt to and where the bytes travel.
//!
//! # Sessions start from the fallback key
//!
//! XMTP nodes store and forward; nothing hands a one-time key to exactly one sender, so two
//! senders reading the same published list could pick the same one-time key, and the second
//! session would then never open (vodozemac drops a one-time key once it is used). Sessions
//! therefore start from the installation's signed fallback key, as X3DH allows when no
//! one-time pre-key is available. [`Installation::rotate_fallback_key`] replaces it (vodozemac
//! keeps the previous one too, so sessions started a moment before rotation still open). A
//! pre-key message whose session was already opened once is refused ([`FsError::Replayed`]),
//! which the reuse of a fallback key would otherwise allow.
//!
//! # Automatic rotation
//!
//! [`Installation::maintain`] applies a [`FallbackKeyPolicy`]: it replaces the fallback key
//! once it is older than `max_age_ns` or has started `max_sessions` sessions, keeps the
//! replaced key for `grace_ns` so pre-key messages sealed to it and still in flight open, and
//! then forgets it: a pre-key message recorded earlier no longer opens with anything this
//! installation holds (forward secrecy for session starts). vodozemac keeps one replaced key,
//! so an automatic rotation waits until the previous replaced key is forgotten, and a replaced
//! key is kept `grace_ns` (a manual rotation within that drops it sooner).
//!
//! # The skip window
//!
//! Out-of-order and missing messages are what vodozemac's Double Ratchet allows: within one
//! sending chain (the messages one side sends before the other replies) a message may skip
//! at most [`MAX_MESSAGE_GAP`] message keys, at most [`MAX_SKIPPED_KEYS_PER_CHAIN`] skipped keys
//! are kept per chain (later, older messages of that chain are lost), and only the newest
//! [`MAX_RECEIVING_CHAINS`] receiving chains are kept. A message key is used once: a replayed
//! ciphertext fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use vodozemac::Curve25519PublicKey;
use vodozemac::olm::{Account, AccountPickle, OlmMessage, Session, SessionConfig, SessionPickle};
use xmtp_crypto::{SecretBytes, SecretKey32, hkdf_sha256, sha256_concat};
use xmtp_proto::Message;
use xmtp_proto::forward_secrecy::v1 as fs;
use xmtp_proto::message_contents as pb;

use crate::bundle::PrivateKeyBundle;
use crate::contact::ContactBundle;
use crate::error::{Error, Result};
use crate::keys::KeySignature;

/// What the identity key signs ahead of an encoded `InstallationRecord`.
pub const INSTALLATION_RECORD_CONTEXT: &[u8] = b"xmtp-rs installation record";
/// Message keys one message may skip in a chain (vodozemac's bound).
pub const MAX_MESSAGE_GAP: u64 = 2000;
/// Skipped message keys kept per receiving chain (vodozemac's bound).
pub const MAX_SKIPPED_KEYS_PER_CHAIN: usize = 40;
/// Receiving chains kept per session (vodozemac's bound).
pub const MAX_RECEIVING_CHAINS: usize = 5;
/// Sessions kept per peer installation (two appear when both sides start at once).
pub const MAX_SESSIONS_PER_PEER: usize = 4;
/// Recipients one forward-secret message may name; more is refused unread.
pub const MAX_RECIPIENTS: usize = 256;
/// Inbound sessions remembered for replay refusal; the oldest are forgotten past this.
pub const MAX_REMEMBERED_SESSIONS: usize = 16_384;

const DAY_NS: u64 = 24 * 60 * 60 * 1_000_000_000;

/// When an installation replaces its fallback key on its own, and how long it keeps the
/// replaced one ([`Installation::maintain`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FallbackKeyPolicy {
    /// Replace the fallback key once it is this old, ns (7 days by default).
    pub max_age_ns: u64,
    /// Replace it once this many sessions have started from it (100 by default).
    pub max_sessions: u32,
    /// Keep a replaced key this long, ns, so that sessions sealed to it before senders saw
    /// the new one still open; then forget it (2 days by default). The next rotation waits
    /// for this.
    pub grace_ns: u64,
}

impl Default for FallbackKeyPolicy {
    fn default() -> Self {
        Self {
            max_age_ns: 7 * DAY_NS,
            max_sessions: 100,
            grace_ns: 2 * DAY_NS,
        }
    }
}

impl FallbackKeyPolicy {
    /// A policy with these bounds.
    pub fn new(max_age_ns: u64, max_sessions: u32, grace_ns: u64) -> Self {
        Self {
            max_age_ns,
            max_sessions,
            grace_ns,
        }
    }
}

/// What [`Installation::maintain`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Maintenance {
    /// A new fallback key was made: publish [`Installation::keys_record`].
    pub rotated: bool,
    /// The replaced fallback key was forgotten: save the state.
    pub forgot_previous: bool,
}

impl Maintenance {
    /// Whether the state changed and must be saved.
    pub fn changed(&self) -> bool {
        self.rotated || self.forgot_previous
    }
}

/// Why a forward-secret operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FsError {
    /// The message holds no ciphertext for this installation (a newer installation, a revoked
    /// one, or the sending installation itself).
    #[error("no ciphertext for this installation")]
    NotARecipient,
    /// The sending installation is not one of the sender wallet's verified installations.
    #[error("sending installation is not a verified installation of the sender")]
    UnknownSender,
    /// A pre-key message of a session opened before: a replay.
    #[error("replayed pre-key message")]
    Replayed,
    /// No session with the sender decrypts the message: a replay, a message beyond the skip
    /// window, or one whose session is gone.
    #[error("no session decrypts this message: {0}")]
    Undecryptable(#[source] Box<vodozemac::olm::DecryptionError>),
    /// A normal message from an installation this one has no session with.
    #[error("no session with the sending installation")]
    NoSession,
    /// A pre-key message that starts no session (unknown fallback key, wrong identity).
    #[error("cannot open a session: {0}")]
    SessionCreation(#[source] Box<vodozemac::olm::SessionCreationError>),
    /// An Olm message that does not parse.
    #[error("malformed Olm message: {0}")]
    Malformed(#[source] Box<vodozemac::DecodeError>),
    /// A public key that is not 32 bytes, or is not a valid Curve25519 key.
    #[error("invalid Curve25519 key")]
    BadKey,
    /// More recipients than [`MAX_RECIPIENTS`].
    #[error("too many recipients")]
    TooManyRecipients,
    /// Encryption refused (a non-contributory key).
    #[error("cannot encrypt: {0}")]
    Encryption(#[source] Box<vodozemac::olm::EncryptionError>),
    /// Stored state that does not unpickle.
    #[error("stored Olm state does not open: {0}")]
    Pickle(#[source] Box<vodozemac::PickleError>),
}

impl From<FsError> for Error {
    fn from(e: FsError) -> Self {
        Error::ForwardSecrecy(e)
    }
}

/// An installation's name: its Curve25519 identity key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstallationId([u8; 32]);

impl InstallationId {
    /// From the 32 bytes of a Curve25519 key.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| FsError::BadKey)?;
        Ok(Self(bytes))
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn key(&self) -> Curve25519PublicKey {
        Curve25519PublicKey::from_bytes(self.0)
    }
}

impl fmt::Display for InstallationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for InstallationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InstallationId({self})")
    }
}

impl core::str::FromStr for InstallationId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bytes = hex::decode(s).map_err(|_| Error::Invalid("installation id"))?;
        Self::from_slice(&bytes)
    }
}

/// One installation's published public keys, verified under its wallet's identity key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InstallationKeys {
    /// The installation.
    pub id: InstallationId,
    /// Its current fallback key, which sessions start from.
    pub fallback_key: [u8; 32],
    /// When the installation was created, ns.
    pub created_ns: u64,
    /// When these keys were published, ns.
    pub published_ns: u64,
}

/// A wallet's installations as read from its installations topic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InstallationList {
    /// Installations not revoked, with their newest keys, oldest installation first.
    pub active: Vec<InstallationKeys>,
    /// Revoked installations: never encrypted to again, whatever they publish later.
    pub revoked: BTreeSet<InstallationId>,
    /// Records refused: not signed by the wallet's identity key, or malformed.
    pub refused: usize,
}

impl InstallationList {
    /// Whether `id` is an active installation of this wallet.
    pub fn contains(&self, id: &InstallationId) -> bool {
        self.active.iter().any(|k| &k.id == id)
    }
}

fn record_digest(record: &[u8]) -> [u8; 32] {
    sha256_concat(&[INSTALLATION_RECORD_CONTEXT, record])
}

/// A `SignedInstallationRecord` over `record`, signed by `bundle`'s identity key.
fn sign_record(bundle: &PrivateKeyBundle, record: &fs::InstallationRecord) -> Vec<u8> {
    let record = record.encode_to_vec();
    let signature = KeySignature::sign(bundle.identity_secret(), &record_digest(&record));
    fs::SignedInstallationRecord {
        record,
        identity_signature: signature.to_proto().encode_to_vec(),
    }
    .encode_to_vec()
}

/// The signed revocation of installation `id` of `bundle`'s wallet, to publish on its
/// installations topic.
pub fn revocation_record(bundle: &PrivateKeyBundle, id: &InstallationId, now_ns: u64) -> Vec<u8> {
    sign_record(
        bundle,
        &fs::InstallationRecord {
            created_ns: now_ns,
            kind: Some(fs::installation_record::Kind::Revocation(
                fs::InstallationRevocation {
                    curve25519_identity: id.0.to_vec(),
                },
            )),
        },
    )
}

/// Opens one installations-topic payload, checking its signature under `identity`.
fn open_record(
    identity: &xmtp_crypto::PublicKey,
    payload: &[u8],
) -> Result<fs::InstallationRecord> {
    let signed: fs::SignedInstallationRecord = xmtp_proto::decode(payload)?;
    let signature: pb::Signature = xmtp_proto::decode(&signed.identity_signature)?;
    KeySignature::from_proto(&signature)?
        .verify_by_key(identity, &record_digest(&signed.record))?;
    Ok(xmtp_proto::decode(&signed.record)?)
}

/// Reads a wallet's installations topic: every payload must be signed by the identity key of
/// the wallet's validated `contact` bundle; forged or malformed ones are counted and ignored.
/// A revocation is final; otherwise an installation's newest keys win.
pub fn verify_installation_records<'a>(
    contact: &ContactBundle,
    payloads: impl IntoIterator<Item = &'a [u8]>,
) -> Result<InstallationList> {
    contact.validate()?;
    let identity = contact.to_signed()?.identity_key;
    let mut list = InstallationList::default();
    let mut newest: BTreeMap<InstallationId, InstallationKeys> = BTreeMap::new();
    for payload in payloads {
        let Ok(record) = open_record(identity.key(), payload) else {
            list.refused += 1;
            continue;
        };
        match record.kind {
            Some(fs::installation_record::Kind::Keys(keys)) => {
                let (Ok(id), Ok(fallback_key)) = (
                    InstallationId::from_slice(&keys.curve25519_identity),
                    <[u8; 32]>::try_from(keys.fallback_key.as_slice()),
                ) else {
                    list.refused += 1;
                    continue;
                };
                let keys = InstallationKeys {
                    id,
                    fallback_key,
                    created_ns: keys.created_ns,
                    published_ns: record.created_ns,
                };
                match newest.get(&id) {
                    Some(old) if old.published_ns >= keys.published_ns => {}
                    _ => {
                        newest.insert(id, keys);
                    }
                }
            }
            Some(fs::installation_record::Kind::Revocation(revocation)) => {
                match InstallationId::from_slice(&revocation.curve25519_identity) {
                    Ok(id) => {
                        list.revoked.insert(id);
                    }
                    Err(_) => list.refused += 1,
                }
            }
            None => list.refused += 1,
        }
    }
    list.active = newest
        .into_values()
        .filter(|k| !list.revoked.contains(&k.id))
        .collect();
    list.active.sort_by_key(|k| (k.created_ns, k.id));
    Ok(list)
}

/// A forward-secret message opened by this installation.
#[derive(Debug)]
#[non_exhaustive]
pub struct OpenedForwardSecret {
    /// The sending installation.
    pub sender: InstallationId,
    /// The sealed plaintext (an encoded `EncodedContent`).
    pub plaintext: SecretBytes,
}

/// This installation's secret state: its Olm account and its sessions. Zeroized on drop by
/// vodozemac; printed without secrets; never part of a key export.
pub struct Installation {
    account: Account,
    created_ns: u64,
    /// The current fallback key's public half (vodozemac shows it only until it is published).
    fallback_key: [u8; 32],
    /// Most recently used first.
    sessions: BTreeMap<InstallationId, Vec<Session>>,
    /// Ids of inbound sessions opened so far, oldest first, for replay refusal.
    opened: Vec<String>,
    /// When the current fallback key was made, ns.
    fallback_created_ns: u64,
    /// Sessions started from the current fallback key.
    fallback_sessions: u32,
    /// When the previous fallback key (still held by the account) was replaced, ns.
    previous_replaced_ns: Option<u64>,
    /// The current fallback key was made by a rotation and its record is not published yet.
    unpublished: bool,
}

impl fmt::Debug for Installation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Installation")
            .field("id", &self.id())
            .field("created_ns", &self.created_ns)
            .field("peers", &self.sessions.len())
            .finish_non_exhaustive()
    }
}

impl Installation {
    /// A new installation with fresh keys and a fallback key.
    pub fn new(now_ns: u64) -> Self {
        let mut account = Account::new();
        let fallback_key = new_fallback_key(&mut account);
        Self {
            account,
            created_ns: now_ns,
            fallback_key,
            sessions: BTreeMap::new(),
            opened: Vec::new(),
            fallback_created_ns: now_ns,
            fallback_sessions: 0,
            previous_replaced_ns: None,
            unpublished: false,
        }
    }

    /// This installation's id (its Curve25519 identity key).
    pub fn id(&self) -> InstallationId {
        InstallationId(self.account.curve25519_key().to_bytes())
    }

    /// When it was created, ns.
    pub fn created_ns(&self) -> u64 {
        self.created_ns
    }

    /// The current fallback key.
    pub fn fallback_key(&self) -> [u8; 32] {
        self.fallback_key
    }

    /// Replaces the fallback key now (`now_ns`); the previous one still opens sessions until
    /// the next rotation or until [`Self::maintain`] forgets it, and a key replaced before
    /// that is forgotten at once. Publish [`Self::keys_record`] afterwards.
    pub fn rotate_fallback_key(&mut self, now_ns: u64) {
        self.fallback_key = new_fallback_key(&mut self.account);
        self.fallback_created_ns = now_ns;
        self.fallback_sessions = 0;
        self.previous_replaced_ns = Some(now_ns);
        self.unpublished = true;
    }

    /// Whether the current keys still have to be published (a rotation whose record did not
    /// reach the network yet).
    pub fn is_unpublished(&self) -> bool {
        self.unpublished
    }

    /// Records that [`Self::keys_record`] of the current keys was published.
    pub fn mark_published(&mut self) {
        self.unpublished = false;
    }

    /// When the current fallback key was made, ns.
    pub fn fallback_created_ns(&self) -> u64 {
        self.fallback_created_ns
    }

    /// Sessions started from the current fallback key so far.
    pub fn fallback_sessions(&self) -> u32 {
        self.fallback_sessions
    }

    /// Whether a replaced fallback key is still held (within its grace period).
    pub fn holds_previous_fallback_key(&self) -> bool {
        self.previous_replaced_ns.is_some()
    }

    /// Applies `policy` at `now_ns`: forgets a replaced fallback key whose grace period is
    /// over, then replaces the current one if it is due and no replaced key is still held.
    /// Save the state when [`Maintenance::changed`], and publish [`Self::keys_record`] when it
    /// rotated.
    pub fn maintain(&mut self, now_ns: u64, policy: &FallbackKeyPolicy) -> Maintenance {
        let mut done = Maintenance::default();
        if let Some(replaced) = self.previous_replaced_ns
            && now_ns.saturating_sub(replaced) >= policy.grace_ns
        {
            self.account.forget_fallback_key();
            self.previous_replaced_ns = None;
            done.forgot_previous = true;
        }
        let due = now_ns.saturating_sub(self.fallback_created_ns) >= policy.max_age_ns
            || self.fallback_sessions >= policy.max_sessions;
        if due && self.previous_replaced_ns.is_none() {
            self.rotate_fallback_key(now_ns);
            done.rotated = true;
        }
        done
    }

    /// The signed record of this installation's current public keys, to publish on the
    /// wallet's installations topic.
    pub fn keys_record(&self, bundle: &PrivateKeyBundle, now_ns: u64) -> Vec<u8> {
        sign_record(
            bundle,
            &fs::InstallationRecord {
                created_ns: now_ns,
                kind: Some(fs::installation_record::Kind::Keys(fs::InstallationKeys {
                    curve25519_identity: self.id().0.to_vec(),
                    fallback_key: self.fallback_key.to_vec(),
                    created_ns: self.created_ns,
                })),
            },
        )
    }

    /// Peers this installation has a session with.
    pub fn session_peers(&self) -> impl Iterator<Item = &InstallationId> {
        self.sessions.keys()
    }

    /// Drops every session with `peer` (a revoked installation). A replay of its old pre-key
    /// messages still fails.
    pub fn forget_peer(&mut self, peer: &InstallationId) {
        self.sessions.remove(peer);
    }

    /// Seals `plaintext` once for every installation in `recipients` (this one excepted),
    /// starting a session from the recipient's fallback key where none exists. Returns the
    /// encoded `ForwardSecretMessage`.
    pub fn encrypt(
        &mut self,
        recipients: &[InstallationKeys],
        plaintext: &[u8],
    ) -> Result<Vec<u8>> {
        if recipients.len() > MAX_RECIPIENTS {
            return Err(FsError::TooManyRecipients.into());
        }
        let me = self.id();
        let mut ciphertexts = Vec::with_capacity(recipients.len());
        for recipient in recipients.iter().filter(|r| r.id != me) {
            let sessions = self.sessions.entry(recipient.id).or_default();
            if sessions.is_empty() {
                let session = self
                    .account
                    .create_outbound_session(
                        SessionConfig::version_1(),
                        recipient.id.key(),
                        Curve25519PublicKey::from_bytes(recipient.fallback_key),
                    )
                    .map_err(|e| FsError::SessionCreation(Box::new(e)))?;
                sessions.push(session);
            }
            let Some(session) = sessions.first_mut() else {
                return Err(FsError::NoSession.into());
            };
            let (message_type, ciphertext) = session
                .encrypt(plaintext)
                .map_err(|e| FsError::Encryption(Box::new(e)))?
                .to_parts();
            ciphertexts.push(fs::OlmCiphertext {
                recipient: recipient.id.0.to_vec(),
                message_type: message_type as u32,
                ciphertext,
            });
        }
        Ok(fs::ForwardSecretMessage {
            sender: me.0.to_vec(),
            ciphertexts,
        }
        .encode_to_vec())
    }

    /// The sending installation a forward-secret message names, without decrypting it.
    pub fn sender_of(message: &[u8]) -> Result<InstallationId> {
        let message: fs::ForwardSecretMessage = xmtp_proto::decode(message)?;
        InstallationId::from_slice(&message.sender)
    }

    /// Opens this installation's share of an encoded `ForwardSecretMessage`. `is_sender` must
    /// accept only the verified installations of the wallet that signed the surrounding v2
    /// message. The ratchet advances: the same ciphertext never opens twice.
    pub fn decrypt(
        &mut self,
        message: &[u8],
        is_sender: impl Fn(&InstallationId) -> bool,
    ) -> Result<OpenedForwardSecret> {
        let message: fs::ForwardSecretMessage = xmtp_proto::decode(message)?;
        if message.ciphertexts.len() > MAX_RECIPIENTS {
            return Err(FsError::TooManyRecipients.into());
        }
        let sender = InstallationId::from_slice(&message.sender)?;
        if !is_sender(&sender) {
            return Err(FsError::UnknownSender.into());
        }
        let me = self.id();
        let mine = message
            .ciphertexts
            .iter()
            .find(|c| c.recipient.as_slice() == me.0.as_slice())
            .ok_or(FsError::NotARecipient)?;
        let olm = OlmMessage::from_parts(mine.message_type as usize, &mine.ciphertext)
            .map_err(|e| FsError::Malformed(Box::new(e)))?;
        let plaintext = match &olm {
            OlmMessage::PreKey(pre_key) => {
                let session_id = pre_key.session_id();
                let sessions = self.sessions.entry(sender).or_default();
                if let Some(at) = sessions.iter().position(|s| s.session_id() == session_id) {
                    let plaintext = sessions[at]
                        .decrypt(&olm)
                        .map_err(|e| FsError::Undecryptable(Box::new(e)))?;
                    let session = sessions.remove(at);
                    sessions.insert(0, session);
                    plaintext
                } else if self.opened.contains(&session_id) {
                    return Err(FsError::Replayed.into());
                } else {
                    let created = self
                        .account
                        .create_inbound_session(SessionConfig::version_1(), sender.key(), pre_key)
                        .map_err(|e| FsError::SessionCreation(Box::new(e)))?;
                    if pre_key.one_time_key().to_bytes() == self.fallback_key {
                        self.fallback_sessions = self.fallback_sessions.saturating_add(1);
                    }
                    let sessions = self.sessions.entry(sender).or_default();
                    sessions.insert(0, created.session);
                    sessions.truncate(MAX_SESSIONS_PER_PEER);
                    self.opened.push(session_id);
                    if self.opened.len() > MAX_REMEMBERED_SESSIONS {
                        self.opened.remove(0);
                    }
                    created.plaintext
                }
            }
            OlmMessage::Normal(_) => {
                let sessions = self.sessions.get_mut(&sender).ok_or(FsError::NoSession)?;
                let mut last = None;
                let mut opened = None;
                for (at, session) in sessions.iter_mut().enumerate() {
                    match session.decrypt(&olm) {
                        Ok(plaintext) => {
                            opened = Some((at, plaintext));
                            break;
                        }
                        Err(e) => last = Some(e),
                    }
                }
                match (opened, last) {
                    (Some((at, plaintext)), _) => {
                        let session = sessions.remove(at);
                        sessions.insert(0, session);
                        plaintext
                    }
                    (None, Some(e)) => return Err(FsError::Undecryptable(Box::new(e)).into()),
                    (None, None) => return Err(FsError::NoSession.into()),
                }
            }
        };
        Ok(OpenedForwardSecret {
            sender,
            plaintext: SecretBytes::new(plaintext),
        })
    }

    /// The state sealed for the local store: vodozemac pickles encrypted under `key`, in a
    /// length-prefixed layout.
    pub fn pickle(&self, key: &PickleKey) -> SecretBytes {
        let mut out = Vec::new();
        out.extend_from_slice(&self.created_ns.to_be_bytes());
        out.extend_from_slice(&self.fallback_key);
        put(
            &mut out,
            self.account.pickle().encrypt(key.0.expose()).as_bytes(),
        );
        let sessions: Vec<(&InstallationId, &Session)> = self
            .sessions
            .iter()
            .flat_map(|(id, list)| list.iter().map(move |s| (id, s)))
            .collect();
        out.extend_from_slice(&(sessions.len() as u32).to_be_bytes());
        for (id, session) in sessions {
            out.extend_from_slice(&id.0);
            put(
                &mut out,
                session.pickle().encrypt(key.0.expose()).as_bytes(),
            );
        }
        out.extend_from_slice(&(self.opened.len() as u32).to_be_bytes());
        for id in &self.opened {
            put(&mut out, id.as_bytes());
        }
        // Added after the first layout: read back only when present.
        out.push(EXTENSION_V1);
        out.extend_from_slice(&self.fallback_created_ns.to_be_bytes());
        out.extend_from_slice(&self.fallback_sessions.to_be_bytes());
        out.push(u8::from(self.previous_replaced_ns.is_some()));
        out.extend_from_slice(&self.previous_replaced_ns.unwrap_or(0).to_be_bytes());
        out.push(u8::from(self.unpublished));
        SecretBytes::new(out)
    }

    /// The reverse of [`Self::pickle`]; damaged bytes or a wrong key are an error.
    pub fn unpickle(bytes: &[u8], key: &PickleKey) -> Result<Self> {
        let mut r = Reader(bytes);
        let created_ns = u64::from_be_bytes(r.array::<8>()?);
        let fallback_key = r.array::<32>()?;
        let account = AccountPickle::from_encrypted(r.str()?, key.0.expose())
            .map_err(|e| FsError::Pickle(Box::new(e)))?;
        let mut sessions: BTreeMap<InstallationId, Vec<Session>> = BTreeMap::new();
        for _ in 0..r.count()? {
            let id = InstallationId(r.array::<32>()?);
            let pickle = SessionPickle::from_encrypted(r.str()?, key.0.expose())
                .map_err(|e| FsError::Pickle(Box::new(e)))?;
            sessions
                .entry(id)
                .or_default()
                .push(Session::from_pickle(pickle));
        }
        let mut opened = Vec::new();
        for _ in 0..r.count()? {
            opened.push(r.str()?.to_owned());
        }
        // A state saved before automatic rotation: its key counts from the installation's
        // creation, and any replaced key vodozemac holds is treated as replaced then too.
        let (mut fallback_created_ns, mut fallback_sessions, mut previous_replaced_ns) =
            (created_ns, 0, Some(created_ns));
        let mut unpublished = false;
        if !r.0.is_empty() {
            if r.array::<1>()? != [EXTENSION_V1] {
                return Err(Error::Corrupt("unknown installation state extension"));
            }
            fallback_created_ns = u64::from_be_bytes(r.array::<8>()?);
            fallback_sessions = u32::from_be_bytes(r.array::<4>()?);
            let held = r.array::<1>()?;
            let replaced = u64::from_be_bytes(r.array::<8>()?);
            previous_replaced_ns = match held {
                [0] => None,
                [1] => Some(replaced),
                _ => return Err(Error::Corrupt("bad installation state flag")),
            };
            unpublished = match r.array::<1>()? {
                [0] => false,
                [1] => true,
                _ => return Err(Error::Corrupt("bad installation state flag")),
            };
        }
        if !r.0.is_empty() {
            return Err(Error::Corrupt("trailing bytes after installation state"));
        }
        Ok(Self {
            account: Account::from_pickle(account),
            created_ns,
            fallback_key,
            sessions,
            opened,
            fallback_created_ns,
            fallback_sessions,
            previous_replaced_ns,
            unpublished,
        })
    }
}

/// The key that encrypts the Olm pickles inside the (already sealed) local store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickleKey(SecretKey32);

impl PickleKey {
    /// Derived from the local store's key material.
    pub(crate) fn derive(store_key: &[u8; 32]) -> Self {
        Self(hkdf_sha256(store_key, b"XMTP_RS_OLM_PICKLE", b"olm"))
    }
}

/// Makes a new fallback key (the previous one stays usable) and returns its public half.
fn new_fallback_key(account: &mut Account) -> [u8; 32] {
    account.generate_fallback_key();
    let key = account
        .fallback_key()
        .values()
        .next()
        .map(Curve25519PublicKey::to_bytes)
        .unwrap_or_default();
    account.mark_keys_as_published();
    key
}

/// Marks the fixed-size section holding the fallback key's age, uses and replaced key.
const EXTENSION_V1: u8 = 1;

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let (head, rest) = self
            .0
            .split_first_chunk::<N>()
            .ok_or(Error::Corrupt("truncated installation state"))?;
        self.0 = rest;
        Ok(*head)
    }

    fn count(&mut self) -> Result<u32> {
        let n = u32::from_be_bytes(self.array::<4>()?);
        // Every item takes at least four bytes, so a count past that is damage, not a reason
        // to loop.
        if n as usize > self.0.len() / 4 {
            return Err(Error::Corrupt("installation state count too large"));
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<&'a str> {
        let len = u32::from_be_bytes(self.array::<4>()?) as usize;
        let bytes = self
            .0
            .get(..len)
            .ok_or(Error::Corrupt("truncated installation state"))?;
        self.0 = &self.0[len..];
        core::str::from_utf8(bytes).map_err(|_| Error::Corrupt("installation state not UTF-8"))
    }
}
