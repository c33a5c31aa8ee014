//! Faults on the real `xmtp-node` binary: kill -9 under publish load (SQLite and PostgreSQL), a
//! full disk, a database that turns read-only. Nothing acknowledged may be lost, and a failing
//! store must give a clear error, not a corrupt database.
//!
//! The disk faults mount small tmpfs file systems (root only); where mounting is not permitted
//! they skip with a notice, since neither fault can be produced faithfully otherwise (root
//! ignores file modes, and SQLite's `max_page_count` is per connection, out of a test's reach).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::load::{self, Key, PublishLoad, connect, stored};
use common::process::{NodeProcess, Tmpfs};
use xmtp_proto::message_api::v1 as api;

const NO_LIMITS: &[&str] = &["--no-auth", "--no-rate-limits"];

/// Checks what a restarted node returns for `topics` against the acknowledged ledger: every
/// acknowledged envelope is there, and each topic holds exactly its publisher's envelopes 1..=k,
/// where only the one request in flight at the kill may be stored without an acknowledgement.
fn assert_nothing_lost(topics: &[String], acked: &BTreeSet<Key>, stored: &BTreeSet<Key>) {
    let missing: Vec<_> = acked.difference(stored).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged envelopes lost, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    for topic in topics {
        let seqs: Vec<u64> = stored
            .iter()
            .filter(|k| &k.0 == topic)
            .map(|k| k.1)
            .collect();
        let acked_here = acked.iter().filter(|k| &k.0 == topic).count() as u64;
        assert_eq!(
            seqs,
            (1..=seqs.len() as u64).collect::<Vec<_>>(),
            "gap in {topic}"
        );
        assert!(
            (acked_here..=acked_here + 1).contains(&(seqs.len() as u64)),
            "{topic}: {} stored, {acked_here} acknowledged",
            seqs.len()
        );
    }
}

/// `cycles` times: publish from 16 concurrent clients, kill -9 the node mid-load, restart it on
/// the same database, and check this cycle's and every earlier cycle's acknowledged envelopes.
async fn kill_during_load(db: &str, cycles: usize) {
    let mut all_topics = Vec::new();
    let mut all_acked = BTreeSet::new();
    let mut node = NodeProcess::start(db, NO_LIMITS).unwrap();
    for cycle in 0..cycles {
        let load = PublishLoad::start(&node.grpc_url(), 16, 512).await;
        load.until_acked(300).await;
        node.kill9();
        let topics = load.topics.clone();
        let acked = load.finish().await;
        node = NodeProcess::start(db, NO_LIMITS).unwrap();
        let mut grpc = connect(&node.grpc_url()).await;
        let now = stored(&mut grpc, &topics).await;
        assert_nothing_lost(&topics, &acked, &now);
        all_topics.extend(topics);
        all_acked.extend(acked);
        let everything = stored(&mut grpc, &all_topics).await;
        assert!(all_acked.is_subset(&everything), "cycle {cycle}");
        println!(
            "cycle {cycle}: {} acknowledged before kill -9, {} stored after restart, 0 lost",
            all_acked.len(),
            everything.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_loses_nothing_acknowledged_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("node.db");
    kill_during_load(db.to_str().unwrap(), 3).await;
    integrity_ok(&db);
}

#[cfg(feature = "postgres")]
#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_loses_nothing_acknowledged_postgres() {
    let Some(schema) = common::pg::PgSchema::create() else {
        return;
    };
    kill_during_load(&schema.url(), 3).await;
}

async fn publish(grpc: &mut common::Grpc, e: &api::Envelope) -> Result<(), tonic::Status> {
    grpc.publish(api::PublishRequest {
        envelopes: vec![e.clone()],
    })
    .await
    .map(|_| ())
}

fn integrity_ok(db: &std::path::Path) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

/// A disk that fills up: Publish fails with INTERNAL naming the cause, reads keep working, and
/// after a restart (with space freed) everything acknowledged is there, in an intact file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_a_clear_error_and_keeps_what_was_stored() {
    let Some(fs) = Tmpfs::mount("3m") else {
        return;
    };
    let db = fs.path().join("node.db");
    // Room to free after the failure, so the restarted node can recover its WAL.
    let filler = fs.path().join("filler");
    std::fs::write(&filler, vec![0u8; 512 * 1024]).unwrap();
    let node = NodeProcess::start(db.to_str().unwrap(), NO_LIMITS).unwrap();
    let mut grpc = connect(&node.grpc_url()).await;
    let topic = common::m_topic();
    let mut acked = BTreeSet::new();
    let mut refusal = None;
    for i in 1..=2_000u64 {
        let e = common::envelope(&topic, i, &vec![i as u8; 4096]);
        match publish(&mut grpc, &e).await {
            Ok(()) => {
                acked.insert(load::key(&e));
            }
            Err(status) => {
                refusal = Some(status);
                break;
            }
        }
    }
    let refusal = refusal.expect("3 MiB never filled up");
    assert_eq!(refusal.code(), tonic::Code::Internal, "{refusal:?}");
    assert!(refusal.message().contains("full"), "{}", refusal.message());
    // Reads are still served, and exactly what was acknowledged is there.
    assert_eq!(stored(&mut grpc, std::slice::from_ref(&topic)).await, acked);
    println!(
        "disk full after {} envelopes of 4 KiB: {refusal:?}",
        acked.len()
    );
    node.kill9();
    std::fs::remove_file(&filler).unwrap();
    let node = NodeProcess::start(db.to_str().unwrap(), NO_LIMITS).unwrap();
    let mut grpc = connect(&node.grpc_url()).await;
    assert_eq!(stored(&mut grpc, std::slice::from_ref(&topic)).await, acked);
    publish(&mut grpc, &common::envelope(&topic, 0, b"room again"))
        .await
        .unwrap();
    node.kill9();
    integrity_ok(&db);
}

/// A database on a file system mounted read-only: the node serves reads and refuses every
/// publish with INTERNAL naming the cause; once writable again nothing is lost and the file is
/// intact. (The kernel refuses to remount a file system read-only while the node holds the
/// database open for writing, so the fault can only appear across a restart.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_is_a_clear_error_not_corruption() {
    let Some(fs) = Tmpfs::mount("16m") else {
        return;
    };
    let db = fs.path().join("node.db");
    let node = NodeProcess::start(db.to_str().unwrap(), NO_LIMITS).unwrap();
    let mut grpc = connect(&node.grpc_url()).await;
    let topic = common::m_topic();
    let mut acked = BTreeSet::new();
    for i in 1..=50u64 {
        let e = common::envelope(&topic, i, &[i as u8; 100]);
        publish(&mut grpc, &e).await.unwrap();
        acked.insert(load::key(&e));
    }
    node.kill9();
    fs.set_read_only(true);
    // The node comes up and serves reads; every write is refused with the cause, stores nothing.
    let node = NodeProcess::start(db.to_str().unwrap(), NO_LIMITS).unwrap();
    let mut grpc = connect(&node.grpc_url()).await;
    assert_eq!(stored(&mut grpc, std::slice::from_ref(&topic)).await, acked);
    for i in 51..=53u64 {
        let refused = publish(&mut grpc, &common::envelope(&topic, i, b"refused"))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), tonic::Code::Internal, "{refused:?}");
        assert!(
            refused.message().contains("readonly"),
            "{}",
            refused.message()
        );
        println!("publish on a read-only database: {refused:?}");
    }
    assert_eq!(stored(&mut grpc, std::slice::from_ref(&topic)).await, acked);
    node.kill9();

    fs.set_read_only(false);
    let node = NodeProcess::start(db.to_str().unwrap(), NO_LIMITS).unwrap();
    let mut grpc = connect(&node.grpc_url()).await;
    assert_eq!(stored(&mut grpc, std::slice::from_ref(&topic)).await, acked);
    node.kill9();
    integrity_ok(&db);
}
