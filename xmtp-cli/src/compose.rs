//! The contents `send` builds from its flags: attachments, remote attachments and transaction
//! references.

use std::path::Path;

use anyhow::Context as _;
use xmtp_client::content::{
    Attachment, CodecRegistry, Content, EncryptedContent, HttpRemoteAttachmentStore, NetworkId,
    RemoteAttachment, TransactionMetadata, TransactionReference,
};

use crate::exit::{Failure, code};
use crate::{RemoteAttachArgs, TransactionArgs};

/// An attachment content for `path`, its MIME type guessed from the extension.
pub fn attachment(path: &Path) -> anyhow::Result<Content> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let mime_type = match extension.as_str() {
        "txt" | "md" => "text/plain",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    };
    Ok(Content::Attachment(Attachment {
        filename: file_name(path),
        mime_type: mime_type.to_owned(),
        data,
    }))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "attachment".to_owned())
}

/// The transaction reference `--tx-hash` asks for, if any.
pub fn transaction_reference(args: TransactionArgs) -> anyhow::Result<Option<Content>> {
    let (Some(reference), Some(network)) = (args.tx_hash, args.network_id) else {
        return Ok(None);
    };
    let network_id = match network.parse::<u64>() {
        Ok(number) => NetworkId::Number(number),
        Err(_) => NetworkId::Text(network),
    };
    let metadata = args
        .tx_metadata
        .map(|text| {
            serde_json::from_str::<TransactionMetadata>(&text).map_err(|e| {
                Failure::new(
                    code::USAGE,
                    format!(
                        "--tx-metadata is not the metadata object \
                         {{\"transactionType\",\"currency\",\"amount\",\"decimals\",\
                         \"fromAddress\",\"toAddress\"}}: {e}"
                    ),
                )
            })
        })
        .transpose()?;
    Ok(Some(Content::TransactionReference(TransactionReference {
        namespace: args.namespace,
        network_id,
        reference,
        metadata,
    })))
}

/// Encrypts the file of `--remote-attach` as an attachment, stores the ciphertext as
/// `--upload-to` says and returns the remote attachment that links it.
pub async fn remote_attachment(
    args: &RemoteAttachArgs,
    registry: &CodecRegistry,
) -> anyhow::Result<Content> {
    let (Some(path), Some(upload_to)) = (&args.remote_attach, &args.upload_to) else {
        return Err(Failure::new(code::USAGE, "--remote-attach needs --upload-to").into());
    };
    let content = attachment(path)?;
    let is_url = upload_to.starts_with("http://") || upload_to.starts_with("https://");
    let public = match (&args.public_url, is_url) {
        (Some(public), _) => public.trim_end_matches('/').to_owned(),
        (None, true) => upload_to.trim_end_matches('/').to_owned(),
        (None, false) => {
            return Err(Failure::new(
                code::USAGE,
                "--upload-to DIR needs --public-url: the https URL the directory is served at",
            )
            .into());
        }
    };
    if !public.starts_with("https://") {
        return Err(Failure::new(
            code::USAGE,
            format!(
                "remote attachments are linked by https URLs only, and {public:?} is not one \
                 (give --public-url https://...)"
            ),
        )
        .into());
    }
    let name = file_name(path);
    let remote = if is_url {
        let store = HttpRemoteAttachmentStore::new()?
            .with_upload_base(upload_to.as_str())
            .with_public_base(public);
        RemoteAttachment::upload(&content, name, registry, &store)
            .await
            .with_context(|| format!("uploading the encrypted attachment to {upload_to}"))?
    } else {
        // The directory is the upload: the payload is written as `<dir>/<digest>`, for whatever
        // serves the directory at `public`.
        let dir = Path::new(upload_to.strip_prefix("file://").unwrap_or(upload_to));
        let encrypted = EncryptedContent::encrypt(&registry.encode_nested(&content)?);
        let file = dir.join(&encrypted.digest);
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&file, &encrypted.payload))
            .with_context(|| format!("writing the encrypted attachment to {}", file.display()))?;
        RemoteAttachment::new(&encrypted, format!("{public}/{}", encrypted.digest), name)
    };
    Ok(Content::RemoteAttachment(remote))
}
