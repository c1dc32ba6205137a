// Engine configuration from build-time env, persisted user settings and URL query overrides.
// The query overrides exist for testing (`?backend=wasm` forces the WASM path).
import type { EngineConfig } from '../../workers/engineApi.ts';
import { LABEL_VECTORS_DIR } from '../core/labelVectors.ts';
import { DEFAULT_MODEL_HOST, DEFAULT_PRESET, PRESETS } from '../core/models.ts';
import { TAXONOMY_ASSET_PATH } from '../core/taxonomy.ts';

/** Empty env values count as unset, so a blank line in an .env file does not break the app. */
const envPreset = import.meta.env.VITE_MODEL_PRESET || DEFAULT_PRESET;

/** The build's default preset: bge-m3, or what `npm run dev` chose (the small preset when the hub is unreachable). */
export const BUILD_PRESET_ID: string = envPreset in PRESETS ? envPreset : DEFAULT_PRESET;

export const IS_E2E = import.meta.env.MODE === 'e2e';

/** One line from the dev server on why the default is not bge-m3 (set by scripts/dev.ts). */
export const STARTUP_NOTICE: string = import.meta.env.VITE_MODEL_NOTICE || '';

/**
 * Presets offered in the model picker. The generated test models are not language models: they
 * are offered only in builds made for testing (e2e, dev:test), never to real users.
 */
export const PICKABLE_PRESETS: string[] = Object.keys(PRESETS).filter((id) => id !== 'test' || BUILD_PRESET_ID === 'test' || IS_E2E);

/** The preset in use: the user's choice when it is still offered, else the build's default. */
export function activePresetId(chosen: string | null): string {
  return chosen && PICKABLE_PRESETS.includes(chosen) ? chosen : BUILD_PRESET_ID;
}

export function defaultModelHost(): string {
  return normalizeHost(import.meta.env.VITE_MODEL_HOST || DEFAULT_MODEL_HOST);
}

/** Adds the trailing slash the hub URL layout needs; returns null for anything not http(s). */
export function parseModelHost(input: string): string | null {
  try {
    const url = new URL(input.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return normalizeHost(url.href);
  } catch {
    return null;
  }
}

function normalizeHost(host: string): string {
  return host.endsWith('/') ? host : `${host}/`;
}

export interface QueryOverrides {
  forceWasm: boolean;
  /** ?search=gpu: concept search on the WGSL kernel even on a software adapter (tests, diagnosis). */
  gpuSearchAlways: boolean;
}

export function queryOverrides(search: string = globalThis.location?.search ?? ''): QueryOverrides {
  const q = new URLSearchParams(search);
  return { forceWasm: q.get('backend') === 'wasm', gpuSearchAlways: q.get('search') === 'gpu' };
}

/** Absolute URL of an asset under Vite's base, as the worker needs (it has another base URL). */
export function assetUrl(path: string): string {
  return new URL(`${import.meta.env.BASE_URL}${path}`, globalThis.location.href).href;
}


export interface UserEngineSettings {
  /** null: the build's default preset. */
  presetId: string | null;
  /** null: use the build's default host. */
  modelHost: string | null;
  rerankerEnabled: boolean | null;
  forceWasm: boolean;
  knownCaches?: string[];
}

export function engineConfig(settings: UserEngineSettings, overrides: QueryOverrides = queryOverrides()): EngineConfig {
  return {
    presetId: activePresetId(settings.presetId),
    modelHost: settings.modelHost ?? defaultModelHost(),
    taxonomyUrl: assetUrl(TAXONOMY_ASSET_PATH),
    embeddingsBaseUrl: assetUrl('embeddings/'),
    taggersBaseUrl: assetUrl('taggers/'),
    labelVectorsBaseUrl: assetUrl(`${LABEL_VECTORS_DIR}/`),
    forceWasm: settings.forceWasm || overrides.forceWasm,
    gpuSearch: overrides.gpuSearchAlways ? 'always' : 'auto',
    rerankerEnabled: settings.rerankerEnabled ?? 'auto',
    knownCaches: settings.knownCaches ?? [],
  };
}
