//! Exponential backoff with full jitter, for retried calls and for resubscribing.

use std::time::Duration;

use rand::RngExt;

/// How retries are spaced and how many are made.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Delay before the first retry (before jitter).
    pub initial_delay: Duration,
    /// Upper bound on any one delay.
    pub max_delay: Duration,
    /// Retries after the first attempt for one-shot calls (publish, query). Subscriptions retry
    /// for as long as they are open.
    pub max_retries: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(10),
            max_retries: 5,
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `attempt` (0-based): uniform in `[d/2, d]` where
    /// `d = min(max_delay, initial_delay * 2^attempt)`, so concurrent clients spread out.
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
        let ceiling = self
            .initial_delay
            .saturating_mul(factor)
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        let low = nanos / 2;
        Duration::from_nanos(rand::rng().random_range(low..=nanos.max(low)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        let policy = RetryPolicy {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_retries: 3,
        };
        for _ in 0..100 {
            let d0 = policy.delay(0);
            assert!(d0 >= Duration::from_millis(50) && d0 <= Duration::from_millis(100));
            let d3 = policy.delay(3);
            assert!(d3 >= Duration::from_millis(400) && d3 <= Duration::from_millis(800));
            assert!(policy.delay(40) <= Duration::from_secs(1));
        }
    }
}
