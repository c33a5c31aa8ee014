//! Send times that readers on every SDK can page over.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use xmtp_api::Clock;

const MS_NS: u64 = 1_000_000;

/// A client's message send times: whole milliseconds (in ns), as xmtp-js stamps them, and
/// strictly increasing per client, so that a JS reader paging with a millisecond `endTime`
/// never loses a message that shares a millisecond with a page boundary, and messages keep
/// their send order.
///
/// Each stamp is `max(now, previous + 1 ms)`: above 1,000 sends a second the stamps run ahead
/// of the clock by the excess (10,000 sends in one second end about 9 s ahead) and fall back
/// to the clock once sending slows down.
#[derive(Debug)]
pub(crate) struct SendStamps {
    clock: Arc<dyn Clock>,
    last: AtomicU64,
}

impl SendStamps {
    pub(crate) fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            last: AtomicU64::new(0),
        }
    }

    /// The next send time.
    pub(crate) fn next(&self) -> u64 {
        let now = self.clock.now_ns() / MS_NS * MS_NS;
        let step = |last: u64| now.max(last.saturating_add(MS_NS));
        let previous = self
            .last
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
                Some(step(last))
            })
            .unwrap_or_else(|last| last);
        step(previous)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock that stands still, so every stamp after the first is the 1 ms step.
    fn frozen(now_ns: u64) -> Arc<xmtp_api::ManualClock> {
        Arc::new(xmtp_api::ManualClock::new(now_ns))
    }

    #[test]
    fn stamps_are_whole_milliseconds_and_strictly_increase_across_threads() {
        let stamps = Arc::new(SendStamps::new(Arc::new(xmtp_api::SystemClock)));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let stamps = Arc::clone(&stamps);
                std::thread::spawn(move || (0..5_000).map(|_| stamps.next()).collect())
            })
            .collect();
        let mut all: Vec<u64> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|_| Vec::new()))
            .collect();
        assert_eq!(all.len(), 10_000);
        assert!(all.iter().all(|ns| ns % MS_NS == 0), "whole milliseconds");
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 10_000, "no two sends share a millisecond");
    }

    #[test]
    fn a_burst_runs_ahead_of_the_clock_by_the_excess_then_the_clock_takes_over() {
        let start = 1_700_000_000_123_456_789;
        let stamps = SendStamps::new(frozen(start));
        let burst: Vec<u64> = (0..5).map(|_| stamps.next()).collect();
        let first = start / MS_NS * MS_NS;
        assert_eq!(
            burst,
            (0..5).map(|i| first + i * MS_NS).collect::<Vec<_>>(),
            "the first stamp is the clock's millisecond, each next one 1 ms later"
        );
        let later = SendStamps {
            clock: frozen(start + 60_000 * MS_NS),
            last: AtomicU64::new(burst[4]),
        };
        assert_eq!(later.next(), first + 60_000 * MS_NS, "the clock again");
    }

    #[test]
    fn a_clock_that_steps_back_never_makes_a_stamp_go_back() {
        let stamps = SendStamps {
            clock: frozen(1_000 * MS_NS),
            last: AtomicU64::new(5_000 * MS_NS),
        };
        assert_eq!(stamps.next(), 5_001 * MS_NS);
    }
}
