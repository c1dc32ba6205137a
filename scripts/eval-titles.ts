// `npm run eval:titles -- [--key none|light|stem|all] [--english on|off] [--compound on|off]
//   [--lexical on|off] [--fuzzy 0.2] [--gram-weight 0.5] [--data a.csv,b.csv]`
// Occupation ranking by label matching and title search alone (no model): for each title of the MELO
// validation files (../shared/eval/melo/*.csv, `text,uri`, one gold URI each, ISCO groups included)
// it ranks ESCO occupations with rankTitle (src/core/multilingualLexical.ts) over the English labels
// and the label pack of the file's language (aut_de -> de, bel_fr -> fr, ...; the language comes from
// the file name, and the detector's accuracy on the titles is printed beside), and prints MRR and
// accuracy@1/@5 per file. `--key all` prints the three word keys (folded words, light normaliser,
// Snowball stemmer) to measure what normalisation adds.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { attachLabelPack, validateLabelPack, type LocalizedLabels } from '../src/core/labelPacks.ts';
import { detectLanguage } from '../src/core/languageDetect.ts';
import { buildLanguageMatcher, rankTitle, type LanguageMatcher } from '../src/core/multilingualLexical.ts';
import { validateTaxonomy, type Taxonomy } from '../src/core/taxonomy.ts';
import type { KeyMode } from '../src/core/wordKeys.ts';
import { ROOT, TAXONOMY_DIR, TAXONOMY_FILE } from './build-taxonomy.ts';

const MELO = join(ROOT, '..', 'shared', 'eval', 'melo');
export const DEFAULT_TITLE_FILES = ['aut_de.csv', 'bel_fr.csv', 'bel_nl.csv', 'usa_en.dev.csv'].map((f) => join(MELO, f));

export interface TitleMetrics {
  file: string;
  language: string;
  n: number;
  mrr: number;
  acc1: number;
  acc5: number;
  /** Share of titles whose detected language is the file's language. */
  detected: number;
}

/** The file's language from its name: "aut_de.csv" -> "de", "usa_en.dev.csv" -> "en". */
export function languageOfFile(path: string): string {
  const m = /_([a-z]{2})(?:\.[a-z]+)?\.csv$/.exec(basename(path));
  if (!m) throw new Error(`cannot tell the language of ${path} from its name (expected e.g. aut_de.csv)`);
  return m[1];
}

export function loadPack(taxonomy: Taxonomy, language: string): LocalizedLabels | undefined {
  if (language === taxonomy.language) return undefined;
  try {
    return attachLabelPack(taxonomy, validateLabelPack(JSON.parse(readFileSync(join(TAXONOMY_DIR, `labels-${language}.json`), 'utf8')), taxonomy));
  } catch (e) {
    console.warn(`no usable label pack for ${language} (${e instanceof Error ? e.message : String(e)}): English labels only`);
    return undefined;
  }
}

export function evaluateTitles(matcher: LanguageMatcher, rows: { text: string; uri: string }[], taxonomy: Taxonomy, language: string, file: string): TitleMetrics {
  const uriIndex = new Map(taxonomy.occupations.map((o, i) => [o.uri, i]));
  let rr = 0;
  let a1 = 0;
  let a5 = 0;
  let det = 0;
  for (const row of rows) {
    const gold = uriIndex.get(row.uri);
    const ranked = rankTitle(matcher, row.text, { limit: 100 });
    const pos = gold === undefined ? -1 : ranked.findIndex((h) => h.index === gold);
    if (pos >= 0) rr += 1 / (pos + 1);
    if (pos === 0) a1++;
    if (pos >= 0 && pos < 5) a5++;
    if (detectLanguage(row.text).language === language) det++;
  }
  const n = rows.length;
  return { file: basename(file), language, n, mrr: rr / n, acc1: a1 / n, acc5: a5 / n, detected: det / n };
}

async function main() {
  const { values } = parseArgs({
    options: {
      key: { type: 'string', default: 'stem' },
      english: { type: 'string', default: 'on' },
      compound: { type: 'string', default: 'on' },
      lexical: { type: 'string', default: 'on' },
      fuzzy: { type: 'string', default: '0.2' },
      'gram-weight': { type: 'string' },
      data: { type: 'string' },
    },
  });
  const taxonomy = validateTaxonomy(JSON.parse(readFileSync(TAXONOMY_FILE, 'utf8')));
  const files = values.data ? values.data.split(',') : DEFAULT_TITLE_FILES;
  const modes: KeyMode[] = values.key === 'all' ? ['none', 'light', 'stem'] : [values.key as KeyMode];
  for (const m of modes) if (!['none', 'light', 'stem'].includes(m)) throw new Error(`--key must be none, light, stem or all (got ${m})`);
  console.log(`occupation title ranking, lexical + title search (english ${values.english}, compound heads ${values.compound}, label matcher ${values.lexical}, fuzzy ${values.fuzzy})`);
  console.log(['file', 'lang', 'key', 'n', 'MRR', 'acc@1', 'acc@5', 'detected', 'build ms'].map((s) => s.padEnd(10)).join(''));
  for (const file of files) {
    const language = languageOfFile(file);
    const rows = Papa.parse<{ text: string; uri: string }>(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
    const labels = loadPack(taxonomy, language);
    for (const mode of modes) {
      const t0 = performance.now();
      const matcher = await buildLanguageMatcher(taxonomy, labels, {
        keyMode: mode,
        englishTitles: values.english !== 'off',
        compounds: values.compound !== 'off',
        lexical: values.lexical !== 'off',
        fuzzy: Number(values.fuzzy),
        ...(values['gram-weight'] !== undefined ? { gramWeight: Number(values['gram-weight']) } : {}),
      });
      matcher.titles(); // the title index is built lazily: count it in the build time
      const ms = performance.now() - t0;
      const r = evaluateTitles(matcher, rows, taxonomy, language, file);
      console.log([r.file, r.language, mode, String(r.n), r.mrr.toFixed(3), r.acc1.toFixed(3), r.acc5.toFixed(3), r.detected.toFixed(2), ms.toFixed(0)].map((s) => s.padEnd(10)).join(''));
    }
  }
}

if (process.argv[1] && process.argv[1].endsWith('eval-titles.ts')) await main();
