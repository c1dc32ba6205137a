// Skill gap: which of an occupation's ESCO skills (essential and optional links) a text shows, with
// the evidence for each one found, which are missing, and how much of the profile that covers; and
// the gap as JSON and CSV for export. Uses the threshold cut (thresholds.ts) but never the display
// cap: a skill below the fortieth place is still found.
import Papa from 'papaparse';
import type { Candidate, Evidence } from './pipeline.ts';
import { applyThresholdsUncapped, settingsScore, type ShownCandidate, type ThresholdSettings } from './thresholds.ts';
import type { OccupationConcept, Taxonomy } from './taxonomy.ts';

export type SkillRelation = 'essential' | 'optional';

export interface FoundSkill {
  skillIndex: number;
  relation: SkillRelation;
  candidate: Candidate;
  /** settingsScore of the candidate (at or above the skill threshold). */
  score: number;
  /** The candidate's evidence, one per distinct span, best first (see evidenceScore). */
  evidence: Evidence[];
}

export interface MissingSkill {
  skillIndex: number;
  relation: SkillRelation;
  /** The text's candidate for this skill that scored below the threshold, if there was one. */
  belowThreshold: ShownCandidate | null;
}

export interface SkillGapPart {
  /** Best score first, then earliest evidence, then skill index. */
  found: FoundSkill[];
  /** In the occupation's link order (ESCO's order), so the list does not jump as thresholds move. */
  missing: MissingSkill[];
}

export interface SkillCoverage {
  essentialFound: number;
  essentialTotal: number;
  optionalFound: number;
  optionalTotal: number;
  /** found / total; null when the occupation has no links of that kind. */
  essentialShare: number | null;
  optionalShare: number | null;
  /** The headline figure, 0..1, per COVERAGE_DEFINITION. */
  profile: number;
}

export interface SkillGap {
  ok: true;
  occupationIndex: number;
  essential: SkillGapPart;
  optional: SkillGapPart;
  coverage: SkillCoverage;
  /** The skill threshold and score basis the gap was computed with (for exports). */
  skillThreshold: number;
  scoreBasis: ThresholdSettings['scoreBasis'];
}

export type SkillGapErrorReason = 'unknown-occupation' | 'isco-group' | 'no-skill-links';

export interface SkillGapError {
  ok: false;
  reason: SkillGapErrorReason;
  occupationIndex: number;
  /** A sentence for the UI that names the concept and what to do instead. */
  message: string;
  /**
   * Occupations with skill links to offer instead (indices into taxonomy.occupations): an ISCO
   * group's descendant occupations, or an unlinked occupation's siblings in its ISCO group. Nearest
   * first, then by label; all of them (the message names the first few).
   */
  suggestions: number[];
}

/** How much of the profile the essential skills make up in COVERAGE_DEFINITION. */
export const ESSENTIAL_WEIGHT = 0.75;

export const COVERAGE_DEFINITION =
  `Profile coverage = ${ESSENTIAL_WEIGHT * 100} % x (share of the occupation's essential skills found) + ` +
  `${(1 - ESSENTIAL_WEIGHT) * 100} % x (share of its optional skills found); when the occupation has only one kind of skill link, ` +
  'it is that kind\'s share. A skill counts as found when the text has a candidate for it at or above the skill threshold ' +
  '(the display limit on the number of skills shown does not apply). A skill ESCO lists as both essential and optional counts as essential.';

/** How many suggested occupations an error message names. */
export const MESSAGE_SUGGESTIONS = 5;

/**
 * The score an evidence span is ranked by within a candidate, on the candidate's own basis: a label
 * mention scores its lexical score; a retrieved segment its reranker probability or cosine.
 */
export function evidenceScore(e: Evidence, basis: ThresholdSettings['scoreBasis']): number {
  if (e.signal === 'lexical') return e.score;
  if (basis === 'retrieval') return e.score;
  if (basis === 'rerank') return e.rerank ?? 0;
  return e.rerank ?? e.score;
}

/** Evidence best first (ties: earlier span first), one entry per distinct span (its best). */
export function rankedEvidence(evidence: readonly Evidence[], basis: ThresholdSettings['scoreBasis']): Evidence[] {
  const sorted = [...evidence].sort((a, b) => evidenceScore(b, basis) - evidenceScore(a, basis) || a.start - b.start || a.end - b.end);
  const seen = new Set<string>();
  return sorted.filter((e) => {
    const k = `${e.start}:${e.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The best passing skill candidate per skill index, with the cut of `settings` and no display cap. */
function passingSkills(taxonomy: Taxonomy, candidates: readonly Candidate[], settings: ThresholdSettings): Map<number, ShownCandidate> {
  const { skills } = applyThresholdsUncapped(candidates, settings, taxonomy);
  const out = new Map<number, ShownCandidate>();
  for (const s of skills) if (!out.has(s.candidate.index)) out.set(s.candidate.index, s); // sorted best first
  return out;
}

function describe(o: OccupationConcept): string {
  return o.isIscoGroup ? `ISCO group ${o.iscoCode} '${o.label}'` : `occupation '${o.label}'`;
}

const hasLinks = (o: OccupationConcept) => !o.isIscoGroup && (o.essentialSkills.length > 0 || o.optionalSkills.length > 0);
// Case-folded code-unit order rather than localeCompare: the same order in every runtime and locale.
const byLabel = (taxonomy: Taxonomy) => (a: number, b: number) => {
  const la = taxonomy.occupations[a].label.toLowerCase();
  const lb = taxonomy.occupations[b].label.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : a - b;
};

const childrenCache = new WeakMap<Taxonomy, number[][]>();

function childrenOf(taxonomy: Taxonomy): number[][] {
  let children = childrenCache.get(taxonomy);
  if (!children) {
    children = taxonomy.occupations.map(() => []);
    taxonomy.occupations.forEach((o, i) => {
      if (o.parent >= 0 && o.parent < taxonomy.occupations.length && o.parent !== i) children![o.parent].push(i);
    });
    childrenCache.set(taxonomy, children);
  }
  return children;
}

/** Descendants with skill links, breadth first (nearest first), each level by label. */
function linkedDescendants(taxonomy: Taxonomy, root: number): number[] {
  const children = childrenOf(taxonomy);
  const out: number[] = [];
  const seen = new Set<number>([root]);
  let level = [root];
  while (level.length) {
    const next: number[] = [];
    for (const p of level) for (const c of children[p]) if (!seen.has(c)) {
      seen.add(c);
      next.push(c);
    }
    next.sort(byLabel(taxonomy));
    out.push(...next.filter((i) => hasLinks(taxonomy.occupations[i])));
    level = next;
  }
  return out;
}

function suggestionText(taxonomy: Taxonomy, suggestions: number[]): string {
  const named = suggestions.slice(0, MESSAGE_SUGGESTIONS).map((i) => `'${taxonomy.occupations[i].label}'`).join(', ');
  const more = suggestions.length > MESSAGE_SUGGESTIONS ? ` and ${suggestions.length - MESSAGE_SUGGESTIONS} more` : '';
  return `${named}${more}`;
}

function gapError(taxonomy: Taxonomy, occupationIndex: number): SkillGapError | null {
  const o = Number.isInteger(occupationIndex) ? taxonomy.occupations[occupationIndex] : undefined;
  if (!o) {
    return {
      ok: false, reason: 'unknown-occupation', occupationIndex, suggestions: [],
      message: `There is no occupation with index ${occupationIndex} in this taxonomy (ESCO ${taxonomy.escoVersion}, ${taxonomy.occupations.length} occupations).`,
    };
  }
  if (o.isIscoGroup) {
    const suggestions = linkedDescendants(taxonomy, occupationIndex);
    const tail = suggestions.length ? `; pick one of its occupations: ${suggestionText(taxonomy, suggestions)}.` : ' and no occupations with skill links under it.';
    return { ok: false, reason: 'isco-group', occupationIndex, suggestions, message: `${describe(o)} has no skill links in ESCO${tail}` };
  }
  if (!hasLinks(o)) {
    const parent = o.parent >= 0 ? taxonomy.occupations[o.parent] : undefined;
    const suggestions = parent ? childrenOf(taxonomy)[o.parent].filter((i) => i !== occupationIndex && hasLinks(taxonomy.occupations[i])).sort(byLabel(taxonomy)) : [];
    const tail = parent && suggestions.length ? `; occupations in the same ${describe(parent)} that have them: ${suggestionText(taxonomy, suggestions)}.` : '.';
    return { ok: false, reason: 'no-skill-links', occupationIndex, suggestions, message: `ESCO lists no essential or optional skills for ${describe(o)}${tail}` };
  }
  return null;
}

function share(found: number, total: number): number | null {
  return total > 0 ? found / total : null;
}

/** The headline figure of COVERAGE_DEFINITION. */
export function profileCoverage(essentialShare: number | null, optionalShare: number | null): number {
  if (essentialShare !== null && optionalShare !== null) return ESSENTIAL_WEIGHT * essentialShare + (1 - ESSENTIAL_WEIGHT) * optionalShare;
  return essentialShare ?? optionalShare ?? 0;
}

/**
 * The gap between an occupation's skill profile and the skills a text shows. `candidates` are the
 * extraction's (skill candidates count; others are ignored); only those at or above the skill
 * threshold count as found, however many there are.
 */
export function computeSkillGap(taxonomy: Taxonomy, occupationIndex: number, candidates: readonly Candidate[], settings: ThresholdSettings): SkillGap | SkillGapError {
  const error = gapError(taxonomy, occupationIndex);
  if (error) return error;
  const occupation = taxonomy.occupations[occupationIndex];
  const passing = passingSkills(taxonomy, candidates, settings);
  const below = new Map<number, ShownCandidate>();
  for (const c of candidates) {
    if (c.kind !== 'skill' || passing.has(c.index)) continue;
    const score = settingsScore(c, settings);
    const prev = below.get(c.index);
    if (!prev || score > prev.score) below.set(c.index, { candidate: c, score });
  }
  const essentialSet = new Set(occupation.essentialSkills);
  const part = (links: readonly number[], relation: SkillRelation, skip: ReadonlySet<number>): SkillGapPart => {
    const found: FoundSkill[] = [];
    const missing: MissingSkill[] = [];
    const done = new Set<number>();
    for (const s of links) {
      if (skip.has(s) || done.has(s)) continue;
      done.add(s);
      const hit = passing.get(s);
      if (hit) found.push({ skillIndex: s, relation, candidate: hit.candidate, score: hit.score, evidence: rankedEvidence(hit.candidate.evidence, settings.scoreBasis) });
      else missing.push({ skillIndex: s, relation, belowThreshold: below.get(s) ?? null });
    }
    found.sort((a, b) => b.score - a.score || a.candidate.firstOffset - b.candidate.firstOffset || a.skillIndex - b.skillIndex);
    return { found, missing };
  };
  const essential = part(occupation.essentialSkills, 'essential', new Set());
  const optional = part(occupation.optionalSkills, 'optional', essentialSet);
  const essentialTotal = essential.found.length + essential.missing.length;
  const optionalTotal = optional.found.length + optional.missing.length;
  const essentialShare = share(essential.found.length, essentialTotal);
  const optionalShare = share(optional.found.length, optionalTotal);
  return {
    ok: true,
    occupationIndex,
    essential,
    optional,
    coverage: {
      essentialFound: essential.found.length,
      essentialTotal,
      optionalFound: optional.found.length,
      optionalTotal,
      essentialShare,
      optionalShare,
      profile: profileCoverage(essentialShare, optionalShare),
    },
    skillThreshold: settings.skillThreshold,
    scoreBasis: settings.scoreBasis,
  };
}

// ---- export ----

export interface SkillGapJsonEvidence {
  start: number;
  end: number;
  signal: Evidence['signal'];
  text: string;
}

export interface SkillGapJsonEntry {
  skillUri: string;
  skillLabel: string;
  relation: SkillRelation;
  status: 'found' | 'missing';
  /** The candidate's score when found; null when missing. */
  score: number | null;
  /** A missing skill's candidate score below the threshold, if the text had one; null otherwise. */
  belowThresholdScore: number | null;
  /** Best first; empty when missing. Offsets are UTF-16 offsets into the analysed text. */
  evidence: SkillGapJsonEvidence[];
}

export interface SkillGapJson {
  escoVersion: string;
  occupation: { uri: string; label: string; iscoCode: string };
  skillThreshold: number;
  scoreBasis: ThresholdSettings['scoreBasis'];
  coverage: SkillCoverage & { definition: string };
  /** Essential found, essential missing, optional found, optional missing; each in the gap's order. */
  entries: SkillGapJsonEntry[];
}

function evidenceText(text: string, e: Evidence): string {
  if (e.start < 0 || e.end > text.length || e.start > e.end) {
    // Offsets beyond the text mean the caller passed another text than the one analysed: an export
    // with wrong snippets would look right and be wrong, so refuse it.
    throw new RangeError(`evidence span ${e.start}-${e.end} lies outside the text (length ${text.length}): pass the analysed text`);
  }
  return text.slice(e.start, e.end);
}

/** The gap as a plain, JSON-serialisable object; `text` is the text the candidates came from. */
export function skillGapToJson(gap: SkillGap, taxonomy: Taxonomy, text: string): SkillGapJson {
  const o = taxonomy.occupations[gap.occupationIndex];
  const entries: SkillGapJsonEntry[] = [];
  for (const part of [gap.essential, gap.optional]) {
    for (const f of part.found) {
      const s = taxonomy.skills[f.skillIndex];
      entries.push({
        skillUri: s.uri, skillLabel: s.label, relation: f.relation, status: 'found', score: f.score, belowThresholdScore: null,
        evidence: f.evidence.map((e) => ({ start: e.start, end: e.end, signal: e.signal, text: evidenceText(text, e) })),
      });
    }
    for (const m of part.missing) {
      const s = taxonomy.skills[m.skillIndex];
      entries.push({ skillUri: s.uri, skillLabel: s.label, relation: m.relation, status: 'missing', score: null, belowThresholdScore: m.belowThreshold?.score ?? null, evidence: [] });
    }
  }
  return {
    escoVersion: taxonomy.escoVersion,
    occupation: { uri: o.uri, label: o.label, iscoCode: o.iscoCode },
    skillThreshold: gap.skillThreshold,
    scoreBasis: gap.scoreBasis,
    coverage: { ...gap.coverage, definition: COVERAGE_DEFINITION },
    entries,
  };
}

/**
 * The CSV columns, in order. One row per skill of the occupation, in the order of SkillGapJson.entries.
 * score: empty when missing. evidence_offsets: "start-end;start-end" (UTF-16 offsets into the text),
 * best first; evidence_text: a JSON array of those spans' texts in the same order (texts may hold any
 * character, and a cell starting with "[" cannot be read as a spreadsheet formula). The same
 * conventions as the batch export (batch/rows.ts).
 */
export const SKILL_GAP_CSV_COLUMNS = ['occupation_uri', 'occupation_label', 'relation', 'status', 'skill_uri', 'skill_label', 'score', 'evidence_offsets', 'evidence_text'] as const;

export type SkillGapCsvRow = Record<(typeof SKILL_GAP_CSV_COLUMNS)[number], string>;

/** The CSV's data rows as string records (what papaparse reads back with header: true). */
export function skillGapCsvRows(gap: SkillGap, taxonomy: Taxonomy, text: string): SkillGapCsvRow[] {
  const json = skillGapToJson(gap, taxonomy, text);
  return json.entries.map((e) => ({
    occupation_uri: json.occupation.uri,
    occupation_label: json.occupation.label,
    relation: e.relation,
    status: e.status,
    skill_uri: e.skillUri,
    skill_label: e.skillLabel,
    score: e.score === null ? '' : String(e.score),
    evidence_offsets: e.evidence.map((x) => `${x.start}-${x.end}`).join(';'),
    evidence_text: JSON.stringify(e.evidence.map((x) => x.text)),
  }));
}

/** The gap as CSV (header line, "\n" line ends, RFC 4180 quoting by papaparse). */
export function skillGapToCsv(gap: SkillGap, taxonomy: Taxonomy, text: string): string {
  const rows = skillGapCsvRows(gap, taxonomy, text);
  return Papa.unparse({ fields: [...SKILL_GAP_CSV_COLUMNS], data: rows.map((r) => SKILL_GAP_CSV_COLUMNS.map((c) => r[c])) }, { newline: '\n' });
}
