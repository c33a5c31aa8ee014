// V2 conversations: invites with a conversation id and metadata, send, list, and paging in both
// directions with time bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SortDirection, createClient, newWallet } from '../lib/xmtp.mjs';

const T = { timeout: 45_000 };
const ASC = SortDirection.SORT_DIRECTION_ASCENDING;
const DESC = SortDirection.SORT_DIRECTION_DESCENDING;

function context(tag) {
  return { conversationId: `xmtp-rs/interop/${tag}/${randomUUID()}`, metadata: { tag, lang: 'en', 'x.y': 'z' } };
}

async function findConversation(client, topic) {
  const found = (await client.conversations.list()).find((c) => c.topic === topic);
  assert.ok(found, `${client.address} does not list conversation ${topic}`);
  return found;
}

test('a v2 conversation carries its conversation id and metadata to both sides', T, async () => {
  const aliceWallet = newWallet();
  const alice = await createClient(aliceWallet);
  const bob = await createClient(newWallet());
  const ctx = context('v2');

  const convo = await alice.conversations.newConversation(bob.address, ctx);
  assert.equal(convo.conversationVersion, 'v2');
  assert.match(convo.topic, /^\/xmtp\/0\/m-[A-Za-z0-9_-]+\/proto$/);
  assert.equal(convo.peerAddress, bob.address);
  assert.deepEqual(convo.context, ctx);

  const bobConvo = await findConversation(bob, convo.topic);
  assert.equal(bobConvo.conversationVersion, 'v2');
  assert.equal(bobConvo.peerAddress, alice.address);
  assert.deepEqual(bobConvo.context, ctx);
  assert.equal(bobConvo.createdAt.getTime(), convo.createdAt.getTime());

  // Same peer and id: both sides resolve the existing conversation (bob via alice's invite on the node).
  assert.equal((await alice.conversations.newConversation(bob.address, ctx)).topic, convo.topic);
  assert.equal((await bob.conversations.newConversation(alice.address, ctx)).topic, convo.topic);
  // A different id is a different conversation.
  const other = await alice.conversations.newConversation(bob.address, context('other'));
  assert.notEqual(other.topic, convo.topic);
  const bobTopics = (await bob.conversations.list()).map((c) => c.topic);
  assert.ok(bobTopics.includes(other.topic));

  // A restored alice (fresh device) lists both conversations from her own invite topic.
  const alice2 = await createClient(aliceWallet);
  const alice2Convos = await alice2.conversations.list();
  const restored = alice2Convos.find((c) => c.topic === convo.topic);
  assert.ok(restored, 'restored client does not list the conversation');
  assert.deepEqual(restored.context, ctx);
  assert.ok(alice2Convos.some((c) => c.topic === other.topic));
});

test('messages are sent and listed by both sides in order', T, async () => {
  const alice = await createClient(newWallet());
  const bob = await createClient(newWallet());
  const convo = await alice.conversations.newConversation(bob.address, context('send'));
  const bobConvo = await findConversation(bob, convo.topic);

  const sent1 = await convo.send('hello bob');
  assert.equal(sent1.content, 'hello bob');
  assert.equal(sent1.senderAddress, alice.address);
  const sent2 = await bobConvo.send('hello alice');
  const sent3 = await convo.send('how are you?');

  const expected = [
    [alice.address, 'hello bob'],
    [bob.address, 'hello alice'],
    [alice.address, 'how are you?'],
  ];
  for (const c of [convo, bobConvo]) {
    const messages = await c.messages();
    assert.deepEqual(
      messages.map((m) => [m.senderAddress, m.content]),
      expected,
    );
    assert.deepEqual(
      messages.map((m) => m.id),
      [sent1.id, sent2.id, sent3.id],
    );
    for (const m of messages) {
      assert.equal(m.messageVersion, 'v2');
      assert.equal(m.contentTopic, convo.topic);
      assert.equal(m.contentType.typeId, 'text');
    }
  }
});

test('paging in both directions, with limits and inclusive time bounds', T, async () => {
  const alice = await createClient(newWallet());
  const bob = await createClient(newWallet());
  const convo = await alice.conversations.newConversation(bob.address, context('paging'));

  // Explicit sender timestamps, 1 s apart, so the expected order does not depend on send speed.
  const base = Date.now() - 60_000;
  const N = 23;
  const texts = [];
  for (let i = 0; i < N; i += 1) {
    texts.push(`message ${i}`);
    await convo.send(`message ${i}`, { timestamp: new Date(base + i * 1000) });
  }
  const bobConvo = await findConversation(bob, convo.topic);

  const all = await bobConvo.messages();
  assert.deepEqual(all.map((m) => m.content), texts);
  assert.deepEqual(
    all.map((m) => m.sent.getTime()),
    texts.map((_, i) => base + i * 1000),
  );

  const desc = await bobConvo.messages({ direction: DESC });
  assert.deepEqual(desc.map((m) => m.content), [...texts].reverse());

  // limit: the first or last few.
  assert.deepEqual((await bobConvo.messages({ limit: 5 })).map((m) => m.content), texts.slice(0, 5));
  assert.deepEqual(
    (await bobConvo.messages({ limit: 5, direction: DESC })).map((m) => m.content),
    texts.slice(-5).reverse(),
  );

  // Page by page: 23 messages in pages of 5 means 5,5,5,5,3 (the cursor follows each full page).
  for (const [direction, order] of [
    [ASC, texts],
    [DESC, [...texts].reverse()],
  ]) {
    const pages = [];
    for await (const page of bobConvo.messagesPaginated({ pageSize: 5, direction })) {
      pages.push(page.map((m) => m.content));
    }
    assert.deepEqual(
      pages.map((p) => p.length),
      [5, 5, 5, 5, 3],
      direction,
    );
    assert.deepEqual(pages.flat(), order, direction);
  }

  // An exact multiple of the page size ends with a full page, then an empty one stops the loop.
  const pagesOf = [];
  for await (const page of bobConvo.messagesPaginated({
    pageSize: 4,
    startTime: new Date(base),
    endTime: new Date(base + 7000),
  })) {
    pagesOf.push(page.length);
  }
  assert.deepEqual(pagesOf, [4, 4]);

  // Time bounds are inclusive at both ends.
  const window = await bobConvo.messages({ startTime: new Date(base + 3000), endTime: new Date(base + 6000) });
  assert.deepEqual(window.map((m) => m.content), texts.slice(3, 7));
  const windowDesc = await bobConvo.messages({
    startTime: new Date(base + 3000),
    endTime: new Date(base + 6000),
    direction: DESC,
  });
  assert.deepEqual(windowDesc.map((m) => m.content), texts.slice(3, 7).reverse());
});

test('more than 100 messages are listed across full pages', T, async () => {
  const alice = await createClient(newWallet());
  const bob = await createClient(newWallet());
  const convo = await alice.conversations.newConversation(bob.address, context('hundred'));
  const base = Date.now() - 3_600_000;
  const N = 105;
  // Send concurrently in small batches; explicit timestamps fix the order.
  for (let i = 0; i < N; i += 15) {
    await Promise.all(
      Array.from({ length: Math.min(15, N - i) }, (_, k) =>
        convo.send(`m${i + k}`, { timestamp: new Date(base + (i + k) * 10) }),
      ),
    );
  }
  const bobConvo = await findConversation(bob, convo.topic);
  const all = await bobConvo.messages();
  assert.equal(all.length, N);
  assert.deepEqual(
    all.map((m) => m.content),
    Array.from({ length: N }, (_, i) => `m${i}`),
  );
  const last = await bobConvo.messages({ direction: DESC, limit: 101 });
  assert.equal(last.length, 101);
  assert.equal(last[0].content, `m${N - 1}`);
  assert.equal(last[100].content, `m${N - 101}`);
});
