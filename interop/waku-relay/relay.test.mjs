// A js-waku relay peer (@waku/relay 0.0.14 with @waku/sdk 0.0.27, pinned in package-lock.json)
// joins xmtp-node over Waku Relay and exchanges messages with it both ways (waku.md §3, §5):
// what js publishes on the relay reaches the node's gateway subscribers and its store, and
// what a client publishes to the node reaches js over the relay.
//
// Environment (set by ../run.sh): XMTP_WAKU_WS, the node's WebSocket multiaddr ending in
// /p2p/<peer id>; XMTP_WAKU_PUBSUB_TOPIC, its pubsub topic; XMTP_WAKU_HTTP, its HTTP gateway
// (started with --no-auth, so this test publishes without a token).
import { test } from "node:test";
import assert from "node:assert/strict";
import { WakuNode, bytesToUtf8, createDecoder, createEncoder, defaultLibp2p, utf8ToBytes } from "@waku/sdk";
import { wakuGossipSub } from "@waku/relay";

const node = process.env.XMTP_WAKU_WS;
const http = process.env.XMTP_WAKU_HTTP;
const pubsubTopic = process.env.XMTP_WAKU_PUBSUB_TOPIC ?? "/waku/2/default-waku/proto";
const LIMIT_MS = 30_000;

function timeout(what) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), LIMIT_MS);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/** Resolves with the first value of `event` on `target` for which `pick` returns something. */
async function first(target, event, pick, what) {
  const limit = timeout(what);
  let listener;
  try {
    return await Promise.race([
      new Promise((resolve) => {
        listener = (evt) => {
          const value = pick(evt);
          if (value !== undefined) resolve(value);
        };
        target.addEventListener(event, listener);
      }),
      limit.promise,
    ]);
  } finally {
    target.removeEventListener(event, listener);
    limit.clear();
  }
}

/** Opens a gateway subscription on `topic`; returns a function awaiting its next envelope. */
async function subscribe(topic) {
  const controller = new AbortController();
  const response = await fetch(`${http}/message/v1/subscribe`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ contentTopics: [topic] }),
    signal: controller.signal,
  });
  assert.equal(response.status, 200);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const next = async () => {
    const limit = timeout("an envelope on the gateway");
    try {
      for (;;) {
        const newline = buffered.indexOf("\n");
        if (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim()) return JSON.parse(line).result;
          continue;
        }
        const { value, done } = await Promise.race([reader.read(), limit.promise]);
        if (done) throw new Error("the gateway stream ended");
        buffered += decoder.decode(value, { stream: true });
      }
    } finally {
      limit.clear();
    }
  };
  return { next, close: () => controller.abort() };
}

test("a js-waku relay peer and xmtp-node exchange messages both ways", { timeout: 90_000 }, async () => {
  assert.ok(node && http, "XMTP_WAKU_WS and XMTP_WAKU_HTTP name the node");
  const libp2p = await defaultLibp2p(undefined, wakuGossipSub({}), {
    filterMultiaddrs: false,
    hideWebSocketInfo: true,
  });
  const waku = new WakuNode([pubsubTopic], {}, libp2p, { relay: true });
  await waku.start();
  const gossipsub = libp2p.services.pubsub;
  try {
    // Joined once the node is subscribed to the pubsub topic as js sees it (it then takes it
    // into its mesh).
    const joined = first(
      gossipsub,
      "subscription-change",
      (evt) =>
        evt.detail.subscriptions.some((s) => s.topic === pubsubTopic && s.subscribe) ? true : undefined,
      "the node's subscription",
    );
    await waku.dial(node);
    await joined;

    const contentTopic = `/xmtp/0/m-js-waku-relay-${Date.now()}/proto`;
    const encoder = createEncoder({ contentTopic, pubsubTopic });
    const decoder = createDecoder(contentTopic, pubsubTopic);

    // js -> node: relayed, stored, delivered to a gateway subscriber.
    const gateway = await subscribe(contentTopic);
    try {
      const result = await waku.relay.send(encoder, { payload: utf8ToBytes("from js-waku") });
      assert.deepEqual(result.failures, [], "relay send");
      const envelope = await gateway.next();
      assert.equal(envelope.contentTopic, contentTopic);
      assert.equal(Buffer.from(envelope.message, "base64").toString(), "from js-waku");
    } finally {
      gateway.close();
    }
    const query = await fetch(`${http}/message/v1/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contentTopics: [contentTopic] }),
    });
    const stored = (await query.json()).envelopes ?? [];
    assert.equal(stored.length, 1, "stored once");

    // node -> js: a client's publish is relayed to the js peer.
    const received = new Promise((resolve) => {
      waku.relay.subscribe([decoder], (message) => resolve(message));
    });
    const limit = timeout("the node's message on the relay");
    const timestampNs = BigInt(Date.now()) * 1_000_000n;
    const publish = await fetch(`${http}/message/v1/publish`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        envelopes: [
          {
            contentTopic,
            timestampNs: timestampNs.toString(),
            message: Buffer.from("from xmtp-node").toString("base64"),
          },
        ],
      }),
    });
    assert.equal(publish.status, 200, await publish.text());
    const message = await Promise.race([received, limit.promise]).finally(limit.clear);
    assert.equal(bytesToUtf8(message.payload), "from xmtp-node");
    assert.equal(message.contentTopic, contentTopic);
    // The node relays the envelope's nanosecond timestamp as is: js reads it to the millisecond.
    assert.equal(BigInt(message.timestamp.getTime()), timestampNs / 1_000_000n);
  } finally {
    await waku.stop();
  }
});
