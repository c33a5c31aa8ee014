// V1 conversations: a peer whose newest contact is a legacy PublicKeyBundle gets a v1
// conversation (intro- topics plus a dm- topic, ECDH per message).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { closeAll, createClient, newWallet, nextValue, subscriptionReady } from '../lib/xmtp.mjs';

const T = { timeout: 30_000 };
const open = [];
afterEach(() => closeAll(open));

test('a v1 conversation: send, list on both sides, reply and stream', T, async () => {
  // publishLegacyContact: only the legacy contact bundle is published, so peers fall back to v1.
  const alice = await createClient(newWallet(), { publishLegacyContact: true });
  const bob = await createClient(newWallet());

  const convo = await bob.conversations.newConversation(alice.address);
  assert.equal(convo.conversationVersion, 'v1');
  assert.match(convo.topic, /^\/xmtp\/0\/dm-0x[0-9a-fA-F]{40}-0x[0-9a-fA-F]{40}\/proto$/);

  const ready = subscriptionReady();
  const bobStream = await convo.streamMessages();
  open.push(bobStream);
  await ready;

  const sent = await convo.send('hello over v1');
  assert.equal(sent.messageVersion, 'v1');

  // Alice discovers the conversation from her intro- topic.
  const aliceConvo = (await alice.conversations.list()).find((c) => c.peerAddress === bob.address);
  assert.ok(aliceConvo, 'alice does not list the v1 conversation');
  assert.equal(aliceConvo.conversationVersion, 'v1');
  assert.equal(aliceConvo.topic, convo.topic);
  const aliceSees = await aliceConvo.messages();
  assert.deepEqual(
    aliceSees.map((m) => [m.senderAddress, m.recipientAddress, m.content, m.id]),
    [[bob.address, alice.address, 'hello over v1', sent.id]],
  );

  // Alice replies; her newConversation resumes the same v1 conversation.
  const aliceAgain = await alice.conversations.newConversation(bob.address);
  assert.equal(aliceAgain.conversationVersion, 'v1');
  await aliceAgain.send('reply over v1');

  const first = await nextValue(bobStream, 10_000, "bob's own v1 message on the stream");
  const second = await nextValue(bobStream, 10_000, "alice's v1 reply on the stream");
  assert.deepEqual(
    [first, second].map((m) => [m.senderAddress, m.content]),
    [
      [bob.address, 'hello over v1'],
      [alice.address, 'reply over v1'],
    ],
  );

  const bobSees = await convo.messages();
  assert.deepEqual(
    bobSees.map((m) => m.content),
    ['hello over v1', 'reply over v1'],
  );
  // Bob lists it too, from his own intro- topic.
  const bobConvos = await bob.conversations.list();
  assert.ok(bobConvos.some((c) => c.conversationVersion === 'v1' && c.peerAddress === alice.address));
});
