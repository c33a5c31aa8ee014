//! Waku Metadata (66/WAKU2-METADATA; waku.md §2): `/vac/waku/metadata/1.0.0`, a node's cluster
//! id and shards.
//!
//! The node asks every peer that connects, telling its own metadata in the request as the spec
//! has it, and answers every peer that asks. A peer that names another cluster (in its request
//! or its answer) is of another network: it is disconnected ([`LEAVE_GRACE`] after this node's
//! answer was written, so that closing does not cut the answer short) and counted in
//! `xmtp_node_waku_metadata_other_cluster_total`. A peer that does not speak the protocol, or
//! names no cluster, is kept: js-waku serves it only when configured with shards, and waku.md
//! says not to require it.
//!
//! The cluster and shard come from the pubsub topic: `/waku/2/rs/<cluster>/<shard>` (static
//! sharding) names them; any other topic (the default `/waku/2/default-waku/proto` among them)
//! is cluster 0 without shards.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use libp2p::PeerId;
use libp2p::request_response::{self, ProtocolSupport};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::registry::Registry;

use crate::waku_light::{Frame, LengthPrefixed};

/// The protocol id.
pub const METADATA_PROTOCOL: &str = "/vac/waku/metadata/1.0.0";
/// Largest metadata frame either way: a cluster id and 1,000 shards, with room to spare.
pub const MAX_METADATA_FRAME: usize = 8 * 1024;

/// `WakuMetadataRequest` and `WakuMetadataResponse` (the same fields): the cluster id, and the
/// shards unpacked (js-waku decodes only the unpacked form; waku.md §2).
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct WakuMetadata {
    /// The cluster the node runs in.
    #[prost(uint32, optional, tag = "1")]
    pub cluster_id: Option<u32>,
    /// The shards the node is subscribed to.
    #[prost(uint32, repeated, packed = "false", tag = "2")]
    pub shards: Vec<u32>,
}

impl WakuMetadata {
    /// The metadata of a node relaying on `pubsub_topic` (see the module docs).
    pub fn of_pubsub_topic(pubsub_topic: &str) -> Self {
        let shard = pubsub_topic
            .strip_prefix("/waku/2/rs/")
            .and_then(|rest| rest.split_once('/'))
            .and_then(|(cluster, shard)| Some((cluster.parse().ok()?, shard.parse().ok()?)));
        match shard {
            Some((cluster, shard)) => Self {
                cluster_id: Some(cluster),
                shards: vec![shard],
            },
            None => Self {
                cluster_id: Some(0),
                shards: Vec::new(),
            },
        }
    }

    /// Whether `other` names a cluster other than this one.
    fn other_cluster(&self, other: &Self) -> bool {
        other.cluster_id.is_some() && other.cluster_id != self.cluster_id
    }
}

/// The protocol's codec.
pub type MetadataCodec = LengthPrefixed<WakuMetadata, WakuMetadata>;

impl MetadataCodec {
    /// The limits the node applies.
    pub fn metadata() -> Self {
        Self::new(MAX_METADATA_FRAME, MAX_METADATA_FRAME)
    }
}

pub(crate) type MetadataBehaviour = request_response::Behaviour<MetadataCodec>;
type MetadataEvent = request_response::Event<Frame<WakuMetadata>, WakuMetadata>;

/// The behaviour: asks and answers.
pub(crate) fn behaviour() -> MetadataBehaviour {
    crate::waku_light::behaviour(
        MetadataCodec::metadata(),
        METADATA_PROTOCOL,
        ProtocolSupport::Full,
    )
}

/// The relay task's metadata state.
pub(crate) struct Metadata {
    ours: WakuMetadata,
    /// Peers of another cluster to disconnect once they have this node's answer.
    leaving: HashSet<PeerId>,
    /// Peers of another cluster answered, and when to disconnect them: [`LEAVE_GRACE`] after
    /// the answer was written, so that closing the connection does not cut it short.
    closing: Vec<(PeerId, Instant)>,
    other_cluster: Counter,
}

/// How long a peer of another cluster keeps its connection after this node's answer was
/// written (unless it closes first, as ours do on reading it).
pub const LEAVE_GRACE: Duration = Duration::from_secs(1);

impl Metadata {
    /// `other_cluster` is the counter [`Metadata::register`] made.
    pub(crate) fn new(pubsub_topic: &str, other_cluster: Counter) -> Self {
        Self {
            ours: WakuMetadata::of_pubsub_topic(pubsub_topic),
            leaving: HashSet::new(),
            closing: Vec::new(),
            other_cluster,
        }
    }

    /// Registers the counter of peers of another cluster.
    pub(crate) fn register(registry: &mut Registry) -> Counter {
        let counter = Counter::default();
        registry.register(
            "waku_metadata_other_cluster",
            "Peers disconnected for naming another Waku cluster in the metadata protocol",
            counter.clone(),
        );
        counter
    }

    /// Asks a peer that just connected.
    pub(crate) fn ask(&self, behaviour: &mut MetadataBehaviour, peer: PeerId) {
        behaviour.send_request(&peer, Frame::Message(self.ours.clone()));
    }

    /// Handles an event; returns a peer to disconnect.
    pub(crate) fn on_event(
        &mut self,
        event: MetadataEvent,
        behaviour: &mut MetadataBehaviour,
    ) -> Option<PeerId> {
        use request_response::{Event, Message};
        match event {
            Event::Message {
                peer,
                message:
                    Message::Request {
                        request, channel, ..
                    },
                ..
            } => {
                // A frame that does not decode is answered all the same: the answer carries
                // no status, and the peer learns this node's cluster.
                if let Frame::Message(theirs) = &request
                    && self.ours.other_cluster(theirs)
                {
                    self.leaving.insert(peer);
                }
                if behaviour.send_response(channel, self.ours.clone()).is_err() {
                    return self.leave(peer);
                }
                None
            }
            Event::Message {
                peer,
                message: Message::Response { response, .. },
                ..
            } => {
                if self.ours.other_cluster(&response) {
                    self.leaving.insert(peer);
                    return self.leave(peer);
                }
                None
            }
            Event::ResponseSent { peer, .. } => {
                if let Some(peer) = self.leave(peer) {
                    self.closing.push((peer, Instant::now() + LEAVE_GRACE));
                }
                None
            }
            Event::InboundFailure { peer, .. } => self.leave(peer),
            Event::OutboundFailure { peer, error, .. } => {
                // Not speaking the protocol is allowed (waku.md §2).
                tracing::debug!(%peer, %error, "waku metadata not answered");
                None
            }
        }
    }

    /// `peer` if it is of another cluster: counted, and no longer remembered.
    fn leave(&mut self, peer: PeerId) -> Option<PeerId> {
        if !self.leaving.remove(&peer) {
            return None;
        }
        tracing::info!(%peer, "waku peer of another cluster disconnected");
        self.other_cluster.inc();
        Some(peer)
    }

    /// The answered peers of another cluster whose grace is over at `now`: to disconnect.
    pub(crate) fn due(&mut self, now: Instant) -> Vec<PeerId> {
        let mut due = Vec::new();
        self.closing.retain(|(peer, at)| {
            let over = *at <= now;
            if over {
                due.push(*peer);
            }
            !over
        });
        due
    }

    /// Forgets a peer that disconnected.
    pub(crate) fn disconnected(&mut self, peer: &PeerId) {
        self.leaving.remove(peer);
        self.closing.retain(|(p, _)| p != peer);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use prost::Message as _;

    #[test]
    fn the_cluster_and_shard_come_from_a_static_shard_topic() {
        let shard = WakuMetadata::of_pubsub_topic("/waku/2/rs/16/32");
        assert_eq!((shard.cluster_id, shard.shards), (Some(16), vec![32]));
        for named in [
            "/waku/2/default-waku/proto",
            "/waku/2/rs/x/1",
            "/waku/2/rs/1",
        ] {
            let m = WakuMetadata::of_pubsub_topic(named);
            assert_eq!((m.cluster_id, m.shards), (Some(0), vec![]), "{named}");
        }
    }

    #[test]
    fn shards_are_encoded_unpacked_and_read_either_way() {
        let m = WakuMetadata {
            cluster_id: Some(1),
            shards: vec![2, 3],
        };
        // Field 1 varint 1, then field 2 (varint) once per shard.
        assert_eq!(m.encode_to_vec(), [0x08, 1, 0x10, 2, 0x10, 3]);
        let packed = [0x08, 1, 0x12, 2, 2, 3];
        assert_eq!(WakuMetadata::decode(&packed[..]).unwrap(), m);
    }

    #[test]
    fn only_a_named_other_cluster_is_another_cluster() {
        let ours = WakuMetadata::of_pubsub_topic("/waku/2/rs/1/0");
        let other = |cluster_id| WakuMetadata {
            cluster_id,
            shards: vec![],
        };
        assert!(ours.other_cluster(&other(Some(2))));
        assert!(!ours.other_cluster(&other(Some(1))));
        assert!(!ours.other_cluster(&other(None)));
    }
}
