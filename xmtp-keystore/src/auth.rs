//! API authentication tokens: how the SDK builds them (network.md §3.1) and how the node checks
//! them (§3.2), in one place so both sides agree byte for byte.
//!
//! ```
//! use xmtp_keystore::{AuthToken, DEFAULT_MAX_AGE_NS, verify_auth_header};
//! # use xmtp_keystore::{IdentityCreation};
//! # use xmtp_crypto::LocalWallet;
//! # let wallet = LocalWallet::generate();
//! # let creation = IdentityCreation::new(wallet.address(), 1_700_000_000_000);
//! # let sig = wallet.personal_sign(creation.request().text.as_bytes());
//! # let bundle = creation.finish(sig.to_bytes_v27().expose(), 1_700_000_000_001)?;
//! let now_ns = 1_700_000_000_000_000_000;
//! let token = AuthToken::create(&bundle, now_ns);
//! let wallet = verify_auth_header(&token.authorization_header(), now_ns, DEFAULT_MAX_AGE_NS)?;
//! assert_eq!(wallet, bundle.wallet_address());
//! # Ok::<(), xmtp_keystore::Error>(())
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use xmtp_crypto::{Address, PublicKey, RecoverableSignature, eip191_hash, keccak256};
use xmtp_proto::Message;
use xmtp_proto::message_api::v1 as api;
use xmtp_proto::message_contents as pb;

use crate::bundle::PrivateKeyBundle;
use crate::keys::{KeySignature, create_identity_text};

/// The node's token lifetime: one hour (`TokenExpiration = time.Hour`).
pub const DEFAULT_MAX_AGE_NS: u64 = 3_600 * 1_000_000_000;

/// The SDK reuses a token until it is this old (`60*60 - 10` s), then makes a new one.
pub const REFRESH_AGE_NS: u64 = 3_590 * 1_000_000_000;

/// Why a token was refused. `Display` gives the xmtp-node-go message text exactly (without
/// gRPC's `rpc error: code = Unauthenticated desc = ` prefix); every variant maps to
/// `UNAUTHENTICATED`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The request carried no gRPC metadata at all.
    #[error("metadata is not provided")]
    MetadataNotProvided,
    /// No `authorization` metadata value.
    #[error("authorization token is not provided")]
    TokenNotProvided,
    /// The header value does not split on a space into scheme and token.
    #[error("invalid authorization header")]
    InvalidHeader,
    /// The scheme is not exactly `Bearer` (case-sensitive).
    #[error("unrecognized authorization scheme {0}")]
    UnrecognizedScheme(String),
    /// The token is not strict padded standard base64; holds the offending input offset.
    #[error("extracting token: illegal base64 data at input byte {0}")]
    Base64(usize),
    /// The base64 decoded to bytes that are not a `Token`.
    #[error("extracting token: proto: cannot parse invalid wire-format data")]
    TokenProtobuf,
    /// The token has no identity key, or the identity key has no wallet signature.
    #[error("extracting token: missing identity key")]
    MissingIdentityKey,
    /// A signature that is not 64 bytes.
    #[error("validating token: invalid signature length")]
    InvalidSignatureLength,
    /// A signature in the wrong or no oneof arm.
    #[error("validating token: unknown signature type")]
    UnknownSignatureType,
    /// A wallet signature recovery id other than 0 or 1.
    #[error("validating token: invalid signature recovery id")]
    InvalidRecoveryId,
    /// No public key can be recovered from the wallet signature.
    #[error("validating token: recovery failed")]
    RecoveryFailed,
    /// `auth_data_bytes` is empty.
    #[error("validating token: missing auth data")]
    MissingAuthData,
    /// `auth_data_signature` is absent.
    #[error("validating token: missing auth data signature")]
    MissingAuthDataSignature,
    /// The identity key is not a `secp256k1_uncompressed` key.
    #[error("validating token: unknown public key type")]
    UnknownPublicKeyType,
    /// The identity key is not 65 bytes.
    #[error("validating token: invalid public key")]
    InvalidPublicKey,
    /// The auth-data signature does not verify (wrong key, tampered data, or high-S).
    #[error("validating token: invalid signature")]
    InvalidSignature,
    /// `auth_data_bytes` is not an `AuthData`.
    #[error("validating token: proto: cannot parse invalid wire-format data")]
    AuthDataProtobuf,
    /// `AuthData.wallet_addr` is not exactly the EIP-55 address that signed the identity key.
    #[error("validating token: wallet address mismatch")]
    WalletAddressMismatch,
    /// `now - created_ns` exceeds the maximum age.
    #[error("validating token: token expired")]
    TokenExpired,
}

impl AuthError {
    /// Only an expired token is worth retrying, with a fresh token (the SDK does this on code 16).
    pub fn is_retryable(&self) -> bool {
        matches!(self, AuthError::TokenExpired)
    }
}

/// A token ready for the `Authorization` header, as xmtp-js `LocalAuthenticator` makes it.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthToken {
    base64: String,
    created_ns: u64,
}

impl core::fmt::Debug for AuthToken {
    // A token is a bearer credential for an hour: never print it.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AuthToken")
            .field("created_ns", &self.created_ns)
            .field("token", &"[redacted]")
            .finish()
    }
}

impl AuthToken {
    /// Signs `AuthData{wallet_addr, created_ns}` with the identity key (keccak-256 digest, low-S,
    /// `ecdsa_compact`) and wraps it in a `Token` with the legacy identity public key carrying the
    /// wallet's signature in `ecdsa_compact`.
    pub fn create(bundle: &PrivateKeyBundle, created_ns: u64) -> Self {
        let auth_data_bytes = api::AuthData {
            wallet_addr: bundle.wallet_address().to_string(),
            created_ns,
        }
        .encode_to_vec();
        let signature = KeySignature::sign(bundle.identity_secret(), &keccak256(&auth_data_bytes));
        let token = api::Token {
            identity_key: Some(bundle.identity_key().as_legacy_unchecked().to_proto()),
            auth_data_bytes,
            auth_data_signature: Some(signature.to_proto()),
        };
        Self {
            base64: STANDARD.encode(token.encode_to_vec()),
            created_ns,
        }
    }

    /// The padded standard base64 of the encoded `Token`.
    pub fn as_str(&self) -> &str {
        &self.base64
    }

    /// `Bearer <token>`, the `authorization` metadata / HTTP header value.
    pub fn authorization_header(&self) -> String {
        format!("Bearer {}", self.base64)
    }

    /// When the token was made.
    pub fn created_ns(&self) -> u64 {
        self.created_ns
    }

    /// Whether the SDK would still reuse it at `now_ns` (younger than [`REFRESH_AGE_NS`]).
    pub fn is_fresh(&self, now_ns: u64) -> bool {
        now_ns.saturating_sub(self.created_ns) < REFRESH_AGE_NS
    }
}

/// Makes a token for `bundle` at `created_ns` and returns its base64 (see [`AuthToken::create`]).
pub fn create_auth_token(bundle: &PrivateKeyBundle, created_ns: u64) -> String {
    AuthToken::create(bundle, created_ns).base64
}

/// The node's check of an `authorization` value (network.md §3.2 steps 2–7): returns the
/// authenticated wallet. Tokens older than `max_age_ns` at `now_ns` are expired; tokens from the
/// future are accepted, as the node does. A request without the header should be refused with
/// [`AuthError::TokenNotProvided`] by the caller.
pub fn verify_auth_header(
    header_value: &str,
    now_ns: u64,
    max_age_ns: u64,
) -> Result<Address, AuthError> {
    let (scheme, rest) = header_value
        .split_once(' ')
        .ok_or(AuthError::InvalidHeader)?;
    let scheme = scheme.trim();
    if scheme != "Bearer" {
        return Err(AuthError::UnrecognizedScheme(scheme.to_owned()));
    }
    let bytes = STANDARD.decode(rest.trim()).map_err(|e| {
        AuthError::Base64(match e {
            base64::DecodeError::InvalidByte(at, _)
            | base64::DecodeError::InvalidLastSymbol(at, _) => at,
            base64::DecodeError::InvalidLength(len) => len,
            base64::DecodeError::InvalidPadding => rest.trim().len(),
        })
    })?;
    let token = api::Token::decode(bytes.as_slice()).map_err(|_| AuthError::TokenProtobuf)?;
    verify_token(&token, now_ns, max_age_ns)
}

/// Steps 3–7 on an already decoded `Token`.
pub fn verify_token(
    token: &api::Token,
    now_ns: u64,
    max_age_ns: u64,
) -> Result<Address, AuthError> {
    let identity = token
        .identity_key
        .as_ref()
        .ok_or(AuthError::MissingIdentityKey)?;
    let wallet_sig = identity
        .signature
        .as_ref()
        .ok_or(AuthError::MissingIdentityKey)?;
    let wallet = recover_identity_wallet(identity, wallet_sig)?;

    if token.auth_data_bytes.is_empty() {
        return Err(AuthError::MissingAuthData);
    }
    let auth_sig = token
        .auth_data_signature
        .as_ref()
        .ok_or(AuthError::MissingAuthDataSignature)?;
    let Some(pb::public_key::Union::Secp256k1Uncompressed(key)) = &identity.union else {
        return Err(AuthError::UnknownPublicKeyType);
    };
    if key.bytes.len() != xmtp_crypto::PUBLIC_KEY_LEN {
        return Err(AuthError::InvalidPublicKey);
    }
    let Some(pb::signature::Union::EcdsaCompact(sig)) = &auth_sig.union else {
        return Err(AuthError::UnknownSignatureType);
    };
    PublicKey::from_uncompressed(&key.bytes)
        .and_then(|k| k.verify_prehash(&keccak256(&token.auth_data_bytes), &sig.bytes))
        .map_err(|_| AuthError::InvalidSignature)?;
    let auth_data = api::AuthData::decode(token.auth_data_bytes.as_slice())
        .map_err(|_| AuthError::AuthDataProtobuf)?;

    if auth_data.wallet_addr != wallet.to_string() {
        return Err(AuthError::WalletAddressMismatch);
    }
    if now_ns.saturating_sub(auth_data.created_ns) > max_age_ns {
        return Err(AuthError::TokenExpired);
    }
    Ok(wallet)
}

/// Step 4: the wallet behind the identity key, from either signature slot.
fn recover_identity_wallet(
    identity: &pb::PublicKey,
    signature: &pb::Signature,
) -> Result<Address, AuthError> {
    let (bytes, recovery) = match &signature.union {
        Some(pb::signature::Union::EcdsaCompact(s)) => (&s.bytes, s.recovery),
        Some(pb::signature::Union::WalletEcdsaCompact(s)) => (&s.bytes, s.recovery),
        None => return Err(AuthError::UnknownSignatureType),
    };
    if bytes.len() != xmtp_crypto::SIGNATURE_LEN {
        return Err(AuthError::InvalidSignatureLength);
    }
    let sig = RecoverableSignature::from_parts(bytes, recovery)
        .map_err(|_| AuthError::InvalidRecoveryId)?;
    let unsigned = pb::PublicKey {
        signature: None,
        ..identity.clone()
    };
    let text = create_identity_text(&unsigned.encode_to_vec());
    let key = PublicKey::recover_prehash(&eip191_hash(text.as_bytes()), &sig)
        .map_err(|_| AuthError::RecoveryFailed)?;
    Ok(key.eth_address())
}
