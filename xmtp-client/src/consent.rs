//! Consent (protocol.md §11): allow/deny actions self-encrypted on my private-preferences topic,
//! shared with every installation of the same identity (and with xmtp-js).

use std::collections::{BTreeMap, HashSet};

use xmtp_api::{Envelope, QueryOptions, query_all};
use xmtp_crypto::Address;
use xmtp_keystore::{
    Consent, ConsentAction, ConsentState, KeystoreState, open_action, peers_allowed_by_proofs,
    preferences_topic, seal_action,
};
use xmtp_proto::Message as _;

use crate::client::Client;
use crate::error::Result;

/// JS re-reads from 10 s before its last refresh, to catch envelopes with skewed clocks.
const REFRESH_OVERLAP_NS: u64 = 10_000_000_000;

/// Actions seen so far, by envelope time; folded into the state on change.
#[derive(Clone, Debug, Default)]
pub(crate) struct ConsentBook {
    actions: Vec<(u64, ConsentAction)>,
    /// `(timestamp, encoded action)` of every action held, so overlapping refreshes add nothing.
    seen: HashSet<(u64, Vec<u8>)>,
    state: ConsentState,
    last_refresh_ns: Option<u64>,
    /// Whether this process has read the topic yet (a restored book may be stale).
    refreshed: bool,
}

impl ConsentBook {
    /// The actions and refresh time of the local store; `topic` is my preferences topic.
    pub(crate) fn restore(stored: &KeystoreState, topic: &str) -> Self {
        let mut book = Self {
            last_refresh_ns: stored.cursors.get(topic).copied(),
            ..Self::default()
        };
        for (ts, action) in &stored.consent_actions.actions {
            if let (Ok(ts), Some(action)) = (ts.parse::<u64>(), ConsentAction::from_proto(action)) {
                book.add(ts, action);
            }
        }
        book.state = ConsentState::from_actions(book.actions.iter().cloned());
        book
    }

    fn add(&mut self, timestamp_ns: u64, action: ConsentAction) -> bool {
        if !self
            .seen
            .insert((timestamp_ns, action.to_proto().encode_to_vec()))
        {
            return false;
        }
        self.actions.push((timestamp_ns, action));
        true
    }

    /// Keyed by envelope time as JS keys them; two actions with one timestamp keep the later.
    fn save_into(&self, stored: &mut KeystoreState, topic: &str) {
        stored.consent_actions.actions = self
            .actions
            .iter()
            .map(|(ts, a)| (ts.to_string(), a.to_proto()))
            .collect::<BTreeMap<_, _>>()
            .into_iter()
            .collect();
        if let Some(ns) = self.last_refresh_ns {
            stored.cursors.insert(topic.to_owned(), ns);
        }
    }
}

impl Client {
    /// Reads consent actions published since the last refresh (by any installation of this
    /// identity, or by xmtp-js) and folds them in timestamp order; undecryptable envelopes are
    /// skipped.
    pub async fn refresh_consent(&self) -> Result<()> {
        let topic = preferences_topic(&self.inner.bundle);
        let mut book = self.inner.consent.lock().await;
        let started = self.now_ns();
        let envelopes = query_all(
            self.inner.api.as_ref(),
            vec![topic.clone()],
            QueryOptions {
                start_ns: book
                    .last_refresh_ns
                    .map(|t| t.saturating_sub(REFRESH_OVERLAP_NS)),
                page_size: 100,
                ..QueryOptions::ascending()
            },
        )
        .await?;
        let mut changed = false;
        for envelope in &envelopes {
            let Ok(action) = open_action(&self.inner.bundle, &envelope.message) else {
                tracing::debug!("undecryptable preferences envelope skipped");
                continue;
            };
            if let Some(action) = ConsentAction::from_proto(&action) {
                changed |= book.add(envelope.timestamp_ns, action);
            }
        }
        book.last_refresh_ns = Some(started);
        book.refreshed = true;
        if changed {
            book.state = ConsentState::from_actions(book.actions.iter().cloned());
        }
        self.persist(|stored| book.save_into(stored, &topic))
            .await?;
        let state = book.state.clone();
        drop(book);
        self.accept_consent_proofs(&state).await
    }

    /// Allows the peers whose invitations carry a valid consent proof signed by my wallet and who
    /// have no consent state yet (protocol.md §11.4), in one action as JS does.
    async fn accept_consent_proofs(&self, state: &ConsentState) -> Result<()> {
        let peers = {
            let conversations = self.inner.conversations.lock().await;
            peers_allowed_by_proofs(
                state,
                self.address(),
                conversations.v2.list(),
                self.now_ns() / 1_000_000,
            )
        };
        if peers.is_empty() {
            return Ok(());
        }
        self.allow(&peers).await
    }

    /// The consent state of `address`; the first call in a process refreshes from the network,
    /// later ones use what is known (call [`refresh_consent`](Self::refresh_consent) to update).
    pub async fn consent_state(&self, address: Address) -> Result<Consent> {
        if !self.inner.consent.lock().await.refreshed {
            self.refresh_consent().await?;
        }
        Ok(self
            .inner
            .consent
            .lock()
            .await
            .state
            .get(&address.to_string()))
    }

    /// Allows `addresses` (one `allow_address` action).
    pub async fn allow(&self, addresses: &[Address]) -> Result<()> {
        self.publish_action(ConsentAction::Allow(
            addresses.iter().map(Address::to_string).collect(),
        ))
        .await
    }

    /// Denies (blocks) `addresses` (one `deny_address` action).
    pub async fn deny(&self, addresses: &[Address]) -> Result<()> {
        self.publish_action(ConsentAction::Deny(
            addresses.iter().map(Address::to_string).collect(),
        ))
        .await
    }

    async fn publish_action(&self, action: ConsentAction) -> Result<()> {
        let topic = preferences_topic(&self.inner.bundle);
        let timestamp_ns = self.now_ns();
        self.inner
            .api
            .publish(vec![Envelope {
                content_topic: topic.clone(),
                timestamp_ns,
                message: seal_action(&self.inner.bundle, &action),
            }])
            .await?;
        let mut book = self.inner.consent.lock().await;
        if book.add(timestamp_ns, action) {
            book.state = ConsentState::from_actions(book.actions.iter().cloned());
            self.persist(|stored| book.save_into(stored, &topic))
                .await?;
        }
        Ok(())
    }

    /// Implicit consent when replying: allow a peer with no state yet.
    pub(crate) async fn allow_if_unknown(&self, peer: Address) -> Result<()> {
        if self.consent_state(peer).await? == Consent::Unknown {
            self.allow(&[peer]).await?;
        }
        Ok(())
    }

    /// Implicit consent when creating a conversation: allow the peer unless already allowed.
    pub(crate) async fn allow_if_not_allowed(&self, peer: Address) -> Result<()> {
        if self.consent_state(peer).await? != Consent::Allowed {
            self.allow(&[peer]).await?;
        }
        Ok(())
    }
}
