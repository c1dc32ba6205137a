// The compact ESCO taxonomy asset: its types, and validation of a loaded asset.
// Built at build time by scripts/build-taxonomy.ts (from the official CSVs) and loaded by the app,
// the worker and the Node CLIs. Row order of `skills` and `occupations` is the row order of the
// embedding matrices, so an index identifies a concept everywhere.
// The skill pillar's hierarchy (broader skills, broader groups) is carried beside the concept data
// but left out of `contentHash` (see hashedTaxonomyContent): it does not change any embedding, so
// adding or correcting it must not invalidate the embedding caches keyed by that hash.

import type { WordFrequencyTable } from './wordFrequency.ts';

export const TAXONOMY_FORMAT = 1;

export type ConceptKind = 'skill' | 'occupation';

export interface SkillGroupRef {
  uri: string;
  label: string;
  /** ESCO skill group code such as "S1.2" or ISCED-F "0613"; empty when ESCO gives none. */
  code: string;
  /**
   * Indices into `Taxonomy.skillGroups` of the broader groups (ESCO gives at most one; empty or
   * absent for the pillar roots "skills", "knowledge", "transversal skills and competences" and
   * "language skills and knowledge"). Absent in assets built before the hierarchy was kept.
   */
  parents?: number[];
}

export interface SkillConcept {
  uri: string;
  label: string;
  altLabels: string[];
  description: string;
  /** "knowledge" | "skill/competence" | "" (ESCO leaves it empty for a few new v1.2.0 skills). */
  skillType: string;
  /** "transversal" | "cross-sector" | "sector-specific" | "occupation-specific" | "". */
  reuseLevel: string;
  /** Indices into `Taxonomy.skillGroups` of the broader skill groups. */
  groups: number[];
  /**
   * Indices into `Taxonomy.skills` of the broader skills ("Haskell" -> "computer programming").
   * Absent (the asset omits empty lists) = none; validateTaxonomy fills it in.
   */
  broaderSkills?: number[];
}

export interface OccupationConcept {
  uri: string;
  label: string;
  altLabels: string[];
  description: string;
  /** ISCO-08 code: 4 digits for an occupation's unit group, 1-4 digits for a group itself. */
  iscoCode: string;
  /** True for the 619 ISCO groups, which are occupation-kind concepts too. */
  isIscoGroup: boolean;
  /** Index into `occupations` of the ISCO group this concept sits in (-1 if none/top level). */
  parent: number;
  /** Indices into `Taxonomy.skills`. */
  essentialSkills: number[];
  optionalSkills: number[];
}

export interface Taxonomy {
  format: number;
  escoVersion: string;
  language: string;
  /** SHA-256 (hex) over the canonical JSON of the concept data; part of the embedding model hash. */
  contentHash: string;
  skillGroups: SkillGroupRef[];
  skills: SkillConcept[];
  occupations: OccupationConcept[];
  /**
   * How common the words of the taxonomy's language are (wordFrequency.ts), for the label matcher's
   * weak-evidence rule. Not in `contentHash`: it changes no embedding.
   */
  wordFrequency?: WordFrequencyTable;
}

export class TaxonomyError extends Error {
  override name = 'TaxonomyError';
}

/** Validates a parsed JSON value as a taxonomy asset; throws TaxonomyError naming what is wrong. */
export function validateTaxonomy(value: unknown): Taxonomy {
  const t = value as Partial<Taxonomy> | null;
  if (!t || typeof t !== 'object') throw new TaxonomyError('taxonomy asset is not a JSON object');
  if (t.format !== TAXONOMY_FORMAT) {
    throw new TaxonomyError(`taxonomy asset has format ${String(t.format)}, expected ${TAXONOMY_FORMAT}: rebuild it with "npm run build:taxonomy"`);
  }
  if (!Array.isArray(t.skills) || !Array.isArray(t.occupations) || !Array.isArray(t.skillGroups)) {
    throw new TaxonomyError('taxonomy asset lacks skills, occupations or skillGroups arrays');
  }
  if (typeof t.escoVersion !== 'string' || typeof t.contentHash !== 'string') {
    throw new TaxonomyError('taxonomy asset lacks escoVersion or contentHash');
  }
  // Hierarchy fields are optional (older assets lack them, the builder omits empty lists): missing = none.
  for (const s of t.skills) if (!Array.isArray(s.broaderSkills)) s.broaderSkills = [];
  for (const g of t.skillGroups) if (!Array.isArray(g.parents)) g.parents = [];
  return t as Taxonomy;
}

/**
 * What `contentHash` is computed over: the concept data without the hierarchy fields
 * (`SkillConcept.broaderSkills`, `SkillGroupRef.parents`), so the hash, which keys every embedding
 * cache, is the same with or without them. Key order does not matter (canonical JSON sorts keys).
 */
export function hashedTaxonomyContent(t: Pick<Taxonomy, 'escoVersion' | 'language' | 'skillGroups' | 'skills' | 'occupations'>): unknown {
  return {
    escoVersion: t.escoVersion,
    language: t.language,
    skillGroups: t.skillGroups.map(({ parents: _parents, ...rest }) => rest),
    skills: t.skills.map(({ broaderSkills: _broader, ...rest }) => rest),
    occupations: t.occupations,
  };
}

export function conceptsOf(taxonomy: Taxonomy, kind: ConceptKind): ReadonlyArray<SkillConcept | OccupationConcept> {
  return kind === 'skill' ? taxonomy.skills : taxonomy.occupations;
}

export const TAXONOMY_ASSET_PATH = 'taxonomy/taxonomy.json';

/** Every broader skill of a skill, transitively (not the skill itself). */
export function broaderSkillClosure(taxonomy: Taxonomy, skill: number): Set<number> {
  const out = new Set<number>();
  const stack = [...(taxonomy.skills[skill]?.broaderSkills ?? [])];
  while (stack.length > 0) {
    const b = stack.pop()!;
    if (b === skill || out.has(b)) continue;
    out.add(b);
    stack.push(...(taxonomy.skills[b]?.broaderSkills ?? []));
  }
  return out;
}
