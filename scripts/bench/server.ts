// The bench page's server: a Vite dev server (TypeScript and module workers straight from the source,
// nothing to build) rooted at scripts/bench/page, cross-origin isolated like the app's preview server
// (COOP/COEP, so SharedArrayBuffer and multi-threaded WASM work), plus two raw file routes that Vite
// must not transform:
//   /ort/<file>    onnxruntime-web's dist folder (the ORT build and its WASM; never a CDN)
//   /files/<file>  files the benchmark generated (ONNX models) in a temporary folder
//   /models/<org>/<name>/<file>  the provisioned real models (.generated/models, hub layout)
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { ROOT } from './env.ts';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

const TYPES: Record<string, string> = {
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

function serveFrom(prefix: string, dir: string): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const base = resolve(dir);
  return (req, res, next) => {
    const url = req.url ?? '';
    if (!url.startsWith(prefix)) return next();
    const file = resolve(base, decodeURIComponent(url.slice(prefix.length).split('?')[0]));
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      ...ISOLATION_HEADERS,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(statSync(file).size),
      'Cache-Control': 'no-store',
    });
    createReadStream(file).pipe(res);
  };
}

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

export async function startBenchServer(filesDir: string): Promise<BenchServer> {
  const raw: Plugin = {
    name: 'bench-raw-files',
    configureServer(server) {
      // Registered directly (not as a post hook), so these run before Vite's own transforms.
      server.middlewares.use(serveFrom('/ort/', join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')));
      server.middlewares.use(serveFrom('/files/', filesDir));
      server.middlewares.use(serveFrom('/models/', join(ROOT, '.generated', 'models')));
    },
  };
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: join(ROOT, 'scripts', 'bench', 'page'),
    logLevel: 'error',
    clearScreen: false,
    plugins: [raw],
    // Nothing from node_modules is imported through Vite: skip the dependency scan and pre-bundling.
    optimizeDeps: { noDiscovery: true, include: [] },
    server: { host: '127.0.0.1', port: 0, headers: ISOLATION_HEADERS, fs: { allow: [ROOT] }, hmr: false, watch: null },
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo | null;
  if (!address) throw new Error('bench server did not start');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}
