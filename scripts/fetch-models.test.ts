// Tests of the offline model provisioning (scripts/fetch-models.ts): the ONNX interface check on
// real and generated graphs, and a whole provisioning run from a hub-layout host (the local model
// host serving the already provisioned files), including a corrupt download that must leave no
// model folder behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BGE_SMALL_EN, TEST_EMBEDDER, TEST_RERANKER } from '../src/core/models.ts';
import { checkGraphInterface, MODELS_DIR, provisionedModel, provisionModel, ProvisionError } from './fetch-models.ts';
import { DEFAULT_MODELS_DIR, generateTestModels } from './generate-test-models.ts';
import { startModelHost, type ModelHost } from './serve-models.ts';

const temp: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fetch-models-'));
  temp.push(d);
  return d;
}
afterAll(() => {
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});

describe('checkGraphInterface', () => {
  beforeAll(() => {
    generateTestModels(DEFAULT_MODELS_DIR);
  });

  it('accepts a graph with BERT inputs and last_hidden_state of the expected dims', () => {
    const bytes = readFileSync(join(DEFAULT_MODELS_DIR, TEST_EMBEDDER.id, 'onnx/model.onnx'));
    const r = checkGraphInterface(bytes, TEST_EMBEDDER.dims, 'test embedder');
    expect(r.inputs).toEqual(expect.arrayContaining(['input_ids', 'attention_mask']));
    expect(r.outputs).toContain('last_hidden_state');
  });

  it('names the mismatch: wrong dims, a classifier output, a file that is not ONNX', () => {
    const emb = readFileSync(join(DEFAULT_MODELS_DIR, TEST_EMBEDDER.id, 'onnx/model.onnx'));
    expect(() => checkGraphInterface(emb, 384, 'emb')).toThrow(/last_hidden_state has shape \[.*256\], expected \[batch, sequence, 384\]/);
    const rr = readFileSync(join(DEFAULT_MODELS_DIR, TEST_RERANKER.id, 'onnx/model.onnx'));
    expect(() => checkGraphInterface(rr, 384, 'rr')).toThrow(/graph outputs logits; transformers.js reads last_hidden_state/);
    expect(() => checkGraphInterface(new TextEncoder().encode('<!doctype html><p>not a model</p>'), 384, 'html')).toThrow(ProvisionError);
  });
});

describe('provisionModel from a hub-layout host', () => {
  let host: ModelHost;
  beforeAll(async () => {
    if (!provisionedModel(BGE_SMALL_EN.id)) throw new Error(`${BGE_SMALL_EN.id} is not provisioned in ${MODELS_DIR}: run "npm run models:fetch"`);
    host = await startModelHost({ dir: MODELS_DIR, port: 0, faults: { corrupt: /model_quantized\.onnx$/ } });
  });
  afterAll(async () => {
    await host?.close();
  });

  it('lays out the hub layout, records hashes and checks fp32 against int8', async () => {
    const clean = await startModelHost({ dir: MODELS_DIR, port: 0 });
    try {
      const dir = tempDir();
      const p = await provisionModel('bge-small-en', { dir, sources: ['hub'], hubHost: clean.url, log: () => {} });
      expect(p.source).toBe('hub');
      expect(p.matchesHub).toEqual({ fp32: true, q8: true });
      expect(p.fp32VsQ8.min).toBeGreaterThanOrEqual(0.98);
      const folder = join(dir, BGE_SMALL_EN.id);
      for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx', 'provenance.json']) expect(existsSync(join(folder, f))).toBe(true);
      expect(p.files['onnx/model.onnx'].bytes).toBe(133_093_490);
      // A second run reuses the complete folder.
      const again = await provisionModel('bge-small-en', { dir, sources: ['hub'], hubHost: 'http://127.0.0.1:9/', log: () => {} });
      expect(again.fetchedAt).toBe(p.fetchedAt);
    } finally {
      await clean.close();
    }
  });

  it('refuses a corrupt download and leaves no model folder', async () => {
    const dir = tempDir();
    const err = await provisionModel('bge-small-en', { dir, sources: ['hub'], hubHost: host.url, log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionError);
    expect((err as Error).message).toMatch(/onnx\/model_quantized\.onnx from http.*(not a readable ONNX file|graph)/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says which sources failed when none has the files', async () => {
    const dir = tempDir();
    const err = await provisionModel('bge-small-en', { dir, sources: ['hub'], hubHost: 'http://127.0.0.1:9/', log: () => {} }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no source had the ONNX files:\n {2}- hub: http:\/\/127\.0\.0\.1:9\/ does not answer/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
