//! Private preferences and consent (protocol.md §11): the self-encrypted topic of allow/deny
//! actions, the consent state folded from them, and consent proofs.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use xmtp_crypto::{Address, SecretKey32, WalletSignature, encrypt, hkdf_sha256, sha256};
use xmtp_proto::Message;
use xmtp_proto::message_contents as pb;

use crate::bundle::PrivateKeyBundle;
use crate::ciphertext::{ciphertext_to_proto, decrypt_proto};
use crate::error::{Error, Result};
use crate::invitation::Conversation;

const TOPIC_SALT: &[u8] = b"XMTP_PRIVATE_PREFERENCES_TOPIC";
const ENCRYPTION_SALT: &[u8] = b"XMTP_PRIVATE_PREFERENCES_ENCRYPTION";

/// `base64url_nopad(SHA-256(HKDF(identity key, "XMTP_PRIVATE_PREFERENCES_TOPIC")))` (§11.1).
pub fn topic_identifier(me: &PrivateKeyBundle) -> String {
    topic_identifier_for_key(me.identity_secret().to_bytes().expose())
}

/// [`topic_identifier`] from the raw 32-byte identity private key.
pub fn topic_identifier_for_key(identity_private_key: &[u8]) -> String {
    let derived = hkdf_sha256(identity_private_key, TOPIC_SALT, b"");
    URL_SAFE_NO_PAD.encode(sha256(derived.expose()))
}

/// `/xmtp/0/userpreferences-<identifier>/proto`.
pub fn preferences_topic(me: &PrivateKeyBundle) -> String {
    xmtp_proto::topic::user_preferences(&topic_identifier(me))
}

fn encryption_key(me: &PrivateKeyBundle) -> SecretKey32 {
    hkdf_sha256(
        me.identity_secret().to_bytes().expose(),
        ENCRYPTION_SALT,
        b"",
    )
}

/// Self-encryption (§11.2): the `PrivatePreferencesPayload{v1}` encoding.
pub fn self_encrypt(me: &PrivateKeyBundle, plaintext: &[u8]) -> Vec<u8> {
    let aad = me.identity_secret().public_key().as_bytes();
    let ciphertext = encrypt(encryption_key(me).expose(), plaintext, aad);
    pb::PrivatePreferencesPayload {
        version: Some(pb::private_preferences_payload::Version::V1(
            ciphertext_to_proto(&ciphertext),
        )),
    }
    .encode_to_vec()
}

/// Reverses [`self_encrypt`].
pub fn self_decrypt(me: &PrivateKeyBundle, payload: &[u8]) -> Result<Vec<u8>> {
    let payload: pb::PrivatePreferencesPayload = xmtp_proto::decode(payload)?;
    let Some(pb::private_preferences_payload::Version::V1(ciphertext)) = payload.version else {
        return Err(Error::MissingField("PrivatePreferencesPayload.v1"));
    };
    let aad = me.identity_secret().public_key().as_bytes();
    decrypt_proto(encryption_key(me).expose(), &ciphertext, aad)
}

/// An allow/deny action on addresses, as JS publishes them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConsentAction {
    /// `allow_address`.
    Allow(Vec<String>),
    /// `deny_address`.
    Deny(Vec<String>),
}

impl ConsentAction {
    /// The `PrivatePreferencesAction` message.
    pub fn to_proto(&self) -> pb::PrivatePreferencesAction {
        use pb::private_preferences_action::{AllowAddress, DenyAddress, MessageType};
        let message_type = match self {
            Self::Allow(a) => MessageType::AllowAddress(AllowAddress {
                wallet_addresses: a.clone(),
            }),
            Self::Deny(a) => MessageType::DenyAddress(DenyAddress {
                wallet_addresses: a.clone(),
            }),
        };
        pb::PrivatePreferencesAction {
            message_type: Some(message_type),
        }
    }

    /// Reads an action; group and inbox-id actions (v3 only) are `None`.
    pub fn from_proto(action: &pb::PrivatePreferencesAction) -> Option<Self> {
        use pb::private_preferences_action::MessageType;
        match &action.message_type {
            Some(MessageType::AllowAddress(a)) => Some(Self::Allow(a.wallet_addresses.clone())),
            Some(MessageType::DenyAddress(d)) => Some(Self::Deny(d.wallet_addresses.clone())),
            _ => None,
        }
    }
}

/// Encrypts an action for my preferences topic.
pub fn seal_action(me: &PrivateKeyBundle, action: &ConsentAction) -> Vec<u8> {
    self_encrypt(me, &action.to_proto().encode_to_vec())
}

/// Decrypts an envelope from my preferences topic.
pub fn open_action(me: &PrivateKeyBundle, payload: &[u8]) -> Result<pb::PrivatePreferencesAction> {
    Ok(xmtp_proto::decode(&self_decrypt(me, payload)?)?)
}

/// Consent for one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Consent {
    /// Allowed.
    Allowed,
    /// Denied (blocked).
    Denied,
    /// No action seen.
    Unknown,
}

/// Consent per address, folded from actions in timestamp order; later actions win. Lookups use
/// the exact address string, as JS does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsentState {
    by_address: BTreeMap<String, Consent>,
}

impl ConsentState {
    /// Folds `(envelope timestamp_ns, action)` pairs in any order.
    pub fn from_actions(actions: impl IntoIterator<Item = (u64, ConsentAction)>) -> Self {
        let mut actions: Vec<_> = actions.into_iter().collect();
        actions.sort_by_key(|(ts, _)| *ts);
        let mut state = Self::default();
        for (_, action) in &actions {
            state.apply(action);
        }
        state
    }

    /// Applies one action on top of the current state.
    pub fn apply(&mut self, action: &ConsentAction) {
        let (addresses, consent) = match action {
            ConsentAction::Allow(a) => (a, Consent::Allowed),
            ConsentAction::Deny(a) => (a, Consent::Denied),
        };
        for address in addresses {
            self.by_address.insert(address.clone(), consent);
        }
    }

    /// The consent for `address` (exact string).
    pub fn get(&self, address: &str) -> Consent {
        self.by_address
            .get(address)
            .copied()
            .unwrap_or(Consent::Unknown)
    }

    /// All known entries.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Consent)> {
        self.by_address.iter().map(|(a, c)| (a.as_str(), *c))
    }
}

/// JavaScript `Date.prototype.toUTCString()` of a millisecond time, e.g.
/// `Fri, 14 Feb 2020 07:00:00 GMT`.
pub fn js_utc_string(ms: u64) -> String {
    // Past the calendar `time` covers (year 9999) no proof timestamp is valid anyway.
    let nanos = i128::from(ms) * 1_000_000;
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(nanos) else {
        return "Invalid Date".to_owned();
    };
    let weekday = t.weekday().to_string();
    let month = t.month().to_string();
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        &weekday[..3],
        t.day(),
        &month[..3],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The text a recipient-to-be signs to grant `sender` consent (§11.4, TV-9).
pub fn consent_proof_text(timestamp_ms: u64, sender: &str) -> String {
    format!(
        "XMTP : Grant inbox consent to sender\n\nCurrent Time: {}\nFrom Address: {sender}\n\nFor more info: https://xmtp.org/signatures/",
        js_utc_string(timestamp_ms)
    )
}

/// A `ConsentProofPayload` from the wallet's signature over [`consent_proof_text`].
pub fn consent_proof_payload(
    signature: &WalletSignature,
    timestamp_ms: u64,
) -> pb::ConsentProofPayload {
    pb::ConsentProofPayload {
        signature: signature.to_hex(),
        timestamp: timestamp_ms,
        payload_version: pb::ConsentProofPayloadVersion::ConsentProofPayloadVersion1 as i32,
    }
}

/// Longest accepted consent-proof age: 30 days.
pub const CONSENT_PROOF_MAX_AGE_MS: u64 = 30 * 24 * 3600 * 1000;

/// Checks a consent proof found on a conversation with `peer` (the sender, EIP-55): not from the
/// future, at most 30 days old, and signed by `my_wallet`.
pub fn verify_consent_proof(
    proof: &pb::ConsentProofPayload,
    my_wallet: Address,
    peer: Address,
    now_ms: u64,
) -> Result<()> {
    if proof.timestamp > now_ms {
        return Err(Error::Invalid("consent proof from the future"));
    }
    if now_ms - proof.timestamp > CONSENT_PROOF_MAX_AGE_MS {
        return Err(Error::Invalid("consent proof older than 30 days"));
    }
    let signature = WalletSignature::from_hex(&proof.signature)?;
    let text = consent_proof_text(proof.timestamp, &peer.to_string());
    let signer = signature.recover_address(text.as_bytes())?;
    if signer != my_wallet {
        return Err(Error::WrongSigner {
            expected: my_wallet.to_string(),
            actual: signer.to_string(),
        });
    }
    Ok(())
}

/// The peers to allow on consent-list load (§11.4): for each conversation whose invitation
/// carries a consent proof and whose peer (EIP-55, exact string) has no consent yet, the proof
/// must pass [`verify_consent_proof`] for `my_wallet` at `now_ms`. Each peer appears once, in
/// input order; publish them as one [`ConsentAction::Allow`], as JS does.
pub fn peers_allowed_by_proofs<'a>(
    state: &ConsentState,
    my_wallet: Address,
    conversations: impl IntoIterator<Item = &'a Conversation>,
    now_ms: u64,
) -> Vec<Address> {
    let mut allowed: Vec<Address> = Vec::new();
    for conversation in conversations {
        let Some(proof) = &conversation.invitation.consent_proof else {
            continue;
        };
        let peer = conversation.peer;
        if allowed.contains(&peer) || state.get(&peer.to_string()) != Consent::Unknown {
            continue;
        }
        if verify_consent_proof(proof, my_wallet, peer, now_ms).is_ok() {
            allowed.push(peer);
        }
    }
    allowed
}
