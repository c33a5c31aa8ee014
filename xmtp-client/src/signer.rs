//! The wallet boundary: whatever can `personal_sign` (EIP-191) for one address.

use async_trait::async_trait;
use xmtp_crypto::{Address, LocalWallet, WalletSignature};

/// The error a [`WalletSigner`] reports (a refused prompt, a disconnected hardware wallet...).
pub type SignerError = Box<dyn std::error::Error + Send + Sync>;

/// A wallet that signs texts with `personal_sign` (EIP-191). The client asks it for the
/// "Create Identity" and "Enable Identity" signatures (protocol.md §3.2, §5).
///
/// Wallets whose prompts are answered outside the program (a browser extension, WalletConnect)
/// can use [`IdentitySetup`](crate::IdentitySetup) instead, which hands out each text and takes
/// the signature back.
#[async_trait]
pub trait WalletSigner: Send + Sync {
    /// The wallet's address.
    fn address(&self) -> Address;
    /// The 65-byte signature of `text` (EIP-191 `personal_sign`).
    async fn sign_personal(&self, text: &str) -> Result<WalletSignature, SignerError>;
}

#[async_trait]
impl WalletSigner for LocalWallet {
    fn address(&self) -> Address {
        LocalWallet::address(self)
    }

    async fn sign_personal(&self, text: &str) -> Result<WalletSignature, SignerError> {
        Ok(self.personal_sign(text.as_bytes()))
    }
}
