// One wallet in the official SDK and in our Rust client at once, on one node: conversations started
// on either side appear on the other with the right peer and the same topic (also after the Rust
// client restarts from its persistent state), both pick the same conversation in newConversation
// (the lookup order of xmtp-js 13), a context with the conversation id "" behaves the same, consent
// syncs, and what an xmtp-js device of the wallet sees after our client rotates the pre-key.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, newWallet } from '../lib/xmtp.mjs';
import { useRustPeers } from '../lib/rust_peer.mjs';

const T = { timeout: 90_000 };
const rustClient = await useRustPeers();
const dirs = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A file for the Rust client's persistent state, removed after the test. */
function storeFile() {
  const dir = mkdtempSync(path.join(tmpdir(), 'xmtp-one-wallet-'));
  dirs.push(dir);
  return path.join(dir, 'keystore');
}

const id = () => `xmtp-rs/interop/one-wallet/${randomUUID()}`;
const byTopic = (list) => new Map(list.map((c) => [c.topic, c]));

test('one wallet in JS and in Rust: conversations started on either side, across a Rust restart', T, async () => {
  const wallet = newWallet();
  const js = await createClient(wallet);
  const store = storeFile();
  let rust = await rustClient(wallet.key, { store });
  assert.equal(rust.address, js.address);
  const bob = await createClient(newWallet());
  const carol = await createClient(newWallet());

  const fromJs = await js.conversations.newConversation(bob.address, { conversationId: id(), metadata: { by: 'js' } });
  const fromRust = await rust.call('new_conversation', { peer: carol.address, conversation_id: id(), metadata: { by: 'rust' } });
  const plainJs = await js.conversations.newConversation(carol.address);

  // Each side lists what the other started, with the right peer and context.
  const atRust = byTopic(await rust.call('list'));
  assert.equal(atRust.get(fromJs.topic)?.peer, bob.address);
  assert.deepEqual(atRust.get(fromJs.topic).metadata, { by: 'js' });
  assert.equal(atRust.get(plainJs.topic)?.peer, carol.address);
  const atJs = byTopic(await js.conversations.list());
  assert.equal(atJs.get(fromRust.topic)?.peerAddress, carol.address);
  assert.deepEqual(atJs.get(fromRust.topic).context, { conversationId: fromRust.conversation_id, metadata: { by: 'rust' } });

  // Asked for the same conversation, each side picks the one the other started.
  const again = await rust.call('new_conversation', { peer: bob.address, conversation_id: fromJs.context.conversationId });
  assert.equal(again.topic, fromJs.topic);
  assert.equal((await rust.call('new_conversation', { peer: carol.address })).topic, plainJs.topic);
  const jsAgain = await js.conversations.newConversation(carol.address, { conversationId: fromRust.conversation_id, metadata: {} });
  assert.equal(jsAgain.topic, fromRust.topic);

  // Messages sent by one installation are the wallet's own on the other.
  const { id: sentId } = await rust.call('send', { topic: fromJs.topic, content: { type: 'text', text: 'from the rust installation' } });
  const seen = (await fromJs.messages()).find((m) => m.id === sentId);
  assert.equal(seen?.senderAddress, js.address);

  // Our client restarts from its stored state, then JS starts one more.
  await rust.stop();
  rust = await rustClient(wallet.key, { store });
  const afterRestart = await js.conversations.newConversation(bob.address, { conversationId: id(), metadata: {} });
  const listed = byTopic(await rust.call('list'));
  assert.deepEqual(
    [fromJs.topic, fromRust.topic, plainJs.topic, afterRestart.topic].map((t) => listed.get(t)?.peer),
    [bob.address, carol.address, carol.address, bob.address],
  );
  assert.equal(listed.size, 4);
  const fromRust2 = await rust.call('new_conversation', { peer: bob.address, conversation_id: id() });
  const atJs2 = byTopic(await js.conversations.list());
  assert.equal(atJs2.get(fromRust2.topic)?.peerAddress, bob.address);
  assert.equal(atJs2.size, 5);
});

test('one wallet in JS and in Rust: consent set on one side is seen on the other', T, async () => {
  const wallet = newWallet();
  const js = await createClient(wallet);
  const rust = await rustClient(wallet.key, { store: storeFile() });
  const bob = await createClient(newWallet());
  const carol = await createClient(newWallet());
  const toBob = await js.conversations.newConversation(bob.address);
  assert.equal(await rust.call('consent', { address: bob.address }), 'allowed', 'starting a conversation allows');

  await rust.call('deny', { addresses: [bob.address] });
  await js.contacts.refreshConsentList();
  assert.equal(toBob.consentState, 'denied');
  await js.contacts.allow([carol.address]);
  await js.contacts.deny([carol.address]);
  assert.equal(await rust.call('consent', { address: carol.address }), 'denied', 'the newest entry wins');
  await rust.call('allow', { addresses: [bob.address, carol.address] });
  await js.contacts.refreshConsentList();
  assert.equal(js.contacts.consentState(bob.address), 'allowed');
  assert.equal(js.contacts.consentState(carol.address), 'allowed');
});

test("one wallet: with the peer's newest contact v1, fresh devices in both SDKs pick v1, listed ones the stored v2", T, async () => {
  const wallet = newWallet();
  const first = await createClient(wallet);
  const bob = await createClient(newWallet());
  const v2 = await first.conversations.newConversation(bob.address);
  assert.equal(v2.conversationVersion, 'v2');
  // Bob's newest contact becomes his legacy v1 bundle (as an old app of his would publish it).
  await bob.publishUserContact(true);

  const freshJs = await createClient(wallet);
  const rust = await rustClient(wallet.key);
  const atJs = await freshJs.conversations.newConversation(bob.address);
  const atRust = await rust.call('new_conversation', { peer: bob.address });
  assert.equal(atJs.conversationVersion, 'v1');
  assert.equal(atRust.version, 'v1');
  assert.equal(atRust.topic, atJs.topic);

  // Once they have listed, both find the stored v2 conversation first.
  await freshJs.conversations.list();
  await rust.call('list');
  assert.equal((await freshJs.conversations.newConversation(bob.address)).topic, v2.topic);
  assert.equal((await rust.call('new_conversation', { peer: bob.address })).topic, v2.topic);
});

test('one wallet: the conversation id "" derives the plain topic in both SDKs, and the invitation carries it', T, async () => {
  const wallet = newWallet();
  const js = await createClient(wallet);
  const rust = await rustClient(wallet.key);
  const bob = await createClient(newWallet());

  const atRust = await rust.call('new_conversation', { peer: bob.address, conversation_id: '', metadata: { k: 'v' } });
  assert.equal(atRust.version, 'v2');
  const atBob = (await bob.conversations.list()).find((c) => c.topic === atRust.topic);
  assert.deepEqual(atBob?.context, { conversationId: '', metadata: { k: 'v' } });

  const emptyJs = await js.conversations.newConversation(bob.address, { conversationId: '', metadata: {} });
  const plainJs = await js.conversations.newConversation(bob.address);
  const plainRust = await rust.call('new_conversation', { peer: bob.address });
  assert.deepEqual([emptyJs.topic, plainJs.topic, plainRust.topic], [atRust.topic, atRust.topic, atRust.topic]);
  // And from the other direction: Bob with "" lands on the same topic.
  const fromBob = await bob.conversations.newConversation(js.address, { conversationId: '', metadata: {} });
  assert.equal(fromBob.topic, atRust.topic);
});

test('pre-key rotation by Rust: what an xmtp-js device of the same wallet then sees', T, async () => {
  const wallet = newWallet();
  const rust = await rustClient(wallet.key);
  const legacy = await createClient(newWallet(), { publishLegacyContact: true });
  const bob = await createClient(newWallet());
  const carol = await createClient(newWallet());

  // Before rotating: a v1 conversation both ways, one v2 conversation the wallet started, one
  // a peer started.
  const v1 = await rust.call('new_conversation', { peer: legacy.address });
  assert.equal(v1.version, 'v1');
  await rust.call('send', { topic: v1.topic, content: { type: 'text', text: 'v1 before' } });
  const atLegacy = (await legacy.conversations.list()).find((c) => c.topic === v1.topic);
  await atLegacy.send('v1 reply before');
  const started = await rust.call('new_conversation', { peer: bob.address });
  await rust.call('send', { topic: started.topic, content: { type: 'text', text: 'v2 before' } });
  const byCarol = await carol.conversations.newConversation(rust.address);
  await byCarol.send('to the wallet before');

  await rust.call('rotate_prekey');

  // Our client still reads everything and keeps its peers.
  assert.equal((await rust.call('messages', { topic: v1.topic })).length, 2);
  const atRust = byTopic(await rust.call('list'));
  assert.equal(atRust.get(started.topic)?.peer, bob.address);
  assert.equal((await rust.call('new_conversation', { peer: bob.address })).topic, started.topic);

  // An xmtp-js device of the wallet (loading the rotated keys from the network).
  const js = await createClient(wallet);
  assert.equal(wallet.signatures, 1, 'JS loaded the stored keys');
  const listed = byTopic(await js.conversations.list());
  // v1 history from before no longer decrypts: not listed, and no messages readable.
  assert.equal(listed.has(v1.topic), false, 'JS lists a v1 conversation it cannot decrypt');
  const v1AtJs = await js.conversations.newConversation(legacy.address);
  assert.equal(v1AtJs.topic, v1.topic);
  assert.deepEqual(await v1AtJs.messages(), []);
  // The conversation the wallet started shows the wallet itself as the peer ...
  assert.equal(listed.get(started.topic)?.peerAddress, js.address);
  // ... its v2 messages still decrypt ...
  assert.deepEqual((await listed.get(started.topic).messages()).map((m) => m.content), ['v2 before']);
  // ... and newConversation does not find it: a second conversation with Bob, on another topic.
  const duplicate = await js.conversations.newConversation(bob.address);
  assert.notEqual(duplicate.topic, started.topic);
  assert.equal(
    (await bob.conversations.list()).filter((c) => c.peerAddress === js.address).length,
    2,
    'Bob now has two conversations with the wallet',
  );
  // Conversations a peer started are unaffected.
  assert.equal(listed.get(byCarol.topic)?.peerAddress, carol.address);
  assert.deepEqual((await listed.get(byCarol.topic).messages()).map((m) => m.content), ['to the wallet before']);
});
