//! Ethereum JSON keystores (Web3 Secret Storage v3), as geth, MetaMask and ethers write them: a
//! wallet private key encrypted with AES-128-CTR under a key derived from a password by scrypt or
//! PBKDF2-HMAC-SHA256, and a Keccak-256 MAC that tells a wrong password from a right one.
//!
//! The KDF parameters come from the file, so they are bounded before any work is done: a hostile
//! file can neither crash the program nor make it allocate or spin without limit.

use aes::cipher::{KeyIvInit as _, StreamCipher as _};
use rand::Rng as _;
use serde_json::{Value, json};
use xmtp_crypto::{LocalWallet, PrivateKey, SecretBytes, ct_eq, keccak256};

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// Largest scrypt cost accepted: 2^20 (geth's "standard" is 2^18).
const MAX_SCRYPT_LOG_N: u8 = 20;
/// Largest scrypt memory accepted (128 · r · N bytes): 1 GiB.
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
/// Largest scrypt parallelism accepted.
const MAX_SCRYPT_P: u32 = 16;
/// Largest PBKDF2 iteration count accepted (the spec's vector uses 262 144).
const MAX_PBKDF2_ROUNDS: u32 = 10_000_000;

/// Scrypt cost of the keystores written here: geth's "standard" parameters.
const WRITE_LOG_N: u8 = 18;
const WRITE_R: u32 = 8;
const WRITE_P: u32 = 1;

/// Why a keystore could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum KeyfileError {
    /// The MAC does not match: the password is not this keystore's.
    #[error("wrong keystore password")]
    WrongPassword,
    /// Not a v3 keystore this program can read.
    #[error("not an Ethereum v3 JSON keystore: {0}")]
    Malformed(String),
}

fn malformed(what: impl Into<String>) -> KeyfileError {
    KeyfileError::Malformed(what.into())
}

fn field<'a>(object: &'a Value, name: &str) -> Result<&'a Value, KeyfileError> {
    object
        .get(name)
        .ok_or_else(|| malformed(format!("no \"{name}\"")))
}

fn string<'a>(object: &'a Value, name: &str) -> Result<&'a str, KeyfileError> {
    field(object, name)?
        .as_str()
        .ok_or_else(|| malformed(format!("\"{name}\" is not a string")))
}

fn bytes(object: &Value, name: &str) -> Result<Vec<u8>, KeyfileError> {
    let text = string(object, name)?;
    hex::decode(text.strip_prefix("0x").unwrap_or(text))
        .map_err(|_| malformed(format!("\"{name}\" is not hex")))
}

fn number(object: &Value, name: &str) -> Result<u32, KeyfileError> {
    field(object, name)?
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| malformed(format!("\"{name}\" is not a 32-bit unsigned number")))
}

/// The password-derived key (`dklen` bytes; the first 16 encrypt, the next 16 authenticate).
fn derive_key(crypto: &Value, password: &[u8]) -> Result<SecretBytes, KeyfileError> {
    let params = field(crypto, "kdfparams")?;
    let dklen = usize::try_from(number(params, "dklen")?).unwrap_or(0);
    if !(32..=64).contains(&dklen) {
        return Err(malformed("kdfparams.dklen must be 32 to 64"));
    }
    let salt = bytes(params, "salt")?;
    let mut key = vec![0u8; dklen];
    match string(crypto, "kdf")? {
        "scrypt" => {
            let n = number(params, "n")?;
            let (r, p) = (number(params, "r")?, number(params, "p")?);
            let log_n = u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX);
            let memory = 128 * u64::from(r) * u64::from(n);
            if !n.is_power_of_two() || !(1..=MAX_SCRYPT_LOG_N).contains(&log_n) {
                return Err(malformed(format!(
                    "scrypt n must be a power of two from 2 to 2^{MAX_SCRYPT_LOG_N}"
                )));
            }
            if r == 0 || !(1..=MAX_SCRYPT_P).contains(&p) || memory > MAX_SCRYPT_MEMORY {
                return Err(malformed("scrypt r or p out of range"));
            }
            let params = scrypt::Params::new(log_n, r, p)
                .map_err(|e| malformed(format!("scrypt parameters: {e}")))?;
            scrypt::scrypt(password, &salt, &params, &mut key)
                .map_err(|e| malformed(format!("scrypt: {e}")))?;
        }
        "pbkdf2" => {
            let rounds = number(params, "c")?;
            if !(1..=MAX_PBKDF2_ROUNDS).contains(&rounds) {
                return Err(malformed(format!(
                    "pbkdf2 c must be 1 to {MAX_PBKDF2_ROUNDS}"
                )));
            }
            let prf = string(params, "prf")?;
            if prf != "hmac-sha256" {
                return Err(malformed(format!("unsupported pbkdf2 prf {prf:?}")));
            }
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &salt, rounds, &mut key);
        }
        other => return Err(malformed(format!("unsupported kdf {other:?}"))),
    }
    Ok(SecretBytes::new(key))
}

/// The MAC of `ciphertext` under `key`: Keccak-256 of the key's second 16 bytes, then the
/// ciphertext.
fn mac(key: &SecretBytes, ciphertext: &[u8]) -> [u8; 32] {
    let mut body = key.expose()[16..32].to_vec();
    body.extend_from_slice(ciphertext);
    let digest = keccak256(&body);
    zeroize::Zeroize::zeroize(&mut body);
    digest
}

fn apply_cipher(key: &SecretBytes, iv: &[u8], data: &mut [u8]) -> Result<(), KeyfileError> {
    let mut cipher = Aes128Ctr::new_from_slices(&key.expose()[..16], iv)
        .map_err(|_| malformed("cipherparams.iv must be 16 bytes"))?;
    cipher.apply_keystream(data);
    Ok(())
}

/// Opens a v3 keystore with `password`: the wallet, after the MAC and the `address` field (if
/// any) are checked.
pub fn decrypt(json: &str, password: &[u8]) -> Result<LocalWallet, KeyfileError> {
    let root: Value = serde_json::from_str(json).map_err(|e| malformed(format!("JSON: {e}")))?;
    if root.get("version").and_then(Value::as_u64) != Some(3) {
        return Err(malformed("\"version\" is not 3"));
    }
    // MyEtherWallet and keythereum write "Crypto".
    let crypto = root
        .get("crypto")
        .or_else(|| root.get("Crypto"))
        .ok_or_else(|| malformed("no \"crypto\""))?;
    let cipher = string(crypto, "cipher")?;
    if cipher != "aes-128-ctr" {
        return Err(malformed(format!("unsupported cipher {cipher:?}")));
    }
    let iv = bytes(field(crypto, "cipherparams")?, "iv")?;
    let mut plaintext = bytes(crypto, "ciphertext")?;
    if plaintext.len() != 32 {
        return Err(malformed("the ciphertext is not a 32-byte private key"));
    }
    let expected_mac = bytes(crypto, "mac")?;
    let key = derive_key(crypto, password)?;
    if !ct_eq(&mac(&key, &plaintext), &expected_mac) {
        return Err(KeyfileError::WrongPassword);
    }
    apply_cipher(&key, &iv, &mut plaintext)?;
    let secret = SecretBytes::new(plaintext);
    let wallet = PrivateKey::from_bytes(secret.expose())
        .map(LocalWallet::from_private_key)
        .map_err(|e| malformed(format!("the private key: {e}")))?;
    if let Some(address) = root.get("address").and_then(Value::as_str) {
        let digits = address.strip_prefix("0x").unwrap_or(address);
        let own = wallet.address().to_string();
        if !own[2..].eq_ignore_ascii_case(digits) {
            return Err(malformed(format!(
                "its \"address\" {address} is not the address of its key ({own})"
            )));
        }
    }
    Ok(wallet)
}

/// Writes `wallet` as a v3 keystore (scrypt, geth's standard cost) under `password`.
pub fn encrypt(wallet: &LocalWallet, password: &[u8]) -> Result<String, KeyfileError> {
    encrypt_with(wallet, password, WRITE_LOG_N)
}

fn encrypt_with(wallet: &LocalWallet, password: &[u8], log_n: u8) -> Result<String, KeyfileError> {
    let mut rng = rand::rng();
    let mut salt = [0u8; 32];
    let mut iv = [0u8; 16];
    let mut id = [0u8; 16];
    rng.fill_bytes(&mut salt);
    rng.fill_bytes(&mut iv);
    rng.fill_bytes(&mut id);
    // A random (version 4, RFC 4122 variant) UUID.
    id[6] = (id[6] & 0x0f) | 0x40;
    id[8] = (id[8] & 0x3f) | 0x80;
    let id = hex::encode(id);
    let crypto_params = json!({
        "dklen": 32, "n": 1u32 << log_n, "r": WRITE_R, "p": WRITE_P, "salt": hex::encode(salt),
    });
    let key = derive_key(
        &json!({ "kdf": "scrypt", "kdfparams": crypto_params }),
        password,
    )?;
    let mut ciphertext = wallet.private_key().to_bytes().expose().to_vec();
    apply_cipher(&key, &iv, &mut ciphertext)?;
    let mac = mac(&key, &ciphertext);
    let document = json!({
        "address": wallet.address().to_string()[2..].to_ascii_lowercase(),
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": { "iv": hex::encode(iv) },
            "ciphertext": hex::encode(&ciphertext),
            "kdf": "scrypt",
            "kdfparams": crypto_params,
            "mac": hex::encode(mac),
        },
        "id": format!("{}-{}-{}-{}-{}", &id[..8], &id[8..12], &id[12..16], &id[16..20], &id[20..]),
        "version": 3,
    });
    serde_json::to_string_pretty(&document).map_err(|e| malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{KeyfileError, decrypt, encrypt_with};
    use xmtp_crypto::LocalWallet;

    /// The Web3 Secret Storage definition's test vectors (ethereum.org, "Web3 Secret Storage
    /// Definition", test vectors): password "testpassword", this secret.
    const SECRET: &str = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
    const ADDRESS: &str = "0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b";
    const PBKDF2: &str = include_str!("../tests/vectors/web3-secret-storage-pbkdf2.json");
    const SCRYPT: &str = include_str!("../tests/vectors/web3-secret-storage-scrypt.json");

    #[test]
    fn the_spec_vectors_open_with_their_password() {
        for vector in [PBKDF2, SCRYPT] {
            let wallet = decrypt(vector, b"testpassword").unwrap();
            assert_eq!(
                hex::encode(wallet.private_key().to_bytes().expose()),
                SECRET
            );
            assert_eq!(wallet.address().to_string().to_ascii_lowercase(), ADDRESS);
            assert!(matches!(
                decrypt(vector, b"testpassworD"),
                Err(KeyfileError::WrongPassword)
            ));
        }
    }

    #[test]
    fn a_written_keystore_reads_back() {
        let wallet = LocalWallet::generate();
        let json = encrypt_with(&wallet, b"correct horse", 10).unwrap();
        assert_eq!(
            decrypt(&json, b"correct horse").unwrap().address(),
            wallet.address()
        );
        assert!(matches!(
            decrypt(&json, b"battery staple"),
            Err(KeyfileError::WrongPassword)
        ));
    }

    #[test]
    fn tampering_and_hostile_parameters_are_typed_errors() {
        let vector: serde_json::Value = serde_json::from_str(PBKDF2).unwrap();
        let with = |path: &[&str], value: serde_json::Value| {
            let mut v = vector.clone();
            let mut at = &mut v;
            for key in &path[..path.len() - 1] {
                at = &mut at[*key];
            }
            at[path[path.len() - 1]] = value;
            v.to_string()
        };
        let mut flipped = hex::decode(vector["crypto"]["ciphertext"].as_str().unwrap()).unwrap();
        flipped[0] ^= 1;
        let cases = [
            // A flipped ciphertext bit fails the MAC like a wrong password would.
            (
                with(&["crypto", "ciphertext"], hex::encode(flipped).into()),
                true,
            ),
            (with(&["crypto", "kdfparams", "dklen"], 16.into()), false),
            (with(&["crypto", "kdfparams", "c"], u32::MAX.into()), false),
            (with(&["crypto", "kdfparams", "c"], 0.into()), false),
            (
                with(&["crypto", "kdfparams", "prf"], "hmac-md5".into()),
                false,
            ),
            (with(&["crypto", "cipher"], "aes-128-cbc".into()), false),
            (with(&["crypto", "cipherparams", "iv"], "00".into()), false),
            (with(&["crypto", "mac"], "zz".into()), false),
            (with(&["crypto", "kdf"], "argon2".into()), false),
            (with(&["version"], 2.into()), false),
            (with(&["address"], ADDRESS.replace('8', "9").into()), false),
            ("{".to_owned(), false),
            ("[]".to_owned(), false),
        ];
        for (json, wrong_password) in cases {
            match decrypt(&json, b"testpassword") {
                Err(KeyfileError::WrongPassword) => assert!(wrong_password, "{json}"),
                Err(KeyfileError::Malformed(_)) => assert!(!wrong_password, "{json}"),
                Ok(_) => panic!("opened a bad keystore: {json}"),
            }
        }
        let scrypt: serde_json::Value = serde_json::from_str(SCRYPT).unwrap();
        for (name, value) in [("n", 1000u32), ("n", 1 << 30), ("p", 0), ("r", 1 << 20)] {
            let mut v = scrypt.clone();
            v["crypto"]["kdfparams"][name] = value.into();
            assert!(
                matches!(
                    decrypt(&v.to_string(), b"testpassword"),
                    Err(KeyfileError::Malformed(_))
                ),
                "{name}={value}"
            );
        }
    }
}
