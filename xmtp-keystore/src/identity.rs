//! Creating an identity without ever holding the wallet: this crate hands out the text to sign
//! and takes back the wallet's 65-byte signature, checking who signed it (protocol.md §3.1–3.2).

use xmtp_crypto::{Address, PrivateKey, WalletSignature};

use crate::bundle::PrivateKeyBundle;
use crate::error::{Error, Result};
use crate::keys::{LegacyPublicKey, create_identity_text};

/// Which of the two XMTP wallet prompts a [`SignatureRequest`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureRequestKind {
    /// "XMTP : Create Identity": the wallet vouches for a new identity key.
    CreateIdentity,
    /// "XMTP : Enable Identity": the signature becomes the key that encrypts the private key
    /// bundle stored on the network.
    EnableIdentity,
}

/// Text for the wallet to `personal_sign` (EIP-191).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureRequest {
    /// Which prompt this is.
    pub kind: SignatureRequestKind,
    /// The exact UTF-8 text to sign.
    pub text: String,
}

/// Parses a wallet's 65-byte signature over `text` and checks that it recovers to `expected`.
pub(crate) fn check_wallet_signature(
    expected: Address,
    text: &str,
    signature: &[u8],
) -> Result<WalletSignature> {
    let signature = WalletSignature::from_bytes(signature)?;
    let actual = signature.recover_address(text.as_bytes())?;
    if actual != expected {
        return Err(Error::WrongSigner {
            expected: expected.to_string(),
            actual: actual.to_string(),
        });
    }
    Ok(signature)
}

/// A new identity waiting for the wallet's Create-Identity signature.
///
/// [`IdentityCreation::new`] makes the identity key; [`IdentityCreation::finish`] takes the
/// signature, checks it was made by `wallet`, then adds one signed pre-key, exactly as xmtp-js
/// `PrivateKeyBundleV1.generate` does. A wrong signature leaves the state unchanged, so the
/// caller can ask the wallet again.
pub struct IdentityCreation {
    wallet: Address,
    identity: PrivateKey,
    identity_ms: u64,
    request: SignatureRequest,
}

impl core::fmt::Debug for IdentityCreation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IdentityCreation")
            .field("wallet", &self.wallet)
            .field("identity_ms", &self.identity_ms)
            .finish_non_exhaustive()
    }
}

impl IdentityCreation {
    /// Generates a random identity key created at `now_ms` for `wallet`.
    pub fn new(wallet: Address, now_ms: u64) -> Self {
        Self::with_key(wallet, PrivateKey::generate(), now_ms)
    }

    /// As [`IdentityCreation::new`] with a given identity key (tests, key import).
    pub fn with_key(wallet: Address, identity: PrivateKey, now_ms: u64) -> Self {
        let public = LegacyPublicKey {
            timestamp_ms: now_ms,
            key: *identity.public_key(),
            signature: None,
        };
        let request = SignatureRequest {
            kind: SignatureRequestKind::CreateIdentity,
            text: create_identity_text(&public.bytes_to_sign()),
        };
        Self {
            wallet,
            identity,
            identity_ms: now_ms,
            request,
        }
    }

    /// The Create-Identity text for the wallet.
    pub fn request(&self) -> &SignatureRequest {
        &self.request
    }

    /// Takes the wallet's 65-byte signature (`v` in {0, 1, 27, 28}), checks that it recovers to
    /// the wallet, and completes the bundle with a pre-key created at `now_ms`.
    pub fn finish(&self, signature: &[u8], now_ms: u64) -> Result<PrivateKeyBundle> {
        let signature = check_wallet_signature(self.wallet, &self.request.text, signature)?;
        PrivateKeyBundle::from_identity(self.identity.clone(), self.identity_ms, &signature, now_ms)
    }
}
