// Section 8, the HTTP service (issue 26): a bounded load run against `npm run serve:api` on loopback.
// The service runs as its own process (node + tsx, --quiet, as a user starts it), the load comes from
// this one: N POST /extract requests of real postings (SkillSpan dev, read at run time) at
// concurrency 1, 4 and 16, each level after the same warm-up. Per level: throughput, latency
// p50/p95/p99 (client-side, request sent to response read), the service's own extraction time,
// errors and lost requests (target 0), and the service's RSS before and after (target: flat).
// Then label matching only (--model none) at concurrency 16: the HTTP and JSON cost around the model.
// Stops by itself; N = BENCH_API_REQUESTS (default 150) per level.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSkillSpan } from '../../src/core/evaluation.ts';
import type { BenchContext, SectionResult } from './context.ts';
import { ROOT } from './env.ts';
import { fmtBytes, fmtMs, type Table } from './stats.ts';

const SKILLSPAN_DEV = join(ROOT, '..', 'shared', 'eval', 'skillspan', 'dev.json');
const LEVELS = [1, 4, 16];
const WARMUP = 8;

interface Service {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Starts the service on an ephemeral loopback port and waits until /health says ready. */
async function startService(model: string): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'serve-api.ts'), '--model', model, '--port', '0', '--quiet'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ESCO_API_KEY: '' },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 180_000;
  while (!/^ready:/m.test(stderr)) {
    if (child.exitCode !== null) throw new Error(`serve:api exited with ${child.exitCode}: ${stderr.trim().split('\n').pop()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('serve:api did not get ready in 180 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
  if (!url) throw new Error('serve:api printed no address');
  return { child, url, stderr: () => stderr };
}

async function stopService(s: Service): Promise<number | null> {
  if (s.child.exitCode !== null) return s.child.exitCode;
  const exit = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 30_000);
  const code = await exit;
  clearTimeout(timer);
  return code;
}

/** Resident set size of a process (Linux /proc), bytes. */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface LevelResult {
  concurrency: number;
  requests: number;
  ok: number;
  errors: number;
  lost: number;
  seconds: number;
  latencies: number[];
  extractMs: number[];
  rssBefore: number;
  rssAfter: number;
  /** "503 queue_full" / a network error -> count. */
  errorKinds: Map<string, number>;
}

/** `n` requests, `concurrency` at a time, texts taken in turn; every request is answered or counted. */
async function load(s: Service, texts: string[], n: number, concurrency: number, start: number): Promise<LevelResult> {
  const rssBefore = rssOf(s.child.pid!);
  const latencies: number[] = [];
  const extractMs: number[] = [];
  let ok = 0;
  let errors = 0;
  let answered = 0;
  let next = 0;
  const errorKinds = new Map<string, number>();
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const text = texts[(start + i) % texts.length];
      const t = performance.now();
      try {
        const res = await fetch(`${s.url}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
        const body = (await res.json()) as { skills?: unknown[]; timings?: { extractMs: number }; code?: string };
        answered++;
        if (res.status === 200 && Array.isArray(body.skills)) {
          ok++;
          latencies.push(performance.now() - t);
          if (body.timings) extractMs.push(body.timings.extractMs);
        } else {
          errors++;
          errorKinds.set(`${res.status} ${body.code ?? ''}`, (errorKinds.get(`${res.status} ${body.code ?? ''}`) ?? 0) + 1);
        }
      } catch (e) {
        errors++;
        errorKinds.set((e as Error).message, (errorKinds.get((e as Error).message) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  extractMs.sort((a, b) => a - b);
  return { concurrency, requests: n, ok, errors, lost: n - answered, seconds, latencies, extractMs, rssBefore, rssAfter: rssOf(s.child.pid!), errorKinds };
}

function row(label: string, r: LevelResult): string[] {
  return [
    label,
    String(r.concurrency),
    String(r.requests),
    `${r.errors} / ${r.lost}`,
    (r.ok / r.seconds).toFixed(2),
    fmtMs(percentile(r.latencies, 50)),
    fmtMs(percentile(r.latencies, 95)),
    fmtMs(percentile(r.latencies, 99)),
    fmtMs(percentile(r.extractMs, 50)),
    `${fmtBytes(r.rssBefore)} -> ${fmtBytes(r.rssAfter)}`,
  ];
}

export async function runApi(ctx: BenchContext): Promise<SectionResult> {
  const n = Number(process.env.BENCH_API_REQUESTS ?? 150);
  if (!Number.isInteger(n) || n < 1) throw new Error('BENCH_API_REQUESTS must be a positive integer');
  const postings = parseSkillSpan(readFileSync(SKILLSPAN_DEV, 'utf8'))
    .map((p) => p.text)
    .filter((t) => t.split(/\s+/).length >= 20);
  const words = postings.map((t) => t.split(/\s+/).length).sort((a, b) => a - b);
  const rows: string[][] = [];
  const errorLines: string[] = [];
  const noteErrors = (label: string, r: LevelResult) => {
    if (r.errorKinds.size) errorLines.push(`Errors, ${label} at concurrency ${r.concurrency}: ${[...r.errorKinds].map(([k, v]) => `${v} x ${k}`).join(', ')}.`);
  };
  const facts: Record<string, number> = {};
  let rssStart = NaN;
  let rssEnd = NaN;
  let exitCode: number | null = null;

  const small = await startService('bge-small-en');
  try {
    ctx.log(`api: serve:api bge-small-en at ${small.url}, pid ${small.child.pid}; ${n} requests per level`);
    await load(small, postings, WARMUP, 1, 0);
    rssStart = rssOf(small.child.pid!);
    let offset = WARMUP;
    for (const c of LEVELS) {
      const r = await load(small, postings, n, c, offset);
      offset += n;
      ctx.log(`api: bge-small-en c=${c}: ${(r.ok / r.seconds).toFixed(2)} req/s, p50 ${fmtMs(percentile(r.latencies, 50))} ms, p99 ${fmtMs(percentile(r.latencies, 99))} ms, RSS ${fmtBytes(r.rssAfter)}`);
      rows.push(row('bge-small-en (q8)', r));
      noteErrors('bge-small-en', r);
      facts[`api.bge-small-en.c${c}.rps`] = r.ok / r.seconds;
      facts[`api.bge-small-en.c${c}.p50.ms`] = percentile(r.latencies, 50);
    }
    rssEnd = rssOf(small.child.pid!);
  } finally {
    exitCode = await stopService(small);
  }

  const none = await startService('none');
  try {
    await load(none, postings, WARMUP, 1, 0);
    const r = await load(none, postings, n, 16, WARMUP);
    rows.push(row('none (label matching only)', r));
    noteErrors('none', r);
    facts['api.none.c16.rps'] = r.ok / r.seconds;
  } finally {
    await stopService(none);
  }

  const table: Table = {
    title: '8. HTTP service (npm run serve:api): POST /extract under load, loopback',
    note:
      `The service as its own process (node + tsx, --quiet, default limits: queue 64) on 127.0.0.1; the load from the bench process with fetch, ${n} requests per row, ` +
      `each a real SkillSpan dev posting (${postings.length} postings of ${words[0]}-${words[words.length - 1]} words, median ${words[words.length >> 1]}, taken in turn), after ${WARMUP} warm-up requests. ` +
      'req/s = answered 200s ÷ wall time of the row; latency = request sent to response read, in ms (client-side: queueing behind the one inference queue included); ' +
      'extract = the service\'s own time per text in its queue (median, ms, from the response\'s timings). Errors / lost: non-200 answers / requests never answered (target 0 / 0). ' +
      'RSS of the service process before and after the row (/proc).',
    head: ['Model', 'Concurrency', 'Requests', 'Errors / lost', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'extract p50 ms', 'RSS before -> after'],
    textColumns: 1,
    rows,
    footer: [
      ...errorLines,
      `Service RSS after the warm-up ${fmtBytes(rssStart)}, after the last bge-small-en row ${fmtBytes(rssEnd)}; SIGTERM exit code ${exitCode} (graceful shutdown).`,
    ],
  };
  return { tables: [table], facts };
}
