//! The one seam for "now": every timestamp the client side sends or sync cursor it keeps comes
//! from a [`Clock`], so tests can run a client whose clock is wrong.

use std::fmt::Debug;
use std::time::{SystemTime, UNIX_EPOCH};

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
}
