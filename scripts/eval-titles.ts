// `npm run eval:titles -- [--model none,bge-small-en,multilingual-e5-small] [--fusion score|rrf] [--rrf-k 2] [--model-weight 2]
//   [--key none|light|stem|all] [--english on|off] [--compound on|off] [--lexical on|off] [--fuzzy 0.2]
//   [--gram-weight 0.5] [--data a.csv,b.csv]`
// `npm run eval:titles -- --ads ../shared/eval/ads [--model multilingual-e5-small|none]`: for each .txt
//   ad of the folder, the title the app finds (adTitle.ts) and the occupation it shows for it (label
//   matching + title search in the detected language and English, then where no label names it the
//   preset's model fused with them: titleModel.ts modelTitleOccupation, as the app and the CLI do),
//   with the lexical ranking's first three; unlabelled ads, for reading by hand.
// Occupation ranking of job titles: for each title of the MELO validation files
// (../shared/eval/melo/*.csv, `text,uri`, one gold URI each, ISCO groups included) it ranks ESCO
// occupations with label matching + title search (rankTitle, src/core/multilingualLexical.ts) over the
// English labels and the label pack of the file's language (aut_de -> de, bel_fr -> fr, ...; the
// language comes from the file name, and the detector's accuracy on the titles is printed beside), and
// with the hybrid ranking (src/core/occupationRanking.ts): the same fused (by score, or by reciprocal
// rank) with an embedding model's cosine of the title (gender markers removed, as in an ad's title
// text) to each occupation (the preset's query embedder and its occupation matrix, as the app ships
// it; a preset whose files or matrix are missing is reported and skipped). Prints MRR and accuracy@1/@5 per file and ranker,
// and the occupation the app would show for the title ("shown": share of titles shown one, "shown
// acc": accuracy of those): lexical, the label path (an exact label, label words); with a preset, that
// path then the model's where no label names it (titleModel.ts titleOccupationWithHits, its bar). `--key all` prints the three word keys
// (folded words, light normaliser, Snowball stemmer) to measure what normalisation adds.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { attachLabelPack, validateLabelPack, type LocalizedLabels } from '../src/core/labelPacks.ts';
import { detectLanguage } from '../src/core/languageDetect.ts';
import { findAdTitle } from '../src/core/adTitle.ts';
import { stripGenderMarkers } from '../src/core/genderForms.ts';
import { chooseLanguage, detectText } from '../src/core/languageMatching.ts';
import { appConfig } from '../src/core/appConfig.ts';
import { buildLanguageMatcher, type LanguageMatcher } from '../src/core/multilingualLexical.ts';
import { findPreset } from '../src/core/models.ts';
import { rankTitleOccupations, titleModelWeight, titleOccupation, TITLE_FUSION, type ModelHit, type TitleRankingOptions } from '../src/core/occupationRanking.ts';
import { modelHitsOf, modelTitleOccupation, titleModelTexts, titleOccupationWithHits, TITLE_MODEL_DEPTH, type TitleModel } from '../src/core/titleModel.ts';
import { conceptTopK } from '../src/core/conceptRows.ts';
import type { TitleHit } from '../src/core/titleSearch.ts';
import { validateTaxonomy, type Taxonomy } from '../src/core/taxonomy.ts';
import type { KeyMode } from '../src/core/wordKeys.ts';
import { ROOT, TAXONOMY_DIR, TAXONOMY_FILE } from './build-taxonomy.ts';

const MELO = join(ROOT, '..', 'shared', 'eval', 'melo');
export const DEFAULT_TITLE_FILES = ['aut_de.csv', 'bel_fr.csv', 'bel_nl.csv', 'usa_en.dev.csv'].map((f) => join(MELO, f));

export interface TitleMetrics {
  file: string;
  language: string;
  /** 'lexical' (label matching + title search) or 'lexical+<preset>' (fused with the model). */
  ranker: string;
  n: number;
  mrr: number;
  acc1: number;
  acc5: number;
  /** Share of titles whose detected language is the file's language. */
  detected: number;
  /**
   * The occupation the app shows for the title (the title's occupation, titleModel.ts
   * titleOccupationWithHits: the label path, then with the model where the ranker has one): share of
   * titles shown one, and the accuracy of those shown.
   */
  shown: number;
  shownAcc: number;
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

/**
 * MRR and accuracy@1/@5 of a ranking over the titles. `model` gives the model's hits per title (same
 * order as rows) for the hybrid ranking; without it the ranking is label matching + title search.
 */
export function evaluateTitles(
  matcher: LanguageMatcher,
  rows: { text: string; uri: string }[],
  taxonomy: Taxonomy,
  language: string,
  file: string,
  options: { ranker?: string; model?: ModelHit[][]; ranking?: TitleRankingOptions; shownModel?: { presetId: string; hits: ModelHit[][][] } } = {},
): TitleMetrics {
  const uriIndex = new Map(taxonomy.occupations.map((o, i) => [o.uri, i]));
  let rr = 0;
  let a1 = 0;
  let a5 = 0;
  let det = 0;
  let shown = 0;
  let shownOk = 0;
  rows.forEach((row, i) => {
    const gold = uriIndex.get(row.uri);
    const ranked = rankTitleOccupations(matcher, row.text, { limit: 100, ...options.ranking, ...(options.model ? { model: options.model[i] } : {}) });
    const pos = gold === undefined ? -1 : ranked.findIndex((h) => h.index === gold);
    if (pos >= 0) rr += 1 / (pos + 1);
    if (pos === 0) a1++;
    if (pos >= 0 && pos < 5) a5++;
    if (detectLanguage(row.text).language === language) det++;
    const { modelWeight: _w, model: _m, ...lexicalOptions } = options.ranking ?? {};
    const s = options.shownModel
      ? titleOccupationWithHits(matcher, row.text, options.shownModel.presetId, options.shownModel.hits[i], { ranking: lexicalOptions })
      : titleOccupation(matcher, row.text, lexicalOptions);
    if (s) {
      shown++;
      if (s.best.index === gold) shownOk++;
    }
  });
  const n = rows.length;
  return { file: basename(file), language, ranker: options.ranker ?? 'lexical', n, mrr: rr / n, acc1: a1 / n, acc5: a5 / n, detected: det / n, shown: shown / n, shownAcc: shown ? shownOk / shown : 0 };
}

/**
 * The model's top occupations for each title: the preset's query embedder (as the app embeds a title)
 * and its occupation matrix (the shipped precomputed asset, else computed and cached by the eval).
 * Undefined, with the reason printed, when the preset or its files are missing.
 */
export async function modelHits(presetId: string, taxonomy: Taxonomy, titles: string[], depth: number): Promise<ModelHit[][] | undefined> {
  try {
    findPreset(presetId);
  } catch (e) {
    console.warn(`model ${presetId}: ${e instanceof Error ? e.message : String(e)}: skipped`);
    return undefined;
  }
  try {
    const { EvalEnv } = await import('./eval/harness.ts');
    const env = (evalEnv ??= new EvalEnv(taxonomy));
    const spec = findPreset(presetId).embedder;
    const app = appConfig(presetId);
    const embedder = await env.queryEmbedder(presetId, spec.dtype.node, Boolean(spec.queryInstruction));
    const { matrices, owners } = await env.conceptMatrices(presetId, app.conceptText.skill, app.conceptText.occupation);
    const vectors = await embedder.embed(titles);
    env.saveCaches();
    return modelHitsOf(conceptTopK(matrices.occupation, owners.occupation, vectors, titles.length, depth));
  } catch (e) {
    console.warn(`model ${presetId} not available (${e instanceof Error ? e.message : String(e)}): skipped`);
    return undefined;
  }
}
let evalEnv: import('./eval/harness.ts').EvalEnv | undefined;

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'none,bge-small-en,multilingual-e5-small' },
      fusion: { type: 'string' },
      'rrf-k': { type: 'string' },
      'model-weight': { type: 'string' },
      key: { type: 'string', default: 'stem' },
      english: { type: 'string', default: 'on' },
      compound: { type: 'string', default: 'on' },
      lexical: { type: 'string', default: 'on' },
      fuzzy: { type: 'string', default: '0.2' },
      'gram-weight': { type: 'string' },
      data: { type: 'string' },
      ads: { type: 'string' },
    },
  });
  const taxonomy = validateTaxonomy(JSON.parse(readFileSync(TAXONOMY_FILE, 'utf8')));
  if (values.ads) {
    // the ads' titles with the model the app offers offline unless --model names one ('none': labels only)
    const model = values.model === 'none,bge-small-en,multilingual-e5-small' ? 'multilingual-e5-small' : values.model!.split(',')[0];
    return showAdTitles(taxonomy, values.ads, model === 'none' ? undefined : model);
  }
  const files = values.data ? values.data.split(',') : DEFAULT_TITLE_FILES;
  const modes: KeyMode[] = values.key === 'all' ? ['none', 'light', 'stem'] : [values.key as KeyMode];
  for (const m of modes) if (!['none', 'light', 'stem'].includes(m)) throw new Error(`--key must be none, light, stem or all (got ${m})`);
  const presets = values.model!.split(',').filter((p) => p && p !== 'none');
  if (values.fusion !== undefined && values.fusion !== 'score' && values.fusion !== 'rrf') throw new Error(`--fusion must be score or rrf (got ${values.fusion})`);
  const ranking: TitleRankingOptions = {
    ...(values.fusion !== undefined ? { fusion: values.fusion as 'score' | 'rrf' } : {}),
    ...(values['rrf-k'] !== undefined ? { rrfK: Number(values['rrf-k']) } : {}),
    ...(values['model-weight'] !== undefined ? { modelWeight: Number(values['model-weight']) } : {}),
  };
  console.log(`occupation title ranking: label matching + title search (english ${values.english}, compound heads ${values.compound}, label matcher ${values.lexical}, fuzzy ${values.fuzzy}), alone and fused with ${presets.join(', ') || 'no model'} (fusion ${ranking.fusion ?? TITLE_FUSION}, model weight ${ranking.modelWeight ?? "the preset's (titleModelWeight)"}${ranking.fusion === 'rrf' ? `, RRF k ${ranking.rrfK ?? 'default'}` : ''})`);
  console.log(['file', 'lang', 'key', 'ranker', 'n', 'MRR', 'acc@1', 'acc@5', 'detected', 'build ms', 'shown', 'shown acc'].map((s, i) => s.padEnd(i === 3 ? 34 : 10)).join(''));
  for (const file of files) {
    const language = languageOfFile(file);
    const rows = Papa.parse<{ text: string; uri: string }>(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
    const labels = loadPack(taxonomy, language);
    const models = new Map<string, ModelHit[][]>();
    const shownModels = new Map<string, ModelHit[][][]>();
    // what the model reads of each title (titleModel.ts): the title without gender markers, as the
    // app's title text is (adTitle.ts), then its phrases
    const texts = rows.map((r) => titleModelTexts(r.text, language));
    for (const p of presets) {
      const flat = await modelHits(p, taxonomy, texts.flat(), 100);
      if (!flat) continue;
      const per: ModelHit[][][] = [];
      const whole: ModelHit[][] = [];
      let at = 0;
      texts.forEach((t, i) => {
        per.push(flat.slice(at, at + t.length).map((h) => h.slice(0, TITLE_MODEL_DEPTH)));
        // the MRR ranking reads the whole title's hits (the first text), as before
        whole.push(t[0] === stripGenderMarkers(rows[i].text) ? flat[at] : []);
        at += t.length;
      });
      models.set(p, whole);
      shownModels.set(p, per);
    }
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
      const lexicalCache = new Map<string, TitleHit[]>();
      const runs: { ranker: string; model?: ModelHit[][] }[] = [{ ranker: 'lexical' }, ...[...models].map(([p, m]) => ({ ranker: `lexical+${p}`, model: m })), ...[...models].map(([p, m]) => ({ ranker: `${p} alone`, model: m, alone: true }))];
      for (const run of runs) {
        const r = 'alone' in run
          ? evaluateModelAlone(run.model!, rows, taxonomy, language, file, run.ranker)
          : evaluateTitles(matcher, rows, taxonomy, language, file, {
              ranker: run.ranker,
              model: run.model,
              ...(run.model ? { shownModel: { presetId: run.ranker.replace('lexical+', ''), hits: shownModels.get(run.ranker.replace('lexical+', ''))! } } : {}),
              // the preset's own weight (titleModelWeight) unless --model-weight says otherwise
              ranking: { ...(run.model && (ranking.fusion ?? TITLE_FUSION) === 'score' ? { modelWeight: titleModelWeight(run.ranker.replace('lexical+', '')) } : {}), ...ranking, lexicalCache },
            });
        console.log([r.file, r.language, mode, r.ranker, String(r.n), r.mrr.toFixed(3), r.acc1.toFixed(3), r.acc5.toFixed(3), r.detected.toFixed(2), ms.toFixed(0), 'alone' in run ? '' : r.shown.toFixed(3), 'alone' in run ? '' : r.shownAcc.toFixed(3)].map((s, i) => s.padEnd(i === 3 ? 34 : 10)).join(''));
      }
    }
  }
}

/** The model's ranking alone (cosine order), for comparison. */
function evaluateModelAlone(model: ModelHit[][], rows: { text: string; uri: string }[], taxonomy: Taxonomy, language: string, file: string, ranker: string): TitleMetrics {
  const uriIndex = new Map(taxonomy.occupations.map((o, i) => [o.uri, i]));
  let rr = 0;
  let a1 = 0;
  let a5 = 0;
  rows.forEach((row, i) => {
    const pos = model[i].findIndex((h) => h.index === uriIndex.get(row.uri));
    if (pos >= 0) rr += 1 / (pos + 1);
    if (pos === 0) a1++;
    if (pos >= 0 && pos < 5) a5++;
  });
  const n = rows.length;
  return { file: basename(file), language, ranker, n, mrr: rr / n, acc1: a1 / n, acc5: a5 / n, detected: NaN, shown: NaN, shownAcc: NaN };
}

/** Prints, per ad of a folder, its title and the occupation shown for it (the app's: labels, then the preset's model where they name none). */
async function showAdTitles(taxonomy: Taxonomy, dir: string, presetId?: string): Promise<void> {
  const model: TitleModel | undefined = presetId
    ? { presetId, nearest: async (texts, depth) => (await modelHits(presetId, taxonomy, texts, depth)) ?? texts.map(() => []) }
    : undefined;
  const matchers = new Map<string, LanguageMatcher>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt')).sort()) {
    const text = readFileSync(join(dir, f), 'utf8');
    const language = chooseLanguage((await detectText(text)).detected, '');
    let matcher = matchers.get(language);
    if (!matcher) {
      matcher = await buildLanguageMatcher(taxonomy, loadPack(taxonomy, language));
      matchers.set(language, matcher);
    }
    const title = findAdTitle(text, { language: matcher.language });
    const r = title ? await modelTitleOccupation(matcher, text, model) : null;
    const ranking = title ? rankTitleOccupations(matcher, title, { limit: 3 }) : [];
    const shown = !r
      ? 'none'
      : 'shortlist' in r
        ? `none yet; the whole ad decides among: ${r.shortlist.map((o) => taxonomy.occupations[o.index].label).join(' | ')}`
        : `${r.label} [${taxonomy.occupations[r.index].label}] (${r.reason}; from "${text.slice(r.start, r.end)}")`;
    const next = ranking.map((o) => taxonomy.occupations[o.index].label).join(' | ');
    console.log(`${f} (${language}): ${title ? `"${title.text}"` : 'no title'} -> ${shown}${title ? `\n    ranking: ${next}` : ''}`);
  }
}

if (process.argv[1] && process.argv[1].endsWith('eval-titles.ts')) await main();
