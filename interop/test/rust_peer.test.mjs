// Cross-implementation runs: the JS SDK and our Rust client (xmtp-client/examples/interop_peer.rs,
// driven over stdin/stdout) through one of our nodes, in both directions: v2 conversations with
// context, v1, text, reactions, replies, read receipts, attachments, live streams, consent, and
// the Rust client loading keys the JS SDK stored. The peer process: lib/rust_peer.mjs.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeAll, createClient, nextMatching, newWallet, subscriptionReady, eventually } from '../lib/xmtp.mjs';
import { useRustPeers } from '../lib/rust_peer.mjs';

const require = createRequire(import.meta.url);
const { ContentTypeId } = require('@xmtp/content-type-primitives');
const { content: proto } = require('@xmtp/proto');

const T = { timeout: 60_000 };
const open = [];
afterEach(() => closeAll(open));

// ---------------------------------------------------------------------------------------------
// Minimal JS codecs for the standard content types (the official packages are not installed
// here); their wire forms follow protocol.md §8, so Rust must agree with them byte for byte.
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
const typeId = (typeId) => new ContentTypeId({ authorityId: 'xmtp.org', typeId, versionMajor: 1, versionMinor: 0 });
const ContentTypeReaction = typeId('reaction');
const ContentTypeReply = typeId('reply');
const ContentTypeReadReceipt = typeId('readReceipt');
const ContentTypeAttachment = typeId('attachment');
const ContentTypeText = typeId('text');

const reactionCodec = {
  contentType: ContentTypeReaction,
  encode: (r) => ({ type: ContentTypeReaction, parameters: {}, content: utf8.encode(JSON.stringify(r)) }),
  decode: (e) => JSON.parse(fromUtf8.decode(e.content)),
  fallback: (r) => `Reacted “${r.content}” to an earlier message`,
  shouldPush: (r) => r.action === 'added',
};
const replyCodec = {
  contentType: ContentTypeReply,
  encode(reply, registry) {
    const inner = registry.codecFor(reply.contentType).encode(reply.content, registry);
    return {
      type: ContentTypeReply,
      parameters: { reference: reply.reference, contentType: reply.contentType.toString() },
      content: proto.EncodedContent.encode(inner).finish(),
    };
  },
  decode(e, registry) {
    const inner = proto.EncodedContent.decode(e.content);
    const innerType = new ContentTypeId(inner.type);
    return {
      reference: e.parameters.reference,
      contentType: innerType,
      content: registry.codecFor(innerType).decode(inner, registry),
    };
  },
  fallback: (r) => `Replied with “${r.content}” to an earlier message`,
  shouldPush: () => true,
};
const readReceiptCodec = {
  contentType: ContentTypeReadReceipt,
  encode: () => ({ type: ContentTypeReadReceipt, parameters: {}, content: new Uint8Array() }),
  decode: () => ({}),
  fallback: () => undefined,
  shouldPush: () => false,
};
const attachmentCodec = {
  contentType: ContentTypeAttachment,
  encode: (a) => ({
    type: ContentTypeAttachment,
    parameters: { filename: a.filename, mimeType: a.mimeType },
    content: a.data,
  }),
  decode: (e) => ({ filename: e.parameters.filename, mimeType: e.parameters.mimeType, data: e.content }),
  fallback: (a) => `Can’t display "${a.filename}". This app doesn’t support attachments.`,
  shouldPush: () => true,
};
const codecs = [reactionCodec, replyCodec, readReceiptCodec, attachmentCodec];
const jsClient = (wallet, opts = {}) => createClient(wallet, { codecs, ...opts });
const rustClient = await useRustPeers();


const texts = (messages) => messages.map((m) => (m.content?.type === 'text' ? m.content.text : m.content?.type));

// ---------------------------------------------------------------------------------------------
test('JS starts a v2 conversation with context; Rust lists it, reads, replies and reacts', T, async () => {
  const alice = await jsClient(newWallet());
  const rust = await rustClient();
  assert.equal(await alice.canMessage(rust.address), true);
  assert.equal(await rust.call('can_message', { address: alice.address }), true);

  const conversationId = `xmtp-rs/interop/rust/${randomUUID()}`;
  const convo = await alice.conversations.newConversation(rust.address, {
    conversationId,
    metadata: { title: 'from js' },
  });
  const hello = await convo.send('hello from js');

  const listed = await rust.call('list');
  assert.equal(listed.length, 1);
  assert.equal(listed[0].topic, convo.topic);
  assert.equal(listed[0].peer, alice.address);
  assert.equal(listed[0].version, 'v2');
  assert.equal(listed[0].conversation_id, conversationId);
  assert.deepEqual(listed[0].metadata, { title: 'from js' });

  const atRust = await rust.call('messages', { topic: convo.topic });
  assert.equal(atRust.length, 1);
  assert.deepEqual(atRust[0], {
    id: hello.id,
    topic: convo.topic,
    sender: alice.address,
    sent_ns: atRust[0].sent_ns,
    content: { type: 'text', text: 'hello from js' },
  });

  const { id: textId } = await rust.call('send', { topic: convo.topic, content: { type: 'text', text: 'hello from rust' } });
  await rust.call('send', {
    topic: convo.topic,
    content: { type: 'reaction', reference: hello.id, action: 'added', schema: 'unicode', content: '👍' },
  });
  await rust.call('send', { topic: convo.topic, content: { type: 'reply', reference: hello.id, text: 'replying' } });
  await rust.call('send', { topic: convo.topic, content: { type: 'read_receipt' } });
  await rust.call('send', {
    topic: convo.topic,
    content: { type: 'attachment', filename: 'hi.txt', mime_type: 'text/plain', data_hex: Buffer.from('attached').toString('hex') },
  });

  const atJs = await convo.messages();
  assert.equal(atJs.length, 6);
  assert.ok(atJs.every((m) => !m.error), `JS could not decode: ${atJs.map((m) => m.error).filter(Boolean)}`);
  assert.deepEqual(atJs.slice(0, 2).map((m) => [m.senderAddress, m.content]), [
    [alice.address, 'hello from js'],
    [rust.address, 'hello from rust'],
  ]);
  assert.equal(atJs[1].id, textId);
  assert.deepEqual(atJs[2].content, { reference: hello.id, action: 'added', schema: 'unicode', content: '👍' });
  assert.equal(atJs[3].content.reference, hello.id);
  assert.equal(atJs[3].content.content, 'replying');
  assert.ok(atJs[4].contentType.sameAs(ContentTypeReadReceipt));
  assert.equal(atJs[5].content.filename, 'hi.txt');
  assert.equal(Buffer.from(atJs[5].content.data).toString(), 'attached');
});

test('Rust starts a v2 conversation with context; JS streams its messages and answers', T, async () => {
  const bob = await jsClient(newWallet());
  const rust = await rustClient();
  const conversationId = `xmtp-rs/interop/rust/${randomUUID()}`;
  const created = await rust.call('new_conversation', {
    peer: bob.address,
    conversation_id: conversationId,
    metadata: { from: 'rust' },
  });
  assert.equal(created.version, 'v2');

  const convo = (await bob.conversations.list()).find((c) => c.topic === created.topic);
  assert.ok(convo, 'JS does not list the conversation Rust started');
  assert.equal(convo.peerAddress, rust.address);
  assert.deepEqual(convo.context, { conversationId, metadata: { from: 'rust' } });

  const ready = subscriptionReady();
  const stream = await convo.streamMessages();
  open.push(stream);
  await ready;
  const { id } = await rust.call('send', { topic: created.topic, content: { type: 'text', text: 'live from rust' } });
  const live = await nextMatching(stream, (m) => m.id === id, 15_000, "Rust's message on the JS stream");
  assert.equal(live.content, 'live from rust');
  assert.equal(live.senderAddress, rust.address);

  // The peer answers once the node has registered the stream.
  await rust.call('stream_messages', { topic: created.topic });
  const reaction = { reference: id, action: 'added', schema: 'unicode', content: '🎉' };
  const sent = await convo.send(reaction, { contentType: ContentTypeReaction });
  const event = await rust.event((e) => e.message?.id === sent.id, 15_000, "JS's reaction on the Rust stream");
  assert.deepEqual(event.message.content, { type: 'reaction', ...reaction });
  assert.equal(event.message.sender, bob.address);

  await convo.send({ reference: id, contentType: ContentTypeText, content: 'a reply from js' }, { contentType: ContentTypeReply });
  await convo.send({}, { contentType: ContentTypeReadReceipt });
  const data = new Uint8Array(randomBytes(300));
  await convo.send({ filename: 'blob.bin', mimeType: 'application/octet-stream', data }, { contentType: ContentTypeAttachment });

  const atRust = await rust.call('messages', { topic: created.topic });
  assert.ok(atRust.every((m) => !m.error), JSON.stringify(atRust));
  assert.deepEqual(texts(atRust), ['live from rust', 'reaction', 'reply', 'read_receipt', 'attachment']);
  assert.deepEqual(atRust[2].content, { type: 'reply', reference: id, content: { type: 'text', text: 'a reply from js' } });
  assert.deepEqual(atRust[4].content, {
    type: 'attachment',
    filename: 'blob.bin',
    mime_type: 'application/octet-stream',
    data_hex: Buffer.from(data).toString('hex'),
  });
});

test('v1: Rust writes to a legacy-only JS user, who discovers it and replies', T, async () => {
  const legacy = await jsClient(newWallet(), { publishLegacyContact: true });
  const rust = await rustClient();
  const created = await rust.call('new_conversation', { peer: legacy.address });
  assert.equal(created.version, 'v1');
  await rust.call('send', { topic: created.topic, content: { type: 'text', text: 'hello over v1' } });

  const convo = (await legacy.conversations.list()).find((c) => c.topic === created.topic);
  assert.ok(convo, 'JS does not discover the v1 conversation');
  assert.equal(convo.conversationVersion, 'v1');
  assert.deepEqual((await convo.messages()).map((m) => [m.senderAddress, m.content]), [[rust.address, 'hello over v1']]);
  await convo.send('reply over v1');

  const atRust = await eventually(async () => {
    const all = await rust.call('messages', { topic: created.topic });
    return all.length === 2 && all;
  }, 10_000, 'both v1 messages at Rust');
  assert.deepEqual(texts(atRust), ['hello over v1', 'reply over v1']);
  assert.equal(atRust[1].sender, legacy.address);
});

test('v1: JS writes to a legacy-only Rust user, who discovers it and replies', T, async () => {
  const dave = await jsClient(newWallet());
  const rust = await rustClient(undefined, { legacy_contact: true });
  const convo = await dave.conversations.newConversation(rust.address);
  assert.equal(convo.conversationVersion, 'v1');
  const first = await convo.send('hello rust over v1');

  const listed = await rust.call('list');
  assert.deepEqual(listed.map((c) => [c.topic, c.peer, c.version]), [[convo.topic, dave.address, 'v1']]);
  const atRust = await rust.call('messages', { topic: convo.topic });
  assert.deepEqual(atRust.map((m) => [m.id, m.sender, m.content.text]), [[first.id, dave.address, 'hello rust over v1']]);
  await rust.call('send', { topic: convo.topic, content: { type: 'text', text: 'rust answers over v1' } });

  const atJs = await eventually(async () => {
    const all = await convo.messages();
    return all.length === 2 && all;
  }, 10_000, 'both v1 messages at JS');
  assert.deepEqual(atJs.map((m) => [m.senderAddress, m.content]), [
    [dave.address, 'hello rust over v1'],
    [rust.address, 'rust answers over v1'],
  ]);
});

test("Rust's all-messages stream sees a conversation JS starts after it opened", T, async () => {
  const carol = await jsClient(newWallet());
  const rust = await rustClient();
  await rust.call('stream_all');
  const convo = await carol.conversations.newConversation(rust.address, {
    conversationId: `xmtp-rs/interop/rust/${randomUUID()}`,
    metadata: {},
  });
  const sent = await convo.send('new conversation, first message');
  const event = await rust.event((e) => e.message?.id === sent.id, 15_000, 'the message on the Rust all-messages stream');
  assert.equal(event.message.topic, convo.topic);
  assert.deepEqual(event.message.content, { type: 'text', text: 'new conversation, first message' });
});


test('one wallet in JS and in Rust: JS loads the keys Rust stored', T, async () => {
  const wallet = newWallet();
  const rust = await rustClient(wallet.key);
  const js = await jsClient(wallet);
  assert.equal(js.address, rust.address);
  assert.equal(wallet.signatures, 1, 'JS created a new identity instead of loading the stored one');
  // Messages to the wallet reach both: they hold the same keys.
  const erin = await jsClient(newWallet());
  const convo = await erin.conversations.newConversation(js.address, { conversationId: `xmtp-rs/interop/rust/${randomUUID()}`, metadata: {} });
  const sent = await convo.send('to both installations');
  assert.deepEqual((await rust.call('messages', { topic: convo.topic })).map((m) => m.id), [sent.id]);
  const atJs = (await js.conversations.list()).find((c) => c.topic === convo.topic);
  assert.deepEqual((await atJs.messages()).map((m) => m.id), [sent.id]);
});

test('one wallet in JS and in Rust: Rust loads the keys JS stored, and consent syncs both ways', T, async () => {
  const wallet = newWallet();
  const key = wallet.key;
  const js = await jsClient(wallet);
  const bob = newWallet().account.address;
  const carol = newWallet().account.address;
  await js.contacts.deny([bob]);

  const rust = await rustClient(key);
  assert.equal(rust.address, js.address);
  assert.equal(await rust.call('consent', { address: bob }), 'denied');
  assert.equal(await rust.call('consent', { address: carol }), 'unknown');

  await rust.call('allow', { addresses: [carol] });
  await rust.call('allow', { addresses: [bob] });
  await js.contacts.refreshConsentList();
  assert.equal(js.contacts.consentState(carol), 'allowed');
  assert.equal(js.contacts.consentState(bob), 'allowed');
});
