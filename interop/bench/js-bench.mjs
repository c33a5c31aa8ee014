// The JS half of the side-by-side benchmark (issue #8): one timed run of @xmtp/xmtp-js 13.0.4
// against the node at XMTP_NODE_URL, on the inbox that `sidebyside fixture` made
// (xmtp-client/examples/sidebyside.rs is the Rust half; interop/bench.sh drives both).
//
//   node bench/js-bench.mjs --fixture fixture.json --send-index N [--sends 1000]
//
// Fresh in-memory persistence, so list() is cold: every invitation is fetched and decrypted.
// Phases: Client.create (reported on its own), conversations.list(), messages() of the big
// conversation (the SDK pages through all of them), then sequential send() calls into the
// fixture's send target N. Every count is checked; the result is one JSON line on stdout.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createClient, walletFromKey } from '../lib/xmtp.mjs';

const { values: flags } = parseArgs({
  options: {
    fixture: { type: 'string' },
    'send-index': { type: 'string' },
    sends: { type: 'string', default: '1000' },
  },
});

function fail(message) {
  throw new Error(`js-bench: ${message}`);
}

async function timed(work) {
  const start = performance.now();
  const value = await work();
  return [value, performance.now() - start];
}

const same = (a, b) => a.toLowerCase() === b.toLowerCase();

/** Every message of `conversation`, checking there are `expected`, all text from `sender`. */
async function readAll(conversation, expected, sender) {
  const messages = await conversation.messages();
  if (messages.length !== expected) {
    fail(`${conversation.topic} holds ${messages.length} messages, expected ${expected}`);
  }
  for (const m of messages) {
    if (!same(m.senderAddress, sender)) fail(`message from ${m.senderAddress}, expected ${sender}`);
    if (typeof m.content !== 'string') fail(`message ${m.id} is not decoded text`);
  }
}

async function main() {
  if (!flags.fixture || flags['send-index'] === undefined) {
    fail('usage: js-bench.mjs --fixture fixture.json --send-index N [--sends 1000]');
  }
  const fixture = JSON.parse(readFileSync(flags.fixture, 'utf8'));
  const sends = Number(flags.sends);
  const sendPeer = fixture.send_peers[Number(flags['send-index'])];
  if (!sendPeer) fail(`send target ${flags['send-index']} out of range`);

  const [client, createMs] = await timed(() => createClient(walletFromKey(fixture.reader_key)));
  if (!same(client.address, fixture.reader_address)) fail(`signed in as ${client.address}`);

  const [all, listMs] = await timed(() => client.conversations.list());
  if (all.length !== fixture.conversations) {
    fail(`listed ${all.length} conversations, expected ${fixture.conversations}`);
  }
  const withPeer = (address) =>
    all.find((c) => same(c.peerAddress, address)) ?? fail(`no conversation with ${address}`);

  const big = withPeer(fixture.big_peer.address);
  const [, readMs] = await timed(() => readAll(big, fixture.messages, fixture.big_peer.address));

  const target = withPeer(sendPeer.address);
  const [, sendMs] = await timed(async () => {
    for (let k = 0; k < sends; k++) await target.send(`js sequential ${k}`);
  });
  await readAll(target, sends, fixture.reader_address);

  console.log(
    JSON.stringify({
      side: 'js',
      create_ms: createMs,
      list_ms: listMs,
      read_ms: readMs,
      send_ms: sendMs,
      conversations: all.length,
      messages: fixture.messages,
      sends,
    }),
  );
}

main().then(
  // The SDK keeps sockets and timers alive; the run is over.
  () => process.exit(0),
  (e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  },
);
