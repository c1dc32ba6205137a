// Near-duplicates in a shown list (issue 25 item 4): one phrase of an ad often brings several ESCO
// skills that say the same thing ("write technical documentation", "provide technical
// documentation", "use technical documentation"). Listed separately they crowd out the ad's other
// skills and read as noise; so a skill is folded into a higher-ranked shown skill when it is a
// variant of it and all its evidence that counts lies on that skill's evidence (kept as a variant,
// not dropped: the URIs stay available). Two skills are variants when the content words of the
// shorter label are all among the other's, so "Java" and "Python" never fold, and neither do two
// skills merely found in the same clause; or when the model puts each among the other's nearest
// skills (mutualNeighbours: synonyms and spellings the label words miss). Broader/narrower pairs on
// one span are the grouped views' (skillHierarchy.ts collapseBroader). Pure.
import type { Candidate } from './pipeline.ts';
import { broaderSkillClosure, type Taxonomy } from './taxonomy.ts';

/** Words that carry no skill content in ESCO labels (English: every skill has an English label). */
const FUNCTION_WORDS = new Set(
  'a an and as at by for from in into of on or the to with within use using apply perform carry out manage provide ensure'.split(' '),
);

/**
 * Content words of a label, lower case, a plural "s" dropped ("databases" and "database" agree); a
 * bracketed qualifier is left out ("Java (computer programming)" is about Java).
 */
export function contentWords(label: string): Set<string> {
  const words = label
    .replace(/\([^)]*\)/g, ' ')
    .toLowerCase()
    .split(/[^\p{L}\p{N}+#]+/u)
    .filter((w) => w && !FUNCTION_WORDS.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
  return new Set(words);
}

/** A text span [start, end). */
type Span = { start: number; end: number };

/** Whether every span of `variant` overlaps some span of `entry`. */
function coveredBy(variant: readonly Span[], entry: readonly Span[]): boolean {
  return variant.length > 0 && variant.every((v) => entry.some((e) => v.start < e.end && e.start < v.end));
}

/**
 * Whether skill `b` is a variant of skill `a` (symmetric): the shorter label's content words are all
 * in the other, and neither is the other's broader skill (that pair is the grouped views': "manage
 * musical staff" within "manage staff").
 */
export function areSkillVariants(taxonomy: Taxonomy, a: number, b: number): boolean {
  if (!taxonomy.skills[a] || !taxonomy.skills[b] || broaderRelated(taxonomy, a, b)) return false;
  return sameContentWords(taxonomy, a, b);
}

function broaderRelated(taxonomy: Taxonomy, a: number, b: number): boolean {
  return broaderSkillClosure(taxonomy, a).has(b) || broaderSkillClosure(taxonomy, b).has(a);
}

function sameContentWords(taxonomy: Taxonomy, a: number, b: number): boolean {
  const wa = contentWords(taxonomy.skills[a].label);
  const wb = contentWords(taxonomy.skills[b].label);
  const [small, large] = wa.size <= wb.size ? [wa, wb] : [wb, wa];
  if (small.size === 0) return false;
  for (const w of small) if (!large.has(w)) return false;
  return true;
}

/**
 * Whether two skills are each other's nearest (Candidate.neighbours, from the preset's concept
 * vectors): the model's reading of near-duplicates whose labels share no words, or spell them
 * otherwise ("sterilization techniques", "use technical equipment for sterilisation"). Mutual, so
 * a hub skill near many others folds none of them on its own.
 */
export function mutualNeighbours(a: Pick<Candidate, 'index' | 'neighbours'>, b: Pick<Candidate, 'index' | 'neighbours'>): boolean {
  return Boolean(a.neighbours?.includes(b.index) && b.neighbours?.includes(a.index));
}

/** areSkillVariants, or mutual nearest neighbours (the folding rule of shown lists; a broader/narrower pair never folds). */
export function areFoldable(taxonomy: Taxonomy, a: Candidate, b: Candidate): boolean {
  if (!taxonomy.skills[a.index] || !taxonomy.skills[b.index] || broaderRelated(taxonomy, a.index, b.index)) return false;
  return sameContentWords(taxonomy, a.index, b.index) || mutualNeighbours(a, b);
}

export interface Folded<T> {
  entry: T;
  /** Shown skills folded into this entry, in score order. */
  variants: T[];
}

/**
 * Folds each skill into the first higher-ranked entry it is a variant of and whose evidence covers
 * all of its own (`spansOf`: the evidence that shows it, thresholds.ts shownEvidence). `list` is in
 * display order (best first); the result keeps that order.
 */
export function foldSkillVariants<T extends { candidate: Candidate }>(list: readonly T[], isVariant: (a: Candidate, b: Candidate) => boolean, spansOf: (item: T) => readonly Span[]): Folded<T>[] {
  const out: (Folded<T> & { spans: readonly Span[] })[] = [];
  for (const item of list) {
    const spans = spansOf(item);
    const home = out.find((f) => coveredBy(spans, f.spans) && isVariant(f.entry.candidate, item.candidate));
    if (home) home.variants.push(item);
    else out.push({ entry: item, variants: [], spans });
  }
  return out.map(({ entry, variants }) => ({ entry, variants }));
}
