// `npm run serve:models -- [--dir .generated/models] [--port 4174] [--host 127.0.0.1]`: a small static
// model host that serves a folder in the Hugging Face hub URL layout
// (`/<org>/<name>/resolve/<revision>/<path>`), so the app and Node CLIs load models from it with
// transformers.js' `env.remoteHost` exactly as from huggingface.co. It sends what the browser needs
// for cross-origin model loading under COEP require-corp (CORS and CORP headers, exposed
// Content-Range), supports HEAD and byte ranges (transformers.js probes file sizes with
// `Range: bytes=0-0`), and refuses path traversal. `startModelHost()` is also used by tests, which can
// inject faults (404, a truncated body, a corrupt file, a server error) and count requests.
import { closeSync, createReadStream, existsSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODELS_DIR, generateTestModels } from './generate-test-models.ts';

export const DEFAULT_PORT = 4174;
export const DEFAULT_HOST = '127.0.0.1';
/** How long close() waits for answers in flight before dropping connections. */
const CLOSE_GRACE_MS = 5_000;

/** Each pattern is tested against the repository-relative file path, e.g. `esco-test/x/onnx/model_quantized.onnx`. */
export interface ModelHostFaults {
  /** Answer 404 as if the file were missing. */
  notFound?: RegExp;
  /** Full-file GETs announce the whole Content-Length, send half the bytes, then drop the connection. */
  truncate?: RegExp;
  /** Serve only the first half of the file with an honest Content-Length (a corrupt upload). */
  corrupt?: RegExp;
  /** Answer 500. */
  status500?: RegExp;
}

export interface ModelHostOptions {
  /** Folder in hub layout: `<dir>/<org>/<name>/<path>`. */
  dir: string;
  /** 0 picks a free port. Default 4174. */
  port?: number;
  host?: string;
  faults?: ModelHostFaults;
  /** Called once per request with a one-line summary (the CLI prints them). */
  onRequest?: (record: RequestRecord) => void;
}

export interface RequestRecord {
  method: string;
  /** The raw request path (as sent, before decoding). */
  path: string;
  range?: string;
  status: number;
  /** Set when a fault was injected. */
  fault?: keyof ModelHostFaults;
}

export interface ModelHost {
  /** Base URL with a trailing slash, for `env.remoteHost`, e.g. `http://127.0.0.1:4174/`. */
  url: string;
  port: number;
  /** `METHOD /path` per request, in arrival order. */
  requests: string[];
  /** The same requests with range, status and injected fault. */
  log: RequestRecord[];
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.onnx_data': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.model': 'application/octet-stream',
};

export function contentTypeFor(path: string): string {
  if (/\.onnx_data(_\d+)?$/.test(path)) return 'application/octet-stream';
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

const COMMON_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  // The app runs with COEP require-corp: cross-origin responses must opt in to being embedded.
  'Cross-Origin-Resource-Policy': 'cross-origin',
  // Content-Range is not a CORS-safelisted response header; transformers.js reads it for file sizes.
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Accept-Ranges, ETag, Content-Type',
  'Accept-Ranges': 'bytes',
  // Generated models change on regeneration: always revalidate (ETag) instead of caching blindly.
  'Cache-Control': 'no-cache',
};

type Route =
  | { kind: 'file'; relPath: string; absPath: string }
  | { kind: 'error'; status: number; message: string }
  | { kind: 'index' };

/** Maps a request path to a file under `root`, refusing traversal, odd segments and other revisions. */
export function routeRequest(root: string, rawPath: string): Route {
  const pathOnly = rawPath.split('?')[0].split('#')[0];
  if (pathOnly === '/' || pathOnly === '') return { kind: 'index' };
  const rawSegments = pathOnly.split('/').slice(1);
  let segments: string[];
  try {
    segments = rawSegments.map((s) => decodeURIComponent(s));
  } catch {
    return { kind: 'error', status: 400, message: 'bad request: malformed percent-encoding in path' };
  }
  if (segments.some((s) => s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0'))) {
    return { kind: 'error', status: 403, message: 'forbidden: path traversal refused' };
  }
  if (segments.length < 5 || segments[2] !== 'resolve' || segments.some((s) => s === '' || s === '.')) {
    return { kind: 'error', status: 404, message: `not found: expected /<org>/<name>/resolve/main/<file>, got ${pathOnly}` };
  }
  const [org, name, , revision, ...file] = segments;
  if (revision !== 'main') {
    return { kind: 'error', status: 404, message: `not found: only revision "main" is served (asked for "${revision}")` };
  }
  // Hidden names (temporary files of a running generator, stamps) are never served.
  if ([org, name, ...file].some((s) => s.startsWith('.'))) {
    return { kind: 'error', status: 404, message: `not found: ${[org, name, ...file].join('/')}` };
  }
  const relPath = [org, name, ...file].join('/');
  const absPath = resolve(root, ...[org, name, ...file]);
  const within = relative(root, absPath);
  if (within.startsWith('..') || isAbsolute(within)) return { kind: 'error', status: 403, message: 'forbidden: path traversal refused' };
  return { kind: 'file', relPath, absPath };
}

type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/** Parses a single `bytes=` range against a file size; null means "serve the whole file". */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Multiple ranges and other units are legal to ignore (RFC 9110 14.2): the whole file is sent.
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return null;
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}

function readBytes(path: string, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function sendText(res: ServerResponse, status: number, body: string, head: boolean, extra: Record<string, string> = {}): void {
  const bytes = Buffer.from(`${body}\n`, 'utf8');
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(bytes.length), ...extra });
  res.end(head ? undefined : bytes);
}

export async function startModelHost(options: ModelHostOptions): Promise<ModelHost> {
  const root = realpathSync(resolve(options.dir));
  const faults = options.faults ?? {};
  const requests: string[] = [];
  const log: RequestRecord[] = [];

  let active = 0;
  let onIdle: (() => void) | null = null;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    active++;
    res.on('close', () => {
      active--;
      if (active === 0) onIdle?.();
    });
    const method = req.method ?? 'GET';
    const rawPath = req.url ?? '/';
    const range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
    requests.push(`${method} ${rawPath}`);
    const record: RequestRecord = { method, path: rawPath, ...(range ? { range } : {}), status: 0 };
    log.push(record);
    res.on('close', () => options.onRequest?.(record));
    const setStatus = (s: number, fault?: keyof ModelHostFaults): void => {
      record.status = s;
      if (fault) record.fault = fault;
    };

    if (method === 'OPTIONS') {
      setStatus(204);
      res.writeHead(204, {
        ...COMMON_HEADERS,
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': 'Range, If-None-Match, Content-Type, User-Agent',
        'Access-Control-Max-Age': '86400',
      });
      res.end();
      return;
    }
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      setStatus(405);
      sendText(res, 405, `method not allowed: ${method}`, false, { Allow: 'GET, HEAD, OPTIONS' });
      return;
    }

    const route = routeRequest(root, rawPath);
    if (route.kind === 'index') {
      setStatus(200);
      sendText(res, 200, `model host serving ${root}\nfiles: /<org>/<name>/resolve/main/<path>`, head);
      return;
    }
    if (route.kind === 'error') {
      setStatus(route.status);
      sendText(res, route.status, route.message, head);
      return;
    }
    const { relPath, absPath } = route;

    if (faults.status500?.test(relPath)) {
      setStatus(500, 'status500');
      sendText(res, 500, `internal server error (injected fault) for ${relPath}`, head);
      return;
    }
    let stats: Stats | null = null;
    try {
      stats = existsSync(absPath) ? statSync(absPath) : null;
      // A symbolic link must not lead outside the served folder.
      if (stats) {
        const real = relative(root, realpathSync(absPath));
        if (real.startsWith('..') || isAbsolute(real)) {
          setStatus(403);
          sendText(res, 403, 'forbidden: path traversal refused', head);
          return;
        }
      }
    } catch {
      stats = null;
    }
    const injected404 = faults.notFound?.test(relPath) ?? false;
    if (!stats || !stats.isFile() || injected404) {
      setStatus(404, injected404 ? 'notFound' : undefined);
      sendText(res, 404, `not found: ${relPath} (no such file in the model folder)`, head);
      return;
    }

    const corrupt = faults.corrupt?.test(relPath) ?? false;
    const size = corrupt ? Math.floor(stats.size / 2) : stats.size;
    const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}${corrupt ? '-c' : ''}"`;
    const headers: Record<string, string> = { ...COMMON_HEADERS, 'Content-Type': contentTypeFor(relPath), ETag: etag };

    const r = parseRange(range, size);
    if (r === 'unsatisfiable') {
      setStatus(416);
      sendText(res, 416, `range not satisfiable: ${range} (file has ${size} bytes)`, head, { 'Content-Range': `bytes */${size}` });
      return;
    }
    if (!r && req.headers['if-none-match'] === etag) {
      setStatus(304);
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const start = r ? r.start : 0;
    const end = r ? r.end : size - 1;
    const length = size === 0 ? 0 : end - start + 1;
    const status = r ? 206 : 200;
    headers['Content-Length'] = String(length);
    if (r) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;

    if (!head && !r && faults.truncate?.test(relPath)) {
      setStatus(200, 'truncate');
      res.writeHead(200, headers);
      // Flush half the bytes, then drop the connection: the client sees a premature end of body.
      res.write(readBytes(absPath, Math.floor(size / 2)), () => res.socket?.destroy());
      return;
    }
    setStatus(status, corrupt ? 'corrupt' : undefined);
    res.writeHead(status, headers);
    if (head || length === 0) {
      res.end();
      return;
    }
    const stream = createReadStream(absPath, { start, end });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const server = createServer(handle);
  const host = options.host ?? DEFAULT_HOST;
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/`,
    port,
    requests,
    log,
    close: async () => {
      // Graceful: stop accepting, let answers in flight finish (a client may still be reading one
      // that a failed load left behind), then drop the idle keep-alive connections.
      const closed = new Promise<void>((resolvePromise, reject) => server.close((err) => (err ? reject(err) : resolvePromise())));
      if (active > 0) {
        await new Promise<void>((resolvePromise) => {
          const timer = setTimeout(resolvePromise, CLOSE_GRACE_MS);
          onIdle = () => {
            clearTimeout(timer);
            resolvePromise();
          };
        });
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

function parseArgs(argv: string[]): { dir: string; port: number; host: string } {
  let dir = DEFAULT_MODELS_DIR;
  let port = DEFAULT_PORT;
  let host = DEFAULT_HOST;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--dir') dir = resolve(value());
    else if (a === '--port') {
      port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535`);
    } else if (a === '--host') host = value();
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run serve:models -- [--dir .generated/models] [--port 4174] [--host 127.0.0.1]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (usage: npm run serve:models -- [--dir DIR] [--port N] [--host H])`);
  }
  return { dir, port, host };
}

async function main(): Promise<void> {
  try {
    const { dir, port, host } = parseArgs(process.argv.slice(2));
    if (dir === DEFAULT_MODELS_DIR) {
      // The default folder holds the generated test models: make sure they exist and are current.
      const g = generateTestModels(dir);
      if (!g.skipped) console.log(`generated test models into ${dir}`);
    } else if (!existsSync(dir)) {
      throw new Error(`model folder ${dir} does not exist (generate test models with "npm run models:test")`);
    }
    const hostHandle = await startModelHost({
      dir,
      port,
      host,
      onRequest: (r) => console.log(`${r.status} ${r.method} ${r.path}${r.range ? ` (${r.range})` : ''}`),
    });
    console.log(`serving ${dir} at ${hostHandle.url} (hub layout: ${hostHandle.url}<org>/<name>/resolve/main/<file>)`);
    console.log(`use it with configureTransformers({ modelHost: '${hostHandle.url}' }); Ctrl-C stops`);
    const stop = (): void => {
      void hostHandle.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (e) {
    console.error(`serve:models failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

export { DEFAULT_MODELS_DIR };
