//! Publish load with a ledger of acknowledged envelopes, and reading a topic set back in full:
//! what "no acknowledged envelope was lost" is checked with.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use xmtp_proto::message_api::v1 as api;
use xmtp_proto::message_api::v1::message_api_client::MessageApiClient;

use super::{Grpc, digest, envelope};

/// `(topic, timestamp_ns, digest)`: an envelope's identity in the store.
pub type Key = (String, u64, Vec<u8>);

pub fn key(e: &api::Envelope) -> Key {
    (
        e.content_topic.clone(),
        e.timestamp_ns,
        digest(&e.content_topic, &e.message),
    )
}

/// Connects, retrying for up to 30 s (a node that is restarting, a database coming back).
pub async fn connect(url: &str) -> Grpc {
    for _ in 0..300 {
        if let Ok(client) = MessageApiClient::connect(url.to_owned()).await {
            return client;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot connect to {url}");
}

/// Every stored envelope on `topics`, paged through ascending with cursors.
pub async fn stored(grpc: &mut Grpc, topics: &[String]) -> BTreeSet<Key> {
    let mut all = BTreeSet::new();
    for topic in topics {
        let mut cursor = None;
        loop {
            let page = grpc
                .query(api::QueryRequest {
                    content_topics: vec![topic.clone()],
                    paging_info: Some(api::PagingInfo {
                        limit: 100,
                        cursor,
                        direction: api::SortDirection::Ascending as i32,
                    }),
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner();
            all.extend(page.envelopes.iter().map(key));
            cursor = page.paging_info.and_then(|p| p.cursor);
            if cursor.is_none() {
                break;
            }
        }
    }
    all
}

/// `tasks` concurrent publishers, each sending one-envelope requests of `size` bytes to its own
/// topic until stopped or refused. Only acknowledged envelopes enter the ledger.
pub struct PublishLoad {
    pub topics: Vec<String>,
    pub acked: Arc<Mutex<BTreeSet<Key>>>,
    pub refused: Arc<Mutex<Vec<tonic::Status>>>,
    stop: CancellationToken,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl PublishLoad {
    pub async fn start(url: &str, tasks: usize, size: usize) -> Self {
        Self::start_at(url, tasks, size, 0).await
    }

    /// [`PublishLoad::start`] with timestamps `base_ns + 1`, `base_ns + 2`, ...
    pub async fn start_at(url: &str, tasks: usize, size: usize, base_ns: u64) -> Self {
        let topics: Vec<String> = (0..tasks).map(|_| super::m_topic()).collect();
        let acked = Arc::new(Mutex::new(BTreeSet::new()));
        let refused = Arc::new(Mutex::new(Vec::new()));
        let stop = CancellationToken::new();
        let mut handles = Vec::new();
        for topic in &topics {
            let mut grpc = connect(url).await;
            let (topic, acked, refused, stop) = (
                topic.clone(),
                Arc::clone(&acked),
                Arc::clone(&refused),
                stop.clone(),
            );
            handles.push(tokio::spawn(async move {
                for i in 1u64.. {
                    let mut message = i.to_be_bytes().to_vec();
                    message.resize(size.max(8), 0x5a);
                    let e = envelope(&topic, base_ns + i, &message);
                    let request = api::PublishRequest {
                        envelopes: vec![e.clone()],
                    };
                    tokio::select! {
                        () = stop.cancelled() => break,
                        result = grpc.publish(request) => match result {
                            Ok(_) => {
                                acked.lock().unwrap().insert(key(&e));
                            }
                            Err(status) => {
                                refused.lock().unwrap().push(status);
                                break;
                            }
                        },
                    }
                }
            }));
        }
        Self {
            topics,
            acked,
            refused,
            stop,
            handles,
        }
    }

    pub fn acked_count(&self) -> usize {
        self.acked.lock().unwrap().len()
    }

    /// Waits until at least `n` envelopes are acknowledged.
    pub async fn until_acked(&self, n: usize) {
        for _ in 0..3000 {
            if self.acked_count() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("only {} envelopes acknowledged", self.acked_count());
    }

    /// Stops every publisher (or waits for those already refused) and returns the ledger.
    pub async fn finish(self) -> BTreeSet<Key> {
        self.stop.cancel();
        for handle in self.handles {
            handle.await.unwrap();
        }
        Arc::try_unwrap(self.acked).unwrap().into_inner().unwrap()
    }
}
