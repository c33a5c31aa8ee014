// The xmtp-js side of `loadgen inbox --listeners rust,js` (issue 17): one @xmtp/xmtp-js 13.0.4
// client streaming all messages of the reader's conversations, in a process of its own, which
// loadgen watches from outside. The Rust twin is benches/src/bin/inbox-listener.rs; both speak the
// same lines.
//
//   XMTP_NODE_URL=http://127.0.0.1:PORT XMTP_INBOX_READER_KEY=<hex> node bench/inbox-listener.mjs
//
// Signs in with the reader's wallet key on fresh in-memory persistence, starts
// conversations.streamAllMessages() cold (the SDK lists, so fetches and opens every invitation,
// first) and counts it live when the node has answered its subscribe POST (our node answers once
// the subscription is registered); then a second one warm, closed again. Prints
// {"event":"live","create_ms":…,"start_ms":…,"warm_start_ms":…} and notes the sequence number
// ("inbox <n>") and arrival time of every message. On a stdin line `finish <expected> <grace ms>`
// it reads on until `expected` distinct messages have come or the grace period is over, prints
// {"event":"report","received":[[n, µs since the epoch],…],"errors":…,"first_error":…} and exits.
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { createClient, subscriptionReady, walletFromKey } from '../lib/xmtp.mjs';

// stdout carries this script's lines only: the SDK's own console.log ("Stream connection closed.
// Resubscribing") goes to stderr.
// A pipe takes 64 KiB at once: the report is written in full before the process exits.
const emit = (line) => new Promise((resolve) => process.stdout.write(`${JSON.stringify(line)}\n`, resolve));
console.log = console.error;

/** How long opening the stream may take (the SDK lists 10,000 conversations in minutes). */
const LIVE_MS = 30 * 60 * 1000;

const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** Starts streamAllMessages on `client`; the stream and the milliseconds until it was live. */
async function liveStream(client) {
  const started = performance.now();
  const ready = subscriptionReady(LIVE_MS);
  const stream = await client.conversations.streamAllMessages();
  await ready;
  return [stream, performance.now() - started];
}

async function main() {
  const key = process.env.XMTP_INBOX_READER_KEY;
  if (!key) throw new Error('XMTP_INBOX_READER_KEY is not set');
  const started = performance.now();
  const client = await createClient(walletFromKey(key));
  const createMs = performance.now() - started;
  const [stream, startMs] = await liveStream(client);
  const [warm, warmStartMs] = await liveStream(client);
  await warm.return();
  await emit({ event: 'live', create_ms: createMs, start_ms: startMs, warm_start_ms: warmStartMs });

  const received = [];
  const distinct = new Set();
  let errors = 0;
  let firstError = null;
  const error = (message) => {
    errors += 1;
    firstError ??= message;
  };
  let expected = Infinity;
  let done;
  const finished = new Promise((resolve) => {
    done = resolve;
  });
  const check = () => {
    if (distinct.size >= expected) done();
  };
  createInterface({ input: process.stdin })
    .on('line', (line) => {
      const m = /^finish (\d+) (\d+)$/.exec(line.trim());
      if (!m) {
        error(`expected "finish <expected> <grace ms>", got ${JSON.stringify(line)}`);
        done();
        return;
      }
      expected = Number(m[1]);
      setTimeout(done, Number(m[2]));
      check();
    })
    // The scenario is gone.
    .on('close', () => {
      if (expected === Infinity) process.exit(0);
    });
  (async () => {
    try {
      for await (const message of stream) {
        const at = nowUs();
        const m = typeof message.content === 'string' ? /^inbox (\d+)$/.exec(message.content) : null;
        if (m) {
          received.push([Number(m[1]), at]);
          distinct.add(m[1]);
          check();
        } else {
          error(`a message without a sequence number: ${message.id}`);
        }
      }
      error('the stream ended');
    } catch (e) {
      error(`stream: ${e?.message ?? e}`);
    }
    done();
  })();
  await finished;
  await emit({ event: 'report', received, errors, first_error: firstError });
}

main().then(
  // The SDK keeps sockets and timers alive; the run is over (stdout is flushed).
  () => process.exit(0),
  (e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  },
);
