//! Latency histograms and the result line of a scenario.

use std::time::Duration;

use anyhow::Result;
use hdrhistogram::Histogram;
use serde::Serialize;

/// A latency histogram in microseconds (1 µs to 10 min, 3 significant digits).
pub fn histogram() -> Histogram<u64> {
    // The bounds are constants that hdrhistogram accepts.
    Histogram::new_with_bounds(1, 600_000_000, 3).unwrap_or_else(|_| unreachable!())
}

/// Records `elapsed` (saturating at the histogram's top).
pub fn record(histogram: &mut Histogram<u64>, elapsed: Duration) {
    let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    histogram.saturating_record(micros.max(1));
}

/// `/proc/loadavg` now: the 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// What one scenario measured.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ScenarioResult {
    /// Scenario name.
    pub scenario: &'static str,
    /// `sqlite`, `postgres` or `remote`.
    pub backend: &'static str,
    /// Whether publishes carried (and the node verified) auth tokens.
    pub auth: bool,
    /// Concurrent clients (fanout: subscriptions).
    pub concurrency: u64,
    /// Measured wall-clock seconds.
    pub seconds: f64,
    /// Completed requests in the measured window (fanout: publish requests).
    pub requests: u64,
    /// Envelopes carried by those requests (query: envelopes returned; fanout: published).
    pub envelopes: u64,
    /// Failed requests (and, for query, short pages).
    pub errors: u64,
    /// The first error seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
    /// requests / seconds.
    pub requests_per_s: f64,
    /// envelopes / seconds.
    pub envelopes_per_s: f64,
    /// Median latency in ms (fanout: publish-to-delivery).
    pub p50_ms: f64,
    /// 99th percentile latency in ms.
    pub p99_ms: f64,
    /// 99.9th percentile latency in ms.
    pub p999_ms: f64,
    /// Largest latency in ms.
    pub max_ms: f64,
    /// Fanout: deliveries expected (published × subscribers of the topic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<u64>,
    /// Fanout: deliveries received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered: Option<u64>,
    /// Fanout: expected minus delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost: Option<u64>,
    /// Fanout: deliveries per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deliveries_per_s: Option<f64>,
    /// Streams: memory per stream, open times, duplicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streams: Option<crate::streams::StreamsFigures>,
    /// Reconnect storm: open, restart and resubscribe times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storm: Option<crate::storm::StormFigures>,
    /// Soak: the windows and the verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soak: Option<crate::soak::SoakFigures>,
    /// Inbox: the fixture and each streaming client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbox: Option<crate::inbox::InboxFigures>,
    /// Sync: the catch-up's time and bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync: Option<crate::sync::SyncFigures>,
    /// `/proc/loadavg` (1, 5, 15 min) when the scenario ended.
    pub load_average: String,
}

impl ScenarioResult {
    /// Fills in rates and percentiles.
    pub fn finish(&mut self, elapsed: Duration, latencies: &Histogram<u64>) {
        self.seconds = elapsed.as_secs_f64();
        let per_s = |n: u64| {
            if self.seconds > 0.0 {
                n as f64 / self.seconds
            } else {
                0.0
            }
        };
        self.requests_per_s = per_s(self.requests);
        self.envelopes_per_s = per_s(self.envelopes);
        self.deliveries_per_s = self.delivered.map(per_s);
        let ms = |micros: u64| micros as f64 / 1000.0;
        if !latencies.is_empty() {
            self.p50_ms = ms(latencies.value_at_quantile(0.50));
            self.p99_ms = ms(latencies.value_at_quantile(0.99));
            self.p999_ms = ms(latencies.value_at_quantile(0.999));
            self.max_ms = ms(latencies.max());
        }
        self.load_average = load_average();
    }

    /// Prints the result on stdout: one text line, or one JSON object.
    pub fn print(&self, json: bool) -> Result<()> {
        if json {
            println!("{}", serde_json::to_string(self)?);
            return Ok(());
        }
        let mut line = format!(
            "{:<13} {:<8} auth={:<3} c={:<5} {:>6.1}s {:>9} req {:>10.0} req/s {:>10.0} env/s  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms  errors {}",
            self.scenario,
            self.backend,
            if self.auth { "on" } else { "off" },
            self.concurrency,
            self.seconds,
            self.requests,
            self.requests_per_s,
            self.envelopes_per_s,
            self.p50_ms,
            self.p99_ms,
            self.max_ms,
            self.errors,
        );
        if let (Some(delivered), Some(expected), Some(rate)) =
            (self.delivered, self.expected, self.deliveries_per_s)
        {
            line.push_str(&format!(
                "  delivered {delivered}/{expected} ({rate:.0}/s, lost {})",
                self.lost.unwrap_or(0)
            ));
        }
        if let Some(s) = &self.streams {
            line.push_str(&format!(
                "  duplicated {}\n  streams: {} gRPC open in {:.1}s, {} HTTP open in {:.1}s; RSS KiB {:?} (anon {:?}){}: {:.2} KiB/gRPC stream, {:.2} KiB/HTTP stream",
                s.duplicated,
                s.grpc_streams,
                s.grpc_open_s,
                s.http_streams,
                s.http_open_s,
                s.rss_kib,
                s.rss_anon_kib,
                if s.node_only_memory { "" } else { " (node and load generator in one process)" },
                s.kib_per_grpc_stream,
                s.kib_per_http_stream,
            ));
        }
        if let Some(s) = &self.storm {
            line.push_str(&format!(
                "  duplicated {}\n  storm: {} clients open in {:.1}s; node restarted in {:.2}s; {} live again, the last {:.2}s after the node was back",
                s.duplicated, s.clients, s.open_s, s.restart_s, s.resubscribed, s.resubscribed_s
            ));
        }
        if let Some(s) = &self.soak {
            line.push_str(&format!(
                "  duplicated {}\n  soak: {} windows, first/last {}: RSS {:.0} -> {:.0} KiB (anon {:.0} -> {:.0}), publish p99 {:.2} -> {:.2} ms; restart {:.2}s; target {}",
                s.duplicated,
                s.windows.len(),
                s.compared,
                s.rss_first_kib,
                s.rss_last_kib,
                s.rss_anon_first_kib,
                s.rss_anon_last_kib,
                s.p99_first_ms,
                s.p99_last_ms,
                s.restart_s,
                if s.met { "met" } else { "MISSED" }
            ));
        }
        if let Some(inbox) = &self.inbox {
            let f = &inbox.fixture;
            line.push_str(&format!(
                "\n  inbox: {} conversations (sealed {:.1}s, published {:.1}s, peer listed {:.1}s)",
                f.conversations, f.seal_s, f.publish_s, f.peer_list_s
            ));
            for listener in &inbox.listeners {
                line.push_str(&format!("\n  {}", crate::inbox::listener_line(listener)));
            }
        }
        if let Some(s) = &self.sync {
            line.push_str(&format!(
                "\n  sync: {} missing, {} fetched in {} rounds, {} stored, {:.2}s; loopback {} bytes for {} payload bytes ({:.2}x); target {}",
                s.missing,
                s.fetched,
                s.rounds,
                s.stored,
                s.seconds,
                s.loopback_bytes,
                s.payload_bytes,
                s.bytes_ratio,
                if s.met { "met" } else { "MISSED" }
            ));
        }
        line.push_str(&format!("  load {}", self.load_average));
        println!("{line}");
        if let Some(error) = &self.first_error {
            println!("  first error: {error}");
        }
        Ok(())
    }
}
