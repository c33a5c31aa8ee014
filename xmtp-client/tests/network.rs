//! A client on a network API of the consumer's choosing (here a recording proxy around gRPC).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use common::{next, node, options, user};
use xmtp_api::{
    AuthTokenSource, Envelope, EnvelopeStream, GrpcApi, QueryRequest, QueryResponse, TopicStream,
    XmtpApi,
};
use xmtp_client::content::Content;
use xmtp_client::{Client, LocalWallet};
use xmtp_proto::message_api::v1::{BatchQueryRequest, BatchQueryResponse};
use xmtp_proto::topic;

/// Passes every call to `inner` and writes down what it was.
struct Recording {
    inner: Arc<dyn XmtpApi>,
    log: Arc<Mutex<Vec<String>>>,
    authenticated: bool,
}

impl Recording {
    fn note(&self, call: String) {
        self.log.lock().unwrap().push(call);
    }
}

#[async_trait]
impl XmtpApi for Recording {
    async fn publish(&self, envelopes: Vec<Envelope>) -> xmtp_api::Result<()> {
        for envelope in &envelopes {
            let auth = if self.authenticated { "authed" } else { "anon" };
            self.note(format!("publish {auth} {}", envelope.content_topic));
        }
        self.inner.publish(envelopes).await
    }
    async fn query(&self, request: QueryRequest) -> xmtp_api::Result<QueryResponse> {
        self.note(format!("query {}", request.content_topics.join(",")));
        self.inner.query(request).await
    }
    async fn batch_query(
        &self,
        request: BatchQueryRequest,
    ) -> xmtp_api::Result<BatchQueryResponse> {
        self.note(format!("batch_query {}", request.requests.len()));
        self.inner.batch_query(request).await
    }
    async fn subscribe(&self, topics: Vec<String>) -> xmtp_api::Result<EnvelopeStream> {
        self.note(format!("subscribe {}", topics.join(",")));
        self.inner.subscribe(topics).await
    }
    async fn subscribe_dynamic(&self, topics: Vec<String>) -> xmtp_api::Result<TopicStream> {
        self.note(format!("subscribe_dynamic {}", topics.join(",")));
        self.inner.subscribe_dynamic(topics).await
    }
    async fn subscribe_all(&self) -> xmtp_api::Result<EnvelopeStream> {
        self.note("subscribe_all".into());
        self.inner.subscribe_all().await
    }
    fn authenticated(&self, auth: Arc<dyn AuthTokenSource>) -> Option<Arc<dyn XmtpApi>> {
        let inner = self
            .inner
            .authenticated(auth)
            .unwrap_or_else(|| Arc::clone(&self.inner));
        Some(Arc::new(Recording {
            inner,
            log: Arc::clone(&self.log),
            authenticated: true,
        }))
    }
}

#[tokio::test]
async fn a_client_runs_on_any_xmtp_api_and_authenticates_through_it() {
    let node = node().await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let grpc = GrpcApi::connect(xmtp_client::ApiConfig::new(node.grpc_url()))
        .await
        .unwrap();
    let proxy = Recording {
        inner: Arc::new(grpc),
        log: Arc::clone(&log),
        authenticated: false,
    };
    let wallet = LocalWallet::generate();
    // The URL in the options is never dialled: the proxy is the network.
    let mut recorded = options(&node).with_network(Arc::new(proxy));
    recorded.api = xmtp_client::ApiConfig::new("http://127.0.0.1:1");
    let alice = Client::create(&wallet, recorded.clone()).await.unwrap();
    let (_, bob) = user(&node).await;

    let conversation = alice
        .conversations()
        .new_conversation(bob.address(), None)
        .await
        .unwrap();
    let mut live = conversation.stream_messages().await.unwrap();
    conversation.send("through the proxy").await.unwrap();
    let at_bob = common::listed(&bob, conversation.topic()).await;
    let read = at_bob
        .messages(xmtp_client::MessageQuery::all())
        .await
        .unwrap();
    assert!(
        matches!(&read[0].as_ref().unwrap().content, Content::Text(t) if t == "through the proxy")
    );
    let echoed = next(&mut live).await.unwrap().unwrap();
    assert_eq!(echoed.sender, alice.address());

    let me = alice.address().to_string();
    let calls = log.lock().unwrap().clone();
    for expected in [
        format!("query {}", topic::private_store(&me)),
        format!("publish authed {}", topic::private_store(&me)),
        format!("publish authed {}", topic::contact(&me)),
        format!("publish authed {}", topic::invite(&me)),
        format!("publish authed {}", conversation.topic()),
        format!("subscribe_dynamic {}", conversation.topic()),
    ] {
        assert!(calls.contains(&expected), "{expected} not in {calls:#?}");
    }
    assert!(
        !calls.iter().any(|call| call.starts_with("publish anon")),
        "every publish carried a token: {calls:#?}"
    );
    // A client from exported keys talks through it too.
    let again = Client::from_keys(alice.export_keys().expose(), recorded)
        .await
        .unwrap();
    assert_eq!(again.address(), alice.address());
    assert!(log.lock().unwrap().len() > calls.len());
}
