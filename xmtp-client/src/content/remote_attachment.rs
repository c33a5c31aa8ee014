//! `xmtp.org/remoteStaticAttachment:1.0` (protocol.md §8.8, XIP-17): content encrypted with a
//! one-off secret, uploaded somewhere, and sent as a URL plus the keys to read it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rand::Rng;
use reqwest::Url;
use xmtp_crypto::{GCM_NONCE_LEN, HKDF_SALT_LEN, SecretBytes};

use super::attachment::attachment_fallback;
use super::{CodecRegistry, Content, ContentCodec, ContentTypeId, DecodeContext, EncodedContent};
use crate::error::{Error, Result};

/// The largest download a [`RemoteAttachmentLoader`] accepts unless told otherwise: 100 MiB.
pub const DEFAULT_MAX_PAYLOAD_LEN: usize = 100 * 1024 * 1024;

const SECRET_LEN: usize = 32;
const HTTP_TIMEOUT: Duration = Duration::from_secs(60);

/// A pointer to encrypted content stored at a URL, with everything needed to fetch, check and
/// decrypt it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RemoteAttachment {
    /// Where the encrypted payload is. Encoding requires `https`.
    pub url: String,
    /// Lower-case hex SHA-256 of the encrypted payload.
    pub content_digest: String,
    /// HKDF salt of the encryption.
    pub salt: [u8; HKDF_SALT_LEN],
    /// AES-GCM nonce of the encryption.
    pub nonce: [u8; GCM_NONCE_LEN],
    /// The one-off secret the key is derived from.
    pub secret: SecretBytes,
    /// Informational (`"https"` in xmtp-js tests, `"https://"` in XIP-17); never checked.
    pub scheme: String,
    /// Length of the encrypted payload, if the sender said.
    pub content_length: Option<u64>,
    /// The file name to show.
    pub filename: String,
}

/// Content encrypted for upload: the blob to store and the keys that go into the message.
#[derive(Clone, Debug)]
pub struct EncryptedContent {
    /// Lower-case hex SHA-256 of [`payload`](Self::payload).
    pub digest: String,
    /// The random 32-byte secret.
    pub secret: SecretBytes,
    /// HKDF salt.
    pub salt: [u8; HKDF_SALT_LEN],
    /// AES-GCM nonce.
    pub nonce: [u8; GCM_NONCE_LEN],
    /// The blob to upload: AES-GCM ciphertext with its tag.
    pub payload: Vec<u8>,
}

impl EncryptedContent {
    /// Encrypts the protobuf bytes of `encoded` with a fresh random 32-byte secret and no
    /// associated data (the §4 scheme).
    pub fn encrypt(encoded: &EncodedContent) -> Self {
        let mut secret = [0u8; SECRET_LEN];
        rand::rng().fill_bytes(&mut secret);
        let secret = SecretBytes::from_slice(&secret);
        let sealed = xmtp_crypto::encrypt(secret.expose(), &encoded.to_bytes(None), b"");
        Self {
            digest: hex::encode(xmtp_crypto::sha256(&sealed.payload)),
            secret,
            salt: sealed.hkdf_salt,
            nonce: sealed.gcm_nonce,
            payload: sealed.payload,
        }
    }
}

impl RemoteAttachment {
    /// The message for `encrypted` once its payload is stored at `url`. The URL is checked when
    /// the message is encoded, not here.
    pub fn new(
        encrypted: &EncryptedContent,
        url: impl Into<String>,
        filename: impl Into<String>,
    ) -> Self {
        Self {
            url: url.into(),
            content_digest: encrypted.digest.clone(),
            salt: encrypted.salt,
            nonce: encrypted.nonce,
            secret: encrypted.secret.clone(),
            scheme: "https://".to_owned(),
            content_length: Some(encrypted.payload.len() as u64),
            filename: filename.into(),
        }
    }

    /// Encodes `content` with its codec (as xmtp-js does, without fallback), encrypts it,
    /// uploads the payload and returns the message that points at it.
    pub async fn upload(
        content: &Content,
        filename: impl Into<String>,
        registry: &CodecRegistry,
        uploader: &dyn RemoteAttachmentUploader,
    ) -> Result<Self> {
        let encrypted = EncryptedContent::encrypt(&registry.encode_nested(content)?);
        let url = uploader
            .upload(&encrypted.payload, &encrypted.digest)
            .await?;
        Ok(Self::new(&encrypted, url, filename))
    }
}

/// Stores encrypted payloads somewhere reachable by URL.
#[async_trait]
pub trait RemoteAttachmentUploader: Send + Sync {
    /// Stores `payload` (whose hex SHA-256 is `digest`) and returns the URL to fetch it from.
    async fn upload(&self, payload: &[u8], digest: &str) -> Result<String>;
}

/// Downloads encrypted payloads.
#[async_trait]
pub trait RemoteAttachmentFetcher: Send + Sync {
    /// Returns the body at `url`, failing with [`Error::PayloadTooLarge`] rather than holding
    /// more than `max_len` bytes.
    async fn fetch(&self, url: &Url, max_len: usize) -> Result<Vec<u8>>;
}

/// Fetches, verifies and decrypts [`RemoteAttachment`]s.
#[derive(Debug)]
pub struct RemoteAttachmentLoader<F> {
    fetcher: F,
    max_payload_len: usize,
    allow_loopback_http: bool,
}

impl<F: RemoteAttachmentFetcher> RemoteAttachmentLoader<F> {
    /// A loader that only follows `https` URLs and accepts payloads up to
    /// [`DEFAULT_MAX_PAYLOAD_LEN`].
    pub fn new(fetcher: F) -> Self {
        Self {
            fetcher,
            max_payload_len: DEFAULT_MAX_PAYLOAD_LEN,
            allow_loopback_http: false,
        }
    }

    /// Sets the largest payload accepted.
    pub fn with_max_payload_len(mut self, max: usize) -> Self {
        self.max_payload_len = max;
        self
    }

    /// Also follows plain `http` URLs whose host is a loopback address (`127.0.0.0/8`, `::1`,
    /// `localhost`). For tests against a local server only: the content stays encrypted and
    /// digest-checked, but the URL leaks to anyone on the path.
    pub fn allow_loopback_http(mut self, allow: bool) -> Self {
        self.allow_loopback_http = allow;
        self
    }

    /// Downloads the payload, checks its SHA-256 against `contentDigest` *before* decrypting,
    /// decrypts it and decodes the content with `registry` (decompression bounded as for any
    /// message).
    pub async fn load(
        &self,
        attachment: &RemoteAttachment,
        registry: &CodecRegistry,
    ) -> Result<Content> {
        let url = check_url(&attachment.url, self.allow_loopback_http)?;
        let payload = self.fetcher.fetch(&url, self.max_payload_len).await?;
        if payload.is_empty() {
            return Err(Error::EmptyPayload);
        }
        if payload.len() > self.max_payload_len {
            return Err(Error::PayloadTooLarge {
                limit: self.max_payload_len,
            });
        }
        let digest = hex::encode(xmtp_crypto::sha256(&payload));
        if !digest.eq_ignore_ascii_case(&attachment.content_digest) {
            return Err(Error::DigestMismatch);
        }
        let plaintext = xmtp_crypto::decrypt_parts(
            attachment.secret.expose(),
            &attachment.salt,
            &attachment.nonce,
            &payload,
            b"",
        )?;
        registry.decode_bytes(&plaintext)
    }
}

/// Accepts `https` URLs, and loopback `http` URLs when allowed.
fn check_url(url: &str, allow_loopback_http: bool) -> Result<Url> {
    let parsed = Url::parse(url).map_err(|_| Error::InsecureUrl)?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if allow_loopback_http && is_loopback(&parsed) => Ok(parsed),
        _ => Err(Error::InsecureUrl),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Codec for [`RemoteAttachment`]. Encoding refuses URLs that are not `https`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RemoteAttachmentCodec;

const CONTENT_DIGEST: &str = "contentDigest";
const SALT: &str = "salt";
const NONCE: &str = "nonce";
const SECRET: &str = "secret";
const SCHEME: &str = "scheme";
const CONTENT_LENGTH: &str = "contentLength";
const FILENAME: &str = "filename";

fn hex_param<const N: usize>(
    encoded: &EncodedContent,
    key: &str,
    reason: &'static str,
) -> Result<[u8; N]> {
    let bytes = hex::decode(encoded.required(key, reason)?)
        .map_err(|_| Error::invalid(&encoded.type_id, reason))?;
    bytes
        .try_into()
        .map_err(|_| Error::invalid(&encoded.type_id, reason))
}

impl ContentCodec for RemoteAttachmentCodec {
    type Value = RemoteAttachment;

    fn content_type(&self) -> ContentTypeId {
        ContentTypeId::REMOTE_ATTACHMENT
    }

    fn encode(&self, value: &RemoteAttachment, _: &CodecRegistry) -> Result<EncodedContent> {
        check_url(&value.url, false)?;
        let mut encoded = EncodedContent::new(
            ContentTypeId::REMOTE_ATTACHMENT,
            value.url.as_bytes().to_vec(),
        )
        .with_parameter(CONTENT_DIGEST, value.content_digest.as_str())
        .with_parameter(SALT, hex::encode(value.salt))
        .with_parameter(NONCE, hex::encode(value.nonce))
        .with_parameter(SECRET, hex::encode(value.secret.expose()))
        .with_parameter(SCHEME, value.scheme.as_str())
        .with_parameter(FILENAME, value.filename.as_str());
        if let Some(length) = value.content_length {
            encoded = encoded.with_parameter(CONTENT_LENGTH, length.to_string());
        }
        Ok(encoded)
    }

    /// The keys must be well-formed hex of the right lengths; `scheme`, `contentLength` and
    /// `filename` are informational and tolerated when missing. The URL is checked on load.
    fn decode(&self, encoded: EncodedContent, _: &DecodeContext<'_>) -> Result<RemoteAttachment> {
        let content_digest = encoded
            .required(CONTENT_DIGEST, "missing contentDigest parameter")?
            .to_owned();
        let salt = hex_param(&encoded, SALT, "salt parameter is not 32 hex-encoded bytes")?;
        let nonce = hex_param(
            &encoded,
            NONCE,
            "nonce parameter is not 12 hex-encoded bytes",
        )?;
        let secret = hex::decode(encoded.required(SECRET, "missing secret parameter")?)
            .map_err(|_| Error::invalid(&encoded.type_id, "secret parameter is not hex"))?;
        let url = std::str::from_utf8(&encoded.content)
            .map_err(|_| Error::invalid(&encoded.type_id, "URL is not valid UTF-8"))?
            .to_owned();
        Ok(RemoteAttachment {
            url,
            content_digest,
            salt,
            nonce,
            secret: SecretBytes::new(secret),
            scheme: encoded.parameter(SCHEME).unwrap_or_default().to_owned(),
            content_length: encoded
                .parameter(CONTENT_LENGTH)
                .and_then(|s| s.parse().ok()),
            filename: encoded.parameter(FILENAME).unwrap_or_default().to_owned(),
        })
    }

    fn fallback(&self, value: &RemoteAttachment) -> Option<String> {
        Some(attachment_fallback(&value.filename))
    }

    fn should_push(&self, _: &RemoteAttachment) -> bool {
        true
    }
}

/// An in-process store for tests and examples: uploads land in a map under
/// `https://attachments.invalid/<digest>`, fetches read from it.
#[derive(Clone, Debug, Default)]
pub struct InMemoryRemoteAttachmentStore {
    blobs: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl InMemoryRemoteAttachmentStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `bytes` under `url`, replacing what was there (e.g. to serve a tampered payload).
    pub fn insert(&self, url: impl Into<String>, bytes: Vec<u8>) {
        self.lock().insert(url.into(), bytes);
    }

    /// The bytes stored under `url`.
    pub fn get(&self, url: &str) -> Option<Vec<u8>> {
        self.lock().get(url).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<u8>>> {
        // A panic while holding the lock cannot leave the map half-updated.
        self.blobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl RemoteAttachmentUploader for InMemoryRemoteAttachmentStore {
    async fn upload(&self, payload: &[u8], digest: &str) -> Result<String> {
        let url = format!("https://attachments.invalid/{digest}");
        self.insert(url.clone(), payload.to_vec());
        Ok(url)
    }
}

#[async_trait]
impl RemoteAttachmentFetcher for InMemoryRemoteAttachmentStore {
    async fn fetch(&self, url: &Url, max_len: usize) -> Result<Vec<u8>> {
        let bytes = self.get(url.as_str()).ok_or_else(|| Error::NotFound {
            url: url.to_string(),
        })?;
        if bytes.len() > max_len {
            return Err(Error::PayloadTooLarge { limit: max_len });
        }
        Ok(bytes)
    }
}

/// Uploads and downloads over HTTP(S) with reqwest and rustls (ring, Mozilla roots).
///
/// Uploads are `PUT <upload_base>/<digest>` with the payload as an `application/octet-stream`
/// body; the returned URL is `<public_base>/<digest>` (by default the upload URL itself). This
/// fits plain object stores and pre-authorised upload endpoints; for anything else implement
/// [`RemoteAttachmentUploader`]. Downloads are `GET`, streamed with the size bound enforced,
/// and never follow a redirect to a non-`https` URL.
#[derive(Clone, Debug)]
pub struct HttpRemoteAttachmentStore {
    client: reqwest::Client,
    upload_base: Option<String>,
    public_base: Option<String>,
}

impl HttpRemoteAttachmentStore {
    /// A store that can fetch but not upload.
    pub fn new() -> Result<Self> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(Error::Tls)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(HTTP_TIMEOUT)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                if attempt.url().scheme() != "https" {
                    attempt.error("refusing a redirect away from https")
                } else if attempt.previous().len() >= 10 {
                    attempt.error("too many redirects")
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .map_err(Error::Http)?;
        Ok(Self {
            client,
            upload_base: None,
            public_base: None,
        })
    }

    /// Uploads go to `PUT <upload_base>/<digest>`.
    pub fn with_upload_base(mut self, upload_base: impl Into<String>) -> Self {
        self.upload_base = Some(upload_base.into().trim_end_matches('/').to_owned());
        self
    }

    /// Uploaded payloads are announced as `<public_base>/<digest>`.
    pub fn with_public_base(mut self, public_base: impl Into<String>) -> Self {
        self.public_base = Some(public_base.into().trim_end_matches('/').to_owned());
        self
    }
}

fn status_ok(response: reqwest::Response) -> Result<reqwest::Response> {
    let status = response.status();
    if status.is_success() {
        Ok(response)
    } else {
        Err(Error::HttpStatus {
            status: status.as_u16(),
        })
    }
}

#[async_trait]
impl RemoteAttachmentUploader for HttpRemoteAttachmentStore {
    async fn upload(&self, payload: &[u8], digest: &str) -> Result<String> {
        let base = self.upload_base.as_deref().ok_or(Error::NoUploadBase)?;
        let target = format!("{base}/{digest}");
        let response = self
            .client
            .put(&target)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(payload.to_vec())
            .send()
            .await
            .map_err(Error::Http)?;
        status_ok(response)?;
        Ok(match &self.public_base {
            Some(public) => format!("{public}/{digest}"),
            None => target,
        })
    }
}

#[async_trait]
impl RemoteAttachmentFetcher for HttpRemoteAttachmentStore {
    async fn fetch(&self, url: &Url, max_len: usize) -> Result<Vec<u8>> {
        let too_large = Error::PayloadTooLarge { limit: max_len };
        let mut response = status_ok(
            self.client
                .get(url.clone())
                .send()
                .await
                .map_err(Error::Http)?,
        )?;
        if response
            .content_length()
            .is_some_and(|n| n > max_len as u64)
        {
            return Err(too_large);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(Error::Http)? {
            if body.len() + chunk.len() > max_len {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}
