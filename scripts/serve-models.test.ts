// Tests of the local model host (scripts/serve-models.ts) over real HTTP: hub URL layout, content
// types, the CORS/CORP headers the app needs under COEP require-corp, HEAD, byte ranges (206/416),
// 404s, refused path traversal, and the injected faults the runtime tests rely on.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelHost, type ModelHost } from './serve-models.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** False when the connection ended before the announced Content-Length arrived. */
  complete: boolean;
}

/** A raw HTTP request (fetch would normalise `..` segments away before they reach the server). */
function raw(url: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (complete: boolean): void => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete });
      };
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish(res.complete));
      res.on('error', () => finish(false));
      res.on('close', () => finish(res.complete));
    });
    req.on('error', reject);
    req.end();
  });
}

const ONNX_BYTES = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) % 256));
const CONFIG = JSON.stringify({ model_type: 'xlm-roberta', hidden_size: 8 });
const base = '/org/model/resolve/main';

let root: string;
let dir: string;
let host: ModelHost;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'model-host-'));
  dir = join(root, 'models');
  mkdirSync(join(dir, 'org', 'model', 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'org', 'model', 'config.json'), CONFIG);
  writeFileSync(join(dir, 'org', 'model', 'onnx', 'model_quantized.onnx'), ONNX_BYTES);
  writeFileSync(join(dir, 'org', 'model', 'README.md'), '# test\n');
  writeFileSync(join(dir, 'org', 'model', 'empty.txt'), '');
  writeFileSync(join(root, 'secret.txt'), 'SECRET');
  symlinkSync(join(root, 'secret.txt'), join(dir, 'org', 'model', 'link.txt'));
  host = await startModelHost({ dir, port: 0 });
});

afterAll(async () => {
  await host?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('model host: files in the hub layout', () => {
  it('serves JSON with its content type and the cross-origin headers', async () => {
    const r = await raw(host.url, `${base}/config.json`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(String(r.headers['access-control-expose-headers'])).toContain('Content-Range');
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(CONFIG)));
    expect(r.body.toString('utf8')).toBe(CONFIG);
  });

  it('serves ONNX files as octet-stream, byte for byte, and works with fetch', async () => {
    const res = await fetch(`${host.url}${base.slice(1)}/onnx/model_quantized.onnx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer()).equals(ONNX_BYTES)).toBe(true);
    expect((await raw(host.url, `${base}/README.md`)).headers['content-type']).toBe('text/markdown; charset=utf-8');
  });

  it('answers HEAD with the headers and no body', async () => {
    const r = await raw(host.url, `${base}/onnx/model_quantized.onnx`, { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe('1000');
    expect(r.body.length).toBe(0);
  });

  it('answers a CORS preflight', async () => {
    const r = await raw(host.url, `${base}/config.json`, { method: 'OPTIONS' });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(String(r.headers['access-control-allow-headers'])).toContain('Range');
  });

  it('serves byte ranges with 206 and Content-Range', async () => {
    const r = await raw(host.url, `${base}/onnx/model_quantized.onnx`, { headers: { Range: 'bytes=10-19' } });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe('bytes 10-19/1000');
    expect(r.headers['content-length']).toBe('10');
    expect(r.body.equals(ONNX_BYTES.subarray(10, 20))).toBe(true);

    // transformers.js probes sizes with the first byte only.
    const probe = await raw(host.url, `${base}/onnx/model_quantized.onnx`, { headers: { Range: 'bytes=0-0' } });
    expect(probe.status).toBe(206);
    expect(probe.headers['content-range']).toBe('bytes 0-0/1000');
    expect(probe.body.equals(ONNX_BYTES.subarray(0, 1))).toBe(true);

    const open = await raw(host.url, `${base}/onnx/model_quantized.onnx`, { headers: { Range: 'bytes=990-' } });
    expect(open.headers['content-range']).toBe('bytes 990-999/1000');
    expect(open.body.equals(ONNX_BYTES.subarray(990))).toBe(true);

    const suffix = await raw(host.url, `${base}/onnx/model_quantized.onnx`, { headers: { Range: 'bytes=-5' } });
    expect(suffix.status).toBe(206);
    expect(suffix.body.equals(ONNX_BYTES.subarray(995))).toBe(true);

    const clamped = await raw(host.url, `${base}/onnx/model_quantized.onnx`, { headers: { Range: 'bytes=998-5000' } });
    expect(clamped.headers['content-range']).toBe('bytes 998-999/1000');
    expect(clamped.body.length).toBe(2);
  });

  it('answers 416 for a range beyond the end, and for any range of an empty file', async () => {
    const r = await raw(host.url, `${base}/onnx/model_quantized.onnx`, { headers: { Range: 'bytes=1000-' } });
    expect(r.status).toBe(416);
    expect(r.headers['content-range']).toBe('bytes */1000');
    const empty = await raw(host.url, `${base}/empty.txt`, { headers: { Range: 'bytes=0-0' } });
    expect(empty.status).toBe(416);
    expect((await raw(host.url, `${base}/empty.txt`)).status).toBe(200);
  });

  it('answers 404 with a clear body for missing files and other revisions', async () => {
    const r = await raw(host.url, `${base}/onnx/model_fp16.onnx`);
    expect(r.status).toBe(404);
    expect(r.body.toString()).toContain('not found: org/model/onnx/model_fp16.onnx');
    expect(r.headers['access-control-allow-origin']).toBe('*');
    const rev = await raw(host.url, '/org/model/resolve/v2/config.json');
    expect(rev.status).toBe(404);
    expect(rev.body.toString()).toContain('only revision "main"');
    expect((await raw(host.url, '/org/model/config.json')).status).toBe(404);
  });

  it('refuses path traversal, plain, encoded and through symbolic links', async () => {
    for (const path of [
      `${base}/../../../secret.txt`,
      `${base}/..%2F..%2F..%2Fsecret.txt`,
      `${base}/%2e%2e/%2e%2e/%2e%2e/secret.txt`,
      '/org/model/resolve/main/..%5C..%5Csecret.txt',
      `${base}/link.txt`,
    ]) {
      const r = await raw(host.url, path);
      expect(r.status, path).toBe(403);
      expect(r.body.toString(), path).not.toContain('SECRET');
    }
  });

  it('records every request in order', async () => {
    const before = host.requests.length;
    await raw(host.url, `${base}/config.json`);
    await raw(host.url, `${base}/onnx/model_quantized.onnx`, { method: 'HEAD' });
    expect(host.requests.slice(before)).toEqual([`GET ${base}/config.json`, `HEAD ${base}/onnx/model_quantized.onnx`]);
    expect(host.log.at(-1)).toMatchObject({ method: 'HEAD', status: 200 });
  });
});

describe('model host: injected faults', () => {
  let faulty: ModelHost;
  beforeAll(async () => {
    faulty = await startModelHost({
      dir,
      port: 0,
      faults: { notFound: /config\.json$/, status500: /README\.md$/, truncate: /model_quantized\.onnx$/ },
    });
  });
  afterAll(async () => {
    await faulty?.close();
  });

  it('answers 404 for a file that exists when told to', async () => {
    const r = await raw(faulty.url, `${base}/config.json`);
    expect(r.status).toBe(404);
    expect(faulty.log.at(-1)).toMatchObject({ status: 404, fault: 'notFound' });
  });

  it('answers 500 when told to', async () => {
    const r = await raw(faulty.url, `${base}/README.md`);
    expect(r.status).toBe(500);
    expect(r.body.toString()).toContain('injected');
  });

  it('truncates a full download: full Content-Length, half the bytes, connection dropped', async () => {
    const r = await raw(faulty.url, `${base}/onnx/model_quantized.onnx`);
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe('1000');
    expect(r.complete).toBe(false);
    expect(r.body.length).toBe(500);
    expect(r.body.equals(ONNX_BYTES.subarray(0, 500))).toBe(true);
    // fetch sees the same as an error while reading the body.
    const res = await fetch(`${faulty.url}${base.slice(1)}/onnx/model_quantized.onnx`);
    await expect(res.arrayBuffer()).rejects.toThrow();
    // Range probes are left alone, so size checks still work.
    const probe = await raw(faulty.url, `${base}/onnx/model_quantized.onnx`, { headers: { Range: 'bytes=0-0' } });
    expect(probe.status).toBe(206);
  });

  it('serves a corrupt (half, honestly announced) file when told to', async () => {
    const corrupt = await startModelHost({ dir, port: 0, faults: { corrupt: /model_quantized\.onnx$/ } });
    try {
      const r = await raw(corrupt.url, `${base}/onnx/model_quantized.onnx`);
      expect(r.status).toBe(200);
      expect(r.complete).toBe(true);
      expect(r.headers['content-length']).toBe('500');
      expect(r.body.equals(ONNX_BYTES.subarray(0, 500))).toBe(true);
    } finally {
      await corrupt.close();
    }
  });
});
