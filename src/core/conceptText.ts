// The text each ESCO concept is embedded as. Versioned: the template id is part of the model hash,
// so changing how concepts are written makes every cache made with the old template stale.
// CONCEPT_TEXT_VARIANTS are the alternatives measured by `npm run eval -- --concepts <id>` (EVAL.md);
// only CONCEPT_TEXT_TEMPLATE / conceptText is what the shipped caches use.
import type { OccupationConcept, SkillConcept } from './taxonomy.ts';

/**
 * What the shipped caches embed, per kind (EVAL.md: chosen on validation data). `id` and `version`
 * are the model-hash inputs; `skill` / `occupation` name the CONCEPT_TEXT_VARIANTS used per kind.
 */
// v1 was 'label-alt-desc' for both kinds. v2: skills by their preferred label alone (TECH RP@5
// 57.3 -> 65.2, HOUSE 45.6 -> 48.8 with bge-small-en); occupations keep label + alt labels +
// description (best of the single-vector texts on usa_en.dev; description-only was within noise).
export const CONCEPT_TEXT_TEMPLATE = {
  id: 'skill-label.occupation-label-alt-desc',
  version: 2,
  skill: 'label',
  occupation: 'label-alt-desc',
  description: 'skills: preferred label; occupations: preferred label, up to 8 alternative labels, first 300 characters of the description',
} as const;

const MAX_ALT = 8;
const MAX_DESC = 300;

type Concept = SkillConcept | OccupationConcept;

function shortDescription(concept: Concept, max = MAX_DESC): string {
  return concept.description.length > max ? `${concept.description.slice(0, max)}…` : concept.description;
}

function labelAltDesc(concept: Concept): string {
  const alts = concept.altLabels.slice(0, MAX_ALT);
  return [concept.label, alts.length ? alts.join('; ') : '', shortDescription(concept)].filter(Boolean).join('. ');
}

const isOccupation = (c: Concept): c is OccupationConcept => 'iscoCode' in c;

/** The text a concept is embedded as in the shipped caches (CONCEPT_TEXT_TEMPLATE, per kind). */
export function conceptText(concept: Concept): string {
  const variant = CONCEPT_TEXT_VARIANTS[isOccupation(concept) ? CONCEPT_TEXT_TEMPLATE.occupation : CONCEPT_TEXT_TEMPLATE.skill];
  return variant.texts(concept)[0];
}

/**
 * Alternative label items of a concept: ESCO writes some alt labels as " | "-separated lists
 * (see lexical.ts), each item of which names the concept on its own.
 */
export function altLabelItems(concept: Concept): string[] {
  const out: string[] = [];
  const seen = new Set([concept.label.toLowerCase()]);
  for (const a of concept.altLabels) {
    for (const item of a.split(' | ')) {
      const t = item.trim();
      if (t && !seen.has(t.toLowerCase())) {
        seen.add(t.toLowerCase());
        out.push(t);
      }
    }
  }
  return out;
}

/** A way of writing concepts for embedding: one text per concept, or several (scored by the best). */
export interface ConceptTextVariant {
  id: string;
  version: number;
  description: string;
  /** The texts embedded for one concept; the concept's score is the best of their cosines. */
  texts(concept: Concept): string[];
}

/** Alt-label vectors per concept in the multi-vector variant: ESCO has up to ~60; the first ones are the common names. */
export const MULTI_MAX_ALTS = 12;

export const CONCEPT_TEXT_VARIANTS: Record<string, ConceptTextVariant> = {
  // The upstream ESCO skill extractor's representation: the description alone.
  desc: { id: 'desc', version: 1, description: 'description only (upstream ESCO skill extractor)', texts: (c) => [c.description || c.label] },
  label: { id: 'label', version: 1, description: 'preferred label only', texts: (c) => [c.label] },
  'label-alt': {
    id: 'label-alt',
    version: 1,
    description: 'preferred label; up to 8 alternative labels',
    texts: (c) => [[c.label, c.altLabels.slice(0, MAX_ALT).join('; ')].filter(Boolean).join('. ')],
  },
  'label-desc': {
    id: 'label-desc',
    version: 1,
    description: 'preferred label; first 300 characters of the description',
    texts: (c) => [[c.label, shortDescription(c)].filter(Boolean).join('. ')],
  },
  'label-alt-desc': {
    id: 'label-alt-desc',
    version: 1,
    description: 'preferred label; up to 8 alternative labels; first 300 characters of the description',
    texts: (c) => [labelAltDesc(c)],
  },
  multi: {
    id: 'multi',
    version: 1,
    description: `one vector per label (preferred + up to ${MULTI_MAX_ALTS} alternative label items) plus one for label + description; best vector scores`,
    texts: (c) => [[c.label, shortDescription(c)].filter(Boolean).join('. '), c.label, ...altLabelItems(c).slice(0, MULTI_MAX_ALTS)],
  },
};
