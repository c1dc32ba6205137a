// Quality evaluation: reading labelled sentences (the Decorte et al. skill-extraction benchmark
// format, or a generic text,URI CSV) and computing ranking metrics (MRR, RP@k) and thresholded
// precision / recall / F1 with a threshold sweep. Used by `npm run eval` (scripts/eval.ts).
import Papa from 'papaparse';

export interface LabelledSentence {
  text: string;
  /** ESCO concept URIs that are relevant for the text; may be empty (no ESCO label applies). */
  relevant: string[];
}

export interface ParsedEvalFile {
  sentences: LabelledSentence[];
  /** Labels that could not be mapped to a URI (reported, not silently dropped). */
  unmappedLabels: string[];
}

/** Labels in the Decorte files that mean "no ESCO skill", not a concept. */
const NON_LABELS = new Set(['LABEL NOT PRESENT', 'UNDERSPECIFIED']);

function parseRows(text: string, name: string): { rows: Record<string, string>[]; fields: string[] } {
  const r = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' });
  if (!r.meta.fields?.length) throw new Error(`${name}: no header row`);
  return { rows: r.data, fields: r.meta.fields };
}

/**
 * Decorte format: `sentence,span,sub_span,label`, one row per span, labels are ESCO v1.1 preferred
 * labels. Rows are grouped by sentence (in order of first appearance, duplicates merged).
 */
export function parseDecorteCsv(text: string, name: string, uriByLabel: ReadonlyMap<string, string>): ParsedEvalFile {
  const { rows, fields } = parseRows(text, name);
  for (const f of ['sentence', 'label']) if (!fields.includes(f)) throw new Error(`${name}: no column "${f}" (found: ${fields.join(', ')})`);
  const bySentence = new Map<string, Set<string>>();
  const unmapped = new Set<string>();
  for (const row of rows) {
    const sentence = (row.sentence ?? '').trim();
    if (!sentence) continue;
    const set = bySentence.get(sentence) ?? new Set<string>();
    bySentence.set(sentence, set);
    const label = (row.label ?? '').trim();
    if (!label || NON_LABELS.has(label)) continue;
    const uri = uriByLabel.get(label) ?? uriByLabel.get(label.toLowerCase());
    if (uri) set.add(uri);
    else unmapped.add(label);
  }
  return { sentences: [...bySentence].map(([t, s]) => ({ text: t, relevant: [...s] })), unmappedLabels: [...unmapped] };
}

/** Generic format: columns `text` and `uri` (one row per pair; rows with the same text are merged). */
export function parseGenericCsv(text: string, name: string): ParsedEvalFile {
  const { rows, fields } = parseRows(text, name);
  for (const f of ['text', 'uri']) if (!fields.includes(f)) throw new Error(`${name}: no column "${f}" (found: ${fields.join(', ')})`);
  const byText = new Map<string, Set<string>>();
  for (const row of rows) {
    const t = (row.text ?? '').trim();
    if (!t) continue;
    const set = byText.get(t) ?? new Set<string>();
    byText.set(t, set);
    const uri = (row.uri ?? '').trim();
    if (uri) set.add(uri);
  }
  return { sentences: [...byText].map(([t, s]) => ({ text: t, relevant: [...s] })), unmappedLabels: [] };
}

export interface RankedPrediction {
  uri: string;
  score: number;
}

export interface EvalMetrics {
  sentences: number;
  /** Sentences with at least one relevant concept: the ones ranking metrics are averaged over. */
  rankedSentences: number;
  mrr: number;
  rp1: number;
  rp5: number;
  rp10: number;
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  bestThreshold: number;
  bestF1: number;
  bestPrecision: number;
  bestRecall: number;
}

interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

function prfAt(predictions: RankedPrediction[][], gold: Set<string>[], threshold: number, maxPerText: number): Prf {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  predictions.forEach((preds, i) => {
    const kept = preds.filter((p) => p.score >= threshold).slice(0, maxPerText);
    const hit = kept.filter((p) => gold[i].has(p.uri)).length;
    tp += hit;
    fp += kept.length - hit;
    fn += gold[i].size - hit;
  });
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Relevant in the top k over min(k, number relevant). */
export function rPrecisionAt(ranked: string[], relevant: Set<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (const uri of ranked.slice(0, k)) if (relevant.has(uri)) hits++;
  return hits / Math.min(k, relevant.size);
}

export function reciprocalRank(ranked: string[], relevant: Set<string>): number {
  const i = ranked.findIndex((u) => relevant.has(u));
  return i < 0 ? 0 : 1 / (i + 1);
}

/** `predictions[i]` must be sorted best first. */
export function evaluate(sentences: LabelledSentence[], predictions: RankedPrediction[][], threshold: number, maxPerText = 40): EvalMetrics {
  const gold = sentences.map((s) => new Set(s.relevant));
  let mrr = 0;
  let rp1 = 0;
  let rp5 = 0;
  let rp10 = 0;
  let ranked = 0;
  predictions.forEach((preds, i) => {
    if (gold[i].size === 0) return;
    ranked++;
    const uris = preds.map((p) => p.uri);
    mrr += reciprocalRank(uris, gold[i]);
    rp1 += rPrecisionAt(uris, gold[i], 1);
    rp5 += rPrecisionAt(uris, gold[i], 5);
    rp10 += rPrecisionAt(uris, gold[i], 10);
  });
  const at = prfAt(predictions, gold, threshold, maxPerText);
  let best = { t: threshold, ...at };
  for (let step = 0; step <= 100; step++) {
    const t = step / 100;
    const r = prfAt(predictions, gold, t, maxPerText);
    if (r.f1 > best.f1) best = { t, ...r };
  }
  const n = ranked || 1;
  return {
    sentences: sentences.length,
    rankedSentences: ranked,
    mrr: mrr / n,
    rp1: rp1 / n,
    rp5: rp5 / n,
    rp10: rp10 / n,
    threshold,
    ...at,
    bestThreshold: best.t,
    bestF1: best.f1,
    bestPrecision: best.precision,
    bestRecall: best.recall,
  };
}
