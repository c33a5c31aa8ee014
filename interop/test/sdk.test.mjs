// Harness self-checks that need no node: the pinned SDK loads under Node, wallets sign, and an
// unreachable node fails Client.create cleanly instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Client, InMemoryPersistence, newWallet, xmtp } from '../lib/xmtp.mjs';

const require = createRequire(import.meta.url);
const { verifyMessage } = require('viem');

test('the pinned SDK version loads from its CommonJS build', () => {
  const { readFileSync } = require('node:fs');
  const pkgPath = require.resolve('@xmtp/xmtp-js').replace(/dist[/\\]index\.cjs$/, 'package.json');
  assert.equal(JSON.parse(readFileSync(pkgPath, 'utf8')).version, '13.0.4');
  assert.equal(typeof xmtp.Client.create, 'function');
  // Consent encryption needs the wasm bindings; they must load under Node.
  const wasm = require('@xmtp/user-preferences-bindings-wasm');
  assert.equal(typeof wasm.generate_private_preferences_topic, 'function');
  assert.equal(typeof globalThis.crypto?.subtle?.digest, 'function', 'WebCrypto must be global');
});

test('a test wallet produces EIP-191 signatures the wallet address verifies', async () => {
  const wallet = newWallet();
  const signature = await wallet.signMessage('XMTP : Create Identity');
  assert.equal(wallet.signatures, 1);
  assert.ok(await verifyMessage({ address: wallet.account.address, message: 'XMTP : Create Identity', signature }));
  assert.equal(await wallet.getAddress(), wallet.account.address);
});

test('Client.create against an unreachable node fails without asking the wallet to sign', { timeout: 15_000 }, async () => {
  const wallet = newWallet();
  const quiet = console.error;
  console.error = () => {};
  try {
    await assert.rejects(
      Client.create(wallet, { env: 'local', apiUrl: 'http://127.0.0.1:1', basePersistence: InMemoryPersistence.create() }),
      /fetch failed/,
    );
  } finally {
    console.error = quiet;
  }
  assert.equal(wallet.signatures, 0);
});
