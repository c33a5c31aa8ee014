//! Restarting PostgreSQL under two running node processes that share one schema: both recover,
//! and a client's stream on node B resumes with every envelope published through node A.
//!
//! The one test restarts the local server (`pg_ctlcluster --skip-systemctl-redirect VER NAME
//! restart`), so it lives alone in this test binary. It skips without `XMTP_TEST_POSTGRES_URL`
//! (fails under `CI=true`) and, with a notice, where `pg_ctlcluster` is not available. A guard
//! starts the cluster again however the test ends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::load::{Key, connect, key, stored};
use common::pg::PgSchema;
use common::process::NodeProcess;
use xmtp_api::{ApiConfig, GrpcApi, StreamEvent, Subscription, SubscriptionOptions, XmtpApi};
use xmtp_proto::message_api::v1 as api;

/// `(version, name)` of the local cluster listening on the port of `url` (default 5432).
fn local_cluster(url: &str) -> Option<(String, String)> {
    let port = url
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or(""))
        .and_then(|authority| authority.rsplit_once(':'))
        .map_or("5432", |(_, port)| port)
        .to_owned();
    let listed = Command::new("pg_lsclusters")
        .arg("--no-header")
        .output()
        .ok()?;
    String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cols| cols.len() >= 3 && cols[2] == port)
        .map(|cols| (cols[0].to_owned(), cols[1].to_owned()))
}

fn pg_ctl(cluster: &(String, String), action: &str) -> bool {
    Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", &cluster.0, &cluster.1, action])
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts the cluster again when dropped (a no-op if it is running).
struct RunningAgain((String, String));

impl Drop for RunningAgain {
    fn drop(&mut self) {
        if !pg_ctl(&self.0, "status") {
            let _ = pg_ctl(&self.0, "start");
        }
    }
}

/// Publishes `e` through `grpc`, retrying refused attempts for up to 60 s; returns the attempts.
async fn publish_retrying(grpc: &mut common::Grpc, e: &api::Envelope) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let request = api::PublishRequest {
            envelopes: vec![e.clone()],
        };
        match grpc.publish(request).await {
            Ok(_) => return attempts,
            Err(status) => {
                assert!(
                    matches!(
                        status.code(),
                        tonic::Code::Unavailable | tonic::Code::Internal
                    ),
                    "{status:?}"
                );
                assert!(
                    Instant::now() < deadline,
                    "no recovery within 60 s: {status:?}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// Reads the subscription until it has delivered every key of `want`.
async fn receive_all(sub: &mut Subscription, want: &BTreeSet<Key>, got: &mut BTreeSet<Key>) {
    while !want.is_subset(got) {
        let event = tokio::time::timeout(Duration::from_secs(60), sub.next_event())
            .await
            .expect("the stream on node B stalled")
            .expect("the subscription ended")
            .unwrap();
        match event {
            StreamEvent::Envelope(e) => {
                got.insert(key(&e));
            }
            other => println!("stream on B: {other:?}"),
        }
    }
}

#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[test]
fn two_nodes_recover_from_a_postgresql_restart_and_streams_resume() {
    let Some(schema) = PgSchema::create() else {
        return;
    };
    let Some(cluster) = common::pg::postgres_url().and_then(|url| local_cluster(&url)) else {
        eprintln!("skipping: no local cluster found with pg_lsclusters / pg_ctlcluster");
        return;
    };
    let _guard = RunningAgain(cluster.clone());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let flags = ["--no-auth", "--no-rate-limits"];
        let a = NodeProcess::start(&schema.url(), &flags).unwrap();
        let b = NodeProcess::start(&schema.url(), &flags).unwrap();
        let topic = common::m_topic();
        let api_b: Arc<dyn XmtpApi> = Arc::new(
            GrpcApi::connect(ApiConfig::new(b.grpc_url()))
                .await
                .unwrap(),
        );
        let mut sub =
            Subscription::start(api_b, vec![topic.clone()], SubscriptionOptions::default());
        let mut grpc_a = connect(&a.grpc_url()).await;
        let mut grpc_b = connect(&b.grpc_url()).await;
        // Publishing starts once B has registered the subscription.
        common::await_subscriptions(&b.http_url(), &common::http_client(), 1.0).await;

        let mut acked = BTreeSet::new();
        let mut got = BTreeSet::new();
        for i in 1..=20u64 {
            let e = common::envelope(&topic, i, format!("before {i}").as_bytes());
            publish_retrying(&mut grpc_a, &e).await;
            acked.insert(key(&e));
        }
        receive_all(&mut sub, &acked, &mut got).await;

        // Publish through both nodes, alternating, while the server goes down and comes back.
        let restarted = Instant::now();
        let restart = tokio::task::spawn_blocking({
            let cluster = cluster.clone();
            move || pg_ctl(&cluster, "restart")
        });
        let mut attempts = 0;
        for i in 21..=80u64 {
            let grpc = if i % 2 == 0 { &mut grpc_a } else { &mut grpc_b };
            let e = common::envelope(&topic, i, format!("during {i}").as_bytes());
            attempts += publish_retrying(grpc, &e).await;
            acked.insert(key(&e));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(restart.await.unwrap(), "pg_ctlcluster restart failed");
        println!(
            "PostgreSQL restarted under load: 60 publishes took {attempts} attempts in {:?}",
            restarted.elapsed()
        );
        receive_all(&mut sub, &acked, &mut got).await;
        assert_eq!(
            got, acked,
            "the stream delivered something never acknowledged"
        );
        for grpc in [&mut grpc_a, &mut grpc_b] {
            assert_eq!(stored(grpc, std::slice::from_ref(&topic)).await, acked);
        }
        drop(sub);
        drop((a, b));
    });
}
