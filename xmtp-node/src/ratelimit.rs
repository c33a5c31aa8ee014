//! Per-client-IP token buckets (network.md §4.8), refilled continuously.
//!
//! The reference node adds `rate × whole minutes since last seen` and then resets "last seen" on
//! every call, so a client calling more than once a minute is never refilled. governor's GCRA is a
//! correct token bucket: tokens come back evenly over the minute.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use xmtp_keystore::Clock;

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

/// The node's clock as governor's: buckets refill as it moves. (A wall clock stepped back
/// refills nothing until it passes its old reading again: governor's durations saturate.)
#[derive(Clone, Debug)]
pub(crate) struct BucketClock(pub(crate) Arc<dyn Clock>);

impl governor::clock::Clock for BucketClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        Nanos::from(self.0.now_ns())
    }
}

/// Per-key buckets refilled by the node's clock.
pub(crate) type KeyedLimiter<K> =
    RateLimiter<K, DefaultKeyedStateStore<K>, BucketClock, NoOpMiddleware<Nanos>>;

/// Empty per-key buckets of `quota`, refilled by `clock`.
pub(crate) fn keyed<K: Clone + std::hash::Hash + Eq>(
    quota: Quota,
    clock: &Arc<dyn Clock>,
) -> KeyedLimiter<K> {
    RateLimiter::new(
        quota,
        DefaultKeyedStateStore::default(),
        BucketClock(Arc::clone(clock)),
    )
}

pub(crate) struct Limiter {
    enabled: bool,
    general: KeyedLimiter<IpAddr>,
    publish: KeyedLimiter<IpAddr>,
    general_priority: KeyedLimiter<IpAddr>,
    publish_priority: KeyedLimiter<IpAddr>,
}

pub(crate) fn quota(bucket: Bucket, multiplier: u32) -> Quota {
    let nz = |n: u32| NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(nz(bucket.per_minute.saturating_mul(multiplier)))
        .allow_burst(nz(bucket.capacity.saturating_mul(multiplier)))
}

impl Limiter {
    pub(crate) fn new(config: &RateLimitConfig, clock: &Arc<dyn Clock>) -> Self {
        let bucket = |bucket, multiplier| keyed(quota(bucket, multiplier), clock);
        Self {
            enabled: config.enabled,
            general: bucket(config.general, 1),
            publish: bucket(config.publish, 1),
            general_priority: bucket(config.general, config.priority_general_multiplier),
            publish_priority: bucket(config.publish, config.priority_publish_multiplier),
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
        self.check_more(ip, priority, kind, cost, 0)
    }

    /// [`Limiter::check`] for the rest of a call's cost, `already` tokens having been spent
    /// by [`Service::admit`](crate::service::Service::admit): the refusal names the whole cost.
    pub(crate) fn check_more(
        &self,
        ip: Option<IpAddr>,
        priority: bool,
        kind: Kind,
        cost: u32,
        already: u32,
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
                    "{} exceeds rate limit {class}{ip}{kind}",
                    cost.saturating_add(already)
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

/// An address range, `10.0.0.0/8` or `fd00::/8`; a bare address is a range of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `ip` is in the range (an IPv4-mapped IPv6 address matches its IPv4 range).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            IpAddr::V4(_) => ip,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = s.split_once('/').unwrap_or((s, ""));
        let network: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or CIDR range"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: prefix length must be 0 to {max}"))?
        };
        Ok(Self { network, prefix })
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The client address of a call: the direct peer, unless the peer is a trusted proxy; then the
/// rightmost `X-Forwarded-For` hop that is not a trusted proxy (proxies append the address they
/// saw, so everything left of it was written by the client and is not believed). A hop that
/// does not parse stops the walk at the proxy that appended it.
pub(crate) fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[Cidr],
) -> Option<IpAddr> {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    let mut client = peer?;
    if !is_trusted(client) {
        return Some(client);
    }
    for hop in forwarded_for.unwrap_or_default().rsplit(',') {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    Some(client)
}

/// Response bytes the node holds until they are written: node-wide and per client address
/// (issue 15 §2). Never waits: a response that does not fit is refused.
pub(crate) struct ResponseBudget {
    total: usize,
    per_address: usize,
    held: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// Bytes held for one response; returned when dropped.
pub(crate) struct ResponsePermit {
    budget: Arc<ResponseBudget>,
    ip: IpAddr,
    bytes: usize,
}

impl std::fmt::Debug for ResponsePermit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponsePermit")
            .field("ip", &self.ip)
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl ResponseBudget {
    pub(crate) fn new(total: usize, per_address: usize) -> Arc<Self> {
        Arc::new(Self {
            total,
            per_address,
            held: Mutex::new((0, HashMap::new())),
        })
    }

    /// Holds `bytes` for a response to `ip`, or refuses with `RESOURCE_EXHAUSTED`. A response
    /// larger than a whole budget is still let through when nothing else is held (so a
    /// configuration below one page never blocks everything).
    pub(crate) fn acquire(
        self: &Arc<Self>,
        ip: Option<IpAddr>,
        bytes: usize,
    ) -> Result<ResponsePermit, tonic::Status> {
        let ip = ip.unwrap_or(UNKNOWN_IP);
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        self.check(&held, ip, 0, bytes)?;
        held.0 += bytes;
        *held.1.entry(ip).or_default() += bytes;
        Ok(ResponsePermit {
            budget: Arc::clone(self),
            ip,
            bytes,
        })
    }

    /// Whether a response to `ip` that holds `already` bytes may hold `more` on top.
    fn check(
        &self,
        held: &(usize, HashMap<IpAddr, usize>),
        ip: IpAddr,
        already: usize,
        more: usize,
    ) -> Result<(), tonic::Status> {
        let mine = held.1.get(&ip).copied().unwrap_or(0);
        let (others, others_mine) = (held.0 - already, mine - already);
        let over_total = others > 0 && held.0 + more > self.total;
        let over_mine = others_mine > 0 && mine + more > self.per_address;
        if over_total || over_mine {
            let which = if over_mine {
                "for this address"
            } else {
                "node-wide"
            };
            return Err(tonic::Status::resource_exhausted(format!(
                "too many response bytes in flight {which}: {} held, {more} more asked",
                if over_mine { mine } else { held.0 }
            )));
        }
        Ok(())
    }

    /// Bytes held now, node-wide.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.held.lock().unwrap_or_else(|e| e.into_inner()).0
    }
}

impl ResponsePermit {
    /// Holds `bytes` instead: the size of the body actually written, once it is encoded (JSON
    /// is about 4/3 of the protobuf the permit was taken for; gzip less). Growing past a budget
    /// is refused as [`ResponseBudget::acquire`] refuses, and then nothing changes.
    pub(crate) fn resize(&mut self, bytes: usize) -> Result<(), tonic::Status> {
        let budget = &self.budget;
        let mut held = budget.held.lock().unwrap_or_else(|e| e.into_inner());
        if bytes > self.bytes {
            let more = bytes - self.bytes;
            budget.check(&held, self.ip, self.bytes, more)?;
            held.0 += more;
            *held.1.entry(self.ip).or_default() += more;
        } else {
            let less = self.bytes - bytes;
            held.0 = held.0.saturating_sub(less);
            if let Some(mine) = held.1.get_mut(&self.ip) {
                *mine = mine.saturating_sub(less);
            }
        }
        self.bytes = bytes;
        Ok(())
    }
}

impl Drop for ResponsePermit {
    fn drop(&mut self) {
        let mut held = self.budget.held.lock().unwrap_or_else(|e| e.into_inner());
        held.0 = held.0.saturating_sub(self.bytes);
        if let Some(mine) = held.1.get_mut(&self.ip) {
            *mine = mine.saturating_sub(self.bytes);
            if *mine == 0 {
                held.1.remove(&self.ip);
            }
        }
        if held.1.is_empty() {
            held.1.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use xmtp_keystore::{ManualClock, SystemClock};

    fn system() -> Arc<dyn Clock> {
        Arc::new(SystemClock)
    }

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
        let limiter = Limiter::new(&config(3, 1), &system());
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
        let limiter = Limiter::new(&config(2, 1), &system());
        let ip: IpAddr = "::1".parse().unwrap();
        limiter.check(Some(ip), true, Kind::Publish, 50).unwrap();
        assert!(limiter.check(Some(ip), false, Kind::Publish, 3).is_err());
        assert!(limiter.check(Some(ip), true, Kind::General, 11).is_err());
    }

    #[test]
    fn refills_continuously() {
        // 600 per minute = one token every 100 ms, by the node's clock.
        let clock = Arc::new(ManualClock::new(1_000_000_000));
        let limiter = Limiter::new(&config(1, 600), &(clock.clone() as Arc<dyn Clock>));
        let ip: IpAddr = "127.0.0.2".parse().unwrap();
        limiter.check(Some(ip), false, Kind::General, 1).unwrap();
        assert!(limiter.check(Some(ip), false, Kind::General, 1).is_err());
        clock.advance(Duration::from_millis(99));
        assert!(limiter.check(Some(ip), false, Kind::General, 1).is_err());
        clock.advance(Duration::from_millis(1));
        limiter.check(Some(ip), false, Kind::General, 1).unwrap();
        assert!(limiter.check(Some(ip), false, Kind::General, 1).is_err());
    }

    #[test]
    fn disabled_never_refuses_and_sweep_forgets_full_buckets() {
        let mut cfg = config(1, 60_000);
        cfg.enabled = false;
        let off = Limiter::new(&cfg, &system());
        for _ in 0..10 {
            off.check(None, false, Kind::Publish, 1).unwrap();
        }
        // 60,000 per minute = one token every millisecond.
        let clock = Arc::new(ManualClock::new(1_000_000_000));
        let on = Limiter::new(&config(1, 60_000), &(clock.clone() as Arc<dyn Clock>));
        on.check(None, false, Kind::Publish, 1).unwrap();
        assert_eq!(on.tracked(), 1);
        on.sweep();
        assert_eq!(on.tracked(), 1, "an empty bucket is remembered");
        clock.advance(Duration::from_secs(1));
        on.sweep();
        assert_eq!(on.tracked(), 0);
    }

    #[test]
    fn cidr_parses_and_matches() {
        let net: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.0.9".parse().unwrap()));
        let one: Cidr = "::1".parse().unwrap();
        assert_eq!(one.to_string(), "::1/128");
        assert!(one.contains("::1".parse().unwrap()));
        assert!(!one.contains("127.0.0.1".parse().unwrap()));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("proxy".parse::<Cidr>().is_err());
    }

    #[test]
    fn client_is_the_rightmost_untrusted_hop_behind_a_trusted_peer() {
        let trusted: Vec<Cidr> = vec!["10.0.0.0/8".parse().unwrap()];
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        // Behind the proxy: the client's own claims on the left are ignored.
        assert_eq!(
            client_ip(ip("10.0.0.5"), Some("6.6.6.6, 1.2.3.4"), &trusted),
            ip("1.2.3.4")
        );
        // A chain of trusted proxies is walked through.
        assert_eq!(
            client_ip(ip("10.0.0.5"), Some("1.2.3.4, 10.9.9.9"), &trusted),
            ip("1.2.3.4")
        );
        // A peer that is not a trusted proxy is the client, whatever it claims.
        assert_eq!(
            client_ip(ip("1.2.3.4"), Some("6.6.6.6"), &trusted),
            ip("1.2.3.4")
        );
        // No header, or garbage: the nearest proxy.
        assert_eq!(client_ip(ip("10.0.0.5"), None, &trusted), ip("10.0.0.5"));
        assert_eq!(
            client_ip(ip("10.0.0.5"), Some("1.2.3.4, junk"), &trusted),
            ip("10.0.0.5")
        );
        assert_eq!(
            client_ip(ip("10.0.0.5"), Some("1.2.3.4"), &[]),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn response_budget_refuses_past_the_address_and_node_limits_and_returns_on_drop() {
        let budget = ResponseBudget::new(100, 60);
        let a = Some("10.0.0.1".parse().unwrap());
        let b = Some("10.0.0.2".parse().unwrap());
        let first = budget.acquire(a, 50).unwrap();
        assert!(budget.acquire(a, 20).is_err());
        let second = budget.acquire(b, 50).unwrap();
        let err = budget
            .acquire(Some("10.0.0.3".parse().unwrap()), 10)
            .unwrap_err();
        assert_eq!(err.code(), tonic::Code::ResourceExhausted);
        drop(first);
        budget.acquire(a, 40).unwrap();
        drop(second);
        assert_eq!(budget.held(), 0);
        // Larger than everything, but alone: let through.
        let big = budget.acquire(a, 1000).unwrap();
        assert!(budget.acquire(b, 1).is_err());
        drop(big);
    }

    #[test]
    fn a_permit_resized_to_the_written_size_counts_that_size() {
        let budget = ResponseBudget::new(100, 60);
        let a = Some("10.0.0.1".parse().unwrap());
        // 30 bytes of protobuf served as 40 of JSON: 40 counted, so 25 more no longer fit.
        let mut page = budget.acquire(a, 30).unwrap();
        page.resize(40).unwrap();
        assert_eq!(budget.held(), 40);
        assert!(budget.acquire(a, 25).is_err());
        // Growing past the address's budget is refused and changes nothing.
        let other = budget.acquire(a, 15).unwrap();
        let err = page.resize(50).unwrap_err();
        assert_eq!(err.code(), tonic::Code::ResourceExhausted);
        assert_eq!(budget.held(), 55);
        // Alone, a permit may grow past everything, as a first acquire may.
        drop(other);
        page.resize(1000).unwrap();
        // Shrunk (gzip): the difference is returned.
        page.resize(10).unwrap();
        assert_eq!(budget.held(), 10);
        budget.acquire(a, 50).unwrap();
        drop(page);
        assert_eq!(budget.held(), 0);
    }
}
