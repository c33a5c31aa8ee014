// The HTTP details the SDK depends on but never shows through its API (network.md section 2):
// browsers preflight every call, the SDK sends JSON as text/plain, and it only refreshes its auth
// token when an error body carries the numeric code 16.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeUrl } from '../lib/xmtp.mjs';

const T = { timeout: 15_000 };
const fetch = globalThis.__xmtpInteropFetch ?? globalThis.fetch; // untraced: errors here are expected

test('CORS preflight and headers on every response', T, async () => {
  const pre = await fetch(`${nodeUrl()}/message/v1/query`, {
    method: 'OPTIONS',
    headers: {
      Origin: 'https://example.com',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'x-client-version,x-app-version,authorization',
    },
  });
  assert.equal(pre.status, 200);
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  const allowed = (pre.headers.get('access-control-allow-headers') || '').toLowerCase().split(/\s*,\s*/);
  for (const h of ['authorization', 'x-client-version', 'x-app-version', 'content-type']) {
    assert.ok(allowed.includes(h), `preflight does not allow ${h}: ${allowed}`);
  }
  assert.match(pre.headers.get('access-control-allow-methods') || '', /POST/);

  const res = await fetch(`${nodeUrl()}/message/v1/query`, {
    method: 'POST',
    headers: { Origin: 'https://example.com' },
    body: JSON.stringify({ contentTopics: ['/xmtp/0/m-interop-empty/proto'] }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
});

test('a query sent as text/plain JSON, the way the SDK sends it, answers proto3 JSON', T, async () => {
  const res = await fetch(`${nodeUrl()}/message/v1/query`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'X-Client-Version': 'xmtp-js/13.0.4' },
    body: JSON.stringify({
      contentTopics: ['/xmtp/0/m-interop-empty/proto'],
      pagingInfo: { limit: 10, direction: 'SORT_DIRECTION_DESCENDING' },
    }),
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(body.envelopes, []);
  assert.equal(body.pagingInfo?.cursor ?? null, null);
});

test('a publish without a token is refused with numeric code 16 (the SDK refreshes on it)', T, async () => {
  const res = await fetch(`${nodeUrl()}/message/v1/publish`, {
    method: 'POST',
    body: JSON.stringify({
      envelopes: [
        {
          contentTopic: '/xmtp/0/m-interop-unauthenticated/proto',
          timestampNs: String(Date.now() * 1e6),
          message: Buffer.from('hello').toString('base64'),
        },
      ],
    }),
  });
  assert.equal(res.status, 401);
  const body = await res.json();
  assert.equal(body.code, 16);
  assert.equal(typeof body.message, 'string');
  assert.ok(Array.isArray(body.details));
});

test('an unknown path is a JSON 404', T, async () => {
  const res = await fetch(`${nodeUrl()}/message/v1/nope`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 404);
  const body = await res.json();
  assert.equal(body.code, 5);
});
