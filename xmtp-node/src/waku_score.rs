//! Gossipsub peer scoring for Waku Relay (issue 18): what a relay peer loses for what it sends,
//! and what happens below the thresholds.
//!
//! # The score
//!
//! gossipsub v1.1 scores every peer; only the pubsub topic has topic parameters:
//! - **P4, invalid messages** (weight [`INVALID_MESSAGE_WEIGHT`], the count squared, decaying to
//!   a tenth over 10 minutes): every message the relay's checks Reject (malformed, empty,
//!   oversized). Our nodes check the same rules before they forward, so an honest node of ours
//!   never forwards one; two are forgiven (a peer of another implementation may pass on a
//!   message we refuse), the third graylists any peer, whatever positive score it built up.
//! - **P5, the application score**: [`FLOOD_PENALTY`] points for each message over the
//!   forwarding peer's rate ([`WakuConfig::per_peer`](crate::WakuConfig::per_peer)) and for each
//!   `contact-`/`privatestore-` envelope from a peer this node does not trust with them, halving
//!   every [`FLOOD_HALF_LIFE`] on the node's clock. Such messages are not stored or forwarded
//!   but not Rejected: an honest node relaying a busy network may go over its bucket briefly, and
//!   trust is one-sided (a node forwards the owner-only envelopes of its clients and of the peers
//!   it trusts to every mesh peer, including those that do not trust it), so a Reject would
//!   graylist honest nodes after three contact publications. A peer that keeps sending either,
//!   about 400 messages within a half-life, is graylisted; below that, its rate bucket bounds
//!   what it costs.
//! - **P1, time in mesh** and **P2, first deliveries** give an honest peer at most
//!   [`TOPIC_SCORE_CAP`] (10 each): little enough that a hostile peer cannot bank credit to
//!   spend on invalid messages. **P3** (mesh delivery quotas) is off: XMTP traffic is sparse and
//!   bursty, and a quiet network would score its honest peers down.
//! - **P6, IP colocation**: more than 10 relay peers on one address cost each of them; loopback
//!   is exempt (a network of nodes on one machine). **P7, behaviour** (backoff violations,
//!   broken IHAVE promises) past 6 counts.
//!
//! Below [`GOSSIP_THRESHOLD`] a peer gets no gossip, below [`PUBLISH_THRESHOLD`] nothing is
//! published to it, and below [`GRAYLIST_THRESHOLD`] gossipsub ignores everything it sends. The
//! node also disconnects a graylisted peer and refuses its connections (the block list) until
//! its score, which gossipsub keeps for an hour after it leaves, is back above the threshold: so
//! it cannot catch up or fetch through the sync protocol either. The list holds at most
//! [`MAX_BLOCKED`] peers; past it, the peer graylisted longest ago is unblocked (gossipsub still
//! ignores it while its score stays low). Graylisted peers, the peers
//! graylisted so far and the lowest score are in `/metrics`;
//! [`WakuPeer::peer_score`](crate::WakuPeer::peer_score) reads one peer's score.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hashlink::LinkedHashSet;
use libp2p::PeerId;
use libp2p::gossipsub::{self, PeerScoreParams, PeerScoreThresholds, TopicHash, TopicScoreParams};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// Below this, gossip is not sent to or taken from a peer.
pub const GOSSIP_THRESHOLD: f64 = -40.0;
/// Below this, nothing is published to a peer.
pub const PUBLISH_THRESHOLD: f64 = -60.0;
/// Below this, a peer is graylisted: ignored, disconnected and refused.
pub const GRAYLIST_THRESHOLD: f64 = -80.0;
/// P4's weight: the third invalid message (-180) graylists a peer with the highest positive
/// score (+20); two (-80 + at least 0) do not graylist one that has built up any.
pub const INVALID_MESSAGE_WEIGHT: f64 = -20.0;
/// The positive score a peer can reach on the pubsub topic (P1 and P2, 10 each).
pub const TOPIC_SCORE_CAP: f64 = 20.0;
/// Application-score points taken for each message over the peer's rate, and for each owner-only
/// envelope from a peer not trusted with them.
pub const FLOOD_PENALTY: f64 = 0.2;
/// The flood penalty halves in this long.
pub const FLOOD_HALF_LIFE: Duration = Duration::from_secs(10);
/// Peers a block list holds (the graylisted, and apart from them the banned): a full list
/// forgets the peer blocked longest ago.
pub const MAX_BLOCKED: usize = 4096;

/// The score parameters and thresholds for a relay on `topic` (see the module docs).
pub(crate) fn params(topic: TopicHash) -> (PeerScoreParams, PeerScoreThresholds) {
    let decay = gossipsub::score_parameter_decay;
    let topic_params = TopicScoreParams {
        topic_weight: 1.0,
        time_in_mesh_weight: 0.01,
        time_in_mesh_quantum: Duration::from_secs(1),
        time_in_mesh_cap: 1000.0,
        first_message_deliveries_weight: 1.0,
        first_message_deliveries_decay: decay(Duration::from_secs(10 * 60)),
        first_message_deliveries_cap: 10.0,
        mesh_message_deliveries_weight: 0.0,
        mesh_failure_penalty_weight: 0.0,
        invalid_message_deliveries_weight: INVALID_MESSAGE_WEIGHT,
        invalid_message_deliveries_decay: decay(Duration::from_secs(10 * 60)),
        ..TopicScoreParams::default()
    };
    let params = PeerScoreParams {
        topics: HashMap::from([(topic, topic_params)]),
        topic_score_cap: TOPIC_SCORE_CAP,
        app_specific_weight: 1.0,
        ip_colocation_factor_weight: -5.0,
        ip_colocation_factor_threshold: 10.0,
        ip_colocation_factor_whitelist: HashSet::from([
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ]),
        behaviour_penalty_weight: -10.0,
        behaviour_penalty_threshold: 6.0,
        behaviour_penalty_decay: decay(Duration::from_secs(10 * 60)),
        ..PeerScoreParams::default()
    };
    let thresholds = PeerScoreThresholds {
        gossip_threshold: GOSSIP_THRESHOLD,
        publish_threshold: PUBLISH_THRESHOLD,
        graylist_threshold: GRAYLIST_THRESHOLD,
        // Peer exchange is not used; only a peer far above what scoring gives may offer it.
        accept_px_threshold: 100.0,
        opportunistic_graft_threshold: 5.0,
    };
    (params, thresholds)
}

/// The scoring metrics, registered with the relay's.
pub(crate) struct ScoreMetrics {
    graylisted: Gauge,
    graylisted_total: Counter,
    lowest: Gauge<f64, AtomicU64>,
}

impl ScoreMetrics {
    pub(crate) fn register(registry: &mut Registry) -> Self {
        let graylisted = Gauge::default();
        registry.register(
            "waku_graylisted_peers",
            "Relay peers whose gossipsub score is below the graylist threshold (ignored, refused)",
            graylisted.clone(),
        );
        let lowest = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "waku_lowest_peer_score",
            "The lowest gossipsub score among connected and graylisted relay peers",
            lowest.clone(),
        );
        let graylisted_total = Counter::default();
        crate::waku::register_counters(
            registry,
            &[(
                "waku_peers_graylisted",
                "Relay peers that fell below the graylist threshold",
                &graylisted_total,
            )],
        );
        Self {
            graylisted,
            graylisted_total,
            lowest,
        }
    }

    /// `(graylisted now, graylisted so far)`.
    pub(crate) fn counts(&self) -> (usize, u64) {
        (
            usize::try_from(self.graylisted.get()).unwrap_or(0),
            self.graylisted_total.get(),
        )
    }
}

/// A set of at most [`MAX_BLOCKED`] peers in the order they were added. Peer ids cost an
/// attacker nothing to make, so a list that only grew would be memory any of them could take;
/// when it is full, the peer added longest ago is forgotten (and unblocked by the caller: if it
/// still misbehaves, it is found out again).
pub(crate) struct BlockedPeers(LinkedHashSet<PeerId>);

impl BlockedPeers {
    pub(crate) fn new() -> Self {
        Self(LinkedHashSet::new())
    }

    /// Adds `peer` if it is not held: `Some` of the peer forgotten to make room (or `None`
    /// within the cap); `None` too when `peer` was already held (see [`Self::contains`]).
    pub(crate) fn insert(&mut self, peer: PeerId) -> Option<PeerId> {
        // Not `insert` alone: it would move a peer already held to the back.
        if self.0.contains(&peer) {
            return None;
        }
        self.0.insert(peer);
        if self.0.len() > MAX_BLOCKED {
            return self.0.pop_front();
        }
        None
    }

    pub(crate) fn contains(&self, peer: &PeerId) -> bool {
        self.0.contains(peer)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    fn iter(&self) -> impl Iterator<Item = &PeerId> {
        self.0.iter()
    }

    fn retain(&mut self, keep: impl FnMut(&PeerId) -> bool) {
        self.0.retain(keep);
    }
}

/// The relay task's scoring state: flood penalties, graylisted peers, and the scores last read.
pub(crate) struct Scoring {
    flood: HashMap<PeerId, f64>,
    decayed_at_ns: u64,
    graylisted: BlockedPeers,
    scores: Arc<Mutex<HashMap<PeerId, f64>>>,
    metrics: Arc<ScoreMetrics>,
    clock: Arc<dyn xmtp_keystore::Clock>,
}

/// What the relay task does to a peer's connections.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Below the graylist threshold: block it.
    Block(PeerId),
    /// Back above it: unblock it (unless banned otherwise).
    Unblock(PeerId),
}

impl Scoring {
    pub(crate) fn new(
        metrics: Arc<ScoreMetrics>,
        clock: Arc<dyn xmtp_keystore::Clock>,
    ) -> (Self, Arc<Mutex<HashMap<PeerId, f64>>>) {
        let scores = Arc::new(Mutex::new(HashMap::new()));
        let scoring = Self {
            flood: HashMap::new(),
            decayed_at_ns: clock.now_ns(),
            graylisted: BlockedPeers::new(),
            scores: Arc::clone(&scores),
            metrics,
            clock,
        };
        (scoring, scores)
    }

    /// Charges `peer` [`FLOOD_PENALTY`] of application score (P5): for a message over its rate,
    /// or for an owner-only envelope this node does not take from it (an honest node that
    /// trusts the envelope's origin may forward it, so it is not a Reject: see `waku.rs`).
    pub(crate) fn charge(&mut self, relay: &mut gossipsub::Behaviour, peer: &PeerId) {
        let penalty = self.flood.entry(*peer).or_insert(0.0);
        *penalty += FLOOD_PENALTY;
        relay.set_application_score(peer, -*penalty);
    }

    /// Reads `peer`'s score after a message of its was refused: a block if it just fell below
    /// the graylist threshold (and the unblock of the peer graylisted longest ago if the list
    /// was full).
    pub(crate) fn check(&mut self, relay: &gossipsub::Behaviour, peer: &PeerId) -> Vec<Verdict> {
        let mut verdicts = Vec::new();
        if let Some(score) = relay.peer_score(peer) {
            self.graylist(peer, score, &mut verdicts);
        }
        verdicts
    }

    /// Whether `peer` is graylisted (and so blocked) now.
    pub(crate) fn is_graylisted(&self, peer: &PeerId) -> bool {
        self.graylisted.contains(peer)
    }

    fn graylist(&mut self, peer: &PeerId, score: f64, verdicts: &mut Vec<Verdict>) {
        if score >= GRAYLIST_THRESHOLD || self.graylisted.contains(peer) {
            return;
        }
        tracing::info!(%peer, score, "waku peer graylisted");
        self.metrics.graylisted_total.inc();
        if let Some(forgotten) = self.graylisted.insert(*peer) {
            tracing::info!(peer = %forgotten, "graylist full: the peer graylisted longest ago is unblocked");
            verdicts.push(Verdict::Unblock(forgotten));
        }
        verdicts.push(Verdict::Block(*peer));
    }

    /// Decays the flood penalties by the time passed, re-reads the scores of `connected` and
    /// graylisted peers, and returns the peers that fell below the graylist threshold (other
    /// than by a refused message: behaviour penalties) and those back above it.
    pub(crate) fn tick(
        &mut self,
        relay: &mut gossipsub::Behaviour,
        connected: impl Iterator<Item = PeerId>,
    ) -> Vec<Verdict> {
        let now = self.clock.now_ns();
        let elapsed = now.saturating_sub(self.decayed_at_ns);
        if elapsed > 0 {
            self.decayed_at_ns = now;
            let factor = 0.5f64.powf(elapsed as f64 / FLOOD_HALF_LIFE.as_nanos() as f64);
            self.flood.retain(|peer, penalty| {
                *penalty *= factor;
                let keep = *penalty >= 0.01;
                relay.set_application_score(peer, if keep { -*penalty } else { 0.0 });
                keep
            });
        }
        let mut scores = HashMap::new();
        for peer in connected.chain(self.graylisted.iter().copied()) {
            if let Some(score) = relay.peer_score(&peer) {
                scores.insert(peer, score);
            }
        }
        let mut verdicts = Vec::new();
        for (peer, score) in &scores {
            self.graylist(peer, *score, &mut verdicts);
        }
        self.graylisted.retain(|peer| {
            let back = scores
                .get(peer)
                .is_none_or(|score| *score >= GRAYLIST_THRESHOLD);
            if back {
                tracing::info!(%peer, "waku peer no longer graylisted");
                verdicts.push(Verdict::Unblock(*peer));
            }
            !back
        });
        self.metrics
            .graylisted
            .set(i64::try_from(self.graylisted.len()).unwrap_or(i64::MAX));
        let lowest = scores.values().copied().fold(0.0, f64::min);
        self.metrics.lowest.set(lowest);
        *self.scores.lock().unwrap_or_else(|e| e.into_inner()) = scores;
        verdicts
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_parameters_are_valid_and_three_invalid_messages_outweigh_the_cap() {
        let (params, thresholds) = params(TopicHash::from_raw("/waku/2/default-waku/proto"));
        params.validate().unwrap();
        thresholds.validate().unwrap();
        // P4 is the square of the count.
        const {
            assert!(TOPIC_SCORE_CAP + 9.0 * INVALID_MESSAGE_WEIGHT < GRAYLIST_THRESHOLD);
            assert!(4.0 * INVALID_MESSAGE_WEIGHT >= GRAYLIST_THRESHOLD);
        }
        // The flood penalty: about 400 over-rate messages within a half-life.
        assert!((GRAYLIST_THRESHOLD / -FLOOD_PENALTY - 400.0).abs() < 1.0);
    }

    #[test]
    fn a_full_block_list_forgets_the_peer_added_longest_ago() {
        let mut peers = BlockedPeers::new();
        let first: Vec<PeerId> = (0..MAX_BLOCKED).map(|_| PeerId::random()).collect();
        for peer in &first {
            assert_eq!(peers.insert(*peer), None);
        }
        // Adding one held already changes nothing (it stays the oldest).
        assert_eq!(peers.insert(first[0]), None);
        assert_eq!(peers.len(), MAX_BLOCKED);
        let next = PeerId::random();
        assert_eq!(peers.insert(next), Some(first[0]));
        assert_eq!(peers.len(), MAX_BLOCKED);
        assert!(!peers.contains(&first[0]) && peers.contains(&first[1]) && peers.contains(&next));
        // The one forgotten comes back as the newest.
        assert_eq!(peers.insert(first[0]), Some(first[1]));
    }

    #[test]
    fn past_the_cap_a_graylisted_peer_is_blocked_and_counted_once() {
        let metrics = Arc::new(ScoreMetrics::register(&mut Registry::default()));
        let (mut scoring, _) = Scoring::new(
            Arc::clone(&metrics),
            Arc::new(xmtp_keystore::ManualClock::at_system_now()),
        );
        let low = GRAYLIST_THRESHOLD - 1.0;
        let peers: Vec<PeerId> = (0..=MAX_BLOCKED).map(|_| PeerId::random()).collect();
        let mut verdicts = Vec::new();
        for peer in &peers[..MAX_BLOCKED] {
            scoring.graylist(peer, low, &mut verdicts);
        }
        assert_eq!(verdicts.len(), MAX_BLOCKED);
        verdicts.clear();
        // One more: blocked, and the first one graylisted is let go to make room.
        let last = peers[MAX_BLOCKED];
        scoring.graylist(&last, low, &mut verdicts);
        assert_eq!(verdicts, [Verdict::Unblock(peers[0]), Verdict::Block(last)]);
        // Each further refused message of the same peer neither blocks nor counts it again.
        verdicts.clear();
        for _ in 0..3 {
            scoring.graylist(&last, low, &mut verdicts);
        }
        assert!(verdicts.is_empty(), "{verdicts:?}");
        assert_eq!(metrics.counts().1, MAX_BLOCKED as u64 + 1);
    }
}
