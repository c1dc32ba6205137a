// The ESCO skill pillar's hierarchy, for reading a list of skills as a few areas instead of a flat
// ranking: a skill's path of groups up to its pillar root, grouping of skills by the group at one
// level of that path (or by skill type), grouping of occupations by ISCO group, and folding a found
// broader skill into the narrower skill found on the same evidence. Generic over the items grouped
// (result entries, plain skill indices), so the results list and a skill-gap view share it.
// Pure: reads the taxonomy asset only (`groups`, `broaderSkills`, `parents`, occupation `parent`).
import type { ShownCandidate } from './thresholds.ts';
import { broaderSkillClosure, type SkillConcept, type Taxonomy } from './taxonomy.ts';

export { broaderSkillClosure } from './taxonomy.ts';

/**
 * Levels of a group path: 0 is the pillar root ("skills", "knowledge", "transversal skills and
 * competences", "language skills and knowledge"), 1 its top groups ("S1 communication,
 * collaboration and creativity", "06 information and communication technologies (icts)"), and so on.
 */
export const TOP_GROUP_LEVEL = 1;

/** The groups from the pillar root down to `group` (inclusive), following each group's first parent. */
export function groupAncestry(taxonomy: Taxonomy, group: number): number[] {
  const path: number[] = [];
  const seen = new Set<number>();
  for (let g: number | undefined = group; g !== undefined && g >= 0 && g < taxonomy.skillGroups.length && !seen.has(g); g = taxonomy.skillGroups[g].parents?.[0]) {
    seen.add(g);
    path.push(g);
  }
  return path.reverse();
}

/**
 * The groups a skill sits in: its own `groups`, or where it has none (286 skills of ESCO v1.2.0
 * hang only under broader skills), those of the nearest broader skills, breadth-first.
 */
export function skillHomeGroups(taxonomy: Taxonomy, skill: number): number[] {
  let frontier = [skill];
  const seen = new Set<number>(frontier);
  while (frontier.length > 0) {
    const found: number[] = [];
    for (const s of frontier) for (const g of taxonomy.skills[s]?.groups ?? []) if (!found.includes(g)) found.push(g);
    if (found.length > 0) return found;
    const next: number[] = [];
    for (const s of frontier) {
      for (const b of taxonomy.skills[s]?.broaderSkills ?? []) {
        if (!seen.has(b)) {
          seen.add(b);
          next.push(b);
        }
      }
    }
    frontier = next;
  }
  return [];
}

/** Every group path of a skill (one per home group), each top-down from the pillar root. */
export function skillGroupPaths(taxonomy: Taxonomy, skill: number): number[][] {
  return skillHomeGroups(taxonomy, skill).map((g) => groupAncestry(taxonomy, g));
}

const primaryCache = new WeakMap<Taxonomy, Map<number, readonly number[]>>();

/**
 * The one path a skill is grouped under ([] when it has none). A skill may sit in several groups
 * (70 language skills of v1.2.0 are under both "languages" and a transversal group); the primary
 * path is the most specific (longest) one, ties broken by the paths' group codes compared top-down
 * ("L..." before "T..."), then by group index, so it is the same on every run and every machine.
 */
export function primaryGroupPath(taxonomy: Taxonomy, skill: number): readonly number[] {
  let cache = primaryCache.get(taxonomy);
  if (!cache) primaryCache.set(taxonomy, (cache = new Map()));
  const hit = cache.get(skill);
  if (hit) return hit;
  const code = (g: number) => taxonomy.skillGroups[g]?.code ?? '';
  const paths = skillGroupPaths(taxonomy, skill);
  paths.sort((a, b) => {
    if (a.length !== b.length) return b.length - a.length;
    for (let i = 0; i < a.length; i++) {
      const ca = code(a[i]);
      const cb = code(b[i]);
      if (ca !== cb) return ca < cb ? -1 : 1;
    }
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  });
  const path = paths[0] ?? [];
  cache.set(skill, path);
  return path;
}

/**
 * The group a skill is filed under at `level` of its primary path; a path shorter than that gives
 * its deepest group (a skill directly under "S1" is filed under "S1" at level 2). -1: no path.
 */
export function skillGroupAt(taxonomy: Taxonomy, skill: number, level: number = TOP_GROUP_LEVEL): number {
  const path = primaryGroupPath(taxonomy, skill);
  if (path.length === 0) return -1;
  return path[Math.max(0, Math.min(level, path.length - 1))];
}

/** "S1 communication, collaboration and creativity": the ESCO code (where it has one) and label. */
export function groupHeading(code: string, label: string): string {
  return code ? `${code} ${label}` : label;
}

export type BucketKind = 'skillGroup' | 'skillType' | 'iscoGroup' | 'none';

/** One section of a grouped list. */
export interface Bucket<T> {
  /** Stable across renders and slider moves: "skillGroup:12", "skillType:knowledge", "iscoGroup:3", "none". */
  key: string;
  kind: BucketKind;
  /** Index into taxonomy.skillGroups (skillGroup) or taxonomy.occupations (iscoGroup); -1 otherwise. */
  index: number;
  /** ESCO / ISCO code ("S1", "06", "2"); '' where there is none. */
  code: string;
  /** English label (the UI may show a localized one for `index`). */
  label: string;
  /** Items in the order they were given. */
  items: T[];
}

export interface GroupOptions {
  /** Level of the group path to group at (default TOP_GROUP_LEVEL). */
  level?: number;
  /**
   * 'input' (default): buckets in the order of their first item, so a list sorted by score gives
   * the best-scored area first; 'size': the largest bucket first (ties: first item). The bucket of
   * items without a group ("none") comes last either way.
   */
  order?: 'input' | 'size';
}

function orderBuckets<T>(buckets: Map<string, Bucket<T> & { first: number }>, order: 'input' | 'size'): Bucket<T>[] {
  const list = [...buckets.values()];
  list.sort((a, b) => {
    if ((a.kind === 'none') !== (b.kind === 'none')) return a.kind === 'none' ? 1 : -1;
    if (order === 'size' && a.items.length !== b.items.length) return b.items.length - a.items.length;
    return a.first - b.first;
  });
  return list.map(({ first: _first, ...bucket }) => bucket);
}

const NONE_SKILL_LABEL = 'Not in the ESCO skill hierarchy';

/** Groups items (whatever they are) by the skill group of `skillOf(item)` at `options.level`. */
export function groupByHierarchy<T>(taxonomy: Taxonomy, items: readonly T[], skillOf: (item: T) => number, options: GroupOptions = {}): Bucket<T>[] {
  const level = options.level ?? TOP_GROUP_LEVEL;
  const buckets = new Map<string, Bucket<T> & { first: number }>();
  items.forEach((item, i) => {
    const g = skillGroupAt(taxonomy, skillOf(item), level);
    const key = g >= 0 ? `skillGroup:${g}` : 'none';
    let b = buckets.get(key);
    if (!b) {
      const group = g >= 0 ? taxonomy.skillGroups[g] : undefined;
      b = group
        ? { key, kind: 'skillGroup', index: g, code: group.code, label: group.label, items: [], first: i }
        : { key, kind: 'none', index: -1, code: '', label: NONE_SKILL_LABEL, items: [], first: i };
      buckets.set(key, b);
    }
    b.items.push(item);
  });
  return orderBuckets(buckets, options.order ?? 'input');
}

/** Skill indices grouped by area, e.g. the missing skills of a skill-gap view. */
export function groupSkillIndices(taxonomy: Taxonomy, indices: readonly number[], level: number = TOP_GROUP_LEVEL, order: GroupOptions['order'] = 'input'): Bucket<number>[] {
  return groupByHierarchy(taxonomy, indices, (i) => i, { level, order });
}

export type SkillTypeKey = 'knowledge' | 'skill/competence' | 'transversal' | 'unspecified';

/** Headings of the skill-type buckets, in the order they are shown. */
export const SKILL_TYPE_LABELS: Readonly<Record<SkillTypeKey, string>> = {
  knowledge: 'Knowledge',
  'skill/competence': 'Skills and competences',
  transversal: 'Transversal skills and competences',
  unspecified: 'Type not given',
};
const SKILL_TYPE_ORDER: readonly SkillTypeKey[] = ['knowledge', 'skill/competence', 'transversal', 'unspecified'];

/** Transversal (ESCO reuse level) wins over the skill type: "English" is knowledge but transversal. */
export function skillTypeKey(skill: SkillConcept | undefined): SkillTypeKey {
  if (!skill) return 'unspecified';
  if (skill.reuseLevel === 'transversal') return 'transversal';
  if (skill.skillType === 'knowledge') return 'knowledge';
  if (skill.skillType === 'skill/competence') return 'skill/competence';
  return 'unspecified';
}

/** Items grouped by skill type: knowledge, skills and competences, transversal, type not given (empty ones left out). */
export function groupBySkillType<T>(taxonomy: Taxonomy, items: readonly T[], skillOf: (item: T) => number): Bucket<T>[] {
  const byType = new Map<SkillTypeKey, T[]>();
  for (const item of items) {
    const k = skillTypeKey(taxonomy.skills[skillOf(item)]);
    const list = byType.get(k);
    if (list) list.push(item);
    else byType.set(k, [item]);
  }
  return SKILL_TYPE_ORDER.filter((k) => byType.has(k)).map((k) => ({
    key: `skillType:${k}`,
    kind: k === 'unspecified' ? 'none' : 'skillType',
    index: -1,
    code: '',
    label: SKILL_TYPE_LABELS[k],
    items: byType.get(k)!,
  }));
}

/** An occupation's ISCO groups top-down (major group first); an ISCO group's own path ends at itself. */
export function iscoAncestry(taxonomy: Taxonomy, occupation: number): number[] {
  const path: number[] = [];
  const seen = new Set<number>();
  const start = taxonomy.occupations[occupation];
  let i = start?.isIscoGroup ? occupation : (start?.parent ?? -1);
  while (i >= 0 && i < taxonomy.occupations.length && !seen.has(i)) {
    seen.add(i);
    path.push(i);
    i = taxonomy.occupations[i].parent;
  }
  return path.reverse();
}

/** Occupations grouped by ISCO group at `level` (1 = major group such as "2 Professionals"). */
export function groupByIsco<T>(taxonomy: Taxonomy, items: readonly T[], occupationOf: (item: T) => number, options: GroupOptions = {}): Bucket<T>[] {
  const level = Math.max(1, options.level ?? 1);
  const buckets = new Map<string, Bucket<T> & { first: number }>();
  items.forEach((item, i) => {
    const path = iscoAncestry(taxonomy, occupationOf(item));
    const g = path.length ? path[Math.min(level, path.length) - 1] : -1;
    const key = g >= 0 ? `iscoGroup:${g}` : 'none';
    let b = buckets.get(key);
    if (!b) {
      const group = g >= 0 ? taxonomy.occupations[g] : undefined;
      b = group
        ? { key, kind: 'iscoGroup', index: g, code: group.iscoCode, label: group.label, items: [], first: i }
        : { key, kind: 'none', index: -1, code: '', label: 'No ISCO group', items: [], first: i };
      buckets.set(key, b);
    }
    b.items.push(item);
  });
  return orderBuckets(buckets, options.order ?? 'input');
}


/** A half-open text span [start, end); `strong`: a label found in the text (else a matched segment). */
export interface TextSpan {
  start: number;
  end: number;
  strong?: boolean;
}

export const spansOverlap = (a: TextSpan, b: TextSpan): boolean => a.start < b.end && b.start < a.end;

/**
 * "Same evidence": every span of the broader skill overlaps (or equals) a span of the narrower one,
 * so the broader entry points at nothing the narrower does not. Label mentions are precise and
 * segments coarse, so a broader skill's own label mention counts as covered only by an overlapping
 * mention of the narrower one (never by a whole sentence): a broader skill named in the text, or
 * found elsewhere in it, keeps its entry. One without spans is never folded.
 */
export function sameEvidence(broader: readonly TextSpan[], narrower: readonly TextSpan[]): boolean {
  return broader.length > 0 && broader.every((b) => narrower.some((n) => (!b.strong || n.strong === true) && spansOverlap(b, n)));
}

/** One entry of a list with broader skills folded in: the specific skill, its broader ones as context. */
export interface CollapsedEntry {
  shown: ShownCandidate;
  /** Broader skills (transitively) found on the same evidence, in list order; empty for most entries. */
  context: ShownCandidate[];
}

const allEvidence = (x: ShownCandidate): readonly TextSpan[] => x.candidate.evidence.map((e) => ({ start: e.start, end: e.end, strong: e.signal === 'lexical' }));

/**
 * Folds each shown skill that is a broader skill (through `broaderSkills`, any number of steps) of
 * another shown skill with the same evidence into that narrower one's context: "Haskell" with
 * "within: computer programming" instead of two entries. Among several narrower skills the first
 * in the list that is not itself folded wins (a chain A < B < C all on one span becomes A with B
 * and C). Occupations and unrelated skills pass through with empty context; list order is kept.
 * `spansOf` gives the evidence compared (default: every evidence span of the candidate; the app
 * passes the spans it highlights).
 */
export function collapseBroader(taxonomy: Taxonomy, shown: readonly ShownCandidate[], spansOf: (x: ShownCandidate) => readonly TextSpan[] = allEvidence): CollapsedEntry[] {
  const skillPos = new Map<number, number>();
  shown.forEach((x, i) => {
    if (x.candidate.kind === 'skill' && !skillPos.has(x.candidate.index)) skillPos.set(x.candidate.index, i);
  });
  // coveredBy[b]: list positions of the narrower shown skills whose evidence covers shown skill b's.
  const coveredBy = new Map<number, number[]>();
  shown.forEach((n, i) => {
    if (n.candidate.kind !== 'skill') return;
    const closure = broaderSkillClosure(taxonomy, n.candidate.index);
    for (const b of closure) {
      const at = skillPos.get(b);
      if (at === undefined || at === i) continue;
      if (!sameEvidence(spansOf(shown[at]), spansOf(n))) continue;
      const list = coveredBy.get(at);
      if (list) list.push(i);
      else coveredBy.set(at, [i]);
    }
  });
  // Where each folded entry goes: the first covering narrower entry that stays, else follow the chain.
  const target = (at: number, seen: Set<number>): number => {
    const by = coveredBy.get(at);
    if (!by || seen.has(at)) return at;
    seen.add(at);
    const stays = by.find((i) => !coveredBy.has(i));
    return stays ?? target(by[0], seen);
  };
  const context = new Map<number, ShownCandidate[]>();
  const folded = new Set<number>();
  shown.forEach((x, i) => {
    if (!coveredBy.has(i)) return;
    const t = target(i, new Set());
    if (t === i) return;
    folded.add(i);
    const list = context.get(t);
    if (list) list.push(x);
    else context.set(t, [x]);
  });
  const out: CollapsedEntry[] = [];
  shown.forEach((x, i) => {
    if (!folded.has(i)) out.push({ shown: x, context: context.get(i) ?? [] });
  });
  return out;
}
