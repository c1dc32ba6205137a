// Starts the app's services once, outside React (StrictMode runs effects twice, and there must be
// one worker): taxonomy loading and the lexical index, the language controller, the extraction
// controller, the engine worker and the service worker.
import { buildLexicalIndex } from '../core/lexical.ts';
import { TAXONOMY_ASSET_PATH, validateTaxonomy } from '../core/taxonomy.ts';
import { assetUrl } from './config.ts';
import { errorText } from './engineClient.ts';
import { startEngine } from './engineService.ts';
import { startCompare } from './compare.ts';
import { startExtraction } from './extraction.ts';
import { startLanguages } from './languages.ts';
import { startPwa } from './pwa.ts';
import { useAppStore } from './store.ts';

export async function loadTaxonomy(): Promise<void> {
  useAppStore.setState({ taxonomy: { phase: 'loading', data: null, lexical: null } });
  try {
    const url = assetUrl(TAXONOMY_ASSET_PATH);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
    const data = validateTaxonomy(await res.json());
    const lexical = buildLexicalIndex(data);
    useAppStore.setState({ taxonomy: { phase: 'ready', data, lexical } });
  } catch (e) {
    useAppStore.setState({ taxonomy: { phase: 'failed', data: null, lexical: null, error: errorText(e) } });
  }
}

let started = false;

export function bootstrap(): void {
  if (started) return;
  started = true;
  startLanguages();
  startExtraction();
  startCompare();
  void loadTaxonomy();
  startEngine();
  startPwa();
}
