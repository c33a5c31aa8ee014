// The Rust peer (xmtp-client/examples/interop_peer.rs) as a child process driven over stdin/stdout,
// for test files that run the JS SDK and our Rust client against one node.
//
// The peer uses XMTP_NODE_GRPC_URL when set (with XMTP_NODE_URL the same node's HTTP address);
// otherwise the first peer hosts an in-process xmtp-node and the JS clients use that node's HTTP
// gateway. XMTP_RUST_PEER_BIN runs a prebuilt peer instead of building it with cargo
// (XMTP_CARGO_FLAGS apply).
import { before, after } from 'node:test';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export class RustPeer {
  constructor(child) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    this.events = [];
    this.eventWaiters = [];
    this.ready = new Promise((resolve, reject) => {
      this.onReady = resolve;
      child.once('exit', (code) => reject(new Error(`rust peer exited early with ${code}`)));
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
  }

  static start(peerBin) {
    const child = spawn(peerBin, [], { cwd: root, env: process.env, stdio: ['pipe', 'pipe', 'inherit'] });
    return new RustPeer(child);
  }

  onLine(line) {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      console.error(`[rust peer] ${line}`);
      return;
    }
    if (msg.ready) return this.onReady(msg);
    if (msg.event) {
      this.events.push(msg);
      for (const w of this.eventWaiters.splice(0)) w();
      return;
    }
    const waiter = this.pending.get(msg.id);
    if (!waiter) return;
    this.pending.delete(msg.id);
    if ('error' in msg) waiter.reject(new Error(`rust peer: ${msg.error}`));
    else waiter.resolve(msg.ok);
  }

  call(cmd, args = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, cmd, ...args })}\n`);
    });
  }

  /** The first (not yet consumed) event matching `predicate`, waiting up to `ms`. */
  async event(predicate, ms, what) {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.events.findIndex(predicate);
      if (i >= 0) return this.events.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.eventWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Asks the peer to quit and waits until the process has exited (killed after 5 s). */
  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.call('quit').catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Builds the example with cargo (honouring XMTP_CARGO_FLAGS) and returns its executable. */
function buildPeer() {
  const flags = (process.env.XMTP_CARGO_FLAGS || '').split(/\s+/).filter(Boolean);
  const args = ['build', '-p', 'xmtp-client', '--example', 'interop_peer', ...flags, '--message-format=json-render-diagnostics'];
  return new Promise((resolve, reject) => {
    const cargo = spawn('cargo', args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let exe = '';
    createInterface({ input: cargo.stdout }).on('line', (line) => {
      try {
        const m = JSON.parse(line);
        if (m.reason === 'compiler-artifact' && m.target?.name === 'interop_peer' && m.executable) exe = m.executable;
      } catch {
        // not a JSON line
      }
    });
    cargo.on('exit', (code) => (code === 0 && exe ? resolve(exe) : reject(new Error(`cargo build of interop_peer failed (${code})`))));
  });
}

/**
 * Builds the peer (or takes XMTP_RUST_PEER_BIN) before any test of the calling file starts, so
 * build time never counts against a test's timeout, and registers the file's hooks: learn the
 * node, stop every peer at the end. Returns `rustClient(walletKey?, createArgs?)`, which starts a
 * fresh peer process and signs in (`create`); the peer gets an `address`.
 */
export async function useRustPeers() {
  const peerBin = process.env.XMTP_RUST_PEER_BIN || (await buildPeer());
  const peers = [];
  before(async () => {
    // Learn which node everyone uses.
    const probe = RustPeer.start(peerBin);
    peers.push(probe);
    const ready = await probe.ready;
    if (!process.env.XMTP_NODE_GRPC_URL) {
      // The probe hosts the node; every later peer and JS client joins it.
      process.env.XMTP_NODE_GRPC_URL = ready.grpc;
      process.env.XMTP_NODE_URL = ready.http;
    }
  });
  after(async () => {
    // The first peer hosts the node when no gRPC URL was given: stop it last.
    for (const peer of peers.reverse()) await peer.stop();
  });
  return async function rustClient(walletKey, createArgs = {}) {
    const peer = RustPeer.start(peerBin);
    peers.push(peer);
    await peer.ready;
    const { address } = await peer.call('create', { ...(walletKey ? { wallet_key: walletKey } : {}), ...createArgs });
    peer.address = address;
    return peer;
  };
}
