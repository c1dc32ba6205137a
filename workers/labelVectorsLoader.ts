// The skill label vectors of a text's language (src/core/labelVectors.ts) in the worker: fetched on
// the first text in that language (the service worker keeps them for offline use), checked against
// the active cache's model hash and the page's label pack, decoded once per language. A preset or
// language the build made none for (404), or a file that fails its checks, leaves extraction on the
// English vectors alone, and the model panel says which.
import { errorText } from '../src/core/errors.ts';
import { decodeLabelVectors, labelVectorsPath, type LabelVectors } from '../src/core/labelVectors.ts';
import type { EngineStatus } from './engineApi.ts';

export interface LabelVectorsRequest {
  modelHash: string;
  language: string;
  packContentHash: string;
  dims: number;
  skills: number;
}

export class LabelVectorsLoader {
  private readonly loaded = new Map<string, Promise<LabelVectors | undefined>>();

  /** `baseUrl`: the label-vectors folder (EngineConfig.labelVectorsBaseUrl); absent: none are looked for. */
  constructor(
    private readonly baseUrl: string | undefined,
    private readonly report: (view: NonNullable<EngineStatus['labelVectors']>) => void,
    private readonly fetchImpl: typeof fetch = (...a) => fetch(...a),
  ) {}

  get(r: LabelVectorsRequest): Promise<LabelVectors | undefined> {
    if (!this.baseUrl) return Promise.resolve(undefined);
    const key = `${r.modelHash}/${r.language}/${r.packContentHash}`;
    let p = this.loaded.get(key);
    if (!p) {
      p = this.load(this.baseUrl, r, () => this.loaded.delete(key));
      this.loaded.set(key, p);
    }
    return p;
  }

  /** `forget`: a failure (offline before the first use, a bad file) is tried again with the next text; a 404 is not. */
  private async load(baseUrl: string, r: LabelVectorsRequest, forget: () => void): Promise<LabelVectors | undefined> {
    const paths = labelVectorsPath(r.modelHash, r.language);
    const url = (path: string) => new URL(`${path}?v=${r.packContentHash.slice(0, 16)}`, baseUrl);
    try {
      const manifest = await this.fetchImpl(url(paths.manifest));
      // A host that answers unknown paths with the app's page (an SPA fallback) means "none" too.
      if (manifest.status === 404 || (manifest.ok && /text\/html/.test(manifest.headers.get('content-type') ?? ''))) {
        this.report({ language: r.language, phase: 'none' });
        return undefined;
      }
      if (!manifest.ok) throw new Error(`HTTP ${manifest.status}`);
      const json: unknown = await manifest.json();
      const matrix = await this.fetchImpl(url(paths.matrix));
      if (!matrix.ok) throw new Error(`HTTP ${matrix.status} for the matrix`);
      const vectors = await decodeLabelVectors(json, new Uint8Array(await matrix.arrayBuffer()), r);
      this.report({ language: r.language, phase: 'ready', rows: vectors.matrix.rows });
      return vectors;
    } catch (e) {
      forget();
      this.report({ language: r.language, phase: 'failed', message: errorText(e) });
      return undefined;
    }
  }
}
