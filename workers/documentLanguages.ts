// The language of each batch document, in the worker: what the page does for a pasted text
// (src/app/languages.ts) and the CLI for each file, so that a batch of German ads is read with the
// German labels, its titles' occupations and the German skill label vectors, as the single view
// reads one. The packs are fetched from the app's taxonomy folder (the service worker keeps them),
// the matchers built once per language (src/core/languageMatching.ts, shared with the page and the CLI).
import { LABEL_PACK_INDEX_PATH, labelPackAssetPath } from '../src/core/labelPacks.ts';
import { LabelMatching } from '../src/core/languageMatching.ts';
import type { LabelWordIndex } from '../src/core/labelWords.ts';
import type { LexicalIndex } from '../src/core/lexical.ts';
import type { Taxonomy } from '../src/core/taxonomy.ts';
import type { TitleModel } from '../src/core/titleModel.ts';
import type { ExtractRequest } from './engineApi.ts';

/** What one document brings to its extraction: the request the page would send, and its label words. */
export interface DocumentReading {
  request: ExtractRequest;
  labelWords: readonly LabelWordIndex[];
  language: string;
}

export class DocumentLanguages {
  private readonly matching: LabelMatching;

  /** `taxonomyUrl`: the taxonomy asset's URL (EngineConfig.taxonomyUrl); the packs lie beside it. */
  constructor(taxonomy: Taxonomy, englishIndex: LexicalIndex, taxonomyUrl: string, fetchImpl: typeof fetch = (...a) => fetch(...a)) {
    const base = new URL('../', taxonomyUrl);
    const json = async (path: string) => {
      const res = await fetchImpl(new URL(path, base));
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${path}`);
      return res.json() as Promise<unknown>;
    };
    this.matching = new LabelMatching({ taxonomy, englishIndex }, {
      index: () => json(LABEL_PACK_INDEX_PATH),
      // as the page asks for a pack, so the service worker's copy serves both
      pack: (language, entry) => json(`${labelPackAssetPath(language)}?v=${encodeURIComponent(entry.contentHash.slice(0, 16))}`),
    });
  }

  /** The document's language plan read into a request (a pack that fails leaves English labels, as on the page). */
  async read(text: string, titleModel?: TitleModel): Promise<DocumentReading> {
    const reading = await this.matching.forText(text, titleModel ? { titleModel } : {});
    const match = reading.plan.matchLanguage;
    const pack = match ? await this.matching.labels(match).catch(() => undefined) : undefined;
    const title = reading.titleOccupation?.(text);
    return {
      request: {
        ...(reading.mentions ? { mentions: reading.mentions(text) } : {}),
        ...(title ? { titleOccupation: title } : {}),
        ...(pack ? { labelPack: { language: pack.language, contentHash: pack.contentHash } } : {}),
      },
      labelWords: reading.labelWords,
      language: reading.plan.language,
    };
  }
}
