// Issue 14 §1 and §2 with the official SDK on the other side: garbage dated ahead on our wallet's
// invite- and intro- topics hides no later invitation or v1 intro from our client with stored
// state, and the SDK pages our messages by millisecond endTime without skipping any.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SortDirection, createClient, newWallet } from '../lib/xmtp.mjs';
import { useRustPeers } from '../lib/rust_peer.mjs';

const T = { timeout: 90_000 };
const HOUR_MS = 3_600_000;
const rustClient = await useRustPeers();
const dirs = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function storeFile() {
  const dir = mkdtempSync(path.join(tmpdir(), 'xmtp-clocks-'));
  dirs.push(dir);
  return path.join(dir, 'keystore');
}

test('garbage dated +1 hour and +10 years on invite- and intro- hides no later v2 invitation or v1 intro (Rust restarted with stored state)', T, async () => {
  const wallet = newWallet();
  const store = storeFile();
  const args = { legacy_contact: true, store };
  let rust = await rustClient(wallet.key, args);
  // A first sync, so that the stored state has cursors.
  assert.deepEqual(await rust.call('list'), []);

  // Anyone with a token can publish anything, dated as they like, on anyone's topics.
  const mallory = await createClient(newWallet());
  const garbage = [];
  for (const kind of ['invite', 'intro']) {
    for (const ahead of [HOUR_MS, 10 * 365 * 24 * HOUR_MS]) {
      garbage.push({
        contentTopic: `/xmtp/0/${kind}-${rust.address}/proto`,
        message: new Uint8Array(randomBytes(120)),
        timestamp: new Date(Date.now() + ahead),
      });
    }
  }
  await mallory.publishEnvelopes(garbage);
  // Our client reads the garbage (it opens nothing) and restarts from its stored state.
  assert.deepEqual(await rust.call('list'), []);
  await rust.stop();
  rust = await rustClient(wallet.key, args);

  // The official SDK starts a v2 conversation (a conversation id converts the legacy contact)
  // and, from another wallet, sends a v1 message (the legacy contact makes it v1).
  const alice = await createClient(newWallet());
  const v2 = await alice.conversations.newConversation(rust.address, {
    conversationId: `xmtp-rs/interop/clocks/${randomUUID()}`,
    metadata: {},
  });
  assert.equal(v2.conversationVersion, 'v2');
  const carol = await createClient(newWallet());
  const v1 = await carol.conversations.newConversation(rust.address);
  assert.equal(v1.conversationVersion, 'v1');
  await v1.send('over v1, after the garbage');

  const found = async () => new Map((await rust.call('list')).map((c) => [c.topic, [c.peer, c.version]]));
  assert.deepEqual(
    await found(),
    new Map([
      [v2.topic, [alice.address, 'v2']],
      [v1.topic, [carol.address, 'v1']],
    ]),
  );
  // And once more from the stored state alone.
  await rust.stop();
  rust = await rustClient(wallet.key, args);
  assert.equal((await found()).size, 2);
});

test('our client sends 5 texts back to back; the SDK pages them descending, limit 2, endTime = oldest sent of the previous page, and sees each once', T, async () => {
  const bob = await createClient(newWallet());
  // A clock that stands still puts all five sends in one millisecond, the case that whole-ms
  // stamps must keep apart (with nanosecond stamps the SDK's ms endTime skipped some).
  const rust = await rustClient(undefined, { frozen_clock: true });
  const created = await rust.call('new_conversation', {
    peer: bob.address,
    conversation_id: `xmtp-rs/interop/clocks/${randomUUID()}`,
  });
  // Sent concurrently: the peer publishes them one after the other as fast as it can.
  const sent = await Promise.all(
    [0, 1, 2, 3, 4].map((i) => rust.call('send', { topic: created.topic, content: { type: 'text', text: `m${i}` } })),
  );
  const convo = (await bob.conversations.list()).find((c) => c.topic === created.topic);
  assert.ok(convo);

  // endTime is inclusive and has millisecond precision: a page repeats the previous page's
  // oldest message, which the reader already holds; it stops when a page brings nothing new.
  const seen = [];
  let endTime;
  for (let pages = 0; pages < 20; pages += 1) {
    const page = await convo.messages({ direction: SortDirection.SORT_DIRECTION_DESCENDING, limit: 2, endTime });
    const fresh = page.filter((m) => !seen.some((s) => s.id === m.id));
    if (fresh.length === 0) break;
    seen.push(...fresh);
    endTime = page[page.length - 1].sent;
  }
  const byId = new Map(sent.map((s, i) => [s.id, `m${i}`]));
  assert.equal(seen.length, 5, `seen: ${seen.map((m) => m.content)}`);
  assert.deepEqual(
    seen.map((m) => m.content),
    seen.map((m) => byId.get(m.id)),
  );
  assert.deepEqual(new Set(seen.map((m) => m.id)), new Set(byId.keys()));
  // Newest first, and no two share a millisecond.
  const times = seen.map((m) => m.sent.getTime());
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
  assert.equal(new Set(times).size, 5);
});
