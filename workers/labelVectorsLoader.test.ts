// The worker's loader of label vectors: fetched once per model, language and pack; a 404 means
// none (asked once), a failure is reported and tried again with the next text.
import { describe, expect, it } from 'vitest';
import { buildLabelVectorsManifest } from '../src/core/labelVectors.ts';
import { encodeMatrix, quantizeMatrix } from '../src/core/vectors.ts';
import { LabelVectorsLoader } from './labelVectorsLoader.ts';
import type { EngineStatus } from './engineApi.ts';

const BASE = 'http://app.test/label-vectors/';
const request = { modelHash: 'abc123', language: 'de', packContentHash: 'p'.repeat(64), dims: 2, skills: 5 };

async function files() {
  const matrix = encodeMatrix(quantizeMatrix(Float32Array.from([1, 0, 0, 1]), 2, 2, 'int8'));
  const manifest = await buildLabelVectorsManifest({ language: 'de', modelHash: 'abc123', packContentHash: request.packContentHash, conceptsSha256: 'c', storage: 'int8', dims: 2, owners: [4, 1], matrix });
  return { manifest, matrix };
}

function server(routes: Record<string, () => Response>) {
  const asked: string[] = [];
  const fetchImpl = (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    asked.push(`${url.pathname}${url.search}`);
    const route = routes[url.pathname];
    return route ? route() : new Response('not found', { status: 404 });
  }) as typeof fetch;
  return { asked, fetchImpl };
}

function loader(fetchImpl: typeof fetch) {
  const views: NonNullable<EngineStatus['labelVectors']>[] = [];
  return { views, loader: new LabelVectorsLoader(BASE, (v) => views.push(v), fetchImpl) };
}

describe('LabelVectorsLoader', () => {
  it('fetches, checks and decodes them once, asking with the pack version', async () => {
    const { manifest, matrix } = await files();
    const { asked, fetchImpl } = server({
      '/label-vectors/abc123/de.json': () => Response.json(manifest),
      '/label-vectors/abc123/de.bin': () => new Response(matrix),
    });
    const { views, loader: l } = loader(fetchImpl);
    const v = await l.get(request);
    expect(Array.from(v!.owners)).toEqual([4, 1]);
    expect(await l.get(request)).toBe(v);
    expect(asked).toEqual(['/label-vectors/abc123/de.json?v=pppppppppppppppp', '/label-vectors/abc123/de.bin?v=pppppppppppppppp']);
    expect(views).toEqual([{ language: 'de', phase: 'ready', rows: 2 }]);
  });

  it('says none where the build made none, and does not ask again', async () => {
    const { asked, fetchImpl } = server({});
    const { views, loader: l } = loader(fetchImpl);
    expect(await l.get(request)).toBeUndefined();
    expect(await l.get(request)).toBeUndefined();
    expect(asked).toHaveLength(1);
    expect(views).toEqual([{ language: 'de', phase: 'none' }]);
  });

  it('reports vectors of another pack version as failed, and tries again with the next text', async () => {
    const { manifest, matrix } = await files();
    const { asked, fetchImpl } = server({
      '/label-vectors/abc123/de.json': () => Response.json({ ...manifest, packContentHash: 'older' }),
      '/label-vectors/abc123/de.bin': () => new Response(matrix),
    });
    const { views, loader: l } = loader(fetchImpl);
    expect(await l.get(request)).toBeUndefined();
    expect(views[0]).toMatchObject({ language: 'de', phase: 'failed', message: expect.stringMatching(/another version of the label pack/) });
    await l.get(request);
    expect(asked.filter((a) => a.includes('de.json'))).toHaveLength(2);
  });

  it('looks for none without a folder (a configuration without label vectors)', async () => {
    const { asked, fetchImpl } = server({});
    const l = new LabelVectorsLoader(undefined, () => {}, fetchImpl);
    expect(await l.get(request)).toBeUndefined();
    expect(asked).toHaveLength(0);
  });
});
