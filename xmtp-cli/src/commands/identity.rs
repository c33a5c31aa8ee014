//! Identity commands: `init`, `whoami`, `register`, `can-message`.

use anyhow::Context as _;
use serde_json::json;
use xmtp_client::{Client, LocalWallet, WalletSigner};

use super::context::{Context, parse_address, parse_addresses, parse_wallet_key};
use super::keys::pre_key_count;
use crate::exit::{Failure, code};
use crate::external::ExternalWallet;
use crate::output;
use crate::profile::Profile;

/// Refuses to overwrite a profile that already holds an identity; `hint` says what to do instead.
pub(super) fn refuse_existing_identity(profile: &Profile, hint: &str) -> anyhow::Result<()> {
    match profile.identity()? {
        Some(existing) => Err(Failure::new(
            code::FAILURE,
            format!(
                "profile {:?} already has an identity, {}; {hint}",
                profile.name,
                existing.address()
            ),
        )
        .into()),
        None => Ok(()),
    }
}

pub(super) async fn init(ctx: &Context, import: Option<&str>) -> anyhow::Result<()> {
    let profile = ctx.profile()?;
    let replace = format!("to replace it, delete {}", profile.dir.display());
    refuse_existing_identity(&profile, &replace)?;
    // The wallet and how the profile keeps it.
    enum Kept {
        Key(Box<LocalWallet>),
        Keystore(String),
        External,
    }
    let (signer, kept, how): (Box<dyn WalletSigner>, Kept, &str) =
        match (import, &ctx.global.keystore, &ctx.global.external_wallet) {
            (Some(hex), None, None) => {
                let wallet = parse_wallet_key(hex, "--import")?;
                (
                    Box::new(wallet.clone()),
                    Kept::Key(Box::new(wallet)),
                    "imported",
                )
            }
            (None, Some(path), None) => {
                let json = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the keystore {}", path.display()))?;
                let wallet = ctx.unlock(&json, path)?;
                // Keep the address beside the keys, so `whoami` needs no password.
                let mut value: serde_json::Value = serde_json::from_str(&json)?;
                value["address"] = json!(wallet.address().to_string()[2..].to_ascii_lowercase());
                let kept = Kept::Keystore(serde_json::to_string_pretty(&value)?);
                (Box::new(wallet), kept, "imported keystore")
            }
            (None, None, Some(address)) => {
                let address = parse_address(address)?;
                let signer = ExternalWallet::new(address, ctx.global.json);
                (Box::new(signer), Kept::External, "external wallet")
            }
            (None, None, None) => {
                let wallet = LocalWallet::generate();
                (
                    Box::new(wallet.clone()),
                    Kept::Key(Box::new(wallet)),
                    "created",
                )
            }
            _ => {
                return Err(Failure::new(
                    code::USAGE,
                    "give at most one of --import, --keystore and --external-wallet",
                )
                .into());
            }
        };
    // Create (or restore) the identity on the network first: nothing is written if the node is
    // not there.
    let client = Client::create(signer.as_ref(), ctx.options())
        .await
        .context("creating the identity on the node")?;
    let key_file = match kept {
        Kept::Key(wallet) => {
            profile.save_wallet(&wallet)?;
            profile.key_file()
        }
        Kept::Keystore(json) => {
            profile.save_wallet_keystore(&json)?;
            profile.wallet_keystore_file()
        }
        Kept::External => {
            profile.save_external(client.address())?;
            profile.external_file()
        }
    };
    if ctx.global.json {
        output::line(&json!({
            "address": client.address().to_string(),
            "profile": profile.name,
            "imported": how != "created",
            "wallet": match how {
                "imported keystore" => "keystore",
                "external wallet" => "external",
                _ => "key",
            },
            "key_file": key_file,
        }))
    } else {
        output::text(&format!(
            "{how} identity {} in profile {:?}\nwallet saved to {} (keep it secret)",
            client.address(),
            profile.name,
            key_file.display()
        ))
    }
}

pub(super) fn whoami(ctx: &Context) -> anyhow::Result<()> {
    let (wallet, profile) = ctx.identity()?;
    let name = profile.as_ref().map(|p| p.name.as_str());
    if ctx.global.json {
        output::line(&json!({
            "address": wallet.address().to_string(),
            "profile": name,
            "node": ctx.global.node,
        }))
    } else {
        let source = name.map_or_else(
            || "from the command line".to_owned(),
            |n| format!("profile {n:?}"),
        );
        output::text(&format!(
            "{} ({source}, node {})",
            wallet.address(),
            ctx.global.node
        ))
    }
}

pub(super) async fn can_message(ctx: &Context, texts: &[String]) -> anyhow::Result<()> {
    let addresses = parse_addresses(texts)?;
    let client = ctx.client().await?;
    let answers = client.can_message_many(&addresses).await?;
    for (address, yes) in addresses.iter().zip(answers) {
        if ctx.global.json {
            output::line(&json!({ "address": address.to_string(), "can_message": yes }))?;
        } else {
            output::text(&format!("{address}  {}", if yes { "yes" } else { "no" }))?;
        }
    }
    Ok(())
}

/// `register`: the identity of a wallet given on the command line, created or restored on the
/// node; nothing is written locally.
pub(super) async fn register(ctx: &Context) -> anyhow::Result<()> {
    let identity = ctx.stateless_identity()?.ok_or_else(|| {
        Failure::new(
            code::USAGE,
            "register works on a wallet given on the command line: --wallet-key HEX (or \
             XMTP_WALLET_KEY), --keystore FILE or --external-wallet ADDR (for a profile, use \
             `xmtp init`)",
        )
    })?;
    let signer = ctx
        .signer(&identity)?
        .ok_or_else(|| anyhow::anyhow!("a command-line identity without a wallet"))?;
    let client = Client::create(signer.as_ref(), ctx.options())
        .await
        .context("registering the identity on the node")?;
    let pre_keys = pre_key_count(&client)?;
    if ctx.global.json {
        output::line(&json!({
            "address": client.address().to_string(),
            "node": ctx.global.node,
            "pre_keys": pre_keys,
        }))
    } else {
        output::text(&format!(
            "{} is on XMTP at {} (its keys are stored on the node; nothing was written here)",
            client.address(),
            ctx.global.node
        ))
    }
}
