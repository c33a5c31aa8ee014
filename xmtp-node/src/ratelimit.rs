//! Per-client-IP token buckets (network.md §4.8), refilled continuously.
//!
//! The reference node adds `rate × whole minutes since last seen` and then resets "last seen" on
//! every call, so a client calling more than once a minute is never refilled. governor's GCRA is a
//! correct token bucket: tokens come back evenly over the minute.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::{Bucket, RateLimitConfig};

/// Which bucket a call spends from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Queries, batch sub-queries and stream opens (`DEF`).
    General,
    /// Published envelopes (`PUB`).
    Publish,
}

/// Requests whose client IP is unknown share one bucket.
const UNKNOWN_IP: IpAddr = IpAddr::V6(Ipv6Addr::UNSPECIFIED);

pub(crate) struct Limiter {
    enabled: bool,
    general: DefaultKeyedRateLimiter<IpAddr>,
    publish: DefaultKeyedRateLimiter<IpAddr>,
    general_priority: DefaultKeyedRateLimiter<IpAddr>,
    publish_priority: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(bucket: Bucket, multiplier: u32) -> Quota {
    let nz = |n: u32| NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(nz(bucket.per_minute.saturating_mul(multiplier)))
        .allow_burst(nz(bucket.capacity.saturating_mul(multiplier)))
}

impl Limiter {
    pub(crate) fn new(config: &RateLimitConfig) -> Self {
        Self {
            enabled: config.enabled,
            general: RateLimiter::keyed(quota(config.general, 1)),
            publish: RateLimiter::keyed(quota(config.publish, 1)),
            general_priority: RateLimiter::keyed(quota(
                config.general,
                config.priority_general_multiplier,
            )),
            publish_priority: RateLimiter::keyed(quota(
                config.publish,
                config.priority_publish_multiplier,
            )),
        }
    }

    /// Spends `cost` tokens, or refuses with `RESOURCE_EXHAUSTED "<cost> exceeds rate limit
    /// <bucket>"` as the reference node words it.
    pub(crate) fn check(
        &self,
        ip: Option<IpAddr>,
        priority: bool,
        kind: Kind,
        cost: u32,
    ) -> Result<(), tonic::Status> {
        let Some(n) = NonZeroU32::new(cost) else {
            return Ok(());
        };
        if !self.enabled {
            return Ok(());
        }
        let key = ip.unwrap_or(UNKNOWN_IP);
        let limiter = match (kind, priority) {
            (Kind::General, false) => &self.general,
            (Kind::General, true) => &self.general_priority,
            (Kind::Publish, false) => &self.publish,
            (Kind::Publish, true) => &self.publish_priority,
        };
        match limiter.check_key_n(&key, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) | Err(_) => {
                let class = if priority { "P" } else { "R" };
                let ip = ip.map_or_else(|| "ip_unknown".to_owned(), |ip| ip.to_string());
                let kind = match kind {
                    Kind::General => "DEF",
                    Kind::Publish => "PUB",
                };
                Err(tonic::Status::resource_exhausted(format!(
                    "{cost} exceeds rate limit {class}{ip}{kind}"
                )))
            }
        }
    }

    /// Forgets clients whose buckets are full again (indistinguishable from new ones), so the
    /// maps stay as small as the set of recently active clients.
    pub(crate) fn sweep(&self) {
        for limiter in [
            &self.general,
            &self.publish,
            &self.general_priority,
            &self.publish_priority,
        ] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// Clients currently tracked (all buckets).
    #[cfg(test)]
    pub(crate) fn tracked(&self) -> usize {
        self.general.len()
            + self.publish.len()
            + self.general_priority.len()
            + self.publish_priority.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(capacity: u32, per_minute: u32) -> RateLimitConfig {
        RateLimitConfig {
            general: Bucket {
                capacity,
                per_minute,
            },
            publish: Bucket {
                capacity,
                per_minute,
            },
            ..RateLimitConfig::default()
        }
    }

    #[test]
    fn bucket_empties_then_refuses_with_the_reference_message() {
        let limiter = Limiter::new(&config(3, 1));
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        limiter.check(Some(ip), false, Kind::Publish, 2).unwrap();
        limiter.check(Some(ip), false, Kind::Publish, 1).unwrap();
        let err = limiter
            .check(Some(ip), false, Kind::Publish, 1)
            .unwrap_err();
        assert_eq!(err.code(), tonic::Code::ResourceExhausted);
        assert_eq!(err.message(), "1 exceeds rate limit R127.0.0.1PUB");
        // Separate buckets per kind and per IP.
        limiter.check(Some(ip), false, Kind::General, 3).unwrap();
        limiter
            .check(Some("10.0.0.1".parse().unwrap()), false, Kind::Publish, 3)
            .unwrap();
        // A cost above the capacity can never pass.
        let err = limiter.check(None, false, Kind::General, 4).unwrap_err();
        assert_eq!(err.message(), "4 exceeds rate limit Rip_unknownDEF");
    }

    #[test]
    fn priority_buckets_are_bigger() {
        let limiter = Limiter::new(&config(2, 1));
        let ip: IpAddr = "::1".parse().unwrap();
        limiter.check(Some(ip), true, Kind::Publish, 50).unwrap();
        assert!(limiter.check(Some(ip), false, Kind::Publish, 3).is_err());
        assert!(limiter.check(Some(ip), true, Kind::General, 11).is_err());
    }

    #[test]
    fn refills_continuously() {
        // 600 per minute = one token every 100 ms.
        let limiter = Limiter::new(&config(1, 600));
        let ip: IpAddr = "127.0.0.2".parse().unwrap();
        limiter.check(Some(ip), false, Kind::General, 1).unwrap();
        assert!(limiter.check(Some(ip), false, Kind::General, 1).is_err());
        std::thread::sleep(std::time::Duration::from_millis(150));
        limiter.check(Some(ip), false, Kind::General, 1).unwrap();
    }

    #[test]
    fn disabled_never_refuses_and_sweep_forgets_full_buckets() {
        let mut cfg = config(1, 60_000);
        cfg.enabled = false;
        let off = Limiter::new(&cfg);
        for _ in 0..10 {
            off.check(None, false, Kind::Publish, 1).unwrap();
        }
        let on = Limiter::new(&config(1, 60_000));
        on.check(None, false, Kind::Publish, 1).unwrap();
        assert_eq!(on.tracked(), 1);
        std::thread::sleep(std::time::Duration::from_millis(20));
        on.sweep();
        assert_eq!(on.tracked(), 0);
    }
}
