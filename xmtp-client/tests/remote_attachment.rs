//! Remote attachments: encrypt, upload, download, verify, decrypt — in memory and over real HTTP
//! against a small server on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use xmtp_client::Error;
use xmtp_client::content::{
    Attachment, CodecRegistry, Content, ContentTypeId, EncodedContent, EncryptedContent,
    HttpRemoteAttachmentStore, InMemoryRemoteAttachmentStore, RemoteAttachment,
    RemoteAttachmentLoader, RemoteAttachmentUploader,
};

fn cat() -> Content {
    Content::Attachment(Attachment {
        filename: "cat.png".into(),
        mime_type: "image/png".into(),
        data: (0..5000u32).map(|i| (i % 251) as u8).collect(),
    })
}

#[tokio::test]
async fn in_memory_round_trip_through_the_message_codec() {
    let registry = CodecRegistry::default();
    let store = InMemoryRemoteAttachmentStore::new();
    let remote = RemoteAttachment::upload(&cat(), "cat.png", &registry, &store)
        .await
        .unwrap();
    assert!(remote.url.starts_with("https://"));
    let payload = store.get(&remote.url).unwrap();
    assert_eq!(remote.content_length, Some(payload.len() as u64));
    assert_eq!(
        remote.content_digest,
        hex::encode(xmtp_crypto::sha256(&payload))
    );
    assert_eq!(remote.secret.len(), 32);

    // The message that is actually sent, and what the peer decodes from it.
    let bytes = registry
        .encode_to_bytes(&Content::RemoteAttachment(remote.clone()), None)
        .unwrap();
    let encoded = EncodedContent::from_bytes(&bytes, 1 << 20).unwrap();
    assert_eq!(encoded.type_id, ContentTypeId::REMOTE_ATTACHMENT);
    assert_eq!(encoded.content, remote.url.as_bytes());
    for key in [
        "contentDigest",
        "salt",
        "nonce",
        "secret",
        "scheme",
        "contentLength",
        "filename",
    ] {
        assert!(encoded.parameter(key).is_some(), "{key}");
    }
    let secret_hex = hex::encode(remote.secret.expose());
    assert_eq!(encoded.parameter("secret"), Some(secret_hex.as_str()));
    assert!(!format!("{encoded:?}{remote:?}").contains(&secret_hex));
    let Content::RemoteAttachment(received) = registry.decode_bytes(&bytes).unwrap() else {
        panic!("not a remote attachment")
    };
    assert_eq!(received, remote);

    let loader = RemoteAttachmentLoader::new(store);
    assert_eq!(loader.load(&received, &registry).await.unwrap(), cat());
}

#[tokio::test]
async fn tampered_payload_or_digest_is_rejected_before_decrypting() {
    let registry = CodecRegistry::default();
    let store = InMemoryRemoteAttachmentStore::new();
    let remote = RemoteAttachment::upload(&cat(), "cat.png", &registry, &store)
        .await
        .unwrap();
    let loader = RemoteAttachmentLoader::new(store.clone());

    let mut payload = store.get(&remote.url).unwrap();
    payload[0] ^= 1;
    store.insert(remote.url.clone(), payload.clone());
    assert!(matches!(
        loader.load(&remote, &registry).await,
        Err(Error::DigestMismatch)
    ));

    // A digest that matches the tampered payload gets past the check; AES-GCM then refuses.
    let mut relabelled = remote.clone();
    relabelled.content_digest = hex::encode(xmtp_crypto::sha256(&payload));
    assert!(matches!(
        loader.load(&relabelled, &registry).await,
        Err(Error::Crypto(xmtp_crypto::Error::DecryptionFailed))
    ));

    store.insert(remote.url.clone(), Vec::new());
    assert!(matches!(
        loader.load(&remote, &registry).await,
        Err(Error::EmptyPayload)
    ));
}

#[tokio::test]
async fn only_https_urls_unless_loopback_is_allowed() {
    let registry = CodecRegistry::default();
    let encrypted = EncryptedContent::encrypt(&registry.encode(&cat()).unwrap());
    let plain = RemoteAttachment::new(&encrypted, "http://example.com/x", "cat.png");
    assert!(matches!(
        registry.encode(&Content::RemoteAttachment(plain.clone())),
        Err(Error::InsecureUrl)
    ));

    let store = InMemoryRemoteAttachmentStore::new();
    let loader = RemoteAttachmentLoader::new(store.clone()).allow_loopback_http(true);
    assert!(matches!(
        loader.load(&plain, &registry).await,
        Err(Error::InsecureUrl)
    ));
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://[::1]/x",
    ] {
        store.insert(url, encrypted.payload.clone());
        let local = RemoteAttachment::new(&encrypted, url, "cat.png");
        assert!(matches!(
            RemoteAttachmentLoader::new(store.clone())
                .load(&local, &registry)
                .await,
            Err(Error::InsecureUrl)
        ));
        assert_eq!(
            loader.load(&local, &registry).await.unwrap(),
            cat(),
            "{url}"
        );
    }
    let lookalike = RemoteAttachment::new(&encrypted, "http://127.0.0.1.example.com/x", "c");
    assert!(matches!(
        loader.load(&lookalike, &registry).await,
        Err(Error::InsecureUrl)
    ));
}

#[tokio::test]
async fn oversized_payload_and_bad_parameters_are_errors() {
    let registry = CodecRegistry::default();
    let store = InMemoryRemoteAttachmentStore::new();
    let remote = RemoteAttachment::upload(&cat(), "cat.png", &registry, &store)
        .await
        .unwrap();
    let loader = RemoteAttachmentLoader::new(store).with_max_payload_len(100);
    assert!(matches!(
        loader.load(&remote, &registry).await,
        Err(Error::PayloadTooLarge { limit: 100 })
    ));

    let good = registry.encode(&Content::RemoteAttachment(remote)).unwrap();
    for (key, value) in [("salt", "00"), ("nonce", "zz"), ("secret", "xyz")] {
        let mut bad = good.clone();
        bad.parameters.insert(key.into(), value.into());
        assert!(
            matches!(registry.decode(bad), Err(Error::InvalidContent { .. })),
            "{key}"
        );
    }
    let mut missing = good;
    missing.parameters.remove("contentDigest");
    assert!(matches!(
        registry.decode(missing),
        Err(Error::InvalidContent { .. })
    ));
}

type Blobs = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// A blob server: `PUT /blobs/<name>` stores, `GET /blobs/<name>` serves, `GET /fail` answers
/// 503. It runs on the test's runtime and stops with it.
async fn serve() -> SocketAddr {
    async fn put(State(blobs): State<Blobs>, Path(name): Path<String>, body: Bytes) -> StatusCode {
        blobs.lock().unwrap().insert(name, body.to_vec());
        StatusCode::CREATED
    }
    async fn fetch(
        State(blobs): State<Blobs>,
        Path(name): Path<String>,
    ) -> Result<Vec<u8>, StatusCode> {
        blobs
            .lock()
            .unwrap()
            .get(&name)
            .cloned()
            .ok_or(StatusCode::NOT_FOUND)
    }
    let app = Router::new()
        .route("/blobs/{name}", get(fetch).put(put))
        .route("/fail", get(|| async { StatusCode::SERVICE_UNAVAILABLE }))
        .with_state(Blobs::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[tokio::test]
async fn http_round_trip_against_a_local_server() {
    let addr = serve().await;
    let registry = CodecRegistry::default();
    let store = HttpRemoteAttachmentStore::new()
        .unwrap()
        .with_upload_base(format!("http://{addr}/blobs/"));
    let remote = RemoteAttachment::upload(&cat(), "cat.png", &registry, &store)
        .await
        .unwrap();
    assert_eq!(
        remote.url,
        format!("http://{addr}/blobs/{}", remote.content_digest)
    );

    let loader = RemoteAttachmentLoader::new(store.clone()).allow_loopback_http(true);
    assert_eq!(loader.load(&remote, &registry).await.unwrap(), cat());

    // The server holds exactly the ciphertext whose digest the message announces.
    let mut wrong = remote.clone();
    wrong.content_digest = "00".repeat(32);
    assert!(matches!(
        loader.load(&wrong, &registry).await,
        Err(Error::DigestMismatch)
    ));

    let small = RemoteAttachmentLoader::new(store.clone())
        .allow_loopback_http(true)
        .with_max_payload_len(64);
    assert!(matches!(
        small.load(&remote, &registry).await,
        Err(Error::PayloadTooLarge { limit: 64 })
    ));

    let mut missing = remote.clone();
    missing.url = format!("http://{addr}/blobs/nothing");
    let err = loader.load(&missing, &registry).await.unwrap_err();
    assert!(matches!(err, Error::HttpStatus { status: 404 }) && !err.is_retryable());

    missing.url = format!("http://{addr}/fail");
    let err = loader.load(&missing, &registry).await.unwrap_err();
    assert!(matches!(err, Error::HttpStatus { status: 503 }) && err.is_retryable());
}

#[tokio::test]
async fn http_errors_are_typed() {
    // Nothing listens on port 9 of localhost in the test environment; bind and drop to be sure.
    let addr = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap()
    };
    let store = HttpRemoteAttachmentStore::new()
        .unwrap()
        .with_upload_base(format!("http://{addr}"));
    let err = store.upload(b"x", "ab").await.unwrap_err();
    assert!(
        matches!(err, Error::Http(_)) && err.is_retryable(),
        "{err:?}"
    );

    let no_base = HttpRemoteAttachmentStore::new().unwrap();
    assert!(matches!(
        no_base.upload(b"x", "ab").await,
        Err(Error::NoUploadBase)
    ));
}
