// An Embedder wrapper that remembers query vectors by text, in memory and in one file per
// (model, dtype, instruction) under .generated/eval-cache/: ablations over concept texts, fusion and
// thresholds re-use the same segment vectors instead of re-embedding thousands of segments.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Embedder } from '../../src/core/models.ts';
import { EVAL_CACHE_DIR } from './embedCache.ts';

export class CachingEmbedder implements Embedder {
  readonly dims: number;
  private readonly cache = new Map<string, Float32Array>();
  private dirty = false;
  embedded = 0;

  constructor(
    private readonly inner: Embedder,
    private readonly file: string | undefined,
  ) {
    this.dims = inner.dims;
    if (file && existsSync(file)) {
      const buf = readFileSync(file);
      const headerLen = buf.readUInt32LE(0);
      const texts = JSON.parse(buf.subarray(4, 4 + headerLen).toString('utf8')) as string[];
      const off = 4 + headerLen;
      const values = new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + texts.length * this.dims * 4));
      texts.forEach((t, i) => this.cache.set(t, values.subarray(i * this.dims, (i + 1) * this.dims)));
    }
  }

  static fileFor(key: string): string {
    return join(EVAL_CACHE_DIR, `queries__${key.replace(/[^A-Za-z0-9._-]+/g, '_')}.bin`);
  }

  async embed(texts: string[]): Promise<Float32Array> {
    const missing = [...new Set(texts.filter((t) => !this.cache.has(t)))];
    if (missing.length) {
      const v = await this.inner.embed(missing);
      missing.forEach((t, i) => this.cache.set(t, v.slice(i * this.dims, (i + 1) * this.dims)));
      this.embedded += missing.length;
      this.dirty = true;
    }
    const out = new Float32Array(texts.length * this.dims);
    texts.forEach((t, i) => out.set(this.cache.get(t)!, i * this.dims));
    return out;
  }

  save(): void {
    if (!this.file || !this.dirty) return;
    const texts = [...this.cache.keys()];
    const header = Buffer.from(JSON.stringify(texts), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length, 0);
    const values = new Float32Array(texts.length * this.dims);
    texts.forEach((t, i) => values.set(this.cache.get(t)!, i * this.dims));
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp-${process.pid}`, Buffer.concat([len, header, Buffer.from(values.buffer)]));
    renameSync(`${this.file}.tmp-${process.pid}`, this.file);
    this.dirty = false;
  }
}
