// `npm run eval -- --kind inlang [--model multilingual-e5-small] [--languages de,fr] [--limit n]`: what skill label
// vectors in the text's language would add, measured on parallel text from ESCO itself. The skills of
// ESCO's collections (digital, green, transversal, language, research) have descriptions in English and
// in German and French (../shared/esco/v1.2.0/de, v1.1.1/fr): the same content in two languages. Each
// description is embedded as a query, the way a pasted passage is, and its skill is ranked
//   1. English description against the English skill vectors (the shipped cache): the reference;
//   2. the other language's description against the English vectors: what the app does today;
//   3. the same against the English vectors plus the language's skill labels (its label pack) embedded
//      as passages, each concept scoring its best row.
// MRR within the top 50, accuracy@1/@5, and the median cosine of the right skill, which says whether
// one cut means the same in both languages. Not part of the app: it measures a design (EVAL.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appConfig } from '../../src/core/appConfig.ts';
import { parseCsv } from '../../src/core/escoCsv.ts';
import { attachLabelPack, validateLabelPack } from '../../src/core/labelPacks.ts';
import { labelVectorTexts } from '../../src/core/labelVectors.ts';
import { findPreset, passageText } from '../../src/core/models.ts';
import { conceptTopK } from '../../src/core/conceptRows.ts';
import { dot, getRow, quantizeMatrix, type ConceptMatrix } from '../../src/core/vectors.ts';
import { ROOT, TAXONOMY_DIR } from '../build-taxonomy.ts';
import { goldRankMetrics } from './crossLanguage.ts';
import type { EvalEnv } from './harness.ts';

/** Where each language's official ESCO files with skill descriptions are. */
const DESCRIPTION_DIRS: Record<string, string> = {
  de: join(ROOT, '..', 'shared', 'esco', 'v1.2.0', 'de'),
  fr: join(ROOT, '..', 'shared', 'esco', 'v1.1.1', 'fr'),
};
const K = 50;

interface Scored {
  mrr: number;
  at1: number;
  at5: number;
  medianGold: number;
}

/** Rank each query's gold concept: MRR, accuracy and the gold's own cosine (its best row). */
function score(matrix: ConceptMatrix, owners: Int32Array | undefined, queries: Float32Array, gold: number[]): Scored {
  const dims = matrix.dims;
  const hits = conceptTopK(matrix, owners, queries, gold.length, K, {});
  const rowsOf = new Map<number, number[]>();
  owners?.forEach((owner, r) => {
    const rows = rowsOf.get(owner);
    if (rows) rows.push(r);
    else rowsOf.set(owner, [r]);
  });
  const cosines = gold.map((g, q) => Math.max(...(rowsOf.get(g) ?? [g]).map((r) => dot(getRow(matrix, r), queries.subarray(q * dims, (q + 1) * dims)))));
  cosines.sort((a, b) => a - b);
  return { ...goldRankMetrics(hits.indices, gold, K), medianGold: cosines[Math.floor(cosines.length / 2)] ?? 0 };
}

/** The language's collection skills with a description, joined to the taxonomy by URI. */
function describedSkills(env: EvalEnv, language: string): { index: number; text: string }[] {
  const dir = DESCRIPTION_DIRS[language];
  if (!dir) throw new Error(`no ESCO descriptions known for "${language}" (known: ${Object.keys(DESCRIPTION_DIRS).join(', ')})`);
  const row = new Map(env.taxonomy.skills.map((s, i) => [s.uri, i]));
  const out = new Map<number, string>();
  for (const file of readdirSync(dir).filter((f) => /SkillsCollection_/.test(f))) {
    for (const r of parseCsv({ name: file, text: readFileSync(join(dir, file), 'utf8') }, ['conceptUri', 'description'])) {
      const index = row.get(r.conceptUri);
      const text = r.description?.trim();
      if (index !== undefined && text && env.taxonomy.skills[index].description.trim()) out.set(index, text);
    }
  }
  return [...out].map(([index, text]) => ({ index, text }));
}

export async function inLanguageSection(env: EvalEnv, presetId: string, languages: string[], limit = Infinity): Promise<string> {
  const spec = findPreset(presetId).embedder;
  const app = appConfig(presetId);
  const query = await env.queryEmbedder(presetId, spec.dtype.node, Boolean(spec.queryInstruction));
  const passage = await env.rawEmbedder(presetId, spec.dtype.node);
  const { matrices } = await env.conceptMatrices(presetId, app.conceptText.skill, app.conceptText.occupation);
  const english = matrices.skill;
  const dims = english.dims;
  const rows = [
    '| language | descriptions | English description, English vectors | description in the language, English vectors | the same, English vectors + the language\'s labels |',
    '|---|---:|---|---|---|',
  ];
  const cell = (s: Scored) => `${s.mrr.toFixed(3)} / ${s.at1.toFixed(1)} / ${s.at5.toFixed(1)} (median ${s.medianGold.toFixed(3)})`;
  for (const language of languages) {
    // every k-th description when limited: deterministic, spread over the collections
    const described = describedSkills(env, language);
    const step = Math.max(1, Math.floor(described.length / limit));
    const items = described.filter((_, k) => k % step === 0).slice(0, limit);
    const gold = items.map((x) => x.index);
    const englishQueries = await query.embed(gold.map((i) => env.taxonomy.skills[i].description.trim()));
    const languageQueries = await query.embed(items.map((x) => x.text));
    // the language's skill labels as extra rows, owned by their concepts
    const pack = attachLabelPack(env.taxonomy, validateLabelPack(JSON.parse(readFileSync(join(TAXONOMY_DIR, `labels-${language}.json`), 'utf8')), env.taxonomy));
    // the rows the app ships for the language (src/core/labelVectors.ts)
    const labels = labelVectorTexts(pack).map((t) => ({ index: t.owner, text: t.text }));
    const labelVectors = await passage.embed(labels.map((l) => passageText(spec, l.text)));
    const n = english.rows;
    const all = new Float32Array((n + labels.length) * dims);
    for (let i = 0; i < n; i++) all.set(getRow(english, i), i * dims);
    all.set(labelVectors, n * dims);
    const combined = quantizeMatrix(all, n + labels.length, dims, 'int8');
    const owners = Int32Array.from([...Array.from({ length: n }, (_, i) => i), ...labels.map((l) => l.index)]);
    rows.push(
      `| ${language} | ${items.length} | ${cell(score(english, undefined, englishQueries, gold))} | ${cell(score(english, undefined, languageQueries, gold))} | ${cell(score(combined, owners, languageQueries, gold))} |`,
    );
  }
  return [
    `### Skill labels in the text's language (${presetId}; ESCO collection skills' descriptions as queries; MRR / acc@1 / acc@5 within the top 50, median cosine of the right skill)`,
    '',
    ...rows,
  ].join('\n');
}
