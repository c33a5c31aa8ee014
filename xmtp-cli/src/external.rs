//! External-wallet mode: a wallet that signs outside this program. Each text to sign is printed
//! (JSON on stdout with `--json`, else on stderr) and its signature read back from stdin, one
//! line of hex each; a signature from another wallet is refused.

use async_trait::async_trait;
use serde_json::json;
use xmtp_client::{SignerError, WalletSigner};
use xmtp_crypto::{Address, WalletSignature};

use crate::exit::{Failure, code};

/// A wallet answered on stdin.
pub struct ExternalWallet {
    address: Address,
    json: bool,
}

impl ExternalWallet {
    /// The wallet at `address`; `json` prints requests as JSON objects on stdout.
    pub fn new(address: Address, json: bool) -> Self {
        Self { address, json }
    }

    fn ask(&self, text: &str) -> anyhow::Result<()> {
        let kind = if text.starts_with("XMTP : Create Identity") {
            "create_identity"
        } else {
            "enable_identity"
        };
        if self.json {
            crate::output::line(&json!({
                "event": "signature_request",
                "kind": kind,
                "address": self.address.to_string(),
                "text": text,
            }))
        } else {
            eprintln!(
                "Sign this text with {} (personal_sign), then paste the signature (65 bytes, \
                 hex) and press Enter:\n-----BEGIN TEXT-----\n{text}\n-----END TEXT-----",
                self.address
            );
            Ok(())
        }
    }

    /// Parses one line of hex and checks it is `address`'s signature of `text`.
    pub fn check(address: Address, text: &str, line: &str) -> Result<WalletSignature, Failure> {
        let digits = line.trim();
        let digits = digits.strip_prefix("0x").unwrap_or(digits);
        let bad = |why: String| Failure::new(code::USAGE, format!("bad wallet signature: {why}"));
        let bytes = hex::decode(digits).map_err(|_| bad("not hex".to_owned()))?;
        let signature = WalletSignature::from_bytes(&bytes).map_err(|e| bad(e.to_string()))?;
        let signer = signature
            .recover_address(text.as_bytes())
            .map_err(|e| bad(e.to_string()))?;
        if signer != address {
            return Err(bad(format!(
                "it was made by {signer}, not by {address} (or over another text)"
            )));
        }
        Ok(signature)
    }
}

#[async_trait]
impl WalletSigner for ExternalWallet {
    fn address(&self) -> Address {
        self.address
    }

    async fn sign_personal(&self, text: &str) -> Result<WalletSignature, SignerError> {
        self.ask(text)?;
        let line = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map(|n| (n, line))
        })
        .await
        .map_err(|e| Box::new(e) as SignerError)??;
        let (read, line) = line;
        if read == 0 {
            return Err(Box::new(Failure::new(
                code::USAGE,
                "no signature: stdin ended before the wallet's signature was given",
            )));
        }
        Ok(Self::check(self.address, text, &line)?)
    }
}
