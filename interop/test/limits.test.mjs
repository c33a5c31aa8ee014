// The node's default request limits and response budgets (issue 15) seen from the official SDK:
// a page cut short by the response budget is followed through its cursor, and a client with
// tens of thousands of topics streams on one subscription.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeAll, createClient, newWallet, subscriptionReady, withTimeout, SortDirection } from '../lib/xmtp.mjs';

const T = { timeout: 120_000 };
const open = [];
afterEach(() => closeAll(open));

/** A random `m-` topic, as the SDK builds v2 conversation topics. */
function mTopic() {
  return `/xmtp/0/m-${randomBytes(32).toString('base64').replace(/=/g, '').replace(/\//g, '-')}/proto`;
}

test('a page that reaches the 16 MiB response budget is followed through its cursor', T, async () => {
  const client = await createClient(newWallet());
  const topic = mTopic();
  // 18 envelopes of 1,000,000 bytes: more than the default budget (16 MiB) in one page of 100.
  for (let i = 0; i < 18; i += 1) {
    const message = randomBytes(1_000_000);
    message.writeUInt32BE(i, 0);
    await client.apiClient.publish([{ contentTopic: topic, message, timestamp: new Date(1_700_000_000_000 + i) }]);
  }
  // The raw page: cut short with a cursor.
  const page = await client.apiClient.queryIteratePages(
    { contentTopic: topic },
    { direction: SortDirection.SORT_DIRECTION_ASCENDING, pageSize: 100 },
  ).next();
  assert.ok(page.value.length < 18, `first page holds ${page.value.length} envelopes`);
  // The SDK's query follows the cursor and gets every envelope once, in order.
  for (const direction of [SortDirection.SORT_DIRECTION_ASCENDING, SortDirection.SORT_DIRECTION_DESCENDING]) {
    const all = await client.apiClient.query({ contentTopic: topic }, { direction });
    const order = all.map((e) => Buffer.from(e.message).readUInt32BE(0));
    const expected = [...Array(18).keys()];
    if (direction === SortDirection.SORT_DIRECTION_DESCENDING) expected.reverse();
    assert.deepEqual(order, expected);
  }
});

test('one subscription to 20,000 conversation topics plus intro and invite streams', T, async () => {
  const client = await createClient(newWallet());
  // What streamAllMessages sends for a wallet with 20,000 conversations: every conversation
  // topic and the wallet's intro and invite topics, in one Subscribe.
  const topics = Array.from({ length: 20_000 }, mTopic);
  topics.push(`/xmtp/0/intro-${client.address}/proto`, `/xmtp/0/invite-${client.address}/proto`);
  const received = [];
  let wake;
  const ready = subscriptionReady(5000);
  const subscription = client.apiClient.subscribe({ contentTopics: topics }, (envelope) => {
    received.push(envelope);
    wake?.();
  });
  open.push({ return: () => subscription.unsubscribe() });
  await ready;
  const last = topics[19_999];
  const message = randomBytes(32);
  await client.apiClient.publish([{ contentTopic: last, message }]);
  await withTimeout(
    new Promise((resolve) => {
      wake = () => received.length > 0 && resolve();
      wake();
    }),
    30_000,
    'the envelope on the 20,000th topic',
  );
  assert.equal(received[0].contentTopic, last);
});
