// The text each ESCO concept is embedded as. Versioned: the template id is part of the model hash,
// so changing how concepts are written makes every cache made with the old template stale.
import type { OccupationConcept, SkillConcept } from './taxonomy.ts';

export const CONCEPT_TEXT_TEMPLATE = {
  id: 'label-alt-desc',
  version: 1,
  description: 'preferred label; up to 8 alternative labels; first 300 characters of the description',
} as const;

const MAX_ALT = 8;
const MAX_DESC = 300;

export function conceptText(concept: SkillConcept | OccupationConcept): string {
  const alts = concept.altLabels.slice(0, MAX_ALT);
  const desc = concept.description.length > MAX_DESC ? `${concept.description.slice(0, MAX_DESC)}…` : concept.description;
  return [concept.label, alts.length ? alts.join('; ') : '', desc].filter(Boolean).join('. ');
}
