// The official SDK on node A and our Rust client on node C of a network of three xmtp-node
// processes peered by Waku relay in a line A–B–C (issue 18): run.sh starts the nodes, exports A's
// HTTP gateway as XMTP_NODE_URL (the SDK's) and C's gRPC address as XMTP_NODE_GRPC_URL (the Rust
// peer's), and each node trusts its neighbours with owner-only topics, so contact bundles cross.
// Everything one side publishes reaches the other only through the relay (or reconciliation).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { closeAll, createClient, eventually, newWallet, nextMatching, subscriptionReady } from '../lib/xmtp.mjs';
import { useRustPeers } from '../lib/rust_peer.mjs';

const T = { timeout: 60_000 };
const WAIT_MS = 20_000;
const open = [];
afterEach(() => closeAll(open));
const rustClient = await useRustPeers();

/** Waits until each side finds the other's contact bundle on its own node. */
async function introduce(js, rust) {
  await eventually(() => js.canMessage(rust.address), WAIT_MS, "Rust's contact bundle on node A");
  await eventually(() => rust.call('can_message', { address: js.address }), WAIT_MS, "JS's contact bundle on node C");
}

test('JS on node A starts a conversation; Rust on node C receives it and both converse', T, async () => {
  const alice = await createClient(newWallet());
  const rust = await rustClient();
  await introduce(alice, rust);
  await rust.call('stream_all');

  const convo = await alice.conversations.newConversation(rust.address, {
    conversationId: `xmtp-rs/interop/network/${randomUUID()}`,
    metadata: { via: 'node A' },
  });
  const hello = await convo.send('hello from node A');
  const event = await rust.event((e) => e.message?.id === hello.id, WAIT_MS, "JS's first message on node C");
  assert.equal(event.message.topic, convo.topic);
  assert.equal(event.message.sender, alice.address);
  assert.deepEqual(event.message.content, { type: 'text', text: 'hello from node A' });

  const ready = subscriptionReady();
  const stream = await convo.streamMessages();
  open.push(stream);
  await ready;
  const { id } = await rust.call('send', { topic: convo.topic, content: { type: 'text', text: 'hello from node C' } });
  const reply = await nextMatching(stream, (m) => m.id === id, WAIT_MS, "Rust's reply on node A");
  assert.equal(reply.content, 'hello from node C');
  assert.equal(reply.senderAddress, rust.address);
  // Both are stored on both ends.
  const atA = await eventually(async () => {
    const messages = await convo.messages();
    return messages.length === 2 ? messages : undefined;
  }, WAIT_MS, 'both messages on node A');
  assert.deepEqual(atA.map((m) => m.content), ['hello from node A', 'hello from node C']);
  const atC = await rust.call('messages', { topic: convo.topic });
  assert.deepEqual(atC.map((m) => m.content.text), ['hello from node A', 'hello from node C']);
});

test('Rust on node C starts a conversation; JS on node A receives it and both converse', T, async () => {
  const bob = await createClient(newWallet());
  const rust = await rustClient();
  await introduce(bob, rust);

  const ready = subscriptionReady();
  const conversations = await bob.conversations.stream();
  open.push(conversations);
  await ready;
  const conversationId = `xmtp-rs/interop/network/${randomUUID()}`;
  const created = await rust.call('new_conversation', {
    peer: bob.address,
    conversation_id: conversationId,
    metadata: { via: 'node C' },
  });
  const convo = await nextMatching(conversations, (c) => c.topic === created.topic, WAIT_MS, "Rust's conversation on node A");
  assert.equal(convo.peerAddress, rust.address);
  assert.deepEqual(convo.context, { conversationId, metadata: { via: 'node C' } });

  await rust.call('stream_messages', { topic: created.topic });
  const sent = await convo.send('answer from node A');
  const event = await rust.event((e) => e.message?.id === sent.id, WAIT_MS, "JS's answer on node C");
  assert.deepEqual(event.message.content, { type: 'text', text: 'answer from node A' });
  assert.equal(event.message.sender, bob.address);
  const { id } = await rust.call('send', { topic: created.topic, content: { type: 'text', text: 'and from node C' } });
  const back = await eventually(async () => {
    const messages = await convo.messages();
    return messages.find((m) => m.id === id);
  }, WAIT_MS, "Rust's second message on node A");
  assert.equal(back.content, 'and from node C');
});
