//! Broadcast ("announcements"): one content to many addresses, one result per recipient.

use futures::stream::{self, StreamExt};
use xmtp_crypto::Address;

use crate::client::Client;
use crate::content::Content;
use crate::error::{Error, Result};

/// Sends to one recipient in flight at once, per broadcast.
const BROADCAST_CONCURRENCY: usize = 8;

/// What happened for one recipient of [`Client::broadcast`]: the message id, or why not.
pub type BroadcastResult = (Address, Result<String>);

impl Client {
    /// Sends `content` to each address in its own (new or existing) conversation without a
    /// conversation id: one batched `can_message` lookup, then concurrent sends. Returns one
    /// result per recipient, in input order; one failure never stops the others.
    pub async fn broadcast(
        &self,
        recipients: &[Address],
        content: &Content,
    ) -> Result<Vec<BroadcastResult>> {
        let reachable = self.can_message_many(recipients).await?;
        let sends = recipients
            .iter()
            .zip(reachable)
            .map(|(&peer, reachable)| async move {
                if !reachable {
                    return (
                        peer,
                        Err(Error::NotOnNetwork {
                            address: peer.to_string(),
                        }),
                    );
                }
                let sent = async {
                    let conversation = self.conversations().new_conversation(peer, None).await?;
                    conversation.send_with(content, Default::default()).await
                }
                .await;
                (peer, sent)
            });
        Ok(stream::iter(sends)
            .buffered(BROADCAST_CONCURRENCY)
            .collect()
            .await)
    }
}
