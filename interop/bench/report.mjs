// Summarises the side-by-side runs (one JSON line per run from js-bench.mjs and
// `sidebyside run`): the median of each phase per side and the ratio JS / Rust, as a markdown
// table on stdout and as sidebyside.json + sidebyside.md in --out.
//
//   node bench/report.mjs --results runs.jsonl --out target/sidebyside
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const TARGET = 10;
const { values: flags } = parseArgs({
  options: { results: { type: 'string' }, out: { type: 'string' } },
});
if (!flags.results || !flags.out) throw new Error('usage: report.mjs --results runs.jsonl --out DIR');

const runs = readFileSync(flags.results, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line));
const js = runs.filter((r) => r.side === 'js');
// Rust runs on a current-thread runtime (the compared configuration; runs written before the
// runtime was recorded have none) and, reported apart, on a multi-thread one.
const rust = runs.filter((r) => r.side === 'rust' && (r.runtime ?? 'current-thread') === 'current-thread');
const rustMulti = runs.filter((r) => r.side === 'rust' && r.runtime === 'multi-thread');
if (!js.length || !rust.length) throw new Error(`need runs of both sides, got ${js.length} JS and ${rust.length} Rust`);

function median(values) {
  const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (n) => (n == null ? '–' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const { conversations, messages, sends } = rust[0];
const phases = [
  { key: 'create_ms', name: 'Client creation (not a target: reported apart)' },
  { key: 'list_ms', name: `cold list of ${conversations} conversations`, target: true },
  { key: 'read_ms', name: `read ${messages.toLocaleString('en-US')} messages`, target: true },
  { key: 'send_ms', name: `send ${sends.toLocaleString('en-US')} messages, sequential`, target: true },
  {
    key: 'send_concurrent_ms',
    jsKey: 'send_ms',
    name: `send ${sends.toLocaleString('en-US')} messages: Rust 16 in flight vs JS sequential`,
  },
  {
    key: 'send_multi_thread_ms',
    field: 'send_ms',
    multi: true,
    name: `send ${sends.toLocaleString('en-US')} messages, sequential: Rust on a multi-thread runtime (block_on)`,
  },
];

const rows = phases
  .map((p) => {
    const jsMs = median(js.map((r) => r[p.jsKey ?? p.field ?? p.key]));
    const rustMs = median((p.multi ? rustMulti : rust).map((r) => r[p.field ?? p.key]));
    const ratio = jsMs != null && rustMs ? jsMs / rustMs : null;
    return { phase: p.name, key: p.key, js_ms: jsMs, rust_ms: rustMs, ratio, target: p.target ? TARGET : null };
  })
  .filter((r) => r.rust_ms != null);

function git(...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
const dirty = git('status', '--porcelain', '--untracked-files=no');
const environment = {
  date: new Date().toISOString(),
  commit: git('rev-parse', '--short', 'HEAD') + (dirty ? ' (uncommitted changes)' : ''),
  cpus: os.cpus().length,
  cpu_model: os.cpus()[0]?.model ?? 'unknown',
  load_average: os.loadavg().map((l) => Number(l.toFixed(2))),
  node: process.version,
  sdk: '@xmtp/xmtp-js 13.0.4',
  runs_per_side: Math.min(js.length, rust.length),
};

const verdict = (r) => (r.target == null ? '' : r.ratio >= r.target ? 'yes' : 'NO');
const table = [
  `Side by side on one node, median of ${environment.runs_per_side} runs per side (${environment.date}, ` +
    `${environment.cpus} CPUs, load ${environment.load_average.join(' ')}, commit ${environment.commit}).`,
  '',
  `| Phase | JS ms | Rust ms | JS / Rust | ≥ ${TARGET}x |`,
  '|---|---:|---:|---:|:---:|',
  ...rows.map(
    (r) => `| ${r.phase} | ${fmt(r.js_ms)} | ${fmt(r.rust_ms)} | ${r.ratio == null ? '–' : `${r.ratio.toFixed(1)}x`} | ${verdict(r)} |`,
  ),
].join('\n');

mkdirSync(flags.out, { recursive: true });
writeFileSync(path.join(flags.out, 'sidebyside.md'), `${table}\n`);
writeFileSync(
  path.join(flags.out, 'sidebyside.json'),
  `${JSON.stringify({ environment, target_ratio: TARGET, phases: rows, runs }, null, 2)}\n`,
);
console.log(table);
