// `npm run eval -- --kind crosslang [--model multilingual-e5-small] [--languages de,fr,nl] [--limit 400]`:
// a cross-language check built from ESCO itself (issue 23). The skill labels of another language
// (preferred and alternative, from its label pack) are embedded as queries, the way a pasted text is,
// and ranked against the English skill vectors of the shipped cache: MRR and accuracy@1/@5 of the
// labelled concept. Labels that equal some English label after case and accent folding are left out,
// so what is measured is the model crossing languages, not string identity.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appConfig } from '../../src/core/appConfig.ts';
import { attachLabelPack, validateLabelPack } from '../../src/core/labelPacks.ts';
import { foldWord } from '../../src/core/lexical.ts';
import { findPreset } from '../../src/core/models.ts';
import { topK } from '../../src/core/vectors.ts';
import { TAXONOMY_DIR } from '../build-taxonomy.ts';
import type { EvalEnv } from './harness.ts';

const fold = (s: string) => s.split(/\s+/).map(foldWord).join(' ').trim();

/** MRR within the top k, and accuracy @1 / @5 in percent, of each query's gold concept (`indices`: k per query). */
export function goldRankMetrics(indices: Int32Array, gold: readonly number[], k: number): { mrr: number; at1: number; at5: number } {
  let rr = 0;
  let at1 = 0;
  let at5 = 0;
  gold.forEach((g, q) => {
    const j = indices.subarray(q * k, (q + 1) * k).indexOf(g);
    if (j < 0) return;
    rr += 1 / (j + 1);
    if (j === 0) at1++;
    if (j < 5) at5++;
  });
  const n = gold.length || 1;
  return { mrr: rr / n, at1: (100 * at1) / n, at5: (100 * at5) / n };
}

export async function crossLanguageSection(env: EvalEnv, presetId: string, languages: string[], limit: number): Promise<string> {
  const spec = findPreset(presetId).embedder;
  const app = appConfig(presetId);
  const embedder = await env.queryEmbedder(presetId, spec.dtype.node, Boolean(spec.queryInstruction));
  const { matrices } = await env.conceptMatrices(presetId, app.conceptText.skill, app.conceptText.occupation);
  const english = new Set<string>();
  for (const c of env.taxonomy.skills) for (const l of [c.label, ...c.altLabels]) english.add(fold(l));
  const rows = ['| language | labels | MRR | acc@1 | acc@5 |', '|---|---:|---:|---:|---:|'];
  for (const language of languages) {
    const pack = attachLabelPack(env.taxonomy, validateLabelPack(JSON.parse(readFileSync(join(TAXONOMY_DIR, `labels-${language}.json`), 'utf8')), env.taxonomy));
    const items: { text: string; index: number }[] = [];
    pack.skills.forEach((e, index) => {
      if (!e) return;
      for (const text of [e.label, ...(e.alt ?? [])]) if (!english.has(fold(text))) items.push({ text, index });
    });
    // every k-th item: deterministic, spread over the taxonomy
    const step = Math.max(1, Math.floor(items.length / limit));
    const sample = items.filter((_, k) => k % step === 0).slice(0, limit);
    const vectors = await embedder.embed(sample.map((s) => s.text));
    const k = 50;
    const hits = topK(matrices.skill, vectors, sample.length, k);
    const m = goldRankMetrics(hits.indices, sample.map((s) => s.index), k);
    rows.push(`| ${language} | ${sample.length} | ${m.mrr.toFixed(3)} | ${m.at1.toFixed(1)} | ${m.at5.toFixed(1)} |`);
  }
  return [`### Cross-language skill check from ESCO (${presetId}; a language's skill labels against the English skill vectors, exact English labels left out; MRR within the top 50)`, '', ...rows].join('\n');
}
