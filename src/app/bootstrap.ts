// Starts the app's services once, outside React (StrictMode runs effects twice, and there must be
// one worker): taxonomy loading and the lexical index, the language controller, the extraction
// controller, the engine worker and the service worker.
import { buildLexicalIndex, type LexicalIndex } from '../core/lexical.ts';
import { TAXONOMY_ASSET_PATH, validateTaxonomy } from '../core/taxonomy.ts';
import { assetUrl } from './config.ts';
import { errorText } from './engineClient.ts';
import { startEngine } from './engineService.ts';
import { startCompare } from './compare.ts';
import { startExtraction } from './extraction.ts';
import { startLanguages } from './languages.ts';
import { lexicalCacheKey, loadStoredLexicalIndex, storeLexicalIndex } from './lexicalCache.ts';
import { startPwa } from './pwa.ts';
import { usePageTimings } from './startupTimings.ts';
import { useAppStore } from './store.ts';

export async function loadTaxonomy(): Promise<void> {
  useAppStore.setState({ taxonomy: { phase: 'loading', data: null, lexical: null } });
  try {
    const url = assetUrl(TAXONOMY_ASSET_PATH);
    const t0 = performance.now();
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
    const data = validateTaxonomy(await res.json());
    const t1 = performance.now();
    // A returning visit restores the index this bundle stored (dev servers have no bundle id: always built).
    const key = import.meta.env.DEV ? null : lexicalCacheKey(data.contentHash, import.meta.url);
    const stored = key ? await loadStoredLexicalIndex(key) : null;
    const lexical = stored ?? buildLexicalIndex(data);
    usePageTimings.setState({ taxonomy: Math.round(t1 - t0), labels: Math.round(performance.now() - t1), labelsStored: Boolean(stored) });
    if (key && !stored) storeAfterEngineStart(key, lexical);
    useAppStore.setState({ taxonomy: { phase: 'ready', data, lexical } });
  } catch (e) {
    useAppStore.setState({ taxonomy: { phase: 'failed', data: null, lexical: null, error: errorText(e) } });
  }
}

/**
 * Stores the label index once the engine has resolved its embedding cache (or given up), so the
 * write neither competes with start-up nor takes space the cache needed first.
 */
function storeAfterEngineStart(key: string, lexical: LexicalIndex): void {
  const settled = (s: ReturnType<typeof useAppStore.getState>): boolean => {
    const st = s.status;
    return Boolean(st && (st.denseReady || st.taxonomy === 'failed' || st.embedder.phase === 'failed' || ['missing', 'failed'].includes(st.cache.state)));
  };
  const go = (): void => void setTimeout(() => void storeLexicalIndex(key, lexical), 100);
  if (settled(useAppStore.getState())) return go();
  const stop = useAppStore.subscribe((s) => {
    if (!settled(s)) return;
    stop();
    go();
  });
}

let started = false;

export function bootstrap(): void {
  if (started) return;
  started = true;
  // The engine worker first: semantic matching waits for its model, which needs nothing of the page.
  startEngine();
  startLanguages();
  startExtraction();
  startCompare();
  void loadTaxonomy();
  startPwa();
}
