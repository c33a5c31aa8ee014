//! Ethereum: addresses with EIP-55 checksums, EIP-191 personal-message hashing, 65-byte wallet
//! signatures, and a local wallet that signs the way MetaMask's `personal_sign` does.

use core::fmt;
use core::str::FromStr;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{Error, Result};
use crate::hash::keccak256;
use crate::keys::{PrivateKey, PublicKey, RecoverableSignature, SIGNATURE_LEN};
use crate::secret::SecretBytes;

/// A 20-byte Ethereum address. `Display` gives the EIP-55 checksummed `0x…` form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address([u8; 20]);

impl Address {
    /// The address of a public key: the last 20 bytes of `keccak256(X || Y)`.
    pub fn from_public_key(key: &PublicKey) -> Self {
        let hash = keccak256(&key.as_bytes()[1..]);
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&hash[12..]);
        Self(bytes)
    }

    /// Wraps 20 raw bytes.
    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes)
    }

    /// The raw 20 bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The EIP-55 mixed-case checksummed form, `0x` followed by 40 hex digits.
    pub fn to_checksum(&self) -> String {
        let lower = hex::encode(self.0);
        let hash = keccak256(lower.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0x0f;
            if c.is_ascii_alphabetic() && nibble >= 8 {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Normalises any accepted spelling of an address to its EIP-55 form.
    pub fn normalize(text: &str) -> Result<String> {
        Ok(text.parse::<Self>()?.to_checksum())
    }
}

impl FromStr for Address {
    type Err = Error;

    /// Accepts `0x` + 40 hex digits (the prefix may be omitted). All-lower-case and all-upper-case
    /// digits are taken as they are; mixed case must carry a correct EIP-55 checksum.
    fn from_str(text: &str) -> Result<Self> {
        let digits = text
            .strip_prefix("0x")
            .or_else(|| text.strip_prefix("0X"))
            .unwrap_or(text);
        if digits.len() != 40 {
            return Err(Error::InvalidAddress(
                "must be 0x followed by 40 hex digits",
            ));
        }
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::InvalidAddress(
                "contains a character that is not a hex digit",
            ));
        }
        let mut bytes = [0u8; 20];
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| Error::InvalidAddress("not hex"))?;
        let address = Self(bytes);
        let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper && address.to_checksum()[2..] != *digits {
            return Err(Error::AddressChecksum);
        }
        Ok(address)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksum())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_checksum())
    }
}

/// The EIP-191 "personal message" hash:
/// `keccak256("\x19Ethereum Signed Message:\n" || decimal(len) || message)`.
pub fn eip191_hash(message: &[u8]) -> [u8; 32] {
    let mut data = Vec::with_capacity(message.len() + 32);
    data.extend_from_slice(b"\x19Ethereum Signed Message:\n");
    data.extend_from_slice(message.len().to_string().as_bytes());
    data.extend_from_slice(message);
    keccak256(&data)
}

/// A 65-byte wallet signature `r || s || v` as wallets return it from `personal_sign`.
///
/// Some signatures double as encryption keys (the "Enable Identity" one), so this zeroizes on drop
/// and `Debug` shows only the recovery id.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct WalletSignature {
    rs: [u8; SIGNATURE_LEN],
    recovery: u8,
}

impl WalletSignature {
    /// Parses 65 bytes with `v` in {0, 1, 27, 28}; `recovery = 1 - (v mod 2)` after lifting 0/1 to
    /// 27/28, as xmtp-js `splitSignature` does.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != SIGNATURE_LEN + 1 {
            return Err(Error::MalformedSignature(
                "wallet signature must be 65 bytes r || s || v",
            ));
        }
        let v = bytes[SIGNATURE_LEN];
        let recovery = match v {
            0 | 27 => 0,
            1 | 28 => 1,
            other => return Err(Error::InvalidRecoveryId(other)),
        };
        let mut rs = [0u8; SIGNATURE_LEN];
        rs.copy_from_slice(&bytes[..SIGNATURE_LEN]);
        Ok(Self { rs, recovery })
    }

    /// Parses the `0x…` hex string a wallet returns (the prefix is optional).
    pub fn from_hex(text: &str) -> Result<Self> {
        let digits = text.trim().trim_start_matches("0x");
        let bytes = hex::decode(digits).map_err(|_| Error::InvalidHex("wallet signature"))?;
        Self::from_bytes(&bytes)
    }

    /// Builds one from a compact signature and its recovery id.
    pub fn from_recoverable(sig: &RecoverableSignature) -> Result<Self> {
        if sig.recovery > 1 {
            return Err(Error::InvalidRecoveryId(sig.recovery));
        }
        Ok(Self {
            rs: sig.bytes,
            recovery: sig.recovery,
        })
    }

    /// The compact signature with its recovery id (0 or 1), as stored in XMTP `Signature` messages.
    pub fn to_recoverable(&self) -> RecoverableSignature {
        RecoverableSignature {
            bytes: self.rs,
            recovery: self.recovery,
        }
    }

    /// The recovery id, 0 or 1.
    pub fn recovery(&self) -> u8 {
        self.recovery
    }

    /// The 65 bytes with `v = 27 + recovery`, the form MetaMask returns.
    pub fn to_bytes_v27(&self) -> SecretBytes {
        self.to_bytes_with_base(27)
    }

    /// The 65 bytes with `v = recovery` (0 or 1), the form some hardware wallets return.
    pub fn to_bytes_v0(&self) -> SecretBytes {
        self.to_bytes_with_base(0)
    }

    fn to_bytes_with_base(&self, base: u8) -> SecretBytes {
        let mut bytes = Vec::with_capacity(SIGNATURE_LEN + 1);
        bytes.extend_from_slice(&self.rs);
        bytes.push(base + self.recovery);
        SecretBytes::new(bytes)
    }

    /// `0x` + hex of the 65 bytes with `v = 27 + recovery`.
    pub fn to_hex(&self) -> String {
        format!("0x{}", hex::encode(self.to_bytes_v27().expose()))
    }

    /// Recovers the signing wallet's address for a `personal_sign`ed message.
    pub fn recover_address(&self, message: &[u8]) -> Result<Address> {
        let digest = eip191_hash(message);
        Ok(PublicKey::recover_prehash(&digest, &self.to_recoverable())?.eth_address())
    }
}

impl fmt::Debug for WalletSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WalletSignature([redacted], recovery={})", self.recovery)
    }
}

/// A wallet whose private key is held locally: for the CLI, tests and bots.
#[derive(Clone, Debug)]
pub struct LocalWallet {
    key: PrivateKey,
    address: Address,
}

impl LocalWallet {
    /// A fresh random wallet.
    pub fn generate() -> Self {
        Self::from_private_key(PrivateKey::generate())
    }

    /// A wallet for an existing key.
    pub fn from_private_key(key: PrivateKey) -> Self {
        let address = key.public_key().eth_address();
        Self { key, address }
    }

    /// Parses a 32-byte private key written in hex, with or without `0x`.
    pub fn from_hex(text: &str) -> Result<Self> {
        let digits = text.trim().trim_start_matches("0x");
        let bytes = SecretBytes::new(
            hex::decode(digits).map_err(|_| Error::InvalidHex("wallet private key"))?,
        );
        Ok(Self::from_private_key(PrivateKey::from_bytes(
            bytes.expose(),
        )?))
    }

    /// The wallet's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The wallet's private key.
    pub fn private_key(&self) -> &PrivateKey {
        &self.key
    }

    /// Signs `message` as `personal_sign` does: an RFC 6979 low-S signature over the EIP-191 hash.
    pub fn personal_sign(&self, message: &[u8]) -> WalletSignature {
        let sig = self.key.sign_prehash(&eip191_hash(message));
        WalletSignature {
            rs: sig.bytes,
            recovery: sig.recovery,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eip55_known_answers() {
        // Examples from the EIP-55 specification.
        for addr in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            let parsed: Address = addr.parse().unwrap();
            assert_eq!(parsed.to_checksum(), addr);
            assert_eq!(addr.to_lowercase().parse::<Address>().unwrap(), parsed);
            assert_eq!(
                format!("0x{}", &addr[2..].to_uppercase())
                    .parse::<Address>()
                    .unwrap(),
                parsed
            );
        }
    }

    #[test]
    fn rejects_bad_addresses() {
        assert_eq!(
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD".parse::<Address>(),
            Err(Error::AddressChecksum)
        );
        assert!(
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe"
                .parse::<Address>()
                .is_err()
        );
        assert!(
            "0xzaAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
                .parse::<Address>()
                .is_err()
        );
        assert!("".parse::<Address>().is_err());
        assert!(
            "0xé5aeb6053f3e94c9b9a09f33669435e7ef1beae"
                .parse::<Address>()
                .is_err()
        );
    }

    #[test]
    fn wallet_signature_v_forms() {
        let wallet = LocalWallet::generate();
        let sig = wallet.personal_sign(b"hello");
        assert_eq!(sig.recover_address(b"hello").unwrap(), wallet.address());
        let v27 = sig.to_bytes_v27();
        let v0 = sig.to_bytes_v0();
        assert_eq!(WalletSignature::from_bytes(v27.expose()).unwrap(), sig);
        assert_eq!(WalletSignature::from_bytes(v0.expose()).unwrap(), sig);
        assert_eq!(WalletSignature::from_hex(&sig.to_hex()).unwrap(), sig);
        let mut bad = v27.expose().to_vec();
        bad[64] = 29;
        assert_eq!(
            WalletSignature::from_bytes(&bad),
            Err(Error::InvalidRecoveryId(29))
        );
        assert!(WalletSignature::from_bytes(&bad[..64]).is_err());
    }
}
