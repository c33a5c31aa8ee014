// Drives the side-by-side benchmark (issue #8); interop/bench.sh runs it, see there for what it
// does and the environment it reads. Needs only Node's standard library itself: the npm
// dependencies are installed here when missing, for js-bench.mjs.
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

const interop = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(interop, '..');
const env = process.env;
const runs = Number(env.XMTP_BENCH_RUNS ?? 3);
const conversations = Number(env.XMTP_BENCH_CONVERSATIONS ?? 500);
const messages = Number(env.XMTP_BENCH_MESSAGES ?? 5000);
const sends = Number(env.XMTP_BENCH_SENDS ?? 1000);
const out = env.XMTP_BENCH_OUT ?? path.join(env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'sidebyside');
const cargoFlags = (env.XMTP_CARGO_FLAGS ?? '').split(/\s+/).filter(Boolean);

const log = (message) => console.error(`bench: ${message}`);
const children = new Set();
let tmp = '';
let nodeLog = '';

class Failed extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

/** Runs `cmd`; resolves with its stdout (stderr passes through), rejects unless it exits 0. */
function run(cmd, args, { cwd = interop, stdin = 'ignore' } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: [stdin, 'pipe', 'inherit'] });
    children.add(child);
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Failed(`${path.basename(cmd)} ${args[0]} exited with ${code ?? signal}`));
    });
  });
}

async function npmInstall() {
  const stamp = path.join(interop, 'node_modules', '.interop-package-lock.json');
  const lock = readFileSync(path.join(interop, 'package-lock.json'));
  if (existsSync(stamp) && readFileSync(stamp).equals(lock)) return;
  log('installing npm dependencies (npm ci)');
  await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  copyFileSync(path.join(interop, 'package-lock.json'), stamp);
}

/** Builds `target` of `pkg` in release mode; the executable cargo reports. */
async function cargoExe(pkg, kind, target) {
  log(`building ${target} (release)`);
  const args = ['build', '--release', '-p', pkg, kind, target, ...cargoFlags, '--message-format=json-render-diagnostics'];
  const output = await run('cargo', args, { cwd: root }).catch((e) => {
    throw new Failed(`cargo build failed: ${e.message}`, 2);
  });
  let exe = '';
  for (const line of output.split('\n')) {
    try {
      const m = JSON.parse(line);
      if (m.reason === 'compiler-artifact' && m.target?.name === target && m.executable) exe = m.executable;
    } catch {
      // not a JSON line
    }
  }
  if (!exe) throw new Failed(`cargo reported no executable for ${target}`, 2);
  return exe;
}

/** Starts the node on a new SQLite file; sets XMTP_NODE_URL and XMTP_NODE_GRPC_URL. */
async function startNode(bin) {
  nodeLog = path.join(tmp, 'node.log');
  const logFd = openSync(nodeLog, 'w');
  log(`starting ${bin} (database ${tmp}/node.sqlite)`);
  const args = ['--db', path.join(tmp, 'node.sqlite'), '--http', '127.0.0.1:0', '--grpc', '127.0.0.1:0', '--no-rate-limits'];
  const child = spawn(bin, args, {
    env: { ...env, NO_COLOR: '1', RUST_LOG: env.RUST_LOG ?? 'warn' },
    stdio: ['ignore', 'pipe', logFd],
  });
  closeSync(logFd);
  children.add(child);
  child.on('exit', () => children.delete(child));
  // The node promises one stdout line: `listening http=127.0.0.1:PORT grpc=127.0.0.1:PORT`.
  const listening = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 30_000);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^listening http=(\S+) grpc=(\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    lines.on('close', () => resolve(null));
  });
  if (!listening) throw new Failed('the node did not print its listening line', 2);
  env.XMTP_NODE_URL = `http://${listening[1]}`;
  env.XMTP_NODE_GRPC_URL = `http://${listening[2]}`;
  log(`node listening at ${env.XMTP_NODE_URL} (gRPC ${env.XMTP_NODE_GRPC_URL})`);
}

function nodeLogTail(lines = 40) {
  if (!nodeLog || !existsSync(nodeLog)) return;
  const tail = readFileSync(nodeLog, 'utf8').trimEnd().split('\n').slice(-lines);
  log(`node stderr (last ${lines} lines):`);
  for (const line of tail) console.error(`  | ${line}`);
}

/** Runs one step, logging its duration; its stdout lines are results. */
async function step(label, cmd, args) {
  log(label);
  const started = Date.now();
  const stdout = await run(cmd, args);
  log(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return stdout.split('\n').filter((l) => l.trim());
}

function cleanup() {
  for (const child of children) child.kill('SIGTERM');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

async function main() {
  await npmInstall();
  const nodeBin = env.XMTP_NODE_BIN || (await cargoExe('xmtp-node', '--bin', 'xmtp-node'));
  const rust = env.XMTP_SIDEBYSIDE_BIN || (await cargoExe('xmtp-client', '--example', 'sidebyside'));
  tmp = mkdtempSync(path.join(env.TMPDIR ?? os.tmpdir(), 'xmtp-sidebyside.'));
  await startNode(nodeBin);

  const fixture = path.join(tmp, 'fixture.json');
  await step(`fixture: ${conversations} conversations, ${messages} messages`, rust, [
    'fixture', '--out', fixture, '--conversations', `${conversations}`, '--messages', `${messages}`,
    '--send-peers', `${4 * runs}`,
  ]);
  // Send targets: JS run r uses r, Rust run r uses runs + r (sequential) and 2 x runs + r
  // (concurrent), its multi-thread-runtime run 3 x runs + r.
  const results = [];
  for (let r = 0; r < runs; r++) {
    results.push(
      ...(await step(`run ${r + 1}/${runs}: JS`, process.execPath, [
        'bench/js-bench.mjs', '--fixture', fixture, '--send-index', `${r}`, '--sends', `${sends}`,
      ])),
      ...(await step(`run ${r + 1}/${runs}: Rust`, rust, [
        'run', '--fixture', fixture, '--send-index', `${runs + r}`, '--concurrent-index', `${2 * runs + r}`,
        '--sends', `${sends}`,
      ])),
      ...(await step(`run ${r + 1}/${runs}: Rust, multi-thread runtime`, rust, [
        'run', '--fixture', fixture, '--send-index', `${3 * runs + r}`, '--sends', `${sends}`,
        '--runtime', 'multi-thread',
      ])),
    );
  }
  await step(`verify: every send target holds ${sends} messages, read from the peer's side`, rust, [
    'verify', '--fixture', fixture, '--sends', `${sends}`,
  ]);

  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'runs.jsonl'), `${results.join('\n')}\n`);
  process.stdout.write(
    await run(process.execPath, ['bench/report.mjs', '--results', path.join(out, 'runs.jsonl'), '--out', out]),
  );
  log(`written to ${out}/sidebyside.md and ${out}/sidebyside.json`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
main().then(
  () => {
    cleanup();
  },
  (e) => {
    log(e.message);
    if (e.code !== 2) nodeLogTail();
    cleanup();
    process.exitCode = e.code === 2 ? 2 : 1;
  },
);
