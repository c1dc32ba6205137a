// Pure formatting of the shown results for export: a JSON document (URIs, labels, scores, evidence
// spans with offsets and text, model hash, ESCO version, timestamp) and a CSV with one row per
// result. No DOM here, so it is unit-tested in Node. `label` is always the English preferred label;
// the label shown in the app's display language sits beside it with its language code.
import { displayLabel, type LocalizedLabels } from '../core/labelPacks.ts';
import type { Candidate, ExtractionStage } from '../core/pipeline.ts';
import type { ShownCandidate, ThresholdSettings } from '../core/thresholds.ts';
import type { ConceptKind, Taxonomy } from '../core/taxonomy.ts';

export const EXPORT_FORMAT = 'esco-skill-finder/results@1';

export interface ExportedEvidence {
  start: number;
  end: number;
  text: string;
  signal: 'lexical' | 'embedding';
  score: number;
  rerank?: number;
}

export interface ExportedResult {
  kind: ConceptKind;
  uri: string;
  /** The English preferred label. */
  label: string;
  /** Language code of `label` (the taxonomy's: en). */
  labelLanguage: string;
  /** The label shown in the app: the display language's, or English where it has none. */
  displayLabel: string;
  displayLanguage: string;
  /** True when the display language has no label for the concept and English is shown. */
  displayFallback: boolean;
  /** The score shown in the app (what the threshold cut applies to). */
  score: number;
  scores: { retrieval: number; rerank: number | null; lexical: number; document: number | null };
  signals: string[];
  /** Skills: ESCO skill type and reuse level; occupations: ISCO code. */
  skillType?: string;
  reuseLevel?: string;
  iscoCode?: string;
  firstOffset: number;
  evidence: ExportedEvidence[];
  /** A skill folded into another shown entry as its variant (skillVariants.ts): that entry's URI. */
  variantOf?: string;
}

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  exportedAt: string;
  escoVersion: string;
  /** Embedding cache (model) hash; null when only lexical matching ran. */
  modelHash: string | null;
  models: { embedder: string | null; reranker: string | null };
  stage: ExtractionStage;
  thresholds: ThresholdSettings;
  textLength: number;
  /** Language the text was treated as (detected or chosen); null when not known. */
  textLanguage: string | null;
  /** Language results were shown in (per concept English where it has no label). */
  displayLanguage: string;
  skills: ExportedResult[];
  occupations: ExportedResult[];
}

export interface ExportInput {
  taxonomy: Taxonomy;
  /** The text the result was computed on: evidence offsets refer to it. */
  text: string;
  skills: readonly ShownCandidate[];
  occupations: readonly ShownCandidate[];
  stage: ExtractionStage;
  thresholds: ThresholdSettings;
  modelHash: string | null;
  models?: { embedder: string | null; reranker: string | null };
  /** ISO timestamp; passed in so output is deterministic in tests. */
  exportedAt: string;
  /** Labels of the display language (absent: English). */
  labels?: LocalizedLabels | null;
  textLanguage?: string | null;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

function exportCandidate(input: ExportInput, shown: ShownCandidate): ExportedResult {
  const c: Candidate = shown.candidate;
  const exists = c.kind === 'skill' ? Boolean(input.taxonomy.skills[c.index]) : Boolean(input.taxonomy.occupations[c.index]);
  const d = exists ? displayLabel(input.taxonomy, input.labels ?? undefined, c.kind, c.index) : { label: '', language: input.taxonomy.language, fallback: false };
  const base = {
    kind: c.kind,
    labelLanguage: input.taxonomy.language,
    displayLabel: d.label,
    displayLanguage: d.language,
    displayFallback: d.fallback,
    score: round(shown.score),
    scores: {
      retrieval: round(c.retrieval),
      rerank: c.rerank === undefined ? null : round(c.rerank),
      lexical: round(c.lexical),
      document: c.document === undefined ? null : round(c.document),
    },
    signals: [...c.signals],
    firstOffset: c.firstOffset,
    evidence: [...c.evidence]
      .sort((a, b) => a.start - b.start || a.end - b.end)
      .map((e) => ({
        start: e.start,
        end: e.end,
        text: input.text.slice(e.start, e.end),
        signal: e.signal,
        score: round(e.score),
        ...(e.rerank === undefined ? {} : { rerank: round(e.rerank) }),
      })),
  };
  if (c.kind === 'skill') {
    const s = input.taxonomy.skills[c.index];
    return { ...base, uri: s?.uri ?? '', label: s?.label ?? '', skillType: s?.skillType ?? '', reuseLevel: s?.reuseLevel ?? '' };
  }
  const o = input.taxonomy.occupations[c.index];
  return { ...base, uri: o?.uri ?? '', label: o?.label ?? '', iscoCode: o?.iscoCode ?? '' };
}

export function buildExport(input: ExportInput): ExportDocument {
  return {
    format: EXPORT_FORMAT,
    exportedAt: input.exportedAt,
    escoVersion: input.taxonomy.escoVersion,
    modelHash: input.modelHash,
    models: input.models ?? { embedder: null, reranker: null },
    stage: input.stage,
    thresholds: { ...input.thresholds },
    textLength: input.text.length,
    textLanguage: input.textLanguage ?? null,
    displayLanguage: input.labels?.language ?? input.taxonomy.language,
    // Variants folded into an entry are shown skills too: listed after it, marked with its URI.
    skills: input.skills.flatMap((s) => {
      const entry = exportCandidate(input, s);
      return [entry, ...(s.variants ?? []).map((v) => ({ ...exportCandidate(input, v), variantOf: entry.uri }))];
    }),
    occupations: input.occupations.map((s) => exportCandidate(input, s)),
  };
}

export function toJson(doc: ExportDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'kind',
  'uri',
  'label',
  'score',
  'retrieval',
  'rerank',
  'lexical',
  'document',
  'signals',
  'type',
  'first_offset',
  'evidence',
  'model_hash',
  'esco_version',
  'exported_at',
  'display_label',
  'display_language',
  'text_language',
  'variant_of',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF or edge whitespace, with
 * quotes doubled. Text that a spreadsheet would run as a formula (leading = + - @ tab CR) gets a
 * leading apostrophe, because evidence text comes from pasted documents.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(doc: ExportDocument): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const r of [...doc.skills, ...doc.occupations]) {
    const type = r.kind === 'skill' ? [r.skillType, r.reuseLevel].filter(Boolean).join(' / ') : r.iscoCode ? `ISCO ${r.iscoCode}` : '';
    const evidence = r.evidence.map((e) => `${e.start}-${e.end}: ${e.text}`).join(' | ');
    const fields: Array<string | number | null> = [
      r.kind,
      r.uri,
      r.label,
      r.score,
      r.scores.retrieval,
      r.scores.rerank,
      r.scores.lexical,
      r.scores.document,
      r.signals.join(' '),
      type,
      r.firstOffset,
      evidence,
      doc.modelHash,
      doc.escoVersion,
      doc.exportedAt,
      r.displayLabel,
      r.displayLanguage,
      doc.textLanguage,
      r.variantOf ?? null,
    ];
    rows.push(fields.map(csvField).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

/** A file name such as esco-results-2026-01-31T12-00-00.json. */
export function exportFileName(exportedAt: string, ext: 'json' | 'csv'): string {
  return `esco-results-${exportedAt.replace(/\.\d+Z$/, '').replace(/[:]/g, '-')}.${ext}`;
}
