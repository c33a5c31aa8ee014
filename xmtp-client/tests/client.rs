//! Identities, contacts and consent through the real node.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{node, options, user};
use xmtp_client::{Client, Consent, Error, IdentitySetup, LocalWallet};
use xmtp_keystore::SignatureRequestKind;

#[tokio::test]
async fn identity_is_created_once_then_restored_from_the_network() {
    let node = node().await;
    let wallet = LocalWallet::generate();
    let first = Client::create(&wallet, options(&node)).await.unwrap();
    assert_eq!(first.address(), wallet.address());
    let again = Client::create(&wallet, options(&node)).await.unwrap();
    assert_eq!(
        first.export_keys().expose(),
        again.export_keys().expose(),
        "the second sign-in must load the stored keys, not make new ones"
    );
    let from_keys = Client::from_keys(first.export_keys().expose(), options(&node))
        .await
        .unwrap();
    assert_eq!(from_keys.address(), wallet.address());
}

#[tokio::test]
async fn external_wallet_flow_hands_out_texts_and_refuses_a_wrong_signature() {
    let node = node().await;
    let wallet = LocalWallet::generate();
    let impostor = LocalWallet::generate();
    let mut setup = IdentitySetup::start(wallet.address(), options(&node))
        .await
        .unwrap();
    let request = setup.signature_request().unwrap().clone();
    assert_eq!(request.kind, SignatureRequestKind::CreateIdentity);

    let wrong = impostor.personal_sign(request.text.as_bytes());
    assert!(matches!(
        setup.provide_signature(&wrong).await,
        Err(Error::Keystore(_))
    ));
    // Still waiting for the same text.
    assert_eq!(setup.signature_request().unwrap().text, request.text);

    let signature = wallet.personal_sign(request.text.as_bytes());
    assert!(setup.provide_signature(&signature).await.unwrap().is_none());
    let enable = setup.signature_request().unwrap().clone();
    assert_eq!(enable.kind, SignatureRequestKind::EnableIdentity);
    let client = setup
        .provide_signature(&wallet.personal_sign(enable.text.as_bytes()))
        .await
        .unwrap()
        .expect("ready after two signatures");
    assert!(setup.signature_request().is_err());

    // A returning user signs once (Enable Identity) and gets the same keys.
    let mut back = IdentitySetup::start(wallet.address(), options(&node))
        .await
        .unwrap();
    let text = back.signature_request().unwrap().clone();
    assert_eq!(text.kind, SignatureRequestKind::EnableIdentity);
    let restored = back
        .provide_signature(&wallet.personal_sign(text.text.as_bytes()))
        .await
        .unwrap()
        .expect("ready after one signature");
    assert_eq!(
        restored.export_keys().expose(),
        client.export_keys().expose()
    );
}

#[tokio::test]
async fn can_message_one_and_many() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let later = LocalWallet::generate();
    assert!(!alice.can_message(later.address()).await.unwrap());

    let (_, bob) = user(&node).await;
    let nobody = LocalWallet::generate().address();
    let answers = alice
        .can_message_many(&[bob.address(), nobody, later.address(), bob.address()])
        .await
        .unwrap();
    assert_eq!(answers, vec![true, false, false, true]);

    Client::create(&later, options(&node)).await.unwrap();
    assert!(
        alice.can_message(later.address()).await.unwrap(),
        "a negative answer is not cached"
    );
    assert!(alice.can_message(alice.address()).await.unwrap());
}

#[tokio::test]
async fn consent_syncs_between_two_installations_of_one_wallet() {
    let node = node().await;
    let wallet = LocalWallet::generate();
    let phone = Client::create(&wallet, options(&node)).await.unwrap();
    let laptop = Client::create(&wallet, options(&node)).await.unwrap();
    let (_, bob) = user(&node).await;
    let (_, carol) = user(&node).await;

    assert_eq!(
        laptop.consent_state(bob.address()).await.unwrap(),
        Consent::Unknown
    );
    phone.allow(&[bob.address()]).await.unwrap();
    phone.deny(&[carol.address()]).await.unwrap();
    assert_eq!(
        phone.consent_state(carol.address()).await.unwrap(),
        Consent::Denied
    );

    laptop.refresh_consent().await.unwrap();
    assert_eq!(
        laptop.consent_state(bob.address()).await.unwrap(),
        Consent::Allowed
    );
    assert_eq!(
        laptop.consent_state(carol.address()).await.unwrap(),
        Consent::Denied
    );

    // The later action wins.
    laptop.allow(&[carol.address()]).await.unwrap();
    phone.refresh_consent().await.unwrap();
    assert_eq!(
        phone.consent_state(carol.address()).await.unwrap(),
        Consent::Allowed
    );
    // Another identity's preferences are not ours.
    assert_eq!(
        bob.consent_state(carol.address()).await.unwrap(),
        Consent::Unknown
    );
}

/// A wallet that refuses every prompt.
struct RefusingWallet(xmtp_client::Address);

#[async_trait::async_trait]
impl xmtp_client::WalletSigner for RefusingWallet {
    fn address(&self) -> xmtp_client::Address {
        self.0
    }

    async fn sign_personal(
        &self,
        _text: &str,
    ) -> Result<xmtp_client::WalletSignature, xmtp_client::SignerError> {
        Err("user rejected the request".into())
    }
}

#[tokio::test]
async fn a_refused_signature_is_a_signer_error() {
    let node = node().await;
    let wallet = RefusingWallet(LocalWallet::generate().address());
    let err = Client::create(&wallet, options(&node)).await.unwrap_err();
    assert!(matches!(err, Error::Signer(_)), "{err:?}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn can_message_many_spans_several_batches() {
    let node = node().await;
    let (_, alice) = user(&node).await;
    let mut registered = Vec::new();
    for _ in 0..3 {
        registered.push(user(&node).await.1.address());
    }
    // 120 addresses: more than two 50-query batches; registered ones at 0, 60 and 119.
    let mut addresses: Vec<_> = (0..120)
        .map(|_| LocalWallet::generate().address())
        .collect();
    for (slot, address) in [0, 60, 119].into_iter().zip(&registered) {
        addresses[slot] = *address;
    }
    let answers = alice.can_message_many(&addresses).await.unwrap();
    let yes: Vec<usize> = (0..120).filter(|i| answers[*i]).collect();
    assert_eq!(yes, [0, 60, 119]);
}

#[tokio::test]
async fn client_and_conversations_are_shareable_across_tasks() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Client>();
    assert_send_sync::<xmtp_client::Conversation>();
    assert_send_sync::<xmtp_client::Conversations>();
    let node = node().await;
    let (_, alice) = user(&node).await;
    let (_, bob) = user(&node).await;
    let peer = bob.address();
    let spawned = tokio::spawn(async move {
        alice
            .conversations()
            .new_conversation(peer, None)
            .await
            .map(|c| c.topic().to_owned())
    });
    let topic = spawned.await.unwrap().unwrap();
    assert_eq!(bob.conversations().list().await.unwrap()[0].topic(), topic);
}

#[tokio::test]
async fn a_bundle_stored_in_the_old_bare_format_is_stored_again_in_the_current_one() {
    use std::sync::Arc;
    use xmtp_api::{Envelope, GrpcApi, KeystoreAuth, QueryOptions, XmtpApi, query_all};
    use xmtp_keystore::{IdentityCreation, KeyStorageRequest};
    use xmtp_proto::message_contents as pb;

    let node = node().await;
    let wallet = LocalWallet::generate();
    let now_ms = xmtp_api::now_ns() / 1_000_000;
    let creation = IdentityCreation::new(wallet.address(), now_ms);
    let bundle = creation
        .finish(
            wallet
                .personal_sign(creation.request().text.as_bytes())
                .to_bytes_v27()
                .expose(),
            now_ms,
        )
        .unwrap();
    let storage = KeyStorageRequest::new(bundle.clone());
    let versioned = storage
        .finish(
            wallet
                .personal_sign(storage.request().text.as_bytes())
                .to_bytes_v27()
                .expose(),
        )
        .unwrap();
    // The pre-versioning form: the bare EncryptedPrivateKeyBundleV1.
    let Some(pb::encrypted_private_key_bundle::Version::V1(bare)) =
        xmtp_proto::decode::<pb::EncryptedPrivateKeyBundle>(&versioned)
            .unwrap()
            .version
    else {
        panic!("expected v1")
    };
    let store_topic = xmtp_proto::topic::private_store(&wallet.address().to_string());
    let api = GrpcApi::connect(xmtp_client::ApiConfig::new(node.grpc_url()))
        .await
        .unwrap()
        .with_auth(Arc::new(KeystoreAuth::new(Arc::new(bundle.clone()))));
    api.publish(vec![Envelope {
        content_topic: store_topic.clone(),
        timestamp_ns: xmtp_api::now_ns(),
        message: xmtp_proto::Message::encode_to_vec(&bare),
    }])
    .await
    .unwrap();

    let mut setup = IdentitySetup::start(wallet.address(), options(&node))
        .await
        .unwrap();
    let open = setup.signature_request().unwrap().text.clone();
    assert!(
        setup
            .provide_signature(&wallet.personal_sign(open.as_bytes()))
            .await
            .unwrap()
            .is_none(),
        "a bare bundle asks for a signature to store it again"
    );
    let store = setup.signature_request().unwrap().clone();
    assert_eq!(store.kind, SignatureRequestKind::EnableIdentity);
    assert_ne!(store.text, open, "stored under a new wallet pre-key");
    let client = setup
        .provide_signature(&wallet.personal_sign(store.text.as_bytes()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(client.export_keys().expose(), bundle.encode().expose());

    let stored = query_all(&api, vec![store_topic], QueryOptions::descending())
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(matches!(
        xmtp_proto::decode::<pb::EncryptedPrivateKeyBundle>(&stored[0].message)
            .unwrap()
            .version,
        Some(pb::encrypted_private_key_bundle::Version::V1(_))
    ));
    // The next sign-in needs one signature again.
    let again = Client::create(&wallet, options(&node)).await.unwrap();
    assert_eq!(again.export_keys().expose(), bundle.encode().expose());
}
