// Result rows of a batch: compact candidates (deduplicated evidence with its text, so stored
// results need no document text), ranking and the threshold cut through thresholds.ts, and the
// CSV / JSONL line formats the CLI writes and the browser's downloads stream. Scores are rounded to
// 4 decimals: enough for any cut, and the same document gives byte-identical lines in every run,
// which is what lets shard outputs be compared and concatenated.
import Papa from 'papaparse';
import type { ExtractionResult } from '../pipeline.ts';
import type { ConceptKind, Taxonomy } from '../taxonomy.ts';
import { applyThresholds, settingsScore, type ThresholdSettings } from '../thresholds.ts';
import type { BatchCandidate, BatchEvidence, DocumentResult, ResultRow } from './types.ts';

/** Evidence spans kept per concept: the strongest, in text order. */
export const MAX_EVIDENCE = 10;

export type OutputFormat = 'jsonl' | 'csv';
/** 'shown': one line per (document, concept) that passes the thresholds. 'ranked': every candidate, ranked (JSONL: one line per document). */
export type OutputMode = 'shown' | 'ranked';

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Candidates of the chosen kinds with deduplicated, capped evidence that carries its text. */
export function compactCandidates(result: ExtractionResult, text: string, kinds: readonly ConceptKind[]): BatchCandidate[] {
  const out: BatchCandidate[] = [];
  for (const c of result.candidates) {
    if (!kinds.includes(c.kind)) continue;
    const bySpan = new Map<string, BatchCandidate['evidence'][number]>();
    for (const e of c.evidence) {
      const key = `${e.start}:${e.end}`;
      const prev = bySpan.get(key);
      // A label mention outranks a model hit on the same span: it says which label matched.
      if (!prev || (e.signal === 'lexical' && prev.signal !== 'lexical') || (e.signal === prev.signal && e.score > prev.score)) {
        bySpan.set(key, { ...e, text: text.slice(e.start, e.end) });
      }
    }
    const evidence = [...bySpan.values()]
      .sort((a, b) => (b.signal === 'lexical' ? 1 : 0) - (a.signal === 'lexical' ? 1 : 0) || b.score - a.score || a.start - b.start)
      .slice(0, MAX_EVIDENCE)
      .sort((a, b) => a.start - b.start || a.end - b.end);
    out.push({ ...c, signals: [...c.signals], evidence });
  }
  return out;
}

/** Every candidate as a row, ranked per kind by final score; `shown` marks what passes the cut. */
export function rankRows(id: string, candidates: readonly BatchCandidate[], settings: ThresholdSettings, taxonomy: Taxonomy): ResultRow[] {
  const cut = applyThresholds(candidates, settings, { isIscoGroup: (i) => taxonomy.occupations[i]?.isIscoGroup ?? false });
  const shown = new Set<unknown>([...cut.skills, ...cut.occupations].map((s) => s.candidate));
  const rows: ResultRow[] = [];
  for (const kind of ['skill', 'occupation'] as const) {
    const ranked = candidates
      .filter((c) => c.kind === kind)
      .map((c) => ({ c, score: settingsScore(c, settings) }))
      .sort((a, b) => b.score - a.score || a.c.firstOffset - b.c.firstOffset || a.c.index - b.c.index);
    ranked.forEach(({ c, score }, i) => {
      const concept = kind === 'skill' ? taxonomy.skills[c.index] : taxonomy.occupations[c.index];
      const row: ResultRow = {
        id,
        kind,
        rank: i + 1,
        uri: concept.uri,
        label: concept.label,
        score: round(score),
        retrieval: round(c.retrieval),
        lexical: round(c.lexical),
        signals: [...c.signals],
        shown: shown.has(c),
        evidence: c.evidence.map((e): BatchEvidence => ({ start: e.start, end: e.end, signal: e.signal, score: round(e.score), text: e.text })),
      };
      if (c.rerank !== undefined) row.rerank = round(c.rerank);
      if (c.document !== undefined) row.document = round(c.document);
      if (c.title !== undefined) row.title = round(c.title);
      if (kind === 'occupation' && taxonomy.occupations[c.index].isIscoGroup) row.iscoGroup = true;
      rows.push(row);
    });
  }
  return rows;
}

/** A stored document re-cut with other thresholds: no model runs. */
export function recutDocument(doc: DocumentResult, settings: ThresholdSettings, taxonomy: Taxonomy): DocumentResult {
  return { ...doc, rows: rankRows(doc.id, doc.candidates, settings, taxonomy) };
}

/** The row as a JSON object with a fixed key order (`shown` only in ranked mode, where it varies). */
function rowObject(row: ResultRow, withId: boolean, withShown: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (withId) o.id = row.id;
  o.kind = row.kind;
  o.rank = row.rank;
  o.uri = row.uri;
  o.label = row.label;
  o.score = row.score;
  o.retrieval = row.retrieval;
  o.lexical = row.lexical;
  if (row.rerank !== undefined) o.rerank = row.rerank;
  if (row.document !== undefined) o.document = row.document;
  if (row.title !== undefined) o.title = row.title;
  o.signals = row.signals;
  if (row.iscoGroup) o.iscoGroup = true;
  if (withShown) o.shown = row.shown;
  o.evidence = row.evidence.map((e) => ({ start: e.start, end: e.end, signal: e.signal, score: e.score, text: e.text }));
  return o;
}

export const CSV_COLUMNS = ['id', 'kind', 'rank', 'uri', 'label', 'score', 'retrieval', 'lexical', 'rerank', 'document', 'title', 'signals', 'isco_group', 'shown', 'evidence_offsets', 'evidence_text'] as const;

/** The CSV header line (with its newline). */
export function csvHeaderLine(): string {
  return `${CSV_COLUMNS.join(',')}\n`;
}

/**
 * One CSV line. evidence_offsets: "start-end;start-end" (UTF-16 offsets into the document text);
 * evidence_text: a JSON array of the spans' texts in the same order (texts may hold any character).
 */
export function csvLine(row: ResultRow): string {
  const num = (x: number | undefined) => (x === undefined ? '' : String(x));
  const values = [
    row.id,
    row.kind,
    String(row.rank),
    row.uri,
    row.label,
    num(row.score),
    num(row.retrieval),
    num(row.lexical),
    num(row.rerank),
    num(row.document),
    num(row.title),
    row.signals.join(';'),
    row.iscoGroup ? 'true' : 'false',
    row.shown ? 'true' : 'false',
    row.evidence.map((e) => `${e.start}-${e.end}`).join(';'),
    JSON.stringify(row.evidence.map((e) => e.text)),
  ];
  return `${Papa.unparse([values], { newline: '\n', header: false })}\n`;
}

/** One JSONL line per row. */
export function jsonlLine(row: ResultRow, mode: OutputMode = 'shown'): string {
  return `${JSON.stringify(rowObject(row, true, mode === 'ranked'))}\n`;
}

/** Ranked JSONL: one line per document, its full ranked candidate list per kind. */
export function rankedJsonlLine(doc: DocumentResult): string {
  const o = {
    id: doc.id,
    line: doc.line,
    skill: doc.rows.filter((r) => r.kind === 'skill').map((r) => rowObject(r, false, true)),
    occupation: doc.rows.filter((r) => r.kind === 'occupation').map((r) => rowObject(r, false, true)),
  };
  return `${JSON.stringify(o)}\n`;
}

/** The rows a document contributes to the output in a mode. */
export function outputRows(doc: DocumentResult, mode: OutputMode): ResultRow[] {
  return mode === 'ranked' ? doc.rows : doc.rows.filter((r) => r.shown);
}

/** The output text of one document (possibly empty: no concept passed the cut). */
export function formatDocument(doc: DocumentResult, format: OutputFormat, mode: OutputMode): string {
  if (format === 'jsonl' && mode === 'ranked') return rankedJsonlLine(doc);
  const rows = outputRows(doc, mode);
  let s = '';
  for (const r of rows) s += format === 'csv' ? csvLine(r) : jsonlLine(r, mode);
  return s;
}
