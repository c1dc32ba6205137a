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

// ---------------------------------------------------------------------------------------------
// occupations: one gold concept per title (MELO, generic text,uri files)

export interface OccupationMetrics {
  titles: number;
  /** Titles with a gold concept. */
  ranked: number;
  mrr: number;
  acc1: number;
  acc5: number;
  /** Share of titles whose first prediction clears the threshold (what a user sees at all). */
  answered: number;
  threshold: number;
}

/** MRR and accuracy@1/@5 of the gold concept; `predictions[i]` sorted best first. */
export function evaluateOccupations(items: LabelledSentence[], predictions: RankedPrediction[][], threshold: number): OccupationMetrics {
  let mrr = 0;
  let acc1 = 0;
  let acc5 = 0;
  let answered = 0;
  let ranked = 0;
  items.forEach((item, i) => {
    if (item.relevant.length === 0) return;
    ranked++;
    const gold = new Set(item.relevant);
    const uris = predictions[i].map((p) => p.uri);
    mrr += reciprocalRank(uris, gold);
    const first = uris.findIndex((u) => gold.has(u));
    if (first === 0) acc1++;
    if (first >= 0 && first < 5) acc5++;
    if (predictions[i].length && predictions[i][0].score >= threshold) answered++;
  });
  const n = ranked || 1;
  return { titles: items.length, ranked, mrr: mrr / n, acc1: acc1 / n, acc5: acc5 / n, answered: answered / n, threshold };
}

// ---------------------------------------------------------------------------------------------
// whole postings: SkillSpan (one JSON object a line, one line a sentence, BIO tags)

export interface TaggedSpan {
  start: number;
  end: number;
  type: 'skill' | 'knowledge';
}

export interface Posting {
  source: string;
  idx: number;
  /** Tokens joined by single spaces, one sentence a line. */
  text: string;
  spans: TaggedSpan[];
  words: number;
}

interface SkillSpanLine {
  idx: number;
  source: string;
  tokens: string[];
  tags_skill: string[];
  tags_knowledge: string[];
}

/** Rebuilds whole postings from SkillSpan sentence lines, grouped by (source, idx) in order of appearance. */
export function parseSkillSpan(jsonl: string): Posting[] {
  const byKey = new Map<string, { source: string; idx: number; lines: SkillSpanLine[] }>();
  for (const raw of jsonl.split('\n')) {
    if (!raw.trim()) continue;
    const line = JSON.parse(raw) as SkillSpanLine;
    const key = `${line.source}\u0000${line.idx}`;
    const entry = byKey.get(key) ?? { source: line.source, idx: line.idx, lines: [] };
    byKey.set(key, entry);
    entry.lines.push(line);
  }
  const postings: Posting[] = [];
  for (const { source, idx, lines } of byKey.values()) {
    let text = '';
    const spans: TaggedSpan[] = [];
    let words = 0;
    for (const line of lines) {
      if (text) text += '\n';
      const open: Record<TaggedSpan['type'], TaggedSpan | null> = { skill: null, knowledge: null };
      line.tokens.forEach((tok, t) => {
        if (t > 0) text += ' ';
        const start = text.length;
        text += tok;
        words++;
        for (const type of ['skill', 'knowledge'] as const) {
          const tag = (type === 'skill' ? line.tags_skill : line.tags_knowledge)[t] ?? 'O';
          const cur = open[type];
          if (tag === 'B' || (tag === 'I' && !cur)) {
            const span = { start, end: text.length, type };
            spans.push(span);
            open[type] = span;
          } else if (tag === 'I' && cur) cur.end = text.length;
          else open[type] = null;
        }
      });
    }
    postings.push({ source, idx, text, spans, words });
  }
  return postings;
}

export interface ShownSkillEvidence {
  uri: string;
  /** Spans of the text that made this skill shown (label mentions, segments scoring above the cut). */
  spans: { start: number; end: number }[];
}

export interface PostingMetrics {
  shown: number;
  /** Shown skills with evidence overlapping a tagged span. */
  supported: number;
  tagged: number;
  /** Tagged spans overlapped by some shown skill's evidence. */
  covered: number;
  words: number;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

export function postingMetrics(posting: Posting, shown: ShownSkillEvidence[]): PostingMetrics {
  let supported = 0;
  for (const s of shown) if (s.spans.some((e) => posting.spans.some((t) => overlaps(e, t)))) supported++;
  let covered = 0;
  for (const t of posting.spans) if (shown.some((s) => s.spans.some((e) => overlaps(e, t)))) covered++;
  return { shown: shown.length, supported, tagged: posting.spans.length, covered, words: posting.words };
}

export interface AdMetrics {
  postings: number;
  words: number;
  shownPerPosting: number;
  per100Words: number;
  /** Macro (mean over postings with at least one shown skill) and micro (pooled) precision proxy. */
  precisionMacro: number;
  precisionMicro: number;
  /** Macro (mean over postings with a tagged span) and micro recall proxy. */
  recallMacro: number;
  recallMicro: number;
}

export function aggregateAdMetrics(per: PostingMetrics[]): AdMetrics {
  const sum = (f: (m: PostingMetrics) => number) => per.reduce((a, m) => a + f(m), 0);
  const withShown = per.filter((m) => m.shown > 0);
  const withTags = per.filter((m) => m.tagged > 0);
  const shown = sum((m) => m.shown);
  const tagged = sum((m) => m.tagged);
  const words = sum((m) => m.words);
  return {
    postings: per.length,
    words,
    shownPerPosting: per.length ? shown / per.length : 0,
    per100Words: words ? (100 * shown) / words : 0,
    precisionMacro: withShown.length ? withShown.reduce((a, m) => a + m.supported / m.shown, 0) / withShown.length : 0,
    precisionMicro: shown ? sum((m) => m.supported) / shown : 0,
    recallMacro: withTags.length ? withTags.reduce((a, m) => a + m.covered / m.tagged, 0) / withTags.length : 0,
    recallMicro: tagged ? sum((m) => m.covered) / tagged : 0,
  };
}

/** One score band of the shown predictions: how many, and the share that is a gold label. */
export interface ReliabilityBand {
  from: number;
  to: number;
  shown: number;
  right: number;
}

/**
 * Reliability of the scores: the predictions at or above `threshold` (at most `maxPerText` a text, as
 * shown), over sentences with a gold label, split into bands by score; a calibrated score has a higher
 * share right in a higher band.
 */
export function reliabilityBands(items: LabelledSentence[], predictions: RankedPrediction[][], threshold: number, edges: number[], maxPerText = Infinity): ReliabilityBand[] {
  const scored: { score: number; right: boolean }[] = [];
  items.forEach((item, i) => {
    if (!item.relevant.length) return;
    const gold = new Set(item.relevant);
    for (const p of predictions[i].filter((x) => x.score >= threshold).slice(0, maxPerText)) scored.push({ score: p.score, right: gold.has(p.uri) });
  });
  return bandCounts(scored, threshold, edges);
}

/**
 * Scored results counted into bands from `threshold` up (the band edges above it, the last band open):
 * how many fall in each, and how many of them are right. A result under the threshold is left out.
 */
export function bandCounts(scored: readonly { score: number; right: boolean }[], threshold: number, edges: number[]): ReliabilityBand[] {
  const cuts = [threshold, ...edges.filter((e) => e > threshold), Infinity];
  const bands: ReliabilityBand[] = cuts.slice(0, -1).map((from, i) => ({ from, to: cuts[i + 1], shown: 0, right: 0 }));
  for (const x of scored) {
    const band = bands.find((b) => x.score >= b.from && x.score < b.to);
    if (!band) continue;
    band.shown++;
    if (x.right) band.right++;
  }
  return bands;
}
