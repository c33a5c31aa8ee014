//! The one seam for "now": every timestamp a client sends, sync cursor it keeps or auth token it
//! ages, and every time the node stamps or checks a token against, comes from a [`Clock`] (or,
//! where nothing is injected yet, from [`now_ns`], which [`SystemClock`] reads), so tests can run
//! a client whose clock is wrong and age tokens without sleeping.

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time in nanoseconds since the Unix epoch.
pub trait Clock: Send + Sync + Debug {
    /// Now, in ns since the Unix epoch.
    fn now_ns(&self) -> u64;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ns(&self) -> u64 {
        now_ns()
    }
}

/// The system clock moved by a fixed signed offset: a device whose clock is wrong, for tests.
#[derive(Clone, Copy, Debug)]
pub struct SkewedClock {
    offset_ns: i64,
}

impl SkewedClock {
    /// A clock `offset_ns` ahead of the system clock (behind when negative).
    pub fn new(offset_ns: i64) -> Self {
        Self { offset_ns }
    }
}

impl Clock for SkewedClock {
    fn now_ns(&self) -> u64 {
        now_ns().saturating_add_signed(self.offset_ns)
    }
}

/// A clock that moves only when told to: the in-memory clock for tests (tokens age, windows
/// pass, without sleeping).
#[derive(Debug)]
pub struct ManualClock {
    now_ns: AtomicU64,
}

impl ManualClock {
    /// A clock standing at `now_ns`.
    pub fn new(now_ns: u64) -> Self {
        Self {
            now_ns: AtomicU64::new(now_ns),
        }
    }

    /// A clock standing at the system clock's now.
    pub fn at_system_now() -> Self {
        Self::new(now_ns())
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        let _ = self
            .now_ns
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(by))
            });
    }

    /// Sets the clock to `now_ns` (it may go back, as a real clock can).
    pub fn set(&self, now_ns: u64) {
        self.now_ns.store(now_ns, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ns(&self) -> u64 {
        self.now_ns.load(Ordering::SeqCst)
    }
}

/// Nanoseconds since the Unix epoch by the system clock (what [`SystemClock`] reads).
pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skewed_clock_is_offset_from_the_system_clock() {
        const MINUTE_NS: i64 = 60_000_000_000;
        let before = now_ns();
        let behind = SkewedClock::new(-4 * MINUTE_NS).now_ns();
        let ahead = SkewedClock::new(MINUTE_NS).now_ns();
        let after = now_ns();
        assert!(behind + 4 * MINUTE_NS as u64 >= before);
        assert!(behind + 4 * MINUTE_NS as u64 <= after);
        assert!(ahead >= before + MINUTE_NS as u64);
        assert_eq!(
            SkewedClock::new(i64::MIN).now_ns(),
            0,
            "saturates, never wraps"
        );
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(1_000);
        assert_eq!(clock.now_ns(), 1_000);
        clock.advance(Duration::from_nanos(500));
        assert_eq!(clock.now_ns(), 1_500);
        clock.advance(Duration::MAX);
        assert_eq!(clock.now_ns(), u64::MAX, "saturates");
        clock.set(7);
        assert_eq!(clock.now_ns(), 7);
    }
}
