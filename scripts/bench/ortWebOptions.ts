// Section 'ortweb' (issue 15): which onnxruntime-web settings change the browser/native ratio of the
// encoder. The real bge-small-en-v1.5 graphs (as section realmodel) and section 2's bge-m3-shaped
// synthetic layers run on realmodel's batches (the 500-word ad's segments, 16 concept texts, token
// counts from bge-small's tokenizer), each setting varied one at a time from what the app runs on WASM:
// the onnxruntime-web/webgpu build (asyncify WASM), as many threads as src/core/device.ts gives,
// q8, and the session options transformers.js passes (none but the EP, so onnxruntime-web's own
// defaults: graph optimisation 'all', sequential, and, unlike onnxruntime-node, CPU memory arena and
// memory pattern OFF: lib/wasm/session-options.ts passes `!!undefined`). Varied: threads, the WASM
// build (plain, JSPI, JSEP), graphOptimizationLevel, executionMode, enableCpuMemArena /
// enableMemPattern, intra-op spinning, and the dtype (fp32; fp16 and q4 when such graphs exist).
// Every setting of one graph and dtype is timed in interleaved rounds (one pass of each per round),
// so a machine whose load drifts slows all of them alike; Node runs the same effective session
// options beside them. A variant counts as faster or slower only past 10 % of the median with
// non-overlapping min–max.
//
// fp16 / q4 graphs are not produced here (that needs Python's onnx tooling, which the project does not
// depend on). The section looks for them in $ORTWEB_GRAPHS (`bge-small-en-v1.5-{fp16,q4}.onnx`,
// `bge-m3-layers-2-{fp16,q4}.onnx`, the latter made from `bge-m3-layers-2-fp32.onnx`, which must be
// byte-identical to the graph this section generates), else for the real model in its hub folder
// (`onnx/model_fp16.onnx`, `onnx/model_q4.onnx`, the files transformers.js loads for those dtypes),
// e.g. onnxruntime.transformers.float16.convert_float_to_float16(m, keep_io_types=True) (not
// onnxconverter_common's: it leaves the exporter's Cast-to-float nodes typed float, an invalid graph)
// and onnxruntime.quantization.matmul_nbits_quantizer.MatMulNBitsQuantizer(m, block_size=32,
// is_symmetric=True). Missing ones are listed as n/a.
// For focused reruns: ORTWEB_SUBJECTS=bge-small-en-v1.5,bge-m3-layers-2 picks the graphs and
// ORTWEB_ONLY=arena-pattern,build-plain,fp16/app the variants (the app rows always run).
//
// The bench page's own inference worker takes no session options, so this section ships its worker
// as a source string (served from the scratch folder's /files/ route, cross-origin isolated like the
// page) and drives it through page.evaluate strings (tsx-compiled functions carry esbuild's __name).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { wasmThreads } from '../../src/core/device.ts';
import { BGE_SMALL_EN } from '../../src/core/models.ts';
import { loadTaxonomyAsset } from '../precompute.ts';
import { MODELS_DIR, provisionedModel } from '../fetch-models.ts';
import type { BenchContext, BenchPage, SectionResult } from './context.ts';
import { ROOT } from './env.ts';
import { LAYERS, workloadsFrom, type Workload } from './inference.ts';
import { BGE_M3_LAYER, encoderModel } from './onnxModels.ts';
import { loadOrtNode } from './ortNode.ts';
import { fmtMs, fmtRate, fmtRatio, fmtSample, summarize, type Sample, type Table } from './stats.ts';
import { measureTextWorkloads } from './textWorkloads.ts';
import { encodeBatch, paddedTokens, realTokens } from './workloads.ts';

const SPEC = BGE_SMALL_EN;
const ORT_DIST = join(ROOT, 'node_modules', 'onnxruntime-web', 'dist');

export type Build = 'asyncify' | 'plain' | 'jspi' | 'jsep';
/** onnxruntime-web's JS entry and WASM pair per build (dist/, served by the bench server under /ort/). */
const BUILDS: Record<Build, { module: string; wasm: string; mjs: string; what: string }> = {
  asyncify: { module: 'ort.webgpu.min.mjs', wasm: 'ort-wasm-simd-threaded.asyncify.wasm', mjs: 'ort-wasm-simd-threaded.asyncify.mjs', what: 'onnxruntime-web/webgpu, asyncify WASM (the app, via transformers.js)' },
  plain: { module: 'ort.wasm.min.mjs', wasm: 'ort-wasm-simd-threaded.wasm', mjs: 'ort-wasm-simd-threaded.mjs', what: 'onnxruntime-web/wasm, CPU-only WASM' },
  jspi: { module: 'ort.jspi.min.mjs', wasm: 'ort-wasm-simd-threaded.jspi.wasm', mjs: 'ort-wasm-simd-threaded.jspi.mjs', what: 'onnxruntime-web/jspi, JSPI WASM' },
  jsep: { module: 'ort.all.min.mjs', wasm: 'ort-wasm-simd-threaded.jsep.wasm', mjs: 'ort-wasm-simd-threaded.jsep.mjs', what: 'onnxruntime-web/all, JSEP WASM' },
};

/** Session options as onnxruntime-web reads them (undefined = its default; see the header). */
export interface WebSessionOptions {
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  executionMode?: 'sequential' | 'parallel';
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  extra?: { session: Record<string, string> };
}

export type Dtype = 'q8' | 'fp32' | 'fp16' | 'q4';

export interface Variant {
  key: string;
  /** Which setting it varies ('app' for the app's own settings). */
  option: string;
  value: string;
  build: Build;
  /** null: the app's thread count. */
  threads: number | null;
  options: WebSessionOptions;
  dtype: Dtype;
}

/** The app's settings for a dtype, and one variant per setting changed from them. */
export function variantsFor(dtype: Dtype, appBuild: Build = 'asyncify'): Variant[] {
  const base = { build: appBuild, threads: null, options: {}, dtype } as const;
  const v = (key: string, option: string, value: string, over: Partial<Omit<Variant, 'key' | 'option' | 'value'>>): Variant => ({ ...base, ...over, key: `${dtype}/${key}`, option, value });
  return [
    v('app', 'app settings', 'asyncify build, app threads, ORT-web defaults', {}),
    v('threads-1', 'numThreads', '1', { threads: 1 }),
    v('build-plain', 'WASM build', 'plain (ort.wasm)', { build: 'plain' }),
    v('build-jspi', 'WASM build', 'JSPI (ort.jspi)', { build: 'jspi' }),
    v('build-jsep', 'WASM build', 'JSEP (ort.all)', { build: 'jsep' }),
    v('graph-disabled', 'graphOptimizationLevel', 'disabled', { options: { graphOptimizationLevel: 'disabled' } }),
    v('graph-basic', 'graphOptimizationLevel', 'basic', { options: { graphOptimizationLevel: 'basic' } }),
    v('graph-extended', 'graphOptimizationLevel', 'extended', { options: { graphOptimizationLevel: 'extended' } }),
    v('exec-parallel', 'executionMode', 'parallel', { options: { executionMode: 'parallel' } }),
    v('arena', 'enableCpuMemArena', 'true', { options: { enableCpuMemArena: true } }),
    v('pattern', 'enableMemPattern', 'true', { options: { enableMemPattern: true } }),
    v('arena-pattern', 'enableCpuMemArena + enableMemPattern', 'true + true (onnxruntime-node default)', { options: { enableCpuMemArena: true, enableMemPattern: true } }),
    v('no-spin', 'session.intra_op.allow_spinning', "'0'", { options: { extra: { session: { 'intra_op.allow_spinning': '0' } } } }),
  ];
}

/** onnxruntime-node options with the same effect as a web variant (web's undefined booleans are false). */
export function nodeOptionsFor(v: Variant, threads: number): Record<string, unknown> {
  const o = v.options;
  return {
    graphOptimizationLevel: o.graphOptimizationLevel ?? 'all',
    executionMode: o.executionMode ?? 'sequential',
    enableCpuMemArena: !!o.enableCpuMemArena,
    enableMemPattern: !!o.enableMemPattern,
    intraOpNumThreads: v.threads ?? threads,
    ...(o.extra ? { extra: { session: { ...o.extra.session } } } : {}),
  };
}

/** 'faster' / 'slower' only past 10 % of the median with non-overlapping min–max; else 'within noise'. */
export function verdict(v: Sample, base: Sample): string {
  if (!Number.isFinite(v.median) || !Number.isFinite(base.median)) return 'n/a';
  const d = v.median / base.median - 1;
  if (d <= -0.1 && v.max < base.min) return 'faster';
  if (d >= 0.1 && v.min > base.max) return 'slower';
  return 'within noise';
}

function pct(v: number, base: number): string {
  if (!Number.isFinite(v) || !Number.isFinite(base)) return 'n/a';
  const d = (v / base - 1) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(0)} %`;
}

function meanCosine(a: number[][], b: number[][]): number {
  if (!a.length || a.length !== b.length) return NaN;
  let sum = 0;
  for (let r = 0; r < a.length; r++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = 0; j < a[r].length; j++) {
      dot += a[r][j] * b[r][j];
      na += a[r][j] * a[r][j];
      nb += b[r][j] * b[r][j];
    }
    sum += dot / Math.sqrt(na * nb);
  }
  return sum / a.length;
}

// ---------------------------------------------------------------------------------------------
// In-page code (JavaScript source on purpose: see the header)

/** The section's worker: one onnxruntime-web build and thread count, any number of sessions. */
const WORKER_JS = `
let ort;
const sessions = new Map();
function feedsOf(names, e) {
  const dims = [e.batch, e.seq];
  const f = {};
  for (const n of names) {
    if (n === 'input_ids') f[n] = new ort.Tensor('int64', BigInt64Array.from(e.ids, BigInt), dims);
    else if (n === 'attention_mask') f[n] = new ort.Tensor('int64', BigInt64Array.from(e.mask, BigInt), dims);
    else if (n === 'token_type_ids') f[n] = new ort.Tensor('int64', new BigInt64Array(e.batch * e.seq), dims);
    else throw new Error('the graph has an input "' + n + '" the benchmark cannot fill');
  }
  return f;
}
async function handle(m) {
  if (m.type === 'init') {
    ort = await import(m.module);
    ort.env.wasm.wasmPaths = { wasm: m.wasm, mjs: m.mjs };
    ort.env.wasm.numThreads = m.numThreads;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    return { crossOriginIsolated: self.crossOriginIsolated };
  }
  if (m.type === 'session') {
    const t = performance.now();
    const bytes = new Uint8Array(await (await fetch(m.url)).arrayBuffer());
    const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], logSeverityLevel: 3, ...m.options });
    const ms = performance.now() - t;
    const feeds = {};
    for (const w of m.workloads) feeds[w.name] = w.batches.map((e) => feedsOf(s.inputNames, e));
    sessions.set(m.key, { s, feeds });
    // The first token's vector of each row of the first batch: agreement across dtypes and options.
    const out = await s.run(feeds[m.workloads[0].name][0]);
    const name = s.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : s.outputNames[0];
    const y = out[name];
    const [b, seq, d] = y.dims;
    const cls = [];
    for (let r = 0; r < b; r++) cls.push(Array.from(y.data.subarray(r * seq * d, r * seq * d + d)));
    for (const t of Object.values(out)) t.dispose();
    return { ms, inputs: [...s.inputNames], cls };
  }
  if (m.type === 'time') {
    const x = sessions.get(m.key);
    const t = performance.now();
    for (const f of x.feeds[m.workload]) {
      const out = await x.s.run(f);
      for (const v of Object.values(out)) v.dispose();
    }
    return performance.now() - t;
  }
  if (m.type === 'release') {
    for (const x of sessions.values()) await x.s.release();
    sessions.clear();
    return null;
  }
  throw new Error('unknown message ' + m.type);
}
self.onmessage = (e) => {
  handle(e.data.msg).then(
    (result) => self.postMessage({ seq: e.data.seq, ok: true, result }),
    (err) => self.postMessage({ seq: e.data.seq, ok: false, error: String((err && err.message) || err) }),
  );
};
`;

/** Page-side RPC to the section's workers: window.__ortweb.{spawn, call, terminate}. */
const PAGE_RPC_JS = `(() => {
  if (window.__ortweb) return true;
  const workers = new Map();
  const pending = new Map();
  let next = 0;
  let seq = 0;
  const failAll = (id, why) => {
    for (const [s, p] of pending) if (p.id === id) { pending.delete(s); p.reject(new Error(why)); }
  };
  window.__ortweb = {
    spawn(url) {
      const id = ++next;
      const w = new Worker(url, { type: 'module' });
      w.onmessage = (e) => {
        const p = pending.get(e.data.seq);
        if (!p) return;
        pending.delete(e.data.seq);
        if (e.data.ok) p.resolve(e.data.result); else p.reject(new Error(e.data.error));
      };
      w.onerror = (e) => failAll(id, 'worker failed: ' + (e.message || 'error'));
      workers.set(id, w);
      return id;
    },
    call(id, msg) {
      const w = workers.get(id);
      if (!w) return Promise.reject(new Error('no worker ' + id));
      return new Promise((resolve, reject) => {
        const s = ++seq;
        pending.set(s, { id, resolve, reject });
        w.postMessage({ seq: s, msg });
      });
    },
    terminate(id) {
      failAll(id, 'terminated');
      workers.get(id)?.terminate();
      workers.delete(id);
      return true;
    },
  };
  return true;
})()`;

// ---------------------------------------------------------------------------------------------
// Graphs

interface Graph {
  dtype: Dtype;
  /** Bench server path for Chromium. */
  path: string;
  /** File for onnxruntime-node. */
  file: string;
  origin: string;
}

interface Subject {
  name: string;
  title: string;
  vocab: number;
  graphs: Partial<Record<Dtype, Graph>>;
  missing: string[];
}

/** A comma-separated environment variable as a list; undefined when unset or empty. */
function listEnv(name: string): string[] | undefined {
  const list = (process.env[name] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  return list.length ? list : undefined;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** An offline-made fp16/q4 graph: $ORTWEB_GRAPHS/<prefix>-<dtype>.onnx, else `fallback` (if given). */
function extraGraph(ctx: BenchContext, prefix: string, dtype: 'fp16' | 'q4', fallback?: string): { path: string; file: string; origin: string } | string {
  const dir = process.env.ORTWEB_GRAPHS;
  const candidates = [...(dir ? [join(dir, `${prefix}-${dtype}.onnx`)] : []), ...(fallback ? [fallback] : [])];
  const found = candidates.find((f) => existsSync(f));
  if (!found) return `${dtype}: n/a: no graph (looked for ${candidates.length ? candidates.join(', ') : `$ORTWEB_GRAPHS/${prefix}-${dtype}.onnx (ORTWEB_GRAPHS unset)`})`;
  const name = `ortweb-${prefix}-${dtype}.onnx`;
  copyFileSync(found, join(ctx.filesDir, name));
  return { path: `/files/${name}`, file: found, origin: found };
}

function subjects(ctx: BenchContext): { list: Subject[]; notes: string[] } {
  const list: Subject[] = [];
  const notes: string[] = [];
  if (provisionedModel(SPEC.id)) {
    const dir = join(MODELS_DIR, SPEC.id);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { vocab_size: number };
    const s: Subject = {
      name: 'bge-small-en-v1.5',
      title: `real ${SPEC.id} (12 layers, hidden 384)`,
      vocab: config.vocab_size,
      graphs: {
        q8: { dtype: 'q8', path: `/models/${SPEC.id}/onnx/model_quantized.onnx`, file: join(dir, 'onnx/model_quantized.onnx'), origin: 'onnx/model_quantized.onnx (provisioned)' },
        fp32: { dtype: 'fp32', path: `/models/${SPEC.id}/onnx/model.onnx`, file: join(dir, 'onnx/model.onnx'), origin: 'onnx/model.onnx (provisioned)' },
      },
      missing: [],
    };
    for (const d of ['fp16', 'q4'] as const) {
      const g = extraGraph(ctx, s.name, d, join(dir, `onnx/model_${d}.onnx`));
      if (typeof g === 'string') s.missing.push(g);
      else s.graphs[d] = { dtype: d, ...g };
    }
    list.push(s);
  } else notes.push(`${SPEC.id}: n/a: not provisioned in ${MODELS_DIR} (npm run models:fetch -- bge-small-en)`);

  const shape = { ...BGE_M3_LAYER, layers: LAYERS };
  const m3: Subject = { name: `bge-m3-layers-${LAYERS}`, title: `${LAYERS} synthetic bge-m3-shaped layers (hidden 1024, FFN 4096; section 2's graph)`, vocab: shape.vocab, graphs: {}, missing: [] };
  let fp32Sha = '';
  for (const d of ['fp32', 'q8'] as const) {
    const bytes = encoderModel(shape, d === 'q8');
    const name = `ortweb-${m3.name}-${d}.onnx`;
    writeFileSync(join(ctx.filesDir, name), bytes);
    if (d === 'fp32') fp32Sha = sha256(bytes);
    m3.graphs[d] = { dtype: d, path: `/files/${name}`, file: join(ctx.filesDir, name), origin: 'scripts/bench/onnxModels.ts' };
  }
  const dir = process.env.ORTWEB_GRAPHS;
  const source = dir ? join(dir, `${m3.name}-fp32.onnx`) : '';
  const sourceOk = source !== '' && existsSync(source) && sha256(readFileSync(source)) === fp32Sha;
  for (const d of ['fp16', 'q4'] as const) {
    if (!sourceOk) {
      m3.missing.push(`${d}: n/a: needs $ORTWEB_GRAPHS/${m3.name}-${d}.onnx made from ${m3.name}-fp32.onnx byte-identical to this section's graph${source && existsSync(source) ? ' (the one there differs)' : ''}`);
      continue;
    }
    const g = extraGraph(ctx, m3.name, d);
    if (typeof g === 'string') m3.missing.push(g);
    else m3.graphs[d] = { dtype: d, ...g, origin: `${g.origin} (from the same fp32 graph, checked by SHA-256)` };
  }
  list.push(m3);
  return { list, notes };
}

// ---------------------------------------------------------------------------------------------
// Other processes' CPU use (Linux /proc). This machine is shared: a pass that ran while other work
// took CPU measures the neighbours, not the setting. Each timed unit (one setting, all workloads)
// waits for a quiet CPU first and is redone (up to RETRIES times) when others took more than
// BUSY_CORES of it meanwhile; what still ran busy is counted in the table's footer.

const QUIET_CORES = 0.2;
const BUSY_CORES = 0.3;
const RETRIES = 2;
const MAX_WAIT_MS = 10_000;
/** Waiting stops for good after this much in one table: on a machine that never calms down, the figures then carry the load (counted). */
const WAIT_BUDGET_MS = 8 * 60_000;

interface CpuSnapshot {
  /** Non-idle and all jiffies of the whole machine. */
  busy: number;
  total: number;
  /** utime + stime of this process and its descendants (Chromium included). */
  own: number;
}

/** utime + stime per pid and the parent links, from /proc/<pid>/stat. */
function processTable(): { ppid: Map<number, number>; cpu: Map<number, number> } {
  const ppid = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ppid.set(Number(d), Number(f[1]));
    cpu.set(Number(d), Number(f[11]) + Number(f[12]));
  }
  return { ppid, cpu };
}

export class CpuGate {
  readonly enabled = existsSync('/proc/stat');
  units = 0;
  retried = 0;
  busyKept = 0;
  waitedMs = 0;

  constructor(private readonly cores: number = availableParallelism()) {}

  private snapshot(): CpuSnapshot {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const { ppid, cpu } = processTable();
    const children = new Map<number, number[]>();
    for (const [pid, parent] of ppid) children.set(parent, [...(children.get(parent) ?? []), pid]);
    let own = 0;
    const todo = [process.pid];
    while (todo.length) {
      const pid = todo.pop()!;
      own += cpu.get(pid) ?? 0;
      todo.push(...(children.get(pid) ?? []));
    }
    return { busy: total - idle, total, own };
  }

  /** Cores' worth of CPU that other processes used between two snapshots. */
  private foreign(a: CpuSnapshot, b: CpuSnapshot): number {
    const total = b.total - a.total;
    if (total <= 0) return 0;
    return (Math.max(0, b.busy - a.busy - (b.own - a.own)) / total) * this.cores;
  }

  /** Cores' worth of CPU other processes used while `fn` ran. */
  async foreignDuring(fn: () => Promise<unknown>): Promise<number> {
    const a = this.snapshot();
    await fn();
    return this.foreign(a, this.snapshot());
  }

  private get patient(): boolean {
    return this.waitedMs < WAIT_BUDGET_MS;
  }

  private async waitQuiet(): Promise<void> {
    if (!this.patient) return;
    const t0 = performance.now();
    while (performance.now() - t0 < MAX_WAIT_MS) {
      const a = this.snapshot();
      await new Promise((r) => setTimeout(r, 300));
      if (this.foreign(a, this.snapshot()) < QUIET_CORES) break;
      await new Promise((r) => setTimeout(r, 700));
    }
    this.waitedMs += performance.now() - t0;
  }

  /** Runs one timed unit on a quiet CPU where it can; returns its result. */
  async run<T>(unit: () => Promise<T>): Promise<T> {
    if (!this.enabled) return unit();
    this.units++;
    for (let attempt = 0; ; attempt++) {
      await this.waitQuiet();
      const a = this.snapshot();
      const value = await unit();
      if (this.foreign(a, this.snapshot()) <= BUSY_CORES) return value;
      if (attempt === RETRIES || !this.patient) {
        this.busyKept++;
        return value;
      }
      this.retried++;
    }
  }

  summary(): string {
    if (!this.enabled) return 'no /proc: passes were not checked for other processes\' CPU use';
    return (
      `${this.units} timed units (one setting, all workloads); each waited for other processes to use under ${QUIET_CORES} core (${(this.waitedMs / 1000).toFixed(0)} s waited in all), ` +
      `${this.retried} redone because others took over ${BUSY_CORES} core meanwhile, ${this.busyKept} kept busy after ${RETRIES} retries`
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Runs

type Encoded = { name: string; batches: { batch: number; seq: number; ids: number[]; mask: number[] }[] };

function encoded(workloads: Workload[], vocab: number): Encoded[] {
  return workloads.map((w) => ({
    name: w.name,
    batches: w.batches.map((b) => {
      const e = encodeBatch(b, vocab);
      return { batch: e.batch, seq: e.seq, ids: Array.from(e.ids, Number), mask: Array.from(e.mask, Number) };
    }),
  }));
}

interface Result {
  /** workload -> sample */
  samples: Map<string, Sample>;
  sessionMs: number;
  cls: number[][];
  error?: string;
}

/** Chromium: the given variants of one subject, all sessions alive, timed in interleaved rounds. */
async function runBrowser(ctx: BenchContext, gate: CpuGate, bench: BenchPage, subject: Subject, variants: Variant[], workloads: Workload[], rounds: number, appThreads: number): Promise<Map<string, Result>> {
  const page = bench.page;
  const js = (expr: string) => page.evaluate(expr);
  await js(PAGE_RPC_JS);
  const workerUrl = new URL('/files/ortweb-worker.mjs', bench.url).href;
  const results = new Map<string, Result>();
  const workers = new Map<string, number>();
  const enc = encoded(workloads, subject.vocab);
  const live: Variant[] = [];
  try {
    for (const v of variants) {
      const graph = subject.graphs[v.dtype];
      if (!graph) continue;
      const threads = v.threads ?? appThreads;
      const wkey = `${v.build}/${threads}`;
      try {
        let id = workers.get(wkey);
        if (id === undefined) {
          id = (await js(`window.__ortweb.spawn(${JSON.stringify(workerUrl)})`)) as number;
          workers.set(wkey, id);
          const b = BUILDS[v.build];
          const u = (f: string) => new URL(`/ort/${f}`, bench.url).href;
          await js(`window.__ortweb.call(${id}, ${JSON.stringify({ type: 'init', module: u(b.module), wasm: u(b.wasm), mjs: u(b.mjs), numThreads: threads })})`);
        }
        const msg = { type: 'session', key: v.key, url: new URL(graph.path, bench.url).href, options: v.options, workloads: enc };
        const r = (await js(`window.__ortweb.call(${id}, ${JSON.stringify(msg)})`)) as { ms: number; cls: number[][] };
        results.set(v.key, { samples: new Map(), sessionMs: r.ms, cls: r.cls });
        live.push(v);
      } catch (e) {
        const error = e instanceof Error ? e.message.split('\n')[0] : String(e);
        ctx.log(`ortweb (chromium) ${subject.name} ${v.key}: ${error}`);
        results.set(v.key, { samples: new Map(), sessionMs: NaN, cls: [], error });
      }
    }
    const times = new Map<string, number[]>();
    // Round 0 is the warm-up; the start rotates so no variant always follows the same one.
    for (let round = 0; round <= rounds; round++) {
      for (let i = 0; i < live.length; i++) {
        const v = live[(i + round) % live.length];
        const id = workers.get(`${v.build}/${v.threads ?? appThreads}`)!;
        const unit = async (): Promise<Map<string, number>> => {
          const ms = new Map<string, number>();
          for (const w of workloads) {
            try {
              ms.set(w.name, (await js(`window.__ortweb.call(${id}, ${JSON.stringify({ type: 'time', key: v.key, workload: w.name })})`)) as number);
            } catch (e) {
              const r = results.get(v.key)!;
              r.error ??= e instanceof Error ? e.message.split('\n')[0] : String(e);
            }
          }
          return ms;
        };
        const ms = round > 0 ? await gate.run(unit) : await unit();
        if (round > 0) for (const [w, t] of ms) times.set(`${v.key}|${w}`, [...(times.get(`${v.key}|${w}`) ?? []), t]);
      }
    }
    for (const v of live) {
      for (const w of workloads) results.get(v.key)!.samples.set(w.name, summarize(times.get(`${v.key}|${w.name}`) ?? []));
      ctx.log(`ortweb (chromium) ${subject.name} ${v.key}: ${workloads.map((w) => `${w.name} ${(times.get(`${v.key}|${w.name}`) ?? []).map((t) => t.toFixed(0)).join(' ')}`).join('; ')} ms`);
    }
  } finally {
    for (const id of workers.values()) {
      await js(`window.__ortweb.call(${id}, {type:'release'})`).catch(() => {});
      await js(`window.__ortweb.terminate(${id})`).catch(() => {});
    }
  }
  return results;
}

/** onnxruntime-node: `options` key -> result, same interleaving. */
async function runNode(ctx: BenchContext, gate: CpuGate, subject: Subject, sessions: { key: string; dtype: Dtype; options: Record<string, unknown> }[], workloads: Workload[], rounds: number): Promise<Map<string, Result>> {
  const ort = await loadOrtNode();
  const results = new Map<string, Result>();
  type Live = { key: string; session: Awaited<ReturnType<typeof ort.InferenceSession.create>>; feeds: Map<string, Record<string, InstanceType<typeof ort.Tensor>>[]> };
  const live: Live[] = [];
  try {
    for (const s of sessions) {
      const graph = subject.graphs[s.dtype];
      if (!graph) continue;
      try {
        const t = performance.now();
        const session = await ort.InferenceSession.create(graph.file, s.options as Parameters<typeof ort.InferenceSession.create>[1]);
        const sessionMs = performance.now() - t;
        const feeds = new Map<string, Record<string, InstanceType<typeof ort.Tensor>>[]>();
        for (const w of workloads) {
          feeds.set(
            w.name,
            w.batches.map((b) => {
              const e = encodeBatch(b, subject.vocab);
              const dims = [e.batch, e.seq];
              const f: Record<string, InstanceType<typeof ort.Tensor>> = {};
              for (const n of session.inputNames) {
                if (n === 'input_ids') f[n] = new ort.Tensor('int64', e.ids, dims);
                else if (n === 'attention_mask') f[n] = new ort.Tensor('int64', e.mask, dims);
                else if (n === 'token_type_ids') f[n] = new ort.Tensor('int64', new BigInt64Array(e.batch * e.seq), dims);
                else throw new Error(`the graph has an input "${n}" the benchmark cannot fill`);
              }
              return f;
            }),
          );
        }
        results.set(s.key, { samples: new Map(), sessionMs, cls: [] });
        live.push({ key: s.key, session, feeds });
      } catch (e) {
        const error = e instanceof Error ? e.message.split('\n')[0] : String(e);
        ctx.log(`ortweb (node) ${subject.name} ${s.key}: ${error}`);
        results.set(s.key, { samples: new Map(), sessionMs: NaN, cls: [], error });
      }
    }
    const times = new Map<string, number[]>();
    for (let round = 0; round <= rounds; round++) {
      for (let i = 0; i < live.length; i++) {
        const x = live[(i + round) % live.length];
        const unit = async (): Promise<Map<string, number>> => {
          const ms = new Map<string, number>();
          for (const w of workloads) {
            const t = performance.now();
            for (const f of x.feeds.get(w.name)!) await x.session.run(f);
            ms.set(w.name, performance.now() - t);
          }
          return ms;
        };
        const ms = round > 0 ? await gate.run(unit) : await unit();
        if (round > 0) for (const [w, t] of ms) times.set(`${x.key}|${w}`, [...(times.get(`${x.key}|${w}`) ?? []), t]);
      }
    }
    for (const x of live) for (const w of workloads) results.get(x.key)!.samples.set(w.name, summarize(times.get(`${x.key}|${w.name}`) ?? []));
  } finally {
    for (const x of live) await x.session.release();
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// The section

/**
 * Fetch + compile of each onnxruntime-web binary in a page (interleaved rounds, no HTTP cache): the
 * part of a model's first session that the binary decides, which is why the app's engine starts the
 * WASM-only build where it will not use WebGPU (workers/engine.ts startOrtRuntime).
 */
async function compileTable(bench: BenchPage, rounds: number, facts: Record<string, number>): Promise<Table> {
  const builds = Object.keys(BUILDS) as Build[];
  const times = new Map<Build, number[]>(builds.map((b) => [b, []]));
  const browser = bench.page.context().browser();
  if (!browser) throw new Error('the bench page has no browser to open fresh contexts in');
  for (let round = 0; round <= rounds; round++) {
    for (const b of builds) {
      // A fresh context (its own renderer process): V8 keeps compiled modules per process, so a
      // second compile of the same bytes in one page would measure that cache, not the compiler.
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(bench.url);
        const url = new URL(`/ort/${BUILDS[b].wasm}`, bench.url).href;
        const ms = (await page.evaluate(
          `(async () => { const t = performance.now(); await WebAssembly.compileStreaming(fetch(${JSON.stringify(url)}, { cache: 'no-store' })); return performance.now() - t; })()`,
        )) as number;
        if (round > 0) times.get(b)!.push(ms); // round 0 warms the server and the disk cache
      } finally {
        await context.close();
      }
    }
  }
  const rows = builds.map((b) => {
    const sample = summarize(times.get(b)!);
    facts[`ortweb.compile.${b}.ms`] = sample.median;
    const app = b === 'asyncify' ? 'the app on WebGPU (and its WASM fallback)' : b === 'plain' ? 'the app on WASM' : 'not used (transformers.js imports onnxruntime-web/webgpu)';
    return [BUILDS[b].wasm, `${(statSync(join(ORT_DIST, BUILDS[b].wasm)).size / 1e6).toFixed(1)} MB`, fmtSample(sample), app];
  });
  return {
    title: '2h. onnxruntime-web binaries: size and fetch + compile in Chromium',
    note: `WebAssembly.compileStreaming(fetch(url, { cache: 'no-store' })) in a fresh browser context per measurement (no compiled module kept from the last one), from the local bench server; median (min–max) of ${rounds} interleaved rounds after a warm-up round. A model's first session in a worker pays this once before its graph loads.`,
    textColumns: 2,
    head: ['Binary', 'Size', 'fetch + compile ms', 'Used by'],
    rows,
  };
}

export async function runOrtWebOptions(ctx: BenchContext): Promise<SectionResult> {
  const rounds = Math.max(3, ctx.runs);
  const texts = await measureTextWorkloads(500, loadTaxonomyAsset(), SPEC.id);
  const workloads = workloadsFrom(texts, SPEC.maxLength);
  const [seg, con] = workloads;
  const segReal = realTokens(seg.batches);
  const { list, notes } = subjects(ctx);
  writeFileSync(join(ctx.filesDir, 'ortweb-worker.mjs'), WORKER_JS);
  const bench = await ctx.page();
  const env = (await bench.page.evaluate('({ hc: navigator.hardwareConcurrency, coi: globalThis.crossOriginIsolated })')) as { hc: number; coi: boolean };
  const appThreads = wasmThreads(env.hc, env.coi);
  const shapes = workloads.map((w) => `${w.name}: ${w.batches.map((b) => `${b.lengths.length}x${Math.max(...b.lengths)}`).join(', ')}`).join('; ');
  const facts: Record<string, number> = {};
  const tables: Table[] = [];

  const compile = await compileTable(bench, rounds, facts);

  const pickSubjects = listEnv('ORTWEB_SUBJECTS');
  const only = listEnv('ORTWEB_ONLY');
  const keep = (v: Variant): boolean => !only || v.key === 'q8/app' || v.key === 'fp32/app' || only.includes(v.key) || only.includes(v.key.split('/')[1]);
  for (const subject of list.filter((s) => !pickSubjects || pickSubjects.includes(s.name))) {
    // Group 1: every setting on q8 (the app's WASM dtype) plus the other dtypes with the app's settings;
    // group 2: every setting on fp32. Each group's sessions live together and are timed interleaved.
    const groups: Variant[][] = [
      [...variantsFor('q8'), ...(['fp32', 'fp16', 'q4'] as const).map((d) => variantsFor(d)[0])].filter(keep),
      variantsFor('fp32').filter(keep),
    ];
    const loadBefore = loadavg()[0];
    const gate = new CpuGate();
    const web = new Map<string, Result>();
    const node = new Map<string, Result>();
    for (const group of groups) {
      const present = group.filter((v) => subject.graphs[v.dtype]);
      ctx.log(`ortweb: ${subject.name}: ${present.length} Chromium settings (${[...new Set(present.map((v) => v.dtype))].join(', ')}), ${rounds} interleaved rounds`);
      // Node: the distinct effective options of the group, plus onnxruntime-node's own defaults per dtype.
      const nodeSessions = new Map<string, { key: string; dtype: Dtype; options: Record<string, unknown> }>();
      for (const v of present) {
        const options = nodeOptionsFor(v, appThreads);
        const key = `${v.dtype}|${JSON.stringify(options)}`;
        nodeSessions.set(key, { key, dtype: v.dtype, options });
        nodeSessions.set(`${v.dtype}|default`, { key: `${v.dtype}|default`, dtype: v.dtype, options: {} });
      }
      for (const [k, r] of await runNode(ctx, gate, subject, [...nodeSessions.values()], workloads, rounds)) node.set(k, r);
      for (const [k, r] of await runBrowser(ctx, gate, bench, subject, present, workloads, rounds, appThreads)) web.set(k, r);
    }

    const none = summarize([]);
    const wSample = (key: string, w: Workload) => web.get(key)?.samples.get(w.name) ?? none;
    const nSample = (key: string, w: Workload) => node.get(key)?.samples.get(w.name) ?? none;
    const rows: string[][] = [];
    const rowFor = (v: Variant, baseKey: string, cosRef: string): string[] => {
      const r = web.get(v.key);
      const nodeKey = `${v.dtype}|${JSON.stringify(nodeOptionsFor(v, appThreads))}`;
      const s = wSample(v.key, seg);
      const c = wSample(v.key, con);
      const nd = nSample(`${v.dtype}|default`, seg);
      const ns = nSample(nodeKey, seg);
      const cos = meanCosine(r?.cls ?? [], web.get(cosRef)?.cls ?? []);
      facts[`ortweb.${subject.name}.${v.key}.segments.browser.ms`] = s.median;
      facts[`ortweb.${subject.name}.${v.key}.segments.nodeSameOptions.ms`] = ns.median;
      if (r?.error && !Number.isFinite(s.median)) {
        return [v.option, v.value, v.dtype, `n/a: ${r.error}`, '', '', '', '', '', fmtSample(ns), '', '', ''];
      }
      return [
        v.option,
        v.value,
        v.dtype,
        fmtSample(s),
        fmtRate(segReal / (s.median / 1000), 'tok/s'),
        v.key === baseKey ? '—' : pct(s.median, wSample(baseKey, seg).median),
        fmtSample(c),
        v.key === baseKey ? '—' : pct(c.median, wSample(baseKey, con).median),
        fmtMs(r?.sessionMs ?? NaN),
        fmtSample(ns),
        fmtRatio(s.median / nd.median),
        Number.isFinite(cos) ? cos.toFixed(4) : 'n/a',
        v.key === baseKey ? 'app setting' : verdict(s, wSample(baseKey, seg)),
      ];
    };
    for (const v of groups[0].filter((x) => subject.graphs[x.dtype])) rows.push(rowFor(v, 'q8/app', 'fp32/app'));
    for (const v of groups[1].filter((x) => subject.graphs[x.dtype] && x.key !== 'fp32/app')) rows.push(rowFor(v, 'fp32/app', 'fp32/app'));
    const nodeDefaults = (['q8', 'fp32', 'fp16', 'q4'] as const)
      .filter((d) => subject.graphs[d])
      .map((d) => `${d} ${fmtSample(nSample(`${d}|default`, seg))} ms (${fmtRate(segReal / (nSample(`${d}|default`, seg).median / 1000), 'tok/s')})${node.get(`${d}|default`)?.error ? ` n/a: ${node.get(`${d}|default`)?.error}` : ''}`)
      .join('; ');
    tables.push({
      title: `2f. onnxruntime-web settings, one at a time: ${subject.title}`,
      note:
        `Rows: the app's WASM settings (${BUILDS.asyncify.what}, ${appThreads} threads as src/core/device.ts gives this page (crossOriginIsolated ${env.coi}, ${env.hc} logical cores), ` +
        `session options as transformers.js passes them: graph 'all', sequential, arena and memory pattern off), then each setting changed alone; the q8 rows first (the app's WASM dtype), then the same settings on fp32 (compared with fp32's app row). ` +
        `Graphs: ${Object.values(subject.graphs).map((g) => `${g.dtype} ${g.origin}`).join('; ')}. Batches (rows x padded length) — ${shapes} (${segReal} / ${paddedTokens(seg.batches)} real / padded segment tokens). ` +
        `ms = median (min–max) of ${rounds} interleaved rounds after a warm-up round, Chromium in a worker, onnxruntime-web WASM; "vs app" compares with the app row of the same dtype (q8 app for fp32/fp16/q4 rows in the first block). ` +
        `Node same options: onnxruntime-node with the same effective options and intra-op threads (the web build does not apply); ratio = Chromium ÷ onnxruntime-node with its own defaults (arena, memory pattern on, one thread per core). ` +
        `cos vs fp32: mean cosine of the first-token vectors of the first segment batch against Chromium fp32 with the app settings. Verdict: faster / slower past 10 % of the median with non-overlapping min–max, else within noise.`,
      textColumns: 3,
      head: ['Setting', 'Value', 'dtype', 'Chromium ad ms', 'Chromium ad tok/s', 'vs app', 'Chromium concepts ms', 'vs app', 'session ms', 'Node same options ad ms', 'Chromium ÷ Node default (ad)', 'cos vs fp32', 'Verdict (ad)'],
      rows,
      footer: [
        `onnxruntime-node with its defaults, ad segments: ${nodeDefaults}.`,
        `1-minute load average ${loadBefore.toFixed(1)} before this table's runs, ${loadavg()[0].toFixed(1)} after, on ${availableParallelism()} cores (other work on the CPU slows multi-threaded runs most and widens every min–max); ${gate.summary()}.`,
        ...subject.missing,
      ],
    });
  }
  const wasmFiles = readdirSync(ORT_DIST).filter((f) => f.endsWith('.wasm'));
  tables.push({
    title: '2g. onnxruntime-web settings that do not apply on WASM here',
    textColumns: 2,
    head: ['Setting', 'Why not measured'],
    rows: [
      [
        'ort.env.wasm.simd / relaxed SIMD',
        `env.wasm.simd only picks which feature check runs before loading (lib/wasm/wasm-factory.ts: 'relaxed' requires relaxed SIMD support, false skips the check); the binary is whatever wasmPaths names. onnxruntime-web ${JSON.parse(readFileSync(join(ROOT, 'node_modules', 'onnxruntime-web', 'package.json'), 'utf8')).version as string} ships ${wasmFiles.join(', ')}: all fixed-width SIMD + threads, no relaxed-SIMD build, so the 'WASM build' rows are the whole choice.`,
      ],
      ['IO binding / preferredOutputLocation', "Only WebGPU and WebNN keep tensors on the device ('gpu-buffer', 'ml-tensor'); the WASM EP's outputs are CPU tensors in the WASM heap either way, and onnxruntime-web has no other IO-binding API."],
      ['fp16 on WASM', "Not a setting: ORT's CPU kernels (the WASM EP's) are fp32 for most ops, and ORT inserts Casts to fp32 around the fp16 nodes it has no kernel for, so an fp16 graph halves the download but not the work; the fp16 rows above measure it."],
      ['freeDimensionOverrides', "Fixes symbolic dimensions for WebNN's static shapes; the encoder's batch and sequence lengths vary per call, so fixing them is not an option for the app."],
    ],
    footer: notes,
  });
  tables.push(compile);
  return { tables, facts };
}
