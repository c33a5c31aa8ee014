// Issue 19: a forward-secret message sent by our Rust client (xmtp-client/examples/interop_peer.rs)
// on a v2 conversation, read by xmtp-js 13.0.4 on a device of the recipient wallet that is no
// forward-secrecy installation: the SDK lists it with the content type's fallback text (it has
// no codec for `xmtp.rs/forwardSecret:1.0`, so `content` is undefined and `error` says "unknown
// content type", as for any custom type), and the conversation goes on in plain v2 both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, newWallet } from '../lib/xmtp.mjs';
import { useRustPeers } from '../lib/rust_peer.mjs';

const T = { timeout: 90_000 };
const rustClient = await useRustPeers();

const FALLBACK =
  'This message was sent with forward secrecy by an xmtp-rs app and can only be read in an app that supports it.';

test('xmtp-js shows the fallback text of a forward-secret message; plain v2 goes on both ways', T, async () => {
  const bobWallet = newWallet();
  const alice = await rustClient();
  const bobRust = await rustClient(bobWallet.key);
  const bobJs = await createClient(bobWallet);
  assert.equal(bobJs.address, bobRust.address);

  // Forward secrecy needs an installation on the peer: the JS device alone is none.
  const convo = await alice.call('new_conversation', { peer: bobJs.address });
  await assert.rejects(alice.call('forward_secrecy', { topic: convo.topic }), /no forward-secrecy installation/);

  const { installation } = await bobRust.call('register_installation');
  assert.match(installation, /^[0-9a-f]{64}$/);
  assert.equal(await alice.call('forward_secrecy', { topic: convo.topic }), true);
  const { id: secretId } = await alice.call('send', { topic: convo.topic, content: { type: 'text', text: 'secret' } });

  // Our installation of Bob's wallet reads it, marked forward-secret.
  const atRust = await bobRust.call('messages', { topic: convo.topic });
  assert.equal(atRust.length, 1);
  assert.deepEqual(atRust[0].content, { type: 'text', text: 'secret' });
  assert.equal(atRust[0].forward_secret, true);

  // xmtp-js lists the same message with the fallback text and nothing of the plaintext.
  const conversation = (await bobJs.conversations.list()).find((c) => c.topic === convo.topic);
  assert.ok(conversation, 'xmtp-js sees the conversation');
  const [seen] = await conversation.messages();
  assert.equal(seen.id, secretId);
  assert.equal(seen.senderAddress, alice.address);
  assert.equal(seen.contentType.authorityId, 'xmtp.rs');
  assert.equal(seen.contentType.typeId, 'forwardSecret');
  assert.equal(seen.content, undefined);
  assert.equal(seen.contentFallback, FALLBACK);
  assert.match(String(seen.error), /unknown content type/);
  assert.ok(!Buffer.from(seen.contentBytes).includes(Buffer.from('secret', 'utf8')), 'no plaintext in the v2 content');

  // Alice drops back to plain v2; JS reads it and answers; Alice reads the answer.
  assert.equal(await alice.call('forward_secrecy', { topic: convo.topic, enabled: false }), false);
  await alice.call('send', { topic: convo.topic, content: { type: 'text', text: 'plain again' } });
  const messages = await conversation.messages();
  assert.equal(messages.length, 2);
  assert.equal(messages[1].content, 'plain again');
  assert.equal(messages[1].error, undefined);
  await conversation.send('hello from js');
  const atAlice = await alice.call('messages', { topic: convo.topic });
  assert.deepEqual(
    atAlice.map((m) => [m.content?.text, m.forward_secret ?? false]),
    [
      ['secret', true],
      ['plain again', false],
      ['hello from js', false],
    ],
  );
});
