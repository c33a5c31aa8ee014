//! What every command runs with: the global options, the profile, the identity and its wallet
//! (a JSON keystore opened with its password), and the client built from them.

use std::sync::Arc;

use anyhow::Context as _;
use xmtp_client::{ApiConfig, Client, ClientOptions, FileBackend, LocalWallet, WalletSigner};
use xmtp_crypto::Address;

use crate::Global;
use crate::exit::{Failure, code};
use crate::external::ExternalWallet;
use crate::keyfile::{self, KeyfileError};
use crate::profile::{self, Identity, Profile};

pub(super) struct Context {
    pub(super) global: Global,
    pub(super) home: std::path::PathBuf,
    /// The contents of `--ca-cert`.
    pub(super) ca_pem: Option<Vec<u8>>,
}

impl Context {
    pub(super) fn profile(&self) -> anyhow::Result<Profile> {
        Profile::new(&self.home, &self.global.profile)
    }

    pub(super) fn options(&self) -> ClientOptions {
        let mut api = ApiConfig::new(self.global.node.clone());
        api.app_version = Some(concat!("xmtp-cli/", env!("CARGO_PKG_VERSION")).to_owned());
        api.ca_pem.extend(self.ca_pem.clone());
        ClientOptions::new(api)
    }

    /// The identity given on the command line (`--wallet-key`, `--keystore`, `--external-wallet`:
    /// no local state), if any.
    pub(super) fn stateless_identity(&self) -> anyhow::Result<Option<Identity>> {
        if let Some(key) = &self.global.wallet_key {
            let wallet = parse_wallet_key(key, "--wallet-key / XMTP_WALLET_KEY")?;
            return Ok(Some(Identity::Wallet(Box::new(wallet))));
        }
        if let Some(path) = &self.global.keystore {
            let json = std::fs::read_to_string(path)
                .with_context(|| format!("reading the keystore {}", path.display()))?;
            let wallet = self.unlock(&json, path)?;
            return Ok(Some(Identity::Wallet(Box::new(wallet))));
        }
        if let Some(address) = &self.global.external_wallet {
            return Ok(Some(Identity::External(parse_address(address)?)));
        }
        Ok(None)
    }

    /// The identity given on the command line (no local state), else the profile's (with its
    /// keystore).
    pub(super) fn identity(&self) -> anyhow::Result<(Identity, Option<Profile>)> {
        if let Some(identity) = self.stateless_identity()? {
            return Ok((identity, None));
        }
        let profile = self.profile()?;
        let identity = profile.require_identity()?;
        Ok((identity, Some(profile)))
    }

    /// The options for `profile`'s client: its local keystore, if any.
    pub(super) fn options_for(&self, profile: Option<&Profile>) -> anyhow::Result<ClientOptions> {
        let mut options = self.options();
        if let Some(profile) = profile {
            profile::create_private_dir(&profile.dir)?;
            options = options.with_persistence(Arc::new(FileBackend::new(profile.keystore_file())));
        }
        Ok(options)
    }

    /// What signs for `identity`'s wallet (a keystore is opened with its password here), or
    /// `None` for keys without a wallet.
    pub(super) fn signer(
        &self,
        identity: &Identity,
    ) -> anyhow::Result<Option<Box<dyn WalletSigner>>> {
        Ok(match identity {
            Identity::Wallet(wallet) => Some(Box::new((**wallet).clone())),
            Identity::Keystore { json, path, .. } => Some(Box::new(self.unlock(json, path)?)),
            Identity::External(address) => {
                Some(Box::new(ExternalWallet::new(*address, self.global.json)))
            }
            Identity::Keys { .. } => None,
        })
    }

    pub(super) async fn client(&self) -> anyhow::Result<Client> {
        let (identity, profile) = self.identity()?;
        let options = self.options_for(profile.as_ref())?;
        let client = match (&identity, self.signer(&identity)?) {
            (_, Some(signer)) => Client::create(signer.as_ref(), options).await,
            (Identity::Keys { bytes, .. }, None) => {
                Client::from_keys(bytes.expose(), options).await
            }
            (_, None) => return Err(anyhow::anyhow!("an identity without keys or a wallet")),
        };
        client.context("signing in")
    }

    /// The keystore's password: `--password-file`, else `XMTP_KEYSTORE_PASSWORD`, else a prompt
    /// on the terminal (asked twice when `confirm`).
    pub(super) fn password(
        &self,
        what: &str,
        confirm: bool,
    ) -> anyhow::Result<zeroize::Zeroizing<String>> {
        if let Some(path) = &self.global.password_file {
            let text = zeroize::Zeroizing::new(
                std::fs::read_to_string(path)
                    .with_context(|| format!("reading the password file {}", path.display()))?,
            );
            let first = text.lines().next().unwrap_or_default();
            return Ok(zeroize::Zeroizing::new(first.to_owned()));
        }
        if let Some(password) = std::env::var_os("XMTP_KEYSTORE_PASSWORD") {
            let password = password.into_string().map_err(|_| {
                Failure::new(code::USAGE, "XMTP_KEYSTORE_PASSWORD is not valid UTF-8")
            })?;
            return Ok(zeroize::Zeroizing::new(password));
        }
        if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            return Err(Failure::new(
                code::USAGE,
                format!(
                    "{what} needs its password: give it with --password-file FILE or \
                     XMTP_KEYSTORE_PASSWORD (or run on a terminal to be asked)"
                ),
            )
            .into());
        }
        let password = zeroize::Zeroizing::new(
            rpassword::prompt_password(format!("password for {what}: "))
                .context("reading the password")?,
        );
        if confirm {
            let again = zeroize::Zeroizing::new(
                rpassword::prompt_password("the same password again: ")
                    .context("reading the password")?,
            );
            if *again != *password {
                return Err(Failure::new(code::USAGE, "the two passwords differ").into());
            }
        }
        Ok(password)
    }

    /// Opens the JSON keystore read from `path` with its password.
    pub(super) fn unlock(&self, json: &str, path: &std::path::Path) -> anyhow::Result<LocalWallet> {
        let what = format!("the keystore {}", path.display());
        let password = self.password(&what, false)?;
        keyfile::decrypt(json, password.as_bytes()).map_err(|e| {
            match e {
                KeyfileError::WrongPassword => Failure::new(
                    code::WRONG_PASSWORD,
                    format!("wrong keystore password for {}", path.display()),
                ),
                KeyfileError::Malformed(_) => {
                    Failure::new(code::USAGE, format!("{}: {e}", path.display()))
                }
            }
            .into()
        })
    }
}

pub(super) fn parse_wallet_key(hex: &str, what: &str) -> anyhow::Result<LocalWallet> {
    LocalWallet::from_hex(hex).map_err(|e| {
        Failure::new(
            code::USAGE,
            format!("{what} is not a wallet private key (64 hex digits): {e}"),
        )
        .into()
    })
}

/// Parses an address given on the command line.
pub(super) fn parse_address(text: &str) -> anyhow::Result<Address> {
    text.trim().parse().map_err(|e: xmtp_crypto::Error| {
        let mut message = format!("malformed address {text:?}: {e}");
        if !message.contains("40 hex digits") {
            message.push_str(" (an address is 0x followed by 40 hex digits)");
        }
        Failure::new(code::USAGE, message).into()
    })
}

pub(super) fn parse_addresses(texts: &[String]) -> anyhow::Result<Vec<Address>> {
    texts.iter().map(|t| parse_address(t)).collect()
}
