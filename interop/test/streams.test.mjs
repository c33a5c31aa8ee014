// Live streams over the node's NDJSON subscribe: new conversations, one conversation's messages,
// and all messages (including a conversation that starts while the stream is open).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  closeAll,
  createClient,
  newWallet,
  nextMatching,
  nextValue,
  subscriptionReady,
  withTimeout,
} from '../lib/xmtp.mjs';

const T = { timeout: 30_000 };
const WAIT = 10_000;
const open = [];
afterEach(() => closeAll(open));

function context(tag) {
  return { conversationId: `xmtp-rs/interop/${tag}/${randomUUID()}`, metadata: { tag } };
}

async function track(promise) {
  const ready = subscriptionReady();
  const stream = await promise;
  open.push(stream);
  await ready;
  return stream;
}

test('conversations.stream delivers conversations started by peers', T, async () => {
  const alice = await createClient(newWallet());
  const bob = await createClient(newWallet());
  const carol = await createClient(newWallet());
  const stream = await track(bob.conversations.stream());

  const fromAlice = await alice.conversations.newConversation(bob.address, context('stream-convos'));
  const got1 = await nextValue(stream, WAIT, 'the conversation from alice');
  assert.equal(got1.topic, fromAlice.topic);
  assert.equal(got1.peerAddress, alice.address);
  assert.deepEqual(got1.context, fromAlice.context);

  const fromCarol = await carol.conversations.newConversation(bob.address, context('stream-convos'));
  const got2 = await nextValue(stream, WAIT, 'the conversation from carol');
  assert.equal(got2.topic, fromCarol.topic);
  assert.equal(got2.peerAddress, carol.address);

  // Bob's own new conversation arrives too (his invite topic gets a copy of every invite).
  const own = await bob.conversations.newConversation(carol.address, context('stream-convos-own'));
  const got3 = await nextValue(stream, WAIT, "bob's own conversation");
  assert.equal(got3.topic, own.topic);
});

test('streamMessages delivers one conversation and nothing else', T, async () => {
  const alice = await createClient(newWallet());
  const bob = await createClient(newWallet());
  const convo = await alice.conversations.newConversation(bob.address, context('stream-one'));
  const otherConvo = await alice.conversations.newConversation(bob.address, context('stream-other'));
  const bobConvo = (await bob.conversations.list()).find((c) => c.topic === convo.topic);
  assert.ok(bobConvo);

  const stream = await track(bobConvo.streamMessages());
  await otherConvo.send('not for this stream');
  await convo.send('first');
  await bobConvo.send('second, from bob');
  await convo.send('third');

  const got = [];
  for (let i = 0; i < 3; i += 1) {
    const m = await nextValue(stream, WAIT, `message ${i + 1}`);
    got.push([m.senderAddress, m.content, m.contentTopic]);
  }
  assert.deepEqual(got, [
    [alice.address, 'first', convo.topic],
    [bob.address, 'second, from bob', convo.topic],
    [alice.address, 'third', convo.topic],
  ]);
  // Nothing further arrives (the other conversation's message must not leak in).
  const extra = await withTimeout(stream.next(), 700, 'quiet stream').catch(() => null);
  assert.equal(extra, null, `unexpected extra message: ${extra?.value?.content}`);
});

test('ephemeral messages stream live and are not stored', T, async () => {
  const alice = await createClient(newWallet());
  const bob = await createClient(newWallet());
  const convo = await alice.conversations.newConversation(bob.address, context('ephemeral'));
  const bobConvo = (await bob.conversations.list()).find((c) => c.topic === convo.topic);
  const stream = await track(bobConvo.streamEphemeral());
  await convo.send('typing…', { ephemeral: true });
  const m = await nextValue(stream, WAIT, 'the ephemeral message');
  assert.equal(m.content, 'typing…');
  assert.deepEqual(await bobConvo.messages(), []);
});

test('streamAllMessages follows existing and newly started conversations', T, async () => {
  const alice = await createClient(newWallet());
  const bob = await createClient(newWallet());
  const carol = await createClient(newWallet());
  const existing = await alice.conversations.newConversation(bob.address, context('stream-all'));

  const all = await track(bob.conversations.streamAllMessages());
  await existing.send('in an existing conversation');
  const m1 = await nextValue(all, WAIT, 'the message in the existing conversation');
  assert.equal(m1.content, 'in an existing conversation');
  assert.equal(m1.senderAddress, alice.address);

  // A conversation started after the stream opened: the SDK sees the invite, resubscribes with
  // the new topic (abort + new POST) and also fetches what was already sent there.
  const fresh = await carol.conversations.newConversation(bob.address, context('stream-all-new'));
  await fresh.send('from a new conversation');
  const m2 = await nextMatching(all, (m) => m.content === 'from a new conversation', WAIT, 'the new conversation');
  assert.equal(m2.senderAddress, carol.address);
  assert.equal(m2.contentTopic, fresh.topic);

  // And it keeps following that new topic live.
  await fresh.send('still streaming');
  const m3 = await nextMatching(all, (m) => m.content === 'still streaming', WAIT, 'a later message in it');
  assert.equal(m3.contentTopic, fresh.topic);
});
