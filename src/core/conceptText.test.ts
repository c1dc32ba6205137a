// Concept texts: the shipped template per kind, and the measured variants.
import { describe, expect, it } from 'vitest';
import { altLabelItems, CONCEPT_TEXT_TEMPLATE, CONCEPT_TEXT_VARIANTS, conceptText, MULTI_MAX_ALTS } from './conceptText.ts';
import type { OccupationConcept, SkillConcept } from './taxonomy.ts';

const skill: SkillConcept = { uri: 's', label: 'Java (computer programming)', altLabels: ['Java | J2EE', 'java'], description: 'The techniques of software development in Java.', skillType: 'knowledge', reuseLevel: '', groups: [] };
const occupation: OccupationConcept = { uri: 'o', label: 'software developer', altLabels: ['programmer'], description: 'Software developers implement software.', iscoCode: '2512', isIscoGroup: false, parent: -1, essentialSkills: [], optionalSkills: [] };

describe('concept texts', () => {
  it('writes each kind with the template variant named for it', () => {
    expect(conceptText(skill)).toBe(CONCEPT_TEXT_VARIANTS[CONCEPT_TEXT_TEMPLATE.skill].texts(skill)[0]);
    expect(conceptText(occupation)).toBe(CONCEPT_TEXT_VARIANTS[CONCEPT_TEXT_TEMPLATE.occupation].texts(occupation)[0]);
    expect(CONCEPT_TEXT_VARIANTS['label-alt-desc'].texts(occupation)).toEqual(['software developer. programmer. Software developers implement software.']);
  });

  it('splits " | " alt-label lists, drops duplicates of the label, and gives multi one row per label plus label + description', () => {
    expect(altLabelItems(skill)).toEqual(['Java', 'J2EE']); // 'java' repeats 'Java' (case-folded)
    expect(CONCEPT_TEXT_VARIANTS.multi.texts(skill)).toEqual(['Java (computer programming). The techniques of software development in Java.', 'Java (computer programming)', 'Java', 'J2EE']);
    const many = { ...occupation, altLabels: Array.from({ length: 30 }, (_, i) => `alt ${i}`) };
    expect(CONCEPT_TEXT_VARIANTS.multi.texts(many)).toHaveLength(2 + MULTI_MAX_ALTS);
    expect(CONCEPT_TEXT_VARIANTS.desc.texts({ ...skill, description: '' })).toEqual([skill.label]);
  });
});
