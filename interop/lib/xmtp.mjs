// Shared helpers for the interop suite: the pinned SDK, wallets, clients bound to the node under
// test, timeouts that never hang the run, and an optional HTTP trace of every SDK request.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

// The SDK's ESM build does not resolve under plain Node (its @xmtp/proto ESM imports lack file
// extensions), so load the CommonJS build.
const require = createRequire(import.meta.url);
export const xmtp = require('@xmtp/xmtp-js');
const { privateKeyToAccount } = require('viem/accounts');

export const { Client, SortDirection, InMemoryPersistence } = xmtp;

/** The node under test, e.g. http://127.0.0.1:5555 (run.sh exports it). */
export function nodeUrl() {
  const url = process.env.XMTP_NODE_URL;
  if (!url) throw new Error('XMTP_NODE_URL is not set: start a node and export its HTTP address (see run.sh)');
  return url.replace(/\/+$/, '');
}

/**
 * A fresh random wallet as the SDK's `Signer` (getAddress/signMessage), backed by viem, which
 * the SDK itself depends on. `key` is its private key in hex (to give the same wallet to the Rust
 * peer); `signatures` counts wallet prompts: 2 on a new identity (create + enable), 1 when the
 * identity is restored from the network.
 */
export function newWallet() {
  const key = `0x${randomBytes(32).toString('hex')}`;
  const account = privateKeyToAccount(key);
  const wallet = {
    key,
    account,
    signatures: 0,
    getAddress: async () => account.address,
    signMessage: async (message) => {
      wallet.signatures += 1;
      return account.signMessage({ message: typeof message === 'string' ? message : { raw: message } });
    },
  };
  return wallet;
}

/** The wallet of private key `hex` (no 0x) as the SDK's `Signer`, backed by viem. */
export function walletFromKey(hex) {
  const account = privateKeyToAccount(`0x${hex}`);
  return {
    getAddress: async () => account.address,
    signMessage: async (message) =>
      account.signMessage({ message: typeof message === 'string' ? message : { raw: message } }),
  };
}

/** A random address that has never been registered on the node. */
export function strangerAddress() {
  return newWallet().account.address;
}

/** Network options pointing the SDK at the node under test. */
export function networkOptions(extra = {}) {
  return { env: 'local', apiUrl: nodeUrl(), appVersion: 'xmtp-rs-interop/0', ...extra };
}

/**
 * Client.create against the node. Each call gets its own in-memory persistence, so a second
 * client for the same wallet behaves like a fresh device: everything it knows comes from the node.
 */
export function createClient(wallet, opts = {}) {
  return Client.create(wallet, {
    ...networkOptions(),
    basePersistence: InMemoryPersistence.create(),
    ...opts,
  });
}

/** Reject after `ms` with a message naming what was awaited. */
export async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Next value of a stream or async generator, or throw after `ms`. */
export async function nextValue(iterator, ms, what) {
  const result = await withTimeout(iterator.next(), ms, what);
  if (result.done) throw new Error(`stream ended while waiting for ${what}`);
  return result.value;
}

/**
 * Read from `iterator` until `predicate` matches, ignoring other values (streams may deliver
 * things a test does not care about, such as its own earlier sends).
 */
export async function nextMatching(iterator, predicate, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    const value = await nextValue(iterator, left, what);
    if (predicate(value)) return value;
  }
}

/** Poll `fn` until it returns a truthy value or `ms` elapse. */
export async function eventually(fn, ms, what, intervalMs = 100) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

let subscribeResponses = 0;
const subscribeWaiters = new Set();

/**
 * Call before opening a stream; await the result after. The SDK's stream start does not wait for
 * the subscription POST, so this waits until the node answers it: our node answers only once it
 * has registered the subscription, so every envelope published afterwards reaches the stream.
 * Fails after `ms` without an answer.
 */
export function subscriptionReady(ms = 10_000) {
  const target = subscribeResponses + 1;
  return new Promise((resolve, reject) => {
    if (subscribeResponses >= target) return resolve();
    const waiter = { target, resolve };
    subscribeWaiters.add(waiter);
    setTimeout(() => {
      if (subscribeWaiters.delete(waiter)) reject(new Error(`no answer to the subscribe POST within ${ms} ms`));
    }, ms);
  });
}

function noteSubscribeResponse() {
  subscribeResponses += 1;
  for (const w of subscribeWaiters) {
    if (subscribeResponses >= w.target) {
      subscribeWaiters.delete(w);
      w.resolve();
    }
  }
}

/** Close streams/generators, ignoring errors, so the test process can exit. */
export async function closeAll(streams) {
  await Promise.all(
    streams.splice(0).map(async (s) => {
      try {
        await withTimeout(Promise.resolve(s?.return?.()), 2000, 'stream close');
      } catch {
        // best effort
      }
    }),
  );
}

export function sameBytes(a, b) {
  return Buffer.from(a).equals(Buffer.from(b));
}

// ---------------------------------------------------------------------------------------------
// HTTP trace. XMTP_INTEROP_TRACE=1 logs every request and response the SDK makes; errors (non-2xx
// or network failures) are always logged so that a failing run says which call broke.
const TRACE = process.env.XMTP_INTEROP_TRACE === '1';
const MAX_BODY = Number(process.env.XMTP_INTEROP_TRACE_BODY || 600);

function clip(s) {
  if (s == null) return '';
  s = String(s);
  return s.length > MAX_BODY ? `${s.slice(0, MAX_BODY)}…(${s.length} chars)` : s;
}

if (!globalThis.__xmtpInteropFetch) {
  const realFetch = globalThis.fetch;
  globalThis.__xmtpInteropFetch = realFetch;
  globalThis.fetch = async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input.url;
    const method = init.method || 'GET';
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    const stream = path.endsWith('/subscribe') || path.endsWith('/subscribe-all');
    const started = Date.now();
    let res;
    try {
      res = await realFetch(input, init);
    } catch (e) {
      if (e?.name !== 'AbortError') {
        console.error(`[http] ${method} ${path} -> network error ${e?.cause?.code || ''} ${e?.message}  req=${clip(init.body)}`);
      }
      throw e;
    }
    if (stream && res.ok) noteSubscribeResponse();
    if (TRACE || !res.ok) {
      let body = '(stream)';
      if (!stream || !res.ok) {
        body = await res.clone().text().catch((e) => `(unreadable: ${e.message})`);
      }
      console.error(
        `[http] ${method} ${path} -> ${res.status} in ${Date.now() - started} ms  req=${clip(init.body)}  res=${clip(body)}`,
      );
    }
    return res;
  };
}
