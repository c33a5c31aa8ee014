#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod aead;
mod dh;
mod error;
mod eth;
mod hash;
mod kdf;
mod keys;
mod secret;

pub use crate::aead::{
    Ciphertext, GCM_NONCE_LEN, GCM_TAG_LEN, HKDF_SALT_LEN, decrypt, decrypt_parts, encrypt,
    encrypt_with,
};
pub use crate::dh::{TRIPLE_DH_LEN, triple_dh};
pub use crate::error::{Error, Result};
pub use crate::eth::{Address, LocalWallet, WalletSignature, eip191_hash};
pub use crate::hash::{keccak256, sha256, sha256_concat};
pub use crate::kdf::{hkdf_sha256, hmac_sha256, hmac_sha256_parts, hmac_sha256_verify};
pub use crate::keys::{
    PRIVATE_KEY_LEN, PUBLIC_KEY_LEN, PrivateKey, PublicKey, RecoverableSignature, SIGNATURE_LEN,
};
pub use crate::secret::{SecretBytes, SecretKey32, ct_eq};
