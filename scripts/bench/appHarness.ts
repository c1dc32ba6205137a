// The built app for the start-up, interaction and memory sections: a private e2e-mode build (test
// models, e2e hooks such as window.__perf) in a temporary folder, served by `vite preview` with the
// project's vite.config.ts (cross-origin isolation headers, PWA), and the generated test models on a
// model host of our own. Private build and ports, so a concurrent `npm test` (dist-e2e on 4173/4174)
// is never disturbed; building takes seconds, so it is rebuilt on every run and always current.
// `rev` builds the app of a git revision instead (a temporary git worktree sharing node_modules
// and the generated public/ assets), so a change is measured before and after in one run on the
// same machine state (npm run bench -- --baseline REV [--revision REV]). The preview server counts the
// bytes it sends per path (after its gzip), so the bench can report what a first visit transfers.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { preview, type Plugin, type PreviewServer } from 'vite';
import { startModelHost } from '../serve-models.ts';
import { TEST_MODELS_DIR } from '../precompute.ts';
import { ROOT } from './env.ts';

export interface AppServers {
  /** The app's URL, trailing slash. */
  url: string;
  modelHost: string;
  buildMs: number;
  /** The git revision built, or 'working tree'. */
  revision: string;
  /** The before-build of a --baseline comparison. */
  baseline?: boolean;
  /** Bytes the preview server sent per path since the last reset (as sent: gzip for text, not for wasm). */
  sent: SentBytes;
  close(): Promise<void>;
}

/** What the app's server sent, per path; `gzipped` says what a host that also compresses wasm would send. */
export class SentBytes {
  private readonly byPath = new Map<string, number>();
  private readonly gzCache = new Map<string, number>();
  /** Date.now() of the last bytes sent: the bench waits for a quiet server before it reads the totals. */
  lastAt = 0;
  constructor(private readonly outDir: string) {}
  reset(): void {
    this.byPath.clear();
  }
  add(path: string, n: number): void {
    this.byPath.set(path, (this.byPath.get(path) ?? 0) + n);
    this.lastAt = Date.now();
  }
  /** Paths and bytes as sent, largest first; `skip` leaves out paths (e.g. the embedding assets). */
  entries(skip: (path: string) => boolean = () => false): [string, number][] {
    return [...this.byPath].filter(([p]) => !skip(p)).sort((a, b) => b[1] - a[1]);
  }
  total(skip?: (path: string) => boolean): number {
    return this.entries(skip).reduce((n, [, b]) => n + b, 0);
  }
  /**
   * The same transfer from a host that also gzips wasm (vite preview compresses only text types):
   * a path sent uncompressed counts at its file's gzip size (level 6) once per time it was sent.
   */
  gzipped(skip?: (path: string) => boolean): number {
    let n = 0;
    for (const [p, sent] of this.entries(skip)) {
      const file = join(this.outDir, p === '/' ? 'index.html' : decodeURIComponent(p));
      const raw = existsSync(file) && statSync(file).isFile() ? readFileSync(file) : null;
      if (!raw || sent < raw.length) {
        n += sent; // already compressed, or not a file of the build
        continue;
      }
      let gz = this.gzCache.get(p);
      if (gz === undefined) this.gzCache.set(p, (gz = gzipSync(raw, { level: 6 }).length));
      n += gz * Math.round(sent / raw.length);
    }
    return n;
  }
}

/** Counts the bytes each response writes; registered before Vite's compression, so it sees them compressed. */
function countingPlugin(sent: SentBytes): Plugin {
  return {
    name: 'bench-count-sent-bytes',
    configurePreviewServer(server) {
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const path = (req.url ?? '/').split('?')[0];
        const write = res.write.bind(res) as (...a: unknown[]) => boolean;
        const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
        const size = (chunk: unknown): number => (typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk instanceof Uint8Array ? chunk.byteLength : 0);
        (res as { write: unknown }).write = (...a: unknown[]) => {
          sent.add(path, size(a[0]));
          return write(...a);
        };
        (res as { end: unknown }).end = (...a: unknown[]) => {
          if (typeof a[0] !== 'function') sent.add(path, size(a[0]));
          return end(...a);
        };
        // BENCH_LOG_REQUESTS=1: one line per response (who fetched what twice, and whether it was a revalidation).
        if (process.env.BENCH_LOG_REQUESTS) res.on('finish', () => console.log(`[app server] ${req.method} ${path} ${req.headers['if-none-match'] ? 'conditional ' : ''}-> ${res.statusCode} (${req.headers['sec-fetch-dest'] ?? '?'}, ${req.headers['service-worker'] ?? ''})`));
        next();
      });
    },
  };
}

/** A detached git worktree of `rev` that builds like the main tree: node_modules linked, generated public/ assets copied. */
function baselineTree(dir: string, rev: string): string {
  const tree = join(dir, 'src');
  run('git', ['worktree', 'add', '--detach', tree, rev]);
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
  for (const d of ['public/taxonomy', 'public/embeddings', 'public/taggers']) {
    if (existsSync(join(ROOT, d))) cpSync(join(ROOT, d), join(tree, d), { recursive: true });
  }
  return tree;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, 'localhost', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): void {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${out}`);
  }
}

export async function startApp(log: (line: string) => void, rev?: string): Promise<AppServers> {
  const dir = mkdtempSync(join(tmpdir(), 'esco-bench-app-'));
  const outDir = join(dir, 'dist');
  let root = ROOT;
  const removeTree = (): void => {
    if (root !== ROOT) spawnSync('git', ['worktree', 'remove', '--force', root], { cwd: ROOT });
    rmSync(dir, { recursive: true, force: true });
  };
  const modelPort = await freePort();
  // The model host is baked into the build (VITE_MODEL_HOST; the process env wins over .env.e2e).
  const modelHostUrl = `http://localhost:${modelPort}/`;
  const t = performance.now();
  try {
    log('app: preparing assets (taxonomy, test models, shipped test cache) ...');
    run(process.execPath, ['--import', 'tsx', 'scripts/prepare-assets.ts', '--test-models']);
    if (rev) root = baselineTree(dir, rev);
    log(`app: building the e2e app${rev ? ` of ${rev}` : ''} into ${outDir} ...`);
    run(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'e2e', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
      VITE_MODEL_HOST: modelHostUrl,
    }, root);
  } catch (e) {
    removeTree();
    throw e;
  }
  const buildMs = performance.now() - t;
  const host = await startModelHost({ dir: TEST_MODELS_DIR, port: modelPort, host: 'localhost' });
  let server: PreviewServer;
  const sent = new SentBytes(outDir);
  try {
    server = await preview({
      root,
      mode: 'e2e',
      logLevel: 'error',
      plugins: [countingPlugin(sent)],
      build: { outDir },
      preview: { host: 'localhost', port: await freePort(), strictPort: true, open: false },
    });
  } catch (e) {
    await host.close();
    removeTree();
    throw e;
  }
  const url = server.resolvedUrls?.local[0] ?? '';
  if (!url) throw new Error('vite preview gave no URL');
  return {
    url: url.endsWith('/') ? url : `${url}/`,
    modelHost: modelHostUrl,
    buildMs,
    revision: rev ?? 'working tree',
    sent,
    close: async () => {
      await server.close();
      await host.close();
      removeTree();
    },
  };
}
