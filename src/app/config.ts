// Engine configuration from build-time env, persisted user settings and URL query overrides.
// The query overrides exist for testing (`?backend=wasm` forces the WASM path).
import type { EngineConfig } from '../../workers/engineApi.ts';
import { DEFAULT_MODEL_HOST, DEFAULT_PRESET, PRESETS } from '../core/models.ts';
import { TAXONOMY_ASSET_PATH } from '../core/taxonomy.ts';

/** Empty env values count as unset, so a blank line in an .env file does not break the app. */
const envPreset = import.meta.env.VITE_MODEL_PRESET || DEFAULT_PRESET;

export const PRESET_ID: string = envPreset in PRESETS ? envPreset : DEFAULT_PRESET;

export const IS_E2E = import.meta.env.MODE === 'e2e';

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
}

export function queryOverrides(search: string = globalThis.location?.search ?? ''): QueryOverrides {
  const q = new URLSearchParams(search);
  return { forceWasm: q.get('backend') === 'wasm' };
}

/** Absolute URL of an asset under Vite's base, as the worker needs (it has another base URL). */
export function assetUrl(path: string): string {
  return new URL(`${import.meta.env.BASE_URL}${path}`, globalThis.location.href).href;
}


export interface UserEngineSettings {
  /** null: use the build's default host. */
  modelHost: string | null;
  rerankerEnabled: boolean | null;
  forceWasm: boolean;
}

export function engineConfig(settings: UserEngineSettings, overrides: QueryOverrides = queryOverrides()): EngineConfig {
  return {
    presetId: PRESET_ID,
    modelHost: settings.modelHost ?? defaultModelHost(),
    taxonomyUrl: assetUrl(TAXONOMY_ASSET_PATH),
    embeddingsBaseUrl: assetUrl('embeddings/'),
    forceWasm: settings.forceWasm || overrides.forceWasm,
    rerankerEnabled: settings.rerankerEnabled ?? 'auto',
  };
}
