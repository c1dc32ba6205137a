// User actions that go beyond setting store fields: engine calls (retry, reranker, regeneration,
// cache backup), result export and clipboard, text input from files. Components call these; each
// reports its outcome through the store.
import { PRESETS } from '../core/models.ts';
import { activePresetId } from './config.ts';
import { formatBytes } from './format.ts';
import { downloadBlob, downloadText } from './download.ts';
import { EngineRestartedError, errorText } from './engineClient.ts';
import { appConfig } from '../core/appConfig.ts';
import { engine, reconfigureEngine } from './engineService.ts';
import { buildExport, exportFileName, toCsv, toJson } from './exportResults.ts';
import { chooseLanguage } from './languagePlan.ts';
import { SAMPLE_JOB_AD } from './sampleAd.ts';
import { selectDisplayed, selectThresholded } from './selectors.ts';
import { useAppStore } from './store.ts';

const set = useAppStore.setState;
const get = useAppStore.getState;

// ---- text input ----

export function loadSample(): void {
  get().setText(SAMPLE_JOB_AD, 'sample');
}

export function clearText(): void {
  get().setText('', 'clear');
}

// ---- model and engine ----

export function retryModels(): void {
  set((s) => ({ engine: { ...s.engine, error: null } }));
  const client = engine();
  if (!client) return;
  client.retryModels().catch((e: unknown) => set((s) => ({ engine: { ...s.engine, error: `Retry failed: ${errorText(e)}` } })));
}

/** null returns to the automatic choice (on where the measured refinement time fits the budget). */
export function setRerankerEnabled(enabled: boolean | null): void {
  get().setSettings({ rerankerEnabled: enabled });
  engine()
    ?.setRerankerEnabled(enabled ?? 'auto')
    .catch((e: unknown) => set((s) => ({ engine: { ...s.engine, error: errorText(e) } })));
}

/** null restores the build's default host. Restarts the engine so models load from the new host. */
export function setModelHost(host: string | null): void {
  get().setSettings({ modelHost: host });
  reconfigureEngine();
}

/**
 * Switches the model preset: the engine restarts with the other model and its cache (caches of the
 * other presets stay stored). Label results stay on screen; dense results of the previous model are
 * dropped because their scores are on another model's scale. Refused while a regeneration runs (its
 * chunks are kept, but switching would stop it half-way without the user asking).
 */
export function setPreset(presetId: string): string | null {
  const s = get();
  if (activePresetId(s.settings.presetId) === presetId) return null;
  if (s.status?.regeneration.state === 'running' || s.regen.busy) {
    return 'A cache regeneration is running: cancel it or wait for it to finish before switching models (its progress is kept).';
  }
  const active = activePresetId(presetId);
  set({
    settings: { ...s.settings, presetId, thresholds: appConfig(active).thresholds, thresholdsPreset: active },
    dense: null,
    densePending: false,
    denseError: null,
    staleCaches: [],
  });
  reconfigureEngine();
  return null;
}

export function setForceWasm(forceWasm: boolean): void {
  get().setSettings({ forceWasm });
  reconfigureEngine();
}

// ---- regeneration ----

function regenError(message: string | null): void {
  set((s) => ({ regen: { ...s.regen, error: message } }));
}

/** Estimates first; on WASM (slow) the user confirms the estimate before anything runs. */
export async function requestRegeneration(): Promise<void> {
  const client = engine();
  if (!client) return;
  set({ regen: { confirm: null, busy: true, error: null } });
  try {
    const estimate = await client.estimateRegeneration();
    if (get().status?.backend === 'wasm') {
      set((s) => ({ regen: { ...s.regen, confirm: estimate, busy: false } }));
      return;
    }
    await runRegeneration();
  } catch (e) {
    set({ regen: { confirm: null, busy: false, error: `Could not start regeneration: ${errorText(e)}` } });
  }
}

export function cancelConfirm(): void {
  set((s) => ({ regen: { ...s.regen, confirm: null } }));
}

export async function runRegeneration(): Promise<void> {
  const client = engine();
  if (!client) return;
  set({ regen: { confirm: null, busy: true, error: null } });
  try {
    // A failed run's message is shown with the regeneration status (CachePanel); only thrown errors go here.
    await client.regenerate();
    regenError(null);
    void refreshStaleCaches();
  } catch (e) {
    regenError(`Regeneration failed: ${errorText(e)}`);
  } finally {
    set((s) => ({ regen: { ...s.regen, busy: false } }));
  }
}

export function cancelRegeneration(): void {
  engine()
    ?.cancelRegeneration()
    .catch((e: unknown) => regenError(errorText(e)));
}

// ---- cache backup and stale caches ----

export async function exportCache(): Promise<void> {
  const client = engine();
  if (!client) return;
  try {
    const { fileName, bytes } = await client.exportCache();
    // Comlink types the bytes over ArrayBufferLike; a structured-cloned array is never shared memory.
    downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), fileName);
    set({ cacheMessage: { kind: 'ok', text: `Exported ${fileName} (${formatBytes(bytes.byteLength)}).` } });
  } catch (e) {
    set({ cacheMessage: { kind: 'error', text: `Export failed: ${errorText(e)}` } });
  }
}

export async function importCache(file: File): Promise<void> {
  const client = engine();
  if (!client) return;
  set({ cacheMessage: { kind: 'ok', text: `Importing ${file.name} …` } });
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const view = await client.importCache(bytes);
    set({ cacheMessage: { kind: 'ok', text: `Imported ${file.name}: cache ${view.hash ?? ''} is active.` } });
    void refreshStaleCaches();
  } catch (e) {
    set({ cacheMessage: { kind: 'error', text: `Import failed: ${errorText(e)}` } });
  }
}

export async function refreshStaleCaches(): Promise<void> {
  const client = engine();
  if (!client) return;
  try {
    set({ staleCaches: await client.listStaleCaches() });
  } catch (e) {
    // a preset switch restarts the engine under the call: the new engine's cache lists them again (CachePanel)
    if (e instanceof EngineRestartedError) return;
    set({ cacheMessage: { kind: 'error', text: `Could not list stored caches: ${errorText(e)}` } });
  }
}

export async function deleteCache(hash: string): Promise<void> {
  const client = engine();
  if (!client) return;
  try {
    await client.deleteCache(hash);
    set({ cacheMessage: { kind: 'ok', text: `Deleted cache ${hash}.` } });
  } catch (e) {
    set({ cacheMessage: { kind: 'error', text: `Delete failed: ${errorText(e)}` } });
  }
  await refreshStaleCaches();
}

// ---- results export ----

export type ExportFormat = 'json' | 'csv';

/** The formatted export of what is shown now (thresholds applied, label filter not). */
export function formatResults(format: ExportFormat, exportedAt = new Date().toISOString()): { text: string; fileName: string } | null {
  const s = get();
  const shown = selectDisplayed(s);
  const t = selectThresholded(s);
  if (!shown || !t || !s.taxonomy.data) return null;
  const preset = PRESETS[activePresetId(s.settings.presetId)];
  const denseUsed = shown.result.stage !== 'lexical';
  const doc = buildExport({
    taxonomy: s.taxonomy.data,
    text: shown.text,
    skills: t.skills,
    occupations: t.occupations,
    stage: shown.result.stage,
    thresholds: s.settings.thresholds,
    modelHash: denseUsed ? (s.status?.cache.hash ?? null) : null,
    models: { embedder: denseUsed ? preset.embedder.id : null, reranker: shown.result.stage === 'reranked' ? (preset.reranker?.id ?? null) : null },
    exportedAt,
    labels: s.language.labels,
    textLanguage: s.language.detected ? chooseLanguage(s.language.detected, s.language.override) : s.language.override || null,
  });
  return { text: format === 'json' ? toJson(doc) : toCsv(doc), fileName: exportFileName(exportedAt, format) };
}

export function downloadResults(format: ExportFormat): void {
  const out = formatResults(format);
  if (!out) {
    set({ exportMessage: { kind: 'error', text: 'Nothing to export yet.' } });
    return;
  }
  // The BOM makes spreadsheet programs read the CSV as UTF-8.
  if (format === 'csv') downloadText(`\ufeff${out.text}`, out.fileName, 'text/csv;charset=utf-8');
  else downloadText(out.text, out.fileName, 'application/json');
  set({ exportMessage: { kind: 'ok', text: `Downloaded ${out.fileName}.` } });
}

export async function copyResults(format: ExportFormat): Promise<void> {
  const out = formatResults(format);
  if (!out) {
    set({ exportMessage: { kind: 'error', text: 'Nothing to copy yet.' } });
    return;
  }
  try {
    await navigator.clipboard.writeText(out.text);
    set({ exportMessage: { kind: 'ok', text: `Copied the results as ${format.toUpperCase()} to the clipboard.` } });
  } catch (e) {
    set({ exportMessage: { kind: 'error', text: `Copy failed (${errorText(e)}). Use the download buttons instead.` } });
  }
}
