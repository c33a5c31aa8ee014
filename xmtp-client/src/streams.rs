//! Live streams on xmtp-api's reconnecting, backfilling [`Subscription`].

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};
use xmtp_api::{Envelope, StreamEvent, Subscription, SubscriptionOptions};
use xmtp_proto::topic;

use crate::client::Client;
use crate::conversations::{Conversation, Conversations};
use crate::error::Result;
use crate::message::MessageResult;

/// A subscription registered with the node when this returns, started now by the client's
/// clock: it delivers what is published from here on, and after a reconnect backfills nothing
/// stamped before its start (see the crate README, "Streams").
async fn subscribe(client: &Client, topics: Vec<String>) -> Result<Subscription> {
    Ok(Subscription::open(
        Arc::clone(&client.inner.api),
        topics,
        SubscriptionOptions {
            clock: Arc::clone(&client.inner.clock),
            ..SubscriptionOptions::default()
        },
    )
    .await?)
}

/// A change in the connection of one of a client's live streams, for an app to show e.g.
/// "reconnecting…" (see [`Client::connection_events`]). The stream itself carries on: it
/// reconnects and delivers what was published meanwhile.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionEvent {
    /// A stream broke; it is being re-established.
    Disconnected {
        /// Why it broke.
        reason: String,
    },
    /// The stream is live again; messages missed from `since_ns` on follow on it.
    Reconnected {
        /// Sender timestamp from which the missed messages are fetched.
        since_ns: u64,
    },
}

/// Connection events buffered per listener; a slower listener skips the oldest.
pub(crate) const CONNECTION_EVENTS: usize = 64;

/// The next envelope of `sub`; connection events go to the client's listeners. `None` when it
/// ended.
async fn next_envelope(sub: &mut Subscription, client: &Client) -> Option<Result<Envelope>> {
    loop {
        let event = match sub.next_event().await? {
            Ok(StreamEvent::Envelope(envelope)) => return Some(Ok(envelope)),
            Ok(StreamEvent::Disconnected { reason }) => ConnectionEvent::Disconnected { reason },
            Ok(StreamEvent::Reconnected { since_ns }) => ConnectionEvent::Reconnected { since_ns },
            Ok(other) => {
                tracing::debug!(?other, "stream event ignored");
                continue;
            }
            Err(e) => return Some(Err(e.into())),
        };
        tracing::debug!(?event, "stream connection event");
        // No listener is not an error.
        let _ = client.inner.connection.send(event);
    }
}

impl Client {
    /// Connection events of every live stream of this client from now on (disconnected,
    /// reconnected), e.g. to show "reconnecting…". Events are produced while a stream is being
    /// polled; a listener that falls more than 64 events behind skips the oldest.
    pub fn connection_events(&self) -> BoxStream<'static, ConnectionEvent> {
        let receiver = self.inner.connection.subscribe();
        stream::unfold(receiver, |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(event) => return Some((event, receiver)),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(skipped)) => {
                        tracing::debug!(skipped, "connection events skipped");
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
        .boxed()
    }
}

impl Client {
    /// The conversation an envelope on my invite or intro topic is for: new, or one this client
    /// started itself (its invitation or intro comes back on my own topic too, as in xmtp-js).
    async fn conversation_on_my_topic(
        &self,
        envelope: Envelope,
        intro_topic: &str,
    ) -> Result<Option<Conversation>> {
        if envelope.content_topic == intro_topic {
            self.intro_conversation(envelope).await
        } else {
            let conversation = self.invitation_conversation(envelope).await?;
            Ok(conversation.map(|c| self.wrap_v2(c)))
        }
    }
}

impl Conversations {
    /// Conversations started after this returns, by a peer or by this client (on any device of
    /// the wallet), each once, as their invitations (v2) or intros (v1) arrive. Returns once the
    /// node has registered the stream.
    pub async fn stream(&self) -> Result<BoxStream<'static, Result<Conversation>>> {
        let client = self.client().clone();
        let me = client.address().to_string();
        let intro_topic = topic::intro(&me);
        let sub = subscribe(&client, vec![topic::invite(&me), intro_topic.clone()]).await?;
        struct State {
            sub: Subscription,
            client: Client,
            intro_topic: String,
            yielded: HashSet<String>,
        }
        let state = State {
            sub,
            client,
            intro_topic,
            yielded: HashSet::new(),
        };
        Ok(stream::unfold(state, |mut st| async move {
            loop {
                let envelope = match next_envelope(&mut st.sub, &st.client).await? {
                    Ok(envelope) => envelope,
                    Err(e) => return Some((Err(e), st)),
                };
                match st
                    .client
                    .conversation_on_my_topic(envelope, &st.intro_topic)
                    .await
                {
                    Ok(Some(c)) if st.yielded.insert(c.topic().to_owned()) => {
                        return Some((Ok(c), st));
                    }
                    Ok(_) => {}
                    Err(e) => return Some((Err(e), st)),
                }
            }
        })
        .boxed())
    }

    /// Messages of every conversation, including conversations that start while the stream
    /// runs, by a peer or by this client (their earlier messages are fetched when their
    /// invitation or intro arrives). Returns once the node has registered the stream.
    pub async fn stream_all_messages(&self) -> Result<BoxStream<'static, Result<MessageResult>>> {
        let client = self.client().clone();
        client.sync_invitations().await?;
        client.sync_intros().await?;
        let me = client.address().to_string();
        let (invite_topic, intro_topic) = (topic::invite(&me), topic::intro(&me));
        let mut topics = vec![invite_topic.clone(), intro_topic.clone()];
        topics.extend(
            client
                .known_conversations()
                .await
                .iter()
                .map(|c| c.topic().to_owned()),
        );
        let sub = subscribe(&client, topics).await?;
        struct State {
            sub: Subscription,
            client: Client,
            invite_topic: String,
            intro_topic: String,
            seen: SeenIds,
            pending: VecDeque<Result<MessageResult>>,
        }
        let state = State {
            sub,
            client,
            invite_topic,
            intro_topic,
            seen: SeenIds::default(),
            pending: VecDeque::new(),
        };
        Ok(stream::unfold(state, |mut st| async move {
            loop {
                if let Some(next) = st.pending.pop_front() {
                    return Some((next, st));
                }
                let envelope = match next_envelope(&mut st.sub, &st.client).await? {
                    Ok(envelope) => envelope,
                    Err(e) => return Some((Err(e), st)),
                };
                if envelope.content_topic != st.invite_topic
                    && envelope.content_topic != st.intro_topic
                {
                    let conversation = st.client.conversations().get(&envelope.content_topic).await;
                    if let Some(conversation) = conversation {
                        let decoded = conversation.decode_ref(crate::envelope::wire_ref(&envelope));
                        let decoded = st.client.open_forward_secret(decoded).await;
                        if let Ok(message) = &decoded {
                            st.client
                                .note_activity(conversation.topic(), message.sent_ns)
                                .await;
                        }
                        if decoded.as_ref().map_or(true, |m| st.seen.first_time(&m.id)) {
                            st.pending.push_back(Ok(decoded));
                        }
                    }
                    continue;
                }
                let conversation = match st
                    .client
                    .conversation_on_my_topic(envelope, &st.intro_topic)
                    .await
                {
                    Ok(Some(c)) if !st.sub.topics().any(|t| t == c.topic()) => c,
                    Ok(_) => continue,
                    Err(e) => return Some((Err(e), st)),
                };
                // Its history from its creation and what follows, each once: the subscription
                // reads the stored part only once the node relays the topic live, so nothing
                // published meanwhile falls between the two.
                if let Err(e) = st
                    .sub
                    .add_topics_since([conversation.topic().to_owned()], conversation.created_ns())
                {
                    return Some((Err(e.into()), st));
                }
            }
        })
        .boxed())
    }
}

impl Conversation {
    /// Messages of this conversation sent after this returns, as they arrive. Returns once the
    /// node has registered the stream.
    pub async fn stream_messages(&self) -> Result<BoxStream<'static, Result<MessageResult>>> {
        self.stream_topic(self.topic().to_owned()).await
    }

    /// Ephemeral messages (sent with [`SendOptions::ephemeral`](crate::SendOptions::ephemeral))
    /// sent after this returns. The node never stores them, so none is lost only because this
    /// returns once the node has registered the stream.
    pub async fn stream_ephemeral(&self) -> Result<BoxStream<'static, Result<MessageResult>>> {
        let ephemeral =
            topic::to_ephemeral(self.topic()).unwrap_or_else(|| self.topic().to_owned());
        self.stream_topic(ephemeral).await
    }

    async fn stream_topic(
        &self,
        topic: String,
    ) -> Result<BoxStream<'static, Result<MessageResult>>> {
        let sub = subscribe(self.client(), vec![topic]).await?;
        Ok(
            stream::unfold((sub, self.clone()), |(mut sub, conversation)| async move {
                let item = match next_envelope(&mut sub, conversation.client()).await? {
                    Ok(envelope) => {
                        let decoded = conversation.decode_ref(crate::envelope::wire_ref(&envelope));
                        Ok(conversation.client().open_forward_secret(decoded).await)
                    }
                    Err(e) => Err(e),
                };
                if let Ok(Ok(message)) = &item {
                    let client = conversation.client();
                    client
                        .note_activity(conversation.topic(), message.sent_ns)
                        .await;
                }
                Some((item, (sub, conversation)))
            })
            .boxed(),
        )
    }
}
/// Ids delivered recently, to drop the overlap between a backfill query and a live stream.
/// Bounded: the overlap is at most one backfill, so only the newest ids are kept.
#[derive(Default)]
pub(crate) struct SeenIds {
    ids: HashSet<String>,
    order: std::collections::VecDeque<String>,
}

impl SeenIds {
    const CAPACITY: usize = 4096;

    pub(crate) fn first_time(&mut self, id: &str) -> bool {
        if !self.ids.insert(id.to_owned()) {
            return false;
        }
        self.order.push_back(id.to_owned());
        if self.order.len() > Self::CAPACITY
            && let Some(oldest) = self.order.pop_front()
        {
            self.ids.remove(&oldest);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::SeenIds;

    #[test]
    fn seen_ids_drop_repeats_and_forget_the_oldest_beyond_capacity() {
        let mut seen = SeenIds::default();
        assert!(seen.first_time("a"));
        assert!(!seen.first_time("a"));
        for i in 0..SeenIds::CAPACITY {
            assert!(seen.first_time(&i.to_string()));
        }
        assert!(seen.first_time("a"), "the oldest id is forgotten");
        assert!(!seen.first_time(&(SeenIds::CAPACITY - 1).to_string()));
    }
}
