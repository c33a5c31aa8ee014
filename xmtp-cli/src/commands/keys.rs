//! `keys` commands: `show`, `import`, `export-wallet`, `rotate-prekey` (`keys export` is one
//! call, in the dispatcher).

use anyhow::Context as _;
use serde_json::json;
use xmtp_client::{Client, PreKeyRotationRisks};

use super::context::Context;
use super::identity::refuse_existing_identity;
use crate::exit::{Failure, code};
use crate::keyfile::{self};
use crate::output;
use crate::profile::{self, Identity};

pub(super) async fn keys_import(ctx: &Context, keys: &str) -> anyhow::Result<()> {
    let profile = ctx.profile()?;
    refuse_existing_identity(&profile, "import into another --profile")?;
    let identity = Identity::keys_from_hex(keys).map_err(|e| {
        Failure::new(
            code::USAGE,
            format!("not an exported key bundle (hex of `xmtp keys export` or JS getKeys): {e:#}"),
        )
    })?;
    let Identity::Keys { bytes, address } = &identity else {
        return Err(anyhow::anyhow!("keys_from_hex returned a wallet"));
    };
    // Check the node and publish the contact before anything is written.
    Client::from_keys(bytes.expose(), ctx.options())
        .await
        .context("signing in with the imported keys")?;
    profile.save_keys(bytes.expose())?;
    if ctx.global.json {
        output::line(&json!({
            "address": address.to_string(),
            "profile": profile.name,
            "key_file": profile.keys_file(),
        }))
    } else {
        output::text(&format!(
            "imported keys of {address} into profile {:?} ({}; keep it secret)",
            profile.name,
            profile.keys_file().display()
        ))
    }
}

/// The client's private key bundle (its public halves are what the commands show).
pub(super) fn key_bundle(client: &Client) -> anyhow::Result<xmtp_keystore::PrivateKeyBundle> {
    let keys = client.export_keys();
    Ok(xmtp_keystore::PrivateKeyBundle::decode_any(keys.expose())?.bundle)
}

/// How many pre-keys the client's bundle holds (the newest is current).
pub(super) fn pre_key_count(client: &Client) -> anyhow::Result<usize> {
    Ok(key_bundle(client)?.pre_keys().count())
}

/// `keys show`: the identity key and the pre-keys, newest (current) first.
pub(super) async fn keys_show(ctx: &Context) -> anyhow::Result<()> {
    let client = ctx.client().await?;
    let bundle = key_bundle(&client)?;
    let identity = bundle.identity_key();
    if ctx.global.json {
        let pre_keys: Vec<_> = bundle.pre_keys().map(output::public_key_json).collect();
        return output::line(&json!({
            "address": client.address().to_string(),
            "identity_key": output::public_key_json(identity),
            "pre_keys": pre_keys,
        }));
    }
    output::text(&format!("address       {}", client.address()))?;
    output::text(&format!(
        "identity key  {}",
        output::public_key_line(identity)
    ))?;
    for (i, pre_key) in bundle.pre_keys().enumerate() {
        let current = if i == 0 { "  (current)" } else { "" };
        output::text(&format!(
            "pre-key       {}{current}",
            output::public_key_line(pre_key)
        ))?;
    }
    Ok(())
}

/// What xmtp-js apps of a wallet see once it has rotated (`xmtp_client::PreKeyRotationRisks`).
pub(super) const ROTATION_RISKS: &str = "\
rotating the pre-key is an xmtp-rs extension that xmtp-js does not follow. Every old pre-key is
kept, so this CLI and other xmtp-rs clients still read everything, but xmtp-js apps (the official
JS SDK) signed in with this wallet then:
  - cannot decrypt v1 messages from before the rotation;
  - show the v2 conversations this wallet started before it with the wallet itself as the peer;
  - start a second conversation with those peers when asked for a new one.";

/// Asks on the terminal before rotating, unless `yes`; refuses off a terminal without `yes`.
pub(super) fn confirm_rotation(yes: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(Failure::new(
            code::USAGE,
            format!(
                "{ROTATION_RISKS}\nnot rotated: confirm on a terminal, or pass --yes to rotate \
                 without asking"
            ),
        )
        .into());
    }
    eprintln!("{ROTATION_RISKS}");
    eprint!("rotate the pre-key? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("reading the answer")?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::new(code::FAILURE, "not rotated").into())
    }
}

pub(super) async fn rotate_pre_key(ctx: &Context, yes: bool) -> anyhow::Result<()> {
    let (identity, profile) = ctx.identity()?;
    let Some(signer) = ctx.signer(&identity)? else {
        return Err(Failure::new(
            code::USAGE,
            "rotate-prekey needs the wallet (the new keys are stored on the network under its \
             signature), and this profile holds imported keys without one",
        )
        .into());
    };
    confirm_rotation(yes)?;
    let options = ctx.options_for(profile.as_ref())?;
    let client = Client::create(signer.as_ref(), options.clone())
        .await
        .context("signing in")?;
    let rotated = client
        .rotate_pre_key(signer.as_ref(), options, PreKeyRotationRisks::accept())
        .await
        .context("rotating the pre-key")?;
    let pre_keys = pre_key_count(&rotated)?;
    if ctx.global.json {
        output::line(&json!({
            "address": rotated.address().to_string(),
            "pre_keys": pre_keys,
        }))
    } else {
        output::text(&format!(
            "new pre-key for {} published ({pre_keys} pre-keys kept, so older messages still open)",
            rotated.address()
        ))
    }
}

pub(super) fn export_wallet(ctx: &Context, out: &std::path::Path) -> anyhow::Result<()> {
    let (identity, _) = ctx.identity()?;
    let wallet = match &identity {
        Identity::Wallet(wallet) => (**wallet).clone(),
        Identity::Keystore { json, path, .. } => ctx.unlock(json, path)?,
        Identity::External(_) | Identity::Keys { .. } => {
            return Err(Failure::new(
                code::USAGE,
                "this identity has no wallet key here to export (an external wallet or \
                 imported keys)",
            )
            .into());
        }
    };
    let what = format!("the new keystore {}", out.display());
    let password = ctx.password(&what, true)?;
    let json = keyfile::encrypt(&wallet, password.as_bytes())?;
    profile::write_new_private(out, &json)?;
    if ctx.global.json {
        output::line(&json!({ "address": wallet.address().to_string(), "file": out }))
    } else {
        output::text(&format!(
            "wrote the wallet of {} to {} (Ethereum v3 JSON keystore)",
            wallet.address(),
            out.display()
        ))
    }
}
