//! Runs the `loadgen` binary (debug build) on tiny, count-bounded workloads against its in-process
//! node and checks that it counts correctly: no figures are asserted, only the counts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use serde_json::Value;

/// Runs loadgen with small defaults; a flag in `extra` overrides the same flag here.
fn loadgen(extra: &[&str]) -> Vec<Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_loadgen"))
        .args([
            "--json",
            "--duration",
            "60",
            "--warmup",
            "0",
            "--concurrency",
            "4",
            "--connections",
            "2",
        ])
        .args(extra)
        .output()
        .expect("running loadgen");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "loadgen failed: {}\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn u(result: &Value, key: &str) -> u64 {
    result[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} in {result}"))
}

#[test]
fn every_scenario_runs_and_counts_exactly() {
    let results = loadgen(&[
        "--max-ops",
        "120",
        "--batch",
        "10",
        "--topics",
        "7",
        "--query-topics",
        "3",
        "--query-preload",
        "130",
        "--cursor-rows",
        "7",
        "--streams",
        "24",
        "--fanout-topics",
        "4",
        "--stream-connections",
        "3",
        "--fanout-rate",
        "400",
        "publish",
        "publish-batch",
        "query",
        "query-cursor",
        "fanout",
    ]);
    let names: Vec<&str> = results
        .iter()
        .map(|r| r["scenario"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "publish",
            "publish-batch",
            "query",
            "query-cursor",
            "fanout"
        ]
    );
    for result in &results {
        assert_eq!(u(result, "errors"), 0, "{result}");
        assert_eq!(result["backend"], "sqlite");
        assert_eq!(result["auth"], false);
    }
    let [publish, batch, query, cursor, fanout] = &results[..] else {
        unreachable!()
    };
    // Bounded by count, not by the 60 s duration.
    assert_eq!(u(publish, "requests"), 120);
    assert_eq!(u(publish, "envelopes"), 120);
    assert!(publish["seconds"].as_f64().unwrap() < 60.0);
    assert_eq!(u(batch, "requests"), 120);
    assert_eq!(u(batch, "envelopes"), 1_200);
    // Every page is full: 100 of the 130 envelopes on the topic.
    assert_eq!(u(query, "requests"), 120);
    assert_eq!(u(query, "envelopes"), 12_000);
    // Second pages after a cursor: the 7 envelopes past the first 100.
    assert_eq!(u(cursor, "requests"), 120);
    assert_eq!(u(cursor, "envelopes"), 840);
    // 120 envelopes round-robin over 4 topics, 6 streams on each: every one delivered once.
    assert_eq!(u(fanout, "envelopes"), 120);
    assert_eq!(u(fanout, "expected"), 720);
    assert_eq!(u(fanout, "delivered"), 720);
    assert_eq!(u(fanout, "lost"), 0);
    assert!(fanout["p99_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn auth_tokens_are_accepted_by_a_verifying_node() {
    let results = loadgen(&["--auth", "--max-ops", "50", "publish", "publish-batch"]);
    assert_eq!(results.len(), 2);
    for result in &results {
        assert_eq!(result["auth"], true);
        assert_eq!(u(result, "errors"), 0, "{result}");
        assert_eq!(u(result, "requests"), 50);
    }
}

#[test]
fn open_loop_runs_at_most_the_requested_rate() {
    // 200 requests/s for 0.5 s: about 100 requests, never many more.
    let results = loadgen(&[
        "--rate",
        "200",
        "--duration",
        "0.5",
        "--query-topics",
        "2",
        "publish",
        "query",
    ]);
    for result in &results {
        assert_eq!(u(result, "errors"), 0, "{result}");
        let requests = u(result, "requests");
        assert!((1..=101).contains(&requests), "{result}");
    }
}

#[test]
fn streams_scenario_counts_every_delivery_on_both_transports() {
    // 60 gRPC and 20 HTTP streams, each on its own topic and one of 4 shared ones.
    let results = loadgen(&[
        "--streams",
        "60",
        "--http-streams",
        "20",
        "--http-sources",
        "3",
        "--shared-topics",
        "4",
        "--stream-connections",
        "2",
        "--fanout-rate",
        "400",
        "--max-ops",
        "200",
        "streams",
    ]);
    let [streams] = &results[..] else {
        panic!("one result: {results:?}")
    };
    assert_eq!(u(streams, "errors"), 0, "{streams}");
    assert_eq!(u(streams, "envelopes"), 200);
    assert_eq!(u(streams, "lost"), 0, "{streams}");
    assert_eq!(u(streams, "delivered"), u(streams, "expected"));
    let figures = &streams["streams"];
    assert_eq!(u(figures, "grpc_streams"), 60);
    assert_eq!(u(figures, "http_streams"), 20);
    assert_eq!(u(figures, "duplicated"), 0);
}

#[test]
fn reconnect_storm_brings_every_client_back_with_nothing_lost() {
    let results = loadgen(&[
        "--streams",
        "50",
        "--stream-connections",
        "2",
        "reconnect-storm",
    ]);
    let [storm] = &results[..] else {
        panic!("one result: {results:?}")
    };
    assert_eq!(u(storm, "errors"), 0, "{storm}");
    assert_eq!(u(storm, "expected"), 100);
    assert_eq!(u(storm, "delivered"), 100);
    assert_eq!(u(storm, "lost"), 0);
    assert_eq!(u(&storm["storm"], "resubscribed"), 50);
}

#[test]
fn sync_fetches_every_missing_envelope_once() {
    let results = loadgen(&["--sync-missing", "300", "--query-topics", "3", "sync"]);
    let [sync] = &results[..] else {
        panic!("one result: {results:?}")
    };
    assert_eq!(u(sync, "errors"), 0, "{sync}");
    assert_eq!(u(sync, "lost"), 0, "{sync}");
    let figures = &sync["sync"];
    assert_eq!(u(figures, "missing"), 300);
    assert_eq!(u(figures, "fetched"), 300);
    assert_eq!(u(figures, "stored"), 300);
}

#[test]
fn soak_rides_over_a_restart_without_errors_or_losses() {
    // Three 1 s windows, the restart in the middle one; only the counts are asserted.
    let results = loadgen(&[
        "--streams",
        "20",
        "--stream-connections",
        "2",
        "--duration",
        "3",
        "--warmup",
        "0.5",
        "--soak-window",
        "1",
        "--rate",
        "100",
        "--batch",
        "5",
        "--query-rate",
        "20",
        "soak",
    ]);
    let [soak] = &results[..] else {
        panic!("one result: {results:?}")
    };
    assert_eq!(u(soak, "errors"), 0, "{soak}");
    assert_eq!(u(soak, "lost"), 0, "{soak}");
    assert_eq!(u(soak, "delivered"), u(soak, "expected"));
    assert_eq!(soak["soak"]["windows"].as_array().unwrap().len(), 3);
}

#[test]
fn inbox_streams_every_message_of_every_conversation_once() {
    // 50 conversations, 100 messages round-robin: every conversation topic delivers twice.
    let results = loadgen(&[
        "--conversations",
        "50",
        "--rest",
        "0.2",
        "--message-rate",
        "400",
        "--max-ops",
        "100",
        "--grace",
        "30",
        "inbox",
    ]);
    let [inbox] = &results[..] else {
        panic!("one result: {results:?}")
    };
    assert_eq!(u(inbox, "errors"), 0, "{inbox}");
    assert_eq!(u(inbox, "lost"), 0, "{inbox}");
    assert_eq!(u(&inbox["inbox"]["fixture"], "conversations"), 50);
    let listeners = inbox["inbox"]["listeners"].as_array().unwrap();
    let [rust] = &listeners[..] else {
        panic!("one listener: {listeners:?}")
    };
    assert_eq!(rust["listener"], "xmtp-rs");
    assert_eq!(u(rust, "published"), 100);
    assert_eq!(u(rust, "delivered"), 100);
    assert_eq!(u(rust, "duplicated"), 0);
    assert_eq!(u(rust, "unexpected"), 0);
    assert!(rust["start_ms"].as_f64().unwrap() > 0.0, "{rust}");
    // The listener's RSS was read from /proc at the end of the rest phase.
    assert!(rust["rest"]["rss_kib"][1].as_u64().unwrap() > 0, "{rust}");
}

#[test]
fn propagation_delivers_every_envelope_once_two_hops_away() {
    // 200 envelopes into node A; 6 streams on node C over 3 topics, each envelope reaching 2.
    let results = loadgen(&[
        "--streams",
        "6",
        "--stream-connections",
        "2",
        "--fanout-topics",
        "3",
        "--fanout-rate",
        "400",
        "--max-ops",
        "200",
        "--grace",
        "60",
        "propagation",
    ]);
    let [propagation] = &results[..] else {
        panic!("one result: {results:?}")
    };
    assert_eq!(u(propagation, "errors"), 0, "{propagation}");
    assert_eq!(u(propagation, "envelopes"), 200, "{propagation}");
    assert_eq!(u(propagation, "expected"), 400, "{propagation}");
    assert_eq!(u(propagation, "delivered"), 400, "{propagation}");
    assert_eq!(u(propagation, "lost"), 0, "{propagation}");
}
