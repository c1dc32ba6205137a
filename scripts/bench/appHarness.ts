// The built app for the start-up, interaction and memory sections: a private e2e-mode build (test
// models, e2e hooks such as window.__perf) in a temporary folder, served by `vite preview` with the
// project's vite.config.ts (cross-origin isolation headers, PWA), and the generated test models on a
// model host of our own. Private build and ports, so a concurrent `npm test` (dist-e2e on 4173/4174)
// is never disturbed; building takes seconds, so it is rebuilt on every run and always current.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import { startModelHost } from '../serve-models.ts';
import { TEST_MODELS_DIR } from '../precompute.ts';
import { ROOT } from './env.ts';

export interface AppServers {
  /** The app's URL, trailing slash. */
  url: string;
  modelHost: string;
  buildMs: number;
  close(): Promise<void>;
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

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${out}`);
  }
}

export async function startApp(log: (line: string) => void): Promise<AppServers> {
  const dir = mkdtempSync(join(tmpdir(), 'esco-bench-app-'));
  const outDir = join(dir, 'dist');
  const modelPort = await freePort();
  // The model host is baked into the build (VITE_MODEL_HOST; the process env wins over .env.e2e).
  const modelHostUrl = `http://localhost:${modelPort}/`;
  const t = performance.now();
  try {
    log('app: preparing assets (taxonomy, test models, shipped test cache) ...');
    run(process.execPath, ['--import', 'tsx', 'scripts/prepare-assets.ts', '--test-models']);
    log(`app: building the e2e app into ${outDir} ...`);
    run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--mode', 'e2e', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
      VITE_MODEL_HOST: modelHostUrl,
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const buildMs = performance.now() - t;
  const host = await startModelHost({ dir: TEST_MODELS_DIR, port: modelPort, host: 'localhost' });
  let server: PreviewServer;
  try {
    server = await preview({
      root: ROOT,
      mode: 'e2e',
      logLevel: 'error',
      build: { outDir },
      preview: { host: 'localhost', port: await freePort(), strictPort: true, open: false },
    });
  } catch (e) {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const url = server.resolvedUrls?.local[0] ?? '';
  if (!url) throw new Error('vite preview gave no URL');
  return {
    url: url.endsWith('/') ? url : `${url}/`,
    modelHost: modelHostUrl,
    buildMs,
    close: async () => {
      await server.close();
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
