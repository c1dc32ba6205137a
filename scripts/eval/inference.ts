// `npm run eval -- --kind inference`: do occupations inferred from a posting's skills agree with the
// occupation its title names? SkillSpan dev postings have no occupation labels, so the title line
// stands in for one: its top occupation (the pipeline's occupation ranking of the title line alone)
// is compared with the occupations ranked from the body alone (posting minus the title line): from
// the skills shown at the preset's default threshold (src/core/occupationInference.ts), from the
// body's direct occupation matches, and from both combined. Agreement, not accuracy: a title's top-1
// is itself a model guess.
import { inferOccupations, DIRECT_WEIGHT, PRIOR_MASS, type InferenceOptions, type InferredOccupation } from '../../src/core/occupationInference.ts';
import type { Posting } from '../../src/core/evaluation.ts';
import type { Candidate } from '../../src/core/pipeline.ts';
import { applyThresholds, settingsScore, type ShownCandidate } from '../../src/core/thresholds.ts';
import type { EvalConfig, EvalEnv } from './harness.ts';

/** The first line of a posting, whether it reads as a job title, and the text matched for it. */
export interface PostingTitle {
  /** The posting's first line (in SkillSpan: its first sentence). */
  raw: string;
  /** The title matched: placeholders and bracketed asides removed; null when the line is not title-like. */
  title: string | null;
  /** Why the line is not title-like. */
  reason?: string;
  /** The posting without its first line: what occupations are inferred from. */
  body: string;
}

/** Words that may be lower-case in a title ("Engineer with Integration Expertise"). */
const CONNECTORS = new Set(['a', 'an', 'and', 'as', 'at', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with', 'within', 'by', 'from']);
const HEADINGS = /^(job |position )?(description|profile|summary)$|^about( us)?$|^(the )?(role|position|job|opportunity)$|^we offer$|^your (role|tasks)$/i;
const MAX_WORDS = 12; // as the pipeline's titleLineOf
const MIN_CAPITALISED = 2 / 3;

export const TITLE_RULE =
  'the first line of the posting (its first SkillSpan sentence) with `<PLACEHOLDER>` tokens and bracketed asides such as "( m/f/d )" removed is title-like when it does not end in . ? or !, has no "key: value" colon, has 2 to 12 words (hyphenated parts counted apart), is not a section heading (Description, About us, Job description, ...), and at least two thirds of the words before the first spaced dash or bar, connectors (a, and, at, for, of, the, with, ...) left out, start with a capital letter or digit (job titles are written in title case; opening sentences and slogans are not). The cleaned line is what is matched as the title.';

export function postingTitle(text: string): PostingTitle {
  const nl = text.indexOf('\n');
  const raw = (nl < 0 ? text : text.slice(0, nl)).trim();
  const body = nl < 0 ? '' : text.slice(nl + 1);
  const no = (reason: string): PostingTitle => ({ raw, title: null, reason, body });
  const cleaned = raw
    .replace(/<[A-Z_]+>?/g, ' ')
    .replace(/\([^)]*\)?/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s\-–—|/,:·]+|[\s\-–—|/,:·]+$/g, '');
  if (/[.?!]$/.test(raw)) return no('a sentence');
  if (raw.includes(':')) return no('a "key: value" line');
  // Hyphenated compounds count as their parts: "Frontend-Developer" is two words.
  const words = cleaned.split(/[\s\-–—/]+/).filter((w) => /\p{L}/u.test(w));
  if (words.length === 0) return no('placeholders only');
  if (words.length < 2) return no('one word');
  if (words.length > MAX_WORDS) return no('too long for a title');
  if (HEADINGS.test(cleaned)) return no('a section heading');
  // Title case is judged on the title proper, before a spaced dash or bar: what follows is often the
  // contract, place or stack ("Java Developer – Full-time job").
  const head = cleaned.split(/\s[-–—|]\s/)[0];
  const content = head.split(/[\s\-–—/]+/).filter((w) => /\p{L}/u.test(w) && !CONNECTORS.has(w.toLowerCase()));
  const capitalised = content.filter((w) => /^[\p{Lu}\p{N}]/u.test(w.replace(/^[^\p{L}\p{N}]+/u, ''))).length;
  if (content.length === 0 || capitalised / content.length < MIN_CAPITALISED) return no('not in title case');
  return { raw, title: cleaned, body };
}

export type InferenceMode = 'skills' | 'direct' | 'directShown' | 'combined' | 'combinedFull';
export const MODE_LABELS: Record<InferenceMode, string> = {
  skills: 'inferred from skills only',
  direct: 'direct from body only (full ranking)',
  directShown: 'direct from body only (shown: default threshold, max 8)',
  combined: 'combined: skills + shown direct matches (what the app would show)',
  combinedFull: 'combined: skills + full direct ranking',
};
const MODES = Object.keys(MODE_LABELS) as InferenceMode[];

/** One used posting: the inputs of the inference, kept so option sweeps need no second model run. */
export interface InferenceItem {
  posting: Posting;
  title: string;
  raw: string;
  /** Title top-1 (index into taxonomy.occupations; ISCO groups left out), -1 when nothing matched. */
  titleTop: number;
  titleScore: number;
  skills: ShownCandidate[];
  shownOccupations: ShownCandidate[];
  /** Every body occupation candidate (ISCO groups left out) with its score, best first. */
  allOccupations: ShownCandidate[];
}

export interface AgreementRow {
  mode: InferenceMode;
  /** Postings with a title top-1 (the ones scored). */
  postings: number;
  /** Postings where the mode ranked nothing. */
  empty: number;
  at1: number;
  at5: number;
  /** Top-1s in the same ISCO-08 unit group (4 digits). */
  isco1: number;
  /** Top-1s in the same ISCO-08 sub-major group (2 digits, e.g. 25 ICT professionals). */
  iscoMajor1: number;
}

export interface InferenceRun {
  presetId: string;
  items: InferenceItem[];
  /** Postings whose first line is not title-like, with the reason. */
  excluded: { posting: Posting; raw: string; reason: string }[];
  ms: number;
}

/** The app's configuration for a preset (the harness fills in src/core/appConfig.ts), the one the inference is measured on. */
export function appEvalConfig(presetId: string, patch: Partial<EvalConfig> = {}): EvalConfig {
  return { name: 'pipeline (app defaults)', system: 'pipeline', presetId, ...patch };
}

export async function collectInference(env: EvalEnv, config: EvalConfig, postings: Posting[]): Promise<InferenceRun> {
  const t0 = performance.now();
  const settings = env.settingsFor(config);
  const occs = env.taxonomy.occupations;
  const ctx = { isIscoGroup: (i: number) => occs[i].isIscoGroup };
  const ranked = (cands: Candidate[]): ShownCandidate[] =>
    cands
      .filter((c) => c.kind === 'occupation' && !occs[c.index].isIscoGroup)
      .map((c) => ({ candidate: c, score: settingsScore(c, settings) }))
      .sort((a, b) => b.score - a.score || a.candidate.index - b.candidate.index);
  const items: InferenceItem[] = [];
  const excluded: InferenceRun['excluded'] = [];
  for (const p of postings) {
    const t = postingTitle(p.text);
    if (t.title === null) {
      excluded.push({ posting: p, raw: t.raw, reason: t.reason ?? '' });
      continue;
    }
    const title = ranked(await env.candidates(config, t.title));
    const body = await env.candidates(config, t.body);
    const shown = applyThresholds(body, settings, ctx);
    items.push({ posting: p, title: t.title, raw: t.raw, titleTop: title[0]?.candidate.index ?? -1, titleScore: title[0]?.score ?? 0, skills: shown.skills, shownOccupations: shown.occupations, allOccupations: ranked(body) });
  }
  return { presetId: config.presetId, items, excluded, ms: performance.now() - t0 };
}

/** The ranking of one mode for one posting (occupation indices, best first). */
export function modeRanking(env: EvalEnv, item: InferenceItem, mode: InferenceMode, options: InferenceOptions = {}): InferredOccupation[] {
  const t = env.taxonomy;
  switch (mode) {
    case 'skills':
      return inferOccupations(t, item.skills, [], options);
    case 'direct':
      return inferOccupations(t, [], item.allOccupations, options);
    case 'directShown':
      return inferOccupations(t, [], item.shownOccupations, options);
    case 'combined':
      return inferOccupations(t, item.skills, item.shownOccupations, options);
    case 'combinedFull':
      return inferOccupations(t, item.skills, item.allOccupations, options);
  }
}

export function agreement(env: EvalEnv, run: InferenceRun, mode: InferenceMode, options: InferenceOptions = {}): AgreementRow {
  const row: AgreementRow = { mode, postings: 0, empty: 0, at1: 0, at5: 0, isco1: 0, iscoMajor1: 0 };
  const occs = env.taxonomy.occupations;
  for (const item of run.items) {
    if (item.titleTop < 0) continue;
    row.postings++;
    const r = modeRanking(env, item, mode, { ...options, limit: 5 });
    if (!r.length) row.empty++;
    if (r[0]?.index === item.titleTop) row.at1++;
    if (r.some((x) => x.index === item.titleTop)) row.at5++;
    const a = r[0] ? occs[r[0].index].iscoCode : '';
    const b = occs[item.titleTop].iscoCode;
    if (a && a === b) row.isco1++;
    if (a.length >= 2 && a.slice(0, 2) === b.slice(0, 2)) row.iscoMajor1++;
  }
  return row;
}

const pct = (n: number, d: number) => (d ? ((100 * n) / d).toFixed(1) : '-');

export function formatAgreementTable(rows: { model: string; row: AgreementRow }[]): string {
  return [
    '| model | ranking from the body | postings | agreement@1 | agreement@5 | same ISCO unit group @1 | same ISCO sub-major group @1 | nothing ranked |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(({ model, row: r }) => `| ${model} | ${MODE_LABELS[r.mode]} | ${r.postings} | ${pct(r.at1, r.postings)} | ${pct(r.at5, r.postings)} | ${pct(r.isco1, r.postings)} | ${pct(r.iscoMajor1, r.postings)} | ${r.empty} |`),
  ].join('\n');
}

/** Inference time per posting for the app's combined mode (every occupation explained). */
function inferenceMs(env: EvalEnv, run: InferenceRun): number {
  const t0 = performance.now();
  for (const item of run.items) modeRanking(env, item, 'combined');
  return run.items.length ? (performance.now() - t0) / run.items.length : 0;
}

export function formatExamples(env: EvalEnv, run: InferenceRun, count: number): string {
  const occs = env.taxonomy.occupations;
  const lines: string[] = [];
  for (const item of run.items.slice(0, count)) {
    const top = item.titleTop >= 0 ? `${occs[item.titleTop].label} (${item.titleScore.toFixed(2)})` : 'none';
    const mark = (i: number) => `${occs[i].label}${i === item.titleTop ? ' ✓' : ''}`;
    const combined = modeRanking(env, item, 'combined', { limit: 3 }).map((x) => `${mark(x.index)} (${x.score.toFixed(2)})`);
    lines.push(`- **${item.posting.source} ${item.posting.idx}** "${item.title}" → title top-1: ${top}; body: ${item.skills.length} skills and ${item.shownOccupations.length} occupations shown. Combined top-3: ${combined.join('; ') || 'none'}. Inferred from skills only, top-3:`);
    modeRanking(env, item, 'skills', { limit: 3 }).forEach((x, i) => {
      lines.push(`  ${i + 1}. ${mark(x.index)}: coverage ${x.coverage.toFixed(3)}; ${x.explanation}`);
    });
  }
  return lines.join('\n');
}

const SWEEP_DIRECT = [0.25, DIRECT_WEIGHT, 0.75, 1];
const SWEEP_PRIOR = [1, PRIOR_MASS, 6];

export function formatSweep(env: EvalEnv, run: InferenceRun): string {
  const head = `| prior mass \\ direct weight | ${SWEEP_DIRECT.map((d) => `${d}`).join(' | ')} |`;
  const sep = `|---|${SWEEP_DIRECT.map(() => '---:').join('|')}|`;
  const rows = SWEEP_PRIOR.map((p) => {
    const cells = SWEEP_DIRECT.map((d) => {
      const a = agreement(env, run, 'combined', { priorMass: p, directWeight: d });
      return `${pct(a.at1, a.postings)} / ${pct(a.at5, a.postings)}`;
    });
    const s = agreement(env, run, 'skills', { priorMass: p });
    return `| ${p}${p === PRIOR_MASS ? ' (default)' : ''} (skills only: ${pct(s.at1, s.postings)} / ${pct(s.at5, s.postings)}) | ${cells.join(' | ')} |`;
  });
  return [head, sep, ...rows].join('\n');
}

/** The EVAL.md section: rule, agreement per model and mode, a sensitivity sweep and examples. */
export async function inferenceSection(env: EvalEnv, postings: Posting[], presets: string[], log: (l: string) => void = (l) => console.error(l)): Promise<string> {
  const runs: InferenceRun[] = [];
  for (const presetId of presets) {
    const run = await collectInference(env, appEvalConfig(presetId), postings);
    env.saveCaches();
    log(`inference ${presetId}: ${run.items.length} postings with a title line in ${(run.ms / 1000).toFixed(0)} s`);
    runs.push(run);
  }
  const first = runs[0];
  const rows = runs.flatMap((run) => MODES.map((mode) => ({ model: run.presetId === 'none' ? 'none (labels only)' : run.presetId, row: agreement(env, run, mode) })));
  const byReason = new Map<string, number>();
  for (const e of first?.excluded ?? []) byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);
  const real = runs.find((r) => r.presetId !== 'none') ?? first;
  const md = [
    '## Occupations inferred from skills',
    '',
    `SkillSpan dev has no occupation labels, so the posting's title line stands in for one. Title line: ${TITLE_RULE}`,
    '',
    `Postings with a title-like first line: ${first?.items.length ?? 0} of ${postings.length} (${[...new Set(first?.items.map((i) => i.posting.source))].map((s) => `${first!.items.filter((i) => i.posting.source === s).length} ${s}`).join(', ')}); excluded: ${[...byReason].map(([r, n]) => `${n} ${r}`).join(', ') || 'none'}.`,
    '"Title top-1" is the top occupation of the pipeline\'s ranking of the cleaned title line alone (as for MELO titles, but ISCO groups left out, as the app shows them by default). The body (the posting minus its first line) is run through the pipeline with the app\'s defaults (concept texts, skipped non-job sections) and cut at the preset\'s default thresholds; occupations are then ranked from the skills shown (`inferOccupations`, src/core/occupationInference.ts: IOF-weighted coverage of essential and half-weighted optional skills, shrunk by a prior mass of ' +
      `${PRIOR_MASS}), from the body's own occupation matches, or both (score = 1 - (1 - coverage) x (1 - ${DIRECT_WEIGHT} x direct)). agreement@1: the body's top-1 is the title top-1; agreement@5: the title top-1 is in the body's top 5; same ISCO unit group / sub-major group: the two top-1s share the 4-digit / first 2 digits of the ISCO-08 code (25 = ICT professionals). Postings whose title matched nothing are not scored (the "postings" column). The title top-1 is itself a model guess: read this as agreement between two views of one posting, not accuracy.`,
    '',
    formatAgreementTable(rows),
    '',
    `Sensitivity (${real?.presetId}, combined with the shown direct matches, agreement@1 / @5 in %; the defaults were set before this sweep and are not tuned on it):`,
    '',
    real ? formatSweep(env, real) : '',
    '',
    `Inference cost: ${real ? inferenceMs(env, real).toFixed(2) : '-'} ms per posting for the combined ranking with every occupation explained (Node, this machine), on top of the extraction.`,
    '',
    `Examples (${real?.presetId}, the first postings used; ✓ = the title top-1):`,
    '',
    real ? formatExamples(env, real, 6) : '',
    '',
    `Command: \`npm run eval -- --kind inference --model ${presets.join(',')} [--markdown file.md]\`.`,
    '',
  ];
  return md.join('\n');
}
