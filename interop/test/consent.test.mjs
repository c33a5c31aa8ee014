// Consent (private preferences on the userpreferences- topic) shared between two client instances
// of the same wallet: each learns the other's allow/deny decisions from the node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createClient, newWallet, strangerAddress } from '../lib/xmtp.mjs';

const T = { timeout: 30_000 };

test('allow and deny made on one instance are seen by another', T, async () => {
  const aliceWallet = newWallet();
  const phone = await createClient(aliceWallet);
  const bob = await createClient(newWallet());
  const carol = await createClient(newWallet());
  const stranger = strangerAddress();

  await phone.contacts.allow([bob.address]);
  await phone.contacts.deny([carol.address]);
  assert.equal(phone.contacts.consentState(bob.address), 'allowed');

  const laptop = await createClient(aliceWallet);
  await laptop.contacts.refreshConsentList();
  assert.equal(laptop.contacts.consentState(bob.address), 'allowed');
  assert.equal(laptop.contacts.consentState(carol.address), 'denied');
  assert.equal(laptop.contacts.consentState(stranger), 'unknown');
  assert.ok(laptop.contacts.isAllowed(bob.address));
  assert.ok(laptop.contacts.isDenied(carol.address));

  // Later decisions win, in both directions.
  await laptop.contacts.deny([bob.address]);
  await laptop.contacts.allow([carol.address]);
  await phone.contacts.refreshConsentList();
  assert.equal(phone.contacts.consentState(bob.address), 'denied');
  assert.equal(phone.contacts.consentState(carol.address), 'allowed');

  // A third instance built from scratch agrees.
  const tablet = await createClient(aliceWallet);
  const entries = await tablet.contacts.loadConsentList();
  assert.ok(entries.size >= 2, `loadConsentList returned ${entries.size} entries`);
  assert.equal(tablet.contacts.consentState(bob.address), 'denied');
  assert.equal(tablet.contacts.consentState(carol.address), 'allowed');
});

test('conversation consent: starting a conversation allows the peer everywhere', T, async () => {
  const aliceWallet = newWallet();
  const phone = await createClient(aliceWallet);
  const bob = await createClient(newWallet());
  const dave = await createClient(newWallet());

  const convo = await phone.conversations.newConversation(bob.address, {
    conversationId: `xmtp-rs/interop/consent/${randomUUID()}`,
    metadata: {},
  });
  assert.equal(convo.consentState, 'allowed');

  // Dave writes to alice: unknown until she decides.
  const fromDave = await dave.conversations.newConversation(aliceWallet.account.address, {
    conversationId: `xmtp-rs/interop/consent/${randomUUID()}`,
    metadata: {},
  });
  await fromDave.send('hi alice');

  const laptop = await createClient(aliceWallet);
  await laptop.contacts.refreshConsentList();
  const convos = await laptop.conversations.list();
  const withBob = convos.find((c) => c.topic === convo.topic);
  const withDave = convos.find((c) => c.topic === fromDave.topic);
  assert.ok(withBob && withDave);
  assert.equal(withBob.consentState, 'allowed');
  assert.equal(withDave.consentState, 'unknown');

  await withDave.deny();
  assert.equal(withDave.isDenied, true);
  await phone.contacts.refreshConsentList();
  assert.equal(phone.contacts.consentState(dave.address), 'denied');
});
