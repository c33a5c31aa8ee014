// A js-waku light client (@waku/sdk 0.0.31, pinned in package-lock.json) against xmtp-node:
// it pushes through LightPush, receives through Filter and pages history through Store v3
// (waku.md §4, §5). The node is the service; js-waku serves none of these protocols itself.
//
// Environment (set by ../run.sh): XMTP_WAKU_WS, the node's WebSocket multiaddr ending in
// /p2p/<peer id>; XMTP_WAKU_PUBSUB_TOPIC, its pubsub topic.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Protocols,
  WakuNode,
  bytesToUtf8,
  createDecoder,
  createEncoder,
  defaultLibp2p,
  utf8ToBytes,
} from "@waku/sdk";

const node = process.env.XMTP_WAKU_WS;
const pubsubTopic = process.env.XMTP_WAKU_PUBSUB_TOPIC ?? "/waku/2/default-waku/proto";
const LIMIT_MS = 30_000;

/** Resolves when `ready()` holds, checked on each `notify()`; rejects after LIMIT_MS. */
function waiter(ready) {
  let wake = () => {};
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out")), LIMIT_MS);
    wake = () => {
      if (ready()) {
        clearTimeout(timer);
        resolve();
      }
    };
  });
  return { done, notify: () => wake() };
}

test("a js-waku light client pushes, receives by Filter and pages by Store v3", { timeout: 90_000 }, async () => {
  assert.ok(node, "XMTP_WAKU_WS names the node's WebSocket address");
  // No metadata service (the node is on a named pubsub topic, not a shard); plain ws allowed.
  const libp2p = await defaultLibp2p(undefined, { filterMultiaddrs: false, hideWebSocketInfo: true });
  const waku = new WakuNode([pubsubTopic], {}, libp2p, { lightpush: true, filter: true, store: true });
  await waku.start();
  try {
    await waku.dial(node);
    await waku.waitForPeers([Protocols.LightPush, Protocols.Filter, Protocols.Store], LIMIT_MS);

    const contentTopic = `/xmtp/0/m-js-waku-light-${Date.now()}/proto`;
    const encoder = createEncoder({ contentTopic, pubsubTopic });
    const decoder = createDecoder(contentTopic, pubsubTopic);
    const sent = ["one", "two", "three"];

    const received = [];
    const all = waiter(() => received.length >= sent.length);
    const { error, subscription } = await waku.filter.subscribe([decoder], (message) => {
      received.push(bytesToUtf8(message.payload));
      all.notify();
    });
    assert.equal(error, null, `subscribe: ${error}`);
    assert.ok(subscription);

    for (const text of sent) {
      const result = await waku.lightPush.send(encoder, { payload: utf8ToBytes(text) }, { autoRetry: false });
      assert.deepEqual(result.failures, [], `lightpush of ${text}`);
      assert.equal(result.successes.length, 1);
    }
    await all.done;
    assert.deepEqual([...received].sort(), [...sent].sort(), "each pushed message arrives once by Filter");

    // Store v3, two to a page: js-waku pages with the last hash until an empty page.
    const pages = [];
    for await (const page of waku.store.queryGenerator([decoder], { paginationLimit: 2 })) {
      const messages = await Promise.all(page);
      pages.push(messages.map((m) => bytesToUtf8(m.payload)));
    }
    assert.deepEqual(pages.map((p) => p.length), [2, 1]);
    assert.deepEqual(pages.flat().sort(), [...sent].sort());

    // Backward: the newest page first.
    const back = [];
    for await (const page of waku.store.queryGenerator([decoder], { paginationLimit: 2, paginationForward: false })) {
      back.push((await Promise.all(page)).map((m) => bytesToUtf8(m.payload)));
    }
    assert.deepEqual(back.map((p) => p.length), [2, 1]);
    assert.deepEqual(back.flat().sort(), [...sent].sort());
    assert.deepEqual([...back[1], ...back[0]], [...pages[0], ...pages[1]], "the same order both ways");

    await subscription.unsubscribeAll();
  } finally {
    await waku.stop();
  }
});
