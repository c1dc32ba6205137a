// Tests for the multi-worker search (searchPool.ts) with real worker_threads helpers
// (src/runtime/nodeSearchPool.ts): bit-identical results to a single-threaded search with shares
// really scored by the helpers, matrices handed over after start, small calls kept local, and
// helpers that never start or never answer costing time but not correctness.
import { afterAll, describe, expect, it } from 'vitest';
import { nodeSearchPool } from '../runtime/nodeSearchPool.ts';
import { gaussianSource } from './random.ts';
import { SearchPool, type SearchHelperMessage, type SearchHelperPort } from './searchPool.ts';
import { l2Normalize, quantizeMatrix, topK, type ConceptMatrix, type MatrixStorage } from './vectors.ts';

function unitRows(rows: number, dims: number, seed: number): Float32Array {
  const g = gaussianSource(seed);
  const v = new Float32Array(rows * dims).map(() => g());
  for (let r = 0; r < rows; r++) l2Normalize(v.subarray(r * dims, (r + 1) * dims));
  return v;
}

const DIMS = 96;
const QUERIES = 9; // 3 blocks of 4, the last one partial
const queries = unitRows(QUERIES, DIMS, 7);

function matrix(rows: number, storage: MatrixStorage, seed = 1): ConceptMatrix {
  return quantizeMatrix(unitRows(rows, DIMS, seed), rows, DIMS, storage);
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pools: SearchPool[] = [];
afterAll(() => pools.forEach((p) => p.close()));

describe('search pool with worker_threads helpers', () => {
  it('gives bit-identical top-k to a single-threaded search, with the helpers scoring their shares', async () => {
    const pool = nodeSearchPool(2, { minRows: 64 });
    pools.push(pool);
    await until(() => pool.readyHelpers === 2, 'two helpers');
    for (const storage of ['int8', 'f16'] as const) {
      const alone = matrix(3001, storage);
      const shared = pool.adopt(alone);
      expect(shared).not.toBe(alone);
      await until(() => pool.readyHelpers === 2, 'helpers back after reading the matrix');
      const before = pool.helperShares;
      const a = topK(alone, queries, QUERIES, 10);
      // A helper may still be reading the matrix (a share it fails is scored here): run until both served.
      let b = topK(shared, queries, QUERIES, 10);
      await until(() => {
        b = topK(shared, queries, QUERIES, 10);
        return pool.helperShares - before >= 2 * 3 * 2;
      }, 'helper shares');
      expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
      expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
    }
  });

  it('keeps calls below minRows local and stops using the helpers for a released matrix', async () => {
    const pool = nodeSearchPool(1, { minRows: 1000 });
    pools.push(pool);
    await until(() => pool.readyHelpers === 1, 'a helper');
    const small = pool.adopt(matrix(999, 'int8', 2));
    const big = pool.adopt(matrix(1500, 'int8', 3));
    await until(() => pool.readyHelpers === 1, 'the helper back');
    const before = pool.helperShares;
    topK(small, queries, QUERIES, 5);
    expect(pool.helperShares).toBe(before);
    await until(() => {
      topK(big, queries, QUERIES, 5);
      return pool.helperShares > before;
    }, 'a helper share of the big matrix');
    pool.release(big);
    const released = pool.helperShares;
    topK(big, queries, QUERIES, 5);
    expect(pool.helperShares).toBe(released);
  });
});

/** A helper port that never runs anything: the test plays its part in the control buffer. */
class SilentPort implements SearchHelperPort {
  control?: Int32Array;
  terminated = false;
  postMessage(message: SearchHelperMessage): void {
    if (message.type === 'start') this.control = new Int32Array(message.control);
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('search pool with helpers that fail', () => {
  const alone = matrix(2500, 'int8', 4);
  const expected = topK(alone, queries, QUERIES, 10);

  it('searches alone while no helper has started', () => {
    const port = new SilentPort();
    const pool = new SearchPool([port], { minRows: 1 });
    const shared = pool.adopt(alone);
    const r = topK(shared, queries, QUERIES, 10);
    expect(Array.from(r.indices)).toEqual(Array.from(expected.indices));
    expect(pool.helperShares + pool.fallbacks).toBe(0);
  });

  it('scores the share of a helper that never answers, and drops that helper', () => {
    const port = new SilentPort();
    const pool = new SearchPool([port], { minRows: 1, timeoutMs: 30 });
    const shared = pool.adopt(alone);
    Atomics.store(port.control!, 0, 1); // the helper says it is ready, then never serves
    const r = topK(shared, queries, QUERIES, 10);
    expect(Array.from(r.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(r.scores)).toEqual(Array.from(expected.scores));
    expect(port.terminated).toBe(true);
    expect(pool.fallbacks).toBe(1); // only the first block waited: a dropped helper gets no more jobs
  });

  it('a pool without helpers keeps the matrix itself (no copy)', () => {
    expect(new SearchPool([]).adopt(alone)).toBe(alone);
  });
});
