//! The data directory (`XMTP_HOME`, default `~/.xmtp`) and the profiles in it: one directory per
//! profile under `profiles/`, holding its wallet (`wallet.key`, a hex private key; or
//! `wallet.json`, an Ethereum v3 JSON keystore opened with its password; or `external.address`,
//! a wallet that signs outside the program; all mode 0600) and the client's sealed local
//! keystore (`keystore`).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xmtp_crypto::LocalWallet;

use crate::exit::{Failure, code};

/// The data directory: `--home`/`XMTP_HOME`, else `~/.xmtp`.
pub fn home(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    let user_home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            Failure::new(
                code::USAGE,
                "no home directory (HOME is not set): set XMTP_HOME to choose a data directory",
            )
        })?;
    Ok(PathBuf::from(user_home).join(".xmtp"))
}

/// Creates `dir` (and its parents) readable by this user only.
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// One profile of the data directory.
#[derive(Debug)]
pub struct Profile {
    /// Its name (`--profile`).
    pub name: String,
    /// Its directory.
    pub dir: PathBuf,
}

impl Profile {
    /// The profile `name` under `home`; the name must be a plain file name.
    pub fn new(home: &Path, name: &str) -> anyhow::Result<Self> {
        let valid = !name.is_empty()
            && name.len() <= 64
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(Failure::new(
                code::USAGE,
                format!(
                    "invalid profile name {name:?}: use letters, digits, '-', '_' and '.' (not first)"
                ),
            )
            .into());
        }
        Ok(Self {
            name: name.to_owned(),
            dir: home.join("profiles").join(name),
        })
    }

    /// The wallet key file.
    pub fn key_file(&self) -> PathBuf {
        self.dir.join("wallet.key")
    }

    /// The client's sealed local keystore.
    pub fn keystore_file(&self) -> PathBuf {
        self.dir.join("keystore")
    }

    /// The profile's wallet, or `None` if it has no identity yet.
    pub fn wallet(&self) -> anyhow::Result<Option<LocalWallet>> {
        let path = self.key_file();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let wallet = LocalWallet::from_hex(text.trim()).map_err(|e| {
            Failure::new(
                code::FAILURE,
                format!("{} does not hold a wallet key: {e}", path.display()),
            )
        })?;
        Ok(Some(wallet))
    }

    /// Keys imported with `xmtp keys import` (no wallet), kept in `identity.keys`.
    pub fn keys_file(&self) -> PathBuf {
        self.dir.join("identity.keys")
    }

    /// The Ethereum JSON keystore holding the wallet (`init --keystore`).
    pub fn wallet_keystore_file(&self) -> PathBuf {
        self.dir.join("wallet.json")
    }

    /// The address of the external wallet (`init --external-wallet`).
    pub fn external_file(&self) -> PathBuf {
        self.dir.join("external.address")
    }

    /// The profile's identity, or `None` if it has none yet.
    pub fn identity(&self) -> anyhow::Result<Option<Identity>> {
        if let Some(wallet) = self.wallet()? {
            return Ok(Some(Identity::Wallet(Box::new(wallet))));
        }
        if let Some(json) = read_optional(&self.wallet_keystore_file())? {
            return Identity::keystore(json, self.wallet_keystore_file()).map(Some);
        }
        if let Some(text) = read_optional(&self.external_file())? {
            let address = text.trim().parse().map_err(|e| {
                Failure::new(
                    code::FAILURE,
                    format!(
                        "{} does not hold an address: {e}",
                        self.external_file().display()
                    ),
                )
            })?;
            return Ok(Some(Identity::External(address)));
        }
        let path = self.keys_file();
        let Some(text) = read_optional(&path)? else {
            return Ok(None);
        };
        let keys = Identity::keys_from_hex(&text).map_err(|e| {
            Failure::new(
                code::FAILURE,
                format!("{} does not hold a key bundle: {e}", path.display()),
            )
        })?;
        Ok(Some(keys))
    }

    /// The profile's identity, or the "run `xmtp init`" failure.
    pub fn require_identity(&self) -> anyhow::Result<Identity> {
        self.identity()?.ok_or_else(|| {
            let flag = if self.name == crate::DEFAULT_PROFILE {
                String::new()
            } else {
                format!(" --profile {}", self.name)
            };
            Failure::new(
                code::NO_IDENTITY,
                format!(
                    "no identity in profile {:?} yet: run `xmtp{flag} init` to create one \
                     (or `xmtp{flag} init --import HEX`), or pass --wallet-key / XMTP_WALLET_KEY",
                    self.name
                ),
            )
            .into()
        })
    }

    /// Writes the wallet key (mode 0600); refuses to overwrite an existing one.
    pub fn save_wallet(&self, wallet: &LocalWallet) -> anyhow::Result<()> {
        let key = wallet.private_key().to_bytes();
        self.save_secret(&self.key_file(), key.expose())
    }

    /// Writes imported keys (mode 0600); refuses to overwrite existing ones.
    pub fn save_keys(&self, keys: &[u8]) -> anyhow::Result<()> {
        self.save_secret(&self.keys_file(), keys)
    }

    /// Writes a wallet's JSON keystore (mode 0600); refuses to overwrite an existing one.
    pub fn save_wallet_keystore(&self, json: &str) -> anyhow::Result<()> {
        self.save_file(&self.wallet_keystore_file(), json)
    }

    /// Writes an external wallet's address; refuses to overwrite an existing one.
    pub fn save_external(&self, address: xmtp_crypto::Address) -> anyhow::Result<()> {
        self.save_file(&self.external_file(), &address.to_string())
    }

    fn save_secret(&self, path: &Path, secret: &[u8]) -> anyhow::Result<()> {
        self.save_file(path, &hex::encode(secret))
    }

    fn save_file(&self, path: &Path, text: &str) -> anyhow::Result<()> {
        create_private_dir(&self.dir)?;
        write_new_private(path, text)
    }
}

/// Writes `text` and a newline to a new file readable by this user only (mode 0600); refuses to
/// overwrite an existing file.
pub fn write_new_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    writeln!(file, "{text}")
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

/// The contents of `path`, or `None` if there is no such file.
fn read_optional(path: &Path) -> anyhow::Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Who the client signs in as.
pub enum Identity {
    /// A wallet: the identity is loaded from (or created on) the network with its signatures.
    Wallet(Box<LocalWallet>),
    /// A wallet in an Ethereum JSON keystore, still locked (its password opens it).
    Keystore {
        /// The keystore.
        json: String,
        /// Where it was read from.
        path: PathBuf,
        /// Its `address` field.
        address: xmtp_crypto::Address,
    },
    /// A wallet that signs outside the program: each text is printed, each signature read back.
    External(xmtp_crypto::Address),
    /// Exported keys (`xmtp keys export`, JS `Client.getKeys()`): no wallet needed.
    Keys {
        /// The encoded bundle.
        bytes: xmtp_crypto::SecretBytes,
        /// Its wallet address.
        address: xmtp_crypto::Address,
    },
}

impl Identity {
    /// Keys from hex, checked to be a private key bundle.
    pub fn keys_from_hex(text: &str) -> anyhow::Result<Self> {
        let digits = text.trim();
        let digits = digits.strip_prefix("0x").unwrap_or(digits);
        let bytes = xmtp_crypto::SecretBytes::new(
            hex::decode(digits).map_err(|_| anyhow::anyhow!("not hex"))?,
        );
        let address = xmtp_keystore::PrivateKeyBundle::decode_any(bytes.expose())?
            .bundle
            .wallet_address();
        Ok(Self::Keys { bytes, address })
    }

    /// A locked keystore; its address is read from its `address` field.
    pub fn keystore(json: String, path: PathBuf) -> anyhow::Result<Self> {
        let malformed = |why: &str| {
            Failure::new(
                code::USAGE,
                format!(
                    "{} is not an Ethereum v3 JSON keystore: {why}",
                    path.display()
                ),
            )
        };
        let value: serde_json::Value =
            serde_json::from_str(&json).map_err(|e| malformed(&format!("JSON: {e}")))?;
        let address = value
            .get("address")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| malformed("no \"address\""))?;
        let address = if address.starts_with("0x") {
            address.to_owned()
        } else {
            format!("0x{address}")
        };
        let address = address
            .to_ascii_lowercase()
            .parse()
            .map_err(|e| malformed(&format!("\"address\": {e}")))?;
        Ok(Self::Keystore {
            json,
            path,
            address,
        })
    }

    /// The wallet address.
    pub fn address(&self) -> xmtp_crypto::Address {
        match self {
            Self::Wallet(wallet) => wallet.address(),
            Self::Keystore { address, .. } | Self::Keys { address, .. } => *address,
            Self::External(address) => *address,
        }
    }
}
