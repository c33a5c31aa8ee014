//! What the SQLite store reports at `/metrics` (names begin `xmtp_node_sqlite_`): how long its
//! writer, checkpointer and readers take per operation, and how its log and paging keep up. A
//! publish waits for the writer's operations in turn and a query for a reader, so their
//! durations are where a stall shows.

use std::time::Instant;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// An operation timed in `xmtp_node_sqlite_operation_seconds`.
#[derive(Clone, Copy, Debug)]
pub(super) enum Operation {
    /// A write transaction of publishes (a group commit, or one request on its caller's thread).
    Commit,
    /// One chunk of a paging pass (its own write transaction).
    Pass,
    /// The writer copying the last log frames so that its next transaction starts the log over;
    /// it ends with flushes of the log and the database file, and every publish waits for it.
    LogRestart,
    /// One retention batch.
    Retention,
    /// One round of the checkpointer thread (it holds no lock publishes wait for, unless it had
    /// to force a restart).
    Checkpoint,
    /// A read (a query's page, a sync batch) on one of the reader connections.
    Read,
    /// How long a read waited for a free reader connection and a thread to run on.
    ReadWait,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::Commit => "commit",
            Operation::Pass => "pass",
            Operation::LogRestart => "log_restart",
            Operation::Retention => "retention",
            Operation::Checkpoint => "checkpoint",
            Operation::Read => "read",
            Operation::ReadWait => "read_wait",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabel {
    operation: &'static str,
}

/// The SQLite store's metrics; registered into the node's registry by [`Self::register`].
pub(super) struct SqliteMetrics {
    seconds: Family<OperationLabel, Histogram, fn() -> Histogram>,
    /// Times the log started over (seen by the checkpointer).
    pub(super) log_restarts: Counter,
    /// Log restarts the writer made ready between group commits.
    pub(super) writer_restarts: Counter,
    /// Blocking RESTART checkpoints the checkpointer had to force (readers held the log).
    pub(super) forced_restarts: Counter,
    /// Flushes (`fdatasync`) of the database file by the checkpointer.
    pub(super) database_flushes: Counter,
    /// Frames in the log at the checkpointer's last round.
    pub(super) log_frames: Gauge,
    /// Committed rows whose paging rows are not written yet (kept in memory).
    pub(super) unpaged_rows: Gauge,
}

impl SqliteMetrics {
    pub(super) fn new() -> Self {
        Self {
            seconds: Family::new_with_constructor(
                crate::metrics::latency_histogram as fn() -> Histogram,
            ),
            log_restarts: Counter::default(),
            writer_restarts: Counter::default(),
            forced_restarts: Counter::default(),
            database_flushes: Counter::default(),
            log_frames: Gauge::default(),
            unpaged_rows: Gauge::default(),
        }
    }

    /// Runs `f`, recording how long it took as `operation`.
    pub(super) fn time<T>(&self, operation: Operation, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = f();
        self.took(operation, started);
        result
    }

    /// Records an `operation` that began at `started` and has just ended.
    pub(super) fn took(&self, operation: Operation, started: Instant) {
        self.seconds
            .get_or_create(&OperationLabel {
                operation: operation.name(),
            })
            .observe(started.elapsed().as_secs_f64());
    }

    /// How many `operation`s were timed, read back from the text a registry holding these
    /// metrics serves.
    #[cfg(test)]
    pub(super) fn count(&self, operation: Operation) -> u64 {
        let mut registry = Registry::default();
        self.register(&mut registry);
        let mut text = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut text, &registry);
        let prefix = format!(
            "sqlite_operation_seconds_count{{operation=\"{}\"}} ",
            operation.name()
        );
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix)?.parse().ok())
            .unwrap_or(0)
    }

    /// Adds these metrics to `registry` (under the prefix `sqlite`).
    pub(crate) fn register(&self, registry: &mut Registry) {
        let registry = registry.sub_registry_with_prefix("sqlite");
        registry.register(
            "operation_seconds",
            "How long the store's writer, checkpointer and readers took, by operation",
            self.seconds.clone(),
        );
        for (name, help, counter) in [
            (
                "log_restarts",
                "Times the write-ahead log started over",
                &self.log_restarts,
            ),
            (
                "writer_log_restarts",
                "Log restarts the writer made ready between group commits",
                &self.writer_restarts,
            ),
            (
                "forced_log_restarts",
                "Blocking RESTART checkpoints forced because readers held the log",
                &self.forced_restarts,
            ),
            (
                "database_flushes",
                "Flushes of the database file by the checkpointer after copying frames into it",
                &self.database_flushes,
            ),
        ] {
            registry.register(name, help, counter.clone());
        }
        for (name, help, gauge) in [
            (
                "log_frames",
                "Frames in the write-ahead log at the last checkpoint round",
                &self.log_frames,
            ),
            (
                "unpaged_rows",
                "Committed envelopes whose paging keys are still held in memory",
                &self.unpaged_rows,
            ),
        ] {
            registry.register(name, help, gauge.clone());
        }
    }
}
